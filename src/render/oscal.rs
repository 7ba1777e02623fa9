//! `oscal-assessment-results.json`: the report as an OSCAL 1.1.2 assessment-results document,
//! for GRC tools that read OSCAL (compliance-trestle, Lula, FedRAMP tooling).
//!
//! Mapping decisions (OSCAL field names, types and required fields as in the 1.1.2
//! assessment-results model; OSCAL is an export here, never the format people author in):
//!
//! - **Controls** are the IEC 62443-4-1 requirements, with lowercase ids (`sm-1`, `svv-3`) as
//!   OSCAL control ids are conventionally written. No OSCAL catalog of 4-1 is published, so
//!   `reviewed-controls` lists them by id and says so.
//! - **import-ap** is required even without an assessment plan. It points at a back-matter
//!   resource (`#<uuid>`, prop `type` = `plan`) whose `rlinks` entry is `report.json` beside
//!   this file in the evidence package (`application/json`, with its SHA-256): the report
//!   carries what the plan was, the catalogue's identity and hash, each requirement with its
//!   rules and the tailoring. OSCAL lets the href of a back-matter resource be a reference
//!   relative to this document, and compliance-trestle resolves a `#uuid` import through the
//!   resource's first `rlinks` href ending in `.json`; a resource with neither `rlinks` nor
//!   `base64` resolves to nothing. The catalogue itself is not embedded as `base64`: 150 KB of
//!   opaque text in every file, when the package already holds its identity.
//! - **Parties**: every attester (an attestation's owner) and approver is a `metadata.parties`
//!   entry (`type` person, `name`), whose UUID comes from the name alone, so it is the same in
//!   every run; `metadata.roles` defines `attester` and `approver`. An attestation's
//!   observation names both in `origins` (`actors` of type `party` with `actor-uuid`,
//!   `role-id`, and their SDL role as the prop `sdl-role`).
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
//!   `related-observations` are the requirement's rule findings and its attestations, current
//!   and expired (an expired one is there to be seen, with its past `expires`; it counts as
//!   absent, and `remarks` says so). A finding with no observation says why in `remarks`.
//! - **UUIDs** are derived, not random: the SHA-256 of the product, its version, the report's
//!   time and the object's identity, shaped as an RFC 4122 version-5 UUID (name-based; OSCAL
//!   1.1 accepts versions 4 and 5). The same report gives the same document; another run gives
//!   other UUIDs (parties excepted, see above).
//! - Our own props carry `ns` `PROP_NS`, as OSCAL asks of names outside its own namespace.
//! - **Text by OSCAL type.** `title` is `markup-line`, `description` and `remarks` are
//!   `markup-multiline`: Markdown, so text from the repository (paths, messages, statements,
//!   names) goes through `markup`, which escapes exactly what would become markup (emphasis,
//!   code, links, images, HTML, entities, OSCAL's `{{ insert }}`, sub- and superscript, a block
//!   marker at the start) and folds line breaks, so that a commit message cannot become a link
//!   or HTML in a GRC tool's view, while `cargo-sdl 0.1.0` stays `cargo-sdl 0.1.0`. Everything
//!   else is a plain OSCAL `string` or `token` and is never escaped: prop `name` and `value`
//!   (one line, as the `string` type requires), party `name`, `uuid`s, `control-id`,
//!   `target-id`, `state`, `reason`, `methods`, `types`, `role-id`, `version`. `href`s are
//!   `uri-reference`s, percent-encoded.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use sha2::Digest;
use time::Duration;

