//! GNU make, read closely enough to follow a target: rules (explicit and `%` pattern rules)
//! with their prerequisites and recipe lines, simple variables (`=`, `:=`, `?=`, `+=`),
//! automatic variables, `include`. Conditionals are not evaluated: the lines of both branches
//! are kept, which can only add commands, never hide one. Functions (`$(call …)`,
//! `$(shell …)`) are left as written.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::{Acc, Ctx, Follower, Lang, Loaded, join, merge};
use crate::collect::files::ci::link;
use crate::facts::FileRef;
use crate::facts::files::{Activity, UnresolvedKind};

/// Included makefiles read per Makefile, all levels together.
const MAX_INCLUDES: usize = 16;
/// Variable references expanded inside one another.
const MAX_EXPANSION_DEPTH: usize = 10;
/// An expansion that grows beyond this is cut: `A = $(B)$(B)`, `B = $(C)$(C)`, …
const MAX_EXPANDED: usize = 16 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Rule {
    /// Index of the file (in [`Loaded::files`]) the rule is in.
    pub file: usize,
    pub line: u32,
    /// The rule line as written (trimmed).
    pub header: String,
    pub targets: Vec<String>,
    pub prereqs: Vec<String>,
    /// Recipe lines: (line, text without the leading tab).
    pub recipe: Vec<(u32, String)>,
}

/// An `include` line: (line, the paths as written, whether it is `-include`).
pub(super) type Include = (u32, String, bool);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Makefile {
    pub rules: Vec<Rule>,
    pub vars: BTreeMap<String, String>,
    /// The first ordinary target, or `.DEFAULT_GOAL`.
    pub default_goal: Option<String>,
    /// `include` lines: (line, paths as written, optional).
    pub includes: Vec<Include>,
}

const DIRECTIVES: &[&str] = &[
    "ifeq", "ifneq", "ifdef", "ifndef", "else", "endif", "vpath", "unexport", "undefine",
];

/// The text of `raw` before an unescaped `#`.
fn strip_comment(raw: &str) -> &str {
    let bytes = raw.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'#' && (i == 0 || bytes[i - 1] != b'\\') {
            return &raw[..i];
        }
    }
    raw
}

/// Where a line splits into a rule (`:`) or an assignment (`=`, `:=`, `?=`, …), outside
/// `$( … )`.
enum Split {
    Rule(usize, usize),
    Assign(usize, usize, &'static str),
    Neither,
}

fn split(line: &str) -> Split {
    let b = line.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'$' if matches!(b.get(i + 1), Some(b'(' | b'{')) => {
                depth += 1;
                i += 2;
                continue;
            }
            b'(' | b'{' if depth > 0 => depth += 1,
            b')' | b'}' if depth > 0 => depth -= 1,
            b'=' if depth == 0 => {
                let (start, op) = match i.checked_sub(1).map(|j| b[j]) {
                    Some(b'?') => (i - 1, "?="),
                    Some(b'+') => (i - 1, "+="),
                    Some(b'!') => (i - 1, "!="),
                    _ => (i, "="),
                };
                return Split::Assign(start, i + 1, op);
            }
            b':' if depth == 0 => {
                let rest = &line[i..];
                for op in [":::=", "::=", ":="] {
                    if rest.starts_with(op) {
                        return Split::Assign(i, i + op.len(), ":=");
                    }
                }
                let end = if rest.starts_with("::") { i + 2 } else { i + 1 };
                // `a &: b` is a grouped rule.
                let start = if i > 0 && b[i - 1] == b'&' { i - 1 } else { i };
                return Split::Rule(start, end);
            }
            _ => {}
        }
        i += 1;
    }
    Split::Neither
}

