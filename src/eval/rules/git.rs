//! Rules over git facts (`facts::git`).

use super::RuleFn;
use crate::eval::{RuleCtx, RuleResult};
use crate::facts::EvidenceRef;
use crate::facts::git::{GitFacts, Release, VerificationMode};

pub(super) const RULES: &[(&str, RuleFn)] = &[
    ("changes-reviewed", changes_reviewed),
    ("commits-signed", commits_signed),
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

/// The release pattern as a reader wants it: named when it is the default.
fn pattern_words(git: &GitFacts) -> String {
    if git.release_tag_pattern == crate::facts::git::DEFAULT_RELEASE_TAG_PATTERN {
        "the default release pattern (v1.2.3, 1.2.3, name-v1.2.3)".to_string()
    } else {
        format!("`{}`", git.release_tag_pattern)
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

fn threat_model_fresh(ctx: &RuleCtx<'_>) -> RuleResult {
    let files = match ctx.facts.files.get() {
        Ok(f) => f,
        Err(reason) => {
            return RuleResult::unknown(format!("no repository-file evidence: {reason}"));
        }
    };
    let git = require!(history(ctx));
    let max_days = require!(ctx.param_u64("max-age-days"));
    let models: Vec<_> = files
        .documents
        .iter()
        .filter(|d| d.kind == "threat-model")
        .collect();
    if models.is_empty() {
        return RuleResult::fail(
            "no threat-model document found, so there is nothing to keep current",
            Vec::new(),
        );
    }
    let deadline = ctx.days_before_now(max_days);
    let mut fresh = Vec::new();
    let mut stale = Vec::new();
    let mut undated = Vec::new();
    for doc in &models {
        let path = &doc.file.path;
        match git
            .document(path)
            .and_then(|h| h.last_changed.as_deref().zip(h.last_commit.as_deref()))
        {
            Some((date, commit)) => match crate::timefmt::parse(date) {
                Ok(t) if t >= deadline => fresh.push((path, date, commit)),
                Ok(_) => stale.push((path, date, commit)),
                Err(_) => undated.push(path),
            },
            None => undated.push(path),
        }
    }
    let evidence = |list: &[(&String, &str, &str)]| -> Vec<EvidenceRef> {
        list.iter()
            .flat_map(|(_, _, commit)| {
                [EvidenceRef::Commit {
                    id: commit.to_string(),
                }]
            })
            .chain(models.iter().map(|d| EvidenceRef::from(&d.file)))
            .collect()
    };
    let describe = |list: &[(&String, &str, &str)]| {
        list.iter()
            .map(|(p, d, c)| format!("{p} last changed {} in {}", &d[..d.len().min(10)], short(c)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !fresh.is_empty() {
        RuleResult::pass(
            format!(
                "threat model changed within the last {max_days} days: {}",
                describe(&fresh)
            ),
            evidence(&fresh),
        )
    } else if !stale.is_empty() {
        RuleResult::fail(
            format!(
                "threat model not changed in the last {max_days} days: {}",
                describe(&stale)
            ),
            evidence(&stale),
        )
    } else {
        RuleResult::unknown(format!(
            "threat model {} has no committed history (not committed yet, or the collector was \
             not given its path)",
            undated
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
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

    const NOW: time::OffsetDateTime = datetime!(2026-06-01 00:00 UTC);

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
                kind: "threat-model".into(),
                file: FileRef {
                    path: "docs/threat-model.md".into(),
                    sha256: "0".repeat(64),
                },
                title: None,
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
        let _ = BTreeMap::<String, String>::new();
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
                    kind: "threat-model".into(),
                    file: FileRef {
                        path: "docs/threat-model.md".into(),
                        sha256: "0".repeat(64),
                    },
                    title: None,
                }],
                ..FileFacts::default()
            };
            let r = run_params("threat-model-fresh", git, doc, &[("max-age-days", days)]);
            assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        }
    }
}
