//! Documents and statements as evidence, over small repositories built here (offline): a keyword
//! is a lead, never a pass. Each test is a pattern seen on a real repository — a false pass
//! (a manual page's heading taken as disposal guidance, an MSRV's "12 months" as a response
//! time-frame) or missed evidence (a `## Threat model` section of SECURITY.md).

mod common;
use std::path::Path;

use cargo_sdl::catalog::Catalog;
use cargo_sdl::collect::files::collect;
use cargo_sdl::config::{Config, Product};
use cargo_sdl::eval::{Finding, Outcome, evaluate};
use cargo_sdl::facts::files::{Basis, FileFacts};
use cargo_sdl::facts::{Collected, EvidenceRef, Facts};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A directory with `files` (path, text).
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

fn catalog() -> Catalog {
    Catalog::embedded(&cargo_sdl::eval::rules::builtin_ids()).unwrap()
}

/// The configuration of `root`: its sdl.toml, validated as a run would.
fn config(root: &Path) -> Config {
    let product = Product {
        name: "demo".into(),
        version: "1.0.0".into(),
        ..Product::default()
    };
    Config::load(root, None, &catalog(), product).unwrap()
}

fn facts(root: &Path) -> FileFacts {
    match collect(root, &config(root)) {
        Collected::Present { value } => value,
        other => panic!("collector did not run: {other:?}"),
    }
}

/// The finding of rule `id` over the files of `root`.
fn finding(root: &Path, id: &str) -> Finding {
    let facts = Facts {
        files: Collected::present(facts(root)),
        ..Facts::nothing("2026-06-01T00:00:00Z", "not collected in this test")
    };
    let now = cargo_sdl::timefmt::parse("2026-06-01T00:00:00Z").unwrap();
    evaluate(&facts, &catalog(), &config(root), now)
        .findings
        .into_iter()
        .find(|f| f.rule == id)
        .unwrap_or_else(|| panic!("no finding for {id}"))
}

/// The line a piece of evidence points at.
fn line(e: &EvidenceRef) -> Option<u32> {
    match e {
        EvidenceRef::File { line, .. } => *line,
        _ => None,
    }
}

const SECURITY_MD: &str = "# Security Policy\n\nReport vulnerabilities to security@demo.example.\n";

/// A workspace's manual pages and guides, as a large Rust workspace keeps them: none of these
/// headings is user security guidance.
const MAN_PAGE: &str = "# cargo-uninstall(1)\n\n## NAME\n\ncargo-uninstall --- Remove a Rust binary\n\n\
    ## DESCRIPTION\n\nThis command removes a package installed with cargo-install(1).\n";
const SEMVER: &str = "# SemVer Compatibility\n\n\
    ## Changing the platform and environment requirements\n\n\
    There is a very wide range of assumptions a library makes about the environment it runs \
    in, such as the host platform and operating system version.\n";
const PUBLISHING: &str = "# Publishing\n\n## GitHub permissions\n\n\
    Team owners can publish new versions of the crate to the registry.\n";
const STORAGE: &str = "# Kernel design\n\n## Storage permissions\n\n\
    Each process may read and write only the storage regions the kernel grants it.\n";

#[test]
fn a_manual_page_heading_is_no_disposal_guideline() {
    // SG-4: `cargo-uninstall(1)` names no topic; nothing else does either.
    let dir = repo(&[
        ("SECURITY.md", SECURITY_MD),
        ("src/doc/man/cargo-uninstall.md", MAN_PAGE),
    ]);
    let f = finding(dir.path(), "guidelines-disposal");
    assert_eq!(f.outcome, Outcome::Fail, "{}", f.message);
    // Searched, but neither evidence nor a candidate.
    assert!(
        f.message.contains("src/doc/man/cargo-uninstall.md") && !f.message.contains("(1)"),
        "{}",
        f.message
    );
    let candidates = facts(dir.path()).candidates;
    assert!(candidates.is_empty(), "{candidates:?}");
}

#[test]
fn headings_in_guides_are_candidates_never_evidence() {
    // SG-2: a semver guide's heading does name "environment requirements", but the guide is no
    // security document: a candidate, so unknown, never pass.
    let dir = repo(&[
        ("SECURITY.md", SECURITY_MD),
        ("src/doc/src/reference/semver.md", SEMVER),
    ]);
    let f = finding(dir.path(), "guidelines-environment");
    assert_eq!(f.outcome, Outcome::Unknown, "{}", f.message);
    assert!(
        f.message.contains(
            "src/doc/src/reference/semver.md:3 \"## Changing the platform and environment \
             requirements\""
        ) && f.message.contains(
            "[guidelines] environment = \"src/doc/src/reference/semver.md#changing-the-platform-\
             and-environment-requirements\""
        ),
        "{}",
        f.message
    );
}

