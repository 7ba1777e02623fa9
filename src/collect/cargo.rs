//! The cargo collector: `cargo metadata --locked` for members, licenses and the dependency
//! graph with kinds, Cargo.lock for checksums; Cargo.lock alone when cargo metadata cannot run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::facts::cargo::{
    CargoOrigin, DependencyEdge, DependencyKind, PackageFact, PackageSource,
};
use crate::facts::{CargoFacts, Collected, FileRef};

/// The default registry as Cargo.lock and cargo metadata spell it.
const CRATES_IO: &str = "registry+https://github.com/rust-lang/crates.io-index";
const CRATES_IO_SPARSE: &str = "sparse+https://index.crates.io/";

/// Collect the packages of the workspace at `root`. `offline` adds `--offline` to cargo
/// metadata, which then uses only sources already downloaded. cargo metadata runs in the
/// sandbox of [`cargo_sandbox`](super::cargo_sandbox): no program the repository names is run.
pub fn collect(root: &Path, offline: bool) -> Collected<CargoFacts> {
    collect_cached(root, offline, None)
}

/// [`collect`], taking the facts from the cache when `cargo metadata` would be given the same
/// inputs: the same toolchain, arguments, environment and cargo configuration, the same
/// Cargo.lock, and the same bytes in every manifest of the workspace's local packages (a
/// new member changes Cargo.lock, a changed one its manifest). Without Cargo.lock nothing is
/// cached.
pub(crate) fn collect_cached(
    root: &Path,
    offline: bool,
    cache: Option<&super::cache::Cache>,
) -> Collected<CargoFacts> {
    if !root.join("Cargo.toml").is_file() {
        return Collected::absent(
            "there is no Cargo.toml at the repository's top: assess a crate with \
             --manifest-path for its cargo evidence",
        );
    }
    let lock = match read_lockfile(root) {
        Ok(l) => l,
        Err(e) => return Collected::failed(e),
    };
    let repo_root = crate::workspace::repository_top(root).unwrap_or_else(|| root.to_path_buf());
    let lock_file = lock.as_ref().map(|l| l.0.clone());
    let cache = cache.zip(lock_file.as_ref());
    let run = run_metadata(root, &repo_root, offline, lock.is_some(), cache);
    if let Ok(Ran::Fresh(md)) = &run.metadata
        && let Err(why) = check_workspace_root(md, root)
    {
        return Collected::failed(why);
    }
    let tracked = lock.as_ref().and_then(|_| lockfile_tracked(root));
    let mut facts = match (run.metadata, lock) {
        (Ok(Ran::Cached(f)), _) => f,
        (Ok(Ran::Fresh(md)), Some((file, lockfile))) => {
            let mut f = from_metadata(&md, root, Some(&lockfile));
            f.lockfile = Some(file);
            if let (Some((cache, _)), Some(key)) = (cache, &run.key)
                && let Some(manifests) = local_manifests(&md, &repo_root)
            {
                cache.put_json(
                    METADATA_SLOT,
                    key,
                    &MetadataEntry {
                        manifests,
                        facts: f.clone(),
                    },
                );
            }
            f
        }
        (Ok(Ran::Fresh(md)), None) => {
            let md = &md;
            let mut f = from_metadata(md, root, None);
            f.partial = Some(
                "there is no Cargo.lock, so the resolved dependency set is unknown; \
                 only the workspace members are listed"
                    .into(),
            );
            f
        }
        (Err(why), Some((file, lockfile))) => {
            let mut f = from_lockfile(&lockfile);
            f.partial = Some(format!(
                "{why}; the packages come from Cargo.lock alone, so licenses, dependency \
                 kinds and workspace members are unknown"
            ));
            f.lockfile = Some(file);
            f
        }
        (Err(why), None) => {
            return Collected::failed(format!("{why}; there is no Cargo.lock to fall back on"));
        }
    };
    facts.lockfile_tracked = tracked;
    facts.toolchain = run.toolchain;
    facts.toolchain_pin = run.toolchain_pin;
    facts.cargo_config = run.cargo_config;
    Collected::present(facts)
}

