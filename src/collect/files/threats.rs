//! Threat models: OWASP Threat Dragon JSON (v1 and v2), Threagile YAML, and prose models whose
//! threats are enumerated in a form that can be read — a table with a threat column (and a
//! disposition or mitigation column), or `### T-1 …` headings each followed by a
//! `Disposition:` / `Mitigation:` / `Status:` line.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::text::{self, LineKind, Outline};
use super::yaml;
use crate::facts::files::{Mention, ThreatCounts};

/// Statuses that mean no decision has been taken yet.
const UNDECIDED: &[&str] = &["", "open", "unchecked", "in-discussion", "new", "todo"];

/// True when `json` has the shape of a Threat Dragon model.
pub(super) fn is_threat_dragon(json: &Value) -> bool {
    json.get("summary").is_some()
        && json
            .get("detail")
            .and_then(|d| d.get("diagrams"))
            .is_some_and(Value::is_array)
}

/// The title of a Threat Dragon model.
pub(super) fn threat_dragon_title(json: &Value) -> Option<String> {
    json.pointer("/summary/title")
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn add(counts: &mut ThreatCounts, title: &str, status: &str, mitigation: &str, severity: bool) {
    counts.total += 1;
    // "TODO" or "TBD" in the mitigation field is no mitigation.
    let mitigated = !mitigation.trim().is_empty() && !text::is_placeholder(mitigation);
    if mitigated {
        counts.with_mitigation += 1;
    }
    if severity {
        counts.with_severity += 1;
    }
    let status = status.trim().to_ascii_lowercase();
    if mitigated || !UNDECIDED.contains(&status.as_str()) {
        counts.dispositioned += 1;
    } else if counts.undecided_examples.len() < 10 {
        counts.undecided_examples.push(title.to_string());
    }
}

/// Count the threats of a Threat Dragon model: v2 keeps them in `cells[].data.threats`, v1 in
/// `diagramJson.cells[].threats`.
pub(super) fn threat_dragon(json: &Value) -> ThreatCounts {
    let mut counts = ThreatCounts::default();
    let diagrams = json
        .pointer("/detail/diagrams")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for diagram in diagrams {
        let cells = diagram
            .get("cells")
            .or_else(|| diagram.pointer("/diagramJson/cells"))
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for cell in cells {
            let threats = cell
                .pointer("/data/threats")
                .or_else(|| cell.get("threats"))
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            for t in threats {
                let s = |k: &str| t.get(k).and_then(Value::as_str).unwrap_or_default();
                let severity = ["severity", "score"]
                    .iter()
                    .any(|k| t.get(*k).is_some_and(|v| !v.is_null() && v != ""));
                add(
                    &mut counts,
                    s("title"),
                    s("status"),
                    s("mitigation"),
                    severity,
                );
            }
        }
    }
    counts
}

/// True when the YAML document is a Threagile model.
pub(super) fn is_threagile(doc: &yaml::Node) -> bool {
    doc.get("threagile_version").is_some()
}

/// Count the risks a Threagile model records. Risks that Threagile derives from its built-in
/// rules are not in the file; only those tracked in `risk_tracking` and the individual risks
/// the model declares are.
pub(super) fn threagile(doc: &yaml::Node) -> ThreatCounts {
    let mut counts = ThreatCounts::default();
    let tracking = doc.get("risk_tracking").map(|t| t.entries()).unwrap_or(&[]);
    for (key, entry) in tracking {
        let id = key.as_str().unwrap_or_default();
        let status = entry
            .get("status")
            .and_then(|s| s.as_str())
            .unwrap_or_default();
        let justification = entry
            .get("justification")
            .and_then(|s| s.as_str())
            .unwrap_or_default();
        // A tracked risk's severity comes from its category, which is always rated.
        add(
            &mut counts,
            id,
            status,
            justification_if_mitigated(status, justification),
            true,
        );
    }
    let categories = doc
        .get("individual_risk_categories")
        .map(|c| c.entries())
        .unwrap_or(&[]);
    for (name, category) in categories {
        let id = category
            .get("id")
            .and_then(|i| i.as_str())
            .or_else(|| name.as_str())
            .unwrap_or_default();
        // Tracked keys are `<category id>@<assets>`: such risks were counted above.
        let tracked = tracking.iter().any(|(k, _)| {
            k.as_str()
                .is_some_and(|k| k.strip_prefix(id).is_some_and(|r| r.starts_with('@')))
        });
        if tracked {
            continue;
        }
        let severity = category.get("impact").is_some() || category.get("severity").is_some();
        for (title, _) in category
            .get("risks_identified")
            .map(|r| r.entries())
            .unwrap_or(&[])
        {
            add(
                &mut counts,
                title.as_str().unwrap_or_default(),
                "unchecked",
                "",
                severity,
            );
        }
    }
    counts
}

/// Threagile writes the mitigation into the justification; only count it as one when the
/// status says the risk was dealt with, so an `unchecked` risk with a note stays undecided.
fn justification_if_mitigated<'a>(status: &str, justification: &'a str) -> &'a str {
    if status.trim().eq_ignore_ascii_case("mitigated") {
        justification
    } else {
        ""
    }
}

