//! `netraven-sim` as tests, demos and benchmarks use it: a lab of recorded
//! devices on loopback, driven here by a small russh client.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use netraven_driver_sdk::harness::Transcript;
use russh::client::{self, Handle};
use russh::keys::{Algorithm, PublicKey, PublicKeyOrCertificate};
use russh::{Channel, ChannelMsg, Preferred, cipher, kex, mac};

const IOS: &str = "ios#C9200L-24P-4G_17.09.04a#simulation.yaml";
const JUNOS: &str = "junos#srx300_22.4#simulation.yaml";
const APC: &str = "apcaos#SMT750IC_v2.5.0.8#custom_simulation.yaml";

const FAULTS: [&str; 11] = [
    "refuse",
    "reject-password",
    "hang-before-prompt",
    "hang-mid-output",
    "disconnect-mid-output",
    "trickle",
    "endless",
    "garbage",
    "legacy-only",
    "changed-host-key",
    "user-mode",
];

/// A running simulator (stopped when dropped, or when this test process
/// ends and its stdin closes) and its inventory as plain TOML: these tests
/// check the simulator's output format, not the client's reading of it.
struct Sim {
    lab: support::sim::Sim,
    inventory: toml::Table,
}

/// One device of the inventory.
#[derive(Debug, Clone)]
struct Dev {
    name: String,
    address: String,
    port: u16,
    host_key: String,
    password: String,
}

impl Sim {
    fn start(args: &[&str]) -> Sim {
        Sim::launch(tempfile::tempdir().unwrap(), args)
    }

    /// Serve the devices of a manifest (and `args`).
    fn start_with_manifest(manifest: &str, args: &[&str]) -> Sim {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.toml");
        std::fs::write(&path, manifest).unwrap();
        let mut all = vec!["--manifest", path.to_str().unwrap()];
        all.extend_from_slice(args);
        Sim::launch(dir, &all)
    }

    fn launch(dir: tempfile::TempDir, args: &[&str]) -> Sim {
        let lab = support::sim::Sim::start_in(dir, args);
        let text = std::fs::read_to_string(&lab.inventory).unwrap();
        assert!(text.starts_with("# written by netraven-sim\n"), "{text}");
        let count: usize = lab.ready["ready ".len()..]
            .trim_end()
            .trim_end_matches(" devices")
            .parse()
            .unwrap();
        let table: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(table["devices"].as_array().unwrap().len(), count);
        Sim {
            lab,
            inventory: table,
        }
    }

    fn devices(&self) -> Vec<&toml::Table> {
        self.inventory["devices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_table().unwrap())
            .collect()
    }

    fn entry(&self, name: &str) -> &toml::Table {
        self.devices()
            .into_iter()
            .find(|d| d["name"].as_str() == Some(name))
            .unwrap_or_else(|| panic!("no device {name} in the inventory"))
    }

    fn device(&self, name: &str) -> Dev {
        let d = self.entry(name);
        Dev {
            name: name.to_string(),
            address: d["address"].as_str().unwrap().to_string(),
            port: d["port"].as_integer().unwrap() as u16,
            host_key: d["host_key"].as_str().unwrap().to_string(),
            password: d
                .get("password")
                .unwrap_or(&self.inventory["defaults"]["password"])
                .as_str()
                .unwrap()
                .to_string(),
        }
    }
}

fn corpus_file(name: &str) -> PathBuf {
    support::corpus().join(name)
}

fn transcript(name: &str) -> Transcript {
    Transcript::load(&corpus_file(name)).unwrap()
}

fn recorded(t: &Transcript, input: &str) -> Vec<u8> {
    t.exchanges
        .iter()
        .find(|e| e.input == input.as_bytes())
        .unwrap_or_else(|| panic!("{input:?} is not in the transcript"))
        .reply
        .clone()
}

/// The lab most tests share: one healthy device per transcript kind, and
/// one IOS device per fault, named after the fault.
fn lab() -> &'static Sim {
    static LAB: OnceLock<Sim> = OnceLock::new();
    LAB.get_or_init(|| {
        let mut manifest = String::new();
        for (name, file) in [("ios", IOS), ("junos", JUNOS), ("apc", APC)] {
            manifest.push_str(&format!(
                "[[device]]\nname = \"{name}\"\ntranscript = {:?}\n",
                corpus_file(file)
            ));
        }
        for fault in FAULTS {
            manifest.push_str(&format!(
                "[[device]]\nname = \"{fault}\"\ntranscript = {:?}\nfault = \"{fault}\"\n",
                corpus_file(IOS)
            ));
        }
        Sim::start_with_manifest(&manifest, &["--trickle-ms", "1"])
    })
}

