//! The target's Bearer-authenticated REST API, as configured in `[api]`: used
//! to prove that the token the dialog showed (and Copy copied) really works.

use anyhow::Context;

use crate::config::ApiFile;
use crate::secret::Secret;

/// A configured path on the target, or a full URL as it is.
fn endpoint(base_url: &str, path: &str) -> String {
    if path.starts_with("http") { path.to_string() } else { format!("{base_url}{path}") }
}

/// The browser's session cookies as a `Cookie` header value.
fn cookie_header(cookies: &[thirtyfour::Cookie]) -> String {
    cookies.iter().map(|c| format!("{}={}", c.name, c.value)).collect::<Vec<_>>().join("; ")
}

fn client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder().timeout(std::time::Duration::from_secs(15)).build()?)
}

/// A request with the browser's session: its cookies, and the configured
/// session header for apps that keep their session out of cookies.
fn with_session(request: reqwest::RequestBuilder, api: &ApiFile, cookies: &[thirtyfour::Cookie]) -> reqwest::RequestBuilder {
    let request = request.header(reqwest::header::COOKIE, cookie_header(cookies));
    match &api.session_header_value {
        Some((name, value)) => request.header(name.as_str(), value.expose()),
        None => request,
    }
}

/// Calls the configured endpoint with `token`; returns the HTTP status.
pub async fn call_with_token(base_url: &str, api: &ApiFile, token: &Secret) -> anyhow::Result<u16> {
    let url = endpoint(base_url, &api.path);
    let method = reqwest::Method::from_bytes(api.method.to_uppercase().as_bytes())
        .with_context(|| format!("[api] method '{}' is not an HTTP method", api.method))?;
    let value = if api.scheme.is_empty() { token.expose().to_string() } else { format!("{} {}", api.scheme, token.expose()) };
    let response = client()?
        .request(method, &url)
        .header(api.header.as_str(), value)
        .send()
        .await
        .with_context(|| format!("could not call the API at {url}"))?;
    Ok(response.status().as_u16())
}

/// Posts a token name and expiry straight to the create endpoint with the
/// browser's session cookies (the page's checks bypassed); returns the status.
pub async fn create_bypassing_the_page(
    base_url: &str,
    api: &ApiFile,
    cookies: &[thirtyfour::Cookie],
    name: &str,
    expiry: &str,
) -> anyhow::Result<u16> {
    Ok(create_bypassing_the_page_identified(base_url, api, cookies, name, expiry).await?.0)
}

/// [`create_bypassing_the_page`], and the identity of the token when the
/// server (wrongly) created one: the clean-up must revoke it. Of the answer,
/// only the id and the name beside it are kept; token-like values in it are
/// registered as secrets (redacted everywhere) and dropped.
pub async fn create_bypassing_the_page_identified(
    base_url: &str,
    api: &ApiFile,
    cookies: &[thirtyfour::Cookie],
    name: &str,
    expiry: &str,
) -> anyhow::Result<(u16, Option<Identity>)> {
    let url = endpoint(base_url, &api.create_path);
    let mut body = serde_json::Map::new();
    body.insert(api.create_name_field.clone(), name.into());
    body.insert(api.create_expiry_field.clone(), expiry.into());
    let response = with_session(client()?.post(&url), api, cookies)
        .json(&body)
        .send()
        .await
        .with_context(|| format!("could not call the create endpoint at {url} ([api] create_path)"))?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Ok((status, None));
    }
    let answer = response.bytes().await.unwrap_or_default();
    Ok((status, identity_in_answer(&answer, api.created_id_pointer.as_deref())))
}

/// A token the run created, as the product answered: its id and the name it stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub id: String,
    /// The name as the product stored it (it may have cut or changed the typed one).
    pub name: Option<String>,
}

/// Where a Create answer keeps the new token's id when `[api] created_id_pointer` is unset.
const ID_PLACES: [&str; 6] = ["", "/row", "/token", "/data", "/item", "/result"];

