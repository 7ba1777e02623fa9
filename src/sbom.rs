//! CycloneDX 1.5 JSON SBOM of the workspace, generated from [`CargoFacts`] without I/O, so that
//! the `sbom` subcommand, the collector and the evidence package write the same bytes.
//!
//! Reproducible: components and dependencies are sorted, the timestamp is the `now` the run
//! resolved (SOURCE_DATE_EPOCH, `--current-time`, or the HEAD commit time), and the serial number
//! is a UUID made from the SHA-256 of the document without its timestamp and serial number, so
//! the same inventory always gets the same serial number.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use cyclonedx_bom::external_models::date_time::DateTime;
use cyclonedx_bom::external_models::normalized_string::NormalizedString;
use cyclonedx_bom::external_models::spdx::SpdxExpression;
use cyclonedx_bom::external_models::uri::Purl;
use cyclonedx_bom::models::bom::{Bom, SpecVersion, UrnUuid};
use cyclonedx_bom::models::component::{Classification, Component, Components, Scope};
use cyclonedx_bom::models::dependency::{Dependencies, Dependency};
use cyclonedx_bom::models::hash::{Hash, HashAlgorithm, HashValue, Hashes};
use cyclonedx_bom::models::license::{LicenseChoice, Licenses};
use cyclonedx_bom::models::metadata::Metadata;
use cyclonedx_bom::models::tool::Tools;
use cyclonedx_bom::validation::Validate;
use time::OffsetDateTime;

use crate::config::Product;
use crate::facts::CargoFacts;
use crate::facts::cargo::{DependencyKind, PackageFact, PackageSource};

#[derive(Debug, thiserror::Error)]
pub enum SbomError {
    #[error("the generated SBOM does not validate against CycloneDX 1.5: {}", .0.join("; "))]
    Invalid(Vec<String>),
    #[error("writing the SBOM as JSON: {0}")]
    Write(String),
    #[error("package {name} {version} has no valid package URL: {message}")]
    Purl {
        name: String,
        version: String,
        message: String,
    },
}

/// What [`generate`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedSbom {
    pub bytes: Vec<u8>,
    /// `urn:uuid:…`
    pub serial_number: String,
    pub components: usize,
}

/// The SBOM bytes (CycloneDX 1.5 JSON) for `facts`, with `product` as the metadata component.
pub fn generate_sbom(
    facts: &CargoFacts,
    product: &Product,
    now: OffsetDateTime,
) -> Result<Vec<u8>, SbomError> {
    generate(facts, product, now).map(|g| g.bytes)
}

/// Like [`generate_sbom`], with the serial number and component count.
pub fn generate(
    facts: &CargoFacts,
    product: &Product,
    now: OffsetDateTime,
) -> Result<GeneratedSbom, SbomError> {
    let refs = bom_refs(&facts.packages)?;
    let scopes = scopes(&facts.packages);
    // Cargo.lock alone does not say which packages are members: a local one will do.
    let local = |p: &PackageFact| p.member || matches!(p.source, PackageSource::Path { .. });
    let product_index = facts
        .packages
        .iter()
        .position(|p| local(p) && p.name == product.name && p.version == product.version)
        .or_else(|| {
            facts
                .packages
                .iter()
                .position(|p| local(p) && p.name == product.name)
        });
    let product_ref = match product_index {
        Some(i) => refs[i].clone(),
        None => format!("product:{}@{}", product.name, product.version),
    };

    let mut components = Vec::new();
    for (i, p) in facts.packages.iter().enumerate() {
        if Some(i) == product_index {
            continue;
        }
        let mut c = component(p, &refs[i])?;
        if !p.member {
            c.scope = scopes.get(&i).cloned();
        }
        components.push(c);
    }
    let count = components.len();

    let mut subject = match product_index {
        Some(i) => component(&facts.packages[i], &refs[i])?,
        None => Component::new(
            Classification::Application,
            &product.name,
            &product.version,
            Some(product_ref.clone()),
        ),
    };
    subject.component_type = Classification::Application;
    if let Some(d) = &product.description {
        subject.description = Some(NormalizedString::new(d));
    }

    let index: BTreeMap<(&str, &str), usize> = facts
        .packages
        .iter()
        .enumerate()
        .map(|(i, p)| ((p.name.as_str(), p.version.as_str()), i))
        .collect();
    let mut dependencies: Vec<Dependency> = facts
        .packages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let targets: BTreeSet<String> = p
                .dependencies
                .iter()
                .filter_map(|d| index.get(&(d.name.as_str(), d.version.as_str())))
                .map(|&j| refs[j].clone())
                .collect();
            Dependency {
                dependency_ref: refs[i].clone(),
                dependencies: targets.into_iter().collect(),
            }
        })
        .collect();
    if product_index.is_none() {
        // A virtual workspace: the product depends on its members.
        let members: BTreeSet<String> = facts
            .packages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.member)
            .map(|(i, _)| refs[i].clone())
            .collect();
        dependencies.push(Dependency {
            dependency_ref: product_ref,
            dependencies: members.into_iter().collect(),
        });
    }
    dependencies.sort_by(|a, b| a.dependency_ref.cmp(&b.dependency_ref));

    let tool = Component::new(
        Classification::Application,
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        None,
    );
    let metadata = Metadata {
        timestamp: None,
        tools: Some(Tools::Object {
            services: None,
            components: Some(Components(vec![tool])),
        }),
        component: Some(subject),
        ..Metadata::default()
    };
    let mut bom = Bom {
        version: 1,
        serial_number: None,
        metadata: Some(metadata),
        components: Some(Components(components)),
        dependencies: Some(Dependencies(dependencies)),
        spec_version: SpecVersion::V1_5,
        ..Bom::default()
    };
    // `Bom::default()` draws a random serial number; the content decides it instead.
    bom.serial_number = None;
    let identity = write_json(bom.clone())?;
    let serial = content_uuid(&identity);
    bom.serial_number = Some(UrnUuid(serial.clone()));
    if let Some(md) = bom.metadata.as_mut() {
        let stamp = crate::timefmt::rfc3339(now);
        md.timestamp =
            Some(DateTime::try_from(stamp).map_err(|e| SbomError::Write(e.to_string()))?);
    }
    let result = bom.validate_version(SpecVersion::V1_5);
    if !result.passed() {
        return Err(SbomError::Invalid(validation_errors(result)));
    }
    Ok(GeneratedSbom {
        bytes: write_json(bom)?,
        serial_number: serial,
        components: count,
    })
}

