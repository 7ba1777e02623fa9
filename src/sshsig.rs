//! Verifying SSH signatures (the SSHSIG format of `ssh-keygen -Y sign`) the way
//! `ssh-keygen -Y verify` does: the signing key must be listed in an allowed-signers file (see
//! ssh-keygen(1) "ALLOWED SIGNERS"), its line must allow the namespace the caller expects, and
//! the signature must have been made in that namespace over exactly the given bytes.
//!
//! Two callers with their own namespaces share it, so that one parser decides what a listed key
//! means: the git collector (`git`, commits and tags as `git verify-commit` checks them with
//! `gpg.format=ssh`) and `cargo sdl verify` (`cargo-sdl`, the evidence package's manifest).

mod envelope;

use std::path::Path;

use ssh_key::{HashAlg, PublicKey};

pub(crate) use envelope::Armor;

/// The outcome of checking one signature, in the few words the evidence records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Valid,
    Invalid,
    UnknownSigner,
    /// Not checked: not SSH, or a key type this build cannot verify.
    Unverified,
}

impl Verdict {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Invalid => "invalid",
            Verdict::UnknownSigner => "unknown-signer",
            Verdict::Unverified => "unverified",
        }
    }
}

/// Why a signature was accepted or not, in enough detail to tell a user what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Made by a listed key allowed for the namespace; `principals` as its line names them.
    Valid {
        principals: String,
        fingerprint: String,
    },
    /// Not an armored SSH signature.
    Malformed(String),
    /// Made with a key type this build cannot read or verify (ECDSA, RSA).
    Unsupported,
    /// The key that made it is not in the allowed-signers file.
    UnknownSigner { fingerprint: String },
    /// The key is listed, but each of its lines restricts it (`namespaces=`, `valid-after`,
    /// `valid-before`) so that it may not sign here and now.
    NotAllowed { principals: String, why: String },
    /// Made for another purpose: its namespace is not the one expected.
    WrongNamespace { found: String },
    /// The listed key did not make this signature over these bytes: they were changed.
    BadSignature,
}

impl Outcome {
    pub(crate) fn verdict(&self) -> Verdict {
        match self {
            Outcome::Valid { .. } => Verdict::Valid,
            Outcome::Unsupported => Verdict::Unverified,
            Outcome::UnknownSigner { .. } => Verdict::UnknownSigner,
            Outcome::Malformed(_)
            | Outcome::NotAllowed { .. }
            | Outcome::WrongNamespace { .. }
            | Outcome::BadSignature => Verdict::Invalid,
        }
    }
}

/// One usable line of an allowed-signers file.
#[derive(Debug, Clone)]
struct Signer {
    /// The line's first field as written (comma-separated patterns).
    principals: String,
    key: PublicKey,
    /// `namespaces="…"` patterns; empty means any namespace.
    namespaces: Vec<String>,
    /// `valid-after` / `valid-before` as seconds since 1970.
    valid_after: Option<i64>,
    valid_before: Option<i64>,
}

/// The keys of an allowed-signers file.
#[derive(Debug, Clone, Default)]
pub(crate) struct AllowedSigners {
    signers: Vec<Signer>,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    #[error("reading the allowed-signers file {0}")]
    Read(String),
    #[error("{path}, line {line}: {message}")]
    Line {
        path: String,
        line: usize,
        message: String,
    },
}

impl AllowedSigners {
    /// Read and parse the file at `path` (a regular file within the configuration cap).
    pub(crate) fn load(path: &Path) -> Result<Self, Error> {
        let bytes = crate::repo_fs::read_operator_file(path, crate::repo_fs::Limit::Config)
            .map_err(|e| Error::Read(e.with_path()))?;
        Self::parse_file(path, &bytes)
    }

    /// Parse the bytes of the file at `path`; errors name it.
    pub(crate) fn parse_file(path: &Path, bytes: &[u8]) -> Result<Self, Error> {
        let text = std::str::from_utf8(bytes).map_err(|_| Error::Line {
            path: path.display().to_string(),
            line: 0,
            message: "is not UTF-8 text".into(),
        })?;
        Self::parse(text).map_err(|(line, message)| Error::Line {
            path: path.display().to_string(),
            line,
            message,
        })
    }

