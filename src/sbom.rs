//! CycloneDX 1.5 JSON SBOM of the workspace, generated from [`CargoFacts`] without I/O, so that
//! the `sbom` subcommand, the collector and the evidence package write the same bytes.
//!
//! Reproducible: components and dependencies are sorted, the timestamp is the `now` the run
//! resolved (SOURCE_DATE_EPOCH, `--current-time`, or the HEAD commit time), and the serial number
//! is a UUID made from the SHA-256 of the inventory (the document without its timestamp, serial
//! number and `vulnerabilities`), so the same inventory always gets the same serial number, and
//! the SBOM of the evidence package (which adds the vulnerabilities) carries the serial number
//! the report quotes.
//!
//! What a supply-chain team finds in it:
//!
//! - **Package URLs** are canonical as ECMA-427 (purl) asks: name, version and qualifier values
//!   are percent-encoded except for `A–Z a–z 0–9 . - _ ~` and `:` (so `0.4.90+curl-8.21.0`
//!   becomes `0.4.90%2Bcurl-8.21.0`, and `/` inside a qualifier value becomes `%2F`), qualifier
//!   keys are sorted. Packages from crates.io carry no qualifier; other registries
//!   `repository_url`, git sources `vcs_url` (`git+URL@REV`), local packages inside the workspace
//!   `download_url` (`file://` and their workspace-relative folder).
//! - **`bom-ref`s** are the package URLs (with `#2`, `#3`… when two packages share one), so they
//!   are derived from name, version and source and stay the same across runs.
//! - **Hashes**: the SHA-256 that Cargo.lock records for registry packages (the digest of the
//!   `.crate` file), labelled `SHA-256`. Git and path packages have none.
//! - **Licences**: the SPDX expression of the package's `license` as cargo metadata reports it
//!   (the product's too). When there is none, the component says why in the property
//!   `cargo-sdl:license-source`: `license-file` (the manifest names a file instead, given in
//!   `cargo-sdl:license-file`), `not-declared` (the manifest declares neither), or `unavailable`
//!   (cargo metadata could not run and Cargo.lock records no licences). None is ever guessed.
//! - **Workspace members** carry the property `cargo-sdl:workspace-member` = `true` (`unknown`
//!   for local packages when only Cargo.lock could be read); the product is
//!   `metadata.component`.
//! - **Vulnerabilities** (CycloneDX 1.5 VEX), when the advisory facts and the waivers are given
//!   ([`VulnerabilityInput`]; the evidence package does, `cargo sdl sbom` opens no advisory
//!   database and writes none): one entry per RustSec advisory that matches a locked package,
//!   `affects` pointing at the package's component. Its `analysis`:
//!
//!   | advisory | a valid waiver (used or unused) names it or an alias | no valid waiver |
//!   |---|---|---|
//!   | vulnerability, unsound, unmaintained | `not_affected` | `exploitable`, response `update` when a patched version exists |
//!   | notice, other informational | `not_affected` | `in_triage` |
//!
//!   A waiver for an advisory is the recorded decision that it does not affect the product
//!   (waive "when the vulnerable code is not reachable"); its owner, expiry and reason are the
//!   `detail` (the impact statement). When the reason opens with one of CycloneDX's
//!   justifications and a colon (`code_not_reachable: …`), that is the `justification`;
//!   otherwise none is claimed. An expired or invalid waiver counts as absent, as it does for
//!   the rules: never `not_affected`, and the `detail` says which waiver did not hold and why.
//!   `exploitable` is CycloneDX's name for VEX "affected": the locked version is in the affected
//!   range and no decision says otherwise.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use cyclonedx_bom::external_models::date_time::DateTime;
use cyclonedx_bom::external_models::normalized_string::NormalizedString;
use cyclonedx_bom::external_models::spdx::SpdxExpression;
use cyclonedx_bom::external_models::uri::{Purl, Uri};
use cyclonedx_bom::models::bom::{Bom, SpecVersion, UrnUuid};
use cyclonedx_bom::models::component::{Classification, Component, Components, Scope};
use cyclonedx_bom::models::dependency::{Dependencies, Dependency};
use cyclonedx_bom::models::hash::{Hash, HashAlgorithm, HashValue, Hashes};
use cyclonedx_bom::models::license::{LicenseChoice, Licenses};
use cyclonedx_bom::models::metadata::Metadata;
use cyclonedx_bom::models::property::{Properties, Property};
use cyclonedx_bom::models::tool::Tools;
use cyclonedx_bom::models::vulnerability::{Vulnerabilities, Vulnerability};
use cyclonedx_bom::models::vulnerability_analysis::{
    ImpactAnalysisJustification, ImpactAnalysisResponse, ImpactAnalysisState, VulnerabilityAnalysis,
};
use cyclonedx_bom::models::vulnerability_rating::{
    Score, ScoreMethod, Severity, VulnerabilityRating, VulnerabilityRatings,
};
use cyclonedx_bom::models::vulnerability_reference::{
    VulnerabilityReference, VulnerabilityReferences,
};
use cyclonedx_bom::models::vulnerability_source::VulnerabilitySource;
use cyclonedx_bom::models::vulnerability_target::{VulnerabilityTarget, VulnerabilityTargets};
use cyclonedx_bom::validation::Validate;
use time::OffsetDateTime;

