//! Facts from the repository's own files: documents, CI and tool configuration.
//! Filled by `collect::files`. Every file fact carries its path and SHA-256 ([`FileRef`]);
//! facts found at a particular place in a file also carry the line (1-based).

use serde::{Deserialize, Serialize};

use super::{EvidenceRef, FileRef};

/// What the repository-files collector found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileFacts {
    /// How the repository's files were listed.
    pub listing: Listing,
    /// SDL documents by kind (a key of `config::DOCUMENT_KINDS`): configured paths first, else
    /// well-known names. The git collector dates them; the evidence package copies them.
    pub documents: Vec<Document>,
    /// Document kinds whose paths came from the configuration rather than from discovery.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configured_kinds: Vec<String>,
    /// Leads, not evidence: sections elsewhere in the documentation whose heading names a
    /// document kind or a guideline topic that has no evidence of its own. A rule with only
    /// candidates is unknown and names the `sdl.toml` line that would designate each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<Candidate>,
    /// The first security-policy document, analysed.
    pub security_policy: Option<SecurityPolicy>,
    /// An RFC 9116 `security.txt`.
    pub security_txt: Option<SecurityTxt>,
    /// The CODEOWNERS file GitHub would use, with its coverage of the listed files.
    pub codeowners: Option<Codeowners>,
    /// Every threat-model document with its format and, when machine-readable, its threats.
    pub threat_models: Vec<ThreatModel>,
    /// A capability security level (SL-C) stated in the security requirements or context.
    pub security_level: Option<DeclaredSecurityLevel>,
    /// Coverage of the user security guideline topics SG-1 … SG-6.
    pub guidelines: Guidelines,
    /// LICENSE / LICENCE / COPYING files at the root.
    pub licenses: Vec<FileRef>,
    /// rust-toolchain(.toml).
    pub toolchain: Option<Toolchain>,
    /// cargo-deny and cargo-audit configuration.
    pub dependency_policy: Vec<ToolConfig>,
    /// clippy.toml and `[lints]` / `[workspace.lints]` tables.
    pub lints: Lints,
    /// The workspace's crates and how each treats `unsafe_code`.
    pub crates: Vec<WorkspaceCrate>,
    /// `fuzz/fuzz_targets/*.rs` anywhere in the repository.
    pub fuzz_targets: Vec<FileRef>,
    /// OSS-Fuzz and ClusterFuzzLite project configurations: services that build and run the
    /// fuzz targets outside the repository's own workflows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fuzzing_services: Vec<FuzzingService>,
    /// `.github/workflows/*.yml`, parsed, for the GitHub-specific hardening rules (token
    /// permissions, pinning, `pull_request_target`). A workflow that could not be parsed is a
    /// problem. What its jobs run is in [`FileFacts::ci`].
    pub workflows: Vec<Workflow>,
    /// The CI configuration of every system found (GitHub Actions, GitLab CI, Azure Pipelines,
    /// Jenkins, Buildkite, CircleCI) in one shape: pipelines, jobs and the activities their
    /// steps perform, each with the chain of files and lines that leads to it, every file read
    /// and every reference that could not be followed.
    #[serde(default)]
    pub ci: CiFacts,
    /// Local composite actions (`.github/actions/**/action.yml`) and the actions they use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub composite_actions: Vec<CompositeAction>,
    /// Dependabot / Renovate configuration.
    pub dependency_updates: Vec<UpdateConfig>,
    /// Files that could not be read or parsed; rules that depend on them say unknown.
    pub problems: Vec<Problem>,
}

/// How the file listing was obtained.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListingSource {
    /// The files tracked in the git index.
    #[default]
    GitIndex,
    /// A walk of the directory (not a git repository, or nothing tracked), skipping `.git/`,
    /// `target/` and `node_modules/`.
    DirectoryWalk,
    /// The tree of a commit (a release re-assessed as it was when it was tagged).
    CommitTree,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Listing {
    pub source: ListingSource,
    /// Number of files listed (symlinks included, submodules excluded).
    pub files: usize,
    /// True when the walk stopped at its bound and later files were not listed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// Why a document or a section counts as evidence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// Designated by a person in `sdl.toml` (`[documents]`, `[guidelines]`).
    Designated,
    /// At a conventional place: a well-known name (SECURITY.md, THREAT_MODEL.md, …) or a
    /// security folder (docs/security/, …), or a section of such a file whose heading names
    /// what it is.
    #[default]
    Conventional,
}

