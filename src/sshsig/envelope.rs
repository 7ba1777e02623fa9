//! The SSHSIG envelope (OpenSSH's PROTOCOL.sshsig), read strictly: the armor, canonical base64,
//! the magic, the version, every length field and every field consumed exactly, no trailing
//! bytes. ssh-key's own decoder does not check that a length-prefixed field is consumed to its
//! end, so a signature whose length fields were altered still parsed and verified; `ssh-keygen
//! -Y verify` rejects it. Here the envelope is checked field by field first, and then ssh-key's
//! decoding of it must encode back to exactly the same bytes.

use ssh_key::{LineEnding, SshSig};

const BEGIN: &str = "-----BEGIN SSH SIGNATURE-----";
const END: &str = "-----END SSH SIGNATURE-----";
const MAGIC: &[u8] = b"SSHSIG";
const VERSION: u32 = 1;
/// ssh-keygen wraps the base64 at 70 characters.
const LINE: usize = 70;
/// Far above any real signature (an RSA-16384 one is about 4 KiB), so that a huge file is
/// refused before it is decoded.
const MAX_ARMORED: usize = 64 * 1024;

/// How the armor around the binary signature is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Armor {
    /// Byte for byte as `ssh-keygen -Y sign` writes it: the BEGIN line, the base64 in lines of
    /// 70 characters, the END line and one final newline; nothing else. For package
    /// signatures, so that any change to the file is caught.
    Exact,
    /// As `ssh-keygen -Y verify` reads it: the BEGIN line, then base64 in which whitespace is
    /// skipped, up to the END line; what follows the END line is ignored. For git, which hands
    /// a commit's or tag's signature to ssh-keygen this way.
    OpenSsh,
}

/// Why a signature file was not accepted as an SSHSIG envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not an envelope as OpenSSH writes it; the message says where.
    Malformed(String),
    /// Well-formed, but made with a key type this build cannot read.
    Unsupported,
}

/// Parse an armored SSHSIG signature strictly (see the module documentation).
pub(crate) fn parse(armored: &[u8], armor: Armor) -> Result<SshSig, Refusal> {
    let bad = |m: String| Refusal::Malformed(m);
    if armored.len() > MAX_ARMORED {
        return Err(bad(format!(
            "it is {} bytes long; an SSH signature is a few hundred",
            armored.len()
        )));
    }
    let binary = match armor {
        Armor::Exact => dearmor_exact(armored),
        Armor::OpenSsh => dearmor_openssh(armored),
    }
    .map_err(bad)?;
    let key_type = check_fields(&binary).map_err(bad)?;
    // ssh-key decodes the checked bytes; what it decoded must encode back to the very same
    // bytes, so that nothing it skipped or normalised goes unnoticed.
    let canonical = armor_exact(&binary);
    let sig = match SshSig::from_pem(&canonical) {
        Ok(sig) => sig,
        Err(ssh_key::Error::AlgorithmUnknown | ssh_key::Error::AlgorithmUnsupported { .. }) => {
            return Err(Refusal::Unsupported);
        }
        Err(e) => {
            return Err(bad(format!(
                "its {key_type} signature does not decode: {e}"
            )));
        }
    };
    match sig.to_pem(LineEnding::LF) {
        Ok(again) if again.as_bytes() == canonical.as_bytes() => Ok(sig),
        _ => Err(bad(format!(
            "its {key_type} key or signature is not in the canonical encoding"
        ))),
    }
}

/// The binary envelope of a file exactly as ssh-keygen writes it.
fn dearmor_exact(armored: &[u8]) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(armored).map_err(|_| "it is not ASCII text".to_string())?;
    let body = text
        .strip_prefix(BEGIN)
        .and_then(|t| t.strip_prefix('\n'))
        .ok_or_else(|| format!("its first line is not exactly `{BEGIN}`"))?;
    let body = body
        .strip_suffix('\n')
        .and_then(|t| t.strip_suffix(END))
        .ok_or_else(|| {
            format!(
                "its last line is not exactly `{END}`, followed by one newline and nothing else"
            )
        })?;
    let body = body
        .strip_suffix('\n')
        .ok_or_else(|| "it has no base64 between its BEGIN and END lines".to_string())?;
    let lines: Vec<&str> = body.split('\n').collect();
    let mut chars = String::with_capacity(body.len());
    for (i, line) in lines.iter().enumerate() {
        let last = i + 1 == lines.len();
        let n = i + 2;
        if line.is_empty() || line.len() > LINE || (!last && line.len() != LINE) {
            return Err(format!(
                "line {n} has {} characters; ssh-keygen writes lines of {LINE}, the last one shorter",
                line.len()
            ));
        }
        chars.push_str(line);
    }
    decode_base64(chars.as_bytes())
}

