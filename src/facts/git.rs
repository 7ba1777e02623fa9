//! Facts from git history: commits, reviews, signatures, tags and releases.
//! Filled by `collect::git`.
//!
//! Deliberately compact: a history of 100,000 commits becomes counts plus bounded samples of
//! commit ids (the ids are the provenance an auditor follows with `git show`), never one
//! record per commit.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How many commit ids a sample list keeps; the counts next to it are always complete.
pub(crate) const SAMPLE_LIMIT: usize = 20;

/// What the git collector found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GitFacts {
    /// The commit that was walked and how it was named.
    pub head: Head,
    /// Tags that point at the head commit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub head_tags: Vec<String>,
    /// The `origin` remote's URL (else the first remote's), credentials stripped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote: Option<String>,
    /// The work tree against the index, when HEAD itself was assessed (not `--rev`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_tree: Option<WorkTree>,
    /// The clone is shallow: history, tags and releases are incomplete.
    pub shallow: bool,
    /// Why the facts are incomplete (shallow clone, unreadable objects); `None` when complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<String>,
    /// Which commits the counts below cover.
    pub scope: Scope,
    /// Commits in the scope (`git rev-list --count`).
    pub commits: u64,
    /// Commits with more than one parent (`git rev-list --merges --count`).
    pub merges: u64,
    /// Changes that landed: commits on the first-parent line of the scope's tip
    /// (`git rev-list --first-parent --count`). Review is judged on these.
    pub landings: u64,
    /// Distinct mailmap-resolved author identities (`git log --use-mailmap --format='%aN <%aE>' | sort -u`).
    pub authors: u64,
    /// Author time of the oldest and newest commit in the scope (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_commit_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_commit_at: Option<String>,
    pub signed_commits: SignedCounts,
    /// Commits without any signature (sample).
    pub unsigned_sample: Vec<String>,
    /// Commits carrying a review marker themselves, by marker kind.
    pub reviewed_commits: ReviewedCounts,
    /// Landings with a review marker.
    pub reviewed_landings: u64,
    /// Landings without any review marker (sample).
    pub unreviewed_landing_sample: Vec<String>,
    /// Reviewer ≠ author where the markers name both (a heuristic).
    pub review_independence: Independence,
    /// Known trailers (Signed-off-by, Reviewed-by, …) by token: how many commits carry each.
    pub trailers: BTreeMap<String, u64>,
    /// Every tag in the repository.
    pub tags: u64,
    pub annotated_tags: u64,
    pub signed_tags: SignedCounts,
    /// The tags themselves: all release tags, then other tags up to a bound.
    pub tag_list: Vec<TagFacts>,
    /// Tags left out of `tag_list` because of its bound.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tags_omitted: u64,
    /// The regular expression release tags were recognised by.
    pub release_tag_pattern: String,
    /// Which tags that pattern takes for the product's releases, in words.
    #[serde(default)]
    pub release_tags: String,
    /// One record per release tag, oldest version first.
    pub releases: Vec<Release>,
    /// Every commit in the walked history that names a security advisory.
    pub security_fix_commits: Vec<SecurityFix>,
    /// Security-fix commits left out of the list above because of its bound.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub security_fixes_omitted: u64,
    /// For each document path given to the collector: its last change.
    pub documents: Vec<DocumentHistory>,
    /// Whether SSH signatures were checked against an allowed-signers file.
    pub signature_verification: VerificationMode,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The commit that was walked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Head {
    /// Full commit id.
    pub commit: String,
    /// The reference HEAD names (`refs/heads/main`); `None` when HEAD is detached or `--rev`
    /// named a commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The revision as given (`HEAD` unless `--rev`).
    pub rev: String,
    pub detached: bool,
}

/// Whether the work tree holds exactly what HEAD's index records: the collectors read tracked
/// files from the work tree, so a difference changes the evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkTree {
    pub clean: bool,
    /// Tracked files whose content differs from the index (the first 50).
    pub modified: Vec<String>,
    pub modified_count: u64,
    /// Tracked files missing from the work tree (the first 50).
    pub missing: Vec<String>,
    pub missing_count: u64,
}

