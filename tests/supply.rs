//! Supply-chain evidence end to end: Cargo.lock and cargo metadata, SBOM generation and
//! ingestion, RustSec advisories (a hand-made database and the shared real snapshot), the
//! lockfile history, and bad input. No test touches the network: cargo metadata runs with
//! `--offline` on path-only workspaces, or is refused by `--locked` and the Cargo.lock fallback
//! is used.

mod common;
use std::path::{Path, PathBuf};

use cargo_sdl::collect::{advisories, cargo, sbom as sbom_collect};
use cargo_sdl::config::{Config, Product};
use cargo_sdl::facts::Collected;
use cargo_sdl::facts::cargo::{AdvisoryKind, CargoOrigin, PackageSource, SbomValidation};
use cyclonedx_bom::models::bom::{Bom, SpecVersion};
use cyclonedx_bom::validation::Validate;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/supply")
        .join(name)
}

/// The real RustSec snapshot CI lays beside the clone, or `None` (a failure under `CI=true`).
fn shared_db() -> Option<PathBuf> {
    common::shared_advisory_db()
}

/// A copy of a fixture workspace in a temporary directory, so nothing writes into the repo.
fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    common::copy_dir(from, to);
}

fn git(dir: &Path, args: &[&str], date: &str) {
    common::git_as(
        dir,
        &common::Identity::of("Ada", "ada@example.org", date),
        args,
    );
}

fn commit_all(dir: &Path, message: &str, date: &str) {
    git(dir, &["add", "-A"], date);
    git(dir, &["commit", "-q", "-m", message], date);
}

fn product(name: &str, version: &str) -> Product {
    Product {
        name: name.into(),
        version: version.into(),
        ..Product::default()
    }
}

fn ids(facts: &cargo_sdl::facts::AdvisoryFacts, kind: AdvisoryKind) -> Vec<&str> {
    facts
        .matches
        .iter()
        .filter(|m| m.kind == kind)
        .map(|m| m.id.as_str())
        .collect()
}

#[test]
fn shared_database_flags_exactly_the_expected_advisories() {
    let Some(db) = shared_db() else { return };
    let (db, info) = advisories::open_database(&db, "test").unwrap();
    assert!(info.advisories > 1000, "{}", info.advisories);
    let facts = advisories::check_lockfile(&db, info, &fixture("vulnerable/Cargo.lock")).unwrap();
    assert_eq!(
        ids(&facts, AdvisoryKind::Vulnerability),
        ["RUSTSEC-2020-0071"]
    );
    assert_eq!(
        ids(&facts, AdvisoryKind::Unmaintained),
        ["RUSTSEC-2021-0139"]
    );
    assert_eq!(facts.matches.len(), 2);
    assert_eq!(facts.scanned, 4);
    assert_eq!(facts.not_covered, ["forked 0.3.0"]);
    let time = &facts.matches[0];
    assert_eq!(
        (
            time.package.as_str(),
            time.version.as_str(),
            time.date.as_str()
        ),
        ("time", "0.1.45", "2020-11-18")
    );
    assert_eq!(time.cvss_score, Some(6.2));
    assert_eq!(time.patched, [">=0.2.23"]);
}

#[test]
fn shared_database_on_this_repository_runs() {
    let Some(db) = shared_db() else { return };
    let (db, info) = advisories::open_database(&db, "test").unwrap();
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock");
    let facts = advisories::check_lockfile(&db, info, &lock).unwrap();
    assert!(facts.scanned > 100, "{}", facts.scanned);
}

#[test]
fn hand_made_database_dates_and_matches() {
    let (db, info) = advisories::open_database(&fixture("advisory-db"), "test").unwrap();
    assert_eq!(info.advisories, 2);
    assert_eq!(info.date, "2026-01-10");
    assert_eq!(info.date_source, "newest advisory");
    assert_eq!(info.commit, None);
    let facts = advisories::check_lockfile(&db, info, &fixture("demo/Cargo.lock")).unwrap();
    assert_eq!(
        ids(&facts, AdvisoryKind::Vulnerability),
        ["RUSTSEC-2026-9001"]
    );
    assert_eq!(
        ids(&facts, AdvisoryKind::Unmaintained),
        ["RUSTSEC-2025-9002"]
    );
    assert_eq!(facts.scanned, 3);
}

#[test]
fn broken_advisory_file_is_named() {
    let err = advisories::open_database(&fixture("advisory-db-broken"), "test").unwrap_err();
    assert!(
        err.contains("crates/demo-crate/RUSTSEC-2026-9003.md"),
        "{err}"
    );
}

/// `cargo sdl check --format json` on `dir`, as (exit code, report).
fn check_json(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let home = common::cargo_home(false);
    let out = common::command(dir, home.path())
        .args(["check", "--format", "json", "--offline", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .args(extra)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), report)
}

fn finding<'a>(report: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no finding for {rule}"))
}

