//! What the integration tests share: running the real binary in a pinned environment
//! ([`command`]), building workspaces and git repositories ([`git`]) in temporary directories,
//! and deciding what a test does when a tool it needs is missing ([`require_tool`]).

#![allow(dead_code)]

pub(crate) mod git;
pub(crate) mod html;
pub(crate) mod schema;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

#[allow(unused_imports)]
pub(crate) use git::Identity;

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_cargo-sdl");

/// Whether this run is CI's (`CI=true`, as GitHub Actions and `.ci/run` set it).
pub(crate) fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Report that `what` (a tool, a database; `key` names it for `.ci/run`) a test needs is
/// missing, and return false so the test can return early. Under CI the test fails instead: CI
/// installs everything the suite uses, so there a skip would hide a test that never ran — unless
/// `.ci/run` could not provide it and says so, loudly, in `SDL_TESTS_MAY_LACK` (a comma list of
/// keys). Elsewhere it prints `skipping: TEST: WHAT` to the terminal (past the test harness's
/// capture, so the line is seen even when the test passes).
#[track_caller]
pub(crate) fn missing_named(key: &str, what: &str) -> bool {
    let current = std::thread::current();
    let test = current.name().unwrap_or("a test");
    let excused =
        std::env::var("SDL_TESTS_MAY_LACK").is_ok_and(|v| v.split(',').any(|k| k.trim() == key));
    assert!(
        !under_ci() || excused,
        "CI=true, but {what}: {test} cannot run (.ci/run installs what the tests need)"
    );
    let _ = writeln!(std::io::stderr(), "skipping: {test}: {what}");
    false
}

/// [`missing_named`] for a tool named by itself.
#[track_caller]
pub(crate) fn missing(what: &str) -> bool {
    missing_named(what, what)
}

/// Whether `program` is installed: an executable file of that name on PATH (or at that path).
/// Without it, see [`missing`]: false and a `skipping:` line, or a failure under CI. Use it as
/// `if !common::require_tool("ssh-keygen") { return; }`.
#[track_caller]
pub(crate) fn require_tool(program: &str) -> bool {
    find_program(program).is_some()
        || missing_named(program, &format!("`{program}` is not installed"))
}

/// The executable `program` names: itself when it is a path, else the first match on PATH.
pub(crate) fn find_program(program: &str) -> Option<PathBuf> {
    let executable = |p: &Path| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        }
        #[cfg(not(unix))]
        {
            p.is_file() || p.with_extension("exe").is_file()
        }
    };
    if program.contains(std::path::MAIN_SEPARATOR) || program.contains('/') {
        let p = PathBuf::from(program);
        return executable(&p).then_some(p);
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join(program))
        .find(|p| executable(p))
}

/// The hand-written RustSec-shaped database of `tests/fixtures/supply/advisory-db`.
pub(crate) fn fixture_advisory_db() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/supply/advisory-db")
}

/// The real RustSec snapshot CI lays beside the clone (`../shared/advisory-db`), or `None`
/// after [`missing`] (a failure under CI: a test that needs it must not pass by skipping).
#[track_caller]
pub(crate) fn shared_advisory_db() -> Option<PathBuf> {
    let db = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/advisory-db");
    if db.join("crates").is_dir() {
        return Some(db);
    }
    missing_named(
        "shared-advisory-db",
        &format!(
            "no shared advisory database at {} (CI lays shared/ beside the clone)",
            db.display()
        ),
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

/// Give `cmd`, a program that runs cargo-sdl (the binary, or cargo running it as `cargo sdl`),
/// the tests' pinned environment: `cargo_home` as CARGO_HOME (no advisory database of the
/// developer's), no colour setting (`CARGO_TERM_COLOR`, `NO_COLOR`: output is a pipe, so
/// `--color auto` means none), no `SOURCE_DATE_EPOCH` (a test that wants one sets it after
/// this), no terminal size for help wrapping (`COLUMNS`, `LINES`), no `CI` (CI runs the
/// binary as any machine does), git isolated as [`remove_git_environment`] does, and stdin
/// closed.
pub(crate) fn isolate(cmd: &mut Command, cargo_home: &Path) {
    remove_git_environment(cmd);
    for var in [
        "CARGO_TERM_COLOR",
        "NO_COLOR",
        "SOURCE_DATE_EPOCH",
        "COLUMNS",
        "LINES",
        "CI",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("CARGO_HOME", cargo_home).stdin(Stdio::null());
}

/// Remove every inherited `GIT_*` variable from `cmd`'s environment (`GIT_DIR`,
/// `GIT_WORK_TREE`, `GIT_INDEX_FILE` when the tests run from a git hook, author and committer
/// names and dates, `GIT_CONFIG_PARAMETERS`, …) and shut out the machine's git configuration:
/// `GIT_CONFIG_GLOBAL=/dev/null` (an environment value for git, never a path given to
/// cargo-sdl) and `GIT_CONFIG_NOSYSTEM=1`.
pub(crate) fn remove_git_environment(cmd: &mut Command) {
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("GIT_") {
            cmd.env_remove(name);
        }
    }
    cmd.env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1");
}

/// The binary `cargo-sdl` (no arguments yet) in `dir`, in the pinned environment of
/// [`isolate`]. Use it to run it as `cargo-sdl --version`; [`command`] runs `cargo-sdl sdl`,
/// as cargo does.
pub(crate) fn binary(dir: &Path, cargo_home: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir);
    isolate(&mut cmd, cargo_home);
    cmd
}

/// `cargo-sdl sdl` in `dir` in the pinned environment of [`isolate`], with `cargo_home` as
/// CARGO_HOME. Add arguments and run it.
pub(crate) fn command(dir: &Path, cargo_home: &Path) -> Command {
    let mut cmd = binary(dir, cargo_home);
    cmd.arg("sdl");
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

/// Run git in `dir` as `who` (see [`git::command`]); a thin form of [`git::run`] for tests that
/// turn a workspace they wrote into a repository.
pub(crate) fn git_as(dir: &Path, who: &Identity<'_>, args: &[&str]) {
    git::run(dir, who, &[], args);
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

/// `ssh-keygen -t TYPE -N PASSPHRASE -C test -f DIR/NAME`; returns the private key's path.
pub(crate) fn keygen(dir: &Path, name: &str, kind: &str, passphrase: &str) -> PathBuf {
    let path = dir.join(name);
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", kind, "-N", passphrase, "-C", "test", "-f"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    path
}

/// The public key line (`ssh-ed25519 AAAA… test`) of a generated key.
pub(crate) fn public(key: &Path) -> String {
    let mut p = key.as_os_str().to_owned();
    p.push(".pub");
    std::fs::read_to_string(PathBuf::from(p))
        .unwrap()
        .trim()
        .to_string()
}