fn re(pattern: &str) -> Regex {
    // The patterns are literals in this file; a typo is caught by the unit tests.
    Regex::new(pattern).unwrap_or_else(|e| panic!("invalid built-in pattern {pattern}: {e}"))
}

/// A threat heading: `T-1`, `TM-12`, `THR-3`, `THREAT-4`, `RISK-5` (or `T1`) and a title.
static THREAT_HEADING: LazyLock<Regex> =
    LazyLock::new(|| re(r"^((?:T|TM|TH|THR|THREAT|RISK)-?\d+(?:\.\d+)*)(?:$|[\s:.\-–—)]+(.*)$)"));
/// A line that introduces a list of threats: "Specific threats (non-exhaustive):",
/// "Threats:", "Identified threats to the update channel:".
static LIST_INTRO: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^(?:specific|known|main|key|identified|relevant|considered)?\s*threats\b[^:.]{0,60}:$")
});
/// A heading over a list of threats: "Threats", "Specific threats".
static LIST_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:specific|known|main|key|identified|relevant|considered)?\s*threats(?:\s*\(non-exhaustive\))?$",
    )
});
/// An item of a threat list that says there is none: "None identified yet.", "n/a".
static NO_THREAT_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\W*(?:none|nothing|n/?a|not\s+applicable|tbd|todo|no\s+(?:known\s+|specific\s+|relevant\s+|other\s+)?threats?)\b",
    )
});
/// An item of a threat list that only points elsewhere: "[Our threats](https://…)",
/// "see <https://…>".
static POINTER_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\W*(?:see\s+(?:also\s+)?(?:the\s+)?)?(?:\[[^\]]*\]\([^)]*\)|<?[a-z][a-z0-9+.-]*://\S+?>?)\W*$",
    )
});
/// A disposition line under a threat heading, its value after the label.
static DISPOSITION_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(disposition|mitigations?|status|decision|treatment|response|resolution|countermeasures?)\s*:|(mitigated\s+by)\b)(.*)$",
    )
});
static ID_COLUMN: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:threat\s*)?(?:id|#|no\.?|nr\.?|ref\.?|number|key)$"));
static THREAT_COLUMN: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\bthreats?\b|^(?:risks?|attacks?|abuse\s+cases?)$"));
/// Columns that name a threat only in a table that also records dispositions.
static TITLE_COLUMN: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:title|name|description|scenario)$"));
static DISPOSITION_COLUMN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)disposition|mitigat|\bstatus\b|decision|treatment|response|resolution|countermeasure|\bcontrols?\b|handling",
    )
});
static MITIGATION_LABEL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)mitigat|countermeasure|\bcontrols?\b"));
static SEVERITY_COLUMN: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)severity|\bscore\b|cvss|rating|\brisk\s*level\b|likelihood|impact"));
/// A cell that only refers to threats enumerated elsewhere: `TM-4`, `TM-5, TM-29`.
static ID_LIST: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[A-Z][A-Z0-9]*-?\d+(?:\s*(?:,|/|&|\band\b)\s*[A-Z][A-Z0-9]*-?\d+)*$"));
static ID: LazyLock<Regex> = LazyLock::new(|| re(r"[A-Z][A-Z0-9]*-?\d+"));
static LEADING_ID: LazyLock<Regex> = LazyLock::new(|| re(r"^([A-Z][A-Z0-9]*-\d+|T\d+)\b"));

