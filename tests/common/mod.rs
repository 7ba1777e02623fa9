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

/// A workspace whose report exits 0: a security policy with a channel and a threat model (the
/// two deny-level document rules).
pub(crate) fn passing_workspace() -> tempfile::TempDir {
    workspace_with(&[
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
