//! `index.html`: untrusted text stays text, links stay inside the package, the page is
//! deterministic, and it renders in a real (headless) browser without script or network.

mod common;

use common::html::{
    assert_clean_console, assert_inert, attribute_values, require_chromium, run_chromium,
    screenshot,
};

use std::collections::BTreeMap;

use cargo_sdl::catalog::Level;
use cargo_sdl::config::{Product, Waiver};
use cargo_sdl::eval::maturity::{PracticeMaturity, RequirementMaturity};
use cargo_sdl::eval::{Finding, Outcome, Status, WaiverState, WaiverStatus};
use cargo_sdl::facts::human::{
    Attestation, AttestationScope, CommitRecord, HumanFacts, Reference, Role, Roles, TrainingRecord,
};
use cargo_sdl::facts::{Collected, EvidenceRef, Facts, FileFacts, FileRef};
use cargo_sdl::render::html::render_html;
use cargo_sdl::report::{PracticeReport, Report, RequirementReport, Summary, Tool};

const COMMIT_A: &str = "1f3c5e7a9b2d4f6081a3c5e7f9b1d3f5a7c9e1b3";
const COMMIT_B: &str = "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9";
const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// The page as the package writer renders it for the reports below: their package holds every
/// file of the layout but the SBOM (they collect no cargo facts) and the signature.
fn render_page(report: &Report) -> String {
    let files: Vec<(&str, &str)> = cargo_sdl::package::LAYOUT
        .iter()
        .copied()
        .filter(|(path, _)| !matches!(*path, "sbom.cdx.json" | "MANIFEST.sha256.sig"))
        .collect();
    render_html(report, &files).unwrap()
}

/// Every kind of hostile text a repository could carry.
const HOSTILE: &str = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>](javascript:alert(1)) \
                       javascript:alert(1) {{ r.tool }} {% if true %}tpl{% endif %} &amp; 'q'";

