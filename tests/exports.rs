//! The machine-readable exports (SARIF, OSCAL, crosswalk CSV), the Markdown report's escaping,
//! and report.json against its JSON Schema: on a hand-built report with every outcome and a
//! real one built through the library from a temporary workspace.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use cargo_sdl::catalog::{Catalog, Level};
use cargo_sdl::config::{Config, Product, Waiver};
use cargo_sdl::eval::maturity::{PracticeMaturity, RequirementMaturity, practice_maturity};
use cargo_sdl::eval::{Evaluation, Finding, Outcome, RequirementStatus, Status};
use cargo_sdl::facts::human::{Attestation, CommitRecord, HumanFacts, Reference};
use cargo_sdl::facts::{Collected, EvidenceRef, Facts, FileFacts, FileRef};
use cargo_sdl::render::crosswalk::{HEADER, render_crosswalk_csv};
use cargo_sdl::render::oscal::{DEFAULT_EXPIRY_DAYS, render_oscal};
use cargo_sdl::render::sarif::{escape_message, render_sarif};
use cargo_sdl::report::Report;
use serde_json::Value;

use common::schema::{Validator, schema_validator};

const NOW: &str = "2026-11-25T12:00:00Z";
/// Every trick at once: HTML, a Markdown link, quotes, a comma, a newline, a CSV formula and a
/// SARIF placeholder.
const HOSTILE: &str = "\"><img src=x onerror=alert(1)> [x](javascript:alert(1)), \"q\"\n=cmd|' /C calc'!A0 {0} <script>alert(1)</script>";
const FORMULA: &str = "=cmd|' /C calc'!A0";
const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

fn sha(c: char) -> String {
    c.to_string().repeat(64)
}

fn catalog() -> Catalog {
    Catalog::embedded(&cargo_sdl::eval::rules::builtin_ids()).expect("the embedded catalogue loads")
}

fn attestation(path: &str, requirement: &str, valid_until: &str) -> Attestation {
    Attestation {
        file: FileRef {
            path: path.into(),
            sha256: sha('a'),
        },
        requirements: vec![requirement.into()],
        statement: format!("statement {HOSTILE}"),
        owner: "Ada Lovelace".into(),
        owner_role: "security-officer".into(),
        approver: "Grace Hopper".into(),
        approver_role: "product-owner".into(),
        date: "2026-01-10".into(),
        valid_until: valid_until.into(),
        scope: None,
        references: vec![
            Reference::File {
                path: "docs/process.md".into(),
                sha256: sha('b'),
            },
            Reference::Ticket { id: "SEC-1".into() },
        ],
        releases: vec![],
        metrics: vec![],
        improvements: vec![],
        commit: Some(CommitRecord {
            id: COMMIT.into(),
            author: "Ada Lovelace".into(),
            date: "2026-01-10T09:00:00Z".into(),
            signature: Some("ssh".into()),
            committed: Some("2026-01-10T10:00:00+01:00".into()),
            signer: None,
        }),
        uncommitted: None,
        added: None,
        added_unknown: Some("the history is shallow".into()),
    }
}

/// A report with findings of every outcome and level, a waived failure, file evidence with
/// and without a line, commit evidence, a current and an expired attestation, statuses of
/// every kind, and hostile text in every repository-sourced field.
fn sample() -> (Report, Catalog) {
    let catalog = catalog();
    assert!(
        catalog.rules.len() >= 5,
        "the sample needs five rules, the catalogue has {}",
        catalog.rules.len()
    );
    let rule = |i: usize| &catalog.rules[i];
    let finding = |i: usize, level: Level, outcome: Outcome, evidence: Vec<EvidenceRef>| Finding {
        rule: rule(i).id.clone(),
        requirements: rule(i).requirements.clone(),
        level,
        outcome,
        message: format!("message of rule {i}: {HOSTILE}"),
        evidence,
        remediation: (outcome != Outcome::Pass).then(|| rule(i).remediation.clone()),
        waived: None,
        waivers_used: vec![],
    };
    let mut findings = vec![
        finding(
            0,
            Level::Deny,
            Outcome::Fail,
            vec![
                EvidenceRef::File {
                    path: "src/main.rs".into(),
                    sha256: sha('1'),
                    line: Some(12),
                },
                EvidenceRef::File {
                    path: "docs/threat model.md".into(),
                    sha256: sha('2'),
                    line: None,
                },
                EvidenceRef::Commit { id: COMMIT.into() },
            ],
        ),
        finding(
            1,
            Level::Warn,
            Outcome::Fail,
            vec![EvidenceRef::Commit { id: COMMIT.into() }],
        ),
        finding(2, Level::Warn, Outcome::Unknown, vec![]),
        finding(
            3,
            Level::Warn,
            Outcome::Pass,
            vec![EvidenceRef::File {
                path: "SECURITY.md".into(),
                sha256: sha('3'),
                line: None,
            }],
        ),
        finding(
            4,
            Level::Allow,
            Outcome::Fail,
            vec![
                EvidenceRef::Attestation {
                    path: "sdl/attestations/sm-1.toml".into(),
                    sha256: sha('a'),
                },
                EvidenceRef::Config {
                    path: "sdl.toml".into(),
                    key: "rules".into(),
                },
                EvidenceRef::Package {
                    name: "serde".into(),
                    version: "1.0.0".into(),
                },
            ],
        ),
    ];
    findings[1].waived = Some(Waiver {
        id: rule(1).id.clone(),
        reason: format!("accepted: {HOSTILE}"),
        owner: "Grace Hopper".into(),
        expires: "2027-03-01".into(),
        expires_on: None,
    });
    for i in 5..catalog.rules.len() {
        findings.push(finding(i, Level::Warn, Outcome::Pass, vec![]));
    }
    findings.sort_by(|a, b| a.rule.cmp(&b.rule));

    let statuses = [
        Status::Satisfied,
        Status::Partial,
        Status::NotSatisfied,
        Status::Unknown,
        Status::NotApplicable,
        Status::Waived,
    ];
    let current = "sdl/attestations/sm-1.toml";
    let expired = "sdl/attestations/old.toml";
    let rejected = "sdl/attestations/gamed.toml";
    let requirements: Vec<RequirementStatus> = catalog
        .requirements
        .iter()
        .enumerate()
        .map(|(i, r)| RequirementStatus {
            id: r.id.clone(),
            status: statuses[i % statuses.len()],
            reason: format!("reason {i}: {HOSTILE}"),
            decided_by: if i == 0 {
                vec![FORMULA.to_string(), current.to_string()]
            } else {
                vec![]
            },
            attestations: if i == 0 { vec![current.into()] } else { vec![] },
            expired_attestations: if i == 0 { vec![expired.into()] } else { vec![] },
            rejected_attestations: if i == 0 {
                vec![cargo_sdl::eval::RejectedAttestation {
                    path: rejected.into(),
                    why: format!("its approver {HOSTILE} is a team alias"),
                }]
            } else {
                vec![]
            },
        })
        .collect();
    let first_requirement = catalog.requirements[0].id.clone();
    let maturity: Vec<(String, PracticeMaturity)> = catalog
        .practices
        .iter()
        .map(|p| {
            let reqs = catalog
                .requirements
                .iter()
                .enumerate()
                .filter(|(i, r)| r.practice == p.id && statuses[i % 6] != Status::NotApplicable)
                .map(|(i, r)| RequirementMaturity {
                    id: r.id.clone(),
                    level: (i % 4) as u8 + 1,
                    why: "because".into(),
                    next: None,
                })
                .collect();
            (p.id.clone(), practice_maturity(reqs))
        })
        .collect();
    let facts = Facts {
        collected_at: NOW.into(),
        improvement: Collected::absent("not in this test"),
        files: Collected::present(FileFacts {
            security_policy: Some(cargo_sdl::facts::files::SecurityPolicy {
                file: FileRef {
                    path: "SECURITY.md".into(),
                    sha256: sha('3'),
                },
                channels: vec![],
                disclosure: vec![],
                timeframes: vec![],
                set_aside: vec![],
                not_analysed: None,
            }),
            ..FileFacts::default()
        }),
        git: Collected::absent("no git repository"),
        cargo: Collected::failed("cargo metadata failed"),
        sbom: Collected::absent("not collected"),
        advisories: Collected::absent("offline"),
        human: HumanFacts {
            directory: "sdl/attestations".into(),
            attestations: vec![
                attestation(current, &first_requirement, "2027-01-01"),
                attestation(expired, &first_requirement, "2026-06-30"),
            ],
            roles: None,
            training_file: None,
            training: vec![],
            signers_file: None,
        },
    };
    let config = Config {
        product: Product {
            name: format!("demo {HOSTILE}"),
            version: "0.3.0".into(),
            description: Some(format!("description {HOSTILE}")),
            security_level: Some(2),
        },
        ..Config::default()
    };
    let waivers = findings
        .iter()
        .filter_map(|f| f.waived.clone())
        .map(|waiver| cargo_sdl::eval::WaiverStatus {
            waiver,
            state: cargo_sdl::eval::WaiverState::Used,
            why: None,
        })
        .collect();
    let evaluation = Evaluation {
        findings,
        requirements,
        waivers,
        attestations: vec![],
    };
    let mut report = Report::new(
        &catalog,
        &config,
        facts,
        evaluation,
        maturity,
        &[],
        NOW.into(),
    );
    report.requirements[0].title = format!("title, \"quoted\"\n{FORMULA}");
    (report, catalog)
}

