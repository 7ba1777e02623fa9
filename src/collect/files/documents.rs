//! SDL documents: configured paths first, else well-known names (case-insensitive) in the
//! usual places; threat models also by format (Threat Dragon JSON, Threagile YAML).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use super::{Repo, sections, text, threats, yaml};
use crate::config::Config;
use crate::facts::FileRef;
use crate::facts::files::{
    Basis, Candidate, Document, Section, Substance, ThreatModel, ThreatModelFormat,
};

/// Places where any kind of SDL document is looked for, in precedence order (GitHub reads
/// SECURITY.md from .github/ first).
const DOC_DIRS: &[&str] = &[".github/", "", "docs/", "doc/"];

/// Security documentation folders: here the short names (requirements.md, context.md) count.
const SECURITY_DIRS: &[&str] = &[
    "docs/security/",
    "doc/security/",
    "security/",
    "docs/sdl/",
    ".sdl/",
];

/// Extensions of prose documents ("" for CHANGES, NEWS, …).
const PROSE: &[&str] = &[
    "md", "markdown", "rst", "adoc", "asciidoc", "txt", "org", "html", "htm", "",
];

/// Per kind: names anywhere in [`DOC_DIRS`] / [`SECURITY_DIRS`], extra short names in
/// [`SECURITY_DIRS`]; names are compared with `-`, `_`, `.` and spaces removed.
const KINDS: &[(&str, &[&str], &[&str])] = &[
    (
        "security-policy",
        &["security", "securitypolicy"],
        &["policy"],
    ),
    (
        "threat-model",
        &[
            "threatmodel",
            "threatmodeling",
            "threatmodelling",
            "threats",
        ],
        &["threatmodel"],
    ),
    (
        "security-context",
        &["securitycontext", "productsecuritycontext"],
        &["context"],
    ),
    (
        "security-requirements",
        &["securityrequirements", "productsecurityrequirements"],
        &["requirements"],
    ),
    (
        "design",
        &[
            "design",
            "architecture",
            "securitydesign",
            "securearchitecture",
        ],
        &["design", "architecture"],
    ),
    (
        "design-practices",
        &[
            "securedesign",
            "securedesignpractices",
            "designpractices",
            "designprinciples",
            "securedesignprinciples",
        ],
        &["designpractices", "principles"],
    ),
    (
        "coding-standard",
        &[
            "codingstandard",
            "codingstandards",
            "securecoding",
            "securecodingstandard",
            "securecodingguidelines",
            "codingguidelines",
        ],
        &["coding"],
    ),
    (
        "process",
        &[
            "sdl",
            "sdlc",
            "securedevelopment",
            "securedevelopmentprocess",
            "securitydevelopmentlifecycle",
            "developmentprocess",
        ],
        &["process"],
    ),
    (
        "guidelines",
        &[
            "securityguidelines",
            "securityguide",
            "usersecurityguide",
            "hardening",
            "hardeningguide",
        ],
        &["guidelines", "guide", "userguide"],
    ),
    (
        "update-documentation",
        &["securityupdates", "updating", "upgrading"],
        &["updates"],
    ),
    (
        "changelog",
        &["changelog", "changes", "history", "news", "releasenotes"],
        &[],
    ),
];

/// At most this many files per configured directory, and content-sniffed threat models.
const MAX_PER_DIR: usize = 100;

fn split(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(at) => (&path[..=at], &path[at + 1..]),
        None => ("", path),
    }
}

pub(super) fn extension(name: &str) -> String {
    match name.rfind('.') {
        Some(at) if at > 0 => name[at + 1..].to_ascii_lowercase(),
        _ => String::new(),
    }
}

