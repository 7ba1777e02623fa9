//! The report: everything a renderer may show. Its serde form is `report.json`, a stable
//! contract (see `schema_version`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::config::{Config, Product};
use crate::eval::maturity::{PracticeMaturity, RequirementMaturity};
use crate::eval::{Evaluation, Finding, Outcome, Status, WaiverStatus};
use crate::facts::Facts;

/// Bumped on every incompatible change of the JSON form.
pub const SCHEMA_VERSION: u32 = 1;

/// The JSON Schema (draft 2020-12) of `report.json`; the package carries it.
pub const SCHEMA: &str = include_str!("../schema/report.schema.json");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    /// RFC 3339, from `--current-time`, `SOURCE_DATE_EPOCH` or the clock.
    pub generated_at: String,
    pub product: Product,
    /// Where the configuration came from, if anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
    pub summary: Summary,
    pub practices: Vec<PracticeReport>,
    pub requirements: Vec<RequirementReport>,
    /// Every rule's finding, sorted by rule id.
    pub findings: Vec<Finding>,
    /// Every configured waiver with its reason and whether it was used, unused or expired.
    pub waivers: Vec<WaiverStatus>,
    /// The collected facts, with provenance.
    pub evidence: Facts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Requirements per status.
    pub requirements: BTreeMap<String, usize>,
    pub rules_passed: usize,
    pub rules_failed: usize,
    pub rules_unknown: usize,
    /// Rules that had nothing to judge: they count neither way.
    #[serde(default)]
    pub rules_not_applicable: usize,
    /// Rules at level deny that failed: each one makes `check` exit 1.
    pub denied: Vec<String>,
    /// Rules at level deny that ended unknown: each one makes `check` exit 1 unless
    /// `--allow-unknown` names it (the gate fails closed).
    #[serde(default)]
    pub undecided: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeReport {
    pub id: String,
    pub name: String,
    /// Self-assessment maturity indicator (not an auditor's verdict), with why and what next.
    pub maturity: PracticeMaturity,
    /// Requirements per status.
    pub statuses: BTreeMap<String, usize>,
    pub requirements: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequirementReport {
    pub id: String,
    pub practice: String,
    pub title: String,
    pub status: Status,
    /// Which evidence decided the status.
    pub reason: String,
    pub decided_by: Vec<String>,
    /// Current attestations that cover the requirement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attestations: Vec<String>,
    /// Expired attestations: they count as absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expired_attestations: Vec<String>,
    /// `None` when the requirement is scoped out.
    pub maturity: Option<RequirementMaturity>,
    pub ssdf: Vec<String>,
    pub cra: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_period_days: Option<u32>,
    /// The findings of every rule that supports this requirement.
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn new(
        catalog: &Catalog,
        config: &Config,
        facts: Facts,
        evaluation: Evaluation,
        maturity: Vec<(String, PracticeMaturity)>,
        generated_at: String,
    ) -> Report {
        let requirement_maturity = |id: &str| {
            maturity
                .iter()
                .flat_map(|(_, m)| m.requirements.iter())
                .find(|r| r.id == id)
                .cloned()
        };
        let requirements: Vec<RequirementReport> = catalog
            .requirements
            .iter()
            .zip(&evaluation.requirements)
            .map(|(req, st)| RequirementReport {
                id: req.id.clone(),
                practice: req.practice.clone(),
                title: req.title.clone(),
                status: st.status,
                reason: st.reason.clone(),
                decided_by: st.decided_by.clone(),
                attestations: st.attestations.clone(),
                expired_attestations: st.expired_attestations.clone(),
                maturity: requirement_maturity(&req.id),
                ssdf: req.ssdf.clone(),
                cra: req.cra.clone(),
                review_period_days: req.review_period_days,
                findings: evaluation
                    .findings
                    .iter()
                    .filter(|f| f.requirements.contains(&req.id))
                    .cloned()
                    .collect(),
            })
            .collect();
        let count_statuses = |reqs: &mut dyn Iterator<Item = &RequirementReport>| {
            let mut m = BTreeMap::new();
            for r in reqs {
                *m.entry(r.status.as_str().to_string()).or_insert(0) += 1;
            }
            m
        };
        let practices = catalog
            .practices
            .iter()
            .map(|p| PracticeReport {
                id: p.id.clone(),
                name: p.name.clone(),
                maturity: maturity
                    .iter()
                    .find(|(id, _)| *id == p.id)
                    .map(|(_, m)| m.clone())
                    .unwrap_or_else(|| crate::eval::maturity::practice_maturity(Vec::new())),
                statuses: count_statuses(&mut requirements.iter().filter(|r| r.practice == p.id)),
                requirements: requirements
                    .iter()
                    .filter(|r| r.practice == p.id)
                    .map(|r| r.id.clone())
                    .collect(),
            })
            .collect();
        let outcome_count = |o: Outcome| {
            evaluation
                .findings
                .iter()
                .filter(|f| f.outcome == o)
                .count()
        };
        let summary = Summary {
            requirements: count_statuses(&mut requirements.iter()),
            rules_passed: outcome_count(Outcome::Pass),
            rules_failed: outcome_count(Outcome::Fail),
            rules_unknown: outcome_count(Outcome::Unknown),
            rules_not_applicable: outcome_count(Outcome::NotApplicable),
            denied: evaluation
                .findings
                .iter()
                .filter(|f| f.is_denied())
                .map(|f| f.rule.clone())
                .collect(),
            undecided: evaluation
                .findings
                .iter()
                .filter(|f| f.level == crate::catalog::Level::Deny && f.outcome == Outcome::Unknown)
                .map(|f| f.rule.clone())
                .collect(),
        };
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: env!("CARGO_PKG_NAME").to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
            generated_at,
            product: config.product.clone(),
            config: config.source.clone(),
            summary,
            practices,
            requirements,
            findings: evaluation.findings,
            waivers: evaluation.waivers,
            evidence: facts,
        }
    }

    /// True when a deny-level rule failed: `check` exits 1.
    pub fn has_denied(&self) -> bool {
        !self.summary.denied.is_empty()
    }
}
