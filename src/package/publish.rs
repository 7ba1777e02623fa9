//! Where the package may be written, and how it replaces what is there. The rule (DESIGN §6):
//! nothing outside the package is ever deleted; only a previous cargo-sdl package is replaced.
//!
//! - `--out DIR` is never the workspace or repository root, never a folder that contains
//!   either, never inside a `.git` folder or the repository's git directory, never a symbolic
//!   link. An existing DIR is used when it is empty, and replaced (with `--force`) only when
//!   it is a previous package: its `MANIFEST.sha256` parses, lists `report.json`, and lists
//!   every regular file in DIR but the signature; it holds nothing but files and folders.
//! - `--archive FILE` never lies inside DIR (the package would contain itself); an existing
//!   FILE is replaced (with `--force`) only when it is a regular file holding a previous
//!   package archive — never a device, a FIFO, a folder or a link.
//! - The package is written into a hidden sibling `.DIR.partial-PID` and checked; then the
//!   archive is written (a sibling `.FILE.partial-PID`, renamed into place); only then is DIR
//!   swapped in (the previous package moved to `.DIR.old-PID` and removed). A failure at any
//!   step leaves the previous DIR as it was.
//! - Siblings of those names left by a process that no longer runs (a kill) are removed on the
//!   next run, but only when they hold nothing but files of the package layout.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, anyhow, bail};

use super::manifest::{MANIFEST, SIGNATURE};
use super::{Entry, ReadFail};
use crate::sanitize::terminal;
use crate::workspace::Workspace;

/// The largest `MANIFEST.sha256` read to recognise a previous package.
const MAX_MANIFEST: u64 = 16 * 1024 * 1024;

/// A checked place to publish a package: `--out DIR` and, optionally, `--archive FILE`.
#[derive(Debug)]
pub struct Destination {
    dir: Target,
    archive: Option<Target>,
    force: bool,
    protected: Protected,
}

/// A path to write, resolved.
#[derive(Debug)]
struct Target {
    /// The option and the path as the user gave them, for messages.
    shown: String,
    /// The real folder it lies in (links resolved); it may not exist yet.
    parent: PathBuf,
    /// Its name in that folder.
    name: OsString,
}

impl Target {
    fn path(&self) -> PathBuf {
        self.parent.join(&self.name)
    }

    /// A hidden sibling: `.NAME.KIND-PID`.
    fn sibling(&self, kind: &str) -> PathBuf {
        let mut name = OsString::from(".");
        name.push(&self.name);
        name.push(format!(".{kind}-{}", std::process::id()));
        self.parent.join(name)
    }

    /// Resolve `path` as given to `flag`. An existing path must not be a symbolic link; a new
    /// one is resolved through its nearest existing folder.
    fn locate(path: &Path, flag: &str) -> anyhow::Result<Target> {
        let shown = format!("{flag} {}", terminal(&path.display().to_string()));
        let abs = std::path::absolute(path).with_context(|| format!("{shown}: cannot resolve"))?;
        let real = match abs.symlink_metadata() {
            Ok(m) if m.file_type().is_symlink() => {
                bail!("{shown} is a symbolic link; name the real path instead")
            }
            Ok(_) => abs
                .canonicalize()
                .with_context(|| format!("{shown}: cannot resolve"))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let Some(Component::Normal(name)) = abs.components().next_back() else {
                    bail!("{shown} does not exist and does not end in a name to create");
                };
                let parent = abs
                    .parent()
                    .ok_or_else(|| anyhow!("{shown} has no parent folder"))?;
                real_folder(parent)
                    .with_context(|| format!("{shown}: cannot resolve"))?
                    .join(name)
            }
            Err(e) => return Err(e).with_context(|| format!("{shown}: cannot read")),
        };
        match (real.parent(), real.file_name()) {
            (Some(parent), Some(name)) => Ok(Target {
                shown,
                parent: parent.to_path_buf(),
                name: name.to_os_string(),
            }),
            _ => bail!("{shown} is the root folder"),
        }
    }
}

