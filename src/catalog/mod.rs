//! The IEC 62443-4-1 catalogue as data: practices, requirements and automated rules.
//!
//! The catalogue lives in `practices/*.toml` and is embedded in the binary. An organisation
//! adds its own requirements and rules with `--practices DIR`. Loading validates everything a
//! later step relies on, so evaluation never meets a dangling id.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

mod check;

pub use check::GUIDELINE_TOPICS;
#[cfg(test)]
pub(crate) use check::{CI_ACTIVITIES, POLICY_STATEMENTS};
pub(crate) use check::{Check, CompareOp};

/// The eight practices of IEC 62443-4-1, in the standard's order.
pub const PRACTICES: [&str; 8] = ["SM", "SR", "SD", "SI", "SVV", "DM", "SUM", "SG"];

/// The embedded catalogue files: its header (standard, edition, version), one file per
/// practice, then the automated rules by evidence source. This order is the order in which
/// [`catalogue_hash`] hashes them.
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "practices/catalogue.toml",
        include_str!("../../practices/catalogue.toml"),
    ),
    ("practices/sm.toml", include_str!("../../practices/sm.toml")),
    ("practices/sr.toml", include_str!("../../practices/sr.toml")),
    ("practices/sd.toml", include_str!("../../practices/sd.toml")),
    ("practices/si.toml", include_str!("../../practices/si.toml")),
    (
        "practices/svv.toml",
        include_str!("../../practices/svv.toml"),
    ),
    ("practices/dm.toml", include_str!("../../practices/dm.toml")),
    (
        "practices/sum.toml",
        include_str!("../../practices/sum.toml"),
    ),
    ("practices/sg.toml", include_str!("../../practices/sg.toml")),
    (
        "practices/rules/files.toml",
        include_str!("../../practices/rules/files.toml"),
    ),
    (
        "practices/rules/git.toml",
        include_str!("../../practices/rules/git.toml"),
    ),
    (
        "practices/rules/human.toml",
        include_str!("../../practices/rules/human.toml"),
    ),
    (
        "practices/rules/supply.toml",
        include_str!("../../practices/rules/supply.toml"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("reading {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// How strongly a rule's failure counts, in cargo-deny's terms.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Evaluated and shown, but neither affects a status nor fails a run.
    Allow,
    /// Counts towards the requirement's status; does not fail the run.
    #[default]
    Warn,
    /// Counts towards the status and fails `cargo sdl check` (exit code 1).
    Deny,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        })
    }
}

/// One of the eight practices.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Practice {
    pub id: String,
    pub name: String,
    pub summary: String,
}

/// One requirement (SM-1 … SG-7, or an organisation's own).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Requirement {
    pub id: String,
    #[serde(default)]
    pub practice: String,
    pub title: String,
    /// Our own one-paragraph summary; never the standard's text.
    pub summary: String,
    /// Days after which evidence of this requirement must be renewed, where the standard
    /// implies a period (threat model: yearly, DM review: yearly, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_period_days: Option<u32>,
    /// NIST SP 800-218 (SSDF 1.1) task ids. In a catalogue file: the ids NIST itself cites for
    /// this requirement (the References column of SP 800-218 v1.1). Once loaded: every SSDF id
    /// of the requirement, NIST's first, then those of [`Requirement::ssdf_judgement`].
    #[serde(default)]
    pub ssdf: Vec<String>,
    /// SSDF task ids that are our own judgement, where NIST cites nothing (the † marks of the
    /// crosswalk in our research note). Disjoint from the ids NIST cites.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ssdf_judgement: Vec<String>,
    /// EU Cyber Resilience Act ids: `I.1`, `I.2(a)`, `II.3`, `AII.4`, `AVII`, `Art.13(1)`.
    /// All of them are our judgement: no requirement-level public mapping exists.
    #[serde(default)]
    pub cra: Vec<String>,
    /// What the rules mapped to this requirement check, in plain words; for a requirement
    /// without rules, "Not yet automated." and what a future check could look at.
    pub automated: String,
    /// What a human attestation for this requirement must state.
    pub attestation: String,
    /// Document kinds (see [`DOCUMENT_KINDS`]) that describe this requirement's process;
    /// one of them, current, lifts the requirement to ML2.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<String>,
    /// Automated rules that support this requirement (filled in from the rules when loaded).
    #[serde(default)]
    pub rules: Vec<String>,
}

