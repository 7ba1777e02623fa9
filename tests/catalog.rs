//! Meta-tests that keep the catalogue honest: the 47 requirements of IEC 62443-4-1, no empty
//! prose, every rule implemented and every implementation declared, well-formed crosswalks.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use cargo_sdl::catalog::{self, Catalog, PRACTICES};

fn catalog() -> Catalog {
    Catalog::embedded(&cargo_sdl::eval::rules::builtin_ids()).expect("the embedded catalogue loads")
}

#[test]
fn exactly_the_47_requirements_in_their_practices() {
    let cat = catalog();
    let want: BTreeMap<&str, usize> = [
        ("SM", 13),
        ("SR", 5),
        ("SD", 4),
        ("SI", 2),
        ("SVV", 5),
        ("DM", 6),
        ("SUM", 5),
        ("SG", 7),
    ]
    .into_iter()
    .collect();
    let mut got: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &cat.requirements {
        *got.entry(r.practice.as_str()).or_default() += 1;
    }
    assert_eq!(got, want);
    let ids: BTreeSet<&str> = cat.requirements.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), 47, "requirement ids are unique");
    for (practice, n) in &want {
        for i in 1..=*n {
            let id = format!("{practice}-{i}");
            assert!(ids.contains(id.as_str()), "{id} is missing");
        }
    }
    let practice_ids: Vec<&str> = cat.practices.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(practice_ids, PRACTICES, "practices in the standard's order");
}

#[test]
fn requirements_are_in_catalogue_order() {
    let cat = catalog();
    assert_eq!(
        cat.requirements.first().map(|r| r.id.as_str()),
        Some("SM-1")
    );
    assert_eq!(
        cat.requirements.get(9).map(|r| r.id.as_str()),
        Some("SM-10")
    );
    assert_eq!(cat.requirements.last().map(|r| r.id.as_str()), Some("SG-7"));
}

#[test]
fn no_empty_prose() {
    let cat = catalog();
    for p in &cat.practices {
        assert!(
            !p.name.trim().is_empty() && p.summary.trim().len() > 20,
            "{}",
            p.id
        );
    }
    for r in &cat.requirements {
        for (field, text) in [
            ("title", &r.title),
            ("summary", &r.summary),
            ("automated", &r.automated),
            ("attestation", &r.attestation),
        ] {
            assert!(text.trim().len() >= 3, "{} has an empty {field}", r.id);
        }
        assert!(
            r.summary.split_whitespace().count() >= 15,
            "{}: summary too thin",
            r.id
        );
    }
    for rule in &cat.rules {
        for (field, text) in [
            ("title", &rule.title),
            ("motivation", &rule.motivation),
            ("implementation", &rule.implementation),
            ("remediation", &rule.remediation),
        ] {
            assert!(
                text.trim().len() >= 10,
                "rule {} has a thin {field}",
                rule.id
            );
        }
    }
}

#[test]
fn every_declared_rule_is_implemented_and_every_implementation_declared() {
    let cat = catalog();
    let declared: BTreeSet<&str> = cat.rules.iter().map(|r| r.id.as_str()).collect();
    let builtin: BTreeSet<&str> = cargo_sdl::eval::rules::builtin_ids().into_iter().collect();
    assert_eq!(
        builtin.len(),
        cargo_sdl::eval::rules::builtin_ids().len(),
        "no built-in id is registered twice"
    );
    let with_check: BTreeSet<&str> = cat
        .rules
        .iter()
        .filter(|r| r.check.is_some())
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        builtin.is_disjoint(&with_check),
        "a rule is built in or names a check, not both: {:?}",
        builtin.intersection(&with_check).collect::<Vec<_>>()
    );
    let implemented: BTreeSet<&str> = builtin.union(&with_check).copied().collect();
    assert_eq!(declared, implemented);
}

