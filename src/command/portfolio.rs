//! `cargo sdl portfolio INPUT... --out DIR`: product reports merged into the organisation's
//! portfolio package, written like a report package ([`package::publish`]): built in memory,
//! sealed by its own manifest (and signature), published atomically, replacing only a previous
//! portfolio package.

use std::path::Path;

use serde::Deserialize;

use crate::cli::{GlobalOptions, PortfolioArgs};
use crate::package::{self, Source, manifest};
use crate::portfolio::input::{Input, ReportView};
use crate::portfolio::{self, Excluded};
use crate::sanitize::terminal;
use crate::sshsig::AllowedSigners;

use super::{Progress, RunOutcome};

pub fn run(
    global: &GlobalOptions,
    args: &PortfolioArgs,
    progress: Progress<'_>,
) -> anyhow::Result<RunOutcome> {
    // `cargo sdl --allowed-signers F portfolio …` lands in the global option: here it can only
    // mean the packages' signers.
    let signers_path = args
        .allowed_signers
        .as_ref()
        .or(global.allowed_signers.as_ref());
    let signers = signers_path
        .map(|p| AllowedSigners::load(p).map(|s| (p.as_path(), s)))
        .transpose()?;
    let signer = super::signer(&args.publish)?;
    let destination = package::publish::Destination::check_outside_workspace(
        &args.out,
        args.publish.archive.as_deref(),
        args.publish.force,
        package::PORTFOLIO_PACKAGE,
    )?;
    let (now, _) = super::resolve_clock(global.current_time.as_deref())?;
    let signers = signers.as_ref().map(|(p, s)| (*p, s));

    let mut used = Vec::new();
    let mut excluded = Vec::new();
    for path in &args.inputs {
        progress(&format!("Reading {}", path.display()));
        match load(path, signers, now.unix_timestamp())? {
            Loaded::Used(i) => used.push(*i),
            Loaded::Excluded { given, reason } => excluded.push(Excluded {
                input: given,
                reason,
            }),
        }
    }
    let organisation = match &args.organisation {
        None => None,
        Some(path) => match load(path, signers, now.unix_timestamp())? {
            Loaded::Used(i) => Some(*i),
            Loaded::Excluded { given, reason } => {
                excluded.push(Excluded {
                    input: given,
                    reason: format!("--organisation: {reason}; no record is inherited"),
                });
                None
            }
        },
    };
    progress(&format!("Merging {} reports", used.len()));
    let generated_at = crate::timefmt::rfc3339(now);
    let portfolio::Merged {
        portfolio: merged,
        mut files,
    } = portfolio::merge(used, organisation, excluded, generated_at);

    progress("Writing portfolio.json");
    files.insert(
        "portfolio.json".into(),
        crate::render::json::pretty(&merged)?.into_bytes(),
    );
    files.insert(
        "portfolio.schema.json".into(),
        portfolio::SCHEMA.as_bytes().to_vec(),
    );
    progress("Writing portfolio.csv");
    files.insert(
        "portfolio.csv".into(),
        crate::render::portfolio::render_csv(&merged).into_bytes(),
    );
    progress("Writing index.html");
    let mut held: Vec<&str> = files.keys().map(String::as_str).collect();
    held.extend(["index.html", manifest::MANIFEST]);
    if signer.is_some() {
        held.push(manifest::SIGNATURE);
    }
    let listing = package::PORTFOLIO_PACKAGE.listing(held);
    let page = crate::render::portfolio::render_html(&merged, &listing)?;
    files.insert("index.html".into(), page.into_bytes());
    package::seal(&mut files, signer.as_ref(), progress)?;
    progress(&format!("Writing {}", args.out.display()));
    destination.publish(&files, now.unix_timestamp().max(0) as u64)?;

    let shown = terminal(&args.out.display().to_string());
    let mut stdout = format!(
        "wrote {shown}: {} products, {} releases ({} files); check it with `cargo sdl verify {shown}`\n",
        merged.summary.products,
        merged.summary.releases,
        files.len(),
    );
    for e in &merged.excluded {
        stdout.push_str(&format!(
            "excluded {}: {}\n",
            terminal(&e.input),
            terminal(&e.reason)
        ));
    }
    Ok(RunOutcome {
        stdout,
        stderr: String::new(),
        failed: !merged.excluded.is_empty(),
    })
}

