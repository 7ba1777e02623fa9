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
    /// The commands of the condition so far; and the literal value of the last one, with its
    /// text, when it has one (`false`, `[ 0 = 1 ]`).
    conditions: usize,
    literal: Option<(bool, String)>,
    /// Why the part being read never runs (`if false; then …`).
    never: Option<String>,
    /// A condition of this `if` that is literally true: its later branches never run.
    taken: Option<String>,
    /// The id of the first command judged inside it.
    first: usize,
    /// `! { …; }`: its status is negated, so no failure inside it fails anything.
    negated: bool,
    /// `case WORD in` with a literal WORD: the branches whose literal pattern differs never run.
    subject: Option<String>,
}

/// The state of a block being read: the shell's options and the compound commands open.
#[derive(Debug, Clone)]
pub(crate) struct Flow {
    shell: Shell,
    /// `set +e` was read: the reason says so.
    errexit_dropped: bool,
    frames: Vec<Frame>,
    /// Commands judged so far, and the reasons found for them after they were judged
    /// (`{ cargo test; } || true`: the `||` comes after the group).
    judged: usize,
    late: Vec<Option<String>>,
    /// The compound command just closed: the ids of its commands whose status the operator
    /// after it (`||`, `|`, `&&`, `&`) takes.
    closed: Option<(usize, usize)>,
    /// A `!` read before a compound command.
    bang: bool,
    /// The last command judged runs in this shell, outside every compound command, pipe or
    /// background job: what it sets (or a function it calls) stays set.
    at_top: bool,
    /// A trap that may turn a failure into success (`trap 'exit 0' EXIT`).
    trapped: Option<String>,
}

impl Flow {
    pub(crate) fn new(shell: Shell) -> Flow {
        Flow {
            shell,
            errexit_dropped: false,
            frames: Vec::new(),
            judged: 0,
            late: Vec::new(),
            closed: None,
            bang: false,
            at_top: false,
            trapped: None,
        }
    }

    /// The shell's options now (for a function or a sourced file run from here).
    pub(crate) fn shell(&self) -> Shell {
        self.shell
    }

    /// Options a function or sourced file run by the last command judged left set: all of them
    /// when it ran in this shell at the top; otherwise (in a branch, a pipe, the background)
    /// only those it turned off, since an option it turned on may not have been set here.
    pub(crate) fn set_shell(&mut self, shell: Shell) {
        let shell = if self.at_top {
            shell
        } else {
            Shell {
                errexit: shell.errexit && self.shell.errexit,
                pipefail: shell.pipefail && self.shell.pipefail,
            }
        };
        if self.shell.errexit && !shell.errexit {
            self.errexit_dropped = true;
        }
        self.shell = shell;
    }

