//! The git collector (gix, offline): history, reviews, signatures, tags, release windows and
//! the last change of each document.
//!
//! One pass reads every commit reachable from the head and the release tags into a compact
//! in-memory graph ([`walk::Graph`]); scopes, release windows and first-parent lines are then
//! set operations on that graph. The facts keep counts and bounded samples of commit ids.

mod docs;
pub(crate) mod message;
mod records;
mod sshsig;
mod tags;
mod walk;
mod worktree;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use gix::ObjectId;
use regex::Regex;

use crate::facts::Collected;
use crate::facts::git::{
    self as f, GitFacts, Head, ReviewedCounts, SAMPLE_LIMIT, Scope, SignedCounts,
    VerificationCounts, VerificationMode,
};
use message::{Independence, KNOWN_TRAILERS, marker};
use sshsig::{AllowedSigners, Verdict};
use walk::{Graph, sig};

use crate::facts::git::{default_release_tag_pattern, release_tags_words};
pub(crate) use records::{file_records, resolve_commit};
pub use walk::Memo;

/// How many non-release tags `tag_list` keeps, and how many security-fix commits are listed.
const TAG_LIST_LIMIT: usize = 200;
const SECURITY_FIX_LIMIT: usize = 1000;

/// What to walk and how to read it.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The revision to walk (`--rev`); HEAD when `None`.
    pub rev: Option<String>,
    /// Count only commits not reachable from this revision (`--since`).
    pub since: Option<String>,
    /// Count only this release's window (`--release`).
    pub release: Option<String>,
    /// An allowed-signers file to verify SSH signatures with.
    pub allowed_signers: Option<PathBuf>,
    /// Regular expression for release tags (`[git] release-tag-pattern`); when `None`, the
    /// product's default ([`default_release_tag_pattern`] of `product_names`).
    pub release_tag_pattern: Option<String>,
    /// The names the product goes by (configured, root package), for the default pattern.
    pub product_names: Vec<String>,
    /// Documents (attestations) whose adding commit is looked up too: a search through every
    /// commit that has the file, so only for the few records whose date it bounds.
    pub added_for: Vec<String>,
    /// Commit records of earlier walks (this run's, and the cache's): see [`Memo`].
    pub memo: Option<std::sync::Arc<Memo>>,
}

/// Why collection stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "reading {what} {id}: {message}; the object is missing or unreadable (a damaged or partial \
         clone? `git fsck` names the damage; re-clone to repair)"
    )]
    Object {
        what: String,
        id: String,
        message: String,
    },
    #[error("object {id} is corrupt: {message}; `git fsck` names the damage, re-clone to repair")]
    Corrupt { id: String, message: String },
    #[error("reading references: {0}")]
    Refs(String),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Signers(String),
}

impl Error {
    fn object(what: &str, id: &ObjectId, e: impl std::fmt::Display) -> Self {
        Error::Object {
            what: what.to_string(),
            id: id.to_string(),
            message: e.to_string(),
        }
    }
}

/// Collect git facts for the repository containing `root`. `documents` are the repository
/// paths of the documents the files collector found, whose last change is looked up.
pub fn collect(
    root: &Path,
    options: &Options,
    documents: &[String],
    progress: &dyn Fn(&str),
) -> Collected<GitFacts> {
    let mut repo = match crate::collect::discover_repository(root) {
        Ok(repo) => repo,
        Err(e @ crate::collect::OpenError::Foreign(_)) => return Collected::failed(e.to_string()),
        Err(e) => {
            return Collected::absent(format!(
                "no git repository at or above {} ({e}); git evidence needs the project's \
                 repository",
                root.display()
            ));
        }
    };
    // Trees are looked up repeatedly for document history; commits are read once.
    repo.object_cache_size_if_unset(8 * 1024 * 1024);
    match collect_repo(&repo, options, documents, &Progress { sink: progress }) {
        Ok(Outcome::Facts(facts)) => Collected::present(*facts),
        Ok(Outcome::Empty(reason)) => Collected::absent(reason),
        Err(e) => Collected::failed(e.to_string()),
    }
}

enum Outcome {
    Facts(Box<GitFacts>),
    /// No commits yet.
    Empty(String),
}

/// How far the history walk is, told to the caller's progress sink now and then.
pub(crate) struct Progress<'a> {
    sink: &'a dyn Fn(&str),
}

impl Progress<'_> {
    pub(crate) fn tick(&self, commits: u64) {
        (self.sink)(&format!("git history: {commits} commits read"));
    }
}