#[test]
fn permissions_alone_are_no_account_management() {
    // SG-6: publishing rights and a kernel's storage permissions are not about user accounts.
    for (path, text) in [
        ("src/doc/src/reference/publishing.md", PUBLISHING),
        ("doc/kernel/storage.md", STORAGE),
        ("docs/security/storage.md", STORAGE),
    ] {
        let dir = repo(&[("SECURITY.md", SECURITY_MD), (path, text)]);
        let f = finding(dir.path(), "guidelines-accounts");
        assert_eq!(f.outcome, Outcome::Fail, "{path}: {}", f.message);
    }
}

#[test]
fn a_topic_heading_in_security_md_is_evidence() {
    // A section of a conventional security document whose heading names the topic counts.
    let dir = repo(&[(
        "SECURITY.md",
        "# Security Policy\n\nReport to security@demo.example.\n\n## Decommissioning\n\n\
         Stop the service, then delete /var/lib/demo and revoke its API keys.\n",
    )]);
    let f = finding(dir.path(), "guidelines-disposal");
    assert_eq!(f.outcome, Outcome::Pass, "{}", f.message);
    assert!(
        f.message
            .contains("SECURITY.md:5: \"## Decommissioning\" (11 words; in a conventional"),
        "{}",
        f.message
    );
}

const THREAT_SECTION: &str = "# Security Policy\n\n## Reporting a Vulnerability\n\n\
    Please report security bugs to security@demo.example.\n\n\
    ## Threat model\n\n\
    ### Scope\n\n\
    The library terminates TLS for a server that holds its private key in memory. Peers are \
    untrusted; the application and the operating system are trusted.\n\n\
    ### Trust boundaries\n\n\
    Everything received from the network crosses a boundary and is parsed defensively, with \
    lengths checked before any allocation.\n\n\
    ### Threats\n\n\
    | Threat | Mitigation |\n\
    |---|---|\n\
    | A peer sends malformed handshake messages | Strict parsing; fuzzed |\n\
    | A network attacker downgrades the protocol | Downgrade sentinels checked |\n\n\
    ## Supported versions\n\nThe latest release.\n";

#[test]
fn a_threat_model_section_of_security_md_is_found() {
    let dir = repo(&[("SECURITY.md", THREAT_SECTION)]);
    let f = facts(dir.path());
    let tm: Vec<(&str, Option<u32>, Basis)> = f
        .documents
        .iter()
        .filter(|d| d.kind == "threat-model")
        .map(|d| {
            (
                d.file.path.as_str(),
                d.section.as_ref().map(|s| s.line),
                d.basis,
            )
        })
        .collect();
    assert_eq!(tm, vec![("SECURITY.md", Some(7), Basis::Conventional)]);
    // Its threats are the section's, counted.
    assert_eq!(f.threat_models.len(), 1);
    let counts = f.threat_models[0].threats.as_ref().unwrap();
    assert_eq!((counts.total, counts.with_mitigation), (2, 2));

    let r = finding(dir.path(), "threat-model-present");
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
    assert!(
        r.message
            .contains("the section SECURITY.md:7 \"Threat model\""),
        "{}",
        r.message
    );
    assert_eq!(r.evidence.len(), 1);
    assert_eq!(line(&r.evidence[0]), Some(7));
    // The policy is still the whole file.
    let p = finding(dir.path(), "security-policy-present");
    assert_eq!(p.outcome, Outcome::Pass, "{}", p.message);
}

const DESIGN_WITH_THREATS: &str = "# Architecture notes\n\n## Parser\n\nHand-written.\n\n\
    ## Threat model\n\n\
    | Threat | Mitigation |\n|---|---|\n| Oversized frames | Length limits |\n\n\
    Attackers on the network may send anything; every frame is checked against its declared \
    length before it is parsed, and parsing never allocates more than the limit allows. The \
    service runs as an unprivileged user in a container, and its configuration is read-only. \
    Keys live in the operating system's key store.\n";

