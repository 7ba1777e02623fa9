//! Signing the evidence package: `MANIFEST.sha256.sig` is an SSH signature (the SSHSIG format
//! of `ssh-keygen -Y sign`) over the exact bytes of `MANIFEST.sha256`, in the namespace
//! `cargo-sdl`. Because the manifest covers every other file, one signature vouches for the
//! whole package, and an auditor can check it with OpenSSH alone:
//! `ssh-keygen -Y verify -f allowed_signers -I PRINCIPAL -n cargo-sdl -s MANIFEST.sha256.sig
//! < MANIFEST.sha256`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey};

use super::manifest::{MANIFEST, SIGNATURE};
use crate::sshsig::{AllowedSigners, Armor, Outcome};

/// The SSHSIG namespace of package signatures. A signature made for git (`git`) or for files
/// (`file`) with the same key is not accepted as a package signature, and vice versa.
pub(crate) const NAMESPACE: &str = "cargo-sdl";

/// How to make a key this build can sign with; every key error ends with it.
const HOW_TO_MAKE_A_KEY: &str = "cargo-sdl signs with an unencrypted Ed25519 key in OpenSSH \
     format; make one with `ssh-keygen -t ed25519 -N '' -C PRINCIPAL -f KEY` and keep it in the \
     release pipeline's secret store";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("--sign {path}: cannot read the signing key: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("--sign {path}: this is a public key; pass the private key (the file without .pub)")]
    PublicKey { path: PathBuf },
    #[error("--sign {path}: not an OpenSSH private key ({detail}); {HOW_TO_MAKE_A_KEY}")]
    NotOpenSsh { path: PathBuf, detail: String },
    #[error(
        "--sign {path}: the key is protected by a passphrase, which cargo-sdl cannot ask for; \
         sign with an unencrypted copy kept in the release pipeline's secret store (remove the \
         passphrase from the copy with `ssh-keygen -p -N '' -f COPY`)"
    )]
    Encrypted { path: PathBuf },
    #[error("--sign {path}: the key is {algorithm}, not ssh-ed25519; {HOW_TO_MAKE_A_KEY}")]
    Algorithm { path: PathBuf, algorithm: String },
    #[error("--sign {path}: signing {MANIFEST} failed: {detail}")]
    Sign { path: PathBuf, detail: String },
}

/// A private key checked to be usable before any evidence is collected, so that a wrong key
/// fails the run early and never after a long collection.
pub struct SigningKey {
    path: PathBuf,
    key: PrivateKey,
}

impl std::fmt::Debug for SigningKey {
    // The key material stays out of logs and panics.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Read an OpenSSH private key file; only unencrypted Ed25519 keys are accepted.
    pub(crate) fn load(path: &Path) -> Result<Self, Error> {
        let path_buf = path.to_path_buf();
        // `read_openssh_file` wipes its copy of the file's text; only its error kind survives,
        // so the file is opened first for an error that says why.
        if let Err(source) = std::fs::File::open(path) {
            return Err(Error::Read {
                path: path_buf,
                source,
            });
        }
        let key = match PrivateKey::read_openssh_file(path) {
            Ok(key) => key,
            Err(ssh_key::Error::Io(kind)) => {
                return Err(Error::Read {
                    path: path_buf,
                    source: kind.into(),
                });
            }
            Err(e) => return Err(not_a_private_key(path, e)),
        };
        if key.is_encrypted() {
            return Err(Error::Encrypted { path: path_buf });
        }
        if key.algorithm() != Algorithm::Ed25519 {
            return Err(Error::Algorithm {
                path: path_buf,
                algorithm: key.algorithm().to_string(),
            });
        }
        Ok(SigningKey {
            path: path_buf,
            key,
        })
    }

    /// The armored signature of `manifest`, as `ssh-keygen -Y sign -n cargo-sdl` writes it.
    /// Ed25519 signatures are deterministic, so the same manifest and key give the same bytes.
    pub(crate) fn sign(&self, manifest: &[u8]) -> Result<Vec<u8>, Error> {
        let err = |e: ssh_key::Error| Error::Sign {
            path: self.path.clone(),
            detail: e.to_string(),
        };
        // sha512 is what ssh-keygen uses by default; every verifier accepts it.
        let sig = self
            .key
            .sign(NAMESPACE, HashAlg::Sha512, manifest)
            .map_err(err)?;
        Ok(sig.to_pem(LineEnding::LF).map_err(err)?.into_bytes())
    }
}

