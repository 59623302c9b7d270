//! The tab the suite works in: scripts, elements and DevTools commands, over
//! the direct DevTools connection when there is one ([`DevTools`]), else
//! through WebDriver. Page objects see one API either way.
//!
//! Scripts are written WebDriver-style (a function body reading `arguments`).
//! Element reads (text, value, attributes, enabled, position, style) are small
//! scripts too, so both channels answer them alike.

use anyhow::{Context, anyhow, bail};
use serde_json::{Value, json};
use thirtyfour::prelude::*;

use super::devtools::DevTools;

/// An element found on the page: a WebDriver reference, or a DevTools remote object.
#[derive(Clone, Debug)]
pub enum Element {
    WebDriver(WebElement),
    DevTools(String),
}

/// An argument of a script.
pub enum Arg {
    Value(Value),
    Element(Element),
}

impl From<Value> for Arg {
    fn from(v: Value) -> Self {
        Arg::Value(v)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Value(json!(v))
    }
}
impl From<&Element> for Arg {
    fn from(e: &Element) -> Self {
        Arg::Element(e.clone())
    }
}

/// What a script's result is wanted as.
#[derive(Clone, Copy, PartialEq)]
enum Want {
    Value,
    Element,
    Elements,
}

/// The page's layout box of an element, in CSS px relative to the viewport.
#[derive(Clone, Copy, Debug, serde::Deserialize)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Element reads shared by both channels. A detached element fails the read
/// like WebDriver's "stale element" (the caller's wait then finds it again).
const STALE_CHECK: &str = "if (!arguments[0] || !arguments[0].isConnected) throw new Error('stale element: it is no longer on the page');";

/// The session's tab.
#[derive(Clone)]
pub struct Page {
    pub driver: WebDriver,
    pub devtools: Option<DevTools>,
}

impl Page {
    pub fn new(driver: WebDriver, devtools: Option<DevTools>) -> Self {
        Self { driver, devtools }
    }

    /// A DevTools command: on the direct connection, else through ChromeDriver.
    pub async fn cdp(&self, method: &str, params: Value) -> anyhow::Result<Value> {
        match &self.devtools {
            Some(d) => d.send(method, params).await,
            None => Ok(self.driver.cdp().send_raw(method, params).await?),
        }
    }

    /// DevTools commands in order. On the direct connection they are sent
    /// at once (the tab handles them in order) and their answers awaited together.
    pub async fn cdp_all(&self, commands: Vec<(&str, Value)>) -> anyhow::Result<()> {
        match &self.devtools {
            Some(d) => {
                futures::future::try_join_all(commands.into_iter().map(|(m, p)| d.send(m, p))).await?;
            }
            None => {
                for (m, p) in commands {
                    self.driver.cdp().send_raw(m, p).await?;
                }
            }
        }
        Ok(())
    }

    /// Runs a script and returns its JSON result.
    pub async fn eval(&self, js: &str, args: Vec<Arg>) -> anyhow::Result<Value> {
        self.run(js, args, Want::Value).await.map(|r| r.0)
    }

    /// Runs a script that returns one element or null.
    pub async fn eval_element(&self, js: &str, args: Vec<Arg>) -> anyhow::Result<Option<Element>> {
        Ok(self.run(js, args, Want::Element).await?.1.into_iter().next())
    }

    /// Runs a script that returns an array of elements.
    pub async fn eval_elements(&self, js: &str, args: Vec<Arg>) -> anyhow::Result<Vec<Element>> {
        Ok(self.run(js, args, Want::Elements).await?.1)
    }

    async fn run(&self, js: &str, args: Vec<Arg>, want: Want) -> anyhow::Result<(Value, Vec<Element>)> {
        match &self.devtools {
            Some(d) => run_devtools(d, js, args, want).await,
            None => {
                let mut wd_args = Vec::with_capacity(args.len());
                for a in args {
                    wd_args.push(match a {
                        Arg::Value(v) => v,
                        Arg::Element(Element::WebDriver(e)) => e.to_json()?,
                        Arg::Element(Element::DevTools(_)) => bail!("a DevTools element was passed to a WebDriver script"),
                    });
                }
                let ret = self.driver.execute(js, wd_args).await?;
                Ok(match want {
                    Want::Value => (ret.json().clone(), Vec::new()),
                    Want::Element if ret.json().is_null() => (Value::Null, Vec::new()),
                    Want::Element => (Value::Null, vec![Element::WebDriver(ret.element()?)]),
                    Want::Elements => (Value::Null, ret.elements()?.into_iter().map(Element::WebDriver).collect()),
                })
            }
        }
    }

