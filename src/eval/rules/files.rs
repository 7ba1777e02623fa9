//! Rules over the repository's own files (`facts::files`).

use super::RuleFn;
use crate::eval::{RuleCtx, RuleResult};
use crate::facts::files::{
    ActionKind, ActivityKind, ChannelKind, FileFacts, GuidelinesSource, Mention, ThreatModel,
};
use crate::facts::{EvidenceRef, FileRef};

pub(super) const RULES: &[(&str, RuleFn)] = &[
    ("security-policy-present", security_policy_present),
    ("security-policy-disclosure", security_policy_disclosure),
    ("security-policy-timeframes", security_policy_timeframes),
    ("security-txt-current", security_txt_current),
    ("codeowners-coverage", codeowners_coverage),
    ("threat-model-present", threat_model_present),
    (
        "threat-model-threats-dispositioned",
        threat_model_threats_dispositioned,
    ),
    ("security-context-documented", security_context_documented),
    (
        "security-requirements-documented",
        security_requirements_documented,
    ),
    ("security-level-declared", security_level_declared),
    ("design-documented", design_documented),
    ("design-practices-documented", design_practices_documented),
    ("coding-standard-documented", coding_standard_documented),
    ("process-documented", process_documented),
    ("guidelines-defense-in-depth", guidelines_defense_in_depth),
    ("guidelines-environment", guidelines_environment),
    ("guidelines-hardening", guidelines_hardening),
    ("guidelines-disposal", guidelines_disposal),
    ("guidelines-secure-operation", guidelines_secure_operation),
    ("guidelines-accounts", guidelines_accounts),
    ("changelog-present", changelog_present),
    ("toolchain-pinned", toolchain_pinned),
    ("dependency-policy-configured", dependency_policy_configured),
    ("lints-configured", lints_configured),
    ("unsafe-code-forbidden", unsafe_code_forbidden),
    ("fuzz-targets-present", fuzz_targets_present),
    ("ci-runs-tests", ci_runs_tests),
    ("ci-runs-clippy", ci_runs_clippy),
    ("ci-audits-dependencies", ci_audits_dependencies),
    ("ci-static-analysis", ci_static_analysis),
    (
        "workflow-permissions-restricted",
        workflow_permissions_restricted,
    ),
    ("workflow-actions-pinned", workflow_actions_pinned),
    (
        "workflow-pull-request-target-safe",
        workflow_pull_request_target_safe,
    ),
    ("dependency-updates-automated", dependency_updates_automated),
];

const WORKFLOWS_DIR: &str = ".github/workflows/";

/// The file facts, or the unknown result that explains why there are none.
macro_rules! file_facts {
    ($ctx:expr) => {
        match $ctx.facts.files.get() {
            Ok(f) => f,
            Err(why) => return RuleResult::unknown(format!("repository files: {why}")),
        }
    };
}

fn list(items: impl IntoIterator<Item = String>, max: usize) -> String {
    let items: Vec<String> = items.into_iter().collect();
    let shown = items
        .iter()
        .take(max)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > max {
        format!("{shown} and {} more", items.len() - max)
    } else {
        shown
    }
}

fn at(file: &FileRef, line: u32) -> String {
    format!("{}:{line}", file.path)
}

fn lines(file: &FileRef, mentions: &[Mention]) -> Vec<EvidenceRef> {
    mentions.iter().map(|m| file.at_line(m.line)).collect()
}

// --- security policy (DM-1, DM-5, SUM-5) ----------------------------------------------------

fn security_policy_present(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    let Some(p) = &f.security_policy else {
        return RuleResult::fail(
            "no security policy found (SECURITY.md in the root, .github/ or docs/)",
            vec![],
        );
    };
    if let Some(why) = &p.not_analysed {
        return RuleResult::unknown(format!("security policy {} {why}", p.file.path));
    }
    if p.channels.is_empty() {
        return RuleResult::fail(
            format!(
                "{} names no reporting channel (e-mail address, advisory link or reporting URL)",
                p.file.path
            ),
            vec![EvidenceRef::from(&p.file)],
        );
    }
    let kind = |k: ChannelKind| match k {
        ChannelKind::Email => "e-mail",
        ChannelKind::Advisories => "private advisory",
        ChannelKind::Url => "url",
    };
    RuleResult::pass(
        format!(
            "{} names {} reporting channel(s): {}",
            p.file.path,
            p.channels.len(),
            list(
                p.channels.iter().map(|c| format!(
                    "{} {} (line {})",
                    kind(c.kind),
                    c.value,
                    c.line
                )),
                3
            )
        ),
        p.channels.iter().map(|c| p.file.at_line(c.line)).collect(),
    )
}

/// A rule over a list of statements in the security policy.
fn policy_statements(
    ctx: &RuleCtx<'_>,
    pick: fn(&crate::facts::files::SecurityPolicy) -> &Vec<Mention>,
    what: &str,
) -> RuleResult {
    let f = file_facts!(ctx);
    let Some(p) = &f.security_policy else {
        return RuleResult::fail(format!("no security policy found to state {what}"), vec![]);
    };
    if let Some(why) = &p.not_analysed {
        return RuleResult::unknown(format!("security policy {} {why}", p.file.path));
    }
    let found = pick(p);
    if found.is_empty() {
        return RuleResult::fail(
            format!("{} states no {what}", p.file.path),
            vec![EvidenceRef::from(&p.file)],
        );
    }
    RuleResult::pass(
        format!(
            "{} states {what}: {}",
            p.file.path,
            list(
                found
                    .iter()
                    .map(|m| format!("\"{}\" (line {})", m.text, m.line)),
                3
            )
        ),
        lines(&p.file, found),
    )
}

fn security_policy_disclosure(ctx: &RuleCtx<'_>) -> RuleResult {
    policy_statements(ctx, |p| &p.disclosure, "a disclosure policy")
}

