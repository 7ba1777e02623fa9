//! The repository-files collector: SDL documents, CI workflows and tool configuration.
//!
//! It lists the repository's files once (the git index, else a bounded walk), then reads only
//! the files it needs, each capped at [`MAX_READ`] bytes, never through a symlink that leaves
//! the repository. A file that cannot be read or parsed becomes a [`Problem`]; it never aborts
//! the collector.

mod ci;
mod codeowners;
mod documents;
mod guidelines;
mod listing;
mod policy;
mod rust;
mod sections;
mod statements;
#[doc(hidden)]
pub mod testing;
mod text;
mod threats;
mod yaml;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;

use crate::config::Config;
use crate::facts::files::{
    Codeowners, DeclaredSecurityLevel, Document, FileFacts, Listing, ListingSource, Problem,
    SecurityPolicy, SecurityTxt, UpdateConfig,
};
use crate::facts::{Collected, FileRef};

/// Files larger than this are hashed but not analysed.
pub const MAX_READ: u64 = crate::repo_fs::Limit::Document.bytes();

/// Collect facts from the files of the workspace at `root` and of the repository that holds
/// it. Paths are repository paths, relative to the repository's top: repository-level files
/// (`.github/`, `SECURITY.md`, CODEOWNERS, `docs/`) are read there, crate-level files
/// (`Cargo.toml`, crate roots, `fuzz/`) in the workspace's folder.
pub fn collect(root: &Path, config: &Config) -> Collected<FileFacts> {
    collect_cached(root, config, None)
}

/// The cache slots of the files collector: the work tree's, and a commit tree's.
const WORK_TREE_SLOT: &str = "files";
const TREE_SLOT: &str = "files-at-release";

/// What a cached work-tree collection read: every file (by the outcome of reading or hashing
/// it) and the listing; the facts are reused only when each read gives the same outcome.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct WorkTreeEntry {
    /// (read as text or hashed, repository path, outcome: digest or reason).
    reads: Vec<(bool, String, String)>,
    facts: Collected<FileFacts>,
}

/// [`collect`] with the cache: the key is the repository's top, the workspace's folder, the
/// configuration and the listing of files; the entry is used only when every file the
/// collection read still reads the same (the same digest, or the same reason it was not
/// read), so the facts are those a fresh collection would give.
pub(crate) fn collect_cached(
    root: &Path,
    config: &Config,
    cache: Option<&super::cache::Cache>,
) -> Collected<FileFacts> {
    if !root.is_dir() {
        return Collected::failed(format!(
            "{} is not a directory; run cargo sdl inside the workspace",
            root.display()
        ));
    }
    let (top, prefix) = crate::repo_fs::top_and_prefix(root);
    let (listing, files) = listing::list(&top);
    let key = cache.map(|_| {
        // Each name on its own (length-prefixed): a name may hold a newline, so joined names
        // could read the same for two listings.
        files
            .iter()
            .fold(
                super::cache::Key::new(WORK_TREE_SLOT)
                    .str(&top.display().to_string())
                    .str(&prefix)
                    .str(&format!("{config:?}"))
                    .str(&format!("{listing:?}"))
                    .str(&files.len().to_string()),
                |k, f| k.str(f),
            )
            .finish()
    });
    if let (Some(cache), Some(key)) = (cache, &key)
        && let Some(entry) = cache.get_json::<WorkTreeEntry>(WORK_TREE_SLOT, key)
    {
        let check = Repo::new(Source::WorkTree(&top), files.clone(), prefix.clone());
        if entry
            .reads
            .iter()
            .all(|(text, rel, outcome)| check.outcome(*text, rel) == *outcome)
        {
            return entry.facts;
        }
    }
    let repo = Repo::new(Source::WorkTree(&top), files, prefix);
    repo.trace.replace(Some(Vec::new()));
    let (facts, reads) = collect_from(repo, listing, config);
    if let (Some(cache), Some(key), Some(mut reads)) = (cache, &key, reads) {
        reads.sort();
        reads.dedup();
        cache.put_json(
            WORK_TREE_SLOT,
            key,
            &WorkTreeEntry {
                reads,
                facts: facts.clone(),
            },
        );
    }
    facts
}

