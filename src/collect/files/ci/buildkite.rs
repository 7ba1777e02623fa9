//! Buildkite: the pipeline files of the repository (`.buildkite/**/*.yml`, `buildkite.yml`,
//! `buildkite/pipeline.yml`, and their `.yaml` / `.json` forms), each read as a pipeline of its
//! own. `steps:` (or a top-level list of steps) holds command steps (`command:` / `commands:`,
//! a string or a list), `group:` steps with steps of their own, `wait`, `block`, `input` and
//! `trigger:` steps. A command's text is followed into the repository like any CI step;
//! `buildkite-agent pipeline upload` of a file of the repository names another pipeline file,
//! of a script's output a pipeline generated at run time.
//!
//! A `.buildkite/` folder without a pipeline file but with a pipeline generator
//! (`.buildkite/pipeline.py`, `pipeline_pr.sh`, …) is a pipeline generated at run time: it is
//! recorded with that reason and never guessed at.

use super::follow::Follower;
use super::{Acc, MAX_PIPELINE_FILES, broken, get, link, scripts, unread_file};
use crate::collect::files::Repo;
use crate::collect::files::yaml::{self, Node};
use crate::facts::FileRef;
use crate::facts::files::{Activity, CiJob, CiSystem, Pipeline, UnresolvedKind};

const DIR: &str = ".buildkite/";
/// Pipeline files Buildkite's agent looks for besides those of `.buildkite/`.
const OTHER_ENTRIES: &[&str] = &[
    "buildkite.yml",
    "buildkite.yaml",
    "buildkite.json",
    "buildkite/pipeline.yml",
    "buildkite/pipeline.yaml",
    "buildkite/pipeline.json",
];
/// Groups nest one level in Buildkite; the bound keeps a malformed file from recursing.
const MAX_GROUP_DEPTH: usize = 4;

fn is_pipeline_file(path: &str) -> bool {
    [".yml", ".yaml", ".json"].iter().any(|e| path.ends_with(e))
}

/// The files read as Buildkite pipelines.
pub(super) fn candidates(repo: &Repo<'_>) -> Vec<String> {
    let mut out: Vec<String> = OTHER_ENTRIES
        .iter()
        .filter(|p| repo.has(p))
        .map(|p| p.to_string())
        .collect();
    out.extend(
        repo.under(DIR)
            .filter(|f| is_pipeline_file(f))
            .take(MAX_PIPELINE_FILES)
            .cloned(),
    );
    out.sort();
    out
}

/// Scripts of `.buildkite/` named like a pipeline (`pipeline.py`, `pipeline_pr.sh`,
/// `pipeline-release.ts`): they print the pipeline at run time.
fn generators(repo: &Repo<'_>) -> Vec<String> {
    repo.under(DIR)
        .filter(|f| {
            let name = f.rsplit('/').next().unwrap_or_default();
            name.starts_with("pipeline") && !is_pipeline_file(name) && name.contains('.')
        })
        .take(MAX_PIPELINE_FILES)
        .cloned()
        .collect()
}

pub(super) fn read(repo: &Repo<'_>, follower: &Follower<'_, '_>) -> Vec<Pipeline> {
    let pipelines: Vec<Pipeline> = candidates(repo)
        .into_iter()
        .filter_map(|path| pipeline(repo, follower, &path))
        .collect();
    if !pipelines.is_empty() {
        return pipelines;
    }
    generators(repo)
        .into_iter()
        .map(|g| generated(repo, &g))
        .collect()
}

/// A pipeline that only a script of the repository produces, at run time.
fn generated(repo: &Repo<'_>, path: &str) -> Pipeline {
    let file = match repo.read(path) {
        Ok(t) => t.file,
        Err(e) => unread_file(path, &e),
    };
    let mut acc = Acc::default();
    acc.unresolved(
        UnresolvedKind::Dynamic,
        &[link(&file, 1, path)],
        format!(
            "the Buildkite pipeline is generated at run time by {path}; there is no pipeline \
             file in the repository to read"
        ),
    );
    acc.finish(CiSystem::Buildkite, file, None, Vec::new())
}