#[test]
fn a_threat_model_heading_elsewhere_is_a_candidate_until_designated() {
    let files = [
        ("SECURITY.md", SECURITY_MD),
        ("docs/internals.md", DESIGN_WITH_THREATS),
    ];
    let dir = repo(&files);
    let r = finding(dir.path(), "threat-model-present");
    assert_eq!(r.outcome, Outcome::Unknown, "{}", r.message);
    assert!(
        r.message
            .contains("docs/internals.md:7 \"## Threat model\"")
            && r.message
                .contains("[documents] threat-model = \"docs/internals.md#threat-model\""),
        "{}",
        r.message
    );

    // The line it proposes, added by a person, makes it evidence: the section alone.
    write(
        dir.path(),
        "sdl.toml",
        "[documents]\nthreat-model = \"docs/internals.md#threat-model\"\n",
    );
    let r = finding(dir.path(), "threat-model-present");
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
    assert!(
        r.message
            .contains("the section docs/internals.md:7 \"Threat model\" (")
            && r.message.contains("designated in sdl.toml"),
        "{}",
        r.message
    );
    let f = facts(dir.path());
    assert!(
        f.candidates
            .iter()
            .all(|c| c.key != "documents.threat-model")
    );

    // An anchor that names no heading is an honest unknown, naming the anchors there are.
    write(
        dir.path(),
        "sdl.toml",
        "[documents]\nthreat-model = \"docs/internals.md#threats\"\n",
    );
    let r = finding(dir.path(), "threat-model-present");
    assert_eq!(r.outcome, Outcome::Unknown, "{}", r.message);
    assert!(
        r.message.contains("`#threats`") && r.message.contains("#threat-model"),
        "{}",
        r.message
    );
}

#[test]
fn a_designated_guideline_section_counts() {
    let dir = repo(&[
        ("SECURITY.md", SECURITY_MD),
        (
            "docs/operations.md",
            "# Operations\n\n## Uninstalling\n\nRemove the binary and ~/.demo with its keys.\n",
        ),
    ]);
    let r = finding(dir.path(), "guidelines-disposal");
    assert_eq!(r.outcome, Outcome::Unknown, "{}", r.message);
    write(
        dir.path(),
        "sdl.toml",
        "[guidelines]\ndisposal = \"docs/operations.md#uninstalling\"\n",
    );
    let r = finding(dir.path(), "guidelines-disposal");
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
    assert!(
        r.message.contains("docs/operations.md:3") && r.message.contains("designated in sdl.toml"),
        "{}",
        r.message
    );
}

#[test]
fn designations_are_validated() {
    let dir = repo(&[("docs/ops.md", "# Ops\n")]);
    let load = |toml: &str| {
        write(dir.path(), "sdl.toml", toml);
        Config::load(dir.path(), None, &catalog(), Product::default()).map_err(|e| e.to_string())
    };
    let err = load("[guidelines]\nrecycling = \"docs/ops.md\"\n").unwrap_err();
    assert!(
        err.contains("guidelines.recycling") && err.contains("known topics: defense-in-depth"),
        "{err}"
    );
    let err = load("[guidelines]\ndisposal = \"docs/ops.md#two words\"\n").unwrap_err();
    assert!(err.contains("is not a section anchor"), "{err}");
    let err = load("[documents]\nthreat-model = \"docs/none.md#threat-model\"\n").unwrap_err();
    assert!(err.contains("documents.threat-model"), "{err}");
    let ok = load("[guidelines]\ndisposal = [\"docs/ops.md#Ops\", \"docs/ops.md\"]\n").unwrap();
    assert_eq!(
        ok.guidelines["disposal"],
        vec!["docs/ops.md#ops".to_string(), "docs/ops.md".to_string()]
    );
}

/// The TLS library's SECURITY.md, as read in November 2026 (abridged).
const TLS_POLICY: &str = "# Security Policy\n\n## Supported Versions\n\n\
    Security fixes will be backported only to the versions for which the\n\
    original semver-compatible release was published less than 2 years ago.\n\n\
    ### Minimum Supported Rust Version\n\n\
    From time to time we will update our minimum supported Rust version (MSRV):\n\n\
    - Our MSRV will be no more recent than 9 versions old, or approximately 12 months.\n\n\
    ## Reporting a Vulnerability\n\n\
    Please report security bugs [via github](https://github.com/o/r/security/advisories/new).\n\
    Make sure to disclose any use of AI assistance upfront.\n\n\
    We'll then:\n\n\
    - Prepare a fix and regression tests.\n\
    - Backport the fix and make a patch release for most recent release.\n\
    - Submit an advisory to [rustsec/advisory-db](https://github.com/RustSec/advisory-db).\n\
    - Refer to the advisory on the main README.md and release notes.\n";

#[test]
fn an_msrv_window_is_no_response_time_frame() {
    let dir = repo(&[("SECURITY.md", TLS_POLICY)]);
    let r = finding(dir.path(), "security-policy-timeframes");
    assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
    // The message quotes what was set aside, and why.
    assert!(
        r.message.contains(
            "SECURITY.md:12 \"Our MSRV will be no more recent than 9 versions old, or \
             approximately 12 months.\" (a time-frame about the supported Rust version"
        ),
        "{}",
        r.message
    );
}