/// Collect facts from the files of the repository as they are in `commit`'s tree (`prefix` is
/// the workspace's folder in the repository, empty or ending in `/`): a release re-assessed as
/// it was tagged. Nothing is read from the work tree.
pub fn collect_at(
    repo: &gix::Repository,
    commit: gix::ObjectId,
    prefix: &str,
    config: &Config,
) -> Collected<FileFacts> {
    collect_at_cached(repo, commit, prefix, config, None)
}

/// [`collect_at`] with the cache: a commit's tree is content (its id names every byte below
/// it), so the facts are kept under the tree id, the workspace's folder and the
/// configuration; `slot` tells the releases of one run apart (each keeps its own entry).
pub(crate) fn collect_at_cached(
    repo: &gix::Repository,
    commit: gix::ObjectId,
    prefix: &str,
    config: &Config,
    cache: Option<(&super::cache::Cache, usize)>,
) -> Collected<FileFacts> {
    let slot = format!("{TREE_SLOT}-{}", cache.map_or(0, |(_, n)| n));
    let cache = cache.map(|(c, _)| c);
    let tree = repo
        .find_commit(commit)
        .ok()
        .and_then(|c| c.tree_id().ok())
        .map(|t| t.detach());
    let key = cache.zip(tree).map(|(_, tree)| {
        super::cache::Key::new(TREE_SLOT)
            .str(&tree.to_string())
            .str(prefix)
            .str(&format!("{config:?}"))
            .finish()
    });
    if let (Some(cache), Some(key)) = (cache, &key)
        && let Some(facts) = cache.get_json::<Collected<FileFacts>>(&slot, key)
    {
        return facts;
    }
    let facts = collect_at_uncached(repo, commit, prefix, config);
    if let (Some(cache), Some(key)) = (cache, &key) {
        cache.put_json(&slot, key, &facts);
    }
    facts
}

fn collect_at_uncached(
    repo: &gix::Repository,
    commit: gix::ObjectId,
    prefix: &str,
    config: &Config,
) -> Collected<FileFacts> {
    let entries = match repo
        .find_commit(commit)
        .map_err(|e| e.to_string())
        .and_then(|c| c.tree().map_err(|e| e.to_string()))
        .and_then(|t| t.traverse().breadthfirst.files().map_err(|e| e.to_string()))
    {
        Ok(entries) => entries,
        Err(e) => {
            return Collected::failed(format!("the tree of commit {commit} cannot be read: {e}"));
        }
    };
    let mut blobs = BTreeMap::new();
    for e in entries {
        if !(e.mode.is_blob() || e.mode.is_link()) {
            continue;
        }
        let Ok(path) = std::str::from_utf8(&e.filepath) else {
            continue;
        };
        blobs.insert(path.to_string(), (e.oid, e.mode.is_link()));
    }
    let files: Vec<String> = blobs.keys().cloned().collect();
    let listing = Listing {
        source: ListingSource::CommitTree,
        files: files.len(),
        truncated: false,
    };
    collect_from(
        Repo::new(Source::Tree { repo, blobs }, files, prefix.to_string()),
        listing,
        config,
    )
    .0
}

/// The facts, and what was read when `repo` traced its reads.
type Traced = (Collected<FileFacts>, Option<Vec<(bool, String, String)>>);