fn normalised_stem(name: &str) -> String {
    let stem = match name.rfind('.') {
        Some(at) if at > 0 => &name[..at],
        _ => name,
    };
    stem.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// True for documents whose text can be searched.
pub(super) fn is_prose(path: &str) -> bool {
    PROSE.contains(&extension(split(path).1).as_str())
}

fn is_threat_file(path: &str) -> bool {
    let l = path.to_lowercase();
    l.ends_with(".threatdragon.json")
        || split(&l).1.starts_with("threagile.")
        || l.ends_with(".threagile.yaml")
        || l.ends_with(".threagile.yml")
}

/// The kind a file's well-known name gives it.
fn kind_of(path: &str) -> Option<&'static str> {
    let (dir, name) = split(path);
    let dir_lower = dir.to_lowercase();
    let in_doc_dir = DOC_DIRS.contains(&dir_lower.as_str());
    let in_security_dir = SECURITY_DIRS.contains(&dir_lower.as_str());
    if !in_doc_dir && !in_security_dir {
        return None;
    }
    let ext = extension(name);
    let stem = normalised_stem(name);
    KINDS.iter().find_map(|(kind, names, short)| {
        let ext_ok = match *kind {
            // security.txt is RFC 9116's file, not a policy document.
            "security-policy" => ext != "txt" && PROSE.contains(&ext.as_str()),
            "threat-model" => {
                PROSE.contains(&ext.as_str())
                    || matches!(ext.as_str(), "json" | "yaml" | "yml" | "pdf")
            }
            _ => PROSE.contains(&ext.as_str()) || ext == "pdf",
        };
        let name_ok =
            names.contains(&stem.as_str()) || (in_security_dir && short.contains(&stem.as_str()));
        (ext_ok && name_ok).then_some(*kind)
    })
}

/// Kinds of documents that are about security as a whole: a section of one whose heading names
/// another kind or a guideline topic is evidence of it (a `## Threat model` of SECURITY.md).
const SECURITY_KINDS: &[&str] = &[
    "security-policy",
    "threat-model",
    "security-context",
    "security-requirements",
    "guidelines",
];

/// What [`find`] found.
pub(super) struct Found {
    /// Every document, in `DOCUMENT_KINDS` order then precedence order.
    pub(super) documents: Vec<Document>,
    /// The kinds whose documents are designated in `sdl.toml`.
    pub(super) configured: Vec<String>,
    /// Headings elsewhere in the documentation that name a kind without a document.
    pub(super) candidates: Vec<Candidate>,
}

/// At most this many sections of one kind, and candidates per kind or topic.
const MAX_SECTIONS: usize = 5;

