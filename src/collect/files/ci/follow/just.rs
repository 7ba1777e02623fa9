//! `just` recipes: a recipe's dependencies, then its body, line by line (or as one script
//! under a `#!` line). Simple variables (`name := 'value'`) are interpolated in `{{name}}`;
//! anything else in `{{ }}` stays as written. `import` is followed; modules are not.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::{Acc, Ctx, Follower, Lang, Loaded, dir_of, join, merge};
use crate::collect::files::ci::link;
use crate::facts::FileRef;
use crate::facts::files::{Activity, Link, UnresolvedKind};

/// Imported justfiles read per justfile, all levels together.
const MAX_IMPORTS: usize = 8;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Recipe {
    /// Index of the file (in [`Loaded::files`]).
    pub file: usize,
    pub line: u32,
    pub header: String,
    pub name: String,
    /// The recipe takes parameters, so the words after it on the command line are its
    /// arguments, not more recipes.
    pub params: bool,
    pub deps: Vec<String>,
    /// Body lines: (line, text without indentation).
    pub body: Vec<(u32, String)>,
    /// The body is one script for this interpreter (`#!/usr/bin/env python3`).
    pub shebang: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Justfile {
    pub recipes: Vec<Recipe>,
    pub vars: BTreeMap<String, String>,
    pub aliases: BTreeMap<String, String>,
    /// `import` lines: (line, path, optional).
    pub imports: Vec<(u32, String, bool)>,
}

fn unquote(v: &str) -> Option<String> {
    let v = v.trim();
    for q in ['\'', '"'] {
        if let Some(inner) = v.strip_prefix(q).and_then(|r| r.strip_suffix(q))
            && !inner.contains(q)
        {
            return Some(inner.to_string());
        }
    }
    None
}

/// Parse a justfile. Never fails: lines it does not understand are skipped.
pub(super) fn parse(text: &str, file: usize) -> Justfile {
    let mut jf = Justfile::default();
    let mut current: Option<usize> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if raw.starts_with([' ', '\t']) {
            if let Some(r) = current {
                let body = raw.trim_start();
                let recipe = &mut jf.recipes[r];
                if recipe.body.is_empty() && body.starts_with("#!") {
                    recipe.shebang = Some(body.to_string());
                } else if !body.is_empty() {
                    recipe.body.push((line, body.to_string()));
                }
            }
            continue;
        }
        let t = raw.trim();
        if t.is_empty() {
            continue;
        }
        current = None;
        if t.starts_with('#')
            || t.starts_with('[')
            || t.starts_with("set ")
            || t.starts_with("mod ")
        {
            continue;
        }
        for (kw, optional) in [("import?", true), ("import", false)] {
            if let Some(rest) = t.strip_prefix(kw)
                && rest.starts_with([' ', '\'', '"'])
            {
                if let Some(p) = unquote(rest) {
                    jf.imports.push((line, p, optional));
                }
                break;
            }
        }
        if t.starts_with("import") {
            continue;
        }
        if let Some(rest) = t.strip_prefix("alias ") {
            if let Some((a, target)) = rest.split_once(":=") {
                jf.aliases
                    .insert(a.trim().to_string(), target.trim().to_string());
            }
            continue;
        }
        let decl = t.strip_prefix("export ").unwrap_or(t);
        if let Some((name, value)) = decl.split_once(":=")
            && !name.contains(':')
            && !name.trim().contains(' ')
        {
            if let Some(v) = unquote(value) {
                jf.vars.insert(name.trim().to_string(), v);
            }
            continue;
        }
        // A recipe: `[@]name params… : deps…`, the colon outside quotes and not `:=`.
        let Some(colon) = recipe_colon(t) else {
            continue;
        };
        let mut head = t[..colon].split_whitespace();
        let Some(name) = head.next().map(|n| n.trim_start_matches('@').to_string()) else {
            continue;
        };
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            continue;
        }
        let params = head.next().is_some();
        let deps = t[colon + 1..]
            .replace(['(', ')'], " ( ")
            .split_whitespace()
            .scan(false, |in_call, w| {
                // `(dep arg)`: the first word after the parenthesis is the dependency.
                let dep = match w {
                    "(" => {
                        *in_call = true;
                        None
                    }
                    ")" => {
                        *in_call = false;
                        None
                    }
                    "&&" => None,
                    w if *in_call => {
                        *in_call = false;
                        Some(w.to_string())
                    }
                    w if w.starts_with(['"', '\'']) || w.contains("{{") => None,
                    w => Some(w.to_string()),
                };
                Some(dep)
            })
            .flatten()
            .collect();
        jf.recipes.push(Recipe {
            file,
            line,
            header: t.to_string(),
            name,
            params,
            deps,
            body: Vec::new(),
            shebang: None,
        });
        current = Some(jf.recipes.len() - 1);
    }
    jf
}

/// The colon that ends a recipe header.
fn recipe_colon(t: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in t.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, ':') if !t[i + 1..].starts_with('=') => return Some(i),
            _ => {}
        }
    }
    None
}

