//! Embed the driver SDK's sources and the WIT contract, so that `netraven
//! driver new` can give a crate outside a NetRaven checkout its own copy
//! of the SDK this binary speaks (see `vendor_sdk` in src/lib.rs).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("{}: cannot list", dir.display());
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let manifest_dir =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let root = manifest_dir.join("../..");
    let mut files = vec![root.join("driver-sdk/Cargo.toml")];
    files_under(&root.join("driver-sdk/src"), &mut files);
    files_under(&root.join("wit"), &mut files);
    let mut code = String::from(
        "/// (path relative to the checkout, contents)\npub const SDK_FILES: &[(&str, &[u8])] = &[\n",
    );
    for file in &files {
        let relative = file.strip_prefix(&root).expect("under the root");
        let absolute = file.canonicalize().expect("exists");
        writeln!(
            code,
            "    ({:?}, include_bytes!({:?})),",
            relative.to_string_lossy(),
            absolute.to_string_lossy()
        )
        .expect("write to a String");
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it")).join("sdk_files.rs");
    std::fs::write(&out, code).expect("write OUT_DIR/sdk_files.rs");
    println!("cargo:rerun-if-changed=../../driver-sdk");
    println!("cargo:rerun-if-changed=../../wit");
}
