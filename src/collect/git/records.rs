//! The git record of individual files (attestations): whether the file as it is now is the one
//! committed at HEAD; who committed its last change, when, and whether that commit is signed
//! (and, with `[attest] allowed-signers`, by whom); the commit that added it; and whether the
//! commits an attestation names exist. The last-change and adding commits themselves come from
//! the collector's document history.

use std::path::Path;

use super::sshsig::{AllowedSigners, NAMESPACE};
use crate::facts::git::GitFacts;
use crate::facts::human::{CommitRecord, SignerCheck};

/// The git records of one file.
#[derive(Debug, Clone)]
pub(crate) struct FileRecord {
    /// The commit that last changed it, or why there is none.
    pub last: Result<CommitRecord, String>,
    /// The commit that added it, or why it is not known.
    pub added: Result<CommitRecord, String>,
}

/// For each `(path, sha256)` (repository paths): its git records, or why there are none.
/// With `signers`, the signature of the last-change commit is checked against them.
pub(crate) fn file_records(
    root: &Path,
    facts: &GitFacts,
    files: &[(String, String)],
    signers: Option<&AllowedSigners>,
) -> Vec<(String, FileRecord)> {
    let repo = match crate::collect::discover_repository(root) {
        Ok(r) => r,
        Err(e) => {
            let why = format!("no git repository: {e}");
            return files
                .iter()
                .map(|(p, _)| {
                    (
                        p.clone(),
                        FileRecord {
                            last: Err(why.clone()),
                            added: Err(why.clone()),
                        },
                    )
                })
                .collect();
        }
    };
    let tree = repo.head_commit().ok().and_then(|c| c.tree().ok());
    files
        .iter()
        .map(|(path, sha)| {
            let record = (|| {
                let tree = tree
                    .as_ref()
                    .ok_or("the repository has no commit at HEAD")?;
                let entry = tree
                    .lookup_entry_by_path(path)
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
                commit_record(&repo, id, signers)
            })();
            let added = match facts.document(path) {
                None => Err("no history record (git history was not walked for it)".to_string()),
                Some(h) => match (&h.added_commit, &h.added_note) {
                    (Some(id), _) => commit_record(&repo, id, None),
                    (None, Some(why)) => Err(why.clone()),
                    (None, None) => Err("the commit that added it was not looked up".into()),
                },
            };
            (
                path.clone(),
                FileRecord {
                    last: record,
                    added,
                },
            )
        })
        .collect()
}

/// The full id of the one commit `id` (7 to 64 hex digits) names in the repository at or
/// above `root`, or why there is none: unknown, ambiguous, or another kind of object.
pub(crate) fn resolve_commit(repo: &gix::Repository, id: &str) -> Result<String, String> {
    let prefix =
        gix::hash::Prefix::from_hex(id).map_err(|e| format!("`{id}` is not a commit id: {e}"))?;
    let mut candidates = std::collections::HashSet::new();
    repo.objects
        .lookup_prefix(prefix, Some(&mut candidates))
        .map_err(|e| format!("looking up {id}: {e}"))?;
    let mut commits: Vec<gix::ObjectId> = candidates
        .into_iter()
        .filter(|c| {
            repo.find_header(*c)
                .is_ok_and(|h| h.kind() == gix::object::Kind::Commit)
        })
        .collect();
    commits.sort();
    match commits.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Err("names no commit in the repository".into()),
        many => Err(format!(
            "is ambiguous: {} commits begin with it; give more digits",
            many.len()
        )),
    }
}

fn commit_record(
    repo: &gix::Repository,
    id: &str,
    signers: Option<&AllowedSigners>,
) -> Result<CommitRecord, String> {
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
    let committer = decoded
        .committer()
        .map_err(|e| format!("commit {id} has no readable committer: {e}"))?;
    let committed = committer
        .time()
        .ok()
        .and_then(|t| {
            let offset = time::UtcOffset::from_whole_seconds(t.offset).ok()?;
            time::OffsetDateTime::from_unix_timestamp(t.seconds)
                .ok()?
                .checked_to_offset(offset)
        })
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        });
    let signer = signers.map(|s| {
        let check = |verdict: &str, why: Option<String>| SignerCheck {
            verdict: verdict.into(),
            principals: None,
            fingerprint: None,
            why,
        };
        match gix::objs::CommitRefIter::signature(&commit.data, repo.object_hash()) {
            Ok(None) => check("unsigned", None),
            Err(e) => check("invalid", Some(format!("unreadable signature: {e}"))),
            Ok(Some((armored, payload))) => {
                if signature.as_deref() != Some("ssh") {
                    return check(
                        "unverified",
                        Some(format!(
                            "signed with {}, not SSH: only SSH signatures are checked against \
                             allowed-signers",
                            signature.as_deref().unwrap_or("an unknown format")
                        )),
                    );
                }
                let outcome = s.check(
                    NAMESPACE,
                    armored.as_ref(),
                    crate::sshsig::Armor::OpenSsh,
                    payload.to_bstring().as_ref(),
                    committer.seconds(),
                );
                signer_check(outcome)
            }
        }
    });
    Ok(CommitRecord {
        id: id.to_string(),
        author: format!("{} <{}>", author.name, author.email),
        date,
        signature,
        committed,
        signer,
    })
}

/// The evidence form of a signature check.
fn signer_check(outcome: crate::sshsig::Outcome) -> SignerCheck {
    use crate::sshsig::Outcome;
    let verdict = outcome.verdict().as_str().to_string();
    let (principals, fingerprint, why) = match outcome {
        Outcome::Valid {
            principals,
            fingerprint,
        } => (Some(principals), Some(fingerprint), None),
        Outcome::Malformed(why) => (None, None, Some(format!("malformed signature: {why}"))),
        Outcome::Unsupported => (
            None,
            None,
            Some("made with a key type this build cannot verify".into()),
        ),
        Outcome::UnknownSigner { fingerprint } => (
            None,
            Some(fingerprint),
            Some("the signing key is not in the allowed-signers file".into()),
        ),
        Outcome::NotAllowed { principals, why } => (
            Some(principals),
            None,
            Some(format!("the key may not sign here: {why}")),
        ),
        Outcome::WrongNamespace { found } => (
            None,
            None,
            Some(format!("made in namespace {found}, not git")),
        ),
        Outcome::BadSignature => (
            None,
            None,
            Some("the signature does not match the commit: it was changed".into()),
        ),
    };
    SignerCheck {
        verdict,
        principals,
        fingerprint,
        why,
    }
}
