//! The package as a reproducible `.tar.gz`: entries sorted, fixed mtime, owner and mode, and a
//! gzip header without a timestamp or file name, so that the same package gives the same bytes.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use anyhow::Context;

use super::Contents;

/// Write `files` under the top directory `prefix` as gzip-compressed tar bytes.
pub fn to_tar_gz(
    files: &BTreeMap<String, Vec<u8>>,
    prefix: &str,
    mtime: u64,
) -> anyhow::Result<Vec<u8>> {
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::best());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    let mut dirs: Vec<String> = Vec::new();
    for path in files.keys() {
        let mut acc = String::new();
        for seg in path
            .split('/')
            .collect::<Vec<_>>()
            .iter()
            .rev()
            .skip(1)
            .rev()
        {
            if !acc.is_empty() {
                acc.push('/');
            }
            acc.push_str(seg);
            if !dirs.contains(&acc) {
                dirs.push(acc.clone());
            }
        }
    }
    dirs.sort();
    let mut top = tar::Header::new_gnu();
    top.set_entry_type(tar::EntryType::Directory);
    top.set_mode(0o755);
    top.set_mtime(mtime);
    top.set_uid(0);
    top.set_gid(0);
    top.set_size(0);
    tar.append_data(&mut top, format!("{prefix}/"), std::io::empty())?;
    for d in &dirs {
        let mut h = top.clone();
        tar.append_data(&mut h, format!("{prefix}/{d}/"), std::io::empty())?;
    }
    for (path, bytes) in files {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mode(0o644);
        h.set_mtime(mtime);
        h.set_uid(0);
        h.set_gid(0);
        h.set_size(bytes.len() as u64);
        tar.append_data(&mut h, format!("{prefix}/{path}"), bytes.as_slice())?;
    }
    let gz = tar.into_inner()?;
    Ok(gz.finish()?)
}

/// A member's data may come with this much more of tar framing (headers, padding, end blocks)
/// before the stream is refused as a bomb of zeros.
const MAX_FRAMING: u64 = 64 * 1024 * 1024;
/// The largest GNU long name or PAX extended header read.
const MAX_HEADER_DATA: u64 = 64 * 1024;
/// The most members an archive may have.
const MAX_MEMBERS: usize = 100_000;
const BLOCK: usize = 512;

/// Read a package archive into path → bytes, the top folder stripped. An archive that is not a
/// plain package (see [`read_tar_gz_bytes`]) is an error naming the first problem.
pub fn read_tar_gz(path: &Path) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let contents = inspect(path)?;
    if let Some(problem) = contents.problems.first() {
        anyhow::bail!("{}: {problem}", shown(path));
    }
    Ok(contents.files)
}

/// A path for messages: the operator's, but it may carry a hostile file name.
fn shown(path: &Path) -> String {
    crate::sanitize::terminal(&path.display().to_string())
}

/// Read a package archive from disk; see [`read_tar_gz_bytes`]. The file is read whole (it is
/// at most [`MAX_TOTAL`](super::MAX_TOTAL) bytes), so that every later error is about its
/// contents, not about reading it.
pub(crate) fn inspect(path: &Path) -> anyhow::Result<Contents> {
    let bytes = super::read_regular(path, super::MAX_TOTAL)
        .with_context(|| format!("reading the archive {}", shown(path)))?;
    read_tar_gz_bytes(&bytes).with_context(|| shown(path))
}

