//! GitHub Actions workflows: triggers, token permissions, `uses:` pinning and
//! `pull_request_target` hazards (the GitHub-specific hardening facts, [`Workflow`]), and what
//! the jobs run ([`CiJob`]): known actions, and `run:` steps followed into the repository.
//! A step that uses a local composite action is judged by the action's steps.

use super::follow::{Follower, Shell};
use super::github_env::{self, JobEnv};
use super::{Acc, link, literally_false, maybe_set};
use crate::collect::files::Repo;
use crate::collect::files::yaml::{self, Node};
use crate::facts::FileRef;
use crate::facts::files::{
    ActionKind, ActionUse, Activity, ActivityKind, CiJob, CompositeAction, Hazard, Job, Link,
    Permissions, UnresolvedKind, Workflow,
};

/// Actions (by `owner/repo[/path]`, lower-case) that are evidence of an activity.
const ACTIONS: &[(&str, ActivityKind)] = &[
    ("actions-rs/tarpaulin", ActivityKind::Tests),
    ("actions-rs/clippy-check", ActivityKind::Clippy),
    ("giraffate/clippy-action", ActivityKind::Clippy),
    ("clechasseur/rs-clippy-check", ActivityKind::Clippy),
    ("auguwu/clippy-action", ActivityKind::Clippy),
    ("rustsec/audit-check", ActivityKind::DependencyAudit),
    ("actions-rs/audit-check", ActivityKind::DependencyAudit),
    (
        "embarkstudios/cargo-deny-action",
        ActivityKind::DependencyAudit,
    ),
    (
        "actions/dependency-review-action",
        ActivityKind::DependencyAudit,
    ),
    (
        "google/oss-fuzz/infra/cifuzz/actions/run_fuzzers",
        ActivityKind::Fuzzing,
    ),
    (
        "google/clusterfuzzlite/actions/run_fuzzers",
        ActivityKind::Fuzzing,
    ),
    ("github/codeql-action/analyze", ActivityKind::StaticAnalysis),
    ("returntocorp/semgrep-action", ActivityKind::StaticAnalysis),
    ("semgrep/semgrep-action", ActivityKind::StaticAnalysis),
];

/// Local composite actions nested in one another are followed this deep.
const MAX_ACTION_DEPTH: usize = 4;

/// Triggers that run with the base repository's secrets and write token on behalf of code
/// from a fork.
const PRIVILEGED_TRIGGERS: &[&str] = &["pull_request_target", "workflow_run"];

/// Expressions that name the untrusted pull-request head.
const UNTRUSTED_REFS: &[&str] = &[
    "github.event.pull_request.head",
    "github.head_ref",
    "github.event.pull_request.merge_commit_sha",
    "github.event.workflow_run.head",
    "refs/pull/",
];

/// Keep the first activity of each kind.
fn merge(out: &mut Vec<Activity>, more: Vec<Activity>) {
    for a in more {
        if !out.iter().any(|o| o.kind == a.kind) {
            out.push(a);
        }
    }
}

/// The activities of the first of several readings of one step that every other reading
/// has too: a step counts for an activity only if it runs it whatever the variables hold.
/// One that some readings run and others do not is undecided: its rule is unknown, not failed.
fn agreed(acc: &mut Acc, readings: Vec<Vec<Activity>>) -> Vec<Activity> {
    let everywhere = |kind: ActivityKind| readings.iter().all(|r| r.iter().any(|b| b.kind == kind));
    let mut disagreeing: Vec<Activity> = Vec::new();
    for a in readings.iter().flatten() {
        if !everywhere(a.kind) && !disagreeing.iter().any(|d| d.kind == a.kind) {
            disagreeing.push(a.clone());
        }
    }
    acc.demote(
        disagreeing,
        "run by some values of the `${{ env.… }}` variables it names and not by others",
    );
    let first = readings.first().cloned().unwrap_or_default();
    first.into_iter().filter(|a| everywhere(a.kind)).collect()
}