/// What became of an input.
#[derive(Debug)]
enum Loaded {
    Used(Box<Input>),
    /// Listed with the reason, never merged.
    Excluded {
        given: String,
        reason: String,
    },
}

/// How an input is named in the portfolio: as given when relative (`artifacts/a.tar.gz`), by
/// its file name when absolute, so that no folder of the machine that merged it enters the
/// package (its sha256 identifies it either way).
fn recorded_path(path: &Path) -> String {
    if path.is_absolute() {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string())
    } else {
        path.display().to_string()
    }
}

/// The schema version this build reads.
const READS: u64 = crate::report::SCHEMA_VERSION as u64;

/// Read, verify and parse one input. `signers` (with `--allowed-signers`) makes a valid
/// signature a condition; `now` is when signer validity is judged.
fn load(
    path: &Path,
    signers: Option<(&Path, &AllowedSigners)>,
    now: i64,
) -> anyhow::Result<Loaded> {
    let given = recorded_path(path);
    let opened = package::open_report(path)?;
    let excluded = |reason: String| {
        Ok(Loaded::Excluded {
            given: given.clone(),
            reason,
        })
    };
    if let Some(why) = opened.refusal() {
        return excluded(why);
    }
    let verification = match opened.source {
        Source::ReportFile if signers.is_some() => {
            return excluded(
                "a bare report.json has no manifest and no signature; with --allowed-signers \
                 only signed packages are merged"
                    .into(),
            );
        }
        Source::ReportFile => "not verified: a bare report.json has no manifest".to_string(),
        Source::Directory | Source::Archive => {
            // The signers file is named by what it is, not by this machine's path: the line
            // goes into the portfolio.
            let named = signers.map(|(_, s)| (Path::new("the allowed signers"), s));
            match package::sign::check(&opened.files, named, now) {
                Ok(line) => format!(
                    "manifest: {} files match; {line}",
                    opened.files.len().saturating_sub(
                        1 + usize::from(opened.files.contains_key(manifest::SIGNATURE))
                    )
                ),
                Err(why) => return excluded(why),
            }
        }
    };
    let Some(bytes) = &opened.report else {
        return excluded("the package has no report.json (is it a report package?)".into());
    };
    #[derive(Deserialize)]
    struct Version {
        schema_version: Option<serde_json::Value>,
    }
    let version: Version = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return excluded(format!("report.json is not valid JSON ({e})")),
    };
    match version.schema_version.as_ref().map(|v| v.as_u64()) {
        None => return excluded("not a cargo-sdl report (no schema_version)".into()),
        Some(Some(READS)) => {}
        Some(_) => {
            return excluded(format!(
                "schema_version {} is not one this version of cargo-sdl reads ({READS})",
                version.schema_version.unwrap_or_default()
            ));
        }
    }
    let report: ReportView = match serde_json::from_slice(bytes) {
        Ok(r) => r,
        Err(e) => {
            return excluded(format!(
                "report.json does not have the form of schema_version {READS} ({e})"
            ));
        }
    };
    let sha256 = crate::digest::sha256_hex(bytes);
    let manifest_sha256 = opened
        .files
        .get(manifest::MANIFEST)
        .map(|m| crate::digest::sha256_hex(m));
    let mut files = opened.files;
    if opened.source == Source::ReportFile {
        files.insert("report.json".into(), bytes.clone());
    }
    if let Some(bad) = files.keys().find(|p| !manifest::is_safe_path(p)) {
        return excluded(format!(
            "the package holds `{}`, not a plain relative path",
            terminal(bad)
        ));
    }
    Ok(Loaded::Used(Box::new(Input {
        given,
        source: match opened.source {
            Source::ReportFile => "report.json",
            Source::Directory => "package directory",
            Source::Archive => "package archive",
        },
        sha256,
        manifest_sha256,
        verification,
        files,
        report,
    })))
}
