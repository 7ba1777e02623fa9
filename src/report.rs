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
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// The JSON Schema (draft 2020-12) of `report.json`; the package carries it.
pub(crate) const SCHEMA: &str = include_str!("../schema/report.schema.json");

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
    /// The catalogue the requirements and rules come from: the standard's edition, the
    /// catalogue version and the hash of its files. (Absent from reports of older versions.)
    #[serde(default)]
    pub catalogue: crate::catalog::CatalogIdentity,
    /// Every departure from the catalogue's defaults that shaped this report.
    #[serde(default)]
    pub tailoring: Tailoring,
    /// Exactly what was assessed: the commit, branch, tags, remote, the work tree's state and
    /// the clock. (Absent from reports of older versions.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessed: Option<Assessed>,
    /// The last releases re-assessed as they were tagged (ML3 reads them): each
    /// requirement's status there.
    #[serde(default)]
    pub reassessed_releases: Vec<ReassessedRelease>,
    /// The organisation-level records the product cites (`[organisation]` in `sdl.toml`);
    /// `cargo sdl portfolio` shows them as inherited. (Absent when none is cited.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<crate::config::OrganisationRef>,
    /// The collected facts, with provenance.
    pub evidence: Facts,
}

/// The assessed object, exactly: an auditor can check out the same commit and see whether the
/// work tree the evidence came from differed from it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Assessed {
    /// The full commit id of HEAD (or of `--rev`), when the workspace is in a git repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The branch HEAD names; absent when detached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    pub detached: bool,
    /// Tags pointing at the commit.
    pub tags: Vec<String>,
    /// The remote's URL, credentials stripped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote: Option<String>,
    /// The workspace's folder relative to the repository's top (`.` when they are the same).
    pub workspace: String,
    /// Which tags were taken for the product's releases, and how many there are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub releases: Option<String>,
    /// Whether the work tree matched the commit's index; absent outside git or with `--rev`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_tree: Option<crate::facts::git::WorkTree>,
    /// The assessment time (RFC 3339) and where it came from: `--current-time`,
    /// `SOURCE_DATE_EPOCH` or `clock`.
    pub time: String,
    pub time_source: String,
    /// Evidence dated after the assessment time (at most
    /// [`MAX_LISTED`](crate::eval::clock::MAX_LISTED)): the report's one warning about the clock.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dated_after: Vec<crate::eval::clock::LaterEvidence>,
    /// How many records are dated after the assessment time in all.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dated_after_count: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A past release re-assessed from its tag's tree and history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReassessedRelease {
    pub tag: String,
    /// The tagged commit (full id).
    pub commit: String,
    /// When it was tagged: the time it was evaluated at.
    pub date: String,
    /// Requirement id → its status at the release.
    pub statuses: BTreeMap<String, Status>,
}

/// Every departure from the catalogue's defaults: an assessor reads here what was tailored, and
/// the configuration file itself is copied into the package under `documents/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tailoring {
    /// The configuration file and its digest; absent when the defaults were used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<crate::facts::FileRef>,
    /// True when `source` is an operator's `--config` file outside the repository: named by
    /// its digest only, it is not in the package.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub source_outside_repository: bool,
    /// Rules whose level differs from the catalogue's default. A lowered level changes the
    /// gate only: the rule's result still decides its requirements.
    pub rule_levels: Vec<LevelChange>,
    /// Rule parameters (thresholds) set to other values than the catalogue's defaults.
    pub parameters: Vec<ParameterChange>,
    /// The ids of the configured waivers (their details and state are in `waivers`).
    pub waivers: Vec<String>,
    /// SM-5 scoping decisions, accepted or not.
    pub not_applicable: Vec<Scoping>,
    /// The waiver policy's maximum, when shortened from 365 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver_max_days: Option<u32>,
}

impl Tailoring {
    /// True when the report follows the catalogue's defaults in every respect.
    pub fn is_empty(&self) -> bool {
        self.rule_levels.is_empty()
            && self.parameters.is_empty()
            && self.waivers.is_empty()
            && self.not_applicable.is_empty()
            && self.waiver_max_days.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelChange {
    pub rule: String,
    pub requirements: Vec<String>,
    pub default: crate::catalog::Level,
    pub configured: crate::catalog::Level,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterChange {
    pub rule: String,
    pub parameter: String,
    /// TOML notation.
    pub default: String,
    pub configured: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scoping {
    #[serde(flatten)]
    pub decision: crate::config::NotApplicable,
    /// False when the requirement was evaluated anyway; `why` says why.
    pub accepted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// The tailoring of this run: `config` against `catalog`'s defaults.
fn tailoring(catalog: &Catalog, config: &Config, facts: &Facts) -> Tailoring {
    let mut rule_levels = Vec::new();
    let mut parameters = Vec::new();
    for rule in &catalog.rules {
        let Some(settings) = config.rules.get(&rule.id) else {
            continue;
        };
        if let Some(level) = settings.level
            && level != rule.default_level
        {
            rule_levels.push(LevelChange {
                rule: rule.id.clone(),
                requirements: rule.requirements.clone(),
                default: rule.default_level,
                configured: level,
            });
        }
        for (name, value) in &settings.params {
            let default = rule.params.get(name);
            if default != Some(value) {
                parameters.push(ParameterChange {
                    rule: rule.id.clone(),
                    parameter: name.clone(),
                    default: default.map(ToString::to_string).unwrap_or_default(),
                    configured: value.to_string(),
                });
            }
        }
    }
    let not_applicable = config
        .not_applicable
        .iter()
        .map(|na| {
            let why = crate::eval::scoping_problem(na, facts);
            Scoping {
                decision: na.clone(),
                accepted: why.is_none(),
                why,
            }
        })
        .collect();
    Tailoring {
        source: config.source_file.clone(),
        source_outside_repository: config.source_outside,
        rule_levels,
        parameters,
        waivers: config.waivers.iter().map(|w| w.id.clone()).collect(),
        not_applicable,
        waiver_max_days: (config.waiver_policy.max_days != crate::config::MAX_WAIVER_DAYS)
            .then_some(config.waiver_policy.max_days),
    }
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
    /// Current attestations that are not acceptable, with why: they count as absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected_attestations: Vec<crate::eval::RejectedAttestation>,
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
        releases: &[crate::eval::maturity::ReleaseEvaluation],
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
                rejected_attestations: st.rejected_attestations.clone(),
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
            assessed: None,
            catalogue: catalog.identity().clone(),
            reassessed_releases: releases
                .iter()
                .map(|r| ReassessedRelease {
                    tag: r.tag.clone(),
                    commit: r.commit.clone(),
                    date: r.date.clone(),
                    statuses: r
                        .evaluation
                        .requirements
                        .iter()
                        .map(|s| (s.id.clone(), s.status))
                        .collect(),
                })
                .collect(),
            tailoring: tailoring(catalog, config, &facts),
            organisation: config.organisation.clone(),
            evidence: facts,
        }
    }

    /// True when a deny-level rule failed: `check` exits 1.
    pub(crate) fn has_denied(&self) -> bool {
        !self.summary.denied.is_empty()
    }
}
