//! The ways a simulated device can misbehave. Each fault reproduces a failure
//! a backup worker meets on real networks, so the client's handling of it can
//! be tested without a broken lab.

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Nothing listens: the connect is refused (device down, wrong port).
    Refuse,
    /// Every authentication attempt fails (wrong credentials in the inventory).
    RejectPassword,
    /// Login and shell succeed, then the device never says anything.
    HangBeforePrompt,
    /// The first long reply stops half-way and the connection stays open.
    HangMidOutput,
    /// The first long reply stops half-way and the TCP connection is reset.
    DisconnectMidOutput,
    /// Every byte comes in its own packet, slowly (a loaded or distant device).
    Trickle,
    /// After the first command, output lines forever and never a prompt.
    Endless,
    /// After the first command, random binary bytes forever.
    Garbage,
    /// Only old algorithms: group14-sha1, ssh-rsa, aes128-cbc, hmac-sha1.
    LegacyOnly,
    /// A host key other than the inventory's (a replaced device, or an attack).
    ChangedHostKey,
    /// The login lands at the user prompt (`>` where the recording has `#`)
    /// and the configuration commands are refused with the vendor's error:
    /// an account without enable, or an inventory that forgot `enable`.
    UserMode,
    /// `reject:COMMAND`: the device refuses this one recorded command with
    /// its vendor's error and prompts again (a licence or feature missing
    /// on this box, a command older firmware lacks).
    Reject(String),
    /// `banner:FILE`: the file's text is shown before the greeting, as a
    /// login banner or MOTD is; make it hold prompt- and pager-like lines.
    Banner(Arc<Banner>),
}

/// The faults that take an argument, as written and described.
const WITH_ARGUMENT: [(&str, &str); 2] = [
    (
        "reject:COMMAND",
        "that recorded command gets the vendor's error, then the prompt",
    ),
    (
        "banner:FILE",
        "the file's text comes before the greeting, as a login banner",
    ),
];

/// A banner's text, and the file it came from (for the fault's name).
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Banner {
    pub file: String,
    /// With CR LF line endings, as a device sends them.
    pub text: Vec<u8>,
}

impl Fault {
    /// The faults that take no argument.
    pub const ALL: [Fault; 11] = [
        Fault::Refuse,
        Fault::RejectPassword,
        Fault::HangBeforePrompt,
        Fault::HangMidOutput,
        Fault::DisconnectMidOutput,
        Fault::Trickle,
        Fault::Endless,
        Fault::Garbage,
        Fault::LegacyOnly,
        Fault::ChangedHostKey,
        Fault::UserMode,
    ];

    /// The fault's kind, without its argument.
    pub fn name(&self) -> &'static str {
        match self {
            Fault::Refuse => "refuse",
            Fault::RejectPassword => "reject-password",
            Fault::HangBeforePrompt => "hang-before-prompt",
            Fault::HangMidOutput => "hang-mid-output",
            Fault::DisconnectMidOutput => "disconnect-mid-output",
            Fault::Trickle => "trickle",
            Fault::Endless => "endless",
            Fault::Garbage => "garbage",
            Fault::LegacyOnly => "legacy-only",
            Fault::ChangedHostKey => "changed-host-key",
            Fault::UserMode => "user-mode",
            Fault::Reject(_) => "reject",
            Fault::Banner(_) => "banner",
        }
    }

    /// One line for `--help`.
    pub fn describe(&self) -> &'static str {
        match self {
            Fault::Refuse => "nothing listens on the device's address: connect is refused",
            Fault::RejectPassword => "every password and keyboard-interactive attempt fails",
            Fault::HangBeforePrompt => "login and shell succeed, then the device sends nothing",
            Fault::HangMidOutput => {
                "the first reply over 10 bytes stops half-way; the connection stays open"
            }
            Fault::DisconnectMidOutput => {
                "the first reply over 10 bytes stops half-way and the TCP connection is reset"
            }
            Fault::Trickle => "every output byte in its own packet, --trickle-ms apart",
            Fault::Endless => "after the first command, output lines forever, never a prompt",
            Fault::Garbage => {
                "after the first command, random binary bytes forever (4 KiB per 10 ms)"
            }
            Fault::LegacyOnly => {
                "only diffie-hellman-group14-sha1, ssh-rsa, aes128-cbc and hmac-sha1"
            }
            Fault::ChangedHostKey => "presents a host key other than the inventory's",
            Fault::UserMode => {
                "prompts end in '>' not '#', and configuration commands get the vendor's error"
            }
            Fault::Reject(_) => WITH_ARGUMENT[0].1,
            Fault::Banner(_) => WITH_ARGUMENT[1].1,
        }
    }

    /// The fault list as `--help` shows it.
    pub fn help() -> String {
        Fault::ALL
            .iter()
            .map(|f| (f.name(), f.describe()))
            .chain(WITH_ARGUMENT)
            .map(|(usage, what)| format!("  {usage:<22} {what}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A fault as written: `MODE`, or `reject:COMMAND` and `banner:FILE`,
    /// the file relative to `base`.
    pub fn parse_in(s: &str, base: &Path) -> Result<Fault, String> {
        if let Some(command) = s.strip_prefix("reject:") {
            let command = command.trim();
            if command.is_empty() {
                return Err(format!(
                    "{s:?}: reject: name the command, e.g. reject:show inventory"
                ));
            }
            return Ok(Fault::Reject(command.to_string()));
        }
        if let Some(file) = s.strip_prefix("banner:") {
            let path = base.join(file);
            let text = std::fs::read(&path)
                .map_err(|e| format!("{s:?}: cannot read {}: {e}", path.display()))?;
            return Ok(Fault::Banner(Arc::new(Banner {
                file: file.to_string(),
                text: crlf(&text),
            })));
        }
        Fault::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown fault {s:?} (one of {}, reject:COMMAND, banner:FILE)",
                    names.join(", ")
                )
            })
    }
}