/// The validation errors of a [`cyclonedx_bom::validation::ValidationResult`] as lines.
pub fn validation_errors(result: cyclonedx_bom::validation::ValidationResult) -> Vec<String> {
    let mut out: Vec<String> = result
        .errors()
        .map(|(field, kind)| format!("{field}: {kind:?}"))
        .collect();
    out.sort();
    out
}

fn write_json(bom: Bom) -> Result<Vec<u8>, SbomError> {
    let mut buf = Vec::new();
    bom.output_as_json_v1_5(&mut buf)
        .map_err(|e| SbomError::Write(e.to_string()))?;
    if !buf.ends_with(b"\n") {
        buf.push(b'\n');
    }
    // No raw control characters from package or product names in the file (the JSON value
    // stays the same).
    let text = String::from_utf8(buf).map_err(|e| SbomError::Write(e.to_string()))?;
    Ok(crate::sanitize::json(text).into_bytes())
}

/// `urn:uuid:` + an RFC 9562 version-8 UUID from the first 16 bytes of SHA-256(content).
pub(crate) fn content_uuid(content: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(content);
    format!(
        "urn:uuid:{}",
        crate::digest::uuid_from_digest(&digest, 0x80)
    )
}

fn component(p: &PackageFact, bom_ref: &str) -> Result<Component, SbomError> {
    let class = if p.member {
        Classification::Application
    } else {
        Classification::Library
    };
    let mut c = Component::new(class, &p.name, &p.version, Some(bom_ref.to_string()));
    c.purl = Some(purl(p)?);
    if let Some(sum) = &p.checksum {
        c.hashes = Some(Hashes(vec![Hash {
            alg: HashAlgorithm::SHA_256,
            content: HashValue(sum.clone()),
        }]));
    }
    if let Some(l) = &p.license {
        c.licenses = Some(Licenses(vec![license(l)]));
    }
    Ok(c)
}

fn license(declared: &str) -> LicenseChoice {
    if let Ok(e) = SpdxExpression::try_from(declared.to_string()) {
        return LicenseChoice::Expression(e);
    }
    // Old manifests write `MIT/Apache-2.0`.
    if let Ok(e) = SpdxExpression::parse_lax(declared.to_string()) {
        return LicenseChoice::Expression(e);
    }
    LicenseChoice::license(declared)
}

/// The package URL: `pkg:cargo/name@version`, qualified for sources other than crates.io.
pub fn purl(p: &PackageFact) -> Result<Purl, SbomError> {
    let base = Purl::new("cargo", &p.name, &p.version).map_err(|e| SbomError::Purl {
        name: p.name.clone(),
        version: p.version.clone(),
        message: format!("{e:?}"),
    })?;
    let qualifier = match &p.source {
        PackageSource::CratesIo => None,
        PackageSource::Registry { url } => Some(("repository_url", url.clone())),
        PackageSource::Git { url, rev } => Some((
            "vcs_url",
            match rev {
                Some(r) => format!("git+{url}@{r}"),
                None => format!("git+{url}"),
            },
        )),
        PackageSource::Path {
            path: Some(path),
            inside_workspace: Some(true),
        } => Some(("download_url", format!("file://{path}"))),
        // An outside path is a machine path: it would make the SBOM differ between machines.
        PackageSource::Path { .. } => None,
    };
    let text = match qualifier {
        None => base.to_string(),
        Some((key, value)) => format!("{base}?{key}={}", encode_qualifier(&value)),
    };
    text.parse::<Purl>().map_err(|()| SbomError::Purl {
        name: p.name.clone(),
        version: p.version.clone(),
        message: text,
    })
}

