//! The real binary on repositories built in temporary directories: output, exit codes, and
//! the ways it is invoked.

use std::path::Path;
use std::process::Command;

mod common;
use common::{BIN, sdl, text};

const NOW: &str = "2026-11-25T12:00:00Z";

fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    common::workspace_with(files)
}

/// An sdl.toml that lowers every deny-level rule except `keep` to warn, so that a test controls
/// exactly which rule can fail the run.
fn only_deny(dir: &Path, keep: &str) -> String {
    let out = sdl(dir, &["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut cfg = String::new();
    for rule in v["rules"].as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        if rule["default-level"] == "deny" && id != keep {
            cfg.push_str(&format!("[rules.{id}]\nlevel = \"warn\"\n"));
        }
    }
    cfg.push_str(&format!("[rules.{keep}]\nlevel = \"deny\"\n"));
    cfg
}

const SECURITY_MD: &str = "# Security policy\n\nReport vulnerabilities to security@example.com. \
We acknowledge reports within 3 business days and publish an advisory once a fix is released \
(coordinated disclosure, 90 days at most).\n";

#[test]
fn exit_code_follows_deny_level_findings() {
    let dir = workspace(&[]);
    let cfg = only_deny(dir.path(), "security-policy-present");
    std::fs::write(dir.path().join("sdl.toml"), &cfg).unwrap();

    let out = sdl(dir.path(), &["check", "--current-time", NOW]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("deny-level rules failed: security-policy-present"),
        "{stdout}"
    );

    std::fs::write(dir.path().join("SECURITY.md"), SECURITY_MD).unwrap();
    let out = sdl(dir.path(), &["check", "--current-time", NOW]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("no deny-level rule failed"));
}

#[test]
fn json_report_carries_the_contract_fields_and_is_deterministic() {
    let dir = workspace(&[("SECURITY.md", SECURITY_MD)]);
    let a = sdl(
        dir.path(),
        &["check", "--format", "json", "--current-time", NOW],
    );
    assert!(
        matches!(a.status.code(), Some(0 | 1)),
        "{}",
        text(&a.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).expect("stdout is only JSON");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["tool"]["name"], "cargo-sdl");
    assert_eq!(v["generated_at"], NOW);
    assert_eq!(v["product"]["name"], "demo");
    assert_eq!(v["product"]["version"], "0.3.0");
    assert_eq!(v["requirements"].as_array().unwrap().len(), 47);
    assert_eq!(v["practices"].as_array().unwrap().len(), 8);
    let dm1 = v["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "DM-1")
        .unwrap();
    assert_eq!(dm1["practice"], "DM");
    let policy = dm1["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "security-policy-present")
        .expect("DM-1 shows the security policy finding");
    assert_eq!(policy["outcome"], "pass");
    let evidence = &policy["evidence"][0];
    assert_eq!(evidence["path"], "SECURITY.md");
    assert_eq!(evidence["sha256"].as_str().unwrap().len(), 64);

    // Same inputs, same time: the same bytes. SOURCE_DATE_EPOCH is honoured like --current-time.
    let b = sdl(
        dir.path(),
        &["check", "--format", "json", "--current-time", NOW],
    );
    assert_eq!(a.stdout, b.stdout);
    let home = common::cargo_home(false);
    let c = common::command(dir.path(), home.path())
        .args(["check", "--format", "json"])
        .env("SOURCE_DATE_EPOCH", "1795608000")
        .output()
        .unwrap();
    let vc: serde_json::Value = serde_json::from_slice(&c.stdout).unwrap();
    assert_eq!(vc["generated_at"], "2026-11-25T12:00:00Z");
}

#[test]
fn hostile_configuration_is_a_clear_error_with_exit_code_2() {
    let dir = workspace(&[(
        "sdl.toml",
        "[product]\nname = \"x\"\n\n[documents]\nthreat-model = \"../../../etc/passwd\"\n",
    )]);
    let out = sdl(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.starts_with("error: "), "{err}");
    assert!(
        err.contains("sdl.toml") && err.contains("documents.threat-model"),
        "{err}"
    );
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout when the run fails"
    );

    std::fs::write(
        dir.path().join("sdl.toml"),
        "[product]\nname = \"x\"\n[product]\n",
    )
    .unwrap();
    let out = sdl(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("line 3"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn outside_a_workspace_is_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = sdl(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("could not find Cargo.toml"));
    let out = sdl(dir.path(), &["check", "--manifest-path", "nope/Cargo.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("nope/Cargo.toml"));
}

#[test]
fn usage_errors_are_exit_code_2_and_help_is_0() {
    let dir = workspace(&[]);
    assert_eq!(sdl(dir.path(), &["--no-such-flag"]).status.code(), Some(2));
    assert_eq!(
        sdl(dir.path(), &["check", "--format", "yaml"])
            .status
            .code(),
        Some(2)
    );
    let help = sdl(dir.path(), &["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let h = text(&help.stdout);
    assert!(
        h.contains("Exit codes") && h.contains("--manifest-path"),
        "{h}"
    );
    assert!(!h.contains("--current-time"), "--current-time stays hidden");
}

#[test]
fn runs_as_cargo_sdl_and_as_cargo_sdl_binary() {
    let dir = workspace(&[]);
    let home = common::cargo_home(false);
    let direct = common::binary(dir.path(), home.path())
        .arg("--version")
        .output()
        .unwrap();
    let via_sdl = sdl(dir.path(), &["--version"]);
    assert_eq!(direct.status.code(), Some(0));
    assert_eq!(text(&direct.stdout), text(&via_sdl.stdout));
    assert!(text(&direct.stdout).contains(env!("CARGO_PKG_VERSION")));

    // `cargo sdl` finds `cargo-sdl` on PATH.
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cargo_sdl = Command::new(cargo);
    common::isolate(&mut cargo_sdl, home.path());
    let out = cargo_sdl
        .args(["sdl", "explain", "SR-2"])
        .current_dir(dir.path())
        .env("PATH", path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Threat model"));
}

#[test]
fn rules_and_explain() {
    let dir = workspace(&[]);
    let out = sdl(dir.path(), &["rules", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["requirements"].as_array().unwrap().len(), 47);

    let md = text(&sdl(dir.path(), &["rules", "--format", "markdown"]).stdout);
    assert!(md.contains("### SR-2 Threat model"));
    assert!(
        md.contains("## SVV — Security verification and validation testing")
            || md.contains("## SVV")
    );

    let out = sdl(dir.path(), &["explain", "security-policy-present"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("DM-1"));
    let out = sdl(dir.path(), &["explain", "sr-2", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["id"], "SR-2");
    let out = sdl(dir.path(), &["explain", "XX-1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("neither a requirement nor a rule"));
}

#[test]
fn init_writes_the_layout_and_never_overwrites() {
    let dir = workspace(&[]);
    let out = sdl(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("created sdl.toml"));
    assert!(dir.path().join("sdl/attestations/README.md").is_file());
    std::fs::write(dir.path().join("sdl.toml"), "# mine\n").unwrap();
    let out = sdl(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("kept (exists) sdl.toml"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("sdl.toml")).unwrap(),
        "# mine\n"
    );
    // The written template is a valid configuration.
    std::fs::write(dir.path().join("sdl.toml"), cargo_sdl::config::TEMPLATE).unwrap();
    let out = sdl(dir.path(), &["check", "--current-time", NOW]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn colour_follows_the_flag_and_cargo_term_color() {
    let dir = workspace(&[]);
    let plain = sdl(
        dir.path(),
        &["check", "--color", "never", "--current-time", NOW],
    );
    assert!(!text(&plain.stdout).contains('\u{1b}'));
    let coloured = sdl(
        dir.path(),
        &["check", "--color", "always", "--current-time", NOW],
    );
    assert!(text(&coloured.stdout).contains('\u{1b}'));
    let home = common::cargo_home(false);
    let env = common::command(dir.path(), home.path())
        .args(["check", "--current-time", NOW])
        .env("CARGO_TERM_COLOR", "always")
        .output()
        .unwrap();
    assert!(text(&env.stdout).contains('\u{1b}'));
}

#[test]
fn repository_text_is_escaped_in_markdown() {
    let dir = workspace(&[(
        "sdl.toml",
        "[product]\nname = \"<script>alert(1)</script>\"\ndescription = \"[x](javascript:alert(1))\"\n",
    )]);
    let out = sdl(
        dir.path(),
        &["check", "--format", "markdown", "--current-time", NOW],
    );
    let md = text(&out.stdout);
    assert!(!md.contains("<script>"), "{md}");
    assert!(md.contains("&lt;script&gt;"), "{md}");
}

#[test]
fn waivers_accept_failures_until_they_expire_and_unused_ones_are_reported() {
    let dir = workspace(&[]);
    let mut cfg = only_deny(dir.path(), "security-policy-present");
    cfg.push_str(
        "[[waiver]]\nid = \"security-policy-present\"\nreason = \"policy is being written, due next sprint\"\n\
         owner = \"Ada\"\nexpires = 2026-12-31\n\n\
         [[waiver]]\nid = \"RUSTSEC-2020-0071\"\nreason = \"time 0.1 was removed\"\nowner = \"Ada\"\nexpires = 2027-01-31\n",
    );
    std::fs::write(dir.path().join("sdl.toml"), cfg).unwrap();

    let out = sdl(dir.path(), &["check", "--current-time", "2026-12-31"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let s = text(&out.stdout);
    assert!(
        s.contains(
            "security-policy-present (used; owner Ada, until 2026-12-31): policy is being written"
        ),
        "{s}"
    );
    assert!(
        s.contains("RUSTSEC-2020-0071 (unused: it matches nothing"),
        "{s}"
    );
    let v: serde_json::Value = serde_json::from_slice(
        &sdl(
            dir.path(),
            &["check", "--format", "json", "--current-time", "2026-12-31"],
        )
        .stdout,
    )
    .unwrap();
    let dm1 = v["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "DM-1")
        .unwrap();
    assert_eq!(dm1["status"], "waived", "{dm1}");

    // The day after it expires, the failure counts again.
    let out = sdl(dir.path(), &["check", "--current-time", "2027-01-01"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("security-policy-present (expired: counts as absent"));
}

#[cfg(unix)]
#[test]
fn an_sdl_toml_that_links_out_of_the_repository_is_neither_read_nor_echoed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "password = hunter2 [\n").unwrap();
    let dir = workspace(&[]);
    std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("sdl.toml")).unwrap();
    let out = sdl(dir.path(), &["check", "--current-time", NOW]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("sdl.toml") && err.contains("outside the repository"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
}
