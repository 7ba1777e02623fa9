//! Azure Pipelines: `azure-pipelines.yml`, `.azure-pipelines.yml` and `.azure-pipelines/*.yml`
//! (those another pipeline uses as a template are templates, not pipelines). `stages` → `jobs`
//! (and deployment strategies) → `steps`; `script:`, `bash:`, `pwsh:`, `powershell:` steps and
//! the `Bash@3`, `CmdLine@2`, `PowerShell@2`, `ShellScript@2` tasks (inline or a script file);
//! `template:` references to files of the repository followed, at every level, relative to the
//! file that names them (`/path` from the root), bounded in depth and number. A template of
//! another repository (`path@resource`) is recorded as not read. `${{ if … }}` blocks are read
//! as if taken.

use std::collections::BTreeSet;

use super::follow::{Follower, Shell, dir_of, join};
use super::{Acc, MAX_PIPELINE_FILES, broken, link, literally_false, maybe_set, unread_file};
use crate::collect::files::Repo;
use crate::collect::files::yaml::{self, Node};
use crate::facts::FileRef;
use crate::facts::files::{Activity, CiJob, CiSystem, Link, Pipeline, UnresolvedKind};

const ENTRIES: &[&str] = &[
    "azure-pipelines.yml",
    "azure-pipelines.yaml",
    ".azure-pipelines.yml",
    ".azure-pipelines.yaml",
];
const DIR: &str = ".azure-pipelines/";
/// Templates read per pipeline, and how deep they nest (Azure's own limits are 100 and 20).
const MAX_TEMPLATES: usize = 50;
const MAX_TEMPLATE_DEPTH: usize = 10;

/// The steps that run a script, and the key that holds it.
const SCRIPT_KEYS: &[&str] = &["script", "bash", "pwsh", "powershell"];

/// Keep the first activity of each kind.
fn merge(out: &mut Vec<Activity>, more: Vec<Activity>) {
    for a in more {
        if !out.iter().any(|o| o.kind == a.kind) {
            out.push(a);
        }
    }
}

/// The items of a list, `${{ if … }}:` and `${{ each … }}:` blocks flattened.
fn items(node: Option<&Node>) -> Vec<&Node> {
    let mut out = Vec::new();
    let mut stack: Vec<&Node> = node
        .map(|n| n.items().iter().rev().collect())
        .unwrap_or_default();
    while let Some(n) = stack.pop() {
        let entries = n.entries();
        if entries.len() == 1
            && entries[0]
                .0
                .as_str()
                .is_some_and(|k| k.trim_start().starts_with("${{"))
        {
            stack.extend(entries[0].1.items().iter().rev());
            continue;
        }
        out.push(n);
    }
    out
}

/// Where a template is used.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Root,
    Stages,
    Jobs,
    Steps,
}

struct Walker<'w, 'r, 'a> {
    repo: &'w Repo<'a>,
    follower: &'w Follower<'r, 'a>,
    acc: Acc,
    jobs: Vec<CiJob>,
    templates: usize,
    /// Template files on the current path, for cycles.
    active: Vec<String>,
}

