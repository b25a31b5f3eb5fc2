//! Replacing a file whole: configurations written by `backup --inventory`,
//! the metrics file, the drivers lock.

use std::io::Write;
use std::path::Path;

/// Write `bytes` to `path` whole: into a new temporary file beside it (a
/// fresh name, opened exclusively, so no link planted in a shared folder is
/// followed and two writers never share one), then renamed over it, so a
/// reader or a crash sees the old file or the new one, never half of one.
/// The file ends readable by all (0644), as an ordinary write leaves it.
pub fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".netraven-")
        .suffix(".tmp")
        .tempfile_in(folder)?;
    file.write_all(bytes)?;
    file.as_file()
        .set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))?;
    file.persist(path).map(|_| ()).map_err(|e| e.error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_and_leaves_nothing_beside_it() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("netraven.prom");
        std::fs::write(&path, "old\n").expect("old");
        replace(&path, b"new\n").expect("replace");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("netraven.prom")]);
    }
}
