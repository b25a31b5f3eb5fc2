//! Pushing the archive to the team's git server (`[[git.remotes]]`).
//!
//! The push is the `git` program's: it brings OpenSSH with the machine's
//! known_hosts, proxies and the protocols every git server speaks, and it
//! is on every machine that has a git server to push to. NetRaven decides
//! when and with which credentials:
//!
//! - SSH: `key_file`, and `known_hosts` when the machine's own should not be
//!   used; the host key must be known (`StrictHostKeyChecking=yes`), and a
//!   passphrase or a password prompt is never waited for (`BatchMode`).
//! - HTTPS: a token read from the environment variable `token_env` by a
//!   credential helper at push time, so it is never on a command line, in a
//!   file or in a message.
//!
//! A push never forces: a remote branch with commits the archive lacks
//! refuses it, and nothing is lost on either side. What was pushed is
//! remembered as `refs/netraven/pushed/<remote>`, so a push with nothing new
//! makes no connection, and a failed one is retried by the next.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One `[[git.remotes]]` table.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RemoteConfig {
    /// A short name for messages and `netraven archive push --remote`.
    pub name: String,
    /// `ssh://git@host/group/configs.git`, `git@host:group/configs.git`,
    /// `https://host/group/configs.git` or `file:///srv/configs.git`.
    pub url: String,
    /// The remote branch the archive's `main` goes to.
    #[serde(default = "default_branch")]
    pub branch: String,
    /// SSH: the private key to push with (no passphrase).
    #[serde(default)]
    pub key_file: Option<PathBuf>,
    /// SSH: a known_hosts file that must hold the server's key; default:
    /// the user's and the machine's.
    #[serde(default)]
    pub known_hosts: Option<PathBuf>,
    /// HTTPS: the environment variable holding the access token.
    #[serde(default)]
    pub token_env: Option<String>,
    /// HTTPS: the user name sent with the token.
    #[serde(default = "default_token_user")]
    pub token_user: String,
}

fn default_branch() -> String {
    "main".into()
}

fn default_token_user() -> String {
    "oauth2".into()
}

/// Attempts per push, and the wait before the second.
const ATTEMPTS: u32 = 3;
const FIRST_WAIT: Duration = Duration::from_secs(2);

/// How a push ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    /// The remote branch now has these commits up to `to` (a commit id).
    Sent { to: String },
    /// Nothing new since the last push.
    UpToDate,
}

/// A push that did not happen: `remote` and git's own reason, on one line.
#[derive(Debug, thiserror::Error)]
#[error("push to {remote} ({url}) failed{after}: {reason}")]
pub struct PushError {
    pub remote: String,
    /// The URL without any user or password in it.
    pub url: String,
    pub after: String,
    pub reason: String,
}

impl RemoteConfig {
    /// Reject a remote that cannot work, naming the key.
    pub fn problem(&self) -> Option<String> {
        let name_ok = !self.name.is_empty()
            && !self.name.starts_with(['.', '-'])
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !name_ok {
            return Some(format!(
                "name = {:?}: letters, digits, '.', '_' and '-' only",
                self.name
            ));
        }
        if self.url.trim().is_empty() || self.url.starts_with('-') {
            return Some(format!("url = {:?}: not a git URL", self.shown_url()));
        }
        let http = self.url.starts_with("https://") || self.url.starts_with("http://");
        if http && self.shown_url() != self.url {
            return Some(format!(
                "url = {:?}: holds a user or password; give the token with token_env instead, so it is never on a command line",
                self.shown_url()
            ));
        }
        if self.token_env.is_some() && !self.url.starts_with("https://") {
            return Some("token_env: only an https:// url takes a token (over http it would cross the network in clear)".into());
        }
        if let Some(known) = &self.known_hosts
            && known.to_string_lossy().contains(char::is_whitespace)
        {
            return Some(format!(
                "known_hosts = {:?}: ssh reads a path with spaces as several files",
                known.display()
            ));
        }
        if let Some(var) = &self.token_env {
            let name = !var.is_empty()
                && !var.starts_with(|c: char| c.is_ascii_digit())
                && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !name {
                return Some(format!(
                    "token_env = {var:?}: not an environment variable name"
                ));
            }
        }
        if self.key_file.is_some() && (http || self.url.starts_with("file://")) {
            return Some("key_file: only an SSH url takes a key".into());
        }
        if self.branch.trim().is_empty() || self.branch.contains(char::is_whitespace) {
            return Some(format!("branch = {:?}: not a branch name", self.branch));
        }
        None
    }

    /// The URL as messages show it: no user or password.
    pub fn shown_url(&self) -> String {
        if let Some((scheme, rest)) = self.url.split_once("://") {
            let end = rest.find('/').unwrap_or(rest.len());
            if let Some(at) = rest[..end].rfind('@') {
                return format!("{scheme}://{}", &rest[at + 1..]);
            }
        }
        self.url.clone()
    }

    fn pushed_ref(&self) -> String {
        format!("refs/netraven/pushed/{}", self.name)
    }
}

