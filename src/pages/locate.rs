//! Finding elements by a locator key, as a user reads the page: the
//! locator's alternatives tried in order, strictly (several visible matches
//! are an [`Ambiguous`] error), by the engine the browser and channel allow
//! (the browser's computed roles and names, WebDriver BiDi, or XPath).

use std::collections::HashMap;

use anyhow::Context;
use serde_json::{Value, json};

use super::ambiguity::AmbiguityReport;
use super::spec::{alt_spec, find_args, scope_arg};
use super::{Engine, Ui};
use crate::browser::page::{AxAsk, Element};
use crate::browser::{scripts, wait};
use crate::locators::{AxQuery, Key};

impl Ui {
    /// The engine this session's finds use: the configured one, as far as
    /// this browser and channel allow. The accessibility engine reads the
    /// roles and names the browser computes in the page (Chromium launched
    /// by this suite exposes them); without them it asks WebDriver BiDi when
    /// the session speaks it, and else falls back to XPath, said once per run.
    pub(super) async fn engine(&self) -> anyhow::Result<Engine> {
        if let Some(&e) = self.resolved.get() {
            return Ok(e);
        }
        let computed = || async {
            anyhow::Ok(self.page.eval("return 'computedRole' in Element.prototype && 'computedName' in Element.prototype;", vec![]).await?.as_bool() == Some(true))
        };
        let e = match self.engine {
            Engine::XPath => Engine::XPath,
            Engine::AxTree if computed().await? => Engine::AxTree,
            Engine::AxTree | Engine::Bidi if self.page.has_bidi().await => Engine::Bidi,
            wanted => {
                static SAID: std::sync::Once = std::sync::Once::new();
                SAID.call_once(|| {
                    let why = match wanted {
                        Engine::Bidi => "this session has no WebDriver BiDi connection the locator engine can use (it needs webSocketUrl and a WebDriver-only channel)",
                        _ => "this browser exposes no computed roles and accessible names to scripts (Chromium does with --enable-blink-features=ComputedAccessibilityInfo) and the session has no WebDriver BiDi",
                    };
                    eprintln!("note: {why}: role= and label= locators use the XPath engine, an approximation of accessible names");
                });
                Engine::XPath
            }
        };
        let _ = self.resolved.set(e);
        Ok(e)
    }

    /// The alternatives of `key` as the page's locator scripts take them
    /// (`src/browser/js/locate.js`): relative to a scope when `scoped`.
    pub async fn specs(&self, key: Key, scoped: bool) -> anyhow::Result<Vec<Value>> {
        let engine = self.engine().await?;
        Ok(self.locator(key).alternatives.iter().map(|a| alt_spec(a, scoped, engine)).collect())
    }

    /// The alternatives of `key` as the page's locator scripts take them,
    /// asked of the browser's own roles and names wherever it has them (the
    /// evidence scripts, which paint over or hide anything a key may mean).
    pub fn page_specs(&self, key: Key, scoped: bool) -> Vec<Value> {
        self.locator(key).alternatives.iter().map(|a| alt_spec(a, scoped, Engine::AxTree)).collect()
    }

    /// One attempt: the one visible element `key` means, inside `scope` if
    /// given (see [`scripts::FIND_VISIBLE`]): `None` when nothing shows yet, an
    /// [`Ambiguous`] error when its winning alternative matches several.
    /// The first find of a key in a run keeps its fingerprint (see
    /// [`crate::repair`]), read beside the steps that go on meanwhile.
    pub async fn try_find(&self, key: Key, scope: Option<&Element>) -> anyhow::Result<Option<Element>> {
        let found = self.find_once(key, scope).await?;
        if let (Some(el), Some(book)) = (&found, &self.repair)
            && book.claim(key)
        {
            let (ui, el, scope) = (self.clone(), el.clone(), scope.cloned());
            tokio::spawn(async move { ui.fingerprint(key, &el, scope.as_ref()).await });
        }
        Ok(found)
    }

    pub(super) async fn find_once(&self, key: Key, scope: Option<&Element>) -> anyhow::Result<Option<Element>> {
        if self.engine().await? == Engine::Bidi {
            let Some((i, mut found)) = self.matches_by(key, scope, Engine::Bidi).await? else { return Ok(None) };
            if found.len() == 1 {
                if let Some(el) = found.first() {
                    wait::matched(&el.description());
                }
                return Ok(found.pop());
            }
            return Err(self.ambiguous(key, i, &found).await?.into());
        }
        let specs = self.specs(key, scope.is_some()).await?;
        let got = self.page.eval_element_or_value(scripts::FIND_VISIBLE, find_args(specs, scope, "one")).await?;
        match got {
            Ok(el) => {
                if let Some(el) = &el {
                    wait::matched(&el.description());
                }
                Ok(el)
            }
            Err(report) => {
                let text = report.as_str().unwrap_or_default();
                let r: AmbiguityReport = serde_json::from_str(text).with_context(|| format!("unreadable answer of the find script: {report}"))?;
                Err(self.ambiguity(key, r.alternative, r.count, r.items).into())
            }
        }
    }

