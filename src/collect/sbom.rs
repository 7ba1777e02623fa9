//! SBOM ingestion and generation (CycloneDX): the SBOM generated from the workspace, and the
//! SBOMs the repository keeps, validated and compared with Cargo.lock.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use cyclonedx_bom::models::bom::{Bom, SpecVersion};
use cyclonedx_bom::validation::Validate;
use time::OffsetDateTime;

use crate::config::{Config, Product};
use crate::facts::cargo::{
    Coverage, GeneratedSbom, PackageFact, PackageSource, SbomDocument, SbomValidation,
};
use crate::facts::{CargoFacts, Collected, FileRef, SbomFacts};

/// Directories never searched for SBOMs: build output, VCS data, vendored sources.
const SKIP_DIRS: &[&str] = &["target", "node_modules", "vendor"];

/// cyclonedx-bom reads, converts and validates a document recursively, with frames of
/// kilobytes per level: components nested in components (or services, pedigrees) a few dozen
/// levels deep overflowed the stack. Deeper documents are refused before it sees them; real
/// SBOMs nest a handful of levels (JSON values, XML elements).
const MAX_NESTING: usize = 48;

pub fn collect(
    root: &Path,
    config: &Config,
    cargo: &Collected<CargoFacts>,
    now: OffsetDateTime,
) -> Collected<SbomFacts> {
    collect_cached(root, config, cargo, now, None)
}

/// [`collect`], with the generated SBOM's facts taken from the cache when they were made from
/// the same package facts, product and time.
pub(crate) fn collect_cached(
    root: &Path,
    config: &Config,
    cargo: &Collected<CargoFacts>,
    now: OffsetDateTime,
    cache: Option<&super::cache::Cache>,
) -> Collected<SbomFacts> {
    const SLOT: &str = "sbom";
    let generated = match cargo {
        Collected::Present { value } => {
            let key = cache.and_then(|_| {
                let facts = serde_json::to_vec(value).ok()?;
                Some(
                    super::cache::Key::new(SLOT)
                        .bytes(&facts)
                        .str(&format!("{:?}", config.product))
                        .str(&now.unix_timestamp_nanos().to_string())
                        .finish(),
                )
            });
            match cache
                .zip(key.as_ref())
                .and_then(|(c, k)| c.get_json(SLOT, k))
            {
                Some(hit) => hit,
                None => {
                    let made = generated(value, &config.product, now);
                    if let (Some(c), Some(k)) = (cache, &key) {
                        c.put_json(SLOT, k, &made);
                    }
                    made
                }
            }
        }
        Collected::Absent { reason } => Collected::absent(format!("no package list: {reason}")),
        Collected::Failed { error } => Collected::absent(format!("no package list: {error}")),
    };
    let paths = if config.sbom_paths.is_empty() {
        discover(root)
    } else {
        config.sbom_paths.clone()
    };
    let packages = cargo.get().ok();
    let documents = paths.iter().map(|p| ingest(root, p, packages)).collect();
    Collected::present(SbomFacts {
        generated,
        documents,
    })
}

fn generated(
    facts: &CargoFacts,
    product: &Product,
    now: OffsetDateTime,
) -> Collected<GeneratedSbom> {
    let g = match crate::sbom::generate(facts, product, now) {
        Ok(g) => g,
        Err(e) => return Collected::failed(e.to_string()),
    };
    // Read the bytes back, as a consumer would, so the facts describe what was written.
    let bom = match Bom::parse_from_json(&g.bytes[..]) {
        Ok(b) => b,
        Err(e) => {
            return Collected::failed(format!("the generated SBOM cannot be read back: {e}"));
        }
    };
    let validation = bom.validate_version(SpecVersion::V1_5);
    let validation_errors = if validation.passed() {
        Vec::new()
    } else {
        crate::sbom::validation_errors(validation)
    };
    let ids = crate::sbom::component_ids(&bom);
    Collected::present(GeneratedSbom {
        spec_version: "1.5".into(),
        serial_number: g.serial_number,
        sha256: crate::digest::sha256_hex(&g.bytes),
        components: g.components,
        validation_errors,
        coverage: coverage(facts, &ids),
    })
}

/// `bom.json`, `*.cdx.json`, `*.cdx.xml` anywhere in the workspace, except build output and
/// hidden directories; repository-relative, sorted.
pub(crate) fn discover(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !name.starts_with('.') && !SKIP_DIRS.contains(&name.as_str()) {
                    stack.push(entry.path());
                }
            } else if kind.is_file() && is_sbom_name(&name) {
                found.push(crate::repo_fs::relative(root, &entry.path()));
            }
        }
    }
    found.sort();
    found
}

