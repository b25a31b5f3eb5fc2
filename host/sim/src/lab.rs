//! Which devices the simulator serves: corpus cases and manifest entries,
//! expanded into copies, named, and given their faults.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use netraven_driver_sdk::harness::Transcript;
use netraven_driver_sdk::harness::checks::{self, Case};

use crate::fault::{Fault, FaultCount};
use crate::manifest::Manifest;
use crate::output::Pace;

/// The group a device is in unless the manifest says otherwise.
pub const DEFAULT_GROUP: &str = "sim";

/// One simulated device.
#[derive(Debug, Clone)]
pub struct Device {
    pub name: String,
    pub model: String,
    /// `<model>#<description>`, the corpus case the transcript belongs to.
    pub case_id: String,
    pub group: String,
    pub transcript: Arc<Transcript>,
    pub fault: Option<Fault>,
    /// Inventory vars, `sim_case` and `sim_fault` included.
    pub vars: BTreeMap<String, String>,
    /// The login password when it is not the lab's: a custom recording
    /// that types its own password (its `#vars.yaml` `secrets`).
    pub password: Option<String>,
    pub enable: Option<String>,
    /// Served over telnet (with a login dialogue) instead of SSH.
    pub telnet: bool,
    /// How slow it answers.
    pub pace: Pace,
}

/// What the command line asked for.
#[derive(Debug, Default)]
pub struct Selection {
    pub corpus: Vec<PathBuf>,
    pub cases: Vec<String>,
    pub copies: usize,
    pub faults: Vec<FaultCount>,
    pub manifest: Option<Manifest>,
    /// `--telnet`: every device over telnet.
    pub telnet: bool,
    /// `--latency`, `--login-delay`, `--bandwidth`: every device, unless
    /// its manifest entry says otherwise.
    pub pace: Pace,
}

/// A device before copies are made and names given.
struct Blueprint {
    name: Option<String>,
    model: String,
    case_id: String,
    group: String,
    transcript: Arc<Transcript>,
    copies: usize,
    fault: Option<Fault>,
    vars: BTreeMap<String, String>,
    password: Option<String>,
    enable: Option<String>,
    telnet: bool,
    pace: Pace,
}

