//! Configuration: raw → validated, and every way it can be wrong names the file, the line or
//! key, and what to do.

use std::path::Path;

use cargo_sdl::catalog::{Catalog, Level};
use cargo_sdl::config::{self, Config, Product};

fn catalog() -> Catalog {
    Catalog::embedded(&cargo_sdl::eval::rules::builtin_ids()).unwrap()
}

fn fallback() -> Product {
    Product {
        name: "fallback".into(),
        version: "0.0.1".into(),
        ..Product::default()
    }
}

fn repo_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"demo\"\nversion = \"0.3.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn load(root: &Path) -> Result<Config, String> {
    Config::load(root, None, &catalog(), fallback()).map_err(|e| e.to_string())
}

#[test]
fn the_readme_example_parses_and_validates() {
    let example = include_str!("fixtures/sdl.toml");
    let readme = include_str!("../README.md");
    assert!(
        readme.contains(example.trim()),
        "README.md must show tests/fixtures/sdl.toml verbatim"
    );
    let dir = repo_with(&[
        ("sdl.toml", example),
        ("docs/security/threat-model.md", "# Threat model\n"),
        ("docs/security/requirements.md", "# Requirements\n"),
        ("docs/security/guidelines.md", "# Guidelines\n"),
        ("docs/architecture.md", "# Architecture\n"),
        ("docs/operations.md", "# Operations\n"),
    ]);
    let cfg = load(dir.path()).unwrap();
    assert_eq!(cfg.source.as_deref(), Some("sdl.toml"));
    assert_eq!(
        cfg.documents["security-context"],
        ["docs/architecture.md#operating-environment"]
    );
    assert_eq!(
        cfg.guidelines["disposal"],
        ["docs/operations.md#decommissioning"]
    );
    assert_eq!(cfg.product.name, "xy200-updater");
    assert_eq!(cfg.product.security_level, Some(2));
    assert_eq!(
        cfg.documents["threat-model"],
        ["docs/security/threat-model.md"]
    );
    assert_eq!(
        cfg.rules["security-policy-present"].level,
        Some(Level::Deny)
    );
    assert_eq!(cfg.not_applicable.len(), 1);
    assert_eq!(cfg.waivers[0].expires, "2027-03-31");
    let now = cargo_sdl::timefmt::parse("2027-03-31T23:59:59Z").unwrap();
    assert!(
        cfg.waivers[0].is_active(now),
        "valid through its expiry day"
    );
    let next = cargo_sdl::timefmt::parse("2027-04-01").unwrap();
    assert!(!cfg.waivers[0].is_active(next));
}

#[test]
fn the_init_template_parses() {
    let raw = config::parse("sdl.toml", config::TEMPLATE).unwrap();
    let dir = repo_with(&[]);
    config::validate("sdl.toml", raw, dir.path(), &catalog(), fallback()).unwrap();
}

#[test]
fn defaults_come_from_the_manifest() {
    let dir = repo_with(&[]);
    let cfg = load(dir.path()).unwrap();
    assert_eq!(cfg.source, None);
    assert_eq!(cfg.product.name, "fallback");
}

#[test]
fn metadata_table_in_cargo_toml_is_read() {
    let dir = repo_with(&[]);
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"demo\"\nversion = \"0.3.0\"\n\n[package.metadata.sdl.product]\nsecurity-level = 3\n",
    )
    .unwrap();
    let cfg = load(dir.path()).unwrap();
    assert_eq!(
        cfg.source.as_deref(),
        Some("Cargo.toml [package.metadata.sdl]")
    );
    assert_eq!(cfg.product.security_level, Some(3));

    // Both places at once is ambiguous.
    std::fs::write(dir.path().join("sdl.toml"), "").unwrap();
    let err = load(dir.path()).unwrap_err();
    assert!(err.contains("both in sdl.toml and in Cargo.toml"), "{err}");
}

