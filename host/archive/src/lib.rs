//! The configuration archive: a bare git repository holding one file per
//! device at `<group>/<name>`, on the branch `refs/heads/main`.
//!
//! Every backup run ends in a few commits, each covering a batch of devices,
//! so the history reads as "what changed in job 42". Three things shape the
//! code:
//!
//! - **Scale.** A first run may add 10,000 devices to one group directory. A
//!   commit is therefore built as an edit of the current tree
//!   ([`TreeUpdateBuilder`]), and a device whose bytes have not changed is
//!   spotted by hashing (no object is written for it). The cost of a batch is
//!   the size of the batch plus one rewrite of each directory it touches.
//! - **One writer.** Only one NetRaven process may move the branch at a time:
//!   each batch holds an exclusive lock on `<repo>/netraven.lock` from reading
//!   the tip to updating the ref, and the ref update names the tip it read as
//!   the parent, so a writer that is not NetRaven makes the commit fail rather
//!   than lose a commit.
//! - **Crash safety.** libgit2 writes objects to a temporary file and renames
//!   them into place, and moves refs by writing `<ref>.lock` and renaming it.
//!   A kill at any point leaves either the old tip or the new one, plus at worst
//!   some unreferenced objects (which `git fsck` accepts) or a stale
//!   `refs/heads/main.lock`, which the next batch removes (see
//!   [`Archive::commit_batch`]). Nothing here writes repository files by hand.
//!   libgit2 does not fsync by default: this survives a killed process, not a
//!   power cut.
//!
//! May use: git2 (libgit2), the filesystem under the repository path, and
//! `similar` for diffs; [`push`] runs the `git` program to send the branch
//! to the configured remotes, the only network this crate touches. Must not
//! use: the database or wasm; it knows nothing of jobs beyond the job ids in
//! commit messages. Errors are an
//! [`ArchiveError`], one line naming the repository and the step that failed.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt::Display;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use git2::build::TreeUpdateBuilder;
use git2::{
    Commit, ErrorCode, FileMode, ObjectType, Oid, Repository, RepositoryInitOptions, Signature,
    Tree,
};

#[derive(Debug, Clone, serde::Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct GitConfig {
    /// Bare repository holding one file per device, `<group>/<name>`.
    pub repository: PathBuf,
    pub author_name: String,
    pub author_email: String,
    /// Do not commit a change that only touches lines the driver calls
    /// volatile (its `significant` view is unchanged).
    pub significant: bool,
    /// Most changed configurations in one commit.
    pub batch: usize,
    /// Where the archive is pushed after each job that committed.
    pub remotes: Vec<push::RemoteConfig>,
}

impl Default for GitConfig {
    fn default() -> Self {
        GitConfig {
            repository: PathBuf::from("data/configs.git"),
            author_name: "NetRaven".into(),
            author_email: "netraven@localhost".into(),
            significant: false,
            batch: 500,
            remotes: Vec::new(),
        }
    }
}

mod error;
pub mod push;
pub use error::ArchiveError;

/// The branch the archive lives on. HEAD points here.
const BRANCH: &str = "refs/heads/main";

/// The file NetRaven processes lock, inside the repository, while writing.
const LOCK_FILE: &str = "netraven.lock";

/// Who the archive's commits are by (author and committer alike).
#[derive(Debug, Clone)]
pub struct Author {
    pub name: String,
    pub email: String,
}

/// One device's freshly retrieved configuration, to be archived.
#[derive(Debug, Clone)]
pub struct Change {
    pub job_id: i64,
    pub device: String,
    pub group: String,
    /// The configuration as the driver returned it (already redacted).
    pub config: String,
    /// Compare the driver's "significant" views (the configuration with
    /// volatile lines such as timestamps and counters taken out) of the new
    /// and the archived configuration, not their bytes: when the views
    /// match, the change is not committed. `false` commits on any change of
    /// bytes.
    pub significant: bool,
}

/// What became of one [`Change`]. Commit ids are full hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The configuration was new or changed, and is in this commit.
    Committed(String),
    /// The archive already held these exact bytes. The id is the branch tip
    /// after the batch (which holds the same bytes).
    Unchanged(Option<String>),
    /// The bytes differ but only in lines the driver calls volatile, so the
    /// archived version was kept. The id is the branch tip after the batch.
    Insignificant(Option<String>),
}

/// One commit in the history of a device's configuration.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Revision {
    /// Full hex commit id.
    pub id: String,
    /// Commit time, in seconds since the Unix epoch.
    pub time: i64,
    /// The author's name.
    pub author: String,
    /// The first line of the commit message, e.g. `job 42: core/r1`.
    pub subject: String,
}

