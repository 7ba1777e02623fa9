//! Rules over the security policy (SECURITY.md), security.txt and CODEOWNERS (DM-1, DM-5,
//! SUM-5, SM-2).

use super::documents::Judged;
use super::{at, list, only_candidates};
use crate::eval::{RuleCtx, RuleResult};
use crate::facts::EvidenceRef;
use crate::facts::files::{Candidate, ChannelKind, SecurityPolicy, SetAside, Statement};

pub(super) fn security_policy_present(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    let Some(p) = &f.security_policy else {
        let candidates: Vec<&Candidate> = f
            .candidates
            .iter()
            .filter(|c| c.key == "documents.security-policy")
            .collect();
        if !candidates.is_empty() {
            return only_candidates("security policy", &candidates);
        }
        return RuleResult::fail(
            "no security policy found (SECURITY.md in the root, .github/ or docs/)",
            vec![],
        );
    };
    if let Some(why) = &p.not_analysed {
        return RuleResult::unknown(format!("security policy {} {why}", p.file.path));
    }
    let min_words = require!(ctx.param_u64("min-words"));
    // The collector lists the policy among the documents, measured.
    let Some(doc) = f.documents_of("security-policy").next() else {
        return RuleResult::unknown(format!(
            "the substance of the security policy {} was not measured",
            p.file.path
        ));
    };
    match super::documents::judge(f, doc, min_words, None) {
        Judged::Hollow(why, at) => {
            return RuleResult::fail(
                format!("security policy without substance: {why}"),
                vec![at],
            );
        }
        Judged::Unjudged(why) => return RuleResult::unknown(why),
        Judged::Substantive(_) => {}
    }
    if p.channels.is_empty() {
        return RuleResult::fail(
            format!(
                "{} names no reporting channel (e-mail address, advisory link or reporting URL)",
                p.file.path
            ),
            vec![EvidenceRef::from(&p.file)],
        );
    }
    let kind = |k: ChannelKind| match k {
        ChannelKind::Email => "e-mail",
        ChannelKind::Advisories => "private advisory",
        ChannelKind::Url => "url",
    };
    RuleResult::pass(
        format!(
            "{} names {} reporting channel(s): {}",
            p.file.path,
            p.channels.len(),
            list(
                p.channels.iter().map(|c| format!(
                    "{} {} (line {})",
                    kind(c.kind),
                    c.value,
                    c.line
                )),
                3
            )
        ),
        p.channels.iter().map(|c| p.file.at_line(c.line)).collect(),
    )
}

/// The statements a `policy-statement` check can name (`catalog::POLICY_STATEMENTS`): where the
/// security policy's sentences that make each one are.
fn statements(statement: &str) -> Option<fn(&SecurityPolicy) -> &Vec<Statement>> {
    match statement {
        "disclosure" => Some(|p| &p.disclosure),
        "timeframes" => Some(|p| &p.timeframes),
        _ => None,
    }
}

