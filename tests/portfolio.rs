//! `cargo sdl portfolio`: product reports and packages merged into the organisation's view.
//! The inputs are variations of one real report (`check --format json` on a small workspace,
//! made once), written as bare report.json files, package folders and archives.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use cargo_sdl::eval::Status;
use cargo_sdl::testing::synthetic_report;
use common::html::{
    assert_clean_console, assert_inert, attribute_values, require_chromium, run_chromium,
    screenshot,
};
use common::{sdl, text};
use serde_json::{Value, json};

const NOW: &str = "2026-11-29T00:00:00Z";

/// A real report.json: `check --format json` on a small workspace at a pinned time.
fn base() -> &'static Value {
    static BASE: OnceLock<Value> = OnceLock::new();
    BASE.get_or_init(|| {
        let ws = common::workspace_with(&[(
            "SECURITY.md",
            "# Security\n\nReport to security@example.com; we answer within 5 days.\n",
        )]);
        check_json(ws.path())
    })
}

/// `check --format json` in `dir` at the pinned time: the report.
fn check_json(dir: &Path) -> Value {
    let out = sdl(
        dir,
        &[
            "--offline",
            "--current-time",
            NOW,
            "check",
            "--format",
            "json",
        ],
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)))
}

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(v).unwrap()
}

/// The files of a package holding `report` and its manifest.
fn package_files(report: &Value) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    files.insert("report.json".to_string(), bytes(report));
    let manifest = cargo_sdl::package::manifest::render(&files);
    files.insert("MANIFEST.sha256".into(), manifest.into_bytes());
    files
}

fn write_tree(dir: &Path, files: &BTreeMap<String, Vec<u8>>) {
    for (path, b) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b).unwrap();
    }
}

/// How an input is written.
#[derive(Clone, Copy)]
enum Shape {
    Json,
    Dir,
    Archive,
}

/// Write `report` as `name` in `dir`, in `shape`; the path as the test passes it (relative to
/// `dir`, where the binary runs).
fn write_input(dir: &Path, name: &str, report: &Value, shape: Shape) -> String {
    match shape {
        Shape::Json => {
            let rel = format!("{name}.json");
            std::fs::write(dir.join(&rel), bytes(report)).unwrap();
            rel
        }
        Shape::Dir => {
            write_tree(&dir.join(name), &package_files(report));
            name.to_string()
        }
        Shape::Archive => {
            let rel = format!("{name}.tar.gz");
            let gz =
                cargo_sdl::package::archive::to_tar_gz(&package_files(report), name, 0).unwrap();
            std::fs::write(dir.join(&rel), gz).unwrap();
            rel
        }
    }
}

fn portfolio(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--current-time", NOW, "portfolio"];
    all.extend_from_slice(args);
    sdl(dir, &all)
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    cargo_sdl::package::read_dir_files(dir).unwrap()
}

fn json_of(files: &BTreeMap<String, Vec<u8>>) -> Value {
    serde_json::from_slice(&files["portfolio.json"]).unwrap()
}

/// Products 2, 4 and 5 (2 and 5 share a roles file, 2 and 4 the process document), releases 1
/// and 2 of each, in every shape; the paths in the order written.
fn three_products(dir: &Path) -> Vec<String> {
    let shapes = [Shape::Dir, Shape::Archive, Shape::Json];
    let mut inputs = Vec::new();
    for (n, product) in [2, 4, 5].into_iter().enumerate() {
        for release in [1, 2] {
            let report = synthetic_report(base(), product, release);
            let shape = shapes[(n + release) % 3];
            inputs.push(write_input(
                dir,
                &format!("p{product}-r{release}"),
                &report,
                shape,
            ));
        }
    }
    inputs
}

