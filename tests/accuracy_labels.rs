//! The accuracy corpus's labels are well formed (offline; `scripts/accuracy.sh` measures the tool
//! against them): the header, 40-hex commits, known rule ids and outcomes, one label per
//! repository and rule, at least ten repositories that all label the same rules, every
//! repository-file rule of the catalogue covered, and a reason on every line.

use std::collections::BTreeSet;
use std::path::Path;

#[path = "accuracy/labels.rs"]
mod labels;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Rule ids of one catalogue file (`[[rule]] id = …`).
fn rule_ids(file: &str) -> BTreeSet<String> {
    let path = root().join("practices/rules").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let table: toml::Table = text
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    table
        .get("rule")
        .and_then(|r| r.as_array())
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("id").and_then(|id| id.as_str()).map(String::from))
        .collect()
}

fn catalogue() -> BTreeSet<String> {
    let dir = root().join("practices/rules");
    let mut ids = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("practices/rules") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".toml") {
            ids.extend(rule_ids(&name));
        }
    }
    ids
}

fn corpus() -> Vec<labels::Label> {
    let path = root().join("tests/accuracy/labels.tsv");
    let text = std::fs::read_to_string(&path).expect("tests/accuracy/labels.tsv");
    match labels::parse(&text) {
        Ok(l) => l,
        Err(errors) => panic!("labels.tsv is malformed:\n{}", errors.join("\n")),
    }
}

#[test]
fn labels_are_well_formed() {
    let labels = corpus();
    let errors = labels::check_corpus(&labels, &catalogue());
    assert!(errors.is_empty(), "labels.tsv:\n{}", errors.join("\n"));
}

#[test]
fn every_repository_file_rule_is_labelled_for_every_repository() {
    // The corpus measures the repository-file and CI rules; a new one in files.toml needs labels
    // for every repository (read the repository, never copy the tool's outcome).
    let labels = corpus();
    let file_rules = rule_ids("files.toml");
    assert!(
        file_rules.len() >= 30,
        "files.toml has {} rules",
        file_rules.len()
    );
    let mut missing = Vec::new();
    for (repo, _) in labels::repositories(&labels) {
        let have: BTreeSet<&str> = labels
            .iter()
            .filter(|l| l.repository == repo)
            .map(|l| l.rule.as_str())
            .collect();
        for rule in &file_rules {
            if !have.contains(rule.as_str()) {
                missing.push(format!("{repo} {rule}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "rules of practices/rules/files.toml without a label in tests/accuracy/labels.tsv: {missing:?}"
    );
}

#[test]
fn malformed_lines_are_reported_with_their_line() {
    let good = "rust-lang/cargo\taf373f761aa4e42b093c2e453078fd73c8ce54dd\tchangelog-present\tpass\tCHANGELOG.md";
    let text = format!(
        "{}\n{good}\n{good}\nrust-lang/cargo\tAF37\tx-y\tmaybe\t\nnot a repo\t{}\tci-runs-tests\tfail\twhy\nonly\ttwo\n",
        labels::HEADER,
        "0".repeat(40)
    );
    let errors = labels::parse(&text).expect_err("malformed");
    let joined = errors.join("\n");
    for want in [
        "line 3: rust-lang/cargo changelog-present is labelled twice (first on line 2)",
        "line 4: commit \"AF37\" is not 40 lower-case hex digits",
        "line 4: expected \"maybe\" is not one of",
        "line 4: why is empty",
        "line 4: rust-lang/cargo is labelled at AF37 here",
        "line 5: repository \"not a repo\" is not owner/name",
        "line 6: 2 tab-separated fields, want 5",
    ] {
        assert!(joined.contains(want), "missing {want:?} in:\n{joined}");
    }
    assert!(
        labels::parse("repository\tcommit\n").is_err(),
        "a wrong header"
    );
    let long = format!(
        "{}\n{}",
        labels::HEADER,
        good.replace("CHANGELOG.md", &"w".repeat(201))
    );
    assert!(labels::parse(&long).unwrap_err()[0].contains("more than 200"));
}

#[test]
fn a_corpus_must_be_big_enough_and_uniform() {
    let line =
        |repo: &str, rule: &str| format!("{repo}\t{}\t{rule}\tfail\tnothing there", "a".repeat(40));
    let text = format!(
        "{}\n{}\n{}\n{}\n",
        labels::HEADER,
        line("a/one", "ci-runs-tests"),
        line("a/one", "ci-runs-clippy"),
        line("b/two", "no-such-rule")
    );
    let parsed = labels::parse(&text).expect("well-formed lines");
    let catalogue: BTreeSet<String> = ["ci-runs-tests", "ci-runs-clippy"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let errors = labels::check_corpus(&parsed, &catalogue).join("\n");
    assert!(
        errors.contains("2 repositories labelled, want at least 10"),
        "{errors}"
    );
    assert!(
        errors.contains("line 4: rule no-such-rule is not in the catalogue"),
        "{errors}"
    );
    assert!(
        errors.contains("b/two labels a different rule set than a/one"),
        "{errors}"
    );
}
