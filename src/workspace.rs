//! Finding the workspace to assess, from `--manifest-path` or the current directory.
//!
//! The assessed repository is untrusted, so the search never leaves it: the workspace root is
//! looked for only up to the repository's top (the folder holding `.git`, else the manifest's
//! own folder), and every manifest is read through [`repo_fs`](crate::repo_fs), so a
//! `Cargo.toml` that is a symlink to another project is refused rather than assessed.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::config::Product;
use crate::repo_fs::{self, Limit};

/// The workspace under assessment.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The directory of the workspace's root Cargo.toml.
    pub root: PathBuf,
    /// The top of the repository that holds it: the git work tree, else `root` itself. Nothing
    /// above it is read.
    pub repo_root: PathBuf,
    /// The root package's name and version, when there is one (else the folder's name).
    pub product: Product,
    /// The root package's name; `None` for a virtual workspace.
    pub root_package: Option<String>,
}

/// The repository at `top`, which has no Cargo.toml of its own: no root package, the folder's
/// name as the product's.
fn without_manifest(top: PathBuf) -> Workspace {
    let name = top
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "repository".into());
    Workspace {
        repo_root: top.clone(),
        root: top,
        root_package: None,
        product: Product {
            name,
            version: "unversioned".into(),
            description: None,
            security_level: None,
        },
    }
}

/// Locate the workspace: the manifest given (or the nearest Cargo.toml above the current
/// directory, within the repository), then the nearest ancestor within the repository whose
/// Cargo.toml has a `[workspace]` table.
pub fn locate(manifest_path: Option<&Path>) -> anyhow::Result<Workspace> {
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let manifest = match manifest_path {
        Some(p) => {
            if p.file_name().is_none() || !p.exists() {
                bail!("--manifest-path {}: no such file", p.display());
            }
            std::path::absolute(p).with_context(|| format!("resolving {}", p.display()))?
        }
        None => {
            let start = cwd.canonicalize().unwrap_or_else(|_| cwd.clone());
            let top = repository_top(&start).unwrap_or_else(|| Path::new("/").to_path_buf());
            let found = start
                .ancestors()
                .take_while(|d| d.starts_with(&top))
                .map(|d| d.join("Cargo.toml"))
                .find(|p| p.symlink_metadata().is_ok());
            // A repository of many crates with no workspace at its top (an embedded
            // framework's): run at that top, it is assessed as a repository, its
            // repository-level evidence read and its cargo evidence unknown, saying why.
            if found.is_none() && start == top {
                return Ok(without_manifest(start));
            }
            found.with_context(|| {
                format!(
                    "could not find Cargo.toml in {} or any parent directory; \
                         run in a Rust workspace or pass --manifest-path",
                    cwd.display()
                )
            })?
        }
    };
    // The manifest's folder is resolved, the manifest itself is not: a Cargo.toml that links
    // elsewhere is checked by the reader below, not silently followed.
    let file_name = manifest
        .file_name()
        .context("the manifest path has no file name")?
        .to_string_lossy()
        .into_owned();
    let package_dir = manifest
        .parent()
        .context("manifest has no parent directory")?
        .canonicalize()
        .with_context(|| format!("resolving {}", manifest.display()))?;
    let repo_root = repository_top(&package_dir).unwrap_or_else(|| package_dir.clone());
    let text = read_manifest(&package_dir, &file_name)?;
    let mut root = package_dir.clone();
    let mut table = parse_manifest(&package_dir, &file_name, &text)?;
    if !table.contains_key("workspace") {
        for dir in package_dir
            .ancestors()
            .skip(1)
            .take_while(|d| d.starts_with(&repo_root))
        {
            let Ok(text) = read_manifest(dir, "Cargo.toml") else {
                continue;
            };
            if let Ok(t) = toml::from_str::<toml::Table>(&text)
                && t.contains_key("workspace")
            {
                root = dir.to_path_buf();
                table = t;
                break;
            }
        }
    }
    let package = table.get("package");
    let field = |name: &str| {
        package
            .and_then(|p| p.get(name))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let product = Product {
        name: field("name").unwrap_or_else(|| {
            root.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "workspace".into())
        }),
        version: field("version").unwrap_or_else(|| "unversioned".into()),
        description: field("description"),
        security_level: None,
    };
    Ok(Workspace {
        root,
        repo_root,
        root_package: field("name"),
        product,
    })
}

pub(crate) use crate::repo_fs::repository_top;

fn read_manifest(dir: &Path, name: &str) -> anyhow::Result<String> {
    let bytes = repo_fs::read(dir, name, Limit::Manifest)
        .map_err(|e| anyhow::anyhow!("{}: {e}", dir.join(name).display()))?;
    String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{}: is not UTF-8 text", dir.join(name).display()))
}

fn parse_manifest(dir: &Path, name: &str, text: &str) -> anyhow::Result<toml::Table> {
    toml::from_str(text).map_err(|e| {
        anyhow::anyhow!(
            "{}: {}",
            dir.join(name).display(),
            crate::tomlerr::describe(text, &e)
        )
    })
}
