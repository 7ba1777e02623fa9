//! Verdicts that cannot be gamed: tailoring is part of the evidence, a rule's level decides the
//! gate and never the status, and what is scoped out or waived is shown with who decided it.

mod common;

use common::{passing_workspace, sdl_with_advisory_db, text, write_files};

const NOW: &str = "2026-06-01T00:00:00Z";

const ROLES: &str =
    "[roles.security-officer]\ndescription = \"owns the SDL\"\nholders = [\"Grace\"]\n";

/// A configuration that departs from the defaults in every way tailoring records.
const TAILORED: &str = "[rules.ci-runs-tests]\nlevel = \"allow\"\n\n\
[rules.commits-signed]\nmin-share = 0.5\n\n\
[waiver-policy]\nmax-days = 180\n\n\
[[not-applicable]]\nrequirement = \"SM-10\"\n\
justification = \"No component is developed for us by a third party at all.\"\n\
approver = \"Grace\"\ndate = 2026-03-01\nanalysis = \"THREAT_MODEL.md#scope\"\n\n\
[[waiver]]\nid = \"changes-reviewed\"\nreason = \"a one-person project until the second maintainer joins\"\n\
owner = \"Grace\"\nexpires = 2026-09-30\n";

fn report(dir: &std::path::Path) -> serde_json::Value {
    let out = sdl_with_advisory_db(dir, &["check", "--format", "json", "--current-time", NOW]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("a JSON report")
}

#[test]
fn tailoring_is_listed_everywhere_and_its_configuration_ships_in_the_package() {
    let ws = passing_workspace();
    write_files(
        ws.path(),
        &[("sdl.toml", TAILORED), ("sdl/roles.toml", ROLES)],
    );
    let r = report(ws.path());
    let t = &r["tailoring"];
    assert_eq!(t["source"]["path"], "sdl.toml", "{t}");
    let sha = t["source"]["sha256"].as_str().unwrap().to_string();
    assert_eq!(
        sha,
        cargo_sdl::digest::sha256_hex(&std::fs::read(ws.path().join("sdl.toml")).unwrap())
    );
    assert_eq!(
        t["rule_levels"],
        serde_json::json!([{
            "rule": "ci-runs-tests",
            "requirements": r["findings"].as_array().unwrap().iter()
                .find(|f| f["rule"] == "ci-runs-tests").unwrap()["requirements"],
            "default": "warn",
            "configured": "allow"
        }])
    );
    assert_eq!(t["parameters"][0]["rule"], "commits-signed");
    assert_eq!(t["parameters"][0]["configured"], "0.5");
    assert_eq!(t["waivers"], serde_json::json!(["changes-reviewed"]));
    assert_eq!(t["not_applicable"][0]["requirement"], "SM-10");
    assert_eq!(t["not_applicable"][0]["accepted"], true);
    assert_eq!(t["waiver_max_days"], 180);
    // The catalogue the verdicts come from is named.
    assert_eq!(r["catalogue"]["standard"], "IEC 62443-4-1:2018");
    assert_eq!(r["catalogue"]["edition"], "Ed. 1.0");
    assert_eq!(r["catalogue"]["sha256"].as_str().unwrap().len(), 64);

    // The allow-level rule still decides its requirements: it fails, so they are not satisfied.
    let finding = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "ci-runs-tests")
        .unwrap();
    assert_eq!(finding["outcome"], "fail");
    for req in finding["requirements"].as_array().unwrap() {
        let status = r["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == *req)
            .unwrap();
        assert_eq!(status["status"], "not-satisfied", "{status}");
    }

    let home = common::cargo_home(true);
    let out = common::command(ws.path(), home.path())
        .args(["report", "--out", "target/pkg", "--current-time", NOW])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        text(&out.stderr)
    );
    let pkg = ws.path().join("target/pkg");
    let copied = std::fs::read(pkg.join("documents/sdl.toml")).expect("sdl.toml is in the package");
    assert_eq!(cargo_sdl::digest::sha256_hex(&copied), sha);
    let manifest = std::fs::read_to_string(pkg.join("MANIFEST.sha256")).unwrap();
    assert!(
        manifest.contains(&format!("{sha}  documents/sdl.toml")),
        "{manifest}"
    );
    let html = std::fs::read_to_string(pkg.join("index.html")).unwrap();
    assert!(html.contains("Tailoring and waivers"));
    assert!(
        html.contains("<code>ci-runs-tests</code>"),
        "the level change is on the page"
    );
    assert!(
        html.contains("SM-10: No component"),
        "the scoping decision is on the page"
    );
    let oscal = std::fs::read_to_string(pkg.join("oscal-assessment-results.json")).unwrap();
    assert!(
        oscal.contains("\"name\": \"tailoring\""),
        "OSCAL lists the tailoring"
    );
    assert!(oscal.contains("catalogue-sha256"));
}

#[test]
fn without_tailoring_the_report_says_none() {
    let ws = passing_workspace();
    let r = report(ws.path());
    let t = &r["tailoring"];
    assert!(t.get("source").is_none(), "{t}");
    for key in ["rule_levels", "parameters", "waivers", "not_applicable"] {
        assert_eq!(t[key], serde_json::json!([]), "{key}");
    }
    let out = sdl_with_advisory_db(
        ws.path(),
        &["check", "--format", "markdown", "--current-time", NOW],
    );
    assert!(text(&out.stdout).contains("## Tailoring\n\nNone:"));
}

#[test]
fn scoping_out_by_someone_without_a_security_role_is_not_accepted() {
    let ws = passing_workspace();
    write_files(
        ws.path(),
        &[
            (
                "sdl.toml",
                &TAILORED.replace("approver = \"Grace\"", "approver = \"Bob\""),
            ),
            (
                "sdl/roles.toml",
                &format!(
                    "{ROLES}\n[roles.release-manager]\ndescription = \"releases\"\nholders = [\"Bob\"]\n"
                ),
            ),
        ],
    );
    let r = report(ws.path());
    let s = &r["tailoring"]["not_applicable"][0];
    assert_eq!(s["accepted"], false, "{s}");
    assert!(
        s["why"]
            .as_str()
            .unwrap()
            .contains("`Bob` holds no security role")
    );
    let sm10 = r["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "SM-10")
        .unwrap();
    assert_ne!(sm10["status"], "not-applicable", "{sm10}");
    assert!(
        sm10["reason"]
            .as_str()
            .unwrap()
            .starts_with("scoping out was not accepted")
    );
}

#[test]
fn sm5_and_sm12_can_never_be_scoped_out() {
    for req in ["SM-5", "SM-12"] {
        let ws = passing_workspace();
        write_files(
            ws.path(),
            &[
                (
                    "sdl.toml",
                    &format!(
                        "[[not-applicable]]\nrequirement = \"{req}\"\n\
                         justification = \"We would rather not do this one at all.\"\n\
                         approver = \"Grace\"\ndate = 2026-03-01\nanalysis = \"THREAT_MODEL.md\"\n"
                    ),
                ),
                ("sdl/roles.toml", ROLES),
            ],
        );
        let out = sdl_with_advisory_db(ws.path(), &["check", "--current-time", NOW]);
        assert_eq!(out.status.code(), Some(2), "{req}");
        assert!(
            text(&out.stderr).contains(&format!("{req} can never be scoped out")),
            "{}",
            text(&out.stderr)
        );
    }
}