use crate::config::Product;
use crate::eval::{WaiverState, WaiverStatus};
use crate::facts::CargoFacts;
use crate::facts::cargo::{
    AdvisoryFacts, AdvisoryKind, AdvisoryMatch, CargoOrigin, DependencyKind, PackageFact,
    PackageSource,
};

/// Our property names (CycloneDX asks for a namespace prefix outside its own `cdx:`).
pub(crate) const PROPERTY_WORKSPACE_MEMBER: &str = "cargo-sdl:workspace-member";
pub(crate) const PROPERTY_LICENSE_SOURCE: &str = "cargo-sdl:license-source";
pub(crate) const PROPERTY_LICENSE_FILE: &str = "cargo-sdl:license-file";
pub(crate) const PROPERTY_ADVISORY_KIND: &str = "cargo-sdl:advisory-kind";
pub(crate) const PROPERTY_WAIVER: &str = "cargo-sdl:waiver";
pub(crate) const PROPERTY_WAIVER_STATE: &str = "cargo-sdl:waiver-state";

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

/// The advisories that match locked packages and the waivers that decide them, for the SBOM's
/// `vulnerabilities` (see the module documentation for the mapping).
#[derive(Debug, Clone, Copy)]
pub struct VulnerabilityInput<'a> {
    pub advisories: &'a AdvisoryFacts,
    /// Every configured waiver with its state, as the report lists them.
    pub waivers: &'a [WaiverStatus],
}

/// The SBOM bytes (CycloneDX 1.5 JSON) for `facts`, with `product` as the metadata component,
/// and with `vulnerabilities` when the advisories and waivers are given.
pub fn generate_sbom(
    facts: &CargoFacts,
    product: &Product,
    now: OffsetDateTime,
    vulnerabilities: Option<VulnerabilityInput<'_>>,
) -> Result<Vec<u8>, SbomError> {
    generate_with(facts, product, now, vulnerabilities).map(|g| g.bytes)
}

/// The inventory alone (no `vulnerabilities`), with the serial number and component count.
pub fn generate(
    facts: &CargoFacts,
    product: &Product,
    now: OffsetDateTime,
) -> Result<GeneratedSbom, SbomError> {
    generate_with(facts, product, now, None)
}