#[test]
fn database_staleness_follows_the_evaluation_time() {
    let ws = copy_fixture("demo");
    let db = fixture("advisory-db");
    let db = db.to_str().unwrap();
    let (_, report) = check_json(
        ws.path(),
        &["--advisory-db", db, "--current-time", "2026-05-01"],
    );
    let fresh = finding(&report, "advisory-db-fresh");
    assert_eq!(fresh["outcome"], "fail");
    assert_eq!(
        fresh["message"],
        "the advisory database (--advisory-db, 2026-01-10 from newest advisory) is 111 days old, more than 90"
    );
    let vulns = finding(&report, "no-known-vulnerabilities");
    assert_eq!(vulns["outcome"], "fail");
    assert_eq!(vulns["level"], "deny");
    assert_eq!(
        vulns["message"],
        "1 known vulnerability in Cargo.lock: RUSTSEC-2026-9001 (demo-crate 1.0.0, cvss 9.8, patched >=1.1.0)"
    );
    let (_, report) = check_json(
        ws.path(),
        &["--advisory-db", db, "--current-time", "2026-02-01"],
    );
    assert_eq!(finding(&report, "advisory-db-fresh")["outcome"], "pass");
}

#[test]
fn advisory_waivers_are_applied_and_reported() {
    let ws = copy_fixture("demo");
    // Waivers are owned by a holder of an SDL role.
    std::fs::create_dir_all(ws.path().join("sdl")).unwrap();
    std::fs::write(
        ws.path().join("sdl/roles.toml"),
        "[roles.psirt-lead]\ndescription = \"runs intake\"\nholders = [\"security@example.org\"]\n",
    )
    .unwrap();
    std::fs::write(
        ws.path().join("sdl.toml"),
        r#"
[[waiver]]
id = "CVE-2026-99001"
reason = "the affected function is never called"
owner = "security@example.org"
expires = 2026-12-31

[[waiver]]
id = "RUSTSEC-2025-9002"
reason = "replacement planned"
owner = "security@example.org"
expires = 2026-01-31
"#,
    )
    .unwrap();
    let db = fixture("advisory-db");
    let (_, report) = check_json(
        ws.path(),
        &[
            "--advisory-db",
            db.to_str().unwrap(),
            "--current-time",
            "2026-02-01",
        ],
    );
    let vulns = finding(&report, "no-known-vulnerabilities");
    assert_eq!(vulns["outcome"], "pass");
    assert_eq!(vulns["waivers_used"], serde_json::json!(["CVE-2026-99001"]));
    // The second waiver expired the day before: the unmaintained crate counts again.
    assert_eq!(
        finding(&report, "no-unmaintained-or-unsound")["outcome"],
        "fail"
    );
    let states: Vec<(String, String)> = report["waivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["id"].as_str().unwrap().into(),
                w["state"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("CVE-2026-99001".to_string(), "used".to_string()),
            ("RUSTSEC-2025-9002".to_string(), "expired".to_string())
        ]
    );
}

/// The evidence package's SBOM carries every matching advisory as a CycloneDX VEX entry: a
/// waiver that holds is `not_affected` (with the justification its reason names), an expired
/// one counts as absent. `cargo sdl sbom`, which opens no database, writes the same inventory
/// (same serial number) without them.
#[test]
fn the_package_sbom_says_what_the_waivers_decided() {
    let ws = copy_fixture("demo");
    std::fs::create_dir_all(ws.path().join("sdl")).unwrap();
    std::fs::write(
        ws.path().join("sdl/roles.toml"),
        "[roles.psirt-lead]\ndescription = \"runs intake\"\nholders = [\"security@example.org\"]\n",
    )
    .unwrap();
    std::fs::write(
        ws.path().join("sdl.toml"),
        r#"
[[waiver]]
id = "CVE-2026-99001"
reason = "code_not_reachable: the affected function is never called"
owner = "security@example.org"
expires = 2026-12-31

[[waiver]]
id = "RUSTSEC-2025-9002"
reason = "replacement planned"
owner = "security@example.org"
expires = 2026-01-31
"#,
    )
    .unwrap();
    let db = fixture("advisory-db");
    let home = common::cargo_home(false);
    let out_dir = tempfile::tempdir().unwrap();
    let pkg = out_dir.path().join("pkg");
    let out = common::command(ws.path(), home.path())
        .args(["--offline", "--manifest-path"])
        .arg(ws.path().join("Cargo.toml"))
        .arg("--advisory-db")
        .arg(&db)
        .args(["--current-time", "2026-02-01", "report", "--out"])
        .arg(&pkg)
        .output()
        .unwrap();
    assert!(
        pkg.join("sbom.cdx.json").is_file(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(pkg.join("sbom.cdx.json")).unwrap();
    let bom = Bom::parse_from_json(&bytes[..]).unwrap();
    assert!(bom.validate_version(SpecVersion::V1_5).passed());
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let vulns = doc["vulnerabilities"].as_array().unwrap();
    let ids: Vec<&str> = vulns.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["RUSTSEC-2025-9002", "RUSTSEC-2026-9001"]);

    let waived = &vulns[1];
    assert_eq!(waived["analysis"]["state"], "not_affected");
    assert_eq!(waived["analysis"]["justification"], "code_not_reachable");
    assert_eq!(waived["affects"][0]["ref"], "pkg:cargo/demo-crate@1.0.0");
    assert_eq!(waived["references"][0]["id"], "CVE-2026-99001");
    let expired = &vulns[0];
    assert_eq!(expired["analysis"]["state"], "exploitable");
    let detail = expired["analysis"]["detail"].as_str().unwrap();
    assert!(
        detail.contains("RUSTSEC-2025-9002 expired on 2026-01-31"),
        "{detail}"
    );

    // The report quotes the serial number of this SBOM's inventory.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pkg.join("report.json")).unwrap()).unwrap();
    assert_eq!(
        report["evidence"]["sbom"]["value"]["generated"]["value"]["serial_number"],
        doc["serialNumber"]
    );
    // The OSCAL plan reference resolves to this report.json, digest and all.
    let oscal: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pkg.join("oscal-assessment-results.json")).unwrap())
            .unwrap();
    let rlink = &oscal["assessment-results"]["back-matter"]["resources"][0]["rlinks"][0];
    assert_eq!(rlink["href"], "report.json");
    assert_eq!(
        rlink["hashes"][0]["value"],
        cargo_sdl::digest::sha256_hex(&std::fs::read(pkg.join("report.json")).unwrap())
    );
    // Code scanning finds the vulnerable package where it is locked.
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pkg.join("report.sarif")).unwrap()).unwrap();
    let unmaintained = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "no-unmaintained-or-unsound")
        .unwrap();
    assert_eq!(
        unmaintained["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "Cargo.lock"
    );
    let plain = sbom_cli(ws.path(), "1769904000");
    let plain: serde_json::Value = serde_json::from_slice(&plain).unwrap();
    assert!(plain.get("vulnerabilities").is_none());
    assert_eq!(plain["serialNumber"], doc["serialNumber"]);
}

