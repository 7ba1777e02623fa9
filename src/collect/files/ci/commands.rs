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

/// Commands that are evidence of an activity.
static PATTERNS: LazyLock<Vec<(ActivityKind, Regex)>> = LazyLock::new(|| {
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

/// Options that make a test command build the tests without running them.
static NO_RUN: LazyLock<Regex> = LazyLock::new(|| re(r"(?:^|\s)--no-run\b"));

/// A reference to the variable `CARGO`: `$CARGO`, `${CARGO}`, `$(CARGO)`.
static CARGO_VARIABLE: LazyLock<Regex> = LazyLock::new(|| re(r"\$(?:CARGO\b|\{CARGO\}|\(CARGO\))"));

/// A redirection operator at the start of a word: `>`, `>>`, `<`, `2>`, `&>`, `2>&1`.
static REDIRECTION: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:\d*>>?|\d*<|&>>?)(?:&\d+)?"));

/// Options that ask a program about itself instead of running it: `cargo clippy --version`
/// checks that clippy is installed, it does not run it.
const SELF_QUERIES: &[&str] = &["--version", "-V", "--help", "-h", "--list"];

/// Programs whose arguments are text, not a command: `echo "run cargo test"` runs no test.
const QUOTING: &[&str] = &["echo", "printf", "print", "Write-Host", "Write-Output"];

/// The activities a simple command is evidence of, in the order of [`ActivityKind`].
pub(super) fn classify(command: &Command) -> Vec<ActivityKind> {
    if command
        .program()
        .is_some_and(|p| QUOTING.iter().any(|q| p.eq_ignore_ascii_case(q)))
    {
        return Vec::new();
    }
    // Options after `--` belong to the program cargo runs (`cargo test -- --list` still lists
    // only, but `cargo clippy -- -h` is not a clippy run either): any self-query is no run.
    if command
        .argv()
        .iter()
        .any(|w| SELF_QUERIES.contains(&w.as_str()))
    {
        return Vec::new();
    }
    // `$CARGO` is cargo: cargo sets it for the programs it runs, Makefiles default it.
    let text = CARGO_VARIABLE.replace_all(&command.text, "cargo");
    PATTERNS
        .iter()
        .filter(|(kind, p)| {
            p.is_match(&text) && !(*kind == ActivityKind::Tests && NO_RUN.is_match(&text))
        })
        .map(|(kind, _)| *kind)
        .collect()
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
    for (offset, raw) in text.lines().enumerate() {
        if let Some(end) = &until {
            if raw.trim() == end {
                until = None;
            }
            continue;
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
        if !continued && let Some(l) = current.take() {
            until = heredoc(&l.text);
            out.push(l);
        }
    }
    out.extend(current);
    out
}

/// A simple command: what it says, as written, and its words without quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Command {
    /// The command as written, trimmed.
    pub text: String,
    /// Its words, quotes removed; `(`, `)`, `{`, `}` and shell keywords (`if`, `then`, `do`,
    /// …) dropped from the front.
    pub words: Vec<String>,
    /// Its input is the output of the command before it (`producer | this`).
    pub piped: bool,
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
                Some(a) if REDIRECTION.is_match(a) => {
                    // `>` or `2>` alone: its target is the next word (`2>&1` has none).
                    let bare = a.trim_start_matches(|c: char| c.is_ascii_digit()).len() <= 2
                        && !a.contains("&1")
                        && !a.contains("&2")
                        && a.chars().all(|c| c.is_ascii_digit() || "<>&".contains(c));
                    w = &w[if bare { 2.min(w.len()) } else { 1 }..];
                }
                Some("env" | "exec" | "command" | "nohup" | "xvfb-run" | "stdbuf") => {
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
    let mut chars = line.chars().peekable();

    let finish_word = |word: &mut String, in_word: &mut bool, words: &mut Vec<String>| {
        if *in_word {
            words.push(std::mem::take(word));
            *in_word = false;
        }
    };
    let finish =
        |text: &mut String, words: &mut Vec<String>, piped: bool, out: &mut Vec<Command>| {
            let mut w = std::mem::take(words);
            while w.first().is_some_and(|k| KEYWORDS.contains(&k.as_str())) {
                w.remove(0);
            }
            while w
                .last()
                .is_some_and(|k| matches!(k.as_str(), ")" | "}" | "fi" | "done"))
            {
                w.pop();
            }
            // A word glued to a grouping parenthesis: `(cd x` and `make)`.
            if let Some(first) = w.first_mut()
                && let Some(rest) = first.strip_prefix('(')
                && !rest.is_empty()
            {
                *first = rest.to_string();
            }
            if let Some(last) = w.last_mut()
                && last.ends_with(')')
                && !last.contains('(')
            {
                let kept = last.trim_end_matches(')').len();
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
            if !w.is_empty() {
                out.push(Command {
                    text: t,
                    words: w,
                    piped,
                });
            }
        };

    while let Some(c) = chars.next() {
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
            }
            '"' => {
                text.push(c);
                quote = Quote::Double;
                in_word = true;
            }
            '\\' => {
                text.push(c);
                if let Some(n) = chars.next() {
                    text.push(n);
                    word.push(n);
                    in_word = true;
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
            ';' | '&' | '|' if !inside => {
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
                finish_word(&mut word, &mut in_word, &mut words);
                finish(&mut text, &mut words, piped, &mut out);
                piped = c == '|' && !doubled;
            }
            c if c.is_whitespace() && !inside => {
                text.push(c);
                finish_word(&mut word, &mut in_word, &mut words);
            }
            c => {
                text.push(c);
                word.push(c);
                in_word = true;
            }
        }
    }
    finish_word(&mut word, &mut in_word, &mut words);
    finish(&mut text, &mut words, piped, &mut out);
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
            ("sh -c 'cargo clippy'", &[Clippy]),
            ("$(CARGO) test --all", &[Tests]),
            ("${CARGO} +nightly clippy", &[Clippy]),
        ];
        for (line, want) in cases {
            assert_eq!(kinds(line), *want, "{line}");
        }
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
