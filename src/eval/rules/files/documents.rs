//! Rules over the SDL documents: the documents themselves, the threat model's analysis and the
//! declared security level (SR, SD, SI, SM, SUM).

use super::{at, list, only_candidates};
use crate::eval::rules::param_strings;
use crate::eval::{RuleCtx, RuleResult};
use crate::facts::files::{Basis, Candidate, Document, FileFacts, ThreatModel, ThreatModelFormat};
use crate::facts::{EvidenceRef, FileRef};

/// How one document stands.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::eval) enum Judged {
    /// It has substance: what it holds, for the message.
    Substantive(String),
    /// A stub: why, quoting the offending line as `path:line`, and that line as evidence.
    Hollow(String, EvidenceRef),
    /// Its content could not be judged (a PDF, too large, unreadable): why.
    Unjudged(String),
}

/// The accepted forms of enumerated threats, for messages.
pub(super) const THREAT_FORMS: &str = "a table with a threat column and a disposition or mitigation \
                            column, `### T-1 …` headings each with a `Disposition:` line, a \
                            Threat Dragon or a Threagile model";

fn model_of<'a>(f: &'a FileFacts, doc: &Document) -> Option<&'a ThreatModel> {
    f.threat_models
        .iter()
        .find(|m| m.file.path == doc.file.path && m.section == doc.section)
}

/// How messages name a document: its path, or for a section `path:line "heading"`.
pub(in crate::eval) fn label(doc: &Document) -> String {
    match &doc.section {
        Some(s) => format!("{}:{} \"{}\"", doc.file.path, s.line, s.heading),
        None => doc.file.path.clone(),
    }
}

/// The evidence a document is: the file, or the line its section starts on.
pub(in crate::eval) fn cite(doc: &Document) -> EvidenceRef {
    match &doc.section {
        Some(s) => doc.file.at_line(s.line),
        None => EvidenceRef::from(&doc.file),
    }
}

