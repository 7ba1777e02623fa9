//! GitLab CI: `.gitlab-ci.yml` and the local files it includes (`include: 'path'`,
//! `include: [{local: path}]`, `include: {local: …}`, globs), merged as GitLab merges them:
//! included files first, in order, the including file last and winning. Jobs (top-level
//! mappings that are not keywords and not hidden `.templates`) get their `before_script`,
//! `script` and `after_script` through `extends:` (deepest last), `<<:` merge keys,
//! `!reference [job, key]` and `default:`. Remote, project, template and component includes
//! are recorded as not read; a child pipeline from a local file is read as a pipeline of its
//! own, one from an artifact as generated at run time.

use std::collections::BTreeSet;

use regex::Regex;

use super::follow::{Follower, Shell, join};
use super::{Acc, broken, get, link, maybe_set, unread_file};
use crate::collect::files::Repo;
use crate::collect::files::yaml::{self, Node};
use crate::facts::FileRef;
use crate::facts::files::{Activity, CiJob, CiSystem, Link, Pipeline, UnresolvedKind};

const ENTRIES: &[&str] = &[".gitlab-ci.yml", ".gitlab-ci.yaml"];
/// Included files read per pipeline, and how deep includes nest (GitLab's own limits are 150
/// and 100).
const MAX_INCLUDES: usize = 100;
const MAX_INCLUDE_DEPTH: usize = 10;
/// `extends:` levels (GitLab's limit) and `!reference` levels followed.
const MAX_EXTENDS: usize = 11;
/// Child pipelines read from local files.
const MAX_CHILDREN: usize = 20;

/// Top-level keys that are not jobs.
const KEYWORDS: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "types",
    "spec",
];

/// One file of the merged configuration.
struct Doc {
    file: FileRef,
    node: Node,
}

/// The merged configuration: lowest precedence first, the entry file last.
struct Config {
    docs: Vec<Doc>,
}

/// One job definition: its file, the line of its name, its mapping.
type Def<'c> = (&'c FileRef, u32, &'c Node);

impl Config {
    /// The definitions of `name`, highest precedence first.
    fn defs(&self, name: &str) -> Vec<Def<'_>> {
        self.docs
            .iter()
            .rev()
            .flat_map(|d| {
                d.node
                    .entries()
                    .iter()
                    .filter(move |(k, v)| k.as_str() == Some(name) && v.is_map())
                    .map(move |(k, v)| (&d.file, k.line, v))
            })
            .collect()
    }

    /// The job names, in order of first appearance (entry file order wins for the line).
    fn jobs(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for d in self.docs.iter().rev() {
            for (k, v) in d.node.entries() {
                let Some(name) = k.as_str() else { continue };
                if KEYWORDS.contains(&name) || name.starts_with('.') || !v.is_map() {
                    continue;
                }
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_string());
                }
            }
        }
        names
    }

    /// `key` of job `name`: its own definitions first, then what it extends (the last named
    /// wins, as in GitLab). Names it extends that are nowhere are pushed to `missing`.
    fn lookup<'c>(
        &'c self,
        name: &str,
        key: &str,
        depth: usize,
        missing: &mut Vec<String>,
    ) -> Option<(&'c FileRef, &'c Node)> {
        let defs = self.defs(name);
        for (file, _, def) in &defs {
            if let Some(v) = get(def, key) {
                return Some((file, v));
            }
        }
        if depth >= MAX_EXTENDS {
            return None;
        }
        let extends = defs.iter().find_map(|(_, _, d)| get(d, "extends"))?;
        let names: Vec<&str> = match &extends.value {
            yaml::Value::Scalar(s) => vec![s.as_str()],
            yaml::Value::Seq(items) => items.iter().filter_map(Node::as_str).collect(),
            yaml::Value::Map(_) => vec![],
        };
        for parent in names.iter().rev() {
            if self.defs(parent).is_empty() {
                if !missing.iter().any(|m| m == parent) {
                    missing.push(parent.to_string());
                }
                continue;
            }
            if let Some(found) = self.lookup(parent, key, depth + 1, missing) {
                return Some(found);
            }
        }
        None
    }

    /// `default: KEY` (or the global KEY of older configurations), highest precedence first.
    fn default(&self, key: &str) -> Option<(&FileRef, &Node)> {
        self.docs.iter().rev().find_map(|d| {
            d.node
                .get("default")
                .and_then(|def| get(def, key))
                .or_else(|| d.node.get(key))
                .map(|v| (&d.file, v))
        })
    }

    /// The script lines of a `script:`-like value, `!reference [job, key]` resolved.
    fn lines<'c>(
        &'c self,
        file: &'c FileRef,
        node: &'c Node,
        depth: usize,
        out: &mut Vec<(&'c FileRef, u32, String)>,
        missing: &mut Vec<String>,
    ) {
        match &node.value {
            yaml::Value::Scalar(s) => out.push((file, node.line, s.clone())),
            yaml::Value::Seq(items) => {
                // A list of two or three names whose first is a job: a `!reference`.
                let names: Vec<&str> = items.iter().filter_map(Node::as_str).collect();
                if (2..=3).contains(&items.len())
                    && names.len() == items.len()
                    && !self.defs(names[0]).is_empty()
                    && depth < MAX_EXTENDS
                {
                    if let Some((f, v)) = self.lookup(names[0], names[1], 0, missing) {
                        self.lines(f, v, depth + 1, out, missing);
                    }
                    return;
                }
                for i in items {
                    self.lines(file, i, depth, out, missing);
                }
            }
            yaml::Value::Map(_) => {}
        }
    }
}

