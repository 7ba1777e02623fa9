//! `cargo …` in a CI step: a cargo alias of `.cargo/config.toml`, `cargo xtask …` and
//! `cargo run -p xtask -- …` (the task runner read in `xtask`), `cargo make` recorded as not read.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::{Acc, Ctx, Follower, Loaded, basename, dir_of, merge};
use crate::collect::files::ci::{commands, commands::Command, link};
use crate::facts::files::{Activity, Link, UnresolvedKind};

/// `[alias]` of `.cargo/config.toml`: name → (words, line).
pub(super) type Aliases = BTreeMap<String, (Vec<String>, u32)>;

/// Cargo's own commands (and their one-letter aliases): never user aliases.
const CARGO_BUILTINS: &[&str] = &[
    "add",
    "b",
    "bench",
    "build",
    "c",
    "check",
    "clean",
    "config",
    "d",
    "doc",
    "fetch",
    "fix",
    "generate-lockfile",
    "help",
    "info",
    "init",
    "install",
    "locate-project",
    "login",
    "logout",
    "metadata",
    "new",
    "owner",
    "package",
    "pkgid",
    "publish",
    "r",
    "remove",
    "report",
    "rm",
    "run",
    "rustc",
    "rustdoc",
    "search",
    "t",
    "test",
    "tree",
    "uninstall",
    "update",
    "vendor",
    "verify-project",
    "version",
    "yank",
];

/// One of cargo's own commands, which no alias replaces.
pub(super) fn is_builtin(sub: &str) -> bool {
    CARGO_BUILTINS.contains(&sub)
}

impl Follower<'_, '_> {
    /// `cargo …`: an alias of `.cargo/config.toml`, `cargo xtask …`, `cargo run -p xtask`.
    pub(super) fn cargo(&self, acc: &mut Acc, ctx: &Ctx, args: &[String]) -> Vec<Activity> {
        let mut i = 0;
        while let Some(a) = args.get(i) {
            match a.as_str() {
                "--color" | "--config" | "-Z" | "-C" => i += 2,
                a if a.starts_with('+') || a.starts_with('-') => i += 1,
                _ => break,
            }
        }
        let Some(sub) = args.get(i) else {
            return Vec::new();
        };
        let rest = &args[i + 1..];
        match sub.as_str() {
            "xtask" => return self.xtask(acc, ctx, "xtask", rest),
            "run" | "r" => {
                if let Some((package, task_args)) = xtask_run(rest) {
                    return self.xtask(acc, ctx, &package, &task_args);
                }
                return Vec::new();
            }
            "make" => {
                acc.unresolved(
                    UnresolvedKind::NotFollowed,
                    &ctx.chain,
                    "cargo-make tasks (Makefile.toml) are not read".to_string(),
                );
                return Vec::new();
            }
            s if CARGO_BUILTINS.contains(&s) => return Vec::new(),
            _ => {}
        }
        let aliases = self.aliases(acc, &ctx.chain);
        let Some((words, line)) = aliases.value.get(sub.as_str()) else {
            return Vec::new();
        };
        for f in &aliases.files {
            acc.read(f);
        }
        let Some(config) = aliases.files.first() else {
            return Vec::new();
        };
        let Some(inner) = ctx.enter(format!("alias:{sub}")) else {
            return Vec::new();
        };
        let mut expanded: Vec<String> = words.clone();
        expanded.extend(rest.iter().cloned());
        let text = format!("{sub} = \"{}\"", words.join(" "));
        let inner = inner.with(link(config, *line, &text));
        let synthetic = Command {
            text: format!("cargo {}", expanded.join(" ")),
            words: std::iter::once("cargo".to_string())
                .chain(expanded.iter().cloned())
                .collect(),
            ..Command::default()
        };
        let mut out = Vec::new();
        // An alias may name another alias (cargo expands it in turn), or the tool itself
        // (`clippy = "clippy --all-targets"`, which cargo runs as the tool).
        let again = expanded
            .first()
            .is_some_and(|s| !is_builtin(s) && s != sub && aliases.value.contains_key(s));
        if !again {
            for (kind, unsure) in commands::judge(&synthetic) {
                match unsure {
                    Some(why) => acc.undecided(kind, &inner.chain, why),
                    None => out.push(Activity {
                        kind,
                        chain: inner.chain.clone(),
                    }),
                }
            }
        }
        merge(&mut out, self.cargo(acc, &inner, &expanded));
        out
    }