#[test]
fn crosswalk_ids_are_well_formed() {
    let cat = catalog();
    for r in &cat.requirements {
        assert!(!r.ssdf.is_empty(), "{} maps to no SSDF task", r.id);
        for id in &r.ssdf {
            assert!(catalog::is_ssdf_id(id), "{}: ssdf {id}", r.id);
        }
        // Our judgement is part of `ssdf`, listed after NIST's ids, and never also NIST's.
        let nist: Vec<&str> = r.ssdf_cited_by_nist().collect();
        let all: Vec<&str> = nist
            .iter()
            .copied()
            .chain(r.ssdf_judgement.iter().map(String::as_str))
            .collect();
        assert_eq!(r.ssdf, all, "{}", r.id);
        let unique: BTreeSet<&str> = all.iter().copied().collect();
        assert_eq!(unique.len(), all.len(), "{}: an SSDF id twice", r.id);
        for id in &r.cra {
            assert!(catalog::is_cra_id(id), "{}: cra {id}", r.id);
        }
    }
    assert!(catalog::is_ssdf_id("PW.4.1"));
    assert!(!catalog::is_ssdf_id("PW.4"));
    assert!(!catalog::is_ssdf_id("XX.1.1"));
    assert!(catalog::is_cra_id("I.2(a)"));
    assert!(catalog::is_cra_id("Art.13(1)"));
    assert!(!catalog::is_cra_id("I.2(z)"));
    assert!(!catalog::is_cra_id("Annex I"));
}

#[test]
fn review_periods_where_the_standard_implies_them() {
    let cat = catalog();
    for id in ["SR-2", "DM-6"] {
        assert_eq!(
            cat.requirement(id).and_then(|r| r.review_period_days),
            Some(365),
            "{id} is reviewed at least yearly"
        );
    }
}

#[test]
fn rule_ids_are_kebab_case() {
    for rule in &catalog().rules {
        assert!(
            rule.id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            rule.id
        );
    }
}

/// The rules that support no requirement: their findings are shown, but no status depends on
/// them (a rule that passes whenever the tool runs, or that is about licences or reminders,
/// is no evidence of a 4-1 requirement). Any other rule without requirements is a mistake.
const INFORMATIONAL: [&str; 3] = [
    "attestations-not-expiring",
    "licenses-declared",
    "sbom-generated",
];

#[test]
fn only_the_informational_rules_support_no_requirement() {
    let cat = catalog();
    let informational: Vec<&str> = cat
        .rules
        .iter()
        .filter(|r| r.requirements.is_empty())
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(informational, INFORMATIONAL);
}

/// Mappings a domain review found wrong stay fixed (issue 11, item 8).
#[test]
fn reviewed_mappings_stay_fixed() {
    let cat = catalog();
    let rule = |id: &str| -> Vec<&str> {
        cat.rule(id)
            .unwrap_or_else(|| panic!("no rule {id}"))
            .requirements
            .iter()
            .map(String::as_str)
            .collect()
    };
    // Review by someone other than the author is implementation review, not tester independence.
    assert_eq!(rule("review-independent"), ["SI-1"]);
    // Signed commits protect the development environment; users verify releases, not commits.
    assert_eq!(rule("commits-signed"), ["SM-7"]);
    // A decision on each threat is no test of its mitigation.
    assert_eq!(rule("threat-model-threats-dispositioned"), ["SR-2"]);
    // Any time-frame in the policy (acknowledgement, triage) says nothing about disclosure.
    assert_eq!(rule("security-policy-timeframes"), ["SUM-5"]);
    // A design document found by name, content not judged, shows no defence layers.
    assert_eq!(rule("design-documented"), ["SD-1"]);
    // An annotated tag is a change-control record, not process verification or authenticity.
    assert_eq!(rule("releases-recorded"), ["SM-1"]);
    for id in ["SVV-2", "SVV-5", "SD-2"] {
        assert_eq!(
            cat.requirement(id).unwrap().rules,
            Vec::<String>::new(),
            "{id} is evidenced by attestation only"
        );
    }
    for id in INFORMATIONAL {
        assert!(
            cat.requirements
                .iter()
                .all(|r| !r.rules.iter().any(|x| x == id)),
            "{id} lifts no requirement"
        );
    }
}