/// The real path of a folder that may not exist yet: its nearest existing ancestor resolved,
/// then the missing names.
fn real_folder(path: &Path) -> anyhow::Result<PathBuf> {
    let mut missing: Vec<&OsStr> = Vec::new();
    let mut current = path;
    loop {
        match current.canonicalize() {
            Ok(mut real) => {
                for name in missing.iter().rev() {
                    real.push(name);
                }
                return Ok(real);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                match current.components().next_back() {
                    Some(Component::Normal(name)) => missing.push(name),
                    Some(Component::CurDir) => {}
                    _ => bail!("`..` below a folder that does not exist"),
                }
                current = current
                    .parent()
                    .ok_or_else(|| anyhow!("no existing folder above it"))?;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// The paths a package folder may never be, contain or lie inside.
#[derive(Debug)]
struct Protected {
    workspace: PathBuf,
    repository: PathBuf,
    /// Git directories outside the `.git` folder: a worktree's or a separate one.
    git_dirs: Vec<PathBuf>,
}

impl Protected {
    fn of(ws: &Workspace) -> Self {
        let real = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        let repository = real(&ws.repo_root);
        let mut git_dirs = Vec::new();
        if let Some(dir) = gitdir_file(&repository.join(".git")) {
            if let Some(common) = gitdir_file(&dir.join("commondir")) {
                git_dirs.push(common);
            }
            git_dirs.push(dir);
        }
        Protected {
            workspace: real(&ws.root),
            repository,
            git_dirs,
        }
    }

    /// Refuse a package folder at `dir` that would put the workspace or the repository at risk.
    fn check_folder(&self, dir: &Path, shown: &str) -> anyhow::Result<()> {
        let hint = "write the package into a folder of its own, such as target/sdl-evidence";
        let roots = [
            ("the workspace root", &self.workspace),
            ("the repository's root", &self.repository),
        ];
        for (what, root) in roots {
            if dir == root {
                bail!("{shown} is {what}; {hint}");
            }
        }
        for (what, root) in roots {
            if root.starts_with(dir) {
                bail!(
                    "{shown} contains {what} ({}); {hint}",
                    terminal(&root.display().to_string())
                );
            }
        }
        self.check_git(dir, shown)?;
        for git in &self.git_dirs {
            if git.starts_with(dir) {
                bail!(
                    "{shown} contains the repository's git directory ({}); {hint}",
                    terminal(&git.display().to_string())
                );
            }
        }
        Ok(())
    }

    /// Refuse anything written inside a git directory.
    fn check_git(&self, path: &Path, shown: &str) -> anyhow::Result<()> {
        let in_git = path.components().any(|c| c.as_os_str() == ".git")
            || self.git_dirs.iter().any(|g| path.starts_with(g));
        if in_git {
            bail!("{shown} lies inside a git directory; cargo-sdl never writes there");
        }
        Ok(())
    }
}

/// The folder a `gitdir: PATH` file (or a `commondir` file) names, resolved against the
/// folder that holds it.
fn gitdir_file(path: &Path) -> Option<PathBuf> {
    let meta = path.symlink_metadata().ok()?;
    if !meta.is_file() || meta.len() > 4096 {
        return None;
    }
    let text = String::from_utf8(super::read_file(path, 4096, false).ok()?).ok()?;
    let line = text.lines().next()?.trim();
    let target = line.strip_prefix("gitdir:").unwrap_or(line).trim();
    if target.is_empty() {
        return None;
    }
    path.parent()?.join(target).canonicalize().ok()
}

impl Destination {
    /// Check where the package and its archive go, before any evidence is collected (and again
    /// when they are written).
    pub fn check(
        out: &Path,
        archive: Option<&Path>,
        force: bool,
        ws: &Workspace,
    ) -> anyhow::Result<Self> {
        let dest = Destination {
            dir: Target::locate(out, "--out")?,
            archive: archive
                .map(|a| Target::locate(a, "--archive"))
                .transpose()?,
            force,
            protected: Protected::of(ws),
        };
        dest.validate()?;
        Ok(dest)
    }

    /// The name of the package folder (the archive's top folder).
    pub fn name(&self) -> String {
        self.dir.name.to_string_lossy().into_owned()
    }

    fn validate(&self) -> anyhow::Result<()> {
        self.validate_dir()?;
        self.validate_archive()
    }

    fn validate_dir(&self) -> anyhow::Result<()> {
        let dir = self.dir.path();
        let shown = &self.dir.shown;
        self.protected.check_folder(&dir, shown)?;
        match dir.symlink_metadata() {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("{shown}: cannot read")),
            Ok(m) if m.file_type().is_symlink() => {
                bail!("{shown} is a symbolic link; name the real path instead")
            }
            Ok(m) if !m.is_dir() => bail!(
                "{shown} exists and is a {}, not a folder",
                kind_of(m.file_type())
            ),
            Ok(_) => {
                let empty = std::fs::read_dir(&dir)
                    .with_context(|| format!("{shown}: cannot read"))?
                    .next()
                    .is_none();
                if !empty {
                    match previous_package(&dir) {
                        Err(why) => bail!(
                            "{shown} is not a package written by cargo-sdl ({why}); it is never \
                             replaced, not even with --force: choose another --out, or empty \
                             the folder yourself"
                        ),
                        Ok(()) if !self.force => {
                            bail!("{shown} holds a previous package; pass --force to replace it")
                        }
                        Ok(()) => {}
                    }
                }
            }
        }
        Ok(())
    }

    fn validate_archive(&self) -> anyhow::Result<()> {
        let dir = self.dir.path();
        let shown = &self.dir.shown;
        if let Some(archive) = &self.archive {
            let path = archive.path();
            let a = &archive.shown;
            if path.starts_with(&dir) {
                bail!(
                    "{a} lies inside {shown}: the package would contain its own archive and fail \
                     its own verify; write the archive beside the folder"
                );
            }
            self.protected.check_git(&path, a)?;
            match path.symlink_metadata() {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).with_context(|| format!("{a}: cannot read")),
                Ok(m) if !m.file_type().is_file() => bail!(
                    "{a} exists and is a {}; only a previous package archive, a regular file, is \
                     ever replaced",
                    kind_of(m.file_type())
                ),
                Ok(_) => {
                    previous_archive(&path).map_err(|why| {
                        anyhow!(
                            "{a} is not a package archive written by cargo-sdl ({why}); it is \
                             never replaced, not even with --force: choose another --archive, \
                             or remove the file yourself"
                        )
                    })?;
                    if !self.force {
                        bail!("{a} holds a previous package archive; pass --force to replace it");
                    }
                }
            }
        }
        Ok(())
    }

    /// Write the package: into a hidden sibling folder, checked; then the archive, if any;
    /// then the folder swapped in for DIR. `mtime` is the archive members' time.
    pub fn publish(&self, files: &BTreeMap<String, Vec<u8>>, mtime: u64) -> anyhow::Result<()> {
        if let Some(bad) = files.keys().find(|p| !super::in_layout(p)) {
            bail!(
                "package path `{}` is not in the package layout",
                terminal(bad)
            );
        }
        // The folders may have changed while the evidence was collected.
        self.validate()?;
        let parent = &self.dir.parent;
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", terminal(&parent.display().to_string())))?;
        clean_stale_folders(&self.dir);
        let staging = Staging::create(self.dir.sibling("partial"))?;
        let mut written = Vec::with_capacity(files.len());
        for (path, bytes) in files {
            let target = staging.path.join(path);
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir).with_context(|| {
                    format!("creating {}", terminal(&dir.display().to_string()))
                })?;
            }
            write_unsynced(&target, bytes)?;
            written.push(target);
        }
        // Every file reaches the disk before the package is verified and renamed into place;
        // flushed side by side, so that the file system commits them together instead of one
        // journal commit per file (a package holds hundreds of cited documents).
        sync_files(&written)?;
        // The package on disk must verify before it is published.
        let written = super::read_dir(&staging.path)?;
        let mut diffs = written.problems;
        diffs.extend(super::manifest::differences(&written.files));
        if !diffs.is_empty() {
            bail!(
                "the written package does not verify: {}",
                terminal(&diffs.join(", "))
            );
        }
        if let Some(archive) = &self.archive {
            self.write_archive(archive, files, mtime)?;
        }
        self.validate_dir()?;
        self.swap_in(staging)
    }

    /// Write the archive, checked to read back as the package, via a sibling and a rename.
    fn write_archive(
        &self,
        archive: &Target,
        files: &BTreeMap<String, Vec<u8>>,
        mtime: u64,
    ) -> anyhow::Result<()> {
        let bytes = super::archive::to_tar_gz(files, &self.name(), mtime)?;
        let back = super::archive::read_tar_gz_bytes(&bytes)?;
        if !back.problems.is_empty() || back.files != *files {
            bail!(
                "the archive does not read back as the package ({})",
                terminal(&back.problems.join(", "))
            );
        }
        std::fs::create_dir_all(&archive.parent).with_context(|| {
            format!(
                "creating {}",
                terminal(&archive.parent.display().to_string())
            )
        })?;
        clean_stale_archives(archive);
        let tmp = archive.sibling("partial");
        let written = write_new(&tmp, &bytes).and_then(|()| {
            let target = archive.path();
            // Checked again at the last moment: a rename replaces whatever is there.
            if let Ok(m) = target.symlink_metadata()
                && !m.file_type().is_file()
            {
                bail!(
                    "{} is now a {}; it is not replaced",
                    archive.shown,
                    kind_of(m.file_type())
                );
            }
            std::fs::rename(&tmp, &target)
                .with_context(|| format!("renaming the archive into {}", archive.shown))
        });
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }

    /// Put the checked staging folder in DIR's place; the previous package goes only then.
    fn swap_in(&self, staging: Staging) -> anyhow::Result<()> {
        let dir = self.dir.path();
        let shown = &self.dir.shown;
        let empty = match std::fs::read_dir(&dir) {
            Ok(mut entries) => entries.next().is_none(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => return Err(e).with_context(|| format!("{shown}: cannot read")),
        };
        if empty {
            // rename(2) replaces an empty folder.
            std::fs::rename(&staging.path, &dir)
                .with_context(|| format!("renaming the package into {shown}"))?;
        } else {
            let old = self.dir.sibling("old");
            std::fs::rename(&dir, &old)
                .with_context(|| format!("moving the previous package in {shown} aside"))?;
            if let Err(e) = std::fs::rename(&staging.path, &dir) {
                // Put the previous package back rather than leave nothing.
                let _ = std::fs::rename(&old, &dir);
                return Err(e).with_context(|| format!("renaming the package into {shown}"));
            }
            // A previous package, checked just before; if this fails, the next run removes it.
            let _ = std::fs::remove_dir_all(&old);
        }
        staging.keep();
        Ok(())
    }
}

/// The kind of a non-regular file, in words.
fn kind_of(ty: std::fs::FileType) -> &'static str {
    if ty.is_file() {
        "regular file"
    } else {
        crate::repo_fs::kind_of(ty)
    }
}