/// Read a package archive as `tar xzf` would unpack it, and refuse what a package never holds.
/// `Err` when it cannot be read at all (not gzip, or past the size bounds); otherwise every way
/// in which it differs from a plain package is a problem naming the member:
///
/// - one gzip member and nothing after it (gzip unpacks a second member too);
/// - one tar end-of-archive marker, then only zero padding (`tar -i` reads on past it);
/// - every member a regular file or a folder (no links, devices, FIFOs, sparse files, no
///   setuid/setgid/sticky bits), under one top folder;
/// - names as tar uses them (GNU long names, PAX `path`, the ustar prefix), relative, without
///   `..`, each path once (also after normalising `./` and `//`), no file with members under it.
pub fn read_tar_gz_bytes(bytes: &[u8]) -> anyhow::Result<Contents> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        anyhow::bail!("not a tar.gz archive (it does not begin with a gzip header)");
    }
    let mut gz = flate2::bufread::GzDecoder::new(bytes);
    let mut contents = Contents::default();
    let (walked, at_end) = {
        let mut stream = Stream {
            inner: &mut gz,
            read: 0,
            limit: super::MAX_TOTAL + MAX_FRAMING,
            at_end: false,
        };
        let walked = walk(&mut stream, &mut contents);
        (walked, stream.at_end)
    };
    if let Err(Halt::Problem(p)) = &walked {
        contents.problems.push(p.clone());
    }
    if let Err(Halt::Limit(m)) = walked {
        anyhow::bail!(m);
    }
    // Once the first gzip member is read to its end, nothing may follow it.
    let after = gz.get_ref().len();
    if at_end && after > 0 {
        contents.problems.push(format!(
            "{after} bytes follow the gzip member (a second gzip member or appended data, \
             which gzip and tar would unpack too)"
        ));
    }
    Ok(contents)
}

/// Why reading stopped: a problem with the archive (a verification difference), or a bound.
enum Halt {
    Problem(String),
    Limit(String),
}

fn problem(text: impl Into<String>) -> Halt {
    Halt::Problem(text.into())
}

/// The decompressed tar stream, counted against a bound.
struct Stream<R> {
    inner: R,
    read: u64,
    limit: u64,
    /// The gzip member has been read to its end (its checksum included).
    at_end: bool,
}

impl<R: Read> Stream<R> {
    /// Read up to `buf.len()` bytes; fewer only at the end of the stream.
    fn fill(&mut self, buf: &mut [u8]) -> Result<usize, Halt> {
        let mut n = 0;
        while n < buf.len() {
            match self.inner.read(&mut buf[n..]) {
                Ok(0) => {
                    self.at_end = true;
                    break;
                }
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(problem(format!(
                        "the gzip stream is corrupt or cut short ({e})"
                    )));
                }
            }
        }
        self.read += n as u64;
        if self.read > self.limit {
            return Err(Halt::Limit(format!(
                "the archive unpacks to more than {} bytes, more than this tool reads",
                self.limit
            )));
        }
        Ok(n)
    }

    /// The next header block; `None` at the end of the stream.
    fn block(&mut self) -> Result<Option<[u8; BLOCK]>, Halt> {
        let mut b = [0u8; BLOCK];
        match self.fill(&mut b)? {
            0 => Ok(None),
            BLOCK => Ok(Some(b)),
            _ => Err(problem("the tar stream ends inside a 512-byte block")),
        }
    }

    /// `len` bytes of a member's data, and the padding to the next block.
    fn data(&mut self, len: u64, shown: &str) -> Result<Vec<u8>, Halt> {
        let padded = len.div_ceil(BLOCK as u64) * BLOCK as u64;
        // Grown as the bytes arrive, so that a header that merely claims a large size costs
        // no memory.
        let mut buf = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        while (buf.len() as u64) < padded {
            let want = (padded - buf.len() as u64).min(chunk.len() as u64) as usize;
            let n = self.fill(&mut chunk[..want])?;
            buf.extend_from_slice(&chunk[..n]);
            if n < want {
                return Err(problem(format!("the archive ends inside `{shown}`")));
            }
        }
        buf.truncate(len as usize);
        Ok(buf)
    }

    /// Read to the end of the stream; every byte must be zero. Returns how many there were.
    fn rest_is_zero(&mut self) -> Result<u64, Halt> {
        let mut buf = vec![0u8; 64 * 1024];
        let mut count = 0u64;
        loop {
            let n = self.fill(&mut buf)?;
            if buf[..n].iter().any(|&b| b != 0) {
                return Err(problem(
                    "data follows the tar end-of-archive blocks (`tar -i` would unpack it)",
                ));
            }
            count += n as u64;
            if n < buf.len() {
                return Ok(count);
            }
        }
    }
}

