//! Supply-chain facts: packages, SBOMs and advisories. Filled by `collect::cargo`,
//! `collect::sbom` and `collect::advisories`.

use serde::{Deserialize, Serialize};

use super::{Collected, FileRef};

/// Workspace members, packages and the dependency graph.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CargoFacts {
    /// Where the package list came from: `cargo-metadata` or `cargo-lock` (the fallback).
    pub origin: CargoOrigin,
    /// Why the facts are incomplete (e.g. `cargo metadata` could not run, so licenses and
    /// dependency kinds are unknown). `None` when they are complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<String>,
    /// The workspace's Cargo.lock, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lockfile: Option<FileRef>,
    /// Whether git tracks Cargo.lock; `None` when the workspace is not in a git repository
    /// (or the lockfile is missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lockfile_tracked: Option<bool>,
    /// Whether a workspace member has a binary target; `None` when it could not be told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_binary: Option<bool>,
    /// Workspace members as `name version`, sorted.
    pub members: Vec<String>,
    /// Every package of the resolved graph (members included), sorted by name, version, source.
    pub packages: Vec<PackageFact>,
    /// The toolchain cargo metadata ran with (`rustc 1.95.0 (… 2026-04-14)`): a trusted one,
    /// never one the repository names. `None` when cargo metadata did not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toolchain: Option<String>,
    /// The repository's toolchain pin (`rust-toolchain.toml`) and whether the run honoured it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toolchain_pin: Option<String>,
    /// The keys of the repository's cargo configuration that cargo metadata did not apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cargo_config: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CargoOrigin {
    #[default]
    CargoMetadata,
    CargoLock,
}

/// One package of the dependency graph.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PackageFact {
    pub name: String,
    pub version: String,
    pub source: PackageSource,
    /// True for workspace members.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub member: bool,
    /// The SPDX-ish `license` expression as declared in the package's manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// `license-file`, when the package declares a license by file instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_file: Option<String>,
    /// Hex SHA-256 from Cargo.lock (registry packages only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Direct dependencies, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<DependencyEdge>,
}

impl PackageFact {
    /// `name version`, the form used in messages.
    pub fn id(&self) -> String {
        format!("{} {}", self.name, self.version)
    }
}

/// Where a package comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum PackageSource {
    CratesIo,
    /// Another registry (alternative or private), by index URL.
    Registry {
        url: String,
    },
    Git {
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rev: Option<String>,
    },
    /// A local path. `path` is repository-relative when inside the workspace;
    /// `inside_workspace` is `None` when it could not be told (Cargo.lock alone).
    Path {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        inside_workspace: Option<bool>,
    },
}

impl PackageSource {
    pub(crate) fn describe(&self) -> String {
        match self {
            PackageSource::CratesIo => "crates.io".into(),
            PackageSource::Registry { url } => format!("registry {url}"),
            PackageSource::Git { url, rev } => match rev {
                Some(r) => format!("git {url}#{r}"),
                None => format!("git {url}"),
            },
            PackageSource::Path { path: Some(p), .. } => format!("path {p}"),
            PackageSource::Path { path: None, .. } => "a local path".into(),
        }
    }
}

/// A dependency edge, with every kind under which it is declared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DependencyEdge {
    pub name: String,
    pub version: String,
    /// `normal`, `build`, `dev`; empty when unknown (Cargo.lock alone does not say).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<DependencyKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DependencyKind {
    Normal,
    Build,
    Dev,
}

/// SBOMs in the repository and the generated one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SbomFacts {
    /// The SBOM generated from the workspace (CycloneDX 1.5 JSON).
    pub generated: Collected<GeneratedSbom>,
    /// SBOMs found in the repository (configured paths or well-known names), sorted by path.
    pub documents: Vec<SbomDocument>,
}

impl Default for Collected<GeneratedSbom> {
    fn default() -> Self {
        Collected::absent("no SBOM was generated")
    }
}

/// What the generated SBOM contained: the inventory, as `cargo sdl sbom` writes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GeneratedSbom {
    pub spec_version: String,
    /// Derived from the inventory: the evidence package's `sbom.cdx.json` carries the same.
    pub serial_number: String,
    /// Hex SHA-256 of the generated bytes. The evidence package's `sbom.cdx.json` adds the
    /// evaluated advisories and waivers as `vulnerabilities` and then has another digest (the
    /// package manifest lists it).
    pub sha256: String,
    pub components: usize,
    /// Validation errors against the spec version; empty when it validates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validation_errors: Vec<String>,
    pub coverage: Coverage,
}