fn security_policy_timeframes(ctx: &RuleCtx<'_>) -> RuleResult {
    policy_statements(ctx, |p| &p.timeframes, "response time-frames")
}

fn security_txt_current(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    let Some(s) = &f.security_txt else {
        return RuleResult::pass("no security.txt is published, so none can be stale", vec![]);
    };
    if let Some(why) = &s.not_analysed {
        return RuleResult::unknown(format!("{} {why}", s.file.path));
    }
    let file = EvidenceRef::from(&s.file);
    if s.contacts.is_empty() {
        return RuleResult::fail(format!("{} has no Contact field", s.file.path), vec![file]);
    }
    let (Some(raw), Some(line)) = (&s.expires_raw, s.expires_line) else {
        return RuleResult::fail(
            format!(
                "{} has no Expires field (RFC 9116 requires one)",
                s.file.path
            ),
            vec![file],
        );
    };
    let expires = s
        .expires
        .as_deref()
        .and_then(|e| crate::timefmt::parse(e).ok());
    let Some(expires) = expires else {
        return RuleResult::fail(
            format!(
                "{}: Expires `{raw}` is not an RFC 3339 date-time",
                at(&s.file, line)
            ),
            vec![s.file.at_line(line)],
        );
    };
    let when = crate::timefmt::rfc3339(expires);
    if expires <= ctx.now {
        RuleResult::fail(
            format!("{} expired on {when}", s.file.path),
            vec![s.file.at_line(line)],
        )
    } else {
        RuleResult::pass(
            format!(
                "{} lists {} contact(s) and is valid until {when}",
                s.file.path,
                s.contacts.len()
            ),
            vec![s.file.at_line(line)],
        )
    }
}

// --- CODEOWNERS (SM-2) -------------------------------------------------------------------------

fn codeowners_coverage(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    let min = require!(ctx.param_f64("min-share"));
    let Some(c) = &f.codeowners else {
        return RuleResult::fail(
            "no CODEOWNERS file in .github/, the root or docs/; no file has a responsible owner",
            vec![],
        );
    };
    if let Some(why) = &c.not_analysed {
        return RuleResult::unknown(format!("{} {why}", c.file.path));
    }
    if f.listing.truncated {
        return RuleResult::unknown(format!(
            "the file listing was truncated at {} files; coverage cannot be computed",
            f.listing.files
        ));
    }
    if c.files_total == 0 {
        return RuleResult::unknown("no files were listed to measure CODEOWNERS coverage on");
    }
    let share = c.files_covered as f64 / c.files_total as f64;
    let message = format!(
        "{} assigns owners to {} of {} files ({:.1}%, minimum {:.1}%)",
        c.file.path,
        c.files_covered,
        c.files_total,
        share * 100.0,
        min * 100.0
    );
    let evidence = vec![EvidenceRef::from(&c.file)];
    if share + 1e-9 >= min {
        RuleResult::pass(message, evidence)
    } else {
        RuleResult::fail(
            format!(
                "{message}; without owner: {}",
                list(c.uncovered_examples.iter().cloned(), 5)
            ),
            evidence,
        )
    }
}

// --- documents (SR, SD, SI, SM, SUM) -----------------------------------------------------------

/// Passes when a document of one of `kinds` was found. A configured kind whose file could not
/// be hashed is unknown; otherwise a missing document fails.
fn document_rule(ctx: &RuleCtx<'_>, kinds: &[&str], what: &str, example: &str) -> RuleResult {
    let f = file_facts!(ctx);
    let docs: Vec<_> = kinds.iter().flat_map(|k| f.documents_of(k)).collect();
    if !docs.is_empty() {
        return RuleResult::pass(
            format!(
                "{what}: {}",
                list(
                    docs.iter().map(|d| match &d.title {
                        Some(t) => format!("{} (\"{t}\")", d.file.path),
                        None => d.file.path.clone(),
                    }),
                    3
                )
            ),
            docs.iter().map(|d| EvidenceRef::from(&d.file)).collect(),
        );
    }
    let configured: Vec<&String> = kinds
        .iter()
        .filter_map(|k| ctx.config.documents.get(*k))
        .flatten()
        .collect();
    if !configured.is_empty() {
        return RuleResult::unknown(format!(
            "the configured {what} ({}) could not be read",
            list(configured.iter().map(|p| p.to_string()), 3)
        ));
    }
    RuleResult::fail(
        format!(
            "no {what} found; configure documents.{} in sdl.toml or add {example}",
            kinds[0]
        ),
        vec![],
    )
}

fn threat_model_present(ctx: &RuleCtx<'_>) -> RuleResult {
    document_rule(
        ctx,
        &["threat-model"],
        "threat model",
        "THREAT_MODEL.md or docs/security/threat-model.*",
    )
}

fn security_context_documented(ctx: &RuleCtx<'_>) -> RuleResult {
    document_rule(
        ctx,
        &["security-context"],
        "product security context",
        "docs/security/context.md",
    )
}

fn security_requirements_documented(ctx: &RuleCtx<'_>) -> RuleResult {
    document_rule(
        ctx,
        &["security-requirements"],
        "security requirements",
        "docs/security/requirements.md",
    )
}

fn design_documented(ctx: &RuleCtx<'_>) -> RuleResult {
    document_rule(
        ctx,
        &["design"],
        "secure design document",
        "docs/security/design.md or ARCHITECTURE.md",
    )
}

fn design_practices_documented(ctx: &RuleCtx<'_>) -> RuleResult {
    document_rule(
        ctx,
        &["design-practices"],
        "secure design practices",
        "docs/security/design-practices.md",
    )
}

fn coding_standard_documented(ctx: &RuleCtx<'_>) -> RuleResult {
    document_rule(
        ctx,
        &["coding-standard"],
        "secure coding standard",
        "docs/security/coding-standard.md",
    )
}