fn args<'a>(inputs: &'a [String], extra: &[&'a str]) -> Vec<&'a str> {
    let mut a: Vec<&str> = inputs.iter().map(String::as_str).collect();
    a.extend_from_slice(extra);
    a
}

#[test]
fn three_products_with_two_releases_merge_into_a_package_that_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = three_products(dir.path());
    let out = portfolio(dir.path(), &args(&inputs, &["--out", "pf"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("3 products, 6 releases"));
    let verify = sdl(dir.path(), &["verify", "pf"]);
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify.stdout));

    let files = tree(&dir.path().join("pf"));
    let p = json_of(&files);
    let errs = common::schema::schema_validator("schema/portfolio.schema.json").errors(&p);
    assert!(errs.is_empty(), "{errs:#?}");
    assert_eq!(p["summary"]["products"], 3);
    assert_eq!(p["summary"]["releases"], 6);
    assert_eq!(p["excluded"], json!([]));
    let products = p["products"].as_array().unwrap();
    let names: Vec<&str> = products
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["product-0002", "product-0004", "product-0005"]);
    for (x, number) in products.iter().zip([2, 4, 5]) {
        let releases = x["releases"].as_array().unwrap();
        let versions: Vec<&str> = releases
            .iter()
            .map(|r| r["version"].as_str().unwrap())
            .collect();
        assert_eq!(versions, ["1.1.0", "1.2.0"], "oldest first");
        for (r, release) in releases.iter().zip([1, 2]) {
            // The input report itself is in the package, byte for byte.
            let copied = &files[r["report"].as_str().unwrap()];
            assert_eq!(copied, &bytes(&synthetic_report(base(), number, release)));
        }
        // The trend is the change of each requirement's status between the two releases.
        let (old, new) = (&releases[0]["statuses"], &releases[1]["statuses"]);
        let mut better = Vec::new();
        let mut worse = Vec::new();
        for (id, s) in new.as_object().unwrap() {
            let (then, now) = (
                Status::rank_of(old[id].as_str().unwrap()),
                Status::rank_of(s.as_str().unwrap()),
            );
            if now < then {
                better.push(id.clone());
            } else if now > then {
                worse.push(id.clone());
            }
        }
        assert_eq!(releases[1]["improved"], json!(better));
        assert_eq!(releases[1]["regressed"], json!(worse));
        assert!(
            !better.is_empty() || !worse.is_empty(),
            "the releases differ"
        );
        // The product's statuses are its newest release's: no organisation was given.
        for r in x["requirements"].as_array().unwrap() {
            assert_eq!(r["status"], new[r["id"].as_str().unwrap()]);
            assert_eq!(r["source"], "product");
        }
    }
    // Weakest first, and each count is the number of products with that status.
    let weakest = p["weakest"].as_array().unwrap();
    assert!(!weakest.is_empty());
    let key = |w: &Value| {
        (
            w["not_satisfied"].as_u64().unwrap(),
            w["unknown"].as_u64().unwrap(),
            w["partial"].as_u64().unwrap(),
        )
    };
    assert!(weakest.windows(2).all(|w| key(&w[0]) >= key(&w[1])));
    for w in weakest {
        let id = w["requirement"].as_str().unwrap();
        let count = |status: &str| {
            products
                .iter()
                .filter(|x| x["releases"][1]["statuses"][id] == status)
                .count() as u64
        };
        assert_eq!(
            key(w),
            (count("not-satisfied"), count("unknown"), count("partial"))
        );
    }
    // Products 2 and 5 share the roles file, 2 and 4 the process document.
    let shared = |kind: &str| -> Vec<Value> {
        p["shared"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["kind"] == kind)
            .map(|s| s["products"].clone())
            .collect()
    };
    assert_eq!(
        shared("roles"),
        [json!(["p0001-product-0002", "p0003-product-0005"])]
    );
    assert_eq!(
        shared("document"),
        [json!(["p0001-product-0002", "p0002-product-0004"])]
    );

    // One CSV row per product and requirement, with the statuses of portfolio.json.
    let csv = text(&files["portfolio.csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    let requirements = p["requirements"].as_array().unwrap().len();
    assert_eq!(requirements, 47);
    assert_eq!(lines.len(), 1 + 3 * requirements);
    assert!(lines[0].starts_with("product_id,product,remote,version,commit,requirement,"));
    for x in products {
        for r in x["requirements"].as_array().unwrap() {
            let row = format!(
                "{},{},{},1.2.0,",
                x["id"].as_str().unwrap(),
                x["name"].as_str().unwrap(),
                x["remote"].as_str().unwrap()
            );
            let status = format!(
                ",{},{},product,",
                r["status"].as_str().unwrap(),
                r["own"].as_str().unwrap()
            );
            let id = format!(",{},", r["id"].as_str().unwrap());
            assert!(
                lines
                    .iter()
                    .any(|l| l.starts_with(&row) && l.contains(&id) && l.contains(&status)),
                "{row}…{id}…{status}"
            );
        }
    }

    // The page names every product and links only inside the package, to files it holds.
    let html = text(&files["index.html"]);
    assert_inert(&html);
    for name in names {
        assert!(html.contains(name), "{name}");
    }
    for href in attribute_values(&html, "href") {
        let path = href.split('#').next().unwrap();
        if path.is_empty() {
            continue;
        }
        assert!(
            files.contains_key(path)
                || files
                    .keys()
                    .any(|f| f.starts_with(path) && path.ends_with('/')),
            "{href} is not in the package"
        );
    }
    assert!(html.contains("@media print"));
}

#[test]
fn the_same_inputs_in_any_order_give_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = three_products(dir.path());
    let one = portfolio(
        dir.path(),
        &args(&inputs, &["--out", "a", "--archive", "a.tar.gz"]),
    );
    assert_eq!(one.status.code(), Some(0), "{}", text(&one.stderr));
    inputs.reverse();
    inputs.swap(0, 3);
    let two = portfolio(
        dir.path(),
        &args(&inputs, &["--out", "b", "--archive", "b.tar.gz"]),
    );
    assert_eq!(two.status.code(), Some(0), "{}", text(&two.stderr));
    assert_eq!(tree(&dir.path().join("a")), tree(&dir.path().join("b")));
    // The archive's top folder is named after --out: compare what it holds.
    let read =
        |name: &str| cargo_sdl::package::archive::read_tar_gz(&dir.path().join(name)).unwrap();
    assert_eq!(read("a.tar.gz"), read("b.tar.gz"));
    assert_eq!(read("a.tar.gz"), tree(&dir.path().join("a")));

    // Absolute paths name the inputs by their file names: no folder of this machine enters
    // the package, and the bytes equal those of a run given the same names relatively.
    let absolute: Vec<String> = inputs
        .iter()
        .map(|i| dir.path().join(i).display().to_string())
        .collect();
    let three = portfolio(dir.path(), &args(&absolute, &["--out", "c"]));
    assert_eq!(three.status.code(), Some(0), "{}", text(&three.stderr));
    let c = tree(&dir.path().join("c"));
    let json = String::from_utf8_lossy(&c["portfolio.json"]).into_owned();
    let machine = dir.path().display().to_string();
    assert!(!json.contains(&machine), "{json}");
    assert_eq!(c, tree(&dir.path().join("a")));
}

