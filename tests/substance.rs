//! Verdicts that cannot be gamed by hollow documents (issue 11): every SDL document as a one-line
//! `# TODO`, guidelines with the right headings and `TODO` under each, a threat model whose
//! threats have no disposition, and security requirements without ids each fail, with a message
//! that quotes the offending line; a genuine set of documents passes; and every document with a
//! review period in the catalogue is held to it, through the real binary over git repositories.

mod common;

use std::path::Path;

use common::git::Repo;

/// 2026-05-01T00:00:00Z: the documents of [`genuine_repository`] are committed that day.
const RECENT: i64 = 1_777_593_600;
const NOW: &str = "2026-06-01T00:00:00Z";

const CARGO_TOML: &str = "[package]\nname = \"demo\"\nversion = \"0.3.0\"\nedition = \"2021\"\n";

/// The conventional place of every SDL document the rules read.
const DOCUMENTS: &[(&str, &str)] = &[
    ("security-policy-present", "SECURITY.md"),
    ("threat-model-present", "docs/security/threat-model.md"),
    ("security-context-documented", "docs/security/context.md"),
    (
        "security-requirements-documented",
        "docs/security/requirements.md",
    ),
    ("design-documented", "docs/security/design.md"),
    (
        "design-practices-documented",
        "docs/security/design-practices.md",
    ),
    (
        "coding-standard-documented",
        "docs/security/coding-standard.md",
    ),
    ("process-documented", "docs/sdl/process.md"),
    ("changelog-present", "CHANGELOG.md"),
];

const GUIDELINE_RULES: &[&str] = &[
    "guidelines-defense-in-depth",
    "guidelines-environment",
    "guidelines-hardening",
    "guidelines-disposal",
    "guidelines-secure-operation",
    "guidelines-accounts",
];

/// The right headings, `TODO` under each.
const TODO_GUIDELINES: &str = "# Security guidelines\n\n\
## Defense in depth\n\nTODO\n\n\
## Network security\n\nTODO\n\n\
## Hardening\n\nTODO\n\n\
## Disposal\n\nTODO\n\n\
## Secure operation\n\nTODO\n\n\
## Accounts and permissions\n\nTODO\n";

const SECURITY_MD: &str = "# Security policy

Report vulnerabilities privately to security@example.com. We acknowledge every report within
3 business days, agree a disclosure date with the reporter and publish an advisory once a fixed
version is available.
";

const THREAT_MODEL: &str = "# Threat model of the XY-200 updater

The updater downloads firmware images from the vendor's server and flashes them onto the PLC.
The assets are the firmware image, the signing key and the availability of the PLC. Trust
boundaries are the network between the server and the updater and the serial link to the PLC.

## Threats

| Id | Threat | Disposition | Severity |
|----|--------|-------------|----------|
| T-1 | A tampered firmware image is flashed | mitigated by signature verification before flashing | high |
| T-2 | An old, vulnerable image is replayed | mitigated: image versions must increase | medium |

### T-3 Denial of service through a flood of update requests

The updater serves one update at a time and drops requests beyond a small queue.

Disposition: accepted; the PLC keeps running its current image while the updater is busy.
";

const CONTEXT: &str = "# Product security context

The XY-200 updater runs on an engineering workstation inside the plant network, operated by
trained maintenance staff. It protects the integrity of the firmware that reaches the PLC. It
assumes that the plant network is segmented from the office network by a firewall, that only
maintenance staff can log in to the workstation, and that the vendor's signing key is kept in a
hardware security module. It does not protect against an attacker with physical access to the
PLC's serial port.
";

const REQUIREMENTS: &str = "# Product security requirements

Each requirement has a stable id that the tests refer to. The capability security level
claimed is SL-C 2.

| Id | Requirement | Verification |
|----|-------------|--------------|
| SEC-REQ-1 | The updater flashes only images whose signature verifies against the pinned key. | tests/verify.rs |
| SEC-REQ-2 | The updater refuses an image whose version is lower than the installed one. | tests/downgrade.rs |
| SEC-REQ-3 | Removing the updater erases its cached images and its configuration. | tests/uninstall.rs |
";

const DESIGN: &str = "# Secure design of the XY-200 updater

## Interfaces

The updater has three interfaces. The HTTPS client fetches the manifest and the images from the
vendor's server; every response is treated as untrusted until its signature verifies. The
serial interface writes a verified image to the PLC and reads back its checksum. The command
line takes the path of the configuration file and nothing else; the configuration names the
server and the PLC's port.

