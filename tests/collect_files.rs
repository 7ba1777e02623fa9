//! The repository-files collector over small repositories built here: a git repository (the
//! tracked-file listing matters) and a plain directory (the walk fallback).

mod common;
use std::path::Path;

use cargo_sdl::catalog::Catalog;
use cargo_sdl::collect::files::{MAX_READ, collect, document_paths};
use cargo_sdl::config::Config;
use cargo_sdl::digest::sha256_hex;
use cargo_sdl::eval::{Outcome, evaluate};
use cargo_sdl::facts::files::*;
use cargo_sdl::facts::{Collected, EvidenceRef, Facts};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn git(root: &Path, args: &[&str]) {
    let who = common::Identity {
        author: ("Test Author", "author@example.org"),
        committer: ("Test Committer", "committer@example.org"),
        date: "2026-01-01T00:00:00Z",
    };
    common::git_as(root, &who, args);
}

fn present(c: Collected<FileFacts>) -> FileFacts {
    match c {
        Collected::Present { value } => value,
        other => panic!("collector did not run: {other:?}"),
    }
}

fn sha(root: &Path, rel: &str) -> String {
    sha256_hex(&std::fs::read(root.join(rel)).unwrap())
}

const SECURITY_MD: &str = "# Security Policy

## Reporting a vulnerability