fn collect_from(repo: Repo<'_>, listing: Listing, config: &Config) -> Traced {
    let documents::Found {
        documents,
        configured: configured_kinds,
        mut candidates,
    } = documents::find(&repo, config);
    let security_policy = documents
        .iter()
        .find(|d| d.kind == "security-policy")
        .map(|d| security_policy(&repo, d));
    let threat_models = documents
        .iter()
        .filter(|d| d.kind == "threat-model")
        .map(|d| documents::threat_model(&repo, &d.file, d.section.as_ref()))
        .collect();
    let security_level = security_level(&repo, &documents);
    let guidelines = guidelines::guidelines(&repo, &documents, config, &mut candidates);
    let (lints, crates) = rust::lints_and_crates(&repo);

    let mut facts = FileFacts {
        listing,
        configured_kinds,
        candidates,
        security_policy,
        security_txt: security_txt(&repo),
        codeowners: codeowners(&repo),
        threat_models,
        security_level,
        guidelines,
        licenses: licenses(&repo),
        toolchain: rust::toolchain(&repo),
        dependency_policy: rust::dependency_policy(&repo),
        lints,
        crates,
        fuzz_targets: rust::fuzz_targets(&repo),
        fuzzing_services: ci::fuzzing_services(&repo),
        workflows: Vec::new(),
        ci: Default::default(),
        composite_actions: Vec::new(),
        dependency_updates: dependency_updates(&repo),
        documents,
        problems: Vec::new(),
    };
    let found = ci::collect(&repo);
    facts.workflows = found.workflows;
    facts.ci = found.facts;
    facts.composite_actions = ci::composite_actions(&repo);
    let mut problems = repo.problems.into_inner();
    problems.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    problems.dedup();
    facts.problems = problems;
    (Collected::present(facts), repo.trace.into_inner())
}

/// Repository paths of every document found, for the git collector's document history.
pub fn document_paths(files: &Collected<FileFacts>) -> Vec<String> {
    match files {
        Collected::Present { value } => {
            let mut paths: Vec<String> = value
                .documents
                .iter()
                .map(|d| d.file.path.clone())
                .collect();
            paths.sort();
            paths.dedup();
            paths
        }
        _ => Vec::new(),
    }
}

/// A file's content, read.
#[derive(Debug, Clone)]
struct Text {
    file: FileRef,
    /// Shared: a read is answered from the per-run cache many times.
    text: std::sync::Arc<str>,
}

/// Why a file's content is not available; `file` is set when it could still be hashed.
#[derive(Debug, Clone)]
struct NotRead {
    file: Option<FileRef>,
    reason: String,
}

fn read_outcome(r: &Result<Text, NotRead>) -> String {
    match r {
        Ok(t) => format!("text {}", t.file.sha256),
        Err(NotRead {
            file: Some(f),
            reason,
        }) => format!("hashed {} {reason}", f.sha256),
        Err(NotRead { file: None, reason }) => format!("not read: {reason}"),
    }
}

fn file_outcome(r: &Result<FileRef, String>) -> String {
    match r {
        Ok(f) => format!("file {}", f.sha256),
        Err(why) => format!("not read: {why}"),
    }
}

/// Where the files are read from.
enum Source<'a> {
    /// The work tree, through the checked reader.
    WorkTree(&'a Path),
    /// A commit's tree: path → (blob id, whether it is a symbolic link).
    Tree {
        repo: &'a gix::Repository,
        blobs: BTreeMap<String, (gix::ObjectId, bool)>,
    },
    /// Files given as text: the readers' unit tests and the property tests.
    Memory(BTreeMap<String, String>),
}

/// Folders of the repository's top whose files belong to every workspace in it: its
/// repository-level documentation (`docs/`, `doc/`, `security/`, `.sdl/`) and `.github/`.
const REPOSITORY_LEVEL: &[&str] = &[".github/", "docs/", "doc/", "security/", ".sdl/"];

