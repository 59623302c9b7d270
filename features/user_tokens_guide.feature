@smoke @docs @clipboard @serial
Feature: Create an API token from the User Tokens tab and the Profile page
  The published user guide (access-control/user-tokens.md), step by step. The doc strings
  are the guide's text: `cargo run -- docs` builds docs/user-tokens.md from them, with the
  picture each step's screenshot became.

  Background:
    Given I am signed in to the AI Suite admin panel
      """
      # User Tokens

      This document explains how to create a new API Token in the DuploCloud AI Suite, using the **User Tokens** tab and the **Profile** page.

      ***

      ## Prerequisites

      - Access to the DuploCloud AI Suite admin panel
      - An authenticated user account
      """

  Scenario: Create an API token, following the user guide step by step
    When I go to AI Admin → Access Control in the left-hand navigation
    And I click the User Tokens tab at the top
    Then it lists all existing API tokens with their name, token value, user, created date, last used, expiry, and status
      """
      ## Step 1 — Navigate to Access Control → User Tokens

      Go to **AI Admin → Access Control** in the left-hand navigation. Click the **User Tokens** tab at the top. This lists all existing API tokens with their name, token value, user, created date, last used, expiry, and status.

      ![Step 1 — User Tokens tab](user-tokens-step-01-user-tokens-tab.png)
      """
    When I click the profile avatar icon in the top-right corner
    Then a dropdown menu appears showing my name and role
      """
      ## Step 2 — Click the Profile Icon (Top Right)

      In the top-right corner of the page, click the profile avatar icon. A dropdown menu appears showing your name and role.

      ![Step 2 — Profile dropdown](user-tokens-step-02-profile-dropdown.png)
      """
    When I click Profile in the dropdown
    Then my Profile page shows my User Info and the API Tokens table
      """
      ## Step 3 — Click "Profile"

      In the dropdown, click **Profile**. This navigates to your Profile page which shows your **User Info** and the **API Tokens** table.

      ![Step 3 — Profile page](user-tokens-step-03-profile-page.png)
      """
    When I click the Create Token button on the right side
    Then a Create API Token modal dialog opens with two fields: Token Name and Expiry Date
      """
      ## Step 4 — Click "Create Token"

      On the Profile page, locate the **API Tokens** section. Click the **Create Token** button on the right side (shown in purple).

      A **Create API Token** modal dialog opens with two fields: **Token Name** and **Expiry Date**.

      ![Step 4 — Create API Token modal](user-tokens-step-04-create-token-modal.png)
      """
    When I type a descriptive token name such as "QA-Test-Token"
    Then the Token Name field holds the name I typed
      """
      ## Step 5 — Enter a Token Name

      Click the **Token Name** field and type a descriptive name for the token.

      In this example: `QA-Test-Token`

      ![Step 5 — Token name filled](user-tokens-step-05-name-filled.png)
      """
    When I enter a future expiry date in YYYY-MM-DD format: today + 30 days
    Then the Expiry Date field holds that date
      """
      ## Step 6 — Set the Expiry Date

      Click the **Expiry Date** field and enter a future date in `YYYY-MM-DD` format.

      > **Important:** The expiry date must be greater than today's date or the form will reject it.

      In this example: `2026-04-11` (April 11, 2026)

      ![Step 6 — Expiry date set](user-tokens-step-06-expiry-set.png)
      """
    Then the Create button is enabled, ready to submit
      """
      ## Step 7 — Click "Create"

      Review the token name and expiry date, then click the **Create** button.

      ![Step 7 — Ready to submit](user-tokens-step-07-ready-to-submit.png)
      """
    When I click Create
    Then a Token Created confirmation dialog shows the full token value
      """
      ## Step 8 — Copy the Token

      A **Token Created** confirmation dialog appears showing the full token value. Copy the token now — it will not be shown again.

      Click **Copy** to copy it to your clipboard, then click **Close**.

      ![Step 8 — Token created, copy it now](user-tokens-step-08-token-created.png)
      """
    When I click Copy to copy it to my clipboard
    Then my clipboard holds exactly the full token value shown in the dialog
    When I click Close
    Then the new token appears in the API Tokens table with Active status and the expiry date I set
      """
      The new token appears in the **API Tokens** table with **Active** status and the expiry date you set.

      ![Step 8 — The new token in the API Tokens table](user-tokens-step-09-final-list.png)
      """
    And the full token value is shown nowhere on the page
    And the new token also appears on Access Control → User Tokens
