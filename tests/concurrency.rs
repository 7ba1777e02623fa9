//! The collectors run side by side; the package they give is byte-identical to the one a
//! sequential run (`CARGO_SDL_SEQUENTIAL=1`) gives, whatever the scheduling.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{passing_workspace, text};

fn package(dir: &Path, out: &str, sequential: bool) -> BTreeMap<String, Vec<u8>> {
    let home = common::cargo_home(true);
    let mut cmd = common::command(dir, home.path());
    cmd.args([
        "report",
        "--out",
        out,
        "--current-time",
        "2026-06-01T00:00:00Z",
    ]);
    if sequential {
        cmd.env("CARGO_SDL_SEQUENTIAL", "1");
    } else {
        cmd.env_remove("CARGO_SDL_SEQUENTIAL");
    }
    let run = cmd.output().unwrap();
    assert!(
        matches!(run.status.code(), Some(0 | 1)),
        "{}",
        text(&run.stderr)
    );
    cargo_sdl::package::read_dir_files(&dir.join(out)).unwrap()
}

#[test]
fn concurrent_collection_gives_the_sequential_bytes() {
    if !common::require_tool("git") {
        return;
    }
    let ws = passing_workspace();
    let dir = ws.path();
    let git = |args: &[&str]| {
        common::git::git_in(dir, args, "Alice", "alice@example.org", 1_767_225_600, &[])
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "initial"]);
    git(&["tag", "-a", "-m", "v0.1.0", "v0.1.0"]);
    // Two more releases: they are re-assessed side by side too.
    for tag in ["v0.2.0", "v0.3.0"] {
        std::fs::write(dir.join("CHANGELOG.md"), format!("# {tag}\n")).unwrap();
        git(&["add", "-A"]);
        git(&["commit", "-q", "-m", tag]);
        git(&["tag", "-a", "-m", tag, tag]);
    }
    let sequential = package(dir, "target/sequential", true);
    assert!(sequential.contains_key("report.json"));
    assert!(sequential.contains_key("advisories.json"));
    let report = String::from_utf8(sequential["report.json"].clone()).unwrap();
    assert!(
        report.contains("\"reassessed_releases\"") && report.contains("\"tag\": \"v0.2.0\""),
        "the releases are re-assessed"
    );
    for round in 0..3 {
        let concurrent = package(dir, &format!("target/concurrent-{round}"), false);
        assert_eq!(
            concurrent.keys().collect::<Vec<_>>(),
            sequential.keys().collect::<Vec<_>>()
        );
        for (name, bytes) in &sequential {
            assert!(
                concurrent[name] == *bytes,
                "{name} differs between a concurrent and a sequential run"
            );
        }
    }
}
