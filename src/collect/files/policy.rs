//! What a security policy, a security.txt and a security-requirements document state that is
//! not prose: reporting channels, RFC 9116 fields and a claimed capability security level. Each
//! finding has the line an auditor can check; the policy's statements are read by
//! [`super::statements`].

use std::sync::LazyLock;

use regex::Regex;

use super::text::{LineKind, Outline, clip};
use crate::facts::files::{Channel, ChannelKind, Mention};

fn re(pattern: &str) -> Regex {
    // The patterns are literals in this file; a typo is caught by the unit tests.
    Regex::new(pattern).unwrap_or_else(|e| panic!("invalid built-in pattern {pattern}: {e}"))
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| re(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"));
static URL: LazyLock<Regex> = LazyLock::new(|| re(r#"https?://[^\s)>\]"'`<]+"#));
static ADVISORY_URL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)github\.com/[^/\s]+/[^/\s]+/security(?:/advisories(?:/new)?)?\b"));
static PRIVATE_REPORTING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)private(?:ly)?\s+(?:vulnerability\s+)?report(?:ing)?|security\s+advisor(?:y|ies)\s+(?:tab|form|page)",
    )
});
/// GitHub's advisories named as the way to report, on a line about reporting.
static GITHUB_ADVISORY: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\bgithub(?:'s)?\s+security\s+advisor(?:y|ies)\b"));
static REPORTING_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)report|contact|send|submit|disclos|e-?mail|form"));
/// A line that offers an address for reports.
static EMAIL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)report|contact|send|submit|disclos|e-?mail|\bmail|form|reach|write\s+to|notify|let\s+us\s+know|vulnerab|secur",
    )
});
/// An address whose local part is a security or incident desk.
static SECURITY_ADDRESS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^[^@]*(?:secur|psirt|vuln|cert|incident|disclos)[^@]*@"));
/// A line that says there is no channel ("this project has no security contact").
static NO_CHANNEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bno\s+(?:security\s+)?(?:contact|channel|e-?mail|address|way\s+to\s+report)|\b(?:not|never)\b[^.]{0,40}\b(?:monitor|read|accept|answer)",
    )
});
static SECURITY_LEVEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:capability\s+)?(?:security\s+level|SL)(?:[- ]?C)?(?:\s*\((?:SL)?(?:-?C)?\))?\s*(?:[:=]|is|of)?\s*(?:SL[- ]?)?([1-4])\b",
    )
});

/// Lines, numbered from 1.
fn numbered(text: &str) -> impl Iterator<Item = (u32, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (u32::try_from(i + 1).unwrap_or(u32::MAX), l))
}

/// What a security policy says.
#[derive(Debug, Default, PartialEq)]
pub(super) struct PolicyContent {
    pub(super) channels: Vec<Channel>,
    pub(super) statements: super::statements::Read,
}

/// The reporting channels of a security policy (line by line), and its statements (sentence by
/// sentence, in context: [`super::statements`]).
/// `first` is the line of the file `text` starts at (a designated section).
pub(super) fn security_policy(text: &str, ext: &str, first: u32) -> PolicyContent {
    let mut out = PolicyContent::default();
    let outline = Outline::new_at(text, ext, first);
    // Only what a reader sees: an address in an HTML comment or a code example
    // (`git config user.email dev@…`) is no reporting channel.
    let visible = outline
        .lines
        .iter()
        .filter(|l| !matches!(l.kind, LineKind::Code | LineKind::Comment));
    for l in visible {
        let (line, l) = (l.no, l.raw);
        // An address counts on a line about reporting or contacting, or when it is a security
        // address itself; never on a line that says there is no such channel.
        let negated = NO_CHANNEL.is_match(l);
        for m in EMAIL.find_iter(l) {
            let security_address = SECURITY_ADDRESS.is_match(m.as_str());
            if !negated && (security_address || EMAIL_LINE.is_match(l)) {
                push_channel(&mut out.channels, ChannelKind::Email, m.as_str(), line);
            }
        }
        for m in URL.find_iter(l) {
            let url = m.as_str().trim_end_matches(['.', ',', ';', ':']);
            if url.to_ascii_lowercase().starts_with("mailto:") {
                continue;
            }
            if ADVISORY_URL.is_match(url) {
                push_channel(&mut out.channels, ChannelKind::Advisories, url, line);
            } else if REPORTING_LINE.is_match(l) {
                push_channel(&mut out.channels, ChannelKind::Url, url, line);
            }
        }
        if let Some(m) = PRIVATE_REPORTING.find(l) {
            push_channel(&mut out.channels, ChannelKind::Advisories, m.as_str(), line);
        } else if let Some(m) = GITHUB_ADVISORY.find(l)
            && !negated
            && REPORTING_LINE.is_match(l)
        {
            // "Vulnerabilities should be reported using the GitHub Security Advisory process":
            // GitHub's private reporting, named by what it creates.
            push_channel(&mut out.channels, ChannelKind::Advisories, m.as_str(), line);
        }
    }
    out.statements = super::statements::read(&outline);
    out
}

fn push_channel(channels: &mut Vec<Channel>, kind: ChannelKind, value: &str, line: u32) {
    if channels.len() >= 20 || channels.iter().any(|c| c.kind == kind && c.value == value) {
        return;
    }
    channels.push(Channel {
        kind,
        value: value.to_string(),
        line,
    });
}

/// The fields of an RFC 9116 security.txt that matter here.
#[derive(Debug, Default, PartialEq)]
pub(super) struct SecurityTxtContent {
    pub(super) contacts: Vec<Mention>,
    pub(super) expires_raw: Option<String>,
    pub(super) expires: Option<String>,
    pub(super) expires_line: Option<u32>,
    pub(super) signed: bool,
}

