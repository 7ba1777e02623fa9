//! The rules implemented in Rust, grouped by the evidence source they read (the rules over
//! files by topic): the built-in rules, one function each under its id, and the evaluators that
//! a rule names in its `[rule.check]` (run by `eval::check`). Every built-in id is declared in
//! `practices/rules/*.toml` and vice versa (a meta-test checks).

/// The value of a `Result<T, RuleResult>`, or return the `RuleResult` (a rule that cannot
/// read its evidence or parameters says so and stops).
macro_rules! require {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(result) => return result,
        }
    };
}

mod files;
mod git;
mod human;
mod supply;

pub(super) use files::{ci_activity, document, guideline_topic, policy_statement};

use super::{RuleCtx, RuleResult};

/// A built-in rule implementation.
pub(crate) type RuleFn = fn(&RuleCtx<'_>) -> RuleResult;

/// All built-in rules by id.
pub(crate) const BUILTIN: &[&[(&str, RuleFn)]] =
    &[files::RULES, git::RULES, human::RULES, supply::RULES];

/// A parameter that is a list of strings (`id-prefixes = ["SR", "REQ"]`); `param_f64` and
/// `param_u64` read the numeric ones.
pub(super) fn param_strings(ctx: &RuleCtx<'_>, name: &str) -> Result<Vec<String>, RuleResult> {
    let wrong = || {
        RuleResult::unknown(format!(
            "rule {} has no list-of-strings parameter `{name}`",
            ctx.rule.id
        ))
    };
    match ctx.param(name)? {
        Some(toml::Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<Vec<String>>>()
            .ok_or_else(wrong),
        _ => Err(wrong()),
    }
}

/// The implementation of a built-in rule.
pub fn builtin(id: &str) -> Option<RuleFn> {
    BUILTIN
        .iter()
        .flat_map(|group| group.iter())
        .find(|(rule, _)| *rule == id)
        .map(|(_, f)| *f)
}

/// The parameters each built-in rule reads (`RuleCtx::param_*`), by rule id; a rule that reads
/// none is not listed. Each one has its default in the rule's `[rule.params]` and is named in its
/// `implementation` (tests/catalog.rs checks both); reading any other is unknown.
pub const PARAMS: &[(&str, &[&str])] = &[
    ("advisory-db-fresh", &["max-age-days"]),
    ("attestations-not-expiring", &["within-days"]),
    ("changes-reviewed", &["min-share"]),
    ("codeowners-coverage", &["min-share"]),
    ("commits-signed", &["min-share"]),
    ("release-tags-signed", &["recent-releases", "min-share"]),
    ("releases-recorded", &["recent-releases"]),
    ("review-independent", &["min-share"]),
    ("security-fixes-timely", &["max-days"]),
    ("security-policy-present", &["min-words"]),
    ("security-fixes-traceable", &["max-unreleased-days"]),
    ("threat-model-fresh", &["max-age-days"]),
];

/// The parameters built-in rule `id` reads.
pub fn params(id: &str) -> &'static [&'static str] {
    PARAMS
        .iter()
        .find(|(rule, _)| *rule == id)
        .map_or(&[], |(_, names)| names)
}

/// Every built-in rule id, sorted.
pub fn builtin_ids() -> Vec<&'static str> {
    let mut ids: Vec<&str> = BUILTIN
        .iter()
        .flat_map(|group| group.iter().map(|(id, _)| *id))
        .collect();
    ids.sort_unstable();
    ids
}