impl Requirement {
    /// The SSDF ids NIST SP 800-218 v1.1 itself cites for this requirement.
    pub fn ssdf_cited_by_nist(&self) -> impl Iterator<Item = &str> {
        self.ssdf
            .iter()
            .filter(|id| !self.ssdf_judgement.contains(id))
            .map(String::as_str)
    }
}

/// One automated check.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Rule {
    /// Stable kebab-case id; public API, never renamed.
    pub id: String,
    /// The requirements this rule gives evidence for. Empty for an informational rule: its
    /// finding is shown (and a deny level would fail the run) but it decides no status.
    pub requirements: Vec<String>,
    pub default_level: Level,
    /// One line: what passing means.
    pub title: String,
    /// Why it matters to the requirement.
    pub motivation: String,
    /// What exactly passes, fails or is unknown.
    pub implementation: String,
    /// What to do when it fails or is unknown.
    pub remediation: String,
    /// Tunable thresholds with their defaults (`sdl.toml` `[rules.<id>]` overrides them).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, toml::Value>,
    /// The evaluator this rule runs, with its arguments; without one, the rule is implemented
    /// in `eval::rules` under its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<Check>,
}

/// The `[catalogue]` header of `practices/catalogue.toml`: what the catalogue implements and
/// its own version.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogueHeader {
    /// The standard and its year, e.g. `IEC 62443-4-1:2018`.
    pub standard: String,
    /// The standard's edition, e.g. `Ed. 1.0`.
    pub edition: String,
    /// The catalogue's own version, `YEAR.MONTH` of its release (`2026.11`), with `.N` added
    /// for a further release in the same month.
    pub version: String,
}

/// What a report was assessed against: the standard and edition, the catalogue version, and
/// a hash of the catalogue files that makes any change to them visible.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct CatalogIdentity {
    /// `IEC 62443-4-1:2018`.
    pub standard: String,
    /// `Ed. 1.0`.
    pub edition: String,
    /// The catalogue version from `practices/catalogue.toml`.
    pub version: String,
    /// [`catalogue_hash`] of the embedded files, followed by the `--practices` files if any.
    pub sha256: String,
    /// True when `--practices` files extend the embedded catalogue (the hash covers them).
    pub extended: bool,
    /// The names of the `--practices` files, in the order hashed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<String>,
}

impl CatalogIdentity {
    /// The standard with its edition: `IEC 62443-4-1:2018, Ed. 1.0`.
    pub fn standard_edition(&self) -> String {
        format!("{}, {}", self.standard, self.edition)
    }
}

impl fmt::Display for CatalogIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}; cargo-sdl catalogue {}, sha256 {}",
            self.standard_edition(),
            self.version,
            self.sha256
        )?;
        if self.extended {
            write!(f, "; extended by {}", self.extensions.join(", "))?;
        }
        Ok(())
    }
}

/// The catalogue hash: SHA-256 over the lines `sha256sum` prints for `files` (`HEX  NAME`,
/// one per file, in the order given). The embedded catalogue's hash is therefore
/// `sha256sum practices/catalogue.toml practices/sm.toml … | sha256sum`, in [`EMBEDDED`]
/// order, run in the source tree. Naming each file and its own digest keeps the framing
/// unambiguous: moving text from one file to another changes the hash.
pub fn catalogue_hash<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut listing = String::new();
    for (name, bytes) in files {
        listing.push_str(&crate::digest::sha256_hex(bytes));
        listing.push_str("  ");
        listing.push_str(name);
        listing.push('\n');
    }
    crate::digest::sha256_hex(listing.as_bytes())
}

/// One catalogue file to load: the path named in messages, the name it is hashed under, and
/// its text.
struct Source {
    path: String,
    hashed_as: String,
    text: String,
    embedded: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(default)]
    catalogue: Option<CatalogueHeader>,
    #[serde(default)]
    practice: Option<Practice>,
    #[serde(default)]
    requirement: Vec<Requirement>,
    #[serde(default)]
    rule: Vec<Rule>,
}

/// The loaded, validated catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct Catalog {
    pub practices: Vec<Practice>,
    pub requirements: Vec<Requirement>,
    pub rules: Vec<Rule>,
    identity: CatalogIdentity,
}