/// Like [`generate_sbom`], with the serial number and component count.
pub(crate) fn generate_with(
    facts: &CargoFacts,
    product: &Product,
    now: OffsetDateTime,
    vulnerabilities: Option<VulnerabilityInput<'_>>,
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
        let mut c = component(p, &refs[i], facts.origin)?;
        if !p.member {
            c.scope = scopes.get(&i).cloned();
        }
        components.push(c);
    }
    let count = components.len();

    let mut subject = match product_index {
        Some(i) => component(&facts.packages[i], &refs[i], facts.origin)?,
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
    // `Bom::default()` draws a random serial number; the inventory decides it instead.
    bom.serial_number = None;
    let identity = write_json(bom.clone())?;
    let serial = content_uuid(&identity);
    bom.serial_number = Some(UrnUuid(serial.clone()));
    if let Some(md) = bom.metadata.as_mut() {
        let stamp = crate::timefmt::rfc3339(now);
        md.timestamp =
            Some(DateTime::try_from(stamp).map_err(|e| SbomError::Write(e.to_string()))?);
    }
    if let Some(input) = vulnerabilities {
        let found = vulnerability_entries(input, &facts.packages, &refs)?;
        if !found.is_empty() {
            bom.vulnerabilities = Some(Vulnerabilities(found));
        }
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
    Ok(crate::sanitize::json(spec_key_names(text)).into_bytes())
}

/// cyclonedx-bom 0.8.1 writes the analysis's `response` array as `responses`, a key the 1.5
/// schema does not allow (CycloneDX/cyclonedx-rust-cargo#869). The quote before the key can
/// only be a key's: inside a JSON string a quote is escaped.
fn spec_key_names(text: String) -> String {
    text.replace("\"responses\": [", "\"response\": [")
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

fn component(p: &PackageFact, bom_ref: &str, origin: CargoOrigin) -> Result<Component, SbomError> {
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
            content: HashValue(sum.to_ascii_lowercase()),
        }]));
    }
    let mut properties = Vec::new();
    let local = matches!(p.source, PackageSource::Path { .. });
    match origin {
        _ if p.member => properties.push(Property::new(PROPERTY_WORKSPACE_MEMBER, "true")),
        CargoOrigin::CargoLock if local => {
            properties.push(Property::new(PROPERTY_WORKSPACE_MEMBER, "unknown"))
        }
        _ => {}
    }
    match (&p.license, &p.license_file, origin) {
        (Some(l), _, _) if !l.trim().is_empty() => c.licenses = Some(Licenses(vec![license(l)])),
        (_, Some(file), _) => {
            properties.push(Property::new(PROPERTY_LICENSE_SOURCE, "license-file"));
            properties.push(Property::new(PROPERTY_LICENSE_FILE, file));
        }
        (_, None, CargoOrigin::CargoLock) => {
            properties.push(Property::new(PROPERTY_LICENSE_SOURCE, "unavailable"))
        }
        (_, None, CargoOrigin::CargoMetadata) => {
            properties.push(Property::new(PROPERTY_LICENSE_SOURCE, "not-declared"))
        }
    }
    if !properties.is_empty() {
        c.properties = Some(Properties(properties));
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

/// The package URL: `pkg:cargo/name@version`, qualified for sources other than crates.io, in
/// the canonical form of ECMA-427 (see `purl_string`).
pub fn purl(p: &PackageFact) -> Result<Purl, SbomError> {
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
    let text = purl_string(&p.name, &p.version, qualifier.as_slice());
    let purl = text.parse::<Purl>().map_err(|()| SbomError::Purl {
        name: p.name.clone(),
        version: p.version.clone(),
        message: text.clone(),
    })?;
    cyclonedx_bom::external_models::uri::validate_purl(&purl).map_err(|e| SbomError::Purl {
        name: p.name.clone(),
        version: p.version.clone(),
        message: format!("{text}: {}", e.message),
    })?;
    Ok(purl)
}

/// A canonical `pkg:cargo` package URL (ECMA-427 §5): name, version and qualifier values
/// percent-encoded by `purl_encode`, qualifiers sorted by key, empty values left out.
pub(crate) fn purl_string(name: &str, version: &str, qualifiers: &[(&str, String)]) -> String {
    let mut out = format!("pkg:cargo/{}", purl_encode(name));
    if !version.is_empty() {
        out.push('@');
        out.push_str(&purl_encode(version));
    }
    let sorted: BTreeMap<String, &str> = qualifiers
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str()))
        .collect();
    for (i, (key, value)) in sorted.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(key);
        out.push('=');
        out.push_str(&purl_encode(value));
    }
    out
}

/// ECMA-427 §5.4: every UTF-8 byte outside `A–Z a–z 0–9 . - _ ~` becomes `%XX` (upper-case
/// hex), except the colon, which is never encoded.
pub(crate) fn purl_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b".-_~:".contains(&b) {
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

/// CycloneDX's impact-analysis justifications, as a waiver's reason may open with them.
const JUSTIFICATIONS: &[&str] = &[
    "code_not_present",
    "code_not_reachable",
    "requires_configuration",
    "requires_dependency",
    "requires_environment",
    "protected_by_compiler",
    "protected_at_runtime",
    "protected_at_perimeter",
    "protected_by_mitigating_control",
];

/// The justification a waiver's reason names by opening with `<justification>:`.
pub(crate) fn stated_justification(reason: &str) -> Option<&'static str> {
    let (head, _) = reason.trim_start().split_once(':')?;
    JUSTIFICATIONS.iter().copied().find(|j| *j == head.trim())
}

fn advisory_kind(kind: AdvisoryKind) -> &'static str {
    match kind {
        AdvisoryKind::Vulnerability => "vulnerability",
        AdvisoryKind::Unmaintained => "unmaintained",
        AdvisoryKind::Unsound => "unsound",
        AdvisoryKind::Notice => "notice",
        AdvisoryKind::Informational => "informational",
    }
}

fn waiver_state(state: WaiverState) -> &'static str {
    match state {
        WaiverState::Used => "used",
        WaiverState::Unused => "unused",
        WaiverState::Expired => "expired",
        WaiverState::Invalid => "invalid",
    }
}

