//! `oscal-assessment-results.json`: the report as an OSCAL 1.1.2 assessment-results document,
//! for GRC tools that read OSCAL (compliance-trestle, Lula, FedRAMP tooling).
//!
//! Mapping decisions (OSCAL field names and required fields as in the 1.1 assessment-results
//! model; OSCAL is an export here, never the format people author in):
//!
//! - **Controls** are the IEC 62443-4-1 requirements, with lowercase ids (`sm-1`, `svv-3`) as
//!   OSCAL control ids are conventionally written. No OSCAL catalog of 4-1 is published, so
//!   `reviewed-controls` lists them by id and says so.
//! - **import-ap** is required even without an assessment plan. It points at a back-matter
//!   resource (`#<uuid>`) that states that no separate plan exists and that the catalogue of
//!   rules and attestation requirements embedded in cargo-sdl is the plan.
//! - **Observations**: one per rule finding and one per attestation in the evidence (current
//!   or expired).
//!   - `methods`: OSCAL allows only EXAMINE, INTERVIEW, TEST and UNKNOWN, so an automated rule
//!     is `TEST` (the tool exercised the repository and compared what it found with the rule)
//!     and an attestation is `EXAMINE` (a signed record of a person's statement, examined).
//!     The prop `evidence-kind` (`automated` | `attestation`) says which plainly.
//!   - `types`: `control-objective`, an observation about a requirement's objective.
//!   - `collected` is the report's `generated_at`. `expires`: for an attestation the end of
//!     its `valid-until` day (UTC); for a rule finding `generated_at` plus the shortest review
//!     period among the rule's requirements, or [`DEFAULT_EXPIRY_DAYS`] when none has one.
//!   - `relevant-evidence`: one entry per evidence reference. Files and attestations link to
//!     `documents/<repository path>` (percent-encoded) in the evidence package, and the
//!     description gives the SHA-256; commits, tags, packages, advisories, SBOM references and
//!     configuration keys are described without a link.
//! - **Findings**: one per requirement, `target.type` `objective-id`, `target-id` the lowercase
//!   requirement id. OSCAL knows only `satisfied` and `not-satisfied`; our status goes into
//!   `status.reason` (a token OSCAL leaves open) and a prop. `satisfied` → satisfied;
//!   `not-applicable` (scoped out with an approved justification) → satisfied, with the reason
//!   saying so; `partial`, `not-satisfied`, `unknown` and `waived` → not-satisfied (fail
//!   closed: a waiver accepts a deviation, it does not satisfy the requirement).
//!   `related-observations` are the requirement's rule findings and current attestations.
//! - **UUIDs** are derived, not random: the SHA-256 of the product, its version, the report's
//!   time and the object's identity, shaped as an RFC 4122 version-5 UUID (name-based; OSCAL
//!   1.1 accepts versions 4 and 5). The same report gives the same document; another run gives
//!   other UUIDs.
//! - Our own props carry `ns` [`PROP_NS`], as OSCAL asks of names outside its own namespace.
//! - Titles and descriptions are OSCAL markup (Markdown), so text from the repository (paths,
//!   messages, statements, names) goes through [`escape_markdown`](super::escape_markdown):
//!   a commit message cannot become a link or HTML in a GRC tool's view. Prop values and
//!   hrefs are not markup and stay raw (hrefs percent-encoded).

use serde_json::{Value, json};
use sha2::Digest;
use time::Duration;

use super::sarif::encode_uri_path;
use super::{escape_markdown as esc, one_line};
use crate::catalog::Catalog;
use crate::eval::{Finding, Outcome, Status};
use crate::facts::EvidenceRef;
use crate::facts::human::{Attestation, Reference};
use crate::report::Report;
use crate::timefmt;

pub(crate) const OSCAL_VERSION: &str = "1.1.2";
/// Namespace of cargo-sdl's props (an identifier, not a fetched vocabulary).
pub(crate) const PROP_NS: &str = "https://crates.io/crates/cargo-sdl/ns/oscal";
/// How long an automated observation counts when none of its requirements has a review period.
pub const DEFAULT_EXPIRY_DAYS: u32 = 90;

