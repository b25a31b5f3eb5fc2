//! Jobs end to end through the `netraven` command, against `netraven-sim`,
//! on SQLite and on the PostgreSQL at 127.0.0.1:5432: import, run, retry,
//! results, logs, history; canary secrets; a kill -9 mid-job; bad input.

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use support::lab::{Db, Lab};
use support::sim::Sim;

// ---- a healthy lab with faults -------------------------------------------------

fn end_to_end(db: Db) {
    let lab = Lab::new(db, &["ios", "eos"]);
    let sim = Sim::start(&[
        "--corpus",
        "tests/corpus/oxidized",
        "--case",
        "ios#C9200L*",
        "--case",
        "eos#*",
        "--copies",
        "3",
        "--fault",
        "reject-password=1",
        "--fault",
        "refuse=1",
    ]);
    let inventory = sim.inventory.display().to_string();
    let imported = lab.expect(0, &["devices", "import", &inventory]);
    assert!(imported.contains("imported 6 devices"), "{imported}");
    let devices = lab.json(0, &["devices", "list", "--json"]);
    assert_eq!(devices.as_array().map(Vec::len), Some(6));
    // The credential list shows logins, never a secret.
    let creds = lab.expect(0, &["credentials", "list"]);
    assert!(creds.contains("netraven"), "{creds}");

    let summary = lab.json(1, &["backup", "--all", "--json"]);
    assert_eq!(summary["devices"], 6, "{summary}");
    assert_eq!(summary["succeeded"], 4, "{summary}");
    assert_eq!(summary["failed"], 2, "{summary}");
    assert_eq!(summary["changed"], 4, "{summary}");
    assert_eq!(summary["status"], "partial");
    let job = summary["job"].as_i64().expect("job id");
    let classes: Vec<&str> = summary["failures"]
        .as_array()
        .expect("failures")
        .iter()
        .map(|f| f["class"].as_str().unwrap_or(""))
        .collect();
    assert!(
        classes.contains(&"auth_failed") && classes.contains(&"connection_refused"),
        "{summary}"
    );

    let shown = lab.json(
        0,
        &["jobs", "show", &job.to_string(), "--json", "--transcripts"],
    );
    let results = shown["results"].as_array().expect("results");
    assert_eq!(results.len(), 6);
    for r in results {
        match r["error_class"].as_str() {
            // Refused is retryable: every attempt was made.
            Some("connection_refused") => assert_eq!(r["attempts"], 3, "{r}"),
            // Auth failures are never retried.
            Some("auth_failed") => assert_eq!(r["attempts"], 1, "{r}"),
            Some(other) => panic!("unexpected failure {other}: {r}"),
            None => {
                assert_eq!(r["status"], "ok");
                assert_eq!(r["changed"], true);
                assert!(
                    r["commit_id"].as_str().is_some_and(|c| c.len() == 40),
                    "{r}"
                );
            }
        }
    }
    let logs = shown["logs"].as_array().expect("logs");
    assert!(
        logs.iter().any(|l| l["message"]
            .as_str()
            .is_some_and(|m| m.contains("retrying"))),
        "{shown}"
    );
    let transcripts = shown["connection_logs"]
        .as_array()
        .expect("connection logs");
    assert!(transcripts.len() >= 4, "{shown}");
    assert!(transcripts.iter().any(|t| {
        t["transcript"]
            .as_str()
            .is_some_and(|s| s.contains(">>> show running-config"))
    }));

    // The archive: one file per device, history per device.
    let ok_device = results
        .iter()
        .find(|r| r["status"] == "ok" && r["device"].as_str().is_some_and(|d| d.starts_with("ios")))
        .and_then(|r| r["device"].as_str())
        .expect("an ok device")
        .to_string();
    let history = lab.expect(0, &["history", &ok_device]);
    assert_eq!(history.lines().count(), 1, "{history}");
    assert!(history.contains(&format!("job {job}")), "{history}");
    let files = lab.git(&["ls-tree", "-r", "--name-only", "HEAD"]);
    assert_eq!(files.lines().count(), 4, "{files}");
    let commits = lab.commits();

    // A second run with no device changes makes no new commit.
    let again = lab.json(1, &["backup", "--all", "--json"]);
    assert_eq!(again["succeeded"], 4, "{again}");
    assert_eq!(again["changed"], 0, "{again}");
    assert_eq!(lab.commits(), commits);
    // Running a finished job again does nothing more.
    let rerun = lab.json(1, &["run-job", &job.to_string()]);
    assert_eq!(rerun["ran"], 0, "{rerun}");
    assert_eq!(rerun["succeeded"], 4, "{rerun}");

    // exec: commands through the driver, output stored and printed.
    let out = lab.expect(0, &["exec", "--device", &ok_device, "--", "show version"]);
    assert!(
        out.contains("show version") && out.contains("Version"),
        "{out}"
    );
    let jobs = lab.json(0, &["jobs", "list", "--json"]);
    assert_eq!(jobs.as_array().map(Vec::len), Some(3));
    assert_eq!(jobs[0]["kind"], "commands");
    drop(sim);
}

#[test]
fn a_backup_job_end_to_end_on_sqlite() {
    end_to_end(Db::Sqlite);
}

#[test]
fn a_backup_job_end_to_end_on_postgres() {
    end_to_end(Db::Postgres);
}

// ---- canaries --------------------------------------------------------------------

/// A custom recording of an IOS device that logs in at `>`, asks for the
/// enable secret, and whose configuration carries canary secrets.
fn canary_corpus(dir: &Path, count: usize) {
    let base = std::fs::read_to_string(
        support::corpus().join("ios#C9200L-24P-4G_17.09.04a#simulation.yaml"),
    )
    .expect("the IOS recording");
    let oxidized = dir.join("oxidized");
    let vars = dir.join("vars");
    std::fs::create_dir_all(&oxidized).expect("mkdir");
    std::fs::create_dir_all(&vars).expect("mkdir");
    for k in 0..count {
        let pw = format!("CANARY-PW-{k}-q7");
        let en = format!("CANARY-EN-{k}-q7");
        let comm = format!("CANARY-COMM-{k}-q7");
        let mut text = base.replacen("  LAB-SW123_9200L#\ncommands:\n", &format!(
            "  LAB-SW123_9200L>\ncommands:\n  \"enable\\n\": |-\n    enable\n    Password: \n  \"{en}\\n\": |-\n    \n    LAB-SW123_9200L#\n"
        ), 1);
        assert!(text.contains(&en), "the recording changed shape");
        // Inside the configuration body, where the driver keeps lines.
        text = text.replacen(
            "    snmp-server community public RW 5\n",
            &format!(
                "    snmp-server community public RW 5\n    snmp-server community {comm} RO\n    username canary privilege 15 password 0 {pw}\n"
            ),
            1,
        );
        assert!(text.contains(&comm), "the recording changed shape");
        let case = format!("ios#canary-{k}");
        std::fs::write(
            oxidized.join(format!("{case}#custom_simulation.yaml")),
            text,
        )
        .expect("write");
        std::fs::write(
            vars.join(format!("{case}#vars.yaml")),
            format!(
                "vars:\n  enable: \"true\"\nsecrets:\n  password: \"{pw}\"\n  enable: \"{en}\"\n"
            ),
        )
        .expect("write");
    }
}

/// How the lab's devices are reached.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Over {
    Ssh,
    /// The host types the password into the stream itself.
    Telnet,
}

