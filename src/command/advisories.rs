//! `cargo sdl advisories` (hidden): the workspace's (or the given) lockfile against the
//! advisory database only, for benchmarks against `cargo audit`.

use crate::cli::GlobalOptions;
use crate::{collect, facts};

use super::RunOutcome;

pub fn run(
    global: &GlobalOptions,
    lockfile: Option<&std::path::Path>,
) -> anyhow::Result<RunOutcome> {
    let facts = check(global, lockfile)?;
    Ok(RunOutcome::output(crate::render::json::pretty(&facts)?))
}

/// The advisories that match the lockfile.
pub fn check(
    global: &GlobalOptions,
    lockfile: Option<&std::path::Path>,
) -> anyhow::Result<facts::AdvisoryFacts> {
    let (ws, config) = super::load_workspace(global)?;
    let found =
        collect::advisories::locate_database(&ws.root, &config, global.advisory_db.as_deref())
            .map_err(anyhow::Error::msg)?
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "no RustSec advisory database found; {}",
                    collect::advisories::HOW_TO_GET_A_DATABASE
                )
            })?;
    let (db, info) = collect::advisories::open_located(&found).map_err(anyhow::Error::msg)?;
    let lock = lockfile
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| ws.root.join("Cargo.lock"));
    collect::advisories::check_lockfile(&db, info, &lock).map_err(anyhow::Error::msg)
}
