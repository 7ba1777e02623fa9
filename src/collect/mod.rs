//! Collectors: the only code that reads the repository, runs git or cargo, or opens the
//! advisory database. Each one returns [`Collected`](crate::facts::Collected): a collector
//! that cannot run never aborts the others.
//!
//! # What collecting runs (reviewed for issue 9: no repository code is ever executed)
//!
//! - **cargo metadata** (`cargo`): run in a sandbox, see [`cargo_sandbox`]: a neutral current
//!   directory (so neither the repository's `.cargo/config.toml` nor its `rust-toolchain.toml`
//!   is read by cargo or rustup), a trusted toolchain called by absolute path, and environment
//!   overrides that disable wrappers, `build.rustc`, rustflags, credential providers and the
//!   git CLI. Its `workspace_root` must be the located root.
//! - **rustc** (`rustc --print sysroot`, `rustc -vV`): only to find and name that trusted
//!   toolchain, from `/`, never from the repository.
//! - **git CLI**: only `cargo sdl fetch`, which clones the advisory database into a fresh
//!   staging folder (never runs git inside an existing checkout) with the system
//!   configuration off, hooks pointed at a folder that does not exist, `core.fsmonitor` off
//!   and `protocol.ext.allow=never`; see [`fetch`].
//! - **gix** (git history, tags, index, Cargo.lock history, the advisory database's HEAD):
//!   every repository is opened with [`discover_repository`] / [`open_repository`], i.e.
//!   `gix::open::Options::isolated()`: only the repository's own `.git/config`, no system,
//!   global or environment configuration, no `include`/`includeIf` (which could pull in files
//!   from anywhere), and no git binary (gix runs `git config -l` to find the installation
//!   configuration only when `permissions.config.git_binary` is on; isolated leaves it off).
//!   The features built (`sha1`, `max-performance`, `revision`, `mailmap`, `index`) read
//!   objects, refs and the index only: no worktree checkout or status, so no filter drivers
//!   (`gix-filter` is not even compiled) and no `core.fsmonitor`; no remote connection, so no
//!   `core.sshCommand`, `uploadpack`, credential helpers or `core.askPass`; no commits, so no
//!   hooks and no `gpg.program` (signatures are verified in Rust, `crate::sshsig`). Blob
//!   contents (Cargo.lock history) are read raw, never through `.gitattributes` conversion.
//!   A `.git` file that redirects to a git directory outside the work tree is followed only
//!   for a linked worktree registered for it or a submodule of a repository containing it:
//!   any other redirect would read another repository's history ([`OpenError::Foreign`]).
//! - **rustsec** is built without its git and HTTP features: `Database::open` reads files.
//! - **cyclonedx-bom**, **tera**, **ssh-key**: pure data, no processes.

pub mod advisories;
pub(crate) mod cache;
pub mod cargo;
pub mod cargo_sandbox;
pub mod fetch;
pub mod files;
pub mod git;
pub mod human;
pub mod improvement;
pub mod releases;
pub mod sbom;

use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use crate::config::Config;
use crate::facts::Facts;

/// Why a git repository was not opened.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OpenError {
    #[error(transparent)]
    Git(#[from] Box<gix::Error>),
    /// The work tree's `.git` is a file that points at a git directory elsewhere, and that
    /// directory is neither a linked worktree of a repository that registered this work tree
    /// nor a submodule's git directory inside a superproject that contains it.
    #[error("{0}")]
    Foreign(String),
    /// The workspace sits inside a repository that does not track its Cargo.toml (see
    /// [`repository_top`](crate::repo_fs::repository_top)).
    #[error(
        "the workspace's Cargo.toml is not tracked by the git repository in a parent folder; \
         that repository's history is not the workspace's"
    )]
    Untracked,
}

/// Open the git repository at or above `dir` with only its own configuration: see the module
/// documentation. A `.git` file that redirects to another repository's git directory is
/// refused (see [`OpenError::Foreign`]): its history is not this repository's.
pub(crate) fn discover_repository(dir: &Path) -> Result<gix::Repository, OpenError> {
    if let Some(top) = dir
        .ancestors()
        .find(|d| d.join(".git").symlink_metadata().is_ok())
    {
        no_special_files(&top.join(".git"))?;
        if crate::repo_fs::repository_top(dir).is_none() {
            return Err(OpenError::Untracked);
        }
    }
    let repo = gix::discover_opts(dir, Default::default(), open_options())
        .map_err(|e| OpenError::Git(Box::new(e)))?;
    check_git_dir(&repo)?;
    Ok(repo)
}