## Defence layers

An image must pass three independent checks before it reaches the PLC: the signature over the
manifest, the hash of the image named in the manifest, and the version rule that forbids a
downgrade. The updater runs as an unprivileged user that may open only the serial port, and it
keeps no secret: the public key is compiled in.
";

const DESIGN_PRACTICES: &str = "# Secure design practices

We apply least privilege: every process runs with the smallest set of permissions it needs. We
keep the attack surface small: no listening socket, no plug-in mechanism, one configuration file.
We prefer proven components: cryptography comes from a reviewed library, never our own code.
Every design change is reviewed by the security advisor before it is implemented.
";

const CODING_STANDARD: &str = "# Secure coding standard

Our baseline is the ANSSI guide to secure Rust development. Code must not use `unsafe`; the
lint `unsafe_code` is forbidden in every crate. Input from the network or the serial port is
parsed with bounded readers and never indexed without a check. Panics on input are bugs. Clippy
runs in CI with warnings denied, and every pull request is reviewed by a second developer.
";

const PROCESS: &str = "# Development process

Work starts from an issue that states the change and its security impact. The security advisor
decides whether the threat model must be updated. Every change is made on a branch, reviewed by
a second developer and merged only when the tests, clippy and the dependency audit pass. A
release is cut from the default branch by the release manager, tagged with a signed tag, and
announced with release notes that list the security fixes. Security issues reported by users
go to the PSIRT, which triages them within three business days, assigns a severity, and tracks
each to a fix or a documented decision. Once a year the process owner reviews this process with
the team and records the improvement actions.
";

const CHANGELOG: &str = "# Changelog

## [Unreleased]

## [0.3.0] - 2026-04-20

### Security

- Images with a lower version than the installed one are refused (SEC-REQ-2).
";

const GUIDELINES: &str = "# Security guidelines for the XY-200 updater

## Defense in depth

The updater checks the signature, the hash and the version of every image before flashing it.

## Network security

Run the workstation in the plant network behind a firewall; it needs outbound HTTPS only.

## Hardening

Keep the default configuration: it accepts images signed by the vendor's key only.

## Disposal

Uninstall the updater to erase its cached images and its configuration file.

## Secure operation

Administrators install updates within a month and report incidents to the vendor's PSIRT.

## Accounts and permissions

The updater has no accounts and no default credentials; it runs as an unprivileged user.
";

fn finding(report: &serde_json::Value, rule: &str) -> (String, String) {
    let f = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no finding for {rule}"));
    (
        f["outcome"].as_str().unwrap_or_default().to_string(),
        f["message"].as_str().unwrap_or_default().to_string(),
    )
}

