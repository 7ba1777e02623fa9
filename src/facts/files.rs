//! Facts from the repository's own files: documents, CI and tool configuration.
//! Filled by `collect::files`.

use serde::{Deserialize, Serialize};

use super::FileRef;

/// What the repository-files collector found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileFacts {
    /// SECURITY.md or an equivalent policy.
    pub security_policy: Option<FileRef>,
}
