//! Hostile cases: verify. Archives and package folders an attacker built, and signature files
//! an attacker changed. `verify` must be at least as strict as the tools that unpack or check
//! them: whatever `tar xzf` would unpack differently from what was checked, and whatever
//! `ssh-keygen -Y verify` rejects, is a difference (exit 1) naming the member or the field;
//! nothing hangs; nothing exits 101.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::common::{self, text};

pub(crate) const NOW: &str = "2026-11-25T12:00:00Z";

/// How long one run of the binary may take before the test calls it a hang.
const LIMIT: Duration = Duration::from_secs(20);

/// `cargo-sdl sdl ARGS` in `dir`, pinned like `common::sdl` with the fixture advisory database
/// as the operator's (so that a genuine package passes the gate), but killed after 20 s and
/// the test failed: a FIFO or a hostile archive must never hang a run.
pub(crate) fn run_bounded(dir: &Path, args: &[&str]) -> Output {
    let home = common::cargo_home(true);
    common::output_within(common::command(dir, home.path()).args(args), LIMIT)
}

/// The exit code is `code`; the output never carries a raw escape character.
#[track_caller]
pub(crate) fn assert_exit(out: &Output, code: i32, what: &str) {
    let (o, e) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(
        out.status.code(),
        Some(code),
        "{what}\nstdout:\n{o}\nstderr:\n{e}"
    );
    assert!(
        !o.contains('\u{1b}') && !e.contains('\u{1b}'),
        "{what}: a raw escape reached the terminal\n{o}{e}"
    );
}

/// A workspace with a signed package `target/pkg` and its archive `target/pkg.tar.gz`, and
/// the allowed-signers file that trusts its key (outside the workspace).
pub(crate) struct Signed {
    ws: tempfile::TempDir,
    keys: tempfile::TempDir,
}

impl Signed {
    pub(crate) fn new() -> Signed {
        let ws = common::passing_workspace();
        let keys = tempfile::tempdir().expect("a temporary directory");
        let pair = ssh_key::private::Ed25519Keypair::from_seed(&[42; 32]);
        let public = ssh_key::PublicKey::from(pair.public)
            .to_openssh()
            .expect("public key");
        let private = ssh_key::PrivateKey::from(pair)
            .to_openssh(ssh_key::LineEnding::LF)
            .expect("private key");
        std::fs::write(keys.path().join("key"), private.as_bytes()).expect("write key");
        std::fs::write(
            keys.path().join("allowed_signers"),
            format!("test namespaces=\"cargo-sdl\" {public}\n"),
        )
        .expect("write signers");
        let key = keys.path().join("key");
        let out = run_bounded(
            ws.path(),
            &[
                "report",
                "--out",
                "target/pkg",
                "--archive",
                "target/pkg.tar.gz",
                "--sign",
                key.to_str().expect("UTF-8 path"),
                "--current-time",
                NOW,
            ],
        );
        assert_exit(&out, 0, "the genuine package is written");
        Signed { ws, keys }
    }

    pub(crate) fn root(&self) -> &Path {
        self.ws.path()
    }

    pub(crate) fn pkg(&self) -> PathBuf {
        self.ws.path().join("target/pkg")
    }

    pub(crate) fn archive(&self) -> PathBuf {
        self.ws.path().join("target/pkg.tar.gz")
    }

    pub(crate) fn signers(&self) -> String {
        self.keys
            .path()
            .join("allowed_signers")
            .to_str()
            .expect("UTF-8 path")
            .to_string()
    }

    /// `verify PATH --allowed-signers SIGNERS`, bounded.
    pub(crate) fn verify(&self, path: &Path) -> Output {
        let signers = self.signers();
        run_bounded(
            self.root(),
            &[
                "verify",
                path.to_str().expect("UTF-8 path"),
                "--allowed-signers",
                &signers,
            ],
        )
    }

    /// The genuine package's members, as an honest tar would write them under `top/`.
    pub(crate) fn members(&self, top: &str) -> Vec<Member> {
        let files = cargo_sdl::package::read_dir_files(&self.pkg()).expect("the package reads");
        let mut members = vec![Member::dir(&format!("{top}/"))];
        members.push(Member::dir(&format!("{top}/documents/")));
        for (path, bytes) in files {
            members.push(Member::file(&format!("{top}/{path}"), &bytes));
        }
        members
    }

