//! The incremental cache in `target/sdl-cache/` (or `$CARGO_TARGET_DIR/sdl-cache/`): only an
//! optimisation. A run with the cache gives the same bytes as a run without it (`--no-cache`).
//!
//! # What is kept, and under which key
//!
//! Each entry fills one *slot* (a file named after what it holds: the git history's commit
//! records, the Cargo.lock history, the `cargo metadata` result, the advisory facts), so the
//! folder stays small: a new key replaces the slot's entry. The key is a SHA-256 of everything
//! the entry depends on (commit, blob and file contents, the advisory database's commit, date
//! and files, the toolchain's version, the tool's version and [`FORMAT`]); an entry whose
//! stored key differs from the key asked for is not used.
//!
//! # Why an entry is trusted (the threat: a repository that ships its own cache)
//!
//! The cache lies inside the repository under assessment, and that repository is untrusted: it
//! could commit a `target/sdl-cache/` (or ship one in an archive) whose entries claim, for the
//! very keys this run computes, signed commits, reviewed merges or a lockfile without
//! vulnerabilities. A checksum would not stop that (the forger computes it too), so every entry
//! carries an HMAC-SHA256 under a secret that never lies in a repository: 32 random bytes in
//! `$CARGO_HOME/sdl-cache.key` (created on first use, mode 0600). An entry whose tag does not
//! verify (planted, foreign, truncated, corrupt, written by another version) is ignored and
//! rebuilt. Without a usable secret there is no cache. Entries are read only from the cache
//! folder, never through a symbolic link, and only regular files within a size cap.
//!
//! Writes go to a temporary file that is renamed into place, so a reader sees a whole entry or
//! none; a failed write is a warning, never an error. `cargo sdl report` never packages
//! `target/`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use sha2::Digest;

/// The layout of entries; bump it whenever any payload's encoding changes.
pub(crate) const FORMAT: u32 = 1;

const MAGIC: &[u8; 16] = b"cargo-sdl-cache\n";
const TAG_LEN: usize = 32;

/// The cache of one run.
#[derive(Debug)]
pub(crate) struct Cache {
    dir: PathBuf,
    secret: [u8; 32],
    quiet: bool,
    warned: AtomicBool,
}

/// A content key under construction: a SHA-256 over length-prefixed fields, starting with the
/// slot, the tool's version and [`FORMAT`].
pub(crate) struct Key(sha2::Sha256);

impl Key {
    pub(crate) fn new(slot: &str) -> Key {
        Key(sha2::Sha256::new())
            .bytes(MAGIC)
            .bytes(&FORMAT.to_le_bytes())
            .str(env!("CARGO_PKG_VERSION"))
            .str(slot)
    }

    pub(crate) fn bytes(mut self, b: &[u8]) -> Key {
        self.0.update((b.len() as u64).to_le_bytes());
        self.0.update(b);
        self
    }

    pub(crate) fn str(self, s: &str) -> Key {
        self.bytes(s.as_bytes())
    }

    pub(crate) fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

/// HMAC-SHA256 (RFC 2104).
fn hmac(secret: &[u8; 32], message: &[&[u8]]) -> [u8; 32] {
    let mut ipad = [0x36u8; 64];
    let mut opad = [0x5cu8; 64];
    for (i, b) in secret.iter().enumerate() {
        ipad[i] ^= b;
        opad[i] ^= b;
    }
    let mut inner = sha2::Sha256::new();
    inner.update(ipad);
    for m in message {
        inner.update(m);
    }
    let mut outer = sha2::Sha256::new();
    outer.update(opad);
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// Constant-time comparison of two tags.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Where the cache lives: `$CARGO_TARGET_DIR/sdl-cache` when the operator sets it (relative to
/// the current directory, as cargo reads it), else `target/sdl-cache` below the workspace root.
pub(crate) fn location(workspace_root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir).join("sdl-cache"),
        None => workspace_root.join("target").join("sdl-cache"),
    }
}

