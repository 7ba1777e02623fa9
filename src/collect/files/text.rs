//! Reading prose: the security policy, security.txt, document titles, guideline topics and a
//! stated security level. Matching is by keyword on lines, so every finding has a line number
//! an auditor can check.

use std::sync::LazyLock;

use regex::Regex;

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
static REPORTING_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)report|contact|send|submit|disclos|e-?mail|form"));
static DISCLOSURE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bdisclos(?:e|ed|es|ing|ure)\b|\bembargo|\bcoordinated\s+(?:vulnerability\s+)?disclosure|\bpublish(?:ed|es|ing)?\s+(?:an?\s+)?(?:security\s+)?advisor(?:y|ies)|\badvisor(?:y|ies)\s+(?:will\s+be|is|are)\s+published|\bpublic(?:ly)?\s+(?:exposure|announcement)",
    )
});
/// "Do not disclose it publicly" and "disclose it to us at …" are about reporting, not about
/// the project's own disclosure.
static NOT_DISCLOSURE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:do\s+not|don['’]t|never|not\s+to)\s+(?:publicly\s+)?disclos\w*|disclose\s+(?:it|them|this|the\s+\w+)\s+(?:at|to|via|through|privately|by)\b",
    )
});
static TIMEFRAME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(?:within|in|after|up\s+to|no\s+later\s+than|at\s+most|under)\s+)?(?:\d{1,3}|one|two|three|four|five|six|seven|ten|fourteen|thirty|sixty|ninety)(?:\s+|-)(?:business\s+|working\s+|calendar\s+)?(?:hours?|days?|weeks?|months?)\b",
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

