//! The target's Bearer-authenticated REST API, as configured in `[api]`: used
//! to prove that the token the dialog showed (and Copy copied) really works.

use anyhow::Context;

use crate::config::ApiFile;
use crate::secret::Secret;

/// Calls the configured endpoint with `token`; returns the HTTP status.
pub async fn call_with_token(base_url: &str, api: &ApiFile, token: &Secret) -> anyhow::Result<u16> {
    let url = if api.path.starts_with("http") { api.path.clone() } else { format!("{base_url}{}", api.path) };
    let method = reqwest::Method::from_bytes(api.method.to_uppercase().as_bytes())
        .with_context(|| format!("[api] method '{}' is not an HTTP method", api.method))?;
    let value = if api.scheme.is_empty() { token.expose().to_string() } else { format!("{} {}", api.scheme, token.expose()) };
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(15)).build()?;
    let response = client
        .request(method, &url)
        .header(api.header.as_str(), value)
        .send()
        .await
        .with_context(|| format!("could not call the API at {url}"))?;
    Ok(response.status().as_u16())
}
