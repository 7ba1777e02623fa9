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

/// What may keep a later line of a script from running, or make it no command at all: a
/// condition, a loop, a function, an early exit, a here-document.
static CONTROL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:^|[\s;&|(){}])(?:if|then|else|elif|case|esac|for|while|until|do|done|select|exit|return|exec|function|break|continue)(?:$|[\s;&|(){}])|&&|\|\||\(\)|<<",
    )
});

/// Whether `script` names a variable through `${{ env.NAME }}`.
pub(super) fn names_variables(script: &str) -> bool {
    REFERENCE.is_match(script)
}

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
    /// `defaults: run: shell:` of the job or the workflow.
    default_shell: Option<Node>,
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

/// Whether the value `echo` writes is the text after `NAME=`: no backslash (`sh`'s `echo`
/// turns `\n` into a line break, a second `NAME=value`), and, unquoted, nothing the shell
/// reads (`echo X=1;echo CARGO=echo >> $GITHUB_ENV` writes only the second).
/// An expression other than `${{ matrix.… }}` (written in the workflow) may be anything at
/// run time, a line break and a second `NAME=value` among them.
fn plain(quote: &str, value: &str) -> bool {
    !value.contains('\\')
        && EXPRESSION.find_iter(value).all(|e| {
            e.as_str()
                .trim_start_matches("${{")
                .trim_start()
                .starts_with("matrix.")
        })
        && (!quote.is_empty()
            || EXPRESSION.replace_all(value, "").chars().all(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(
                        c,
                        '_' | '.' | '/' | ':' | '@' | '%' | '+' | ',' | '=' | '-' | ' ' | '\t'
                    )
            }))
}

/// Programs that run what a repository file says under a name that is no file: a target of a
/// Makefile, a recipe, an xtask, a package script, a module.
const TASK_RUNNERS: &[&str] = &[
    "make",
    "gmake",
    "just",
    "task",
    "npm",
    "npx",
    "yarn",
    "pnpm",
    "nox",
    "tox",
    "invoke",
    "rake",
    "xtask",
    "cargo-make",
    "-m",
];

/// Whether a word of a script may name a script file: a path, or a name with a script's
/// extension.
fn looks_like_script(word: &str) -> bool {
    !word.starts_with('-')
        && (word.contains('/')
            || word.rsplit_once('.').is_some_and(|(_, ext)| {
                matches!(
                    ext,
                    "sh" | "bash"
                        | "zsh"
                        | "py"
                        | "ps1"
                        | "pl"
                        | "rb"
                        | "js"
                        | "mjs"
                        | "ts"
                        | "bat"
                        | "cmd"
                )
            }))
}

/// At most this many words of one script are looked for in every folder; a script with more
/// may write anything.
const MAX_SCRIPT_WORDS: usize = 16;

/// At most this many files of the repository are read for one word of a script.
const MAX_NAMED_FILES: usize = 20;

/// Whether a file of the repository that `script` names (`./ci/setup.sh`, `python
/// tools/env.py`, `cd ci && ./setup.sh`: a file of that name in any folder) mentions
/// `GITHUB_ENV`, or cannot be read to tell, or the script runs a task runner (`make setup`,
/// `cargo xtask ci`) whose task may write to it.
fn writes_in_scripts(repo: &Repo<'_>, script: &str) -> bool {
    let words: Vec<&str> = script
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')' | '"' | '\''))
        .map(|w| w.trim_start_matches("./"))
        .filter(|w| !w.is_empty() && !w.contains('$'))
        .collect();
    if words.iter().any(|w| TASK_RUNNERS.contains(w))
        || words
            .windows(2)
            .any(|p| p[0] == "cargo" && matches!(p[1], "xtask" | "x" | "run" | "make"))
    {
        return true;
    }
    let writes = |path: &str| {
        repo.read(path)
            .map_or(true, |t| t.text.contains("GITHUB_ENV"))
    };
    // A script run from another folder (`cd ci && ./setup.sh`, `working-directory:`): a word
    // that looks like a script's path is looked for in every folder, for so many words.
    if words.iter().filter(|w| looks_like_script(w)).count() > MAX_SCRIPT_WORDS {
        return true;
    }
    words.iter().any(|w| {
        if repo.has(w) && writes(w) {
            return true;
        }
        if !looks_like_script(w) {
            return false;
        }
        let end = format!("/{w}");
        let named: Vec<&String> = repo
            .under("")
            .filter(|f| f.ends_with(&end))
            .take(MAX_NAMED_FILES + 1)
            .collect();
        named.len() > MAX_NAMED_FILES || named.iter().any(|f| writes(f))
    })
}

