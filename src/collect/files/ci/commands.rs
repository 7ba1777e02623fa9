//! Script text as a shell reads it, closely enough to judge CI steps: lines joined over
//! backslash continuations, `#` comments dropped, each line split into simple commands at
//! unquoted `;`, `&&`, `||`, `|` and `&`, each command split into words with its quotes
//! removed. Then which activity a command is evidence of (`cargo test`, `cargo clippy`, …).
//!
//! Nothing here runs anything; it is a reading of text, and it errs on the side of not
//! recognising: a command quoted by `echo` or commented out is no evidence.

use std::sync::LazyLock;

use regex::Regex;

use crate::facts::files::ActivityKind;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("invalid built-in pattern {pattern}: {e}"))
}

/// Text that mentions a command: used only where commands cannot be told from text (a
/// script in another language), to make a rule unknown, never to pass it.
static MENTIONS: LazyLock<Vec<(ActivityKind, Regex)>> = LazyLock::new(|| {
    let flags = r"(?:\+\S+\s+)?(?:(?:hack|miri|careful|-{1,2}[\w=.,-]+)\s+)*";
    vec![
        (
            ActivityKind::Tests,
            re(&format!(
                r"\b(?:cargo|cross)\s+{flags}(?:test|t|nextest|llvm-cov|tarpaulin)\b"
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

/// The activities `text` mentions, as text (not as a command).
pub(super) fn mentions(text: &str) -> Vec<ActivityKind> {
    let text = CARGO_VARIABLE.replace_all(text, "cargo");
    MENTIONS
        .iter()
        .filter(|(_, p)| p.is_match(&text))
        .map(|(k, _)| *k)
        .collect()
}

/// A reference to the variable `CARGO`: `$CARGO`, `${CARGO}`, `$(CARGO)`.
static CARGO_VARIABLE: LazyLock<Regex> = LazyLock::new(|| re(r"\$(?:CARGO\b|\{CARGO\}|\(CARGO\))"));

/// A redirection operator at the start of a word: `>`, `>>`, `<`, `2>`, `&>`, `2>&1`.
static REDIRECTION: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:\d*>>?|\d*<|&>>?)(?:&\d+)?"));

/// Options that ask a program about itself instead of running it: `cargo clippy --version`
/// checks that clippy is installed, it does not run it.
const SELF_QUERIES: &[&str] = &["--version", "-V", "--help", "-h", "--list"];

/// Names of the cargo program: cargo itself, `cross` (which runs cargo in a container) and the
/// variable cargo sets for what it runs (Makefiles default it to `cargo`).
const CARGO_NAMES: &[&str] = &[
    "cargo",
    "cargo.exe",
    "cross",
    "$CARGO",
    "${CARGO}",
    "$(CARGO)",
    "\"$CARGO\"",
];

/// Cargo's options before the subcommand that take a value.
const CARGO_VALUE_OPTIONS: &[&str] = &["--color", "--config", "-Z", "-C", "--explain"];

/// Options of subcommands whose value may be known only at run time without changing what
/// the subcommand does: `cargo test --target $TARGET` runs the tests, whatever the target.
const VALUE_OPTIONS: &[&str] = &[
    "--target",
    "--features",
    "-F",
    "-p",
    "--package",
    "--exclude",
    "--manifest-path",
    "--profile",
    "--target-dir",
    "-j",
    "--jobs",
    "--bin",
    "--example",
    "--test",
    "--bench",
    "--color",
    "--config",
    "-Z",
    "--message-format",
    "--toolchain",
    "--partition",
    "--db",
    "--db-path",
    "--output",
    "--output-path",
    "--sarif-output",
    "--format",
    "--language",
];

/// Options of `cargo deny` and `cargo vet` that take a value (so the value is no positional).
const DENY_VALUE_OPTIONS: &[&str] = &[
    "-L",
    "--log-level",
    "--manifest-path",
    "-f",
    "--format",
    "--color",
    "-c",
    "--config",
    "-g",
    "--graph",
    "--exclude",
    "--target",
    "-t",
    "--features",
    "-A",
    "--allow",
    "-D",
    "--deny",
    "-W",
    "--warn",
    "--feature-depth",
    "--store-path",
    "--output-format",
    "--verbose",
    "--cache-dir",
    "--filter-graph",
    "--output-file",
];

/// A word whose value is known only at run time: a variable, a command substitution, a CI
/// expression.
fn expands(word: &str) -> bool {
    word.contains('$') || word.contains('`')
}

/// The activities a simple command is evidence of, each decided (`None`) or left undecided
/// with the reason (`Some`): decided from the program and its arguments only, never from the
/// text. The program, after the wrappers [`Command::argv`] skips, must be the tool
/// (`cargo test`, `cross test`, `$CARGO clippy`, `semgrep scan`, …) and the subcommand an
/// argument of its own.
pub(super) fn judge(command: &Command) -> Vec<(ActivityKind, Option<String>)> {
    let argv = command.argv();
    let Some(program) = argv.first() else {
        return Vec::new();
    };
    // Options after `--` belong to the program cargo runs (`cargo test -- --list` still lists
    // only, but `cargo clippy -- -h` is not a clippy run either): any self-query is no run.
    if argv.iter().any(|w| SELF_QUERIES.contains(&w.as_str())) {
        return Vec::new();
    }
    let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
    let (kind, args) = if CARGO_NAMES.contains(&name) {
        match cargo_activity(&argv[1..]) {
            Some(k) => k,
            None => return Vec::new(),
        }
    } else if let Some(tool) = name.strip_prefix("cargo-") {
        // `cargo-deny check`: the subcommand's own program.
        let tool = tool.trim_end_matches(".exe");
        let mut words = vec![tool.to_string()];
        words.extend(argv[1..].iter().cloned());
        match cargo_activity(&words) {
            Some((k, _)) => (k, &argv[1..]),
            None => return Vec::new(),
        }
    } else {
        match tool_activity(name, &argv[1..]) {
            Some(k) => (k, &argv[1..]),
            None => return Vec::new(),
        }
    };
    // An argument known only at run time may be anything (`cargo test $FLAGS` with
    // `FLAGS=--no-run`): the activity is undecided, unless it is the value of an option that
    // cannot change what runs (`--target $T`).
    let mut unsure = None;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if VALUE_OPTIONS.contains(&a.as_str()) {
            i += 2;
            continue;
        }
        if expands(a) {
            let known_value = a
                .split_once('=')
                .is_some_and(|(o, _)| VALUE_OPTIONS.contains(&o) && !expands(o));
            if !known_value {
                unsure = Some(format!(
                    "`{}`: the argument `{a}` is known only at run time, and may change what runs",
                    command.text
                ));
                break;
            }
        }
        i += 1;
    }
    vec![(kind, unsure)]
}

/// The activities a simple command is evidence of, decided ones only, in the order of
/// [`ActivityKind`].
pub(super) fn classify(command: &Command) -> Vec<ActivityKind> {
    judge(command)
        .into_iter()
        .filter(|(_, unsure)| unsure.is_none())
        .map(|(k, _)| k)
        .collect()
}

/// The words of `args` that are not options (an option with `=` is one word), up to `--`,
/// `value_options` taking the next word.
fn positionals<'w>(args: &'w [String], value_options: &[&str]) -> Vec<&'w str> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        match a.as_str() {
            "--" => break,
            o if value_options.contains(&o) => i += 1,
            o if o.starts_with('-') => {}
            o => out.push(o),
        }
        i += 1;
    }
    out
}