fn is_sbom_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "bom.json" || lower.ends_with(".cdx.json") || lower.ends_with(".cdx.xml")
}

fn ingest(root: &Path, rel: &str, packages: Option<&CargoFacts>) -> SbomDocument {
    let is_xml = rel.to_ascii_lowercase().ends_with(".xml");
    let mut doc = SbomDocument {
        file: FileRef {
            path: crate::repo_fs::repository_path(root, rel),
            sha256: String::new(),
        },
        format: if is_xml { "xml" } else { "json" }.into(),
        spec_version: None,
        validation: SbomValidation::Valid,
        components: 0,
        coverage: None,
    };
    let bytes = match crate::repo_fs::read(root, rel, crate::repo_fs::Limit::Sbom) {
        Ok(b) => b,
        Err(e) => {
            doc.validation = SbomValidation::Unreadable {
                error: e.with_path(),
            };
            return doc;
        }
    };
    doc.file.sha256 = crate::digest::sha256_hex(&bytes);
    let parsed = if is_xml {
        read_xml(rel, &bytes)
    } else {
        read_json(rel, &bytes)
    };
    match parsed {
        Ok((version, validation, ids)) => {
            doc.spec_version = Some(version);
            doc.validation = validation;
            doc.components = ids.len();
            doc.coverage = packages.map(|p| coverage(p, &ids));
        }
        Err(error) => doc.validation = SbomValidation::Unreadable { error },
    }
    doc
}

type Parsed = (String, SbomValidation, Vec<(String, String)>);

/// A CycloneDX JSON document: validated when cyclonedx-bom supports its version, otherwise
/// read as plain JSON. The error names the file.
pub fn read_json(rel: &str, bytes: &[u8]) -> Result<Parsed, String> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("{rel}: not valid JSON ({e}); the file may be truncated"))?;
    if value.get("bomFormat").and_then(|v| v.as_str()) != Some("CycloneDX") {
        return Err(format!(
            "{rel}: not a CycloneDX document (no \"bomFormat\": \"CycloneDX\")"
        ));
    }
    let version = value
        .get("specVersion")
        .and_then(|v| v.as_str())
        .ok_or_else(|| format!("{rel}: no \"specVersion\""))?
        .to_string();
    if version.parse::<SpecVersion>().is_err() {
        let mut ids = Vec::new();
        json_components(value.get("components"), &mut ids);
        return Ok((
            version.clone(),
            SbomValidation::NotSchemaValidated {
                reason: format!(
                    "CycloneDX {version} is read as plain JSON: cyclonedx-bom validates 1.3 to 1.5 only"
                ),
            },
            ids,
        ));
    }
    if json_depth(&value) > MAX_NESTING {
        return Err(too_deep(rel));
    }
    let bom = Bom::parse_json_value(value)
        .map_err(|e| format!("{rel}: does not follow CycloneDX {version}: {e}"))?;
    Ok((version, validate(&bom), crate::sbom::component_ids(&bom)))
}

/// A CycloneDX XML document, validated when cyclonedx-bom supports its version. The error
/// names the file.
pub fn read_xml(rel: &str, bytes: &[u8]) -> Result<Parsed, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("{rel}: not UTF-8 text: {e}"))?;
    let ns = regex::Regex::new(r#"xmlns="http://cyclonedx\.org/schema/bom/([0-9]+\.[0-9]+)""#)
        .map_err(|e| e.to_string())?;
    let version = ns
        .captures(text)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
        .ok_or_else(|| format!("{rel}: not a CycloneDX XML document (no CycloneDX namespace)"))?;
    let Ok(spec) = version.parse::<SpecVersion>() else {
        return Ok((
            version.clone(),
            SbomValidation::NotSchemaValidated {
                reason: format!(
                    "CycloneDX {version} XML cannot be read: cyclonedx-bom supports 1.3 to 1.5 only"
                ),
            },
            Vec::new(),
        ));
    };
    if xml_depth(bytes) > MAX_NESTING {
        return Err(too_deep(rel));
    }
    let bom = Bom::parse_from_xml_with_version(bytes, spec)
        .map_err(|e| format!("{rel}: does not follow CycloneDX {version}: {e}"))?;
    Ok((version, validate(&bom), crate::sbom::component_ids(&bom)))
}

fn too_deep(rel: &str) -> String {
    format!("{rel}: nested more than {MAX_NESTING} levels deep; not read")
}

