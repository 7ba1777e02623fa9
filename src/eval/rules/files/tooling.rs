//! Rules over the Rust tooling: toolchain, dependency policy, lints, unsafe code, fuzzing and
//! dependency updates (SM-7, SM-9, SI-2, SD-4, SVV-3).

use super::list;
use crate::eval::{RuleCtx, RuleResult};
use crate::facts::EvidenceRef;
use crate::facts::files::{ActivityKind, UpdateConfig};

pub(super) fn toolchain_pinned(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    let Some(t) = &f.toolchain else {
        return RuleResult::fail(
            "no rust-toolchain.toml; builds use whichever toolchain is installed",
            vec![],
        );
    };
    if let Some(why) = &t.not_analysed {
        return RuleResult::unknown(format!("{} {why}", t.file.path));
    }
    let evidence = vec![EvidenceRef::from(&t.file)];
    match &t.channel {
        None => RuleResult::fail(format!("{} names no channel", t.file.path), evidence),
        Some(c) if t.pinned => RuleResult::pass(
            format!("{} pins the toolchain to {c}", t.file.path),
            evidence,
        ),
        Some(c) => RuleResult::fail(
            format!(
                "{} names the moving channel `{c}`, not a version",
                t.file.path
            ),
            evidence,
        ),
    }
}

pub(super) fn dependency_policy_configured(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    if f.dependency_policy.is_empty() {
        return RuleResult::fail(
            "no deny.toml or audit.toml: no policy for advisories, licenses, bans or sources",
            vec![],
        );
    }
    RuleResult::pass(
        format!(
            "dependency policy configured: {}",
            list(
                f.dependency_policy
                    .iter()
                    .map(|c| if c.sections.is_empty() {
                        format!("{} ({})", c.file.path, c.tool)
                    } else {
                        format!("{} ({}: {})", c.file.path, c.tool, c.sections.join(", "))
                    }),
                3
            )
        ),
        f.dependency_policy
            .iter()
            .map(|c| EvidenceRef::from(&c.file))
            .collect(),
    )
}

pub(super) fn lints_configured(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    let l = &f.lints;
    let mut found = Vec::new();
    let mut evidence = Vec::new();
    if let Some(c) = &l.clippy_config {
        found.push(c.path.clone());
        evidence.push(EvidenceRef::from(c));
    }
    for t in &l.tables {
        found.push(format!("[{}] in {}", t.table, t.file.path));
        evidence.push(match t.line {
            Some(n) => t.file.at_line(n),
            None => EvidenceRef::from(&t.file),
        });
    }
    if !l.attributes.is_empty() {
        found.push(format!(
            "{} crate-level clippy attribute(s)",
            l.attributes.len()
        ));
        evidence.extend(l.attributes.iter().cloned());
    }
    if !found.is_empty() {
        return RuleResult::pass(format!("lints configured: {}", list(found, 4)), evidence);
    }
    if f.problems_under("Cargo.toml").next().is_some() {
        return RuleResult::unknown("Cargo.toml could not be read to find [lints]");
    }
    RuleResult::fail(
        "no clippy.toml, [lints] / [workspace.lints] table or crate-level clippy attributes",
        vec![],
    )
}

pub(super) fn unsafe_code_forbidden(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    if f.crates.is_empty() {
        return RuleResult::unknown(if f.problems_under("Cargo.toml").next().is_some() {
            "Cargo.toml could not be read to find the workspace crates"
        } else {
            "no workspace crates found"
        });
    }
    let mut evidence = Vec::new();
    let mut missing = Vec::new();
    let mut unreadable = Vec::new();
    for c in &f.crates {
        if c.forbids_unsafe() {
            if c.manifest_lint.as_deref() == Some("forbid") {
                evidence.push(EvidenceRef::from(&c.manifest));
            } else {
                evidence.extend(
                    c.roots
                        .iter()
                        .filter_map(|r| r.line.map(|n| r.file.at_line(n))),
                );
            }
            continue;
        }
        let open: Vec<&str> = c
            .roots
            .iter()
            .filter(|r| r.unsafe_code.as_deref() != Some("forbid"))
            .map(|r| r.file.path.as_str())
            .collect();
        if c.not_analysed.is_some() || c.roots.iter().any(|r| r.not_analysed.is_some()) {
            unreadable.push(c.name.clone());
        } else if c.roots.is_empty() {
            missing.push(format!("{} (no crate root and no manifest lint)", c.name));
        } else {
            missing.push(format!(
                "{} ({})",
                c.name,
                list(open.iter().map(|s| s.to_string()), 2)
            ));
        }
    }
    let total = f.crates.len();
    let good = total - missing.len() - unreadable.len();
    if !missing.is_empty() {
        return RuleResult::fail(
            format!(
                "{good} of {total} crates forbid unsafe code; not: {}",
                list(missing, 3)
            ),
            evidence,
        );
    }
    if !unreadable.is_empty() {
        return RuleResult::unknown(format!(
            "{good} of {total} crates forbid unsafe code; could not read: {}",
            list(unreadable, 3)
        ));
    }
    RuleResult::pass(format!("all {total} crates forbid unsafe code"), evidence)
}