/// Create `path` (which must not exist) with `bytes`, not yet flushed: see [`sync_files`].
fn write_unsynced(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let shown = || terminal(&path.display().to_string());
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("creating {}", shown()))?;
    file.write_all(bytes)
        .with_context(|| format!("writing {}", shown()))
}

/// Flush each of `paths` (files this run created) to disk, a few at a time side by side.
fn sync_files(paths: &[PathBuf]) -> anyhow::Result<()> {
    const LINES: usize = 8;
    let chunk = paths.len().div_ceil(LINES).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || -> anyhow::Result<()> {
                    for p in part {
                        std::fs::OpenOptions::new()
                            .write(true)
                            .open(p)
                            .and_then(|f| f.sync_all())
                            .with_context(|| {
                                format!("writing {}", terminal(&p.display().to_string()))
                            })?;
                    }
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
    })
}

/// Create `path` (which must not exist) with `bytes`, flushed to disk.
fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let shown = || terminal(&path.display().to_string());
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("creating {}", shown()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", shown()))
}

/// Why the folder `dir` is not a package written by cargo-sdl, if it is not. Its manifest is
/// read first, so that a folder without one (a home or system folder) is refused at once,
/// without walking it.
fn previous_package(dir: &Path) -> Result<(), String> {
    let manifest = match super::read_file(&dir.join(MANIFEST), MAX_MANIFEST, false) {
        Ok(bytes) => bytes,
        Err(ReadFail::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("it has no {MANIFEST}"));
        }
        Err(ReadFail::TooLarge) => return Err(format!("its {MANIFEST} is too large")),
        Err(ReadFail::NotRegular(kind)) => return Err(format!("its {MANIFEST} is a {kind}")),
        Err(ReadFail::Io(e)) => return Err(format!("its {MANIFEST} cannot be read: {e}")),
    };
    recognise(std::iter::empty(), &manifest)?;
    let tree = super::tree(dir).map_err(|e| format!("{e:#}"))?;
    for (rel, entry) in &tree {
        match entry {
            Entry::Other(kind) => return Err(format!("it holds {}, a {kind}", terminal(rel))),
            Entry::BadName => {
                return Err(format!(
                    "it holds {}, a name that is not UTF-8",
                    terminal(rel)
                ));
            }
            Entry::File(_) | Entry::Folder => {}
        }
    }
    let files = tree
        .iter()
        .filter(|(_, e)| matches!(e, Entry::File(_)))
        .map(|(rel, _)| rel.as_str());
    recognise(files, &manifest)
}

