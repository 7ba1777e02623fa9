//! Configuration: `sdl.toml` at the workspace root, or `[workspace.metadata.sdl]` /
//! `[package.metadata.sdl]` in Cargo.toml. Loaded raw (serde, unknown keys rejected), then
//! validated against the catalogue and the repository.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Level};
use crate::facts::FileRef;

/// The commented template `cargo sdl init` writes; a test parses it.
pub const TEMPLATE: &str = include_str!("../templates/sdl.toml");

mod designation;
use designation::designations;
pub use designation::{GUIDELINE_TOPICS, split_designation};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {message}")]
    Syntax { path: String, message: String },
    #[error("{path}: `{key}`: {message}")]
    Invalid {
        path: String,
        key: String,
        message: String,
    },
    #[error("reading {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// `sdl.toml` as written.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConfig {
    #[serde(default)]
    pub product: RawProduct,
    #[serde(default)]
    pub documents: BTreeMap<String, OneOrMany>,
    /// Guideline topic (`disposal`, …) → the file or `file#anchor` section that covers it.
    #[serde(default)]
    pub guidelines: BTreeMap<String, OneOrMany>,
    #[serde(default)]
    pub rules: BTreeMap<String, RawRuleSettings>,
    #[serde(default)]
    pub not_applicable: Vec<RawNotApplicable>,
    #[serde(default)]
    pub waiver: Vec<RawWaiver>,
    #[serde(default)]
    pub waiver_policy: RawWaiverPolicy,
    #[serde(default)]
    pub records: Records,
    #[serde(default)]
    pub maturity: RawMaturity,
    #[serde(default)]
    pub advisories: RawAdvisories,
    #[serde(default)]
    pub sbom: RawSbom,
    #[serde(default)]
    pub supply_chain: RawSupplyChain,
    #[serde(default)]
    pub git: GitConfig,
    #[serde(default)]
    pub attest: AttestConfig,
    /// `[organisation]`: the organisation-level records this product inherits.
    #[serde(default)]
    pub organisation: Option<RawOrganisation>,
}

/// `[organisation]` as written.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawOrganisation {
    /// Where the organisation's SDL records are: the URL of the organisation repository (its
    /// report's `assessed.remote`), or a repository path to the organisation's `report.json`
    /// or package archive (then pinned by its digest).
    pub records: String,
    /// The organisation's product name in its own report, as a second check.
    pub name: Option<String>,
}

/// The organisation-level records a product cites (`[organisation]` in `sdl.toml`), as the
/// report records it: `cargo sdl portfolio --organisation` matches a product to the
/// organisation's report by these, and only then shows its organisation-level requirements as
/// inherited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationRef {
    /// As configured: a URL, or a repository path.
    pub records: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The SHA-256 of the file `records` names, when it is a repository path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// `[waiver-policy]`: how long a waiver may run. The default and the upper bound are a year;
/// an organisation may only shorten it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawWaiverPolicy {
    pub max_days: Option<u32>,
}

/// The validated waiver policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaiverPolicy {
    /// A waiver's `expires` may lie at most this many days after the assessment (1…365).
    pub max_days: u32,
}

/// The longest a waiver may run: a year, as every other SDL record is reviewed.
pub(crate) const MAX_WAIVER_DAYS: u32 = 365;

impl Default for WaiverPolicy {
    fn default() -> Self {
        WaiverPolicy {
            max_days: MAX_WAIVER_DAYS,
        }
    }
}

/// `[maturity]`: how the ML3 indicator counts records.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawMaturity {
    /// ML3 needs records for each of the last N releases (default 2).
    pub releases: Option<usize>,
}

/// Where the human records live (defaults: `sdl/attestations`, `sdl/roles.toml`,
/// `sdl/training.toml`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Records {
    pub attestations: Option<String>,
    pub roles: Option<String>,
    pub training: Option<String>,
}

/// `[advisories]`: where the RustSec database is and how far back the lockfile history goes.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawAdvisories {
    /// An advisory database directory inside the repository (relative to the workspace root),
    /// used only when the operator names none (`--advisory-db`, the copies under CARGO_HOME).
    pub db: Option<String>,
    /// How many past versions of Cargo.lock the SUM-5 timeliness check reads.
    pub history_depth: Option<u32>,
}

