//! CI configuration, whatever the system: GitHub Actions, GitLab CI, Azure Pipelines, Jenkins,
//! Buildkite and CircleCI, each read by its own module into one shape ([`CiFacts`]):
//! pipelines, jobs, and the activities their steps perform, each with the chain of files and
//! lines that shows it. Steps are followed into the repository (`follow`): make targets, just
//! recipes, xtask subcommands, scripts, cargo aliases.
//!
//! Everything is read through the collector's checked reader ([`Repo::read`]): listed files
//! only, inside the repository, each under the size cap. Nothing is run. What cannot be read or
//! followed is recorded with the reason ([`Unresolved`]), as are pipelines generated at run
//! time, so that a rule that finds no activity can tell "not there" from "not visible".

mod azure;
mod buildkite;
mod circleci;
mod commands;
mod follow;
mod github;
mod github_env;
mod gitlab;
mod jenkins;

use std::sync::LazyLock;

use regex::Regex;

use super::yaml::{self, Node};
use super::{NotRead, Repo};
use crate::facts::FileRef;
use crate::facts::files::{
    Activity, ActivityKind, CiFacts, CiJob, CiSystem, CompositeAction, FuzzingService, Link,
    Pipeline, Unresolved, UnresolvedKind, Workflow,
};
use follow::Follower;

pub(super) use github::composite_action;

/// Unresolved references kept per pipeline; beyond them, one more says how many were dropped.
const MAX_UNRESOLVED: usize = 100;
/// Link texts are cut to this many characters.
const MAX_LINK_TEXT: usize = 200;
/// Pipeline files read per system (a vendored collection of workflows cannot dominate).
pub(super) const MAX_PIPELINE_FILES: usize = 100;

/// What one pipeline's reading gathered besides its jobs.
#[derive(Debug, Default)]
pub(super) struct Acc {
    files_read: Vec<FileRef>,
    unresolved: Vec<Unresolved>,
    dropped: usize,
    /// The job being read, for the unresolved references met in it.
    pub(super) job: Option<String>,
    commands: usize,
    exhausted: bool,
}

impl Acc {
    /// A file read for this pipeline.
    pub(super) fn read(&mut self, f: &FileRef) {
        if !self.files_read.iter().any(|x| x.path == f.path) {
            self.files_read.push(f.clone());
        }
    }

    pub(super) fn unresolved(&mut self, kind: UnresolvedKind, chain: &[Link], reason: String) {
        self.push(Unresolved {
            kind,
            job: self.job.clone(),
            activity: None,
            chain: chain.to_vec(),
            reason,
        });
    }

    /// `kind` is left undecided by what `chain` ends at, for `reason`: it does not count, and
    /// a rule that finds it nowhere else is unknown.
    pub(super) fn undecided(&mut self, kind: ActivityKind, chain: &[Link], reason: String) {
        self.push(Unresolved {
            kind: UnresolvedKind::NotFollowed,
            job: self.job.clone(),
            activity: Some(kind),
            chain: chain.to_vec(),
            reason,
        });
    }

    /// Activities that do not count, for `reason`: each left undecided.
    pub(super) fn demote(&mut self, activities: Vec<Activity>, reason: &str) {
        for a in activities {
            let why = match a.chain.last() {
                Some(l) => format!("`{}`: {reason}", l.text),
                None => reason.to_string(),
            };
            self.undecided(a.kind, &a.chain, why);
        }
    }

    fn push(&mut self, u: Unresolved) {
        if self.unresolved.contains(&u) {
            return;
        }
        if self.unresolved.len() >= MAX_UNRESOLVED {
            self.dropped += 1;
            return;
        }
        self.unresolved.push(u);
    }

    /// Count one command looked at; false (recorded once) when the budget is spent.
    pub(super) fn tick(&mut self, chain: &[Link]) -> bool {
        if self.exhausted {
            return false;
        }
        self.commands += 1;
        if self.commands > follow::MAX_COMMANDS {
            self.exhausted = true;
            self.unresolved(
                UnresolvedKind::NotFollowed,
                chain,
                format!(
                    "more than {} commands in this pipeline; the rest were not looked at",
                    follow::MAX_COMMANDS
                ),
            );
            return false;
        }
        true
    }

    /// The pipeline, its own file left out of the files read.
    pub(super) fn finish(
        mut self,
        system: CiSystem,
        file: FileRef,
        name: Option<String>,
        jobs: Vec<CiJob>,
    ) -> Pipeline {
        self.files_read.retain(|f| f.path != file.path);
        if self.dropped > 0 {
            let chain = vec![link(&file, 1, "")];
            self.unresolved.push(Unresolved {
                kind: UnresolvedKind::NotFollowed,
                job: None,
                activity: None,
                chain,
                reason: format!("{} more references were not followed", self.dropped),
            });
        }
        Pipeline {
            system,
            file,
            name,
            jobs,
            files_read: self.files_read,
            unresolved: self.unresolved,
            not_analysed: None,
        }
    }
}

