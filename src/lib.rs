//! `cargo sdl`: collect IEC 62443-4-1 secure development lifecycle evidence from a Rust
//! repository, evaluate it against the 47 requirements, and report it.
//!
//! Data flows one way: [`collect`] → [`facts`] → [`eval`] → [`report`] → [`render`].

pub mod attest;
pub mod catalog;
pub mod cli;
pub mod collect;
pub mod config;
pub mod eval;
pub mod facts;
pub mod gate;
pub mod init;
pub mod package;
pub mod render;
pub mod report;
pub mod sbom;
pub(crate) mod sshsig;
#[doc(hidden)]
pub mod testing;
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

/// Where human-readable progress goes (`"Collecting git history"`: a verb, then what);
/// `main` decides whether it is shown.
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
        Command::Sbom { out } => {
            let bytes = generate_sbom(global, progress)?;
            match out {
                Some(path) => {
                    std::fs::write(path, &bytes)
                        .with_context(|| format!("writing the SBOM to {}", path.display()))?;
                    Ok(RunOutcome {
                        stdout: String::new(),
                        failed: false,
                    })
                }
                None => Ok(RunOutcome {
                    stdout: String::from_utf8(bytes).context("the SBOM is not UTF-8")?,
                    failed: false,
                }),
            }
        }
        Command::Advisories { lockfile } => {
            let facts = check_advisories(global, lockfile.as_deref())?;
            Ok(RunOutcome {
                stdout: serde_json::to_string_pretty(&facts)? + "\n",
                failed: false,
            })
        }
        Command::Attest(args) => {
            let ws = workspace::locate(global.manifest_path.as_deref())?;
            let now = resolve_now(global.current_time.as_deref())?;
            let config = Config::load(&ws.root, global.config.as_deref(), &catalog, ws.product)
                .context("invalid configuration")?;
            let written = attest::write(&ws.root, &config, &catalog, args, now)?;
            Ok(RunOutcome {
                stdout: format!(
                    "wrote {written}\ncommit it: its git record is part of the evidence\n"
                ),
                failed: false,
            })
        }
        Command::Report(args) => {
            // The key is checked before the long collection, and no package is written with it
            // unusable.
            let signer = args
                .sign
                .as_deref()
                .map(package::sign::SigningKey::load)
                .transpose()?;
            let ws = workspace::locate(global.manifest_path.as_deref())?;
            let report = build_report_in(global, &catalog, &ws, progress)?;
            package::check_target(&args.out, args.force)?;
            let files = package::build(
                &package::PackageInput {
                    report: &report,
                    catalog: &catalog,
                    root: &ws.root,
                    signer: signer.as_ref(),
                },
                progress,
            )?;
            progress(&format!("Writing {}", args.out.display()));
            package::write_dir(&args.out, &files, args.force)?;
            if let Some(archive) = &args.archive {
                progress(&format!("Writing {}", archive.display()));
                let mtime = OffsetDateTime::parse(
                    &report.generated_at,
                    &time::format_description::well_known::Rfc3339,
                )
                .map(|t| t.unix_timestamp().max(0) as u64)
                .unwrap_or(0);
                let prefix = args
                    .out
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "sdl-evidence".into());
                let bytes = package::archive::to_tar_gz(&files, &prefix, mtime)?;
                write_atomically(archive, &bytes)?;
            }
            let reasons = gate::reasons(&report, &args.gate, &catalog)?;
            let mut stdout = format!(
                "wrote {} ({} files); check it with `cargo sdl verify {}`\n",
                args.out.display(),
                files.len(),
                args.out.display()
            );
            if !reasons.is_empty() {
                stdout.push_str(&gate::describe(&reasons));
            }
            Ok(RunOutcome {
                stdout,
                failed: !reasons.is_empty(),
            })
        }
        Command::Verify(args) => {
            // An unreadable allowed-signers file is a usage error (exit 2), not a difference.
            // `cargo sdl --allowed-signers F verify P` lands in the global option (the git
            // collector's): in verify it can only mean the package's signers.
            let signers = match args
                .allowed_signers
                .as_ref()
                .or(global.allowed_signers.as_ref())
            {
                Some(path) => Some((path.as_path(), sshsig::AllowedSigners::load(path)?)),
                None => None,
            };
            let now = resolve_now(global.current_time.as_deref())?.unix_timestamp();
            let files = package::read_package(&args.package)?;
            let mut diffs = package::manifest::differences(&files);
            let signature =
                package::sign::check(&files, signers.as_ref().map(|(p, s)| (*p, s)), now);
            if let Err(d) = &signature {
                diffs.push(d.clone());
            }
            let stdout = if diffs.is_empty() {
                let covered = files
                    .keys()
                    .filter(|p| {
                        *p != package::manifest::MANIFEST && *p != package::manifest::SIGNATURE
                    })
                    .count();
                format!(
                    "{}: {} files match {}\n{}\n",
                    args.package.display(),
                    covered,
                    package::manifest::MANIFEST,
                    signature.unwrap_or_default()
                )
            } else {
                let mut s = format!("{}: {} differences\n", args.package.display(), diffs.len());
                for d in &diffs {
                    // Paths come from the package, which may be hostile.
                    s.push_str(&format!("  {}\n", render::terminal_safe(d)));
                }
                if let Ok(line) = &signature {
                    s.push_str(&format!("{line}\n"));
                }
                s
            };
            Ok(RunOutcome {
                stdout,
                failed: !diffs.is_empty(),
            })
        }
        Command::Diff(args) => {
            let old = package::diff::load_report(&args.old)?;
            let new = package::diff::load_report(&args.new)?;
            let changes = package::diff::diff(&old, &new);
            let stdout = match global.format {
                Format::Json => format!("{}\n", serde_json::to_string_pretty(&changes)?),
                _ => package::diff::describe(&changes),
            };
            Ok(RunOutcome {
                stdout,
                failed: args.fail_on_regression && changes.iter().any(|c| c.regression),
            })
        }
        Command::Check(gate) => {
            let report = build_report(global, &catalog, progress)?;
            let mut stdout = match global.format {
                Format::Human => render::human::render(&report, color),
                Format::Json => render::json::render(&report)?,
                Format::Markdown => render::markdown::render(&report),
            };
            let reasons = gate::reasons(&report, gate, &catalog)?;
            if !reasons.is_empty() {
                let text = gate::describe(&reasons);
                // Machine-readable output stays pure; the reasons then go to stderr.
                match global.format {
                    Format::Human => stdout.push_str(&text),
                    _ => eprint!("{text}"),
                }
            }
            Ok(RunOutcome {
                stdout,
                failed: report.has_denied() || !reasons.is_empty(),
            })
        }
    }
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
    let now = resolve_now(global.current_time.as_deref())?;
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
        advisory_db: global.advisory_db.clone(),
        git,
    };
    // Human records are validated like the configuration: a malformed one stops the run.
    let human =
        collect::attest::collect(&ws.root, &config, catalog, now).context("invalid SDL records")?;
    let facts = collect::collect_all(&ctx, &config, human, &|what| {
        progress(&format!("Collecting {what}"))
    });
    progress(&format!(
        "Evaluating {} requirements, {} rules",
        catalog.requirements.len(),
        catalog.rules.len()
    ));
    let evaluation = eval::evaluate(&facts, catalog, &config, now);
    let maturity =
        eval::maturity::assess(&facts, catalog, &evaluation, config.maturity_releases, now);
    Ok(Report::new(
        catalog,
        &config,
        facts,
        evaluation,
        maturity,
        timefmt::rfc3339(now),
    ))
}