/// The `policy-statement` check: passes when a sentence of the security policy makes
/// `statement`, read in its context, quoting the sentence with its line; fails when none does,
/// quoting the sentences that had its keywords but were set aside, and why.
pub(in crate::eval) fn policy_statement(
    ctx: &RuleCtx<'_>,
    statement: &str,
    what: &str,
) -> RuleResult {
    let Some(pick) = statements(statement) else {
        return RuleResult::unknown(format!(
            "rule {}: `{statement}` is not a security policy statement",
            ctx.rule.id
        ));
    };
    let f = file_facts!(ctx);
    let Some(p) = &f.security_policy else {
        // A "Security" section of the README may be the policy: until designated, unknown.
        let candidates: Vec<&Candidate> = f
            .candidates
            .iter()
            .filter(|c| c.key == "documents.security-policy")
            .collect();
        if !candidates.is_empty() {
            return only_candidates(&format!("security policy (to state {what})"), &candidates);
        }
        return RuleResult::fail(format!("no security policy found to state {what}"), vec![]);
    };
    if let Some(why) = &p.not_analysed {
        return RuleResult::unknown(format!("security policy {} {why}", p.file.path));
    }
    let found = pick(p);
    if found.is_empty() {
        let aside: Vec<&SetAside> = p
            .set_aside
            .iter()
            .filter(|s| s.statement == statement)
            .collect();
        let mut message = format!("{} does not state {what}", p.file.path);
        if !aside.is_empty() {
            message.push_str(&format!(
                "; set aside: {}",
                list(
                    aside.iter().map(|s| format!(
                        "{} \"{}\" ({})",
                        at(&p.file, s.line),
                        s.sentence,
                        s.why
                    )),
                    2
                )
            ));
        }
        let mut evidence = vec![EvidenceRef::from(&p.file)];
        evidence.extend(aside.iter().map(|s| p.file.at_line(s.line)));
        return RuleResult::fail(message, evidence);
    }
    // One quote per sentence, however many time-frames it states.
    let mut quoted: Vec<&Statement> = Vec::new();
    for s in found {
        if !quoted
            .iter()
            .any(|q| q.line == s.line && q.sentence == s.sentence)
        {
            quoted.push(s);
        }
    }
    RuleResult::pass(
        format!(
            "{} states {what}: {}",
            p.file.path,
            list(
                quoted
                    .iter()
                    .map(|s| format!("{} \"{}\"", at(&p.file, s.line), s.sentence)),
                2
            )
        ),
        quoted.iter().map(|s| p.file.at_line(s.line)).collect(),
    )
}

pub(super) fn security_txt_current(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    let Some(s) = &f.security_txt else {
        return RuleResult::not_applicable(
            "no security.txt is published, so none can be stale",
            vec![],
        );
    };
    if let Some(why) = &s.not_analysed {
        return RuleResult::unknown(format!("{} {why}", s.file.path));
    }
    let file = EvidenceRef::from(&s.file);
    if s.contacts.is_empty() {
        return RuleResult::fail(format!("{} has no Contact field", s.file.path), vec![file]);
    }
    let (Some(raw), Some(line)) = (&s.expires_raw, s.expires_line) else {
        return RuleResult::fail(
            format!(
                "{} has no Expires field (RFC 9116 requires one)",
                s.file.path
            ),
            vec![file],
        );
    };
    let expires = s
        .expires
        .as_deref()
        .and_then(|e| crate::timefmt::parse(e).ok());
    let Some(expires) = expires else {
        return RuleResult::fail(
            format!(
                "{}: Expires `{raw}` is not an RFC 3339 date-time",
                at(&s.file, line)
            ),
            vec![s.file.at_line(line)],
        );
    };
    let when = crate::timefmt::rfc3339(expires);
    if expires <= ctx.now {
        RuleResult::fail(
            format!("{} expired on {when}", s.file.path),
            vec![s.file.at_line(line)],
        )
    } else {
        RuleResult::pass(
            format!(
                "{} lists {} contact(s) and is valid until {when}",
                s.file.path,
                s.contacts.len()
            ),
            vec![s.file.at_line(line)],
        )
    }
}