/// Cargo.lock alone says nothing about licences: the SBOM says so instead of guessing, and
/// still carries the lockfile's SHA-256 for every registry package.
#[test]
fn the_lockfile_fallback_sbom_declares_licences_unavailable() {
    let lock = cargo::read_lockfile(&fixture("vulnerable"))
        .unwrap()
        .unwrap();
    let facts = cargo::from_lockfile(&lock.1);
    let now = cargo_sdl::timefmt::parse("2026-01-01").unwrap();
    let bytes =
        cargo_sdl::sbom::generate_sbom(&facts, &product("fixture-vulnerable", "0.1.0"), now, None)
            .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let mut all = doc["components"].as_array().unwrap().clone();
    all.push(doc["metadata"]["component"].clone());
    for c in &all {
        assert!(c.get("licenses").is_none(), "{c}");
        let props = c["properties"].as_array().unwrap();
        assert!(
            props
                .iter()
                .any(|p| p["name"] == "cargo-sdl:license-source" && p["value"] == "unavailable"),
            "{c}"
        );
    }
    for p in &lock.1.packages {
        let c = all
            .iter()
            .find(|c| c["name"] == p.name.as_str() && c["version"] == p.version.to_string())
            .unwrap();
        match &p.checksum {
            Some(sum) => {
                assert_eq!(c["hashes"][0]["alg"], "SHA-256");
                assert_eq!(c["hashes"][0]["content"], sum.to_string());
            }
            None => assert!(c.get("hashes").is_none(), "{c}"),
        }
    }
}

#[test]
fn without_a_database_advisory_rules_say_how_to_get_one() {
    let ws = copy_fixture("demo");
    let (_, report) = check_json(ws.path(), &["--current-time", "2026-02-01"]);
    let f = finding(&report, "no-known-vulnerabilities");
    assert_eq!(f["outcome"], "unknown");
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("cargo sdl fetch"), "{msg}");
    assert!(msg.contains("--advisory-db"), "{msg}");
}

#[test]
fn broken_database_leaves_other_rules_running() {
    let ws = copy_fixture("demo");
    let db = fixture("advisory-db-broken");
    let (_, report) = check_json(
        ws.path(),
        &[
            "--advisory-db",
            db.to_str().unwrap(),
            "--current-time",
            "2026-02-01",
        ],
    );
    assert_eq!(report["evidence"]["advisories"]["state"], "failed");
    let f = finding(&report, "no-known-vulnerabilities");
    assert_eq!(f["outcome"], "unknown");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("RUSTSEC-2026-9003.md"),
        "{}",
        f["message"]
    );
    // The cargo collector still ran.
    assert_eq!(report["evidence"]["cargo"]["state"], "present");
    assert_eq!(finding(&report, "sbom-generated")["outcome"], "unknown");
}

