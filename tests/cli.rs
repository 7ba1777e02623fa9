//! The real binary on repositories built in temporary directories: the cases that need more
//! than a fixed workspace and fragments of output (computed configurations, two runs compared,
//! symlinks, the ways it is invoked). Simple cases are data in `tests/cli-cases/`.

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

    // Same inputs, same time: the same bytes (SOURCE_DATE_EPOCH: tests/cli-cases).
    let b = sdl(
        dir.path(),
        &["check", "--format", "json", "--current-time", NOW],
    );
    assert_eq!(a.stdout, b.stdout);
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
fn waivers_accept_failures_until_they_expire_and_unused_ones_are_reported() {
    // A waiver's owner holds an SDL role.
    let dir = workspace(&[(
        "sdl/roles.toml",
        "[roles.security-officer]\ndescription = \"owns the SDL\"\nholders = [\"Ada\"]\n",
    )]);
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

#[test]
fn a_waiver_without_an_accountable_owner_or_renewal_accepts_nothing() {
    let dir = workspace(&[(
        "sdl/roles.toml",
        "[roles.security-officer]\ndescription = \"owns the SDL\"\nholders = [\"Ada\"]\n",
    )]);
    let base = only_deny(dir.path(), "security-policy-present");
    for (waiver, why) in [
        // The owner holds no SDL role.
        (
            "owner = \"Mallory\"\nexpires = 2026-12-31\n",
            "owner `Mallory` holds no SDL role",
        ),
        // More than a year ahead of the assessment.
        (
            "owner = \"Ada\"\nexpires = 2099-12-31\n",
            "more than 365 days after 2026-06-01",
        ),
        // More than the organisation's own, shorter policy allows.
        (
            "owner = \"Ada\"\nexpires = 2026-12-31\n\n[waiver-policy]\nmax-days = 90\n",
            "more than 90 days after 2026-06-01",
        ),
    ] {
        let cfg = format!(
            "{base}[[waiver]]\nid = \"security-policy-present\"\nreason = \"policy is being written\"\n{waiver}"
        );
        std::fs::write(dir.path().join("sdl.toml"), cfg).unwrap();
        let out = sdl(dir.path(), &["check", "--current-time", "2026-06-01"]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{waiver}: {}",
            text(&out.stdout)
        );
        let s = text(&out.stdout);
        assert!(s.contains("(invalid: counts as absent"), "{s}");
        assert!(s.contains(why), "{why}: {s}");
    }
    // A policy cannot lengthen the year.
    std::fs::write(
        dir.path().join("sdl.toml"),
        format!("{base}[waiver-policy]\nmax-days = 400\n"),
    )
    .unwrap();
    let out = sdl(dir.path(), &["check", "--current-time", "2026-06-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("waiver-policy.max-days"));
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

#[test]
fn reports_name_each_ci_system_and_what_was_read() {
    let dir = workspace(&[
        (
            ".buildkite/pipeline.yml",
            "steps:\n  - label: unit\n    command: ./ci/t.sh\n  - command: .buildkite/gen.sh | buildkite-agent pipeline upload\n",
        ),
        ("ci/t.sh", "cargo test\n"),
        (
            ".gitlab-ci.yml",
            "lint:\n  script: cargo clippy -- -D warnings\n",
        ),
    ]);
    let human = text(&sdl(dir.path(), &["check", "--current-time", NOW]).stdout);
    assert!(
        human.contains("CI: GitLab CI: 1 pipeline file(s) (.gitlab-ci.yml), 1 job(s)\n"),
        "{human}"
    );
    assert!(
        human.contains(
            "CI: Buildkite: 1 pipeline file(s) (.buildkite/pipeline.yml), 2 job(s); also read \
             ci/t.sh; 1 reference(s) not seen (1 generated at run time)"
        ),
        "{human}"
    );
    let md = text(
        &sdl(
            dir.path(),
            &["check", "--current-time", NOW, "--format", "markdown"],
        )
        .stdout,
    );
    assert!(md.contains("## CI configuration read"), "{md}");
    assert!(
        md.contains("| Buildkite | \\.buildkite/pipeline\\.yml | 2 | ci/t\\.sh | generated at run time: \\.buildkite/pipeline\\.yml:4: uploads the pipeline that"),
        "{md}"
    );
}