impl Justfile {
    fn recipe(&self, name: &str) -> Option<&Recipe> {
        let name = self.aliases.get(name).map_or(name, String::as_str);
        self.recipes.iter().find(|r| r.name == name)
    }

    /// `{{name}}` replaced by simple variables; other interpolations stay.
    fn interpolate(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                out.push_str(&rest[start..]);
                return out;
            };
            let inner = after[..end].trim();
            match self.vars.get(inner) {
                Some(v) => out.push_str(v),
                None => out.push_str(&rest[start..start + 2 + end + 2]),
            }
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        out
    }
}

const NAMES: &[&str] = &["justfile", "Justfile", ".justfile", "JUSTFILE"];

impl Follower<'_, '_> {
    /// `just [options] [recipes or recipe and arguments]`, run in `ctx.cwd`.
    pub(super) fn just(&self, acc: &mut Acc, ctx: &Ctx, args: &[String]) -> Vec<Activity> {
        let mut file = None;
        let mut words = Vec::new();
        let mut i = 0;
        while let Some(a) = args.get(i) {
            i += 1;
            match a.as_str() {
                "-f" | "--justfile" => {
                    file = args.get(i).cloned();
                    i += 1;
                }
                "-d"
                | "--working-directory"
                | "--dotenv-path"
                | "--dotenv-filename"
                | "--shell"
                | "--shell-arg"
                | "--color"
                | "--command-color"
                | "--chooser" => i += 1,
                "--set" => i += 2,
                "-l" | "--list" | "--summary" | "--show" | "-s" | "--evaluate" | "--fmt"
                | "--dump" | "--variables" | "--init" | "--edit" | "-e" | "--choose"
                | "--groups" | "--check" | "--completions" | "--help" | "-h" | "--version"
                | "-V" | "-n" | "--dry-run" => return Vec::new(),
                a if a.starts_with('-') => {}
                a => words.push(a.to_string()),
            }
        }
        let path = match file {
            Some(f) if f.contains('$') || f.starts_with('/') => None,
            Some(f) => join(&ctx.cwd, &f),
            None => {
                // just looks in the working directory, then in each parent.
                let mut dir = Some(ctx.cwd.clone());
                let mut found = None;
                while let Some(d) = dir {
                    found = NAMES
                        .iter()
                        .filter_map(|n| join(&d, n))
                        .find(|p| self.repo.has(p));
                    if found.is_some() || d.is_empty() {
                        break;
                    }
                    dir = Some(dir_of(&d).to_string());
                }
                found
            }
        };
        let Some(path) = path.filter(|p| self.repo.has(p)) else {
            acc.unresolved(
                UnresolvedKind::NotFollowed,
                &ctx.chain,
                "no justfile in the working directory or above".into(),
            );
            return Vec::new();
        };
        let Some(jf) = self.justfile(acc, &ctx.chain, &path) else {
            return Vec::new();
        };
        for f in &jf.files {
            acc.read(f);
        }
        let mut recipes = Vec::new();
        let mut rest = words.iter();
        match rest.next() {
            None => match jf.value.recipes.first() {
                Some(r) => recipes.push(r.name.clone()),
                None => {
                    acc.unresolved(
                        UnresolvedKind::NotFollowed,
                        &ctx.chain,
                        format!("{path} has no recipe"),
                    );
                    return Vec::new();
                }
            },
            Some(first) => {
                recipes.push(first.clone());
                // Recipes without parameters may be followed by more recipes.
                let mut takes_args = jf.value.recipe(first).is_some_and(|r| r.params);
                for w in rest {
                    if takes_args {
                        break;
                    }
                    match jf.value.recipe(w) {
                        Some(r) => {
                            takes_args = r.params;
                            recipes.push(w.clone());
                        }
                        None => break,
                    }
                }
            }
        }
        let mut done = BTreeSet::new();
        let mut out = Vec::new();
        for r in &recipes {
            merge(&mut out, self.recipe(acc, ctx, &jf, &path, r, &mut done));
        }
        out
    }