    /// Parse the file's text; an error names the 1-based line.
    pub(crate) fn parse(text: &str) -> Result<Self, (usize, String)> {
        let mut signers = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (principals, rest) = split_field(line);
            let rest = rest.trim_start();
            let (options, key_text) = if looks_like_key_type(rest) {
                ("", rest)
            } else {
                let (opts, after) = split_field(rest);
                (opts, after.trim_start())
            };
            let key = match PublicKey::from_openssh(key_text) {
                Ok(key) => key,
                // A key type this build cannot verify (ECDSA): signatures by it are reported
                // as unverified, which needs no entry here.
                Err(
                    ssh_key::Error::AlgorithmUnknown | ssh_key::Error::AlgorithmUnsupported { .. },
                ) if looks_like_key_type(key_text) => {
                    continue;
                }
                Err(_) if looks_like_key_type(principals) => {
                    return Err((
                        i + 1,
                        "begins with a key type, not principals; write `principals [options] \
                         key-type base64-key` (a .pub file needs e.g. an email address in front)"
                            .to_string(),
                    ));
                }
                Err(e) => {
                    return Err((
                        i + 1,
                        format!(
                            "not a public key ({e}); expected `principals [options] key-type base64-key`"
                        ),
                    ));
                }
            };
            let mut signer = Signer {
                principals: unquote(principals),
                key,
                namespaces: Vec::new(),
                valid_after: None,
                valid_before: None,
            };
            let mut cert_authority = false;
            for option in split_options(options) {
                let (name, value) = match option.split_once('=') {
                    Some((n, v)) => (n.trim().to_ascii_lowercase(), unquote(v.trim())),
                    None => (option.trim().to_ascii_lowercase(), String::new()),
                };
                match name.as_str() {
                    "namespaces" => {
                        signer.namespaces = value.split(',').map(|s| s.trim().to_string()).collect()
                    }
                    "valid-after" => signer.valid_after = Some(parse_time(&value, i + 1)?),
                    "valid-before" => signer.valid_before = Some(parse_time(&value, i + 1)?),
                    "cert-authority" => cert_authority = true,
                    _ => {}
                }
            }
            // Certificates are not supported: a CA line would otherwise vouch for its own key
            // only, which is not what it means.
            if !cert_authority {
                signers.push(signer);
            }
        }
        Ok(AllowedSigners { signers })
    }

    /// Verify an armored SSH signature over `payload` in `namespace`, made at `time` (seconds
    /// since 1970; git passes the committer's or tagger's time as `-Overify-time`). The armor
    /// is read as ssh-keygen reads the signatures git hands it.
    pub(crate) fn verify(
        &self,
        namespace: &str,
        armored: &[u8],
        payload: &[u8],
        time: i64,
    ) -> Verdict {
        self.check(namespace, armored, Armor::OpenSsh, payload, time)
            .verdict()
    }

    /// Like [`AllowedSigners::verify`], with the reason, and the armor read as `armor` says.
    /// The envelope inside is always parsed strictly (every length and field exact).
    pub(crate) fn check(
        &self,
        namespace: &str,
        armored: &[u8],
        armor: Armor,
        payload: &[u8],
        time: i64,
    ) -> Outcome {
        let sig = match envelope::parse(armored, armor) {
            Ok(sig) => sig,
            // Well-formed, but made with a key type this build cannot read (ECDSA).
            Err(envelope::Refusal::Unsupported) => return Outcome::Unsupported,
            Err(envelope::Refusal::Malformed(why)) => return Outcome::Malformed(why),
        };
        let fingerprint = PublicKey::from(sig.public_key().clone())
            .fingerprint(HashAlg::Sha256)
            .to_string();
        let candidates: Vec<&Signer> = self
            .signers
            .iter()
            .filter(|s| s.key.key_data() == sig.public_key())
            .collect();
        let Some(first) = candidates.first() else {
            return Outcome::UnknownSigner { fingerprint };
        };
        let mut refused: Option<String> = None;
        let mut tried = false;
        let mut saw_unsupported = false;
        for signer in &candidates {
            if !(signer.namespaces.is_empty()
                || signer.namespaces.iter().any(|p| wildcard(p, namespace)))
            {
                refused.get_or_insert_with(|| {
                    format!(
                        "its line allows namespaces=\"{}\", not {namespace}",
                        signer.namespaces.join(",")
                    )
                });
                continue;
            }
            if !(signer.valid_after.is_none_or(|t| time >= t)
                && signer.valid_before.is_none_or(|t| time <= t))
            {
                refused.get_or_insert_with(|| {
                    "the time is outside its line's valid-after/valid-before window".to_string()
                });
                continue;
            }
            tried = true;
            match signer.key.verify(namespace, payload, &sig) {
                Ok(()) => {
                    return Outcome::Valid {
                        principals: signer.principals.clone(),
                        fingerprint,
                    };
                }
                Err(
                    ssh_key::Error::AlgorithmUnknown | ssh_key::Error::AlgorithmUnsupported { .. },
                ) => saw_unsupported = true,
                Err(_) => {}
            }
        }
        if saw_unsupported {
            Outcome::Unsupported
        } else if !tried {
            Outcome::NotAllowed {
                principals: first.principals.clone(),
                why: refused.unwrap_or_default(),
            }
        } else if sig.namespace() != namespace {
            Outcome::WrongNamespace {
                found: sig.namespace().to_string(),
            }
        } else {
            Outcome::BadSignature
        }
    }
}

