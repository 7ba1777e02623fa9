//! Evaluation: pure functions from facts, catalogue, configuration and a point in time to
//! findings and requirement statuses. Nothing here reads a file or the clock.

mod check;
pub mod rules;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::catalog::{Catalog, Level, Rule};
use crate::config::{Config, Waiver};
use crate::facts::{EvidenceRef, Facts};

/// The result of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Pass,
    Fail,
    /// The rule could not evaluate: its evidence is missing, partial or unreadable.
    /// Never counted as a pass.
    Unknown,
}

/// What a rule implementation returns.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleResult {
    pub outcome: Outcome,
    /// Lower-case, no trailing period: what was found.
    pub message: String,
    pub evidence: Vec<EvidenceRef>,
    /// Advisory waivers (`[[waiver]]` with an advisory id) this rule applied.
    pub waivers_used: Vec<String>,
}

impl RuleResult {
    /// Record the advisory waivers that this result applied.
    pub fn with_waivers(mut self, ids: Vec<String>) -> Self {
        self.waivers_used = ids;
        self
    }

    pub fn pass(message: impl Into<String>, evidence: Vec<EvidenceRef>) -> Self {
        Self {
            outcome: Outcome::Pass,
            message: message.into(),
            evidence,
            waivers_used: Vec::new(),
        }
    }

    pub fn fail(message: impl Into<String>, evidence: Vec<EvidenceRef>) -> Self {
        Self {
            outcome: Outcome::Fail,
            message: message.into(),
            evidence,
            waivers_used: Vec::new(),
        }
    }

    pub fn unknown(message: impl Into<String>) -> Self {
        Self {
            outcome: Outcome::Unknown,
            message: message.into(),
            evidence: Vec::new(),
            waivers_used: Vec::new(),
        }
    }
}

/// Everything a rule may read.
pub struct RuleCtx<'a> {
    pub facts: &'a Facts,
    pub config: &'a Config,
    pub rule: &'a Rule,
    /// The rule's parameters: catalogue defaults overridden by `[rules.<id>]`.
    pub params: BTreeMap<String, toml::Value>,
    pub now: OffsetDateTime,
}

impl RuleCtx<'_> {
    /// A numeric parameter. The catalogue meta-tests make sure every parameter a built-in rule
    /// reads has a default, so a missing one is a programming error reported as unknown.
    pub fn param_f64(&self, name: &str) -> Result<f64, RuleResult> {
        match self.params.get(name) {
            Some(toml::Value::Float(f)) => Ok(*f),
            Some(toml::Value::Integer(i)) => Ok(*i as f64),
            _ => Err(RuleResult::unknown(format!(
                "rule {} has no numeric parameter `{name}`",
                self.rule.id
            ))),
        }
    }

    pub fn param_u64(&self, name: &str) -> Result<u64, RuleResult> {
        match self.params.get(name) {
            Some(toml::Value::Integer(i)) if *i >= 0 => Ok(*i as u64),
            _ => Err(RuleResult::unknown(format!(
                "rule {} has no non-negative integer parameter `{name}`",
                self.rule.id
            ))),
        }
    }

    pub fn param_str(&self, name: &str) -> Result<&str, RuleResult> {
        match self.params.get(name) {
            Some(toml::Value::String(s)) => Ok(s),
            _ => Err(RuleResult::unknown(format!(
                "rule {} has no string parameter `{name}`",
                self.rule.id
            ))),
        }
    }

    pub fn param_strs(&self, name: &str) -> Result<Vec<&str>, RuleResult> {
        match self.params.get(name) {
            Some(toml::Value::Array(a)) => Ok(a.iter().filter_map(|v| v.as_str()).collect()),
            _ => Err(RuleResult::unknown(format!(
                "rule {} has no list parameter `{name}`",
                self.rule.id
            ))),
        }
    }
}

/// One evaluated rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub requirements: Vec<String>,
    /// The effective level: the catalogue default or the configured override.
    pub level: Level,
    pub outcome: Outcome,
    pub message: String,
    pub evidence: Vec<EvidenceRef>,
    /// Present when the outcome is not a pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    /// The waiver that accepts this failure, if one holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waived: Option<Waiver>,
    /// Advisory waivers the rule applied to its own evidence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waivers_used: Vec<String>,
}

impl Finding {
    /// Fails the run: a deny-level rule that failed and is not waived.
    pub fn is_denied(&self) -> bool {
        self.level == Level::Deny && self.counts_as_failure()
    }

    /// A failure that no waiver accepts.
    pub fn counts_as_failure(&self) -> bool {
        self.outcome == Outcome::Fail && self.waived.is_none()
    }
}