    fn recipe(
        &self,
        acc: &mut Acc,
        ctx: &Ctx,
        jf: &Rc<Loaded<Justfile>>,
        path: &str,
        name: &str,
        done: &mut BTreeSet<String>,
    ) -> Vec<Activity> {
        if !done.insert(name.to_string()) {
            return Vec::new();
        }
        let Some(r) = jf.value.recipe(name) else {
            let mut why = if name.contains("::") {
                format!("`{name}` is a recipe of a just module, which is not read")
            } else {
                format!("no recipe `{name}` in {path}")
            };
            if let Some((l, reason)) = jf.unread.first() {
                why.push_str(&format!(" (it may be in {}, not read: {reason})", l.text));
            }
            acc.unresolved(UnresolvedKind::NotFollowed, &ctx.chain, why);
            return Vec::new();
        };
        let Some(inner) = ctx.enter(format!("just:{path}:{}", r.name)) else {
            return Vec::new();
        };
        let Some(file) = jf.files.get(r.file) else {
            return Vec::new();
        };
        // Recipes run in the justfile's directory.
        let here = inner.with(link(file, r.line, &r.header)).at(dir_of(path));
        let mut out = Vec::new();
        for d in &r.deps {
            merge(&mut out, self.recipe(acc, &here, jf, path, d, done));
        }
        match &r.shebang {
            Some(shebang) => {
                let Some((first, _)) = r.body.first() else {
                    return out;
                };
                let mut text = String::new();
                let mut expected = *first;
                for (line, body) in &r.body {
                    while expected < *line {
                        text.push('\n');
                        expected += 1;
                    }
                    text.push_str(&jf.value.interpolate(body));
                }
                let other = ["python", "ruby", "perl", "node"]
                    .iter()
                    .any(|i| shebang.contains(i));
                let lang = if other { Lang::Other } else { Lang::Shell };
                // A `#!` recipe is a script file: its own shell, by its line.
                let script = here.run_by(super::Shell::of_script(&format!("{shebang}\n")));
                merge(
                    &mut out,
                    self.block(acc, &script, file, *first, &text, lang),
                );
            }
            None => {
                for (line, body) in &r.body {
                    let command = jf.value.interpolate(body);
                    let prefix = command.len() - command.trim_start_matches(['@', '-']).len();
                    let (prefix, command) = command.split_at(prefix);
                    // `sh -cu LINE` per line; just checks the line's status only.
                    let found = self.block(
                        acc,
                        &here.run_by(super::Shell::PLAIN),
                        file,
                        *line,
                        command,
                        Lang::Shell,
                    );
                    // `-cargo test`: just goes on whatever the line's status.
                    let why = "just ignores the failure of a line with the `-` prefix, so it \
                               passes whatever the outcome";
                    super::keep(acc, &mut out, found, prefix.contains('-').then_some(why));
                }
            }
        }
        out
    }

    fn justfile(&self, acc: &mut Acc, chain: &[Link], path: &str) -> Option<Rc<Loaded<Justfile>>> {
        if let Some(j) = self.justfiles.borrow().get(path) {
            return Some(j.clone());
        }
        let t = self.read(acc, chain, path)?;
        let mut files: Vec<FileRef> = vec![t.file.clone()];
        let mut jf = parse(&t.text, 0);
        let mut unread = Vec::new();
        let mut queue = vec![(0usize, std::mem::take(&mut jf.imports))];
        let mut seen = BTreeSet::from([path.to_string()]);
        while let Some((from, imports)) = queue.pop() {
            let dir = dir_of(&files[from].path).to_string();
            for (line, p, optional) in imports {
                let at = link(&files[from], line, &format!("import '{p}'"));
                let Some(rel) = join(&dir, &p).filter(|r| !p.starts_with('/') && self.repo.has(r))
                else {
                    if !optional {
                        unread.push((at, format!("`{p}` is not a file of the repository")));
                    }
                    continue;
                };
                if !seen.insert(rel.clone()) {
                    continue;
                }
                if seen.len() > MAX_IMPORTS + 1 {
                    unread.push((at, format!("more than {MAX_IMPORTS} imports")));
                    break;
                }
                let mut chain = chain.to_vec();
                chain.push(at.clone());
                let Some(inc) = self.read(acc, &chain, &rel) else {
                    unread.push((at, format!("{rel} could not be read")));
                    continue;
                };
                files.push(inc.file.clone());
                let mut other = parse(&inc.text, files.len() - 1);
                queue.push((files.len() - 1, std::mem::take(&mut other.imports)));
                jf.recipes.extend(other.recipes);
                for (k, v) in other.vars {
                    jf.vars.entry(k).or_insert(v);
                }
                for (k, v) in other.aliases {
                    jf.aliases.entry(k).or_insert(v);
                }
            }
        }
        let loaded = Rc::new(Loaded {
            value: jf,
            files,
            unread,
        });
        self.justfiles
            .borrow_mut()
            .insert(path.to_string(), loaded.clone());
        Some(loaded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipes_dependencies_and_bodies() {
        let text = "set shell := [\"bash\", \"-c\"]\nflags := '--locked'\nalias t := test\n\n# the default\ndefault: lint test\n\n[private]\nlint:\n    cargo clippy {{flags}} -- -D warnings\n\ntest *args: (build \"x\") && done\n    @cargo test {{flags}} {{args}}\n\nbuild target:\n  echo {{target}}\ndone:\npy:\n    #!/usr/bin/env python3\n    print('cargo test')\n";
        let jf = parse(text, 0);
        let names: Vec<&str> = jf.recipes.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["default", "lint", "test", "build", "done", "py"]);
        assert_eq!(jf.recipes[0].deps, ["lint", "test"]);
        let test = jf.recipe("t").unwrap();
        assert!(test.params);
        assert_eq!(test.deps, ["build", "done"]);
        assert_eq!(
            test.body,
            vec![(13, "@cargo test {{flags}} {{args}}".into())]
        );
        assert_eq!(
            jf.interpolate(&test.body[0].1),
            "@cargo test --locked {{args}}"
        );
        assert_eq!(jf.recipe("lint").unwrap().line, 9);
        let py = jf.recipe("py").unwrap();
        assert!(py.shebang.as_deref().unwrap().contains("python3"));
        assert_eq!(py.body.len(), 1);
    }
}
