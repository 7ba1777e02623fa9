//! The CLI cases of `tests/cli-cases/*.toml`, each run through the real binary in the tests'
//! pinned environment (see `tests/cli-cases/README.md` for the format). A case is data: the
//! arguments, the files of a fresh workspace, the exit code, and fragments expected in or
//! forbidden from stdout and stderr. Every failing case is reported, not only the first.
//! `CLI_CASE=NAME cargo test --test cli_cases` runs one case.

mod common;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde::Deserialize;

/// One file of `tests/cli-cases/`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Case {
    /// The arguments after `cargo sdl`.
    args: Vec<String>,
    /// The exit code; every case states it.
    status: i32,
    /// The folder the binary runs in (its current directory).
    #[serde(default)]
    workspace: Workspace,
    /// Files written into the workspace before the run (relative path -> content).
    #[serde(default)]
    files: BTreeMap<String, String>,
    /// Run on a machine whose CARGO_HOME holds an advisory database (the fixture database).
    #[serde(default)]
    advisory_db: bool,
    /// Environment variables set on top of the pinned environment.
    #[serde(default)]
    env: BTreeMap<String, String>,
    #[serde(default)]
    stdout: Expect,
    #[serde(default)]
    stderr: Expect,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Workspace {
    /// A one-package workspace, `demo` 0.3.0 with `#![forbid(unsafe_code)]`.
    #[default]
    Demo,
    /// An empty directory: no Cargo.toml.
    Empty,
}

/// What one output stream must and must not hold.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Expect {
    #[serde(default)]
    starts_with: Option<String>,
    #[serde(default)]
    contains: Vec<String>,
    #[serde(default)]
    forbids: Vec<String>,
    #[serde(default)]
    empty: bool,
}

impl Expect {
    fn problems(&self, stream: &str, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        if self.empty && !text.is_empty() {
            out.push(format!("{stream} is not empty"));
        }
        if let Some(start) = &self.starts_with
            && !text.starts_with(start.as_str())
        {
            out.push(format!("{stream} does not start with {start:?}"));
        }
        for want in &self.contains {
            if !text.contains(want.as_str()) {
                out.push(format!("{stream} lacks {want:?}"));
            }
        }
        for bad in &self.forbids {
            if text.contains(bad.as_str()) {
                out.push(format!("{stream} contains the forbidden {bad:?}"));
            }
        }
        out
    }
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli-cases")
}

/// Every case, by name (the file stem), in name order. Names are kebab-case; the folder holds
/// nothing but the cases and the README.
fn cases() -> Vec<(String, Case)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(cases_dir()).expect("tests/cli-cases") {
        let path = entry.expect("an entry").path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        if file == "README.md" {
            continue;
        }
        let name = file.strip_suffix(".toml").unwrap_or_else(|| {
            panic!("tests/cli-cases/{file}: only <case>.toml files belong here")
        });
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "tests/cli-cases/{file}: case names are kebab-case"
        );
        let text = std::fs::read_to_string(&path).expect("readable");
        let case: Case = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("tests/cli-cases/{file} is not a case: {e}"));
        out.push((name.to_string(), case));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Run one case; the list of ways it went wrong (empty when it passed).
fn run(name: &str, case: &Case) -> Vec<String> {
    let dir = match case.workspace {
        Workspace::Demo => common::workspace_with(&[]),
        Workspace::Empty => tempfile::tempdir().expect("a temporary directory"),
    };
    for (path, content) in &case.files {
        let inside = Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        assert!(
            inside,
            "{name}: files are relative paths inside the workspace: {path}"
        );
        common::write_files(dir.path(), &[(path, content)]);
    }
    let home = common::cargo_home(case.advisory_db);
    let mut cmd = common::command(dir.path(), home.path());
    cmd.args(&case.args).envs(&case.env);
    let out = common::output_within(&mut cmd, Duration::from_secs(120));
    let stdout = common::text(&out.stdout);
    let stderr = common::text(&out.stderr);

    let mut problems = Vec::new();
    if out.status.code() != Some(case.status) {
        problems.push(format!(
            "exit code {:?}, expected {}",
            out.status.code(),
            case.status
        ));
    }
    problems.extend(case.stdout.problems("stdout", &stdout));
    problems.extend(case.stderr.problems("stderr", &stderr));
    if problems.is_empty() {
        return problems;
    }
    let excerpt = |s: &str| s.chars().take(4000).collect::<String>();
    vec![format!(
        "{name}: `cargo sdl {}`\n  - {}\n--- stdout\n{}\n--- stderr\n{}",
        case.args.join(" "),
        problems.join("\n  - "),
        excerpt(&stdout),
        excerpt(&stderr)
    )]
}

#[test]
fn every_cli_case() {
    let only = std::env::var("CLI_CASE").ok();
    let cases: Vec<_> = cases()
        .into_iter()
        .filter(|(name, _)| only.as_deref().is_none_or(|o| o == name))
        .collect();
    assert!(!cases.is_empty(), "no case in tests/cli-cases matches");

    // A few at a time: each run is a process that may run cargo metadata.
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while let Some((name, case)) = cases.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let problems = run(name, case);
                    failures.lock().unwrap().extend(problems);
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} CLI cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// The runner every case (and every test of the binary) goes through pins what it says.
#[test]
fn the_runner_pins_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let home = common::cargo_home(false);
    let cmd = common::command(dir.path(), home.path());
    let envs: BTreeMap<String, Option<String>> = cmd
        .get_envs()
        .map(|(k, v)| {
            let text = |s: &std::ffi::OsStr| s.to_string_lossy().into_owned();
            (text(k), v.map(text))
        })
        .collect();
    let set = |name: &str| envs.get(name).cloned().flatten();
    assert_eq!(set("CARGO_HOME"), Some(home.path().display().to_string()));
    assert_eq!(set("GIT_CONFIG_GLOBAL").as_deref(), Some("/dev/null"));
    assert_eq!(set("GIT_CONFIG_NOSYSTEM").as_deref(), Some("1"));
    for removed in [
        "SOURCE_DATE_EPOCH",
        "CARGO_TERM_COLOR",
        "NO_COLOR",
        "COLUMNS",
        "CI",
    ] {
        assert_eq!(envs.get(removed), Some(&None), "{removed} is removed");
    }
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if name.starts_with("GIT_") && !name.starts_with("GIT_CONFIG_") {
            assert_eq!(envs.get(&name), Some(&None), "inherited {name} is removed");
        }
    }
    assert_eq!(
        cmd.get_args().collect::<Vec<_>>(),
        ["sdl"],
        "cargo runs cargo-sdl as `cargo-sdl sdl`"
    );
}

/// A missing tool is a visible skip on a developer's machine and a failure under CI.
#[test]
fn a_missing_tool_skips_or_fails_under_ci() {
    assert!(common::find_program("sh").is_some() || cfg!(not(unix)));
    let missing =
        std::panic::catch_unwind(|| common::require_tool("no-such-tool-this-self-test-asks-for"));
    if common::under_ci() {
        assert!(missing.is_err(), "under CI a missing tool fails the test");
    } else {
        assert_eq!(missing.ok(), Some(false));
    }
}