static SSDF_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(PO|PS|PW|RV)\.[1-9]\.[1-9]$").expect("valid regex"));
static CRA_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(I\.1|I\.2\([a-m]\)|II\.[1-8]|AII\.[1-9](\([a-f]\))?|AVII|Art\.(2|7|13|14)(\([1-9][0-9]?\))?)$")
        .expect("valid regex")
});
static CATALOGUE_VERSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9]{4}\.(?:[1-9]|1[0-2])(?:\.[1-9][0-9]*)?$").expect("valid regex")
});
static RULE_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$").expect("valid regex"));
static REQ_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Z][A-Z0-9]*-[0-9]+$").expect("valid regex"));

/// True when `id` is a well-formed NIST SSDF 1.1 task id such as `PW.4.1`.
pub fn is_ssdf_id(id: &str) -> bool {
    SSDF_ID.is_match(id)
}

/// True when `id` is a well-formed EU CRA reference in this catalogue's notation.
pub fn is_cra_id(id: &str) -> bool {
    CRA_ID.is_match(id)
}

/// The kinds of document whose location can be configured.
pub(crate) const DOCUMENT_KINDS: &[(&str, &str)] = &[
    (
        "security-policy",
        "vulnerability reporting and disclosure policy (SECURITY.md)",
    ),
    ("threat-model", "threat model (SR-2)"),
    ("security-context", "product security context (SR-1)"),
    (
        "security-requirements",
        "product security requirements (SR-3, SR-4)",
    ),
    (
        "design",
        "secure design and interface description (SD-1, SD-2)",
    ),
    ("design-practices", "secure design best practices (SD-4)"),
    ("coding-standard", "secure coding standard (SI-2)"),
    ("process", "the development process description (SM-1)"),
    ("guidelines", "user security guidelines (SG-1 … SG-6)"),
    (
        "update-documentation",
        "security update documentation (SUM-2, SUM-3)",
    ),
    ("changelog", "release notes"),
];

/// The embedded files as sources to load, in [`EMBEDDED`] order.
fn embedded_sources() -> Vec<Source> {
    EMBEDDED
        .iter()
        .map(|(path, text)| Source {
            path: path.to_string(),
            hashed_as: path.to_string(),
            text: text.to_string(),
            embedded: true,
        })
        .collect()
}

fn validate_header(h: &CatalogueHeader, path: &str) -> Result<(), Error> {
    let invalid = |message: String| Error::Invalid {
        path: path.to_string(),
        message,
    };
    for (field, value) in [("standard", &h.standard), ("edition", &h.edition)] {
        if value.trim().is_empty() {
            return Err(invalid(format!("[catalogue] {field} is empty")));
        }
    }
    if !CATALOGUE_VERSION.is_match(&h.version) {
        return Err(invalid(format!(
            "[catalogue] version `{}` is not YEAR.MONTH or YEAR.MONTH.N, like 2026.11",
            h.version
        )));
    }
    Ok(())
}

impl Catalog {
    /// The catalogue embedded in the binary. `builtins` are the ids of the rules the binary
    /// implements (`eval::rules::builtin_ids`): a declared rule must be one of them or carry a
    /// declarative `[rule.check]`.
    pub fn embedded(builtins: &[&str]) -> Result<Catalog, Error> {
        Self::from_sources(embedded_sources(), builtins)
    }

