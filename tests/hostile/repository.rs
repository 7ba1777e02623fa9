//! Hostile cases: a repository that tries to make cargo-sdl read outside it, write outside it,
//! assess another directory, hang on a FIFO or exhaust memory with a huge file.

#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::Path;

use crate::common::{self, Identity, workspace_with};
use crate::{all_files, bounded, mkfifo};

/// A secret outside the repository: it must never appear in any output.
const SECRET: &str = "SECRET-OUTSIDE-THE-REPOSITORY root:x:0:0::/root:/bin/bash";

fn secret_file() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("passwd"), format!("{SECRET}\n")).unwrap();
    dir
}

fn git_init_commit(dir: &Path) {
    let who = Identity {
        author: ("Alice", "alice@example.org"),
        committer: ("Alice", "alice@example.org"),
        date: "2024-01-01T00:00:00Z",
    };
    common::git_as(dir, &who, &["init", "-q"]);
    common::git_as(dir, &who, &["add", "-A"]);
    common::git_as(dir, &who, &["commit", "-q", "-m", "initial"]);
}

fn assert_secret_absent(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    assert!(
        // Parsers quote a few characters of what they cannot read: the start suffices.
        !text.contains("SECRET-OUT"),
        "{what} carries content from outside the repository"
    );
}

#[test]
fn a_symlinked_cargo_lock_is_never_read() {
    let secret = secret_file();
    let ws = workspace_with(&[]);
    symlink(secret.path().join("passwd"), ws.path().join("Cargo.lock")).unwrap();
    git_init_commit(ws.path());
    let run = bounded(ws.path(), &["check", "--format", "json"], 60);
    assert_secret_absent("check --format json", &run.output.stdout);
    assert_secret_absent("stderr", &run.output.stderr);
    let report: serde_json::Value = serde_json::from_slice(&run.output.stdout).unwrap();
    let cargo = report["evidence"]["cargo"].to_string();
    assert!(
        cargo.contains("symbolic link") && cargo.contains("Cargo.lock"),
        "{cargo}"
    );

    let run = bounded(
        ws.path(),
        &[
            "report",
            "--out",
            "target/pkg",
            "--archive",
            "target/pkg.tar.gz",
        ],
        60,
    );
    assert!(run.code <= 1, "{}", run.stderr());
    for (path, bytes) in all_files(&ws.path().join("target")) {
        assert_secret_absent(&path, &bytes);
    }
}

#[test]
fn a_cargo_toml_linked_to_another_project_is_refused() {
    let other = workspace_with(&[("SECURITY.md", SECRET)]);
    let ws = tempfile::tempdir().unwrap();
    symlink(
        other.path().join("Cargo.toml"),
        ws.path().join("Cargo.toml"),
    )
    .unwrap();
    let run = bounded(ws.path(), &["check"], 30);
    assert_eq!(run.code, 2, "{}", run.stdout());
    assert!(
        run.stderr().contains("Cargo.toml") && run.stderr().contains("symbolic link"),
        "{}",
        run.stderr()
    );
    assert_secret_absent("stdout", &run.output.stdout);
}

