//! The corpus checks. A case is the set of files `<model>#<description>#*`;
//! each file that exists adds one check:
//!
//! | file | check |
//! |---|---|
//! | `#output.txt` | the backup is byte-identical (unified diff otherwise) |
//! | `#secret.yaml` | after `redact`, every `pass` matches and no `fail` appears |
//! | `#significant_changes.yaml` | the same, after `significant` |
//! | `#prompt.yaml` | `pass` strings match the prompt, `fail` strings don't, and a login on each `pass_with_expect` string reaches the prompt |
//! | `#custom_simulation.yaml` | replayed with the vars and secrets of `#vars.yaml`; the backup equals `#custom_output.txt` when there is one, else it must complete |
//!
//! Each replay also adds a `replay` check: the driver used the whole
//! recording (every step of a list, every key of a map, no input left half
//! typed), so a driver that skips a command or its logout fails.
//! `#vars.yaml` is NetRaven's addition to the format: the device vars and
//! the secrets a recording was made with (`vars:` and `secrets:` maps,
//! `secrets` holding `password` and `enable`), and `lenient_replay:`,
//! the reason a recording cannot be replayed whole, which turns the
//! `replay` check off for that case. Other recordings ran with no
//! credentials, so their secret prompts are answered with an empty line.
//!
//! A `fail` entry fails the check if it appears literally *or* matches as a
//! regex, so a secret that happens to contain `$` is never waved through.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use yaml_rust2::{Yaml, YamlLoader};

use super::engine::compile;
use super::replay::{LOGIN_PROBE_DONE, ReplaySession};
use super::transcript::Transcript;
use crate::driver::{Backup, Device, Driver, DriverError, DriverInfo};
use crate::session::{Level, SessionError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CheckKind {
    Output,
    Secret,
    Significant,
    Prompt,
    Custom,
    Replay,
    /// A recording replayed with a change real devices make (`chaos`).
    Chaos,
}

impl fmt::Display for CheckKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CheckKind::Output => "output",
            CheckKind::Secret => "secret",
            CheckKind::Significant => "significant",
            CheckKind::Prompt => "prompt",
            CheckKind::Custom => "custom",
            CheckKind::Replay => "replay",
            CheckKind::Chaos => "chaos",
        })
    }
}

/// The files of one corpus case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Case {
    pub model: String,
    pub description: String,
    pub simulation: Option<PathBuf>,
    pub output: Option<PathBuf>,
    pub secret: Option<PathBuf>,
    pub significant: Option<PathBuf>,
    pub prompt: Option<PathBuf>,
    pub custom_simulation: Option<PathBuf>,
    pub custom_output: Option<PathBuf>,
    pub vars: Option<PathBuf>,
}

impl Case {
    pub fn id(&self) -> String {
        format!("{}#{}", self.model, self.description)
    }

    /// The case a path names: any of its files, or `dir/model#description`.
    pub fn at(path: &Path) -> Result<Case, String> {
        let file = path
            .file_name()
            .and_then(|f| f.to_str())
            .ok_or_else(|| format!("{}: not a case path", path.display()))?;
        let mut parts = file.splitn(3, '#');
        let (Some(model), Some(description)) = (parts.next(), parts.next()) else {
            return Err(format!(
                "{}: a case file is named <model>#<description>#<kind>",
                path.display()
            ));
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        let wanted = format!("{model}#{description}");
        let case = discover(dir)?
            .into_iter()
            .find(|c| c.id() == wanted)
            .ok_or_else(|| format!("{}: no case files for {wanted}", dir.display()))?;
        Ok(case)
    }
}

/// Give each case without a `#vars.yaml` beside it the one in `vars_dir`,
/// if there is one (device vars are NetRaven's, kept apart from a corpus
/// copied from elsewhere).
pub fn attach_vars(cases: &mut [Case], vars_dir: &Path) {
    for case in cases.iter_mut().filter(|c| c.vars.is_none()) {
        let file = vars_dir.join(format!("{}#vars.yaml", case.id()));
        if file.is_file() {
            case.vars = Some(file);
        }
    }
}

/// The vars folder that sits beside a corpus folder (`<corpus>/../vars`).
pub fn sibling_vars_dir(corpus: &Path) -> PathBuf {
    corpus.parent().unwrap_or(Path::new(".")).join("vars")
}

/// Every case in `dir` that has something to check, sorted by model then
/// description.
pub fn discover(dir: &Path) -> Result<Vec<Case>, String> {
    Ok(discover_all(dir)?
        .into_iter()
        .filter(|c| c.has_checks())
        .collect())
}

/// Every case in `dir`, checks or not (a recording alone is a case the
/// simulator can serve), sorted by model then description.
pub fn discover_all(dir: &Path) -> Result<Vec<Case>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("{}: cannot list: {e}", dir.display()))?;
    let mut cases: BTreeMap<(String, String), Case> = BTreeMap::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("{}: cannot list: {e}", dir.display()))?
            .path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let parts: Vec<&str> = name.splitn(3, '#').collect();
        let [model, description, kind] = parts[..] else {
            continue;
        };
        let case = cases
            .entry((model.to_string(), description.to_string()))
            .or_insert_with(|| Case {
                model: model.to_string(),
                description: description.to_string(),
                ..Case::default()
            });
        let slot = match kind {
            "simulation.yaml" => &mut case.simulation,
            "output.txt" => &mut case.output,
            "secret.yaml" => &mut case.secret,
            "significant_changes.yaml" => &mut case.significant,
            "prompt.yaml" => &mut case.prompt,
            "custom_simulation.yaml" => &mut case.custom_simulation,
            "custom_output.txt" => &mut case.custom_output,
            "vars.yaml" => &mut case.vars,
            _ => continue,
        };
        *slot = Some(path);
    }
    Ok(cases.into_values().collect())
}