/// `[sbom]`: SBOMs the project keeps in the repository.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSbom {
    /// Repository-relative paths; when empty, well-known names are searched.
    #[serde(default)]
    pub paths: Vec<String>,
}

/// `[supply-chain]`: SM-10 records for dependencies from outside crates.io.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSupplyChain {
    #[serde(default)]
    pub reviewed_sources: Vec<ReviewedSource>,
}

/// A dependency from git, a path outside the workspace or another registry that was
/// assessed (SM-10): the package name and why it is acceptable.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReviewedSource {
    pub package: String,
    pub reason: String,
}

/// Validated `[advisories]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdvisorySettings {
    /// As configured (relative paths are resolved against the workspace root by the collector).
    pub db: Option<String>,
    pub history_depth: Option<u32>,
}

/// An accepted deviation as written: `[[waiver]]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawWaiver {
    /// A rule id, or an advisory id (RUSTSEC-…, CVE-…, GHSA-…).
    pub id: String,
    pub reason: String,
    pub owner: String,
    /// Last day the waiver holds: a TOML date or "YYYY-MM-DD".
    pub expires: toml::Value,
}

/// An accepted deviation from a rule or an advisory, valid through `expires` (inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    pub id: String,
    pub reason: String,
    pub owner: String,
    /// `YYYY-MM-DD`.
    pub expires: String,
    #[serde(skip)]
    pub expires_on: Option<time::Date>,
}

impl Waiver {
    /// True while the waiver holds on the day of `now` (UTC).
    pub fn is_active(&self, now: time::OffsetDateTime) -> bool {
        self.expires_on
            .is_some_and(|d| now.to_offset(time::UtcOffset::UTC).date() <= d)
    }
}

/// True when `id` has the shape of an advisory id the waivers may name.
pub(crate) fn is_advisory_id(id: &str) -> bool {
    // ASCII digits: `\d` is any Unicode digit, and `RUSTSEC-٢٠٢٠-0001` names no advisory.
    static ADVISORY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^(RUSTSEC-[0-9]{4}-[0-9]{4}|CVE-[0-9]{4}-[0-9]{4,}|GHSA(-[23456789cfghjmpqrvwx]{4}){3})$",
        )
        .expect("valid regex")
    });
    ADVISORY.is_match(id)
}

/// `[git]`: how the git collector reads the history.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GitConfig {
    /// Regular expression recognising release tags (default: the product's `v1.2.3`, `1.2.3`,
    /// `<product>-v1.2.3`, `<product>-1.2.3`; see `facts::git::default_release_tag_pattern`).
    pub release_tag_pattern: Option<String>,
    /// An allowed-signers file (ssh-keygen format) to verify SSH signatures with,
    /// relative to the repository root.
    pub allowed_signers: Option<String>,
}

/// `[attest]`: how attestations are bound to the people who approve them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AttestConfig {
    /// An allowed-signers file (ssh-keygen format), relative to the repository root: when
    /// given, the commit that last changed each attestation must carry a valid SSH signature
    /// by a key listed for its approver, or the attestation is not accepted.
    pub allowed_signers: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawProduct {
    pub name: Option<String>,
    pub version: Option<String>,
    pub description: Option<String>,
    /// The capability security level (SL-C) the product claims, 1–4 (SR-4).
    pub security_level: Option<u8>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct RawRuleSettings {
    pub level: Option<Level>,
    /// Threshold overrides; each must be a parameter the rule declares, of the same type.
    #[serde(flatten)]
    pub params: BTreeMap<String, toml::Value>,
}

/// An SM-5 scoping decision as written: `[[not-applicable]]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawNotApplicable {
    pub requirement: String,
    pub justification: String,
    pub approver: String,
    /// When the decision was taken: a TOML date or "YYYY-MM-DD".
    pub date: Option<toml::Value>,
    /// The security analysis behind it: a repository file, optionally `#section`.
    pub analysis: Option<String>,
}