    /// The element's rendered text (`innerText`).
    pub async fn text(&self, el: &Element) -> anyhow::Result<String> {
        let v = self.eval(&format!("{STALE_CHECK} return arguments[0].innerText;"), vec![el.into()]).await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// A DOM property as text (`value`, `checked`...), `None` when unset.
    pub async fn prop(&self, el: &Element, name: &str) -> anyhow::Result<Option<String>> {
        let js = format!("{STALE_CHECK} const v = arguments[0][arguments[1]]; return v == null ? null : String(v);");
        Ok(self.eval(&js, vec![el.into(), name.into()]).await?.as_str().map(str::to_string))
    }

    /// An HTML attribute, `None` when absent.
    pub async fn attr(&self, el: &Element, name: &str) -> anyhow::Result<Option<String>> {
        let js = format!("{STALE_CHECK} return arguments[0].getAttribute(arguments[1]);");
        Ok(self.eval(&js, vec![el.into(), name.into()]).await?.as_str().map(str::to_string))
    }

    /// Enabled for a user: not `:disabled` (own or a disabled fieldset's), not `aria-disabled`.
    pub async fn is_enabled(&self, el: &Element) -> anyhow::Result<bool> {
        let js = format!(
            "{STALE_CHECK} const el = arguments[0]; \
             return !(el.matches(':disabled') || el.getAttribute('aria-disabled') === 'true');"
        );
        Ok(self.eval(&js, vec![el.into()]).await?.as_bool().unwrap_or(false))
    }

    /// The element's box in the viewport.
    pub async fn rect(&self, el: &Element) -> anyhow::Result<Rect> {
        let js = format!(
            "{STALE_CHECK} const r = arguments[0].getBoundingClientRect(); \
             return {{ x: r.x, y: r.y, width: r.width, height: r.height }};"
        );
        serde_json::from_value(self.eval(&js, vec![el.into()]).await?).context("could not read the element's position")
    }

    /// A computed CSS property (`background-color` → `rgb(...)`).
    pub async fn css(&self, el: &Element, name: &str) -> anyhow::Result<String> {
        let js = format!("{STALE_CHECK} return getComputedStyle(arguments[0]).getPropertyValue(arguments[1]);");
        Ok(self.eval(&js, vec![el.into(), name.into()]).await?.as_str().unwrap_or_default().to_string())
    }

    /// The element's parent element.
    pub async fn parent(&self, el: &Element) -> anyhow::Result<Element> {
        let js = format!("{STALE_CHECK} return arguments[0].parentElement;");
        self.eval_element(&js, vec![el.into()]).await?.ok_or_else(|| anyhow!("the element has no parent"))
    }
}

/// A script through DevTools: `Runtime.callFunctionOn` when an element is an
/// argument (it runs in that element's page), else `Runtime.evaluate` with the
/// arguments written into the call. One round trip either way (two for an array
/// of elements).
async fn run_devtools(d: &DevTools, js: &str, args: Vec<Arg>, want: Want) -> anyhow::Result<(Value, Vec<Element>)> {
    let function = format!("function() {{\n{js}\n}}");
    let by_value = want == Want::Value;
    let mut target = None;
    let mut call_args = Vec::with_capacity(args.len());
    let mut values = Vec::with_capacity(args.len());
    for a in args {
        match a {
            Arg::Value(v) => {
                call_args.push(json!({ "value": v }));
                values.push(v);
            }
            Arg::Element(Element::DevTools(id)) => {
                call_args.push(json!({ "objectId": id }));
                target.get_or_insert(id);
            }
            Arg::Element(Element::WebDriver(_)) => bail!("a WebDriver element was passed to a DevTools script"),
        }
    }
    let reply = match target {
        Some(object) => {
            let params = json!({
                "functionDeclaration": function, "objectId": object, "arguments": call_args,
                "returnByValue": by_value, "awaitPromise": true, "objectGroup": "e2e",
            });
            d.send("Runtime.callFunctionOn", params).await.map_err(stale)?
        }
        None => {
            let expression = format!("({function}).apply(null, {})", Value::Array(values));
            let params = json!({ "expression": expression, "returnByValue": by_value, "awaitPromise": true, "objectGroup": "e2e" });
            d.send("Runtime.evaluate", params).await?
        }
    };
    if let Some(ex) = reply.get("exceptionDetails") {
        let message = ex["exception"]["description"].as_str().or(ex["text"].as_str()).unwrap_or("unknown error");
        let first_line = message.lines().next().unwrap_or(message);
        bail!("the page's script failed: {first_line}");
    }
    let result = &reply["result"];
    match want {
        Want::Value => Ok((result.get("value").cloned().unwrap_or(Value::Null), Vec::new())),
        Want::Element => Ok((Value::Null, node(result)?.into_iter().collect())),
        Want::Elements => {
            let Some(array) = result["objectId"].as_str() else { return Ok((Value::Null, Vec::new())) };
            let props = d.send("Runtime.getProperties", json!({ "objectId": array, "ownProperties": true })).await?;
            let mut items: Vec<(usize, Element)> = Vec::new();
            for p in props["result"].as_array().into_iter().flatten() {
                let Some(i) = p["name"].as_str().and_then(|n| n.parse::<usize>().ok()) else { continue };
                if let Some(el) = node(&p["value"])? {
                    items.push((i, el));
                }
            }
            items.sort_by_key(|(i, _)| *i);
            Ok((Value::Null, items.into_iter().map(|(_, e)| e).collect()))
        }
    }
}

/// A remote object that is a DOM node, as an element; `None` for null/undefined.
fn node(remote: &Value) -> anyhow::Result<Option<Element>> {
    if remote["type"] == "undefined" || remote["subtype"] == "null" {
        return Ok(None);
    }
    if remote["subtype"] != "node" {
        bail!("the script returned {} where an element was expected", remote["description"].as_str().unwrap_or("a non-element"));
    }
    let id = remote["objectId"].as_str().context("the element has no DevTools object id")?;
    Ok(Some(Element::DevTools(id.to_string())))
}

/// An element whose page has gone (navigation, reload) is stale, as in WebDriver.
fn stale(e: anyhow::Error) -> anyhow::Error {
    let text = e.to_string();
    if text.contains("Cannot find context") || text.contains("Could not find object") {
        anyhow!("stale element: it is no longer on the page ({text})")
    } else {
        e
    }
}