/// The value of a conditional directive whose arguments are literal (`ifeq (0,1)`,
/// `ifneq "a" "a"`); `None` when it depends on a variable, the environment or the command line
/// (`ifdef`, anything with `$`).
fn literal_condition(directive: &str) -> Option<bool> {
    let (kind, rest) = directive.trim().split_once(char::is_whitespace)?;
    let equal = match kind {
        "ifeq" => true,
        "ifneq" => false,
        _ => return None,
    };
    let rest = rest.trim();
    if rest.contains('$') {
        return None;
    }
    let (a, b) = if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        let (a, b) = inner.split_once(',')?;
        // `(a,b)`: spaces before the comma count, those after it do not (make trims them).
        (a.trim_start().to_string(), b.trim_start().to_string())
    } else {
        let quoted: Vec<&str> = rest.split(['"', '\'']).collect();
        // `"a" "b"` or `'a' 'b'`: [``, a, ` `, b, ``].
        match quoted.as_slice() {
            ["", a, sep, b, ""] if sep.trim().is_empty() => (a.to_string(), b.to_string()),
            _ => return None,
        }
    };
    Some((a == b) == equal)
}

/// Parse a Makefile. Never fails: what it does not understand ends the current rule. A branch
/// of a conditional whose arguments are literal and false is skipped, as make skips it.
pub(super) fn parse(text: &str, file: usize) -> Makefile {
    let mut mk = Makefile::default();
    let lines: Vec<&str> = text.lines().collect();
    let mut current: Option<usize> = None;
    let mut in_define = false;
    // Per open conditional: the value of the branch being read (None when unknown), and
    // whether an earlier branch was literally true.
    let mut conditionals: Vec<(Option<bool>, bool)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let raw = lines[i];
        i += 1;
        if in_define {
            let t = raw.trim_start();
            if t.starts_with("endef") {
                in_define = false;
            }
            continue;
        }
        let skipping = conditionals.iter().any(|(v, _)| *v == Some(false));
        if skipping && !raw.starts_with('\t') {
            // Only the directives that open and close conditionals are read in a skipped
            // branch.
            let t = strip_comment(raw).trim();
            let word = t.split_whitespace().next().unwrap_or_default();
            match word {
                "ifeq" | "ifneq" | "ifdef" | "ifndef" => conditionals.push((Some(false), true)),
                "endif" => {
                    conditionals.pop();
                }
                "else" => {
                    // A conditional opened inside the skipped branch stays skipped (it is
                    // marked as having had a true branch).
                    if let Some(top) = conditionals.last_mut() {
                        let inner = t["else".len()..].trim();
                        *top = if top.1 {
                            (Some(false), true)
                        } else if inner.is_empty() {
                            (Some(true), true)
                        } else {
                            let v = literal_condition(inner);
                            (v, v == Some(true))
                        };
                    }
                }
                "define" => in_define = true,
                _ => {}
            }
            continue;
        }
        if skipping {
            continue;
        }
        if raw.starts_with('\t')
            && let Some(r) = current
        {
            let mut text = raw[1..].to_string();
            while text.ends_with('\\') && !text.ends_with("\\\\") && i < lines.len() {
                text.pop();
                text.push(' ');
                text.push_str(lines[i].strip_prefix('\t').unwrap_or(lines[i]).trim_start());
                i += 1;
            }
            mk.rules[r].recipe.push((line_no, text));
            continue;
        }
        let mut logical = strip_comment(raw).to_string();
        while logical.trim_end().ends_with('\\') && i < lines.len() {
            let trimmed = logical.trim_end();
            logical = format!(
                "{} {}",
                &trimmed[..trimmed.len() - 1],
                strip_comment(lines[i]).trim()
            );
            i += 1;
        }
        let mut t = logical.trim();
        if t.is_empty() {
            continue;
        }
        for prefix in ["override ", "export ", "private "] {
            if let Some(rest) = t.strip_prefix(prefix) {
                t = rest.trim_start();
            }
        }
        let first = t.split_whitespace().next().unwrap_or_default();
        if first == "define" {
            in_define = true;
            current = None;
            continue;
        }
        match first {
            "ifeq" | "ifneq" | "ifdef" | "ifndef" => {
                let v = literal_condition(t);
                conditionals.push((v, v == Some(true)));
                continue;
            }
            "else" => {
                if let Some(top) = conditionals.last_mut() {
                    let inner = t["else".len()..].trim();
                    *top = match top {
                        (_, true) | (Some(true), _) => (Some(false), true),
                        (None, _) => (None, false),
                        (Some(false), _) if inner.is_empty() => (Some(true), true),
                        (Some(false), _) => {
                            let v = literal_condition(inner);
                            (v, v == Some(true))
                        }
                    };
                }
                continue;
            }
            "endif" => {
                conditionals.pop();
                continue;
            }
            _ => {}
        }
        if DIRECTIVES.contains(&first) || first == "export" {
            continue;
        }
        if let Some(kind) = ["include", "-include", "sinclude"]
            .into_iter()
            .find(|k| first == *k)
        {
            let paths = t[kind.len()..].trim().to_string();
            mk.includes.push((line_no, paths, kind != "include"));
            current = None;
            continue;
        }
        match split(t) {
            Split::Assign(start, end, op) => {
                current = None;
                let name = t[..start].trim().to_string();
                let value = t[end..].trim().to_string();
                if name.is_empty() || name.contains(char::is_whitespace) {
                    continue;
                }
                match op {
                    "?=" => {
                        mk.vars.entry(name).or_insert(value);
                    }
                    "+=" => {
                        let v = mk.vars.entry(name).or_default();
                        if !v.is_empty() {
                            v.push(' ');
                        }
                        v.push_str(&value);
                    }
                    "!=" => {}
                    _ => {
                        mk.vars.insert(name, value);
                    }
                }
            }
            Split::Rule(start, end) => {
                let targets: Vec<String> =
                    t[..start].split_whitespace().map(str::to_string).collect();
                let rest = &t[end..];
                let (deps, inline) = match rest.split_once(';') {
                    Some((d, r)) => (d, Some(r.trim().to_string())),
                    None => (rest, None),
                };
                // `target: VAR = value` sets a variable for the target: no rule.
                if matches!(split(deps), Split::Assign(..)) || targets.is_empty() {
                    current = None;
                    continue;
                }
                // A static pattern rule `objs: %.o: %.c` lists its prerequisites last.
                let deps = match split(deps) {
                    Split::Rule(_, e) => &deps[e..],
                    _ => deps,
                };
                let prereqs = deps
                    .split_whitespace()
                    .filter(|d| *d != "|")
                    .map(str::to_string)
                    .collect();
                if mk.default_goal.is_none()
                    && let Some(t0) = targets.first()
                    && (!t0.starts_with('.') || t0.contains('/'))
                    && !t0.contains('%')
                {
                    mk.default_goal = Some(t0.clone());
                }
                let mut rule = Rule {
                    file,
                    line: line_no,
                    header: t.to_string(),
                    targets,
                    prereqs,
                    recipe: Vec::new(),
                };
                if let Some(r) = inline.filter(|r| !r.is_empty()) {
                    rule.recipe.push((line_no, r));
                }
                mk.rules.push(rule);
                current = Some(mk.rules.len() - 1);
            }
            Split::Neither => current = None,
        }
    }
    if let Some(goal) = mk.vars.get(".DEFAULT_GOAL") {
        mk.default_goal = Some(goal.trim().to_string());
    }
    mk
}