fn collect_repo(
    repo: &gix::Repository,
    options: &Options,
    documents: &[String],
    progress: &Progress<'_>,
) -> Result<Outcome, Error> {
    let pattern_text = options
        .release_tag_pattern
        .clone()
        .unwrap_or_else(|| default_release_tag_pattern(&options.product_names));
    let pattern_text = pattern_text.as_str();
    let pattern = Regex::new(pattern_text).map_err(|e| {
        Error::Usage(format!(
            "release tag pattern `{pattern_text}` is not a regular expression: {e}"
        ))
    })?;
    let (signers, verification) = match &options.allowed_signers {
        Some(path) => {
            let bytes = crate::repo_fs::read_operator_file(path, crate::repo_fs::Limit::Config)
                .map_err(|e| {
                    Error::Signers(format!("the allowed-signers file {}", e.with_path()))
                })?;
            let signers = AllowedSigners::parse_file(path, &bytes)
                .map_err(|e| Error::Signers(e.to_string()))?;
            (
                Some(signers),
                VerificationMode::AllowedSigners {
                    file: path.display().to_string(),
                    sha256: crate::digest::sha256_hex(&bytes),
                },
            )
        }
        None => (None, VerificationMode::PresenceOnly),
    };

    let shallow_commits: Vec<ObjectId> = repo
        .shallow_commits()
        .map_err(|e| Error::Refs(format!("reading the shallow file: {e}")))?
        .map(|c| c.iter().copied().collect())
        .unwrap_or_default();
    let shallow = !shallow_commits.is_empty();

    // The head: --rev, or HEAD (symbolic, detached or unborn).
    let rev = options.rev.clone().unwrap_or_else(|| "HEAD".to_string());
    let (head_id, reference, detached) = match &options.rev {
        Some(r) => (resolve(repo, r, "--rev")?, None, false),
        None => {
            let head = repo
                .head()
                .map_err(|e| Error::Refs(format!("reading HEAD: {e}")))?;
            match head.kind {
                gix::head::Kind::Unborn(name) => {
                    return Ok(Outcome::Empty(format!(
                        "the repository has no commits yet: HEAD names the unborn branch {}; \
                         commit, then collect again",
                        name.as_bstr()
                    )));
                }
                gix::head::Kind::Detached { target, peeled } => {
                    (peeled.unwrap_or(target), None, true)
                }
                gix::head::Kind::Symbolic(r) => {
                    let id = repo
                        .head_id()
                        .map_err(|e| Error::Refs(format!("resolving {}: {e}", r.name.as_bstr())))?
                        .detach();
                    (id, Some(r.name.as_bstr().to_string()), false)
                }
            }
        }
    };
    let since_id = options
        .since
        .as_deref()
        .map(|s| resolve(repo, s, "--since"))
        .transpose()?;

    let tag_list = tags::read(repo, &pattern, signers.as_ref(), shallow)?;

    let mut tips = vec![head_id];
    tips.extend(since_id);
    tips.extend(
        tag_list
            .iter()
            .filter(|t| t.version.is_some())
            .filter_map(|t| t.target),
    );
    let signers_digest = match &verification {
        VerificationMode::AllowedSigners { sha256, .. } => Some(sha256.as_str()),
        VerificationMode::PresenceOnly => None,
    };
    let memo_key = options
        .memo
        .as_ref()
        .map(|_| Memo::key(repo, signers_digest));
    let previous = options
        .memo
        .as_ref()
        .zip(memo_key.as_ref())
        .and_then(|(m, k)| m.previous(k));
    let (graph, read) = Graph::walk(
        repo,
        &tips,
        &shallow_commits,
        signers.as_ref(),
        previous.as_deref(),
        progress,
    )?;
    drop(previous);
    let graph = std::sync::Arc::new(graph);
    if let (Some(memo), Some(key)) = (&options.memo, &memo_key) {
        memo.store(key, &graph, read);
    }
    let node = |id: &ObjectId| {
        graph
            .get(id)
            .ok_or_else(|| Error::Usage(format!("commit {id} was not walked")))
    };
    let head_node = node(&head_id)?;
    let verifying = signers.is_some();

    // Release windows, in version order within each tag prefix.
    let mut release_tags: Vec<&tags::Tag> = tag_list
        .iter()
        .filter(|t| t.version.is_some() && t.target.is_some_and(|id| graph.get(&id).is_some()))
        .collect();
    release_tags.sort_by(|a, b| {
        let (va, vb) = (a.version.as_ref(), b.version.as_ref());
        let pa = va.map(|v| v.prefix.as_str()).unwrap_or("");
        let pb = vb.map(|v| v.prefix.as_str()).unwrap_or("");
        pa.cmp(pb)
            .then_with(|| match (va, vb) {
                (Some(x), Some(y)) => x.cmp_precedence(y),
                _ => std::cmp::Ordering::Equal,
            })
            .then(a.time.cmp(&b.time))
            .then(a.name.cmp(&b.name))
    });
    let mut releases = Vec::new();
    let mut release_windows: Vec<Vec<u32>> = Vec::new();
    for (i, tag) in release_tags.iter().enumerate() {
        let prefix = |t: &tags::Tag| t.version.as_ref().map(|v| v.prefix.clone());
        let previous =
            (i > 0 && prefix(release_tags[i - 1]) == prefix(tag)).then(|| release_tags[i - 1]);
        let tip = tag
            .target
            .and_then(|id| graph.get(&id))
            .unwrap_or(head_node);
        let exclude: Vec<u32> = previous
            .and_then(|p| p.target)
            .and_then(|id| graph.get(&id))
            .into_iter()
            .collect();
        let window = graph.reachable(&[tip], &exclude);
        let stats = Stats::of(&graph, &window, tip, verifying);
        releases.push(f::Release {
            tag: tag.name.clone(),
            commit: graph.id(tip),
            date: tag.time.map(rfc3339),
            previous: previous.map(|p| p.name.clone()),
            commits: stats.commits,
            landings: stats.landings,
            reviewed_landings: stats.reviewed_landings,
            signed_commits: stats.signed.total,
            share_reviewed: share(stats.reviewed_landings, stats.landings),
            share_signed: share(stats.signed.total, stats.commits),
            security_fix_commits: window
                .iter()
                .filter(|&&n| graph.nodes[n as usize].advisories.is_some())
                .map(|&n| graph.id(n))
                .collect(),
            annotated: tag.annotated,
            tag_signature: sig::name(tag.signature).map(str::to_string),
            tag_verification: tag.verdict.map(|v| v.as_str().to_string()),
        });
        release_windows.push(window);
    }

    // The scope of the top-level counts.
    let (scope, scope_tip, scope_nodes) = match (&options.release, since_id) {
        (Some(tag), _) => {
            let i = releases.iter().position(|r| r.tag == *tag).ok_or_else(|| {
                Error::Usage(format!(
                    "--release {tag}: no release tag of that name (release tags match `{pattern_text}`)"
                ))
            })?;
            let tip = release_tags[i]
                .target
                .and_then(|id| graph.get(&id))
                .unwrap_or(head_node);
            (
                Scope::Release {
                    tag: tag.clone(),
                    previous: releases[i].previous.clone(),
                },
                tip,
                release_windows[i].clone(),
            )
        }
        (None, Some(since)) => {
            let s = node(&since)?;
            (
                Scope::Since {
                    since: options.since.clone().unwrap_or_default(),
                    commit: since.to_string(),
                },
                head_node,
                graph.reachable(&[head_node], &[s]),
            )
        }
        (None, None) => (
            Scope::WholeHistory,
            head_node,
            graph.reachable(&[head_node], &[]),
        ),
    };
    let stats = Stats::of(&graph, &scope_nodes, scope_tip, verifying);

    // Security fixes: every commit naming an advisory, with the earliest release shipping it.
    let mut first_release: HashMap<u32, usize> = HashMap::new();
    for (r, window) in release_windows.iter().enumerate() {
        for &n in window {
            if graph.nodes[n as usize].advisories.is_none() {
                continue;
            }
            let entry = first_release.entry(n).or_insert(r);
            if release_tags[r].time < release_tags[*entry].time {
                *entry = r;
            }
        }
    }
    let head_reachable: Vec<bool> = {
        let mut v = vec![false; graph.len()];
        for n in graph.reachable(&[head_node], &[]) {
            v[n as usize] = true;
        }
        v
    };
    let mut fixes: Vec<(i64, u32)> = (0..graph.len() as u32)
        .filter(|&n| graph.nodes[n as usize].advisories.is_some())
        .map(|n| (graph.nodes[n as usize].author_time, n))
        .collect();
    fixes.sort_by(|a, b| b.cmp(a));
    let security_fixes_omitted = fixes.len().saturating_sub(SECURITY_FIX_LIMIT) as u64;
    let security_fix_commits = fixes
        .iter()
        .take(SECURITY_FIX_LIMIT)
        .map(|&(time, n)| {
            let node = &graph.nodes[n as usize];
            let released = first_release.get(&n).map(|&r| release_tags[r]);
            f::SecurityFix {
                commit: graph.id(n),
                date: rfc3339(time),
                advisories: node
                    .advisories
                    .map(|a| graph.advisories[a as usize].clone())
                    .unwrap_or_default(),
                released_in: released.map(|t| t.name.clone()),
                released_at: released.and_then(|t| t.time).map(rfc3339),
                in_head: head_reachable[n as usize],
            }
        })
        .collect();

    // Tags: counts over all, the list keeps every release tag and a bounded number of others.
    let mut signed_tags = SignedCounts::default();
    let mut tag_verification = signers.as_ref().map(|_| VerificationCounts::default());
    for t in &tag_list {
        count_signature(&mut signed_tags, t.signature);
        if let (Some(v), Some(verdict)) = (tag_verification.as_mut(), t.verdict) {
            count_verdict(v, verdict, &t.name);
        }
    }
    signed_tags.verified = tag_verification;
    let mut listed: Vec<f::TagFacts> = Vec::new();
    let mut others = 0usize;
    let mut tags_omitted = 0u64;
    for t in &tag_list {
        let release = t.version.is_some();
        if !release {
            if others >= TAG_LIST_LIMIT {
                tags_omitted += 1;
                continue;
            }
            others += 1;
        }
        listed.push(f::TagFacts {
            name: t.name.clone(),
            annotated: t.annotated,
            target: t.target.map(|id| id.to_string()),
            tagger: t.tagger.clone(),
            date: t.time.map(rfc3339),
            signature: sig::name(t.signature).map(str::to_string),
            verification: t.verdict.map(|v| v.as_str().to_string()),
            release,
        });
    }

    let documents = docs::history(repo, &graph, head_node, documents, &options.added_for)?;

    let mut partial = Vec::new();
    if shallow {
        partial.push(format!(
            "shallow clone: history stops at {} boundary commit(s), so commits, reviews, \
             signatures, releases and document dates are incomplete; fetch the full history \
             (actions/checkout: `fetch-depth: 0`, or `git fetch --unshallow`)",
            shallow_commits.len()
        ));
    }

    let head_commit = head_id.to_string();
    let facts = GitFacts {
        head_tags: tag_list
            .iter()
            .filter(|t| t.target == Some(head_id))
            .map(|t| t.name.clone())
            .collect(),
        remote: worktree::remote(repo),
        work_tree: options
            .rev
            .is_none()
            .then(|| worktree::state(repo))
            .flatten(),
        head: Head {
            commit: head_commit.clone(),
            reference,
            rev,
            detached,
        },
        shallow,
        partial: (!partial.is_empty()).then(|| partial.join("; ")),
        scope,
        commits: stats.commits,
        merges: stats.merges,
        landings: stats.landings,
        authors: stats.authors,
        first_commit_at: stats.first_time.map(rfc3339),
        last_commit_at: stats.last_time.map(rfc3339),
        signed_commits: stats.signed,
        unsigned_sample: stats.unsigned_sample,
        reviewed_commits: stats.reviewed,
        reviewed_landings: stats.reviewed_landings,
        unreviewed_landing_sample: stats.unreviewed_landing_sample,
        review_independence: stats.independence,
        trailers: stats.trailers,
        tags: tag_list.len() as u64,
        annotated_tags: tag_list.iter().filter(|t| t.annotated).count() as u64,
        signed_tags,
        tag_list: listed,
        tags_omitted,
        release_tag_pattern: pattern_text.to_string(),
        release_tags: release_tags_words(
            options.release_tag_pattern.as_deref(),
            &options.product_names,
        ),
        releases,
        security_fix_commits,
        security_fixes_omitted,
        documents,
        signature_verification: verification,
    };
    Ok(Outcome::Facts(Box::new(facts)))
}

