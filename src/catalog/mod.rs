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

pub use check::{CI_ACTIVITIES, Check, CompareOp, GUIDELINE_TOPICS, POLICY_STATEMENTS};

/// The eight practices of IEC 62443-4-1, in the standard's order.
pub const PRACTICES: [&str; 8] = ["SM", "SR", "SD", "SI", "SVV", "DM", "SUM", "SG"];

/// The embedded catalogue files: one per practice, then the automated rules by evidence source.
pub const EMBEDDED: &[(&str, &str)] = &[
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
    /// NIST SP 800-218 (SSDF 1.1) task ids.
    #[serde(default)]
    pub ssdf: Vec<String>,
    /// EU Cyber Resilience Act ids: `I.1`, `I.2(a)`, `II.3`, `AII.4`, `AVII`, `Art.13(1)`.
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
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
}

static SSDF_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(PO|PS|PW|RV)\.[1-9]\.[1-9]$").expect("valid regex"));
static CRA_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(I\.1|I\.2\([a-m]\)|II\.[1-8]|AII\.[1-9](\([a-f]\))?|AVII|Art\.(2|7|13|14)(\([1-9][0-9]?\))?)$")
        .expect("valid regex")
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
pub const DOCUMENT_KINDS: &[(&str, &str)] = &[
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

impl Catalog {
    /// The catalogue embedded in the binary. `builtins` are the ids of the rules the binary
    /// implements (`eval::rules::builtin_ids`): a declared rule must be one of them or carry a
    /// declarative `[rule.check]`.
    pub fn embedded(builtins: &[&str]) -> Result<Catalog, Error> {
        Self::from_sources(
            EMBEDDED.iter().map(|(p, s)| (p.to_string(), s.to_string())),
            builtins,
        )
    }

    /// The embedded catalogue plus every `*.toml` in `dir` (an organisation's own practices,
    /// requirements and rules).
    pub fn with_extra_dir(dir: &Path, builtins: &[&str]) -> Result<Catalog, Error> {
        let mut sources: Vec<(String, String)> = EMBEDDED
            .iter()
            .map(|(p, s)| (p.to_string(), s.to_string()))
            .collect();
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
            sources.push((path.display().to_string(), text));
        }
        Self::from_sources(sources, builtins)
    }

    fn from_sources(
        sources: impl IntoIterator<Item = (String, String)>,
        builtins: &[&str],
    ) -> Result<Catalog, Error> {
        let mut practices = Vec::new();
        let mut requirements: Vec<Requirement> = Vec::new();
        let mut rules: Vec<Rule> = Vec::new();
        let mut origin: BTreeMap<String, String> = BTreeMap::new();
        for (path, text) in sources {
            let file: CatalogFile = toml::from_str(&text).map_err(|e| Error::Parse {
                path: path.clone(),
                message: crate::tomlerr::describe(&text, &e),
            })?;
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
        let mut cat = Catalog {
            practices,
            requirements,
            rules,
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
            if let Some(bad) = r.ssdf.iter().find(|s| !is_ssdf_id(s)) {
                return Err(invalid(
                    &r.id,
                    format!(
                        "requirement {}: `{bad}` is not an SSDF 1.1 task id like PW.4.1",
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

    /// Fill each requirement's `rules` from the rules' `requirements`, and order everything
    /// by practice, then by number.
    fn link(&mut self) {
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