impl Makefile {
    /// Merge an included makefile's rules and variables (the includer's win, as they are read
    /// after … except when they come first; close enough for following).
    fn absorb(&mut self, other: Makefile) {
        self.rules.extend(other.rules);
        for (k, v) in other.vars {
            self.vars.entry(k).or_insert(v);
        }
        if self.default_goal.is_none() {
            self.default_goal = other.default_goal;
        }
    }

    /// The rules that make `target`: explicit ones, else the first pattern rule that matches,
    /// with its stem.
    fn rules_for(&self, target: &str) -> Vec<(&Rule, Option<String>)> {
        let explicit: Vec<(&Rule, Option<String>)> = self
            .rules
            .iter()
            .filter(|r| {
                r.targets
                    .iter()
                    .any(|t| self.expand(t, &Auto::default()) == target)
            })
            .map(|r| (r, None))
            .collect();
        if !explicit.is_empty() {
            return explicit;
        }
        for r in &self.rules {
            for t in &r.targets {
                let t = self.expand(t, &Auto::default());
                if let Some((pre, post)) = t.split_once('%')
                    && !post.contains('%')
                    && target.len() > pre.len() + post.len()
                    && target.starts_with(pre)
                    && target.ends_with(post)
                {
                    let stem = &target[pre.len()..target.len() - post.len()];
                    return vec![(r, Some(stem.to_string()))];
                }
            }
        }
        Vec::new()
    }

