//! The GitHub-specific hardening rules over `.github/workflows/` (SM-7): token permissions,
//! pinned actions, `pull_request_target`. Not applicable when there is no GitHub workflow;
//! what CI jobs run, whatever the system, is judged in `ci`.

use super::{at, list};
use crate::eval::{RuleCtx, RuleResult};
use crate::facts::EvidenceRef;
use crate::facts::files::{ActionKind, FileFacts};

const WORKFLOWS_DIR: &str = ".github/workflows/";

/// Workflow files that could not be read or parsed.
pub(super) fn broken_workflows(f: &FileFacts) -> Vec<String> {
    f.problems_under(WORKFLOWS_DIR)
        .map(|p| p.path.clone())
        .collect()
}

/// A rule that collects violations across workflows: fail on any, unknown when a workflow
/// could not be parsed, not applicable with no workflow at all (nothing to judge), pass
/// otherwise.
fn workflow_violations(
    f: &FileFacts,
    violations: Vec<(String, EvidenceRef)>,
    clean: String,
) -> RuleResult {
    if !violations.is_empty() {
        let (messages, evidence): (Vec<String>, Vec<EvidenceRef>) = violations.into_iter().unzip();
        let n = messages.len();
        return RuleResult::fail(format!("{n} finding(s): {}", list(messages, 3)), evidence);
    }
    let broken = broken_workflows(f);
    if !broken.is_empty() {
        return RuleResult::unknown(format!(
            "no finding in the parsed workflows, but {} could not be parsed",
            list(broken, 3)
        ));
    }
    if f.workflows.is_empty() {
        return RuleResult::not_applicable(
            "no workflow in .github/workflows, so there is nothing to judge",
            vec![],
        );
    }
    RuleResult::pass(
        clean,
        f.workflows
            .iter()
            .map(|w| EvidenceRef::from(&w.file))
            .collect(),
    )
}

pub(super) fn workflow_permissions_restricted(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    let mut violations = Vec::new();
    for w in &f.workflows {
        match &w.permissions {
            Some(p) if !p.writes.is_empty() => violations.push((
                format!("{} grants `{}` to every job", at(&w.file, p.line), p.value),
                w.file.at_line(p.line),
            )),
            Some(_) => {}
            None => {
                let open: Vec<&str> = w
                    .jobs
                    .iter()
                    .filter(|j| j.permissions.is_none())
                    .map(|j| j.id.as_str())
                    .collect();
                if !open.is_empty() {
                    violations.push((
                        format!(
                            "{} sets no top-level permissions and job(s) {} inherit the default token",
                            w.file.path,
                            list(open.iter().map(|s| s.to_string()), 3)
                        ),
                        EvidenceRef::from(&w.file),
                    ));
                }
            }
        }
        for j in &w.jobs {
            if let Some(p) = &j.permissions
                && p.writes.iter().any(|s| s == "*")
            {
                violations.push((
                    format!("{} job {} grants `{}`", at(&w.file, p.line), j.id, p.value),
                    w.file.at_line(p.line),
                ));
            }
        }
    }
    workflow_violations(
        f,
        violations,
        if f.workflows.is_empty() {
            "no workflows, so no workflow token to restrict".into()
        } else {
            format!(
                "all {} workflow(s) restrict the token's permissions",
                f.workflows.len()
            )
        },
    )
}

pub(super) fn workflow_actions_pinned(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    let mut violations = Vec::new();
    let mut external = 0;
    for w in &f.workflows {
        for j in &w.jobs {
            for a in &j.actions {
                if a.kind == ActionKind::Local {
                    continue;
                }
                external += 1;
                if !a.pinned {
                    violations.push((
                        format!("{} ({})", a.uses, at(&w.file, a.line)),
                        w.file.at_line(a.line),
                    ));
                }
            }
        }
    }
    for c in &f.composite_actions {
        for a in c.actions.iter().filter(|a| a.kind != ActionKind::Local) {
            external += 1;
            if !a.pinned {
                violations.push((
                    format!("{} ({})", a.uses, at(&c.file, a.line)),
                    c.file.at_line(a.line),
                ));
            }
        }
    }
    let broken: Vec<String> = f
        .problems_under(".github/actions/")
        .map(|p| p.path.clone())
        .collect();
    if violations.is_empty() && !broken.is_empty() {
        return RuleResult::unknown(format!(
            "no unpinned action found, but {} could not be parsed",
            list(broken, 3)
        ));
    }
    if !violations.is_empty() {
        let n = violations.len();
        let (names, evidence): (Vec<String>, Vec<EvidenceRef>) = violations.into_iter().unzip();
        return RuleResult::fail(
            format!(
                "{n} of {external} action reference(s) are not pinned to a full commit SHA: {}",
                list(names, 3)
            ),
            evidence,
        );
    }
    workflow_violations(
        f,
        vec![],
        match (f.workflows.len(), external) {
            (0, _) => "no workflows, so no action to pin".to_string(),
            (_, 0) => "no workflow uses an external action".to_string(),
            _ => format!("all {external} external action reference(s) are pinned to a commit SHA"),
        },
    )
}

