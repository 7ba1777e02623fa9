//! CI evidence from every system cargo-sdl reads, over small repositories built here (plain
//! folders: the walk fallback lists them): the patterns of real projects whose CI runs its
//! checks through make targets, Buildkite scripts, just recipes, xtask, cargo aliases, GitLab
//! includes, Jenkins and Azure templates, and pipelines generated at run time, which make the
//! rules unknown, never failed.

use std::path::Path;

use cargo_sdl::catalog::Catalog;
use cargo_sdl::collect::files::collect;
use cargo_sdl::config::Config;
use cargo_sdl::eval::{Outcome, evaluate};
use cargo_sdl::facts::files::{CiSystem, FileFacts, UnresolvedKind};
use cargo_sdl::facts::{Collected, Facts};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A repository of `files`, collected.
fn repo(files: &[(&str, &str)]) -> FileFacts {
    let dir = tempfile::tempdir().unwrap();
    for (p, t) in files {
        write(dir.path(), p, t);
    }
    match collect(dir.path(), &Config::default()) {
        Collected::Present { value } => value,
        other => panic!("collector did not run: {other:?}"),
    }
}

/// (outcome, message) of each rule in `ids`.
fn outcomes(f: &FileFacts, ids: &[&str]) -> Vec<(Outcome, String)> {
    let catalog = Catalog::embedded(&cargo_sdl::eval::rules::builtin_ids()).unwrap();
    let now = cargo_sdl::timefmt::parse("2026-06-01T00:00:00Z").unwrap();
    let facts = Facts {
        files: Collected::present(f.clone()),
        ..Facts::nothing("2026-06-01T00:00:00Z", "test")
    };
    let eval = evaluate(&facts, &catalog, &Config::default(), now);
    ids.iter()
        .map(|id| {
            let f = eval
                .findings
                .iter()
                .find(|f| f.rule == *id)
                .unwrap_or_else(|| panic!("no finding for {id}"));
            (f.outcome, f.message.clone())
        })
        .collect()
}

fn outcome(f: &FileFacts, id: &str) -> (Outcome, String) {
    outcomes(f, &[id]).remove(0)
}

const WORKFLOW: &str = "name: CI
on: [push, pull_request]
permissions:
  contents: read
jobs:
  clippy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab
      - run: make ci-job-clippy
  libraries:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab
      - run: make ci-job-libraries
";

const MAKEFILE: &str = "# CI entry points
.PHONY: ci-job-clippy ci-job-libraries ci-setup

ci-setup:
\t@echo setting up

ci-job-clippy: ci-setup
\tcd boards && $(MAKE) clippy

ci-job-libraries: ci-setup
\t$(MAKE) -C libraries test
";

#[test]
fn an_embedded_os_whose_workflows_run_make_targets() {
    let f = repo(&[
        (".github/workflows/ci.yml", WORKFLOW),
        ("Makefile", MAKEFILE),
        (
            "boards/Makefile",
            "clippy:\n\tcargo clippy --all-targets -- -D warnings\n",
        ),
        (
            "libraries/Makefile",
            "test:\n\tfor d in */; do (cd $$d && cargo test) || exit 1; done\n",
        ),
    ]);
    assert_eq!(f.ci.systems, [CiSystem::GithubActions]);
    let p = &f.ci.pipelines[0];
    let read: Vec<&str> = p.files_read.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(read, ["Makefile", "boards/Makefile", "libraries/Makefile"]);
    let (o, m) = outcome(&f, "ci-runs-tests");
    assert_eq!(o, Outcome::Pass, "{m}");
    assert!(
        m.contains(
            "GitHub Actions job libraries: .github/workflows/ci.yml:15 `make ci-job-libraries`"
        ) && m.contains("libraries/Makefile:2 `cargo test`"),
        "{m}"
    );
    assert!(m.contains("Makefile:10"), "the rule's line is cited: {m}");
    let (o, m) = outcome(&f, "ci-runs-clippy");
    assert_eq!(o, Outcome::Pass, "{m}");
    assert!(
        m.contains("boards/Makefile:2 `cargo clippy --all-targets -- -D warnings`"),
        "{m}"
    );
    // Nothing audits the dependencies, and everything was seen: a fail.
    let (o, m) = outcome(&f, "ci-audits-dependencies");
    assert_eq!(o, Outcome::Fail, "{m}");
    assert!(m.contains("GitHub Actions: 1"), "{m}");
    // A recipe line is `sh -c` without `-e`: a loop that does not stop at a failing round
    // passes whenever the last round does, so its tests are undecided.
    let f = repo(&[
        (".github/workflows/ci.yml", WORKFLOW),
        ("Makefile", MAKEFILE),
        (
            "boards/Makefile",
            "clippy:\n\tcargo clippy --all-targets -- -D warnings\n",
        ),
        (
            "libraries/Makefile",
            "test:\n\tfor d in */; do (cd $$d && cargo test); done\n",
        ),
    ]);
    let (o, m) = outcome(&f, "ci-runs-tests");
    assert_eq!(o, Outcome::Unknown, "{m}");
    assert!(m.contains("only the last round's status"), "{m}");
}

