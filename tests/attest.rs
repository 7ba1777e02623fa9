//! Attestations, roles, training, maturity and the release gate, through the real binary.

use std::path::Path;
mod common;
use common::{sdl, text};

/// A workspace with roles, training and `files`, committed by Ada on 2026-03-02 (the day after
/// the pen-test attestation is dated): an attestation counts only once it is committed, and
/// is dated no later than that commit.
fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = uncommitted(files);
    git(dir.path(), &["init", "-q"]);
    commit(dir.path(), "Record the 2026 penetration test");
    dir
}

/// `git add -A` and commit as Ada on 2026-03-02.
fn commit(dir: &Path, message: &str) {
    commit_at(dir, message, "2026-03-02T10:00:00Z");
}

fn commit_at(dir: &Path, message: &str, date: &str) {
    let who = common::Identity::of("Ada Lovelace", "ada@example.com", date);
    common::git_as(dir, &who, &["add", "-A"]);
    common::git_as(dir, &who, &["commit", "-q", "-m", message]);
}

/// Like [`workspace`], without git.
fn uncommitted(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = common::workspace_with(&[
        ("docs/pentest-2026.md", "# Penetration test report\n"),
        (
            "sdl/roles.toml",
            "[roles.security-officer]\ndescription = \"owns the SDL\"\nholders = [\"Grace Hopper\"]\n\n\
             [roles.test-lead]\ndescription = \"independent testing\"\nholders = [\"Ada Lovelace\"]\n",
        ),
        (
            "sdl/training.toml",
            "[[record]]\nperson = \"Grace Hopper\"\ntopic = \"62443-4-1 for officers\"\ndate = 2026-01-05\nexpires = 2027-01-05\n\n\
             [[record]]\nperson = \"Ada Lovelace\"\ntopic = \"Penetration testing\"\ndate = 2026-02-01\nexpires = 2027-01-02\n",
        ),
    ]);
    common::write_files(dir.path(), files);
    dir
}

fn pentest(extra: &str) -> String {
    format!(
        "requirements = [\"SVV-4\"]\nstatement = \"An independent firm tested release 0.3.0; all findings are closed.\"\n\
         owner = \"Ada Lovelace\"\nowner-role = \"test-lead\"\napprover = \"Grace Hopper\"\n\
         approver-role = \"security-officer\"\ndate = 2026-03-01\nvalid-until = 2026-12-31\n\
         references = [\"docs/pentest-2026.md\", \"ticket:SEC-42\", \"https://example.com/report\"]\n{extra}"
    )
}

fn report(dir: &Path, now: &str) -> serde_json::Value {
    let out = sdl(dir, &["check", "--format", "json", "--current-time", now]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn requirement<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap()
}

fn finding<'a>(v: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap()
}