    /// The embedded catalogue plus every `*.toml` in `dir` (an organisation's own practices,
    /// requirements and rules). The identity then says the catalogue is extended, and its hash
    /// covers those files too, by file name, in name order.
    pub fn with_extra_dir(dir: &Path, builtins: &[&str]) -> Result<Catalog, Error> {
        let mut sources = embedded_sources();
        let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        if paths.is_empty() {
            return Err(Error::Invalid {
                path: dir.display().to_string(),
                message: "no *.toml catalogue files in this directory".into(),
            });
        }
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            let hashed_as = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            sources.push(Source {
                path: path.display().to_string(),
                hashed_as,
                text,
                embedded: false,
            });
        }
        Self::from_sources(sources, builtins)
    }

    /// What this catalogue is: standard, edition, version and hash.
    pub fn identity(&self) -> &CatalogIdentity {
        &self.identity
    }

    fn from_sources(sources: Vec<Source>, builtins: &[&str]) -> Result<Catalog, Error> {
        let sha256 = catalogue_hash(
            sources
                .iter()
                .map(|s| (s.hashed_as.as_str(), s.text.as_bytes())),
        );
        let extensions: Vec<String> = sources
            .iter()
            .filter(|s| !s.embedded)
            .map(|s| s.hashed_as.clone())
            .collect();
        let mut header: Option<(CatalogueHeader, String)> = None;
        let mut practices = Vec::new();
        let mut requirements: Vec<Requirement> = Vec::new();
        let mut rules: Vec<Rule> = Vec::new();
        let mut origin: BTreeMap<String, String> = BTreeMap::new();
        for Source { path, text, .. } in sources {
            let file: CatalogFile = toml::from_str(&text).map_err(|e| Error::Parse {
                path: path.clone(),
                message: crate::tomlerr::describe(&text, &e),
            })?;
            if let Some(h) = file.catalogue {
                if let Some((_, first)) = &header {
                    return Err(Error::Invalid {
                        path,
                        message: format!(
                            "[catalogue] is already declared in {first}; files added with \
                             --practices extend the catalogue and cannot rename it"
                        ),
                    });
                }
                header = Some((h, path.clone()));
            }
            let file_practice = file.practice.as_ref().map(|p| p.id.clone());
            if let Some(p) = file.practice {
                practices.push(p);
            }
            for mut r in file.requirement {
                if r.practice.is_empty() {
                    match &file_practice {
                        Some(p) => r.practice = p.clone(),
                        None => {
                            return Err(Error::Invalid {
                                path,
                                message: format!(
                                    "requirement {} has no `practice` and the file declares no [practice]",
                                    r.id
                                ),
                            });
                        }
                    }
                }
                origin.insert(r.id.clone(), path.clone());
                requirements.push(r);
            }
            for r in file.rule {
                origin.insert(r.id.clone(), path.clone());
                rules.push(r);
            }
        }
        let Some((header, header_path)) = header else {
            return Err(Error::Invalid {
                path: "catalogue".into(),
                message: "no [catalogue] header names the standard, edition and version".into(),
            });
        };
        validate_header(&header, &header_path)?;
        // A rule that names a check reads the check's parameters; those it does not set take
        // the evaluator's defaults, so that every rule shows what it is judged by.
        for rule in &mut rules {
            if let Some(check) = &rule.check {
                for (name, value) in check.param_defaults() {
                    rule.params.entry(name.to_string()).or_insert(value);
                }
            }
        }
        let mut cat = Catalog {
            practices,
            requirements,
            rules,
            identity: CatalogIdentity {
                standard: header.standard,
                edition: header.edition,
                version: header.version,
                sha256,
                extended: !extensions.is_empty(),
                extensions,
            },
        };
        cat.validate(&origin, builtins)?;
        cat.link();
        Ok(cat)
    }

    fn validate(&self, origin: &BTreeMap<String, String>, builtins: &[&str]) -> Result<(), Error> {
        let invalid = |id: &str, message: String| Error::Invalid {
            path: origin
                .get(id)
                .cloned()
                .unwrap_or_else(|| "catalogue".into()),
            message,
        };
        let mut seen = BTreeSet::new();
        for p in &self.practices {
            if !seen.insert(p.id.clone()) {
                return Err(Error::Invalid {
                    path: "catalogue".into(),
                    message: format!("practice {} is declared twice", p.id),
                });
            }
        }
        let practice_ids: BTreeSet<&str> = self.practices.iter().map(|p| p.id.as_str()).collect();
        let mut req_ids = BTreeSet::new();
        for r in &self.requirements {
            if !REQ_ID.is_match(&r.id) {
                return Err(invalid(
                    &r.id,
                    format!("requirement id `{}` is not of the form PRACTICE-N", r.id),
                ));
            }
            if !req_ids.insert(r.id.as_str()) {
                return Err(invalid(
                    &r.id,
                    format!("requirement {} is declared twice", r.id),
                ));
            }
            if !practice_ids.contains(r.practice.as_str()) {
                return Err(invalid(
                    &r.id,
                    format!("requirement {} names unknown practice {}", r.id, r.practice),
                ));
            }
            for (field, text) in [
                ("title", &r.title),
                ("summary", &r.summary),
                ("automated", &r.automated),
                ("attestation", &r.attestation),
            ] {
                if text.trim().is_empty() {
                    return Err(invalid(
                        &r.id,
                        format!("requirement {} has an empty {field}", r.id),
                    ));
                }
            }
            if let Some(bad) = r
                .ssdf
                .iter()
                .chain(&r.ssdf_judgement)
                .find(|s| !is_ssdf_id(s))
            {
                return Err(invalid(
                    &r.id,
                    format!(
                        "requirement {}: `{bad}` is not an SSDF 1.1 task id like PW.4.1",
                        r.id
                    ),
                ));
            }
            let mut ssdf_seen = BTreeSet::new();
            if let Some(twice) = r
                .ssdf
                .iter()
                .chain(&r.ssdf_judgement)
                .find(|s| !ssdf_seen.insert(s.as_str()))
            {
                return Err(invalid(
                    &r.id,
                    format!(
                        "requirement {}: SSDF id {twice} is listed twice; each id goes either in \
                         `ssdf` (cited by NIST) or in `ssdf-judgement` (our judgement)",
                        r.id
                    ),
                ));
            }
            if let Some(bad) = r.cra.iter().find(|s| !is_cra_id(s)) {
                return Err(invalid(
                    &r.id,
                    format!(
                        "requirement {}: `{bad}` is not a CRA reference like I.2(a), II.3, AII.4 or Art.13(1)",
                        r.id
                    ),
                ));
            }
            if let Some(bad) = r
                .documents
                .iter()
                .find(|d| !DOCUMENT_KINDS.iter().any(|(k, _)| k == d))
            {
                return Err(invalid(
                    &r.id,
                    format!("requirement {}: `{bad}` is not a document kind", r.id),
                ));
            }
            if !r.rules.is_empty() {
                return Err(invalid(
                    &r.id,
                    format!(
                        "requirement {}: list it in the rule's `requirements`, not in `rules`",
                        r.id
                    ),
                ));
            }
        }
        let mut rule_ids = BTreeSet::new();
        for r in &self.rules {
            if !RULE_ID.is_match(&r.id) {
                return Err(invalid(
                    &r.id,
                    format!("rule id `{}` is not kebab-case", r.id),
                ));
            }
            if !rule_ids.insert(r.id.as_str()) {
                return Err(invalid(&r.id, format!("rule {} is declared twice", r.id)));
            }
            if let Some(bad) = r
                .requirements
                .iter()
                .find(|q| !req_ids.contains(q.as_str()))
            {
                return Err(invalid(
                    &r.id,
                    format!("rule {} names unknown requirement {bad}", r.id),
                ));
            }
            for (field, text) in [
                ("title", &r.title),
                ("motivation", &r.motivation),
                ("implementation", &r.implementation),
                ("remediation", &r.remediation),
            ] {
                if text.trim().is_empty() {
                    return Err(invalid(
                        &r.id,
                        format!("rule {} has an empty {field}", r.id),
                    ));
                }
            }
            let builtin = builtins.contains(&r.id.as_str());
            match (&r.check, builtin) {
                (None, false) => {
                    return Err(invalid(
                        &r.id,
                        format!(
                            "rule {} has no [rule.check] and no built-in implementation",
                            r.id
                        ),
                    ));
                }
                (Some(_), true) => {
                    return Err(invalid(
                        &r.id,
                        format!(
                            "rule {} is built in; an organisation rule needs another id",
                            r.id
                        ),
                    ));
                }
                _ => {}
            }
            if let Some(problem) = r.check.as_ref().and_then(|c| c.problem(&req_ids)) {
                return Err(invalid(
                    &r.id,
                    format!("rule {}: [rule.check] {problem}", r.id),
                ));
            }
        }
        Ok(())
    }

    /// Fill each requirement's `rules` from the rules' `requirements`, complete its `ssdf`
    /// with the ids of our judgement, and order everything by practice, then by number.
    fn link(&mut self) {
        for req in &mut self.requirements {
            req.ssdf.extend(req.ssdf_judgement.iter().cloned());
        }
        let order = |id: &str| -> (usize, String, u32) {
            let (p, n) = id.rsplit_once('-').unwrap_or((id, "0"));
            let pos = PRACTICES
                .iter()
                .position(|x| *x == p)
                .unwrap_or(PRACTICES.len());
            (pos, p.to_string(), n.parse().unwrap_or(0))
        };
        self.practices.sort_by_key(|p| {
            let pos = PRACTICES
                .iter()
                .position(|x| *x == p.id)
                .unwrap_or(PRACTICES.len());
            (pos, p.id.clone())
        });
        self.requirements.sort_by_key(|r| order(&r.id));
        self.rules.sort_by(|a, b| a.id.cmp(&b.id));
        for req in &mut self.requirements {
            req.rules = self
                .rules
                .iter()
                .filter(|r| r.requirements.contains(&req.id))
                .map(|r| r.id.clone())
                .collect();
        }
    }

    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements
            .iter()
            .find(|r| r.id.eq_ignore_ascii_case(id))
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    pub fn practice(&self, id: &str) -> Option<&Practice> {
        self.practices.iter().find(|p| p.id == id)
    }
}