#[test]
fn make_recursion_is_bounded_and_cycles_end() {
    // a → b → a, and a chain of 30 targets each calling the next through $(MAKE).
    let mut chain = String::from("ci: a t0\na: b\nb: a\n\t@echo loop\n");
    for i in 0..30 {
        chain.push_str(&format!("t{i}:\n\t$(MAKE) t{}\n", i + 1));
    }
    chain.push_str("t30:\n\tcargo test\n");
    let f = repo(&[
        (".gitlab-ci.yml", "ci:\n  script:\n    - make ci\n"),
        ("Makefile", &chain),
    ]);
    let p = &f.ci.pipelines[0];
    assert!(
        p.unresolved
            .iter()
            .any(|u| u.kind == UnresolvedKind::NotFollowed && u.reason.contains("deep")),
        "{:?}",
        p.unresolved
    );
    // The test is too deep to be seen: unknown, not a fail and not a pass.
    let (o, m) = outcome(&f, "ci-runs-tests");
    assert_eq!(o, Outcome::Unknown, "{m}");
    assert!(m.contains("not followed"), "{m}");
}

#[test]
fn a_vmm_whose_ci_lives_in_buildkite() {
    let f = repo(&[
        (
            ".buildkite/pipeline.yml",
            "steps:\n  - label: unit tests\n    command: ./ci/run_tests.sh --unit\n  - wait\n  - label: lint\n    commands:\n      - cargo xtask lint\n",
        ),
        (
            "ci/run_tests.sh",
            "#!/usr/bin/env bash\nset -euo pipefail\ncargo test --workspace --all-features \"$@\"\n",
        ),
        (
            "xtask/Cargo.toml",
            "[package]\nname = \"xtask\"\nversion = \"0.1.0\"\n",
        ),
        (
            "xtask/src/main.rs",
            "fn main() {\n    match std::env::args().nth(1).as_deref() {\n        Some(\"lint\") => lint(),\n        _ => {}\n    }\n}\n\nfn lint() {\n    std::process::Command::new(\"cargo\").args([\"clippy\", \"--workspace\"]).status().unwrap();\n}\n",
        ),
    ]);
    assert_eq!(f.ci.systems, [CiSystem::Buildkite]);
    let (o, m) = outcome(&f, "ci-runs-tests");
    assert_eq!(o, Outcome::Pass, "{m}");
    assert!(
        m.contains("Buildkite job unit tests: .buildkite/pipeline.yml:3 `./ci/run_tests.sh --unit` → ci/run_tests.sh:3"),
        "{m}"
    );
    let (o, m) = outcome(&f, "ci-runs-clippy");
    assert_eq!(o, Outcome::Pass, "{m}");
    assert!(m.contains("xtask/src/main.rs:9"), "{m}");
    // No GitHub workflow: the GitHub hardening rules have nothing to judge.
    for (o, m) in outcomes(
        &f,
        &[
            "workflow-permissions-restricted",
            "workflow-actions-pinned",
            "workflow-pull-request-target-safe",
        ],
    ) {
        assert_eq!(o, Outcome::NotApplicable, "{m}");
    }
}

