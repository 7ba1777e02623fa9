//! `cargo sdl init`: a commented sdl.toml and the folder layout for SDL records.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::GlobalOptions;

use super::RunOutcome;

/// `init`: write what is missing in the located workspace.
pub fn run(global: &GlobalOptions) -> anyhow::Result<RunOutcome> {
    let ws = crate::workspace::locate(global.manifest_path.as_deref())?;
    // Only a new sdl.toml gets them: an existing one is never touched.
    let proposals = if ws.root.join("sdl.toml").symlink_metadata().is_err() {
        candidates(global, &ws)
    } else {
        None
    };
    let written = init(&ws.root, proposals.as_deref().unwrap_or(""))?;
    let mut out = describe(&written);
    if proposals.is_some()
        && written
            .iter()
            .any(|(p, created)| *created && p == Path::new("sdl.toml"))
    {
        out.push_str(
            "sdl.toml ends with candidate designations, commented out: read each section and \
             uncomment the ones that are right (`cargo sdl discover` lists them again)\n",
        );
    }
    Ok(RunOutcome::output(out))
}

/// The commented candidate designations for a new sdl.toml, if the documentation has any (and
/// nothing when the configuration in force cannot be read: `init` still writes the template).
fn candidates(global: &GlobalOptions, ws: &crate::workspace::Workspace) -> Option<String> {
    let catalog = super::load_catalog(global).ok()?;
    let config = crate::config::Config::load(
        &ws.root,
        global.config.as_deref(),
        &catalog,
        ws.product.clone(),
    )
    .ok()?;
    match crate::collect::files::collect(&ws.root, &config) {
        crate::facts::Collected::Present { value } => super::discover::init_block(&value),
        _ => None,
    }
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
/// `extra` is appended to a new sdl.toml (commented candidate designations).
pub fn init(root: &Path, extra: &str) -> anyhow::Result<Vec<(PathBuf, bool)>> {
    let mut result = Vec::new();
    let config = format!("{}{extra}", crate::config::TEMPLATE);
    let mut files: Vec<(&str, &str)> = vec![("sdl.toml", &config)];
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