/// Every document: designated ones (`[documents]`, a file, a folder or `file#anchor`), else
/// those at conventional places; then, for a kind that has none, the sections of the
/// conventional security files whose heading names it, and candidates elsewhere in the
/// documentation.
pub(super) fn find(repo: &Repo<'_>, config: &Config) -> Found {
    let mut chosen: Vec<(String, String, Basis)> = Vec::new();
    let mut sections: Vec<(String, String, Section, Basis)> = Vec::new();
    let mut configured = Vec::new();
    for (kind, _) in crate::catalog::DOCUMENT_KINDS {
        if let Some(designations) = config.documents.get(*kind) {
            configured.push(kind.to_string());
            for designation in designations {
                let (p, anchor) = crate::config::split_designation(designation);
                // Configured paths are relative to the workspace's folder.
                let p = &repo.in_workspace(p);
                if let Some(anchor) = anchor {
                    match locate(repo, p, anchor) {
                        Ok(section) => sections.push((
                            kind.to_string(),
                            p.to_string(),
                            section,
                            Basis::Designated,
                        )),
                        Err(why) => repo.problem(p, format!("documents.{kind}: {why}")),
                    }
                    continue;
                }
                let dir = format!("{}/", p.trim_end_matches('/'));
                let inside: Vec<&String> = repo.under(&dir).take(MAX_PER_DIR).collect();
                if inside.is_empty() {
                    chosen.push((kind.to_string(), p.to_string(), Basis::Designated));
                } else {
                    chosen.extend(
                        inside
                            .into_iter()
                            .map(|f| (kind.to_string(), f.clone(), Basis::Designated)),
                    );
                }
            }
            continue;
        }
        let mut found: Vec<&String> = repo
            .scoped()
            .filter(|f| kind_of(repo.local(f)) == Some(*kind))
            .collect();
        if *kind == "threat-model" {
            found.extend(repo.scoped().filter(|f| is_threat_file(f)));
            found.extend(sniffed_threat_models(repo));
        }
        // The workspace's own documents first, then the repository's.
        found.sort_by_key(|f| {
            (
                repo.local(f).len() == f.len() && !repo.prefix.is_empty(),
                precedence(repo.local(f)),
                f.to_lowercase(),
            )
        });
        found.dedup();
        chosen.extend(
            found
                .into_iter()
                .map(|f| (kind.to_string(), f.clone(), Basis::Conventional)),
        );
    }
    let mut seen = BTreeSet::new();
    let mut documents: Vec<Document> = chosen
        .into_iter()
        .filter(|(kind, path, _)| seen.insert((kind.clone(), path.clone())))
        .filter_map(|(kind, path, basis)| {
            let file = repo.file_ref(&path).ok()?;
            let title = title(repo, &path);
            let (substance, not_analysed) = substance(repo, &kind, &path, None);
            Some(Document {
                kind,
                file,
                title,
                basis,
                section: None,
                substance,
                not_analysed,
            })
        })
        .collect();

    // Kinds without a document: the sections of the conventional security files that a heading
    // names as such are evidence; headings elsewhere in the documentation are candidates.
    let security = security_files(repo, &documents);
    // A kind lacks evidence while it has no document, no section and no designation.
    let lacks = |kind: &str, sections: &[(String, String, Section, Basis)]| {
        !(documents.iter().any(|d| d.kind == kind)
            || sections.iter().any(|(sk, ..)| sk == kind)
            || config.documents.contains_key(kind))
    };
    let missing: Vec<(usize, &str)> = sections::KIND_HEADINGS
        .iter()
        .enumerate()
        .filter(|(_, (kind, _))| lacks(kind, &sections))
        .map(|(k, (kind, _))| (k, *kind))
        .collect();
    let elsewhere: Vec<String> = user_docs(repo)
        .into_iter()
        .filter(|p| !security.contains(p))
        .collect();
    let mut candidates: Vec<Candidate> = Vec::new();
    let add_candidate =
        |candidates: &mut Vec<Candidate>, kind: &str, path: &str, hit: &sections::Hit| {
            let key = format!("documents.{kind}");
            let place = |c: &Candidate| (c.file.path.clone(), c.line);
            if candidates.iter().filter(|c| c.key == key).count() >= MAX_SECTIONS
                || candidates
                    .iter()
                    .any(|c| c.key == key && place(c) == (path.to_string(), hit.line))
            {
                return;
            }
            if let Ok(file) = repo.file_ref(path) {
                candidates.push(Candidate {
                    key,
                    config_path: repo.config_path(&file.path),
                    file,
                    line: hit.line,
                    section: hit.section.clone(),
                    text: hit.text.clone(),
                    words: hit.words,
                });
            }
        };
    // Each file's outline once (see [`analysed`]): the headings that name a kind, and the
    // looser ones.
    let outlines = |paths: &[String]| -> Vec<Arc<sections::OutlineHits>> {
        paths.iter().map(|p| analysed(repo, p)).collect()
    };
    let any_lacking = sections::CANDIDATE_HEADINGS
        .iter()
        .any(|(kind, _)| lacks(kind, &sections));
    let (security_hits, elsewhere_hits) = if missing.is_empty() && !any_lacking {
        (Vec::new(), Vec::new())
    } else {
        (outlines(&security), outlines(&elsewhere))
    };
    if !missing.is_empty() {
        let mut found = vec![0usize; sections::KIND_HEADINGS.len()];
        for (path, hits) in security.iter().zip(&security_hits) {
            for &(k, kind) in &missing {
                for hit in hits.kinds.get(k).into_iter().flatten() {
                    if found[k] < MAX_SECTIONS
                        && let Some(section) = &hit.section
                    {
                        found[k] += 1;
                        sections.push((
                            kind.to_string(),
                            path.clone(),
                            section.clone(),
                            Basis::Conventional,
                        ));
                    }
                }
            }
        }
        for (path, hits) in elsewhere.iter().zip(&elsewhere_hits) {
            for &(k, kind) in missing.iter().filter(|(k, _)| found[*k] == 0) {
                for hit in hits
                    .kinds
                    .get(k)
                    .into_iter()
                    .flatten()
                    .filter(|h| h.complete())
                {
                    add_candidate(&mut candidates, kind, path, hit);
                }
            }
        }
    }
    // Weaker headings ("Architecture", "Code style", "Scope and assumptions") are candidates
    // wherever they stand, the security files included, for a kind that has no document.
    let lacking: Vec<(usize, &str)> = sections::CANDIDATE_HEADINGS
        .iter()
        .enumerate()
        .filter(|(_, (kind, _))| lacks(kind, &sections))
        .map(|(k, (kind, _))| (k, *kind))
        .collect();
    if !lacking.is_empty() {
        let places = security.iter().zip(&security_hits);
        for (path, hits) in places.chain(elsewhere.iter().zip(&elsewhere_hits)) {
            for &(k, kind) in &lacking {
                for hit in hits
                    .candidates
                    .get(k)
                    .into_iter()
                    .flatten()
                    .filter(|h| h.complete())
                {
                    add_candidate(&mut candidates, kind, path, hit);
                }
            }
        }
    }
    // Release notes kept per crate (`tokio/CHANGELOG.md`) in a repository with none of its
    // own: which crate's notes are the product's is a person's call, so they are candidates.
    if !documents.iter().any(|d| d.kind == "changelog")
        && !config.documents.contains_key("changelog")
    {
        candidates.extend(crate_changelogs(repo));
    }
    for (kind, path, section, basis) in sections {
        let Ok(file) = repo.file_ref(&path) else {
            continue;
        };
        let (substance, not_analysed) = substance(repo, &kind, &path, Some(&section));
        documents.push(Document {
            kind,
            file,
            title: Some(section.heading.clone()),
            basis,
            section: Some(section),
            substance,
            not_analysed,
        });
    }
    // DOCUMENT_KINDS order, whole files before sections.
    let order = |kind: &str| {
        crate::catalog::DOCUMENT_KINDS
            .iter()
            .position(|(k, _)| *k == kind)
            .unwrap_or(usize::MAX)
    };
    documents.sort_by_key(|d| order(&d.kind));
    Found {
        documents,
        configured,
        candidates,
    }
}

