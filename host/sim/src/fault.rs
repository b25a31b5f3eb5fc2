//! The ways a simulated device can misbehave. Each fault reproduces a failure
//! a backup worker meets on real networks, so the client's handling of it can
//! be tested without a broken lab.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
}

impl Fault {
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

    pub fn name(self) -> &'static str {
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
        }
    }

    /// One line for `--help`.
    pub fn describe(self) -> &'static str {
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
        }
    }

    /// The fault list as `--help` shows it.
    pub fn help() -> String {
        Fault::ALL
            .iter()
            .map(|f| format!("  {:<22} {}", f.name(), f.describe()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Fault {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Fault::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
                format!("unknown fault {s:?} (one of {})", names.join(", "))
            })
    }
}

/// `--fault MODE=N`: make N devices use MODE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultCount {
    pub fault: Fault,
    pub count: usize,
}

impl FromStr for FaultCount {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (mode, count) = s
            .split_once('=')
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
