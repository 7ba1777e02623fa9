//! `crosswalk.csv`: each requirement with its status, maturity and its NIST SSDF and EU CRA
//! Annex I ids, for spreadsheets and scripts.
//!
//! RFC 4180 with two choices made explicit:
//! - lines end in LF, not CRLF (RFC 4180 says CRLF; every spreadsheet and CSV library reads LF,
//!   and LF keeps the file diff-friendly in git); a field that itself contains CR or LF is
//!   quoted and keeps it;
//! - a field is quoted when it contains a comma, a double quote, CR or LF, and quotes inside
//!   it are doubled.
//!
//! Spreadsheets execute a cell that starts with `=`, `+`, `-`, `@`, tab or CR as a formula
//! (CSV injection). Titles and attestation paths can come from the repository, so every field
//! starting with one of those gets a leading `'`, which spreadsheets show as text. No field of
//! the built-in catalogue starts with one, so nothing legitimate changes.
//!
//! Multi-valued fields (ssdf, cra, decided_by, ssdf_judgement) are joined with `; `.
//! `maturity_level` is the requirement's maturity indicator 1–4, empty when the requirement is
//! scoped out.
//!
//! Where the crosswalk ids come from: `ssdf` lists every NIST SSDF 1.1 id of the requirement;
//! the last column, `ssdf_judgement`, repeats those of them that are our judgement (NIST's
//! SP 800-218 cites nothing there); the others are cited by NIST. Every `cra` id is our
//! judgement. The catalogue supplies the judgement ids (by requirement id); a requirement the
//! catalogue does not know gets an empty cell.

use crate::catalog::Catalog;
use crate::report::Report;

pub const HEADER: [&str; 9] = [
    "requirement",
    "practice",
    "title",
    "status",
    "maturity_level",
    "ssdf",
    "cra",
    "decided_by",
    "ssdf_judgement",
];

pub fn render_crosswalk_csv(report: &Report, catalog: &Catalog) -> String {
    let mut out = String::new();
    push_row(&mut out, HEADER.iter().map(|h| h.to_string()));
    for r in &report.requirements {
        let judgement = catalog
            .requirement(&r.id)
            .map(|c| c.ssdf_judgement.join("; "))
            .unwrap_or_default();
        push_row(
            &mut out,
            [
                r.id.clone(),
                r.practice.clone(),
                r.title.clone(),
                r.status.as_str().to_string(),
                r.maturity
                    .as_ref()
                    .map(|m| m.level.to_string())
                    .unwrap_or_default(),
                r.ssdf.join("; "),
                r.cra.join("; "),
                r.decided_by.join("; "),
                judgement,
            ],
        );
    }
    crate::sanitize::document(&out)
}

pub(crate) fn push_row(out: &mut String, fields: impl IntoIterator<Item = String>) {
    let mut first = true;
    for f in fields {
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(&csv_field(&f));
    }
    out.push('\n');
}

/// One field, neutralised against formula injection and quoted where RFC 4180 needs it.
pub(crate) fn csv_field(value: &str) -> String {
    let mut v = String::with_capacity(value.len() + 2);
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.push('\'');
    }
    v.push_str(value);
    if v.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_neutralised() {
        let cases = [
            ("plain", "plain"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("cr\rhere", "\"cr\rhere\""),
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            ("=1,2", "\"'=1,2\""),
            ("", ""),
            ("a-b", "a-b"),
        ];
        for (input, want) in cases {
            assert_eq!(csv_field(input), want, "{input:?}");
        }
    }
}
