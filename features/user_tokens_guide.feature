@smoke @docs @clipboard @serial
Feature: Create an API token from the User Tokens tab and the Profile page
  This document explains how to create a new API Token in the DuploCloud AI Suite,
  using the User Tokens tab and the Profile page.

  Scenario: Create an API token, following the user guide step by step
    Given I am signed in to the AI Suite admin panel
    # Step 1 — Navigate to Access Control → User Tokens
    When I go to AI Admin → Access Control in the left-hand navigation
    And I click the User Tokens tab at the top
    Then it lists all existing API tokens with their name, token value, user, created date, last used, expiry, and status
    # Step 2 — Click the Profile Icon (Top Right)
    When I click the profile avatar icon in the top-right corner
    Then a dropdown menu appears showing my name and role
    # Step 3 — Click "Profile"
    When I click Profile in the dropdown
    Then my Profile page shows my User Info and the API Tokens table
    # Step 4 — Click "Create Token"
    When I click the Create Token button on the right side
    Then a Create API Token modal dialog opens with two fields: Token Name and Expiry Date
    # Step 5 — Enter a Token Name
    When I type a descriptive token name such as "QA-Test-Token"
    Then the Token Name field holds the name I typed
    # Step 6 — Set the Expiry Date
    When I enter a future expiry date in YYYY-MM-DD format: today + 30 days
    Then the Expiry Date field holds that date
    # Step 7 — Click "Create"
    When I review the token name and expiry date, then click Create
    # Step 8 — Copy the Token
    Then a Token Created confirmation dialog shows the full token value
    When I click Copy to copy it to my clipboard
    Then my clipboard holds exactly the full token value shown in the dialog
    When I click Close
    Then the new token appears in the API Tokens table with Active status and the expiry date I set
    And the full token value is shown nowhere on the page
    And the new token also appears on Access Control → User Tokens