/// The key types OpenSSH writes in the key field.
fn looks_like_key_type(s: &str) -> bool {
    s.starts_with("ssh-") || s.starts_with("ecdsa-") || s.starts_with("sk-")
}

/// The first whitespace-separated field, respecting double quotes.
fn split_field(s: &str) -> (&str, &str) {
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => return (&s[..i], &s[i..]),
            _ => {}
        }
    }
    (s, "")
}

/// Comma-separated options, commas inside quotes kept.
fn split_options(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut quoted, mut start) = (false, 0);
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out.into_iter().filter(|o| !o.trim().is_empty()).collect()
}

fn unquote(s: &str) -> String {
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
        .to_string()
}

/// `YYYYMMDD[HHMM[SS]][Z]`. ssh-keygen reads times without `Z` in local time; we read all of
/// them as UTC so that the result does not depend on the machine (at most a day's difference).
fn parse_time(value: &str, line: usize) -> Result<i64, (usize, String)> {
    let digits = value.strip_suffix('Z').unwrap_or(value);
    let bad = || {
        (
            line,
            format!("`{value}` is not a time of the form YYYYMMDD[HHMM[SS]][Z]"),
        )
    };
    if !digits.chars().all(|c| c.is_ascii_digit()) || ![8, 12, 14].contains(&digits.len()) {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| digits.get(r).and_then(|s| s.parse::<u32>().ok());
    let year = num(0..4).ok_or_else(bad)? as i32;
    let month = time::Month::try_from(num(4..6).ok_or_else(bad)? as u8).map_err(|_| bad())?;
    let day = num(6..8).ok_or_else(bad)? as u8;
    let date = time::Date::from_calendar_date(year, month, day).map_err(|_| bad())?;
    let (h, m, s) = (
        num(8..10).unwrap_or(0) as u8,
        num(10..12).unwrap_or(0) as u8,
        num(12..14).unwrap_or(0) as u8,
    );
    let t = date.with_hms(h, m, s).map_err(|_| bad())?;
    Ok(t.assume_utc().unix_timestamp())
}

/// ssh's pattern matching: `*` and `?`.
fn wildcard(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHoC9Ehf7ua4mCbCNYaWXX3BZNpOtDRcGyyI+Ek5ld8Q";

    #[test]
    fn parses_lines_with_and_without_options() {
        let text = format!(
            "# comment\n\nalice@example.org {KEY} alice\n\
             bob@example.org,carol@* namespaces=\"git,file\",valid-after=\"20240101\" {KEY}\n\
             *@example.org cert-authority {KEY}\n"
        );
        let a = AllowedSigners::parse(&text).unwrap();
        assert_eq!(a.signers.len(), 2, "the cert-authority line is skipped");
        assert!(a.signers[0].namespaces.is_empty());
        assert_eq!(a.signers[1].namespaces, ["git", "file"]);
        assert_eq!(a.signers[1].valid_after, Some(1_704_067_200));
    }

    #[test]
    fn bad_lines_name_the_line() {
        let err = AllowedSigners::parse("alice ssh-ed25519 notbase64").unwrap_err();
        assert_eq!(err.0, 1);
        let err = AllowedSigners::parse(&format!("{KEY} alice@example.org")).unwrap_err();
        assert_eq!(err.0, 1);
        assert!(err.1.starts_with("begins with a key type"), "{}", err.1);
        let err = AllowedSigners::parse(&format!("a valid-before=\"2024\" {KEY}")).unwrap_err();
        assert_eq!(err.0, 1);
        assert!(err.1.contains("2024"), "{}", err.1);
    }

    #[test]
    fn unsupported_key_types_are_skipped_not_fatal() {
        let text = format!("a {ECDSA}\nb {KEY}\n");
        let a = AllowedSigners::parse(&text).unwrap();
        assert_eq!(a.signers.len(), 1);
    }

    const ECDSA: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKB/N6W2c0yAfY2SEcLACiTPz+1jv3dubRn990ds8si8we/NyyPwnoip8Jo4s9SB+z1MSubvs/fjTy8oUo9brDc=";

    #[test]
    fn garbage_signature_is_invalid_not_valid() {
        let a = AllowedSigners::parse(&format!("a {KEY}")).unwrap();
        assert_eq!(
            a.verify("git", b"not a signature", b"payload", 0),
            Verdict::Invalid
        );
    }

    #[test]
    fn wildcards() {
        assert!(wildcard("g*", "git"));
        assert!(wildcard("g?t", "git"));
        assert!(!wildcard("file", "git"));
    }
}
