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

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt::Display;
use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use git2::build::TreeUpdateBuilder;
use git2::{
    Commit, ErrorCode, FileMode, ObjectType, Oid, Repository, RepositoryInitOptions, Signature,
    Tree,
};

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
    pub fn open(path: &Path, author: Author) -> Result<Archive, String> {
        let repo = match Repository::open_bare(path) {
            Ok(repo) => repo,
            Err(e) if e.code() == ErrorCode::NotFound => create(path)?,
            Err(e) => return Err(format!("archive {}: {}", path.display(), e.message())),
        };
        if !repo.is_bare() {
            return Err(format!(
                "archive {}: is a git work tree, not a bare repository",
                path.display()
            ));
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
    ) -> Result<Vec<Outcome>, String> {
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        let _lock = self.lock()?;
        let tip = self.tip()?;
        let tree = match &tip {
            Some(commit) => commit
                .tree()
                .map_err(|e| self.fail("reading the tip's tree", e.message()))?,
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
                .map_err(|e| self.fail(format_args!("device {path}: hashing"), e.message()))?;
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
                .map_err(|e| self.fail(format_args!("device {path}: writing"), e.message()))?;
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
                .map_err(|e| self.fail("building the tree", e.message()))?;
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
    pub fn history(&self, group: &str, name: &str) -> Result<Vec<Revision>, String> {
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

    /// A device's configuration as of `rev` (any git revision: a commit id,
    /// `HEAD~2`, ...), or as of the branch tip when `rev` is `None`.
    pub fn show(&self, group: &str, name: &str, rev: Option<&str>) -> Result<String, String> {
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
    pub fn diff(&self, group: &str, name: &str, rev: Option<&str>) -> Result<String, String> {
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
    fn lock(&self) -> Result<File, String> {
        let path = self.repo.path().join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| self.fail(format_args!("opening {}", path.display()), e))?;
        file.lock()
            .map_err(|e| self.fail(format_args!("locking {}", path.display()), e))?;
        Ok(file)
    }

    /// Write a commit of `tree` on top of `parent` and move the branch to it.
    fn commit(&self, parent: Option<&Commit<'_>>, tree: Oid, message: &str) -> Result<Oid, String> {
        let who = Signature::now(&self.author.name, &self.author.email)
            .map_err(|e| self.fail("commit author", e.message()))?;
        let tree = self
            .repo
            .find_tree(tree)
            .map_err(|e| self.fail("reading the new tree", e.message()))?;
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
                fs::remove_file(&stale).map_err(|io| {
                    self.fail(format_args!("removing stale lock {}", stale.display()), io)
                })?;
                attempt()
            }
            other => other,
        };
        result.map_err(|e| self.fail(format_args!("updating {BRANCH}"), e.message()))
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
    ) -> Result<HashMap<String, String>, String> {
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

    fn tip(&self) -> Result<Option<Commit<'_>>, String> {
        let id = match self.repo.refname_to_id(BRANCH) {
            Ok(id) => id,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(self.fail(format_args!("reading {BRANCH}"), e.message())),
        };
        self.repo
            .find_commit(id)
            .map(Some)
            .map_err(|e| self.fail(format_args!("reading commit {id}"), e.message()))
    }

    fn resolve(&self, rev: Option<&str>) -> Result<Commit<'_>, String> {
        match rev {
            None => self
                .tip()?
                .ok_or_else(|| self.fail("reading the branch", "nothing archived yet")),
            Some(spec) => self
                .repo
                .revparse_single(spec)
                .and_then(|object| object.peel_to_commit())
                .map_err(|e| self.fail(format_args!("revision {spec:?}"), e.message())),
        }
    }

    /// The first commit of an archive is an edit of the empty tree.
    fn empty_tree(&self) -> Result<Tree<'_>, String> {
        self.repo
            .treebuilder(None)
            .and_then(|builder| builder.write())
            .and_then(|id| self.repo.find_tree(id))
            .map_err(|e| self.fail("writing the empty tree", e.message()))
    }

    /// The directory `name` directly under `tree`, if there is one.
    fn subtree(&self, tree: &Tree<'_>, name: &str) -> Result<Option<Tree<'_>>, String> {
        match tree.get_name(name) {
            Some(entry) if entry.kind() == Some(ObjectType::Tree) => self
                .repo
                .find_tree(entry.id())
                .map(Some)
                .map_err(|e| self.fail(format_args!("reading directory {name}"), e.message())),
            _ => Ok(None),
        }
    }

    /// The blob id at `path` in `tree`, if there is one.
    fn entry(&self, tree: &Tree<'_>, path: &str) -> Result<Option<Oid>, String> {
        match tree.get_path(Path::new(path)) {
            Ok(entry) => Ok(Some(entry.id())),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(self.fail(format_args!("device {path}: looking up"), e.message())),
        }
    }

    fn entry_in(&self, commit: &Commit<'_>, path: &str) -> Result<Option<Oid>, String> {
        let tree = commit
            .tree()
            .map_err(|e| self.fail(format_args!("reading commit {}", commit.id()), e.message()))?;
        self.entry(&tree, path)
    }

    /// A blob as text. Configurations are stored from Rust strings, so only a
    /// file written by something else could be other than UTF-8.
    fn text(&self, id: Oid, path: &str) -> Result<String, String> {
        let blob = self
            .repo
            .find_blob(id)
            .map_err(|e| self.fail(format_args!("device {path}: reading"), e.message()))?;
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
    ) -> Result<Vec<Touch<'r>>, String> {
        let mut found = Vec::new();
        let mut commit = start;
        let mut after = self.entry_in(&commit, path)?;
        while found.len() < limit {
            let parent = match commit.parent_count() {
                0 => None,
                _ => Some(commit.parent(0).map_err(|e| {
                    self.fail(
                        format_args!("reading the parent of {}", commit.id()),
                        e.message(),
                    )
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

    fn absent(&self, path: &str, commit: &Commit<'_>) -> String {
        self.fail(
            format_args!("device {path}"),
            format_args!("not in the archive at {}", commit.id()),
        )
    }

    /// One error line naming the repository, the step and the cause.
    fn fail(&self, step: impl Display, cause: impl Display) -> String {
        format!("archive {}: {step}: {cause}", self.path.display())
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
fn create(path: &Path) -> Result<Repository, String> {
    let fail =
        |step: &str, cause: &dyn Display| format!("archive {}: {step}: {cause}", path.display());
    match fs::read_dir(path) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(fail(
                    "opening",
                    &"not a bare git repository (and not empty)",
                ));
            }
            return init(path).map_err(|e| fail("creating", &e.message()));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(fail("reading", &e)),
    }

    static STAGING: AtomicU64 = AtomicU64::new(0);
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(fail("creating", &"not a directory path"));
    };
    fs::create_dir_all(parent).map_err(|e| fail("creating the parent directory", &e))?;
    let staging = parent.join(format!(
        ".{}.init-{}-{}",
        name.to_string_lossy(),
        std::process::id(),
        STAGING.fetch_add(1, Ordering::Relaxed)
    ));
    drop(init(&staging).map_err(|e| fail("creating", &e.message()))?);
    let renamed = fs::rename(&staging, path);
    if renamed.is_err() {
        // Best effort: a leftover staging directory is litter, not damage.
        let _ = fs::remove_dir_all(&staging);
    }
    match (renamed, Repository::open_bare(path)) {
        (_, Ok(repo)) => Ok(repo),
        (Err(e), Err(_)) => Err(fail("creating", &e)),
        (Ok(()), Err(e)) => Err(fail("opening after creating", &e.message())),
    }
}

fn init(path: &Path) -> Result<Repository, git2::Error> {
    let mut options = RepositoryInitOptions::new();
    options.bare(true).mkpath(true).initial_head("main");
    Repository::init_opts(path, &options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn author() -> Author {
        Author {
            name: "NetRaven".to_string(),
            email: "netraven@example.net".to_string(),
        }
    }

    fn change(job_id: i64, group: &str, device: &str, config: &str) -> Change {
        Change {
            job_id,
            device: device.to_string(),
            group: group.to_string(),
            config: config.to_string(),
            significant: false,
        }
    }

    fn no_views(_: &Change, _: &str) -> Option<String> {
        None
    }

    fn open(dir: &tempfile::TempDir) -> Archive {
        Archive::open(&dir.path().join("configs.git"), author()).unwrap()
    }

    /// Commit ids from the tip back along first parents; fails on a merge.
    fn linear_history(archive: &Archive) -> Vec<Oid> {
        let mut ids = Vec::new();
        let mut next = archive.tip().unwrap();
        while let Some(commit) = next {
            assert!(commit.parent_count() <= 1, "history is not linear");
            ids.push(commit.id());
            next = commit.parents().next();
        }
        ids
    }

    fn tip_id(archive: &Archive) -> Option<String> {
        archive.tip().unwrap().map(|c| c.id().to_string())
    }

    fn git(repo: &Path, args: &[&str]) -> std::process::Output {
        std::process::Command::new("git")
            .arg("--git-dir")
            .arg(repo)
            .args(args)
            .output()
            .unwrap()
    }

    fn assert_fsck_clean(repo: &Path) {
        let out = git(repo, &["fsck", "--full", "--strict"]);
        assert!(
            out.status.success(),
            "git fsck failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn device_paths_cannot_escape_or_hide() {
        assert_eq!(device_path("core", "r1"), "core/r1");
        assert_eq!(device_path("a/b", "c\\d\0e"), "a_b/c_d_e");
        assert_eq!(device_path("..", ".git"), "_/git");
        assert_eq!(device_path("", "../../etc"), "_/_.._etc");
    }

    #[test]
    fn archive_is_send() {
        fn send<T: Send>() {}
        send::<Archive>();
    }

    #[test]
    fn a_batch_is_one_commit_and_an_unchanged_batch_none() {
        let dir = tempfile::tempdir().unwrap();
        let archive = open(&dir);
        let batch: Vec<Change> = (0..300)
            .map(|i| change(1, "core", &format!("r{i}"), &format!("hostname r{i}\n")))
            .collect();

        let outcomes = archive.commit_batch(&batch, &no_views).unwrap();
        let first = tip_id(&archive).unwrap();
        assert!(
            outcomes
                .iter()
                .all(|o| *o == Outcome::Committed(first.clone()))
        );
        assert_eq!(linear_history(&archive).len(), 1);
        let head = archive.tip().unwrap().unwrap();
        let message = head.message().unwrap();
        assert!(message.starts_with("job 1: 300 configurations\n\ncore/r0\ncore/r1\n"));

        let outcomes = archive.commit_batch(&batch, &no_views).unwrap();
        assert!(
            outcomes
                .iter()
                .all(|o| *o == Outcome::Unchanged(Some(first.clone())))
        );
        assert_eq!(tip_id(&archive).unwrap(), first);

        let mut again = batch.clone();
        for c in &mut again {
            c.job_id = 2;
        }
        again[7].config = "hostname r7\ninterface ge-0/0/0\n".to_string();
        let outcomes = archive.commit_batch(&again, &no_views).unwrap();
        let second = tip_id(&archive).unwrap();
        assert_ne!(second, first);
        assert_eq!(outcomes[7], Outcome::Committed(second.clone()));
        assert_eq!(outcomes[6], Outcome::Unchanged(Some(second.clone())));
        assert_eq!(linear_history(&archive).len(), 2);
        let subject = archive.history("core", "r7").unwrap()[0].subject.clone();
        assert_eq!(subject, "job 2: core/r7");
    }

    #[test]
    fn history_shows_and_diffs_only_the_devices_own_changes() {
        let dir = tempfile::tempdir().unwrap();
        let archive = open(&dir);
        let v1 = "hostname r1\nold line\nend\n";
        let v2 = "hostname r1\nnew line\nend\n";
        archive
            .commit_batch(
                &[change(1, "core", "r1", v1), change(1, "core", "r2", "a\n")],
                &no_views,
            )
            .unwrap();
        let first = tip_id(&archive).unwrap();
        archive
            .commit_batch(&[change(2, "core", "r2", "b\n")], &no_views)
            .unwrap();
        archive
            .commit_batch(&[change(3, "core", "r1", v2)], &no_views)
            .unwrap();
        let third = tip_id(&archive).unwrap();
        archive
            .commit_batch(&[change(4, "core", "r2", "c\n")], &no_views)
            .unwrap();

        let history = archive.history("core", "r1").unwrap();
        let ids: Vec<&str> = history.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, [third.as_str(), first.as_str()]);
        assert_eq!(history[0].subject, "job 3: core/r1");
        assert_eq!(history[0].author, "NetRaven");
        assert!(history[0].time >= history[1].time);
        assert_eq!(archive.history("core", "r2").unwrap().len(), 3);
        assert!(archive.history("core", "nowhere").unwrap().is_empty());

        assert_eq!(archive.show("core", "r1", None).unwrap(), v2);
        assert_eq!(archive.show("core", "r1", Some(&first)).unwrap(), v1);
        assert_eq!(archive.show("core", "r1", Some("HEAD~2")).unwrap(), v1);
        let missing = archive.show("core", "r9", None).unwrap_err();
        assert!(
            missing.contains("configs.git") && missing.contains("core/r9"),
            "{missing}"
        );

        // The tip did not touch r1: the diff is r1's latest change.
        let diff = archive.diff("core", "r1", None).unwrap();
        assert!(diff.contains("--- a/core/r1\n+++ b/core/r1\n"), "{diff}");
        assert!(
            diff.contains("\n-old line\n") && diff.contains("\n+new line\n"),
            "{diff}"
        );
        assert_eq!(archive.diff("core", "r1", Some(&third)).unwrap(), diff);
        assert_eq!(archive.diff("core", "r1", Some(&first)).unwrap(), "");
        let diff = archive.diff("core", "r2", Some("HEAD~1")).unwrap();
        assert!(diff.contains("\n-a\n+b\n"), "{diff}");
    }

    #[test]
    fn volatile_only_changes_are_not_committed() {
        let dir = tempfile::tempdir().unwrap();
        let archive = open(&dir);
        // The driver's view: everything but the "! Last change" line.
        let view = |text: &str| -> String {
            let kept: Vec<&str> = text
                .lines()
                .filter(|l| !l.starts_with("! Last change"))
                .collect();
            kept.join("\n")
        };
        let asked = std::cell::Cell::new(0);
        let view_of = |change: &Change, text: &str| {
            assert_eq!(change.device, "fw1");
            asked.set(asked.get() + 1);
            Some(view(text))
        };
        let with_view = |job, config: &str| Change {
            significant: true,
            ..change(job, "edge", "fw1", config)
        };

        let outcomes = archive
            .commit_batch(
                &[with_view(1, "! Last change 10:00\nhostname fw1\n")],
                &view_of,
            )
            .unwrap();
        let first = tip_id(&archive);
        assert_eq!(outcomes, [Outcome::Committed(first.clone().unwrap())]);
        assert_eq!(asked.get(), 0, "nothing archived yet to compare with");

        let outcomes = archive
            .commit_batch(
                &[with_view(2, "! Last change 11:00\nhostname fw1\n")],
                &view_of,
            )
            .unwrap();
        assert_eq!(outcomes, [Outcome::Insignificant(first.clone())]);
        assert_eq!(tip_id(&archive), first);
        assert_eq!(archive.history("edge", "fw1").unwrap().len(), 1);

        let outcomes = archive
            .commit_batch(
                &[with_view(3, "! Last change 12:00\nhostname fw2\n")],
                &view_of,
            )
            .unwrap();
        let second = tip_id(&archive);
        assert_ne!(second, first);
        assert_eq!(outcomes, [Outcome::Committed(second.unwrap())]);
        assert_eq!(asked.get(), 4, "old and new view, twice");
        assert_eq!(
            archive.show("edge", "fw1", None).unwrap(),
            "! Last change 12:00\nhostname fw2\n"
        );

        // Not in significant mode, a change commits on any byte difference.
        let outcomes = archive
            .commit_batch(
                &[change(
                    4,
                    "edge",
                    "fw1",
                    "! Last change 13:00\nhostname fw2\n",
                )],
                &view_of,
            )
            .unwrap();
        assert_eq!(outcomes, [Outcome::Committed(tip_id(&archive).unwrap())]);
        assert_eq!(asked.get(), 4, "no view asked for");
    }

    #[test]
    fn the_repository_passes_git_fsck_with_head_on_main() {
        let dir = tempfile::tempdir().unwrap();
        let archive = open(&dir);
        for job in 1..=3 {
            let batch: Vec<Change> = (0..20)
                .map(|i| {
                    change(
                        job,
                        &format!("g{}", i % 3),
                        &format!("d{i}"),
                        &format!("v{job} {i}\n"),
                    )
                })
                .collect();
            archive.commit_batch(&batch, &no_views).unwrap();
        }
        let repo = dir.path().join("configs.git");
        assert_fsck_clean(&repo);
        let head = git(&repo, &["rev-parse", "HEAD"]);
        assert_eq!(
            String::from_utf8_lossy(&head.stdout).trim(),
            tip_id(&archive).unwrap()
        );
        let branch = git(&repo, &["symbolic-ref", "HEAD"]);
        assert_eq!(String::from_utf8_lossy(&branch.stdout).trim(), BRANCH);
    }

    #[test]
    fn a_stale_ref_lock_from_a_killed_writer_is_recovered() {
        let dir = tempfile::tempdir().unwrap();
        let archive = open(&dir);
        archive
            .commit_batch(&[change(1, "core", "r1", "a\n")], &no_views)
            .unwrap();
        let stale = dir.path().join("configs.git/refs/heads/main.lock");
        fs::write(&stale, "0123").unwrap();

        let outcomes = archive
            .commit_batch(&[change(2, "core", "r1", "b\n")], &no_views)
            .unwrap();
        assert_eq!(outcomes, [Outcome::Committed(tip_id(&archive).unwrap())]);
        assert!(!stale.exists());
        assert_eq!(archive.show("core", "r1", None).unwrap(), "b\n");
        assert_eq!(linear_history(&archive).len(), 2);
        assert_fsck_clean(&dir.path().join("configs.git"));
    }

    #[test]
    fn a_device_twice_in_one_batch_ends_at_its_last_config() {
        let dir = tempfile::tempdir().unwrap();
        let archive = open(&dir);
        let outcomes = archive
            .commit_batch(
                &[
                    change(1, "core", "r1", "a\n"),
                    change(1, "core", "r1", "b\n"),
                ],
                &no_views,
            )
            .unwrap();
        let tip = tip_id(&archive).unwrap();
        assert_eq!(
            outcomes,
            [Outcome::Committed(tip.clone()), Outcome::Committed(tip)]
        );
        assert_eq!(archive.show("core", "r1", None).unwrap(), "b\n");
        assert_eq!(
            archive.history("core", "r1").unwrap()[0].subject,
            "job 1: core/r1"
        );
    }

    #[test]
    fn two_writers_on_one_repository_lose_no_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/configs.git");
        let start = std::sync::Barrier::new(2);
        std::thread::scope(|scope| {
            for writer in ["a", "b"] {
                let (path, start) = (&path, &start);
                scope.spawn(move || {
                    start.wait();
                    // Both may find no repository and race to create it.
                    let archive = Archive::open(path, author()).unwrap();
                    for job in 0..10 {
                        let batch: Vec<Change> = (0..5)
                            .map(|i| change(job, writer, &format!("d{job}-{i}"), "x\n"))
                            .collect();
                        archive.commit_batch(&batch, &no_views).unwrap();
                    }
                });
            }
        });

        let archive = Archive::open(&path, author()).unwrap();
        assert_eq!(linear_history(&archive).len(), 20);
        for writer in ["a", "b"] {
            for job in 0..10 {
                for i in 0..5 {
                    assert_eq!(
                        archive.show(writer, &format!("d{job}-{i}"), None).unwrap(),
                        "x\n"
                    );
                }
            }
        }
        assert_fsck_clean(&path);
    }

    #[test]
    fn open_refuses_a_directory_that_is_not_a_repository() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "hello").unwrap();
        let err = Archive::open(dir.path(), author()).err().unwrap();
        assert!(err.contains(&dir.path().display().to_string()), "{err}");
        assert!(!err.contains('\n'));

        let empty = dir.path().join("empty");
        fs::create_dir(&empty).unwrap();
        let archive = Archive::open(&empty, author()).unwrap();
        archive
            .commit_batch(&[change(1, "core", "r1", "a\n")], &no_views)
            .unwrap();
        drop(archive);
        let reopened = Archive::open(&empty, author()).unwrap();
        assert_eq!(reopened.show("core", "r1", None).unwrap(), "a\n");
    }
}
