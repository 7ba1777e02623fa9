//! `report.sarif`: the findings as SARIF 2.1.0, for GitHub code scanning and other SARIF
//! viewers.
//!
//! Mapping decisions, with what GitHub's ingestion taught other tools
//! (cargo-deny#818, #820, codeql-action#1738, #2456):
//!
//! - **One run.** GitHub stopped merging several runs of one tool in one file; the whole
//!   report is a single run of the `cargo-sdl` driver. `runs[0].automationDetails.id` is
//!   `cargo-sdl/<product>/`: the trailing slash makes the whole id GitHub's *category*, so the
//!   alerts of two products analysed in one repository are kept apart and each upload replaces
//!   the previous one of the same product.
//! - **Rules** are the catalogue's rules, in catalogue order: `shortDescription` is the
//!   title, `fullDescription` the motivation, `help.text` the remediation (GitHub shows at most
//!   1024 characters of a description, so longer prose is cut with `…`),
//!   `defaultConfiguration.level` the catalogue's default level (allow → note, warn → warning,
//!   deny → error). `properties` carry the requirement ids, `tags` (`security`,
//!   `iec62443-4-1` and the requirement ids; GitHub counts `security-severity` only on rules
//!   tagged `security`) and `security-severity`, GitHub's 0–10 score as a string, from the
//!   rule's level in this run (the configured one, else the catalogue's default):
//!   `SECURITY_SEVERITY` deny → `8.0` (high), warn → `5.0` (medium), allow → `2.0` (low). A
//!   finding whose rule is not in the catalogue given (a report rendered with another
//!   catalogue) gets a minimal descriptor after the catalogue's, so every `ruleIndex` points at
//!   a descriptor.
//! - **Results** exist only for findings that did not pass. A failure takes the level of its
//!   *effective* rule level (the configuration may override the default); a rule that could
//!   not evaluate is a `note` whose message says so. A failure accepted by a waiver carries an
//!   `external`, `accepted` suppression with the waiver's reason, owner and expiry.
//! - **Every result has a location with a region**: GitHub rejects the *whole file* when one
//!   result has none. The first piece of evidence that names a file is the primary location and
//!   the others are related locations: a file (at its line when the evidence names one), an
//!   attestation, the configuration file, a repository SBOM, and for packages and advisories
//!   the lockfile they were found in. A finding with no such evidence (commits, tags, or
//!   nothing) points at `Cargo.toml` at the repository root and says `"repositoryLevel": true`
//!   in its properties. A location without a line concerns the whole file: `startLine` 1.
//!   URIs are repository-relative and percent-encoded, with `uriBaseId` `%SRCROOT%` (GitHub
//!   ignores `originalUriBaseIds`, so none is declared; the URI alone must resolve from the
//!   checkout).
//! - **Message objects, not strings**: `message`, `shortDescription` etc. are objects with
//!   `text`; SARIF reserves `{` and `}` in message strings for placeholders, so they are
//!   doubled in result messages.
//! - **Fingerprints** (`partialFingerprints."cargoSdlFinding/v2"`) are the SHA-256 of the
//!   product name and the rule id. A rule gives one finding per run, so within a product (and
//!   GitHub category) the rule identifies it: the alert stays the same alert while the finding
//!   persists, and moves with it when its evidence points elsewhere. Left out on purpose,
//!   because they change while the finding stays the same: the location (evidence is added,
//!   removed or reordered; an unknown rule pointing at `Cargo.toml` finds a file when it
//!   fails), the message (counts, commit ids, package versions, dates), the line, the level,
//!   the outcome (unknown → fail is the same alert getting worse) and any content hash. (v1
//!   also hashed the primary location's path, which reopened alerts whenever evidence moved.)
//!
//! The output is a pure function of the report and the catalogue: no clock, no random GUIDs,
//! object keys in sorted order.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sha2::Digest;

use super::one_line;
use crate::catalog::{Catalog, Level};
use crate::eval::{Finding, Outcome};
use crate::facts::EvidenceRef;
use crate::report::Report;

/// The base every result's path is relative to: the repository's top.
const SRCROOT: &str = "%SRCROOT%";