/// The pipeline of one file; None for YAML that is not a pipeline.
fn pipeline(repo: &Repo<'_>, follower: &Follower<'_, '_>, path: &str) -> Option<Pipeline> {
    let t = match repo.read(path) {
        Ok(t) => t,
        Err(e) => return Some(broken(CiSystem::Buildkite, unread_file(path, &e), e.reason)),
    };
    let doc = match yaml::parse(&t.text) {
        Ok(d) => d,
        Err(why) => {
            return Some(broken(
                CiSystem::Buildkite,
                t.file,
                format!("not valid YAML: {why}"),
            ));
        }
    };
    // Other YAML kept in .buildkite/ (a docker-compose file, plugin settings) is no pipeline.
    let steps = match &doc.value {
        yaml::Value::Seq(_) => &doc,
        yaml::Value::Map(_) => doc.get("steps")?,
        yaml::Value::Scalar(_) => return None,
    };
    if !matches!(steps.value, yaml::Value::Seq(_)) {
        return Some(broken(
            CiSystem::Buildkite,
            t.file,
            "not a Buildkite pipeline: `steps` is not a list".into(),
        ));
    }
    let mut acc = Acc::default();
    let mut jobs = Vec::new();
    walk(follower, &mut acc, &t.file, steps, 0, &mut jobs);
    acc.job = None;
    Some(acc.finish(CiSystem::Buildkite, t.file, None, jobs))
}