pub(super) fn workflow_pull_request_target_safe(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    let violations = f
        .workflows
        .iter()
        .flat_map(|w| {
            w.hazards.iter().map(|h| {
                (
                    format!("{} job {}: {}", at(&w.file, h.line), h.job, h.message),
                    w.file.at_line(h.line),
                )
            })
        })
        .collect();
    let privileged = f
        .workflows
        .iter()
        .filter(|w| {
            w.triggers
                .iter()
                .any(|t| t == "pull_request_target" || t == "workflow_run")
        })
        .count();
    if privileged == 0 && !f.workflows.is_empty() && broken_workflows(f).is_empty() {
        return RuleResult::not_applicable(
            format!(
                "none of the {} workflow(s) is triggered by pull_request_target or workflow_run, \
                 so none runs untrusted code with a privileged token",
                f.workflows.len()
            ),
            f.workflows
                .iter()
                .map(|w| EvidenceRef::from(&w.file))
                .collect(),
        );
    }
    workflow_violations(
        f,
        violations,
        format!(
            "no workflow checks out untrusted pull request code with a privileged token \
             ({privileged} of {} use pull_request_target or workflow_run)",
            f.workflows.len()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::eval::Outcome::{Fail, NotApplicable, Pass, Unknown};
    use crate::facts::files::*;

    fn workflow(jobs: Vec<Job>, permissions: Option<&str>, triggers: &[&str]) -> Workflow {
        Workflow {
            file: fref(".github/workflows/ci.yml"),
            name: Some("CI".into()),
            triggers: triggers.iter().map(|s| s.to_string()).collect(),
            permissions: permissions.map(perm),
            jobs,
            hazards: vec![],
        }
    }

    fn perm(value: &str) -> Permissions {
        Permissions {
            line: 3,
            value: value.into(),
            writes: if value.contains("write") {
                vec!["*".into()]
            } else {
                vec![]
            },
        }
    }

    fn job(actions: &[&str], permissions: Option<&str>) -> Job {
        Job {
            id: "build".into(),
            line: 5,
            permissions: permissions.map(perm),
            actions: actions
                .iter()
                .map(|u| ActionUse {
                    uses: u.to_string(),
                    kind: if u.starts_with("./") {
                        ActionKind::Local
                    } else {
                        ActionKind::Remote
                    },
                    pinned: u.starts_with("./") || u.len() > 50,
                    line: 8,
                })
                .collect(),
        }
    }

    fn ci(workflows: Vec<Workflow>, broken: bool) -> FileFacts {
        FileFacts {
            workflows,
            problems: if broken {
                vec![Problem {
                    path: ".github/workflows/bad.yml".into(),
                    message: "not a valid workflow".into(),
                }]
            } else {
                vec![]
            },
            ..FileFacts::default()
        }
    }

    #[test]
    fn workflow_hardening_rules() {
        let sha = "actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab";
        let good = || {
            workflow(
                vec![job(&[sha, "./local"], None)],
                Some("contents: read"),
                &["push"],
            )
        };
        table(
            "workflow-permissions-restricted",
            vec![
                ("top-level read", ci(vec![good()], false), Pass),
                (
                    "every job declares",
                    ci(
                        vec![workflow(
                            vec![job(&[], Some("contents: read"))],
                            None,
                            &["push"],
                        )],
                        false,
                    ),
                    Pass,
                ),
                (
                    "no permissions",
                    ci(vec![workflow(vec![job(&[], None)], None, &["push"])], false),
                    Fail,
                ),
                (
                    "write-all",
                    ci(
                        vec![workflow(vec![job(&[], None)], Some("write-all"), &["push"])],
                        false,
                    ),
                    Fail,
                ),
                (
                    "job write-all",
                    ci(
                        vec![workflow(
                            vec![job(&[], Some("write-all"))],
                            Some("{}"),
                            &["push"],
                        )],
                        false,
                    ),
                    Fail,
                ),
                ("no workflows", ci(vec![], false), NotApplicable),
                ("clean but broken", ci(vec![good()], true), Unknown),
            ],
        );
        table(
            "workflow-actions-pinned",
            vec![
                ("pinned", ci(vec![good()], false), Pass),
                (
                    "tag",
                    ci(
                        vec![workflow(
                            vec![job(&["actions/checkout@v4"], None)],
                            None,
                            &["push"],
                        )],
                        false,
                    ),
                    Fail,
                ),
                (
                    "tag and broken",
                    ci(
                        vec![workflow(
                            vec![job(&["actions/checkout@v4"], None)],
                            None,
                            &["push"],
                        )],
                        true,
                    ),
                    Fail,
                ),
                ("clean but broken", ci(vec![good()], true), Unknown),
            ],
        );
        let mut composite = ci(vec![good()], false);
        composite.composite_actions.push(CompositeAction {
            file: fref(".github/actions/setup/action.yml"),
            actions: vec![ActionUse {
                uses: "Swatinem/rust-cache@v2".into(),
                kind: ActionKind::Remote,
                pinned: false,
                line: 5,
            }],
        });
        let mut broken_action = ci(vec![good()], false);
        broken_action.problems.push(Problem {
            path: ".github/actions/setup/action.yml".into(),
            message: "not valid YAML".into(),
        });
        table(
            "workflow-actions-pinned",
            vec![
                ("unpinned in a composite action", composite, Fail),
                ("unparseable composite action", broken_action, Unknown),
            ],
        );
        let mut hazardous = workflow(vec![job(&[], None)], None, &["pull_request_target"]);
        hazardous.hazards.push(Hazard {
            job: "build".into(),
            line: 12,
            message: "checks out the pull request head".into(),
        });
        table(
            "workflow-pull-request-target-safe",
            vec![
                ("nothing privileged", ci(vec![good()], false), NotApplicable),
                (
                    "privileged, no hazard",
                    ci(
                        vec![workflow(
                            vec![job(&[], None)],
                            Some("{}"),
                            &["pull_request_target"],
                        )],
                        false,
                    ),
                    Pass,
                ),
                ("hazard", ci(vec![hazardous], false), Fail),
                ("clean but broken", ci(vec![good()], true), Unknown),
            ],
        );
    }
}