/// A small report with one value of each shape the page renders. `t` decorates every string
/// that comes from the repository or the configuration; `p` every path.
fn sample(t: &dyn Fn(&str) -> String, p: &dyn Fn(&str) -> String) -> Report {
    let file = |path: &str| EvidenceRef::File {
        path: p(path),
        sha256: SHA.into(),
        line: None,
    };
    let finding = |rule: &str, reqs: &[&str], level, outcome, message: &str, evidence| Finding {
        rule: rule.into(),
        requirements: reqs.iter().map(|s| s.to_string()).collect(),
        level,
        outcome,
        message: t(message),
        evidence,
        remediation: (outcome != Outcome::Pass).then(|| t("add the missing record")),
        waived: None,
        waivers_used: Vec::new(),
    };
    let policy = finding(
        "security-policy-present",
        &["DM-1"],
        Level::Deny,
        Outcome::Pass,
        "security policy found in SECURITY.md",
        vec![EvidenceRef::File {
            path: p("SECURITY.md"),
            sha256: SHA.into(),
            line: Some(3),
        }],
    );
    let signed = finding(
        "commits-signed",
        &["SM-6", "DM-1"],
        Level::Warn,
        Outcome::Fail,
        "1 of 2 commits is unsigned",
        vec![
            EvidenceRef::Commit {
                id: COMMIT_A.into(),
            },
            EvidenceRef::Tag {
                name: t("v1.0.0"),
                target: COMMIT_B.into(),
            },
        ],
    );
    let mut advisories = finding(
        "advisories-none",
        &["DM-1"],
        Level::Warn,
        Outcome::Fail,
        "1 advisory applies to the lockfile",
        vec![
            EvidenceRef::Advisory {
                id: "RUSTSEC-2020-0071".into(),
            },
            EvidenceRef::Package {
                name: t("time"),
                version: "0.1.45".into(),
            },
            EvidenceRef::Sbom {
                path: p("sbom.cdx.json"),
                bom_ref: Some(t("pkg:cargo/time@0.1.45")),
            },
            EvidenceRef::Config {
                path: p("sdl.toml"),
                key: t("rules.advisories-none"),
            },
        ],
    );
    let waiver = Waiver {
        id: "advisories-none".into(),
        reason: t("no fixed release yet; the affected API is not used"),
        owner: t("Grace Hopper"),
        expires: "2026-12-31".into(),
        expires_on: None,
    };
    advisories.waived = Some(waiver.clone());
    let threat = finding(
        "threat-model-present",
        &["SM-6"],
        Level::Allow,
        Outcome::Unknown,
        "no threat model found",
        vec![file("docs/threat model.md")],
    );
    let findings = vec![advisories, signed, policy, threat];

    let attestation = Attestation {
        file: FileRef {
            path: p("sdl/attestations/dm-1.toml"),
            sha256: SHA.into(),
        },
        requirements: vec!["DM-1".into()],
        statement: t("the intake procedure is followed"),
        owner: t("Ada Lovelace"),
        owner_role: t("psirt-lead"),
        approver: t("Grace Hopper"),
        approver_role: t("security-officer"),
        date: "2026-01-10".into(),
        valid_until: "2026-12-31".into(),
        scope: Some(AttestationScope {
            product: Some(t("Widget")),
            versions: Some(t(">=1.0")),
        }),
        references: vec![
            Reference::File {
                path: p("docs/intake.md"),
                sha256: SHA.into(),
            },
            Reference::Commit {
                id: COMMIT_B.into(),
                resolved: Some(COMMIT_B.into()),
                unresolved: None,
            },
            Reference::Url {
                url: format!("https://tracker.example/{}", t("42")),
            },
            Reference::Url {
                url: "javascript:alert(1)".into(),
            },
            Reference::Ticket { id: t("SEC-7") },
        ],
        releases: vec![t("v1.0.0")],
        metrics: vec![t("median days to triage: 3")],
        improvements: vec![t("weekly triage rota")],
        commit: Some(CommitRecord {
            id: COMMIT_B.into(),
            author: t("Ada Lovelace"),
            date: "2026-01-10T09:00:00Z".into(),
            signature: Some("ssh".into()),
            committed: None,
            signer: None,
        }),
        uncommitted: None,
        added: None,
        added_unknown: None,
    };
    let mut expired = attestation.clone();
    expired.file.path = p("sdl/attestations/sm-6.toml");
    expired.requirements = vec!["SM-6".into()];
    expired.valid_until = "2026-02-01".into();
    expired.commit = None;
    expired.uncommitted = Some(t("not committed"));
    // Current by its dates, but approved by a team alias: listed with why, counted as absent.
    let mut rejected = attestation.clone();
    rejected.file.path = p("sdl/attestations/sm-6-everything.toml");
    rejected.requirements = vec!["SM-6".into()];
    rejected.approver = t("acme maintainers");

    let req = |id: &str, practice: &str, title: &str, status, reason: &str| RequirementReport {
        id: id.into(),
        practice: practice.into(),
        title: title.into(),
        status,
        reason: t(reason),
        decided_by: Vec::new(),
        attestations: Vec::new(),
        expired_attestations: Vec::new(),
        rejected_attestations: Vec::new(),
        maturity: Some(RequirementMaturity {
            id: id.into(),
            level: 1,
            why: t("no current documented process"),
            next: Some(t("ML2 needs a current attestation")),
        }),
        ssdf: vec!["PO.1.1".into()],
        cra: vec!["I.1".into()],
        review_period_days: Some(365),
        findings: findings
            .iter()
            .filter(|f| f.requirements.iter().any(|r| r == id))
            .cloned()
            .collect(),
    };
    let mut sm6 = req(
        "SM-6",
        "SM",
        "File integrity",
        Status::NotSatisfied,
        "rules fail: commits-signed",
    );
    sm6.decided_by = vec!["commits-signed".into()];
    sm6.expired_attestations = vec![expired.file.path.clone()];
    sm6.rejected_attestations = vec![cargo_sdl::eval::RejectedAttestation {
        path: rejected.file.path.clone(),
        why: t("its approver acme maintainers is a team alias"),
    }];
    let mut sm5 = req(
        "SM-5",
        "SM",
        "Process scoping",
        Status::NotApplicable,
        "declared not applicable",
    );
    sm5.maturity = None;
    sm5.review_period_days = None;
    sm5.ssdf = Vec::new();
    sm5.cra = Vec::new();
    let mut dm1 = req(
        "DM-1",
        "DM",
        "Receiving notifications of security-related issues",
        Status::Waived,
        "failures accepted by waivers: advisories-none",
    );
    dm1.decided_by = vec![
        "advisories-none".into(),
        "commits-signed".into(),
        "security-policy-present".into(),
        attestation.file.path.clone(),
    ];
    dm1.attestations = vec![attestation.file.path.clone()];
    let requirements = vec![sm5, sm6, dm1];

    let maturity = |level: Option<u8>, ids: &[&str]| PracticeMaturity {
        level,
        label: level.map_or("not applicable".into(), |l| format!("ML{l} Initial")),
        why: t("SM-6 without a current documented process"),
        next: Some(t("SM-6: ML2 needs a current attestation")),
        limited_by: ids.iter().map(|s| s.to_string()).collect(),
        requirements: ids
            .iter()
            .map(|id| RequirementMaturity {
                id: id.to_string(),
                level: 1,
                why: t("no current documented process"),
                next: Some(t("ML2 needs a current attestation")),
            })
            .collect(),
        note: "self-assessment indicator".into(),
    };
    let statuses = |pairs: &[(&str, usize)]| -> BTreeMap<String, usize> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    };
    let practices = vec![
        PracticeReport {
            id: "SM".into(),
            name: "Security management".into(),
            maturity: maturity(Some(1), &["SM-6"]),
            statuses: statuses(&[("not-applicable", 1), ("not-satisfied", 1)]),
            requirements: vec!["SM-5".into(), "SM-6".into()],
        },
        PracticeReport {
            id: "DM".into(),
            name: "Management of security-related issues".into(),
            maturity: maturity(Some(1), &["DM-1"]),
            statuses: statuses(&[("waived", 1)]),
            requirements: vec!["DM-1".into()],
        },
    ];

    Report {
        schema_version: 1,
        tool: Tool {
            name: "cargo-sdl".into(),
            version: "0.1.0".into(),
        },
        generated_at: "2026-11-25T12:00:00Z".into(),
        product: Product {
            name: t("Widget"),
            version: t("1.2.3"),
            description: Some(t("A widget controller")),
            security_level: Some(2),
        },
        config: Some(p("sdl.toml")),
        summary: Summary {
            requirements: statuses(&[("not-applicable", 1), ("not-satisfied", 1), ("waived", 1)]),
            rules_passed: 1,
            rules_failed: 2,
            rules_unknown: 1,
            rules_not_applicable: 0,
            denied: Vec::new(),
            undecided: Vec::new(),
        },
        practices,
        requirements,
        findings,
        waivers: vec![
            WaiverStatus {
                waiver,
                state: WaiverState::Used,
                why: None,
            },
            WaiverStatus {
                waiver: Waiver {
                    id: "RUSTSEC-2021-0139".into(),
                    reason: t("unmaintained, replacement scheduled"),
                    owner: t("Ada Lovelace"),
                    expires: "2026-06-30".into(),
                    expires_on: None,
                },
                state: WaiverState::Expired,
                why: None,
            },
        ],
        catalogue: cargo_sdl::catalog::Catalog::embedded(&cargo_sdl::eval::rules::builtin_ids())
            .expect("the embedded catalogue")
            .identity()
            .clone(),
        tailoring: Default::default(),
        reassessed_releases: Vec::new(),
        organisation: None,
        assessed: Default::default(),
        evidence: Facts {
            collected_at: "2026-11-25T12:00:00Z".into(),
            improvement: Collected::absent("not in this test"),
            files: Collected::present(FileFacts {
                security_policy: Some(cargo_sdl::facts::files::SecurityPolicy {
                    file: FileRef {
                        path: p("SECURITY.md"),
                        sha256: SHA.into(),
                    },
                    channels: vec![],
                    disclosure: vec![],
                    timeframes: vec![],
                    set_aside: vec![],
                    not_analysed: None,
                }),
                ..FileFacts::default()
            }),
            git: Collected::absent(t("not a git repository")),
            cargo: Collected::absent("the cargo collector is not implemented yet"),
            sbom: Collected::failed(t("sbom.cdx.json: unsupported spec version")),
            advisories: Collected::absent("no advisory database"),
            human: HumanFacts {
                directory: p("sdl/attestations"),
                attestations: vec![attestation, expired, rejected],
                roles: Some(Roles {
                    file: Some(FileRef {
                        path: p("sdl/roles.toml"),
                        sha256: SHA.into(),
                    }),
                    roles: [(
                        "psirt-lead".to_string(),
                        Role {
                            description: t("runs the intake"),
                            holders: vec![t("Ada Lovelace")],
                            security: false,
                        },
                    )]
                    .into_iter()
                    .collect(),
                    teams: Vec::new(),
                }),
                training_file: Some(FileRef {
                    path: p("sdl/training.toml"),
                    sha256: SHA.into(),
                }),
                training: vec![TrainingRecord {
                    person: t("Ada Lovelace"),
                    topic: t("secure Rust"),
                    date: "2026-01-05".into(),
                    expires: "2027-01-05".into(),
                }],
                signers_file: None,
            },
        },
    }
}