pub(crate) const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Where people learn about the tool; the crate's page is the one stable public address.
pub(crate) const INFORMATION_URI: &str = "https://crates.io/crates/cargo-sdl";
/// Findings without file evidence point here: every Rust repository has it at its root.
pub(crate) const REPOSITORY_LEVEL_URI: &str = "Cargo.toml";
pub(crate) const FINGERPRINT_KEY: &str = "cargoSdlFinding/v2";
/// GitHub's `security-severity` for a rule at each level: high, medium, low.
pub(crate) const SECURITY_SEVERITY: [(Level, &str); 3] = [
    (Level::Deny, "8.0"),
    (Level::Warn, "5.0"),
    (Level::Allow, "2.0"),
];
/// Where packages and advisories were found when the report names no lockfile.
const LOCKFILE_URI: &str = "Cargo.lock";
/// GitHub's limit for rule descriptions.
const MAX_DESCRIPTION: usize = 1024;
/// Non-file evidence listed in a result's properties; the rest is counted.
const MAX_LISTED_EVIDENCE: usize = 20;

pub fn render_sarif(report: &Report, catalog: &Catalog) -> anyhow::Result<String> {
    // The level each rule ran at in this report (the configuration may change the default).
    let effective: BTreeMap<&str, Level> = report
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.level))
        .collect();
    let mut rules: Vec<Value> = catalog
        .rules
        .iter()
        .map(|r| {
            rule_descriptor(
                &r.id,
                &r.title,
                &r.motivation,
                &r.remediation,
                r.default_level,
                effective
                    .get(r.id.as_str())
                    .copied()
                    .unwrap_or(r.default_level),
                &r.requirements,
            )
        })
        .collect();
    let mut index: BTreeMap<&str, usize> = catalog
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    // Findings are sorted by rule id, so descriptors added here come in a stable order.
    for f in &report.findings {
        if !index.contains_key(f.rule.as_str()) {
            index.insert(f.rule.as_str(), rules.len());
            rules.push(rule_descriptor(
                &f.rule,
                &f.rule,
                "a rule of another catalogue than the one this SARIF was rendered with",
                f.remediation
                    .as_deref()
                    .unwrap_or("see the rule's documentation"),
                f.level,
                f.level,
                &f.requirements,
            ));
        }
    }
    let lockfile = report
        .evidence
        .cargo
        .get()
        .ok()
        .and_then(|c| c.lockfile.as_ref())
        .map_or(LOCKFILE_URI, |l| l.path.as_str());
    let results: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| !matches!(f.outcome, Outcome::Pass | Outcome::NotApplicable))
        .map(|f| {
            result(
                f,
                index.get(f.rule.as_str()).copied().unwrap_or_default(),
                lockfile,
                &report.product.name,
            )
        })
        .collect();
    let mut log = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": report.tool.name,
                    "version": report.tool.version,
                    "semanticVersion": report.tool.version,
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            "automationDetails": { "id": automation_id(&report.product.name) },
            "results": results,
            "properties": {
                "product": report.product.name,
                "productVersion": report.product.version,
                "generatedAt": report.generated_at,
                "reportSchemaVersion": report.schema_version,
            }
        }]
    });
    if let Some(a) = &report.assessed {
        let run = &mut log["runs"][0];
        if let Some(vc) = version_control(a) {
            run["versionControlProvenance"] = json!([vc]);
        }
        let props = &mut run["properties"];
        if let Some(c) = &a.commit {
            props["assessedCommit"] = json!(c);
        }
        props["workspace"] = json!(a.workspace);
        if let Some(w) = &a.work_tree {
            props["workTreeClean"] = json!(w.clean);
        }
        props["assessmentTime"] = json!(a.time);
        props["assessmentTimeSource"] = json!(a.time_source);
    }
    super::json::pretty(&log)
}

/// SARIF's `versionControlDetails` of the assessed commit: the remote as a URI (scp-like
/// `git@host:o/r.git` becomes `ssh://git@host/o/r.git`), the full commit, the branch, and
/// `%SRCROOT%` (the repository's top, which every result's path is relative to) mapped onto it.
/// None without a commit or without a remote that is a URI (a local path is never shown).
fn version_control(a: &crate::report::Assessed) -> Option<Value> {
    let commit = a.commit.as_ref()?;
    let remote = a.remote.as_deref()?;
    let uri = if remote.contains("://") {
        remote.to_string()
    } else {
        let (user_host, path) = remote.split_once(':')?;
        if user_host.contains(['/', '\\', ' ']) || path.is_empty() || remote.starts_with('(') {
            return None;
        }
        format!("ssh://{user_host}/{}", path.trim_start_matches('/'))
    };
    let mut vc = json!({
        "repositoryUri": uri,
        "revisionId": commit,
        "mappedTo": { "uriBaseId": SRCROOT },
    });
    if let Some(b) = &a.branch {
        vc["branch"] = json!(b);
    }
    Some(vc)
}