impl Case {
    fn has_checks(&self) -> bool {
        self.prompt.is_some()
            || self.custom_simulation.is_some()
            || (self.simulation.is_some()
                && (self.output.is_some() || self.secret.is_some() || self.significant.is_some()))
    }
}

/// The outcome of one check of one case.
#[derive(Debug, Clone)]
pub struct Check {
    pub case: String,
    pub kind: CheckKind,
    /// For a chaos check, the change made to the recording.
    pub change: Option<String>,
    pub outcome: Result<(), String>,
}

impl Check {
    pub fn passed(&self) -> bool {
        self.outcome.is_ok()
    }

    /// The kind, and for a chaos check its change: `chaos banner`.
    pub fn label(&self) -> String {
        match &self.change {
            Some(change) => format!("{} {change}", self.kind),
            None => self.kind.to_string(),
        }
    }
}

/// How a replayed backup failed: the class a job would report
/// (`command_rejected`, `prompt_timeout`, ...) and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub class: String,
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Failure {
    /// The class the host gives a driver's error.
    pub fn from_driver(e: &DriverError) -> Failure {
        let class = match e {
            DriverError::Session(SessionError::Timeout(_)) => "prompt_timeout",
            DriverError::Session(SessionError::Closed(_)) => "connection_closed",
            DriverError::Session(SessionError::Rejected(_)) => "command_rejected",
            DriverError::Session(_) | DriverError::Failed(_) => "driver_error",
        };
        Failure {
            class: class.to_string(),
            message: e.to_string(),
        }
    }
}

/// A replayed login, backup and logout: the backup, and what the driver
/// logged on the way.
#[derive(Debug)]
pub struct Run {
    pub backup: Result<Backup, Failure>,
    pub logs: Vec<(Level, String)>,
}

/// What the checks need from a driver: implemented natively for a
/// [`Driver`] type here, and over a wasm component by the host.
pub trait Target {
    fn info(&mut self) -> Result<DriverInfo, String>;
    /// Log in, back up and log out through `session`.
    fn run(&mut self, session: ReplaySession, device: &Device) -> Run;
    /// [`run`](Target::run), for the backup alone.
    fn backup(&mut self, session: ReplaySession, device: &Device) -> Result<Backup, String> {
        self.run(session, device).backup.map_err(|f| f.to_string())
    }
    fn redact(&mut self, config: &str) -> Result<String, String>;
    fn significant(&mut self, config: &str) -> Result<String, String>;
}

/// A [`Driver`] type run natively against replayed sessions.
pub struct NativeTarget<D>(PhantomData<D>);

impl<D> Default for NativeTarget<D> {
    fn default() -> Self {
        NativeTarget(PhantomData)
    }
}

impl<D: Driver> Target for NativeTarget<D> {
    fn info(&mut self) -> Result<DriverInfo, String> {
        Ok(D::info())
    }
    fn run(&mut self, mut session: ReplaySession, device: &Device) -> Run {
        let backup = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            D::login(&mut session, device)?;
            let backup = D::backup(&mut session, device)?;
            // As the SDK does on a device: a failed logout is no failed
            // backup (the replay check tells whether it was the recorded one).
            let _ = D::logout(&mut session, device);
            Ok(backup)
        }));
        let backup = match backup {
            Ok(result) => result.map_err(|e: DriverError| Failure::from_driver(&e)),
            Err(panic) => Err(Failure {
                class: "driver_error".to_string(),
                message: format!("the driver panicked: {}", panic_text(&*panic)),
            }),
        };
        Run {
            backup,
            logs: std::mem::take(&mut session.logs),
        }
    }
    fn redact(&mut self, config: &str) -> Result<String, String> {
        Ok(D::redact(config))
    }
    fn significant(&mut self, config: &str) -> Result<String, String> {
        Ok(D::significant(config))
    }
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string())
}