fn benign() -> Report {
    sample(&|s| s.to_string(), &|s| s.to_string())
}

/// Hostile text appended to every value; hostile paths of every shape.
fn hostile() -> Report {
    let paths: BTreeMap<&str, &str> = [
        ("SECURITY.md", "javascript:alert(1)"),
        ("sdl.toml", "/etc/passwd"),
        (
            "docs/threat model.md",
            "../../outside/\"><img src=x onerror=alert(1)>.md",
        ),
        ("docs/intake.md", "docs/<script>alert(1)</script>.md"),
        ("sbom.cdx.json", "](javascript:alert(1))"),
        ("sdl/roles.toml", "https://evil.example/roles.toml"),
        ("sdl/training.toml", "sdl/{{ r.tool }}/{% raw %}.toml"),
    ]
    .into_iter()
    .collect();
    let mut report = sample(&|s| format!("{s} {HOSTILE}"), &|s| {
        paths.get(s).map_or_else(
            || format!("{s}\"><img src=x onerror=alert(1)>.toml"),
            |h| h.to_string(),
        )
    });
    // Commit ids that are not object ids must not become anchors or links.
    if let Some(f) = report
        .findings
        .iter_mut()
        .find(|f| f.rule == "commits-signed")
    {
        f.evidence.push(EvidenceRef::Commit {
            id: "javascript:alert(1)".into(),
        });
        f.evidence.push(EvidenceRef::Commit { id: HOSTILE.into() });
    }
    report
}

