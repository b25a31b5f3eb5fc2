//! Backing up many devices: connect, run the driver, close, for each
//! device, with bounded concurrency and one deadline per device. This is the
//! path `netraven backup --inventory` takes and what jobs build on.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use netraven_driver_sdk::{Backup, Level};

use crate::event_loop::{Ramp, spawn_device};

use netraven_driver_sdk::{DriverInfo, Mode};
use netraven_inventory::Device;
use netraven_sandbox::{Catalog, DriverInstance, Link, LoadedDriver, NoDevice, Runtime};
use netraven_session::{DeviceFailure, DeviceSession, ErrorClass, Recorder};
use netraven_transport::Transport;
use netraven_transport::ssh::{self, HostKeyStore, SshSession};
use netraven_transport::telnet::{Login, TelnetSession};

/// How one device ended.
#[derive(Debug)]
pub struct DeviceResult {
    pub name: String,
    pub group: String,
    pub model: String,
    pub outcome: Result<Backup, DeviceFailure>,
    pub duration: Duration,
}

pub struct Fleet {
    pub runtime: Arc<Runtime>,
    pub catalog: Arc<Catalog>,
    pub host_keys: Arc<dyn HostKeyStore>,
    /// Apply the driver's `redact` to each config before handing it back.
    pub redact: bool,
}

/// What to do on a device beyond the backup.
#[derive(Debug, Clone, Default)]
pub(crate) struct Work {
    /// Run these commands through the driver's `run` instead of a backup.
    pub commands: Option<Vec<String>>,
    /// Keep a transcript of the session, redacted by the driver.
    pub transcript: bool,
}

/// What one attempt on one device gave.
#[derive(Debug)]
pub(crate) struct DeviceRun {
    /// The backup (config redacted by the driver when the fleet redacts),
    /// or for commands a backup whose config is the joined outputs.
    pub outcome: Result<Backup, DeviceFailure>,
    /// The session transcript after the driver's `redact`.
    pub transcript: Option<String>,
    /// What the driver logged at warning level and above (an optional
    /// command left out, say), for the job log.
    pub notes: Vec<(Level, String)>,
}

impl Fleet {
    /// Back up one device within the runtime's device deadline.
    pub async fn backup(&self, device: &Device) -> Result<Backup, DeviceFailure> {
        self.backup_recorded(device, false).await.0
    }

    /// [`Fleet::backup`], also returning the raw session recording when
    /// `record` is set (`netraven driver record`).
    pub async fn backup_recorded(
        &self,
        device: &Device,
        record: bool,
    ) -> (Result<Backup, DeviceFailure>, Option<Recorder>) {
        let mut recording = None;
        let work = Work::default();
        let result = self
            .run_device(device, &work, record, &mut recording)
            .await
            .map(|run| run.outcome)
            .and_then(|r| r);
        (result, recording)
    }

    /// One attempt at `work` on `device`. A failure before the driver runs
    /// (connect, auth) is the outer error.
    pub(crate) async fn run(&self, device: &Device, work: &Work) -> DeviceRun {
        let mut recording = None;
        match self
            .run_device(device, work, work.transcript, &mut recording)
            .await
        {
            Ok(run) => run,
            Err(failure) => DeviceRun {
                outcome: Err(failure),
                transcript: None,
                notes: Vec::new(),
            },
        }
    }

