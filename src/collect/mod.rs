//! Collectors: the only code that reads the repository, runs git or cargo, or opens the
//! advisory database. Each one returns [`Collected`](crate::facts::Collected): a collector
//! that cannot run never aborts the others.

pub mod advisories;
pub mod attest;
pub mod cargo;
pub mod files;
pub mod git;
pub mod sbom;

use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use crate::config::Config;
use crate::facts::Facts;

/// What every collector may need to know about the run.
#[derive(Debug, Clone)]
pub struct CollectCtx {
    /// The workspace root (where Cargo.toml and sdl.toml are).
    pub root: PathBuf,
    pub offline: bool,
    pub now: OffsetDateTime,
    /// `--advisory-db`, which wins over the configuration and CARGO_HOME.
    pub advisory_db: Option<PathBuf>,
    /// What the git collector walks (`--rev`, `--since`, `--release`, keys, tag pattern).
    pub git: git::Options,
}

/// Run every collector.
pub fn collect_all(
    ctx: &CollectCtx,
    config: &Config,
    human: crate::facts::attest::HumanFacts,
    progress: &dyn Fn(&str),
) -> Facts {
    progress("repository files");
    let files = files::collect(&ctx.root, config);
    progress("git history");
    let mut documents = files::document_paths(&files);
    documents.extend(human.attestations.iter().map(|a| a.file.path.clone()));
    documents.sort();
    documents.dedup();
    let git = git::collect(&ctx.root, &ctx.git, &documents);
    let mut human = human;
    attach_commit_records(&ctx.root, &git, &mut human);
    progress("cargo metadata");
    let cargo = cargo::collect(&ctx.root, ctx.offline);
    progress("SBOMs");
    let sbom = sbom::collect(&ctx.root, config, &cargo, ctx.now);
    progress("advisories");
    let advisories = advisories::collect(&ctx.root, config, ctx.advisory_db.as_deref());
    Facts {
        collected_at: crate::timefmt::rfc3339(ctx.now),
        files,
        git,
        cargo,
        sbom,
        advisories,
        human,
    }
}

/// Fill in each attestation's git record (or why it has none) from the git facts.
fn attach_commit_records(
    root: &Path,
    git: &crate::facts::Collected<crate::facts::GitFacts>,
    human: &mut crate::facts::attest::HumanFacts,
) {
    let facts = match git.get() {
        Ok(f) => f,
        Err(why) => {
            for a in &mut human.attestations {
                a.uncommitted = Some(format!("git history unavailable: {why}"));
            }
            return;
        }
    };
    let files: Vec<(String, String)> = human
        .attestations
        .iter()
        .map(|a| (a.file.path.clone(), a.file.sha256.clone()))
        .collect();
    for (a, (_, record)) in human
        .attestations
        .iter_mut()
        .zip(git::file_records(root, facts, &files))
    {
        match record {
            Ok(r) => a.commit = Some(r),
            Err(why) => a.uncommitted = Some(why),
        }
    }
}
