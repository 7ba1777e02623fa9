//! Rust tool configuration: the toolchain pin, cargo-deny / cargo-audit, lints, the
//! `unsafe_code` policy of every workspace crate, and fuzz targets.

use std::sync::LazyLock;

use regex::Regex;

use super::Repo;
use crate::facts::FileRef;
use crate::facts::files::{CrateRoot, LintTable, Lints, ToolConfig, Toolchain, WorkspaceCrate};

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("invalid built-in pattern {pattern}: {e}"))
}

/// ASCII digits: `\d` is any Unicode digit, and rustup reads no `١.٨٨` channel.
static PINNED_CHANNEL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?:[0-9]+\.[0-9]+(?:\.[0-9]+)?|(?:stable|beta|nightly)-[0-9]{4}-[0-9]{2}-[0-9]{2})$")
});
static UNSAFE_ATTRIBUTE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*#!\[\s*(forbid|deny)\s*\(([^)\]]*)\)\s*\]"));
static CLIPPY_ATTRIBUTE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*#!\[\s*(?:forbid|deny|warn)\s*\([^)\]]*clippy::"));
static FUZZ_TARGET: LazyLock<Regex> = LazyLock::new(|| re(r"(?:^|/)fuzz/fuzz_targets/[^/]+\.rs$"));

const MAX_FUZZ_TARGETS: usize = 200;

pub(super) fn toolchain(repo: &Repo<'_>) -> Option<Toolchain> {
    // rustup looks from the workspace's folder upwards, preferring the legacy name.
    let path = repo.nearest(&["rust-toolchain", "rust-toolchain.toml"])?;
    let path = path.as_str();
    Some(match repo.read(path) {
        Ok(t) => {
            let channel = match toml::from_str::<toml::Table>(&t.text) {
                Ok(table) => table
                    .get("toolchain")
                    .and_then(|tc| tc.get("channel"))
                    .and_then(|c| c.as_str())
                    .map(str::to_string),
                // The legacy file is a bare channel name.
                Err(_) if !path.ends_with(".toml") => t
                    .text
                    .lines()
                    .map(str::trim)
                    .find(|l| !l.is_empty())
                    .map(str::to_string),
                Err(e) => {
                    repo.problem(path, format!("not valid TOML: {}", e.message()));
                    None
                }
            };
            Toolchain {
                file: t.file,
                pinned: channel
                    .as_deref()
                    .is_some_and(|c| PINNED_CHANNEL.is_match(c)),
                channel,
                not_analysed: None,
            }
        }
        Err(e) => Toolchain {
            file: e.file.unwrap_or(FileRef {
                path: path.to_string(),
                sha256: String::new(),
            }),
            channel: None,
            pinned: false,
            not_analysed: Some(e.reason),
        },
    })
}

pub(super) fn dependency_policy(repo: &Repo<'_>) -> Vec<ToolConfig> {
    let candidates = [
        ("cargo-deny", "deny.toml"),
        ("cargo-deny", ".deny.toml"),
        ("cargo-deny", ".cargo/deny.toml"),
        ("cargo-audit", "audit.toml"),
        ("cargo-audit", ".cargo/audit.toml"),
    ];
    candidates
        .iter()
        .filter_map(|(tool, name)| Some((tool, repo.nearest(&[name])?)))
        .filter_map(|(tool, path)| {
            let path = path.as_str();
            let t = repo.read(path).ok()?;
            let sections = match toml::from_str::<toml::Table>(&t.text) {
                Ok(table) => table.keys().cloned().collect(),
                Err(e) => {
                    repo.problem(path, format!("not valid TOML: {}", e.message()));
                    vec![]
                }
            };
            Some(ToolConfig {
                tool: tool.to_string(),
                file: t.file,
                sections,
            })
        })
        .collect()
}

pub(super) fn fuzz_targets(repo: &Repo<'_>) -> Vec<FileRef> {
    repo.scoped()
        .filter(|f| FUZZ_TARGET.is_match(f))
        .take(MAX_FUZZ_TARGETS)
        .filter_map(|f| repo.file_ref(f).ok())
        .collect()
}

/// The line of the first `[table]` / `[table.x]` header.
fn header_line(text: &str, table: &str) -> Option<u32> {
    text.lines()
        .position(|l| {
            let l = l.trim();
            l == format!("[{table}]") || l.starts_with(&format!("[{table}."))
        })
        .and_then(|i| u32::try_from(i + 1).ok())
}