fn canaries_never_leak(db: Db, over: Over) {
    let lab = Lab::new(db, &["ios"]);
    let corpus = tempfile::tempdir().expect("tempdir");
    canary_corpus(corpus.path(), 6);
    let corpus_dir = corpus.path().join("oxidized").display().to_string();
    // Two of them fail after the config started coming: their error
    // messages quote device output.
    let mut sim_args = vec![
        "--corpus",
        &corpus_dir,
        "--fault",
        "disconnect-mid-output=1",
        "--fault",
        "hang-mid-output=1",
    ];
    if over == Over::Telnet {
        sim_args.push("--telnet");
    }
    let sim = Sim::start(&sim_args);
    let mut all_output = String::new();
    let mut run = |code: Option<i32>, args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = lab.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run");
        let text = format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if let Some(code) = code {
            assert_eq!(out.status.code(), Some(code), "{args:?}\n{text}");
        }
        all_output.push_str(&text);
    };
    let inventory = sim.inventory.display().to_string();
    run(Some(0), &["devices", "import", &inventory], &[]);
    let debug = [
        ("NETRAVEN_LOGGING_FORMAT", "json"),
        ("NETRAVEN_LOGGING_LEVEL", "trace,sqlx=trace"),
        // The hanging device waits out the whole deadline: keep it short
        // and do not retry it (retries are tested elsewhere).
        ("NETRAVEN_RUNTIME_DEADLINE_SECS", "10"),
        ("NETRAVEN_WORKER_RETRY_ATTEMPTS", "1"),
    ];
    run(Some(1), &["backup", "--all", "--json"], &debug);
    run(Some(0), &["jobs", "show", "1", "--transcripts"], &[]);
    run(
        Some(0),
        &["jobs", "show", "1", "--json", "--transcripts"],
        &[],
    );
    run(Some(0), &["devices", "list", "--json"], &[]);
    run(Some(0), &["credentials", "list", "--json"], &[]);
    run(
        None,
        &["exec", "--all", "--", "show running-config"],
        &debug,
    );
    run(Some(0), &["history", "ios-1"], &[]);
    run(None, &["diff", "ios-1"], &[]);
    assert!(
        all_output.contains("disconnect") || all_output.contains("closed"),
        "{all_output}"
    );
    if over == Over::Telnet {
        // The job log says the login went in clear, for each device.
        assert!(
            all_output.contains("crossed the network in clear"),
            "{all_output}"
        );
    }

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dump = rt.block_on(async { lab.store().await.dump().await.expect("dump") });
    assert!(
        dump.contains("snmp-server community"),
        "the transcripts were stored"
    );
    let objects = lab.git(&["cat-file", "--batch-all-objects", "--batch"]);
    assert!(
        objects.contains("snmp-server community"),
        "configs were archived"
    );
    let mut sqlite_file = String::new();
    if db == Db::Sqlite {
        // The raw database files too, WAL included.
        for entry in std::fs::read_dir(lab.path().join("data")).expect("data/") {
            let path = entry.expect("entry").path();
            if path.to_string_lossy().contains("netraven.db") {
                // SQLite removes its -journal and -shm files when the last
                // connection closes: one listed here may be gone already.
                match std::fs::read(&path) {
                    Ok(bytes) => sqlite_file.push_str(&String::from_utf8_lossy(&bytes)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => panic!("{}: {e}", path.display()),
                }
            }
        }
    }
    for k in 0..6 {
        for canary in [
            format!("CANARY-PW-{k}-q7"),
            format!("CANARY-EN-{k}-q7"),
            format!("CANARY-COMM-{k}-q7"),
        ] {
            assert!(!dump.contains(&canary), "{canary} is in the database");
            assert!(
                !sqlite_file.contains(&canary),
                "{canary} is in the database file"
            );
            assert!(!objects.contains(&canary), "{canary} is in a git object");
            assert!(
                !all_output.contains(&canary),
                "{canary} is in the output:\n{all_output}"
            );
        }
    }
    // The sealed credentials are there, just not readable.
    assert!(
        dump.lines()
            .filter(|l| l.starts_with("credentials\t"))
            .count()
            == 6,
        "{dump}"
    );
}

#[test]
fn canaries_reach_no_row_object_log_or_error_on_sqlite() {
    canaries_never_leak(Db::Sqlite, Over::Ssh);
}

#[test]
fn canaries_reach_no_row_object_log_or_error_on_postgres() {
    canaries_never_leak(Db::Postgres, Over::Ssh);
}

#[test]
fn canaries_over_telnet_reach_no_row_object_log_or_error() {
    canaries_never_leak(Db::Sqlite, Over::Telnet);
}

// ---- kill -9 ---------------------------------------------------------------------

fn crash_mid_job(db: Db) {
    let lab = Lab::new(db, &["ios"]);
    let sim = lab.serve_ios(500, &[]);
    // A small git batch so commits happen all through the run. This run
    // uses a two-thread work-stealing runtime, the rerun the default single
    // event loop: a job moves between the two.
    let mut child = lab
        .command(&["backup", "--all", "--json"])
        .env("NETRAVEN_GIT_BATCH", "20")
        .env("NETRAVEN_WORKER_CONCURRENCY", "50")
        .env("NETRAVEN_WORKER_THREADS", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the job");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let store = rt.block_on(lab.store());
    // Kill once some results are stored but far from all.
    let started = std::time::Instant::now();
    loop {
        let done = rt.block_on(store.results(1)).map(|r| r.len()).unwrap_or(0);
        if done >= 100 {
            break;
        }
        assert!(
            child.try_wait().expect("wait").is_none(),
            "the job ended before the kill"
        );
        assert!(started.elapsed().as_secs() < 300, "no progress");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    let before = rt.block_on(store.results(1)).expect("results").len();
    assert!(
        before < 500,
        "the kill came too late to test anything ({before} done)"
    );
    let fsck = Command::new("git")
        .arg("--git-dir")
        .arg(lab.repo())
        .args(["fsck", "--full", "--strict"])
        .output()
        .expect("git fsck");
    assert!(
        fsck.status.success(),
        "git fsck: {}",
        String::from_utf8_lossy(&fsck.stderr)
    );

    let summary = lab.json(0, &["run-job", "1"]);
    assert_eq!(summary["devices"], 500, "{summary}");
    assert_eq!(summary["succeeded"], 500, "{summary}");
    assert_eq!(
        summary["ran"].as_u64(),
        Some(500 - before as u64),
        "{summary}"
    );
    let results = rt.block_on(store.results(1)).expect("results");
    assert_eq!(results.len(), 500);
    let mut names: Vec<&str> = results.iter().map(|r| r.device.as_str()).collect();
    names.dedup();
    assert_eq!(names.len(), 500, "a device result is duplicated");
    // Every device was new, so this job changed every one, including those
    // committed just before the kill whose result rows were not written yet.
    for r in &results {
        assert!(r.changed && r.commit_id.is_some(), "{r:?}");
    }
    // Every device's config is in the archive.
    let files = lab.git(&["ls-tree", "-r", "--name-only", "HEAD"]);
    assert_eq!(files.lines().count(), 500);
    let fsck = Command::new("git")
        .arg("--git-dir")
        .arg(lab.repo())
        .args(["fsck", "--full", "--strict"])
        .status()
        .expect("git fsck");
    assert!(fsck.success());
    drop(sim);
}

#[test]
fn kill_9_mid_job_then_rerun_completes_it_on_sqlite() {
    crash_mid_job(Db::Sqlite);
}

#[test]
fn kill_9_mid_job_then_rerun_completes_it_on_postgres() {
    crash_mid_job(Db::Postgres);
}

// ---- bad input ---------------------------------------------------------------------

/// Exit code 2 and one line on stderr that contains every `needle`.
fn one_line_error(out: &Output, needles: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "more than one line: {err}");
    for n in needles {
        assert!(lines[0].contains(n), "{n:?} not in {err:?}");
    }
}

fn bad_input(db: Db) {
    let lab = Lab::new(db, &["ios"]);
    let sim = lab.serve_ios(1, &[]);
    lab.expect(0, &["backup", "--all"]);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let before = rt.block_on(async { lab.store().await.dump().await.expect("dump") });
    let commits = lab.commits();

    // A malformed config file.
    std::fs::write(
        lab.path().join("bad.toml"),
        "[worker]\nconcurrency = 10\nthread_pool_size = 5\n",
    )
    .expect("write");
    let out = lab.run(&["--config", "bad.toml", "jobs", "list"]);
    one_line_error(&out, &["bad.toml", "line 3", "thread_pool_size"]);
    // A value out of range.
    let out = lab
        .command(&["jobs", "list"])
        .env("NETRAVEN_WORKER_THREADS", "5000")
        .output()
        .expect("run");
    one_line_error(&out, &["[worker] threads = 5000", "must be"]);
    let out = lab
        .command(&["jobs", "list"])
        .env("NETRAVEN_WORKER_THREADZ", "4")
        .output()
        .expect("run");
    one_line_error(&out, &["NETRAVEN_WORKER", "threadz"]);

    // A malformed CSV.
    std::fs::write(
        lab.path().join("bad.csv"),
        "name,address,model,port\nr1,127.0.0.1,ios,22\nr2,127.0.0.1,ios,22x\n",
    )
    .expect("write");
    let out = lab.run(&["devices", "import", "bad.csv", "--credential", "netraven"]);
    one_line_error(&out, &["bad.csv", "line 3", "port"]);
    // Oxidized's router.db, with a row missing its model.
    std::fs::write(lab.path().join("router.db"), "r1:ios\n# comment\nr2\n").expect("write");
    let out = lab.run(&["devices", "import", "router.db", "--credential", "netraven"]);
    one_line_error(&out, &["router.db", "line 3", "model"]);

    // An unknown driver.
    std::fs::write(
        lab.path().join("odd.csv"),
        "name,address,model\nr9,127.0.0.1,ios\nr10,127.0.0.1,vaxvms\n",
    )
    .expect("write");
    let out = lab.run(&["devices", "import", "odd.csv", "--credential", "netraven"]);
    one_line_error(&out, &["odd.csv", "r10", "vaxvms"]);

    // An unreadable key: wrong, then not a key at all.
    std::fs::write(
        lab.path().join("data/secret.key"),
        format!("{}\n", "ab".repeat(32)),
    )
    .expect("write");
    let out = lab.run(&["backup", "--all"]);
    one_line_error(&out, &["secret.key", "wrong key"]);
    std::fs::write(lab.path().join("data/secret.key"), "not a key\n").expect("write");
    let out = lab.run(&["backup", "--all"]);
    one_line_error(&out, &["secret.key", "64 hex digits"]);
    std::fs::remove_file(lab.path().join("data/secret.key")).expect("rm");
    let out = lab.run(&["backup", "--all"]);
    one_line_error(&out, &["secret.key", "not found"]);

    // An unreachable database.
    let out = lab
        .command(&["jobs", "list"])
        .env(
            "NETRAVEN_DATABASE_URL",
            "postgres://root:hunter2@127.0.0.1:9/nowhere",
        )
        .env("NETRAVEN_DATABASE_CONNECT_TIMEOUT_SECS", "1")
        .output()
        .expect("run");
    one_line_error(
        &out,
        &[
            "database postgres://root:***@127.0.0.1:9/nowhere",
            "cannot connect",
        ],
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("hunter2"));

    // Nothing stored was lost or changed by any of it, beyond the jobs
    // that could not run being recorded as created.
    let after = rt.block_on(async { lab.store().await.dump().await.expect("dump") });
    let keep = |dump: &str| -> Vec<String> {
        dump.lines()
            .filter(|l| !l.starts_with("jobs\t") && !l.starts_with("job_devices\t"))
            .map(String::from)
            .collect()
    };
    assert_eq!(keep(&before), keep(&after));
    assert_eq!(lab.commits(), commits);
    drop(sim);
}

#[test]
fn bad_input_is_one_line_and_loses_nothing_on_sqlite() {
    bad_input(Db::Sqlite);
}

#[test]
fn bad_input_is_one_line_and_loses_nothing_on_postgres() {
    bad_input(Db::Postgres);
}

// ---- logs ---------------------------------------------------------------------------

#[test]
fn json_log_events_carry_the_job_and_the_device() {
    let lab = Lab::new(Db::Sqlite, &["ios"]);
    let sim = lab.serve_ios(2, &["refuse=1"]);
    let out = lab
        .command(&["backup", "--all", "--json"])
        .env("NETRAVEN_LOGGING_FORMAT", "json")
        .env("NETRAVEN_LOGGING_LEVEL", "netraven=debug")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let events: Vec<serde_json::Value> = stderr
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let in_job: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e["spans"].as_array().is_some_and(|s| !s.is_empty()))
        .collect();
    assert!(in_job.len() >= 4, "{stderr}");
    for e in &in_job {
        let spans = e["spans"].as_array().expect("spans");
        assert_eq!(spans[0]["job"], 1, "{e}");
    }
    let failed: Vec<_> = in_job
        .iter()
        .filter(|e| {
            e["fields"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("device failed"))
        })
        .collect();
    assert_eq!(failed.len(), 1, "{stderr}");
    assert!(
        failed[0]["spans"][1]["device"].as_str().is_some(),
        "{}",
        failed[0]
    );
    drop(sim);
}