#[test]
fn a_workspace_above_the_repository_supplies_no_documents() {
    // The parent folder claims the repository as a workspace member and holds a policy of its
    // own; the repository (a git work tree) is what is assessed, and the parent is never read.
    // (hostile/supply.rs checks that cargo metadata's view of the parent is refused too.)
    let parent = tempfile::tempdir().unwrap();
    common::write_files(
        parent.path(),
        &[
            ("Cargo.toml", "[workspace]\nmembers = [\"repo\"]\n"),
            ("SECURITY.md", SECRET),
            (
                "repo/Cargo.toml",
                "[package]\nname = \"inner\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            ("repo/src/lib.rs", "#![forbid(unsafe_code)]\n"),
        ],
    );
    let repo = parent.path().join("repo");
    git_init_commit(&repo);
    let run = bounded(&repo, &["check", "--format", "json"], 60);
    assert_secret_absent("check --format json", &run.output.stdout);
    let report: serde_json::Value = serde_json::from_slice(&run.output.stdout).unwrap();
    assert_eq!(report["product"]["name"], "inner");
    let policy = report["evidence"]["files"].to_string();
    assert!(
        !policy.contains("\"SECURITY.md\""),
        "the parent's policy was read"
    );
}

#[test]
fn init_and_attest_never_write_through_a_link_that_leaves() {
    let outside = tempfile::tempdir().unwrap();
    for linked in ["sdl", "docs"] {
        let ws = workspace_with(&[]);
        symlink(outside.path(), ws.path().join(linked)).unwrap();
        let run = bounded(ws.path(), &["init"], 30);
        assert_eq!(run.code, 2, "init through {linked}/: {}", run.stdout());
        assert!(
            run.stderr().contains("outside the repository"),
            "{}",
            run.stderr()
        );
        assert!(
            std::fs::read_dir(outside.path()).unwrap().next().is_none(),
            "init wrote through {linked}/ to outside the repository"
        );
    }
    let ws = workspace_with(&[]);
    std::fs::create_dir_all(ws.path().join("sdl")).unwrap();
    symlink(outside.path(), ws.path().join("sdl/attestations")).unwrap();
    let run = bounded(
        ws.path(),
        &[
            "attest",
            "SM-1",
            "--statement",
            "The process is documented in docs/sdl/process.md and followed for every release.",
            "--owner",
            "Ada",
            "--owner-role",
            "security-officer",
            "--approver",
            "Grace",
            "--approver-role",
            "process-owner",
            "--reference",
            "Cargo.toml",
            "--current-time",
            "2026-01-01",
        ],
        30,
    );
    assert_eq!(run.code, 2, "{}", run.stdout());
    // Refused for the link, not for anything the record lacks.
    assert!(
        run.stderr().contains("outside the repository"),
        "{}",
        run.stderr()
    );
    assert!(
        std::fs::read_dir(outside.path()).unwrap().next().is_none(),
        "attest wrote through sdl/attestations to outside the repository"
    );
}

#[test]
fn fifos_never_hang_a_run() {
    // Each of these, as a FIFO, used to block `check` forever. Records and configuration are
    // errors (exit 2, naming the file); documents and the lockfile become findings.
    let cases: &[(&str, i32)] = &[
        ("sdl.toml", 2),
        ("sdl/roles.toml", 2),
        ("sdl/training.toml", 2),
        ("sdl/attestations/sm-1.toml", 2),
        ("Cargo.lock", -1),
        ("SECURITY.md", -1),
        (".github/workflows/ci.yml", -1),
    ];
    for (path, expected) in cases {
        let ws = workspace_with(&[]);
        mkfifo(&ws.path().join(path));
        let run = bounded(ws.path(), &["check"], 60);
        if *expected >= 0 {
            assert_eq!(run.code, *expected, "{path}: {}", run.stderr());
            assert!(
                run.stderr().contains(path.rsplit('/').next().unwrap())
                    && run.stderr().contains("FIFO"),
                "{path}: {}",
                run.stderr()
            );
        }
    }
}

#[test]
fn oversized_inputs_are_refused_with_the_cap() {
    // Past the cap, the file is never parsed (parsing costs ~50× its size in memory).
    let ws = workspace_with(&[]);
    let mut lock = String::from("version = 3\n");
    while lock.len() <= 8 * 1024 * 1024 {
        lock.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    std::fs::write(ws.path().join("Cargo.lock"), &lock).unwrap();
    let mut bom = String::from("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"x\":\"");
    bom.push_str(&"a".repeat(16 * 1024 * 1024));
    bom.push_str("\"}");
    std::fs::write(ws.path().join("bom.json"), &bom).unwrap();
    let run = bounded(ws.path(), &["check", "--format", "json"], 120);
    let report: serde_json::Value = serde_json::from_slice(&run.output.stdout).unwrap();
    let cargo = report["evidence"]["cargo"].to_string();
    assert!(cargo.contains("the cap is 8388608"), "{cargo}");
    let sbom = report["evidence"]["sbom"].to_string();
    assert!(sbom.contains("the cap is 16777216"), "{sbom}");
}

#[test]
fn a_git_file_that_redirects_to_another_repository_is_not_read() {
    // Another repository on the machine, with a confidential history.
    let other = workspace_with(&[]);
    let who = Identity {
        author: ("Eve", "eve@example.org"),
        committer: ("Eve", "eve@example.org"),
        date: "2024-01-01T00:00:00Z",
    };
    common::git_as(other.path(), &who, &["init", "-q"]);
    common::git_as(other.path(), &who, &["add", "-A"]);
    common::git_as(other.path(), &who, &["commit", "-q", "-m", SECRET]);
    // The assessed repository's .git is a file pointing there.
    let ws = workspace_with(&[]);
    std::fs::write(
        ws.path().join(".git"),
        format!("gitdir: {}\n", other.path().join(".git").display()),
    )
    .unwrap();
    let run = bounded(ws.path(), &["check", "--format", "json"], 60);
    assert_secret_absent("check --format json", &run.output.stdout);
    assert_secret_absent("stderr", &run.output.stderr);
    let report: serde_json::Value = serde_json::from_slice(&run.output.stdout).unwrap();
    let git = &report["evidence"]["git"];
    assert_eq!(git["state"], "failed", "{git}");
    assert!(git.to_string().contains("not this repository's"), "{git}");

    // A linked worktree that its repository registered is still read.
    let linked = tempfile::tempdir().unwrap();
    let tree = linked.path().join("tree");
    common::git_as(
        other.path(),
        &who,
        &["worktree", "add", "-q", tree.to_str().unwrap()],
    );
    let run = bounded(&tree, &["check", "--format", "json"], 60);
    let report: serde_json::Value = serde_json::from_slice(&run.output.stdout).unwrap();
    assert_eq!(
        report["evidence"]["git"]["state"],
        "present",
        "{}",
        run.stderr()
    );
}

#[test]
fn fifos_in_the_git_directory_never_hang_a_run() {
    // A repository handed over as a folder or an archive can hold what a clone cannot.
    for fifo in [".git/config", ".git/HEAD", ".git/refs/heads/main", ".git"] {
        let ws = workspace_with(&[]);
        git_init_commit(ws.path());
        let path = ws.path().join(fifo);
        if fifo == ".git" {
            std::fs::remove_dir_all(&path).unwrap();
        } else {
            std::fs::remove_file(&path).unwrap();
        }
        mkfifo(&path);
        let run = bounded(ws.path(), &["check", "--format", "json"], 60);
        let report: serde_json::Value = serde_json::from_slice(&run.output.stdout)
            .unwrap_or_else(|e| panic!("{fifo}: {e}: {}", run.stderr()));
        let git = &report["evidence"]["git"];
        assert_ne!(git["state"], "present", "{fifo}: {git}");
        assert!(git.to_string().contains("FIFO"), "{fifo}: {git}");
    }
    // Nor a link in the git directory to a FIFO, inside the work tree or outside it.
    let outside = tempfile::tempdir().unwrap();
    for (link, inside) in [(".git/HEAD", true), (".git/config", false)] {
        let ws = workspace_with(&[]);
        git_init_commit(ws.path());
        let fifo = if inside {
            ws.path().join("pipe")
        } else {
            outside
                .path()
                .join(format!("pipe-{}", link.replace('/', "-")))
        };
        mkfifo(&fifo);
        std::fs::remove_file(ws.path().join(link)).unwrap();
        symlink(&fifo, ws.path().join(link)).unwrap();
        let run = bounded(ws.path(), &["check", "--format", "json"], 60);
        let report: serde_json::Value = serde_json::from_slice(&run.output.stdout)
            .unwrap_or_else(|e| panic!("{link}: {e}: {}", run.stderr()));
        let git = &report["evidence"]["git"];
        assert!(git.to_string().contains("FIFO"), "{link}: {git}");
    }
}

#[test]
fn sbom_out_never_writes_through_a_link() {
    let secret = secret_file();
    let ws = workspace_with(&[]);
    symlink(
        secret.path().join("passwd"),
        ws.path().join("sbom.cdx.json"),
    )
    .unwrap();
    let run = bounded(
        ws.path(),
        &["sbom", "--out", "sbom.cdx.json", "--offline"],
        60,
    );
    assert_eq!(run.code, 2, "{}", run.stderr());
    assert!(run.stderr().contains("symbolic link"), "{}", run.stderr());
    let outside = std::fs::read_to_string(secret.path().join("passwd")).unwrap();
    assert_eq!(
        outside,
        format!("{SECRET}\n"),
        "the file outside was overwritten"
    );
    // A regular target is replaced as a whole.
    std::fs::remove_file(ws.path().join("sbom.cdx.json")).unwrap();
    std::fs::write(ws.path().join("sbom.cdx.json"), "old").unwrap();
    let run = bounded(
        ws.path(),
        &["sbom", "--out", "sbom.cdx.json", "--offline"],
        60,
    );
    assert_eq!(run.code, 0, "{}", run.stderr());
    let written = std::fs::read_to_string(ws.path().join("sbom.cdx.json")).unwrap();
    assert!(written.contains("CycloneDX"), "{written}");
    // Nor through a folder on the way that links outside.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("sbom.cdx.json"), "outside").unwrap();
    symlink(outside.path(), ws.path().join("docs")).unwrap();
    let run = bounded(
        ws.path(),
        &["sbom", "--out", "docs/sbom.cdx.json", "--offline"],
        60,
    );
    assert_eq!(run.code, 2, "{}", run.stderr());
    assert!(
        run.stderr().contains("leads outside the repository"),
        "{}",
        run.stderr()
    );
    assert_eq!(
        std::fs::read_to_string(outside.path().join("sbom.cdx.json")).unwrap(),
        "outside"
    );
    // Nor when the path reaches the repository itself through a link.
    let elsewhere = tempfile::tempdir().unwrap();
    symlink(ws.path(), elsewhere.path().join("via")).unwrap();
    let through = elsewhere.path().join("via/docs/sbom.cdx.json");
    let run = bounded(
        ws.path(),
        &["sbom", "--out", through.to_str().unwrap(), "--offline"],
        60,
    );
    assert_eq!(run.code, 2, "{}", run.stderr());
    assert_eq!(
        std::fs::read_to_string(outside.path().join("sbom.cdx.json")).unwrap(),
        "outside"
    );
}

#[test]
fn a_repository_advisory_database_may_not_link_or_hang() {
    // Used only when the operator has none; its tree is checked before it is loaded.
    let secret = secret_file();
    for plant in ["link", "fifo"] {
        let ws = workspace_with(&[
            ("sdl.toml", "[advisories]\ndb = \"advisory-db\"\n"),
            (
                "Cargo.lock",
                "version = 3\n\n[[package]]\nname = \"demo\"\nversion = \"0.3.0\"\n",
            ),
        ]);
        let db = ws.path().join("advisory-db/crates/x");
        std::fs::create_dir_all(&db).unwrap();
        std::fs::write(
            db.join("RUSTSEC-2020-0001.md"),
            "```toml\n[advisory]\nid = \"RUSTSEC-2020-0001\"\npackage = \"x\"\ndate = \"2020-01-01\"\n[versions]\npatched = []\n```\n# t\n\nd\n",
        )
        .unwrap();
        match plant {
            "link" => symlink(
                secret.path().join("passwd"),
                db.join("RUSTSEC-2020-0002.md"),
            )
            .unwrap(),
            _ => mkfifo(&db.join("RUSTSEC-2020-0003.md")),
        }
        git_init_commit(ws.path());
        let run = bounded(ws.path(), &["check", "--format", "json"], 60);
        assert_secret_absent("check --format json", &run.output.stdout);
        assert_secret_absent("stderr", &run.output.stderr);
        let report: serde_json::Value = serde_json::from_slice(&run.output.stdout).unwrap();
        let advisories = report["evidence"]["advisories"].to_string();
        assert!(advisories.contains("refused"), "{plant}: {advisories}");
        assert_eq!(run.code, 1, "fails closed: {}", run.stdout());
    }
}

#[test]
fn sbom_out_may_name_a_place_outside_the_repository_with_dot_dot() {
    // The operator's own choice: `..` out of the repository is not a planted link.
    let outer = tempfile::tempdir().unwrap();
    let ws = outer.path().join("repo");
    common::write_files(
        &ws,
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"demo\"\nversion = \"0.3.0\"\nedition = \"2021\"\n",
            ),
            ("src/lib.rs", "#![forbid(unsafe_code)]\n"),
        ],
    );
    let run = bounded(&ws, &["sbom", "--out", "../sbom.cdx.json", "--offline"], 60);
    assert_eq!(run.code, 0, "{}", run.stderr());
    assert!(outer.path().join("sbom.cdx.json").is_file());
}
