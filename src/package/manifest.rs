//! `MANIFEST.sha256` in the format of `sha256sum`, and checking a package against it.

use std::collections::BTreeMap;

/// The manifest's file name; it covers every other file of the package.
pub const MANIFEST: &str = "MANIFEST.sha256";
/// The detached SSH signature of the manifest.
pub const SIGNATURE: &str = "MANIFEST.sha256.sig";

/// `<hex>  <path>` lines sorted by path, as `sha256sum` writes them (text mode: two spaces).
pub fn render(files: &BTreeMap<String, Vec<u8>>) -> String {
    let mut out = String::new();
    for (path, bytes) in files {
        if path == MANIFEST || path == SIGNATURE {
            continue;
        }
        out.push_str(&crate::digest::sha256_hex(bytes));
        out.push_str("  ");
        out.push_str(path);
        out.push('\n');
    }
    out
}

/// Parse a manifest into path → hex digest. Errors name the line.
pub fn parse(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut entries = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let n = i + 1;
        let (digest, path) = line
            .split_once("  ")
            .or_else(|| line.split_once(" *"))
            .ok_or_else(|| format!("{MANIFEST} line {n}: expected `<sha256>  <path>`"))?;
        if digest.len() != 64 || !digest.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!(
                "{MANIFEST} line {n}: `{digest}` is not a SHA-256 digest"
            ));
        }
        if !is_safe_path(path) {
            return Err(format!(
                "{MANIFEST} line {n}: `{path}` is not a relative path inside the package"
            ));
        }
        if entries
            .insert(path.to_string(), digest.to_ascii_lowercase())
            .is_some()
        {
            return Err(format!("{MANIFEST} line {n}: `{path}` is listed twice"));
        }
    }
    Ok(entries)
}

/// A package path: relative, `/`-separated, no `.`/`..` segments, no backslashes.
///
/// Names with control characters or bidi overrides are refused, not encoded: a line break would
/// split a manifest line, and an escape sequence would reach whoever lists the package. The
/// repository reader refuses such names as evidence, so a package never needs one.
pub fn is_safe_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.chars().any(crate::sanitize::is_dangerous)
        && path
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..")
}

/// What differs between a package's files and its manifest; empty when it verifies.
pub fn differences(files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let Some(manifest) = files.get(MANIFEST) else {
        return vec![format!("{MANIFEST} is missing")];
    };
    let Ok(text) = std::str::from_utf8(manifest) else {
        return vec![format!("{MANIFEST} is not UTF-8 text")];
    };
    let entries = match parse(text) {
        Ok(e) => e,
        Err(e) => return vec![e],
    };
    let mut diffs = Vec::new();
    for (path, digest) in &entries {
        match files.get(path) {
            None => diffs.push(format!("removed: {path}")),
            Some(bytes) if crate::digest::sha256_hex(bytes) != *digest => {
                diffs.push(format!("modified: {path}"))
            }
            Some(_) => {}
        }
    }
    for path in files.keys() {
        if path != MANIFEST && path != SIGNATURE && !entries.contains_key(path) {
            diffs.push(format!("added: {path}"));
        }
    }
    diffs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> BTreeMap<String, Vec<u8>> {
        let mut f = BTreeMap::new();
        f.insert("report.json".to_string(), b"{}".to_vec());
        f.insert("documents/SECURITY.md".to_string(), b"# policy".to_vec());
        let m = render(&f);
        f.insert(MANIFEST.to_string(), m.into_bytes());
        f
    }

    #[test]
    fn a_fresh_package_verifies_and_every_change_is_named() {
        let f = files();
        assert!(differences(&f).is_empty());
        let mut g = f.clone();
        g.insert("report.json".into(), b"{\"x\":1}".to_vec());
        assert_eq!(differences(&g), ["modified: report.json"]);
        let mut g = f.clone();
        g.remove("documents/SECURITY.md");
        assert_eq!(differences(&g), ["removed: documents/SECURITY.md"]);
        let mut g = f.clone();
        g.insert("extra.txt".into(), vec![]);
        assert_eq!(differences(&g), ["added: extra.txt"]);
        let mut g = f;
        g.remove(MANIFEST);
        assert_eq!(differences(&g), ["MANIFEST.sha256 is missing"]);
    }

    #[test]
    fn manifest_format_is_sha256sum_and_hostile_paths_are_refused() {
        let f = files();
        let text = String::from_utf8(f[MANIFEST].clone()).unwrap();
        let first = text.lines().next().unwrap();
        assert_eq!(first.len(), 64 + 2 + "documents/SECURITY.md".len());
        assert!(first.ends_with("  documents/SECURITY.md"));
        for bad in ["../etc/passwd", "/etc/passwd", "a/../../b", "a//b", "a\\b"] {
            let line = format!("{}  {bad}\n", "0".repeat(64));
            assert!(parse(&line).is_err(), "{bad}");
        }
        assert!(parse("xyz  a\n").is_err());
        for bad in ["a\u{1b}[2Jb", "a\u{9b}b", "a\rb", "a\u{202e}b", "a\0b"] {
            assert!(!is_safe_path(bad), "{bad:?}");
        }
        assert!(is_safe_path("documents/docs/security/threat-model.md"));
    }
}