fn encode_qualifier(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Unique bom-refs: the purl, with `#2`, `#3`… when two packages share one.
fn bom_refs(packages: &[PackageFact]) -> Result<Vec<String>, SbomError> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(packages.len());
    for p in packages {
        let base = purl(p)?.to_string();
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        out.push(if *n == 1 { base } else { format!("{base}#{n}") });
    }
    Ok(out)
}

/// Packages reachable from the members through normal or build edges are `required`; those
/// reached only through dev-dependencies are `excluded` (they are not part of what ships).
/// Nothing is decided when the dependency kinds are unknown (Cargo.lock alone).
fn scopes(packages: &[PackageFact]) -> BTreeMap<usize, Scope> {
    let kinds_known = packages
        .iter()
        .flat_map(|p| &p.dependencies)
        .all(|d| !d.kinds.is_empty());
    if !kinds_known || !packages.iter().any(|p| p.member) {
        return BTreeMap::new();
    }
    let index: BTreeMap<(&str, &str), usize> = packages
        .iter()
        .enumerate()
        .map(|(i, p)| ((p.name.as_str(), p.version.as_str()), i))
        .collect();
    let mut required = BTreeSet::new();
    let mut queue: VecDeque<usize> = packages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.member)
        .map(|(i, _)| i)
        .collect();
    while let Some(i) = queue.pop_front() {
        if !required.insert(i) {
            continue;
        }
        for d in &packages[i].dependencies {
            let shipped = d.kinds.iter().any(|k| *k != DependencyKind::Dev);
            if let Some(&j) = index.get(&(d.name.as_str(), d.version.as_str()))
                && shipped
            {
                queue.push_back(j);
            }
        }
    }
    (0..packages.len())
        .map(|i| {
            let scope = if required.contains(&i) {
                Scope::Required
            } else {
                Scope::Excluded
            };
            (i, scope)
        })
        .collect()
}

/// `name version` of every component of a parsed CycloneDX document (nested ones too).
pub(crate) fn component_ids(bom: &Bom) -> Vec<(String, String)> {
    fn walk(cs: &Components, out: &mut Vec<(String, String)>) {
        for c in &cs.0 {
            if let Some(v) = &c.version {
                out.push((c.name.to_string(), v.to_string()));
            }
            if let Some(nested) = &c.components {
                walk(nested, out);
            }
        }
    }
    let mut out = Vec::new();
    if let Some(cs) = &bom.components {
        walk(cs, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::cargo::DependencyEdge;

    fn pkg(name: &str, version: &str, source: PackageSource) -> PackageFact {
        PackageFact {
            name: name.into(),
            version: version.into(),
            source,
            member: false,
            license: Some("MIT OR Apache-2.0".into()),
            license_file: None,
            checksum: None,
            dependencies: vec![],
        }
    }

    #[test]
    fn uuid_is_version_8_and_stable() {
        let a = content_uuid(b"x");
        assert_eq!(a, content_uuid(b"x"));
        assert_ne!(a, content_uuid(b"y"));
        assert!(UrnUuid::new(a.clone()).is_ok(), "{a}");
        assert_eq!(&a[23..24], "8");
    }

    #[test]
    fn purls_carry_the_source() {
        let git = pkg(
            "g",
            "0.1.0+meta",
            PackageSource::Git {
                url: "https://example.org/g.git".into(),
                rev: Some("abc".into()),
            },
        );
        assert_eq!(
            purl(&git).unwrap().to_string(),
            "pkg:cargo/g@0.1.0+meta?vcs_url=git%2Bhttps://example.org/g.git%40abc"
        );
        let c = pkg("serde", "1.0.0", PackageSource::CratesIo);
        assert_eq!(purl(&c).unwrap().to_string(), "pkg:cargo/serde@1.0.0");
    }

    #[test]
    fn dev_only_dependencies_are_excluded() {
        let mut app = pkg(
            "app",
            "1.0.0",
            PackageSource::Path {
                path: Some(".".into()),
                inside_workspace: Some(true),
            },
        );
        app.member = true;
        app.dependencies = vec![
            DependencyEdge {
                name: "a".into(),
                version: "1.0.0".into(),
                kinds: vec![DependencyKind::Normal],
            },
            DependencyEdge {
                name: "t".into(),
                version: "1.0.0".into(),
                kinds: vec![DependencyKind::Dev],
            },
        ];
        let packages = vec![
            pkg("a", "1.0.0", PackageSource::CratesIo),
            app,
            pkg("t", "1.0.0", PackageSource::CratesIo),
        ];
        let s = scopes(&packages);
        assert_eq!(s.get(&0), Some(&Scope::Required));
        assert_eq!(s.get(&2), Some(&Scope::Excluded));
    }
}