/// The activity a known action is evidence of, at the end of `chain`.
fn known_action(uses: &str, chain: &[Link]) -> Vec<Activity> {
    let name = uses
        .split('@')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    ACTIONS
        .iter()
        .filter(|(action, _)| name == *action)
        .map(|(_, kind)| Activity {
            kind: *kind,
            chain: chain.to_vec(),
        })
        .collect()
}

/// The shell a step's `run` is read as: the step's `shell:`, else the job's and then the
/// workflow's `defaults.run.shell`, else GitHub's default (`bash -e`); an expression
/// (`${{ matrix.shell }}`) is a shell of unknown rules.
fn step_shell(step: &Node, defaults: &[Option<&Node>]) -> Shell {
    let named = step.get("shell").or_else(|| {
        defaults.iter().flatten().find_map(|d| {
            d.get("defaults")
                .and_then(|d| d.get("run"))
                .and_then(|r| r.get("shell"))
        })
    });
    match named {
        // On Windows the default is PowerShell, which goes on after a failing program.
        None if defaults
            .first()
            .copied()
            .flatten()
            .is_some_and(may_run_on_windows) =>
        {
            Shell::PLAIN
        }
        None => Shell::github(None),
        Some(n) => Shell::github(Some(n.as_str().unwrap_or("${{ unknown }}"))),
    }
}

/// Whether a job's `runs-on` may name a Windows runner: it says `windows`, is an expression
/// (`${{ matrix.os }}`) or names no label at all.
fn may_run_on_windows(job: &Node) -> bool {
    let Some(runs_on) = job.get("runs-on") else {
        return false;
    };
    let mut labels: Vec<&str> = Vec::new();
    let mut nodes = vec![runs_on];
    while let Some(n) = nodes.pop() {
        match n.as_str() {
            Some(s) => labels.push(s),
            None => {
                nodes.extend(n.items());
                nodes.extend(n.entries().iter().map(|(_, v)| v));
            }
        }
    }
    labels.is_empty()
        || labels
            .iter()
            .any(|l| l.contains("${{") || l.to_ascii_lowercase().contains("windows"))
}

/// The working directory of `run:` steps: the step's, else the job's or the workflow's
/// `defaults.run.working-directory`.
fn working_directory(nodes: &[Option<&Node>]) -> String {
    for n in nodes.iter().flatten() {
        if let Some(d) = n.as_str() {
            if d.contains("${{") || d.starts_with('/') {
                return String::new();
            }
            return super::follow::join("", d).unwrap_or_default();
        }
    }
    String::new()
}