/// Write a file via a temporary sibling and a rename, so that it is never seen half-written.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file name", path.display()))?
        .to_string_lossy()
        .into_owned();
    let tmp = dir.join(format!(".{name}.partial-{}", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        anyhow::Error::from(e).context(format!("renaming into {}", path.display()))
    })
}

/// The workspace, its configuration and the catalogue, as the supply-chain subcommands need them.
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

/// `cargo sdl sbom`: the SBOM bytes. Its timestamp is `--current-time` or SOURCE_DATE_EPOCH,
/// else the HEAD commit time, else the clock.
pub fn generate_sbom(global: &GlobalOptions, progress: Progress<'_>) -> anyhow::Result<Vec<u8>> {
    let (ws, config) = load_workspace(global)?;
    let explicit = global.current_time.is_some() || std::env::var_os("SOURCE_DATE_EPOCH").is_some();
    let now = match (explicit, collect::sbom::head_commit_time(&ws.root)) {
        (false, Some(head)) => head,
        _ => resolve_now(global.current_time.as_deref())?,
    };
    progress("cargo metadata");
    let facts = match collect::cargo::collect(&ws.root, global.offline) {
        facts::Collected::Present { value } => value,
        facts::Collected::Absent { reason } => anyhow::bail!("no package list: {reason}"),
        facts::Collected::Failed { error } => anyhow::bail!("{error}"),
    };
    if let Some(why) = &facts.partial {
        eprintln!("warning: the SBOM is incomplete: {why}");
    }
    Ok(sbom::generate_sbom(&facts, &config.product, now)?)
}

/// `cargo sdl advisories`: the workspace's (or the given) lockfile against the database only.
pub fn check_advisories(
    global: &GlobalOptions,
    lockfile: Option<&std::path::Path>,
) -> anyhow::Result<facts::AdvisoryFacts> {
    let (ws, config) = load_workspace(global)?;
    let (path, origin) =
        collect::advisories::locate_database(&ws.root, &config, global.advisory_db.as_deref())
            .map_err(anyhow::Error::msg)?
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "no RustSec advisory database found; {}",
                    collect::advisories::HOW_TO_GET_A_DATABASE
                )
            })?;
    let (db, info) =
        collect::advisories::open_database(&path, origin).map_err(anyhow::Error::msg)?;
    let lock = lockfile
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| ws.root.join("Cargo.lock"));
    collect::advisories::check_lockfile(&db, info, &lock).map_err(anyhow::Error::msg)
}
