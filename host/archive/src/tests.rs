//! The archive's behaviour, on temporary repositories.

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
    let missing = archive.show("core", "r9", None).unwrap_err().to_string();
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
    let err = Archive::open(dir.path(), author())
        .err()
        .unwrap()
        .to_string();
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

#[test]
fn a_device_never_archived_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let archive = open(&dir);
    archive
        .commit_batch(&[change(1, "core", "r1", "a\n")], &no_views)
        .unwrap();
    let tip = tip_id(&archive).unwrap();

    assert!(archive.history("core", "r9").unwrap().is_empty());
    for err in [
        archive.show("core", "r9", None).unwrap_err(),
        archive.diff("core", "r9", None).unwrap_err(),
    ] {
        match err {
            ArchiveError::NotFound {
                device, revision, ..
            } => assert_eq!(
                (device.as_str(), revision.as_str()),
                ("core/r9", tip.as_str())
            ),
            other => panic!("expected NotFound, got {other:?}"),
        }
    }
    let err = archive.show("core", "r1", Some("no-such-rev")).unwrap_err();
    assert!(matches!(err, ArchiveError::BadRevision { .. }), "{err:?}");

    let empty = tempfile::tempdir().unwrap();
    let err = open(&empty).show("core", "r1", None).unwrap_err();
    assert!(matches!(err, ArchiveError::Empty { .. }), "{err:?}");
}

/// Callers and integration tests compare these lines: the wording is
/// the one the archive printed before its errors were typed.
#[test]
fn error_messages_keep_their_wording() {
    let repo = PathBuf::from("data/configs.git");
    let git = || git2::Error::from_str("boom");
    let io = || io::Error::other("denied");
    let cases = [
        (
            ArchiveError::NotFound {
                repo: repo.clone(),
                device: "core/r1".into(),
                revision: "abc123".into(),
            },
            "archive data/configs.git: device core/r1: not in the archive at abc123",
        ),
        (
            ArchiveError::Empty { repo: repo.clone() },
            "archive data/configs.git: reading the branch: nothing archived yet",
        ),
        (
            ArchiveError::BadRevision {
                repo: repo.clone(),
                revision: "HEAD~9".into(),
                cause: git(),
            },
            "archive data/configs.git: revision \"HEAD~9\": boom",
        ),
        (
            ArchiveError::Unusable {
                repo: repo.clone(),
                step: None,
                reason: "is a git work tree, not a bare repository".into(),
            },
            "archive data/configs.git: is a git work tree, not a bare repository",
        ),
        (
            ArchiveError::Unusable {
                repo: repo.clone(),
                step: Some("opening"),
                reason: "not a bare git repository (and not empty)".into(),
            },
            "archive data/configs.git: opening: not a bare git repository (and not empty)",
        ),
        (
            ArchiveError::Lock {
                repo: repo.clone(),
                step: "locking",
                lock: repo.join(LOCK_FILE),
                cause: io(),
            },
            "archive data/configs.git: locking data/configs.git/netraven.lock: denied",
        ),
        (
            ArchiveError::Io {
                repo: repo.clone(),
                step: "creating the parent directory",
                cause: io(),
            },
            "archive data/configs.git: creating the parent directory: denied",
        ),
        (
            ArchiveError::Git {
                repo: repo.clone(),
                device: None,
                step: format!("updating {BRANCH}"),
                cause: git(),
            },
            "archive data/configs.git: updating refs/heads/main: boom",
        ),
        (
            ArchiveError::Git {
                repo: repo.clone(),
                device: Some("core/r1".into()),
                step: "hashing".into(),
                cause: git(),
            },
            "archive data/configs.git: device core/r1: hashing: boom",
        ),
    ];
    for (err, line) in cases {
        assert_eq!(err.to_string(), line);
    }
}
