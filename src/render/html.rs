//! `index.html` of the evidence package: the report as one self-contained page an auditor reads
//! in order (product and scope, maturity per practice, status per requirement with the evidence
//! that decided it, waivers, the evidence itself).
//!
//! Everything that came from the repository is untrusted text. The template is rendered by tera
//! with autoescape on and never marks repository text safe; the only `safe` values are the two
//! charts, which are built here from numbers, with every text inside them escaped by
//! [`escape_xml`]. Links point into the package with relative hrefs built by
//! [`document_href`] and [`commit_anchor`], never from raw repository text, so no value can
//! become a scheme, an absolute path or a way out of the package.
//!
//! The page has no script, no external asset and no clock: the same report renders to the same
//! bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use anyhow::Context as _;
use serde::Serialize;

use crate::eval::{Finding, Outcome, Status, WaiverState};
use crate::facts::human::{Attestation, Reference};
use crate::facts::{Collected, EvidenceRef};
use crate::report::{PracticeReport, Report, RequirementReport};

const TEMPLATE_NAME: &str = "report.html";
const TEMPLATE: &str = include_str!("../../templates/report.html");

/// The package folder that holds copies of every cited document and attestation, under their
/// repository-relative paths.
pub const DOCUMENTS_DIR: &str = "documents";

/// The other files of the evidence package the page links to (issue 6), with what they hold.
const PACKAGE_FILES: &[(&str, &str)] = &[
    (
        "report.json",
        "the report in its serde form (schema_version)",
    ),
    ("report.md", "the report as Markdown"),
    (
        "crosswalk.csv",
        "each requirement with its status, NIST SSDF and EU CRA ids",
    ),
    ("sbom.cdx.json", "CycloneDX SBOM of the workspace"),
    (
        "advisories.json",
        "RustSec advisories with the database's date and source",
    ),
    ("git-evidence.json", "per-release git records"),
    ("report.sarif", "findings as SARIF 2.1.0"),
    ("oscal-assessment-results.json", "OSCAL assessment results"),
    ("MANIFEST.sha256", "sha256sum manifest of every other file"),
];

/// Statuses in the order the page shows them, with their labels.
const STATUSES: [(Status, &str); 6] = [
    (Status::Satisfied, "satisfied"),
    (Status::Partial, "partial"),
    (Status::NotSatisfied, "not satisfied"),
    (Status::Unknown, "unknown"),
    (Status::Waived, "waived"),
    (Status::NotApplicable, "not applicable"),
];

/// Render the report as `index.html`.
pub fn render_html(report: &Report) -> anyhow::Result<String> {
    // Autoescaping keeps repository text from becoming markup; `sanitize::document` keeps its
    // control characters from reaching the file raw.
    Ok(crate::sanitize::document(&render_view(&View::new(
        report,
    )?)?))
}

fn render_view(view: &View) -> anyhow::Result<String> {
    let mut tera = tera::Tera::new();
    tera.add_raw_templates([(TEMPLATE_NAME, TEMPLATE)])
        .context("the embedded HTML template does not parse")?;
    let mut ctx = tera::Context::new();
    ctx.insert("r", view);
    tera.render(TEMPLATE_NAME, &ctx)
        .context("rendering the HTML report")
}

/// The relative href of a repository file's copy in the package: `documents/<path>`, each
/// segment percent-encoded. `None` when the path is not a plain relative path (absolute, empty
/// segments, `.` or `..`, backslashes): such a path is shown as text, never linked.
pub fn document_href(path: &str) -> Option<String> {
    if path.is_empty() || path.starts_with('/') || path.contains('\\') {
        return None;
    }
    let mut href = String::from(DOCUMENTS_DIR);
    for segment in path.split('/') {
        if segment.is_empty() || segment == "." || segment == ".." {
            return None;
        }
        href.push('/');
        // A segment such as `a..b` is harmless, but keeping `..` out of every href makes the
        // property easy to check.
        let encode_dots = segment.contains("..");
        for b in segment.bytes() {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'~' {
                href.push(char::from(b));
            } else if b == b'.' && !encode_dots {
                href.push('.');
            } else {
                let _ = write!(href, "%{b:02X}");
            }
        }
    }
    Some(href)
}

/// The anchor of a commit in the commits table: `commit-<id>` for a hexadecimal object id
/// (7 to 64 digits), `None` for anything else.
pub fn commit_anchor(id: &str) -> Option<String> {
    let ok = (7..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| format!("commit-{}", id.to_ascii_lowercase()))
}

/// An element id from a catalogue id: letters, digits, `-` and `_` kept, anything else `_`.
fn slug(prefix: &str, id: &str) -> String {
    let mut s = String::from(prefix);
    s.extend(id.chars().map(|c| {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            c
        } else {
            '_'
        }
    }));
    s
}

/// Text for SVG (and any XML): `& < > " '` as entities, control characters dropped.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters, with an ellipsis when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

fn status_label(s: Status) -> &'static str {
    STATUSES
        .iter()
        .find(|(st, _)| *st == s)
        .map_or("unknown", |(_, l)| l)
}

fn status_color(s: Status) -> &'static str {
    match s {
        Status::Satisfied => "#2f7d46",
        Status::Partial => "#c99a06",
        Status::NotSatisfied => "#b3261e",
        Status::Unknown => "#7b8190",
        Status::Waived => "#3f6fb5",
        Status::NotApplicable => "#cfd4dc",
    }
}

/// Dark text on the light fills, white on the dark ones.
fn status_text_color(s: Status) -> &'static str {
    match s {
        Status::Partial | Status::NotApplicable => "#1d2430",
        _ => "#ffffff",
    }
}

fn outcome_label(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "pass",
        Outcome::Fail => "fail",
        Outcome::Unknown => "unknown",
        Outcome::NotApplicable => "not applicable",
    }
}

fn waiver_state_label(s: WaiverState) -> &'static str {
    match s {
        WaiverState::Used => "used",
        WaiverState::Unused => "unused",
        WaiverState::Expired => "expired",
        WaiverState::Invalid => "invalid",
    }
}

/// `0.8333` as `83%`.
fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

// ---------------------------------------------------------------------------------------------
// View structs: what the template reads. Every string here is plain text; the template escapes.
// ---------------------------------------------------------------------------------------------

