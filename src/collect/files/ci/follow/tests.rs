use super::cargo::{parse_aliases, xtask_run};
use super::*;
use crate::collect::files::ci::testing::{kinds, run, unresolved};

/// A GitLab job `j` running `script`, in a repository with `files`.
fn job(script: &str, files: &[(&str, &str)]) -> crate::facts::files::Pipeline {
    let ci = format!("j:\n  script:\n    - {script}\n");
    let mut all = vec![(".gitlab-ci.yml", ci.as_str())];
    all.extend_from_slice(files);
    run(&all).facts.pipelines.remove(0)
}

fn chain_of(p: &crate::facts::files::Pipeline) -> Vec<String> {
    kinds(p).into_iter().next().map(|k| k.2).unwrap_or_default()
}

#[test]
fn paths_are_joined_inside_the_repository_only() {
    assert_eq!(join("a/b", "../c").as_deref(), Some("a/c"));
    assert_eq!(join("", "./x/./y").as_deref(), Some("x/y"));
    assert_eq!(join("a", "../../x"), None);
    assert!(matches!(place("", "/etc/passwd"), Place::Refused(_)));
    assert!(matches!(place("", "C:\\x.bat"), Place::Refused(_)));
    assert!(matches!(place("", "$HOME/x.sh"), Place::Refused(_)));
    assert!(matches!(place("", "target/debug/x"), Place::BuildOutput));
    assert!(matches!(place("", "$CI_PROJECT_DIR/ci/t.sh"), Place::Repo(p) if p == "ci/t.sh"));
    assert!(matches!(place("sub", "$(CURDIR)/t.sh"), Place::Repo(p) if p == "sub/t.sh"));
}

#[test]
fn xtask_runs_and_aliases_are_recognised() {
    let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(
        xtask_run(&words("-p xtask --release -- ci --fast")),
        Some(("xtask".into(), words("ci --fast")))
    );
    assert_eq!(
        xtask_run(&words("--manifest-path tools/xtask/Cargo.toml -- lint")),
        Some(("xtask".into(), words("lint")))
    );
    assert_eq!(
        xtask_run(&words("-p server -- test")),
        None,
        "not a task runner"
    );
    let a = parse_aliases(
        "[build]\njobs = 1\n[alias]\nt2 = \"test --workspace\"\nlint = [\"clippy\", \"--all\"]\nempty = \"\"\n",
    );
    assert_eq!(a.get("t2"), Some(&(words("test --workspace"), 4)));
    assert_eq!(a.get("lint"), Some(&(words("clippy --all"), 5)));
    assert!(!a.contains_key("empty"));
    assert!(parse_aliases("not toml [").is_empty());
}

#[test]
fn scripts_are_followed_with_their_working_directory_and_cycles_end() {
    let p = job(
        "cd tools && ./run.sh",
        &[
            (
                "tools/run.sh",
                "#!/bin/sh\n. ./common.sh\nbash -c 'cargo nextest run'\n",
            ),
            ("tools/common.sh", "./run.sh\n"),
        ],
    );
    assert_eq!(
        chain_of(&p),
        [
            ".gitlab-ci.yml:3 ./run.sh",
            "tools/run.sh:3 bash -c 'cargo nextest run'",
        ]
    );
    let read: Vec<&str> = p.files_read.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(read, ["tools/run.sh", "tools/common.sh"]);
    assert!(
        p.unresolved.is_empty(),
        "a cycle is not an error: {:?}",
        p.unresolved
    );
}

#[test]
fn other_languages_are_searched_not_followed() {
    let p = job(
        "python3 ci/run.py",
        &[(
            "ci/run.py",
            "import subprocess\n# cargo test runs elsewhere\nprint('now cargo audit')\nsubprocess.run(['cargo', 'test'])\nsubprocess.run('cargo clippy', shell=True)\n",
        )],
    );
    // Only a command written out on one line is recognised: `['cargo', 'test']` is not, nor
    // what a comment or a print says.
    let k: Vec<ActivityKind> = kinds(&p).into_iter().map(|k| k.1).collect();
    assert_eq!(k, [ActivityKind::Clippy]);
}

#[test]
fn echo_and_unknown_commands_are_no_evidence_and_missing_files_are_recorded() {
    let p = job("echo cargo test && ./missing.sh && make", &[]);
    assert!(kinds(&p).is_empty());
    let u = unresolved(&p);
    assert!(
        u.iter()
            .any(|(_, r)| r.contains("`./missing.sh` is not a file of the repository")),
        "{u:?}"
    );
    assert!(u.iter().any(|(_, r)| r.contains("no Makefile")), "{u:?}");
}

#[test]
fn cargo_make_is_recorded_as_not_read() {
    let p = job(
        "cargo make ci",
        &[("Makefile.toml", "[tasks.ci]\ncommand = \"cargo\"\n")],
    );
    assert!(kinds(&p).is_empty());
    assert!(unresolved(&p).iter().any(|(_, r)| r.contains("cargo-make")));
}