    async fn run_device(
        &self,
        device: &Device,
        work: &Work,
        record: bool,
        recording: &mut Option<Recorder>,
    ) -> Result<DeviceRun, DeviceFailure> {
        let driver = self.catalog.for_model(&device.model).ok_or_else(|| {
            // Why not, with the closest models (or the SSH type of a
            // Netmiko telnet type).
            let why = self
                .catalog
                .canonical_model(&device.model)
                .err()
                .map_or_else(
                    || "no loaded driver handles it".to_string(),
                    |e| e.to_string(),
                );
            DeviceFailure::new(
                ErrorClass::NoDriver,
                format!("model {:?}: {why}", device.model),
            )
        })?;
        let budget = self.runtime.config.deadline();
        let deadline = Instant::now() + budget;
        let mut transport_notes = Vec::new();
        let session = self
            .open_session(device, driver, record, deadline, &mut transport_notes)
            .await?;
        let remaining = deadline.saturating_duration_since(Instant::now());
        let mut instance =
            DriverInstance::with_budget(&self.runtime, driver, session, &device.name, remaining)
                .await?;
        let mut result = match &work.commands {
            None => instance.backup(&device.for_driver()).await,
            Some(commands) => instance
                .run(&device.for_driver(), commands)
                .await
                .map(|outputs| {
                    let mut text = String::new();
                    for o in outputs {
                        text.push_str(&format!("### {}\n{}", o.command, o.output));
                        if !text.ends_with('\n') {
                            text.push('\n');
                        }
                    }
                    Backup::config(text)
                }),
        };
        if self.redact
            && let Ok(backup) = &mut result
        {
            match instance.redact(&backup.config).await {
                Ok(config) => backup.config = config,
                Err(failure) => result = Err(failure),
            }
        }
        // The recording is redacted by the instance that made it: no second
        // instance per device.
        let mut transcript = None;
        if let Link::Device(session) = instance.link_mut() {
            *recording = session.take_recording();
        }
        if work.transcript
            && let Some(rec) = recording.as_ref()
        {
            transcript = Some(match instance.redact(&rec.to_text()).await {
                Ok(text) => text,
                Err(failure) => format!(
                    "(transcript withheld: the driver's redact failed: {})",
                    failure.class
                ),
            });
        }
        let mut notes = transport_notes;
        notes.extend(
            instance
                .logs()
                .iter()
                .filter(|(level, _)| *level >= Level::Warn)
                .cloned(),
        );
        if let Link::Device(session) = instance.into_link() {
            session.close().await;
        }
        Ok(DeviceRun {
            outcome: result,
            transcript,
            notes,
        })
    }

    /// A session with `device` by the first of its transports that
    /// connects: the next is tried when one is refused, times out, or (SSH)
    /// cannot agree on algorithms, never after a refused login or a changed
    /// host key. What happened goes to `notes` for the job log, with a
    /// warning when the login crossed the network in clear.
    async fn open_session(
        &self,
        device: &Device,
        driver: &LoadedDriver,
        record: bool,
        deadline: Instant,
        notes: &mut Vec<(Level, String)>,
    ) -> Result<Box<dyn DeviceSession>, DeviceFailure> {
        let target = &device.target;
        let transports = &target.transports;
        let mut tried: Vec<String> = Vec::new();
        for (i, &transport) in transports.iter().enumerate() {
            let attempt = match transport {
                Transport::Ssh => self.open_ssh(device, &driver.info, record, deadline).await,
                Transport::Telnet => {
                    open_telnet(self.host_keys.clone(), device, driver, record, deadline).await
                }
            };
            match (attempt, transports.get(i + 1)) {
                (Ok(session), _) => {
                    if transport == Transport::Telnet {
                        notes.push((
                            Level::Warn,
                            format!(
                                "telnet to {}:{}: the login crossed the network in clear, unencrypted",
                                target.address, target.telnet_port
                            ),
                        ));
                    }
                    return Ok(session);
                }
                (Err(failure), Some(next)) if falls_back(failure.class) => {
                    notes.push((
                        Level::Warn,
                        format!("{transport} failed ({failure}); trying {next}"),
                    ));
                    tried.push(format!("{transport}: {}", failure.class));
                }
                (Err(mut failure), _) => {
                    if !tried.is_empty() {
                        failure.message = format!(
                            "{transport}: {} (after {})",
                            failure.message,
                            tried.join(", ")
                        );
                    }
                    return Err(failure);
                }
            }
        }
        Err(DeviceFailure::new(
            ErrorClass::InvalidDevice,
            format!("device {:?}: no transport to connect by", device.name),
        ))
    }

    async fn open_ssh(
        &self,
        device: &Device,
        info: &DriverInfo,
        record: bool,
        deadline: Instant,
    ) -> Result<Box<dyn DeviceSession>, DeviceFailure> {
        let conn = ssh::connect(&device.target, self.host_keys.clone(), deadline).await?;
        let mut session = SshSession::open(
            conn,
            info.mode,
            &info.prompt,
            device.target.password.clone(),
            device.target.enable.clone(),
            device.target.read_timeout,
            deadline,
        )
        .await?;
        if record {
            session.record();
        }
        Ok(Box::new(session))
    }