/// One `vulnerabilities` entry per advisory id, sorted by id.
fn vulnerability_entries(
    input: VulnerabilityInput<'_>,
    packages: &[PackageFact],
    refs: &[String],
) -> Result<Vec<Vulnerability>, SbomError> {
    let mut by_id: BTreeMap<&str, Vec<&AdvisoryMatch>> = BTreeMap::new();
    for m in &input.advisories.matches {
        by_id.entry(m.id.as_str()).or_default().push(m);
    }
    // RustSec speaks for crates.io packages: a match names the crates.io package first.
    let component_ref = |name: &str, version: &str| -> Option<&String> {
        let same: Vec<usize> = (0..packages.len())
            .filter(|&i| packages[i].name == name && packages[i].version == version)
            .collect();
        same.iter()
            .find(|&&i| packages[i].source == PackageSource::CratesIo)
            .or(same.first())
            .map(|&i| &refs[i])
    };
    let mut out = Vec::new();
    for (id, matches) in by_id {
        let first = matches[0];
        let mut v = Vulnerability::new(Some(format!("advisory:{id}")));
        v.id = Some(NormalizedString::new(id));
        v.vulnerability_source = Some(source_of(id));
        let mut aliases: BTreeSet<&str> = BTreeSet::new();
        for m in &matches {
            aliases.extend(m.aliases.iter().map(String::as_str));
        }
        aliases.remove(id);
        if !aliases.is_empty() {
            v.vulnerability_references = Some(VulnerabilityReferences(
                aliases
                    .iter()
                    .map(|a| VulnerabilityReference {
                        id: NormalizedString::new(a),
                        vulnerability_source: source_of(a),
                    })
                    .collect(),
            ));
        }
        if let Some(rating) = rating(first) {
            v.vulnerability_ratings = Some(VulnerabilityRatings(vec![rating]));
        }
        if !first.title.trim().is_empty() {
            v.description = Some(first.title.trim().to_string());
        }
        v.recommendation = Some(if first.patched.is_empty() {
            format!(
                "No patched version of {} is published: remove or replace it, or record the \
                 analysis in a waiver.",
                first.package
            )
        } else {
            format!(
                "Upgrade {} to a patched version ({}).",
                first.package,
                first.patched.join(" or ")
            )
        });
        if let Ok(d) = DateTime::try_from(format!("{}T00:00:00Z", first.date)) {
            v.published = Some(d);
        }
        let mut targets: BTreeSet<String> = BTreeSet::new();
        for m in &matches {
            if let Some(r) = component_ref(&m.package, &m.version) {
                targets.insert(r.clone());
            }
        }
        if !targets.is_empty() {
            v.vulnerability_targets = Some(VulnerabilityTargets(
                targets.into_iter().map(VulnerabilityTarget::new).collect(),
            ));
        }
        let names: Vec<&str> = std::iter::once(id).chain(aliases.iter().copied()).collect();
        let (analysis, waiver) = analysis(first, &names, input.waivers);
        v.vulnerability_analysis = Some(analysis);
        let mut properties = vec![Property::new(
            PROPERTY_ADVISORY_KIND,
            advisory_kind(first.kind),
        )];
        if let Some(w) = waiver {
            properties.push(Property::new(PROPERTY_WAIVER, &w.waiver.id));
            properties.push(Property::new(PROPERTY_WAIVER_STATE, waiver_state(w.state)));
        }
        v.properties = Some(Properties(properties));
        out.push(v);
    }
    Ok(out)
}

