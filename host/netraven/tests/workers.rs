//! Workers on many machines, as processes on this one: `netraven worker`
//! processes sharing a PostgreSQL database as their queue, in zones, with
//! `run-job` queueing a job and waiting. Three workers in two zones over
//! 2,000 devices; a worker killed with kill -9 mid-job; the PostgreSQL
//! server restarted mid-job (a server this test runs itself); a zone with
//! no worker; SIGTERM; SQLite refused.

mod support;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::lab::{Db, Lab};
use support::sim::Sim;

/// Settings every worker and run-job of these tests shares: a short lease
/// so that a lost worker's devices move on quickly, and quick polls.
const QUEUE_ENV: &[(&str, &str)] = &[
    ("NETRAVEN_QUEUE_LEASE_SECS", "2"),
    ("NETRAVEN_QUEUE_POLL_SECS", "0.3"),
    ("NETRAVEN_GIT_BATCH", "200"),
];

/// A `netraven worker` child; killed on drop if still running.
struct WorkerProcess {
    child: Child,
    log: PathBuf,
}

impl WorkerProcess {
    fn start(lab: &Lab, zones: &[&str], concurrency: usize) -> WorkerProcess {
        WorkerProcess::start_via(lab, &[], None, zones, concurrency, &[])
    }

    /// A worker run through `wrapper` (into a network namespace), with
    /// the database at `url` when it differs from the lab's.
    fn start_via(
        lab: &Lab,
        wrapper: &[&str],
        url: Option<&str>,
        zones: &[&str],
        concurrency: usize,
        env: &[(&str, &str)],
    ) -> WorkerProcess {
        let n = std::fs::read_dir(lab.path())
            .map(|d| d.count())
            .unwrap_or(0);
        let log = lab.path().join(format!("worker-{n}.log"));
        let mut args = vec![
            "worker".to_string(),
            "--concurrency".into(),
            concurrency.to_string(),
        ];
        for zone in zones {
            args.extend(["--zone".to_string(), zone.to_string()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut command = lab.command_via(wrapper, &args);
        command.envs(QUEUE_ENV.iter().copied());
        command.envs(env.iter().copied());
        if let Some(url) = url {
            command.env("NETRAVEN_DATABASE_URL", url);
        }
        let child = command
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("worker log"))
            .spawn()
            .expect("start a worker");
        WorkerProcess { child, log }
    }

    fn id(&self) -> u32 {
        self.child.id()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGTERM, then the exit code (within `limit`).
    fn terminate(&mut self, limit: Duration) -> Option<i32> {
        signal(self.id(), "TERM");
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            assert!(
                started.elapsed() < limit,
                "the worker did not stop within {limit:?} of SIGTERM:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success(), "kill -{name} {pid}");
}

/// One query through psql, rows as `|`-separated lines.
fn sql(url: &str, query: &str) -> String {
    let out = Command::new("psql")
        .args(["-At", "-v", "ON_ERROR_STOP=1", url, "-c", query])
        .output()
        .expect("psql");
    assert!(
        out.status.success(),
        "psql {query}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn count(url: &str, query: &str) -> i64 {
    sql(url, query).parse().unwrap_or(-1)
}

/// Wait until `check` holds, for at most `limit`.
fn wait_until(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The simulator's inventory with `zone = ...` added to each device, the
/// zones dealt round-robin; written into the lab, path returned.
fn zoned_inventory(lab: &Lab, sim: &Sim, zones: &[&str]) -> String {
    named_zoned_inventory(lab, sim, zones, "")
}

/// [`zoned_inventory`] with `prefix` before each device's name.
fn named_zoned_inventory(lab: &Lab, sim: &Sim, zones: &[&str], prefix: &str) -> String {
    let text = std::fs::read_to_string(&sim.inventory).expect("inventory");
    let mut out = String::new();
    let mut n = 0;
    for line in text.lines() {
        match line.strip_prefix("name = \"") {
            Some(name) => out.push_str(&format!("name = \"{prefix}{name}")),
            None => out.push_str(line),
        }
        out.push('\n');
        if line == "[[devices]]" {
            out.push_str(&format!("zone = \"{}\"\n", zones[n % zones.len()]));
            n += 1;
        }
    }
    let path = lab.path().join(format!("zoned-{prefix}.toml"));
    std::fs::write(&path, out).expect("write the zoned inventory");
    path.display().to_string()
}

/// Paths in the archive and how many commits touched each.
fn commits_per_path(lab: &Lab) -> BTreeMap<String, usize> {
    let log = lab.git(&["log", "--format=", "--name-only", "main"]);
    let mut seen = BTreeMap::new();
    for path in log.lines().filter(|l| !l.is_empty()) {
        *seen.entry(path.to_string()).or_insert(0) += 1;
    }
    seen
}

/// Every device of job `job` has one result and one commit holding its
/// configuration, and the archive is sound.
fn each_device_once(lab: &Lab, job: i64, devices: usize) {
    assert_eq!(results(lab, job), devices as i64);
    assert_eq!(
        count(
            &lab.url,
            &format!(
                "SELECT COUNT(*) FROM job_results WHERE job_id = {job} AND (config IS NOT NULL \
                 OR status <> 'ok' OR changed = 0 OR commit_id IS NULL)"
            )
        ),
        0,
        "every result is archived, changed and has its commit"
    );
    let paths = commits_per_path(lab);
    assert_eq!(paths.len(), devices, "a file per device");
    let twice: Vec<_> = paths.iter().filter(|(_, n)| **n != 1).collect();
    assert!(twice.is_empty(), "committed more than once: {twice:?}");
    lab.git(&["fsck", "--full", "--strict"]);
}

/// Wait until `workers --json` lists `n` live workers.
fn wait_for_workers(lab: &Lab, n: usize) {
    wait_until(
        &format!("{n} live workers"),
        Duration::from_secs(60),
        || {
            lab.json(0, &["workers", "--json"])
                .as_array()
                .is_some_and(|a| a.len() == n)
        },
    );
}

fn job_id(lab: &Lab) -> i64 {
    let created = lab.json(0, &["jobs", "create", "--all", "--json"]);
    created["job"].as_i64().expect("job id")
}

/// `run-job ID` in the background, its stderr in a file.
fn run_job_in_background(lab: &Lab, job: i64) -> (Child, PathBuf) {
    let log = lab.path().join(format!("run-job-{job}.log"));
    let child = lab
        .command(&["run-job", &job.to_string()])
        .envs(QUEUE_ENV.iter().copied())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).expect("run-job log"))
        .spawn()
        .expect("run-job");
    (child, log)
}

fn finish(child: Child, log: &Path) -> (i32, serde_json::Value) {
    let out = child.wait_with_output().expect("run-job");
    let text = String::from_utf8_lossy(&out.stdout);
    let summary = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "run-job printed no JSON ({e}):\n{text}\nstderr:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        )
    });
    (out.status.code().unwrap_or(-1), summary)
}

fn ios_lab(copies: usize, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "--corpus",
        "tests/corpus/oxidized",
        "--case",
        "ios#C9200L*",
        "--copies",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(copies.to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn start_sim(args: &[String]) -> Sim {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Sim::start(&args)
}

/// A lab on its own PostgreSQL database with `copies` IOS devices that
/// take `login_ms` to log in, imported.
fn slow_lab(lab: Lab, copies: usize, login_ms: &str) -> (Lab, Sim) {
    let sim = start_sim(&ios_lab(copies, &["--login-delay", login_ms]));
    let inventory = sim.inventory.display().to_string();
    lab.expect(0, &["devices", "import", &inventory]);
    (lab, sim)
}

/// Results stored for `job`.
fn results(lab: &Lab, job: i64) -> i64 {
    count(
        &lab.url,
        &format!("SELECT COUNT(*) FROM job_results WHERE job_id = {job}"),
    )
}

/// Devices of `job` without a result in the hands of the worker `pid`.
fn held_by(lab: &Lab, job: i64, pid: u32) -> i64 {
    count(
        &lab.url,
        &format!(
            "SELECT COUNT(*) FROM job_devices WHERE job_id = {job} AND done = 0 \
             AND worker LIKE '%:{pid}:%'"
        ),
    )
}

// ---- three workers, two zones, 2,000 devices ----------------------------------------

#[test]
fn three_workers_in_two_zones_back_up_every_device_once_in_its_zone() {
    let lab = Lab::new(Db::Postgres, &["ios"]);
    let sim = start_sim(&ios_lab(2000, &[]));
    let inventory = zoned_inventory(&lab, &sim, &["east", "west"]);
    lab.expect(0, &["devices", "import", &inventory]);
    // They look for work once a minute by themselves: the job reaches
    // them by NOTIFY.
    let idle = [("NETRAVEN_QUEUE_POLL_SECS", "60")];
    let start = |zone: &str| WorkerProcess::start_via(&lab, &[], None, &[zone], 100, &idle);
    let mut workers = [start("east"), start("east"), start("west")];
    let zone_of: HashMap<String, &str> = workers
        .iter()
        .zip(["east", "east", "west"])
        .map(|(w, zone)| (w.id().to_string(), zone))
        .collect();
    wait_for_workers(&lab, 3);

    // Let the workers' first look for work pass: from here on, only a
    // notification wakes them within the minute.
    std::thread::sleep(Duration::from_secs(2));
    // `backup --all` sees live workers: the job is theirs, and it waits.
    let started = Instant::now();
    let summary = lab.json(0, &["backup", "--all", "--json"]);
    assert!(
        started.elapsed() < Duration::from_secs(50),
        "the job waited for the workers' poll: {:?}",
        started.elapsed()
    );
    assert_eq!(summary["devices"], 2000, "{summary}");
    assert_eq!(summary["succeeded"], 2000, "{summary}");
    assert_eq!(summary["changed"], 2000, "{summary}");
    assert_eq!(summary["status"], "succeeded", "{summary}");
    let job = summary["job"].as_i64().expect("job");
    assert_eq!(
        sql(&lab.url, &format!("SELECT mode FROM jobs WHERE id = {job}")),
        "queue"
    );

    // Each device by a worker of its zone, and every worker did some.
    let rows = sql(
        &lab.url,
        &format!("SELECT device, zone, worker FROM job_devices WHERE job_id = {job}"),
    );
    let mut per_worker: HashMap<String, usize> = HashMap::new();
    for row in rows.lines() {
        let parts: Vec<&str> = row.split('|').collect();
        let (device, zone, worker) = (parts[0], parts[1], parts[2]);
        // host:pid:nonce
        let pid = worker.rsplit(':').nth(1).unwrap_or("");
        assert_eq!(
            zone_of.get(pid).copied(),
            Some(zone),
            "device {device} of zone {zone} was backed up by {worker}"
        );
        *per_worker.entry(pid.to_string()).or_default() += 1;
    }
    assert_eq!(rows.lines().count(), 2000);
    assert_eq!(
        per_worker.len(),
        3,
        "every worker took part: {per_worker:?}"
    );
    each_device_once(&lab, job, 2000);

    // The job's log says it was queued and how it ended.
    let show = lab.expect(0, &["jobs", "show", &job.to_string()]);
    assert!(show.contains("queued for workers: 2000 devices"), "{show}");
    assert!(
        show.contains("backup succeeded: 2000 of 2000 devices succeeded, 0 failed, 2000 changed"),
        "{show}"
    );
    assert!(!show.contains("waiting:"), "{show}");

    // A second job: nothing changed, no new commit.
    let commits = lab.commits();
    let again = lab.json(0, &["backup", "--all", "--json"]);
    assert_eq!(again["succeeded"], 2000, "{again}");
    assert_eq!(again["changed"], 0, "{again}");
    assert_eq!(lab.commits(), commits);

    // Every heartbeat went through: none was chosen as the victim of a
    // deadlock with the result writer (which let leases lapse, devices be
    // claimed again and again, and some fail as "claimed 5 times").
    for w in &workers {
        let log = w.log();
        assert!(!log.contains("worker heartbeat:"), "{log}");
    }

    for w in &mut workers {
        assert_eq!(w.terminate(Duration::from_secs(30)), Some(0), "{}", w.log());
        assert!(w.log().contains("stopped:"), "{}", w.log());
    }
    assert_eq!(count(&lab.url, "SELECT COUNT(*) FROM workers"), 0);
    drop(sim);
}

// ---- kill -9 ------------------------------------------------------------------------

#[test]
fn a_killed_worker_s_devices_finish_on_another_worker_after_its_lease() {
    let (lab, sim) = slow_lab(Lab::new(Db::Postgres, &["ios"]), 300, "300");
    let mut doomed = WorkerProcess::start(&lab, &[], 15);
    let survivor = WorkerProcess::start(&lab, &[], 15);
    let job = job_id(&lab);
    let (run, log) = run_job_in_background(&lab, job);
    wait_until(
        "the doomed worker at work",
        Duration::from_secs(120),
        || results(&lab, job) >= 40 && held_by(&lab, job, doomed.id()) > 0,
    );
    let lost = held_by(&lab, job, doomed.id());
    doomed.child.kill().expect("kill -9");
    doomed.child.wait().expect("reap");

    let (code, summary) = finish(run, &log);
    assert_eq!(code, 0, "{summary}");
    assert_eq!(summary["succeeded"], 300, "{summary}");
    assert_eq!(summary["failed"], 0, "{summary}");
    // Its devices waited out the lease (2 s), then went to the survivor.
    let taken_over = count(
        &lab.url,
        &format!(
            "SELECT COUNT(*) FROM job_devices WHERE job_id = {job} AND claims > 1 \
             AND worker LIKE '%:{}:%'",
            survivor.id()
        ),
    );
    assert!(
        taken_over >= lost,
        "{lost} devices were in the killed worker's hands, {taken_over} taken over"
    );
    each_device_once(&lab, job, 300);
    drop(sim);
}

// ---- SIGTERM ------------------------------------------------------------------------

#[test]
fn sigterm_finishes_the_devices_in_flight_and_hands_back_the_rest() {
    let (lab, sim) = slow_lab(Lab::new(Db::Postgres, &["ios"]), 120, "400");
    let mut first = WorkerProcess::start(&lab, &[], 10);
    let job = job_id(&lab);
    let (run, log) = run_job_in_background(&lab, job);
    wait_until("the worker at work", Duration::from_secs(60), || {
        held_by(&lab, job, first.id()) > 0
    });
    let pid = first.id();
    let at_signal = sql(
        &lab.url,
        &format!(
            "SELECT device FROM job_devices WHERE job_id = {job} AND done = 0 \
             AND worker LIKE '%:{pid}:%' ORDER BY device"
        ),
    );
    assert!(!at_signal.is_empty());
    assert_eq!(
        first.terminate(Duration::from_secs(60)),
        Some(0),
        "{}",
        first.log()
    );
    assert!(first.log().contains("0 handed back"), "{}", first.log());
    // What it had in hand at the signal, it finished itself.
    let finished_by_it = sql(
        &lab.url,
        &format!(
            "SELECT device FROM job_devices WHERE job_id = {job} AND done = 1 \
             AND claims = 1 AND worker LIKE '%:{pid}:%' ORDER BY device"
        ),
    );
    for device in at_signal.lines() {
        assert!(
            finished_by_it.lines().any(|d| d == device),
            "{device} was in hand at SIGTERM and not finished by that worker"
        );
    }
    assert_eq!(held_by(&lab, job, pid), 0);
    let done = results(&lab, job);
    assert!(done < 120, "the job ended before the stop ({done} done)");
    // Another worker finishes the job without waiting for a lease.
    let second = WorkerProcess::start(&lab, &[], 40);
    let (code, summary) = finish(run, &log);
    assert_eq!(code, 0, "{summary}\n{}", second.log());
    assert_eq!(summary["succeeded"], 120, "{summary}");
    each_device_once(&lab, job, 120);
    drop(sim);
}

// ---- a zone without a worker ------------------------------------------------------------

#[test]
fn a_job_for_a_zone_no_worker_serves_waits_and_says_so() {
    let lab = Lab::new(Db::Postgres, &["ios"]);
    let sim = start_sim(&ios_lab(6, &[]));
    let inventory = zoned_inventory(&lab, &sim, &["north"]);
    lab.expect(0, &["devices", "import", &inventory]);
    let _east = WorkerProcess::start(&lab, &["east"], 10);
    wait_for_workers(&lab, 1);
    let job = job_id(&lab);
    let (run, log) = run_job_in_background(&lab, job);
    wait_until("the job queued", Duration::from_secs(60), || {
        sql(
            &lab.url,
            &format!("SELECT COALESCE(mode, '') FROM jobs WHERE id = {job}"),
        ) == "queue"
    });
    let show = lab.expect(0, &["jobs", "show", &job.to_string()]);
    assert!(
        show.contains("waiting: 6 devices in zone north wait since")
            && show.contains("no live worker serves it (start one: netraven worker --zone north)"),
        "{show}"
    );
    let json = lab.json(0, &["jobs", "show", &job.to_string(), "--json"]);
    assert_eq!(json["waiting"][0]["zone"], "north", "{json}");
    assert_eq!(json["waiting"][0]["devices"], 6, "{json}");
    wait_until(
        "run-job to say which zone waits",
        Duration::from_secs(30),
        || {
            std::fs::read_to_string(&log)
                .unwrap_or_default()
                .contains("6 devices in zone north wait since")
        },
    );
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        results(&lab, job),
        0,
        "a worker of another zone took a device"
    );

    // A worker of the zone, started later, finishes it.
    let north = WorkerProcess::start(&lab, &["north"], 10);
    let (code, summary) = finish(run, &log);
    assert_eq!(code, 0, "{summary}\n{}", north.log());
    assert_eq!(summary["succeeded"], 6, "{summary}");
    let show = lab.expect(0, &["jobs", "show", &job.to_string()]);
    assert!(!show.contains("waiting:"), "{show}");
    each_device_once(&lab, job, 6);

    // An archiver that died between its commit and recording it: three
    // configurations are back in the database, unrecorded, and the job
    // unfinished. The next archiver finds the commit again: no second
    // commit, the same commit ids, the job finished again.
    let commits = lab.commits();
    let recorded = |job: i64| {
        sql(
            &lab.url,
            &format!(
                "SELECT device, commit_id, changed FROM job_results WHERE job_id = {job} \
                 ORDER BY device"
            ),
        )
    };
    let before = recorded(job);
    let some = sql(
        &lab.url,
        &format!(
            "SELECT device, grp FROM job_results WHERE job_id = {job} ORDER BY device LIMIT 3"
        ),
    );
    for line in some.lines() {
        let (device, group) = line.split_once('|').expect("device|group");
        let text = lab.git(&["show", &format!("main:{group}/{device}")]);
        sql(
            &lab.url,
            &format!(
                "UPDATE job_results SET config = $nr${text}$nr$, commit_id = NULL, changed = 0 \
                 WHERE job_id = {job} AND device = '{device}'"
            ),
        );
    }
    sql(
        &lab.url,
        &format!("UPDATE jobs SET finished_at = NULL, status = 'running' WHERE id = {job}"),
    );
    let again = lab.json(0, &["run-job", &job.to_string()]);
    assert_eq!(again["succeeded"], 6, "{again}");
    assert_eq!(again["changed"], 6, "{again}");
    assert_eq!(lab.commits(), commits, "committed twice");
    assert_eq!(recorded(job), before);
    each_device_once(&lab, job, 6);

    let listed = lab.expect(0, &["workers"]);
    assert!(
        listed.contains("north") && listed.contains("east"),
        "{listed}"
    );
    drop(sim);
}

// ---- a job no worker can set up ------------------------------------------------------

#[test]
fn a_job_no_worker_can_set_up_fails_its_devices_after_a_few_claims() {
    let lab = Lab::new(Db::Postgres, &["ios"]);
    let sim = start_sim(&ios_lab(3, &[]));
    let inventory = sim.inventory.display().to_string();
    lab.expect(0, &["devices", "import", &inventory]);
    // The only worker has a key that opens none of the stored credentials.
    let wrong_key = "5a".repeat(32);
    let worker = WorkerProcess::start_via(
        &lab,
        &[],
        None,
        &[],
        10,
        &[("NETRAVEN_SECRET_KEY", wrong_key.as_str())],
    );
    wait_for_workers(&lab, 1);
    let job = job_id(&lab);
    let (run, log) = run_job_in_background(&lab, job);
    // Each claim waits out a lease (2 s) before the next: six claims.
    wait_until("every device ended", Duration::from_secs(90), || {
        results(&lab, job) == 3
    });
    let (code, summary) = finish(run, &log);
    assert_eq!(code, 2, "{summary}\n{}", worker.log());
    assert_eq!(summary["failed"], 3, "{summary}");
    for failure in summary["failures"].as_array().expect("failures") {
        assert_eq!(failure["class"], "invalid_device", "{failure}");
        let message = failure["message"].as_str().unwrap_or("");
        assert!(
            message.starts_with("claimed 6 times by workers that could not run its job: ")
                && message.contains("cannot decrypt with the key from environment"),
            "{message}"
        );
    }
    assert_eq!(
        sql(
            &lab.url,
            &format!("SELECT DISTINCT claims FROM job_devices WHERE job_id = {job}")
        ),
        "6"
    );
    let shown = lab.json(0, &["jobs", "show", &job.to_string(), "--json"]);
    assert!(
        shown["logs"]
            .as_array()
            .is_some_and(|logs| logs.iter().any(|l| l["message"]
                .as_str()
                .is_some_and(|m| m.contains("cannot run this job")))),
        "{shown}"
    );
    drop(sim);
}

// ---- the server restarted mid-job ---------------------------------------------------------

/// A PostgreSQL server of this test's own (so restarting it disturbs no
/// other test), run as the `postgres` user from Debian's binaries.
struct OwnPostgres {
    dir: tempfile::TempDir,
    port: u16,
    server: Option<Child>,
    /// Addresses it listens on besides 127.0.0.1 (clients in their /24
    /// are trusted, as on loopback).
    also: Vec<String>,
}

impl OwnPostgres {
    fn bin(name: &str) -> PathBuf {
        let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL's binaries in /usr/lib/postgresql")
            .filter_map(|e| e.ok().map(|e| e.path().join("bin").join(name)))
            .filter(|p| p.exists())
            .collect();
        found.sort();
        found
            .pop()
            .unwrap_or_else(|| panic!("no {name} under /usr/lib/postgresql"))
    }

    /// `program` as the `postgres` user, in a process group of its own
    /// (a signal to it reaches nothing else).
    fn as_postgres(program: &Path) -> Command {
        use std::os::unix::process::CommandExt;
        let id = |flag: &str| -> u32 {
            let out = Command::new("id")
                .args([flag, "postgres"])
                .output()
                .expect("id postgres");
            String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse()
                .expect("the postgres user")
        };
        let mut cmd = Command::new(program);
        cmd.uid(id("-u"))
            .gid(id("-g"))
            .process_group(0)
            .env("HOME", "/var/lib/postgresql")
            .current_dir("/");
        cmd
    }

    fn start() -> OwnPostgres {
        OwnPostgres::start_on(&[])
    }

    /// A server that also listens on `also`, and trusts clients of their
    /// /24.
    fn start_on(also: &[&str]) -> OwnPostgres {
        let dir = tempfile::tempdir().expect("tempdir");
        let status = Command::new("chown")
            .args(["postgres:postgres"])
            .arg(dir.path())
            .status()
            .expect("chown");
        assert!(status.success(), "chown the server's folder to postgres");
        let out = Self::as_postgres(&Self::bin("initdb"))
            .args(["--auth=trust", "-U", "postgres", "-D"])
            .arg(dir.path().join("data"))
            .output()
            .expect("initdb");
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut hba = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join("data/pg_hba.conf"))
            .expect("pg_hba.conf");
        for address in also {
            use std::io::Write;
            // Clients come from the other end of the link.
            writeln!(hba, "host all all {address}/24 trust").expect("pg_hba.conf");
        }
        let port = support::sshd::free_port();
        let mut pg = OwnPostgres {
            dir,
            port,
            server: None,
            also: also.iter().map(|a| a.to_string()).collect(),
        };
        pg.run();
        pg
    }

    fn url(&self, db: &str) -> String {
        self.url_at("127.0.0.1", db)
    }

    fn url_at(&self, address: &str, db: &str) -> String {
        format!("postgres://postgres@{address}:{}/{db}", self.port)
    }

    fn run(&mut self) {
        let log = std::fs::File::options()
            .create(true)
            .append(true)
            .open(self.dir.path().join("server.log"))
            .expect("server log");
        let child = Self::as_postgres(&Self::bin("postgres"))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-p", &self.port.to_string(), "-c"])
            .arg(format!(
                "listen_addresses={}",
                std::iter::once("127.0.0.1".to_string())
                    .chain(self.also.iter().cloned())
                    .collect::<Vec<_>>()
                    .join(",")
            ))
            .arg("-c")
            .arg(format!(
                "unix_socket_directories={}",
                self.dir.path().display()
            ))
            .args(["-c", "fsync=off"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("postgres");
        self.server = Some(child);
        let url = self.url("postgres");
        wait_until("the test's PostgreSQL", Duration::from_secs(60), || {
            Command::new("psql")
                .args(["-At", &url, "-c", "SELECT 1"])
                .stderr(Stdio::null())
                .output()
                .is_ok_and(|o| o.status.success())
        });
    }

    /// A fast shutdown (clients are cut off), then a start on the same port.
    fn restart(&mut self) {
        if let Some(mut server) = self.server.take() {
            signal(server.id(), "INT");
            server.wait().expect("postgres stops");
        }
        std::thread::sleep(Duration::from_millis(500));
        self.run();
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        if let Some(mut server) = self.server.take() {
            let _ = Command::new("kill")
                .args(["-INT", &server.id().to_string()])
                .status();
            let _ = server.wait();
        }
    }
}

#[test]
fn workers_reconnect_after_the_database_server_restarts_and_the_job_completes() {
    let mut pg = OwnPostgres::start();
    sql(&pg.url("postgres"), "CREATE DATABASE netraven");
    let (lab, sim) = slow_lab(Lab::on(&pg.url("netraven"), &["ios"]), 200, "300");
    let workers = [
        WorkerProcess::start(&lab, &[], 15),
        WorkerProcess::start(&lab, &[], 15),
    ];
    let job = job_id(&lab);
    let (run, log) = run_job_in_background(&lab, job);
    wait_until("some results", Duration::from_secs(120), || {
        results(&lab, job) >= 30
    });
    pg.restart();
    let after = results(&lab, job);
    assert!(
        after < 200,
        "the job ended before the restart ({after} done)"
    );
    let (code, summary) = finish(run, &log);
    assert_eq!(code, 0, "{summary}");
    assert_eq!(summary["succeeded"], 200, "{summary}");
    each_device_once(&lab, job, 200);
    // The restart was felt: the archiver lost its connection (and its
    // lock), and one took it up again (the job was finished).
    let logs: Vec<String> = workers.iter().map(WorkerProcess::log).collect();
    assert!(
        logs.iter()
            .any(|l| l.contains("archiver: lost the database connection, and the lock")),
        "no worker noticed the restart:\n{}",
        logs.join("\n----\n")
    );
    drop(sim);
}

// ---- zones as network namespaces -----------------------------------------------------

/// A network namespace of the test's own with its loopback up, joined to
/// this one by a veth pair: 10.250.N.1 on this side, 10.250.N.2 inside.
struct Netns {
    name: String,
}

fn ip(args: &[&str]) {
    let out = Command::new("ip").args(args).output().expect("ip");
    assert!(
        out.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Netns {
    fn create(n: u8) -> Netns {
        let tag = std::process::id() % 100_000;
        let name = format!("nr-test-{tag}-{n}");
        let (outside, inside) = (format!("nrh{tag}x{n}"), format!("nrn{tag}x{n}"));
        let _ = Command::new("ip")
            .args(["netns", "del", &name])
            .stderr(Stdio::null())
            .status();
        ip(&["netns", "add", &name]);
        let netns = Netns { name };
        netns.ip(&["link", "set", "lo", "up"]);
        ip(&[
            "link",
            "add",
            &outside,
            "type",
            "veth",
            "peer",
            "name",
            &inside,
            "netns",
            &netns.name,
        ]);
        ip(&["addr", "add", &format!("10.250.{n}.1/30"), "dev", &outside]);
        ip(&["link", "set", &outside, "up"]);
        netns.ip(&["addr", "add", &format!("10.250.{n}.2/30"), "dev", &inside]);
        netns.ip(&["link", "set", &inside, "up"]);
        netns
    }

    fn ip(&self, args: &[&str]) {
        let mut all = vec!["netns", "exec", &self.name, "ip"];
        all.extend(args);
        ip(&all);
    }

    /// What runs a program inside: `ip netns exec NAME`.
    fn wrapper(&self) -> [&str; 4] {
        ["ip", "netns", "exec", &self.name]
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        // The veth pair goes with the namespace.
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .status();
    }
}

#[test]
fn each_zone_s_worker_reaches_only_its_own_network_namespace() {
    let (east, west) = (Netns::create(1), Netns::create(2));
    let pg = OwnPostgres::start_on(&["10.250.1.1", "10.250.2.1"]);
    sql(&pg.url("postgres"), "CREATE DATABASE netraven");
    let lab = Lab::on(&pg.url("netraven"), &["ios"]);
    // Each namespace has its own devices on its own loopback: the same
    // addresses, different devices, unreachable from anywhere else.
    let lab_in = |netns: &Netns| {
        let args = ios_lab(20, &[]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        Sim::start_via(
            tempfile::tempdir().expect("tempdir"),
            &netns.wrapper(),
            &args,
        )
    };
    let (east_sim, west_sim) = (lab_in(&east), lab_in(&west));
    for (sim, zone) in [(&east_sim, "east"), (&west_sim, "west")] {
        let inventory = named_zoned_inventory(&lab, sim, &[zone], &format!("{zone}-"));
        lab.expect(0, &["devices", "import", &inventory]);
    }
    let workers: Vec<(WorkerProcess, &str)> = [(&east, "east", 1), (&west, "west", 2)]
        .into_iter()
        .map(|(netns, zone, n)| {
            let url = pg.url_at(&format!("10.250.{n}.1"), "netraven");
            let worker =
                WorkerProcess::start_via(&lab, &netns.wrapper(), Some(&url), &[zone], 10, &[]);
            (worker, zone)
        })
        .collect();
    // A worker in each namespace.
    wait_for_workers(&lab, 2);
    let summary = lab.json(0, &["backup", "--all", "--json"]);
    assert_eq!(summary["succeeded"], 40, "{summary}");
    let job = summary["job"].as_i64().expect("job");
    for (worker, zone) in &workers {
        let wrong = count(
            &lab.url,
            &format!(
                "SELECT COUNT(*) FROM job_devices WHERE job_id = {job} \
                 AND worker LIKE '%:{}:%' AND (zone <> '{zone}' OR device NOT LIKE '{zone}-%')",
                worker.id()
            ),
        );
        assert_eq!(wrong, 0, "{zone}'s worker backed up another zone's device");
    }
    each_device_once(&lab, job, 40);
    drop((east_sim, west_sim));
}

// ---- SQLite -----------------------------------------------------------------------------

#[test]
fn a_worker_refuses_sqlite_with_a_clear_message() {
    let lab = Lab::new(Db::Sqlite, &["ios"]);
    let out = lab.run(&["worker"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("netraven worker needs PostgreSQL, and [database] url is sqlite://")
            && err.lines().count() == 1,
        "{err}"
    );
    let out = lab.run(&["workers"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("workers need PostgreSQL"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
