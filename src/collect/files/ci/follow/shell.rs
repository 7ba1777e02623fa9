//! Whether the failure of a command reaches the status of the block that runs it: the step, the
//! recipe line or the script. A command counts as run only when it does, since a CI step that
//! passes whatever the command says shows nothing. What decides it is the shell's options
//! (`errexit`, `pipefail`, as the runner starts the shell and as `set` changes them) and where
//! the command stands: in a condition, in a branch that never runs, before `&&`, in the middle
//! of a pipe, before other commands when nothing stops at a failure (threat model TM-30,
//! process record OI-33).

use super::super::commands::Command;

/// How a shell treats failing commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shell {
    /// `set -e`: the shell stops at a failing command (outside conditions and `&&`/`||` lists).
    pub errexit: bool,
    /// `set -o pipefail`: a pipe fails when any of its commands does, not only its last.
    pub pipefail: bool,
}

impl Shell {
    /// `bash -e`, `sh -e`: GitHub's default `run` shell and `shell: sh`, GitLab's script lines,
    /// Jenkins `sh` (`-xe`), Buildkite (`bash -e -c`).
    pub(crate) const ERREXIT: Shell = Shell {
        errexit: true,
        pipefail: false,
    };
    /// `bash -eo pipefail`: GitHub's `shell: bash`, CircleCI's default shell.
    pub(crate) const STRICT: Shell = Shell {
        errexit: true,
        pipefail: true,
    };
    /// A shell that goes on after a failing command, whose status is its last command's: a
    /// make or just recipe line (`sh -c`), `bash -c '…'`, Azure's script steps, a script file
    /// without `set -e`, PowerShell and any shell a CI file names that is not one of the above.
    pub(crate) const PLAIN: Shell = Shell {
        errexit: false,
        pipefail: false,
    };

    /// A script file's shell: `-e` on its `#!` line (`#!/bin/bash -e`, `#!/usr/bin/env -S bash
    /// -eu`) stops at failures; anything else does not until the script says `set -e`.
    pub(crate) fn of_script(text: &str) -> Shell {
        let errexit = text.lines().next().is_some_and(|l| {
            l.starts_with("#!")
                && l.split_whitespace()
                    .skip(1)
                    .any(|w| flags(w, '-').is_some_and(|f| f.contains('e')))
        });
        Shell {
            errexit,
            pipefail: false,
        }
    }

    /// The shell a GitHub Actions step names (`shell:`), by GitHub's documented defaults.
    pub(crate) fn github(shell: Option<&str>) -> Shell {
        match shell.map(str::trim) {
            None | Some("sh") => Shell::ERREXIT,
            Some("bash") => Shell::STRICT,
            // `pwsh`, `python`, `cmd`, or a custom command (`bash {0}`): its own rules.
            Some(_) => Shell::PLAIN,
        }
    }
}

/// The flags of a word that sets shell options (`-eux`, `+e`), when it is one.
fn flags(word: &str, sign: char) -> Option<&str> {
    word.strip_prefix(sign)
        .filter(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_alphabetic()))
}

/// A compound command being read.
#[derive(Debug, Clone)]
struct Frame {
    kind: &'static str,
    /// Between `if`/`elif`/`while`/`until` and `then`/`do`.
    condition: bool,
    /// The commands of the condition so far, as written; and whether the only one is
    /// literally false.
    conditions: usize,
    literally_false: Option<String>,
    /// The part being read never runs (`if false; then …`).
    never: Option<String>,
}

/// The state of a block being read: the shell's options and the compound commands open.
#[derive(Debug, Clone)]
pub(crate) struct Flow {
    shell: Shell,
    /// `set +e` was read: the reason says so.
    errexit_dropped: bool,
    frames: Vec<Frame>,
}

impl Flow {
    pub(crate) fn new(shell: Shell) -> Flow {
        Flow {
            shell,
            errexit_dropped: false,
            frames: Vec::new(),
        }
    }

    /// The shell's options now (for a function or a sourced file run from here).
    pub(crate) fn shell(&self) -> Shell {
        self.shell
    }

    /// Options a function or sourced file left set.
    pub(crate) fn set_shell(&mut self, shell: Shell) {
        if self.shell.errexit && !shell.errexit {
            self.errexit_dropped = true;
        }
        self.shell = shell;
    }

