//! The house rules of DESIGN.md §1 and §3, checked on the sources: data flows one way
//! (collect → facts → eval → report → render/package), only the commands and `collect` reach
//! `collect`, leaf modules depend on nothing but other leaves, and no two top-level modules
//! depend on each other (directly or through others).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules that must not depend on any other module of the crate except these leaves.
const LEAVES: &[&str] = &["digest", "sanitize", "repo_fs", "timefmt", "tomlerr"];

/// Modules that must never reach `collect` (the only I/O besides the checked reader).
const NOT_COLLECT: &[&str] = &[
    "eval", "render", "package", "catalog", "facts", "config", "report",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a source file belongs to (`src/eval/rules/git.rs` → `eval`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// Source text without comments and string literals, so that prose naming a module is not
/// taken for a dependency.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            c => out.push(c),
        }
    }
    out
}

/// The top-level modules a file's code names through `crate::` paths, `use crate::{…}` groups
/// included.
fn dependencies(code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut deps = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = matching_brace(group);
            for item in split_top_level(&group[..end]) {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if modules.contains(&name) {
                    deps.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if modules.contains(&name) {
                deps.insert(name);
            }
        }
    }
    deps
}

fn matching_brace(s: &str) -> usize {
    let mut depth = 1;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    s.len()
}

fn split_top_level(s: &str) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0, 0, Vec::new());
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// Top-level module → the modules it depends on (from non-test code).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(&src, f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        // Unit tests may reach anywhere; the house rules are about the shipped code.
        let shipped = text.split("#[cfg(test)]").next().unwrap_or("");
        let deps = dependencies(&code_only(shipped), &modules);
        graph
            .entry(module.clone())
            .or_default()
            .extend(deps.into_iter().filter(|d| *d != module));
    }
    graph
}

/// Every cycle between top-level modules, each as its modules in order.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut found = BTreeSet::new();
    for start in graph.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        while let Some((node, path)) = stack.pop() {
            for next in graph.get(&node).into_iter().flatten() {
                if next == start {
                    let mut cycle = path.clone();
                    // One canonical rotation per cycle.
                    let min = cycle.iter().enumerate().min_by_key(|(_, m)| *m).unwrap().0;
                    cycle.rotate_left(min);
                    found.insert(cycle);
                } else if !path.contains(next) && next > start {
                    let mut p = path.clone();
                    p.push(next.clone());
                    stack.push((next.clone(), p));
                }
            }
        }
    }
    found.into_iter().collect()
}

#[test]
fn data_flows_one_way_and_no_module_depends_on_itself() {
    let g = graph();
    let mut problems = Vec::new();
    for (module, deps) in &g {
        if NOT_COLLECT.contains(&module.as_str()) && deps.contains("collect") {
            problems.push(format!("{module} reaches collect"));
        }
        if LEAVES.contains(&module.as_str()) {
            for d in deps.iter().filter(|d| !LEAVES.contains(&d.as_str())) {
                problems.push(format!("leaf module {module} depends on {d}"));
            }
        }
    }
    for cycle in cycles(&g) {
        problems.push(format!(
            "import cycle: {} → {}",
            cycle.join(" → "),
            cycle[0]
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The library never prints or reads the terminal: warnings come back in the run's outcome,
/// progress and questions go through the `Console` that `main` passes in.
#[test]
fn only_main_touches_the_terminal() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with("main.rs")) {
        let text = std::fs::read_to_string(file).unwrap();
        let shipped = code_only(text.split("#[cfg(test)]").next().unwrap_or(""));
        for needle in [
            "print!(",
            "println!(",
            "eprint!(",
            "eprintln!(",
            "dbg!(",
            "io::stdout()",
            "io::stderr()",
            "io::stdin()",
            "indicatif::",
        ] {
            if shipped.contains(needle) {
                problems.push(format!("{} uses {needle}", file.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_sees_dependencies_and_cycles() {
    // The analysis itself must be able to fail.
    let modules: BTreeSet<String> = ["collect", "eval", "facts"].map(String::from).into();
    let deps = dependencies(
        &code_only("use crate::{eval::X, facts};\n// crate::collect\nlet s = \"crate::collect\";"),
        &modules,
    );
    assert_eq!(deps, ["eval", "facts"].map(String::from).into());
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(cycles(&g), vec![vec!["a", "b", "c"]]);
}

#[test]
#[ignore = "prints the module graph: cargo test --test architecture -- --ignored --nocapture"]
fn print_graph() {
    for (m, deps) in graph() {
        println!(
            "{m:>10} → {}",
            deps.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
}