/// An SM-5 scoping decision: a requirement that does not apply to this product, with the
/// security analysis behind it and the security role holder who approved it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NotApplicable {
    pub requirement: String,
    pub justification: String,
    pub approver: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// A repository path, optionally with `#section`.
    pub analysis: String,
}

/// Requirements that can never be scoped out: SM-5 is the scoping itself, and SM-12 is the
/// process that verifies the lifecycle was followed.
pub(crate) const NEVER_SCOPED_OUT: &[&str] = &["SM-5", "SM-12"];

/// Product identity as the report shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub name: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_level: Option<u8>,
}

/// Per-rule settings after validation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleSettings {
    pub level: Option<Level>,
    pub params: BTreeMap<String, toml::Value>,
}

/// The validated configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where the configuration came from (repository-relative), if anywhere.
    pub source: Option<String>,
    /// The file the configuration was read from, with its digest: `sdl.toml`, the `Cargo.toml`
    /// that holds `metadata.sdl`, or an operator's `--config` file (then named as given and,
    /// outside the repository, not copied into the package).
    pub source_file: Option<FileRef>,
    /// True when `source_file` is an operator's `--config` file outside the repository.
    pub source_outside: bool,
    pub product: Product,
    /// True when `[product] name` set the product's name (then its tags are the releases).
    pub product_name_configured: bool,
    /// Document kind → repository-relative paths, checked to exist inside the repository, each
    /// optionally with `#anchor`: one section of the file ([`split_designation`]).
    pub documents: BTreeMap<String, Vec<String>>,
    /// Guideline topic (a key of `facts::files::GuidelineTopic::topic`) → designated files or
    /// `file#anchor` sections, checked like `documents`.
    pub guidelines: BTreeMap<String, Vec<String>>,
    pub rules: BTreeMap<String, RuleSettings>,
    pub not_applicable: Vec<NotApplicable>,
    pub waivers: Vec<Waiver>,
    pub waiver_policy: WaiverPolicy,
    pub records: Records,
    /// ML3 needs records for each of the last N releases.
    pub maturity_releases: usize,
    pub advisories: AdvisorySettings,
    /// Configured SBOM paths, repository-relative, checked to exist.
    pub sbom_paths: Vec<String>,
    pub reviewed_sources: Vec<ReviewedSource>,
    pub git: GitConfig,
    pub attest: AttestConfig,
    pub organisation: Option<OrganisationRef>,
}

impl Config {
    /// The waiver for `id` that holds at `now`, if any.
    pub(crate) fn active_waiver(&self, id: &str, now: time::OffsetDateTime) -> Option<&Waiver> {
        self.waivers.iter().find(|w| w.id == id && w.is_active(now))
    }

    pub fn not_applicable(&self, requirement: &str) -> Option<&NotApplicable> {
        self.not_applicable
            .iter()
            .find(|n| n.requirement == requirement)
    }