/// Analyse one workflow file: the hardening facts and, per job, what it runs.
pub(in crate::collect::files) fn analyse(
    file: FileRef,
    text: &str,
    follower: &Follower<'_, '_>,
    acc: &mut Acc,
) -> Result<(Workflow, Vec<CiJob>), String> {
    let doc = yaml::parse(text)?;
    if !doc.is_map() {
        return Err("not a workflow: the document is not a mapping".into());
    }
    let Some(jobs) = doc.get("jobs").filter(|j| j.is_map()) else {
        return Err("not a workflow: no `jobs` mapping".into());
    };
    let triggers = triggers(doc.get("on"));
    let privileged: Vec<&str> = triggers
        .iter()
        .map(String::as_str)
        .filter(|t| PRIVILEGED_TRIGGERS.contains(t))
        .collect();
    let workflow_dir = doc
        .get("defaults")
        .and_then(|d| d.get("run"))
        .and_then(|r| r.get("working-directory"));
    let mut hazards = Vec::new();
    let mut out_jobs = Vec::new();
    let mut ci_jobs = Vec::new();
    for (id_node, job) in jobs.entries() {
        let id = id_node.as_str().unwrap_or_default().to_string();
        acc.job = Some(id.clone());
        let mut actions = Vec::new();
        let mut activities = Vec::new();
        if let Some(uses) = job
            .get("uses")
            .and_then(|u| u.as_str().map(|s| (s, u.line)))
        {
            actions.push(action_use(uses.0, uses.1));
        }
        if let Some(image) = job
            .get("container")
            .and_then(|c| c.as_str().or_else(|| c.get("image").and_then(Node::as_str)))
            && image.contains("semgrep")
        {
            activities.push(Activity {
                kind: ActivityKind::StaticAnalysis,
                chain: vec![link(&file, id_node.line, &format!("container {image}"))],
            });
        }
        let job_dir = job
            .get("defaults")
            .and_then(|d| d.get("run"))
            .and_then(|r| r.get("working-directory"));
        let steps = job.get("steps").map(Node::items).unwrap_or_default();
        // What the steps before set (`${{ env.… }}`), kept as the steps are read: only for a
        // job whose scripts name such a variable.
        let mut job_env = steps
            .iter()
            .filter_map(|s| s.get("run").and_then(Node::as_str))
            .any(github_env::names_variables)
            .then(|| JobEnv::start(&doc, job));
        for (index, step) in steps.iter().enumerate() {
            if let (Some(env), Some(previous)) = (job_env.as_mut(), index.checked_sub(1)) {
                env.after(follower.repo(), &steps[previous]);
            }
            let mut step_activities: Vec<Activity> = Vec::new();
            if let Some(uses_node) = step.get("uses")
                && let Some(uses) = uses_node.as_str()
            {
                actions.push(action_use(uses, uses_node.line));
                let here = vec![link(&file, uses_node.line, uses)];
                let name = uses
                    .split('@')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let mut known = known_action(uses, &here);
                // cargo-deny-action runs `cargo deny <arguments> <command>`: `check licenses`
                // audits no advisories.
                if name == "embarkstudios/cargo-deny-action"
                    && let Some(with) = step.get("with")
                {
                    let field = |k: &str| with.get(k).and_then(Node::as_str).unwrap_or_default();
                    let command = match field("command") {
                        "" => "check",
                        c => c,
                    };
                    let text = format!("cargo deny {} {command}", field("arguments"));
                    let verdicts: Vec<_> = super::commands::commands(&text)
                        .iter()
                        .flat_map(super::commands::judge)
                        .filter(|(k, _)| *k == ActivityKind::DependencyAudit)
                        .collect();
                    match verdicts.first() {
                        Some((_, None)) => {}
                        Some((kind, Some(why))) => {
                            acc.undecided(*kind, &here, why.clone());
                            known.clear();
                        }
                        None => known.clear(),
                    }
                }
                merge(&mut step_activities, known);
                if uses.starts_with("./") {
                    merge(
                        &mut step_activities,
                        local_action(follower, acc, &here, uses, 0),
                    );
                }
                if name == "actions-rs/cargo"
                    && let Some(command) = step.get("with").and_then(|w| w.get("command"))
                {
                    let args = step
                        .get("with")
                        .and_then(|w| w.get("args"))
                        .and_then(Node::as_str)
                        .unwrap_or_default();
                    let synthetic =
                        format!("cargo {} {args}", command.as_str().unwrap_or_default());
                    merge(
                        &mut step_activities,
                        follower.script(acc, &file, command.line, &synthetic, "", Shell::ERREXIT),
                    );
                }
                if !privileged.is_empty() && name == "actions/checkout" {
                    let with = step.get("with");
                    for key in ["ref", "repository"] {
                        if let Some(v) = with.and_then(|w| w.get(key))
                            && let Some(s) = v.as_str()
                            && names_untrusted_head(s)
                        {
                            hazards.push(Hazard {
                                job: id.clone(),
                                line: v.line,
                                message: format!(
                                    "`{}` workflow checks out the pull request head ({key}: {s})",
                                    privileged.join("`, `")
                                ),
                            });
                        }
                    }
                }
            }
            if let Some(run) = step.get("run")
                && let Some(script) = run.as_str()
            {
                let cwd =
                    working_directory(&[step.get("working-directory"), job_dir, workflow_dir]);
                let shell = step_shell(step, &[Some(job), Some(&doc)]);
                let found = match job_env
                    .as_ref()
                    .and_then(|env| env.alternatives(step, script))
                {
                    // `${{ env.CARGO }} test`: what every value of the variables runs.
                    Some(scripts) => {
                        let readings = scripts
                            .iter()
                            .map(|s| follower.script(acc, &file, run.line, s, &cwd, shell))
                            .collect();
                        agreed(acc, readings)
                    }
                    None => follower.script(acc, &file, run.line, script, &cwd, shell),
                };
                merge(&mut step_activities, found);
                if !privileged.is_empty() {
                    for (offset, l) in script.lines().enumerate() {
                        let fetches_head = l.contains("gh pr checkout")
                            || ((l.contains("git checkout")
                                || l.contains("git fetch")
                                || l.contains("git switch"))
                                && names_untrusted_head(l));
                        if fetches_head {
                            hazards.push(Hazard {
                                job: id.clone(),
                                line: super::line_in(run.line, offset),
                                message: format!(
                                    "`{}` workflow fetches the pull request head: {}",
                                    privileged.join("`, `"),
                                    l.trim()
                                ),
                            });
                        }
                    }
                }
            }
            if literally_false(step.get("if")) {
                step_activities.clear();
            } else if maybe_set(step.get("continue-on-error")) {
                acc.demote(
                    step_activities,
                    "the step has `continue-on-error`, so its failure is ignored",
                );
                continue;
            }
            activities.extend(step_activities);
        }
        // A job that never runs (`if: false`, or a workflow with no trigger) counts for
        // nothing; one whose failure is ignored (`continue-on-error`) is undecided.
        if literally_false(job.get("if")) || doc.get("on").is_none() {
            activities.clear();
        } else if maybe_set(job.get("continue-on-error")) {
            acc.demote(
                std::mem::take(&mut activities),
                "the job has `continue-on-error`, so its failure is ignored",
            );
        }
        ci_jobs.push(CiJob {
            name: id.clone(),
            file: file.clone(),
            line: id_node.line,
            activities,
        });
        out_jobs.push(Job {
            id,
            line: id_node.line,
            permissions: key_line(job, "permissions").map(|(l, p)| permissions(l, p)),
            actions,
        });
    }
    acc.job = None;
    Ok((
        Workflow {
            file,
            name: doc.get("name").and_then(Node::as_str).map(str::to_string),
            triggers,
            permissions: key_line(&doc, "permissions").map(|(l, p)| permissions(l, p)),
            jobs: out_jobs,
            hazards,
        },
        ci_jobs,
    ))
}

