//! What the integration tests share: running the real binary in a pinned environment and
//! building workspaces in temporary directories.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_cargo-sdl");

/// `cargo-sdl sdl ARGS` in `dir`, with no colour, no SOURCE_DATE_EPOCH and git isolated from
/// the machine's configuration.
pub(crate) fn sdl(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("sdl")
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_TERM_COLOR")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("the binary runs")
}

pub(crate) fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Write `files` (path, content) below `root`, creating directories.
pub(crate) fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(p, content).expect("write");
    }
}

/// A one-package workspace with `#![forbid(unsafe_code)]`, plus `files`.
pub(crate) fn workspace_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    write_files(
        dir.path(),
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"demo\"\nversion = \"0.3.0\"\nedition = \"2021\"\n",
            ),
            ("src/lib.rs", "#![forbid(unsafe_code)]\n"),
        ],
    );
    write_files(dir.path(), files);
    dir
}
