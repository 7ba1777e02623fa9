//! The certification evidence package: one folder (or a reproducible archive) that an auditor
//! can read, check and re-verify offline. It is built completely in memory and published by
//! [`publish`]: written beside the target directory and renamed into place only when complete,
//! so a failure or a kill never leaves a partial package behind, and only a previous package
//! is ever replaced.

pub mod archive;
pub mod diff;
pub mod manifest;
pub mod publish;
pub mod sign;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::catalog::Catalog;
use crate::facts::EvidenceRef;
use crate::report::Report;

/// The largest single file a package holds or `verify` reads.
pub(crate) const MAX_FILE: u64 = 256 * 1024 * 1024;
/// The largest package `verify` and `diff` read: a bound against archive bombs.
pub(crate) const MAX_TOTAL: u64 = 1024 * 1024 * 1024;

/// The package's layout: every file it may hold, and the folder of cited repository files,
/// each with what it holds. [`publish`] refuses to write anything else and recognises a folder
/// left behind by an interrupted run only when it holds nothing else; `index.html` lists the
/// entries a package has ([`listing`]). A folder's entry ends in `/`.
pub const LAYOUT: &[(&str, &str)] = &[
    (
        "index.html",
        "this page: the report for reading and printing",
    ),
    (
        "report.json",
        "the report in its serde form (schema_version)",
    ),
    ("report.schema.json", "the JSON Schema of report.json"),
    ("report.md", "the report as Markdown"),
    (
        "crosswalk.csv",
        "each requirement with its status, NIST SSDF and EU CRA ids",
    ),
    ("sbom.cdx.json", "CycloneDX SBOM of the workspace"),
    (
        "advisories.json",
        "RustSec advisories with the database's date and source",
    ),
    (
        "git-evidence.json",
        "the git evidence: history, tags and per-release records",
    ),
    ("report.sarif", "findings as SARIF 2.1.0"),
    ("oscal-assessment-results.json", "OSCAL assessment results"),
    (
        DOCUMENTS,
        "copies of the cited documents and attestations, under their repository paths",
    ),
    (
        manifest::MANIFEST,
        "sha256sum manifest of every file but itself and its signature",
    ),
    (
        manifest::SIGNATURE,
        "SSH signature of MANIFEST.sha256 (ssh-keygen -Y verify, namespace cargo-sdl)",
    ),
];

/// The folder of the package that holds copies of the cited repository files.
pub(crate) const DOCUMENTS: &str = "documents/";

/// The portfolio package's layout (`cargo sdl portfolio`): the organisation's view over many
/// product reports, with the reports themselves under `products/`.
pub const PORTFOLIO_LAYOUT: &[(&str, &str)] = &[
    (
        "index.html",
        "this page: the portfolio for reading and printing",
    ),
    (
        "portfolio.json",
        "the portfolio in its serde form (schema_version)",
    ),
    ("portfolio.schema.json", "the JSON Schema of portfolio.json"),
    ("portfolio.csv", "one row per product and requirement"),
    (
        crate::portfolio::PRODUCTS,
        "the product reports and packages merged, one folder per product and release",
    ),
    (
        crate::portfolio::ORGANISATION,
        "the organisation's report or package whose records products inherit",
    ),
    (
        manifest::MANIFEST,
        "sha256sum manifest of every file but itself and its signature",
    ),
    (
        manifest::SIGNATURE,
        "SSH signature of MANIFEST.sha256 (ssh-keygen -Y verify, namespace cargo-sdl)",
    ),
];

/// A kind of package: the files it may hold, and the file that marks one (a folder whose
/// manifest does not list it is not a package of this kind and is never replaced).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub entries: &'static [(&'static str, &'static str)],
    pub key: &'static str,
}

/// The evidence package of `cargo sdl report`.
pub const REPORT_PACKAGE: Layout = Layout {
    entries: LAYOUT,
    key: "report.json",
};

