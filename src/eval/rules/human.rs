//! Rules over the human records (`facts::attest`): roles, training, attestations, scoping.

use std::collections::BTreeSet;

use super::RuleFn;
use crate::eval::{RuleCtx, RuleResult, attestation_is_current};
use crate::facts::EvidenceRef;
use crate::facts::attest::Attestation;

pub(super) const RULES: &[(&str, RuleFn)] = &[
    ("roles-assigned", roles_assigned),
    ("attestations-by-role-holders", attestations_by_role_holders),
    ("training-current", training_current),
    ("attestations-current", attestations_current),
    ("attestations-not-expiring", attestations_not_expiring),
    ("attestations-committed", attestations_committed),
    ("scoping-approved", scoping_approved),
];

fn attestation_ref(a: &Attestation) -> EvidenceRef {
    EvidenceRef::Attestation {
        path: a.file.path.clone(),
        sha256: a.file.sha256.clone(),
    }
}

fn today(ctx: &RuleCtx<'_>) -> String {
    ctx.now.to_offset(time::UtcOffset::UTC).date().to_string()
}

fn roles_assigned(ctx: &RuleCtx<'_>) -> RuleResult {
    let Some(roles) = &ctx.facts.human.roles else {
        return RuleResult::fail("no roles file names who holds which SDL role", vec![]);
    };
    let evidence: Vec<EvidenceRef> = roles.file.iter().map(EvidenceRef::from).collect();
    if roles.roles.is_empty() {
        return RuleResult::fail("the roles file defines no role", evidence);
    }
    let people: BTreeSet<&str> = roles
        .roles
        .values()
        .flat_map(|r| r.holders.iter().map(String::as_str))
        .collect();
    RuleResult::pass(
        format!(
            "{} roles held by {} people",
            roles.roles.len(),
            people.len()
        ),
        evidence,
    )
}

fn attestations_by_role_holders(ctx: &RuleCtx<'_>) -> RuleResult {
    let human = &ctx.facts.human;
    let current: Vec<&Attestation> = human
        .attestations
        .iter()
        .filter(|a| attestation_is_current(a, ctx.now))
        .collect();
    if current.is_empty() {
        return RuleResult::unknown("no current attestation to check");
    }
    let Some(roles) = &human.roles else {
        return RuleResult::unknown(
            "no roles file: owners' and approvers' roles cannot be checked",
        );
    };
    let mut problems = Vec::new();
    let mut evidence: Vec<EvidenceRef> = roles.file.iter().map(EvidenceRef::from).collect();
    for a in &current {
        if !roles.holds(&a.owner, &a.owner_role) {
            problems.push(format!(
                "{}: owner {} does not hold role {}",
                a.file.path, a.owner, a.owner_role
            ));
            evidence.push(attestation_ref(a));
        }
        if !roles.holds(&a.approver, &a.approver_role) {
            problems.push(format!(
                "{}: approver {} does not hold role {}",
                a.file.path, a.approver, a.approver_role
            ));
            evidence.push(attestation_ref(a));
        }
        if a.owner == a.approver {
            problems.push(format!(
                "{}: {} approves their own attestation",
                a.file.path, a.owner
            ));
            evidence.push(attestation_ref(a));
        }
    }
    if problems.is_empty() {
        RuleResult::pass(
            format!(
                "{} current attestations, each owned and approved by role holders",
                current.len()
            ),
            current.iter().map(|a| attestation_ref(a)).collect(),
        )
    } else {
        RuleResult::fail(problems.join("; "), evidence)
    }
}

fn training_current(ctx: &RuleCtx<'_>) -> RuleResult {
    let human = &ctx.facts.human;
    let Some(register) = &human.training_file else {
        return RuleResult::fail(
            "no training register records the SDL roles' security training",
            vec![],
        );
    };
    let today = today(ctx);
    let mut people: BTreeSet<&str> = BTreeSet::new();
    if let Some(roles) = &human.roles {
        people.extend(
            roles
                .roles
                .values()
                .flat_map(|r| r.holders.iter().map(String::as_str)),
        );
    }
    for a in human
        .attestations
        .iter()
        .filter(|a| attestation_is_current(a, ctx.now))
    {
        people.insert(&a.owner);
        people.insert(&a.approver);
    }
    if people.is_empty() {
        return RuleResult::unknown(
            "no role holders or attestation signers whose training could be checked",
        );
    }
    let untrained: Vec<&str> = people
        .iter()
        .filter(|p| {
            !human.training.iter().any(|t| {
                t.person == **p
                    && t.date.as_str() <= today.as_str()
                    && today.as_str() <= t.expires.as_str()
            })
        })
        .copied()
        .collect();
    let evidence = vec![EvidenceRef::from(register)];
    if untrained.is_empty() {
        RuleResult::pass(
            format!("{} people with current training", people.len()),
            evidence,
        )
    } else {
        RuleResult::fail(
            format!("no current training recorded for: {}", untrained.join(", ")),
            evidence,
        )
    }
}