/// Accepts any host key and remembers the one presented.
struct Client {
    presented: Arc<Mutex<Option<PublicKey>>>,
}

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        if let PublicKeyOrCertificate::PublicKey { key, .. } = key {
            *self.presented.lock().unwrap() = Some(key.clone());
        }
        Ok(true)
    }
}

const STEP: Duration = Duration::from_secs(10);

struct Connection {
    handle: Handle<Client>,
    presented: Option<PublicKey>,
}

async fn connect_with(dev: &Dev, preferred: Preferred) -> Result<Connection, russh::Error> {
    let presented = Arc::new(Mutex::new(None));
    let config = Arc::new(client::Config {
        preferred,
        ..client::Config::default()
    });
    let client = Client {
        presented: presented.clone(),
    };
    let handle = tokio::time::timeout(
        STEP,
        client::connect(config, (dev.address.as_str(), dev.port), client),
    )
    .await
    .unwrap_or_else(|_| panic!("{}: connect timed out", dev.name))?;
    let presented = presented.lock().unwrap().clone();
    Ok(Connection { handle, presented })
}

async fn connect(dev: &Dev) -> Connection {
    connect_with(dev, Preferred::default()).await.unwrap()
}

async fn login(dev: &Dev) -> Connection {
    let mut c = connect(dev).await;
    let auth = c
        .handle
        .authenticate_password("netraven", dev.password.as_str())
        .await
        .unwrap();
    assert!(auth.success(), "{}: login failed", dev.name);
    c
}

async fn shell(c: &Connection) -> Channel<client::Msg> {
    let channel = c.handle.channel_open_session().await.unwrap();
    channel
        .request_pty(true, "xterm", 80, 24, 0, 0, &[])
        .await
        .unwrap();
    channel.request_shell(true).await.unwrap();
    channel
}

async fn exec(c: &Connection, command: &str) -> Channel<client::Msg> {
    let channel = c.handle.channel_open_session().await.unwrap();
    channel.exec(true, command).await.unwrap();
    channel
}

/// What a channel said.
#[derive(Debug, Default)]
struct Heard {
    out: Vec<u8>,
    err: Vec<u8>,
    packets: usize,
    exit: Option<u32>,
    /// The channel closed, or the connection ended.
    closed: bool,
}

/// Read until `enough` holds, the channel closes, or `limit` passes.
async fn hear(
    channel: &mut Channel<client::Msg>,
    limit: Duration,
    enough: impl Fn(&Heard) -> bool,
) -> Heard {
    let mut heard = Heard::default();
    let deadline = tokio::time::Instant::now() + limit;
    while !enough(&heard) {
        match tokio::time::timeout_at(deadline, channel.wait()).await {
            Err(_) => break,
            Ok(None) | Ok(Some(ChannelMsg::Close)) => {
                heard.closed = true;
                break;
            }
            Ok(Some(ChannelMsg::Data { data })) => {
                heard.packets += 1;
                heard.out.extend_from_slice(&data);
            }
            Ok(Some(ChannelMsg::ExtendedData { data, .. })) => heard.err.extend_from_slice(&data),
            Ok(Some(ChannelMsg::ExitStatus { exit_status })) => heard.exit = Some(exit_status),
            Ok(Some(_)) => {}
        }
    }
    heard
}

async fn hear_bytes(channel: &mut Channel<client::Msg>, n: usize) -> Heard {
    hear(channel, STEP, |h| h.out.len() >= n).await
}

async fn hear_all(channel: &mut Channel<client::Msg>) -> Heard {
    hear(channel, STEP, |_| false).await
}

