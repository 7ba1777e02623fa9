//! Rules over the user security guidelines (SG-1 … SG-6).

use super::{at, list};
use crate::eval::{RuleCtx, RuleResult};
use crate::facts::EvidenceRef;
use crate::facts::files::GuidelinesSource;

/// The `guideline-topic` check: passes when the topic of `requirement` has a section in the user
/// documentation, or is described in a guidelines document.
pub(in crate::eval) fn guideline_topic(
    ctx: &RuleCtx<'_>,
    requirement: &str,
    what: &str,
) -> RuleResult {
    let f = file_facts!(ctx);
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
        Some(m) if m.heading || g.source == GuidelinesSource::Guidelines => RuleResult::pass(
            format!(
                "{what} {} at {}: \"{}\"",
                if m.heading {
                    "has a section"
                } else {
                    "is described"
                },
                at(&m.file, m.line),
                m.text
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
}
