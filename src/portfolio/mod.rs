//! The organisation's view over many products and releases (`cargo sdl portfolio`): product
//! reports merged into one [`Portfolio`], whose serde form is `portfolio.json`.
//!
//! [`merge`] is pure: it takes inputs already read and verified ([`input::load`]) and decides
//! everything else — which inputs duplicate others, which reports are releases of one product,
//! the order of products and releases (never the order the inputs were given in), which
//! organisation-level records a product inherits, the weakest requirements and the records
//! shared across products.
//!
//! Inheritance is conservative. Only the requirements of [`ORGANISATION_LEVEL`] are ever
//! inherited, only by a product whose report cites the organisation (`[organisation]` in its
//! `sdl.toml`) and matches the `--organisation` report, only from a satisfied or partial
//! organisation record, and only where that is better than the product's own status. The
//! product's own status is kept beside it and the record is marked as coming from the
//! organisation: nothing unknown turns into a pass without saying so. Maturity levels are the
//! products' own; inheritance does not change them.

pub(crate) mod input;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::eval::Status;
use crate::report::Tool;
use input::{Input, ReportView};

/// Bumped on every incompatible change of `portfolio.json`.
pub const SCHEMA_VERSION: u32 = 1;

/// The JSON Schema (draft 2020-12) of `portfolio.json`; the package carries it.
pub const SCHEMA: &str = include_str!("../../schema/portfolio.schema.json");

/// The requirements an organisation evidences once for all its products: the process (SM-1),
/// responsibilities (SM-2), security expertise and training (SM-4), process verification
/// (SM-12), continuous improvement (SM-13) and the periodic review of defect management (DM-6).
pub const ORGANISATION_LEVEL: &[&str] = &["SM-1", "SM-2", "SM-4", "SM-12", "SM-13", "DM-6"];

/// `portfolio.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Portfolio {
    pub schema_version: u32,
    pub tool: Tool,
    /// RFC 3339, from `--current-time`, `SOURCE_DATE_EPOCH` or the clock.
    pub generated_at: String,
    pub summary: Summary,
    /// The `--organisation` report, when one was given and could be used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<Organisation>,
    /// Every practice the reports name, in their order.
    pub practices: Vec<Practice>,
    /// Every requirement the reports name, in their order.
    pub requirements: Vec<Requirement>,
    /// Products by name, then remote.
    pub products: Vec<ProductView>,
    /// Requirements some product does not satisfy, weakest first.
    pub weakest: Vec<Weakness>,
    /// Records with the same digest in two or more products.
    pub shared: Vec<Shared>,
    /// The inputs merged, by input.
    pub inputs: Vec<UsedInput>,
    /// The inputs not merged, with why, by input.
    pub excluded: Vec<Excluded>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub products: usize,
    pub releases: usize,
    pub excluded: usize,
    /// Products whose newest release has each status, per status, summed over requirements.
    pub statuses: BTreeMap<String, usize>,
    /// Requirement statuses taken from the organisation's records.
    pub inherited: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Practice {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    pub id: String,
    pub practice: String,
    pub title: String,
    /// One of [`ORGANISATION_LEVEL`]: a product may inherit it.
    pub organisation_level: bool,
}