/// `[logging] level = "trace"` is about NetRaven's own events: before, it
/// turned on wasmtime's and sqlx's internals too (3.7 GB of stderr for a job
/// of 8 devices).
#[test]
fn a_bare_log_level_is_netravens_own_and_dependencies_stay_at_warn() {
    let lab = Lab::new(Db::Sqlite, &["ios"]);
    let sim = lab.serve_ios(2, &[]);
    let out = lab
        .command(&["backup", "--all", "--json"])
        .env("NETRAVEN_LOGGING_FORMAT", "json")
        .env("NETRAVEN_LOGGING_LEVEL", "trace")
        .env_remove("RUST_LOG")
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let events: Vec<serde_json::Value> = stderr
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let ours = |e: &&serde_json::Value| {
        e["target"]
            .as_str()
            .is_some_and(|t| t.starts_with("netraven"))
    };
    // NetRaven's own debug events are there...
    let done: Vec<_> = events
        .iter()
        .filter(ours)
        .filter(|e| e["level"] == "DEBUG" && e["fields"]["message"] == "device done")
        .collect();
    assert_eq!(done.len(), 2, "{stderr}");
    // ...and no dependency said anything below a warning.
    for e in events.iter().filter(|e| !ours(e)) {
        assert!(
            e["level"] == "WARN" || e["level"] == "ERROR",
            "a dependency's event at {}: {e}",
            e["level"]
        );
    }
    drop(sim);
}

#[test]
fn router_db_imports_with_a_column_map() {
    let lab = Lab::new(Db::Sqlite, &["ios"]);
    std::fs::write(
        lab.path().join("router.db"),
        "# name:ip:model:group:user:password\ncore-1:127.0.0.1:ios:core:ops:pw1\ncore-2:127.0.0.2:ios:core:ops:pw1\nedge-1:127.0.0.3:ios:edge:ops:pw2\n",
    )
    .expect("write");
    let out = lab.expect(
        0,
        &[
            "devices",
            "import",
            "router.db",
            "--columns",
            "name,address,model,group,user,password",
        ],
    );
    assert!(out.contains("3 devices and 2 new credentials"), "{out}");
    let d = lab.json(0, &["devices", "show", "edge-1", "--json"]);
    assert_eq!(d["address"], "127.0.0.3");
    assert_eq!(d["group"], "edge");
    assert_eq!(d["credential"], "ops-2");
    let creds = lab.expect(0, &["credentials", "list"]);
    assert!(!creds.contains("pw1") && !creds.contains("pw2"), "{creds}");

    // Importing again reuses the stored logins; another file whose "ops"
    // login differs gets a new credential, and the first devices keep theirs.
    let again = lab.expect(
        0,
        &[
            "devices",
            "import",
            "router.db",
            "--columns",
            "name,address,model,group,user,password",
        ],
    );
    assert!(again.contains("3 devices and 0 new credentials"), "{again}");
    std::fs::write(
        lab.path().join("more.db"),
        "dc-1:127.0.0.9:ios:dc:ops:pw3
",
    )
    .expect("write");
    let more = lab.expect(
        0,
        &[
            "devices",
            "import",
            "more.db",
            "--format",
            "routerdb",
            "--columns",
            "name,address,model,group,user,password",
        ],
    );
    assert!(more.contains("1 devices and 1 new credentials"), "{more}");
    let dc = lab.json(0, &["devices", "show", "dc-1", "--json"]);
    assert_eq!(dc["credential"], "ops-3");
    let core = lab.json(0, &["devices", "show", "core-1", "--json"]);
    assert_eq!(core["credential"], "ops");
    let list = lab.json(0, &["credentials", "list", "--json"]);
    assert_eq!(list.as_array().map(Vec::len), Some(3), "{list}");
}