/// One section of a file: the heading that opens it, up to the next heading of the same or a
/// higher level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The heading's line (1-based).
    pub line: u32,
    /// The heading's text, without its markers.
    pub heading: String,
    /// Its anchor, as GitHub derives it from the heading (`#threat-model`); the form
    /// `sdl.toml` designates a section by.
    pub anchor: String,
}

/// A lead: a place in the documentation that may be the evidence a rule looks for, found by a
/// heading (or, in a guidelines document, a sentence) that names the topic. It is not
/// evidence until a person designates it in `sdl.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// The `sdl.toml` key that would designate it: `documents.threat-model`,
    /// `guidelines.disposal`.
    pub key: String,
    pub file: FileRef,
    /// The line that named the topic.
    pub line: u32,
    /// The heading of the section it is in (the matched heading itself, or the one above a
    /// matched sentence); `None` before the first heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<Section>,
    /// The matched line, as written (clipped).
    pub text: String,
    /// Words of prose in the section.
    pub words: usize,
    /// The file's path as `sdl.toml` names it, relative to the workspace's folder; `None` when
    /// the file lies outside that folder (a repository-level document of a workspace in a
    /// subfolder), which `sdl.toml` cannot designate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_path: Option<String>,
}

impl Candidate {
    /// The value that designates it: `path#anchor`, or the path alone; `None` when `sdl.toml`
    /// cannot reach the file.
    pub fn designation(&self) -> Option<String> {
        let path = self.config_path.as_ref()?;
        Some(match &self.section {
            Some(s) => format!("{path}#{}", s.anchor),
            None => path.clone(),
        })
    }

    /// The `sdl.toml` line that designates it: `[guidelines] disposal = "docs/ops.md#…"`.
    pub fn toml_line(&self) -> Option<String> {
        let (table, key) = self.key.split_once('.').unwrap_or(("documents", &self.key));
        Some(format!(
            "[{table}] {key} = {}",
            toml_string(&self.designation()?)
        ))
    }
}

/// A TOML basic string: quoted, with `"`, `\`, control and bidi characters escaped.
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            // Control and bidi characters as escapes: the line stays one line, shown as written.
            c if crate::sanitize::is_dangerous(c) => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One SDL document: a whole file, or one section of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// A key of `config::DOCUMENT_KINDS`.
    pub kind: String,
    pub file: FileRef,
    /// The document's first heading, when it has one (a section's own heading).
    pub title: Option<String>,
    /// Why it counts: designated in `sdl.toml`, or at a conventional place.
    #[serde(default)]
    pub basis: Basis,
    /// When the document is one section of the file: which. Its substance is the section's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<Section>,
    /// What a prose document says, measured ([`Substance`]); `None` when it was not read as
    /// prose (see `not_analysed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substance: Option<Substance>,
    /// Why the content was not measured: a format whose text cannot be read (PDF, Word,
    /// images), a machine-readable threat model (judged by its threats), too large, unreadable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_analysed: Option<String>,
}

/// How much a prose document says, so that a stub cannot pass for a document: the words of its
/// prose, the placeholder text it holds, and the headings with nothing under them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Substance {
    /// Words of prose (tokens with a letter): text lines and table cells, not headings, code
    /// blocks, HTML comments, front matter, table separator rows or lines with placeholder text.
    pub words: usize,
    /// Lines with placeholder text (`TODO`, `TBD`, `FIXME`, lorem ipsum, "to be written",
    /// template text such as `[insert … here]` or `{{name}}`), inline code excepted; up to ten.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub placeholders: Vec<Mention>,
    /// Headings with nothing under them (no text, table or code before the next heading of the
    /// same or a higher level; an `Unreleased` changelog section excepted); up to ten.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub empty_headings: Vec<Mention>,
    /// The ids that open a heading, list item, table row or line (`SEC-REQ-1`, `SR-12`),
    /// first occurrence of each; collected for security-requirements documents only, up to
    /// 500. The rule decides which prefixes name requirements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<Mention>,
    /// For release notes only: the first lines that name a release version (`## 1.2.0`,
    /// `v0.3.1 (2026-01-02)`), up to three. None of them: the file holds no release entry (a
    /// one-line pointer to notes kept elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub releases: Option<Vec<Mention>>,
}

/// A piece of text found on a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub text: String,
    pub line: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChannelKind {
    Email,
    /// GitHub private vulnerability reporting / security advisories.
    Advisories,
    /// A web form or page named on a line about reporting.
    Url,
}

/// Where to send a vulnerability report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub kind: ChannelKind,
    pub value: String,
    pub line: u32,
}