#[test]
fn generated_pipelines_make_the_rules_unknown_never_failed() {
    // Buildkite: only a generator in .buildkite/.
    let f = repo(&[
        (
            ".buildkite/pipeline_pr.py",
            "#!/usr/bin/env python3\nprint('steps: []')\n",
        ),
        ("Cargo.toml", "[package]\nname = \"vmm\"\n"),
    ]);
    assert_eq!(f.ci.systems, [CiSystem::Buildkite]);
    for (o, m) in outcomes(
        &f,
        &["ci-runs-tests", "ci-runs-clippy", "ci-audits-dependencies"],
    ) {
        assert_eq!(o, Outcome::Unknown, "{m}");
        assert!(m.contains("generated at run time"), "{m}");
        assert!(m.contains(".buildkite/pipeline_pr.py"), "{m}");
    }
    // GitLab: a child pipeline from another job's artifact.
    let f = repo(&[
        (
            ".gitlab-ci.yml",
            "generate:\n  script: ./gen.sh > child.yml\n  artifacts:\n    paths: [child.yml]\nchild:\n  trigger:\n    include:\n      - artifact: child.yml\n        job: generate\n",
        ),
        ("gen.sh", "#!/bin/sh\necho 'test: {script: cargo test}'\n"),
    ]);
    let (o, m) = outcome(&f, "ci-runs-tests");
    assert_eq!(o, Outcome::Unknown, "{m}");
    assert!(m.contains("child pipeline generated at run time"), "{m}");
}

#[test]
fn gitlab_with_local_includes_and_just_recipes() {
    let f = repo(&[
        (
            ".gitlab-ci.yml",
            "include:\n  - local: ci/rust.yml\nstages: [test]\naudit:\n  extends: .rust\n  script: cargo deny check advisories\n",
        ),
        (
            "ci/rust.yml",
            ".rust:\n  image: rust:latest\ntest:\n  extends: .rust\n  script:\n    - just test\n",
        ),
        (
            "justfile",
            "set shell := [\"bash\", \"-c\"]\n\ntest: build\n    cargo nextest run --workspace\n\nbuild:\n    cargo build\n",
        ),
    ]);
    assert_eq!(f.ci.systems, [CiSystem::GitlabCi]);
    let (o, m) = outcome(&f, "ci-runs-tests");
    assert_eq!(o, Outcome::Pass, "{m}");
    assert!(
        m.contains("GitLab CI job test: ci/rust.yml:6 `just test`") && m.contains("justfile:4"),
        "{m}"
    );
    let (o, m) = outcome(&f, "ci-audits-dependencies");
    assert_eq!(o, Outcome::Pass, "{m}");
    assert!(
        m.contains(".gitlab-ci.yml:6 `cargo deny check advisories`"),
        "{m}"
    );
    let read: Vec<&str> = f.ci.pipelines[0]
        .files_read
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(read, ["ci/rust.yml", "justfile"]);
}

#[test]
fn jenkins_azure_and_circleci_pipelines_count() {
    let f = repo(&[
        (
            "Jenkinsfile",
            "pipeline {\n  agent any\n  stages {\n    stage('Audit') {\n      steps {\n        sh 'cargo audit --deny warnings'\n      }\n    }\n  }\n}\n",
        ),
        (
            "azure-pipelines.yml",
            "trigger: [main]\njobs:\n  - job: Test\n    steps:\n      - template: ci/steps.yml\n",
        ),
        ("ci/steps.yml", "steps:\n  - script: cargo ci-test\n"),
        (
            ".cargo/config.toml",
            "[alias]\nci-test = \"test --workspace --locked\"\n",
        ),
        (
            ".circleci/config.yml",
            "version: 2.1\njobs:\n  lint:\n    docker: [{image: cimg/rust:1.80}]\n    steps:\n      - checkout\n      - run: cargo clippy -- -D warnings\nworkflows:\n  main:\n    jobs: [lint]\n",
        ),
    ]);
    assert_eq!(
        f.ci.systems,
        [
            CiSystem::AzurePipelines,
            CiSystem::Jenkins,
            CiSystem::Circleci
        ]
    );
    let (o, m) = outcome(&f, "ci-audits-dependencies");
    assert_eq!(o, Outcome::Pass, "{m}");
    assert!(
        m.contains("Jenkins job Audit: Jenkinsfile:6 `cargo audit --deny warnings`"),
        "{m}"
    );
    let (o, m) = outcome(&f, "ci-runs-tests");
    assert_eq!(o, Outcome::Pass, "{m}");
    assert!(
        m.contains("ci/steps.yml:2 `cargo ci-test`") && m.contains(".cargo/config.toml:2"),
        "{m}"
    );
    let (o, m) = outcome(&f, "ci-runs-clippy");
    assert_eq!(o, Outcome::Pass, "{m}");
    assert!(
        m.contains("CircleCI job lint: .circleci/config.yml:7"),
        "{m}"
    );
}

