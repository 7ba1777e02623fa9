use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use cargo_sdl::cli::{Cli, ColorChoice, Command};

fn main() -> ExitCode {
    // Accept both `cargo sdl …` (cargo runs `cargo-sdl sdl …`) and a direct `cargo-sdl …`.
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_none_or(|a| a != "sdl") {
        args.insert(1, "sdl".into());
    }
    let Cli::Sdl(sdl) = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let global = sdl.global;
    let command = sdl.command.unwrap_or(Command::Check);
    let color = match global.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let show_progress = !global.quiet && std::io::stderr().is_terminal();
    let progress = |step: &str| {
        if show_progress {
            eprintln!("{:>12} {step}", "Collecting");
        }
    };
    match cargo_sdl::run(&global, &command, color, &progress) {
        Ok(outcome) => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not a failure of the assessment.
            if let Err(e) = out
                .write_all(outcome.stdout.as_bytes())
                .and_then(|_| out.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                eprintln!("error: writing output: {e}");
                return ExitCode::from(2);
            }
            if outcome.failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