#[test]
fn malformed_lockfile_is_named_and_rules_are_unknown() {
    let ws = copy_fixture("demo");
    std::fs::write(
        ws.path().join("Cargo.lock"),
        "version = 4\n[[package]]\nname = 3\n",
    )
    .unwrap();
    let facts = cargo::collect(ws.path(), true);
    let Collected::Failed { error } = &facts else {
        panic!("{facts:?}")
    };
    assert!(
        error.starts_with("Cargo.lock: not a valid lockfile"),
        "{error}"
    );
    let (_, report) = check_json(
        ws.path(),
        &[
            "--advisory-db",
            fixture("advisory-db").to_str().unwrap(),
            "--current-time",
            "2026-02-01",
        ],
    );
    for rule in [
        "cargo-lock-committed",
        "licenses-declared",
        "sbom-generated",
        "no-known-vulnerabilities",
    ] {
        assert_eq!(finding(&report, rule)["outcome"], "unknown", "{rule}");
    }
}

#[test]
fn lockfile_fallback_is_partial_and_says_why() {
    let ws = copy_fixture("vulnerable");
    let facts = cargo::collect(ws.path(), true);
    let f = facts.get().unwrap();
    assert_eq!(f.origin, CargoOrigin::CargoLock);
    let why = f.partial.as_deref().unwrap();
    assert!(why.starts_with("`cargo metadata` failed:"), "{why}");
    assert!(why.contains("from Cargo.lock alone"), "{why}");
    assert_eq!(f.packages.len(), 6);
    let forked = f.packages.iter().find(|p| p.name == "forked").unwrap();
    assert_eq!(
        forked.source,
        PackageSource::Git {
            url: "https://example.org/forked.git".into(),
            rev: Some("0123456789abcdef0123456789abcdef01234567".into())
        }
    );
    let time = f.packages.iter().find(|p| p.name == "time").unwrap();
    assert_eq!(
        time.checksum.as_deref(),
        Some("1b797afad3f312d1c66a56d11d0316f916356d11bd158fbc6ca6389ff6bf805a")
    );
    assert_eq!(f.lockfile_tracked, None, "not in a git repository");
}

#[test]
fn cargo_metadata_on_a_path_workspace() {
    let ws = copy_fixture("pathws");
    let facts = cargo::collect(ws.path(), true);
    let f = facts.get().unwrap();
    assert_eq!(f.origin, CargoOrigin::CargoMetadata);
    assert_eq!(f.partial, None);
    assert_eq!(f.members, ["app 1.2.0", "util 0.3.1"]);
    assert_eq!(f.has_binary, Some(true));
    let app = &f.packages[0];
    assert_eq!(app.license.as_deref(), Some("MIT OR Apache-2.0"));
    assert_eq!(
        app.source,
        PackageSource::Path {
            path: Some("app".into()),
            inside_workspace: Some(true)
        }
    );
    assert_eq!(app.dependencies.len(), 1);
    assert_eq!(app.dependencies[0].name, "util");
    assert_eq!(format!("{:?}", app.dependencies[0].kinds), "[Normal]");
    assert_eq!(f.packages[1].license, None);
}

#[test]
fn missing_lockfile_of_a_binary_is_a_finding() {
    let ws = copy_fixture("pathws");
    std::fs::remove_file(ws.path().join("Cargo.lock")).unwrap();
    let facts = cargo::collect(ws.path(), true);
    let f = facts.get().unwrap();
    assert_eq!(f.lockfile, None);
    assert_eq!(f.has_binary, Some(true));
    assert!(
        !ws.path().join("Cargo.lock").exists(),
        "collection must not write a lockfile"
    );
    let (_, report) = check_json(ws.path(), &["--current-time", "2026-02-01"]);
    let f = finding(&report, "cargo-lock-committed");
    assert_eq!(f["outcome"], "fail");
    assert_eq!(
        f["message"],
        "there is no Cargo.lock, and the workspace builds a binary"
    );
}

#[test]
fn member_manifest_that_does_not_parse_falls_back() {
    let ws = copy_fixture("pathws");
    std::fs::write(ws.path().join("util/Cargo.toml"), "[package\nname = ").unwrap();
    let facts = cargo::collect(ws.path(), true);
    let f = facts.get().unwrap();
    let why = f.partial.as_deref().unwrap();
    assert!(why.contains("util"), "{why}");
    assert_eq!(f.origin, CargoOrigin::CargoLock);
}

