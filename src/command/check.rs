//! `cargo sdl check` (the default command): collect, evaluate, print, gate.

use crate::catalog::Catalog;
use crate::cli::{Format, GateArgs, GlobalOptions};
use crate::render;

use super::{Progress, RunOutcome, gate};

pub fn run(
    global: &GlobalOptions,
    catalog: &Catalog,
    args: &GateArgs,
    color: bool,
    progress: Progress<'_>,
) -> anyhow::Result<RunOutcome> {
    gate::check_args(args, catalog)?;
    let report = super::build_report(global, catalog, progress)?;
    let mut stdout = match global.format {
        Format::Human => render::human::render(&report, color),
        Format::Json => render::json::render(&report)?,
        Format::Markdown => render::markdown::render(&report),
    };
    let mut stderr = crate::collect::cache::take_warnings();
    let reasons = gate::reasons(&report, args, catalog)?;
    if !reasons.is_empty() {
        let text = gate::describe(&reasons);
        // Machine-readable output stays pure; the reasons then go to stderr.
        match global.format {
            Format::Human => stdout.push_str(&text),
            _ => stderr.push_str(&text),
        }
    }
    Ok(RunOutcome {
        stdout,
        stderr,
        failed: report.has_denied() || !reasons.is_empty(),
    })
}