    /// Load the configuration of the workspace at `root`. `explicit` is a `--config` path.
    /// `fallback_product` names the product when the configuration does not.
    pub fn load(
        root: &Path,
        explicit: Option<&Path>,
        catalog: &Catalog,
        fallback_product: Product,
    ) -> Result<Config, Error> {
        let mut source_file = None;
        let mut source_outside = false;
        let (display, raw) = match explicit {
            Some(path) => {
                let text = read(path)?;
                // Inside the repository it is named relative to its top; elsewhere by its name.
                let top = crate::repo_fs::top_and_prefix(root).0;
                let inside = path
                    .canonicalize()
                    .ok()
                    .zip(top.canonicalize().ok())
                    .and_then(|(p, r)| {
                        p.strip_prefix(&r)
                            .ok()
                            .map(|rel| crate::repo_fs::relative(Path::new(""), rel))
                    });
                source_outside = inside.is_none();
                let shown = inside.unwrap_or_else(|| {
                    path.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                });
                source_file = Some(FileRef {
                    path: shown,
                    sha256: crate::digest::sha256_hex(text.as_bytes()),
                });
                (
                    path.display().to_string(),
                    Some(parse(&path.display().to_string(), &text)?),
                )
            }
            None => {
                let sdl = root.join("sdl.toml");
                let from_manifest = metadata_section(root)?;
                if sdl.symlink_metadata().is_ok() {
                    if from_manifest.is_some() {
                        return Err(Error::Invalid {
                            path: "sdl.toml".into(),
                            key: "metadata.sdl".into(),
                            message: "configuration is given both in sdl.toml and in Cargo.toml's \
                                      metadata.sdl; keep one of them"
                                .into(),
                        });
                    }
                    // Never read (and echo in an error) a file outside the repository.
                    let bytes =
                        crate::repo_fs::read(root, "sdl.toml", crate::repo_fs::Limit::Config)
                            .map_err(|e| Error::Syntax {
                                path: "sdl.toml".into(),
                                message: e.to_string(),
                            })?;
                    source_file = Some(FileRef {
                        path: crate::repo_fs::repository_path(root, "sdl.toml"),
                        sha256: crate::digest::sha256_hex(&bytes),
                    });
                    let text = String::from_utf8(bytes).map_err(|_| Error::Syntax {
                        path: "sdl.toml".into(),
                        message: "is not UTF-8 text".into(),
                    })?;
                    ("sdl.toml".to_string(), Some(parse("sdl.toml", &text)?))
                } else if let Some((key, raw, manifest)) = from_manifest {
                    source_file = Some(manifest);
                    (format!("Cargo.toml [{key}]"), Some(raw))
                } else {
                    ("(defaults)".to_string(), None)
                }
            }
        };
        let source = raw.is_some().then(|| display.clone());
        let raw = raw.unwrap_or_default();
        let mut cfg = validate(&display, raw, root, catalog, fallback_product)?;
        cfg.source = source;
        cfg.source_file = source_file;
        cfg.source_outside = source_outside;
        Ok(cfg)
    }
}

/// `--config FILE`: the operator's file, anywhere, but a regular file within the cap.
fn read(path: &Path) -> Result<String, Error> {
    let bytes =
        crate::repo_fs::read_operator_file(path, crate::repo_fs::Limit::Config).map_err(|e| {
            Error::Syntax {
                path: path.display().to_string(),
                message: e.to_string(),
            }
        })?;
    String::from_utf8(bytes).map_err(|_| Error::Syntax {
        path: path.display().to_string(),
        message: "is not UTF-8 text".into(),
    })
}

/// Parse `sdl.toml` text; errors carry the line and column.
pub fn parse(path: &str, text: &str) -> Result<RawConfig, Error> {
    toml::from_str(text).map_err(|e| Error::Syntax {
        path: path.to_string(),
        message: crate::tomlerr::describe(text, &e),
    })
}

/// `[workspace.metadata.sdl]` or `[package.metadata.sdl]` from `root/Cargo.toml`.
fn metadata_section(root: &Path) -> Result<Option<(String, RawConfig, FileRef)>, Error> {
    let bytes =
        match crate::repo_fs::read_optional(root, "Cargo.toml", crate::repo_fs::Limit::Manifest) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return Ok(None),
            Err(e) => {
                return Err(Error::Syntax {
                    path: "Cargo.toml".into(),
                    message: e.to_string(),
                });
            }
        };
    let file = FileRef {
        path: crate::repo_fs::repository_path(root, "Cargo.toml"),
        sha256: crate::digest::sha256_hex(&bytes),
    };
    let text = String::from_utf8(bytes).map_err(|_| Error::Syntax {
        path: "Cargo.toml".into(),
        message: "is not UTF-8 text".into(),
    })?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| Error::Syntax {
        path: "Cargo.toml".into(),
        message: crate::tomlerr::describe(&text, &e),
    })?;
    for section in ["workspace", "package"] {
        let found = table
            .get(section)
            .and_then(|s| s.get("metadata"))
            .and_then(|m| m.get("sdl"));
        if let Some(value) = found {
            let key = format!("{section}.metadata.sdl");
            let raw = RawConfig::deserialize(value.clone()).map_err(|e| Error::Invalid {
                path: "Cargo.toml".into(),
                key: key.clone(),
                message: e.message().trim().to_string(),
            })?;
            return Ok(Some((key, raw, file)));
        }
    }
    Ok(None)
}