/// What became of a configured waiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WaiverState {
    /// It holds and accepted at least one failure.
    Used,
    /// It holds but matched nothing: remove it.
    Unused,
    /// Past its expiry: counts as absent.
    Expired,
}

/// A configured waiver and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaiverStatus {
    #[serde(flatten)]
    pub waiver: Waiver,
    pub state: WaiverState,
}

/// A requirement's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Satisfied,
    Partial,
    NotSatisfied,
    Unknown,
    NotApplicable,
    Waived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Satisfied => "satisfied",
            Status::Partial => "partial",
            Status::NotSatisfied => "not-satisfied",
            Status::Unknown => "unknown",
            Status::NotApplicable => "not-applicable",
            Status::Waived => "waived",
        }
    }
}

/// The status of one requirement and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequirementStatus {
    pub id: String,
    pub status: Status,
    /// One sentence: which evidence decided the status.
    pub reason: String,
    /// The rules whose findings counted (level warn or deny).
    pub decided_by: Vec<String>,
}

/// Everything evaluation produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// One finding per rule, sorted by rule id.
    pub findings: Vec<Finding>,
    /// One status per requirement, in catalogue order.
    pub requirements: Vec<RequirementStatus>,
    /// Every configured waiver, in configuration order.
    pub waivers: Vec<WaiverStatus>,
}

/// Evaluate every rule and derive every requirement's status.
///
/// Status from automated findings (rules at level allow are shown but do not count):
/// - declared not applicable (SM-5 scoping in the configuration) → not-applicable;
/// - no counted rule → unknown, and the reason says which attestation would decide it;
/// - a failure accepted by an active waiver counts as neither pass nor fail;
/// - some pass and some fail, or some pass and some are unknown → partial;
/// - none passes and at least one fails → not-satisfied;
/// - no failure left, but at least one waived → waived;
/// - every counted rule passes → satisfied;
/// - all unknown → unknown.
pub fn evaluate(
    facts: &Facts,
    catalog: &Catalog,
    config: &Config,
    now: OffsetDateTime,
) -> Evaluation {
    let mut findings: Vec<Finding> = catalog
        .rules
        .iter()
        .map(|rule| evaluate_rule(facts, rule, config, now))
        .collect();
    findings.sort_by(|a, b| a.rule.cmp(&b.rule));

    let requirements = catalog
        .requirements
        .iter()
        .map(|req| {
            if let Some(na) = config.not_applicable(&req.id) {
                return RequirementStatus {
                    id: req.id.clone(),
                    status: Status::NotApplicable,
                    reason: format!(
                        "declared not applicable: {} (approved by {})",
                        na.justification, na.approver
                    ),
                    decided_by: Vec::new(),
                };
            }
            let counted: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.level != Level::Allow && f.requirements.contains(&req.id))
                .collect();
            requirement_status(&req.id, &req.attestation, &counted)
        })
        .collect();
    let waivers = config
        .waivers
        .iter()
        .map(|w| {
            let state = if !w.is_active(now) {
                WaiverState::Expired
            } else if findings.iter().any(|f| {
                f.waived.as_ref().is_some_and(|x| x.id == w.id) || f.waivers_used.contains(&w.id)
            }) {
                WaiverState::Used
            } else {
                WaiverState::Unused
            };
            WaiverStatus {
                waiver: w.clone(),
                state,
            }
        })
        .collect();
    Evaluation {
        findings,
        requirements,
        waivers,
    }
}