/// Why the archive at `path` is not a package archive written by cargo-sdl, if it is not.
fn previous_archive(path: &Path) -> Result<(), String> {
    let contents = super::archive::inspect(path).map_err(|e| format!("{e:#}"))?;
    if let Some(problem) = contents.problems.first() {
        return Err(problem.clone());
    }
    let manifest = contents
        .files
        .get(MANIFEST)
        .ok_or_else(|| format!("it has no {MANIFEST}"))?;
    recognise(contents.files.keys().map(String::as_str), manifest)
}

/// A package's files are recognised by its manifest: it parses, lists `report.json`, and lists
/// every file but itself and the signature. (Their digests may differ: an edited package is
/// still the tool's to replace.)
fn recognise<'a>(files: impl Iterator<Item = &'a str>, manifest: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(manifest).map_err(|_| format!("its {MANIFEST} is not text"))?;
    let entries =
        super::manifest::parse(text).map_err(|e| format!("its manifest does not parse: {e}"))?;
    if !entries.contains_key("report.json") {
        return Err(format!("its {MANIFEST} does not list report.json"));
    }
    for file in files {
        if file != MANIFEST && file != SIGNATURE && !entries.contains_key(file) {
            return Err(format!(
                "{} is not listed in its {MANIFEST}",
                terminal(file)
            ));
        }
    }
    Ok(())
}