    /// Write `bytes` as an archive beside the genuine one and return its path.
    pub(crate) fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.ws.path().join("target").join(name);
        std::fs::write(&path, bytes).expect("write archive");
        path
    }
}

/// One tar member, written by hand so that a test can write what no honest tool would.
#[derive(Clone)]
pub(crate) struct Member {
    name: Vec<u8>,
    kind: u8,
    data: Vec<u8>,
    link: Vec<u8>,
    mode: u32,
    /// Write a POSIX ustar header with this prefix field instead of a GNU header.
    prefix: Option<Vec<u8>>,
}

impl Member {
    pub(crate) fn file(name: &str, data: &[u8]) -> Member {
        Member {
            name: name.as_bytes().to_vec(),
            kind: b'0',
            data: data.to_vec(),
            link: Vec::new(),
            mode: 0o644,
            prefix: None,
        }
    }

    pub(crate) fn dir(name: &str) -> Member {
        Member {
            kind: b'5',
            mode: 0o755,
            ..Member::file(name, b"")
        }
    }

    /// A link, device or FIFO (`kind` is the tar type flag).
    fn special(name: &str, kind: u8, link: &str) -> Member {
        Member {
            kind,
            link: link.as_bytes().to_vec(),
            ..Member::file(name, b"")
        }
    }

    /// A GNU long-name header naming the next member.
    fn long_name(name: &str) -> Member {
        let mut data = name.as_bytes().to_vec();
        data.push(0);
        Member {
            kind: b'L',
            data,
            ..Member::file("././@LongLink", b"")
        }
    }

    /// A PAX extended header with one record.
    fn pax(key: &str, value: &str) -> Member {
        let body = format!(" {key}={value}\n");
        // The record's length counts its own digits.
        let mut len = body.len() + 1;
        while format!("{len}{body}").len() != len {
            len += 1;
        }
        Member {
            kind: b'x',
            data: format!("{len}{body}").into_bytes(),
            ..Member::file("PaxHeader/x", b"")
        }
    }

    fn header(&self) -> [u8; 512] {
        let mut h = [0u8; 512];
        let put = |h: &mut [u8; 512], at: usize, bytes: &[u8]| {
            h[at..at + bytes.len()].copy_from_slice(bytes);
        };
        put(&mut h, 0, &self.name[..self.name.len().min(100)]);
        put(&mut h, 100, format!("{:07o}\0", self.mode).as_bytes());
        put(&mut h, 108, b"0000000\0");
        put(&mut h, 116, b"0000000\0");
        put(
            &mut h,
            124,
            format!("{:011o}\0", self.data.len()).as_bytes(),
        );
        put(&mut h, 136, b"15000000000\0");
        h[156] = self.kind;
        put(&mut h, 157, &self.link[..self.link.len().min(100)]);
        match &self.prefix {
            Some(prefix) => {
                put(&mut h, 257, b"ustar\0");
                put(&mut h, 263, b"00");
                put(&mut h, 345, &prefix[..prefix.len().min(155)]);
            }
            None => put(&mut h, 257, b"ustar  \0"),
        }
        put(&mut h, 148, b"        ");
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        put(&mut h, 148, format!("{sum:06o}\0 ").as_bytes());
        h
    }
}

/// The members as a tar stream, without the end-of-archive blocks.
pub(crate) fn tar_body(members: &[Member]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in members {
        out.extend_from_slice(&m.header());
        out.extend_from_slice(&m.data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out
}

/// The members as a complete tar stream.
pub(crate) fn tar(members: &[Member]) -> Vec<u8> {
    let mut out = tar_body(members);
    out.extend_from_slice(&[0u8; 1024]);
    out
}

pub(crate) fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).expect("gzip");
    gz.finish().expect("gzip")
}

