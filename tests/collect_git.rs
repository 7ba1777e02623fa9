//! The git collector on repositories built here with pinned identities and dates. Counts are
//! asserted exactly and, where git can tell, checked against git itself.

mod common;

use std::path::Path;

use cargo_sdl::collect::git::{Options, collect};
use cargo_sdl::facts::Collected;
use cargo_sdl::facts::git::{GitFacts, Scope, VerificationMode};
use common::git::{self, Repo, git_in};

fn facts_with(path: &Path, options: &Options, documents: &[&str]) -> GitFacts {
    let docs: Vec<String> = documents.iter().map(|d| d.to_string()).collect();
    match collect(path, options, &docs, &|_| {}) {
        Collected::Present { value } => value,
        other => panic!("expected git facts, got {other:?}"),
    }
}

fn facts(path: &Path) -> GitFacts {
    facts_with(path, &Options::default(), &[])
}

/// Plain, merge, squash, bors, Gerrit, merge-queue and GitLab landings, trailers and lookalikes.
fn review_history() -> Repo {
    let mut r = Repo::new();
    r.commit(
        ".mailmap",
        "Bob <bob@example.org> <bob@old.example.org>\n",
        "Initial commit",
    );
    // A GitHub pull request: two commits by Bob (under two emails the mailmap joins), merged.
    r.git(&["checkout", "-q", "-b", "topic"]);
    r.commit_as("a.txt", "1", "Topic one", "Bob", "bob@example.org");
    r.commit_as("a.txt", "2", "Topic two", "Bob", "bob@old.example.org");
    r.git(&["checkout", "-q", "main"]);
    r.merge("topic", "Merge pull request #1 from bob/topic\n\nTopic");
    // A squash merge.
    r.commit("b.txt", "1", "Add feature (#2)");
    // bors: Carol's fix, reviewed by Dave.
    r.git(&["checkout", "-q", "-b", "fix"]);
    r.commit_as("c.txt", "1", "Fix overflow", "Carol", "carol@example.org");
    r.git(&["checkout", "-q", "main"]);
    r.merge(
        "fix",
        "Auto merge of #3 - carol:fix, r=dave\n\nFix overflow",
    );
    // Gerrit, reviewed by Dave.
    r.commit(
        "d.txt",
        "1",
        "Change thing\n\nBody.\n\nChange-Id: I0123456789abcdef\nReviewed-on: https://review.example.org/c/5\nReviewed-by: Dave <dave@example.org>\nSigned-off-by: Alice <alice@example.org>",
    );
    // Reviewed by its own author.
    r.commit(
        "e.txt",
        "1",
        "Tweak\n\nReviewed-by: Alice <alice@example.org>",
    );
    // Lookalikes: a URL and a conventional-commit line in the last paragraph.
    r.commit(
        "f.txt",
        "1",
        "fix: parse config\n\nSee https://example.org/issue/7 for details.\n\nhttps://example.org/issue/7\nfix: not a trailer",
    );
    // A direct push with real trailers but no review.
    r.commit(
        "g.txt",
        "1",
        "Direct push\n\nSigned-off-by: Alice <alice@example.org>\nFixes: 1234567 (\"Initial commit\")",
    );
    // bors with the author as the only reviewer.
    r.commit("h.txt", "1", "Auto merge of #9 - alice:x, r=alice");
    // A merge queue.
    r.git(&["checkout", "-q", "-b", "queue"]);
    r.commit_as("i.txt", "1", "Queue work", "Bob", "bob@example.org");
    r.git(&["checkout", "-q", "main"]);
    r.merge(
        "queue",
        "Merge commit 'abc123' into gh-readonly-queue/main/pr-10-abc123",
    );
    // A GitLab merge request.
    r.git(&["checkout", "-q", "-b", "gl"]);
    r.commit_as("j.txt", "1", "GitLab work", "Bob", "bob@example.org");
    r.git(&["checkout", "-q", "main"]);
    r.merge(
        "gl",
        "Merge branch 'gl' into 'main'\n\nGitLab work\n\nSee merge request group/proj!11",
    );
    r
}