impl Walker<'_, '_, '_> {
    fn root(&mut self, file: &FileRef, doc: &Node, chain: &[Link]) {
        if let Some(t) = doc.get("extends").and_then(|e| e.get("template")) {
            self.template(file, t, chain, Level::Root);
        }
        for s in items(doc.get("stages")) {
            self.stage(file, s, chain);
        }
        for j in items(doc.get("jobs")) {
            self.job(file, j, chain);
        }
        if let Some(steps) = doc.get("steps") {
            self.acc.job = Some("Job".into());
            let activities = self.steps(file, steps, chain);
            self.jobs.push(CiJob {
                name: "Job".into(),
                file: file.clone(),
                line: steps.line,
                activities,
            });
        }
    }

    fn stage(&mut self, file: &FileRef, stage: &Node, chain: &[Link]) {
        if let Some(t) = stage.get("template") {
            self.template(file, t, chain, Level::Stages);
            return;
        }
        if literally_false(stage.get("condition")) {
            // A stage that never runs.
            return;
        }
        for j in items(stage.get("jobs")) {
            self.job(file, j, chain);
        }
    }

    fn job(&mut self, file: &FileRef, job: &Node, chain: &[Link]) {
        if let Some(t) = job.get("template") {
            self.template(file, t, chain, Level::Jobs);
            return;
        }
        let name = job
            .get("job")
            .or_else(|| job.get("deployment"))
            .and_then(Node::as_str)
            .unwrap_or("Job")
            .to_string();
        self.acc.job = Some(name.clone());
        let mut activities = Vec::new();
        if let Some(steps) = job.get("steps") {
            merge(&mut activities, self.steps(file, steps, chain));
        }
        // Deployment jobs: strategy → runOnce | rolling | canary → hooks → steps.
        let mut stack: Vec<(&Node, usize)> =
            job.get("strategy").map(|s| (s, 0)).into_iter().collect();
        while let Some((n, depth)) = stack.pop() {
            for (k, v) in n.entries() {
                if k.as_str() == Some("steps") {
                    merge(&mut activities, self.steps(file, v, chain));
                } else if v.is_map() && depth < 4 {
                    stack.push((v, depth + 1));
                }
            }
        }
        if literally_false(job.get("condition")) {
            activities.clear();
        } else if maybe_set(job.get("continueOnError")) {
            self.acc.demote(
                std::mem::take(&mut activities),
                "the job has `continueOnError`, so its failure is ignored",
            );
        }
        self.jobs.push(CiJob {
            name,
            file: file.clone(),
            line: job.line,
            activities,
        });
    }

    fn steps(&mut self, file: &FileRef, steps: &Node, chain: &[Link]) -> Vec<Activity> {
        let mut out = Vec::new();
        for step in items(Some(steps)) {
            if let Some(t) = step.get("template") {
                merge(&mut out, self.template(file, t, chain, Level::Steps));
                continue;
            }
            if literally_false(step.get("condition")) || literally_false(step.get("enabled")) {
                continue;
            }
            let mut found = Vec::new();
            let cwd = step
                .get("workingDirectory")
                .and_then(Node::as_str)
                .and_then(|d| if d.contains('$') { None } else { join("", d) })
                .unwrap_or_default();
            for key in SCRIPT_KEYS {
                if let Some(v) = step.get(key)
                    && let Some(text) = v.as_str()
                {
                    merge(
                        &mut found,
                        self.follower.script_after(
                            &mut self.acc,
                            chain,
                            file,
                            v.line,
                            text,
                            &cwd,
                            // Azure runs a script step without `set -e`.
                            Shell::PLAIN,
                        ),
                    );
                }
            }
            if let Some(task) = step.get("task").and_then(Node::as_str) {
                merge(&mut found, self.task(file, step, task, chain, &cwd));
            }
            if maybe_set(step.get("continueOnError")) {
                self.acc.demote(
                    found,
                    "the step has `continueOnError`, so its failure is ignored",
                );
            } else {
                merge(&mut out, found);
            }
        }
        out
    }

    /// The script tasks: an inline script, or a script file of the repository.
    fn task(
        &mut self,
        file: &FileRef,
        step: &Node,
        task: &str,
        chain: &[Link],
        cwd: &str,
    ) -> Vec<Activity> {
        let name = task
            .split('@')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !matches!(
            name.as_str(),
            "bash" | "cmdline" | "powershell" | "shellscript"
        ) {
            return Vec::new();
        }
        let Some(inputs) = step.get("inputs") else {
            return Vec::new();
        };
        // Bash@3 and PowerShell@2 run `filePath` unless `targetType: inline`; CmdLine@2 has
        // only an inline script, ShellScript@2 only a file.
        let inline = name == "cmdline"
            || inputs
                .get("targetType")
                .and_then(Node::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case("inline"));
        let mut out = Vec::new();
        if let Some(s) = inputs.get("script")
            && let Some(text) = s.as_str()
            && inline
        {
            merge(
                &mut out,
                self.follower.script_after(
                    &mut self.acc,
                    chain,
                    file,
                    s.line,
                    text,
                    cwd,
                    Shell::PLAIN,
                ),
            );
        }
        for key in ["filePath", "scriptPath"] {
            if inline {
                break;
            }
            if let Some(p) = inputs.get(key)
                && let Some(path) = p.as_str()
            {
                let mut here = chain.to_vec();
                here.push(link(file, p.line, &format!("{task} {key}: {path}")));
                let path = path
                    .trim_start_matches("$(System.DefaultWorkingDirectory)/")
                    .trim_start_matches("$(Build.SourcesDirectory)/");
                merge(
                    &mut out,
                    self.follower.script_file(&mut self.acc, &here, path, ""),
                );
            }
        }
        out
    }

    /// A `template:` reference: read and walked at `level`; the activities of a steps
    /// template belong to the step that uses it.
    fn template(
        &mut self,
        file: &FileRef,
        node: &Node,
        chain: &[Link],
        level: Level,
    ) -> Vec<Activity> {
        let Some(path) = node.as_str() else {
            return Vec::new();
        };
        let mut here = chain.to_vec();
        here.push(link(file, node.line, &format!("template: {path}")));
        if let Some((p, resource)) = path.rsplit_once('@') {
            self.acc.unresolved(
                UnresolvedKind::NotRead,
                &here,
                format!("template {p} of repository resource `{resource}` is not read: it is another repository"),
            );
            return Vec::new();
        }
        let Some(rel) = resolve(&file.path, path) else {
            self.acc.unresolved(
                UnresolvedKind::NotFollowed,
                &here,
                format!("template `{path}` is not a path inside the repository (an expression, absolute, or climbing out)"),
            );
            return Vec::new();
        };
        if !self.repo.has(&rel) {
            self.acc.unresolved(
                UnresolvedKind::NotFollowed,
                &here,
                format!("template {rel} is not a file of the repository"),
            );
            return Vec::new();
        }
        if self.active.contains(&rel) {
            return Vec::new(); // a template that uses itself
        }
        if self.active.len() >= MAX_TEMPLATE_DEPTH || self.templates >= MAX_TEMPLATES {
            self.acc.unresolved(
                UnresolvedKind::NotFollowed,
                &here,
                format!(
                    "template {rel}: more than {MAX_TEMPLATES} templates, or nested more than \
                     {MAX_TEMPLATE_DEPTH} deep; not read"
                ),
            );
            return Vec::new();
        }
        self.templates += 1;
        let t = match self.repo.read(&rel) {
            Ok(t) => t,
            Err(e) => {
                if let Some(f) = &e.file {
                    self.acc.read(f);
                }
                self.acc.unresolved(
                    UnresolvedKind::NotFollowed,
                    &here,
                    format!("{rel} {}", e.reason),
                );
                return Vec::new();
            }
        };
        self.acc.read(&t.file);
        let doc = match yaml::parse(&t.text) {
            Ok(d) => d,
            Err(why) => {
                self.acc.unresolved(
                    UnresolvedKind::NotFollowed,
                    &here,
                    format!("template {rel} is not valid YAML: {why}"),
                );
                return Vec::new();
            }
        };
        self.active.push(rel);
        let job = self.acc.job.clone();
        let mut out = Vec::new();
        match level {
            Level::Root => self.root(&t.file, &doc, &here),
            Level::Stages => {
                for s in items(doc.get("stages")) {
                    self.stage(&t.file, s, &here);
                }
            }
            Level::Jobs => {
                for j in items(doc.get("jobs")) {
                    self.job(&t.file, j, &here);
                }
            }
            Level::Steps => {
                if let Some(steps) = doc.get("steps") {
                    out = self.steps(&t.file, steps, &here);
                }
            }
        }
        self.acc.job = job;
        self.active.pop();
        out
    }
}