/// A pipeline file that could not be read or parsed.
pub(super) fn broken(system: CiSystem, file: FileRef, why: String) -> Pipeline {
    Pipeline {
        system,
        file,
        name: None,
        jobs: Vec::new(),
        files_read: Vec::new(),
        unresolved: Vec::new(),
        not_analysed: Some(why),
    }
}

/// The file of a read that failed, when it could still be hashed.
pub(super) fn unread_file(path: &str, e: &NotRead) -> FileRef {
    e.file.clone().unwrap_or(FileRef {
        path: path.to_string(),
        sha256: String::new(),
    })
}

/// A link: `text` on `line` of `file`, trimmed and cut.
pub(super) fn link(file: &FileRef, line: u32, text: &str) -> Link {
    Link {
        file: file.clone(),
        line,
        text: clip(text.trim()),
    }
}

/// `text` cut to [`MAX_LINK_TEXT`] characters.
pub(super) fn clip(text: &str) -> String {
    match text.char_indices().nth(MAX_LINK_TEXT) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

pub(super) fn line_in(start: u32, offset: usize) -> u32 {
    start.saturating_add(u32::try_from(offset).unwrap_or(u32::MAX))
}

/// A YAML scalar, or the items of a list of scalars (nested lists flattened, as GitLab and
/// Buildkite do), each with its line.
pub(super) fn scripts(node: &Node) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match &n.value {
            yaml::Value::Scalar(s) => out.push((n.line, s.clone())),
            yaml::Value::Seq(items) => stack.extend(items.iter().rev()),
            yaml::Value::Map(_) => {}
        }
    }
    out
}

/// A condition written as a literal false (`false`, `${{ false }}`, `never`): what it guards
/// never runs.
pub(super) fn literally_false(node: Option<&Node>) -> bool {
    let Some(s) = node.and_then(Node::as_str) else {
        return false;
    };
    let t: String = s
        .trim()
        .trim_start_matches("${{")
        .trim_end_matches("}}")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(t.as_str(), "false" | "never" | "'false'" | "\"false\"")
}

/// A `true`-or-expression flag that is set: anything but absent or a literal false
/// (`continue-on-error: ${{ matrix.experimental }}` may be true).
pub(super) fn maybe_set(node: Option<&Node>) -> bool {
    match node {
        None => false,
        Some(n) => match n.as_str() {
            Some(s) => !matches!(
                s.trim().to_ascii_lowercase().as_str(),
                "false" | "" | "no" | "off"
            ),
            None => true,
        },
    }
}

/// A mapping's value for `key`, also through `<<:` merge keys (its own key first).
pub(super) fn get<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    if let Some(v) = node.get(key) {
        return Some(v);
    }
    let merged = node.get("<<")?;
    match &merged.value {
        yaml::Value::Map(_) => get(merged, key),
        yaml::Value::Seq(items) => items.iter().find_map(|m| get(m, key)),
        yaml::Value::Scalar(_) => None,
    }
}

/// What the CI readers found.
pub(super) struct Found {
    pub facts: CiFacts,
    /// The GitHub workflows, for the hardening rules.
    pub workflows: Vec<Workflow>,
}

/// Read the CI configuration of every system the repository has.
pub(super) fn collect(repo: &Repo<'_>) -> Found {
    let mut follower = Follower::new(repo);
    follower.set_pipelines(buildkite::candidates(repo));
    let (workflows, mut pipelines) = github(repo, &follower);
    pipelines.extend(gitlab::read(repo, &follower));
    pipelines.extend(azure::read(repo, &follower));
    pipelines.extend(jenkins::read(repo, &follower));
    pipelines.extend(buildkite::read(repo, &follower));
    pipelines.extend(circleci::read(repo, &follower));
    let systems = CiSystem::ALL
        .into_iter()
        .filter(|s| pipelines.iter().any(|p| p.system == *s))
        .collect();
    Found {
        facts: CiFacts { systems, pipelines },
        workflows,
    }
}

/// `.github/workflows/*.yml`: the hardening facts and the pipelines.
fn github(repo: &Repo<'_>, follower: &Follower<'_, '_>) -> (Vec<Workflow>, Vec<Pipeline>) {
    let mut workflows = Vec::new();
    let mut pipelines = Vec::new();
    let files = repo
        .under(".github/workflows/")
        .filter(|f| {
            let rest = &f[".github/workflows/".len()..];
            !rest.contains('/') && (rest.ends_with(".yml") || rest.ends_with(".yaml"))
        })
        .take(MAX_PIPELINE_FILES);
    for f in files {
        let t = match repo.read(f) {
            Ok(t) => t,
            Err(e) => {
                pipelines.push(broken(
                    CiSystem::GithubActions,
                    unread_file(f, &e),
                    e.reason.clone(),
                ));
                continue;
            }
        };
        let mut acc = Acc::default();
        match github::analyse(t.file.clone(), &t.text, follower, &mut acc) {
            Ok((w, jobs)) => {
                let name = w.name.clone();
                workflows.push(w);
                pipelines.push(acc.finish(CiSystem::GithubActions, t.file, name, jobs));
            }
            Err(why) => {
                let why = format!("not a valid workflow: {why}");
                repo.problem(f, why.clone());
                pipelines.push(broken(CiSystem::GithubActions, t.file, why));
            }
        }
    }
    (workflows, pipelines)
}

