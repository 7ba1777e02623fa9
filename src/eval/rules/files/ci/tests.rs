use super::super::test_support::*;
use super::activity_kind;
use crate::eval::Outcome::{self, Fail, NotApplicable, Pass, Unknown};
use crate::facts::files::*;

fn link(path: &str, line: u32, text: &str) -> Link {
    Link {
        file: fref(path),
        line,
        text: text.into(),
    }
}

fn pipeline(system: CiSystem, path: &str, activities: Vec<Activity>) -> Pipeline {
    Pipeline {
        system,
        file: fref(path),
        name: None,
        jobs: vec![CiJob {
            name: "build".into(),
            file: fref(path),
            line: 2,
            activities,
        }],
        files_read: vec![],
        unresolved: vec![],
        not_analysed: None,
    }
}

fn activity(kind: ActivityKind, chain: Vec<Link>) -> Activity {
    Activity { kind, chain }
}

fn facts(pipelines: Vec<Pipeline>) -> FileFacts {
    let mut systems: Vec<CiSystem> = pipelines.iter().map(|p| p.system).collect();
    systems.sort();
    systems.dedup();
    FileFacts {
        ci: CiFacts { systems, pipelines },
        ..FileFacts::default()
    }
}

fn unresolved(kind: UnresolvedKind, reason: &str) -> Unresolved {
    Unresolved {
        kind,
        job: Some("build".into()),
        activity: None,
        chain: vec![link(
            ".buildkite/pipeline.yml",
            4,
            "./gen.sh | buildkite-agent pipeline upload",
        )],
        reason: reason.into(),
    }
}

#[test]
fn every_activity_of_the_catalogue_is_recognised_and_spelt_as_in_the_facts() {
    for (name, _) in crate::catalog::CI_ACTIVITIES {
        let kind = activity_kind(name).unwrap_or_else(|| panic!("{name} is not mapped"));
        assert_eq!(serde_json::to_value(kind).unwrap(), *name);
    }
    assert_eq!(activity_kind("lint"), None);
}

#[test]
fn activity_rules_over_every_system() {
    use ActivityKind::*;
    for (id, kind) in [
        ("ci-runs-tests", Tests),
        ("ci-runs-clippy", Clippy),
        ("ci-audits-dependencies", DependencyAudit),
        ("ci-static-analysis", StaticAnalysis),
    ] {
        let other = if kind == Fuzzing { Tests } else { Fuzzing };
        let runs = |system| {
            pipeline(
                system,
                "ci.yml",
                vec![activity(kind, vec![link("ci.yml", 3, "cargo x")])],
            )
        };
        let mut cases: Vec<(String, FileFacts, Outcome)> = CiSystem::ALL
            .into_iter()
            .map(|s| (format!("{} runs it", s.name()), facts(vec![runs(s)]), Pass))
            .collect();
        let mut broken = pipeline(CiSystem::GitlabCi, ".gitlab-ci.yml", vec![]);
        broken.not_analysed = Some("not valid YAML".into());
        let mut generated = pipeline(CiSystem::Buildkite, ".buildkite/pipeline.yml", vec![]);
        generated.unresolved = vec![unresolved(
            UnresolvedKind::Dynamic,
            "uploads a generated pipeline",
        )];
        let mut include = pipeline(CiSystem::GitlabCi, ".gitlab-ci.yml", vec![]);
        include.unresolved = vec![unresolved(UnresolvedKind::NotRead, "remote include")];
        let does_not = pipeline(
            CiSystem::Jenkins,
            "Jenkinsfile",
            vec![activity(other, vec![link("Jenkinsfile", 3, "cargo y")])],
        );
        cases.extend([
            (
                "runs it, another pipeline broken".into(),
                facts(vec![runs(CiSystem::AzurePipelines), broken.clone()]),
                Pass,
            ),
            (
                "runs it, another generated".into(),
                facts(vec![runs(CiSystem::GithubActions), generated.clone()]),
                Pass,
            ),
            ("does not".into(), facts(vec![does_not.clone()]), Fail),
            ("no CI at all".into(), facts(vec![]), Fail),
            ("broken only".into(), facts(vec![broken]), Unknown),
            (
                "generated at run time: unknown, never a fail".into(),
                facts(vec![does_not.clone(), generated]),
                Unknown,
            ),
            ("an include not read".into(), facts(vec![include]), Unknown),
        ]);
        table(
            id,
            cases
                .iter()
                .map(|(n, f, o)| (n.as_str(), f.clone(), *o))
                .collect(),
        );
    }
}

#[test]
fn messages_cite_the_chain_and_the_reason() {
    let chain = vec![
        link(".github/workflows/ci.yml", 12, "make ci-job-libraries"),
        link("Makefile", 40, "ci-job-libraries:"),
        link("Makefile", 41, "cargo test --workspace"),
    ];
    let f = facts(vec![pipeline(
        CiSystem::GithubActions,
        ".github/workflows/ci.yml",
        vec![activity(ActivityKind::Tests, chain)],
    )]);
    let r = run("ci-runs-tests", f, &crate::config::Config::default());
    assert_eq!(r.outcome, Pass);
    assert!(
        r.message.contains(
            "GitHub Actions job build: .github/workflows/ci.yml:12 `make ci-job-libraries` → \
             Makefile:40 `ci-job-libraries:` → Makefile:41 `cargo test --workspace`"
        ),
        "{}",
        r.message
    );
    assert_eq!(
        r.evidence.len(),
        3,
        "every link is evidence: {:?}",
        r.evidence
    );

    let mut generated = pipeline(CiSystem::Buildkite, ".buildkite/pipeline.yml", vec![]);
    generated.unresolved = vec![unresolved(
        UnresolvedKind::Dynamic,
        "uploads the pipeline that `./gen.sh` prints at run time",
    )];
    let r = run(
        "ci-runs-tests",
        facts(vec![generated]),
        &crate::config::Config::default(),
    );
    assert_eq!(r.outcome, Unknown);
    assert!(
        r.message.contains(
            "generated at run time: .buildkite/pipeline.yml:4: uploads the pipeline that \
             `./gen.sh` prints at run time"
        ),
        "{}",
        r.message
    );
    assert!(r.message.contains("Buildkite: 1"), "{}", r.message);

    let r = run(
        "ci-runs-tests",
        facts(vec![]),
        &crate::config::Config::default(),
    );
    assert!(
        r.message.contains("none of GitHub Actions, GitLab CI"),
        "{}",
        r.message
    );
}

#[test]
fn github_hardening_is_not_applicable_without_github_workflows() {
    let f = facts(vec![pipeline(
        CiSystem::GitlabCi,
        ".gitlab-ci.yml",
        vec![activity(
            ActivityKind::Tests,
            vec![link(".gitlab-ci.yml", 3, "cargo test")],
        )],
    )]);
    for id in [
        "workflow-permissions-restricted",
        "workflow-actions-pinned",
        "workflow-pull-request-target-safe",
    ] {
        let r = run(id, f.clone(), &crate::config::Config::default());
        assert_eq!(r.outcome, NotApplicable, "{id}: {}", r.message);
    }
}
