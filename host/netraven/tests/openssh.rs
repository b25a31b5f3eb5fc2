//! Interop with an SSH server we did not write: OpenSSH's sshd, started on
//! a loopback port by each test.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use netraven_driver_sdk::Mode;
use netraven_inventory::{self as inventory, Device};
use netraven_jobs::fleet::Fleet;
use netraven_session::DeviceSession;
use netraven_transport::ssh::{self, HostKeyStore, MemoryHostKeys, SshSession};
use support::sim::Sim;
use support::sshd::{PASSWORD, Sshd, USER};

/// One device from inventory text; `{port}` and `{password}` are filled in.
fn device(port: u16, extra: &str) -> Device {
    let text = format!(
        "[[devices]]\nname = \"host\"\naddress = \"127.0.0.1\"\nport = {port}\nmodel = \"linuxgeneric\"\n\
         user = \"{USER}\"\nread_timeout_secs = 10\n{extra}\n{policy}",
        policy = if extra.contains("host_key_policy") {
            ""
        } else {
            "host_key_policy = \"off\"\n"
        }
    );
    let mut devices = inventory::parse(&text, &|_| None).expect("inventory");
    devices.remove(0)
}

fn with_password(port: u16, extra: &str) -> Device {
    device(port, &format!("password = \"{PASSWORD}\"\n{extra}"))
}

fn deadline() -> Instant {
    Instant::now() + Duration::from_secs(20)
}

/// Connect, run one command on an exec channel, return its output.
async fn exec(device: &Device, store: Arc<dyn HostKeyStore>, line: &str) -> Result<String, String> {
    let conn = ssh::connect(&device.target, store, deadline())
        .await
        .map_err(|f| f.to_string())?;
    let mut session = SshSession::open(
        conn,
        Mode::Exec,
        "$",
        None,
        None,
        Duration::from_secs(10),
        deadline(),
    )
    .await
    .map_err(|f| f.to_string())?;
    let out = session.exec(line, None).await.map_err(|e| e.to_string());
    session.close().await;
    out
}

fn store() -> Arc<dyn HostKeyStore> {
    Arc::new(MemoryHostKeys::default())
}

#[tokio::test]
async fn password_keyboard_interactive_and_public_keys_log_in() {
    // Password only (no PAM conversation).
    let sshd = Sshd::start(
        "ed25519",
        "UsePAM no\nPasswordAuthentication yes\nKbdInteractiveAuthentication no",
    );
    let d = with_password(sshd.port, "");
    assert_eq!(
        exec(&d, store(), "echo via-password").await.unwrap(),
        "via-password\n"
    );

    // Keyboard-interactive only, through PAM.
    let kbd = Sshd::start(
        "ed25519",
        "UsePAM yes\nPasswordAuthentication no\nKbdInteractiveAuthentication yes",
    );
    let d = with_password(kbd.port, "");
    assert_eq!(
        exec(&d, store(), "echo via-kbd").await.unwrap(),
        "via-kbd\n",
        "{}",
        kbd.log()
    );
    assert!(
        kbd.log().contains("Accepted keyboard-interactive/pam"),
        "{}",
        kbd.log()
    );

    // Public keys: ed25519, ecdsa, and RSA signed with rsa-sha2-*.
    let keys = Sshd::start(
        "ed25519",
        "UsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no",
    );
    for kind in ["ed25519", "ecdsa", "rsa"] {
        let d = device(
            keys.port,
            &format!("key_file = \"{}\"", keys.client_key(kind).display()),
        );
        assert_eq!(
            exec(&d, store(), "echo via-key")
                .await
                .unwrap_or_else(|e| panic!("{kind}: {e}\n{}", keys.log())),
            "via-key\n"
        );
    }
    let log = keys.log();
    assert!(
        log.contains("Accepted publickey for netraven-test from 127.0.0.1")
            && log.contains("ED25519"),
        "{log}"
    );
    assert!(log.contains("ECDSA"), "{log}");
    assert!(log.contains("RSA SHA256"), "{log}");

    // A wrong password is an auth failure that names what was tried.
    let d = device(sshd.port, "password = \"wrong\"");
    let err = exec(&d, store(), "true").await.unwrap_err();
    assert!(
        err.starts_with("auth_failed:") && err.contains("tried password"),
        "{err}"
    );
}