/// The `automated` prose describes only checks that exist: a requirement with rules names each
/// of them (by id, in backticks) and no other rule, and never says it is not automated; one
/// without rules starts with "Not yet automated." and names no rule.
#[test]
fn automated_prose_describes_only_the_rules_that_exist() {
    let cat = catalog();
    let mut problems = Vec::new();
    for r in &cat.requirements {
        let text = r.automated.trim();
        let named: BTreeSet<&str> = cat
            .rules
            .iter()
            .filter(|rule| text.contains(&format!("`{}`", rule.id)))
            .map(|rule| rule.id.as_str())
            .collect();
        let mapped: BTreeSet<&str> = r.rules.iter().map(String::as_str).collect();
        if r.rules.is_empty() {
            if !text.starts_with("Not yet automated.") {
                problems.push(format!(
                    "{}: no rules, but `automated` does not start with \"Not yet automated.\"",
                    r.id
                ));
            }
        } else if text.contains("Not yet automated") {
            problems.push(format!(
                "{}: has rules but says \"Not yet automated\"",
                r.id
            ));
        }
        if named != mapped {
            problems.push(format!(
                "{}: `automated` names rules {named:?}, the catalogue maps {mapped:?}",
                r.id
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every way a rule's parameters can be wrong: the names its implementation (or its check's
/// evaluator) reads differ from the defaults in `[rule.params]`, a default is neither a
/// non-negative number nor a non-empty list of non-empty strings (only `param_f64`,
/// `param_u64` and `param_strings` exist), or a parameter is not named in the rule's
/// `implementation`.
fn param_problems(cat: &Catalog) -> Vec<String> {
    let mut problems = Vec::new();
    for rule in &cat.rules {
        let read: BTreeSet<&str> = match &rule.check {
            Some(check) => check.params().iter().copied().collect(),
            None => cargo_sdl::eval::rules::params(&rule.id)
                .iter()
                .copied()
                .collect(),
        };
        let defaults: BTreeSet<&str> = rule.params.keys().map(String::as_str).collect();
        if read != defaults {
            problems.push(format!(
                "rule {} reads {read:?} but [rule.params] has defaults for {defaults:?}",
                rule.id
            ));
        }
        for (name, default) in &rule.params {
            let readable = match default {
                toml::Value::Integer(i) => *i >= 0,
                toml::Value::Float(f) => *f >= 0.0,
                toml::Value::Array(items) => {
                    !items.is_empty()
                        && items
                            .iter()
                            .all(|v| v.as_str().is_some_and(|s| !s.trim().is_empty()))
                }
                _ => false,
            };
            if !readable {
                problems.push(format!(
                    "rule {}: the default of `{name}` is not a non-negative number or a list of \
                     strings: {default}",
                    rule.id
                ));
            }
            if !rule.implementation.contains(&format!("`{name}`")) {
                problems.push(format!(
                    "rule {}: its implementation does not name `{name}`",
                    rule.id
                ));
            }
        }
    }
    let builtin = cargo_sdl::eval::rules::builtin_ids();
    let mut listed = BTreeSet::new();
    for (id, _) in cargo_sdl::eval::rules::PARAMS {
        if !builtin.contains(id) || !listed.insert(*id) {
            problems.push(format!(
                "eval::rules::PARAMS lists {id}, which is no built-in rule or listed twice"
            ));
        }
    }
    problems
}

#[test]
fn every_parameter_read_is_declared_with_a_default_and_documented() {
    let cat = catalog();
    assert_eq!(param_problems(&cat), Vec::<String>::new());

    // The check can fail: an undeclared default, a missing one, a default of the wrong type and
    // an undocumented parameter are each found.
    let mut bad = cat.clone();
    let rule =
        |cat: &Catalog, id: &str| -> usize { cat.rules.iter().position(|r| r.id == id).unwrap() };
    let i = rule(&bad, "security-txt-current");
    bad.rules[i]
        .params
        .insert("max-days".into(), toml::Value::Integer(1));
    let i = rule(&bad, "commits-signed");
    bad.rules[i].params.clear();
    let i = rule(&bad, "advisory-db-fresh");
    bad.rules[i]
        .params
        .insert("max-age-days".into(), toml::Value::String("90".into()));
    let i = rule(&bad, "codeowners-coverage");
    bad.rules[i].implementation = bad.rules[i]
        .implementation
        .replace("`min-share`", "a share");
    let problems = param_problems(&bad).join("\n");
    for want in [
        "rule security-txt-current reads {} but [rule.params] has defaults for {\"max-days\"}",
        "rule commits-signed reads {\"min-share\"} but [rule.params] has defaults for {}",
        "rule advisory-db-fresh: the default of `max-age-days` is not a non-negative number",
        "rule codeowners-coverage: its implementation does not name `min-share`",
    ] {
        assert!(problems.contains(want), "{want}\nnot in:\n{problems}");
    }
}

#[test]
fn the_rules_json_contract_is_stable() {
    let json = cargo_sdl::render::catalog::json(&catalog()).expect("renders");
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let reqs = value["requirements"]
        .as_array()
        .expect("requirements array");
    assert_eq!(reqs.len(), 47);
    for r in reqs {
        for key in ["id", "practice", "title", "summary", "rules", "ssdf", "cra"] {
            assert!(r.get(key).is_some(), "{key} missing in {}", r["id"]);
        }
        for id in r["ssdf_judgement"].as_array().expect("ssdf_judgement") {
            assert!(
                r["ssdf"].as_array().unwrap().contains(id),
                "{}: {id} is in ssdf too",
                r["id"]
            );
        }
    }
    for key in ["standard", "edition", "version", "sha256", "extended"] {
        assert!(value["catalogue"].get(key).is_some(), "catalogue.{key}");
    }
    insta::assert_snapshot!("rules_json", json);
}

#[test]
fn organisation_catalogue_adds_requirements_and_declarative_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("org.toml"),
        r#"
[practice]
id = "ORG"
name = "Organisation practices"
summary = "Requirements our quality system adds on top of IEC 62443-4-1."

[[requirement]]
id = "ORG-1"
title = "Security champion named"
summary = "Every product names a security champion who attends the monthly security guild and owns the product's SDL records."
ssdf = ["PO.2.1"]
automated = "A security policy file exists."
attestation = "The champion's name and the date of appointment."

[[rule]]
id = "org-security-policy"
requirements = ["ORG-1", "DM-1"]
default-level = "warn"
title = "The security policy file is present"
motivation = "The champion maintains it."
implementation = "Passes when the files collector found a security policy."
remediation = "Write SECURITY.md."
[rule.check]
kind = "fact"
fact = "files.value.documents"
op = "present"
"#,
    )
    .unwrap();
    let cat =
        Catalog::with_extra_dir(dir.path(), &cargo_sdl::eval::rules::builtin_ids()).expect("loads");
    assert_eq!(cat.requirements.len(), 48);
    assert_eq!(
        cat.requirement("ORG-1").unwrap().rules,
        ["org-security-policy"]
    );
    assert!(
        cat.requirement("DM-1")
            .unwrap()
            .rules
            .contains(&"org-security-policy".to_string())
    );

    // An organisation rule without a check, or reusing a built-in id, is refused.
    std::fs::write(
        dir.path().join("org.toml"),
        std::fs::read_to_string(dir.path().join("org.toml"))
            .unwrap()
            .replace("[rule.check]\nkind = \"fact\"\nfact = \"files.value.documents\"\nop = \"present\"\n", ""),
    )
    .unwrap();
    let err = Catalog::with_extra_dir(dir.path(), &cargo_sdl::eval::rules::builtin_ids())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("org-security-policy") && err.contains("no [rule.check]"),
        "{err}"
    );
}

#[test]
fn duplicate_and_dangling_ids_are_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.toml");
    std::fs::write(
        &path,
        r#"
[[requirement]]
id = "SM-1"
practice = "SM"
title = "x"
summary = "x"
automated = "x"
attestation = "x"
"#,
    )
    .unwrap();
    let err = Catalog::with_extra_dir(dir.path(), &cargo_sdl::eval::rules::builtin_ids())
        .unwrap_err()
        .to_string();
    assert!(err.contains("SM-1 is declared twice"), "{err}");

    std::fs::write(
        &path,
        r#"
[[rule]]
id = "dangling"
requirements = ["XX-9"]
default-level = "warn"
title = "t"
motivation = "m"
implementation = "i"
remediation = "r"
[rule.check]
kind = "fact"
fact = "files"
op = "present"
"#,
    )
    .unwrap();
    let err = Catalog::with_extra_dir(dir.path(), &cargo_sdl::eval::rules::builtin_ids())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("dup.toml") && err.contains("unknown requirement XX-9"),
        "{err}"
    );

    std::fs::write(&path, "[[rule]]\nid = \n").unwrap();
    let err = Catalog::with_extra_dir(dir.path(), &cargo_sdl::eval::rules::builtin_ids())
        .unwrap_err()
        .to_string();
    assert!(err.contains("dup.toml") && err.contains("line 2"), "{err}");
}

