//! `--format json`: the serde form of the report.

use crate::report::Report;

pub fn render(report: &Report) -> anyhow::Result<String> {
    pretty(report)
}

/// Pretty JSON with a final newline, carrying no raw control character (see
/// [`sanitize::json`](crate::sanitize::json)): every JSON file cargo-sdl writes goes through it.
pub(crate) fn pretty<T: serde::Serialize + ?Sized>(value: &T) -> anyhow::Result<String> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    Ok(crate::sanitize::json(s))
}