/// The binary envelope as `sshsig_dearmor` in OpenSSH reads it.
fn dearmor_openssh(armored: &[u8]) -> Result<Vec<u8>, String> {
    let head = format!("{BEGIN}\n");
    let rest = armored
        .strip_prefix(head.as_bytes())
        .ok_or_else(|| format!("its first line is not exactly `{BEGIN}`"))?;
    let footer = format!("\n{END}");
    let end = rest
        .windows(footer.len())
        .position(|w| w == footer.as_bytes())
        .ok_or_else(|| format!("it has no line `{END}`"))?;
    let chars: Vec<u8> = rest[..end]
        .iter()
        .copied()
        .filter(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'))
        .collect();
    decode_base64(&chars)
}

/// Armor `binary` as ssh-keygen does.
fn armor_exact(binary: &[u8]) -> String {
    let b64 = encode_base64(binary);
    let mut out = String::with_capacity(b64.len() + b64.len() / LINE + 64);
    out.push_str(BEGIN);
    out.push('\n');
    for line in b64.as_bytes().chunks(LINE) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(END);
    out.push('\n');
    out
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn encode_base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((v >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Canonical base64: whole quads, `=` only as the last one or two characters, and the bits
/// that padding leaves over all zero (so that no two texts decode to the same bytes).
fn decode_base64(chars: &[u8]) -> Result<Vec<u8>, String> {
    if chars.is_empty() || !chars.len().is_multiple_of(4) {
        return Err(format!(
            "its base64 has {} characters, not a positive multiple of 4",
            chars.len()
        ));
    }
    let value = |c: u8| -> Result<u32, String> {
        match ALPHABET.iter().position(|&a| a == c) {
            Some(v) => Ok(v as u32),
            None => Err(format!(
                "its base64 holds {}, which is not a base64 character here",
                crate::sanitize::terminal(&format!("{:?}", char::from(c)))
            )),
        }
    };
    let quads = chars.len() / 4;
    let mut out = Vec::with_capacity(quads * 3);
    for (i, quad) in chars.chunks(4).enumerate() {
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && i + 1 != quads) {
            return Err("its base64 has `=` padding before its end".to_string());
        }
        let mut v = 0u32;
        for &c in &quad[..4 - pad] {
            v = (v << 6) | value(c)?;
        }
        v <<= 6 * pad as u32;
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        let keep = 3 - pad;
        if bytes[keep..].iter().any(|&b| b != 0) {
            return Err(
                "its base64 is not canonical (the bits before the padding are not zero)"
                    .to_string(),
            );
        }
        out.extend_from_slice(&bytes[..keep]);
    }
    Ok(out)
}

/// SSH wire-format fields read from a byte string, each named in errors.
struct Fields<'a> {
    rest: &'a [u8],
    /// What the fields belong to: "the signature", "its public key".
    of: &'static str,
}

impl<'a> Fields<'a> {
    fn new(bytes: &'a [u8], of: &'static str) -> Self {
        Fields { rest: bytes, of }
    }

    fn take(&mut self, n: usize, field: &str) -> Result<&'a [u8], String> {
        if self.rest.len() < n {
            return Err(format!(
                "the {field} of {} needs {n} bytes, {} remain",
                self.of,
                self.rest.len()
            ));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn u32(&mut self, field: &str) -> Result<u32, String> {
        let b = self.take(4, field)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A `string`: a u32 length, then that many bytes.
    fn string(&mut self, field: &str) -> Result<&'a [u8], String> {
        let len = self.u32(&format!("length of the {field}"))?;
        if len as usize > self.rest.len() {
            return Err(format!(
                "the length of the {field} of {} is {len}, but only {} bytes follow",
                self.of,
                self.rest.len()
            ));
        }
        self.take(len as usize, field)
    }

    fn text(&mut self, field: &str) -> Result<&'a str, String> {
        let bytes = self.string(field)?;
        std::str::from_utf8(bytes)
            .map_err(|_| format!("the {field} of {} is not UTF-8 text", self.of))
    }

    fn end(self) -> Result<(), String> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{} bytes follow the last field of {}",
                self.rest.len(),
                self.of
            ))
        }
    }
}

