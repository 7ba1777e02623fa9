//! `cargo sdl diff OLD NEW`: what changed between two reports or packages.

use crate::cli::{DiffArgs, Format, GlobalOptions};
use crate::package;

use super::RunOutcome;

pub fn run(global: &GlobalOptions, args: &DiffArgs) -> anyhow::Result<RunOutcome> {
    let old = package::diff::load_report(&args.old)?;
    let new = package::diff::load_report(&args.new)?;
    let changes = package::diff::diff(&old, &new);
    let stdout = match global.format {
        Format::Json => format!("{}\n", serde_json::to_string_pretty(&changes)?),
        _ => package::diff::describe(&changes),
    };
    Ok(RunOutcome {
        stdout,
        stderr: String::new(),
        failed: args.fail_on_regression && changes.iter().any(|c| c.regression),
    })
}
