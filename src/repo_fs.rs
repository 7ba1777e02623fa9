//! The one checked reader (and writer) of repository paths. The repository under assessment is
//! untrusted input: every file cargo-sdl reads from it or writes into it goes through here, so
//! that a single place guarantees that
//!
//! - the path is relative and has no `..` (it cannot name a place outside the root);
//! - no symbolic link along the way leads outside the root (the real path is checked);
//! - the file is a regular file: a FIFO, socket or device is refused before it is opened (and
//!   opened non-blocking, so that a file swapped for a FIFO in between cannot hang the run);
//! - it is no larger than the cap for its kind ([`Limit`]), checked on the bytes actually read;
//! - its name carries no control characters, which would otherwise reach terminals and reports.
//!
//! A leaf module: it knows nothing of facts, configuration or reports.

use std::fmt;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// What a file is read as; each kind has its own size cap, named in the error when exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// `sdl.toml`, `.cargo/config.toml`, allowed-signers files.
    Config,
    /// Attestations, `sdl/roles.toml`, `sdl/training.toml`.
    Record,
    /// `Cargo.toml` manifests.
    Manifest,
    /// `Cargo.lock` (parsing costs about 50 times its size in memory).
    Lockfile,
    /// CycloneDX SBOM files kept in the repository (parsing costs about 50 times their size).
    Sbom,
    /// Documents and CI files that are analysed as text.
    Document,
    /// A cited file copied byte for byte into the evidence package.
    Copy,
    /// An entry of the incremental cache (the commit records of a 1,000,000-commit history are
    /// about 100 MB).
    Cache,
}

impl Limit {
    /// The cap in bytes.
    pub const fn bytes(self) -> u64 {
        const MIB: u64 = 1024 * 1024;
        match self {
            Limit::Config | Limit::Record | Limit::Document => MIB,
            Limit::Manifest => 4 * MIB,
            Limit::Lockfile => 8 * MIB,
            Limit::Sbom => 16 * MIB,
            Limit::Copy => 256 * MIB,
            Limit::Cache => 1024 * MIB,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Limit::Config => "a configuration file",
            Limit::Record => "an SDL record",
            Limit::Manifest => "a Cargo.toml",
            Limit::Lockfile => "a Cargo.lock",
            Limit::Sbom => "an SBOM",
            Limit::Document => "an analysed document",
            Limit::Copy => "a file copied into the package",
            Limit::Cache => "a cache entry",
        }
    }
}

/// Why a repository path was not read (or written). Its `Display` is the reason alone, so that
/// callers can put the path where their message needs it; [`ReadError::path`] names it.
#[derive(Debug)]
pub struct ReadError {
    path: String,
    problem: Problem,
}

/// The kinds of refusal; tests and callers match on them.
#[derive(Debug)]
pub enum Problem {
    /// Absolute, or climbs out with `..`.
    NotInside,
    /// Resolves through a symbolic link to a place outside the root.
    Escapes,
    /// Does not exist (a dangling symlink inside the root included).
    Missing,
    /// A directory, FIFO, socket or device.
    NotRegular(&'static str),
    /// Larger than the cap for its kind.
    TooLarge { limit: Limit, len: u64 },
    /// The name carries control characters.
    ControlCharacters,
    /// Any other I/O failure.
    Io(std::io::Error),
}

impl ReadError {
    fn new(path: &str, problem: Problem) -> Self {
        ReadError {
            path: path.to_string(),
            problem,
        }
    }

    /// The repository-relative path as the caller gave it (control characters escaped).
    pub fn path(&self) -> String {
        crate::sanitize::terminal(&self.path)
    }

    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// True when the file does not exist, which many callers treat as "absent", not an error.
    pub(crate) fn is_missing(&self) -> bool {
        matches!(self.problem, Problem::Missing)
    }

    /// "path: reason", for messages that have no better place for the path.
    pub(crate) fn with_path(&self) -> String {
        format!("{}: {self}", self.path())
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            Problem::NotInside => f.write_str(
                "is not a path inside the repository (absolute, or climbs out with `..`)",
            ),
            Problem::Escapes => f.write_str(
                "is a symbolic link (or lies under one) that leads outside the repository; refused",
            ),
            Problem::Missing => f.write_str("does not exist"),
            Problem::NotRegular(kind) => write!(f, "is a {kind}, not a regular file; refused"),
            Problem::TooLarge { limit, len } => write!(
                f,
                "is larger than cargo-sdl reads for {} ({} bytes; the cap is {})",
                limit.what(),
                len,
                limit.bytes()
            ),
            Problem::ControlCharacters => {
                f.write_str("has control characters in its name; refused")
            }
            Problem::Io(e) => write!(f, "cannot be read: {e}"),
        }
    }
}

