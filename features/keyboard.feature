@keyboard
Feature: The user guide with the keyboard alone
  The guide's Steps 1-8 as a person who cannot use a mouse follows them: Tab and Enter move
  through the page; inside the avatar's dropdown, and in a row of tabs that keeps only the
  selected one in the Tab order, the arrow keys move; the Create API Token dialog takes the
  keyboard focus when it opens and keeps it (Tab and Shift+Tab wrap inside it); Escape closes
  it; closing a dialog gives the focus back to Create Token; the token is copied without a mouse.

  Background:
    Given I am signed in to the AI Suite admin panel

  # Copy needs the one clipboard of the display: no other scenario runs meanwhile.
  @clipboard @serial
  Scenario: Create an API token with the keyboard alone, through Steps 1 to 8 of the guide
    When I press Tab until Access Control in the left-hand navigation has the focus, and Enter
    And I press Tab until the User Tokens tab has the focus, and Enter
    Then it lists all existing API tokens with their name, token value, user, created date, last used, expiry, and status
    When I press Tab until the profile avatar has the focus, and Enter
    Then a dropdown menu appears showing my name and role
    When I press the arrow keys until Profile has the focus, and Enter
    Then my Profile page shows my User Info and the API Tokens table
    When I press Tab until the Create Token button has the focus, and Enter
    Then a Create API Token modal dialog opens with two fields: Token Name and Expiry Date
    And the keyboard focus is in the dialog, and Tab and Shift+Tab keep it there
    When I press Escape
    Then the Create API Token dialog is closed
    And the keyboard focus is back on the Create Token button
    When I press Enter to open it again
    And I press Tab until the Token Name field has the focus, and type a descriptive token name such as "QA-Keyboard-Token"
    And I press Tab until the Expiry Date field has the focus, and type a future expiry date: today + 30 days
    Then the Create button is enabled, ready to submit
    When I press Enter to create the token
    Then a Token Created confirmation dialog shows the full token value
    When I press Tab until Copy has the focus, and Enter
    Then my clipboard holds exactly the full token value shown in the dialog
    When I press Tab until Close has the focus, and Enter
    Then the keyboard focus is back on the Create Token button
    And the new token appears in the API Tokens table with Active status and the expiry date I set
