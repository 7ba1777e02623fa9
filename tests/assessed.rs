//! The assessed object, exactly: the full commit, branch, tags at HEAD, the remote without
//! credentials, the workspace's folder, whether the work tree matches the commit, and the one
//! clock of the run with its source.

mod common;

use common::{passing_workspace, text, write_files};

fn at(dir: &std::path::Path, args: &[&str]) -> String {
    common::git::git_in(dir, args, "Alice", "alice@example.org", 1_767_225_600, &[])
}

fn report(dir: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let home = common::cargo_home(true);
    let out = common::command(dir, home.path())
        .args(["check", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_report_names_the_commit_the_tree_and_the_clock() {
    let ws = passing_workspace();
    let dir = ws.path();
    write_files(dir, &[("docs/notes.md", "# Notes\n")]);
    at(dir, &["init", "-q"]);
    at(dir, &["add", "-A"]);
    at(dir, &["commit", "-q", "-m", "initial"]);
    at(dir, &["tag", "v1.0.0"]);
    at(
        dir,
        &[
            "remote",
            "add",
            "origin",
            "https://ci-bot:ghp_secret@git.example.com/acme/plc.git",
        ],
    );
    let head = at(dir, &["rev-parse", "HEAD"]).trim().to_string();

    let r = report(dir, &["--current-time", "2026-06-01T00:00:00Z"]);
    let a = &r["assessed"];
    assert_eq!(a["commit"], head.as_str());
    assert_eq!(a["branch"], "main");
    assert_eq!(a["detached"], false);
    assert_eq!(a["tags"], serde_json::json!(["v1.0.0"]));
    assert_eq!(a["remote"], "https://git.example.com/acme/plc.git");
    assert!(!r.to_string().contains("ghp_secret"), "credentials leaked");
    assert_eq!(a["workspace"], ".");
    assert_eq!(a["work_tree"]["clean"], true);
    assert_eq!(a["time"], "2026-06-01T00:00:00Z");
    assert_eq!(a["time_source"], "--current-time");

    // A modified and a missing tracked file: the report says so, and a release pipeline's
    // `report --require-clean` refuses to package a tree that is not the commit.
    std::fs::write(
        dir.join("docs/notes.md"),
        "# Notes\n\nchanged after the commit\n",
    )
    .unwrap();
    std::fs::remove_file(dir.join("SECURITY.md")).unwrap();
    let r = report(dir, &["--current-time", "2026-06-01T00:00:00Z"]);
    let w = &r["assessed"]["work_tree"];
    assert_eq!(w["clean"], false, "{w}");
    assert_eq!(w["modified"], serde_json::json!(["docs/notes.md"]));
    assert_eq!(w["missing"], serde_json::json!(["SECURITY.md"]));
    let home = common::cargo_home(true);
    let out = common::command(dir, home.path())
        .args(["report", "--out", "target/pkg", "--require-clean"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(
        err.contains("--require-clean")
            && err.contains("modified docs/notes.md")
            && err.contains("missing SECURITY.md"),
        "{err}"
    );
    assert!(!dir.join("target/pkg").exists(), "nothing is written");

    // Restored, the same command writes the package.
    at(dir, &["checkout", "--", "."]);
    let out = common::command(dir, home.path())
        .args(["report", "--out", "target/pkg", "--require-clean"])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        text(&out.stderr)
    );
    assert!(dir.join("target/pkg/index.html").exists());
    let html = std::fs::read_to_string(dir.join("target/pkg/index.html")).unwrap();
    assert!(html.contains(&head), "the page names the full commit");
    // The overview lists every requirement, each linking to its card, before the cards.
    let overview = html
        .find("<h3 id=\"overview\">")
        .expect("an overview table");
    let rows = html
        .matches("<tr><td><a class=\"mono nowrap\" href=\"#")
        .count();
    assert_eq!(rows, 47, "one overview row per requirement");
    assert!(overview < html.find("<article class=\"req").unwrap());

    // SARIF names the assessed commit as code scanning expects it; OSCAL's metadata too.
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("target/pkg/report.sarif")).unwrap())
            .unwrap();
    let vc = &sarif["runs"][0]["versionControlProvenance"][0];
    assert_eq!(vc["repositoryUri"], "https://git.example.com/acme/plc.git");
    assert_eq!(vc["revisionId"], head.as_str());
    assert_eq!(vc["branch"], "main");
    assert_eq!(vc["mappedTo"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(sarif["runs"][0]["properties"]["workTreeClean"], true);
    let oscal: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("target/pkg/oscal-assessment-results.json")).unwrap(),
    )
    .unwrap();
    let props = oscal["assessment-results"]["metadata"]["props"]
        .as_array()
        .unwrap();
    let value = |name: &str| -> Vec<&str> {
        props
            .iter()
            .filter(|p| p["name"] == name)
            .map(|p| p["value"].as_str().unwrap())
            .collect()
    };
    assert_eq!(value("assessed-commit"), [head.as_str()]);
    assert_eq!(value("assessed-branch"), ["main"]);
    assert_eq!(value("assessed-tag"), ["v1.0.0"]);
    assert_eq!(
        value("repository-remote"),
        ["https://git.example.com/acme/plc.git"]
    );
    assert_eq!(value("work-tree"), ["clean: matches the commit"]);
    let whole = format!("{sarif}{oscal}");
    assert!(!whole.contains("ghp_secret"), "credentials leaked");
}

#[test]
fn the_clock_source_is_stated() {
    let ws = passing_workspace();
    let home = common::cargo_home(true);
    let out = common::command(ws.path(), home.path())
        .args(["check", "--format", "json"])
        .env("SOURCE_DATE_EPOCH", "1780000000")
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["assessed"]["time_source"], "SOURCE_DATE_EPOCH");
    assert!(
        r["assessed"].get("commit").is_none(),
        "not a git repository"
    );
    let out = common::command(ws.path(), home.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["assessed"]["time_source"], "clock");
}

/// A clock set before the history (a re-assessment "as of" an earlier day): the commits and
/// the advisory database dated later are named under the one clock warning, and the database
/// is "dated … after the assessment time", never "0 days old".
#[test]
fn evidence_after_the_clock_is_named() {
    let ws = passing_workspace();
    let dir = ws.path();
    at(dir, &["init", "-q"]);
    at(dir, &["add", "-A"]);
    at(dir, &["commit", "-q", "-m", "initial"]);
    let r = report(dir, &["--current-time", "2025-06-01T00:00:00Z"]);
    let a = &r["assessed"];
    let later: Vec<(&str, &str)> = a["dated_after"]
        .as_array()
        .unwrap_or_else(|| panic!("no clock warning: {a}"))
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["date"].as_str().unwrap()))
        .collect();
    assert!(
        later.contains(&("commit", "2026-01-01T00:00:00Z")),
        "{later:?}"
    );
    let fresh = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "advisory-db-fresh")
        .unwrap();
    if later.iter().any(|(k, _)| *k == "advisory-database") {
        let m = fresh["message"].as_str().unwrap();
        assert!(m.contains("after the assessment time"), "{m}");
        assert!(!m.contains("0 days old"), "{m}");
    }
}

