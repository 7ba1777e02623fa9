//! Building git repositories for tests: pinned identities, dates and configuration, so commit
//! ids are the same on every machine.

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// 2024-01-01T00:00:00Z; commit `n` of a test is made `n` hours later.
pub const EPOCH: i64 = 1_704_067_200;

pub struct Repo {
    pub dir: tempfile::TempDir,
    clock: i64,
}

impl Repo {
    /// `git init` with `main` as the default branch.
    pub fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().expect("temp dir"),
            clock: EPOCH,
        };
        repo.git(&["init", "-q"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }

    /// Run git in the repository with a pinned environment; panics on failure.
    pub fn git(&self, args: &[&str]) -> String {
        self.git_as(args, "Alice", "alice@example.org", &[])
    }

    pub fn git_as(&self, args: &[&str], name: &str, email: &str, extra: &[&str]) -> String {
        git_in(self.path(), args, name, email, self.clock, extra)
    }

    /// Advance the clock by an hour; the next commit gets that time.
    pub fn tick(&mut self) -> i64 {
        self.clock += 3600;
        self.clock
    }

    pub fn now(&self) -> i64 {
        self.clock
    }

    /// Write `content` to `path` and commit it with `message`; returns the commit id.
    pub fn commit(&mut self, path: &str, content: &str, message: &str) -> String {
        self.commit_as(path, content, message, "Alice", "alice@example.org")
    }

    /// Like [`Repo::commit`], signed with the SSH key at `key` (`ssh-keygen -Y sign`).
    pub fn signed_commit(
        &mut self,
        path: &str,
        content: &str,
        message: &str,
        key: &Path,
    ) -> String {
        self.write_and_add(path, content, "Alice", "alice@example.org");
        let signing = format!("user.signingkey={}", key.display());
        self.git_as(
            &["commit", "-q", "-S", "-m", message],
            "Alice",
            "alice@example.org",
            &["-c", "gpg.format=ssh", "-c", &signing],
        );
        self.head()
    }

    fn write_and_add(&mut self, path: &str, content: &str, name: &str, email: &str) {
        self.tick();
        let full = self.file(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("create dirs");
        }
        std::fs::write(&full, content).expect("write file");
        self.git_as(&["add", path], name, email, &[]);
    }

    pub fn commit_as(
        &mut self,
        path: &str,
        content: &str,
        message: &str,
        name: &str,
        email: &str,
    ) -> String {
        self.write_and_add(path, content, name, email);
        self.git_as(&["commit", "-q", "-m", message], name, email, &[]);
        self.head()
    }

    /// `git merge --no-ff` of `branch` with `message`.
    pub fn merge(&mut self, branch: &str, message: &str) -> String {
        self.tick();
        self.git(&["merge", "-q", "--no-ff", "-m", message, branch]);
        self.head()
    }

    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    pub fn rev_list_count(&self, args: &[&str]) -> u64 {
        let mut a = vec!["rev-list", "--count"];
        a.extend_from_slice(args);
        self.git(&a).trim().parse().expect("a count")
    }
}

pub fn git_in(
    dir: &Path,
    args: &[&str],
    name: &str,
    email: &str,
    time: i64,
    extra: &[&str],
) -> String {
    let date = format!("{time} +0000");
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", name)
        .env("GIT_AUTHOR_EMAIL", email)
        .env("GIT_COMMITTER_NAME", name)
        .env("GIT_COMMITTER_EMAIL", email)
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
        ])
        .args(extra)
        .args(args);
    let out = cmd.output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// True when a command can be run.
pub fn have(program: &str) -> bool {
    Command::new(program).arg("-h").output().is_ok()
}
