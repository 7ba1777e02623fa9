//! Rules over the human records (`facts::human`): roles, training, attestations, scoping.

use std::collections::BTreeSet;

use super::RuleFn;
use crate::eval::{RuleCtx, RuleResult, accepted, attestation_is_current, attestation_problems};
use crate::facts::EvidenceRef;
use crate::facts::human::Attestation;

pub(super) const RULES: &[(&str, RuleFn)] = &[
    ("roles-assigned", roles_assigned),
    ("attestations-by-role-holders", attestations_by_role_holders),
    ("training-current", training_current),
    ("attestations-current", attestations_current),
    ("attestations-not-expiring", attestations_not_expiring),
    ("attestations-committed", attestations_committed),
    ("attestations-accepted", attestations_accepted),
    ("scoping-approved", scoping_approved),
];

fn attestation_ref(a: &Attestation) -> EvidenceRef {
    EvidenceRef::Attestation {
        path: a.file.path.clone(),
        sha256: a.file.sha256.clone(),
    }
}

/// The attestations current by their dates at the time of the run, accepted or not.
fn current<'a>(ctx: &RuleCtx<'a>) -> Vec<&'a Attestation> {
    ctx.facts
        .human
        .attestations
        .iter()
        .filter(|a| attestation_is_current(a, ctx.now))
        .collect()
}