/// cargo metadata must describe the located workspace: a `[workspace]` in a parent folder
/// (outside the repository, which is never assessed) makes its answer about something else.
fn check_workspace_root(md: &cargo_metadata::Metadata, root: &Path) -> Result<(), String> {
    let reported = PathBuf::from(md.workspace_root.as_std_path());
    let reported = reported.canonicalize().unwrap_or(reported);
    let located = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if reported == located {
        return Ok(());
    }
    let where_ = if located.starts_with(&reported) {
        let depth = located
            .strip_prefix(&reported)
            .map(|r| r.components().count())
            .unwrap_or(0);
        format!(
            "the folder {} above it, whose Cargo.toml has a [workspace] that includes it",
            vec![".."; depth].join("/")
        )
    } else {
        "another folder".to_string()
    };
    Err(format!(
        "`cargo metadata` places this package in a workspace rooted at {where_}, not at the \
         located workspace root; a workspace outside the repository is not assessed \
         (give the package its own `[workspace]` table, or assess the outer workspace)"
    ))
}

/// Read and parse the workspace's Cargo.lock through the checked reader. `Ok(None)` when
/// there is none.
pub fn read_lockfile(root: &Path) -> Result<Option<(FileRef, rustsec::Lockfile)>, String> {
    match crate::repo_fs::read_optional(root, "Cargo.lock", crate::repo_fs::Limit::Lockfile) {
        Ok(Some(bytes)) => lockfile_from_bytes(&bytes, "Cargo.lock").map(|(mut file, lock)| {
            file.path = crate::repo_fs::repository_path(root, "Cargo.lock");
            Some((file, lock))
        }),
        Ok(None) => Ok(None),
        Err(e) => Err(e.with_path()),
    }
}

/// Read and parse a lockfile the operator named (`cargo sdl advisories --lockfile`): anywhere,
/// but a regular file within the cap.
pub(crate) fn read_lockfile_at(path: &Path) -> Result<(FileRef, rustsec::Lockfile), String> {
    let bytes = crate::repo_fs::read_operator_file(path, crate::repo_fs::Limit::Lockfile)
        .map_err(|e| e.with_path())?;
    lockfile_from_bytes(&bytes, &display_name(path))
}

fn lockfile_from_bytes(bytes: &[u8], shown: &str) -> Result<(FileRef, rustsec::Lockfile), String> {
    let lockfile = parse_lockfile(bytes).map_err(|e| {
        format!(
            "{}: not a valid lockfile: {}; regenerate it with `cargo generate-lockfile`",
            crate::sanitize::terminal(shown),
            crate::sanitize::terminal(&e)
        )
    })?;
    let file = FileRef {
        path: "Cargo.lock".into(),
        sha256: crate::digest::sha256_hex(bytes),
    };
    Ok((file, lockfile))
}

/// Parse lockfile bytes; the error says what is wrong, without the file name.
pub fn parse_lockfile(bytes: &[u8]) -> Result<rustsec::Lockfile, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: {e}"))?;
    ascii_checksums(text)?;
    text.parse::<rustsec::Lockfile>()
        .map_err(|e| e.to_string().trim().to_string())
}

