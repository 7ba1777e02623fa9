//! The maturity indicator per practice, ML1 Initial … ML4 Improving. It is our conservative
//! self-assessment rule, not an auditor's verdict; `docs/maturity.md` states it for users and
//! `cargo sdl explain` repeats it:
//!
//! - **ML2 Managed**: the requirement is satisfied or partial (never not-satisfied or
//!   unknown), it has a current document of the kind the catalogue names for it (where it
//!   names one; the document rules judge its substance and freshness), and a current
//!   attestation;
//! - **ML3 Defined (practiced)**: it is ML2, and the rules were re-evaluated at each of the
//!   last N release tags (default 2) reading the tree and history at the tag, where the
//!   requirement was satisfied or partial; the attestations that name a release were committed
//!   before that tag and name tags that exist. Without release tags ML3 is not reachable, and
//!   the report says why;
//! - **ML4 Improving**: it is ML3, its practice's metrics are structured records dated by the
//!   commits that added them and covering at least two review periods, improvement actions
//!   record an owner and a closing commit or date, and DM-6 and SM-13 (the evidence that
//!   metrics and improvements are used) are satisfied or partial;
//! - expired attestations count for nothing; a practice is as mature as its least mature
//!   applicable requirement, so status and maturity never contradict each other.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{Evaluation, Status, attestation_is_current};
use crate::catalog::{Catalog, Requirement};
use crate::facts::Facts;
use crate::facts::human::Attestation;

/// The rule, as `cargo sdl explain maturity` prints it and `docs/maturity.md` states it (a test
/// keeps the two the same).
pub const RULE: &str = "ML1 Initial: the requirement lacks what ML2 needs.\nML2 Managed: the requirement is satisfied or partial (never not-satisfied or unknown); it has a current document of the kind the catalogue names for it, where it names one (the document rules judge its substance and its review); and a current attestation covers it.\nML3 Defined: it is ML2, and the last N release tags (default 2, `[maturity] releases`) were re-assessed as they were tagged: the repository's files read from the tag's tree, its history walked up to the tag, the Cargo.lock committed there, and only the attestations committed before the tag. The requirement was satisfied or partial at each of them, and every release an attestation names is a tag that exists and was tagged after the attestation was committed. Without release tags (or with a shallow history) ML3 is not reachable, and the report says why.\nML4 Improving: it is ML3; structured metric records (sdl/metrics/*.toml, each `[[metric]]` with name, value and period) are dated by the commits that added them and lie at least one review period apart; an improvement action (sdl/improvements.toml) names an owner who holds an SDL role and a closing commit or date; and DM-6 and SM-13 (the review of the practice and its improvement) are satisfied or partial.\nExpired attestations count for nothing. A practice is as mature as its least mature applicable requirement, so a card never shows a high level beside a failing status. The levels are a self-assessment indicator computed by this documented rule, not an auditor's verdict.";

/// Level names as the report prints them.
pub(crate) const LABELS: [&str; 4] = ["ML1 Initial", "ML2 Managed", "ML3 Defined", "ML4 Improving"];

/// A past release re-evaluated as it was tagged.
#[derive(Debug, Clone)]
pub struct ReleaseEvaluation {
    pub tag: String,
    pub commit: String,
    /// RFC 3339: when it was tagged (the time it was evaluated at).
    pub date: String,
    pub evaluation: Evaluation,
}

/// What the maturity rule reads besides the current evaluation, gathered once.
#[derive(Debug, Clone, Default)]
pub struct MaturityInputs {
    /// Documents found, as (kind, path).
    pub documents: Vec<(String, String)>,
    /// Every tag name of the repository, when git history was collected.
    pub tags: Option<Vec<String>>,
    /// Why there are no release tags to re-evaluate, if there are none.
    pub no_releases: Option<String>,
    /// How many releases ML3 asks for.
    pub releases_needed: usize,
    /// Structured metrics and improvement records (ML4).
    pub improvement: Improvement,
}