/// No host path in any package file: the same repository built from two different folders
/// gives the same bytes, file for file.
#[test]
fn the_package_is_the_same_wherever_the_repository_lies() {
    let build = |parent: &std::path::Path| -> std::collections::BTreeMap<String, Vec<u8>> {
        let dir = parent.join("some/deeper/place/for/the/repo");
        std::fs::create_dir_all(&dir).unwrap();
        let template = passing_workspace();
        for entry in [
            "Cargo.toml",
            "Cargo.lock",
            "src/lib.rs",
            "THREAT_MODEL.md",
            "SECURITY.md",
        ] {
            let to = dir.join(entry);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(template.path().join(entry), to).unwrap();
        }
        at(&dir, &["init", "-q"]);
        at(&dir, &["add", "-A"]);
        at(&dir, &["commit", "-q", "-m", "initial"]);
        let home = common::cargo_home(true);
        let out = common::command(&dir, home.path())
            .args([
                "report",
                "--out",
                "target/pkg",
                "--current-time",
                "2026-06-01T00:00:00Z",
            ])
            .output()
            .unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            text(&out.stderr)
        );
        let pkg = dir.join("target/pkg");
        let mut files = std::collections::BTreeMap::new();
        let mut stack = vec![pkg.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                if e.file_type().unwrap().is_dir() {
                    stack.push(e.path());
                } else {
                    let rel = e.path().strip_prefix(&pkg).unwrap().display().to_string();
                    let bytes = std::fs::read(e.path()).unwrap();
                    let text = String::from_utf8_lossy(&bytes);
                    assert!(
                        !text.contains(&parent.display().to_string()),
                        "{rel} names the folder the repository lies in"
                    );
                    files.insert(rel, bytes);
                }
            }
        }
        files
    };
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::Builder::new()
        .prefix("a-much-longer-and-different-name")
        .tempdir()
        .unwrap();
    let one = build(a.path());
    let two = build(b.path());
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        two.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &one {
        assert!(
            bytes == &two[path],
            "{path} differs between the two folders"
        );
    }
}
