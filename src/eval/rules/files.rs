//! Rules over the repository's own files (`facts::files`).

use super::RuleFn;
use crate::eval::{RuleCtx, RuleResult};
use crate::facts::EvidenceRef;

pub(super) const RULES: &[(&str, RuleFn)] = &[("security-policy-present", security_policy_present)];

fn security_policy_present(ctx: &RuleCtx<'_>) -> RuleResult {
    let files = match ctx.facts.files.get() {
        Ok(f) => f,
        Err(why) => return RuleResult::unknown(why),
    };
    match &files.security_policy {
        Some(f) => RuleResult::pass(
            format!("security policy found in {}", f.path),
            vec![EvidenceRef::from(f)],
        ),
        None => RuleResult::fail("no SECURITY.md or security policy found", vec![]),
    }
}