#[derive(Serialize)]
struct View {
    product: ProductView,
    /// `cargo-sdl 0.1.0`.
    tool: String,
    generated_at: String,
    scope: Vec<Field>,
    summary: Vec<StatusCount>,
    rules_passed: usize,
    rules_failed: usize,
    rules_unknown: usize,
    denied: Vec<String>,
    status_chart: String,
    practices: Vec<PracticeView>,
    waivers: Vec<WaiverView>,
    evidence: EvidenceView,
}

#[derive(Serialize)]
struct ProductView {
    name: String,
    version: String,
    description: Option<String>,
}

#[derive(Serialize)]
struct Field {
    label: &'static str,
    value: String,
    mono: bool,
}

#[derive(Serialize)]
struct StatusCount {
    status: &'static str,
    label: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct PracticeView {
    id: String,
    anchor: String,
    name: String,
    level: String,
    level_class: String,
    why: String,
    limited_by: Vec<String>,
    lifts: Vec<Lift>,
    statuses: Vec<StatusCount>,
    total: usize,
    requirements: Vec<RequirementView>,
}

/// What would lift a requirement one maturity level.
#[derive(Serialize)]
struct Lift {
    id: String,
    anchor: String,
    text: String,
}

#[derive(Serialize)]
struct RequirementView {
    id: String,
    anchor: String,
    title: String,
    status: &'static str,
    status_label: &'static str,
    reason: String,
    decided_by: Vec<Link>,
    attestations: Vec<Link>,
    expired_attestations: Vec<Link>,
    ssdf: Vec<String>,
    cra: Vec<String>,
    maturity: Option<MaturityView>,
    review_period_days: Option<u32>,
    findings: Vec<FindingView>,
}

#[derive(Serialize)]
struct MaturityView {
    level: String,
    level_class: String,
    why: String,
    next: Option<String>,
}

/// A piece of text that may link somewhere inside the package.
#[derive(Serialize)]
struct Link {
    text: String,
    href: Option<String>,
}

#[derive(Serialize)]
struct FindingView {
    anchor: String,
    rule: String,
    level: String,
    outcome: &'static str,
    message: String,
    remediation: Option<String>,
    waiver: Option<String>,
    waivers_used: Vec<String>,
    evidence: Vec<EvidenceItem>,
}

#[derive(Serialize)]
struct EvidenceItem {
    kind: &'static str,
    text: String,
    href: Option<String>,
    /// Second part: a version, a tag's target, a key.
    detail: Option<Link>,
    sha256: Option<String>,
    line: Option<u32>,
}

#[derive(Serialize)]
struct WaiverView {
    id: String,
    reason: String,
    owner: String,
    expires: String,
    state: &'static str,
}

#[derive(Serialize)]
struct EvidenceView {
    collected_at: String,
    sources: Vec<SourceView>,
    releases: Vec<ReleaseRow>,
    releases_note: String,
    release_chart: Option<String>,
    files: Vec<FileRow>,
    attestations: Vec<AttestationView>,
    roles: Vec<RoleRow>,
    roles_file: Option<Link>,
    training: Vec<TrainingRow>,
    training_file: Option<Link>,
    commits: Vec<CommitRow>,
    tags: Vec<TagRow>,
    packages: Vec<CitedRow>,
    advisories: Vec<CitedRow>,
    sboms: Vec<CitedRow>,
    configs: Vec<CitedRow>,
    package_files: Vec<PackageFile>,
}

#[derive(Serialize)]
struct SourceView {
    name: &'static str,
    state: &'static str,
    detail: String,
}

#[derive(Serialize)]
struct ReleaseRow {
    tag: String,
    date: String,
    commit: Option<Link>,
    reviewed: String,
    signed: String,
}

#[derive(Serialize)]
struct FileRow {
    path: String,
    href: Option<String>,
    sha256: String,
    cited_by: Vec<Link>,
}

#[derive(Serialize)]
struct AttestationView {
    anchor: String,
    path: String,
    href: Option<String>,
    sha256: String,
    state: &'static str,
    state_class: &'static str,
    requirements: Vec<Link>,
    statement: String,
    owner: String,
    approver: String,
    date: String,
    valid_until: String,
    scope: Option<String>,
    commit: Option<Link>,
    commit_detail: Option<String>,
    uncommitted: Option<String>,
    references: Vec<EvidenceItem>,
    releases: Vec<String>,
    metrics: Vec<String>,
    improvements: Vec<String>,
}

#[derive(Serialize)]
struct RoleRow {
    role: String,
    description: String,
    holders: String,
}

#[derive(Serialize)]
struct TrainingRow {
    person: String,
    topic: String,
    date: String,
    expires: String,
}

#[derive(Serialize)]
struct CommitRow {
    id: String,
    anchor: Option<String>,
    details: Vec<String>,
    cited_by: Vec<Link>,
}

#[derive(Serialize)]
struct TagRow {
    name: String,
    target: Link,
    cited_by: Vec<Link>,
}

#[derive(Serialize)]
struct CitedRow {
    text: String,
    detail: String,
    cited_by: Vec<Link>,
}

#[derive(Serialize)]
struct PackageFile {
    name: &'static str,
    href: &'static str,
    about: &'static str,
}

/// One release's review and signing shares, read tolerantly from the git facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseShare {
    pub tag: String,
    pub date: String,
    /// The commit the tag points to, when recorded.
    pub commit: Option<String>,
    /// Share of reviewed landings, 0..=1; `None` when not recorded or nothing landed.
    pub reviewed: Option<f64>,
    /// Share of signed commits, 0..=1; `None` when not recorded or the window is empty.
    pub signed: Option<f64>,
}

/// The release records under `git.value.releases` of the serialised evidence. Each needs a
/// string `tag` (or `name`) and at least one share in 0..=1 (`reviewed_share` or
/// `share_reviewed`, `signed_share` or `share_signed`); anything else is skipped. A share over
/// an empty window (`landings` or `commits` recorded as 0) is "not measured", not 0%.
pub fn release_shares(evidence: &serde_json::Value) -> Vec<ReleaseShare> {
    let Some(list) = evidence
        .pointer("/git/value/releases")
        .and_then(|v| v.as_array())
    else {
        return Vec::new();
    };
    let share = |o: &serde_json::Map<String, serde_json::Value>, keys: &[&str], window: &str| {
        if o.get(window).and_then(|v| v.as_u64()) == Some(0) {
            return None;
        }
        keys.iter()
            .find_map(|k| o.get(*k).and_then(|v| v.as_f64()))
            .filter(|s| s.is_finite() && (0.0..=1.0).contains(s))
    };
    let mut out: Vec<ReleaseShare> = list
        .iter()
        .filter_map(|r| {
            let o = r.as_object()?;
            let tag = o
                .get("tag")
                .or_else(|| o.get("name"))
                .and_then(|v| v.as_str())?
                .to_string();
            let date = o
                .get("date")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            let reviewed = share(o, &["reviewed_share", "share_reviewed"], "landings");
            let signed = share(o, &["signed_share", "share_signed"], "commits");
            if reviewed.is_none() && signed.is_none() {
                return None;
            }
            let commit = o.get("commit").and_then(|v| v.as_str()).map(str::to_string);
            Some(ReleaseShare {
                tag,
                date,
                commit,
                reviewed,
                signed,
            })
        })
        .collect();
    // Over time: by date when every record has one (ISO dates sort as strings); otherwise the
    // collector's order (oldest version first) stands. The sort is stable either way.
    if out.iter().all(|r| !r.date.is_empty()) {
        out.sort_by(|a, b| a.date.cmp(&b.date));
    }
    out
}

