//! One input of `cargo sdl portfolio` once read and verified (by the command): the part of its
//! `report.json` the portfolio shows, and the files it brings into the portfolio package.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::config::{OrganisationRef, Product};
use crate::eval::Status;
use crate::facts::FileRef;

/// The part of `report.json` (schema version 1) the portfolio reads; the rest is ignored here
/// and kept, byte for byte, in the copy under `products/`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ReportView {
    pub generated_at: String,
    pub product: Product,
    #[serde(default)]
    pub assessed: Option<AssessedView>,
    pub practices: Vec<PracticeView>,
    pub requirements: Vec<RequirementView>,
    #[serde(default)]
    pub organisation: Option<OrganisationRef>,
    pub evidence: EvidenceView,
}

impl ReportView {
    /// When the report was made, for ordering: the instant (`…+02:00` and `…Z` compared as
    /// times, not as text), then the text; a date that does not parse is older than any that
    /// does.
    pub(crate) fn made_at(&self) -> (Option<time::OffsetDateTime>, &str) {
        (
            crate::timefmt::parse(&self.generated_at).ok(),
            &self.generated_at,
        )
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct AssessedView {
    #[serde(default)]
    pub commit: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub remote: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PracticeView {
    pub id: String,
    pub name: String,
    pub maturity: MaturityView,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct MaturityView {
    pub level: Option<u8>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct RequirementView {
    pub id: String,
    pub practice: String,
    pub title: String,
    pub status: Status,
    #[serde(default)]
    pub attestations: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct EvidenceView {
    pub files: CollectedView<FilesView>,
    pub human: HumanView,
}

/// A `Collected<T>` as the report writes it; only a present value is read.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CollectedView<T> {
    #[serde(default)]
    pub value: Option<T>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct FilesView {
    #[serde(default)]
    pub documents: Vec<DocumentView>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct DocumentView {
    pub kind: String,
    pub file: FileRef,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct HumanView {
    #[serde(default)]
    pub attestations: Vec<AttestationView>,
    #[serde(default)]
    pub roles: Option<RolesView>,
    #[serde(default)]
    pub training_file: Option<FileRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct AttestationView {
    pub file: FileRef,
    pub requirements: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct RolesView {
    #[serde(default)]
    pub file: Option<FileRef>,
    #[serde(default)]
    pub roles: BTreeMap<String, serde::de::IgnoredAny>,
}

/// An input that was read, verified and parsed.
#[derive(Debug)]
pub(crate) struct Input {
    /// The path as the operator gave it.
    pub given: String,
    /// `report.json`, `package directory` or `package archive`.
    pub source: &'static str,
    /// SHA-256 of its `report.json`.
    pub sha256: String,
    /// SHA-256 of its `MANIFEST.sha256`, for a package.
    pub manifest_sha256: Option<String>,
    /// What was verified, in a line.
    pub verification: String,
    /// The files to copy into the portfolio: the whole package, or the bare `report.json`.
    pub files: BTreeMap<String, Vec<u8>>,
    pub report: ReportView,
}