fn requirement_status(id: &str, attestation: &str, counted: &[&Finding]) -> RequirementStatus {
    let decided_by = counted.iter().map(|f| f.rule.clone()).collect::<Vec<_>>();
    let is_pass = |f: &&&Finding| f.outcome == Outcome::Pass;
    let is_fail = |f: &&&Finding| f.counts_as_failure();
    let is_waived = |f: &&&Finding| f.outcome == Outcome::Fail && f.waived.is_some();
    let is_unknown = |f: &&&Finding| f.outcome == Outcome::Unknown;
    let names = |pred: &dyn Fn(&&&Finding) -> bool| {
        counted
            .iter()
            .filter(|f| pred(f))
            .map(|f| f.rule.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (pass, fail, waived, unknown) = (
        names(&is_pass),
        names(&is_fail),
        names(&is_waived),
        names(&is_unknown),
    );
    let (status, reason) = if counted.is_empty() {
        (
            Status::Unknown,
            format!(
                "no automated evidence; an attestation must state: {}",
                attestation.split_whitespace().collect::<Vec<_>>().join(" ")
            ),
        )
    } else if !fail.is_empty() && !pass.is_empty() {
        (
            Status::Partial,
            format!("rules fail: {fail}; rules pass: {pass}"),
        )
    } else if !fail.is_empty() {
        (Status::NotSatisfied, format!("rules fail: {fail}"))
    } else if !waived.is_empty() {
        (
            Status::Waived,
            format!("failures accepted by waivers: {waived}"),
        )
    } else if !unknown.is_empty() && !pass.is_empty() {
        (
            Status::Partial,
            format!("rules pass: {pass}; rules could not evaluate: {unknown}"),
        )
    } else if !unknown.is_empty() {
        (
            Status::Unknown,
            format!("rules could not evaluate: {unknown}"),
        )
    } else {
        (Status::Satisfied, format!("automated rules pass: {pass}"))
    };
    RequirementStatus {
        id: id.to_string(),
        status,
        reason,
        decided_by,
    }
}

fn evaluate_rule(facts: &Facts, rule: &Rule, config: &Config, now: OffsetDateTime) -> Finding {
    let settings = config.rules.get(&rule.id);
    let level = settings.and_then(|s| s.level).unwrap_or(rule.default_level);
    let mut params = rule.params.clone();
    if let Some(s) = settings {
        params.extend(s.params.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let ctx = RuleCtx {
        facts,
        config,
        rule,
        params,
        now,
    };
    let result = match (&rule.check, rules::builtin(&rule.id)) {
        (Some(c), _) => check::run(c, facts),
        (None, Some(f)) => f(&ctx),
        (None, None) => RuleResult::unknown(format!("rule {} has no implementation", rule.id)),
    };
    let remediation =
        (result.outcome != Outcome::Pass).then(|| rule.remediation.trim().to_string());
    let mut evidence = result.evidence;
    evidence.sort();
    evidence.dedup();
    let waived = (result.outcome == Outcome::Fail)
        .then(|| config.active_waiver(&rule.id, now).cloned())
        .flatten();
    Finding {
        rule: rule.id.clone(),
        requirements: rule.requirements.clone(),
        level,
        outcome: result.outcome,
        message: result.message,
        evidence,
        remediation,
        waived,
        waivers_used: result.waivers_used,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &str, outcome: Outcome) -> Finding {
        Finding {
            rule: rule.into(),
            requirements: vec!["DM-1".into()],
            level: Level::Warn,
            outcome,
            message: String::new(),
            evidence: vec![],
            remediation: None,
            waived: None,
            waivers_used: vec![],
        }
    }

    #[test]
    fn status_combinations() {
        use Outcome::*;
        let cases: &[(&[Outcome], Status)] = &[
            (&[], Status::Unknown),
            (&[Pass], Status::Satisfied),
            (&[Pass, Pass], Status::Satisfied),
            (&[Pass, Fail], Status::Partial),
            (&[Pass, Unknown], Status::Partial),
            (&[Fail], Status::NotSatisfied),
            (&[Fail, Unknown], Status::NotSatisfied),
            (&[Unknown], Status::Unknown),
            (&[Unknown, Unknown], Status::Unknown),
        ];
        for (outcomes, want) in cases {
            let fs: Vec<Finding> = outcomes
                .iter()
                .enumerate()
                .map(|(i, o)| finding(&format!("r{i}"), *o))
                .collect();
            let refs: Vec<&Finding> = fs.iter().collect();
            let got = requirement_status("DM-1", "a statement", &refs);
            assert_eq!(got.status, *want, "{outcomes:?}");
        }
    }

    #[test]
    fn waived_failures_count_as_neither_pass_nor_fail() {
        let waiver = Waiver {
            id: "r0".into(),
            reason: "accepted".into(),
            owner: "someone".into(),
            expires: "2027-01-01".into(),
            expires_on: None,
        };
        let mut waived = finding("r0", Outcome::Fail);
        waived.waived = Some(waiver);
        let pass = finding("r1", Outcome::Pass);
        let fail = finding("r2", Outcome::Fail);
        let unknown = finding("r3", Outcome::Unknown);
        let status = |fs: &[&Finding]| requirement_status("DM-1", "x", fs).status;
        assert_eq!(status(&[&waived]), Status::Waived);
        assert_eq!(status(&[&waived, &pass]), Status::Waived);
        assert_eq!(status(&[&waived, &fail]), Status::NotSatisfied);
        assert_eq!(status(&[&waived, &unknown]), Status::Waived);
        let mut denied = waived.clone();
        denied.level = Level::Deny;
        assert!(
            !denied.is_denied(),
            "a waived failure must not fail the run"
        );
        denied.waived = None;
        assert!(denied.is_denied());
    }

    #[test]
    fn unknown_without_rules_says_what_attestation_is_needed() {
        let got = requirement_status("SM-4", "the training register is current", &[]);
        assert_eq!(got.status, Status::Unknown);
        assert!(
            got.reason.contains("the training register is current"),
            "{}",
            got.reason
        );
    }
}