/// A PAX extended header's keys that matter here.
#[derive(Default)]
struct Pax {
    path: Option<Vec<u8>>,
    size: Option<u64>,
}

fn walk<R: Read>(s: &mut Stream<R>, out: &mut Contents) -> Result<(), Halt> {
    let mut long_name: Option<Vec<u8>> = None;
    let mut pax: Option<Pax> = None;
    let mut top: Option<String> = None;
    // Every member's normalised path (top folder included) → whether it is a folder.
    let mut seen: BTreeMap<String, bool> = BTreeMap::new();
    let mut total = 0u64;
    let mut headers = 0usize;
    loop {
        let Some(h) = s.block()? else {
            return Err(problem(
                "the tar stream ends without its end-of-archive blocks (cut short?)",
            ));
        };
        if h.iter().all(|&b| b == 0) {
            if long_name.is_some() || pax.is_some() {
                return Err(problem(
                    "a GNU long-name or PAX header is not followed by a member",
                ));
            }
            if s.rest_is_zero()? < BLOCK as u64 {
                return Err(problem(
                    "the tar archive ends with one zero block, not the two of its end-of-archive marker",
                ));
            }
            if seen.is_empty() && out.problems.is_empty() {
                return Err(problem("the archive holds no members"));
            }
            return Ok(());
        }
        headers += 1;
        if headers > MAX_MEMBERS {
            return Err(Halt::Limit(format!(
                "the archive has more than {MAX_MEMBERS} members, more than this tool reads"
            )));
        }
        check_header(&h, headers)?;
        let typeflag = h[156];
        let size = number(&h[124..136]).ok_or_else(|| {
            problem(format!(
                "tar header {headers}: its size field is not a number"
            ))
        })?;
        match typeflag {
            b'L' => {
                if long_name.is_some() {
                    return Err(problem(format!(
                        "tar header {headers}: two GNU long names for one member"
                    )));
                }
                if size > MAX_HEADER_DATA {
                    return Err(problem(format!(
                        "tar header {headers}: a GNU long name of {size} bytes"
                    )));
                }
                let data = s.data(size, "a GNU long name")?;
                let name = data.split(|&b| b == 0).next().unwrap_or_default();
                long_name = Some(name.to_vec());
                continue;
            }
            b'x' => {
                if pax.is_some() {
                    return Err(problem(format!(
                        "tar header {headers}: two PAX headers for one member"
                    )));
                }
                if size > MAX_HEADER_DATA {
                    return Err(problem(format!(
                        "tar header {headers}: a PAX header of {size} bytes"
                    )));
                }
                let data = s.data(size, "a PAX header")?;
                pax = Some(
                    parse_pax(&data).map_err(|e| problem(format!("tar header {headers}: {e}")))?,
                );
                continue;
            }
            _ => {}
        }
        // The name tar uses: a PAX path, else a GNU long name, else the header's own.
        let pax_path = pax.as_mut().and_then(|p| p.path.take());
        let raw = match (pax_path, long_name.take()) {
            (Some(_), Some(_)) => {
                return Err(problem(format!(
                    "tar header {headers}: both a GNU long name and a PAX path name the member"
                )));
            }
            (Some(p), None) | (None, Some(p)) => p,
            (None, None) => header_name(&h),
        };
        let size = pax.take().and_then(|p| p.size).unwrap_or(size);
        let shown = crate::sanitize::terminal(&String::from_utf8_lossy(&raw));
        let is_dir = match typeflag {
            b'0' | b'\0' => false,
            b'5' => true,
            other => {
                return Err(problem(format!(
                    "`{shown}` is a {}; a package holds only regular files and folders",
                    type_name(other)
                )));
            }
        };
        let mode = number(&h[100..108])
            .ok_or_else(|| problem(format!("`{shown}`: its mode field is not a number")))?;
        if is_dir && size != 0 {
            return Err(problem(format!(
                "`{shown}` is a folder with {size} bytes of data"
            )));
        }
        if size > super::MAX_FILE || total.saturating_add(size) > super::MAX_TOTAL {
            return Err(Halt::Limit(format!(
                "`{shown}` would unpack past the limit ({} bytes a file, {} in all)",
                super::MAX_FILE,
                super::MAX_TOTAL
            )));
        }
        total += size;
        let data = s.data(size, &shown)?;
        if mode & 0o7000 != 0 {
            out.problems.push(format!(
                "`{shown}` has the setuid, setgid or sticky bit (mode {mode:o})"
            ));
            continue;
        }
        let segments = match member_path(&raw, is_dir) {
            Ok(segments) => segments,
            Err(why) => {
                out.problems.push(format!("`{shown}` {why}"));
                continue;
            }
        };
        if segments.len() == 1 && !is_dir {
            out.problems.push(format!(
                "`{shown}` is a file beside the top folder, not inside it"
            ));
            continue;
        }
        match &top {
            None => top = Some(segments[0].clone()),
            Some(t) if *t != segments[0] => {
                out.problems.push(format!(
                    "`{shown}` lies outside the top folder `{}` (a second top folder)",
                    crate::sanitize::terminal(t)
                ));
                continue;
            }
            Some(_) => {}
        }
        let full = segments.join("/");
        if let Some(&was_dir) = seen.get(&full) {
            out.problems.push(if was_dir == is_dir {
                format!("`{shown}` appears twice in the archive (tar would unpack the last)")
            } else {
                format!("`{shown}` is both a file and a folder in the archive")
            });
            continue;
        }
        if let Some(file) = (1..segments.len())
            .map(|i| segments[..i].join("/"))
            .find(|a| seen.get(a) == Some(&false))
        {
            out.problems.push(format!(
                "`{shown}` lies under `{}`, which is a file in the archive",
                crate::sanitize::terminal(&file)
            ));
            continue;
        }
        let below = format!("{full}/");
        if !is_dir
            && seen
                .range(below.clone()..)
                .next()
                .is_some_and(|(k, _)| k.starts_with(&below))
        {
            out.problems.push(format!(
                "`{shown}` is a file, but the archive has members under it"
            ));
            continue;
        }
        seen.insert(full, is_dir);
        if !is_dir {
            out.files.insert(segments[1..].join("/"), data);
        }
    }
}