#[test]
fn no_ci_at_all_fails_and_names_the_systems_read() {
    let f = repo(&[("Cargo.toml", "[package]\nname = \"x\"\n")]);
    assert!(f.ci.pipelines.is_empty());
    let (o, m) = outcome(&f, "ci-runs-tests");
    assert_eq!(o, Outcome::Fail, "{m}");
    assert!(
        m.contains(
            "none of GitHub Actions, GitLab CI, Azure Pipelines, Jenkins, Buildkite, CircleCI"
        ),
        "{m}"
    );
}

#[test]
fn scripts_outside_the_repository_are_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside.sh");
    std::fs::write(&outside, "cargo test\n").unwrap();
    let root = dir.path().join("repo");
    write(
        &root,
        ".gitlab-ci.yml",
        "t:\n  script:\n    - ../outside.sh\n    - bash /etc/profile\n",
    );
    let f = match collect(&root, &Config::default()) {
        Collected::Present { value } => value,
        other => panic!("{other:?}"),
    };
    let p = &f.ci.pipelines[0];
    assert!(p.files_read.is_empty(), "{:?}", p.files_read);
    let reasons: Vec<&str> = p.unresolved.iter().map(|u| u.reason.as_str()).collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("leads outside the repository")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("absolute path")),
        "{reasons:?}"
    );
    assert_eq!(outcome(&f, "ci-runs-tests").0, Outcome::Unknown);
}

/// A hostile repository: a script that is a link out of the repository, a Makefile whose
/// variables expand exponentially and whose targets call each other, thousands of steps, a
/// just recipe that depends on itself. Nothing outside is read, and the collection ends fast.
#[cfg(unix)]
#[test]
fn hostile_ci_is_bounded_and_reads_nothing_outside() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("secret.sh"),
        "cargo test # SECRET-CONTENT\n",
    )
    .unwrap();
    let root = dir.path().join("repo");
    let mut bomb = String::from("A0 = cargo test\n");
    for i in 1..40 {
        bomb.push_str(&format!("A{i} = $(A{}) $(A{})\n", i - 1, i - 1));
    }
    bomb.push_str("ci: x\n\t$(A39)\nx: ci\n\t$(MAKE) ci\n");
    let many: String = (0..1500)
        .map(|i| format!("  - label: s{i}\n    command: make ci && ./link.sh\n"))
        .collect();
    write(&root, ".buildkite/pipeline.yml", &format!("steps:\n{many}"));
    write(&root, "Makefile", &bomb);
    write(&root, "justfile", "loop: loop\n    just loop\n");
    write(&root, ".gitlab-ci.yml", "j:\n  script: just loop\n");
    std::os::unix::fs::symlink(dir.path().join("secret.sh"), root.join("link.sh")).unwrap();
    let started = std::time::Instant::now();
    let f = match collect(&root, &Config::default()) {
        Collected::Present { value } => value,
        other => panic!("{other:?}"),
    };
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    let json = serde_json::to_string(&f).unwrap();
    assert!(
        !json.contains("SECRET-CONTENT"),
        "a file outside the repository was read"
    );
    for p in &f.ci.pipelines {
        assert!(
            p.files_read
                .iter()
                .all(|r| r.path != "link.sh" && !r.path.contains(".."))
        );
        assert!(
            p.unresolved.len() <= 101,
            "{} unresolved kept",
            p.unresolved.len()
        );
    }
    // Whatever was or was not seen, nothing here is a pass for the link's `cargo test`.
    let (o, m) = outcome(&f, "ci-runs-clippy");
    assert_ne!(o, Outcome::Pass, "{m}");
}