/// A report built through the library from a workspace in a temporary directory.
fn real_report() -> (Report, Catalog, tempfile::TempDir) {
    use clap::Parser;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"demo\"\nversion = \"0.3.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), "#![forbid(unsafe_code)]\n").unwrap();
    std::fs::write(
        dir.path().join("SECURITY.md"),
        "# Security policy\n\nReport vulnerabilities to security@example.com.\n",
    )
    .unwrap();
    let manifest = dir.path().join("Cargo.toml");
    let cargo_sdl::cli::Cli::Sdl(args) = cargo_sdl::cli::Cli::parse_from([
        "cargo",
        "sdl",
        "--offline",
        "--manifest-path",
        manifest.to_str().unwrap(),
        "--current-time",
        NOW,
        "check",
    ]);
    let catalog = cargo_sdl::load_catalog(&args.global).unwrap();
    let report = cargo_sdl::build_report(&args.global, &catalog, &|_| {}).unwrap();
    (report, catalog, dir)
}

fn parse(s: &str) -> Value {
    serde_json::from_str(s).expect("valid JSON")
}

fn rule_of<'a>(sarif: &'a Value, rule: &str) -> &'a Value {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == rule)
        .unwrap_or_else(|| panic!("no result for {rule}"))
}

// ---------------------------------------------------------------------------------------------
// SARIF

