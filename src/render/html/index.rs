//! The citation index: every piece of evidence that findings, attestations, the roles and
//! training registers and release records cite, each with who cites it (rule and requirement
//! ids, attestation paths, `tag …`, `release …`). The evidence tables of the page are its rows.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde::ser::SerializeStruct;

use super::chart::ReleaseShare;
use crate::facts::EvidenceRef;
use crate::facts::human::Reference;
use crate::report::Report;

/// Who cites a piece of evidence, sorted.
type Citers = BTreeSet<String>;

/// Evidence keyed by two parts (a path and its sha256, a tag and its target, …), sorted.
type Pairs = BTreeMap<(String, String), Citers>;

/// Evidence gathered from findings and attestations, each with who cites it.
#[derive(Default)]
pub(super) struct Index {
    /// (path, sha256)
    files: Pairs,
    commits: BTreeMap<String, Citers>,
    /// What the git record says about a commit (author, date, signature), where one was kept.
    commit_records: BTreeMap<String, BTreeSet<String>>,
    /// (name, target)
    tags: Pairs,
    /// (name, version)
    packages: Pairs,
    advisories: BTreeMap<String, Citers>,
    /// (path, bom-ref or empty)
    sboms: Pairs,
    /// (path, key)
    configs: Pairs,
}

impl Index {
    pub(super) fn new(report: &Report, releases: &[ReleaseShare]) -> Index {
        let mut index = Index::default();
        for f in &report.findings {
            for e in &f.evidence {
                index.add(e, &f.rule);
            }
        }
        let human = &report.evidence.human;
        for a in &human.attestations {
            let by = a.file.path.as_str();
            for req in &a.requirements {
                cite_pair(&mut index.files, &a.file.path, &a.file.sha256, req);
            }
            if let Some(c) = &a.commit {
                cite(&mut index.commits, &c.id, by);
                let signature = match &c.signature {
                    Some(s) => format!("signed ({s}, not verified here)"),
                    None => "unsigned".to_string(),
                };
                index
                    .commit_records
                    .entry(c.id.clone())
                    .or_default()
                    .insert(format!("{}, {}, {signature}", c.author, c.date));
            }
            for r in &a.references {
                match r {
                    Reference::File { path, sha256 } => {
                        cite_pair(&mut index.files, path, sha256, by);
                    }
                    Reference::Commit { id, .. } => cite(&mut index.commits, id, by),
                    Reference::Url { .. } | Reference::Ticket { .. } => {}
                }
            }
        }
        if let Some(f) = human.roles.as_ref().and_then(|r| r.file.as_ref()) {
            cite_pair(&mut index.files, &f.path, &f.sha256, "SM-2");
        }
        if let Some(f) = &human.training_file {
            cite_pair(&mut index.files, &f.path, &f.sha256, "SM-4");
        }
        for r in releases {
            cite(&mut index.commits, &r.commit, &format!("release {}", r.tag));
        }
        index
    }

    fn add(&mut self, e: &EvidenceRef, by: &str) {
        match e {
            EvidenceRef::File { path, sha256, .. } | EvidenceRef::Attestation { path, sha256 } => {
                cite_pair(&mut self.files, path, sha256, by);
            }
            EvidenceRef::Commit { id } => cite(&mut self.commits, id, by),
            EvidenceRef::Tag { name, target } => {
                cite_pair(&mut self.tags, name, target, by);
                cite(&mut self.commits, target, &format!("tag {name}"));
            }
            EvidenceRef::Package { name, version } => {
                cite_pair(&mut self.packages, name, version, by);
            }
            EvidenceRef::Advisory { id } => cite(&mut self.advisories, id, by),
            EvidenceRef::Sbom { path, bom_ref } => {
                let bom_ref = bom_ref.as_deref().unwrap_or_default();
                cite_pair(&mut self.sboms, path, bom_ref, by);
            }
            EvidenceRef::Config { path, key } => cite_pair(&mut self.configs, path, key, by),
        }
    }
}

fn cite(map: &mut BTreeMap<String, Citers>, key: &str, by: &str) {
    map.entry(key.to_string())
        .or_default()
        .insert(by.to_string());
}

fn cite_pair(map: &mut Pairs, name: &str, detail: &str, by: &str) {
    map.entry((name.to_string(), detail.to_string()))
        .or_default()
        .insert(by.to_string());
}

/// One row of an evidence table.
#[derive(Serialize)]
struct Row<'a> {
    /// The path, id or name.
    name: &'a str,
    /// Its second part: a sha256, a tag's target, a version, a bom-ref, a configuration key;
    /// empty for advisories.
    detail: &'a str,
    cited_by: &'a Citers,
}

/// A row of the commits table.
#[derive(Serialize)]
struct CommitRow<'a> {
    id: &'a str,
    records: Vec<&'a str>,
    cited_by: &'a Citers,
}

fn rows(pairs: &Pairs) -> Vec<Row<'_>> {
    pairs
        .iter()
        .map(|((name, detail), cited_by)| Row {
            name,
            detail,
            cited_by,
        })
        .collect()
}