/// A staging folder, removed on drop unless kept.
struct Staging {
    path: PathBuf,
    keep: bool,
}

impl Staging {
    /// Create the folder; one already there (not removed as stale) is an error, never reused.
    fn create(path: PathBuf) -> anyhow::Result<Self> {
        std::fs::create_dir(&path).with_context(|| {
            format!(
                "creating the staging folder {} (remove it if no cargo-sdl is running)",
                terminal(&path.display().to_string())
            )
        })?;
        Ok(Staging { path, keep: false })
    }

    fn keep(mut self) {
        self.keep = true;
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// The process id in a sibling's name `.NAME.KIND-PID`, for one of `kinds`.
fn stale_pid(file: &OsStr, name: &OsStr, kinds: &[&str]) -> Option<u32> {
    let rest = file
        .to_str()?
        .strip_prefix('.')?
        .strip_prefix(name.to_str()?)?
        .strip_prefix('.')?;
    kinds.iter().find_map(|kind| {
        let pid = rest.strip_prefix(kind)?.strip_prefix('-')?;
        if pid.is_empty() || pid.starts_with('0') || !pid.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        pid.parse().ok()
    })
}

/// Whether the process `pid` may still be running. Without `/proc` this cannot be told, and
/// every process counts as running. Our own id is a previous process's that no longer runs.
fn running(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// Remove `.DIR.partial-PID` and `.DIR.old-PID` folders of processes that no longer run, when
/// they hold nothing but files of the package layout.
fn clean_stale_folders(dir: &Target) {
    let Ok(entries) = std::fs::read_dir(&dir.parent) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = stale_pid(&entry.file_name(), &dir.name, &["partial", "old"]) else {
            continue;
        };
        if running(pid) {
            continue;
        }
        let path = entry.path();
        if looks_like_staging(&path) {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// A folder (not a link) that holds only folders and files of the package layout.
fn looks_like_staging(path: &Path) -> bool {
    if !path.symlink_metadata().is_ok_and(|m| m.is_dir()) {
        return false;
    }
    super::tree(path).is_ok_and(|tree| {
        tree.iter().all(|(rel, e)| match e {
            Entry::Folder => true,
            Entry::File(_) => super::in_layout(rel),
            Entry::Other(_) | Entry::BadName => false,
        })
    })
}

/// Remove `.FILE.partial-PID` files of processes that no longer run, when they are regular
/// files that are empty or begin as a gzip stream.
fn clean_stale_archives(archive: &Target) {
    let Ok(entries) = std::fs::read_dir(&archive.parent) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = stale_pid(&entry.file_name(), &archive.name, &["partial"]) else {
            continue;
        };
        if running(pid) {
            continue;
        }
        let path = entry.path();
        let ours = match super::read_file(&path, 2, false) {
            Ok(head) => head.is_empty() || head == [0x1f, 0x8b],
            // Longer than two bytes: look at the first two only.
            Err(ReadFail::TooLarge) => starts_gzip(&path),
            Err(_) => false,
        };
        if ours {
            let _ = std::fs::remove_file(&path);
        }
    }
}

fn starts_gzip(path: &Path) -> bool {
    use std::io::Read;
    let Ok(meta) = path.symlink_metadata() else {
        return false;
    };
    if !meta.is_file() {
        return false;
    }
    let mut head = [0u8; 2];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && head == [0x1f, 0x8b]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_names_are_matched_exactly() {
        let name = OsStr::new("pkg");
        let pid = |f: &str| stale_pid(OsStr::new(f), name, &["partial", "old"]);
        assert_eq!(pid(".pkg.partial-123"), Some(123));
        assert_eq!(pid(".pkg.old-9"), Some(9));
        for other in [
            "pkg.partial-1",
            ".pkg.partial-",
            ".pkg.partial-01",
            ".pkg.partial-1x",
            ".pkg.partial-1/",
            ".pkgx.partial-1",
            ".pkg.new-1",
            ".pkg.partial-99999999999",
        ] {
            assert_eq!(pid(other), None, "{other}");
        }
    }

    #[test]
    fn manifests_recognise_a_package() {
        let manifest = format!(
            "{}  report.json\n{}  documents/a.md\n",
            "0".repeat(64),
            "1".repeat(64)
        );
        let ok = ["report.json", "documents/a.md", MANIFEST, SIGNATURE];
        assert!(recognise(ok.into_iter(), manifest.as_bytes()).is_ok());
        let extra = ["report.json", "notes.txt", MANIFEST];
        let e = recognise(extra.into_iter(), manifest.as_bytes()).unwrap_err();
        assert_eq!(e, "notes.txt is not listed in its MANIFEST.sha256");
        let no_report = format!("{}  a\n", "0".repeat(64));
        assert!(recognise(["a"].into_iter(), no_report.as_bytes()).is_err());
        assert!(recognise(["report.json"].into_iter(), b"garbage").is_err());
    }
}
