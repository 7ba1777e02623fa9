//! `cargo sdl portfolio INPUT... --out DIR`: product reports merged into the organisation's
//! portfolio package, written like a report package ([`package::publish`]): built in memory,
//! sealed by its own manifest (and signature), published atomically, replacing only a previous
//! portfolio package.

use crate::cli::{GlobalOptions, PortfolioArgs};
use crate::package::{self, manifest};
use crate::portfolio::{self, Excluded, input};
use crate::sanitize::terminal;

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
        .map(|p| crate::sshsig::AllowedSigners::load(p).map(|s| (p.as_path(), s)))
        .transpose()?;
    let signer = args
        .sign
        .as_deref()
        .map(package::sign::SigningKey::load)
        .transpose()?;
    let destination = package::publish::Destination::check_outside_workspace(
        &args.out,
        args.archive.as_deref(),
        args.force,
        package::PORTFOLIO_PACKAGE,
    )?;
    let (now, _) = super::resolve_clock(global.current_time.as_deref())?;
    let signers = signers.as_ref().map(|(p, s)| (*p, s));

    let mut used = Vec::new();
    let mut excluded = Vec::new();
    for path in &args.inputs {
        progress(&format!("Reading {}", path.display()));
        match input::load(path, signers, now.unix_timestamp())? {
            input::Loaded::Used(i) => used.push(*i),
            input::Loaded::Excluded { given, reason } => excluded.push(Excluded {
                input: given,
                reason,
            }),
        }
    }
    let organisation = match &args.organisation {
        None => None,
        Some(path) => match input::load(path, signers, now.unix_timestamp())? {
            input::Loaded::Used(i) => Some(*i),
            input::Loaded::Excluded { given, reason } => {
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
