//! Rules over git facts (`facts::git`).

use super::RuleFn;

pub(super) const RULES: &[(&str, RuleFn)] = &[];