#[test]
fn attestation_decides_a_requirement_until_the_day_it_expires() {
    if !common::require_tool("git") {
        return;
    }
    let dir = workspace(&[("sdl/attestations/svv-4.toml", &pentest(""))]);
    let v = report(dir.path(), "2026-12-31T23:00:00Z");
    let r = requirement(&v, "SVV-4");
    assert_eq!(r["status"], "satisfied", "{r}");
    assert_eq!(r["attestations"][0], "sdl/attestations/svv-4.toml");
    assert!(
        r["reason"]
            .as_str()
            .unwrap()
            .contains("satisfied by attestation")
    );
    assert_eq!(r["maturity"]["level"], 2);

    let v = report(dir.path(), "2027-01-01T00:00:00Z");
    let r = requirement(&v, "SVV-4");
    assert_eq!(r["status"], "unknown", "{r}");
    assert_eq!(r["expired_attestations"][0], "sdl/attestations/svv-4.toml");
    assert_eq!(
        r["maturity"]["level"], 1,
        "an expired attestation documents nothing"
    );
    assert_eq!(finding(&v, "attestations-current")["outcome"], "fail");

    // The gate can fail on it.
    let out = sdl(
        dir.path(),
        &["check", "--deny-expired", "--current-time", "2027-01-01"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("SVV-4: attestation expired and not renewed"));
    let out = sdl(
        dir.path(),
        &["check", "--deny-expired", "--current-time", "2026-12-31"],
    );
    assert!(!text(&out.stdout).contains("attestation expired"));
}

#[test]
fn expiring_soon_is_a_warning_thirty_days_ahead() {
    if !common::require_tool("git") {
        return;
    }
    let dir = workspace(&[("sdl/attestations/svv-4.toml", &pentest(""))]);
    let v = report(dir.path(), "2026-12-01");
    assert_eq!(finding(&v, "attestations-not-expiring")["outcome"], "pass");
    let v = report(dir.path(), "2026-12-02");
    let f = finding(&v, "attestations-not-expiring");
    assert_eq!(f["outcome"], "fail");
    assert_eq!(f["level"], "warn");
}

#[test]
fn roles_and_training_are_checked() {
    if !common::require_tool("git") {
        return;
    }
    let dir = workspace(&[("sdl/attestations/svv-4.toml", &pentest(""))]);
    let v = report(dir.path(), "2026-06-01");
    assert_eq!(finding(&v, "roles-assigned")["outcome"], "pass");
    assert_eq!(
        finding(&v, "attestations-by-role-holders")["outcome"],
        "pass"
    );
    assert_eq!(finding(&v, "training-current")["outcome"], "pass");
    // Ada's training expires on 2027-01-02 (Grace's on 2027-01-05).
    let v = report(dir.path(), "2027-01-03");
    let t = finding(&v, "training-current");
    assert_eq!(t["outcome"], "fail");
    assert!(
        t["message"].as_str().unwrap().contains("Ada Lovelace"),
        "{t}"
    );

    let wrong_role = pentest("").replace(
        "owner-role = \"test-lead\"",
        "owner-role = \"security-officer\"",
    );
    std::fs::write(dir.path().join("sdl/attestations/svv-4.toml"), wrong_role).unwrap();
    let v = report(dir.path(), "2026-06-01");
    let f = finding(&v, "attestations-by-role-holders");
    assert_eq!(f["outcome"], "fail");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("does not hold role security-officer")
    );
}