#[test]
fn reviews_trailers_and_authors() {
    if !common::require_tool("git") {
        return;
    }
    let r = review_history();
    let g = facts(r.path());
    assert_eq!(g.commits, 16);
    assert_eq!(g.commits, r.rev_list_count(&["HEAD"]));
    assert_eq!(g.merges, 4);
    assert_eq!(g.merges, r.rev_list_count(&["--merges", "HEAD"]));
    assert_eq!(g.landings, 11);
    assert_eq!(g.landings, r.rev_list_count(&["--first-parent", "HEAD"]));
    assert_eq!(g.authors, 3);
    let git_authors = r.git(&["log", "--use-mailmap", "--format=%aN <%aE>"]);
    let mut distinct: Vec<&str> = git_authors.lines().collect();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(g.authors, distinct.len() as u64);

    let rc = &g.reviewed_commits;
    assert_eq!(
        (
            rc.total,
            rc.pull_request_merge,
            rc.squash_merge,
            rc.bors,
            rc.gerrit,
            rc.reviewed_by_trailer,
            rc.merge_queue,
            rc.merge_request
        ),
        (8, 1, 1, 2, 1, 2, 1, 1)
    );
    assert_eq!(g.reviewed_landings, 8);
    assert_eq!(g.unreviewed_landing_sample.len(), 3);
    let i = &g.review_independence;
    assert_eq!((i.with_reviewer, i.independent, i.self_reviewed), (4, 2, 2));

    let trailers: Vec<(&str, u64)> = g.trailers.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        trailers,
        [
            ("Change-Id", 1),
            ("Fixes", 1),
            ("Reviewed-by", 2),
            ("Reviewed-on", 1),
            ("Signed-off-by", 2)
        ]
    );
    assert_eq!(g.signed_commits.total, 0);
    assert_eq!(g.unsigned_sample.len(), 16);
    assert_eq!(g.signature_verification, VerificationMode::PresenceOnly);
    assert!(!g.shallow && g.partial.is_none());
    assert_eq!(g.head.reference.as_deref(), Some("refs/heads/main"));
    assert_eq!(g.head.commit, r.head());

    // Discovered from a subdirectory, too.
    std::fs::create_dir_all(r.file("sub/dir")).unwrap();
    assert_eq!(facts(&r.file("sub/dir")).commits, 16);
}

/// Releases v1.0.0, a backport v1.0.1 on a branch, v1.1.0 and a lightweight v1.2.0; advisories
/// in messages; a threat model changed twice.
fn release_history() -> (Repo, Vec<String>) {
    let mut r = Repo::new();
    let mut ids = Vec::new();
    ids.push(r.commit("docs/threat-model.md", "v1", "Initial")); // 0
    ids.push(r.commit("src/a.rs", "1", "Work")); // 1
    r.git(&["tag", "-a", "v1.0.0", "-m", "Release 1.0.0"]);
    ids.push(r.commit("src/a.rs", "2", "Fix overflow\n\nFixes RUSTSEC-2024-0001.")); // 2
    ids.push(r.commit("docs/threat-model.md", "v2", "Update threat model")); // 3
    r.tick();
    r.git(&["tag", "-a", "v1.1.0", "-m", "Release 1.1.0"]);
    ids.push(r.commit("src/b.rs", "1", "More work")); // 4
    ids.push(r.commit("src/b.rs", "2", "Fix GHSA-abcd-efgh-ijkl")); // 5
    r.git(&["tag", "v1.2.0"]);
    r.git(&["tag", "nightly"]);
    ids.push(r.commit("src/c.rs", "1", "Unreleased fix for CVE-2024-12345")); // 6
    r.git(&["checkout", "-q", "-b", "maint", "v1.0.0"]);
    ids.push(r.commit("src/a.rs", "backport", "Backport fix for RUSTSEC-2024-0001")); // 7
    r.tick();
    r.git(&["tag", "-a", "v1.0.1", "-m", "Release 1.0.1"]);
    r.git(&["checkout", "-q", "main"]);
    (r, ids)
}

