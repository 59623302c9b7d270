//! A locator's alternatives as the page's locator scripts take them
//! (`src/browser/js/locate.js`), and the find script's arguments.

use serde_json::{Value, json};

use super::Engine;
use crate::browser::page::{Arg, Element};
use crate::locators::{Alternative, AxQuery};

/// A page script's scope argument: the element, or null for the whole page.
pub(super) fn scope_arg(scope: Option<&Element>) -> Arg {
    scope.map(Into::into).unwrap_or_else(|| Value::Null.into())
}

/// The arguments of [`crate::browser::scripts::FIND_VISIBLE`]: the alternatives (see there), the scope, the mode.
pub(super) fn find_args(alts: Vec<Value>, scope: Option<&Element>, mode: &str) -> Vec<Arg> {
    vec![Value::Array(alts).into(), scope_arg(scope), mode.into()]
}

/// One alternative as `js/locate.js` takes it: a question to the browser's
/// accessibility engine when `engine` says so and it is one (`role=` /
/// `label=` parts), else its XPath; a `css=` or `text=` alternative carries
/// its selector or text too, for pages with shadow roots (which XPath does
/// not enter). A bare XPath (`xpath=`, mixed chains) is a string.
pub(super) fn alt_spec(alt: &Alternative, scoped: bool, engine: Engine) -> Value {
    let xpath = if scoped { alt.scoped.as_str() } else { alt.xpath.as_str() };
    match (&alt.ax, engine) {
        (Some(parts), Engine::AxTree) => {
            let parts: Vec<Value> = parts
                .iter()
                .map(|q| match q {
                    AxQuery::Role { roles, name } => json!({
                        "roles": roles,
                        "name": name.as_ref().map(|(_, n)| n),
                        "contains": name.as_ref().is_some_and(|(c, _)| *c),
                    }),
                    AxQuery::Label(label) => json!({ "label": label }),
                })
                .collect();
            json!({ "ax": parts, "xpath": xpath })
        }
        _ => match (alt.source.strip_prefix("css="), alt.source.strip_prefix("text=")) {
            (Some(css), _) => json!({ "css": css.trim(), "xpath": xpath }),
            (_, Some(text)) => json!({ "text": text.trim(), "xpath": xpath }),
            _ => json!(xpath),
        },
    }
}