Please report vulnerabilities privately via GitHub's private vulnerability reporting
(https://github.com/acme/widget/security/advisories/new) or e-mail security@acme.example.

## Response

We acknowledge reports within 2 business days and aim to release a fix within 30 days.

## Disclosure

We publish a security advisory once a fix is available.
";

const CODEOWNERS: &str = "# default owners
* @acme/maintainers
/crates/c/
docs/* @acme/docs
";

const THREAT_DRAGON: &str = r#"{
  "version": "2.2.0",
  "summary": {"title": "Widget threat model"},
  "detail": {"diagrams": [{"cells": [
    {"data": {"threats": [
      {"title": "Spoofing", "status": "Mitigated", "mitigation": "TLS", "severity": "High"},
      {"title": "Tampering", "status": "Open", "mitigation": "", "severity": "Medium"},
      {"title": "Repudiation", "status": "NotApplicable", "mitigation": ""}
    ]}},
    {"data": {"name": "browser"}}
  ]}]}
}
"#;

const THREAGILE: &str = "threagile_version: 1.0.0
title: Widget
individual_risk_categories:
  custom-risk:
    id: custom-risk
    impact: high
    risks_identified:
      Weak admin password:
        severity: high
  tracked-cat:
    id: tracked-cat
    risks_identified:
      X: {}
risk_tracking:
  tracked-cat@api:
    status: mitigated
    justification: MFA enforced
  unencrypted-asset@db:
    status: unchecked
";

const GUIDELINES: &str = "# Security guidelines

## Defense in depth

Every request crosses two independent checks.

## Network security

Run the service behind a firewall.

## Hardening

Disable the debug endpoint.

## Accounts and permissions

There are no default credentials. Administrators' responsibilities include rotating tokens.
";

const CI: &str = "name: CI
on:
  push:
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab
      - run: cargo test --workspace --locked
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: dtolnay/rust-toolchain@stable
      - run: |
          cargo fmt --check
          cargo clippy --all-targets -- -D warnings
      - uses: EmbarkStudios/cargo-deny-action@v2
";

const PR: &str = "on: pull_request_target
jobs:
  label:
    runs-on: ubuntu-latest
    permissions:
      pull-requests: write
    steps:
      - uses: actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: make
";

const CHECKOUT_SHA: &str = "actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab";

/// A git repository with every kind of evidence, a malformed workflow, an untracked file and a
/// tracked symlink that points outside the repository.
fn git_fixture(root: &Path, outside: &Path) {
    write(root, "SECURITY.md", SECURITY_MD);
    write(
        root,
        ".github/actions/setup/action.yml",
        "name: setup\nruns:\n  using: composite\n  steps:\n    - uses: Swatinem/rust-cache@v2\n    - run: echo\n      shell: bash\n",
    );
    write(root, ".github/CODEOWNERS", CODEOWNERS);
    write(
        root,
        ".github/dependabot.yml",
        "version: 2\nupdates:\n  - package-ecosystem: github-actions\n    directory: /\n  - package-ecosystem: cargo\n    directory: /\n",
    );
    write(root, ".github/workflows/ci.yml", CI);
    write(root, ".github/workflows/pr.yml", PR);
    write(
        root,
        ".github/workflows/bad.yml",
        "on: [push\njobs:\n  x: {\n",
    );
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n\n[workspace.lints.rust]\nunsafe_code = \"forbid\"\n",
    );
    write(root, "README.md", "# Widget\n");
    write(
        root,
        "crates/a/Cargo.toml",
        "[package]\nname = \"widget-a\"\nversion = \"0.1.0\"\n\n[lints]\nworkspace = true\n",
    );
    write(root, "crates/a/src/lib.rs", "pub fn a() {}\n");
    write(
        root,
        "crates/b/Cargo.toml",
        "[package]\nname = \"widget-b\"\nversion = \"0.1.0\"\n",
    );
    write(
        root,
        "crates/b/src/lib.rs",
        "#![forbid(unsafe_code)]\n#![warn(clippy::pedantic)]\npub fn b() {}\n",
    );
    write(
        root,
        "crates/b/src/main.rs",
        "#![forbid(missing_docs, unsafe_code)]\nfn main() {}\n",
    );
    write(
        root,
        "crates/c/Cargo.toml",
        "[package]\nname = \"widget-c\"\nversion = \"0.1.0\"\n",
    );
    write(root, "crates/c/src/lib.rs", "#![deny(unsafe_code)]\n");
    write(root, "deny.toml", "[advisories]\nversion = 2\n\n[bans]\n");
    write(root, "docs/security/guidelines.md", GUIDELINES);
    write(root, "docs/security/threat-model.json", THREAT_DRAGON);
    write(root, "fuzz/fuzz_targets/parse.rs", "#![no_main]\n");
    write(
        root,
        "rust-toolchain.toml",
        "[toolchain]\nchannel = \"1.88.0\"\n",
    );
    write(root, "threagile.yaml", THREAGILE);
    write(outside, "secret.md", "SL-C 4\n");
    std::os::unix::fs::symlink(
        outside.join("secret.md"),
        root.join("docs/security/requirements.md"),
    )
    .unwrap();
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    // Present in the work tree but not tracked: not part of the evidence.
    write(root, "notes/SECURITY.md", "untracked\n");
}

#[test]
fn git_repository() {
    if !common::require_tool("git") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let root = dir.path();
    git_fixture(root, outside.path());
    let f = present(collect(root, &Config::default()));

    assert_eq!(
        f.listing,
        Listing {
            source: ListingSource::GitIndex,
            files: 23,
            truncated: false
        }
    );

    // Problems: the malformed workflow and the symlink out of the repository, nothing else.
    let problems: Vec<(&str, &str)> = f
        .problems
        .iter()
        .map(|p| (p.path.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(problems[0].0, ".github/workflows/bad.yml");
    assert!(
        problems[0].1.starts_with("not a valid workflow: "),
        "{}",
        problems[0].1
    );
    assert_eq!(
        problems[1],
        (
            "docs/security/requirements.md",
            "is a symbolic link (or lies under one) that leads outside the repository; refused"
        )
    );
    assert_eq!(f.security_level, None);

    // Documents, in kind order, each with its digest.
    let docs: Vec<(&str, &str, Option<&str>)> = f
        .documents
        .iter()
        .map(|d| (d.kind.as_str(), d.file.path.as_str(), d.title.as_deref()))
        .collect();
    assert_eq!(
        docs,
        vec![
            ("security-policy", "SECURITY.md", Some("Security Policy")),
            ("threat-model", "threagile.yaml", Some("Widget")),
            (
                "threat-model",
                "docs/security/threat-model.json",
                Some("Widget threat model")
            ),
            (
                "guidelines",
                "docs/security/guidelines.md",
                Some("Security guidelines")
            ),
        ]
    );
    for d in &f.documents {
        assert_eq!(d.file.sha256, sha(root, &d.file.path), "{}", d.file.path);
    }
    assert!(f.configured_kinds.is_empty());
    assert_eq!(
        document_paths(&Collected::present(f.clone())),
        vec![
            "SECURITY.md",
            "docs/security/guidelines.md",
            "docs/security/threat-model.json",
            "threagile.yaml"
        ]
    );

    // Security policy.
    let p = f.security_policy.as_ref().unwrap();
    assert_eq!(p.file.sha256, sha(root, "SECURITY.md"));
    assert_eq!(
        p.channels,
        vec![
            Channel {
                kind: ChannelKind::Advisories,
                value: "private vulnerability reporting".into(),
                line: 5
            },
            Channel {
                kind: ChannelKind::Email,
                value: "security@acme.example".into(),
                line: 6
            },
            Channel {
                kind: ChannelKind::Advisories,
                value: "https://github.com/acme/widget/security/advisories/new".into(),
                line: 6
            },
        ]
    );
    let frames: Vec<(&str, u32)> = p
        .timeframes
        .iter()
        .map(|m| (m.phrase.as_str(), m.line))
        .collect();
    assert_eq!(
        frames,
        vec![("within 2 business days", 10), ("within 30 days", 10)]
    );
    // The heading "Disclosure" is no statement; the sentence under it is, quoted.
    let disclosure: Vec<(u32, &str)> = p
        .disclosure
        .iter()
        .map(|m| (m.line, m.sentence.as_str()))
        .collect();
    assert_eq!(
        disclosure,
        vec![(
            14,
            "We publish a security advisory once a fix is available."
        )]
    );
    assert_eq!(f.security_txt, None);

    // CODEOWNERS: everything but crates/c (un-assigned by an ownerless line); `docs/*` only
    // covers direct children of docs/.
    let c = f.codeowners.as_ref().unwrap();
    assert_eq!(c.file.path, ".github/CODEOWNERS");
    assert_eq!((c.rules, c.files_total, c.files_covered), (3, 23, 21));
    assert_eq!(
        c.uncovered_examples,
        vec!["crates/c/Cargo.toml", "crates/c/src/lib.rs"]
    );

    // Threat models.
    let tm: Vec<(&str, ThreatModelFormat, Option<&ThreatCounts>)> = f
        .threat_models
        .iter()
        .map(|m| (m.file.path.as_str(), m.format, m.threats.as_ref()))
        .collect();
    assert_eq!(tm.len(), 2);
    assert_eq!(
        tm[0],
        (
            "threagile.yaml",
            ThreatModelFormat::Threagile,
            Some(&ThreatCounts {
                total: 3,
                with_mitigation: 1,
                dispositioned: 1,
                with_severity: 3,
                undecided_examples: vec![
                    "unencrypted-asset@db".into(),
                    "Weak admin password".into()
                ],
                undecided_at: vec![],
                listed: 0,
            })
        )
    );
    assert_eq!(
        tm[1],
        (
            "docs/security/threat-model.json",
            ThreatModelFormat::ThreatDragon,
            Some(&ThreatCounts {
                total: 3,
                with_mitigation: 1,
                dispositioned: 2,
                with_severity: 2,
                undecided_examples: vec!["Tampering".into()],
                undecided_at: vec![],
                listed: 0,
            })
        )
    );

    // Guideline topics: the sections of the guidelines document whose heading names them. A
    // sentence that names one in another section is a candidate, not evidence. The symlink
    // out of the repository in docs/security/ could not be read, so a missing topic may be there.
    assert_eq!(f.guidelines.source, GuidelinesSource::Guidelines);
    assert!(f.guidelines.incomplete);
    let topics: Vec<(&str, Option<(u32, bool)>)> = f
        .guidelines
        .topics
        .iter()
        .map(|t| {
            (
                t.requirement.as_str(),
                t.found.as_ref().map(|m| (m.line, m.heading)),
            )
        })
        .collect();
    assert_eq!(
        topics,
        vec![
            ("SG-1", Some((3, true))),
            ("SG-2", Some((7, true))),
            ("SG-3", Some((11, true))),
            ("SG-4", None),
            ("SG-5", None),
            ("SG-6", Some((15, true))),
        ]
    );
    let candidates: Vec<(&str, String, u32)> = f
        .candidates
        .iter()
        .map(|c| (c.key.as_str(), c.designation().unwrap(), c.line))
        .collect();
    assert_eq!(
        candidates,
        vec![(
            "guidelines.secure-operation",
            "docs/security/guidelines.md#accounts-and-permissions".to_string(),
            17
        )]
    );

    // Rust tooling.
    let tc = f.toolchain.as_ref().unwrap();
    assert_eq!((tc.channel.as_deref(), tc.pinned), (Some("1.88.0"), true));
    assert_eq!(f.dependency_policy.len(), 1);
    assert_eq!(f.dependency_policy[0].tool, "cargo-deny");
    assert_eq!(f.dependency_policy[0].sections, vec!["advisories", "bans"]);
    assert_eq!(f.lints.clippy_config, None);
    let tables: Vec<(&str, &str, Vec<String>, Option<u32>)> = f
        .lints
        .tables
        .iter()
        .map(|t| {
            (
                t.file.path.as_str(),
                t.table.as_str(),
                t.tools.clone(),
                t.line,
            )
        })
        .collect();
    assert_eq!(
        tables,
        vec![(
            "Cargo.toml",
            "workspace.lints",
            vec!["rust".to_string()],
            Some(5)
        )]
    );
    assert_eq!(
        f.lints.attributes,
        vec![EvidenceRef::File {
            path: "crates/b/src/lib.rs".into(),
            sha256: sha(root, "crates/b/src/lib.rs"),
            line: Some(2)
        }]
    );
    type CrateRow<'a> = (
        &'a str,
        Option<&'a str>,
        Vec<(&'a str, Option<&'a str>)>,
        bool,
    );
    let crates: Vec<CrateRow<'_>> = f
        .crates
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.manifest_lint.as_deref(),
                c.roots
                    .iter()
                    .map(|r| (r.file.path.as_str(), r.unsafe_code.as_deref()))
                    .collect(),
                c.forbids_unsafe(),
            )
        })
        .collect();
    assert_eq!(
        crates,
        vec![
            (
                "widget-a",
                Some("forbid"),
                vec![("crates/a/src/lib.rs", None)],
                true
            ),
            (
                "widget-b",
                None,
                vec![
                    ("crates/b/src/lib.rs", Some("forbid")),
                    ("crates/b/src/main.rs", Some("forbid"))
                ],
                true
            ),
            (
                "widget-c",
                None,
                vec![("crates/c/src/lib.rs", Some("deny"))],
                false
            ),
        ]
    );
    assert_eq!(
        f.crates[0].manifest_lint_table.as_deref(),
        Some("workspace.lints")
    );
    let fuzz: Vec<&str> = f.fuzz_targets.iter().map(|t| t.path.as_str()).collect();
    assert_eq!(fuzz, vec!["fuzz/fuzz_targets/parse.rs"]);
    assert_eq!(f.dependency_updates.len(), 1);
    assert_eq!(f.dependency_updates[0].tool, "dependabot");
    assert_eq!(
        f.dependency_updates[0].ecosystems,
        vec!["cargo", "github-actions"]
    );

    // Workflows: bad.yml is a problem, not a workflow.
    let names: Vec<&str> = f.workflows.iter().map(|w| w.file.path.as_str()).collect();
    assert_eq!(
        names,
        vec![".github/workflows/ci.yml", ".github/workflows/pr.yml"]
    );
    let ci = &f.workflows[0];
    assert_eq!(ci.file.sha256, sha(root, ".github/workflows/ci.yml"));
    assert_eq!(ci.triggers, vec!["push", "pull_request"]);
    assert_eq!(
        ci.permissions,
        Some(Permissions {
            line: 5,
            value: "contents: read".into(),
            writes: vec![]
        })
    );
    let uses: Vec<(&str, &str, bool, u32)> = ci
        .jobs
        .iter()
        .flat_map(|j| {
            j.actions
                .iter()
                .map(move |a| (j.id.as_str(), a.uses.as_str(), a.pinned, a.line))
        })
        .collect();
    assert_eq!(
        uses,
        vec![
            ("test", CHECKOUT_SHA, true, 11),
            ("lint", "actions/checkout@v4", false, 16),
            ("lint", "dtolnay/rust-toolchain@stable", false, 17),
            ("lint", "EmbarkStudios/cargo-deny-action@v2", false, 21),
        ]
    );
    // The unparsable workflow is a pipeline too, kept with the reason.
    let bad = &f.ci.pipelines[0];
    assert_eq!(bad.file.path, ".github/workflows/bad.yml");
    assert!(bad.not_analysed.is_some() && bad.jobs.is_empty(), "{bad:?}");
    let pipeline = &f.ci.pipelines[1];
    assert_eq!(pipeline.file, ci.file);
    let activities: Vec<(&str, ActivityKind, u32)> = pipeline
        .jobs
        .iter()
        .flat_map(|j| {
            j.activities
                .iter()
                .map(move |a| (j.name.as_str(), a.kind, a.chain[0].line))
        })
        .collect();
    assert_eq!(
        activities,
        vec![
            ("test", ActivityKind::Tests, 12),
            ("lint", ActivityKind::Clippy, 20),
            ("lint", ActivityKind::DependencyAudit, 21),
        ]
    );
    assert!(ci.hazards.is_empty());
    assert_eq!(f.composite_actions.len(), 1);
    assert_eq!(
        f.composite_actions[0].file.path,
        ".github/actions/setup/action.yml"
    );
    let composite: Vec<(&str, bool, u32)> = f.composite_actions[0]
        .actions
        .iter()
        .map(|a| (a.uses.as_str(), a.pinned, a.line))
        .collect();
    assert_eq!(composite, vec![("Swatinem/rust-cache@v2", false, 5)]);
    let pr = &f.workflows[1];
    assert_eq!(pr.triggers, vec!["pull_request_target"]);
    assert_eq!(pr.permissions, None);
    assert_eq!(
        pr.jobs[0].permissions.as_ref().unwrap().writes,
        vec!["pull-requests"]
    );
    assert_eq!(pr.hazards.len(), 1);
    assert_eq!(
        (pr.hazards[0].job.as_str(), pr.hazards[0].line),
        ("label", 10)
    );

    // The rules over these facts.
    let catalog = Catalog::embedded(&cargo_sdl::eval::rules::builtin_ids()).unwrap();
    let facts = Facts {
        files: Collected::present(f),
        ..Facts::nothing("2026-06-01T00:00:00Z", "not collected in this test")
    };
    let now = cargo_sdl::timefmt::parse("2026-06-01T00:00:00Z").unwrap();
    let eval = evaluate(&facts, &catalog, &Config::default(), now);
    let outcome = |id: &str| {
        eval.findings
            .iter()
            .find(|x| x.rule == id)
            .map(|x| x.outcome)
            .unwrap_or_else(|| panic!("no finding for {id}"))
    };
    for (id, want) in [
        ("security-policy-present", Outcome::Pass),
        ("security-policy-disclosure", Outcome::Pass),
        ("security-policy-timeframes", Outcome::Pass),
        ("security-txt-current", Outcome::NotApplicable),
        ("codeowners-coverage", Outcome::Pass),
        ("threat-model-present", Outcome::Pass),
        ("threat-model-threats-dispositioned", Outcome::Fail),
        ("security-context-documented", Outcome::Fail),
        ("security-requirements-documented", Outcome::Fail),
        ("security-level-declared", Outcome::Fail),
        ("guidelines-defense-in-depth", Outcome::Pass),
        ("guidelines-disposal", Outcome::Unknown),
        ("guidelines-secure-operation", Outcome::Unknown),
        ("changelog-present", Outcome::Fail),
        ("toolchain-pinned", Outcome::Pass),
        ("dependency-policy-configured", Outcome::Pass),
        ("lints-configured", Outcome::Pass),
        ("unsafe-code-forbidden", Outcome::Fail),
        // The target exists; no readable workflow runs a fuzzer, but one could not be parsed.
        ("fuzz-targets-present", Outcome::Unknown),
        ("ci-runs-tests", Outcome::Pass),
        ("ci-runs-clippy", Outcome::Pass),
        ("ci-audits-dependencies", Outcome::Pass),
        ("ci-static-analysis", Outcome::Unknown),
        ("workflow-permissions-restricted", Outcome::Unknown),
        ("workflow-actions-pinned", Outcome::Fail),
        ("workflow-pull-request-target-safe", Outcome::Fail),
        ("dependency-updates-automated", Outcome::Pass),
    ] {
        assert_eq!(outcome(id), want, "{id}");
    }
}

#[test]
fn directory_walk_configured_documents_and_limits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "THREAT_MODEL.md", "# Discovered but not configured\n");
    write(root, "docs/tm/model.md", "# Configured threat model\n");
    write(root, "target/debug/SECURITY.md", "build output\n");
    write(root, "node_modules/x/SECURITY.md", "dependency\n");
    write(
        root,
        "docs/security/requirements.md",
        "# Requirements\n\nLevels SL 1-4 exist.\nThe product targets SL-C 2.\n",
    );
    write(
        root,
        ".well-known/security.txt",
        "Contact: mailto:security@acme.example\nExpires: 2027-01-01T00:00:00Z\n",
    );
    write(
        root,
        "README.md",
        "# Widget\n\n## Hardening\n\nSet `strict = true`.\n",
    );
    // One byte over the limit: hashed, not analysed.
    let big = "a".repeat(usize::try_from(MAX_READ).unwrap() + 1);
    write(root, "SECURITY.md", &big);

    let mut config = Config::default();
    config
        .documents
        .insert("threat-model".into(), vec!["docs/tm".into()]);
    let f = present(collect(root, &config));

    assert_eq!(
        f.listing,
        Listing {
            source: ListingSource::DirectoryWalk,
            files: 6,
            truncated: false
        }
    );
    assert_eq!(f.configured_kinds, vec!["threat-model"]);
    let docs: Vec<(&str, &str)> = f
        .documents
        .iter()
        .map(|d| (d.kind.as_str(), d.file.path.as_str()))
        .collect();
    assert_eq!(
        docs,
        vec![
            ("security-policy", "SECURITY.md"),
            ("threat-model", "docs/tm/model.md"),
            ("security-requirements", "docs/security/requirements.md"),
        ]
    );

    let p = f.security_policy.as_ref().unwrap();
    assert_eq!(p.file.sha256, sha(root, "SECURITY.md"));
    assert_eq!(
        p.not_analysed.as_deref(),
        Some("is larger than 1048576 bytes (1048577); hashed but not analysed")
    );
    assert_eq!(f.problems.len(), 1, "{:?}", f.problems);
    assert_eq!(f.problems[0].path, "SECURITY.md");

    let sl = f.security_level.as_ref().unwrap();
    assert_eq!((sl.level, sl.line, sl.text.as_str()), (2, 4, "SL-C 2"));

    let txt = f.security_txt.as_ref().unwrap();
    assert_eq!(txt.file.path, ".well-known/security.txt");
    assert_eq!(txt.contacts.len(), 1);
    assert_eq!(txt.expires.as_deref(), Some("2027-01-01T00:00:00Z"));

    assert_eq!(f.guidelines.source, GuidelinesSource::ReadmeAndDocs);
    let searched: Vec<&str> = f
        .guidelines
        .searched
        .iter()
        .map(|s| s.path.as_str())
        .collect();
    assert_eq!(
        searched,
        vec![
            "README.md",
            "docs/security/requirements.md",
            "docs/tm/model.md"
        ]
    );
    // The README is no conventional place for security guidance: its "Hardening" heading is a
    // candidate, not evidence.
    assert_eq!(f.guidelines.topics[2].found, None);
    let hardening: Vec<(&str, &str, u32)> = f
        .candidates
        .iter()
        .filter(|c| c.key == "guidelines.hardening")
        .map(|c| (c.file.path.as_str(), c.text.as_str(), c.line))
        .collect();
    assert_eq!(hardening, vec![("README.md", "## Hardening", 3)]);
    assert!(f.crates.is_empty());
    assert!(f.workflows.is_empty());
}

#[test]
fn symlinked_directory_outside_is_not_walked() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        outside.path(),
        "SECURITY.md",
        "mail security@evil.example\n",
    );
    write(root, "README.md", "# x\n");
    std::os::unix::fs::symlink(outside.path(), root.join("docs")).unwrap();
    let f = present(collect(root, &Config::default()));
    // The link itself is an entry; nothing behind it is listed or read.
    assert_eq!(f.listing.files, 2);
    assert_eq!(f.security_policy, None);
    assert!(f.documents.is_empty());
}

#[test]
fn missing_root_fails() {
    let dir = tempfile::tempdir().unwrap();
    let got = collect(&dir.path().join("nope"), &Config::default());
    assert!(matches!(got, Collected::Failed { .. }), "{got:?}");
}

#[test]
fn workspace_in_a_subdirectory_reads_its_own_files_not_its_neighbours() {
    if !common::require_tool("git") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    write(repo, "other/SECURITY.md", "mail other@acme.example\n");
    write(repo, "ws/SECURITY.md", "Report to security@acme.example\n");
    write(
        repo,
        "ws/Cargo.toml",
        "[package]\nname = \"ws\"\nversion = \"0.1.0\"\n",
    );
    git(repo, &["init", "-q"]);
    git(repo, &["add", "-A"]);
    let f = present(collect(&repo.join("ws"), &Config::default()));
    assert_eq!(f.listing.source, ListingSource::GitIndex);
    // The whole repository is listed; its paths are relative to the repository's top.
    assert_eq!(f.listing.files, 3);
    // The workspace's own policy, not the other project's beside it.
    let p = f.security_policy.unwrap();
    assert_eq!(p.file.path, "ws/SECURITY.md");
    assert_eq!(p.channels[0].value, "security@acme.example");
    // The root package has no crate root: nothing to forbid unsafe code in, so it does not.
    assert_eq!(f.crates.len(), 1);
    assert_eq!(f.crates[0].name, "ws");
    assert!(!f.crates[0].forbids_unsafe());
}

#[test]
fn fuzzing_is_found_where_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "fuzz/fuzz_targets/parse.rs", "#![no_main]\n");
    // ClusterFuzzLite and OSS-Fuzz shapes: project.yaml with a language, next to its build.
    write(root, ".clusterfuzzlite/project.yaml", "language: rust\n");
    write(root, ".clusterfuzzlite/build.sh", "cargo fuzz build -O\n");
    write(
        root,
        "oss-fuzz/projects/widget/project.yaml",
        "homepage: https://example.org\nlanguage: rust\nmain_repo: https://example.org/widget\n",
    );
    write(root, "oss-fuzz/projects/widget/Dockerfile", "FROM base\n");
    // Not fuzzing configurations: no build beside it, no language, not a mapping.
    write(root, "projects/lonely/project.yaml", "language: rust\n");
    write(root, "projects/site/project.yaml", "title: Our site\n");
    write(root, "projects/site/build.sh", "make\n");
    write(root, "projects/list/project.yaml", "- a\n- b\n");
    write(root, "projects/list/build.sh", "make\n");
    let f = present(collect(root, &Config::default()));
    let services: Vec<(&str, &str, bool)> = f
        .fuzzing_services
        .iter()
        .map(|s| {
            (
                s.service.as_str(),
                s.file.path.as_str(),
                s.not_analysed.is_none(),
            )
        })
        .collect();
    assert_eq!(
        services,
        [
            ("clusterfuzzlite", ".clusterfuzzlite/project.yaml", true),
            ("oss-fuzz", "oss-fuzz/projects/widget/project.yaml", true),
        ]
    );
    assert_eq!(
        f.fuzzing_services[0].file.sha256,
        sha(root, ".clusterfuzzlite/project.yaml")
    );

    let catalog = Catalog::embedded(&cargo_sdl::eval::rules::builtin_ids()).unwrap();
    let now = cargo_sdl::timefmt::parse("2026-06-01T00:00:00Z").unwrap();
    let run = |files: FileFacts| {
        let facts = Facts {
            files: Collected::present(files),
            ..Facts::nothing("2026-06-01T00:00:00Z", "test")
        };
        let eval = evaluate(&facts, &catalog, &Config::default(), now);
        let f = eval
            .findings
            .into_iter()
            .find(|x| x.rule == "fuzz-targets-present")
            .unwrap();
        (f.outcome, f.message)
    };
    let (outcome, message) = run(f.clone());
    assert_eq!(outcome, Outcome::Pass, "{message}");
    assert!(
        message.contains("run by clusterfuzzlite configuration .clusterfuzzlite/project.yaml"),
        "{message}"
    );

    // A workflow that only builds the targets runs nothing; one that runs a fuzzer does.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "fuzz/fuzz_targets/parse.rs", "#![no_main]\n");
    let workflow = |run: &str| {
        format!(
            "on: [schedule]\npermissions: {{}}\njobs:\n  fuzz:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {run}\n"
        )
    };
    write(
        root,
        ".github/workflows/fuzz.yml",
        &workflow("cargo +nightly fuzz build"),
    );
    let (outcome, message) = run(present(collect(root, &Config::default())));
    assert_eq!(outcome, Outcome::Fail, "{message}");
    assert!(message.contains("but nothing runs them"), "{message}");
    write(
        root,
        ".github/workflows/fuzz.yml",
        &workflow("cargo afl fuzz -i in -o out target/debug/parse"),
    );
    let (outcome, message) = run(present(collect(root, &Config::default())));
    assert_eq!(outcome, Outcome::Pass, "{message}");
    assert!(
        message.contains("GitHub Actions job fuzz: .github/workflows/fuzz.yml:7 `cargo afl fuzz -i in -o out target/debug/parse`"),
        "{message}"
    );
}