impl JobEnv {
    /// The names the workflow (`doc`) and the job set, and what the job's steps before step
    /// number `before` write (a write reaches only the steps after it).
    #[cfg(test)]
    pub(super) fn of(repo: &Repo<'_>, doc: &Node, job: &Node, before: usize) -> JobEnv {
        let mut env = JobEnv::start(doc, job);
        let steps = job.get("steps").map(Node::items).unwrap_or_default();
        for step in &steps[..before.min(steps.len())] {
            env.after(repo, step);
        }
        env
    }

    /// The names the workflow (`doc`) and the job set, before any step.
    pub(super) fn start(doc: &Node, job: &Node) -> JobEnv {
        let mut env = JobEnv {
            default_shell: [job, doc].into_iter().find_map(|n| {
                n.get("defaults")
                    .and_then(|d| d.get("run"))
                    .and_then(|r| r.get("shell"))
                    .cloned()
            }),
            ..JobEnv::default()
        };
        // By name as written: the job's value replaces the workflow's.
        let mut written: BTreeMap<String, Option<String>> = BTreeMap::new();
        for map in [doc.get("env"), job.get("env")].into_iter().flatten() {
            if !map.is_map() {
                // `env: ${{ fromJSON(…) }}`: anything.
                env.opaque = true;
                continue;
            }
            for (k, v) in map.entries() {
                if let Some(name) = k.as_str() {
                    written.insert(name.to_string(), scalar(v).filter(|v| literal(v)));
                }
            }
        }
        // Names that differ only in case are one name to `${{ env.… }}`: every value counts.
        for (name, value) in written {
            let slot = env
                .values
                .entry(name.to_ascii_lowercase())
                .or_insert(Some(BTreeSet::new()));
            match (slot.as_mut(), value) {
                (Some(set), Some(v)) => {
                    set.insert(v);
                }
                _ => *slot = None,
            }
        }
        env
    }

    /// What step `step` may set for the steps after it.
    pub(super) fn after(&mut self, repo: &Repo<'_>, step: &Node) {
        if self.opaque {
            return;
        }
        if let Some(uses) = step.get("uses").and_then(Node::as_str) {
            let name = uses
                .split('@')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            if !QUIET_ACTIONS.contains(&name.as_str()) {
                self.opaque = true;
            }
        }
        let Some(script) = step.get("run").and_then(Node::as_str) else {
            return;
        };
        // A repository script may write to the file too (`./ci/setup.sh`): one that names
        // it leaves every name unresolved.
        if writes_in_scripts(repo, script) {
            self.opaque = true;
        }
        // Only a POSIX shell's `echo` is read: pwsh, python or cmd write otherwise.
        let shell = step.get("shell").or(self.default_shell.as_ref());
        let posix = shell.is_none_or(|s| {
            s.as_str()
                .is_some_and(|s| matches!(s.split_whitespace().next(), Some("bash" | "sh")))
        });
        // A step that may not run, or a line a condition may skip, may leave a name unset.
        let conditional = step.get("if").is_some() || step.get("continue-on-error").is_some();
        // What the lines before hold: a control word, an open quote.
        let (mut controlled, mut doubles, mut singles) = (false, 0usize, 0usize);
        for line in script.lines() {
            let guarded = conditional || controlled || doubles % 2 == 1 || singles % 2 == 1;
            controlled |= CONTROL.is_match(line);
            doubles += line.matches('"').count();
            singles += line.matches('\'').count();
            if !line.contains("GITHUB_ENV") {
                continue;
            }
            match WRITE.captures(line) {
                Some(c) if c[1] == c[4] && posix && plain(&c[1], &c[3]) => {
                    let (name, value) = (c[2].to_ascii_lowercase(), c[3].to_string());
                    if literal(&value) {
                        let unset = !self.values.contains_key(&name);
                        if let Some(set) = self.values.entry(name).or_insert(Some(BTreeSet::new()))
                        {
                            if unset && guarded {
                                // `${{ env.NAME }}` of a name never set is empty.
                                set.insert(String::new());
                            }
                            set.insert(value);
                        }
                    } else {
                        self.values.insert(name, None);
                    }
                }
                _ => self.opaque = true,
            }
        }
    }

