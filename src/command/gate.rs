//! The release gate: policy over a finished report that can fail a pipeline (exit code 1).

use crate::catalog::Catalog;
use crate::cli::GateArgs;
use crate::eval::Status;
use crate::report::Report;

/// Every reason the gate fails, in a stable order; empty when it passes.
pub fn reasons(report: &Report, gate: &GateArgs, catalog: &Catalog) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for rule in &report.summary.denied {
        out.push(format!("deny-level rule failed: {rule}"));
    }
    if let Some(min) = gate.deny_below {
        for p in &report.practices {
            if let Some(level) = p.maturity.level
                && level < min
            {
                out.push(format!(
                    "practice {} is at ML{level}, below ML{min}: {}",
                    p.id, p.maturity.why
                ));
            }
        }
    }
    if gate.deny_expired {
        for r in &report.requirements {
            if !r.expired_attestations.is_empty() && r.attestations.is_empty() {
                out.push(format!(
                    "{}: attestation expired and not renewed: {}",
                    r.id,
                    r.expired_attestations.join(", ")
                ));
            }
        }
    }
    let all = gate
        .deny_unknown
        .iter()
        .any(|s| s.eq_ignore_ascii_case("all"));
    let mut named = Vec::new();
    for id in gate
        .deny_unknown
        .iter()
        .filter(|s| !s.eq_ignore_ascii_case("all"))
    {
        match catalog.requirement(id.trim()) {
            Some(r) => named.push(r.id.clone()),
            None => anyhow::bail!(
                "--deny-unknown: `{id}` is not a requirement id; `cargo sdl rules` lists them"
            ),
        }
    }
    for r in &report.requirements {
        if r.status == Status::Unknown && (all || named.contains(&r.id)) {
            out.push(format!("{} is unknown: {}", r.id, r.reason));
        }
    }
    Ok(out)
}

/// The reasons as the terminal shows them.
pub fn describe(reasons: &[String]) -> String {
    let mut s = format!("\ngate failed ({} reasons):\n", reasons.len());
    for r in reasons {
        s.push_str("  - ");
        s.push_str(&crate::sanitize::terminal(r));
        s.push('\n');
    }
    s
}
