//! Hostile cases: package. `report --out DIR [--force] [--archive FILE]` pointed at places it
//! must never replace: the repository itself, a parent of it, `.git`, a folder of other files,
//! a FIFO, a device-like target. Only a previous cargo-sdl package is ever replaced; every
//! other case is exit 2 naming why, and everything that was there survives.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::{self, text};
use crate::verify::{NOW, assert_exit, run_bounded};

/// A committed workspace at `outer/ws`, so that `..` is a folder this test owns, with a
/// sentinel beside it, an uncommitted file in it and a sentinel in `.git`.
struct Repo {
    outer: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let outer = tempfile::tempdir().expect("a temporary directory");
        let ws = outer.path().join("ws");
        let template = common::passing_workspace();
        for (path, bytes) in files_under(template.path()) {
            let target = ws.join(path);
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::write(target, bytes).expect("write");
        }
        let who = common::Identity {
            author: ("Alice", "alice@example.org"),
            committer: ("Alice", "alice@example.org"),
            date: "2026-01-01T00:00:00Z",
        };
        common::git_as(&ws, &who, &["init", "-q"]);
        common::git_as(&ws, &who, &["add", "."]);
        common::git_as(&ws, &who, &["commit", "-q", "-m", "initial"]);
        std::fs::write(ws.join("uncommitted.txt"), "work in progress").expect("write");
        std::fs::write(outer.path().join("sentinel.txt"), "beside the repository").expect("write");
        Repo { outer }
    }

    fn ws(&self) -> PathBuf {
        self.outer.path().join("ws")
    }

    fn report(&self, args: &[&str]) -> std::process::Output {
        let mut all = vec!["report"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--current-time", NOW]);
        run_bounded(&self.ws(), &all)
    }

    /// Everything that must survive a refused run is still there.
    #[track_caller]
    fn assert_intact(&self) {
        let ws = self.ws();
        assert_eq!(
            std::fs::read_to_string(ws.join("uncommitted.txt")).expect("uncommitted work survives"),
            "work in progress"
        );
        assert!(ws.join("Cargo.toml").is_file(), "Cargo.toml survives");
        assert!(ws.join(".git/HEAD").is_file(), ".git survives");
        assert_eq!(
            std::fs::read_to_string(self.outer.path().join("sentinel.txt"))
                .expect("the parent's files survive"),
            "beside the repository"
        );
    }
}

/// Every regular file under `dir` (not following links), relative path → bytes.
fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    crate::all_files(dir).into_iter().collect()
}

#[track_caller]
fn assert_refused(out: &std::process::Output, why: &str) {
    assert_exit(out, 2, why);
    let stderr = text(&out.stderr);
    assert!(stderr.contains(why), "expected `{why}` in\n{stderr}");
}

#[test]
fn the_repository_its_parent_and_git_are_never_the_package_folder() {
    let repo = Repo::new();
    let ws = repo.ws();
    let pwd = ws.to_str().expect("UTF-8 path").to_string();
    for force in [false, true] {
        let f: &[&str] = if force { &["--force"] } else { &[] };
        let run = |out: &str| repo.report(&[&["--out", out], f].concat());
        assert_refused(&run(&pwd), "is the workspace root");
        assert_refused(&run("."), "is the workspace root");
        assert_refused(&run(".."), "contains the workspace root");
        assert_refused(&run("src/.."), "is the workspace root");
        assert_refused(&run(".git/x"), "lies inside a git directory");
        assert_refused(&run(".git"), "lies inside a git directory");
        repo.assert_intact();
        assert!(!ws.join(".git/x").exists());
    }
    // With the workspace in a subfolder, the repository root is protected too.
    let member = ws.join("member");
    common::write_files(
        &member,
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"member\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            ("src/lib.rs", "#![forbid(unsafe_code)]\n"),
        ],
    );
    // Tracked: the repository's workspace in a subfolder (an untracked one is not the
    // repository's, and is refused by the workspace rule above).
    let who = common::Identity {
        author: ("Alice", "alice@example.org"),
        committer: ("Alice", "alice@example.org"),
        date: "2026-01-01T00:00:00Z",
    };
    common::git_as(&ws, &who, &["add", "member"]);
    let out = run_bounded(
        &member,
        &["report", "--out", "..", "--force", "--current-time", NOW],
    );
    assert_refused(&out, "is the repository's root");
    repo.assert_intact();
}