impl Cache {
    /// The cache for a workspace, or `None` (with a note for `-v`) when there can be none: no
    /// secret can be read or made, or the folder is reached through a symbolic link.
    pub(crate) fn open(workspace_root: &Path, quiet: bool) -> Result<Cache, String> {
        let dir = location(workspace_root);
        // A `target` or `sdl-cache` that is a symbolic link could send reads and writes
        // anywhere; the operator's CARGO_TARGET_DIR itself may be one.
        let mut check = vec![dir.clone()];
        match std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
            None => check.push(workspace_root.join("target")),
            // A relative CARGO_TARGET_DIR (`build/ci`) is found from the current folder, often
            // the repository, which may hold `build` as a link: each of its folders is checked.
            Some(d) if Path::new(&d).is_relative() => {
                let mut prefix = PathBuf::new();
                for c in Path::new(&d).components() {
                    prefix.push(c);
                    if matches!(c, std::path::Component::Normal(_)) {
                        check.push(prefix.clone());
                    }
                }
            }
            Some(_) => {}
        }
        for p in &check {
            if let Ok(meta) = p.symlink_metadata()
                && !meta.is_dir()
            {
                return Err(format!(
                    "{} is not a folder (a symbolic link or a file); no cache",
                    crate::repo_fs::relative(workspace_root, p)
                ));
            }
        }
        let secret = secret(workspace_root)?;
        Ok(Cache {
            dir,
            secret,
            quiet,
            warned: AtomicBool::new(false),
        })
    }

    fn path(&self, slot: &str) -> PathBuf {
        self.dir.join(format!("{slot}.bin"))
    }

    /// The payload stored in `slot` for `key`, when there is one whose tag verifies.
    pub(crate) fn get(&self, slot: &str, key: &[u8; 32]) -> Option<Vec<u8>> {
        let path = self.path(slot);
        let meta = path.symlink_metadata().ok()?;
        if !meta.is_file() || meta.len() > crate::repo_fs::Limit::Cache.bytes() {
            return None;
        }
        // Opened without blocking and checked again once open (a FIFO put in its place).
        let bytes = crate::repo_fs::read_operator_file(&path, crate::repo_fs::Limit::Cache).ok()?;
        self.open_entry(slot, key, bytes)
    }

    /// Check an entry's header and tag; its payload when both hold.
    fn open_entry(&self, slot: &str, key: &[u8; 32], mut bytes: Vec<u8>) -> Option<Vec<u8>> {
        let header = header(slot, key);
        if bytes.len() < header.len() + 8 + TAG_LEN || !bytes.starts_with(&header) {
            return None;
        }
        let body_end = bytes.len() - TAG_LEN;
        let (body, tag) = bytes.split_at(body_end);
        if !same(&hmac(&self.secret, &[body]), tag) {
            return None;
        }
        let len_at = header.len();
        let len = u64::from_le_bytes(body[len_at..len_at + 8].try_into().ok()?);
        if len != (body.len() - len_at - 8) as u64 {
            return None;
        }
        bytes.truncate(body_end);
        bytes.drain(..len_at + 8);
        Some(bytes)
    }

    /// Store `payload` in `slot` under `key`, atomically; a failure is a warning.
    pub(crate) fn put(&self, slot: &str, key: &[u8; 32], payload: &[u8]) {
        let mut bytes = header(slot, key);
        bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        bytes.extend_from_slice(payload);
        let tag = hmac(&self.secret, &[&bytes]);
        bytes.extend_from_slice(&tag);
        if let Err(e) = self.write(slot, &bytes) {
            self.warn(&format!(
                "the cache entry {slot} was not written ({e}); the next run does the work again"
            ));
        }
    }

    fn write(&self, slot: &str, bytes: &[u8]) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let meta = self.dir.symlink_metadata()?;
        if !meta.is_dir() {
            return Err(std::io::Error::other("the cache folder is not a folder"));
        }
        let tmp = self.dir.join(format!(
            ".{slot}.{}.{}.tmp",
            std::process::id(),
            unique_counter()
        ));
        let result = (|| {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)?;
            f.write_all(bytes)?;
            f.flush()?;
            drop(f);
            std::fs::rename(&tmp, self.path(slot))
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    /// [`Cache::put`] of what `payload` makes, on a thread of its own, so that a large entry
    /// is encoded and written while the run goes on; [`finish_writes`] waits for it. One after
    /// another with `CARGO_SDL_SEQUENTIAL=1`.
    pub(crate) fn put_later(
        self: &std::sync::Arc<Self>,
        slot: &'static str,
        key: [u8; 32],
        payload: impl FnOnce() -> Vec<u8> + Send + 'static,
    ) {
        if crate::collect::sequential() {
            self.put(slot, &key, &payload());
            return;
        }
        let cache = self.clone();
        let handle = std::thread::spawn(move || cache.put(slot, &key, &payload()));
        PENDING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(handle);
    }

    /// Record a warning for the command's stderr (the library never prints): once per run.
    fn warn(&self, what: &str) {
        if !self.quiet && !self.warned.swap(true, Ordering::Relaxed) {
            WARNINGS
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(format!("warning: {}\n", crate::sanitize::terminal(what)));
        }
    }

    /// [`Cache::get`] of a JSON payload.
    pub(crate) fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        slot: &str,
        key: &[u8; 32],
    ) -> Option<T> {
        serde_json::from_slice(&self.get(slot, key)?).ok()
    }

    /// [`Cache::put`] of a JSON payload, stored only when it reads back as the same value (so a
    /// value JSON cannot carry exactly is never cached, and a hit is always the value itself).
    pub(crate) fn put_json<T>(&self, slot: &str, key: &[u8; 32], value: &T)
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq,
    {
        let Ok(bytes) = serde_json::to_vec(value) else {
            return;
        };
        if serde_json::from_slice::<T>(&bytes).ok().as_ref() == Some(value) {
            self.put(slot, key, &bytes);
        }
    }
}