/// Validate a raw configuration against the catalogue and the repository at `root`.
pub fn validate(
    path: &str,
    raw: RawConfig,
    root: &Path,
    catalog: &Catalog,
    fallback_product: Product,
) -> Result<Config, Error> {
    let invalid = |key: String, message: String| Error::Invalid {
        path: path.to_string(),
        key,
        message,
    };
    if let Some(sl) = raw.product.security_level
        && !(1..=4).contains(&sl)
    {
        return Err(invalid(
            "product.security-level".into(),
            format!("{sl} is not a capability security level; use 1, 2, 3 or 4"),
        ));
    }
    let product_name_configured = raw.product.name.is_some();
    let product = Product {
        name: raw.product.name.unwrap_or(fallback_product.name),
        version: raw.product.version.unwrap_or(fallback_product.version),
        description: raw.product.description.or(fallback_product.description),
        security_level: raw.product.security_level,
    };

    let mut documents = BTreeMap::new();
    for (kind, paths) in raw.documents {
        if !crate::catalog::DOCUMENT_KINDS
            .iter()
            .any(|(k, _)| *k == kind)
        {
            let known: Vec<&str> = crate::catalog::DOCUMENT_KINDS
                .iter()
                .map(|(k, _)| *k)
                .collect();
            return Err(invalid(
                format!("documents.{kind}"),
                format!("unknown document kind; known kinds: {}", known.join(", ")),
            ));
        }
        let key = format!("documents.{kind}");
        let checked = designations(root, paths).map_err(|m| invalid(key, m))?;
        documents.insert(kind, checked);
    }

    let mut guidelines = BTreeMap::new();
    for (topic, paths) in raw.guidelines {
        let key = format!("guidelines.{topic}");
        if !GUIDELINE_TOPICS.iter().any(|(_, t)| *t == topic) {
            let known: Vec<&str> = GUIDELINE_TOPICS.iter().map(|(_, t)| *t).collect();
            return Err(invalid(
                key,
                format!(
                    "unknown guideline topic; known topics: {}",
                    known.join(", ")
                ),
            ));
        }
        let checked = designations(root, paths).map_err(|m| invalid(key, m))?;
        guidelines.insert(topic, checked);
    }

    let mut rules = BTreeMap::new();
    for (id, settings) in raw.rules {
        let Some(rule) = catalog.rule(&id) else {
            return Err(invalid(
                format!("rules.{id}"),
                "no rule has this id; `cargo sdl rules` lists them".into(),
            ));
        };
        for (name, value) in &settings.params {
            let Some(default) = rule.params.get(name) else {
                let known: Vec<&str> = rule.params.keys().map(String::as_str).collect();
                return Err(invalid(
                    format!("rules.{id}.{name}"),
                    if known.is_empty() {
                        "unknown setting; this rule takes only `level`".to_string()
                    } else {
                        format!(
                            "unknown setting; this rule takes `level`, {}",
                            known.join(", ")
                        )
                    },
                ));
            };
            let same_type = default.type_str() == value.type_str()
                || (default.is_float() && value.is_integer());
            if !same_type {
                return Err(invalid(
                    format!("rules.{id}.{name}"),
                    format!(
                        "expected {} like the default `{default}`, found {}",
                        default.type_str(),
                        value.type_str()
                    ),
                ));
            }
        }
        rules.insert(
            id,
            RuleSettings {
                level: settings.level,
                params: settings.params,
            },
        );
    }

    let mut seen = std::collections::BTreeSet::new();
    let mut not_applicable = Vec::new();
    for (i, na) in raw.not_applicable.iter().enumerate() {
        let key = format!("not-applicable[{i}]");
        if catalog.requirement(&na.requirement).is_none() {
            return Err(invalid(
                format!("{key}.requirement"),
                format!(
                    "`{}` is not a requirement id; `cargo sdl rules` lists them",
                    na.requirement
                ),
            ));
        }
        if NEVER_SCOPED_OUT.contains(&na.requirement.as_str()) {
            return Err(invalid(
                format!("{key}.requirement"),
                format!(
                    "{} can never be scoped out: it is part of running the lifecycle itself",
                    na.requirement
                ),
            ));
        }
        if !seen.insert(na.requirement.clone()) {
            return Err(invalid(
                format!("{key}.requirement"),
                format!("{} is scoped out twice", na.requirement),
            ));
        }
        if na.justification.trim().len() < 20 {
            return Err(invalid(
                format!("{key}.justification"),
                "SM-5 needs a justification from a security analysis; write at least a sentence"
                    .into(),
            ));
        }
        if na.approver.trim().is_empty() {
            return Err(invalid(
                format!("{key}.approver"),
                "SM-5 needs the security expert who approved the scoping decision".into(),
            ));
        }
        let date = match &na.date {
            Some(d) => parse_date(d)
                .map_err(|m| invalid(format!("{key}.date"), m))?
                .to_string(),
            None => {
                return Err(invalid(
                    format!("{key}.date"),
                    "SM-5 needs the date of the scoping decision (YYYY-MM-DD)".into(),
                ));
            }
        };
        let analysis = match na.analysis.as_deref().map(str::trim) {
            Some(a) if !a.is_empty() => {
                let (path, section) = match a.split_once('#') {
                    Some((p, s)) => (p, Some(s)),
                    None => (a, None),
                };
                let path = inside_repository(root, path, PathKind::File).map_err(|m| {
                    invalid(
                        format!("{key}.analysis"),
                        format!("the security analysis {m}"),
                    )
                })?;
                match section {
                    Some(s) => format!("{path}#{s}"),
                    None => path,
                }
            }
            _ => {
                return Err(invalid(
                    format!("{key}.analysis"),
                    "SM-5 needs the security analysis behind the decision: a repository file \
                     (optionally `#section`), such as the threat model entry that shows the \
                     requirement does not apply"
                        .into(),
                ));
            }
        };
        not_applicable.push(NotApplicable {
            requirement: na.requirement.clone(),
            justification: na.justification.clone(),
            approver: na.approver.clone(),
            date,
            analysis,
        });
    }
    let waiver_policy = match raw.waiver_policy.max_days {
        None => WaiverPolicy::default(),
        Some(d @ 1..=MAX_WAIVER_DAYS) => WaiverPolicy { max_days: d },
        Some(d) => {
            return Err(invalid(
                "waiver-policy.max-days".into(),
                format!(
                    "{d} is not allowed: a waiver runs at most {MAX_WAIVER_DAYS} days (a policy \
                     may only shorten that)"
                ),
            ));
        }
    };

    let mut waivers = Vec::new();
    for (i, w) in raw.waiver.into_iter().enumerate() {
        let key = format!("waiver[{i}]");
        if catalog.rule(&w.id).is_none() && !is_advisory_id(&w.id) {
            return Err(invalid(
                format!("{key}.id"),
                format!(
                    "`{}` is neither a rule id nor an advisory id (RUSTSEC-…, CVE-…, GHSA-…)",
                    w.id
                ),
            ));
        }
        for (field, text) in [("reason", &w.reason), ("owner", &w.owner)] {
            if text.trim().is_empty() {
                return Err(invalid(
                    format!("{key}.{field}"),
                    format!(
                        "a waiver needs its {field}; it is shown next to every result it hides"
                    ),
                ));
            }
        }
        let expires_on =
            parse_date(&w.expires).map_err(|message| invalid(format!("{key}.expires"), message))?;
        waivers.push(Waiver {
            id: w.id,
            reason: w.reason,
            owner: w.owner,
            expires: crate::timefmt::date(expires_on.midnight().assume_utc()),
            expires_on: Some(expires_on),
        });
    }

    for (key, value, kind) in [
        (
            "records.attestations",
            &raw.records.attestations,
            PathKind::Directory,
        ),
        ("records.roles", &raw.records.roles, PathKind::File),
        ("records.training", &raw.records.training, PathKind::File),
    ] {
        // A record path may name a file not written yet; what exists (a dangling symlink
        // included) must be inside and of the right kind.
        if let Some(p) = value
            && root.join(p).symlink_metadata().is_ok()
        {
            inside_repository(root, p, kind).map_err(|m| invalid(key.into(), m))?;
        } else if let Some(p) = value {
            let path = Path::new(p);
            if path.has_root() || path.components().any(|c| matches!(c, Component::ParentDir)) {
                return Err(invalid(
                    key.into(),
                    format!("`{p}` must be a path inside the repository"),
                ));
            }
        }
    }

    if let Some(db) = &raw.advisories.db
        && db.trim().is_empty()
    {
        return Err(invalid(
            "advisories.db".into(),
            "the path is empty; give the advisory database directory or remove the key".into(),
        ));
    }
    if raw.advisories.history_depth == Some(0) {
        return Err(invalid(
            "advisories.history-depth".into(),
            "must be at least 1 (the number of past Cargo.lock versions to read)".into(),
        ));
    }
    let mut sbom_paths = Vec::new();
    for p in &raw.sbom.paths {
        sbom_paths.push(
            inside_repository(root, p, PathKind::File)
                .map_err(|message| invalid("sbom.paths".into(), message))?,
        );
    }
    for (i, r) in raw.supply_chain.reviewed_sources.iter().enumerate() {
        let key = format!("supply-chain.reviewed-sources[{i}]");
        if r.package.trim().is_empty() {
            return Err(invalid(
                format!("{key}.package"),
                "name the package whose source was reviewed".into(),
            ));
        }
        if r.reason.trim().is_empty() {
            return Err(invalid(
                format!("{key}.reason"),
                "SM-10 needs the outcome of the review: say why this source is acceptable".into(),
            ));
        }
    }
    if let Some(pattern) = &raw.git.release_tag_pattern
        && let Err(e) = regex::Regex::new(pattern)
    {
        return Err(invalid(
            "git.release-tag-pattern".into(),
            format!("not a regular expression: {e}"),
        ));
    }
    let mut git = raw.git;
    if let Some(file) = &git.allowed_signers {
        git.allowed_signers = Some(
            inside_repository(root, file, PathKind::File)
                .map_err(|message| invalid("git.allowed-signers".into(), message))?,
        );
    }
    let mut attest = raw.attest;
    if let Some(file) = &attest.allowed_signers {
        attest.allowed_signers = Some(
            inside_repository(root, file, PathKind::File)
                .map_err(|message| invalid("attest.allowed-signers".into(), message))?,
        );
    }

    let organisation = raw
        .organisation
        .map(|o| organisation(root, o).map_err(|(key, m)| invalid(key.into(), m)))
        .transpose()?;

    Ok(Config {
        organisation,
        source: None,
        source_file: None,
        source_outside: false,
        product,
        product_name_configured,
        documents,
        guidelines,
        rules,
        not_applicable,
        waiver_policy,
        waivers,
        records: raw.records,
        maturity_releases: match raw.maturity.releases {
            Some(0) => {
                return Err(invalid(
                    "maturity.releases".into(),
                    "must be at least 1".into(),
                ));
            }
            Some(n) => n,
            None => 2,
        },
        advisories: AdvisorySettings {
            db: raw.advisories.db,
            history_depth: raw.advisories.history_depth,
        },
        sbom_paths,
        reviewed_sources: raw.supply_chain.reviewed_sources,
        git,
        attest,
    })
}