#[test]
fn netmiko_device_types_are_stored_as_our_models_and_one_without_a_driver_is_refused() {
    let lab = Lab::new(Db::Sqlite, &["ios", "junos"]);
    std::fs::write(
        lab.path().join("estate.csv"),
        "name,address,model,user,password,transport\ncore-1,127.0.0.1,cisco_xe,ops,pw,\nedge-1,127.0.0.2,juniper_junos_ssh,ops,pw,\nold-1,127.0.0.3,cisco_ios,ops,pw,\"ssh,telnet\"\n",
    )
    .expect("write");
    lab.expect(0, &["devices", "import", "estate.csv"]);
    let core = lab.json(0, &["devices", "show", "core-1", "--json"]);
    assert_eq!(core["model"], "ios");
    let edge = lab.json(0, &["devices", "show", "edge-1", "--json"]);
    assert_eq!(edge["model"], "junos");
    assert!(edge["ssh"].get("transport").is_none(), "{edge}");
    let old = lab.json(0, &["devices", "show", "old-1", "--json"]);
    assert_eq!(
        old["ssh"]["transport"],
        serde_json::json!(["ssh", "telnet"]),
        "{old}"
    );

    // A Netmiko type with no driver: one line naming it and the closest
    // models, and nothing stored.
    let add = |model: &str| {
        lab.run(&[
            "devices",
            "add",
            "sw-9",
            "--address",
            "127.0.0.9",
            "--model",
            model,
            "--credential",
            "ops",
        ])
    };
    one_line_error(
        &add("cisco_tp"),
        &["\"cisco_tp\"", "Netmiko", "closest models: ios"],
    );
    let devices = lab.json(0, &["devices", "list", "--json"]);
    assert_eq!(devices.as_array().map(Vec::len), Some(3), "{devices}");

    // A Netmiko telnet type: its SSH type's model, reached by telnet.
    lab.expect(0, &{
        let mut args = vec!["devices", "add", "ts-1", "--address", "127.0.0.10"];
        args.extend(["--model", "cisco_ios_telnet", "--credential", "ops"]);
        args
    });
    let ts = lab.json(0, &["devices", "show", "ts-1", "--json"]);
    assert_eq!(ts["model"], "ios", "{ts}");
    assert_eq!(ts["ssh"]["transport"], "telnet", "{ts}");
    // And `--transport` itself, checked.
    lab.expect(
        0,
        &[
            "devices",
            "add",
            "both-1",
            "--address",
            "127.0.0.11",
            "--model",
            "ios",
            "--credential",
            "ops",
            "--transport",
            "ssh,telnet",
            "--telnet-port",
            "2323",
        ],
    );
    let both = lab.json(0, &["devices", "show", "both-1", "--json"]);
    assert_eq!(
        both["ssh"]["transport"],
        serde_json::json!(["ssh", "telnet"]),
        "{both}"
    );
    assert_eq!(both["ssh"]["telnet_port"], 2323, "{both}");
    one_line_error(
        &lab.run(&[
            "devices",
            "add",
            "bad-1",
            "--address",
            "127.0.0.12",
            "--model",
            "ios",
            "--credential",
            "ops",
            "--transport",
            "rlogin",
        ]),
        &["--transport", "\"rlogin\" is not one of"],
    );

    // `drivers list` shows which Netmiko types each driver serves.
    let list = lab.expect(0, &["drivers", "list"]);
    let ios = list
        .lines()
        .find(|l| l.starts_with("ios "))
        .expect("ios listed");
    assert!(ios.contains("cisco_ios,cisco_ioswlc,cisco_xe"), "{list}");
}

/// The IOS recording, with `edit` applied, as a one-case corpus.
fn ios_variant(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = std::fs::read_to_string(
        support::corpus().join("ios#C9200L-24P-4G_17.09.04a#simulation.yaml"),
    )
    .expect("the IOS recording");
    // A custom recording: a corpus case needs no expected output to be served.
    std::fs::create_dir(dir.path().join("corpus")).expect("mkdir");
    std::fs::write(
        dir.path().join("corpus/ios#lab#custom_simulation.yaml"),
        edit(base),
    )
    .expect("write");
    dir
}

#[test]
fn significant_mode_skips_changes_to_volatile_lines_only() {
    let lab = Lab::new(Db::Sqlite, &["ios"]);
    let serve = |corpus: &tempfile::TempDir| {
        lab.serve(&[
            "--corpus",
            &corpus.path().join("corpus").display().to_string(),
        ])
    };
    let backup = |significant: &str| -> serde_json::Value {
        let out = lab
            .command(&["backup", "--all", "--json"])
            .env("NETRAVEN_GIT_SIGNIFICANT", significant)
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON")
    };
    let original = ios_variant(|t| t);
    let sim = serve(&original);
    assert_eq!(backup("true")["changed"], 1);
    assert_eq!(lab.commits(), 1);
    drop(sim);

    // Only the "last changed" stamps differ: not significant.
    let stamps = ios_variant(|t| {
        assert!(t.contains("09:37:40 CEST"), "the recording changed shape");
        t.replace("09:37:40 CEST", "11:11:11 CEST")
            .replace("09:37:37 CEST", "11:11:10 CEST")
    });
    let sim = serve(&stamps);
    assert_eq!(backup("true")["changed"], 0);
    assert_eq!(lab.commits(), 1);
    // The same change is committed when every byte counts.
    assert_eq!(backup("false")["changed"], 1);
    assert_eq!(lab.commits(), 2);
    let diff = lab.expect(0, &["diff", "ios-1"]);
    assert!(
        diff.contains("+! Last configuration change at 11:11:11"),
        "{diff}"
    );
    drop(sim);

    // A real change is committed in significant mode too.
    let real = ios_variant(|t| {
        t.replace(
            "    ! NVRAM config last updated at 09:37:37 CEST Tue Aug 20 2024 by oxidized\n",
            "    ! NVRAM config last updated at 09:37:37 CEST Tue Aug 20 2024 by oxidized\n    ntp server 192.0.2.123\n",
        )
    });
    let sim = serve(&real);
    assert_eq!(backup("true")["changed"], 1);
    assert_eq!(lab.commits(), 3);
    drop(sim);
}

#[test]
fn a_device_that_answers_in_user_mode_fails_and_keeps_its_last_good_configuration() {
    let lab = Lab::new(Db::Sqlite, &["ios"]);
    let serve = |corpus: &tempfile::TempDir| {
        lab.serve(&[
            "--corpus",
            &corpus.path().join("corpus").display().to_string(),
        ])
    };
    let original = ios_variant(|t| t);
    let sim = serve(&original);
    lab.expect(0, &["backup", "--all", "--json"]);
    assert_eq!(lab.commits(), 1);
    drop(sim);

    // The same switch, logged in at the user prompt (netraven-sim's
    // user-mode fault): IOS refuses `show running-config` there, while
    // show version and friends answer.
    let sim = lab.serve(&[
        "--corpus",
        &original.path().join("corpus").display().to_string(),
        "--fault",
        "user-mode=1",
    ]);
    let out = lab.run(&["backup", "--all", "--json"]);
    assert_eq!(out.status.code(), Some(2), "no device was backed up");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        summary["failures"][0]["class"], "command_rejected",
        "{summary}"
    );
    let message = summary["failures"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("\"show running-config\"") && message.contains("% Invalid input detected"),
        "{summary}"
    );
    // The last good configuration stays the only revision.
    assert_eq!(lab.commits(), 1);
    let history = lab.expect(0, &["history", "ios-1"]);
    assert_eq!(history.lines().count(), 1, "{history}");
    drop(sim);
}

#[test]
fn refused_commands_and_a_banner_through_a_job_store_exactly_what_they_should() {
    let lab = Lab::new(Db::Sqlite, &["ios"]);
    let sim = lab.serve_ios(4, &[]);
    lab.expect(0, &["backup", "--all", "--json"]);
    assert_eq!(lab.commits(), 1);
    let stored = |name: &str| lab.git(&["show", &format!("HEAD:sim/{name}")]);
    let before = stored("ios-1");
    drop(sim);

    // Faults go to the last devices: ios-4 refuses its configuration,
    // ios-3 its inventory, ios-2 greets with a banner full of prompt- and
    // pager-like lines. ios-1 stays healthy.
    let scratch = tempfile::tempdir().expect("tempdir");
    let banner = scratch.path().join("motd.txt");
    std::fs::write(
        &banner,
        "Authorised access only\nswitch#\n --More-- \nPassword:\n",
    )
    .expect("banner");
    let banner = format!("banner:{}=1", banner.display());
    let sim = lab.serve_ios(
        4,
        &[
            "reject:show running-config=1",
            "reject:show inventory=1",
            &banner,
        ],
    );
    let out = lab.run(&["backup", "--all", "--json"]);
    assert_eq!(out.status.code(), Some(1), "one device failed");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(summary["succeeded"], 3, "{summary}");
    let failure = &summary["failures"][0];
    assert_eq!(failure["device"], "ios-4", "{summary}");
    assert_eq!(failure["class"], "command_rejected", "{summary}");
    assert!(
        failure["message"]
            .as_str()
            .is_some_and(|m| m.contains("\"show running-config\"") && m.contains("% Invalid input")),
        "{summary}"
    );
    // ios-4 keeps its last good configuration; ios-1 and ios-2 (banner)
    // are unchanged; ios-3 lost exactly its inventory comments.
    assert_eq!(stored("ios-4"), before);
    assert_eq!(stored("ios-1"), before);
    assert_eq!(stored("ios-2"), before);
    let without = stored("ios-3");
    assert!(before.contains("! PID: C9200L-24P-4G"), "{before}");
    assert!(
        !without.contains("PID: ") && !without.contains("Invalid input"),
        "{without}"
    );
    let kept: Vec<&str> = before
        .lines()
        .filter(|l| !l.contains("PID: ") && !l.contains("NAME: "))
        .collect();
    let got: Vec<&str> = without.lines().filter(|l| *l != "! ").collect();
    let kept: Vec<&str> = kept.into_iter().filter(|l| *l != "! ").collect();
    assert_eq!(got, kept, "only the inventory's lines are gone");
    // The job log says what was left out and why.
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let store = rt.block_on(lab.store());
    let logs = rt.block_on(store.logs(2)).expect("logs");
    assert!(
        logs.iter().any(|l| l.device.as_deref() == Some("ios-3")
            && l.level == "warn"
            && l.message
                .contains("optional command \"show inventory\" left out")),
        "{logs:?}"
    );
    drop(sim);
}

