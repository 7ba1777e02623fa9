//! Finding the workspace to assess, from `--manifest-path` or the current directory.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::config::Product;

/// The workspace under assessment.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The directory of the workspace's root Cargo.toml.
    pub root: PathBuf,
    /// The root package's name and version, when there is one.
    pub product: Product,
}

/// Locate the workspace: the manifest given (or the nearest Cargo.toml above the current
/// directory), then the nearest ancestor whose Cargo.toml has a `[workspace]` table.
pub fn locate(manifest_path: Option<&Path>) -> anyhow::Result<Workspace> {
    let manifest = match manifest_path {
        Some(p) => {
            if !p.is_file() {
                bail!("--manifest-path {}: no such file", p.display());
            }
            p.to_path_buf()
        }
        None => {
            let cwd = std::env::current_dir().context("reading the current directory")?;
            cwd.ancestors()
                .map(|d| d.join("Cargo.toml"))
                .find(|p| p.is_file())
                .with_context(|| {
                    format!(
                        "could not find Cargo.toml in {} or any parent directory; \
                         run in a Rust workspace or pass --manifest-path",
                        cwd.display()
                    )
                })?
        }
    };
    let manifest = manifest
        .canonicalize()
        .with_context(|| format!("resolving {}", manifest.display()))?;
    let package_dir = manifest
        .parent()
        .context("manifest has no parent directory")?;
    let mut root = package_dir.to_path_buf();
    for dir in package_dir.ancestors() {
        let candidate = dir.join("Cargo.toml");
        if let Ok(text) = std::fs::read_to_string(&candidate)
            && let Ok(table) = toml::from_str::<toml::Table>(&text)
            && table.contains_key("workspace")
        {
            root = dir.to_path_buf();
            break;
        }
    }
    let text = std::fs::read_to_string(root.join("Cargo.toml"))
        .with_context(|| format!("reading {}", root.join("Cargo.toml").display()))?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}: {}",
            root.join("Cargo.toml").display(),
            crate::config::describe_toml_error(&text, &e)
        )
    })?;
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
    Ok(Workspace { root, product })
}
