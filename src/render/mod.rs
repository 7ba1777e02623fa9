//! Renderers read a [`Report`](crate::report::Report) (or the catalogue), never facts.

pub mod catalog;
pub mod crosswalk;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
pub mod oscal;
pub mod sarif;

use anstyle::{AnsiColor, Style};

use crate::eval::{Outcome, Status};

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
pub fn escape_markdown(text: &str) -> String {
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
