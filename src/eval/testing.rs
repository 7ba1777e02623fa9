//! The one harness for the unit tests of every rule: the rule is taken from the embedded
//! catalogue by id and run exactly as [`evaluate`](super::evaluate) runs it (its built-in
//! implementation, or the evaluator its `[rule.check]` names), with the parameters of
//! `[rules.<id>]` in the configuration over the catalogue defaults.

use std::sync::LazyLock;

use time::OffsetDateTime;

use super::{Outcome, RuleResult, rules, run_rule};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::facts::Facts;

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    Catalog::embedded(&rules::builtin_ids()).expect("the embedded catalogue loads")
});

/// A rule of the embedded catalogue.
pub(crate) fn rule(rule_id: &str) -> &'static crate::catalog::Rule {
    CATALOG
        .rule(rule_id)
        .unwrap_or_else(|| panic!("rule {rule_id} is not in the embedded catalogue"))
}

/// A point in time from RFC 3339 text.
pub(crate) fn at(rfc3339: &str) -> OffsetDateTime {
    crate::timefmt::parse(rfc3339).expect("an RFC 3339 date-time")
}

/// What rule `rule_id` says about `facts` under `config` at `now`. Every message follows the
/// house convention: not empty, no trailing period.
pub(crate) fn outcome(
    rule_id: &str,
    facts: &Facts,
    config: &Config,
    now: OffsetDateTime,
) -> RuleResult {
    let rule = CATALOG
        .rule(rule_id)
        .unwrap_or_else(|| panic!("rule {rule_id} is not in the embedded catalogue"));
    let result = run_rule(facts, rule, config, now);
    assert!(
        !result.message.contains("undeclared parameter"),
        "{rule_id}: {}; add it to eval::rules::PARAMS and the rule's [rule.params]",
        result.message
    );
    assert!(
        !result.message.is_empty() && !result.message.ends_with('.'),
        "{rule_id}: a message is not empty and has no trailing period: {:?}",
        result.message
    );
    result
}

/// Run `rule_id` over each named case (default configuration) and compare outcomes.
pub(crate) fn table(rule_id: &str, now: OffsetDateTime, cases: Vec<(&str, Facts, Outcome)>) {
    let config = Config::default();
    for (name, facts, want) in cases {
        let got = outcome(rule_id, &facts, &config, now);
        assert_eq!(got.outcome, want, "{rule_id} / {name}: {}", got.message);
        assert!(
            got.outcome != Outcome::Pass || !got.message.contains("could not"),
            "{rule_id} / {name}: a pass that could not read something: {}",
            got.message
        );
    }
}
