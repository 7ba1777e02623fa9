//! The hostile corpus: each case builds an input an attacker controls (a repository, a
//! package, an archive, a signature) and asserts the safe outcome — nothing outside the package
//! deleted, nothing outside the repository read into any output, no repository program run,
//! no hang (each run is bounded), exit code 0, 1 or 2 as documented and never 101, and no raw
//! control character on the terminal. `docs/security/threat-model.md` maps threats to cases.

#[path = "../common/mod.rs"]
mod common;

mod package;
mod repository;
mod supply;
mod text;
mod verify;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

/// What a bounded run of the binary gave.
pub(crate) struct Bounded {
    pub output: Output,
    pub code: i32,
}

/// Run `cargo-sdl sdl ARGS` in `dir` in the tests' pinned environment (an empty CARGO_HOME),
/// killed (and the test failed) after `secs` seconds: a hostile input must never hang the
/// tool. Exit codes other than 0, 1 and 2 (101 is a panic) fail the test.
pub(crate) fn bounded(dir: &Path, args: &[&str], secs: u64) -> Bounded {
    let home = common::cargo_home(false);
    let output = common::output_within(
        common::command(dir, home.path()).args(args),
        Duration::from_secs(secs),
    );
    let code = output.status.code().unwrap_or(-1);
    assert_ne!(
        code,
        101,
        "`cargo sdl {}` panicked: {}",
        args.join(" "),
        common::text(&output.stderr)
    );
    assert!(
        (0..=2).contains(&code),
        "`cargo sdl {}` exited {code}: {}",
        args.join(" "),
        common::text(&output.stderr)
    );
    Bounded { output, code }
}

impl Bounded {
    pub(crate) fn stdout(&self) -> String {
        common::text(&self.output.stdout)
    }

    pub(crate) fn stderr(&self) -> String {
        common::text(&self.output.stderr)
    }
}

/// Every file below `dir`, path and bytes (symlinks not followed).
pub(crate) fn all_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("a readable directory") {
            let entry = entry.expect("an entry");
            let ty = entry.file_type().expect("a file type");
            if ty.is_dir() {
                stack.push(entry.path());
            } else if ty.is_file() {
                let rel = entry
                    .path()
                    .strip_prefix(dir)
                    .expect("below dir")
                    .display()
                    .to_string();
                out.push((rel, std::fs::read(entry.path()).expect("readable")));
            }
        }
    }
    out.sort();
    out
}

/// Make a FIFO at `path` (the tests that need one are Unix-only).
#[cfg(unix)]
pub(crate) fn mkfifo(path: &Path) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}
