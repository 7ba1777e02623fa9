//! The evidence package: complete, deterministic, atomic, verifiable, comparable.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

mod common;
// The machine has an advisory database, so the passing workspace passes (fail closed otherwise).
use common::{sdl_with_advisory_db as sdl, text};

const NOW: &str = "2026-11-25T12:00:00Z";

fn workspace() -> tempfile::TempDir {
    common::passing_workspace()
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    cargo_sdl::package::read_dir_files(dir).unwrap()
}

#[test]
fn package_is_complete_verifiable_and_deterministic() {
    let ws = workspace();
    let out = sdl(
        ws.path(),
        &[
            "report",
            "--out",
            "target/pkg",
            "--archive",
            "target/pkg.tar.gz",
            "--current-time",
            NOW,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let pkg = ws.path().join("target/pkg");
    let files = tree(&pkg);
    for name in [
        "report.json",
        "report.md",
        "MANIFEST.sha256",
        "documents/SECURITY.md",
    ] {
        assert!(
            files.contains_key(name),
            "{name} missing: {:?}",
            files.keys()
        );
    }
    // sha256sum itself accepts the manifest.
    if common::require_tool("sha256sum") {
        let check = Command::new("sha256sum")
            .args(["-c", "--strict", "MANIFEST.sha256"])
            .current_dir(&pkg)
            .output()
            .unwrap();
        assert!(check.status.success(), "{}", text(&check.stdout));
    }
    assert_eq!(
        sdl(ws.path(), &["verify", "target/pkg"]).status.code(),
        Some(0)
    );
    assert_eq!(
        sdl(ws.path(), &["verify", "target/pkg.tar.gz"])
            .status
            .code(),
        Some(0)
    );

    // Same state and time: byte-identical package and archive.
    let again = sdl(
        ws.path(),
        &[
            "report",
            "--out",
            "target/pkg2",
            "--archive",
            "target/pkg2.tar.gz",
            "--current-time",
            NOW,
        ],
    );
    assert_eq!(again.status.code(), Some(0));
    assert!(
        files == tree(&ws.path().join("target/pkg2")),
        "package bytes differ"
    );
    // The archive's top directory is named after the package directory, so compare contents.
    let a = cargo_sdl::package::archive::read_tar_gz(&ws.path().join("target/pkg.tar.gz")).unwrap();
    let b =
        cargo_sdl::package::archive::read_tar_gz(&ws.path().join("target/pkg2.tar.gz")).unwrap();
    assert!(a == b, "archive contents differ");
    assert!(a == files, "archive and directory differ");
    let again = sdl(
        ws.path(),
        &[
            "report",
            "--out",
            "target/pkg",
            "--force",
            "--archive",
            "target/pkg3.tar.gz",
            "--current-time",
            NOW,
        ],
    );
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        std::fs::read(ws.path().join("target/pkg.tar.gz")).unwrap(),
        std::fs::read(ws.path().join("target/pkg3.tar.gz")).unwrap()
    );
}

#[test]
fn verify_lists_every_difference() {
    let ws = workspace();
    assert_eq!(
        sdl(
            ws.path(),
            &["report", "--out", "target/pkg", "--current-time", NOW]
        )
        .status
        .code(),
        Some(0)
    );
    let pkg = ws.path().join("target/pkg");
    std::fs::write(pkg.join("report.md"), "tampered").unwrap();
    std::fs::remove_file(pkg.join("documents/SECURITY.md")).unwrap();
    std::fs::write(pkg.join("extra.txt"), "x").unwrap();
    let out = sdl(ws.path(), &["verify", "target/pkg"]);
    assert_eq!(out.status.code(), Some(1));
    let s = text(&out.stdout);
    assert!(s.contains("modified: report.md"), "{s}");
    assert!(s.contains("removed: documents/SECURITY.md"), "{s}");
    assert!(s.contains("added: extra.txt"), "{s}");
    assert!(s.contains("3 differences"), "{s}");

    let out = sdl(ws.path(), &["verify", "nowhere"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(ws.path().join("junk.tar.gz"), "not gzip").unwrap();
    let out = sdl(ws.path(), &["verify", "junk.tar.gz"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("junk.tar.gz"));
}

#[test]
fn an_existing_package_is_refused_without_force_and_failures_leave_nothing() {
    let ws = workspace();
    std::fs::create_dir_all(ws.path().join("target/pkg")).unwrap();
    std::fs::write(ws.path().join("target/pkg/keep.txt"), "mine").unwrap();
    let out = sdl(
        ws.path(),
        &["report", "--out", "target/pkg", "--current-time", NOW],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(ws.path().join("target/pkg/keep.txt")).unwrap(),
        "mine"
    );

    // A write that fails half-way leaves neither the package nor the staging directory.
    let target = ws.path().join("atomic");
    let mut files = BTreeMap::new();
    files.insert("report.json".to_string(), b"{}".to_vec());
    files.insert("documents/a".to_string(), b"file".to_vec());
    files.insert(
        "documents/a/b".to_string(),
        b"cannot exist beside the file a".to_vec(),
    );
    let located = cargo_sdl::workspace::locate(Some(&ws.path().join("Cargo.toml"))).unwrap();
    let destination =
        cargo_sdl::package::publish::Destination::check(&target, None, false, &located).unwrap();
    assert!(destination.publish(&files, 0).is_err());
    assert!(!target.exists());
    let leftovers: Vec<_> = std::fs::read_dir(ws.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn diff_reports_regressions() {
    let ws = workspace();
    assert_eq!(
        sdl(
            ws.path(),
            &["report", "--out", "target/old", "--current-time", NOW]
        )
        .status
        .code(),
        Some(0)
    );
    std::fs::remove_file(ws.path().join("SECURITY.md")).unwrap();
    let out = sdl(
        ws.path(),
        &["report", "--out", "target/new", "--current-time", NOW],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "security-policy-present is deny: the report still gets written"
    );
    assert!(ws.path().join("target/new/report.json").is_file());

    let out = sdl(ws.path(), &["diff", "target/old", "target/new"]);
    assert_eq!(out.status.code(), Some(0));
    let s = text(&out.stdout);
    assert!(s.contains("DM-1"), "{s}");
    assert!(s.contains("worse"), "{s}");
    let out = sdl(
        ws.path(),
        &[
            "diff",
            "target/old",
            "target/new/report.json",
            "--fail-on-regression",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let out = sdl(
        ws.path(),
        &[
            "diff",
            "target/new",
            "target/old",
            "--fail-on-regression",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|c| c["subject"] == "DM-1" && c["regression"] == false)
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_repository_is_never_copied_into_the_package() {
    let ws = workspace();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "top secret key material").unwrap();
    std::fs::remove_file(ws.path().join("SECURITY.md")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        ws.path().join("SECURITY.md"),
    )
    .unwrap();
    let out = sdl(
        ws.path(),
        &["report", "--out", "target/pkg", "--current-time", NOW],
    );
    assert!(
        matches!(out.status.code(), Some(1 | 2)),
        "{}",
        text(&out.stderr)
    );
    if ws.path().join("target/pkg").exists() {
        for (path, bytes) in tree(&ws.path().join("target/pkg")) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains("top secret"),
                "{path} carries the symlink target"
            );
        }
    }
}

#[test]
fn diff_refuses_a_package_that_does_not_verify() {
    let ws = workspace();
    assert_eq!(
        sdl(
            ws.path(),
            &["report", "--out", "target/a", "--current-time", NOW]
        )
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        sdl(
            ws.path(),
            &["report", "--out", "target/b", "--current-time", NOW]
        )
        .status
        .code(),
        Some(0)
    );
    std::fs::write(
        ws.path().join("target/b/report.json"),
        "{\"schema_version\": 1}",
    )
    .unwrap();
    let out = sdl(ws.path(), &["diff", "target/a", "target/b"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("does not match its manifest"),
        "{}",
        text(&out.stderr)
    );
}