/// The steps of a list (a group's too) into jobs: one per command step.
fn walk(
    follower: &Follower<'_, '_>,
    acc: &mut Acc,
    file: &FileRef,
    steps: &Node,
    depth: usize,
    jobs: &mut Vec<CiJob>,
) {
    for (i, step) in steps.items().iter().enumerate() {
        if !step.is_map() {
            continue; // `wait`, `block` as a bare word
        }
        if let Some(inner) = get(step, "steps") {
            if depth < MAX_GROUP_DEPTH {
                walk(follower, acc, file, inner, depth + 1, jobs);
            } else {
                acc.unresolved(
                    UnresolvedKind::NotFollowed,
                    &[link(file, step.line, "group")],
                    format!("groups nested more than {MAX_GROUP_DEPTH} deep; not read"),
                );
            }
            continue;
        }
        let name = ["label", "name", "key", "id"]
            .iter()
            .find_map(|k| get(step, k).and_then(Node::as_str))
            .map(str::to_string)
            .unwrap_or_else(|| format!("step {}", i + 1));
        acc.job = Some(name.clone());
        if let Some(t) = get(step, "trigger") {
            let target = t.as_str().unwrap_or("another pipeline");
            acc.unresolved(
                UnresolvedKind::NotRead,
                &[link(file, t.line, &format!("trigger: {target}"))],
                format!(
                    "triggers the Buildkite pipeline `{target}`, whose steps are configured \
                     outside this repository (or in a file it uploads)"
                ),
            );
            continue;
        }
        let mut activities: Vec<Activity> = Vec::new();
        let command = get(step, "command").or_else(|| get(step, "commands"));
        if let Some(c) = command {
            for (line, text) in scripts(c) {
                for a in follower.script(acc, file, line, &text, "") {
                    if !activities.iter().any(|o| o.kind == a.kind) {
                        activities.push(a);
                    }
                }
            }
        } else if get(step, "plugins").is_none() {
            continue; // a `block`, `input` or `wait` step: nothing runs
        }
        jobs.push(CiJob {
            name,
            file: file.clone(),
            line: step.line,
            activities,
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::collect::files::ci::testing::{kinds, run, unresolved};
    use crate::facts::files::{ActivityKind, CiSystem, UnresolvedKind};

    #[test]
    fn steps_groups_commands_and_scripts() {
        let main = "env:\n  RUST_BACKTRACE: 1\nsteps:\n  - label: ':rust: unit tests'\n    commands:\n      - cargo build\n      - ./.buildkite/run-tests.sh\n  - wait\n  - group: lint\n    steps:\n      - label: clippy\n        command: cargo clippy --all-targets -- -D warnings\n  - block: deploy\n  - trigger: release-pipeline\n  - label: upload\n    command: buildkite-agent pipeline upload .buildkite/nightly.yml\n";
        let nightly = "- label: audit\n  command: cargo audit\n";
        let ci = run(&[
            (".buildkite/pipeline.yml", main),
            (".buildkite/nightly.yml", nightly),
            (
                ".buildkite/run-tests.sh",
                "#!/bin/sh\nset -e\ncargo test --workspace\n",
            ),
        ]);
        assert_eq!(ci.facts.systems, [CiSystem::Buildkite]);
        let paths: Vec<&str> = ci
            .facts
            .pipelines
            .iter()
            .map(|p| p.file.path.as_str())
            .collect();
        assert_eq!(paths, [".buildkite/nightly.yml", ".buildkite/pipeline.yml"]);
        assert_eq!(
            kinds(&ci.facts.pipelines[0]),
            [(
                "audit".into(),
                ActivityKind::DependencyAudit,
                vec![".buildkite/nightly.yml:2 cargo audit".into()]
            )]
        );
        let p = &ci.facts.pipelines[1];
        assert_eq!(
            kinds(p),
            [
                (
                    ":rust: unit tests".into(),
                    ActivityKind::Tests,
                    vec![
                        ".buildkite/pipeline.yml:7 ./.buildkite/run-tests.sh".into(),
                        ".buildkite/run-tests.sh:3 cargo test --workspace".into()
                    ]
                ),
                (
                    "clippy".into(),
                    ActivityKind::Clippy,
                    vec![
                        ".buildkite/pipeline.yml:12 cargo clippy --all-targets -- -D warnings"
                            .into()
                    ]
                ),
            ]
        );
        let names: Vec<&str> = p.jobs.iter().map(|j| j.name.as_str()).collect();
        assert_eq!(names, [":rust: unit tests", "clippy", "upload"]);
        let u = unresolved(p);
        assert_eq!(u.len(), 1, "{u:?}");
        assert_eq!(u[0].0, UnresolvedKind::NotRead);
        assert!(u[0].1.contains("release-pipeline"), "{u:?}");
    }

    #[test]
    fn generated_pipelines_are_dynamic() {
        // A step that uploads what a script prints.
        let ci = run(&[
            (
                ".buildkite/pipeline.yml",
                "steps:\n  - command: .buildkite/gen.py | buildkite-agent pipeline upload\n",
            ),
            (
                ".buildkite/gen.py",
                "print('steps: [{command: cargo test}]')\n",
            ),
        ]);
        let p = &ci.facts.pipelines[0];
        assert!(
            kinds(p).is_empty(),
            "the generator's text is not its output"
        );
        let u = unresolved(p);
        assert!(
            u.iter()
                .any(|(k, r)| *k == UnresolvedKind::Dynamic && r.contains("prints at run time")),
            "{u:?}"
        );
        // Uploading a file that is not in the repository.
        let ci = run(&[(
            ".buildkite/pipeline.yml",
            "steps:\n  - command: buildkite-agent pipeline upload /tmp/p.yml\n",
        )]);
        let u = unresolved(&ci.facts.pipelines[0]);
        assert!(
            u.iter().any(|(k, _)| *k == UnresolvedKind::Dynamic),
            "{u:?}"
        );
        // No pipeline file at all, only a generator.
        let ci = run(&[
            (".buildkite/pipeline_pr.py", "import json\n"),
            (".buildkite/common.py", ""),
        ]);
        assert_eq!(ci.facts.pipelines.len(), 1);
        let p = &ci.facts.pipelines[0];
        assert_eq!(p.file.path, ".buildkite/pipeline_pr.py");
        assert_eq!(unresolved(p)[0].0, UnresolvedKind::Dynamic);
        assert!(p.jobs.is_empty());
    }

    #[test]
    fn broken_files_are_kept_with_the_reason() {
        let ci = run(&[
            (
                ".buildkite/docker-compose.yml",
                "services:\n  app: {image: rust}\n",
            ),
            (".buildkite/pipeline.yml", "steps: [\n"),
            (".buildkite/x.yml", "steps: cargo test\n"),
        ]);
        let reasons: Vec<&str> = ci
            .facts
            .pipelines
            .iter()
            .filter_map(|p| p.not_analysed.as_deref())
            .collect();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(reasons[0].starts_with("not valid YAML"), "{reasons:?}");
        assert!(reasons[1].contains("`steps` is not a list"), "{reasons:?}");
        assert_eq!(ci.facts.pipelines.len(), 2, "other YAML is no pipeline");
    }
}
