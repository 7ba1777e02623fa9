//! `cargo sdl rules` and `cargo sdl explain ID`: the catalogue, read only.

use crate::catalog::Catalog;
use crate::cli::{Format, GlobalOptions};
use crate::render;

use super::RunOutcome;

/// `rules`: every requirement and rule in the requested format.
pub fn rules(global: &GlobalOptions, catalog: &Catalog, color: bool) -> anyhow::Result<RunOutcome> {
    Ok(RunOutcome::output(match global.format {
        Format::Human => render::catalog::human(catalog, color),
        Format::Json => render::catalog::json(catalog)?,
        Format::Markdown => render::catalog::markdown(catalog),
    }))
}

/// `explain ID`: one requirement or rule, with its settings.
pub fn explain(global: &GlobalOptions, catalog: &Catalog, id: &str) -> anyhow::Result<RunOutcome> {
    Ok(RunOutcome::output(render::catalog::explain(
        catalog,
        id,
        global.format,
    )?))
}