/// `cargo-sdl/<product>/`: GitHub's category of this product's alerts.
pub(crate) fn automation_id(product: &str) -> String {
    format!("cargo-sdl/{}/", one_line(product))
}

/// GitHub's `security-severity` of a rule level.
pub(crate) fn security_severity(level: Level) -> &'static str {
    SECURITY_SEVERITY
        .iter()
        .find(|(l, _)| *l == level)
        .map_or("5.0", |(_, s)| s)
}

/// SARIF's `level` for a rule level.
pub(crate) fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Allow => "note",
        Level::Warn => "warning",
        Level::Deny => "error",
    }
}

fn rule_descriptor(
    id: &str,
    title: &str,
    motivation: &str,
    remediation: &str,
    level: Level,
    effective: Level,
    requirements: &[String],
) -> Value {
    let mut tags = vec!["security".to_string(), "iec62443-4-1".to_string()];
    for r in requirements {
        if !tags.contains(r) {
            tags.push(r.clone());
        }
    }
    json!({
        "id": id,
        "name": pascal_case(id),
        "shortDescription": { "text": truncate(&one_line(title), MAX_DESCRIPTION) },
        "fullDescription": { "text": truncate(&one_line(motivation), MAX_DESCRIPTION) },
        "help": { "text": one_line(remediation) },
        "defaultConfiguration": { "level": sarif_level(level) },
        "properties": {
            "requirements": requirements,
            "tags": tags,
            "security-severity": security_severity(effective),
        }
    })
}

fn result(f: &Finding, rule_index: usize, lockfile: &str, product: &str) -> Value {
    let (level, text) = match f.outcome {
        Outcome::Unknown => (
            "note",
            format!("could not be evaluated: {}", f.message.trim()),
        ),
        _ => (sarif_level(f.level), f.message.trim().to_string()),
    };
    let text = if text.is_empty() {
        format!("rule {} did not pass", f.rule)
    } else {
        text
    };
    let mut paths: Vec<(&str, Option<u32>)> = Vec::new();
    for (p, line) in f.evidence.iter().filter_map(|e| file_of(e, lockfile)) {
        // One location per file (the lockfile of many packages once), the first line kept.
        if !p.trim().is_empty() && !paths.iter().any(|(q, _)| *q == p) {
            paths.push((p, line));
        }
    }
    let repository_level = paths.is_empty();
    let primary = paths
        .first()
        .copied()
        .unwrap_or((REPOSITORY_LEVEL_URI, None));
    let others: Vec<Value> = paths
        .iter()
        .skip(1)
        .enumerate()
        .map(|(i, (p, line))| {
            let mut loc = location(p, *line);
            loc["id"] = json!(i + 1);
            loc
        })
        .collect();
    // Evidence that is more than a file (a package, an advisory, a commit) is named too.
    let listed: Vec<String> = f
        .evidence
        .iter()
        .filter(|e| {
            !matches!(
                e,
                EvidenceRef::File { .. } | EvidenceRef::Attestation { .. }
            )
        })
        .filter(|e| !matches!(e, EvidenceRef::Config { .. } | EvidenceRef::Sbom { .. }))
        .take(MAX_LISTED_EVIDENCE)
        .map(describe)
        .collect();
    let mut properties = json!({
        "outcome": crate::render::outcome_str(f.outcome),
        "level": f.level.to_string(),
        "requirements": f.requirements,
        "evidenceCount": f.evidence.len(),
    });
    if !listed.is_empty() {
        properties["evidence"] = json!(listed);
    }
    if repository_level {
        properties["repositoryLevel"] = json!(true);
    }
    let mut r = json!({
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": level,
        "message": { "text": escape_message(&text) },
        "locations": [location(primary.0, primary.1)],
        "partialFingerprints": {
            FINGERPRINT_KEY: fingerprint(product, &f.rule),
        },
        "properties": properties,
    });
    if !others.is_empty() {
        r["relatedLocations"] = json!(others);
    }
    if let Some(w) = &f.waived {
        r["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": format!(
                "{} (waiver owner {}, expires {})",
                one_line(&w.reason),
                one_line(&w.owner),
                w.expires
            ),
        }]);
    }
    r
}

