//! ML4 records: structured metrics, dated by the commits that added them, and improvement
//! actions with an owner and a closing commit or date.

use serde::{Deserialize, Serialize};

use super::FileRef;

/// `sdl/metrics/*.toml` and `sdl/improvements.toml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImprovementFacts {
    /// One file per measurement period, oldest commit first.
    pub metric_files: Vec<MetricFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub improvements_file: Option<FileRef>,
    pub improvements: Vec<ImprovementAction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricFile {
    pub file: FileRef,
    /// The date (RFC 3339) of the commit that added the file; absent when it is not committed,
    /// and then it dates nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub committed: Option<String>,
    pub metrics: Vec<Metric>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Metric {
    /// What is measured, e.g. "time to fix a high-severity vulnerability (days)".
    pub name: String,
    pub value: f64,
    /// The period measured, e.g. "2026-Q1" or "2026-01-01..2026-03-31".
    pub period: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ImprovementAction {
    pub action: String,
    pub owner: String,
    /// `YYYY-MM-DD` when it was closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<String>,
    /// The commit that closed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing_commit: Option<String>,
    /// Whether `closing_commit` names a commit of the repository (set by the collector).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing_commit_found: Option<bool>,
}