#[test]
fn a_folder_of_other_files_is_never_replaced() {
    let repo = Repo::new();
    let ws = repo.ws();
    let docs = ws.join("target/mine");
    common::write_files(
        &docs,
        &[("notes.txt", "mine"), ("sub/more.txt", "also mine")],
    );
    for force in [false, true] {
        let f: &[&str] = if force { &["--force"] } else { &[] };
        let out = repo.report(&[&["--out", "target/mine"], f].concat());
        assert_refused(&out, "is not a package written by cargo-sdl");
        assert!(text(&out.stderr).contains("no MANIFEST.sha256"));
        assert_refused(
            &repo.report(&[&["--out", "src"], f].concat()),
            "not a package",
        );
    }
    assert_eq!(
        std::fs::read_to_string(docs.join("sub/more.txt")).expect("survives"),
        "also mine"
    );
    assert!(ws.join("src/lib.rs").is_file());

    // A manifest alone does not make a package: every file must be listed in it.
    let out = repo.report(&["--out", "target/pkg"]);
    assert_exit(&out, 0, "a first package");
    std::fs::write(ws.join("target/pkg/my-notes.txt"), "added by hand").expect("write");
    let out = repo.report(&["--out", "target/pkg", "--force"]);
    assert_refused(&out, "my-notes.txt is not listed in its MANIFEST.sha256");
    assert!(ws.join("target/pkg/my-notes.txt").is_file());
    std::fs::remove_file(ws.join("target/pkg/my-notes.txt")).expect("rm");

    // A manifest that does not list report.json is not ours either.
    let fake = ws.join("target/fake");
    common::write_files(
        &fake,
        &[
            (
                "MANIFEST.sha256",
                &format!("{}  data.bin\n", "0".repeat(64)),
            ),
            ("data.bin", "precious"),
        ],
    );
    let out = repo.report(&["--out", "target/fake", "--force"]);
    assert_refused(&out, "does not list report.json");
    assert!(fake.join("data.bin").is_file());

    // A previous package: refused without --force, replaced with it; an empty folder is used.
    assert_refused(&repo.report(&["--out", "target/pkg"]), "pass --force");
    assert_exit(
        &repo.report(&["--out", "target/pkg", "--force"]),
        0,
        "replaced",
    );
    std::fs::create_dir_all(ws.join("target/empty")).expect("mkdir");
    assert_exit(
        &repo.report(&["--out", "target/empty"]),
        0,
        "an empty folder",
    );
    assert_exit(
        &run_bounded(&ws, &["verify", "target/empty"]),
        0,
        "it verifies",
    );
    // A file, or a link, is not a folder to write into.
    assert_refused(
        &repo.report(&["--out", "Cargo.toml", "--force"]),
        "not a folder",
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(ws.join("target/pkg"), ws.join("target/link")).expect("ln");
        assert_refused(
            &repo.report(&["--out", "target/link", "--force"]),
            "is a symbolic link",
        );
        assert!(ws.join("target/pkg/report.json").is_file());
    }
    repo.assert_intact();
}

/// A process id that no longer runs: a child that has exited.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true")
        .spawn()
        .expect("true runs");
    let pid = child.id();
    child.wait().expect("true exits");
    pid
}

#[test]
fn leftovers_of_a_killed_run_are_removed_and_a_live_runs_are_not() {
    let repo = Repo::new();
    let target = repo.ws().join("target");
    let dead = dead_pid();
    let live = std::process::id();
    let partial_dead = target.join(format!(".pkg.partial-{dead}"));
    let old_dead = target.join(format!(".pkg.old-{dead}"));
    let partial_live = target.join(format!(".pkg.partial-{live}"));
    let foreign_dead = target.join(format!(".pkg.old-{}", dead_pid()));
    let similar = target.join(format!(".pkg.partial-{dead}.bak"));
    common::write_files(
        &partial_dead,
        &[("report.json", "{"), ("documents/SECURITY.md", "x")],
    );
    common::write_files(&old_dead, &[("report.json", "{}"), ("MANIFEST.sha256", "")]);
    common::write_files(&partial_live, &[("report.json", "{")]);
    common::write_files(
        &foreign_dead,
        &[("report.json", "{}"), ("thesis.tex", "years of work")],
    );
    common::write_files(&similar, &[("report.json", "{")]);
    let archive_partial = target.join(format!(".pkg.tar.gz.partial-{dead}"));
    std::fs::write(&archive_partial, [0x1f, 0x8b, 8, 0]).expect("write");
    let out = repo.report(&["--out", "target/pkg", "--archive", "target/pkg.tar.gz"]);
    assert_exit(&out, 0, "a run beside leftovers");
    assert!(
        !partial_dead.exists(),
        "a dead run's staging folder is removed"
    );
    assert!(
        !old_dead.exists(),
        "a dead run's previous package is removed"
    );
    assert!(
        !archive_partial.exists(),
        "a dead run's partial archive is removed"
    );
    assert!(
        partial_live.join("report.json").is_file(),
        "a live run's folder stays"
    );
    assert!(
        foreign_dead.join("thesis.tex").is_file(),
        "a folder with files outside the package layout stays"
    );
    assert!(similar.is_dir(), "only the exact name pattern is cleaned");
    assert!(target.join("pkg/report.json").is_file());
    let leftovers: Vec<String> = std::fs::read_dir(&target)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with(".pkg")
                && Some(n.as_str()) != partial_live.file_name().and_then(|f| f.to_str())
        })
        .collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}");
}

