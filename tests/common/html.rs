//! What the page tests share (`tests/html.rs` for a report's `index.html`, `tests/portfolio.rs`
//! for a portfolio's): the page's own markup, checks that it stays inert, and headless
//! Chromium.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The raw tags of a page (everything between `<` and `>`). Escaped text cannot contain a
/// raw `<` or `>`, so these are exactly the page's own markup.
pub(crate) fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let after = &rest[start..];
        let end = after.find('>').map_or(after.len(), |e| e + 1);
        out.push(&after[..end]);
        rest = &after[end..];
    }
    out
}

/// The values of one attribute across all tags.
pub(crate) fn attribute_values<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let needle = format!(" {name}=\"");
    tags(html)
        .into_iter()
        .flat_map(|t| {
            t.match_indices(&needle)
                .filter_map(|(i, _)| {
                    let v = &t[i + needle.len()..];
                    v.find('"').map(|e| &v[..e])
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The page's own markup never carries an event handler, a script, an image, an embedded
/// frame or a `javascript:` URL, whatever the report contains.
pub(crate) fn assert_inert(html: &str) {
    let handler = regex::Regex::new(r"(?i)[\s/\x22']on[a-z]+\s*=").unwrap();
    for tag in tags(html) {
        let lower = tag.to_ascii_lowercase();
        for bad in [
            "<script",
            "<img",
            "<iframe",
            "<object",
            "<embed",
            "<link",
            "<base",
            "<form",
            "javascript:",
            " src=",
            "{{",
            "{%",
        ] {
            assert!(!lower.contains(bad), "markup contains {bad:?}: {tag}");
        }
        assert!(!handler.is_match(tag), "markup has an event handler: {tag}");
    }
    for whole in attribute_values(html, "href") {
        // A link may end in a fragment: an element id.
        let (href, fragment) = whole.split_once('#').unwrap_or((whole, ""));
        assert!(
            fragment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "fragment {whole:?}"
        );
        if href.is_empty() {
            continue;
        }
        assert!(!href.starts_with('/'), "absolute href {href:?}");
        assert!(!href.contains(".."), "href leaves the package: {href:?}");
        let before_slash = href.split('/').next().unwrap_or("");
        assert!(!before_slash.contains(':'), "href with a scheme: {href:?}");
        assert!(
            href.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.~/%".contains(c)),
            "href not percent-encoded: {href:?}"
        );
    }
}

/// Chromium, or `None` after [`super::missing_named`] (a failure under CI).
pub(crate) fn require_chromium() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        super::missing_named(
            "chromium",
            "no chromium found (set CHROMIUM, or install Debian's `chromium`)",
        );
    }
    found
}

fn chromium() -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(["chromium", "chromium-browser"].map(PathBuf::from))
        .collect();
    candidates.into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Run Chromium headless on `page` with `extra` arguments; (stdout, stderr).
pub(crate) fn run_chromium(
    bin: &Path,
    profile: &Path,
    page: &Path,
    extra: &[&str],
) -> (String, String) {
    let out_dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--window-size=1280,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        // Files, not pipes: a full pipe would block Chromium while we poll.
        .stdout(std::fs::File::create(out_dir.path().join("stdout")).unwrap())
        .stderr(std::fs::File::create(out_dir.path().join("stderr")).unwrap())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let stdout = std::fs::read_to_string(out_dir.path().join("stdout")).unwrap();
            let stderr = std::fs::read_to_string(out_dir.path().join("stderr")).unwrap();
            assert!(status.success(), "chromium failed: {status}\n{stderr}");
            return (stdout, stderr);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Console messages that mean the page tried to run script or load something. The page has no
/// script, so any console message at all is a finding.
pub(crate) fn assert_clean_console(stderr: &str) {
    for bad in [
        ":CONSOLE",
        "Uncaught",
        "SyntaxError",
        "Content Security Policy",
        "Refused to",
        "ERR_FILE_NOT_FOUND",
        "net::ERR",
        "http://",
        "https://",
    ] {
        let hits: Vec<&str> = stderr.lines().filter(|l| l.contains(bad)).collect();
        assert!(
            hits.is_empty(),
            "chromium reported {bad:?}:\n{}",
            hits.join("\n")
        );
    }
}

/// A screenshot of `page` by headless Chromium, kept as `name` under the test target's folder
/// for a person to look at; fails unless it is a PNG of a page that rendered something.
pub(crate) fn screenshot(bin: &Path, profile: &Path, page: &Path, name: &str) -> Vec<u8> {
    let shot_dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(shot_dir).unwrap();
    let shot = shot_dir.join(name);
    let _ = std::fs::remove_file(&shot);
    run_chromium(
        bin,
        profile,
        page,
        &[&format!("--screenshot={}", shot.display())],
    );
    let png = std::fs::read(&shot).expect("chromium wrote the screenshot");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    assert!(
        png.len() > 20_000,
        "screenshot suspiciously small: {} bytes",
        png.len()
    );
    eprintln!("screenshot: {}", shot.display());
    png
}