/// cargo-lock cuts a 64-byte checksum into two-byte pieces, which panics when a piece ends
/// inside a character (`checksum = "000…0𐀀0…3"`); such a checksum is refused here first.
/// cargo-lock parses the checksums of `[[package]]`, `[root]` and, in version 1 lockfiles,
/// the `[metadata]` values under `checksum …` keys.
fn ascii_checksums(text: &str) -> Result<(), String> {
    use toml::Value;
    // A syntax error is cargo-lock's to report.
    let Ok(doc) = toml::from_str::<toml::Table>(text) else {
        return Ok(());
    };
    let packages = doc
        .get("package")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let metadata = doc.get("metadata").and_then(Value::as_table);
    let mut checksums = packages
        .iter()
        .chain(doc.get("root"))
        .filter_map(|t| t.get("checksum"))
        .chain(
            metadata
                .into_iter()
                .flatten()
                .filter(|(k, _)| k.starts_with("checksum "))
                .map(|(_, v)| v),
        );
    match checksums.find(|c| c.as_str().is_some_and(|c| !c.is_ascii())) {
        Some(bad) => Err(format!("invalid checksum {bad}: expected 64 hex digits")),
        None => Ok(()),
    }
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// What running cargo metadata gave, and how it ran.
struct MetadataRun {
    metadata: Result<Ran, String>,
    /// The cache key of this run's inputs, when a cache is in use.
    key: Option<[u8; 32]>,
    toolchain: Option<String>,
    toolchain_pin: Option<String>,
    cargo_config: Option<String>,
}

/// What cargo metadata gave: its output, or the facts a cache entry made from the same inputs.
enum Ran {
    Fresh(Box<cargo_metadata::Metadata>),
    Cached(CargoFacts),
}

/// The cache slot of the cargo facts.
const METADATA_SLOT: &str = "cargo-metadata";

/// A cached cargo metadata result: the facts, and the manifests whose bytes they depend on.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct MetadataEntry {
    /// (repository path, SHA-256) of the workspace's Cargo.toml and of every local package's.
    manifests: Vec<(String, String)>,
    facts: CargoFacts,
}

/// The manifests cargo metadata read for the local packages, with their digests; `None` when
/// one lies outside the repository (it is not read, so the result is not cached).
fn local_manifests(
    md: &cargo_metadata::Metadata,
    repo_root: &Path,
) -> Option<Vec<(String, String)>> {
    let real_root = repo_root.canonicalize().ok()?;
    let mut paths: Vec<PathBuf> = vec![md.workspace_root.join("Cargo.toml").into_std_path_buf()];
    paths.extend(
        md.packages
            .iter()
            .filter(|p| p.source.is_none())
            .map(|p| p.manifest_path.clone().into_std_path_buf()),
    );
    let mut out = Vec::new();
    for p in paths {
        let real = p.canonicalize().ok()?;
        let rel = real.strip_prefix(&real_root).ok()?;
        let rel = crate::repo_fs::relative(Path::new(""), rel);
        let (sha, _) = crate::repo_fs::sha256(repo_root, &rel).ok()?;
        out.push((rel, sha));
    }
    out.sort();
    out.dedup();
    Some(out)
}