/// A sentence of the security policy that makes a statement, read in its context (the sentence,
/// the lead-in of its list, its heading).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// The line the sentence starts on.
    pub line: u32,
    /// The sentence as written: whitespace collapsed, control characters escaped, at most 240
    /// characters.
    pub sentence: String,
    /// The words that made it the statement ("within 3 business days", "advisory").
    pub phrase: String,
}

/// A sentence with a statement's keyword that was not read as making the statement, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetAside {
    /// `disclosure` or `timeframes`.
    pub statement: String,
    pub line: u32,
    pub sentence: String,
    pub why: String,
}

/// The security policy (SECURITY.md or the configured document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityPolicy {
    pub file: FileRef,
    pub channels: Vec<Channel>,
    /// Sentences that say how and when a vulnerability becomes public (an advisory, a CVE,
    /// coordinated disclosure, an embargo, publication), up to ten.
    pub disclosure: Vec<Statement>,
    /// Sentences about handling a vulnerability report (acknowledge, triage, fix, release,
    /// disclose) that give a time-frame ("within 5 days", "90-day"), up to twenty.
    pub timeframes: Vec<Statement>,
    /// Sentences with a keyword of a statement that do not make it (a time-frame about the
    /// MSRV, "disclose any use of AI assistance"), up to ten.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set_aside: Vec<SetAside>,
    /// Why the content was not analysed (too large, unreadable); the lists are then empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_analysed: Option<String>,
}

/// An RFC 9116 security.txt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityTxt {
    pub file: FileRef,
    pub contacts: Vec<Mention>,
    /// The `Expires` value as written.
    pub expires_raw: Option<String>,
    /// `Expires` normalised to RFC 3339 UTC; None when absent or not a valid date.
    pub expires: Option<String>,
    pub expires_line: Option<u32>,
    /// The file is an OpenPGP cleartext-signed message.
    pub signed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_analysed: Option<String>,
}

/// CODEOWNERS and how much of the listed files it assigns an owner to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Codeowners {
    pub file: FileRef,
    /// Pattern lines (comments and blank lines excluded).
    pub rules: usize,
    /// Files listed (see [`Listing`]).
    pub files_total: usize,
    /// Files whose last matching rule names at least one owner.
    pub files_covered: usize,
    /// Up to ten uncovered files, sorted.
    pub uncovered_examples: Vec<String>,
    /// Lines whose pattern GitHub does not support (`!negation`, `[ranges]`); they were skipped.
    pub unsupported: Vec<Mention>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_analysed: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThreatModelFormat {
    Markdown,
    /// OWASP Threat Dragon JSON (v1 or v2).
    ThreatDragon,
    /// Threagile YAML.
    Threagile,
    /// Anything else (reStructuredText, PDF, unrecognised JSON/YAML, …): free text to us.
    Other,
}

/// The threats a threat model enumerates: those of a machine-readable model, or of a prose one
/// in a form the collector reads (a table with a threat column, `### T-1 …` headings).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreatCounts {
    pub total: usize,
    /// Threats with a non-empty mitigation text.
    pub with_mitigation: usize,
    /// Threats with a decision: a status other than open/unchecked, or a mitigation.
    pub dispositioned: usize,
    /// Threats with a severity or score.
    pub with_severity: usize,
    /// Threats enumerated as items of a bullet list ("Specific threats:"), which have no
    /// decision of their own: whether a list of mitigations beside them covers each one is a
    /// person's call.
    #[serde(default, skip_serializing_if = "is_zero_count")]
    pub listed: usize,
    /// Up to ten titles of threats without a decision.
    pub undecided_examples: Vec<String>,
    /// For prose models: where each of those threats is and why it is undecided (no
    /// disposition, an empty or placeholder one), up to ten.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undecided_at: Vec<Mention>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreatModel {
    pub file: FileRef,
    /// When the model is one section of the file (a `## Threat model` of SECURITY.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<Section>,
    pub format: ThreatModelFormat,
    /// Present for Threat Dragon and Threagile models, Markdown models (even when they
    /// enumerate none), and other prose models that enumerate at least one threat.
    pub threats: Option<ThreatCounts>,
    /// A caveat about the counts (e.g. Threagile risks derived by its rules are not in the file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_analysed: Option<String>,
}

/// A capability security level stated in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclaredSecurityLevel {
    pub level: u8,
    pub file: FileRef,
    pub line: u32,
    pub text: String,
}