/// The section of `path` whose anchor is `anchor`.
fn locate(repo: &Repo<'_>, path: &str, anchor: &str) -> Result<Section, String> {
    if !is_prose(path) {
        return Err(format!(
            "{path} is not a text document, so it has no sections to designate"
        ));
    }
    let t = repo
        .read(path)
        .map_err(|e| format!("{path} {}", e.reason))?;
    sections::find(&t.text, &extension(path), anchor)
        .map(|(s, _)| s)
        .map_err(|why| format!("{path} {why}"))
}

/// The text of `section` in `text` (the heading included), and the line it starts at.
pub(super) fn section_text<'t>(text: &'t str, ext: &str, section: &Section) -> (&'t str, u32) {
    match sections::find(text, ext, &section.anchor) {
        Ok((s, range)) => (&text[range], s.line),
        // The file changed between two reads of the same run: nothing, rather than the wrong part.
        Err(_) => ("", section.line),
    }
}

/// Prose files that are conventional places for security documentation: documents of the
/// [`SECURITY_KINDS`] (configured or found by name) and every prose file in a security folder.
pub(super) fn security_files(repo: &Repo<'_>, documents: &[Document]) -> Vec<String> {
    let mut out: Vec<String> = documents
        .iter()
        .filter(|d| SECURITY_KINDS.contains(&d.kind.as_str()) && d.section.is_none())
        .map(|d| d.file.path.clone())
        .filter(|p| is_prose(p))
        .collect();
    out.extend(
        repo.scoped()
            .filter(|f| {
                let dir = split(repo.local(f)).0.to_lowercase();
                SECURITY_DIRS.iter().any(|d| in_security_dir(&dir, d)) && is_prose(f)
            })
            .take(MAX_PER_DIR)
            .cloned(),
    );
    let mut seen = BTreeSet::new();
    out.retain(|p| seen.insert(p.clone()));
    out
}