/// Cargo's subcommand in `args` (the words after the program): its index, global options
/// (`+nightly`, `--locked`, `--config x`) skipped.
pub(super) fn cargo_subcommand(args: &[String]) -> Option<usize> {
    let mut i = 0;
    while let Some(a) = args.get(i) {
        match a.as_str() {
            o if CARGO_VALUE_OPTIONS.contains(&o) => i += 2,
            o if o.starts_with('+') || o.starts_with('-') => i += 1,
            _ => return Some(i),
        }
    }
    None
}

/// What `cargo ARGS` performs, and the arguments of the subcommand that does it.
fn cargo_activity(args: &[String]) -> Option<(ActivityKind, &[String])> {
    let mut at = cargo_subcommand(args)?;
    // Wrappers that run the cargo subcommand after them: `cargo hack --each-feature test`,
    // `cargo miri test`, `cargo careful test`.
    while matches!(args[at].as_str(), "hack" | "miri" | "careful") {
        at += 1;
        while args.get(at).is_some_and(|a| a.starts_with('-')) {
            at += 1;
        }
        args.get(at)?;
    }
    let sub = args[at].as_str();
    let rest = &args[at + 1..];
    let before_dashes: Vec<&str> = rest
        .iter()
        .map(String::as_str)
        .take_while(|a| *a != "--")
        .collect();
    let no_run = before_dashes.contains(&"--no-run");
    let first = positionals(rest, VALUE_OPTIONS).first().copied();
    use ActivityKind::*;
    let kind = match sub {
        "test" | "t" | "tarpaulin" if !no_run => Tests,
        "nextest" if matches!(first, Some("run" | "r")) && !no_run => Tests,
        "llvm-cov"
            if !no_run
                && !before_dashes
                    .iter()
                    .any(|a| matches!(*a, "report" | "clean" | "show-env" | "run")) =>
        {
            Tests
        }
        "clippy" => Clippy,
        "audit" if !before_dashes.contains(&"fetch") => DependencyAudit,
        "deny" => {
            let p = positionals(rest, DENY_VALUE_OPTIONS);
            let check = p.iter().position(|w| *w == "check")?;
            let which = &p[check + 1..];
            if which.is_empty() || which.iter().any(|w| matches!(*w, "advisories" | "all")) {
                DependencyAudit
            } else {
                return None;
            }
        }
        "vet" => match positionals(rest, DENY_VALUE_OPTIONS).first() {
            None | Some(&"check") => DependencyAudit,
            Some(_) => return None,
        },
        "fuzz" if first == Some("run") => Fuzzing,
        "afl" if first == Some("fuzz") => Fuzzing,
        "bolero" if first == Some("test") => Fuzzing,
        "hfuzz" if first == Some("run") => Fuzzing,
        "ziggy" if first == Some("fuzz") => Fuzzing,
        _ => return None,
    };
    Some((kind, rest))
}

/// What a program other than cargo performs.
fn tool_activity(name: &str, args: &[String]) -> Option<ActivityKind> {
    let has = |w: &str| {
        args.iter()
            .any(|a| a == w || a.starts_with(&format!("{w}=")))
    };
    match name {
        "semgrep" => {
            let first = positionals(args, &["--config", "-c", "--output", "-o"])
                .first()
                .copied();
            let scans = matches!(first, Some("scan" | "ci")) || has("--config") || has("-c");
            (scans && !has("--dryrun") && !has("--dry-run") && !has("--validate"))
                .then_some(ActivityKind::StaticAnalysis)
        }
        "codeql" => {
            let p = positionals(args, &["--format", "--output", "--language", "-l"]);
            (p.first() == Some(&"database") && p.get(1) == Some(&"analyze"))
                .then_some(ActivityKind::StaticAnalysis)
        }
        "clippy-sarif" => Some(ActivityKind::StaticAnalysis),
        _ => None,
    }
}

/// One logical line of a script: backslash continuations joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Line {
    /// 0-based offset of its first physical line in the text.
    pub offset: usize,
    pub text: String,
}