/// The organisation's own report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote: Option<String>,
    pub input: String,
    /// Where it is in the portfolio package (`organisation/`).
    pub folder: String,
    /// Its page, when the input was a package that has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_sha256: Option<String>,
    pub verification: String,
    pub generated_at: String,
    /// Its organisation-level requirements, as its report has them.
    pub records: Vec<OrganisationRecord>,
    /// The products that cite it and match, by id.
    pub cited_by: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganisationRecord {
    pub requirement: String,
    pub status: Status,
    /// The organisation's current attestations for it.
    pub attestations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductView {
    /// Its folder under `products/`: an index and a slug of the name.
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote: Option<String>,
    /// Oldest first; the last is the product's current state.
    pub releases: Vec<Release>,
    /// The organisation's records the product cites, and whether they were matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<Citation>,
    /// Each requirement at the newest release: the product's own status, and the status the
    /// portfolio counts, with where it came from.
    pub requirements: Vec<ProductRequirement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    pub records: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    pub matched: bool,
    /// How it matched, or why it did not.
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductRequirement {
    pub id: String,
    /// As the product's report has it.
    pub own: Status,
    /// What the portfolio counts.
    pub status: Status,
    /// `product`, or `organisation` when inherited.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Release {
    /// Its folder in the portfolio package, ending in `/`.
    pub folder: String,
    /// Its `report.json` in the portfolio package.
    pub report: String,
    /// Its `index.html` in the portfolio package, when the input was a package with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    pub input: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    pub tags: Vec<String>,
    pub generated_at: String,
    pub sha256: String,
    pub verification: String,
    /// Requirements per status.
    pub counts: BTreeMap<String, usize>,
    /// Practice id → maturity level (`null`: not assessed).
    pub maturity: BTreeMap<String, Option<u8>>,
    /// Requirement id → status.
    pub statuses: BTreeMap<String, Status>,
    /// Requirements better and worse than at the release before (empty for the first).
    pub improved: Vec<String>,
    pub regressed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weakness {
    pub requirement: String,
    pub title: String,
    pub organisation_level: bool,
    pub not_satisfied: usize,
    pub unknown: usize,
    pub partial: usize,
    /// The products short of satisfied (not satisfied, unknown, partial), by id.
    pub products: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shared {
    /// `document`, `attestation`, `roles`, `role names` or `training`.
    pub kind: String,
    /// The document kind, the attestation's requirements or the role names.
    pub detail: String,
    pub sha256: String,
    /// The paths it has in the products' repositories.
    pub paths: Vec<String>,
    pub products: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsedInput {
    pub input: String,
    /// `report.json`, `package directory` or `package archive`.
    pub source: String,
    pub sha256: String,
    pub verification: String,
    /// Where it went: a release folder, or `organisation/`.
    pub folder: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Excluded {
    pub input: String,
    pub reason: String,
}

/// The portfolio and the files of the inputs it merged, path in the package → bytes.
pub(crate) struct Merged {
    pub portfolio: Portfolio,
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Lower is better, as `diff` ranks statuses.
fn rank(s: Status) -> u8 {
    Status::rank_of(s.as_str())
}

/// The portfolio package's folder of merged product reports.
pub const PRODUCTS: &str = "products/";
/// The portfolio package's folder of the organisation's records.
pub const ORGANISATION: &str = "organisation/";

/// A product's identity: its name, and its remote (in [`normal_remote`] form) when the report
/// names one.
type ProductKey = (String, Option<String>);

fn product_key(r: &ReportView) -> ProductKey {
    (
        r.product.name.clone(),
        r.assessed
            .as_ref()
            .and_then(|a| a.remote.as_deref())
            .map(normal_remote),
    )
}

/// A remote URL as products and citations are matched by: without a trailing `/` or `.git`,
/// in lower case (one repository spelt two ways is one product).
fn normal_remote(u: &str) -> String {
    u.trim_end_matches('/')
        .trim_end_matches(".git")
        .to_ascii_lowercase()
}

/// The release a report describes: its commit, or its version when it names no commit.
fn release_key(r: &ReportView) -> String {
    r.assessed
        .as_ref()
        .and_then(|a| a.commit.clone())
        .map(|c| format!("commit {c}"))
        .unwrap_or_else(|| format!("version {}", r.product.version))
}

/// `p0001-widget`: an index that keeps folders apart, and a slug of the name for people.
fn folder_name(prefix: char, index: usize, name: &str) -> String {
    let slug: String = name
        .chars()
        .take(40)
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => '_',
        })
        .collect();
    format!("{prefix}{index:04}-{slug}")
}

/// Merge the inputs. `excluded` are the inputs already refused while reading; duplicates are
/// added to them here. Nothing depends on the order of `inputs`.
pub(crate) fn merge(
    inputs: Vec<Input>,
    organisation: Option<Input>,
    mut excluded: Vec<Excluded>,
    generated_at: String,
) -> Merged {
    // Duplicates: the same report.json twice, or two reports of the same product's same
    // release. The kept one does not depend on the order given: the newest assessment, then the
    // smallest digest, then the input named first in sort order.
    let mut inputs = inputs;
    inputs.sort_by(|a, b| {
        (product_key(&a.report), release_key(&a.report))
            .cmp(&(product_key(&b.report), release_key(&b.report)))
            .then_with(|| b.report.made_at().cmp(&a.report.made_at()))
            .then_with(|| a.sha256.cmp(&b.sha256))
            .then_with(|| a.given.cmp(&b.given))
    });
    let mut kept: Vec<Input> = Vec::new();
    let mut seen_digest: BTreeMap<String, String> = BTreeMap::new();
    let mut seen_release: BTreeMap<(ProductKey, String), String> = BTreeMap::new();
    for i in inputs {
        if let Some(first) = seen_digest.get(&i.sha256) {
            let reason = if *first == i.given {
                "duplicate: given twice".into()
            } else {
                format!("duplicate: the same report.json as {first}")
            };
            excluded.push(Excluded {
                input: i.given,
                reason,
            });
            continue;
        }
        let key = (product_key(&i.report), release_key(&i.report));
        if let Some(first) = seen_release.get(&key) {
            excluded.push(Excluded {
                input: i.given,
                reason: format!(
                    "duplicate: {} {} was assessed again in {first}, which is newer and is merged",
                    i.report.product.name, key.1
                ),
            });
            continue;
        }
        seen_digest.insert(i.sha256.clone(), i.given.clone());
        seen_release.insert(key, i.given.clone());
        kept.push(i);
    }
    if let Some(org) = &organisation
        && let Some(first) = seen_digest.get(&org.sha256)
    {
        excluded.push(Excluded {
            input: first.clone(),
            reason: "it is also the --organisation report; it is merged only as that".into(),
        });
        kept.retain(|i| i.sha256 != org.sha256);
    }

    // Products by name and remote; releases oldest first.
    let mut by_product: BTreeMap<ProductKey, Vec<Input>> = BTreeMap::new();
    for i in kept {
        by_product
            .entry(product_key(&i.report))
            .or_default()
            .push(i);
    }
    for releases in by_product.values_mut() {
        releases.sort_by(|a, b| {
            a.report
                .made_at()
                .cmp(&b.report.made_at())
                .then_with(|| a.report.product.version.cmp(&b.report.product.version))
                .then_with(|| a.sha256.cmp(&b.sha256))
        });
    }

    let (practices, requirements) = catalogue(by_product.values().flatten(), &organisation);
    let mut files = BTreeMap::new();
    let mut used = Vec::new();
    let mut organisation = organisation;
    let org_view = organisation.as_mut().map(|o| {
        let folder = ORGANISATION.to_string();
        used.push(used_input(o, &folder));
        let view = organisation_view(o, &folder);
        move_files(&mut files, &folder, o);
        view
    });

    let mut products = Vec::new();
    let mut newest_reports: BTreeMap<String, ReportView> = BTreeMap::new();
    for (index, ((name, _), mut releases)) in by_product.into_iter().enumerate() {
        let id = folder_name('p', index + 1, &name);
        let mut views: Vec<Release> = Vec::new();
        for (n, i) in releases.iter_mut().enumerate() {
            let folder = format!(
                "{}{id}/{}/",
                PRODUCTS,
                folder_name('r', n + 1, &i.report.product.version)
            );
            used.push(used_input(i, &folder));
            let mut release = release_view(i, &folder);
            move_files(&mut files, &folder, i);
            if let Some(before) = views.last() {
                for (req, now) in &release.statuses {
                    match before.statuses.get(req) {
                        Some(then) if rank(*now) < rank(*then) => {
                            release.improved.push(req.clone())
                        }
                        Some(then) if rank(*now) > rank(*then) => {
                            release.regressed.push(req.clone())
                        }
                        _ => {}
                    }
                }
            }
            views.push(release);
        }
        let newest = &releases[releases.len() - 1].report;
        // The remote as the newest release writes it (the key holds its normal form).
        let remote = newest.assessed.as_ref().and_then(|a| a.remote.clone());
        let citation = newest
            .organisation
            .as_ref()
            .map(|c| cite(c, organisation.as_ref()));
        let inherits = citation.as_ref().is_some_and(|c| c.matched);
        let product_requirements = newest
            .requirements
            .iter()
            .map(|r| {
                let inherited = org_view
                    .as_ref()
                    .filter(|_| inherits && ORGANISATION_LEVEL.contains(&r.id.as_str()))
                    .and_then(|o| o.records.iter().find(|x| x.requirement == r.id))
                    .map(|x| x.status)
                    .filter(|s| matches!(s, Status::Satisfied | Status::Partial))
                    .filter(|s| rank(*s) < rank(r.status));
                ProductRequirement {
                    id: r.id.clone(),
                    own: r.status,
                    status: inherited.unwrap_or(r.status),
                    source: if inherited.is_some() {
                        "organisation"
                    } else {
                        "product"
                    }
                    .into(),
                }
            })
            .collect();
        newest_reports.insert(id.clone(), newest.clone());
        products.push(ProductView {
            id,
            name,
            remote,
            releases: views,
            organisation: citation,
            requirements: product_requirements,
        });
    }

    let org_view = org_view.map(|mut o| {
        o.cited_by = products
            .iter()
            .filter(|p| p.organisation.as_ref().is_some_and(|c| c.matched))
            .map(|p| p.id.clone())
            .collect();
        o
    });
    let weakest = weakest(&products, &requirements);
    let shared = shared(&products, &newest_reports);
    let mut statuses = BTreeMap::new();
    let mut inherited = 0;
    for p in &products {
        for r in &p.requirements {
            *statuses.entry(r.status.as_str().to_string()).or_insert(0) += 1;
            inherited += usize::from(r.source == "organisation");
        }
    }
    used.sort_by(|a, b| a.input.cmp(&b.input).then(a.folder.cmp(&b.folder)));
    excluded.sort();
    let portfolio = Portfolio {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        generated_at,
        summary: Summary {
            products: products.len(),
            releases: products.iter().map(|p| p.releases.len()).sum(),
            excluded: excluded.len(),
            statuses,
            inherited,
        },
        organisation: org_view,
        practices,
        requirements,
        products,
        weakest,
        shared,
        inputs: used,
        excluded,
    };
    Merged { portfolio, files }
}

/// Every practice and requirement the reports name, in the order the first report naming
/// them has them (all reports of one catalogue agree), then any others by id.
fn catalogue<'a>(
    inputs: impl Iterator<Item = &'a Input>,
    organisation: &'a Option<Input>,
) -> (Vec<Practice>, Vec<Requirement>) {
    let mut practices: Vec<Practice> = Vec::new();
    let mut requirements: Vec<Requirement> = Vec::new();
    let mut seen_p = BTreeSet::new();
    let mut seen_r = BTreeSet::new();
    // The organisation first, then products in their sorted order: deterministic.
    let mut all: Vec<&Input> = organisation.iter().collect();
    all.extend(inputs);
    for i in all {
        for p in &i.report.practices {
            if seen_p.insert(p.id.clone()) {
                practices.push(Practice {
                    id: p.id.clone(),
                    name: p.name.clone(),
                });
            }
        }
        for r in &i.report.requirements {
            if seen_r.insert(r.id.clone()) {
                requirements.push(Requirement {
                    id: r.id.clone(),
                    practice: r.practice.clone(),
                    title: r.title.clone(),
                    organisation_level: ORGANISATION_LEVEL.contains(&r.id.as_str()),
                });
            }
        }
    }
    (practices, requirements)
}

/// Move the input's files into the package under `folder` (a thousand packages are not held
/// twice).
fn move_files(files: &mut BTreeMap<String, Vec<u8>>, folder: &str, i: &mut Input) {
    for (path, bytes) in std::mem::take(&mut i.files) {
        files.insert(format!("{folder}{path}"), bytes);
    }
}

fn page_of(i: &Input, folder: &str) -> Option<String> {
    i.files
        .contains_key("index.html")
        .then(|| format!("{folder}index.html"))
}

fn used_input(i: &Input, folder: &str) -> UsedInput {
    UsedInput {
        input: i.given.clone(),
        source: i.source.into(),
        sha256: i.sha256.clone(),
        verification: i.verification.clone(),
        folder: folder.into(),
    }
}

fn organisation_view(o: &Input, folder: &str) -> Organisation {
    let r = &o.report;
    Organisation {
        name: r.product.name.clone(),
        remote: r.assessed.as_ref().and_then(|a| a.remote.clone()),
        input: o.given.clone(),
        folder: folder.into(),
        page: page_of(o, folder),
        sha256: o.sha256.clone(),
        manifest_sha256: o.manifest_sha256.clone(),
        verification: o.verification.clone(),
        generated_at: r.generated_at.clone(),
        records: r
            .requirements
            .iter()
            .filter(|x| ORGANISATION_LEVEL.contains(&x.id.as_str()))
            .map(|x| OrganisationRecord {
                requirement: x.id.clone(),
                status: x.status,
                attestations: x.attestations.clone(),
            })
            .collect(),
        cited_by: Vec::new(),
    }
}

fn release_view(i: &Input, folder: &str) -> Release {
    let r = &i.report;
    let mut counts = BTreeMap::new();
    for x in &r.requirements {
        *counts.entry(x.status.as_str().to_string()).or_insert(0) += 1;
    }
    Release {
        folder: folder.into(),
        report: format!("{folder}report.json"),
        page: page_of(i, folder),
        input: i.given.clone(),
        version: r.product.version.clone(),
        commit: r.assessed.as_ref().and_then(|a| a.commit.clone()),
        tags: r
            .assessed
            .as_ref()
            .map(|a| a.tags.clone())
            .unwrap_or_default(),
        generated_at: r.generated_at.clone(),
        sha256: i.sha256.clone(),
        verification: i.verification.clone(),
        counts,
        maturity: r
            .practices
            .iter()
            .map(|p| (p.id.clone(), p.maturity.level))
            .collect(),
        statuses: r
            .requirements
            .iter()
            .map(|x| (x.id.clone(), x.status))
            .collect(),
        improved: Vec::new(),
        regressed: Vec::new(),
    }
}

/// Whether the product's citation names the `--organisation` report: by the digest it pins
/// (of the organisation's report.json or its package's manifest), else by its repository URL,
/// else by its name. The name must agree whenever the citation gives one.
fn cite(c: &crate::config::OrganisationRef, org: Option<&Input>) -> Citation {
    let citation = |matched: bool, why: String| Citation {
        records: c.records.clone(),
        name: c.name.clone(),
        sha256: c.sha256.clone(),
        matched,
        why,
    };
    let Some(org) = org else {
        return citation(false, "no --organisation report was given".into());
    };
    let org_name = &org.report.product.name;
    if let Some(name) = &c.name
        && name != org_name
    {
        return citation(
            false,
            format!(
                "it names the organisation `{name}`, the --organisation report is `{org_name}`"
            ),
        );
    }
    if let Some(sha) = &c.sha256 {
        let pinned = *sha == org.sha256 || org.manifest_sha256.as_deref() == Some(sha.as_str());
        return if pinned {
            citation(
                true,
                "the digest it pins is the organisation report's".into(),
            )
        } else {
            citation(
                false,
                "it pins another version of the organisation's records (its sha256 differs)".into(),
            )
        };
    }
    let remote = org
        .report
        .assessed
        .as_ref()
        .and_then(|a| a.remote.as_deref());
    match remote {
        Some(r) if normal_remote(r) == normal_remote(&c.records) => citation(
            true,
            "its URL is the organisation repository's remote".into(),
        ),
        Some(_) => citation(
            false,
            "its URL is not the organisation repository's remote".into(),
        ),
        None if c.name.is_some() => citation(
            true,
            "the organisation report names no remote; matched by the name it gives".into(),
        ),
        None => citation(
            false,
            "the organisation report names no remote and the citation no name".into(),
        ),
    }
}

fn weakest(products: &[ProductView], requirements: &[Requirement]) -> Vec<Weakness> {
    let mut out: Vec<Weakness> = requirements
        .iter()
        .map(|req| {
            let mut w = Weakness {
                requirement: req.id.clone(),
                title: req.title.clone(),
                organisation_level: req.organisation_level,
                not_satisfied: 0,
                unknown: 0,
                partial: 0,
                products: Vec::new(),
            };
            for p in products {
                let Some(r) = p.requirements.iter().find(|r| r.id == req.id) else {
                    continue;
                };
                match r.status {
                    Status::NotSatisfied => w.not_satisfied += 1,
                    Status::Unknown => w.unknown += 1,
                    Status::Partial => w.partial += 1,
                    _ => continue,
                }
                w.products.push(p.id.clone());
            }
            w
        })
        .filter(|w| !w.products.is_empty())
        .collect();
    out.sort_by(|a, b| {
        (b.not_satisfied, b.unknown, b.partial)
            .cmp(&(a.not_satisfied, a.unknown, a.partial))
            .then_with(|| a.requirement.cmp(&b.requirement))
    });
    out
}

/// Records that two or more products' newest reports hold with the same digest: the same
/// process document, the same attestation, the same roles file, the same set of role names,
/// the same training record. The sign that one process runs across products.
fn shared(products: &[ProductView], newest: &BTreeMap<String, ReportView>) -> Vec<Shared> {
    // (kind, sha256) → (detail, paths, products)
    type Group = (String, BTreeSet<String>, BTreeSet<String>);
    let mut groups: BTreeMap<(String, String), Group> = BTreeMap::new();
    let mut add = |kind: &str, detail: String, sha: &str, path: &str, product: &str| {
        let g = groups
            .entry((kind.to_string(), sha.to_string()))
            .or_insert_with(|| (detail, BTreeSet::new(), BTreeSet::new()));
        if !path.is_empty() {
            g.1.insert(path.to_string());
        }
        g.2.insert(product.to_string());
    };
    for p in products {
        let Some(r) = newest.get(&p.id) else {
            continue;
        };
        if let Some(files) = &r.evidence.files.value {
            for d in &files.documents {
                add(
                    "document",
                    d.kind.clone(),
                    &d.file.sha256,
                    &d.file.path,
                    &p.id,
                );
            }
        }
        let human = &r.evidence.human;
        for a in &human.attestations {
            add(
                "attestation",
                a.requirements.join(", "),
                &a.file.sha256,
                &a.file.path,
                &p.id,
            );
        }
        if let Some(roles) = &human.roles {
            if let Some(f) = &roles.file {
                add("roles", String::new(), &f.sha256, &f.path, &p.id);
            }
            if !roles.roles.is_empty() {
                let names: Vec<&str> = roles.roles.keys().map(String::as_str).collect();
                let joined = names.join(", ");
                let sha = crate::digest::sha256_hex(joined.as_bytes());
                add("role names", joined, &sha, "", &p.id);
            }
        }
        if let Some(f) = &human.training_file {
            add("training", String::new(), &f.sha256, &f.path, &p.id);
        }
    }
    let mut out: Vec<Shared> = groups
        .into_iter()
        .filter(|(_, (_, _, products))| products.len() >= 2)
        .map(|((kind, sha256), (detail, paths, products))| Shared {
            kind,
            detail,
            sha256,
            paths: paths.into_iter().collect(),
            products: products.into_iter().collect(),
        })
        .collect();
    out.sort_by(|a, b| {
        b.products
            .len()
            .cmp(&a.products.len())
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.sha256.cmp(&b.sha256))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(given: &str, name: &str, remote: Option<&str>, commit: &str, at: &str) -> Input {
        let report = json!({
            "generated_at": at,
            "product": {"name": name, "version": "1.0.0"},
            "assessed": {"commit": commit, "tags": [], "remote": remote},
            "practices": [{"id": "SM", "name": "Security management", "maturity": {"level": 2}}],
            "requirements": [
                {"id": "SM-1", "practice": "SM", "title": "Development process", "status": "unknown"},
                {"id": "SR-1", "practice": "SR", "title": "Product security context", "status": "partial"}
            ],
            "evidence": {"files": {"state": "absent", "reason": "x"}, "human": {}}
        });
        let bytes = serde_json::to_vec(&report).unwrap();
        Input {
            given: given.into(),
            source: "report.json",
            sha256: crate::digest::sha256_hex(&bytes),
            manifest_sha256: None,
            verification: "not verified".into(),
            files: BTreeMap::from([("report.json".to_string(), bytes)]),
            report: serde_json::from_value(report).unwrap(),
        }
    }

    fn run(inputs: Vec<Input>) -> Portfolio {
        merge(inputs, None, Vec::new(), "2026-11-29T00:00:00Z".into()).portfolio
    }

    #[test]
    fn duplicates_are_decided_the_same_whatever_the_order() {
        let make = || {
            vec![
                input("b.json", "w", None, "c1", "2026-01-01T00:00:00Z"),
                input("a.json", "w", None, "c1", "2026-01-01T00:00:00Z"),
                input("old.json", "w", None, "c2", "2026-01-01T00:00:00Z"),
                input("new.json", "w", None, "c2", "2026-02-01T00:00:00Z"),
                input(
                    "other.json",
                    "w",
                    Some("https://x/w"),
                    "c1",
                    "2026-01-01T00:00:00Z",
                ),
            ]
        };
        let forward = run(make());
        let mut reversed = make();
        reversed.reverse();
        assert_eq!(forward, run(reversed));
        let excluded: Vec<(&str, &str)> = forward
            .excluded
            .iter()
            .map(|e| (e.input.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(excluded.len(), 2, "{excluded:?}");
        assert_eq!(excluded[0].0, "b.json");
        assert!(excluded[0].1.contains("the same report.json as a.json"));
        assert_eq!(excluded[1].0, "old.json");
        assert!(excluded[1].1.contains("assessed again in new.json"));
        // A remote makes another product of the same name.
        assert_eq!(forward.products.len(), 2);
        assert_eq!(forward.products[0].releases.len(), 2);
        assert_eq!(forward.products[1].remote.as_deref(), Some("https://x/w"));
    }

    #[test]
    fn the_newest_assessment_is_told_by_its_time_not_its_text() {
        // 10:00+02:00 is 08:00 UTC, older than 09:00Z although its text sorts after it.
        let got = run(vec![
            input(
                "late-text.json",
                "w",
                None,
                "c",
                "2026-02-01T10:00:00+02:00",
            ),
            input("newer.json", "w", None, "c", "2026-02-01T09:00:00Z"),
        ]);
        assert_eq!(got.excluded.len(), 1, "{:?}", got.excluded);
        assert_eq!(got.excluded[0].input, "late-text.json");
        assert!(
            got.excluded[0]
                .reason
                .contains("assessed again in newer.json")
        );
    }

    #[test]
    fn a_citation_matches_by_digest_then_url_then_name() {
        let mut org = input(
            "org",
            "Org",
            Some("https://git.example.com/org/sdl"),
            "c",
            "t",
        );
        org.manifest_sha256 = Some("b".repeat(64));
        let cite_with = |records: &str, name: Option<&str>, sha: Option<String>| {
            let c = crate::config::OrganisationRef {
                records: records.into(),
                name: name.map(str::to_string),
                sha256: sha,
            };
            let got = cite(&c, Some(&org));
            (got.matched, got.why)
        };
        assert!(cite_with("org/report.json", None, Some(org.sha256.clone())).0);
        assert!(cite_with("org/pkg.tar.gz", None, Some("b".repeat(64))).0);
        assert!(!cite_with("org/report.json", None, Some("c".repeat(64))).0);
        assert!(cite_with("https://git.example.com/org/sdl.git/", None, None).0);
        assert!(cite_with("HTTPS://git.example.com/org/SDL", Some("Org"), None).0);
        assert!(!cite_with("https://git.example.com/other", None, None).0);
        let (matched, why) = cite_with("https://git.example.com/org/sdl", Some("Other"), None);
        assert!(!matched && why.contains("Other"), "{why}");
        let c = crate::config::OrganisationRef {
            records: "x".into(),
            name: None,
            sha256: None,
        };
        assert!(!cite(&c, None).matched);
    }

    #[test]
    fn folder_names_are_plain_whatever_the_product_is_called() {
        assert_eq!(folder_name('p', 7, "Widget Pro"), "p0007-widget_pro");
        let hostile = folder_name('r', 12345, "../<script>\n/..\\é");
        assert!(hostile.starts_with("r12345-"));
        assert!(
            hostile
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "{hostile}"
        );
        assert!(folder_name('p', 1, &"x".repeat(500)).len() <= 46);
    }
}
