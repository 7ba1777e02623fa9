//! What exactly was assessed: the work tree against HEAD, the branch, the tags at HEAD and the
//! remote. The files collector reads tracked files from the work tree, so a tracked file that
//! differs from HEAD (or is missing) changes the evidence: the report must say so, and
//! `report --require-clean` refuses it.
//!
//! A tracked file is compared with the blob its index entry names: first by size, then by
//! modification time, then, when those do not decide, by hashing its content as git does. No
//! filter (`.gitattributes` conversions, LFS) is applied, since applying one would mean running
//! a program the repository names; a file that only a filter would make equal is reported as
//! changed, with that caveat. Untracked files are not listed: the collectors read tracked files
//! only, so an untracked file cannot become evidence.

use std::io::Read;
use std::path::Path;

use crate::facts::git::WorkTree;

/// Paths listed per kind of change; the counts cover all.
const LISTED: usize = 50;

/// The state of the work tree at `workdir` against the index of `repo`.
pub(super) fn state(repo: &gix::Repository) -> Option<WorkTree> {
    let workdir = repo.workdir()?;
    let index = repo.index_or_empty().ok()?;
    let mut modified = Vec::new();
    let mut missing = Vec::new();
    let (mut n_modified, mut n_missing) = (0u64, 0u64);
    for entry in index.entries() {
        if entry.mode.is_sparse() || entry.mode.is_submodule() || entry.stage_raw() != 0 {
            continue;
        }
        let Ok(rel) = std::str::from_utf8(entry.path(&index)) else {
            continue;
        };
        match changed(workdir, rel, entry) {
            Change::Same => {}
            Change::Missing => {
                n_missing += 1;
                if missing.len() < LISTED {
                    missing.push(rel.to_string());
                }
            }
            Change::Modified => {
                n_modified += 1;
                if modified.len() < LISTED {
                    modified.push(rel.to_string());
                }
            }
        }
    }
    Some(WorkTree {
        clean: n_modified == 0 && n_missing == 0,
        modified_count: n_modified,
        missing_count: n_missing,
        modified,
        missing,
    })
}

enum Change {
    Same,
    Modified,
    Missing,
}

fn changed(workdir: &Path, rel: &str, entry: &gix::index::Entry) -> Change {
    let path = workdir.join(rel);
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        return Change::Missing;
    };
    if entry.mode == gix::index::entry::Mode::SYMLINK {
        // A symbolic link's blob is its target.
        return match std::fs::read_link(&path) {
            Ok(target) if meta.file_type().is_symlink() => {
                let target = target.to_string_lossy();
                same_blob(entry, target.as_bytes())
            }
            _ => Change::Modified,
        };
    }
    if !meta.is_file() {
        return Change::Modified;
    }
    if meta.len() != u64::from(entry.stat.size) {
        return Change::Modified;
    }
    // Same size and the same modification time as when it was staged: unchanged, as git
    // decides it (a file changed within the same second keeps being hashed below).
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
    if let Some(m) = mtime
        && u64::from(entry.stat.mtime.secs) == m.as_secs()
        && entry.stat.mtime.nsecs == m.subsec_nanos()
        && entry.stat.mtime.secs != 0
    {
        return Change::Same;
    }
    // Never block on something that is not a regular file after all; never read a huge one
    // whole: hash in chunks.
    let Ok((mut file, _)) = crate::repo_fs::open(workdir, rel) else {
        return Change::Modified;
    };
    let mut hasher = gix::hash::hasher(gix::hash::Kind::Sha1);
    hasher.update(format!("blob {}\0", meta.len()).as_bytes());
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(_) => return Change::Modified,
        }
    }
    match hasher.try_finalize() {
        Ok(id) if id == entry.id => Change::Same,
        _ => Change::Modified,
    }
}

fn same_blob(entry: &gix::index::Entry, content: &[u8]) -> Change {
    match gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, content) {
        Ok(id) if id == entry.id => Change::Same,
        _ => Change::Modified,
    }
}

/// The URL of the `origin` remote (else the first remote), with any credentials stripped.
pub(super) fn remote(repo: &gix::Repository) -> Option<String> {
    let config = repo.config_snapshot();
    let url = config.string("remote.origin.url").or_else(|| {
        repo.remote_names()
            .into_iter()
            .next()
            .and_then(|name| config.string(format!("remote.{name}.url").as_str()))
    })?;
    Some(strip_credentials(&url.to_string()))
}

/// `https://user:token@host/x` → `https://host/x`; scp-like `git@host:x` keeps its user (it is
/// no secret, and the form needs it); a local path is not shown (no host paths in a report).
pub(crate) fn strip_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        let scp_like = url.split_once(':').is_some_and(|(host, _)| {
            !host.is_empty() && !host.contains('/') && !host.contains('\\') && host.len() > 1
        });
        return if scp_like {
            url.to_string()
        } else {
            "(a local path)".into()
        };
    };
    if scheme == "file" {
        return "(a local path)".into();
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    format!("{scheme}://{host}{path}")
}

#[cfg(test)]
mod tests {
    use super::strip_credentials;

    #[test]
    fn credentials_never_reach_the_report() {
        assert_eq!(
            strip_credentials("https://user:ghp_secret@github.com/o/r.git"),
            "https://github.com/o/r.git"
        );
        assert_eq!(
            strip_credentials("https://token@example.com"),
            "https://example.com"
        );
        assert_eq!(
            strip_credentials("ssh://git@host:22/o/r"),
            "ssh://host:22/o/r"
        );
        assert_eq!(
            strip_credentials("git@github.com:o/r.git"),
            "git@github.com:o/r.git"
        );
        assert_eq!(strip_credentials("/srv/git/r.git"), "(a local path)");
        assert_eq!(strip_credentials("file:///srv/git/r.git"), "(a local path)");
        assert_eq!(strip_credentials("../r"), "(a local path)");
    }
}
