//! Rules over the user security guidelines (SG-1 … SG-6).

use super::{at, list, only_candidates};
use crate::eval::{RuleCtx, RuleResult};
use crate::facts::EvidenceRef;
use crate::facts::files::{Basis, Candidate, GuidelinesSource};

/// The `guideline-topic` check: passes when the topic of `requirement` has a section that is
/// evidence — designated in `sdl.toml` (`[guidelines]`), or a section of a conventional security
/// document (a guidelines document, SECURITY.md, a file of a security folder) whose heading
/// names the topic — holding at least `min-words` of prose and no placeholder text. A heading
/// followed by nothing, or by `TODO`, is not a section. A heading elsewhere in the
/// documentation that names the topic is a candidate: the rule is then unknown and says how to
/// designate it.
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
    let key = format!("guidelines.{}", topic.topic);
    let candidates: Vec<&Candidate> = f.candidates.iter().filter(|c| c.key == key).collect();
    if topic.found.is_none() && !topic.unresolved.is_empty() {
        return RuleResult::unknown(format!(
            "{what}: the section designated in sdl.toml ({key}) could not be read: {}",
            list(topic.unresolved.iter().cloned(), 3)
        ));
    }
    let designate = format!("[guidelines] {} = \"FILE#ANCHOR\" in sdl.toml", topic.topic);
    match &topic.found {
        Some(m) if m.placeholder.is_some() || (m.words as u64) < min_words => {
            let place = if m.heading {
                format!("the section {} \"{}\"", at(&m.file, m.line), m.text)
            } else {
                format!("the designated file {}", m.file.path)
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
        Some(m) => RuleResult::pass(
            format!(
                "{what} has a section at {}: \"{}\" ({} words; {})",
                at(&m.file, m.line),
                m.text,
                m.words,
                match m.basis {
                    Basis::Designated => "designated in sdl.toml",
                    Basis::Conventional => "in a conventional security document",
                }
            ),
            vec![m.file.at_line(m.line)],
        ),
        None if !candidates.is_empty() => only_candidates(what, &candidates),
        None if g.source == GuidelinesSource::None => RuleResult::fail(
            format!(
                "no user documentation found to describe {what} (no guidelines document, \
                 SECURITY.md, security folder, README or docs/)"
            ),
            vec![],
        ),
        None if g.incomplete => RuleResult::unknown(format!(
            "{what} was not found, but some documentation could not be read"
        )),
        None => RuleResult::fail(
            format!(
                "no section about {what} in a guidelines document or another conventional \
                 security document, and no heading naming it elsewhere (searched {}); write one, \
                 or designate the section that covers it with {designate}",
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

    const TOPICS: &[(&str, &str)] = &[
        ("SG-1", "defense-in-depth"),
        ("SG-2", "environment"),
        ("SG-3", "hardening"),
        ("SG-4", "disposal"),
        ("SG-5", "secure-operation"),
        ("SG-6", "accounts"),
    ];

    fn guides(source: GuidelinesSource, hit: Option<Basis>, incomplete: bool) -> FileFacts {
        let topics = TOPICS
            .iter()
            .map(|(r, t)| GuidelineTopic {
                requirement: r.to_string(),
                topic: t.to_string(),
                found: hit.map(|basis| TopicMatch {
                    file: fref("docs/guide.md"),
                    line: 7,
                    heading: true,
                    text: "## Topic".into(),
                    words: 40,
                    placeholder: None,
                    basis,
                }),
                unresolved: vec![],
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

    /// No evidence, a candidate for every topic in docs/ops.md.
    fn candidates() -> FileFacts {
        let mut f = guides(GuidelinesSource::ReadmeAndDocs, None, false);
        f.candidates = TOPICS
            .iter()
            .map(|(_, t)| Candidate {
                key: format!("guidelines.{t}"),
                file: fref("docs/ops.md"),
                line: 12,
                section: Some(Section {
                    line: 12,
                    heading: "Secure disposal".into(),
                    anchor: "secure-disposal".into(),
                }),
                text: "## Secure disposal".into(),
                words: 30,
                config_path: Some("docs/ops.md".into()),
            })
            .collect();
        f
    }

    #[test]
    fn guideline_rules() {
        use GuidelinesSource as S;
        for (id, _) in RULES {
            let mut unresolved = guides(S::Guidelines, None, false);
            for t in &mut unresolved.guidelines.topics {
                t.unresolved = vec!["docs/ops.md#gone: docs/ops.md has no heading".into()];
            }
            table(
                id,
                vec![
                    (
                        "conventional section",
                        guides(S::Guidelines, Some(Basis::Conventional), false),
                        Pass,
                    ),
                    (
                        "designated section",
                        guides(S::ReadmeAndDocs, Some(Basis::Designated), false),
                        Pass,
                    ),
                    ("only candidates", candidates(), Unknown),
                    ("not found", guides(S::Guidelines, None, false), Fail),
                    ("no docs", guides(S::None, None, false), Fail),
                    ("unreadable", guides(S::Guidelines, None, true), Unknown),
                    ("designation unresolved", unresolved, Unknown),
                    ("not searched", FileFacts::default(), Unknown),
                ],
            );
        }
    }

    const RULES: &[(&str, &str)] = &[
        ("guidelines-defense-in-depth", "defense-in-depth"),
        ("guidelines-environment", "environment"),
        ("guidelines-hardening", "hardening"),
        ("guidelines-disposal", "disposal"),
        ("guidelines-secure-operation", "secure-operation"),
        ("guidelines-accounts", "accounts"),
    ];

    #[test]
    fn candidates_are_listed_with_the_line_that_designates_one() {
        let r = run(
            "guidelines-disposal",
            candidates(),
            &crate::config::Config::default(),
        );
        assert_eq!(
            r.message,
            "secure disposal: nothing designated in sdl.toml or at a conventional place, but the \
             documentation has candidates, which count only once a person designates one: \
             docs/ops.md:12 \"## Secure disposal\" (30 words); to designate the first, add to \
             sdl.toml: [guidelines] disposal = \"docs/ops.md#secure-disposal\" (`cargo sdl \
             discover` lists them all)"
        );
        assert_eq!(r.evidence, vec![fref("docs/ops.md").at_line(12)]);
        let r = run(
            "guidelines-disposal",
            guides(
                GuidelinesSource::ReadmeAndDocs,
                Some(Basis::Designated),
                false,
            ),
            &crate::config::Config::default(),
        );
        assert_eq!(
            r.message,
            "secure disposal has a section at docs/guide.md:7: \"## Topic\" (40 words; designated \
             in sdl.toml)"
        );
    }

    #[test]
    fn a_heading_with_nothing_or_a_placeholder_under_it_is_no_section() {
        use GuidelinesSource as S;
        let with = |words: usize, placeholder: Option<u32>| {
            let mut f = guides(S::Guidelines, Some(Basis::Conventional), false);
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