#[test]
fn the_disclosure_policy_is_the_advisory_not_the_ai_sentence() {
    let dir = repo(&[("SECURITY.md", TLS_POLICY)]);
    let r = finding(dir.path(), "security-policy-disclosure");
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
    assert!(
        r.message.starts_with(
            "SECURITY.md states a disclosure policy: SECURITY.md:23 \"Submit an advisory to \
             [rustsec/advisory-db]"
        ) && !r.message.contains("AI assistance"),
        "{}",
        r.message
    );
    let lines: Vec<Option<u32>> = r.evidence.iter().map(line).collect();
    assert_eq!(lines, vec![Some(23), Some(24)]);

    // Without the list, the AI sentence alone states no policy: a fail that quotes it.
    let alone = TLS_POLICY.split("We'll then:").next().unwrap();
    let dir = repo(&[("SECURITY.md", alone)]);
    let r = finding(dir.path(), "security-policy-disclosure");
    assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
    assert!(
        r.message
            .contains("SECURITY.md:17 \"Make sure to disclose any use of AI assistance upfront.\""),
        "{}",
        r.message
    );
}

#[test]
fn a_response_time_frame_in_a_sentence_about_reports_counts() {
    let dir = repo(&[(
        "SECURITY.md",
        "# Security Policy\n\nReport to security@demo.example.\n\n\
         We acknowledge reports within 3 business days and release fixes for critical \
         vulnerabilities within 30 days.\n",
    )]);
    let r = finding(dir.path(), "security-policy-timeframes");
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
    assert!(
        r.message
            .contains("SECURITY.md:5 \"We acknowledge reports within 3 business days"),
        "{}",
        r.message
    );
}

#[test]
fn nothing_to_judge_is_not_applicable() {
    // No security.txt is published: nothing can be stale.
    let dir = repo(&[("SECURITY.md", SECURITY_MD)]);
    let r = finding(dir.path(), "security-txt-current");
    assert_eq!(r.outcome, Outcome::NotApplicable, "{}", r.message);
}

