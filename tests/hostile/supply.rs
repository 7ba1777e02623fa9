//! Hostile cases: supply. The repository names programs (cargo configuration, toolchain pins,
//! git configuration) and supplies its own advisory database; collecting evidence must run
//! none of those programs, and the repository's database must never decide a rule the
//! operator's could.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use super::common;

const NOW: &str = "2026-02-01";
const LIMIT: Duration = Duration::from_secs(120);

/// `cargo-sdl sdl ARGS` in `dir`, bounded, with `cargo_home` as CARGO_HOME; `env` adjusts it.
fn run(dir: &Path, home: &Path, args: &[&str], env: impl FnOnce(&mut Command)) -> Output {
    let mut cmd = common::command(dir, home);
    cmd.args(args);
    env(&mut cmd);
    let out = common::output_within(&mut cmd, LIMIT);
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "exit code {:?} (a panic is 101):\n{}",
        out.status.code(),
        common::text(&out.stderr)
    );
    out
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            common::text(&out.stdout),
            common::text(&out.stderr)
        )
    })
}

fn finding<'a>(report: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no finding for {rule}"))
}

/// A shell script at `path` that records its run in `markers/name`, then does `then`.
#[cfg(unix)]
fn marker_script(path: &Path, markers: &Path, name: &str, then: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        path,
        format!(
            "#!/bin/sh\necho ran >> '{}/{name}'\n{then}\n",
            markers.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn assert_no_marker(markers: &Path) {
    let ran: Vec<String> = std::fs::read_dir(markers)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(ran.is_empty(), "repository programs ran: {ran:?}");
}

/// The cargo facts of a JSON report, which must come from cargo metadata (it ran, safely).
fn assert_metadata_ran(report: &serde_json::Value) -> &serde_json::Value {
    let cargo = &report["evidence"]["cargo"];
    assert_eq!(cargo["state"], "present", "{cargo}");
    let facts = &cargo["value"];
    assert_eq!(facts["origin"], "cargo-metadata", "{facts}");
    assert!(
        facts["toolchain"].as_str().unwrap().starts_with("rustc "),
        "{facts}"
    );
    facts
}

#[cfg(unix)]
#[test]
fn cargo_configuration_and_toolchain_pins_never_run_repository_programs() {
    let markers = tempfile::tempdir().unwrap();
    let m = markers.path();
    let ws = common::passing_workspace();
    let root = ws.path();
    let bin = root.join("tools");
    let wrap = "exec \"$@\"";
    marker_script(&bin.join("rustc-wrapper"), m, "rustc-wrapper", wrap);
    marker_script(&bin.join("workspace-wrapper"), m, "workspace-wrapper", wrap);
    marker_script(&bin.join("rustc"), m, "build.rustc", "exec rustc \"$@\"");
    marker_script(&bin.join("credential"), m, "credential-provider", "exit 1");
    // A custom toolchain inside the repository, as `rust-toolchain.toml` `path` names it.
    marker_script(&root.join("tc/bin/cargo"), m, "toolchain-cargo", "exit 1");
    marker_script(&root.join("tc/bin/rustc"), m, "toolchain-rustc", "exit 1");
    std::fs::create_dir_all(root.join("tc/lib")).unwrap();
    let b = bin.display();
    common::write_files(
        root,
        &[
            (
                ".cargo/config.toml",
                &format!(
                    "[build]\nrustc-wrapper = \"{b}/rustc-wrapper\"\n\
                     rustc-workspace-wrapper = \"{b}/workspace-wrapper\"\n\
                     rustc = \"{b}/rustc\"\nrustflags = [\"--cfg\", \"from_the_repository\"]\n\
                     [registry]\ncredential-provider = \"{b}/credential\"\n\
                     global-credential-providers = [\"{b}/credential\"]\n\
                     [registries.private]\nindex = \"sparse+https://registry.invalid/index/\"\n\
                     credential-provider = \"{b}/credential\"\n\
                     [net]\ngit-fetch-with-cli = true\n"
                ),
            ),
            (
                "rust-toolchain.toml",
                &format!("[toolchain]\npath = \"{}\"\n", root.join("tc").display()),
            ),
        ],
    );
    let home = common::cargo_home(true);
    let args = [
        "check",
        "--offline",
        "--format",
        "json",
        "--current-time",
        NOW,
    ];
    // As cargo runs a subcommand (CARGO set to a trusted cargo, when the test runner has one),
    // as a direct run (no CARGO: the sysroot of `rustc` from `/`), and as if a rustup proxy
    // had honoured the repository's path toolchain (CARGO and RUSTUP_TOOLCHAIN into it).
    let tc = root.join("tc");
    type Adjust<'a> = Box<dyn Fn(&mut Command) + 'a>;
    let runs: [(&str, Adjust<'_>); 3] = [
        ("inherited", Box::new(|_| {})),
        (
            "direct",
            Box::new(|c| {
                c.env_remove("CARGO").env_remove("RUSTUP_TOOLCHAIN");
            }),
        ),
        (
            "proxied",
            Box::new(|c| {
                c.env("CARGO", tc.join("bin/cargo"))
                    .env("RUSTUP_TOOLCHAIN", &tc);
            }),
        ),
    ];
    for (how, env) in runs {
        let out = run(root, home.path(), &args, |c| env(c));
        assert_no_marker(m);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{how}: {}",
            common::text(&out.stderr)
        );
        let report = json(&out);
        let facts = assert_metadata_ran(&report);
        let pin = facts["toolchain_pin"].as_str().unwrap();
        assert!(
            pin.starts_with("rust-toolchain.toml names a toolchain by path")
                && pin.contains("it was not run"),
            "{how}: {pin}"
        );
        if how == "proxied" {
            assert!(
                pin.contains("CARGO names a program inside the repository"),
                "{pin}"
            );
        }
        let config = facts["cargo_config"].as_str().unwrap();
        for key in [
            "build.rustc-wrapper",
            "build.rustc-workspace-wrapper",
            "build.rustc",
            "build.rustflags",
            "registry.credential-provider",
            "registry.global-credential-providers",
            "registries.private.credential-provider",
            "net.git-fetch-with-cli",
        ] {
            assert!(config.contains(key), "{how}: {key} missing from {config}");
        }
        assert!(
            config.contains("passed on: registries.private.index"),
            "{config}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_missing_pinned_toolchain_is_recorded_and_the_trusted_one_runs() {
    let ws = common::passing_workspace();
    common::write_files(
        ws.path(),
        &[("rust-toolchain.toml", "[toolchain]\nchannel = \"1.2.3\"\n")],
    );
    let home = common::cargo_home(true);
    let out = run(
        ws.path(),
        home.path(),
        &["check", "--offline", "--current-time", NOW],
        |c| {
            c.env_remove("CARGO").env_remove("RUSTUP_TOOLCHAIN");
        },
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    let human = common::text(&out.stdout);
    assert!(human.contains("cargo metadata: ran with rustc "), "{human}");
    assert!(
        human.contains("rust-toolchain.toml pins \"1.2.3\", which was not honoured"),
        "{human}"
    );
}

/// `[env]` reaches the rustc that cargo metadata starts, and `force = true` beats the
/// environment: only running cargo outside the repository keeps it out. Needs a C compiler to
/// build the library; skipped without one.
#[cfg(target_os = "linux")]
#[test]
fn cargo_env_section_cannot_preload_a_library() {
    let markers = tempfile::tempdir().unwrap();
    let ws = common::passing_workspace();
    let root = ws.path();
    let marker = markers.path().join("preload");
    std::fs::write(
        root.join("evil.c"),
        format!(
            "#include <stdio.h>\n__attribute__((constructor)) static void ran(void) {{ \
             FILE *f = fopen(\"{}\", \"a\"); if (f) {{ fputs(\"ran\\n\", f); fclose(f); }} }}\n",
            marker.display()
        ),
    )
    .unwrap();
    if !common::require_tool("cc") {
        return;
    }
    let built = Command::new("cc")
        .args(["-shared", "-fPIC", "-o", "evil.so", "evil.c"])
        .current_dir(root)
        .output();
    assert!(
        built.as_ref().is_ok_and(|o| o.status.success()),
        "cc could not build the preload library: {built:?}"
    );
    common::write_files(
        root,
        &[(
            ".cargo/config.toml",
            "[env]\nLD_PRELOAD = { value = \"evil.so\", relative = true, force = true }\n\
             LD_LIBRARY_PATH = { value = \".\", relative = true, force = true }\n",
        )],
    );
    let home = common::cargo_home(true);
    let out = run(
        root,
        home.path(),
        &[
            "check",
            "--offline",
            "--format",
            "json",
            "--current-time",
            NOW,
        ],
        |_| {},
    );
    assert!(!marker.exists(), "the repository's library was loaded");
    let report = json(&out);
    let facts = assert_metadata_ran(&report);
    assert!(
        facts["cargo_config"]
            .as_str()
            .unwrap()
            .contains("env.LD_PRELOAD"),
        "{facts}"
    );
}

#[cfg(unix)]
#[test]
fn git_configuration_programs_never_run() {
    let markers = tempfile::tempdir().unwrap();
    let m = markers.path();
    let ws = common::passing_workspace();
    let root = ws.path();
    let who = common::Identity {
        author: ("Ada", "ada@example.org"),
        committer: ("Ada", "ada@example.org"),
        date: "2026-01-15T12:00:00Z",
    };
    common::write_files(root, &[(".gitattributes", "* filter=evil diff=evil\n")]);
    common::git_as(root, &who, &["init", "-q"]);
    common::git_as(root, &who, &["add", "-A"]);
    common::git_as(root, &who, &["commit", "-q", "-m", "Initial commit"]);
    // The hooks folder and an included file live outside the repository and the markers.
    let elsewhere = tempfile::tempdir().unwrap();
    let hooks = elsewhere.path().join("hooks");
    for hook in [
        "post-checkout",
        "post-index-change",
        "reference-transaction",
        "fsmonitor-watchman",
        "pre-commit",
        "post-merge",
    ] {
        marker_script(&hooks.join(hook), m, hook, "exit 0");
    }
    let prog = |name: &str| {
        let p = root.join(".git").join(name);
        marker_script(&p, m, name, "exit 1");
        p.display().to_string()
    };
    let outside = elsewhere.path().join("included.cfg");
    std::fs::write(&outside, format!("[core]\n\tpager = {}\n", prog("pager"))).unwrap();
    let mut config = std::fs::read_to_string(root.join(".git/config")).unwrap();
    config.push_str(&format!(
        "[core]\n\tfsmonitor = {}\n\thooksPath = {}\n\tsshCommand = {}\n\taskPass = {}\n\
         [filter \"evil\"]\n\tclean = {}\n\tsmudge = {}\n\tprocess = {}\n\trequired = true\n\
         [diff \"evil\"]\n\ttextconv = {}\n\tcommand = {}\n\
         [gpg]\n\tprogram = {}\n[gpg \"ssh\"]\n\tprogram = {}\n\
         [credential]\n\thelper = {}\n[include]\n\tpath = {}\n",
        prog("fsmonitor"),
        hooks.display(),
        prog("ssh"),
        prog("askpass"),
        prog("clean"),
        prog("smudge"),
        prog("process"),
        prog("textconv"),
        prog("diff"),
        prog("gpg"),
        prog("gpg-ssh"),
        prog("credential"),
        outside.display(),
    ));
    std::fs::write(root.join(".git/config"), config).unwrap();
    let home = common::cargo_home(true);
    let out = run(
        root,
        home.path(),
        &[
            "check",
            "--offline",
            "--format",
            "json",
            "--current-time",
            NOW,
        ],
        |_| {},
    );
    assert_no_marker(m);
    let report = json(&out);
    assert_eq!(report["evidence"]["git"]["state"], "present");
    let pkg = tempfile::tempdir().unwrap();
    let dest = pkg.path().join("pkg");
    run(
        root,
        home.path(),
        &[
            "report",
            "--offline",
            "--out",
            dest.to_str().unwrap(),
            "--current-time",
            NOW,
        ],
        |_| {},
    );
    assert_no_marker(m);
}

#[test]
fn a_workspace_above_the_repository_is_not_assessed() {
    let outer = tempfile::tempdir().unwrap();
    common::write_files(
        outer.path(),
        &[
            ("Cargo.toml", "[workspace]\nmembers = [\"repo\"]\n"),
            (
                "repo/Cargo.toml",
                "[package]\nname = \"inner\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            ("repo/src/lib.rs", "#![forbid(unsafe_code)]\n"),
        ],
    );
    let repo = outer.path().join("repo");
    // The repository's top is `repo`: the search for the workspace never leaves it.
    std::fs::create_dir(repo.join(".git")).unwrap();
    let home = common::cargo_home(true);
    let out = run(
        &repo,
        home.path(),
        &[
            "check",
            "--offline",
            "--format",
            "json",
            "--current-time",
            NOW,
        ],
        |_| {},
    );
    let report = json(&out);
    let cargo = &report["evidence"]["cargo"];
    assert_eq!(cargo["state"], "failed", "{cargo}");
    let error = cargo["error"].as_str().unwrap();
    assert!(
        error.contains("workspace rooted at the folder .. above it")
            && error.contains("a workspace outside the repository is not assessed"),
        "{error}"
    );
    assert!(
        !error.contains(&outer.path().display().to_string()),
        "no host path: {error}"
    );
    assert_eq!(finding(&report, "licenses-declared")["outcome"], "unknown");
}

/// The demo workspace (a Cargo.lock with demo-crate 1.0.0, which the fixture database says is
/// vulnerable) with an empty database of its own configured.
fn workspace_with_fake_database(db_files: &[(&str, &str)]) -> tempfile::TempDir {
    let ws = tempfile::tempdir().unwrap();
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/supply/demo"),
        ws.path(),
    );
    common::write_files(
        ws.path(),
        &[("sdl.toml", "[advisories]\ndb = \"fakedb\"\n")],
    );
    std::fs::create_dir_all(ws.path().join("fakedb/crates")).unwrap();
    common::write_files(ws.path(), db_files);
    ws
}

#[test]
fn the_operators_database_wins_over_the_repositorys_empty_one() {
    let ws = workspace_with_fake_database(&[]);
    let home = common::cargo_home(true);
    let out = run(
        ws.path(),
        home.path(),
        &[
            "check",
            "--offline",
            "--format",
            "json",
            "--current-time",
            NOW,
        ],
        |_| {},
    );
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let db = &report["evidence"]["advisories"]["value"]["database"];
    assert_eq!(db["path"], "$CARGO_HOME/advisory-db", "{db}");
    assert_eq!(db["origin"], "CARGO_HOME (cargo-audit)");
    assert!(
        db["overridden"].as_str().unwrap().contains("fakedb"),
        "{db}"
    );
    let vulns = finding(&report, "no-known-vulnerabilities");
    assert_eq!(vulns["outcome"], "fail", "{vulns}");
    assert!(
        vulns["message"]
            .as_str()
            .unwrap()
            .contains("RUSTSEC-2026-9001")
    );
    assert!(common::text(&out.stderr).contains("deny-level rule failed: no-known-vulnerabilities"));
    // --advisory-db (the operator, on the command line) wins too.
    let out = run(
        ws.path(),
        home.path(),
        &[
            "check",
            "--offline",
            "--format",
            "json",
            "--current-time",
            NOW,
            "--advisory-db",
            common::fixture_advisory_db().to_str().unwrap(),
        ],
        |_| {},
    );
    let report = json(&out);
    assert_eq!(
        report["evidence"]["advisories"]["value"]["database"]["origin"],
        "--advisory-db"
    );
    assert_eq!(
        finding(&report, "no-known-vulnerabilities")["outcome"],
        "fail"
    );
}

#[test]
fn an_empty_database_is_no_database_and_fails_closed() {
    let ws = workspace_with_fake_database(&[]);
    let home = common::cargo_home(false);
    let args = [
        "check",
        "--offline",
        "--format",
        "json",
        "--current-time",
        NOW,
    ];
    let out = run(ws.path(), home.path(), &args, |_| {});
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let advisories = &report["evidence"]["advisories"];
    assert_eq!(advisories["state"], "failed", "{advisories}");
    let error = advisories["error"].as_str().unwrap();
    assert!(
        error.contains("advisory database fakedb: not a RustSec advisory database")
            && error.contains("cargo sdl fetch")
            && error.contains("supplied by the repository"),
        "{error}"
    );
    for rule in ["no-known-vulnerabilities", "advisory-db-fresh"] {
        assert_eq!(finding(&report, rule)["outcome"], "unknown", "{rule}");
    }
    let gate = common::text(&out.stderr);
    assert!(
        gate.contains("deny-level rule no-known-vulnerabilities is unknown")
            && gate.contains("cargo sdl fetch")
            && gate.contains("--allow-unknown no-known-vulnerabilities"),
        "{gate}"
    );
    assert_eq!(
        report["summary"]["undecided"],
        serde_json::json!(["no-known-vulnerabilities"])
    );

    // Accepting the unknown explicitly lets the gate pass (the other deny rules are lowered
    // here, so that only this rule decides).
    common::write_files(
        ws.path(),
        &[(
            "sdl.toml",
            "[advisories]\ndb = \"fakedb\"\n[rules.security-policy-present]\nlevel = \"warn\"\n\
             [rules.threat-model-present]\nlevel = \"warn\"\n",
        )],
    );
    let mut allowed = args.to_vec();
    allowed.extend(["--allow-unknown", "no-known-vulnerabilities"]);
    let out = run(ws.path(), home.path(), &allowed, |_| {});
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    let out = run(ws.path(), home.path(), &args, |_| {});
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_repository_database_is_used_only_without_the_operators_and_says_so() {
    let advisory = std::fs::read_to_string(
        common::fixture_advisory_db().join("crates/old-crate/RUSTSEC-2025-9002.md"),
    )
    .unwrap();
    let ws = workspace_with_fake_database(&[(
        "fakedb/crates/old-crate/RUSTSEC-2025-9002.md",
        &advisory,
    )]);
    let home = common::cargo_home(false);
    let out = run(
        ws.path(),
        home.path(),
        &["check", "--offline", "--current-time", NOW],
        |_| {},
    );
    let human = common::text(&out.stdout);
    assert!(
        human.contains("advisory database: fakedb (supplied by the repository"),
        "{human}"
    );
    // A database outside the repository is the operator's to name, not the configuration's.
    common::write_files(
        ws.path(),
        &[("sdl.toml", "[advisories]\ndb = \"../elsewhere\"\n")],
    );
    let out = run(
        ws.path(),
        home.path(),
        &[
            "check",
            "--offline",
            "--format",
            "json",
            "--current-time",
            NOW,
        ],
        |_| {},
    );
    let report = json(&out);
    let error = report["evidence"]["advisories"]["error"].as_str().unwrap();
    assert!(error.contains("climbs out with `..`"), "{error}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn gate_ids_are_checked_before_collecting() {
    let ws = common::passing_workspace();
    let home = common::cargo_home(true);
    for (flag, id, what) in [
        ("--allow-unknown", "no-such-rule", "is not a rule id"),
        ("--deny-unknown", "XX-9", "is not a requirement id"),
    ] {
        let out = run(ws.path(), home.path(), &["check", flag, id], |_| {});
        assert_eq!(out.status.code(), Some(2));
        let err = common::text(&out.stderr);
        assert!(err.contains(flag) && err.contains(what), "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_threat_model_that_is_a_folder_is_a_configuration_error() {
    let ws = common::passing_workspace();
    common::write_files(
        ws.path(),
        &[("sdl.toml", "[documents]\nthreat-model = \".\"\n")],
    );
    let home = common::cargo_home(true);
    let out = run(
        ws.path(),
        home.path(),
        &["check", "--current-time", NOW],
        |_| {},
    );
    assert_eq!(out.status.code(), Some(2));
    let err = common::text(&out.stderr);
    assert!(
        err.contains("documents.threat-model") && err.contains("is a directory"),
        "{err}"
    );
}