fn release_rows(shares: &[ReleaseShare]) -> Vec<ReleaseRow> {
    shares
        .iter()
        .map(|r| ReleaseRow {
            tag: r.tag.clone(),
            date: r.date.clone(),
            commit: r.commit.as_deref().map(commit_link),
            reviewed: r.reviewed.map_or("not measured".into(), percent),
            signed: r.signed.map_or("not measured".into(), percent),
        })
        .collect()
}

/// Who cites a piece of evidence: requirement and rule ids, or attestation paths.
type Citations = BTreeMap<String, BTreeSet<String>>;

fn cite(map: &mut Citations, key: String, by: &str) {
    map.entry(key).or_default().insert(by.to_string());
}

/// Evidence gathered from findings and attestations, each with who cites it.
#[derive(Default)]
struct Index {
    files: BTreeMap<(String, String), BTreeSet<String>>,
    commits: Citations,
    commit_details: BTreeMap<String, BTreeSet<String>>,
    tags: BTreeMap<(String, String), BTreeSet<String>>,
    packages: BTreeMap<(String, String), BTreeSet<String>>,
    advisories: Citations,
    sboms: BTreeMap<(String, String), BTreeSet<String>>,
    configs: BTreeMap<(String, String), BTreeSet<String>>,
}

impl Index {
    fn add(&mut self, e: &EvidenceRef, by: &str) {
        match e {
            EvidenceRef::File { path, sha256, .. } | EvidenceRef::Attestation { path, sha256 } => {
                self.files
                    .entry((path.clone(), sha256.clone()))
                    .or_default()
                    .insert(by.to_string());
            }
            EvidenceRef::Commit { id } => cite(&mut self.commits, id.clone(), by),
            EvidenceRef::Tag { name, target } => {
                self.tags
                    .entry((name.clone(), target.clone()))
                    .or_default()
                    .insert(by.to_string());
                cite(&mut self.commits, target.clone(), &format!("tag {name}"));
            }
            EvidenceRef::Package { name, version } => {
                self.packages
                    .entry((name.clone(), version.clone()))
                    .or_default()
                    .insert(by.to_string());
            }
            EvidenceRef::Advisory { id } => cite(&mut self.advisories, id.clone(), by),
            EvidenceRef::Sbom { path, bom_ref } => {
                self.sboms
                    .entry((path.clone(), bom_ref.clone().unwrap_or_default()))
                    .or_default()
                    .insert(by.to_string());
            }
            EvidenceRef::Config { path, key } => {
                self.configs
                    .entry((path.clone(), key.clone()))
                    .or_default()
                    .insert(by.to_string());
            }
        }
    }
}

/// A citation (a rule id, a requirement id or an attestation path) as a link to where it is.
fn citation_link(by: &str, anchors: &BTreeMap<String, String>) -> Link {
    Link {
        text: by.to_string(),
        href: anchors.get(by).map(|a| format!("#{a}")),
    }
}

fn commit_link(id: &str) -> Link {
    Link {
        text: id.to_string(),
        href: commit_anchor(id).map(|a| format!("#{a}")),
    }
}

fn file_link(path: &str) -> Link {
    Link {
        text: path.to_string(),
        href: document_href(path),
    }
}

fn evidence_item(e: &EvidenceRef) -> EvidenceItem {
    let item = |kind, text: &str, href, detail, sha256: Option<&String>, line| EvidenceItem {
        kind,
        text: text.to_string(),
        href,
        detail,
        sha256: sha256.cloned(),
        line,
    };
    match e {
        EvidenceRef::File { path, sha256, line } => {
            item("file", path, document_href(path), None, Some(sha256), *line)
        }
        EvidenceRef::Attestation { path, sha256 } => item(
            "attestation",
            path,
            document_href(path),
            None,
            Some(sha256),
            None,
        ),
        EvidenceRef::Commit { id } => item(
            "commit",
            id,
            commit_anchor(id).map(|a| format!("#{a}")),
            None,
            None,
            None,
        ),
        EvidenceRef::Tag { name, target } => {
            item("tag", name, None, Some(commit_link(target)), None, None)
        }
        EvidenceRef::Package { name, version } => item(
            "package",
            name,
            None,
            Some(Link {
                text: version.clone(),
                href: None,
            }),
            None,
            None,
        ),
        EvidenceRef::Advisory { id } => item("advisory", id, None, None, None, None),
        EvidenceRef::Sbom { path, bom_ref } => item(
            "sbom",
            path,
            None,
            bom_ref.as_ref().map(|r| Link {
                text: r.clone(),
                href: None,
            }),
            None,
            None,
        ),
        EvidenceRef::Config { path, key } => item(
            "config",
            path,
            None,
            Some(Link {
                text: key.clone(),
                href: None,
            }),
            None,
            None,
        ),
    }
}

fn reference_item(r: &Reference) -> EvidenceItem {
    match r {
        Reference::File { path, sha256 } => evidence_item(&EvidenceRef::File {
            path: path.clone(),
            sha256: sha256.clone(),
            line: None,
        }),
        Reference::Commit { id } => evidence_item(&EvidenceRef::Commit { id: id.clone() }),
        // Shown, never linked: following it would leave the package (and could be any scheme).
        Reference::Url { url } => EvidenceItem {
            kind: "url",
            text: url.clone(),
            href: None,
            detail: None,
            sha256: None,
            line: None,
        },
        Reference::Ticket { id } => EvidenceItem {
            kind: "ticket",
            text: id.clone(),
            href: None,
            detail: None,
            sha256: None,
            line: None,
        },
    }
}

