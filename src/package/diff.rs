//! `cargo sdl diff OLD NEW`: what changed between two reports (or packages) — requirement
//! statuses, maturity, advisories, dependencies, attestations — and whether anything got worse.
//! It reads the JSON form, so that reports of older tool versions still compare.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;
use serde_json::Value;

/// One change, and whether it is a regression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: String,
    pub subject: String,
    pub old: String,
    pub new: String,
    pub regression: bool,
}

/// Load `report.json` from a file, a package directory or a package archive. A package must be
/// well-formed and match its manifest: comparing a tampered package would report the
/// tampering as history.
pub(crate) fn load_report(path: &Path) -> anyhow::Result<Value> {
    let shown = crate::sanitize::terminal(&path.display().to_string());
    let opened = super::open_report(path)?;
    if let Some(why) = opened.refusal() {
        anyhow::bail!("{shown}: {why}; `cargo sdl verify` lists the differences");
    }
    let bytes = opened
        .report
        .with_context(|| format!("{shown}: the package has no report.json"))?;
    let v: Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("{shown}: report.json is not valid JSON"))?;
    if v.get("schema_version").and_then(Value::as_u64).is_none() {
        anyhow::bail!("{shown}: not a cargo-sdl report (no schema_version)");
    }
    Ok(v)
}

fn by_id<'a>(v: &'a Value, key: &str) -> BTreeMap<String, &'a Value> {
    v[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["id"].as_str().map(|id| (id.to_string(), x)))
                .collect()
        })
        .unwrap_or_default()
}

/// Advisory ids found in a report's evidence, tolerant of how the advisory facts are shaped:
/// every string value under `evidence.advisories` that looks like an advisory id.
fn advisory_ids(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    collect_strings(&v["evidence"]["advisories"], &mut |s| {
        if s.starts_with("RUSTSEC-") && s.len() == 17 {
            out.insert(s.to_string());
        }
    });
    out
}

fn collect_strings(v: &Value, f: &mut dyn FnMut(&str)) {
    match v {
        Value::String(s) => f(s),
        Value::Array(a) => a.iter().for_each(|x| collect_strings(x, f)),
        Value::Object(o) => o.values().for_each(|x| collect_strings(x, f)),
        _ => {}
    }
}

/// `name version` of every package in the evidence (objects with `name` and `version`).
fn packages(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Some(list) = v["evidence"]["cargo"]["value"]["packages"].as_array() {
        for p in list {
            if let (Some(n), Some(ver)) = (p["name"].as_str(), p["version"].as_str()) {
                out.insert(format!("{n} {ver}"));
            }
        }
    }
    out
}