pub(super) fn security_txt(text: &str) -> SecurityTxtContent {
    let mut out = SecurityTxtContent {
        signed: text
            .trim_start()
            .starts_with("-----BEGIN PGP SIGNED MESSAGE-----"),
        ..Default::default()
    };
    for (line, l) in numbered(text) {
        let Some((field, value)) = l.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match field.trim().to_ascii_lowercase().as_str() {
            "contact" => out.contacts.push(Mention {
                text: value.to_string(),
                line,
            }),
            "expires" if out.expires_raw.is_none() => {
                out.expires_raw = Some(value.to_string());
                out.expires_line = Some(line);
                out.expires = time::OffsetDateTime::parse(
                    value,
                    &time::format_description::well_known::Rfc3339,
                )
                .ok()
                .map(crate::timefmt::rfc3339);
            }
            _ => {}
        }
    }
    out
}

/// A capability security level stated in `text`: (level, line, the matched text).
pub(super) fn security_level(text: &str) -> Option<(u8, u32, String)> {
    for (line, l) in numbered(text) {
        for caps in SECURITY_LEVEL.captures_iter(l) {
            let (Some(all), Some(level)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            // "SL 1-4" or "SL 1–4" is a range, not a claim.
            let next = l[all.end()..].chars().next();
            if matches!(next, Some('-' | '–' | '.' | ',')) && l[all.end()..].len() > 1 {
                let after = l[all.end()..].chars().nth(1);
                if after.is_some_and(|c| c.is_ascii_digit()) {
                    continue;
                }
            }
            if let Ok(level) = level.as_str().parse::<u8>() {
                return Some((level, line, clip(all.as_str())));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_channels_disclosure_and_timeframes() {
        let text = "# Security Policy\n\
                    \n\
                    Report vulnerabilities to security@example.org or through\n\
                    https://github.com/acme/widget/security/advisories/new.\n\
                    See https://example.org/about for who we are.\n\
                    We acknowledge reports within 3 business days and fix critical issues in 30 days.\n\
                    We follow coordinated disclosure with a 90-day embargo.\n";
        let got = security_policy(text, "md", 1);
        assert_eq!(
            got.channels,
            vec![
                Channel {
                    kind: ChannelKind::Email,
                    value: "security@example.org".into(),
                    line: 3
                },
                Channel {
                    kind: ChannelKind::Advisories,
                    value: "https://github.com/acme/widget/security/advisories/new".into(),
                    line: 4
                },
            ]
        );
        let frames: Vec<(&str, u32)> = got
            .statements
            .timeframes
            .iter()
            .map(|m| (m.phrase.as_str(), m.line))
            .collect();
        assert_eq!(
            frames,
            vec![
                ("within 3 business days", 6),
                ("in 30 days", 6),
                ("90-day", 7)
            ]
        );
        assert_eq!(got.statements.disclosure.len(), 1);
        assert_eq!(got.statements.disclosure[0].line, 7);
        // A section of a file keeps the file's line numbers.
        let got = security_policy(
            "## Reporting\n\nMail a@example.org; we reply within 2 days.\n",
            "md",
            40,
        );
        assert_eq!(got.channels[0].line, 42);
        assert_eq!(got.statements.timeframes[0].line, 42);
        // What a reader does not see, or a line saying there is no channel, names none; an
        // address on a line about something else names none either.
        for text in [
            "<!-- security@example.org -->\n",
            "```\ngit config user.email dev@example.org\n```\n",
            "This project has no security contact.\n",
            "Licensing questions: legal@example.org\n",
            "We publish a GitHub Security Advisory for every fixed issue.\n",
        ] {
            let got = security_policy(text, "md", 1);
            assert!(got.channels.is_empty(), "{text}: {:?}", got.channels);
        }
        // GitHub's private reporting named by what it creates, on a line about reporting.
        let got = security_policy(
            "## How to report\n\nVulnerabilities should be reported using the GitHub Security \
             Advisory\nprocess.\n",
            "md",
            1,
        );
        assert_eq!(got.channels.len(), 1, "{:?}", got.channels);
        assert_eq!(got.channels[0].line, 3);
    }

    #[test]
    fn security_txt_fields() {
        let got = security_txt(
            "Contact: mailto:security@example.org\nExpires: 2027-01-01T00:00:00+01:00\n",
        );
        assert_eq!(got.contacts.len(), 1);
        assert_eq!(got.expires.as_deref(), Some("2026-12-31T23:00:00Z"));
        assert_eq!(got.expires_line, Some(2));
        assert!(!got.signed);
        let bad = security_txt("Expires: soon\n");
        assert_eq!(bad.expires_raw.as_deref(), Some("soon"));
        assert_eq!(bad.expires, None);
        // Valid RFC 3339 whose UTC form is past year 9999: kept as written, no panic.
        let edge = security_txt("Expires: 9999-12-31T23:59:59-23:59\n");
        assert_eq!(edge.expires.as_deref(), Some("9999-12-31T23:59:59-23:59"));
    }

    #[test]
    fn security_levels() {
        let cases: &[(&str, Option<u8>)] = &[
            ("The product targets SL-C 2.", Some(2)),
            ("Capability security level: 3", Some(3)),
            ("security level (SL-C) 1", Some(1)),
            ("SL2 for all zones", Some(2)),
            ("Levels SL 1-4 are defined in 62443-3-3", None),
            ("uses OpenSSL 3", None),
        ];
        for (text, want) in cases {
            assert_eq!(security_level(text).map(|s| s.0), *want, "{text}");
        }
    }
}
