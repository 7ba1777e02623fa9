//! Renderers read a [`Report`](crate::report::Report) (or the catalogue), never facts.

pub mod catalog;
pub mod crosswalk;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
pub mod oscal;
pub mod portfolio;
pub mod sarif;

use anstyle::{AnsiColor, Style};

use crate::eval::{Outcome, Status};

/// Where the two roots lie, from the workspace's folder relative to the repository's top
/// (`.` when they are the same): repository-level files are read at the top, crate-level files
/// in the workspace, and every path of the report is relative to the top.
/// `show` escapes the folder's name for the output format.
pub(crate) fn roots(workspace: &str, show: impl Fn(&str) -> String) -> String {
    if workspace == "." {
        "the workspace is the repository's top; paths are relative to it".to_string()
    } else {
        format!(
            "workspace {} inside the repository; repository-level files are read at \
             the repository's top, and paths are relative to it",
            show(workspace)
        )
    }
}

/// The clock warning's items, one line each: `kind source (date)`, with `show` escaping the
/// repository's text for the output format, and a last line saying how many more there are.
pub(crate) fn dated_after_lines(
    a: &crate::report::Assessed,
    show: impl Fn(&str) -> String,
) -> Vec<String> {
    let mut lines: Vec<String> = a
        .dated_after
        .iter()
        .map(|e| format!("{} {} ({})", e.kind, show(&e.source), show(&e.date)))
        .collect();
    if a.dated_after_count > a.dated_after.len() {
        lines.push(format!(
            "and {} more",
            a.dated_after_count - a.dated_after.len()
        ));
    }
    lines
}

/// The clock warning's title.
pub(crate) const DATED_AFTER: &str = "evidence dated after the assessment time";
/// What became of it, the same for every output.
pub(crate) const DATED_AFTER_RULE: &str = "attestations and training records dated later count \
     for nothing; later commits and a newer advisory database are used as found, their dates \
     being their authors' word";

/// Text in a style when colour is on.
pub(crate) fn paint(color: bool, style: Style, text: &str) -> String {
    if color {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
}

pub(crate) fn status_style(s: Status) -> Style {
    let c = match s {
        Status::Satisfied => AnsiColor::Green,
        Status::Partial => AnsiColor::Yellow,
        Status::NotSatisfied => AnsiColor::Red,
        Status::Unknown => AnsiColor::Magenta,
        Status::NotApplicable | Status::Waived => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(c.into())).bold()
}

pub(crate) fn outcome_style(o: Outcome) -> Style {
    let c = match o {
        Outcome::Pass => AnsiColor::Green,
        Outcome::Fail => AnsiColor::Red,
        Outcome::Unknown => AnsiColor::Magenta,
        Outcome::NotApplicable => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(c.into())).bold()
}

pub(crate) fn outcome_str(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "pass",
        Outcome::Fail => "fail",
        Outcome::Unknown => "unknown",
        Outcome::NotApplicable => "not-applicable",
    }
}

/// Text from a repository (commit messages, names, file contents) made inert for Markdown:
/// every character Markdown or embedded HTML could act on is backslash-escaped or encoded,
/// and line breaks are folded so that text cannot start a new block.
pub(crate) fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '.'
            | '!' | '|' | '~' | '"' | '\'' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One plain-text line per departure from the catalogue's defaults, for the renderers that
/// list the tailoring (each escapes the lines for its own format).
pub(crate) fn tailoring_lines(report: &crate::report::Report) -> Vec<String> {
    let t = &report.tailoring;
    let mut out = Vec::new();
    for c in &t.rule_levels {
        let effect = if c.configured < c.default {
            "; the gate no longer fails on it, its result still decides"
        } else {
            ""
        };
        out.push(format!(
            "rule {} ({}): level {} instead of {}{effect}",
            c.rule,
            if c.requirements.is_empty() {
                "informational".to_string()
            } else {
                c.requirements.join(", ")
            },
            c.configured,
            c.default
        ));
    }
    for p in &t.parameters {
        out.push(format!(
            "rule {}: {} = {} instead of {}",
            p.rule,
            p.parameter,
            p.configured,
            if p.default.is_empty() {
                "no default"
            } else {
                &p.default
            }
        ));
    }
    for id in &t.waivers {
        let state = report
            .waivers
            .iter()
            .find(|w| &w.waiver.id == id)
            .map(|w| match w.state {
                crate::eval::WaiverState::Used => "used",
                crate::eval::WaiverState::Unused => "unused",
                crate::eval::WaiverState::Expired => "expired",
                crate::eval::WaiverState::Invalid => "invalid",
            })
            .unwrap_or("unknown");
        out.push(format!("waiver {id} ({state})"));
    }
    for s in &t.not_applicable {
        let d = &s.decision;
        out.push(format!(
            "{} scoped out on {} by {} (analysis: {}){}",
            d.requirement,
            d.date,
            d.approver,
            d.analysis,
            match &s.why {
                None => String::new(),
                Some(why) => format!("; not accepted: {why}"),
            }
        ));
    }
    if let Some(days) = t.waiver_max_days {
        out.push(format!(
            "waivers run at most {days} days (the default is 365)"
        ));
    }
    out
}