#[test]
fn tampered_duplicate_and_foreign_inputs_are_listed_and_never_merged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = write_input(d, "good", &synthetic_report(base(), 1, 1), Shape::Dir);
    // Tampered: report.json edited after the manifest was written.
    let tampered = write_input(d, "tampered", &synthetic_report(base(), 2, 1), Shape::Dir);
    let mut edited = synthetic_report(base(), 2, 1);
    edited["requirements"][0]["status"] = "satisfied".into();
    edited["product"]["name"] = "tampered-product".into();
    std::fs::write(d.join("tampered/report.json"), bytes(&edited)).unwrap();
    // The same package again, in another folder and as an archive.
    let copy = write_input(d, "copy", &synthetic_report(base(), 1, 1), Shape::Archive);
    // The same release of product 3 assessed twice: the newer assessment is kept.
    let older = synthetic_report(base(), 3, 1);
    let mut newer = older.clone();
    newer["generated_at"] = "2026-03-01T00:00:00Z".into();
    let older = write_input(d, "older", &older, Shape::Json);
    let newer = write_input(d, "newer", &newer, Shape::Json);
    // A schema this version does not read, none at all, and a package with no report.
    let mut future = synthetic_report(base(), 4, 1);
    future["schema_version"] = 2.into();
    future["product"]["name"] = "future-product".into();
    let future = write_input(d, "future", &future, Shape::Dir);
    let none = write_input(d, "none", &json!({"product": {"name": "x"}}), Shape::Json);
    let mut empty = BTreeMap::new();
    empty.insert("notes.txt".to_string(), b"hello".to_vec());
    let manifest = cargo_sdl::package::manifest::render(&empty);
    empty.insert("MANIFEST.sha256".into(), manifest.into_bytes());
    write_tree(&d.join("noreport"), &empty);
    let inputs: Vec<&str> = vec![
        &good, &tampered, &copy, &older, &newer, &future, &none, "noreport", &good,
    ];
    let mut all = inputs.clone();
    all.extend(["--out", "pf"]);
    let out = portfolio(d, &all);
    assert_eq!(
        out.status.code(),
        Some(1),
        "excluded inputs fail the run: {}",
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    let files = tree(&d.join("pf"));
    let p = json_of(&files);
    let excluded: BTreeMap<&str, &str> = p["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["input"].as_str().unwrap(), e["reason"].as_str().unwrap()))
        .collect();
    let expect = [
        (
            "tampered",
            "does not match its manifest (modified: report.json)",
        ),
        ("good", "duplicate: the same report.json as copy.tar.gz"),
        ("older.json", "duplicate: product-0003 commit"),
        (
            "future",
            "schema_version 2 is not one this version of cargo-sdl reads (1)",
        ),
        ("none.json", "not a cargo-sdl report (no schema_version)"),
        ("noreport", "the package has no report.json"),
    ];
    for (input, reason) in expect {
        let got = excluded
            .get(input)
            .unwrap_or_else(|| panic!("{input} not excluded: {excluded:?}"));
        assert!(got.contains(reason), "{input}: {got}");
        assert!(stdout.contains(&format!("excluded {input}: ")), "{stdout}");
    }
    assert_eq!(
        p["excluded"].as_array().unwrap().len(),
        expect.len() + 1,
        "good is given twice, both times after copy.tar.gz: {excluded:?}"
    );
    assert_eq!(p["summary"]["products"], 2, "good and product 3");
    let names = text(&files["portfolio.json"]);
    for never in ["tampered-product", "future-product"] {
        assert!(
            !names.contains(&format!("\"name\": \"{never}\"")),
            "{never} merged"
        );
    }
    assert_eq!(p["products"][1]["releases"][0]["input"], "newer.json");
    let html = text(&files["index.html"]);
    assert!(html.contains("Excluded inputs") && html.contains("modified: report.json"));
    // Nothing of an excluded input is copied.
    assert_eq!(
        files.keys().filter(|f| f.ends_with("report.json")).count(),
        2
    );

    // An input that cannot be read at all stops the run and names it; nothing is written.
    let out = portfolio(d, &[&good, "missing-package", "--out", "pf2"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("missing-package"),
        "{}",
        text(&out.stderr)
    );
    assert!(!d.join("pf2").exists());
}

#[test]
fn with_allowed_signers_only_signed_packages_are_merged_and_the_portfolio_signs_itself() {
    if !common::require_tool("ssh-keygen") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = common::keygen(d, "key", "ed25519", "");
    let signers = d.join("allowed_signers");
    std::fs::write(
        &signers,
        format!("test namespaces=\"cargo-sdl\" {}\n", common::public(&key)),
    )
    .unwrap();
    let signed = write_input(d, "signed", &synthetic_report(base(), 1, 1), Shape::Dir);
    let status = std::process::Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", "cargo-sdl", "-f"])
        .arg(&key)
        .arg(d.join("signed/MANIFEST.sha256"))
        .status()
        .unwrap();
    assert!(status.success());
    let unsigned = write_input(d, "unsigned", &synthetic_report(base(), 2, 1), Shape::Dir);
    let bare = write_input(d, "bare", &synthetic_report(base(), 3, 1), Shape::Json);
    let signers_arg = signers.to_str().unwrap();
    let key_arg = key.to_str().unwrap();
    let out = portfolio(
        d,
        &[
            &signed,
            &unsigned,
            &bare,
            "--allowed-signers",
            signers_arg,
            "--sign",
            key_arg,
            "--out",
            "pf",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let p = json_of(&tree(&d.join("pf")));
    assert_eq!(p["summary"]["products"], 1);
    assert!(
        p["inputs"][0]["verification"]
            .as_str()
            .unwrap()
            .contains("signature: valid")
    );
    let reasons: Vec<&str> = p["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("signature: missing")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("bare report.json")),
        "{reasons:?}"
    );
    // The portfolio's own signature verifies like a report package's.
    let verify = sdl(d, &["verify", "pf", "--allowed-signers", signers_arg]);
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify.stdout));
    assert!(text(&verify.stdout).contains("signature: valid"));
}

/// Product and organisation text no renderer may act on.
const HOSTILE: &str =
    "<script>alert(1)</script>\"><img src=x onerror=alert(1)> {{ p }} {% if 1 %}x{% endif %}";

fn hostile_report() -> Value {
    let mut r = synthetic_report(base(), 7, 1);
    r["product"]["name"] = format!("=HYPERLINK(\"http://evil\") {HOSTILE}").into();
    r["product"]["version"] = format!("+1 {HOSTILE}").into();
    r["assessed"]["remote"] = "javascript:alert(1)//\"><script>x</script>".into();
    r["requirements"][0]["title"] = format!("@SUM(A1) {HOSTILE}").into();
    r["organisation"] = json!({"records": format!("-2+3 {HOSTILE}"), "name": HOSTILE});
    r
}

#[test]
fn hostile_names_and_statements_stay_text_in_the_page_and_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let hostile = write_input(d, "hostile", &hostile_report(), Shape::Dir);
    let mut org = synthetic_report(base(), 8, 1);
    org["product"]["name"] = HOSTILE.into();
    org["requirements"][0]["title"] = format!("@SUM(A1) {HOSTILE}").into();
    for r in org["requirements"].as_array_mut().unwrap() {
        r["attestations"] = json!([format!("sdl/attestations/{HOSTILE}.toml")]);
    }
    let org = write_input(d, "org", &org, Shape::Dir);
    let out = portfolio(d, &[&hostile, "--organisation", &org, "--out", "pf"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let files = tree(&d.join("pf"));
    // Folder names come from the portfolio, not from the product's name.
    for path in files.keys() {
        assert!(
            path.chars()
                .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c)),
            "{path}"
        );
    }
    let html = text(&files["index.html"]);
    assert_inert(&html);
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(!html.contains("<script") && !html.contains("<img"));
    assert!(!html.contains("href=\"javascript"));
    // No cell of the CSV starts a formula.
    let csv = text(&files["portfolio.csv"]);
    for field in csv_fields(&csv) {
        assert!(
            !field.starts_with(['=', '+', '-', '@']),
            "formula cell {field:?}"
        );
    }
    assert!(csv.contains("'=HYPERLINK") && csv.contains("'+1 ") && csv.contains("'@SUM(A1)"));
    // The citation does not match (its name is not the organisation's): nothing inherited.
    let p = json_of(&files);
    assert_eq!(p["summary"]["inherited"], 0);
}

/// Every field of an RFC 4180 text (quoted fields unquoted).
fn csv_fields(csv: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = csv.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',' | '\n', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields
}

fn set_status(r: &mut Value, id: &str, status: &str) {
    for x in r["requirements"].as_array_mut().unwrap() {
        if x["id"] == id {
            x["status"] = status.into();
        }
    }
}

#[test]
fn organisation_records_are_inherited_only_where_cited_matched_and_org_level() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    const ORG_REMOTE: &str = "https://git.example.com/org/sdl";
    let mut org = synthetic_report(base(), 9, 1);
    org["product"]["name"] = "Example Org".into();
    org["assessed"]["remote"] = ORG_REMOTE.into();
    for (id, s) in [
        ("SM-1", "satisfied"),
        ("SM-2", "unknown"),
        ("SM-4", "partial"),
        ("SM-12", "unknown"),
        ("SM-13", "not-satisfied"),
        ("DM-6", "unknown"),
        ("SR-1", "satisfied"),
    ] {
        set_status(&mut org, id, s);
    }
    let product = |n: usize, citation: Value| {
        let mut r = synthetic_report(base(), n, 1);
        for (id, s) in [
            ("SM-1", "not-satisfied"),
            ("SM-2", "unknown"),
            ("SM-4", "satisfied"),
            ("SR-1", "unknown"),
        ] {
            set_status(&mut r, id, s);
        }
        if !citation.is_null() {
            r["organisation"] = citation;
        }
        r
    };
    let inputs = [
        write_input(
            d,
            "cites",
            &product(1, json!({"records": format!("{ORG_REMOTE}.git")})),
            Shape::Dir,
        ),
        write_input(d, "silent", &product(2, Value::Null), Shape::Dir),
        write_input(
            d,
            "pinned",
            &product(
                3,
                json!({"records": "org/report.json", "sha256": "0".repeat(64)}),
            ),
            Shape::Dir,
        ),
        write_input(
            d,
            "named",
            &product(4, json!({"records": ORG_REMOTE, "name": "Other Org"})),
            Shape::Dir,
        ),
    ];
    let org = write_input(d, "org", &org, Shape::Archive);
    let mut a = args(&inputs, &["--organisation", &org, "--out", "pf"]);
    let out = portfolio(d, &a);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let files = tree(&d.join("pf"));
    let p = json_of(&files);
    let errs = common::schema::schema_validator("schema/portfolio.schema.json").errors(&p);
    assert!(errs.is_empty(), "{errs:#?}");
    let req = |product: usize, id: &str| -> Value {
        p["products"][product]["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    // The citing product inherits SM-1 (satisfied at the organisation), marked as such, with
    // its own status kept; an unknown organisation record (SM-2) is not inherited, a better
    // own status (SM-4) stays, and a product-level requirement (SR-1) never inherits.
    assert_eq!(
        req(0, "SM-1"),
        json!({"id": "SM-1", "own": "not-satisfied", "status": "satisfied", "source": "organisation"})
    );
    assert_eq!(req(0, "SM-2")["source"], "product");
    assert_eq!(req(0, "SM-2")["status"], "unknown");
    assert_eq!(req(0, "SM-4")["status"], "satisfied");
    assert_eq!(req(0, "SM-4")["source"], "product");
    assert_eq!(req(0, "SR-1")["status"], "unknown");
    for (product, why) in [(2, "another version"), (3, "Other Org")] {
        assert_eq!(p["products"][product]["organisation"]["matched"], false);
        assert!(
            p["products"][product]["organisation"]["why"]
                .as_str()
                .unwrap()
                .contains(why)
        );
        assert_eq!(req(product, "SM-1")["status"], "not-satisfied");
    }
    assert!(p["products"][1].get("organisation").is_none());
    assert_eq!(req(1, "SM-1")["source"], "product");
    assert_eq!(p["summary"]["inherited"], 1);
    assert_eq!(p["organisation"]["cited_by"], json!(["p0001-product-0001"]));
    assert!(files.contains_key("organisation/report.json"));
    let html = text(&files["index.html"]);
    assert!(
        html.contains("<span class=\"inherited\">SM-1</span> (not satisfied → satisfied)"),
        "the page says where it came from"
    );
    let csv = text(&files["portfolio.csv"]);
    assert!(
        csv.lines()
            .any(|l| l.contains(",SM-1,")
                && l.contains(",satisfied,not-satisfied,organisation,true,"))
    );

    // The organisation given as a product input too is merged only once, as the organisation.
    a.insert(0, &org);
    a.iter_mut().for_each(|x| {
        if *x == "pf" {
            *x = "pf2"
        }
    });
    let out = portfolio(d, &a);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("it is also the --organisation report"));
}

#[test]
fn only_a_previous_portfolio_is_ever_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = write_input(d, "in", &synthetic_report(base(), 1, 1), Shape::Json);
    std::fs::create_dir(d.join("notes")).unwrap();
    std::fs::write(d.join("notes/keep.txt"), "mine").unwrap();
    let out = portfolio(d, &[&input, "--out", "notes", "--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("is not a package written by cargo-sdl"));
    assert_eq!(
        std::fs::read_to_string(d.join("notes/keep.txt")).unwrap(),
        "mine"
    );
    // A report package is not a portfolio: it is not replaced either.
    write_tree(
        &d.join("report-pkg"),
        &package_files(&synthetic_report(base(), 1, 1)),
    );
    let refused = |args: &[&str], says: &str| {
        let out = portfolio(d, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(text(&out.stderr).contains(says), "{}", text(&out.stderr));
    };
    refused(
        &[&input, "--out", "report-pkg", "--force"],
        "does not list portfolio.json",
    );
    // The current folder is never the package.
    refused(&[&input, "--out", "."], "the current folder");
    let out = portfolio(d, &[&input, "--out", "pf"]);
    assert_eq!(out.status.code(), Some(0));
    refused(&[&input, "--out", "pf"], "pass --force");
    let out = portfolio(d, &[&input, "--out", "pf", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let leftovers: Vec<PathBuf> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(".pf."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_report_records_the_organisation_its_configuration_cites() {
    let org_report = "{\"schema_version\": 1}\n";
    let ws = common::workspace_with(&[
        ("org/report.json", org_report),
        (
            "sdl.toml",
            "[organisation]\nrecords = \"org/report.json\"\nname = \"Example Org\"\n",
        ),
    ]);
    let report = check_json(ws.path());
    let sha = cargo_sdl::digest::sha256_hex(org_report.as_bytes());
    assert_eq!(
        report["organisation"],
        json!({"records": "org/report.json", "name": "Example Org", "sha256": sha})
    );
    let errs = common::schema::schema_validator("schema/report.schema.json").errors(&report);
    assert!(errs.is_empty(), "{errs:#?}");
    // Configuration stays strict: an unknown key, a password in a URL, a file outside.
    for (toml, says) in [
        (
            "[organisation]\nrecords = \"https://x.example/org\"\nurl = \"y\"\n",
            "url",
        ),
        (
            "[organisation]\nrecords = \"https://me:secret@x.example/org\"\n",
            "password",
        ),
        (
            "[organisation]\nrecords = \"../org/report.json\"\n",
            "organisation.records",
        ),
        ("[organisation]\nrecords = \"\"\n", "organisation.records"),
    ] {
        std::fs::write(ws.path().join("sdl.toml"), toml).unwrap();
        let out = sdl(
            ws.path(),
            &[
                "--offline",
                "--current-time",
                NOW,
                "check",
                "--format",
                "json",
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{toml}");
        assert!(
            text(&out.stderr).contains(says),
            "{toml}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn the_portfolio_page_renders_in_headless_chromium() {
    let Some(bin) = require_chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut inputs = three_products(d);
    inputs.push(write_input(d, "hostile", &hostile_report(), Shape::Dir));
    let out = portfolio(d, &args(&inputs, &["--out", "pf"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let page = d.join("pf/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(attribute_values(&html, "src").is_empty());
    let profile = tempfile::tempdir().unwrap();
    screenshot(&bin, profile.path(), &page, "portfolio-screenshot.png");
    let (dom, stderr) = run_chromium(
        &bin,
        profile.path(),
        &page,
        &["--dump-dom", "--enable-logging=stderr", "--v=0"],
    );
    for name in ["product-0002", "product-0004", "product-0005"] {
        assert!(dom.contains(name), "{name} not rendered");
    }
    assert!(
        dom.contains("=HYPERLINK(\"http://evil\") &lt;script&gt;"),
        "the hostile name is text"
    );
    let lower = dom.to_ascii_lowercase();
    assert!(
        !lower.contains("<script") && !lower.contains("<img"),
        "markup was created"
    );
    assert!(dom.contains("id=\"heatmap\"") && dom.contains("class=\"heat\""));
    assert_clean_console(&stderr);
}

#[test]
fn beyond_forty_products_the_page_groups_and_collapses() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inputs: Vec<String> = (1..=45)
        .map(|n| {
            write_input(
                d,
                &format!("p{n}"),
                &synthetic_report(base(), n, 1),
                Shape::Json,
            )
        })
        .collect();
    let out = portfolio(d, &args(&inputs, &["--out", "pf"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let files = tree(&d.join("pf"));
    let html = text(&files["index.html"]);
    assert_inert(&html);
    // The matrix has a row per level, not per product, and still reaches every product.
    let maturity =
        &html[html.find("id=\"maturity\"").unwrap()..html.find("id=\"heatmap\"").unwrap()];
    assert!(maturity.contains("grouped by level"));
    assert_eq!(
        maturity.matches("<tr>").count(),
        1 + 5,
        "a header and five levels"
    );
    for n in 1..=45 {
        assert!(
            maturity.contains(&format!(">product-{n:04}</a>")),
            "product {n}"
        );
    }
    // Each product appears once per practice.
    assert_eq!(maturity.matches(">product-0001</a>").count(), 8);
    // The heatmap's grids come in collapsed sections of 25 products, and nothing is open.
    assert_eq!(html.matches("<details class=\"grid\">").count(), 2);
    assert!(!html.contains(" open>"), "every section is collapsed");
    let p = json_of(&files);
    assert_eq!(p["summary"]["products"], 45);
}

/// Two releases of one product whose reports spell its remote differently (case, a `.git` or a
/// trailing slash, as the organisation citation's match ignores them) are one product: else
/// the newer release stands alone and a regression between them is never shown.
#[test]
fn one_remote_spelt_two_ways_is_one_product() {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    for (release, remote) in [
        (1, "https://git.example.com/team/product-0002"),
        (2, "https://git.example.com/Team/product-0002.git/"),
    ] {
        let mut report = synthetic_report(base(), 2, release);
        report["assessed"]["remote"] = Value::from(remote);
        inputs.push(write_input(
            dir.path(),
            &format!("r{release}"),
            &report,
            Shape::Dir,
        ));
    }
    let out = portfolio(dir.path(), &args(&inputs, &["--out", "pf"]));
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        text(&out.stderr)
    );
    let p = json_of(&tree(&dir.path().join("pf")));
    assert_eq!(
        p["summary"]["products"], 1,
        "one product, not one per spelling"
    );
    assert_eq!(p["summary"]["releases"], 2);
    assert_eq!(
        p["products"][0]["remote"], "https://git.example.com/Team/product-0002.git/",
        "the newest release's remote as written"
    );
}