/// `[organisation]`, checked: a URL without credentials, or a file inside the repository,
/// digested through the checked reader. Errors are (key, message).
fn organisation(
    root: &Path,
    raw: RawOrganisation,
) -> Result<OrganisationRef, (&'static str, String)> {
    let records = raw.records.trim().to_string();
    if records.is_empty() {
        return Err((
            "organisation.records",
            "the organisation's records are empty; give the organisation repository's URL or \
             a repository path to its report.json or package archive"
                .into(),
        ));
    }
    if let Some(name) = &raw.name
        && name.trim().is_empty()
    {
        return Err((
            "organisation.name",
            "the name is empty; give the organisation's product name or remove the key".into(),
        ));
    }
    let sha256 = if let Some((scheme, rest)) = records.split_once("://") {
        if !matches!(scheme, "https" | "http" | "ssh" | "git") {
            return Err((
                "organisation.records",
                format!("`{scheme}://` is not a repository URL scheme; use https:// or ssh://"),
            ));
        }
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.contains('@') && authority.split('@').next().is_some_and(|u| u.contains(':')) {
            return Err((
                "organisation.records",
                "the URL carries a password; remove the credentials".into(),
            ));
        }
        None
    } else if records.starts_with("git@") {
        None
    } else {
        let path = inside_repository(root, &records, PathKind::File)
            .map_err(|m| ("organisation.records", m))?;
        let bytes = crate::repo_fs::read(root, &path, crate::repo_fs::Limit::Copy)
            .map_err(|e| ("organisation.records", e.to_string()))?;
        Some(crate::digest::sha256_hex(&bytes))
    };
    Ok(OrganisationRef {
        records,
        name: raw.name,
        sha256,
    })
}