fn process_documented(ctx: &RuleCtx<'_>) -> RuleResult {
    document_rule(
        ctx,
        &["process"],
        "development process description",
        "docs/sdl/process.md",
    )
}

fn changelog_present(ctx: &RuleCtx<'_>) -> RuleResult {
    document_rule(
        ctx,
        &["changelog", "update-documentation"],
        "release notes or update documentation",
        "CHANGELOG.md",
    )
}

fn threat_model_threats_dispositioned(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    if f.threat_models.is_empty() {
        return if f.documents_of("threat-model").next().is_some() {
            RuleResult::unknown("the threat model was found but not analysed")
        } else {
            RuleResult::fail("no threat model found to list threats", vec![])
        };
    }
    let machine: Vec<&ThreatModel> = f
        .threat_models
        .iter()
        .filter(|m| m.threats.is_some())
        .collect();
    let unreadable: Vec<&ThreatModel> = f
        .threat_models
        .iter()
        .filter(|m| m.not_analysed.is_some())
        .collect();
    if machine.is_empty() {
        return RuleResult::unknown(if unreadable.is_empty() {
            format!(
                "the threat model is free text ({}); its threats cannot be counted",
                list(f.threat_models.iter().map(|m| m.file.path.clone()), 3)
            )
        } else {
            format!(
                "the threat model could not be analysed: {}",
                list(
                    unreadable.iter().map(|m| format!(
                        "{} {}",
                        m.file.path,
                        m.not_analysed.as_deref().unwrap_or_default()
                    )),
                    3
                )
            )
        });
    }
    let total: usize = machine
        .iter()
        .filter_map(|m| m.threats.as_ref())
        .map(|t| t.total)
        .sum();
    let decided: usize = machine
        .iter()
        .filter_map(|m| m.threats.as_ref())
        .map(|t| t.dispositioned)
        .sum();
    let evidence: Vec<EvidenceRef> = machine.iter().map(|m| EvidenceRef::from(&m.file)).collect();
    let paths = list(machine.iter().map(|m| m.file.path.clone()), 3);
    if total == 0 {
        return RuleResult::fail(format!("{paths} lists no threats"), evidence);
    }
    if decided < total {
        let undecided = machine
            .iter()
            .filter_map(|m| m.threats.as_ref())
            .flat_map(|t| t.undecided_examples.iter().map(|s| format!("\"{s}\"")));
        return RuleResult::fail(
            format!(
                "{} of {total} threats in {paths} have no mitigation or decision: {}",
                total - decided,
                list(undecided, 3)
            ),
            evidence,
        );
    }
    if !unreadable.is_empty() {
        return RuleResult::unknown(format!(
            "all {total} threats in {paths} are dispositioned, but {} could not be analysed",
            list(unreadable.iter().map(|m| m.file.path.clone()), 3)
        ));
    }
    RuleResult::pass(
        format!("all {total} threats in {paths} have a mitigation or decision"),
        evidence,
    )
}

fn security_level_declared(ctx: &RuleCtx<'_>) -> RuleResult {
    if let Some(level) = ctx.config.product.security_level {
        let path = ctx
            .config
            .source
            .clone()
            .unwrap_or_else(|| "sdl.toml".into());
        return RuleResult::pass(
            format!("the configuration declares SL-C {level} ({path})"),
            vec![EvidenceRef::Config {
                path,
                key: "product.security-level".into(),
            }],
        );
    }
    let f = file_facts!(ctx);
    if let Some(l) = &f.security_level {
        return RuleResult::pass(
            format!(
                "{} declares security level {} (\"{}\")",
                at(&l.file, l.line),
                l.level,
                l.text
            ),
            vec![l.file.at_line(l.line)],
        );
    }
    let searched: Vec<&FileRef> = ["security-requirements", "security-context"]
        .iter()
        .flat_map(|k| f.documents_of(k))
        .map(|d| &d.file)
        .collect();
    let unreadable = searched
        .iter()
        .filter(|d| f.problems_under(&d.path).next().is_some())
        .count();
    if unreadable > 0 {
        return RuleResult::unknown(format!(
            "{unreadable} security requirements/context document(s) could not be read to find an SL-C"
        ));
    }
    RuleResult::fail(
        if searched.is_empty() {
            "no capability security level (SL-C) declared: product.security-level is not set and \
             there is no security requirements document"
                .to_string()
        } else {
            format!(
                "no capability security level (SL-C) declared in the configuration or in {}",
                list(searched.iter().map(|d| d.path.clone()), 3)
            )
        },
        searched.iter().map(|d| EvidenceRef::from(*d)).collect(),
    )
}

// --- user security guidelines (SG-1 … SG-6) ---------------------------------------------------

fn guideline_topic(ctx: &RuleCtx<'_>, requirement: &str, what: &str) -> RuleResult {
    let f = file_facts!(ctx);
    let g = &f.guidelines;
    let Some(topic) = g.topics.iter().find(|t| t.requirement == requirement) else {
        return RuleResult::unknown(format!("the {requirement} topic was not searched"));
    };
    if g.source == GuidelinesSource::None {
        return RuleResult::fail(
            format!(
                "no user documentation found to describe {what} (no guidelines document, README or docs/)"
            ),
            vec![],
        );
    }
    match &topic.found {
        Some(m) if m.heading || g.source == GuidelinesSource::Guidelines => RuleResult::pass(
            format!(
                "{what} {} at {}: \"{}\"",
                if m.heading {
                    "has a section"
                } else {
                    "is described"
                },
                at(&m.file, m.line),
                m.text
            ),
            vec![m.file.at_line(m.line)],
        ),
        Some(m) => RuleResult::fail(
            format!(
                "{what} is only mentioned in passing ({}) and no guidelines document covers it",
                at(&m.file, m.line)
            ),
            vec![m.file.at_line(m.line)],
        ),
        None if g.incomplete => RuleResult::unknown(format!(
            "{what} was not found, but some user documentation could not be read"
        )),
        None => RuleResult::fail(
            format!(
                "no section about {what} in {}",
                list(g.searched.iter().map(|f| f.path.clone()), 3)
            ),
            g.searched.iter().map(EvidenceRef::from).collect(),
        ),
    }
}