/// Collapse whitespace runs (catalogue prose is wrapped in the TOML files).
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escape_neutralises_links_and_html() {
        let hostile = "[click](javascript:alert(1)) <script>x</script>\n# heading";
        let e = escape_markdown(hostile);
        assert!(!e.contains("<script"), "{e}");
        assert!(!e.contains("](javascript"), "{e}");
        assert!(!e.contains('\n'), "{e}");
        assert!(
            e.contains("\\[click\\]\\(javascript:alert\\(1\\)\\)"),
            "{e}"
        );
    }
}

/// One CI pipeline as the reports list it: the system, the entry file, its jobs, the other
/// files read for it and what of it could not be seen.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct CiPipelineView {
    pub system: &'static str,
    pub file: String,
    pub jobs: usize,
    pub read: Vec<String>,
    /// Why the entry file could not be read or parsed.
    pub not_analysed: Option<String>,
    /// Each reference not read, not followed or generated at run time, described.
    pub not_seen: Vec<String>,
}

/// The CI pipelines found, by system then path; None when the repository's files were not
/// collected.
pub(crate) fn ci_pipelines(report: &crate::report::Report) -> Option<Vec<CiPipelineView>> {
    let files = report.evidence.files.get().ok()?;
    Some(
        files
            .ci
            .pipelines
            .iter()
            .map(|p| CiPipelineView {
                system: p.system.name(),
                file: p.file.path.clone(),
                jobs: p.jobs.len(),
                read: p.files_read.iter().map(|f| f.path.clone()).collect(),
                not_analysed: p.not_analysed.clone(),
                not_seen: p
                    .unresolved
                    .iter()
                    .map(|u| u.describe(&p.file.path))
                    .collect(),
            })
            .collect(),
    )
}

/// One line per CI system found (its pipelines, the other files read, what was not seen), or
/// one that says none was found and where cargo-sdl looked.
pub(crate) fn ci_summary_lines(report: &crate::report::Report) -> Vec<String> {
    use crate::facts::files::CiSystem;
    let Some(pipelines) = ci_pipelines(report) else {
        return Vec::new();
    };
    if pipelines.is_empty() {
        let looked: Vec<String> = CiSystem::ALL
            .iter()
            .map(|s| format!("{} ({})", s.name(), s.locations()))
            .collect();
        return vec![format!("CI: none found; looked for {}", looked.join(", "))];
    }
    let few = |items: Vec<String>| {
        let n = items.len();
        let shown = items.into_iter().take(4).collect::<Vec<_>>().join(", ");
        if n > 4 {
            format!("{shown} and {} more", n - 4)
        } else {
            shown
        }
    };
    CiSystem::ALL
        .iter()
        .filter_map(|s| {
            let of: Vec<&CiPipelineView> =
                pipelines.iter().filter(|p| p.system == s.name()).collect();
            if of.is_empty() {
                return None;
            }
            let mut read: Vec<String> = of.iter().flat_map(|p| p.read.clone()).collect();
            read.sort();
            read.dedup();
            let jobs: usize = of.iter().map(|p| p.jobs).sum();
            let mut line = format!(
                "CI: {}: {} pipeline file(s) ({}), {jobs} job(s)",
                s.name(),
                of.len(),
                few(of.iter().map(|p| p.file.clone()).collect())
            );
            if !read.is_empty() {
                line.push_str(&format!("; also read {}", few(read)));
            }
            let broken = of.iter().filter(|p| p.not_analysed.is_some()).count();
            if broken > 0 {
                line.push_str(&format!("; {broken} could not be read"));
            }
            let unseen: Vec<&String> = of.iter().flat_map(|p| &p.not_seen).collect();
            if !unseen.is_empty() {
                let generated = unseen
                    .iter()
                    .filter(|u| u.starts_with("generated at run time"))
                    .count();
                line.push_str(&format!(
                    "; {} reference(s) not seen ({generated} generated at run time)",
                    unseen.len()
                ));
            }
            Some(line)
        })
        .collect()
}
