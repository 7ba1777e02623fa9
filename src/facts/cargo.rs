//! Supply-chain facts: packages, SBOMs and advisories. Filled by `collect::cargo`,
//! `collect::sbom` and `collect::advisories`.

use serde::{Deserialize, Serialize};

/// Workspace members, packages and the dependency graph.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CargoFacts {}

/// SBOMs in the repository and the generated one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SbomFacts {}

/// Advisories from the RustSec database that apply to the lockfile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AdvisoryFacts {}
