//! Facts from the repository's own files: documents, CI and tool configuration.
//! Filled by `collect::files`.

use serde::{Deserialize, Serialize};

use super::FileRef;

/// What the repository-files collector found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileFacts {
    /// SECURITY.md or an equivalent policy.
    pub security_policy: Option<FileRef>,
    /// Every document found, by kind ("threat-model", "security-policy", "guidelines", …).
    #[serde(default)]
    pub documents: Vec<Document>,
}

/// A document the repository keeps for a lifecycle activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub kind: String,
    pub file: FileRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}
