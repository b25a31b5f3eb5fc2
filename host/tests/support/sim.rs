//! `netraven-sim` as a child process: started with some arguments, ready
//! once it has written its inventory, killed on drop (and it exits by
//! itself when the test process dies, as its stdin closes).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use netraven::inventory::{self, Device};

pub struct Sim {
    child: Child,
    pub inventory: PathBuf,
    _dir: tempfile::TempDir,
}

impl Sim {
    pub fn start(args: &[&str]) -> Sim {
        let dir = tempfile::tempdir().expect("tempdir");
        let inventory = dir.path().join("lab.toml");
        let mut child = Command::new(env!("CARGO_BIN_EXE_netraven-sim"))
            .args(args)
            .arg("--inventory-out")
            .arg(&inventory)
            .arg("--exit-on-stdin-eof")
            .current_dir(super::root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start netraven-sim");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the simulator's ready line");
        assert!(line.starts_with("ready "), "netraven-sim said {line:?}");
        Sim {
            child,
            inventory,
            _dir: dir,
        }
    }

    pub fn devices(&self) -> Vec<Device> {
        inventory::load(&self.inventory).expect("the simulator's inventory")
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A device var, e.g. `sim_case` or `sim_fault`.
pub fn var<'a>(device: &'a Device, key: &str) -> Option<&'a str> {
    device
        .vars
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}