#[test]
fn gate_denies_below_a_maturity_level_and_named_unknowns() {
    if !common::require_tool("git") {
        return;
    }
    let dir = workspace(&[("sdl/attestations/svv-4.toml", &pentest(""))]);
    let out = sdl(
        dir.path(),
        &[
            "check",
            "--deny-below",
            "ML2",
            "--current-time",
            "2026-06-01",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("practice SVV is at ML1, below ML2"));

    let out = sdl(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--deny-unknown",
            "SVV-4",
            "--current-time",
            "2026-06-01",
        ],
    );
    assert!(
        !text(&out.stderr).contains("SVV-4 is unknown"),
        "{}",
        text(&out.stderr)
    );
    let out = sdl(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--deny-unknown",
            "SM-13,SVV-4",
            "--current-time",
            "2026-06-01",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("SM-13 is unknown"));
    serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("stdout stays JSON");

    let out = sdl(dir.path(), &["check", "--deny-below", "ML7"]);
    assert_eq!(out.status.code(), Some(2));
    let out = sdl(
        dir.path(),
        &[
            "check",
            "--deny-unknown",
            "XX-1",
            "--current-time",
            "2026-06-01",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
}

/// (attestation text, fragments the error must contain)
fn bad_attestations() -> Vec<(String, Vec<&'static str>)> {
    vec![
        (
            "requirements = [\"SVV-4\"\n".into(),
            vec!["svv-4.toml", "line"],
        ),
        (
            pentest("colour = \"blue\"\n"),
            vec!["svv-4.toml", "line 10", "colour"],
        ),
        (
            pentest("").replace("owner = \"Ada Lovelace\"\n", ""),
            vec!["svv-4.toml", "owner"],
        ),
        (
            pentest("").replace("2026-03-01", "2026-13-01"),
            vec!["svv-4.toml"],
        ),
        (
            pentest("").replace("date = 2026-03-01", "date = \"March 1st\""),
            vec!["svv-4.toml", "`date`", "YYYY-MM-DD"],
        ),
        (
            pentest("").replace("[\"SVV-4\"]", "[\"SVV-9\"]"),
            vec!["svv-4.toml", "SVV-9", "cargo sdl rules"],
        ),
        (
            pentest("").replace("docs/pentest-2026.md", "docs/missing.md"),
            vec!["svv-4.toml", "docs/missing.md"],
        ),
        (
            pentest("").replace("docs/pentest-2026.md", "../../etc/passwd"),
            vec!["svv-4.toml", "climbs out"],
        ),
        (
            pentest("").replace(
                "docs/pentest-2026.md",
                &format!("commit:{}", "a".repeat(65)),
            ),
            vec!["svv-4.toml", "7 to 64 hex digits"],
        ),
        (
            pentest("").replace("valid-until = 2026-12-31", "valid-until = 2026-01-01"),
            vec!["svv-4.toml", "before `date`"],
        ),
        // Bound to evidence: structural violations are malformed, as `attest` refuses them.
        (
            pentest("").replace(
                "references = [\"docs/pentest-2026.md\", \"ticket:SEC-42\", \"https://example.com/report\"]",
                "references = []",
            ),
            vec!["svv-4.toml", "`references` is empty"],
        ),
        (
            pentest("").replace(
                "references = [\"docs/pentest-2026.md\", \"ticket:SEC-42\", \"https://example.com/report\"]\n",
                "",
            ),
            vec!["svv-4.toml", "`references` is empty"],
        ),
        (
            pentest("").replace("ticket:SEC-42", "ticket: "),
            vec!["svv-4.toml", "name the ticket"],
        ),
        (
            pentest("").replace("https://example.com/report", "https:///report"),
            vec!["svv-4.toml", "a URL names a host"],
        ),
        (
            pentest("").replace(
                "An independent firm tested release 0.3.0; all findings are closed.",
                "done",
            ),
            vec!["svv-4.toml", "`statement` `done` is a placeholder"],
        ),
        (
            pentest("").replace(
                "An independent firm tested release 0.3.0; all findings are closed.",
                "Pen test passed.",
            ),
            vec!["svv-4.toml", "`statement` is too short", "40 characters and 6 words"],
        ),
        (
            pentest("").replace(
                "An independent firm tested release 0.3.0; all findings are closed.",
                "An independent firm tested release 0.3.0; TODO list the findings.",
            ),
            vec!["svv-4.toml", "draft marker `todo`"],
        ),
        (
            pentest("").replace("approver = \"Grace Hopper\"", "approver = \"ada lovelace\""),
            vec!["svv-4.toml", "`owner` and `approver` are both"],
        ),
        (
            pentest("").replace("valid-until = 2026-12-31", "valid-until = 2027-03-02"),
            vec![
                "svv-4.toml",
                "`valid-until` 2027-03-02 is more than 365 days after `date` 2026-03-01",
                "valid until 2027-03-01 at the latest",
            ],
        ),
    ]
}

#[test]
fn malformed_attestations_are_errors_that_name_the_file() {
    for (content, fragments) in bad_attestations() {
        let dir = uncommitted(&[("sdl/attestations/svv-4.toml", &content)]);
        let out = sdl(dir.path(), &["check", "--current-time", "2026-06-01"]);
        assert_eq!(out.status.code(), Some(2), "{content}");
        let err = text(&out.stderr);
        for f in fragments {
            assert!(err.contains(f), "error lacks {f:?}: {err}");
        }
    }
}

#[test]
fn malformed_roles_and_training_are_errors() {
    let dir = uncommitted(&[(
        "sdl/roles.toml",
        "[roles.x]\ndescription = \"d\"\nholders = []\n",
    )]);
    let out = sdl(dir.path(), &["check", "--current-time", "2026-06-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("sdl/roles.toml")
            && text(&out.stderr).contains("roles.x.holders")
    );

    let dir = uncommitted(&[(
        "sdl/training.toml",
        "[[record]]\nperson = \"A\"\ntopic = \"t\"\ndate = 2027-01-01\nexpires = 2026-01-01\n",
    )]);
    let out = sdl(dir.path(), &["check", "--current-time", "2026-06-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("sdl/training.toml")
            && text(&out.stderr).contains("before `record[0].date`")
    );
}

/// One clock: an attestation and a training record dated after the assessment time are read,
/// count for nothing, and are named under the report's one clock warning, the same way as a
/// commit dated later; never exit 2 for one kind and silence for another.
#[test]
fn evidence_dated_after_the_assessment_time_is_named_and_counts_for_nothing() {
    let dir = uncommitted(&[
        (
            "sdl/attestations/svv-4.toml",
            &pentest("").replace("date = 2026-03-01", "date = 2026-09-01"),
        ),
        (
            "sdl/training.toml",
            "[[record]]\nperson = \"Ada Lovelace\"\ntopic = \"secure coding\"\n\
             date = 2027-01-01\nexpires = 2028-01-01\n",
        ),
    ]);
    let r = report(dir.path(), "2026-06-01T00:00:00Z");
    let a = &r["assessed"];
    assert_eq!(a["dated_after_count"], 2, "{a}");
    let kinds: Vec<&str> = a["dated_after"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["attestation", "training"]);
    assert_eq!(a["dated_after"][0]["source"], "sdl/attestations/svv-4.toml");
    assert_ne!(requirement(&r, "SVV-4")["status"], "satisfied");
    let rejected = &requirement(&r, "SVV-4")["rejected_attestations"][0];
    assert_eq!(rejected["path"], "sdl/attestations/svv-4.toml");
    assert!(
        rejected["why"]
            .as_str()
            .unwrap()
            .contains("dated 2026-09-01, after the assessment time (2026-06-01)"),
        "{rejected}"
    );
    let out = sdl(dir.path(), &["check", "--current-time", "2026-06-01"]);
    let human = text(&out.stdout);
    assert!(
        human.contains("2 evidence dated after the assessment time")
            && human.contains("attestation sdl/attestations/svv-4.toml (2026-09-01)"),
        "{human}"
    );
    // At a later assessment time nothing is dated after it.
    let r = report(dir.path(), "2027-02-01T00:00:00Z");
    assert!(
        r["assessed"].get("dated_after_count").is_none(),
        "{}",
        r["assessed"]
    );
}

#[test]
fn attest_writes_a_valid_attestation_and_never_overwrites() {
    if !common::require_tool("git") {
        return;
    }
    let dir = workspace(&[]);
    let args = [
        "attest",
        "SVV-4",
        "--statement",
        "Pen test of 0.3.0 done by Example GmbH; findings closed.",
        "--owner",
        "Ada Lovelace",
        "--owner-role",
        "test-lead",
        "--approver",
        "Grace Hopper",
        "--approver-role",
        "security-officer",
        "--reference",
        "docs/pentest-2026.md",
        "--for-release",
        "v0.3.0",
        "--current-time",
        "2026-06-01",
    ];
    let out = sdl(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let path = dir.path().join("sdl/attestations/svv-4-2026-06-01.toml");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("valid-until = 2027-06-01"), "{written}");
    let out = sdl(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        dir.path()
            .join("sdl/attestations/svv-4-2026-06-01-2.toml")
            .is_file()
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
    // It is not written ahead of its day.
    let mut ahead = args.to_vec();
    ahead.extend(["--date", "2026-06-02"]);
    let out = sdl(dir.path(), &ahead);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("in the future"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !dir.path()
            .join("sdl/attestations/svv-4-2026-06-02.toml")
            .exists()
    );

    // Written, it counts only once committed.
    let v = report(dir.path(), "2026-06-02");
    assert_eq!(requirement(&v, "SVV-4")["status"], "unknown");
    assert!(
        requirement(&v, "SVV-4")["rejected_attestations"][0]["why"]
            .as_str()
            .unwrap()
            .contains("not committed")
    );
    commit_at(dir.path(), "Attest the pen test", "2026-06-01T12:00:00Z");
    let v = report(dir.path(), "2026-06-02");
    assert_eq!(requirement(&v, "SVV-4")["status"], "satisfied");

    // Without a terminal, missing fields are an error, not a prompt; nothing is written.
    let out = sdl(
        dir.path(),
        &[
            "attest",
            "SVV-1",
            "--statement",
            "x",
            "--current-time",
            "2026-06-01",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--owner"));
    assert!(
        !dir.path()
            .join("sdl/attestations/svv-1-2026-06-01.toml")
            .exists()
    );
    // A reference outside the repository is refused before anything is written.
    let out = sdl(
        dir.path(),
        &[
            "attest",
            "SVV-1",
            "--statement",
            "x",
            "--owner",
            "a",
            "--owner-role",
            "r",
            "--approver",
            "b",
            "--approver-role",
            "r",
            "--reference",
            "/etc/passwd",
            "--current-time",
            "2026-06-01",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !dir.path()
            .join("sdl/attestations/svv-1-2026-06-01.toml")
            .exists()
    );
}

#[test]
fn the_readme_attestation_example_is_valid() {
    let readme = include_str!("../README.md");
    let section = readme
        .split("## Human evidence")
        .nth(1)
        .expect("the README has the human evidence section");
    let example = section
        .split("```toml\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("a toml example");
    if !common::require_tool("git") {
        return;
    }
    let dir = workspace(&[("sdl/attestations/svv-4.toml", example)]);
    let v = report(dir.path(), "2026-06-01");
    let r = requirement(&v, "SVV-4");
    assert_eq!(r["status"], "satisfied", "{r}");
}

#[cfg(unix)]
#[test]
fn a_record_that_links_out_of_the_repository_is_refused_without_echoing_it() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("id_ed25519"),
        "PRIVATE KEY MATERIAL = 1\n",
    )
    .unwrap();
    let dir = uncommitted(&[]);
    std::fs::remove_file(dir.path().join("sdl/roles.toml")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("id_ed25519"),
        dir.path().join("sdl/roles.toml"),
    )
    .unwrap();
    let out = sdl(dir.path(), &["check", "--current-time", "2026-06-01"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("sdl/roles.toml") && err.contains("outside the repository"),
        "{err}"
    );
    assert!(!err.contains("PRIVATE KEY"), "{err}");
}

fn git(dir: &Path, args: &[&str]) {
    let who = common::Identity::of("Ada Lovelace", "ada@example.com", "2026-03-02T10:00:00Z");
    common::git_as(dir, &who, args);
}

#[test]
fn attestations_committed_or_not_in_a_real_repository() {
    if !common::require_tool("git") {
        return;
    }
    let dir = workspace(&[("sdl/attestations/svv-4.toml", &pentest(""))]);

    let v = report(dir.path(), "2026-06-01");
    let f = finding(&v, "attestations-committed");
    assert_eq!(f["outcome"], "pass", "{f}");
    let a = &v["evidence"]["human"]["attestations"][0];
    assert_eq!(a["commit"]["author"], "Ada Lovelace <ada@example.com>");
    assert_eq!(a["commit"]["date"], "2026-03-02T10:00:00Z");
    assert_eq!(a["commit"]["id"].as_str().unwrap().len(), 40);
    assert!(
        a["commit"].get("signature").is_none(),
        "the commit is not signed"
    );

    // Changed after the commit: its git record no longer vouches for it.
    let edited = pentest("").replace(
        "all findings are closed",
        "all findings are closed or accepted",
    );
    std::fs::write(dir.path().join("sdl/attestations/svv-4.toml"), edited).unwrap();
    // A second attestation that was never committed.
    std::fs::write(
        dir.path().join("sdl/attestations/svv-1.toml"),
        pentest("").replace("[\"SVV-4\"]", "[\"SVV-1\"]"),
    )
    .unwrap();
    let v = report(dir.path(), "2026-06-01");
    let f = finding(&v, "attestations-committed");
    assert_eq!(f["outcome"], "fail", "{f}");
    let m = f["message"].as_str().unwrap();
    assert!(
        m.contains("svv-4.toml: changed since it was committed"),
        "{m}"
    );
    assert!(m.contains("svv-1.toml: not committed"), "{m}");
}