/// Fuzz targets count only when something runs them: a CI job (`cargo fuzz run` and the
/// like, or the CIFuzz / ClusterFuzzLite actions) or an OSS-Fuzz / ClusterFuzzLite project
/// configuration. Targets that nothing runs test nothing.
pub(super) fn fuzz_targets_present(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    let (mut runners, mut evidence) = super::ci::performed(&f.ci, ActivityKind::Fuzzing);
    for s in f
        .fuzzing_services
        .iter()
        .filter(|s| s.not_analysed.is_none())
    {
        runners.push(format!("{} configuration {}", s.service, s.file.path));
        evidence.push(EvidenceRef::from(&s.file));
    }
    if f.fuzz_targets.is_empty() {
        let mut message = "no fuzz targets (fuzz/fuzz_targets/*.rs)".to_string();
        if !runners.is_empty() {
            message.push_str(&format!(
                "; fuzzing is configured ({}), but its targets are not where cargo-fuzz keeps them",
                list(runners, 2)
            ));
        }
        return RuleResult::fail(message, evidence);
    }
    let targets = format!(
        "{} fuzz target(s) ({})",
        f.fuzz_targets.len(),
        list(f.fuzz_targets.iter().map(|t| t.path.clone()), 3)
    );
    let mut target_evidence: Vec<EvidenceRef> =
        f.fuzz_targets.iter().map(EvidenceRef::from).collect();
    if !runners.is_empty() {
        target_evidence.extend(evidence);
        return RuleResult::pass(
            format!("{targets}, run by {}", list(runners, 2)),
            target_evidence,
        );
    }
    let mut unreadable = super::ci::blind_spots(&f.ci, ActivityKind::Fuzzing);
    unreadable.extend(
        f.fuzzing_services
            .iter()
            .filter_map(|s| Some(format!("{} {}", s.file.path, s.not_analysed.as_ref()?))),
    );
    if !unreadable.is_empty() {
        return RuleResult::unknown(format!(
            "{targets}; no CI job seen or fuzzing service runs them, but part of the CI or a \
             fuzzing configuration could not be seen: {}",
            list(unreadable, 3)
        ));
    }
    RuleResult::fail(
        format!(
            "{targets}, but nothing runs them: no CI job runs a fuzzer (cargo fuzz run, \
             cargo afl fuzz, cargo bolero test, CIFuzz, ClusterFuzzLite) and there is no OSS-Fuzz \
             or ClusterFuzzLite configuration"
        ),
        target_evidence,
    )
}

