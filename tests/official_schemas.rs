//! The evidence package's SBOM, SARIF and OSCAL against the official schemas, vendored under
//! `schema/official` with their licences (see its README): `bom-1.5.schema.json` with the
//! `spdx.schema.json` and `jsf-0.82.schema.json` it references (CycloneDX, Apache-2.0),
//! `sarif-schema-2.1.0.json` (OASIS), `oscal_assessment-results_schema.json` (NIST OSCAL 1.1.2,
//! public domain); and `report.json` against `schema/report.schema.json`.
//! `CARGO_SDL_OFFICIAL_SCHEMAS=DIR` checks against other copies of the same files.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// A JSON Schema (draft-04 to draft-07) validator for what these official schemas use:
/// references within and across documents (JSON pointers and `$id` anchors), the structural
/// and value keywords, and the applicators. A keyword it does not know fails the test rather
/// than being skipped; annotations (`title`, `format`, …) are not checked.
struct Validator {
    documents: BTreeMap<String, Value>,
}

const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "id",
    "$comment",
    "title",
    "description",
    "default",
    "examples",
    "format",
    "contentEncoding",
    "meta:enum",
    "definitions",
    "$defs",
    "additionalItems",
];

const ASSERTIONS: &[&str] = &[
    "$ref",
    "type",
    "enum",
    "const",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "pattern",
    "uniqueItems",
    "oneOf",
    "anyOf",
    "allOf",
    "not",
    "if",
    "then",
    "else",
];

impl Validator {
    fn load(dir: &Path, names: &[&str]) -> Option<Validator> {
        let mut documents = BTreeMap::new();
        for name in names {
            let text = std::fs::read_to_string(dir.join(name)).ok()?;
            documents.insert(name.to_string(), serde_json::from_str(&text).unwrap());
        }
        Some(Validator { documents })
    }

    fn errors(&self, root: &str, value: &Value) -> Vec<String> {
        let mut errs = Vec::new();
        self.check(root, &self.documents[root], value, "$", &mut errs);
        errs
    }