    /// The cargo aliases of the repository's `.cargo/config.toml` (or `.cargo/config`).
    pub(super) fn aliases(&self, acc: &mut Acc, chain: &[Link]) -> Rc<Loaded<Aliases>> {
        if let Some(a) = self.aliases.borrow().as_ref() {
            return a.clone();
        }
        let mut loaded = Loaded {
            value: Aliases::new(),
            files: Vec::new(),
            unread: Vec::new(),
        };
        let path = [".cargo/config.toml", ".cargo/config"]
            .into_iter()
            .find(|p| self.repo.has(p));
        if let Some(path) = path
            && let Some(t) = self.read(acc, chain, path)
        {
            loaded.value = parse_aliases(&t.text);
            loaded.files.push(t.file);
        }
        let loaded = Rc::new(loaded);
        *self.aliases.borrow_mut() = Some(loaded.clone());
        loaded
    }
}

/// `cargo run -p xtask [--] args`: the package (when it is a task runner) and its arguments.
pub(super) fn xtask_run(args: &[String]) -> Option<(String, Vec<String>)> {
    let mut package = None;
    let mut i = 0;
    let mut task_args = Vec::new();
    while let Some(a) = args.get(i) {
        match a.as_str() {
            "--" => {
                task_args = args[i + 1..].to_vec();
                break;
            }
            "-p" | "--package" | "--bin" => {
                package = args.get(i + 1).cloned();
                i += 2;
            }
            "--manifest-path" => {
                package = args
                    .get(i + 1)
                    .map(|m| basename(dir_of(m.trim_end_matches('/'))).to_string());
                i += 2;
            }
            a if a.starts_with("--package=") || a.starts_with("--bin=") => {
                package = a.split_once('=').map(|(_, p)| p.to_string());
                i += 1;
            }
            "--features" | "-F" | "--target" | "--profile" | "-j" | "--jobs" | "--example"
            | "--target-dir" | "--color" | "--config" | "-Z" => i += 2,
            _ => i += 1,
        }
    }
    let package = package?;
    let runner = package == "xtask"
        || package.ends_with("-xtask")
        || package.ends_with("_xtask")
        || package == "xtasks";
    runner.then_some((package, task_args))
}

/// The `[alias]` table of a cargo configuration, with each alias's line.
pub(super) fn parse_aliases(text: &str) -> Aliases {
    let mut out = Aliases::new();
    let Ok(doc) = text.parse::<toml::Table>() else {
        return out;
    };
    let Some(table) = doc.get("alias").and_then(toml::Value::as_table) else {
        return out;
    };
    for (name, value) in table {
        let words: Vec<String> = match value {
            toml::Value::String(s) => s.split_whitespace().map(str::to_string).collect(),
            toml::Value::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            _ => continue,
        };
        if words.is_empty() {
            continue;
        }
        out.insert(name.clone(), (words, alias_line(text, name)));
    }
    out
}

/// The line of `name = …` under `[alias]` (1 when it cannot be told).
fn alias_line(text: &str, name: &str) -> u32 {
    let mut in_alias = false;
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if t.starts_with('[') {
            in_alias = t.trim_start_matches('[').trim_start().starts_with("alias");
            continue;
        }
        let key = t
            .split('=')
            .next()
            .unwrap_or_default()
            .trim()
            .trim_matches(['"', '\'']);
        if in_alias && key == name {
            return u32::try_from(i + 1).unwrap_or(u32::MAX);
        }
    }
    1
}
