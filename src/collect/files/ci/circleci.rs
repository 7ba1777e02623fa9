//! CircleCI: `.circleci/config.yml`. The jobs that run are those a workflow names (`workflows:
//! NAME: jobs: [job, {job: {…}}]`), or the `build` job of a configuration without workflows.
//! A job's `steps` are read in order: `run:` (a string, or a mapping with `command` and
//! `working_directory`), the configuration's own reusable `commands:` expanded (bounded,
//! cycles cut), `when:` / `unless:` blocks read as if taken. Orb jobs and orb commands
//! (`orb/name`) are defined outside the repository and recorded as not read; a setup workflow
//! (`setup: true`) makes the configuration that really runs one generated at run time.

use super::follow::{Follower, Shell, join};
use super::{Acc, broken, get, link, unread_file};
use crate::collect::files::Repo;
use crate::collect::files::yaml::{self, Node};
use crate::facts::FileRef;
use crate::facts::files::{Activity, CiJob, CiSystem, Link, Pipeline, UnresolvedKind};

const ENTRIES: &[&str] = &[".circleci/config.yml", ".circleci/config.yaml"];
/// Reusable commands nested in one another are expanded this deep.
const MAX_COMMAND_DEPTH: usize = 8;

/// Steps CircleCI defines itself; none runs a command of the repository.
const BUILTIN_STEPS: &[&str] = &[
    "checkout",
    "setup_remote_docker",
    "save_cache",
    "restore_cache",
    "store_artifacts",
    "store_test_results",
    "persist_to_workspace",
    "attach_workspace",
    "add_ssh_keys",
];

/// Keep the first activity of each kind.
fn merge(out: &mut Vec<Activity>, more: Vec<Activity>) {
    for a in more {
        if !out.iter().any(|o| o.kind == a.kind) {
            out.push(a);
        }
    }
}

/// A CircleCI working directory as a repository path: `~/project` (the default checkout) is
/// the root; anything else outside it cannot be named.
fn working_directory(base: &str, dir: Option<&str>) -> String {
    let Some(d) = dir else {
        return base.to_string();
    };
    let d = d.trim();
    let rest = if d == "~/project" || d == "." {
        return String::new();
    } else if let Some(r) = d.strip_prefix("~/project/") {
        return join("", r).unwrap_or_default();
    } else {
        d
    };
    if rest.starts_with('/') || rest.starts_with('~') || rest.contains('$') || rest.contains("<<") {
        return base.to_string();
    }
    join(base, rest).unwrap_or_default()
}

struct Reader<'c, 'f, 'r, 'a> {
    follower: &'f Follower<'r, 'a>,
    file: &'c FileRef,
    doc: &'c Node,
    acc: Acc,
    /// The shell of the job being read, for steps that name none.
    shell: Shell,
}