/// Which part of the history the top-level counts cover.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Scope {
    /// Everything reachable from the head.
    #[default]
    WholeHistory,
    /// Reachable from the head, not from `since` (`git rev-list since..head`).
    Since { since: String, commit: String },
    /// One release window: reachable from `tag`, not from the release before it.
    Release {
        tag: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        previous: Option<String>,
    },
}

/// Signature presence by format, and where key material was given, validity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SignedCounts {
    /// Objects carrying any signature (present, not necessarily valid).
    pub total: u64,
    pub openpgp: u64,
    pub ssh: u64,
    pub x509: u64,
    /// Signatures in a form none of the above (counted in `total`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub other: u64,
    /// Results of checking SSH signatures; `None` without an allowed-signers file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<VerificationCounts>,
}

/// Results of verifying signatures against an allowed-signers file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VerificationCounts {
    /// Signed by a key in the allowed-signers file, and the signature checks out.
    pub valid: u64,
    /// The signature does not check out (tampered object, wrong namespace, expired key, …).
    pub invalid: u64,
    /// Signed by a key the allowed-signers file does not list.
    pub unknown_signer: u64,
    /// Not checked: OpenPGP, X.509 or an SSH key type this build cannot verify.
    pub unverified: u64,
    /// Ids with an invalid signature (sample).
    pub invalid_sample: Vec<String>,
    /// Ids signed by an unknown key (sample).
    pub unknown_signer_sample: Vec<String>,
}

/// Whether signatures were verified.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "kebab-case")]
pub enum VerificationMode {
    /// No key material: signatures are reported by presence and format only.
    #[default]
    PresenceOnly,
    /// SSH signatures were verified against this allowed-signers file (namespace `git`).
    AllowedSigners { file: String, sha256: String },
}

/// Commits with a review marker, by kind. A commit can carry several kinds; `total` counts it once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReviewedCounts {
    pub total: u64,
    /// "Merge pull request #N from …" (GitHub), "Merged in … (pull request #N)" (Bitbucket).
    pub pull_request_merge: u64,
    /// A subject ending in "(#N)": a squash merge of a pull request.
    pub squash_merge: u64,
    /// "Auto merge of #N …, r=NAME" / "Rollup merge of #N" (bors, homu), bors-ng "Merge #N".
    pub bors: u64,
    /// A `Reviewed-on:` trailer (Gerrit).
    pub gerrit: u64,
    /// A `Reviewed-by:` or `Acked-by:` trailer.
    pub reviewed_by_trailer: u64,
    /// Merge-queue commits ("… into gh-readonly-queue/…").
    pub merge_queue: u64,
    /// "See merge request group/project!N" (GitLab).
    pub merge_request: u64,
}

/// Reviewer independence as far as the markers tell.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Independence {
    /// Commits whose markers name both the author and a reviewer.
    pub with_reviewer: u64,
    /// … of which at least one reviewer differs from the author.
    pub independent: u64,
    /// … of which every named reviewer is the author.
    pub self_reviewed: u64,
    /// Self-reviewed commits (sample).
    pub self_reviewed_sample: Vec<String>,
}

/// One tag.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TagFacts {
    /// Short name (`v1.2.3`).
    pub name: String,
    pub annotated: bool,
    /// The commit the tag points to (after peeling nested tags).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// `Name <email>` of the tagger (annotated tags).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tagger: Option<String>,
    /// Tagger time for annotated tags, the target's commit time for lightweight ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// `openpgp`, `ssh` or `x509` when the tag object carries a signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// `valid`, `invalid`, `unknown-signer` or `unverified` when signatures were checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<String>,
    pub release: bool,
}