/// The portfolio package of `cargo sdl portfolio`.
pub const PORTFOLIO_PACKAGE: Layout = Layout {
    entries: PORTFOLIO_LAYOUT,
    key: "portfolio.json",
};

impl Layout {
    /// True for a path this layout allows.
    pub(crate) fn allows(&self, path: &str) -> bool {
        self.entries.iter().any(|(entry, _)| {
            if entry.ends_with('/') {
                path.strip_prefix(entry).is_some_and(manifest::is_safe_path)
            } else {
                *entry == path
            }
        })
    }

    /// The entries of the layout that a package holding `paths` has, in the table's order: a
    /// file when it is one of them, a folder when one of them is inside it.
    pub fn listing<'a>(
        &self,
        paths: impl IntoIterator<Item = &'a str>,
    ) -> Vec<(&'static str, &'static str)> {
        let paths: Vec<&str> = paths.into_iter().collect();
        self.entries
            .iter()
            .copied()
            .filter(|(entry, _)| {
                paths.iter().any(|p| {
                    if entry.ends_with('/') {
                        p.starts_with(entry)
                    } else {
                        p == entry
                    }
                })
            })
            .collect()
    }
}

/// True for a path the report package's layout allows.
#[cfg(test)]
fn in_layout(path: &str) -> bool {
    REPORT_PACKAGE.allows(path)
}

/// The entries of [`LAYOUT`] that a package holding `paths` has, in the table's order: a file
/// when it is one of them, a folder when one of them is inside it.
pub fn listing<'a>(paths: impl IntoIterator<Item = &'a str>) -> Vec<(&'static str, &'static str)> {
    REPORT_PACKAGE.listing(paths)
}

/// Everything the package is built from.
pub struct PackageInput<'a> {
    pub report: &'a Report,
    pub catalog: &'a Catalog,
    /// The repository's top, where cited documents are copied from (evidence paths are
    /// repository paths).
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
    progress("Writing report.md");
    files.insert(
        "report.md".into(),
        crate::render::markdown::render(report).into_bytes(),
    );
    if let Ok(cargo) = report.evidence.cargo.get() {
        progress("Writing sbom.cdx.json");
        let now = OffsetDateTime::parse(&report.generated_at, &Rfc3339)
            .with_context(|| format!("generated_at `{}` is not RFC 3339", report.generated_at))?;
        // The advisories and the waivers that decide them become the SBOM's VEX section.
        let vex = report.evidence.advisories.get().ok().map(|advisories| {
            crate::sbom::VulnerabilityInput {
                advisories,
                waivers: &report.waivers,
            }
        });
        files.insert(
            "sbom.cdx.json".into(),
            crate::sbom::generate_sbom(cargo, &report.product, now, vex)?,
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
        crate::render::crosswalk::render_crosswalk_csv(report, input.catalog).into_bytes(),
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
        files.insert(format!("{DOCUMENTS}{path}"), bytes);
    }
    // The page lists the package's files, so it comes once they are known; only the manifest
    // and its signature follow it.
    progress("Writing index.html");
    let mut held: Vec<&str> = files.keys().map(String::as_str).collect();
    held.extend(["index.html", manifest::MANIFEST]);
    if input.signer.is_some() {
        held.push(manifest::SIGNATURE);
    }
    let page = crate::render::html::render_html(report, &listing(held))?;
    files.insert("index.html".into(), page.into_bytes());
    seal(&mut files, input.signer, progress)?;
    Ok(files)
}