fn id_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The new token's identity in a Create call's answer (the raw body): the
/// id at `pointer` (else the usual places) and the `name` beside it. The
/// token-like values of the answer are registered as secrets; nothing else
/// of it is kept.
pub fn identity_in_answer(body: &[u8], pointer: Option<&str>) -> Option<Identity> {
    let mut answer: serde_json::Value = serde_json::from_slice(body).ok()?;
    let (id, parent) = match pointer {
        Some(p) => {
            let id = id_text(answer.pointer(p)?)?;
            let parent = p.rsplit_once('/').map(|(head, _)| head).unwrap_or("");
            (id, parent.to_string())
        }
        None => ID_PLACES.iter().find_map(|place| Some((id_text(answer.pointer(&format!("{place}/id"))?)?, place.to_string())))?,
    };
    let name = answer.pointer(&format!("{parent}/name")).and_then(|n| n.as_str()).map(str::to_string);
    // The secrets: the answer's token-like values, but not its id nor the
    // name (a long typed name looks like a token and is no secret).
    for field in ["id", "name"] {
        if let Some(v) = answer.pointer_mut(&format!("{parent}/{field}")) {
            *v = serde_json::Value::Null;
        }
    }
    crate::secret::register_token_like(&answer);
    Some(Identity { id, name })
}

/// One token as `[api] tokens_path` lists it.
#[derive(Clone, Debug)]
pub struct Listed {
    pub id: String,
    pub name: String,
    pub status: String,
}

/// The signed-in user's tokens, as `[api] tokens_path` lists them.
pub async fn list_tokens(base_url: &str, api: &ApiFile, cookies: &[thirtyfour::Cookie]) -> anyhow::Result<Vec<Listed>> {
    let Some(list) = &api.tokens_path else { anyhow::bail!("no [api] tokens_path configured") };
    let response = with_session(client()?.get(endpoint(base_url, list)), api, cookies).send().await?;
    anyhow::ensure!(response.status().is_success(), "listing tokens at {list} gave HTTP {}{}", response.status(), expired_hint(response.status().as_u16()));
    let answer: serde_json::Value = response.json().await.with_context(|| format!("{list} did not answer JSON"))?;
    let rows = token_rows(&answer, api.tokens_pointer.as_deref()).with_context(|| format!("listing tokens at {list}"))?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            Some(Listed {
                id: id_text(&row["id"])?,
                name: row["name"].as_str().unwrap_or_default().to_string(),
                status: row["status"].as_str().unwrap_or_default().to_string(),
            })
        })
        .collect())
}

/// What a 401 from the suite's own call may mean.
fn expired_hint(status: u16) -> &'static str {
    if status == 401 { " (the browser's session was refused: it may have expired)" } else { "" }
}

/// Revokes one token by its id through `[api] revoke_path`: Ok(false) when
/// the target has no such token of the signed-in user (404).
pub async fn revoke_id(base_url: &str, api: &ApiFile, cookies: &[thirtyfour::Cookie], id: &str) -> anyhow::Result<bool> {
    let Some(revoke) = &api.revoke_path else { anyhow::bail!("no [api] revoke_path configured") };
    let response = with_session(client()?.post(endpoint(base_url, &revoke.replace("{id}", id))), api, cookies).send().await?;
    let status = response.status().as_u16();
    if status == 404 {
        return Ok(false);
    }
    anyhow::ensure!(response.status().is_success(), "revoking the token with id {id} gave HTTP {status}{}", expired_hint(status));
    Ok(true)
}

/// The token list in an API answer: a bare list, one under `tokens`, `data`
/// or `items`, or where `pointer` (a JSON pointer) says.
pub fn token_rows(answer: &serde_json::Value, pointer: Option<&str>) -> anyhow::Result<Vec<serde_json::Value>> {
    let found = match pointer {
        Some(p) => answer.pointer(p).with_context(|| format!("the answer has nothing at [api] tokens_pointer {p:?}"))?,
        None if answer.is_array() => answer,
        None => ["tokens", "data", "items"].iter().find_map(|k| answer.get(k).filter(|v| v.is_array())).with_context(|| {
            let keys: Vec<&String> = answer.as_object().map(|o| o.keys().collect()).unwrap_or_default();
            format!("the answer is neither a JSON list nor an object holding one under tokens, data or items (its keys: {keys:?}); set [api] tokens_pointer")
        })?,
    };
    found.as_array().cloned().with_context(|| format!("the value at {pointer:?} is not a JSON list"))
}

/// The clean-up's fast path: revokes the signed-in user's tokens named in
/// `names` through the target's REST API (`[api] tokens_path` lists them as
/// JSON objects with `id`, `name`, `status`; `[api] revoke_path` revokes one,
/// `{id}` replaced). Returns, per name, whether such a token existed.
pub async fn revoke_by_name(
    base_url: &str,
    api: &ApiFile,
    cookies: &[thirtyfour::Cookie],
    names: &[String],
) -> anyhow::Result<Vec<(String, bool)>> {
    let revoked = revoke_matching(base_url, api, cookies, |n| names.iter().any(|x| x == n)).await?;
    Ok(names.iter().map(|n| (n.clone(), revoked.seen.contains(n))).collect())
}