/// The delimiter of a here-document a line opens (`<<EOF`, `<<-'EOF'`, `<< "END"`), not a
/// here-string (`<<<`).
fn heredoc(line: &str) -> Option<String> {
    static HEREDOC: LazyLock<Regex> =
        LazyLock::new(|| re(r#"(?:^|[^<])<<-?\s*(?:'([^']+)'|"([^"]+)"|\\?([A-Za-z_][\w]*))"#));
    let caps = HEREDOC.captures(line)?;
    (1..=3)
        .find_map(|i| caps.get(i))
        .map(|m| m.as_str().to_string())
}

/// The logical lines of `text`. Continuations are joined with a space, so that a command keeps
/// the line it starts on. The body of a here-document is text given to a command, not
/// commands: it is left out.
pub(super) fn lines(text: &str) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    let mut current: Option<Line> = None;
    let mut until: Option<String> = None;
    let mut block_comment: Option<String> = None;
    for (offset, raw) in text.lines().enumerate() {
        if let Some(end) = &until {
            if raw.trim() == end {
                until = None;
            }
            continue;
        }
        // A PowerShell block comment, and batch comments (`REM …`, `:: …`): no commands.
        if let Some(end) = &block_comment {
            if raw.contains(end.as_str()) {
                block_comment = None;
            }
            continue;
        }
        if current.is_none() {
            let t = raw.trim_start();
            if let Some(rest) = t.strip_prefix("<#") {
                if !rest.contains("#>") {
                    block_comment = Some("#>".to_string());
                }
                continue;
            }
            let word = t.split_whitespace().next().unwrap_or_default();
            if t.starts_with("::")
                || word.eq_ignore_ascii_case("rem")
                || word.eq_ignore_ascii_case("@rem")
            {
                continue;
            }
        }
        let (body, continued) = match raw.trim_end().strip_suffix('\\') {
            Some(b) if !b.ends_with('\\') => (b, true),
            _ => (raw, false),
        };
        match &mut current {
            Some(l) => {
                l.text.push(' ');
                l.text.push_str(body.trim_start());
            }
            None => {
                current = Some(Line {
                    offset,
                    text: body.to_string(),
                })
            }
        }
        // A line that ends with `|`, `||` or `&&` goes on on the next one (after the body of
        // a here-document it opens, which is left out as text).
        let continued = continued
            || current
                .as_ref()
                .is_some_and(|l| dangles(&l.text) && heredoc(&l.text).is_none());
        if !continued && let Some(l) = current.take() {
            until = heredoc(&l.text);
            out.push(l);
        }
    }
    out.extend(current);
    out
}

/// A simple command: what it says, as written, and its words without quotes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Command {
    /// The command as written, trimmed.
    pub text: String,
    /// Its words, quotes removed; `(`, `)`, `{`, `}` and shell keywords (`if`, `then`, `do`,
    /// …) dropped from the front.
    pub words: Vec<String>,
    /// Its input is the output of the command before it (`producer | this`).
    pub piped: bool,
    /// Its failure is ignored: `cmd || true`, `! cmd` (not when the alternative fails:
    /// `cmd || exit 1`), `cmd &` (run in the background).
    pub ignored: bool,
    /// Its failure is acted on whatever the shell's options: `cmd || exit 1`, `cmd || false`.
    pub checked: bool,
    /// Joined by `&&` to the command after it.
    pub and_then: bool,
    /// Joined by `||` to the command after it.
    pub or_else: bool,
    /// The keywords and closers of compound commands before it, in order (`if`, `then`, `!`,
    /// `{`, and the `fi` of `…; fi; cargo test`).
    pub opens: Vec<String>,
    /// The closers right after it (`fi`, `done`, `}`, `)`) that lost their words.
    pub closes: Vec<String>,
}

/// Words that open a compound command or negate one: the command proper follows them.
const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "(", ")", "time",
];

impl Command {
    /// The words from the program on: leading `VAR=value` assignments and wrappers that run
    /// their arguments (`env`, `sudo`, `nice`, `timeout 10m`, `exec`, `command`) skipped.
    pub(super) fn argv(&self) -> &[String] {
        let mut w: &[String] = &self.words;
        loop {
            match w.first().map(String::as_str) {
                // `a=(x y)`: an array assignment runs nothing, whatever its items look like.
                Some(a)
                    if is_assignment(a)
                        && a.split_once('=').is_some_and(|(_, v)| v.starts_with('(')) =>
                {
                    let end = w
                        .iter()
                        .position(|x| x.ends_with(')'))
                        .unwrap_or(w.len() - 1);
                    w = &w[end + 1..];
                }
                Some(a) if is_assignment(a) => w = &w[1..],
                // A redirection before the program (`>/dev/null cmd`, `2> log cmd`).
                Some(a) if redirection(a).is_some() => {
                    let bare = redirection(a) == Some(true);
                    w = &w[if bare { 2.min(w.len()) } else { 1 }..];
                }
                Some("env" | "exec" | "command" | "nohup" | "xvfb-run" | "stdbuf") => {
                    w = &w[1..];
                    while w.first().is_some_and(|a| a.starts_with('-')) {
                        w = &w[1..];
                    }
                }
                // `rustup run nightly cargo test`: the toolchain, then the command.
                Some("rustup") if w.get(1).is_some_and(|a| a == "run") => {
                    w = &w[2..];
                    while w.first().is_some_and(|a| a.starts_with('-')) {
                        w = &w[1..];
                    }
                    if !w.is_empty() {
                        w = &w[1..];
                    }
                }
                // `nix develop .#ci -c cargo test`, `nix shell nixpkgs#x --command cargo test`.
                Some("nix") if w.iter().any(|a| a == "-c" || a == "--command") => {
                    let at = w
                        .iter()
                        .position(|a| a == "-c" || a == "--command")
                        .unwrap_or(0);
                    w = &w[at + 1..];
                }
                Some("time") => {
                    w = &w[1..];
                    while w.first().is_some_and(|a| a.starts_with('-')) {
                        w = &w[1..];
                    }
                }
                Some("sudo" | "nice") => {
                    w = &w[1..];
                    while w.first().is_some_and(|a| a.starts_with('-')) {
                        // `sudo -u user`, `nice -n 10`: the option's value too.
                        let takes_value = matches!(w[0].as_str(), "-u" | "-g" | "-n");
                        w = &w[if takes_value { 2.min(w.len()) } else { 1 }..];
                    }
                }
                Some("timeout") => {
                    w = &w[1..];
                    while w.first().is_some_and(|a| a.starts_with('-')) {
                        w = &w[1..];
                    }
                    if !w.is_empty() {
                        w = &w[1..]; // the duration
                    }
                }
                _ => return w,
            }
        }
    }