/// A template path: from the root when it starts with `/`, else from the naming file's folder.
fn resolve(from: &str, path: &str) -> Option<String> {
    if path.contains("${{") || path.contains("$(") {
        return None;
    }
    match path.strip_prefix('/') {
        Some(abs) => join("", abs),
        None => join(dir_of(from), path),
    }
}

/// The `template:` values anywhere in a document, resolved.
fn template_refs(from: &str, doc: &Node, out: &mut BTreeSet<String>) {
    let mut stack = vec![doc];
    while let Some(n) = stack.pop() {
        match &n.value {
            yaml::Value::Map(entries) => {
                for (k, v) in entries {
                    if k.as_str() == Some("template")
                        && let Some(p) = v.as_str()
                        && let Some(r) = resolve(from, p)
                    {
                        out.insert(r);
                    }
                    stack.push(v);
                }
            }
            yaml::Value::Seq(items) => stack.extend(items),
            yaml::Value::Scalar(_) => {}
        }
    }
}

pub(super) fn read(repo: &Repo<'_>, follower: &Follower<'_, '_>) -> Vec<Pipeline> {
    let mut candidates: Vec<String> = ENTRIES
        .iter()
        .filter(|p| repo.has(p))
        .map(|p| p.to_string())
        .collect();
    candidates.extend(
        repo.under(DIR)
            .filter(|f| f.ends_with(".yml") || f.ends_with(".yaml"))
            .take(MAX_PIPELINE_FILES)
            .cloned(),
    );
    let mut parsed = Vec::new();
    let mut templates = BTreeSet::new();
    for path in candidates {
        match repo.read(&path) {
            Ok(t) => match yaml::parse(&t.text) {
                Ok(doc) => {
                    template_refs(&path, &doc, &mut templates);
                    parsed.push(Ok((t.file, doc)));
                }
                Err(why) => parsed.push(Err(broken(
                    CiSystem::AzurePipelines,
                    t.file,
                    format!("not valid YAML: {why}"),
                ))),
            },
            Err(e) => parsed.push(Err(broken(
                CiSystem::AzurePipelines,
                unread_file(&path, &e),
                e.reason,
            ))),
        }
    }
    let mut out = Vec::new();
    for p in parsed {
        match p {
            Err(b) => {
                if !templates.contains(&b.file.path) {
                    out.push(b);
                }
            }
            Ok((file, doc)) => {
                // A file of .azure-pipelines/ that another uses is a template, not a pipeline.
                if templates.contains(&file.path) && file.path.starts_with(DIR) {
                    continue;
                }
                let mut w = Walker {
                    repo,
                    follower,
                    acc: Acc::default(),
                    jobs: Vec::new(),
                    templates: 0,
                    active: vec![file.path.clone()],
                };
                w.root(&file, &doc, &[]);
                let name = doc.get("name").and_then(Node::as_str).map(str::to_string);
                let Walker { acc, jobs, .. } = w;
                let mut acc = acc;
                acc.job = None;
                out.push(acc.finish(CiSystem::AzurePipelines, file, name, jobs));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::collect::files::ci::testing::{kinds, run, unresolved};
    use crate::facts::files::{ActivityKind, UnresolvedKind};

    #[test]
    fn stages_jobs_steps_tasks_and_templates() {
        let main = "trigger: [main]\nstages:\n  - stage: Build\n    jobs:\n      - job: Test\n        steps:\n          - checkout: self\n          - template: .azure-pipelines/steps/test.yml\n          - bash: cargo clippy --all-targets\n      - template: templates/jobs.yml@shared\n  - template: /.azure-pipelines/stages.yml\n";
        let steps = "parameters: []\nsteps:\n  - script: |\n      cargo build\n      cargo test --workspace\n";
        let stages = "stages:\n  - stage: Audit\n    jobs:\n      - deployment: Audit\n        strategy:\n          runOnce:\n            deploy:\n              steps:\n                - task: Bash@3\n                  inputs:\n                    targetType: inline\n                    script: cargo deny check\n                - task: Bash@3\n                  inputs:\n                    filePath: ci/fuzz.sh\n                - ${{ if eq(1, 1) }}:\n                  - pwsh: cargo nextest run\n";
        let ci = run(&[
            ("azure-pipelines.yml", main),
            (".azure-pipelines/steps/test.yml", steps),
            (".azure-pipelines/stages.yml", stages),
            ("ci/fuzz.sh", "cargo fuzz run parse -- -max_total_time=60\n"),
        ]);
        assert_eq!(ci.facts.pipelines.len(), 1, "templates are not pipelines");
        let p = &ci.facts.pipelines[0];
        assert_eq!(
            kinds(p),
            [
                (
                    "Test".into(),
                    ActivityKind::Tests,
                    vec![
                        "azure-pipelines.yml:8 template: .azure-pipelines/steps/test.yml".into(),
                        ".azure-pipelines/steps/test.yml:5 cargo test --workspace".into()
                    ]
                ),
                (
                    "Test".into(),
                    ActivityKind::Clippy,
                    vec!["azure-pipelines.yml:9 cargo clippy --all-targets".into()]
                ),
                (
                    "Audit".into(),
                    ActivityKind::DependencyAudit,
                    vec![
                        "azure-pipelines.yml:11 template: /.azure-pipelines/stages.yml".into(),
                        ".azure-pipelines/stages.yml:12 cargo deny check".into()
                    ]
                ),
                (
                    "Audit".into(),
                    ActivityKind::Fuzzing,
                    vec![
                        "azure-pipelines.yml:11 template: /.azure-pipelines/stages.yml".into(),
                        ".azure-pipelines/stages.yml:15 Bash@3 filePath: ci/fuzz.sh".into(),
                        "ci/fuzz.sh:1 cargo fuzz run parse -- -max_total_time=60".into()
                    ]
                ),
                (
                    "Audit".into(),
                    ActivityKind::Tests,
                    vec![
                        "azure-pipelines.yml:11 template: /.azure-pipelines/stages.yml".into(),
                        ".azure-pipelines/stages.yml:17 cargo nextest run".into()
                    ]
                ),
            ]
        );
        let u = unresolved(p);
        assert_eq!(u.len(), 1, "{u:?}");
        assert_eq!(u[0].0, UnresolvedKind::NotRead);
        assert!(u[0].1.contains("resource `shared`"));
        let read: Vec<&str> = p.files_read.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            read,
            [
                ".azure-pipelines/steps/test.yml",
                ".azure-pipelines/stages.yml",
                "ci/fuzz.sh"
            ]
        );
    }

    #[test]
    fn template_cycles_end() {
        let ci = run(&[
            ("azure-pipelines.yml", "steps:\n  - template: a.yml\n"),
            (
                "a.yml",
                "steps:\n  - template: b.yml\n  - script: cargo test\n",
            ),
            (
                "b.yml",
                "steps:\n  - template: a.yml\n  - template: ../outside.yml\n",
            ),
        ]);
        let p = &ci.facts.pipelines[0];
        assert_eq!(kinds(p).len(), 1);
        assert!(
            unresolved(p)
                .iter()
                .any(|(_, r)| r.contains("not a path inside")),
            "{:?}",
            p.unresolved
        );
    }
}