/// Where the guideline topics were searched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GuidelinesSource {
    /// Configured or discovered `guidelines` documents (and the other conventional security
    /// documents), README and docs/ for candidates.
    Guidelines,
    /// No guidelines document: the conventional security documents, README and docs/ were
    /// searched.
    ReadmeAndDocs,
    /// Nothing to search.
    #[default]
    None,
}

/// The section that covers a topic: designated in `sdl.toml`, or a section of a conventional
/// security document whose heading names the topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicMatch {
    pub file: FileRef,
    /// The heading's line (1 for a whole designated file without a heading).
    pub line: u32,
    /// `text` is a heading: the section it opens is the evidence.
    pub heading: bool,
    /// The heading as written (clipped), or the file's path for a whole designated file.
    pub text: String,
    /// Words of prose in the section, its subsections included ([`Substance::words`]).
    #[serde(default)]
    pub words: usize,
    /// The first line with placeholder text in that section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<Mention>,
    /// Designated in `sdl.toml`, or found at a conventional place.
    #[serde(default)]
    pub basis: Basis,
}

/// One of the SG-1 … SG-6 topics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuidelineTopic {
    /// SG-1 … SG-6.
    pub requirement: String,
    /// A short name, the key of `[guidelines]` in `sdl.toml`: defense-in-depth, environment,
    /// hardening, disposal, secure-operation, accounts.
    pub topic: String,
    pub found: Option<TopicMatch>,
    /// Why a designation in `sdl.toml` could not be resolved (no such heading, unreadable).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unresolved: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Guidelines {
    pub source: GuidelinesSource,
    pub searched: Vec<FileRef>,
    pub topics: Vec<GuidelineTopic>,
    /// Some searched files could not be read; an unmatched topic may be there.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub incomplete: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Toolchain {
    pub file: FileRef,
    pub channel: Option<String>,
    /// The channel names a version (`1.88.0`) or a dated nightly/beta, not a moving channel.
    pub pinned: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_analysed: Option<String>,
}

/// A dependency-policy tool's configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolConfig {
    /// `cargo-deny` or `cargo-audit`.
    pub tool: String,
    pub file: FileRef,
    /// Top-level tables configured (for deny.toml: advisories, bans, licenses, sources).
    pub sections: Vec<String>,
}

/// A `[lints]` or `[workspace.lints]` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LintTable {
    pub file: FileRef,
    /// `lints` or `workspace.lints`.
    pub table: String,
    /// The lint tools configured (rust, clippy, rustdoc); empty for `workspace = true`.
    pub tools: Vec<String>,
    pub line: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lints {
    pub clippy_config: Option<FileRef>,
    pub tables: Vec<LintTable>,
    /// Crate-level `#![deny(clippy::…)]` / `#![warn(clippy::…)]` attributes in crate roots.
    pub attributes: Vec<EvidenceRef>,
}

/// A crate root (lib.rs, main.rs, src/bin/*.rs) and its `unsafe_code` attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrateRoot {
    pub file: FileRef,
    /// `forbid` or `deny` from `#![forbid(unsafe_code)]` / `#![deny(unsafe_code)]`.
    pub unsafe_code: Option<String>,
    pub line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_analysed: Option<String>,
}

/// A workspace member (or the root package).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceCrate {
    pub name: String,
    pub manifest: FileRef,
    /// The `unsafe_code` level from the manifest's `[lints.rust]`, resolved through
    /// `lints.workspace = true`.
    pub manifest_lint: Option<String>,
    /// Where that level is set: `lints` or `workspace.lints`.
    pub manifest_lint_table: Option<String>,
    pub roots: Vec<CrateRoot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_analysed: Option<String>,
}

impl WorkspaceCrate {
    /// Unsafe code cannot appear: the manifest forbids it, or every crate root does.
    pub fn forbids_unsafe(&self) -> bool {
        self.manifest_lint.as_deref() == Some("forbid")
            || (!self.roots.is_empty()
                && self
                    .roots
                    .iter()
                    .all(|r| r.unsafe_code.as_deref() == Some("forbid")))
    }
}

/// A `permissions:` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permissions {
    pub line: u32,
    /// As written, compacted: `read-all`, `write-all`, `{}`, `contents: read, issues: write`.
    pub value: String,
    /// Scopes granted write access; `*` for write-all. An expression counts as `*`.
    pub writes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    /// `owner/repo@ref` or `owner/repo/path@ref` (actions and reusable workflows).
    Remote,
    /// `./path`: code from this repository.
    Local,
    /// `docker://image`.
    Docker,
}