/// Explain a key file ssh-key could not read, from its first line only (a file that is not an
/// OpenSSH private key may still hold a secret in another format).
fn not_a_private_key(path: &Path, e: ssh_key::Error) -> Error {
    let first_line = std::fs::read(path)
        .ok()
        .and_then(|bytes| {
            let end = bytes
                .iter()
                .position(|&b| b == b'\n')
                .unwrap_or(bytes.len());
            String::from_utf8(bytes[..end.min(200)].to_vec()).ok()
        })
        .unwrap_or_default();
    let first_line = first_line.trim();
    if first_line.starts_with("ssh-") || first_line.starts_with("ecdsa-") {
        return Error::PublicKey {
            path: path.to_path_buf(),
        };
    }
    let detail = match e {
        ssh_key::Error::AlgorithmUnsupported { algorithm } => {
            return Error::Algorithm {
                path: path.to_path_buf(),
                algorithm: algorithm.to_string(),
            };
        }
        ssh_key::Error::AlgorithmUnknown => {
            return Error::Algorithm {
                path: path.to_path_buf(),
                algorithm: "of another type".to_string(),
            };
        }
        _ if first_line.starts_with("-----BEGIN ") && !first_line.contains("OPENSSH") => {
            format!("it is PEM `{first_line}`")
        }
        other => other.to_string(),
    };
    Error::NotOpenSsh {
        path: path.to_path_buf(),
        detail,
    }
}

/// What `cargo sdl verify` found about the package's signature: `Ok` is a line to print,
/// `Err` a difference that fails verification.
pub(crate) fn check(
    files: &BTreeMap<String, Vec<u8>>,
    allowed_signers: Option<(&Path, &AllowedSigners)>,
    now: i64,
) -> Result<String, String> {
    let signature = files.get(SIGNATURE);
    let Some((signers_path, signers)) = allowed_signers else {
        return Ok(match signature {
            Some(_) => format!(
                "signature: present, not checked (pass --allowed-signers FILE to check {SIGNATURE})"
            ),
            None => format!("signature: none ({SIGNATURE} is not in the package)"),
        });
    };
    let Some(signature) = signature else {
        return Err(format!(
            "signature: missing ({SIGNATURE} is not in the package)"
        ));
    };
    let Some(manifest) = files.get(MANIFEST) else {
        return Err(format!("signature: not checked, {MANIFEST} is missing"));
    };
    let file = signers_path.display();
    // The file must be exactly what ssh-keygen writes: any change to it is a difference.
    match signers.check(NAMESPACE, signature, Armor::Exact, manifest, now) {
        Outcome::Valid {
            principals,
            fingerprint,
        } => Ok(format!(
            "signature: valid, by {principals} ({fingerprint}) listed in {file}"
        )),
        Outcome::Malformed(why) => Err(format!(
            "signature: invalid, {SIGNATURE} is not an SSH signature as ssh-keygen writes it ({why})"
        )),
        Outcome::Unsupported => Err(
            "signature: not verifiable, made with a key type this build cannot check (it checks Ed25519)"
                .to_string(),
        ),
        Outcome::UnknownSigner { fingerprint } => Err(format!(
            "signature: unknown signer, the key {fingerprint} is not in {file}"
        )),
        Outcome::NotAllowed { principals, why } => Err(format!(
            "signature: signer not allowed, the key of {principals} is in {file} but {why}"
        )),
        Outcome::WrongNamespace { found } => Err(format!(
            "signature: invalid, made for namespace `{found}`, not `{NAMESPACE}`"
        )),
        Outcome::BadSignature => Err(format!(
            "signature: invalid, it does not match {MANIFEST} (changed after signing)"
        )),
    }
}