#[tokio::test]
async fn a_pty_shell_runs_the_linux_driver() {
    let sshd = Sshd::start("ed25519", "UsePAM no\nPasswordAuthentication yes");
    let (runtime, catalog, _dir) =
        support::load_with(&["linuxgeneric"], |c| c.deadline_secs = 30).await;
    let fleet = Fleet {
        runtime,
        catalog: Arc::new(catalog),
        host_keys: store(),
        redact: false,
    };
    let d = with_password(
        sshd.port,
        "vars = { commands = \"id -un;;echo netraven shell probe\" }",
    );
    let backup = fleet
        .backup(&d)
        .await
        .unwrap_or_else(|f| panic!("{f}\n{}", sshd.log()));
    assert!(
        backup.config.contains("###### id -un ######"),
        "{}",
        backup.config
    );
    assert!(
        backup.config.contains(&format!("\n{USER}\n")),
        "{}",
        backup.config
    );
    assert!(
        backup.config.contains("netraven shell probe\n"),
        "{}",
        backup.config
    );
}

#[tokio::test]
async fn keepalives_go_out_while_a_device_is_silent() {
    let sshd = Sshd::start(
        "ed25519",
        "LogLevel DEBUG1\nUsePAM no\nPasswordAuthentication yes",
    );
    let d = with_password(sshd.port, "keepalive_secs = 1");
    let conn = ssh::connect(&d.target, store(), deadline())
        .await
        .expect("connect");
    let prompt = r"[$#] ?$";
    let mut session = SshSession::open(
        conn,
        Mode::Shell,
        prompt,
        None,
        None,
        Duration::from_secs(10),
        deadline(),
    )
    .await
    .expect("shell");
    session.read_until(prompt, None).await.expect("prompt");
    assert!(
        !sshd.log().contains("keepalive@openssh.com"),
        "none before a silence"
    );
    // Three silent seconds, with a keepalive after each.
    session
        .command("sleep 3", None)
        .await
        .expect("the prompt after sleep");
    session.close().await;
    let sent = sshd.log().matches("rtype keepalive@openssh.com").count();
    assert!(sent >= 2, "{sent} keepalives:\n{}", sshd.log());
}

#[tokio::test]
async fn legacy_algorithms_are_used_only_when_the_device_opts_in() {
    let legacy = Sshd::start(
        "rsa",
        "UsePAM no\nPasswordAuthentication yes\nKexAlgorithms diffie-hellman-group14-sha1\n\
         HostKeyAlgorithms ssh-rsa\nCiphers aes128-cbc\nMACs hmac-sha1\nPubkeyAcceptedAlgorithms ssh-rsa",
    );
    let modern = with_password(legacy.port, "");
    let err = exec(&modern, store(), "true").await.unwrap_err();
    assert!(err.starts_with("negotiation_failed:"), "{err}");
    assert!(
        err.contains("the device offered [diffie-hellman-group14-sha1"),
        "{err}"
    );
    assert!(
        err.contains("we offered [") && err.contains("curve25519-sha256"),
        "{err}"
    );
    assert!(
        err.contains("kex = [\"+diffie-hellman-group14-sha1\"]"),
        "{err}"
    );

    let opted_in = "kex = [\"+diffie-hellman-group14-sha1\"]\nhost_key_algorithms = [\"+ssh-rsa\"]\n\
                    ciphers = [\"+aes128-cbc\"]\nmacs = [\"+hmac-sha1\"]";
    let d = with_password(legacy.port, opted_in);
    assert_eq!(
        exec(&d, store(), "echo legacy-ok").await.unwrap(),
        "legacy-ok\n",
        "{}",
        legacy.log()
    );
    // An RSA key falls back to ssh-rsa signatures on a server that only
    // accepts those.
    let d = device(
        legacy.port,
        &format!(
            "key_file = \"{}\"\n{opted_in}",
            legacy.client_key("rsa").display()
        ),
    );
    let out = exec(&d, store(), "echo rsa-sha1")
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", legacy.log()));
    assert_eq!(out, "rsa-sha1\n");
    assert!(
        legacy.log().contains("Accepted publickey"),
        "{}",
        legacy.log()
    );
}