/// The listed files and a bounded, cached, symlink-safe reader.
struct Repo<'a> {
    source: Source<'a>,
    /// Sorted repository paths (relative to the repository's top).
    files: Vec<String>,
    /// The workspace's folder in the repository: empty, or ending in `/`.
    prefix: String,
    cache: RefCell<BTreeMap<String, Result<Text, NotRead>>>,
    problems: RefCell<Vec<Problem>>,
    /// When `Some`, every read from the work tree with its outcome (see [`Repo::outcome`]),
    /// for the cache.
    trace: RefCell<Option<Vec<(bool, String, String)>>>,
}

impl<'a> Repo<'a> {
    fn new(source: Source<'a>, files: Vec<String>, prefix: String) -> Self {
        Repo {
            source,
            files,
            prefix,
            cache: RefCell::new(BTreeMap::new()),
            problems: RefCell::new(Vec::new()),
            trace: RefCell::new(None),
        }
    }

    /// What reading `rel` as text (`text`) or hashing it gives, as one string: the content's
    /// digest, or the reason it was not read. Two equal outcomes mean equal facts from it.
    fn outcome(&self, text: bool, rel: &str) -> String {
        if text {
            read_outcome(&self.read_uncached(rel))
        } else {
            file_outcome(&self.file_ref_untraced(rel))
        }
    }

    fn traced(&self, text: bool, rel: &str, outcome: impl FnOnce() -> String) {
        if let Some(t) = self.trace.borrow_mut().as_mut() {
            t.push((text, rel.to_string(), outcome()));
        }
    }