/// An SBOM found in the repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SbomDocument {
    pub file: FileRef,
    /// `json` or `xml`.
    pub format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec_version: Option<String>,
    pub validation: SbomValidation,
    pub components: usize,
    /// Compared with the workspace's packages; `None` when the document could not be read
    /// or there is no package list to compare with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum SbomValidation {
    /// Parsed by cyclonedx-bom and valid for its spec version.
    Valid,
    /// Parsed but not valid for its spec version.
    Invalid { errors: Vec<String> },
    /// A spec version cyclonedx-bom does not support (1.6): read as plain JSON.
    NotSchemaValidated { reason: String },
    /// Could not be read or parsed at all.
    Unreadable { error: String },
}

/// How an SBOM's components compare with the packages of Cargo.lock (workspace members
/// excluded: the product is the SBOM's subject, not one of its components).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Lockfile packages compared.
    pub packages: usize,
    /// `name version` in the lockfile but not in the SBOM.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// `name version` in the SBOM but not in the lockfile.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
    /// Packages the SBOM lists at other versions: `name: sbom versions → lockfile versions`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_versions: Vec<String>,
}

impl Coverage {
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty() && self.other_versions.is_empty()
    }
}

/// Advisories from the RustSec database that apply to the lockfile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdvisoryFacts {
    pub database: AdvisoryDatabase,
    pub lockfile: FileRef,
    /// Packages checked against the database (crates.io packages).
    pub scanned: usize,
    /// Packages the database cannot speak for (git, path, other registries), as `name version`:
    /// RustSec only covers crates.io.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_covered: Vec<String>,
    /// Matching advisories, sorted by kind, id, package, version.
    pub matches: Vec<AdvisoryMatch>,
    /// Advisories against past versions of Cargo.lock (SUM-5 timeliness).
    pub history: Collected<LockHistory>,
}

impl Default for Collected<LockHistory> {
    fn default() -> Self {
        Collected::absent("the lockfile history was not examined")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvisoryDatabase {
    /// Which database: the `--advisory-db` value as given, `$CARGO_HOME/advisory-db` (or
    /// `$CARGO_HOME/advisory-dbs/NAME`), or a repository-relative path; never another host path.
    pub path: String,
    /// `--advisory-db`, `CARGO_HOME (cargo-audit)`, `CARGO_HOME (cargo-deny)`, or
    /// `repository configuration`.
    pub origin: String,
    /// Why it was chosen (the operator's choice wins over the repository's).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub why: String,
    /// The repository's `[advisories] db` when the operator's database replaced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overridden: Option<String>,
    pub advisories: usize,
    /// `YYYY-MM-DD`: the commit date of a git checkout, the SNAPSHOT record, or the newest
    /// advisory's date.
    pub date: String,
    /// Which of those `date` is.
    pub date_source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AdvisoryKind {
    Vulnerability,
    Unmaintained,
    Unsound,
    Notice,
    /// Another informational category.
    Informational,
}

/// One advisory that applies to one package in the lockfile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdvisoryMatch {
    pub kind: AdvisoryKind,
    pub id: String,
    pub package: String,
    pub version: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss_score: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patched: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// What the first-parent history of Cargo.lock shows about advisory response times.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockHistory {
    /// Repository path of the lockfile that was followed.
    pub path: String,
    /// Distinct lockfile versions examined (newest first, bounded).
    pub versions: usize,
    /// True when the walk stopped at the bound before the lockfile's first commit.
    pub truncated: bool,
    /// True when the clone is shallow: older versions are not available.
    pub shallow: bool,
    /// Lockfile versions that could not be parsed, as `commit: error`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<String>,
    /// Vulnerabilities that affected a past lockfile and were later removed.
    pub fixes: Vec<AdvisoryFix>,
    /// Vulnerabilities that affect the current lockfile: since when they are in it.
    pub open: Vec<OpenAdvisory>,
}

/// A vulnerability that a later lockfile no longer has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvisoryFix {
    pub id: String,
    pub package: String,
    /// The affected version(s) in the last affected lockfile.
    pub version: String,
    /// `YYYY-MM-DD` of the advisory.
    pub advisory_date: String,
    /// The commit that first had an affected version (as far as the walk reached).
    pub introduced: String,
    /// RFC 3339 committer time of `introduced`.
    pub introduced_at: String,
    /// The commit whose lockfile no longer has it.
    pub fixed: String,
    /// RFC 3339 committer time of `fixed`.
    pub fixed_at: String,
    /// Days from the advisory's date to the fix (negative when fixed before it was published).
    pub days_after_advisory: i64,
    /// Days the project was exposed while the advisory was public: from the later of the
    /// advisory date and `introduced_at` to `fixed_at` (0 when never exposed).
    pub days_exposed: i64,
}

/// A vulnerability still present in the newest lockfile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAdvisory {
    pub id: String,
    pub package: String,
    pub version: String,
    pub advisory_date: String,
    pub introduced: String,
    pub introduced_at: String,
}