/// The impact analysis of one advisory, and the waiver it rests on or that failed to hold.
fn analysis<'w>(
    m: &AdvisoryMatch,
    names: &[&str],
    waivers: &'w [WaiverStatus],
) -> (VulnerabilityAnalysis, Option<&'w WaiverStatus>) {
    let naming: Vec<&WaiverStatus> = waivers
        .iter()
        .filter(|w| names.contains(&w.waiver.id.as_str()))
        .collect();
    let holds = |w: &&&WaiverStatus| matches!(w.state, WaiverState::Used | WaiverState::Unused);
    if let Some(w) = naming.iter().find(holds) {
        let justification = stated_justification(&w.waiver.reason);
        let mut a = VulnerabilityAnalysis::new(
            Some(ImpactAnalysisState::NotAffected),
            justification.map(ImpactAnalysisJustification::new_unchecked),
            None,
        );
        a.detail = Some(format!(
            "Waiver {} (owner {}, valid through {}): {}",
            w.waiver.id,
            w.waiver.owner,
            w.waiver.expires,
            w.waiver.reason.trim()
        ));
        return (a, Some(*w));
    }
    let affected = matches!(
        m.kind,
        AdvisoryKind::Vulnerability | AdvisoryKind::Unsound | AdvisoryKind::Unmaintained
    );
    let (state, responses) = if affected {
        let update = (!m.patched.is_empty()).then(|| vec![ImpactAnalysisResponse::Update]);
        (ImpactAnalysisState::Exploitable, update)
    } else {
        (ImpactAnalysisState::InTriage, None)
    };
    let mut detail = if affected {
        "The locked version is in the advisory's affected range and no valid waiver records a \
         decision on it."
            .to_string()
    } else {
        "An informational advisory; no valid waiver records a decision on it.".to_string()
    };
    for w in &naming {
        detail.push_str(&match w.state {
            WaiverState::Expired => format!(
                " Waiver {} expired on {} and counts as absent.",
                w.waiver.id, w.waiver.expires
            ),
            _ => format!(
                " Waiver {} is not valid ({}) and counts as absent.",
                w.waiver.id,
                w.why.as_deref().unwrap_or("see the report")
            ),
        });
    }
    let mut a = VulnerabilityAnalysis::new(Some(state), None, responses);
    a.detail = Some(detail);
    (a, naming.first().copied())
}

/// Who publishes an advisory id: RustSec, NVD (CVE) or GitHub (GHSA).
fn source_of(id: &str) -> VulnerabilitySource {
    let (name, url) = if id.starts_with("RUSTSEC-") {
        (
            "RustSec",
            Some(format!("https://rustsec.org/advisories/{id}.html")),
        )
    } else if id.starts_with("CVE-") {
        (
            "NVD",
            Some(format!("https://nvd.nist.gov/vuln/detail/{id}")),
        )
    } else if id.starts_with("GHSA-") {
        (
            "GitHub",
            Some(format!("https://github.com/advisories/{id}")),
        )
    } else {
        ("RustSec", None)
    };
    VulnerabilitySource::new(Some(name.to_string()), url.map(|u| Uri::new(&u)))
}

/// The advisory's CVSS rating, when it has one.
fn rating(m: &AdvisoryMatch) -> Option<VulnerabilityRating> {
    let vector = m.cvss.as_deref()?;
    let method = if vector.starts_with("CVSS:3.1/") {
        Some(ScoreMethod::CVSSv31)
    } else if vector.starts_with("CVSS:3.0/") {
        Some(ScoreMethod::CVSSv3)
    } else if vector.starts_with("CVSS:4.0/") {
        Some(ScoreMethod::CVSSv4)
    } else if vector.starts_with("AV:") {
        Some(ScoreMethod::CVSSv2)
    } else {
        None
    };
    let mut r = VulnerabilityRating::new(
        m.cvss_score.map(|s| Score::from(s as f32)),
        m.cvss_score.map(severity),
        method,
    );
    r.vulnerability_source = Some(source_of(&m.id));
    r.vector = Some(NormalizedString::new(vector));
    Some(r)
}