fn level_class(level: Option<u8>) -> String {
    match level {
        Some(l @ 1..=4) => format!("ml{l}"),
        _ => "ml-none".to_string(),
    }
}

fn status_counts(statuses: &BTreeMap<String, usize>) -> Vec<StatusCount> {
    STATUSES
        .iter()
        .map(|(s, label)| StatusCount {
            status: s.as_str(),
            label,
            count: statuses.get(s.as_str()).copied().unwrap_or(0),
        })
        .collect()
}

fn source_view<T>(name: &'static str, c: &Collected<T>) -> SourceView {
    match c {
        Collected::Present { .. } => SourceView {
            name,
            state: "present",
            detail: "collected".into(),
        },
        Collected::Absent { reason } => SourceView {
            name,
            state: "absent",
            detail: reason.clone(),
        },
        Collected::Failed { error } => SourceView {
            name,
            state: "failed",
            detail: error.clone(),
        },
    }
}

impl View {
    fn new(report: &Report) -> anyhow::Result<View> {
        let p = &report.product;
        let scope = vec![
            Field {
                label: "Product",
                value: p.name.clone(),
                mono: false,
            },
            Field {
                label: "Version",
                value: p.version.clone(),
                mono: true,
            },
            Field {
                label: "Security level (SL-C)",
                value: p
                    .security_level
                    .map_or("not declared".to_string(), |l| format!("SL-C {l}")),
                mono: false,
            },
            Field {
                label: "Configuration",
                value: report
                    .config
                    .clone()
                    .unwrap_or_else(|| "none: built-in defaults".to_string()),
                mono: report.config.is_some(),
            },
            Field {
                label: "Generated at",
                value: report.generated_at.clone(),
                mono: true,
            },
            Field {
                label: "Evidence collected at",
                value: report.evidence.collected_at.clone(),
                mono: true,
            },
            Field {
                label: "Generated by",
                value: format!("{} {}", report.tool.name, report.tool.version),
                mono: false,
            },
            Field {
                label: "Report schema version",
                value: report.schema_version.to_string(),
                mono: true,
            },
        ];

        // Where each rule, requirement and attestation is on the page.
        let mut anchors: BTreeMap<String, String> = BTreeMap::new();
        for r in &report.requirements {
            anchors.insert(r.id.clone(), slug("req-", &r.id));
        }
        for (i, a) in report.evidence.human.attestations.iter().enumerate() {
            anchors.insert(a.file.path.clone(), attestation_anchor(i));
        }
        for f in &report.findings {
            // A rule's finding is shown under each requirement it supports; link the first.
            if let Some(req) = f.requirements.first() {
                anchors
                    .entry(f.rule.clone())
                    .or_insert_with(|| finding_anchor(req, &f.rule));
            }
        }

        let mut practices: Vec<PracticeView> = report
            .practices
            .iter()
            .map(|pr| practice_view(pr, report, &anchors))
            .collect();
        // Requirements of a practice the catalogue does not list are still shown.
        let known: BTreeSet<&str> = report.practices.iter().map(|p| p.id.as_str()).collect();
        let mut orphans: BTreeMap<&str, Vec<&RequirementReport>> = BTreeMap::new();
        for r in &report.requirements {
            if !known.contains(r.practice.as_str()) {
                orphans.entry(r.practice.as_str()).or_default().push(r);
            }
        }
        for (id, reqs) in orphans {
            let mut statuses = BTreeMap::new();
            for r in &reqs {
                *statuses.entry(r.status.as_str().to_string()).or_insert(0) += 1;
            }
            practices.push(PracticeView {
                id: id.to_string(),
                anchor: slug("practice-", id),
                name: "(not in the catalogue)".into(),
                level: "not assessed".into(),
                level_class: level_class(None),
                why: "the practice is not in the catalogue".into(),
                limited_by: Vec::new(),
                lifts: Vec::new(),
                total: reqs.len(),
                statuses: status_counts(&statuses),
                requirements: reqs.iter().map(|r| requirement_view(r, &anchors)).collect(),
            });
        }

        let waivers = report
            .waivers
            .iter()
            .map(|w| WaiverView {
                id: w.waiver.id.clone(),
                reason: w.waiver.reason.clone(),
                owner: w.waiver.owner.clone(),
                expires: w.waiver.expires.clone(),
                state: waiver_state_label(w.state),
            })
            .collect();

        let evidence = evidence_view(report, &anchors)?;
        Ok(View {
            product: ProductView {
                name: p.name.clone(),
                version: p.version.clone(),
                description: p.description.clone(),
            },
            tool: format!("{} {}", report.tool.name, report.tool.version),
            generated_at: report.generated_at.clone(),
            scope,
            summary: status_counts(&report.summary.requirements),
            rules_passed: report.summary.rules_passed,
            rules_failed: report.summary.rules_failed,
            rules_unknown: report.summary.rules_unknown,
            denied: report.summary.denied.clone(),
            status_chart: status_chart(&practices),
            practices,
            waivers,
            evidence,
        })
    }
}

/// By position: two paths could slug alike, positions cannot.
fn attestation_anchor(index: usize) -> String {
    format!("att-{}", index + 1)
}

fn finding_anchor(requirement: &str, rule: &str) -> String {
    slug("finding-", &format!("{requirement}-{rule}"))
}

fn practice_view(
    pr: &PracticeReport,
    report: &Report,
    anchors: &BTreeMap<String, String>,
) -> PracticeView {
    let m = &pr.maturity;
    let lifts: Vec<Lift> = m
        .requirements
        .iter()
        .filter(|r| m.limited_by.contains(&r.id))
        .filter_map(|r| {
            r.next.as_ref().map(|n| Lift {
                id: r.id.clone(),
                anchor: slug("req-", &r.id),
                text: n.clone(),
            })
        })
        .collect();
    // A practice-level hint that names no requirement is still shown.
    let lifts = if lifts.is_empty() {
        m.next
            .iter()
            .map(|n| Lift {
                id: String::new(),
                anchor: String::new(),
                text: n.clone(),
            })
            .collect()
    } else {
        lifts
    };
    let requirements: Vec<RequirementView> = pr
        .requirements
        .iter()
        .filter_map(|id| report.requirements.iter().find(|r| &r.id == id))
        .chain(
            // Requirements that name this practice but are missing from its list.
            report
                .requirements
                .iter()
                .filter(|r| r.practice == pr.id && !pr.requirements.contains(&r.id)),
        )
        .map(|r| requirement_view(r, anchors))
        .collect();
    PracticeView {
        id: pr.id.clone(),
        anchor: slug("practice-", &pr.id),
        name: pr.name.clone(),
        level: m.label.clone(),
        level_class: level_class(m.level),
        why: m.why.clone(),
        limited_by: m.limited_by.clone(),
        lifts,
        total: pr.statuses.values().sum(),
        statuses: status_counts(&pr.statuses),
        requirements,
    }
}

