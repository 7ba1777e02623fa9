//! Past releases re-assessed as they were tagged: the evidence an ML3 "practiced" claim needs.
//! For each of the last N release tags the repository's files are read from the tag's tree
//! (never the work tree), its history is walked up to the tag, its Cargo.lock is the one
//! committed there, and only the attestations committed before the tag count. What cannot be
//! reconstructed for a past release (cargo metadata, repository SBOMs, the advisory database
//! as it was) is marked absent with that reason, so the rules that need it are unknown there.

use crate::config::Config;
use crate::facts::human::HumanFacts;
use crate::facts::{CargoFacts, Collected, Facts};

use super::CollectCtx;

/// One past release and the facts as they were when it was tagged.
#[derive(Debug, Clone)]
pub(crate) struct ReleaseFacts {
    pub tag: String,
    /// The tagged commit (full id).
    pub commit: String,
    /// RFC 3339: the tag's date, at which the release is evaluated.
    pub date: String,
    pub facts: Facts,
}

/// The facts at each of the last `n` release tags of `current` (newest first). Fewer when the
/// history has fewer releases, none without git history.
pub(crate) fn reassess(
    ctx: &CollectCtx,
    config: &Config,
    current: &Facts,
    n: usize,
    progress: &(dyn Fn(&str) + Sync),
) -> Vec<ReleaseFacts> {
    let Ok(git) = current.git.get() else {
        return Vec::new();
    };
    let prefix = crate::repo_fs::prefix_in_repository(&ctx.root);
    let chosen: Vec<(usize, &crate::facts::git::Release, String, gix::ObjectId)> = git
        .releases
        .iter()
        .rev()
        .take(n)
        .filter_map(|release| {
            let date = release.date.clone()?;
            let commit = gix::ObjectId::from_hex(release.commit.as_bytes()).ok()?;
            Some((release, date, commit))
        })
        .enumerate()
        .map(|(i, (release, date, commit))| (i, release, date, commit))
        .collect();
    // Each release is re-assessed on its own thread with its own repository handle; the
    // results keep the releases' order, so the output does not depend on the scheduling.
    type Chosen<'r> = (usize, &'r crate::facts::git::Release, String, gix::ObjectId);
    let one = |(slot, release, date, commit): &Chosen<'_>| {
        progress(&format!("release {}", release.tag));
        let repo = super::discover_repository(&ctx.root).ok()?;
        Some(ReleaseFacts {
            tag: release.tag.clone(),
            commit: release.commit.clone(),
            date: date.clone(),
            facts: at_release(
                ctx,
                config,
                current,
                &repo,
                *commit,
                &prefix,
                &release.tag,
                date,
                *slot,
            ),
        })
    };
    if super::sequential() {
        return chosen.iter().filter_map(one).collect();
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = chosen.iter().map(|c| s.spawn(move || one(c))).collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

#[allow(clippy::too_many_arguments)]
fn at_release(
    ctx: &CollectCtx,
    config: &Config,
    current: &Facts,
    repo: &gix::Repository,
    commit: gix::ObjectId,
    prefix: &str,
    tag: &str,
    date: &str,
    slot: usize,
) -> Facts {
    let files = super::files::collect_at_cached(
        repo,
        commit,
        prefix,
        config,
        ctx.cache.as_deref().map(|c| (c, slot)),
    );
    let mut documents = super::files::document_paths(&files);
    documents.sort();
    documents.dedup();
    let options = super::git::Options {
        rev: Some(tag.to_string()),
        ..ctx.git.clone()
    };
    let git = super::git::collect(&ctx.root, &options, &documents, &|_| {});
    let not_then = |what: &str| format!("{what} is not reconstructed for a past release ({tag})");
    Facts {
        collected_at: date.to_string(),
        files,
        cargo: cargo_at(repo, commit, prefix, tag),
        sbom: Collected::absent(not_then("the repository's SBOMs")),
        advisories: Collected::absent(not_then("the advisory database as it was")),
        human: human_at(&current.human, date),
        improvement: Collected::absent(not_then("the improvement records")),
        git,
    }
}

/// The packages of Cargo.lock as committed at the release (cargo metadata cannot run on a
/// past tree without checking it out): licences and members are unknown, and say so.
fn cargo_at(
    repo: &gix::Repository,
    commit: gix::ObjectId,
    prefix: &str,
    tag: &str,
) -> Collected<CargoFacts> {
    let lock = (|| -> Result<Option<rustsec::Lockfile>, String> {
        let tree = repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(|e| e.to_string())?;
        let Some(entry) = tree
            .lookup_entry_by_path(format!("{prefix}Cargo.lock"))
            .map_err(|e| e.to_string())?
        else {
            return Ok(None);
        };
        let size = repo
            .find_header(entry.oid())
            .map_err(|e| e.to_string())?
            .size();
        let cap = crate::repo_fs::Limit::Lockfile.bytes();
        if size > cap {
            return Err(format!("Cargo.lock at {tag} is larger than {cap} bytes"));
        }
        let blob = entry.object().map_err(|e| e.to_string())?;
        super::cargo::parse_lockfile(&blob.data).map(Some)
    })();
    match lock {
        Ok(Some(lock)) => {
            let mut facts = super::cargo::from_lockfile(&lock);
            facts.partial = Some(format!(
                "re-assessed from Cargo.lock as committed at {tag}: licences, dependency kinds \
                 and workspace members are unknown for a past release"
            ));
            Collected::present(facts)
        }
        Ok(None) => Collected::absent(format!("there was no Cargo.lock at {tag}")),
        Err(e) => Collected::failed(format!("Cargo.lock at {tag}: {e}")),
    }
}

/// The human records that existed at the release: an attestation counts there only when its
/// current content was committed no later than the tag (its last change is before the tag);
/// roles and training are today's, which is the more demanding reading for attestations made
/// before them.
fn human_at(current: &HumanFacts, date: &str) -> HumanFacts {
    let tagged = crate::timefmt::parse(date).ok();
    let mut human = current.clone();
    human.attestations.retain(|a| {
        let committed = a
            .commit
            .as_ref()
            .and_then(|c| crate::timefmt::parse(&c.date).ok());
        matches!((committed, tagged), (Some(c), Some(t)) if c <= t)
    });
    human
}