impl std::error::Error for ReadError {}

/// The kind of a file that is not a regular file, in words ("FIFO (named pipe)", "socket").
pub(crate) fn kind_of(ty: std::fs::FileType) -> &'static str {
    if ty.is_dir() {
        return "directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ty.is_fifo() {
            return "FIFO (named pipe)";
        }
        if ty.is_socket() {
            return "socket";
        }
        if ty.is_block_device() || ty.is_char_device() {
            return "device";
        }
    }
    if ty.is_symlink() {
        return "symbolic link";
    }
    "special file"
}

/// True when `rel` is a relative path without `..`, root or prefix components.
pub(crate) fn is_relative_inside(rel: &str) -> bool {
    let p = Path::new(rel);
    !rel.is_empty()
        && !p.has_root()
        && p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// The real path of `rel` below `root`, checked: inside the root after resolving every
/// symlink, and a regular file.
pub(crate) fn resolve_file(root: &Path, rel: &str) -> Result<PathBuf, ReadError> {
    let real = resolve(root, rel)?;
    let meta = std::fs::metadata(&real).map_err(|e| io(rel, e))?;
    if !meta.is_file() {
        return Err(ReadError::new(
            rel,
            Problem::NotRegular(kind_of(meta.file_type())),
        ));
    }
    Ok(real)
}

/// The names of the files in folder `dir` below `root` that end in `.{ext}`, sorted: the
/// folder resolved like every read (inside the root after resolving every symlink). A
/// missing folder, or a path that is not a folder, has none.
pub(crate) fn list(root: &Path, dir: &str, ext: &str) -> Result<Vec<String>, ReadError> {
    let real = match resolve(root, dir) {
        Ok(real) if real.is_dir() => real,
        Ok(_) => return Ok(Vec::new()),
        Err(e) if e.is_missing() => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let suffix = format!(".{ext}");
    let mut names: Vec<String> = std::fs::read_dir(&real)
        .map_err(|e| io(dir, e))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(&suffix))
        .collect();
    names.sort();
    Ok(names)
}

/// The names of the files and folders below `top` (not their contents; links are named with
/// their targets, never followed), without `.git` and the `target` folders of `top` and of the workspace at `root`, sorted: what cargo's target
/// discovery and member globs see. `None` beyond a bound (then the result is not cached) or
/// when a folder cannot be listed.
pub(crate) fn tree_names(top: &Path, root: &Path) -> Option<String> {
    const MAX_NAMES: usize = 200_000;
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for entry in std::fs::read_dir(top.join(&rel)).ok()? {
            let entry = entry.ok()?;
            let name = entry.file_name();
            let build_dir =
                name == "target" && (rel.as_os_str().is_empty() || top.join(&rel) == root);
            if name == ".git" || build_dir {
                continue;
            }
            let path = rel.join(&name);
            let kind = entry.file_type().ok()?;
            let line = if kind.is_symlink() {
                let to = std::fs::read_link(entry.path()).ok()?;
                format!("l {path:?} {to:?}")
            } else if kind.is_dir() {
                stack.push(path.clone());
                format!("d {path:?}")
            } else {
                format!("f {path:?}")
            };
            // Quoted and length-prefixed: a name may hold a newline.
            out.push(format!("{}:{line}", line.len()));
            if out.len() > MAX_NAMES {
                return None;
            }
        }
    }
    out.sort();
    Some(out.join("\n"))
}

/// The real path of `rel` below `root` (file or directory), inside the root after resolving
/// every symlink.
pub(crate) fn resolve(root: &Path, rel: &str) -> Result<PathBuf, ReadError> {
    if rel.chars().any(char::is_control) {
        return Err(ReadError::new(rel, Problem::ControlCharacters));
    }
    if !is_relative_inside(rel) {
        return Err(ReadError::new(rel, Problem::NotInside));
    }
    let real_root = root.canonicalize().map_err(|e| io(rel, e))?;
    let full = root.join(rel);
    let real = match full.canonicalize() {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A dangling symlink is refused for where it points, not reported as absent.
            return Err(match full.symlink_metadata() {
                Ok(m) if m.file_type().is_symlink() => ReadError::new(rel, Problem::Escapes),
                _ => ReadError::new(rel, Problem::Missing),
            });
        }
        Err(e) => return Err(io(rel, e)),
    };
    if !real.starts_with(&real_root) {
        return Err(ReadError::new(rel, Problem::Escapes));
    }
    Ok(real)
}