/// A `uses:` reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionUse {
    pub uses: String,
    pub kind: ActionKind,
    /// Pinned to a full 40-hex commit SHA (or a `sha256:` digest for docker); local ones count
    /// as pinned.
    pub pinned: bool,
    pub line: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActivityKind {
    Tests,
    Clippy,
    DependencyAudit,
    Fuzzing,
    StaticAnalysis,
}

/// A GitHub Actions job, as the hardening rules judge it; what it runs is in [`CiFacts`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub id: String,
    pub line: u32,
    pub permissions: Option<Permissions>,
    /// Every `uses:` of the job: its steps' actions and a reusable workflow call.
    pub actions: Vec<ActionUse>,
}

/// A dangerous combination, e.g. `pull_request_target` with a checkout of the PR head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hazard {
    pub job: String,
    pub line: u32,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workflow {
    pub file: FileRef,
    pub name: Option<String>,
    /// Event names from `on:`.
    pub triggers: Vec<String>,
    pub permissions: Option<Permissions>,
    pub jobs: Vec<Job>,
    pub hazards: Vec<Hazard>,
}

/// A CI system whose configuration the files collector reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CiSystem {
    GithubActions,
    GitlabCi,
    AzurePipelines,
    Jenkins,
    Buildkite,
    Circleci,
}

impl CiSystem {
    pub const ALL: [CiSystem; 6] = [
        CiSystem::GithubActions,
        CiSystem::GitlabCi,
        CiSystem::AzurePipelines,
        CiSystem::Jenkins,
        CiSystem::Buildkite,
        CiSystem::Circleci,
    ];

    /// The system's name, as its vendor writes it.
    pub fn name(self) -> &'static str {
        match self {
            CiSystem::GithubActions => "GitHub Actions",
            CiSystem::GitlabCi => "GitLab CI",
            CiSystem::AzurePipelines => "Azure Pipelines",
            CiSystem::Jenkins => "Jenkins",
            CiSystem::Buildkite => "Buildkite",
            CiSystem::Circleci => "CircleCI",
        }
    }

    /// Where the collector looks for the system's configuration.
    pub fn locations(self) -> &'static str {
        match self {
            CiSystem::GithubActions => ".github/workflows/*.yml",
            CiSystem::GitlabCi => ".gitlab-ci.yml",
            CiSystem::AzurePipelines => {
                "azure-pipelines.yml, .azure-pipelines.yml, .azure-pipelines/*.yml"
            }
            CiSystem::Jenkins => "Jenkinsfile, Jenkinsfile.*",
            CiSystem::Buildkite => ".buildkite/*.yml, buildkite.yml",
            CiSystem::Circleci => ".circleci/config.yml",
        }
    }
}

/// The CI configuration found, whatever the system.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CiFacts {
    /// The systems with at least one pipeline, in the order of [`CiSystem::ALL`].
    pub systems: Vec<CiSystem>,
    /// Every pipeline entry point found (a workflow, `.gitlab-ci.yml`, a Jenkinsfile, …), by
    /// system, then path.
    pub pipelines: Vec<Pipeline>,
}

impl CiFacts {
    /// Every activity of `kind`, with the pipeline and job that perform it.
    pub fn activities(
        &self,
        kind: ActivityKind,
    ) -> impl Iterator<Item = (&Pipeline, &CiJob, &Activity)> {
        self.pipelines.iter().flat_map(move |p| {
            p.jobs.iter().flat_map(move |j| {
                j.activities
                    .iter()
                    .filter(move |a| a.kind == kind)
                    .map(move |a| (p, j, a))
            })
        })
    }
}

/// One pipeline entry point and what its jobs run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipeline {
    pub system: CiSystem,
    /// The entry file (for Buildkite without a pipeline file, the script that generates one).
    pub file: FileRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The jobs that run (GitLab hidden jobs and Azure templates only through those that use
    /// them; CircleCI jobs only when a workflow names them).
    pub jobs: Vec<CiJob>,
    /// Every other file read for this pipeline, once each, in the order first read: included
    /// configuration and templates, then the Makefiles, justfiles, scripts, xtask sources and
    /// cargo configuration its steps were followed into.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files_read: Vec<FileRef>,
    /// What the pipeline refers to that was not read or could not be followed, and the parts of
    /// it generated at run time: an activity may be there, so a rule that finds it nowhere else
    /// is unknown, not failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unresolved: Vec<Unresolved>,
    /// Why the entry file could not be read or parsed; its jobs are then unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_analysed: Option<String>,
}

