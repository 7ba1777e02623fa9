//! Rules over the repository's own files (`facts::files`), by topic: the security policy,
//! documents, user guidelines, Rust tooling and CI workflows. Each topic module holds its
//! built-in rules, the evaluators that `[rule.check]` tables name (`document`,
//! `guideline-topic`, `ci-activity`, `policy-statement`) and their unit tests; this module
//! holds what they share and the table of the built-in rules.

use super::RuleFn;
use crate::eval::RuleResult;
use crate::facts::FileRef;
use crate::facts::files::{Candidate, FileFacts};

/// The file facts, or the unknown result that explains why there are none.
macro_rules! file_facts {
    ($ctx:expr) => {
        match $ctx.facts.files.get() {
            Ok(f) => f,
            Err(why) => return RuleResult::unknown(format!("repository files: {why}")),
        }
    };
}

mod ci;
mod documents;
mod guidelines;
mod policy;
mod threats;
mod tooling;
mod workflows;

pub(in crate::eval) use ci::ci_activity;
pub(in crate::eval) use documents::{Judged, document, judge};
pub(in crate::eval) use guidelines::guideline_topic;
pub(in crate::eval) use policy::policy_statement;

/// The built-in rules over files, by topic.
pub(super) const RULES: &[(&str, RuleFn)] = &[
    // policy
    ("security-policy-present", policy::security_policy_present),
    ("security-txt-current", policy::security_txt_current),
    ("codeowners-coverage", policy::codeowners_coverage),
    // documents
    (
        "threat-model-threats-dispositioned",
        threats::threat_model_threats_dispositioned,
    ),
    (
        "security-level-declared",
        documents::security_level_declared,
    ),
    // tooling
    ("toolchain-pinned", tooling::toolchain_pinned),
    (
        "dependency-policy-configured",
        tooling::dependency_policy_configured,
    ),
    ("lints-configured", tooling::lints_configured),
    ("unsafe-code-forbidden", tooling::unsafe_code_forbidden),
    ("fuzz-targets-present", tooling::fuzz_targets_present),
    (
        "dependency-updates-automated",
        tooling::dependency_updates_automated,
    ),
    // workflows
    (
        "workflow-permissions-restricted",
        workflows::workflow_permissions_restricted,
    ),
    (
        "workflow-actions-pinned",
        workflows::workflow_actions_pinned,
    ),
    (
        "workflow-pull-request-target-safe",
        workflows::workflow_pull_request_target_safe,
    ),
];

fn list(items: impl IntoIterator<Item = String>, max: usize) -> String {
    let items: Vec<String> = items.into_iter().collect();
    let shown = items
        .iter()
        .take(max)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > max {
        format!("{shown} and {} more", items.len() - max)
    } else {
        shown
    }
}

fn at(file: &FileRef, line: u32) -> String {
    format!("{}:{line}", file.path)
}

/// The candidates for document kind `kind` (key `documents.KIND`).
pub(crate) fn kind_candidates<'f>(f: &'f FileFacts, kind: &str) -> Vec<&'f Candidate> {
    let key = format!("documents.{kind}");
    f.candidates.iter().filter(|c| c.key == key).collect()
}

/// The unknown result of a rule that found only candidates: where each is, and the `sdl.toml`
/// line that would designate the first one.
pub(crate) fn only_candidates(what: &str, candidates: &[&Candidate]) -> RuleResult {
    let shown = list(
        candidates
            .iter()
            .map(|c| format!("{} \"{}\" ({} words)", at(&c.file, c.line), c.text, c.words)),
        3,
    );
    let designate = match candidates.iter().find_map(|c| c.toml_line()) {
        Some(line) => format!(
            "to designate the first, add to sdl.toml: {line} (`cargo sdl discover` lists them \
             all)"
        ),
        // A workspace in a subfolder cannot designate the repository's own documents.
        None => "they lie outside the workspace's folder, where sdl.toml cannot designate \
                 them: move the section into it, or attest the requirement"
            .to_string(),
    };
    let evidence = candidates.iter().map(|c| c.file.at_line(c.line)).collect();
    RuleResult {
        evidence,
        ..RuleResult::unknown(format!(
            "{what}: nothing designated in sdl.toml or at a conventional place, but the \
             documentation has candidates, which count only once a person designates one: \
             {shown}; {designate}"
        ))
    }
}

#[cfg(test)]
mod test_support {
    use crate::config::Config;
    use crate::eval::Outcome::{self, Unknown};
    use crate::eval::{RuleResult, testing};
    use crate::facts::files::{
        Document, FileFacts, Substance, ThreatCounts, ThreatModel, ThreatModelFormat,
    };
    use crate::facts::{Collected, Facts, FileRef};

    pub(super) fn fref(path: &str) -> FileRef {
        FileRef {
            path: path.into(),
            sha256: "ab".repeat(32),
        }
    }

    pub(super) const NOW: &str = "2026-06-01T00:00:00Z";

    /// A prose document of `words` words, without placeholders or empty headings.
    pub(super) fn prose(words: usize) -> Option<Substance> {
        Some(Substance {
            words,
            ..Substance::default()
        })
    }

    /// A document as the collector records it.
    pub(super) fn doc(kind: &str, path: &str, substance: Option<Substance>) -> Document {
        Document {
            kind: kind.into(),
            basis: Default::default(),
            section: None,
            file: fref(path),
            title: Some("Title".into()),
            not_analysed: substance
                .is_none()
                .then(|| "is a .pdf file, not text: its substance cannot be judged".into()),
            substance,
        }
    }

    pub(super) fn facts(files: Collected<FileFacts>) -> Facts {
        Facts {
            files,
            ..Facts::nothing(NOW, "test")
        }
    }

    pub(super) fn run(id: &str, files: FileFacts, config: &Config) -> RuleResult {
        testing::outcome(
            id,
            &facts(Collected::present(files)),
            config,
            testing::at(NOW),
        )
    }

    /// Run `id` over each case, plus the case where the files could not be collected.
    pub(super) fn table(id: &str, cases: Vec<(&str, FileFacts, Outcome)>) {
        let mut cases: Vec<(&str, Facts, Outcome)> = cases
            .into_iter()
            .map(|(name, f, want)| (name, facts(Collected::present(f)), want))
            .collect();
        cases.push((
            "files not collected",
            facts(Collected::failed("boom")),
            Unknown,
        ));
        testing::table(id, testing::at(NOW), cases);
    }

    /// A threat model with `threats` (total, dispositioned).
    pub(super) fn model(format: ThreatModelFormat, threats: Option<(usize, usize)>) -> ThreatModel {
        ThreatModel {
            file: fref("docs/security/threat-model.json"),
            section: None,
            format,
            threats: threats.map(|(total, decided)| ThreatCounts {
                total,
                with_mitigation: decided,
                dispositioned: decided,
                with_severity: total,
                undecided_examples: (decided..total).map(|i| format!("t{i}")).collect(),
                undecided_at: vec![],
                listed: 0,
            }),
            note: None,
            not_analysed: None,
        }
    }
}
