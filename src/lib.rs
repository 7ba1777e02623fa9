//! `cargo sdl`: collect IEC 62443-4-1 secure development lifecycle evidence from a Rust
//! repository, evaluate it against the 47 requirements, and report it.
//!
//! Data flows one way: [`collect`] → [`facts`] → [`eval`] → [`report`] → [`render`].

pub mod catalog;
pub mod cli;
pub mod collect;
pub mod config;
pub mod eval;
pub mod facts;
pub mod init;
pub mod render;
pub mod report;
pub mod timefmt;
pub mod workspace;

use std::path::PathBuf;

use anyhow::Context;
use time::OffsetDateTime;

use crate::catalog::Catalog;
use crate::cli::{Command, Format, GlobalOptions};
use crate::config::Config;
use crate::report::Report;

/// What a run produced; `main` turns it into output and an exit code.
#[derive(Debug)]
pub struct RunOutcome {
    /// What goes to stdout.
    pub stdout: String,
    /// True when a deny-level rule failed (exit code 1).
    pub failed: bool,
}

/// Where human-readable progress goes; `main` decides whether it is shown.
pub type Progress<'a> = &'a dyn Fn(&str);

/// The point in time the run evaluates at: `--current-time`, else `SOURCE_DATE_EPOCH`, else the
/// clock.
pub fn resolve_now(current_time: Option<&str>) -> anyhow::Result<OffsetDateTime> {
    if let Some(t) = current_time {
        return timefmt::parse(t).map_err(|e| anyhow::anyhow!("--current-time: {e}"));
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        return timefmt::parse(&epoch).map_err(|e| anyhow::anyhow!("SOURCE_DATE_EPOCH: {e}"));
    }
    Ok(OffsetDateTime::now_utc())
}

/// Load the catalogue: the embedded one plus `--practices DIR`.
pub fn load_catalog(global: &GlobalOptions) -> anyhow::Result<Catalog> {
    Ok(match &global.practices {
        Some(dir) => Catalog::with_extra_dir(dir)?,
        None => Catalog::embedded()?,
    })
}

/// Run one subcommand.
pub fn run(
    global: &GlobalOptions,
    command: &Command,
    color: bool,
    progress: Progress<'_>,
) -> anyhow::Result<RunOutcome> {
    let catalog = load_catalog(global)?;
    match command {
        Command::Rules => Ok(RunOutcome {
            stdout: match global.format {
                Format::Human => render::catalog::human(&catalog, color),
                Format::Json => render::catalog::json(&catalog)?,
                Format::Markdown => render::catalog::markdown(&catalog),
            },
            failed: false,
        }),
        Command::Explain { id } => Ok(RunOutcome {
            stdout: render::catalog::explain(&catalog, id, global.format)?,
            failed: false,
        }),
        Command::Init => {
            let ws = workspace::locate(global.manifest_path.as_deref())?;
            let written = init::init(&ws.root)?;
            Ok(RunOutcome {
                stdout: init::describe(&written),
                failed: false,
            })
        }
        Command::Check => {
            let report = build_report(global, &catalog, progress)?;
            let stdout = match global.format {
                Format::Human => render::human::render(&report, color),
                Format::Json => render::json::render(&report)?,
                Format::Markdown => render::markdown::render(&report),
            };
            Ok(RunOutcome {
                stdout,
                failed: report.has_denied(),
            })
        }
    }
}

/// Collect, evaluate and assemble the report.
pub fn build_report(
    global: &GlobalOptions,
    catalog: &Catalog,
    progress: Progress<'_>,
) -> anyhow::Result<Report> {
    let now = resolve_now(global.current_time.as_deref())?;
    let ws = workspace::locate(global.manifest_path.as_deref())?;
    let config_path: Option<PathBuf> = global.config.clone();
    let config = Config::load(
        &ws.root,
        config_path.as_deref(),
        catalog,
        ws.product.clone(),
    )
    .context("invalid configuration")?;
    let git = collect::git::Options {
        rev: global.rev.clone(),
        since: global.since.clone(),
        release: global.release.clone(),
        allowed_signers: global
            .allowed_signers
            .clone()
            .or_else(|| config.git.allowed_signers.as_ref().map(|p| ws.root.join(p))),
        release_tag_pattern: config.git.release_tag_pattern.clone(),
        progress: !global.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()),
    };
    let ctx = collect::CollectCtx {
        root: ws.root.clone(),
        offline: global.offline,
        now,
        git,
    };
    let facts = collect::collect_all(&ctx, &config, progress);
    progress("evaluating");
    let evaluation = eval::evaluate(&facts, catalog, &config, now);
    Ok(Report::new(
        catalog,
        &config,
        facts,
        evaluation,
        timefmt::rfc3339(now),
    ))
}
