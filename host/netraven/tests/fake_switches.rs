//! Interop with a telnet server we did not write: fake-switches (PyPI
//! `fake-switches`, by Internap), whose `SwitchTelnetService` serves a
//! `cisco_generic` switch with `Username:`/`Password:` prompts and an
//! enable step. The `ios` driver backs it up over telnet, and fails
//! cleanly on a wrong enable secret. `tests/run`
//! installs the package (with `--no-deps`, beside a current
//! `twisted[conch]`); without it this test fails and says how to install it.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use netraven_inventory::{self as inventory, Device};
use netraven_jobs::fleet::Fleet;
use netraven_session::outcome::ErrorClass;
use netraven_transport::ssh::MemoryHostKeys;

const USER: &str = "netops";
const PASSWORD: &str = "CANARY-TELNET-LOGIN-k3";
const ENABLE: &str = "CANARY-TELNET-ENABLE-k3";

/// The switch, stopped when dropped (its stdin closes).
struct FakeSwitch {
    child: Child,
    port: u16,
}

impl FakeSwitch {
    fn start() -> FakeSwitch {
        let port = support::sshd::free_port();
        let script = support::root().join("host/netraven/tests/support/fake_switch_telnet.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .args([&port.to_string(), USER, PASSWORD, ENABLE])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 (tests/run installs what this test needs)");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("read");
        if line.trim() != "ready" {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                std::io::Read::read_to_string(&mut e, &mut err).ok();
            }
            panic!(
                "fake-switches did not start ({err}); install it as tests/run does: \
                 pip install --no-deps fake-switches==1.5.0 and its dependencies \
                 'twisted[conch]' netaddr tftpy lxml"
            );
        }
        FakeSwitch { child, port }
    }

    fn device(&self, password: &str) -> Device {
        let text = format!(
            "[[devices]]\nname = \"fake-sw1\"\naddress = \"127.0.0.1\"\nmodel = \"ios\"\n\
             transport = \"telnet\"\ntelnet_port = {port}\nuser = \"{USER}\"\n\
             password = \"{password}\"\nenable = \"{ENABLE}\"\nread_timeout_secs = 10\n\
             vars = {{ enable = \"true\" }}\n",
            port = self.port
        );
        inventory::parse(&text, &|_| None)
            .expect("inventory")
            .remove(0)
    }
}

impl Drop for FakeSwitch {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn fleet() -> (Fleet, tempfile::TempDir) {
    let (runtime, catalog, dir) = support::load_with(&["ios"], |c| c.deadline_secs = 30).await;
    let fleet = Fleet {
        runtime,
        catalog: Arc::new(catalog),
        host_keys: Arc::new(MemoryHostKeys::default()),
        redact: true,
    };
    (fleet, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ios_driver_backs_up_a_fake_switches_cisco_over_telnet() {
    let switch = FakeSwitch::start();
    let (fleet, _dir) = fleet().await;
    let backup = fleet
        .backup(&switch.device(PASSWORD))
        .await
        .unwrap_or_else(|f| panic!("backup over telnet failed: {f}"));
    let config = &backup.config;
    // The switch's own running configuration, reached through enable.
    assert!(config.contains("\nhostname fake-sw1\n"), "{config}");
    assert!(config.contains("\ninterface FastEthernet0/1\n"), "{config}");
    assert!(config.trim_end().ends_with("\nend"), "{config}");
    // Its `show version`, kept as comments the way the driver keeps them.
    assert!(config.starts_with("! Cisco IOS Software"), "{config}");
    for canary in [PASSWORD, ENABLE] {
        assert!(!config.contains(canary), "{canary} in the backup");
    }
}

/// fake-switches lets any login in; its enable secret is checked. A wrong
/// one leaves the driver at the user prompt, where the configuration is
/// refused: the backup fails instead of storing the comments alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_enable_secret_on_fake_switches_fails_the_backup() {
    let switch = FakeSwitch::start();
    let (fleet, _dir) = fleet().await;
    let mut device = switch.device(PASSWORD);
    device.target.enable = Some(netraven_inventory::Secret::new("CANARY-WRONG-k3"));
    let failure = fleet
        .backup(&device)
        .await
        .expect_err("a wrong enable secret fails the backup");
    assert_eq!(failure.class, ErrorClass::CommandRejected, "{failure}");
    assert!(failure.message.contains("show running-config"), "{failure}");
    assert!(!failure.message.contains("CANARY-WRONG-k3"), "{failure}");
}
