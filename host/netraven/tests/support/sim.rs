//! `netraven-sim` as a child process: started with some arguments, ready
//! once it has written its inventory, killed on drop (and it exits by
//! itself when the test process dies, as its stdin closes).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};

use netraven_inventory::{self as inventory, Device};

pub struct Sim {
    pub child: Child,
    /// Dropping it (end of file) stops the simulator.
    pub stdin: Option<ChildStdin>,
    pub inventory: PathBuf,
    /// The `ready <N> devices` line.
    pub ready: String,
    _dir: tempfile::TempDir,
}

impl Sim {
    pub fn start(args: &[&str]) -> Sim {
        Sim::start_in(tempfile::tempdir().expect("tempdir"), args)
    }

    /// [`Sim::start`] keeping its files (inventory, log) in `dir`. The
    /// simulator's log goes to a file, not a pipe nobody reads, so it can
    /// never block on it; a start that fails shows the log.
    pub fn start_in(dir: tempfile::TempDir, args: &[&str]) -> Sim {
        Sim::start_via(dir, &[], args)
    }

    /// [`Sim::start_in`] run through `wrapper` (`["ip", "netns", "exec",
    /// NAME]`: the devices listen in that network namespace).
    pub fn start_via(dir: tempfile::TempDir, wrapper: &[&str], args: &[&str]) -> Sim {
        let inventory = dir.path().join("lab.toml");
        let log = dir.path().join("sim.log");
        let program = env!("CARGO_BIN_EXE_netraven-sim");
        let mut command = match wrapper.split_first() {
            Some((first, rest)) => {
                let mut command = Command::new(first);
                command.args(rest).arg(program);
                command
            }
            None => Command::new(program),
        };
        let mut child = command
            .args(args)
            .arg("--inventory-out")
            .arg(&inventory)
            .arg("--exit-on-stdin-eof")
            .current_dir(super::root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("simulator log"))
            .spawn()
            .expect("start netraven-sim");
        let mut ready = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut ready)
            .expect("read the simulator's ready line");
        if !ready.starts_with("ready ") {
            let _ = child.wait();
            panic!(
                "netraven-sim did not get ready: {ready:?}\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        Sim {
            stdin: child.stdin.take(),
            child,
            inventory,
            ready,
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
