//! `netraven driver test`: the SDK's corpus checks, run against wasm
//! drivers through the real sandbox, exactly as a job would run them.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use netraven_driver_sdk::harness::checks::{Case, Check, Target, discover, run_case};
use netraven_driver_sdk::harness::replay::ReplaySession;
use netraven_driver_sdk::{Backup, Device, DriverInfo};
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

    fn backup(&mut self, session: ReplaySession, device: &Device) -> Result<Backup, String> {
        let mut instance = self.instance(Box::new(session), &device.name)?;
        self.handle
            .block_on(instance.backup(device))
            .map_err(|e| e.to_string())
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

/// Run `cases` against the drivers of `catalog`, printing a line per check
/// to `out` as it completes. Must run outside the async runtime's threads.
pub fn run_cases(
    runtime: &Arc<Runtime>,
    catalog: &Catalog,
    cases: &[Case],
    forced: Option<&LoadedDriver>,
    verbose: bool,
    handle: Handle,
    out: &mut dyn Write,
) -> Report {
    let mut report = Report::default();
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
        for check in run_case(&mut target, case) {
            // A broken pipe (e.g. `| head`) must not stop the checks.
            let _ = match &check.outcome {
                Ok(()) => writeln!(out, "ok   {} {}", check.case, check.kind),
                Err(e) if verbose => writeln!(out, "FAIL {} {}: {e}", check.case, check.kind),
                Err(e) => {
                    let mut lines = e.lines();
                    let first = lines.next().unwrap_or_default();
                    let rest: Vec<&str> = lines.take(40).collect();
                    writeln!(out, "FAIL {} {}: {first}", check.case, check.kind).and_then(|_| {
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