#[tokio::test]
async fn the_rest_of_the_legacy_set_works_on_opt_in() {
    // (server settings, the device's opt-in)
    let cases = [
        (
            "rsa1024",
            "KexAlgorithms diffie-hellman-group-exchange-sha1\nHostKeyAlgorithms ssh-rsa\n\
             Ciphers 3des-cbc\nMACs hmac-sha1",
            "kex = [\"+diffie-hellman-group-exchange-sha1\"]\nhost_key_algorithms = [\"+ssh-rsa\"]\n\
             ciphers = [\"+3des-cbc\"]\nmacs = [\"+hmac-sha1\"]",
        ),
        (
            "dsa",
            "KexAlgorithms diffie-hellman-group1-sha1\nHostKeyAlgorithms ssh-dss\n\
             Ciphers aes256-cbc\nMACs hmac-sha1",
            "kex = [\"+diffie-hellman-group1-sha1\"]\nhost_key_algorithms = [\"+ssh-dss\"]\n\
             ciphers = [\"+aes256-cbc\"]\nmacs = [\"+hmac-sha1\"]",
        ),
    ];
    for (host_key, server, opt_in) in cases {
        let sshd = Sshd::start(
            host_key,
            &format!("UsePAM no\nPasswordAuthentication yes\n{server}"),
        );
        let modern = with_password(sshd.port, "");
        let err = exec(&modern, store(), "true").await.unwrap_err();
        assert!(err.starts_with("negotiation_failed:"), "{host_key}: {err}");
        let d = with_password(sshd.port, opt_in);
        let out = exec(&d, store(), "echo legacy")
            .await
            .unwrap_or_else(|e| panic!("{host_key}: {e}\n{}", sshd.log()));
        assert_eq!(out, "legacy\n");
    }
}

#[tokio::test]
async fn host_keys_are_trusted_on_first_use_and_a_change_is_refused() {
    let sshd = Sshd::start("ed25519", "UsePAM no\nPasswordAuthentication yes");
    let known: Arc<dyn HostKeyStore> = store();
    let tofu = with_password(sshd.port, "host_key_policy = \"tofu\"");
    exec(&tofu, known.clone(), "true").await.unwrap();
    let host = format!("127.0.0.1:{}", sshd.port);
    assert_eq!(known.get(&host), Some(sshd.host_key_line()));
    exec(&tofu, known.clone(), "true")
        .await
        .expect("the recorded key is trusted");

    // The device now presents another key (a different sshd on the same port).
    let port = sshd.port;
    drop(sshd);
    let replaced = Sshd::start_on(port, "ed25519", "UsePAM no\nPasswordAuthentication yes");
    let err = exec(&tofu, known.clone(), "true").await.unwrap_err();
    assert!(err.starts_with("host_key_changed:"), "{err}");
    let fingerprints: Vec<&str> = err.matches("SHA256:").collect();
    assert_eq!(fingerprints.len(), 2, "{err}");

    // Strict: an unknown key is refused; a pinned one is accepted.
    let strict = with_password(port, "host_key_policy = \"strict\"");
    let err = exec(&strict, store(), "true").await.unwrap_err();
    assert!(
        err.starts_with("host_key_changed:") && err.contains("strict"),
        "{err}"
    );
    let pinned = with_password(
        port,
        &format!(
            "host_key_policy = \"strict\"\nhost_key = \"{}\"",
            replaced.host_key_line()
        ),
    );
    exec(&pinned, store(), "true")
        .await
        .expect("a pinned key is trusted");
}