#[test]
fn a_hand_built_copy_of_the_package_verifies() {
    // The builder below writes archives `verify` accepts, so each refusal is the attack's.
    let s = Signed::new();
    let path = s.write("copy.tar.gz", &gzip(&tar(&s.members("copy"))));
    let out = s.verify(&path);
    assert_exit(&out, 0, "an honest archive");
    assert!(text(&out.stdout).contains("signature: valid"));
    // GNU tar pads to 10 KiB records with zeros: allowed after the end blocks.
    let mut padded = tar(&s.members("copy"));
    padded.resize(padded.len().div_ceil(10240) * 10240, 0);
    let path = s.write("padded.tar.gz", &gzip(&padded));
    assert_exit(&s.verify(&path), 0, "zero padding after the end");
    // `tar czf x.tar.gz ./pkg` writes `./pkg/…`: the same paths.
    let path = s.write("dotted.tar.gz", &gzip(&tar(&s.members("./dotted"))));
    assert_exit(&s.verify(&path), 0, "./ before the top folder");
}

/// The tar stream inside a gzip file.
fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("gunzip");
    out
}

#[test]
fn a_second_gzip_member_is_a_difference() {
    let s = Signed::new();
    let genuine = std::fs::read(s.archive()).expect("archive");
    let planted = gzip(&tar(&[
        Member::file("pkg/index.html", b"<h1>all requirements satisfied</h1>"),
        Member::file("pkg/planted.txt", b"attacker"),
    ]));
    // The genuine package's members without their end blocks, then the attacker's member:
    // gzip joins the two streams, and tar unpacks the genuine files and then the planted ones.
    let mut members = gunzip(&genuine);
    while members.len() >= 512 && members[members.len() - 512..].iter().all(|&b| b == 0) {
        members.truncate(members.len() - 512);
    }
    let joined = s.write("joined.tar.gz", &[gzip(&members), planted.clone()].concat());
    // The genuine archive as it is, then the attacker's member (`tar -i` unpacks it).
    let appended = s.write("appended.tar.gz", &[genuine.clone(), planted].concat());
    for path in [&joined, &appended] {
        let out = s.verify(path);
        assert_exit(&out, 1, "two gzip members");
        let stdout = text(&out.stdout);
        assert!(!stdout.contains("signature: valid"), "{stdout}");
        assert!(stdout.contains("bytes follow the gzip member"), "{stdout}");
    }

    // `tar xzf` really does unpack the planted member: the case is an attack, not a curiosity.
    if common::require_tool("tar") {
        let scratch = tempfile::tempdir().expect("a temporary directory");
        let untar = Command::new("tar")
            .arg("xzf")
            .arg(&joined)
            .current_dir(scratch.path())
            .output()
            .expect("tar runs");
        assert!(untar.status.success(), "{}", text(&untar.stderr));
        assert!(scratch.path().join("pkg/planted.txt").exists());
    }

    // Bytes that are not gzip after the member are refused too.
    let path = s.write("junk.tar.gz", &[genuine, b"junk".to_vec()].concat());
    let out = s.verify(&path);
    assert_exit(&out, 1, "bytes after the gzip member");
    assert!(text(&out.stdout).contains("4 bytes follow the gzip member"));
}

#[test]
fn anything_after_the_tar_end_is_a_difference() {
    let s = Signed::new();
    let genuine = tar(&s.members("pkg"));
    let extra = tar(&[Member::file("pkg/planted.txt", b"attacker")]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "a member after the end blocks (tar -i unpacks it)",
            [genuine.clone(), extra].concat(),
            "data follows the tar end-of-archive blocks",
        ),
        (
            "bytes after the end blocks",
            [genuine.clone(), b"junk".to_vec()].concat(),
            "data follows the tar end-of-archive blocks",
        ),
        (
            "no end blocks",
            tar_body(&s.members("pkg")),
            "ends without its end-of-archive blocks",
        ),
        (
            "one end block",
            [tar_body(&s.members("pkg")), vec![0; 512]].concat(),
            "one zero block",
        ),
        (
            "cut inside a member",
            genuine[..genuine.len() - 1024 - 300].to_vec(),
            "ends inside",
        ),
    ];
    for (what, tar_bytes, expected) in cases {
        let path = s.write("after-end.tar.gz", &gzip(&tar_bytes));
        let out = s.verify(&path);
        assert_exit(&out, 1, what);
        assert!(
            text(&out.stdout).contains(expected),
            "{what}: {}",
            text(&out.stdout)
        );
    }
    // A changed gzip checksum: the stream is corrupt.
    let mut bytes = std::fs::read(s.archive()).expect("archive");
    let at = bytes.len() - 8;
    bytes[at] ^= 1;
    let path = s.write("crc.tar.gz", &bytes);
    let out = s.verify(&path);
    assert_exit(&out, 1, "a wrong gzip CRC");
    assert!(
        text(&out.stdout).contains("corrupt"),
        "{}",
        text(&out.stdout)
    );
    // A changed tar header: its checksum no longer matches.
    let mut changed = tar(&s.members("pkg"));
    changed[600] ^= 1;
    let path = s.write("header.tar.gz", &gzip(&changed));
    assert_exit(&s.verify(&path), 1, "a changed tar header");
}