    /// The program the command runs, when there is one.
    pub(super) fn program(&self) -> Option<&str> {
        self.argv().first().map(String::as_str)
    }
}

/// Whether `word` is a redirection, and if so whether its target is the next word: `>` or `2>`
/// alone (true); `>/dev/null`, `2>&1` (false).
fn redirection(word: &str) -> Option<bool> {
    REDIRECTION.is_match(word).then(|| {
        word.trim_start_matches(|c: char| c.is_ascii_digit()).len() <= 2
            && !word.contains("&1")
            && !word.contains("&2")
            && word
                .chars()
                .all(|c| c.is_ascii_digit() || "<>&".contains(c))
    })
}

/// Marks a word that looks like a redirection but is quoted (`">"`), until the command is
/// made: no redirection, an argument.
const QUOTED: char = '\u{0}';

fn is_assignment(word: &str) -> bool {
    let Some((name, _)) = word.split_once('=') else {
        return false;
    };
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Split a logical line into simple commands; a `#` that starts a word ends the line.
pub(super) fn commands(line: &str) -> Vec<Command> {
    parse(line).0
}

/// [`commands`], and the keywords and closers after the last of them (`then` at the end of
/// `if cond; then`, a `fi` alone on its line).
pub(super) fn parse(line: &str) -> (Vec<Command>, Vec<String>) {
    let (cmds, trailing, _) = parse_all(line);
    (cmds, trailing)
}

/// Whether a line ends with `|`, `||` or `&&`: the shell reads the next line as the rest of
/// the pipe or list.
fn dangles(line: &str) -> bool {
    line.trim_end().ends_with(['|', '&']) && parse_all(line).2
}

/// [`parse`], and whether the line ends with an operator that wants a command after it.
fn parse_all(line: &str) -> (Vec<Command>, Vec<String>, bool) {
    #[derive(Clone, Copy, PartialEq)]
    enum Quote {
        None,
        Single,
        Double,
    }
    let mut out = Vec::new();
    let mut quote = Quote::None;
    // Depth of `$( … )` and `` ` … ` `` substitutions: no split inside them.
    let mut subst = 0usize;
    let mut backtick = false;
    let mut text = String::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut piped = false;
    // Inside `[[ … ]]`: a test, whose `&&` and `||` join conditions, not commands.
    let mut in_test = false;
    // The commands followed by `||`.
    let mut or_else: Vec<usize> = Vec::new();
    // Keywords and closers of commands that had no words of their own, for the next command.
    let mut pending: Vec<String> = Vec::new();
    let mut chars = line.chars().peekable();
    // The last operator read, until a word follows it: `|`, `||`, `&&`.
    let mut operator = false;

    // Whether the word being read has a quote or a backslash: `">"` is an argument, not a
    // redirection.
    let mut quoted = false;
    let finish_word =
        |word: &mut String, in_word: &mut bool, words: &mut Vec<String>, quoted: &mut bool| {
            if *in_word {
                let mut w = std::mem::take(word);
                if *quoted && redirection(&w).is_some() {
                    w.insert(0, QUOTED);
                }
                words.push(w);
                *in_word = false;
            }
            *quoted = false;
        };
    let finish = |text: &mut String,
                  words: &mut Vec<String>,
                  piped: bool,
                  out: &mut Vec<Command>,
                  pending: &mut Vec<String>| {
        let mut w = std::mem::take(words);
        let mut negated = false;
        let mut opens = std::mem::take(pending);
        while w.first().is_some_and(|k| KEYWORDS.contains(&k.as_str())) {
            negated |= w[0] == "!";
            opens.push(w.remove(0));
        }
        let mut closes = Vec::new();
        // `}`, `fi` and `done` close a compound command only where a command starts (`…; fi`);
        // after a command's words they are its arguments (`echo done`), dropped from its words
        // but closing nothing. `)` is an operator wherever it stands.
        let alone = w
            .iter()
            .all(|k| matches!(k.as_str(), ")" | "}" | "fi" | "done" | "esac"));
        while w
            .last()
            .is_some_and(|k| matches!(k.as_str(), ")" | "}" | "fi" | "done" | "esac"))
        {
            let k = w.pop().unwrap_or_default();
            if alone || k == ")" {
                closes.insert(0, k);
            }
        }
        // A word glued to a grouping parenthesis: `(cd x` and `make)`: a subshell.
        if let Some(first) = w.first_mut()
            && let Some(rest) = first.strip_prefix('(')
            && !rest.is_empty()
        {
            *first = rest.to_string();
            opens.push("(".to_string());
        }
        if let Some(last) = w.last_mut()
            && last.ends_with(')')
            && !last.contains('(')
        {
            let kept = last.trim_end_matches(')').len();
            for _ in kept..last.len() {
                closes.insert(0, ")".to_string());
            }
            last.truncate(kept);
            if last.is_empty() {
                w.pop();
            }
        }
        // The text loses the grouping parentheses the words lost: `(cd x && cargo test)`
        // shows `cargo test`.
        let mut t = std::mem::take(text).trim().to_string();
        if w.last().is_some_and(|l| !l.ends_with(')')) {
            let open = t.matches('(').count();
            while t.ends_with(')') && t.matches(')').count() > open {
                t.pop();
                t.truncate(t.trim_end().len());
            }
        }
        if w.first().is_some_and(|f| !f.starts_with('(')) {
            while let Some(rest) = t.strip_prefix('(') {
                t = rest.trim_start().to_string();
            }
        }
        // Redirections after the program are none of its arguments: `make all > /dev/null`
        // asks for one target, `cargo test 2>&1` runs the tests.
        if w.len() > 1 {
            let mut kept = vec![w[0].clone()];
            let mut rest = w[1..].iter();
            while let Some(word) = rest.next() {
                match redirection(word) {
                    Some(true) => {
                        rest.next();
                    }
                    Some(false) => {}
                    None => kept.push(word.clone()),
                }
            }
            w = kept;
        }
        for word in &mut w {
            if let Some(rest) = word.strip_prefix(QUOTED) {
                *word = rest.to_string();
            }
        }
        // `done < list`, `} > log`: a closer with its redirections.
        if w.len() == 1 && matches!(w[0].as_str(), "}" | "fi" | "done" | "esac") {
            closes.insert(0, w.remove(0));
        }
        if w.is_empty() {
            pending.extend(opens);
            pending.extend(closes);
        } else {
            out.push(Command {
                text: t,
                words: w,
                piped,
                ignored: negated,
                checked: false,
                and_then: false,
                or_else: false,
                opens,
                closes,
            });
        }
    };

    while let Some(c) = chars.next() {
        if !c.is_whitespace() && !matches!(c, '|' | '&' | '#') {
            operator = false;
        }
        match quote {
            Quote::Single => {
                text.push(c);
                if c == '\'' {
                    quote = Quote::None;
                } else {
                    word.push(c);
                }
                continue;
            }
            Quote::Double => {
                text.push(c);
                match c {
                    '"' => quote = Quote::None,
                    '\\' => {
                        if let Some(n) = chars.next() {
                            text.push(n);
                            if !matches!(n, '"' | '\\' | '$' | '`') {
                                word.push('\\');
                            }
                            word.push(n);
                        }
                    }
                    c => word.push(c),
                }
                continue;
            }
            Quote::None => {}
        }
        let inside = subst > 0 || backtick;
        match c {
            '\'' => {
                text.push(c);
                quote = Quote::Single;
                in_word = true;
                quoted = true;
            }
            '"' => {
                text.push(c);
                quote = Quote::Double;
                in_word = true;
                quoted = true;
            }
            '\\' => {
                text.push(c);
                quoted = true;
                if let Some(n) = chars.next() {
                    text.push(n);
                    word.push(n);
                    in_word = true;
                }
            }
            // A CI expression (`${{ matrix.rust }}`) is one word, whatever its spaces.
            '$' if {
                let mut look = chars.clone();
                look.next() == Some('{') && look.next() == Some('{')
            } =>
            {
                text.push(c);
                word.push(c);
                in_word = true;
                let mut previous = ' ';
                for n in chars.by_ref() {
                    text.push(n);
                    word.push(n);
                    if previous == '}' && n == '}' {
                        break;
                    }
                    previous = n;
                }
            }
            '$' if chars.peek() == Some(&'(') => {
                text.push(c);
                word.push(c);
                in_word = true;
                subst += 1;
                let open = chars.next().unwrap_or('(');
                text.push(open);
                word.push(open);
            }
            ')' if subst > 0 => {
                subst -= 1;
                text.push(c);
                word.push(c);
            }
            '(' if subst > 0 => {
                subst += 1;
                text.push(c);
                word.push(c);
            }
            '`' => {
                backtick = !backtick;
                text.push(c);
                word.push(c);
                in_word = true;
            }
            '#' if !in_word && !inside => break,
            // `]];` closes the test as `]] ;` does.
            ';' | '&' | '|' if !inside && (!in_test || (in_word && !quoted && word == "]]")) => {
                in_test = false;
                let doubled = chars.peek() == Some(&c);
                if doubled {
                    chars.next();
                }
                // `2>&1` and `&>` are redirections, not separators.
                if c == '&' && (text.ends_with('>') || chars.peek() == Some(&'>')) {
                    text.push(c);
                    word.push(c);
                    in_word = true;
                    continue;
                }
                // `;;` ends a case branch; `|&` pipes both streams.
                if c == '|' && chars.peek() == Some(&'&') {
                    chars.next();
                }
                finish_word(&mut word, &mut in_word, &mut words, &mut quoted);
                let before = out.len();
                finish(&mut text, &mut words, piped, &mut out, &mut pending);
                let closed = if out.len() > before {
                    let last = out.len() - 1;
                    match (c, doubled) {
                        ('|', true) => {
                            or_else.push(last);
                            out[last].or_else = true;
                        }
                        ('&', true) => out[last].and_then = true,
                        // `cmd &`: run in the background; nothing waits for its status.
                        ('&', false) => out[last].ignored = true,
                        _ => {}
                    }
                    !out[last].closes.is_empty()
                } else {
                    pending
                        .last()
                        .is_some_and(|k| matches!(k.as_str(), ")" | "}" | "fi" | "done" | "esac"))
                };
                // `{ …; } || true`, `fi | tee`, `done &`: the operator applies to the whole
                // compound command just closed; the shell's reader is told so.
                if closed && c != ';' {
                    pending.push(if doubled {
                        format!("{c}{c}")
                    } else {
                        c.to_string()
                    });
                }
                piped = c == '|' && !doubled;
                operator = c == '|' || doubled && c == '&';
                continue;
            }
            c if c.is_whitespace() && !inside => {
                text.push(c);
                // Only a bare `[[` or `]]` opens or closes a test: `"]]"` is a string in it.
                let bare = in_word && !quoted;
                finish_word(&mut word, &mut in_word, &mut words, &mut quoted);
                match words.split_last() {
                    Some((w, before))
                        if bare
                            && w == "[["
                            && before.iter().all(|k| KEYWORDS.contains(&k.as_str())) =>
                    {
                        in_test = true
                    }
                    Some((w, _)) if bare && w == "]]" => in_test = false,
                    _ => {}
                }
            }
            c => {
                text.push(c);
                word.push(c);
                in_word = true;
            }
        }
    }
    let dangling = operator && words.is_empty() && !in_word;
    finish_word(&mut word, &mut in_word, &mut words, &mut quoted);
    finish(&mut text, &mut words, piped, &mut out, &mut pending);
    // `cmd || alternative`: the failure of cmd is ignored unless an alternative fails.
    for i in or_else {
        // `exit 1` ends the shell whatever its options, unless it only ends a subshell
        // (`|| (exit 1)`); `false` and `return 1` fail the list, which stops only a shell
        // with errexit: neither checked nor ignored, the shell's options decide.
        let mut fails = false;
        let mut exits = false;
        let mut subshells = 0usize;
        for c in &out[i + 1..] {
            for k in &c.opens {
                match k.as_str() {
                    "(" => subshells += 1,
                    ")" => subshells = subshells.saturating_sub(1),
                    _ => {}
                }
            }
            let argv = c.argv();
            match argv.first().map(String::as_str) {
                Some("false") => fails = true,
                Some("exit") if argv.get(1).is_none_or(|c| failure_code(c)) => {
                    fails = true;
                    exits |= subshells == 0;
                }
                Some("return") if argv.get(1).is_none_or(|c| failure_code(c)) => fails = true,
                _ => {}
            }
            subshells = subshells.saturating_sub(c.closes.iter().filter(|k| *k == ")").count());
        }
        if exits {
            out[i].checked = true;
        } else if !fails {
            out[i].ignored = true;
        }
    }
    (out, pending, dangling)
}

/// Whether `exit CODE` surely fails: `$?` after a failure, or a literal code that is not 0
/// modulo 256 (`exit 256` succeeds); a variable may hold 0.
fn failure_code(code: &str) -> bool {
    code == "$?" || code.parse::<i64>().is_ok_and(|n| n.rem_euclid(256) != 0)
}

/// Whether the line starts with an unconditional `exit` (`exit`, `exit 0; cargo test`): not
/// joined to another command by `&&` or `||`, not inside a compound command opened on it.
pub(super) fn exits(line: &str) -> bool {
    let cmds = commands(line);
    cmds.first()
        .is_some_and(|c| c.words.first().is_some_and(|w| w == "exit"))
        && !line.contains("&&")
        && !line.contains("||")
        && !KEYWORDS
            .iter()
            .any(|k| line.trim_start().starts_with(&format!("{k} ")))
}

/// How many compound commands the line opens, less those it closes: `if`/`fi`, `case`/`esac`,
/// `do`/`done`, `{`/`}` as words of their own (outside quotes, roughly). An estimate that errs
/// towards "inside": a wrong count only stops an `exit` from ending the script.
pub(super) fn nesting(line: &str) -> i64 {
    let mut n = 0;
    let mut quote: Option<char> = None;
    let mut word = String::new();
    let mut count = |w: &str| match w {
        "if" | "case" | "do" | "{" | "(" => n += 1,
        "fi" | "esac" | "done" | "}" | ")" => n -= 1,
        _ => {}
    };
    for c in line.chars().chain(std::iter::once(' ')) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' && word.is_empty() => break,
            None if c.is_whitespace() || c == ';' || c == '&' || c == '|' => {
                count(&word);
                word.clear();
            }
            None => word.push(c),
        }
    }
    n
}