/// Check the bytes of a `MANIFEST.sha256.sig` over the bytes of a `MANIFEST.sha256` against the
/// text of an allowed-signers file, exactly as `verify --allowed-signers` does: `Ok` is the
/// line `verify` prints, `Err` why the signature fails (or why the signers text is unusable).
pub fn verify_bytes(
    manifest: &[u8],
    signature: &[u8],
    allowed_signers: &str,
    now: i64,
) -> Result<String, String> {
    let signers = AllowedSigners::parse(allowed_signers)
        .map_err(|(line, why)| format!("allowed signers, line {line}: {why}"))?;
    let mut files = BTreeMap::new();
    files.insert(MANIFEST.to_string(), manifest.to_vec());
    files.insert(SIGNATURE.to_string(), signature.to_vec());
    check(
        &files,
        Some((Path::new("the allowed signers"), &signers)),
        now,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // The test key is derived from a fixed seed rather than committed as a private key file,
    // which secret scanners would rightly flag.
    fn key_text() -> String {
        let pair = ssh_key::private::Ed25519Keypair::from_seed(&[7; 32]);
        PrivateKey::from(pair)
            .to_openssh(LineEnding::LF)
            .unwrap()
            .to_string()
    }
    fn public() -> String {
        let pair = ssh_key::private::Ed25519Keypair::from_seed(&[7; 32]);
        ssh_key::PublicKey::from(pair.public).to_openssh().unwrap()
    }

    fn key() -> (tempfile::TempDir, SigningKey) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, key_text()).unwrap();
        let key = SigningKey::load(&path).unwrap();
        (dir, key)
    }

    fn package(key: &SigningKey) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        files.insert(MANIFEST.to_string(), b"00  report.json\n".to_vec());
        let sig = key.sign(&files[MANIFEST]).unwrap();
        files.insert(SIGNATURE.to_string(), sig);
        files
    }

    fn signers(line: &str) -> AllowedSigners {
        AllowedSigners::parse(line).unwrap()
    }

    #[test]
    fn signatures_are_armored_deterministic_and_verify() {
        let (_dir, key) = key();
        let files = package(&key);
        let sig = String::from_utf8(files[SIGNATURE].clone()).unwrap();
        assert!(sig.starts_with("-----BEGIN SSH SIGNATURE-----\n"), "{sig}");
        assert!(sig.ends_with("-----END SSH SIGNATURE-----\n"), "{sig}");
        assert_eq!(files[SIGNATURE], key.sign(&files[MANIFEST]).unwrap());
        let ok = check(
            &files,
            Some((Path::new("allowed"), &signers(&format!("t {}", public())))),
            0,
        );
        assert_eq!(
            ok.unwrap(),
            "signature: valid, by t (SHA256:z/fSv0Z0RZS+Lccbc6ZoOWwt/fbj1VFJGSBKQbo4icE) listed in allowed"
        );
    }

    #[test]
    fn every_failure_is_named() {
        let (_dir, key) = key();
        let files = package(&key);
        let p = Path::new("allowed");
        let listed = signers(&format!("t {}", public()));

        let mut changed = files.clone();
        changed.insert(MANIFEST.into(), b"11  report.json\n".to_vec());
        let e = check(&changed, Some((p, &listed)), 0).unwrap_err();
        assert!(
            e.starts_with("signature: invalid, it does not match"),
            "{e}"
        );

        let mut unsigned = files.clone();
        unsigned.remove(SIGNATURE);
        let e = check(&unsigned, Some((p, &listed)), 0).unwrap_err();
        assert!(e.starts_with("signature: missing"), "{e}");
        assert!(
            check(&unsigned, None, 0)
                .unwrap()
                .starts_with("signature: none")
        );
        assert!(check(&files, None, 0).unwrap().contains("not checked"));

        let other = signers(
            "t ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHoC9Ehf7ua4mCbCNYaWXX3BZNpOtDRcGyyI+Ek5ld8Q",
        );
        let e = check(&files, Some((p, &other)), 0).unwrap_err();
        assert!(
            e.starts_with("signature: unknown signer, the key SHA256:"),
            "{e}"
        );

        let git_only = signers(&format!("t namespaces=\"git\" {}", public()));
        let e = check(&files, Some((p, &git_only)), 0).unwrap_err();
        assert_eq!(
            e,
            "signature: signer not allowed, the key of t is in allowed but its line allows namespaces=\"git\", not cargo-sdl"
        );
        let wildcard = signers(&format!("t namespaces=\"git,cargo-*\" {}", public()));
        assert!(check(&files, Some((p, &wildcard)), 0).is_ok());

        let expired = signers(&format!("t valid-before=\"20200101\" {}", public()));
        let e = check(&files, Some((p, &expired)), 1_800_000_000).unwrap_err();
        assert!(e.contains("valid-after/valid-before"), "{e}");

        let mut git_sig = files.clone();
        let made_for_git = key
            .key
            .sign("git", HashAlg::Sha512, &files[MANIFEST])
            .unwrap();
        git_sig.insert(
            SIGNATURE.into(),
            made_for_git.to_pem(LineEnding::LF).unwrap().into_bytes(),
        );
        let e = check(&git_sig, Some((p, &listed)), 0).unwrap_err();
        assert_eq!(
            e,
            "signature: invalid, made for namespace `git`, not `cargo-sdl`"
        );

        let mut garbage = files;
        garbage.insert(SIGNATURE.into(), b"hello".to_vec());
        let e = check(&garbage, Some((p, &listed)), 0).unwrap_err();
        assert!(
            e.starts_with("signature: invalid, MANIFEST.sha256.sig is not"),
            "{e}"
        );
    }

    #[test]
    fn unusable_key_files_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let pub_file = dir.path().join("key.pub");
        std::fs::write(&pub_file, format!("{} test\n", public())).unwrap();
        let e = SigningKey::load(&pub_file).unwrap_err().to_string();
        assert!(e.contains("this is a public key"), "{e}");

        let pem = dir.path().join("rsa.pem");
        std::fs::write(
            &pem,
            "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n",
        )
        .unwrap();
        let e = SigningKey::load(&pem).unwrap_err().to_string();
        assert!(
            e.contains("it is PEM `-----BEGIN RSA PRIVATE KEY-----`"),
            "{e}"
        );
        assert!(e.contains("ssh-keygen -t ed25519"), "{e}");

        let missing = dir.path().join("nope");
        let e = SigningKey::load(&missing).unwrap_err().to_string();
        assert!(e.starts_with("--sign "), "{e}");
        assert!(e.contains("cannot read the signing key"), "{e}");
    }
}
