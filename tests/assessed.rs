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