/// Whether `doc` says something: no placeholder text, no heading with nothing under it, at
/// least `min_words` of prose; a threat model enumerates threats; security requirements carry
/// ids that start with one of `id_prefixes` (when given).
pub(in crate::eval) fn judge(
    f: &FileFacts,
    doc: &Document,
    min_words: u64,
    id_prefixes: Option<&[String]>,
) -> Judged {
    let path = &label(doc);
    let file = cite(doc);
    let model = (doc.kind == "threat-model")
        .then(|| model_of(f, doc))
        .flatten();
    if let Some(m) = model
        && matches!(
            m.format,
            ThreatModelFormat::ThreatDragon | ThreatModelFormat::Threagile
        )
        && let Some(t) = &m.threats
    {
        return if t.total == 0 {
            Judged::Hollow(format!("{path} lists no threats"), file)
        } else {
            Judged::Substantive(plural(t.total, "threat"))
        };
    }
    let Some(s) = &doc.substance else {
        if let Some(note) = model.and_then(|m| m.note.as_deref()) {
            return Judged::Unjudged(format!("{path}: {note}"));
        }
        return Judged::Unjudged(format!(
            "{path} {}",
            doc.not_analysed
                .as_deref()
                .unwrap_or("was not read: its substance cannot be judged")
        ));
    };
    let more = |n: usize, what: &str| {
        if n > 1 {
            format!(" (and {} more {what})", n - 1)
        } else {
            String::new()
        }
    };
    // Release notes name releases; a file that names none (and is no stub) is a pointer to
    // notes kept elsewhere (a releases page), which this repository cannot show. Entries being
    // written (`TBD`, an empty `### Deprecated`) are the normal state of release notes.
    let pointer = s.releases.as_ref().is_some_and(Vec::is_empty);
    let release = s
        .releases
        .as_ref()
        .and_then(|r| r.first())
        .map(|r| format!(", releases from \"{}\" ({})", r.text, at(&doc.file, r.line)));
    if let Some(p) = s.placeholders.first().filter(|_| release.is_none()) {
        return Judged::Hollow(
            format!(
                "{} holds placeholder text: \"{}\"{}",
                at(&doc.file, p.line),
                p.text,
                more(s.placeholders.len(), "lines")
            ),
            doc.file.at_line(p.line),
        );
    }
    if let Some(h) = s.empty_headings.first().filter(|_| release.is_none()) {
        return Judged::Hollow(
            format!(
                "{} is a heading with nothing under it: \"{}\"{}",
                at(&doc.file, h.line),
                h.text,
                more(s.empty_headings.len(), "headings")
            ),
            doc.file.at_line(h.line),
        );
    }
    if pointer {
        return Judged::Unjudged(format!(
            "{path} names no release version: it may point to release notes kept elsewhere, \
             which the repository cannot show (designate the notes, or attest them)"
        ));
    }
    if (s.words as u64) < min_words {
        return Judged::Hollow(
            format!(
                "{path} has {} words of prose, fewer than `min-words` ({min_words})",
                s.words
            ),
            file,
        );
    }
    let mut held = plural(s.words, "word");
    held.push_str(release.as_deref().unwrap_or_default());
    if doc.kind == "threat-model" {
        match model.and_then(|m| m.threats.as_ref()) {
            Some(t) if t.total == 0 => {
                return Judged::Hollow(
                    format!("{path} enumerates no threats (accepted forms: {THREAT_FORMS})"),
                    file,
                );
            }
            Some(t) => held.push_str(&format!(", {}", plural(t.total, "threat"))),
            None => {
                return Judged::Unjudged(format!(
                    "{path}: no threats enumerated in a form that can be read ({THREAT_FORMS})"
                ));
            }
        }
    }
    if doc.kind == "security-requirements"
        && let Some(prefixes) = id_prefixes
    {
        let ids: Vec<&str> = s
            .ids
            .iter()
            .map(|m| m.text.as_str())
            .filter(|id| is_requirement_id(id, prefixes))
            .collect();
        if ids.is_empty() {
            return Judged::Hollow(
                format!(
                    "{path} states no requirement ids: no heading, list item, table row or \
                     paragraph opens with {}-N (`id-prefixes`)",
                    prefixes.join("-N, ")
                ),
                file,
            );
        }
        held.push_str(&format!(
            ", {} ({})",
            plural(ids.len(), "requirement id"),
            list(ids.iter().map(|s| s.to_string()), 3)
        ));
    }
    Judged::Substantive(held)
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// `id` is one of the prefixes, then digits (`-` or `_` between them optional, dotted parts
/// after: `SR-1`, `SEC-REQ-12`, `REQ_3.1`), compared without regard to case.
fn is_requirement_id(id: &str, prefixes: &[String]) -> bool {
    let id = id.to_ascii_uppercase();
    prefixes.iter().any(|p| {
        let p = p.trim().to_ascii_uppercase();
        let Some(rest) = id.strip_prefix(p.as_str()) else {
            return false;
        };
        let rest = rest.strip_prefix(['-', '_']).unwrap_or(rest);
        !p.is_empty()
            && rest.starts_with(|c: char| c.is_ascii_digit())
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    })
}

/// The `document` check: passes when a document of one of `kinds` was found and every one
/// found has substance (see [`judge`]); fails when none was found or one is a stub; unknown
/// when a configured one could not be read or none could be judged (a PDF).
pub(in crate::eval) fn document(
    ctx: &RuleCtx<'_>,
    kinds: &[String],
    what: &str,
    example: &str,
) -> RuleResult {
    let Some(first) = kinds.first() else {
        return RuleResult::unknown(format!(
            "rule {}: the document check names no document kind",
            ctx.rule.id
        ));
    };
    let f = file_facts!(ctx);
    let min_words = require!(ctx.param_u64("min-words"));
    let prefixes = if kinds.iter().any(|k| k == "security-requirements") {
        Some(require!(param_strings(ctx, "id-prefixes")))
    } else {
        None
    };
    let docs: Vec<_> = kinds.iter().flat_map(|k| f.documents_of(k)).collect();
    if docs.is_empty() {
        let configured: Vec<&String> = kinds
            .iter()
            .filter_map(|k| ctx.config.documents.get(k))
            .flatten()
            .collect();
        if !configured.is_empty() {
            let why: Vec<String> = configured
                .iter()
                .flat_map(|d| f.problems_under(crate::config::split_designation(d).0))
                .map(|p| format!("{} {}", p.path, p.message))
                .collect();
            return RuleResult::unknown(format!(
                "the configured {what} ({}) could not be read{}",
                list(configured.iter().map(|p| p.to_string()), 3),
                if why.is_empty() {
                    String::new()
                } else {
                    format!(": {}", list(why, 3))
                }
            ));
        }
        let candidates: Vec<&Candidate> = f
            .candidates
            .iter()
            .filter(|c| kinds.iter().any(|k| c.key == format!("documents.{k}")))
            .collect();
        if !candidates.is_empty() {
            return only_candidates(what, &candidates);
        }
        return RuleResult::fail(
            format!(
                "no {what} found; add {example}, or designate it in sdl.toml: [documents] \
                 {first} = \"FILE\" (a whole file) or \"FILE#ANCHOR\" (one section)"
            ),
            vec![],
        );
    }
    let judged: Vec<(&Document, Judged)> = docs
        .iter()
        .map(|d| (*d, judge(f, d, min_words, prefixes.as_deref())))
        .collect();
    let hollow: Vec<(&String, &EvidenceRef)> = judged
        .iter()
        .filter_map(|(_, j)| match j {
            Judged::Hollow(why, at) => Some((why, at)),
            _ => None,
        })
        .collect();
    let unjudged: Vec<&String> = judged
        .iter()
        .filter_map(|(_, j)| match j {
            Judged::Unjudged(why) => Some(why),
            _ => None,
        })
        .collect();
    if !hollow.is_empty() {
        return RuleResult::fail(
            format!(
                "{what} without substance: {}",
                list(hollow.iter().map(|(why, _)| why.to_string()), 3)
            ),
            hollow.iter().map(|(_, at)| (*at).clone()).collect(),
        );
    }
    let substantive: Vec<(&Document, &String)> = judged
        .iter()
        .filter_map(|(d, j)| match j {
            Judged::Substantive(held) => Some((*d, held)),
            _ => None,
        })
        .collect();
    if substantive.is_empty() {
        return RuleResult::unknown(format!(
            "{what} found, but its substance cannot be judged: {}",
            list(unjudged.iter().map(|s| s.to_string()), 3)
        ));
    }
    let mut message = format!(
        "{what}: {}",
        list(
            substantive
                .iter()
                .map(|(d, held)| match (&d.section, &d.title) {
                    (Some(s), _) => format!(
                        "the section {}:{} \"{}\" ({held}{})",
                        d.file.path,
                        s.line,
                        s.heading,
                        match d.basis {
                            Basis::Designated => "; designated in sdl.toml",
                            Basis::Conventional => "",
                        }
                    ),
                    (None, Some(t)) => format!("{} (\"{t}\"; {held})", d.file.path),
                    (None, None) => format!("{} ({held})", d.file.path),
                }),
            3
        )
    );
    if !unjudged.is_empty() {
        message.push_str(&format!(
            "; not judged: {}",
            list(unjudged.iter().map(|s| s.to_string()), 3)
        ));
    }
    RuleResult::pass(message, substantive.iter().map(|(d, _)| cite(d)).collect())
}

pub(super) fn security_level_declared(ctx: &RuleCtx<'_>) -> RuleResult {
    if let Some(level) = ctx.config.product.security_level {
        let path = ctx
            .config
            .source
            .clone()
            .unwrap_or_else(|| "sdl.toml".into());
        return RuleResult::pass(
            format!("the configuration declares SL-C {level} ({path})"),
            vec![EvidenceRef::Config {
                path,
                key: "product.security-level".into(),
            }],
        );
    }
    let f = file_facts!(ctx);
    if let Some(l) = &f.security_level {
        return RuleResult::pass(
            format!(
                "{} declares security level {} (\"{}\")",
                at(&l.file, l.line),
                l.level,
                l.text
            ),
            vec![l.file.at_line(l.line)],
        );
    }
    let searched: Vec<&FileRef> = ["security-requirements", "security-context"]
        .iter()
        .flat_map(|k| f.documents_of(k))
        .map(|d| &d.file)
        .collect();
    let unreadable = searched
        .iter()
        .filter(|d| f.problems_under(&d.path).next().is_some())
        .count();
    if unreadable > 0 {
        return RuleResult::unknown(format!(
            "{unreadable} security requirements/context document(s) could not be read to find an SL-C"
        ));
    }
    RuleResult::fail(
        if searched.is_empty() {
            "no capability security level (SL-C) declared: product.security-level is not set and \
             there is no security requirements document"
                .to_string()
        } else {
            format!(
                "no capability security level (SL-C) declared in the configuration or in {}",
                list(searched.iter().map(|d| d.path.clone()), 3)
            )
        },
        searched.iter().map(|d| EvidenceRef::from(*d)).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::config::Config;
    use crate::eval::Outcome::{Fail, Pass, Unknown};
    use crate::facts::files::*;

    /// A genuine document of `kind`: prose, and what its kind needs (threats, requirement ids).
    fn with_doc(kind: &str, path: &str) -> FileFacts {
        let mut substance = prose(500);
        if let Some(s) = &mut substance {
            s.ids = vec![Mention {
                text: "SEC-REQ-1".into(),
                line: 4,
            }];
        }
        let mut f = FileFacts {
            documents: vec![doc(kind, path, substance)],
            ..FileFacts::default()
        };
        if kind == "threat-model" {
            let mut m = model(ThreatModelFormat::Markdown, Some((2, 2)));
            m.file = fref(path);
            f.threat_models.push(m);
        }
        f
    }

    /// `with_doc` with its substance changed by `change`.
    fn changed(kind: &str, change: impl Fn(&mut Substance)) -> FileFacts {
        let mut f = with_doc(kind, "docs/x.md");
        if let Some(s) = &mut f.documents[0].substance {
            change(s);
        }
        f
    }

    fn mention(text: &str, line: u32) -> Mention {
        Mention {
            text: text.into(),
            line,
        }
    }

    const DOCUMENT_RULES: &[(&str, &str)] = &[
        ("threat-model-present", "threat-model"),
        ("security-context-documented", "security-context"),
        ("security-requirements-documented", "security-requirements"),
        ("design-documented", "design"),
        ("design-practices-documented", "design-practices"),
        ("coding-standard-documented", "coding-standard"),
        ("process-documented", "process"),
        ("changelog-present", "changelog"),
    ];

    #[test]
    fn document_rules() {
        for (id, kind) in DOCUMENT_RULES {
            let (id, kind) = (*id, *kind);
            let mut pdf = with_doc(kind, "docs/x.md");
            pdf.documents[0] = doc(kind, "docs/x.pdf", None);
            let mut pdf_and_prose = with_doc(kind, "docs/x.md");
            pdf_and_prose.documents.push(doc(kind, "docs/x.pdf", None));
            let mut stub_and_prose = with_doc(kind, "docs/x.md");
            stub_and_prose.documents.push(doc(
                kind,
                "docs/y.md",
                Some(Substance {
                    words: 0,
                    placeholders: vec![mention("# TODO", 1)],
                    ..Substance::default()
                }),
            ));
            table(
                id,
                vec![
                    ("present", with_doc(kind, "docs/x.md"), Pass),
                    ("other kind only", with_doc("guidelines", "docs/g.md"), Fail),
                    ("absent", FileFacts::default(), Fail),
                    (
                        "one-line TODO",
                        changed(kind, |s| {
                            s.words = 0;
                            s.placeholders = vec![mention("# TODO", 1)];
                        }),
                        Fail,
                    ),
                    (
                        "empty heading",
                        changed(kind, |s| s.empty_headings = vec![mention("## Scope", 3)]),
                        Fail,
                    ),
                    ("too short", changed(kind, |s| s.words = 4), Fail),
                    ("a pdf", pdf, Unknown),
                    ("a pdf beside prose", pdf_and_prose, Pass),
                    ("a stub beside prose", stub_and_prose, Fail),
                ],
            );
            let mut config = Config::default();
            config
                .documents
                .insert(kind.to_string(), vec!["docs/gone.md".into()]);
            let r = run(id, FileFacts::default(), &config);
            assert_eq!(
                r.outcome, Unknown,
                "{id} with an unreadable configured document"
            );
            let r = run(
                id,
                changed(kind, |s| s.placeholders = vec![mention("TBD", 7)]),
                &Config::default(),
            );
            assert!(
                r.message
                    .ends_with("without substance: docs/x.md:7 holds placeholder text: \"TBD\""),
                "{id}: {}",
                r.message
            );
        }
        table(
            "changelog-present",
            vec![(
                "update docs",
                with_doc("update-documentation", "docs/security/updates.md"),
                Pass,
            )],
        );
    }

    #[test]
    fn minimum_words_per_kind_and_their_override() {
        let r = run(
            "design-documented",
            changed("design", |s| s.words = 99),
            &Config::default(),
        );
        assert_eq!(
            (r.outcome, r.message.as_str()),
            (
                Fail,
                "secure design document without substance: docs/x.md has 99 words of prose, \
                 fewer than `min-words` (100)"
            )
        );
        let mut config = Config::default();
        config.rules.insert(
            "design-documented".into(),
            crate::config::RuleSettings {
                level: None,
                params: [("min-words".to_string(), toml::Value::Integer(50))].into(),
            },
        );
        let r = run(
            "design-documented",
            changed("design", |s| s.words = 99),
            &config,
        );
        assert_eq!(r.outcome, Pass, "{}", r.message);
    }

    #[test]
    fn a_threat_model_must_enumerate_threats() {
        let mut none = with_doc("threat-model", "docs/x.md");
        none.threat_models[0].threats = Some(ThreatCounts::default());
        let mut dragon = with_doc("threat-model", "tm.threatdragon.json");
        dragon.documents[0].substance = None;
        dragon.documents[0].not_analysed = Some("is a machine-readable model".into());
        dragon.threat_models[0].format = ThreatModelFormat::ThreatDragon;
        let mut empty_dragon = dragon.clone();
        empty_dragon.threat_models[0].threats = Some(ThreatCounts::default());
        let mut unread_prose = with_doc("threat-model", "docs/x.rst");
        unread_prose.threat_models[0].format = ThreatModelFormat::Other;
        unread_prose.threat_models[0].threats = None;
        table(
            "threat-model-present",
            vec![
                (
                    "markdown with threats",
                    with_doc("threat-model", "docs/x.md"),
                    Pass,
                ),
                ("markdown without threats", none.clone(), Fail),
                ("threat dragon", dragon, Pass),
                ("empty threat dragon", empty_dragon, Fail),
                ("rst whose threats cannot be read", unread_prose, Unknown),
            ],
        );
        let r = run("threat-model-present", none, &Config::default());
        assert!(
            r.message
                .starts_with("threat model without substance: docs/x.md enumerates no threats"),
            "{}",
            r.message
        );
    }

    #[test]
    fn security_requirements_need_ids() {
        let ids = |ids: &[&str]| {
            changed("security-requirements", |s| {
                s.ids = ids.iter().map(|id| mention(id, 9)).collect();
            })
        };
        table(
            "security-requirements-documented",
            vec![
                ("SEC-REQ ids", ids(&["SEC-REQ-1", "SEC-REQ-2"]), Pass),
                ("SR ids", ids(&["SR-1"]), Pass),
                ("REQ ids, dotted", ids(&["req_3.1"]), Pass),
                ("none", ids(&[]), Fail),
                (
                    "only other ids",
                    ids(&["OI-3", "TM-2", "e179eb9", "SRX-1"]),
                    Fail,
                ),
            ],
        );
        let r = run(
            "security-requirements-documented",
            ids(&["OI-3"]),
            &Config::default(),
        );
        assert_eq!(
            r.message,
            "security requirements without substance: docs/x.md states no requirement ids: no \
             heading, list item, table row or paragraph opens with SR-N, SEC-REQ-N, SECREQ-N, \
             REQ-N, SEC-N, PSR-N (`id-prefixes`)"
        );
        let mut config = Config::default();
        config.rules.insert(
            "security-requirements-documented".into(),
            crate::config::RuleSettings {
                level: None,
                params: [(
                    "id-prefixes".to_string(),
                    toml::Value::Array(vec![toml::Value::String("OI".into())]),
                )]
                .into(),
            },
        );
        let r = run("security-requirements-documented", ids(&["OI-3"]), &config);
        assert_eq!(r.outcome, Pass, "{}", r.message);
    }

    #[test]
    fn security_level_rule() {
        let declared = FileFacts {
            security_level: Some(DeclaredSecurityLevel {
                level: 2,
                file: fref("docs/security/requirements.md"),
                line: 4,
                text: "SL-C 2".into(),
            }),
            ..FileFacts::default()
        };
        let mut unreadable = with_doc("security-requirements", "docs/security/requirements.md");
        unreadable.problems.push(Problem {
            path: "docs/security/requirements.md".into(),
            message: "cannot be read".into(),
        });
        table(
            "security-level-declared",
            vec![
                ("in document", declared, Pass),
                (
                    "document without level",
                    with_doc("security-requirements", "r.md"),
                    Fail,
                ),
                ("nothing", FileFacts::default(), Fail),
                ("unreadable", unreadable, Unknown),
            ],
        );
        let mut config = Config::default();
        config.product.security_level = Some(3);
        let r = run("security-level-declared", FileFacts::default(), &config);
        assert_eq!(
            (r.outcome, r.message.as_str()),
            (Pass, "the configuration declares SL-C 3 (sdl.toml)")
        );
    }
}