/// Recipes as embedded projects write them: make functions, silent and ignore-error prefixes,
/// `cd` and variables before the command.
#[test]
fn recipe_prefixes_functions_and_cd() {
    let f = repo(&[
        (
            ".github/workflows/ci.yml",
            "on: [push]\njobs:\n  ci-libraries:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make ci-job-libraries\n",
        ),
        (
            "Makefile",
            "define banner\n\t@echo $(1)\nendef\n\n.PHONY: ci-job-libraries\nci-job-libraries:\n\t$(call banner,CI-Job: Libraries)\n\t@cd libraries/enum_primitive && NOCOLOR=1 cargo test\n\t-cargo clippy --all-targets\n",
        ),
    ]);
    let (o, m) = outcome(&f, "ci-runs-tests");
    assert_eq!(o, Outcome::Pass, "{m}");
    assert!(m.contains("Makefile:8 `NOCOLOR=1 cargo test`"), "{m}");
    // make ignores the failure of a `-` line: it does not count, and the line is cited whole.
    let (o, m) = outcome(&f, "ci-runs-clippy");
    assert_eq!(o, Outcome::Unknown, "{m}");
    assert!(
        m.contains("Makefile:9: `-cargo clippy --all-targets`: make ignores the failure"),
        "{m}"
    );
    let u = &f.ci.pipelines[0].unresolved;
    assert!(
        u.iter().any(|u| u
            .chain
            .last()
            .is_some_and(|l| l.text == "-cargo clippy --all-targets")),
        "{u:?}"
    );
}

