//! The one way the tests make git repositories: git run with the machine's configuration and
//! environment shut out and identities and dates pinned, so that commit ids are the same on
//! every machine. [`Repo`] is a repository in its own temporary directory with a clock that
//! advances an hour per commit; [`run`] (and [`super::git_as`]) runs git in a folder a test
//! already filled, as a given [`Identity`].

use std::path::{Path, PathBuf};
use std::process::Command;

/// 2024-01-01T00:00:00Z; commit `n` of a [`Repo`] is made `n` hours later.
pub(crate) const EPOCH: i64 = 1_704_067_200;

/// The configuration every test repository gets, whatever the machine's git defaults are.
const PINNED_CONFIG: &[&str] = &[
    "-c",
    "init.defaultBranch=main",
    "-c",
    "commit.gpgsign=false",
    "-c",
    "tag.gpgsign=false",
];

/// Who makes a commit in a test repository, and when (any date git accepts:
/// `2026-01-12T09:00:00Z`, or `1704067200 +0000`).
pub(crate) struct Identity<'a> {
    pub author: (&'a str, &'a str),
    pub committer: (&'a str, &'a str),
    pub date: &'a str,
}

impl<'a> Identity<'a> {
    /// `name <email>` as both author and committer, at `date`.
    pub(crate) fn of(name: &'a str, email: &'a str, date: &'a str) -> Identity<'a> {
        Identity {
            author: (name, email),
            committer: (name, email),
            date,
        }
    }
}

/// `git` in `dir` as `who`, before its arguments: no inherited `GIT_*` variable (a test run
/// from a git hook has `GIT_DIR` and `GIT_INDEX_FILE` set, which would aim every command at
/// the outer repository), no global or system configuration, the pinned identity and date, and
/// [`PINNED_CONFIG`]. Add `-c` options and arguments, then run it.
pub(crate) fn command(dir: &Path, who: &Identity<'_>) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir);
    super::remove_git_environment(&mut cmd);
    cmd.env("GIT_AUTHOR_NAME", who.author.0)
        .env("GIT_AUTHOR_EMAIL", who.author.1)
        .env("GIT_COMMITTER_NAME", who.committer.0)
        .env("GIT_COMMITTER_EMAIL", who.committer.1)
        .env("GIT_AUTHOR_DATE", who.date)
        .env("GIT_COMMITTER_DATE", who.date)
        .args(PINNED_CONFIG);
    cmd
}

/// Run `git EXTRA ARGS` in `dir` as `who` (see [`command`]); its stdout. Panics on failure.
pub(crate) fn run(dir: &Path, who: &Identity<'_>, extra: &[&str], args: &[&str]) -> String {
    let out = command(dir, who)
        .args(extra)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Run `git EXTRA ARGS` in `dir` as `name <email>` at `time` (seconds since 1970, UTC).
pub(crate) fn git_in(
    dir: &Path,
    args: &[&str],
    name: &str,
    email: &str,
    time: i64,
    extra: &[&str],
) -> String {
    let date = format!("{time} +0000");
    run(dir, &Identity::of(name, email, &date), extra, args)
}

/// A git repository in a temporary directory, with a pinned clock.
pub(crate) struct Repo {
    pub dir: tempfile::TempDir,
    clock: i64,
}

impl Repo {
    /// `git init` with `main` as the default branch; the clock starts at [`EPOCH`].
    pub(crate) fn new() -> Repo {
        Repo::starting_at(EPOCH)
    }

    /// Like [`Repo::new`], with the clock starting at `epoch` (seconds since 1970, UTC): for
    /// a history that must be recent at a test's `--current-time`.
    pub(crate) fn starting_at(epoch: i64) -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().expect("temp dir"),
            clock: epoch,
        };
        repo.git(&["init", "-q"]);
        repo
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn file(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }

    /// Run git in the repository as Alice at the current clock; its stdout. Panics on failure.
    pub(crate) fn git(&self, args: &[&str]) -> String {
        self.git_as(args, "Alice", "alice@example.org", &[])
    }

    pub(crate) fn git_as(&self, args: &[&str], name: &str, email: &str, extra: &[&str]) -> String {
        git_in(self.path(), args, name, email, self.clock, extra)
    }

    /// Advance the clock by an hour; the next commit gets that time.
    pub(crate) fn tick(&mut self) -> i64 {
        self.clock += 3600;
        self.clock
    }

    pub(crate) fn now(&self) -> i64 {
        self.clock
    }

    /// Write `content` to `path` and commit it with `message`; returns the commit id.
    pub(crate) fn commit(&mut self, path: &str, content: &str, message: &str) -> String {
        self.commit_as(path, content, message, "Alice", "alice@example.org")
    }

    /// Like [`Repo::commit`], signed with the SSH key at `key` (`ssh-keygen -Y sign`).
    pub(crate) fn signed_commit(
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

    pub(crate) fn commit_as(
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

    /// Commit everything in the working tree (`git add -A`) with `message`; returns the id.
    pub(crate) fn commit_all(&mut self, message: &str) -> String {
        self.tick();
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
        self.head()
    }

    /// `git merge --no-ff` of `branch` with `message`.
    pub(crate) fn merge(&mut self, branch: &str, message: &str) -> String {
        self.tick();
        self.git(&["merge", "-q", "--no-ff", "-m", message, branch]);
        self.head()
    }

    pub(crate) fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    pub(crate) fn rev_list_count(&self, args: &[&str]) -> u64 {
        let mut a = vec!["rev-list", "--count"];
        a.extend_from_slice(args);
        self.git(&a).trim().parse().expect("a count")
    }
}