pub(crate) fn device_for(case: &Case) -> Device {
    Device {
        name: case.description.clone(),
        address: "replay".to_string(),
        model: case.model.clone(),
        vars: Vec::new(),
    }
}

/// Run every check the case has files for.
pub fn run_case(target: &mut dyn Target, case: &Case) -> Vec<Check> {
    let id = case.id();
    let check = |kind, outcome| Check {
        case: id.clone(),
        kind,
        change: None,
        outcome,
    };
    let mut checks = Vec::new();
    let info = match target.info() {
        Ok(info) => info,
        Err(e) => return vec![check(CheckKind::Output, Err(format!("driver info: {e}")))],
    };
    let device = device_for(case);

    if let Some(path) = &case.prompt {
        checks.push(check(
            CheckKind::Prompt,
            prompt_check(target, &info, &device, path),
        ));
    }
    if let Some(simulation) = &case.custom_simulation {
        match replay_recording(target, &info, case, simulation) {
            Err(e) => checks.push(check(CheckKind::Custom, Err(e))),
            Ok(replayed) => {
                let custom = match (&replayed.backup, &case.custom_output) {
                    (Err(e), _) => Err(format!("backup failed: {e}")),
                    (Ok(backup), Some(path)) => output_check(&backup.config, path),
                    (Ok(_), None) => Ok(()),
                };
                checks.push(check(CheckKind::Custom, custom));
                if let Some(replay) = replayed.replay {
                    checks.push(check(CheckKind::Replay, replay));
                }
            }
        }
    }
    let Some(simulation) = &case.simulation else {
        return checks;
    };
    let replayed = replay_recording(target, &info, case, simulation);
    let backup = match replayed {
        Ok(Replayed {
            backup: Ok(backup),
            replay,
        }) => {
            if let Some(replay) = replay {
                checks.push(check(CheckKind::Replay, replay));
            }
            backup
        }
        Ok(Replayed { backup: Err(e), .. }) | Err(e) => {
            let failed = format!("backup failed: {e}");
            for (kind, file) in [
                (CheckKind::Output, &case.output),
                (CheckKind::Secret, &case.secret),
                (CheckKind::Significant, &case.significant),
            ] {
                if file.is_some() {
                    checks.push(check(kind, Err(failed.clone())));
                }
            }
            return checks;
        }
    };
    if let Some(path) = &case.output {
        checks.push(check(CheckKind::Output, output_check(&backup.config, path)));
    }
    if let Some(path) = &case.secret {
        let outcome = target
            .redact(&backup.config)
            .and_then(|text| pass_fail_check(&text, path));
        checks.push(check(CheckKind::Secret, outcome));
    }
    if let Some(path) = &case.significant {
        let outcome = target
            .significant(&backup.config)
            .and_then(|text| pass_fail_check(&text, path));
        checks.push(check(CheckKind::Significant, outcome));
    }
    checks
}

/// Vars and secrets of a `#vars.yaml` file.
#[derive(Debug, Clone, Default)]
pub struct CaseVars {
    pub vars: Vec<(String, String)>,
    pub password: String,
    pub enable: String,
    /// Why the recording cannot be replayed whole, if it cannot.
    pub lenient_replay: Option<String>,
}

