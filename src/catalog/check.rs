//! `[rule.check]`: a rule that names an evaluator and its arguments instead of a built-in
//! implementation. A new rule in one of these families is one TOML edit; `eval::check` runs them.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::DOCUMENT_KINDS;

/// The evaluator a rule names, with its arguments. The `what` of each kind is the phrase its
/// messages use for the thing checked (`no {what} found`, `none of the CI workflow(s) {what}`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", tag = "kind")]
pub enum Check {
    /// Passes when the JSON value at `fact` (a dotted path into the facts, e.g.
    /// `files.value.security_policy`) compares to `value` by `op`.
    Fact {
        fact: String,
        op: CompareOp,
        #[serde(default)]
        value: Option<toml::Value>,
    },
    /// Passes when a document of one of the `documents` kinds ([`DOCUMENT_KINDS`]) was found;
    /// unknown when a configured one could not be read; fails otherwise, suggesting `example`.
    Document {
        documents: Vec<String>,
        what: String,
        example: String,
    },
    /// Passes when the user documentation covers the topic of `requirement` (one of
    /// [`GUIDELINE_TOPICS`]) with a section, or a guidelines document mentions it.
    GuidelineTopic { requirement: String, what: String },
    /// Passes when a CI workflow job performs `activity` (one of [`CI_ACTIVITIES`]).
    CiActivity { activity: String, what: String },
    /// Passes when the security policy makes the `statement` (one of [`POLICY_STATEMENTS`]).
    PolicyStatement { statement: String, what: String },
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum CompareOp {
    /// The value exists and is not null, false, empty or zero.
    Present,
    Eq,
    Ne,
    Ge,
    Gt,
    Le,
    Lt,
}

/// The words of prose a document needs when its rule sets no `min-words`.
pub(crate) const DOCUMENT_MIN_WORDS: i64 = 50;

/// The words of prose a guideline section needs when its rule sets no `min-words`.
pub(crate) const GUIDELINE_SECTION_MIN_WORDS: i64 = 3;

/// What requirement ids start with when a rule sets no `id-prefixes`: `SR-1`, `SEC-REQ-1`,
/// `REQ-1`, …, each followed by digits (`-` or `_` between them optional).
pub(crate) const REQUIREMENT_ID_PREFIXES: &[&str] =
    &["SR", "SEC-REQ", "SECREQ", "REQ", "SEC", "PSR"];

/// The requirements whose topics the files collector looks for in the user documentation.
pub const GUIDELINE_TOPICS: &[&str] = &["SG-1", "SG-2", "SG-3", "SG-4", "SG-5", "SG-6"];

/// What the files collector recognises a CI job doing (`facts::files::ActivityKind`).
pub(crate) const CI_ACTIVITIES: &[(&str, &str)] = &[
    ("tests", "cargo test, cargo nextest"),
    ("clippy", "cargo clippy or a clippy action"),
    (
        "dependency-audit",
        "cargo audit, cargo deny or their actions",
    ),
    (
        "fuzzing",
        "cargo fuzz run, cargo afl fuzz, cargo bolero test, cargo hfuzz run, cargo ziggy fuzz, \
         or the CIFuzz / ClusterFuzzLite run_fuzzers actions",
    ),
    ("static-analysis", "CodeQL, Semgrep or clippy SARIF uploads"),
];

/// The statements the files collector looks for in the security policy
/// (`facts::files::SecurityPolicy`).
pub(crate) const POLICY_STATEMENTS: &[(&str, &str)] = &[
    ("disclosure", "how and when vulnerabilities are disclosed"),
    ("timeframes", "response or fix time-frames"),
];

impl Check {
    /// The name of the evaluator, as written in `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Check::Fact { .. } => "fact",
            Check::Document { .. } => "document",
            Check::GuidelineTopic { .. } => "guideline-topic",
            Check::CiActivity { .. } => "ci-activity",
            Check::PolicyStatement { .. } => "policy-statement",
        }
    }

    /// The parameters (`[rule.params]`) the evaluator reads: a `document` check the minimum
    /// words of prose (and, over security requirements, the prefixes of requirement ids), a
    /// `guideline-topic` check the minimum words of a section.
    pub fn params(&self) -> &'static [&'static str] {
        match self {
            Check::Document { documents, .. }
                if documents.iter().any(|d| d == "security-requirements") =>
            {
                &["id-prefixes", "min-words"]
            }
            Check::Document { .. } | Check::GuidelineTopic { .. } => &["min-words"],
            _ => &[],
        }
    }

    /// The defaults of [`Check::params`]: what a rule that names this check reads when its
    /// `[rule.params]` does not set them (the catalogue fills them in when it loads).
    pub fn param_defaults(&self) -> Vec<(&'static str, toml::Value)> {
        self.params()
            .iter()
            .map(|name| {
                let value = match (*name, self) {
                    ("id-prefixes", _) => toml::Value::Array(
                        REQUIREMENT_ID_PREFIXES
                            .iter()
                            .map(|p| toml::Value::String(p.to_string()))
                            .collect(),
                    ),
                    (_, Check::GuidelineTopic { .. }) => {
                        toml::Value::Integer(GUIDELINE_SECTION_MIN_WORDS)
                    }
                    _ => toml::Value::Integer(DOCUMENT_MIN_WORDS),
                };
                (*name, value)
            })
            .collect()
    }

    /// What is wrong with the arguments, as `field: problem`; `requirements` are the ids the
    /// catalogue declares.
    pub(super) fn problem(&self, requirements: &BTreeSet<&str>) -> Option<String> {
        let known = |names: &mut dyn Iterator<Item = &str>| names.collect::<Vec<_>>().join(", ");
        let what = match self {
            Check::Fact { fact, .. } => {
                return fact
                    .trim()
                    .is_empty()
                    .then(|| "fact: is empty; name a dotted path into the facts".into());
            }
            Check::Document {
                documents,
                what,
                example,
            } => {
                if documents.is_empty() {
                    return Some("documents: names no document kind".into());
                }
                if let Some(bad) = documents
                    .iter()
                    .find(|d| !DOCUMENT_KINDS.iter().any(|(k, _)| k == d))
                {
                    return Some(format!(
                        "documents: `{bad}` is not a document kind (known: {})",
                        known(&mut DOCUMENT_KINDS.iter().map(|(k, _)| *k))
                    ));
                }
                if example.trim().is_empty() {
                    return Some("example: is empty; name the file to add".into());
                }
                what
            }
            Check::GuidelineTopic { requirement, what } => {
                if !requirements.contains(requirement.as_str()) {
                    return Some(format!(
                        "requirement: `{requirement}` is not a requirement of the catalogue"
                    ));
                }
                if !GUIDELINE_TOPICS.contains(&requirement.as_str()) {
                    return Some(format!(
                        "requirement: the user documentation is not searched for a `{requirement}` \
                         topic (known: {})",
                        known(&mut GUIDELINE_TOPICS.iter().copied())
                    ));
                }
                what
            }
            Check::CiActivity { activity, what } => {
                if !CI_ACTIVITIES.iter().any(|(a, _)| a == activity) {
                    return Some(format!(
                        "activity: `{activity}` is not a CI activity (known: {})",
                        known(&mut CI_ACTIVITIES.iter().map(|(a, _)| *a))
                    ));
                }
                what
            }
            Check::PolicyStatement { statement, what } => {
                if !POLICY_STATEMENTS.iter().any(|(s, _)| s == statement) {
                    return Some(format!(
                        "statement: `{statement}` is not a security policy statement (known: {})",
                        known(&mut POLICY_STATEMENTS.iter().map(|(s, _)| *s))
                    ));
                }
                what
            }
        };
        what.trim()
            .is_empty()
            .then(|| "what: is empty; give the phrase the messages use".into())
    }
}