#[test]
fn tags_release_windows_and_security_fixes() {
    if !common::require_tool("git") {
        return;
    }
    let (r, ids) = release_history();
    let g = facts(r.path());
    assert_eq!(g.commits, 7);
    assert_eq!((g.tags, g.annotated_tags, g.signed_tags.total), (5, 3, 0));
    type Window<'a> = (&'a str, Option<&'a str>, u64, bool, Vec<String>);
    let summary: Vec<Window<'_>> = g
        .releases
        .iter()
        .map(|rel| {
            (
                rel.tag.as_str(),
                rel.previous.as_deref(),
                rel.commits,
                rel.annotated,
                rel.security_fix_commits.clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("v1.0.0", None, 2, true, vec![]),
            ("v1.0.1", Some("v1.0.0"), 1, true, vec![ids[7].clone()]),
            ("v1.1.0", Some("v1.0.1"), 2, true, vec![ids[2].clone()]),
            ("v1.2.0", Some("v1.1.0"), 2, false, vec![ids[5].clone()]),
        ]
    );
    // Each window agrees with `git rev-list NEW ^OLD`.
    for rel in &g.releases {
        let range = match &rel.previous {
            Some(p) => vec![rel.tag.clone(), format!("^{p}")],
            None => vec![rel.tag.clone()],
        };
        let args: Vec<&str> = range.iter().map(String::as_str).collect();
        assert_eq!(rel.commits, r.rev_list_count(&args), "{}", rel.tag);
        assert_eq!(rel.share_reviewed, 0.0);
    }
    let v110 = &g.releases[2];
    assert_eq!(v110.commit, ids[3]);
    assert_eq!(v110.landings, 2);
    let release_tags: Vec<(&str, bool)> = g
        .tag_list
        .iter()
        .map(|t| (t.name.as_str(), t.release))
        .collect();
    assert_eq!(
        release_tags,
        [
            ("nightly", false),
            ("v1.0.0", true),
            ("v1.0.1", true),
            ("v1.1.0", true),
            ("v1.2.0", true)
        ]
    );
    let annotated = g.tag_list.iter().find(|t| t.name == "v1.0.0").unwrap();
    assert_eq!(
        annotated.tagger.as_deref(),
        Some("Alice <alice@example.org>")
    );
    assert_eq!(annotated.target.as_deref(), Some(ids[1].as_str()));

    let fixes: Vec<(&str, Vec<String>, Option<&str>, bool)> = g
        .security_fix_commits
        .iter()
        .map(|f| {
            (
                f.commit.as_str(),
                f.advisories.clone(),
                f.released_in.as_deref(),
                f.in_head,
            )
        })
        .collect();
    assert_eq!(
        fixes,
        [
            (
                ids[7].as_str(),
                vec!["RUSTSEC-2024-0001".to_string()],
                Some("v1.0.1"),
                false
            ),
            (
                ids[6].as_str(),
                vec!["CVE-2024-12345".to_string()],
                None,
                true
            ),
            (
                ids[5].as_str(),
                vec!["GHSA-abcd-efgh-ijkl".to_string()],
                Some("v1.2.0"),
                true
            ),
            (
                ids[2].as_str(),
                vec!["RUSTSEC-2024-0001".to_string()],
                Some("v1.1.0"),
                true
            ),
        ]
    );
}

#[test]
fn scopes_rev_and_detached_head() {
    if !common::require_tool("git") {
        return;
    }
    let (r, ids) = release_history();
    let since = Options {
        since: Some("v1.1.0".into()),
        ..Options::default()
    };
    let g = facts_with(r.path(), &since, &[]);
    assert_eq!(g.commits, 3);
    assert_eq!(g.commits, r.rev_list_count(&["HEAD", "^v1.1.0"]));
    assert_eq!(
        g.scope,
        Scope::Since {
            since: "v1.1.0".into(),
            commit: ids[3].clone()
        }
    );

    let release = Options {
        release: Some("v1.1.0".into()),
        ..Options::default()
    };
    let g = facts_with(r.path(), &release, &[]);
    assert_eq!((g.commits, g.landings), (2, 2));
    assert_eq!(
        g.scope,
        Scope::Release {
            tag: "v1.1.0".into(),
            previous: Some("v1.0.1".into())
        }
    );
    let unknown = Options {
        release: Some("nightly".into()),
        ..Options::default()
    };
    match collect(r.path(), &unknown, &[], &|_| {}) {
        Collected::Failed { error } => assert!(error.contains("--release nightly"), "{error}"),
        other => panic!("{other:?}"),
    }

    let rev = Options {
        rev: Some("v1.0.0".into()),
        ..Options::default()
    };
    assert_eq!(facts_with(r.path(), &rev, &[]).commits, 2);

    r.git(&["checkout", "-q", "--detach", "v1.1.0"]);
    let g = facts(r.path());
    assert!(g.head.detached);
    assert_eq!(g.head.reference, None);
    assert_eq!(g.head.commit, ids[3]);
    assert_eq!(g.commits, 4);
}

#[test]
fn document_history() {
    if !common::require_tool("git") {
        return;
    }
    let (r, ids) = release_history();
    std::fs::write(r.file("docs/new.md"), "draft").unwrap();
    let g = facts_with(
        r.path(),
        &Options::default(),
        &["docs/threat-model.md", "src/a.rs", "docs/new.md"],
    );
    let model = g.document("docs/threat-model.md").unwrap();
    assert_eq!(model.last_commit.as_deref(), Some(ids[3].as_str()));
    let want = r.git(&["log", "-1", "--format=%H %cI", "--", "docs/threat-model.md"]);
    let (want_id, want_date) = want.trim().split_once(' ').unwrap();
    assert_eq!(model.last_commit.as_deref(), Some(want_id));
    assert_eq!(
        model.last_changed.as_deref(),
        Some(want_date.replace("+00:00", "Z").as_str())
    );
    // Changed on main in commit 2; the backport is on another branch.
    let a = g.document("src/a.rs").unwrap();
    assert_eq!(a.last_commit.as_deref(), Some(ids[2].as_str()));
    let new = g.document("docs/new.md").unwrap();
    assert_eq!(new.last_commit, None);
    assert!(new.note.as_deref().unwrap().contains("not committed"));
}

#[test]
fn shallow_clone_is_partial() {
    if !common::require_tool("git") {
        return;
    }
    let (r, _) = release_history();
    let target = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path().display());
    git_in(
        target.path(),
        &["clone", "-q", "--depth", "1", &url, "clone"],
        "Alice",
        "alice@example.org",
        git::EPOCH,
        &[],
    );
    let g = facts(&target.path().join("clone"));
    assert!(g.shallow);
    assert_eq!(g.commits, 1);
    let partial = g.partial.unwrap();
    assert!(partial.contains("fetch-depth: 0"), "{partial}");
}

