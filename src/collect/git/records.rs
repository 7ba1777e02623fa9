//! The git record of individual files (attestations): whether the file as it is now is the one
//! committed at HEAD, and who committed its last change, when, and whether that commit is
//! signed. The last-change commit itself comes from the collector's document history.

use std::path::Path;

use crate::facts::git::GitFacts;
use crate::facts::human::CommitRecord;

/// For each `(path, sha256)` (workspace-relative): the commit record, or why there is none.
pub(crate) fn file_records(
    root: &Path,
    facts: &GitFacts,
    files: &[(String, String)],
) -> Vec<(String, Result<CommitRecord, String>)> {
    let repo = match crate::collect::discover_repository(root) {
        Ok(r) => r,
        Err(e) => {
            let why = format!("no git repository: {e}");
            return files
                .iter()
                .map(|(p, _)| (p.clone(), Err(why.clone())))
                .collect();
        }
    };
    // Paths are relative to the workspace, which may sit below the repository's top.
    let prefix = repo
        .workdir()
        .and_then(|w| w.canonicalize().ok())
        .zip(root.canonicalize().ok())
        .and_then(|(w, r)| r.strip_prefix(&w).ok().map(Path::to_path_buf))
        .unwrap_or_default();
    let tree = repo.head_commit().ok().and_then(|c| c.tree().ok());
    files
        .iter()
        .map(|(path, sha)| {
            let record = (|| {
                let tree = tree
                    .as_ref()
                    .ok_or("the repository has no commit at HEAD")?;
                let in_repo = prefix.join(path);
                let entry = tree
                    .lookup_entry_by_path(&in_repo)
                    .map_err(|e| format!("cannot read HEAD's tree: {e}"))?
                    .ok_or("not committed")?;
                // The committed blob may differ from the file read (and capped) on disk: check
                // its size before it is loaded.
                let header = repo
                    .find_header(entry.oid())
                    .map_err(|e| format!("cannot read the committed blob: {e}"))?;
                let cap = crate::repo_fs::Limit::Record.bytes();
                if header.size() > cap {
                    return Err(format!(
                        "the committed version is larger than an SDL record may be ({} bytes; the cap is {cap})",
                        header.size()
                    ));
                }
                let blob = entry
                    .object()
                    .map_err(|e| format!("cannot read the committed blob: {e}"))?;
                if crate::digest::sha256_hex(&blob.data) != *sha {
                    return Err(
                        "changed since it was committed (modified in the working tree)".into(),
                    );
                }
                let history = facts
                    .document(path)
                    .ok_or("no history record (git history was not walked for it)")?;
                let id = history.last_commit.as_ref().ok_or_else(|| {
                    history
                        .note
                        .clone()
                        .unwrap_or_else(|| "no commit changed it in the walked history".into())
                })?;
                commit_record(&repo, id)
            })();
            (path.clone(), record)
        })
        .collect()
}

fn commit_record(repo: &gix::Repository, id: &str) -> Result<CommitRecord, String> {
    let oid =
        gix::ObjectId::from_hex(id.as_bytes()).map_err(|e| format!("bad commit id {id}: {e}"))?;
    let object = repo
        .find_object(oid)
        .map_err(|e| format!("reading commit {id}: {e}"))?;
    let commit = object
        .try_into_commit()
        .map_err(|e| format!("{id} is not a commit: {e}"))?;
    let decoded = commit
        .decode()
        .map_err(|e| format!("commit {id} is corrupt: {e}"))?;
    let author = decoded
        .author()
        .map_err(|e| format!("commit {id} has no readable author: {e}"))?;
    let signature = decoded
        .extra_headers()
        .pgp_signature()
        .and_then(|armored| super::walk::sig::name(super::walk::sig::of_armor(armored)))
        .map(str::to_string);
    let date = time::OffsetDateTime::from_unix_timestamp(author.seconds())
        .map(crate::timefmt::rfc3339)
        .unwrap_or_default();
    Ok(CommitRecord {
        id: id.to_string(),
        author: format!("{} <{}>", author.name, author.email),
        date,
        signature,
    })
}