fn requirement_view(r: &RequirementReport, anchors: &BTreeMap<String, String>) -> RequirementView {
    let attestation_link = |path: &String| file_link(path);
    let decided_by = r
        .decided_by
        .iter()
        .map(|d| {
            if r.attestations.contains(d) || r.expired_attestations.contains(d) {
                attestation_link(d)
            } else if r.findings.iter().any(|f| &f.rule == d) {
                Link {
                    text: d.clone(),
                    href: Some(format!("#{}", finding_anchor(&r.id, d))),
                }
            } else {
                citation_link(d, anchors)
            }
        })
        .collect();
    RequirementView {
        id: r.id.clone(),
        anchor: slug("req-", &r.id),
        title: r.title.clone(),
        status: r.status.as_str(),
        status_label: status_label(r.status),
        reason: r.reason.clone(),
        decided_by,
        attestations: r.attestations.iter().map(attestation_link).collect(),
        expired_attestations: r
            .expired_attestations
            .iter()
            .map(attestation_link)
            .collect(),
        ssdf: r.ssdf.clone(),
        cra: r.cra.clone(),
        maturity: r.maturity.as_ref().map(|m| MaturityView {
            level: crate::eval::maturity::LABELS
                .get(usize::from(m.level.saturating_sub(1)))
                .map_or_else(|| format!("ML{}", m.level), |l| l.to_string()),
            level_class: level_class(Some(m.level)),
            why: m.why.clone(),
            next: m.next.clone(),
        }),
        review_period_days: r.review_period_days,
        findings: r.findings.iter().map(|f| finding_view(&r.id, f)).collect(),
    }
}

fn finding_view(requirement: &str, f: &Finding) -> FindingView {
    FindingView {
        anchor: finding_anchor(requirement, &f.rule),
        rule: f.rule.clone(),
        level: f.level.to_string(),
        outcome: outcome_label(f.outcome),
        message: f.message.clone(),
        remediation: f.remediation.clone(),
        waiver: f.waived.as_ref().map(|w| {
            format!(
                "accepted by the waiver for {} (owner {}, until {}): {}",
                w.id, w.owner, w.expires, w.reason
            )
        }),
        waivers_used: f.waivers_used.clone(),
        evidence: f.evidence.iter().map(evidence_item).collect(),
    }
}

fn cited(by: &BTreeSet<String>, anchors: &BTreeMap<String, String>) -> Vec<Link> {
    by.iter().map(|b| citation_link(b, anchors)).collect()
}

/// The attestation's state as text and as a class name.
fn attestation_state(a: &Attestation, report: &Report) -> (&'static str, &'static str) {
    let path = &a.file.path;
    if report
        .requirements
        .iter()
        .any(|r| r.attestations.contains(path))
    {
        ("current", "current")
    } else if report
        .requirements
        .iter()
        .any(|r| r.expired_attestations.contains(path))
    {
        ("expired", "expired")
    } else {
        ("not current", "not-current")
    }
}

