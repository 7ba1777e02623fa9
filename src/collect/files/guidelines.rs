//! The user security guidelines, SG-1 … SG-6: per topic, the section that is evidence
//! (designated in `[guidelines]`, or a section of a conventional security document whose
//! heading names the topic) and the candidates elsewhere in the documentation.

use std::sync::Arc;

use super::{Repo, documents, sections, text};
use crate::config::Config;
use crate::facts::FileRef;
use crate::facts::files::{
    Basis, Candidate, Document, GuidelineTopic, Guidelines, GuidelinesSource, TopicMatch,
};

/// The SG-1 … SG-6 topics: a section designated in `[guidelines]`, else the best section whose
/// heading names the topic in a conventional security document (a guidelines document,
/// SECURITY.md, a file of a security folder that is no document of another kind). Headings
/// elsewhere in the documentation (README, docs/, the other SDL documents) and sentences of a
/// guidelines document that name a topic without a section of its own are candidates.
pub(super) fn guidelines(
    repo: &Repo<'_>,
    documents_found: &[Document],
    config: &Config,
    candidates: &mut Vec<Candidate>,
) -> Guidelines {
    let guideline_docs: Vec<&str> = documents_found
        .iter()
        .filter(|d| d.kind == "guidelines" && d.section.is_none())
        .map(|d| d.file.path.as_str())
        .filter(|p| documents::is_prose(p))
        .collect();
    let evidence: Vec<String> = documents::security_files(repo, documents_found)
        .into_iter()
        .filter(|p| !documents::is_other_kind(documents_found, p))
        .collect();
    let mut elsewhere: Vec<String> = documents::user_docs(repo);
    elsewhere.extend(
        documents::security_files(repo, documents_found)
            .into_iter()
            .filter(|p| documents::is_other_kind(documents_found, p)),
    );
    let mut seen = std::collections::BTreeSet::new();
    elsewhere.retain(|p| !evidence.contains(p) && seen.insert(p.clone()));
    let source = if !guideline_docs.is_empty() {
        GuidelinesSource::Guidelines
    } else if evidence.is_empty() && elsewhere.is_empty() {
        GuidelinesSource::None
    } else {
        GuidelinesSource::ReadmeAndDocs
    };

    let mut searched = Vec::new();
    let mut incomplete = false;
    // Per file: the hits of every topic, read once.
    let mut read = |path: &str| -> Option<(FileRef, Arc<sections::OutlineHits>)> {
        let Ok(t) = repo.read(path) else {
            incomplete = true;
            return None;
        };
        let hits = documents::analysed(repo, path);
        searched.push(t.file.clone());
        Some((t.file, hits))
    };
    let evidence_hits: Vec<(FileRef, Arc<sections::OutlineHits>)> =
        evidence.iter().filter_map(|p| read(p)).collect();
    let elsewhere_hits: Vec<(FileRef, Arc<sections::OutlineHits>)> =
        elsewhere.iter().filter_map(|p| read(p)).collect();

    let mut topics = Vec::new();
    for (t, (requirement, topic, _)) in sections::TOPICS.iter().enumerate() {
        let key = format!("guidelines.{topic}");
        let mut unresolved = Vec::new();
        let found = if let Some(designated) = config.guidelines.get(*topic) {
            let matches: Vec<TopicMatch> = designated
                .iter()
                .filter_map(|d| match designated_topic(repo, d) {
                    Ok(m) => Some(m),
                    Err(why) => {
                        unresolved.push(format!("{d}: {why}"));
                        None
                    }
                })
                .collect();
            best(matches)
        } else {
            let sections_found: Vec<TopicMatch> = evidence_hits
                .iter()
                .flat_map(|(file, hits)| {
                    hits.topics[t].headings.iter().map(move |h| TopicMatch {
                        file: file.clone(),
                        line: h.line,
                        heading: true,
                        text: h.text.clone(),
                        words: h.words,
                        placeholder: h.placeholder.clone(),
                        basis: Basis::Conventional,
                    })
                })
                .collect();
            best(sections_found)
        };
        if found.is_none() && unresolved.is_empty() {
            // Headings elsewhere, then sentences of a guidelines document in a section of
            // their own: leads for a person to designate.
            let headings = elsewhere_hits
                .iter()
                .flat_map(|(file, hits)| hits.topics[t].headings.iter().map(move |h| (file, h)));
            let mentions = evidence_hits
                .iter()
                .filter(|(file, _)| guideline_docs.contains(&file.path.as_str()))
                .flat_map(|(file, hits)| hits.topics[t].mentions.iter().map(move |h| (file, h)));
            let mut seen = std::collections::BTreeSet::new();
            for (file, hit) in headings.chain(mentions).filter(|(_, h)| h.complete()) {
                let c = Candidate {
                    key: key.clone(),
                    file: file.clone(),
                    line: hit.line,
                    section: hit.section.clone(),
                    text: hit.text.clone(),
                    words: hit.words,
                    config_path: repo.config_path(&file.path),
                };
                if seen.len() >= 5 {
                    break;
                }
                let place = (
                    c.file.path.clone(),
                    c.section.as_ref().map(|s| s.anchor.clone()),
                );
                if seen.insert(place) {
                    candidates.push(c);
                }
            }
        }
        topics.push(GuidelineTopic {
            requirement: requirement.to_string(),
            topic: topic.to_string(),
            found,
            unresolved,
        });
    }
    Guidelines {
        source,
        searched,
        topics,
        incomplete,
    }
}

/// The best of several sections: one with text and no placeholder (the longest), else the
/// first, kept so that the rule can say why it is no section.
fn best(mut found: Vec<TopicMatch>) -> Option<TopicMatch> {
    let complete = |m: &TopicMatch| m.words > 0 && m.placeholder.is_none();
    let longest = found
        .iter()
        .enumerate()
        .filter(|(_, m)| complete(m))
        .max_by_key(|(i, m)| (m.words, std::cmp::Reverse(*i)))
        .map(|(i, _)| i);
    match longest {
        Some(i) => Some(found.swap_remove(i)),
        None if !found.is_empty() => Some(found.swap_remove(0)),
        None => None,
    }
}

/// The section (or whole file) a `[guidelines]` designation names, measured.
fn designated_topic(repo: &Repo<'_>, designation: &str) -> Result<TopicMatch, String> {
    let (path, anchor) = crate::config::split_designation(designation);
    // Designated paths are relative to the workspace's folder.
    let path = &repo.in_workspace(path);
    if !documents::is_prose(path) {
        return Err("is not a text document whose words can be read".into());
    }
    let t = repo.read(path).map_err(|e| e.reason)?;
    let ext = documents::extension(path);
    let doc = text::Outline::new(&t.text, &ext);
    let heads = sections::headings(&doc);
    let (line, heading, label, start, end) = match anchor {
        Some(a) => {
            let wanted = a.to_lowercase();
            let Some(h) = heads.iter().find(|h| h.anchor == wanted) else {
                return Err(sections::find(&t.text, &ext, a)
                    .err()
                    .unwrap_or_else(|| "has no such section".into()));
            };
            (
                doc.lines[h.idx].no,
                true,
                text::clip(doc.lines[h.idx].raw),
                h.idx + 1,
                doc.section_end(h.idx),
            )
        }
        None => (1, false, path.to_string(), 0, doc.lines.len()),
    };
    Ok(TopicMatch {
        file: t.file,
        line,
        heading,
        text: label,
        words: doc.words_in(start, end),
        placeholder: doc.first_placeholder(start, end),
        basis: Basis::Designated,
    })
}