fn sbom_cli(dir: &Path, epoch: &str) -> Vec<u8> {
    let home = common::cargo_home(false);
    let out = common::command(dir, home.path())
        .args(["sbom", "--offline", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn sbom_is_reproducible_valid_and_round_trips() {
    let ws = copy_fixture("pathws");
    let a = sbom_cli(ws.path(), "1767225600");
    let b = sbom_cli(ws.path(), "1767225600");
    assert_eq!(a, b, "two runs give identical bytes");
    let bom = Bom::parse_from_json(&a[..]).unwrap();
    assert_eq!(bom.spec_version, SpecVersion::V1_5);
    assert!(bom.validate_version(SpecVersion::V1_5).passed());
    let md = bom.metadata.as_ref().unwrap();
    assert_eq!(
        md.timestamp.as_ref().unwrap().to_string(),
        "2026-01-01T00:00:00Z"
    );
    let subject = md.component.as_ref().unwrap();
    assert_eq!(
        subject.name.to_string(),
        ws.path().file_name().unwrap().to_string_lossy()
    );
    let names: Vec<String> = bom
        .components
        .as_ref()
        .unwrap()
        .0
        .iter()
        .map(|c| format!("{} {}", c.name, c.version.as_ref().unwrap()))
        .collect();
    assert_eq!(names, ["app 1.2.0", "util 0.3.1"]);
    let deps = bom.dependencies.as_ref().unwrap();
    let app = deps
        .0
        .iter()
        .find(|d| d.dependency_ref.starts_with("pkg:cargo/app@1.2.0"))
        .unwrap();
    assert_eq!(
        app.dependencies,
        ["pkg:cargo/util@0.3.1?download_url=file:%2F%2Futil"]
    );

    // From cargo metadata: the members are marked, their licences are the manifests' (or
    // declared missing), and their bom-refs are their package URLs.
    let doc: serde_json::Value = serde_json::from_slice(&a).unwrap();
    let comp = |name: &str| {
        doc["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()
            .clone()
    };
    let app = comp("app");
    assert_eq!(app["licenses"][0]["expression"], "MIT OR Apache-2.0");
    assert_eq!(app["bom-ref"], app["purl"]);
    assert_eq!(
        app["properties"],
        serde_json::json!([{"name": "cargo-sdl:workspace-member", "value": "true"}])
    );
    assert_eq!(
        comp("util")["properties"],
        serde_json::json!([
            {"name": "cargo-sdl:workspace-member", "value": "true"},
            {"name": "cargo-sdl:license-source", "value": "not-declared"},
        ])
    );

    // Another time changes the timestamp, not the serial number (it identifies the content).
    let c = sbom_cli(ws.path(), "1767312000");
    assert_ne!(a, c);
    let later = Bom::parse_from_json(&c[..]).unwrap();
    assert_eq!(later.serial_number, bom.serial_number);
}

#[test]
fn generated_sbom_carries_hashes_and_licenses() {
    let lock = cargo::read_lockfile(&fixture("vulnerable"))
        .unwrap()
        .unwrap();
    let facts = cargo::from_lockfile(&lock.1);
    let now = cargo_sdl::timefmt::parse("2026-01-01").unwrap();
    let bytes =
        cargo_sdl::sbom::generate_sbom(&facts, &product("fixture-vulnerable", "0.1.0"), now, None)
            .unwrap();
    let bom = Bom::parse_from_json(&bytes[..]).unwrap();
    assert!(bom.validate_version(SpecVersion::V1_5).passed());
    let comps = &bom.components.as_ref().unwrap().0;
    assert_eq!(comps.len(), 5, "the product is the metadata component");
    let time = comps.iter().find(|c| c.name.to_string() == "time").unwrap();
    assert_eq!(
        time.hashes.as_ref().unwrap().0[0].content.0,
        "1b797afad3f312d1c66a56d11d0316f916356d11bd158fbc6ca6389ff6bf805a"
    );
    assert_eq!(
        time.purl.as_ref().unwrap().to_string(),
        "pkg:cargo/time@0.1.45"
    );
    let forked = comps
        .iter()
        .find(|c| c.name.to_string() == "forked")
        .unwrap();
    assert_eq!(
        forked.purl.as_ref().unwrap().to_string(),
        "pkg:cargo/forked@0.3.0?vcs_url=git%2Bhttps:%2F%2Fexample.org%2Fforked.git%400123456789abcdef0123456789abcdef01234567"
    );
}

#[test]
fn repository_sboms_are_validated_and_compared() {
    let ws = copy_fixture("pathws");
    let root = ws.path();
    // Unknown keys are rejected in the new sections too.
    std::fs::write(root.join("sdl.toml"), "[sbom]\npathz = []\n").unwrap();
    let catalog =
        cargo_sdl::catalog::Catalog::embedded(&cargo_sdl::eval::rules::builtin_ids()).unwrap();
    let err = Config::load(root, None, &catalog, product("pathws", "1")).unwrap_err();
    assert!(err.to_string().contains("pathz"), "{err}");

    std::fs::create_dir_all(root.join("sbom")).unwrap();
    let full = {
        let facts = cargo::collect(root, true);
        let now = cargo_sdl::timefmt::parse("2026-01-01").unwrap();
        cargo_sdl::sbom::generate_sbom(facts.get().unwrap(), &product("pathws", "1"), now, None)
            .unwrap()
    };
    std::fs::write(root.join("sbom/product.cdx.json"), &full).unwrap();
    std::fs::write(root.join("bom.json"), &full[..full.len() / 2]).unwrap();
    std::fs::copy(fixture("sbom-1.6.json"), root.join("sbom/legacy.cdx.json")).unwrap();
    // Build output is never searched.
    std::fs::create_dir_all(root.join("target")).unwrap();
    std::fs::write(root.join("target/bom.json"), "{").unwrap();
    std::fs::remove_file(root.join("sdl.toml")).unwrap();

    let config = Config::load(root, None, &catalog, product("pathws", "1")).unwrap();
    let cargo_facts = cargo::collect(root, true);
    let now = cargo_sdl::timefmt::parse("2026-01-01").unwrap();
    let facts = sbom_collect::collect(root, &config, &cargo_facts, now);
    let s = facts.get().unwrap();
    let paths: Vec<&str> = s.documents.iter().map(|d| d.file.path.as_str()).collect();
    assert_eq!(
        paths,
        ["bom.json", "sbom/legacy.cdx.json", "sbom/product.cdx.json"]
    );

    let SbomValidation::Unreadable { error } = &s.documents[0].validation else {
        panic!("{:?}", s.documents[0])
    };
    assert!(error.starts_with("bom.json: not valid JSON"), "{error}");

    let legacy = &s.documents[1];
    assert_eq!(legacy.spec_version.as_deref(), Some("1.6"));
    assert!(matches!(
        legacy.validation,
        SbomValidation::NotSchemaValidated { .. }
    ));
    let cov = legacy.coverage.as_ref().unwrap();
    // Both packages are local (members), so nothing is compared and left-pad is extra.
    assert_eq!(cov.packages, 0);
    assert_eq!(cov.extra, ["left-pad 1.0.0"]);

    let product_doc = &s.documents[2];
    assert_eq!(product_doc.validation, SbomValidation::Valid);
    assert_eq!(product_doc.components, 2);
    assert!(product_doc.coverage.as_ref().unwrap().is_complete());

    let generated = s.generated.get().unwrap();
    assert!(generated.validation_errors.is_empty());
    assert_eq!(generated.components, 2);

    // Configured paths replace the search.
    std::fs::write(
        root.join("sdl.toml"),
        "[sbom]\npaths = [\"sbom/product.cdx.json\"]\n",
    )
    .unwrap();
    let config = Config::load(root, None, &catalog, product("pathws", "1")).unwrap();
    let facts = sbom_collect::collect(root, &config, &cargo_facts, now);
    assert_eq!(facts.get().unwrap().documents.len(), 1);
}

/// 2,000 versions of Cargo.lock (written with `git fast-import`, dates pinned): the history is
/// read whole, with no 200-version cap, so a vulnerability brought in by the first version and
/// fixed by the last is measured from its real start.
#[test]
fn lockfile_history_is_read_whole() {
    if !common::require_tool("git") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"], "2026-01-01T00:00:00Z");
    let lock = |demo: &str, filler: usize| {
        format!(
            "version = 4\n\n[[package]]\nname = \"demo-crate\"\nversion = \"{demo}\"\n\
             source = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n\
             [[package]]\nname = \"filler\"\nversion = \"0.0.{filler}\"\n\
             source = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
        )
    };
    const VERSIONS: usize = 2_000;
    let start = 1_767_225_600; // 2026-01-01T00:00:00Z
    let mut stream = String::new();
    for i in 0..VERSIONS {
        let demo = if i + 1 == VERSIONS { "1.1.0" } else { "1.0.0" };
        let content = lock(demo, i);
        let when = start + i as i64 * 3_600;
        let message = format!("version {i}\n");
        stream.push_str(&format!(
            "commit refs/heads/main\ncommitter Ada <ada@example.org> {when} +0000\n\
             data {}\n{message}",
            message.len()
        ));
        stream.push_str(&format!(
            "M 100644 inline Cargo.lock\ndata {}\n{content}\n",
            content.len()
        ));
    }
    let mut fast_import = std::process::Command::new("git");
    common::remove_git_environment(&mut fast_import);
    let mut child = fast_import
        .args(["fast-import", "--quiet"])
        .current_dir(root)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    git(root, &["checkout", "-q", "main"], "2026-01-01T00:00:00Z");

    let (db, _) = advisories::open_database(&fixture("advisory-db"), "test").unwrap();
    let whole = advisories::lock_history(root, &db, usize::MAX);
    let whole = whole.get().unwrap();
    assert_eq!(whole.versions, VERSIONS);
    assert!(!whole.truncated);
    assert!(whole.unreadable.is_empty(), "{:?}", whole.unreadable);
    assert!(whole.open.is_empty());
    assert_eq!(whole.fixes.len(), 1, "{:?}", whole.fixes);
    let fix = &whole.fixes[0];
    assert_eq!(fix.id, "RUSTSEC-2026-9001");
    assert_eq!(fix.introduced_at, "2026-01-01T00:00:00Z");
    // Exposed from the advisory's date (2026-01-10) to the last version, 1,999 hours after
    // the first: 2026-03-25T07:00:00Z.
    assert_eq!(fix.fixed_at, "2026-03-25T07:00:00Z");
    assert_eq!(fix.days_exposed, 74);

    // A configured cap still holds and says the history was cut short; it is what the old
    // default of 200 did: the exposure seemed to start 1,800 versions late, 8 days instead
    // of 74.
    let capped = advisories::lock_history(root, &db, 200);
    let capped = capped.get().unwrap();
    assert_eq!((capped.versions, capped.truncated), (200, true));
    assert_eq!(capped.fixes[0].days_exposed, 8, "{:?}", capped.fixes);
}

#[test]
fn lockfile_history_measures_the_fix() {
    if !common::require_tool("git") {
        return;
    }
    let ws = copy_fixture("demo");
    let root = ws.path();
    git(root, &["init", "-q"], "2026-01-01T12:00:00Z");
    commit_all(root, "start with demo-crate 1.0.0", "2026-01-01T12:00:00Z");
    std::fs::write(root.join("README"), "docs\n").unwrap();
    commit_all(root, "unrelated change", "2026-02-01T12:00:00Z");
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
    std::fs::write(
        root.join("Cargo.lock"),
        lock.replace(
            "name = \"demo-crate\"\nversion = \"1.0.0\"",
            "name = \"demo-crate\"\nversion = \"1.1.0\"",
        ),
    )
    .unwrap();
    commit_all(root, "bump demo-crate to 1.1.0", "2026-03-01T12:00:00Z");

    let (db, _) = advisories::open_database(&fixture("advisory-db"), "test").unwrap();
    let h = advisories::lock_history(root, &db, 200);
    let h = h.get().unwrap();
    assert_eq!(h.versions, 2);
    assert!(!h.truncated);
    assert!(h.open.is_empty());
    assert_eq!(h.fixes.len(), 1);
    let fix = &h.fixes[0];
    assert_eq!(fix.id, "RUSTSEC-2026-9001");
    assert_eq!(fix.version, "1.0.0");
    assert_eq!(fix.advisory_date, "2026-01-10");
    assert_eq!(fix.introduced_at, "2026-01-01T12:00:00Z");
    assert_eq!(fix.fixed_at, "2026-03-01T12:00:00Z");
    assert_eq!(fix.days_after_advisory, 50);
    assert_eq!(fix.days_exposed, 50);

    let bounded = advisories::lock_history(root, &db, 1);
    let bounded = bounded.get().unwrap();
    assert_eq!((bounded.versions, bounded.truncated), (1, true));
    assert!(bounded.fixes.is_empty());

    // The lockfile is tracked, and the rule sees a 50-day exposure against 30 allowed.
    let cargo_facts = cargo::collect(root, true);
    assert_eq!(cargo_facts.get().unwrap().lockfile_tracked, Some(true));
    let (_, report) = check_json(
        root,
        &[
            "--advisory-db",
            fixture("advisory-db").to_str().unwrap(),
            "--current-time",
            "2026-03-02",
        ],
    );
    let f = finding(&report, "security-fixes-timely");
    assert_eq!(f["outcome"], "fail");
    assert_eq!(
        f["message"],
        "1 security fix slower than 30 days across 2 versions of Cargo.lock: \
         RUSTSEC-2026-9001 in demo-crate fixed after 50 days"
    );
    assert_eq!(finding(&report, "cargo-lock-committed")["outcome"], "pass");
}

/// A local "upstream" advisory database: the fixture database committed to a git repository
/// built in a temporary folder, so that fetching never touches the network.
fn upstream_database() -> tempfile::TempDir {
    let up = tempfile::tempdir().unwrap();
    copy_dir(&fixture("advisory-db"), up.path());
    git(up.path(), &["init", "-q"], "2026-01-12T09:00:00Z");
    commit_all(up.path(), "Initial advisories", "2026-01-12T09:00:00Z");
    up
}

fn file_url(dir: &Path) -> String {
    format!("file://{}", dir.display())
}

/// `cargo sdl ARGS` in `dir` with CARGO_HOME `home` and git isolated from the machine.
fn sdl_in(dir: &Path, home: &Path, args: &[&str]) -> std::process::Output {
    common::output_within(
        common::command(dir, home).args(args),
        std::time::Duration::from_secs(120),
    )
}

fn head(dir: &Path) -> String {
    let who = common::Identity::of("Ada", "ada@example.org", "2026-01-12T09:00:00Z");
    common::git::run(dir, &who, &[], &["rev-parse", "HEAD"])
        .trim()
        .to_string()
}

#[test]
fn fetch_clones_then_updates_the_database_where_cargo_audit_keeps_it() {
    if !common::require_tool("git") {
        return;
    }
    let up = upstream_database();
    let home = tempfile::tempdir().unwrap();
    let ws = common::passing_workspace();
    let url = file_url(up.path());

    let out = sdl_in(ws.path(), home.path(), &["fetch", "--url", &url]);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    let first = head(up.path());
    assert_eq!(
        common::text(&out.stdout),
        format!(
            "advisory database $CARGO_HOME/advisory-db: cloned; commit {} of 2026-01-12, 2 \
             advisories\n",
            &first[..12]
        )
    );
    let db = home.path().join("advisory-db");
    assert!(db.join("crates/demo-crate/RUSTSEC-2026-9001.md").is_file());
    assert_eq!(head(&db), first);

    // The fetched database is the operator's: check uses it and says where it came from.
    let out = sdl_in(
        ws.path(),
        home.path(),
        &[
            "check",
            "--offline",
            "--format",
            "json",
            "--current-time",
            "2026-02-01",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let info = &report["evidence"]["advisories"]["value"]["database"];
    assert_eq!(info["path"], "$CARGO_HOME/advisory-db");
    assert_eq!(info["origin"], "CARGO_HOME (cargo-audit)");
    assert_eq!(info["date_source"], "git commit");
    assert_eq!(info["commit"], first.as_str());
    assert_eq!(finding(&report, "advisory-db-fresh")["outcome"], "pass");

    // Upstream moves on: the next fetch ends at its new commit.
    std::fs::write(
        up.path().join("crates/demo-crate/RUSTSEC-2026-9004.md"),
        std::fs::read_to_string(up.path().join("crates/demo-crate/RUSTSEC-2026-9001.md"))
            .unwrap()
            .replace("RUSTSEC-2026-9001", "RUSTSEC-2026-9004")
            .replace("CVE-2026-99001", "CVE-2026-99004"),
    )
    .unwrap();
    commit_all(up.path(), "One more advisory", "2026-01-20T09:00:00Z");
    let second = head(up.path());
    let out = sdl_in(ws.path(), home.path(), &["fetch", "--url", &url]);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    assert_eq!(
        common::text(&out.stdout),
        format!(
            "advisory database $CARGO_HOME/advisory-db: updated from commit {}; commit {} of \
             2026-01-20, 3 advisories\n",
            &first[..12],
            &second[..12]
        )
    );
    assert_eq!(head(&db), second);
    let leftovers: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".advisory-db"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Fetching again when nothing changed says so.
    let out = sdl_in(ws.path(), home.path(), &["fetch", "--url", &url]);
    assert!(common::text(&out.stdout).contains(": is up to date; commit"));
}

#[test]
fn fetch_refuses_what_is_not_an_advisory_database_and_changes_nothing() {
    if !common::require_tool("git") {
        return;
    }
    let up = upstream_database();
    let home = tempfile::tempdir().unwrap();
    let ws = common::passing_workspace();
    let out = sdl_in(
        ws.path(),
        home.path(),
        &["fetch", "--url", &file_url(up.path())],
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    let before = head(&home.path().join("advisory-db"));

    // An "empty" database upstream: a git repository whose crates/ holds no advisory.
    let empty = tempfile::tempdir().unwrap();
    common::write_files(empty.path(), &[("crates/README.md", "nothing here\n")]);
    git(empty.path(), &["init", "-q"], "2026-01-12T09:00:00Z");
    commit_all(empty.path(), "Empty", "2026-01-12T09:00:00Z");
    let out = sdl_in(
        ws.path(),
        home.path(),
        &["fetch", "--url", &file_url(empty.path())],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = common::text(&out.stderr);
    assert!(
        err.contains("is not a RustSec advisory database")
            && err.contains("nothing was changed at $CARGO_HOME/advisory-db"),
        "{err}"
    );
    assert_eq!(head(&home.path().join("advisory-db")), before);

    // A destination that is not a checkout of a database is never replaced.
    let mine = tempfile::tempdir().unwrap();
    std::fs::write(mine.path().join("notes.txt"), "mine\n").unwrap();
    let out = sdl_in(
        ws.path(),
        home.path(),
        &[
            "fetch",
            "--url",
            &file_url(up.path()),
            "--advisory-db",
            mine.path().to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::text(&out.stderr).contains("is not a git checkout of an advisory database"),
        "{}",
        common::text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(mine.path().join("notes.txt")).unwrap(),
        "mine\n"
    );

    // An unreachable URL is an error that names it; --offline refuses to fetch at all.
    let missing = empty.path().join("no-such-repository");
    let out = sdl_in(
        ws.path(),
        home.path(),
        &["fetch", "--url", &file_url(&missing)],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(common::text(&out.stderr).contains("`git clone file://"));
    let out = sdl_in(ws.path(), home.path(), &["fetch", "--offline"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::text(&out.stderr).contains("needs the network"));
    assert_eq!(head(&home.path().join("advisory-db")), before);
}

#[test]
fn without_a_database_the_gate_fails_closed_and_names_fetch() {
    let ws = common::passing_workspace();
    let home = tempfile::tempdir().unwrap();
    let out = sdl_in(
        ws.path(),
        home.path(),
        &["check", "--current-time", "2026-02-01"],
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = common::text(&out.stdout);
    assert!(
        stdout.contains("advisory database: none used: no RustSec advisory database")
            && stdout.contains("deny-level rules unknown: no-known-vulnerabilities")
            && stdout.contains("deny-level rule no-known-vulnerabilities is unknown")
            && stdout.contains("run `cargo sdl fetch`"),
        "{stdout}"
    );
    let out = sdl_in(
        ws.path(),
        home.path(),
        &[
            "check",
            "--current-time",
            "2026-02-01",
            "--allow-unknown",
            "no-known-vulnerabilities",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stdout));
}