pub fn render_oscal(report: &Report, catalog: &Catalog) -> anyhow::Result<String> {
    let generated = timefmt::parse(&report.generated_at).map_err(|e| {
        anyhow::anyhow!("the report's generated_at is not a time, cannot write OSCAL: {e}")
    })?;
    let stamp = timefmt::rfc3339(generated);
    let ids = Uuids {
        seed: format!(
            "{}\0{}\0{}",
            report.product.name, report.product.version, stamp
        ),
    };

    let mut observations = Vec::new();
    for f in &report.findings {
        let days = report
            .requirements
            .iter()
            .filter(|r| f.requirements.contains(&r.id))
            .filter_map(|r| r.review_period_days)
            .min()
            .unwrap_or(DEFAULT_EXPIRY_DAYS);
        let expires = generated + Duration::days(i64::from(days));
        let title = catalog
            .rule(&f.rule)
            .map(|r| esc(&one_line(&r.title)))
            .unwrap_or_else(|| f.rule.clone());
        observations.push(rule_observation(
            &ids,
            f,
            &title,
            &stamp,
            &timefmt::rfc3339(expires),
        ));
    }
    let attestations = &report.evidence.human.attestations;
    for a in attestations {
        observations.push(attestation_observation(&ids, a, &stamp)?);
    }

    let findings: Vec<Value> = report
        .requirements
        .iter()
        .map(|r| {
            let (state, why) = match r.status {
                Status::Satisfied => ("satisfied", String::new()),
                Status::NotApplicable => (
                    "satisfied",
                    "scoped out: the requirement does not apply (OSCAL has no not-applicable state); "
                        .to_string(),
                ),
                _ => ("not-satisfied", String::new()),
            };
            let mut related: Vec<Value> = r
                .findings
                .iter()
                .map(|f| json!({ "observation-uuid": ids.rule_observation(&f.rule) }))
                .collect();
            related.extend(
                r.attestations
                    .iter()
                    .map(|p| json!({ "observation-uuid": ids.attestation_observation(p) })),
            );
            let mut finding = json!({
                "uuid": ids.of(&["finding", &r.id]),
                "title": format!("{} {}", r.id, esc(&one_line(&r.title))),
                "description": format!("{}{}", why, esc(&one_line(&r.reason))),
                "props": [
                    prop("requirement-status", r.status.as_str()),
                    prop("practice", &r.practice),
                ],
                "target": {
                    "type": "objective-id",
                    "target-id": control_id(&r.id),
                    "status": { "state": state, "reason": r.status.as_str() },
                },
            });
            if !related.is_empty() {
                finding["related-observations"] = json!(related);
            }
            finding
        })
        .collect();

    let plan_uuid = ids.of(&["assessment-plan-placeholder"]);
    let product = esc(&format!(
        "{} {}",
        report.product.name, report.product.version
    ));
    let mut result = json!({
        "uuid": ids.of(&["result"]),
        "title": format!("IEC 62443-4-1 self-assessment of {product}"),
        "description": format!(
            "{} {} evaluated {} requirements with {} automated rules and {} attestations. \
             Statuses are a self-assessment indicator, not an auditor's verdict.",
            report.tool.name,
            report.tool.version,
            report.requirements.len(),
            report.findings.len(),
            attestations.len()
        ),
        "start": stamp,
        "end": stamp,
        "reviewed-controls": {
            "description": "The IEC 62443-4-1 requirements, by lowercase requirement id (no OSCAL catalog of the standard is published).",
            "control-selections": [{
                "include-controls": report
                    .requirements
                    .iter()
                    .map(|r| json!({ "control-id": control_id(&r.id) }))
                    .collect::<Vec<_>>(),
            }],
        },
        "findings": findings,
    });
    if !observations.is_empty() {
        result["observations"] = json!(observations);
    }
    // Every departure from the catalogue's defaults, as the assessor must see it.
    let tailored = super::tailoring_lines(report);
    result["props"] = json!(
        tailored
            .iter()
            .map(|line| prop("tailoring", line))
            .collect::<Vec<_>>()
    );
    result["remarks"] = json!(if tailored.is_empty() {
        "Tailoring: none (every rule at its default level and parameters, no waiver, nothing scoped out).".to_string()
    } else {
        format!(
            "Tailoring (departures from the catalogue's defaults): {}",
            tailored
                .iter()
                .map(|l| esc(l))
                .collect::<Vec<_>>()
                .join("; ")
        )
    });
    if tailored.is_empty() {
        result.as_object_mut().map(|o| o.remove("props"));
    }
    let doc = json!({
        "assessment-results": {
            "uuid": ids.of(&["assessment-results"]),
            "metadata": {
                "title": format!("IEC 62443-4-1 assessment results: {product}"),
                "last-modified": stamp,
                "version": report.product.version,
                "oscal-version": OSCAL_VERSION,
                "props": [
                    prop("generator", &format!("{} {}", report.tool.name, report.tool.version)),
                    prop("standard", &format!("{} {}", report.catalogue.standard, report.catalogue.edition)),
                    prop("catalogue-version", &report.catalogue.version),
                    prop("catalogue-sha256", &report.catalogue.sha256),
                ],
            },
            "import-ap": {
                "href": format!("#{plan_uuid}"),
                "remarks": "No separate assessment plan: the plan is cargo-sdl's catalogue of rules and attestation requirements (cargo sdl rules).",
            },
            "results": [result],
            "back-matter": {
                "resources": [{
                    "uuid": plan_uuid,
                    "title": "Assessment plan (placeholder)",
                    "description": "OSCAL requires an assessment plan reference. cargo-sdl assesses against its own catalogue, which `cargo sdl rules --format json` prints; no OSCAL assessment-plan document exists.",
                }],
            },
        }
    });
    super::json::pretty(&doc)
}