impl Reader<'_, '_, '_, '_> {
    /// The activities of a list of steps, after `chain` (the reusable commands that led here).
    fn steps(
        &mut self,
        steps: &Node,
        cwd: &str,
        chain: &[Link],
        active: &mut Vec<String>,
    ) -> Vec<Activity> {
        let mut out = Vec::new();
        for step in steps.items() {
            // A bare name (`checkout`, `my-command`) or a one-key mapping (`run: …`,
            // `my-command: {params}`).
            let (name, body, line) = match &step.value {
                yaml::Value::Scalar(s) => (s.as_str(), None, step.line),
                yaml::Value::Map(entries) if entries.len() == 1 => {
                    let (k, v) = &entries[0];
                    (k.as_str().unwrap_or_default(), Some(v), k.line)
                }
                _ => continue,
            };
            match name {
                "run" => {
                    let Some(body) = body else { continue };
                    let (text, at, dir) = match &body.value {
                        yaml::Value::Scalar(s) => (s.as_str(), body.line, None),
                        _ => match get(body, "command") {
                            Some(c) => (
                                c.as_str().unwrap_or_default(),
                                c.line,
                                get(body, "working_directory").and_then(Node::as_str),
                            ),
                            None => continue,
                        },
                    };
                    let here = working_directory(cwd, dir);
                    // CircleCI's default shell is `/bin/bash -eo pipefail`; a step that names
                    // its own follows that shell's rules, which are not read.
                    let shell = match get(body, "shell") {
                        None => self.shell,
                        Some(_) => Shell::PLAIN,
                    };
                    merge(
                        &mut out,
                        self.follower.script_after(
                            &mut self.acc,
                            chain,
                            self.file,
                            at,
                            text,
                            &here,
                            shell,
                        ),
                    );
                }
                "when" | "unless" => {
                    // A literal condition that never holds: the steps never run.
                    let condition = body.and_then(|b| get(b, "condition"));
                    let never = match condition.and_then(Node::as_str).map(str::trim) {
                        Some("false") if name == "when" => true,
                        Some("true") if name == "unless" => true,
                        _ => false,
                    };
                    if never {
                        continue;
                    }
                    if let Some(inner) = body.and_then(|b| get(b, "steps")) {
                        merge(&mut out, self.steps(inner, cwd, chain, active));
                    }
                }
                n if BUILTIN_STEPS.contains(&n) => {}
                n if n.contains('/') => {
                    let mut here = chain.to_vec();
                    here.push(link(self.file, line, n));
                    self.acc.unresolved(
                        UnresolvedKind::NotRead,
                        &here,
                        format!(
                            "the orb command `{n}` is defined outside the repository (orb `{}`)",
                            n.split('/').next().unwrap_or_default()
                        ),
                    );
                }
                n => merge(&mut out, self.command(n, line, cwd, chain, active)),
            }
        }
        out
    }

    /// A reusable command of the configuration's `commands:`.
    fn command(
        &mut self,
        name: &str,
        line: u32,
        cwd: &str,
        chain: &[Link],
        active: &mut Vec<String>,
    ) -> Vec<Activity> {
        let mut here = chain.to_vec();
        here.push(link(self.file, line, name));
        let Some(def) = self.doc.get("commands").and_then(|c| get(c, name)) else {
            self.acc.unresolved(
                UnresolvedKind::NotFollowed,
                &here,
                format!("the step `{name}` is neither a CircleCI step nor a command of this file"),
            );
            return Vec::new();
        };
        if active.iter().any(|a| a == name) {
            return Vec::new(); // a cycle
        }
        if active.len() >= MAX_COMMAND_DEPTH {
            self.acc.unresolved(
                UnresolvedKind::NotFollowed,
                &here,
                format!("commands nested more than {MAX_COMMAND_DEPTH} deep; not expanded"),
            );
            return Vec::new();
        }
        let Some(steps) = get(def, "steps") else {
            return Vec::new();
        };
        active.push(name.to_string());
        let out = self.steps(steps, cwd, &here, active);
        active.pop();
        out
    }
}

/// The jobs the workflows run, in order of first mention: (name, line of the mention).
fn scheduled(doc: &Node) -> Vec<(String, u32)> {
    let mut out: Vec<(String, u32)> = Vec::new();
    let Some(workflows) = doc.get("workflows") else {
        return doc
            .get("jobs")
            .and_then(|j| j.get("build"))
            .map(|b| vec![("build".to_string(), b.line)])
            .unwrap_or_default();
    };
    for (k, w) in workflows.entries() {
        if k.as_str() == Some("version") {
            continue;
        }
        // A workflow whose `when` is literally false (or `unless` literally true) never runs.
        let literal = |key: &str| {
            w.get(key)
                .and_then(|c| c.get("condition").or(Some(c)))
                .and_then(Node::as_str)
                .map(str::trim)
                .map(str::to_string)
        };
        if literal("when").as_deref() == Some("false")
            || literal("unless").as_deref() == Some("true")
        {
            continue;
        }
        for j in w.get("jobs").map(Node::items).unwrap_or_default() {
            let name = match &j.value {
                yaml::Value::Scalar(s) => Some(s.clone()),
                yaml::Value::Map(entries) => entries
                    .first()
                    .and_then(|(k, _)| k.as_str().map(str::to_string)),
                yaml::Value::Seq(_) => None,
            };
            if let Some(n) = name
                && !out.iter().any(|(o, _)| *o == n)
            {
                out.push((n, j.line));
            }
        }
    }
    out
}