/// Markup that does not change what a cell or line says.
fn clean(s: &str) -> String {
    let s = s.replace("**", "").replace("__", "").replace('`', "");
    s.trim()
        .trim_matches(|c: char| matches!(c, '*' | '_' | ' ' | '\t'))
        .trim()
        .to_string()
}

/// The cells of a table row (`\|` is a literal bar).
fn cells(row: &str) -> Vec<String> {
    let row = row.replace("\\|", "\u{1}");
    let t = row.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|')
        .map(|c| clean(&c.replace('\u{1}', "|")))
        .collect()
}

/// Why a disposition does not decide the threat, or `None` when it does.
fn undecided(value: &str) -> Option<String> {
    let v = value.trim().trim_end_matches(['.', '*', '_']).trim();
    if v.is_empty() || matches!(v, "-" | "–" | "—" | "?" | "…" | "...") {
        return Some("no disposition".into());
    }
    if text::is_placeholder(v) {
        return Some(format!("the disposition \"{}\" is a placeholder", clip(v)));
    }
    let lower = v.to_ascii_lowercase();
    if UNDECIDED.contains(&lower.as_str()) || lower == "none" {
        return Some(format!("the disposition \"{}\" decides nothing", clip(v)));
    }
    None
}

fn clip(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

/// One threat of a prose model.
#[derive(Debug)]
struct Threat {
    /// The id in upper case, or the title in lower case when there is none.
    key: String,
    label: String,
    line: u32,
    /// Why it has no decision; `None` when it has one.
    why: Option<String>,
    mitigation: bool,
    severity: bool,
}

/// The threats of a prose threat model, read from the forms documented in the rule
/// `threat-model-threats-dispositioned`: tables with a threat column, and threat headings.
pub(super) fn prose(doc: &Outline<'_>) -> ThreatCounts {
    let mut threats: Vec<Threat> = Vec::new();
    // Rows that only name ids, kept until every enumerated threat is known.
    let mut references: Vec<(Vec<String>, Threat)> = Vec::new();
    let lines = &doc.lines;
    let mut i = 0;
    while i < lines.len() {
        let is_header = lines[i].kind == LineKind::TableRow
            && lines
                .get(i + 1)
                .is_some_and(|l| l.kind == LineKind::TableSeparator);
        if !is_header {
            i += 1;
            continue;
        }
        let header = cells(&lines[i].visible);
        let mut end = i + 2;
        while end < lines.len() && lines[end].kind == LineKind::TableRow {
            end += 1;
        }
        table(doc, &header, i + 2..end, &mut threats, &mut references);
        i = end;
    }
    for (i, l) in lines.iter().enumerate() {
        if !matches!(l.kind, LineKind::Heading(_)) {
            continue;
        }
        let heading = doc.heading_text(i);
        let Some(caps) = THREAT_HEADING.captures(&heading) else {
            continue;
        };
        let id = caps.get(1).map_or("", |m| m.as_str()).to_ascii_uppercase();
        let title = caps.get(2).map_or("", |m| m.as_str()).trim().to_string();
        let end = doc.section_end(i);
        let mut why = Some("no Disposition:, Mitigation: or Status: line under it".to_string());
        let mut mitigation = false;
        let mut j = i + 1;
        while j < end {
            let line = &lines[j];
            j += 1;
            if line.kind != LineKind::Text {
                continue;
            }
            let t = text::strip_list_marker(&line.visible);
            let t = t.trim_start_matches(['*', '_', ' ']);
            let Some(caps) = DISPOSITION_LINE.captures(t) else {
                continue;
            };
            let label = caps
                .get(1)
                .or_else(|| caps.get(2))
                .map_or("", |m| m.as_str());
            let mut value = clean(caps.get(3).map_or("", |m| m.as_str()));
            if value.is_empty() {
                // `**Mitigation:**` with the text on the next line.
                if let Some(next) = lines[j..end]
                    .iter()
                    .find(|l| matches!(l.kind, LineKind::Text | LineKind::TableRow))
                {
                    value = clean(&text::strip_list_marker(&next.visible));
                }
            }
            if label.to_ascii_lowercase().starts_with("mitigated") {
                value = format!("mitigated by {value}");
            }
            why = undecided(&value);
            if why.is_none() {
                mitigation = MITIGATION_LABEL.is_match(label);
                break;
            }
        }
        threats.push(Threat {
            key: id.clone(),
            label: if title.is_empty() {
                id
            } else {
                format!("{id} {title}")
            },
            line: l.no,
            why,
            mitigation,
            severity: false,
        });
    }
    listed(doc, &mut threats);
    let known: BTreeSet<String> = threats.iter().map(|t| t.key.clone()).collect();
    for (ids, threat) in references {
        if !ids.iter().all(|id| known.contains(id)) {
            threats.push(threat);
        }
    }
    merge(threats)
}

/// Why a threat of a bullet list has no decision of its own.
const LISTED: &str = "listed as a bullet; the mitigations, if any, are not tied to it";

/// The threats of bullet lists that a line or a heading introduces as threats ("Specific
/// threats (non-exhaustive):", "### Threats"): each item is a threat, without a disposition of
/// its own, since a list of mitigations beside it does not say which threat each addresses.
fn listed(doc: &Outline<'_>, threats: &mut Vec<Threat>) {
    let lines = &doc.lines;
    let mut i = 0;
    while i < lines.len() {
        let l = &lines[i];
        let intro = match l.kind {
            LineKind::Heading(_) => LIST_HEADING.is_match(&doc.heading_text(i)),
            LineKind::Text => {
                !text::is_list_item(&l.visible) && LIST_INTRO.is_match(l.visible.trim())
            }
            _ => false,
        };
        i += 1;
        if !intro {
            continue;
        }
        // The list: items, their indented continuation lines, blank lines between items.
        while i < lines.len() {
            let item = &lines[i];
            match item.kind {
                LineKind::Blank => {}
                LineKind::Text if text::is_list_item(&item.visible) => {
                    let raw = text::strip_list_marker(&item.visible);
                    let label = clip(&clean(&raw));
                    if !label.is_empty()
                        && !NO_THREAT_ITEM.is_match(&label)
                        && !POINTER_ITEM.is_match(raw.trim())
                    {
                        threats.push(Threat {
                            key: label.to_lowercase(),
                            label,
                            line: item.no,
                            why: Some(LISTED.into()),
                            mitigation: false,
                            severity: false,
                        });
                    }
                }
                LineKind::Text if item.raw.starts_with([' ', '\t']) => {}
                _ => break,
            }
            i += 1;
        }
    }
}

/// Read one table: the threats of its rows when it has a threat column.
fn table(
    doc: &Outline<'_>,
    header: &[String],
    rows: std::ops::Range<usize>,
    threats: &mut Vec<Threat>,
    references: &mut Vec<(Vec<String>, Threat)>,
) {
    let id_col = header.iter().position(|h| ID_COLUMN.is_match(h));
    let dispositions: Vec<usize> = (0..header.len())
        .filter(|&c| Some(c) != id_col && DISPOSITION_COLUMN.is_match(&header[c]))
        .collect();
    let threat_col = (0..header.len())
        .find(|&c| Some(c) != id_col && THREAT_COLUMN.is_match(&header[c]))
        .or_else(|| {
            (!dispositions.is_empty())
                .then(|| {
                    (0..header.len())
                        .find(|&c| Some(c) != id_col && TITLE_COLUMN.is_match(&header[c]))
                })
                .flatten()
        });
    let Some(threat_col) = threat_col else {
        return;
    };
    let dispositions: Vec<usize> = dispositions
        .into_iter()
        .filter(|&c| c != threat_col)
        .collect();
    let severities: Vec<usize> = (0..header.len())
        .filter(|&c| c != threat_col && SEVERITY_COLUMN.is_match(&header[c]))
        .collect();
    for r in rows {
        let line = &doc.lines[r];
        let row = cells(&line.visible);
        let cell = |c: usize| row.get(c).map(String::as_str).unwrap_or_default();
        let title = cell(threat_col);
        if title.is_empty() || text::is_placeholder(title) {
            continue;
        }
        let id = id_col
            .map(cell)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .or_else(|| LEADING_ID.find(title).map(|m| m.as_str().to_string()))
            .map(|s| s.to_ascii_uppercase());
        let mut why = if dispositions.is_empty() {
            Some(format!(
                "the table has no disposition or mitigation column (columns: {})",
                header.join(", ")
            ))
        } else {
            None
        };
        let mut mitigation = false;
        for &c in &dispositions {
            match undecided(cell(c)) {
                None => {
                    why = None;
                    mitigation = MITIGATION_LABEL.is_match(&header[c]);
                    break;
                }
                Some(reason) => {
                    why.get_or_insert(format!("{}: {reason}", header[c]));
                }
            }
        }
        let severity = severities.iter().any(|&c| !cell(c).is_empty());
        let label = match &id {
            Some(id) if !title.starts_with(id.as_str()) => format!("{id} {title}"),
            _ => title.to_string(),
        };
        let threat = Threat {
            key: id.clone().unwrap_or_else(|| title.to_lowercase()),
            label: clip(&label),
            line: line.no,
            why,
            mitigation,
            severity,
        };
        if id_col.is_none() && dispositions.is_empty() && ID_LIST.is_match(title) {
            let ids = ID
                .find_iter(title)
                .map(|m| m.as_str().to_ascii_uppercase())
                .collect();
            references.push((ids, threat));
        } else {
            threats.push(threat);
        }
    }
}

/// One entry per threat (by id, else by title): decided when any of its entries decides it.
fn merge(threats: Vec<Threat>) -> ThreatCounts {
    let mut merged: Vec<Threat> = Vec::new();
    for t in threats {
        match merged.iter_mut().find(|m| m.key == t.key) {
            Some(m) => {
                if m.why.is_some() && t.why.is_none() {
                    m.why = None;
                    m.mitigation = t.mitigation;
                }
                m.severity |= t.severity;
            }
            None => merged.push(t),
        }
    }
    let mut counts = ThreatCounts::default();
    for t in &merged {
        counts.total += 1;
        counts.with_mitigation += usize::from(t.why.is_none() && t.mitigation);
        counts.with_severity += usize::from(t.severity);
        counts.listed += usize::from(t.why.as_deref() == Some(LISTED));
        match &t.why {
            None => counts.dispositioned += 1,
            Some(why) if counts.undecided_examples.len() < 10 => {
                counts.undecided_examples.push(t.label.clone());
                counts.undecided_at.push(Mention {
                    text: format!("{}: {why}", t.label),
                    line: t.line,
                });
            }
            Some(_) => {}
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threat_dragon_v1_and_v2() {
        let v2: Value = serde_json::from_str(
            r#"{"version":"2.2.0","summary":{"title":"Demo"},"detail":{"diagrams":[{"cells":[
                {"data":{"threats":[
                    {"title":"Spoofing","status":"Mitigated","mitigation":"mTLS","severity":"High"},
                    {"title":"Tampering","status":"Open","mitigation":"","severity":"Medium"},
                    {"title":"DoS","status":"Open","mitigation":"rate limit"}]}},
                {"data":{}}]}]}}"#,
        )
        .unwrap();
        assert!(is_threat_dragon(&v2));
        let got = threat_dragon(&v2);
        assert_eq!(
            got,
            ThreatCounts {
                total: 3,
                with_mitigation: 2,
                dispositioned: 2,
                with_severity: 2,
                undecided_examples: vec!["Tampering".into()],
                undecided_at: vec![],
                listed: 0,
            }
        );
        let v1: Value = serde_json::from_str(
            r#"{"summary":{"title":"Old"},"detail":{"diagrams":[{"diagramJson":{"cells":[
                {"threats":[{"title":"x","status":"NotApplicable"}]}]}}]}}"#,
        )
        .unwrap();
        assert_eq!(threat_dragon(&v1).dispositioned, 1);
        assert!(!is_threat_dragon(&serde_json::json!({"summary": {}})));
        // "TODO" is no mitigation.
        let todo: Value = serde_json::from_str(
            r#"{"summary":{},"detail":{"diagrams":[{"cells":[{"data":{"threats":[
                {"title":"Spoofing","status":"Open","mitigation":"TODO"}]}}]}]}}"#,
        )
        .unwrap();
        assert_eq!(threat_dragon(&todo).dispositioned, 0);
    }

    fn read(text: &str) -> ThreatCounts {
        prose(&Outline::new(text, "md"))
    }

    fn undecided(c: &ThreatCounts) -> Vec<(u32, String)> {
        c.undecided_at
            .iter()
            .map(|m| (m.line, m.text.clone()))
            .collect()
    }

    #[test]
    fn tables_with_a_threat_column() {
        let c = read(
            "# Threat model\n\n\
             | Id | Threat | Mitigation | Severity |\n\
             |----|--------|------------|----------|\n\
             | T-1 | Spoofed update server | TLS with a pinned key | High |\n\
             | T-2 | Tampered image | TODO | High |\n\
             | T-3 | Replay | - | |\n\
             | T-4 | Downgrade | none | Low |\n",
        );
        assert_eq!(
            (c.total, c.dispositioned, c.with_mitigation, c.with_severity),
            (4, 1, 1, 3)
        );
        assert_eq!(
            undecided(&c),
            vec![
                (
                    6,
                    "T-2 Tampered image: Mitigation: the disposition \"TODO\" is a placeholder"
                        .into()
                ),
                (7, "T-3 Replay: Mitigation: no disposition".into()),
                (
                    8,
                    "T-4 Downgrade: Mitigation: the disposition \"none\" decides nothing".into()
                ),
            ]
        );
        // A threat table without a disposition column: every threat is undecided.
        let c = read("| Threat | Description |\n|---|---|\n| Spoofing | of the server |\n");
        assert_eq!((c.total, c.dispositioned), (1, 0));
        assert!(
            c.undecided_at[0]
                .text
                .contains("no disposition or mitigation column"),
            "{c:?}"
        );
        // Tables that enumerate no threats are not read as threats.
        let c = read("| Asset | Description |\n|---|---|\n| Key | signs |\n");
        assert_eq!(c.total, 0);
        // A title column counts when the table records dispositions.
        let c = read("| ID | Title | Status |\n|---|---|---|\n| 7 | DoS | accepted |\n");
        assert_eq!((c.total, c.dispositioned), (1, 1));
    }

    #[test]
    fn threat_headings_with_a_disposition_line() {
        let c = read(
            "# Threats\n\n\
             ### T-1 Spoofing\n\nAn attacker poses as the server.\n\n**Disposition:** mitigated by TLS.\n\n\
             ### T-2 Tampering\n\nImages are altered.\n\n\
             ### T-3: Repudiation\n\n- Mitigation:\n\n  signed audit log\n\n\
             ### T-4 Denial of service\n\n*Status: TBD*\n\n\
             ### TM-5 Elevation\n\nMitigated by dropping privileges.\n\n\
             ### Overview\n\nNot a threat.\n",
        );
        assert_eq!(
            (c.total, c.dispositioned, c.with_mitigation),
            (5, 3, 2),
            "{c:?}"
        );
        assert_eq!(
            undecided(&c),
            vec![
                (
                    9,
                    "T-2 Tampering: no Disposition:, Mitigation: or Status: line under it".into()
                ),
                (
                    19,
                    "T-4 Denial of service: the disposition \"TBD\" is a placeholder".into()
                ),
            ]
        );
    }

    #[test]
    fn a_threat_in_a_table_and_under_a_heading_counts_once() {
        // As docs/security/threat-model.md: a summary table, details under headings, and a table
        // that only refers to threats by id.
        let c = read(
            "| Id | STRIDE | Threat | Score | Status |\n|---|---|---|---|---|\n\
             | TM-1 | S | Forged attestation | 6.5 | partially mitigated |\n\
             | TM-2 | T | Tampered package | 5.3 | mitigated |\n\n\
             #### TM-1 Forged attestation (Spoofing)\n\nText.\n\n*Status: partially mitigated.*\n\n\
             #### TM-2 Tampered package (Tampering)\n\nText.\n\n\
             | Threat | Cases |\n|---|---|\n| TM-1, TM-2 | tests |\n| TM-9 | other |\n",
        );
        // TM-2's heading has no status line, but the table decides it; TM-9 is not enumerated
        // elsewhere, so its row counts (without a disposition).
        assert_eq!(
            (c.total, c.dispositioned, c.with_severity),
            (3, 2, 2),
            "{c:?}"
        );
        assert_eq!(c.undecided_examples, vec!["TM-9".to_string()]);
    }
}
