//! Rules over the SDL documents: the documents themselves, the threat model's analysis and the
//! declared security level (SR, SD, SI, SM, SUM).

use super::{at, list};
use crate::eval::{RuleCtx, RuleResult};
use crate::facts::files::ThreatModel;
use crate::facts::{EvidenceRef, FileRef};

/// The `document` check: passes when a document of one of `kinds` was found. A configured kind
/// whose file could not be hashed is unknown; otherwise a missing document fails.
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
    let docs: Vec<_> = kinds.iter().flat_map(|k| f.documents_of(k)).collect();
    if !docs.is_empty() {
        return RuleResult::pass(
            format!(
                "{what}: {}",
                list(
                    docs.iter().map(|d| match &d.title {
                        Some(t) => format!("{} (\"{t}\")", d.file.path),
                        None => d.file.path.clone(),
                    }),
                    3
                )
            ),
            docs.iter().map(|d| EvidenceRef::from(&d.file)).collect(),
        );
    }
    let configured: Vec<&String> = kinds
        .iter()
        .filter_map(|k| ctx.config.documents.get(k))
        .flatten()
        .collect();
    if !configured.is_empty() {
        return RuleResult::unknown(format!(
            "the configured {what} ({}) could not be read",
            list(configured.iter().map(|p| p.to_string()), 3)
        ));
    }
    RuleResult::fail(
        format!("no {what} found; configure documents.{first} in sdl.toml or add {example}"),
        vec![],
    )
}

pub(super) fn threat_model_threats_dispositioned(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    if f.threat_models.is_empty() {
        return if f.documents_of("threat-model").next().is_some() {
            RuleResult::unknown("the threat model was found but not analysed")
        } else {
            RuleResult::fail("no threat model found to list threats", vec![])
        };
    }
    let machine: Vec<&ThreatModel> = f
        .threat_models
        .iter()
        .filter(|m| m.threats.is_some())
        .collect();
    let unreadable: Vec<&ThreatModel> = f
        .threat_models
        .iter()
        .filter(|m| m.not_analysed.is_some())
        .collect();
    if machine.is_empty() {
        return RuleResult::unknown(if unreadable.is_empty() {
            format!(
                "the threat model is free text ({}); its threats cannot be counted",
                list(f.threat_models.iter().map(|m| m.file.path.clone()), 3)
            )
        } else {
            format!(
                "the threat model could not be analysed: {}",
                list(
                    unreadable.iter().map(|m| format!(
                        "{} {}",
                        m.file.path,
                        m.not_analysed.as_deref().unwrap_or_default()
                    )),
                    3
                )
            )
        });
    }
    let total: usize = machine
        .iter()
        .filter_map(|m| m.threats.as_ref())
        .map(|t| t.total)
        .sum();
    let decided: usize = machine
        .iter()
        .filter_map(|m| m.threats.as_ref())
        .map(|t| t.dispositioned)
        .sum();
    let evidence: Vec<EvidenceRef> = machine.iter().map(|m| EvidenceRef::from(&m.file)).collect();
    let paths = list(machine.iter().map(|m| m.file.path.clone()), 3);
    if total == 0 {
        return RuleResult::fail(format!("{paths} lists no threats"), evidence);
    }
    if decided < total {
        let undecided = machine
            .iter()
            .filter_map(|m| m.threats.as_ref())
            .flat_map(|t| t.undecided_examples.iter().map(|s| format!("\"{s}\"")));
        return RuleResult::fail(
            format!(
                "{} of {total} threats in {paths} have no mitigation or decision: {}",
                total - decided,
                list(undecided, 3)
            ),
            evidence,
        );
    }
    if !unreadable.is_empty() {
        return RuleResult::unknown(format!(
            "all {total} threats in {paths} are dispositioned, but {} could not be analysed",
            list(unreadable.iter().map(|m| m.file.path.clone()), 3)
        ));
    }
    RuleResult::pass(
        format!("all {total} threats in {paths} have a mitigation or decision"),
        evidence,
    )
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

    fn with_doc(kind: &str, path: &str) -> FileFacts {
        FileFacts {
            documents: vec![Document {
                kind: kind.into(),
                file: fref(path),
                title: Some("Title".into()),
            }],
            ..FileFacts::default()
        }
    }

    #[test]
    fn document_rules() {
        for (id, kind) in [
            ("threat-model-present", "threat-model"),
            ("security-context-documented", "security-context"),
            ("security-requirements-documented", "security-requirements"),
            ("design-documented", "design"),
            ("design-practices-documented", "design-practices"),
            ("coding-standard-documented", "coding-standard"),
            ("process-documented", "process"),
            ("changelog-present", "changelog"),
        ] {
            table(
                id,
                vec![
                    ("present", with_doc(kind, "docs/x.md"), Pass),
                    ("other kind only", with_doc("guidelines", "docs/g.md"), Fail),
                    ("absent", FileFacts::default(), Fail),
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

    fn model(format: ThreatModelFormat, threats: Option<(usize, usize)>) -> ThreatModel {
        ThreatModel {
            file: fref("docs/security/threat-model.json"),
            format,
            threats: threats.map(|(total, decided)| ThreatCounts {
                total,
                with_mitigation: decided,
                dispositioned: decided,
                with_severity: total,
                undecided_examples: (decided..total).map(|i| format!("t{i}")).collect(),
            }),
            note: None,
            not_analysed: None,
        }
    }

    fn models(ms: Vec<ThreatModel>) -> FileFacts {
        FileFacts {
            threat_models: ms,
            ..FileFacts::default()
        }
    }

    #[test]
    fn threat_disposition_rule() {
        let mut unreadable = model(ThreatModelFormat::Other, None);
        unreadable.not_analysed = Some("not valid JSON".into());
        table(
            "threat-model-threats-dispositioned",
            vec![
                (
                    "all decided",
                    models(vec![model(ThreatModelFormat::ThreatDragon, Some((3, 3)))]),
                    Pass,
                ),
                (
                    "one open",
                    models(vec![model(ThreatModelFormat::ThreatDragon, Some((3, 2)))]),
                    Fail,
                ),
                (
                    "no threats",
                    models(vec![model(ThreatModelFormat::Threagile, Some((0, 0)))]),
                    Fail,
                ),
                ("no model", FileFacts::default(), Fail),
                (
                    "free text",
                    models(vec![model(ThreatModelFormat::Markdown, None)]),
                    Unknown,
                ),
                ("unparseable", models(vec![unreadable.clone()]), Unknown),
                (
                    "decided plus unparseable",
                    models(vec![
                        model(ThreatModelFormat::ThreatDragon, Some((1, 1))),
                        unreadable,
                    ]),
                    Unknown,
                ),
            ],
        );
        let r = run(
            "threat-model-threats-dispositioned",
            models(vec![model(ThreatModelFormat::ThreatDragon, Some((3, 1)))]),
            &Config::default(),
        );
        assert_eq!(
            r.message,
            "2 of 3 threats in docs/security/threat-model.json have no mitigation or decision: \"t1\", \"t2\""
        );
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
