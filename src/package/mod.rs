//! The certification evidence package: one folder (or a reproducible archive) that an auditor
//! can read, check and re-verify offline. It is built completely in memory, written beside the
//! target directory and renamed into place only when complete, so a failure or a kill never
//! leaves a partial package behind.

pub mod archive;
pub mod diff;
pub mod manifest;
pub mod sign;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::catalog::Catalog;
use crate::facts::EvidenceRef;
use crate::report::Report;

/// The largest single file a package holds or `verify` reads.
pub const MAX_FILE: u64 = 256 * 1024 * 1024;
/// The largest package `verify` and `diff` read: a bound against archive bombs.
pub const MAX_TOTAL: u64 = 1024 * 1024 * 1024;

/// Everything the package is built from.
pub struct PackageInput<'a> {
    pub report: &'a Report,
    pub catalog: &'a Catalog,
    /// The workspace root, where cited documents are copied from.
    pub root: &'a Path,
    /// The key that signs the manifest (`--sign`), if any.
    pub signer: Option<&'a sign::SigningKey>,
}

/// Every file of the package, path → bytes, including `MANIFEST.sha256` and, with a signer,
/// `MANIFEST.sha256.sig`: signed here, in memory, so the atomic write covers the signature too.
pub fn build(
    input: &PackageInput<'_>,
    progress: crate::Progress<'_>,
) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let report = input.report;
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    progress("Writing report.json");
    files.insert(
        "report.json".into(),
        crate::render::json::render(report)?.into_bytes(),
    );
    progress("Writing index.html");
    files.insert(
        "index.html".into(),
        crate::render::html::render_html(report)?.into_bytes(),
    );
    progress("Writing report.md");
    files.insert(
        "report.md".into(),
        crate::render::markdown::render(report).into_bytes(),
    );
    if let Ok(cargo) = report.evidence.cargo.get() {
        progress("Writing sbom.cdx.json");
        let now = OffsetDateTime::parse(&report.generated_at, &Rfc3339)
            .with_context(|| format!("generated_at `{}` is not RFC 3339", report.generated_at))?;
        files.insert(
            "sbom.cdx.json".into(),
            crate::sbom::generate_sbom(cargo, &report.product, now)?,
        );
    }
    progress("Writing git-evidence.json");
    files.insert(
        "git-evidence.json".into(),
        pretty(&report.evidence.git)?.into_bytes(),
    );
    progress("Writing advisories.json");
    files.insert(
        "advisories.json".into(),
        pretty(&report.evidence.advisories)?.into_bytes(),
    );
    progress("Writing report.schema.json");
    files.insert(
        "report.schema.json".into(),
        crate::report::SCHEMA.as_bytes().to_vec(),
    );
    progress("Writing crosswalk.csv");
    files.insert(
        "crosswalk.csv".into(),
        crate::render::crosswalk::render_crosswalk_csv(report).into_bytes(),
    );
    progress("Writing report.sarif");
    files.insert(
        "report.sarif".into(),
        crate::render::sarif::render_sarif(report, input.catalog)?.into_bytes(),
    );
    progress("Writing oscal-assessment-results.json");
    files.insert(
        "oscal-assessment-results.json".into(),
        crate::render::oscal::render_oscal(report, input.catalog)?.into_bytes(),
    );
    progress("Copying cited documents");
    for (path, bytes) in cited_documents(input)? {
        files.insert(format!("documents/{path}"), bytes);
    }
    progress("Writing MANIFEST.sha256");
    let manifest = manifest::render(&files);
    if let Some(signer) = input.signer {
        progress("Signing MANIFEST.sha256");
        let signature = signer.sign(manifest.as_bytes())?;
        files.insert(manifest::SIGNATURE.into(), signature);
    }
    files.insert(manifest::MANIFEST.into(), manifest.into_bytes());
    Ok(files)
}

fn pretty<T: serde::Serialize>(value: &T) -> anyhow::Result<String> {
    crate::render::json::pretty(value)
}

/// Every repository file the report cites, with the bytes it had when it was collected. A file
/// that changed since (its sha256 differs from the one cited) stops the package: the report
/// would otherwise point at evidence it did not see.
fn cited_documents(input: &PackageInput<'_>) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let report = input.report;
    let mut cited: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut cite = |path: &str, sha: Option<&str>| -> anyhow::Result<()> {
        let entry = cited.entry(path.to_string()).or_insert(None);
        if let Some(sha) = sha {
            match entry {
                Some(existing) if existing != sha => {
                    bail!("{path} is cited with two different sha256 digests; run again")
                }
                _ => *entry = Some(sha.to_string()),
            }
        }
        Ok(())
    };
    for f in &report.findings {
        for e in &f.evidence {
            match e {
                EvidenceRef::File { path, sha256, .. }
                | EvidenceRef::Attestation { path, sha256 } => cite(path, Some(sha256))?,
                _ => {}
            }
        }
    }
    for (_, path) in crate::facts::documents(&report.evidence) {
        cite(&path, None)?;
    }
    let human = &report.evidence.human;
    for a in &human.attestations {
        cite(&a.file.path, Some(&a.file.sha256))?;
        for r in &a.references {
            if let crate::facts::attest::Reference::File { path, sha256 } = r {
                cite(path, Some(sha256))?;
            }
        }
    }
    if let Some(f) = human.roles.as_ref().and_then(|r| r.file.as_ref()) {
        cite(&f.path, Some(&f.sha256))?;
    }
    if let Some(f) = &human.training_file {
        cite(&f.path, Some(&f.sha256))?;
    }

    let mut out = BTreeMap::new();
    for (path, sha) in cited {
        if !manifest::is_safe_path(&path) {
            bail!("evidence path `{path}` is not a relative path inside the repository");
        }
        let bytes = crate::repo_fs::read(input.root, &path, crate::repo_fs::Limit::Copy)
            .map_err(|e| anyhow::anyhow!("copying cited document {}: {e}", e.path()))?;
        if let Some(sha) = sha
            && crate::digest::sha256_hex(&bytes) != sha
        {
            bail!(
                "{path} changed while the report was built (its sha256 no longer matches); run again"
            );
        }
        out.insert(path, bytes);
    }
    Ok(out)
}