fn show(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

#[tokio::test]
async fn shell_greets_with_init_prompt_replays_a_command_and_closes_on_exit() {
    let dev = lab().device("ios");
    let t = transcript(IOS);
    let c = login(&dev).await;
    assert_eq!(
        c.presented.as_ref().unwrap().to_openssh().unwrap(),
        dev.host_key,
        "a healthy device presents the inventory's key"
    );
    let mut channel = shell(&c).await;
    let greeting = t.init_prompt.clone().unwrap();
    let heard = hear_bytes(&mut channel, greeting.len()).await;
    assert_eq!(show(&heard.out), show(&greeting));

    channel.data(&b"show version\n"[..]).await.unwrap();
    let reply = recorded(&t, "show version\n");
    let heard = hear_bytes(&mut channel, reply.len()).await;
    assert_eq!(show(&heard.out), show(&reply));

    // The recorded reply to `exit` is empty: the device hangs up.
    channel.data(&b"exit\n"[..]).await.unwrap();
    let heard = hear_all(&mut channel).await;
    assert!(heard.closed && heard.out.is_empty(), "{heard:?}");
    let deadline = Instant::now() + STEP;
    while !c.handle.is_closed() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(c.handle.is_closed(), "the device closes the connection");
}

#[tokio::test]
async fn shell_echoes_keystrokes_before_the_newline() {
    let dev = lab().device("ios");
    let greeting = transcript(IOS).init_prompt.unwrap();
    let c = login(&dev).await;
    let mut channel = shell(&c).await;
    hear_bytes(&mut channel, greeting.len()).await;
    channel.data(&b"show ver"[..]).await.unwrap();
    let heard = hear_bytes(&mut channel, 8).await;
    assert_eq!(heard.out, b"show ver");
}

/// One IOS device that ends a session on anything its recording lacks.
fn strict_lab() -> &'static Sim {
    static LAB: OnceLock<Sim> = OnceLock::new();
    LAB.get_or_init(|| {
        let manifest = format!(
            "[[device]]\nname = \"ios\"\ntranscript = {:?}\n",
            corpus_file(IOS)
        );
        Sim::start_with_manifest(&manifest, &["--strict"])
    })
}

#[tokio::test]
async fn an_unrecorded_line_gets_the_vendor_error_and_the_prompt_and_the_session_goes_on() {
    let dev = lab().device("ios");
    let t = transcript(IOS);
    let greeting = t.init_prompt.clone().unwrap();
    let prompt = greeting.rsplit(|&b| b == b'\n').next().unwrap().to_vec();
    let c = login(&dev).await;
    let mut channel = shell(&c).await;
    hear_bytes(&mut channel, greeting.len()).await;

    // What Netmiko and scrapli send first: an empty line...
    channel.data(&b"\n"[..]).await.unwrap();
    let want = [&b"\r\n"[..], &prompt].concat();
    let heard = hear_bytes(&mut channel, want.len()).await;
    assert_eq!(show(&heard.out), show(&want));

    // ...and a command the recording lacks, in two packets, ended by \r\n.
    channel.data(&b"terminal wid"[..]).await.unwrap();
    channel.data(&b"th 511\r\n"[..]).await.unwrap();
    let want = [
        &b"terminal width 511\r\n% Invalid input detected at '^' marker.\r\n"[..],
        &prompt,
    ]
    .concat();
    let heard = hear_bytes(&mut channel, want.len()).await;
    assert_eq!(show(&heard.out), show(&want));

    // The recording goes on where it was.
    channel.data(&b"show version\n"[..]).await.unwrap();
    let reply = recorded(&t, "show version\n");
    let heard = hear_bytes(&mut channel, reply.len()).await;
    assert_eq!(show(&heard.out), show(&reply));
}

#[tokio::test]
async fn with_strict_unexpected_input_gets_one_line_and_the_channel_closes() {
    let dev = strict_lab().device("ios");
    let c = login(&dev).await;
    let mut channel = shell(&c).await;
    channel.data(&b"reload\n"[..]).await.unwrap();
    let heard = hear_all(&mut channel).await;
    assert!(heard.closed, "{heard:?}");
    let text = String::from_utf8_lossy(&heard.out);
    let message = text
        .split("\r\n% netraven-sim: ")
        .nth(1)
        .unwrap_or_default();
    assert!(
        message.starts_with("rejected: sent \"reload\\n\"") && message.ends_with("\r\n"),
        "{text}"
    );
    assert_eq!(message.matches("\r\n").count(), 1, "{text}");
}

