//! Attestations are bound to evidence and people (issue 11, item 4), through the real binary on
//! git repositories built here: the gamed attestation of the issue (statement `done`, no
//! references, 46 requirements, valid until 2099) is refused where it is malformed and counts
//! for nothing where it depends on other evidence; a genuine set (distinct, trained owner and
//! approver, references that resolve, committed before use, signed by the approver) is
//! accepted.

mod common;

use std::path::{Path, PathBuf};

use common::git::Repo;
use common::{sdl, text};

/// 2026-03-01T00:00:00Z: commit `n` of a fixture is made `n` hours later, on 2026-03-01.
const MARCH_FIRST: i64 = 1_772_323_200;
const NOW: &str = "2026-06-01T12:00:00Z";

const CARGO_TOML: &str = "[package]\nname = \"demo\"\nversion = \"0.3.0\"\nedition = \"2021\"\n";

/// Two individuals, and a team alias in the role that approves: as in cargo-sdl's own roles.
const ROLES: &str = "teams = [\"Release crew\"]

[roles.security-officer]
description = \"owns the SDL\"
holders = [\"Grace Hopper <grace@example.org>\", \"acme maintainers (security)\"]

[roles.test-lead]
description = \"independent testing\"
holders = [\"Ada Lovelace <ada@example.org>\"]

[roles.release-manager]
description = \"tags releases\"
holders = [\"Release crew\"]
";

const TRAINING: &str = "[[record]]
person = \"Grace Hopper <grace@example.org>\"
topic = \"IEC 62443-4-1 for security officers\"
date = 2026-01-05
expires = 2027-01-05

[[record]]
person = \"Ada Lovelace <ada@example.org>\"
topic = \"Penetration testing\"
date = 2026-02-01
expires = 2027-02-01

[[record]]
person = \"acme maintainers (security)\"
topic = \"IEC 62443-4-1 for security officers\"
date = 2026-01-05
expires = 2027-01-05

[[record]]
person = \"Release crew\"
topic = \"Secure releases\"
date = 2026-01-05
expires = 2027-01-05
";

/// A pen-test attestation dated 2026-03-01; `references` as given.
fn pentest(references: &str) -> String {
    format!(
        "requirements = [\"SVV-4\"]
statement = \"An independent firm tested release 0.3.0; all findings are closed.\"
owner = \"Ada Lovelace <ada@example.org>\"
owner-role = \"test-lead\"
approver = \"Grace Hopper <grace@example.org>\"
approver-role = \"security-officer\"
date = 2026-03-01
valid-until = 2027-03-01
references = [{references}]
"
    )
}

/// A repository with the workspace, roles, training and the pen-test report committed on
/// 2026-03-01 (hour 1), and `files` after it.
fn fixture(files: &[(&str, &str)]) -> Repo {
    let mut r = Repo::starting_at(MARCH_FIRST);
    common::write_files(
        r.path(),
        &[
            ("Cargo.toml", CARGO_TOML),
            ("src/lib.rs", "#![forbid(unsafe_code)]\n"),
            ("sdl/roles.toml", ROLES),
            ("sdl/training.toml", TRAINING),
            ("docs/pentest-2026.md", "# Penetration test report\n"),
        ],
    );
    common::write_files(r.path(), files);
    r.commit_all("Initial commit");
    r
}

fn check(dir: &Path) -> serde_json::Value {
    let out = sdl(dir, &["check", "--format", "json", "--current-time", NOW]);
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

/// Every requirement id of the catalogue but SM-12: the 46 the vendor's attestation covered.
fn forty_six(dir: &Path) -> Vec<String> {
    let out = sdl(dir, &["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<String> = v["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .filter(|id| id != "SM-12")
        .collect();
    assert_eq!(ids.len(), 46);
    ids
}

/// The vendor's attestation, with the fields a test varies.
fn gamed(ids: &[String], statement: &str, valid_until: &str, references: &str) -> String {
    let list = ids
        .iter()
        .map(|i| format!("\"{i}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "requirements = [{list}]
statement = \"{statement}\"
owner = \"Ada Lovelace <ada@example.org>\"
owner-role = \"test-lead\"
approver = \"acme maintainers (security)\"
approver-role = \"security-officer\"
date = 2026-03-01
valid-until = {valid_until}
{references}"
    )
}

const HONEST_STATEMENT: &str =
    "Every practice of IEC 62443-4-1 is carried out as docs/process.md describes.";

/// The gaming of issue 11: its structural violations make the file malformed (exit code 2,
/// naming the file and the problem, one at a time as each is fixed), and `cargo sdl attest`
/// refuses to write the same; once well-formed, its relational violations (a team alias
/// approves, dated after its commit, a commit reference that does not exist) make it count
/// for nothing: no requirement is satisfied by it, and the report says why.
#[test]
fn the_gamed_attestation_is_malformed_or_counts_for_nothing() {
    if !common::require_tool("git") {
        return;
    }
    let mut r = fixture(&[]);
    let all = forty_six(r.path());
    let path = "sdl/attestations/everything.toml";
    // Over 46 requirements, it is refused for that alone; the rest of the gaming is shown on
    // the seven an attestation may cover.
    r.commit(
        path,
        &gamed(&all, "done", "2099-12-31", ""),
        "Attest everything",
    );
    let out = sdl(r.path(), &["check", "--current-time", NOW]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("names 46 requirements; an attestation covers at most 7"));
    let ids: Vec<_> = all.iter().take(7).cloned().collect();
    // (the file, what the error says)
    let malformed = [
        (
            gamed(&ids, "done", "2099-12-31", ""),
            "`statement` `done` is a placeholder",
        ),
        (
            gamed(&ids, HONEST_STATEMENT, "2099-12-31", ""),
            "`valid-until` 2099-12-31 is more than 365 days after `date` 2026-03-01",
        ),
        (
            gamed(&ids, HONEST_STATEMENT, "2027-03-01", ""),
            "`references` is empty",
        ),
    ];
    for (content, problem) in &malformed {
        r.commit(path, content, "Attest everything");
        let out = sdl(r.path(), &["check", "--current-time", NOW]);
        assert_eq!(out.status.code(), Some(2), "{content}");
        let err = text(&out.stderr);
        assert!(err.contains(path) && err.contains(problem), "{err}");
    }
    // `attest` refuses exactly the same, and writes nothing; without a terminal to ask, a
    // missing reference is a missing flag.
    let requirements = ids.join(",");
    for (statement, valid_until, references, problem) in [
        (
            "done",
            "2099-12-31",
            Some("ticket:SEC-1"),
            "`statement` `done` is a placeholder",
        ),
        (
            HONEST_STATEMENT,
            "2099-12-31",
            Some("ticket:SEC-1"),
            "is more than 365 days",
        ),
        (HONEST_STATEMENT, "2027-03-01", None, "missing --reference"),
    ] {
        let mut args = vec![
            "attest",
            &requirements,
            "--statement",
            statement,
            "--owner",
            "Ada Lovelace <ada@example.org>",
            "--owner-role",
            "test-lead",
            "--approver",
            "acme maintainers (security)",
            "--approver-role",
            "security-officer",
            "--date",
            "2026-03-01",
            "--valid-until",
            valid_until,
            "--out",
            "sdl/attestations/attested.toml",
            "--current-time",
            NOW,
        ];
        if let Some(reference) = references {
            args.extend(["--reference", reference]);
        }
        let out = sdl(r.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{problem}");
        assert!(text(&out.stderr).contains(problem), "{}", text(&out.stderr));
        assert!(!r.file("sdl/attestations/attested.toml").exists());
    }

    // Well-formed now, committed on 2026-03-01 but dated the 2nd, approved by a team alias,
    // and naming a commit that does not exist.
    let content = gamed(&ids, HONEST_STATEMENT, "2027-03-01", "")
        .replace("date = 2026-03-01", "date = 2026-03-02")
        .replace("valid-until = 2027-03-01", "valid-until = 2027-03-02")
        + "references = [\"docs/pentest-2026.md\", \"commit:0123456789abcdef\"]\n";
    r.commit(path, &content, "Attest everything, well-formed");
    let v = check(r.path());
    for id in &ids {
        let req = requirement(&v, id);
        assert!(req.get("attestations").is_none(), "{id}: {req}");
        assert_ne!(
            req["reason"].as_str().unwrap().split(';').next(),
            Some(&*format!("satisfied by attestation: attested in {path}")),
            "{id}"
        );
        assert_eq!(req["rejected_attestations"][0]["path"], path, "{id}");
        let why = req["rejected_attestations"][0]["why"].as_str().unwrap();
        for reason in [
            "reference commit:0123456789abcdef names no commit in the repository",
            "it is dated 2026-03-02, after the commit that added it",
            "its approver acme maintainers (security) is a team alias (its name contains the word \"maintainers\")",
        ] {
            assert!(why.contains(reason), "{id}: {reason:?} not in {why}");
        }
        assert!(
            req["reason"]
                .as_str()
                .unwrap()
                .contains("attestations not accepted count as absent"),
            "{id}"
        );
        assert_ne!(req["maturity"]["level"], 2, "{id}: documented by nothing");
    }
    assert_eq!(requirement(&v, "SVV-4")["status"], "unknown");
    let f = finding(&v, "attestations-accepted");
    assert_eq!(f["outcome"], "fail", "{f}");
    assert!(f["message"].as_str().unwrap().contains(path), "{f}");
    assert_eq!(requirement(&v, "SM-12")["status"], "not-satisfied");
}

/// Signing keys made with ssh-keygen in a temporary folder.
struct Keys {
    dir: tempfile::TempDir,
}

impl Keys {
    fn new(names: &[&str]) -> Keys {
        let dir = tempfile::tempdir().unwrap();
        for name in names {
            let status = std::process::Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
                .arg(dir.path().join(name))
                .status()
                .unwrap();
            assert!(status.success());
        }
        Keys { dir }
    }

    fn private(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn public(&self, name: &str) -> String {
        std::fs::read_to_string(self.private(name).with_extension("pub"))
            .unwrap()
            .trim()
            .to_string()
    }
}

/// A genuine set: two attestations by distinct, trained people holding their roles, with
/// references that resolve (a file, a commit of the repository by its short id, a ticket, a
/// URL), each committed, signed by its approver's key, on the day it is dated. Accepted, and
/// then not, as each binding is broken.
#[test]
fn a_genuine_attestation_set_is_accepted() {
    if !common::require_tool("git") || !common::require_tool("ssh-keygen") {
        return;
    }
    let keys = Keys::new(&["grace", "ada", "mallory"]);
    let allowed = format!(
        "grace@example.org namespaces=\"git\" {}\nada@example.org {}\n*@example.org {}\n",
        keys.public("grace"),
        keys.public("ada"),
        keys.public("mallory")
    );
    let mut r = fixture(&[
        (
            "sdl.toml",
            "[attest]\nallowed-signers = \"sdl/allowed_signers\"\n",
        ),
        ("sdl/allowed_signers", &allowed),
    ]);
    let report_commit = r.head();
    let short = &report_commit[..10];
    let pentest = pentest(&format!(
        "\"docs/pentest-2026.md\", \"commit:{short}\", \"ticket:SEC-42\", \"https://example.com/pentest\""
    ));
    let added = r.signed_commit(
        "sdl/attestations/svv-4.toml",
        &pentest,
        "Attest the pen test",
        &keys.private("grace"),
    );
    let dm1 = "requirements = [\"DM-1\", \"DM-2\"]
statement = \"Reports reach the PSIRT through SECURITY.md and are triaged within five days.\"
owner = \"Grace Hopper <grace@example.org>\"
owner-role = \"security-officer\"
approver = \"Ada Lovelace <ada@example.org>\"
approver-role = \"test-lead\"
date = 2026-03-01
valid-until = 2027-02-28
references = [\"ticket:PSIRT-1\"]
";
    r.signed_commit(
        "sdl/attestations/dm-1.toml",
        dm1,
        "Attest the intake",
        &keys.private("ada"),
    );
    let v = check(r.path());
    for (id, path) in [
        ("SVV-4", "sdl/attestations/svv-4.toml"),
        ("DM-1", "sdl/attestations/dm-1.toml"),
        ("DM-2", "sdl/attestations/dm-1.toml"),
    ] {
        let req = requirement(&v, id);
        assert_eq!(req["attestations"][0], path, "{id}: {req}");
        assert!(req.get("rejected_attestations").is_none(), "{id}: {req}");
    }
    assert_eq!(requirement(&v, "SVV-4")["status"], "satisfied");
    let f = finding(&v, "attestations-accepted");
    assert_eq!(f["outcome"], "pass", "{f}");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("signed by the approver's key in sdl/allowed_signers"),
        "{f}"
    );
    // The evidence records the bindings.
    let a = &v["evidence"]["human"]["attestations"][0];
    assert_eq!(a["file"]["path"], "sdl/attestations/dm-1.toml");
    let a = &v["evidence"]["human"]["attestations"][1];
    assert_eq!(a["added"]["id"], added);
    assert_eq!(a["commit"]["id"], added);
    assert_eq!(a["commit"]["signer"]["verdict"], "valid");
    assert_eq!(a["commit"]["signer"]["principals"], "grace@example.org");
    assert_eq!(a["references"][1]["resolved"], report_commit);
    assert_eq!(
        v["evidence"]["human"]["signers_file"]["path"],
        "sdl/allowed_signers"
    );

    // Changed by its owner and signed with the owner's key: self-approved. The commit that
    // added it stays the first one.
    r.signed_commit(
        "sdl/attestations/svv-4.toml",
        &pentest.replace(
            "all findings are closed",
            "all findings are closed and retested",
        ),
        "Retest",
        &keys.private("ada"),
    );
    let v = check(r.path());
    let a = &v["evidence"]["human"]["attestations"][1];
    assert_eq!(a["added"]["id"], added);
    assert_ne!(a["commit"]["id"], added);
    let why = rejected_why(&v, "SVV-4");
    assert!(
        why.contains("self-approved: commit")
            && why.contains(
                "lists for its owner Ada Lovelace <ada@example.org> (ada@example.org), not for its approver Grace Hopper <grace@example.org>"
            ),
        "{why}"
    );
    assert_eq!(requirement(&v, "SVV-4")["status"], "unknown");

    // Signed by a key listed only through a pattern: it names nobody.
    r.signed_commit(
        "sdl/attestations/svv-4.toml",
        &pentest,
        "Back to the approved text",
        &keys.private("mallory"),
    );
    let why = rejected_why(&check(r.path()), "SVV-4");
    assert!(
        why.contains("lists for *@example.org, not for its approver"),
        "{why}"
    );

    // Unsigned.
    r.commit(
        "sdl/attestations/svv-4.toml",
        &pentest.replace("0.3.0", "0.3.1"),
        "Unsigned change",
    );
    let why = rejected_why(&check(r.path()), "SVV-4");
    assert!(
        why.contains("is not signed; sdl/allowed_signers requires the approver's SSH signature"),
        "{why}"
    );

    // Without the signing policy, the unsigned change is accepted again.
    r.commit("sdl.toml", "", "No signing policy");
    let v = check(r.path());
    assert_eq!(requirement(&v, "SVV-4")["status"], "satisfied");
}

fn rejected_why(v: &serde_json::Value, id: &str) -> String {
    let req = requirement(v, id);
    req["rejected_attestations"][0]["why"]
        .as_str()
        .unwrap_or_else(|| panic!("{id} has no rejected attestation: {req}"))
        .to_string()
}

/// The relational conditions one at a time: a modified or uncommitted file, an unknown
/// history (a shallow clone whose boundary hides the commit that added it), a commit reference
/// that names a blob, training that lapsed, a roles file that lists the approver as a team.
#[test]
fn unknown_or_missing_evidence_is_not_acceptable() {
    if !common::require_tool("git") {
        return;
    }
    let mut r = fixture(&[]);
    let blob = r
        .git(&["rev-parse", "HEAD:docs/pentest-2026.md"])
        .trim()
        .to_string();
    r.commit(
        "sdl/attestations/svv-4.toml",
        &pentest("\"docs/pentest-2026.md\""),
        "Attest the pen test",
    );
    r.commit("README.md", "# demo\n", "Readme");
    assert_eq!(
        requirement(&check(r.path()), "SVV-4")["status"],
        "satisfied"
    );

    // A shallow clone of depth 1: the file is there, the commit that added it is not.
    let target = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path().display());
    common::git::git_in(
        target.path(),
        &["clone", "-q", "--depth", "1", &url, "clone"],
        "Alice",
        "alice@example.org",
        MARCH_FIRST,
        &[],
    );
    let why = rejected_why(&check(&target.path().join("clone")), "SVV-4");
    assert!(
        why.contains("the commit that added it is not known: the history is shallow"),
        "{why}"
    );

    // A commit reference that names a blob; an uncommitted edit.
    std::fs::write(
        r.file("sdl/attestations/svv-4.toml"),
        pentest(&format!("\"commit:{blob}\"")),
    )
    .unwrap();
    let why = rejected_why(&check(r.path()), "SVV-4");
    assert!(
        why.contains(&format!("reference commit:{blob} names no commit")),
        "{why}"
    );
    assert!(
        why.contains("it is not committed as it is: changed since it was committed"),
        "{why}"
    );
    r.git(&["checkout", "--", "."]);

    // Grace is a team, as the roles file says; and later her training lapses.
    r.commit(
        "sdl/roles.toml",
        &ROLES.replace(
            "teams = [\"Release crew\"]",
            "teams = [\"Release crew\", \"Grace Hopper <grace@example.org>\"]",
        ),
        "Grace is a team mailbox",
    );
    let why = rejected_why(&check(r.path()), "SVV-4");
    assert!(
        why.contains("is a team alias (the roles file lists it under `teams`)"),
        "{why}"
    );
    r.commit("sdl/roles.toml", ROLES, "Grace is a person");
    let out = sdl(
        r.path(),
        &["check", "--format", "json", "--current-time", "2027-01-06"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let why = rejected_why(&v, "SVV-4");
    assert!(
        why.contains(
            "no current training recorded for its approver Grace Hopper <grace@example.org>"
        ),
        "{why}"
    );
}

/// `[attest] allowed-signers` is validated like `[git] allowed-signers`: a regular file inside
/// the repository; and, being a record, a malformed one stops the run naming its line.
#[test]
fn the_attest_signers_file_is_checked() {
    let ws = common::workspace_with(&[(
        "sdl.toml",
        "[attest]\nallowed-signers = \"../allowed_signers\"\n",
    )]);
    let out = sdl(ws.path(), &["check", "--current-time", NOW]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("attest.allowed-signers") && err.contains("climbs out"),
        "{err}"
    );
    let ws = common::workspace_with(&[
        (
            "sdl.toml",
            "[attest]\nallowed-signers = \"sdl/allowed_signers\"\n",
        ),
        (
            "sdl/allowed_signers",
            "grace@example.org ssh-ed25519 notakey\n",
        ),
    ]);
    let out = sdl(ws.path(), &["check", "--current-time", NOW]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("sdl/allowed_signers") && err.contains("line 1"),
        "{err}"
    );
}