use super::one_line;
use super::sarif::encode_uri_path;
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
/// What the plan resource links to: the report beside this file in the evidence package.
pub(crate) const PLAN_HREF: &str = "report.json";
/// Why a requirement has no observation.
pub const NO_OBSERVATION: &str =
    "No observation: no rule maps to this requirement and no attestation covers it.";

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
    let mut observed_rules = BTreeSet::new();
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
            .map(|r| markup(&one_line(&r.title)))
            .unwrap_or_else(|| markup(&f.rule));
        observations.push(rule_observation(
            &ids,
            f,
            &title,
            &stamp,
            &timefmt::rfc3339(expires),
        ));
        observed_rules.insert(f.rule.as_str());
    }
    let attestations = &report.evidence.human.attestations;
    let parties = Parties::of(attestations);
    let mut observed_attestations = BTreeSet::new();
    for a in attestations {
        observations.push(attestation_observation(&ids, &parties, a, &stamp)?);
        observed_attestations.insert(a.file.path.as_str());
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
                .filter(|f| observed_rules.contains(f.rule.as_str()))
                .map(|f| json!({ "observation-uuid": ids.rule_observation(&f.rule) }))
                .collect();
            related.extend(
                r.attestations
                    .iter()
                    .chain(&r.expired_attestations)
                    .filter(|p| observed_attestations.contains(p.as_str()))
                    .map(|p| json!({ "observation-uuid": ids.attestation_observation(p) })),
            );
            let mut finding = json!({
                "uuid": ids.of(&["finding", &r.id]),
                "title": block(format!("{} {}", markup(&r.id), markup(&one_line(&r.title)))),
                "description": block(format!("{}{}", why, markup(&one_line(&r.reason)))),
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
            let mut remarks = Vec::new();
            if related.is_empty() {
                remarks.push(NO_OBSERVATION.to_string());
            } else {
                finding["related-observations"] = json!(related);
            }
            if !r.expired_attestations.is_empty() {
                remarks.push(format!(
                    "Expired attestations count as absent: {}.",
                    r.expired_attestations
                        .iter()
                        .map(|p| markup(p))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if !remarks.is_empty() {
                finding["remarks"] = json!(remarks.join(" "));
            }
            finding
        })
        .collect();

    let plan_uuid = ids.of(&["assessment-plan"]);
    let product = markup(&format!(
        "{} {}",
        one_line(&report.product.name),
        one_line(&report.product.version)
    ));
    let mut result = json!({
        "uuid": ids.of(&["result"]),
        "title": format!("IEC 62443-4-1 self-assessment of {product}"),
        "description": format!(
            "{} {} evaluated {} requirements with {} automated rules and {} attestations. \
             Statuses are a self-assessment indicator, not an auditor's verdict.",
            markup(&report.tool.name),
            markup(&report.tool.version),
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
    if !tailored.is_empty() {
        result["props"] = json!(
            tailored
                .iter()
                .map(|line| prop("tailoring", line))
                .collect::<Vec<_>>()
        );
    }
    result["remarks"] = json!(if tailored.is_empty() {
        "Tailoring: none (every rule at its default level and parameters, no waiver, nothing scoped out).".to_string()
    } else {
        format!(
            "Tailoring (departures from the catalogue's defaults): {}",
            tailored
                .iter()
                .map(|l| markup(l))
                .collect::<Vec<_>>()
                .join("; ")
        )
    });
    let report_json = super::json::render(report)?;
    let mut metadata = json!({
        "title": format!("IEC 62443-4-1 assessment results: {product}"),
        "last-modified": stamp,
        "version": plain(&report.product.version),
        "oscal-version": OSCAL_VERSION,
        "props": [
            prop("generator", &format!("{} {}", report.tool.name, report.tool.version)),
            prop("standard", &format!("{} {}", report.catalogue.standard, report.catalogue.edition)),
            prop("catalogue-version", &report.catalogue.version),
            prop("catalogue-sha256", &report.catalogue.sha256),
        ],
    });
    if let Some(a) = &report.assessed {
        let props = metadata["props"].as_array_mut().expect("props is an array");
        props.extend(assessed_props(a));
    }
    if !parties.is_empty() {
        metadata["roles"] = json!([
            { "id": ROLE_ATTESTER, "title": "Attester: states an attestation" },
            { "id": ROLE_APPROVER, "title": "Approver: approves an attestation" },
        ]);
        metadata["parties"] = json!(parties.json());
    }
    let doc = json!({
        "assessment-results": {
            "uuid": ids.of(&["assessment-results"]),
            "metadata": metadata,
            "import-ap": {
                "href": format!("#{plan_uuid}"),
                "remarks": "No OSCAL assessment plan exists: the plan is cargo-sdl's catalogue of rules and attestation requirements (`cargo sdl rules`), with the tailoring of this run; the back-matter resource links the report that records both.",
            },
            "results": [result],
            "back-matter": {
                "resources": [{
                    "uuid": plan_uuid,
                    "title": "Assessment plan: the cargo-sdl catalogue and its tailoring, as recorded in the report",
                    "description": "OSCAL requires an assessment plan reference. cargo-sdl assesses against its own catalogue (`cargo sdl rules --format json` prints it); `report.json` beside this file records the catalogue's identity and hash, every requirement with its rules, and the tailoring. It is not an OSCAL assessment-plan document.",
                    "props": [{ "name": "type", "value": "plan" }],
                    "rlinks": [{
                        "href": PLAN_HREF,
                        "media-type": "application/json",
                        "hashes": [{
                            "algorithm": "SHA-256",
                            "value": crate::digest::sha256_hex(report_json.as_bytes()),
                        }],
                    }],
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

/// Text from the repository made inert as OSCAL markup (`markup-line`, `markup-multiline`):
/// what CommonMark or OSCAL's extensions would act on is escaped, nothing else, and line breaks
/// fold to spaces so that no new block can start. Backslash-escaped: `\` `` ` `` `*` `[` `]`
/// `~` (subscript) `^` (superscript) `{` (`{{ insert }}`), `_` unless inside a word (where it
/// cannot emphasise), `(` after `]`; `<` becomes `&lt;` (HTML and autolinks), `&` that could
/// start an entity `&amp;`. A block marker at the start of a field is the job of [`block`].
pub(crate) fn markup(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            '<' => out.push_str("&lt;"),
            '&' if starts_entity(&chars[i + 1..]) => out.push_str("&amp;"),
            '\\' | '`' | '*' | '[' | ']' | '~' | '^' | '{' => {
                out.push('\\');
                out.push(c);
            }
            '_' if !(word(prev) && word(next)) => out.push_str("\\_"),
            '(' if prev == Some(']') => out.push_str("\\("),
            c => out.push(c),
        }
    }
    out
}

/// `&name;` or `&#…;` follows: an entity reference a Markdown renderer would decode.
fn starts_entity(rest: &[char]) -> bool {
    let body: Vec<char> = rest
        .iter()
        .copied()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '#')
        .take(32)
        .collect();
    !body.is_empty() && rest.get(body.len()) == Some(&';')
}

/// A whole markup field: a leading block marker (`#` heading, `>` quote, `-` `+` list or
/// rule, `1. ` `1) ` ordered list) is escaped, and leading space (indented code) dropped.
/// (`*`, `` ` `` and `~` are escaped wherever they are.)
pub(crate) fn block(text: String) -> String {
    let trimmed = text.trim_start();
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    let mut after_digits = trimmed[digits..].chars();
    let ordered = (1..=9).contains(&digits)
        && matches!(after_digits.next(), Some('.' | ')'))
        && after_digits.next().is_none_or(char::is_whitespace);
    if trimmed.starts_with(['#', '>', '-', '+']) {
        format!("\\{trimmed}")
    } else if ordered {
        format!("{}\\{}", &trimmed[..digits], &trimmed[digits..])
    } else {
        trimmed.to_string()
    }
}

/// A plain OSCAL `string`: one line, no surrounding whitespace, never empty.
fn plain(value: &str) -> String {
    let line = one_line(value);
    if line.is_empty() {
        "none".to_string()
    } else {
        line
    }
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

const ROLE_ATTESTER: &str = "attester";
const ROLE_APPROVER: &str = "approver";

/// The people who state and approve attestations, by name.
struct Parties {
    by_name: BTreeMap<String, String>,
}

impl Parties {
    fn of(attestations: &[Attestation]) -> Parties {
        let by_name = attestations
            .iter()
            .flat_map(|a| [&a.owner, &a.approver])
            .map(|n| one_line(n))
            .filter(|n| !n.is_empty())
            .map(|n| {
                let uuid = party_uuid(&n);
                (n, uuid)
            })
            .collect();
        Parties { by_name }
    }

    fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    fn uuid(&self, name: &str) -> Option<&String> {
        self.by_name.get(&one_line(name))
    }

    fn json(&self) -> Vec<Value> {
        self.by_name
            .iter()
            .map(|(name, uuid)| json!({ "uuid": uuid, "type": "person", "name": name }))
            .collect()
    }
}

/// A person's party UUID: from the name alone, the same in every run and document.
pub(crate) fn party_uuid(name: &str) -> String {
    stable_uuid(&["cargo-sdl/oscal/party", &one_line(name)])
}

/// What exactly was assessed, as metadata props: the full commit, branch or detached state,
/// the tags at it, the remote, the workspace's folder in the repository (every path is
/// relative to the repository's top), whether the work tree matched the commit, and the clock.
fn assessed_props(a: &crate::report::Assessed) -> Vec<Value> {
    let mut props = Vec::new();
    if let Some(c) = &a.commit {
        props.push(prop("assessed-commit", c));
    }
    match (&a.branch, a.detached) {
        (Some(b), _) => props.push(prop("assessed-branch", b)),
        (None, true) => props.push(prop("assessed-branch", "(detached HEAD)")),
        _ => {}
    }
    for t in &a.tags {
        props.push(prop("assessed-tag", t));
    }
    if let Some(r) = &a.remote {
        props.push(prop("repository-remote", r));
    }
    props.push(prop("workspace-in-repository", &a.workspace));
    if let Some(w) = &a.work_tree {
        let state = if w.clean {
            "clean: matches the commit".to_string()
        } else {
            format!(
                "differs from the commit: {} modified, {} missing tracked files",
                w.modified_count, w.missing_count
            )
        };
        props.push(prop("work-tree", &state));
    }
    props.push(prop(
        "assessment-time",
        &format!("{} (from {})", a.time, a.time_source),
    ));
    if a.dated_after_count > 0 {
        props.push(prop(
            "evidence-dated-after-assessment-time",
            &a.dated_after_count.to_string(),
        ));
    }
    props
}

fn prop(name: &str, value: &str) -> Value {
    // OSCAL props need a non-empty one-line value.
    json!({ "name": name, "ns": PROP_NS, "value": plain(value) })
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
        markup(&f.rule),
        verdict,
        markup(&one_line(&f.message))
    );
    if let Some(w) = &f.waived {
        description.push_str(&format!(
            ". Waiver: {} (owner {}, expires {})",
            markup(&one_line(&w.reason)),
            markup(&one_line(&w.owner)),
            markup(&w.expires)
        ));
    }
    let mut o = json!({
        "uuid": ids.rule_observation(&f.rule),
        "title": block(title.to_string()),
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

fn attestation_observation(
    ids: &Uuids,
    parties: &Parties,
    a: &Attestation,
    collected: &str,
) -> anyhow::Result<Value> {
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
        "description": format!("attestation {} (sha256 {})", markup(&a.file.path), markup(&a.file.sha256)),
    })];
    match (&a.commit, &a.uncommitted) {
        (Some(c), _) => evidence.push(json!({
            "description": format!(
                "committed in {} by {} at {}, {}",
                markup(&c.id),
                markup(&one_line(&c.author)),
                markup(&c.date),
                c.signature
                    .as_deref()
                    .map(|s| format!("{} signature (not verified here)", markup(s)))
                    .unwrap_or_else(|| "unsigned".to_string())
            ),
        })),
        (None, Some(why)) => evidence.push(json!({
            "description": format!("no git record: {}", markup(&one_line(why))),
        })),
        (None, None) => {}
    }
    for r in &a.references {
        evidence.push(match r {
            Reference::File { path, sha256 } => json!({
                "href": format!("documents/{}", encode_uri_path(path)),
                "description": format!("referenced file {} (sha256 {})", markup(path), markup(sha256)),
            }),
            Reference::Commit { id, .. } => {
                json!({ "description": format!("referenced commit {}", markup(id)) })
            }
            Reference::Url { url } => {
                json!({ "description": format!("referenced URL {}", markup(url)) })
            }
            Reference::Ticket { id } => {
                json!({ "description": format!("referenced ticket {}", markup(id)) })
            }
        });
    }
    let mut o = json!({
        "uuid": ids.attestation_observation(&a.file.path),
        "title": format!("Attestation {}", markup(&a.file.path)),
        "description": block(format!(
            "{} Stated by {} ({}), approved by {} ({}) on {}, for {}.",
            markup(&one_line(&a.statement)),
            markup(&one_line(&a.owner)),
            markup(&a.owner_role),
            markup(&one_line(&a.approver)),
            markup(&a.approver_role),
            markup(&a.date),
            markup(&a.requirements.join(", "))
        )),
        "props": [prop("evidence-kind", "attestation")],
        "methods": ["EXAMINE"],
        "types": ["control-objective"],
        "collected": collected,
        "expires": timefmt::rfc3339(expires),
        "relevant-evidence": evidence,
    });
    let actors: Vec<Value> = [
        (&a.owner, ROLE_ATTESTER, &a.owner_role),
        (&a.approver, ROLE_APPROVER, &a.approver_role),
    ]
    .into_iter()
    .filter_map(|(name, role, sdl_role)| {
        parties.uuid(name).map(|uuid| {
            json!({
                "type": "party",
                "actor-uuid": uuid,
                "role-id": role,
                "props": [prop("sdl-role", sdl_role)],
            })
        })
    })
    .collect();
    if !actors.is_empty() {
        o["origins"] = json!([{ "actors": actors }]);
    }
    Ok(o)
}

fn relevant_evidence(e: &EvidenceRef) -> Value {
    let described = |text: String| json!({ "description": text });
    match e {
        EvidenceRef::File { path, sha256, line } => json!({
            "href": format!("documents/{}", encode_uri_path(path)),
            "description": match line {
                Some(l) => format!("file {} line {l} (sha256 {})", markup(path), markup(sha256)),
                None => format!("file {} (sha256 {})", markup(path), markup(sha256)),
            },
        }),
        EvidenceRef::Attestation { path, sha256 } => json!({
            "href": format!("documents/{}", encode_uri_path(path)),
            "description": format!("attestation {} (sha256 {})", markup(path), markup(sha256)),
        }),
        EvidenceRef::Commit { id } => described(format!("commit {}", markup(id))),
        EvidenceRef::Tag { name, target } => {
            described(format!("tag {} at commit {}", markup(name), markup(target)))
        }
        EvidenceRef::Package { name, version } => {
            described(format!("package {} {}", markup(name), markup(version)))
        }
        EvidenceRef::Advisory { id } => described(format!("advisory {}", markup(id))),
        EvidenceRef::Sbom { path, bom_ref } => described(match bom_ref {
            Some(r) => format!("SBOM {}, component {}", markup(path), markup(r)),
            None => format!("SBOM {}", markup(path)),
        }),
        EvidenceRef::Config { path, key } => described(format!(
            "configuration {}, key {}",
            markup(path),
            markup(key)
        )),
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

    /// Plain prose stays as written; whatever a Markdown renderer or OSCAL's converter would
    /// turn into markup is escaped.
    #[test]
    fn markup_escapes_what_would_become_markup_and_nothing_else() {
        for (text, want) in [
            // Plain text: `.`, `-`, `_` inside words, `#` and digits mid-line need nothing.
            ("cargo-sdl 0.1.0", "cargo-sdl 0.1.0"),
            (
                "snake_case_name in src/main.rs",
                "snake_case_name in src/main.rs",
            ),
            (
                "issue #12 (fixed), 3 of 4: ok!",
                "issue #12 (fixed), 3 of 4: ok!",
            ),
            (
                "R&D \"quoted\" 'x' a+b=c | d",
                "R&D \"quoted\" 'x' a+b=c | d",
            ),
            // Inline markup.
            (
                "*em* **strong** `code`",
                "\\*em\\* \\*\\*strong\\*\\* \\`code\\`",
            ),
            ("_em_ __init__", "\\_em\\_ \\_\\_init\\_\\_"),
            ("[x](javascript:alert(1))", "\\[x\\]\\(javascript:alert(1))"),
            ("![i](http://e/x.png)", "!\\[i\\]\\(http://e/x.png)"),
            ("<script>x</script>", "&lt;script>x&lt;/script>"),
            ("<https://example.org>", "&lt;https://example.org>"),
            ("&amp; &#60; &lt;", "&amp;amp; &amp;#60; &amp;lt;"),
            ("~sub~ ^sup^", "\\~sub\\~ \\^sup\\^"),
            ("{{ insert: param, x }}", "\\{\\{ insert: param, x }}"),
            ("back\\slash\\", "back\\\\slash\\\\"),
            // Line breaks cannot start a block; control characters go.
            ("a\n# b\r\n- c\td\u{7}", "a # b  - c d"),
        ] {
            assert_eq!(markup(text), want, "{text:?}");
        }
    }

    #[test]
    fn a_field_cannot_open_with_a_block() {
        for (text, want) in [
            ("# heading", "\\# heading"),
            ("> quote", "\\> quote"),
            ("- item", "\\- item"),
            ("+ item", "\\+ item"),
            ("--- rule", "\\--- rule"),
            ("12. item", "12\\. item"),
            ("3) item", "3\\) item"),
            ("    code", "code"),
            ("2026-01-10 is a date", "2026-01-10 is a date"),
            ("1.0.0 released", "1.0.0 released"),
            ("7.", "7\\."),
            ("Rule x passed", "Rule x passed"),
        ] {
            assert_eq!(block(text.to_string()), want, "{text:?}");
        }
    }

    #[test]
    fn party_uuids_depend_on_the_name_only() {
        assert_eq!(party_uuid("Ada Lovelace"), party_uuid(" Ada\nLovelace "));
        assert_ne!(party_uuid("Ada Lovelace"), party_uuid("Grace Hopper"));
    }

    #[test]
    fn control_ids_are_lowercase() {
        assert_eq!(control_id("SVV-3"), "svv-3");
    }
}