/// An organisation rule in `dir/org.toml` with `check` as its `[rule.check]` table.
fn org_rule(dir: &std::path::Path, id: &str, check: &str) -> Result<Catalog, String> {
    std::fs::write(
        dir.join("org.toml"),
        format!(
            r#"
[[rule]]
id = "{id}"
requirements = ["SR-2"]
default-level = "warn"
title = "t"
motivation = "m"
implementation = "i"
remediation = "r"
[rule.check]
{check}
"#
        ),
    )
    .unwrap();
    Catalog::with_extra_dir(dir, &cargo_sdl::eval::rules::builtin_ids()).map_err(|e| e.to_string())
}

#[test]
fn organisation_rules_may_name_every_evaluator() {
    use cargo_sdl::config::Config;
    use cargo_sdl::eval::{Outcome, evaluate};
    use cargo_sdl::facts::files::{
        Document, FileFacts, Substance, ThreatCounts, ThreatModel, ThreatModelFormat,
    };
    use cargo_sdl::facts::{Collected, Facts, FileRef};

    let dir = tempfile::tempdir().unwrap();
    let tm = FileRef {
        path: "docs/tm.md".into(),
        sha256: "ab".repeat(32),
    };
    let facts = Facts {
        files: Collected::present(FileFacts {
            documents: vec![Document {
                kind: "threat-model".into(),
                file: tm.clone(),
                title: None,
                basis: Default::default(),
                section: None,
                substance: Some(Substance {
                    words: 60,
                    ..Substance::default()
                }),
                not_analysed: None,
            }],
            threat_models: vec![ThreatModel {
                file: tm,
                section: None,
                format: ThreatModelFormat::Markdown,
                threats: Some(ThreatCounts {
                    total: 1,
                    dispositioned: 1,
                    ..ThreatCounts::default()
                }),
                note: None,
                not_analysed: None,
            }],
            ..FileFacts::default()
        }),
        ..Facts::nothing("2026-06-01T00:00:00Z", "test")
    };
    let now = cargo_sdl::timefmt::parse("2026-06-01T00:00:00Z").unwrap();
    let cases = [
        (
            "kind = \"document\"\ndocuments = [\"threat-model\"]\nwhat = \"model of threats\"\nexample = \"tm.md\"",
            Outcome::Pass,
            "model of threats: docs/tm.md (60 words, 1 threat)",
        ),
        (
            "kind = \"guideline-topic\"\nrequirement = \"SG-3\"\nwhat = \"hardening\"",
            Outcome::Unknown,
            "the SG-3 topic was not searched",
        ),
        (
            "kind = \"ci-activity\"\nactivity = \"fuzzing\"\nwhat = \"fuzzes\"",
            Outcome::Fail,
            "no CI configuration found that fuzzes (none of GitHub Actions, GitLab CI, Azure \
             Pipelines, Jenkins, Buildkite, CircleCI)",
        ),
        (
            "kind = \"policy-statement\"\nstatement = \"disclosure\"\nwhat = \"a disclosure policy\"",
            Outcome::Fail,
            "no security policy found to state a disclosure policy",
        ),
    ];
    for (check, outcome, message) in cases {
        let cat = org_rule(dir.path(), "org-rule", check).expect("loads");
        let ev = evaluate(&facts, &cat, &Config::default(), now);
        let f = ev.findings.iter().find(|f| f.rule == "org-rule").unwrap();
        assert_eq!(
            (f.outcome, f.message.as_str()),
            (outcome, message),
            "{check}"
        );
    }
}