/// Add `MANIFEST.sha256` over `files` and, with a signer, its signature: signed here, in
/// memory, so the atomic write covers the signature too.
pub(crate) fn seal(
    files: &mut BTreeMap<String, Vec<u8>>,
    signer: Option<&sign::SigningKey>,
    progress: crate::Progress<'_>,
) -> anyhow::Result<()> {
    progress("Writing MANIFEST.sha256");
    let manifest = manifest::render(files);
    if let Some(signer) = signer {
        progress("Signing MANIFEST.sha256");
        let signature = signer.sign(manifest.as_bytes())?;
        files.insert(manifest::SIGNATURE.into(), signature);
    }
    files.insert(manifest::MANIFEST.into(), manifest.into_bytes());
    Ok(())
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
            if let crate::facts::human::Reference::File { path, sha256 } = r {
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
    // The configuration that tailored the assessment ships with it.
    if let Some(f) = &report.tailoring.source
        && !report.tailoring.source_outside_repository
    {
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

/// What a package folder or archive holds, as read for `verify` and `diff`: its files, and
/// every way in which it is not a plain package (a link, a FIFO, a second gzip member, a name
/// that leaves the folder…). Each problem names the file or member; any problem fails
/// verification, and the files are then not to be trusted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Contents {
    pub files: BTreeMap<String, Vec<u8>>,
    pub problems: Vec<String>,
}

/// A package folder or archive, read into memory. `Err` when it cannot be read at all (it does
/// not exist, is neither a folder nor a regular file, is not gzip, or is past the size bounds).
pub(crate) fn read_package(path: &Path) -> anyhow::Result<Contents> {
    let shown = crate::sanitize::terminal(&path.display().to_string());
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!("{shown}: no such package directory or archive")
        }
        Err(e) => return Err(e).with_context(|| format!("reading {shown}")),
    };
    if meta.is_dir() {
        read_dir(path)
    } else if meta.is_file() {
        archive::inspect(path)
    } else {
        bail!(
            "{shown} is a {}, not a package directory or archive",
            crate::repo_fs::kind_of(meta.file_type())
        )
    }
}

/// Where a report was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// A bare `report.json`: no manifest, nothing to verify it against.
    ReportFile,
    Directory,
    Archive,
}

/// A report as read from a `report.json`, a package folder or a package archive, before anyone
/// trusts it: `report` is its `report.json` (`None` when a package has none), `files` the
/// package's files (empty for a bare report), and the two lists say why the package fails
/// verification, if it does.
#[derive(Debug)]
pub(crate) struct Opened {
    pub source: Source,
    pub report: Option<Vec<u8>>,
    pub files: BTreeMap<String, Vec<u8>>,
    /// How the package is not plain (a link, a FIFO, a second gzip member…).
    pub problems: Vec<String>,
    /// How its files differ from its manifest.
    pub differences: Vec<String>,
}

impl Opened {
    /// Why the package cannot be used, in a phrase; `None` when it verifies.
    pub(crate) fn refusal(&self) -> Option<String> {
        let join = |list: &[String]| crate::sanitize::terminal(&list.join("; "));
        if !self.problems.is_empty() {
            Some(format!(
                "not a plain package, refused ({})",
                join(&self.problems)
            ))
        } else if !self.differences.is_empty() {
            Some(format!(
                "the package does not match its manifest ({})",
                join(&self.differences)
            ))
        } else {
            None
        }
    }
}

/// Read a report from a file ending in `.json`, a package directory or a package archive.
/// `Err` when it cannot be read at all (see [`read_package`]); a package that reads but does
/// not verify comes back with its differences, for the caller to refuse.
pub(crate) fn open_report(path: &Path) -> anyhow::Result<Opened> {
    let is_json = path.extension().is_some_and(|e| e == "json");
    if is_json && std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        // Opened without blocking and checked to be a regular file.
        let bytes = crate::repo_fs::read_operator_file(path, crate::repo_fs::Limit::Copy)
            .map_err(|e| anyhow::anyhow!("{}", e.with_path()))?;
        return Ok(Opened {
            source: Source::ReportFile,
            report: Some(bytes),
            files: BTreeMap::new(),
            problems: Vec::new(),
            differences: Vec::new(),
        });
    }
    let source = if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        Source::Directory
    } else {
        Source::Archive
    };
    let Contents { files, problems } = read_package(path)?;
    // A package that is not plain is not compared: its files are not what unpacking gives.
    let differences = if problems.is_empty() {
        manifest::differences(&files)
    } else {
        Vec::new()
    };
    Ok(Opened {
        source,
        report: files.get("report.json").cloned(),
        files,
        problems,
        differences,
    })
}

