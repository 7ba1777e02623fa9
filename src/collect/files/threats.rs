//! Machine-readable threat models: OWASP Threat Dragon JSON (v1 and v2) and Threagile YAML.

use serde_json::Value;

use super::yaml;
use crate::facts::files::ThreatCounts;

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
    let mitigated = !mitigation.trim().is_empty();
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
                undecided_examples: vec!["Tampering".into()]
            }
        );
        let v1: Value = serde_json::from_str(
            r#"{"summary":{"title":"Old"},"detail":{"diagrams":[{"diagramJson":{"cells":[
                {"threats":[{"title":"x","status":"NotApplicable"}]}]}}]}}"#,
        )
        .unwrap();
        assert_eq!(threat_dragon(&v1).dispositioned, 1);
        assert!(!is_threat_dragon(&serde_json::json!({"summary": {}})));
    }
}
