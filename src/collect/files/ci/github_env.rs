//! What `${{ env.NAME }}` stands for in a GitHub Actions job, where that is known before run
//! time: `run: ${{ env.CARGO }} test` with `env: CARGO: cargo` at the job, and a step that
//! writes `echo "CARGO=cross" >> $GITHUB_ENV`, runs `cargo test` or `cross test`.
//!
//! A name is resolved only when every value it may take is written in the workflow: the
//! `env:` of the workflow, the job or the step, and every `NAME=value` line the job's steps
//! write to `$GITHUB_ENV`. A write the reader cannot take apart (`cat f >> $GITHUB_ENV`, a
//! value from a shell variable), or an action that is not known to leave the job's variables
//! alone, leaves the names it could set unresolved: the command stays "known only at run time".

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::collect::files::Repo;
use crate::collect::files::yaml::Node;

fn re(pattern: &str) -> Regex {
    // The patterns are literals in this file; a typo is caught by the unit tests.
    Regex::new(pattern).unwrap_or_else(|e| panic!("invalid built-in pattern {pattern}: {e}"))
}

/// `echo "NAME=value" >> $GITHUB_ENV` (quotes optional, `"$GITHUB_ENV"` or `${GITHUB_ENV}`).
static WRITE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"^\s*echo\s+(["']?)([A-Za-z_][A-Za-z0-9_]*)=([^"'`]*)(["']?)\s*>>\s*"?\$\{?GITHUB_ENV\}?"?\s*$"#,
    )
});

/// `${{ env.NAME }}`.
static REFERENCE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}"));

/// `${{ … }}`: a CI expression.
static EXPRESSION: LazyLock<Regex> = LazyLock::new(|| re(r"\$\{\{[^}]*\}\}"));

/// Actions that set no variable a later step reads through `${{ env.… }}` (they may export
/// their own, such as `CARGO_INCREMENTAL`, none of which names a program).
const QUIET_ACTIONS: &[&str] = &[
    "actions/checkout",
    "actions/cache",
    "actions/upload-artifact",
    "actions/download-artifact",
    "actions/setup-python",
    "actions/setup-node",
    "actions/setup-go",
    "dtolnay/rust-toolchain",
    "actions-rust-lang/setup-rust-toolchain",
    "swatinem/rust-cache",
    "taiki-e/install-action",
];

/// Each alternative of a script, at most this many.
const MAX_ALTERNATIVES: usize = 8;

/// The values each name may take in one job; `None` for a name some write sets to a value
/// known only at run time.
#[derive(Debug, Default)]
pub(super) struct JobEnv {
    values: BTreeMap<String, Option<BTreeSet<String>>>,
    /// A step may set any name: an unknown action, a write that is not `NAME=value`.
    opaque: bool,
}

fn scalar(node: &Node) -> Option<String> {
    node.as_str().map(|s| match s {
        "~" | "null" => String::new(),
        s => s.to_string(),
    })
}

/// Whether `value` is known before run time: no shell expansion (`$X`, `$(…)`, backquotes);
/// CI expressions (`${{ matrix.target }}`) stay as they are written.
fn literal(value: &str) -> bool {
    let rest = EXPRESSION.replace_all(value, "");
    !rest.contains('$') && !rest.contains('`')
}

/// Whether a file of the repository that `script` names (`./ci/setup.sh`, `python
/// tools/env.py`) mentions `GITHUB_ENV`, or cannot be read to tell.
fn writes_in_scripts(repo: &Repo<'_>, script: &str) -> bool {
    script
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')' | '"' | '\''))
        .map(|w| w.trim_start_matches("./"))
        .filter(|w| !w.is_empty() && !w.contains('$') && repo.has(w))
        .any(|w| repo.read(w).map_or(true, |t| t.text.contains("GITHUB_ENV")))
}

impl JobEnv {
    /// The names the workflow (`doc`) and the job set, and what the job's steps before step
    /// number `before` write (a write reaches only the steps after it).
    pub(super) fn of(repo: &Repo<'_>, doc: &Node, job: &Node, before: usize) -> JobEnv {
        let mut env = JobEnv::default();
        for map in [doc.get("env"), job.get("env")].into_iter().flatten() {
            if !map.is_map() {
                // `env: ${{ fromJSON(…) }}`: anything.
                env.opaque = true;
                continue;
            }
            for (k, v) in map.entries() {
                if let Some(name) = k.as_str() {
                    let value = scalar(v).filter(|v| literal(v));
                    env.values
                        .insert(name.to_string(), value.map(|v| BTreeSet::from([v])));
                }
            }
        }
        let steps = job.get("steps").map(Node::items).unwrap_or_default();
        for step in &steps[..before.min(steps.len())] {
            if let Some(uses) = step.get("uses").and_then(Node::as_str) {
                let name = uses
                    .split('@')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                if !QUIET_ACTIONS.contains(&name.as_str()) {
                    env.opaque = true;
                }
            }
            let Some(script) = step.get("run").and_then(Node::as_str) else {
                continue;
            };
            // A repository script may write to the file too (`./ci/setup.sh`): one that names
            // it leaves every name unresolved.
            if writes_in_scripts(repo, script) {
                env.opaque = true;
            }
            for line in script.lines().filter(|l| l.contains("GITHUB_ENV")) {
                match WRITE.captures(line) {
                    Some(c) if c[1] == c[4] => {
                        let (name, value) = (c[2].to_string(), c[3].to_string());
                        if literal(&value) {
                            if let Some(set) =
                                env.values.entry(name).or_insert(Some(BTreeSet::new()))
                            {
                                set.insert(value);
                            }
                        } else {
                            env.values.insert(name, None);
                        }
                    }
                    _ => env.opaque = true,
                }
            }
        }
        env
    }

