//! Netmiko's `device_type` names as aliases of our models, for estates
//! that come from Netmiko scripts or from a NetRaven design that kept a
//! `device_type` per device.
//!
//! The names are the keys of Netmiko's `CLASS_MAPPER_BASE`
//! (`netmiko/ssh_dispatcher.py`); Netmiko also accepts each with `_ssh`
//! appended, and so do we. Its `_telnet` types are refused with the SSH
//! type to use, since NetRaven connects over SSH.

/// Every Netmiko device type that a bundled driver serves, and its model.
pub const NETMIKO_ALIASES: &[(&str, &str)] = &[
    ("adtran_os", "adtran"),
    ("adva_fsp150f3", "adva"),
    ("alcatel_aos", "aos7"),
    ("allied_telesis_awplus", "awplus"),
    ("apc_aos", "apcaos"),
    ("arista_eos", "eos"),
    ("aruba_aoscx", "aoscx"),
    ("aruba_os", "aosw"),
    ("aruba_osswitch", "procurve"),
    ("aruba_procurve", "procurve"),
    ("brocade_fastiron", "fastiron"),
    ("brocade_netiron", "ironware"),
    ("brocade_vyos", "vyos"),
    ("ciena_saos10", "saos10"),
    ("cisco_asa", "asa"),
    ("cisco_ftd", "firelinuxos"),
    ("cisco_ios", "ios"),
    ("cisco_ioswlc", "ios"),
    ("cisco_nxos", "nxos"),
    ("cisco_s200", "ciscosmb"),
    ("cisco_s300", "ciscosmb"),
    ("cisco_wlc", "aireos"),
    ("cisco_xe", "ios"),
    ("cisco_xr", "iosxr"),
    ("cumulus_linux", "cumulus"),
    ("dell_dnos9", "dnos"),
    ("dell_force10", "ftos"),
    ("dell_os10", "os10"),
    ("dell_os6", "os6"),
    ("dell_os9", "dnos"),
    ("extreme", "xos"),
    ("extreme_exos", "xos"),
    ("extreme_netiron", "ironware"),
    ("f5_linux", "tmos"),
    ("fiberstore_fsos", "fsos"),
    ("fortinet", "fortigate"),
    ("garderos_grs", "garderos"),
    ("h3c_comware", "h3c"),
    ("hp_comware", "comware"),
    ("hp_procurve", "procurve"),
    ("juniper", "junos"),
    ("juniper_junos", "junos"),
    ("juniper_screenos", "screenos"),
    ("linux", "linuxgeneric"),
    ("mellanox", "mlnxos"),
    ("mellanox_mlnxos", "mlnxos"),
    ("mikrotik_routeros", "routeros"),
    ("netgear_prosafe", "netgear"),
    ("oneaccess_oneos", "oneos"),
    ("paloalto_panos", "panos"),
    ("perle_iolan", "perle"),
    ("ruckus_fastiron", "fastiron"),
    ("tplink_jetstream", "tplink"),
    ("vyatta_vyos", "vyos"),
    ("vyos", "vyos"),
    ("watchguard_fireware", "firewareos"),
];

/// Netmiko device types that no bundled driver serves.
const NETMIKO_WITHOUT_DRIVER: &[&str] = &[
    "a10",
    "accedian",
    "adva_fsp150f2",
    "alaxala_ax26s",
    "alaxala_ax36s",
    "alcatel_sros",
    "apresia_aeos",
    "arris_cer",
    "audiocode_66",
    "audiocode_72",
    "audiocode_shell",
    "avaya_ers",
    "avaya_vsp",
    "broadcom_icos",
    "brocade_fos",
    "brocade_nos",
    "brocade_vdx",
    "calix_b6",
    "casa_cmts",
    "cdot_cros",
    "centec_os",
    "checkpoint_gaia",
    "ciena_saos",
    "ciena_waveserver",
    "cisco_ap",
    "cisco_apic",
    "cisco_tp",
    "cisco_viptela",
    "cloudgenix_ion",
    "coriant",
    "dell_isilon",
    "dell_powerconnect",
    "dell_sonic",
    "digi_transport",
    "dlink_ds",
    "ekinops_ek360",
    "eltex",
    "eltex_esr",
    "endace",
    "enterasys",
    "ericsson_ipos",
    "ericsson_mltn63",
    "ericsson_mltn66",
    "extreme_ers",
    "extreme_nos",
    "extreme_slx",
    "extreme_tierra",
    "extreme_vdx",
    "extreme_vsp",
    "extreme_wing",
    "f5_ltm",
    "f5_tmsh",
    "fiberstore_fsosv2",
    "fiberstore_networkos",
    "flexvnf",
    "generic_termserver",
    "hillstone_stoneos",
    "huawei",
    "huawei_olt",
    "huawei_smartax",
    "huawei_smartaxmmi",
    "huawei_vrp",
    "huawei_vrpv8",
    "infinera_packet",
    "ipinfusion_ocnos",
    "keymile",
    "keymile_nos",
    "lancom_lcossx4",
    "mikrotik_switchos",
    "moxa_nos",
    "mrv_lx",
    "mrv_optiswitch",
    "nec_ix",
    "netapp_cdot",
    "netscaler",
    "nokia_isam",
    "nokia_sros",
    "nokia_srl",
    "opengear_linux",
    "ovs_linux",
    "pluribus",
    "quanta_mesh",
    "rad_etx",
    "raisecom_roap",
    "ruijie_os",
    "silverpeak_vxoa",
    "sixwind_os",
    "smartoptics_dwdm",
    "sophos_sfos",
    "supermicro_smis",
    "telcosystems_binos",
    "teldat_cit",
    "terminal_server",
    "ubiquiti_edge",
    "ubiquiti_edgerouter",
    "ubiquiti_edgeswitch",
    "ubiquiti_unifiswitch",
    "vertiv_mph",
    "yamaha",
    "zte_zxros",
    "zyxel_os",
];