/// Whether a folder name (lower case) holds other projects' copies.
fn is_vendored(folder: &str) -> bool {
    matches!(
        folder,
        "vendor" | "vendored" | "third_party" | "third-party" | "external" | "node_modules"
    )
}

/// Whether a file of folder `dir` (lower case, ending in `/`) is one of the security folder
/// `security`'s own: directly in it or one folder down (`docs/security/threat-model/`), never
/// deeper and never in a vendored copy (`docs/security/vendored/otherlib/` is another project's
/// text, and its headings are no evidence of this one's).
fn in_security_dir(dir: &str, security: &str) -> bool {
    let Some(rest) = dir.strip_prefix(security) else {
        return false;
    };
    let below: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    match below.as_slice() {
        [] => true,
        [one] => !is_vendored(one),
        _ => false,
    }
}

/// Release notes in the product's folders below the top (a crate's own `CHANGELOG.md`), the
/// shallowest first, at most [`MAX_SECTIONS`], as candidates for `[documents] changelog`.
fn crate_changelogs(repo: &Repo<'_>) -> Vec<Candidate> {
    let names = KINDS
        .iter()
        .find(|(kind, ..)| *kind == "changelog")
        .map(|(_, names, _)| *names)
        .unwrap_or_default();
    let mut found: Vec<&String> = repo
        .scoped()
        .filter(|f| {
            let (dir, name) = split(repo.local(f));
            !dir.is_empty()
                && is_prose(f)
                && names.contains(&normalised_stem(name).as_str())
                && !dir.split('/').any(|d| is_vendored(&d.to_lowercase()))
        })
        .collect();
    found.sort_by_key(|f| (f.matches('/').count(), f.to_lowercase()));
    found
        .into_iter()
        .take(MAX_SECTIONS)
        .filter_map(|path| {
            let file = repo.file_ref(path).ok()?;
            let words = repo
                .read(path)
                .map(|t| text::substance(&t.text, &extension(path), false).words)
                .unwrap_or(0);
            Some(Candidate {
                key: "documents.changelog".into(),
                config_path: repo.config_path(&file.path),
                text: split(path).1.to_string(),
                file,
                line: 1,
                section: None,
                words,
            })
        })
        .collect()
}

/// Document kinds whose own words are the subject: their sections are evidence of a guideline
/// topic only when designated (a threat model's "Trust boundaries" is no user guidance).
pub(super) fn is_other_kind(documents: &[Document], path: &str) -> bool {
    documents.iter().any(|d| {
        d.file.path == path
            && d.section.is_none()
            && !matches!(d.kind.as_str(), "security-policy" | "guidelines")
    })
}