#[tokio::test]
async fn exec_answers_recorded_commands_and_127_for_others() {
    let dev = lab().device("junos");
    let t = transcript(JUNOS);
    let c = login(&dev).await;
    let mut channel = exec(&c, "show version").await;
    let heard = hear_all(&mut channel).await;
    assert_eq!(show(&heard.out), show(&recorded(&t, "show version\n")));
    assert_eq!(heard.exit, Some(0));

    let mut channel = exec(&c, "request system reboot").await;
    let heard = hear_all(&mut channel).await;
    assert!(heard.out.is_empty(), "{heard:?}");
    assert!(
        String::from_utf8_lossy(&heard.err).contains("request system reboot"),
        "{heard:?}"
    );
    assert_eq!(heard.exit, Some(127));
}

#[tokio::test]
async fn scp_fetches_a_recorded_file() {
    let dev = lab().device("apc");
    let content = recorded(&transcript(APC), "config.ini");
    let c = login(&dev).await;
    let mut channel = exec(&c, "scp -f config.ini").await;
    // The sink side of the protocol: NUL to start, NUL after the header,
    // NUL after the data.
    channel.data(&[0u8][..]).await.unwrap();
    let header = format!("C0644 {} config.ini\n", content.len());
    let heard = hear_bytes(&mut channel, header.len()).await;
    assert_eq!(show(&heard.out), show(header.as_bytes()));
    channel.data(&[0u8][..]).await.unwrap();
    let heard = hear_bytes(&mut channel, content.len() + 1).await;
    assert_eq!(show(&heard.out[..content.len()]), show(&content));
    assert_eq!(heard.out[content.len()..], [0]);
    channel.data(&[0u8][..]).await.unwrap();
    let heard = hear_all(&mut channel).await;
    assert_eq!(heard.exit, Some(0));
}

#[tokio::test]
async fn wrong_password_is_rejected_and_keyboard_interactive_logs_in() {
    let dev = lab().device("ios");
    let mut c = connect(&dev).await;
    let started = Instant::now();
    let auth = c
        .handle
        .authenticate_password("netraven", "wrong")
        .await
        .unwrap();
    assert!(!auth.success());
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "rejections are quick"
    );

    let reply = c
        .handle
        .authenticate_keyboard_interactive_start("netraven", None)
        .await
        .unwrap();
    let client::KeyboardInteractiveAuthResponse::InfoRequest { prompts, .. } = reply else {
        panic!("expected a password prompt, got {reply:?}");
    };
    assert_eq!(prompts.len(), 1);
    assert_eq!(prompts[0].prompt, "Password: ");
    assert!(!prompts[0].echo);
    let reply = c
        .handle
        .authenticate_keyboard_interactive_respond(vec!["netraven".to_string()])
        .await
        .unwrap();
    assert!(
        matches!(reply, client::KeyboardInteractiveAuthResponse::Success),
        "{reply:?}"
    );
}

#[tokio::test]
async fn refuse_device_refuses_the_connection() {
    let dev = lab().device("refuse");
    let err = tokio::net::TcpStream::connect((dev.address.as_str(), dev.port))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
}

#[tokio::test]
async fn reject_password_device_rejects_the_right_password() {
    let dev = lab().device("reject-password");
    let mut c = connect(&dev).await;
    let auth = c
        .handle
        .authenticate_password("netraven", "netraven")
        .await
        .unwrap();
    assert!(!auth.success());
    let reply = c
        .handle
        .authenticate_keyboard_interactive_start("netraven", None)
        .await
        .unwrap();
    if let client::KeyboardInteractiveAuthResponse::InfoRequest { .. } = reply {
        let reply = c
            .handle
            .authenticate_keyboard_interactive_respond(vec!["netraven".to_string()])
            .await
            .unwrap();
        assert!(
            !matches!(reply, client::KeyboardInteractiveAuthResponse::Success),
            "{reply:?}"
        );
    }
}

