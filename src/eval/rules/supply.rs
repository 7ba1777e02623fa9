//! Rules over supply-chain facts (`facts::cargo`): packages, SBOMs, advisories.

use super::RuleFn;

pub(super) const RULES: &[(&str, RuleFn)] = &[];