/// Every regular file under `dir`, path → bytes; anything else in it (a symbolic link, a FIFO,
/// a socket, a device) is an error. See [`read_dir`].
pub fn read_dir_files(dir: &Path) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let contents = read_dir(dir)?;
    if let Some(problem) = contents.problems.first() {
        bail!(
            "{}: {problem}",
            crate::sanitize::terminal(&dir.display().to_string())
        );
    }
    Ok(contents.files)
}

/// A package folder: its regular files, read, and a problem for every entry that is neither a
/// regular file nor a folder. Such an entry is never opened or followed, so a FIFO cannot hang
/// the run and a link cannot lead out of the package.
pub fn read_dir(dir: &Path) -> anyhow::Result<Contents> {
    let mut contents = Contents::default();
    let mut total = 0u64;
    for (rel, entry) in tree(dir)? {
        let shown = crate::sanitize::terminal(&rel);
        match entry {
            Entry::Folder => {}
            Entry::Other(kind) => contents.problems.push(format!(
                "{shown} is a {kind}; a package holds only regular files and folders"
            )),
            Entry::BadName => contents
                .problems
                .push(format!("{shown} has a name that is not UTF-8")),
            Entry::File(len) => {
                total = total.saturating_add(len);
                if len > MAX_FILE || total > MAX_TOTAL {
                    bail!(
                        "{shown}: the package is larger than this tool reads ({MAX_FILE} bytes a file, {MAX_TOTAL} in all)"
                    );
                }
                match read_file(&dir.join(&rel), MAX_FILE, false) {
                    Ok(bytes) => {
                        contents.files.insert(rel, bytes);
                    }
                    // Swapped for a link or a FIFO since it was listed.
                    Err(ReadFail::NotRegular(kind)) => contents.problems.push(format!(
                        "{shown} is a {kind}; a package holds only regular files and folders"
                    )),
                    Err(ReadFail::TooLarge) => {
                        bail!("{shown}: larger than this tool reads ({MAX_FILE} bytes a file)")
                    }
                    Err(ReadFail::Io(e)) => {
                        return Err(e).with_context(|| format!("reading {shown}"));
                    }
                }
            }
        }
    }
    Ok(contents)
}

/// The most entries a package folder may have.
const MAX_ENTRIES: usize = 100_000;

/// One entry of a folder tree, as `lstat` sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    File(u64),
    Folder,
    /// A symbolic link, FIFO, socket or device, in words.
    Other(&'static str),
    /// A name that is not UTF-8 (it cannot be in a manifest).
    BadName,
}

/// Every entry below `dir` (not `dir` itself), `/`-separated relative path → entry, without
/// following links or opening anything.
fn tree(dir: &Path) -> anyhow::Result<BTreeMap<String, Entry>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, prefix)) = stack.pop() {
        let shown = d.display().to_string();
        for entry in std::fs::read_dir(&d)
            .with_context(|| format!("reading {}", crate::sanitize::terminal(&shown)))?
        {
            let entry =
                entry.with_context(|| format!("reading {}", crate::sanitize::terminal(&shown)))?;
            if out.len() >= MAX_ENTRIES {
                bail!(
                    "{}: more than {MAX_ENTRIES} entries, more than this tool reads",
                    crate::sanitize::terminal(&dir.display().to_string())
                );
            }
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                let rel = format!("{prefix}{}", name.to_string_lossy());
                out.insert(rel, Entry::BadName);
                continue;
            };
            let rel = format!("{prefix}{name}");
            let ty = entry
                .file_type()
                .with_context(|| format!("reading {}", crate::sanitize::terminal(&rel)))?;
            let kind = if ty.is_dir() {
                stack.push((entry.path(), format!("{rel}/")));
                Entry::Folder
            } else if ty.is_file() {
                Entry::File(entry.metadata().map(|m| m.len()).unwrap_or(0))
            } else {
                Entry::Other(crate::repo_fs::kind_of(ty))
            };
            out.insert(rel, kind);
        }
    }
    Ok(out)
}