/// Checksum and magic of a header block.
fn check_header(h: &[u8; BLOCK], index: usize) -> Result<(), Halt> {
    let ustar = &h[257..263] == b"ustar\0" && &h[263..265] == b"00";
    let gnu = &h[257..265] == b"ustar  \0";
    if !ustar && !gnu {
        return Err(problem(format!(
            "tar header {index} is neither a POSIX (ustar) nor a GNU tar header"
        )));
    }
    let stored = number(&h[148..156]).ok_or_else(|| {
        problem(format!(
            "tar header {index}: its checksum field is not a number"
        ))
    })?;
    let (mut unsigned, mut signed) = (0u64, 0i64);
    for (i, &b) in h.iter().enumerate() {
        let b = if (148..156).contains(&i) { b' ' } else { b };
        unsigned += u64::from(b);
        signed += i64::from(b as i8);
    }
    if stored != unsigned && i64::try_from(stored).ok() != Some(signed) {
        return Err(problem(format!(
            "tar header {index}: its checksum does not match (the header was changed)"
        )));
    }
    Ok(())
}

/// The name in the header itself: `prefix/name` in POSIX ustar headers, `name` otherwise.
fn header_name(h: &[u8; BLOCK]) -> Vec<u8> {
    let until_nul =
        |f: &[u8]| -> Vec<u8> { f.split(|&b| b == 0).next().unwrap_or_default().to_vec() };
    let name = until_nul(&h[0..100]);
    if &h[257..263] == b"ustar\0" {
        let prefix = until_nul(&h[345..500]);
        if !prefix.is_empty() {
            return [prefix, b"/".to_vec(), name].concat();
        }
    }
    name
}