/// What an `include:` entry names.
enum Include {
    Local(String),
    NotRead(String),
    Unknown,
}

fn include(entry: &Node) -> Include {
    if let Some(s) = entry.as_str() {
        return if s.contains("://") {
            Include::NotRead(format!(
                "include of the remote file {s} is not read: cargo-sdl reads only the repository"
            ))
        } else {
            Include::Local(s.to_string())
        };
    }
    let val = |k: &str| entry.get(k).and_then(Node::as_str);
    if let Some(l) = val("local") {
        return Include::Local(l.to_string());
    }
    if let Some(r) = val("remote") {
        return Include::NotRead(format!(
            "include of the remote file {r} is not read: cargo-sdl reads only the repository"
        ));
    }
    if let Some(p) = val("project") {
        let files: Vec<String> = entry
            .get("file")
            .map(|f| super::scripts(f).into_iter().map(|(_, s)| s).collect())
            .unwrap_or_default();
        return Include::NotRead(format!(
            "include of {} from project {p} is not read: it is another repository",
            if files.is_empty() {
                "a file".to_string()
            } else {
                files.join(", ")
            }
        ));
    }
    if let Some(t) = val("template") {
        return Include::NotRead(format!(
            "include of the GitLab template {t} is not read: GitLab defines it, outside the \
             repository"
        ));
    }
    if let Some(c) = val("component") {
        return Include::NotRead(format!(
            "include of the CI/CD component {c} is not read: it is defined outside the \
             repository"
        ));
    }
    Include::Unknown
}

/// The files a local include names (a glob matches listed files).
fn local_paths(repo: &Repo<'_>, pattern: &str) -> Result<Vec<String>, String> {
    let p = pattern.trim().trim_start_matches('/');
    if p.contains('$') {
        return Err(format!(
            "`{pattern}` names a variable, not known before run time"
        ));
    }
    let Some(p) = join("", p) else {
        return Err(format!(
            "`{pattern}` leads outside the repository; not followed"
        ));
    };
    if !p.contains('*') {
        return if repo.has(&p) {
            Ok(vec![p])
        } else {
            Err(format!("`{pattern}` is not a file of the repository"))
        };
    }
    let mut re = String::from("^");
    let mut rest = p.as_str();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("**") {
            re.push_str(".*");
            rest = r;
        } else if let Some(r) = rest.strip_prefix('*') {
            re.push_str("[^/]*");
            rest = r;
        } else {
            let c = rest.chars().next().unwrap_or_default();
            re.push_str(&regex::escape(&c.to_string()));
            rest = &rest[c.len_utf8()..];
        }
    }
    re.push('$');
    let re = Regex::new(&re).map_err(|e| format!("`{pattern}`: {e}"))?;
    let found: Vec<String> = repo
        .files
        .iter()
        .filter(|f| re.is_match(f))
        .take(MAX_INCLUDES + 1)
        .cloned()
        .collect();
    if found.is_empty() {
        return Err(format!("`{pattern}` matches no file of the repository"));
    }
    Ok(found)
}

