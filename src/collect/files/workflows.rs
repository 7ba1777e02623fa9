//! GitHub Actions workflows: triggers, token permissions, `uses:` pinning, what the jobs run
//! (tests, clippy, dependency audit, fuzzing, static analysis) and `pull_request_target`
//! hazards; and the OSS-Fuzz / ClusterFuzzLite configurations that run fuzzers elsewhere.

use std::sync::LazyLock;

use regex::Regex;

use super::Repo;
use super::yaml::{self, Node};
use crate::facts::FileRef;
use crate::facts::files::{
    ActionKind, ActionUse, Activity, ActivityKind, CompositeAction, FuzzingService, Hazard, Job,
    Permissions, Workflow,
};

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("invalid built-in pattern {pattern}: {e}"))
}

/// Commands in `run:` that are evidence of an activity.
static RUN_PATTERNS: LazyLock<Vec<(ActivityKind, Regex)>> = LazyLock::new(|| {
    let flags = r"(?:\+\S+\s+)?(?:(?:hack|miri|careful|-{1,2}[\w=.,-]+)\s+)*";
    vec![
        (
            ActivityKind::Tests,
            re(&format!(
                r"\b(?:cargo|cross)\s+{flags}(?:test|nextest|llvm-cov|tarpaulin)\b"
            )),
        ),
        (
            ActivityKind::Clippy,
            re(&format!(r"\bcargo\s+{flags}clippy\b")),
        ),
        (
            ActivityKind::DependencyAudit,
            re(&format!(r"\bcargo\s+{flags}(?:audit|deny|vet)\b")),
        ),
        // Commands that run fuzz targets; building them (`cargo fuzz build`, `cargo afl
        // build`) runs nothing. cargo-fuzz, cargo-afl, bolero, honggfuzz-rs, ziggy.
        (
            ActivityKind::Fuzzing,
            re(&format!(
                r"\bcargo\s+{flags}(?:fuzz\s+{flags}run|afl\s+fuzz|bolero\s+test|hfuzz\s+run|ziggy\s+fuzz)\b"
            )),
        ),
        (
            ActivityKind::StaticAnalysis,
            re(r"\bsemgrep\s+(?:scan|ci|--config)\b|\bclippy-sarif\b|\bcodeql\s+database\b"),
        ),
    ]
});

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

/// Where OSS-Fuzz and ClusterFuzzLite keep a project's configuration.
static FUZZING_SERVICE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|/)(?:(\.clusterfuzzlite)|projects/[^/]+)/project\.ya?ml$"));

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
                Err(e) => (
                    e.file.unwrap_or(FileRef {
                        path: f.clone(),
                        sha256: String::new(),
                    }),
                    Some(e.reason),
                ),
            };
            Some(FuzzingService {
                service: service.to_string(),
                file,
                not_analysed,
            })
        })
        .collect()
}

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

/// A token of a `run:` line that invokes a repository script: `bash .ci/run`, `./x.sh`,
/// `sh scripts/ci.sh`.
static SCRIPT_CALL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^\s*(?:(?:bash|sh|zsh)\s+(?:-\w+\s+)*)?((?:\./)?[\w.-]+(?:/[\w.-]+)+|\./[\w.-]+)(?:\s|$)")
});