/// A numeric header field as tar reads it: octal digits after optional spaces, ended by NUL or
/// space; or GNU's base-256 (first byte 0x80) for large values. `None` for anything else.
fn number(field: &[u8]) -> Option<u64> {
    if field.first().is_some_and(|&b| b & 0x80 != 0) {
        if field[0] != 0x80 {
            return None;
        }
        return field[1..]
            .iter()
            .try_fold(0u64, |v, &b| v.checked_mul(256)?.checked_add(u64::from(b)));
    }
    let start = field.iter().take_while(|&&b| b == b' ').count();
    let digits = field[start..]
        .iter()
        .take_while(|b| (b'0'..=b'7').contains(*b))
        .count();
    if digits == 0 || field[start + digits..].iter().any(|&b| b != 0 && b != b' ') {
        return None;
    }
    field[start..start + digits].iter().try_fold(0u64, |v, &b| {
        v.checked_mul(8)?.checked_add(u64::from(b - b'0'))
    })
}

/// The records of a PAX extended header (`LEN KEY=VALUE\n`). Only keys that cannot change what
/// or where tar unpacks are accepted besides `path` and `size`.
fn parse_pax(data: &[u8]) -> Result<Pax, String> {
    let mut pax = Pax::default();
    let mut keys = std::collections::BTreeSet::new();
    let mut rest = data;
    while !rest.is_empty() {
        let bad = || "a PAX record is malformed".to_string();
        let space = rest.iter().position(|&b| b == b' ').ok_or_else(bad)?;
        let len: usize = std::str::from_utf8(&rest[..space])
            .ok()
            .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse().ok())
            .ok_or_else(bad)?;
        if len <= space + 1 || len > rest.len() {
            return Err(bad());
        }
        let record = rest[space + 1..len].strip_suffix(b"\n").ok_or_else(bad)?;
        rest = &rest[len..];
        let eq = record.iter().position(|&b| b == b'=').ok_or_else(bad)?;
        let key = String::from_utf8_lossy(&record[..eq]).into_owned();
        let value = &record[eq + 1..];
        let shown = crate::sanitize::terminal(&key);
        if !keys.insert(key.clone()) {
            return Err(format!("the PAX key `{shown}` appears twice"));
        }
        match key.as_str() {
            "path" if !value.is_empty() => pax.path = Some(value.to_vec()),
            "size" => {
                pax.size = Some(
                    std::str::from_utf8(value)
                        .ok()
                        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                        .and_then(|s| s.parse().ok())
                        .ok_or_else(|| "the PAX size is not a number".to_string())?,
                )
            }
            "mtime" | "atime" | "ctime" | "uid" | "gid" | "uname" | "gname" | "comment" => {}
            _ => {
                return Err(format!(
                    "the PAX key `{shown}` is not one cargo-sdl accepts (it may change how tar \
                     unpacks the member)"
                ));
            }
        }
    }
    Ok(pax)
}

/// A member's normalised path segments (its top folder first), or why it has none.
fn member_path(raw: &[u8], is_dir: bool) -> Result<Vec<String>, String> {
    let name = std::str::from_utf8(raw).map_err(|_| "has a name that is not UTF-8".to_string())?;
    if name.starts_with('/') {
        return Err("is an absolute path".into());
    }
    if !is_dir && (name.ends_with('/') || name.ends_with("/.") || name == ".") {
        return Err("is a regular file whose name ends with `/` or `/.`".into());
    }
    let segments: Vec<String> = name
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .map(str::to_string)
        .collect();
    if segments.iter().any(|s| s == "..") {
        return Err("climbs out of the folder it is unpacked in (`..`)".into());
    }
    if segments.is_empty() {
        return Err("names the folder it is unpacked in, not a path inside it".into());
    }
    if segments
        .iter()
        .any(|s| s.contains('\\') || s.chars().any(char::is_control))
    {
        return Err("has a backslash or a control character in its name".into());
    }
    Ok(segments)
}