/// A shell function definition's parts: the name, and the line's text after the opening brace
/// (None when the brace is on the next line).
fn function_header(line: &str) -> Option<(String, Option<String>)> {
    static HEADER: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^\s*(?:function\s+([A-Za-z_][\w:.-]*)\s*(?:\([^)]*\))?|([A-Za-z_][\w:.-]*)\s*\(\s*\))\s*(\{.*)?$",
        )
    });
    let caps = HEADER.captures(line)?;
    let name = caps.get(1).or(caps.get(2))?.as_str().to_string();
    let rest = caps.get(3).map(|m| m.as_str()[1..].to_string());
    Some((name, rest))
}

/// A logical line of a script, or a function it defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Item {
    Line(Line),
    /// `name() { … }` / `function name { … }`: its body runs only where it is called.
    Function {
        name: String,
        body: Vec<Line>,
    },
}

fn braces(text: &str) -> i64 {
    let open = text.matches('{').count();
    let close = text.matches('}').count();
    i64::try_from(open).unwrap_or(0) - i64::try_from(close).unwrap_or(0)
}

/// The lines of a script with its function definitions set apart.
pub(super) fn items(lines: Vec<Line>) -> Vec<Item> {
    let mut out = Vec::new();
    let mut it = lines.into_iter().peekable();
    while let Some(l) = it.next() {
        let Some((name, rest)) = function_header(&l.text) else {
            out.push(Item::Line(l));
            continue;
        };
        let first = match rest {
            Some(r) => Line {
                offset: l.offset,
                text: r,
            },
            None => match it.peek() {
                Some(n) if n.text.trim_start().starts_with('{') => {
                    let n = it.next().unwrap_or_else(|| l.clone());
                    Line {
                        offset: n.offset,
                        text: n.text.trim_start()[1..].to_string(),
                    }
                }
                _ => {
                    out.push(Item::Line(l));
                    continue;
                }
            },
        };
        let mut body = Vec::new();
        let mut depth = 1 + braces(&first.text);
        let mut current = first;
        loop {
            if depth <= 0 {
                // The closing brace ends the body; what follows it on the line is dropped.
                let mut text = current.text.clone();
                if let Some(at) = text.rfind('}') {
                    text.truncate(at);
                }
                body.push(Line {
                    offset: current.offset,
                    text,
                });
                break;
            }
            body.push(current);
            match it.next() {
                Some(n) => {
                    depth += braces(&n.text);
                    current = n;
                }
                None => break,
            }
        }
        out.push(Item::Function { name, body });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<ActivityKind> {
        commands(line).iter().flat_map(classify).collect()
    }

    #[test]
    fn recognises_each_activity_and_nothing_else() {
        use ActivityKind::*;
        let cases: &[(&str, &[ActivityKind])] = &[
            ("cargo test --workspace", &[Tests]),
            ("cargo +nightly --locked test", &[Tests]),
            ("cargo hack --feature-powerset test", &[Tests]),
            ("cargo t --all", &[Tests]),
            ("cross test --target aarch64-unknown-linux-gnu", &[Tests]),
            ("cargo nextest run", &[Tests]),
            ("cargo miri test", &[Tests]),
            ("cargo test --no-run", &[]),
            ("cargo testament", &[]),
            ("cargo build --tests", &[]),
            ("cargo clippy --all-targets -- -D warnings", &[Clippy]),
            ("! cargo clippy --version >/dev/null 2>&1", &[]),
            ("cargo test --help", &[]),
            ("cargo +nightly fuzz --help", &[]),
            ("cargo test -- --list", &[]),
            ("cargo deny check", &[DependencyAudit]),
            ("cargo install cargo-audit", &[]),
            (
                "cargo +nightly fuzz run parse -- -max_total_time=60",
                &[Fuzzing],
            ),
            ("cargo fuzz --release run parse", &[Fuzzing]),
            ("cargo afl fuzz -i in -o out target/debug/parse", &[Fuzzing]),
            ("cargo bolero test parse --engine libfuzzer", &[Fuzzing]),
            ("cargo hfuzz run parse", &[Fuzzing]),
            ("cargo ziggy fuzz", &[Fuzzing]),
            ("cargo +nightly fuzz build", &[]),
            ("cargo afl build", &[]),
            ("semgrep ci", &[StaticAnalysis]),
            ("echo 'now cargo test'", &[]),
            ("printf 'cargo clippy\\n'", &[]),
            ("# cargo test", &[]),
            ("cargo build # cargo test", &[]),
            ("echo start && cargo test", &[Tests]),
            (
                "RUSTFLAGS='-D warnings' cargo test 2>&1 | tee log",
                &[Tests],
            ),
            // What `sh -c` runs is followed as a script of its own (follow), not read here.
            ("sh -c 'cargo clippy'", &[]),
            ("$(CARGO) test --all", &[Tests]),
            ("${CARGO} +nightly clippy", &[Clippy]),
        ];
        for (line, want) in cases {
            assert_eq!(kinds(line), *want, "{line}");
        }
    }

    #[test]
    fn only_the_program_and_its_arguments_decide() {
        use ActivityKind::*;
        // F1: the tool named in free text, or as the argument of another program.
        for line in [
            ": cargo test",
            "true cargo test",
            "grep -q \"cargo test\" README.md",
            "git commit -m \"cargo clippy\"",
            "f() { cargo test; }",
            "cargo build -p test",
        ] {
            assert_eq!(kinds(line), [], "{line}");
        }
        // Wrappers are skipped.
        let cases: &[(&str, &[ActivityKind])] = &[
            ("env A=1 time nice -n 5 cargo test", &[Tests]),
            ("xvfb-run -a cargo test", &[Tests]),
            ("rustup run nightly cargo clippy", &[Clippy]),
            ("nix develop .#ci -c cargo test", &[Tests]),
            // A CI expression is one word: the toolchain, a target, not the subcommand.
            (
                "cargo +${{ matrix.rust }} test --target ${{ matrix.target }}",
                &[Tests],
            ),
            ("cargo test ${{ matrix.flags }}", &[]),
            ("sudo -E $CARGO test", &[Tests]),
            ("cargo-deny check", &[DependencyAudit]),
            // F3: quotes removed; an argument known only at run time is undecided.
            ("cargo test \"--no-run\"", &[]),
            ("cargo test $FLAGS", &[]),
            ("cargo test --target \"$T\" -p x", &[Tests]),
            // F4: subcommands that run nothing relevant.
            ("cargo nextest list", &[]),
            ("cargo nextest run --workspace", &[Tests]),
            ("cargo llvm-cov report", &[]),
            (
                "cargo llvm-cov --workspace --lcov --output-path lcov.info",
                &[Tests],
            ),
            ("cargo audit fetch", &[]),
            ("cargo audit --deny warnings", &[DependencyAudit]),
            ("cargo vet init", &[]),
            ("cargo vet fmt", &[]),
            ("cargo vet", &[DependencyAudit]),
            ("cargo vet --locked check", &[DependencyAudit]),
            ("cargo deny check licenses", &[]),
            ("cargo deny fetch", &[]),
            (
                "cargo deny --all-features check advisories bans",
                &[DependencyAudit],
            ),
            (
                "cargo deny -L debug check --config deny.toml",
                &[DependencyAudit],
            ),
            ("codeql database create db --language=rust", &[]),
            (
                "codeql database analyze db --format=sarif-latest",
                &[StaticAnalysis],
            ),
            ("semgrep --config auto --dryrun .", &[]),
            ("semgrep scan --config auto", &[StaticAnalysis]),
            ("cargo fuzz list", &[]),
        ];
        for (line, want) in cases {
            assert_eq!(kinds(line), *want, "{line}");
        }
        let c = &commands("cargo test $FLAGS")[0];
        assert!(matches!(judge(c).as_slice(), [(Tests, Some(why))] if why.contains("$FLAGS")));
    }

    #[test]
    fn ignored_failures_are_marked() {
        let ignored =
            |line: &str| -> Vec<bool> { commands(line).iter().map(|c| c.ignored).collect() };
        assert_eq!(ignored("cargo test || true"), [true, false]);
        assert_eq!(ignored("cargo test || echo failed"), [true, false]);
        assert_eq!(ignored("cargo test || exit 1"), [false, false]);
        assert_eq!(
            ignored("cargo test || { echo no; exit 2; }"),
            [false, false, false]
        );
        assert_eq!(ignored("! cargo test"), [true]);
        assert_eq!(ignored("cargo test && x"), [false, false]);
    }

    #[test]
    fn comments_of_batch_and_powershell_and_functions() {
        let texts = |t: &str| -> Vec<String> { lines(t).into_iter().map(|l| l.text).collect() };
        assert_eq!(
            texts(
                "REM cargo test\n@REM x\n:: cargo clippy\n<#\ncargo test\n#>\n<# a #>\nremote x\n"
            ),
            ["remote x"]
        );
        let it = items(lines(
            "f() { cargo test; }\nfunction g {\n  a\n  if x; then { b; }; fi\n}\nh()\n{\nc\n}\nf\n",
        ));
        let names: Vec<String> = it
            .iter()
            .map(|i| match i {
                Item::Line(l) => l.text.clone(),
                Item::Function { name, body } => format!(
                    "{name}:{}",
                    body.iter()
                        .map(|l| l.text.trim())
                        .collect::<Vec<_>>()
                        .join("|")
                ),
            })
            .collect();
        assert_eq!(
            names,
            ["f:cargo test;", "g:|a|if x; then { b; }; fi|", "h:|c|", "f"]
        );
    }

    #[test]
    fn splits_commands_and_words() {
        let c = commands("cd crates/a && CI=true cargo test --lib; make -C x lint | tee o # no");
        let words: Vec<Vec<&str>> = c
            .iter()
            .map(|c| c.words.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            words,
            vec![
                vec!["cd", "crates/a"],
                vec!["CI=true", "cargo", "test", "--lib"],
                vec!["make", "-C", "x", "lint"],
                vec!["tee", "o"],
            ]
        );
        assert_eq!(c[1].argv()[0], "cargo");
        assert!(c[3].piped && !c[2].piped);
        let c = commands(r#"if [ -n "$X" ]; then ./ci/run.sh "a b"; fi"#);
        assert_eq!(c[1].argv(), ["./ci/run.sh", "a b"]);
        // `[[ … ]]` is one test: its `||` joins conditions, and nothing in it is a program.
        let c = commands(
            r#"if [[ "${{ steps.a.outputs.x }}" == "true" || "$Y" == 1 ]]; then cargo test; fi"#,
        );
        let programs: Vec<Option<&str>> = c.iter().map(Command::program).collect();
        assert_eq!(programs, [Some("[["), Some("cargo")], "{c:?}");
        // A quoted `]]` is a string of the test, which goes on.
        let c = commands(r#"[[ "$a" == "]]" || cargo && test ]]; make lint"#);
        let programs: Vec<Option<&str>> = c.iter().map(Command::program).collect();
        assert_eq!(programs, [Some("[["), Some("make")], "{c:?}");
        let c = commands("[[ -f x ]] && [[ -d y ]] || make lint");
        let programs: Vec<Option<&str>> = c.iter().map(Command::program).collect();
        assert_eq!(programs, [Some("[["), Some("[["), Some("make")], "{c:?}");
        let c = commands("make allboards > /dev/null 2>&1 && cargo test 2> err.log --lib");
        assert_eq!(c[0].argv(), ["make", "allboards"]);
        assert_eq!(c[1].argv(), ["cargo", "test", "--lib"]);
        // A quoted or escaped `>` is an argument: the word after it is one too.
        for line in [
            r#"cargo test ">" --no-run"#,
            "cargo test '2>' --no-run",
            r"cargo test \> --no-run",
        ] {
            let c = commands(line);
            assert_eq!(c[0].argv()[3], "--no-run", "{line}: {c:?}");
        }
        let c = commands("echo $(cargo --version; uname) `date;x`");
        assert_eq!(c.len(), 1, "{c:?}");
        let c = commands("sudo -u ci env A=1 timeout 10m nice -n 5 cargo test");
        assert_eq!(c[0].program(), Some("cargo"));
        let c = commands("{ command -v a && command -v b; } >/dev/null 2>&1 || need+=(x)");
        assert!(c.iter().all(|c| c.program() != Some(">/dev/null")), "{c:?}");
        let c = commands("db=(--advisory-db ../shared/db) x=1 cargo test");
        assert_eq!(c[0].program(), Some("cargo"));
        let c = commands("db=(--advisory-db ../shared/db)");
        assert_eq!(c[0].program(), None);
        let c = commands("> log 2>&1 cargo test");
        assert_eq!(c[0].program(), Some("cargo"));
        let c = commands("(cd sub && make test)");
        assert_eq!(c[0].argv(), ["cd", "sub"]);
        assert_eq!(c[1].argv(), ["make", "test"]);
        assert_eq!(
            (c[0].text.as_str(), c[1].text.as_str()),
            ("cd sub", "make test")
        );
        let c = commands("x=$(cargo --version)");
        assert_eq!(c[0].text, "x=$(cargo --version)");
        // Unterminated quotes end with the line; nothing panics.
        assert_eq!(commands("echo 'x").len(), 1);
        assert!(commands("").is_empty());
    }

    #[test]
    fn here_documents_are_text() {
        let l =
            lines("cat > x.sh <<'EOF'\ncargo test\nEOF\ncargo clippy\nx <<< 'cargo fuzz run a'\n");
        let texts: Vec<&str> = l.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "cat > x.sh <<'EOF'",
                "cargo clippy",
                "x <<< 'cargo fuzz run a'"
            ]
        );
        assert_eq!(l[1].offset, 3);
        assert!(lines("cat <<-END\n\tcargo test\n\tEND\n").len() == 1);
    }

    #[test]
    fn joins_continuations() {
        let l = lines("a \\\n  b\nc\n\\\n");
        assert_eq!(
            l,
            vec![
                Line {
                    offset: 0,
                    text: "a  b".into()
                },
                Line {
                    offset: 2,
                    text: "c".into()
                },
                Line {
                    offset: 3,
                    text: String::new()
                },
            ]
        );
    }
}
