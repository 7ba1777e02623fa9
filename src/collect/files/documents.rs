//! SDL documents: configured paths first, else well-known names (case-insensitive) in the
//! usual places; threat models also by format (Threat Dragon JSON, Threagile YAML).

use std::collections::BTreeSet;

use super::{Repo, text, threats, yaml};
use crate::config::Config;
use crate::facts::FileRef;
use crate::facts::files::{Document, Substance, ThreatModel, ThreatModelFormat};

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

fn extension(name: &str) -> String {
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

/// Every document, in `DOCUMENT_KINDS` order then precedence order, and the kinds that were
/// configured.
pub(super) fn find(repo: &Repo<'_>, config: &Config) -> (Vec<Document>, Vec<String>) {
    let mut chosen: Vec<(String, String)> = Vec::new();
    let mut configured = Vec::new();
    for (kind, _) in crate::catalog::DOCUMENT_KINDS {
        if let Some(paths) = config.documents.get(*kind) {
            configured.push(kind.to_string());
            for p in paths {
                // Configured paths are relative to the workspace's folder.
                let p = &repo.in_workspace(p);
                let dir = format!("{}/", p.trim_end_matches('/'));
                let inside: Vec<&String> = repo.under(&dir).take(MAX_PER_DIR).collect();
                if inside.is_empty() {
                    chosen.push((kind.to_string(), p.clone()));
                } else {
                    chosen.extend(inside.into_iter().map(|f| (kind.to_string(), f.clone())));
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
        chosen.extend(found.into_iter().map(|f| (kind.to_string(), f.clone())));
    }
    let mut seen = BTreeSet::new();
    let documents = chosen
        .into_iter()
        .filter(|pair| seen.insert(pair.clone()))
        .filter_map(|(kind, path)| {
            let file = repo.file_ref(&path).ok()?;
            let title = title(repo, &path);
            let (substance, not_analysed) = substance(repo, &kind, &path);
            Some(Document {
                kind,
                file,
                title,
                substance,
                not_analysed,
            })
        })
        .collect();
    (documents, configured)
}

/// What a document says ([`Substance`]), or why that was not measured.
fn substance(repo: &Repo<'_>, kind: &str, path: &str) -> (Option<Substance>, Option<String>) {
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
        Ok(t) => (
            Some(text::substance(
                &t.text,
                &ext,
                kind == "security-requirements",
            )),
            None,
        ),
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

/// Analyse one threat-model document.
pub(super) fn threat_model(repo: &Repo<'_>, file: &FileRef) -> ThreatModel {
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
        threats: None,
        note: None,
        not_analysed: None,
    };
    if !machine {
        if is_prose(&file.path) {
            match repo.read(&file.path) {
                Ok(t) => {
                    let counts = threats::prose(&text::Outline::new(&t.text, &ext));
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

/// README and the prose under docs/ and doc/, of the workspace's folder and of the
/// repository's top: where user guidance lives when no guidelines document is named.
pub(super) fn user_docs(repo: &Repo<'_>) -> Vec<String> {
    let mut dirs = vec![repo.prefix.clone()];
    if !repo.prefix.is_empty() {
        dirs.push(String::new());
    }
    let mut out = Vec::new();
    for dir in &dirs {
        out.extend(
            repo.under(dir)
                .filter(|f| {
                    let name = &f[dir.len()..];
                    !name.contains('/') && normalised_stem(name) == "readme" && is_prose(name)
                })
                .cloned(),
        );
    }
    for dir in &dirs {
        let (docs, doc) = (format!("{dir}docs/"), format!("{dir}doc/"));
        out.extend(
            repo.under(&docs)
                .chain(repo.under(&doc))
                .filter(|f| {
                    matches!(
                        extension(f).as_str(),
                        "md" | "markdown" | "rst" | "adoc" | "txt"
                    )
                })
                .take(200)
                .cloned(),
        );
    }
    out.dedup();
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