fn io(rel: &str, e: std::io::Error) -> ReadError {
    if e.kind() == std::io::ErrorKind::NotFound {
        ReadError::new(rel, Problem::Missing)
    } else {
        ReadError::new(rel, Problem::Io(e))
    }
}

/// Open a regular file without blocking on a FIFO that replaced it after the check.
fn open_regular(real: &Path, rel: &str) -> Result<std::fs::File, ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(real).map_err(|e| io(rel, e))?;
    let meta = file.metadata().map_err(|e| io(rel, e))?;
    if !meta.is_file() {
        return Err(ReadError::new(
            rel,
            Problem::NotRegular(kind_of(meta.file_type())),
        ));
    }
    Ok(file)
}

/// Read at most `limit` bytes of an open file; more is an error, whatever the metadata said.
fn read_capped(mut file: std::fs::File, rel: &str, limit: Limit) -> Result<Vec<u8>, ReadError> {
    let max = limit.bytes();
    if let Ok(meta) = file.metadata()
        && meta.len() > max
    {
        return Err(ReadError::new(
            rel,
            Problem::TooLarge {
                limit,
                len: meta.len(),
            },
        ));
    }
    let mut bytes = Vec::new();
    (&mut file)
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io(rel, e))?;
    if bytes.len() as u64 > max {
        return Err(ReadError::new(
            rel,
            Problem::TooLarge {
                limit,
                len: bytes.len() as u64,
            },
        ));
    }
    Ok(bytes)
}

/// Read `rel` below `root`, checked (see the module documentation).
pub fn read(root: &Path, rel: &str, limit: Limit) -> Result<Vec<u8>, ReadError> {
    let real = resolve_file(root, rel)?;
    read_capped(open_regular(&real, rel)?, rel, limit)
}

/// Like [`read`], `None` when the file does not exist.
pub(crate) fn read_optional(
    root: &Path,
    rel: &str,
    limit: Limit,
) -> Result<Option<Vec<u8>>, ReadError> {
    match read(root, rel, limit) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.is_missing() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Open `rel` below `root` for streaming (hashing a large document), checked like [`read`]
/// but without a size cap; returns the file and its length.
pub fn open(root: &Path, rel: &str) -> Result<(std::fs::File, u64), ReadError> {
    let real = resolve_file(root, rel)?;
    let file = open_regular(&real, rel)?;
    let len = file.metadata().map(|m| m.len()).map_err(|e| io(rel, e))?;
    Ok((file, len))
}

/// Stream the SHA-256 of `rel` below `root`, checked like [`read`] but with no size cap
/// (documents may be large PDFs); returns the hex digest and the length.
pub fn sha256(root: &Path, rel: &str) -> Result<(String, u64), ReadError> {
    use sha2::Digest;
    let (mut file, _) = open(root, rel)?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut len = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| io(rel, e))?;
        if n == 0 {
            break;
        }
        len += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((crate::digest::hex(&hasher.finalize()), len))
}

/// Read a file the operator named on the command line (`--config`, `--allowed-signers`): it
/// may lie anywhere, but it must be a regular file within the cap, so that a FIFO or a device
/// cannot hang or exhaust the run.
pub(crate) fn read_operator_file(path: &Path, limit: Limit) -> Result<Vec<u8>, ReadError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| io(&shown, e))?;
    if !meta.is_file() {
        return Err(ReadError::new(
            &shown,
            Problem::NotRegular(kind_of(meta.file_type())),
        ));
    }
    read_capped(open_regular(path, &shown)?, &shown, limit)
}