pub(super) fn codeowners_coverage(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    let min = require!(ctx.param_f64("min-share"));
    let Some(c) = &f.codeowners else {
        return RuleResult::fail(
            "no CODEOWNERS file in .github/, the root or docs/; no file has a responsible owner",
            vec![],
        );
    };
    if let Some(why) = &c.not_analysed {
        return RuleResult::unknown(format!("{} {why}", c.file.path));
    }
    if f.listing.truncated {
        return RuleResult::unknown(format!(
            "the file listing was truncated at {} files; coverage cannot be computed",
            f.listing.files
        ));
    }
    if c.files_total == 0 {
        return RuleResult::unknown("no files were listed to measure CODEOWNERS coverage on");
    }
    let share = c.files_covered as f64 / c.files_total as f64;
    let message = format!(
        "{} assigns owners to {} of {} files ({:.1}%, minimum {:.1}%)",
        c.file.path,
        c.files_covered,
        c.files_total,
        share * 100.0,
        min * 100.0
    );
    let evidence = vec![EvidenceRef::from(&c.file)];
    if share + 1e-9 >= min {
        RuleResult::pass(message, evidence)
    } else {
        RuleResult::fail(
            format!(
                "{message}; without owner: {}",
                list(c.uncovered_examples.iter().cloned(), 5)
            ),
            evidence,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::statements;
    use crate::config::Config;
    use crate::eval::Outcome::{Fail, NotApplicable, Pass, Unknown};
    use crate::facts::files::*;

    fn policy(channels: usize, disclosure: usize, timeframes: usize) -> FileFacts {
        let m = |n: usize| {
            (0..n)
                .map(|i| Statement {
                    line: i as u32 + 1,
                    sentence: format!("Sentence {i} within 3 days."),
                    phrase: format!("m{i}"),
                })
                .collect::<Vec<_>>()
        };
        FileFacts {
            security_policy: Some(SecurityPolicy {
                file: fref("SECURITY.md"),
                channels: (0..channels)
                    .map(|i| Channel {
                        kind: ChannelKind::Email,
                        value: format!("s{i}@example.org"),
                        line: 3,
                    })
                    .collect(),
                disclosure: m(disclosure),
                timeframes: m(timeframes),
                set_aside: vec![],
                not_analysed: None,
            }),
            documents: vec![doc("security-policy", "SECURITY.md", prose(30))],
            ..FileFacts::default()
        }
    }

    #[test]
    fn a_policy_without_substance_fails_saying_why() {
        let with = |substance: Option<Substance>| {
            let mut f = policy(1, 0, 0);
            f.documents = vec![doc("security-policy", "SECURITY.md", substance)];
            f
        };
        let template = Substance {
            words: 40,
            placeholders: vec![Mention {
                text: "Use this section to tell people how to report a vulnerability.".into(),
                line: 12,
            }],
            ..Substance::default()
        };
        let mut unmeasured = policy(1, 0, 0);
        unmeasured.documents.clear();
        table(
            "security-policy-present",
            vec![
                ("terse but complete", with(prose(7)), Pass),
                ("too short", with(prose(2)), Fail),
                ("github template", with(Some(template.clone())), Fail),
                ("not measured", unmeasured, Unknown),
            ],
        );
        let r = run(
            "security-policy-present",
            with(Some(template)),
            &Config::default(),
        );
        assert_eq!(
            r.message,
            "security policy without substance: SECURITY.md:12 holds placeholder text: \
             \"Use this section to tell people how to report a vulnerability.\""
        );
    }

    fn unread_policy() -> FileFacts {
        let mut f = policy(0, 0, 0);
        if let Some(p) = &mut f.security_policy {
            p.not_analysed = Some("is larger than 1048576 bytes".into());
        }
        f
    }

    #[test]
    fn every_statement_of_the_catalogue_is_collected() {
        let f = policy(0, 1, 2);
        let p = f.security_policy.as_ref().unwrap();
        for (name, _) in crate::catalog::POLICY_STATEMENTS {
            assert!(
                statements(name).is_some_and(|pick| !pick(p).is_empty()),
                "{name} is not mapped"
            );
        }
        assert!(statements("embargo").is_none());
    }

    #[test]
    fn security_policy_rules() {
        for (id, good) in [
            ("security-policy-present", policy(1, 0, 0)),
            ("security-policy-disclosure", policy(0, 1, 0)),
            ("security-policy-timeframes", policy(0, 0, 2)),
        ] {
            table(
                id,
                vec![
                    ("stated", good, Pass),
                    ("not stated", policy(0, 0, 0), Fail),
                    ("no policy", FileFacts::default(), Fail),
                    ("too large", unread_policy(), Unknown),
                ],
            );
        }
        let r = run(
            "security-policy-present",
            policy(2, 0, 0),
            &Config::default(),
        );
        assert!(
            r.message.starts_with(
                "SECURITY.md names 2 reporting channel(s): e-mail s0@example.org (line 3)"
            ),
            "{}",
            r.message
        );
    }

    #[test]
    fn statements_are_quoted_with_their_lines() {
        let r = run(
            "security-policy-timeframes",
            policy(0, 0, 2),
            &Config::default(),
        );
        assert_eq!(
            (r.outcome, r.message.as_str()),
            (
                Pass,
                "SECURITY.md states response time-frames: SECURITY.md:1 \"Sentence 0 within 3 \
                 days.\", SECURITY.md:2 \"Sentence 1 within 3 days.\""
            )
        );
        // What was set aside is quoted too, with why.
        let mut f = policy(0, 0, 0);
        if let Some(p) = &mut f.security_policy {
            p.set_aside.push(SetAside {
                statement: "disclosure".into(),
                line: 9,
                sentence: "Make sure to disclose any use of AI assistance upfront.".into(),
                why: "mentions disclosure, but not how or when a vulnerability becomes public"
                    .into(),
            });
        }
        let r = run("security-policy-disclosure", f, &Config::default());
        assert_eq!(
            (r.outcome, r.message.as_str()),
            (
                Fail,
                "SECURITY.md does not state a disclosure policy; set aside: SECURITY.md:9 \"Make \
                 sure to disclose any use of AI assistance upfront.\" (mentions disclosure, but \
                 not how or when a vulnerability becomes public)"
            )
        );
        assert!(r.evidence.contains(&fref("SECURITY.md").at_line(9)));
    }

    fn txt(contacts: usize, expires: Option<&str>) -> FileFacts {
        FileFacts {
            security_txt: Some(SecurityTxt {
                file: fref(".well-known/security.txt"),
                contacts: (0..contacts)
                    .map(|_| Mention {
                        text: "mailto:a@b.org".into(),
                        line: 1,
                    })
                    .collect(),
                expires_raw: expires.map(str::to_string),
                expires: expires
                    .and_then(|e| crate::timefmt::parse(e).ok())
                    .map(crate::timefmt::rfc3339),
                expires_line: expires.map(|_| 2),
                signed: false,
                not_analysed: None,
            }),
            ..FileFacts::default()
        }
    }

    #[test]
    fn security_txt_rule() {
        let mut unread = txt(1, None);
        if let Some(s) = &mut unread.security_txt {
            s.not_analysed = Some("cannot be read".into());
        }
        table(
            "security-txt-current",
            vec![
                ("valid", txt(1, Some("2027-01-01T00:00:00Z")), Pass),
                ("absent", FileFacts::default(), NotApplicable),
                ("expired", txt(1, Some("2026-01-01T00:00:00Z")), Fail),
                ("no contact", txt(0, Some("2027-01-01T00:00:00Z")), Fail),
                ("no expires", txt(1, None), Fail),
                ("bad date", txt(1, Some("tomorrow")), Fail),
                ("unreadable", unread, Unknown),
            ],
        );
    }

    fn owners(covered: usize, total: usize) -> FileFacts {
        FileFacts {
            codeowners: Some(Codeowners {
                file: fref(".github/CODEOWNERS"),
                rules: 2,
                files_total: total,
                files_covered: covered,
                uncovered_examples: vec!["x.rs".into()],
                unsupported: vec![],
                not_analysed: None,
            }),
            ..FileFacts::default()
        }
    }

    #[test]
    fn codeowners_rule() {
        let mut truncated = owners(10, 10);
        truncated.listing.truncated = true;
        table(
            "codeowners-coverage",
            vec![
                ("full", owners(10, 10), Pass),
                ("at threshold", owners(8, 10), Pass),
                ("below", owners(7, 10), Fail),
                ("absent", FileFacts::default(), Fail),
                ("empty listing", owners(0, 0), Unknown),
                ("truncated", truncated, Unknown),
            ],
        );
        let r = run("codeowners-coverage", owners(7, 10), &Config::default());
        assert_eq!(
            r.message,
            ".github/CODEOWNERS assigns owners to 7 of 10 files (70.0%, minimum 80.0%); without owner: x.rs"
        );
    }
}