/// Refuse an existing non-empty `out` unless `force`.
pub fn check_target(out: &Path, force: bool) -> anyhow::Result<()> {
    if out.exists() {
        if !out.is_dir() {
            bail!("{} exists and is not a directory", out.display());
        }
        let non_empty = std::fs::read_dir(out)
            .with_context(|| format!("reading {}", out.display()))?
            .next()
            .is_some();
        if non_empty && !force {
            bail!(
                "{} exists and is not empty; pass --force to replace it",
                out.display()
            );
        }
    }
    Ok(())
}

/// Write the package to `out` atomically: into a hidden sibling directory first, then renamed
/// into place. An existing `out` (allowed by `check_target`) is replaced only at the end.
pub fn write_dir(out: &Path, files: &BTreeMap<String, Vec<u8>>, force: bool) -> anyhow::Result<()> {
    check_target(out, force)?;
    if let Some(bad) = files.keys().find(|p| !manifest::is_safe_path(p)) {
        bail!("package path `{bad}` is not a relative path inside the package");
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let name = out
        .file_name()
        .with_context(|| format!("{}: not a directory name", out.display()))?
        .to_string_lossy()
        .into_owned();
    let staging = TempDir::new(parent.join(format!(".{name}.partial-{}", std::process::id())))?;
    for (path, bytes) in files {
        let target = staging.path.join(path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(&target, bytes).with_context(|| format!("writing {}", target.display()))?;
    }
    // Re-read what was written: the package on disk must verify before it is published.
    let written = read_dir_files(&staging.path)?;
    let diffs = manifest::differences(&written);
    if !diffs.is_empty() {
        bail!("the written package does not verify: {}", diffs.join(", "));
    }
    if out.exists() {
        let old = TempDir::new(parent.join(format!(".{name}.old-{}", std::process::id())))?;
        std::fs::remove_dir(&old.path).ok();
        std::fs::rename(out, &old.path)
            .with_context(|| format!("moving {} aside", out.display()))?;
        if let Err(e) = std::fs::rename(&staging.path, out) {
            // Put the old package back rather than leave nothing.
            let _ = std::fs::rename(&old.path, out);
            return Err(e).with_context(|| format!("renaming the package into {}", out.display()));
        }
        drop(old);
    } else {
        std::fs::rename(&staging.path, out)
            .with_context(|| format!("renaming the package into {}", out.display()))?;
    }
    staging.keep();
    Ok(())
}

/// Every regular file under `dir`, path → bytes. Symlinks are refused: a package never
/// contains one, and following it could read outside the package.
pub fn read_dir_files(dir: &Path) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    let mut total = 0u64;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let entry = entry?;
            let ty = entry.file_type()?;
            let path = entry.path();
            let rel = crate::repo_fs::relative(dir, &path);
            if ty.is_symlink() {
                bail!("{rel} is a symbolic link; a package contains only regular files");
            } else if ty.is_dir() {
                stack.push(path);
            } else {
                let len = entry.metadata()?.len();
                total += len;
                if len > MAX_FILE || total > MAX_TOTAL {
                    bail!(
                        "{rel}: the package is larger than this tool reads ({MAX_FILE} bytes a file, {MAX_TOTAL} in all)"
                    );
                }
                files.insert(
                    rel,
                    std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?,
                );
            }
        }
    }
    Ok(files)
}

/// A package folder or archive, read into memory.
pub fn read_package(path: &Path) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    if path.is_dir() {
        read_dir_files(path)
    } else if path.is_file() {
        archive::read_tar_gz(path)
    } else {
        bail!("{}: no such package directory or archive", path.display())
    }
}

/// A directory removed on drop unless kept.
struct TempDir {
    path: PathBuf,
    keep: bool,
}

impl TempDir {
    fn new(path: PathBuf) -> anyhow::Result<Self> {
        if path.exists() {
            std::fs::remove_dir_all(&path)
                .with_context(|| format!("removing stale {}", path.display()))?;
        }
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self { path, keep: false })
    }

    fn keep(mut self) {
        self.keep = true;
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