/// What a refused tar type flag is, in words.
fn type_name(flag: u8) -> String {
    match flag {
        b'1' => "hard link".into(),
        b'2' => "symbolic link".into(),
        b'3' => "character device".into(),
        b'4' => "block device".into(),
        b'6' => "FIFO (named pipe)".into(),
        b'7' => "contiguous file".into(),
        b'g' => "PAX global header".into(),
        b'K' => "GNU long link name".into(),
        b'S' => "GNU sparse file".into(),
        b'D' => "GNU dump directory".into(),
        b'M' => "GNU multi-volume continuation".into(),
        b'N' => "GNU old long name".into(),
        b'V' => "volume label".into(),
        other => format!(
            "member of unknown type {}",
            crate::sanitize::terminal(&format!("{:?}", char::from(other)))
        ),
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_are_reproducible_and_round_trip() {
        let mut files = BTreeMap::new();
        files.insert("b.txt".to_string(), b"b".to_vec());
        files.insert("documents/a/x.md".to_string(), b"x".to_vec());
        let one = to_tar_gz(&files, "pkg", 1_700_000_000).unwrap();
        let two = to_tar_gz(&files, "pkg", 1_700_000_000).unwrap();
        assert_eq!(one, two);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.tar.gz");
        std::fs::write(&p, &one).unwrap();
        assert_eq!(read_tar_gz(&p).unwrap(), files);
    }

    #[test]
    fn numbers_are_read_as_tar_reads_them() {
        assert_eq!(number(b"00000000644\0"), Some(0o644));
        assert_eq!(number(b"   644 \0\0\0\0\0"), Some(0o644));
        assert_eq!(number(b"\x80\0\0\0\0\0\0\0\0\0\x01\0"), Some(256));
        assert_eq!(
            number(b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"),
            None
        );
        assert_eq!(number(b"0000000064x\0"), None);
        assert_eq!(number(b"00000000089\0"), None);
        assert_eq!(number(b"\0\0\0\0\0\0\0\0\0\0\0\0"), None);
    }

    #[test]
    fn pax_records_are_parsed_strictly() {
        let pax = parse_pax(b"17 path=pkg/a.md\n12 size=123\n").unwrap();
        assert_eq!(pax.path.as_deref(), Some(&b"pkg/a.md"[..]));
        assert_eq!(pax.size, Some(123));
        assert!(parse_pax(b"17 path=pkg/a.md\n17 path=pkg/b.md\n").is_err());
        assert!(parse_pax(b"24 linkpath=/etc/passwd\n").is_err());
        assert!(parse_pax(b"99 path=x\n").is_err());
        assert!(parse_pax(b"10 path=x\n").is_ok());
        assert!(parse_pax(b"11 path=x\n").is_err(), "the length is 10");
    }

    #[test]
    fn member_names_are_normalised_and_checked() {
        let ok = |n: &str| member_path(n.as_bytes(), false).unwrap().join("/");
        assert_eq!(ok("pkg/a"), "pkg/a");
        assert_eq!(ok("./pkg//./a"), "pkg/a");
        for bad in [
            "/pkg/a",
            "pkg/../a",
            "..",
            "pkg/a/",
            "pkg/a/.",
            ".",
            "pkg/a\\b",
            "pkg/\u{1b}",
        ] {
            assert!(member_path(bad.as_bytes(), false).is_err(), "{bad:?}");
        }
        assert!(member_path(b"pkg/\xff", false).is_err());
        assert_eq!(member_path(b"pkg/d/", true).unwrap(), ["pkg", "d"]);
    }
}
