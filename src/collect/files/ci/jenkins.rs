//! Jenkins: `Jenkinsfile` (declarative or scripted), read by a small scanner of Groovy's
//! tokens — comments, `'…'`, `"…"` (with `${…}`), `'''…'''`, `"""…"""`, slashy and
//! dollar-slashy strings — never by running Groovy. The steps that run commands are found by
//! name: `sh '…'`, `sh "…"`, `sh '''…'''`, `sh(script: '…', …)`, `sh label: …, script: …`,
//! and the same for `bat`, `powershell` and `pwsh`; each belongs to the `stage('…')` around it
//! and runs in the `dir('…')` around it. `load 'file.groovy'` is followed; a shared library
//! (`@Library`, `library`) is recorded as not read.

use std::collections::BTreeSet;

use super::follow::{Follower, Shell, join};
use super::{Acc, broken, link, unread_file};
use crate::collect::files::Repo;
use crate::facts::FileRef;
use crate::facts::files::{Activity, CiJob, CiSystem, Pipeline, UnresolvedKind};

/// Folders where a Jenkinsfile is looked for besides the root.
const DIRS: &[&str] = &["", "jenkins/", ".jenkins/", "ci/", ".ci/"];
/// Files `load`ed per pipeline.
const MAX_LOADS: usize = 10;
/// Jenkinsfiles read.
const MAX_FILES: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Str(String),
    Punct(char),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    tok: Tok,
    line: u32,
}

/// Groovy's tokens, as far as finding steps needs them. An unterminated string or comment is
/// an error: what follows it cannot be read.
fn lex(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<Token> = Vec::new();
    let mut line: u32 = 1;
    let mut i = 0;
    if text.starts_with("#!") {
        while i < chars.len() && chars[i] != '\n' {
            i += 1;
        }
    }
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && next == Some('*') {
            let start = line;
            i += 2;
            loop {
                match chars.get(i) {
                    None => return Err(format!("a comment opened on line {start} is not closed")),
                    Some('*') if chars.get(i + 1) == Some(&'/') => {
                        i += 2;
                        break;
                    }
                    Some('\n') => line += 1,
                    _ => {}
                }
                i += 1;
            }
            continue;
        }
        let start = line;
        let string = if c == '\'' || c == '"' {
            let triple = next == Some(c) && chars.get(i + 2) == Some(&c);
            let (value, end) = if triple {
                quoted(&chars, i + 3, &[c, c, c], c == '"', &mut line)
            } else {
                quoted(&chars, i + 1, &[c], c == '"', &mut line)
            }
            .ok_or_else(|| format!("a string opened on line {start} is not closed"))?;
            i = end;
            Some(value)
        } else if c == '$' && next == Some('/') {
            let (value, end) = quoted(&chars, i + 2, &['/', '$'], false, &mut line)
                .ok_or_else(|| format!("a string opened on line {start} is not closed"))?;
            i = end;
            Some(value)
        } else if c == '/' && slashy_may_start(out.last()) {
            let (value, end) = quoted(&chars, i + 1, &['/'], false, &mut line)
                .ok_or_else(|| format!("a string opened on line {start} is not closed"))?;
            i = end;
            Some(value)
        } else {
            None
        };
        if let Some(value) = string {
            out.push(Token {
                tok: Tok::Str(value),
                line: start,
            });
            continue;
        }
        if c.is_alphanumeric() || c == '_' || c == '$' {
            let s = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Ident(chars[s..i].iter().collect()),
                line,
            });
            continue;
        }
        out.push(Token {
            tok: Tok::Punct(c),
            line,
        });
        i += 1;
    }
    Ok(out)
}

/// A `/` starts a slashy string where a value is expected, not after a value (division).
fn slashy_may_start(previous: Option<&Token>) -> bool {
    match previous.map(|t| &t.tok) {
        None => true,
        Some(Tok::Ident(w)) => matches!(w.as_str(), "return" | "in" | "case" | "assert"),
        Some(Tok::Str(_)) => false,
        Some(Tok::Punct(p)) => !matches!(p, ')' | ']' | '}'),
    }
}

