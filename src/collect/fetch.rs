//! `cargo sdl fetch`: clone the RustSec advisory database where cargo-audit keeps it
//! (`$CARGO_HOME/advisory-db`), so that a first run has the operator's own database rather
//! than none (or one the repository supplies).
//!
//! The system `git` does the network part, as cargo-audit and cargo-deny can. git never runs
//! inside an existing checkout, whose `.git/config` could name programs (`core.fsmonitor`,
//! filter drivers, `core.sshCommand`, hooks): every fetch is a fresh `git clone --depth 1` into
//! a staging folder beside the destination, with the system configuration off
//! (`GIT_CONFIG_NOSYSTEM`; the operator's global configuration stays, for proxies and mirrors),
//! hooks pointed at a folder that does not exist, no templates, `core.fsmonitor` off,
//! `protocol.ext.allow=never` and no terminal prompt. The clone must look like RustSec (the
//! checks of [`super::advisories`]) before it replaces anything; an update swaps the new clone
//! in and removes the old one, which ends where cargo-audit's fetch + reset ends: the
//! destination at the fetched commit. A destination that is not already a git checkout of an
//! advisory database is never replaced.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::facts::cargo::AdvisoryDatabase;

/// Where RustSec publishes the database.
pub(crate) const DEFAULT_URL: &str = "https://github.com/rustsec/advisory-db.git";

/// What a fetch did.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The commit the destination held before, when it was updated.
    pub previous: Option<String>,
    pub database: AdvisoryDatabase,
}

/// What is at the destination before the fetch.
enum Existing {
    Nothing,
    EmptyFolder,
    /// A git checkout of an advisory database, at this commit (if known).
    Database(Option<String>),
}

/// Clone `url` into `dest` (shown as `shown`), or replace the database there by a fresh clone.
pub fn fetch(dest: &Path, shown: &str, url: &str) -> Result<Fetched, String> {
    let shown = crate::sanitize::terminal(shown);
    let existing = inspect(dest, &shown)?;
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| format!("{shown}: not a folder name"))?;
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| format!("creating {}: {e}", parent.display()))?;
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.fetch-{pid}"));
    let no_hooks = parent.join(format!(".{name}.no-hooks-{pid}"));
    if staging.symlink_metadata().is_ok() {
        return Err(format!(
            "{}: a staging folder of another fetch is in the way; remove it and try again",
            staging.display()
        ));
    }
    let out = git(&parent, &no_hooks)
        .args(["clone", "--quiet", "--depth", "1", "--no-tags", "--"])
        .arg(url)
        .arg(&staging)
        .output()
        .map_err(|e| format!("`git` could not run (is git installed?): {e}"));
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    if !out.status.success() {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(format!(
            "`git clone {}` failed: {}",
            crate::sanitize::terminal(url),
            stderr_lines(&out.stderr)
        ));
    }
    // Nothing is replaced until the new clone is known to be a RustSec database.
    if let Err(e) = super::advisories::open_database(&staging, "cargo sdl fetch") {
        let _ = std::fs::remove_dir_all(&staging);
        let e = e.replace(
            &staging.display().to_string(),
            &crate::sanitize::terminal(url),
        );
        return Err(format!(
            "{} is not a RustSec advisory database: {e}; nothing was changed at {shown}",
            crate::sanitize::terminal(url)
        ));
    }
    let previous = match existing {
        Existing::Nothing => {
            rename(&staging, dest)?;
            None
        }
        Existing::EmptyFolder => {
            std::fs::remove_dir(dest).map_err(|e| format!("{shown}: {e}"))?;
            rename(&staging, dest)?;
            None
        }
        Existing::Database(previous) => {
            let old = parent.join(format!(".{name}.old-{pid}"));
            rename(dest, &old)?;
            if let Err(e) = rename(&staging, dest) {
                let _ = rename(&old, dest);
                let _ = std::fs::remove_dir_all(&staging);
                return Err(e);
            }
            // A symlink is removed as a link; remove_dir_all never follows one.
            std::fs::remove_dir_all(&old)
                .or_else(|_| std::fs::remove_file(&old))
                .map_err(|e| format!("removing the previous copy {}: {e}", old.display()))?;
            previous
        }
    };
    let (_, mut database) = super::advisories::open_database(dest, "cargo sdl fetch")
        .map_err(|e| e.replace(&dest.display().to_string(), &shown))?;
    database.path = shown;
    Ok(Fetched { previous, database })
}

fn inspect(dest: &Path, shown: &str) -> Result<Existing, String> {
    let meta = match std::fs::metadata(dest) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if dest.symlink_metadata().is_ok() {
                return Err(format!(
                    "{shown} is a symbolic link that leads nowhere; remove it and try again"
                ));
            }
            return Ok(Existing::Nothing);
        }
        Err(e) => return Err(format!("{shown}: {e}")),
    };
    if !meta.is_dir() {
        return Err(format!(
            "{shown} exists and is not a folder; remove it or choose another --advisory-db"
        ));
    }
    let empty = std::fs::read_dir(dest)
        .map_err(|e| format!("{shown}: {e}"))?
        .next()
        .is_none();
    if empty {
        return Ok(Existing::EmptyFolder);
    }
    let is_checkout = dest.join(".git").symlink_metadata().is_ok();
    let is_database = super::advisories::open_database(dest, "existing").is_ok();
    if !(is_checkout && is_database) {
        return Err(format!(
            "{shown} exists and is not a git checkout of an advisory database; it is left as it \
             is: remove it or choose another --advisory-db"
        ));
    }
    let commit = super::open_repository(dest)
        .ok()
        .and_then(|r| r.head_id().ok().map(|id| id.to_string()));
    Ok(Existing::Database(commit))
}

fn rename(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::rename(from, to)
        .map_err(|e| format!("moving {} to {}: {e}", from.display(), to.display()))
}

/// The system git, told nothing by any repository (see the module documentation).
fn git(cwd: &Path, no_hooks: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(cwd)
        .stdin(Stdio::null())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_COMMON_DIR")
        .env_remove("GIT_OBJECT_DIRECTORY")
        .env_remove("GIT_ALTERNATE_OBJECT_DIRECTORIES")
        .arg("-c")
        .arg(format!("core.hooksPath={}", no_hooks.display()))
        .args([
            "-c",
            "core.fsmonitor=false",
            "-c",
            "protocol.ext.allow=never",
            "-c",
            "init.templateDir=",
            "-c",
            "advice.detachedHead=false",
        ]);
    cmd
}

fn stderr_lines(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("warning: --depth is ignored"))
        .take(3)
        .map(crate::sanitize::terminal)
        .collect();
    if lines.is_empty() {
        "no message".into()
    } else {
        lines.join(" ")
    }
}