/// Jobs and steps that never run (a literal false condition, `when: never` or `manual`, a
/// workflow with no trigger) are no evidence; failures that are ignored (`continue-on-error`,
/// `allow_failure`, `continueOnError`) leave the activity undecided, never a pass.
#[test]
fn jobs_that_never_run_or_whose_failures_are_ignored_do_not_count() {
    let never: &[(&str, &str)] = &[
        (
            ".github/workflows/ci.yml",
            "on: [push]\njobs:\n  t:\n    runs-on: x\n    if: false\n    steps:\n      - run: cargo test\n",
        ),
        (
            ".github/workflows/ci.yml",
            "on: [push]\njobs:\n  t:\n    runs-on: x\n    steps:\n      - if: ${{ false }}\n        run: cargo test\n",
        ),
        (
            ".github/workflows/ci.yml",
            "jobs:\n  t:\n    runs-on: x\n    steps:\n      - run: cargo test\n",
        ),
        (
            ".gitlab-ci.yml",
            "test:\n  script:\n    - cargo test\n  rules:\n    - when: never\n",
        ),
        (
            ".gitlab-ci.yml",
            "test:\n  script:\n    - cargo test\n  when: manual\n",
        ),
        (
            ".gitlab-ci.yml",
            "test:\n  script:\n    - cargo test\n  rules:\n    - if: $X\n      when: manual\n    - when: never\n",
        ),
        (
            "azure-pipelines.yml",
            "steps:\n- script: cargo test\n  condition: false\n",
        ),
        (
            "azure-pipelines.yml",
            "jobs:\n- job: t\n  condition: false\n  steps:\n  - script: cargo test\n",
        ),
        (
            "Jenkinsfile",
            "pipeline {\n  agent any\n  stages {\n    stage(\"t\") {\n      when { expression { return false } }\n      steps { sh \"cargo test\" }\n    }\n  }\n}\n",
        ),
        (
            ".circleci/config.yml",
            "version: 2.1\njobs:\n  build:\n    docker: [{image: x}]\n    steps:\n      - when:\n          condition: false\n          steps:\n            - run: cargo test\nworkflows:\n  w:\n    jobs: [build]\n",
        ),
        (
            ".circleci/config.yml",
            "version: 2.1\njobs:\n  build:\n    docker: [{image: x}]\n    steps:\n      - run: cargo test\nworkflows:\n  w:\n    when: false\n    jobs: [build]\n",
        ),
    ];
    for (path, text) in never {
        let f = repo(&[(path, text)]);
        let (o, m) = outcome(&f, "ci-runs-tests");
        assert_eq!(o, Outcome::Fail, "{path}:\n{text}\n{m}");
    }
    let ignored: &[(&str, &str, &str)] = &[
        (
            ".github/workflows/ci.yml",
            "on: [push]\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: cargo test\n        continue-on-error: true\n",
            "continue-on-error",
        ),
        (
            ".github/workflows/ci.yml",
            "on: [push]\njobs:\n  t:\n    runs-on: x\n    continue-on-error: ${{ matrix.experimental }}\n    steps:\n      - run: cargo test\n",
            "continue-on-error",
        ),
        (
            ".gitlab-ci.yml",
            "test:\n  script:\n    - cargo test\n  allow_failure: true\n",
            "allow_failure",
        ),
        (
            "azure-pipelines.yml",
            "steps:\n- script: cargo test\n  continueOnError: true\n",
            "continueOnError",
        ),
        (
            "Jenkinsfile",
            "pipeline {\n  stages {\n    stage('t') {\n      steps {\n        sh(script: 'cargo test', returnStatus: true)\n      }\n    }\n  }\n}\n",
            "returnStatus",
        ),
        (
            ".github/workflows/ci.yml",
            "on: [push]\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: cargo test --workspace || true\n",
            "`cargo test --workspace || true`",
        ),
    ];
    for (path, text, why) in ignored {
        let f = repo(&[(path, text)]);
        let (o, m) = outcome(&f, "ci-runs-tests");
        assert_eq!(o, Outcome::Unknown, "{path}:\n{text}\n{m}");
        assert!(m.contains(why), "{m}");
        // Undecided for the tests only: clippy, run nowhere, fails.
        let (o, m) = outcome(&f, "ci-runs-clippy");
        assert_eq!(o, Outcome::Fail, "{m}");
    }
}

/// A workflow that runs `${{ env.CARGO }} test`, with `CARGO: cargo` in the job and a step that
/// switches it to `cross` through `$GITHUB_ENV` (ripgrep's CI): every value runs the tests, so
/// the tests run. A value known only at run time, or an action that may set the variable,
/// leaves the command known only at run time: unknown, never a pass.
#[test]
fn env_variables_written_in_the_workflow_are_resolved() {
    let workflow = |switch: &str| {
        format!(
            "on: [push]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: x\n    env:\n      \
             CARGO: cargo\n      TARGET_FLAGS:\n    steps:\n      - uses: actions/checkout@v4\n      \
             - run: |\n          {switch}\n          echo \"TARGET_FLAGS=--target ${{{{ matrix.target }}}}\" >> $GITHUB_ENV\n      \
             - run: ${{{{ env.CARGO }}}} test --workspace ${{{{ env.TARGET_FLAGS }}}}\n      \
             - run: |\n          if [[ \"${{{{ matrix.os }}}}\" == \"linux\" || \"$X\" == 1 ]]; then\n            cargo clippy\n          fi\n"
        )
    };
    let f = repo(&[(
        ".github/workflows/ci.yml",
        &workflow("echo \"CARGO=cross\" >> $GITHUB_ENV"),
    )]);
    let (o, m) = outcome(&f, "ci-runs-tests");
    assert_eq!(o, Outcome::Pass, "{m}");
    // `[[ … || … ]]` is a test, not two commands: nothing in it is "known only at run time".
    let (o, m) = outcome(&f, "ci-runs-clippy");
    assert_eq!(o, Outcome::Pass, "{m}");

    for (switch, why) in [
        ("echo \"CARGO=$TOOL\" >> $GITHUB_ENV", "a shell variable"),
        (
            "cat tools.env >> $GITHUB_ENV",
            "a write that is not NAME=value",
        ),
        (
            "echo \"CARGO=echo\" >> $GITHUB_ENV",
            "a value that runs no tests",
        ),
    ] {
        let f = repo(&[(".github/workflows/ci.yml", &workflow(switch))]);
        let (o, m) = outcome(&f, "ci-runs-tests");
        assert_ne!(o, Outcome::Pass, "{why}: {m}");
    }
    let hidden = workflow("echo ok").replace(
        "      - uses: actions/checkout@v4\n",
        "      - uses: actions/checkout@v4\n      - uses: some/sets-env@v1\n",
    );
    let f = repo(&[(".github/workflows/ci.yml", &hidden)]);
    let (o, m) = outcome(&f, "ci-runs-tests");
    assert_eq!(o, Outcome::Unknown, "an action that may set CARGO: {m}");
}