/// What the outline of `path` names ([`sections::OutlineHits`]; nothing when it cannot be
/// read). The analysis is a function of the text and its format alone, so it is kept for the
/// run by the content's SHA-256 and format: the current tree and each re-assessed release tree
/// share most documents, which are then outlined once.
pub(super) fn analysed(repo: &Repo<'_>, path: &str) -> Arc<sections::OutlineHits> {
    // Release trees are re-assessed side by side: a content both are outlining is outlined by
    // the first, and the other waits for it rather than doing the same work.
    type Slot = Arc<OnceLock<Arc<sections::OutlineHits>>>;
    /// More distinct documents than this in one process (a long-running caller) and the memo
    /// starts again: a bound on memory, not on correctness.
    const MEMO_LIMIT: usize = 20_000;
    static MEMO: LazyLock<Mutex<HashMap<(String, String), Slot>>> = LazyLock::new(Default::default);
    let Ok(t) = repo.read(path) else {
        return Arc::default();
    };
    let ext = extension(path);
    let slot: Slot = {
        let mut memo = MEMO.lock().unwrap_or_else(|e| e.into_inner());
        if memo.len() >= MEMO_LIMIT {
            memo.clear();
        }
        memo.entry((t.file.sha256.clone(), ext.clone()))
            .or_default()
            .clone()
    };
    slot.get_or_init(|| {
        let doc = text::Outline::new(&t.text, &ext);
        Arc::new(sections::outline_hits(&doc, &sections::headings(&doc)))
    })
    .clone()
}

/// What a document says ([`Substance`]) — a section's words only — or why that was not
/// measured.
fn substance(
    repo: &Repo<'_>,
    kind: &str,
    path: &str,
    section: Option<&Section>,
) -> (Option<Substance>, Option<String>) {
    let ext = extension(path);
    if !is_prose(path) {
        let why = match ext.as_str() {
            "json" | "yaml" | "yml" if kind == "threat-model" => {
                "is a machine-readable model: it is judged by its threats, not its prose".into()
            }
            "" => "has no extension of a text format: its substance cannot be judged".into(),
            other => format!(
                "is a .{other} file, not text: its substance cannot be judged (add a Markdown \
                 version, or attest its review)"
            ),
        };
        return (None, Some(why));
    }
    match repo.read(path) {
        Ok(t) => {
            let ids = kind == "security-requirements";
            let s = match section {
                Some(section) => {
                    let (part, first) = section_text(&t.text, &ext, section);
                    text::Outline::new_at(part, &ext, first).substance(ids)
                }
                None => text::substance(&t.text, &ext, ids),
            };
            let mut s = s;
            if kind == "changelog" {
                s.releases = Some(text::release_lines(&t.text, 3));
            }
            (Some(s), None)
        }
        Err(e) => (None, Some(e.reason)),
    }
}

fn precedence(path: &str) -> usize {
    let dir = split(path).0.to_lowercase();
    DOC_DIRS
        .iter()
        .chain(SECURITY_DIRS)
        .position(|d| *d == dir)
        .unwrap_or(usize::MAX)
}

/// JSON and YAML files with "threat" in their path whose content is a Threat Dragon or
/// Threagile model.
fn sniffed_threat_models<'r>(repo: &'r Repo<'_>) -> Vec<&'r String> {
    repo.scoped()
        .filter(|f| {
            let l = f.to_lowercase();
            l.contains("threat") && matches!(extension(&l).as_str(), "json" | "yaml" | "yml")
        })
        .filter(|f| kind_of(repo.local(f)).is_none() && !is_threat_file(f))
        .take(MAX_PER_DIR)
        .filter(|f| {
            let Ok(t) = repo.read(f) else { return false };
            match extension(f).as_str() {
                "json" => serde_json::from_str::<serde_json::Value>(&t.text)
                    .is_ok_and(|j| threats::is_threat_dragon(&j)),
                _ => yaml::parse(&t.text).is_ok_and(|d| threats::is_threagile(&d)),
            }
        })
        .collect()
}

fn title(repo: &Repo<'_>, path: &str) -> Option<String> {
    let ext = extension(path);
    if !(is_prose(path) || matches!(ext.as_str(), "json" | "yaml" | "yml")) {
        return None;
    }
    let t = repo.read(path).ok()?;
    match ext.as_str() {
        "json" => serde_json::from_str::<serde_json::Value>(&t.text)
            .ok()
            .and_then(|j| threats::threat_dragon_title(&j)),
        "yaml" | "yml" => yaml::parse(&t.text).ok().and_then(|d| {
            d.get("title")
                .and_then(yaml::Node::as_str)
                .map(str::to_string)
        }),
        _ => text::title(&t.text),
    }
}