/// Entries being written by [`Cache::put_later`].
static PENDING: std::sync::Mutex<Vec<std::thread::JoinHandle<()>>> =
    std::sync::Mutex::new(Vec::new());

/// Wait for every entry [`Cache::put_later`] is writing (a report is returned only once its
/// run's cache is complete, so that the next run finds it).
pub(crate) fn finish_writes() {
    let pending = std::mem::take(&mut *PENDING.lock().unwrap_or_else(|e| e.into_inner()));
    for handle in pending {
        // A write that panicked wrote nothing usable: the next run does the work again.
        let _ = handle.join();
    }
}

/// Warnings of the cache, waiting for the command to put them on its stderr.
static WARNINGS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// The cache's warnings since the last call, as lines for stderr.
pub(crate) fn take_warnings() -> String {
    std::mem::take(&mut *WARNINGS.lock().unwrap_or_else(|e| e.into_inner())).concat()
}

fn unique_counter() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Magic, format, tool version, slot and key: what an entry must start with.
fn header(slot: &str, key: &[u8; 32]) -> Vec<u8> {
    let mut h = Vec::with_capacity(96);
    h.extend_from_slice(MAGIC);
    h.extend_from_slice(&FORMAT.to_le_bytes());
    for field in [env!("CARGO_PKG_VERSION").as_bytes(), slot.as_bytes()] {
        h.extend_from_slice(&(field.len() as u32).to_le_bytes());
        h.extend_from_slice(field);
    }
    h.extend_from_slice(key);
    h
}

/// The operator's secret: `$CARGO_HOME/sdl-cache.key` (else `~/.cargo/sdl-cache.key`), made
/// with 32 random bytes when missing. None when that folder lies inside the repository under
/// assessment (a CI job may set `CARGO_HOME` to a folder of its checkout): the repository
/// could ship the key, and with it forge entries.
fn secret(workspace_root: &Path) -> Result<[u8; 32], String> {
    let home = std::env::var_os("CARGO_HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .ok_or("no CARGO_HOME or HOME for the cache's key; no cache")?;
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let real_home = canonical(&home);
    let repository = crate::repo_fs::repository_top(workspace_root)
        .unwrap_or_else(|| workspace_root.to_path_buf());
    if [workspace_root, repository.as_path()]
        .iter()
        .any(|r| real_home.starts_with(canonical(r)))
    {
        return Err(
            "CARGO_HOME lies inside the repository, which could supply the cache's \
                    key; no cache"
                .into(),
        );
    }
    let path = home.join("sdl-cache.key");
    let read = |path: &Path| -> Option<[u8; 32]> {
        let meta = path.symlink_metadata().ok()?;
        if !meta.is_file() || meta.len() != 32 {
            return None;
        }
        std::fs::read(path).ok()?.try_into().ok()
    };
    if let Some(s) = read(&path) {
        return Ok(s);
    }
    let fresh = random_bytes().ok_or("no random source for the cache's key; no cache")?;
    let made = (|| -> std::io::Result<()> {
        std::fs::create_dir_all(&home)?;
        let tmp = home.join(format!(".sdl-cache.key.{}.tmp", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(&tmp)?;
        f.write_all(&fresh)?;
        drop(f);
        // Another run may have made one meanwhile: keep whichever is in place.
        if std::fs::hard_link(&tmp, &path).is_err() && read(&path).is_none() {
            std::fs::rename(&tmp, &path)?;
        }
        let _ = std::fs::remove_file(&tmp);
        Ok(())
    })();
    match (made, read(&path)) {
        (_, Some(s)) => Ok(s),
        (Err(e), None) => Err(format!("the cache's key cannot be written ({e}); no cache")),
        (Ok(()), None) => Err("the cache's key cannot be read back; no cache".into()),
    }
}

/// 32 bytes from the operating system's random source.
fn random_bytes() -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    #[cfg(unix)]
    {
        if std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut out))
            .is_ok()
        {
            return Some(out);
        }
    }
    // Elsewhere: the standard library's hasher keys come from the OS's random source.
    use std::hash::{BuildHasher, Hasher};
    for (i, chunk) in out.chunks_mut(8).enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_usize(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    Some(out)
}

/// A compact binary writer for the larger payloads (the git history's records).
#[derive(Default)]
pub(crate) struct Enc(pub(crate) Vec<u8>);

impl Enc {
    pub(crate) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub(crate) fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn bytes(&mut self, v: &[u8]) {
        self.u32(v.len() as u32);
        self.0.extend_from_slice(v);
    }
    pub(crate) fn id(&mut self, id: &gix::ObjectId) {
        self.bytes(id.as_bytes());
    }
}

/// The reader of [`Enc`]: every read is bounds-checked, `None` at the first inconsistency.
pub(crate) struct Dec<'a>(pub(crate) &'a [u8]);