/// What [`revoke_matching`] did: names it saw, names it revoked.
pub struct Revoked {
    pub seen: Vec<String>,
    pub revoked: Vec<String>,
}

/// Revokes every live token of the signed-in user whose name `matches`.
pub async fn revoke_matching(
    base_url: &str,
    api: &ApiFile,
    cookies: &[thirtyfour::Cookie],
    matches: impl Fn(&str) -> bool,
) -> anyhow::Result<Revoked> {
    let (Some(list), Some(revoke)) = (&api.tokens_path, &api.revoke_path) else {
        anyhow::bail!("no [api] tokens_path / revoke_path configured");
    };
    let client = client()?;
    let response = with_session(client.get(endpoint(base_url, list)), api, cookies).send().await?;
    anyhow::ensure!(response.status().is_success(), "listing tokens at {list} gave HTTP {}", response.status());
    let answer: serde_json::Value = response.json().await.with_context(|| format!("{list} did not answer JSON"))?;
    let rows = token_rows(&answer, api.tokens_pointer.as_deref()).with_context(|| format!("listing tokens at {list}"))?;
    let mut out = Revoked { seen: Vec::new(), revoked: Vec::new() };
    for row in &rows {
        let Some(name) = row["name"].as_str().filter(|n| matches(n)) else { continue };
        out.seen.push(name.to_string());
        if row["status"].as_str() == Some("Revoked") {
            continue;
        }
        let id = match &row["id"] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let response = with_session(client.post(endpoint(base_url, &revoke.replace("{id}", &id))), api, cookies).send().await?;
        anyhow::ensure!(response.status().is_success(), "revoking '{name}' gave HTTP {}", response.status());
        out.revoked.push(name.to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_create_answer_gives_the_id_and_stored_name_only() {
        let body = br#"{"token":"dct_Qq11Ww22Ee33Rr44Tt55Yy66Uu77","row":{"id":42,"name":"QA-Test-","masked":"dct_x"}}"#;
        let found = identity_in_answer(body, None).unwrap();
        assert_eq!(found, Identity { id: "42".into(), name: Some("QA-Test-".into()) });
        assert_eq!(crate::secret::redact("dct_Qq11Ww22Ee33Rr44Tt55Yy66Uu77"), "[REDACTED]", "the token in it is a secret now");
        assert_eq!(identity_in_answer(br#"{"id":"t-9","name":"n"}"#, None).unwrap().id, "t-9");
        let nested = br#"{"data":{"token":{"uuid":"u-1","name":"n"}}}"#;
        assert_eq!(identity_in_answer(nested, Some("/data/token/uuid")), Some(Identity { id: "u-1".into(), name: Some("n".into()) }));
        assert_eq!(identity_in_answer(nested, None), None);
        assert_eq!(identity_in_answer(b"not json", None), None);
        let long = br#"{"token":"dct_Mm11Nn22Bb33Vv44Cc55Xx66Zz77","row":{"id":"QA-run42-20xxxxxxxxxxxxxxxxxxxx","name":"QA-run42-21xxxxxxxxxxxxxxxxxxxxxxxx"}}"#;
        assert!(identity_in_answer(long, None).is_some());
        assert_eq!(crate::secret::redact("QA-run42-21xxxxxxxxxxxxxxxxxxxxxxxx QA-run42-20xxxxxxxxxxxxxxxxxxxx"), "QA-run42-21xxxxxxxxxxxxxxxxxxxxxxxx QA-run42-20xxxxxxxxxxxxxxxxxxxx", "a long name or id is no secret");
    }

    #[test]
    fn token_lists_come_in_the_shapes_real_apis_answer() {
        let row = json!({"id": 1, "name": "a", "status": "Active"});
        for answer in [json!([row]), json!({"tokens": [row]}), json!({"data": [row], "total": 1}), json!({"items": [row]})] {
            assert_eq!(token_rows(&answer, None).unwrap(), vec![row.clone()], "{answer}");
        }
        let nested = json!({"result": {"page": 1, "tokens": [row]}});
        assert_eq!(token_rows(&nested, Some("/result/tokens")).unwrap(), vec![row.clone()]);
        let err = format!("{:#}", token_rows(&nested, None).unwrap_err());
        assert!(err.contains("tokens_pointer") && err.contains("result"), "{err}");
        assert!(token_rows(&nested, Some("/nope")).is_err());
    }
}