/// The entries of an `include:` (a string, a mapping or a list of either).
fn entries(node: &Node) -> Vec<&Node> {
    match &node.value {
        yaml::Value::Seq(items) => items.iter().collect(),
        _ => vec![node],
    }
}

/// Read the files `node` includes, depth-first, each before the file that includes it.
fn includes(
    repo: &Repo<'_>,
    acc: &mut Acc,
    file: &FileRef,
    node: &Node,
    depth: usize,
    seen: &mut BTreeSet<String>,
    docs: &mut Vec<Doc>,
) {
    let Some(inc) = node.get("include") else {
        return;
    };
    for e in entries(inc) {
        let text = e
            .as_str()
            .map(|s| format!("include: {s}"))
            .unwrap_or_else(|| {
                let kv: Vec<String> = e
                    .entries()
                    .iter()
                    .filter_map(|(k, v)| Some(format!("{}: {}", k.as_str()?, v.as_str()?)))
                    .collect();
                format!("include: {{{}}}", kv.join(", "))
            });
        let here = [link(file, e.line, &text)];
        let pattern = match include(e) {
            Include::Local(p) => p,
            Include::NotRead(why) => {
                acc.unresolved(UnresolvedKind::NotRead, &here, why);
                continue;
            }
            Include::Unknown => {
                acc.unresolved(
                    UnresolvedKind::NotFollowed,
                    &here,
                    "an include entry cargo-sdl does not understand".into(),
                );
                continue;
            }
        };
        let paths = match local_paths(repo, &pattern) {
            Ok(p) => p,
            Err(why) => {
                acc.unresolved(UnresolvedKind::NotFollowed, &here, why);
                continue;
            }
        };
        for p in paths {
            if !seen.insert(p.clone()) {
                continue; // already read: a cycle, or included twice
            }
            if depth >= MAX_INCLUDE_DEPTH || seen.len() > MAX_INCLUDES + 1 {
                acc.unresolved(
                    UnresolvedKind::NotFollowed,
                    &here,
                    format!(
                        "{p}: more than {MAX_INCLUDES} includes, or nested more than \
                         {MAX_INCLUDE_DEPTH} deep; not read"
                    ),
                );
                continue;
            }
            let t = match repo.read(&p) {
                Ok(t) => t,
                Err(e) => {
                    if let Some(f) = &e.file {
                        acc.read(f);
                    }
                    acc.unresolved(
                        UnresolvedKind::NotFollowed,
                        &here,
                        format!("{p} {}", e.reason),
                    );
                    continue;
                }
            };
            acc.read(&t.file);
            match yaml::parse(&t.text) {
                Ok(n) if n.is_map() => {
                    includes(repo, acc, &t.file, &n, depth + 1, seen, docs);
                    docs.push(Doc {
                        file: t.file,
                        node: n,
                    });
                }
                Ok(_) => acc.unresolved(
                    UnresolvedKind::NotFollowed,
                    &here,
                    format!("{p} is not a YAML mapping"),
                ),
                Err(why) => acc.unresolved(
                    UnresolvedKind::NotFollowed,
                    &here,
                    format!("{p} is not valid YAML: {why}"),
                ),
            }
        }
    }
}