/// Each hostile member beside the genuine ones: exit 1, naming it.
fn assert_member_refused(s: &Signed, extra: Vec<Member>, named: &str, what: &str) {
    let mut members = s.members("pkg");
    members.extend(extra);
    let path = s.write("hostile.tar.gz", &gzip(&tar(&members)));
    let out = s.verify(&path);
    assert_exit(&out, 1, what);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(named),
        "{what}: expected `{named}` in\n{stdout}"
    );
    assert!(!stdout.contains("signature: valid"), "{what}: {stdout}");
}

#[test]
fn members_outside_the_top_folder_are_differences() {
    let s = Signed::new();
    let f = |name: &str| vec![Member::file(name, b"attacker")];
    assert_member_refused(&s, f("../x"), "`../x` climbs out", "../x");
    assert_member_refused(
        &s,
        f("pkg/../../x"),
        "`pkg/../../x` climbs out",
        "pkg/../..",
    );
    assert_member_refused(&s, f("/x"), "`/x` is an absolute path", "/x");
    assert_member_refused(
        &s,
        f("evil/index.html"),
        "`evil/index.html` lies outside the top folder `pkg`",
        "a second top folder",
    );
    assert_member_refused(
        &s,
        f("x"),
        "`x` is a file beside the top folder",
        "a top-level file",
    );
    // Names as tar reads them: a GNU long name, a PAX path, a ustar prefix.
    let long = format!("pkg/{}/../../../x", "d".repeat(120));
    assert_member_refused(
        &s,
        vec![Member::long_name(&long), Member::file("pkg/innocent", b"x")],
        "climbs out",
        "a GNU long name with ..",
    );
    assert_member_refused(
        &s,
        vec![
            Member::pax("path", "../pax-escape"),
            Member::file("pkg/innocent", b"x"),
        ],
        "`../pax-escape` climbs out",
        "a PAX path with ..",
    );
    let mut prefixed = Member::file("x", b"attacker");
    prefixed.prefix = Some(b"/etc".to_vec());
    assert_member_refused(
        &s,
        vec![prefixed],
        "`/etc/x` is an absolute path",
        "a ustar prefix",
    );
    // A PAX size that disagrees with the header would desynchronise a naive reader.
    assert_member_refused(
        &s,
        vec![
            Member::pax("linkpath", "/etc/passwd"),
            Member::file("pkg/a", b"x"),
        ],
        "the PAX key `linkpath`",
        "an unexpected PAX key",
    );
    // Control characters in a name are refused, and shown escaped.
    assert_member_refused(
        &s,
        f("pkg/\u{1b}[31mred"),
        "\\u{1b}[31mred",
        "a control character in a name",
    );
}

#[test]
fn duplicate_members_are_differences() {
    let s = Signed::new();
    let twice = |name: &str| vec![Member::file(name, b"{\"schema_version\": 1}")];
    assert_member_refused(
        &s,
        twice("pkg/report.json"),
        "`pkg/report.json` appears twice",
        "dup",
    );
    assert_member_refused(
        &s,
        twice("pkg/./report.json"),
        "`pkg/./report.json` appears twice",
        "the same path after normalising ./",
    );
    assert_member_refused(
        &s,
        twice("pkg//report.json"),
        "`pkg//report.json` appears twice",
        "the same path after normalising //",
    );
    assert_member_refused(
        &s,
        vec![Member::dir("pkg/report.json/")],
        "is both a file and a folder",
        "a folder named like a file",
    );
    assert_member_refused(
        &s,
        vec![Member::file("pkg/report.json/inner", b"x")],
        "lies under `pkg/report.json`, which is a file",
        "a member under a file",
    );
    assert_member_refused(
        &s,
        vec![Member::file("pkg/documents", b"x")],
        "is both a file and a folder",
        "a file named like a folder",
    );
}