    /// The winning alternative of `key` by `engine` (its index) and all its
    /// visible matches; `None` when no alternative matches anything visible.
    /// One round trip per alternative tried (for comparing engines; finds
    /// go through [`Ui::try_find`]).
    pub async fn matches_by(&self, key: Key, scope: Option<&Element>, engine: Engine) -> anyhow::Result<Option<(usize, Vec<Element>)>> {
        let mut asked = Asked::default();
        for (i, alt) in self.locator(key).alternatives.iter().enumerate() {
            let by_bidi = match (&alt.ax, engine) {
                // Boxed: the BiDi calls would otherwise deepen every find's future type.
                (Some(parts), Engine::Bidi) => Box::pin(self.bidi_matches(parts, scope, &mut asked)).await?,
                _ => None,
            };
            let found = match by_bidi {
                // Firefox's BiDi lookup of a role it was not narrowed for does
                // not enter shadow roots: the page's own flat-tree reading
                // answers there (nothing on a page without any).
                Some(found) if found.is_empty() => {
                    let mut spec = alt_spec(alt, scope.is_some(), Engine::AxTree);
                    if let Some(o) = spec.as_object_mut() {
                        o.insert("shadowOnly".into(), Value::Bool(true));
                    }
                    self.page.eval_elements(scripts::FIND_VISIBLE, find_args(vec![spec], scope, "all")).await?
                }
                Some(found) => found,
                None => {
                    let spec = alt_spec(alt, scope.is_some(), engine);
                    self.page.eval_elements(scripts::FIND_VISIBLE, find_args(vec![spec], scope, "all")).await?
                }
            };
            if !found.is_empty() {
                return Ok(Some((i, found)));
            }
        }
        Ok(None)
    }

    /// The visible matches of one accessibility question (a chain: each part
    /// inside the previous part's matches) through WebDriver BiDi; `None`
    /// when the session has no BiDi. Names are the ones WebDriver computes
    /// (`Get Computed Label`); a label also matches with a required-field
    /// star ("Token Name *").
    async fn bidi_matches(&self, parts: &[AxQuery], scope: Option<&Element>, asked: &mut Asked) -> anyhow::Result<Option<Vec<Element>>> {
        let mut from: Vec<Element> = scope.into_iter().cloned().collect();
        let mut field = false;
        for (n, q) in parts.iter().enumerate() {
            // A label's texts: as written, or with a required-field star.
            let label_texts: Vec<String> = match q {
                AxQuery::Label(label) => vec![label.clone(), format!("{label} *"), format!("{label}*")],
                AxQuery::Role { .. } => Vec::new(),
            };
            // The last part: only what a find may answer with is asked.
            if n + 1 == parts.len()
                && let Some(found) = self.shown_matches(q, &from, scope, &label_texts, asked).await?
            {
                return Ok(Some(found));
            }
            let mut found = Vec::new();
            // By role, then the names compared here, whitespace-normalised (the
            // driver compares them raw: " Create Token" after an icon).
            let asks: Vec<(Option<&str>, Option<String>)> = match q {
                AxQuery::Role { roles, .. } => roles.iter().map(|r| (Some(r.as_str()), None)).collect(),
                AxQuery::Label(_) => label_texts.iter().map(|n| (None, Some(n.clone()))).collect(),
            };
            for (role, name) in asks {
                let question = (from.iter().map(Element::id).collect::<Vec<_>>(), role.map(str::to_string), name.clone(), false);
                let Some(nodes) = asked.once(question, self.page.locate_ax(&from, role, name.as_deref())).await? else { return Ok(None) };
                found.extend(nodes);
            }
            if matches!(q, AxQuery::Label(_)) && found.is_empty() {
                found = self.labelled_fields(&from, &label_texts).await?;
            }
            if let AxQuery::Role { name: Some((contains, wanted)), .. } = q {
                found = self.named(found, *contains, wanted, asked).await?;
            }
            let mut seen = std::collections::HashSet::new();
            found.retain(|el| seen.insert(el.id()));
            field = matches!(q, AxQuery::Label(_));
            if found.is_empty() {
                return Ok(Some(found));
            }
            from = found;
        }
        self.visible_matches(field, scope, from).await.map(Some)
    }