/// Review of the `${{ env.X }}` resolution: writes the reader misreads must never make the
/// tests run. Each workflow below runs no tests (`echo test`, or `cargo` with no subcommand).
#[test]
fn env_writes_that_are_misread_never_make_tests_run() {
    let workflow = |job_env: &str, setup: &str, run: &str| {
        format!(
            "on: [push]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: x\n{job_env}    \
             steps:\n      - uses: actions/checkout@v4\n{setup}      - run: {run}\n"
        )
    };
    let cargo_env = "    env:\n      CARGO: cargo\n";
    for (job_env, setup, run, why) in [
        (
            cargo_env,
            "      - run: echo X=1;echo CARGO=echo >> $GITHUB_ENV\n",
            "${{ env.CARGO }} test",
            "a second echo after `;` writes CARGO",
        ),
        (
            cargo_env,
            "      - shell: sh\n        run: echo \"X=1\\nCARGO=echo\" >> $GITHUB_ENV\n",
            "${{ env.CARGO }} test",
            "dash's echo writes two lines",
        ),
        (
            "",
            "      - run: |\n          if [ -n \"$NEVER\" ]; then\n            echo \"SUB=test\" >> $GITHUB_ENV\n          fi\n",
            "cargo ${{ env.SUB }}",
            "a write that may not happen leaves SUB empty",
        ),
        (
            "",
            "      - if: github.event_name == 'schedule'\n        run: echo \"SUB=test\" >> $GITHUB_ENV\n",
            "cargo ${{ env.SUB }}",
            "a step that may not run leaves SUB empty",
        ),
    ] {
        let f = repo(&[(".github/workflows/ci.yml", &workflow(job_env, setup, run))]);
        let (o, m) = outcome(&f, "ci-runs-tests");
        assert_ne!(o, Outcome::Pass, "{why}: {m}");
    }
}

/// A quoted `">"` is an argument, not a redirection: `cargo test ">" --no-run` builds the
/// tests and runs none.
#[test]
fn a_quoted_redirection_sign_is_an_argument() {
    let f = repo(&[(
        ".github/workflows/ci.yml",
        "on: [push]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: x\n    steps:\n      \
         - run: cargo test \">\" --no-run\n",
    )]);
    let (o, m) = outcome(&f, "ci-runs-tests");
    assert_ne!(o, Outcome::Pass, "{m}");
}

/// `${{ env.CARGO }} test` where CARGO may be `cargo` or `echo`: whether the tests run is
/// unknown, not failed.
#[test]
fn env_values_that_disagree_leave_the_activity_unknown() {
    let f = repo(&[(
        ".github/workflows/ci.yml",
        "on: [push]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: x\n    env:\n      \
         CARGO: cargo\n    steps:\n      - run: echo \"CARGO=echo\" >> $GITHUB_ENV\n      \
         - run: ${{ env.CARGO }} test\n",
    )]);
    let (o, m) = outcome(&f, "ci-runs-tests");
    assert_eq!(o, Outcome::Unknown, "{m}");
    assert!(m.contains("variables it names"), "{m}");
}
