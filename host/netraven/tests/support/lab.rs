//! A working directory and a fresh database (SQLite, or its own database
//! on the PostgreSQL at 127.0.0.1:5432) for end-to-end runs of the
//! `netraven` command against `netraven-sim`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use netraven_store::{DatabaseConfig, Store};

use super::sim::Sim;

pub const PG_ADMIN: &str = "postgres://root@127.0.0.1:5432/test";

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// A working directory for `netraven` (its data/ lives there) and a fresh
/// database of the chosen kind.
pub struct Lab {
    pub dir: tempfile::TempDir,
    pub drivers: tempfile::TempDir,
    pub url: String,
    pub pg_name: Option<String>,
}

static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

impl Lab {
    pub fn new(db: Db, drivers: &[&str]) -> Lab {
        let dir = tempfile::tempdir().expect("tempdir");
        let (url, pg_name) = match db {
            Db::Sqlite => (
                format!("sqlite://{}", dir.path().join("data/netraven.db").display()),
                None,
            ),
            Db::Postgres => {
                let name = format!(
                    "nr_test_{}_{}",
                    std::process::id(),
                    NEXT_DB.fetch_add(1, Ordering::SeqCst)
                );
                pg_admin(&format!("DROP DATABASE IF EXISTS {name}"));
                pg_admin(&format!("CREATE DATABASE {name}"));
                (format!("postgres://root@127.0.0.1:5432/{name}"), Some(name))
            }
        };
        Lab {
            dir,
            drivers: super::drivers_dir(drivers),
            url,
            pg_name,
        }
    }

    /// A lab on a database of the caller's (e.g. a PostgreSQL server the
    /// test runs itself).
    pub fn on(url: &str, drivers: &[&str]) -> Lab {
        Lab {
            dir: tempfile::tempdir().expect("tempdir"),
            drivers: super::drivers_dir(drivers),
            url: url.to_string(),
            pg_name: None,
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        self.command_via(&[], args)
    }

    /// [`Lab::command`] run through `wrapper` (`["ip", "netns", "exec",
    /// NAME]`), the program and `args` after it.
    pub fn command_via(&self, wrapper: &[&str], args: &[&str]) -> Command {
        let program = env!("CARGO_BIN_EXE_netraven");
        let mut cmd = match wrapper.split_first() {
            Some((first, rest)) => {
                let mut cmd = Command::new(first);
                cmd.args(rest).arg(program);
                cmd
            }
            None => Command::new(program),
        };
        cmd.args(args)
            .current_dir(self.path())
            .env_remove("NETRAVEN_LOG")
            .env_remove("NETRAVEN_SECRET_KEY")
            .env_remove("NETRAVEN_CONFIG")
            .env("NETRAVEN_DATABASE_URL", &self.url)
            .env("NETRAVEN_RUNTIME_DRIVERS_DIR", self.drivers.path())
            .env(
                "NETRAVEN_RUNTIME_CACHE_DIR",
                super::root().join("target/test-driver-cache"),
            )
            .env("NETRAVEN_RUNTIME_MAX_INSTANCES", "64")
            .env("NETRAVEN_WORKER_RETRY_BACKOFF_SECS", "0.05")
            .env("NETRAVEN_WORKER_CONNECT_TIMEOUT_SECS", "5");
        cmd
    }

    /// Start `netraven-sim` with `args` and import the lab it writes.
    pub fn serve(&self, args: &[&str]) -> Sim {
        let sim = Sim::start(args);
        self.expect(
            0,
            &["devices", "import", &sim.inventory.display().to_string()],
        );
        sim
    }

    /// [`Lab::serve`] `copies` of the corpus's C9200L IOS recording, the
    /// last devices misbehaving as `faults` (e.g. `"refuse=1"`).
    pub fn serve_ios(&self, copies: usize, faults: &[&str]) -> Sim {
        let copies = copies.to_string();
        let mut args = vec![
            "--corpus",
            "tests/corpus/oxidized",
            "--case",
            "ios#C9200L*",
            "--copies",
            &copies,
        ];
        for fault in faults {
            args.extend(["--fault", fault]);
        }
        self.serve(&args)
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run netraven")
    }

    /// Run, expect exit `code`, return stdout.
    pub fn expect(&self, code: i32, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "netraven {args:?}\nstdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn json(&self, code: i32, args: &[&str]) -> serde_json::Value {
        let text = self.expect(code, args);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{text}"))
    }

    pub fn repo(&self) -> PathBuf {
        self.path().join("data/configs.git")
    }

    pub fn git(&self, args: &[&str]) -> String {
        git_in(&self.repo(), args)
    }

    pub fn commits(&self) -> usize {
        self.git(&["rev-list", "--count", "HEAD"])
            .trim()
            .parse()
            .expect("a count")
    }

    pub async fn store(&self) -> Store {
        Store::open(&DatabaseConfig {
            url: self.url.clone(),
            ..DatabaseConfig::default()
        })
        .await
        .expect("open the store")
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name {
            pg_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

pub fn pg_admin(sql: &str) {
    let sql = sql.to_string();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(PG_ADMIN)
                .await
                .expect("PostgreSQL on 127.0.0.1:5432");
            sqlx::raw_sql(&sql).execute(&mut conn).await.expect(&sql);
        });
    })
    .join()
    .expect("pg admin thread");
}

/// `git` on the repository at `repo` (the lab's archive, a test's remote),
/// as root may read one another user owns; its stdout, as printed.
pub fn git_in(repo: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "safe.directory=*", "--git-dir"])
        .arg(repo)
        .args(args)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