    /// The schema a `$ref` names, and the document it lives in.
    fn resolve<'a>(&'a self, doc: &'a str, reference: &str) -> (&'a str, &'a Value) {
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let doc = if file.is_empty() {
            doc
        } else {
            let name = file.rsplit('/').next().unwrap();
            self.documents
                .get_key_value(name)
                .map(|(k, _)| k.as_str())
                .unwrap_or_else(|| panic!("{reference}: {name} is not loaded"))
        };
        let root = &self.documents[doc];
        let target = if fragment.is_empty() {
            Some(root)
        } else if fragment.starts_with('/') {
            root.pointer(fragment)
        } else {
            find_anchor(root, &format!("#{fragment}"))
        };
        (
            doc,
            target.unwrap_or_else(|| panic!("dangling reference {reference}")),
        )
    }

    fn check(&self, doc: &str, schema: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
        let s = match schema {
            Value::Bool(true) => return,
            Value::Bool(false) => return errs.push(format!("{at}: not allowed")),
            Value::Object(s) => s,
            _ => panic!("{at}: a schema must be an object or a boolean"),
        };
        for k in s.keys() {
            assert!(
                ANNOTATIONS.contains(&k.as_str()) || ASSERTIONS.contains(&k.as_str()),
                "unsupported keyword `{k}` at {at}"
            );
        }
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            let (d, target) = self.resolve(doc, r);
            self.check(d, target, v, at, errs);
            return;
        }
        if let Some(t) = s.get("type") {
            let types: Vec<&str> = match t {
                Value::String(t) => vec![t],
                Value::Array(a) => a.iter().map(|x| x.as_str().unwrap()).collect(),
                _ => panic!("{at}: bad type"),
            };
            let ok = types.iter().any(|t| match *t {
                "object" => v.is_object(),
                "array" => v.is_array(),
                "string" => v.is_string(),
                "integer" => v.is_i64() || v.is_u64(),
                "number" => v.is_number(),
                "boolean" => v.is_boolean(),
                "null" => v.is_null(),
                other => panic!("{at}: unknown type {other}"),
            });
            if !ok {
                return errs.push(format!("{at}: expected {types:?}, found {v}"));
            }
        }
        if let Some(e) = s.get("enum")
            && !e.as_array().unwrap().contains(v)
        {
            errs.push(format!("{at}: {v} is not one of {e}"));
        }
        if let Some(c) = s.get("const")
            && c != v
        {
            errs.push(format!("{at}: {v} is not {c}"));
        }
        if let Some(n) = v.as_f64() {
            if let Some(min) = s.get("minimum").and_then(Value::as_f64)
                && n < min
            {
                errs.push(format!("{at}: {n} < {min}"));
            }
            if let Some(max) = s.get("maximum").and_then(Value::as_f64)
                && n > max
            {
                errs.push(format!("{at}: {n} > {max}"));
            }
        }
        if let Some(text) = v.as_str() {
            let len = text.chars().count() as u64;
            if let Some(min) = s.get("minLength").and_then(Value::as_u64)
                && len < min
            {
                errs.push(format!("{at}: shorter than {min}"));
            }
            if let Some(max) = s.get("maxLength").and_then(Value::as_u64)
                && len > max
            {
                errs.push(format!("{at}: longer than {max}"));
            }
            if let Some(p) = s.get("pattern").and_then(Value::as_str) {
                let re = regex::Regex::new(p).unwrap_or_else(|e| panic!("{at}: {p}: {e}"));
                if !re.is_match(text) {
                    errs.push(format!("{at}: {text:?} does not match {p}"));
                }
            }
        }
        if let Some(obj) = v.as_object() {
            for k in s
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let k = k.as_str().unwrap();
                if !obj.contains_key(k) {
                    errs.push(format!("{at}: missing `{k}`"));
                }
            }
            let props = s.get("properties").and_then(Value::as_object);
            for (k, x) in obj {
                match props.and_then(|p| p.get(k)) {
                    Some(ps) => self.check(doc, ps, x, &format!("{at}.{k}"), errs),
                    None => match s.get("additionalProperties") {
                        Some(Value::Bool(false)) => errs.push(format!("{at}: unexpected `{k}`")),
                        Some(extra) => self.check(doc, extra, x, &format!("{at}.{k}"), errs),
                        None => {}
                    },
                }
            }
        }
        if let Some(arr) = v.as_array() {
            match s.get("items") {
                Some(Value::Array(tuple)) => {
                    for (i, (x, item)) in arr.iter().zip(tuple).enumerate() {
                        self.check(doc, item, x, &format!("{at}[{i}]"), errs);
                    }
                }
                Some(items) => {
                    for (i, x) in arr.iter().enumerate() {
                        self.check(doc, items, x, &format!("{at}[{i}]"), errs);
                    }
                }
                None => {}
            }
            let n = arr.len() as u64;
            if let Some(min) = s.get("minItems").and_then(Value::as_u64)
                && n < min
            {
                errs.push(format!("{at}: fewer than {min} items"));
            }
            if let Some(max) = s.get("maxItems").and_then(Value::as_u64)
                && n > max
            {
                errs.push(format!("{at}: more than {max} items"));
            }
            if s.get("uniqueItems") == Some(&Value::Bool(true)) {
                for (i, x) in arr.iter().enumerate() {
                    if arr[..i].contains(x) {
                        errs.push(format!("{at}[{i}]: a duplicate item"));
                    }
                }
            }
        }
        let passes = |alt: &Value| {
            let mut e = Vec::new();
            self.check(doc, alt, v, at, &mut e);
            e.is_empty()
        };
        if let Some(alts) = s.get("allOf").and_then(Value::as_array) {
            for alt in alts {
                self.check(doc, alt, v, at, errs);
            }
        }
        if let Some(alts) = s.get("anyOf").and_then(Value::as_array)
            && !alts.iter().any(passes)
        {
            errs.push(format!("{at}: no alternative of anyOf matches"));
        }
        if let Some(alts) = s.get("oneOf").and_then(Value::as_array) {
            let n = alts.iter().filter(|a| passes(a)).count();
            if n != 1 {
                errs.push(format!("{at}: {n} alternatives of oneOf match"));
            }
        }
        if let Some(not) = s.get("not")
            && passes(not)
        {
            errs.push(format!("{at}: matches what `not` excludes"));
        }
        if let Some(cond) = s.get("if") {
            let branch = if passes(cond) {
                s.get("then")
            } else {
                s.get("else")
            };
            if let Some(b) = branch {
                self.check(doc, b, v, at, errs);
            }
        }
    }
}

/// The subschema whose `$id` is `anchor` (`#name`), anywhere in `v`.
fn find_anchor<'a>(v: &'a Value, anchor: &str) -> Option<&'a Value> {
    match v {
        Value::Object(m) => {
            if m.get("$id").and_then(Value::as_str) == Some(anchor) {
                return Some(v);
            }
            m.values().find_map(|x| find_anchor(x, anchor))
        }
        Value::Array(a) => a.iter().find_map(|x| find_anchor(x, anchor)),
        _ => None,
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/supply")
        .join(name)
}

