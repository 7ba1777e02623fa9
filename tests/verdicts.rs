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

// --- maturity follows the evidence -------------------------------------------------------------

/// 2025-01-01T00:00:00Z, and a day in seconds.
const Y2025: i64 = 1_735_689_600;
const DAY: i64 = 86_400;

fn at(dir: &std::path::Path, epoch: i64, args: &[&str]) {
    common::git::git_in(dir, args, "Alice", "alice@example.org", epoch, &[]);
}

/// Write `files`, then commit everything at `epoch`.
fn commit_at(dir: &std::path::Path, epoch: i64, files: &[(&str, &str)], message: &str) {
    write_files(dir, files);
    at(dir, epoch, &["add", "-A"]);
    at(dir, epoch, &["commit", "-q", "-m", message]);
}

const TRAINING: &str = "[[record]]\nperson = \"Grace\"\ntopic = \"IEC 62443-4-1\"\ndate = 2025-01-01\nexpires = 2027-12-31\n\n\
[[record]]\nperson = \"Ada\"\ntopic = \"penetration testing\"\ndate = 2025-01-01\nexpires = 2027-12-31\n";

fn attestation(reqs: &str, date: &str, until: &str, releases: &str) -> String {
    format!(
        "requirements = [{reqs}]\n\
         statement = \"An independent firm tested the release named here; every finding was fixed and re-tested.\"\n\
         owner = \"Ada\"\nowner-role = \"test-lead\"\napprover = \"Grace\"\napprover-role = \"security-officer\"\n\
         date = {date}\nvalid-until = {until}\nreferences = [\"docs/pentest.md\"]\nreleases = [{releases}]\n"
    )
}

fn maturity_of<'a>(r: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    &r["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .unwrap()["maturity"]
}

