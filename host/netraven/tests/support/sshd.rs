//! OpenSSH's sshd as a real peer: started per test on a free loopback port
//! with its own host keys, client keys and settings, stopped on drop.
//!
//! Needs `openssh-server` (installed by tests/run) and root, because sshd
//! authenticates a real local user. The user `netraven-test` is created on
//! first use with a throwaway password.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const USER: &str = "netraven-test";
pub const PASSWORD: &str = "nr-Test-pw-7";
const SSHD: &str = "/usr/sbin/sshd";

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn ensure_user() {
    static READY: OnceLock<()> = OnceLock::new();
    READY.get_or_init(|| {
        assert!(
            Path::new(SSHD).exists(),
            "{SSHD} is missing: install openssh-server, or run the tests with tests/run, which does"
        );
        let exists = Command::new("id")
            .arg(USER)
            .output()
            .is_ok_and(|o| o.status.success());
        if !exists {
            run(Command::new("useradd").args(["-m", "-s", "/bin/bash", USER]));
        }
        let mut child = Command::new("chpasswd")
            .stdin(Stdio::piped())
            .spawn()
            .expect("chpasswd (the sshd tests run as root)");
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(format!("{USER}:{PASSWORD}\n").as_bytes())
            .expect("chpasswd input");
        assert!(child.wait().expect("chpasswd").success(), "chpasswd failed");
        std::fs::create_dir_all("/run/sshd").expect("/run/sshd");
    });
}

pub fn keygen(path: &Path, kind: &str, bits: Option<u32>) {
    let mut cmd = Command::new("ssh-keygen");
    cmd.args(["-q", "-t", kind, "-N", "", "-f"]).arg(path);
    if let Some(bits) = bits {
        cmd.args(["-b", &bits.to_string()]);
    }
    run(&mut cmd);
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

pub struct Sshd {
    child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Sshd {
    /// Start sshd with `extra` lines and the common settings after them
    /// (sshd takes the first value of a keyword, so `extra` wins).
    /// `host_key` is "ed25519", "rsa" (2048 bits), "rsa1024" or "dsa".
    pub fn start(host_key: &str, extra: &str) -> Sshd {
        Sshd::start_on(free_port(), host_key, extra)
    }

    /// [`Sshd::start`] on a given port (a "replaced device").
    pub fn start_on(port: u16, host_key: &str, extra: &str) -> Sshd {
        ensure_user();
        let dir = tempfile::tempdir().expect("tempdir");
        let key = dir.path().join(format!("host_{host_key}"));
        match host_key {
            "rsa" => keygen(&key, "rsa", Some(2048)),
            "rsa1024" => keygen(&key, "rsa", Some(1024)),
            kind => keygen(&key, kind, None),
        }
        let mut authorized = String::new();
        for (kind, bits) in [("ed25519", None), ("ecdsa", Some(256)), ("rsa", Some(3072))] {
            let id = dir.path().join(format!("id_{kind}"));
            keygen(&id, kind, bits);
            authorized.push_str(&std::fs::read_to_string(id.with_extension("pub")).expect("pub"));
        }
        std::fs::write(dir.path().join("authorized_keys"), authorized).expect("authorized_keys");
        let config = format!(
            "{extra}\nPort {port}\nListenAddress 127.0.0.1\nHostKey {key}\nPidFile none\nStrictModes no\n\
             AuthorizedKeysFile {dir}/authorized_keys\nAllowUsers {USER}\nUseDNS no\nPrintMotd no\n\
             PrintLastLog no\nLogLevel VERBOSE\nMaxStartups 100\n",
            key = key.display(),
            dir = dir.path().display(),
        );
        let config_file = dir.path().join("sshd_config");
        std::fs::write(&config_file, config).expect("sshd_config");
        let log = std::fs::File::create(dir.path().join("sshd.log")).expect("log");
        let child = Command::new(SSHD)
            .arg("-D")
            .arg("-e")
            .arg("-f")
            .arg(&config_file)
            .stderr(log)
            .spawn()
            .expect("start sshd");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "sshd did not listen on {port}: {}",
                std::fs::read_to_string(dir.path().join("sshd.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Sshd { child, port, dir }
    }

    pub fn client_key(&self, kind: &str) -> PathBuf {
        self.dir.path().join(format!("id_{kind}"))
    }

    pub fn host_key_line(&self) -> String {
        let entries = std::fs::read_dir(self.dir.path()).expect("dir");
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("host_") && name.ends_with(".pub") {
                let text = std::fs::read_to_string(e.path()).expect("host key");
                return text
                    .split_whitespace()
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" ");
            }
        }
        panic!("no host key")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sshd.log")).unwrap_or_default()
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
