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
    after_help = "Exit codes: 0 no deny-level finding, 1 at least one deny-level finding (a \
                  deny-level rule that failed, or ended unknown without --allow-unknown), \
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
    /// Neither read nor write the incremental cache in target/sdl-cache (the results are the
    /// same; only the time differs)
    #[arg(long, global = true, help_heading = "Global Options")]
    pub no_cache: bool,
    /// Add an organisation's own requirements and rules from *.toml files in DIR
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        help_heading = "Global Options"
    )]
    pub practices: Option<PathBuf>,
    /// The RustSec advisory database directory (default: the copies cargo-audit and cargo-deny
    /// keep under CARGO_HOME, then the repository's `[advisories] db`); for `fetch`, where to
    /// clone it
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        help_heading = "Global Options"
    )]
    pub advisory_db: Option<PathBuf>,
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
    Check(GateArgs),
    /// List the catalogue: requirements, their crosswalks and automated rules
    Rules,
    /// Explain one requirement (e.g. SR-2) or rule (e.g. security-policy-present)
    Explain {
        /// A requirement id or a rule id
        id: String,
    },
    /// Write a commented sdl.toml and the folder layout for SDL records (never overwrites)
    Init,
    /// Propose sdl.toml designations, as commented lines for a person to confirm
    ///
    /// Lists the sections of the documentation whose heading names a document kind or a user
    /// guideline topic that has no evidence yet (candidates: they never count by themselves),
    /// each with its file:line and the `sdl.toml` line that would designate it, commented out.
    /// With --format json, the candidates as a JSON array.
    Discover,
    /// Write an attestation for a requirement from flags (or prompts on a terminal), validated
    Attest(Box<AttestArgs>),
    /// Write the certification evidence package into a directory (and optionally an archive)
    Report(ReportArgs),
    /// Check a package (directory or .tar.gz) against its manifest and optional signature
    Verify(VerifyArgs),
    /// Compare two reports or packages: status, maturity, advisories, dependencies, attestations
    Diff(DiffArgs),
    /// Merge product reports and packages into the organisation's portfolio package
    ///
    /// Reads report.json files, package directories and .tar.gz archives (several may be
    /// releases of one product), verifies every package, and writes a package of its own:
    /// portfolio.json, portfolio.csv, a printable index.html and the reports under products/.
    /// An input that fails verification, has an unknown schema_version or duplicates another
    /// is listed as excluded, and the run exits 1.
    Portfolio(PortfolioArgs),
    /// Write a reproducible CycloneDX 1.5 JSON SBOM of the workspace
    Sbom {
        /// Write to FILE instead of stdout
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Clone or update the RustSec advisory database in $CARGO_HOME/advisory-db (or
    /// --advisory-db PATH), where cargo-audit keeps it
    Fetch(FetchArgs),
    /// Check a lockfile against the advisory database only (for timing and scripting)
    #[command(hide = true)]
    Advisories {
        /// The lockfile to check (default: the workspace's Cargo.lock)
        #[arg(long, value_name = "FILE")]
        lockfile: Option<PathBuf>,
    },
}

/// Release-gate policy for `check`: each option adds reasons to fail (exit code 1).
#[derive(Debug, Clone, Default, Args)]
pub struct GateArgs {
    /// Fail when any practice's maturity indicator is below this level (ML1 … ML4)
    #[arg(long, value_name = "LEVEL", value_parser = parse_level)]
    pub deny_below: Option<u8>,
    /// Fail when an attestation has expired and nothing current replaces it
    #[arg(long)]
    pub deny_expired: bool,
    /// Fail when any of these requirements is unknown (comma-separated ids, or `all`)
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub deny_unknown: Vec<String>,
    /// Accept these deny-level rules ending unknown (comma-separated rule ids); by default an
    /// unknown deny-level rule fails the gate
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub allow_unknown: Vec<String>,
}

/// `cargo sdl fetch`.
#[derive(Debug, Clone, Args)]
pub struct FetchArgs {
    /// The git URL (or local path) of the advisory database to clone
    #[arg(long, value_name = "URL", default_value = crate::collect::fetch::DEFAULT_URL)]
    pub url: String,
}

fn parse_level(s: &str) -> Result<u8, String> {
    let digits = s.trim().trim_start_matches(['M', 'L', 'm', 'l']);
    match digits.parse::<u8>() {
        Ok(n @ 1..=4) => Ok(n),
        _ => Err(format!(
            "`{s}` is not a maturity level; use ML1, ML2, ML3 or ML4"
        )),
    }
}

/// `cargo sdl attest`: the fields of an attestation. Missing ones are asked for on a terminal.
#[derive(Debug, Clone, Default, Args)]
pub struct AttestArgs {
    /// The requirement ids it covers (e.g. SR-2, or SR-2,SR-5)
    #[arg(value_delimiter = ',', required = true)]
    pub requirements: Vec<String>,
    /// What is attested, in a sentence or more (at least 40 characters and 6 words)
    #[arg(long)]
    pub statement: Option<String>,
    /// Who makes the statement
    #[arg(long)]
    pub owner: Option<String>,
    /// The owner's SDL role (as in sdl/roles.toml)
    #[arg(long)]
    pub owner_role: Option<String>,
    /// Who approves it
    #[arg(long)]
    pub approver: Option<String>,
    /// The approver's SDL role
    #[arg(long)]
    pub approver_role: Option<String>,
    /// When it was made (YYYY-MM-DD; default: today)
    #[arg(long)]
    pub date: Option<String>,
    /// Last day it counts (YYYY-MM-DD; default: the requirement's review period, or a year)
    #[arg(long)]
    pub valid_until: Option<String>,
    /// Evidence: a repository path, commit:ID, ticket:ID or an https URL (repeatable; at
    /// least one)
    #[arg(long = "reference", value_name = "REF")]
    pub references: Vec<String>,
    /// A release this records the practice for (repeatable)
    #[arg(long = "for-release", value_name = "TAG")]
    pub releases: Vec<String>,
    /// The product it applies to
    #[arg(long)]
    pub product: Option<String>,
    /// The version range it applies to, e.g. ">=1.2, <2"
    #[arg(long)]
    pub versions: Option<String>,
    /// Where to write it (default: sdl/attestations/<requirement>-<date>.toml)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// The package directory to write
    #[arg(long, value_name = "DIR", default_value = "target/sdl-evidence")]
    pub out: PathBuf,
    #[command(flatten)]
    pub publish: PublishArgs,
    /// Refuse to write a package when the work tree differs from the commit (release
    /// pipelines: the package must describe exactly the tagged commit)
    #[arg(long)]
    pub require_clean: bool,
    #[command(flatten)]
    pub gate: GateArgs,
}

/// How a package is published: `report` and `portfolio` alike.
#[derive(Debug, Clone, Args)]
pub struct PublishArgs {
    /// Replace an existing non-empty DIR
    #[arg(long)]
    pub force: bool,
    /// Also write the package as a reproducible .tar.gz
    #[arg(long, value_name = "FILE")]
    pub archive: Option<PathBuf>,
    /// Sign MANIFEST.sha256 with this unencrypted Ed25519 OpenSSH private key, as
    /// `ssh-keygen -Y sign -n cargo-sdl` would (writes MANIFEST.sha256.sig)
    #[arg(long, value_name = "KEY")]
    pub sign: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// A package directory or .tar.gz archive
    pub package: PathBuf,
    /// Also check MANIFEST.sha256.sig against the keys in this allowed-signers file (the format
    /// of `ssh-keygen -Y verify`; keys must allow the namespace `cargo-sdl`)
    #[arg(long, value_name = "FILE")]
    pub allowed_signers: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct PortfolioArgs {
    /// report.json files, package directories or .tar.gz package archives
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// The portfolio package directory to write (only a previous portfolio package is ever
    /// replaced)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub publish: PublishArgs,
    /// The organisation repository's report.json, package directory or archive: products whose
    /// sdl.toml cites it ([organisation]) inherit its organisation-level records in the view
    #[arg(long, value_name = "DIR|REPORT")]
    pub organisation: Option<PathBuf>,
    /// Merge only packages whose MANIFEST.sha256.sig verifies against this allowed-signers
    /// file (namespace `cargo-sdl`); other inputs are excluded
    #[arg(long, value_name = "FILE")]
    pub allowed_signers: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// The older report.json, package directory or archive
    pub old: PathBuf,
    /// The newer report.json, package directory or archive
    pub new: PathBuf,
    /// Exit 1 when anything got worse
    #[arg(long)]
    pub fail_on_regression: bool,
}
