//! `cargo sdl fetch`: clone or update the RustSec advisory database where cargo-audit keeps it.

use anyhow::Context;

use crate::cli::{FetchArgs, GlobalOptions};
use crate::collect;

use super::{Progress, RunOutcome};

pub fn run(
    global: &GlobalOptions,
    args: &FetchArgs,
    progress: Progress<'_>,
) -> anyhow::Result<RunOutcome> {
    if global.offline {
        anyhow::bail!(
            "`cargo sdl fetch` needs the network; drop --offline, or clone the database \
             yourself and pass --advisory-db PATH to the other commands"
        );
    }
    let (dest, shown) = match &global.advisory_db {
        Some(p) => (p.clone(), p.display().to_string()),
        None => (
            collect::advisories::default_fetch_destination()
                .context("neither CARGO_HOME nor HOME is set; pass --advisory-db PATH")?,
            "$CARGO_HOME/advisory-db".to_string(),
        ),
    };
    progress(&format!(
        "Fetching the advisory database from {}",
        crate::sanitize::terminal(&args.url)
    ));
    let fetched = collect::fetch::fetch(&dest, &shown, &args.url).map_err(anyhow::Error::msg)?;
    let db = &fetched.database;
    let commit = db
        .commit
        .as_deref()
        .map(|c| format!("commit {} of ", c.get(..12).unwrap_or(c)))
        .unwrap_or_default();
    let how = match (&fetched.previous, &db.commit) {
        (Some(old), Some(new)) if old == new => "is up to date".to_string(),
        (Some(old), _) => format!("updated from commit {}", old.get(..12).unwrap_or(old)),
        (None, _) => "cloned".to_string(),
    };
    Ok(RunOutcome::output(format!(
        "advisory database {}: {how}; {commit}{}, {} advisories\n",
        db.path, db.date, db.advisories
    )))
}