fn lint_level(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Table(t) => t.get("level").and_then(|l| l.as_str()).map(str::to_string),
        _ => None,
    }
}

fn tools(table: &toml::Value) -> Vec<String> {
    table
        .as_table()
        .map(|t| t.keys().filter(|k| *k != "workspace").cloned().collect())
        .unwrap_or_default()
}

/// A workspace member: its directory (`""` for the root, else ending in `/`) and manifest.
struct Member {
    dir: String,
    manifest: toml::Table,
    file: FileRef,
}

pub(super) fn lints_and_crates(repo: &Repo<'_>) -> (Lints, Vec<WorkspaceCrate>) {
    let mut lints = Lints {
        clippy_config: repo
            .nearest(&["clippy.toml", ".clippy.toml"])
            .and_then(|p| repo.file_ref(&p).ok()),
        ..Lints::default()
    };
    let manifest = repo.in_workspace("Cargo.toml");
    if !repo.has(&manifest) {
        return (lints, vec![]);
    }
    let Ok(root_text) = repo.read(&manifest) else {
        return (lints, vec![]);
    };
    let root: toml::Table = match toml::from_str(&root_text.text) {
        Ok(t) => t,
        Err(e) => {
            repo.problem(&manifest, format!("not valid TOML: {}", e.message()));
            return (lints, vec![]);
        }
    };
    let workspace_unsafe = root
        .get("workspace")
        .and_then(|w| w.get("lints"))
        .and_then(|l| l.get("rust"))
        .and_then(|r| r.get("unsafe_code"))
        .and_then(lint_level);
    if let Some(wl) = root.get("workspace").and_then(|w| w.get("lints")) {
        lints.tables.push(LintTable {
            file: root_text.file.clone(),
            table: "workspace.lints".into(),
            tools: tools(wl),
            line: header_line(&root_text.text, "workspace.lints"),
        });
    }

    let mut members = Vec::new();
    if root.contains_key("package") {
        members.push(Member {
            dir: repo.prefix.clone(),
            manifest: root.clone(),
            file: root_text.file.clone(),
        });
    }
    for dir in member_dirs(repo, &root) {
        let path = format!("{dir}Cargo.toml");
        let Ok(t) = repo.read(&path) else { continue };
        match toml::from_str::<toml::Table>(&t.text) {
            Ok(manifest) => members.push(Member {
                dir,
                manifest,
                file: t.file,
            }),
            Err(e) => repo.problem(&path, format!("not valid TOML: {}", e.message())),
        }
    }

    let mut crates = Vec::new();
    for m in members {
        let text = if m.dir == repo.prefix {
            Some(root_text.text.clone())
        } else {
            repo.read(&m.file.path).ok().map(|t| t.text)
        };
        let own = m.manifest.get("lints");
        let inherits = own
            .and_then(|l| l.get("workspace"))
            .and_then(|w| w.as_bool())
            .unwrap_or(false);
        if let Some(own) = own
            && !tools(own).is_empty()
        {
            lints.tables.push(LintTable {
                file: m.file.clone(),
                table: "lints".into(),
                tools: tools(own),
                line: text.as_deref().and_then(|t| header_line(t, "lints")),
            });
        }
        let level = if inherits {
            workspace_unsafe.clone()
        } else {
            own.and_then(|l| l.get("rust"))
                .and_then(|r| r.get("unsafe_code"))
                .and_then(lint_level)
        };
        let table = if inherits { "workspace.lints" } else { "lints" };
        let manifest_lint_table = level.as_ref().map(|_| table.to_string());
        let roots = crate_roots(repo, &m)
            .into_iter()
            .map(|path| crate_root(repo, &path, &mut lints))
            .collect();
        let name = m
            .manifest
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| repo.local(&m.dir).trim_end_matches('/').to_string());
        crates.push(WorkspaceCrate {
            name,
            manifest: m.file,
            manifest_lint: level,
            manifest_lint_table,
            roots,
            not_analysed: None,
        });
    }
    (lints, crates)
}