#[test]
fn the_archive_never_replaces_a_device_a_fifo_a_folder_or_the_package() {
    let repo = Repo::new();
    let ws = repo.ws();
    std::fs::create_dir_all(ws.join("target")).expect("mkdir");
    let out = repo.report(&["--out", "target/pkg", "--archive", "target/pkg/pkg.tar.gz"]);
    assert_refused(&out, "lies inside --out target/pkg");
    assert!(!ws.join("target/pkg").exists(), "nothing was written");

    #[cfg(unix)]
    {
        let fifo = ws.join("target/fifo.tar.gz");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        let out = repo.report(&[
            "--out",
            "target/pkg",
            "--archive",
            "target/fifo.tar.gz",
            "--force",
        ]);
        assert_refused(&out, "is a FIFO (named pipe)");
        use std::os::unix::fs::FileTypeExt;
        assert!(
            fifo.symlink_metadata()
                .expect("still there")
                .file_type()
                .is_fifo()
        );

        std::os::unix::fs::symlink(ws.join("Cargo.toml"), ws.join("target/link.tar.gz"))
            .expect("ln");
        let out = repo.report(&[
            "--out",
            "target/pkg",
            "--archive",
            "target/link.tar.gz",
            "--force",
        ]);
        assert_refused(&out, "is a symbolic link");
    }
    std::fs::create_dir_all(ws.join("target/dir.tar.gz/inside")).expect("mkdir");
    let out = repo.report(&[
        "--out",
        "target/pkg",
        "--archive",
        "target/dir.tar.gz",
        "--force",
    ]);
    assert_refused(&out, "is a directory");
    assert!(ws.join("target/dir.tar.gz/inside").is_dir());
    // A regular file that is not a package archive is not replaced either.
    let out = repo.report(&["--out", "target/pkg", "--archive", "Cargo.toml", "--force"]);
    assert_refused(&out, "is not a package archive written by cargo-sdl");
    assert!(
        std::fs::read_to_string(ws.join("Cargo.toml"))
            .expect("kept")
            .contains("[package]")
    );
    let out = repo.report(&["--out", "target/pkg", "--archive", ".git/pkg.tar.gz"]);
    assert_refused(&out, "lies inside a git directory");
    assert!(!ws.join("target/pkg").exists(), "nothing was written");

    // A previous archive is replaced with --force, and only with it.
    let out = repo.report(&["--out", "target/pkg", "--archive", "target/pkg.tar.gz"]);
    assert_exit(&out, 0, "a first archive");
    let out = repo.report(&["--out", "target/pkg2", "--archive", "target/pkg.tar.gz"]);
    assert_refused(&out, "holds a previous package archive; pass --force");
    let out = repo.report(&[
        "--out",
        "target/pkg2",
        "--archive",
        "target/pkg.tar.gz",
        "--force",
    ]);
    assert_exit(&out, 0, "the archive replaced");
    assert_exit(
        &run_bounded(&ws, &["verify", "target/pkg.tar.gz"]),
        0,
        "it verifies",
    );
    repo.assert_intact();
}

#[test]
fn an_archive_that_cannot_be_written_leaves_the_previous_package() {
    let repo = Repo::new();
    let ws = repo.ws();
    assert_exit(&repo.report(&["--out", "target/pkg"]), 0, "a first package");
    let before = files_under(&ws.join("target/pkg"));
    // Valid as a name, but its hidden sibling `.NAME.partial-PID` is longer than a file name
    // may be: the archive fails only when it is written.
    let name = format!("target/{}.tar.gz", "a".repeat(240));
    std::fs::write(
        ws.join("SECURITY.md"),
        "# Security\n\nChanged: security@example.com, 5 days.\n",
    )
    .expect("write");
    let out = repo.report(&["--out", "target/pkg", "--force", "--archive", &name]);
    assert_exit(&out, 2, "the archive cannot be written");
    assert!(
        text(&out.stderr).contains("creating"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        files_under(&ws.join("target/pkg")) == before,
        "the previous package is untouched"
    );
    let leftovers: Vec<String> = std::fs::read_dir(ws.join("target"))
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_exit(
        &run_bounded(&ws, &["verify", "target/pkg"]),
        0,
        "it still verifies",
    );
    repo.assert_intact();
}
