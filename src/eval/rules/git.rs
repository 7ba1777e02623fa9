//! Rules over git facts (`facts::git`).

use std::sync::LazyLock;

use time::OffsetDateTime;

use super::RuleFn;
use crate::catalog::{Catalog, Requirement};
use crate::eval::{RuleCtx, RuleResult, attestation_is_current};
use crate::facts::EvidenceRef;
use crate::facts::files::Document;
use crate::facts::git::{GitFacts, Release, VerificationMode};
use crate::facts::human::{Attestation, Reference};

pub(super) const RULES: &[(&str, RuleFn)] = &[
    ("changes-reviewed", changes_reviewed),
    ("commits-signed", commits_signed),
    ("documents-reviewed", documents_reviewed),
    ("release-tags-signed", release_tags_signed),
    ("releases-recorded", releases_recorded),
    ("review-independent", review_independent),
    ("security-fixes-traceable", security_fixes_traceable),
    ("threat-model-fresh", threat_model_fresh),
];

/// How many commit ids a finding cites.
const EVIDENCE_LIMIT: usize = 10;

/// The git facts, or why a history rule cannot judge: no repository, unreadable, or a shallow
/// clone whose history is cut off.
fn history<'a>(ctx: &RuleCtx<'a>) -> Result<&'a GitFacts, RuleResult> {
    let git = ctx
        .facts
        .git
        .get()
        .map_err(|reason| RuleResult::unknown(format!("no git evidence: {reason}")))?;
    if git.shallow {
        return Err(RuleResult::unknown(
            "the repository is a shallow clone, so its history is incomplete; fetch the full \
             history (actions/checkout: `fetch-depth: 0`)",
        ));
    }
    Ok(git)
}

fn commits(ids: &[String]) -> Vec<EvidenceRef> {
    ids.iter()
        .take(EVIDENCE_LIMIT)
        .map(|id| EvidenceRef::Commit { id: id.clone() })
        .collect()
}

fn tag_ref(name: &str, target: &str) -> EvidenceRef {
    EvidenceRef::Tag {
        name: name.to_string(),
        target: target.to_string(),
    }
}

