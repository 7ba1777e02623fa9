//! Hostile cases: repository text that tries to become terminal control sequences or to carry
//! raw control characters into the evidence package.

use crate::common::{self, Identity, workspace_with};
use crate::{all_files, bounded};

/// Retitle the window, clear the screen, an 8-bit CSI and a bidi override.
const HOSTILE: &str = "x\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}y";

/// The first raw control (other than line breaks and tabs) or bidi override in `bytes`.
fn first_raw_control(bytes: &[u8]) -> Option<(usize, char)> {
    String::from_utf8_lossy(bytes)
        .char_indices()
        .find(|(_, c)| {
            (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
}

fn assert_clean(what: &str, bytes: &[u8]) {
    if let Some((at, c)) = first_raw_control(bytes) {
        let text = String::from_utf8_lossy(bytes);
        let around: String = text[at..].chars().take(20).collect();
        panic!("{what} carries a raw {c:?} at byte {at}: {around:?}");
    }
}

#[test]
fn configuration_errors_quote_lines_safely() {
    let ws = workspace_with(&[("sdl.toml", &format!("[product]\nname = {HOSTILE}\n"))]);
    let run = bounded(ws.path(), &["check"], 30);
    assert_eq!(run.code, 2);
    assert_clean("stderr", &run.output.stderr);
    assert!(run.stderr().contains("\\u{1b}"), "{}", run.stderr());
}

#[test]
fn record_errors_name_ids_safely() {
    let ws = workspace_with(&[(
        "sdl/attestations/x.toml",
        &format!("requirements = [\"{HOSTILE}\"]\nstatement = \"s\"\n"),
    )]);
    let run = bounded(ws.path(), &["check"], 30);
    assert_eq!(run.code, 2, "{}", run.stdout());
    assert_clean("stderr", &run.output.stderr);
}

#[test]
fn hostile_names_and_statements_never_reach_a_file_or_the_terminal_raw() {
    let toml_str = |s: &str| toml_string(s);
    let ws = workspace_with(&[
        (
            "sdl.toml",
            &format!(
                "[product]\nname = {}\nversion = {}\ndescription = {}\n",
                toml_str(HOSTILE),
                toml_str(HOSTILE),
                toml_str(HOSTILE)
            ),
        ),
        (
            "THREAT_MODEL.md",
            &format!(
                "# Threat model {HOSTILE}\n\n| id | threat | mitigation |\n|---|---|---|\n| T1 | {HOSTILE} | signed |\n"
            ),
        ),
        (
            "SECURITY.md",
            &format!(
                "# Security {HOSTILE}\n\nReport to security@example.com; we answer within 5 days.\n"
            ),
        ),
        (
            "sdl/roles.toml",
            &format!(
                "[roles.security-officer]\ndescription = \"Security officer\"\nholders = [{}]\n",
                toml_str(HOSTILE)
            ),
        ),
    ]);
    // A document whose very name carries an escape sequence.
    std::fs::create_dir_all(ws.path().join("docs/security")).unwrap();
    std::fs::write(
        ws.path()
            .join(format!("docs/security/threat-model-{HOSTILE}.md")),
        "# Threat model\n",
    )
    .unwrap();
    let who = Identity {
        author: (HOSTILE, "mallory@example.org"),
        committer: (HOSTILE, "mallory@example.org"),
        date: "2024-01-01T00:00:00Z",
    };
    common::git_as(ws.path(), &who, &["init", "-q"]);
    common::git_as(ws.path(), &who, &["add", "-A"]);
    common::git_as(
        ws.path(),
        &who,
        &[
            "commit",
            "-q",
            "-m",
            &format!("release {HOSTILE}\n\nRUSTSEC-2020-0001 {HOSTILE}"),
        ],
    );
    for args in [
        &["check", "--color", "never"][..],
        &["check", "--format", "json"],
        &["check", "--format", "markdown"],
    ] {
        let run = bounded(ws.path(), args, 60);
        assert_clean(&format!("{args:?} stdout"), &run.output.stdout);
        assert_clean(&format!("{args:?} stderr"), &run.output.stderr);
    }
    let run = bounded(
        ws.path(),
        &[
            "report",
            "--out",
            "target/pkg",
            "--archive",
            "target/pkg.tar.gz",
        ],
        60,
    );
    assert_clean("report stdout", &run.output.stdout);
    assert_clean("report stderr", &run.output.stderr);
    assert!(run.code <= 1, "{}", run.stderr());
    let files = all_files(&ws.path().join("target/pkg"));
    assert!(
        files.iter().any(|(p, _)| p == "index.html"),
        "{}",
        run.stderr()
    );
    for (path, bytes) in files {
        // Copies of the repository's own documents are evidence byte for byte; every file
        // cargo-sdl writes itself must be clean.
        if !path.starts_with("documents/") {
            assert_clean(&path, &bytes);
        }
    }
    let report = std::fs::read_to_string(ws.path().join("target/pkg/report.json")).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(
        parsed["product"]["name"], HOSTILE,
        "the JSON escapes keep the value itself"
    );
}

/// A TOML basic string with every control escaped, as TOML requires.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
fn unicode_lookalikes_of_advisory_ids_in_history_are_not_a_panic() {
    // U+017F folds to `s` under Unicode case-insensitive matching, U+212A to `k`: a regex
    // that matched them as an advisory id then sliced inside the character (exit 101).
    let ws = workspace_with(&[]);
    let who = Identity {
        author: ("Alice", "alice@example.org"),
        committer: ("Alice", "alice@example.org"),
        date: "2024-01-01T00:00:00Z",
    };
    common::git_as(ws.path(), &who, &["init", "-q"]);
    common::git_as(ws.path(), &who, &["add", "-A"]);
    common::git_as(
        ws.path(),
        &who,
        &[
            "commit",
            "-q",
            "-m",
            "Fix RUST\u{17f}EC-2020-0001 and GHSA-\u{212a}xxx-xxxx-xxxx, cve-2020-1234",
        ],
    );
    let run = bounded(ws.path(), &["check", "--format", "json"], 60);
    let report: serde_json::Value = serde_json::from_slice(&run.output.stdout).unwrap();
    let fixes = &report["evidence"]["git"]["value"]["security_fix_commits"];
    assert!(fixes.is_array(), "{}", report["evidence"]["git"]);
    let fixes = fixes.to_string();
    assert!(
        !fixes.contains("RUST"),
        "a lookalike was taken for an id: {fixes}"
    );
    assert!(
        fixes.contains("CVE-2020-1234"),
        "the ASCII id is found: {fixes}"
    );
}