/// `SM-1` → `sm-1`.
pub(crate) fn control_id(requirement: &str) -> String {
    requirement.to_ascii_lowercase()
}

/// A name-based UUID (version-5 layout) from the SHA-256 of `parts`, each length-prefixed so
/// that no two different lists share an input.
pub(crate) fn stable_uuid(parts: &[&str]) -> String {
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    crate::digest::uuid_from_digest(&h.finalize(), 0x50)
}

/// UUIDs of one document: every one is seeded with the product and the report's time.
struct Uuids {
    seed: String,
}

impl Uuids {
    fn of(&self, parts: &[&str]) -> String {
        let mut all = vec!["cargo-sdl/oscal", self.seed.as_str()];
        all.extend_from_slice(parts);
        stable_uuid(&all)
    }

    fn rule_observation(&self, rule: &str) -> String {
        self.of(&["observation", "rule", rule])
    }

    fn attestation_observation(&self, path: &str) -> String {
        self.of(&["observation", "attestation", path])
    }
}

fn prop(name: &str, value: &str) -> Value {
    // OSCAL props need a non-empty value.
    let value = if value.trim().is_empty() {
        "none"
    } else {
        value
    };
    json!({ "name": name, "ns": PROP_NS, "value": value })
}

fn rule_observation(
    ids: &Uuids,
    f: &Finding,
    title: &str,
    collected: &str,
    expires: &str,
) -> Value {
    let verdict = match f.outcome {
        Outcome::Pass => "passed",
        Outcome::Fail if f.waived.is_some() => "failed (accepted by a waiver)",
        Outcome::Fail => "failed",
        Outcome::Unknown => "could not evaluate",
        Outcome::NotApplicable => "had nothing to judge",
    };
    let mut description = format!(
        "Rule {} {}: {}",
        f.rule,
        verdict,
        esc(&one_line(&f.message))
    );
    if let Some(w) = &f.waived {
        description.push_str(&format!(
            ". Waiver: {} (owner {}, expires {})",
            esc(&one_line(&w.reason)),
            esc(&one_line(&w.owner)),
            esc(&w.expires)
        ));
    }
    let mut o = json!({
        "uuid": ids.rule_observation(&f.rule),
        "title": title,
        "description": description,
        "props": [
            prop("evidence-kind", "automated"),
            prop("rule", &f.rule),
            prop("outcome", crate::render::outcome_str(f.outcome)),
            prop("level", &f.level.to_string()),
        ],
        "methods": ["TEST"],
        "types": ["control-objective"],
        "collected": collected,
        "expires": expires,
    });
    let evidence: Vec<Value> = f.evidence.iter().map(relevant_evidence).collect();
    if !evidence.is_empty() {
        o["relevant-evidence"] = json!(evidence);
    }
    o
}

