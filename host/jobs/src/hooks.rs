//! Hooks: commands run when a device's configuration changes, when a device
//! fails, and when a job finishes (`[[hooks]]` in the settings).
//!
//! A hook gets its event as one JSON object on stdin, and nothing from a
//! device on its command line: the command is an argument list run without
//! a shell, so a device named `$(touch /tmp/x)` is only ever data. Each run
//! has a timeout, after which the process is killed. A hook never fails or
//! holds up a job: hooks run beside the devices, a few at a time, and what
//! goes wrong (cannot start, non-zero exit, timeout) becomes a job-log
//! warning. A job waits for its hooks (each at most its timeout) before the
//! process ends, so none is cut short.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use tokio::sync::{Semaphore, mpsc};

use netraven_store::{LogRow, Write, now_ms};

use crate::writers::Msg;

/// Hook processes running at once, per job.
const AT_ONCE: usize = 4;

/// Hook runs waiting for their turn, per job. Past it (10,000 devices
/// failing at once) further runs are dropped and counted in the job log,
/// so that the job's end does not wait for hours of hooks.
const MOST_WAITING: usize = 256;

/// The environment a hook gets: what programs need to run, never
/// NetRaven's own (its secret key, database URL, device passwords).
const PASSED_ENV: &[&str] = &[
    "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR",
];

/// One `[[hooks]]` table.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HookConfig {
    /// Shown in the job log; the command's first word by default.
    #[serde(default)]
    pub name: Option<String>,
    /// Which events run it: `device_changed`, `device_failed`, `job_finished`.
    pub events: Vec<HookEvent>,
    /// The program and its arguments, run without a shell.
    pub command: Vec<String>,
    /// Seconds before the process is killed.
    #[serde(default = "default_timeout")]
    pub timeout_secs: f64,
}

fn default_timeout() -> f64 {
    10.0
}

