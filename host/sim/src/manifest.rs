//! `--manifest FILE`: the lab described in TOML, for full control.
//!
//! ```toml
//! user = "netraven"            # optional; --user wins
//! password = "netraven"        # optional; --password wins
//! [[device]]
//! name = "core-1"              # optional; `<model>-<n>` otherwise
//! transcript = "tests/corpus/oxidized/ios#C9200L-24P-4G_17.09.04a#simulation.yaml"
//! model = "ios"                # optional; default: the file name up to its first '#'
//! copies = 5                   # optional; default 1 (names get `-1`, `-2`, ...)
//! fault = "trickle"            # optional
//! group = "core"               # optional; default "sim"
//! transport = "telnet"          # optional; default "ssh"
//! latency = "200:50"            # optional: ms before each reply, and up to 50 ms more
//! login_delay_ms = 500          # optional: ms between the login and the first prompt
//! bandwidth = 20000             # optional: bytes per second per session
//! vars = { site = "lab" }      # optional, copied into the inventory
//! ```
//!
//! A relative `transcript` is found beside the manifest, else from the
//! current directory. Unknown keys are errors naming the file, line and key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::fault::Fault;
use crate::output::Pace;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    user: Option<String>,
    password: Option<String>,
    #[serde(default)]
    device: Vec<DeviceEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeviceEntry {
    name: Option<String>,
    transcript: Spanned<String>,
    model: Option<String>,
    copies: Option<Spanned<usize>>,
    fault: Option<Spanned<String>>,
    group: Option<String>,
    transport: Option<Spanned<String>>,
    /// `MS` or `MS:JITTER_MS` before each reply.
    latency: Option<Spanned<String>>,
    login_delay_ms: Option<u64>,
    /// Bytes per second per session.
    bandwidth: Option<u64>,
    #[serde(default)]
    vars: BTreeMap<String, String>,
}

/// A manifest, checked and with its paths resolved.
#[derive(Debug, Default)]
pub struct Manifest {
    pub user: Option<String>,
    pub password: Option<String>,
    pub devices: Vec<ManifestDevice>,
}

#[derive(Debug, Clone)]
pub struct ManifestDevice {
    pub name: Option<String>,
    pub transcript: PathBuf,
    pub model: Option<String>,
    pub copies: usize,
    pub fault: Option<Fault>,
    pub group: Option<String>,
    pub vars: BTreeMap<String, String>,
    /// `transport = "telnet"`: served over telnet.
    pub telnet: bool,
    /// `latency`, `login_delay_ms`, `bandwidth`, where given.
    pub latency: Option<(Duration, Duration)>,
    pub login_delay: Option<Duration>,
    pub bandwidth: Option<u64>,
}