pub(super) fn read(repo: &Repo<'_>, follower: &Follower<'_, '_>) -> Vec<Pipeline> {
    let Some(path) = ENTRIES.iter().find(|p| repo.has(p)) else {
        return Vec::new();
    };
    let t = match repo.read(path) {
        Ok(t) => t,
        Err(e) => return vec![broken(CiSystem::Circleci, unread_file(path, &e), e.reason)],
    };
    let doc = match yaml::parse(&t.text) {
        Ok(d) if d.is_map() => d,
        Ok(_) => {
            return vec![broken(
                CiSystem::Circleci,
                t.file,
                "not a CircleCI configuration: the document is not a mapping".into(),
            )];
        }
        Err(why) => {
            return vec![broken(
                CiSystem::Circleci,
                t.file,
                format!("not valid YAML: {why}"),
            )];
        }
    };
    let mut r = Reader {
        follower,
        file: &t.file,
        doc: &doc,
        acc: Acc::default(),
        shell: Shell::STRICT,
    };
    if let Some(setup) = doc.get("setup")
        && setup.as_str() == Some("true")
    {
        r.acc.unresolved(
            UnresolvedKind::Dynamic,
            &[link(&t.file, setup.line, "setup: true")],
            "a setup workflow: the configuration that runs after it is generated or chosen at \
             run time (continuation)"
                .into(),
        );
    }
    let mut jobs = Vec::new();
    for (name, mention) in scheduled(&doc) {
        r.acc.job = Some(name.clone());
        let here = [link(&t.file, mention, &name)];
        if name.contains('/') {
            r.acc.unresolved(
                UnresolvedKind::NotRead,
                &here,
                format!(
                    "the orb job `{name}` is defined outside the repository (orb `{}`)",
                    name.split('/').next().unwrap_or_default()
                ),
            );
            continue;
        }
        let Some((key, def)) = doc.get("jobs").and_then(|j| {
            j.entries()
                .iter()
                .find(|(k, _)| k.as_str() == Some(name.as_str()))
        }) else {
            r.acc.unresolved(
                UnresolvedKind::NotFollowed,
                &here,
                format!("the workflow runs job `{name}`, which this file does not define"),
            );
            continue;
        };
        let cwd = working_directory("", get(def, "working_directory").and_then(Node::as_str));
        r.shell = job_shell(&doc, def);
        let activities = match get(def, "steps") {
            Some(steps) => r.steps(steps, &cwd, &[], &mut Vec::new()),
            None => Vec::new(),
        };
        jobs.push(CiJob {
            name,
            file: t.file.clone(),
            line: key.line,
            activities,
        });
    }
    let mut acc = r.acc;
    acc.job = None;
    vec![acc.finish(CiSystem::Circleci, t.file, None, jobs)]
}

/// The shell a job's `run` steps use when they name none: CircleCI's `/bin/bash -eo
/// pipefail`, unless the job or its executor names a shell, or the job may run on Windows
/// (PowerShell): then a shell whose rules are not read.
fn job_shell(doc: &Node, def: &Node) -> Shell {
    let windows = |n: Option<&Node>| {
        n.is_some_and(|n| {
            let mut texts = vec![n];
            let mut found = false;
            while let Some(t) = texts.pop() {
                match t.as_str() {
                    Some(s) => found |= s.to_ascii_lowercase().contains("win"),
                    None => {
                        texts.extend(t.items());
                        texts.extend(t.entries().iter().map(|(_, v)| v));
                    }
                }
            }
            found
        })
    };
    let executor = get(def, "executor");
    let name = executor.and_then(|e| e.as_str().or_else(|| get(e, "name")?.as_str()));
    let defined = name.and_then(|n| doc.get("executors").and_then(|x| get(x, n)));
    let named_shell =
        get(def, "shell").is_some() || defined.is_some_and(|d| get(d, "shell").is_some());
    if named_shell || windows(executor) || windows(get(def, "machine")) || windows(defined) {
        Shell::PLAIN
    } else {
        Shell::STRICT
    }
}