    /// The scripts `script` may be, with each `${{ env.NAME }}` replaced by a value the name
    /// may take (the step's own `env:` first): one per combination, at most
    /// [`MAX_ALTERNATIVES`]. None when it names no variable, or one whose values are not all
    /// known.
    pub(super) fn alternatives(&self, step: &Node, script: &str) -> Option<Vec<String>> {
        let names: BTreeSet<String> = REFERENCE
            .captures_iter(script)
            .map(|c| c[1].to_string())
            .collect();
        if names.is_empty() || self.opaque {
            return None;
        }
        let own = step.get("env").filter(|e| e.is_map());
        if step.get("env").is_some_and(|e| !e.is_map()) {
            return None;
        }
        let mut choices: Vec<(String, Vec<String>)> = Vec::new();
        for name in names {
            // Every value the name may take, the step's own `env:` among them: which one
            // wins is GitHub's business, and every one of them must agree.
            let mut values: BTreeSet<String> = match self.values.get(&name) {
                Some(known) => known.clone()?,
                None => BTreeSet::new(),
            };
            if let Some(v) = own.and_then(|e| e.get(&name)) {
                values.insert(scalar(v).filter(|v| literal(v))?);
            }
            let values: Vec<String> = values.into_iter().collect();
            if values.is_empty() {
                return None;
            }
            choices.push((name, values));
        }
        let mut out = vec![script.to_string()];
        for (name, values) in &choices {
            let mut next = Vec::new();
            for s in &out {
                for v in values {
                    next.push(
                        REFERENCE
                            .replace_all(s, |c: &regex::Captures<'_>| {
                                if &c[1] == name {
                                    v.clone()
                                } else {
                                    c[0].to_string()
                                }
                            })
                            .into_owned(),
                    );
                }
            }
            if next.len() > MAX_ALTERNATIVES {
                return None;
            }
            out = next;
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::files::yaml;

    fn parse_job(text: &str) -> (Node, Node) {
        let doc = yaml::parse(text).unwrap();
        let job = doc.get("jobs").unwrap().entries()[0].1.clone();
        (doc, job)
    }

    #[test]
    fn values_come_from_env_maps_and_github_env_writes() {
        let (doc, job) = parse_job(concat!(
            "env:\n  TOP: a\njobs:\n  t:\n    env:\n      CARGO: cargo\n      FLAGS:\n",
            "    steps:\n      - uses: actions/checkout@v4\n",
            "      - run: |\n          echo \"CARGO=cross\" >> $GITHUB_ENV\n",
            "          echo \"FLAGS=--target ${{ matrix.target }}\" >> $GITHUB_ENV\n",
            "      - run: ${{ env.CARGO }} test ${{ env.FLAGS }}\n",
            "        id: s\n",
        ));
        let env = JobEnv::of(&Repo::in_memory(&[]), &doc, &job, usize::MAX);
        let step = &job.get("steps").unwrap().items()[2];
        let got = env
            .alternatives(step, "${{ env.CARGO }} test ${{ env.FLAGS }}")
            .unwrap();
        assert_eq!(
            got,
            [
                "cargo test ",
                "cargo test --target ${{ matrix.target }}",
                "cross test ",
                "cross test --target ${{ matrix.target }}"
            ]
        );
        assert_eq!(env.alternatives(step, "${{ env.TOP }} x").unwrap(), ["a x"]);
        assert_eq!(
            env.alternatives(step, "${{ env.NONE }} x"),
            None,
            "an unset name"
        );
        assert_eq!(
            env.alternatives(step, "cargo test"),
            None,
            "nothing to resolve"
        );
    }

    #[test]
    fn anything_set_at_run_time_leaves_the_name_unresolved() {
        for (steps, why) in [
            (
                "      - run: echo \"CARGO=$X\" >> $GITHUB_ENV\n",
                "a shell variable",
            ),
            (
                "      - run: cat vars >> $GITHUB_ENV\n",
                "a write not NAME=value",
            ),
            (
                "      - uses: some/action@v1\n",
                "an action that may export it",
            ),
            (
                "      - run: echo \"CARGO=$(which cargo)\" >> \"$GITHUB_ENV\"\n",
                "a command substitution",
            ),
        ] {
            let text = format!(
                "jobs:\n  t:\n    env:\n      CARGO: cargo\n    steps:\n{steps}      - run: x\n"
            );
            let (doc, job) = parse_job(&text);
            let env = JobEnv::of(&Repo::in_memory(&[]), &doc, &job, usize::MAX);
            let step = job.get("steps").unwrap().items().last().unwrap().clone();
            assert_eq!(
                env.alternatives(&step, "${{ env.CARGO }} test"),
                None,
                "{why}"
            );
        }
        let (doc, job) =
            parse_job("env: ${{ fromJSON(x) }}\njobs:\n  t:\n    steps:\n      - run: x\n");
        let env = JobEnv::of(&Repo::in_memory(&[]), &doc, &job, usize::MAX);
        let step = job.get("steps").unwrap().items()[0].clone();
        assert_eq!(env.alternatives(&step, "${{ env.CARGO }} test"), None);
    }

    #[test]
    fn only_earlier_steps_set_names() {
        let (doc, job) = parse_job(concat!(
            "jobs:\n  t:\n    env:\n      CARGO: cargo\n    steps:\n",
            "      - run: ${{ env.CARGO }} test\n",
            "      - uses: some/action@v1\n",
            "      - run: echo \"CARGO=echo\" >> $GITHUB_ENV\n",
            "      - run: ${{ env.CARGO }} test\n",
        ));
        let steps = job.get("steps").unwrap().items();
        let first = JobEnv::of(&Repo::in_memory(&[]), &doc, &job, 0);
        assert_eq!(
            first
                .alternatives(&steps[0], "${{ env.CARGO }} test")
                .unwrap(),
            ["cargo test"]
        );
        let last = JobEnv::of(&Repo::in_memory(&[]), &doc, &job, 3);
        assert_eq!(last.alternatives(&steps[3], "${{ env.CARGO }} test"), None);
    }

    #[test]
    fn a_repository_script_that_names_github_env_may_set_anything() {
        let (doc, job) = parse_job(concat!(
            "jobs:\n  t:\n    env:\n      CARGO: cargo\n    steps:\n",
            "      - run: ./ci/setup.sh && bash ci/other.sh\n",
            "      - run: ${{ env.CARGO }} test\n",
        ));
        let steps = job.get("steps").unwrap().items();
        let quiet = Repo::in_memory(&[
            ("ci/setup.sh", "apt-get install -y x\n"),
            ("ci/other.sh", "true\n"),
        ]);
        let env = JobEnv::of(&quiet, &doc, &job, 1);
        assert_eq!(
            env.alternatives(&steps[1], "${{ env.CARGO }} test")
                .unwrap(),
            ["cargo test"]
        );
        let writes = Repo::in_memory(&[
            ("ci/setup.sh", "apt-get install -y x\n"),
            ("ci/other.sh", "echo CARGO=echo >> \"$GITHUB_ENV\"\n"),
        ]);
        let env = JobEnv::of(&writes, &doc, &job, 1);
        assert_eq!(env.alternatives(&steps[1], "${{ env.CARGO }} test"), None);
    }

    #[test]
    fn a_step_env_is_one_more_value_and_alternatives_are_bounded() {
        let (doc, job) = parse_job(
            "jobs:\n  t:\n    env:\n      A: x\n    steps:\n      - run: y\n        env:\n          A: step\n",
        );
        let env = JobEnv::of(&Repo::in_memory(&[]), &doc, &job, usize::MAX);
        let step = job.get("steps").unwrap().items()[0].clone();
        assert_eq!(
            env.alternatives(&step, "${{ env.A }}").unwrap(),
            ["step", "x"],
            "both values, since every one must agree"
        );
        let mut text = String::from("jobs:\n  t:\n    steps:\n      - run: |\n");
        for n in ["A", "B", "C", "D"] {
            for v in ["1", "2"] {
                text.push_str(&format!("          echo \"{n}={v}\" >> $GITHUB_ENV\n"));
            }
        }
        let (doc, job) = parse_job(&text);
        let env = JobEnv::of(&Repo::in_memory(&[]), &doc, &job, usize::MAX);
        let step = job.get("steps").unwrap().items()[0].clone();
        assert_eq!(
            env.alternatives(&step, "${{ env.A }}${{ env.B }}${{ env.C }}")
                .map(|a| a.len()),
            Some(8)
        );
        assert_eq!(
            env.alternatives(&step, "${{ env.A }}${{ env.B }}${{ env.C }}${{ env.D }}"),
            None,
            "16 alternatives are too many"
        );
    }
}
