//! `index.html` of the evidence package: the report as one self-contained page an auditor reads
//! in order (product and scope, maturity per practice, status per requirement with the evidence
//! that decided it, waivers, the evidence itself).
//!
//! The template (`templates/report.html`) reads the [`Report`] itself, as `report`, and beside it
//! a small `page` of what is computed from it: status counts, the practices with their
//! requirements, release shares, the citation index (`index`), the two charts (`chart`) and the
//! package's files. Links and element ids come from the filters registered here, which call
//! `href`.
//!
//! Everything that came from the repository is untrusted text. Tera renders with autoescape on
//! and the template never marks repository text safe; the only `safe` values are the two charts,
//! built from numbers with every text inside them escaped by [`escape_xml`]. Links point into
//! the package with relative hrefs built by [`document_href`] and [`commit_anchor`], never from
//! raw repository text, so no value can become a scheme, an absolute path or a way out of the
//! package. [`crate::sanitize::document`] then keeps control characters out of the file.
//!
//! The page has no script, no external asset and no clock: the same report renders to the same
//! bytes.

mod chart;
mod href;
mod index;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context as _;
use serde::Serialize;
use tera::{Kwargs, State};

#[cfg(test)]
pub(crate) use href::DOCUMENTS_DIR;
pub(crate) use href::{commit_anchor, document_href, requirement_anchor};

use crate::eval::Status;
use crate::eval::maturity::{LABELS, PracticeMaturity};
use crate::report::{PracticeReport, Report, RequirementReport};
use chart::ReleaseShare;
use index::Index;

const TEMPLATE_NAME: &str = "report.html";
const TEMPLATE: &str = include_str!("../../../templates/report.html");
/// What the report page and the portfolio page share: the document head (its content security
/// policy) and the styles.
pub(crate) const SHARED: [(&str, &str); 2] = [
    ("head.html", include_str!("../../../templates/head.html")),
    ("base.css", include_str!("../../../templates/base.css")),
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

/// Render the report as `index.html`. `package` lists the package's files (path, what it
/// holds; a folder's path ends in `/`): the page links them.
pub fn render_html(report: &Report, package: &[(&str, &str)]) -> anyhow::Result<String> {
    let page = Page::new(report, package);
    let mut tera = tera::Tera::new();
    // Before the template: tera checks that every filter it names exists.
    register_filters(&mut tera, report);
    tera.add_raw_templates(SHARED.into_iter().chain([(TEMPLATE_NAME, TEMPLATE)]))
        .context("the embedded HTML template does not parse")?;
    let mut ctx = tera::Context::new();
    ctx.insert("report", report);
    ctx.insert("page", &page);
    ctx.insert("dated_after_rule", super::DATED_AFTER_RULE);
    let html = tera
        .render(TEMPLATE_NAME, &ctx)
        .context("rendering the HTML report")?;
    // Autoescaping keeps repository text from becoming markup; `sanitize::document` keeps its
    // control characters from reaching the file raw.
    Ok(crate::sanitize::document(&html))
}

/// The filters the template builds links, element ids and labels with. None is marked safe:
/// what they return is escaped like any other value.
fn register_filters(tera: &mut tera::Tera, report: &Report) {
    tera.register_filter("document_href", |path: &str, _: Kwargs, _: &State| {
        document_href(path)
    });
    tera.register_filter("commit_anchor", |id: &str, _: Kwargs, _: &State| {
        commit_anchor(id)
    });
    tera.register_filter("commit_href", |id: &str, _: Kwargs, _: &State| {
        href::commit_href(id)
    });
    tera.register_filter("requirement_anchor", |id: &str, _: Kwargs, _: &State| {
        requirement_anchor(id)
    });
    tera.register_filter("practice_anchor", |id: &str, _: Kwargs, _: &State| {
        href::practice_anchor(id)
    });
    tera.register_filter(
        "finding_anchor",
        |rule: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let requirement: &str = kwargs.must_get("requirement")?;
            Ok(href::finding_anchor(requirement, rule))
        },
    );
    tera.register_filter(
        "attestation_anchor",
        |index: usize, _: Kwargs, _: &State| href::attestation_anchor(index),
    );
    let anchors = href::Anchors::new(report);
    tera.register_filter("cited_href", move |by: &str, _: Kwargs, _: &State| {
        anchors.href(by)
    });
    tera.register_filter("status_label", |status: &str, _: Kwargs, _: &State| {
        status_label(status)
    });
    tera.register_filter(
        "maturity_class",
        |level: tera::Value, _: Kwargs, _: &State| maturity_class(level.as_u64()),
    );
    tera.register_filter("maturity_label", |level: u8, _: Kwargs, _: &State| {
        maturity_label(level)
    });
    tera.register_filter("share", |share: tera::Value, _: Kwargs, _: &State| {
        share
            .as_f64()
            .map_or_else(|| "not measured".to_string(), chart::percent)
    });
}