#[test]
fn a_job_runs_in_one_process_at_a_time() {
    let lab = Lab::new(Db::Sqlite, &["ios"]);
    let sim = lab.serve_ios(2, &["hang-before-prompt=1"]);
    let created = lab.json(0, &["jobs", "create", "--all", "--json"]);
    let id = created["job"].as_i64().expect("job id").to_string();
    // The hanging device keeps the first run busy for its whole deadline.
    let first = lab
        .command(&["run-job", &id])
        .env("NETRAVEN_RUNTIME_DEADLINE_SECS", "8")
        .env("NETRAVEN_WORKER_RETRY_ATTEMPTS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("first run");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let store = rt.block_on(lab.store());
    let started = std::time::Instant::now();
    while rt
        .block_on(store.job(1))
        .ok()
        .flatten()
        .is_none_or(|j| j.status != "running")
    {
        assert!(
            started.elapsed().as_secs() < 60,
            "the first run never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let second = lab.run(&["run-job", &id]);
    one_line_error(&second, &[&format!("job {id}"), "already running"]);
    let out = first.wait_with_output().expect("first run");
    assert_eq!(out.status.code(), Some(1));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(summary["succeeded"], 1, "{summary}");
    assert_eq!(
        summary["failures"][0]["class"], "prompt_timeout",
        "{summary}"
    );
    drop(sim);
}

#[test]
fn configs_keep_their_secrets_only_when_redaction_is_off_for_configs() {
    let lab = Lab::new(Db::Sqlite, &["ios"]);
    let corpus = tempfile::tempdir().expect("tempdir");
    canary_corpus(corpus.path(), 1);
    let sim = lab.serve(&[
        "--corpus",
        &corpus.path().join("oxidized").display().to_string(),
    ]);
    let out = lab
        .command(&["backup", "--all", "--json"])
        .env("NETRAVEN_REDACTION_CONFIGS", "false")
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The archived config is the device's own text, secrets and all...
    let config = lab.git(&["show", "HEAD:sim/ios-1"]);
    assert!(
        config.contains("snmp-server community CANARY-COMM-0-q7 RO"),
        "{config}"
    );
    assert!(config.contains("password 0 CANARY-PW-0-q7"), "{config}");
    // ...while the transcript, the logs and the output stay redacted.
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dump = rt.block_on(async { lab.store().await.dump().await.expect("dump") });
    assert!(
        dump.contains(">>> show running-config"),
        "a transcript is stored"
    );
    for canary in ["CANARY-COMM-0-q7", "CANARY-PW-0-q7", "CANARY-EN-0-q7"] {
        assert!(!dump.contains(canary), "{canary} is in the database");
        assert!(!String::from_utf8_lossy(&out.stdout).contains(canary));
        assert!(!String::from_utf8_lossy(&out.stderr).contains(canary));
    }
    drop(sim);
}

#[test]
fn search_finds_lines_in_the_newest_configuration_of_every_device() {
    let lab = Lab::new(Db::Sqlite, &["ios"]);
    // Nothing archived yet: a clear error, not an empty answer.
    let out = lab.run(&["search", "hostname"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no archive yet"), "{err}");

    let sim = lab.serve_ios(3, &[]);
    lab.expect(0, &["backup", "--all", "--json"]);
    drop(sim);
    let devices: Vec<serde_json::Value> = lab
        .json(0, &["devices", "list", "--json"])
        .as_array()
        .expect("device list")
        .clone();
    let group = devices[0]["group"].as_str().expect("group").to_string();

    // One line per device, as group/device:line:text (not coloured in a pipe).
    let found = lab.expect(0, &["search", "^hostname "]);
    let lines: Vec<&str> = found.lines().collect();
    assert_eq!(lines.len(), 3, "{found}");
    for device in &devices {
        let name = device["name"].as_str().expect("name");
        let want = format!("{group}/{name}:49:hostname LAB-SW123_9200L");
        assert!(lines.contains(&want.as_str()), "{want} not in\n{found}");
    }
    assert!(!found.contains('\x1b'), "{found:?}");

    // The archive holds redacted configurations, and so does what search shows.
    let community = lab.expect(0, &["search", "snmp-server community"]);
    assert_eq!(community.lines().count(), 3, "{community}");
    assert!(!community.contains("public"), "{community}");

    // Case, groups and JSON.
    assert_eq!(lab.expect(0, &["search", "-i", "^HOSTNAME "]), found);
    let json = lab.json(0, &["search", "--group", &group, "--json", "^hostname "]);
    let matches = json.as_array().expect("array");
    assert_eq!(matches.len(), 3, "{json}");
    assert_eq!(matches[0]["line"], 49);
    assert_eq!(matches[0]["group"], group.as_str());
    assert_eq!(matches[0]["text"], "hostname LAB-SW123_9200L");
    // No match: exit 1, as grep; nothing printed.
    assert_eq!(
        lab.expect(1, &["search", "--group", "no-such-group", "hostname"]),
        ""
    );
    assert_eq!(lab.expect(1, &["search", "^no such line$"]), "");
    // A bad pattern: one line naming it, exit 2.
    let out = lab.run(&["search", "interface ("]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("search pattern \"interface (\""), "{err}");
}

#[test]
fn a_job_writes_prometheus_metrics_that_promtool_accepts_and_metrics_prints_the_same() {
    let lab = Lab::new(Db::Sqlite, &["ios"]);
    // The last of three devices refuses the password: auth_failed.
    let sim = lab.serve_ios(3, &["reject-password=1"]);
    let folder = lab.path().join("textfile-collector");
    std::fs::create_dir_all(&folder).expect("folder");
    let textfile = folder.join("netraven.prom");
    let backup = |code| {
        let out = lab
            .command(&["backup", "--all", "--json"])
            .env("NETRAVEN_METRICS_TEXTFILE", &textfile)
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(code),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    backup(1);
    let text = std::fs::read_to_string(&textfile).expect("metrics file");
    for sample in [
        "netraven_job_id 1\n",
        "netraven_job_devices{result=\"ok\"} 2\n",
        "netraven_job_devices{result=\"failed\"} 1\n",
        "netraven_job_failures{class=\"auth_failed\"} 1\n",
        "netraven_job_changed_devices 2\n",
    ] {
        assert!(text.contains(sample), "{sample:?} not in\n{text}");
    }
    let devices = lab.json(0, &["devices", "list", "--json"]);
    let names: Vec<&str> = devices
        .as_array()
        .expect("devices")
        .iter()
        .map(|d| d["name"].as_str().expect("name"))
        .collect();
    let samples = |metric: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with(&format!("{metric}{{")))
            .map(String::from)
            .collect()
    };
    let up = samples("netraven_device_up");
    assert_eq!(up.len(), 3, "{text}");
    assert_eq!(up.iter().filter(|l| l.ends_with(" 0")).count(), 1, "{text}");
    assert!(
        up.iter()
            .any(|l| l.contains(&format!("device=\"{}\"", names[2])) && l.ends_with(" 0")),
        "{text}"
    );
    // The failed device has never succeeded nor changed: no sample for those.
    assert_eq!(
        samples("netraven_device_last_success_timestamp_seconds").len(),
        2,
        "{text}"
    );
    assert_eq!(
        samples("netraven_device_last_changed_timestamp_seconds").len(),
        2,
        "{text}"
    );
    assert_eq!(
        samples("netraven_device_last_duration_seconds").len(),
        3,
        "{text}"
    );

    // Prometheus' own checker accepts the file.
    let file = std::fs::File::open(&textfile).expect("open");
    let check = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(file)
        .output()
        .expect("promtool (Debian package prometheus; tests/run installs it)");
    assert!(
        check.status.success(),
        "promtool: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    // Replaced whole: no temporary file left beside it.
    let left: Vec<_> = std::fs::read_dir(&folder)
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("netraven.prom")]);
    // `netraven metrics` prints the same from the database.
    assert_eq!(lab.expect(0, &["metrics"]), text);

    // A file that cannot be written is a job warning; the job is as it was.
    let out = lab
        .command(&["backup", "--all", "--json"])
        .env(
            "NETRAVEN_METRICS_TEXTFILE",
            lab.path().join("no/such/folder/netraven.prom"),
        )
        .output()
        .expect("run");
    drop(sim);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let logs = lab.expect(0, &["jobs", "show", "2"]);
    assert!(
        logs.contains("metrics file") && logs.contains("no/such/folder"),
        "{logs}"
    );
}

#[test]
fn hooks_get_each_event_as_json_and_never_hold_up_or_fail_the_job() {
    let lab = Lab::new(Db::Sqlite, &["ios"]);
    // Two devices; the second refuses the password.
    let sim = lab.serve_ios(2, &["reject-password=1"]);
    // A third whose name a shell would run, on the first device's port.
    let devices = lab.json(0, &["devices", "list", "--json"]);
    let first = &devices.as_array().expect("devices")[0];
    let pwned = lab.path().join("pwned");
    let evil = format!("$(touch {})", pwned.display());
    let port = first["port"].to_string();
    lab.expect(
        0,
        &[
            "devices",
            "add",
            &evil,
            "--address",
            "127.0.0.1",
            "--port",
            &port,
            "--model",
            "ios",
            "--group",
            first["group"].as_str().expect("group"),
            "--credential",
            first["credential"].as_str().expect("credential"),
        ],
    );
    let events = lab.path().join("events.jsonl");
    let config = lab.path().join("hooks.toml");
    let dev = std::fs::read_to_string(support::root().join("config/environments/dev.toml"))
        .expect("dev.toml");
    std::fs::write(
        &config,
        format!(
            "{dev}\n\
             [[hooks]]\nname = \"record\"\nevents = [\"device_changed\", \"device_failed\", \"job_finished\"]\n\
             command = [\"sh\", \"-c\", \"cat >> \\\"$0\\\"\", {events:?}]\n\
             [[hooks]]\nname = \"hangs\"\nevents = [\"job_finished\"]\ncommand = [\"sleep\", \"600\"]\ntimeout_secs = 1\n\
             [[hooks]]\nname = \"refuses\"\nevents = [\"device_failed\"]\ncommand = [\"sh\", \"-c\", \"echo no thanks >&2; exit 3\"]\n",
            events = events.display().to_string()
        ),
    )
    .expect("config");
    let started = std::time::Instant::now();
    let out = lab
        .command(&[
            "--config",
            &config.display().to_string(),
            "backup",
            "--all",
            "--json",
        ])
        .output()
        .expect("run");
    drop(sim);
    // The failed device makes it 1; the hooks change nothing.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(300),
        "the hanging hook held the job"
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("summary");
    assert_eq!(summary["succeeded"], 2, "{summary}");

    let lines = std::fs::read_to_string(&events).expect("events file");
    let events: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let of = |kind: &str| {
        events
            .iter()
            .filter(|e| e["event"] == kind)
            .collect::<Vec<_>>()
    };
    assert_eq!(of("device_changed").len(), 2, "{lines}");
    assert_eq!(of("device_failed").len(), 1, "{lines}");
    assert_eq!(of("job_finished").len(), 1, "{lines}");
    let failed = of("device_failed")[0];
    assert_eq!(failed["class"], "auth_failed", "{failed}");
    assert_eq!(failed["model"], "ios", "{failed}");
    assert_eq!(failed["job"], 1, "{failed}");
    let finished = of("job_finished")[0];
    assert_eq!(
        (finished["succeeded"].as_u64(), finished["failed"].as_u64()),
        (Some(2), Some(1))
    );
    // The changed devices name their commit, and the odd name arrived as data.
    let changed: Vec<&str> = of("device_changed")
        .iter()
        .map(|e| e["device"].as_str().expect("device"))
        .collect();
    assert!(changed.contains(&evil.as_str()), "{lines}");
    for e in of("device_changed") {
        let commit = e["commit"].as_str().expect("commit");
        assert_eq!(commit.len(), 40, "{e}");
    }
    assert!(!pwned.exists(), "a device name reached a shell");

    // What went wrong with hooks is in the job log, not in the job's result.
    let show = lab.expect(0, &["jobs", "show", "1"]);
    assert!(
        show.contains("hook \"hangs\" (job_finished): no answer in 1 s: killed"),
        "{show}"
    );
    assert!(
        show.contains("hook \"refuses\" (device_failed): exited with 3: no thanks"),
        "{show}"
    );
}

#[test]
fn under_the_drivers_lock_a_swapped_driver_is_refused_and_its_devices_fail_with_no_driver() {
    let lab = Lab::new(Db::Sqlite, &["ios", "junos"]);
    let sim = lab.serve_ios(1, &[]);
    let locks = |require: &str| -> Vec<(String, String)> {
        let out = lab
            .command(&["drivers", "list", "--json"])
            .env("NETRAVEN_RUNTIME_REQUIRE_LOCK", require)
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let listing: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let mut rows: Vec<(String, String)> = listing["drivers"]
            .as_array()
            .expect("drivers")
            .iter()
            .map(|d| {
                (
                    d["file"]
                        .as_str()
                        .expect("file")
                        .rsplit('/')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    d["lock"].as_str().expect("lock").to_string(),
                )
            })
            .collect();
        rows.extend(
            listing["skipped"]
                .as_array()
                .expect("skipped")
                .iter()
                .map(|p| {
                    let file = p["file"]
                        .as_str()
                        .expect("file")
                        .rsplit('/')
                        .next()
                        .unwrap_or("")
                        .to_string();
                    (file, p["error"].as_str().expect("error").to_string())
                }),
        );
        rows.sort();
        rows
    };
    let backup = |require: &str| -> (Option<i32>, serde_json::Value) {
        let out = lab
            .command(&["backup", "--all", "--json"])
            .env("NETRAVEN_RUNTIME_REQUIRE_LOCK", require)
            .output()
            .expect("run");
        (
            out.status.code(),
            serde_json::from_slice(&out.stdout).unwrap_or_default(),
        )
    };
    // Without a lock file: nothing is locked, and requiring one is an error naming it.
    assert_eq!(
        locks("false"),
        [
            ("ios.wasm".into(), "not locked".into()),
            ("junos.wasm".into(), "not locked".into())
        ]
    );
    let out = lab
        .command(&["backup", "--all"])
        .env("NETRAVEN_RUNTIME_REQUIRE_LOCK", "true")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("drivers.lock") && err.contains("netraven drivers lock"),
        "{err}"
    );

    let said = lab.expect(0, &["drivers", "lock"]);
    assert!(
        said.contains("locked 2 driver(s) in drivers.lock"),
        "{said}"
    );
    assert_eq!(
        locks("true"),
        [
            ("ios.wasm".into(), "locked".into()),
            ("junos.wasm".into(), "locked".into())
        ]
    );
    assert_eq!(backup("true").0, Some(0));

    // Someone swaps another driver in under ios.wasm's name.
    let ios = lab.drivers.path().join("ios.wasm");
    let locked_sha = netraven_sandbox::catalog::sha256_hex(&std::fs::read(&ios).expect("ios"));
    std::fs::copy(support::built().join("eos.wasm"), &ios).expect("swap");
    let swapped_sha = netraven_sandbox::catalog::sha256_hex(&std::fs::read(&ios).expect("ios"));
    assert_eq!(locks("false")[0], ("ios.wasm".into(), "changed".into()));
    let refused = locks("true");
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert_eq!(refused[1], ("junos.wasm".into(), "locked".into()));
    let (file, error) = &refused[0];
    assert_eq!(file, "ios.wasm");
    assert!(
        error.contains("refused")
            && error.contains(&locked_sha)
            && error.contains(&swapped_sha)
            && error.contains("drivers.lock"),
        "{error}"
    );
    // Its devices fail with no_driver; nothing is archived from the swapped file.
    let commits = lab.commits();
    let (code, summary) = backup("true");
    assert_eq!(code, Some(2), "{summary}");
    assert_eq!(summary["failures"][0]["class"], "no_driver", "{summary}");
    assert_eq!(lab.commits(), commits);

    // A file the lock does not name at all is refused too.
    std::fs::copy(
        support::built().join("eos.wasm"),
        lab.drivers.path().join("eos.wasm"),
    )
    .expect("copy");
    let refused = locks("true");
    let eos = refused
        .iter()
        .find(|(f, _)| f == "eos.wasm")
        .expect("eos refused");
    assert!(eos.1.contains("does not pin it"), "{eos:?}");
    drop(sim);
}

/// `git` on any repository (the tests' remotes), as root may read one
/// another user owns.
fn git_at(repo: &Path, args: &[&str]) -> String {
    support::lab::git_in(repo, args).trim().to_string()
}

/// The settings file with `extra` TOML after it, for a lab command's --config.
fn settings_with(lab: &Lab, extra: &str) -> String {
    let dev = std::fs::read_to_string(support::root().join("config/environments/dev.toml"))
        .expect("dev.toml");
    let path = lab.path().join("settings.toml");
    std::fs::write(&path, format!("{dev}\n{extra}")).expect("settings");
    path.display().to_string()
}

#[test]
fn the_archive_is_pushed_after_a_job_and_a_failed_push_waits_for_the_next() {
    let lab = Lab::new(Db::Sqlite, &["ios"]);
    let sim = lab.serve_ios(2, &[]);
    // The remote does not exist yet: the first push fails.
    let remote = lab.path().join("remote.git");
    let settings = settings_with(
        &lab,
        &format!(
            "[[git.remotes]]\nname = \"backup\"\nurl = \"file://{}\"\nbranch = \"configs\"\n",
            remote.display()
        ),
    );
    let run = |args: &[&str]| {
        let mut all = vec!["--config", settings.as_str()];
        all.extend(args);
        lab.run(&all)
    };
    let out = run(&["backup", "--all", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "a failed push fails no device: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = lab.expect(0, &["jobs", "show", "1"]);
    assert!(
        log.contains("push to backup (file://")
            && log.contains("failed after 3 attempts")
            && log.contains("the next job pushes it"),
        "{log}"
    );
    let tip = lab.git(&["rev-parse", "main"]).trim().to_string();

    // Once the remote is there, the next job pushes what is pending, though
    // it committed nothing itself.
    git_at(&remote, &["init", "-q", "--bare"]);
    let out = run(&["backup", "--all", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("summary");
    assert_eq!(summary["changed"], 0, "{summary}");
    assert_eq!(git_at(&remote, &["rev-parse", "configs"]), tip);
    let log = lab.expect(0, &["jobs", "show", "2"]);
    assert!(log.contains("pushed the archive to backup"), "{log}");
    // By hand: nothing new, no connection.
    let out = run(&["archive", "push"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("backup (file://"),
        "{out:?}"
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("up to date"),
        "{out:?}"
    );
    // An unknown remote name is a clear error.
    let out = run(&["archive", "push", "--remote", "gitlab"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("no remote named \"gitlab\" in [[git.remotes]] (configured: backup)")
    );
    drop(sim);
}

#[test]
fn the_archive_is_pushed_over_ssh_with_a_key_and_a_known_host_key_only() {
    let sshd = support::sshd::Sshd::start("ed25519", "");
    let lab = Lab::new(Db::Sqlite, &["ios"]);
    let sim = lab.serve_ios(1, &[]);
    // A bare repository the SSH user owns, outside the root-only temp dirs.
    let home = tempfile::tempdir().expect("remote dir");
    let remote = home.path().join("configs.git");
    git_at(&remote, &["init", "-q", "--bare"]);
    let chown = Command::new("chown")
        .args(["-R", support::sshd::USER])
        .arg(home.path())
        .status()
        .expect("chown");
    assert!(chown.success());
    let known = lab.path().join("known_hosts");
    std::fs::write(
        &known,
        format!("[127.0.0.1]:{} {}\n", sshd.port, sshd.host_key_line()),
    )
    .expect("known_hosts");
    let remote_toml = |known: &Path| {
        format!(
            "[[git.remotes]]\nname = \"lab\"\nurl = \"ssh://{}@127.0.0.1:{}{}\"\nkey_file = \"{}\"\nknown_hosts = \"{}\"\n",
            support::sshd::USER,
            sshd.port,
            remote.display(),
            sshd.client_key("ed25519").display(),
            known.display()
        )
    };
    let settings = settings_with(&lab, &remote_toml(&known));
    let out = lab.run(&["--config", &settings, "backup", "--all", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tip = lab.git(&["rev-parse", "main"]).trim().to_string();
    assert_eq!(
        git_at(&remote, &["rev-parse", "main"]),
        tip,
        "sshd: {}",
        sshd.log()
    );
    let log = lab.expect(0, &["jobs", "show", "1"]);
    assert!(
        log.contains("pushed the archive to lab (ssh://127.0.0.1:"),
        "{log}"
    );

    // A server whose key is not the known one gets nothing.
    let wrong = lab.path().join("known_hosts.wrong");
    let other = support::sshd::Sshd::start("ed25519", "");
    std::fs::write(
        &wrong,
        format!("[127.0.0.1]:{} {}\n", sshd.port, other.host_key_line()),
    )
    .expect("known_hosts");
    drop(other);
    git_at(&remote, &["update-ref", "-d", "refs/heads/main"]);
    lab.git(&["update-ref", "-d", "refs/netraven/pushed/lab"]);
    let settings = settings_with(&lab, &remote_toml(&wrong));
    let out = lab.run(&["--config", &settings, "archive", "push"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("push to lab (ssh://127.0.0.1:") && err.contains("verification failed"),
        "{err}"
    );
    assert!(
        Command::new("git")
            .args(["-c", "safe.directory=*", "--git-dir"])
            .arg(&remote)
            .args(["rev-parse", "--verify", "--quiet", "main"])
            .output()
            .expect("git")
            .stdout
            .is_empty()
    );
    drop(sim);
}

/// A NetBox stand-in on loopback: `/api/dcim/devices/` in pages of two,
/// shaped as NetBox's API documentation shows (`count`, `next`, `results`;
/// nested `platform`, `primary_ip4`, `site`, `tags`, `status`), for the token
/// `good-token` only; `bad` makes it answer a page that is not JSON.
struct FakeNetbox {
    port: u16,
    devices: std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>,
    bad: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl FakeNetbox {
    fn start(devices: Vec<serde_json::Value>) -> FakeNetbox {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let devices = std::sync::Arc::new(std::sync::Mutex::new(devices));
        let bad = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (list, broken) = (devices.clone(), bad.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut request = String::new();
                let _ = reader.read_line(&mut request);
                let mut token_ok = false;
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                        break;
                    }
                    let lower = header.to_ascii_lowercase();
                    if lower.starts_with("authorization:")
                        && header.trim_end().ends_with("Token good-token")
                    {
                        token_ok = true;
                    }
                }
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
                let offset: usize = path
                    .split(['?', '&'])
                    .find_map(|p| p.strip_prefix("offset="))
                    .and_then(|o| o.parse().ok())
                    .unwrap_or(0);
                let (status, body) = if !path.starts_with("/api/dcim/devices/") {
                    ("404 Not Found", r#"{"detail":"Not found."}"#.to_string())
                } else if !token_ok {
                    ("403 Forbidden", r#"{"detail":"Invalid token"}"#.to_string())
                } else if broken.load(std::sync::atomic::Ordering::SeqCst) {
                    (
                        "200 OK",
                        "<html><body>Maintenance</body></html>".to_string(),
                    )
                } else {
                    let all = list.lock().expect("devices").clone();
                    let next = (offset + 2 < all.len()).then(|| {
                        format!(
                            "http://127.0.0.1:{port}/api/dcim/devices/?limit=2&offset={}",
                            offset + 2
                        )
                    });
                    let page: Vec<_> = all.iter().skip(offset).take(2).cloned().collect();
                    (
                        "200 OK",
                        serde_json::json!({"count": all.len(), "next": next, "previous": null, "results": page})
                            .to_string(),
                    )
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        FakeNetbox { port, devices, bad }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn netbox_device(
    id: u64,
    name: Option<&str>,
    platform: Option<&str>,
    ip: Option<&str>,
    status: &str,
) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "url": format!("http://netbox/api/dcim/devices/{id}/"),
        "name": name,
        "platform": platform.map(|p| serde_json::json!({"id": 1, "name": p, "slug": p})),
        "primary_ip": ip.map(|a| serde_json::json!({"id": id, "family": 4, "address": format!("{a}/24")})),
        "primary_ip4": ip.map(|a| serde_json::json!({"id": id, "family": 4, "address": format!("{a}/24")})),
        "site": {"id": 1, "name": "DC 1", "slug": "dc1"},
        "tags": [{"id": 1, "name": "Core", "slug": "core"}, {"id": 2, "name": "PCI", "slug": "pci"}],
        "status": {"value": status, "label": status},
    })
}

#[test]
fn devices_sync_from_netbox_creates_updates_and_disables_but_never_deletes() {
    let lab = Lab::new(Db::Sqlite, &["ios", "junos"]);
    let mut add = lab
        .command(&["credentials", "add", "ops", "--user", "netops", "--stdin"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("credentials add");
    use std::io::Write;
    add.stdin
        .take()
        .expect("stdin")
        .write_all(b"pw-netbox-1\n")
        .expect("password");
    assert!(add.wait().expect("wait").success());

    let netbox = FakeNetbox::start(vec![
        netbox_device(1, Some("r1"), Some("cisco-ios"), Some("10.0.0.1"), "active"),
        netbox_device(
            2,
            Some("r2"),
            Some("juniper-junos"),
            Some("10.0.0.2"),
            "active",
        ),
        netbox_device(3, Some("r3"), Some("acme-os"), Some("10.0.0.3"), "active"),
        netbox_device(4, Some("r4"), Some("cisco_ios"), None, "offline"),
        netbox_device(5, Some("r5"), Some("ios"), None, "active"),
        netbox_device(6, None, Some("ios"), Some("10.0.0.6"), "active"),
    ]);
    let url = netbox.url();
    let sync = |token: &str, extra: &[&str]| {
        let mut args = vec![
            "devices",
            "sync",
            "netbox",
            "--url",
            url.as_str(),
            "--token-env",
            "NB_TOKEN",
            "--credential",
            "ops",
            "--platform",
            "juniper-junos=junos",
        ];
        args.extend(extra);
        lab.command(&args)
            .env("NB_TOKEN", token)
            .output()
            .expect("sync")
    };
    let names = || -> Vec<(String, String, String, bool)> {
        lab.json(0, &["devices", "list", "--json"])
            .as_array()
            .expect("devices")
            .iter()
            .map(|d| {
                (
                    d["name"].as_str().unwrap_or("").to_string(),
                    d["model"].as_str().unwrap_or("").to_string(),
                    d["address"].as_str().unwrap_or("").to_string(),
                    d["enabled"].as_bool().unwrap_or(true),
                )
            })
            .collect()
    };

    // A dry run says what it would do and changes nothing.
    let out = sync("good-token", &["--dry-run"]);
    assert_eq!(out.status.code(), Some(1), "skipped devices: exit 1");
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        said.contains("create  r1 (ios, 10.0.0.1, group dc1)"),
        "{said}"
    );
    assert!(names().is_empty());

    let out = sync("good-token", &[]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    for line in [
        "create  r1 (ios, 10.0.0.1, group dc1)",
        "create  r2 (junos, 10.0.0.2, group dc1)",
        "create  r4 (ios, r4, group dc1, disabled)",
        "skip    r3: platform \"acme-os\"",
        "map it in [netbox.platforms] or with --platform acme-os=MODEL",
        "skip    r5: it is active but has no primary IP",
        "skip    NetBox device #6: it has no name",
    ] {
        assert!(said.contains(line), "{line:?} not in\n{said}");
    }
    assert_eq!(
        names(),
        [
            ("r1".into(), "ios".into(), "10.0.0.1".into(), true),
            ("r2".into(), "junos".into(), "10.0.0.2".into(), true),
            ("r4".into(), "ios".into(), "r4".into(), false),
        ]
    );
    let r1 = lab.json(0, &["devices", "show", "r1", "--json"]);
    assert_eq!(r1["vars"]["netbox_tags"], "core,pci", "{r1}");
    assert_eq!(r1["vars"]["netbox_id"], "1", "{r1}");
    assert_eq!(r1["credential"], "ops");

    // r1 moves, r2 leaves NetBox: updated and disabled, not deleted.
    {
        let mut devices = netbox.devices.lock().expect("devices");
        devices[0]["primary_ip4"]["address"] = "10.0.0.9/24".into();
        devices.remove(1);
    }
    let out = sync("good-token", &[]);
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        said.contains("update  r1: address 10.0.0.1 -> 10.0.0.9"),
        "{said}"
    );
    assert!(
        said.contains("disable r2: NetBox no longer lists it"),
        "{said}"
    );
    let after = names();
    assert_eq!(
        after[0],
        ("r1".into(), "ios".into(), "10.0.0.9".into(), true)
    );
    assert_eq!(
        after[1],
        ("r2".into(), "junos".into(), "10.0.0.2".into(), false)
    );

    // A wrong token and a bad page: clear errors, nothing changed.
    let before = names();
    let out = sync("wrong-token-7c1d", &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        err.contains("NetBox refused the token (HTTP 403: Invalid token)"),
        "{err}"
    );
    assert!(!err.contains("wrong-token-7c1d"), "the token leaked: {err}");
    netbox.bad.store(true, std::sync::atomic::Ordering::SeqCst);
    let out = sync("good-token", &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        err.contains("/api/dcim/devices/") && err.contains("not a NetBox device list page"),
        "{err}"
    );
    assert_eq!(names(), before);

    // A device of the same name that NetBox sync did not make is left alone.
    netbox.bad.store(false, std::sync::atomic::Ordering::SeqCst);
    lab.expect(
        0,
        &[
            "devices",
            "add",
            "r7",
            "--address",
            "10.9.9.7",
            "--model",
            "ios",
            "--credential",
            "ops",
        ],
    );
    netbox.devices.lock().expect("devices").push(netbox_device(
        7,
        Some("r7"),
        Some("ios"),
        Some("10.0.0.7"),
        "active",
    ));
    let said = String::from_utf8_lossy(&sync("good-token", &[]).stdout).into_owned();
    assert!(said.contains("skip    r7: a device of this name is here already, not from NetBox; --adopt takes it over"), "{said}");
    let r7 = lab.json(0, &["devices", "show", "r7", "--json"]);
    assert_eq!(r7["address"], "10.9.9.7");

    // An empty answer does not disable everything it synced.
    netbox.devices.lock().expect("devices").clear();
    let out = sync("good-token", &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        err.contains("NetBox no longer lists 1 of the 1 enabled devices synced from it")
            && err.contains("--allow-disable-many"),
        "{err}"
    );
    assert!(
        names()
            .iter()
            .any(|(name, _, _, enabled)| name == "r1" && *enabled)
    );
    let out = sync("good-token", &["--allow-disable-many"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        names()
            .iter()
            .any(|(name, _, _, enabled)| name == "r1" && !*enabled)
    );
}

#[test]
fn a_job_that_ends_in_an_error_still_tells_its_job_finished_hooks() {
    let lab = Lab::new(Db::Sqlite, &["ios"]);
    let sim = lab.serve_ios(1, &[]);
    let events = lab.path().join("events.jsonl");
    let settings = settings_with(
        &lab,
        &format!(
            "[[hooks]]\nevents = [\"job_finished\"]\ncommand = [\"sh\", \"-c\", \"cat >> \\\"$0\\\"\", {:?}]\n",
            events.display().to_string()
        ),
    );
    // The archive's path is a folder of something else: the job cannot start its archive.
    let elsewhere = lab.path().join("not-an-archive");
    std::fs::create_dir_all(&elsewhere).expect("folder");
    std::fs::write(elsewhere.join("notes.txt"), "mine\n").expect("file");
    let out = lab
        .command(&["--config", &settings, "backup", "--all", "--json"])
        .env("NETRAVEN_GIT_REPOSITORY", &elsewhere)
        .output()
        .expect("run");
    drop(sim);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&events).expect("events file");
    let event: serde_json::Value = serde_json::from_str(text.trim()).expect("one event");
    assert_eq!(event["event"], "job_finished", "{event}");
    assert_eq!(event["status"], "error", "{event}");
    assert!(
        event["message"]
            .as_str()
            .is_some_and(|m| m.contains("not-an-archive")),
        "{event}"
    );
    // The folder is as it was.
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("notes.txt")).expect("kept"),
        "mine\n"
    );
}