fn run_metadata(
    root: &Path,
    repo_root: &Path,
    offline: bool,
    have_lock: bool,
    cache: Option<(&super::cache::Cache, &FileRef)>,
) -> MetadataRun {
    use super::cargo_sandbox as sandbox;
    let config = sandbox::repo_cargo_config(root, repo_root);
    let cargo_config = (!config.not_applied.is_empty()).then(|| {
        let mut s = format!(
            "cargo metadata does not load the repository's cargo configuration (it could name \
             programs); not applied: {}",
            config.not_applied.join(", ")
        );
        if !config.config_args.is_empty() {
            let keys: Vec<&str> = config
                .config_args
                .iter()
                .map(|a| a.split_once('=').map_or(a.as_str(), |(k, _)| k))
                .collect();
            s.push_str(&format!("; passed on: {}", keys.join(", ")));
        }
        s
    });
    let pin = sandbox::toolchain_pin(root, repo_root);
    let toolchain = match sandbox::trusted_toolchain(repo_root) {
        Ok(t) => t,
        Err(why) => {
            return MetadataRun {
                metadata: Err(format!("`cargo metadata` was not run: {why}")),
                key: None,
                toolchain: None,
                toolchain_pin: pin.map(|p| match p {
                    sandbox::Pin::Channel { file, channel } => format!("{file} pins \"{channel}\""),
                    sandbox::Pin::Path { file, path } => {
                        format!("{file} names a toolchain by path (\"{path}\"); it was not run")
                    }
                    sandbox::Pin::Unreadable { file, why } => format!("{file} {why}"),
                }),
                cargo_config,
            };
        }
    };
    let mut toolchain_pin = pin.map(|p| sandbox::describe_pin(&p, &toolchain.version));
    if let Some(note) = &toolchain.note {
        toolchain_pin = Some(match toolchain_pin {
            Some(p) => format!("{p}; {note}"),
            None => note.clone(),
        });
    }
    let mut cmd = cargo_metadata::MetadataCommand::new();
    cmd.cargo_path(&toolchain.cargo)
        .current_dir(sandbox::NEUTRAL_DIR)
        .manifest_path(root.join("Cargo.toml"));
    for (key, value) in sandbox::environment(&toolchain, &config.registries) {
        match value {
            Some(v) => cmd.env(key, v),
            None => cmd.env_remove(key),
        };
    }
    let mut options = Vec::new();
    if have_lock {
        // Evidence must describe the committed lockfile, not a fresh resolution.
        options.push("--locked".to_string());
    } else {
        // Resolving would write a new Cargo.lock into the repository under assessment.
        cmd.no_deps();
    }
    if offline {
        options.push("--offline".to_string());
    }
    for arg in &config.config_args {
        options.push("--config".to_string());
        options.push(arg.clone());
    }
    // cargo metadata also reads which files exist (targets are discovered from `src/main.rs`,
    // `src/bin/`, `examples/`, …; a member glob from folders): their names are part of the key.
    let names = cache.and_then(|_| crate::repo_fs::tree_names(repo_root, root));
    let key = cache.zip(names).map(|((_, lock), names)| {
        let mut k = super::cache::Key::new(METADATA_SLOT)
            .str(&root.display().to_string())
            .str(&names)
            .str(&toolchain.cargo.display().to_string())
            .str(&toolchain.rustc.display().to_string())
            .str(&format!("{:?}", toolchain.version))
            .str(&lock.path)
            .str(&lock.sha256)
            .str(&format!("{offline} {have_lock} {options:?}"));
        for (name, value) in sandbox::environment(&toolchain, &config.registries) {
            k = k.str(&format!("{name}={value:?}"));
        }
        // The operator's environment and cargo configuration reach cargo metadata too.
        let mut vars: Vec<(String, String)> = std::env::vars_os()
            .filter_map(|(n, v)| {
                let n = n.into_string().ok()?;
                // cargo-sdl's own switches and the terminal's settings change no metadata.
                let ours = n.starts_with("CARGO_SDL_") || n.starts_with("CARGO_TERM_");
                ((n.starts_with("CARGO") || n.starts_with("RUST")) && !ours)
                    .then(|| (n, v.to_string_lossy().into_owned()))
            })
            .collect();
        vars.sort();
        k = k.str(&format!("{vars:?}"));
        let home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
        let configs = [
            home.as_ref().map(|h| h.join("config.toml")),
            home.as_ref().map(|h| h.join("config")),
            Some(
                Path::new(sandbox::NEUTRAL_DIR)
                    .join(".cargo")
                    .join("config.toml"),
            ),
            Some(
                Path::new(sandbox::NEUTRAL_DIR)
                    .join(".cargo")
                    .join("config"),
            ),
        ];
        for c in configs.into_iter().flatten() {
            let bytes = crate::repo_fs::read_operator_file(&c, crate::repo_fs::Limit::Config)
                .unwrap_or_default();
            k = k.bytes(&bytes);
        }
        k.finish()
    });
    if let (Some((cache, _)), Some(key)) = (cache, &key)
        && let Some(entry) = cache.get_json::<MetadataEntry>(METADATA_SLOT, key)
        && entry.manifests.iter().all(|(rel, sha)| {
            crate::repo_fs::sha256(repo_root, rel).is_ok_and(|(now, _)| now == *sha)
        })
    {
        return MetadataRun {
            metadata: Ok(Ran::Cached(entry.facts)),
            key: Some(*key),
            toolchain: Some(toolchain.version.line.clone()),
            toolchain_pin,
            cargo_config,
        };
    }
    cmd.other_options(options);
    let metadata = cmd
        .exec()
        .map(|md| Ran::Fresh(Box::new(md)))
        .map_err(|e| match e {
            cargo_metadata::Error::CargoMetadata { stderr } => {
                let first: Vec<&str> = stderr
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .take(3)
                    .collect();
                // Cargo names files by their absolute paths; the report names no host path.
                let shown = first
                    .join(" ")
                    .replace(&repo_root.display().to_string(), "<repository>");
                format!("`cargo metadata` failed: {shown}")
            }
            other => format!("`cargo metadata` could not run: {other}"),
        });
    MetadataRun {
        metadata,
        key,
        toolchain: Some(toolchain.version.line.clone()),
        toolchain_pin,
        cargo_config,
    }
}