/// Read a `#vars.yaml` file; no file means no vars and empty secrets.
pub fn case_vars(path: Option<&Path>) -> Result<CaseVars, String> {
    let mut out = CaseVars::default();
    let Some(path) = path else {
        return Ok(out);
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let docs = YamlLoader::load_from_str(&text)
        .map_err(|e| format!("{}: invalid YAML: {e}", path.display()))?;
    let doc = docs.first().cloned().unwrap_or(Yaml::Null);
    let pairs = |key: &str| -> Result<Vec<(String, String)>, String> {
        match &doc[key] {
            Yaml::BadValue | Yaml::Null => Ok(Vec::new()),
            Yaml::Hash(map) => map
                .iter()
                .map(|(k, v)| match (k, v) {
                    (Yaml::String(k), Yaml::String(v)) => Ok((k.clone(), v.clone())),
                    _ => Err(format!(
                        "{}: {key}: keys and values must be strings",
                        path.display()
                    )),
                })
                .collect(),
            _ => Err(format!("{}: {key}: expected a map", path.display())),
        }
    };
    out.vars = pairs("vars")?;
    out.lenient_replay = match &doc["lenient_replay"] {
        Yaml::BadValue => None,
        Yaml::String(reason) if !reason.trim().is_empty() => Some(reason.clone()),
        _ => {
            return Err(format!(
                "{}: lenient_replay: give the reason the recording cannot be replayed whole",
                path.display()
            ));
        }
    };
    for (k, v) in pairs("secrets")? {
        match k.as_str() {
            "password" => out.password = v,
            "enable" => out.enable = v,
            other => {
                return Err(format!(
                    "{}: secrets: unknown secret {other:?} (password or enable)",
                    path.display()
                ));
            }
        }
    }
    Ok(out)
}

/// A recording replayed through a target.
struct Replayed {
    backup: Result<Backup, String>,
    /// The replay check, for a backup that ran to the end of a recording
    /// its case does not excuse (`lenient_replay`).
    replay: Option<Result<(), String>>,
}

/// Replay `simulation` with the vars and secrets of the case's
/// `#vars.yaml`. Oxidized recorded its corpus with no credentials
/// configured: without the file, a device that asks for a secret is
/// answered with an empty line. An error: the replay could not start.
fn replay_recording(
    target: &mut dyn Target,
    info: &DriverInfo,
    case: &Case,
    simulation: &Path,
) -> Result<Replayed, String> {
    let vars = case_vars(case.vars.as_deref())?;
    let device = Device {
        vars: vars.vars,
        ..device_for(case)
    };
    let transcript = Transcript::load(simulation).map_err(|e| e.to_string())?;
    let session = ReplaySession::new(transcript, info.mode, &info.prompt)
        .map_err(|e| e.to_string())?
        .with_secrets(&vars.password, &vars.enable);
    let recording = session.device();
    let backup = target.backup(session, &device);
    let replay = (backup.is_ok() && vars.lenient_replay.is_none()).then(|| recording.finish());
    Ok(Replayed { backup, replay })
}

fn output_check(actual: &str, path: &Path) -> Result<(), String> {
    let expected =
        std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    if expected == actual.as_bytes() {
        return Ok(());
    }
    let expected = String::from_utf8_lossy(&expected);
    Err(format!(
        "backup differs from {}:\n{}",
        path.display(),
        unified_diff(&expected, actual)
    ))
}

/// A unified diff in which carriage returns and trailing spaces are visible.
pub fn unified_diff(expected: &str, actual: &str) -> String {
    let diff = similar::TextDiff::from_lines(expected, actual);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string();
    text.lines()
        .map(|line| {
            let line = line.replace('\r', "\\r");
            if line.ends_with(' ') && line.len() > 1 {
                format!("{line}⏎")
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The string lists of a pass/fail YAML file.
struct Expectations {
    pass: Vec<String>,
    fail: Vec<String>,
    pass_with_expect: Vec<String>,
}

fn expectations(path: &Path) -> Result<Expectations, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let docs = YamlLoader::load_from_str(&text)
        .map_err(|e| format!("{}: invalid YAML: {e}", path.display()))?;
    let doc = docs.first().cloned().unwrap_or(Yaml::Null);
    let list = |key: &str| -> Result<Vec<String>, String> {
        match &doc[key] {
            Yaml::BadValue | Yaml::Null => Ok(Vec::new()),
            Yaml::Array(items) => items
                .iter()
                .map(|i| match i {
                    Yaml::String(s) => Ok(s.clone()),
                    other => Err(format!(
                        "{}: {key}: {other:?} is not a string",
                        path.display()
                    )),
                })
                .collect(),
            _ => Err(format!("{}: {key}: expected a list", path.display())),
        }
    };
    Ok(Expectations {
        pass: list("pass")?,
        fail: list("fail")?,
        pass_with_expect: list("pass_with_expect")?,
    })
}

/// Literally present, or matching as a regex.
fn appears(text: &str, pattern: &str) -> bool {
    text.contains(pattern) || compile(pattern).is_ok_and(|re| re.is_match(text.as_bytes()))
}

fn pass_fail_check(text: &str, path: &Path) -> Result<(), String> {
    let e = expectations(path)?;
    let mut problems = Vec::new();
    for p in &e.pass {
        if !appears(text, p) {
            problems.push(format!("missing {p:?}"));
        }
    }
    for f in &e.fail {
        if appears(text, f) {
            problems.push(format!("still contains {f:?}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}: {}", path.display(), problems.join("; ")))
    }
}

fn prompt_check(
    target: &mut dyn Target,
    info: &DriverInfo,
    device: &Device,
    path: &Path,
) -> Result<(), String> {
    let e = expectations(path)?;
    let prompt = compile(&info.prompt).map_err(|e| e.to_string())?;
    let mut problems = Vec::new();
    for p in &e.pass {
        if !prompt.is_match(p.as_bytes()) {
            problems.push(format!("prompt {:?} does not match {p:?}", info.prompt));
        }
    }
    for f in &e.fail {
        if prompt.is_match(f.as_bytes()) {
            problems.push(format!("prompt {:?} matches {f:?}", info.prompt));
        }
    }
    for p in &e.pass_with_expect {
        let outcome = ReplaySession::login_probe(p.as_bytes(), info.mode, &info.prompt)
            .map_err(|e| e.to_string())
            .and_then(|s| target.backup(s, device));
        match outcome {
            Ok(_) => {}
            Err(err) if err.contains(LOGIN_PROBE_DONE) => {}
            Err(err) => problems.push(format!("login on {p:?} failed: {err}")),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}: {}", path.display(), problems.join("; ")))
    }
}

/// The cases in `dir` whose model `models` contains.
pub fn cases_for(dir: &Path, models: &[String]) -> Result<Vec<Case>, String> {
    Ok(discover(dir)?
        .into_iter()
        .filter(|c| models.contains(&c.model))
        .collect())
}

/// Run every corpus case of `D`'s models natively; panic with every failure
/// (and its diff) if any check fails, or if there is no case at all.
pub fn assert_corpus<D: Driver>(dir: impl AsRef<Path>) {
    let mut target = NativeTarget::<D>::default();
    let checks: Vec<Check> = driver_cases::<D>(dir.as_ref())
        .iter()
        .flat_map(|c| run_case(&mut target, c))
        .collect();
    assert_passed("checks", &checks);
}

/// The cases in `dir` of `D`'s models, with the vars beside the corpus;
/// panics when there is none.
pub(crate) fn driver_cases<D: Driver>(dir: &Path) -> Vec<Case> {
    let info = D::info();
    let mut cases = match cases_for(dir, &info.models) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    attach_vars(&mut cases, &sibling_vars_dir(dir));
    assert!(
        !cases.is_empty(),
        "no corpus case in {} for models {:?}",
        dir.display(),
        info.models
    );
    cases
}

/// Panic with every failed check (`what`: "checks", "chaos checks").
pub(crate) fn assert_passed(what: &str, checks: &[Check]) {
    let failures: Vec<String> = checks
        .iter()
        .filter_map(|c| {
            c.outcome
                .as_ref()
                .err()
                .map(|e| format!("FAIL {} {}: {e}", c.case, c.label()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} {what} failed:\n{}",
        failures.len(),
        checks.len(),
        failures.join("\n\n")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join("x#y#secret.yaml");
        std::fs::write(&path, text).unwrap();
        path
    }

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("netraven-checks-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn fail_entry_counts_when_present_literally_even_if_it_is_no_valid_regex() {
        let dir = scratch("literal");
        // `$9$...` as a regex can never match; literally it is right there.
        let path = yaml(&dir, "fail:\n  - '$9$abc('\n");
        let err = pass_fail_check("secret \"$9$abc(\";\n", &path).unwrap_err();
        assert!(err.contains("still contains"), "{err}");
        assert!(pass_fail_check("secret <removed>;\n", &path).is_ok());
    }

    #[test]
    fn pass_entries_are_regexes_and_each_missing_one_is_named() {
        let dir = scratch("pass");
        let path = yaml(
            &dir,
            "pass:\n  - 'host 10\\.1\\.2\\.3 .*<hidden>'\n  - 'absent'\n",
        );
        let err = pass_fail_check("snmp host 10.1.2.3 v2c <hidden>\n", &path).unwrap_err();
        assert!(err.contains("missing \"absent\""), "{err}");
        assert!(!err.contains("10\\.1"), "{err}");
    }

    #[test]
    fn discover_groups_files_into_cases_and_ignores_other_files() {
        let dir = scratch("discover");
        for f in [
            "m#a#simulation.yaml",
            "m#a#output.txt",
            "m#generic#prompt.yaml",
            "README.md",
            "m#b#output.txt",
        ] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        let cases = discover(&dir).unwrap();
        let ids: Vec<String> = cases.iter().map(Case::id).collect();
        // m#b has an output but no session to replay: nothing to check.
        assert_eq!(ids, ["m#a", "m#generic"]);
        assert!(cases[0].output.is_some() && cases[0].secret.is_none());
    }
}