/// A job (a GitHub job, a GitLab job, an Azure job, a Jenkins stage, a Buildkite step, a
/// CircleCI job).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CiJob {
    pub name: String,
    /// Where the job is defined: the pipeline file or a file it includes.
    pub file: FileRef,
    pub line: u32,
    /// One per kind per step, at the first command that shows it.
    pub activities: Vec<Activity>,
}

/// Something a job does that is evidence of a practice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub kind: ActivityKind,
    /// How the job reaches it, never empty: the first link is the step in the CI file, each
    /// next one a line of the file it led to (a Makefile rule, a recipe line, a script line,
    /// an alias, an xtask function); the last is the command or action recognised.
    pub chain: Vec<Link>,
}

impl Activity {
    /// The step in the CI file.
    pub fn step(&self) -> Option<&Link> {
        self.chain.first()
    }

    /// The command or action recognised.
    pub fn command(&self) -> Option<&Link> {
        self.chain.last()
    }
}

/// A line of a repository file on the way from a CI step to a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub file: FileRef,
    pub line: u32,
    /// What is on that line, trimmed (at most 200 characters).
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnresolvedKind {
    /// Configuration kept outside the repository: a remote, project or template include, an
    /// Azure template of another repository, a Jenkins shared library, a CircleCI orb, a
    /// triggered pipeline.
    NotRead,
    /// A reference into the repository that could not be followed: no such make target,
    /// script or recipe, a path outside the repository, a file over the size cap, the bounds.
    NotFollowed,
    /// A pipeline (or a command) generated at run time: `buildkite-agent pipeline upload` of
    /// a script's output, a GitLab child pipeline from an artifact, a CircleCI setup workflow.
    Dynamic,
}

/// A reference the collector did not resolve, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unresolved {
    pub kind: UnresolvedKind,
    /// The job it belongs to, when it belongs to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<String>,
    /// The one activity it leaves undecided (`cargo test $FLAGS`, `cargo test || true`);
    /// none: it may hide any activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<ActivityKind>,
    /// Where it was met: from the CI file to the reference itself (the last link).
    pub chain: Vec<Link>,
    pub reason: String,
}

impl Unresolved {
    /// `what: path:line: reason`, where what says whether it was generated at run time, not
    /// read or not followed; `fallback` is the place when the chain is empty.
    pub fn describe(&self, fallback: &str) -> String {
        let at = self
            .chain
            .last()
            .map(|l| format!("{}:{}", l.file.path, l.line))
            .unwrap_or_else(|| fallback.to_string());
        let what = match self.kind {
            UnresolvedKind::Dynamic => "generated at run time",
            UnresolvedKind::NotRead => "not read",
            UnresolvedKind::NotFollowed => "not followed",
        };
        format!("{what}: {at}: {}", self.reason)
    }
}

/// An OSS-Fuzz or ClusterFuzzLite project configuration: a `project.yaml` naming the project's
/// `language`, next to the `build.sh` or `Dockerfile` that builds its fuzzers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuzzingService {
    /// `clusterfuzzlite` (`.clusterfuzzlite/project.yaml`) or `oss-fuzz`
    /// (`projects/<name>/project.yaml`, OSS-Fuzz's own layout).
    pub service: String,
    /// The `project.yaml`.
    pub file: FileRef,
    /// Why it could not be read or parsed; it may or may not configure fuzzing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_analysed: Option<String>,
}

/// A local composite action: its steps run inside the calling job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompositeAction {
    pub file: FileRef,
    pub actions: Vec<ActionUse>,
}

/// Dependabot or Renovate configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateConfig {
    /// `dependabot` or `renovate`.
    pub tool: String,
    pub file: FileRef,
    /// Dependabot `package-ecosystem`s; for Renovate its `enabledManagers`, or `all` when it
    /// does not restrict them.
    pub ecosystems: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_analysed: Option<String>,
}

/// A file that could not be read or parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl FileFacts {
    /// Documents of one kind, in precedence order.
    pub(crate) fn documents_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Document> {
        self.documents.iter().filter(move |d| d.kind == kind)
    }

    /// Problems with files under `prefix` (a path or a directory ending in `/`).
    pub(crate) fn problems_under<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = &'a Problem> {
        self.problems.iter().filter(move |p| {
            if prefix.ends_with('/') {
                p.path.starts_with(prefix)
            } else {
                p.path == prefix
            }
        })
    }
}

fn is_zero_count(n: &usize) -> bool {
    *n == 0
}
