//! The accuracy corpus (`tests/accuracy/labels.tsv`): reading the labels and checking that they
//! are well formed. Shared by `tests/accuracy_labels.rs`, which checks the committed file
//! offline, and `examples/accuracy.rs`, which compares the tool's results with it.
//!
//! A label is one tab-separated line: the repository (`owner/name`), the full commit it was
//! labelled at, a rule id, the expected outcome and one line of why.
#![allow(dead_code)] // each includer uses a different part

use std::collections::{BTreeMap, BTreeSet};

/// The header line, exactly.
pub(crate) const HEADER: &str = "repository\tcommit\trule\texpected\twhy";

/// The outcomes a label can expect, as the JSON report spells them.
pub(crate) const OUTCOMES: [&str; 4] = ["pass", "fail", "unknown", "not-applicable"];

/// The longest `why` accepted, in characters.
pub(crate) const MAX_WHY: usize = 200;

/// The fewest repositories the corpus may label.
pub(crate) const MIN_REPOSITORIES: usize = 10;

/// One labelled outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Label {
    /// 1-based line in the file.
    pub(crate) line: usize,
    pub(crate) repository: String,
    pub(crate) commit: String,
    pub(crate) rule: String,
    pub(crate) expected: String,
    pub(crate) why: String,
}

impl Label {
    /// `owner+name`: the name of the repository's result file and mirror directory.
    pub(crate) fn slug(&self) -> String {
        self.repository.replacen('/', "+", 1)
    }
}

fn is_repository(s: &str) -> bool {
    let ok = |part: &str| {
        !part.is_empty()
            && !part.starts_with('.')
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    matches!(s.split_once('/'), Some((owner, name)) if ok(owner) && ok(name))
}

fn is_commit(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Reads the labels, line by line. Every problem is reported with its line number; any problem
/// makes the whole file unusable.
pub(crate) fn parse(text: &str) -> Result<Vec<Label>, Vec<String>> {
    let mut errors = Vec::new();
    let mut labels: Vec<Label> = Vec::new();
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, header)) if header == HEADER => {}
        Some((_, header)) => errors.push(format!("line 1: header is {header:?}, want {HEADER:?}")),
        None => errors.push("the file is empty".to_string()),
    }
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut commits: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for (i, raw) in lines {
        let line = i + 1;
        if raw.trim().is_empty() {
            errors.push(format!("line {line}: empty line"));
            continue;
        }
        let fields: Vec<&str> = raw.split('\t').collect();
        let [repository, commit, rule, expected, why] = fields[..] else {
            errors.push(format!(
                "line {line}: {} tab-separated fields, want 5",
                fields.len()
            ));
            continue;
        };
        let mut bad = |what: String| errors.push(format!("line {line}: {what}"));
        if !is_repository(repository) {
            bad(format!("repository {repository:?} is not owner/name"));
        }
        if !is_commit(commit) {
            bad(format!("commit {commit:?} is not 40 lower-case hex digits"));
        }
        if rule.is_empty()
            || !rule
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            bad(format!("rule {rule:?} is not a rule id"));
        }
        if !OUTCOMES.contains(&expected) {
            bad(format!("expected {expected:?} is not one of {OUTCOMES:?}"));
        }
        if why.trim().is_empty() {
            bad("why is empty".to_string());
        } else if why.chars().count() > MAX_WHY {
            bad(format!(
                "why has {} characters, more than {MAX_WHY}",
                why.chars().count()
            ));
        }
        if why != why.trim() {
            bad("why has leading or trailing white space".to_string());
        }
        if let Some(first) = seen.insert((repository.to_string(), rule.to_string()), line) {
            bad(format!(
                "{repository} {rule} is labelled twice (first on line {first})"
            ));
        }
        match commits.get(repository) {
            Some((c, first)) if c != commit => bad(format!(
                "{repository} is labelled at {commit} here and at {c} on line {first}"
            )),
            Some(_) => {}
            None => {
                commits.insert(repository.to_string(), (commit.to_string(), line));
            }
        }
        labels.push(Label {
            line,
            repository: repository.to_string(),
            commit: commit.to_string(),
            rule: rule.to_string(),
            expected: expected.to_string(),
            why: why.to_string(),
        });
    }
    if errors.is_empty() {
        Ok(labels)
    } else {
        Err(errors)
    }
}

/// The repositories in the order they first appear, each with its commit.
pub(crate) fn repositories(labels: &[Label]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for l in labels {
        if !out.iter().any(|(r, _)| *r == l.repository) {
            out.push((l.repository.clone(), l.commit.clone()));
        }
    }
    out
}

/// Corpus-wide checks: at least [`MIN_REPOSITORIES`] repositories, every rule in `catalogue`,
/// and every repository labelling the same set of rules.
pub(crate) fn check_corpus(labels: &[Label], catalogue: &BTreeSet<String>) -> Vec<String> {
    let mut errors = Vec::new();
    let repos = repositories(labels);
    if repos.len() < MIN_REPOSITORIES {
        errors.push(format!(
            "{} repositories labelled, want at least {MIN_REPOSITORIES}",
            repos.len()
        ));
    }
    for l in labels {
        if !catalogue.contains(&l.rule) {
            errors.push(format!(
                "line {}: rule {} is not in the catalogue",
                l.line, l.rule
            ));
        }
    }
    let rules_of = |repo: &str| -> BTreeSet<&str> {
        labels
            .iter()
            .filter(|l| l.repository == repo)
            .map(|l| l.rule.as_str())
            .collect()
    };
    if let Some((first, _)) = repos.first() {
        let want = rules_of(first);
        for (repo, _) in &repos[1..] {
            let have = rules_of(repo);
            let missing: Vec<&&str> = want.difference(&have).collect();
            let extra: Vec<&&str> = have.difference(&want).collect();
            if !missing.is_empty() || !extra.is_empty() {
                errors.push(format!(
                    "{repo} labels a different rule set than {first}: missing {missing:?}, extra {extra:?}"
                ));
            }
        }
    }
    errors
}
