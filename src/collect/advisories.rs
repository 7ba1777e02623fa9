//! The RustSec advisory collector (offline database).

use std::path::Path;

use crate::facts::{AdvisoryFacts, Collected};

pub fn collect(_root: &Path) -> Collected<AdvisoryFacts> {
    Collected::absent("the advisory collector is not implemented yet")
}