#[cfg(test)]
mod tests {
    use crate::collect::files::ci::testing::{kinds, run, unresolved};
    use crate::facts::files::{ActivityKind, CiSystem, UnresolvedKind};

    #[test]
    fn a_job_shell_or_a_windows_executor_is_no_strict_bash() {
        let config = |job: &str| {
            format!(
                "version: 2.1\nexecutors:\n  w:\n    machine:\n      image: windows-server-2022-gui:current\n  sh:\n    docker: [{{image: rust}}]\n    shell: /bin/sh\njobs:\n  t:\n{job}    steps:\n      - run: |\n          cargo test\n          echo done\nworkflows:\n  w:\n    jobs: [t]\n"
            )
        };
        let tests = |job: &str| {
            let text = config(job);
            let ci = run(&[(".circleci/config.yml", text.as_str())]);
            kinds(&ci.facts.pipelines[0]).len()
        };
        assert_eq!(tests("    docker: [{image: rust}]\n"), 1);
        for job in [
            "    docker: [{image: rust}]\n    shell: /bin/bash\n",
            "    executor: w\n",
            "    executor: sh\n",
            "    executor: win/default\n",
            "    machine:\n      image: windows-server-2022-gui:current\n",
        ] {
            assert_eq!(tests(job), 0, "{job}");
        }
    }

    const CONFIG: &str = "version: 2.1
orbs:
  rust: circleci/rust@1.6.0
commands:
  lint:
    steps:
      - run: cargo clippy --all-targets
      - lint
jobs:
  test:
    docker: [{image: cimg/rust:1.80}]
    working_directory: ~/project/crates
    steps:
      - checkout
      - run:
          name: Tests
          command: ./ci/test.sh
      - when:
          condition: true
          steps:
            - lint
  unused:
    steps:
      - run: cargo audit
workflows:
  ci:
    jobs:
      - test
      - rust/lint-test-build
      - deploy:
          requires: [test]
";

    #[test]
    fn workflows_jobs_commands_and_orbs() {
        let ci = run(&[
            (".circleci/config.yml", CONFIG),
            ("crates/ci/test.sh", "cargo test --locked\n"),
        ]);
        assert_eq!(ci.facts.systems, [CiSystem::Circleci]);
        let p = &ci.facts.pipelines[0];
        assert_eq!(
            kinds(p),
            [
                (
                    "test".into(),
                    ActivityKind::Tests,
                    vec![
                        ".circleci/config.yml:17 ./ci/test.sh".into(),
                        "crates/ci/test.sh:1 cargo test --locked".into()
                    ]
                ),
                (
                    "test".into(),
                    ActivityKind::Clippy,
                    vec![
                        ".circleci/config.yml:21 lint".into(),
                        ".circleci/config.yml:7 cargo clippy --all-targets".into()
                    ]
                ),
            ]
        );
        let names: Vec<&str> = p.jobs.iter().map(|j| j.name.as_str()).collect();
        assert_eq!(names, ["test"], "a job no workflow runs is not run");
        let u = unresolved(p);
        assert!(
            u.iter().any(|(k, r)| *k == UnresolvedKind::NotRead
                && r.contains("orb job `rust/lint-test-build`")),
            "{u:?}"
        );
        assert!(
            u.iter()
                .any(|(k, r)| *k == UnresolvedKind::NotFollowed && r.contains("`deploy`")),
            "{u:?}"
        );
        assert_eq!(u.len(), 2, "{u:?}");
    }

    #[test]
    fn setup_workflows_are_dynamic_and_version_2_runs_build() {
        let ci = run(&[(
            ".circleci/config.yml",
            "version: 2.1\nsetup: true\njobs:\n  build:\n    steps:\n      - run: cargo test\n",
        )]);
        let p = &ci.facts.pipelines[0];
        assert_eq!(kinds(p)[0].1, ActivityKind::Tests);
        assert!(
            unresolved(p)
                .iter()
                .any(|(k, _)| *k == UnresolvedKind::Dynamic)
        );
        let ci = run(&[(".circleci/config.yml", "jobs: [\n")]);
        assert!(ci.facts.pipelines[0].not_analysed.is_some());
    }
}
