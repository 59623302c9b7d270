@validation
Feature: Step 5 and Step 6 — what the Create API Token form accepts
  Important: The expiry date must be greater than today's date or the form will reject it.
  A form rejects a value in any of the ways widely used forms do (docs/contract.md): Create
  stays disabled, a reason appears at the field on Create, or the browser's own validation
  stops the form; the report says which. Either way the dialog stays open with what was
  typed, and nothing is created. What the guide leaves open (how long a name may be, whether
  a name can be used twice) may be refused, or accepted under exactly the name typed.

  Background:
    Given I am signed in to the AI Suite admin panel
    And I have opened the Create API Token dialog from my Profile page

  Scenario Outline: An expiry date of <case> is rejected
    When I try to create a valid token name expiring "<expiry>"
    Then the form rejects the expiry date
    And the dialog stays open with the values I typed
    When I send the same values to the server, bypassing the page
    Then the server refuses them
    When I cancel the dialog and reload my Profile page
    Then no token was created

    Examples:
      | case                      | expiry         |
      | today                     | today          |
      | yesterday                 | yesterday      |
      | a year ago                | today - 1 year |
      | slashes                   | 2030/04/11     |
      | day first                 | 11-04-2030     |
      | no zero padding           | 2030-4-11      |
      | no separators             | 20300411       |
      | free text                 | next week      |
      | February 30               | 2030-02-30     |
      | February 29, not leap     | 2030-02-29     |
      | month 13                  | 2030-13-01     |

  Scenario: An empty expiry date is rejected
    When I try to create a valid token name expiring ""
    Then the form rejects the expiry date
    And the dialog stays open with the values I typed
    When I cancel the dialog and reload my Profile page
    Then no token was created

  # Each example leaves a revoked token on the target: opt in against staging.
  @destructive
  Scenario Outline: An expiry date of <case> is accepted
    When I create a token named "QA-Test-Token" expiring <expiry>
    Then a Token Created confirmation dialog shows the full token value
    When I click Close
    Then the new token appears in the API Tokens table with Active status and the expiry date I set

    Examples:
      | case            | expiry           |
      | tomorrow        | tomorrow         |
      | far future      | today + 10 years |
      | leap day        | 2028-02-29       |

  Scenario: An empty token name is rejected
    When I try to create a token named "" expiring tomorrow
    Then the form rejects the token name
    And the dialog stays open with the values I typed
    When I cancel the dialog and reload my Profile page
    Then no token was created

  Scenario: A token name of only spaces is rejected
    When I try to create a token whose name is 3 spaces, expiring tomorrow
    Then the form rejects the token name
    When I send the same values to the server, bypassing the page
    Then the server refuses them
    When I cancel the dialog and reload my Profile page
    Then no token was created

  # The guide sets no length for a name: a long one is refused, or kept whole.
  Scenario Outline: A <length>-character token name is refused or kept whole
    When I try to create a token whose name is <length> characters long, expiring tomorrow
    Then the form rejects the token name, or creates a token listed under exactly that name

    Examples:
      | length |
      | 64     |
      | 65     |

  # The guide does not say whether a name can be used twice: either way, the
  # live token keeps its name and its status.
  Scenario: The name of a live token is refused, or used for a second token
    When I create a token named "QA-Duplicate" expiring tomorrow
    And I click Close
    And I try to create another token with the same name, expiring tomorrow
    Then the form rejects the token name, or creates a token listed under exactly that name
    And my first token is still listed with Active status

  Scenario: A name that looks like markup is stored and shown as plain text
    When I create a token named "<img src=x onerror=window.__aiSuiteE2eInjected=true>" expiring tomorrow
    Then a Token Created confirmation dialog shows the full token value
    When I click Close
    Then the name is shown as plain text, without running any markup