/// GitLab CI's pipelines: the entry file's, then the child pipelines of local files.
pub(super) fn read(repo: &Repo<'_>, follower: &Follower<'_, '_>) -> Vec<Pipeline> {
    let Some(entry) = ENTRIES.iter().find(|p| repo.has(p)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut children: Vec<String> = vec![entry.to_string()];
    let mut seen = BTreeSet::new();
    while let Some(path) = children.pop() {
        if !seen.insert(path.clone()) {
            continue;
        }
        if out.len() > MAX_CHILDREN {
            break;
        }
        out.push(pipeline(repo, follower, &path, &mut children));
    }
    out
}

fn pipeline(
    repo: &Repo<'_>,
    follower: &Follower<'_, '_>,
    path: &str,
    children: &mut Vec<String>,
) -> Pipeline {
    let t = match repo.read(path) {
        Ok(t) => t,
        Err(e) => return broken(CiSystem::GitlabCi, unread_file(path, &e), e.reason),
    };
    let main = match yaml::parse(&t.text) {
        Ok(n) if n.is_map() => n,
        Ok(_) => {
            return broken(
                CiSystem::GitlabCi,
                t.file,
                "not a GitLab CI configuration: the document is not a mapping".into(),
            );
        }
        Err(why) => {
            return broken(CiSystem::GitlabCi, t.file, format!("not valid YAML: {why}"));
        }
    };
    let mut acc = Acc::default();
    let mut docs = Vec::new();
    let mut seen = BTreeSet::from([path.to_string()]);
    includes(repo, &mut acc, &t.file, &main, 0, &mut seen, &mut docs);
    docs.push(Doc {
        file: t.file.clone(),
        node: main,
    });
    let cfg = Config { docs };
    let mut jobs = Vec::new();
    for name in cfg.jobs() {
        acc.job = Some(name.clone());
        let Some((file, line, _)) = cfg.defs(&name).into_iter().next() else {
            continue;
        };
        let here = [link(file, line, &format!("{name}:"))];
        let mut missing = Vec::new();
        let mut activities: Vec<Activity> = Vec::new();
        let inherit = cfg
            .lookup(&name, "inherit", 0, &mut missing)
            .map(|(_, n)| n);
        let inherits = |key: &str| match inherit.and_then(|i| i.get("default")) {
            None => true,
            Some(d) => match &d.value {
                yaml::Value::Scalar(s) => s != "false",
                yaml::Value::Seq(items) => items.iter().any(|i| i.as_str() == Some(key)),
                yaml::Value::Map(_) => true,
            },
        };
        for key in ["before_script", "script", "after_script"] {
            let value = cfg.lookup(&name, key, 0, &mut missing).or_else(|| {
                (key != "script" && inherits(key))
                    .then(|| cfg.default(key))
                    .flatten()
            });
            let Some((f, v)) = value else { continue };
            let mut lines = Vec::new();
            cfg.lines(f, v, 0, &mut lines, &mut missing);
            for (lf, l, text) in lines {
                let found = follower.script(&mut acc, lf, l, &text, "", Shell::ERREXIT);
                if key == "after_script" {
                    // GitLab ignores the status of `after_script`: it fails nothing.
                    acc.demote(
                        found,
                        "it runs in `after_script`, whose failure does not fail the job",
                    );
                    continue;
                }
                for a in found {
                    if !activities.iter().any(|o| o.kind == a.kind) {
                        activities.push(a);
                    }
                }
            }
        }
        // A job that never runs by itself (`when: never`, `when: manual`, every rule so)
        // counts for nothing; one whose failure is allowed is undecided.
        let when = cfg
            .lookup(&name, "when", 0, &mut missing)
            .and_then(|(_, n)| n.as_str().map(str::to_string));
        let rules: Vec<&Node> = cfg
            .lookup(&name, "rules", 0, &mut missing)
            .map(|(_, n)| n.items().iter().collect())
            .unwrap_or_default();
        let idle = |w: Option<&str>| matches!(w, Some("never" | "manual" | "on_failure"));
        let never = if rules.is_empty() {
            idle(when.as_deref())
        } else {
            rules
                .iter()
                .all(|r| idle(r.get("when").and_then(Node::as_str).or(when.as_deref())))
        };
        let allowed = maybe_set(
            cfg.lookup(&name, "allow_failure", 0, &mut missing)
                .map(|(_, n)| n),
        ) || rules.iter().any(|r| maybe_set(r.get("allow_failure")));
        if never {
            activities.clear();
        } else if allowed {
            acc.demote(
                std::mem::take(&mut activities),
                "the job has `allow_failure`, so its failure is ignored",
            );
        }
        if let Some((f, trigger)) = cfg.lookup(&name, "trigger", 0, &mut missing) {
            trigger_of(repo, &mut acc, f, trigger, children);
        }
        for m in missing {
            acc.unresolved(
                UnresolvedKind::NotFollowed,
                &here,
                format!(
                    "job `{name}` extends or references `{m}`, which no file read defines \
                     (it may come from an include that was not read)"
                ),
            );
        }
        jobs.push(CiJob {
            name,
            file: file.clone(),
            line,
            activities,
        });
    }
    acc.job = None;
    acc.finish(CiSystem::GitlabCi, t.file, None, jobs)
}

/// A `trigger:`: a downstream project is not read; a child pipeline from a local file is read
/// as a pipeline of its own; one from an artifact is generated at run time.
fn trigger_of(
    repo: &Repo<'_>,
    acc: &mut Acc,
    file: &FileRef,
    trigger: &Node,
    children: &mut Vec<String>,
) {
    let here: Vec<Link> = vec![link(file, trigger.line, "trigger:")];
    if let Some(p) = trigger
        .as_str()
        .or_else(|| trigger.get("project").and_then(Node::as_str))
    {
        acc.unresolved(
            UnresolvedKind::NotRead,
            &here,
            format!("triggers a pipeline of project {p}, another repository"),
        );
        return;
    }
    let Some(inc) = trigger.get("include") else {
        return;
    };
    for e in entries(inc) {
        let at = [link(file, e.line, "trigger: include")];
        if let Some(a) = e.get("artifact").and_then(Node::as_str) {
            let job = e.get("job").and_then(Node::as_str).unwrap_or("another job");
            acc.unresolved(
                UnresolvedKind::Dynamic,
                &at,
                format!("runs a child pipeline generated at run time (artifact {a} of job {job})"),
            );
            continue;
        }
        match include(e) {
            Include::Local(p) => match local_paths(repo, &p) {
                Ok(paths) => children.extend(paths),
                Err(why) => acc.unresolved(UnresolvedKind::NotFollowed, &at, why),
            },
            Include::NotRead(why) => acc.unresolved(UnresolvedKind::NotRead, &at, why),
            Include::Unknown => acc.unresolved(
                UnresolvedKind::NotFollowed,
                &at,
                "a child-pipeline include cargo-sdl does not understand".into(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::collect::files::ci::testing::{kinds, run, unresolved};
    use crate::facts::files::{ActivityKind, UnresolvedKind};

    #[test]
    fn includes_extends_defaults_and_references() {
        let main = "include:\n  - local: /ci/templates.yml\n  - 'ci/lint.yml'\n  - remote: https://example.com/x.yml\n  - template: Security/SAST.gitlab-ci.yml\n  - project: group/ci\n    file: rust.yml\ndefault:\n  before_script:\n    - cargo audit\nstages: [test]\ntest:\n  extends: .rust\n  script:\n    - !reference [.setup, script]\n    - cargo test --workspace\n.hidden:\n  script: cargo fuzz run x\n";
        let templates = ".rust:\n  image: rust\n  after_script: [cargo clippy]\n.setup:\n  script:\n    - echo setup\n";
        let lint =
            "include: ci/lint.yml\nlint:\n  inherit:\n    default: false\n  script: make lint\n";
        let ci = run(&[
            (".gitlab-ci.yml", main),
            ("ci/templates.yml", templates),
            ("ci/lint.yml", lint),
        ]);
        let p = &ci.facts.pipelines[0];
        assert_eq!(ci.facts.systems, [crate::facts::files::CiSystem::GitlabCi]);
        let got = kinds(p);
        assert_eq!(
            got,
            [
                (
                    "test".into(),
                    ActivityKind::DependencyAudit,
                    vec![".gitlab-ci.yml:10 cargo audit".into()]
                ),
                (
                    "test".into(),
                    ActivityKind::Tests,
                    vec![".gitlab-ci.yml:16 cargo test --workspace".into()]
                ),
            ],
            "{:?}",
            p.unresolved
        );
        // `after_script` fails nothing: its `cargo clippy` is undecided, not a pass.
        assert!(
            p.unresolved
                .iter()
                .any(|u| u.activity == Some(ActivityKind::Clippy)
                    && u.reason.contains("after_script")),
            "{:?}",
            p.unresolved
        );
        let jobs: Vec<&str> = p.jobs.iter().map(|j| j.name.as_str()).collect();
        assert_eq!(jobs, ["test", "lint"], "hidden jobs do not run");
        let read: Vec<&str> = p.files_read.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(read, ["ci/templates.yml", "ci/lint.yml"]);
        let u = unresolved(p);
        assert_eq!(
            u.iter()
                .filter(|(k, _)| *k == UnresolvedKind::NotRead)
                .count(),
            3,
            "{u:?}"
        );
        assert!(
            u.iter()
                .any(|(_, r)| r.contains("remote file https://example.com/x.yml"))
        );
        assert!(u.iter().any(|(_, r)| r.contains("template Security/SAST")));
        assert!(u.iter().any(|(_, r)| r.contains("from project group/ci")));
        // `make lint` has no Makefile to follow.
        assert!(
            u.iter()
                .any(|(k, r)| *k == UnresolvedKind::NotFollowed && r.contains("no Makefile")),
            "{u:?}"
        );
    }

    #[test]
    fn include_cycles_end_and_paths_outside_are_refused() {
        let ci = run(&[
            (
                ".gitlab-ci.yml",
                "include: a.yml\njob:\n  script: cargo test\n",
            ),
            ("a.yml", "include: [b.yml, ../../etc/passwd, '/$X/y.yml']\n"),
            (
                "b.yml",
                "include: {local: a.yml}\nother:\n  script: [cargo clippy]\n",
            ),
        ]);
        let p = &ci.facts.pipelines[0];
        let names: Vec<&str> = p.jobs.iter().map(|j| j.name.as_str()).collect();
        assert_eq!(names, ["job", "other"]);
        let u = unresolved(p);
        assert!(
            u.iter()
                .any(|(_, r)| r.contains("leads outside the repository")),
            "{u:?}"
        );
        assert!(
            u.iter().any(|(_, r)| r.contains("names a variable")),
            "{u:?}"
        );
    }

    #[test]
    fn child_pipelines_static_and_generated() {
        let ci = run(&[
            (
                ".gitlab-ci.yml",
                "gen:\n  script: ./gen.sh > child.yml\n  artifacts: {paths: [child.yml]}\nrun:\n  trigger:\n    include:\n      - artifact: child.yml\n        job: gen\nstatic:\n  trigger:\n    include: ci/child.yml\ndown:\n  trigger: group/other\n",
            ),
            ("gen.sh", "echo 'test: {script: cargo test}'\n"),
            ("ci/child.yml", "unit:\n  script: cargo nextest run\n"),
        ]);
        assert_eq!(ci.facts.pipelines.len(), 2);
        let u = unresolved(&ci.facts.pipelines[0]);
        assert!(
            u.iter().any(|(k, r)| *k == UnresolvedKind::Dynamic
                && r.contains("artifact child.yml of job gen")),
            "{u:?}"
        );
        assert!(
            u.iter()
                .any(|(k, r)| *k == UnresolvedKind::NotRead && r.contains("group/other")),
            "{u:?}"
        );
        assert!(kinds(&ci.facts.pipelines[0]).is_empty(), "echo is no test");
        let child = &ci.facts.pipelines[1];
        assert_eq!(child.file.path, "ci/child.yml");
        assert_eq!(kinds(child)[0].1, ActivityKind::Tests);
    }

    #[test]
    fn broken_configuration_is_kept_with_the_reason() {
        let ci = run(&[(".gitlab-ci.yml", "job: [\n")]);
        let p = &ci.facts.pipelines[0];
        assert!(
            p.not_analysed
                .as_deref()
                .unwrap()
                .starts_with("not valid YAML")
        );
    }
}