    /// Keywords and closers read outside any command (`then` alone, `fi` alone).
    pub(crate) fn events(&mut self, events: &[String]) {
        for e in events {
            self.event(e);
        }
    }

    fn event(&mut self, e: &str) {
        match e {
            "if" => self.push("if", true),
            "while" => self.push("while", true),
            "until" => self.push("until", true),
            "{" => self.push("{", false),
            "elif" => {
                if let Some(f) = self.frames.last_mut().filter(|f| f.kind == "if") {
                    f.condition = true;
                    f.conditions = 0;
                    f.literally_false = None;
                    f.never = None;
                }
            }
            "then" => {
                if let Some(f) = self.frames.last_mut().filter(|f| f.kind == "if") {
                    f.condition = false;
                    f.never = close_condition(f);
                }
            }
            "else" => {
                if let Some(f) = self.frames.last_mut().filter(|f| f.kind == "if") {
                    f.condition = false;
                    f.never = None;
                }
            }
            "do" => match self.frames.last_mut() {
                Some(f) if f.condition && matches!(f.kind, "while" | "until") => {
                    f.condition = false;
                    if f.kind == "while" {
                        f.never = close_condition(f);
                    }
                }
                // `for x in …; do`, `select`: a loop whose list is no condition.
                _ => self.push("for", false),
            },
            "fi" => self.pop(&["if"]),
            "done" => self.pop(&["while", "until", "for"]),
            "}" => self.pop(&["{"]),
            _ => {}
        }
    }

    fn push(&mut self, kind: &'static str, condition: bool) {
        self.frames.push(Frame {
            kind,
            condition,
            conditions: 0,
            literally_false: None,
            never: None,
        });
    }

    /// Close the innermost frame of one of `kinds` and those opened inside it; a closer that
    /// matches nothing open closes nothing.
    fn pop(&mut self, kinds: &[&str]) {
        if let Some(at) = self.frames.iter().rposition(|f| kinds.contains(&f.kind)) {
            self.frames.truncate(at);
        }
    }

    /// Why the failure of `cmds[i]` does not fail the block, or `None` when it does. `ends_block`
    /// tells whether a command of the line is the block's last. Call it once per command, in
    /// order: it reads the command's keywords before and closers after it, and the options
    /// `set` changes.
    pub(crate) fn judge(
        &mut self,
        cmds: &[Command],
        i: usize,
        ends_block: &dyn Fn(usize) -> bool,
    ) -> Option<String> {
        let cmd = &cmds[i];
        for e in &cmd.opens {
            self.event(e);
        }
        let why = self.why(cmds, i, ends_block);
        if let Some(f) = self.frames.last_mut().filter(|f| f.condition) {
            f.conditions += 1;
            f.literally_false = literally_false(cmd).then(|| cmd.text.clone());
        }
        self.set_options(cmd);
        for e in &cmd.closes {
            self.event(e);
        }
        why
    }

    fn why(
        &self,
        cmds: &[Command],
        i: usize,
        ends_block: &dyn Fn(usize) -> bool,
    ) -> Option<String> {
        let cmd = &cmds[i];
        if let Some(cond) = self.frames.iter().find_map(|f| f.never.as_ref()) {
            return Some(format!(
                "it stands in a branch whose condition `{}` is always false: it never runs",
                super::super::clip(cond)
            ));
        }
        if cmd.ignored {
            return Some("its failure is ignored, so the step passes whatever the outcome".into());
        }
        if let Some(f) = self.frames.iter().find(|f| f.condition) {
            return Some(format!(
                "it is the condition of `{}`: its failure chooses a branch and fails nothing",
                f.kind
            ));
        }
        if let Some(next) = cmds.get(i + 1).filter(|n| n.piped)
            && !self.shell.pipefail
        {
            return Some(format!(
                "its output is piped to `{}` and the shell does not set pipefail, so the pipe's \
                 status is that of its last command",
                super::super::clip(&next.text)
            ));
        }
        if cmd.checked {
            return None;
        }
        // The end of its `&&` list: the list's status is the block's when it ends the block.
        let mut end = i;
        while cmds[end].and_then && end + 1 < cmds.len() {
            end += 1;
        }
        if ends_block(end) {
            return None;
        }
        if cmd.and_then {
            return Some(
                "it is joined by `&&` to the command after it in a list that does not end the \
                 script: a failure there skips the rest of the list, and the shell does not \
                 stop for it (errexit ignores all but the last command of a list)"
                    .into(),
            );
        }
        if !self.shell.errexit {
            return Some(format!(
                "the shell does not stop at a failing command here ({}) and it is not the last \
                 command, whose status alone is the step's",
                if self.errexit_dropped {
                    "`set +e` turned that off"
                } else {
                    "no `set -e`"
                }
            ));
        }
        None
    }