/// What ML4 reads: structured metrics dated by their commits, and closed improvement actions.
#[derive(Debug, Clone, Default)]
pub struct Improvement {
    /// Dates (commit dates, `YYYY-MM-DD`) of the metric records, oldest first.
    pub metric_dates: Vec<time::Date>,
    /// Improvement actions with an owner and a closing commit or date.
    pub closed_actions: usize,
    /// Why ML4's records are missing or unreadable, when they are.
    pub missing: Option<String>,
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

/// What ML4 reads from the improvement records: metric files dated by commits (only those
/// holding metrics), and closed actions whose owner holds an SDL role.
pub fn improvement(facts: &Facts, now: OffsetDateTime) -> Improvement {
    let records = match facts.improvement.get() {
        Ok(r) => r,
        Err(why) => {
            return Improvement {
                missing: Some(format!("readable improvement records ({why})")),
                ..Improvement::default()
            };
        }
    };
    let mut metric_dates: Vec<time::Date> = records
        .metric_files
        .iter()
        .filter(|f| !f.metrics.is_empty())
        .filter_map(|f| f.committed.as_deref())
        .filter_map(|d| crate::timefmt::parse(d).ok())
        .map(|t| t.to_offset(time::UtcOffset::UTC).date())
        .collect();
    metric_dates.sort();
    let today = now.to_offset(time::UtcOffset::UTC).date().to_string();
    let roles = facts.human.roles.as_ref();
    let closed_actions = records
        .improvements
        .iter()
        .filter(|a| roles.is_some_and(|r| r.knows(&a.owner)))
        .filter(|a| {
            a.closing_commit_found == Some(true)
                || a.closed.as_deref().is_some_and(|d| d <= today.as_str())
        })
        .count();
    Improvement {
        metric_dates,
        closed_actions,
        missing: None,
    }
}

/// Gather the inputs from the facts.
pub fn inputs(facts: &Facts, releases_needed: usize, improvement: Improvement) -> MaturityInputs {
    let git = facts.git.get().ok();
    let no_releases = match git {
        None => Some(format!(
            "git history is unavailable ({})",
            facts.git.get().err().unwrap_or_default()
        )),
        Some(g) if g.shallow || g.partial.is_some() => {
            Some("the git history is shallow or partial, so past releases cannot be read".into())
        }
        Some(g) if g.releases.is_empty() => Some(format!(
            "no tag matches {}",
            if g.release_tags.is_empty() {
                format!("the release tag pattern `{}`", g.release_tag_pattern)
            } else {
                g.release_tags.clone()
            }
        )),
        Some(_) => None,
    };
    MaturityInputs {
        documents: crate::facts::documents(facts),
        tags: git.map(|g| g.tag_list.iter().map(|t| t.name.clone()).collect()),
        no_releases,
        releases_needed,
        improvement,
    }
}

/// The maturity of one requirement.
pub(crate) fn requirement_maturity(
    req: &Requirement,
    eval: &Evaluation,
    releases: &[ReleaseEvaluation],
    attestations: &[Attestation],
    inputs: &MaturityInputs,
    practice_evidence: &BTreeMap<&str, Status>,
    now: OffsetDateTime,
) -> Option<RequirementMaturity> {
    let status = eval.requirements.iter().find(|s| s.id == req.id)?;
    if status.status == Status::NotApplicable {
        return None;
    }
    let at = |level: u8, why: String, next: Option<String>| RequirementMaturity {
        id: req.id.clone(),
        level,
        why,
        next,
    };
    let good = |s: Status| matches!(s, Status::Satisfied | Status::Partial);

    // ML2: satisfied or partial, a current document of its kind, a current attestation.
    let current: Vec<&Attestation> = attestations
        .iter()
        .filter(|a| a.requirements.contains(&req.id) && attestation_is_current(a, now))
        .collect();
    let docs: Vec<&str> = inputs
        .documents
        .iter()
        .filter(|(kind, _)| req.documents.contains(kind))
        .map(|(_, path)| path.as_str())
        .collect();
    let mut missing = Vec::new();
    if !good(status.status) {
        missing.push(format!(
            "the requirement satisfied or partial (it is {})",
            status.status.as_str()
        ));
    }
    if !req.documents.is_empty() && docs.is_empty() {
        missing.push(format!("a current {} document", req.documents.join(" or ")));
    }
    if current.is_empty() {
        missing.push(format!(
            "a current attestation stating: {}",
            one_line(&req.attestation)
        ));
    }
    if !missing.is_empty() {
        return Some(at(
            1,
            format!("not yet managed: it lacks {}", missing.join("; ")),
            Some(format!("ML2 needs {}", missing.join("; "))),
        ));
    }
    let mut ml2_why = format!(
        "{} and attested in {}",
        status.status.as_str(),
        current
            .iter()
            .map(|a| a.file.path.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !docs.is_empty() {
        ml2_why.push_str(&format!("; documented in {}", docs.join(", ")));
    }

    // ML3: practiced at each of the last N releases, as they were tagged.
    let n = inputs.releases_needed.max(1);
    if let Some(why) = &inputs.no_releases {
        return Some(at(
            2,
            ml2_why,
            Some(format!(
                "ML3 is not reachable: {why}; it needs the requirement re-evaluated at each of \
                 the last {n} release tags"
            )),
        ));
    }
    let mut blocked = Vec::new();
    if releases.len() < n {
        blocked.push(format!(
            "{n} release tags to re-evaluate, but the history has {}",
            releases.len()
        ));
    }
    let mut practiced = Vec::new();
    for r in releases.iter().take(n) {
        match r.evaluation.requirements.iter().find(|s| s.id == req.id) {
            Some(s) if good(s.status) => practiced.push(format!(
                "{} ({}, {})",
                r.tag,
                short(&r.commit),
                s.status.as_str()
            )),
            Some(s) => blocked.push(format!(
                "at {} it was {}: {}",
                r.tag,
                s.status.as_str(),
                one_line(&s.reason)
            )),
            None => blocked.push(format!("at {} it was not evaluated", r.tag)),
        }
    }
    // Attestations that claim releases must name real tags, made before they were tagged.
    for a in attestations
        .iter()
        .filter(|a| a.requirements.contains(&req.id))
    {
        for tag in &a.releases {
            let exists = inputs.tags.as_ref().is_some_and(|t| t.contains(tag));
            if !exists {
                blocked.push(format!(
                    "{} names release `{tag}`, which is no tag",
                    a.file.path
                ));
                continue;
            }
            if let Some(r) = releases.iter().find(|r| &r.tag == tag) {
                let committed = a
                    .commit
                    .as_ref()
                    .and_then(|c| crate::timefmt::parse(&c.date).ok());
                let tagged = crate::timefmt::parse(&r.date).ok();
                if !matches!((committed, tagged), (Some(c), Some(t)) if c <= t) {
                    blocked.push(format!(
                        "{} names release {tag} but was not committed before it was tagged",
                        a.file.path
                    ));
                }
            }
        }
    }
    if !blocked.is_empty() {
        return Some(at(
            2,
            ml2_why,
            Some(format!("ML3 needs {}", blocked.join("; "))),
        ));
    }
    let ml3_why = format!("practiced at {}", practiced.join(" and "));

    // ML4: structured metrics over two review periods, closed improvement actions, and the
    // practices that use them (DM-6, SM-13) in place.
    let period = i64::from(req.review_period_days.unwrap_or(365));
    let imp = &inputs.improvement;
    let mut lacks = Vec::new();
    if let Some(why) = &imp.missing {
        lacks.push(why.clone());
    }
    match (imp.metric_dates.first(), imp.metric_dates.last()) {
        (Some(a), Some(b)) if (*b - *a).whole_days() >= period => {}
        _ => lacks.push(format!(
            "structured metric records (sdl/metrics/*.toml) whose commits lie at least {period} \
             days apart"
        )),
    }
    if imp.closed_actions == 0 {
        lacks.push(
            "an improvement action with an owner and a closing commit or date \
             (sdl/improvements.toml)"
                .into(),
        );
    }
    for id in ["DM-6", "SM-13"] {
        match practice_evidence.get(id) {
            Some(s) if good(*s) => {}
            Some(s) => lacks.push(format!("{id} satisfied or partial (it is {})", s.as_str())),
            None => {}
        }
    }
    if lacks.is_empty() {
        return Some(at(
            4,
            format!(
                "{ml3_why}; metrics recorded over two review periods and improvement actions closed"
            ),
            None,
        ));
    }
    Some(at(
        3,
        format!("{ml2_why}; {ml3_why}"),
        Some(format!("ML4 needs {}", lacks.join("; "))),
    ))
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
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
    releases: &[ReleaseEvaluation],
    inputs: &MaturityInputs,
    now: OffsetDateTime,
) -> Vec<(String, PracticeMaturity)> {
    let statuses: BTreeMap<&str, Status> = eval
        .requirements
        .iter()
        .map(|r| (r.id.as_str(), r.status))
        .collect();
    catalog
        .practices
        .iter()
        .map(|p| {
            let levels = catalog
                .requirements
                .iter()
                .filter(|r| r.practice == p.id)
                .filter_map(|r| {
                    requirement_maturity(
                        r,
                        eval,
                        releases,
                        &facts.human.attestations,
                        inputs,
                        &statuses,
                        now,
                    )
                })
                .collect();
            (p.id.clone(), practice_maturity(levels))
        })
        .collect()
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::tests::attestation;
    use crate::eval::{RequirementStatus, Status};

    fn requirement(documents: &[&str]) -> Requirement {
        Requirement {
            id: "DM-1".into(),
            practice: "DM".into(),
            title: "t".into(),
            summary: "s".into(),
            review_period_days: Some(365),
            ssdf: vec![],
            ssdf_judgement: vec![],
            cra: vec![],
            automated: String::new(),
            attestation: "the intake procedure".into(),
            documents: documents.iter().map(|d| d.to_string()).collect(),
            rules: vec![],
        }
    }

    fn evaluation(status: Status) -> Evaluation {
        Evaluation {
            findings: vec![],
            requirements: vec![RequirementStatus {
                id: "DM-1".into(),
                status,
                reason: "r".into(),
                decided_by: vec![],
                attestations: vec![],
                expired_attestations: vec![],
                rejected_attestations: vec![],
            }],
            waivers: vec![],
            attestations: vec![],
        }
    }

    fn release(tag: &str, date: &str, status: Status) -> ReleaseEvaluation {
        ReleaseEvaluation {
            tag: tag.into(),
            commit: "c".repeat(40),
            date: date.into(),
            evaluation: evaluation(status),
        }
    }

    /// Everything ML4 needs, which each case then takes away one piece of.
    fn full() -> (
        Evaluation,
        Vec<ReleaseEvaluation>,
        Vec<Attestation>,
        MaturityInputs,
        BTreeMap<&'static str, Status>,
    ) {
        let mut a = attestation("sdl/attestations/dm-1.toml", "2026-01-01", "2026-12-31");
        a.commit = Some(crate::facts::human::CommitRecord {
            id: "a".repeat(40),
            author: "Ada".into(),
            date: "2026-01-02T00:00:00Z".into(),
            signature: None,
            committed: None,
            signer: None,
        });
        let inputs = MaturityInputs {
            documents: vec![("process".into(), "docs/process.md".into())],
            tags: Some(vec!["v1.0.0".into(), "v1.1.0".into()]),
            no_releases: None,
            releases_needed: 2,
            improvement: Improvement {
                metric_dates: vec![
                    time::macros::date!(2025 - 01 - 10),
                    time::macros::date!(2026 - 01 - 20),
                ],
                closed_actions: 1,
                missing: None,
            },
        };
        (
            evaluation(Status::Satisfied),
            vec![
                release("v1.1.0", "2026-03-01T00:00:00Z", Status::Satisfied),
                release("v1.0.0", "2026-02-01T00:00:00Z", Status::Partial),
            ],
            vec![a],
            inputs,
            [("DM-6", Status::Satisfied), ("SM-13", Status::Partial)].into(),
        )
    }

    fn level(
        req: &Requirement,
        (e, r, a, i, p): &(
            Evaluation,
            Vec<ReleaseEvaluation>,
            Vec<Attestation>,
            MaturityInputs,
            BTreeMap<&'static str, Status>,
        ),
    ) -> (u8, String) {
        let now = crate::timefmt::parse("2026-06-01T00:00:00Z").unwrap();
        let m = requirement_maturity(req, e, r, a, i, p, now).unwrap();
        (m.level, m.next.unwrap_or_default())
    }

    #[test]
    fn each_level_boundary() {
        let req = requirement(&["process"]);
        assert_eq!(level(&req, &full()).0, 4);

        // ML4 → ML3: one piece of the improvement evidence missing.
        let mut c = full();
        c.3.improvement.metric_dates.pop();
        assert_eq!(level(&req, &c), (3, level(&req, &c).1));
        assert!(level(&req, &c).1.contains("365 days apart"));
        let mut c = full();
        c.3.improvement.closed_actions = 0;
        assert_eq!(level(&req, &c).0, 3);
        let mut c = full();
        c.4.insert("DM-6", Status::Unknown);
        assert!(level(&req, &c).1.contains("DM-6 satisfied or partial"));

        // ML3 → ML2: a release where it did not hold, too few releases, no releases, a claim.
        let mut c = full();
        c.1[1] = release("v1.0.0", "2026-02-01T00:00:00Z", Status::NotSatisfied);
        assert_eq!(level(&req, &c).0, 2);
        let mut c = full();
        c.1.pop();
        assert!(level(&req, &c).1.contains("2 release tags to re-evaluate"));
        let mut c = full();
        c.3.no_releases = Some("no tag matches".into());
        assert!(level(&req, &c).1.contains("ML3 is not reachable"));
        let mut c = full();
        c.2[0].releases = vec!["v9.9.9".into()];
        assert!(level(&req, &c).1.contains("which is no tag"));
        let mut c = full();
        c.2[0].releases = vec!["v1.0.0".into()];
        c.2[0].commit.as_mut().unwrap().date = "2026-02-15T00:00:00Z".into();
        assert!(
            level(&req, &c)
                .1
                .contains("not committed before it was tagged")
        );

        // ML2 → ML1: not satisfied, no document, no or an expired attestation.
        let mut c = full();
        c.0 = evaluation(Status::NotSatisfied);
        assert_eq!(level(&req, &c).0, 1);
        let mut c = full();
        c.0 = evaluation(Status::Unknown);
        assert_eq!(level(&req, &c).0, 1);
        let mut c = full();
        c.3.documents.clear();
        assert_eq!(level(&req, &c).0, 1);
        assert_eq!(
            level(&requirement(&[]), &c).0,
            4,
            "no document kind named: none needed"
        );
        let mut c = full();
        c.2.clear();
        assert_eq!(level(&req, &c).0, 1);
        let mut c = full();
        c.2[0].valid_until = "2026-05-31".into();
        assert_eq!(
            level(&req, &c).0,
            1,
            "an expired attestation counts for nothing"
        );
    }

    #[test]
    fn the_documented_rule_is_the_code_s() {
        let doc = include_str!("../../docs/maturity.md");
        for line in RULE.lines() {
            assert!(
                doc.contains(&format!("- {line}")),
                "docs/maturity.md lacks: {line}"
            );
        }
    }
}
