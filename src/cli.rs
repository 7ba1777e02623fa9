//! The command line, in the conventions of cargo-deny and cargo-vet: cargo runs us as
//! `cargo-sdl sdl …`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "cargo", bin_name = "cargo")]
pub enum Cli {
    /// Track an IEC 62443-4-1 secure development lifecycle
    Sdl(SdlArgs),
}

#[derive(Debug, Args)]
#[command(
    version,
    about = "Collect, evaluate and package IEC 62443-4-1 secure development lifecycle evidence",
    after_help = "Exit codes: 0 no deny-level finding, 1 at least one deny-level finding, \
                  2 could not run (usage, configuration, catalogue or I/O error)."
)]
pub struct SdlArgs {
    #[command(flatten)]
    pub global: GlobalOptions,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalOptions {
    /// Path to Cargo.toml of the workspace to assess
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        help_heading = "Global Options"
    )]
    pub manifest_path: Option<PathBuf>,
    /// Path to the configuration (default: sdl.toml beside the workspace's Cargo.toml)
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        help_heading = "Global Options"
    )]
    pub config: Option<PathBuf>,
    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = Format::Human, help_heading = "Global Options")]
    pub format: Format,
    /// Colour: auto, always or never
    #[arg(
        long,
        global = true,
        value_enum,
        env = "CARGO_TERM_COLOR",
        default_value_t = ColorChoice::Auto,
        help_heading = "Global Options"
    )]
    pub color: ColorChoice,
    /// More detail on stderr (repeat for more)
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = "Global Options")]
    pub verbose: u8,
    /// Nothing on stderr but errors
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Global Options"
    )]
    pub quiet: bool,
    /// Never use the network (cargo metadata runs with --offline)
    #[arg(long, global = true, help_heading = "Global Options")]
    pub offline: bool,
    /// Add an organisation's own requirements and rules from *.toml files in DIR
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        help_heading = "Global Options"
    )]
    pub practices: Option<PathBuf>,
    /// Walk the history of this revision instead of HEAD
    #[arg(long, global = true, value_name = "REV", help_heading = "Git Options")]
    pub rev: Option<String>,
    /// Count only commits not reachable from REV (e.g. the previous release tag)
    #[arg(long, global = true, value_name = "REV", help_heading = "Git Options")]
    pub since: Option<String>,
    /// Count only the window of this release tag (since the release before it)
    #[arg(
        long,
        global = true,
        value_name = "TAG",
        conflicts_with = "since",
        help_heading = "Git Options"
    )]
    pub release: Option<String>,
    /// Verify SSH signatures of commits and tags against this allowed-signers file
    #[arg(long, global = true, value_name = "FILE", help_heading = "Git Options")]
    pub allowed_signers: Option<PathBuf>,
    /// Evaluate as if it were this time (seconds since 1970, RFC 3339 or YYYY-MM-DD);
    /// SOURCE_DATE_EPOCH is used when this is not given
    #[arg(long, global = true, hide = true, value_name = "TIME")]
    pub current_time: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Collect evidence, evaluate every requirement and print the result (the default)
    Check,
    /// List the catalogue: requirements, their crosswalks and automated rules
    Rules,
    /// Explain one requirement (e.g. SR-2) or rule (e.g. security-policy-present)
    Explain {
        /// A requirement id or a rule id
        id: String,
    },
    /// Write a commented sdl.toml and the folder layout for SDL records (never overwrites)
    Init,
}
