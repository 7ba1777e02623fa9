//! The package as a reproducible `.tar.gz`: entries sorted, fixed mtime, owner and mode, and a
//! gzip header without a timestamp or file name, so that the same package gives the same bytes.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use anyhow::Context;

use super::manifest::is_safe_path;

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

/// Read a package archive into path → bytes, the top directory stripped. Entries that are not
/// regular files or directories, or whose paths leave the package, are refused.
pub fn read_tar_gz(path: &Path) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut files = BTreeMap::new();
    let mut total = 0u64;
    let entries = archive
        .entries()
        .with_context(|| format!("{}: not a tar.gz archive", path.display()))?;
    for entry in entries {
        let mut entry = entry.with_context(|| format!("{}: corrupt archive", path.display()))?;
        let name = entry.path()?.to_string_lossy().replace('\\', "/");
        match entry.header().entry_type() {
            tar::EntryType::Directory => continue,
            tar::EntryType::Regular => {}
            other => anyhow::bail!(
                "{}: `{name}` is a {other:?}, not a regular file",
                path.display()
            ),
        }
        let inner = name.split_once('/').map(|(_, rest)| rest).unwrap_or("");
        if !is_safe_path(inner) {
            anyhow::bail!(
                "{}: `{name}` is not a path inside the package",
                path.display()
            );
        }
        let size = entry.header().size().unwrap_or(u64::MAX);
        total = total.saturating_add(size);
        if size > super::MAX_FILE || total > super::MAX_TOTAL {
            anyhow::bail!(
                "{}: `{name}` would unpack past the limit ({} bytes a file, {} in all)",
                path.display(),
                super::MAX_FILE,
                super::MAX_TOTAL
            );
        }
        let mut bytes = Vec::new();
        // Read no more than the header promised, whatever the stream holds.
        (&mut entry)
            .take(size)
            .read_to_end(&mut bytes)
            .with_context(|| format!("{}: reading `{name}`", path.display()))?;
        files.insert(inner.to_string(), bytes);
    }
    Ok(files)
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
}
