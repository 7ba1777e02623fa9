//! The `ci-activity` check over the CI configuration of every system (GitHub Actions, GitLab
//! CI, Azure Pipelines, Jenkins, Buildkite, CircleCI): what the jobs run, each finding citing
//! the chain from the pipeline's step to the command (a workflow line → a Makefile rule → the
//! `cargo test` line), and what could not be seen, which makes "none runs it" unknown.

use super::list;
use crate::eval::{RuleCtx, RuleResult};
use crate::facts::EvidenceRef;
use crate::facts::files::{
    Activity, ActivityKind, CiFacts, CiJob, CiSystem, Link, Pipeline, UnresolvedKind,
};

/// The activities a `ci-activity` check can name (`catalog::CI_ACTIVITIES`).
pub(super) fn activity_kind(name: &str) -> Option<ActivityKind> {
    Some(match name {
        "tests" => ActivityKind::Tests,
        "clippy" => ActivityKind::Clippy,
        "dependency-audit" => ActivityKind::DependencyAudit,
        "fuzzing" => ActivityKind::Fuzzing,
        "static-analysis" => ActivityKind::StaticAnalysis,
        _ => return None,
    })
}

/// `path:line `text`` for each link, joined with arrows.
fn chain(links: &[Link]) -> String {
    links
        .iter()
        .map(|l| format!("{}:{} `{}`", l.file.path, l.line, l.text))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// One activity as a message part: the system, the job, and the chain that shows it.
fn describe(p: &Pipeline, j: &CiJob, a: &Activity) -> String {
    format!("{} job {}: {}", p.system.name(), j.name, chain(&a.chain))
}

/// The pipelines by system: "GitHub Actions: 3, Buildkite: 1".
pub(super) fn summary(ci: &CiFacts) -> String {
    CiSystem::ALL
        .into_iter()
        .filter_map(|s| {
            let n = ci.pipelines.iter().filter(|p| p.system == s).count();
            (n > 0).then(|| format!("{}: {n}", s.name()))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every CI job that performs `kind`: (message parts, evidence: every link of each chain).
pub(super) fn performed(ci: &CiFacts, kind: ActivityKind) -> (Vec<String>, Vec<EvidenceRef>) {
    let mut found = Vec::new();
    let mut evidence: Vec<EvidenceRef> = Vec::new();
    for (p, j, a) in ci.activities(kind) {
        found.push(describe(p, j, a));
        for l in &a.chain {
            let e = l.file.at_line(l.line);
            if !evidence.contains(&e) {
                evidence.push(e);
            }
        }
    }
    (found, evidence)
}

/// What of the CI could not be seen that may perform `kind`, generated pipelines first: any of
/// it may perform an activity found nowhere else. A reference left undecided for one activity
/// (`cargo test $FLAGS`) counts for that activity only.
pub(super) fn blind_spots(ci: &CiFacts, kind: ActivityKind) -> Vec<String> {
    let mut dynamic = Vec::new();
    let mut other = Vec::new();
    for p in &ci.pipelines {
        if let Some(why) = &p.not_analysed {
            other.push(format!(
                "{} {} could not be read: {why}",
                p.system.name(),
                p.file.path
            ));
        }
        for u in p
            .unresolved
            .iter()
            .filter(|u| u.activity.is_none_or(|a| a == kind))
        {
            let line = u.describe(&p.file.path);
            match u.kind {
                UnresolvedKind::Dynamic => dynamic.push(line),
                _ => other.push(line),
            }
        }
    }
    dynamic.extend(other);
    dynamic
}

/// The systems read, for a message about finding none (the report lists where it looked).
fn systems() -> String {
    CiSystem::ALL
        .into_iter()
        .map(CiSystem::name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `ci-activity` check: passes when a CI job performs `activity`, directly or through the
/// files its steps lead to; unknown when none visibly does but part of the CI could not be
/// seen (a pipeline generated at run time, an include outside the repository, a file that
/// could not be read); fails when every pipeline was read and none does, or there is none.
pub(in crate::eval) fn ci_activity(ctx: &RuleCtx<'_>, activity: &str, what: &str) -> RuleResult {
    let Some(kind) = activity_kind(activity) else {
        return RuleResult::unknown(format!(
            "rule {}: `{activity}` is not a CI activity",
            ctx.rule.id
        ));
    };
    let f = file_facts!(ctx);
    let ci = &f.ci;
    let (found, evidence) = performed(ci, kind);
    if !found.is_empty() {
        return RuleResult::pass(format!("CI {what}: {}", list(found, 2)), evidence);
    }
    let pipelines: Vec<EvidenceRef> = ci
        .pipelines
        .iter()
        .map(|p| EvidenceRef::from(&p.file))
        .collect();
    let spots = blind_spots(ci, kind);
    if !spots.is_empty() {
        return RuleResult {
            evidence: pipelines,
            ..RuleResult::unknown(format!(
                "no CI job seen {what} ({}), but part of the CI could not be seen: {}; the rule is \
                 decided once the step that {what} is in a CI file of the repository, or a file \
                 it runs",
                summary(ci),
                list(spots, 3)
            ))
        };
    }
    if ci.pipelines.is_empty() {
        return RuleResult::fail(
            format!(
                "no CI configuration found that {what} (none of {})",
                systems()
            ),
            vec![],
        );
    }
    RuleResult::fail(
        format!(
            "none of the {} CI pipeline(s) ({}) {what}",
            ci.pipelines.len(),
            summary(ci)
        ),
        pipelines,
    )
}

#[cfg(test)]
mod tests;