/// Every device to serve, in a stable order. Errors name the flag or file.
pub fn plan(selection: &Selection) -> Result<Vec<Device>, String> {
    if !selection.cases.is_empty() && selection.corpus.is_empty() {
        return Err("--case: selects corpus cases, so it needs --corpus DIR".to_string());
    }
    if selection.corpus.is_empty() && selection.manifest.is_none() {
        return Err("nothing to serve: give --corpus DIR and/or --manifest FILE".to_string());
    }
    if selection.copies == 0 {
        return Err("--copies: must be at least 1".to_string());
    }
    let mut transcripts = TranscriptCache::default();
    let mut blueprints = Vec::new();
    let mut matched: HashSet<&str> = HashSet::new();
    for dir in &selection.corpus {
        let mut cases =
            checks::discover_all(dir).map_err(|e| format!("--corpus {}: {e}", dir.display()))?;
        checks::attach_vars(&mut cases, &checks::sibling_vars_dir(dir));
        for case in cases {
            let Some(path) = case.simulation.as_ref().or(case.custom_simulation.as_ref()) else {
                continue;
            };
            let id = case.id();
            if !selection.cases.is_empty() {
                let Some(glob) = selection.cases.iter().find(|g| glob_match(g, &id)) else {
                    continue;
                };
                matched.insert(glob);
            }
            blueprints.push(
                Blueprint {
                    name: None,
                    model: case.model.clone(),
                    case_id: id,
                    group: DEFAULT_GROUP.to_string(),
                    transcript: transcripts.load(path)?,
                    copies: selection.copies,
                    fault: None,
                    vars: BTreeMap::new(),
                    password: None,
                    enable: None,
                    telnet: selection.telnet,
                    pace: selection.pace,
                }
                .with_case_vars(&case)?,
            );
        }
    }
    if let Some(glob) = selection
        .cases
        .iter()
        .find(|g| !matched.contains(g.as_str()))
    {
        return Err(format!("--case {glob}: matches no case in the corpus"));
    }
    if let Some(manifest) = &selection.manifest {
        for entry in &manifest.devices {
            let (model, case_id, case) = case_of(&entry.transcript);
            let blueprint = Blueprint {
                name: entry.name.clone(),
                model: entry.model.clone().unwrap_or(model),
                case_id,
                group: entry
                    .group
                    .clone()
                    .unwrap_or_else(|| DEFAULT_GROUP.to_string()),
                transcript: transcripts.load(&entry.transcript)?,
                copies: entry.copies,
                fault: entry.fault.clone(),
                vars: BTreeMap::new(),
                password: None,
                enable: None,
                telnet: selection.telnet || entry.telnet,
                pace: entry.pace(selection.pace),
            };
            let mut blueprint = blueprint.with_case_vars(&case)?;
            blueprint.vars.extend(entry.vars.clone());
            blueprints.push(blueprint);
        }
    }
    if blueprints.is_empty() && selection.corpus.is_empty() {
        return Err("--manifest: no [[device]] in it".to_string());
    }
    if blueprints.is_empty() {
        return Err(format!(
            "--corpus {}: no case with a #simulation.yaml or #custom_simulation.yaml",
            selection
                .corpus
                .iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut devices = expand(blueprints)?;
    assign_faults(&mut devices, &selection.faults)?;
    for d in &mut devices {
        d.vars.insert("sim_case".to_string(), d.case_id.clone());
        if let Some(fault) = &d.fault {
            d.vars.insert("sim_fault".to_string(), fault.to_string());
        }
    }
    Ok(devices)
}

impl Blueprint {
    /// A custom recording's vars and secrets, from its `#vars.yaml`.
    fn with_case_vars(mut self, case: &Case) -> Result<Self, String> {
        let vars = checks::case_vars(case.vars.as_deref())?;
        self.vars.extend(vars.vars);
        self.password = Some(vars.password).filter(|p| !p.is_empty());
        self.enable = Some(vars.enable).filter(|p| !p.is_empty());
        Ok(self)
    }
}

/// Copies share one parsed transcript.
#[derive(Default)]
struct TranscriptCache(HashMap<PathBuf, Arc<Transcript>>);

impl TranscriptCache {
    fn load(&mut self, path: &Path) -> Result<Arc<Transcript>, String> {
        if let Some(t) = self.0.get(path) {
            return Ok(t.clone());
        }
        let t = Arc::new(Transcript::load(path).map_err(|e| e.to_string())?);
        self.0.insert(path.to_path_buf(), t.clone());
        Ok(t)
    }
}

/// Model, case id and vars file of a transcript named like a corpus file
/// (`<model>#<description>#<kind>`). Its `#vars.yaml` is looked for beside
/// it, then in the corpus' sibling `vars` folder.
fn case_of(transcript: &Path) -> (String, String, Case) {
    let file = transcript
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = file.split('.').next().unwrap_or(&file);
    let (model, case_id) = match file.splitn(3, '#').collect::<Vec<_>>()[..] {
        [model, description, _] => (model.to_string(), format!("{model}#{description}")),
        // Not named like a corpus file: `ios#lab.yaml`, `lab.yaml`.
        _ => (
            stem.split('#').next().unwrap_or(stem).to_string(),
            stem.to_string(),
        ),
    };
    let dir = transcript.parent().unwrap_or(Path::new("."));
    let vars_name = format!("{case_id}#vars.yaml");
    let vars = [
        dir.join(&vars_name),
        checks::sibling_vars_dir(dir).join(&vars_name),
    ]
    .into_iter()
    .find(|p| p.is_file());
    let case = Case {
        model: model.clone(),
        vars,
        ..Case::default()
    };
    (model, case_id, case)
}

/// Make the copies and name them: a manifest name as given (`name-<k>` for
/// several copies), otherwise `<model>-<n>` counting per model.
fn expand(blueprints: Vec<Blueprint>) -> Result<Vec<Device>, String> {
    let mut reserved: HashSet<String> = HashSet::new();
    for b in &blueprints {
        let Some(name) = &b.name else { continue };
        for k in 1..=b.copies {
            let name = if b.copies == 1 {
                name.clone()
            } else {
                format!("{name}-{k}")
            };
            if !reserved.insert(name.clone()) {
                return Err(format!("--manifest: device name {name:?} is used twice"));
            }
        }
    }
    let mut next: HashMap<String, usize> = HashMap::new();
    let mut devices = Vec::new();
    for b in blueprints {
        for k in 1..=b.copies {
            let name = match &b.name {
                Some(name) if b.copies == 1 => name.clone(),
                Some(name) => format!("{name}-{k}"),
                None => loop {
                    let n = next.entry(b.model.clone()).or_insert(0);
                    *n += 1;
                    let name = format!("{}-{n}", b.model);
                    if !reserved.contains(&name) {
                        break name;
                    }
                },
            };
            devices.push(Device {
                name,
                model: b.model.clone(),
                case_id: b.case_id.clone(),
                group: b.group.clone(),
                transcript: b.transcript.clone(),
                fault: b.fault.clone(),
                vars: b.vars.clone(),
                password: b.password.clone(),
                enable: b.enable.clone(),
                telnet: b.telnet,
                pace: b.pace,
            });
        }
    }
    Ok(devices)
}

/// `--fault MODE=N`: take healthy devices from the end of the list, one
/// mode after the other, so the first devices stay healthy.
fn assign_faults(devices: &mut [Device], faults: &[FaultCount]) -> Result<(), String> {
    let wanted: usize = faults.iter().map(|f| f.count).sum();
    let healthy = devices.iter().filter(|d| d.fault.is_none()).count();
    if wanted > healthy {
        return Err(format!(
            "--fault: {wanted} faulty devices asked for, but only {healthy} devices are left \
             without a fault (add --copies)"
        ));
    }
    let mut left: Vec<FaultCount> = faults.to_vec();
    let mut slots = devices.iter_mut().rev().filter(|d| d.fault.is_none());
    while left.iter().any(|f| f.count > 0) {
        for f in left.iter_mut().filter(|f| f.count > 0) {
            if let Some(device) = slots.next() {
                device.fault = Some(f.fault.clone());
            }
            f.count -= 1;
        }
    }
    Ok(())
}

/// `*` matches any run of characters; everything else matches itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text.ends_with(last) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_and_case_come_from_the_file_name() {
        let of = |f: &str| {
            let (model, case, _) = case_of(Path::new(f));
            (model, case)
        };
        let pair = |m: &str, c: &str| (m.to_string(), c.to_string());
        assert_eq!(
            of("x/ios#C9200L#simulation.yaml"),
            pair("ios", "ios#C9200L")
        );
        assert_eq!(of("ios#lab.yaml"), pair("ios", "ios#lab"));
        assert_eq!(of("lab.yaml"), pair("lab", "lab"));
    }

    #[test]
    fn glob_stars_match_any_run() {
        assert!(glob_match("ios#*", "ios#C9200L"));
        assert!(glob_match("*#*9200*", "ios#C9200L"));
        assert!(glob_match("ios#C9200L", "ios#C9200L"));
        assert!(!glob_match("ios#", "ios#C9200L"));
        assert!(!glob_match("eos*", "ios#C9200L"));
        assert!(!glob_match("a*a", "a"));
        assert!(glob_match("*", ""));
    }

    fn device(name: &str) -> Device {
        Device {
            name: name.to_string(),
            model: "m".to_string(),
            case_id: "m#x".to_string(),
            group: DEFAULT_GROUP.to_string(),
            transcript: Arc::new(Transcript::parse("init_prompt: r1#\n").unwrap()),
            fault: None,
            vars: BTreeMap::new(),
            password: None,
            enable: None,
            telnet: false,
            pace: Pace::default(),
        }
    }

    #[test]
    fn faults_are_dealt_round_robin_from_the_end() {
        let mut devices: Vec<Device> = (1..=5).map(|i| device(&format!("m-{i}"))).collect();
        let faults = [
            FaultCount {
                fault: Fault::Trickle,
                count: 2,
            },
            FaultCount {
                fault: Fault::Refuse,
                count: 1,
            },
        ];
        assign_faults(&mut devices, &faults).unwrap();
        let got: Vec<Option<Fault>> = devices.iter().map(|d| d.fault.clone()).collect();
        assert_eq!(
            got,
            [
                None,
                None,
                Some(Fault::Trickle),
                Some(Fault::Refuse),
                Some(Fault::Trickle)
            ]
        );
        let too_many = [FaultCount {
            fault: Fault::Garbage,
            count: 3,
        }];
        assert!(assign_faults(&mut devices, &too_many).is_err());
    }

    #[test]
    fn names_count_per_model_and_skip_manifest_names() {
        let t = Arc::new(Transcript::parse("init_prompt: r1#\n").unwrap());
        let blueprint = |name: Option<&str>, copies| Blueprint {
            name: name.map(str::to_string),
            model: "ios".to_string(),
            case_id: "ios#x".to_string(),
            group: DEFAULT_GROUP.to_string(),
            transcript: t.clone(),
            copies,
            fault: None,
            vars: BTreeMap::new(),
            password: None,
            enable: None,
            telnet: false,
            pace: Pace::default(),
        };
        let devices = expand(vec![
            blueprint(None, 2),
            blueprint(Some("ios-2"), 1),
            blueprint(Some("core"), 2),
        ])
        .unwrap();
        let names: Vec<&str> = devices.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["ios-1", "ios-3", "ios-2", "core-1", "core-2"]);
        assert!(expand(vec![blueprint(Some("a"), 1), blueprint(Some("a"), 1)]).is_err());
    }

    #[test]
    fn a_recording_without_checks_is_served() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("acme#lab#simulation.yaml"),
            "init_prompt: r1#\ncommands:\n  \"exit\\n\": \"\"\n",
        )
        .unwrap();
        let selection = Selection {
            corpus: vec![dir.path().to_path_buf()],
            copies: 1,
            ..Selection::default()
        };
        let devices = plan(&selection).unwrap();
        let ids: Vec<&str> = devices.iter().map(|d| d.case_id.as_str()).collect();
        assert_eq!(ids, ["acme#lab"]);
    }
}