    /// `text` with variable references replaced; functions and unknown variables left as
    /// written (an unknown one may come from the environment).
    pub(super) fn expand(&self, text: &str, auto: &Auto) -> String {
        let mut out = String::new();
        self.expand_into(text, auto, 0, &mut out);
        out
    }

    fn expand_into(&self, text: &str, auto: &Auto, depth: usize, out: &mut String) {
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if out.len() > MAX_EXPANDED {
                return;
            }
            if b[i] != b'$' {
                let next = text[i..].find('$').map_or(text.len(), |n| i + n);
                out.push_str(&text[i..next]);
                i = next;
                continue;
            }
            match b.get(i + 1) {
                Some(b'$') => {
                    out.push('$');
                    i += 2;
                }
                Some(open @ (b'(' | b'{')) => {
                    let close = if *open == b'(' { b')' } else { b'}' };
                    let mut level = 0usize;
                    let mut j = i + 1;
                    let mut end = None;
                    while j < b.len() {
                        if b[j] == *open {
                            level += 1;
                        } else if b[j] == close {
                            level -= 1;
                            if level == 0 {
                                end = Some(j);
                                break;
                            }
                        }
                        j += 1;
                    }
                    let Some(end) = end else {
                        out.push_str(&text[i..]);
                        return;
                    };
                    let inner = &text[i + 2..end];
                    let whole = &text[i..=end];
                    i = end + 1;
                    if inner.contains(char::is_whitespace)
                        || inner.contains(',')
                        || inner.contains(':')
                        || inner.contains('$')
                    {
                        // A function call or substitution reference: as written.
                        out.push_str(whole);
                        continue;
                    }
                    self.variable(inner, whole, auto, depth, out);
                }
                Some(c) => {
                    let name = (*c as char).to_string();
                    let whole = &text[i..i + 2];
                    i += 2;
                    self.variable(&name, whole, auto, depth, out);
                }
                None => {
                    out.push('$');
                    i += 1;
                }
            }
        }
    }

    fn variable(&self, name: &str, whole: &str, auto: &Auto, depth: usize, out: &mut String) {
        match name {
            "@" => out.push_str(&auto.target),
            "<" => out.push_str(auto.prereqs.first().map_or("", String::as_str)),
            "^" | "+" => out.push_str(&auto.prereqs.join(" ")),
            "*" => out.push_str(&auto.stem),
            "MAKE" => out.push_str("make"),
            _ => match self.vars.get(name) {
                Some(v) if depth < MAX_EXPANSION_DEPTH => self.expand_into(v, auto, depth + 1, out),
                _ => out.push_str(whole),
            },
        }
    }
}

/// The automatic variables of a rule being run.
#[derive(Debug, Default)]
pub(super) struct Auto {
    target: String,
    prereqs: Vec<String>,
    stem: String,
}

/// What `make [options] [targets]` asks for.
struct Invocation {
    /// `-n`, `-q`, `-t`, `--help`, `--version`: make prints, checks or touches, and runs no
    /// recipe.
    runs_nothing: bool,
    dir: Result<String, String>,
    file: Option<String>,
    targets: Vec<String>,
}

