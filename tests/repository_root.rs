//! A cargo workspace in a subdirectory of its git repository: repository-level files
//! (`.github/`, `SECURITY.md`, CODEOWNERS) are read at the repository's top, crate-level files in
//! the workspace's folder, a neighbouring project's files are not this product's evidence, every
//! path is relative to the top, and the report names both roots.

mod common;

use common::{text, write_files};

const NOW: &str = "2026-06-01T00:00:00Z";

/// A repository holding the product's workspace in `ws/` and another project in `other/`.
fn monorepo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            (
                "SECURITY.md",
                "# Security policy\n\nReport vulnerabilities privately by e-mail to security@acme.example.\n",
            ),
            (
                ".github/workflows/ci.yml",
                "name: ci\non: [push]\npermissions:\n  contents: read\njobs:\n  test:\n    \
                 runs-on: ubuntu-latest\n    defaults:\n      run:\n        working-directory: ws\n    \
                 steps:\n      - run: cargo test --locked\n      - run: cargo clippy -- -D warnings\n",
            ),
            (".github/CODEOWNERS", "* @acme/security\n"),
            ("other/SECURITY.md", "Report to other@elsewhere.example\n"),
            (
                "other/THREAT_MODEL.md",
                "# Threat model\n\n## Assets\n\nThe other project's keys.\n",
            ),
            (
                "ws/Cargo.toml",
                "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
                 license = \"MIT\"\n\n[workspace]\n",
            ),
            ("ws/src/lib.rs", "#![forbid(unsafe_code)]\n"),
        ],
    );
    let git = |args: &[&str]| git_as_alice(dir.path(), args);
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "initial"]);
    dir
}

/// git in `dir` as Alice at a pinned time.
fn git_as_alice(dir: &std::path::Path, args: &[&str]) -> String {
    common::git::git_in(dir, args, "Alice", "alice@example.org", 1_767_225_600, &[])
}

