//! How each vendor's CLI refuses a command it does not know: what the
//! simulator answers a line its recording lacks, and what the chaos replay
//! puts in place of a command's output to refuse it.

/// The error a device of `model` prints for the unknown command `line`
/// (without the line endings around it): the vendors' own wording, which
/// [`text::refusal`](crate::text::refusal) recognises.
pub fn refusal_line(model: &str, line: &str) -> String {
    let word = first_word(line);
    match model {
        // Cisco and the many CLIs shaped like it mark the position with `^`.
        "ios" | "iosxr" | "eos" | "asa" | "aosw" | "arubainstant" | "smartbyte" | "efos"
        | "fsos" | "fastiron" | "netgear" | "quantaos" | "vsololt" | "firelinuxos" | "perle"
        | "mtrlrfs" | "firewareos" => "% Invalid input detected at '^' marker.".to_string(),
        "nxos" => "% Invalid command at '^' marker.".to_string(),
        // ExtremeXOS doubles the `%`.
        "xos" => "%% Invalid input detected at '^' marker.".to_string(),
        // Dell Networking OS 9 / Force10 FTOS.
        "dnos" | "ftos" => "% Error: Invalid input at \"^\" marker.".to_string(),
        // Dell OS10: no caret marker.
        "os10" => "% Error: Unrecognized command.".to_string(),
        "h3c" => "% Unrecognized command found at '^' position.".to_string(),
        "vrp" => "Error: Unrecognized command found at '^' position.".to_string(),
        "junos" => "unknown command.".to_string(),
        "aoscx" | "procurve" => format!("Invalid input: {word}"),
        "aos7" => format!("ERROR: Invalid entry: \"{word}\""),
        "routeros" => format!("bad command name {word} (line 1 column 1)"),
        "fortigate" | "fortios" => "Unknown action 0".to_string(),
        "tplink" => "Error: Bad command".to_string(),
        "tnsr" => format!("CLI syntax error: \"{line}\": Unknown command"),
        "garderos" => format!("Unknown command '{word}'."),
        "vyos" | "vyatta" => format!("  Invalid command: [{line}]"),
        "apcaos" => "E101: Command Not Found".to_string(),
        // Brocade IronWare (NetIron, FastIron), then `Type ? for a list`.
        "ironware" => format!("Invalid input -> {line}"),
        "screenos" => format!("unknown keyword {word}"),
        // Cisco Small Business, Adtran AOS, Mellanox MLNX-OS / Onyx (Samara CLI).
        "ciscosmb" | "adtran" | "mlnxos" => "% Unrecognized command".to_string(),
        "panos" => format!("Unknown command: {word}"),
        "asyncos" => "Unknown command or missing feature key".to_string(),
        "cumulus" | "linuxgeneric" => format!("-bash: {word}: command not found"),
        // F5 BIG-IP over exec channels: the account's bash runs the line.
        "tmos" => format!("bash: {word}: command not found"),
        "opnsense" | "pfsense" => format!("{word}: Command not found."),
        // OneAccess OneOS (the wording napalm's OneOS driver looks for).
        "oneos" => "Syntax error".to_string(),
        _ => format!("% Unknown command: {line}"),
    }
}

/// The pager a device of `model` stops its output with, and the key that
/// goes on, for the vendors whose drivers answer one (the others turn
/// paging off at login).
pub fn pager(model: &str) -> Option<(&'static str, &'static str)> {
    Some(match model {
        "asyncos" => ("-Press Any Key For More-", " "),
        "enterasys" => ("--More--", " "),
        "fortigate" | "fortios" => ("--More-- ", " "),
        "fsos" | "vsololt" => (" --More-- ", " "),
        "netgear" => ("--More-- or (q)uit", " "),
        "tnsr" => ("--More--", " "),
        "tplink" => ("Press any key to continue (Q to quit)", " "),
        _ => return None,
    })
}

fn first_word(line: &str) -> &str {
    line.split_whitespace().next().unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vendor_wording_is_a_refusal_the_sdk_recognises() {
        for model in [
            "ios",
            "nxos",
            "xos",
            "h3c",
            "vrp",
            "junos",
            "aoscx",
            "aos7",
            "routeros",
            "fortigate",
            "tplink",
            "tnsr",
            "garderos",
            "vyos",
            "apcaos",
            "asyncos",
            "cumulus",
            "pfsense",
            "saos10",
            "tmos",
            "dnos",
            "ironware",
            "ciscosmb",
            "screenos",
            "adtran",
            "os10",
            "oneos",
        ] {
            let line = refusal_line(model, "show widgets");
            assert!(
                crate::text::refusal(&line).is_some(),
                "{model}: {line:?} is not recognised"
            );
        }
    }
}