#[test]
fn sarif_has_one_run_every_rule_and_a_result_per_non_passing_finding() {
    let (report, catalog) = sample();
    let sarif = parse(&render_sarif(&report, &catalog).unwrap());
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        sarif["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "cargo-sdl");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );

    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), catalog.rules.len());
    for (descriptor, rule) in rules.iter().zip(&catalog.rules) {
        assert_eq!(descriptor["id"], rule.id.as_str());
        assert!(
            !descriptor["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .is_empty()
        );
        assert!(
            descriptor["fullDescription"]["text"]
                .as_str()
                .unwrap()
                .chars()
                .count()
                <= 1024
        );
        assert!(!descriptor["help"]["text"].as_str().unwrap().is_empty());
        let want = match rule.default_level {
            Level::Allow => "note",
            Level::Warn => "warning",
            Level::Deny => "error",
        };
        assert_eq!(
            descriptor["defaultConfiguration"]["level"], want,
            "{}",
            rule.id
        );
        assert_eq!(
            descriptor["properties"]["requirements"],
            serde_json::json!(rule.requirements)
        );
        let tags = descriptor["properties"]["tags"].as_array().unwrap();
        assert_eq!(
            tags[0], "security",
            "GitHub counts security-severity on these only"
        );
        assert_eq!(tags[1], "iec62443-4-1");
        for r in &rule.requirements {
            assert!(tags.contains(&Value::from(r.as_str())), "{r}");
        }
        // The level this report ran the rule at decides its severity.
        let level = report
            .findings
            .iter()
            .find(|f| f.rule == rule.id)
            .map_or(rule.default_level, |f| f.level);
        let want = match level {
            Level::Deny => "8.0",
            Level::Warn => "5.0",
            Level::Allow => "2.0",
        };
        assert_eq!(
            descriptor["properties"]["security-severity"], want,
            "{}",
            rule.id
        );
    }
    assert_eq!(
        runs[0]["automationDetails"]["id"],
        format!(
            "cargo-sdl/{}/",
            report
                .product
                .name
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        )
    );

    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        4,
        "fail, waived fail, unknown, allow-level fail"
    );
    assert!(
        !results
            .iter()
            .any(|r| r["ruleId"] == catalog.rules[3].id.as_str()),
        "a passing rule has no result"
    );
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"], "ruleIndex points at its rule");
        let locations = r["locations"].as_array().unwrap();
        assert_eq!(
            locations.len(),
            1,
            "GitHub needs a location on every result"
        );
        let uri = locations[0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(!uri.is_empty());
        assert_eq!(
            locations[0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
            "%SRCROOT%"
        );
        for l in locations
            .iter()
            .chain(r["relatedLocations"].as_array().into_iter().flatten())
        {
            let line = l["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap();
            assert!(line >= 1, "every location has a region: {l}");
        }
        let fp = r["partialFingerprints"]["cargoSdlFinding/v2"]
            .as_str()
            .unwrap();
        assert_eq!(fp.len(), 64);
        assert!(
            r["message"]["text"].is_string(),
            "message is an object with text"
        );
    }

    let failed = rule_of(&sarif, &catalog.rules[0].id);
    assert_eq!(failed["level"], "error", "deny-level failure");
    assert!(failed.get("suppressions").is_none());
    let primary = &failed["locations"][0]["physicalLocation"];
    assert_eq!(primary["artifactLocation"]["uri"], "src/main.rs");
    assert_eq!(primary["region"]["startLine"], 12);
    let related = failed["relatedLocations"].as_array().unwrap();
    assert_eq!(related.len(), 1);
    assert_eq!(
        related[0]["physicalLocation"]["artifactLocation"]["uri"],
        "docs/threat%20model.md"
    );
    assert_eq!(
        related[0]["physicalLocation"]["region"]["startLine"], 1,
        "no line: the whole file, from line 1"
    );
    assert_eq!(
        failed["properties"]["evidence"][0],
        format!("commit {COMMIT}")
    );
    assert!(failed["properties"].get("repositoryLevel").is_none());

    let waived = rule_of(&sarif, &catalog.rules[1].id);
    assert_eq!(waived["level"], "warning");
    let suppressions = waived["suppressions"].as_array().unwrap();
    assert_eq!(suppressions.len(), 1);
    assert_eq!(suppressions[0]["kind"], "external");
    assert_eq!(suppressions[0]["status"], "accepted");
    let justification = suppressions[0]["justification"].as_str().unwrap();
    assert!(justification.starts_with("accepted: "), "{justification}");
    assert!(justification.contains("Grace Hopper") && justification.contains("2027-03-01"));
    assert_eq!(
        waived["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "Cargo.toml",
        "commit-only evidence points at the repository"
    );
    assert_eq!(waived["properties"]["repositoryLevel"], true);

    let unknown = rule_of(&sarif, &catalog.rules[2].id);
    assert_eq!(unknown["level"], "note");
    let text = unknown["message"]["text"].as_str().unwrap();
    assert!(text.starts_with("could not be evaluated: "), "{text}");

    let allow = rule_of(&sarif, &catalog.rules[4].id);
    assert_eq!(allow["level"], "note", "an allow-level failure is a note");
    assert_eq!(
        allow["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "sdl/attestations/sm-1.toml"
    );
    assert_eq!(
        allow["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "sdl.toml"
    );
    assert_eq!(
        allow["relatedLocations"][1]["physicalLocation"]["artifactLocation"]["uri"], "Cargo.lock",
        "a package was found in the lockfile"
    );
    assert_eq!(allow["properties"]["evidence"][0], "package serde 1.0.0");
}

#[test]
fn sarif_messages_keep_hostile_text_as_text() {
    let (report, catalog) = sample();
    let sarif = parse(&render_sarif(&report, &catalog).unwrap());
    let failed = rule_of(&sarif, &catalog.rules[0].id);
    let want = escape_message(&format!("message of rule 0: {HOSTILE}"));
    assert_eq!(failed["message"]["text"], want.as_str());
    assert!(want.contains("{{0}}"), "placeholders are escaped: {want}");
}

#[test]
fn sarif_of_a_real_report_locates_every_result() {
    let (report, catalog, _dir) = real_report();
    let sarif = parse(&render_sarif(&report, &catalog).unwrap());
    let run = &sarif["runs"][0];
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().unwrap().len(),
        catalog.rules.len()
    );
    let not_passing = report
        .findings
        .iter()
        .filter(|f| matches!(f.outcome, Outcome::Fail | Outcome::Unknown))
        .count();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), not_passing);
    for r in results {
        let uri = &r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert!(uri.as_str().is_some_and(|u| !u.is_empty()), "{r}");
    }
}

fn sarif_schema() -> Validator {
    schema_validator("tests/fixtures/schemas/sarif-2.1.0-subset.schema.json")
}

/// What GitHub code scanning needs beyond the schema.
fn github_accepts(sarif: &Value) {
    let run = &sarif["runs"][0];
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        let severity: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap_or_else(|| panic!("a string: {rule}"))
            .parse()
            .unwrap();
        assert!((0.0..=10.0).contains(&severity), "{rule}");
        assert!(
            rule["properties"]["tags"]
                .as_array()
                .unwrap()
                .contains(&Value::from("security"))
        );
    }
    for r in run["results"].as_array().unwrap() {
        let locations = r["locations"].as_array().unwrap();
        assert!(!locations.is_empty(), "{r}");
        for l in locations
            .iter()
            .chain(r["relatedLocations"].as_array().into_iter().flatten())
        {
            assert!(
                l["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap()
                    >= 1
            );
            let uri = l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(!uri.is_empty() && !uri.starts_with('/'), "{uri}");
        }
    }
    let id = run["automationDetails"]["id"].as_str().unwrap();
    assert!(id.starts_with("cargo-sdl/") && id.ends_with('/'), "{id}");
}

#[test]
fn sarif_matches_the_sarif_2_1_0_schema_and_what_github_needs() {
    let (report, catalog) = sample();
    let (real, real_catalog, _dir) = real_report();
    for sarif in [
        parse(&render_sarif(&report, &catalog).unwrap()),
        parse(&render_sarif(&real, &real_catalog).unwrap()),
    ] {
        let errs = sarif_schema().errors(&sarif);
        assert!(errs.is_empty(), "{errs:#?}");
        github_accepts(&sarif);
    }
    // The real report of a bare workspace: its findings about the history or packages point
    // at Cargo.toml or Cargo.lock from line 1.
    let sarif = parse(&render_sarif(&real, &real_catalog).unwrap());
    assert_eq!(
        sarif["runs"][0]["automationDetails"]["id"],
        "cargo-sdl/demo/"
    );
}

#[test]
fn the_sarif_subset_schema_rejects_what_the_standard_rejects() {
    let (report, catalog) = sample();
    let good = parse(&render_sarif(&report, &catalog).unwrap());
    let v = sarif_schema();
    let mutate = |f: &dyn Fn(&mut Value)| {
        let mut x = good.clone();
        f(&mut x);
        v.errors(&x)
    };
    let cases: BTreeMap<&str, Vec<String>> = BTreeMap::from([
        (
            "line 0",
            mutate(&|x| {
                x["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                    0.into()
            }),
        ),
        (
            "level",
            mutate(&|x| x["runs"][0]["results"][0]["level"] = "info".into()),
        ),
        (
            "message string",
            mutate(&|x| x["runs"][0]["results"][0]["message"] = "text".into()),
        ),
        (
            "no message",
            mutate(&|x| {
                x["runs"][0]["results"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("message");
            }),
        ),
        (
            "suppression kind",
            mutate(&|x| {
                x["runs"][0]["results"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .for_each(|r| r["suppressions"] = serde_json::json!([{"kind": "waiver"}]))
            }),
        ),
        (
            "unknown field",
            mutate(&|x| x["runs"][0]["tool"]["driver"]["surprise"] = true.into()),
        ),
        ("version", mutate(&|x| x["version"] = "2.0.0".into())),
    ]);
    for (what, errs) in &cases {
        assert!(!errs.is_empty(), "{what} should be rejected");
    }
}

/// Two runs that differ in everything volatile (time, tool version, messages with counts and
/// commit ids, lines, levels, unknown becoming a failure, evidence added, so that the primary
/// location moves) give the same fingerprints; another rule or another product gives another.
#[test]
fn sarif_fingerprints_survive_volatile_changes() {
    let (report, catalog) = sample();
    let mut later = report.clone();
    later.generated_at = "2027-03-01T08:00:00Z".into();
    later.tool.version = "9.9.9".into();
    for f in &mut later.findings {
        f.message = format!("{} (now 17 of 42, at commit {})", f.message, "f".repeat(40));
        f.level = Level::Deny;
        if f.outcome == Outcome::Unknown {
            f.outcome = Outcome::Fail;
        }
        for e in &mut f.evidence {
            match e {
                EvidenceRef::File { line, sha256, .. } => {
                    *line = line.map(|l| l + 40);
                    *sha256 = sha('9');
                }
                EvidenceRef::Commit { id } => *id = "e".repeat(40),
                _ => {}
            }
        }
        f.evidence.push(EvidenceRef::File {
            path: "docs/another.md".into(),
            sha256: sha('8'),
            line: Some(3),
        });
    }
    let fingerprints = |r: &Report| -> BTreeMap<String, Value> {
        parse(&render_sarif(r, &catalog).unwrap())["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["ruleId"].as_str().unwrap().to_string(),
                    x["partialFingerprints"].clone(),
                )
            })
            .collect()
    };
    let before = fingerprints(&report);
    let after = fingerprints(&later);
    assert_eq!(before.len(), 4);
    for (rule, fp) in &before {
        assert_eq!(after.get(rule), Some(fp), "{rule}");
    }
    let all: BTreeSet<String> = before.values().map(Value::to_string).collect();
    assert_eq!(all.len(), before.len(), "one fingerprint per rule");
    // Another product in the same repository: other alerts.
    let mut other = report.clone();
    other.product.name = "another product".into();
    let elsewhere = fingerprints(&other);
    for (rule, fp) in &before {
        assert_ne!(elsewhere.get(rule), Some(fp), "{rule}");
    }
}

// ---------------------------------------------------------------------------------------------
// OSCAL

fn uuid_re() -> regex::Regex {
    regex::Regex::new(r"^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        .unwrap()
}

fn collect_uuids(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "uuid" {
                    out.push(x.as_str().unwrap().to_string());
                }
                collect_uuids(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_uuids(x, out)),
        _ => {}
    }
}

#[test]
fn oscal_has_a_finding_per_requirement_and_observations_with_expiry() {
    let (report, catalog) = sample();
    let doc = parse(&render_oscal(&report, &catalog).unwrap());
    let ar = &doc["assessment-results"];
    let md = &ar["metadata"];
    assert_eq!(md["oscal-version"], "1.1.2");
    assert_eq!(md["last-modified"], NOW);
    assert_eq!(md["version"], "0.3.0");
    assert!(md["title"].as_str().unwrap().contains("demo"));

    // import-ap points at the documented placeholder in back-matter.
    let href = ar["import-ap"]["href"].as_str().unwrap();
    let resources = ar["back-matter"]["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 1);
    assert_eq!(href, format!("#{}", resources[0]["uuid"].as_str().unwrap()));

    let results = ar["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let result = &results[0];
    assert_eq!(result["start"], NOW);
    let selected = result["reviewed-controls"]["control-selections"][0]["include-controls"]
        .as_array()
        .unwrap();
    assert_eq!(selected.len(), catalog.requirements.len());
    assert_eq!(
        selected[0]["control-id"],
        catalog.requirements[0].id.to_lowercase()
    );

    let observations = result["observations"].as_array().unwrap();
    assert_eq!(
        observations.len(),
        report.findings.len() + 2,
        "one per finding and one per attestation"
    );
    let obs_uuids: BTreeSet<&str> = observations
        .iter()
        .map(|o| o["uuid"].as_str().unwrap())
        .collect();
    let generated = cargo_sdl::timefmt::parse(NOW).unwrap();
    for (o, f) in observations.iter().zip(&report.findings) {
        assert_eq!(o["methods"], serde_json::json!(["TEST"]));
        assert_eq!(o["types"], serde_json::json!(["control-objective"]));
        assert_eq!(o["collected"], NOW);
        let days = report
            .requirements
            .iter()
            .filter(|r| f.requirements.contains(&r.id))
            .filter_map(|r| r.review_period_days)
            .min()
            .unwrap_or(DEFAULT_EXPIRY_DAYS);
        let want = cargo_sdl::timefmt::rfc3339(generated + time::Duration::days(days.into()));
        assert_eq!(o["expires"], want.as_str(), "{}", f.rule);
        assert_eq!(
            o["relevant-evidence"].as_array().map_or(0, |a| a.len()),
            f.evidence.len()
        );
    }
    let first = &observations[report
        .findings
        .iter()
        .position(|f| f.rule == catalog.rules[0].id)
        .unwrap()];
    let evidence = first["relevant-evidence"].as_array().unwrap();
    assert_eq!(evidence[0]["href"], "documents/src/main.rs");
    assert_eq!(
        evidence[0]["description"],
        format!("file src/main.rs line 12 (sha256 {})", sha('1'))
    );
    assert_eq!(evidence[1]["href"], "documents/docs/threat%20model.md");
    assert_eq!(
        evidence[1]["description"],
        format!("file docs/threat model.md (sha256 {})", sha('2'))
    );
    assert!(evidence[2].get("href").is_none());
    assert_eq!(evidence[2]["description"], format!("commit {COMMIT}"));

    let attested = &observations[report.findings.len()];
    assert_eq!(attested["methods"], serde_json::json!(["EXAMINE"]));
    assert_eq!(attested["expires"], "2027-01-01T23:59:59Z");
    assert_eq!(
        attested["relevant-evidence"][0]["href"],
        "documents/sdl/attestations/sm-1.toml"
    );
    let expired = &observations[report.findings.len() + 1];
    assert_eq!(expired["expires"], "2026-06-30T23:59:59Z");

    let findings = result["findings"].as_array().unwrap();
    assert_eq!(findings.len(), catalog.requirements.len());
    for (finding, r) in findings.iter().zip(&report.requirements) {
        let target = &finding["target"];
        assert_eq!(target["type"], "objective-id");
        assert_eq!(target["target-id"], r.id.to_lowercase());
        let want = match r.status {
            Status::Satisfied | Status::NotApplicable => "satisfied",
            _ => "not-satisfied",
        };
        assert_eq!(target["status"]["state"], want, "{}", r.id);
        assert_eq!(target["status"]["reason"], r.status.as_str());
        let related: Vec<&str> = finding["related-observations"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|x| x["observation-uuid"].as_str().unwrap())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            related.len(),
            r.findings.len() + r.attestations.len() + r.expired_attestations.len(),
            "{}",
            r.id
        );
        if related.is_empty() {
            assert_eq!(
                finding["remarks"],
                cargo_sdl::render::oscal::NO_OBSERVATION,
                "a finding without observations says why: {}",
                r.id
            );
        }
        for u in related {
            assert!(
                obs_uuids.contains(u),
                "{} relates to an unknown observation",
                r.id
            );
        }
    }

    let mut uuids = Vec::new();
    collect_uuids(&doc, &mut uuids);
    let re = uuid_re();
    for u in &uuids {
        assert!(re.is_match(u), "{u}");
    }
    let unique: BTreeSet<&String> = uuids.iter().collect();
    assert_eq!(unique.len(), uuids.len(), "UUIDs are unique");
}

/// Every string under a key named `key`, anywhere in `v`.
fn strings_under<'a>(v: &'a Value, key: &str, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == key
                    && let Some(s) = x.as_str()
                {
                    out.push(s);
                }
                strings_under(x, key, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| strings_under(x, key, out)),
        _ => {}
    }
}

#[test]
fn oscal_markup_fields_keep_hostile_text_inert() {
    let (report, catalog) = sample();
    let doc = parse(&render_oscal(&report, &catalog).unwrap());
    let mut markup = Vec::new();
    for key in ["title", "description", "remarks"] {
        strings_under(&doc, key, &mut markup);
    }
    let hostile: Vec<&&str> = markup.iter().filter(|s| s.contains("alert")).collect();
    assert!(
        hostile.len() >= 10,
        "messages, reasons, statements and the product name are all there: {}",
        hostile.len()
    );
    for s in hostile {
        for raw in ["<script", "<img", "](javascript:", "[x]"] {
            assert!(!s.contains(raw), "`{raw}` unescaped in {s}");
        }
        assert!(
            !s.contains('\n'),
            "a newline could start a Markdown block: {s}"
        );
    }
}

/// Markdown escaping is for OSCAL's markup fields only: strings and tokens stay as written.
#[test]
fn oscal_escapes_text_by_field_type() {
    let (mut report, catalog) = sample();
    let odd = "O'Brien_[ops] *lead* <x> 1.0";
    report.evidence.human.attestations[1].approver = format!("  {odd}\n");
    let doc = parse(&render_oscal(&report, &catalog).unwrap());
    let ar = &doc["assessment-results"];
    // markup-line: readable, with only what would become markup escaped.
    let title = ar["metadata"]["title"].as_str().unwrap();
    assert!(title.ends_with(" 0.3.0"), "{title}");
    assert!(
        title.contains("&lt;img") && title.contains("\\[x\\]"),
        "{title}"
    );
    let first_finding = &ar["results"][0]["findings"][0];
    let id = &report.requirements[0].id;
    assert!(
        first_finding["title"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{id} ")),
        "{first_finding}"
    );
    // Plain strings: never a backslash escape or an entity.
    let mut plain = Vec::new();
    for key in [
        "value",
        "name",
        "version",
        "control-id",
        "target-id",
        "state",
        "reason",
        "role-id",
        "type",
    ] {
        strings_under(&doc, key, &mut plain);
    }
    assert!(plain.contains(&"cargo-sdl 0.1.0"));
    assert!(plain.contains(&"Ada Lovelace"));
    assert!(plain.contains(&odd), "a party's name is a plain string");
    for p in &plain {
        assert!(!p.contains("\\[") && !p.contains("&lt;"), "escaped: {p}");
        assert!(
            !p.contains('\n') && p.trim() == *p && !p.is_empty(),
            "{p:?}"
        );
    }
    // In markup the same name is escaped.
    let observations = ar["results"][0]["observations"].as_array().unwrap();
    let expired = observations.last().unwrap()["description"]
        .as_str()
        .unwrap();
    assert!(
        expired.contains("O'Brien\\_\\[ops\\] \\*lead\\* &lt;x> 1.0"),
        "{expired}"
    );
    // Props carry the tailoring and the product's own name raw, on one line.
    let ids = strings_under_all(&doc, "control-id");
    assert!(ids.iter().all(|i| {
        i.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }));
}

fn strings_under_all<'a>(v: &'a Value, key: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    strings_under(v, key, &mut out);
    out
}

/// Attesters and approvers are parties with stable UUIDs; attestation observations name them
/// as actors in roles the metadata defines.
#[test]
fn oscal_attestations_name_their_attester_and_approver_as_parties() {
    let (report, catalog) = sample();
    let doc = parse(&render_oscal(&report, &catalog).unwrap());
    let md = &doc["assessment-results"]["metadata"];
    let parties: BTreeMap<&str, &str> = md["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p["type"], "person");
            (p["name"].as_str().unwrap(), p["uuid"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        parties.keys().copied().collect::<Vec<_>>(),
        ["Ada Lovelace", "Grace Hopper"]
    );
    let roles: BTreeSet<&str> = md["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let observations = doc["assessment-results"]["results"][0]["observations"]
        .as_array()
        .unwrap();
    let attested: Vec<&Value> = observations
        .iter()
        .filter(|o| o["methods"] == serde_json::json!(["EXAMINE"]))
        .collect();
    assert_eq!(attested.len(), 2);
    for o in attested {
        let actors = o["origins"][0]["actors"].as_array().unwrap();
        let named: Vec<(&str, &str)> = actors
            .iter()
            .map(|a| {
                assert_eq!(a["type"], "party");
                assert!(roles.contains(a["role-id"].as_str().unwrap()), "{a}");
                (
                    a["role-id"].as_str().unwrap(),
                    a["actor-uuid"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            named,
            [
                ("attester", parties["Ada Lovelace"]),
                ("approver", parties["Grace Hopper"])
            ]
        );
    }
    // Another run: other observation UUIDs, the same people.
    let mut later = report.clone();
    later.generated_at = "2026-12-01T00:00:00Z".into();
    let again = parse(&render_oscal(&later, &catalog).unwrap());
    assert_eq!(
        again["assessment-results"]["metadata"]["parties"],
        md["parties"]
    );
    assert_ne!(
        again["assessment-results"]["results"][0]["observations"][0]["uuid"],
        observations[0]["uuid"]
    );
    // No attestation, no party and no roles.
    let (real, real_catalog, _dir) = real_report();
    let plain = parse(&render_oscal(&real, &real_catalog).unwrap());
    assert!(
        plain["assessment-results"]["metadata"]
            .get("parties")
            .is_none()
    );
    assert!(
        plain["assessment-results"]["metadata"]
            .get("roles")
            .is_none()
    );
}

/// import-ap resolves as compliance-trestle resolves a `#uuid` import: to the back-matter
/// resource's first rlink ending in `.json`, here the report beside the file, with its hash.
#[test]
fn oscal_import_ap_resolves_to_the_report_with_its_digest() {
    let (report, catalog) = sample();
    let doc = parse(&render_oscal(&report, &catalog).unwrap());
    let ar = &doc["assessment-results"];
    let href = ar["import-ap"]["href"].as_str().unwrap();
    let uuid = href.strip_prefix('#').unwrap();
    let resource = ar["back-matter"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["uuid"] == uuid)
        .unwrap();
    let rlink = resource["rlinks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["href"].as_str().unwrap().ends_with(".json"))
        .unwrap();
    assert_eq!(rlink["href"], "report.json");
    assert_eq!(rlink["media-type"], "application/json");
    assert_eq!(rlink["hashes"][0]["algorithm"], "SHA-256");
    let json = cargo_sdl::render::json::render(&report).unwrap();
    assert_eq!(
        rlink["hashes"][0]["value"],
        cargo_sdl::digest::sha256_hex(json.as_bytes())
    );
    assert_eq!(resource["props"][0]["name"], "type");
    assert_eq!(resource["props"][0]["value"], "plan");
    // Every finding relates to an observation or says why it cannot.
    let findings = ar["results"][0]["findings"].as_array().unwrap();
    let without: Vec<&Value> = findings
        .iter()
        .filter(|f| f.get("related-observations").is_none())
        .collect();
    assert!(
        !without.is_empty(),
        "the catalogue has attestation-only requirements"
    );
    for f in without {
        assert_eq!(f["remarks"], cargo_sdl::render::oscal::NO_OBSERVATION);
    }
}

#[test]
fn oscal_of_a_real_report_has_47_findings() {
    let (report, catalog, _dir) = real_report();
    let doc = parse(&render_oscal(&report, &catalog).unwrap());
    let result = &doc["assessment-results"]["results"][0];
    assert_eq!(result["findings"].as_array().unwrap().len(), 47);
    assert_eq!(
        result["observations"].as_array().unwrap().len(),
        report.findings.len()
    );
}

#[test]
fn oscal_refuses_a_report_whose_time_is_not_a_time() {
    let (mut report, catalog) = sample();
    report.generated_at = "yesterday".into();
    let err = render_oscal(&report, &catalog).unwrap_err().to_string();
    assert!(err.contains("generated_at"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Crosswalk CSV

/// An RFC 4180 reader, enough to check what a spreadsheet would see.
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
        } else {
            match c {
                '"' => quoted = true,
                ',' => row.push(std::mem::take(&mut field)),
                '\n' => {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                c => field.push(c),
            }
        }
    }
    assert!(
        !quoted && field.is_empty() && row.is_empty(),
        "ends with a line end"
    );
    rows
}

#[test]
fn crosswalk_has_a_row_per_requirement_and_round_trips_hostile_fields() {
    let (report, catalog) = sample();
    let csv = render_crosswalk_csv(&report, &catalog);
    assert!(csv.starts_with(
        "requirement,practice,title,status,maturity_level,ssdf,cra,decided_by,ssdf_judgement\n"
    ));
    assert!(!csv.contains("\r\n"), "LF line ends");
    let rows = read_csv(&csv);
    assert_eq!(rows[0], HEADER);
    assert_eq!(rows.len(), 1 + report.requirements.len());
    for (row, r) in rows[1..].iter().zip(&report.requirements) {
        assert_eq!(row.len(), 9);
        assert_eq!(row[0], r.id);
        assert_eq!(row[1], r.practice);
        assert_eq!(row[3], r.status.as_str());
        assert_eq!(
            row[4],
            r.maturity
                .as_ref()
                .map(|m| m.level.to_string())
                .unwrap_or_default()
        );
        assert_eq!(row[5], r.ssdf.join("; "));
        assert_eq!(row[6], r.cra.join("; "));
    }
    let first = &rows[1];
    assert_eq!(
        first[2], report.requirements[0].title,
        "quotes, comma and newline survive"
    );
    assert_eq!(
        first[7],
        format!("'{FORMULA}; sdl/attestations/sm-1.toml"),
        "a formula is neutralised"
    );
    let na = report
        .requirements
        .iter()
        .position(|r| r.status == Status::NotApplicable)
        .unwrap();
    assert_eq!(rows[1 + na][4], "", "scoped out: no maturity");
}

#[test]
fn crosswalk_of_a_real_report_has_47_data_lines() {
    let (report, catalog, _dir) = real_report();
    let csv = render_crosswalk_csv(&report, &catalog);
    assert_eq!(csv.lines().count(), 48);
    let rows = read_csv(&csv);
    assert_eq!(rows.len(), 48);
    let ids: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids[0], "SM-1");
    assert_eq!(ids[46], "SG-7");
    assert!(
        rows[1..].iter().all(|r| !r[5].is_empty()),
        "every requirement has SSDF ids"
    );
    // The last column names the SSDF ids that are our judgement rather than NIST's.
    let row = |id: &str| rows.iter().find(|r| r[0] == id).unwrap();
    assert_eq!(row("SM-1")[8], "PO.1.1; PO.3.2; PS.1.1");
    assert_eq!(row("SM-9")[5], "PO.1.1; PO.1.3; PW.4.1; PW.4.4; PS.3.2");
    assert_eq!(row("SM-9")[8], "PS.3.2");
    assert_eq!(row("SI-1")[8], "");
}

// ---------------------------------------------------------------------------------------------
// Determinism

#[test]
fn exports_are_deterministic_and_depend_only_on_the_report() {
    let (report, catalog) = sample();
    let again: Report = serde_json::from_str(&serde_json::to_string(&report).unwrap()).unwrap();
    assert_eq!(
        render_sarif(&report, &catalog).unwrap(),
        render_sarif(&again, &catalog).unwrap()
    );
    assert_eq!(
        render_oscal(&report, &catalog).unwrap(),
        render_oscal(&again, &catalog).unwrap()
    );
    assert_eq!(
        render_crosswalk_csv(&report, &catalog),
        render_crosswalk_csv(&again, &catalog)
    );
    assert_eq!(
        cargo_sdl::render::markdown::render(&report),
        cargo_sdl::render::markdown::render(&again)
    );
    // Another point in time is another assessment: other OSCAL UUIDs, same SARIF fingerprints.
    let mut later = report.clone();
    later.generated_at = "2026-11-26T12:00:00Z".into();
    let a = parse(&render_oscal(&report, &catalog).unwrap());
    let b = parse(&render_oscal(&later, &catalog).unwrap());
    assert_ne!(
        a["assessment-results"]["uuid"],
        b["assessment-results"]["uuid"]
    );
    let fp = |r: &Report| {
        parse(&render_sarif(r, &catalog).unwrap())["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["partialFingerprints"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(fp(&report), fp(&later));
}

// ---------------------------------------------------------------------------------------------
// Markdown escaping

#[test]
fn markdown_escapes_every_repository_sourced_field() {
    let (mut report, _catalog) = sample();
    report.findings[0].evidence.push(EvidenceRef::File {
        path: format!("docs/{HOSTILE}.md"),
        sha256: sha('4'),
        line: Some(3),
    });
    let md = cargo_sdl::render::markdown::render(&report);
    for raw in [
        "<script",
        "<img",
        "](javascript:",
        "[x](",
        "onerror=alert(1)>",
        "\"q\"",
    ] {
        assert!(!md.contains(raw), "`{raw}` appears unescaped:\n{md}");
    }
    assert!(md.contains("&lt;script&gt;"), "HTML is encoded");
    assert!(
        md.contains("\\[x\\]\\(javascript:alert\\(1\\)\\)"),
        "links are escaped"
    );
    // The product name stays on the heading line.
    let heading = md.lines().next().unwrap();
    assert!(heading.starts_with("# IEC 62443-4-1 self-assessment: demo "));
    assert!(
        heading.contains("&lt;img src=x onerror=alert\\(1\\)&gt;"),
        "{heading}"
    );
    // Newlines in titles and reasons cannot break the table: one line per requirement.
    let table_rows = md
        .lines()
        .skip_while(|l| !l.starts_with("| Requirement"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .count();
    assert_eq!(table_rows, report.requirements.len());
    // Each finding and each of its evidence references is one line.
    let evidence_lines = md.lines().filter(|l| l.starts_with("  - ")).count();
    let evidence_count: usize = report.findings.iter().map(|f| f.evidence.len()).sum();
    assert_eq!(evidence_lines, evidence_count);
    assert!(
        md.contains("file docs/\\\"&gt;&lt;img"),
        "evidence paths are escaped"
    );
}

// ---------------------------------------------------------------------------------------------
// The SBOM against the CycloneDX 1.5 subset schema

/// Every kind of package (members, registries, git, paths, licence files, build metadata,
/// dev-only) and every kind of advisory decision.
fn sbom_sample() -> Vec<u8> {
    use cargo_sdl::eval::{WaiverState, WaiverStatus};
    use cargo_sdl::facts::cargo::{
        AdvisoryFacts, AdvisoryKind, AdvisoryMatch, CargoFacts, DependencyEdge, DependencyKind,
        PackageFact, PackageSource,
    };
    let pkg = |name: &str, version: &str, source: PackageSource| PackageFact {
        name: name.into(),
        version: version.into(),
        source,
        member: false,
        license: Some("MIT OR Apache-2.0".into()),
        license_file: None,
        checksum: None,
        dependencies: vec![],
    };
    let edge = |name: &str, version: &str, kind: DependencyKind| DependencyEdge {
        name: name.into(),
        version: version.into(),
        kinds: vec![kind],
    };
    let mut app = pkg(
        "app",
        "1.0.0",
        PackageSource::Path {
            path: Some(".".into()),
            inside_workspace: Some(true),
        },
    );
    app.member = true;
    app.license = Some("MIT".into());
    app.dependencies = vec![
        edge("curl-sys", "0.4.90+curl-8.21.0", DependencyKind::Normal),
        edge("forked", "1.0.0", DependencyKind::Normal),
        edge("internal", "2.0.0", DependencyKind::Build),
        edge("util", "0.1.0", DependencyKind::Normal),
        edge("tester", "1.0.0", DependencyKind::Dev),
    ];
    let mut util = pkg(
        "util",
        "0.1.0",
        PackageSource::Path {
            path: Some("crates/util".into()),
            inside_workspace: Some(true),
        },
    );
    util.member = true;
    util.license = None;
    util.license_file = Some("LICENSE".into());
    let mut curl = pkg("curl-sys", "0.4.90+curl-8.21.0", PackageSource::CratesIo);
    curl.checksum = Some("1b".repeat(32));
    let mut forked_registry = pkg("forked", "1.0.0", PackageSource::CratesIo);
    forked_registry.checksum = Some("2c".repeat(32));
    let forked_git = pkg(
        "forked",
        "1.0.0",
        PackageSource::Git {
            url: "https://example.org/forked.git".into(),
            rev: Some("0123456789abcdef0123456789abcdef01234567".into()),
        },
    );
    let mut internal = pkg(
        "internal",
        "2.0.0",
        PackageSource::Registry {
            url: "https://registry.example.org/index/".into(),
        },
    );
    internal.checksum = Some("3d".repeat(32));
    internal.license = None;
    let outside = pkg(
        "vendored",
        "0.1.0",
        PackageSource::Path {
            path: Some("/home/someone/vendored".into()),
            inside_workspace: Some(false),
        },
    );
    let mut tester = pkg("tester", "1.0.0", PackageSource::CratesIo);
    tester.checksum = Some("4e".repeat(32));
    let mut packages = vec![
        app,
        util,
        curl,
        forked_registry,
        forked_git,
        internal,
        outside,
        tester,
    ];
    packages.sort();
    let facts = CargoFacts {
        members: vec!["app 1.0.0".into(), "util 0.1.0".into()],
        packages,
        ..CargoFacts::default()
    };
    let advisory = |kind, id: &str, package: &str, version: &str| AdvisoryMatch {
        kind,
        id: id.into(),
        package: package.into(),
        version: version.into(),
        title: format!("{package}: {HOSTILE}"),
        date: "2026-01-10".into(),
        cvss: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into()),
        cvss_score: Some(9.8),
        patched: vec![">=1.1.0".into()],
        aliases: vec![format!("CVE-2026-{}", &id[13..])],
    };
    let advisories = AdvisoryFacts {
        database: Default::default(),
        lockfile: FileRef {
            path: "Cargo.lock".into(),
            sha256: sha('c'),
        },
        scanned: 4,
        not_covered: vec!["forked 1.0.0".into()],
        matches: vec![
            advisory(
                AdvisoryKind::Vulnerability,
                "RUSTSEC-2026-0001",
                "curl-sys",
                "0.4.90+curl-8.21.0",
            ),
            advisory(
                AdvisoryKind::Vulnerability,
                "RUSTSEC-2026-0002",
                "forked",
                "1.0.0",
            ),
            advisory(
                AdvisoryKind::Unmaintained,
                "RUSTSEC-2026-0003",
                "tester",
                "1.0.0",
            ),
            advisory(AdvisoryKind::Notice, "RUSTSEC-2026-0004", "tester", "1.0.0"),
        ],
        history: Default::default(),
    };
    let waiver = |id: &str, reason: &str, state| WaiverStatus {
        waiver: Waiver {
            id: id.into(),
            reason: reason.into(),
            owner: "Grace Hopper".into(),
            expires: "2027-01-01".into(),
            expires_on: None,
        },
        state,
        why: None,
    };
    let waivers = vec![
        waiver(
            "CVE-2026-0001",
            &format!("code_not_reachable: {HOSTILE}"),
            WaiverState::Used,
        ),
        waiver("RUSTSEC-2026-0002", "later", WaiverState::Expired),
        waiver(
            "RUSTSEC-2026-0003",
            "replacement planned",
            WaiverState::Invalid,
        ),
    ];
    let input = cargo_sdl::sbom::VulnerabilityInput {
        advisories: &advisories,
        waivers: &waivers,
    };
    let product = Product {
        name: "app".into(),
        version: "1.0.0".into(),
        description: Some(format!("description {HOSTILE}")),
        security_level: None,
    };
    let now = cargo_sdl::timefmt::parse(NOW).unwrap();
    cargo_sdl::sbom::generate_sbom(&facts, &product, now, Some(input)).unwrap()
}

fn cyclonedx() -> Validator {
    schema_validator("tests/fixtures/schemas/cyclonedx-1.5-subset.schema.json")
}

#[test]
fn the_sbom_matches_the_cyclonedx_1_5_schema_and_its_references_resolve() {
    let bytes = sbom_sample();
    assert_eq!(bytes, sbom_sample(), "the same input gives the same bytes");
    let doc: Value = serde_json::from_slice(&bytes).unwrap();
    let errs = cyclonedx().errors(&doc);
    assert!(errs.is_empty(), "{errs:#?}");
    // The crate's own validation of the same document.
    let bom = cyclonedx_bom::models::bom::Bom::parse_from_json(&bytes[..]).unwrap();
    use cyclonedx_bom::validation::Validate;
    assert!(
        bom.validate_version(cyclonedx_bom::models::bom::SpecVersion::V1_5)
            .passed()
    );

    let mut refs = Vec::new();
    strings_under(&doc, "bom-ref", &mut refs);
    let unique: BTreeSet<&str> = refs.iter().copied().collect();
    assert_eq!(unique.len(), refs.len(), "bom-refs are unique: {refs:?}");
    for d in doc["dependencies"].as_array().unwrap() {
        assert!(unique.contains(d["ref"].as_str().unwrap()), "{d}");
        for t in d["dependsOn"].as_array().into_iter().flatten() {
            assert!(unique.contains(t.as_str().unwrap()), "{t}");
        }
    }
    let vulns = doc["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulns.len(), 4);
    for v in vulns {
        for a in v["affects"].as_array().unwrap() {
            assert!(unique.contains(a["ref"].as_str().unwrap()), "{a}");
        }
    }
    let mut purls = Vec::new();
    strings_under(&doc, "purl", &mut purls);
    for p in &purls {
        assert!(
            p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-_~:%/@?=&".contains(&b)),
            "{p}"
        );
    }
    assert!(purls.contains(&"pkg:cargo/curl-sys@0.4.90%2Bcurl-8.21.0"));

    // Members are marked, the outside path is not named, the git fork has no registry hash.
    let component = |name: &str, purl_start: &str| {
        doc["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name && c["purl"].as_str().unwrap().starts_with(purl_start))
            .unwrap_or_else(|| panic!("{name} {purl_start}"))
            .clone()
    };
    let util = component("util", "pkg:cargo/util");
    assert!(
        util["properties"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "cargo-sdl:workspace-member" && p["value"] == "true")
    );
    assert_eq!(
        component("vendored", "pkg:cargo/vendored")["purl"],
        "pkg:cargo/vendored@0.1.0"
    );
    assert!(
        component("forked", "pkg:cargo/forked@1.0.0?vcs_url")
            .get("hashes")
            .is_none()
    );
    assert_eq!(component("tester", "pkg:cargo/tester")["scope"], "excluded");
    assert!(!String::from_utf8_lossy(&bytes).contains("/home/someone"));
}

#[test]
fn the_cyclonedx_subset_schema_rejects_what_the_specification_rejects() {
    let good: Value = serde_json::from_slice(&sbom_sample()).unwrap();
    let v = cyclonedx();
    let mutate = |f: &dyn Fn(&mut Value)| {
        let mut x = good.clone();
        f(&mut x);
        v.errors(&x)
    };
    let cases: BTreeMap<&str, Vec<String>> = BTreeMap::from([
        (
            // What cyclonedx-bom 0.8.1 writes unless corrected.
            "responses",
            mutate(&|x| {
                let a = &mut x["vulnerabilities"][1]["analysis"];
                a["responses"] = a["response"].take();
                a.as_object_mut().unwrap().remove("response");
            }),
        ),
        (
            "hash label",
            mutate(&|x| x["components"][0]["hashes"][0]["alg"] = "SHA256".into()),
        ),
        (
            "hash length",
            mutate(&|x| x["components"][0]["hashes"][0]["content"] = "abc".into()),
        ),
        (
            "state",
            mutate(&|x| x["vulnerabilities"][0]["analysis"]["state"] = "waived".into()),
        ),
        (
            "serial",
            mutate(&|x| x["serialNumber"] = "urn:uuid:not-one".into()),
        ),
        (
            "licence choice",
            mutate(&|x| {
                x["components"][0]["licenses"] =
                    serde_json::json!([{"expression": "MIT", "license": {"id": "MIT"}}])
            }),
        ),
        (
            "duplicate affects",
            mutate(&|x| {
                let a = x["vulnerabilities"][0]["affects"][0].clone();
                x["vulnerabilities"][0]["affects"]
                    .as_array_mut()
                    .unwrap()
                    .push(a);
            }),
        ),
    ]);
    for (what, errs) in &cases {
        assert!(!errs.is_empty(), "{what} should be rejected");
    }
}

// ---------------------------------------------------------------------------------------------
// report.json against schema/report.schema.json

fn validator() -> Validator {
    schema_validator("schema/report.schema.json")
}

#[test]
fn a_real_report_matches_the_schema() {
    let (report, _catalog, _dir) = real_report();
    let json = parse(&cargo_sdl::render::json::render(&report).unwrap());
    let errs = validator().errors(&json);
    assert!(errs.is_empty(), "{errs:#?}");
}

#[test]
fn the_hand_built_report_with_every_evidence_kind_matches_the_schema() {
    let (mut report, _catalog) = sample();
    report.findings[0].evidence.extend([
        EvidenceRef::Tag {
            name: "v0.3.0".into(),
            target: COMMIT.into(),
        },
        EvidenceRef::Advisory {
            id: "RUSTSEC-2026-0001".into(),
        },
        EvidenceRef::Sbom {
            path: "sbom.cdx.json".into(),
            bom_ref: Some("pkg:cargo/serde@1.0.0".into()),
        },
    ]);
    let json = serde_json::to_value(&report).unwrap();
    let errs = validator().errors(&json);
    assert!(errs.is_empty(), "{errs:#?}");
}

#[test]
fn the_schema_rejects_what_breaks_the_contract_and_leaves_evidence_open() {
    let (report, _catalog) = sample();
    let good = serde_json::to_value(&report).unwrap();
    let v = validator();
    let mutate = |f: &dyn Fn(&mut Value)| {
        let mut x = good.clone();
        f(&mut x);
        v.errors(&x)
    };
    let cases: BTreeMap<&str, Vec<String>> = BTreeMap::from([
        (
            "status",
            mutate(&|x| x["requirements"][0]["status"] = "great".into()),
        ),
        (
            "outcome",
            mutate(&|x| x["findings"][0]["outcome"] = "maybe".into()),
        ),
        (
            "level",
            mutate(&|x| x["findings"][0]["level"] = "error".into()),
        ),
        (
            "missing tool",
            mutate(&|x| {
                x.as_object_mut().unwrap().remove("tool");
            }),
        ),
        ("extra top-level", mutate(&|x| x["surprise"] = true.into())),
        (
            "schema_version",
            mutate(&|x| x["schema_version"] = 2.into()),
        ),
        (
            "maturity",
            mutate(&|x| x["practices"][0]["maturity"]["level"] = 5.into()),
        ),
        (
            "evidence kind",
            mutate(&|x| x["findings"][0]["evidence"][0]["kind"] = "rumour".into()),
        ),
        (
            "collector state",
            mutate(&|x| x["evidence"]["git"]["state"] = "maybe".into()),
        ),
        ("time", mutate(&|x| x["generated_at"] = "tomorrow".into())),
    ]);
    for (what, errs) in &cases {
        assert!(!errs.is_empty(), "{what} should be rejected");
    }
    // Facts may grow inside `evidence` without a schema change.
    let grown = mutate(&|x| {
        x["evidence"]["files"]["value"]["new_fact"] = "x".into();
        x["evidence"]["new_collector"] = serde_json::json!({"state": "absent", "reason": "new"});
    });
    assert!(grown.is_empty(), "{grown:#?}");
}