fn evidence_view(
    report: &Report,
    anchors: &BTreeMap<String, String>,
) -> anyhow::Result<EvidenceView> {
    let facts = &report.evidence;
    let mut index = Index::default();
    for f in &report.findings {
        for e in &f.evidence {
            index.add(e, &f.rule);
        }
    }
    let human = &facts.human;
    for a in &human.attestations {
        let by = a.file.path.as_str();
        for req in &a.requirements {
            index
                .files
                .entry((a.file.path.clone(), a.file.sha256.clone()))
                .or_default()
                .insert(req.clone());
        }
        if let Some(c) = &a.commit {
            cite(&mut index.commits, c.id.clone(), by);
            let mut d = format!("{}, {}", c.author, c.date);
            if let Some(s) = &c.signature {
                let _ = write!(d, ", signed ({s}, not verified here)");
            } else {
                d.push_str(", unsigned");
            }
            index
                .commit_details
                .entry(c.id.clone())
                .or_default()
                .insert(d);
        }
        for r in &a.references {
            match r {
                Reference::File { path, sha256 } => {
                    index
                        .files
                        .entry((path.clone(), sha256.clone()))
                        .or_default()
                        .insert(by.to_string());
                }
                Reference::Commit { id } => cite(&mut index.commits, id.clone(), by),
                Reference::Url { .. } | Reference::Ticket { .. } => {}
            }
        }
    }
    if let Some(roles) = &human.roles
        && let Some(f) = &roles.file
    {
        index
            .files
            .entry((f.path.clone(), f.sha256.clone()))
            .or_default()
            .insert("SM-2".into());
    }
    if let Some(f) = &human.training_file {
        index
            .files
            .entry((f.path.clone(), f.sha256.clone()))
            .or_default()
            .insert("SM-4".into());
    }

    let json = serde_json::to_value(facts).context("serialising the evidence")?;
    let shares = release_shares(&json);
    for r in &shares {
        if let Some(c) = &r.commit {
            cite(&mut index.commits, c.clone(), &format!("release {}", r.tag));
        }
    }
    let releases = release_rows(&shares);
    let releases_note = match &facts.git {
        Collected::Present { .. } if shares.is_empty() => "no release records".to_string(),
        Collected::Present { .. } => String::new(),
        Collected::Absent { reason } => format!("no release records: {reason}"),
        Collected::Failed { error } => {
            format!("no release records: git collection failed: {error}")
        }
    };
    let release_chart = (!shares.is_empty()).then(|| release_chart(&shares));

    let files = index
        .files
        .iter()
        .map(|((path, sha256), by)| FileRow {
            path: path.clone(),
            href: document_href(path),
            sha256: sha256.clone(),
            cited_by: cited(by, anchors),
        })
        .collect();
    let attestations = human
        .attestations
        .iter()
        .enumerate()
        .map(|(i, a)| AttestationView {
            anchor: attestation_anchor(i),
            path: a.file.path.clone(),
            href: document_href(&a.file.path),
            sha256: a.file.sha256.clone(),
            state: attestation_state(a, report).0,
            state_class: attestation_state(a, report).1,
            requirements: a
                .requirements
                .iter()
                .map(|r| citation_link(r, anchors))
                .collect(),
            statement: a.statement.clone(),
            owner: format!("{} ({})", a.owner, a.owner_role),
            approver: format!("{} ({})", a.approver, a.approver_role),
            date: a.date.clone(),
            valid_until: a.valid_until.clone(),
            scope: a.scope.as_ref().map(|s| {
                let mut parts = Vec::new();
                if let Some(p) = &s.product {
                    parts.push(format!("product {p}"));
                }
                if let Some(v) = &s.versions {
                    parts.push(format!("versions {v}"));
                }
                parts.join(", ")
            }),
            commit: a.commit.as_ref().map(|c| commit_link(&c.id)),
            commit_detail: a.commit.as_ref().map(|c| {
                format!(
                    "by {} on {}, {}",
                    c.author,
                    c.date,
                    c.signature
                        .as_ref()
                        .map_or("unsigned".to_string(), |s| format!(
                            "signed ({s}, not verified here)"
                        ))
                )
            }),
            uncommitted: a.uncommitted.clone(),
            references: a.references.iter().map(reference_item).collect(),
            releases: a.releases.clone(),
            metrics: a.metrics.clone(),
            improvements: a.improvements.clone(),
        })
        .collect();
    let (roles, roles_file) = match &human.roles {
        Some(r) => (
            r.roles
                .iter()
                .map(|(id, role)| RoleRow {
                    role: id.clone(),
                    description: role.description.clone(),
                    holders: role.holders.join(", "),
                })
                .collect(),
            r.file.as_ref().map(|f| file_link(&f.path)),
        ),
        None => (Vec::new(), None),
    };
    let training = human
        .training
        .iter()
        .map(|t| TrainingRow {
            person: t.person.clone(),
            topic: t.topic.clone(),
            date: t.date.clone(),
            expires: t.expires.clone(),
        })
        .collect();
    let commits = index
        .commits
        .iter()
        .map(|(id, by)| CommitRow {
            id: id.clone(),
            anchor: commit_anchor(id),
            details: index
                .commit_details
                .get(id)
                .map(|d| d.iter().cloned().collect())
                .unwrap_or_default(),
            cited_by: cited(by, anchors),
        })
        .collect();
    let tags = index
        .tags
        .iter()
        .map(|((name, target), by)| TagRow {
            name: name.clone(),
            target: commit_link(target),
            cited_by: cited(by, anchors),
        })
        .collect();
    let rows = |m: &BTreeMap<(String, String), BTreeSet<String>>| -> Vec<CitedRow> {
        m.iter()
            .map(|((text, detail), by)| CitedRow {
                text: text.clone(),
                detail: detail.clone(),
                cited_by: cited(by, anchors),
            })
            .collect()
    };
    let advisories = index
        .advisories
        .iter()
        .map(|(id, by)| CitedRow {
            text: id.clone(),
            detail: String::new(),
            cited_by: cited(by, anchors),
        })
        .collect();
    Ok(EvidenceView {
        collected_at: facts.collected_at.clone(),
        sources: vec![
            source_view("repository files", &facts.files),
            source_view("git history", &facts.git),
            source_view("cargo metadata", &facts.cargo),
            source_view("SBOM", &facts.sbom),
            source_view("RustSec advisories", &facts.advisories),
            SourceView {
                name: "attestations",
                state: "present",
                detail: format!(
                    "{} attestation(s) in {}",
                    human.attestations.len(),
                    human.directory
                ),
            },
        ],
        releases,
        releases_note,
        release_chart,
        files,
        attestations,
        roles,
        roles_file,
        training,
        training_file: human.training_file.as_ref().map(|f| file_link(&f.path)),
        commits,
        tags,
        packages: rows(&index.packages),
        advisories,
        sboms: rows(&index.sboms),
        configs: rows(&index.configs),
        package_files: PACKAGE_FILES
            .iter()
            .map(|(name, about)| PackageFile {
                name,
                href: name,
                about,
            })
            .collect(),
    })
}

// ---------------------------------------------------------------------------------------------
// Charts: inline SVG from numbers; the only text is escaped with `escape_xml`.
// ---------------------------------------------------------------------------------------------

const FONT: &str = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif\"";

/// Stacked horizontal bars: requirements per status for each practice, on one scale.
fn status_chart(practices: &[PracticeView]) -> String {
    let label_w = 300.0;
    let bar_w = 620.0;
    let total_w = 40.0;
    let width = label_w + bar_w + total_w;
    let legend_h = 34.0;
    let row_h = 28.0;
    let bar_h = 18.0;
    let axis_h = 22.0;
    let height = legend_h + row_h * practices.len() as f64 + axis_h;
    let max = practices.iter().map(|p| p.total).max().unwrap_or(0).max(1);
    let scale = bar_w / max as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {width} {height}\" \
         width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"status-chart-title\" {FONT} font-size=\"12\">\
         <title id=\"status-chart-title\">Requirements per status for each practice</title>"
    );
    // Legend.
    let mut x = 0.0;
    for (st, label) in STATUSES {
        let _ = write!(
            s,
            "<rect x=\"{x}\" y=\"8\" width=\"12\" height=\"12\" fill=\"{}\" stroke=\"#5b6270\" stroke-width=\"0.5\"/>\
             <text x=\"{}\" y=\"18\" fill=\"#1d2430\">{}</text>",
            status_color(st),
            x + 16.0,
            escape_xml(label)
        );
        x += 34.0 + 6.6 * label.len() as f64;
    }
    // Grid: a line per requirement up to 15, per five above.
    let step = if max <= 15 { 1 } else { 5 };
    let top = legend_h;
    let bottom = legend_h + row_h * practices.len() as f64;
    let mut tick = 0;
    while tick <= max {
        let gx = label_w + tick as f64 * scale;
        let _ = write!(
            s,
            "<line x1=\"{gx:.1}\" y1=\"{top}\" x2=\"{gx:.1}\" y2=\"{bottom}\" stroke=\"#e3e6eb\" stroke-width=\"1\"/>\
             <text x=\"{gx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#5b6270\" font-size=\"10\">{tick}</text>",
            bottom + 14.0
        );
        tick += step;
    }
    for (i, p) in practices.iter().enumerate() {
        let y = legend_h + row_h * i as f64;
        let by = y + (row_h - bar_h) / 2.0;
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{:.1}\" fill=\"#1d2430\"><tspan font-weight=\"600\">{}</tspan> {}</text>",
            by + 13.0,
            escape_xml(&p.id),
            escape_xml(&truncate(&p.name, 38))
        );
        let mut bx = label_w;
        for c in &p.statuses {
            if c.count == 0 {
                continue;
            }
            let st = STATUSES
                .iter()
                .map(|(s, _)| *s)
                .find(|s| s.as_str() == c.status)
                .unwrap_or(Status::Unknown);
            let w = c.count as f64 * scale;
            let _ = write!(
                s,
                "<rect x=\"{bx:.1}\" y=\"{by:.1}\" width=\"{w:.1}\" height=\"{bar_h}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1\">\
                 <title>{}: {} of {} {}</title></rect>",
                status_color(st),
                escape_xml(&p.id),
                c.count,
                p.total,
                escape_xml(c.label)
            );
            if w >= 16.0 {
                let _ = write!(
                    s,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{}\" font-size=\"11\" font-weight=\"600\">{}</text>",
                    bx + w / 2.0,
                    by + 13.0,
                    status_text_color(st),
                    c.count
                );
            }
            bx += w;
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#5b6270\">{}</text>",
            label_w + bar_w + 8.0,
            by + 13.0,
            p.total
        );
    }
    s.push_str("</svg>");
    s
}

