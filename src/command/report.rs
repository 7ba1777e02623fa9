//! `cargo sdl report --out DIR`: the evidence package, built in memory and published atomically.

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
    // The key is checked before the long collection, and no package is written with it
    // unusable.
    let signer = args
        .sign
        .as_deref()
        .map(package::sign::SigningKey::load)
        .transpose()?;
    gate::check_args(&args.gate, catalog)?;
    let ws = workspace::locate(global.manifest_path.as_deref())?;
    let report = super::build_report_in(global, catalog, &ws, progress)?;
    package::check_target(&args.out, args.force)?;
    let files = package::build(
        &package::PackageInput {
            report: &report,
            catalog,
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
        super::write_atomically(archive, &bytes)?;
    }
    let reasons = gate::reasons(&report, &args.gate, catalog)?;
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
        stderr: String::new(),
        failed: !reasons.is_empty(),
    })
}