/// The path of a device's file in the archive: `<group>/<name>`.
///
/// Each part is made safe for a git tree: `/`, `\` and NUL become `_` (so a
/// name cannot add directories), and leading dots are dropped (so no part can
/// be `.`, `..` or `.git`). A part left empty becomes `_`. Two devices whose
/// names differ only in those characters share a file.
pub fn device_path(group: &str, name: &str) -> String {
    format!("{}/{}", path_part(group), path_part(name))
}

/// One part of [`device_path`], made safe as a file or folder name.
pub fn path_part(part: &str) -> String {
    let cleaned: String = part
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | '\0') {
                '_'
            } else {
                c
            }
        })
        .collect();
    match cleaned.trim_start_matches('.') {
        "" => "_".to_string(),
        kept => kept.to_string(),
    }
}

/// A git repository of device configurations.
///
/// Use one `Archive` from one thread at a time (it is `Send`, not `Sync`).
/// Several `Archive`s, in one process or several, may share a repository:
/// writes take turns on the repository's lock file.
pub struct Archive {
    repo: Repository,
    /// The path as the caller gave it, for error messages.
    path: PathBuf,
    author: Author,
}

/// A device's file changing in one commit: what it was before and after.
struct Touch<'r> {
    commit: Commit<'r>,
    before: Option<Oid>,
    after: Option<Oid>,
}

impl Archive {
    /// Open the bare repository at `path`, creating it (with HEAD on
    /// `refs/heads/main`) when nothing is there yet or the directory is empty.
    /// A non-empty directory that is not a bare repository is an error, so a
    /// typo cannot scatter git files over something else.
    pub fn open(path: &Path, author: Author) -> Result<Archive, ArchiveError> {
        let repo = match Repository::open_bare(path) {
            Ok(repo) => repo,
            Err(e) if e.code() == ErrorCode::NotFound => create(path)?,
            Err(e) => {
                return Err(ArchiveError::Unusable {
                    repo: path.to_path_buf(),
                    step: None,
                    reason: e.message().to_string(),
                });
            }
        };
        if !repo.is_bare() {
            return Err(ArchiveError::Unusable {
                repo: path.to_path_buf(),
                step: None,
                reason: "is a git work tree, not a bare repository".to_string(),
            });
        }
        Ok(Archive {
            repo,
            path: path.to_path_buf(),
            author,
        })
    }

