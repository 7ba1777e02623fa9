use std::io::{BufRead, IsTerminal, Write};
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
    let command = sdl.command.unwrap_or(Command::Check(Default::default()));
    let color = match global.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    // A spinner only on a terminal; with -v each step is also logged, terminal or not.
    let spinner = (!global.quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner:.cyan} {prefix:>12.cyan.bold} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    });
    let started = std::time::Instant::now();
    let verbose = global.verbose > 0 && !global.quiet;
    let progress = |step: &str| {
        let (verb, what) = step.split_once(' ').unwrap_or((step, ""));
        if let Some(bar) = &spinner {
            bar.set_prefix(verb.to_string());
            bar.set_message(what.to_string());
        }
        if verbose {
            let line = format!("{verb:>12} {what} (at {:.2?})", started.elapsed());
            match &spinner {
                Some(bar) => bar.println(line),
                None => eprintln!("{line}"),
            }
        }
    };
    // Questions (`attest` without flags) only when someone is at a terminal; the spinner is
    // paused while one is asked.
    let ask = |prompt: &str| -> std::io::Result<String> {
        let question = || -> std::io::Result<String> {
            let mut err = std::io::stderr().lock();
            write!(err, "{prompt}: ")?;
            err.flush()?;
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            Ok(line)
        };
        match &spinner {
            Some(bar) => bar.suspend(question),
            None => question(),
        }
    };
    let console = cargo_sdl::Console {
        progress: &progress,
        ask: std::io::stdin()
            .is_terminal()
            .then_some(&ask as cargo_sdl::command::Ask<'_>),
    };
    let result = cargo_sdl::run(&global, &command, color, &console);
    if let Some(bar) = &spinner {
        bar.finish_and_clear();
    }
    match result {
        Ok(outcome) => {
            eprint!("{}", cargo_sdl::sanitize::terminal_lines(&outcome.stderr));
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
            // Errors quote configuration lines, record ids and file names: repository text.
            eprintln!(
                "error: {}",
                cargo_sdl::sanitize::terminal_lines(&format!("{e:#}"))
            );
            ExitCode::from(2)
        }
    }
}