/// How every repository is opened: isolated (see the module documentation), and without
/// replacement objects (`refs/replace/`). A repository's replace refs would make an object id
/// stand for other content: its history would not be what its commit ids name, and the cache,
/// keyed by object ids, would keep (and, under a shared `CARGO_TARGET_DIR`, give to another
/// repository) records of content those ids do not name.
fn open_options() -> gix::open::Options {
    gix::open::Options::isolated().config_overrides(["core.useReplaceRefs=false"])
}

/// Open the git repository exactly at `dir` (no search upwards), isolated like
/// [`discover_repository`].
pub(crate) fn open_repository(dir: &Path) -> Result<gix::Repository, OpenError> {
    if dir.join(".git").symlink_metadata().is_ok() {
        no_special_files(&dir.join(".git"))?;
    } else if dir.join("HEAD").symlink_metadata().is_ok() {
        no_special_files(dir)?;
    }
    // Neither `.git` nor `HEAD`: no repository, bare or not, that gix would read; the folder
    // (an exported advisory database of a thousand files) is not walked for nothing.
    let repo = gix::open_opts(dir, open_options()).map_err(|e| OpenError::Git(Box::new(e)))?;
    check_git_dir(&repo)?;
    Ok(repo)
}

/// A git directory outside the work tree is accepted only in the two shapes git itself
/// creates: a linked worktree (`<common>/worktrees/<name>`, whose `gitdir` file names this work
/// tree's `.git`) and a submodule (`<super>/.git/modules/…`, inside a superproject that
/// contains this work tree).
fn check_git_dir(repo: &gix::Repository) -> Result<(), OpenError> {
    let Some(workdir) = repo.workdir() else {
        return Ok(());
    };
    let (Ok(work), Ok(git)) = (workdir.canonicalize(), repo.git_dir().canonicalize()) else {
        return Ok(());
    };
    if git.starts_with(&work) {
        return Ok(());
    }
    let registered_worktree = git
        .parent()
        .is_some_and(|p| p.file_name().is_some_and(|n| n == "worktrees"))
        && crate::repo_fs::read_operator_file(&git.join("gitdir"), crate::repo_fs::Limit::Config)
            .ok()
            .map(|back| {
                let back = String::from_utf8_lossy(&back);
                let back = Path::new(back.trim());
                git.join(back).canonicalize().ok() == work.join(".git").canonicalize().ok()
            })
            .unwrap_or(false);
    let submodule = git.ancestors().any(|a| {
        a.file_name().is_some_and(|n| n == "modules")
            && a.parent().is_some_and(|dot_git| {
                dot_git.file_name().is_some_and(|n| n == ".git")
                    && dot_git.parent().is_some_and(|top| work.starts_with(top))
            })
    });
    if registered_worktree || submodule {
        return Ok(());
    }
    Err(OpenError::Foreign(
        "the work tree's .git file points at a git directory outside the repository that is \
         neither a linked worktree registered for it nor a submodule of a repository containing \
         it; its history is not this repository's, so it is not read"
            .into(),
    ))
}

/// gix reads a git directory by path, before any check of ours: a FIFO there (a repository
/// handed over as a folder or an archive can hold one; a clone cannot) would block the run for
/// ever. Refuse `.git` (or a bare repository's folder), the git directory a `.git` file names,
/// and its common directory when any of them holds a FIFO, socket or device.
fn no_special_files(dot_git: &Path) -> Result<(), OpenError> {
    // A run opens the same repository many times (files, history, lockfile, releases); the
    // repository is assumed not to change during a run (threat model TM-6), so a git
    // directory that passed is not walked again.
    static PASSED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    let known = dot_git.canonicalize().ok();
    if let Some(k) = &known
        && PASSED.lock().unwrap_or_else(|e| e.into_inner()).contains(k)
    {
        return Ok(());
    }
    no_special_files_uncached(dot_git)?;
    if let Some(k) = known {
        PASSED.lock().unwrap_or_else(|e| e.into_inner()).push(k);
    }
    Ok(())
}

