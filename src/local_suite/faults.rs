//! Fault switches: each one breaks one promise of the user guide in a realistic
//! way, so the self-check can prove the suite notices (`serve --fault NAME`).

use std::collections::BTreeSet;

macro_rules! faults {
    ($($variant:ident = $name:literal, step $step:literal, probe $probe:literal: $what:literal;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Fault { $($variant),* }

        impl Fault {
            pub const ALL: &'static [Fault] = &[$(Fault::$variant),*];
            pub fn name(self) -> &'static str { match self { $(Fault::$variant => $name),* } }
            /// The guide step whose promise this fault breaks.
            pub fn step(self) -> u8 { match self { $(Fault::$variant => $step),* } }
            pub fn description(self) -> &'static str { match self { $(Fault::$variant => $what),* } }
            /// The scenarios that must catch it: a tag expression (`@...`) or a scenario-name regex.
            pub fn probe(self) -> &'static str { match self { $(Fault::$variant => $probe),* } }
        }
    };
}

faults! {
    MissingColumn = "missing-column", step 1, probe "@smoke": "User Tokens table has no Last Used column";
    AdminListMissingNewToken = "admin-list-missing-new-token", step 1, probe "following the user guide": "a new token never shows on Access Control → User Tokens";
    RoleMissingFromMenu = "role-missing-from-menu", step 2, probe "@smoke": "the avatar dropdown shows the name but not the role";
    ProfileMissingUserInfo = "profile-missing-user-info", step 3, probe "@smoke": "the Profile page has no User Info section";
    ModalExtraField = "modal-extra-field", step 4, probe "following the user guide": "the Create API Token modal has a third field";
    NameFieldTruncates = "name-field-truncates", step 5, probe "following the user guide": "the Token Name field keeps only 8 characters";
    AcceptTodayExpiry = "accept-today-expiry", step 6, probe "expiry date of today is rejected": "today's date is accepted as an expiry";
    AcceptPastExpiry = "accept-past-expiry", step 6, probe "expiry date of yesterday is rejected": "past dates are accepted as an expiry";
    ServerTrustsPage = "server-trusts-page", step 6, probe "expiry date of yesterday is rejected": "the page rejects a past expiry but the server accepts it";
    LenientDateParsing = "lenient-date-parsing", step 6, probe "expiry date of (slashes|no zero padding) is rejected": "dates like 2027/4/11 are accepted";
    AcceptEmptyName = "accept-empty-name", step 5, probe "(empty token name|name of only spaces) is rejected": "an empty token name is accepted";
    CreateNeverEnabled = "create-never-enabled", step 7, probe "following the user guide": "the Create button stays disabled";
    CopyTruncated = "copy-truncated", step 8, probe "following the user guide": "Copy writes a truncated token to the clipboard";
    CopyNothing = "copy-nothing", step 8, probe "following the user guide": "Copy writes nothing to the clipboard";
    TokenDoesNotAuthenticate = "token-does-not-authenticate", step 8, probe "stops working once revoked": "the dialog shows a token that the API rejects";
    TokenShownAfterClose = "token-shown-after-close", step 8, probe "following the user guide": "the full token stays in the page after Close";
    CloseDoesNotClose = "close-does-not-close", step 8, probe "following the user guide": "Close leaves the Token Created dialog open";
    NewRowMissingUntilReload = "new-row-missing-until-reload", step 8, probe "following the user guide": "the new row appears only after a reload";
    WrongStatus = "wrong-status", step 8, probe "following the user guide": "live tokens show status Pending instead of Active";
    ExpiryOffByOne = "expiry-off-by-one", step 8, probe "following the user guide": "the table shows the expiry one day early";
    FlakyFirstCreate = "flaky-first-create", step 7, probe "following the user guide": "the first Create of the server's life fails with HTTP 500 (a flaky backend)";
    PageThrowsAfterRender = "page-throws-after-render", step 1, probe "following the user guide": "Access Control throws a TypeError just after it renders (the page looks fine)";
    TokensRefresh500 = "tokens-refresh-500", step 1, probe "following the user guide": "the User Tokens table's refresh call answers 500 and the page keeps its stale rows";
    ProfileConsoleError = "profile-console-error", step 3, probe "following the user guide": "the Profile page logs a console.error while it works";
    TokenLoggedToConsole = "token-logged-to-console", step 7, probe "following the user guide": "the page logs the new token's full value to the console (console.log)";
    NameRenderedAsHtml = "name-rendered-as-html", step 8, probe "looks like markup": "the API Tokens table renders a token's name as HTML (markup in a name runs)";
    TokenLoggedToConsoleDebug = "token-logged-to-console-debug", step 7, probe "following the user guide": "the page logs the new token's full value at debug level (console.debug)";
    MenuMouseOnly = "menu-mouse-only", step 2, probe "with the keyboard alone": "the avatar dropdown's items answer the mouse only: they take no focus and the arrow keys do not reach them";
    DialogFocusEscapes = "dialog-focus-escapes", step 4, probe "with the keyboard alone": "the Create API Token dialog lets the keyboard focus out: Tab from its last control goes to the page behind";
    ErrorNotTied = "error-not-tied", step 6, probe "expiry date of yesterday is rejected": "the reason a field is refused shows under it, tied to nothing (no aria-describedby, no live region): a screen reader user is not told why";
    StatusColourOnly = "status-colour-only", step 1, probe "following the user guide": "a token's status is a coloured dot, its word only in a tooltip";
    FaintFieldLabels = "faint-field-labels", step 4, probe "following the user guide": "the Create API Token dialog's field labels are light grey on white (contrast 2:1, below WCAG's 4.5:1): a sighted mouse user reads them, a low-vision user does not";
}

impl Fault {
    /// Caught by the accessibility audit alone: its probe runs in `fail`
    /// mode with the kit builds' accepted violations
    /// (`accessibility-accepted.toml`), whatever the build.
    pub fn accessibility(self) -> bool {
        matches!(self, Fault::FaintFieldLabels | Fault::ErrorNotTied)
    }

    /// What the suite's failure must show for the catch to count: the
    /// evidence only the page's own reports give (None: any failure).
    pub fn evidence(self) -> Option<&'static str> {
        match self {
            Fault::PageThrowsAfterRender => Some("uncaught error: TypeError"),
            Fault::TokensRefresh500 => Some("answered 500"),
            Fault::ProfileConsoleError => Some("console.error: Failed to load avatar preferences"),
            Fault::FaintFieldLabels => Some("serious color-contrast"),
            Fault::ErrorNotTied => Some("is not tied to it"),
            Fault::MenuMouseOnly => Some("Profile in the dropdown could not be reached with the keyboard"),
            Fault::DialogFocusEscapes => Some("the keyboard focus left the Create API Token dialog"),
            Fault::TokenLoggedToConsole => Some("the page wrote the new token to its console (console.log)"),
            Fault::TokenLoggedToConsoleDebug => Some("the page wrote the new token to its console (console.debug)"),
            _ => None,
        }
    }
}

/// A fault is written by its name (the self-check's rows cross processes as JSON).
impl serde::Serialize for Fault {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Fault {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Fault::ALL.iter().copied().find(|f| f.name() == name).ok_or_else(|| serde::de::Error::custom(format!("unknown fault '{name}'")))
    }
}

/// The set of faults switched on for one server.
#[derive(Clone, Debug, Default)]
pub struct Faults(BTreeSet<Fault>);

impl Faults {
    pub fn none() -> Self {
        Self::default()
    }

    pub fn parse(names: &[String]) -> anyhow::Result<Self> {
        let mut set = BTreeSet::new();
        for name in names {
            let fault = Fault::ALL.iter().copied().find(|f| f.name() == name).ok_or_else(|| {
                let known: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
                anyhow::anyhow!("unknown fault '{name}'; known faults: {}", known.join(", "))
            })?;
            set.insert(fault);
        }
        Ok(Self(set))
    }

    pub fn has(&self, fault: Fault) -> bool {
        self.0.contains(&fault)
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.0.iter().map(|f| f.name()).collect()
    }
}