/// Every change from `old` to `new`, in a stable order.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut changes = Vec::new();
    let (or, nr) = (by_id(old, "requirements"), by_id(new, "requirements"));
    for (id, n) in &nr {
        let ns = n["status"].as_str().unwrap_or("unknown");
        match or.get(id) {
            Some(o) => {
                let os = o["status"].as_str().unwrap_or("unknown");
                if os != ns {
                    changes.push(Change {
                        kind: "status".into(),
                        subject: id.clone(),
                        old: os.into(),
                        new: ns.into(),
                        regression: crate::eval::Status::rank_of(ns)
                            > crate::eval::Status::rank_of(os),
                    });
                }
            }
            None => changes.push(Change {
                kind: "status".into(),
                subject: id.clone(),
                old: "absent".into(),
                new: ns.into(),
                regression: false,
            }),
        }
        let expired = |v: &Value| -> BTreeSet<String> {
            v["expired_attestations"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let before = or.get(id).map(|o| expired(o)).unwrap_or_default();
        for a in expired(n).difference(&before) {
            changes.push(Change {
                kind: "attestation-expired".into(),
                subject: format!("{id} {a}"),
                old: "current".into(),
                new: "expired".into(),
                regression: true,
            });
        }
    }
    for id in or.keys().filter(|id| !nr.contains_key(*id)) {
        changes.push(Change {
            kind: "status".into(),
            subject: id.clone(),
            old: or[id]["status"].as_str().unwrap_or("unknown").into(),
            new: "absent".into(),
            regression: true,
        });
    }
    let (op, np) = (by_id(old, "practices"), by_id(new, "practices"));
    for (id, n) in &np {
        let level = |v: &Value| v["maturity"]["level"].as_u64();
        let (ol, nl) = (op.get(id).and_then(|o| level(o)), level(n));
        if ol != nl {
            let show =
                |l: Option<u64>| l.map(|l| format!("ML{l}")).unwrap_or_else(|| "none".into());
            changes.push(Change {
                kind: "maturity".into(),
                subject: id.clone(),
                old: show(ol),
                new: show(nl),
                regression: nl.unwrap_or(0) < ol.unwrap_or(0),
            });
        }
    }
    let (oa, na) = (advisory_ids(old), advisory_ids(new));
    for a in na.difference(&oa) {
        changes.push(Change {
            kind: "advisory".into(),
            subject: a.clone(),
            old: "absent".into(),
            new: "found".into(),
            regression: true,
        });
    }
    for a in oa.difference(&na) {
        changes.push(Change {
            kind: "advisory".into(),
            subject: a.clone(),
            old: "found".into(),
            new: "fixed".into(),
            regression: false,
        });
    }
    let (od, nd) = (packages(old), packages(new));
    for p in nd.difference(&od) {
        changes.push(Change {
            kind: "dependency".into(),
            subject: p.clone(),
            old: "absent".into(),
            new: "added".into(),
            regression: false,
        });
    }
    for p in od.difference(&nd) {
        changes.push(Change {
            kind: "dependency".into(),
            subject: p.clone(),
            old: "present".into(),
            new: "removed".into(),
            regression: false,
        });
    }
    changes
}

/// The changes for the terminal.
pub(crate) fn describe(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no changes\n".into();
    }
    let mut out = String::new();
    for c in changes {
        let _ = writeln!(
            out,
            "{} {:<20} {:<24} {} → {}",
            if c.regression { "worse" } else { "     " },
            c.kind,
            crate::sanitize::terminal(&c.subject),
            crate::sanitize::terminal(&c.old),
            crate::sanitize::terminal(&c.new)
        );
    }
    let worse = changes.iter().filter(|c| c.regression).count();
    let _ = writeln!(out, "{} changes, {worse} regressions", changes.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report(status: &str, level: u64, advisories: &[&str], expired: &[&str]) -> Value {
        json!({
            "schema_version": 1,
            "requirements": [{"id": "SR-2", "status": status, "expired_attestations": expired}],
            "practices": [{"id": "SR", "maturity": {"level": level}}],
            "evidence": {
                "advisories": {"state": "present", "value": {"found": advisories}},
                "cargo": {"state": "present", "value": {"packages": [{"name": "serde", "version": "1.0.0"}]}}
            }
        })
    }

    #[test]
    fn regressions_are_flagged_and_improvements_are_not() {
        let old = report("satisfied", 3, &["RUSTSEC-2020-0071"], &[]);
        let new = report(
            "partial",
            2,
            &["RUSTSEC-2024-0001"],
            &["sdl/attestations/sr-2.toml"],
        );
        let changes = diff(&old, &new);
        let kinds: Vec<(&str, bool)> = changes
            .iter()
            .map(|c| (c.kind.as_str(), c.regression))
            .collect();
        assert_eq!(
            kinds,
            [
                ("status", true),
                ("attestation-expired", true),
                ("maturity", true),
                ("advisory", true),
                ("advisory", false),
            ]
        );
        let back = diff(&new, &old);
        assert!(
            back.iter()
                .filter(|c| c.kind != "advisory")
                .all(|c| !c.regression),
            "{back:?}"
        );
        assert!(diff(&old, &old).is_empty());
    }
}