/// Repository-relative path with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The nearest folder at or above `dir` that holds `.git` (a directory, or a file for
/// worktrees and submodules), when that repository is `dir`'s: `dir` is its top, or the
/// repository tracks `dir`'s Cargo.toml. A workspace left untracked inside someone else's
/// repository (a vendor's tarball unpacked into the assessor's own checkout) is not that
/// repository's: its CI, policy and history are not the workspace's evidence, so it is
/// treated as not being in git at all.
pub(crate) fn repository_top(dir: &Path) -> Option<PathBuf> {
    let top = dir
        .ancestors()
        .find(|d| d.join(".git").symlink_metadata().is_ok())?;
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let (real_top, real_dir) = (canonical(top), canonical(dir));
    if real_top == real_dir {
        return Some(top.to_path_buf());
    }
    // A folder without a manifest of its own is judged by git's rule alone.
    if !real_dir.join("Cargo.toml").is_file() {
        return Some(top.to_path_buf());
    }
    let rel = relative(&real_top, &real_dir);
    tracks(&real_top, &format!("{rel}/Cargo.toml")).then(|| top.to_path_buf())
}

/// Whether the repository at `top` tracks `path` (in its index), cached per question: the
/// evidence names many files through [`repository_path`].
fn tracks(top: &Path, path: &str) -> bool {
    use std::collections::BTreeMap;
    use std::sync::{Mutex, OnceLock};
    static ASKED: OnceLock<Mutex<BTreeMap<(PathBuf, String), bool>>> = OnceLock::new();
    let key = (top.to_path_buf(), path.to_string());
    let cache = ASKED.get_or_init(|| Mutex::new(BTreeMap::new()));
    if let Some(known) = cache.lock().ok().and_then(|c| c.get(&key).copied()) {
        return known;
    }
    // Opened with none of the repository's own configuration, like every other reader.
    let tracked = gix::open_opts(top, gix::open::Options::isolated())
        .ok()
        .and_then(|repo| repo.index_or_empty().ok())
        .is_some_and(|index| index.entry_by_path(path.into()).is_some());
    if let Ok(mut c) = cache.lock() {
        c.insert(key, tracked);
    }
    tracked
}

/// The repository's top holding `root` (else `root` itself) and the workspace's folder in it:
/// empty, or a `/`-separated path ending in `/`. Every path in the evidence is relative to
/// that top.
pub(crate) fn top_and_prefix(root: &Path) -> (PathBuf, String) {
    let real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let Some(top) = repository_top(&real) else {
        return (root.to_path_buf(), String::new());
    };
    let prefix = real
        .strip_prefix(&top)
        .map(|rel| relative(Path::new(""), rel))
        .unwrap_or_default();
    if prefix.is_empty() {
        (top, prefix)
    } else {
        (top, format!("{prefix}/"))
    }
}

/// The workspace's folder in its repository (see [`top_and_prefix`]).
pub(crate) fn prefix_in_repository(root: &Path) -> String {
    top_and_prefix(root).1
}

/// The repository path of `rel`, a path relative to the workspace's folder `root`: what the
/// evidence names a file by.
pub(crate) fn repository_path(root: &Path, rel: &str) -> String {
    format!(
        "{}{}",
        prefix_in_repository(root),
        rel.trim_start_matches("./")
    )
}