fn check(dir: &Path) -> serde_json::Value {
    let out = common::sdl(dir, &["check", "--format", "json", "--current-time", NOW]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        common::text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("a JSON report")
}

/// A repository whose `files` are committed at `start` (seconds since 1970).
fn repository(start: i64, files: &[(&str, &str)]) -> Repo {
    let mut r = Repo::starting_at(start);
    common::write_files(
        r.path(),
        &[
            ("Cargo.toml", CARGO_TOML),
            ("src/lib.rs", "#![forbid(unsafe_code)]\n"),
        ],
    );
    common::write_files(r.path(), files);
    r.commit_all("Add the SDL documents");
    r
}

fn genuine() -> Vec<(&'static str, &'static str)> {
    vec![
        ("SECURITY.md", SECURITY_MD),
        ("docs/security/threat-model.md", THREAT_MODEL),
        ("docs/security/context.md", CONTEXT),
        ("docs/security/requirements.md", REQUIREMENTS),
        ("docs/security/design.md", DESIGN),
        ("docs/security/design-practices.md", DESIGN_PRACTICES),
        ("docs/security/coding-standard.md", CODING_STANDARD),
        ("docs/sdl/process.md", PROCESS),
        ("CHANGELOG.md", CHANGELOG),
        ("docs/security/guidelines.md", GUIDELINES),
    ]
}

/// `genuine()` with `path` replaced by `content`.
fn genuine_but(path: &str, content: &'static str) -> Vec<(&'static str, &'static str)> {
    genuine()
        .into_iter()
        .map(|(p, c)| if p == path { (p, content) } else { (p, c) })
        .collect()
}

#[test]
fn one_line_todo_documents_fail_saying_why() {
    let mut files: Vec<(&str, &str)> = DOCUMENTS.iter().map(|(_, p)| (*p, "# TODO\n")).collect();
    files.push(("docs/security/guidelines.md", TODO_GUIDELINES));
    let r = repository(RECENT, &files);
    let report = check(r.path());
    for (rule, path) in DOCUMENTS {
        let (outcome, message) = finding(&report, rule);
        assert_eq!(outcome, "fail", "{rule}: {message}");
        assert!(
            message.contains("without substance: ")
                && message.ends_with(&format!("{path}:1 holds placeholder text: \"# TODO\"")),
            "{rule}: {message}"
        );
    }
    // A TODO is no threat.
    let (outcome, message) = finding(&report, "threat-model-threats-dispositioned");
    assert_eq!(outcome, "fail", "{message}");
    assert!(message.contains("lists no threats"), "{message}");
    // Each heading of the guidelines has only TODO under it: no section.
    for (rule, line) in GUIDELINE_RULES.iter().zip([3, 7, 11, 15, 19, 23]) {
        let (outcome, message) = finding(&report, rule);
        assert_eq!(outcome, "fail", "{rule}: {message}");
        assert!(
            message.ends_with(&format!(
                "holds placeholder text at docs/security/guidelines.md:{}: \"TODO\", so it is \
                 not a section",
                line + 2
            )),
            "{rule}: {message}"
        );
    }
    // The two deny-level document rules fail the gate.
    let denied = report["summary"]["denied"].to_string();
    assert!(
        denied.contains("security-policy-present") && denied.contains("threat-model-present"),
        "{denied}"
    );
    // Nothing about these documents is satisfied.
    for id in [
        "SR-1", "SR-2", "SR-3", "SD-1", "SD-4", "SI-2", "SM-1", "SG-1", "SG-3",
    ] {
        let status = report["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == id)
            .unwrap()["status"]
            .clone();
        assert_eq!(status, "not-satisfied", "{id}");
    }
}

#[test]
fn a_genuine_set_of_documents_passes() {
    let r = repository(RECENT, &genuine());
    let report = check(r.path());
    for rule in DOCUMENTS
        .iter()
        .map(|(rule, _)| *rule)
        .chain(GUIDELINE_RULES.iter().copied())
        .chain([
            "threat-model-threats-dispositioned",
            "threat-model-fresh",
            "documents-reviewed",
        ])
    {
        let (outcome, message) = finding(&report, rule);
        assert_eq!(outcome, "pass", "{rule}: {message}");
    }
    let (_, message) = finding(&report, "threat-model-present");
    assert!(message.ends_with("3 threats)"), "{message}");
    let (_, message) = finding(&report, "security-requirements-documented");
    assert!(
        message.contains("3 requirement ids (SEC-REQ-1, SEC-REQ-2, SEC-REQ-3)"),
        "{message}"
    );
    let (_, message) = finding(&report, "threat-model-threats-dispositioned");
    assert_eq!(
        message,
        "all 3 threats in docs/security/threat-model.md have a mitigation or decision"
    );
}

#[test]
fn threats_without_a_disposition_fail_naming_each() {
    // A table with a threat column and no disposition column.
    let no_column: &'static str = "# Threat model\n\n\
        The updater fetches firmware images over the network and flashes them onto the PLC.\n\n\
        | Id | Threat | Description |\n|---|---|---|\n\
        | T-1 | Tampering | an altered image is flashed |\n\
        | T-2 | Replay | an old image is sent again |\n";
    let r = repository(
        RECENT,
        &genuine_but("docs/security/threat-model.md", no_column),
    );
    let report = check(r.path());
    // The threats are enumerated, so the model has substance…
    let (outcome, message) = finding(&report, "threat-model-present");
    assert_eq!(outcome, "pass", "{message}");
    // …but none is decided.
    let (outcome, message) = finding(&report, "threat-model-threats-dispositioned");
    assert_eq!(outcome, "fail", "{message}");
    assert_eq!(
        message,
        "2 of 2 threats in docs/security/threat-model.md have no mitigation or decision: \
         docs/security/threat-model.md:7 T-1 Tampering: the table has no disposition or \
         mitigation column (columns: Id, Threat, Description), docs/security/threat-model.md:8 \
         T-2 Replay: the table has no disposition or mitigation column (columns: Id, Threat, \
         Description)"
    );

    // A mitigation column left empty or TODO, and a threat heading without a disposition line.
    let open: &'static str = "# Threat model\n\n\
        The updater fetches firmware images over the network and flashes them onto the PLC.\n\n\
        | Id | Threat | Mitigation |\n|---|---|---|\n\
        | T-1 | Tampering | signature verification |\n\
        | T-2 | Replay | |\n\n\
        ### T-3 Denial of service\n\nA flood of requests keeps the updater busy.\n";
    let r = repository(RECENT, &genuine_but("docs/security/threat-model.md", open));
    let report = check(r.path());
    let (outcome, message) = finding(&report, "threat-model-threats-dispositioned");
    assert_eq!(outcome, "fail", "{message}");
    assert_eq!(
        message,
        "2 of 3 threats in docs/security/threat-model.md have no mitigation or decision: \
         docs/security/threat-model.md:8 T-2 Replay: Mitigation: no disposition, \
         docs/security/threat-model.md:10 T-3 Denial of service: no Disposition:, Mitigation: \
         or Status: line under it"
    );

    // A TODO disposition is a placeholder: neither a decision nor substance.
    let todo: &'static str = "# Threat model\n\n\
        The updater fetches firmware images over the network and flashes them onto the PLC.\n\n\
        | Id | Threat | Mitigation |\n|---|---|---|\n\
        | T-1 | Tampering | TODO |\n";
    let r = repository(RECENT, &genuine_but("docs/security/threat-model.md", todo));
    let report = check(r.path());
    let (outcome, message) = finding(&report, "threat-model-threats-dispositioned");
    assert_eq!(outcome, "fail", "{message}");
    assert!(
        message.ends_with(
            "docs/security/threat-model.md:7 T-1 Tampering: Mitigation: the disposition \"TODO\" \
             is a placeholder"
        ),
        "{message}"
    );
    let (outcome, message) = finding(&report, "threat-model-present");
    assert_eq!(outcome, "fail", "{message}");
    assert!(
        message.ends_with(
            "docs/security/threat-model.md:7 holds placeholder text: \"| T-1 | Tampering | TODO |\""
        ),
        "{message}"
    );
}

#[test]
fn requirements_without_ids_and_headings_without_text_fail() {
    let no_ids: &'static str = "# Product security requirements\n\n\
        The updater must only flash images that are signed by the vendor, must refuse older\n\
        images than the one installed, and must erase its cache when it is removed. Every\n\
        requirement is verified by a test before each release, and the list is reviewed by\n\
        the security advisor whenever the threat model changes.\n";
    let r = repository(
        RECENT,
        &genuine_but("docs/security/requirements.md", no_ids),
    );
    let report = check(r.path());
    let (outcome, message) = finding(&report, "security-requirements-documented");
    assert_eq!(outcome, "fail", "{message}");
    assert_eq!(
        message,
        "security requirements without substance: docs/security/requirements.md states no \
         requirement ids: no heading, list item, table row or paragraph opens with SR-N, \
         SEC-REQ-N, SECREQ-N, REQ-N, SEC-N, PSR-N (`id-prefixes`)"
    );

    // A design of enough words whose sections are headings with nothing under them.
    let empty_sections: &'static str = "# Secure design\n\n\
        The updater downloads signed firmware images from the vendor's server over HTTPS and\n\
        flashes them onto the PLC over the serial link, after checking the signature over the\n\
        manifest, the hash of the image and the version rule that forbids downgrades. It runs as\n\
        an unprivileged user, keeps no secret, and exposes no listening socket. The engineering\n\
        workstation it runs on is inside the plant network, which a firewall separates from the\n\
        office network, and only maintenance staff may log in to it. Images are cached until\n\
        they are flashed, then removed; the configuration names the server and the serial port.\n\n\
        ## Interfaces\n\n## Defence layers\n";
    let r = repository(
        RECENT,
        &genuine_but("docs/security/design.md", empty_sections),
    );
    let report = check(r.path());
    let (outcome, message) = finding(&report, "design-documented");
    assert_eq!(outcome, "fail", "{message}");
    assert_eq!(
        message,
        "secure design document without substance: docs/security/design.md:11 is a heading with \
         nothing under it: \"## Interfaces\" (and 1 more headings)"
    );

    // Too short to be a design.
    let short: &'static str = "# Design\n\nSee the wiki.\n";
    let r = repository(RECENT, &genuine_but("docs/security/design.md", short));
    let report = check(r.path());
    let (outcome, message) = finding(&report, "design-documented");
    assert_eq!(outcome, "fail", "{message}");
    assert!(
        message.ends_with(
            "docs/security/design.md has 3 words of prose, fewer than `min-words` (100)"
        ),
        "{message}"
    );
}

#[test]
fn a_document_whose_text_cannot_be_read_is_unknown_not_a_pass() {
    let mut files = genuine();
    files.retain(|(p, _)| *p != "docs/security/design.md");
    files.push(("docs/security/design.pdf", "%PDF-1.7 binary design"));
    let r = repository(RECENT, &files);
    let report = check(r.path());
    let (outcome, message) = finding(&report, "design-documented");
    assert_eq!(outcome, "unknown", "{message}");
    assert!(
        message.contains("docs/security/design.pdf is a .pdf file, not text"),
        "{message}"
    );
}

const ROLES: &str = "[roles.security-officer]\ndescription = \"owns the SDL\"\n\
holders = [\"Grace Hopper\"]\n\n[roles.process-owner]\ndescription = \"owns the process\"\n\
holders = [\"Ada Lovelace\"]\n";

/// An attestation of `requirement` made on `date` that references `path`.
fn approval(requirement: &str, path: &str, date: &str) -> String {
    format!(
        "requirements = [\"{requirement}\"]\nstatement = \"{path} was reviewed and is current.\"\n\
         owner = \"Grace Hopper\"\nowner-role = \"security-officer\"\napprover = \"Ada Lovelace\"\n\
         approver-role = \"process-owner\"\ndate = {date}\nvalid-until = 2027-04-30\n\
         references = [\"{path}\"]\n"
    )
}

#[test]
fn documents_are_held_to_their_review_period() {
    // Committed on 2024-01-01: more than SM-1's, SD-4's and SI-2's 365 days before NOW.
    let mut r = repository(common::git::EPOCH, &genuine());
    let report = check(r.path());
    let (outcome, message) = finding(&report, "documents-reviewed");
    assert_eq!(outcome, "fail", "{message}");
    for (path, requirement) in [
        ("docs/sdl/process.md", "SM-1"),
        ("docs/security/design-practices.md", "SD-4"),
        ("docs/security/coding-standard.md", "SI-2"),
    ] {
        assert!(
            message.contains(&format!(
                "{path} last changed 2024-01-01 in {}, and no current {requirement} attestation \
                 references it [{requirement}]",
                &r.head()[..12]
            )),
            "{path}: {message}"
        );
    }
    let (outcome, message) = finding(&report, "threat-model-fresh");
    assert_eq!(outcome, "fail", "{message}");

    // A current attestation of the requirement that references the document re-approves it;
    // one of another requirement does not.
    common::write_files(
        r.path(),
        &[
            ("sdl/roles.toml", ROLES),
            (
                "sdl/attestations/sm-1.toml",
                &approval("SM-1", "docs/sdl/process.md", "2026-05-10"),
            ),
            (
                "sdl/attestations/sd-4.toml",
                &approval("SD-4", "docs/security/design-practices.md", "2026-05-10"),
            ),
            (
                "sdl/attestations/sr-2.toml",
                &approval("SR-2", "docs/security/coding-standard.md", "2026-05-10"),
            ),
        ],
    );
    r.commit_all("Record the reviews");
    let report = check(r.path());
    let (outcome, message) = finding(&report, "documents-reviewed");
    assert_eq!(outcome, "fail", "{message}");
    assert!(
        message.contains(
            "not reviewed within their review periods (SM-1 365 days, SD-4 365 days, SI-2 365 \
             days): docs/security/coding-standard.md last changed 2024-01-01"
        ),
        "{message}"
    );
    assert!(
        !message.contains("process.md") && !message.contains("design-practices.md"),
        "{message}"
    );
    common::write_files(
        r.path(),
        &[(
            "sdl/attestations/si-2.toml",
            &approval("SI-2", "docs/security/coding-standard.md", "2026-05-10"),
        )],
    );
    r.commit_all("Record the coding standard's review");
    let report = check(r.path());
    let (outcome, message) = finding(&report, "documents-reviewed");
    assert_eq!(outcome, "pass", "{message}");
    assert!(
        message.contains(
            "docs/security/coding-standard.md re-approved on 2026-05-10 in \
             sdl/attestations/si-2.toml [SI-2]"
        ),
        "{message}"
    );
}