impl HookConfig {
    /// The name the job log uses.
    pub fn label(&self) -> &str {
        self.name
            .as_deref()
            .or(self.command.first().map(String::as_str))
            .unwrap_or("hook")
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum HookEvent {
    /// A device's configuration was committed to the archive.
    DeviceChanged,
    /// A device failed (after its retries).
    DeviceFailed,
    /// A job ended.
    JobFinished,
}

impl HookEvent {
    /// The name settings, the JSON and `NETRAVEN_EVENT` use.
    pub fn name(self) -> &'static str {
        match self {
            HookEvent::DeviceChanged => "device_changed",
            HookEvent::DeviceFailed => "device_failed",
            HookEvent::JobFinished => "job_finished",
        }
    }
}

/// What a hook reads on stdin. Device events fill the device fields, the
/// job event the counts.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub event: HookEvent,
    pub job: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The error class of a failure, e.g. `auth_failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// The failure's message, redacted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The archive commit holding the change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// For `job_finished`: `succeeded`, `partial` or `failed`, and counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub devices: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub succeeded: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<usize>,
}

impl Event {
    /// `job_finished` for a job that ran to its end.
    pub(crate) fn job_finished(summary: &crate::Summary) -> Event {
        Event {
            status: Some(summary.status.clone()),
            devices: Some(summary.devices),
            succeeded: Some(summary.succeeded),
            failed: Some(summary.failed),
            changed: Some(summary.changed),
            ..Event::new(HookEvent::JobFinished, summary.job)
        }
    }

    /// `event` of `job`, every other field empty.
    pub fn new(event: HookEvent, job: i64) -> Event {
        Event {
            event,
            job,
            device: None,
            group: None,
            model: None,
            class: None,
            message: None,
            commit: None,
            status: None,
            devices: None,
            succeeded: None,
            failed: None,
            changed: None,
        }
    }
}

/// Where a job sends its events; cheap to clone, usable from any thread.
#[derive(Clone)]
pub(crate) struct Hooks(Option<mpsc::UnboundedSender<Event>>);

impl Hooks {
    pub(crate) fn send(&self, event: Event) {
        if let Some(tx) = &self.0 {
            let _ = tx.send(event);
        }
    }
}

/// A job's hook dispatcher (or a worker's, for every job it works on:
/// each warning goes to its event's job).
pub(crate) struct HookRunner {
    hooks: Hooks,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl HookRunner {
    /// Start dispatching `hooks` for `job`; failures are logged through
    /// `writer`. With no hooks nothing runs and events are dropped.
    pub(crate) fn start(
        hooks: &[HookConfig],
        job: i64,
        writer: mpsc::UnboundedSender<Msg>,
    ) -> Self {
        if hooks.is_empty() {
            return Self {
                hooks: Hooks(None),
                task: None,
            };
        }
        let hooks: Arc<[HookConfig]> = hooks.into();
        let (tx, mut rx) = mpsc::unbounded_channel::<Event>();
        let task = tokio::spawn(async move {
            let gate = Arc::new(Semaphore::new(AT_ONCE));
            let mut running = tokio::task::JoinSet::new();
            let mut dropped = 0usize;
            while let Some(event) = rx.recv().await {
                let json = match serde_json::to_vec(&event) {
                    Ok(mut json) => {
                        json.push(b'\n');
                        Arc::new(json)
                    }
                    Err(_) => continue,
                };
                // Reap what has ended, so a long job does not pile them up.
                while running.try_join_next().is_some() {}
                for hook in hooks.iter().filter(|h| h.events.contains(&event.event)) {
                    if running.len() >= MOST_WAITING + AT_ONCE {
                        dropped += 1;
                        continue;
                    }
                    let (hook, json, gate, writer) =
                        (hook.clone(), json.clone(), gate.clone(), writer.clone());
                    let device = event.device.clone();
                    let name = event.event.name();
                    // A worker's runner serves many jobs: warn in the
                    // event's own.
                    let job = event.job;
                    running.spawn(async move {
                        let _turn = gate.acquire_owned().await;
                        if let Err(problem) = run(&hook, name, &json).await {
                            let message = format!("hook {:?} ({name}): {problem}", hook.label());
                            tracing::warn!("{message}");
                            let _ = writer.send(Msg::Row(Write::Log(LogRow {
                                job_id: job,
                                device,
                                level: "warn".into(),
                                message,
                                at: now_ms(),
                            })));
                        }
                    });
                }
            }
            if dropped > 0 {
                let message = format!(
                    "hooks: {dropped} run(s) dropped: more than {MOST_WAITING} were waiting for their turn"
                );
                tracing::warn!("{message}");
                let _ = writer.send(Msg::Row(Write::Log(LogRow {
                    job_id: job,
                    device: None,
                    level: "warn".into(),
                    message,
                    at: now_ms(),
                })));
            }
            while running.join_next().await.is_some() {}
        });
        Self {
            hooks: Hooks(Some(tx)),
            task: Some(task),
        }
    }

    pub(crate) fn hooks(&self) -> Hooks {
        self.hooks.clone()
    }

    /// No more events: wait for the hooks still running (each at most its
    /// timeout).
    pub(crate) async fn finish(mut self) {
        self.hooks.0 = None;
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

/// Run one hook with `json` on stdin; what went wrong, if anything.
async fn run(hook: &HookConfig, event: &str, json: &[u8]) -> Result<(), String> {
    let (program, args) = hook
        .command
        .split_first()
        .ok_or_else(|| "no command".to_string())?;
    let mut command = tokio::process::Command::new(program);
    command.args(args).env_clear();
    for name in PASSED_ENV {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    let mut child = command
        .env("NETRAVEN_EVENT", event)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot run {program:?}: {e}"))?;
    let timeout = Duration::from_secs_f64(hook.timeout_secs);
    let finished = tokio::time::timeout(timeout, async {
        if let Some(mut stdin) = child.stdin.take() {
            // A hook that does not read its event is its own business.
            let _ = stdin.write_all(json).await;
        }
        child.wait_with_output().await
    })
    .await;
    match finished {
        // Timed out: dropping the child killed it.
        Err(_) => Err(format!("no answer in {} s: killed", hook.timeout_secs)),
        Ok(Err(e)) => Err(format!("waiting for {program:?}: {e}")),
        Ok(Ok(out)) if out.status.success() => Ok(()),
        Ok(Ok(out)) => {
            let said = String::from_utf8_lossy(&out.stderr);
            let said = said
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .trim();
            let said: String = said.chars().take(200).collect();
            let code = out
                .status
                .code()
                .map_or_else(|| "a signal".to_string(), |c| c.to_string());
            Err(if said.is_empty() {
                format!("exited with {code}")
            } else {
                format!("exited with {code}: {said}")
            })
        }
    }
}