    /// A reason found after the command `id` was judged, that makes it not count.
    pub(crate) fn late(&self, id: usize) -> Option<&String> {
        self.late.get(id).and_then(Option::as_ref)
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
            "(" => self.push("(", false),
            "!" => self.bang = true,
            "elif" => {
                if let Some(f) = self.frames.last_mut().filter(|f| f.kind == "if") {
                    f.condition = true;
                    f.conditions = 0;
                    f.literal = None;
                    f.never = f.taken.clone();
                }
            }
            "then" => {
                if let Some(f) = self.frames.last_mut().filter(|f| f.kind == "if") {
                    f.condition = false;
                    match close_condition(f) {
                        Some((false, text)) => f.never = f.never.clone().or(Some(never(&text))),
                        Some((true, text)) => {
                            f.taken = f.taken.clone().or(Some(format!(
                                "it stands in a branch after a condition `{}` that is always \
                                 true: it never runs",
                                super::super::clip(&text)
                            )))
                        }
                        None => {}
                    }
                }
            }
            "else" => {
                if let Some(f) = self.frames.last_mut().filter(|f| f.kind == "if") {
                    f.condition = false;
                    f.never = f.taken.clone();
                }
            }
            "do" => match self.frames.last_mut() {
                Some(f) if f.condition && matches!(f.kind, "while" | "until") => {
                    f.condition = false;
                    // `while false`, `until true`: the body never runs.
                    if let Some((value, text)) = close_condition(f)
                        && value == (f.kind == "until")
                    {
                        f.never = Some(never(&text));
                    }
                }
                // `for x in …; do`, `select`: a loop whose list is no condition.
                _ => self.push("for", false),
            },
            "fi" => self.pop(&["if"], self.judged),
            "done" => self.pop(&["while", "until", "for"], self.judged),
            "}" => self.pop(&["{"], self.judged),
            "esac" => self.pop(&["case"], self.judged),
            // In a `case`, `a)` ends a pattern, not a subshell.
            ")" if self.in_case() => {}
            ")" => self.pop(&["("], self.judged),
            "|" | "||" | "&&" | "&" => self.operator(e),
            _ => {}
        }
    }

    /// An operator after a compound command: its commands' failures go where it says.
    fn operator(&mut self, op: &str) {
        let Some((from, to)) = self.closed.take() else {
            return;
        };
        let why = match op {
            "|" if self.shell.pipefail => return,
            "|" => {
                "the compound command it stands in is piped and the shell does not set \
                    pipefail, so the pipe's status is that of its last command"
            }
            "&" => {
                "the compound command it stands in runs in the background; nothing waits \
                    for its status"
            }
            _ => {
                "the compound command it stands in is joined by `&&` or `||` to another: \
                  the shell does not stop at a failure inside it, and the list decides what \
                  its status does"
            }
        };
        for id in from..to {
            if let Some(slot) = self.late.get_mut(id)
                && slot.is_none()
            {
                *slot = Some(why.to_string());
            }
        }
    }

    fn in_case(&self) -> bool {
        self.frames.last().is_some_and(|f| f.kind == "case")
    }

    fn push(&mut self, kind: &'static str, condition: bool) {
        let negated = std::mem::take(&mut self.bang);
        self.frames.push(Frame {
            kind,
            condition,
            conditions: 0,
            literal: None,
            never: None,
            taken: None,
            first: self.judged,
            negated,
            subject: None,
        });
    }

    /// Close the innermost frame of one of `kinds` and those opened inside it; a closer that
    /// matches nothing open closes nothing. `to`: the end of the ids an operator after it
    /// takes (the command that closes it by its own words carries that operator itself).
    fn pop(&mut self, kinds: &[&str], to: usize) {
        if let Some(at) = self.frames.iter().rposition(|f| kinds.contains(&f.kind)) {
            self.closed = Some((self.frames[at].first, to));
            self.frames.truncate(at);
        }
    }

    /// Why the failure of `cmds[i]` does not fail the block, or `None` when it does. `ends_block`
    /// tells whether a command of the line is the block's last. Call it once per command, in
    /// order: it reads the command's keywords before and closers after it, and the options
    /// `set` changes. The command's id is the number of commands judged before it.
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
        self.closed = None;
        self.bang = false;
        let why = self.why(cmds, i, ends_block);
        self.at_top = self.frames.is_empty()
            && !cmd.piped
            && !cmd.ignored
            && !cmds.get(i + 1).is_some_and(|n| n.piped);
        if let Some(f) = self.frames.last_mut().filter(|f| f.condition) {
            // The condition's status is its last list's (`false || false`, `x && false`): the
            // list is evaluated as `skipped` does, from what is literal in it.
            let joined = f.conditions > 0 && i > 0 && (cmds[i - 1].and_then || cmds[i - 1].or_else);
            let in_pipe = cmd.piped || cmds.get(i + 1).is_some_and(|n| n.piped);
            let own = (!in_pipe).then(|| literal(cmd)).flatten();
            let mine = |v: bool| (v, cmd.text.clone());
            f.literal = if joined {
                let and = cmds[i - 1].and_then;
                match f.literal.take() {
                    // The status so far decides that this command does not run.
                    Some((v, text)) if v != and => Some((v, text)),
                    Some(_) => own.map(mine),
                    None => own.filter(|v| *v != and).map(mine),
                }
            } else {
                own.map(mine)
            };
            f.conditions += 1;
        }
        self.set_options(cmd);
        self.trap(cmd);
        let id = self.judged;
        self.judged += 1;
        self.late.push(None);
        // `case WORD in`: its branches are read as a compound command until `esac`.
        let literal_word = |w: &str| !w.contains(['$', '`', '*', '?', '[']);
        if cmd.program() == Some("case") {
            self.push("case", false);
            if let [_, word, keyword] = cmd.argv()
                && keyword == "in"
                && literal_word(word)
                && let Some(f) = self.frames.last_mut()
            {
                f.subject = Some(word.clone());
            }
        } else if self.in_case() {
            // A pattern (`a)` alone, or `a) cmd` on its line) starts a branch: it never runs
            // when the case's word and the one pattern are literals that differ.
            let words = &cmd.words;
            let pattern = match (words.as_slice(), cmd.closes.first()) {
                ([p], Some(c)) if c == ")" => Some(p.clone()),
                ([first, ..], _) if first.len() > 1 && first.ends_with(')') => {
                    Some(first.trim_end_matches(')').to_string())
                }
                _ => None,
            };
            let alone = !cmd.piped && !cmds.get(i + 1).is_some_and(|n| n.piped);
            if let Some(pattern) = pattern
                && let Some(f) = self.frames.last_mut()
            {
                f.never = match &f.subject {
                    Some(subject) if alone && literal_word(&pattern) && pattern != *subject => {
                        Some(format!(
                            "it stands in the branch `{pattern})` of a case on `{subject}`, \
                             which it never matches: it never runs"
                        ))
                    }
                    _ => None,
                };
            }
        }
        for e in &cmd.closes {
            if e == ")" {
                if !self.in_case() {
                    self.pop(&["("], id);
                }
            } else {
                self.event(e);
            }
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
        if let Some(why) = self.frames.iter().find_map(|f| f.never.as_ref()) {
            return Some(why.clone());
        }
        // `false && cargo test`, `true || cargo test`: the list before it decides it away.
        if let Some(why) = skipped(cmds, i) {
            return Some(why);
        }
        if let Some(trap) = &self.trapped {
            return Some(format!(
                "the trap `{}` may end the shell with success whatever fails",
                super::super::clip(trap)
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
        if self.frames.iter().any(|f| f.negated) {
            return Some(
                "it stands in a compound command negated by `!`: its failure makes that \
                 command succeed"
                    .into(),
            );
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
        // `|| exit 1` ends the shell, not only a subshell it stands in (one that the command
        // closes itself, `(cd x && cargo test) || exit 1`, is left before the `||`).
        let subshells = self.frames.iter().filter(|f| f.kind == "(").count();
        if cmd.checked && subshells <= cmd.closes.iter().filter(|k| *k == ")").count() {
            return None;
        }
        // Without errexit a loop's status is its last round's: a failure in another is lost.
        if !self.shell.errexit
            && self
                .frames
                .iter()
                .any(|f| matches!(f.kind, "while" | "until" | "for"))
        {
            return Some(
                "it stands in a loop and the shell does not stop at a failing command, so only \
                 the last round's status is the loop's"
                    .into(),
            );
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
    /// on only by a `set` run in this shell outside every compound command (one in a branch may
    /// not run, one in a pipe or subshell sets nothing here); it is turned off by any.
    fn set_options(&mut self, cmd: &Command) {
        let argv = cmd.argv();
        if argv.first().map(String::as_str) != Some("set") {
            return;
        }
        let top = self.at_top;
        let mut words = argv[1..].iter().peekable();
        while let Some(w) = words.next() {
            // `set -- -e`: what follows `--` (or `-`) are the positional parameters.
            if w == "--" || w == "-" {
                break;
            }
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

    /// `trap 'exit 0' EXIT`, `trap "exit $s" ERR`: an exit in a trap with a status that is not
    /// a literal failure may replace the status of a failure.
    fn trap(&mut self, cmd: &Command) {
        let argv = cmd.argv();
        if argv.first().map(String::as_str) != Some("trap") || self.trapped.is_some() {
            return;
        }
        let Some(action) = argv.get(1) else {
            return;
        };
        self.trap_action(action, &cmd.text);
    }

    /// The trap `trap` runs `action` (a function's body, when it names one).
    pub(crate) fn trap_action(&mut self, action: &str, trap: &str) {
        let words: Vec<&str> = action
            .split(|c: char| c.is_whitespace() || c == ';')
            .filter(|w| !w.is_empty())
            .collect();
        let lenient = words.iter().enumerate().any(|(k, w)| {
            *w == "exit"
                && words
                    .get(k + 1)
                    .is_some_and(|code| !matches!(code.parse::<u8>(), Ok(n) if n != 0))
        });
        if lenient && self.trapped.is_none() {
            self.trapped = Some(trap.to_string());
        }
    }
}

/// Why `cmds[i]` never runs because the `&&`/`||` list before it has a literal status
/// (`false && cargo test`, `true || cargo test`, `x || true || cargo test`).
fn skipped(cmds: &[Command], i: usize) -> Option<String> {
    let mut start = i;
    while start > 0 && (cmds[start - 1].and_then || cmds[start - 1].or_else) {
        start -= 1;
    }
    if start == i {
        return None;
    }
    // The literal status of a command of a pipe is unknown here.
    let value = |k: usize| {
        (!cmds[k].piped && !cmds.get(k + 1).is_some_and(|n| n.piped))
            .then(|| literal(&cmds[k]))
            .flatten()
    };
    // The status of the list so far: literal or unknown (None).
    let mut status = value(start);
    for k in start + 1..=i {
        let and = cmds[k - 1].and_then;
        let runs = match status {
            Some(s) => s == and,
            None => true,
        };
        if k == i {
            return (!runs).then(|| {
                format!(
                    "the list before it, up to `{}`, always {}: it never runs",
                    super::super::clip(&cmds[k - 1].text),
                    if and { "fails" } else { "succeeds" }
                )
            });
        }
        status = match (status, value(k)) {
            (Some(s), _) if !runs => Some(s),
            (Some(_), v) => v,
            (None, Some(v)) if v != and => Some(v),
            (None, _) => None,
        };
    }
    None
}

/// Why a command in the branch of an always false condition never runs.
fn never(condition: &str) -> String {
    format!(
        "it stands in a branch whose condition `{}` is always false: it never runs",
        super::super::clip(condition)
    )
}

/// The literal value of a condition just closed: that of its last list, when the commands
/// that decide it are literally true or false.
fn close_condition(f: &Frame) -> Option<(bool, String)> {
    f.literal.clone()
}

/// `false`, `! true`, `[ 0 = 1 ]`, `test a != a`, `[[ -n "" ]]`: a command whose status is
/// the same whatever the environment (no variable, no substitution): its truth.
fn literal(cmd: &Command) -> Option<bool> {
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
    value.map(|v| v != negated)
}

#[cfg(test)]
mod tests {
    use super::super::super::commands::{lines, parse};
    use super::*;

    /// The reasons of every command of `script` (one line a `\n`) run by `shell`.
    fn reasons(script: &str, shell: Shell) -> Vec<(String, Option<String>)> {
        let parsed: Vec<_> = lines(script).iter().map(|l| parse(&l.text)).collect();
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
        for (id, (_, why)) in out.iter_mut().enumerate() {
            if why.is_none() {
                *why = flow.late(id).cloned();
            }
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

    /// Whether the command whose text ends with `t` counts.
    fn counts(script: &str, shell: Shell, t: &str) -> bool {
        let r = reasons(script, shell);
        r.iter()
            .find(|(x, _)| x.contains(t))
            .unwrap_or_else(|| panic!("{t}: {r:?}"))
            .1
            .is_none()
    }

    #[test]
    fn conditions_of_several_commands_are_read_as_the_shell_reads_them() {
        for script in [
            "if false || false; then cargo test; fi\necho done",
            "if [ \"$CI\" = 1 ] && false; then cargo test; fi\necho done",
            "if cargo build; false; then cargo test; fi\necho done",
            "while true && false; do cargo test; done\necho done",
            "if true || [ \"$X\" ]; then :; else cargo test; fi\necho done",
        ] {
            assert!(!counts(script, Shell::ERREXIT, "cargo test"), "{script}");
        }
        for script in [
            "if false || [ \"$CI\" = 1 ]; then cargo test; fi\necho done",
            "if [ \"$CI\" = 1 ] || false; then cargo test; fi\necho done",
            "if false; true; then cargo test; fi\necho done",
            "if false | true; then cargo test; fi\necho done",
        ] {
            assert!(counts(script, Shell::ERREXIT, "cargo test"), "{script}");
        }
    }

    #[test]
    fn words_that_look_like_closers_close_nothing() {
        // `echo fi` prints `fi`: the branch that never runs goes on.
        for script in [
            "if false; then\n  echo fi\n  cargo test\nfi\necho x",
            "if false; then\n  echo done\n  cargo test\nfi\necho x",
            "if false; then { echo }\n  cargo test\n}; fi\necho x",
        ] {
            assert!(!counts(script, Shell::ERREXIT, "cargo test"), "{script}");
            assert!(counts(script, Shell::ERREXIT, "echo x"), "{script}");
        }
        // A closer with its redirections closes: `set -e` after the loop is at the top.
        let script = "while read x; do\n  echo $x\ndone < list\nset -e\ncargo test\necho x";
        assert!(counts(script, Shell::PLAIN, "cargo test"));
    }

    #[test]
    fn an_operator_after_a_compound_command_takes_its_commands() {
        for (script, shell) in [
            ("{ cargo test; } || true\necho x", Shell::ERREXIT),
            ("{\n  cargo test\n} || true\necho x", Shell::ERREXIT),
            ("( cargo test\n) || true\necho x", Shell::ERREXIT),
            ("( cargo test; echo x ) || exit 1\necho x", Shell::ERREXIT),
            (
                "if [ \"$X\" ]; then\n  cargo test\nfi | tee log\necho x",
                Shell::ERREXIT,
            ),
            (
                "for c in a b; do cargo test -p $c; done &\nwait",
                Shell::ERREXIT,
            ),
            ("{ cargo test; echo x; } && echo ok\necho x", Shell::ERREXIT),
            ("! { cargo test; echo x; }\necho x", Shell::ERREXIT),
        ] {
            assert!(!counts(script, shell, "cargo test"), "{script}");
        }
        // With pipefail the pipe fails with the group; the command that closes a subshell
        // carries the operator itself.
        assert!(counts(
            "if [ \"$X\" ]; then\n  cargo test\nfi | tee log\necho x",
            Shell::STRICT,
            "cargo test"
        ));
        assert!(counts(
            "(cd sub && cargo test) || exit 1\necho x",
            Shell::PLAIN,
            "cargo test"
        ));
    }

    #[test]
    fn checks_that_stop_nothing_and_branches_that_never_run() {
        // `|| false` and `|| return 1` fail the list, which stops only a shell with errexit;
        // `|| (exit 1)` ends only a subshell.
        for alt in ["false", "return 1", "(exit 1)", "( echo no; exit 1 )"] {
            let script = format!("cargo test || {alt}\necho x");
            assert!(!counts(&script, Shell::PLAIN, "cargo test"), "{script}");
        }
        assert!(counts(
            "cargo test || false\necho x",
            Shell::ERREXIT,
            "cargo test"
        ));
        assert!(counts(
            "cargo test || { echo no; exit 1; }\necho x",
            Shell::PLAIN,
            "cargo test"
        ));
        // `|| exit 1` inside a subshell ends the subshell only.
        assert!(!counts(
            "( cargo test || exit 1; echo x )\necho x",
            Shell::PLAIN,
            "cargo test"
        ));
        // Literally true conditions: the other branches never run.
        for script in [
            "if true; then :; else cargo test; fi\necho x",
            "if [ 1 = 1 ]; then :; elif [ \"$X\" ]; then cargo test; fi\necho x",
            "until true; do cargo test; done\necho x",
            "false && cargo test\necho x",
            "true || cargo test\necho x",
            "cargo build || true || cargo test\necho x",
            "false && echo x && cargo test\necho x",
        ] {
            assert!(!counts(script, Shell::ERREXIT, "cargo test"), "{script}");
        }
        // …but a list whose status is not literal may run it.
        assert!(counts(
            "cargo build && true || cargo test\necho x",
            Shell::ERREXIT,
            "cargo test"
        ));
        // Without errexit, a loop's status is its last round's.
        assert!(!counts(
            "for c in a b; do cargo test -p $c; done",
            Shell::PLAIN,
            "cargo test -p $c"
        ));
        assert!(counts(
            "for c in a b; do cargo test -p $c || exit 1; done",
            Shell::PLAIN,
            "cargo test -p $c"
        ));
    }

    #[test]
    fn options_set_where_they_do_not_hold_and_lenient_traps() {
        // Options a subshell sets end with it; `set --` sets parameters.
        for script in [
            "(set -e)\ncargo test\necho x",
            "( set -e )\ncargo test\necho x",
            "set -- -e\ncargo test\necho x",
            "set -e | cat\ncargo test\necho x",
        ] {
            assert!(!counts(script, Shell::PLAIN, "cargo test"), "{script}");
        }
        // A trap that exits with success hides every failure after it.
        for trap in ["trap 'exit 0' EXIT", "trap \"echo; exit $rc\" ERR"] {
            let script = format!("{trap}\ncargo test\necho x");
            assert!(!counts(&script, Shell::STRICT, "cargo test"), "{script}");
        }
        assert!(counts(
            "trap 'echo failed; exit 1' ERR\ncargo test\necho x",
            Shell::STRICT,
            "cargo test"
        ));
    }

    #[test]
    fn a_case_branch_that_never_matches_never_runs() {
        let script = "case linux in\n  windows)\n    cargo test\n    ;;\n  linux)\n    cargo clippy\n    ;;\nesac\necho x";
        assert!(!counts(script, Shell::ERREXIT, "cargo test"));
        assert!(counts(script, Shell::ERREXIT, "cargo clippy"));
        // A pattern or word that is not literal may match: its branch counts.
        for script in [
            "case \"$OS\" in\n  windows)\n    cargo test\n    ;;\nesac\necho x",
            "case linux in\n  lin*)\n    cargo test\n    ;;\nesac\necho x",
            "case linux in\n  windows|linux)\n    cargo test\n    ;;\nesac\necho x",
        ] {
            assert!(counts(script, Shell::ERREXIT, "cargo test"), "{script}");
        }
    }

    #[test]
    fn a_case_is_a_compound_command_and_exit_codes_are_read() {
        let script = "case \"$X\" in\n  a)\n    cargo test\n    ;;\nesac || true\necho x";
        assert!(!counts(script, Shell::ERREXIT, "cargo test"));
        let script = "case \"$X\" in\n  a)\n    cargo test\n    ;;\nesac\necho x";
        assert!(counts(script, Shell::ERREXIT, "cargo test"));
        // A pattern's `)` closes no subshell: `set -e` in it stays inside.
        let script = "( case \"$X\" in\n  a)\n    echo a ;;\nesac\nset -e )\ncargo test\necho x";
        assert!(!counts(script, Shell::PLAIN, "cargo test"));
        // `exit 256` and `exit $code` may succeed; `exit $?` and `exit 3` fail.
        for alt in ["exit 256", "exit $code"] {
            let script = format!("cargo test || {alt}\necho x");
            assert!(!counts(&script, Shell::PLAIN, "cargo test"), "{script}");
        }
        for alt in ["exit $?", "exit 3", "exit"] {
            let script = format!("cargo test || {alt}\necho x");
            assert!(counts(&script, Shell::PLAIN, "cargo test"), "{script}");
        }
    }

    #[test]
    fn a_pipe_or_list_goes_on_on_the_next_line() {
        assert!(!counts(
            "cargo test |\n  tee log\necho x",
            Shell::ERREXIT,
            "cargo test"
        ));
        assert!(counts(
            "cargo test |\n  tee log\necho x",
            Shell::STRICT,
            "cargo test"
        ));
        assert!(!counts(
            "cargo test ||\n  true\necho x",
            Shell::ERREXIT,
            "cargo test"
        ));
        // The body of a here-document is text, even after a line that ends with `|`.
        let r = reasons(
            "cat <<EOF |\ncargo test\nEOF\ntee notes\necho x",
            Shell::ERREXIT,
        );
        assert!(!r.iter().any(|(t, _)| t.contains("cargo test")), "{r:?}");
        // A `|` in a comment continues nothing.
        assert!(counts(
            "# a | b\nset -e\ncargo test\necho x",
            Shell::PLAIN,
            "cargo test"
        ));
    }
}
