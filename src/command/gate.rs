//! The release gate: policy over a finished report that can fail a pipeline (exit code 1).
//!
//! It fails closed: a deny-level rule that ends unknown fails the gate like one that failed,
//! unless the operator accepts it by name with `--allow-unknown RULE`.

use crate::catalog::{Catalog, Level};
use crate::cli::GateArgs;
use crate::eval::{Outcome, Status};
use crate::report::Report;

/// Check the gate's ids against the catalogue, so that a typo is a usage error (exit code 2)
/// before anything is collected.
pub(crate) fn check_args(gate: &GateArgs, catalog: &Catalog) -> anyhow::Result<()> {
    for id in &gate.allow_unknown {
        if catalog.rule(id.trim()).is_none() {
            anyhow::bail!(
                "--allow-unknown: `{}` is not a rule id; `cargo sdl rules` lists them",
                crate::sanitize::terminal(id)
            );
        }
    }
    for id in gate
        .deny_unknown
        .iter()
        .filter(|s| !s.eq_ignore_ascii_case("all"))
    {
        if catalog.requirement(id.trim()).is_none() {
            anyhow::bail!(
                "--deny-unknown: `{}` is not a requirement id; `cargo sdl rules` lists them",
                crate::sanitize::terminal(id)
            );
        }
    }
    Ok(())
}

/// Every reason the gate fails, in a stable order; empty when it passes.
pub fn reasons(report: &Report, gate: &GateArgs, catalog: &Catalog) -> anyhow::Result<Vec<String>> {
    check_args(gate, catalog)?;
    let mut out = Vec::new();
    for rule in &report.summary.denied {
        out.push(format!("deny-level rule failed: {rule}"));
    }
    let allowed = |rule: &str| gate.allow_unknown.iter().any(|a| a.trim() == rule);
    for f in &report.findings {
        if f.level == Level::Deny && f.outcome == Outcome::Unknown && !allowed(&f.rule) {
            out.push(format!(
                "deny-level rule {} is unknown, which fails closed: {}; give it the evidence it \
                 needs, or accept the unknown outcome with --allow-unknown {}",
                f.rule, f.message, f.rule
            ));
        }
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
        if let Some(r) = catalog.requirement(id.trim()) {
            named.push(r.id.clone());
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
pub(crate) fn describe(reasons: &[String]) -> String {
    let n = reasons.len();
    let mut s = format!(
        "\ngate failed ({n} {}):\n",
        if n == 1 { "reason" } else { "reasons" }
    );
    for r in reasons {
        s.push_str("  - ");
        s.push_str(&crate::sanitize::terminal(r));
        s.push('\n');
    }
    s
}