/// Analyse one threat-model document (a whole file, or its `section`).
pub(super) fn threat_model(
    repo: &Repo<'_>,
    file: &FileRef,
    section: Option<&Section>,
) -> ThreatModel {
    let ext = extension(&file.path);
    let machine = matches!(ext.as_str(), "json" | "yaml" | "yml");
    let markdown = matches!(ext.as_str(), "md" | "markdown");
    let mut model = ThreatModel {
        file: file.clone(),
        format: if markdown {
            ThreatModelFormat::Markdown
        } else {
            ThreatModelFormat::Other
        },
        section: section.cloned(),
        threats: None,
        note: None,
        not_analysed: None,
    };
    if !machine {
        if is_prose(&file.path) {
            match repo.read(&file.path) {
                Ok(t) => {
                    let (part, first) = match section {
                        Some(s) => section_text(&t.text, &ext, s),
                        None => (&*t.text, 1),
                    };
                    let counts = threats::prose(&text::Outline::new_at(part, &ext, first));
                    if markdown || counts.total > 0 {
                        model.threats = Some(counts);
                    } else {
                        model.note = Some(
                            "no threats enumerated in a form that can be read (a table with a \
                             threat column, `### T-1` headings)"
                                .into(),
                        );
                    }
                }
                Err(e) => model.not_analysed = Some(e.reason),
            }
        }
        return model;
    }
    let t = match repo.read(&file.path) {
        Ok(t) => t,
        Err(e) => {
            model.not_analysed = Some(e.reason);
            return model;
        }
    };
    if ext == "json" {
        match serde_json::from_str::<serde_json::Value>(&t.text) {
            Ok(json) if threats::is_threat_dragon(&json) => {
                model.format = ThreatModelFormat::ThreatDragon;
                model.threats = Some(threats::threat_dragon(&json));
            }
            Ok(_) => model.note = Some("JSON that is not a Threat Dragon model".into()),
            Err(e) => {
                let why = format!("not valid JSON: {e}");
                repo.problem(&file.path, why.clone());
                model.not_analysed = Some(why);
            }
        }
    } else {
        match yaml::parse(&t.text) {
            Ok(doc) if threats::is_threagile(&doc) => {
                model.format = ThreatModelFormat::Threagile;
                model.threats = Some(threats::threagile(&doc));
                model.note = Some(
                    "risks Threagile derives from its rules are counted only once tracked in \
                     risk_tracking"
                        .into(),
                );
            }
            Ok(_) => model.note = Some("YAML that is not a Threagile model".into()),
            Err(e) => {
                let why = format!("not valid YAML: {e}");
                repo.problem(&file.path, why.clone());
                model.not_analysed = Some(why);
            }
        }
    }
    model
}

/// Whether a folder (lower case) holds documentation: `doc`, `docs`, `documentation`,
/// `devel-docs`, `user_docs`.
fn is_doc_folder(folder: &str) -> bool {
    matches!(folder, "doc" | "docs" | "documentation")
        || ["-doc", "-docs", "_doc", "_docs"]
            .iter()
            .any(|end| folder.ends_with(end))
}

/// At most this many files of the documentation are searched for candidates and user guidance.
const MAX_USER_DOCS: usize = 2000;