/// Directories of `[workspace] members` (globs as cargo reads them) minus `exclude`.
fn member_dirs(repo: &Repo<'_>, root: &toml::Table) -> Vec<String> {
    let Some(ws) = root.get("workspace") else {
        return vec![];
    };
    let strings = |key: &str| -> Vec<String> {
        ws.get(key)
            .and_then(|m| m.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .map(|s| s.trim_start_matches("./").trim_end_matches('/').to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let patterns = strings("members");
    let exclude = strings("exclude");
    let matchers: Vec<globset::GlobMatcher> = patterns
        .iter()
        .filter(|p| !p.is_empty() && *p != ".")
        .filter_map(
            |p| match globset::GlobBuilder::new(p).literal_separator(true).build() {
                Ok(g) => Some(g.compile_matcher()),
                Err(e) => {
                    repo.problem(
                        &repo.in_workspace("Cargo.toml"),
                        format!("workspace member `{p}`: {e}"),
                    );
                    None
                }
            },
        )
        .collect();
    // Member globs are relative to the workspace's folder; the result is repository paths.
    let prefix = repo.prefix.as_str();
    let mut dirs: Vec<String> = repo
        .under(prefix)
        .map(|f| &f[prefix.len()..])
        .filter_map(|f| f.strip_suffix("/Cargo.toml"))
        .filter(|dir| matchers.iter().any(|m| m.is_match(dir)))
        .filter(|dir| {
            !exclude
                .iter()
                .any(|e| *dir == e || dir.starts_with(&format!("{e}/")))
        })
        .map(|dir| format!("{prefix}{dir}/"))
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

/// lib.rs, main.rs and src/bin/ targets of a member, as cargo would find them.
fn crate_roots(repo: &Repo<'_>, m: &Member) -> Vec<String> {
    let path_of = |t: &toml::Value| t.get("path").and_then(|p| p.as_str()).map(str::to_string);
    let mut roots = Vec::new();
    let lib = m.manifest.get("lib").and_then(path_of);
    roots.push(lib.unwrap_or_else(|| "src/lib.rs".into()));
    let bins: Vec<String> = m
        .manifest
        .get("bin")
        .and_then(|b| b.as_array())
        .map(|a| a.iter().filter_map(path_of).collect())
        .unwrap_or_default();
    roots.extend(bins);
    roots.push("src/main.rs".into());
    let mut out: Vec<String> = roots
        .into_iter()
        .map(|r| format!("{}{}", m.dir, r.trim_start_matches("./")))
        .filter(|p| repo.has(p))
        .collect();
    let bin_dir = format!("{}src/bin/", m.dir);
    out.extend(
        repo.under(&bin_dir)
            .filter(|f| {
                let rest = &f[bin_dir.len()..];
                (!rest.contains('/') && rest.ends_with(".rs"))
                    || rest.split_once('/').is_some_and(|(_, r)| r == "main.rs")
            })
            .cloned(),
    );
    out.sort();
    out.dedup();
    out
}

fn crate_root(repo: &Repo<'_>, path: &str, lints: &mut Lints) -> CrateRoot {
    match repo.read(path) {
        Ok(t) => {
            let mut unsafe_code = None;
            let mut line = None;
            for (i, l) in t.text.lines().enumerate() {
                // Cheap filter before the regular expressions: most lines are not attributes.
                if !l.contains("#!") {
                    continue;
                }
                let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
                if let Some(c) = UNSAFE_ATTRIBUTE.captures(l)
                    && c[2].split(',').any(|lint| lint.trim() == "unsafe_code")
                    && unsafe_code.as_deref() != Some("forbid")
                {
                    unsafe_code = Some(c[1].to_string());
                    line = Some(n);
                }
                if CLIPPY_ATTRIBUTE.is_match(l) && lints.attributes.len() < 50 {
                    lints.attributes.push(t.file.at_line(n));
                }
            }
            CrateRoot {
                file: t.file,
                unsafe_code,
                line,
                not_analysed: None,
            }
        }
        Err(e) => CrateRoot {
            file: e.file.unwrap_or(FileRef {
                path: path.to_string(),
                sha256: String::new(),
            }),
            unsafe_code: None,
            line: None,
            not_analysed: Some(e.reason),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_channels() {
        for (c, want) in [
            ("1.88.0", true),
            ("1.88", true),
            ("nightly-2026-01-02", true),
            ("stable", false),
            ("nightly", false),
            ("\u{661}.\u{668}\u{668}", false),
            ("nightly-\u{662}\u{660}\u{662}\u{666}-01-02", false),
        ] {
            assert_eq!(PINNED_CHANNEL.is_match(c), want, "{c}");
        }
    }
}