/// A revision given on the command line, peeled to a commit.
fn resolve(repo: &gix::Repository, rev: &str, option: &str) -> Result<ObjectId, Error> {
    let spec = format!("{rev}^{{commit}}");
    repo.rev_parse_single(spec.as_str())
        .map(|id| id.detach())
        .map_err(|e| {
            Error::Usage(format!(
                "{option} {rev}: not a commit in this repository ({e})"
            ))
        })
}

/// Counts over a set of commits.
#[derive(Default)]
struct Stats {
    commits: u64,
    merges: u64,
    landings: u64,
    reviewed_landings: u64,
    authors: u64,
    first_time: Option<i64>,
    last_time: Option<i64>,
    signed: SignedCounts,
    unsigned_sample: Vec<String>,
    reviewed: ReviewedCounts,
    unreviewed_landing_sample: Vec<String>,
    independence: f::Independence,
    trailers: BTreeMap<String, u64>,
}

impl Stats {
    fn of(graph: &Graph, nodes: &[u32], tip: u32, verifying: bool) -> Stats {
        let mut s = Stats::default();
        let mut in_set = vec![false; graph.len()];
        let mut authors = vec![false; graph.authors];
        let mut trailers = [0u64; KNOWN_TRAILERS.len()];
        let mut verification: Option<VerificationCounts> = None;
        for &n in nodes {
            in_set[n as usize] = true;
            let node = &graph.nodes[n as usize];
            s.commits += 1;
            if graph.parents(n).len() > 1 {
                s.merges += 1;
            }
            if !authors[node.author as usize] {
                authors[node.author as usize] = true;
                s.authors += 1;
            }
            s.first_time = Some(
                s.first_time
                    .map_or(node.author_time, |t| t.min(node.author_time)),
            );
            s.last_time = Some(
                s.last_time
                    .map_or(node.author_time, |t| t.max(node.author_time)),
            );
            count_signature(&mut s.signed, node.signature);
            if node.signature == sig::NONE && s.unsigned_sample.len() < SAMPLE_LIMIT {
                s.unsigned_sample.push(graph.id(n));
            }
            if let Some(v) = node.verdict {
                count_verdict(
                    verification.get_or_insert_with(Default::default),
                    v,
                    &graph.id(n),
                );
            }
            let m = node.markers;
            if m != 0 {
                let r = &mut s.reviewed;
                r.total += 1;
                let add = |bit: u8, field: &mut u64| *field += u64::from(m & bit != 0);
                add(marker::PULL_REQUEST_MERGE, &mut r.pull_request_merge);
                add(marker::SQUASH_MERGE, &mut r.squash_merge);
                add(marker::BORS, &mut r.bors);
                add(marker::GERRIT, &mut r.gerrit);
                add(marker::REVIEWED_BY_TRAILER, &mut r.reviewed_by_trailer);
                add(marker::MERGE_QUEUE, &mut r.merge_queue);
                add(marker::MERGE_REQUEST, &mut r.merge_request);
            }
            match node.independence {
                Independence::Unknown => {}
                Independence::Independent => {
                    s.independence.with_reviewer += 1;
                    s.independence.independent += 1;
                }
                Independence::SelfReviewed => {
                    s.independence.with_reviewer += 1;
                    s.independence.self_reviewed += 1;
                    if s.independence.self_reviewed_sample.len() < SAMPLE_LIMIT {
                        s.independence.self_reviewed_sample.push(graph.id(n));
                    }
                }
            }
            for (i, count) in trailers.iter_mut().enumerate() {
                *count += u64::from(node.trailers & (1 << i) != 0);
            }
        }
        if verifying {
            s.signed.verified = Some(verification.unwrap_or_default());
        }
        for (i, count) in trailers.iter().enumerate() {
            if *count > 0 {
                s.trailers.insert(KNOWN_TRAILERS[i].to_string(), *count);
            }
        }
        for n in graph.first_parent_line(tip, |n| in_set[n as usize]) {
            s.landings += 1;
            if graph.nodes[n as usize].markers != 0 {
                s.reviewed_landings += 1;
            } else if s.unreviewed_landing_sample.len() < SAMPLE_LIMIT {
                s.unreviewed_landing_sample.push(graph.id(n));
            }
        }
        s
    }
}

fn count_signature(c: &mut SignedCounts, format: u8) {
    match format {
        sig::NONE => return,
        sig::OPENPGP => c.openpgp += 1,
        sig::SSH => c.ssh += 1,
        sig::X509 => c.x509 += 1,
        _ => c.other += 1,
    }
    c.total += 1;
}

fn count_verdict(v: &mut VerificationCounts, verdict: Verdict, id: &str) {
    match verdict {
        Verdict::Valid => v.valid += 1,
        Verdict::Invalid => {
            v.invalid += 1;
            if v.invalid_sample.len() < SAMPLE_LIMIT {
                v.invalid_sample.push(id.to_string());
            }
        }
        Verdict::UnknownSigner => {
            v.unknown_signer += 1;
            if v.unknown_signer_sample.len() < SAMPLE_LIMIT {
                v.unknown_signer_sample.push(id.to_string());
            }
        }
        Verdict::Unverified => v.unverified += 1,
    }
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn rfc3339(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .map(crate::timefmt::rfc3339)
        .unwrap_or_else(|_| secs.to_string())
}