#[test]
fn hostile_values_appear_only_escaped() {
    let html = render_page(&hostile());
    assert_inert(&html);
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "raw script tag");
    assert!(!lower.contains("<img"), "raw img tag");
    assert!(!lower.contains("href=\"javascript:"), "javascript href");
    // The payloads are there, as text: the product name, finding messages, paths, reasons.
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;](javascript:alert(1)) javascript:alert(1) {{ r.tool }} {% if true %}tpl{% endif %} &amp;amp; &#39;q&#39;";
    for (what, value) in [
        ("product name", format!("Widget {escaped}")),
        (
            "product description",
            format!("A widget controller {escaped}"),
        ),
        (
            "finding message",
            format!("1 of 2 commits is unsigned {escaped}"),
        ),
        (
            "waiver reason",
            format!("unmaintained, replacement scheduled {escaped}"),
        ),
        (
            "attestation statement",
            format!("the intake procedure is followed {escaped}"),
        ),
        (
            "collector reason",
            format!("not a git repository {escaped}"),
        ),
    ] {
        assert!(html.contains(&value), "{what} not shown escaped");
    }
    for path in [
        "javascript:alert(1)",
        "/etc/passwd",
        "../../outside/&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.md",
        "docs/&lt;script&gt;alert(1)&lt;/script&gt;.md",
        "](javascript:alert(1))",
        "sdl/{{ r.tool }}/{% raw %}.toml",
        "sdl/attestations/dm-1.toml&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.toml",
    ] {
        assert!(html.contains(path), "path {path:?} not shown as text");
    }
    // Template syntax in values was not evaluated: the tool name would have replaced it.
    assert!(
        !html.contains("Widget cargo-sdl"),
        "a value was rendered as a template"
    );
    // Paths that are not plain relative paths are shown but never linked.
    let hrefs = attribute_values(&html, "href");
    assert!(
        !hrefs
            .iter()
            .any(|h| h.contains("etc") || h.contains("outside")),
        "{hrefs:?}"
    );
    assert!(
        hrefs.contains(&"documents/javascript%3Aalert%281%29"),
        "{hrefs:?}"
    );
    assert!(
        hrefs.contains(&"documents/docs/%3Cscript%3Ealert%281%29%3C/script%3E.md"),
        "{hrefs:?}"
    );
    // Non-hex commit ids got no anchor.
    assert!(!html.contains("id=\"commit-javascript"));
    assert!(html.contains(&format!("id=\"commit-{COMMIT_A}\"")));
}

