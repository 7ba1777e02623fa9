//! Rules with a `[rule.check]`: the check names an evaluator and its arguments, so that a new
//! rule in a known family is one TOML edit (`catalog::Check`). The evaluators over files live
//! beside the built-in rules of their topic; the `fact` comparison, for organisation rules that
//! need no Rust, lives here.

use serde_json::Value;

use super::{RuleCtx, RuleResult, rules};
use crate::catalog::{Check, CompareOp};
use crate::facts::Facts;

/// Run the evaluator `check` names.
pub(super) fn run(check: &Check, ctx: &RuleCtx<'_>) -> RuleResult {
    match check {
        Check::Fact { fact, op, value } => compare_fact(ctx.facts, fact, *op, value.as_ref()),
        Check::Document {
            documents,
            what,
            example,
        } => rules::document(ctx, documents, what, example),
        Check::GuidelineTopic { requirement, what } => {
            rules::guideline_topic(ctx, requirement, what)
        }
        Check::CiActivity { activity, what } => rules::ci_activity(ctx, activity, what),
        Check::PolicyStatement { statement, what } => rules::policy_statement(ctx, statement, what),
    }
}

/// The `fact` check: the JSON value at the dotted path `fact` compared to `value` by `op`.
fn compare_fact(
    facts: &Facts,
    fact: &str,
    op: CompareOp,
    value: Option<&toml::Value>,
) -> RuleResult {
    let json = match serde_json::to_value(facts) {
        Ok(v) => v,
        Err(e) => return RuleResult::unknown(format!("facts could not be serialised: {e}")),
    };
    let mut node = &json;
    for part in fact.split('.') {
        let next = match node {
            Value::Object(map) => map.get(part),
            Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => {
                // A missing collector (`state = absent|failed`) cannot tell; a missing key inside
                // collected facts is a real absence.
                if let Some(state) = node.get("state").and_then(Value::as_str)
                    && state != "present"
                {
                    return RuleResult::unknown(format!("`{fact}` was not collected ({state})"));
                }
                node = &Value::Null;
                break;
            }
        }
    }
    let expected = value
        .and_then(|v| serde_json::to_value(v).ok())
        .unwrap_or(Value::Null);
    let ok = match op {
        CompareOp::Present => match node {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => n.as_f64() != Some(0.0),
            Value::String(s) => !s.is_empty(),
            Value::Array(a) => !a.is_empty(),
            Value::Object(o) => !o.is_empty(),
        },
        CompareOp::Eq => *node == expected,
        CompareOp::Ne => *node != expected,
        CompareOp::Ge | CompareOp::Gt | CompareOp::Le | CompareOp::Lt => {
            match (node.as_f64(), expected.as_f64()) {
                (Some(a), Some(b)) => match op {
                    CompareOp::Ge => a >= b,
                    CompareOp::Gt => a > b,
                    CompareOp::Le => a <= b,
                    _ => a < b,
                },
                _ => {
                    return RuleResult::unknown(format!(
                        "`{fact}` is {node}, which cannot be compared with {expected}"
                    ));
                }
            }
        }
    };
    let shown = match node {
        Value::Null => "absent".to_string(),
        other => {
            let s = other.to_string();
            if s.chars().count() > 80 {
                format!("{}…", s.chars().take(80).collect::<String>())
            } else {
                s
            }
        }
    };
    let message = format!("`{fact}` is {shown} ({op:?} {expected})").to_lowercase();
    if ok {
        RuleResult::pass(message, vec![])
    } else {
        RuleResult::fail(message, vec![])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Level, Rule};
    use crate::config::Config;
    use crate::eval::{Outcome, run_rule, testing};
    use crate::facts::Collected;
    use crate::facts::files::FileFacts;

    fn rule(check: Check) -> Rule {
        Rule {
            id: "org-rule".into(),
            requirements: vec!["SR-2".into()],
            default_level: Level::Warn,
            title: "t".into(),
            motivation: "m".into(),
            implementation: "i".into(),
            remediation: "r".into(),
            params: Default::default(),
            check: Some(check),
        }
    }

    #[test]
    fn arguments_the_catalogue_refuses_are_unknown_here_not_a_panic() {
        let facts = Facts {
            files: Collected::present(FileFacts::default()),
            ..Facts::nothing("2026-06-01T00:00:00Z", "test")
        };
        let what = || "x".to_string();
        for check in [
            Check::Document {
                documents: vec![],
                what: what(),
                example: what(),
            },
            Check::CiActivity {
                activity: "lint".into(),
                what: what(),
            },
            Check::PolicyStatement {
                statement: "embargo".into(),
                what: what(),
            },
            Check::GuidelineTopic {
                requirement: "SM-1".into(),
                what: what(),
            },
        ] {
            let r = run_rule(
                &facts,
                &rule(check.clone()),
                &Config::default(),
                testing::at("2026-06-01T00:00:00Z"),
            );
            assert_eq!(r.outcome, Outcome::Unknown, "{check:?}: {}", r.message);
        }
    }
}
