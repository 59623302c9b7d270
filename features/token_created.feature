Feature: Step 8 — the token shown once is the one that works
  A Token Created confirmation dialog appears showing the full token value. Copy the token
  now — it will not be shown again. The token authenticates against the AI Suite's REST API
  (Authorization: Bearer <token>) until it is revoked.

  Background:
    Given I am signed in to the AI Suite admin panel
    And I have opened the Create API Token dialog from my Profile page

  # Copy needs the one clipboard of the display: no other scenario runs meanwhile.
  @clipboard @serial
  Scenario: The token works, records its use, and stops working once revoked
    When I create a token named "QA-Test-Token" expiring today + 1 day
    Then a Token Created confirmation dialog shows the full token value
    When I click Copy to copy it to my clipboard
    Then my clipboard holds exactly the full token value shown in the dialog
    When I click Close
    Then the full token value is shown nowhere on the page
    And the new token appears in the API Tokens table with Active status and the expiry date I set
    When I call the AI Suite API with the copied token
    Then the API accepts the token
    When I reload the page
    Then the token's Last Used shows that it was used
    And the full token value is shown nowhere on the page
    When I revoke the token from the API Tokens table
    And I call the AI Suite API with the copied token
    Then the API rejects the token

  Scenario: The full token is not shown again on the User Tokens tab
    When I create a token named "QA-Test-Token" expiring today + 1 day
    Then a Token Created confirmation dialog shows the full token value
    When I click Close
    Then the new token also appears on Access Control → User Tokens
    And the full token value is shown nowhere on the page
    When I reload the page
    Then the full token value is shown nowhere on the page

  Scenario: Cancel closes the dialog and creates nothing
    When I type the token name "QA-Cancelled-Token" and click Cancel
    Then the Create API Token dialog is closed
    And no token with that name is listed
