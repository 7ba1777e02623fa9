//! `cargo xtask SUB` (and `cargo run -p xtask -- SUB`): a bounded text heuristic over the
//! task runner's sources, never a build of it. The subcommand is found as a match arm (`"ci"
//! =>`, `Cmd::Ci =>`, or a `name = "ci"` attribute's variant); from the arm, the functions it
//! calls are read (a few levels, only functions defined in those sources, never an ambiguous
//! name); in each, the commands spawned: `Command::new("cargo")` with its literal `.arg`s and
//! `.args([…])`, xshell's `cmd!(sh, "cargo clippy …")`, duct's `cmd!("cargo", "test")`. Each
//! command is then judged and followed like a CI step's.
//!
//! When the subcommand cannot be found, or nothing it reaches spawns a command the heuristic
//! recognises, that is recorded as not followed: a rule that finds its activity nowhere else is
//! unknown, not failed.

use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::LazyLock;

use regex::Regex;

use super::{Acc, Ctx, Follower, Loaded, dir_of, merge};
use crate::collect::files::ci::{commands, link};
use crate::facts::FileRef;
use crate::facts::files::{Activity, Link, UnresolvedKind};

/// Source files read per task-runner package.
const MAX_SOURCES: usize = 64;
/// Functions read per subcommand, and how deep calls are followed.
const MAX_FUNCTIONS: usize = 64;
const MAX_CALL_DEPTH: usize = 5;
/// The longest arm or statement looked at, in bytes.
const MAX_SPAN: usize = 8 * 1024;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("invalid built-in pattern {pattern}: {e}"))
}

/// One source file: its text with comments blanked (`code`), and also string contents blanked
/// (`skeleton`), byte for byte the same length, so that offsets agree.
#[derive(Debug)]
pub(super) struct Source {
    file: usize,
    code: String,
    skeleton: String,
    path: String,
}

#[derive(Debug, Default)]
pub(super) struct Sources {
    files: Vec<Source>,
}

