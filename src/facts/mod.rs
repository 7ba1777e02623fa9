//! Collected evidence. Every fact carries its provenance ([`EvidenceRef`]) and every source is
//! wrapped in [`Collected`], so that "no evidence" and "evidence unreadable" stay different
//! facts and neither can be mistaken for a pass.

pub mod cargo;
pub mod files;
pub mod git;
pub mod human;
pub mod improvement;

use serde::{Deserialize, Serialize};

pub use cargo::{AdvisoryFacts, CargoFacts, SbomFacts};
pub use files::FileFacts;
pub use git::GitFacts;

/// The outcome of one collector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Collected<T> {
    /// The collector ran; `value` holds what it found.
    Present { value: T },
    /// There was nothing to collect (no git repository, no advisory database, …).
    Absent { reason: String },
    /// The source exists but could not be read.
    Failed { error: String },
}

impl<T> Collected<T> {
    pub fn present(value: T) -> Self {
        Collected::Present { value }
    }

    pub fn absent(reason: impl Into<String>) -> Self {
        Collected::Absent {
            reason: reason.into(),
        }
    }

    pub fn failed(error: impl Into<String>) -> Self {
        Collected::Failed {
            error: error.into(),
        }
    }

    /// The value, or why there is none.
    pub fn get(&self) -> Result<&T, String> {
        match self {
            Collected::Present { value } => Ok(value),
            Collected::Absent { reason } => Err(reason.clone()),
            Collected::Failed { error } => Err(format!("collection failed: {error}")),
        }
    }
}

/// A repository file as evidence: where it is, and what exactly it contained.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FileRef {
    /// Path relative to the repository root, with `/` separators.
    pub path: String,
    /// Hex SHA-256 of the file's bytes when it was collected.
    pub sha256: String,
}

/// Where a piece of evidence came from. Renderers link these into the evidence package.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum EvidenceRef {
    File {
        path: String,
        sha256: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line: Option<u32>,
    },
    Commit {
        id: String,
    },
    Tag {
        name: String,
        target: String,
    },
    Package {
        name: String,
        version: String,
    },
    Advisory {
        id: String,
    },
    Sbom {
        path: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bom_ref: Option<String>,
    },
    Attestation {
        path: String,
        sha256: String,
    },
    Config {
        path: String,
        key: String,
    },
}

impl From<&FileRef> for EvidenceRef {
    fn from(f: &FileRef) -> Self {
        EvidenceRef::File {
            path: f.path.clone(),
            sha256: f.sha256.clone(),
            line: None,
        }
    }
}

impl FileRef {
    /// Evidence pointing at one line of this file.
    pub(crate) fn at_line(&self, line: u32) -> EvidenceRef {
        EvidenceRef::File {
            path: self.path.clone(),
            sha256: self.sha256.clone(),
            line: Some(line),
        }
    }
}

/// Everything the collectors found. Evaluation reads only this (and the catalogue, the
/// configuration and the time it is given).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// When collection ran (RFC 3339, UTC).
    pub collected_at: String,
    /// Repository documents, CI and tool configuration.
    pub files: Collected<FileFacts>,
    /// Git history, tags, releases and document history.
    pub git: Collected<GitFacts>,
    /// Packages and the dependency graph from cargo metadata / Cargo.lock.
    pub cargo: Collected<CargoFacts>,
    /// SBOMs found in the repository and the one generated from the workspace.
    pub sbom: Collected<SbomFacts>,
    /// RustSec advisories that apply to the lockfile.
    pub advisories: Collected<AdvisoryFacts>,
    /// Attestations, roles and training records (validated before collection starts).
    pub human: human::HumanFacts,
    /// Structured metrics and improvement actions (ML4). Absent in reports of older versions.
    #[serde(default = "not_collected")]
    pub improvement: Collected<improvement::ImprovementFacts>,
}

fn not_collected<T>() -> Collected<T> {
    Collected::absent("not collected by this version of cargo-sdl")
}

impl Facts {
    /// Facts where nothing was collected: every source absent for `reason`. Tests and
    /// callers fill in the sources they have with struct-update syntax.
    pub fn nothing(collected_at: &str, reason: &str) -> Facts {
        Facts {
            collected_at: collected_at.to_string(),
            files: Collected::absent(reason),
            git: Collected::absent(reason),
            cargo: Collected::absent(reason),
            sbom: Collected::absent(reason),
            advisories: Collected::absent(reason),
            human: human::HumanFacts::default(),
            improvement: Collected::absent(reason),
        }
    }
}

/// Every document found, as (kind, path).
pub fn documents(facts: &Facts) -> Vec<(String, String)> {
    match facts.files.get() {
        Ok(f) => f
            .documents
            .iter()
            .map(|d| (d.kind.clone(), d.file.path.clone()))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Complete git facts: collected and not cut short by a shallow clone.
fn complete_git(facts: &Facts) -> Option<&GitFacts> {
    facts
        .git
        .get()
        .ok()
        .filter(|g| !g.shallow && g.partial.is_none())
}

/// Release tags, newest first, when the complete git history was collected.
pub fn release_tags(facts: &Facts) -> Option<Vec<String>> {
    complete_git(facts).map(|g| g.releases.iter().rev().map(|r| r.tag.clone()).collect())
}