/// An evidence package of the demo workspace with advisories, a waiver that holds, one that
/// expired, and an attestation: every section the exports can write.
fn package() -> (tempfile::TempDir, PathBuf) {
    let ws = tempfile::tempdir().unwrap();
    common::copy_dir(&fixture("demo"), ws.path());
    std::fs::create_dir_all(ws.path().join("sdl/attestations")).unwrap();
    std::fs::write(
        ws.path().join("sdl/roles.toml"),
        "[roles.psirt-lead]\ndescription = \"runs intake\"\nholders = [\"security@example.org\"]\n\
         [roles.process-owner]\ndescription = \"owns the process\"\nholders = [\"Grace Hopper\"]\n",
    )
    .unwrap();
    std::fs::write(
        ws.path().join("sdl/attestations/dm-1.toml"),
        r#"requirements = ["DM-1"]
statement = "Reports arrive through the channel SECURITY.md names; the PSIRT lead monitors it."
owner = "security@example.org"
owner-role = "psirt-lead"
approver = "Grace Hopper"
approver-role = "process-owner"
date = 2026-01-10
valid-until = 2027-01-10
references = ["Cargo.toml"]
"#,
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
    let home = common::cargo_home(false);
    let pkg = ws.path().join("target/pkg");
    let out = common::command(ws.path(), home.path())
        .args(["--offline", "--manifest-path"])
        .arg(ws.path().join("Cargo.toml"))
        .arg("--advisory-db")
        .arg(fixture("advisory-db"))
        .args(["--current-time", "2026-02-01", "report", "--out"])
        .arg(&pkg)
        .output()
        .unwrap();
    assert!(
        pkg.join("report.json").is_file(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (ws, pkg)
}

fn read(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The vendored official schemas (`schema/official`, each with its licence and provenance), or
/// `CARGO_SDL_OFFICIAL_SCHEMAS=DIR` to check against other copies.
fn schema_dir() -> PathBuf {
    std::env::var_os("CARGO_SDL_OFFICIAL_SCHEMAS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/official"))
}

/// Every export of `pkg` against its official schema, and `report.json` against its own;
/// each failure names the file, the schema and the instance path.
fn check_package(pkg: &Path) {
    let dir = schema_dir();
    let checks = [
        (
            dir.as_path(),
            &[
                "bom-1.5.schema.json",
                "spdx.schema.json",
                "jsf-0.82.schema.json",
            ][..],
            "sbom.cdx.json",
        ),
        (
            dir.as_path(),
            &["sarif-schema-2.1.0.json"][..],
            "report.sarif",
        ),
        (
            dir.as_path(),
            &["oscal_assessment-results_schema.json"][..],
            "oscal-assessment-results.json",
        ),
        (
            Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/schema")),
            &["report.schema.json"][..],
            "report.json",
        ),
    ];
    for (dir, schemas, file) in checks {
        let v = Validator::load(dir, schemas)
            .unwrap_or_else(|| panic!("{} not in {}", schemas[0], dir.display()));
        let doc = read(&pkg.join(file));
        let errs = v.errors(schemas[0], &doc);
        assert!(
            errs.is_empty(),
            "{}: not valid against {}: {errs:#?}",
            pkg.join(file).display(),
            dir.join(schemas[0]).display()
        );
        // The validator is not vacuous: a misplaced field fails.
        let mut bad = doc.clone();
        bad.as_object_mut()
            .unwrap()
            .insert("surprise".into(), Value::Bool(true));
        if file.starts_with("oscal") {
            bad["assessment-results"]["surprise"] = Value::Bool(true);
        }
        assert!(!v.errors(schemas[0], &bad).is_empty(), "{file}");
    }
}

#[test]
fn the_exports_match_the_official_schemas() {
    let (_ws, pkg) = package();
    check_package(&pkg);
}

/// `.ci/run` builds this repository's own package and checks it here:
/// `CARGO_SDL_PACKAGE=DIR cargo test --test official_schemas`.
#[test]
fn a_given_package_matches_the_official_schemas() {
    let Some(pkg) = std::env::var_os("CARGO_SDL_PACKAGE") else {
        eprintln!("CARGO_SDL_PACKAGE is not set: no given package to check");
        return;
    };
    check_package(Path::new(&pkg));
}