    /// Archive a batch of configurations as one commit on the branch.
    ///
    /// Only devices whose configuration changed go into the commit; when none
    /// did, no commit is made. `significant_of(change, text)` turns `text`,
    /// the archived or the new configuration of `change`'s device, into its
    /// significant view (the change says which device, hence which driver).
    /// Both views come from the same function, so they compare like for like
    /// (both redacted alike). It is called only for a [`Change`] with
    /// `significant` set whose bytes differ from the archived ones, and while
    /// the archive is locked; `None` means "cannot tell", which commits.
    ///
    /// The outcomes are in the order of `changes`. Should a device appear twice,
    /// the later entry is compared with the earlier one and wins.
    ///
    /// A `refs/heads/main.lock` left behind by a killed writer is removed and
    /// the update retried once: while this process holds `netraven.lock`, no
    /// other NetRaven process can be halfway through moving the branch.
    pub fn commit_batch(
        &self,
        changes: &[Change],
        significant_of: &dyn Fn(&Change, &str) -> Option<String>,
    ) -> Result<Vec<Outcome>, ArchiveError> {
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        let _lock = self.lock()?;
        let tip = self.tip()?;
        let tree = match &tip {
            Some(commit) => commit
                .tree()
                .map_err(|e| self.git_failed("reading the tip's tree", e))?,
            None => self.empty_tree()?,
        };

        enum Verdict {
            Changed,
            Unchanged,
            Insignificant,
        }
        let mut verdicts = Vec::with_capacity(changes.len());
        // Paths staged in this commit: the blob, and the change it came from.
        let mut staged: HashMap<String, (Oid, usize)> = HashMap::new();
        let mut staged_order: Vec<String> = Vec::new();

        // Each group's directory, read once per batch. A group of 10,000
        // devices is a tree of ~400 KB, which libgit2's object cache does not
        // keep (it skips trees over 4 KB), so looking up every device by its
        // full path would re-read that tree per device: quadratic in the group.
        let mut groups: HashMap<String, Option<Tree<'_>>> = HashMap::new();

        for (index, change) in changes.iter().enumerate() {
            let (dir, file) = (path_part(&change.group), path_part(&change.device));
            let path = format!("{dir}/{file}");
            let bytes = change.config.as_bytes();
            let new_id = Oid::hash_object(ObjectType::Blob, bytes)
                .map_err(|e| self.device_failed(&path, "hashing", e))?;
            let old_id = match staged.get(&path) {
                Some(&(id, _)) => Some(id),
                None => {
                    let group = match groups.entry(dir) {
                        Entry::Occupied(known) => known.into_mut(),
                        Entry::Vacant(new) => {
                            let subtree = self.subtree(&tree, new.key())?;
                            new.insert(subtree)
                        }
                    };
                    group
                        .as_ref()
                        .and_then(|group| group.get_name(&file))
                        .map(|entry| entry.id())
                }
            };
            if old_id == Some(new_id) {
                verdicts.push(Verdict::Unchanged);
                continue;
            }
            if let (true, Some(old_id)) = (change.significant, old_id) {
                let old_text = match staged.get(&path) {
                    Some(&(_, earlier)) => changes[earlier].config.clone(),
                    None => self.text(old_id, &path)?,
                };
                let old_view = significant_of(change, &old_text);
                if old_view.is_some() && old_view == significant_of(change, &change.config) {
                    verdicts.push(Verdict::Insignificant);
                    continue;
                }
            }
            let written = self
                .repo
                .blob(bytes)
                .map_err(|e| self.device_failed(&path, "writing", e))?;
            if staged.insert(path.clone(), (written, index)).is_none() {
                staged_order.push(path);
            }
            verdicts.push(Verdict::Changed);
        }

        let mut committed = None;
        if !staged.is_empty() {
            // libgit2 refuses two updates of one path, so each goes in once.
            let mut updates = TreeUpdateBuilder::new();
            for path in &staged_order {
                updates.upsert(path.as_str(), staged[path].0, FileMode::Blob);
            }
            let new_tree_id = updates
                .create_updated(&self.repo, &tree)
                .map_err(|e| self.git_failed("building the tree", e))?;
            // A device changed and changed back within the batch leaves the
            // tree as it was: nothing to record.
            if new_tree_id != tree.id() {
                let jobs = staged_order
                    .iter()
                    .map(|path| changes[staged[path].1].job_id);
                let message = commit_message(jobs, &staged_order);
                committed = Some(self.commit(tip.as_ref(), new_tree_id, &message)?);
            }
        }

        let committed = committed.map(|id| id.to_string());
        let tip_after = committed.clone().or(tip.map(|c| c.id().to_string()));
        Ok(verdicts
            .into_iter()
            .map(|verdict| match verdict {
                Verdict::Changed => match &committed {
                    Some(id) => Outcome::Committed(id.clone()),
                    None => Outcome::Unchanged(tip_after.clone()),
                },
                Verdict::Unchanged => Outcome::Unchanged(tip_after.clone()),
                Verdict::Insignificant => Outcome::Insignificant(tip_after.clone()),
            })
            .collect())
    }