#[tokio::test]
async fn hang_before_prompt_sends_nothing() {
    let dev = lab().device("hang-before-prompt");
    let c = login(&dev).await;
    let mut channel = shell(&c).await;
    let heard = hear(&mut channel, Duration::from_millis(500), |h| {
        !h.out.is_empty()
    })
    .await;
    assert!(heard.out.is_empty() && !heard.closed, "{heard:?}");
}

/// Log in to an IOS-transcript device, read its greeting, and ask for
/// `show version`, whose reply is long.
async fn ask_show_version(name: &str) -> (Connection, Channel<client::Msg>, Vec<u8>) {
    let dev = lab().device(name);
    let t = transcript(IOS);
    let c = login(&dev).await;
    let mut channel = shell(&c).await;
    let greeting = t.init_prompt.clone().unwrap();
    let heard = hear_bytes(&mut channel, greeting.len()).await;
    assert_eq!(show(&heard.out), show(&greeting), "{name}");
    channel.data(&b"show version\n"[..]).await.unwrap();
    (c, channel, recorded(&t, "show version\n"))
}

#[tokio::test]
async fn hang_mid_output_stops_half_way_and_keeps_the_connection() {
    let (c, mut channel, reply) = ask_show_version("hang-mid-output").await;
    let heard = hear(&mut channel, Duration::from_millis(800), |_| false).await;
    assert!(!heard.closed, "{heard:?}");
    assert!(!heard.out.is_empty() && heard.out.len() < reply.len());
    assert!(reply.starts_with(&heard.out));
    assert!(!c.handle.is_closed());
}

#[tokio::test]
async fn disconnect_mid_output_ends_the_connection_early() {
    let (c, mut channel, reply) = ask_show_version("disconnect-mid-output").await;
    let heard = hear_all(&mut channel).await;
    assert!(heard.closed, "{heard:?}");
    assert!(heard.exit.is_none(), "no orderly end: {heard:?}");
    assert!(heard.out.len() < reply.len() && reply.starts_with(&heard.out));
    let deadline = Instant::now() + STEP;
    while !c.handle.is_closed() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(c.handle.is_closed());
}

#[tokio::test]
async fn trickle_sends_every_byte_in_its_own_packet() {
    let dev = lab().device("trickle");
    let t = transcript(IOS);
    let c = login(&dev).await;
    let mut channel = shell(&c).await;
    let greeting = t.init_prompt.clone().unwrap();
    let heard = hear_bytes(&mut channel, greeting.len()).await;
    assert_eq!(show(&heard.out), show(&greeting));
    assert_eq!(heard.packets, greeting.len());

    channel.data(&b"terminal length 0\n"[..]).await.unwrap();
    let reply = recorded(&t, "terminal length 0\n");
    let heard = hear_bytes(&mut channel, reply.len()).await;
    assert_eq!(show(&heard.out), show(&reply));
    assert_eq!(heard.packets, reply.len());
}

#[tokio::test]
async fn endless_streams_more_than_a_mebibyte() {
    let dev = lab().device("endless");
    let greeting = transcript(IOS).init_prompt.unwrap();
    let c = login(&dev).await;
    let mut channel = shell(&c).await;
    hear_bytes(&mut channel, greeting.len()).await;
    channel.data(&b"terminal length 0\n"[..]).await.unwrap();
    let heard = hear(&mut channel, Duration::from_secs(30), |h| {
        h.out.len() > 1 << 20
    })
    .await;
    assert!(heard.out.len() > 1 << 20, "{} bytes", heard.out.len());
    assert!(!heard.closed);
}

#[tokio::test]
async fn garbage_sends_bytes_that_are_not_utf8() {
    let dev = lab().device("garbage");
    let greeting = transcript(IOS).init_prompt.unwrap();
    let c = login(&dev).await;
    let mut channel = shell(&c).await;
    hear_bytes(&mut channel, greeting.len()).await;
    channel.data(&b"terminal length 0\n"[..]).await.unwrap();
    let heard = hear(&mut channel, STEP, |h| h.out.len() > 16 * 1024).await;
    assert!(heard.out.len() > 16 * 1024, "{} bytes", heard.out.len());
    assert!(std::str::from_utf8(&heard.out).is_err());
    assert!(heard.out.contains(&0) && heard.out.contains(&0xff));
}