#[test]
fn benign_page_links_into_the_package() {
    let html = render_page(&benign());
    assert_inert(&html);
    let hrefs = attribute_values(&html, "href");
    for want in [
        "documents/SECURITY.md",
        "documents/sdl/attestations/dm-1.toml",
        "documents/sdl/attestations/sm-6.toml",
        "documents/docs/threat%20model.md",
        "documents/docs/intake.md",
        "documents/sdl/roles.toml",
        "documents/sdl/training.toml",
        "report.json",
        "report.schema.json",
        "index.html",
        "documents/",
        "MANIFEST.sha256",
        "#req-DM-1",
        "#finding-DM-1-commits-signed",
        "#att-1",
    ] {
        assert!(hrefs.contains(&want), "no link to {want}: {hrefs:?}");
    }
    // Commits: by full id, anchored in the commits table, linked from the evidence.
    for id in [COMMIT_A, COMMIT_B] {
        assert_eq!(
            html.matches(&format!("id=\"commit-{id}\"")).count(),
            1,
            "{id}"
        );
        assert!(hrefs.contains(&format!("#commit-{id}").as_str()), "{id}");
    }
    // Every anchor a link points at exists exactly once.
    let ids = attribute_values(&html, "id");
    for href in hrefs.iter().filter_map(|h| h.strip_prefix('#')) {
        assert_eq!(
            ids.iter().filter(|i| *i == &href).count(),
            1,
            "#{href} does not name exactly one element"
        );
    }
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "duplicate element ids");
    // URLs in references are text, not links.
    assert!(html.contains("https://tracker.example/42"));
    assert!(!hrefs.iter().any(|h| h.contains("tracker")));
    // Sha256 next to file evidence, status as text next to its colour.
    assert!(html.contains(&format!("sha256 {SHA}")));
    for label in [
        "not satisfied</span>",
        "waived</span>",
        "not applicable</span>",
    ] {
        assert!(html.contains(label), "{label}");
    }
    assert!(html.contains("not an auditor's verdict"));
    assert!(html.contains("SL-C 2"));
    // No collapsed content: everything is printed.
    assert!(!html.contains("<details"));
    assert!(html.contains("@media print"));
    assert!(html.contains("break-before: page"));
    // The first practice follows the overview on the same page: no forced half-empty page.
    assert!(html.contains("section.practice + section.practice { break-before: page; }"));
    assert!(
        !html.contains("@page { size"),
        "no fixed paper size: A4 and Letter both print"
    );
}

#[test]
fn rendering_is_deterministic() {
    let a = render_page(&benign());
    let b = render_page(&benign());
    assert_eq!(a, b);
    let h1 = render_page(&hostile());
    let h2 = render_page(&hostile());
    assert_eq!(h1, h2);
}

#[test]
fn snapshot_of_a_small_report() {
    let html = render_page(&benign());
    insta::assert_snapshot!("index_html", html);
}

// ---------------------------------------------------------------------------------------------
// Headless Chromium
// ---------------------------------------------------------------------------------------------

#[test]
fn renders_in_headless_chromium() {
    let Some(bin) = require_chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();

    // Control: this Chromium reports script errors and blocked loads on stderr, so a clean
    // stderr below means something.
    let control = dir.path().join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" \
         content=\"default-src 'none'; script-src 'unsafe-inline'\"></head><body>\
         <script>undefinedFunction()</script><img src=\"https://example.invalid/x.png\"></body></html>",
    )
    .unwrap();
    let (_, stderr) = run_chromium(
        &bin,
        profile.path(),
        &control,
        &["--dump-dom", "--enable-logging=stderr", "--v=0"],
    );
    assert!(
        stderr.contains("Uncaught") && stderr.contains("example.invalid"),
        "chromium does not log console messages here; the checks below would prove nothing:\n{stderr}"
    );

    let page = dir.path().join("index.html");
    let report = benign();
    let html = render_page(&report);
    std::fs::write(&page, &html).unwrap();
    // The page names nothing on the network: no src at all, no http(s) link.
    assert!(attribute_values(&html, "src").is_empty());
    assert!(
        !attribute_values(&html, "href")
            .iter()
            .any(|h| h.starts_with("http:") || h.starts_with("https:") || h.starts_with("//")),
    );

    screenshot(&bin, profile.path(), &page, "html-screenshot.png");

    let (dom, stderr) = run_chromium(
        &bin,
        profile.path(),
        &page,
        &["--dump-dom", "--enable-logging=stderr", "--v=0"],
    );
    assert!(
        dom.contains("<h1 class=\"break\">Widget"),
        "product name not rendered"
    );
    for r in &report.requirements {
        assert!(
            dom.contains(&format!("id=\"req-{}\"", r.id)),
            "{} missing",
            r.id
        );
    }
    assert!(dom.contains("<svg"), "charts missing");
    assert!(!dom.contains("<script"), "the DOM holds a script");
    assert_clean_console(&stderr);

    // Hostile values: the DOM keeps them as text and nothing ran.
    let page = dir.path().join("hostile.html");
    std::fs::write(&page, render_page(&hostile())).unwrap();
    let (dom, stderr) = run_chromium(
        &bin,
        profile.path(),
        &page,
        &["--dump-dom", "--enable-logging=stderr", "--v=0"],
    );
    assert!(
        dom.contains("<h1 class=\"break\">Widget &lt;script&gt;"),
        "{}",
        &dom[..dom.len().min(2000)]
    );
    let lower = dom.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "a script element was created");
    assert!(!lower.contains("<img"), "an img element was created");
    assert_clean_console(&stderr);
}