/// The steps of a local composite action (`uses: ./path`), as part of the calling step.
fn local_action(
    follower: &Follower<'_, '_>,
    acc: &mut Acc,
    chain: &[Link],
    uses: &str,
    depth: usize,
) -> Vec<Activity> {
    let repo: &Repo<'_> = follower.repo();
    let Some(dir) = super::follow::join("", uses.trim_start_matches("./")) else {
        acc.unresolved(
            UnresolvedKind::NotFollowed,
            chain,
            format!("`{uses}` leads outside the repository; not followed"),
        );
        return Vec::new();
    };
    let Some(path) = ["action.yml", "action.yaml"]
        .iter()
        .map(|n| {
            if dir.is_empty() {
                n.to_string()
            } else {
                format!("{dir}/{n}")
            }
        })
        .find(|p| repo.has(p))
    else {
        acc.unresolved(
            UnresolvedKind::NotFollowed,
            chain,
            format!("no action.yml in {dir}"),
        );
        return Vec::new();
    };
    if depth >= MAX_ACTION_DEPTH {
        acc.unresolved(
            UnresolvedKind::NotFollowed,
            chain,
            format!("{path}: local actions nested more than {MAX_ACTION_DEPTH} deep"),
        );
        return Vec::new();
    }
    let t = match repo.read(&path) {
        Ok(t) => t,
        Err(e) => {
            acc.unresolved(
                UnresolvedKind::NotFollowed,
                chain,
                format!("{path} {}", e.reason),
            );
            return Vec::new();
        }
    };
    acc.read(&t.file);
    let doc = match yaml::parse(&t.text) {
        Ok(d) => d,
        Err(why) => {
            acc.unresolved(
                UnresolvedKind::NotFollowed,
                chain,
                format!("{path} is not valid YAML: {why}"),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    let steps = doc
        .get("runs")
        .and_then(|r| r.get("steps"))
        .map(Node::items)
        .unwrap_or_default();
    for step in steps {
        if let Some(run) = step.get("run")
            && let Some(script) = run.as_str()
        {
            let cwd = working_directory(&[step.get("working-directory")]);
            merge(
                &mut out,
                follower.script_after(
                    acc,
                    chain,
                    &t.file,
                    run.line,
                    script,
                    &cwd,
                    step_shell(step, &[]),
                ),
            );
        }
        if let Some(u) = step.get("uses")
            && let Some(inner) = u.as_str()
        {
            let mut here = chain.to_vec();
            here.push(link(&t.file, u.line, inner));
            merge(&mut out, known_action(inner, &here));
            if inner.starts_with("./") {
                merge(
                    &mut out,
                    local_action(follower, acc, &here, inner, depth + 1),
                );
            }
        }
    }
    out
}

/// The `uses:` of a composite action's steps; other action types have none.
pub(in crate::collect::files) fn composite_action(
    file: FileRef,
    text: &str,
) -> Result<CompositeAction, String> {
    let doc = yaml::parse(text)?;
    let steps = doc
        .get("runs")
        .and_then(|r| r.get("steps"))
        .map(Node::items)
        .unwrap_or_default();
    let actions = steps
        .iter()
        .filter_map(|step| {
            let uses = step.get("uses")?;
            Some(action_use(uses.as_str()?, uses.line))
        })
        .collect();
    Ok(CompositeAction { file, actions })
}

/// The value of `key` in `map` together with the line of the key.
fn key_line<'a>(map: &'a Node, key: &str) -> Option<(u32, &'a Node)> {
    map.entries()
        .iter()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(k, v)| (k.line, v))
}

fn names_untrusted_head(s: &str) -> bool {
    UNTRUSTED_REFS.iter().any(|r| s.contains(r))
}

fn triggers(on: Option<&Node>) -> Vec<String> {
    let Some(on) = on else {
        return Vec::new();
    };
    let mut out: Vec<String> = match &on.value {
        yaml::Value::Scalar(s) => vec![s.clone()],
        yaml::Value::Seq(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        yaml::Value::Map(entries) => entries
            .iter()
            .filter_map(|(k, _)| k.as_str().map(str::to_string))
            .collect(),
    };
    out.dedup();
    out
}

fn permissions(line: u32, node: &Node) -> Permissions {
    match &node.value {
        yaml::Value::Scalar(s) => {
            let s = s.trim();
            let writes = if s == "read-all" || s.is_empty() {
                vec![]
            } else {
                // write-all, or an expression whose value cannot be known here.
                vec!["*".to_string()]
            };
            Permissions {
                line,
                value: s.to_string(),
                writes,
            }
        }
        yaml::Value::Map(entries) => {
            let mut parts = Vec::new();
            let mut writes = Vec::new();
            for (k, v) in entries {
                let (k, v) = (
                    k.as_str().unwrap_or_default(),
                    v.as_str().unwrap_or_default(),
                );
                parts.push(format!("{k}: {v}"));
                if v == "write" {
                    writes.push(k.to_string());
                }
            }
            Permissions {
                line,
                value: if parts.is_empty() {
                    "{}".into()
                } else {
                    parts.join(", ")
                },
                writes,
            }
        }
        yaml::Value::Seq(_) => Permissions {
            line,
            value: "(a list)".into(),
            writes: vec!["*".into()],
        },
    }
}

fn action_use(uses: &str, line: u32) -> ActionUse {
    let uses = uses.trim();
    let (kind, pinned) = if uses.starts_with("./") || uses.starts_with("../") {
        (ActionKind::Local, true)
    } else if let Some(image) = uses.strip_prefix("docker://") {
        (ActionKind::Docker, image.contains("@sha256:"))
    } else {
        let pinned = uses
            .rsplit_once('@')
            .is_some_and(|(_, r)| r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit()));
        (ActionKind::Remote, pinned)
    };
    ActionUse {
        uses: uses.to_string(),
        kind,
        pinned,
        line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::files::ci::testing::{kinds, run};

    #[test]
    fn a_windows_runner_runs_powershell_which_goes_on_after_a_failure() {
        let wf = |runs_on: &str, shell: &str| {
            format!(
                "on: [push]\njobs:\n  t:\n    runs-on: {runs_on}\n    steps:\n      - {shell}run: |\n          cargo test\n          echo done\n"
            )
        };
        let tests = |text: String| {
            let ci = run(&[(".github/workflows/ci.yml", text.as_str())]);
            kinds(&ci.facts.pipelines[0]).len()
        };
        assert_eq!(tests(wf("ubuntu-latest", "")), 1);
        assert_eq!(tests(wf("windows-latest", "")), 0);
        assert_eq!(tests(wf("${{ matrix.os }}", "")), 0);
        assert_eq!(tests(wf("[self-hosted, Windows]", "")), 0);
        // A shell named runs as named.
        assert_eq!(tests(wf("windows-latest", "shell: bash\n        ")), 1);
    }

    #[test]
    fn pinning() {
        assert!(
            action_use(
                "actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab",
                1
            )
            .pinned
        );
        assert!(!action_use("actions/checkout@v4", 1).pinned);
        assert!(!action_use("actions/checkout", 1).pinned);
        assert!(action_use("./.github/actions/setup", 1).pinned);
        assert!(!action_use("docker://alpine:3", 1).pinned);
        assert!(action_use("docker://alpine@sha256:abcd", 1).pinned);
    }

    #[test]
    fn permissions_and_hazard() {
        let text = "on: [pull_request_target]\npermissions: write-all\njobs:\n  build:\n    permissions:\n      contents: read\n      pull-requests: write\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: |\n          cargo build\n          cargo test\n";
        let ci = run(&[(".github/workflows/ci.yml", text)]);
        let wf = &ci.workflows[0];
        assert_eq!(wf.triggers, vec!["pull_request_target"]);
        let top = wf.permissions.as_ref().unwrap();
        assert_eq!((top.line, top.writes.clone()), (2, vec!["*".to_string()]));
        let job = &wf.jobs[0];
        let p = job.permissions.as_ref().unwrap();
        assert_eq!(p.value, "contents: read, pull-requests: write");
        assert_eq!(p.writes, vec!["pull-requests"]);
        assert_eq!(wf.hazards.len(), 1);
        assert_eq!(wf.hazards[0].line, 12);
        let p = &ci.facts.pipelines[0];
        assert_eq!(
            kinds(p),
            [(
                "build".into(),
                ActivityKind::Tests,
                vec![".github/workflows/ci.yml:15 cargo test".into()]
            )]
        );
    }

    #[test]
    fn a_step_that_runs_a_repository_script_is_judged_by_the_script() {
        let text = "on: [push]\njobs:\n  ci:\n    runs-on: ubuntu-latest\n    steps:\n      - run: bash .ci/run\n      - run: ./not-listed.sh\n";
        let ci = run(&[
            (".github/workflows/ci.yml", text),
            (
                ".ci/run",
                "set -e\ncargo fmt --check\ncargo clippy --all-targets\ncargo test --locked\n",
            ),
        ]);
        let p = &ci.facts.pipelines[0];
        assert_eq!(
            kinds(p),
            [
                (
                    "ci".into(),
                    ActivityKind::Clippy,
                    vec![
                        ".github/workflows/ci.yml:6 bash .ci/run".into(),
                        ".ci/run:3 cargo clippy --all-targets".into()
                    ]
                ),
                (
                    "ci".into(),
                    ActivityKind::Tests,
                    vec![
                        ".github/workflows/ci.yml:6 bash .ci/run".into(),
                        ".ci/run:4 cargo test --locked".into()
                    ]
                ),
            ]
        );
        assert_eq!(
            p.files_read
                .iter()
                .map(|f| f.path.as_str())
                .collect::<Vec<_>>(),
            [".ci/run"]
        );
        // The script that is not in the repository is recorded, not guessed at.
        assert_eq!(p.unresolved.len(), 1, "{:?}", p.unresolved);
        assert_eq!(p.unresolved[0].kind, UnresolvedKind::NotFollowed);
        assert!(
            p.unresolved[0]
                .reason
                .contains("not a file of the repository"),
            "{}",
            p.unresolved[0].reason
        );
        assert_eq!(p.unresolved[0].job.as_deref(), Some("ci"));
    }

    #[test]
    fn cargo_deny_action_audits_only_with_the_advisories_check() {
        let workflow = |with: &str| {
            format!(
                "on: [push]\njobs:\n  d:\n    runs-on: x\n    steps:\n      - uses: EmbarkStudios/cargo-deny-action@v2\n{with}"
            )
        };
        let kinds_of = |text: String| {
            let found = run(&[(".github/workflows/ci.yml", text.as_str())]);
            kinds(&found.facts.pipelines[0]).len()
        };
        assert_eq!(kinds_of(workflow("")), 1);
        assert_eq!(
            kinds_of(workflow(
                "        with:\n          command: check advisories\n"
            )),
            1
        );
        assert_eq!(
            kinds_of(workflow(
                "        with:\n          command: check licenses\n          arguments: --all-features\n"
            )),
            0
        );
    }

    #[test]
    fn known_actions_local_composite_actions_and_working_directories() {
        let text = "on: [push]\ndefaults:\n  run:\n    working-directory: crates\njobs:\n  lint:\n    runs-on: x\n    steps:\n      - uses: EmbarkStudios/cargo-deny-action@v2\n      - uses: ./.github/actions/check\n      - run: ./t.sh\n";
        let action = "runs:\n  using: composite\n  steps:\n    - run: cargo clippy\n      shell: bash\n    - uses: github/codeql-action/analyze@v3\n";
        let ci = run(&[
            (".github/workflows/ci.yml", text),
            (".github/actions/check/action.yml", action),
            ("crates/t.sh", "cargo test\n"),
        ]);
        let got = kinds(&ci.facts.pipelines[0]);
        assert_eq!(
            got,
            [
                (
                    "lint".into(),
                    ActivityKind::DependencyAudit,
                    vec![".github/workflows/ci.yml:9 EmbarkStudios/cargo-deny-action@v2".into()]
                ),
                (
                    "lint".into(),
                    ActivityKind::Clippy,
                    vec![
                        ".github/workflows/ci.yml:10 ./.github/actions/check".into(),
                        ".github/actions/check/action.yml:4 cargo clippy".into()
                    ]
                ),
                (
                    "lint".into(),
                    ActivityKind::StaticAnalysis,
                    vec![
                        ".github/workflows/ci.yml:10 ./.github/actions/check".into(),
                        ".github/actions/check/action.yml:6 github/codeql-action/analyze@v3".into()
                    ]
                ),
                (
                    "lint".into(),
                    ActivityKind::Tests,
                    vec![
                        ".github/workflows/ci.yml:11 ./t.sh".into(),
                        "crates/t.sh:1 cargo test".into()
                    ]
                ),
            ]
        );
    }
}
