//! The git collector (gix, offline).

use std::path::Path;

use crate::facts::{Collected, GitFacts};

/// Collect git facts for the repository containing `root`. `documents` are the repository
/// paths of the documents the files collector found, whose last change is looked up.
pub fn collect(_root: &Path, _documents: &[String]) -> Collected<GitFacts> {
    Collected::absent("the git collector is not implemented yet")
}