    /// The last part of a question, asked only of the elements a find may
    /// answer with (see [`crate::browser::page::Page::locate_ax_shown`]):
    /// its visible matches; `None` when it cannot be asked so (then the
    /// part is asked of every element, and the matches checked after).
    async fn shown_matches(&self, q: &AxQuery, from: &[Element], scope: Option<&Element>, label_texts: &[String], asked: &mut Asked) -> anyhow::Result<Option<Vec<Element>>> {
        let mut found = Vec::new();
        match q {
            AxQuery::Role { roles, name } => {
                if !roles.iter().all(|r| self.page.narrows(r)) {
                    return Ok(None);
                }
                for role in roles {
                    let question = (from.iter().map(Element::id).collect::<Vec<_>>(), Some(role.clone()), None, true);
                    let Some(nodes) = asked.once(question, self.page.locate_ax_shown(from, scope, AxAsk::Role(role))).await? else { return Ok(None) };
                    found.extend(nodes);
                }
                if let Some((contains, wanted)) = name {
                    found = self.named(found, *contains, wanted, asked).await?;
                }
            }
            AxQuery::Label(_) => {
                let Some(nodes) = self.page.locate_ax_shown(from, scope, AxAsk::Field(label_texts)).await? else { return Ok(None) };
                found = nodes;
                if found.is_empty() {
                    let labelled = self.labelled_fields(from, label_texts).await?;
                    found = self.visible_matches(true, scope, labelled).await?;
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        found.retain(|el| seen.insert(el.id()));
        Ok(Some(found))
    }

    /// A control the accessibility tree gives no role of its own (Chromium
    /// 156.0.8078.114's <input type=date>: its parts are spinbuttons) is not
    /// found by name: the fields the browser says the label is for.
    async fn labelled_fields(&self, from: &[Element], label_texts: &[String]) -> anyhow::Result<Vec<Element>> {
        let mut found = Vec::new();
        for scope in from.iter().map(Some).chain(from.is_empty().then_some(None)) {
            let args = vec![json!(label_texts).into(), scope_arg(scope)];
            found.extend(self.page.eval_elements(scripts::LABELLED_FIELDS, args).await?);
        }
        Ok(found)
    }

    /// The elements whose computed name is `wanted` (whitespace-normalised),
    /// or contains it, case aside, when `contains`.
    async fn named(&self, found: Vec<Element>, contains: bool, wanted: &str, asked: &mut Asked) -> anyhow::Result<Vec<Element>> {
        let mut named = Vec::new();
        for el in found {
            let label = match asked.labels.get(&el.id()) {
                Some(label) => label.clone(),
                None => asked.labels.entry(el.id()).or_insert(self.page.computed_label(&el).await?).clone(),
            };
            let name = label.split_whitespace().collect::<Vec<_>>().join(" ");
            if if contains { name.to_lowercase().contains(&wanted.to_lowercase()) } else { name == wanted } {
                named.push(el);
            }
        }
        Ok(named)
    }

    /// Which of `found` a find may answer with: shown, not the scope, a field when `field`.
    async fn visible_matches(&self, field: bool, scope: Option<&Element>, found: Vec<Element>) -> anyhow::Result<Vec<Element>> {
        if found.is_empty() {
            return Ok(found);
        }
        let mut args = vec![json!(field).into(), scope_arg(scope)];
        args.extend(found.iter().map(Into::into));
        let keep: Vec<bool> = serde_json::from_value(self.page.eval(scripts::VISIBLE_MATCHES, args).await?).context("unreadable visibility answers")?;
        Ok(found.into_iter().zip(keep).filter_map(|(el, k)| k.then_some(el)).collect())
    }

    /// One attempt: the first visible match of a raw XPath, relative to
    /// `scope` when given. Only for XPaths built to match one element (a row by
    /// its name); locators by key go through [`Ui::try_find`].
    pub async fn try_find_xpath(&self, xpath: &str, scope: Option<&Element>) -> anyhow::Result<Option<Element>> {
        Ok(self.page.eval_elements(scripts::FIND_VISIBLE, find_args(vec![json!(xpath)], scope, "all")).await?.into_iter().next())
    }

    /// All visible matches of `key` inside `scope` (one attempt, no wait):
    /// those of its first alternative that matches anything. For keys meant
    /// to match many (the form's fields).
    pub async fn find_all_visible(&self, key: Key, scope: Option<&Element>) -> anyhow::Result<Vec<Element>> {
        if self.engine().await? == Engine::Bidi {
            return Ok(self.matches_by(key, scope, Engine::Bidi).await?.map(|(_, found)| found).unwrap_or_default());
        }
        let specs = self.specs(key, scope.is_some()).await?;
        self.page.eval_elements(scripts::FIND_VISIBLE, find_args(specs, scope, "all")).await
    }
}

/// What one find attempt already asked the browser's accessibility tree
/// (alternatives of one locator often ask the same role: `role=button[name~="profile"]
/// || role=button[name~="account"]`): Firefox's `locateNodes` took 18.5 ms a
/// question here, a computed label 2.5 ms.
#[derive(Default)]
struct Asked {
    /// What each question found.
    nodes: HashMap<Question, Vec<Element>>,
    /// Element → the accessible name WebDriver computed.
    labels: HashMap<String, String>,
}

impl Asked {
    /// What `question` found: asked through `ask` the first time only
    /// (`None`: it could not be asked, nothing kept).
    async fn once(&mut self, question: Question, ask: impl Future<Output = anyhow::Result<Option<Vec<Element>>>>) -> anyhow::Result<Option<Vec<Element>>> {
        if let Some(nodes) = self.nodes.get(&question) {
            return Ok(Some(nodes.clone()));
        }
        let Some(nodes) = ask.await? else { return Ok(None) };
        Ok(Some(self.nodes.entry(question).or_insert(nodes).clone()))
    }
}

/// The elements asked within (their ids), the role, the name, and whether
/// only what a find may answer with was asked.
type Question = (Vec<String>, Option<String>, Option<String>, bool);
