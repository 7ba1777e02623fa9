//! One module per command. Each takes the parsed options and returns a [`RunOutcome`]; none
//! prints: `main` writes the outcome and decides the exit code.

pub mod advisories;
pub mod attest;
pub mod check;
pub mod diff;
pub mod discover;
pub mod fetch;
pub mod gate;
pub mod init;
pub mod portfolio;
pub mod report;
pub mod rules;
pub mod sbom;
pub mod verify;

use anyhow::Context;
use time::OffsetDateTime;

use crate::catalog::Catalog;
use crate::cli::{Command, GlobalOptions};
use crate::config::Config;
use crate::report::Report;
use crate::{collect, eval, timefmt, workspace};

/// What a run produced; `main` turns it into output and an exit code.
#[derive(Debug, Default)]
pub struct RunOutcome {
    /// What goes to stdout.
    pub stdout: String,
    /// Warnings and gate reasons that must not mix with machine-readable stdout.
    pub stderr: String,
    /// True when the run's verdict is a failure (exit code 1).
    pub failed: bool,
}

impl RunOutcome {
    /// Output only, no failure.
    pub(crate) fn output(stdout: String) -> Self {
        RunOutcome {
            stdout,
            ..Default::default()
        }
    }
}

/// Where human-readable progress goes (`"Collecting git history"`: a verb, then what);
/// `main` decides whether it is shown.
pub type Progress<'a> = &'a (dyn Fn(&str) + Sync);

/// Ask a person a question and read one line of answer.
pub type Ask<'a> = &'a dyn Fn(&str) -> std::io::Result<String>;

/// How a command reaches the person running it. The library never touches stdin, stdout or
/// stderr itself: `main` passes this in and writes the [`RunOutcome`].
#[derive(Clone, Copy)]
pub struct Console<'a> {
    pub progress: Progress<'a>,
    /// `None` when nobody can be asked (stdin is not a terminal): missing input is then an
    /// error naming the flags.
    pub ask: Option<Ask<'a>>,
}

/// Run one subcommand.
pub fn run(
    global: &GlobalOptions,
    command: &Command,
    color: bool,
    console: &Console<'_>,
) -> anyhow::Result<RunOutcome> {
    let progress = console.progress;
    let catalog = load_catalog(global)?;
    match command {
        Command::Rules => rules::rules(global, &catalog, color),
        Command::Explain { id } => rules::explain(global, &catalog, id),
        Command::Init => init::run(global),
        Command::Discover => discover::run(global),
        Command::Sbom { out } => sbom::run(global, out.as_deref(), progress),
        Command::Fetch(args) => fetch::run(global, args, progress),
        Command::Advisories { lockfile } => advisories::run(global, lockfile.as_deref()),
        Command::Attest(args) => attest::run(global, &catalog, args, console),
        Command::Report(args) => report::run(global, &catalog, args, progress),
        Command::Verify(args) => verify::run(global, args),
        Command::Diff(args) => diff::run(global, args),
        Command::Portfolio(args) => portfolio::run(global, args, progress),
        Command::Check(args) => check::run(global, &catalog, args, color, progress),
    }
}

/// The point in time the run evaluates at: `--current-time`, else `SOURCE_DATE_EPOCH`, else the
/// clock.
pub fn resolve_now(current_time: Option<&str>) -> anyhow::Result<OffsetDateTime> {
    Ok(resolve_clock(current_time)?.0)
}

/// The assessment time and its source, one clock for the whole run.
pub fn resolve_clock(current_time: Option<&str>) -> anyhow::Result<(OffsetDateTime, &'static str)> {
    if let Some(t) = current_time {
        return timefmt::parse(t)
            .map(|t| (t, "--current-time"))
            .map_err(|e| anyhow::anyhow!("--current-time: {e}"));
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        return timefmt::parse(&epoch)
            .map(|t| (t, "SOURCE_DATE_EPOCH"))
            .map_err(|e| anyhow::anyhow!("SOURCE_DATE_EPOCH: {e}"));
    }
    Ok((OffsetDateTime::now_utc(), "clock"))
}

/// The key that signs a package's manifest (`--sign KEY`), checked before any work is done.
fn signer(
    publish: &crate::cli::PublishArgs,
) -> anyhow::Result<Option<crate::package::sign::SigningKey>> {
    Ok(publish
        .sign
        .as_deref()
        .map(crate::package::sign::SigningKey::load)
        .transpose()?)
}

/// Load the catalogue: the embedded one plus `--practices DIR`.
pub fn load_catalog(global: &GlobalOptions) -> anyhow::Result<Catalog> {
    Ok(match &global.practices {
        Some(dir) => Catalog::with_extra_dir(dir, &eval::rules::builtin_ids())?,
        None => Catalog::embedded(&eval::rules::builtin_ids())?,
    })
}

/// Collect, evaluate and assemble the report of the workspace the options name.
pub fn build_report(
    global: &GlobalOptions,
    catalog: &Catalog,
    progress: Progress<'_>,
) -> anyhow::Result<Report> {
    let ws = workspace::locate(global.manifest_path.as_deref())?;
    build_report_in(global, catalog, &ws, progress)
}

