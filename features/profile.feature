@smoke
Feature: Steps 2 and 3 — the profile menu and the Profile page
  In the top-right corner of the page, click the profile avatar icon. A dropdown menu appears
  showing your name and role. In the dropdown, click Profile. This navigates to your Profile
  page which shows your User Info and the API Tokens table.

  Scenario: The avatar menu leads to the Profile page
    Given I am signed in to the AI Suite admin panel
    When I click the profile avatar icon in the top-right corner
    Then a dropdown menu appears showing my name and role
    When I click Profile in the dropdown
    Then my Profile page shows my User Info and the API Tokens table