/// (sdl.toml text, fragments the error must contain)
const BAD: &[(&str, &[&str])] = &[
    ("[product\nname = 1", &["sdl.toml", "line 1"]),
    (
        "[product]\nname = \"a\"\nnmae = \"b\"\n",
        &["sdl.toml", "line 3", "nmae"],
    ),
    (
        "[product]\nsecurity-level = \"two\"\n",
        &["sdl.toml", "line 2", "security-level"],
    ),
    (
        "[product]\nsecurity-level = 5\n",
        &["product.security-level", "1, 2, 3 or 4"],
    ),
    (
        "[rules.no-such-rule]\nlevel = \"deny\"\n",
        &["rules.no-such-rule", "cargo sdl rules"],
    ),
    (
        "[rules.security-policy-present]\nlevel = \"fatal\"\n",
        &["sdl.toml", "fatal"],
    ),
    (
        "[rules.security-policy-present]\nthreshold = 3\n",
        &["rules.security-policy-present.threshold", "unknown setting"],
    ),
    (
        "[documents]\nthreat-model = \"../outside.md\"\n",
        &["documents.threat-model", "climbs out"],
    ),
    (
        "[documents]\nthreat-model = \"/etc/passwd\"\n",
        &["documents.threat-model", "absolute"],
    ),
    (
        "[documents]\nthreat-model = \"docs/missing.md\"\n",
        &["documents.threat-model", "create it or remove the key"],
    ),
    (
        "[documents]\nthreat-modle = \"README.md\"\n",
        &["documents.threat-modle", "unknown document kind"],
    ),
    (
        "[[not-applicable]]\nrequirement = \"SM-99\"\njustification = \"long enough justification text\"\napprover = \"x\"\n",
        &["not-applicable[0].requirement", "SM-99"],
    ),
    (
        "[[not-applicable]]\nrequirement = \"SM-10\"\njustification = \"n/a\"\napprover = \"x\"\n",
        &["not-applicable[0].justification"],
    ),
    (
        "[[not-applicable]]\nrequirement = \"SM-10\"\njustification = \"long enough justification text\"\n",
        &["sdl.toml", "approver"],
    ),
    (
        "[[waiver]]\nid = \"not-a-rule\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2027-01-01\n",
        &["waiver[0].id", "neither a rule id nor an advisory id"],
    ),
    (
        "[[waiver]]\nid = \"RUSTSEC-2020-0071\"\nreason = \" \"\nowner = \"o\"\nexpires = 2027-01-01\n",
        &["waiver[0].reason"],
    ),
    (
        "[[waiver]]\nid = \"RUSTSEC-2020-0071\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2027-02-30\"\n",
        &["waiver[0].expires", "not a valid date"],
    ),
];

#[test]
fn every_bad_configuration_names_file_and_problem() {
    for (text, fragments) in BAD {
        let dir = repo_with(&[("sdl.toml", text), ("README.md", "# demo\n")]);
        let err = load(dir.path()).expect_err(text);
        for f in *fragments {
            assert!(err.contains(f), "error for {text:?} lacks {f:?}: {err}");
        }
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_repository_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "outside").unwrap();
    let dir = repo_with(&[("sdl.toml", "[documents]\nthreat-model = \"docs/tm.md\"\n")]);
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        dir.path().join("docs/tm.md"),
    )
    .unwrap();
    let err = load(dir.path()).unwrap_err();
    assert!(
        err.contains("documents.threat-model") && err.contains("symlink"),
        "{err}"
    );

    // A symlink that stays inside is fine.
    std::fs::write(dir.path().join("docs/real.md"), "# tm").unwrap();
    std::fs::remove_file(dir.path().join("docs/tm.md")).unwrap();
    std::os::unix::fs::symlink("real.md", dir.path().join("docs/tm.md")).unwrap();
    let cfg = load(dir.path()).unwrap();
    assert_eq!(cfg.documents["threat-model"], ["docs/tm.md"]);
}

#[test]
fn every_key_the_init_template_documents_is_real() {
    // Uncomment every `# key = value` and `# [section]` line: the result must validate, so the
    // template cannot document a key the loader rejects.
    let mut uncommented = String::new();
    for line in config::TEMPLATE.lines() {
        let body = line.strip_prefix("# ").unwrap_or("");
        let is_key = body.split_once(" = ").is_some_and(|(k, _)| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
        let is_section = body.starts_with('[') && body.trim_end().ends_with(']');
        if is_section || is_key {
            uncommented.push_str(body);
        } else {
            uncommented.push_str(line);
        }
        uncommented.push('\n');
    }
    let dir = repo_with(&[
        ("sdl.toml", &uncommented),
        ("SECURITY.md", "# policy"),
        ("CHANGELOG.md", "# changes"),
        ("docs/security/threat-model.md", "#"),
        ("docs/security/context.md", "#"),
        ("docs/security/requirements.md", "#"),
        ("docs/security/design.md", "#"),
        ("docs/security/design-practices.md", "#"),
        ("docs/security/coding-standard.md", "#"),
        ("docs/sdl/process.md", "#"),
        ("docs/security/guidelines.md", "#"),
        ("docs/security/updates.md", "#"),
        (
            ".github/allowed_signers",
            "ci@example.com ssh-ed25519 AAAA\n",
        ),
        ("sbom/product.cdx.json", "{}"),
    ]);
    let cfg = load(dir.path()).unwrap_or_else(|e| panic!("{e}\n{uncommented}"));
    assert_eq!(cfg.product.security_level, Some(2));
    assert_eq!(cfg.maturity_releases, 2);
    assert_eq!(cfg.documents.len(), 11);
    assert_eq!(cfg.guidelines.len(), 6);
    assert_eq!(cfg.not_applicable.len(), 1);
    assert_eq!(cfg.waivers.len(), 1);
    assert_eq!(cfg.reviewed_sources.len(), 1);
    assert_eq!(cfg.rules.len(), 3);
}
