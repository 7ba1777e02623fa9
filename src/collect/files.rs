//! The repository-files collector: documents, CI and tool configuration.

use std::path::Path;

use crate::config::Config;
use crate::facts::{Collected, FileFacts, FileRef};

/// Collect facts from the files of the workspace at `root`.
pub fn collect(root: &Path, config: &Config) -> Collected<FileFacts> {
    let policy = config
        .documents
        .get("security-policy")
        .and_then(|p| p.first().cloned())
        .unwrap_or_else(|| "SECURITY.md".to_string());
    let security_policy = std::fs::read(root.join(&policy)).ok().map(|bytes| FileRef {
        path: policy.clone(),
        sha256: super::sha256_hex(&bytes),
    });
    Collected::present(FileFacts {
        security_policy,
        documents: Vec::new(),
    })
}

/// Repository paths of every document found, for the git collector's document history.
pub fn document_paths(files: &Collected<FileFacts>) -> Vec<String> {
    match files {
        Collected::Present { value } => value
            .security_policy
            .iter()
            .map(|f| f.path.clone())
            .collect(),
        _ => Vec::new(),
    }
}