/// Where user guidance may be, and candidates may be found; never evidence by itself: the
/// prose at the top of the workspace's folder and of the repository (README first, then
/// CONTRIBUTING, a guide, an FAQ; not the licence or the release notes), `.github/CONTRIBUTING`,
/// and the prose of the documentation folders: `docs/`, `doc/`, `devel-docs/` at those tops,
/// then such folders deeper down among the product's files (src/doc/, crates/x/docs/), where a
/// workspace keeps its book and manual pages.
pub(super) fn user_docs(repo: &Repo<'_>) -> Vec<String> {
    let prose = |f: &String| {
        matches!(
            extension(f).as_str(),
            "md" | "markdown" | "rst" | "adoc" | "txt"
        )
    };
    let mut dirs = vec![repo.prefix.clone()];
    if !repo.prefix.is_empty() {
        dirs.push(String::new());
    }
    let mut out = Vec::new();
    for dir in &dirs {
        let top: Vec<&String> = repo
            .under(dir)
            .filter(|f| {
                let name = &f[dir.len()..];
                !name.contains('/') && is_prose(name)
            })
            .collect();
        let stem = |f: &str| normalised_stem(&f[dir.len()..]);
        out.extend(
            top.iter()
                .filter(|f| stem(f) == "readme")
                .map(|f| (*f).clone()),
        );
        out.extend(
            top.iter()
                .filter(|f| {
                    let s = stem(f);
                    // A named prose file; not `.gitignore`, not a link named `HomebrewFormula`.
                    s != "readme"
                        && prose(f)
                        && !f[dir.len()..].starts_with('.')
                        && !s.starts_with("licen")
                        && !matches!(
                            s.as_str(),
                            "copying" | "notice" | "authors" | "codeofconduct"
                        )
                        && kind_of(&f[dir.len()..]).is_none()
                })
                .map(|f| (*f).clone()),
        );
        out.extend(
            repo.under(&format!("{dir}.github/"))
                .filter(|f| {
                    let name = &f[dir.len() + ".github/".len()..];
                    !name.contains('/') && normalised_stem(name) == "contributing" && is_prose(name)
                })
                .cloned(),
        );
    }
    for dir in &dirs {
        out.extend(
            repo.under(dir)
                .filter(|f| {
                    let rest = &f[dir.len()..];
                    rest.split_once('/')
                        .is_some_and(|(top, _)| is_doc_folder(&top.to_ascii_lowercase()))
                        && prose(f)
                })
                .take(MAX_USER_DOCS)
                .cloned(),
        );
    }
    let nested = repo.scoped().filter(|f| {
        let folders: Vec<String> = repo
            .local(f)
            .split('/')
            .rev()
            .skip(1)
            .map(str::to_ascii_lowercase)
            .collect();
        folders.len() > 1
            && !folders.last().is_some_and(|d| is_doc_folder(d))
            && folders.iter().any(|d| is_doc_folder(d))
            && !folders.iter().any(|d| is_vendored(d) || d == "target")
    });
    out.extend(nested.filter(|f| prose(f)).take(MAX_USER_DOCS).cloned());
    let mut seen = BTreeSet::new();
    out.retain(|f| seen.insert(f.clone()));
    out.truncate(MAX_USER_DOCS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_names() {
        let cases: &[(&str, Option<&str>)] = &[
            ("SECURITY.md", Some("security-policy")),
            (".github/SECURITY.md", Some("security-policy")),
            ("docs/security.md", Some("security-policy")),
            ("security.txt", None),
            ("THREAT_MODEL.md", Some("threat-model")),
            ("threat-model.md", Some("threat-model")),
            ("docs/security/threat-model.yaml", Some("threat-model")),
            (
                "docs/security/requirements.md",
                Some("security-requirements"),
            ),
            ("docs/requirements.md", None),
            ("docs/sdl/process.md", Some("process")),
            ("CHANGELOG.md", Some("changelog")),
            ("CHANGES", Some("changelog")),
            ("src/design.md", None),
            ("ARCHITECTURE.md", Some("design")),
            ("docs/Secure-Coding.md", Some("coding-standard")),
            ("docs/security/guidelines.md", Some("guidelines")),
            ("HARDENING.md", Some("guidelines")),
        ];
        for (path, want) in cases {
            assert_eq!(kind_of(path), *want, "{path}");
        }
        assert!(is_threat_file("model/app.threatdragon.json"));
        assert!(is_threat_file("threagile.yaml"));
    }
}
