//! Helpers for drivers of Unix-like systems (Linux servers, Cumulus,
//! appliances with a bash login): terminal clean-up and becoming root.

use crate::driver::{Device, DriverError};
use crate::session::{Secret, Session};
use crate::text;

/// `sudo` asks for the user's own password.
const SUDO_PASSWORD: &str = r"^\[sudo\] password[^\n]*:\s?$";
/// `su` asks for root's password.
const SU_PASSWORD: &str = r"^Password:\s?$";

/// Drop the carriage returns a terminal leaves at the start of lines (e.g.
/// after the bracketed-paste escape that bash sends before each output).
pub fn strip_leading_cr(output: &str) -> String {
    if !output.contains('\r') {
        return output.to_string();
    }
    text::lines(output)
        .map(|line| {
            let rest = line.trim_start_matches('\r');
            if rest.is_empty() || rest == "\n" {
                line
            } else {
                rest
            }
        })
        .collect()
}

/// Become root as the device's `enable` variable says: `true` runs
/// `sudo su -` and answers with the login password, any other value but
/// `false`/`0`/empty runs `su -` and answers with the enable secret. Waits
/// for `prompt` afterwards.
pub fn become_root(
    session: &mut dyn Session,
    device: &Device,
    prompt: &str,
) -> Result<(), DriverError> {
    let Some(enable) = device.var("enable").map(str::trim) else {
        return Ok(());
    };
    if enable.is_empty() || enable.eq_ignore_ascii_case("false") || enable == "0" {
        return Ok(());
    }
    let (command, password, secret) = if device.flag("enable") {
        ("sudo su -\n", SUDO_PASSWORD, Secret::Password)
    } else {
        ("su -\n", SU_PASSWORD, Secret::Enable)
    };
    session.send(command)?;
    let reply = session.read_until(&format!("(?:{password})|(?:{prompt})"), None)?;
    if text::re(&format!("(?m){password}")).is_match(&reply) {
        session.send_secret(secret)?;
        session.read_until(prompt, None)?;
    }
    Ok(())
}
