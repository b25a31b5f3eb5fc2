//! `netraven driver test`: the SDK's corpus checks, run against wasm
//! drivers through the real sandbox, exactly as a job would run them.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use netraven_driver_sdk::harness::chaos::run_chaos;
use netraven_driver_sdk::harness::checks::{Case, Check, Failure, Run, Target, discover, run_case};
use netraven_driver_sdk::harness::replay::ReplaySession;
use netraven_driver_sdk::{Device, DriverInfo};
use tokio::runtime::Handle;

use crate::instance::{DriverInstance, NoDevice};
use crate::{Catalog, LoadedDriver, Runtime};

/// A loaded wasm driver seen through the SDK's [`Target`] trait. Each call
/// gets a fresh instance, as each device does in a job.
struct WasmTarget<'a> {
    runtime: &'a Runtime,
    driver: &'a LoadedDriver,
    handle: Handle,
}

impl WasmTarget<'_> {
    fn instance(
        &self,
        session: Box<dyn netraven_driver_sdk::Session + Send>,
        device: &str,
    ) -> Result<DriverInstance, String> {
        self.handle
            .block_on(DriverInstance::new(
                self.runtime,
                self.driver,
                session,
                device,
            ))
            .map_err(|e| e.to_string())
    }
}

impl Target for WasmTarget<'_> {
    fn info(&mut self) -> Result<DriverInfo, String> {
        Ok(self.driver.info.clone())
    }

    fn run(&mut self, session: ReplaySession, device: &Device) -> Run {
        let mut instance = match self.instance(Box::new(session), &device.name) {
            Ok(i) => i,
            Err(message) => {
                return Run {
                    backup: Err(Failure {
                        class: "driver_trap".to_string(),
                        message,
                    }),
                    logs: Vec::new(),
                };
            }
        };
        let backup = self
            .handle
            .block_on(instance.backup(device))
            .map_err(|e| Failure {
                class: e.class.to_string(),
                message: e.to_string(),
            });
        Run {
            backup,
            logs: instance.logs().to_vec(),
        }
    }

    fn redact(&mut self, config: &str) -> Result<String, String> {
        let mut instance = self.instance(Box::new(NoDevice), "redact")?;
        self.handle
            .block_on(instance.redact(config))
            .map_err(|e| e.to_string())
    }

    fn significant(&mut self, config: &str) -> Result<String, String> {
        let mut instance = self.instance(Box::new(NoDevice), "significant")?;
        self.handle
            .block_on(instance.significant(config))
            .map_err(|e| e.to_string())
    }
}

/// What a harness run found.
#[derive(Debug, Default)]
pub struct Report {
    pub checks: Vec<Check>,
    /// Models with corpus cases but no loaded driver.
    pub skipped_models: BTreeSet<String>,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.checks.iter().filter(|c| c.passed()).count()
    }

    pub fn failed(&self) -> usize {
        self.checks.len() - self.passed()
    }
}

/// Which checks a harness run makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checks {
    /// The corpus checks: output, secrets, prompts, significant, replay.
    Corpus,
    /// The chaos replay (the 50 MB configuration once per driver).
    Chaos,
}

/// Run `cases` against the drivers of `catalog`, printing a line per check
/// to `out` as it completes. Must run outside the async runtime's threads.
#[allow(clippy::too_many_arguments)]
pub fn run_cases(
    runtime: &Arc<Runtime>,
    catalog: &Catalog,
    cases: &[Case],
    forced: Option<&LoadedDriver>,
    checks: Checks,
    verbose: bool,
    handle: Handle,
    out: &mut dyn Write,
) -> Report {
    let mut report = Report::default();
    let mut huge_done = BTreeSet::new();
    for case in cases {
        let driver = match forced {
            Some(d) => d,
            None => match catalog.for_model(&case.model) {
                Some(d) => d,
                None => {
                    report.skipped_models.insert(case.model.clone());
                    continue;
                }
            },
        };
        let mut target = WasmTarget {
            runtime,
            driver,
            handle: handle.clone(),
        };
        let made = match checks {
            Checks::Corpus => run_case(&mut target, case),
            Checks::Chaos => {
                let huge = huge_done.insert(driver.info.name.clone());
                // The changes make drivers warn (a command left out, say) on
                // purpose: the checks judge those logs; they are no news.
                let quiet = tracing::subscriber::NoSubscriber::default();
                tracing::subscriber::with_default(quiet, || run_chaos(&mut target, case, huge))
            }
        };
        for check in made {
            // A broken pipe (e.g. `| head`) must not stop the checks.
            let _ = match &check.outcome {
                Ok(()) => writeln!(out, "ok   {} {}", check.case, check.label()),
                Err(e) if verbose => writeln!(out, "FAIL {} {}: {e}", check.case, check.label()),
                Err(e) => {
                    let mut lines = e.lines();
                    let first = lines.next().unwrap_or_default();
                    let rest: Vec<&str> = lines.take(40).collect();
                    writeln!(out, "FAIL {} {}: {first}", check.case, check.label()).and_then(|_| {
                        if rest.is_empty() {
                            Ok(())
                        } else {
                            writeln!(out, "{}", rest.join("\n"))
                        }
                    })
                }
            };
            report.checks.push(check);
        }
    }
    report
}

/// The cases of a corpus directory.
pub fn corpus_cases(dir: &Path) -> Result<Vec<Case>, String> {
    discover(dir)
}