    /// `set -e`, `set -o pipefail`, `set +e`, …: the options from here on. An option is turned
    /// on only by a `set` outside every compound command (one in a branch may not run); it is
    /// turned off by any.
    fn set_options(&mut self, cmd: &Command) {
        let argv = cmd.argv();
        if argv.first().map(String::as_str) != Some("set") {
            return;
        }
        let top = self.frames.is_empty();
        let mut words = argv[1..].iter().peekable();
        while let Some(w) = words.next() {
            let (on, f) = match (flags(w, '-'), flags(w, '+')) {
                (Some(f), _) => (true, f),
                (_, Some(f)) => (false, f),
                _ => continue,
            };
            let mut apply = |errexit: bool, pipefail: bool| {
                if on && !top {
                    return;
                }
                if errexit {
                    if self.shell.errexit && !on {
                        self.errexit_dropped = true;
                    }
                    self.shell.errexit = on;
                }
                if pipefail {
                    self.shell.pipefail = on;
                }
            };
            if f.contains('e') {
                apply(true, false);
            }
            if f.contains('o') {
                match words.next().map(String::as_str) {
                    Some("errexit") => apply(true, false),
                    Some("pipefail") => apply(false, true),
                    _ => {}
                }
            }
        }
    }
}

/// Whether a condition just closed is one literally false command (its text when so).
fn close_condition(f: &Frame) -> Option<String> {
    (f.conditions == 1)
        .then(|| f.literally_false.clone())
        .flatten()
}

/// `false`, `! true`, `[ 0 = 1 ]`, `test a != a`, `[[ -n "" ]]`: a condition that is false
/// whatever the environment (no variable, no substitution).
fn literally_false(cmd: &Command) -> bool {
    let negated = cmd.opens.iter().filter(|k| *k == "!").count() % 2 == 1;
    let argv = cmd.argv();
    let words: Vec<&str> = argv.iter().map(String::as_str).collect();
    let plain = |w: &str| !w.contains(['$', '`', '*', '?']);
    let value = match words.as_slice() {
        ["false" | "/bin/false" | "/usr/bin/false"] => Some(false),
        ["true" | ":" | "/bin/true" | "/usr/bin/true"] => Some(true),
        ["[", rest @ .., "]"] | ["[[", rest @ .., "]]"] | ["test", rest @ ..] => match rest {
            [a, op, b] if plain(a) && plain(b) => match *op {
                "=" | "==" => Some(a == b),
                "!=" => Some(a != b),
                "-eq" | "-ne" => match (a.parse::<i64>(), b.parse::<i64>()) {
                    (Ok(x), Ok(y)) => Some((x == y) == (*op == "-eq")),
                    _ => None,
                },
                _ => None,
            },
            ["-n", a] if plain(a) => Some(!a.is_empty()),
            ["-z", a] if plain(a) => Some(a.is_empty()),
            _ => None,
        },
        _ => None,
    };
    value.is_some_and(|v| v == negated)
}

#[cfg(test)]
mod tests {
    use super::super::super::commands::parse;
    use super::*;

    /// The reasons of every command of `script` (one line a `\n`) run by `shell`.
    fn reasons(script: &str, shell: Shell) -> Vec<(String, Option<String>)> {
        let parsed: Vec<_> = script.lines().map(parse).collect();
        let last = parsed.iter().rposition(|(c, _)| !c.is_empty());
        let mut flow = Flow::new(shell);
        let mut out = Vec::new();
        for (n, (cmds, trailing)) in parsed.iter().enumerate() {
            for i in 0..cmds.len() {
                let ends = |j: usize| Some(n) == last && j + 1 == cmds.len();
                let why = flow.judge(cmds, i, &ends);
                out.push((cmds[i].text.clone(), why));
            }
            flow.events(trailing);
        }
        out
    }

    fn counted(script: &str, shell: Shell) -> Vec<String> {
        reasons(script, shell)
            .into_iter()
            .filter(|(_, why)| why.is_none())
            .map(|(t, _)| t)
            .collect()
    }