fn single_rows(map: &BTreeMap<String, Citers>) -> Vec<Row<'_>> {
    map.iter()
        .map(|(name, cited_by)| Row {
            name,
            detail: "",
            cited_by,
        })
        .collect()
}

/// The template reads the index as tables: lists of rows, in key order.
impl Serialize for Index {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let commits: Vec<CommitRow<'_>> = self
            .commits
            .iter()
            .map(|(id, cited_by)| CommitRow {
                id,
                records: self
                    .commit_records
                    .get(id)
                    .map(|r| r.iter().map(String::as_str).collect())
                    .unwrap_or_default(),
                cited_by,
            })
            .collect();
        let mut s = serializer.serialize_struct("Index", 7)?;
        s.serialize_field("files", &rows(&self.files))?;
        s.serialize_field("commits", &commits)?;
        s.serialize_field("tags", &rows(&self.tags))?;
        s.serialize_field("packages", &rows(&self.packages))?;
        s.serialize_field("advisories", &single_rows(&self.advisories))?;
        s.serialize_field("sboms", &rows(&self.sboms))?;
        s.serialize_field("configs", &rows(&self.configs))?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::FileRef;
    use crate::facts::human::{Attestation, CommitRecord};
    use serde_json::json;

    fn report() -> Report {
        let absent = json!({"state": "absent", "reason": "not collected"});
        let finding = |rule: &str, evidence| {
            json!({"rule": rule, "requirements": ["DM-1"], "level": "warn", "outcome": "pass",
                   "message": "m", "evidence": evidence})
        };
        serde_json::from_value(json!({
            "schema_version": 1,
            "tool": {"name": "cargo-sdl", "version": "0.1.0"},
            "generated_at": "2026-11-25T12:00:00Z",
            "product": {"name": "Widget", "version": "1.0.0"},
            "summary": {"requirements": {}, "rules_passed": 0, "rules_failed": 0,
                        "rules_unknown": 0, "denied": []},
            "practices": [], "requirements": [], "waivers": [],
            "findings": [
                finding("b-rule", json!([{"kind": "tag", "name": "v1", "target": "abcdef0"},
                                         {"kind": "advisory", "id": "RUSTSEC-2020-0001"}])),
                finding("a-rule", json!([{"kind": "file", "path": "SECURITY.md", "sha256": "00", "line": 3},
                                         {"kind": "sbom", "path": "bom.json"}])),
            ],
            "evidence": {"collected_at": "2026-11-25T12:00:00Z", "files": absent,
                         "git": absent, "cargo": absent, "sbom": absent, "advisories": absent,
                         "human": {"directory": "sdl/attestations", "attestations": [],
                                   "training": []}}
        }))
        .unwrap()
    }

    #[test]
    fn every_citation_is_indexed_with_who_cites_it() {
        let mut report = report();
        report.evidence.human.attestations.push(Attestation {
            file: FileRef {
                path: "sdl/attestations/dm-1.toml".into(),
                sha256: "11".into(),
            },
            requirements: vec!["DM-1".into()],
            statement: "s".into(),
            owner: "Ada".into(),
            owner_role: "r".into(),
            approver: "Grace".into(),
            approver_role: "r".into(),
            date: "2026-01-01".into(),
            valid_until: "2026-12-31".into(),
            scope: None,
            references: vec![Reference::File {
                path: "SECURITY.md".into(),
                sha256: "00".into(),
            }],
            releases: Vec::new(),
            metrics: Vec::new(),
            improvements: Vec::new(),
            commit: Some(CommitRecord {
                id: "abcdef0".into(),
                author: "Ada".into(),
                date: "2026-01-01T00:00:00Z".into(),
                signature: None,
                committed: None,
                signer: None,
            }),
            uncommitted: None,
            added: None,
            added_unknown: None,
        });
        let releases = [ReleaseShare {
            tag: "v1".into(),
            date: String::new(),
            commit: "abcdef0".into(),
            reviewed: Some(1.0),
            signed: None,
        }];
        let index = serde_json::to_value(Index::new(&report, &releases)).unwrap();
        assert_eq!(
            index["files"],
            json!([
                {"name": "SECURITY.md", "detail": "00",
                 "cited_by": ["a-rule", "sdl/attestations/dm-1.toml"]},
                {"name": "sdl/attestations/dm-1.toml", "detail": "11", "cited_by": ["DM-1"]},
            ])
        );
        assert_eq!(
            index["commits"],
            json!([{"id": "abcdef0", "records": ["Ada, 2026-01-01T00:00:00Z, unsigned"],
                    "cited_by": ["release v1", "sdl/attestations/dm-1.toml", "tag v1"]}])
        );
        assert_eq!(
            index["tags"],
            json!([{"name": "v1", "detail": "abcdef0", "cited_by": ["b-rule"]}])
        );
        assert_eq!(
            index["advisories"],
            json!([{"name": "RUSTSEC-2020-0001", "detail": "", "cited_by": ["b-rule"]}])
        );
        assert_eq!(
            index["sboms"],
            json!([{"name": "bom.json", "detail": "", "cited_by": ["a-rule"]}])
        );
        assert_eq!(index["packages"], json!([]));
        assert_eq!(index["configs"], json!([]));
    }
}