fn run(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let home = common::cargo_home(false);
    common::command(dir, home.path())
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn repository_level_files_are_read_at_the_top_and_paths_are_the_repositorys() {
    if !common::require_tool("git") {
        return;
    }
    let repo = monorepo();
    let ws = repo.path().join("ws");
    let out = run(&ws, &["check", "--format", "json", "--current-time", NOW]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        text(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = &r["evidence"]["files"]["value"];
    assert_eq!(files["security_policy"]["file"]["path"], "SECURITY.md");
    assert_eq!(
        files["security_policy"]["channels"][0]["value"],
        "security@acme.example"
    );
    assert_eq!(files["codeowners"]["file"]["path"], ".github/CODEOWNERS");
    let workflows: Vec<&str> = files["workflows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["file"]["path"].as_str().unwrap())
        .collect();
    assert_eq!(workflows, [".github/workflows/ci.yml"]);
    // Crate-level files come from the workspace, named by their repository path.
    let crates = files["crates"].as_array().unwrap();
    assert_eq!(crates.len(), 1, "{crates:?}");
    assert_eq!(crates[0]["name"], "demo");
    assert_eq!(crates[0]["manifest"]["path"], "ws/Cargo.toml");
    // The neighbouring project is not this product's evidence.
    let whole = r.to_string();
    assert!(!whole.contains("other/SECURITY.md"), "{whole}");
    assert!(!whole.contains("other/THREAT_MODEL.md"), "{whole}");
    assert!(!whole.contains("other@elsewhere.example"), "{whole}");
    // Tests and clippy run in CI, found in the top's workflow.
    let outcome = |id: &str| {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == id)
            .unwrap_or_else(|| panic!("no finding {id}"))["outcome"]
            .clone()
    };
    assert_eq!(outcome("security-policy-present"), "pass");
    assert_eq!(outcome("ci-runs-tests"), "pass");
    assert_eq!(r["assessed"]["workspace"], "ws");
}

#[test]
fn the_report_names_both_roots_and_the_package_holds_the_tops_files() {
    if !common::require_tool("git") {
        return;
    }
    let repo = monorepo();
    let ws = repo.path().join("ws");
    let out = run(&ws, &["check", "--current-time", NOW]);
    let human = text(&out.stdout);
    assert!(
        human.contains("roots: workspace ws inside the repository"),
        "{human}"
    );
    let out = run(
        &ws,
        &["report", "--out", "target/pkg", "--current-time", NOW],
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        text(&out.stderr)
    );
    let pkg = ws.join("target/pkg");
    let copied = std::fs::read_to_string(pkg.join("documents/SECURITY.md")).unwrap();
    assert!(copied.contains("security@acme.example"), "{copied}");
    assert!(!pkg.join("documents/other").exists());
    let md = std::fs::read_to_string(pkg.join("report.md")).unwrap();
    assert!(
        md.contains("Roots: workspace ws inside the repository"),
        "{md}"
    );
    let html = std::fs::read_to_string(pkg.join("index.html")).unwrap();
    assert!(html.contains("<dt>Roots</dt>"), "the page names both roots");
    let verify = run(&ws, &["verify", "target/pkg"]);
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify.stderr));
}

/// A workspace left untracked inside someone else's repository (a vendor's drop unpacked into
/// the assessor's own checkout) is not that repository's: the outer CI, policy and history are
/// not its evidence. Once the repository tracks it, it is a workspace in a subdirectory.
#[test]
fn an_untracked_workspace_does_not_take_the_outer_repositorys_evidence() {
    if !common::require_tool("git") {
        return;
    }
    let repo = monorepo();
    write_files(
        repo.path(),
        &[
            (
                "vendor-drop/ws/Cargo.toml",
                "[package]\nname = \"drop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
            ),
            ("vendor-drop/ws/src/lib.rs", "pub fn f() {}\n"),
        ],
    );
    let ws = repo.path().join("vendor-drop/ws");
    let check = || -> serde_json::Value {
        let out = run(&ws, &["check", "--format", "json", "--current-time", NOW]);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            text(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let outcome = |r: &serde_json::Value, id: &str| {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == id)
            .unwrap()["outcome"]
            .clone()
    };
    let r = check();
    let files = &r["evidence"]["files"]["value"];
    assert!(
        files["security_policy"].is_null(),
        "{}",
        files["security_policy"]
    );
    assert_ne!(outcome(&r, "ci-runs-tests"), "pass");
    assert_ne!(outcome(&r, "security-policy-present"), "pass");
    let git = r["evidence"]["git"].to_string();
    assert!(git.contains("not tracked"), "{git}");
    assert!(r["assessed"].get("commit").is_none(), "{}", r["assessed"]);

    // Tracked, it is the repository's workspace in a subdirectory.
    let git = |args: &[&str]| git_as_alice(repo.path(), args);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "vendor drop"]);
    let r = check();
    assert_eq!(
        r["evidence"]["files"]["value"]["security_policy"]["file"]["path"],
        "SECURITY.md"
    );
    // The top's workflow is read now (whether its steps aim at this folder is the CI rules').
    assert_eq!(
        r["evidence"]["files"]["value"]["workflows"][0]["file"]["path"],
        ".github/workflows/ci.yml"
    );
    assert_eq!(r["assessed"]["workspace"], "vendor-drop/ws");
}

/// A repository of many crates with no Cargo.toml at its top (an embedded framework's), run
/// at that top: its repository-level evidence is read, its cargo evidence is unknown and says
/// why, and nothing passes for want of a manifest. Outside git it is still an error.
#[test]
fn a_repository_without_a_top_manifest_is_assessed_as_a_repository() {
    if !common::require_tool("git") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            (
                "SECURITY.md",
                "# Security policy\n\nReport vulnerabilities privately by e-mail to security@acme.example.\n",
            ),
            (
                "hal/Cargo.toml",
                "[package]\nname = \"hal\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            ("hal/src/lib.rs", "#![no_std]\n"),
        ],
    );
    let git = |args: &[&str]| git_as_alice(dir.path(), args);
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "initial"]);
    let out = run(
        dir.path(),
        &["check", "--format", "json", "--current-time", NOW],
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        text(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        r["evidence"]["files"]["value"]["security_policy"]["file"]["path"],
        "SECURITY.md"
    );
    assert_ne!(r["evidence"]["cargo"]["state"], "present");
    let host = dir.path().canonicalize().unwrap();
    assert!(
        !r.to_string().contains(host.to_str().unwrap()),
        "no host path in the report"
    );
    for f in r["findings"].as_array().unwrap() {
        if [
            "cargo-lock-committed",
            "licenses-declared",
            "no-known-vulnerabilities",
        ]
        .contains(&f["rule"].as_str().unwrap())
        {
            assert_ne!(f["outcome"], "pass", "{f}");
        }
    }
    // Not a repository's top: still the clear error.
    let plain = tempfile::tempdir().unwrap();
    let out = run(plain.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("could not find Cargo.toml"));
}
