//! Rules over the user security guidelines (SG-1 … SG-6).

use super::{at, list};
use crate::eval::{RuleCtx, RuleResult};
use crate::facts::EvidenceRef;
use crate::facts::files::GuidelinesSource;

/// The `guideline-topic` check: passes when the topic of `requirement` has a section in the user
/// documentation, or is described in a guidelines document, and that section holds at least
/// `min-words` of prose and no placeholder text. A heading followed by nothing, or by `TODO`,
/// is not a section.
pub(in crate::eval) fn guideline_topic(
    ctx: &RuleCtx<'_>,
    requirement: &str,
    what: &str,
) -> RuleResult {
    let f = file_facts!(ctx);
    let min_words = require!(ctx.param_u64("min-words"));
    let g = &f.guidelines;
    let Some(topic) = g.topics.iter().find(|t| t.requirement == requirement) else {
        return RuleResult::unknown(format!("the {requirement} topic was not searched"));
    };
    if g.source == GuidelinesSource::None {
        return RuleResult::fail(
            format!(
                "no user documentation found to describe {what} (no guidelines document, README or docs/)"
            ),
            vec![],
        );
    }
    match &topic.found {
        Some(m) if m.placeholder.is_some() || (m.words as u64) < min_words => {
            let place = if m.heading {
                format!("the section {} \"{}\"", at(&m.file, m.line), m.text)
            } else {
                format!("the section around {}", at(&m.file, m.line))
            };
            let why = match &m.placeholder {
                Some(p) => format!(
                    "holds placeholder text at {}: \"{}\"",
                    at(&m.file, p.line),
                    p.text
                ),
                None if m.words == 0 => "has nothing under its heading".to_string(),
                None => format!(
                    "has {} words of prose, fewer than `min-words` ({min_words})",
                    m.words
                ),
            };
            let line = m.placeholder.as_ref().map_or(m.line, |p| p.line);
            RuleResult::fail(
                format!("{what}: {place} {why}, so it is not a section"),
                vec![m.file.at_line(line)],
            )
        }
        Some(m) if m.heading || g.source == GuidelinesSource::Guidelines => RuleResult::pass(
            format!(
                "{what} {} at {}: \"{}\" ({} words)",
                if m.heading {
                    "has a section"
                } else {
                    "is described"
                },
                at(&m.file, m.line),
                m.text,
                m.words
            ),
            vec![m.file.at_line(m.line)],
        ),
        Some(m) => RuleResult::fail(
            format!(
                "{what} is only mentioned in passing ({}) and no guidelines document covers it",
                at(&m.file, m.line)
            ),
            vec![m.file.at_line(m.line)],
        ),
        None if g.incomplete => RuleResult::unknown(format!(
            "{what} was not found, but some user documentation could not be read"
        )),
        None => RuleResult::fail(
            format!(
                "no section about {what} in {}",
                list(g.searched.iter().map(|f| f.path.clone()), 3)
            ),
            g.searched.iter().map(EvidenceRef::from).collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::eval::Outcome::{Fail, Pass, Unknown};
    use crate::facts::files::*;

    fn guides(source: GuidelinesSource, hit: Option<bool>, incomplete: bool) -> FileFacts {
        let topics = ["SG-1", "SG-2", "SG-3", "SG-4", "SG-5", "SG-6"]
            .iter()
            .map(|r| GuidelineTopic {
                requirement: r.to_string(),
                topic: "t".into(),
                found: hit.map(|heading| TopicMatch {
                    file: fref("docs/guide.md"),
                    line: 7,
                    heading,
                    text: "## Topic".into(),
                    words: 40,
                    placeholder: None,
                }),
            })
            .collect();
        FileFacts {
            guidelines: Guidelines {
                source,
                searched: vec![fref("docs/guide.md")],
                topics,
                incomplete,
            },
            ..FileFacts::default()
        }
    }

    #[test]
    fn guideline_rules() {
        use GuidelinesSource as S;
        for id in [
            "guidelines-defense-in-depth",
            "guidelines-environment",
            "guidelines-hardening",
            "guidelines-disposal",
            "guidelines-secure-operation",
            "guidelines-accounts",
        ] {
            table(
                id,
                vec![
                    ("section", guides(S::Guidelines, Some(true), false), Pass),
                    (
                        "mention in guidelines",
                        guides(S::Guidelines, Some(false), false),
                        Pass,
                    ),
                    (
                        "readme section",
                        guides(S::ReadmeAndDocs, Some(true), false),
                        Pass,
                    ),
                    (
                        "readme mention",
                        guides(S::ReadmeAndDocs, Some(false), false),
                        Fail,
                    ),
                    ("not found", guides(S::Guidelines, None, false), Fail),
                    ("no docs", guides(S::None, None, false), Fail),
                    ("unreadable", guides(S::Guidelines, None, true), Unknown),
                    ("not searched", FileFacts::default(), Unknown),
                ],
            );
        }
    }

    #[test]
    fn a_heading_with_nothing_or_a_placeholder_under_it_is_no_section() {
        use GuidelinesSource as S;
        let with = |words: usize, placeholder: Option<u32>| {
            let mut f = guides(S::Guidelines, Some(true), false);
            for t in &mut f.guidelines.topics {
                if let Some(m) = &mut t.found {
                    m.words = words;
                    m.placeholder = placeholder.map(|line| Mention {
                        text: "TODO".into(),
                        line,
                    });
                }
            }
            f
        };
        table(
            "guidelines-hardening",
            vec![
                ("text under it", with(3, None), Pass),
                ("nothing under it", with(0, None), Fail),
                ("too little", with(2, None), Fail),
                ("a placeholder under it", with(0, Some(8)), Fail),
                ("text and a placeholder", with(200, Some(9)), Fail),
            ],
        );
        let r = run(
            "guidelines-hardening",
            with(0, Some(8)),
            &crate::config::Config::default(),
        );
        assert_eq!(
            r.message,
            "hardening: the section docs/guide.md:7 \"## Topic\" holds placeholder text at \
             docs/guide.md:8: \"TODO\", so it is not a section"
        );
        let r = run(
            "guidelines-hardening",
            with(0, None),
            &crate::config::Config::default(),
        );
        assert_eq!(
            r.message,
            "hardening: the section docs/guide.md:7 \"## Topic\" has nothing under its heading, \
             so it is not a section"
        );
    }
}