#[test]
fn a_rule_that_names_a_check_gets_the_defaults_of_its_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let params = |check: &str| {
        let cat = org_rule(dir.path(), "org-rule", check).expect("loads");
        cat.rule("org-rule").unwrap().params.clone()
    };
    let p =
        params("kind = \"document\"\ndocuments = [\"design\"]\nwhat = \"x\"\nexample = \"x.md\"");
    assert_eq!(p.get("min-words"), Some(&toml::Value::Integer(50)));
    assert_eq!(p.len(), 1);
    let p = params(
        "kind = \"document\"\ndocuments = [\"security-requirements\"]\nwhat = \"x\"\nexample = \"x.md\"",
    );
    assert_eq!(
        p.get("id-prefixes")
            .and_then(|v| v.as_array())
            .map(Vec::len),
        Some(6)
    );
    let p = params("kind = \"guideline-topic\"\nrequirement = \"SG-3\"\nwhat = \"x\"");
    assert_eq!(p.get("min-words"), Some(&toml::Value::Integer(3)));
    let p = params("kind = \"ci-activity\"\nactivity = \"tests\"\nwhat = \"x\"");
    assert!(p.is_empty());
    // What the rule sets stays.
    let p = params(
        "kind = \"document\"\ndocuments = [\"design\"]\nwhat = \"x\"\nexample = \"x.md\"\n\
         [rule.params]\nmin-words = 7",
    );
    assert_eq!(p.get("min-words"), Some(&toml::Value::Integer(7)));
}