#[tokio::test]
async fn legacy_only_needs_legacy_algorithms() {
    let dev = lab().device("legacy-only");
    assert!(
        connect_with(&dev, Preferred::default()).await.is_err(),
        "a modern-only client must fail negotiation"
    );
    let legacy = Preferred {
        kex: vec![kex::DH_G14_SHA1].into(),
        key: vec![Algorithm::Rsa { hash: None }].into(),
        cipher: vec![cipher::AES_128_CBC].into(),
        mac: vec![mac::HMAC_SHA1].into(),
        ..Preferred::default()
    };
    let mut c = connect_with(&dev, legacy).await.unwrap();
    let presented = c.presented.take().unwrap().to_openssh().unwrap();
    assert!(presented.starts_with("ssh-rsa "), "{presented}");
    assert_eq!(presented, dev.host_key);
    let auth = c
        .handle
        .authenticate_password("netraven", "netraven")
        .await
        .unwrap();
    assert!(auth.success());
    let entry = lab().entry("legacy-only");
    assert_eq!(
        entry["kex"][0].as_str(),
        Some("+diffie-hellman-group14-sha1")
    );
    assert_eq!(entry["macs"][0].as_str(), Some("+hmac-sha1"));
}

#[tokio::test]
async fn changed_host_key_differs_from_the_inventory() {
    let dev = lab().device("changed-host-key");
    let c = login(&dev).await;
    let presented = c.presented.unwrap().to_openssh().unwrap();
    assert!(presented.starts_with("ssh-ed25519 "), "{presented}");
    assert_ne!(presented, dev.host_key);
}

#[test]
fn inventory_names_each_fault_in_vars() {
    let sim = lab();
    for fault in FAULTS {
        let vars = sim.entry(fault)["vars"].as_table().unwrap();
        assert_eq!(vars["sim_fault"].as_str(), Some(fault));
        assert_eq!(
            vars["sim_case"].as_str(),
            Some("ios#C9200L-24P-4G_17.09.04a")
        );
    }
    let ios = sim.entry("ios");
    assert_eq!(ios["group"].as_str(), Some("sim"));
    assert!(ios["vars"].as_table().unwrap().get("sim_fault").is_none());
}

#[test]
fn netraven_reads_the_inventory() {
    let sim = lab();
    let devices = netraven_inventory::load(&sim.lab.inventory).unwrap();
    assert_eq!(devices.len(), sim.devices().len());
    let legacy = devices.iter().find(|d| d.name == "legacy-only").unwrap();
    assert_eq!(legacy.group, "sim");
    assert_eq!(
        legacy.target.algorithms.kex,
        ["+diffie-hellman-group14-sha1"]
    );
    assert_eq!(
        legacy.target.host_key.as_deref(),
        Some(sim.device("legacy-only").host_key.as_str())
    );
}

