//! `cargo sdl init`: a commented sdl.toml and the folder layout for SDL records.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::GlobalOptions;

use super::RunOutcome;

/// `init`: write what is missing in the located workspace.
pub fn run(global: &GlobalOptions) -> anyhow::Result<RunOutcome> {
    let ws = crate::workspace::locate(global.manifest_path.as_deref())?;
    let written = init(&ws.root)?;
    Ok(RunOutcome::output(describe(&written)))
}

/// Folders for records a human keeps, each with a README saying what belongs there.
const LAYOUT: &[(&str, &str)] = &[
    (
        "sdl/attestations/README.md",
        "# Attestations\n\nOne TOML file per signed human statement about a requirement \
         (owner, role, approver, date, valid-until, references). Commit each one: its git \
         record is part of the evidence.\n",
    ),
    (
        "sdl/records/README.md",
        "# Records\n\nRecords that a practice was carried out: review minutes, test reports, \
         release checklists. Name them by date and release.\n",
    ),
    (
        "docs/security/README.md",
        "# Security documents\n\nThe threat model, security context, requirements, design, \
         coding standard and user security guidelines live here.\n",
    ),
];

/// Write what is missing under `root`; return the files written (existing files are kept).
pub fn init(root: &Path) -> anyhow::Result<Vec<(PathBuf, bool)>> {
    let mut result = Vec::new();
    let mut files: Vec<(&str, &str)> = vec![("sdl.toml", crate::config::TEMPLATE)];
    files.extend_from_slice(LAYOUT);
    for (rel, content) in files {
        let path = root.join(rel);
        if path.symlink_metadata().is_ok() {
            result.push((PathBuf::from(rel), false));
            continue;
        }
        // Never write through a symlinked `sdl/` or `docs/` to a place outside the repository.
        let target = crate::repo_fs::prepare_new_file(root, rel)
            .map_err(|e| anyhow::anyhow!("{}: {e}", e.path()))?;
        // create_new: never overwrite, even if the file appeared since the check above.
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .with_context(|| format!("creating {rel}"))?;
        f.write_all(content.as_bytes())
            .with_context(|| format!("writing {rel}"))?;
        result.push((PathBuf::from(rel), true));
    }
    Ok(result)
}

/// One line per file: created or kept.
pub(crate) fn describe(written: &[(PathBuf, bool)]) -> String {
    written
        .iter()
        .map(|(p, created)| {
            format!(
                "{} {}\n",
                if *created { "created" } else { "kept (exists)" },
                p.display()
            )
        })
        .collect()
}