    #[test]
    fn a_branch_that_never_runs_and_a_condition_count_for_nothing() {
        for script in [
            "if false; then cargo test; fi\necho done",
            "if false\nthen\n  cargo test\nfi\necho done",
            "if [ 0 = 1 ]; then cargo test; fi\necho done",
            "if test a != a; then\ncargo test\nfi\necho done",
            "if ! true; then cargo test; fi\necho done",
            "while false; do cargo test; done\necho done",
            "if [[ -n \"\" ]]; then { cargo test; }; fi\necho done",
        ] {
            let c = counted(script, Shell::ERREXIT);
            assert!(
                !c.iter().any(|t| t.contains("cargo test")),
                "{script}: {c:?}"
            );
            assert!(c.iter().any(|t| t == "echo done"), "{script}: {c:?}");
        }
        // A condition fails nothing; its else branch and a real condition's body run.
        let r = reasons(
            "if cargo test; then echo ok; fi\nif [ \"$CI\" = 1 ]; then cargo fmt --check; fi\n\
             if false; then :; else cargo clippy; fi\necho end",
            Shell::ERREXIT,
        );
        let why = |t: &str| {
            r.iter()
                .find(|(x, _)| x.ends_with(t))
                .unwrap_or_else(|| panic!("{t}: {r:?}"))
                .1
                .clone()
        };
        assert!(why("cargo test").unwrap().contains("condition of `if`"));
        assert_eq!(why("cargo fmt --check"), None);
        assert_eq!(why("cargo clippy"), None);
    }

    #[test]
    fn pipes_lists_and_errexit_decide_what_reaches_the_status() {
        // Without pipefail the pipe's status is its last command's.
        let r = reasons("cargo test | tee log\necho done", Shell::ERREXIT);
        assert!(r[0].1.as_ref().unwrap().contains("pipefail"), "{r:?}");
        assert_eq!(
            counted("cargo test | tee log\necho done", Shell::STRICT)[0],
            "cargo test"
        );
        assert_eq!(
            counted(
                "set -euo pipefail\ncargo test | tee log\necho done",
                Shell::PLAIN
            )[0],
            "cargo test"
        );
        // `&&` before the end of the script: errexit does not apply.
        let c = counted("cargo build && cargo test\necho done", Shell::ERREXIT);
        assert_eq!(c, ["cargo test", "echo done"]);
        assert_eq!(
            counted("cargo build && cargo test", Shell::ERREXIT),
            ["cargo build", "cargo test"]
        );
        // Without errexit only the last command and checked ones count.
        assert_eq!(
            counted(
                "cargo test\ncargo fmt --check || exit 1\necho done",
                Shell::PLAIN
            ),
            ["cargo fmt --check", "echo done"]
        );
        assert_eq!(counted("cargo test", Shell::PLAIN), ["cargo test"]);
        // `set +e` turns errexit off from there; `set -e` in a branch turns nothing on.
        let r = reasons("set +e\ncargo test\necho done", Shell::ERREXIT);
        assert!(r[1].1.as_ref().unwrap().contains("set +e"), "{r:?}");
        assert_eq!(
            counted(
                "if [ \"$X\" ]; then set -e; fi\ncargo test\necho done",
                Shell::PLAIN
            ),
            ["echo done"]
        );
        // A background job is waited for by nothing.
        assert_eq!(
            counted("cargo test &\nwait\necho done", Shell::ERREXIT),
            ["wait", "echo done"]
        );
    }

    #[test]
    fn shells_are_read_from_their_names_and_shebangs() {
        assert_eq!(
            Shell::of_script("#!/bin/bash -e\ncargo test\n"),
            Shell::ERREXIT
        );
        assert_eq!(
            Shell::of_script("#!/usr/bin/env -S bash -eux\n"),
            Shell::ERREXIT
        );
        assert_eq!(Shell::of_script("#!/bin/sh\nset -e\n"), Shell::PLAIN);
        assert_eq!(Shell::of_script("#!/usr/bin/env bash\n"), Shell::PLAIN);
        assert_eq!(Shell::github(None), Shell::ERREXIT);
        assert_eq!(Shell::github(Some("bash")), Shell::STRICT);
        assert_eq!(Shell::github(Some("bash {0}")), Shell::PLAIN);
        assert_eq!(Shell::github(Some("pwsh")), Shell::PLAIN);
    }
}