/// The contents of a string from `from` up to `close`, escapes undone, `${…}` kept as
/// written; None when it does not close.
fn quoted(
    chars: &[char],
    from: usize,
    close: &[char],
    gstring: bool,
    line: &mut u32,
) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut i = from;
    loop {
        if chars.get(i..i + close.len()) == Some(close) {
            return Some((out, i + close.len()));
        }
        let c = *chars.get(i)?;
        match c {
            '\\' if close != ['/', '$'] => {
                let n = *chars.get(i + 1)?;
                match n {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    '\\' | '\'' | '"' | '$' | '/' => out.push(n),
                    '\n' => {
                        // A line continuation: kept, so that lines keep their numbers.
                        out.push_str("\\\n");
                        *line += 1;
                    }
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
                i += 2;
            }
            '$' if gstring && chars.get(i + 1) == Some(&'{') => {
                // `${ … }`, nested braces and strings included, kept as written.
                let mut depth = 0usize;
                loop {
                    let c = *chars.get(i)?;
                    out.push(c);
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        '\n' => *line += 1,
                        q @ ('\'' | '"') => {
                            i += 1;
                            while *chars.get(i)? != q {
                                if chars[i] == '\n' {
                                    *line += 1;
                                }
                                out.push(chars[i]);
                                i += 1;
                            }
                            out.push(q);
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            c => {
                if c == '\n' {
                    *line += 1;
                }
                out.push(c);
                i += 1;
            }
        }
    }
}

/// A stage: its name and line.
type Stage = (String, u32);

/// What a Jenkinsfile says, as far as its commands go.
#[derive(Debug, Default, PartialEq, Eq)]
struct Scan {
    /// The steps that run commands.
    steps: Vec<Step>,
    /// (line, path, the stage around it) of `load`.
    loads: Vec<(u32, String, Option<Stage>)>,
    /// (line, name) of shared libraries.
    libraries: Vec<(u32, String)>,
    /// The lines of the stages whose `when` is literally false: they never run.
    disabled: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Step {
    stage: Option<(String, u32)>,
    step: String,
    line: u32,
    script: String,
    dir: Option<String>,
    /// `returnStatus: true`: the step returns the status instead of failing.
    status_returned: bool,
    /// Why a failure of the step does not fail the build: it stands in `try { … } catch`, in
    /// `warnError`, or in `catchError` with a build result other than FAILURE.
    caught: Option<String>,
}

const STEPS: &[&str] = &["sh", "bat", "powershell", "pwsh"];

fn scan(tokens: &[Token]) -> Scan {
    let mut out = Scan::default();
    let mut depth = 0usize;
    // Blocks opened by `stage(…) {` and `dir(…) {`: (depth inside, stage or dir).
    let mut stages: Vec<(usize, String, u32)> = Vec::new();
    let mut dirs: Vec<(usize, String)> = Vec::new();
    let mut pending_stage: Option<(String, u32)> = None;
    let mut pending_dir: Option<String> = None;
    // Blocks whose failures the script catches: (depth inside, first step inside, why; None
    // for a `try`, whose catch is known only at its end).
    let mut catchers: Vec<(usize, usize, Option<String>)> = Vec::new();
    let mut pending_catch: Option<Option<String>> = None;
    let ident = |i: usize| match tokens.get(i).map(|t| &t.tok) {
        Some(Tok::Ident(s)) => Some(s.as_str()),
        _ => None,
    };
    let punct =
        |i: usize, p: char| matches!(tokens.get(i).map(|t| &t.tok), Some(Tok::Punct(c)) if *c == p);
    let string = |i: usize| match tokens.get(i) {
        Some(Token {
            tok: Tok::Str(s),
            line,
        }) => Some((s.clone(), *line)),
        _ => None,
    };
    // The first string argument of a call at `i` (`name 'x'`, `name('x')`, `name(k: 'x')`).
    let first_string =
        |i: usize| string(i).or_else(|| if punct(i, '(') { string(i + 1) } else { None });
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i].tok {
            Tok::Punct('{') => {
                depth += 1;
                if let Some((s, l)) = pending_stage.take() {
                    stages.push((depth, s, l));
                }
                if let Some(d) = pending_dir.take() {
                    dirs.push((depth, d));
                }
                if let Some(why) = pending_catch.take() {
                    catchers.push((depth, out.steps.len(), why));
                }
            }
            Tok::Punct('}') => {
                while let Some((d, first, why)) = catchers.last().cloned()
                    && d >= depth
                {
                    catchers.pop();
                    let why = why.or_else(|| {
                        (ident(i + 1) == Some("catch")).then(|| {
                            "it stands in `try { … } catch`: the pipeline script catches its \
                             failure"
                                .to_string()
                        })
                    });
                    if let Some(why) = why {
                        for step in &mut out.steps[first..] {
                            step.caught.get_or_insert_with(|| why.clone());
                        }
                    }
                }
                depth = depth.saturating_sub(1);
                stages.retain(|(d, _, _)| *d <= depth);
                dirs.retain(|(d, _)| *d <= depth);
            }
            Tok::Punct('@') if ident(i + 1) == Some("Library") => {
                let mut j = i + 2;
                if punct(j, '(') {
                    while j < tokens.len() && !punct(j, ')') {
                        if let Some((s, l)) = string(j) {
                            out.libraries.push((l, s));
                        }
                        j += 1;
                    }
                }
                i = j;
            }
            Tok::Ident(name) => {
                let after_dot = i > 0 && punct(i - 1, '.');
                match name.as_str() {
                    "when" if !after_dot && punct(i + 1, '{') => {
                        // `when { expression { return false } }`: the stage never runs.
                        let mut j = i + 2;
                        let mut level = 1usize;
                        let mut inner = Vec::new();
                        while let Some(t) = tokens.get(j) {
                            match &t.tok {
                                Tok::Punct('{') => level += 1,
                                Tok::Punct('}') => {
                                    level -= 1;
                                    if level == 0 {
                                        break;
                                    }
                                }
                                _ => {}
                            }
                            inner.push(match &t.tok {
                                Tok::Ident(s) => s.clone(),
                                Tok::Str(_) => "\"\"".to_string(),
                                Tok::Punct(c) => c.to_string(),
                            });
                            j += 1;
                        }
                        let inner: Vec<&str> = inner.iter().map(String::as_str).collect();
                        let never = matches!(
                            inner.as_slice(),
                            ["expression", "{", "false", "}"]
                                | ["expression", "{", "return", "false", "}"]
                                | ["expression", "{", "return", "false", ";", "}"]
                        );
                        if never && let Some((_, _, l)) = stages.last() {
                            out.disabled.push(*l);
                        }
                    }
                    "stage" if !after_dot => {
                        pending_stage = first_string(i + 1);
                    }
                    "try" if !after_dot && punct(i + 1, '{') => pending_catch = Some(None),
                    "warnError" if !after_dot => {
                        pending_catch = Some(Some(
                            "it stands in `warnError`: a failure marks the build unstable and \
                             the pipeline goes on"
                                .to_string(),
                        ));
                    }
                    "catchError" if !after_dot => {
                        // `catchError(buildResult: 'SUCCESS') { … }`: the build passes whatever
                        // fails inside; by default it is marked FAILURE.
                        let mut result = None;
                        if punct(i + 1, '(') {
                            let mut j = i + 2;
                            while j < tokens.len() && !punct(j, ')') {
                                if ident(j) == Some("buildResult") && punct(j + 1, ':') {
                                    result = Some(
                                        string(j + 2)
                                            .map(|(v, _)| v)
                                            .or_else(|| ident(j + 2).map(str::to_string))
                                            .unwrap_or_default(),
                                    );
                                }
                                j += 1;
                            }
                        }
                        pending_catch = Some(result.filter(|r| r != "FAILURE").map(|r| {
                            format!(
                                "it stands in `catchError` with buildResult `{r}`: the build \
                                 does not fail for it"
                            )
                        }));
                    }
                    "dir" if !after_dot => {
                        pending_dir = first_string(i + 1).map(|(s, _)| s);
                    }
                    "load" if !after_dot => {
                        if let Some((s, l)) = first_string(i + 1) {
                            let stage = stages.last().map(|(_, s, l)| (s.clone(), *l));
                            out.loads.push((l, s, stage));
                        }
                    }
                    "library" if !after_dot => {
                        if let Some((s, l)) = first_string(i + 1) {
                            out.libraries.push((l, s));
                        }
                    }
                    step if STEPS.contains(&step) && !punct(i + 1, '=') && !punct(i + 1, ':') => {
                        if let Some((script, line)) = step_script(tokens, i + 1) {
                            let stage = stages.last().map(|(_, s, l)| (s.clone(), *l));
                            let dir = dirs
                                .iter()
                                .map(|(_, d)| d.as_str())
                                .collect::<Vec<_>>()
                                .join("/");
                            // `sh(script: '…', returnStatus: true)`: a failure is a value.
                            let status_returned = punct(i + 1, '(')
                                && (i + 2..tokens.len())
                                    .take_while(|j| !punct(*j, ')'))
                                    .any(|j| {
                                        ident(j) == Some("returnStatus")
                                            && punct(j + 1, ':')
                                            && ident(j + 2) == Some("true")
                                    });
                            out.steps.push(Step {
                                caught: None,
                                status_returned,
                                stage,
                                step: step.to_string(),
                                line,
                                script,
                                dir: (!dir.is_empty()).then_some(dir),
                            });
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The script of a step call starting at token `i`: a string, `(script: '…', …)` or its first
/// string, or `label: …, script: '…'` without parentheses.
fn step_script(tokens: &[Token], i: usize) -> Option<(String, u32)> {
    let get = |j: usize| tokens.get(j).map(|t| &t.tok);
    let str_at = |j: usize| match tokens.get(j) {
        Some(Token {
            tok: Tok::Str(s),
            line,
        }) => Some((s.clone(), *line)),
        _ => None,
    };
    if let Some(s) = str_at(i) {
        return Some(s);
    }
    let (start, end) = if get(i) == Some(&Tok::Punct('(')) {
        let mut depth = 0usize;
        let mut j = i;
        loop {
            match get(j)? {
                Tok::Punct('(' | '[') => depth += 1,
                Tok::Punct(')' | ']') => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        (i + 1, j)
    } else if matches!(get(i), Some(Tok::Ident(_))) && get(i + 1) == Some(&Tok::Punct(':')) {
        // Named arguments without parentheses end where the statement ends: at a token on a
        // later line that is not a `,`-continued argument. Look a few arguments ahead.
        (i, (i + 24).min(tokens.len()))
    } else {
        return None;
    };
    let mut first = None;
    let mut j = start;
    while j < end {
        if let Some(Tok::Ident(k)) = get(j)
            && get(j + 1) == Some(&Tok::Punct(':'))
        {
            if k == "script" {
                return str_at(j + 2);
            }
            j += 3;
            continue;
        }
        if first.is_none()
            && let Some(s) = str_at(j)
        {
            first = Some(s);
        }
        j += 1;
    }
    first
}

fn candidates(repo: &Repo<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for dir in DIRS {
        for f in repo.under(dir) {
            let rest = &f[dir.len()..];
            if !rest.contains('/') && (rest == "Jenkinsfile" || rest.starts_with("Jenkinsfile.")) {
                out.push(f.clone());
            }
        }
    }
    out.sort();
    out.dedup();
    out.truncate(MAX_FILES);
    out
}

pub(super) fn read(repo: &Repo<'_>, follower: &Follower<'_, '_>) -> Vec<Pipeline> {
    candidates(repo)
        .into_iter()
        .map(|path| pipeline(repo, follower, &path))
        .collect()
}

fn pipeline(repo: &Repo<'_>, follower: &Follower<'_, '_>, path: &str) -> Pipeline {
    let t = match repo.read(path) {
        Ok(t) => t,
        Err(e) => return broken(CiSystem::Jenkins, unread_file(path, &e), e.reason),
    };
    let tokens = match lex(&t.text) {
        Ok(tokens) => tokens,
        Err(why) => {
            return broken(
                CiSystem::Jenkins,
                t.file,
                format!("could not be read as Groovy: {why}"),
            );
        }
    };
    let mut acc = Acc::default();
    let mut jobs: Vec<CiJob> = Vec::new();
    let mut seen = BTreeSet::from([path.to_string()]);
    steps(
        repo,
        follower,
        &mut acc,
        &t.file,
        &scan(&tokens),
        &[],
        None,
        &mut seen,
        &mut jobs,
    );
    acc.job = None;
    acc.finish(CiSystem::Jenkins, t.file, None, jobs)
}

/// The steps of one scanned file (and of the files it loads) into their stages' jobs.
#[allow(clippy::too_many_arguments)]
fn steps(
    repo: &Repo<'_>,
    follower: &Follower<'_, '_>,
    acc: &mut Acc,
    file: &FileRef,
    scanned: &Scan,
    chain: &[crate::facts::files::Link],
    stage_of_load: Option<&(String, u32, FileRef)>,
    seen: &mut BTreeSet<String>,
    jobs: &mut Vec<CiJob>,
) {
    for (line, name) in &scanned.libraries {
        let mut here = chain.to_vec();
        here.push(link(file, *line, &format!("@Library('{name}')")));
        acc.unresolved(
            UnresolvedKind::NotRead,
            &here,
            format!(
                "shared library `{name}` is defined outside the repository; its steps are not read"
            ),
        );
    }
    for s in &scanned.steps {
        if s.stage
            .as_ref()
            .is_some_and(|(_, l)| scanned.disabled.contains(l))
        {
            // A stage whose `when` is literally false never runs.
            continue;
        }
        let (name, job_file, job_line) = match (&s.stage, stage_of_load) {
            (Some((n, l)), _) => (n.clone(), file.clone(), *l),
            (None, Some((n, l, f))) => (n.clone(), f.clone(), *l),
            (None, None) => ("Jenkinsfile".to_string(), file.clone(), 1),
        };
        acc.job = Some(name.clone());
        let cwd = s
            .dir
            .as_deref()
            .filter(|d| !d.contains('$') && !d.starts_with('/'))
            .and_then(|d| join("", d))
            .unwrap_or_default();
        // `sh` runs `sh -xe` unless the script names its own interpreter (`#!`); `bat` and
        // PowerShell steps go on after a failure.
        let shell = match s.step.as_str() {
            "sh" if s.script.trim_start().starts_with("#!") => {
                Shell::of_script(s.script.trim_start())
            }
            "sh" => Shell::ERREXIT,
            _ => Shell::PLAIN,
        };
        let mut found: Vec<Activity> =
            follower.script_after(acc, chain, file, s.line, &s.script, &cwd, shell);
        if s.status_returned {
            acc.demote(
                std::mem::take(&mut found),
                "the step has `returnStatus: true`, so its failure is not a failure of the build",
            );
        }
        if let Some(why) = &s.caught {
            acc.demote(std::mem::take(&mut found), why);
        }
        let job = match jobs.iter_mut().find(|j| j.name == name) {
            Some(j) => j,
            None => {
                jobs.push(CiJob {
                    name,
                    file: job_file,
                    line: job_line,
                    activities: Vec::new(),
                });
                jobs.last_mut().expect("just pushed")
            }
        };
        for a in found {
            if !job.activities.iter().any(|o| o.kind == a.kind) {
                job.activities.push(a);
            }
        }
    }
    for (line, p, load_stage) in &scanned.loads {
        let mut here = chain.to_vec();
        here.push(link(file, *line, &format!("load '{p}'")));
        let rel = if p.contains('$') || p.starts_with('/') {
            None
        } else {
            join("", p)
        };
        let Some(rel) = rel.filter(|r| repo.has(r)) else {
            acc.unresolved(
                UnresolvedKind::NotFollowed,
                &here,
                format!("`{p}` is not a file of the repository cargo-sdl can name"),
            );
            continue;
        };
        if !seen.insert(rel.clone()) {
            continue;
        }
        if seen.len() > MAX_LOADS + 1 {
            acc.unresolved(
                UnresolvedKind::NotFollowed,
                &here,
                format!("more than {MAX_LOADS} files loaded; {rel} not read"),
            );
            continue;
        }
        let t = match repo.read(&rel) {
            Ok(t) => t,
            Err(e) => {
                acc.unresolved(
                    UnresolvedKind::NotFollowed,
                    &here,
                    format!("{rel} {}", e.reason),
                );
                continue;
            }
        };
        acc.read(&t.file);
        match lex(&t.text) {
            Ok(tokens) => {
                let stage = load_stage.clone().map(|(n, l)| (n, l, file.clone()));
                steps(
                    repo,
                    follower,
                    acc,
                    &t.file,
                    &scan(&tokens),
                    &here,
                    stage.as_ref().or(stage_of_load),
                    seen,
                    jobs,
                );
            }
            Err(why) => acc.unresolved(
                UnresolvedKind::NotFollowed,
                &here,
                format!("{rel} could not be read as Groovy: {why}"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::files::ci::testing::{kinds, run, unresolved};
    use crate::facts::files::ActivityKind;

    fn scripts(text: &str) -> Vec<(Option<String>, String, u32, String)> {
        scan(&lex(text).unwrap())
            .steps
            .into_iter()
            .map(|s| (s.stage.map(|x| x.0), s.step, s.line, s.script))
            .collect()
    }

    #[test]
    fn every_form_of_a_step() {
        let text = r#"#!groovy
@Library('shared@main') _
// sh 'cargo test' in a comment
/* sh "cargo clippy" */
pipeline {
  agent any
  stages {
    stage('Test') {
      steps {
        sh 'cargo test --workspace'
        sh "echo ${env.BRANCH_NAME} \"quoted\""
        sh '''
          cargo build
          cargo clippy -- -D warnings
        '''
        sh(script: 'cargo deny check', returnStatus: true)
        sh label: 'fuzz', script: """cargo fuzz run x"""
        bat 'cargo nextest run'
        script {
          def ok = "a" =~ /b'c/
          def half = 4 / 2
        }
      }
    }
  }
}
"#;
        let got = scripts(text);
        let want: Vec<(Option<String>, String, u32, String)> = vec![
            (
                Some("Test".into()),
                "sh".into(),
                10,
                "cargo test --workspace".into(),
            ),
            (
                Some("Test".into()),
                "sh".into(),
                11,
                "echo ${env.BRANCH_NAME} \"quoted\"".into(),
            ),
            (
                Some("Test".into()),
                "sh".into(),
                12,
                "\n          cargo build\n          cargo clippy -- -D warnings\n        ".into(),
            ),
            (
                Some("Test".into()),
                "sh".into(),
                16,
                "cargo deny check".into(),
            ),
            (
                Some("Test".into()),
                "sh".into(),
                17,
                "cargo fuzz run x".into(),
            ),
            (
                Some("Test".into()),
                "bat".into(),
                18,
                "cargo nextest run".into(),
            ),
        ];
        assert_eq!(got, want);
        let s = scan(&lex(text).unwrap());
        assert_eq!(s.libraries, [(2, "shared@main".to_string())]);
    }

    #[test]
    fn unterminated_strings_are_errors_not_panics() {
        assert!(lex("sh '''\ncargo test\n").is_err());
        assert!(lex("/* open").is_err());
        assert!(lex("sh \"${x\"").is_err());
        assert!(lex("").unwrap().is_empty());
    }

    #[test]
    fn failures_the_script_catches_count_for_nothing() {
        let jf = "node {\n\
                  stage('Caught') {\n\
                    try {\n      sh 'cargo test'\n    } catch (e) {\n      echo 'ignored'\n    }\n\
                    catchError(buildResult: 'SUCCESS', stageResult: 'FAILURE') {\n      sh 'cargo clippy'\n    }\n\
                    warnError('audit') {\n      sh 'cargo audit'\n    }\n\
                  }\n\
                  stage('Gating') {\n\
                    try {\n      sh 'cargo nextest run'\n    } finally {\n      echo 'done'\n    }\n\
                    catchError {\n      sh 'cargo deny check'\n    }\n\
                  }\n\
                  }\n";
        let ci = run(&[("Jenkinsfile", jf)]);
        let p = &ci.facts.pipelines[0];
        let got: Vec<(String, ActivityKind)> = kinds(p)
            .into_iter()
            .map(|(job, kind, _)| (job, kind))
            .collect();
        assert_eq!(
            got,
            [
                ("Gating".to_string(), ActivityKind::Tests),
                ("Gating".to_string(), ActivityKind::DependencyAudit),
            ]
        );
        let u = unresolved(p);
        for want in ["`try { … } catch`", "buildResult `SUCCESS`", "`warnError`"] {
            assert!(u.iter().any(|(_, why)| why.contains(want)), "{want}: {u:?}");
        }
    }

    #[test]
    fn pipeline_with_stages_dirs_and_loads() {
        let jf = "node {\n  stage('Build') {\n    dir('rust') {\n      sh './ci.sh'\n    }\n  }\n  stage('Lint') {\n    load 'ci/lint.groovy'\n  }\n  stage('Other') {\n    load '../../etc/passwd'\n  }\n}\n";
        let ci = run(&[
            ("Jenkinsfile", jf),
            ("rust/ci.sh", "cargo test\n"),
            (
                "ci/lint.groovy",
                "sh 'cargo clippy'\nload 'ci/lint.groovy'\n",
            ),
        ]);
        let p = &ci.facts.pipelines[0];
        assert_eq!(p.system, CiSystem::Jenkins);
        assert_eq!(
            kinds(p),
            [
                (
                    "Build".into(),
                    ActivityKind::Tests,
                    vec![
                        "Jenkinsfile:4 ./ci.sh".into(),
                        "rust/ci.sh:1 cargo test".into()
                    ]
                ),
                (
                    "Lint".into(),
                    ActivityKind::Clippy,
                    vec![
                        "Jenkinsfile:8 load 'ci/lint.groovy'".into(),
                        "ci/lint.groovy:1 cargo clippy".into()
                    ]
                ),
            ]
        );
        let u = unresolved(p);
        assert_eq!(u.len(), 1, "{u:?}");
        assert!(u[0].1.contains("../../etc/passwd"));
    }
}
