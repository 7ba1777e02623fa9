//! `cargo sdl sbom`: a reproducible CycloneDX SBOM of the workspace.

use anyhow::Context;

use crate::cli::GlobalOptions;
use crate::{collect, facts};

use super::{Progress, RunOutcome};

pub fn run(
    global: &GlobalOptions,
    out: Option<&std::path::Path>,
    progress: Progress<'_>,
) -> anyhow::Result<RunOutcome> {
    let (bytes, warning, repo_root) = generate(global, progress)?;
    let stderr = warning
        .map(|w| format!("warning: the SBOM is incomplete: {w}\n"))
        .unwrap_or_default();
    let stdout = match out {
        Some(path) => {
            write_output(path, &bytes, &repo_root)?;
            String::new()
        }
        None => String::from_utf8(bytes).context("the SBOM is not UTF-8")?,
    };
    Ok(RunOutcome {
        stdout,
        stderr,
        failed: false,
    })
}

/// The SBOM bytes, why it is incomplete if it is, and the repository's top. Its timestamp is
/// `--current-time` or SOURCE_DATE_EPOCH, else the HEAD commit time, else the clock.
pub fn generate(
    global: &GlobalOptions,
    progress: Progress<'_>,
) -> anyhow::Result<(Vec<u8>, Option<String>, std::path::PathBuf)> {
    let (ws, config) = super::load_workspace(global)?;
    let explicit = global.current_time.is_some() || std::env::var_os("SOURCE_DATE_EPOCH").is_some();
    let now = match (explicit, collect::sbom::head_commit_time(&ws.root)) {
        (false, Some(head)) => head,
        _ => super::resolve_now(global.current_time.as_deref())?,
    };
    progress("cargo metadata");
    let facts = match collect::cargo::collect(&ws.root, global.offline) {
        facts::Collected::Present { value } => value,
        facts::Collected::Absent { reason } => anyhow::bail!("no package list: {reason}"),
        facts::Collected::Failed { error } => anyhow::bail!("{error}"),
    };
    let warning = facts.partial.clone();
    Ok((
        crate::sbom::generate_sbom(&facts, &config.product, now, None)?,
        warning,
        ws.repo_root,
    ))
}

/// Write the SBOM to `path` through a sibling and a rename, never through a symbolic link
/// (a repository may commit its `sbom.cdx.json`, or a folder on the way, as a link to a place
/// outside it) and never over anything but a regular file.
fn write_output(
    path: &std::path::Path,
    bytes: &[u8],
    repo_root: &std::path::Path,
) -> anyhow::Result<()> {
    use std::io::Write;
    let shown = crate::sanitize::terminal(&path.display().to_string());
    // Once the way to FILE has entered the repository (however: typed, or through a link),
    // no folder after that may lead out of it again: that would be a link the repository
    // planted.
    // `..` typed by the operator is resolved as written (it names where they mean), links are
    // resolved by the file system below.
    let mut absolute = std::path::PathBuf::new();
    for part in std::path::absolute(path)
        .with_context(|| format!("--out {shown}"))?
        .components()
    {
        match part {
            std::path::Component::ParentDir => {
                absolute.pop();
            }
            std::path::Component::CurDir => {}
            other => absolute.push(other),
        }
    }
    if let (Ok(root), Some(parent)) = (repo_root.canonicalize(), absolute.parent()) {
        let mut way = std::path::PathBuf::new();
        let mut entered = false;
        for part in parent.components() {
            way.push(part);
            let Ok(real) = way.canonicalize() else {
                break;
            };
            if real.starts_with(&root) {
                entered = true;
            } else if entered {
                anyhow::bail!(
                    "--out {shown}: a folder on the way is a symbolic link that leads outside \
                     the repository; refused"
                );
            }
        }
    }
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => anyhow::bail!(
            "--out {shown}: is a symbolic link; refused (name a regular file: the SBOM is never \
             written through a link)"
        ),
        Ok(m) if !m.is_file() => anyhow::bail!(
            "--out {shown}: is a {}, not a regular file; refused",
            crate::repo_fs::kind_of(m.file_type())
        ),
        _ => {}
    }
    let name = path
        .file_name()
        .with_context(|| format!("--out {shown}: not a file name"))?
        .to_string_lossy()
        .into_owned();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let tmp = dir.join(format!(".{name}.partial-{}", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("writing the SBOM to {shown}"));
    }
    Ok(())
}