fn invocation(cwd: &str, args: &[String]) -> Invocation {
    let mut dir = Ok(cwd.to_string());
    let mut file = None;
    let mut targets = Vec::new();
    let mut runs_nothing = false;
    let mut i = 0;
    let change_dir = |dir: &mut Result<String, String>, d: &str| {
        if let Ok(current) = dir {
            *dir = if d.contains('$') {
                Err(format!("`-C {d}` names a variable"))
            } else if d.starts_with('/') {
                Err(format!("`-C {d}` is an absolute path"))
            } else {
                join(current, d).ok_or_else(|| format!("`-C {d}` leads outside the repository"))
            };
        }
    };
    while let Some(a) = args.get(i) {
        i += 1;
        match a.as_str() {
            "-C" | "--directory" => {
                if let Some(d) = args.get(i) {
                    change_dir(&mut dir, d);
                }
                i += 1;
            }
            "-f" | "--file" | "--makefile" => {
                file = args.get(i).cloned();
                i += 1;
            }
            "-I" | "--include-dir" | "-o" | "--old-file" | "-W" | "--what-if" | "--new-file"
            | "--assume-new" | "--assume-old" | "-l" | "--load-average" | "-O"
            | "--output-sync" => i += 1,
            "-j" | "--jobs" => {
                if args.get(i).is_some_and(|n| n.parse::<u32>().is_ok()) {
                    i += 1;
                }
            }
            "-n" | "--just-print" | "--dry-run" | "--recon" | "-q" | "--question" | "-t"
            | "--touch" | "-h" | "--help" | "-v" | "--version" => runs_nothing = true,
            // `-sn`: short options together; one that takes a value ends the group.
            a if a.starts_with('-')
                && !a.starts_with("--")
                && a[1..]
                    .chars()
                    .take_while(|c| !"CfIoWlOj".contains(*c))
                    .any(|c| "nqt".contains(c)) =>
            {
                runs_nothing = true;
            }
            a if a.starts_with("-C") && a.len() > 2 => change_dir(&mut dir, &a[2..]),
            a if a.starts_with("--directory=") => change_dir(&mut dir, &a["--directory=".len()..]),
            a if a.starts_with("-f") && a.len() > 2 => file = Some(a[2..].to_string()),
            a if a.starts_with("--file=") || a.starts_with("--makefile=") => {
                file = a.split_once('=').map(|(_, f)| f.to_string());
            }
            a if a.starts_with('-') => {}
            a if a.contains('=') => {}
            a => targets.push(a.to_string()),
        }
    }
    Invocation {
        runs_nothing,
        dir,
        file,
        targets,
    }
}

impl Follower<'_, '_> {
    /// `make [options] [targets]`, run in `ctx.cwd`.
    pub(super) fn make(&self, acc: &mut Acc, ctx: &Ctx, args: &[String]) -> Vec<Activity> {
        let inv = invocation(&ctx.cwd, args);
        if inv.runs_nothing {
            return Vec::new();
        }
        let dir = match inv.dir {
            Ok(d) => d,
            Err(why) => {
                acc.unresolved(UnresolvedKind::NotFollowed, &ctx.chain, why);
                return Vec::new();
            }
        };
        let path = match &inv.file {
            Some(f) if f.contains('$') || f.starts_with('/') => {
                acc.unresolved(
                    UnresolvedKind::NotFollowed,
                    &ctx.chain,
                    format!("`-f {f}` is not a path inside the repository"),
                );
                return Vec::new();
            }
            Some(f) => join(&dir, f),
            None => ["GNUmakefile", "makefile", "Makefile"]
                .iter()
                .filter_map(|n| join(&dir, n))
                .find(|p| self.repo.has(p)),
        };
        let Some(path) = path.filter(|p| self.repo.has(p)) else {
            let place = if dir.is_empty() {
                "the repository root"
            } else {
                &dir
            };
            acc.unresolved(
                UnresolvedKind::NotFollowed,
                &ctx.chain,
                format!("no Makefile in {place}"),
            );
            return Vec::new();
        };
        let Some(mk) = self.makefile(acc, &ctx.chain, &path, &dir) else {
            return Vec::new();
        };
        for f in &mk.files {
            acc.read(f);
        }
        let targets = if inv.targets.is_empty() {
            match &mk.value.default_goal {
                Some(g) => vec![g.clone()],
                None => {
                    acc.unresolved(
                        UnresolvedKind::NotFollowed,
                        &ctx.chain,
                        format!("{path} has no default target"),
                    );
                    return Vec::new();
                }
            }
        } else {
            inv.targets
        };
        let mut built = BTreeSet::new();
        let ctx = ctx.at(&dir);
        let mut out = Vec::new();
        for t in &targets {
            merge(&mut out, self.target(acc, &ctx, &mk, &path, t, &mut built));
        }
        out
    }

