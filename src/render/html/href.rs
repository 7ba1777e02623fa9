//! Every link and element id of the page. Hrefs point into the package, relative, and are built
//! here from paths that are checked and percent-encoded or from ids that are checked or slugged,
//! never from raw repository text: no value can become a scheme, an absolute path or a way out
//! of the package. The template reaches these through filters (see `super::register_filters`).

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::report::Report;

/// The package folder that holds copies of every cited document and attestation, under their
/// repository-relative paths.
pub(crate) const DOCUMENTS_DIR: &str = "documents";

/// The relative href of a repository file's copy in the package: `documents/<path>`, each
/// segment percent-encoded. `None` when the path is not a plain relative path (absolute, empty
/// segments, `.` or `..`, backslashes): such a path is shown as text, never linked.
pub(crate) fn document_href(path: &str) -> Option<String> {
    if path.is_empty() || path.starts_with('/') || path.contains('\\') {
        return None;
    }
    let mut href = String::from(DOCUMENTS_DIR);
    for segment in path.split('/') {
        if segment.is_empty() || segment == "." || segment == ".." {
            return None;
        }
        href.push('/');
        // A segment such as `a..b` is harmless, but keeping `..` out of every href makes the
        // property easy to check.
        let encode_dots = segment.contains("..");
        for b in segment.bytes() {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'~' {
                href.push(char::from(b));
            } else if b == b'.' && !encode_dots {
                href.push('.');
            } else {
                let _ = write!(href, "%{b:02X}");
            }
        }
    }
    Some(href)
}

/// The anchor of a commit in the commits table: `commit-<id>` for a hexadecimal object id
/// (7 to 64 digits), `None` for anything else.
pub(crate) fn commit_anchor(id: &str) -> Option<String> {
    let ok = (7..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| format!("commit-{}", id.to_ascii_lowercase()))
}

/// The link to a commit's row in the commits table; `None` when the id is not an object id.
pub(super) fn commit_href(id: &str) -> Option<String> {
    commit_anchor(id).map(|a| format!("#{a}"))
}

/// The id of a requirement's article.
pub(crate) fn requirement_anchor(id: &str) -> String {
    slug("req-", id)
}

/// The id of a practice's section.
pub(super) fn practice_anchor(id: &str) -> String {
    slug("practice-", id)
}

/// The id of a rule's finding under one requirement (a finding is shown under each requirement
/// its rule supports).
pub(super) fn finding_anchor(requirement: &str, rule: &str) -> String {
    slug("finding-", &format!("{requirement}-{rule}"))
}

/// The id of an attestation, by its position: two paths could slug alike, positions cannot.
pub(super) fn attestation_anchor(index: usize) -> String {
    format!("att-{}", index + 1)
}

/// An element id from a catalogue id: letters, digits, `-` and `_` kept, anything else `_`.
fn slug(prefix: &str, id: &str) -> String {
    let mut s = String::from(prefix);
    s.extend(id.chars().map(|c| {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            c
        } else {
            '_'
        }
    }));
    s
}

/// Where each citation — a requirement id, a rule id or an attestation path — is on the page.
pub(super) struct Anchors(BTreeMap<String, String>);

impl Anchors {
    pub(super) fn new(report: &Report) -> Anchors {
        let mut anchors = BTreeMap::new();
        for r in &report.requirements {
            anchors.insert(r.id.clone(), requirement_anchor(&r.id));
        }
        for (i, a) in report.evidence.human.attestations.iter().enumerate() {
            anchors.insert(a.file.path.clone(), attestation_anchor(i));
        }
        for f in &report.findings {
            // A rule's finding is shown under each requirement it supports; link the first.
            if let Some(req) = f.requirements.first() {
                anchors
                    .entry(f.rule.clone())
                    .or_insert_with(|| finding_anchor(req, &f.rule));
            }
        }
        Anchors(anchors)
    }

    /// The link to what `citation` names; `None` when it is not on the page (a tag, a release).
    pub(super) fn href(&self, citation: &str) -> Option<String> {
        self.0.get(citation).map(|a| format!("#{a}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_hrefs_are_relative_and_encoded() {
        let cases: &[(&str, Option<&str>)] = &[
            ("SECURITY.md", Some("documents/SECURITY.md")),
            (
                "sdl/attestations/dm-1.toml",
                Some("documents/sdl/attestations/dm-1.toml"),
            ),
            ("docs/a b#c?d.md", Some("documents/docs/a%20b%23c%3Fd.md")),
            (
                "javascript:alert(1)",
                Some("documents/javascript%3Aalert%281%29"),
            ),
            ("https://evil.example/x", None),
            ("a..b/c", Some("documents/a%2E%2Eb/c")),
            (
                "\"><img src=x onerror=alert(1)>",
                Some("documents/%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E"),
            ),
            ("été.md", Some("documents/%C3%A9t%C3%A9.md")),
            ("../etc/passwd", None),
            ("docs/../../x", None),
            ("./x", None),
            ("/etc/passwd", None),
            ("", None),
            ("a//b", None),
            ("a\\..\\b", None),
        ];
        for (path, want) in cases {
            let got = document_href(path);
            assert_eq!(got.as_deref(), *want, "{path}");
            if let Some(h) = got {
                assert!(
                    !h.starts_with('/') && !h.contains("..") && !h.contains(':'),
                    "{h}"
                );
            }
        }
    }

    #[test]
    fn commit_anchors_only_for_object_ids() {
        let id = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(commit_anchor(id), Some(format!("commit-{id}")));
        assert_eq!(commit_href(id), Some(format!("#commit-{id}")));
        assert_eq!(commit_anchor("ABCDEF0"), Some("commit-abcdef0".to_string()));
        for bad in ["abc", "javascript:alert(1)", "0123456z", "\"><x", ""] {
            assert_eq!(commit_anchor(bad), None, "{bad}");
            assert_eq!(commit_href(bad), None, "{bad}");
        }
    }

    #[test]
    fn anchors_are_slugs_of_ids() {
        assert_eq!(requirement_anchor("SM-1"), "req-SM-1");
        assert_eq!(practice_anchor("S M\"<"), "practice-S_M__");
        assert_eq!(
            finding_anchor("DM-1", "commits-signed"),
            "finding-DM-1-commits-signed"
        );
        assert_eq!(attestation_anchor(0), "att-1");
    }
}