#[test]
fn links_devices_and_fifos_in_an_archive_are_differences() {
    let s = Signed::new();
    for (kind, words) in [
        (b'1', "hard link"),
        (b'2', "symbolic link"),
        (b'3', "character device"),
        (b'4', "block device"),
        (b'6', "FIFO"),
        (b'7', "contiguous file"),
        (b'S', "sparse file"),
        (b'g', "PAX global header"),
        (b'K', "long link name"),
    ] {
        assert_member_refused(
            &s,
            vec![Member::special("pkg/special", kind, "/etc/passwd")],
            words,
            words,
        );
    }
    let mut setuid = Member::file("pkg/run", b"#!/bin/sh\n");
    setuid.mode = 0o4755;
    assert_member_refused(&s, vec![setuid], "setuid", "a setuid file");
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn a_fifo_or_link_in_a_package_folder_is_a_difference_and_never_opened() {
    let s = Signed::new();
    let root = s.root();
    let copy = |name: &str| -> PathBuf {
        let to = root.join("target").join(name);
        for (path, bytes) in cargo_sdl::package::read_dir_files(&s.pkg()).expect("package") {
            let target = to.join(path);
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::write(target, bytes).expect("write");
        }
        to
    };

    // A FIFO in place of report.json: opening it would block forever.
    let fifo_pkg = copy("fifo");
    std::fs::remove_file(fifo_pkg.join("report.json")).expect("rm");
    mkfifo(&fifo_pkg.join("report.json"));
    mkfifo(&fifo_pkg.join("documents/extra"));
    let out = s.verify(&fifo_pkg);
    assert_exit(&out, 1, "a FIFO in the package");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("report.json is a FIFO"), "{stdout}");
    assert!(stdout.contains("documents/extra is a FIFO"), "{stdout}");
    // diff must not hang either; it refuses the package.
    let out = run_bounded(root, &["diff", "target/pkg", "target/fifo"]);
    assert_exit(&out, 2, "diff with a FIFO package");
    assert!(
        text(&out.stderr).contains("not a plain package"),
        "{}",
        text(&out.stderr)
    );
    let out = run_bounded(root, &["diff", "target/fifo", "target/pkg"]);
    assert_exit(&out, 2, "diff with a FIFO package, first");
    // A FIFO named like a report is not read as one.
    mkfifo(&root.join("target/old.json"));
    let out = run_bounded(root, &["diff", "target/old.json", "target/pkg"]);
    assert_exit(&out, 2, "diff with a FIFO report.json");
    let out = run_bounded(root, &["verify", "target/old.json"]);
    assert_exit(&out, 2, "verify of a FIFO");

    // Links: to a file outside, and to a file inside.
    let outside = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(outside.path().join("secret"), "top secret").expect("write");
    let link_pkg = copy("links");
    std::fs::remove_file(link_pkg.join("report.md")).expect("rm");
    std::os::unix::fs::symlink(outside.path().join("secret"), link_pkg.join("report.md"))
        .expect("symlink");
    std::os::unix::fs::symlink(link_pkg.join("report.json"), link_pkg.join("alias.json"))
        .expect("symlink");
    let out = s.verify(&link_pkg);
    assert_exit(&out, 1, "links in the package");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("report.md is a symbolic link"), "{stdout}");
    assert!(stdout.contains("alias.json is a symbolic link"), "{stdout}");
    assert!(!stdout.contains("top secret"), "{stdout}");
    let out = run_bounded(root, &["diff", "target/pkg", "target/links"]);
    assert_exit(&out, 2, "diff with links");
}

/// OpenSSH's verdict on the package's signature.
fn ssh_keygen_accepts(pkg: &Path, signers: &str) -> bool {
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
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ssh-keygen runs");
    let manifest = std::fs::read(pkg.join("MANIFEST.sha256")).expect("manifest");
    // ssh-keygen may refuse the signature before it reads the message: a closed pipe is fine.
    let _ = child.stdin.take().expect("stdin").write_all(&manifest);
    child.wait().expect("ssh-keygen").success()
}