    /// The scripts `script` may be, with each `${{ env.NAME }}` replaced by a value the name
    /// may take (the step's own `env:` first): one per combination, at most
    /// [`MAX_ALTERNATIVES`]. None when it names no variable, or one whose values are not all
    /// known.
    pub(super) fn alternatives(&self, step: &Node, script: &str) -> Option<Vec<String>> {
        let names: BTreeSet<String> = REFERENCE
            .captures_iter(script)
            .map(|c| c[1].to_ascii_lowercase())
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
            for (k, v) in own.map(Node::entries).unwrap_or_default() {
                if k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(&name)) {
                    values.insert(scalar(v).filter(|v| literal(v))?);
                }
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
                                if c[1].eq_ignore_ascii_case(name) {
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

#[cfg(test)]
mod review_tests {
    use super::*;
    use crate::collect::files::yaml;

    fn resolve(steps: &str, job_env: &str, script: &str) -> Option<Vec<String>> {
        let text = format!("jobs:\n  t:\n{job_env}    steps:\n{steps}      - run: x\n");
        let doc = yaml::parse(&text).unwrap();
        let job = doc.get("jobs").unwrap().entries()[0].1.clone();
        let env = JobEnv::of(&Repo::in_memory(&[]), &doc, &job, usize::MAX);
        let step = job.get("steps").unwrap().items().last().unwrap().clone();
        env.alternatives(&step, script)
    }

    #[test]
    fn a_second_command_on_a_write_line_may_write_anything() {
        let job_env = "    env:\n      CARGO: cargo\n";
        for (steps, why) in [
            (
                "      - run: echo X=1;echo CARGO=echo >> $GITHUB_ENV\n",
                "`;` ends the first echo",
            ),
            (
                "      - run: echo X=1 && echo CARGO=echo >> $GITHUB_ENV\n",
                "`&&` starts a second command",
            ),
            (
                "      - shell: sh\n        run: echo \"X=1\\nCARGO=echo\" >> $GITHUB_ENV\n",
                "dash's echo turns \\n into a line break",
            ),
        ] {
            assert_eq!(
                resolve(steps, job_env, "${{ env.CARGO }} test"),
                None,
                "{why}"
            );
        }
    }

    #[test]
    fn an_expression_from_the_event_may_write_a_second_line() {
        let steps =
            "      - run: echo \"TITLE=${{ github.event.pull_request.title }}\" >> $GITHUB_ENV\n";
        assert_eq!(
            resolve(
                steps,
                "    env:\n      CARGO: cargo\n",
                "${{ env.CARGO }} test"
            ),
            None
        );
    }

    #[test]
    fn a_write_that_may_not_happen_may_leave_the_name_unset() {
        for steps in [
            "      - run: |\n          if [ -n \"$NEVER\" ]; then\n            echo \"SUB=test\" >> $GITHUB_ENV\n          fi\n",
            "      - if: github.event_name == 'push'\n        run: echo \"SUB=test\" >> $GITHUB_ENV\n",
            "      - run: |\n          [ -n \"$NEVER\" ] || exit 0\n          echo \"SUB=test\" >> $GITHUB_ENV\n",
        ] {
            let got = resolve(steps, "", "cargo ${{ env.SUB }}").unwrap();
            assert!(got.contains(&"cargo ".to_string()), "{steps}: {got:?}");
        }
        // A write every run makes stays the only value.
        let got = resolve(
            "      - run: echo \"SUB=test\" >> $GITHUB_ENV\n",
            "",
            "cargo ${{ env.SUB }}",
        );
        assert_eq!(got.unwrap(), ["cargo test"]);
    }

    #[test]
    fn env_names_differing_in_case_are_one_name_to_an_expression() {
        let got = resolve(
            "      - run: echo \"cargo=echo\" >> $GITHUB_ENV\n",
            "    env:\n      CARGO: cargo\n",
            "${{ env.CARGO }} test",
        );
        assert_ne!(got, Some(vec!["cargo test".to_string()]), "{got:?}");
    }
}

#[cfg(test)]
mod review_indirect_tests {
    use super::*;
    use crate::collect::files::yaml;

    #[test]
    fn a_script_run_from_another_folder_or_a_task_runner_may_write() {
        let files: &[(&str, &str)] = &[
            ("ci/setup.sh", "echo CARGO=echo >> \"$GITHUB_ENV\"\n"),
            ("Makefile", "setup:\n\techo CARGO=echo >> $$GITHUB_ENV\n"),
        ];
        for setup in [
            "      - run: cd ci && ./setup.sh\n",
            "      - run: ./setup.sh\n        working-directory: ci\n",
            "      - run: make setup\n",
        ] {
            let text = format!(
                "jobs:\n  t:\n    env:\n      CARGO: cargo\n    steps:\n{setup}      - run: x\n"
            );
            let doc = yaml::parse(&text).unwrap();
            let job = doc.get("jobs").unwrap().entries()[0].1.clone();
            let env = JobEnv::of(&Repo::in_memory(files), &doc, &job, usize::MAX);
            let step = job.get("steps").unwrap().items().last().unwrap().clone();
            assert_eq!(
                env.alternatives(&step, "${{ env.CARGO }} test"),
                None,
                "{setup}"
            );
        }
    }
}
