//! What the product is, on repositories shaped like real ones: only the product's tags are its
//! releases, and the pattern in force is printed.

mod common;

use common::{text, workspace_with, write_files};

fn at(dir: &std::path::Path, args: &[&str]) -> String {
    common::git::git_in(dir, args, "Alice", "alice@example.org", 1_767_225_600, &[])
}

fn check(dir: &std::path::Path) -> serde_json::Value {
    let home = common::cargo_home(false);
    let out = common::command(dir, home.path())
        .args([
            "check",
            "--format",
            "json",
            "--current-time",
            "2026-06-01T00:00:00Z",
        ])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn release_tags(report: &serde_json::Value) -> Vec<String> {
    report["evidence"]["git"]["value"]["releases"]
        .as_array()
        .expect("releases")
        .iter()
        .map(|r| r["tag"].as_str().unwrap().to_string())
        .collect()
}

fn tag_all(dir: &std::path::Path, tags: &[&str]) {
    at(dir, &["init", "-q"]);
    at(dir, &["add", "-A"]);
    at(dir, &["commit", "-q", "-m", "initial"]);
    for t in tags {
        at(dir, &["tag", "-a", "-m", t, t]);
    }
}

#[test]
fn tags_of_other_crates_are_not_the_products_releases() {
    if !common::require_tool("git") {
        return;
    }
    // The product is the root package `demo`; `home` is another crate of the repository.
    let ws = workspace_with(&[]);
    let dir = ws.path();
    tag_all(
        dir,
        &[
            "home-0.5.11",
            "home-0.5.12",
            "v1.0.0",
            "demo-v1.1.0",
            "demo-extra-2.0.0",
        ],
    );
    let r = check(dir);
    assert_eq!(release_tags(&r), ["v1.0.0", "demo-v1.1.0"]);
    let said = r["assessed"]["releases"].as_str().unwrap();
    assert!(said.starts_with("2 found, newest demo-v1.1.0"), "{said}");
    assert!(
        said.contains("demo-v1.2.3"),
        "the pattern in force is named: {said}"
    );
    // The signed-tags finding names the same pattern.
    let finding = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "release-tags-signed")
        .expect("release-tags-signed");
    let cited: Vec<&str> = finding["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert_eq!(cited, ["demo-v1.1.0", "v1.0.0"], "{finding}");

    // Configured, the other crate's tags are releases too.
    write_files(
        dir,
        &[(
            "sdl.toml",
            "[git]\nrelease-tag-pattern = '^(?:(?P<name>home|demo)-)?v?(?P<major>[0-9]+)\\.(?P<minor>[0-9]+)\\.(?P<patch>[0-9]+)$'\n",
        )],
    );
    let r = check(dir);
    assert_eq!(
        release_tags(&r),
        ["v1.0.0", "demo-v1.1.0", "home-0.5.11", "home-0.5.12"]
    );
    assert!(
        r["assessed"]["releases"]
            .as_str()
            .unwrap()
            .contains("[git] release-tag-pattern")
    );
}

#[test]
fn a_configured_product_name_names_its_tags() {
    if !common::require_tool("git") {
        return;
    }
    // A virtual workspace: no root package, so only unprefixed tags, until sdl.toml names
    // the product.
    let ws = tempfile::tempdir().unwrap();
    let dir = ws.path();
    write_files(
        dir,
        &[
            ("Cargo.toml", "[workspace]\nmembers = [\"plc\"]\n"),
            (
                "plc/Cargo.toml",
                "[package]\nname = \"plc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            ("plc/src/lib.rs", "#![forbid(unsafe_code)]\n"),
        ],
    );
    tag_all(dir, &["plc-v0.1.0", "0.9.0", "controller-v1.0.0"]);
    let r = check(dir);
    assert_eq!(release_tags(&r), ["0.9.0"]);
    assert!(
        r["assessed"]["releases"]
            .as_str()
            .unwrap()
            .contains("no root package"),
        "{}",
        r["assessed"]
    );

    write_files(dir, &[("sdl.toml", "[product]\nname = \"controller\"\n")]);
    let r = check(dir);
    assert_eq!(release_tags(&r), ["0.9.0", "controller-v1.0.0"]);
}

#[test]
fn a_pinned_toolchain_the_machine_lacks_does_not_cost_the_metadata() {
    if !common::require_tool("git") {
        return;
    }
    // A nightly and a future release the machine cannot have: cargo metadata runs with the
    // toolchain that runs cargo-sdl, the licences are read, and the report says so.
    for pin in [
        "[toolchain]\nchannel = \"1.97.0\"\n",
        "nightly-2031-01-01\n",
    ] {
        let ws = workspace_with(&[
            (
                "Cargo.toml",
                "[package]\nname = \"demo\"\nversion = \"0.3.0\"\nedition = \"2021\"\nlicense = \"MIT\"\n",
            ),
            (
                "Cargo.lock",
                "version = 4\n\n[[package]]\nname = \"demo\"\nversion = \"0.3.0\"\n",
            ),
        ]);
        let dir = ws.path();
        let name = if pin.starts_with('[') {
            "rust-toolchain.toml"
        } else {
            "rust-toolchain"
        };
        write_files(dir, &[(name, pin)]);
        tag_all(dir, &[]);
        let r = check(dir);
        let cargo = &r["evidence"]["cargo"]["value"];
        assert_eq!(cargo["origin"], "cargo-metadata", "{cargo}");
        assert!(cargo["partial"].is_null(), "{cargo}");
        let demo = cargo["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "demo")
            .unwrap();
        assert_eq!(demo["license"], "MIT");
        let said = cargo["toolchain_pin"].as_str().unwrap();
        assert!(said.starts_with(&format!("{name} pins")), "{said}");
        assert!(said.contains("not honoured"), "{said}");
        assert!(cargo["toolchain"].as_str().unwrap().starts_with("rustc "));
    }
}
