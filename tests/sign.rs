//! Signed evidence packages: `report --sign KEY` and `verify --allowed-signers FILE`, checked
//! against OpenSSH's own `ssh-keygen -Y verify`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
// The machine has an advisory database, so the passing workspace passes (fail closed otherwise).
use common::{keygen, passing_workspace as workspace, public, sdl_with_advisory_db as sdl, text};

const NOW: &str = "2026-11-25T12:00:00Z";

fn write_signers(path: &Path, lines: &[String]) -> String {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
    path.to_str().unwrap().to_string()
}

/// OpenSSH's verdict: `ssh-keygen -Y verify -f SIGNERS -I test -n cargo-sdl -s SIG < MANIFEST`.
fn ssh_keygen_verify(pkg: &Path, signers: &str) -> Output {
    let mut child = Command::new("ssh-keygen")
        .args([
            "-Y",
            "verify",
            "-f",
            signers,
            "-I",
            "test",
            "-n",
            "cargo-sdl",
            "-s",
        ])
        .arg(pkg.join("MANIFEST.sha256.sig"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let manifest = std::fs::read(pkg.join("MANIFEST.sha256")).unwrap();
    child.stdin.take().unwrap().write_all(&manifest).unwrap();
    child.wait_with_output().unwrap()
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    cargo_sdl::package::read_dir_files(dir).unwrap()
}

fn copy_package(from: &Path, to: &Path) {
    for (path, bytes) in tree(from) {
        let target = to.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
}

#[test]
fn a_signed_package_verifies_with_ssh_keygen_and_with_cargo_sdl() {
    if !common::require_tool("ssh-keygen") {
        return;
    }
    let ws = workspace();
    let keys = tempfile::tempdir().unwrap();
    let key = keygen(keys.path(), "release", "ed25519", "");
    let key_arg = key.to_str().unwrap();
    let signers = write_signers(
        &keys.path().join("allowed_signers"),
        &[format!("test namespaces=\"cargo-sdl\" {}", public(&key))],
    );

    let out = sdl(
        ws.path(),
        &[
            "report",
            "--out",
            "target/pkg",
            "--archive",
            "target/pkg.tar.gz",
            "--sign",
            key_arg,
            "--current-time",
            NOW,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let pkg = ws.path().join("target/pkg");
    let files = tree(&pkg);
    let sig = text(&files["MANIFEST.sha256.sig"]);
    assert!(sig.starts_with("-----BEGIN SSH SIGNATURE-----\n"), "{sig}");
    assert!(sig.ends_with("-----END SSH SIGNATURE-----\n"), "{sig}");
    let manifest = text(&files["MANIFEST.sha256"]);
    assert!(!manifest.contains("MANIFEST.sha256.sig"), "{manifest}");
    assert!(
        text(&files["index.html"])
            .contains("<a href=\"MANIFEST.sha256.sig\" class=\"mono\">MANIFEST.sha256.sig</a>"),
        "the page lists the signature"
    );
    assert_eq!(
        manifest.lines().count(),
        files.len() - 2,
        "the manifest lists every file but itself and the signature"
    );

    // It is what `ssh-keygen -Y sign -n cargo-sdl` makes of the manifest, byte for byte.
    let mut child = Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", "cargo-sdl", "-f"])
        .arg(&key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(manifest.as_bytes())
        .unwrap();
    let openssh = child.wait_with_output().unwrap();
    assert!(openssh.status.success(), "{}", text(&openssh.stderr));
    assert_eq!(text(&openssh.stdout), sig);

    // OpenSSH accepts it as it is.
    let check = ssh_keygen_verify(&pkg, &signers);
    assert!(
        check.status.success(),
        "{}{}",
        text(&check.stdout),
        text(&check.stderr)
    );
    assert!(
        text(&check.stdout).contains("Good \"cargo-sdl\" signature for test"),
        "{}",
        text(&check.stdout)
    );

    // So does cargo sdl, for the directory and the archive.
    for target in ["target/pkg", "target/pkg.tar.gz"] {
        let out = sdl(
            ws.path(),
            &["verify", target, "--allowed-signers", &signers],
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
        let s = text(&out.stdout);
        let covered = format!(": {} files match MANIFEST.sha256\n", files.len() - 2);
        assert!(s.contains(&covered), "{s}");
        assert!(s.contains("signature: valid, by test (SHA256:"), "{s}");
    }
    let archived =
        cargo_sdl::package::archive::read_tar_gz(&ws.path().join("target/pkg.tar.gz")).unwrap();
    assert!(archived == files, "the archive holds the signed package");

    // The global spelling before the subcommand means the same.
    let out = sdl(
        ws.path(),
        &["--allowed-signers", &signers, "verify", "target/pkg"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("signature: valid"));

    // Without allowed signers the signature is reported, never called valid.
    let out = sdl(ws.path(), &["verify", "target/pkg"]);
    assert_eq!(out.status.code(), Some(0));
    let s = text(&out.stdout);
    assert!(s.contains("signature: present, not checked"), "{s}");
    assert!(!s.contains("valid"), "{s}");

    // Same state, time and key: byte-identical signed package and archive contents
    // (Ed25519 signatures are deterministic).
    let again = sdl(
        ws.path(),
        &[
            "report",
            "--out",
            "target/pkg2",
            "--archive",
            "target/pkg2.tar.gz",
            "--sign",
            key_arg,
            "--current-time",
            NOW,
        ],
    );
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(
        files == tree(&ws.path().join("target/pkg2")),
        "signed packages differ"
    );
    let archived2 =
        cargo_sdl::package::archive::read_tar_gz(&ws.path().join("target/pkg2.tar.gz")).unwrap();
    assert!(archived2 == archived, "signed archives differ");
}

#[test]
fn tampering_and_untrusted_signers_fail_verification() {
    if !common::require_tool("ssh-keygen") {
        return;
    }
    let ws = workspace();
    let keys = tempfile::tempdir().unwrap();
    let key = keygen(keys.path(), "release", "ed25519", "");
    let other = keygen(keys.path(), "other", "ed25519", "");
    let trusted = write_signers(
        &keys.path().join("trusted"),
        &[format!("test {}", public(&key))],
    );
    let out = sdl(
        ws.path(),
        &[
            "report",
            "--out",
            "target/pkg",
            "--sign",
            key.to_str().unwrap(),
            "--current-time",
            NOW,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let pkg = ws.path().join("target/pkg");
    let verify = |dir: &str, signers: &str| -> (Option<i32>, String) {
        let out = sdl(ws.path(), &["verify", dir, "--allowed-signers", signers]);
        (out.status.code(), text(&out.stdout))
    };

    // Another key, or this key restricted to git: the signature is not accepted.
    let untrusted = write_signers(
        &keys.path().join("untrusted"),
        &[format!("test {}", public(&other))],
    );
    let (code, s) = verify("target/pkg", &untrusted);
    assert_eq!(code, Some(1), "{s}");
    assert!(s.contains("1 differences"), "{s}");
    assert!(
        s.contains("  signature: unknown signer, the key SHA256:"),
        "{s}"
    );
    assert!(!ssh_keygen_verify(&pkg, &untrusted).status.success());

    let git_only = write_signers(
        &keys.path().join("git-only"),
        &[format!("test namespaces=\"git\" {}", public(&key))],
    );
    let (code, s) = verify("target/pkg", &git_only);
    assert_eq!(code, Some(1), "{s}");
    assert!(
        s.contains("  signature: signer not allowed, the key of test is in ")
            && s.contains("but its line allows namespaces=\"git\", not cargo-sdl"),
        "{s}"
    );
    assert!(!ssh_keygen_verify(&pkg, &git_only).status.success());

    // A changed file is a manifest difference; the signature over the manifest still holds.
    let copy = ws.path().join("target/changed-file");
    copy_package(&pkg, &copy);
    std::fs::write(copy.join("report.md"), "tampered").unwrap();
    let (code, s) = verify("target/changed-file", &trusted);
    assert_eq!(code, Some(1), "{s}");
    assert!(s.contains("1 differences\n  modified: report.md\n"), "{s}");
    assert!(s.contains("signature: valid, by test"), "{s}");

    // A changed file whose new digest is written into the manifest: the manifest matches, and
    // only the signature tells.
    let copy = ws.path().join("target/changed-manifest");
    copy_package(&pkg, &copy);
    let old_md = std::fs::read(copy.join("report.md")).unwrap();
    std::fs::write(copy.join("report.md"), "tampered").unwrap();
    let manifest = std::fs::read_to_string(copy.join("MANIFEST.sha256")).unwrap();
    let rehashed = manifest.replace(
        &cargo_sdl::digest::sha256_hex(&old_md),
        &cargo_sdl::digest::sha256_hex(b"tampered"),
    );
    assert_ne!(manifest, rehashed);
    std::fs::write(copy.join("MANIFEST.sha256"), rehashed).unwrap();
    assert_eq!(
        sdl(ws.path(), &["verify", "target/changed-manifest"])
            .status
            .code(),
        Some(0),
        "without signers only the manifest is checked, and it matches"
    );
    let (code, s) = verify("target/changed-manifest", &trusted);
    assert_eq!(code, Some(1), "{s}");
    assert!(
        s.contains(
            "1 differences\n  signature: invalid, it does not match MANIFEST.sha256 (changed after signing)\n"
        ),
        "{s}"
    );
    assert!(!ssh_keygen_verify(&copy, &trusted).status.success());

    // A signature that was removed is missing.
    let copy = ws.path().join("target/unsigned");
    copy_package(&pkg, &copy);
    std::fs::remove_file(copy.join("MANIFEST.sha256.sig")).unwrap();
    let (code, s) = verify("target/unsigned", &trusted);
    assert_eq!(code, Some(1), "{s}");
    assert!(s.contains("  signature: missing"), "{s}");
    let out = sdl(ws.path(), &["verify", "target/unsigned"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("signature: none"));

    // An allowed-signers file that cannot be read is an error, not a verdict.
    let out = sdl(
        ws.path(),
        &["verify", "target/pkg", "--allowed-signers", "no-such-file"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no-such-file"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn unusable_keys_stop_the_report_before_any_package_is_written() {
    if !common::require_tool("ssh-keygen") {
        return;
    }
    let ws = workspace();
    let keys = tempfile::tempdir().unwrap();
    let encrypted = keygen(keys.path(), "encrypted", "ed25519", "secret");
    let ecdsa = keygen(keys.path(), "ecdsa", "ecdsa", "");
    let rsa = keygen(keys.path(), "rsa", "rsa", "");
    let mut public = encrypted.as_os_str().to_owned();
    public.push(".pub");
    for (key, says) in [
        (encrypted.clone(), "protected by a passphrase"),
        (ecdsa, "the key is of another type, not ssh-ed25519"),
        (rsa, "the key is ssh-rsa, not ssh-ed25519"),
        (PathBuf::from(public), "this is a public key"),
        (keys.path().join("absent"), "cannot read the signing key"),
    ] {
        let out = sdl(
            ws.path(),
            &[
                "report",
                "--out",
                "target/pkg",
                "--archive",
                "target/pkg.tar.gz",
                "--sign",
                key.to_str().unwrap(),
                "--current-time",
                NOW,
            ],
        );
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(key.to_str().unwrap()), "{err}");
        assert!(err.contains(says), "{err}");
        assert!(!ws.path().join("target/pkg").exists());
        assert!(!ws.path().join("target/pkg.tar.gz").exists());
        let leftovers: Vec<String> = std::fs::read_dir(ws.path())
            .unwrap()
            .chain(
                std::fs::read_dir(ws.path().join("target"))
                    .into_iter()
                    .flatten(),
            )
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("partial"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