/// CVSS qualitative severity of a base score.
fn severity(score: f64) -> Severity {
    match score {
        s if s >= 9.0 => Severity::Critical,
        s if s >= 7.0 => Severity::High,
        s if s >= 4.0 => Severity::Medium,
        s if s > 0.0 => Severity::Low,
        _ => Severity::None,
    }
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
            "pkg:cargo/g@0.1.0%2Bmeta?vcs_url=git%2Bhttps:%2F%2Fexample.org%2Fg.git%40abc"
        );
        let c = pkg("serde", "1.0.0", PackageSource::CratesIo);
        assert_eq!(purl(&c).unwrap().to_string(), "pkg:cargo/serde@1.0.0");
        let registry = pkg(
            "internal",
            "2.0.0",
            PackageSource::Registry {
                url: "https://registry.example.org/index/".into(),
            },
        );
        assert_eq!(
            purl(&registry).unwrap().to_string(),
            "pkg:cargo/internal@2.0.0?repository_url=https:%2F%2Fregistry.example.org%2Findex%2F"
        );
        let member = pkg(
            "my crate",
            "0.1.0",
            PackageSource::Path {
                path: Some("crates/my crate".into()),
                inside_workspace: Some(true),
            },
        );
        assert_eq!(
            purl(&member).unwrap().to_string(),
            "pkg:cargo/my%20crate@0.1.0?download_url=file:%2F%2Fcrates%2Fmy%20crate"
        );
        let outside = pkg(
            "vendored",
            "1.0.0",
            PackageSource::Path {
                path: Some("/home/me/vendored".into()),
                inside_workspace: Some(false),
            },
        );
        assert_eq!(
            purl(&outside).unwrap().to_string(),
            "pkg:cargo/vendored@1.0.0",
            "no machine path in the SBOM"
        );
    }

    /// The purl specification's cargo examples (purl-spec `tests/types/cargo-test.json`) and
    /// the versions that need encoding under ECMA-427 §5.4.
    #[test]
    fn purls_are_canonical_as_the_specification_asks() {
        for (name, version, want) in [
            // The specification's own cargo examples.
            ("rand", "0.7.2", "pkg:cargo/rand@0.7.2"),
            ("clap", "2.33.0", "pkg:cargo/clap@2.33.0"),
            ("structopt", "0.3.11", "pkg:cargo/structopt@0.3.11"),
            // Build metadata: `+` is not in the allowed set.
            (
                "curl-sys",
                "0.4.90+curl-8.21.0",
                "pkg:cargo/curl-sys@0.4.90%2Bcurl-8.21.0",
            ),
            (
                "wasi",
                "0.11.1+wasi-snapshot-preview1",
                "pkg:cargo/wasi@0.11.1%2Bwasi-snapshot-preview1",
            ),
            // Pre-releases keep `-` and `.`; names keep `_` and `-`.
            (
                "toml_edit",
                "1.0.0-alpha.1",
                "pkg:cargo/toml_edit@1.0.0-alpha.1",
            ),
            // Whatever a registry allows stays unambiguous.
            (
                "x",
                "1.0.0+a/b@c?d#e f%",
                "pkg:cargo/x@1.0.0%2Ba%2Fb%40c%3Fd%23e%20f%25",
            ),
            ("x", "1:2", "pkg:cargo/x@1:2"),
            ("ü", "1.0.0", "pkg:cargo/%C3%BC@1.0.0"),
        ] {
            assert_eq!(purl_string(name, version, &[]), want, "{name} {version}");
            let p = pkg(name, version, PackageSource::CratesIo);
            assert_eq!(purl(&p).unwrap().to_string(), want);
        }
        // Qualifiers: keys sorted and lower-cased, values encoded, empty values dropped.
        assert_eq!(
            purl_string(
                "a",
                "1.0.0",
                &[
                    ("vcs_url", "git+https://example.org/a.git@0abc".into()),
                    ("repository_url", "https://r.example.org/index/".into()),
                    ("Download_URL", String::new()),
                    ("checksum", "sha256:00ff".into()),
                ]
            ),
            "pkg:cargo/a@1.0.0?checksum=sha256:00ff\
             &repository_url=https:%2F%2Fr.example.org%2Findex%2F\
             &vcs_url=git%2Bhttps:%2F%2Fexample.org%2Fa.git%400abc"
        );
    }

    /// What ECMA-427 decodes a component back to.
    fn decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn encoding_round_trips_and_leaves_only_permitted_characters() {
        for text in [
            "0.4.90+curl-8.21.0",
            "a b/c?d#e@f&g=h%i",
            "ü-ß",
            "1:2",
            "~._-",
        ] {
            let e = purl_encode(text);
            assert!(
                e.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-_~:%".contains(&b)),
                "{e}"
            );
            assert_eq!(decode(&e), text);
        }
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

    fn product(name: &str) -> Product {
        Product {
            name: name.into(),
            version: "1.0.0".into(),
            description: None,
            security_level: None,
        }
    }

    fn advisory(kind: AdvisoryKind, id: &str, package: &str, alias: &str) -> AdvisoryMatch {
        AdvisoryMatch {
            kind,
            id: id.into(),
            package: package.into(),
            version: "1.0.0".into(),
            title: format!("{package} advisory"),
            date: "2026-01-10".into(),
            cvss: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into()),
            cvss_score: Some(9.8),
            patched: vec![">=1.1.0".into()],
            aliases: if alias.is_empty() {
                vec![]
            } else {
                vec![alias.into()]
            },
        }
    }

    fn waiver(id: &str, reason: &str, state: WaiverState) -> WaiverStatus {
        WaiverStatus {
            waiver: crate::config::Waiver {
                id: id.into(),
                reason: reason.into(),
                owner: "sec@example.org".into(),
                expires: "2026-12-31".into(),
                expires_on: None,
            },
            state,
            why: (state == WaiverState::Invalid).then(|| "its owner holds no SDL role".into()),
        }
    }

    fn json_of(bytes: &[u8]) -> serde_json::Value {
        serde_json::from_slice(bytes).unwrap()
    }

    fn facts_with(names: &[&str]) -> CargoFacts {
        let mut app = pkg(
            "app",
            "1.0.0",
            PackageSource::Path {
                path: Some(".".into()),
                inside_workspace: Some(true),
            },
        );
        app.member = true;
        let mut packages = vec![app];
        for n in names {
            let mut p = pkg(n, "1.0.0", PackageSource::CratesIo);
            p.checksum = Some("ab".repeat(32));
            packages.push(p);
        }
        packages.sort();
        CargoFacts {
            packages,
            ..CargoFacts::default()
        }
    }

    /// Every advisory becomes an entry; only a waiver that holds makes it `not_affected`.
    #[test]
    fn waivers_become_vex_decisions_and_only_valid_ones_say_not_affected() {
        let facts = facts_with(&["a", "b", "c", "d", "e", "f"]);
        let advisories = AdvisoryFacts {
            database: Default::default(),
            lockfile: crate::facts::FileRef {
                path: "Cargo.lock".into(),
                sha256: "0".repeat(64),
            },
            scanned: 6,
            not_covered: vec![],
            matches: vec![
                advisory(
                    AdvisoryKind::Vulnerability,
                    "RUSTSEC-2026-0001",
                    "a",
                    "CVE-2026-1",
                ),
                advisory(AdvisoryKind::Vulnerability, "RUSTSEC-2026-0002", "b", ""),
                advisory(AdvisoryKind::Vulnerability, "RUSTSEC-2026-0003", "c", ""),
                advisory(AdvisoryKind::Unmaintained, "RUSTSEC-2026-0004", "d", ""),
                advisory(AdvisoryKind::Notice, "RUSTSEC-2026-0005", "e", ""),
                advisory(AdvisoryKind::Unsound, "RUSTSEC-2026-0006", "f", ""),
            ],
            history: Default::default(),
        };
        let waivers = vec![
            // By alias, with a justification.
            waiver(
                "CVE-2026-1",
                "code_not_reachable: the parser is never fed untrusted input",
                WaiverState::Used,
            ),
            waiver("RUSTSEC-2026-0002", "only in tests", WaiverState::Expired),
            waiver("RUSTSEC-2026-0003", "fine", WaiverState::Invalid),
            waiver(
                "RUSTSEC-2026-0004",
                "replacement planned",
                WaiverState::Used,
            ),
            waiver("RUSTSEC-2026-0006", "nobody calls it", WaiverState::Unused),
        ];
        let input = VulnerabilityInput {
            advisories: &advisories,
            waivers: &waivers,
        };
        let now = crate::timefmt::parse("2026-02-01").unwrap();
        let with = generate_with(&facts, &product("app"), now, Some(input)).unwrap();
        let without = generate_with(&facts, &product("app"), now, None).unwrap();
        assert_eq!(
            with.serial_number, without.serial_number,
            "the serial number identifies the inventory"
        );
        assert!(json_of(&without.bytes).get("vulnerabilities").is_none());

        let doc = json_of(&with.bytes);
        let vulns = doc["vulnerabilities"].as_array().unwrap();
        assert_eq!(vulns.len(), 6);
        let by_id = |id: &str| vulns.iter().find(|v| v["id"] == id).unwrap();

        let a = by_id("RUSTSEC-2026-0001");
        assert_eq!(a["analysis"]["state"], "not_affected");
        assert_eq!(a["analysis"]["justification"], "code_not_reachable");
        let detail = a["analysis"]["detail"].as_str().unwrap();
        assert!(
            detail.contains("CVE-2026-1") && detail.contains("sec@example.org"),
            "{detail}"
        );
        assert_eq!(a["affects"][0]["ref"], "pkg:cargo/a@1.0.0");
        assert_eq!(a["references"][0]["id"], "CVE-2026-1");
        assert_eq!(a["ratings"][0]["method"], "CVSSv31");
        assert_eq!(a["ratings"][0]["severity"], "critical");
        assert_eq!(a["source"]["name"], "RustSec");

        for (id, what) in [
            ("RUSTSEC-2026-0002", "expired"),
            ("RUSTSEC-2026-0003", "not valid"),
        ] {
            let v = by_id(id);
            assert_eq!(v["analysis"]["state"], "exploitable", "{id}");
            assert_eq!(v["analysis"]["response"], serde_json::json!(["update"]));
            assert!(v["analysis"].get("justification").is_none());
            let detail = v["analysis"]["detail"].as_str().unwrap();
            assert!(detail.contains(what), "{detail}");
        }
        let d = by_id("RUSTSEC-2026-0004");
        assert_eq!(d["analysis"]["state"], "not_affected");
        assert!(
            d["analysis"].get("justification").is_none(),
            "no justification is claimed that the waiver does not state"
        );
        assert_eq!(by_id("RUSTSEC-2026-0005")["analysis"]["state"], "in_triage");
        assert_eq!(
            by_id("RUSTSEC-2026-0006")["analysis"]["state"],
            "not_affected"
        );
        let props = |v: &serde_json::Value| -> Vec<(String, String)> {
            v["properties"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        p["name"].as_str().unwrap().to_string(),
                        p["value"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        };
        assert_eq!(
            props(by_id("RUSTSEC-2026-0003")),
            [
                (
                    PROPERTY_ADVISORY_KIND.to_string(),
                    "vulnerability".to_string()
                ),
                (PROPERTY_WAIVER.to_string(), "RUSTSEC-2026-0003".to_string()),
                (PROPERTY_WAIVER_STATE.to_string(), "invalid".to_string()),
            ]
        );
        let bom = Bom::parse_from_json(&with.bytes[..]).unwrap();
        assert!(bom.validate_version(SpecVersion::V1_5).passed());
    }

    #[test]
    fn justifications_are_only_what_the_reason_names() {
        assert_eq!(
            stated_justification("code_not_present: removed by a feature flag"),
            Some("code_not_present")
        );
        assert_eq!(
            stated_justification("  protected_by_mitigating_control : sandboxed"),
            Some("protected_by_mitigating_control")
        );
        assert_eq!(stated_justification("not reachable: never called"), None);
        assert_eq!(stated_justification("code_not_reachable"), None);
    }

    /// Licences come from the manifest or are declared missing, never guessed; members and
    /// hashes are marked.
    #[test]
    fn components_say_where_their_licence_comes_from() {
        let mut facts = facts_with(&["a", "b", "c"]);
        for p in &mut facts.packages {
            match p.name.as_str() {
                "app" => p.license = Some("MIT".into()),
                "a" => p.license = Some("MIT/Apache-2.0".into()),
                "b" => {
                    p.license = None;
                    p.license_file = Some("LICENSE.txt".into());
                }
                _ => p.license = None,
            }
        }
        let now = crate::timefmt::parse("2026-02-01").unwrap();
        let doc = json_of(&generate_sbom(&facts, &product("app"), now, None).unwrap());
        let subject = &doc["metadata"]["component"];
        assert_eq!(subject["licenses"][0]["expression"], "MIT");
        assert_eq!(subject["properties"][0]["name"], PROPERTY_WORKSPACE_MEMBER);
        assert_eq!(subject["properties"][0]["value"], "true");
        let comp = |n: &str| {
            doc["components"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["name"] == n)
                .unwrap()
                .clone()
        };
        assert_eq!(comp("a")["licenses"][0]["expression"], "MIT OR Apache-2.0");
        assert_eq!(comp("a")["hashes"][0]["alg"], "SHA-256");
        assert_eq!(comp("a")["hashes"][0]["content"], "ab".repeat(32));
        assert_eq!(
            comp("b")["properties"],
            serde_json::json!([
                {"name": PROPERTY_LICENSE_SOURCE, "value": "license-file"},
                {"name": PROPERTY_LICENSE_FILE, "value": "LICENSE.txt"},
            ])
        );
        assert_eq!(
            comp("c")["properties"],
            serde_json::json!([{"name": PROPERTY_LICENSE_SOURCE, "value": "not-declared"}])
        );
        // From Cargo.lock alone nothing is known about licences: every component says so.
        facts.origin = CargoOrigin::CargoLock;
        for p in &mut facts.packages {
            p.license = None;
            p.license_file = None;
            p.member = false;
        }
        let doc = json_of(&generate_sbom(&facts, &product("app"), now, None).unwrap());
        let subject = &doc["metadata"]["component"];
        assert_eq!(
            subject["properties"],
            serde_json::json!([
                {"name": PROPERTY_WORKSPACE_MEMBER, "value": "unknown"},
                {"name": PROPERTY_LICENSE_SOURCE, "value": "unavailable"},
            ])
        );
        for c in doc["components"].as_array().unwrap() {
            assert!(c.get("licenses").is_none());
            assert_eq!(
                c["properties"],
                serde_json::json!([{"name": PROPERTY_LICENSE_SOURCE, "value": "unavailable"}])
            );
        }
    }
}