/// Push the archive at `repository` (its `main`) to `remote`, retrying with
/// backoff. Blocking: run it off the event loop.
pub fn push(repository: &Path, remote: &RemoteConfig) -> Result<Pushed, PushError> {
    let fail = |after: String, reason: String| PushError {
        remote: remote.name.clone(),
        url: remote.shown_url(),
        after,
        reason,
    };
    let repo = git2::Repository::open_bare(repository).map_err(|e| {
        fail(
            String::new(),
            format!(
                "cannot open the archive {}: {}",
                repository.display(),
                e.message()
            ),
        )
    })?;
    let Ok(tip) = repo.refname_to_id(super::BRANCH) else {
        // Nothing archived yet.
        return Ok(Pushed::UpToDate);
    };
    if repo.refname_to_id(&remote.pushed_ref()).ok() == Some(tip) {
        return Ok(Pushed::UpToDate);
    }
    let tip_hex = tip.to_string();
    let mut wait = FIRST_WAIT;
    let mut reason = String::new();
    for attempt in 1..=ATTEMPTS {
        match push_once(repository, remote, &tip_hex) {
            Ok(()) => {
                // Remembered, so that the next job knows there is nothing new;
                // should this fail, that job only pushes again.
                let _ = repo.reference(&remote.pushed_ref(), tip, true, "netraven: pushed");
                return Ok(Pushed::Sent { to: tip_hex });
            }
            // Refused by the server: trying again changes nothing.
            Err(Failure::Refused(why)) => return Err(fail(String::new(), why)),
            Err(Failure::Transient(why)) => reason = why,
        }
        if attempt < ATTEMPTS {
            std::thread::sleep(wait);
            wait *= 2;
        }
    }
    Err(fail(format!(" after {ATTEMPTS} attempts"), reason))
}

enum Failure {
    Refused(String),
    Transient(String),
}

fn push_once(repository: &Path, remote: &RemoteConfig, tip: &str) -> Result<(), Failure> {
    let mut cmd = git(repository);
    if let Some(var) = &remote.token_env {
        // The helper reads the token from the environment when git asks,
        // so it never appears in an argument list (`ps`) or a file.
        if std::env::var_os(var).is_none() {
            return Err(Failure::Refused(format!(
                "token_env {var}: the variable is not set"
            )));
        }
        let helper = token_helper(&remote.token_user, var);
        cmd.args(["-c", "credential.helper="]);
        cmd.arg("-c").arg(format!("credential.helper={helper}"));
    }
    let mut ssh = vec![
        "ssh".to_string(),
        "-o".into(),
        "BatchMode=yes".into(),
        "-o".into(),
        "StrictHostKeyChecking=yes".into(),
        "-o".into(),
        "ConnectTimeout=15".into(),
        // A server that stops answering mid-push is given up on.
        "-o".into(),
        "ServerAliveInterval=15".into(),
        "-o".into(),
        "ServerAliveCountMax=4".into(),
    ];
    if let Some(key) = &remote.key_file {
        ssh.extend(["-o".into(), "IdentitiesOnly=yes".into(), "-i".into()]);
        ssh.push(quote(&key.display().to_string()));
    }
    if let Some(known) = &remote.known_hosts {
        ssh.extend([
            "-o".into(),
            format!("UserKnownHostsFile={}", quote(&known.display().to_string())),
        ]);
    }
    cmd.env("GIT_SSH_COMMAND", ssh.join(" "));
    cmd.args(["push", "--porcelain", &remote.url])
        .arg(format!("{tip}:refs/heads/{}", remote.branch));
    // NetRaven's own settings and secrets are not git's business; the token
    // variable is kept for the credential helper.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("NETRAVEN_") && Some(name.as_ref()) != remote.token_env.as_deref() {
            cmd.env_remove(name.as_ref());
        }
    }
    // HTTP(S): give up on a transfer slower than 1 kB/s for a minute.
    cmd.env("GIT_HTTP_LOW_SPEED_LIMIT", "1000")
        .env("GIT_HTTP_LOW_SPEED_TIME", "60");
    let out = run_with_deadline(cmd, PUSH_DEADLINE)?;
    if out.status.success() {
        return Ok(());
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // --porcelain: `!\t<from>:<to>\t[rejected] (fetch first)` and the like.
    if let Some(line) = stdout.lines().find(|l| l.starts_with('!')) {
        let why = line.split('\t').nth(2).unwrap_or(line).trim();
        return Err(Failure::Refused(format!(
            "the server refused it: {why} (the remote branch has commits the archive lacks, or is protected; nothing was forced)"
        )));
    }
    let stderr = without_userinfo(&stderr);
    let said = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .find(|l| l.starts_with("fatal:") || l.contains("denied") || l.contains("verification"))
        .or_else(|| stderr.lines().map(str::trim).rfind(|l| !l.is_empty()))
        .map_or_else(
            || format!("git push ended with {}", out.status),
            str::to_string,
        );
    // The server's key or our credentials are wrong: waiting changes nothing.
    if said.contains("verification failed") || said.contains("Permission denied") {
        return Err(Failure::Refused(said));
    }
    Err(Failure::Transient(said))
}