/// A release window: commits reachable from the release tag and not from the previous one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Release {
    pub tag: String,
    /// The commit the tag points to.
    pub commit: String,
    /// The tag's date (see [`TagFacts::date`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The release before it in version order (same tag prefix), whose history is excluded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    pub commits: u64,
    pub landings: u64,
    pub reviewed_landings: u64,
    pub signed_commits: u64,
    /// `reviewed_landings / landings` (0 when nothing landed).
    pub share_reviewed: f64,
    /// `signed_commits / commits` (0 for an empty window).
    pub share_signed: f64,
    /// Commits in the window that name a security advisory (full ids).
    pub security_fix_commits: Vec<String>,
    pub annotated: bool,
    /// Signature format of the tag object, if signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_signature: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_verification: Option<String>,
}

/// A commit whose message names a security advisory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SecurityFix {
    pub commit: String,
    /// Author time (RFC 3339).
    pub date: String,
    /// RUSTSEC-YYYY-NNNN, CVE-YYYY-N…, GHSA-xxxx-xxxx-xxxx, as found.
    pub advisories: Vec<String>,
    /// The earliest release whose window contains the commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub released_in: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub released_at: Option<String>,
    /// The commit is reachable from the walked head (not only from a release branch tag).
    pub in_head: bool,
}

/// When a document last changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocumentHistory {
    /// Repository-relative path.
    pub path: String,
    /// The newest commit that changed it; `None` when it is not in any walked commit (not
    /// committed yet) or the history is too shallow to tell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_commit: Option<String>,
    /// That commit's committer time (RFC 3339): when the change landed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_changed: Option<String>,
    /// Why the date is missing or uncertain (not committed yet, at a shallow boundary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// For the paths whose adding commit was asked for (attestations): the commit that added
    /// the file, i.e. the oldest of the commits that have it, reached from the walked head
    /// through commits that have it, none of whose parents has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_commit: Option<String>,
    /// Why the adding commit is not known (not committed, beyond a shallow boundary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_note: Option<String>,
}

impl GitFacts {
    /// The history record for a document path.
    pub fn document(&self, path: &str) -> Option<&DocumentHistory> {
        self.documents.iter().find(|d| d.path == path)
    }
}

/// The product's release tags by default: semver-like `v1.2.3` and `1.2.3`, and, for each
/// name the product goes by (the configured name, the root package's), `<name>-v1.2.3` and
/// `<name>-1.2.3` (also `_`, `/` or `@` before the version; names compared ignoring ASCII
/// case), with an optional pre-release and build suffix. Tags of the workspace's other crates
/// (`home-0.5.12` in a repository whose product is `cargo`) are not the product's releases.
pub(crate) fn default_release_tag_pattern(names: &[String]) -> String {
    let names: Vec<String> = names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .map(regex::escape)
        .collect();
    let name = if names.is_empty() {
        String::new()
    } else {
        format!("(?:(?P<name>(?i:{}))[-_/@])?", names.join("|"))
    };
    format!(
        r"^{name}v?(?P<major>[0-9]+)\.(?P<minor>[0-9]+)\.(?P<patch>[0-9]+)(?P<pre>-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$"
    )
}

/// The release tag pattern in force, in words: which tags were taken for the product's
/// releases, and why.
pub(crate) fn release_tags_words(configured: Option<&str>, names: &[String]) -> String {
    if let Some(pattern) = configured {
        return format!("the tags matching `[git] release-tag-pattern` (`{pattern}`)");
    }
    match names.first() {
        Some(_) => format!(
            "the product's release tags (v1.2.3, 1.2.3, {prefixed}; other crates' tags are not the \
             product's releases unless `[git] release-tag-pattern` says so)",
            prefixed = names
                .iter()
                .map(|n| format!("{n}-v1.2.3, {n}-1.2.3"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => "unprefixed release tags (v1.2.3, 1.2.3): the workspace has no root package and \
                 sdl.toml names no product, so prefixed tags are not taken for releases"
            .to_string(),
    }
}