/// Check every field of the binary envelope; returns the key type.
fn check_fields(binary: &[u8]) -> Result<String, String> {
    let mut sig = Fields::new(binary, "the signature");
    if sig.take(MAGIC.len(), "magic")? != MAGIC {
        return Err("it does not begin with the magic `SSHSIG`".to_string());
    }
    let version = sig.u32("version")?;
    if version != VERSION {
        return Err(format!("its version is {version}, not {VERSION}"));
    }
    let public_key = sig.string("public key")?;
    let namespace = sig.text("namespace")?;
    if namespace.is_empty() {
        return Err("its namespace is empty".to_string());
    }
    let reserved = sig.string("reserved field")?;
    if !reserved.is_empty() {
        return Err(format!(
            "its reserved field holds {} bytes; it must be empty",
            reserved.len()
        ));
    }
    let hash = sig.text("hash algorithm")?;
    if hash != "sha256" && hash != "sha512" {
        return Err(format!(
            "its hash algorithm is `{}`, not sha256 or sha512",
            crate::sanitize::terminal(hash)
        ));
    }
    let signature = sig.string("signature blob")?;
    sig.end()?;

    let mut key = Fields::new(public_key, "its public key");
    let key_type = key.text("key type")?.to_string();
    let mut blob = Fields::new(signature, "its signature blob");
    let sig_type = blob.text("signature type")?;
    if key_type == "ssh-ed25519" {
        let point = key.string("Ed25519 key")?;
        if point.len() != 32 {
            return Err(format!(
                "its Ed25519 public key has {} bytes, not 32",
                point.len()
            ));
        }
        key.end()?;
        if sig_type != key_type {
            return Err(format!(
                "its signature type `{}` is not its key type `{key_type}`",
                crate::sanitize::terminal(sig_type)
            ));
        }
        let bytes = blob.string("Ed25519 signature")?;
        if bytes.len() != 64 {
            return Err(format!(
                "its Ed25519 signature has {} bytes, not 64",
                bytes.len()
            ));
        }
        blob.end()?;
    }
    // Other key types are checked by the round trip through ssh-key, or are unsupported.
    Ok(crate::sanitize::terminal(&key_type))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signature() -> String {
        let pair = ssh_key::private::Ed25519Keypair::from_seed(&[7; 32]);
        let key = ssh_key::PrivateKey::from(pair);
        key.sign("cargo-sdl", ssh_key::HashAlg::Sha512, b"manifest")
            .unwrap()
            .to_pem(LineEnding::LF)
            .unwrap()
    }

    #[test]
    fn base64_round_trips_and_only_canonical_text_decodes() {
        for n in 0..10 {
            let bytes: Vec<u8> = (0..n as u8).map(|b| b.wrapping_mul(37)).collect();
            if bytes.is_empty() {
                continue;
            }
            assert_eq!(
                decode_base64(encode_base64(&bytes).as_bytes()).unwrap(),
                bytes
            );
        }
        assert!(decode_base64(b"QQ==").is_ok());
        assert!(
            decode_base64(b"QR==").is_err(),
            "non-zero bits before padding"
        );
        assert!(decode_base64(b"QUI=").is_ok());
        assert!(decode_base64(b"QUJ=").is_err());
        assert!(decode_base64(b"Q===").is_err());
        assert!(decode_base64(b"QQ==QUJD").is_err());
        assert!(decode_base64(b"QUJ").is_err());
        assert!(decode_base64(b"QU-D").is_err());
    }

    #[test]
    fn a_genuine_signature_parses_in_both_modes() {
        let s = signature();
        assert!(parse(s.as_bytes(), Armor::Exact).is_ok());
        assert!(parse(s.as_bytes(), Armor::OpenSsh).is_ok());
        assert_eq!(armor_exact(&dearmor_exact(s.as_bytes()).unwrap()), s);
    }

    #[test]
    fn length_fields_and_trailing_bytes_are_refused() {
        let s = signature();
        let binary = dearmor_exact(s.as_bytes()).unwrap();
        // The public key's length (bytes 10..14) one larger, one smaller.
        for delta in [1i64, -1] {
            let mut b = binary.clone();
            b[13] = (i64::from(b[13]) + delta) as u8;
            let e = parse(armor_exact(&b).as_bytes(), Armor::Exact).unwrap_err();
            assert!(matches!(e, Refusal::Malformed(_)), "{e:?}");
        }
        let mut b = binary.clone();
        b.push(0);
        let e = parse(armor_exact(&b).as_bytes(), Armor::Exact).unwrap_err();
        assert_eq!(
            e,
            Refusal::Malformed("1 bytes follow the last field of the signature".into())
        );
        let mut b = binary;
        b[9] = 2;
        assert!(parse(armor_exact(&b).as_bytes(), Armor::Exact).is_err());
    }

    #[test]
    fn exact_armor_refuses_what_openssh_would_skip() {
        let s = signature();
        let loose = [
            s.replacen('\n', "\r\n", 1),
            format!("{s}\n"),
            s.trim_end().to_string(),
            s.replacen("\n", "\n ", 2),
            format!("{s}trailing"),
        ];
        for text in &loose {
            assert!(parse(text.as_bytes(), Armor::Exact).is_err(), "{text:?}");
        }
        // OpenSSH skips whitespace in the base64 and ignores what follows the END line.
        assert!(parse(format!("{s}trailing").as_bytes(), Armor::OpenSsh).is_ok());
        assert!(parse(s.trim_end().as_bytes(), Armor::OpenSsh).is_ok());
    }
}