fn no_special_files_uncached(dot_git: &Path) -> Result<(), OpenError> {
    let top = dot_git.parent().unwrap_or(dot_git);
    let refuse = |path: &Path, kind: &str| {
        // Named relative to the repository's top: no host path in the report.
        let shown = path
            .strip_prefix(top)
            .map(|p| crate::repo_fs::relative(Path::new(""), p))
            .unwrap_or_else(|_| "a git directory outside the work tree".into());
        Err(OpenError::Foreign(format!(
            "the git directory holds a {kind} ({}); refused (git never writes one)",
            crate::sanitize::terminal(&shown)
        )))
    };
    let Ok(meta) = std::fs::metadata(dot_git) else {
        return Ok(());
    };
    let mut dirs = Vec::new();
    if meta.is_dir() {
        dirs.push(dot_git.to_path_buf());
    } else if meta.is_file() {
        // `gitdir: PATH` (a linked worktree or a submodule), read capped and non-blocking.
        let (Some(parent), Some(name)) = (dot_git.parent(), dot_git.file_name()) else {
            return Ok(());
        };
        let text = crate::repo_fs::read(
            parent,
            &name.to_string_lossy(),
            crate::repo_fs::Limit::Config,
        )
        .map_err(|e| OpenError::Foreign(format!(".git {e}")))?;
        let text = String::from_utf8_lossy(&text);
        if let Some(target) = text.lines().next().and_then(|l| l.strip_prefix("gitdir:")) {
            let git_dir = parent.join(target.trim());
            // The git directory first: its `commondir` is read only once known to be a file.
            if let Some((path, kind)) = special_file_below(&git_dir) {
                return refuse(&path, kind);
            }
            if let Ok(c) = crate::repo_fs::read_operator_file(
                &git_dir.join("commondir"),
                crate::repo_fs::Limit::Config,
            ) {
                dirs.push(git_dir.join(String::from_utf8_lossy(&c).trim()));
            }
        }
    } else {
        return refuse(dot_git, crate::repo_fs::kind_of(meta.file_type()));
    }
    for dir in dirs {
        if let Some((path, kind)) = special_file_below(&dir) {
            return refuse(&path, kind);
        }
    }
    Ok(())
}

/// The first FIFO, socket or device below `dir`, by a walk that stats every entry once.
/// Symbolic links are followed as gix would follow them (a link to a FIFO is a FIFO), each
/// real folder walked once, so that a loop of links ends.
fn special_file_below(dir: &Path) -> Option<(PathBuf, &'static str)> {
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if !d.canonicalize().is_ok_and(|real| seen.insert(real)) {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            // `metadata` follows links; a dangling one is nothing gix can open.
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                stack.push(path);
            } else if !meta.is_file() {
                return Some((path, crate::repo_fs::kind_of(meta.file_type())));
            }
        }
    }
    None
}

/// What every collector may need to know about the run.
#[derive(Debug, Clone)]
pub(crate) struct CollectCtx {
    /// The workspace root (where Cargo.toml and sdl.toml are).
    pub root: PathBuf,
    pub offline: bool,
    pub now: OffsetDateTime,
    /// `--advisory-db`, which wins over the configuration and CARGO_HOME.
    pub advisory_db: Option<PathBuf>,
    /// What the git collector walks (`--rev`, `--since`, `--release`, keys, tag pattern).
    pub git: git::Options,
    /// The incremental cache; `None` with `--no-cache` or when there can be none.
    pub cache: Option<std::sync::Arc<cache::Cache>>,
}

/// Run every collector. Three independent lines run side by side (`std::thread::scope`):
/// repository files → git history → attestation records → metrics; `cargo metadata` → SBOMs;
/// the advisory database and Cargo.lock history. Each line is the same code as a sequential
/// run and the facts are assembled in one fixed order, so the output does not depend on the
/// scheduling; `CARGO_SDL_SEQUENTIAL=1` runs the lines one after another (the tests compare
/// both). Progress is reported as each phase starts, from whichever line reaches it.
pub(crate) fn collect_all(
    ctx: &CollectCtx,
    config: &Config,
    human: crate::facts::human::HumanFacts,
    progress: &(dyn Fn(&str) + Sync),
) -> Facts {
    let history = move || {
        progress("repository files");
        let files = files::collect_cached(&ctx.root, config, ctx.cache.as_deref());
        progress("git history");
        let mut documents = files::document_paths(&files);
        documents.extend(human.attestations.iter().map(|a| a.file.path.clone()));
        // Metric records are dated by their commits, which the history walk looks up.
        let metric_paths = improvement::metric_paths(&ctx.root);
        documents.extend(metric_paths.iter().cloned());
        documents.sort();
        documents.dedup();
        let mut git_options = ctx.git.clone();
        git_options.added_for = human
            .attestations
            .iter()
            .map(|a| a.file.path.clone())
            .chain(metric_paths)
            .collect();
        let git = git::collect(&ctx.root, &git_options, &documents, &|what| progress(what));
        let mut human = human;
        attach_commit_records(&ctx.root, config, &git, &mut human);
        progress("metrics and improvements");
        let improvement = improvement::collect(&ctx.root, &git);
        (files, git, human, improvement)
    };
    let supply = || {
        progress("cargo metadata");
        let cargo = cargo::collect_cached(&ctx.root, ctx.offline, ctx.cache.as_deref());
        progress("SBOMs");
        let sbom = sbom::collect_cached(&ctx.root, config, &cargo, ctx.now, ctx.cache.as_deref());
        (cargo, sbom)
    };
    let vulnerabilities = || {
        progress("advisories");
        advisories::collect(
            &ctx.root,
            config,
            ctx.advisory_db.as_deref(),
            ctx.cache.as_deref(),
        )
    };
    let ((files, git, human, improvement), (cargo, sbom), advisories) = if sequential() {
        (history(), supply(), vulnerabilities())
    } else {
        std::thread::scope(|s| {
            let supply = s.spawn(supply);
            let vulnerabilities = s.spawn(vulnerabilities);
            let history = history();
            (history, join(supply.join()), join(vulnerabilities.join()))
        })
    };
    Facts {
        collected_at: crate::timefmt::rfc3339(ctx.now),
        files,
        git,
        cargo,
        sbom,
        advisories,
        human,
        improvement,
    }
}