/// The attestations that count at the time of the run: current and acceptable.
fn counted<'a>(ctx: &RuleCtx<'a>) -> Vec<&'a Attestation> {
    ctx.facts
        .human
        .attestations
        .iter()
        .filter(|a| accepted(a, ctx.facts, ctx.config, ctx.now))
        .collect()
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
    let current = current(ctx);
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
    for a in current(ctx) {
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
    // An expired attestation is a problem only when nothing that counts replaces it.
    let counted = counted(ctx);
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
            .filter(|r| !counted.iter().any(|b| b.requirements.contains(r)))
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
    let current = counted(ctx);
    if current.is_empty() {
        return RuleResult::unknown("no current accepted attestation");
    }
    let horizon = ctx
        .days_after_now(days)
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

fn attestations_accepted(ctx: &RuleCtx<'_>) -> RuleResult {
    let current = current(ctx);
    if current.is_empty() {
        return RuleResult::unknown(format!(
            "no current attestation in {} to check",
            ctx.facts.human.directory
        ));
    }
    let mut rejected = Vec::new();
    let mut evidence = Vec::new();
    for a in &current {
        let problems = attestation_problems(a, ctx.facts, ctx.config, ctx.now);
        if !problems.is_empty() {
            rejected.push(format!("{} ({})", a.file.path, problems.join("; ")));
            evidence.push(attestation_ref(a));
        }
    }
    if rejected.is_empty() {
        let signed = ctx
            .config
            .attest
            .allowed_signers
            .as_deref()
            .map(|f| format!(", signed by the approver's key in {f}"))
            .unwrap_or_default();
        RuleResult::pass(
            format!(
                "{} current attestations, each acceptable: references resolved, committed and \
                 dated no later than the commit that added it, owner and approver distinct role \
                 holders with current training, the approver no team alias{signed}",
                current.len()
            ),
            current.iter().map(|a| attestation_ref(a)).collect(),
        )
    } else {
        RuleResult::fail(
            format!(
                "not accepted, so counted as absent: {}",
                rejected.join(", ")
            ),
            evidence,
        )
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
        return RuleResult::not_applicable(
            "every requirement is in scope; nothing was scoped out, so there is no decision to check",
            vec![],
        );
    }
    if ctx.facts.human.roles.is_none() {
        return RuleResult::unknown(format!(
            "{} requirements scoped out, but no roles file to check their approvers",
            decisions.len()
        ));
    }
    let evidence: Vec<EvidenceRef> = decisions
        .iter()
        .map(|d| EvidenceRef::Config {
            path: source.clone(),
            key: format!("not-applicable {}", d.requirement),
        })
        .collect();
    let unknown: Vec<String> = decisions
        .iter()
        .filter(|d| crate::eval::scoping_problem(d, ctx.facts).is_some())
        .map(|d| format!("{} (approver {})", d.requirement, d.approver))
        .collect();
    if unknown.is_empty() {
        RuleResult::pass(
            format!(
                "{} scoping decisions, each approved by a holder of a security role",
                decisions.len()
            ),
            evidence,
        )
    } else {
        RuleResult::fail(
            format!(
                "scoping approved by someone who holds no security role: {}",
                unknown.join(", ")
            ),
            evidence,
        )
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::config::{Config, NotApplicable};
    use crate::eval::{Outcome, testing};
    use crate::facts::human::{HumanFacts, Reference, Role, Roles, SignerCheck, TrainingRecord};
    use crate::facts::{Facts, FileRef};

    const NOW: &str = "2026-06-01T12:00:00Z";

    fn file(path: &str) -> FileRef {
        FileRef {
            path: path.into(),
            sha256: "0".repeat(64),
        }
    }

    fn roles() -> Roles {
        let mut roles = BTreeMap::new();
        roles.insert(
            "security-officer".to_string(),
            Role {
                description: "owns the SDL".into(),
                holders: vec!["Grace".into()],
                security: false,
            },
        );
        roles.insert(
            "psirt-lead".to_string(),
            Role {
                description: "runs intake".into(),
                holders: vec!["Ada".into()],
                security: false,
            },
        );
        Roles {
            file: Some(file("sdl/roles.toml")),
            roles,
            teams: Vec::new(),
        }
    }

    fn trained(person: &str, expires: &str) -> TrainingRecord {
        TrainingRecord {
            person: person.into(),
            topic: "secure coding".into(),
            date: "2026-01-01".into(),
            expires: expires.into(),
        }
    }

    fn run(id: &str, human: HumanFacts, config: &Config) -> RuleResult {
        let facts = Facts {
            human,
            ..Facts::nothing(NOW, "not in this test")
        };
        testing::outcome(id, &facts, config, testing::at(NOW))
    }

    /// One acceptable attestation by Ada (psirt-lead), approved by Grace (security-officer),
    /// both trained until 2027, dated and committed on 2026-01-10.
    fn attested(valid_until: &str) -> HumanFacts {
        let mut a =
            crate::eval::tests::genuine("sdl/attestations/dm-1.toml", "2026-01-10", valid_until);
        a.owner = "Ada".into();
        a.owner_role = "psirt-lead".into();
        a.approver = "Grace".into();
        a.approver_role = "security-officer".into();
        HumanFacts {
            directory: "sdl/attestations".into(),
            attestations: vec![a],
            roles: Some(roles()),
            training_file: Some(file("sdl/training.toml")),
            training: vec![trained("Ada", "2027-01-01"), trained("Grace", "2027-01-01")],
            signers_file: None,
        }
    }

    #[test]
    fn each_human_rule_passes_fails_and_is_unknown() {
        let cfg = Config::default();
        let none = HumanFacts::default();
        // (rule, facts, expected)
        let cases: Vec<(&str, HumanFacts, Outcome)> = vec![
            ("roles-assigned", attested("2027-01-01"), Outcome::Pass),
            ("roles-assigned", none.clone(), Outcome::Fail),
            (
                "attestations-by-role-holders",
                attested("2027-01-01"),
                Outcome::Pass,
            ),
            (
                "attestations-by-role-holders",
                none.clone(),
                Outcome::Unknown,
            ),
            (
                "attestations-by-role-holders",
                {
                    let mut h = attested("2027-01-01");
                    h.attestations[0].approver = "Ada".into();
                    h
                },
                Outcome::Fail,
            ),
            ("training-current", attested("2027-01-01"), Outcome::Pass),
            (
                "training-current",
                {
                    let mut h = attested("2027-01-01");
                    h.training[0].expires = "2026-05-31".into();
                    h
                },
                Outcome::Fail,
            ),
            ("training-current", none.clone(), Outcome::Fail),
            (
                "attestations-current",
                attested("2027-01-01"),
                Outcome::Pass,
            ),
            (
                "attestations-current",
                attested("2026-05-31"),
                Outcome::Fail,
            ),
            ("attestations-current", none.clone(), Outcome::Unknown),
            (
                "attestations-not-expiring",
                attested("2027-01-01"),
                Outcome::Pass,
            ),
            (
                "attestations-not-expiring",
                attested("2026-06-20"),
                Outcome::Fail,
            ),
            ("attestations-not-expiring", none.clone(), Outcome::Unknown),
            (
                "attestations-committed",
                attested("2027-01-01"),
                Outcome::Unknown,
            ),
            ("scoping-approved", none.clone(), Outcome::NotApplicable),
            (
                "attestations-accepted",
                attested("2027-01-01"),
                Outcome::Pass,
            ),
            ("attestations-accepted", none.clone(), Outcome::Unknown),
            (
                "attestations-accepted",
                attested("2026-05-31"),
                Outcome::Unknown,
            ),
        ];
        for (id, human, want) in cases {
            let got = run(id, human, &cfg);
            assert_eq!(got.outcome, want, "{id}: {}", got.message);
        }
    }

    /// The signing policy of `[attest] allowed-signers`.
    fn signing() -> Config {
        let mut config = Config::default();
        config.attest.allowed_signers = Some("sdl/allowed_signers".into());
        config
    }

    /// The last-change commit signed: `verdict`, by a key listed for `principals`.
    fn signed(h: &mut HumanFacts, verdict: &str, principals: Option<&str>) {
        let commit = h.attestations[0].commit.as_mut().unwrap();
        commit.signature = Some("ssh".into());
        commit.signer = Some(SignerCheck {
            verdict: verdict.into(),
            principals: principals.map(Into::into),
            fingerprint: Some("SHA256:abc".into()),
            why: (verdict != "valid").then(|| "the signature does not match".into()),
        });
    }

    /// Every condition of acceptance, one broken at a time: the rule fails naming the file and
    /// the reason, and the attestation counts for nothing in `evaluate` (so that status
    /// combination, maturity and the rule agree).
    #[test]
    fn each_condition_of_acceptance() {
        type Edit = fn(&mut HumanFacts);
        // (case, edit, configuration signs, expected fragment; "" = accepted)
        let cases: Vec<(&str, Edit, bool, &str)> = vec![
            ("genuine", |_| {}, false, ""),
            (
                "no reference",
                |h| h.attestations[0].references.clear(),
                false,
                "it names no reference",
            ),
            (
                "placeholder statement",
                |h| h.attestations[0].statement = "done".into(),
                false,
                "its statement `done` is a placeholder",
            ),
            (
                "commit reference unknown",
                |h| {
                    h.attestations[0].references[1] = Reference::Commit {
                        id: "abcdef1".into(),
                        resolved: None,
                        unresolved: Some("names no commit in the repository".into()),
                    }
                },
                false,
                "reference commit:abcdef1 names no commit in the repository",
            ),
            (
                "commit reference never checked",
                |h| {
                    h.attestations[0].references[1] = Reference::Commit {
                        id: "abcdef1".into(),
                        resolved: None,
                        unresolved: None,
                    }
                },
                false,
                "reference commit:abcdef1 was not checked against the repository",
            ),
            (
                "not committed",
                |h| {
                    let a = &mut h.attestations[0];
                    a.commit = None;
                    a.added = None;
                    a.uncommitted = Some("not committed".into());
                },
                false,
                "it is not committed as it is: not committed",
            ),
            (
                "no git record at all",
                |h| {
                    h.attestations[0].commit = None;
                },
                false,
                "it has no git record",
            ),
            (
                "adding commit beyond a shallow boundary",
                |h| {
                    let a = &mut h.attestations[0];
                    a.added = None;
                    a.added_unknown = Some("the history is shallow".into());
                },
                false,
                "the commit that added it is not known: the history is shallow",
            ),
            (
                "dated after the commit that added it",
                |h| {
                    h.attestations[0].added = Some(crate::eval::tests::commit_on('a', "2026-01-09"))
                },
                false,
                "it is dated 2026-01-10, after the commit that added it (aaaaaaaaaaaa of 2026-01-09)",
            ),
            (
                "dated on the committer's own day, not the UTC day",
                |h| {
                    let mut c = crate::eval::tests::commit_on('a', "2026-01-09");
                    // 23:30 UTC on the 9th is the 10th in Berlin, where it was committed.
                    c.date = "2026-01-09T23:30:00Z".into();
                    c.committed = Some("2026-01-10T00:30:00+01:00".into());
                    h.attestations[0].added = Some(c);
                },
                false,
                "",
            ),
            (
                "same person",
                |h| h.attestations[0].approver = " ada ".into(),
                false,
                "Ada approves their own attestation",
            ),
            (
                "owner without the role",
                |h| h.attestations[0].owner_role = "security-officer".into(),
                false,
                "its owner Ada does not hold role security-officer in the roles file",
            ),
            (
                "approver without the role",
                |h| h.attestations[0].approver_role = "psirt-lead".into(),
                false,
                "its approver Grace does not hold role psirt-lead in the roles file",
            ),
            ("no roles file", |h| h.roles = None, false, "no roles file"),
            (
                "approver listed as a team",
                |h| h.roles.as_mut().unwrap().teams = vec!["Grace".into()],
                false,
                "its approver Grace is a team alias (the roles file lists it under `teams`)",
            ),
            (
                "approver named as a team",
                |h| {
                    let team = "Security Team";
                    h.attestations[0].approver = team.into();
                    let r = h.roles.as_mut().unwrap();
                    r.roles.get_mut("security-officer").unwrap().holders = vec![team.into()];
                    h.training.push(trained(team, "2027-01-01"));
                },
                false,
                "its approver Security Team is a team alias (its name contains the word \"team\")",
            ),
            (
                "a team may own",
                |h| {
                    let team = "@acme/psirt";
                    h.attestations[0].owner = team.into();
                    let r = h.roles.as_mut().unwrap();
                    r.roles.get_mut("psirt-lead").unwrap().holders = vec![team.into()];
                    h.training.push(trained(team, "2027-01-01"));
                },
                false,
                "",
            ),
            (
                "approver's training expired",
                |h| h.training[1].expires = "2026-05-31".into(),
                false,
                "no current training recorded for its approver Grace",
            ),
            (
                "owner never trained",
                |h| {
                    h.training.remove(0);
                },
                false,
                "no current training recorded for its owner Ada",
            ),
            (
                "no training register",
                |h| h.training_file = None,
                false,
                "no training register",
            ),
            (
                "signature not checked",
                |_| {},
                true,
                "was not checked against sdl/allowed_signers",
            ),
            (
                "unsigned",
                |h| signed(h, "unsigned", None),
                true,
                "is not signed; sdl/allowed_signers requires the approver's SSH signature",
            ),
            (
                "invalid signature",
                |h| signed(h, "invalid", None),
                true,
                "is not valid against sdl/allowed_signers (invalid: the signature does not match)",
            ),
            (
                "unknown signer",
                |h| signed(h, "unknown-signer", None),
                true,
                "(unknown-signer:",
            ),
            (
                "signed by the approver by name",
                |h| signed(h, "valid", Some("Grace")),
                true,
                "",
            ),
            (
                "signed by the approver by e-mail",
                |h| {
                    h.attestations[0].approver = "Grace <Grace@Example.org>".into();
                    let r = h.roles.as_mut().unwrap();
                    r.roles.get_mut("security-officer").unwrap().holders =
                        vec!["Grace <Grace@Example.org>".into()];
                    h.training[1].person = "Grace <Grace@Example.org>".into();
                    signed(h, "valid", Some("ci@example.org,grace@example.org"));
                },
                true,
                "",
            ),
            (
                "signed by the owner",
                |h| signed(h, "valid", Some("Ada")),
                true,
                "self-approved: commit cccccccccccc is signed by a key sdl/allowed_signers lists for its owner Ada (Ada), not for its approver Grace",
            ),
            (
                "one key for both",
                |h| signed(h, "valid", Some("Ada,Grace")),
                true,
                "lists for both its owner and its approver (Ada,Grace)",
            ),
            (
                "signed by someone else",
                |h| signed(h, "valid", Some("Mallory")),
                true,
                "lists for Mallory, not for its approver Grace",
            ),
            (
                "a pattern names nobody",
                |h| signed(h, "valid", Some("*")),
                true,
                "lists for *, not for its approver Grace",
            ),
        ];
        for (case, edit, signs, fragment) in cases {
            let mut h = attested("2027-01-01");
            edit(&mut h);
            let config = if signs { signing() } else { Config::default() };
            let facts = Facts {
                human: h,
                ..Facts::nothing(NOW, "not in this test")
            };
            let got = testing::outcome("attestations-accepted", &facts, &config, testing::at(NOW));
            let a = &facts.human.attestations[0];
            let counts = accepted(a, &facts, &config, testing::at(NOW));
            let evaluation = crate::eval::evaluate(
                &facts,
                &crate::catalog::Catalog::embedded(&crate::eval::rules::builtin_ids()).unwrap(),
                &config,
                testing::at(NOW),
            );
            assert_eq!(evaluation.counts(a), counts, "{case}");
            let dm1 = evaluation
                .requirements
                .iter()
                .find(|r| r.id == "DM-1")
                .unwrap();
            if fragment.is_empty() {
                assert_eq!(got.outcome, Outcome::Pass, "{case}: {}", got.message);
                assert!(counts, "{case}");
                assert_eq!(
                    dm1.attestations,
                    std::slice::from_ref(&a.file.path),
                    "{case}"
                );
            } else {
                assert_eq!(got.outcome, Outcome::Fail, "{case}");
                assert!(
                    got.message.contains(&a.file.path) && got.message.contains(fragment),
                    "{case}: {fragment:?} not in {}",
                    got.message
                );
                assert!(!counts, "{case}");
                assert!(dm1.attestations.is_empty(), "{case}");
                assert_eq!(dm1.rejected_attestations.len(), 1, "{case}");
                assert!(
                    dm1.rejected_attestations[0].why.contains(fragment),
                    "{case}"
                );
                assert!(dm1.reason.contains("attestations not accepted"), "{case}");
            }
        }
    }

    /// A rejected attestation is no successor to an expired one, and warns of no expiry.
    #[test]
    fn only_accepted_attestations_renew_or_expire() {
        let cfg = Config::default();
        let mut h = attested("2026-05-31");
        let mut renewal = crate::eval::tests::genuine(
            "sdl/attestations/dm-1-renewed.toml",
            "2026-05-20",
            "2026-06-10",
        );
        renewal.owner = "Ada".into();
        renewal.owner_role = "psirt-lead".into();
        renewal.approver = "Grace".into();
        renewal.approver_role = "security-officer".into();
        h.attestations.push(renewal);
        assert_eq!(
            run("attestations-current", h.clone(), &cfg).outcome,
            Outcome::Pass
        );
        assert_eq!(
            run("attestations-not-expiring", h.clone(), &cfg).outcome,
            Outcome::Fail
        );
        h.attestations[1].approver_role = "psirt-lead".into();
        let lapsed = run("attestations-current", h.clone(), &cfg);
        assert_eq!(lapsed.outcome, Outcome::Fail, "{}", lapsed.message);
        assert_eq!(
            run("attestations-not-expiring", h, &cfg).outcome,
            Outcome::Unknown
        );
    }

    #[test]
    fn scoping_decisions_need_an_approver_with_a_role() {
        let decision = |approver: &str| Config {
            not_applicable: vec![NotApplicable {
                requirement: "SM-10".into(),
                justification: "no bespoke third-party components in this product".into(),
                approver: approver.into(),
                date: "2026-01-10".into(),
                analysis: "docs/security/threat-model.md#scope".into(),
            }],
            ..Config::default()
        };
        let pass = run(
            "scoping-approved",
            attested("2027-01-01"),
            &decision("Grace"),
        );
        assert_eq!(pass.outcome, Outcome::Pass, "{}", pass.message);
        let fail = run(
            "scoping-approved",
            attested("2027-01-01"),
            &decision("Mallory"),
        );
        assert_eq!(fail.outcome, Outcome::Fail);
        assert!(
            fail.message.contains("SM-10 (approver Mallory)"),
            "{}",
            fail.message
        );
        let unknown = run(
            "scoping-approved",
            HumanFacts::default(),
            &decision("Grace"),
        );
        assert_eq!(unknown.outcome, Outcome::Unknown);
    }

    /// `within-days` from sdl.toml is any non-negative integer; `now` plus that many days
    /// overflowed and panicked. Past the last representable date, everything expires "soon".
    #[test]
    fn a_huge_horizon_does_not_overflow() {
        let facts = Facts {
            human: attested("2027-01-01"),
            ..Facts::nothing(NOW, "not in this test")
        };
        for days in [i64::MAX, 200_000_000] {
            let mut config = Config::default();
            config.rules.insert(
                "attestations-not-expiring".into(),
                crate::config::RuleSettings {
                    level: None,
                    params: [("within-days".to_string(), toml::Value::Integer(days))].into(),
                },
            );
            let got = testing::outcome(
                "attestations-not-expiring",
                &facts,
                &config,
                crate::timefmt::parse(NOW).unwrap(),
            );
            assert_eq!(got.outcome, Outcome::Fail);
        }
    }
}