fn corpus_args(extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "--corpus".to_string(),
        support::corpus().to_string_lossy().into_owned(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

#[test]
fn names_and_host_keys_are_stable_and_custom_cases_bring_their_vars() {
    let args = corpus_args(&["--case", "ios#*", "--case", "cumulus#VX*", "--copies", "2"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let listing = |sim: &Sim| -> Vec<(String, String)> {
        sim.devices()
            .iter()
            .map(|d| {
                (
                    d["name"].as_str().unwrap().to_string(),
                    d["host_key"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let first = Sim::start(&args);
    let second = Sim::start(&args);
    assert_eq!(listing(&first), listing(&second));
    let names: Vec<String> = listing(&first).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        ["cumulus-1", "cumulus-2", "ios-1", "ios-2", "ios-3", "ios-4"]
    );
    let cumulus = first.entry("cumulus-1");
    let vars = cumulus["vars"].as_table().unwrap();
    assert_eq!(vars["cumulus_routing_daemon"].as_str(), Some("frr"));
    assert_eq!(vars["sim_case"].as_str(), Some("cumulus#VX_5.4.0_frr"));
    // The recording typed its own lab password; the device keeps it.
    assert_eq!(cumulus["password"].as_str(), Some("armud"));
}

#[test]
fn stdin_eof_stops_the_simulator() {
    let args = corpus_args(&["--case", "ios#C9200L*"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut sim = Sim::start(&args);
    drop(sim.lab.stdin.take());
    let deadline = Instant::now() + STEP;
    loop {
        if let Some(status) = sim.lab.child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            return;
        }
        assert!(
            Instant::now() < deadline,
            "still running after stdin closed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Run the simulator expecting it to refuse its input.
fn refused(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_netraven-sim"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    err
}

#[test]
fn bad_input_is_one_line_naming_the_flag_or_file_and_exit_2() {
    let err = refused(&["--corpus", "tests/corpus/oxidized", "--fault", "slow=1"]);
    assert!(err.contains("--fault") && err.contains("slow"), "{err}");
    let err = refused(&["--case", "ios#*"]);
    assert!(err.contains("--case"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("lab.toml");
    std::fs::write(
        &manifest,
        format!(
            "[[device]]\ntranscript = {:?}\ncolour = \"red\"\n",
            corpus_file(IOS)
        ),
    )
    .unwrap();
    let err = refused(&["--manifest", manifest.to_str().unwrap()]);
    assert!(
        err.contains(&manifest.display().to_string())
            && err.contains("line 3")
            && err.contains("colour"),
        "{err}"
    );
}

#[test]
fn help_teaches_an_example_and_every_fault() {
    let out = Command::new(env!("CARGO_BIN_EXE_netraven-sim"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("netraven-sim --corpus"), "{help}");
    for fault in FAULTS.iter().chain(&["reject:COMMAND", "banner:FILE"]) {
        assert!(
            help.lines().any(|l| l.trim_start().starts_with(fault)),
            "{fault} missing from --help"
        );
    }
}

/// The scale check, run by hand (not part of the suite):
///
/// ```text
/// cargo test -p netraven --test sim -- --nocapture two_thousand
/// ```
///
/// 2,000 devices in one simulator and a session on each, all open at
/// once, each running its transcript's first command. Prints the
/// simulator's peak RSS. `SIM_SCALE_CASE` (default `ios#*`) and
/// `SIM_SCALE_COPIES` (default 1000) choose the lab.
#[tokio::test(flavor = "multi_thread")]
async fn two_thousand_devices_with_a_session_each() {
    let case = std::env::var("SIM_SCALE_CASE").unwrap_or_else(|_| "ios#*".to_string());
    let copies = std::env::var("SIM_SCALE_COPIES").unwrap_or_else(|_| "1000".to_string());
    let args = corpus_args(&["--case", &case, "--copies", &copies]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let started = Instant::now();
    let sim = Sim::start(&args);
    let ready = started.elapsed();
    let pid = sim.lab.child.id();
    let rss = move || {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .map(|l| l[name.len()..].trim().to_string())
                .unwrap_or_default()
        };
        format!("VmRSS {} VmHWM {}", field("VmRSS:"), field("VmHWM:"))
    };
    println!("ready in {ready:?}: {}", rss());

    let mut transcripts = std::collections::HashMap::new();
    let mut sessions = Vec::new();
    for d in sim.devices() {
        let case = d["vars"]["sim_case"].as_str().unwrap().to_string();
        let t = transcripts
            .entry(case.clone())
            .or_insert_with(|| {
                let plain = corpus_file(&format!("{case}#simulation.yaml"));
                let file = if plain.exists() {
                    plain
                } else {
                    corpus_file(&format!("{case}#custom_simulation.yaml"))
                };
                Arc::new(Transcript::load(&file).unwrap())
            })
            .clone();
        sessions.push((sim.device(d["name"].as_str().unwrap()), t));
    }
    let n = sessions.len();
    let logged_in = Arc::new(tokio::sync::Barrier::new(n));
    let answered = Arc::new(tokio::sync::Barrier::new(n));
    // Handshakes cost the client CPU too; a bounded number at a time keeps
    // it from starving the simulator of the second core.
    let handshakes = Arc::new(tokio::sync::Semaphore::new(64));
    let tasks: Vec<_> = sessions
        .into_iter()
        .map(|(dev, t)| {
            let (logged_in, answered, handshakes) =
                (logged_in.clone(), answered.clone(), handshakes.clone());
            tokio::spawn(async move {
                let permit = handshakes.acquire().await.unwrap();
                let c = login(&dev).await;
                let mut channel = shell(&c).await;
                let greeting = t.init_prompt.clone().unwrap_or_default();
                let heard = hear_bytes(&mut channel, greeting.len()).await;
                assert_eq!(heard.out.len(), greeting.len(), "{}", dev.name);
                drop(permit);
                let wait = Duration::from_secs(300);
                tokio::time::timeout(wait, logged_in.wait()).await.unwrap();
                let first = &t.exchanges[0];
                channel.data(&first.input[..]).await.unwrap();
                let heard = hear(&mut channel, Duration::from_secs(120), |h| {
                    h.out.len() >= first.reply.len()
                })
                .await;
                assert_eq!(show(&heard.out), show(&first.reply), "{}", dev.name);
                tokio::time::timeout(wait, answered.wait()).await.unwrap();
                drop(channel);
                drop(c);
            })
        })
        .collect();
    let mut peak_open = String::new();
    for (i, task) in tasks.into_iter().enumerate() {
        task.await.unwrap();
        if i == 0 {
            // Every session is open and has answered when the first ends.
            peak_open = rss();
        }
    }
    println!(
        "{n} concurrent sessions done in {:?}; with all open: {peak_open}; after: {}",
        started.elapsed() - ready,
        rss()
    );
}

/// `--latency`, `--login-delay` and `--bandwidth`, per device in a
/// manifest: a slow device really is that slow (lower bounds only; how
/// fast the client copes is for the benches).
#[tokio::test]
async fn slow_devices_wait_before_the_prompt_and_each_reply_and_keep_to_their_rate() {
    let manifest = format!(
        "[[device]]\nname = \"slow\"\ntranscript = {file:?}\nlatency = \"250:50\"\nlogin_delay_ms = 400\n\
         [[device]]\nname = \"narrow\"\ntranscript = {file:?}\nbandwidth = 2000\n\
         [[device]]\nname = \"quick\"\ntranscript = {file:?}\n",
        file = corpus_file(IOS)
    );
    // The lab-wide flags, which the manifest's entries override.
    let sim = Sim::start_with_manifest(&manifest, &["--latency", "0", "--login-delay", "0"]);
    let t = transcript(IOS);
    let greeting = t.init_prompt.clone().unwrap();
    let reply = recorded(&t, "show running-config\n");
    assert!(
        reply.len() > 1000,
        "a reply long enough to pace: {}",
        reply.len()
    );

    let timed = async |name: &str| {
        let c = login(&sim.device(name)).await;
        let started = Instant::now();
        let mut channel = shell(&c).await;
        let heard = hear_bytes(&mut channel, greeting.len()).await;
        assert_eq!(show(&heard.out), show(&greeting));
        let to_prompt = started.elapsed();
        let started = Instant::now();
        channel.data(&b"show running-config\n"[..]).await.unwrap();
        let heard = hear_bytes(&mut channel, reply.len()).await;
        assert_eq!(
            show(&heard.out),
            show(&reply),
            "{name}: the bytes are the recording's"
        );
        (to_prompt, started.elapsed())
    };
    let (prompt, answer) = timed("slow").await;
    assert!(
        prompt >= Duration::from_millis(400),
        "login delay: {prompt:?}"
    );
    assert!(answer >= Duration::from_millis(250), "latency: {answer:?}");
    let (_, answer) = timed("narrow").await;
    let floor = Duration::from_secs_f64(reply.len() as f64 / 2000.0 * 0.9);
    assert!(
        answer >= floor,
        "bandwidth: {answer:?} for {} bytes",
        reply.len()
    );
    // A device with no pace of its own answers at once (well under any
    // of the waits above).
    let (prompt, answer) = timed("quick").await;
    assert!(prompt < Duration::from_millis(400) && answer < Duration::from_millis(250));
}