/// `not-satisfied` as `not satisfied`.
fn status_label(status: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(s, _)| s.as_str() == status)
        .map_or("unknown", |(_, label)| label)
}

/// The class of a maturity badge: `ml1` … `ml4`, `ml-none` when there is no level.
fn maturity_class(level: Option<u64>) -> String {
    match level {
        Some(l @ 1..=4) => format!("ml{l}"),
        _ => "ml-none".to_string(),
    }
}

/// `2` as `ML2 Managed`.
fn maturity_label(level: u8) -> String {
    LABELS
        .get(usize::from(level.saturating_sub(1)))
        .map_or_else(|| format!("ML{level}"), |l| l.to_string())
}

/// What the template reads besides the report: what is computed from it.
#[derive(Serialize)]
struct Page<'a> {
    /// Requirements per status, in the page's order of statuses.
    summary: Vec<StatusCount>,
    practices: Vec<PracticeSection<'a>>,
    status_chart: String,
    /// The releases that measured review or signing, over time, and their chart.
    releases: Vec<ReleaseShare>,
    release_chart: Option<String>,
    /// The evidence tables.
    index: Index,
    /// Attestations that count for some requirement, those that expired, and those current
    /// but not accepted.
    current_attestations: BTreeSet<&'a str>,
    expired_attestations: BTreeSet<&'a str>,
    rejected_attestations: BTreeSet<&'a str>,
    /// The package's files (path, what it holds).
    package: &'a [(&'a str, &'a str)],
    /// The CI pipelines read (None when the repository's files were not collected), and a
    /// line per system.
    ci_collected: bool,
    ci: Vec<super::CiPipelineView>,
    ci_summary: Vec<String>,
}

impl<'a> Page<'a> {
    fn new(report: &'a Report, package: &'a [(&'a str, &'a str)]) -> Page<'a> {
        let practices = practice_sections(report);
        let releases = report
            .evidence
            .git
            .get()
            .map(|g| chart::release_shares(&g.releases))
            .unwrap_or_default();
        let attestations = |pick: fn(&'a RequirementReport) -> &'a Vec<String>| {
            report
                .requirements
                .iter()
                .flat_map(pick)
                .map(String::as_str)
                .collect()
        };
        Page {
            summary: status_counts(&report.summary.requirements),
            status_chart: chart::status_chart(&practices),
            practices,
            release_chart: (!releases.is_empty()).then(|| chart::release_chart(&releases)),
            index: Index::new(report, &releases),
            releases,
            current_attestations: attestations(|r| &r.attestations),
            expired_attestations: attestations(|r| &r.expired_attestations),
            rejected_attestations: report
                .requirements
                .iter()
                .flat_map(|r| &r.rejected_attestations)
                .map(|r| r.path.as_str())
                .collect(),
            package,
            ci_collected: super::ci_pipelines(report).is_some(),
            ci: super::ci_pipelines(report).unwrap_or_default(),
            ci_summary: super::ci_summary_lines(report),
        }
    }
}

/// How many requirements have one status.
#[derive(Serialize)]
struct StatusCount {
    status: Status,
    label: &'static str,
    count: usize,
}

/// Counts for every status, in the page's order, zeros included.
fn status_counts(statuses: &BTreeMap<String, usize>) -> Vec<StatusCount> {
    STATUSES
        .iter()
        .map(|&(status, label)| StatusCount {
            status,
            label,
            count: statuses.get(status.as_str()).copied().unwrap_or(0),
        })
        .collect()
}

/// One practice of the page, with its requirements.
#[derive(Serialize)]
struct PracticeSection<'a> {
    /// As the report has it; a stand-in for a practice the catalogue does not list.
    practice: Cow<'a, PracticeReport>,
    counts: Vec<StatusCount>,
    total: usize,
    /// What would lift the practice one level.
    lifts: Vec<Lift>,
    requirements: Vec<&'a RequirementReport>,
}

/// A step that lifts a practice: one of its limiting requirements' next step, or the
/// practice's own hint when none names a requirement.
#[derive(Serialize)]
struct Lift {
    requirement: Option<String>,
    text: String,
}

impl<'a> PracticeSection<'a> {
    fn new(
        practice: Cow<'a, PracticeReport>,
        requirements: Vec<&'a RequirementReport>,
    ) -> PracticeSection<'a> {
        let m = &practice.maturity;
        let mut lifts: Vec<Lift> = m
            .requirements
            .iter()
            .filter(|r| m.limited_by.contains(&r.id))
            .filter_map(|r| {
                r.next.as_ref().map(|next| Lift {
                    requirement: Some(r.id.clone()),
                    text: next.clone(),
                })
            })
            .collect();
        if lifts.is_empty() {
            lifts.extend(m.next.iter().map(|next| Lift {
                requirement: None,
                text: next.clone(),
            }));
        }
        PracticeSection {
            counts: status_counts(&practice.statuses),
            total: practice.statuses.values().sum(),
            lifts,
            requirements,
            practice,
        }
    }
}

