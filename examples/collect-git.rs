//! Run only the git collector and print its facts as JSON: for the benchmark
//! (`scripts/bench-git.sh`) and for comparing counts with `git` on any repository.
//!
//! `cargo run --release --example collect-git -- [--rev REV] [--since REV] [--release TAG]
//!  [--allowed-signers FILE] [--release-tag-pattern RE] [--document PATH]... [REPO]`

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use cargo_sdl::collect::git::{self, Options};
use cargo_sdl::facts::Collected;

fn main() -> ExitCode {
    let mut options = Options::default();
    let mut progress = std::io::stderr().is_terminal();
    let mut documents = Vec::new();
    let mut repo = PathBuf::from(".");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        let parsed = match arg.as_str() {
            "--rev" => value("--rev").map(|v| options.rev = Some(v)),
            "--since" => value("--since").map(|v| options.since = Some(v)),
            "--release" => value("--release").map(|v| options.release = Some(v)),
            "--allowed-signers" => {
                value("--allowed-signers").map(|v| options.allowed_signers = Some(v.into()))
            }
            "--release-tag-pattern" => {
                value("--release-tag-pattern").map(|v| options.release_tag_pattern = Some(v))
            }
            "--document" => value("--document").map(|v| documents.push(v)),
            "--no-progress" => {
                progress = false;
                Ok(())
            }
            other if other.starts_with('-') => Err(format!("unknown option {other}")),
            other => {
                repo = PathBuf::from(other);
                Ok(())
            }
        };
        if let Err(e) = parsed {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    }
    // The collector reports how far it is; a terminal shows it on one rewritten line.
    let show = |step: &str| {
        if progress {
            eprint!("\r{step}");
        }
    };
    let facts = git::collect(&repo, &options, &documents, &show);
    if progress {
        eprintln!();
    }
    match serde_json::to_string_pretty(&facts) {
        Ok(json) => {
            use std::io::Write;
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = writeln!(std::io::stdout().lock(), "{json}");
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    }
    match facts {
        Collected::Present { .. } => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}