/// Classify a source string as Cargo.lock and cargo metadata write it.
pub(crate) fn classify_source(repr: &str) -> PackageSource {
    if repr == CRATES_IO || repr == CRATES_IO_SPARSE {
        return PackageSource::CratesIo;
    }
    if let Some(rest) = repr.strip_prefix("git+") {
        let (url, rev) = match rest.split_once('#') {
            Some((u, r)) => (u, Some(r.to_string())),
            None => (rest, None),
        };
        // The query (`?branch=…`) says what was asked for; the fragment is what was locked.
        let url = url.split('?').next().unwrap_or(url).to_string();
        return PackageSource::Git { url, rev };
    }
    let url = repr
        .strip_prefix("registry+")
        .or_else(|| repr.strip_prefix("sparse+"))
        .unwrap_or(repr);
    PackageSource::Registry { url: url.into() }
}

fn from_metadata(
    md: &cargo_metadata::Metadata,
    root: &Path,
    lock: Option<&rustsec::Lockfile>,
) -> CargoFacts {
    // Keyed by source too: a git fork of a crates.io package at the same version has no
    // checksum, and must not borrow the registry package's.
    let checksums: BTreeMap<(String, String, PackageSource), String> = lock
        .map(|l| {
            l.packages
                .iter()
                .filter_map(|p| {
                    let source = classify_source(&p.source.as_ref()?.to_string());
                    p.checksum.as_ref().map(|c| {
                        (
                            (p.name.as_str().to_string(), p.version.to_string(), source),
                            c.to_string(),
                        )
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let members: BTreeSet<&cargo_metadata::PackageId> = md.workspace_members.iter().collect();
    let by_id: BTreeMap<&cargo_metadata::PackageId, &cargo_metadata::Package> =
        md.packages.iter().map(|p| (&p.id, p)).collect();
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut deps: BTreeMap<&cargo_metadata::PackageId, Vec<DependencyEdge>> = BTreeMap::new();
    if let Some(resolve) = &md.resolve {
        for node in &resolve.nodes {
            let mut edges = Vec::new();
            for d in &node.deps {
                let Some(target) = by_id.get(&d.pkg) else {
                    continue;
                };
                let mut kinds: Vec<DependencyKind> = d
                    .dep_kinds
                    .iter()
                    .map(|k| match k.kind {
                        cargo_metadata::DependencyKind::Development => DependencyKind::Dev,
                        cargo_metadata::DependencyKind::Build => DependencyKind::Build,
                        _ => DependencyKind::Normal,
                    })
                    .collect();
                kinds.sort();
                kinds.dedup();
                edges.push(DependencyEdge {
                    name: target.name.as_str().to_string(),
                    version: target.version.to_string(),
                    kinds,
                });
            }
            edges.sort();
            edges.dedup();
            deps.insert(&node.id, edges);
        }
    }
    let mut packages: Vec<PackageFact> = md
        .packages
        .iter()
        .map(|p| {
            let source = match &p.source {
                Some(s) => classify_source(&s.repr),
                None => {
                    let dir = p
                        .manifest_path
                        .parent()
                        .map(|d| PathBuf::from(d.as_std_path()))
                        .unwrap_or_default();
                    let dir = dir.canonicalize().unwrap_or(dir);
                    let inside = dir.starts_with(&real_root);
                    PackageSource::Path {
                        path: Some(if inside {
                            let rel = crate::repo_fs::relative(&real_root, &dir);
                            if rel.is_empty() { ".".into() } else { rel }
                        } else {
                            dir.display().to_string()
                        }),
                        inside_workspace: Some(inside),
                    }
                }
            };
            let name = p.name.as_str().to_string();
            let version = p.version.to_string();
            PackageFact {
                checksum: checksums
                    .get(&(name.clone(), version.clone(), source.clone()))
                    .cloned(),
                name,
                version,
                source,
                member: members.contains(&p.id),
                license: p.license.clone(),
                license_file: p.license_file.as_ref().map(|f| f.to_string()),
                dependencies: deps.remove(&p.id).unwrap_or_default(),
            }
        })
        .collect();
    packages.sort();
    let mut member_ids: Vec<String> = packages
        .iter()
        .filter(|p| p.member)
        .map(PackageFact::id)
        .collect();
    member_ids.sort();
    let has_binary = md
        .packages
        .iter()
        .filter(|p| members.contains(&p.id))
        .flat_map(|p| &p.targets)
        .any(|t| t.kind.contains(&cargo_metadata::TargetKind::Bin));
    CargoFacts {
        origin: CargoOrigin::CargoMetadata,
        has_binary: Some(has_binary),
        members: member_ids,
        packages,
        ..CargoFacts::default()
    }
}

/// Facts from Cargo.lock alone: no licenses, no dependency kinds, no members.
pub fn from_lockfile(lock: &rustsec::Lockfile) -> CargoFacts {
    let mut packages: Vec<PackageFact> = lock
        .packages
        .iter()
        .map(|p| {
            let mut dependencies: Vec<DependencyEdge> = p
                .dependencies
                .iter()
                .map(|d| DependencyEdge {
                    name: d.name.as_str().to_string(),
                    version: d.version.to_string(),
                    kinds: Vec::new(),
                })
                .collect();
            dependencies.sort();
            PackageFact {
                name: p.name.as_str().to_string(),
                version: p.version.to_string(),
                source: match &p.source {
                    Some(s) => classify_source(&s.to_string()),
                    None => PackageSource::Path {
                        path: None,
                        inside_workspace: None,
                    },
                },
                member: false,
                license: None,
                license_file: None,
                checksum: p.checksum.as_ref().map(|c| c.to_string()),
                dependencies,
            }
        })
        .collect();
    packages.sort();
    CargoFacts {
        origin: CargoOrigin::CargoLock,
        packages,
        ..CargoFacts::default()
    }
}

/// Whether git's index has `Cargo.lock` of the workspace at `root`; `None` outside git.
fn lockfile_tracked(root: &Path) -> Option<bool> {
    let repo = super::discover_repository(root).ok()?;
    let rel = repo_path(&repo, root, "Cargo.lock")?;
    let index = repo.index_or_empty().ok()?;
    Some(index.entry_by_path(rel.as_str().into()).is_some())
}

/// The repository path (with `/`) of `file` in the workspace at `root`.
pub(crate) fn repo_path(repo: &gix::Repository, root: &Path, file: &str) -> Option<String> {
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    let rel = crate::repo_fs::relative(&workdir, &root);
    if !root.starts_with(&workdir) {
        return None;
    }
    Some(if rel.is_empty() {
        file.to_string()
    } else {
        format!("{rel}/{file}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_classified() {
        assert_eq!(classify_source(CRATES_IO), PackageSource::CratesIo);
        assert_eq!(classify_source(CRATES_IO_SPARSE), PackageSource::CratesIo);
        assert_eq!(
            classify_source("git+https://example.org/a.git?branch=main#0123abcd"),
            PackageSource::Git {
                url: "https://example.org/a.git".into(),
                rev: Some("0123abcd".into())
            }
        );
        assert_eq!(
            classify_source("sparse+https://registry.example.org/index/"),
            PackageSource::Registry {
                url: "https://registry.example.org/index/".into()
            }
        );
    }

    /// A git fork of a crates.io package at the same name and version has no checksum in
    /// Cargo.lock; it must not borrow the registry package's (the SBOM labels it SHA-256).
    #[test]
    fn checksums_belong_to_the_package_of_the_same_source() {
        let git = "git+https://example.org/a.git#0123456789abcdef0123456789abcdef01234567";
        let registry = CRATES_IO;
        let lock = format!(
            "version = 3\n\n\
             [[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"{git}\"\n\n\
             [[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"{registry}\"\nchecksum = \"{}\"\n",
            "ab".repeat(32)
        );
        let lock = parse_lockfile(lock.as_bytes()).unwrap();
        let package = |source: &str| {
            serde_json::json!({
                "name": "a", "version": "1.0.0", "id": format!("{source}#a@1.0.0"),
                "source": source, "dependencies": [], "targets": [], "features": {},
                "manifest_path": "/r/a/Cargo.toml", "license": "MIT",
            })
        };
        let md: cargo_metadata::Metadata = serde_json::from_value(serde_json::json!({
            "packages": [package(git), package(registry)],
            "workspace_members": [],
            "resolve": null,
            "workspace_root": "/r",
            "target_directory": "/r/target",
            "version": 1,
        }))
        .unwrap();
        let facts = from_metadata(&md, Path::new("/r"), Some(&lock));
        let sums: Vec<(PackageSource, Option<String>)> = facts
            .packages
            .iter()
            .map(|p| (p.source.clone(), p.checksum.clone()))
            .collect();
        assert_eq!(
            sums,
            [
                (PackageSource::CratesIo, Some("ab".repeat(32))),
                (
                    PackageSource::Git {
                        url: "https://example.org/a.git".into(),
                        rev: Some("0123456789abcdef0123456789abcdef01234567".into()),
                    },
                    None
                ),
            ]
        );
    }

    /// A 64-byte checksum with a multi-byte character panicked inside cargo-lock, which
    /// slices it two bytes at a time.
    #[test]
    fn non_ascii_checksums_are_refused_not_a_panic() {
        let bad = format!("{}\u{10000}{}", "0".repeat(29), "0".repeat(31));
        assert_eq!(bad.len(), 64);
        let package = "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n\
                       source = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
        for text in [
            format!("version = 3\n\n{package}checksum = \"{bad}\"\n"),
            format!(
                "version = 3\n\n[root]\nname = \"r\"\nversion = \"0.1.0\"\nchecksum = \"{bad}\"\n"
            ),
            format!(
                "{package}\n[metadata]\n\"checksum a 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)\" = \"{bad}\"\n"
            ),
        ] {
            let err = parse_lockfile(text.as_bytes()).unwrap_err();
            assert!(err.contains("invalid checksum"), "{err}");
        }
        let good = format!(
            "version = 3\n\n{package}checksum = \"{}\"\n",
            "0".repeat(64)
        );
        assert!(
            parse_lockfile(good.as_bytes()).unwrap().packages[0]
                .checksum
                .is_some()
        );
    }

    #[test]
    fn malformed_lockfile_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Cargo.lock");
        std::fs::write(&path, "[[package]]\nname = \"a\"\n").unwrap();
        let err = read_lockfile(dir.path()).unwrap_err();
        assert!(err.starts_with("Cargo.lock: not a valid lockfile"), "{err}");
    }
}
