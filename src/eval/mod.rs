//! Evaluation: pure functions from facts, catalogue, configuration and a point in time to
//! findings and requirement statuses. Nothing here reads a file or the clock.

mod check;
pub mod clock;
pub mod maturity;
pub mod rules;
#[cfg(test)]
pub(crate) mod testing;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::catalog::{Catalog, Level, Rule};
use crate::config::{Config, Waiver};
use crate::facts::human::Attestation;
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
    /// The rule has nothing to judge: its subject is absent (no SBOM kept, no security.txt
    /// published, nothing scoped out, no workflow). Counts neither for nor against a status.
    NotApplicable,
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
    pub(crate) fn with_waivers(mut self, ids: Vec<String>) -> Self {
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

    /// Nothing to judge: the message says which subject is absent.
    pub fn not_applicable(message: impl Into<String>, evidence: Vec<EvidenceRef>) -> Self {
        Self {
            outcome: Outcome::NotApplicable,
            message: message.into(),
            evidence,
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
    /// The parameters the rule's implementation (or its check's evaluator) declares that it
    /// reads: `rules::PARAMS`, `Check::params`. Only these can be read.
    pub declared: &'static [&'static str],
    pub now: OffsetDateTime,
}

impl RuleCtx<'_> {
    /// `now` moved back by `days`, a threshold from sdl.toml: any integer, so the result is
    /// held to the earliest date `time` represents (`Duration::days` and `-` panic past it).
    pub(crate) fn days_before_now(&self, days: u64) -> OffsetDateTime {
        i64::try_from(days)
            .ok()
            .and_then(|d| d.checked_mul(86_400))
            .and_then(|s| self.now.checked_sub(time::Duration::seconds(s)))
            .unwrap_or(time::PrimitiveDateTime::MIN.assume_utc())
    }

    /// `now` moved forward by `days`, held to the latest date `time` represents.
    pub(crate) fn days_after_now(&self, days: u64) -> OffsetDateTime {
        i64::try_from(days)
            .ok()
            .and_then(|d| d.checked_mul(86_400))
            .and_then(|s| self.now.checked_add(time::Duration::seconds(s)))
            .unwrap_or(time::PrimitiveDateTime::MAX.assume_utc())
    }

    /// A declared parameter's value. The catalogue meta-tests make sure that every declared
    /// parameter has a default, so an undeclared or missing one is a programming error,
    /// reported as unknown.
    fn param(&self, name: &str) -> Result<Option<&toml::Value>, RuleResult> {
        if !self.declared.contains(&name) {
            return Err(RuleResult::unknown(format!(
                "rule {} reads an undeclared parameter `{name}`",
                self.rule.id
            )));
        }
        Ok(self.params.get(name))
    }

    /// A numeric parameter.
    pub fn param_f64(&self, name: &str) -> Result<f64, RuleResult> {
        match self.param(name)? {
            Some(toml::Value::Float(f)) => Ok(*f),
            Some(toml::Value::Integer(i)) => Ok(*i as f64),
            _ => Err(RuleResult::unknown(format!(
                "rule {} has no numeric parameter `{name}`",
                self.rule.id
            ))),
        }
    }

    /// A non-negative integer parameter.
    pub fn param_u64(&self, name: &str) -> Result<u64, RuleResult> {
        match self.param(name)? {
            Some(toml::Value::Integer(i)) if *i >= 0 => Ok(*i as u64),
            _ => Err(RuleResult::unknown(format!(
                "rule {} has no non-negative integer parameter `{name}`",
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
    /// Present when the outcome is a failure or unknown.
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
    pub(crate) fn is_denied(&self) -> bool {
        self.level == Level::Deny && self.counts_as_failure()
    }

    /// A failure that no waiver accepts.
    pub(crate) fn counts_as_failure(&self) -> bool {
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
    /// Not acceptable as written (its owner holds no SDL role, or it runs further ahead than
    /// the policy allows): counts as absent; `why` says what to fix.
    Invalid,
}

/// A configured waiver and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaiverStatus {
    #[serde(flatten)]
    pub waiver: Waiver,
    pub state: WaiverState,
    /// Why the waiver is invalid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
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
    /// A status written as text (`report.json`, possibly of another version), ranked: lower is
    /// better, and a higher rank in a newer report is a regression (`diff`, the portfolio's
    /// trends). Text that is no status ranks as the worst.
    pub fn rank_of(s: &str) -> u8 {
        match s {
            "satisfied" | "not-applicable" => 0,
            "waived" => 1,
            "partial" => 2,
            "unknown" => 3,
            _ => 4,
        }
    }

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
    /// The rules whose findings counted (every level; not-applicable ones excepted) and the
    /// attestations.
    pub decided_by: Vec<String>,
    /// Current attestations for the requirement (file paths).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attestations: Vec<String>,
    /// Attestations for the requirement that have expired: they count as absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expired_attestations: Vec<String>,
    /// Attestations for the requirement that are current by their dates but not acceptable
    /// ([`attestation_problems`]): they count as absent, and `why` says what to fix.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected_attestations: Vec<RejectedAttestation>,
}

/// An attestation that counts for nothing although it is current, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedAttestation {
    pub path: String,
    /// Every reason, separated by "; ".
    pub why: String,
}

/// What became of one attestation at the time of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AttestationState {
    /// Current and acceptable: it counts.
    Accepted,
    /// Current by its dates, but not acceptable: it counts for nothing.
    NotAccepted,
    /// Outside its `date` … `valid-until` days: it counts for nothing.
    Expired,
}

/// The verdict on one attestation (by file path), decided once by [`evaluate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttestationVerdict {
    pub path: String,
    pub state: AttestationState,
    /// Why it is not accepted (empty otherwise).
    pub why: Vec<String>,
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
    /// One verdict per attestation, in the order of the facts.
    pub attestations: Vec<AttestationVerdict>,
}

impl Evaluation {
    /// True when the attestation counts (current and acceptable), as status combination
    /// decided it: maturity and every other consumer asks this, so that none disagrees.
    pub fn counts(&self, a: &Attestation) -> bool {
        self.attestations
            .iter()
            .any(|v| v.path == a.file.path && v.state == AttestationState::Accepted)
    }

    /// The facts without the attestations this evaluation did not accept although they are
    /// current: what maturity may count (expired ones stay, for the history of metrics).
    pub fn without_rejected(&self, facts: &Facts) -> Facts {
        let mut judged = facts.clone();
        judged.human.attestations.retain(|a| {
            !self
                .attestations
                .iter()
                .any(|v| v.path == a.file.path && v.state == AttestationState::NotAccepted)
        });
        judged
    }
}

/// Evaluate every rule and derive every requirement's status.
///
/// A requirement's status combines every finding of the rules that map to it — whatever their
/// level: the level decides the gate, never the status — and its current attestations, in
/// this order:
/// 1. declared not applicable (SM-5 scoping, approved by a holder of a security role) →
///    not-applicable;
/// 2. a rule fails and no valid waiver accepts it → not-satisfied: an attestation cannot
///    override failing evidence;
/// 3. failures remain only where valid waivers accept them → waived;
/// 4. every rule that judged passes and a current attestation covers the requirement →
///    satisfied;
/// 5. no rule judged, and a current attestation → satisfied (by attestation);
/// 6. every rule that judged passes but nothing attests the organisational part → partial;
/// 7. some rules could not evaluate, but something passes or is attested → partial;
/// 8. otherwise → unknown, and the reason says what evidence would decide it.
///
/// A rule with nothing to judge (not-applicable) counts neither way, so a requirement whose
/// only "passes" were vacuous is unknown. An attestation is current from its `date` through
/// its `valid-until` day; an expired one counts as absent and is listed. A waiver whose owner
/// holds no SDL role, or that runs longer than the waiver policy allows, accepts nothing.
pub fn evaluate(
    facts: &Facts,
    catalog: &Catalog,
    config: &Config,
    now: OffsetDateTime,
) -> Evaluation {
    // Only valid waivers reach the rules (advisory waivers are applied inside them).
    let problems: Vec<Option<String>> = config
        .waivers
        .iter()
        .map(|w| waiver_problem(w, facts, config, now))
        .collect();
    let mut effective = config.clone();
    effective.waivers = config
        .waivers
        .iter()
        .zip(&problems)
        .filter(|(_, p)| p.is_none())
        .map(|(w, _)| w.clone())
        .collect();
    let mut findings: Vec<Finding> = catalog
        .rules
        .iter()
        .map(|rule| evaluate_rule(facts, rule, &effective, now))
        .collect();
    findings.sort_by(|a, b| a.rule.cmp(&b.rule));
    let verdicts: Vec<AttestationVerdict> = facts
        .human
        .attestations
        .iter()
        .map(|a| attestation_verdict(a, facts, config, now))
        .collect();

    let requirements = catalog
        .requirements
        .iter()
        .map(|req| {
            let mut refused_scoping = None;
            if let Some(na) = config.not_applicable(&req.id) {
                match scoping_problem(na, facts) {
                    None => {
                        return RequirementStatus {
                            id: req.id.clone(),
                            status: Status::NotApplicable,
                            reason: format!(
                                "declared not applicable on {}: {} (approved by {}; analysis: {})",
                                na.date, na.justification, na.approver, na.analysis
                            ),
                            decided_by: Vec::new(),
                            attestations: Vec::new(),
                            expired_attestations: Vec::new(),
                            rejected_attestations: Vec::new(),
                        };
                    }
                    Some(why) => refused_scoping = Some(why),
                }
            }
            let counted: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.outcome != Outcome::NotApplicable && f.requirements.contains(&req.id))
                .collect();
            let vacuous: Vec<&str> = findings
                .iter()
                .filter(|f| f.outcome == Outcome::NotApplicable && f.requirements.contains(&req.id))
                .map(|f| f.rule.as_str())
                .collect();
            let mine = || {
                facts
                    .human
                    .attestations
                    .iter()
                    .zip(&verdicts)
                    .filter(|(a, _)| a.requirements.contains(&req.id))
            };
            let current: Vec<&Attestation> = mine()
                .filter(|(_, v)| v.state == AttestationState::Accepted)
                .map(|(a, _)| a)
                .collect();
            let expired: Vec<&Attestation> = mine()
                .filter(|(_, v)| v.state == AttestationState::Expired)
                .map(|(a, _)| a)
                .collect();
            let rejected: Vec<RejectedAttestation> = mine()
                .filter(|(_, v)| v.state == AttestationState::NotAccepted)
                .map(|(a, v)| RejectedAttestation {
                    path: a.file.path.clone(),
                    why: v.why.join("; "),
                })
                .collect();
            let mut status = requirement_status(&req.id, &req.attestation, &counted, &current);
            if !vacuous.is_empty() && status.status == Status::Unknown {
                status
                    .reason
                    .push_str(&format!("; nothing to judge for {}", vacuous.join(", ")));
            }
            status.expired_attestations = expired.iter().map(|a| a.file.path.clone()).collect();
            if !status.expired_attestations.is_empty() {
                status.reason.push_str(&format!(
                    "; expired attestations count as absent: {}",
                    status.expired_attestations.join(", ")
                ));
            }
            if !rejected.is_empty() {
                status.reason.push_str(&format!(
                    "; attestations not accepted count as absent: {}",
                    rejected
                        .iter()
                        .map(|r| format!("{} ({})", r.path, r.why))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            status.rejected_attestations = rejected;
            if let Some(why) = refused_scoping {
                status.reason = format!("scoping out was not accepted ({why}); {}", status.reason);
            }
            status
        })
        .collect();
    let waivers = config
        .waivers
        .iter()
        .zip(problems)
        .map(|(w, problem)| {
            let state = if problem.is_some() {
                WaiverState::Invalid
            } else if !w.is_active(now) {
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
                why: problem,
            }
        })
        .collect();
    Evaluation {
        findings,
        requirements,
        waivers,
        attestations: verdicts,
    }
}

/// Why a waiver cannot accept a failure, or `None` when it can. A waiver is a decision
/// someone accountable took: its owner holds an SDL role (`sdl/roles.toml`), and it is
/// renewed at least as often as the waiver policy says (365 days at most).
pub(crate) fn waiver_problem(
    w: &Waiver,
    facts: &Facts,
    config: &Config,
    now: OffsetDateTime,
) -> Option<String> {
    let holds_role = facts
        .human
        .roles
        .as_ref()
        .is_some_and(|r| r.knows(&w.owner));
    if !holds_role {
        return Some(format!(
            "its owner `{}` holds no SDL role in the roles file; a waiver needs an accountable \
             role holder",
            w.owner
        ));
    }
    let today = now.to_offset(time::UtcOffset::UTC).date();
    let max = config.waiver_policy.max_days;
    if let Some(expires) = w.expires_on
        && (expires - today).whole_days() > i64::from(max)
    {
        return Some(format!(
            "it expires on {expires}, more than {max} days after {today}; a waiver is renewed \
             at least every {max} days"
        ));
    }
    None
}

/// Why an SM-5 scoping decision is not accepted, or `None`: its approver must hold a security
/// role (`sdl/roles.toml`).
pub(crate) fn scoping_problem(na: &crate::config::NotApplicable, facts: &Facts) -> Option<String> {
    let security = facts
        .human
        .roles
        .as_ref()
        .is_some_and(|r| r.holds_security_role(&na.approver));
    (!security).then(|| {
        format!(
            "its approver `{}` holds no security role in the roles file (a role whose id names \
             security or PSIRT, or that is marked `security = true`)",
            na.approver
        )
    })
}

/// True on the days from the attestation's `date` through its `valid-until` (UTC). Currency
/// only: whether a current attestation counts is [`accepted`].
pub(crate) fn attestation_is_current(a: &Attestation, now: OffsetDateTime) -> bool {
    let today = now.to_offset(time::UtcOffset::UTC).date().to_string();
    // ISO dates compare correctly as strings.
    a.date.as_str() <= today.as_str() && today.as_str() <= a.valid_until.as_str()
}

/// True when the attestation counts at `now`: current, and acceptable
/// ([`attestation_problems`] finds nothing). Status combination, the human rules and
/// [`Evaluation::counts`] all decide with it.
pub fn accepted(a: &Attestation, facts: &Facts, config: &Config, now: OffsetDateTime) -> bool {
    attestation_is_current(a, now) && attestation_problems(a, facts, config, now).is_empty()
}

/// The verdict on one attestation.
pub(crate) fn attestation_verdict(
    a: &Attestation,
    facts: &Facts,
    config: &Config,
    now: OffsetDateTime,
) -> AttestationVerdict {
    let today = now.to_offset(time::UtcOffset::UTC).date().to_string();
    let (state, why) = if a.date.as_str() > today.as_str() {
        // Evidence dated after the assessment time exists, as far as this assessment can
        // know, not yet: it is read, counts for nothing, and the report names it
        // (`clock::dated_after`).
        (
            AttestationState::NotAccepted,
            vec![format!(
                "it is dated {}, after the assessment time ({today})",
                a.date
            )],
        )
    } else if !attestation_is_current(a, now) {
        (AttestationState::Expired, Vec::new())
    } else {
        let why = attestation_problems(a, facts, config, now);
        if why.is_empty() {
            (AttestationState::Accepted, why)
        } else {
            (AttestationState::NotAccepted, why)
        }
    };
    AttestationVerdict {
        path: a.file.path.clone(),
        state,
        why,
    }
}

/// Why a well-formed attestation cannot be accepted, or an empty list when it can: the
/// relational conditions, which depend on other evidence (the structural ones make the file
/// malformed when it is read, `collect::human::parse_attestation`, and are checked again here
/// so that hand-built facts are judged alike). Each reason is lower-case, without a period.
///
/// 1. Evidence: it names a reference, and every `commit:` reference resolves to a commit of
///    the repository (unknown history: not acceptable).
/// 2. Git: it is committed exactly as it is, the commit that added it is known, and its
///    `date` is not after the day of that commit (the committer's own calendar day).
/// 3. People: the owner holds `owner-role` and the approver `approver-role` in the roles file,
///    they are different people, and the approver is not a team alias
///    ([`Roles::team`](crate::facts::human::Roles::team)).
/// 4. Training: both have a training record in the register that is current at `now`.
/// 5. Signature, when `[attest] allowed-signers` is configured: the commit that last changed it
///    carries a valid SSH signature by a key listed for the approver (a principal equal to the
///    approver's name as written, or to the e-mail address in `Name <address>`); a key listed
///    for the owner instead is reported as self-approved.
pub fn attestation_problems(
    a: &Attestation,
    facts: &Facts,
    config: &Config,
    now: OffsetDateTime,
) -> Vec<String> {
    use crate::facts::human::{Reference, principals_name, same_person, statement_problem};
    let mut problems = Vec::new();
    let today = now.to_offset(time::UtcOffset::UTC).date().to_string();

    // 1. Evidence.
    if a.references.is_empty() {
        problems.push("it names no reference".to_string());
    }
    if let Some(why) = statement_problem(&a.statement) {
        problems.push(format!("its statement {why}"));
    }
    for r in &a.references {
        if let Reference::Commit {
            id,
            resolved: None,
            unresolved,
        } = r
        {
            problems.push(format!(
                "reference commit:{id} {}",
                unresolved
                    .as_deref()
                    .unwrap_or("was not checked against the repository")
            ));
        }
    }

    // 2. Git.
    match (&a.commit, &a.uncommitted) {
        (_, Some(why)) => problems.push(format!("it is not committed as it is: {why}")),
        (None, None) => problems.push("it has no git record".to_string()),
        (Some(_), None) => {}
    }
    match &a.added {
        None => {
            if a.uncommitted.is_none() {
                problems.push(format!(
                    "the commit that added it is not known: {}",
                    a.added_unknown.as_deref().unwrap_or("it was not looked up")
                ));
            }
        }
        Some(c) => {
            let day: String = c
                .committed
                .as_deref()
                .unwrap_or(&c.date)
                .chars()
                .take(10)
                .collect();
            if a.date.as_str() > day.as_str() {
                problems.push(format!(
                    "it is dated {}, after the commit that added it ({} of {day}): an \
                     attestation is dated on or before the day it is committed",
                    a.date,
                    short(&c.id)
                ));
            }
        }
    }

    // 3. People.
    if same_person(&a.owner, &a.approver) {
        problems.push(format!("{} approves their own attestation", a.owner));
    }
    match &facts.human.roles {
        None => problems
            .push("no roles file: its owner's and approver's roles cannot be checked".to_string()),
        Some(roles) => {
            if !roles.holds(&a.owner, &a.owner_role) {
                problems.push(format!(
                    "its owner {} does not hold role {} in the roles file",
                    a.owner, a.owner_role
                ));
            }
            if !roles.holds(&a.approver, &a.approver_role) {
                problems.push(format!(
                    "its approver {} does not hold role {} in the roles file",
                    a.approver, a.approver_role
                ));
            }
            if let Some(why) = roles.team(&a.approver) {
                problems.push(format!(
                    "its approver {} is a team alias ({why}); an approval is given by one \
                     accountable person",
                    a.approver
                ));
            }
        }
    }

    // 4. Training.
    if facts.human.training_file.is_none() {
        problems.push(
            "no training register: its owner's and approver's training cannot be checked"
                .to_string(),
        );
    } else {
        for (who, person) in [("owner", &a.owner), ("approver", &a.approver)] {
            let trained = facts.human.training.iter().any(|t| {
                t.person == *person
                    && t.date.as_str() <= today.as_str()
                    && today.as_str() <= t.expires.as_str()
            });
            if !trained {
                problems.push(format!(
                    "no current training recorded for its {who} {person}"
                ));
            }
        }
    }

    // 5. Signature.
    if let (Some(file), Some(c)) = (&config.attest.allowed_signers, &a.commit) {
        let commit = short(&c.id);
        match &c.signer {
            None => problems.push(format!(
                "the signature of commit {commit}, which last changed it, was not checked \
                 against {file}"
            )),
            Some(s) if s.verdict == "unsigned" => problems.push(format!(
                "commit {commit}, which last changed it, is not signed; {file} requires the \
                 approver's SSH signature"
            )),
            Some(s) if s.verdict != "valid" => problems.push(format!(
                "the signature of commit {commit}, which last changed it, is not valid against \
                 {file} ({}: {})",
                s.verdict,
                s.why.as_deref().unwrap_or("no reason given")
            )),
            Some(s) => {
                let principals = s.principals.as_deref().unwrap_or("");
                let by_owner = principals_name(principals, &a.owner);
                let by_approver = principals_name(principals, &a.approver);
                match (by_owner, by_approver) {
                    (true, false) => problems.push(format!(
                        "self-approved: commit {commit} is signed by a key {file} lists for its \
                         owner {} ({principals}), not for its approver {}",
                        a.owner, a.approver
                    )),
                    (true, true) => problems.push(format!(
                        "commit {commit} is signed by a key {file} lists for both its owner and \
                         its approver ({principals}); one key stands for one person"
                    )),
                    (false, false) => problems.push(format!(
                        "commit {commit} is signed by a key {file} lists for {principals}, not \
                         for its approver {}",
                        a.approver
                    )),
                    (false, true) => {}
                }
            }
        }
    }
    problems
}

/// The first twelve digits of a commit id.
fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

fn requirement_status(
    id: &str,
    attestation_needs: &str,
    counted: &[&Finding],
    attested: &[&Attestation],
) -> RequirementStatus {
    let names = |pred: &dyn Fn(&Finding) -> bool| {
        counted
            .iter()
            .filter(|f| pred(f))
            .map(|f| f.rule.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let pass = names(&|f| f.outcome == Outcome::Pass);
    let fail = names(&|f| f.counts_as_failure());
    let waived = names(&|f| f.outcome == Outcome::Fail && f.waived.is_some());
    let unknown = names(&|f| f.outcome == Outcome::Unknown);
    let attestations: Vec<String> = attested.iter().map(|a| a.file.path.clone()).collect();
    let by = if attestations.is_empty() {
        String::new()
    } else {
        format!("attested in {}", attestations.join(", "))
    };
    let needs = attestation_needs
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let (status, reason) = if !fail.is_empty() {
        let mut r = format!("rules fail: {fail}");
        if !by.is_empty() {
            r.push_str("; an attestation cannot override failing evidence");
        }
        (Status::NotSatisfied, r)
    } else if !waived.is_empty() {
        (
            Status::Waived,
            format!("failures accepted by waivers: {waived}"),
        )
    } else if unknown.is_empty() && !pass.is_empty() && !by.is_empty() {
        (Status::Satisfied, format!("rules pass: {pass}; {by}"))
    } else if counted.is_empty() && !by.is_empty() {
        (Status::Satisfied, format!("satisfied by attestation: {by}"))
    } else if unknown.is_empty() && !pass.is_empty() {
        (
            Status::Partial,
            format!("rules pass: {pass}; no current attestation states: {needs}"),
        )
    } else if !unknown.is_empty() && (!pass.is_empty() || !by.is_empty()) {
        let mut known = Vec::new();
        if !pass.is_empty() {
            known.push(format!("rules pass: {pass}"));
        }
        if !by.is_empty() {
            known.push(by.clone());
        }
        (
            Status::Partial,
            format!("rules could not evaluate: {unknown}; {}", known.join("; ")),
        )
    } else if !unknown.is_empty() {
        (
            Status::Unknown,
            format!("rules could not evaluate: {unknown}; no current attestation states: {needs}"),
        )
    } else {
        (
            Status::Unknown,
            format!("no automated evidence; an attestation must state: {needs}"),
        )
    };
    let mut decided_by: Vec<String> = counted.iter().map(|f| f.rule.clone()).collect();
    decided_by.extend(attestations.iter().cloned());
    RequirementStatus {
        id: id.to_string(),
        status,
        reason,
        decided_by,
        attestations,
        expired_attestations: Vec::new(),
        rejected_attestations: Vec::new(),
    }
}

/// Run one rule: its parameters are the catalogue defaults overridden by `[rules.<id>]`; a rule
/// with a `check` runs the evaluator the check names, any other its built-in implementation.
fn run_rule(facts: &Facts, rule: &Rule, config: &Config, now: OffsetDateTime) -> RuleResult {
    let mut params = rule.params.clone();
    if let Some(s) = config.rules.get(&rule.id) {
        params.extend(s.params.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let declared = match &rule.check {
        Some(c) => c.params(),
        None => rules::params(&rule.id),
    };
    let ctx = RuleCtx {
        facts,
        config,
        rule,
        params,
        declared,
        now,
    };
    match (&rule.check, rules::builtin(&rule.id)) {
        (Some(c), _) => check::run(c, &ctx),
        (None, Some(f)) => f(&ctx),
        (None, None) => RuleResult::unknown(format!("rule {} has no implementation", rule.id)),
    }
}

fn evaluate_rule(facts: &Facts, rule: &Rule, config: &Config, now: OffsetDateTime) -> Finding {
    let level = config
        .rules
        .get(&rule.id)
        .and_then(|s| s.level)
        .unwrap_or(rule.default_level);
    let result = run_rule(facts, rule, config, now);
    let remediation = matches!(result.outcome, Outcome::Fail | Outcome::Unknown)
        .then(|| rule.remediation.trim().to_string());
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
pub(crate) mod tests {
    use super::*;
    use crate::facts::FileRef;

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

    pub(crate) fn attestation(path: &str, date: &str, valid_until: &str) -> Attestation {
        Attestation {
            file: FileRef {
                path: path.into(),
                sha256: "0".repeat(64),
            },
            requirements: vec!["DM-1".into()],
            statement: "the intake procedure is followed".into(),
            owner: "Ada".into(),
            owner_role: "psirt-lead".into(),
            approver: "Grace".into(),
            approver_role: "security-officer".into(),
            date: date.into(),
            valid_until: valid_until.into(),
            scope: None,
            references: vec![],
            releases: vec![],
            metrics: vec![],
            improvements: vec![],
            commit: None,
            uncommitted: None,
            added: None,
            added_unknown: None,
        }
    }

    /// A commit record made on `day` (the committer's own calendar day).
    pub(crate) fn commit_on(id_digit: char, day: &str) -> crate::facts::human::CommitRecord {
        crate::facts::human::CommitRecord {
            id: id_digit.to_string().repeat(40),
            author: "Ada <ada@example.org>".into(),
            date: format!("{day}T09:00:00Z"),
            signature: None,
            committed: Some(format!("{day}T10:00:00+01:00")),
            signer: None,
        }
    }

    /// An attestation that passes every acceptance condition, given roles, training and no
    /// signing policy: a resolved commit reference and a file, committed the day it is dated.
    pub(crate) fn genuine(path: &str, date: &str, valid_until: &str) -> Attestation {
        use crate::facts::human::Reference;
        let mut a = attestation(path, date, valid_until);
        a.statement = "intake runs as SECURITY.md says; 3 reports were handled in time".into();
        a.references = vec![
            Reference::File {
                path: "SECURITY.md".into(),
                sha256: "1".repeat(64),
            },
            Reference::Commit {
                id: "abcdef1".into(),
                resolved: Some(format!("abcdef1{}", "0".repeat(33))),
                unresolved: None,
            },
            Reference::Ticket {
                id: "SEC-42".into(),
            },
        ];
        a.commit = Some(commit_on('c', date));
        a.added = Some(commit_on('a', date));
        a
    }

    #[test]
    fn status_combinations() {
        use Outcome::*;
        let a = attestation("sdl/attestations/dm-1.toml", "2026-01-01", "2027-01-01");
        // (rule outcomes, attested, expected status)
        let cases: &[(&[Outcome], bool, Status)] = &[
            (&[], false, Status::Unknown),
            (&[], true, Status::Satisfied),
            (&[Pass], false, Status::Partial),
            (&[Pass], true, Status::Satisfied),
            (&[Pass, Pass], true, Status::Satisfied),
            (&[Pass, Fail], false, Status::NotSatisfied),
            (&[Fail], true, Status::NotSatisfied),
            (&[Pass, Fail], true, Status::NotSatisfied),
            (&[Pass, Unknown], false, Status::Partial),
            (&[Pass, Unknown], true, Status::Partial),
            (&[Unknown], true, Status::Partial),
            (&[Fail, Unknown], false, Status::NotSatisfied),
            (&[Unknown], false, Status::Unknown),
            (&[Unknown, Unknown], false, Status::Unknown),
        ];
        for (outcomes, attested, want) in cases {
            let fs: Vec<Finding> = outcomes
                .iter()
                .enumerate()
                .map(|(i, o)| finding(&format!("r{i}"), *o))
                .collect();
            let refs: Vec<&Finding> = fs.iter().collect();
            let att: Vec<&Attestation> = if *attested { vec![&a] } else { vec![] };
            let got = requirement_status("DM-1", "a statement", &refs, &att);
            assert_eq!(got.status, *want, "{outcomes:?} attested={attested}");
            if *attested && *want == Status::Satisfied {
                assert!(
                    got.decided_by.contains(&a.file.path),
                    "{:?}",
                    got.decided_by
                );
            }
        }
    }

    #[test]
    fn rules_with_nothing_to_judge_count_neither_way() {
        use Outcome::*;
        let a = attestation("sdl/attestations/dm-1.toml", "2026-01-01", "2027-01-01");
        let na = finding("r0", NotApplicable);
        let pass = finding("r1", Pass);
        let fail = finding("r2", Fail);
        // `evaluate` leaves not-applicable findings out of `counted`; what remains decides.
        let status = |fs: &[&Finding], att: &[&Attestation]| {
            let counted: Vec<&Finding> = fs
                .iter()
                .copied()
                .filter(|f| f.outcome != NotApplicable)
                .collect();
            requirement_status("DM-1", "x", &counted, att).status
        };
        assert_eq!(status(&[&na], &[]), Status::Unknown);
        assert_eq!(status(&[&na, &pass], &[]), Status::Partial);
        assert_eq!(status(&[&na, &fail], &[]), Status::NotSatisfied);
        assert_eq!(status(&[&na], &[&a]), Status::Satisfied);
    }

    fn catalog() -> Catalog {
        Catalog::embedded(&rules::builtin_ids()).unwrap()
    }

    fn now() -> OffsetDateTime {
        crate::timefmt::parse("2026-06-01T00:00:00Z").unwrap()
    }

    /// Files were read and hold nothing: every document rule fails.
    fn empty_repository() -> Facts {
        Facts {
            files: crate::facts::Collected::present(crate::facts::files::FileFacts::default()),
            ..Facts::nothing("2026-06-01T00:00:00Z", "not in this test")
        }
    }

    fn status_of(e: &Evaluation, id: &str) -> (Status, String) {
        let r = e.requirements.iter().find(|r| r.id == id).unwrap();
        (r.status, r.reason.clone())
    }

    #[test]
    fn a_rule_level_decides_the_gate_never_the_status() {
        let catalog = catalog();
        let rule = catalog.rule("security-policy-present").unwrap();
        let requirement = rule.requirements[0].clone();
        let mut config = Config::default();
        config.rules.insert(
            rule.id.clone(),
            crate::config::RuleSettings {
                level: Some(Level::Allow),
                params: BTreeMap::new(),
            },
        );
        let e = evaluate(&empty_repository(), &catalog, &config, now());
        let f = e.findings.iter().find(|f| f.rule == rule.id).unwrap();
        assert_eq!((f.outcome, f.level), (Outcome::Fail, Level::Allow));
        assert!(!f.is_denied(), "allow never fails the gate");
        let (status, reason) = status_of(&e, &requirement);
        assert_eq!(status, Status::NotSatisfied, "{reason}");
        assert!(reason.contains("security-policy-present"), "{reason}");
    }

    #[test]
    fn scoping_out_needs_a_security_role_holder() {
        use crate::facts::human::{Role, Roles};
        let catalog = catalog();
        let role = |security: bool| Role {
            description: "a role".into(),
            holders: vec!["Jane".into()],
            security,
        };
        let mut config = Config::default();
        config.not_applicable.push(crate::config::NotApplicable {
            requirement: "SM-10".into(),
            justification: "no component is developed for us by a third party".into(),
            approver: "Jane".into(),
            date: "2026-03-01".into(),
            analysis: "docs/security/threat-model.md#scope".into(),
        });
        for (role_id, security, accepted) in [
            ("security-officer", false, true),
            ("psirt-lead", false, true),
            ("release-manager", true, true),
            ("release-manager", false, false),
        ] {
            let mut facts = empty_repository();
            facts.human.roles = Some(Roles {
                file: None,
                roles: [(role_id.to_string(), role(security))].into(),
                teams: Vec::new(),
            });
            let (status, reason) = status_of(&evaluate(&facts, &catalog, &config, now()), "SM-10");
            assert_eq!(
                status == Status::NotApplicable,
                accepted,
                "{role_id} security={security}: {reason}"
            );
            if !accepted {
                assert!(
                    reason.starts_with("scoping out was not accepted"),
                    "{reason}"
                );
            }
        }
        // Without a roles file nobody can approve a scoping decision.
        let (status, _) = status_of(
            &evaluate(&empty_repository(), &catalog, &config, now()),
            "SM-10",
        );
        assert_ne!(status, Status::NotApplicable);
    }

    /// README.md's status table is the documentation users read: every row holds in the code.
    #[test]
    fn the_readme_status_table_is_what_evaluate_does() {
        let readme = include_str!("../../README.md");
        let section = readme
            .split("## How a requirement gets its status")
            .nth(1)
            .and_then(|s| s.split("\n## ").next())
            .expect("README has the status section");
        let waiver = Waiver {
            id: "w".into(),
            reason: "accepted".into(),
            owner: "someone".into(),
            expires: "2027-01-01".into(),
            expires_on: None,
        };
        let a = attestation("sdl/attestations/dm-1.toml", "2026-01-01", "2027-01-01");
        let mut rows = 0;
        for line in section.lines().filter(|l| l.starts_with("| `[")) {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let outcomes = cells[1].trim_matches(|c| c == '`' || c == '[' || c == ']');
            let findings: Vec<Finding> = outcomes
                .split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .enumerate()
                .map(|(i, o)| {
                    let mut f = finding(
                        &format!("r{i}"),
                        match o {
                            "pass" => Outcome::Pass,
                            "fail" | "waived" => Outcome::Fail,
                            "unknown" => Outcome::Unknown,
                            "not-applicable" => Outcome::NotApplicable,
                            other => panic!("README row {line}: unknown result {other}"),
                        },
                    );
                    if o == "waived" {
                        f.waived = Some(waiver.clone());
                    }
                    f
                })
                .collect();
            let counted: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.outcome != Outcome::NotApplicable)
                .collect();
            let attested: &[bool] = match cells[2] {
                "yes" => &[true],
                "no" => &[false],
                "either" => &[true, false],
                other => panic!("README row {line}: attestation `{other}`"),
            };
            let want = cells[3].split_whitespace().next().unwrap();
            for &with in attested {
                let att: Vec<&Attestation> = if with { vec![&a] } else { vec![] };
                let got = requirement_status("DM-1", "a statement", &counted, &att);
                assert_eq!(
                    got.status.as_str(),
                    want,
                    "README row: {line} (attested: {with})"
                );
            }
            rows += 1;
        }
        assert!(rows >= 14, "the README's status table has {rows} rows");
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
        let status = |fs: &[&Finding]| requirement_status("DM-1", "x", fs, &[]).status;
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
        let got = requirement_status("SM-4", "the training register is current", &[], &[]);
        assert_eq!(got.status, Status::Unknown);
        assert!(
            got.reason.contains("the training register is current"),
            "{}",
            got.reason
        );
    }

    #[test]
    fn a_rule_reads_only_the_parameters_it_declares() {
        let facts = Facts::nothing("2026-06-01T00:00:00Z", "test");
        let config = Config::default();
        let rule = Rule {
            id: "some-rule".into(),
            requirements: vec!["DM-1".into()],
            default_level: Level::Warn,
            title: String::new(),
            motivation: String::new(),
            implementation: String::new(),
            remediation: String::new(),
            params: [
                ("declared".to_string(), toml::Value::Integer(3)),
                ("other".to_string(), toml::Value::Integer(4)),
            ]
            .into(),
            check: None,
        };
        let ctx = RuleCtx {
            facts: &facts,
            config: &config,
            rule: &rule,
            params: rule.params.clone(),
            declared: &["declared", "missing"],
            now: crate::timefmt::parse("2026-06-01T00:00:00Z").unwrap(),
        };
        assert_eq!(ctx.param_u64("declared"), Ok(3));
        assert_eq!(ctx.param_f64("declared"), Ok(3.0));
        let undeclared = ctx.param_u64("other").unwrap_err();
        assert_eq!(
            (undeclared.outcome, undeclared.message.as_str()),
            (
                Outcome::Unknown,
                "rule some-rule reads an undeclared parameter `other`"
            )
        );
        let missing = ctx.param_f64("missing").unwrap_err();
        assert_eq!(missing.outcome, Outcome::Unknown);
        assert!(missing.message.contains("no numeric parameter `missing`"));
    }

    #[test]
    fn attestation_expiry_is_inclusive_of_the_boundary_day() {
        let a = attestation("a.toml", "2026-01-10", "2026-12-31");
        let at = |t: &str| attestation_is_current(&a, crate::timefmt::parse(t).unwrap());
        assert!(!at("2026-01-09T23:59:59Z"), "not yet made");
        assert!(at("2026-01-10T00:00:00Z"));
        assert!(at("2026-12-31T23:59:59Z"), "valid through its last day");
        assert!(!at("2027-01-01T00:00:00Z"), "expired the day after");
    }
}