/// Text with every line ending made CR LF, and one at its end.
fn crlf(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + text.len() / 16);
    for line in text.split_inclusive(|&b| b == b'\n') {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        out.extend_from_slice(body.strip_suffix(b"\r").unwrap_or(body));
        out.extend_from_slice(b"\r\n");
    }
    out
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Reject(command) => write!(f, "reject:{command}"),
            Fault::Banner(banner) => write!(f, "banner:{}", banner.file),
            other => f.write_str(other.name()),
        }
    }
}

impl FromStr for Fault {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Fault::parse_in(s, Path::new("."))
    }
}

/// `--fault MODE=N`: make N devices use MODE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultCount {
    pub fault: Fault,
    pub count: usize,
}

impl FromStr for FaultCount {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (mode, count) = s
            .rsplit_once('=')
            .ok_or_else(|| format!("{s:?}: expected MODE=N, e.g. trickle=2"))?;
        let fault = mode.parse()?;
        let count = count
            .parse()
            .map_err(|_| format!("{s:?}: {count:?} is not a device count"))?;
        Ok(FaultCount { fault, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fault_parses_from_its_own_name() {
        for fault in Fault::ALL {
            assert_eq!(fault.name().parse::<Fault>(), Ok(fault));
        }
    }

    #[test]
    fn reject_and_banner_take_their_argument() {
        let counted = "reject:show inventory=2".parse::<FaultCount>().unwrap();
        assert_eq!(counted.fault, Fault::Reject("show inventory".to_string()));
        assert_eq!(counted.count, 2);
        assert_eq!(counted.fault.to_string(), "reject:show inventory");
        let err = "reject:=1".parse::<FaultCount>().unwrap_err();
        assert!(err.contains("name the command"), "{err}");

        let dir = std::env::temp_dir().join(format!("netraven-sim-banner-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("motd.txt"), "Authorised use only\nr1#\r\n--More--").unwrap();
        let Fault::Banner(banner) = Fault::parse_in("banner:motd.txt", &dir).unwrap() else {
            panic!("a banner");
        };
        assert_eq!(banner.text, b"Authorised use only\r\nr1#\r\n--More--\r\n");
        let err = Fault::parse_in("banner:absent.txt", &dir).unwrap_err();
        assert!(
            err.contains("cannot read") && err.contains("absent.txt"),
            "{err}"
        );
    }

    #[test]
    fn fault_count_names_the_bad_part() {
        assert_eq!(
            "trickle=3".parse::<FaultCount>(),
            Ok(FaultCount {
                fault: Fault::Trickle,
                count: 3
            })
        );
        let err = "slow=3".parse::<FaultCount>().unwrap_err();
        assert!(err.contains("unknown fault \"slow\""), "{err}");
        let err = "trickle".parse::<FaultCount>().unwrap_err();
        assert!(err.contains("MODE=N"), "{err}");
    }
}
