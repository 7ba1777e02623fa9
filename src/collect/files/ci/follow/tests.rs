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
            "tools/run.sh:3 cargo nextest run",
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
    // A command written out on one line is only a mention: whether the script runs it is not
    // read, so it is undecided (never a pass); `['cargo', 'test']`, a comment or a print say
    // nothing.
    assert!(kinds(&p).is_empty(), "{:?}", kinds(&p));
    assert_eq!(undecided(&p), [(ActivityKind::Clippy, 5)]);
}

/// (kind, line of the last link) of the activities left undecided.
fn undecided(p: &crate::facts::files::Pipeline) -> Vec<(ActivityKind, u32)> {
    p.unresolved
        .iter()
        .filter_map(|u| Some((u.activity?, u.chain.last()?.line)))
        .collect()
}

#[test]
fn strings_in_other_languages_are_never_a_pass() {
    // F2: a command kept in a Python string or a triple-quoted block.
    let p = job(
        "python ci.py",
        &[(
            "ci.py",
            "CMD = \"cargo test\"\n\"\"\"\n  cargo clippy\n\"\"\"\n",
        )],
    );
    assert!(kinds(&p).is_empty(), "{:?}", kinds(&p));
    assert_eq!(
        undecided(&p),
        [(ActivityKind::Tests, 1), (ActivityKind::Clippy, 3)]
    );
    // A just recipe in Python.
    let p = job(
        "just test",
        &[(
            "justfile",
            "# test: cargo test\ntest:\n    #!/usr/bin/env python3\n    print(\"x\")  # cargo test\n    x = \"cargo clippy\"\n",
        )],
    );
    assert!(kinds(&p).is_empty(), "{:?}", kinds(&p));
}

#[test]
fn comments_and_functions_never_called_are_no_commands() {
    // F1: batch and PowerShell comments.
    let p = job(
        "ci/run.bat && pwsh ci/x.ps1",
        &[
            (
                "ci/run.bat",
                "REM cargo test\n@rem cargo test\n:: cargo clippy\n",
            ),
            ("ci/x.ps1", "<#\ncargo test\n#>\n<# cargo clippy #>\n"),
        ],
    );
    assert!(kinds(&p).is_empty(), "{:?}", kinds(&p));
    // A function defined and never called; one defined and called runs where it is called.
    let p = job(
        "ci/f.sh",
        &[(
            "ci/f.sh",
            "f() { cargo test; }\nfunction g {\n  cargo clippy\n}\necho hi\n",
        )],
    );
    assert!(kinds(&p).is_empty(), "{:?}", kinds(&p));
    let p = job(
        "ci/f.sh",
        &[("ci/f.sh", "lint()\n{\n  cargo clippy\n}\nlint\n")],
    );
    assert_eq!(
        chain_of(&p),
        [
            ".gitlab-ci.yml:3 ci/f.sh",
            "ci/f.sh:5 lint",
            "ci/f.sh:3 cargo clippy"
        ]
    );
}

#[test]
fn aliases_that_shadow_a_tool_run_the_alias() {
    // F9: cargo runs the alias, not the tool of that name.
    let config = (
        ".cargo/config.toml",
        "[alias]\nclippy = \"check\"\naudit = \"tree\"\nnextest = \"build\"\nlint = \"clippy --all-targets\"\n",
    );
    for cmd in ["cargo clippy", "cargo audit", "cargo nextest run"] {
        let p = job(cmd, &[config]);
        assert!(kinds(&p).is_empty(), "{cmd}: {:?}", kinds(&p));
    }
    // An alias naming another alias is expanded in turn.
    let p = job("cargo lint", &[config]);
    assert!(kinds(&p).is_empty(), "{:?}", kinds(&p));
    // An alias of a tool to itself with options runs the tool.
    let p = job(
        "cargo clippy",
        &[(
            ".cargo/config.toml",
            "[alias]\nclippy = \"clippy --all-targets\"\n",
        )],
    );
    assert_eq!(kinds(&p).len(), 1);
}

