//! Which files the repository has: the git index when there is one, else a bounded directory
//! walk. Reading the index is fast and says exactly what is under version control, which is
//! what CODEOWNERS coverage and document discovery should be about.

use std::path::Path;

use crate::facts::files::{Listing, ListingSource};

/// The walk stops after this many files so a huge unversioned tree cannot stall the run.
const WALK_LIMIT: usize = 200_000;

/// Directories never worth walking: build output, VCS data, JavaScript dependencies.
const SKIPPED_DIRS: &[&str] = &[".git", "target", "node_modules"];

/// List the files under `root`, repository-relative with `/` separators, sorted.
pub(super) fn list(root: &Path) -> (Listing, Vec<String>) {
    if let Some(files) = git_index(root)
        && !files.is_empty()
    {
        return (
            Listing {
                source: ListingSource::GitIndex,
                files: files.len(),
                truncated: false,
            },
            files,
        );
    }
    let (files, truncated) = walk(root);
    (
        Listing {
            source: ListingSource::DirectoryWalk,
            files: files.len(),
            truncated,
        },
        files,
    )
}

/// Files tracked in the git index below `root`, or None when `root` is not in a work tree.
fn git_index(root: &Path) -> Option<Vec<String>> {
    let repo = crate::collect::discover_repository(root).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let real_root = root.canonicalize().ok()?;
    let prefix = real_root.strip_prefix(&workdir).ok()?;
    let mut prefix = crate::repo_fs::relative(Path::new(""), prefix);
    if !prefix.is_empty() {
        prefix.push('/');
    }
    let index = repo.index_or_empty().ok()?;
    let mut files = Vec::with_capacity(index.entries().len());
    for entry in index.entries() {
        // Sparse directories and submodules are not files of this repository.
        if entry.mode.is_sparse() || entry.mode.is_submodule() {
            continue;
        }
        let Ok(path) = std::str::from_utf8(entry.path(&index)) else {
            continue;
        };
        if let Some(rel) = path.strip_prefix(prefix.as_str()) {
            files.push(rel.to_string());
        }
    }
    files.sort();
    files.dedup();
    Some(files)
}

/// Walk `root` without following symlinked directories.
fn walk(root: &Path) -> (Vec<String>, bool) {
    let mut files = Vec::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    let mut truncated = false;
    while let Some((dir, rel)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            if kind.is_dir() {
                if !SKIPPED_DIRS.contains(&name.as_str()) {
                    stack.push((entry.path(), path));
                }
            } else if files.len() >= WALK_LIMIT {
                truncated = true;
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    (files, truncated)
}