    /// The commits that changed a device's configuration, newest first.
    /// Empty when the device was never archived.
    pub fn history(&self, group: &str, name: &str) -> Result<Vec<Revision>, ArchiveError> {
        let path = device_path(group, name);
        let Some(tip) = self.tip()? else {
            return Ok(Vec::new());
        };
        let touches = self.touches(tip, &path, usize::MAX)?;
        Ok(touches
            .iter()
            .map(|touch| {
                let commit = &touch.commit;
                Revision {
                    id: commit.id().to_string(),
                    time: commit.time().seconds(),
                    author: String::from_utf8_lossy(commit.author().name_bytes()).into_owned(),
                    subject: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default())
                        .into_owned(),
                }
            })
            .collect())
    }

    /// Every configuration at the branch tip, as `(group, name, text)` in
    /// path order: the newest archived configuration of every device (the
    /// names as [`device_path`] wrote them). Empty when nothing is archived.
    pub fn newest(&self) -> Result<Vec<(String, String, String)>, ArchiveError> {
        let Some(tip) = self.tip()? else {
            return Ok(Vec::new());
        };
        let tree = tip
            .tree()
            .map_err(|e| self.git_failed(format_args!("reading commit {}", tip.id()), e))?;
        let mut configs = Vec::new();
        for group in tree.iter() {
            let (Some(group_name), Some(ObjectType::Tree)) = (group.name(), group.kind()) else {
                continue;
            };
            let folder = self
                .repo
                .find_tree(group.id())
                .map_err(|e| self.git_failed(format_args!("reading folder {group_name}"), e))?;
            for device in folder.iter() {
                let (Some(name), Some(ObjectType::Blob)) = (device.name(), device.kind()) else {
                    continue;
                };
                let path = format!("{group_name}/{name}");
                let text = self.text(device.id(), &path)?;
                configs.push((group_name.to_string(), name.to_string(), text));
            }
        }
        Ok(configs)
    }

    /// A device's configuration as of `rev` (any git revision: a commit id,
    /// `HEAD~2`, ...), or as of the branch tip when `rev` is `None`.
    pub fn show(&self, group: &str, name: &str, rev: Option<&str>) -> Result<String, ArchiveError> {
        let path = device_path(group, name);
        let commit = self.resolve(rev)?;
        match self.entry_in(&commit, &path)? {
            Some(id) => self.text(id, &path),
            None => Err(self.absent(&path, &commit)),
        }
    }

    /// The last change to a device's configuration as of `rev` (default: the
    /// branch tip), as a unified diff with 3 lines of context and headers
    /// `a/<path>` and `b/<path>`. When `rev` itself changed the file that is
    /// the change from `rev`'s parent to `rev`; otherwise it is the latest
    /// change before `rev`. Empty when the configuration has only one version.
    pub fn diff(&self, group: &str, name: &str, rev: Option<&str>) -> Result<String, ArchiveError> {
        let path = device_path(group, name);
        let commit = self.resolve(rev)?;
        if self.entry_in(&commit, &path)?.is_none() {
            return Err(self.absent(&path, &commit));
        }
        let Some(last) = self.touches(commit, &path, 1)?.pop() else {
            return Ok(String::new());
        };
        let (Some(before), Some(after)) = (last.before, last.after) else {
            return Ok(String::new());
        };
        let old = self.text(before, &path)?;
        let new = self.text(after, &path)?;
        Ok(similar::TextDiff::from_lines(&old, &new)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string())
    }

    /// Take the archive's write lock, waiting for any other writer.
    /// Released when the returned file is dropped (or the process dies).
    fn lock(&self) -> Result<File, ArchiveError> {
        let path = self.repo.path().join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| self.lock_failed("opening", &path, e))?;
        file.lock()
            .map_err(|e| self.lock_failed("locking", &path, e))?;
        Ok(file)
    }

    /// Write a commit of `tree` on top of `parent` and move the branch to it.
    fn commit(
        &self,
        parent: Option<&Commit<'_>>,
        tree: Oid,
        message: &str,
    ) -> Result<Oid, ArchiveError> {
        let who = Signature::now(&self.author.name, &self.author.email)
            .map_err(|e| self.git_failed("commit author", e))?;
        let tree = self
            .repo
            .find_tree(tree)
            .map_err(|e| self.git_failed("reading the new tree", e))?;
        let parents: Vec<&Commit<'_>> = parent.into_iter().collect();
        let attempt = || {
            self.repo
                .commit(Some(BRANCH), &who, &who, message, &tree, &parents)
        };
        let result = match attempt() {
            Err(e) if e.code() == ErrorCode::Locked => {
                // We hold netraven.lock, so no NetRaven process is moving the
                // branch: its lock file was left by a writer that was killed
                // between creating it and renaming it into place.
                let stale = self.repo.path().join(format!("{BRANCH}.lock"));
                tracing::warn!(lock = %stale.display(), "archive: removing a stale ref lock");
                fs::remove_file(&stale)
                    .map_err(|io| self.lock_failed("removing stale lock", &stale, io))?;
                attempt()
            }
            other => other,
        };
        result.map_err(|e| self.git_failed(format_args!("updating {BRANCH}"), e))
    }

    /// The commit the branch points at; `None` before the first commit.
    /// The device paths that commits of job `job` hold, each with its
    /// newest such commit, from commits made at or after `since` (unix
    /// seconds). A rerun of a killed job uses it: a device committed just
    /// before the kill, whose result row was never written, was still
    /// changed by this job. Only commit messages are read, not trees.
    pub fn committed_by_job(
        &self,
        job: i64,
        since: i64,
    ) -> Result<HashMap<String, String>, ArchiveError> {
        let mut found = HashMap::new();
        let Some(tip) = self.tip()? else {
            return Ok(found);
        };
        let mut commit = Some(tip);
        while let Some(c) = commit {
            if c.time().seconds() < since {
                break;
            }
            let message = c.message().unwrap_or("");
            let mut lines = message.lines();
            let subject = lines.next().unwrap_or("");
            if let Some((jobs, rest)) = subject.split_once(": ") {
                let ids: Vec<&str> = jobs
                    .trim_start_matches("jobs ")
                    .trim_start_matches("job ")
                    .split(", ")
                    .collect();
                if ids.contains(&job.to_string().as_str()) {
                    let id = c.id().to_string();
                    let paths: Vec<&str> = if rest.ends_with(" configurations") {
                        lines.filter(|l| !l.is_empty()).collect()
                    } else {
                        vec![rest]
                    };
                    for path in paths {
                        found.entry(path.to_string()).or_insert_with(|| id.clone());
                    }
                }
            }
            commit = c.parents().next();
        }
        Ok(found)
    }

    fn tip(&self) -> Result<Option<Commit<'_>>, ArchiveError> {
        let id = match self.repo.refname_to_id(BRANCH) {
            Ok(id) => id,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(self.git_failed(format_args!("reading {BRANCH}"), e)),
        };
        self.repo
            .find_commit(id)
            .map(Some)
            .map_err(|e| self.git_failed(format_args!("reading commit {id}"), e))
    }

    fn resolve(&self, rev: Option<&str>) -> Result<Commit<'_>, ArchiveError> {
        match rev {
            None => self.tip()?.ok_or_else(|| ArchiveError::Empty {
                repo: self.path.clone(),
            }),
            Some(spec) => self
                .repo
                .revparse_single(spec)
                .and_then(|object| object.peel_to_commit())
                .map_err(|cause| ArchiveError::BadRevision {
                    repo: self.path.clone(),
                    revision: spec.to_string(),
                    cause,
                }),
        }
    }

    /// The first commit of an archive is an edit of the empty tree.
    fn empty_tree(&self) -> Result<Tree<'_>, ArchiveError> {
        self.repo
            .treebuilder(None)
            .and_then(|builder| builder.write())
            .and_then(|id| self.repo.find_tree(id))
            .map_err(|e| self.git_failed("writing the empty tree", e))
    }

    /// The directory `name` directly under `tree`, if there is one.
    fn subtree(&self, tree: &Tree<'_>, name: &str) -> Result<Option<Tree<'_>>, ArchiveError> {
        match tree.get_name(name) {
            Some(entry) if entry.kind() == Some(ObjectType::Tree) => self
                .repo
                .find_tree(entry.id())
                .map(Some)
                .map_err(|e| self.git_failed(format_args!("reading directory {name}"), e)),
            _ => Ok(None),
        }
    }

    /// The blob id at `path` in `tree`, if there is one.
    fn entry(&self, tree: &Tree<'_>, path: &str) -> Result<Option<Oid>, ArchiveError> {
        match tree.get_path(Path::new(path)) {
            Ok(entry) => Ok(Some(entry.id())),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(self.device_failed(path, "looking up", e)),
        }
    }

    fn entry_in(&self, commit: &Commit<'_>, path: &str) -> Result<Option<Oid>, ArchiveError> {
        let tree = commit
            .tree()
            .map_err(|e| self.git_failed(format_args!("reading commit {}", commit.id()), e))?;
        self.entry(&tree, path)
    }

    /// A blob as text. Configurations are stored from Rust strings, so only a
    /// file written by something else could be other than UTF-8.
    fn text(&self, id: Oid, path: &str) -> Result<String, ArchiveError> {
        let blob = self
            .repo
            .find_blob(id)
            .map_err(|e| self.device_failed(path, "reading", e))?;
        Ok(String::from_utf8_lossy(blob.content()).into_owned())
    }

    /// The commits, from `start` back along first parents, in which `path`
    /// changed: at most `limit` of them, newest first. Archive history is a
    /// single line, so this is one tree lookup per commit.
    fn touches<'r>(
        &'r self,
        start: Commit<'r>,
        path: &str,
        limit: usize,
    ) -> Result<Vec<Touch<'r>>, ArchiveError> {
        let mut found = Vec::new();
        let mut commit = start;
        let mut after = self.entry_in(&commit, path)?;
        while found.len() < limit {
            let parent = match commit.parent_count() {
                0 => None,
                _ => Some(commit.parent(0).map_err(|e| {
                    self.git_failed(format_args!("reading the parent of {}", commit.id()), e)
                })?),
            };
            let before = match &parent {
                Some(parent) => self.entry_in(parent, path)?,
                None => None,
            };
            if before != after {
                found.push(Touch {
                    commit: commit.clone(),
                    before,
                    after,
                });
            }
            match parent {
                Some(parent) => (commit, after) = (parent, before),
                None => break,
            }
        }
        Ok(found)
    }

    fn absent(&self, path: &str, commit: &Commit<'_>) -> ArchiveError {
        ArchiveError::NotFound {
            repo: self.path.clone(),
            device: path.to_string(),
            revision: commit.id().to_string(),
        }
    }

    /// A libgit2 call failed at `step`.
    fn git_failed(&self, step: impl Display, cause: git2::Error) -> ArchiveError {
        ArchiveError::Git {
            repo: self.path.clone(),
            device: None,
            step: step.to_string(),
            cause,
        }
    }

    /// A libgit2 call failed at `step` on the file of the device at `path`.
    fn device_failed(&self, path: &str, step: &str, cause: git2::Error) -> ArchiveError {
        ArchiveError::Git {
            repo: self.path.clone(),
            device: Some(path.to_string()),
            step: step.to_string(),
            cause,
        }
    }

    /// Opening, locking or removing the lock file `lock` failed.
    fn lock_failed(&self, step: &'static str, lock: &Path, cause: io::Error) -> ArchiveError {
        ArchiveError::Lock {
            repo: self.path.clone(),
            step,
            lock: lock.to_path_buf(),
            cause,
        }
    }
}