#[test]
fn discover_proposes_and_init_writes_candidates_but_designates_nothing() {
    let dir = repo(&[
        (
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/main.rs", "fn main() {}\n"),
        ("SECURITY.md", SECURITY_MD),
        ("docs/internals.md", DESIGN_WITH_THREATS),
        (
            "docs/operations.md",
            "# Operations\n\n## Uninstalling\n\nRemove the binary and ~/.demo with its keys.\n",
        ),
        ("src/doc/man/cargo-uninstall.md", MAN_PAGE),
    ]);
    let root = dir.path();
    let out = common::sdl(root, &["discover"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    let text = common::text(&out.stdout);
    assert!(
        text.contains(
            "# [documents]\n# docs/internals.md:7 \"## Threat model\" (57 words)\n\
             # threat-model = \"docs/internals.md#threat-model\"\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "# [guidelines]\n# docs/operations.md:3 \"## Uninstalling\" (8 words)\n\
             # disposal = \"docs/operations.md#uninstalling\"\n"
        ),
        "{text}"
    );
    assert!(text.contains("#   security-policy: SECURITY.md (at a conventional place)"));
    assert!(!text.contains("cargo-uninstall"), "{text}");
    // Every line is a comment: pasted whole, it designates nothing.
    assert!(
        text.lines().all(|l| l.is_empty() || l.starts_with('#')),
        "{text}"
    );

    let out = common::sdl(root, &["discover", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tomls: Vec<&str> = json["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["toml"].as_str().unwrap())
        .collect();
    assert_eq!(
        tomls,
        vec![
            "[documents] threat-model = \"docs/internals.md#threat-model\"",
            "[documents] design = \"docs/internals.md#architecture-notes\"",
            "[guidelines] disposal = \"docs/operations.md#uninstalling\"",
        ]
    );

    // init writes them into the new sdl.toml as comments: the configuration designates nothing.
    let out = common::sdl(root, &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    assert!(common::text(&out.stdout).contains("sdl.toml ends with candidate designations"));
    let written = std::fs::read_to_string(root.join("sdl.toml")).unwrap();
    assert!(
        written.ends_with(
            "# for [guidelines]:\n# docs/operations.md:3 \"## Uninstalling\" (8 words)\n\
             # disposal = \"docs/operations.md#uninstalling\"\n"
        ),
        "{written}"
    );
    let c = config(root);
    assert!(c.documents.is_empty() && c.guidelines.is_empty(), "{c:?}");
    let r = finding(root, "threat-model-present");
    assert_eq!(r.outcome, Outcome::Unknown, "{}", r.message);
}

#[test]
fn a_security_section_of_the_readme_is_a_candidate_policy() {
    let readme = "# Demo\n\nA demo.\n\n## Security\n\nReport vulnerabilities to security@demo.example; \
                  we acknowledge reports within 3 business days.\n";
    let dir = repo(&[("README.md", readme)]);
    for id in [
        "security-policy-present",
        "security-policy-timeframes",
        "security-policy-disclosure",
    ] {
        let r = finding(dir.path(), id);
        assert_eq!(r.outcome, Outcome::Unknown, "{id}: {}", r.message);
        assert!(
            r.message
                .contains("[documents] security-policy = \"README.md#security\""),
            "{id}: {}",
            r.message
        );
    }
    // Designated, the section is the policy, read on its own.
    write(
        dir.path(),
        "sdl.toml",
        "[documents]\nsecurity-policy = \"README.md#security\"\n",
    );
    let r = finding(dir.path(), "security-policy-present");
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
    let r = finding(dir.path(), "security-policy-timeframes");
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
    assert!(
        r.message.contains("README.md:7 \"Report vulnerabilities"),
        "{}",
        r.message
    );
}

#[test]
fn a_workspace_in_a_subfolder_designates_relative_to_its_folder() {
    let dir = repo(&[
        ("SECURITY.md", SECURITY_MD),
        (
            "docs/operations.md",
            "# Operations\n\n## Uninstalling\n\nRemove the binary and ~/.demo with its keys.\n",
        ),
        ("ws/docs/internals.md", DESIGN_WITH_THREATS),
    ]);
    // A repository's top: the workspace is its folder ws/.
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let ws = dir.path().join("ws");
    let r = finding(&ws, "threat-model-present");
    assert_eq!(r.outcome, Outcome::Unknown, "{}", r.message);
    assert!(
        r.message
            .contains("ws/docs/internals.md:7 \"## Threat model\"")
            && r.message
                .contains("[documents] threat-model = \"docs/internals.md#threat-model\""),
        "{}",
        r.message
    );
    // The repository's own docs/ lie outside the workspace's folder: sdl.toml cannot reach
    // them, and the message says so instead of proposing a line that would not load.
    let r = finding(&ws, "guidelines-disposal");
    assert_eq!(r.outcome, Outcome::Unknown, "{}", r.message);
    assert!(
        r.message
            .contains("docs/operations.md:3 \"## Uninstalling\"")
            && r.message.contains("outside the workspace's folder")
            && !r.message.contains("[guidelines]"),
        "{}",
        r.message
    );
    // The proposed line loads and designates the section.
    write(
        &ws,
        "sdl.toml",
        "[documents]\nthreat-model = \"docs/internals.md#threat-model\"\n",
    );
    let r = finding(&ws, "threat-model-present");
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
    assert!(
        r.message.contains("the section ws/docs/internals.md:7"),
        "{}",
        r.message
    );
}

#[test]
fn discover_shows_hostile_headings_escaped() {
    let heading = "## Uninstalling \u{1b}[2J\u{202e}now";
    let dir = repo(&[
        (
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/main.rs", "fn main() {}\n"),
        (
            "docs/ops.md",
            &format!("# Ops\n\n{heading}\n\nRemove the binary and its keys.\n"),
        ),
    ]);
    for args in [&["discover"][..], &["discover", "--format", "json"][..]] {
        let out = common::sdl(dir.path(), args);
        assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
        let text = common::text(&out.stdout);
        assert!(text.contains("docs/ops.md"), "{text}");
        assert!(
            !text.chars().any(|c| c == '\u{1b}' || c == '\u{202e}'),
            "{args:?}: {text:?}"
        );
    }
}

/// A vendored copy of another project's documents under a security folder is not this
/// project's security documentation: its headings are no evidence (a review passed the policy
/// rules with another project's CHANGES file two folders down).
#[test]
fn a_vendored_document_deep_in_the_security_folder_is_no_evidence() {
    let vendored = "# Security policy\n\nReport vulnerabilities to sec@otherlib.example. We \
                    acknowledge every report within 3 days and publish an advisory once \
                    fixed.\n\n## Threat model\n\nAttackers control the network input of \
                    otherlib; the parser is the trust boundary.\n";
    for path in [
        "docs/security/vendored/otherlib/CHANGES.md",
        "docs/security/vendor/SECURITY.md",
    ] {
        let dir = repo(&[(path, vendored)]);
        for rule in ["security-policy-present", "threat-model-present"] {
            let r = finding(dir.path(), rule);
            assert_ne!(r.outcome, Outcome::Pass, "{path} {rule}: {}", r.message);
        }
    }
    // One folder down of its own is the project's: it still counts.
    let dir = repo(&[(
        "docs/security/threat-model/overview.md",
        DESIGN_WITH_THREATS,
    )]);
    let f = facts(dir.path());
    assert!(
        f.threat_models
            .iter()
            .any(|t| t.file.path == "docs/security/threat-model/overview.md"),
        "{:?}",
        f.threat_models
    );
}

/// Release notes name releases: a CHANGELOG.md that only points to a releases page elsewhere
/// is an honest unknown, never a pass (the accuracy corpus found one such pass on a TLS
/// library); one with a version entry counts and names it.
#[test]
fn a_changelog_that_only_points_elsewhere_is_unknown() {
    let pointer = "# Changelog\n\nThe release notes for every version are published on the \
                   project's GitHub releases page, not in this file.\n";
    let dir = repo(&[("CHANGELOG.md", pointer)]);
    let r = finding(dir.path(), "changelog-present");
    assert_eq!(r.outcome, Outcome::Unknown, "{}", r.message);
    assert!(
        r.message.contains("names no release version"),
        "{}",
        r.message
    );

    let notes = "# Changelog\n\n## [1.2.0] - 2026-03-01\n\n- Fixed the frame length check \
                 (RUSTSEC-2026-9001).\n\n## v1.1.0\n\nFirst stable release of the parser.\n";
    let dir = repo(&[("CHANGELOG.md", notes)]);
    let r = finding(dir.path(), "changelog-present");
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
    assert!(
        r.message
            .contains("releases from \"## [1.2.0] - 2026-03-01\" (CHANGELOG.md:3)"),
        "{}",
        r.message
    );
    // Entries being written (`TBD`, an empty `### Deprecated`) are release notes' normal
    // state, and a release may be named by an underlined heading of a few words.
    for notes in [
        "TBD\n===\nUnreleased changes.\n\n15.2.0 (2026-07-15)\n===================\nThis \
         release fixes a number of bugs in gitignore matching and traversal.\n",
        "# Changelog\n\n## [Unreleased]\n\n### Deprecated\n\n## [1.4.0]\n\n### Fixed\n\n- The \
         vsock device no longer drops packets when the guest queue is full.\n",
        "New in 2.2\n==========\n\nTock 2.2 represents two years of development since v2.1.1 \
         with many fixes.\n",
    ] {
        let dir = repo(&[("CHANGELOG.md", notes)]);
        let r = finding(dir.path(), "changelog-present");
        assert_eq!(r.outcome, Outcome::Pass, "{notes}: {}", r.message);
    }
    // Prose that mentions a version is no release entry.
    let dir = repo(&[(
        "CHANGELOG.md",
        "# Changelog\n\nThis project requires Rust 1.70; its release notes are on the \
         GitHub releases page.\n",
    )]);
    let r = finding(dir.path(), "changelog-present");
    assert_eq!(r.outcome, Outcome::Unknown, "{}", r.message);
}

/// Release notes kept per crate, in a repository with none of its own: which crate's notes
/// are the product's is a person's call, so they are candidates (unknown), not a fail.
#[test]
fn per_crate_changelogs_are_candidates() {
    let notes = "# Changelog\n\n## 1.40.0\n\n- Added a bounded channel with a timeout.\n";
    let dir = repo(&[
        ("tokio/CHANGELOG.md", notes),
        ("tokio-util/CHANGELOG.md", notes),
        ("vendor/other/CHANGELOG.md", notes),
    ]);
    let r = finding(dir.path(), "changelog-present");
    assert_eq!(r.outcome, Outcome::Unknown, "{}", r.message);
    assert!(
        r.message.contains("tokio-util/CHANGELOG.md:1")
            && r.message.contains("tokio/CHANGELOG.md:1")
            && !r.message.contains("vendor/"),
        "{}",
        r.message
    );
    assert!(
        r.message.contains("[documents] changelog = \"tokio"),
        "{}",
        r.message
    );
}

/// Headings that name a document kind loosely, in the places projects keep them (CONTRIBUTING,
/// `devel-docs/`, a `### Scope and assumptions` of SECURITY.md): candidates that make the rule
/// unknown and say which line of `sdl.toml` would designate them; never evidence, even in a
/// conventional security file.
#[test]
fn loose_headings_in_contributing_and_doc_folders_are_candidates() {
    let prose = "This section says how the project works, in enough words to be read as a section \
                 with substance by anyone who opens it.\n";
    let contributing = format!(
        "# Contributing\n\n{prose}\n## Style guide\n\n{prose}\n## Design and Architecture\n\n{prose}"
    );
    let architecture = format!("# Architecture\n\n{prose}");
    let releasing = format!("Release process checklist\n=========================\n\n{prose}");
    let security = format!(
        "# Security Policy\n\nReport vulnerabilities to security@demo.example.\n\n\
         ## Threat model\n\n### Scope and assumptions\n\n{prose}"
    );
    let files = [
        ("SECURITY.md", security.as_str()),
        ("CONTRIBUTING.md", contributing.as_str()),
        ("devel-docs/architecture.md", architecture.as_str()),
        ("devel-docs/releasing.rst", releasing.as_str()),
        // Not documentation: a licence, a dotfile, release notes.
        (
            "LICENSE.md",
            "# Design\n\nPermission is hereby granted to design anything.\n",
        ),
        (
            ".notes.md",
            "# Architecture\n\nnot a document of the project at all here.\n",
        ),
    ];
    let dir = repo(&files);
    for (rule, place) in [
        (
            "coding-standard-documented",
            "CONTRIBUTING.md:5 \"## Style guide\"",
        ),
        (
            "design-documented",
            "CONTRIBUTING.md:9 \"## Design and Architecture\"",
        ),
        (
            "design-documented",
            "devel-docs/architecture.md:1 \"# Architecture\"",
        ),
        ("process-documented", "devel-docs/releasing.rst:1"),
        (
            "security-context-documented",
            "SECURITY.md:7 \"### Scope and assumptions\"",
        ),
    ] {
        let r = finding(dir.path(), rule);
        assert_eq!(r.outcome, Outcome::Unknown, "{rule}: {}", r.message);
        assert!(r.message.contains(place), "{rule}: {}", r.message);
        assert!(
            r.message.contains("add to sdl.toml: [documents]"),
            "{}",
            r.message
        );
    }
    let f = facts(dir.path());
    assert!(
        f.candidates
            .iter()
            .all(|c| c.file.path != "LICENSE.md" && c.file.path != ".notes.md"),
        "{:?}",
        f.candidates
    );
    // Nothing named a design-practices document or a development process loosely enough.
    let r = finding(dir.path(), "design-practices-documented");
    assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);

    // Designated, the style guide is the coding standard: judged as a document, by its words.
    write(
        dir.path(),
        "sdl.toml",
        "[documents]\ncoding-standard = \"CONTRIBUTING.md#style-guide\"\n",
    );
    let r = finding(dir.path(), "coding-standard-documented");
    assert_ne!(r.outcome, Outcome::Unknown, "{}", r.message);
}

/// "Threat Containment" or "### Threats" in a design note is a lead for the threat model: the
/// three threat-model rules say unknown and name it, none fails for want of a model.
#[test]
fn threat_headings_elsewhere_make_the_threat_rules_unknown() {
    let note = "# Design\n\n## Threat Containment\n\nThe process runs in a jail with a seccomp filter, \
                so that a guest that escapes the virtual machine is still contained.\n";
    let dir = repo(&[
        ("SECURITY.md", SECURITY_MD),
        ("docs/notes/sandbox.md", note),
    ]);
    for rule in ["threat-model-present", "threat-model-threats-dispositioned"] {
        let r = finding(dir.path(), rule);
        assert_eq!(r.outcome, Outcome::Unknown, "{rule}: {}", r.message);
        assert!(
            r.message.contains("docs/notes/sandbox.md:3"),
            "{rule}: {}",
            r.message
        );
    }
}

/// "memory to be written to disk" is a sentence, not a placeholder: a hardening section that
/// says it is still a lead (it once hid firecracker's host security configuration).
#[test]
fn to_be_written_in_a_sentence_is_no_placeholder() {
    let guide = "# Production host setup\n\n## Host Security Configuration\n\n### Swap\n\n\
                 Memory pressure can cause guest memory to be written to disk when swapping is \
                 enabled; disable swap.\n";
    let dir = repo(&[
        ("SECURITY.md", SECURITY_MD),
        ("docs/prod-host-setup.md", guide),
    ]);
    let r = finding(dir.path(), "guidelines-hardening");
    assert_eq!(r.outcome, Outcome::Unknown, "{}", r.message);
    assert!(
        r.message.contains("docs/prod-host-setup.md:3"),
        "{}",
        r.message
    );
    // A section that is really still to be written is no lead at all.
    let stub = "# Production host setup\n\n## Host Security Configuration\n\nTo be written.\n";
    write(dir.path(), "docs/prod-host-setup.md", stub);
    let r = finding(dir.path(), "guidelines-hardening");
    assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
}

/// A threat model written as rustls writes it: per trust boundary, "Specific threats:" as a
/// bullet list and "Mitigations:" as another. The threats are enumerated, so the model has
/// substance; which mitigation covers which threat is not written, so whether each is
/// dispositioned is unknown, not failed and not passed.
#[test]
fn threats_as_bullet_lists_are_enumerated_but_not_dispositioned() {
    let security = "# Security Policy\n\nReport vulnerabilities to security@demo.example.\n\n\
        ## Threat model\n\n### Boundary: network input\n\n\
        Everything arriving from the wire is treated as adversarially crafted by an attacker.\n\n\
        Specific threats (non-exhaustive):\n\n\
        - Integer overflow in length fields,\n\
        - Buffer over-read during reassembly,\n  continued on a second line,\n\
        - Protocol downgrade.\n\n\
        Mitigations:\n\n\
        - The crate forbids unsafe code, so memory errors are ruled out by the compiler here.\n\
        - The interface is fuzzed continuously with a mock cryptography provider.\n";
    let dir = repo(&[("SECURITY.md", security)]);
    let r = finding(dir.path(), "threat-model-present");
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
    let r = finding(dir.path(), "threat-model-threats-dispositioned");
    assert_eq!(r.outcome, Outcome::Unknown, "{}", r.message);
    assert!(
        r.message.contains("3 of 3 threats") && r.message.contains("SECURITY.md:13"),
        "{}",
        r.message
    );
    let f = facts(dir.path());
    let counts = f.threat_models[0].threats.as_ref().unwrap();
    assert_eq!(
        (counts.total, counts.listed, counts.dispositioned),
        (3, 3, 0)
    );

    // A threat with a heading of its own and no disposition still fails the rule.
    let mixed = format!("{security}\n### T-9 Replay\n\nAn attacker replays an old record.\n");
    write(dir.path(), "SECURITY.md", &mixed);
    let r = finding(dir.path(), "threat-model-threats-dispositioned");
    assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);

    // A list of mitigations alone enumerates no threat.
    let only = "# Security Policy\n\nReport vulnerabilities to security@demo.example.\n\n\
        ## Threat model\n\nWe think about attackers on the network a great deal, always.\n\n\
        Mitigations:\n\n- Fuzzing.\n- No unsafe code.\n";
    write(dir.path(), "SECURITY.md", only);
    let r = finding(dir.path(), "threat-model-present");
    assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
}

/// Review of bullet-list threats: a list that says there are none enumerates no threat, and a
/// stub that is "to be written by" someone is still a stub.
#[test]
fn a_threat_list_that_says_none_or_points_elsewhere_enumerates_no_threat() {
    let intro =
        "# Threat model\n\nThis document describes the threat model of the product in detail.\n\n";
    for list in [
        "## Threats\n\n- [Our threats](https://example.invalid/threats)\n",
        "Threats:\n\n- <https://example.invalid/threats>\n- see [the wiki](https://example.invalid/wiki).\n",
    ] {
        let dir = repo(&[
            ("SECURITY.md", SECURITY_MD),
            ("THREAT_MODEL.md", &format!("{intro}{list}")),
        ]);
        let r = finding(dir.path(), "threat-model-present");
        assert_ne!(r.outcome, Outcome::Pass, "{list}: {}", r.message);
    }
    for item in [
        "None identified yet.",
        "n/a",
        "No threats identified so far.",
        "Nothing.",
    ] {
        let security = format!(
            "# Security Policy\n\nReport vulnerabilities to security@demo.example.\n\n\
             ## Threat model\n\nEverything arriving from the network is handled by the parser.\n\n\
             Specific threats:\n\n- {item}\n"
        );
        let dir = repo(&[("SECURITY.md", &security)]);
        let r = finding(dir.path(), "threat-model-present");
        assert_ne!(r.outcome, Outcome::Pass, "{item}: {}", r.message);
    }
}

#[test]
fn to_be_written_by_someone_is_a_placeholder() {
    for stub in [
        "This section is to be written by the security team after the audit.",
        "To be written once the deployment model settles, probably next quarter.",
    ] {
        let security = format!("{SECURITY_MD}\n## Hardening\n\n{stub}\n");
        let dir = repo(&[("SECURITY.md", &security)]);
        let r = finding(dir.path(), "guidelines-hardening");
        assert_ne!(r.outcome, Outcome::Pass, "{stub}: {}", r.message);
    }
}