/// A repository that practices SVV-4: attested before each release it names, with metric
/// records a year apart and a closed improvement action. It reaches ML3, then ML4 — so the
/// levels stay reachable for honest evidence.
#[test]
fn a_practiced_repository_reaches_ml3_and_ml4() {
    let ws = passing_workspace();
    let dir = ws.path();
    at(dir, Y2025, &["init", "-q"]);
    commit_at(
        dir,
        Y2025 + DAY,
        &[
            (
                "sdl/roles.toml",
                "[roles.security-officer]\ndescription = \"owns the SDL\"\nholders = [\"Grace\"]\n\n[roles.test-lead]\ndescription = \"independent testing\"\nholders = [\"Ada\"]\n",
            ),
            (
                "sdl/training.toml",
                "[[record]]\nperson = \"Grace\"\ntopic = \"IEC 62443-4-1\"\ndate = 2025-01-01\nexpires = 2027-12-31\n\n[[record]]\nperson = \"Ada\"\ntopic = \"penetration testing\"\ndate = 2025-01-01\nexpires = 2027-12-31\n",
            ),
            (
                "docs/pentest.md",
                "# Penetration tests\n\nReports of the independent tests, one section per release.\n",
            ),
            (
                "sdl/metrics/2025-q1.toml",
                "[[metric]]\nname = \"high findings per test\"\nvalue = 4\nperiod = \"2025-Q1\"\n",
            ),
        ],
        "process records",
    );
    // v0.1.0 (2025-06-02), attested on 2025-06-01 for it.
    let d1 = Y2025 + 151 * DAY;
    commit_at(
        dir,
        d1,
        &[(
            "sdl/attestations/svv-4-2025.toml",
            &attestation("\"SVV-4\"", "2025-06-01", "2026-05-31", "\"v0.1.0\""),
        )],
        "pentest of 0.1.0",
    );
    at(
        dir,
        d1 + DAY,
        &["tag", "-a", "v0.1.0", "-m", "release 0.1.0"],
    );
    // v0.2.0 (2025-12-02): the 2025 attestation still holds.
    commit_at(
        dir,
        Y2025 + 334 * DAY,
        &[("src/lib.rs", "#![forbid(unsafe_code)]\npub fn f() {}\n")],
        "work",
    );
    at(
        dir,
        Y2025 + 335 * DAY,
        &["tag", "-a", "v0.2.0", "-m", "release 0.2.0"],
    );
    // 2026-03: a new test, metrics a year after the first, an improvement closed, DM-6/SM-13.
    let d3 = Y2025 + 424 * DAY;
    commit_at(
        dir,
        d3,
        &[
            (
                "sdl/attestations/svv-4-2026.toml",
                &attestation("\"SVV-4\"", "2026-03-01", "2027-02-28", "\"v0.3.0\""),
            ),
            (
                "sdl/attestations/review-2026.toml",
                &attestation("\"DM-6\", \"SM-13\"", "2026-03-01", "2027-02-28", ""),
            ),
            (
                "sdl/metrics/2026-q1.toml",
                "[[metric]]\nname = \"high findings per test\"\nvalue = 1\nperiod = \"2026-Q1\"\n",
            ),
            (
                "sdl/improvements.toml",
                "[[improvement]]\naction = \"fuzz the parser in CI\"\nowner = \"Ada\"\nclosed = 2026-02-20\n",
            ),
        ],
        "pentest of 0.3.0, metrics, improvement",
    );
    at(
        dir,
        d3 + DAY,
        &["tag", "-a", "v0.3.0", "-m", "release 0.3.0"],
    );

    let r = report(dir);
    let releases: Vec<&str> = r["reassessed_releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["tag"].as_str().unwrap())
        .collect();
    assert_eq!(
        releases,
        ["v0.3.0", "v0.2.0"],
        "the last two releases are re-assessed"
    );
    let m = maturity_of(&r, "SVV-4");
    assert_eq!(m["level"], 4, "{m}");
    assert!(
        m["why"].as_str().unwrap().contains("practiced at v0.3.0"),
        "{m}"
    );

    // Without the improvement action, ML3, and the report says what ML4 lacks.
    std::fs::remove_file(dir.join("sdl/improvements.toml")).unwrap();
    let m = maturity_of(&report(dir), "SVV-4").clone();
    assert_eq!(m["level"], 3, "{m}");
    assert!(
        m["next"].as_str().unwrap().contains("improvement action"),
        "{m}"
    );

    // An attestation that claims a release that does not exist, or that was written after
    // the release it names, does not make a practice of it.
    write_files(
        dir,
        &[(
            "sdl/attestations/svv-4-2026.toml",
            &attestation(
                "\"SVV-4\"",
                "2026-03-01",
                "2027-02-28",
                "\"v0.3.0\", \"v9.9.9\"",
            ),
        )],
    );
    at(
        dir,
        d3 + 3 * DAY,
        &["commit", "-q", "-am", "claim a release"],
    );
    let m = maturity_of(&report(dir), "SVV-4").clone();
    assert_eq!(m["level"], 2, "{m}");
    let next = m["next"].as_str().unwrap();
    assert!(next.contains("`v9.9.9`, which is no tag"), "{next}");
    assert!(
        next.contains("not committed before it was tagged"),
        "{next}"
    );
}

/// Without release tags, ML3 cannot be reached, and the report says why.
#[test]
fn without_release_tags_ml3_is_not_reachable() {
    let ws = passing_workspace();
    let dir = ws.path();
    write_files(
        dir,
        &[
            (
                "sdl/roles.toml",
                "[roles.security-officer]\ndescription = \"owns the SDL\"\nholders = [\"Grace\"]\n\n[roles.test-lead]\ndescription = \"independent testing\"\nholders = [\"Ada\"]\n",
            ),
            (
                "docs/pentest.md",
                "# Penetration tests\n\nReports of the independent tests.\n",
            ),
            (
                "sdl/attestations/svv-4.toml",
                &attestation("\"SVV-4\"", "2026-03-01", "2027-02-28", ""),
            ),
            ("sdl/training.toml", TRAINING),
        ],
    );
    at(dir, Y2025, &["init", "-q"]);
    at(dir, Y2025 + 430 * DAY, &["add", "-A"]);
    at(dir, Y2025 + 430 * DAY, &["commit", "-q", "-m", "records"]);
    let m = maturity_of(&report(dir), "SVV-4").clone();
    assert_eq!(m["level"], 2, "{m}");
    assert!(
        m["next"]
            .as_str()
            .unwrap()
            .contains("ML3 is not reachable: no tag matches"),
        "{m}"
    );
}

// --- a gamed repository ----------------------------------------------------------------------

/// Every SDL document as a one-line `# TODO`, guidelines with the right headings and `TODO`
/// under each: what a vendor who wants a good-looking report without the work would write.
const STUB_DOCUMENTS: &[(&str, &str)] = &[
    ("SECURITY.md", "# TODO\n"),
    ("CHANGELOG.md", "# TODO\n"),
    ("docs/sdl/process.md", "# TODO\n"),
    ("docs/security/context.md", "# TODO\n"),
    ("docs/security/threat-model.md", "# TODO\n"),
    ("docs/security/requirements.md", "# TODO\n"),
    ("docs/security/design.md", "# TODO\n"),
    ("docs/security/design-practices.md", "# TODO\n"),
    ("docs/security/coding-standard.md", "# TODO\n"),
    ("docs/security/updates.md", "# TODO\n"),
    (
        "docs/security/guidelines.md",
        "# User security guidelines\n\n## Defense in depth\n\nTODO\n\n## Environment\n\nTODO\n\n\
         ## Hardening\n\nTODO\n\n## Secure disposal\n\nTODO\n\n## Secure operation\n\nTODO\n\n\
         ## Account management\n\nTODO\n",
    ),
];

/// The configuration of the gaming: failing rules switched to `allow`, SVV-4 scoped out with a
/// one-line justification approved by the process owner (no security role).
fn gamed_config(rules: &[&str]) -> String {
    let mut cfg = String::new();
    for r in rules {
        cfg.push_str(&format!("[rules.{r}]\nlevel = \"allow\"\n\n"));
    }
    cfg.push_str(
        "[[not-applicable]]\nrequirement = \"SVV-4\"\njustification = \"Not needed for this product.\"\n\
         approver = \"Pat\"\ndate = 2026-05-01\nanalysis = \"docs/security/threat-model.md\"\n",
    );
    cfg
}

const GAMED_ROLES: &str = "[roles.process-owner]\ndescription = \"owns the process\"\nholders = [\"Pat\"]\n\n\
[roles.developer]\ndescription = \"writes code\"\nholders = [\"Dev\"]\n";

/// Self-declared training, valid until 2099.
const GAMED_TRAINING: &str = "[[record]]\nperson = \"Pat\"\ntopic = \"security\"\ndate = 2026-01-01\nexpires = 2099-12-31\n\n\
[[record]]\nperson = \"Dev\"\ntopic = \"security\"\ndate = 2026-01-01\nexpires = 2099-12-31\n";

fn all_but_sm5_and_sm12() -> String {
    let ids = [
        "SM-1", "SM-2", "SM-3", "SM-4", "SM-6", "SM-7", "SM-8", "SM-9", "SM-10", "SM-11", "SM-13",
        "SR-1", "SR-2", "SR-3", "SR-4", "SR-5", "SD-1", "SD-2", "SD-3", "SD-4", "SI-1", "SI-2",
        "SVV-1", "SVV-2", "SVV-3", "SVV-5", "DM-1", "DM-2", "DM-3", "DM-4", "DM-5", "DM-6",
        "SUM-1", "SUM-2", "SUM-3", "SUM-4", "SUM-5", "SG-1", "SG-2", "SG-3", "SG-4", "SG-5",
        "SG-6", "SG-7",
    ];
    ids.iter()
        .map(|i| format!("\"{i}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The gamed repository, committed, with `attestation` as its one attestation.
fn gamed_repository(attestation: &str) -> tempfile::TempDir {
    let ws = passing_workspace();
    let dir = ws.path();
    write_files(dir, STUB_DOCUMENTS);
    write_files(
        dir,
        &[
            ("sdl/roles.toml", GAMED_ROLES),
            ("sdl/training.toml", GAMED_TRAINING),
            ("sdl/attestations/everything.toml", attestation),
        ],
    );
    // Which rules fail, before they are switched off: every failing rule goes to `allow`.
    at(dir, Y2025, &["init", "-q"]);
    commit_at(dir, Y2025 + 480 * DAY, &[], "everything documented");
    let failing: Vec<String> = report(dir)["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter(|f| f["outcome"] == "fail")
                .map(|f| f["rule"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default();
    let refs: Vec<&str> = failing.iter().map(String::as_str).collect();
    commit_at(
        dir,
        Y2025 + 481 * DAY,
        &[("sdl.toml", &gamed_config(&refs))],
        "tailor",
    );
    ws
}

fn assert_not_inflated(r: &serde_json::Value) {
    for p in r["practices"].as_array().unwrap() {
        let level = p["maturity"]["level"].as_u64().unwrap_or(1);
        assert!(
            level <= 1,
            "practice {} rose to ML{level}: {}",
            p["id"],
            p["maturity"]
        );
    }
    for q in r["requirements"].as_array().unwrap() {
        let failing = q["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["outcome"] == "fail" && f.get("waived").is_none());
        if failing {
            assert_ne!(
                q["status"], "satisfied",
                "{} is satisfied with a failing rule",
                q["id"]
            );
            assert_ne!(
                q["status"], "partial",
                "{} is partial with a failing rule",
                q["id"]
            );
        }
    }
    // The scoping by a process owner without a security role is not accepted.
    let svv4 = r["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "SVV-4")
        .unwrap();
    assert_ne!(svv4["status"], "not-applicable", "{svv4}");
    // Every switched-off rule is listed as tailoring.
    assert!(
        !r["tailoring"]["rule_levels"].as_array().unwrap().is_empty(),
        "the lowered levels are tailoring"
    );
}

/// The gaming the issue describes: a one-word attestation over 46 requirements, valid until
/// 2099, with release names and metrics. It is refused outright (exit 2, naming the file).
#[test]
fn a_gamed_repository_is_refused_or_stays_at_ml1() {
    let crude = format!(
        "requirements = [{}]\nstatement = \"done\"\nowner = \"Dev\"\nowner-role = \"developer\"\n\
         approver = \"Pat\"\napprover-role = \"process-owner\"\ndate = 2026-04-01\n\
         valid-until = 2099-12-31\nreferences = []\nreleases = [\"v1.0.0\", \"v2.0.0\"]\n\
         metrics = [\"good\", \"better\"]\n",
        all_but_sm5_and_sm12()
    );
    let ws = passing_workspace();
    let dir = ws.path();
    write_files(dir, STUB_DOCUMENTS);
    write_files(
        dir,
        &[
            ("sdl/roles.toml", GAMED_ROLES),
            ("sdl/training.toml", GAMED_TRAINING),
            ("sdl/attestations/everything.toml", &crude),
        ],
    );
    let home = common::cargo_home(true);
    let out = common::command(dir, home.path())
        .args(["check", "--current-time", "2026-06-01T00:00:00Z"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("sdl/attestations/everything.toml"),
        "{}",
        text(&out.stderr)
    );

    // The plausible variant: a long statement with references, valid for one year, over the
    // same stub documents and switched-off rules. Over 44 requirements it is refused too (one
    // statement cannot say what each needs); split into files of seven, it parses, and still
    // lifts no practice and satisfies no requirement whose rules fail.
    let plausible = |ids: &str| {
        format!(
            "requirements = [{ids}]\nstatement = \"The product security team reviewed the lifecycle for this \
             release: every practice is documented and was followed, with records kept in the repository.\"\n\
             owner = \"Dev\"\nowner-role = \"developer\"\napprover = \"Pat\"\napprover-role = \"process-owner\"\n\
             date = 2026-04-01\nvalid-until = 2026-10-01\n\
             references = [\"docs/sdl/process.md\", \"docs/security/threat-model.md\"]\n\
             releases = [\"v1.0.0\", \"v2.0.0\"]\n"
        )
    };
    write_files(
        dir,
        &[(
            "sdl/attestations/everything.toml",
            &plausible(&all_but_sm5_and_sm12()),
        )],
    );
    let out = common::command(dir, home.path())
        .args(["check", "--current-time", "2026-06-01T00:00:00Z"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("covers at most 7"),
        "{}",
        text(&out.stderr)
    );
    let all = all_but_sm5_and_sm12();
    let ids: Vec<&str> = all.split(", ").collect();
    let ws = gamed_repository(&plausible(&ids[..7].join(", ")));
    for (n, chunk) in ids[7..].chunks(7).enumerate() {
        write_files(
            ws.path(),
            &[(
                &format!("sdl/attestations/part-{n}.toml"),
                &plausible(&chunk.join(", ")),
            )],
        );
    }
    commit_at(ws.path(), Y2025 + 482 * DAY, &[], "more attestations");
    let r = report(ws.path());
    assert_not_inflated(&r);
    // Switching the deny-level document rules to `allow` passes the gate, as the levels are the
    // organisation's to set; but it hides nothing: the rules still fail, the requirements stay
    // not satisfied, and the report lists the lowered levels as tailoring.
    let lowered = r["tailoring"]["rule_levels"].to_string();
    assert!(
        lowered.contains("\"rule\":\"threat-model-present\"")
            && lowered.contains("\"default\":\"deny\""),
        "{lowered}"
    );
    let sr2 = r["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "SR-2")
        .unwrap();
    assert_eq!(sr2["status"], "not-satisfied", "{sr2}");
}
