//! `cargo sdl rules` and `cargo sdl explain`: the catalogue in every format. The Markdown
//! form is the rule reference in the documentation, so docs cannot drift from `practices/`.

use std::fmt::Write;

use anstyle::Style;
use serde::Serialize;

use super::{one_line, paint};
use crate::catalog::{Catalog, Requirement, Rule};
use crate::cli::Format;

#[derive(Serialize)]
struct RulesJson<'a> {
    requirements: Vec<RequirementJson<'a>>,
    rules: &'a [Rule],
}

#[derive(Serialize)]
struct RequirementJson<'a> {
    id: &'a str,
    practice: &'a str,
    title: &'a str,
    summary: String,
    rules: &'a [String],
    ssdf: &'a [String],
    cra: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    review_period_days: Option<u32>,
    automated: String,
    attestation: String,
}

fn requirement_json(r: &Requirement) -> RequirementJson<'_> {
    RequirementJson {
        id: &r.id,
        practice: &r.practice,
        title: &r.title,
        summary: one_line(&r.summary),
        rules: &r.rules,
        ssdf: &r.ssdf,
        cra: &r.cra,
        review_period_days: r.review_period_days,
        automated: one_line(&r.automated),
        attestation: one_line(&r.attestation),
    }
}

/// `{"requirements": [...], "rules": [...]}`: the stable contract of `rules --format json`.
pub fn json(catalog: &Catalog) -> anyhow::Result<String> {
    let doc = RulesJson {
        requirements: catalog.requirements.iter().map(requirement_json).collect(),
        rules: &catalog.rules,
    };
    let mut s = serde_json::to_string_pretty(&doc)?;
    s.push('\n');
    Ok(s)
}

pub fn human(catalog: &Catalog, color: bool) -> String {
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let mut out = String::new();
    for p in &catalog.practices {
        let _ = writeln!(out, "{} {}", paint(color, bold, &p.id), p.name);
        for r in catalog.requirements.iter().filter(|r| r.practice == p.id) {
            let rules = if r.rules.is_empty() {
                "attestation only".to_string()
            } else {
                r.rules.join(", ")
            };
            let _ = writeln!(
                out,
                "  {:<7} {:<50} {}",
                r.id,
                r.title,
                paint(color, dim, &rules)
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{} requirements, {} automated rules; `cargo sdl explain ID` describes one",
        catalog.requirements.len(),
        catalog.rules.len()
    );
    out
}

pub fn markdown(catalog: &Catalog) -> String {
    let mut out = String::from("# The IEC 62443-4-1 catalogue of cargo-sdl\n\n");
    out.push_str(
        "Summaries are our own words; read the licensed standard before making a claim.\n",
    );
    for p in &catalog.practices {
        let _ = writeln!(
            out,
            "\n## {} — {}\n\n{}\n",
            p.id,
            p.name,
            one_line(&p.summary)
        );
        for r in catalog.requirements.iter().filter(|r| r.practice == p.id) {
            requirement_markdown(&mut out, catalog, r);
        }
    }
    out
}

fn requirement_markdown(out: &mut String, catalog: &Catalog, r: &Requirement) {
    let _ = writeln!(
        out,
        "### {} {}\n\n{}\n",
        r.id,
        r.title,
        one_line(&r.summary)
    );
    let list = |v: &[String]| {
        if v.is_empty() {
            "—".to_string()
        } else {
            v.join(", ")
        }
    };
    let _ = writeln!(out, "- NIST SSDF 1.1: {}", list(&r.ssdf));
    let _ = writeln!(out, "- EU CRA: {}", list(&r.cra));
    if let Some(d) = r.review_period_days {
        let _ = writeln!(out, "- Review period: {d} days");
    }
    let _ = writeln!(out, "- Automated evidence: {}", one_line(&r.automated));
    let _ = writeln!(
        out,
        "- Attestation must state: {}",
        one_line(&r.attestation)
    );
    if r.rules.is_empty() {
        let _ = writeln!(out, "- Rules: none (evaluated from attestations)");
    } else {
        let _ = writeln!(out, "- Rules:");
        for id in &r.rules {
            if let Some(rule) = catalog.rule(id) {
                let _ = writeln!(
                    out,
                    "  - `{}` ({}): {}",
                    rule.id,
                    rule.default_level,
                    one_line(&rule.title)
                );
            }
        }
    }
    out.push('\n');
}

fn rule_markdown(out: &mut String, rule: &Rule) {
    let _ = writeln!(out, "# rule `{}`\n\n{}\n", rule.id, one_line(&rule.title));
    let _ = writeln!(out, "- Requirements: {}", rule.requirements.join(", "));
    let _ = writeln!(out, "- Default level: {}", rule.default_level);
    if !rule.params.is_empty() {
        let params: Vec<String> = rule
            .params
            .iter()
            .map(|(k, v)| format!("`{k} = {v}`"))
            .collect();
        let _ = writeln!(
            out,
            "- Settings (`[rules.{}]` in sdl.toml): {}",
            rule.id,
            params.join(", ")
        );
    }
    let _ = writeln!(out, "\n## Why\n\n{}\n", one_line(&rule.motivation));
    let _ = writeln!(
        out,
        "## What it checks\n\n{}\n",
        one_line(&rule.implementation)
    );
    let _ = writeln!(out, "## How to fix\n\n{}", one_line(&rule.remediation));
}

/// Explain a requirement or a rule.
pub fn explain(catalog: &Catalog, id: &str, format: Format) -> anyhow::Result<String> {
    if let Some(r) = catalog.requirement(id) {
        return Ok(match format {
            Format::Json => format!("{}\n", serde_json::to_string_pretty(&requirement_json(r))?),
            _ => {
                let mut out = String::new();
                requirement_markdown(&mut out, catalog, r);
                out
            }
        });
    }
    if let Some(rule) = catalog.rule(id) {
        return Ok(match format {
            Format::Json => format!("{}\n", serde_json::to_string_pretty(rule)?),
            _ => {
                let mut out = String::new();
                rule_markdown(&mut out, rule);
                out
            }
        });
    }
    anyhow::bail!("`{id}` is neither a requirement nor a rule id; `cargo sdl rules` lists them")
}