    /// The driver's `significant` view of `text`, in an instance with no
    /// session (the archive asks for it of the stored config).
    pub(crate) async fn significant_text(
        &self,
        model: &str,
        device: &str,
        text: &str,
    ) -> Option<String> {
        self.offline(model, device, async |i| i.significant(text).await)
            .await
            .ok()
    }

    async fn offline<T>(
        &self,
        model: &str,
        device: &str,
        call: impl AsyncFnOnce(&mut DriverInstance) -> Result<T, DeviceFailure>,
    ) -> Result<T, DeviceFailure> {
        let driver = self.catalog.for_model(model).ok_or_else(|| {
            DeviceFailure::new(ErrorClass::NoDriver, format!("no driver for {model:?}"))
        })?;
        let mut instance =
            DriverInstance::new(&self.runtime, driver, Box::new(NoDevice), device).await?;
        call(&mut instance).await
    }

    /// Back up `devices`, at most `concurrency` at a time; `done` sees each
    /// result as it lands (for progress). Results come back in input order.
    pub async fn backup_all(
        self: &Arc<Self>,
        devices: Vec<Device>,
        concurrency: usize,
        mut done: impl FnMut(&DeviceResult),
    ) -> Vec<DeviceResult> {
        // At most `concurrency` tasks exist at once: a device not started
        // yet costs nothing but its entry in `devices` (10,000 waiting
        // tasks would hold 10,000 futures).
        let concurrency = concurrency.max(1);
        let mut tasks = tokio::task::JoinSet::new();
        let count = devices.len();
        let mut waiting = devices.into_iter().enumerate();
        let mut results: Vec<Option<DeviceResult>> = (0..count).map(|_| None).collect();
        let mut ramp = Ramp::new(concurrency);
        loop {
            while tasks.len() < concurrency {
                let Some((index, device)) = waiting.next() else {
                    break;
                };
                ramp.next().await;
                let fleet = self.clone();
                spawn_device(&mut tasks, async move {
                    let started = Instant::now();
                    let outcome = fleet.backup(&device).await;
                    let result = DeviceResult {
                        name: device.name,
                        group: device.group,
                        model: device.model,
                        outcome,
                        duration: started.elapsed(),
                    };
                    (index, result)
                });
            }
            let Some(joined) = tasks.join_next().await else {
                break;
            };
            match joined {
                Ok((index, result)) => {
                    done(&result);
                    results[index] = Some(result);
                }
                Err(e) => tracing::error!("a device task failed: {e}"),
            }
        }
        results.into_iter().flatten().collect()
    }
}

/// Write a config as `<dir>/<group>/<name>`, atomically: a crash leaves
/// the old file or the new one, never half of one.
pub fn write_config(dir: &Path, group: &str, name: &str, config: &str) -> std::io::Result<()> {
    // The archive's rule, so a file here and in git have the same name.
    let safe = netraven_archive::path_part;
    let folder = dir.join(safe(group));
    std::fs::create_dir_all(&folder)?;
    crate::files::replace(&folder.join(safe(name)), config.as_bytes())
}

/// Whether a failed connection lets the next transport be tried: the
/// device did not take the connection or could not speak it. A refused
/// login or a changed host key is an answer, and stops there.
fn falls_back(class: ErrorClass) -> bool {
    matches!(
        class,
        ErrorClass::ConnectionRefused | ErrorClass::ConnectTimeout | ErrorClass::NegotiationFailed
    )
}

/// A telnet session with `device`, logged in, at its prompt.
async fn open_telnet(
    host_keys: Arc<dyn HostKeyStore>,
    device: &Device,
    driver: &LoadedDriver,
    record: bool,
    deadline: Instant,
) -> Result<Box<dyn DeviceSession>, DeviceFailure> {
    let info = &driver.info;
    if info.mode == Mode::Exec {
        return Err(DeviceFailure::new(
            ErrorClass::InvalidDevice,
            format!(
                "device {:?}: driver {:?} runs each command on its own SSH channel; telnet cannot carry it",
                device.name, info.name
            ),
        ));
    }
    let mut session = TelnetSession::open(
        Login {
            target: &device.target,
            prompts: &driver.login,
            prompt: &info.prompt,
        },
        host_keys,
        deadline,
    )
    .await?;
    if record {
        session.record();
    }
    Ok(Box::new(session))
}