/// Review and signing shares per release, oldest first: two lines on a 0–100% scale. Missing
/// measurements break the line instead of being drawn as 0.
fn release_chart(releases: &[ReleaseShare]) -> String {
    let width = 960.0;
    let height = 300.0;
    let (left, right, top, bottom) = (72.0, 24.0, 36.0, 70.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let n = releases.len();
    let x_at = |i: usize| {
        if n <= 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y_at = |share: f64| top + plot_h * (1.0 - share);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {width} {height}\" \
         width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"release-chart-title\" {FONT} font-size=\"12\">\
         <title id=\"release-chart-title\">Share of reviewed changes and signed commits per release</title>"
    );
    // Legend: line style and marker shape tell the series apart without colour.
    let _ = write!(
        s,
        "<line x1=\"{left}\" y1=\"14\" x2=\"{}\" y2=\"14\" stroke=\"#1f5f99\" stroke-width=\"2.5\"/>\
         <circle cx=\"{}\" cy=\"14\" r=\"4\" fill=\"#1f5f99\"/>\
         <text x=\"{}\" y=\"18\" fill=\"#1d2430\">reviewed changes</text>\
         <line x1=\"{}\" y1=\"14\" x2=\"{}\" y2=\"14\" stroke=\"#b35c00\" stroke-width=\"2.5\" stroke-dasharray=\"6 4\"/>\
         <rect x=\"{}\" y=\"10\" width=\"8\" height=\"8\" fill=\"#b35c00\"/>\
         <text x=\"{}\" y=\"18\" fill=\"#1d2430\">signed commits</text>",
        left + 28.0,
        left + 14.0,
        left + 34.0,
        left + 170.0,
        left + 198.0,
        left + 180.0,
        left + 204.0
    );
    for pct in [0, 25, 50, 75, 100] {
        let y = y_at(f64::from(pct) / 100.0);
        let _ = write!(
            s,
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{}\" stroke-width=\"1\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#5b6270\" font-size=\"10\">{pct}%</text>",
            left + plot_w,
            if pct == 0 { "#9aa1ad" } else { "#e3e6eb" },
            left - 6.0,
            y + 3.5
        );
    }
    // Tag labels: every one up to 12 releases, then evenly thinned.
    let every = n.div_ceil(12).max(1);
    for (i, r) in releases.iter().enumerate() {
        if i % every != 0 && i != n - 1 {
            continue;
        }
        let x = x_at(i);
        let y = top + plot_h + 14.0;
        let _ = write!(
            s,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"end\" fill=\"#1d2430\" font-size=\"10\" transform=\"rotate(-35 {x:.1} {y:.1})\">{}</text>",
            escape_xml(&truncate(&r.tag, 18))
        );
    }
    type Pick = fn(&ReleaseShare) -> Option<f64>;
    let series: [(&str, &str, &str, Pick); 2] = [
        ("reviewed", "#1f5f99", "", |r| r.reviewed),
        ("signed", "#b35c00", " stroke-dasharray=\"6 4\"", |r| {
            r.signed
        }),
    ];
    for (name, color, dash, pick) in series {
        // Consecutive measured points form one polyline.
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (i, r) in releases.iter().enumerate() {
            match pick(r) {
                Some(v) => {
                    if let Some(run) = runs.last_mut() {
                        run.push((x_at(i), y_at(v)));
                    }
                }
                None => runs.push(Vec::new()),
            }
        }
        for run in runs.iter().filter(|r| r.len() >= 2) {
            let points: Vec<String> = run.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
            let _ = write!(
                s,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2.5\"{dash}/>",
                points.join(" ")
            );
        }
        for (i, r) in releases.iter().enumerate() {
            let Some(v) = pick(r) else { continue };
            let (x, y) = (x_at(i), y_at(v));
            let title = format!(
                "{} {}: {} {}",
                truncate(&r.tag, 60),
                truncate(&r.date, 30),
                percent(v),
                name
            );
            if name == "reviewed" {
                let _ = write!(
                    s,
                    "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"{color}\"><title>{}</title></circle>",
                    escape_xml(&title)
                );
            } else {
                let _ = write!(
                    s,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\" fill=\"{color}\"><title>{}</title></rect>",
                    x - 4.0,
                    y - 4.0,
                    escape_xml(&title)
                );
            }
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn document_hrefs_are_relative_and_encoded() {
        let cases: &[(&str, Option<&str>)] = &[
            ("SECURITY.md", Some("documents/SECURITY.md")),
            (
                "sdl/attestations/dm-1.toml",
                Some("documents/sdl/attestations/dm-1.toml"),
            ),
            ("docs/a b#c?d.md", Some("documents/docs/a%20b%23c%3Fd.md")),
            (
                "javascript:alert(1)",
                Some("documents/javascript%3Aalert%281%29"),
            ),
            ("https://evil.example/x", None),
            ("a..b/c", Some("documents/a%2E%2Eb/c")),
            (
                "\"><img src=x onerror=alert(1)>",
                Some("documents/%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E"),
            ),
            ("été.md", Some("documents/%C3%A9t%C3%A9.md")),
            ("../etc/passwd", None),
            ("docs/../../x", None),
            ("./x", None),
            ("/etc/passwd", None),
            ("", None),
            ("a//b", None),
            ("a\\..\\b", None),
        ];
        for (path, want) in cases {
            let got = document_href(path);
            assert_eq!(got.as_deref(), *want, "{path}");
            if let Some(h) = got {
                assert!(
                    !h.starts_with('/') && !h.contains("..") && !h.contains(':'),
                    "{h}"
                );
            }
        }
    }

    #[test]
    fn commit_anchors_only_for_object_ids() {
        let id = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(commit_anchor(id), Some(format!("commit-{id}")));
        assert_eq!(commit_anchor("ABCDEF0"), Some("commit-abcdef0".to_string()));
        for bad in ["abc", "javascript:alert(1)", "0123456z", "\"><x", ""] {
            assert_eq!(commit_anchor(bad), None, "{bad}");
        }
    }

    #[test]
    fn release_shares_read_tolerantly() {
        let evidence = json!({"git": {"state": "present", "value": {"releases": [
            {"tag": "v0.2.0", "date": "2026-03-01", "commit": "abcdef0", "reviewed_share": 0.5, "signed_share": 1.0},
            {"tag": "v0.1.0", "date": "2026-01-01", "share_reviewed": 0.25, "share_signed": 0.75, "landings": 4, "commits": 8},
            {"tag": "v0.3.0", "date": "2026-05-01", "share_reviewed": 0.0, "share_signed": 0.0, "landings": 0, "commits": 0},
            {"tag": "v0.4.0", "date": "2026-06-01", "reviewed_share": "0.5"},
            {"tag": "v0.5.0", "date": "2026-07-01", "reviewed_share": 1.5, "signed_share": 0.5},
            {"name": "v0.6.0", "date": "2026-08-01", "signed_share": 0.2},
            {"date": "2026-09-01", "reviewed_share": 0.5},
            "not an object",
        ]}}});
        let got = release_shares(&evidence);
        let summary: Vec<(&str, Option<f64>, Option<f64>)> = got
            .iter()
            .map(|r| (r.tag.as_str(), r.reviewed, r.signed))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("v0.1.0", Some(0.25), Some(0.75)),
                ("v0.2.0", Some(0.5), Some(1.0)),
                ("v0.5.0", None, Some(0.5)),
                ("v0.6.0", None, Some(0.2)),
            ]
        );
        assert_eq!(got[1].commit.as_deref(), Some("abcdef0"));
        assert!(release_shares(&json!({"git": {"state": "absent", "reason": "x"}})).is_empty());
        assert!(release_shares(&json!({"git": {"state": "present", "value": {}}})).is_empty());
        assert!(
            release_shares(&json!({"git": {"state": "present", "value": {"releases": 3}}}))
                .is_empty()
        );
    }

    #[test]
    fn release_chart_escapes_tags_and_breaks_on_gaps() {
        let hostile = "<script>alert(1)</script>";
        let r = |tag: &str, reviewed, signed| ReleaseShare {
            tag: tag.into(),
            date: "2026-01-01".into(),
            commit: None,
            reviewed,
            signed,
        };
        let svg = release_chart(&[
            r(hostile, Some(0.5), Some(1.0)),
            r("v2", None, Some(0.5)),
            r("v3", Some(1.0), Some(0.0)),
        ]);
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"), "{svg}");
        // Reviewed has a gap at v2, so no reviewed polyline; signed has one of three points.
        assert_eq!(svg.matches("<polyline").count(), 1, "{svg}");
        assert_eq!(svg.matches("<circle").count(), 1 + 2, "legend + 2 points");
        assert_eq!(svg.matches("<rect").count(), 1 + 3, "legend + 3 points");
    }

    #[test]
    fn escape_xml_covers_markup_and_quotes() {
        assert_eq!(
            escape_xml("<a href=\"x\">'&'</a>\u{7}"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn truncate_counts_characters() {
        assert_eq!(truncate("ééééé", 5), "ééééé");
        assert_eq!(truncate("éééééé", 5), "éééé…");
    }
}

#[cfg(test)]
mod page_tests {
    use super::*;
    use serde_json::json;

    fn empty_report() -> Report {
        let absent = json!({"state": "absent", "reason": "not collected"});
        serde_json::from_value(json!({
            "schema_version": 1,
            "tool": {"name": "cargo-sdl", "version": "0.1.0"},
            "generated_at": "2026-11-25T12:00:00Z",
            "product": {"name": "Widget", "version": "1.0.0"},
            "summary": {"requirements": {}, "rules_passed": 0, "rules_failed": 0,
                        "rules_unknown": 0, "denied": []},
            "practices": [], "requirements": [], "findings": [], "waivers": [],
            "evidence": {"collected_at": "2026-11-25T12:00:00Z", "files": absent,
                         "git": absent, "cargo": absent, "sbom": absent, "advisories": absent,
                         "human": {"directory": "sdl/attestations", "attestations": [],
                                   "training": []}}
        }))
        .unwrap()
    }

    #[test]
    fn without_release_records_the_page_says_so() {
        let html = render_html(&empty_report()).unwrap();
        assert!(html.contains("no release records: not collected"), "{html}");
        assert_eq!(html.matches("<svg").count(), 1, "only the status chart");
    }

    #[test]
    fn release_records_give_a_chart_and_a_table() {
        let mut view = View::new(&empty_report()).unwrap();
        let commit = "0123456789abcdef0123456789abcdef01234567";
        let shares = vec![
            ReleaseShare {
                tag: "v1<script>".into(),
                date: "2026-01-01".into(),
                commit: Some(commit.into()),
                reviewed: Some(0.5),
                signed: None,
            },
            ReleaseShare {
                tag: "v2".into(),
                date: "2026-02-01".into(),
                commit: None,
                reviewed: Some(1.0),
                signed: Some(0.25),
            },
        ];
        view.evidence.releases = release_rows(&shares);
        view.evidence.release_chart = Some(release_chart(&shares));
        view.evidence.releases_note = String::new();
        let html = render_view(&view).unwrap();
        assert_eq!(html.matches("<svg").count(), 2);
        assert!(!html.contains("<script"));
        assert_eq!(
            html.matches("v1&lt;script&gt;").count(),
            3,
            "axis, point title, table"
        );
        assert!(html.contains(&format!("href=\"#commit-{commit}\"")));
        assert!(html.contains("<td class=\"num\">50%</td><td class=\"num\">not measured</td>"));
        assert!(html.contains("<td class=\"num\">100%</td><td class=\"num\">25%</td>"));
        assert!(!html.contains("no release records"));
    }
}