/// The repository file an evidence reference points at, if any: packages and advisories
/// were found in the lockfile.
fn file_of<'a>(e: &'a EvidenceRef, lockfile: &'a str) -> Option<(&'a str, Option<u32>)> {
    match e {
        EvidenceRef::File { path, line, .. } => Some((path, line.filter(|l| *l >= 1))),
        EvidenceRef::Attestation { path, .. }
        | EvidenceRef::Config { path, .. }
        | EvidenceRef::Sbom { path, .. } => Some((path, None)),
        EvidenceRef::Package { .. } | EvidenceRef::Advisory { .. } => Some((lockfile, None)),
        EvidenceRef::Commit { .. } | EvidenceRef::Tag { .. } => None,
    }
}

/// A location with a region: the evidence's line, or line 1 for a whole file.
fn location(path: &str, line: Option<u32>) -> Value {
    json!({ "physicalLocation": {
        "artifactLocation": { "uri": encode_uri_path(path), "uriBaseId": SRCROOT },
        "region": { "startLine": line.filter(|l| *l >= 1).unwrap_or(1) },
    }})
}

fn describe(e: &EvidenceRef) -> String {
    match e {
        EvidenceRef::File { path, .. } => format!("file {path}"),
        EvidenceRef::Commit { id } => format!("commit {id}"),
        EvidenceRef::Tag { name, target } => format!("tag {name} -> {target}"),
        EvidenceRef::Package { name, version } => format!("package {name} {version}"),
        EvidenceRef::Advisory { id } => format!("advisory {id}"),
        EvidenceRef::Sbom { path, bom_ref } => match bom_ref {
            Some(r) => format!("sbom {path} {r}"),
            None => format!("sbom {path}"),
        },
        EvidenceRef::Attestation { path, .. } => format!("attestation {path}"),
        EvidenceRef::Config { path, key } => format!("configuration {path} {key}"),
    }
}

/// The identity of a finding across runs: its product and rule, nothing volatile.
fn fingerprint(product: &str, rule: &str) -> String {
    let mut h = sha2::Sha256::new();
    for part in [product, rule] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    crate::digest::hex(&h.finalize())
}

/// SARIF message strings use `{n}` as placeholders; literal braces are doubled (§3.11.5).
pub fn escape_message(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

/// A repository-relative path as a relative URI reference: every byte outside the RFC 3986
/// unreserved set and `/` is percent-encoded, so spaces, `#`, `?` and `%` stay part of the path.
pub(crate) fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `commits-signed` → `CommitsSigned`: SARIF's readable rule name.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(c) => c.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max - 1).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_are_percent_encoded_but_keep_slashes() {
        assert_eq!(
            encode_uri_path("docs/threat model.md"),
            "docs/threat%20model.md"
        );
        assert_eq!(encode_uri_path("a#b?c%d"), "a%23b%3Fc%25d");
        assert_eq!(encode_uri_path("ä"), "%C3%A4");
    }

    #[test]
    fn names_braces_and_truncation() {
        assert_eq!(pascal_case("commits-signed"), "CommitsSigned");
        assert_eq!(escape_message("a {0} b}"), "a {{0}} b}}");
        let long = "x".repeat(2000);
        let t = truncate(&long, MAX_DESCRIPTION);
        assert_eq!(t.chars().count(), MAX_DESCRIPTION);
        assert!(t.ends_with('…'));
        assert_eq!(truncate("short", MAX_DESCRIPTION), "short");
    }

    #[test]
    fn fingerprint_depends_on_product_and_rule_only() {
        assert_eq!(fingerprint("p", "a"), fingerprint("p", "a"));
        assert_ne!(fingerprint("p", "a"), fingerprint("p", "b"));
        assert_ne!(fingerprint("p", "a"), fingerprint("q", "a"));
        assert_ne!(
            fingerprint("pa", ""),
            fingerprint("p", "a"),
            "parts are length-prefixed"
        );
        assert_eq!(fingerprint("p", "a").len(), 64);
    }
}