/// Why a file was not read.
enum ReadFail {
    NotRegular(&'static str),
    TooLarge,
    Io(std::io::Error),
}

/// Read a regular file of at most `max` bytes. It is opened without blocking (a FIFO swapped
/// in cannot hang the run), and with `follow` false a symbolic link is not followed; what was
/// opened must be a regular file.
fn read_file(path: &Path, max: u64, follow: bool) -> Result<Vec<u8>, ReadFail> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let nofollow = if follow { 0 } else { libc::O_NOFOLLOW };
        options.custom_flags(libc::O_NONBLOCK | nofollow);
    }
    #[cfg(not(unix))]
    let _ = follow;
    let file = match options.open(path) {
        Ok(f) => f,
        // O_NOFOLLOW on a link fails with ELOOP.
        #[cfg(unix)]
        Err(e) if !follow && e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(ReadFail::NotRegular("symbolic link"));
        }
        Err(e) => return Err(ReadFail::Io(e)),
    };
    let meta = file.metadata().map_err(ReadFail::Io)?;
    if !meta.is_file() {
        return Err(ReadFail::NotRegular(crate::repo_fs::kind_of(
            meta.file_type(),
        )));
    }
    if meta.len() > max {
        return Err(ReadFail::TooLarge);
    }
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadFail::Io)?;
    if bytes.len() as u64 > max {
        return Err(ReadFail::TooLarge);
    }
    Ok(bytes)
}

/// Read a file the operator named (an archive): a regular file of at most `max` bytes.
fn read_regular(path: &Path, max: u64) -> anyhow::Result<Vec<u8>> {
    match read_file(path, max, true) {
        Ok(bytes) => Ok(bytes),
        Err(ReadFail::NotRegular(kind)) => bail!("it is a {kind}, not a regular file"),
        Err(ReadFail::TooLarge) => bail!("it is larger than this tool reads ({max} bytes)"),
        Err(ReadFail::Io(e)) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_table_describes_every_entry_once() {
        let mut seen = std::collections::BTreeSet::new();
        for (path, about) in LAYOUT {
            assert!(seen.insert(*path), "{path} twice");
            assert!(!about.trim().is_empty(), "{path} has no description");
            if !path.ends_with('/') {
                assert!(in_layout(path), "{path}");
            }
        }
        assert!(LAYOUT.iter().any(|(p, _)| *p == DOCUMENTS));
        // The page links copies under the folder the package writes them to.
        assert_eq!(
            DOCUMENTS,
            format!("{}/", crate::render::html::DOCUMENTS_DIR)
        );
    }

    #[test]
    fn in_layout_allows_the_table_and_safe_paths_below_its_folders() {
        for ok in [
            "report.json",
            "MANIFEST.sha256.sig",
            "documents/SECURITY.md",
        ] {
            assert!(in_layout(ok), "{ok}");
        }
        for bad in [
            "documents/",
            "documents/../x",
            "documents//x",
            "notes.txt",
            "report.json/x",
            "Documents/x",
        ] {
            assert!(!in_layout(bad), "{bad}");
        }
    }

    #[test]
    fn listing_keeps_what_the_package_holds_in_table_order() {
        let listed = listing([
            "report.md",
            "documents/sdl/roles.toml",
            "index.html",
            "MANIFEST.sha256",
            "stray.txt",
        ]);
        let paths: Vec<&str> = listed.iter().map(|(p, _)| *p).collect();
        assert_eq!(
            paths,
            ["index.html", "report.md", DOCUMENTS, manifest::MANIFEST]
        );
        assert!(listing(["index.html"]).iter().all(|(p, _)| *p != DOCUMENTS));
    }
}