#[test]
fn check_arguments_are_validated_with_the_rule_and_the_field_named() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "kind = \"document\"\ndocuments = [\"thread-model\"]\nwhat = \"x\"\nexample = \"x.md\"",
            "documents: `thread-model` is not a document kind",
        ),
        (
            "kind = \"document\"\ndocuments = []\nwhat = \"x\"\nexample = \"x.md\"",
            "documents: names no document kind",
        ),
        (
            "kind = \"document\"\ndocuments = [\"design\"]\nwhat = \" \"\nexample = \"x.md\"",
            "what: is empty",
        ),
        (
            "kind = \"guideline-topic\"\nrequirement = \"SG-9\"\nwhat = \"x\"",
            "requirement: `SG-9` is not a requirement of the catalogue",
        ),
        (
            "kind = \"guideline-topic\"\nrequirement = \"SG-7\"\nwhat = \"x\"",
            "requirement: the user documentation is not searched for a `SG-7` topic",
        ),
        (
            "kind = \"ci-activity\"\nactivity = \"lint\"\nwhat = \"x\"",
            "activity: `lint` is not a CI activity (known: tests, clippy",
        ),
        (
            "kind = \"policy-statement\"\nstatement = \"embargo\"\nwhat = \"x\"",
            "statement: `embargo` is not a security policy statement (known: disclosure, timeframes)",
        ),
    ];
    for (check, want) in cases {
        let err = org_rule(dir.path(), "org-bad", check).unwrap_err();
        assert!(
            err.contains("org.toml")
                && err.contains("rule org-bad: [rule.check] ")
                && err.contains(want),
            "{check}: {err}"
        );
    }
    // An unknown kind or argument is refused by the parser, with the line.
    let err = org_rule(dir.path(), "org-bad", "kind = \"documents\"").unwrap_err();
    assert!(
        err.contains("org.toml") && err.contains("documents"),
        "{err}"
    );
    let err = org_rule(
        dir.path(),
        "org-bad",
        "kind = \"ci-activity\"\nactivity = \"tests\"\nwhat = \"x\"\nexample = \"y\"",
    )
    .unwrap_err();
    assert!(err.contains("example"), "{err}");
}

#[test]
fn the_guideline_topics_are_those_the_files_collector_searches() {
    let dir = tempfile::tempdir().unwrap();
    let files = cargo_sdl::collect::files::collect(dir.path(), &Default::default());
    let cargo_sdl::facts::Collected::Present { value } = files else {
        panic!("the files collector runs on an empty directory: {files:?}");
    };
    let searched: Vec<&str> = value
        .guidelines
        .topics
        .iter()
        .map(|t| t.requirement.as_str())
        .collect();
    assert_eq!(searched, catalog::GUIDELINE_TOPICS);
}

#[test]
fn docs_rules_md_is_the_generated_rule_reference() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::sdl(dir.path(), &["rules", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    let generated = common::text(&out.stdout);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md differs from the catalogue; regenerate it with\n  \
         cargo run -q -- sdl rules --format markdown > docs/rules.md"
    );
    // Complete: every rule has its section with all of its fields.
    for rule in &catalog().rules {
        let section = generated
            .split(&format!("\n### `{}`\n", rule.id))
            .nth(1)
            .unwrap_or_else(|| panic!("no section for {}", rule.id));
        let section = section.split("\n### ").next().unwrap();
        for needle in [
            format!("- Requirements: {}", rule.requirements.join(", ")),
            format!("- Default level: {}", rule.default_level),
            "- Parameters: ".to_string(),
            "- Evaluator: ".to_string(),
            "**Why.** ".to_string(),
            "**What it checks.** ".to_string(),
            "**How to fix.** ".to_string(),
        ] {
            let needle = if needle == "- Parameters: " && !rule.params.is_empty() {
                "- Parameters (defaults".to_string()
            } else {
                needle
            };
            assert!(section.contains(&needle), "{}: {needle}", rule.id);
        }
        for (name, default) in &rule.params {
            assert!(
                section.contains(&format!("`{name} = {default}`")),
                "{}",
                rule.id
            );
        }
        if let Some(check) = &rule.check {
            assert!(
                section.contains(&format!("- Evaluator: check `{}`", check.kind())),
                "{}",
                rule.id
            );
        }
    }
}