    /// One target: its prerequisites, then its recipe. `built` holds the targets this make
    /// run has already made (make makes each once), which also ends cycles.
    fn target(
        &self,
        acc: &mut Acc,
        ctx: &Ctx,
        mk: &Rc<Loaded<Makefile>>,
        path: &str,
        target: &str,
        built: &mut BTreeSet<String>,
    ) -> Vec<Activity> {
        if !built.insert(target.to_string()) || built.len() > 10_000 {
            return Vec::new();
        }
        let Some(inner) = ctx.enter(format!("make:{path}:{target}")) else {
            return Vec::new();
        };
        if inner.depth > super::MAX_DEPTH {
            acc.unresolved(
                UnresolvedKind::NotFollowed,
                &ctx.chain,
                format!(
                    "make target `{target}`: followed {} levels deep; not further",
                    super::MAX_DEPTH
                ),
            );
            return Vec::new();
        }
        let rules = mk.value.rules_for(target);
        if rules.is_empty() {
            let file = join(&ctx.cwd, target);
            if file.is_some_and(|f| self.repo.has(&f)) {
                return Vec::new(); // a file of the repository: nothing to run
            }
            let mut why = format!("no rule for target `{target}` in {path}");
            if let Some((l, reason)) = mk.unread.first() {
                why.push_str(&format!(
                    " (it may be in {}, which was not read: {reason})",
                    l.text
                ));
            }
            acc.unresolved(UnresolvedKind::NotFollowed, &ctx.chain, why);
            return Vec::new();
        }
        let mut out = Vec::new();
        for (rule, stem) in rules {
            let Some(file) = mk.files.get(rule.file) else {
                continue;
            };
            let here = inner.with(link(file, rule.line, &rule.header));
            let auto = Auto {
                target: target.to_string(),
                prereqs: Vec::new(),
                stem: stem.unwrap_or_default(),
            };
            let prereqs: Vec<String> = rule
                .prereqs
                .iter()
                .flat_map(|p| {
                    let expanded = mk.value.expand(p, &auto).replace('%', &auto.stem);
                    expanded
                        .split_whitespace()
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                })
                .filter(|p| !p.contains('$'))
                .collect();
            for p in &prereqs {
                merge(&mut out, self.target(acc, &here, mk, path, p, built));
            }
            let auto = Auto { prereqs, ..auto };
            // `.ONESHELL:`: the whole recipe is one `sh -c`, whose status is its last
            // command's; a `-` prefix ignores its failure.
            let oneshell = mk
                .value
                .rules
                .iter()
                .any(|r| r.targets.iter().any(|t| t == ".ONESHELL"));
            if oneshell && let Some((first, _)) = rule.recipe.first() {
                let mut script = String::new();
                let mut expected = *first;
                let mut ignored = false;
                for (line, text) in &rule.recipe {
                    while expected < *line {
                        script.push('\n');
                        expected += 1;
                    }
                    let expanded = mk.value.expand(text, &auto);
                    let command = expanded
                        .trim_start_matches(|c: char| "@-+".contains(c) || c.is_whitespace());
                    ignored |= expanded[..expanded.len() - command.len()].contains('-');
                    script.push_str(command);
                }
                let by_recipe = here.run_by(super::Shell::PLAIN);
                let found = self.block(acc, &by_recipe, file, *first, &script, Lang::Shell);
                let why = "make ignores the failure of a recipe with the `-` prefix, so it passes \
                           whatever the outcome";
                super::keep(acc, &mut out, found, ignored.then_some(why));
                continue;
            }
            for (line, text) in &rule.recipe {
                let expanded = mk.value.expand(text, &auto);
                let prefix: String = expanded
                    .chars()
                    .take_while(|c| "@-+".contains(*c) || c.is_whitespace())
                    .collect();
                let command = &expanded[prefix.len()..];
                // Each recipe line is `sh -c LINE`; make checks the line's status only.
                let by_line = here.run_by(super::Shell::PLAIN);
                let mut found = self.block(acc, &by_line, file, *line, command, Lang::Shell);
                if prefix.contains('-') {
                    // The recipe line is cited whole, prefix included.
                    for a in &mut found {
                        if let Some(l) = a.chain.get_mut(here.chain.len()) {
                            l.text = crate::collect::files::ci::clip(text.trim());
                        }
                    }
                }
                // `-cargo test`: make ignores the failure of the line.
                let why = "make ignores the failure of a line with the `-` prefix, so it passes \
                           whatever the outcome";
                super::keep(acc, &mut out, found, prefix.contains('-').then_some(why));
            }
        }
        out
    }