fn attestation_observation(ids: &Uuids, a: &Attestation, collected: &str) -> anyhow::Result<Value> {
    let last_day = timefmt::parse(&a.valid_until).map_err(|e| {
        anyhow::anyhow!(
            "attestation {}: valid-until is not a date, cannot write OSCAL: {e}",
            a.file.path
        )
    })?;
    // Valid through its last day: it expires at the end of that day.
    let expires = last_day + Duration::days(1) - Duration::seconds(1);
    let mut evidence = vec![json!({
        "href": format!("documents/{}", encode_uri_path(&a.file.path)),
        "description": format!("attestation {} (sha256 {})", esc(&a.file.path), esc(&a.file.sha256)),
    })];
    match (&a.commit, &a.uncommitted) {
        (Some(c), _) => evidence.push(json!({
            "description": format!(
                "committed in {} by {} at {}, {}",
                esc(&c.id),
                esc(&one_line(&c.author)),
                esc(&c.date),
                c.signature
                    .as_deref()
                    .map(|s| format!("{} signature (not verified here)", esc(s)))
                    .unwrap_or_else(|| "unsigned".to_string())
            ),
        })),
        (None, Some(why)) => evidence.push(json!({
            "description": format!("no git record: {}", esc(&one_line(why))),
        })),
        (None, None) => {}
    }
    for r in &a.references {
        evidence.push(match r {
            Reference::File { path, sha256 } => json!({
                "href": format!("documents/{}", encode_uri_path(path)),
                "description": format!("referenced file {} (sha256 {})", esc(path), esc(sha256)),
            }),
            Reference::Commit { id, .. } => {
                json!({ "description": format!("referenced commit {}", esc(id)) })
            }
            Reference::Url { url } => {
                json!({ "description": format!("referenced URL {}", esc(url)) })
            }
            Reference::Ticket { id } => {
                json!({ "description": format!("referenced ticket {}", esc(id)) })
            }
        });
    }
    Ok(json!({
        "uuid": ids.attestation_observation(&a.file.path),
        "title": format!("Attestation {}", esc(&a.file.path)),
        "description": format!(
            "{} Stated by {} ({}), approved by {} ({}) on {}, for {}.",
            esc(&one_line(&a.statement)),
            esc(&one_line(&a.owner)),
            esc(&a.owner_role),
            esc(&one_line(&a.approver)),
            esc(&a.approver_role),
            esc(&a.date),
            esc(&a.requirements.join(", "))
        ),
        "props": [prop("evidence-kind", "attestation")],
        "methods": ["EXAMINE"],
        "types": ["control-objective"],
        "collected": collected,
        "expires": timefmt::rfc3339(expires),
        "relevant-evidence": evidence,
    }))
}

fn relevant_evidence(e: &EvidenceRef) -> Value {
    let described = |text: String| json!({ "description": text });
    match e {
        EvidenceRef::File { path, sha256, line } => json!({
            "href": format!("documents/{}", encode_uri_path(path)),
            "description": match line {
                Some(l) => format!("file {} line {l} (sha256 {})", esc(path), esc(sha256)),
                None => format!("file {} (sha256 {})", esc(path), esc(sha256)),
            },
        }),
        EvidenceRef::Attestation { path, sha256 } => json!({
            "href": format!("documents/{}", encode_uri_path(path)),
            "description": format!("attestation {} (sha256 {})", esc(path), esc(sha256)),
        }),
        EvidenceRef::Commit { id } => described(format!("commit {}", esc(id))),
        EvidenceRef::Tag { name, target } => {
            described(format!("tag {} at commit {}", esc(name), esc(target)))
        }
        EvidenceRef::Package { name, version } => {
            described(format!("package {} {}", esc(name), esc(version)))
        }
        EvidenceRef::Advisory { id } => described(format!("advisory {}", esc(id))),
        EvidenceRef::Sbom { path, bom_ref } => described(match bom_ref {
            Some(r) => format!("SBOM {}, component {}", esc(path), esc(r)),
            None => format!("SBOM {}", esc(path)),
        }),
        EvidenceRef::Config { path, key } => {
            described(format!("configuration {}, key {}", esc(path), esc(key)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_uuids_have_the_version_5_layout() {
        let re = regex::Regex::new(
            r"^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
        )
        .unwrap();
        let a = stable_uuid(&["x", "y"]);
        assert!(re.is_match(&a), "{a}");
        assert_eq!(a, stable_uuid(&["x", "y"]));
        assert_ne!(a, stable_uuid(&["xy"]), "parts are length-prefixed");
        assert_ne!(a, stable_uuid(&["x", "z"]));
    }

    #[test]
    fn control_ids_are_lowercase() {
        assert_eq!(control_id("SVV-3"), "svv-3");
    }
}