/// Every change to `MANIFEST.sha256.sig` that `ssh-keygen -Y verify` rejects, cargo-sdl
/// rejects too; in fact it rejects every change, since it accepts only the exact bytes
/// ssh-keygen writes.
#[test]
fn every_change_to_the_signature_that_ssh_keygen_rejects_is_rejected() {
    // In CI the comparison with OpenSSH is the point of the test: missing is a failure.
    if !common::require_tool("ssh-keygen") {
        return;
    }
    let s = Signed::new();
    let pkg = s.pkg();
    let signers = s.signers();
    let sig_path = pkg.join("MANIFEST.sha256.sig");
    let original = std::fs::read(&sig_path).expect("signature");
    assert!(
        ssh_keygen_accepts(&pkg, &signers),
        "OpenSSH accepts the genuine signature"
    );
    assert_exit(&s.verify(&pkg), 0, "the genuine signature");

    let mut mutations: Vec<(String, Vec<u8>)> = Vec::new();
    // First pass: every byte, one at a time (the low bit flipped keeps most of them base64).
    for i in 0..original.len() {
        let mut m = original.clone();
        m[i] ^= 0x01;
        mutations.push((format!("byte {i} ^ 0x01"), m));
    }
    // Second pass: other edits an attacker or a mangling transfer could make.
    let text_sig = String::from_utf8(original.clone()).expect("ASCII");
    let body_start = "-----BEGIN SSH SIGNATURE-----\n".len();
    let body_end = text_sig.find("\n-----END").expect("END line");
    for i in (body_start..body_end).step_by(5) {
        let c = original[i];
        if c.is_ascii_alphabetic() {
            let mut m = original.clone();
            m[i] ^= 0x20; // upper ↔ lower case: another valid base64 character
            mutations.push((format!("byte {i} case changed"), m));
        }
    }
    for i in [0, 29, 30, 47, 100, 157, body_end, original.len() - 1] {
        let mut m = original.clone();
        m.remove(i);
        mutations.push((format!("byte {i} deleted"), m));
        let mut m = original.clone();
        m.insert(i, b' ');
        mutations.push((format!("space inserted at {i}"), m));
        let mut m = original.clone();
        m.insert(i, b'\n');
        mutations.push((format!("newline inserted at {i}"), m));
    }
    let lines: Vec<&str> = text_sig.lines().collect();
    let mut swapped = lines.clone();
    swapped.swap(1, 2);
    let rewrapped: String = {
        let b64: String = lines[1..lines.len() - 1].concat();
        let wrapped: Vec<String> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        format!(
            "{}\n{}\n{}\n",
            lines[0],
            wrapped.join("\n"),
            lines[lines.len() - 1]
        )
    };
    for (what, m) in [
        ("two lines swapped", swapped.join("\n") + "\n"),
        ("CRLF line endings", text_sig.replace('\n', "\r\n")),
        ("no final newline", text_sig.trim_end().to_string()),
        ("an extra final newline", format!("{text_sig}\n")),
        ("text after the END line", format!("{text_sig}trailing\n")),
        ("base64 rewrapped at 64", rewrapped),
        ("empty", String::new()),
        ("truncated", text_sig[..text_sig.len() / 2].to_string()),
    ] {
        mutations.push((what.to_string(), m.into_bytes()));
    }

    let mut openssh_accepted = Vec::new();
    for (what, bytes) in &mutations {
        if *bytes == original {
            continue;
        }
        std::fs::write(&sig_path, bytes).expect("write mutation");
        let ours = s.verify(&pkg);
        assert!(
            matches!(ours.status.code(), Some(1)),
            "{what}: cargo-sdl accepted a changed signature file (exit {:?})\n{}",
            ours.status.code(),
            text(&ours.stdout)
        );
        if ssh_keygen_accepts(&pkg, &signers) {
            openssh_accepted.push(what.clone());
        }
    }
    // The length fields the old parser skipped over (bytes 47 and 157) are rejected by both.
    assert!(!openssh_accepted.iter().any(|w| w == "byte 47 ^ 0x01"));
    assert!(!openssh_accepted.iter().any(|w| w == "byte 157 ^ 0x01"));
    eprintln!(
        "{} mutations; ssh-keygen accepted {} of them (whitespace it skips), cargo-sdl none: {:?}",
        mutations.len(),
        openssh_accepted.len(),
        openssh_accepted
    );
    std::fs::write(&sig_path, &original).expect("restore");
    assert_exit(&s.verify(&pkg), 0, "the genuine signature, restored");
}