    /// A repository of the given files (path, text), read as the work tree would be.
    fn in_memory(files: &[(&str, &str)]) -> Repo<'static> {
        let map: BTreeMap<String, String> = files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        let listed = map.keys().cloned().collect();
        Repo::new(Source::Memory(map), listed, String::new())
    }

    fn has(&self, rel: &str) -> bool {
        self.files.binary_search_by(|f| f.as_str().cmp(rel)).is_ok()
    }

    /// How `sdl.toml` names `path`: relative to the workspace's folder, or `None` outside it.
    fn config_path(&self, path: &str) -> Option<String> {
        path.strip_prefix(self.prefix.as_str()).map(str::to_string)
    }

    /// The repository path of `rel`, a path relative to the workspace's folder.
    fn in_workspace(&self, rel: &str) -> String {
        format!("{}{}", self.prefix, rel.trim_start_matches("./"))
    }

    /// `path` as seen from the workspace's folder when it lies there, else as it is: a
    /// document's name is judged where it sits (`ws/SECURITY.md` and `SECURITY.md` are both
    /// a workspace's policy; `other/SECURITY.md` is another project's).
    fn local<'p>(&self, path: &'p str) -> &'p str {
        path.strip_prefix(self.prefix.as_str()).unwrap_or(path)
    }

    /// Whether `path` belongs to the assessed product: a file of the workspace's folder, or of
    /// the repository level (its top and [`REPOSITORY_LEVEL`] folders). In a repository of
    /// several projects, the others' files are not this product's evidence.
    fn in_scope(&self, path: &str) -> bool {
        self.prefix.is_empty()
            || path.starts_with(self.prefix.as_str())
            || !path.contains('/')
            || REPOSITORY_LEVEL.iter().any(|d| path.starts_with(d))
    }

    /// The product's files ([`Repo::in_scope`]).
    fn scoped(&self) -> impl Iterator<Item = &String> {
        self.files.iter().filter(|f| self.in_scope(f))
    }

    /// The nearest of `names` from the workspace's folder up to the repository's top, as
    /// rustup, clippy and cargo-deny look for their files.
    fn nearest(&self, names: &[&str]) -> Option<String> {
        let mut dir = self.prefix.clone();
        loop {
            if let Some(found) = names
                .iter()
                .map(|n| format!("{dir}{n}"))
                .find(|p| self.has(p))
            {
                return Some(found);
            }
            if dir.is_empty() {
                return None;
            }
            let parent = dir.trim_end_matches('/');
            dir = match parent.rfind('/') {
                Some(at) => parent[..=at].to_string(),
                None => String::new(),
            };
        }
    }

    /// Listed files under `dir` (a prefix ending in `/`, or "" for all).
    fn under<'s>(&'s self, dir: &'s str) -> impl Iterator<Item = &'s String> {
        let start = self.files.partition_point(|f| f.as_str() < dir);
        self.files[start..]
            .iter()
            .take_while(move |f| f.starts_with(dir))
    }

    fn problem(&self, path: &str, message: impl Into<String>) {
        self.problems.borrow_mut().push(Problem {
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// Hash a file without keeping it in memory: documents may be large PDFs.
    fn file_ref(&self, rel: &str) -> Result<FileRef, String> {
        let outcome = self.file_ref_untraced(rel);
        self.traced(false, rel, || file_outcome(&outcome));
        if let Err(why) = &outcome {
            self.problem(rel, why.clone());
        }
        outcome
    }

    fn file_ref_untraced(&self, rel: &str) -> Result<FileRef, String> {
        match &self.source {
            Source::WorkTree(root) => crate::repo_fs::sha256(root, rel)
                .map(|(sha256, _)| sha256)
                .map_err(|e| e.to_string()),
            Source::Tree { .. } => self
                .blob(rel, crate::repo_fs::Limit::Copy)
                .map(|bytes| crate::digest::sha256_hex(&bytes)),
            Source::Memory(files) => files
                .get(rel)
                .map(|t| crate::digest::sha256_hex(t.as_bytes()))
                .ok_or_else(|| "does not exist".to_string()),
        }
        .map(|sha256| FileRef {
            path: rel.to_string(),
            sha256,
        })
    }

    /// Read a file as text, at most [`MAX_READ`] bytes; failures are recorded as problems.
    fn read(&self, rel: &str) -> Result<Text, NotRead> {
        if let Some(hit) = self.cache.borrow().get(rel) {
            return hit.clone();
        }
        let outcome = self.read_uncached(rel);
        self.traced(true, rel, || read_outcome(&outcome));
        if let Err(e) = &outcome {
            self.problem(rel, e.reason.clone());
        }
        self.cache
            .borrow_mut()
            .insert(rel.to_string(), outcome.clone());
        outcome
    }

    /// A blob of the commit tree, no larger than `limit`.
    fn blob(&self, rel: &str, limit: crate::repo_fs::Limit) -> Result<Vec<u8>, String> {
        let Source::Tree { repo, blobs } = &self.source else {
            return Err("not a commit tree".into());
        };
        let Some((id, link)) = blobs.get(rel) else {
            return Err("does not exist in the commit".into());
        };
        if *link {
            return Err("is a symbolic link in the commit; not followed".into());
        }
        let size = repo
            .find_header(*id)
            .map_err(|e| format!("cannot be read from git: {e}"))?
            .size();
        if size > limit.bytes() {
            return Err(format!(
                "is larger than {} bytes ({size}); hashed but not analysed",
                limit.bytes()
            ));
        }
        repo.find_object(*id)
            .map(|o| o.data.clone())
            .map_err(|e| format!("cannot be read from git: {e}"))
    }

    fn read_uncached(&self, rel: &str) -> Result<Text, NotRead> {
        use crate::repo_fs::{Limit, Problem};
        let bytes = match &self.source {
            Source::WorkTree(root) => {
                crate::repo_fs::read(root, rel, Limit::Document).map_err(|e| match e.problem() {
                    Problem::TooLarge { len, .. } => NotRead {
                        file: self.file_ref(rel).ok(),
                        reason: format!(
                            "is larger than {MAX_READ} bytes ({len}); hashed but not analysed"
                        ),
                    },
                    _ => NotRead {
                        file: None,
                        reason: e.to_string(),
                    },
                })?
            }
            Source::Tree { .. } => self.blob(rel, Limit::Document).map_err(|reason| NotRead {
                file: reason
                    .starts_with("is larger")
                    .then(|| self.file_ref(rel).ok())
                    .flatten(),
                reason,
            })?,
            Source::Memory(files) => match files.get(rel) {
                None => {
                    return Err(NotRead {
                        file: None,
                        reason: "does not exist".into(),
                    });
                }
                Some(t) if t.len() as u64 > MAX_READ => {
                    return Err(NotRead {
                        file: self.file_ref(rel).ok(),
                        reason: format!(
                            "is larger than {MAX_READ} bytes ({}); hashed but not analysed",
                            t.len()
                        ),
                    });
                }
                Some(t) => t.as_bytes().to_vec(),
            },
        };
        Ok(Text {
            file: FileRef {
                path: rel.to_string(),
                sha256: crate::digest::sha256_hex(&bytes),
            },
            text: String::from_utf8_lossy(&bytes).into(),
        })
    }
}

fn security_policy(repo: &Repo<'_>, doc: &Document) -> SecurityPolicy {
    match repo.read(&doc.file.path) {
        Ok(t) => {
            let ext = documents::extension(&doc.file.path);
            let (part, first) = match &doc.section {
                Some(s) => documents::section_text(&t.text, &ext, s),
                None => (&*t.text, 1),
            };
            let c = policy::security_policy(part, &ext, first);
            SecurityPolicy {
                file: t.file,
                channels: c.channels,
                disclosure: c.statements.disclosure,
                timeframes: c.statements.timeframes,
                set_aside: c.statements.set_aside,
                not_analysed: None,
            }
        }
        Err(e) => SecurityPolicy {
            file: doc.file.clone(),
            channels: vec![],
            disclosure: vec![],
            timeframes: vec![],
            set_aside: vec![],
            not_analysed: Some(e.reason),
        },
    }
}

fn security_txt(repo: &Repo<'_>) -> Option<SecurityTxt> {
    let path = repo
        .scoped()
        .filter(|f| {
            let l = f.to_lowercase();
            l.ends_with(".well-known/security.txt") || l == "security.txt"
        })
        .min_by_key(|f| (!f.contains(".well-known"), f.len(), f.to_string()))?
        .clone();
    Some(match repo.read(&path) {
        Ok(t) => {
            let c = policy::security_txt(&t.text);
            SecurityTxt {
                file: t.file,
                contacts: c.contacts,
                expires_raw: c.expires_raw,
                expires: c.expires,
                expires_line: c.expires_line,
                signed: c.signed,
                not_analysed: None,
            }
        }
        Err(e) => SecurityTxt {
            file: e.file.unwrap_or(FileRef {
                path,
                sha256: String::new(),
            }),
            contacts: vec![],
            expires_raw: None,
            expires: None,
            expires_line: None,
            signed: false,
            not_analysed: Some(e.reason),
        },
    })
}

fn codeowners(repo: &Repo<'_>) -> Option<Codeowners> {
    let path = codeowners::LOCATIONS.iter().find(|p| repo.has(p))?;
    // Coverage of the product's files; CODEOWNERS patterns are relative to the top.
    let files: Vec<String> = repo.scoped().cloned().collect();
    let empty = |file: FileRef, why: String| Codeowners {
        file,
        rules: 0,
        files_total: files.len(),
        files_covered: 0,
        uncovered_examples: vec![],
        unsupported: vec![],
        not_analysed: Some(why),
    };
    let missing = || FileRef {
        path: path.to_string(),
        sha256: String::new(),
    };
    Some(match repo.read(path) {
        Ok(t) => match codeowners::coverage(&t.text, &files) {
            Ok(c) => Codeowners {
                file: t.file,
                rules: c.rules,
                files_total: files.len(),
                files_covered: c.covered,
                uncovered_examples: c.uncovered_examples,
                unsupported: c.unsupported,
                not_analysed: None,
            },
            Err(why) => {
                repo.problem(path, why.clone());
                empty(t.file, why)
            }
        },
        Err(e) => empty(e.file.unwrap_or_else(missing), e.reason),
    })
}

fn security_level(repo: &Repo<'_>, documents: &[Document]) -> Option<DeclaredSecurityLevel> {
    ["security-requirements", "security-context"]
        .iter()
        .flat_map(|kind| documents.iter().filter(move |d| d.kind == *kind))
        .filter(|d| documents::is_prose(&d.file.path))
        .find_map(|d| {
            let t = repo.read(&d.file.path).ok()?;
            let (level, line, text) = policy::security_level(&t.text)?;
            Some(DeclaredSecurityLevel {
                level,
                file: t.file,
                line,
                text,
            })
        })
}

/// The licence files of the workspace's folder, else of the repository's top.
fn licenses(repo: &Repo<'_>) -> Vec<FileRef> {
    let at = |dir: &str| -> Vec<FileRef> {
        repo.under(dir)
            .filter(|f| !f[dir.len()..].contains('/'))
            .filter(|f| {
                let l = f[dir.len()..].to_lowercase();
                l.starts_with("license") || l.starts_with("licence") || l.starts_with("copying")
            })
            .filter_map(|f| repo.file_ref(f).ok())
            .collect()
    };
    let own = at(&repo.prefix);
    if own.is_empty() && !repo.prefix.is_empty() {
        at("")
    } else {
        own
    }
}

/// Renovate's configuration file names, in its own search order.
const RENOVATE: &[&str] = &[
    "renovate.json",
    "renovate.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
];

fn dependency_updates(repo: &Repo<'_>) -> Vec<UpdateConfig> {
    let mut out = Vec::new();
    for path in [".github/dependabot.yml", ".github/dependabot.yaml"] {
        if !repo.has(path) {
            continue;
        }
        match repo.read(path) {
            Ok(t) => {
                let (ecosystems, not_analysed) = match yaml::parse(&t.text) {
                    Ok(doc) => {
                        let mut e: Vec<String> = doc
                            .get("updates")
                            .map(yaml::Node::items)
                            .unwrap_or_default()
                            .iter()
                            .filter_map(|u| u.get("package-ecosystem")?.as_str())
                            .map(str::to_string)
                            .collect();
                        e.sort();
                        e.dedup();
                        (e, None)
                    }
                    Err(why) => {
                        repo.problem(path, format!("not valid YAML: {why}"));
                        (vec![], Some(format!("not valid YAML: {why}")))
                    }
                };
                out.push(UpdateConfig {
                    tool: "dependabot".into(),
                    file: t.file,
                    ecosystems,
                    not_analysed,
                });
            }
            Err(e) => {
                if let Some(file) = e.file {
                    out.push(UpdateConfig {
                        tool: "dependabot".into(),
                        file,
                        ecosystems: vec![],
                        not_analysed: Some(e.reason),
                    });
                }
            }
        }
    }
    if let Some(path) = RENOVATE.iter().find(|p| repo.has(p))
        && let Ok(t) = repo.read(path)
    {
        let (ecosystems, not_analysed) = match serde_json::from_str::<serde_json::Value>(&t.text) {
            Ok(json) => match json.get("enabledManagers").and_then(|m| m.as_array()) {
                Some(managers) => (
                    managers
                        .iter()
                        .filter_map(|m| m.as_str().map(str::to_string))
                        .collect(),
                    None,
                ),
                None => (vec!["all".to_string()], None),
            },
            Err(_) if path.ends_with("json5") => (
                vec![],
                Some("JSON5 syntax is not parsed; the enabled managers were not read".into()),
            ),
            Err(e) => {
                repo.problem(path, format!("not valid JSON: {e}"));
                (vec![], Some(format!("not valid JSON: {e}")))
            }
        };
        out.push(UpdateConfig {
            tool: "renovate".into(),
            file: t.file,
            ecosystems,
            not_analysed,
        });
    }
    out
}