fn pct(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn scope_words(git: &GitFacts) -> String {
    use crate::facts::git::Scope;
    match &git.scope {
        Scope::WholeHistory => format!("in the history of {}", short(&git.head.commit)),
        Scope::Since { since, .. } => format!("since {since}"),
        Scope::Release { tag, .. } => format!("in release {tag}"),
    }
}

/// The release pattern as a reader wants it: in words (with the expression when configured).
fn pattern_words(git: &GitFacts) -> String {
    if git.release_tags.is_empty() {
        format!("`{}`", git.release_tag_pattern)
    } else {
        git.release_tags.clone()
    }
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

fn commits_signed(ctx: &RuleCtx<'_>) -> RuleResult {
    let git = require!(history(ctx));
    let min = require!(ctx.param_f64("min-share"));
    if git.commits == 0 {
        return RuleResult::unknown(format!("no commits {}", scope_words(git)));
    }
    let s = &git.signed_commits;
    let where_ = scope_words(git);
    match (&git.signature_verification, &s.verified) {
        (VerificationMode::AllowedSigners { file, .. }, Some(v)) => {
            let share = ratio(v.valid, git.commits);
            let msg = format!(
                "{} of {} commits {where_} have a valid signature ({}; threshold {}) checked \
                 against {file}; {} invalid, {} by unknown signers, {} not verifiable (OpenPGP, \
                 X.509 or unsupported key types), {} unsigned",
                v.valid,
                git.commits,
                pct(share),
                pct(min),
                v.invalid,
                v.unknown_signer,
                v.unverified,
                git.commits - s.total
            );
            if v.invalid > 0 {
                RuleResult::fail(msg, commits(&v.invalid_sample))
            } else if share >= min {
                RuleResult::pass(msg, Vec::new())
            } else {
                let mut ev = commits(&v.unknown_signer_sample);
                ev.extend(commits(&git.unsigned_sample));
                RuleResult::fail(msg, ev)
            }
        }
        _ => {
            let share = ratio(s.total, git.commits);
            let msg = format!(
                "{} of {} commits {where_} carry a signature ({}; threshold {}): {} OpenPGP, \
                 {} SSH, {} X.509; presence only, not verified (no allowed-signers file given)",
                s.total,
                git.commits,
                pct(share),
                pct(min),
                s.openpgp,
                s.ssh,
                s.x509
            );
            if share >= min {
                RuleResult::pass(msg, Vec::new())
            } else {
                RuleResult::fail(msg, commits(&git.unsigned_sample))
            }
        }
    }
}

/// The most recent `n` releases by date (all when `n` is 0).
fn recent_releases(git: &GitFacts, n: u64) -> Vec<&Release> {
    let mut releases: Vec<&Release> = git.releases.iter().collect();
    // RFC 3339 UTC strings sort chronologically.
    releases.sort_by(|a, b| b.date.cmp(&a.date).then(b.tag.cmp(&a.tag)));
    if n > 0 {
        releases.truncate(n as usize);
    }
    releases
}

fn release_tags_signed(ctx: &RuleCtx<'_>) -> RuleResult {
    let git = require!(history(ctx));
    let (n, min) = match (ctx.param_u64("recent-releases"), ctx.param_f64("min-share")) {
        (Ok(n), Ok(m)) => (n, m),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let recent = recent_releases(git, n);
    if recent.is_empty() {
        return RuleResult::unknown(format!(
            "no tag matches {}; nothing to check",
            pattern_words(git)
        ));
    }
    let verified = matches!(
        git.signature_verification,
        VerificationMode::AllowedSigners { .. }
    );
    let invalid: Vec<&&Release> = recent
        .iter()
        .filter(|r| matches!(r.tag_verification.as_deref(), Some("invalid")))
        .collect();
    let good: Vec<&&Release> = recent
        .iter()
        .filter(|r| {
            if verified {
                r.tag_verification.as_deref() == Some("valid")
            } else {
                r.tag_signature.is_some()
            }
        })
        .collect();
    let bad: Vec<EvidenceRef> = recent
        .iter()
        .filter(|r| !good.iter().any(|g| g.tag == r.tag))
        .map(|r| tag_ref(&r.tag, &r.commit))
        .collect();
    let share = ratio(good.len() as u64, recent.len() as u64);
    let what = if verified {
        "have a valid signature"
    } else {
        "are signed (presence only, not verified: no allowed-signers file given)"
    };
    let msg = format!(
        "{} of the {} most recent release tags {what} ({}; threshold {})",
        good.len(),
        recent.len(),
        pct(share),
        pct(min)
    );
    if !invalid.is_empty() {
        RuleResult::fail(
            format!(
                "{msg}; invalid signatures on {}",
                invalid
                    .iter()
                    .map(|r| r.tag.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            invalid.iter().map(|r| tag_ref(&r.tag, &r.commit)).collect(),
        )
    } else if share >= min {
        RuleResult::pass(
            msg,
            good.iter().map(|r| tag_ref(&r.tag, &r.commit)).collect(),
        )
    } else {
        RuleResult::fail(msg, bad)
    }
}

fn releases_recorded(ctx: &RuleCtx<'_>) -> RuleResult {
    let git = require!(history(ctx));
    let n = require!(ctx.param_u64("recent-releases"));
    let recent = recent_releases(git, n);
    if recent.is_empty() {
        return RuleResult::fail(
            format!(
                "no release tags: none of the {} tags matches {}",
                git.tags,
                pattern_words(git)
            ),
            Vec::new(),
        );
    }
    let lightweight: Vec<&&Release> = recent.iter().filter(|r| !r.annotated).collect();
    let evidence = recent.iter().map(|r| tag_ref(&r.tag, &r.commit)).collect();
    if lightweight.is_empty() {
        RuleResult::pass(
            format!(
                "{} release tags; the {} most recent are annotated (tagger, date, notes), latest {}",
                git.releases.len(),
                recent.len(),
                recent[0].tag
            ),
            evidence,
        )
    } else {
        RuleResult::fail(
            format!(
                "{} of the {} most recent release tags are lightweight and record no tagger, \
                 date or notes: {}",
                lightweight.len(),
                recent.len(),
                lightweight
                    .iter()
                    .map(|r| r.tag.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            lightweight
                .iter()
                .map(|r| tag_ref(&r.tag, &r.commit))
                .collect(),
        )
    }
}

fn changes_reviewed(ctx: &RuleCtx<'_>) -> RuleResult {
    let git = require!(history(ctx));
    let min = require!(ctx.param_f64("min-share"));
    if git.landings == 0 {
        return RuleResult::unknown(format!("no changes landed {}", scope_words(git)));
    }
    let r = &git.reviewed_commits;
    let share = ratio(git.reviewed_landings, git.landings);
    let msg = format!(
        "{} of {} changes that landed {} (first-parent commits) carry a review marker ({}; \
         threshold {}); markers seen: {} pull-request merges, {} squash merges, {} bors, {} \
         Gerrit, {} Reviewed-by/Acked-by, {} merge queue, {} merge requests",
        git.reviewed_landings,
        git.landings,
        scope_words(git),
        pct(share),
        pct(min),
        r.pull_request_merge,
        r.squash_merge,
        r.bors,
        r.gerrit,
        r.reviewed_by_trailer,
        r.merge_queue,
        r.merge_request
    );
    if share >= min {
        RuleResult::pass(msg, Vec::new())
    } else {
        RuleResult::fail(msg, commits(&git.unreviewed_landing_sample))
    }
}

fn review_independent(ctx: &RuleCtx<'_>) -> RuleResult {
    let git = require!(history(ctx));
    let min = require!(ctx.param_f64("min-share"));
    let i = &git.review_independence;
    if i.with_reviewer == 0 {
        return RuleResult::unknown(format!(
            "no commit {} names both its author and a reviewer (bors `r=`, Reviewed-by or \
             Acked-by); the heuristic cannot tell",
            scope_words(git)
        ));
    }
    let share = ratio(i.independent, i.with_reviewer);
    let msg = format!(
        "heuristic: {} of {} commits whose markers name a reviewer were reviewed by someone \
         other than the author ({}; threshold {}); {} self-reviewed",
        i.independent,
        i.with_reviewer,
        pct(share),
        pct(min),
        i.self_reviewed
    );
    if share >= min {
        RuleResult::pass(msg, Vec::new())
    } else {
        RuleResult::fail(msg, commits(&i.self_reviewed_sample))
    }
}

fn security_fixes_traceable(ctx: &RuleCtx<'_>) -> RuleResult {
    let git = require!(history(ctx));
    let days = require!(ctx.param_u64("max-unreleased-days"));
    let fixes: Vec<_> = git
        .security_fix_commits
        .iter()
        .filter(|f| f.in_head)
        .collect();
    if fixes.is_empty() {
        return RuleResult::unknown(format!(
            "no commit {} names a security advisory (RUSTSEC-, CVE- or GHSA- id); nothing to trace",
            scope_words(git)
        ));
    }
    let deadline = ctx.days_before_now(days);
    let overdue: Vec<_> = fixes
        .iter()
        .filter(|f| f.released_in.is_none())
        .filter(|f| crate::timefmt::parse(&f.date).is_ok_and(|t| t < deadline))
        .collect();
    let released = fixes.iter().filter(|f| f.released_in.is_some()).count();
    let msg = format!(
        "{} commits name a security advisory; {released} are in a release, {} unreleased for \
         more than {days} days",
        fixes.len(),
        overdue.len()
    );
    if overdue.is_empty() {
        let evidence = fixes
            .iter()
            .take(EVIDENCE_LIMIT)
            .map(|f| EvidenceRef::Commit {
                id: f.commit.clone(),
            })
            .collect();
        RuleResult::pass(msg, evidence)
    } else {
        let ids: Vec<String> = overdue.iter().map(|f| f.commit.clone()).collect();
        RuleResult::fail(
            format!(
                "{msg}: {}",
                overdue
                    .iter()
                    .take(EVIDENCE_LIMIT)
                    .map(|f| format!("{} ({})", short(&f.commit), f.advisories.join(", ")))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            commits(&ids),
        )
    }
}

/// The requirements of the embedded catalogue, for their review periods and document kinds. A
/// built-in rule supports only requirements of the embedded catalogue, and `--practices` may
/// add requirements but never redeclare those, so their periods are the embedded ones.
static REQUIREMENTS: LazyLock<Vec<Requirement>> = LazyLock::new(|| {
    Catalog::embedded(&super::builtin_ids())
        .map(|c| c.requirements)
        .unwrap_or_default()
});

/// How recently a document was reviewed.
enum Review {
    /// Changed or re-approved within the period: how.
    Within(String),
    /// Neither changed nor re-approved within the period: what is known.
    Overdue(String),
    /// No date to judge by: why.
    Undated(String),
}

/// When `doc` was last reviewed for `requirement`: the committer date of the last commit that
/// changed it, or the date of a current attestation of `requirement` that references it,
/// whichever is later, against a period of `days` before now.
fn review(
    ctx: &RuleCtx<'_>,
    git: &GitFacts,
    doc: &Document,
    requirement: &str,
    days: u64,
    evidence: &mut Vec<EvidenceRef>,
) -> Review {
    let path = &doc.file.path;
    // A section is dated by its file: a change anywhere in the file counts, which the message
    // says.
    let shown = match &doc.section {
        Some(s) => format!("{path} (the file of the section \"{}\")", s.heading),
        None => path.clone(),
    };
    let history = git.document(path);
    let commit = history.and_then(|h| {
        let (date, id) = h.last_changed.as_deref().zip(h.last_commit.as_deref())?;
        let t = crate::timefmt::parse(date).ok()?;
        Some((t, date, id))
    });
    let approval = ctx
        .facts
        .human
        .attestations
        .iter()
        .filter(|a| a.requirements.iter().any(|r| r == requirement))
        .filter(|a| attestation_is_current(a, ctx.now))
        .filter(|a| {
            a.references
                .iter()
                .any(|r| matches!(r, Reference::File { path: p, .. } if p == path))
        })
        .filter_map(|a| Some((crate::timefmt::parse(&a.date).ok()?, a)))
        .max_by_key(|(t, _)| *t);
    let deadline = ctx.days_before_now(days);
    let changed = |(_, date, id): (OffsetDateTime, &str, &str)| {
        format!(
            "last changed {} in {}",
            &date[..date.len().min(10)],
            short(id)
        )
    };
    let approved = |a: &Attestation| format!("re-approved on {} in {}", a.date, a.file.path);
    if let Some((_, _, id)) = commit {
        evidence.push(EvidenceRef::Commit { id: id.to_string() });
    }
    if let Some((_, a)) = approval {
        evidence.push(EvidenceRef::Attestation {
            path: a.file.path.clone(),
            sha256: a.file.sha256.clone(),
        });
    }
    match (commit, approval) {
        (Some(c), _) if c.0 >= deadline => Review::Within(format!("{shown} {}", changed(c))),
        (_, Some((t, a))) if t >= deadline => Review::Within(format!("{shown} {}", approved(a))),
        (Some(c), approval) => Review::Overdue(format!(
            "{shown} {}, {}",
            changed(c),
            match approval {
                Some((_, a)) => approved(a),
                None => format!("and no current {requirement} attestation references it"),
            }
        )),
        (None, Some((_, a))) => Review::Overdue(format!(
            "{shown} {} and has no committed history",
            approved(a)
        )),
        (None, None) => Review::Undated(format!(
            "{shown} has no committed history ({})",
            history
                .and_then(|h| h.note.as_deref())
                .unwrap_or("the git collector was not given its path")
        )),
    }
}

/// The verdict over reviews: any overdue fails, any undated is unknown, else pass. `what` names
/// the documents and `period` the period they are held to.
fn reviewed(
    (within, overdue, undated): (Vec<String>, Vec<String>, Vec<String>),
    what: &str,
    period: &str,
    evidence: Vec<EvidenceRef>,
) -> RuleResult {
    if !overdue.is_empty() {
        RuleResult::fail(
            format!(
                "{what} not reviewed within {period}: {}",
                overdue.join("; ")
            ),
            evidence,
        )
    } else if !undated.is_empty() {
        RuleResult::unknown(undated.join("; "))
    } else {
        RuleResult::pass(
            format!("{what} reviewed within {period}: {}", within.join("; ")),
            evidence,
        )
    }
}

fn threat_model_fresh(ctx: &RuleCtx<'_>) -> RuleResult {
    let files = match ctx.facts.files.get() {
        Ok(f) => f,
        Err(reason) => {
            return RuleResult::unknown(format!("no repository-file evidence: {reason}"));
        }
    };
    let git = require!(history(ctx));
    let max_days = require!(ctx.param_u64("max-age-days"));
    let all: Vec<&Document> = files.documents_of("threat-model").collect();
    let candidates = crate::eval::rules::files::kind_candidates(files, "threat-model");
    if all.is_empty() && !candidates.is_empty() {
        return crate::eval::rules::files::only_candidates(
            "a threat model to keep current",
            &candidates,
        );
    }
    if all.is_empty() {
        return RuleResult::fail(
            "no threat-model document found, so there is nothing to keep current",
            Vec::new(),
        );
    }
    // A recent edit of a stub keeps nothing current: stubs are not judged (threat-model-present
    // says why they are stubs); a model whose content cannot be read (a PDF) still has dates.
    use crate::eval::rules::files::{Judged, judge};
    let (mut models, mut hollow) = (Vec::new(), Vec::new());
    for doc in all {
        match judge(files, doc, 1, None) {
            Judged::Hollow(why, at) => hollow.push((why, at)),
            Judged::Substantive(_) | Judged::Unjudged(_) => models.push(doc),
        }
    }
    if models.is_empty() {
        let (why, evidence): (Vec<String>, Vec<EvidenceRef>) = hollow.into_iter().unzip();
        return RuleResult::fail(
            format!(
                "no threat model with substance to keep current: {}",
                why.join("; ")
            ),
            evidence,
        );
    }
    let (mut within, mut overdue, mut undated, mut evidence) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for doc in &models {
        evidence.push(EvidenceRef::from(&doc.file));
        match review(ctx, git, doc, "SR-2", max_days, &mut evidence) {
            Review::Within(s) => within.push(s),
            Review::Overdue(s) => overdue.push(s),
            Review::Undated(s) => undated.push(s),
        }
    }
    reviewed(
        (within, overdue, undated),
        "threat model",
        &format!("the last {max_days} days"),
        evidence,
    )
}

/// Every document of the requirements this rule supports, against the review period of its
/// requirement in the catalogue.
fn documents_reviewed(ctx: &RuleCtx<'_>) -> RuleResult {
    let git = require!(history(ctx));
    let files = match ctx.facts.files.get() {
        Ok(f) => f,
        Err(reason) => {
            return RuleResult::unknown(format!("no repository-file evidence: {reason}"));
        }
    };
    let (mut within, mut overdue, mut undated, mut evidence) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut periods = Vec::new();
    let mut missing = Vec::new();
    for id in &ctx.rule.requirements {
        let Some(req) = REQUIREMENTS.iter().find(|r| &r.id == id) else {
            return RuleResult::unknown(format!("requirement {id} is not in the catalogue"));
        };
        let Some(days) = req.review_period_days else {
            return RuleResult::unknown(format!(
                "requirement {id} has no review period in the catalogue"
            ));
        };
        periods.push(format!("{id} {days} days"));
        let docs: Vec<&Document> = req
            .documents
            .iter()
            .flat_map(|k| files.documents_of(k))
            .collect();
        if docs.is_empty() {
            missing.push(format!("{id} ({})", req.documents.join(", ")));
        }
        for doc in docs {
            evidence.push(EvidenceRef::from(&doc.file));
            let tag = |s: String| format!("{s} [{id}]");
            match review(ctx, git, doc, id, u64::from(days), &mut evidence) {
                Review::Within(s) => within.push(tag(s)),
                Review::Overdue(s) => overdue.push(tag(s)),
                Review::Undated(s) => undated.push(tag(s)),
            }
        }
    }
    if within.is_empty() && overdue.is_empty() && undated.is_empty() {
        return RuleResult::not_applicable(
            format!(
                "no document to keep current for {}; whether one exists is judged by the \
                 requirements' *-documented rules",
                missing.join(", ")
            ),
            Vec::new(),
        );
    }
    let mut result = reviewed(
        (within, overdue, undated),
        "documents",
        &format!("their review periods ({})", periods.join(", ")),
        evidence,
    );
    if !missing.is_empty() {
        result
            .message
            .push_str(&format!("; no document found for {}", missing.join(", ")));
    }
    result
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use time::macros::datetime;

    use super::*;
    use crate::config::Config;
    use crate::eval::{Outcome, testing};
    use crate::facts::files::{Document, FileFacts};
    use crate::facts::git::{
        DocumentHistory, Independence, SecurityFix, SignedCounts, VerificationCounts,
    };
    use crate::facts::{Collected, Facts, FileRef};

    const NOW: OffsetDateTime = datetime!(2026-06-01 00:00 UTC);

    fn facts(git: Collected<GitFacts>, files: FileFacts) -> Facts {
        Facts {
            files: Collected::present(files),
            git,
            ..Facts::nothing("2026-06-01T00:00:00Z", "-")
        }
    }

    fn run_with(id: &str, git: Collected<GitFacts>, files: FileFacts) -> RuleResult {
        testing::outcome(id, &facts(git, files), &Config::default(), NOW)
    }

    /// `run_with`, the rule's parameters overridden as sdl.toml may.
    fn run_params(
        id: &str,
        git: GitFacts,
        files: FileFacts,
        params: &[(&str, toml::Value)],
    ) -> RuleResult {
        let facts = facts(Collected::present(git), files);
        let mut config = Config::default();
        config.rules.insert(
            id.to_string(),
            crate::config::RuleSettings {
                level: None,
                params: params
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect(),
            },
        );
        testing::outcome(id, &facts, &config, NOW)
    }

    fn run(id: &str, git: GitFacts) -> RuleResult {
        run_with(id, Collected::present(git), FileFacts::default())
    }

    fn base() -> GitFacts {
        GitFacts {
            commits: 10,
            landings: 10,
            ..GitFacts::default()
        }
    }

    fn release(tag: &str, date: &str, annotated: bool, signature: Option<&str>) -> Release {
        Release {
            tag: tag.into(),
            commit: "c".repeat(40),
            date: Some(date.into()),
            annotated,
            tag_signature: signature.map(Into::into),
            ..Release::default()
        }
    }

    #[test]
    fn every_rule_is_unknown_without_git_or_on_a_shallow_clone() {
        for (id, _) in RULES {
            let r = run_with(id, Collected::absent("no repository"), FileFacts::default());
            assert_eq!(r.outcome, Outcome::Unknown, "{id}");
            let shallow = GitFacts {
                shallow: true,
                ..base()
            };
            let r = run(id, shallow);
            if *id != "threat-model-fresh" {
                assert!(r.message.contains("fetch-depth: 0"), "{id}: {}", r.message);
            }
            assert_eq!(r.outcome, Outcome::Unknown, "{id}: {}", r.message);
        }
    }

    #[test]
    fn commits_signed_by_presence_and_by_verification() {
        let presence = |total| GitFacts {
            signed_commits: SignedCounts {
                total,
                ssh: total,
                ..SignedCounts::default()
            },
            ..base()
        };
        let r = run("commits-signed", presence(9));
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(r.message.contains("presence only"), "{}", r.message);
        assert_eq!(run("commits-signed", presence(8)).outcome, Outcome::Fail);
        assert_eq!(
            run(
                "commits-signed",
                GitFacts {
                    commits: 0,
                    ..presence(0)
                }
            )
            .outcome,
            Outcome::Unknown
        );

        let verified = |valid, invalid| GitFacts {
            signature_verification: VerificationMode::AllowedSigners {
                file: "allowed_signers".into(),
                sha256: String::new(),
            },
            signed_commits: SignedCounts {
                total: 10,
                ssh: 10,
                verified: Some(VerificationCounts {
                    valid,
                    invalid,
                    unknown_signer: 10 - valid - invalid,
                    invalid_sample: vec!["a".repeat(40); invalid as usize],
                    ..VerificationCounts::default()
                }),
                ..SignedCounts::default()
            },
            ..base()
        };
        assert_eq!(
            run("commits-signed", verified(10, 0)).outcome,
            Outcome::Pass
        );
        // Signed by keys nobody listed: present, but not valid.
        assert_eq!(run("commits-signed", verified(5, 0)).outcome, Outcome::Fail);
        let r = run("commits-signed", verified(9, 1));
        assert_eq!(r.outcome, Outcome::Fail);
        assert_eq!(r.evidence.len(), 1);
    }

    #[test]
    fn release_tags() {
        let with = |releases: Vec<Release>| GitFacts {
            releases,
            tags: 3,
            ..base()
        };
        let signed = with(vec![
            release("v1.0.0", "2025-01-01T00:00:00Z", true, Some("ssh")),
            release("v1.1.0", "2025-02-01T00:00:00Z", true, Some("openpgp")),
        ]);
        assert_eq!(
            run("release-tags-signed", signed.clone()).outcome,
            Outcome::Pass
        );
        assert_eq!(run("releases-recorded", signed).outcome, Outcome::Pass);

        let mixed = with(vec![
            release("v1.0.0", "2025-01-01T00:00:00Z", true, Some("ssh")),
            release("v1.1.0", "2025-02-01T00:00:00Z", false, None),
        ]);
        let r = run("release-tags-signed", mixed.clone());
        assert_eq!(r.outcome, Outcome::Fail);
        assert_eq!(r.evidence.len(), 1);
        let r = run("releases-recorded", mixed);
        assert_eq!(r.outcome, Outcome::Fail);
        assert!(r.message.contains("v1.1.0"), "{}", r.message);

        // Only the recent-releases most recent count: six old unsigned ones do not.
        let mut many: Vec<Release> = (0..6)
            .map(|i| release(&format!("v0.{i}.0"), "2020-01-01T00:00:00Z", false, None))
            .collect();
        many.extend((0..5).map(|i| {
            release(
                &format!("v1.{i}.0"),
                &format!("2025-0{}-01T00:00:00Z", i + 1),
                true,
                Some("ssh"),
            )
        }));
        assert_eq!(
            run("release-tags-signed", with(many.clone())).outcome,
            Outcome::Pass
        );
        assert_eq!(run("releases-recorded", with(many)).outcome, Outcome::Pass);

        let none = with(Vec::new());
        assert_eq!(
            run("release-tags-signed", none.clone()).outcome,
            Outcome::Unknown
        );
        assert_eq!(run("releases-recorded", none).outcome, Outcome::Fail);

        let mut verified = with(vec![release(
            "v1.0.0",
            "2025-01-01T00:00:00Z",
            true,
            Some("ssh"),
        )]);
        verified.signature_verification = VerificationMode::AllowedSigners {
            file: "f".into(),
            sha256: String::new(),
        };
        verified.releases[0].tag_verification = Some("invalid".into());
        assert_eq!(
            run("release-tags-signed", verified.clone()).outcome,
            Outcome::Fail
        );
        verified.releases[0].tag_verification = Some("unknown-signer".into());
        assert_eq!(
            run("release-tags-signed", verified.clone()).outcome,
            Outcome::Fail
        );
        verified.releases[0].tag_verification = Some("valid".into());
        assert_eq!(run("release-tags-signed", verified).outcome, Outcome::Pass);
    }

    #[test]
    fn reviews_and_independence() {
        let reviewed = |n| GitFacts {
            reviewed_landings: n,
            ..base()
        };
        assert_eq!(run("changes-reviewed", reviewed(9)).outcome, Outcome::Pass);
        let r = run("changes-reviewed", reviewed(8));
        assert_eq!(r.outcome, Outcome::Fail);
        assert!(r.message.starts_with("8 of 10 changes"), "{}", r.message);
        assert_eq!(
            run(
                "changes-reviewed",
                GitFacts {
                    landings: 0,
                    ..reviewed(0)
                }
            )
            .outcome,
            Outcome::Unknown
        );

        let independence = |independent, self_reviewed| GitFacts {
            review_independence: Independence {
                with_reviewer: independent + self_reviewed,
                independent,
                self_reviewed,
                self_reviewed_sample: Vec::new(),
            },
            ..base()
        };
        assert_eq!(
            run("review-independent", independence(0, 0)).outcome,
            Outcome::Unknown
        );
        let r = run("review-independent", independence(9, 1));
        assert_eq!(r.outcome, Outcome::Pass);
        assert!(r.message.starts_with("heuristic"), "{}", r.message);
        assert_eq!(
            run("review-independent", independence(5, 5)).outcome,
            Outcome::Fail
        );
    }

    #[test]
    fn security_fixes() {
        let fix = |date: &str, released: Option<&str>, in_head| SecurityFix {
            commit: "f".repeat(40),
            date: date.into(),
            advisories: vec!["RUSTSEC-2026-0001".into()],
            released_in: released.map(Into::into),
            released_at: None,
            in_head,
        };
        let with = |fixes| GitFacts {
            security_fix_commits: fixes,
            ..base()
        };
        let cases = [
            (vec![], Outcome::Unknown),
            (
                vec![fix("2026-01-01T00:00:00Z", Some("v1.0.1"), true)],
                Outcome::Pass,
            ),
            // Unreleased but younger than 30 days before NOW.
            (vec![fix("2026-05-20T00:00:00Z", None, true)], Outcome::Pass),
            (vec![fix("2026-04-01T00:00:00Z", None, true)], Outcome::Fail),
            // Only on a branch HEAD does not contain: not this rule's business.
            (
                vec![fix("2026-04-01T00:00:00Z", None, false)],
                Outcome::Unknown,
            ),
        ];
        for (fixes, want) in cases {
            let r = run("security-fixes-traceable", with(fixes.clone()));
            assert_eq!(r.outcome, want, "{fixes:?}: {}", r.message);
        }
    }

    #[test]
    fn threat_model_freshness() {
        let doc = FileFacts {
            documents: vec![Document {
                basis: Default::default(),
                section: None,
                kind: "threat-model".into(),
                file: FileRef {
                    path: "docs/threat-model.md".into(),
                    sha256: "0".repeat(64),
                },
                title: None,
                substance: Some(crate::facts::files::Substance {
                    words: 400,
                    ..Default::default()
                }),
                not_analysed: None,
            }],
            ..FileFacts::default()
        };
        let changed = |date: Option<&str>| {
            Collected::present(GitFacts {
                documents: vec![DocumentHistory {
                    path: "docs/threat-model.md".into(),
                    last_commit: date.map(|_| "d".repeat(40)),
                    last_changed: date.map(Into::into),
                    note: None,
                    ..DocumentHistory::default()
                }],
                ..base()
            })
        };
        let cases = [
            (Some("2025-07-01T00:00:00Z"), Outcome::Pass),
            (Some("2025-05-01T00:00:00Z"), Outcome::Fail),
            (None, Outcome::Unknown),
        ];
        for (date, want) in cases {
            let r = run_with("threat-model-fresh", changed(date), doc.clone());
            assert_eq!(r.outcome, want, "{date:?}: {}", r.message);
        }
        let r = run_with(
            "threat-model-fresh",
            changed(Some("2025-07-01T00:00:00Z")),
            FileFacts::default(),
        );
        assert_eq!(r.outcome, Outcome::Fail);
        // Only a candidate ("### Threats" in a design note): unknown, naming it.
        let candidate = FileFacts {
            candidates: vec![crate::facts::files::Candidate {
                key: "documents.threat-model".into(),
                file: FileRef {
                    path: "docs/design.md".into(),
                    sha256: "0".repeat(64),
                },
                line: 12,
                section: None,
                text: "### Threats".into(),
                words: 80,
                config_path: Some("docs/design.md".into()),
            }],
            ..FileFacts::default()
        };
        let r = run_with(
            "threat-model-fresh",
            changed(Some("2025-07-01T00:00:00Z")),
            candidate,
        );
        assert_eq!(r.outcome, Outcome::Unknown, "{}", r.message);
        assert!(r.message.contains("docs/design.md:12"), "{}", r.message);
        let _ = BTreeMap::<String, String>::new();
        // A stale model re-approved by a current SR-2 attestation that references it is
        // reviewed; an attestation of another requirement does not count.
        let facts = |requirement: &str| Facts {
            human: crate::facts::human::HumanFacts {
                attestations: vec![approval(requirement, "docs/threat-model.md", "2026-02-01")],
                ..Default::default()
            },
            ..facts(changed(Some("2025-05-01T00:00:00Z")), doc.clone())
        };
        let r = testing::outcome(
            "threat-model-fresh",
            &facts("SR-2"),
            &Config::default(),
            NOW,
        );
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(
            r.message
                .contains("re-approved on 2026-02-01 in sdl/attestations/a.toml"),
            "{}",
            r.message
        );
        let r = testing::outcome(
            "threat-model-fresh",
            &facts("SR-1"),
            &Config::default(),
            NOW,
        );
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);

        // A stub edited yesterday keeps nothing current.
        let mut stub = doc.clone();
        stub.documents[0].substance = Some(crate::facts::files::Substance {
            words: 1,
            placeholders: vec![crate::facts::files::Mention {
                text: "TBD".into(),
                line: 3,
            }],
            ..Default::default()
        });
        let r = run_with(
            "threat-model-fresh",
            changed(Some("2026-05-30T00:00:00Z")),
            stub,
        );
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(
            r.message.contains("no threat model with substance"),
            "{}",
            r.message
        );
    }

    /// A current attestation of `requirement` dated `date` that references `path`.
    fn approval(requirement: &str, path: &str, date: &str) -> Attestation {
        let mut a = crate::eval::tests::attestation("sdl/attestations/a.toml", date, "2027-01-01");
        a.requirements = vec![requirement.into()];
        a.references = vec![Reference::File {
            path: path.into(),
            sha256: "0".repeat(64),
        }];
        a
    }

    fn sdl_documents() -> FileFacts {
        let doc = |kind: &str, path: &str| Document {
            basis: Default::default(),
            section: None,
            kind: kind.into(),
            file: FileRef {
                path: path.into(),
                sha256: "0".repeat(64),
            },
            title: None,
            substance: None,
            not_analysed: None,
        };
        FileFacts {
            documents: vec![
                doc("threat-model", "docs/threat-model.md"),
                doc("process", "docs/sdl/process.md"),
                doc("design-practices", "docs/security/design-practices.md"),
                doc("coding-standard", "docs/security/coding-standard.md"),
            ],
            ..FileFacts::default()
        }
    }

    fn histories(dates: &[(&str, Option<&str>)]) -> GitFacts {
        GitFacts {
            documents: dates
                .iter()
                .map(|(path, date)| DocumentHistory {
                    path: path.to_string(),
                    last_commit: date.map(|_| "e".repeat(40)),
                    last_changed: date.map(Into::into),
                    note: None,
                    ..DocumentHistory::default()
                })
                .collect(),
            ..base()
        }
    }

    #[test]
    fn documents_reviewed_within_their_requirements_periods() {
        const FRESH: Option<&str> = Some("2026-01-01T00:00:00Z");
        const STALE: Option<&str> = Some("2024-01-01T00:00:00Z");
        let git = |coding: Option<&str>| {
            Collected::present(histories(&[
                ("docs/sdl/process.md", FRESH),
                ("docs/security/design-practices.md", FRESH),
                ("docs/security/coding-standard.md", coding),
            ]))
        };
        let run_att = |coding: Option<&str>, attestations| {
            let facts = Facts {
                human: crate::facts::human::HumanFacts {
                    attestations,
                    ..Default::default()
                },
                ..facts(git(coding), sdl_documents())
            };
            testing::outcome("documents-reviewed", &facts, &Config::default(), NOW)
        };
        let r = run_att(FRESH, vec![]);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(
            r.message.starts_with(
                "documents reviewed within their review periods (SM-1 365 days, SD-4 365 days, \
                 SI-2 365 days): docs/sdl/process.md last changed 2026-01-01 in eeeeeeeeeeee [SM-1]"
            ),
            "{}",
            r.message
        );
        let r = run_att(STALE, vec![]);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(
            r.message.ends_with(
                "docs/security/coding-standard.md last changed 2024-01-01 in eeeeeeeeeeee, and \
                 no current SI-2 attestation references it [SI-2]"
            ),
            "{}",
            r.message
        );
        let coding = "docs/security/coding-standard.md";
        let r = run_att(STALE, vec![approval("SI-2", coding, "2026-03-01")]);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        // Another requirement's attestation, one too old, and an expired one do not re-approve.
        for a in [
            approval("SD-4", coding, "2026-03-01"),
            approval("SI-2", coding, "2025-01-01"),
            {
                let mut a = approval("SI-2", coding, "2026-03-01");
                a.valid_until = "2026-05-01".into();
                a
            },
        ] {
            let r = run_att(STALE, vec![a]);
            assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        }
        let r = run_att(None, vec![]);
        assert_eq!(r.outcome, Outcome::Unknown, "{}", r.message);
        // Only the threat model (judged by threat-model-fresh): nothing to judge here.
        let mut only_model = sdl_documents();
        only_model.documents.truncate(1);
        let r = run_with("documents-reviewed", git(FRESH), only_model);
        assert_eq!(r.outcome, Outcome::NotApplicable, "{}", r.message);
    }

    /// The rule judges the documents of every requirement with document kinds and a review
    /// period, except SR-2's threat model, which threat-model-fresh judges.
    #[test]
    fn documents_reviewed_covers_every_requirement_with_a_review_period_and_documents() {
        let rule = testing::rule("documents-reviewed");
        let mut want: Vec<&str> = REQUIREMENTS
            .iter()
            .filter(|r| r.review_period_days.is_some() && !r.documents.is_empty())
            .map(|r| r.id.as_str())
            .filter(|id| *id != "SR-2")
            .collect();
        want.sort_unstable();
        let mut got: Vec<&str> = rule.requirements.iter().map(String::as_str).collect();
        got.sort_unstable();
        assert_eq!(got, want);
        assert!(
            testing::rule("threat-model-fresh").requirements == ["SR-2"],
            "threat-model-fresh judges SR-2's documents"
        );
    }

    /// A day threshold from sdl.toml is any non-negative integer; `Duration::days` of it, or
    /// `now` minus that, overflowed and panicked.
    #[test]
    fn huge_day_thresholds_do_not_overflow() {
        let huge = toml::Value::Integer(i64::MAX);
        for days in [huge.clone(), toml::Value::Integer(200_000_000)] {
            let git = GitFacts {
                security_fix_commits: vec![SecurityFix {
                    commit: "f".repeat(40),
                    date: "2026-04-01T00:00:00Z".into(),
                    advisories: vec!["RUSTSEC-2026-0001".into()],
                    released_in: None,
                    released_at: None,
                    in_head: true,
                }],
                documents: vec![DocumentHistory {
                    path: "docs/threat-model.md".into(),
                    last_commit: Some("d".repeat(40)),
                    last_changed: Some("2020-01-01T00:00:00Z".into()),
                    note: None,
                    ..DocumentHistory::default()
                }],
                ..base()
            };
            let r = run_params(
                "security-fixes-traceable",
                git.clone(),
                FileFacts::default(),
                &[("max-unreleased-days", days.clone())],
            );
            assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
            let doc = FileFacts {
                documents: vec![Document {
                    basis: Default::default(),
                    section: None,
                    kind: "threat-model".into(),
                    file: FileRef {
                        path: "docs/threat-model.md".into(),
                        sha256: "0".repeat(64),
                    },
                    title: None,
                    substance: None,
                    not_analysed: None,
                }],
                ..FileFacts::default()
            };
            let r = run_params("threat-model-fresh", git, doc, &[("max-age-days", days)]);
            assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        }
    }
}