impl ManifestDevice {
    /// The device's pace: what it gives, the lab's otherwise.
    pub fn pace(&self, lab: Pace) -> Pace {
        let (latency, jitter) = self.latency.unwrap_or((lab.latency, lab.jitter));
        Pace {
            latency,
            jitter,
            login_delay: self.login_delay.unwrap_or(lab.login_delay),
            bandwidth: self.bandwidth.or(lab.bandwidth),
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Read and check a manifest. Errors are one line: `FILE: line N: ...`.
pub fn load(path: &Path) -> Result<Manifest, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    parse(&text, base).map_err(|e| format!("{}: {e}", path.display()))
}

fn parse(text: &str, base: &Path) -> Result<Manifest, String> {
    let file: File = toml::from_str(text).map_err(|e: toml::de::Error| {
        let message = e.message().trim().to_string();
        match e.span() {
            Some(span) => format!("line {}: {message}", line_of(text, span.start)),
            None => message,
        }
    })?;
    let mut devices = Vec::with_capacity(file.device.len());
    for entry in file.device {
        let at = |span: std::ops::Range<usize>| format!("line {}", line_of(text, span.start));
        let fault = match &entry.fault {
            Some(f) => Some(
                Fault::parse_in(f.get_ref(), base)
                    .map_err(|e| format!("{}: fault: {e}", at(f.span())))?,
            ),
            None => None,
        };
        let copies = match &entry.copies {
            Some(c) if *c.get_ref() == 0 => {
                return Err(format!("{}: copies: must be at least 1", at(c.span())));
            }
            Some(c) => *c.get_ref(),
            None => 1,
        };
        let telnet = match &entry.transport {
            None => false,
            Some(t) => match t.get_ref().as_str() {
                "ssh" => false,
                "telnet" => true,
                other => {
                    return Err(format!(
                        "{}: transport: {other:?} is not \"ssh\" or \"telnet\"",
                        at(t.span())
                    ));
                }
            },
        };
        let latency = match &entry.latency {
            Some(l) => Some(
                Pace::parse_latency(l.get_ref())
                    .map_err(|e| format!("{}: latency: {e}", at(l.span())))?,
            ),
            None => None,
        };
        let transcript = resolve(base, entry.transcript.get_ref());
        if !transcript.is_file() {
            return Err(format!(
                "{}: transcript: {} is not a file (relative paths are looked up beside the \
                 manifest, then in the current directory)",
                at(entry.transcript.span()),
                entry.transcript.get_ref()
            ));
        }
        devices.push(ManifestDevice {
            name: entry.name,
            transcript,
            model: entry.model,
            copies,
            fault,
            group: entry.group,
            vars: entry.vars,
            telnet,
            latency,
            login_delay: entry.login_delay_ms.map(Duration::from_millis),
            bandwidth: entry.bandwidth,
        });
    }
    Ok(Manifest {
        user: file.user,
        password: file.password,
        devices,
    })
}

fn resolve(base: &Path, path: &str) -> PathBuf {
    let path = Path::new(path);
    let beside = base.join(path);
    if path.is_relative() && !beside.exists() {
        path.to_path_buf()
    } else {
        beside
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("ios#x#simulation.yaml"),
            "init_prompt: r1#\n",
        )
        .unwrap();
        dir
    }

    #[test]
    fn unknown_key_names_the_line_and_the_key() {
        let dir = scratch();
        let text = "[[device]]\ntranscript = \"ios#x#simulation.yaml\"\ncolour = \"red\"\n";
        let err = parse(text, dir.path()).unwrap_err();
        assert!(
            err.starts_with("line 3:") && err.contains("colour"),
            "{err}"
        );
    }

    #[test]
    fn bad_fault_and_missing_transcript_name_their_line() {
        let dir = scratch();
        let text = "[[device]]\ntranscript = \"ios#x#simulation.yaml\"\nfault = \"slow\"\n";
        let err = parse(text, dir.path()).unwrap_err();
        assert!(err.starts_with("line 3: fault: unknown fault"), "{err}");
        let text = "\n[[device]]\ntranscript = \"nope.yaml\"\n";
        let err = parse(text, dir.path()).unwrap_err();
        assert!(err.starts_with("line 3: transcript:"), "{err}");
    }

    #[test]
    fn a_device_may_ask_for_telnet_and_a_bad_transport_names_its_line() {
        let dir = scratch();
        let text = "[[device]]\ntranscript = \"ios#x#simulation.yaml\"\ntransport = \"telnet\"\n\
                    [[device]]\ntranscript = \"ios#x#simulation.yaml\"\n";
        let m = parse(text, dir.path()).unwrap();
        assert!(m.devices[0].telnet);
        assert!(!m.devices[1].telnet);
        let text = "[[device]]\ntranscript = \"ios#x#simulation.yaml\"\ntransport = \"rsh\"\n";
        let err = parse(text, dir.path()).unwrap_err();
        assert_eq!(
            err,
            "line 3: transport: \"rsh\" is not \"ssh\" or \"telnet\""
        );
    }

    #[test]
    fn full_entry_is_read_with_defaults_for_the_rest() {
        let dir = scratch();
        let text = r#"
user = "lab"
[[device]]
name = "core"
transcript = "ios#x#simulation.yaml"
copies = 3
fault = "trickle"
vars = { site = "hq" }
[[device]]
transcript = "ios#x#simulation.yaml"
"#;
        let m = parse(text, dir.path()).unwrap();
        assert_eq!(m.user.as_deref(), Some("lab"));
        assert_eq!(m.devices.len(), 2);
        assert_eq!(m.devices[0].copies, 3);
        assert_eq!(m.devices[0].fault, Some(Fault::Trickle));
        assert_eq!(m.devices[0].vars["site"], "hq");
        assert_eq!(m.devices[1].copies, 1);
        assert_eq!(m.devices[1].fault, None);
    }
}
