//! Property tests of the parsers that read what an attacker may have written: `MANIFEST.sha256`,
//! the SSHSIG envelope of `MANIFEST.sha256.sig`, and the package archive. Whatever the bytes,
//! they never panic; and what they accept keeps the package's invariants. Cases are bounded
//! (PROPTEST_CASES, default 256) and nothing is persisted, so the suite stays fast and clean.

use std::collections::BTreeMap;

use cargo_sdl::package::{archive, manifest, sign};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const NOW: i64 = 1_800_000_000;

/// A genuine signature over a small manifest, and the allowed-signers line that trusts it.
fn genuine() -> (Vec<u8>, Vec<u8>, String) {
    static GENUINE: std::sync::OnceLock<(Vec<u8>, Vec<u8>, String)> = std::sync::OnceLock::new();
    GENUINE.get_or_init(sign_genuine).clone()
}

fn sign_genuine() -> (Vec<u8>, Vec<u8>, String) {
    let pair = ssh_key::private::Ed25519Keypair::from_seed(&[5; 32]);
    let public = ssh_key::PublicKey::from(pair.public)
        .to_openssh()
        .expect("public key");
    let key = ssh_key::PrivateKey::from(pair);
    let manifest = format!("{}  report.json\n", "a".repeat(64)).into_bytes();
    let signature = key
        .sign("cargo-sdl", ssh_key::HashAlg::Sha512, &manifest)
        .expect("sign")
        .to_pem(ssh_key::LineEnding::LF)
        .expect("armor")
        .into_bytes();
    (manifest, signature, format!("test {public}\n"))
}

/// A small genuine package archive.
fn genuine_archive() -> Vec<u8> {
    static ARCHIVE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    ARCHIVE.get_or_init(build_archive).clone()
}

fn build_archive() -> Vec<u8> {
    let mut files = BTreeMap::new();
    files.insert(
        "report.json".to_string(),
        b"{\"schema_version\": 1}\n".to_vec(),
    );
    files.insert(
        "documents/SECURITY.md".to_string(),
        b"# Security\n".to_vec(),
    );
    let listing = manifest::render(&files);
    files.insert(manifest::MANIFEST.to_string(), listing.into_bytes());
    archive::to_tar_gz(&files, "pkg", 1_700_000_000).expect("archive")
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).expect("gzip");
    gz.finish().expect("gzip")
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("gunzip");
    out
}

/// Whatever an archive yields, every path in it is a safe relative package path.
fn assert_safe(contents: &cargo_sdl::package::Contents) {
    for path in contents.files.keys() {
        assert!(
            manifest::is_safe_path(path),
            "unsafe path {path:?} accepted"
        );
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn manifests_never_panic_and_accept_only_safe_paths(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(entries) = manifest::parse(&text) {
            for (path, digest) in &entries {
                prop_assert!(manifest::is_safe_path(path), "{path:?}");
                prop_assert_eq!(digest.len(), 64);
            }
        }
        let mut files = BTreeMap::new();
        files.insert(manifest::MANIFEST.to_string(), bytes);
        let _ = manifest::differences(&files);
    }

    #[test]
    fn manifest_lines_never_panic(lines in proptest::collection::vec("[0-9a-fA-F]{0,66}[ *]{0,3}[a-z./\\\\]{0,12}", 0..8)) {
        let _ = manifest::parse(&lines.join("\n"));
    }

    #[test]
    fn arbitrary_signature_files_are_never_valid(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let (manifest, _, signers) = genuine();
        prop_assert!(sign::verify_bytes(&manifest, &bytes, &signers, NOW).is_err());
    }

    #[test]
    fn a_changed_signature_file_is_never_valid(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let (manifest, original, signers) = genuine();
        let mut bytes = original.clone();
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        let verdict = sign::verify_bytes(&manifest, &bytes, &signers, NOW);
        prop_assert!(verdict.is_err() || bytes == original, "accepted {:?}", String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_archives_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        if let Ok(contents) = archive::read_tar_gz_bytes(&bytes) {
            assert_safe(&contents);
        }
        // The same bytes as a tar stream inside a valid gzip member.
        if let Ok(contents) = archive::read_tar_gz_bytes(&gzip(&bytes)) {
            assert_safe(&contents);
        }
    }

    #[test]
    fn changed_archives_never_panic_and_stay_inside(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        in_tar in any::<bool>(),
    ) {
        let genuine = genuine_archive();
        let bytes = if in_tar {
            // Edit the tar stream and compress it again, so the edits reach the tar parser.
            let mut tar = gunzip(&genuine);
            for (at, value) in edits {
                let i = at.index(tar.len());
                tar[i] = value;
            }
            gzip(&tar)
        } else {
            let mut bytes = genuine;
            for (at, value) in edits {
                let i = at.index(bytes.len());
                bytes[i] = value;
            }
            bytes
        };
        if let Ok(contents) = archive::read_tar_gz_bytes(&bytes) {
            assert_safe(&contents);
        }
    }
}

#[test]
fn the_genuine_inputs_are_accepted() {
    // The properties above mean something only if the unchanged inputs pass.
    let (manifest, signature, signers) = genuine();
    assert!(sign::verify_bytes(&manifest, &signature, &signers, NOW).is_ok());
    let contents = archive::read_tar_gz_bytes(&genuine_archive()).expect("reads");
    assert!(contents.problems.is_empty(), "{:?}", contents.problems);
    assert!(manifest::differences(&contents.files).is_empty());
}