#[tokio::test]
async fn jump_hosts_tunnel_to_the_device() {
    let bastion = Sshd::start(
        "ed25519",
        "UsePAM no\nPasswordAuthentication yes\nAllowTcpForwarding yes",
    );
    let target = Sshd::start("ed25519", "UsePAM no\nPasswordAuthentication yes");
    let text = format!(
        "[defaults]\nuser = \"{USER}\"\npassword = \"{PASSWORD}\"\nhost_key_policy = \"off\"\n\
         [[jump_hosts]]\nname = \"outer\"\naddress = \"127.0.0.1\"\nport = {b}\n\
         [[jump_hosts]]\nname = \"inner\"\naddress = \"127.0.0.1\"\nport = {b}\n\
         [[devices]]\nname = \"far\"\naddress = \"127.0.0.1\"\nport = {t}\nmodel = \"linuxgeneric\"\n\
         jump = [\"outer\", \"inner\"]\n",
        b = bastion.port,
        t = target.port,
    );
    let d = inventory::parse(&text, &|_| None)
        .expect("inventory")
        .remove(0);
    assert_eq!(
        exec(&d, store(), "echo through-two-hops").await.unwrap(),
        "through-two-hops\n"
    );
    // Both hops went through the bastion (as direct-tcpip), then to the target.
    assert!(
        bastion.log().matches("Accepted password").count() >= 2,
        "{}",
        bastion.log()
    );
    assert!(
        target.log().contains("Accepted password"),
        "{}",
        target.log()
    );

    // A refused tunnel is a clear connect failure.
    let closed = support::sshd::free_port();
    let text = text.replace(
        &format!("port = {}\nmodel", target.port),
        &format!("port = {closed}\nmodel"),
    );
    let d = inventory::parse(&text, &|_| None)
        .expect("inventory")
        .remove(0);
    let err = exec(&d, store(), "true").await.unwrap_err();
    assert!(err.contains("jump host refused a tunnel"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn telnet_reaches_a_device_through_an_ssh_jump_host() {
    let bastion = Sshd::start(
        "ed25519",
        "UsePAM no\nPasswordAuthentication yes\nAllowTcpForwarding yes",
    );
    let sim = Sim::start(&[
        "--corpus",
        "tests/corpus/oxidized",
        "--case",
        "ios#C9200L*",
        "--telnet",
    ]);
    let direct = sim.devices().remove(0);
    let text = format!(
        "[[jump_hosts]]\nname = \"bastion\"\naddress = \"127.0.0.1\"\nport = {b}\n\
         user = \"{USER}\"\npassword = \"{PASSWORD}\"\nhost_key_policy = \"off\"\n\
         [[devices]]\nname = \"oob-sw\"\naddress = \"127.0.0.1\"\nmodel = \"ios\"\n\
         transport = \"telnet\"\ntelnet_port = {t}\nuser = \"netraven\"\npassword = \"netraven\"\n\
         jump = [\"bastion\"]\n",
        b = bastion.port,
        t = direct.target.telnet_port,
    );
    let through = inventory::parse(&text, &|_| None)
        .expect("inventory")
        .remove(0);
    let (runtime, catalog, _dir) = support::load_with(&["ios"], |c| c.deadline_secs = 30).await;
    let fleet = Fleet {
        runtime,
        catalog: Arc::new(catalog),
        host_keys: Arc::new(MemoryHostKeys::default()),
        redact: false,
    };
    let reference = fleet.backup(&direct).await.expect("direct telnet").config;
    let tunnelled = fleet
        .backup(&through)
        .await
        .unwrap_or_else(|f| panic!("telnet through the bastion: {f}"))
        .config;
    assert_eq!(tunnelled, reference);
    assert!(
        bastion.log().contains("Accepted password"),
        "{}",
        bastion.log()
    );
}