fn clip(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(160) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

/// What a security policy says.
#[derive(Debug, Default, PartialEq)]
pub(super) struct PolicyContent {
    pub(super) channels: Vec<Channel>,
    pub(super) disclosure: Vec<Mention>,
    pub(super) timeframes: Vec<Mention>,
}

pub(super) fn security_policy(text: &str) -> PolicyContent {
    let mut out = PolicyContent::default();
    for (line, l) in numbered(text) {
        for m in EMAIL.find_iter(l) {
            push_channel(&mut out.channels, ChannelKind::Email, m.as_str(), line);
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
        }
        if DISCLOSURE.is_match(&NOT_DISCLOSURE.replace_all(l, "")) && out.disclosure.len() < 10 {
            out.disclosure.push(Mention {
                text: clip(l),
                line,
            });
        }
        for m in TIMEFRAME.find_iter(l) {
            if out.timeframes.len() < 20 {
                out.timeframes.push(Mention {
                    text: m.as_str().split_whitespace().collect::<Vec<_>>().join(" "),
                    line,
                });
            }
        }
    }
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

/// True when line `i` of `lines` is a heading (Markdown ATX or setext, reStructuredText,
/// AsciiDoc, HTML).
fn is_heading(lines: &[&str], i: usize) -> bool {
    let l = lines[i].trim_start();
    if l.starts_with('#') && l.trim_start_matches('#').starts_with([' ', '\t']) {
        return true;
    }
    if l.starts_with('=') && l.trim_start_matches('=').starts_with(' ') {
        return true;
    }
    let b = l.as_bytes();
    if b.len() >= 3 && b[..2].eq_ignore_ascii_case(b"<h") && b[2].is_ascii_digit() {
        return true;
    }
    if l.is_empty() {
        return false;
    }
    lines.get(i + 1).is_some_and(|next| {
        let n = next.trim();
        n.len() >= 3
            && n.chars().all(|c| matches!(c, '=' | '-' | '~' | '^' | '*'))
            && n.chars().all(|c| n.starts_with(c))
    })
}

/// The first heading of a Markdown / reStructuredText / AsciiDoc document.
pub(super) fn title(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().take(60).collect();
    (0..lines.len()).find(|&i| is_heading(&lines, i)).map(|i| {
        let l = lines[i].trim();
        let t = l
            .trim_start_matches(['#', '='])
            .trim()
            .trim_end_matches('#')
            .trim();
        clip(t)
    })
}

/// The SG-1 … SG-6 topics and the words that introduce them.
pub(super) const TOPICS: &[(&str, &str, &str)] = &[
    (
        "SG-1",
        "defense-in-depth",
        r"(?i)defen[cs]e[- ]in[- ]depth|layered\s+(?:defen[cs]e|security)|security\s+(?:architecture|capabilities|features|controls)",
    ),
    (
        "SG-2",
        "environment",
        r"(?i)network\s+(?:segmentation|security|protection|isolation|requirements)|firewall|(?:deployment|operating|runtime)\s+environment|environment(?:al)?\s+(?:requirements|assumptions|protections?|security)|security\s+zones?|\bdmz\b|trust\s+boundar",
    ),
    (
        "SG-3",
        "hardening",
        r"(?i)\bharden|secure\s+configuration|security\s+(?:configuration|settings|options)|secure\s+defaults|configuration\s+options",
    ),
    (
        "SG-4",
        "disposal",
        r"(?i)\bdispos(?:al|e|ing)\b|decommission|end[- ]of[- ]life|data\s+(?:erasure|deletion|saniti[sz]ation|removal)|secure(?:ly)?\s+(?:eras|delet|wip)|\buninstall",
    ),
    (
        "SG-5",
        "secure-operation",
        r"(?i)secure(?:ly)?\s+operat|operational\s+security|(?:user|administrator|operator|customer)s?['’]?\s+responsibilit|responsibilities\s+of\s+(?:the\s+)?(?:users?|administrators?|operators?)|shared\s+responsibility|security\s+monitoring|incident\s+response",
    ),
    (
        "SG-6",
        "accounts",
        r"(?i)account\s+management|user\s+accounts?|\baccounts?\s+and\s+(?:permissions|privileges|roles)|least\s+privilege|default\s+(?:credentials?|passwords?|accounts?)|privileges?|permissions|role[- ]based\s+access|\brbac\b|access\s+control",
    ),
];

static TOPIC_RES: LazyLock<Vec<Regex>> =
    LazyLock::new(|| TOPICS.iter().map(|(_, _, p)| re(p)).collect());

/// Per topic (in [`TOPICS`] order): the first heading that names it, else the first line.
pub(super) fn topics(text: &str) -> Vec<Option<(u32, bool, String)>> {
    let lines: Vec<&str> = text.lines().collect();
    TOPIC_RES
        .iter()
        .map(|topic| {
            let mut first_body = None;
            for (i, l) in lines.iter().enumerate() {
                if !topic.is_match(l) {
                    continue;
                }
                let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
                if is_heading(&lines, i) {
                    return Some((line, true, clip(l)));
                }
                if first_body.is_none() {
                    first_body = Some((line, false, clip(l)));
                }
            }
            first_body
        })
        .collect()
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
        let got = security_policy(text);
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
        let frames: Vec<&str> = got.timeframes.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(
            frames,
            vec!["within 3 business days", "in 30 days", "90-day"]
        );
        assert_eq!(got.disclosure.len(), 1);
        assert_eq!(got.disclosure[0].line, 7);
    }

    #[test]
    fn reporting_instructions_are_not_a_disclosure_policy() {
        for (line, want) in [
            ("**Do not disclose it as a public issue.**", false),
            (
                "Please disclose it at [security advisory](https://x).",
                false,
            ),
            ("Give us 90 days before public exposure.", true),
            ("We disclose fixed issues in a GitHub advisory.", true),
            (
                "Do not disclose it publicly; we disclose it once fixed.",
                true,
            ),
        ] {
            assert_eq!(
                security_policy(line).disclosure.len(),
                usize::from(want),
                "{line}"
            );
        }
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
    fn titles() {
        assert_eq!(
            title("\n# Threat model #\ntext"),
            Some("Threat model".into())
        );
        assert_eq!(title("Design\n======\n"), Some("Design".into()));
        assert_eq!(title("= AsciiDoc title\n"), Some("AsciiDoc title".into()));
        assert_eq!(title("just text\n"), None);
        assert_eq!(title("<h2>Html</h2>\n"), Some("<h2>Html</h2>".into()));
        assert_eq!(title("éé\nü\n"), None);
    }

    #[test]
    fn topic_headings_win_over_mentions() {
        let text =
            "Use a firewall.\n\n## Network security\n\n## Hardening\n\n### Decommissioning\n";
        let got = topics(text);
        assert_eq!(got[1], Some((3, true, "## Network security".into())));
        assert_eq!(got[2], Some((5, true, "## Hardening".into())));
        assert_eq!(got[3], Some((7, true, "### Decommissioning".into())));
        assert_eq!(got[0], None);
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
