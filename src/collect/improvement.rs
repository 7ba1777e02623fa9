//! ML4 records: `sdl/metrics/*.toml` (one file per measurement period, each a list of
//! `[[metric]]` with `name`, `value`, `period`) and `sdl/improvements.toml` (`[[improvement]]`
//! with `action`, `owner`, and `closed = YYYY-MM-DD` or `closing-commit = "id"`). They are
//! read through the checked reader; a metrics file is dated by the commit that added it.

use std::path::Path;

use serde::Deserialize;

use crate::facts::improvement::{ImprovementAction, ImprovementFacts, Metric, MetricFile};
use crate::facts::{Collected, FileRef, GitFacts};
use crate::repo_fs::{self, Limit};

pub const METRICS_DIR: &str = "sdl/metrics";
pub const IMPROVEMENTS: &str = "sdl/improvements.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MetricsFile {
    #[serde(default)]
    metric: Vec<Metric>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImprovementsFile {
    #[serde(default)]
    improvement: Vec<RawAction>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawAction {
    action: String,
    owner: String,
    closed: Option<toml::Value>,
    closing_commit: Option<String>,
}

/// Read the ML4 records below `root`; `git` dates the metric files and resolves closing commits.
pub fn collect(root: &Path, git: &Collected<GitFacts>) -> Collected<ImprovementFacts> {
    match read(root, git) {
        Ok(f) => Collected::present(f),
        Err(e) => Collected::failed(e),
    }
}

fn read(root: &Path, git: &Collected<GitFacts>) -> Result<ImprovementFacts, String> {
    let mut facts = ImprovementFacts::default();
    let names =
        repo_fs::list(root, METRICS_DIR, "toml").map_err(|e| format!("{METRICS_DIR}: {e}"))?;
    let mut files = Vec::new();
    for name in names {
        let rel = format!("{METRICS_DIR}/{name}");
        let (text, file) = read_toml(root, &rel)?;
        let parsed: MetricsFile = toml::from_str(&text)
            .map_err(|e| format!("{rel}: {}", crate::tomlerr::describe(&text, &e)))?;
        for (i, m) in parsed.metric.iter().enumerate() {
            if m.name.trim().is_empty() || m.period.trim().is_empty() || !m.value.is_finite() {
                return Err(format!(
                    "{rel}: metric[{i}] needs a name, a finite value and a period"
                ));
            }
        }
        files.push((file, parsed.metric));
    }
    let dated = match git.get() {
        Ok(g) => crate::collect::git::file_records(
            root,
            g,
            &files
                .iter()
                .map(|(f, _)| (f.path.clone(), f.sha256.clone()))
                .collect::<Vec<_>>(),
            None,
        ),
        Err(_) => Vec::new(),
    };
    for (file, metrics) in files {
        let committed = dated
            .iter()
            .find(|(p, _)| *p == file.path)
            .and_then(|(_, r)| r.added.as_ref().ok())
            .map(|r| r.date.clone());
        facts.metric_files.push(MetricFile {
            file,
            committed,
            metrics,
        });
    }
    facts
        .metric_files
        .sort_by(|a, b| (&a.committed, &a.file.path).cmp(&(&b.committed, &b.file.path)));
    match repo_fs::read_optional(root, IMPROVEMENTS, Limit::Record) {
        Ok(None) => {}
        Ok(Some(_)) => {
            let (text, file) = read_toml(root, IMPROVEMENTS)?;
            let parsed: ImprovementsFile = toml::from_str(&text)
                .map_err(|e| format!("{IMPROVEMENTS}: {}", crate::tomlerr::describe(&text, &e)))?;
            facts.improvements_file = Some(file);
            for (i, a) in parsed.improvement.into_iter().enumerate() {
                let key = format!("{IMPROVEMENTS}: improvement[{i}]");
                if a.action.trim().is_empty() || a.owner.trim().is_empty() {
                    return Err(format!("{key} needs an action and an owner"));
                }
                let closed = a
                    .closed
                    .as_ref()
                    .map(crate::config::parse_date)
                    .transpose()
                    .map_err(|e| format!("{key}.closed: {e}"))?
                    .map(|d| d.to_string());
                facts.improvements.push(ImprovementAction {
                    closing_commit_found: a
                        .closing_commit
                        .as_deref()
                        .map(|id| commit_exists(root, id)),
                    action: a.action,
                    owner: a.owner,
                    closed,
                    closing_commit: a.closing_commit,
                });
            }
        }
        Err(e) => return Err(format!("{IMPROVEMENTS}: {e}")),
    }
    Ok(facts)
}

/// The repository paths of the metric files, for the git collector's document history.
pub fn metric_paths(root: &Path) -> Vec<String> {
    repo_fs::list(root, METRICS_DIR, "toml")
        .unwrap_or_default()
        .into_iter()
        .map(|n| repo_fs::repository_path(root, &format!("{METRICS_DIR}/{n}")))
        .collect()
}

fn read_toml(root: &Path, rel: &str) -> Result<(String, FileRef), String> {
    let bytes = repo_fs::read(root, rel, Limit::Record).map_err(|e| format!("{rel}: {e}"))?;
    let file = FileRef {
        path: repo_fs::repository_path(root, rel),
        sha256: crate::digest::sha256_hex(&bytes),
    };
    let text = String::from_utf8(bytes).map_err(|_| format!("{rel}: is not UTF-8 text"))?;
    Ok((text, file))
}

/// True when `id` (7 to 40 hex digits) names a commit of the repository at `root`.
fn commit_exists(root: &Path, id: &str) -> bool {
    if !(7..=40).contains(&id.len()) || !id.chars().all(|c| c.is_ascii_hexdigit()) {
        return false;
    }
    let Ok(repo) = crate::collect::discover_repository(root) else {
        return false;
    };
    repo.rev_parse_single(id)
        .ok()
        .and_then(|id| id.object().ok())
        .is_some_and(|o| o.kind == gix::object::Kind::Commit)
}