/// Prepare to create the new file `rel` below `root`: every folder on the way is created if
/// missing, and none of them (nor the file's own name) may be a symbolic link that leads
/// outside the repository. Returns the path to create with `create_new`, which then refuses
/// an existing file or a symlink planted at the last moment.
pub(crate) fn prepare_new_file(root: &Path, rel: &str) -> Result<PathBuf, ReadError> {
    if rel.chars().any(char::is_control) {
        return Err(ReadError::new(rel, Problem::ControlCharacters));
    }
    if !is_relative_inside(rel) {
        return Err(ReadError::new(rel, Problem::NotInside));
    }
    let real_root = root.canonicalize().map_err(|e| io(rel, e))?;
    let parts: Vec<&std::ffi::OsStr> = Path::new(rel)
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s),
            _ => None,
        })
        .collect();
    let Some((name, dirs)) = parts.split_last() else {
        return Err(ReadError::new(rel, Problem::NotInside));
    };
    let mut dir = real_root.clone();
    for part in dirs {
        let next = dir.join(part);
        match next.symlink_metadata() {
            Ok(m) if m.file_type().is_symlink() => {
                let real = next
                    .canonicalize()
                    .map_err(|_| ReadError::new(rel, Problem::Escapes))?;
                if !real.starts_with(&real_root) {
                    return Err(ReadError::new(rel, Problem::Escapes));
                }
                if !real.is_dir() {
                    return Err(ReadError::new(rel, Problem::NotRegular("file on the way")));
                }
                dir = real;
            }
            Ok(m) if m.is_dir() => dir = next,
            Ok(m) => {
                return Err(ReadError::new(
                    rel,
                    Problem::NotRegular(kind_of(m.file_type())),
                ));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir(&next).map_err(|e| io(rel, e))?;
                dir = next;
            }
            Err(e) => return Err(io(rel, e)),
        }
    }
    let target = dir.join(name);
    if target
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
    {
        return Err(ReadError::new(rel, Problem::Escapes));
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_inside_and_refuses_everything_else() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.txt"), "hello").unwrap();
        std::fs::write(outside.path().join("secret"), "root:x:0:0").unwrap();
        assert_eq!(read(root, "a.txt", Limit::Config).unwrap(), b"hello");
        assert_eq!(read(root, "./a.txt", Limit::Config).unwrap(), b"hello");
        assert!(matches!(
            read(root, "../a.txt", Limit::Config).unwrap_err().problem(),
            Problem::NotInside
        ));
        assert!(matches!(
            read(root, "/etc/passwd", Limit::Config)
                .unwrap_err()
                .problem(),
            Problem::NotInside
        ));
        assert!(
            read(root, "missing", Limit::Config)
                .unwrap_err()
                .is_missing()
        );
        assert!(
            read_optional(root, "missing", Limit::Config)
                .unwrap()
                .is_none()
        );
        assert!(matches!(
            read(root, "a\u{1b}[2J", Limit::Config)
                .unwrap_err()
                .problem(),
            Problem::ControlCharacters
        ));
        std::fs::create_dir(root.join("d")).unwrap();
        let e = read(root, "d", Limit::Config).unwrap_err();
        assert!(
            matches!(e.problem(), Problem::NotRegular("directory")),
            "{e}"
        );
        std::fs::write(root.join("big"), vec![b'x'; 2 * 1024 * 1024]).unwrap();
        let e = read(root, "big", Limit::Config).unwrap_err();
        assert!(e.to_string().contains("the cap is 1048576"), "{e}");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outside.path().join("secret"), root.join("link")).unwrap();
            std::os::unix::fs::symlink(outside.path(), root.join("out")).unwrap();
            std::os::unix::fs::symlink(root.join("a.txt"), root.join("in")).unwrap();
            std::os::unix::fs::symlink(root.join("gone"), root.join("dangling")).unwrap();
            assert!(matches!(
                read(root, "link", Limit::Config).unwrap_err().problem(),
                Problem::Escapes
            ));
            assert!(matches!(
                read(root, "out/secret", Limit::Config)
                    .unwrap_err()
                    .problem(),
                Problem::Escapes
            ));
            assert!(matches!(
                read(root, "dangling", Limit::Config).unwrap_err().problem(),
                Problem::Escapes
            ));
            assert_eq!(read(root, "in", Limit::Config).unwrap(), b"hello");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        let e = read(dir.path(), "pipe", Limit::Config).unwrap_err();
        assert!(
            matches!(e.problem(), Problem::NotRegular(k) if k.contains("FIFO")),
            "{e}"
        );
        let e = read_operator_file(&fifo, Limit::Config).unwrap_err();
        assert!(e.to_string().contains("FIFO"), "{e}");
        // Opening it directly, as a swap after the check would, does not block either.
        let e = open_regular(&fifo, "pipe").unwrap_err();
        assert!(e.to_string().contains("FIFO"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_never_written_through_a_link_that_leaves() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::os::unix::fs::symlink(outside.path(), root.join("sdl")).unwrap();
        let e = prepare_new_file(root, "sdl/attestations/x.toml").unwrap_err();
        assert!(matches!(e.problem(), Problem::Escapes), "{e}");
        assert!(!outside.path().join("attestations").exists());
        std::os::unix::fs::symlink(outside.path().join("f"), root.join("file")).unwrap();
        assert!(prepare_new_file(root, "file").is_err());
        std::fs::create_dir(root.join("real")).unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("alias")).unwrap();
        let p = prepare_new_file(root, "alias/new/x.toml").unwrap();
        assert!(p.starts_with(root.canonicalize().unwrap().join("real/new")));
        assert!(prepare_new_file(root, "../x").is_err());
    }
}