#[test]
fn every_catalogue_file_is_embedded() {
    fn toml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                toml_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    toml_files(&root.join("practices"), &mut files);
    let on_disk: BTreeSet<String> = files
        .iter()
        .map(|p| {
            p.strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    let embedded: BTreeSet<String> = catalog::EMBEDDED
        .iter()
        .map(|(p, _)| p.to_string())
        .collect();
    assert_eq!(on_disk, embedded);
}

/// `catalogue_hash` over owned bytes.
fn hash_of(files: &[(String, Vec<u8>)]) -> String {
    catalog::catalogue_hash(files.iter().map(|(p, b)| (p.as_str(), b.as_slice())))
}

fn embedded_files() -> Vec<(String, Vec<u8>)> {
    catalog::EMBEDDED
        .iter()
        .map(|(p, s)| (p.to_string(), s.as_bytes().to_vec()))
        .collect()
}

#[test]
fn the_catalogue_names_its_standard_edition_version_and_hash() {
    let cat = catalog();
    let id = cat.identity();
    assert_eq!(id.standard, "IEC 62443-4-1:2018");
    assert_eq!(id.edition, "Ed. 1.0");
    assert_eq!(id.standard_edition(), "IEC 62443-4-1:2018, Ed. 1.0");
    let (year, month) = id.version.split_once('.').expect("YEAR.MONTH");
    assert!(
        year.len() == 4 && year.parse::<u32>().is_ok(),
        "{}",
        id.version
    );
    assert!(month.split('.').next().unwrap().parse::<u32>().is_ok());
    assert!(!id.extended && id.extensions.is_empty());
    assert_eq!(catalog::EMBEDDED[0].0, "practices/catalogue.toml");

    // The hash is what `sha256sum FILES… | sha256sum` prints in the source tree.
    let listing: String = catalog::EMBEDDED
        .iter()
        .map(|(p, s)| format!("{}  {p}\n", cargo_sdl::digest::sha256_hex(s.as_bytes())))
        .collect();
    assert_eq!(id.sha256, cargo_sdl::digest::sha256_hex(listing.as_bytes()));
    assert_eq!(id.sha256, hash_of(&embedded_files()));
    assert_eq!(
        id.to_string(),
        format!(
            "IEC 62443-4-1:2018, Ed. 1.0; cargo-sdl catalogue {}, sha256 {}",
            id.version, id.sha256
        )
    );
    // Serializable, for report.json.
    let json = serde_json::to_value(id).unwrap();
    assert_eq!(json["sha256"], id.sha256.as_str());
    assert_eq!(json["extended"], false);
}

#[test]
fn the_catalogue_hash_changes_when_any_embedded_file_changes() {
    let base = embedded_files();
    let before = hash_of(&base);
    assert_eq!(before, hash_of(&embedded_files()), "deterministic");
    for i in 0..base.len() {
        let mut changed = base.clone();
        changed[i].1.push(b'\n');
        assert_ne!(hash_of(&changed), before, "appending to {}", base[i].0);
        let mut changed = base.clone();
        let last = changed[i].1.len() - 1;
        changed[i].1[last] ^= 1;
        assert_ne!(hash_of(&changed), before, "flipping a bit of {}", base[i].0);
        let mut renamed = base.clone();
        renamed[i].0.push('x');
        assert_ne!(hash_of(&renamed), before, "renaming {}", base[i].0);
    }
    // Moving bytes from one file to the next keeps the concatenation but not the hash.
    let mut moved = base.clone();
    let byte = moved[1].1.pop().unwrap();
    moved[2].1.insert(0, byte);
    assert_ne!(hash_of(&moved), before);
    // The order is part of it.
    let mut swapped = base.clone();
    swapped.swap(1, 2);
    assert_ne!(hash_of(&swapped), before);
}

#[test]
fn the_catalogue_identity_is_stable_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        let out = common::sdl(dir.path(), &["rules", "--format", "json"]);
        assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
        let v: serde_json::Value = serde_json::from_str(&common::text(&out.stdout)).unwrap();
        v["catalogue"].clone()
    };
    let first = run();
    assert_eq!(first, run());
    assert_eq!(first, serde_json::to_value(catalog().identity()).unwrap());

    let out = common::sdl(dir.path(), &["rules"]);
    let human = common::text(&out.stdout);
    let want = format!(
        "IEC 62443-4-1:2018, Ed. 1.0 — cargo-sdl catalogue {} (sha256 {})",
        catalog().identity().version,
        catalog().identity().sha256
    );
    assert_eq!(human.lines().next(), Some(want.as_str()));
}