/// A git credential helper that answers with `user` and the token in the
/// environment variable `var`, read by the shell when git asks: the value
/// is in no argument list and no file.
fn token_helper(user: &str, var: &str) -> String {
    let var: String = var
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    format!(
        "!f() {{ test \"$1\" = get && printf 'username=%s\\npassword=%s\\n' '{}' \"${var}\"; }}; f",
        user.replace('\'', "")
    )
}

/// The longest one push may take before git is killed.
const PUSH_DEADLINE: Duration = Duration::from_secs(600);

/// Run `cmd` to its end, or kill it at `deadline`.
fn run_with_deadline(
    mut cmd: Command,
    deadline: Duration,
) -> Result<std::process::Output, Failure> {
    use std::io::Read;
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| Failure::Refused(format!("cannot run git: {e}")))?;
    // git push says little: its output fits the pipes while it runs.
    let started = std::time::Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < deadline => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Failure::Transient(format!(
                    "no end after {} s: git was stopped",
                    deadline.as_secs()
                )));
            }
            Err(e) => return Err(Failure::Transient(format!("waiting for git: {e}"))),
        }
    };
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_end(&mut stdout);
    }
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_end(&mut stderr);
    }
    Ok(std::process::Output {
        status,
        stdout,
        stderr,
    })
}

/// `text` with any `scheme://user:password@` cut to `scheme://`.
fn without_userinfo(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c == '/' || c.is_whitespace() || c == '\'')
            .unwrap_or(tail.len());
        rest = match tail[..end].rfind('@') {
            Some(user_end) => &tail[user_end + 1..],
            None => tail,
        };
    }
    out.push_str(rest);
    out
}

/// `git` on the archive, never prompting on a terminal.
fn git(repository: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("--git-dir")
        .arg(repository)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_ASKPASS")
        .env_remove("SSH_ASKPASS")
        .stdin(std::process::Stdio::null());
    cmd
}

/// A word for GIT_SSH_COMMAND, which git runs through the shell.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(url: &str) -> RemoteConfig {
        RemoteConfig {
            name: "origin".into(),
            url: url.into(),
            branch: "main".into(),
            key_file: None,
            known_hosts: None,
            token_env: None,
            token_user: "oauth2".into(),
        }
    }

    #[test]
    fn messages_never_show_a_password_in_the_url() {
        assert_eq!(
            remote("https://bob:s3cret@git.example.net/net/configs.git").shown_url(),
            "https://git.example.net/net/configs.git"
        );
        assert_eq!(
            remote("ssh://git@git.example.net/net/configs.git").shown_url(),
            "ssh://git.example.net/net/configs.git"
        );
        assert_eq!(
            remote("git@host:net/configs.git").shown_url(),
            "git@host:net/configs.git"
        );
    }

    #[test]
    fn the_token_helper_gives_git_the_token_from_the_environment() {
        use std::io::Write;
        let helper = token_helper("oauth2", "NR_TEST_TOKEN");
        assert!(!helper.contains("tok-3e7a"));
        let mut fill = Command::new("git")
            .args(["-c", "credential.helper="])
            .arg("-c")
            .arg(format!("credential.helper={helper}"))
            .args(["credential", "fill"])
            .env("NR_TEST_TOKEN", "tok-3e7a")
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("git credential fill");
        fill.stdin
            .take()
            .expect("stdin")
            .write_all(b"protocol=https\nhost=git.example.net\n\n")
            .expect("ask");
        let out = fill.wait_with_output().expect("git");
        let answer = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{answer}");
        assert!(answer.contains("username=oauth2\n"), "{answer}");
        assert!(answer.contains("password=tok-3e7a\n"), "{answer}");
    }

    #[test]
    fn git_messages_lose_any_user_and_password_in_a_url() {
        assert_eq!(
            without_userinfo(
                "fatal: unable to access 'https://bob:s3cret@git.example.net/x.git/': 403"
            ),
            "fatal: unable to access 'https://git.example.net/x.git/': 403"
        );
        assert_eq!(without_userinfo("no url here"), "no url here");
    }

    #[test]
    fn a_password_in_the_url_or_a_token_over_http_is_refused() {
        assert!(
            remote("https://bob:s3cret@host/c.git")
                .problem()
                .is_some_and(|p| !p.contains("s3cret"))
        );
        let mut r = remote("http://host/c.git");
        r.token_env = Some("TOKEN".into());
        assert!(r.problem().is_some_and(|p| p.starts_with("token_env")));
        let mut r = remote("file:///srv/c.git");
        r.name = "a b".into();
        assert!(r.problem().is_some_and(|p| p.starts_with("name")));
        assert!(remote("--upload-pack=x").problem().is_some());
    }

    #[test]
    fn a_token_needs_https_and_a_key_needs_ssh() {
        let mut r = remote("git@host:net/configs.git");
        r.token_env = Some("TOKEN".into());
        assert!(r.problem().is_some_and(|p| p.starts_with("token_env")));
        let mut r = remote("https://host/net/configs.git");
        r.key_file = Some("/k".into());
        assert!(r.problem().is_some_and(|p| p.starts_with("key_file")));
        assert_eq!(remote("file:///srv/c.git").problem(), None);
    }
}