#[test]
fn ignored_failures_and_run_time_arguments_are_undecided() {
    // F6 and F3: the activity does not count; the whole line is cited.
    let p = job("cargo test || true", &[]);
    assert!(kinds(&p).is_empty());
    assert_eq!(undecided(&p), [(ActivityKind::Tests, 3)]);
    assert_eq!(p.unresolved[0].chain[0].text, "cargo test || true");
    for cmd in [
        "'cargo test || :'",
        "'! cargo clippy'",
        "cargo test $FLAGS",
        "cargo test \"$X\"",
    ] {
        let p = job(cmd, &[]);
        assert!(kinds(&p).is_empty(), "{cmd}");
        assert_eq!(undecided(&p).len(), 1, "{cmd}");
    }
    for cmd in [
        "cargo test || exit 1",
        "cargo test --target $T",
        "cargo test --features=$F",
    ] {
        let p = job(cmd, &[]);
        assert_eq!(kinds(&p).len(), 1, "{cmd}");
    }
    // make's `-` prefix ignores the failure of the line.
    let p = job("make test", &[("Makefile", "test:\n\t-cargo test\n")]);
    assert!(kinds(&p).is_empty());
    assert_eq!(undecided(&p), [(ActivityKind::Tests, 2)]);
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

#[test]
fn a_scripts_arguments_are_the_ones_it_is_called_with() {
    let script = ("ci/t.sh", "#!/bin/sh\ncargo test --workspace \"$@\"\n");
    let p = job("ci/t.sh --lib", &[script]);
    assert_eq!(kinds(&p).len(), 1, "{:?}", p.unresolved);
    let p = job("bash ci/t.sh --no-run", &[script]);
    assert!(kinds(&p).is_empty());
    // Arguments not known: undecided.
    let p = job("ci/t.sh $ARGS", &[script]);
    assert!(kinds(&p).is_empty());
    assert_eq!(undecided(&p), [(ActivityKind::Tests, 2)]);
}

#[test]
fn commands_aimed_at_another_project_of_the_repository_do_not_count() {
    // F10: the workspace is `product/`; `other/` is another project.
    let workflow = "on: [push]\njobs:\n  t:\n    runs-on: x\n    defaults:\n      run:\n        working-directory: other\n    steps:\n      - run: cargo test\n      - run: cargo clippy --manifest-path ../other/Cargo.toml\n      - run: cd .. && cargo audit\n      - run: cargo deny --manifest-path ../product/Cargo.toml check\n";
    let files = [
        (".github/workflows/ci.yml", workflow),
        ("other/Cargo.toml", ""),
        ("product/Cargo.toml", ""),
    ];
    let found = crate::collect::files::ci::testing::run_in(&files, "product/");
    let k: Vec<ActivityKind> = kinds(&found.facts.pipelines[0])
        .into_iter()
        .map(|k| k.1)
        .collect();
    // From the root (an ancestor) and aimed at the product: they count; the rest do not.
    assert_eq!(
        k,
        [ActivityKind::DependencyAudit, ActivityKind::DependencyAudit]
    );
    let chains: Vec<String> = kinds(&found.facts.pipelines[0])
        .into_iter()
        .flat_map(|k| k.2)
        .collect();
    assert_eq!(
        chains,
        [
            ".github/workflows/ci.yml:11 cargo audit",
            ".github/workflows/ci.yml:12 cargo deny --manifest-path ../product/Cargo.toml check"
        ]
    );
    // The same workflow where the workspace is the repository's top: everything counts.
    let found = crate::collect::files::ci::testing::run_in(&files, "");
    assert_eq!(kinds(&found.facts.pipelines[0]).len(), 4);
}

#[test]
fn functions_of_a_sourced_script_run_where_they_are_called() {
    let lib = ("ci/lib.sh", "run_tests() {\n  cargo test --workspace\n}\n");
    let p = job(
        "ci/main.sh",
        &[lib, ("ci/main.sh", ". ci/lib.sh\nrun_tests\n")],
    );
    assert_eq!(
        chain_of(&p),
        [
            ".gitlab-ci.yml:3 ci/main.sh",
            "ci/main.sh:2 run_tests",
            "ci/lib.sh:2 cargo test --workspace"
        ]
    );
    // Sourced and never called: no evidence.
    let p = job("ci/main.sh", &[lib, ("ci/main.sh", "source ci/lib.sh\n")]);
    assert!(kinds(&p).is_empty());
}

#[test]
fn dry_runs_of_make_and_just_run_nothing() {
    let files = [
        ("Makefile", "test:\n\tcargo test\n"),
        ("justfile", "test:\n    cargo test\n"),
    ];
    for (script, runs) in [
        ("make test", true),
        ("make -n test", false),
        ("make -sn test", false),
        ("make --dry-run test", false),
        ("just test", true),
        ("just --dry-run test", false),
        ("just -n test", false),
    ] {
        let p = job(script, &files);
        let tests = kinds(&p).iter().any(|k| k.1 == ActivityKind::Tests);
        assert_eq!(tests, runs, "{script}");
        assert!(unresolved(&p).is_empty(), "{script}: {:?}", unresolved(&p));
    }
}

#[test]
fn lines_after_an_unconditional_exit_never_run() {
    for (script, runs) in [
        ("cargo test", true),
        ("exit 0\ncargo test", false),
        ("echo hi\nexit\ncargo test", false),
        ("if [ -n \"$X\" ]; then\n  exit 0\nfi\ncargo test", true),
        ("test -n \"$X\" || exit 0\ncargo test", true),
        ("case $1 in\n  a) exit 0 ;;\nesac\ncargo test", true),
        ("for f in a b; do\n  exit 1\ndone\ncargo test", true),
        ("sh -c 'exit 0; cargo test'", false),
    ] {
        let text = format!("j:\n  script:\n    - |\n{}\n", indent(script));
        let p = run(&[(".gitlab-ci.yml", text.as_str())])
            .facts
            .pipelines
            .remove(0);
        let tests = kinds(&p).iter().any(|k| k.1 == ActivityKind::Tests);
        assert_eq!(tests, runs, "{script:?}");
    }
}

fn indent(script: &str) -> String {
    script
        .lines()
        .map(|l| format!("      {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn options_a_function_sets_where_it_may_not_run_stay_unset() {
    // A script file without `-e` on its `#!` line: nothing stops at a failure until `set -e`.
    // The function that sets it runs in a branch that never runs, in a pipe, in the
    // background: `cargo test` is not the last command and its failure is lost.
    for call in [
        "if false; then strict; fi",
        "strict | cat",
        "strict &",
        "if [ \"$CI\" ]; then strict; fi",
    ] {
        let p = job(
            "./ci.sh",
            &[(
                "ci.sh",
                &format!("#!/bin/sh\nstrict() {{\n  set -e\n}}\n{call}\ncargo test\necho done\n"),
            )],
        );
        assert!(kinds(&p).is_empty(), "{call}: {:?}", kinds(&p));
        assert_eq!(undecided(&p), [(ActivityKind::Tests, 6)], "{call}");
    }
    // Called at the top, it sets errexit for what follows.
    let p = job(
        "./ci.sh",
        &[(
            "ci.sh",
            "#!/bin/sh\nstrict() {\n  set -e\n}\nstrict\ncargo test\necho done\n",
        )],
    );
    assert_eq!(kinds(&p).len(), 1, "{:?}", kinds(&p));
}

#[test]
fn a_just_line_whose_failure_just_ignores_counts_for_nothing() {
    for line in ["-cargo test", "@-cargo test", "-@cargo test"] {
        let p = job(
            "just check",
            &[("justfile", &format!("check:\n    {line}\n    echo done\n"))],
        );
        assert!(kinds(&p).is_empty(), "{line}: {:?}", kinds(&p));
        assert_eq!(undecided(&p), [(ActivityKind::Tests, 2)], "{line}");
    }
    let p = job(
        "just check",
        &[("justfile", "check:\n    @cargo test\n    echo done\n")],
    );
    assert_eq!(kinds(&p).len(), 1, "{:?}", kinds(&p));
}

#[test]
fn a_makefile_with_oneshell_runs_a_recipe_as_one_script() {
    // One `sh -c` for the whole recipe: only its last command's status is make's.
    let mk = ".ONESHELL:\ncheck:\n\tcargo test\n\techo done\nlast:\n\techo start\n\tcargo clippy\n";
    let p = job("make check", &[("Makefile", mk)]);
    assert!(kinds(&p).is_empty(), "{:?}", kinds(&p));
    assert_eq!(undecided(&p), [(ActivityKind::Tests, 3)]);
    let p = job("make last", &[("Makefile", mk)]);
    assert_eq!(
        chain_of(&p),
        [
            ".gitlab-ci.yml:3 make last",
            "Makefile:5 last:",
            "Makefile:7 cargo clippy"
        ]
    );
    // Without it, each line is its own shell, checked by make.
    let p = job("make check", &[("Makefile", &mk[".ONESHELL:\n".len()..])]);
    assert_eq!(kinds(&p).len(), 1, "{:?}", kinds(&p));
}

#[test]
fn recipes_that_pretend_run_nothing() {
    // A make function prints the text; a literally false conditional drops the line; a
    // script file without `set -e` goes on after a failing test.
    for (makefile, script) in [
        ("test:\n\t$(info cargo test)\n", None),
        ("test:\nifeq (0,1)\n\tcargo test\nendif\n\techo ok\n", None),
        (
            "test:\n\t./ci.sh\n",
            Some("#!/bin/sh\ncargo test\necho done\n"),
        ),
        ("test:\n\tcargo test; echo done\n", None),
    ] {
        let mut files = vec![("Makefile", makefile)];
        if let Some(s) = script {
            files.push(("ci.sh", s));
        }
        let p = job("make test", &files);
        assert!(kinds(&p).is_empty(), "{makefile}: {:?}", kinds(&p));
    }
    // The same script with `set -e` runs the tests.
    let p = job(
        "make test",
        &[
            ("Makefile", "test:\n\t./ci.sh\n"),
            ("ci.sh", "#!/bin/sh\nset -e\ncargo test\necho done\n"),
        ],
    );
    assert_eq!(kinds(&p).len(), 1, "{:?}", kinds(&p));
}

#[test]
fn a_trap_whose_function_exits_with_success_hides_failures() {
    let p = job(
        "./ci.sh",
        &[(
            "ci.sh",
            "#!/bin/bash -e\ncleanup() {\n  rm -rf tmp\n  exit 0\n}\ntrap cleanup EXIT\ncargo test\necho done\n",
        )],
    );
    assert!(kinds(&p).is_empty(), "{:?}", kinds(&p));
    assert_eq!(undecided(&p), [(ActivityKind::Tests, 7)]);
    // A cleanup that keeps the status hides nothing.
    let p = job(
        "./ci.sh",
        &[(
            "ci.sh",
            "#!/bin/bash -e\ncleanup() {\n  rm -rf tmp\n}\ntrap cleanup EXIT\ncargo test\necho done\n",
        )],
    );
    assert_eq!(kinds(&p).len(), 1, "{:?}", kinds(&p));
}

#[test]
fn a_function_or_sourced_file_that_exits_ends_its_caller() {
    for (script, files) in [
        ("finish() { exit 0; }\nfinish\ncargo test", vec![]),
        (
            "finish() {\n  echo bye\n  exit 0\n}\nfinish; cargo test",
            vec![],
        ),
        (
            ". ./ci/done.sh\ncargo test",
            vec![("ci/done.sh", "exit 0\n")],
        ),
    ] {
        let mut all = vec![("ci.sh", script)];
        all.extend(files);
        let p = job("sh -e ./ci.sh", &all);
        assert!(kinds(&p).is_empty(), "{script}: {:?}", kinds(&p));
    }
    // A function that returns, and a script run as a program that exits, end nothing.
    for (script, files) in [
        ("check() { return 0; }\ncheck\ncargo test", vec![]),
        ("./ci/done.sh\ncargo test", vec![("ci/done.sh", "exit 0\n")]),
    ] {
        let mut all = vec![("ci.sh", script)];
        all.extend(files);
        let p = job("sh -e ./ci.sh", &all);
        assert_eq!(kinds(&p).len(), 1, "{script}: {:?}", kinds(&p));
    }
}