    /// A Makefile and what it includes, parsed once.
    fn makefile(
        &self,
        acc: &mut Acc,
        chain: &[crate::facts::files::Link],
        path: &str,
        dir: &str,
    ) -> Option<Rc<Loaded<Makefile>>> {
        if let Some(mk) = self.makefiles.borrow().get(path) {
            return Some(mk.clone());
        }
        let t = self.read(acc, chain, path)?;
        let mut files: Vec<FileRef> = vec![t.file.clone()];
        let mut mk = parse(&t.text, 0);
        let mut unread = Vec::new();
        let mut queue: Vec<(usize, Vec<Include>)> = vec![(0, std::mem::take(&mut mk.includes))];
        let mut seen: BTreeSet<String> = BTreeSet::from([path.to_string()]);
        while let Some((from, includes)) = queue.pop() {
            for (line, paths, optional) in includes {
                let at = link(&files[from], line, &format!("include {paths}"));
                for p in mk.expand(&paths, &Auto::default()).split_whitespace() {
                    let rel = if p.contains('$') || p.starts_with('/') {
                        None
                    } else {
                        join(dir, p)
                    };
                    let Some(rel) = rel.filter(|r| self.repo.has(r)) else {
                        if !optional {
                            unread.push((
                                at.clone(),
                                format!("`{p}` is not a file of the repository cargo-sdl can name"),
                            ));
                        }
                        continue;
                    };
                    if !seen.insert(rel.clone()) {
                        continue;
                    }
                    if seen.len() > MAX_INCLUDES + 1 {
                        unread.push((at.clone(), format!("more than {MAX_INCLUDES} includes")));
                        break;
                    }
                    let mut chain = chain.to_vec();
                    chain.push(at.clone());
                    let Some(inc) = self.read(acc, &chain, &rel) else {
                        unread.push((at.clone(), format!("{rel} could not be read")));
                        continue;
                    };
                    files.push(inc.file.clone());
                    let mut other = parse(&inc.text, files.len() - 1);
                    queue.push((files.len() - 1, std::mem::take(&mut other.includes)));
                    mk.absorb(other);
                }
            }
        }
        let loaded = Rc::new(Loaded {
            value: mk,
            files,
            unread,
        });
        self.makefiles
            .borrow_mut()
            .insert(path.to_string(), loaded.clone());
        Some(loaded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_recipes_variables_and_goals() {
        let text = "# comment\nCARGO ?= cargo\nFLAGS := --locked \\\n  --workspace\n.PHONY: all ci\nall: ci\n\nci: lint test ## help\n\t@echo ci\n\ntest:\n\t$(CARGO) test $(FLAGS) \\\n\t  --all-features\nlint: ; cargo clippy\nbuild/%.o: %.c\n\tcc -c $< -o $@\nfoo: VAR = 1\ndefine X\nnot: a rule\nendef\n";
        let mk = parse(text, 0);
        assert_eq!(mk.default_goal.as_deref(), Some("all"));
        assert_eq!(mk.vars["FLAGS"], "--locked  --workspace");
        let targets: Vec<&str> = mk.rules.iter().map(|r| r.targets[0].as_str()).collect();
        assert_eq!(
            targets,
            [".PHONY", "all", "ci", "test", "lint", "build/%.o"]
        );
        let ci = &mk.rules_for("ci")[0].0;
        assert_eq!(
            (ci.line, ci.prereqs.clone()),
            (8, vec!["lint".into(), "test".into()])
        );
        let test = &mk.rules_for("test")[0].0;
        assert_eq!(
            test.recipe,
            vec![(12, "$(CARGO) test $(FLAGS)  --all-features".into())]
        );
        assert_eq!(
            mk.expand(&test.recipe[0].1, &Auto::default()),
            "cargo test --locked  --workspace  --all-features"
        );
        assert_eq!(
            mk.rules_for("lint")[0].0.recipe,
            vec![(14, "cargo clippy".into())]
        );
        let (rule, stem) = &mk.rules_for("build/x.o")[0];
        assert_eq!((rule.line, stem.as_deref()), (15, Some("x")));
        assert!(mk.rules_for("foo").is_empty());
        assert!(mk.rules_for("not").is_empty());
    }

    #[test]
    fn branches_of_literally_false_conditionals_are_skipped() {
        let text = "ifeq (0,1)\ntest:\n\tcargo test\nelse\nlint:\n\tcargo clippy\nendif\n\
                    ifneq \"a\" \"a\"\nA = 1\naudit:\n\tcargo audit\nifdef X\nnested:\n\tcargo fuzz run x\nelse\nmore:\nendif\nendif\n\
                    fmt:\nifeq (yes,no)\n\tcargo fmt --check\nendif\n\techo fmt\n\
                    ifdef CI\nci:\n\tcargo nextest run\nelse\nlocal:\n\tcargo test\nendif\n\
                    ifeq ($(OS),Linux)\nlinux:\n\tcargo deny check\nendif\n\
                    ifeq (1,1)\nyes:\nelse ifeq (2,2)\nno:\nelse\nneither:\nendif\n";
        let mk = parse(text, 0);
        let targets: Vec<&str> = mk.rules.iter().map(|r| r.targets[0].as_str()).collect();
        // Conditions on variables are taken both ways (whether they hold is not known).
        assert_eq!(targets, ["lint", "fmt", "ci", "local", "linux", "yes"]);
        assert!(!mk.vars.contains_key("A"));
        assert_eq!(
            mk.rules_for("fmt")[0].0.recipe,
            vec![(23, "echo fmt".into())]
        );
        for (text, want) in [
            ("ifeq (a, a)", Some(true)),
            ("ifeq (a ,a)", Some(false)),
            ("ifneq 'x' 'y'", Some(true)),
            ("ifeq ($(A),)", None),
            ("ifdef A", None),
        ] {
            assert_eq!(literal_condition(text), want, "{text}");
        }
    }

    #[test]
    fn expansion_is_bounded_and_leaves_functions() {
        let mut text = String::from("A0 = x\n");
        for i in 1..40 {
            text.push_str(&format!("A{i} = $(A{})$(A{})\n", i - 1, i - 1));
        }
        text.push_str("SELF = $(SELF) more\n");
        let mk = parse(&text, 0);
        let out = mk.expand("$(A39)", &Auto::default());
        assert!(out.len() <= MAX_EXPANDED + 1024, "{}", out.len());
        assert!(mk.expand("$(SELF)", &Auto::default()).len() < 1024);
        assert_eq!(
            mk.expand(
                "$(call banner,x) $(UNKNOWN) $$HOME $(MAKE)",
                &Auto::default()
            ),
            "$(call banner,x) $(UNKNOWN) $HOME make"
        );
    }

    #[test]
    fn invocations() {
        let args = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        let inv = invocation("sub", &args("-j 4 -C boards/x -f Other.mk V=1 lint test"));
        assert_eq!(inv.dir, Ok("sub/boards/x".into()));
        assert_eq!(inv.file.as_deref(), Some("Other.mk"));
        assert_eq!(inv.targets, ["lint", "test"]);
        assert!(invocation("", &args("-C ../..")).dir.is_err());
        for dry in [
            "-n test",
            "--dry-run test",
            "-sn test",
            "-q all",
            "--touch x",
            "--version",
        ] {
            assert!(invocation("", &args(dry)).runs_nothing, "{dry}");
        }
        for runs in [
            "-s test",
            "-j4 test",
            "-Cnested test",
            "-k test",
            "-fn.mk test",
        ] {
            assert!(!invocation("", &args(runs)).runs_nothing, "{runs}");
        }
        assert!(invocation("", &args("-C $(ROOT)")).dir.is_err());
        assert_eq!(invocation("", &args("-Cdocs")).dir, Ok("docs".into()));
    }
}