/// The nesting depth of a JSON value (a scalar is 0), without recursion.
fn json_depth(value: &serde_json::Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 0)];
    while let Some((v, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        match v {
            serde_json::Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            serde_json::Value::Object(map) => stack.extend(map.values().map(|i| (i, depth + 1))),
            _ => {}
        }
    }
    deepest
}

/// The element nesting depth of an XML document, read as cyclonedx-bom reads it; counting
/// stops at the first error (cyclonedx-bom then reports it) or past [`MAX_NESTING`].
fn xml_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for event in xml::EventReader::new(bytes) {
        match event {
            Ok(xml::reader::XmlEvent::StartElement { .. }) => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > MAX_NESTING {
                    break;
                }
            }
            Ok(xml::reader::XmlEvent::EndElement { .. }) => depth = depth.saturating_sub(1),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    deepest
}

fn validate(bom: &Bom) -> SbomValidation {
    let result = bom.validate_version(bom.spec_version);
    if result.passed() {
        SbomValidation::Valid
    } else {
        SbomValidation::Invalid {
            errors: crate::sbom::validation_errors(result),
        }
    }
}

fn json_components(value: Option<&serde_json::Value>, out: &mut Vec<(String, String)>) {
    let Some(list) = value.and_then(|v| v.as_array()) else {
        return;
    };
    for c in list {
        if let (Some(n), Some(v)) = (
            c.get("name").and_then(|x| x.as_str()),
            c.get("version").and_then(|x| x.as_str()),
        ) {
            out.push((n.to_string(), v.to_string()));
        }
        json_components(c.get("components"), out);
    }
}

/// True for the workspace's own packages, which an SBOM lists as its subject or not at all.
fn is_local(p: &PackageFact) -> bool {
    p.member
        || matches!(
            p.source,
            PackageSource::Path {
                inside_workspace: None | Some(true),
                ..
            }
        )
}

/// Compare SBOM components with the lockfile's packages (local packages left out).
pub fn coverage(facts: &CargoFacts, sbom: &[(String, String)]) -> Coverage {
    let local: BTreeSet<&str> = facts
        .packages
        .iter()
        .filter(|p| is_local(p))
        .map(|p| p.name.as_str())
        .collect();
    let mut lock: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for p in facts.packages.iter().filter(|p| !is_local(p)) {
        lock.entry(&p.name).or_default().insert(&p.version);
    }
    let mut have: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (n, v) in sbom {
        have.entry(n).or_default().insert(v);
    }
    let mut cov = Coverage {
        packages: lock.values().map(BTreeSet::len).sum(),
        ..Coverage::default()
    };
    for (name, versions) in &lock {
        match have.get(name) {
            None => cov
                .missing
                .extend(versions.iter().map(|v| format!("{name} {v}"))),
            Some(listed) => {
                if versions.difference(listed).next().is_some() {
                    let join =
                        |s: &BTreeSet<&str>| s.iter().copied().collect::<Vec<_>>().join(", ");
                    cov.other_versions.push(format!(
                        "{name}: sbom {} → lockfile {}",
                        join(listed),
                        join(versions)
                    ));
                }
            }
        }
    }
    for (name, versions) in &have {
        if !lock.contains_key(name) && !local.contains(name) {
            cov.extra
                .extend(versions.iter().map(|v| format!("{name} {v}")));
        }
    }
    cov
}