impl<'a> Dec<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    pub(crate) fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    pub(crate) fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    pub(crate) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    pub(crate) fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    pub(crate) fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    pub(crate) fn id(&mut self) -> Option<gix::ObjectId> {
        gix::ObjectId::try_from(self.bytes()?).ok()
    }
    pub(crate) fn done(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(dir: &Path) -> Cache {
        Cache {
            dir: dir.to_path_buf(),
            secret: [7; 32],
            quiet: true,
            warned: AtomicBool::new(false),
        }
    }

    #[test]
    fn hmac_matches_rfc_4231_case_1() {
        // RFC 4231 test case 1 uses a 20-byte key; padded with zeros to 32 bytes it is the
        // same HMAC (keys shorter than the block are zero-padded).
        let mut key = [0u8; 32];
        key[..20].copy_from_slice(&[0x0b; 20]);
        assert_eq!(
            crate::digest::hex(&hmac(&key, &[b"Hi ", b"There"])),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
    }

    #[test]
    fn entries_read_back_only_under_their_key_slot_and_secret() {
        let dir = tempfile::tempdir().unwrap();
        let c = cache(dir.path());
        let key = Key::new("s").str("a").finish();
        let other = Key::new("s").str("b").finish();
        assert_ne!(key, other);
        c.put("s", &key, b"payload");
        assert_eq!(c.get("s", &key).as_deref(), Some(&b"payload"[..]));
        assert_eq!(c.get("s", &other), None, "another key");
        let stranger = Cache {
            secret: [8; 32],
            ..cache(dir.path())
        };
        assert_eq!(stranger.get("s", &key), None, "another secret");
        // Truncated, flipped, extended, garbage: never trusted.
        let path = c.path("s");
        let good = std::fs::read(&path).unwrap();
        for bad in [
            good[..good.len() - 1].to_vec(),
            good[..10].to_vec(),
            {
                let mut b = good.clone();
                let i = b.len() - TAG_LEN - 2;
                b[i] ^= 1;
                b
            },
            [good.clone(), b"x".to_vec()].concat(),
            b"garbage".to_vec(),
            Vec::new(),
        ] {
            std::fs::write(&path, &bad).unwrap();
            assert_eq!(c.get("s", &key), None);
        }
        // A folder where the entry should be is no entry either.
        std::fs::remove_file(&path).unwrap();
        std::fs::create_dir(&path).unwrap();
        assert_eq!(c.get("s", &key), None);
    }

    #[test]
    fn the_decoder_stops_at_the_first_inconsistency() {
        let mut e = Enc::default();
        e.u32(7);
        e.bytes(b"abc");
        let mut d = Dec(&e.0);
        assert_eq!(d.u32(), Some(7));
        assert_eq!(d.bytes(), Some(&b"abc"[..]));
        assert!(d.done());
        assert_eq!(d.u8(), None);
        let mut d = Dec(&[255, 255, 255, 255, 1]);
        assert_eq!(d.bytes(), None);
    }
}