/// `job 42: core/r1`, or for several devices `job 42: 3 configurations`
/// followed by one path per line.
fn commit_message(jobs: impl Iterator<Item = i64>, paths: &[String]) -> String {
    let mut jobs: Vec<i64> = jobs.collect();
    jobs.sort_unstable();
    jobs.dedup();
    let jobs = match jobs.as_slice() {
        [one] => format!("job {one}"),
        several => {
            let ids: Vec<String> = several.iter().map(i64::to_string).collect();
            format!("jobs {}", ids.join(", "))
        }
    };
    match paths {
        [one] => format!("{jobs}: {one}\n"),
        several => format!(
            "{jobs}: {} configurations\n\n{}\n",
            several.len(),
            several.join("\n")
        ),
    }
}

/// Make a new bare repository at `path`.
///
/// It is built beside its final place and renamed in, so a kill mid-way never
/// leaves half a repository at `path`, and two processes starting at once end
/// up sharing whichever arrived first. An existing empty directory (say, a
/// volume mount point, which cannot be renamed over) is initialised in place.
fn create(path: &Path) -> Result<Repository, ArchiveError> {
    let repo = || path.to_path_buf();
    let unusable = |step, reason: &str| ArchiveError::Unusable {
        repo: repo(),
        step: Some(step),
        reason: reason.to_string(),
    };
    let io_failed = |step, cause| ArchiveError::Io {
        repo: repo(),
        step,
        cause,
    };
    let git_failed = |step: &str, cause| ArchiveError::Git {
        repo: repo(),
        device: None,
        step: step.to_string(),
        cause,
    };
    match fs::read_dir(path) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(unusable(
                    "opening",
                    "not a bare git repository (and not empty)",
                ));
            }
            return init(path).map_err(|e| git_failed("creating", e));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_failed("reading", e)),
    }

    static STAGING: AtomicU64 = AtomicU64::new(0);
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(unusable("creating", "not a directory path"));
    };
    fs::create_dir_all(parent).map_err(|e| io_failed("creating the parent directory", e))?;
    let staging = parent.join(format!(
        ".{}.init-{}-{}",
        name.to_string_lossy(),
        std::process::id(),
        STAGING.fetch_add(1, Ordering::Relaxed)
    ));
    drop(init(&staging).map_err(|e| git_failed("creating", e))?);
    let renamed = fs::rename(&staging, path);
    if renamed.is_err() {
        // Best effort: a leftover staging directory is litter, not damage.
        let _ = fs::remove_dir_all(&staging);
    }
    match (renamed, Repository::open_bare(path)) {
        (_, Ok(repo)) => Ok(repo),
        (Err(e), Err(_)) => Err(io_failed("creating", e)),
        (Ok(()), Err(e)) => Err(git_failed("opening after creating", e)),
    }
}

fn init(path: &Path) -> Result<Repository, git2::Error> {
    let mut options = RepositoryInitOptions::new();
    options.bare(true).mkpath(true).initial_head("main");
    Repository::init_opts(path, &options)
}

#[cfg(test)]
mod tests;