pub(super) fn dependency_updates_automated(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    if f.dependency_updates.is_empty() {
        return RuleResult::fail(
            "no Dependabot or Renovate configuration: dependency updates are not automated",
            vec![],
        );
    }
    let evidence: Vec<EvidenceRef> = f
        .dependency_updates
        .iter()
        .map(|u| EvidenceRef::from(&u.file))
        .collect();
    let covers = |u: &UpdateConfig, eco: &str| u.ecosystems.iter().any(|e| e == eco || e == "all");
    let cargo = f.dependency_updates.iter().find(|u| covers(u, "cargo"));
    let actions = f
        .dependency_updates
        .iter()
        .any(|u| covers(u, "github-actions"));
    if let Some(u) = cargo {
        return RuleResult::pass(
            format!(
                "{} ({}) updates cargo dependencies{}",
                u.file.path,
                u.tool,
                if actions { " and GitHub Actions" } else { "" }
            ),
            evidence,
        );
    }
    if let Some(u) = f
        .dependency_updates
        .iter()
        .find(|u| u.not_analysed.is_some())
    {
        return RuleResult::unknown(format!(
            "{} {}",
            u.file.path,
            u.not_analysed.as_deref().unwrap_or_default()
        ));
    }
    RuleResult::fail(
        format!(
            "dependency updates are configured but not for cargo: {}",
            list(
                f.dependency_updates.iter().map(|u| format!(
                    "{} ({})",
                    u.file.path,
                    u.ecosystems.join(", ")
                )),
                3
            )
        ),
        evidence,
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::config::Config;
    use crate::eval::Outcome::{Fail, Pass, Unknown};
    use crate::facts::files::*;

    fn toolchain(channel: Option<&str>, pinned: bool) -> FileFacts {
        FileFacts {
            toolchain: Some(Toolchain {
                file: fref("rust-toolchain.toml"),
                channel: channel.map(str::to_string),
                pinned,
                not_analysed: None,
            }),
            ..FileFacts::default()
        }
    }

    #[test]
    fn toolchain_rule() {
        let mut unread = toolchain(None, false);
        if let Some(t) = &mut unread.toolchain {
            t.not_analysed = Some("cannot be read".into());
        }
        table(
            "toolchain-pinned",
            vec![
                ("pinned", toolchain(Some("1.88.0"), true), Pass),
                ("moving", toolchain(Some("stable"), false), Fail),
                ("no channel", toolchain(None, false), Fail),
                ("absent", FileFacts::default(), Fail),
                ("unreadable", unread, Unknown),
            ],
        );
    }

    #[test]
    fn dependency_policy_and_lints_rules() {
        let deny = FileFacts {
            dependency_policy: vec![ToolConfig {
                tool: "cargo-deny".into(),
                file: fref("deny.toml"),
                sections: vec!["advisories".into(), "bans".into()],
            }],
            ..FileFacts::default()
        };
        table(
            "dependency-policy-configured",
            vec![
                ("deny.toml", deny, Pass),
                ("none", FileFacts::default(), Fail),
            ],
        );
        let lints = FileFacts {
            lints: Lints {
                tables: vec![LintTable {
                    file: fref("Cargo.toml"),
                    table: "workspace.lints".into(),
                    tools: vec!["rust".into()],
                    line: Some(9),
                }],
                ..Lints::default()
            },
            ..FileFacts::default()
        };
        let clippy = FileFacts {
            lints: Lints {
                clippy_config: Some(fref("clippy.toml")),
                ..Lints::default()
            },
            ..FileFacts::default()
        };
        let broken = FileFacts {
            problems: vec![Problem {
                path: "Cargo.toml".into(),
                message: "not valid TOML".into(),
            }],
            ..FileFacts::default()
        };
        table(
            "lints-configured",
            vec![
                ("table", lints, Pass),
                ("clippy.toml", clippy, Pass),
                ("none", FileFacts::default(), Fail),
                ("broken manifest", broken, Unknown),
            ],
        );
    }

    fn krate(name: &str, manifest: Option<&str>, roots: &[(&str, Option<&str>)]) -> WorkspaceCrate {
        WorkspaceCrate {
            name: name.into(),
            manifest: fref(&format!("{name}/Cargo.toml")),
            manifest_lint: manifest.map(str::to_string),
            manifest_lint_table: manifest.map(|_| "lints".to_string()),
            roots: roots
                .iter()
                .map(|(p, level)| CrateRoot {
                    file: fref(p),
                    unsafe_code: level.map(str::to_string),
                    line: level.map(|_| 1),
                    not_analysed: None,
                })
                .collect(),
            not_analysed: None,
        }
    }

    fn crates(cs: Vec<WorkspaceCrate>) -> FileFacts {
        FileFacts {
            crates: cs,
            ..FileFacts::default()
        }
    }

    #[test]
    fn unsafe_rule() {
        let mut unread = krate("c", None, &[("c/src/lib.rs", None)]);
        unread.roots[0].not_analysed = Some("cannot be read".into());
        table(
            "unsafe-code-forbidden",
            vec![
                (
                    "all forbid",
                    crates(vec![
                        krate("a", Some("forbid"), &[]),
                        krate(
                            "b",
                            None,
                            &[
                                ("b/src/lib.rs", Some("forbid")),
                                ("b/src/main.rs", Some("forbid")),
                            ],
                        ),
                    ]),
                    Pass,
                ),
                (
                    "one root misses it",
                    crates(vec![krate(
                        "b",
                        None,
                        &[("b/src/lib.rs", Some("forbid")), ("b/src/main.rs", None)],
                    )]),
                    Fail,
                ),
                (
                    "deny is not forbid",
                    crates(vec![krate(
                        "d",
                        Some("deny"),
                        &[("d/src/lib.rs", Some("deny"))],
                    )]),
                    Fail,
                ),
                ("no roots", crates(vec![krate("e", None, &[])]), Fail),
                ("unreadable root", crates(vec![unread]), Unknown),
                ("no crates", FileFacts::default(), Unknown),
            ],
        );
    }

    fn ci_running(via: &str) -> CiFacts {
        let file = fref(".github/workflows/fuzz.yml");
        CiFacts {
            systems: vec![CiSystem::GithubActions],
            pipelines: vec![Pipeline {
                system: CiSystem::GithubActions,
                file: file.clone(),
                name: None,
                jobs: vec![CiJob {
                    name: "fuzz".into(),
                    file: file.clone(),
                    line: 5,
                    activities: if via.is_empty() {
                        vec![]
                    } else {
                        vec![Activity {
                            kind: ActivityKind::Fuzzing,
                            chain: vec![Link {
                                file,
                                line: 9,
                                text: via.into(),
                            }],
                        }]
                    },
                }],
                files_read: vec![],
                unresolved: vec![],
                not_analysed: None,
            }],
        }
    }

    fn service(name: &str, path: &str, not_analysed: Option<&str>) -> FuzzingService {
        FuzzingService {
            service: name.into(),
            file: fref(path),
            not_analysed: not_analysed.map(str::to_string),
        }
    }

    #[test]
    fn fuzz_rule() {
        let targets = || FileFacts {
            fuzz_targets: vec![fref("fuzz/fuzz_targets/parse.rs")],
            ..FileFacts::default()
        };
        let in_ci = FileFacts {
            ci: ci_running("cargo +nightly fuzz run parse"),
            ..targets()
        };
        let cluster = FileFacts {
            fuzzing_services: vec![service(
                "clusterfuzzlite",
                ".clusterfuzzlite/project.yaml",
                None,
            )],
            ..targets()
        };
        let oss_fuzz = FileFacts {
            fuzzing_services: vec![service("oss-fuzz", "projects/demo/project.yaml", None)],
            ..targets()
        };
        let tests_only = FileFacts {
            ci: ci_running(""),
            ..targets()
        };
        let mut unparsed = ci_running("");
        unparsed.pipelines[0].jobs.clear();
        unparsed.pipelines[0].not_analysed = Some("not a valid workflow: bad indentation".into());
        let broken_ci = FileFacts {
            ci: unparsed,
            ..targets()
        };
        let unreadable_service = FileFacts {
            fuzzing_services: vec![service(
                "clusterfuzzlite",
                ".clusterfuzzlite/project.yaml",
                Some("is not valid YAML: tab"),
            )],
            ..targets()
        };
        let runner_without_targets = FileFacts {
            ci: ci_running("cargo bolero test parse"),
            ..FileFacts::default()
        };
        let no_targets_broken_ci = FileFacts {
            fuzz_targets: vec![],
            ..broken_ci.clone()
        };
        table(
            "fuzz-targets-present",
            vec![
                ("targets run in CI", in_ci, Pass),
                ("targets run by ClusterFuzzLite", cluster, Pass),
                ("targets run by OSS-Fuzz", oss_fuzz, Pass),
                ("targets that nothing runs", targets(), Fail),
                ("targets, CI without a fuzzing job", tests_only, Fail),
                (
                    "targets, a workflow could not be parsed",
                    broken_ci,
                    Unknown,
                ),
                (
                    "targets, the service configuration could not be read",
                    unreadable_service,
                    Unknown,
                ),
                ("no targets", FileFacts::default(), Fail),
                (
                    "a fuzzer runs but there are no targets",
                    runner_without_targets,
                    Fail,
                ),
                ("no targets, CI unreadable", no_targets_broken_ci, Fail),
            ],
        );

        let idle = run("fuzz-targets-present", targets(), &Config::default());
        assert!(
            idle.message.contains("but nothing runs them"),
            "{}",
            idle.message
        );
        let ran = run(
            "fuzz-targets-present",
            FileFacts {
                ci: ci_running("cargo fuzz run parse"),
                ..targets()
            },
            &Config::default(),
        );
        assert_eq!(
            ran.message,
            "1 fuzz target(s) (fuzz/fuzz_targets/parse.rs), run by GitHub Actions job fuzz: \
             .github/workflows/fuzz.yml:9 `cargo fuzz run parse`"
        );
        assert!(
            ran.evidence
                .contains(&fref(".github/workflows/fuzz.yml").at_line(9)),
            "{:?}",
            ran.evidence
        );
    }

    fn updates(tool: &str, ecosystems: &[&str], not_analysed: bool) -> FileFacts {
        FileFacts {
            dependency_updates: vec![UpdateConfig {
                tool: tool.into(),
                file: fref(".github/dependabot.yml"),
                ecosystems: ecosystems.iter().map(|s| s.to_string()).collect(),
                not_analysed: not_analysed.then(|| "JSON5 syntax is not parsed".into()),
            }],
            ..FileFacts::default()
        }
    }

    #[test]
    fn dependency_updates_rule() {
        table(
            "dependency-updates-automated",
            vec![
                (
                    "dependabot cargo",
                    updates("dependabot", &["cargo", "github-actions"], false),
                    Pass,
                ),
                (
                    "renovate default",
                    updates("renovate", &["all"], false),
                    Pass,
                ),
                (
                    "actions only",
                    updates("dependabot", &["github-actions"], false),
                    Fail,
                ),
                ("none", FileFacts::default(), Fail),
                ("json5", updates("renovate", &[], true), Unknown),
            ],
        );
    }
}