/// True when `CARGO_SDL_SEQUENTIAL=1` asks for the collectors (and the release
/// re-assessments) one after another: for comparison and benchmarks; the output is the same.
pub(crate) fn sequential() -> bool {
    std::env::var_os("CARGO_SDL_SEQUENTIAL").is_some_and(|v| v == "1")
}

/// A collector line's result; a panic in it is re-raised here, as a sequential run would.
fn join<T>(r: std::thread::Result<T>) -> T {
    r.unwrap_or_else(|payload| std::panic::resume_unwind(payload))
}

/// Fill in each attestation's git records (or why it has none) from the git facts: the commit
/// that last changed it (its signature checked against `[attest] allowed-signers` when
/// configured), the commit that added it, and the commits its references name.
fn attach_commit_records(
    root: &Path,
    config: &Config,
    git: &crate::facts::Collected<crate::facts::GitFacts>,
    human: &mut crate::facts::human::HumanFacts,
) {
    use crate::facts::human::Reference;
    let facts = match git.get() {
        Ok(f) => f,
        Err(why) => {
            for a in &mut human.attestations {
                a.uncommitted = Some(format!("git history unavailable: {why}"));
                a.added_unknown = Some(format!("git history unavailable: {why}"));
                for r in &mut a.references {
                    if let Reference::Commit { unresolved, .. } = r {
                        *unresolved =
                            Some(format!("cannot be checked: git history unavailable: {why}"));
                    }
                }
            }
            return;
        }
    };
    // Parsed once already by `human::collect`, which refuses a malformed file.
    let signers = config.attest.allowed_signers.as_deref().map(|rel| {
        load_attest_signers(root, rel).map_err(|e| format!("the allowed-signers file {rel}: {e}"))
    });
    let files: Vec<(String, String)> = human
        .attestations
        .iter()
        .map(|a| (a.file.path.clone(), a.file.sha256.clone()))
        .collect();
    let usable = match &signers {
        Some(Ok(s)) => Some(s),
        _ => None,
    };
    for (a, (_, record)) in human
        .attestations
        .iter_mut()
        .zip(git::file_records(root, facts, &files, usable))
    {
        match record.last {
            Ok(mut r) => {
                if let Some(Err(why)) = &signers {
                    r.signer = Some(crate::facts::human::SignerCheck {
                        verdict: "unverified".into(),
                        principals: None,
                        fingerprint: None,
                        why: Some(why.clone()),
                    });
                }
                a.commit = Some(r);
            }
            Err(why) => a.uncommitted = Some(why),
        }
        match record.added {
            Ok(r) => a.added = Some(r),
            Err(why) => a.added_unknown = Some(why),
        }
    }
    let repo = discover_repository(root);
    for a in &mut human.attestations {
        for r in &mut a.references {
            if let Reference::Commit {
                id,
                resolved,
                unresolved,
            } = r
            {
                match repo
                    .as_ref()
                    .map_err(|e| format!("cannot be checked: no git repository: {e}"))
                    .and_then(|repo| git::resolve_commit(repo, id))
                {
                    Ok(full) => *resolved = Some(full),
                    Err(why) => *unresolved = Some(why),
                }
            }
        }
    }
}

/// The `[attest] allowed-signers` file, read through the checked reader.
pub(crate) fn load_attest_signers(
    root: &Path,
    rel: &str,
) -> Result<crate::sshsig::AllowedSigners, String> {
    let bytes = crate::repo_fs::read(root, rel, crate::repo_fs::Limit::Config)
        .map_err(|e| e.to_string())?;
    crate::sshsig::AllowedSigners::parse_file(Path::new(rel), &bytes).map_err(|e| e.to_string())
}
