//! The maturity indicator per practice, ML1 Initial … ML4 Improving. It is our conservative
//! self-assessment rule, not an auditor's verdict (see DESIGN.md §2):
//!
//! - **ML2 Managed**: the requirement has a current documented process — a current
//!   attestation, or a document of one of the kinds the catalogue names for it;
//! - **ML3 Defined**: it also has records that it was practiced — passing automated evidence
//!   (no failing rule) over at least N releases (default 2) or 12 months of history, or
//!   attestations that list each of the last N releases;
//! - **ML4 Improving**: metrics were recorded in attestations over at least two review periods
//!   and improvement actions are recorded;
//! - a practice is as mature as its least mature applicable requirement.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{Evaluation, Outcome, Status, attestation_is_current};
use crate::catalog::{Catalog, Requirement};
use crate::facts::Facts;
use crate::facts::human::Attestation;

/// Level names as the report prints them.
pub(crate) const LABELS: [&str; 4] = ["ML1 Initial", "ML2 Managed", "ML3 Defined", "ML4 Improving"];

/// What the maturity rule needs from the facts, gathered once.
#[derive(Debug, Clone, Default)]
pub struct MaturityInputs {
    /// Documents found, as (kind, path).
    pub documents: Vec<(String, String)>,
    /// Release tags, newest first, when git history was collected.
    pub releases: Option<Vec<String>>,
    /// Days between the oldest and newest commit, when git history was collected.
    pub history_days: Option<i64>,
    /// How many releases of records ML3 asks for.
    pub releases_needed: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequirementMaturity {
    pub id: String,
    /// 1 … 4.
    pub level: u8,
    /// Why it has this level.
    pub why: String,
    /// What exactly would lift it one level; absent at ML4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeMaturity {
    /// 1 … 4; `None` when every requirement is scoped out.
    pub level: Option<u8>,
    pub label: String,
    /// One sentence: why the practice has its level.
    pub why: String,
    /// What would lift it one level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// The requirements that hold the practice at its level.
    pub limited_by: Vec<String>,
    pub requirements: Vec<RequirementMaturity>,
    pub note: String,
}

/// Gather the inputs from the facts.
pub fn inputs(facts: &Facts, releases_needed: usize) -> MaturityInputs {
    MaturityInputs {
        documents: crate::facts::documents(facts),
        releases: crate::facts::release_tags(facts),
        history_days: crate::facts::history_days(facts),
        releases_needed,
    }
}

/// The maturity of one requirement.
pub(crate) fn requirement_maturity(
    req: &Requirement,
    eval: &Evaluation,
    attestations: &[Attestation],
    inputs: &MaturityInputs,
    now: OffsetDateTime,
) -> Option<RequirementMaturity> {
    let status = eval.requirements.iter().find(|s| s.id == req.id)?;
    if status.status == Status::NotApplicable {
        return None;
    }
    let mine: Vec<&Attestation> = attestations
        .iter()
        .filter(|a| a.requirements.contains(&req.id))
        .collect();
    let current: Vec<&&Attestation> = mine
        .iter()
        .filter(|a| attestation_is_current(a, now))
        .collect();
    let docs: Vec<&str> = inputs
        .documents
        .iter()
        .filter(|(kind, _)| req.documents.contains(kind))
        .map(|(_, path)| path.as_str())
        .collect();
    let at = |level: u8, why: String, next: Option<String>| RequirementMaturity {
        id: req.id.clone(),
        level,
        why,
        next,
    };

    // ML2: a documented process.
    let mut documented: Vec<String> = current.iter().map(|a| a.file.path.clone()).collect();
    documented.extend(docs.iter().map(|d| d.to_string()));
    if documented.is_empty() {
        let doc_hint = if req.documents.is_empty() {
            String::new()
        } else {
            format!("a {} document, or ", req.documents.join(" or "))
        };
        return Some(at(
            1,
            "no current documented process".into(),
            Some(format!(
                "ML2 needs {doc_hint}a current attestation stating: {}",
                one_line(&req.attestation)
            )),
        ));
    }
    let ml2_why = format!("documented in {}", documented.join(", "));

    // ML3: records that it was practiced.
    let n = inputs.releases_needed.max(1);
    let findings: Vec<_> = eval
        .findings
        .iter()
        .filter(|f| f.requirements.contains(&req.id) && f.level != crate::catalog::Level::Allow)
        .collect();
    let automated_ok = !findings.is_empty()
        && findings.iter().any(|f| f.outcome == Outcome::Pass)
        && !findings.iter().any(|f| f.counts_as_failure());
    let history_ok = inputs.releases.as_ref().is_some_and(|r| r.len() >= n)
        || inputs.history_days.is_some_and(|d| d >= 365);
    let attested_releases: Vec<&str> = mine
        .iter()
        .flat_map(|a| a.releases.iter().map(String::as_str))
        .collect();
    let wanted: Option<Vec<&str>> = inputs
        .releases
        .as_ref()
        .map(|r| r.iter().take(n).map(String::as_str).collect());
    let release_records_ok = match &wanted {
        Some(w) if w.len() >= n => w.iter().all(|t| attested_releases.contains(t)),
        _ => {
            let mut distinct = attested_releases.clone();
            distinct.sort_unstable();
            distinct.dedup();
            distinct.len() >= n
        }
    };
    let ml3_why = if automated_ok && history_ok {
        Some(format!(
            "automated evidence passes over {}",
            match &inputs.releases {
                Some(r) if r.len() >= n => format!(
                    "the releases {}",
                    r.iter().take(n).cloned().collect::<Vec<_>>().join(", ")
                ),
                _ => format!("{} days of history", inputs.history_days.unwrap_or(0)),
            }
        ))
    } else if release_records_ok {
        Some(format!("attested records for releases {}", {
            let mut d = attested_releases.clone();
            d.sort_unstable();
            d.dedup();
            d.join(", ")
        }))
    } else {
        None
    };
    let Some(ml3_why) = ml3_why else {
        let missing = match &wanted {
            Some(w) if !w.is_empty() => {
                let m: Vec<&str> = w
                    .iter()
                    .filter(|t| !attested_releases.contains(t))
                    .copied()
                    .collect();
                format!("an attestation listing `releases` {}", m.join(", "))
            }
            _ => format!("attestations listing {n} releases in `releases`"),
        };
        let auto = if findings.is_empty() {
            String::new()
        } else if automated_ok {
            format!(
                " (automated rules pass, but the history covers fewer than {n} releases or 12 months)"
            )
        } else {
            " (or its automated rules passing over that period)".to_string()
        };
        return Some(at(
            2,
            ml2_why,
            Some(format!(
                "ML3 needs records that it was practiced for each of the last {n} releases: {missing}{auto}"
            )),
        ));
    };

    // ML4: metrics over two review periods, and improvement actions.
    let period = i64::from(req.review_period_days.unwrap_or(365));
    let mut metric_dates: Vec<time::Date> = mine
        .iter()
        .filter(|a| !a.metrics.is_empty())
        .filter_map(|a| parse_day(&a.date))
        .collect();
    metric_dates.sort();
    let spans_two_periods = match (metric_dates.first(), metric_dates.last()) {
        (Some(a), Some(b)) => metric_dates.len() >= 2 && (*b - *a).whole_days() >= period,
        _ => false,
    };
    let improvements = mine.iter().any(|a| !a.improvements.is_empty());
    if spans_two_periods && improvements {
        return Some(at(
            4,
            format!("{ml3_why}; metrics recorded over two review periods with improvement actions"),
            None,
        ));
    }
    Some(at(
        3,
        format!("{ml2_why}; {ml3_why}"),
        Some(format!(
            "ML4 needs metrics recorded in attestations at least {period} days apart{}",
            if improvements {
                ""
            } else {
                ", and improvement actions (`improvements`)"
            }
        )),
    ))
}

/// The maturity of one practice: the lowest of its applicable requirements.
pub fn practice_maturity(levels: Vec<RequirementMaturity>) -> PracticeMaturity {
    let note = "self-assessment indicator computed by cargo-sdl's documented rule; not an auditor's verdict".to_string();
    let Some(min) = levels.iter().map(|r| r.level).min() else {
        return PracticeMaturity {
            level: None,
            label: "not applicable".into(),
            why: "every requirement of the practice is scoped out".into(),
            next: None,
            limited_by: Vec::new(),
            requirements: levels,
            note,
        };
    };
    let lowest: Vec<&RequirementMaturity> = levels.iter().filter(|r| r.level == min).collect();
    let limited_by: Vec<String> = lowest.iter().map(|r| r.id.clone()).collect();
    let why = if min == 1 {
        format!(
            "{} without a current documented process",
            limited_by.join(", ")
        )
    } else {
        format!(
            "every applicable requirement reaches ML{min}; lowest: {}",
            lowest
                .iter()
                .map(|r| format!("{} ({})", r.id, r.why))
                .collect::<Vec<_>>()
                .join("; ")
        )
    };
    let next = (min < 4).then(|| {
        lowest
            .iter()
            .filter_map(|r| r.next.as_ref().map(|n| format!("{}: {n}", r.id)))
            .collect::<Vec<_>>()
            .join("; ")
    });
    PracticeMaturity {
        level: Some(min),
        label: LABELS[usize::from(min - 1)].to_string(),
        why,
        next,
        limited_by,
        requirements: levels,
        note,
    }
}

/// Every practice's maturity, in catalogue order.
pub fn assess(
    facts: &Facts,
    catalog: &Catalog,
    eval: &Evaluation,
    releases_needed: usize,
    now: OffsetDateTime,
) -> Vec<(String, PracticeMaturity)> {
    let inputs = inputs(facts, releases_needed);
    catalog
        .practices
        .iter()
        .map(|p| {
            let levels = catalog
                .requirements
                .iter()
                .filter(|r| r.practice == p.id)
                .filter_map(|r| {
                    requirement_maturity(r, eval, &facts.human.attestations, &inputs, now)
                })
                .collect();
            (p.id.clone(), practice_maturity(levels))
        })
        .collect()
}

fn parse_day(s: &str) -> Option<time::Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &fmt).ok()
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
