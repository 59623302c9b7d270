@smoke
Feature: Step 1 — Navigate to Access Control → User Tokens
  Go to AI Admin → Access Control in the left-hand navigation. Click the User Tokens tab at
  the top. This lists all existing API tokens with their name, token value, user, created
  date, last used, expiry, and status.

  Scenario: The User Tokens tab lists every user's tokens, with masked values
    Given I am signed in to the AI Suite admin panel
    When I go to AI Admin → Access Control in the left-hand navigation
    And I click the User Tokens tab at the top
    Then it lists all existing API tokens with their name, token value, user, created date, last used, expiry, and status
    And the list includes tokens of other users
