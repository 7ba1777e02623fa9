//! Digests and their text forms: SHA-256 as lower-case hex, and UUIDs derived from digests.
//! A leaf: every module that names a file by its content uses these.

use sha2::Digest;

/// Hex SHA-256 of a byte string.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha2::Sha256::digest(bytes))
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// A UUID in its 8-4-4-4-12 text form from the first 16 bytes of `digest`, with the RFC 9562
/// variant bits and the given version nibble (`0x50` for 5, `0x80` for 8).
pub(crate) fn uuid_from_digest(digest: &[u8], version: u8) -> String {
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | version;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_uuid_forms() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let u = uuid_from_digest(&[0xffu8; 32], 0x80);
        assert_eq!(u, "ffffffff-ffff-8fff-bfff-ffffffffffff");
        let u = uuid_from_digest(&[0u8; 32], 0x50);
        assert_eq!(u, "00000000-0000-5000-8000-000000000000");
    }
}
