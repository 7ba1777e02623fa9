//! What the integration tests share: running the real binary in a pinned environment and
//! building workspaces in temporary directories.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_cargo-sdl");

/// The hand-written RustSec-shaped database of `tests/fixtures/supply/advisory-db`.
pub(crate) fn fixture_advisory_db() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/supply/advisory-db")
}

/// The real RustSec snapshot CI lays beside the clone (`../shared/advisory-db`), or `None`
/// (with a message) without it. Under `CI=true` a missing snapshot fails the test instead: a
/// test that needs it must not pass by skipping.
pub(crate) fn shared_advisory_db() -> Option<PathBuf> {
    let db = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/advisory-db");
    if db.join("crates").is_dir() {
        return Some(db);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true, but the shared advisory database is missing at {}",
        db.display()
    );
    eprintln!(
        "skipping: no advisory database at {} (CI lays shared/ beside the clone)",
        db.display()
    );
    None
}

/// A CARGO_HOME for one run, so that no test reads the developer's `~/.cargo/advisory-db`
/// (or cargo-deny's copies): empty, or holding `advisory-db` as a link to the fixture database
/// (the operator's copy, as `cargo sdl fetch` or cargo-audit leave it). cargo metadata works
/// with an empty CARGO_HOME for the path-only workspaces the tests build (it creates its cache
/// files there and needs no registry).
pub(crate) fn cargo_home(with_advisory_db: bool) -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("a temporary CARGO_HOME");
    if with_advisory_db {
        link_dir(&fixture_advisory_db(), &home.path().join("advisory-db"));
    }
    home
}

/// Make `link` name the folder `target` (a symlink; a copy where symlinks are unavailable).
pub(crate) fn link_dir(target: &Path, link: &Path) {
    #[cfg(unix)]
    std::os::unix::fs::symlink(target, link).expect("symlink");
    #[cfg(not(unix))]
    copy_dir(target, link);
}

/// Copy the folder `from` to `to`, recursively.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).expect("copy");
        }
    }
}

/// `cargo-sdl sdl` in `dir` with no colour, no SOURCE_DATE_EPOCH, git isolated from the
/// machine's configuration and `cargo_home` as CARGO_HOME. Add arguments and run it.
pub(crate) fn command(dir: &Path, cargo_home: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("sdl")
        .current_dir(dir)
        .env_remove("CARGO_TERM_COLOR")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("CARGO_HOME", cargo_home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    cmd
}

/// `cargo-sdl sdl ARGS` in `dir` (see [`command`]) on a machine with no advisory database.
pub(crate) fn sdl(dir: &Path, args: &[&str]) -> Output {
    let home = cargo_home(false);
    command(dir, home.path())
        .args(args)
        .output()
        .expect("the binary runs")
}

/// `cargo-sdl sdl ARGS` in `dir` on a machine whose operator keeps an advisory database under
/// CARGO_HOME (the fixture database).
pub(crate) fn sdl_with_advisory_db(dir: &Path, args: &[&str]) -> Output {
    let home = cargo_home(true);
    command(dir, home.path())
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Run `cmd` to completion within `limit`, or kill it and fail the test: a hostile input must
/// not hang a run.
pub(crate) fn output_within(cmd: &mut Command, limit: std::time::Duration) -> Output {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the program starts");
    let mut out_pipe = child.stdout.take().expect("stdout");
    let mut err_pipe = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out_pipe.read_to_end(&mut b);
        b
    });
    let err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err_pipe.read_to_end(&mut b);
        b
    });
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    }
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

/// Who makes a commit in a test repository, and when: pinned so that commit ids are stable.
pub(crate) struct Identity<'a> {
    pub author: (&'a str, &'a str),
    pub committer: (&'a str, &'a str),
    pub date: &'a str,
}

/// Run git in `dir` isolated from the machine's configuration, with pinned identity and date.
pub(crate) fn git_as(dir: &Path, who: &Identity<'_>, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", who.author.0)
        .env("GIT_AUTHOR_EMAIL", who.author.1)
        .env("GIT_COMMITTER_NAME", who.committer.0)
        .env("GIT_COMMITTER_EMAIL", who.committer.1)
        .env("GIT_AUTHOR_DATE", who.date)
        .env("GIT_COMMITTER_DATE", who.date)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
}

/// A workspace whose report exits 0 on a machine with an advisory database
/// ([`sdl_with_advisory_db`]): a security policy with a channel and a threat model (the two
/// deny-level document rules), and a Cargo.lock for the third, `no-known-vulnerabilities`.
/// Without a database that rule is unknown, which fails the gate (fail closed).
pub(crate) fn passing_workspace() -> tempfile::TempDir {
    workspace_with(&[
        (
            "Cargo.lock",
            "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 4\n\n[[package]]\nname = \"demo\"\nversion = \"0.3.0\"\n",
        ),
        (
            "THREAT_MODEL.md",
            "# Threat model\n\n| id | threat | mitigation |\n|---|---|---|\n| T1 | tampering | signed manifest |\n",
        ),
        (
            "SECURITY.md",
            "# Security\n\nReport to security@example.com; we answer within 5 days.\n",
        ),
    ])
}
