//! `cargo sdl sbom`: a reproducible CycloneDX SBOM of the workspace.

use anyhow::Context;

use crate::cli::GlobalOptions;
use crate::{collect, facts};

use super::{Progress, RunOutcome};

pub fn run(
    global: &GlobalOptions,
    out: Option<&std::path::Path>,
    progress: Progress<'_>,
) -> anyhow::Result<RunOutcome> {
    let (bytes, warning) = generate(global, progress)?;
    let stderr = warning
        .map(|w| format!("warning: the SBOM is incomplete: {w}\n"))
        .unwrap_or_default();
    let stdout = match out {
        Some(path) => {
            std::fs::write(path, &bytes)
                .with_context(|| format!("writing the SBOM to {}", path.display()))?;
            String::new()
        }
        None => String::from_utf8(bytes).context("the SBOM is not UTF-8")?,
    };
    Ok(RunOutcome {
        stdout,
        stderr,
        failed: false,
    })
}

/// The SBOM bytes, and why it is incomplete if it is. Its timestamp is `--current-time` or
/// SOURCE_DATE_EPOCH, else the HEAD commit time, else the clock.
pub fn generate(
    global: &GlobalOptions,
    progress: Progress<'_>,
) -> anyhow::Result<(Vec<u8>, Option<String>)> {
    let (ws, config) = super::load_workspace(global)?;
    let explicit = global.current_time.is_some() || std::env::var_os("SOURCE_DATE_EPOCH").is_some();
    let now = match (explicit, collect::sbom::head_commit_time(&ws.root)) {
        (false, Some(head)) => head,
        _ => super::resolve_now(global.current_time.as_deref())?,
    };
    progress("cargo metadata");
    let facts = match collect::cargo::collect(&ws.root, global.offline) {
        facts::Collected::Present { value } => value,
        facts::Collected::Absent { reason } => anyhow::bail!("no package list: {reason}"),
        facts::Collected::Failed { error } => anyhow::bail!("{error}"),
    };
    let warning = facts.partial.clone();
    Ok((
        crate::sbom::generate_sbom(&facts, &config.product, now)?,
        warning,
    ))
}
