//! The threat model's analysis (SR-2, SR-5): are the threats it enumerates dispositioned.

use super::documents::THREAT_FORMS;
use super::{at, list};
use crate::eval::{RuleCtx, RuleResult};
use crate::facts::EvidenceRef;
use crate::facts::files::ThreatModel;

/// How messages name a threat model: its path, or for a section `path:line "heading"`.
fn model_label(m: &ThreatModel) -> String {
    match &m.section {
        Some(s) => format!("{}:{} \"{}\"", m.file.path, s.line, s.heading),
        None => m.file.path.clone(),
    }
}

pub(super) fn threat_model_threats_dispositioned(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    if f.threat_models.is_empty() {
        let candidates = super::kind_candidates(f, "threat-model");
        return if f.documents_of("threat-model").next().is_some() {
            RuleResult::unknown("the threat model was found but not analysed")
        } else if !candidates.is_empty() {
            super::only_candidates("a threat model to list threats", &candidates)
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
                list(f.threat_models.iter().map(model_label), 3)
            )
        } else {
            format!(
                "the threat model could not be analysed: {}",
                list(
                    unreadable.iter().map(|m| format!(
                        "{} {}",
                        model_label(m),
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
    let evidence: Vec<EvidenceRef> = machine
        .iter()
        .map(|m| match &m.section {
            Some(s) => m.file.at_line(s.line),
            None => EvidenceRef::from(&m.file),
        })
        .collect();
    let paths = list(machine.iter().map(|m| model_label(m)), 3);
    if total == 0 {
        return RuleResult::fail(
            format!("{paths} lists no threats (accepted forms: {THREAT_FORMS})"),
            evidence,
        );
    }
    let listed: usize = machine
        .iter()
        .filter_map(|m| m.threats.as_ref())
        .map(|t| t.listed)
        .sum();
    if decided < total && decided + listed == total {
        // Threats as bullets, mitigations as another list: which covers which is not written.
        let lines: Vec<EvidenceRef> = machine
            .iter()
            .flat_map(|m| {
                m.threats
                    .iter()
                    .flat_map(|t| t.undecided_at.iter().map(|u| m.file.at_line(u.line)))
            })
            .collect();
        let first = machine.iter().find_map(|m| {
            m.threats
                .as_ref()
                .and_then(|t| t.undecided_at.first())
                .map(|u| at(&m.file, u.line))
        });
        return RuleResult {
            evidence: evidence.into_iter().chain(lines).collect(),
            ..RuleResult::unknown(format!(
                "{listed} of {total} threats in {paths} are items of a bullet list (the first at \
                 {}) with no mitigation or decision of their own; whether the mitigations listed \
                 beside them cover each one needs a person: give each threat a `Mitigation:` or \
                 `Disposition:` (or a table row), or record the review in an SR-2 attestation",
                first.unwrap_or_default()
            ))
        };
    }
    if decided < total {
        // Prose models say where each undecided threat is and why; machine models name it.
        let undecided = machine.iter().flat_map(|m| {
            let t = m.threats.as_ref();
            let at: Vec<String> = t
                .map(|t| {
                    t.undecided_at
                        .iter()
                        .map(|u| format!("{} {}", at(&m.file, u.line), u.text))
                        .collect()
                })
                .unwrap_or_default();
            if at.is_empty() {
                t.map(|t| {
                    t.undecided_examples
                        .iter()
                        .map(|s| format!("\"{s}\""))
                        .collect()
                })
                .unwrap_or_default()
            } else {
                at
            }
        });
        // The line of each undecided threat of a prose model is evidence too.
        let lines = machine.iter().flat_map(|m| {
            m.threats
                .iter()
                .flat_map(|t| t.undecided_at.iter().map(|u| m.file.at_line(u.line)))
        });
        return RuleResult::fail(
            format!(
                "{} of {total} threats in {paths} have no mitigation or decision: {}",
                total - decided,
                list(undecided, 3)
            ),
            evidence.into_iter().chain(lines).collect(),
        );
    }
    if !unreadable.is_empty() {
        return RuleResult::unknown(format!(
            "all {total} threats in {paths} are dispositioned, but {} could not be analysed",
            list(unreadable.iter().map(|m| model_label(m)), 3)
        ));
    }
    RuleResult::pass(
        format!("all {total} threats in {paths} have a mitigation or decision"),
        evidence,
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::config::Config;
    use crate::eval::Outcome::{Fail, Pass, Unknown};
    use crate::facts::files::*;

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
                    "free text whose threats cannot be read",
                    models(vec![model(ThreatModelFormat::Other, None)]),
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
        // A Markdown model says where each undecided threat is, and why.
        let mut md = model(ThreatModelFormat::Markdown, Some((2, 1)));
        md.file = fref("docs/security/threat-model.md");
        if let Some(t) = &mut md.threats {
            t.undecided_at = vec![Mention {
                text: "T-2 Tampering: Mitigation: the disposition \"TODO\" is a placeholder".into(),
                line: 6,
            }];
        }
        let r = run(
            "threat-model-threats-dispositioned",
            models(vec![md]),
            &Config::default(),
        );
        assert_eq!(
            (r.outcome, r.message.as_str()),
            (
                Fail,
                "1 of 2 threats in docs/security/threat-model.md have no mitigation or decision: \
                 docs/security/threat-model.md:6 T-2 Tampering: Mitigation: the disposition \
                 \"TODO\" is a placeholder"
            )
        );
        assert!(
            r.evidence
                .contains(&fref("docs/security/threat-model.md").at_line(6))
        );
        let mut none = model(ThreatModelFormat::Markdown, Some((0, 0)));
        none.file = fref("docs/security/threat-model.md");
        let r = run(
            "threat-model-threats-dispositioned",
            models(vec![none]),
            &Config::default(),
        );
        assert_eq!(r.outcome, Fail, "{}", r.message);
        assert!(r.message.contains("lists no threats"), "{}", r.message);
    }
}
