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
    let url = endpoint(base_url, &api.create_path);
    let mut body = serde_json::Map::new();
    body.insert(api.create_name_field.clone(), name.into());
    body.insert(api.create_expiry_field.clone(), expiry.into());
    let response = client()?
        .post(&url)
        .header(reqwest::header::COOKIE, cookie_header(cookies))
        .json(&body)
        .send()
        .await
        .with_context(|| format!("could not call the create endpoint at {url} ([api] create_path)"))?;
    Ok(response.status().as_u16())
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
    let (Some(list), Some(revoke)) = (&api.tokens_path, &api.revoke_path) else {
        anyhow::bail!("no [api] tokens_path / revoke_path configured");
    };
    let cookie_header = cookie_header(cookies);
    let client = client()?;
    let response = client.get(endpoint(base_url, list)).header(reqwest::header::COOKIE, &cookie_header).send().await?;
    anyhow::ensure!(response.status().is_success(), "listing tokens at {list} gave HTTP {}", response.status());
    let rows: Vec<serde_json::Value> = response.json().await.with_context(|| format!("{list} did not return a JSON list"))?;
    let mut done = Vec::new();
    for name in names {
        let mine: Vec<&serde_json::Value> = rows.iter().filter(|r| r["name"].as_str() == Some(name.as_str())).collect();
        for row in &mine {
            if row["status"].as_str() == Some("Revoked") {
                continue;
            }
            let id = match &row["id"] {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let response =
                client.post(endpoint(base_url, &revoke.replace("{id}", &id))).header(reqwest::header::COOKIE, &cookie_header).send().await?;
            anyhow::ensure!(response.status().is_success(), "revoking '{name}' gave HTTP {}", response.status());
        }
        done.push((name.clone(), !mine.is_empty()));
    }
    Ok(done)
}
