//! `cargo sdl verify DIR|ARCHIVE`: the package against its manifest, and its signature.

use crate::cli::{GlobalOptions, VerifyArgs};
use crate::{package, sshsig};

use super::RunOutcome;

pub fn run(global: &GlobalOptions, args: &VerifyArgs) -> anyhow::Result<RunOutcome> {
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
    let now = super::resolve_now(global.current_time.as_deref())?.unix_timestamp();
    let package::Contents { files, problems } = package::read_package(&args.package)?;
    // A package that is not plain (a link, a FIFO, a second gzip member, a member outside the
    // top folder) fails whatever its manifest says: the tools that unpack it would not see
    // what was checked. Its files are then not compared, nor its signature checked.
    let well_formed = problems.is_empty();
    let mut diffs = problems;
    let signature = if well_formed {
        diffs.extend(package::manifest::differences(&files));
        let signature = package::sign::check(&files, signers.as_ref().map(|(p, s)| (*p, s)), now);
        if let Err(d) = &signature {
            diffs.push(d.clone());
        }
        signature
    } else {
        Ok("signature: not checked, the package is not well-formed".to_string())
    };
    let shown = crate::sanitize::terminal(&args.package.display().to_string());
    let stdout = if diffs.is_empty() {
        let covered = files
            .keys()
            .filter(|p| *p != package::manifest::MANIFEST && *p != package::manifest::SIGNATURE)
            .count();
        format!(
            "{shown}: {covered} files match {}\n{}\n",
            package::manifest::MANIFEST,
            signature.unwrap_or_default()
        )
    } else {
        let mut s = format!("{shown}: {} differences\n", diffs.len());
        for d in &diffs {
            // Paths come from the package, which may be hostile.
            s.push_str(&format!("  {}\n", crate::sanitize::terminal(d)));
        }
        if let Ok(line) = &signature {
            s.push_str(&format!("{}\n", crate::sanitize::terminal(line)));
        }
        s
    };
    Ok(RunOutcome {
        stdout,
        stderr: String::new(),
        failed: !diffs.is_empty(),
    })
}