/// The committer time of HEAD for the repository containing `root`, used as the SBOM's
/// timestamp when neither `--current-time` nor SOURCE_DATE_EPOCH is given.
pub(crate) fn head_commit_time(root: &Path) -> Option<OffsetDateTime> {
    let repo = super::discover_repository(root).ok()?;
    let commit = repo.head_commit().ok()?;
    let secs = commit.time().ok()?.seconds;
    OffsetDateTime::from_unix_timestamp(secs).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::cargo::CargoOrigin;

    fn facts(pkgs: &[(&str, &str)]) -> CargoFacts {
        CargoFacts {
            origin: CargoOrigin::CargoMetadata,
            packages: pkgs
                .iter()
                .map(|(n, v)| PackageFact {
                    name: n.to_string(),
                    version: v.to_string(),
                    source: PackageSource::CratesIo,
                    member: false,
                    license: None,
                    license_file: None,
                    checksum: None,
                    dependencies: vec![],
                })
                .collect(),
            ..CargoFacts::default()
        }
    }

    #[test]
    fn coverage_finds_missing_extra_and_other_versions() {
        let f = facts(&[("a", "1.0.0"), ("b", "2.0.0"), ("c", "0.1.0")]);
        let sbom = vec![
            ("a".to_string(), "1.0.0".to_string()),
            ("b".to_string(), "1.9.0".to_string()),
            ("z".to_string(), "9.0.0".to_string()),
        ];
        let c = coverage(&f, &sbom);
        assert_eq!(c.packages, 3);
        assert_eq!(c.missing, vec!["c 0.1.0"]);
        assert_eq!(c.extra, vec!["z 9.0.0"]);
        assert_eq!(c.other_versions, vec!["b: sbom 1.9.0 → lockfile 2.0.0"]);
        assert!(!c.is_complete());
    }

    #[test]
    fn truncated_json_is_named() {
        let err = read_json(
            "sbom/app.cdx.json",
            b"{\"bomFormat\": \"CycloneDX\", \"spec",
        )
        .unwrap_err();
        assert!(
            err.starts_with("sbom/app.cdx.json: not valid JSON"),
            "{err}"
        );
    }

    /// Components in components: a few dozen levels overflowed the stack inside cyclonedx-bom
    /// (an abort); past [`MAX_NESTING`] the document is refused, up to it it is read.
    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let json = |depth: usize| {
            format!(
                r#"{{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":{}[]{}}}"#,
                r#"[{"type":"library","name":"a","version":"1","components":"#.repeat(depth),
                "}]".repeat(depth)
            )
        };
        let xml = |depth: usize| {
            format!(
                r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"><components>{}{}</components></bom>"#,
                r#"<component type="library"><name>a</name><version>1</version><components>"#
                    .repeat(depth),
                "</components></component>".repeat(depth)
            )
        };
        for depth in [50, 100, 10_000] {
            // Past 64 levels serde_json's own recursion limit answers first.
            let err = read_json("bom.json", json(depth).as_bytes()).unwrap_err();
            assert!(
                err.contains("nested more than") || err.contains("recursion limit"),
                "{err}"
            );
            let err = read_xml("bom.xml", xml(depth).as_bytes()).unwrap_err();
            assert!(err.contains("nested more than"), "{err}");
        }
        let err = read_json("bom.json", json(50).as_bytes()).unwrap_err();
        assert!(err.contains("nested more than"), "{err}");
        // The deepest documents still read: MAX_NESTING levels of values or elements.
        let (_, _, ids) = read_json("bom.json", json((MAX_NESTING - 1) / 2).as_bytes()).unwrap();
        assert_eq!(ids.len(), (MAX_NESTING - 1) / 2);
        let (_, _, ids) = read_xml("bom.xml", xml((MAX_NESTING - 2) / 2).as_bytes()).unwrap();
        assert_eq!(ids.len(), (MAX_NESTING - 2) / 2);
    }

    #[test]
    fn the_xml_namespace_version_is_ascii() {
        let doc = "<bom xmlns=\"http://cyclonedx.org/schema/bom/\u{661}.\u{665}\" version=\"1\"/>";
        let err = read_xml("bom.xml", doc.as_bytes()).unwrap_err();
        assert!(err.contains("no CycloneDX namespace"), "{err}");
    }

    /// Services and pedigrees nest like components.
    #[test]
    fn other_recursive_structures_at_the_limit_are_read() {
        let depth = (MAX_NESTING - 1) / 2;
        let services = format!(
            r#"{{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"services":{}[]{}}}"#,
            r#"[{"name":"s","services":"#.repeat(depth),
            "}]".repeat(depth)
        );
        read_json("bom.json", services.as_bytes()).unwrap();
        let depth = (MAX_NESTING - 3) / 4;
        let pedigree = format!(
            r#"{{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[{}{}]}}"#,
            r#"{"type":"library","name":"a","version":"1","pedigree":{"ancestors":["#.repeat(depth),
            "]}}".repeat(depth)
        );
        read_json("bom.json", pedigree.as_bytes()).unwrap();
        assert!(json_depth(&serde_json::from_str(&pedigree).unwrap()) <= MAX_NESTING);
    }

    #[test]
    fn version_1_6_is_read_but_not_validated() {
        let doc = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
            "components":[{"type":"library","name":"a","version":"1.0.0"}]}"#;
        let (v, validation, ids) = read_json("bom.json", doc).unwrap();
        assert_eq!(v, "1.6");
        assert!(matches!(
            validation,
            SbomValidation::NotSchemaValidated { .. }
        ));
        assert_eq!(ids, vec![("a".to_string(), "1.0.0".to_string())]);
    }
}