fn guidelines_defense_in_depth(ctx: &RuleCtx<'_>) -> RuleResult {
    guideline_topic(ctx, "SG-1", "the product's defense in depth")
}

fn guidelines_environment(ctx: &RuleCtx<'_>) -> RuleResult {
    guideline_topic(ctx, "SG-2", "protections expected from the environment")
}

fn guidelines_hardening(ctx: &RuleCtx<'_>) -> RuleResult {
    guideline_topic(ctx, "SG-3", "hardening")
}

fn guidelines_disposal(ctx: &RuleCtx<'_>) -> RuleResult {
    guideline_topic(ctx, "SG-4", "secure disposal")
}

fn guidelines_secure_operation(ctx: &RuleCtx<'_>) -> RuleResult {
    guideline_topic(ctx, "SG-5", "secure operation")
}

fn guidelines_accounts(ctx: &RuleCtx<'_>) -> RuleResult {
    guideline_topic(ctx, "SG-6", "account management")
}

// --- Rust tooling (SM-7, SM-9, SI-2, SD-4, SVV-3) -----------------------------------------------

fn toolchain_pinned(ctx: &RuleCtx<'_>) -> RuleResult {
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

fn dependency_policy_configured(ctx: &RuleCtx<'_>) -> RuleResult {
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

fn lints_configured(ctx: &RuleCtx<'_>) -> RuleResult {
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

fn unsafe_code_forbidden(ctx: &RuleCtx<'_>) -> RuleResult {
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

fn fuzz_targets_present(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    if f.fuzz_targets.is_empty() {
        return RuleResult::fail("no fuzz targets (fuzz/fuzz_targets/*.rs)", vec![]);
    }
    let in_ci = f
        .workflows
        .iter()
        .filter(|w| w.activities(ActivityKind::Fuzzing).next().is_some())
        .count();
    RuleResult::pass(
        format!(
            "{} fuzz target(s): {}; {}",
            f.fuzz_targets.len(),
            list(f.fuzz_targets.iter().map(|t| t.path.clone()), 3),
            if in_ci == 0 {
                "no CI workflow runs them".to_string()
            } else {
                format!("{in_ci} workflow(s) run them")
            }
        ),
        f.fuzz_targets.iter().map(EvidenceRef::from).collect(),
    )
}

// --- CI workflows (SVV-1, SI-1, SVV-3, SM-7) ----------------------------------------------------

/// Workflow files that could not be read or parsed.
fn broken_workflows(f: &FileFacts) -> Vec<String> {
    f.problems_under(WORKFLOWS_DIR)
        .map(|p| p.path.clone())
        .collect()
}

fn activity_rule(ctx: &RuleCtx<'_>, kind: ActivityKind, what: &str) -> RuleResult {
    let f = file_facts!(ctx);
    let mut found = Vec::new();
    let mut evidence = Vec::new();
    for w in &f.workflows {
        for j in &w.jobs {
            for a in j.activities.iter().filter(|a| a.kind == kind) {
                found.push(format!(
                    "`{}` in {} job {}",
                    a.via,
                    at(&w.file, a.line),
                    j.id
                ));
                evidence.push(w.file.at_line(a.line));
            }
        }
    }
    if !found.is_empty() {
        return RuleResult::pass(format!("CI {what}: {}", list(found, 2)), evidence);
    }
    let broken = broken_workflows(f);
    if !broken.is_empty() {
        return RuleResult::unknown(format!(
            "no readable workflow {what}; could not parse {}",
            list(broken, 3)
        ));
    }
    if f.workflows.is_empty() {
        return RuleResult::fail(
            format!("no CI workflow in .github/workflows {what}"),
            vec![],
        );
    }
    RuleResult::fail(
        format!("none of the {} CI workflow(s) {what}", f.workflows.len()),
        f.workflows
            .iter()
            .map(|w| EvidenceRef::from(&w.file))
            .collect(),
    )
}

fn ci_runs_tests(ctx: &RuleCtx<'_>) -> RuleResult {
    activity_rule(ctx, ActivityKind::Tests, "runs the tests")
}

fn ci_runs_clippy(ctx: &RuleCtx<'_>) -> RuleResult {
    activity_rule(ctx, ActivityKind::Clippy, "runs clippy")
}

fn ci_audits_dependencies(ctx: &RuleCtx<'_>) -> RuleResult {
    activity_rule(
        ctx,
        ActivityKind::DependencyAudit,
        "audits dependencies (cargo audit / cargo deny)",
    )
}

fn ci_static_analysis(ctx: &RuleCtx<'_>) -> RuleResult {
    activity_rule(
        ctx,
        ActivityKind::StaticAnalysis,
        "runs static analysis (CodeQL, Semgrep, clippy SARIF)",
    )
}

/// A rule that collects violations across workflows: fail on any, unknown when a workflow
/// could not be parsed, pass otherwise (also with no workflows: then nothing is exposed).
fn workflow_violations(
    f: &FileFacts,
    violations: Vec<(String, EvidenceRef)>,
    clean: String,
) -> RuleResult {
    if !violations.is_empty() {
        let (messages, evidence): (Vec<String>, Vec<EvidenceRef>) = violations.into_iter().unzip();
        let n = messages.len();
        return RuleResult::fail(format!("{n} finding(s): {}", list(messages, 3)), evidence);
    }
    let broken = broken_workflows(f);
    if !broken.is_empty() {
        return RuleResult::unknown(format!(
            "no finding in the parsed workflows, but {} could not be parsed",
            list(broken, 3)
        ));
    }
    RuleResult::pass(
        clean,
        f.workflows
            .iter()
            .map(|w| EvidenceRef::from(&w.file))
            .collect(),
    )
}

fn workflow_permissions_restricted(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    let mut violations = Vec::new();
    for w in &f.workflows {
        match &w.permissions {
            Some(p) if !p.writes.is_empty() => violations.push((
                format!("{} grants `{}` to every job", at(&w.file, p.line), p.value),
                w.file.at_line(p.line),
            )),
            Some(_) => {}
            None => {
                let open: Vec<&str> = w
                    .jobs
                    .iter()
                    .filter(|j| j.permissions.is_none())
                    .map(|j| j.id.as_str())
                    .collect();
                if !open.is_empty() {
                    violations.push((
                        format!(
                            "{} sets no top-level permissions and job(s) {} inherit the default token",
                            w.file.path,
                            list(open.iter().map(|s| s.to_string()), 3)
                        ),
                        EvidenceRef::from(&w.file),
                    ));
                }
            }
        }
        for j in &w.jobs {
            if let Some(p) = &j.permissions
                && p.writes.iter().any(|s| s == "*")
            {
                violations.push((
                    format!("{} job {} grants `{}`", at(&w.file, p.line), j.id, p.value),
                    w.file.at_line(p.line),
                ));
            }
        }
    }
    workflow_violations(
        f,
        violations,
        if f.workflows.is_empty() {
            "no workflows, so no workflow token to restrict".into()
        } else {
            format!(
                "all {} workflow(s) restrict the token's permissions",
                f.workflows.len()
            )
        },
    )
}

fn workflow_actions_pinned(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    let mut violations = Vec::new();
    let mut external = 0;
    for w in &f.workflows {
        for j in &w.jobs {
            for a in &j.actions {
                if a.kind == ActionKind::Local {
                    continue;
                }
                external += 1;
                if !a.pinned {
                    violations.push((
                        format!("{} ({})", a.uses, at(&w.file, a.line)),
                        w.file.at_line(a.line),
                    ));
                }
            }
        }
    }
    for c in &f.composite_actions {
        for a in c.actions.iter().filter(|a| a.kind != ActionKind::Local) {
            external += 1;
            if !a.pinned {
                violations.push((
                    format!("{} ({})", a.uses, at(&c.file, a.line)),
                    c.file.at_line(a.line),
                ));
            }
        }
    }
    let broken: Vec<String> = f
        .problems_under(".github/actions/")
        .map(|p| p.path.clone())
        .collect();
    if violations.is_empty() && !broken.is_empty() {
        return RuleResult::unknown(format!(
            "no unpinned action found, but {} could not be parsed",
            list(broken, 3)
        ));
    }
    if !violations.is_empty() {
        let n = violations.len();
        let (names, evidence): (Vec<String>, Vec<EvidenceRef>) = violations.into_iter().unzip();
        return RuleResult::fail(
            format!(
                "{n} of {external} action reference(s) are not pinned to a full commit SHA: {}",
                list(names, 3)
            ),
            evidence,
        );
    }
    workflow_violations(
        f,
        vec![],
        match (f.workflows.len(), external) {
            (0, _) => "no workflows, so no action to pin".to_string(),
            (_, 0) => "no workflow uses an external action".to_string(),
            _ => format!("all {external} external action reference(s) are pinned to a commit SHA"),
        },
    )
}

fn workflow_pull_request_target_safe(ctx: &RuleCtx<'_>) -> RuleResult {
    let f = file_facts!(ctx);
    let violations = f
        .workflows
        .iter()
        .flat_map(|w| {
            w.hazards.iter().map(|h| {
                (
                    format!("{} job {}: {}", at(&w.file, h.line), h.job, h.message),
                    w.file.at_line(h.line),
                )
            })
        })
        .collect();
    let privileged = f
        .workflows
        .iter()
        .filter(|w| {
            w.triggers
                .iter()
                .any(|t| t == "pull_request_target" || t == "workflow_run")
        })
        .count();
    workflow_violations(
        f,
        violations,
        if f.workflows.is_empty() {
            "no workflows, so none runs untrusted pull request code".to_string()
        } else {
            format!(
                "no workflow checks out untrusted pull request code with a privileged token \
                 ({privileged} of {} use pull_request_target or workflow_run)",
                f.workflows.len()
            )
        },
    )
}

// --- dependency updates (SM-9) ------------------------------------------------------------------

fn dependency_updates_automated(ctx: &RuleCtx<'_>) -> RuleResult {
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
    let covers = |u: &crate::facts::files::UpdateConfig, eco: &str| {
        u.ecosystems.iter().any(|e| e == eco || e == "all")
    };
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
    use super::*;
    use crate::config::Config;
    use crate::eval::Outcome::{self, Fail, Pass, Unknown};
    use crate::eval::testing;
    use crate::facts::files::*;
    use crate::facts::{Collected, Facts};

    fn fref(path: &str) -> FileRef {
        FileRef {
            path: path.into(),
            sha256: "ab".repeat(32),
        }
    }

    const NOW: &str = "2026-06-01T00:00:00Z";

    fn facts(files: Collected<FileFacts>) -> Facts {
        Facts {
            files,
            ..Facts::nothing(NOW, "test")
        }
    }

    fn run(id: &str, files: FileFacts, config: &Config) -> RuleResult {
        testing::outcome(
            id,
            &facts(Collected::present(files)),
            config,
            testing::at(NOW),
        )
    }

    /// Run `id` over each case, plus the case where the files could not be collected.
    fn table(id: &str, cases: Vec<(&str, FileFacts, Outcome)>) {
        let mut cases: Vec<(&str, Facts, Outcome)> = cases
            .into_iter()
            .map(|(name, f, want)| (name, facts(Collected::present(f)), want))
            .collect();
        cases.push((
            "files not collected",
            facts(Collected::failed("boom")),
            Unknown,
        ));
        testing::table(id, testing::at(NOW), cases);
    }

    fn policy(channels: usize, disclosure: usize, timeframes: usize) -> FileFacts {
        let m = |n: usize| {
            (0..n)
                .map(|i| Mention {
                    text: format!("m{i}"),
                    line: i as u32 + 1,
                })
                .collect::<Vec<_>>()
        };
        FileFacts {
            security_policy: Some(SecurityPolicy {
                file: fref("SECURITY.md"),
                channels: (0..channels)
                    .map(|i| Channel {
                        kind: ChannelKind::Email,
                        value: format!("s{i}@example.org"),
                        line: 3,
                    })
                    .collect(),
                disclosure: m(disclosure),
                timeframes: m(timeframes),
                not_analysed: None,
            }),
            ..FileFacts::default()
        }
    }

    fn unread_policy() -> FileFacts {
        let mut f = policy(0, 0, 0);
        if let Some(p) = &mut f.security_policy {
            p.not_analysed = Some("is larger than 1048576 bytes".into());
        }
        f
    }

    #[test]
    fn security_policy_rules() {
        for (id, good) in [
            ("security-policy-present", policy(1, 0, 0)),
            ("security-policy-disclosure", policy(0, 1, 0)),
            ("security-policy-timeframes", policy(0, 0, 2)),
        ] {
            table(
                id,
                vec![
                    ("stated", good, Pass),
                    ("not stated", policy(0, 0, 0), Fail),
                    ("no policy", FileFacts::default(), Fail),
                    ("too large", unread_policy(), Unknown),
                ],
            );
        }
        let r = run(
            "security-policy-present",
            policy(2, 0, 0),
            &Config::default(),
        );
        assert!(
            r.message.starts_with(
                "SECURITY.md names 2 reporting channel(s): e-mail s0@example.org (line 3)"
            ),
            "{}",
            r.message
        );
    }

    fn txt(contacts: usize, expires: Option<&str>) -> FileFacts {
        FileFacts {
            security_txt: Some(SecurityTxt {
                file: fref(".well-known/security.txt"),
                contacts: (0..contacts)
                    .map(|_| Mention {
                        text: "mailto:a@b.org".into(),
                        line: 1,
                    })
                    .collect(),
                expires_raw: expires.map(str::to_string),
                expires: expires
                    .and_then(|e| crate::timefmt::parse(e).ok())
                    .map(crate::timefmt::rfc3339),
                expires_line: expires.map(|_| 2),
                signed: false,
                not_analysed: None,
            }),
            ..FileFacts::default()
        }
    }

    #[test]
    fn security_txt_rule() {
        let mut unread = txt(1, None);
        if let Some(s) = &mut unread.security_txt {
            s.not_analysed = Some("cannot be read".into());
        }
        table(
            "security-txt-current",
            vec![
                ("valid", txt(1, Some("2027-01-01T00:00:00Z")), Pass),
                ("absent", FileFacts::default(), Pass),
                ("expired", txt(1, Some("2026-01-01T00:00:00Z")), Fail),
                ("no contact", txt(0, Some("2027-01-01T00:00:00Z")), Fail),
                ("no expires", txt(1, None), Fail),
                ("bad date", txt(1, Some("tomorrow")), Fail),
                ("unreadable", unread, Unknown),
            ],
        );
    }

    fn owners(covered: usize, total: usize) -> FileFacts {
        FileFacts {
            codeowners: Some(Codeowners {
                file: fref(".github/CODEOWNERS"),
                rules: 2,
                files_total: total,
                files_covered: covered,
                uncovered_examples: vec!["x.rs".into()],
                unsupported: vec![],
                not_analysed: None,
            }),
            ..FileFacts::default()
        }
    }

    #[test]
    fn codeowners_rule() {
        let mut truncated = owners(10, 10);
        truncated.listing.truncated = true;
        table(
            "codeowners-coverage",
            vec![
                ("full", owners(10, 10), Pass),
                ("at threshold", owners(8, 10), Pass),
                ("below", owners(7, 10), Fail),
                ("absent", FileFacts::default(), Fail),
                ("empty listing", owners(0, 0), Unknown),
                ("truncated", truncated, Unknown),
            ],
        );
        let r = run("codeowners-coverage", owners(7, 10), &Config::default());
        assert_eq!(
            r.message,
            ".github/CODEOWNERS assigns owners to 7 of 10 files (70.0%, minimum 80.0%); without owner: x.rs"
        );
    }

    fn with_doc(kind: &str, path: &str) -> FileFacts {
        FileFacts {
            documents: vec![Document {
                kind: kind.into(),
                file: fref(path),
                title: Some("Title".into()),
            }],
            ..FileFacts::default()
        }
    }

    #[test]
    fn document_rules() {
        for (id, kind) in [
            ("threat-model-present", "threat-model"),
            ("security-context-documented", "security-context"),
            ("security-requirements-documented", "security-requirements"),
            ("design-documented", "design"),
            ("design-practices-documented", "design-practices"),
            ("coding-standard-documented", "coding-standard"),
            ("process-documented", "process"),
            ("changelog-present", "changelog"),
        ] {
            table(
                id,
                vec![
                    ("present", with_doc(kind, "docs/x.md"), Pass),
                    ("other kind only", with_doc("guidelines", "docs/g.md"), Fail),
                    ("absent", FileFacts::default(), Fail),
                ],
            );
            let mut config = Config::default();
            config
                .documents
                .insert(kind.to_string(), vec!["docs/gone.md".into()]);
            let r = run(id, FileFacts::default(), &config);
            assert_eq!(
                r.outcome, Unknown,
                "{id} with an unreadable configured document"
            );
        }
        table(
            "changelog-present",
            vec![(
                "update docs",
                with_doc("update-documentation", "docs/security/updates.md"),
                Pass,
            )],
        );
    }

    fn model(format: ThreatModelFormat, threats: Option<(usize, usize)>) -> ThreatModel {
        ThreatModel {
            file: fref("docs/security/threat-model.json"),
            format,
            threats: threats.map(|(total, decided)| ThreatCounts {
                total,
                with_mitigation: decided,
                dispositioned: decided,
                with_severity: total,
                undecided_examples: (decided..total).map(|i| format!("t{i}")).collect(),
            }),
            note: None,
            not_analysed: None,
        }
    }

    fn models(ms: Vec<ThreatModel>) -> FileFacts {
        FileFacts {
            threat_models: ms,
            ..FileFacts::default()
        }
    }

    #[test]
    fn threat_disposition_rule() {
        let mut unreadable = model(ThreatModelFormat::Other, None);
        unreadable.not_analysed = Some("not valid JSON".into());
        table(
            "threat-model-threats-dispositioned",
            vec![
                (
                    "all decided",
                    models(vec![model(ThreatModelFormat::ThreatDragon, Some((3, 3)))]),
                    Pass,
                ),
                (
                    "one open",
                    models(vec![model(ThreatModelFormat::ThreatDragon, Some((3, 2)))]),
                    Fail,
                ),
                (
                    "no threats",
                    models(vec![model(ThreatModelFormat::Threagile, Some((0, 0)))]),
                    Fail,
                ),
                ("no model", FileFacts::default(), Fail),
                (
                    "free text",
                    models(vec![model(ThreatModelFormat::Markdown, None)]),
                    Unknown,
                ),
                ("unparseable", models(vec![unreadable.clone()]), Unknown),
                (
                    "decided plus unparseable",
                    models(vec![
                        model(ThreatModelFormat::ThreatDragon, Some((1, 1))),
                        unreadable,
                    ]),
                    Unknown,
                ),
            ],
        );
        let r = run(
            "threat-model-threats-dispositioned",
            models(vec![model(ThreatModelFormat::ThreatDragon, Some((3, 1)))]),
            &Config::default(),
        );
        assert_eq!(
            r.message,
            "2 of 3 threats in docs/security/threat-model.json have no mitigation or decision: \"t1\", \"t2\""
        );
    }

    #[test]
    fn security_level_rule() {
        let declared = FileFacts {
            security_level: Some(DeclaredSecurityLevel {
                level: 2,
                file: fref("docs/security/requirements.md"),
                line: 4,
                text: "SL-C 2".into(),
            }),
            ..FileFacts::default()
        };
        let mut unreadable = with_doc("security-requirements", "docs/security/requirements.md");
        unreadable.problems.push(Problem {
            path: "docs/security/requirements.md".into(),
            message: "cannot be read".into(),
        });
        table(
            "security-level-declared",
            vec![
                ("in document", declared, Pass),
                (
                    "document without level",
                    with_doc("security-requirements", "r.md"),
                    Fail,
                ),
                ("nothing", FileFacts::default(), Fail),
                ("unreadable", unreadable, Unknown),
            ],
        );
        let mut config = Config::default();
        config.product.security_level = Some(3);
        let r = run("security-level-declared", FileFacts::default(), &config);
        assert_eq!(
            (r.outcome, r.message.as_str()),
            (Pass, "the configuration declares SL-C 3 (sdl.toml)")
        );
    }

    fn guides(source: GuidelinesSource, hit: Option<bool>, incomplete: bool) -> FileFacts {
        let topics = ["SG-1", "SG-2", "SG-3", "SG-4", "SG-5", "SG-6"]
            .iter()
            .map(|r| GuidelineTopic {
                requirement: r.to_string(),
                topic: "t".into(),
                found: hit.map(|heading| TopicMatch {
                    file: fref("docs/guide.md"),
                    line: 7,
                    heading,
                    text: "## Topic".into(),
                }),
            })
            .collect();
        FileFacts {
            guidelines: Guidelines {
                source,
                searched: vec![fref("docs/guide.md")],
                topics,
                incomplete,
            },
            ..FileFacts::default()
        }
    }

    #[test]
    fn guideline_rules() {
        use GuidelinesSource as S;
        for id in [
            "guidelines-defense-in-depth",
            "guidelines-environment",
            "guidelines-hardening",
            "guidelines-disposal",
            "guidelines-secure-operation",
            "guidelines-accounts",
        ] {
            table(
                id,
                vec![
                    ("section", guides(S::Guidelines, Some(true), false), Pass),
                    (
                        "mention in guidelines",
                        guides(S::Guidelines, Some(false), false),
                        Pass,
                    ),
                    (
                        "readme section",
                        guides(S::ReadmeAndDocs, Some(true), false),
                        Pass,
                    ),
                    (
                        "readme mention",
                        guides(S::ReadmeAndDocs, Some(false), false),
                        Fail,
                    ),
                    ("not found", guides(S::Guidelines, None, false), Fail),
                    ("no docs", guides(S::None, None, false), Fail),
                    ("unreadable", guides(S::Guidelines, None, true), Unknown),
                    ("not searched", FileFacts::default(), Unknown),
                ],
            );
        }
    }

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

    #[test]
    fn fuzz_rule() {
        let fuzz = FileFacts {
            fuzz_targets: vec![fref("fuzz/fuzz_targets/parse.rs")],
            ..FileFacts::default()
        };
        table(
            "fuzz-targets-present",
            vec![
                ("targets", fuzz, Pass),
                ("none", FileFacts::default(), Fail),
            ],
        );
    }

    fn workflow(jobs: Vec<Job>, permissions: Option<&str>, triggers: &[&str]) -> Workflow {
        Workflow {
            file: fref(".github/workflows/ci.yml"),
            name: Some("CI".into()),
            triggers: triggers.iter().map(|s| s.to_string()).collect(),
            permissions: permissions.map(perm),
            jobs,
            hazards: vec![],
        }
    }

    fn perm(value: &str) -> Permissions {
        Permissions {
            line: 3,
            value: value.into(),
            writes: if value.contains("write") {
                vec!["*".into()]
            } else {
                vec![]
            },
        }
    }

    fn job(activities: &[ActivityKind], actions: &[&str], permissions: Option<&str>) -> Job {
        Job {
            id: "build".into(),
            line: 5,
            permissions: permissions.map(perm),
            actions: actions
                .iter()
                .map(|u| ActionUse {
                    uses: u.to_string(),
                    kind: if u.starts_with("./") {
                        ActionKind::Local
                    } else {
                        ActionKind::Remote
                    },
                    pinned: u.starts_with("./") || u.len() > 50,
                    line: 8,
                })
                .collect(),
            activities: activities
                .iter()
                .map(|k| Activity {
                    kind: *k,
                    line: 10,
                    via: "cargo x".into(),
                })
                .collect(),
        }
    }

    fn ci(workflows: Vec<Workflow>, broken: bool) -> FileFacts {
        FileFacts {
            workflows,
            problems: if broken {
                vec![Problem {
                    path: ".github/workflows/bad.yml".into(),
                    message: "not a valid workflow".into(),
                }]
            } else {
                vec![]
            },
            ..FileFacts::default()
        }
    }

    #[test]
    fn activity_rules() {
        use ActivityKind::*;
        for (id, kind) in [
            ("ci-runs-tests", Tests),
            ("ci-runs-clippy", Clippy),
            ("ci-audits-dependencies", DependencyAudit),
            ("ci-static-analysis", StaticAnalysis),
        ] {
            let other = if kind == Fuzzing { Tests } else { Fuzzing };
            table(
                id,
                vec![
                    (
                        "runs it",
                        ci(
                            vec![workflow(vec![job(&[kind], &[], None)], None, &["push"])],
                            false,
                        ),
                        Pass,
                    ),
                    (
                        "runs it, other broken",
                        ci(
                            vec![workflow(vec![job(&[kind], &[], None)], None, &["push"])],
                            true,
                        ),
                        Pass,
                    ),
                    (
                        "does not",
                        ci(
                            vec![workflow(vec![job(&[other], &[], None)], None, &["push"])],
                            false,
                        ),
                        Fail,
                    ),
                    ("no workflows", ci(vec![], false), Fail),
                    ("broken only", ci(vec![], true), Unknown),
                ],
            );
        }
    }

    #[test]
    fn workflow_hardening_rules() {
        let sha = "actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab";
        let good = || {
            workflow(
                vec![job(&[], &[sha, "./local"], None)],
                Some("contents: read"),
                &["push"],
            )
        };
        table(
            "workflow-permissions-restricted",
            vec![
                ("top-level read", ci(vec![good()], false), Pass),
                (
                    "every job declares",
                    ci(
                        vec![workflow(
                            vec![job(&[], &[], Some("contents: read"))],
                            None,
                            &["push"],
                        )],
                        false,
                    ),
                    Pass,
                ),
                (
                    "no permissions",
                    ci(
                        vec![workflow(vec![job(&[], &[], None)], None, &["push"])],
                        false,
                    ),
                    Fail,
                ),
                (
                    "write-all",
                    ci(
                        vec![workflow(
                            vec![job(&[], &[], None)],
                            Some("write-all"),
                            &["push"],
                        )],
                        false,
                    ),
                    Fail,
                ),
                (
                    "job write-all",
                    ci(
                        vec![workflow(
                            vec![job(&[], &[], Some("write-all"))],
                            Some("{}"),
                            &["push"],
                        )],
                        false,
                    ),
                    Fail,
                ),
                ("no workflows", ci(vec![], false), Pass),
                ("clean but broken", ci(vec![good()], true), Unknown),
            ],
        );
        table(
            "workflow-actions-pinned",
            vec![
                ("pinned", ci(vec![good()], false), Pass),
                (
                    "tag",
                    ci(
                        vec![workflow(
                            vec![job(&[], &["actions/checkout@v4"], None)],
                            None,
                            &["push"],
                        )],
                        false,
                    ),
                    Fail,
                ),
                (
                    "tag and broken",
                    ci(
                        vec![workflow(
                            vec![job(&[], &["actions/checkout@v4"], None)],
                            None,
                            &["push"],
                        )],
                        true,
                    ),
                    Fail,
                ),
                ("clean but broken", ci(vec![good()], true), Unknown),
            ],
        );
        let mut composite = ci(vec![good()], false);
        composite.composite_actions.push(CompositeAction {
            file: fref(".github/actions/setup/action.yml"),
            actions: vec![ActionUse {
                uses: "Swatinem/rust-cache@v2".into(),
                kind: ActionKind::Remote,
                pinned: false,
                line: 5,
            }],
        });
        let mut broken_action = ci(vec![good()], false);
        broken_action.problems.push(Problem {
            path: ".github/actions/setup/action.yml".into(),
            message: "not valid YAML".into(),
        });
        table(
            "workflow-actions-pinned",
            vec![
                ("unpinned in a composite action", composite, Fail),
                ("unparseable composite action", broken_action, Unknown),
            ],
        );
        let mut hazardous = workflow(vec![job(&[], &[], None)], None, &["pull_request_target"]);
        hazardous.hazards.push(Hazard {
            job: "build".into(),
            line: 12,
            message: "checks out the pull request head".into(),
        });
        table(
            "workflow-pull-request-target-safe",
            vec![
                ("safe", ci(vec![good()], false), Pass),
                ("hazard", ci(vec![hazardous], false), Fail),
                ("clean but broken", ci(vec![good()], true), Unknown),
            ],
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