#[test]
fn practices_files_extend_the_catalogue_identity() {
    let dir = tempfile::tempdir().unwrap();
    let org = r#"
[[requirement]]
id = "ORG-1"
practice = "SM"
title = "Security champion named"
summary = "Every product names a security champion who owns the product's SDL records and attends the security guild."
ssdf = ["PO.2.1"]
automated = "Not yet automated."
attestation = "The champion's name."
"#;
    std::fs::write(dir.path().join("org.toml"), org).unwrap();
    let builtins = cargo_sdl::eval::rules::builtin_ids();
    let cat = Catalog::with_extra_dir(dir.path(), &builtins).expect("loads");
    let id = cat.identity();
    assert!(id.extended);
    assert_eq!(id.extensions, ["org.toml"]);
    let mut files = embedded_files();
    files.push(("org.toml".into(), org.as_bytes().to_vec()));
    assert_eq!(id.sha256, hash_of(&files));
    assert_ne!(id.sha256, catalog().identity().sha256);
    assert!(id.to_string().ends_with("; extended by org.toml"), "{id}");
    // Where the directory lies does not matter, only its files.
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("org.toml"), org).unwrap();
    let again = Catalog::with_extra_dir(elsewhere.path(), &builtins).unwrap();
    assert_eq!(again.identity(), id);

    // An extension cannot rename the catalogue.
    std::fs::write(
        dir.path().join("org.toml"),
        format!("[catalogue]\nstandard = \"Ours\"\nedition = \"1\"\nversion = \"2026.11\"\n{org}"),
    )
    .unwrap();
    let err = Catalog::with_extra_dir(dir.path(), &builtins)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("org.toml") && err.contains("[catalogue] is already declared"),
        "{err}"
    );
}

#[test]
fn ssdf_sources_follow_the_crosswalk_marks() {
    let cat = catalog();
    let req = |id: &str| cat.requirement(id).unwrap();
    // NIST cites nothing for SM-1: all three ids are ours.
    assert_eq!(req("SM-1").ssdf_cited_by_nist().count(), 0);
    assert_eq!(req("SM-1").ssdf_judgement, ["PO.1.1", "PO.3.2", "PS.1.1"]);
    // SBOMs (PS.3.2) are our addition to SM-9; the rest is NIST's.
    assert_eq!(
        req("SM-9").ssdf_cited_by_nist().collect::<Vec<_>>(),
        ["PO.1.1", "PO.1.3", "PW.4.1", "PW.4.4"]
    );
    assert_eq!(req("SM-9").ssdf_judgement, ["PS.3.2"]);
    assert!(req("SI-1").ssdf_judgement.is_empty());

    let json: serde_json::Value =
        serde_json::from_str(&cargo_sdl::render::catalog::json(&cat).unwrap()).unwrap();
    let sm9 = json["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "SM-9")
        .unwrap();
    assert_eq!(sm9["ssdf"].as_array().unwrap().len(), 5, "all ids");
    assert_eq!(sm9["ssdf_judgement"], serde_json::json!(["PS.3.2"]));
    assert!(
        json["crosswalk_sources"]["cra"]
            .as_str()
            .unwrap()
            .contains("judgement")
    );

    // An id is either NIST's or ours, never both.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("org.toml"),
        r#"
[[requirement]]
id = "ORG-1"
practice = "SM"
title = "t"
summary = "s"
ssdf = ["PO.2.1"]
ssdf-judgement = ["PO.2.1"]
automated = "Not yet automated."
attestation = "a"
"#,
    )
    .unwrap();
    let err = Catalog::with_extra_dir(dir.path(), &cargo_sdl::eval::rules::builtin_ids())
        .unwrap_err()
        .to_string();
    assert!(err.contains("PO.2.1 is listed twice"), "{err}");
}
