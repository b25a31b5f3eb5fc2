//! Devices from NetBox: its REST API's `/api/dcim/devices/` list, page by
//! page (`count`, `next`, `results`), read with a token. Only the fields a
//! backup needs are kept: the name, the platform's slug (which the caller
//! maps to a model), the primary IP without its prefix length, the site,
//! the tags and the status. Nothing here writes anything: the caller plans
//! and applies the changes.

use std::time::Duration;

use serde::Deserialize;

/// One NetBox device, as a backup sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetboxDevice {
    pub id: u64,
    /// `None` for an unnamed device, which cannot be backed up by name.
    pub name: Option<String>,
    /// The platform's slug, e.g. `cisco-ios` or `ios`.
    pub platform: Option<String>,
    /// The primary IP (IPv4 first) without its prefix length.
    pub address: Option<String>,
    /// The site's slug.
    pub site: Option<String>,
    /// Tag slugs.
    pub tags: Vec<String>,
    /// `active`, `offline`, `planned`, ...
    pub status: String,
}

/// Why the device list could not be read. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum NetboxError {
    #[error("{url}: cannot reach NetBox: {reason}")]
    Unreachable { url: String, reason: String },
    #[error(
        "{url}: NetBox refused the token (HTTP {status}{detail}); check the token in the variable given to --token-env and its permission to view dcim devices"
    )]
    Token {
        url: String,
        status: u16,
        detail: String,
    },
    #[error("{url}: HTTP {status}{detail}")]
    Status {
        url: String,
        status: u16,
        detail: String,
    },
    #[error("{url}: not a NetBox device list page: {reason}")]
    Page { url: String, reason: String },
}

#[derive(Deserialize)]
struct Page {
    count: u64,
    next: Option<String>,
    results: Vec<Raw>,
}

#[derive(Deserialize)]
struct Raw {
    id: u64,
    name: Option<String>,
    platform: Option<Slugged>,
    primary_ip4: Option<Address>,
    primary_ip: Option<Address>,
    site: Option<Slugged>,
    #[serde(default)]
    tags: Vec<Slugged>,
    status: Option<Status>,
}

#[derive(Deserialize)]
struct Slugged {
    slug: String,
}

#[derive(Deserialize)]
struct Address {
    address: String,
}

/// NetBox 2.x and later give `{"value": "active", "label": "Active"}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum Status {
    Choice { value: String },
    Plain(String),
}

/// Every device `base` (NetBox's root URL) lists under `filters`
/// (`site=dc1`, `role=core`, ...: NetBox's own query parameters), with
/// `token`. `progress(read, count)` is called after each page.
pub fn devices(
    base: &str,
    token: &str,
    filters: &[(String, String)],
    mut progress: impl FnMut(usize, u64),
) -> Result<Vec<NetboxDevice>, NetboxError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let mut query: Vec<String> = vec!["limit=250".into()];
    query.extend(
        filters
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v))),
    );
    let mut next = Some(format!(
        "{}/api/dcim/devices/?{}",
        base.trim_end_matches('/'),
        query.join("&")
    ));
    let mut devices = Vec::new();
    let mut pages = 0;
    while let Some(url) = next.take() {
        pages += 1;
        if pages > 100_000 {
            return Err(NetboxError::Page {
                url,
                reason: "more than 100,000 pages: its `next` links go round in a loop".into(),
            });
        }
        let page = fetch(&agent, &url, token)?;
        devices.extend(page.results.into_iter().map(|raw| {
            NetboxDevice {
                id: raw.id,
                name: raw.name.filter(|n| !n.trim().is_empty()),
                platform: raw.platform.map(|p| p.slug),
                address: raw
                    .primary_ip4
                    .or(raw.primary_ip)
                    .map(|a| a.address.split('/').next().unwrap_or_default().to_string()),
                site: raw.site.map(|s| s.slug),
                tags: raw.tags.into_iter().map(|t| t.slug).collect(),
                status: match raw.status {
                    Some(Status::Choice { value } | Status::Plain(value)) => value,
                    None => "active".into(),
                },
            }
        }));
        progress(devices.len(), page.count);
        next = page.next.filter(|n| !n.is_empty());
    }
    Ok(devices)
}

fn fetch(agent: &ureq::Agent, url: &str, token: &str) -> Result<Page, NetboxError> {
    let mut response = agent
        .get(url)
        .header("Authorization", &format!("Token {token}"))
        .header("Accept", "application/json")
        .call()
        .map_err(|e| NetboxError::Unreachable {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .read_to_string()
        .map_err(|e| NetboxError::Unreachable {
            url: url.to_string(),
            reason: format!("reading the answer: {e}"),
        })?;
    if status != 200 {
        // NetBox explains itself as {"detail": "..."}.
        let detail = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["detail"].as_str().map(|d| format!(": {d}")))
            .unwrap_or_default();
        let url = url.to_string();
        return Err(if status == 401 || status == 403 {
            NetboxError::Token {
                url,
                status,
                detail,
            }
        } else {
            NetboxError::Status {
                url,
                status,
                detail,
            }
        });
    }
    serde_json::from_str(&body).map_err(|e| NetboxError::Page {
        url: url.to_string(),
        reason: e.to_string(),
    })
}

/// Percent-encode a query part (RFC 3986 unreserved characters kept).
fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode("dc 1&x=y"), "dc%201%26x%3Dy");
        assert_eq!(encode("core-sw_1.a~"), "core-sw_1.a~");
    }
}
