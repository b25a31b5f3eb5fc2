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
///
/// The token goes only to `base`'s scheme, host and port: a `next` link is
/// followed by its path and query alone (NetBox behind a TLS proxy often
/// writes `http://` links). `base` must be https, but for loopback. The
/// list must hold as many devices as NetBox counted at the end, or it is
/// refused as partial: a caller may disable what is missing from it.
pub fn devices(
    base: &str,
    token: &str,
    filters: &[(String, String)],
    mut progress: impl FnMut(usize, u64),
) -> Result<Vec<NetboxDevice>, NetboxError> {
    let base = base.trim_end_matches('/');
    let origin = origin_of(base).ok_or_else(|| NetboxError::Page {
        url: base.to_string(),
        reason: "not an http(s) URL: give NetBox's address, e.g. https://netbox.example.net".into(),
    })?;
    if origin.starts_with("http://") && !loopback(&origin) {
        return Err(NetboxError::Page {
            url: base.to_string(),
            reason: "use https://: over http the token would cross the network in clear".into(),
        });
    }
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
    let mut next = Some(format!("{base}/api/dcim/devices/?{}", query.join("&")));
    let mut counted = 0;
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
        counted = page.count;
        next = page
            .next
            .filter(|n| !n.is_empty())
            .map(|n| format!("{origin}{}", path_and_query(&n)));
    }
    if devices.len() as u64 != counted {
        return Err(NetboxError::Page {
            url: format!("{base}/api/dcim/devices/"),
            reason: format!(
                "read {} devices where NetBox counts {counted}: the list changed while it was read; run the sync again",
                devices.len()
            ),
        });
    }
    Ok(devices)
}

/// `scheme://host[:port]` of an http(s) URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    (!host.is_empty() && !host.contains('@')).then(|| format!("{scheme}://{host}"))
}

/// The path and query of a URL (`/api/...?offset=250`).
fn path_and_query(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.find('/').map_or("/", |at| &rest[at..])
}

fn loopback(origin: &str) -> bool {
    let host = origin.split_once("://").map_or(origin, |(_, h)| h);
    let host = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    host == "localhost" || host.starts_with("127.") || host == "[::1]"
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
    fn next_links_keep_to_the_origin_the_token_was_given_for() {
        assert_eq!(
            origin_of("https://nb.example.net/sub").as_deref(),
            Some("https://nb.example.net")
        );
        assert_eq!(origin_of("https://u:p@nb.example.net"), None);
        assert_eq!(origin_of("ftp://nb"), None);
        assert_eq!(
            path_and_query("http://elsewhere:8080/api/dcim/devices/?limit=250&offset=250"),
            "/api/dcim/devices/?limit=250&offset=250"
        );
        assert!(loopback("http://127.0.0.1:8000") && loopback("http://localhost"));
        assert!(!loopback("http://netbox.example.net"));
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode("dc 1&x=y"), "dc%201%26x%3Dy");
        assert_eq!(encode("core-sw_1.a~"), "core-sw_1.a~");
    }
}