fn attestations_current(ctx: &RuleCtx<'_>) -> RuleResult {
    let human = &ctx.facts.human;
    if human.attestations.is_empty() {
        return RuleResult::unknown(format!("no attestations in {}", human.directory));
    }
    // An expired attestation is a problem only when nothing current replaces it.
    let mut lapsed = Vec::new();
    let mut evidence = Vec::new();
    for a in human
        .attestations
        .iter()
        .filter(|a| !attestation_is_current(a, ctx.now))
    {
        let uncovered: Vec<&str> = a
            .requirements
            .iter()
            .filter(|r| {
                !human
                    .attestations
                    .iter()
                    .any(|b| b.requirements.contains(r) && attestation_is_current(b, ctx.now))
            })
            .map(String::as_str)
            .collect();
        if !uncovered.is_empty() {
            lapsed.push(format!(
                "{} ({}, valid until {})",
                a.file.path,
                uncovered.join(", "),
                a.valid_until
            ));
            evidence.push(attestation_ref(a));
        }
    }
    if lapsed.is_empty() {
        RuleResult::pass(
            format!(
                "{} attestations; none lapsed without a successor",
                human.attestations.len()
            ),
            human.attestations.iter().map(attestation_ref).collect(),
        )
    } else {
        RuleResult::fail(
            format!("expired and not renewed: {}", lapsed.join("; ")),
            evidence,
        )
    }
}

fn attestations_not_expiring(ctx: &RuleCtx<'_>) -> RuleResult {
    let days = require!(ctx.param_u64("within-days"));
    let human = &ctx.facts.human;
    let current: Vec<&Attestation> = human
        .attestations
        .iter()
        .filter(|a| attestation_is_current(a, ctx.now))
        .collect();
    if current.is_empty() {
        return RuleResult::unknown("no current attestation");
    }
    let horizon = (ctx.now + time::Duration::days(days as i64))
        .to_offset(time::UtcOffset::UTC)
        .date()
        .to_string();
    let soon: Vec<&&Attestation> = current
        .iter()
        .filter(|a| a.valid_until.as_str() < horizon.as_str())
        .collect();
    if soon.is_empty() {
        RuleResult::pass(
            format!("no current attestation expires within {days} days"),
            vec![],
        )
    } else {
        RuleResult::fail(
            format!(
                "expiring within {days} days: {}",
                soon.iter()
                    .map(|a| format!("{} (valid until {})", a.file.path, a.valid_until))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            soon.iter().map(|a| attestation_ref(a)).collect(),
        )
    }
}

fn attestations_committed(ctx: &RuleCtx<'_>) -> RuleResult {
    let human = &ctx.facts.human;
    if human.attestations.is_empty() {
        return RuleResult::unknown(format!("no attestations in {}", human.directory));
    }
    if let Err(why) = ctx.facts.git.get() {
        return RuleResult::unknown(format!("git history unavailable: {why}"));
    }
    let mut evidence = Vec::new();
    let mut problems = Vec::new();
    for a in &human.attestations {
        match (&a.commit, &a.uncommitted) {
            (Some(c), None) => evidence.push(EvidenceRef::Commit { id: c.id.clone() }),
            (_, Some(why)) => {
                problems.push(format!("{}: {why}", a.file.path));
                evidence.push(attestation_ref(a));
            }
            (None, None) => {
                problems.push(format!("{}: no commit record", a.file.path));
                evidence.push(attestation_ref(a));
            }
        }
    }
    if problems.is_empty() {
        RuleResult::pass(
            format!(
                "all {} attestations are committed as they are",
                human.attestations.len()
            ),
            evidence,
        )
    } else {
        RuleResult::fail(problems.join("; "), evidence)
    }
}

fn scoping_approved(ctx: &RuleCtx<'_>) -> RuleResult {
    let decisions = &ctx.config.not_applicable;
    let source = ctx
        .config
        .source
        .clone()
        .unwrap_or_else(|| "sdl.toml".into());
    if decisions.is_empty() {
        return RuleResult::pass(
            "every requirement is in scope; nothing was scoped out",
            vec![],
        );
    }
    let Some(roles) = &ctx.facts.human.roles else {
        return RuleResult::unknown(format!(
            "{} requirements scoped out, but no roles file to check their approvers",
            decisions.len()
        ));
    };
    let evidence: Vec<EvidenceRef> = decisions
        .iter()
        .map(|d| EvidenceRef::Config {
            path: source.clone(),
            key: format!("not-applicable {}", d.requirement),
        })
        .collect();
    let unknown: Vec<String> = decisions
        .iter()
        .filter(|d| !roles.knows(&d.approver))
        .map(|d| format!("{} (approver {})", d.requirement, d.approver))
        .collect();
    if unknown.is_empty() {
        RuleResult::pass(
            format!(
                "{} scoping decisions, each approved by a role holder",
                decisions.len()
            ),
            evidence,
        )
    } else {
        RuleResult::fail(
            format!(
                "scoping approved by someone who holds no SDL role: {}",
                unknown.join(", ")
            ),
            evidence,
        )
    }
}