#[test]
fn empty_repository_and_no_repository() {
    if !common::require_tool("git") {
        return;
    }
    let r = Repo::new();
    match collect(r.path(), &Options::default(), &[], &|_| {}) {
        Collected::Absent { reason } => {
            assert!(reason.contains("no commits yet"), "{reason}");
            assert!(reason.contains("refs/heads/main"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let plain = tempfile::tempdir().unwrap();
    match collect(plain.path(), &Options::default(), &[], &|_| {}) {
        Collected::Absent { reason } => assert!(reason.contains("no git repository"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_object_is_a_failure_naming_it() {
    if !common::require_tool("git") {
        return;
    }
    let mut r = Repo::new();
    let first = r.commit("a", "1", "One");
    r.commit("a", "2", "Two");
    let loose = r
        .path()
        .join(".git/objects")
        .join(&first[..2])
        .join(&first[2..]);
    std::fs::remove_file(loose).unwrap();
    match collect(r.path(), &Options::default(), &[], &|_| {}) {
        Collected::Failed { error } => assert!(error.contains(&first), "{error}"),
        other => panic!("{other:?}"),
    }
}

/// Sign with `ssh-keygen -Y sign` through git; verify in Rust against allowed-signers files.
#[test]
fn ssh_signatures_verified() {
    if !common::require_tool("git") || !common::require_tool("ssh-keygen") {
        return;
    }
    let mut r = Repo::new();
    let keys = tempfile::tempdir().unwrap();
    let key = keys.path().join("alice");
    let other = keys.path().join("mallory");
    for k in [&key, &other] {
        let status = std::process::Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f"])
            .arg(k)
            .status()
            .unwrap();
        assert!(status.success());
    }
    let pubkey = |k: &Path| std::fs::read_to_string(k.with_extension("pub")).unwrap();
    let allowed = keys.path().join("allowed_signers");
    std::fs::write(
        &allowed,
        format!("alice@example.org namespaces=\"git\" {}", pubkey(&key)),
    )
    .unwrap();
    let wrong = keys.path().join("wrong_signers");
    std::fs::write(&wrong, format!("alice@example.org {}", pubkey(&other))).unwrap();

    r.commit("a", "1", "Unsigned");
    let signed = r.signed_commit("a", "2", "Signed", &key);
    r.tick();
    let signing = format!("user.signingkey={}", key.display());
    r.git_as(
        &["tag", "-s", "v1.0.0", "-m", "Release 1.0.0"],
        "Alice",
        "alice@example.org",
        &["-c", "gpg.format=ssh", "-c", &signing],
    );
    // git itself agrees the signature is good.
    let allowed_cfg = format!("gpg.ssh.allowedSignersFile={}", allowed.display());
    r.git_as(
        &["verify-commit", &signed],
        "Alice",
        "alice@example.org",
        &["-c", &allowed_cfg],
    );

    let presence = facts(r.path());
    assert_eq!(
        (presence.signed_commits.total, presence.signed_commits.ssh),
        (1, 1)
    );
    assert_eq!(presence.signed_commits.verified, None);
    assert_eq!(
        (presence.signed_tags.total, presence.signed_tags.ssh),
        (1, 1)
    );
    assert_eq!(presence.releases[0].tag_signature.as_deref(), Some("ssh"));
    assert_eq!(presence.releases[0].tag_verification, None);

    let with = |file: &Path| Options {
        allowed_signers: Some(file.to_path_buf()),
        ..Options::default()
    };
    let good = facts_with(r.path(), &with(&allowed), &[]);
    let v = good.signed_commits.verified.clone().unwrap();
    assert_eq!(
        (v.valid, v.invalid, v.unknown_signer, v.unverified),
        (1, 0, 0, 0)
    );
    assert!(matches!(
        good.signature_verification,
        VerificationMode::AllowedSigners { .. }
    ));
    assert_eq!(good.releases[0].tag_verification.as_deref(), Some("valid"));
    assert_eq!(good.signed_tags.verified.as_ref().unwrap().valid, 1);

    let unknown = facts_with(r.path(), &with(&wrong), &[]);
    let v = unknown.signed_commits.verified.clone().unwrap();
    assert_eq!((v.valid, v.unknown_signer), (0, 1));
    assert_eq!(v.unknown_signer_sample, std::slice::from_ref(&signed));
    assert_eq!(
        unknown.releases[0].tag_verification.as_deref(),
        Some("unknown-signer")
    );

    // Tamper with the signed commit's message, keeping its signature.
    let raw = r.git(&["cat-file", "commit", &signed]);
    let forged = raw.replace("\nSigned\n", "\nSignet\n");
    assert_ne!(raw, forged);
    let forged_file = keys.path().join("forged");
    std::fs::write(&forged_file, forged).unwrap();
    let forged_id = r
        .git(&[
            "hash-object",
            "-t",
            "commit",
            "-w",
            forged_file.to_str().unwrap(),
        ])
        .trim()
        .to_string();
    r.git(&["update-ref", "refs/heads/main", &forged_id]);
    let bad = facts_with(r.path(), &with(&allowed), &[]);
    let v = bad.signed_commits.verified.clone().unwrap();
    assert_eq!((v.valid, v.invalid), (0, 1));
    assert_eq!(v.invalid_sample, [forged_id]);
}

/// A tracked path of twenty thousand directories (git sets no limit; the index and trees can
/// hold what no checkout can): finding its last change descended one call per directory and
/// overflowed the stack.
#[test]
fn document_history_of_a_very_deep_path() {
    if !common::require_tool("git") {
        return;
    }
    use std::io::Write;
    let r = Repo::new();
    let deep = format!("docs/{}threat-model.md", "d/".repeat(20_000));
    let stream = format!(
        "commit refs/heads/main\ncommitter Alice <alice@example.org> 1704067200 +0000\n\
         data 4\nDeep\nM 100644 inline {deep}\ndata 2\nx\n\n"
    );
    let mut child = git::command(
        r.path(),
        &git::Identity::of("Alice", "alice@example.org", "1704067200 +0000"),
    )
    .args(["fast-import", "--quiet"])
    .stdin(std::process::Stdio::piped())
    .spawn()
    .expect("git runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stream.as_bytes())
        .expect("stream written");
    assert!(child.wait().expect("git fast-import").success());
    let g = facts_with(r.path(), &Options::default(), &[deep.as_str()]);
    let doc = g.document(&deep).expect("a history record");
    assert_eq!(doc.last_commit.as_deref(), Some(g.head.commit.as_str()));
}
