//! `cargo sdl report --out DIR`: the evidence package, built in memory and published by
//! [`package::publish`], which decides where it may go and what it may replace.

use time::OffsetDateTime;

use crate::catalog::Catalog;
use crate::cli::{GlobalOptions, ReportArgs};
use crate::{package, workspace};

use super::{Progress, RunOutcome, gate};

pub fn run(
    global: &GlobalOptions,
    catalog: &Catalog,
    args: &ReportArgs,
    progress: Progress<'_>,
) -> anyhow::Result<RunOutcome> {
    // The key and the destination are checked before the long collection, and no package is
    // written with either unusable.
    let signer = super::signer(&args.publish)?;
    gate::check_args(&args.gate, catalog)?;
    let ws = workspace::locate(global.manifest_path.as_deref())?;
    let publish = &args.publish;
    let destination = package::publish::Destination::check(
        &args.out,
        publish.archive.as_deref(),
        publish.force,
        &ws,
    )?;
    let report = super::build_report_in(global, catalog, &ws, progress)?;
    if args.require_clean {
        require_clean(&report)?;
    }
    let files = package::build(
        &package::PackageInput {
            report: &report,
            catalog,
            root: &ws.repo_root,
            signer: signer.as_ref(),
        },
        progress,
    )?;
    progress(&format!("Writing {}", args.out.display()));
    let mtime = OffsetDateTime::parse(
        &report.generated_at,
        &time::format_description::well_known::Rfc3339,
    )
    .map(|t| t.unix_timestamp().max(0) as u64)
    .unwrap_or(0);
    destination.publish(&files, mtime)?;
    let reasons = gate::reasons(&report, &args.gate, catalog)?;
    let shown = crate::sanitize::terminal(&args.out.display().to_string());
    let mut stdout = format!(
        "wrote {shown} ({} files); check it with `cargo sdl verify {shown}`\n",
        files.len(),
    );
    if !reasons.is_empty() {
        stdout.push_str(&gate::describe(&reasons));
    }
    Ok(RunOutcome {
        stdout,
        stderr: crate::collect::cache::take_warnings(),
        failed: !reasons.is_empty(),
    })
}

/// `--require-clean`: the package must describe exactly the commit it names.
fn require_clean(report: &crate::report::Report) -> anyhow::Result<()> {
    let Some(a) = &report.assessed else {
        anyhow::bail!("--require-clean: the assessed object is unknown");
    };
    let Some(w) = &a.work_tree else {
        anyhow::bail!(
            "--require-clean: the work tree cannot be compared with a commit (no git repository, \
             or --rev names another revision)"
        );
    };
    if !w.clean {
        let mut listed: Vec<String> = w.modified.iter().map(|p| format!("modified {p}")).collect();
        listed.extend(w.missing.iter().map(|p| format!("missing {p}")));
        anyhow::bail!(
            "--require-clean: the work tree differs from commit {} ({} modified, {} missing \
             tracked files): {}; commit or restore them, then run again",
            a.commit.as_deref().unwrap_or("HEAD"),
            w.modified_count,
            w.missing_count,
            crate::sanitize::terminal(&listed.join(", "))
        );
    }
    Ok(())
}