/// What a configured path must name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathKind {
    /// A regular file (documents, SBOMs, records, allowed-signers).
    File,
    /// A directory (the attestations folder).
    Directory,
}

/// Check that a configured path stays inside the repository at `root`, exists and is of the
/// kind expected; return it repository-relative with `/` separators. The check is
/// [`repo_fs`](crate::repo_fs)'s, so a configured path and a read agree on what is inside.
pub(crate) fn inside_repository(
    root: &Path,
    configured: &str,
    kind: PathKind,
) -> Result<String, String> {
    use crate::repo_fs::Problem;
    if configured.is_empty() {
        return Err("the path is empty".into());
    }
    let p = Path::new(configured);
    let real = crate::repo_fs::resolve(root, configured).map_err(|e| match e.problem() {
        Problem::NotInside if p.has_root() => {
            format!("`{configured}` is absolute; give a path relative to the repository root")
        }
        Problem::NotInside => {
            format!("`{configured}` climbs out with `..`; give a path inside the repository")
        }
        Problem::Escapes => format!(
            "`{configured}` resolves through a symlink to a place outside the repository; \
             point at a file inside it"
        ),
        Problem::Missing => {
            format!("`{configured}` does not exist; create it or remove the key")
        }
        _ => format!("`{}` {e}", crate::sanitize::terminal(configured)),
    })?;
    let is_dir = real.is_dir();
    match kind {
        PathKind::File if !real.is_file() => {
            let what = if is_dir {
                "a directory"
            } else {
                "not a regular file"
            };
            return Err(format!("`{configured}` is {what}; name a regular file"));
        }
        PathKind::Directory if !is_dir => {
            return Err(format!("`{configured}` is not a directory"));
        }
        _ => {}
    }
    let rel: PathBuf = p
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    Ok(rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/"))
}

/// A date given as a TOML date (`2027-01-31`) or a string (`"2027-01-31"`).
pub(crate) fn parse_date(value: &toml::Value) -> Result<time::Date, String> {
    let text = match value {
        toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => d.to_string(),
        toml::Value::String(s) => s.clone(),
        other => {
            return Err(format!(
                "expected a date like 2027-01-31, found {} `{other}`",
                other.type_str()
            ));
        }
    };
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text.trim(), &fmt)
        .map_err(|_| format!("`{text}` is not a valid date; write it as YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advisory_ids_are_ascii() {
        assert!(is_advisory_id("RUSTSEC-2020-0001"));
        assert!(is_advisory_id("CVE-2020-123456"));
        assert!(is_advisory_id("GHSA-2345-6789-cfgh"));
        assert!(!is_advisory_id("RUSTSEC-\u{662}\u{660}\u{662}\u{660}-0001"));
        assert!(!is_advisory_id(
            "CVE-2020-\u{1D7CE}\u{1D7CF}\u{1D7D0}\u{1D7D1}"
        ));
        assert!(!is_advisory_id("rustsec-2020-0001"));
    }
}
