//! The terminal summary: per practice its requirements and status, then the findings that
//! need attention with their remediation.

use std::fmt::Write;

use anstyle::Style;

use super::{one_line, outcome_str, outcome_style, paint, status_style};
use crate::eval::{Outcome, Status};
use crate::report::Report;
use crate::sanitize::terminal as t;

/// How many non-passing findings the summary details.
const WORST: usize = 10;

pub fn render(report: &Report, color: bool) -> String {
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let mut out = String::new();
    let p = &report.product;
    let _ = writeln!(
        out,
        "{} {} {} — IEC 62443-4-1 self-assessment at {} (maturity is an indicator, not an auditor's verdict)",
        paint(color, bold, "cargo sdl:"),
        t(&p.name),
        t(&p.version),
        report.generated_at
    );
    if let Some(a) = &report.assessed {
        let mut line = match &a.commit {
            Some(c) => format!(
                "assessed: commit {}{}{}",
                c,
                match (&a.branch, a.detached) {
                    (Some(b), _) => format!(" on {}", t(b)),
                    (None, true) => " (detached HEAD)".to_string(),
                    _ => String::new(),
                },
                if a.tags.is_empty() {
                    String::new()
                } else {
                    format!(", tagged {}", t(&a.tags.join(", ")))
                }
            ),
            None => "assessed: not a git repository".to_string(),
        };
        if let Some(w) = &a.work_tree {
            if w.clean {
                line.push_str("; work tree clean");
            } else {
                line.push_str(&format!(
                    "; work tree differs from the commit: {} modified, {} missing (the evidence \
                     was read from the work tree)",
                    w.modified_count, w.missing_count
                ));
            }
        }
        let _ = writeln!(out, "{line}");
        let _ = writeln!(out, "roots: {}", super::roots(&a.workspace, t));
        if let Some(r) = &a.releases {
            let _ = writeln!(out, "release tags: {}", t(r));
        }
        let _ = writeln!(out, "assessment time: {} (from {})", a.time, a.time_source);
        if a.dated_after_count > 0 {
            let _ = writeln!(
                out,
                "{}: {} {} ({}):",
                paint(color, status_style(Status::Partial), "warning"),
                a.dated_after_count,
                super::DATED_AFTER,
                super::DATED_AFTER_RULE
            );
            for line in super::dated_after_lines(a, t) {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    if let Some(sl) = p.security_level {
        let _ = writeln!(out, "claimed capability security level: SL-C {sl}");
    }
    let _ = writeln!(
        out,
        "configuration: {}",
        t(report.config.as_deref().unwrap_or("none (defaults)"))
    );
    let c = &report.catalogue;
    let _ = writeln!(
        out,
        "catalogue: {} {}, version {}{} (sha256 {})",
        t(&c.standard),
        t(&c.edition),
        t(&c.version),
        if c.extended {
            ", extended by --practices"
        } else {
            ""
        },
        c.sha256.get(..16).unwrap_or(&c.sha256)
    );
    supply_lines(&mut out, report);
    for line in super::ci_summary_lines(report) {
        let _ = writeln!(out, "{}", t(&line));
    }
    for practice in &report.practices {
        let _ = writeln!(
            out,
            "\n{} {} — {}",
            paint(color, bold, &practice.id),
            t(&practice.name),
            paint(color, bold, &practice.maturity.label),
        );
        for req in report
            .requirements
            .iter()
            .filter(|r| r.practice == practice.id)
        {
            let _ = writeln!(
                out,
                "  {:<7} {:<15} {}",
                req.id,
                paint(color, status_style(req.status), req.status.as_str()),
                t(&req.title)
            );
            if req.status != Status::Satisfied && req.status != Status::Unknown {
                let _ = writeln!(
                    out,
                    "  {:<7} {:<15} {}",
                    "",
                    "",
                    paint(color, dim, &t(&req.reason))
                );
            }
        }
        // What would lift the practice: the first two of its least mature requirements.
        if let Some(level) = practice.maturity.level.filter(|l| *l < 4) {
            let lowest: Vec<_> = practice
                .maturity
                .requirements
                .iter()
                .filter(|r| r.level == level)
                .collect();
            for r in lowest.iter().take(2) {
                if let Some(next) = &r.next {
                    let _ = writeln!(
                        out,
                        "  {} {}: {}",
                        paint(color, dim, "next level:"),
                        r.id,
                        t(next)
                    );
                }
            }
            if lowest.len() > 2 {
                let _ = writeln!(
                    out,
                    "  {} {} more requirements at ML{level} (`--format json` lists them)",
                    paint(color, dim, "next level:"),
                    lowest.len() - 2
                );
            }
        }
    }

    let mut attention: Vec<_> = report
        .findings
        .iter()
        .filter(|f| matches!(f.outcome, Outcome::Fail | Outcome::Unknown))
        .collect();
    // Deny before warn, fail before unknown, then by id: the order is stable.
    attention.sort_by_key(|f| (std::cmp::Reverse(f.level), f.outcome, f.rule.clone()));
    if !attention.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint(color, bold, "Findings that need attention")
        );
        for f in attention.iter().take(WORST) {
            let _ = writeln!(
                out,
                "  {} [{}] {}: {}",
                paint(color, outcome_style(f.outcome), outcome_str(f.outcome)),
                f.level,
                t(&f.rule),
                t(&f.message)
            );
            if let Some(r) = &f.remediation {
                let _ = writeln!(
                    out,
                    "      {} {}",
                    paint(color, dim, "fix:"),
                    t(&one_line(r))
                );
            }
        }
        if attention.len() > WORST {
            let _ = writeln!(
                out,
                "  … and {} more (`--format json` lists them all)",
                attention.len() - WORST
            );
        }
    }

    let tailored = super::tailoring_lines(report);
    if !tailored.is_empty() {
        let _ = writeln!(
            out,
            "\n{} (departures from the catalogue's defaults)",
            paint(color, bold, "Tailoring")
        );
        for line in &tailored {
            let _ = writeln!(out, "  {}", t(line));
        }
    }

    if !report.waivers.is_empty() {
        let _ = writeln!(out, "\n{}", paint(color, bold, "Waivers"));
        for w in &report.waivers {
            let state = match w.state {
                crate::eval::WaiverState::Used => "used",
                crate::eval::WaiverState::Unused => "unused: it matches nothing, remove it",
                crate::eval::WaiverState::Expired => "expired: counts as absent",
                crate::eval::WaiverState::Invalid => "invalid: counts as absent",
            };
            let _ = writeln!(
                out,
                "  {} ({state}; owner {}, until {}): {}",
                t(&w.waiver.id),
                t(&w.waiver.owner),
                w.waiver.expires,
                t(&w.waiver.reason)
            );
            if let Some(why) = &w.why {
                let _ = writeln!(out, "    {}", t(why));
            }
        }
    }

    let s = &report.summary;
    let counts: Vec<String> = s
        .requirements
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    let _ = writeln!(
        out,
        "\n{} {} requirements: {}; rules: {} pass, {} fail, {} unknown, {} not applicable",
        paint(color, bold, "Summary:"),
        report.requirements.len(),
        counts.join(", "),
        s.rules_passed,
        s.rules_failed,
        s.rules_unknown,
        s.rules_not_applicable
    );
    if !s.undecided.is_empty() {
        let _ = writeln!(
            out,
            "{} {} (each fails the gate unless --allow-unknown names it)",
            paint(
                color,
                outcome_style(Outcome::Unknown),
                "deny-level rules unknown:"
            ),
            t(&s.undecided.join(", "))
        );
    }
    if s.denied.is_empty() {
        let _ = writeln!(out, "no deny-level rule failed");
    } else {
        let _ = writeln!(
            out,
            "{} {}",
            paint(
                color,
                outcome_style(Outcome::Fail),
                "deny-level rules failed:"
            ),
            t(&s.denied.join(", "))
        );
    }
    out
}

/// Which advisory database and which toolchain the supply-chain evidence comes from, and what
/// the repository asked for that was not honoured.
fn supply_lines(out: &mut String, report: &Report) {
    use crate::facts::Collected;
    match &report.evidence.advisories {
        Collected::Present { value } => {
            let db = &value.database;
            let _ = writeln!(
                out,
                "advisory database: {} ({}), {} from {}, {} advisories",
                t(&db.path),
                t(&db.why),
                db.date,
                db.date_source,
                db.advisories
            );
            if let Some(o) = &db.overridden {
                let _ = writeln!(out, "  {}", t(o));
            }
        }
        Collected::Absent { reason } | Collected::Failed { error: reason } => {
            let _ = writeln!(out, "advisory database: none used: {}", t(reason));
        }
    }
    if let Collected::Present { value } = &report.evidence.cargo {
        if let Some(tc) = &value.toolchain {
            let _ = writeln!(out, "cargo metadata: ran with {}", t(tc));
        }
        for note in [&value.toolchain_pin, &value.cargo_config]
            .into_iter()
            .flatten()
        {
            let _ = writeln!(out, "  {}", t(note));
        }
    }
}