/// Every practice of the report with its requirements: those it lists, then those that name
/// it without being listed. Requirements of a practice the catalogue does not list are still
/// shown, under a section of their own.
fn practice_sections(report: &Report) -> Vec<PracticeSection<'_>> {
    let mut sections: Vec<PracticeSection<'_>> = report
        .practices
        .iter()
        .map(|p| {
            let listed = p
                .requirements
                .iter()
                .filter_map(|id| report.requirements.iter().find(|r| &r.id == id));
            let unlisted = report
                .requirements
                .iter()
                .filter(|r| r.practice == p.id && !p.requirements.contains(&r.id));
            PracticeSection::new(Cow::Borrowed(p), listed.chain(unlisted).collect())
        })
        .collect();
    let known: BTreeSet<&str> = report.practices.iter().map(|p| p.id.as_str()).collect();
    let mut orphans: BTreeMap<&str, Vec<&RequirementReport>> = BTreeMap::new();
    for r in &report.requirements {
        if !known.contains(r.practice.as_str()) {
            orphans.entry(r.practice.as_str()).or_default().push(r);
        }
    }
    for (id, requirements) in orphans {
        let mut statuses = BTreeMap::new();
        for r in &requirements {
            *statuses.entry(r.status.as_str().to_string()).or_insert(0) += 1;
        }
        let practice = PracticeReport {
            id: id.to_string(),
            name: "(not in the catalogue)".into(),
            maturity: PracticeMaturity {
                level: None,
                label: "not assessed".into(),
                why: "the practice is not in the catalogue".into(),
                next: None,
                limited_by: Vec::new(),
                requirements: Vec::new(),
                note: String::new(),
            },
            statuses,
            requirements: requirements.iter().map(|r| r.id.clone()).collect(),
        };
        sections.push(PracticeSection::new(Cow::Owned(practice), requirements));
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Collected;
    use crate::facts::git::{GitFacts, Release};
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

    const PACKAGE: &[(&str, &str)] = &[("report.json", "the report")];

    #[test]
    fn without_release_records_the_page_says_so() {
        let html = render_html(&empty_report(), PACKAGE).unwrap();
        assert!(html.contains("no release records: not collected"), "{html}");
        assert_eq!(html.matches("<svg").count(), 1, "only the status chart");
    }

    #[test]
    fn release_records_give_a_chart_and_a_table() {
        let mut report = empty_report();
        let commit = "0123456789abcdef0123456789abcdef01234567";
        let release = |tag: &str, date: &str, commit: &str, (landings, reviewed), signed| Release {
            tag: tag.into(),
            commit: commit.into(),
            date: Some(date.into()),
            landings,
            share_reviewed: reviewed,
            commits: 4,
            share_signed: signed,
            ..Release::default()
        };
        report.evidence.git = Collected::present(GitFacts {
            releases: vec![
                release("v2", "2026-02-01", "abcdef0", (2, 1.0), 0.25),
                release("v1<script>", "2026-01-01", commit, (2, 0.5), f64::NAN),
                release("v0", "2025-12-01", commit, (0, 0.0), f64::INFINITY),
            ],
            ..GitFacts::default()
        });
        let html = render_html(&report, PACKAGE).unwrap();
        assert_eq!(html.matches("<svg").count(), 2);
        assert!(!html.contains("<script"));
        assert_eq!(
            html.matches("v1&lt;script&gt;").count(),
            4,
            "axis, point title, table, the commit's citation"
        );
        assert!(!html.contains(">v0<"), "nothing measured, nothing shown");
        assert!(html.contains(&format!("href=\"#commit-{commit}\"")));
        assert!(html.contains("release v1&lt;script&gt;"));
        assert!(html.contains("<td class=\"num\">50%</td><td class=\"num\">not measured</td>"));
        assert!(html.contains("<td class=\"num\">100%</td><td class=\"num\">25%</td>"));
        assert!(!html.contains("no release records"));
    }

    #[test]
    fn the_package_files_are_listed_and_linked() {
        let html = render_html(
            &empty_report(),
            &[("report.json", "the <report>"), ("documents/", "copies")],
        )
        .unwrap();
        assert!(html.contains(
            "<tr><td><a href=\"report.json\" class=\"mono\">report.json</a></td><td>the &lt;report&gt;</td></tr>"
        ));
        assert!(html.contains("<a href=\"documents/\" class=\"mono\">documents/</a>"));
    }

    #[test]
    fn labels_and_classes() {
        assert_eq!(status_label("not-satisfied"), "not satisfied");
        assert_eq!(maturity_class(Some(3)), "ml3");
        assert_eq!(maturity_class(Some(5)), "ml-none");
        assert_eq!(maturity_class(None), "ml-none");
        assert_eq!(maturity_label(2), "ML2 Managed");
        assert_eq!(maturity_label(7), "ML7");
    }
}
