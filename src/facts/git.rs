//! Facts from git history: commits, reviews, signatures, tags and releases.
//! Filled by `collect::git`.

use serde::{Deserialize, Serialize};

/// What the git collector found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GitFacts {}