/// Reads a repository file by its relative path, if it is one.
pub(super) type ScriptReader<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// Analyse one workflow file. `read_script` reads repository scripts that steps run.
pub(super) fn analyse(
    file: FileRef,
    text: &str,
    read_script: &ScriptReader<'_>,
) -> Result<Workflow, String> {
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
    let mut hazards = Vec::new();
    let mut out_jobs = Vec::new();
    for (id_node, job) in jobs.entries() {
        let id = id_node.as_str().unwrap_or_default().to_string();
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
                line: id_node.line,
                via: format!("container {image}"),
            });
        }
        for step in job.get("steps").map(Node::items).unwrap_or_default() {
            let mut step_activities: Vec<Activity> = Vec::new();
            if let Some(uses_node) = step.get("uses")
                && let Some(uses) = uses_node.as_str()
            {
                actions.push(action_use(uses, uses_node.line));
                let name = uses
                    .split('@')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                for (action, kind) in ACTIONS {
                    if name == *action {
                        step_activities.push(Activity {
                            kind: *kind,
                            line: uses_node.line,
                            via: uses.to_string(),
                        });
                    }
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
                    classify_run(&synthetic, command.line, &mut step_activities, None);
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
                && let Some(script_text) = run.as_str()
            {
                let script = script_text;
                classify_run(script, run.line, &mut step_activities, Some(read_script));
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
                                line: line_in(run.line, offset),
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
            activities.extend(step_activities);
        }
        out_jobs.push(Job {
            id,
            line: id_node.line,
            permissions: key_line(job, "permissions").map(|(l, p)| permissions(l, p)),
            actions,
            activities,
        });
    }
    Ok(Workflow {
        file,
        name: doc.get("name").and_then(Node::as_str).map(str::to_string),
        triggers,
        permissions: key_line(&doc, "permissions").map(|(l, p)| permissions(l, p)),
        jobs: out_jobs,
        hazards,
    })
}

/// The `uses:` of a composite action's steps; other action types have none.
pub(super) fn composite_action(file: FileRef, text: &str) -> Result<CompositeAction, String> {
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

fn line_in(start: u32, offset: usize) -> u32 {
    start.saturating_add(u32::try_from(offset).unwrap_or(u32::MAX))
}

/// One activity per kind per step, at the first line that shows it. With a reader, a line that
/// runs a repository script is judged by the script's own lines too (one level deep).
fn classify_run(
    script: &str,
    start: u32,
    out: &mut Vec<Activity>,
    reader: Option<&ScriptReader<'_>>,
) {
    for (offset, l) in script.lines().enumerate() {
        for (kind, pattern) in RUN_PATTERNS.iter() {
            if out.iter().any(|a| a.kind == *kind) {
                continue;
            }
            if pattern.is_match(l) {
                out.push(Activity {
                    kind: *kind,
                    line: line_in(start, offset),
                    via: l.trim().to_string(),
                });
            }
        }
        let called = reader.and_then(|read| {
            let path = SCRIPT_CALL.captures(l)?.get(1)?.as_str().to_string();
            Some((read(&path)?, path))
        });
        if let Some((text, path)) = called {
            let mut inner = Vec::new();
            classify_run(&text, 1, &mut inner, None);
            for a in inner {
                if !out.iter().any(|o| o.kind == a.kind) {
                    out.push(Activity {
                        kind: a.kind,
                        line: line_in(start, offset),
                        via: format!("{} → {path}:{}: {}", l.trim(), a.line, a.via),
                    });
                }
            }
        }
    }
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

    fn file() -> FileRef {
        FileRef {
            path: ".github/workflows/ci.yml".into(),
            sha256: "0".repeat(64),
        }
    }

    #[test]
    fn run_classification() {
        let cases: &[(&str, Option<ActivityKind>)] = &[
            ("cargo test --workspace", Some(ActivityKind::Tests)),
            (
                "cargo +nightly --locked nextest run",
                Some(ActivityKind::Tests),
            ),
            (
                "cargo hack --feature-powerset test",
                Some(ActivityKind::Tests),
            ),
            ("cargo install cargo-nextest", None),
            ("cargo build && echo test", None),
            (
                "cargo clippy --all-targets -- -D warnings",
                Some(ActivityKind::Clippy),
            ),
            ("cargo deny check", Some(ActivityKind::DependencyAudit)),
            ("cargo install cargo-audit", None),
            (
                "cargo +nightly fuzz run parse -- -max_total_time=60",
                Some(ActivityKind::Fuzzing),
            ),
            (
                "cargo fuzz --release run parse",
                Some(ActivityKind::Fuzzing),
            ),
            (
                "cargo afl fuzz -i in -o out target/debug/parse",
                Some(ActivityKind::Fuzzing),
            ),
            (
                "cargo bolero test parse --engine libfuzzer",
                Some(ActivityKind::Fuzzing),
            ),
            ("cargo hfuzz run parse", Some(ActivityKind::Fuzzing)),
            ("cargo ziggy fuzz", Some(ActivityKind::Fuzzing)),
            ("cargo +nightly fuzz build", None),
            ("cargo afl build", None),
            ("cargo install cargo-fuzz", None),
            ("semgrep ci", Some(ActivityKind::StaticAnalysis)),
        ];
        for (cmd, want) in cases {
            let mut out = Vec::new();
            classify_run(cmd, 1, &mut out, None);
            assert_eq!(out.first().map(|a| a.kind), *want, "{cmd}");
        }
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
        let wf = analyse(file(), text, &|_| None).unwrap();
        assert_eq!(wf.triggers, vec!["pull_request_target"]);
        let top = wf.permissions.unwrap();
        assert_eq!((top.line, top.writes), (2, vec!["*".to_string()]));
        let job = &wf.jobs[0];
        let p = job.permissions.as_ref().unwrap();
        assert_eq!(p.value, "contents: read, pull-requests: write");
        assert_eq!(p.writes, vec!["pull-requests"]);
        assert_eq!(wf.hazards.len(), 1);
        assert_eq!(wf.hazards[0].line, 12);
        assert_eq!(job.activities.len(), 1);
        assert_eq!(job.activities[0].line, 15);
        assert_eq!(job.activities[0].kind, ActivityKind::Tests);
    }

    #[test]
    fn a_step_that_runs_a_repository_script_is_judged_by_the_script() {
        let text = "on: [push]\njobs:\n  ci:\n    runs-on: ubuntu-latest\n    steps:\n      - run: bash .ci/run\n      - run: ./not-listed.sh\n";
        let read = |p: &str| {
            (p == ".ci/run").then(|| {
                "set -e\ncargo fmt --check\ncargo clippy --all-targets\ncargo test --locked\n"
                    .to_string()
            })
        };
        let wf = analyse(file(), text, &read).unwrap();
        let kinds: Vec<ActivityKind> = wf.jobs[0].activities.iter().map(|a| a.kind).collect();
        assert_eq!(kinds, [ActivityKind::Clippy, ActivityKind::Tests]);
        let tests = &wf.jobs[0].activities[1];
        assert_eq!(
            tests.line, 6,
            "evidence points at the workflow line that runs the script"
        );
        assert!(
            tests.via.contains(".ci/run:4: cargo test --locked"),
            "{}",
            tests.via
        );
        // Without a reader nothing is inferred.
        let wf = analyse(file(), text, &|_| None).unwrap();
        assert!(wf.jobs[0].activities.is_empty());
    }
}