/// Collect, evaluate and assemble the report of an already located workspace.
pub fn build_report_in(
    global: &GlobalOptions,
    catalog: &Catalog,
    ws: &workspace::Workspace,
    progress: Progress<'_>,
) -> anyhow::Result<Report> {
    let (now, clock) = resolve_clock(global.current_time.as_deref())?;
    let config = Config::load(
        &ws.root,
        global.config.as_deref(),
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
        product_names: product_names(&config, ws),
        // Filled in with the attestations' paths once they are read.
        added_for: Vec::new(),
        memo: None,
    };
    let cache = if global.no_cache {
        None
    } else {
        match collect::cache::Cache::open(&ws.root, global.quiet) {
            Ok(c) => Some(std::sync::Arc::new(c)),
            Err(why) => {
                progress(&format!("Cache {why}"));
                None
            }
        }
    };
    let git = collect::git::Options {
        memo: Some(std::sync::Arc::new(collect::git::Memo::new(cache.clone()))),
        ..git
    };
    let ctx = collect::CollectCtx {
        root: ws.root.clone(),
        offline: global.offline,
        now,
        advisory_db: global.advisory_db.clone(),
        git,
        cache,
    };
    // Human records are validated like the configuration: a malformed one stops the run.
    let human =
        collect::human::collect(&ws.root, &config, catalog).context("invalid SDL records")?;
    let facts = collect::collect_all(&ctx, &config, human, &|what| {
        progress(&format!("Collecting {what}"))
    });
    progress(&format!(
        "Evaluating {} requirements, {} rules",
        catalog.requirements.len(),
        catalog.rules.len()
    ));
    let evaluation = eval::evaluate(&facts, catalog, &config, now);
    // ML3 asks whether the requirements held at the last releases, read as they were tagged.
    let releases: Vec<eval::maturity::ReleaseEvaluation> =
        collect::releases::reassess(&ctx, &config, &facts, config.maturity_releases, &|what| {
            progress(&format!("Re-assessing {what}"))
        })
        .into_iter()
        .filter_map(|r| {
            let at = timefmt::parse(&r.date).ok()?;
            Some(eval::maturity::ReleaseEvaluation {
                evaluation: eval::evaluate(&r.facts, catalog, &config, at),
                tag: r.tag,
                commit: r.commit,
                date: r.date,
            })
        })
        .collect();
    let inputs = eval::maturity::inputs(
        &facts,
        config.maturity_releases,
        eval::maturity::improvement(&facts, now),
    );
    // Maturity counts what status combination accepted: an attestation that is current but not
    // acceptable documents nothing.
    let maturity = eval::maturity::assess(
        &evaluation.without_rejected(&facts),
        catalog,
        &evaluation,
        &releases,
        &inputs,
        now,
    );
    let assessed = assessed(&facts, ws, now, clock);
    collect::cache::finish_writes();
    let mut report = Report::new(
        catalog,
        &config,
        facts,
        evaluation,
        maturity,
        &releases,
        timefmt::rfc3339(now),
    );
    report.assessed = Some(assessed);
    Ok(report)
}

/// The names the product's release tags may carry: the configured name, the root package's.
fn product_names(config: &Config, ws: &workspace::Workspace) -> Vec<String> {
    let mut names = Vec::new();
    if config.product_name_configured {
        names.push(config.product.name.clone());
    }
    if let Some(p) = &ws.root_package
        && !names.contains(p)
    {
        names.push(p.clone());
    }
    names
}

/// What exactly was assessed, from the git facts and the located workspace.
fn assessed(
    facts: &crate::facts::Facts,
    ws: &workspace::Workspace,
    now: OffsetDateTime,
    clock: &str,
) -> crate::report::Assessed {
    let git = facts.git.get().ok();
    let (dated_after, dated_after_count) = eval::clock::dated_after(facts, now);
    let workspace = ws
        .root
        .strip_prefix(&ws.repo_root)
        .map(|p| crate::repo_fs::relative(std::path::Path::new(""), p))
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| ".".into());
    crate::report::Assessed {
        commit: git.map(|g| g.head.commit.clone()),
        branch: git
            .and_then(|g| g.head.reference.as_deref())
            .map(|r| r.strip_prefix("refs/heads/").unwrap_or(r).to_string()),
        detached: git.is_some_and(|g| g.head.detached),
        tags: git.map(|g| g.head_tags.clone()).unwrap_or_default(),
        remote: git.and_then(|g| g.remote.clone()),
        workspace,
        releases: git.map(|g| {
            let newest = g.releases.last().map(|r| format!(", newest {}", r.tag));
            format!(
                "{} found{}: {}",
                g.releases.len(),
                newest.unwrap_or_default(),
                g.release_tags
            )
        }),
        work_tree: git.and_then(|g| g.work_tree.clone()),
        time: timefmt::rfc3339(now),
        time_source: clock.to_string(),
        dated_after,
        dated_after_count,
    }
}

/// The workspace and its configuration, as the supply-chain commands need them.
fn load_workspace(global: &GlobalOptions) -> anyhow::Result<(workspace::Workspace, Config)> {
    let catalog = load_catalog(global)?;
    let ws = workspace::locate(global.manifest_path.as_deref())?;
    let config = Config::load(
        &ws.root,
        global.config.as_deref(),
        &catalog,
        ws.product.clone(),
    )
    .context("invalid configuration")?;
    Ok((ws, config))
}