/// What a model name given by a user stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Alias {
    /// A Netmiko device type served by this model.
    Model(&'static str),
    /// A Netmiko device type no bundled driver serves.
    NoDriver,
    /// A Netmiko telnet device type; the SSH type to use instead.
    Telnet(String),
    /// Not a Netmiko device type.
    Unknown,
}

/// Look `name` up as a Netmiko device type (case-insensitive, with or
/// without Netmiko's `_ssh` suffix).
pub fn netmiko(name: &str) -> Alias {
    let lower = name.trim().to_ascii_lowercase();
    if let Some(base) = lower.strip_suffix("_telnet") {
        let known = NETMIKO_ALIASES.iter().any(|(n, _)| *n == base)
            || NETMIKO_WITHOUT_DRIVER.contains(&base)
            || base == "generic";
        return if known {
            Alias::Telnet(base.to_string())
        } else {
            Alias::Unknown
        };
    }
    let base = lower.strip_suffix("_ssh").unwrap_or(&lower);
    if let Some((_, model)) = NETMIKO_ALIASES.iter().find(|(n, _)| *n == base) {
        return Alias::Model(model);
    }
    if NETMIKO_WITHOUT_DRIVER.contains(&base) {
        return Alias::NoDriver;
    }
    Alias::Unknown
}

/// The Netmiko device types that stand for `model`.
pub fn aliases_of(model: &str) -> Vec<&'static str> {
    NETMIKO_ALIASES
        .iter()
        .filter(|(_, m)| *m == model)
        .map(|(n, _)| *n)
        .collect()
}

/// Up to three of `models` closest to `name`: those a Netmiko type of the
/// same vendor (the part before the first `_`) maps to, then the nearest by
/// edit distance.
pub fn closest<'a>(name: &str, models: &[&'a str]) -> Vec<&'a str> {
    let lower = name.to_ascii_lowercase();
    let vendor = lower.split('_').next().unwrap_or(&lower);
    let mut picked: Vec<&'a str> = Vec::new();
    for (alias, model) in NETMIKO_ALIASES {
        if alias.split('_').next() == Some(vendor)
            && let Some(m) = models.iter().find(|m| *m == model)
            && !picked.contains(m)
        {
            picked.push(m);
        }
    }
    let mut by_distance: Vec<&'a str> = models.to_vec();
    by_distance.sort_by_key(|m| (edit_distance(&lower, m), *m));
    for m in by_distance {
        if picked.len() >= 3 {
            break;
        }
        if !picked.contains(&m) {
            picked.push(m);
        }
    }
    picked.truncate(3);
    picked
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netmiko_types_resolve_with_or_without_ssh_and_telnet_names_its_ssh_type() {
        assert_eq!(netmiko("cisco_ios"), Alias::Model("ios"));
        assert_eq!(netmiko("Cisco_XE_ssh"), Alias::Model("ios"));
        assert_eq!(netmiko("juniper_junos"), Alias::Model("junos"));
        assert_eq!(netmiko("sophos_sfos"), Alias::NoDriver);
        assert_eq!(netmiko("cisco_xr"), Alias::Model("iosxr"));
        assert_eq!(netmiko("cisco_wlc_ssh"), Alias::Model("aireos"));
        assert_eq!(netmiko("hp_comware"), Alias::Model("comware"));
        assert_eq!(netmiko("h3c_comware"), Alias::Model("h3c"));
        assert_eq!(netmiko("adva_fsp150f3"), Alias::Model("adva"));
        assert_eq!(netmiko("adva_fsp150f2"), Alias::NoDriver);
        assert_eq!(
            netmiko("cisco_ios_telnet"),
            Alias::Telnet("cisco_ios".into())
        );
        assert_eq!(netmiko("ios"), Alias::Unknown);
        assert_eq!(netmiko("acme_thing"), Alias::Unknown);
    }

    #[test]
    fn no_type_is_listed_both_with_and_without_a_driver() {
        for (alias, _) in NETMIKO_ALIASES {
            assert!(!NETMIKO_WITHOUT_DRIVER.contains(alias), "{alias}");
        }
        let mut names: Vec<&str> = NETMIKO_ALIASES.iter().map(|(n, _)| *n).collect();
        names.extend(NETMIKO_WITHOUT_DRIVER);
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count, "a type is listed twice");
    }

    #[test]
    fn closest_models_prefer_the_vendors_own_then_spelling() {
        let models = [
            "ios",
            "nxos",
            "asa",
            "firelinuxos",
            "junos",
            "aoscx",
            "aosw",
            "eos",
        ];
        assert_eq!(closest("cisco_tp", &models), ["asa", "firelinuxos", "ios"]);
        assert_eq!(closest("aruba_mobility", &models), ["aoscx", "aosw", "asa"]);
        assert_eq!(closest("junso", &models)[0], "junos");
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