/// Blank comments (and, for the skeleton, string and char literal contents) with spaces,
/// keeping newlines and byte offsets.
fn blank(text: &str) -> (String, String) {
    let b = text.as_bytes();
    let mut code = b.to_vec();
    let mut skel = b.to_vec();
    let blank_at = |v: &mut Vec<u8>, i: usize| {
        if v[i] != b'\n' {
            v[i] = b' ';
        }
    };
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    blank_at(&mut code, i);
                    blank_at(&mut skel, i);
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0usize;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        for j in [i, i + 1] {
                            blank_at(&mut code, j);
                            blank_at(&mut skel, j);
                        }
                        i += 2;
                        continue;
                    }
                    if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        for j in [i, i + 1] {
                            blank_at(&mut code, j);
                            blank_at(&mut skel, j);
                        }
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                        continue;
                    }
                    blank_at(&mut code, i);
                    blank_at(&mut skel, i);
                    i += 1;
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'#' | b'"'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let mut hashes = 0;
                let mut j = i + 1;
                while b.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if b.get(j) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                j += 1;
                let start = j;
                let closing: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                while j < b.len() && !b[j..].starts_with(&closing) {
                    j += 1;
                }
                for k in start..j.min(b.len()) {
                    blank_at(&mut skel, k);
                }
                i = (j + closing.len()).min(b.len());
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    if b[j] == b'\\' {
                        blank_at(&mut skel, j);
                        j += 1;
                    }
                    if j < b.len() {
                        blank_at(&mut skel, j);
                    }
                    j += 1;
                }
                i = j + 1;
            }
            b'\'' => {
                // A char literal ('x', '\n', '\'') — not a lifetime ('a).
                let end = if b.get(i + 1) == Some(&b'\\') {
                    b[i + 2..]
                        .iter()
                        .position(|c| *c == b'\'')
                        .map(|p| i + 2 + p)
                } else {
                    let ch_len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                    (b.get(i + 1 + ch_len) == Some(&b'\'')).then_some(i + 1 + ch_len)
                };
                match end {
                    Some(e) if e - i <= 12 => {
                        for k in i + 1..e {
                            blank_at(&mut skel, k);
                        }
                        i = e + 1;
                    }
                    _ => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    // Only ASCII bytes were replaced (by spaces), and only whole characters: still UTF-8.
    (
        String::from_utf8_lossy(&code).into_owned(),
        String::from_utf8_lossy(&skel).into_owned(),
    )
}

impl Source {
    fn line_of(&self, at: usize) -> u32 {
        let n = self.code[..at.min(self.code.len())].matches('\n').count();
        u32::try_from(n + 1).unwrap_or(u32::MAX)
    }

    fn line_text(&self, at: usize) -> &str {
        let start = self.code[..at].rfind('\n').map_or(0, |p| p + 1);
        let end = self.code[at..]
            .find('\n')
            .map_or(self.code.len(), |p| at + p);
        self.code[start..end].trim()
    }

    /// The end of the span that starts at `from` and closes with the bracket that `open` at
    /// `from` opens (exclusive), in the skeleton.
    fn matching(&self, from: usize) -> Option<usize> {
        let s = self.skeleton.as_bytes();
        let (open, close) = match s.get(from)? {
            b'{' => (b'{', b'}'),
            b'(' => (b'(', b')'),
            b'[' => (b'[', b']'),
            _ => return None,
        };
        let mut depth = 0usize;
        for (i, c) in s.iter().enumerate().skip(from) {
            if *c == open {
                depth += 1;
            } else if *c == close {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
        }
        None
    }

    /// From `from`, the end of the expression (a `,` or `;` at depth 0, or a closing bracket
    /// of the enclosing one), at most [`MAX_SPAN`] bytes on.
    fn expression_end(&self, from: usize, stop_at_comma: bool) -> usize {
        let s = self.skeleton.as_bytes();
        let limit = (from + MAX_SPAN).min(s.len());
        let mut depth = 0i32;
        for (i, c) in s.iter().enumerate().take(limit).skip(from) {
            match c {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth -= 1;
                    if depth < 0 {
                        return i;
                    }
                }
                b';' if depth == 0 => return i,
                b',' if depth == 0 && stop_at_comma => return i,
                _ => {}
            }
        }
        limit
    }
}

/// The string literals of `code[span]`, in order (plain and raw strings, escapes of `\"` and
/// `\\` undone).
fn literals(code: &str) -> Vec<String> {
    static LITERAL: LazyLock<Regex> = LazyLock::new(|| re(r#"r(#*)"|"((?:[^"\\]|\\.)*)""#));
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(m) = LITERAL.find_at(code, at) {
        let c = LITERAL.captures_at(code, at).expect("matched");
        if let Some(hashes) = c.get(1) {
            let closing = format!("\"{}", hashes.as_str());
            let start = m.end();
            match code[start..].find(&closing) {
                Some(end) => {
                    out.push(code[start..start + end].to_string());
                    at = start + end + closing.len();
                }
                None => break,
            }
        } else {
            let raw = c.get(2).map_or("", |g| g.as_str());
            out.push(raw.replace("\\\"", "\"").replace("\\\\", "\\"));
            at = m.end();
        }
    }
    out
}

/// The comma-separated elements of a list's skeleton (string contents blanked, so their
/// commas are gone); a trailing comma adds none.
fn elements(list: &str) -> usize {
    list.split(',').filter(|p| !p.trim().is_empty()).count()
}

/// A command a function spawns.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Spawn {
    at: usize,
    /// The command line, from literals.
    command: String,
    /// Some of its program or arguments are computed, not literals.
    computed: bool,
}

/// The commands spawned in `span` of a source.
fn spawns(src: &Source, span: std::ops::Range<usize>) -> Vec<Spawn> {
    static COMMAND_NEW: LazyLock<Regex> = LazyLock::new(|| re(r"\bCommand\s*::\s*new\s*\("));
    static CMD_MACRO: LazyLock<Regex> = LazyLock::new(|| re(r"\bcmd\s*!\s*[(\[]"));
    static ARG: LazyLock<Regex> = LazyLock::new(|| re(r"\.\s*(arg|args)\s*\("));
    let skel = &src.skeleton[span.clone()];
    let mut found = Vec::new();
    for (is_macro, m) in COMMAND_NEW
        .find_iter(skel)
        .map(|m| (false, m))
        .chain(CMD_MACRO.find_iter(skel).map(|m| (true, m)))
    {
        let open = span.start + m.end() - 1;
        let Some(close) = src.matching(open) else {
            continue;
        };
        let inside = &src.code[open + 1..close - 1];
        let inside_skel = &src.skeleton[open + 1..close - 1];
        let lits = literals(inside);
        let mut computed = false;
        let mut words: Vec<String> = Vec::new();
        if is_macro {
            // xshell: `cmd!(sh, "cargo test {args...}")`; duct: `cmd!("cargo", "test")`.
            let first_is_ident = inside_skel
                .trim_start()
                .starts_with(|c: char| c.is_alphabetic() || c == '_');
            if first_is_ident {
                match lits.first() {
                    Some(l) => words.push(l.clone()),
                    None => computed = true,
                }
            } else {
                computed |= elements(inside_skel) != lits.len();
                words.extend(lits);
            }
        } else {
            match lits.first() {
                Some(p) if inside_skel.trim().starts_with('"') => words.push(p.clone()),
                _ => {
                    // `Command::new(cargo)`, `Command::new(env::var("CARGO")…)`.
                    let expr = inside.trim();
                    if expr.to_ascii_lowercase().contains("cargo") {
                        words.push("cargo".into());
                    }
                    computed = true;
                }
            }
        }
        // The `.arg(…)` and `.args([…])` chained in the same statement.
        let end = src.expression_end(close, false);
        let chained = &src.skeleton[close..end];
        for a in ARG.captures_iter(chained) {
            let open = close + a.get(0).map_or(0, |g| g.end()) - 1;
            let Some(arg_end) = src.matching(open) else {
                break;
            };
            let arg_code = &src.code[open + 1..arg_end - 1];
            let arg_skel = src.skeleton[open + 1..arg_end - 1].trim();
            let lits = literals(arg_code);
            let single = a.get(1).is_some_and(|g| g.as_str() == "arg");
            let literal_only = if single {
                arg_skel.starts_with('"') && lits.len() == 1
            } else {
                let list = arg_skel
                    .trim_start_matches('&')
                    .trim_start()
                    .trim_start_matches("vec!")
                    .trim();
                list.strip_prefix('[')
                    .and_then(|l| l.strip_suffix(']'))
                    .is_some_and(|items| elements(items) == lits.len())
            };
            computed |= !literal_only;
            words.extend(lits);
        }
        if words.is_empty() {
            continue;
        }
        // A program without arguments here gets them elsewhere (`c.arg("test")` later).
        computed |= words.len() == 1 && !words[0].contains(' ');
        found.push(Spawn {
            at: span.start + m.start(),
            command: words.join(" "),
            computed,
        });
    }
    found.sort_by_key(|s| s.at);
    found
}

/// The functions `span` calls, by name (free functions, paths and methods).
fn calls(src: &Source, span: std::ops::Range<usize>) -> Vec<(Option<String>, String)> {
    static CALL: LazyLock<Regex> = LazyLock::new(|| {
        re(r"(?:\b([A-Za-z_]\w*)\s*::\s*)?\b([a-z_][a-z0-9_]*)\s*(?:::\s*<[^>]*>\s*)?\(")
    });
    const NOT_FUNCTIONS: &[&str] = &[
        "if",
        "match",
        "while",
        "for",
        "loop",
        "return",
        "fn",
        "let",
        "in",
        "as",
        "move",
        "unwrap",
        "expect",
        "map",
        "map_err",
        "and_then",
        "ok",
        "into",
        "to_string",
        "to_owned",
        "clone",
        "iter",
        "collect",
        "new",
        "arg",
        "args",
        "env",
        "status",
        "output",
        "spawn",
        "current_dir",
        "join",
        "push",
        "push_str",
        "format",
        "context",
        "with_context",
    ];
    let mut out: Vec<(Option<String>, String)> = Vec::new();
    for c in CALL.captures_iter(&src.skeleton[span]) {
        let name = c.get(2).map_or("", |g| g.as_str()).to_string();
        if NOT_FUNCTIONS.contains(&name.as_str()) {
            continue;
        }
        let path = c.get(1).map(|g| g.as_str().to_string());
        if !out.iter().any(|(p, n)| *n == name && *p == path) {
            out.push((path, name));
        }
    }
    out
}

/// `clippy-all` → `ClippyAll`.
fn pascal(sub: &str) -> String {
    sub.split(['-', '_'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// Where a subcommand starts: the file, the byte offset of the arm's `=>`, and the variant
/// name when it is an enum arm.
fn entry(sources: &Sources, sub: &str) -> Option<(usize, usize, Option<String>)> {
    let quoted = format!("\"{}\"", regex::escape(sub));
    let string_arm = re(&format!(r#"{quoted}[^\n;]*?=>"#));
    // The variant named `sub` by an attribute, else the PascalCase of `sub`.
    let named = re(&format!(
        r#"name\s*=\s*{quoted}[^\n]*\)\]\s*(?:#\[[^\]]*\]\s*)*(?:pub\s+)?(?:struct\s+)?([A-Z]\w*)"#
    ));
    let mut variant = pascal(sub);
    for s in &sources.files {
        if let Some(c) = named.captures(&s.code)
            && let Some(v) = c.get(1)
        {
            variant = v.as_str().to_string();
        }
    }
    for (i, s) in sources.files.iter().enumerate() {
        if let Some(m) = string_arm.find(&s.code) {
            return Some((i, m.end(), None));
        }
    }
    let variant_arm = re(&format!(r"\b{}\b[^\n;=]*=>", regex::escape(&variant)));
    for (i, s) in sources.files.iter().enumerate() {
        if let Some(m) = variant_arm.find(&s.skeleton) {
            return Some((i, m.end(), Some(variant)));
        }
    }
    None
}

/// The definitions of `fn name`: (source, offset of `fn`, body span).
fn definitions(sources: &Sources, name: &str) -> Vec<(usize, usize, std::ops::Range<usize>)> {
    let def = re(&format!(r"\bfn\s+{}\s*[<(]", regex::escape(name)));
    let mut out = Vec::new();
    for (i, s) in sources.files.iter().enumerate() {
        for m in def.find_iter(&s.skeleton) {
            // The body: the first `{` after the signature, unless a `;` ends it first.
            let rest = &s.skeleton[m.end()..];
            let Some(open) = rest.find(['{', ';']) else {
                continue;
            };
            if rest.as_bytes()[open] == b';' {
                continue;
            }
            let open = m.end() + open;
            if let Some(end) = s.matching(open) {
                out.push((i, m.start(), open..end));
            }
        }
    }
    out
}

/// The one definition a call names: unique, or told apart by its path (`ci::run` in
/// `ci.rs`) or by the `impl` block of the subcommand's type.
fn resolve(
    sources: &Sources,
    path: Option<&str>,
    name: &str,
    types: &[String],
) -> Result<Option<(usize, usize, std::ops::Range<usize>)>, usize> {
    let defs = definitions(sources, name);
    if defs.len() <= 1 {
        return Ok(defs.into_iter().next());
    }
    let by_path: Vec<_> = defs
        .iter()
        .filter(|(i, _, _)| {
            path.is_some_and(|p| {
                let f = &sources.files[*i].path;
                f.ends_with(&format!("/{p}.rs")) || f.ends_with(&format!("/{p}/mod.rs"))
            })
        })
        .cloned()
        .collect();
    if by_path.len() == 1 {
        return Ok(by_path.into_iter().next());
    }
    let by_impl: Vec<_> = defs
        .iter()
        .filter(|(i, at, _)| {
            let before = &sources.files[*i].skeleton[..*at];
            let Some(imp) = before.rfind("impl") else {
                return false;
            };
            let header = &before[imp..];
            types.iter().any(|t| {
                header
                    .split(|c: char| !c.is_alphanumeric() && c != '_')
                    .any(|w| w == t)
            })
        })
        .cloned()
        .collect();
    if by_impl.len() == 1 {
        return Ok(by_impl.into_iter().next());
    }
    Err(defs.len())
}

/// Where following a subcommand stands.
struct Walk<'s> {
    sources: &'s Sources,
    types: Vec<String>,
    visited: BTreeSet<(usize, usize)>,
    spawned: usize,
    ambiguous: Vec<String>,
}

impl Follower<'_, '_> {
    /// `cargo xtask ARGS` for the package `package`.
    pub(super) fn xtask(
        &self,
        acc: &mut Acc,
        ctx: &Ctx,
        package: &str,
        args: &[String],
    ) -> Vec<Activity> {
        let Some(sub) = args.iter().find(|a| !a.starts_with('-')) else {
            acc.unresolved(
                UnresolvedKind::NotFollowed,
                &ctx.chain,
                format!("`cargo {package}` without a subcommand cannot be followed"),
            );
            return Vec::new();
        };
        let Some(sources) = self.xtask_sources(acc, &ctx.chain, package) else {
            return Vec::new();
        };
        for f in &sources.files {
            acc.read(f);
        }
        let Some(inner) = ctx.enter(format!("xtask:{package}:{sub}")) else {
            return Vec::new();
        };
        let dir = sources
            .files
            .first()
            .map(|f| dir_of(dir_of(&f.path)).to_string())
            .unwrap_or_default();
        let Some((file, arm, variant)) = entry(&sources.value, sub) else {
            acc.unresolved(
                UnresolvedKind::NotFollowed,
                &ctx.chain,
                format!(
                    "`cargo {package} {sub}`: no subcommand `{sub}` found in the {} source \
                     file(s) of {dir}/src",
                    sources.files.len()
                ),
            );
            return Vec::new();
        };
        let src = &sources.value.files[file];
        let Some(fref) = sources.files.get(src.file) else {
            return Vec::new();
        };
        let here = inner.with(link(fref, src.line_of(arm), src.line_text(arm)));
        // The arm's body: a block, or an expression up to its comma.
        let start = arm + src.skeleton[arm..].len() - src.skeleton[arm..].trim_start().len();
        let end = if src.skeleton.as_bytes().get(start) == Some(&b'{') {
            src.matching(start).unwrap_or(start)
        } else {
            src.expression_end(start, true)
        };
        let mut walk = Walk {
            sources: &sources.value,
            types: variant.into_iter().chain([pascal(sub)]).collect(),
            visited: BTreeSet::new(),
            spawned: 0,
            ambiguous: Vec::new(),
        };
        let out = self.walk(acc, &here, &sources, &mut walk, file, start..end, 0);
        if walk.spawned == 0 {
            let mut why =
                format!("`cargo {package} {sub}`: no command it runs was recognised in {dir}/src");
            if !walk.ambiguous.is_empty() {
                why.push_str(&format!(
                    " (calls not followed, defined more than once: {})",
                    walk.ambiguous.join(", ")
                ));
            }
            acc.unresolved(UnresolvedKind::NotFollowed, &here.chain, why);
        }
        out
    }

    /// The spawns and calls of one span, depth-first.
    #[allow(clippy::too_many_arguments)]
    fn walk(
        &self,
        acc: &mut Acc,
        ctx: &Ctx,
        loaded: &Loaded<Sources>,
        walk: &mut Walk<'_>,
        file: usize,
        span: std::ops::Range<usize>,
        depth: usize,
    ) -> Vec<Activity> {
        let src = &walk.sources.files[file];
        let Some(fref) = loaded.files.get(src.file) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for s in spawns(src, span.clone()) {
            walk.spawned += 1;
            let line = src.line_of(s.at);
            let before = out.len();
            merge(
                &mut out,
                self.block(
                    acc,
                    &ctx.run_by(super::Shell::PLAIN),
                    fref,
                    line,
                    &s.command,
                    super::Lang::Shell,
                ),
            );
            let classified = commands::commands(&s.command)
                .iter()
                .any(|c| !commands::classify(c).is_empty());
            if s.computed && !classified && out.len() == before {
                acc.unresolved(
                    UnresolvedKind::NotFollowed,
                    &ctx.with(link(fref, line, src.line_text(s.at))).chain,
                    format!(
                        "runs `{}` with arguments computed at run time",
                        super::super::clip(&s.command)
                    ),
                );
            }
        }
        if depth >= MAX_CALL_DEPTH {
            return out;
        }
        for (path, name) in calls(src, span) {
            if walk.visited.len() >= MAX_FUNCTIONS {
                break;
            }
            match resolve(walk.sources, path.as_deref(), &name, &walk.types) {
                Ok(Some((i, at, body))) => {
                    if !walk.visited.insert((i, at)) {
                        continue;
                    }
                    let def = &walk.sources.files[i];
                    let Some(def_ref) = loaded.files.get(def.file) else {
                        continue;
                    };
                    let next = ctx.with(link(def_ref, def.line_of(at), def.line_text(at)));
                    merge(
                        &mut out,
                        self.walk(acc, &next, loaded, walk, i, body, depth + 1),
                    );
                }
                Ok(None) => {}
                Err(n) => walk.ambiguous.push(format!("{name} ({n} definitions)")),
            }
        }
        out
    }

    /// The sources of the task runner `package`: `PACKAGE/src/**/*.rs` where
    /// `PACKAGE/Cargo.toml` is listed (at the root or in any folder).
    fn xtask_sources(
        &self,
        acc: &mut Acc,
        chain: &[Link],
        package: &str,
    ) -> Option<Rc<Loaded<Sources>>> {
        if let Some(s) = self.xtasks.borrow().get(package) {
            return Some(s.clone());
        }
        let manifest_name = format!("{package}/Cargo.toml");
        let manifest = self
            .repo
            .files
            .iter()
            .filter(|f| **f == manifest_name || f.ends_with(&format!("/{manifest_name}")))
            .min_by_key(|f| (f.matches('/').count(), f.to_string()))
            .cloned();
        let Some(manifest) = manifest else {
            acc.unresolved(
                UnresolvedKind::NotFollowed,
                chain,
                format!("no task-runner package `{package}` ({manifest_name}) in the repository"),
            );
            return None;
        };
        let src_dir = format!("{}/src/", dir_of(&manifest))
            .trim_start_matches('/')
            .to_string();
        let paths: Vec<String> = self
            .repo
            .under(&src_dir)
            .filter(|f| f.ends_with(".rs"))
            .cloned()
            .collect();
        if paths.len() > MAX_SOURCES {
            acc.unresolved(
                UnresolvedKind::NotFollowed,
                chain,
                format!(
                    "{src_dir} has {} source files; only the first {MAX_SOURCES} are read",
                    paths.len()
                ),
            );
        }
        let mut loaded = Loaded {
            value: Sources::default(),
            files: Vec::<FileRef>::new(),
            unread: Vec::new(),
        };
        for p in paths.iter().take(MAX_SOURCES) {
            let Some(t) = self.read(acc, chain, p) else {
                continue;
            };
            let (code, skeleton) = blank(&t.text);
            loaded.files.push(t.file);
            loaded.value.files.push(Source {
                file: loaded.files.len() - 1,
                code,
                skeleton,
                path: p.clone(),
            });
        }
        let loaded = Rc::new(loaded);
        self.xtasks
            .borrow_mut()
            .insert(package.to_string(), loaded.clone());
        Some(loaded)
    }
}

#[cfg(test)]
#[path = "xtask_tests.rs"]
mod tests;