/// Local actions are few; the bound keeps a vendored action collection from dominating.
const MAX_LOCAL_ACTIONS: usize = 100;

/// Local composite actions (`.github/actions/**/action.yml`) and the actions they use.
pub(super) fn composite_actions(repo: &Repo<'_>) -> Vec<CompositeAction> {
    repo.under(".github/actions/")
        .filter(|f| f.ends_with("/action.yml") || f.ends_with("/action.yaml"))
        .take(MAX_LOCAL_ACTIONS)
        .filter_map(|f| {
            let t = repo.read(f).ok()?;
            match composite_action(t.file, &t.text) {
                Ok(a) => Some(a),
                Err(why) => {
                    repo.problem(f, format!("not valid YAML: {why}"));
                    None
                }
            }
        })
        .collect()
}

/// Where OSS-Fuzz and ClusterFuzzLite keep a project's configuration.
static FUZZING_SERVICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|/)(?:(\.clusterfuzzlite)|projects/[^/]+)/project\.ya?ml$")
        .expect("a valid pattern")
});

/// A repository keeps one or two of these; the bound keeps a vendored copy of OSS-Fuzz's
/// project collection from dominating.
const MAX_FUZZING_SERVICES: usize = 20;

/// OSS-Fuzz and ClusterFuzzLite configurations: a `project.yaml` under `.clusterfuzzlite/` or
/// `projects/<name>/` that is a YAML mapping with a `language`, next to a `build.sh` or
/// `Dockerfile`. Anything else of that name is not one; an unreadable one is kept with the
/// reason, since it may be.
pub(super) fn fuzzing_services(repo: &Repo<'_>) -> Vec<FuzzingService> {
    repo.files
        .iter()
        .filter_map(|f| Some((f, FUZZING_SERVICE.captures(f)?)))
        .filter(|(f, _)| {
            let dir = f.rsplit_once('/').map_or("", |(d, _)| d);
            repo.has(&format!("{dir}/build.sh")) || repo.has(&format!("{dir}/Dockerfile"))
        })
        .take(MAX_FUZZING_SERVICES)
        .filter_map(|(f, caps)| {
            let service = if caps.get(1).is_some() {
                "clusterfuzzlite"
            } else {
                "oss-fuzz"
            };
            let (file, not_analysed) = match repo.read(f) {
                Ok(t) => match yaml::parse(&t.text) {
                    Ok(doc) if doc.get("language").and_then(Node::as_str).is_some() => {
                        (t.file, None)
                    }
                    Ok(_) => return None,
                    Err(why) => (t.file, Some(format!("is not valid YAML: {why}"))),
                },
                Err(e) => (unread_file(f, &e), Some(e.reason)),
            };
            Some(FuzzingService {
                service: service.to_string(),
                file,
                not_analysed,
            })
        })
        .collect()
}

/// The readers over files given as text.
#[doc(hidden)]
pub(super) mod testing {
    use super::*;

    /// Every CI reader over a repository of these files.
    pub(in crate::collect::files) fn run(files: &[(&str, &str)]) -> Found {
        let repo = Repo::in_memory(files);
        collect(&repo)
    }

    /// Every CI reader over a repository of these files whose workspace is in `prefix`
    /// (ending in `/`).
    #[cfg(test)]
    pub(in crate::collect::files) fn run_in(files: &[(&str, &str)], prefix: &str) -> Found {
        let mut repo = Repo::in_memory(files);
        repo.prefix = prefix.to_string();
        collect(&repo)
    }

    /// (job, kind, chain as `path:line text`) of a pipeline's activities.
    #[cfg(test)]
    pub(in crate::collect::files) fn kinds(
        p: &Pipeline,
    ) -> Vec<(String, ActivityKind, Vec<String>)> {
        p.jobs
            .iter()
            .flat_map(|j| {
                j.activities.iter().map(move |a| {
                    (
                        j.name.clone(),
                        a.kind,
                        a.chain
                            .iter()
                            .map(|l| format!("{}:{} {}", l.file.path, l.line, l.text))
                            .collect(),
                    )
                })
            })
            .collect()
    }

    /// The reasons of a pipeline's unresolved references, with their kinds.
    #[cfg(test)]
    pub(in crate::collect::files) fn unresolved(p: &Pipeline) -> Vec<(UnresolvedKind, String)> {
        p.unresolved
            .iter()
            .map(|u| (u.kind, u.reason.clone()))
            .collect()
    }
}
