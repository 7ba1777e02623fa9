//! Rules over supply-chain facts (`facts::cargo`): packages, SBOMs, advisories.

use super::RuleFn;
use crate::eval::{RuleCtx, RuleResult};
use crate::facts::EvidenceRef;
use crate::facts::cargo::{
    AdvisoryFacts, AdvisoryKind, AdvisoryMatch, CargoFacts, PackageSource, SbomValidation,
};

pub(super) const RULES: &[(&str, RuleFn)] = &[
    ("advisory-db-fresh", advisory_db_fresh),
    ("cargo-lock-committed", cargo_lock_committed),
    ("dependency-sources-reviewed", dependency_sources_reviewed),
    ("licenses-declared", licenses_declared),
    ("no-known-vulnerabilities", no_known_vulnerabilities),
    ("no-unmaintained-or-unsound", no_unmaintained_or_unsound),
    ("sbom-generated", sbom_generated),
    ("sbom-repository-current", sbom_repository_current),
    ("security-fixes-timely", security_fixes_timely),
];

/// At most this many items are named in a message; the evidence lists all of them.
const NAMED: usize = 5;

fn list(items: &[String]) -> String {
    if items.len() <= NAMED {
        items.join(", ")
    } else {
        format!(
            "{} and {} more",
            items[..NAMED].join(", "),
            items.len() - NAMED
        )
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn cargo<'a>(ctx: &'a RuleCtx<'_>) -> Result<&'a CargoFacts, RuleResult> {
    ctx.facts
        .cargo
        .get()
        .map_err(|why| RuleResult::unknown(format!("no package list: {why}")))
}

/// Complete cargo facts, or unknown saying why they are partial.
fn full_cargo<'a>(ctx: &'a RuleCtx<'_>) -> Result<&'a CargoFacts, RuleResult> {
    let c = cargo(ctx)?;
    match &c.partial {
        Some(why) => Err(RuleResult::unknown(format!(
            "the package list is partial: {why}"
        ))),
        None => Ok(c),
    }
}

fn advisories<'a>(ctx: &'a RuleCtx<'_>) -> Result<&'a AdvisoryFacts, RuleResult> {
    ctx.facts
        .advisories
        .get()
        .map_err(|why| RuleResult::unknown(format!("no advisory check: {why}")))
}

/// The advisory ids (or an alias) an active waiver covers.
fn waived_id(ctx: &RuleCtx<'_>, m: &AdvisoryMatch) -> Option<String> {
    std::iter::once(&m.id)
        .chain(&m.aliases)
        .find(|id| ctx.config.active_waiver(id, ctx.now).is_some())
        .cloned()
}

/// Split matches into those a waiver accepts (their waiver ids) and the rest.
fn split_waived<'a>(
    ctx: &RuleCtx<'_>,
    matches: impl Iterator<Item = &'a AdvisoryMatch>,
) -> (Vec<&'a AdvisoryMatch>, Vec<String>) {
    let mut open = Vec::new();
    let mut used = Vec::new();
    for m in matches {
        match waived_id(ctx, m) {
            Some(id) => used.push(id),
            None => open.push(m),
        }
    }
    used.sort();
    used.dedup();
    (open, used)
}

fn describe_match(m: &AdvisoryMatch) -> String {
    let mut s = format!("{} ({} {}", m.id, m.package, m.version);
    if let Some(score) = m.cvss_score {
        s.push_str(&format!(", cvss {score:.1}"));
    }
    if m.patched.is_empty() {
        s.push_str(", no patched version");
    } else {
        s.push_str(&format!(", patched {}", m.patched.join(" or ")));
    }
    s.push(')');
    s
}

fn match_evidence(ms: &[&AdvisoryMatch]) -> Vec<EvidenceRef> {
    ms.iter()
        .flat_map(|m| {
            [
                EvidenceRef::Advisory { id: m.id.clone() },
                EvidenceRef::Package {
                    name: m.package.clone(),
                    version: m.version.clone(),
                },
            ]
        })
        .collect()
}

fn waived_note(used: &[String]) -> String {
    if used.is_empty() {
        String::new()
    } else {
        format!("; waived: {}", used.join(", "))
    }
}

fn not_covered_note(a: &AdvisoryFacts) -> String {
    if a.not_covered.is_empty() {
        String::new()
    } else {
        format!(
            "; RustSec does not cover {} from git or other registries: {}",
            plural(a.not_covered.len(), "package", "packages"),
            list(&a.not_covered)
        )
    }
}

fn no_known_vulnerabilities(ctx: &RuleCtx<'_>) -> RuleResult {
    let a = require!(advisories(ctx));
    let (open, used) = split_waived(
        ctx,
        a.matches
            .iter()
            .filter(|m| m.kind == AdvisoryKind::Vulnerability),
    );
    let db = format!(
        "database of {} ({} advisories)",
        a.database.date, a.database.advisories
    );
    let mut evidence = vec![EvidenceRef::from(&a.lockfile)];
    if open.is_empty() {
        RuleResult::pass(
            format!(
                "no known vulnerabilities in {} crates.io packages of {}, {db}{}{}",
                a.scanned,
                a.lockfile.path,
                waived_note(&used),
                not_covered_note(a)
            ),
            evidence,
        )
        .with_waivers(used)
    } else {
        let names: Vec<String> = open.iter().map(|m| describe_match(m)).collect();
        evidence.extend(match_evidence(&open));
        RuleResult::fail(
            format!(
                "{} in {}: {}{}",
                plural(open.len(), "known vulnerability", "known vulnerabilities"),
                a.lockfile.path,
                list(&names),
                waived_note(&used)
            ),
            evidence,
        )
        .with_waivers(used)
    }
}

fn no_unmaintained_or_unsound(ctx: &RuleCtx<'_>) -> RuleResult {
    let a = require!(advisories(ctx));
    let (open, used) = split_waived(
        ctx,
        a.matches
            .iter()
            .filter(|m| matches!(m.kind, AdvisoryKind::Unmaintained | AdvisoryKind::Unsound)),
    );
    let notices = a
        .matches
        .iter()
        .filter(|m| matches!(m.kind, AdvisoryKind::Notice | AdvisoryKind::Informational))
        .count();
    let notice_note = if notices == 0 {
        String::new()
    } else {
        format!("; {} (not counted)", plural(notices, "notice", "notices"))
    };
    let mut evidence = vec![EvidenceRef::from(&a.lockfile)];
    if open.is_empty() {
        return RuleResult::pass(
            format!(
                "no unmaintained or unsound crates among {} crates.io packages{}{notice_note}",
                a.scanned,
                waived_note(&used)
            ),
            evidence,
        )
        .with_waivers(used);
    }
    let names: Vec<String> = open
        .iter()
        .map(|m| {
            let kind = if m.kind == AdvisoryKind::Unsound {
                "unsound"
            } else {
                "unmaintained"
            };
            format!("{} {} {kind} ({})", m.package, m.version, m.id)
        })
        .collect();
    evidence.extend(match_evidence(&open));
    RuleResult::fail(
        format!(
            "{} without a waiver: {}{}{notice_note}",
            plural(
                open.len(),
                "unmaintained or unsound crate",
                "unmaintained or unsound crates"
            ),
            list(&names),
            waived_note(&used)
        ),
        evidence,
    )
    .with_waivers(used)
}

fn advisory_db_fresh(ctx: &RuleCtx<'_>) -> RuleResult {
    let max = require!(ctx.param_u64("max-age-days"));
    let a = require!(advisories(ctx));
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let Ok(date) = time::Date::parse(&a.database.date, &fmt) else {
        return RuleResult::unknown(format!(
            "the advisory database at {} has no date",
            a.database.path
        ));
    };
    let age = (ctx.now.date() - date).whole_days();
    let evidence: Vec<EvidenceRef> = a
        .database
        .commit
        .iter()
        .map(|c| EvidenceRef::Commit { id: c.clone() })
        .collect();
    let what = if age < 0 {
        // Newer than the assessment time: not stale, and not "0 days old" either; the
        // report's clock warning names it among the evidence dated after that time.
        format!(
            "the advisory database ({}, {} from {}) is dated {} after the assessment time",
            a.database.origin,
            a.database.date,
            a.database.date_source,
            plural(age.unsigned_abs() as usize, "day", "days")
        )
    } else {
        format!(
            "the advisory database ({}, {} from {}) is {} old",
            a.database.origin,
            a.database.date,
            a.database.date_source,
            plural(age as usize, "day", "days")
        )
    };
    if age < 0 {
        RuleResult::pass(what, evidence)
    } else if age <= max as i64 {
        RuleResult::pass(format!("{what}, within {max}"), evidence)
    } else {
        RuleResult::fail(format!("{what}, more than {max}"), evidence)
    }
}

fn cargo_lock_committed(ctx: &RuleCtx<'_>) -> RuleResult {
    let c = require!(cargo(ctx));
    match (&c.lockfile, c.lockfile_tracked, c.has_binary) {
        (Some(f), Some(true), _) => RuleResult::pass(
            format!("{} is committed", f.path),
            vec![EvidenceRef::from(f)],
        ),
        (Some(f), Some(false), _) => RuleResult::fail(
            format!("{} exists but git does not track it", f.path),
            vec![EvidenceRef::from(f)],
        ),
        (Some(f), None, _) => RuleResult::unknown(format!(
            "{} exists, but the workspace is not in a git repository",
            f.path
        )),
        (None, _, Some(true)) => RuleResult::fail(
            "there is no Cargo.lock, and the workspace builds a binary",
            vec![],
        ),
        (None, _, Some(false)) => RuleResult::not_applicable(
            "there is no Cargo.lock; the workspace has no binary target, so none is needed",
            vec![],
        ),
        (None, _, None) => RuleResult::unknown(
            "there is no Cargo.lock, and whether the workspace builds a binary is unknown",
        ),
    }
}

fn licenses_declared(ctx: &RuleCtx<'_>) -> RuleResult {
    let c = require!(full_cargo(ctx));
    let missing: Vec<&crate::facts::cargo::PackageFact> = c
        .packages
        .iter()
        .filter(|p| p.license.is_none() && p.license_file.is_none())
        .collect();
    if missing.is_empty() {
        return RuleResult::pass(
            format!("all {} packages declare a license", c.packages.len()),
            vec![],
        );
    }
    let names: Vec<String> = missing.iter().map(|p| p.id()).collect();
    RuleResult::fail(
        format!(
            "{} of {} declare no license: {}",
            plural(missing.len(), "package", "packages"),
            c.packages.len(),
            list(&names)
        ),
        missing
            .iter()
            .map(|p| EvidenceRef::Package {
                name: p.name.clone(),
                version: p.version.clone(),
            })
            .collect(),
    )
}

fn dependency_sources_reviewed(ctx: &RuleCtx<'_>) -> RuleResult {
    let c = require!(cargo(ctx));
    let reviewed = |name: &str| {
        ctx.config
            .reviewed_sources
            .iter()
            .any(|r| r.package == name)
    };
    let config_path = ctx
        .config
        .source
        .clone()
        .unwrap_or_else(|| "sdl.toml".into());
    let mut unreviewed = Vec::new();
    let mut undecided = Vec::new();
    let mut recorded = Vec::new();
    for p in &c.packages {
        let needs_record = match &p.source {
            PackageSource::CratesIo => Some(false),
            PackageSource::Registry { .. } | PackageSource::Git { .. } => Some(true),
            PackageSource::Path {
                inside_workspace, ..
            } => {
                if p.member {
                    Some(false)
                } else {
                    inside_workspace.map(|inside| !inside)
                }
            }
        };
        match needs_record {
            Some(false) => {}
            _ if reviewed(&p.name) => recorded.push(p),
            Some(true) => unreviewed.push(p),
            None => undecided.push(p),
        }
    }
    let describe = |ps: &[&crate::facts::cargo::PackageFact]| {
        ps.iter()
            .map(|p| format!("{} from {}", p.id(), p.source.describe()))
            .collect::<Vec<_>>()
    };
    let record_evidence: Vec<EvidenceRef> = if recorded.is_empty() {
        vec![]
    } else {
        vec![EvidenceRef::Config {
            path: config_path,
            key: "supply-chain.reviewed-sources".into(),
        }]
    };
    if !unreviewed.is_empty() {
        let mut evidence = record_evidence;
        evidence.extend(unreviewed.iter().map(|p| EvidenceRef::Package {
            name: p.name.clone(),
            version: p.version.clone(),
        }));
        return RuleResult::fail(
            format!(
                "{} from outside crates.io without an SM-10 review record: {}",
                plural(unreviewed.len(), "package", "packages"),
                list(&describe(&unreviewed))
            ),
            evidence,
        );
    }
    if !undecided.is_empty() {
        return RuleResult::unknown(format!(
            "{} from local paths whose location is unknown ({}): {}",
            plural(undecided.len(), "package", "packages"),
            c.partial.as_deref().unwrap_or("cargo metadata did not run"),
            list(&describe(&undecided))
        ));
    }
    let msg = if recorded.is_empty() {
        format!(
            "all {} packages come from crates.io or the workspace",
            c.packages.len()
        )
    } else {
        format!(
            "{} from outside crates.io, each with a review record: {}",
            plural(recorded.len(), "package", "packages"),
            list(&describe(&recorded))
        )
    };
    RuleResult::pass(msg, record_evidence)
}

fn sbom_generated(ctx: &RuleCtx<'_>) -> RuleResult {
    let c = require!(full_cargo(ctx));
    let sbom = match ctx.facts.sbom.get() {
        Ok(s) => s,
        Err(why) => return RuleResult::unknown(format!("no SBOM facts: {why}")),
    };
    let g = match sbom.generated.get() {
        Ok(g) => g,
        Err(why) => return RuleResult::unknown(format!("no SBOM was generated: {why}")),
    };
    let evidence: Vec<EvidenceRef> = c.lockfile.iter().map(EvidenceRef::from).collect();
    if !g.validation_errors.is_empty() {
        return RuleResult::fail(
            format!(
                "the generated SBOM does not validate against CycloneDX {}: {}",
                g.spec_version,
                list(&g.validation_errors)
            ),
            evidence,
        );
    }
    if c.lockfile.is_none() {
        return RuleResult::unknown(
            "there is no Cargo.lock, so the SBOM cannot list the resolved dependencies",
        );
    }
    if !g.coverage.is_complete() {
        let mut gaps = g.coverage.missing.clone();
        gaps.extend(g.coverage.other_versions.iter().cloned());
        return RuleResult::fail(
            format!(
                "the generated SBOM misses {} of the lockfile: {}",
                plural(gaps.len(), "package", "packages"),
                list(&gaps)
            ),
            evidence,
        );
    }
    RuleResult::pass(
        format!(
            "a CycloneDX {} SBOM ({}) validates and lists all {} lockfile packages",
            g.spec_version, g.serial_number, g.coverage.packages
        ),
        evidence,
    )
}

fn sbom_repository_current(ctx: &RuleCtx<'_>) -> RuleResult {
    let sbom = match ctx.facts.sbom.get() {
        Ok(s) => s,
        Err(why) => return RuleResult::unknown(format!("no SBOM facts: {why}")),
    };
    if sbom.documents.is_empty() {
        return RuleResult::not_applicable(
            "the repository keeps no SBOM (bom.json, *.cdx.json, *.cdx.xml), so none can be stale",
            vec![],
        );
    }
    let mut problems = Vec::new();
    let mut unknown = Vec::new();
    let mut notes = Vec::new();
    let mut evidence = Vec::new();
    for d in &sbom.documents {
        evidence.push(EvidenceRef::Sbom {
            path: d.file.path.clone(),
            bom_ref: None,
        });
        match &d.validation {
            SbomValidation::Unreadable { error } => {
                problems.push(error.clone());
                continue;
            }
            SbomValidation::Invalid { errors } => problems.push(format!(
                "{} does not validate against CycloneDX {}: {}",
                d.file.path,
                d.spec_version.as_deref().unwrap_or("?"),
                list(errors)
            )),
            SbomValidation::NotSchemaValidated { reason } => {
                notes.push(format!("{}: {reason}", d.file.path))
            }
            SbomValidation::Valid => {}
        }
        match &d.coverage {
            None => unknown.push(d.file.path.clone()),
            Some(cov) if !cov.is_complete() => {
                let mut gaps = cov.missing.clone();
                gaps.extend(cov.other_versions.iter().cloned());
                problems.push(format!(
                    "{} misses {} of {} lockfile packages: {}",
                    d.file.path,
                    gaps.len(),
                    cov.packages,
                    list(&gaps)
                ));
            }
            Some(_) => {}
        }
    }
    let note = if notes.is_empty() {
        String::new()
    } else {
        format!("; {}", notes.join("; "))
    };
    if !problems.is_empty() {
        return RuleResult::fail(format!("{}{note}", problems.join("; ")), evidence);
    }
    if !unknown.is_empty() {
        return RuleResult::unknown(format!(
            "no package list to compare {} with{note}",
            unknown.join(", ")
        ));
    }
    let partial = match ctx.facts.cargo.get() {
        Ok(c) => c.partial.is_some(),
        Err(_) => true,
    };
    if partial {
        return RuleResult::unknown(format!(
            "the package list is partial, so the coverage of {} cannot be confirmed{note}",
            sbom.documents
                .iter()
                .map(|d| d.file.path.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    RuleResult::pass(
        format!(
            "{} in the repository {} the lockfile{note}",
            plural(sbom.documents.len(), "SBOM", "SBOMs"),
            if sbom.documents.len() == 1 {
                "covers"
            } else {
                "cover"
            }
        ),
        evidence,
    )
}

fn security_fixes_timely(ctx: &RuleCtx<'_>) -> RuleResult {
    let max = match ctx.param_u64("max-days") {
        Ok(m) => m as i64,
        Err(r) => return r,
    };
    let a = require!(advisories(ctx));
    let h = match a.history.get() {
        Ok(h) => h,
        Err(why) => return RuleResult::unknown(format!("no lockfile history: {why}")),
    };
    let waived = |id: &str| ctx.config.active_waiver(id, ctx.now).is_some();
    let mut used = Vec::new();
    let mut late = Vec::new();
    let mut evidence = Vec::new();
    for f in &h.fixes {
        if f.days_exposed > max {
            late.push(format!(
                "{} in {} fixed after {} days",
                f.id, f.package, f.days_exposed
            ));
            evidence.push(EvidenceRef::Commit {
                id: f.fixed.clone(),
            });
            evidence.push(EvidenceRef::Advisory { id: f.id.clone() });
        }
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    for o in &h.open {
        if waived(&o.id) {
            used.push(o.id.clone());
            continue;
        }
        let published = time::Date::parse(&o.advisory_date, &fmt)
            .map(|d| d.midnight().assume_utc())
            .unwrap_or(ctx.now);
        let introduced = crate::timefmt::parse(&o.introduced_at).unwrap_or(ctx.now);
        let days = (ctx.now - published.max(introduced)).whole_days();
        if days > max {
            late.push(format!(
                "{} in {} {} open for {days} days",
                o.id, o.package, o.version
            ));
            evidence.push(EvidenceRef::Advisory { id: o.id.clone() });
        }
    }
    used.sort();
    used.dedup();
    let scope = format!(
        "{} of {}{}",
        plural(h.versions, "version", "versions"),
        h.path,
        if h.truncated || h.shallow {
            " (history cut short)"
        } else {
            ""
        }
    );
    if !late.is_empty() {
        return RuleResult::fail(
            format!(
                "{} slower than {max} days across {scope}: {}{}",
                plural(late.len(), "security fix", "security fixes"),
                list(&late),
                waived_note(&used)
            ),
            evidence,
        )
        .with_waivers(used);
    }
    if !h.unreadable.is_empty() {
        return RuleResult::unknown(format!(
            "{} of {} could not be read: {}",
            plural(h.unreadable.len(), "lockfile version", "lockfile versions"),
            h.path,
            list(&h.unreadable)
        ));
    }
    let msg = if h.fixes.is_empty() && h.open.is_empty() {
        format!("no known vulnerability affected any of {scope}")
    } else {
        let slowest = h.fixes.iter().map(|f| f.days_exposed).max().unwrap_or(0);
        format!(
            "{} within {max} days across {scope} (slowest {slowest} days){}",
            plural(h.fixes.len(), "security fix", "security fixes"),
            waived_note(&used)
        )
    };
    RuleResult::pass(msg, evidence).with_waivers(used)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, ReviewedSource, Waiver};
    use crate::eval::{Outcome, testing};
    use crate::facts::cargo::{
        AdvisoryDatabase, AdvisoryFix, CargoOrigin, Coverage, GeneratedSbom, LockHistory,
        OpenAdvisory, PackageFact, SbomDocument, SbomFacts,
    };
    use crate::facts::{Collected, Facts, FileRef};

    const NOW: &str = "2026-11-25T00:00:00Z";

    fn lockfile() -> FileRef {
        FileRef {
            path: "Cargo.lock".into(),
            sha256: "ab".into(),
        }
    }

    fn pkg(name: &str, source: PackageSource) -> PackageFact {
        PackageFact {
            name: name.into(),
            version: "1.0.0".into(),
            source,
            member: false,
            license: Some("MIT".into()),
            license_file: None,
            checksum: None,
            dependencies: vec![],
        }
    }

    fn cargo_facts(packages: Vec<PackageFact>) -> CargoFacts {
        CargoFacts {
            origin: CargoOrigin::CargoMetadata,
            partial: None,
            lockfile: Some(lockfile()),
            lockfile_tracked: Some(true),
            has_binary: Some(true),
            members: vec![],
            packages,
            ..CargoFacts::default()
        }
    }

    fn adv(kind: AdvisoryKind, id: &str, package: &str) -> AdvisoryMatch {
        AdvisoryMatch {
            kind,
            id: id.into(),
            package: package.into(),
            version: "0.1.45".into(),
            title: "t".into(),
            date: "2020-11-18".into(),
            cvss: None,
            cvss_score: Some(6.2),
            patched: vec![">=0.2.23".into()],
            aliases: vec!["CVE-2020-26235".into()],
        }
    }

    fn advisory_facts(
        matches: Vec<AdvisoryMatch>,
        history: Collected<LockHistory>,
    ) -> AdvisoryFacts {
        AdvisoryFacts {
            database: AdvisoryDatabase {
                path: "db".into(),
                origin: "--advisory-db".into(),
                advisories: 3,
                date: "2026-11-01".into(),
                date_source: "git commit".into(),
                commit: Some("c0ffee".into()),
                ..AdvisoryDatabase::default()
            },
            lockfile: lockfile(),
            scanned: 10,
            not_covered: vec![],
            matches,
            history,
        }
    }

    fn facts(
        cargo: Collected<CargoFacts>,
        sbom: Collected<SbomFacts>,
        advisories: Collected<AdvisoryFacts>,
    ) -> Facts {
        Facts {
            cargo,
            sbom,
            advisories,
            ..Facts::nothing(NOW, "not in this test")
        }
    }

    fn waiver(id: &str, expires: time::Date) -> Waiver {
        Waiver {
            id: id.into(),
            reason: "not reachable".into(),
            owner: "sec".into(),
            expires: expires.to_string(),
            expires_on: Some(expires),
        }
    }

    fn run(rule: &str, facts: &Facts, config: &Config) -> RuleResult {
        testing::outcome(rule, facts, config, testing::at(NOW))
    }

    fn no_sbom() -> Collected<SbomFacts> {
        Collected::absent("x")
    }

    #[test]
    fn vulnerabilities_fail_unless_waived() {
        let time_vuln = adv(AdvisoryKind::Vulnerability, "RUSTSEC-2020-0071", "time");
        let unmaintained = adv(AdvisoryKind::Unmaintained, "RUSTSEC-2021-0139", "ansi_term");
        let a = advisory_facts(
            vec![time_vuln, unmaintained],
            Collected::absent("no history"),
        );
        let f = facts(Collected::absent("x"), no_sbom(), Collected::present(a));
        let r = run("no-known-vulnerabilities", &f, &Config::default());
        assert_eq!(r.outcome, Outcome::Fail);
        assert_eq!(
            r.message,
            "1 known vulnerability in Cargo.lock: RUSTSEC-2020-0071 (time 0.1.45, cvss 6.2, patched >=0.2.23)"
        );
        assert!(r.evidence.contains(&EvidenceRef::Advisory {
            id: "RUSTSEC-2020-0071".into()
        }));

        let day = time::macros::date!(2026 - 12 - 31);
        // A waiver may name an alias.
        let mut config = Config {
            waivers: vec![waiver("CVE-2020-26235", day)],
            ..Config::default()
        };
        let r = run("no-known-vulnerabilities", &f, &config);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert_eq!(r.waivers_used, vec!["CVE-2020-26235".to_string()]);

        // Expired waivers count as absent.
        config.waivers = vec![waiver(
            "RUSTSEC-2020-0071",
            time::macros::date!(2026 - 01 - 01),
        )];
        let r = run("no-known-vulnerabilities", &f, &config);
        assert_eq!(r.outcome, Outcome::Fail);
        assert!(r.waivers_used.is_empty());

        let r = run("no-unmaintained-or-unsound", &f, &Config::default());
        assert_eq!(r.outcome, Outcome::Fail);
        assert_eq!(
            r.message,
            "1 unmaintained or unsound crate without a waiver: ansi_term 0.1.45 unmaintained (RUSTSEC-2021-0139)"
        );
        config.waivers = vec![waiver("RUSTSEC-2021-0139", day)];
        let r = run("no-unmaintained-or-unsound", &f, &config);
        assert_eq!(r.outcome, Outcome::Pass);
        assert_eq!(r.waivers_used, vec!["RUSTSEC-2021-0139".to_string()]);
    }

    #[test]
    fn advisory_rules_are_unknown_without_a_database() {
        let f = facts(
            Collected::absent("x"),
            no_sbom(),
            Collected::absent("no RustSec advisory database found; get one"),
        );
        for rule in [
            "no-known-vulnerabilities",
            "no-unmaintained-or-unsound",
            "advisory-db-fresh",
            "security-fixes-timely",
        ] {
            let r = run(rule, &f, &Config::default());
            assert_eq!(r.outcome, Outcome::Unknown, "{rule}");
            assert!(r.message.contains("get one"), "{rule}: {}", r.message);
        }
    }

    #[test]
    fn database_age_against_the_limit() {
        let mut a = advisory_facts(vec![], Collected::absent("x"));
        let cases = [
            ("2026-11-01", Outcome::Pass),
            ("2026-08-27", Outcome::Pass),
            ("2026-08-26", Outcome::Fail),
            ("", Outcome::Unknown),
        ];
        for (date, want) in cases {
            a.database.date = date.into();
            let f = facts(
                Collected::absent("x"),
                no_sbom(),
                Collected::present(a.clone()),
            );
            let r = run("advisory-db-fresh", &f, &Config::default());
            assert_eq!(r.outcome, want, "{date}: {}", r.message);
        }
        // Newer than the assessment time: said so, never "0 days old".
        a.database.date = "2026-12-05".into();
        let f = facts(
            Collected::absent("x"),
            no_sbom(),
            Collected::present(a.clone()),
        );
        let r = run("advisory-db-fresh", &f, &Config::default());
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(
            r.message
                .contains("dated 10 days after the assessment time")
                && !r.message.contains("0 days old"),
            "{}",
            r.message
        );
    }

    #[test]
    fn lockfile_committed_table() {
        let cases: &[(bool, Option<bool>, Option<bool>, Outcome)] = &[
            (true, Some(true), Some(true), Outcome::Pass),
            (true, Some(false), Some(true), Outcome::Fail),
            (true, None, Some(true), Outcome::Unknown),
            (false, None, Some(true), Outcome::Fail),
            (false, None, Some(false), Outcome::NotApplicable),
            (false, None, None, Outcome::Unknown),
        ];
        for (has, tracked, bin, want) in cases {
            let mut c = cargo_facts(vec![]);
            c.lockfile = has.then(lockfile);
            c.lockfile_tracked = *tracked;
            c.has_binary = *bin;
            let f = facts(Collected::present(c), no_sbom(), Collected::absent("x"));
            let r = run("cargo-lock-committed", &f, &Config::default());
            assert_eq!(r.outcome, *want, "{has} {tracked:?} {bin:?}: {}", r.message);
        }
    }

    #[test]
    fn sources_need_a_review_record() {
        let git = pkg(
            "forked",
            PackageSource::Git {
                url: "https://example.org/f.git".into(),
                rev: Some("abc".into()),
            },
        );
        let outside = pkg(
            "sibling",
            PackageSource::Path {
                path: Some("/elsewhere".into()),
                inside_workspace: Some(false),
            },
        );
        let inside = pkg(
            "internal",
            PackageSource::Path {
                path: Some("crates/internal".into()),
                inside_workspace: Some(true),
            },
        );
        let c = cargo_facts(vec![
            pkg("serde", PackageSource::CratesIo),
            git,
            outside,
            inside,
        ]);
        let f = facts(
            Collected::present(c.clone()),
            no_sbom(),
            Collected::absent("x"),
        );
        let r = run("dependency-sources-reviewed", &f, &Config::default());
        assert_eq!(r.outcome, Outcome::Fail);
        assert_eq!(
            r.message,
            "2 packages from outside crates.io without an SM-10 review record: \
             forked 1.0.0 from git https://example.org/f.git#abc, sibling 1.0.0 from path /elsewhere"
        );
        let config = Config {
            reviewed_sources: ["forked", "sibling"]
                .iter()
                .map(|p| ReviewedSource {
                    package: p.to_string(),
                    reason: "pinned fork".into(),
                })
                .collect(),
            ..Config::default()
        };
        let r = run("dependency-sources-reviewed", &f, &config);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);

        // Cargo.lock alone cannot place a path package.
        let mut partial = c;
        partial.partial = Some("cargo metadata failed".into());
        partial.packages.push(pkg(
            "unplaced",
            PackageSource::Path {
                path: None,
                inside_workspace: None,
            },
        ));
        let f = facts(
            Collected::present(partial),
            no_sbom(),
            Collected::absent("x"),
        );
        let r = run("dependency-sources-reviewed", &f, &config);
        assert_eq!(r.outcome, Outcome::Unknown, "{}", r.message);
    }

    #[test]
    fn licenses_table() {
        let mut none = pkg("nolicense", PackageSource::CratesIo);
        none.license = None;
        let mut by_file = pkg("byfile", PackageSource::CratesIo);
        by_file.license = None;
        by_file.license_file = Some("LICENSE".into());
        let c = cargo_facts(vec![pkg("a", PackageSource::CratesIo), none, by_file]);
        let f = facts(
            Collected::present(c.clone()),
            no_sbom(),
            Collected::absent("x"),
        );
        let r = run("licenses-declared", &f, &Config::default());
        assert_eq!(r.outcome, Outcome::Fail);
        assert_eq!(
            r.message,
            "1 package of 3 declare no license: nolicense 1.0.0"
        );
        let mut partial = c;
        partial.partial = Some("cargo metadata failed".into());
        let f = facts(
            Collected::present(partial),
            no_sbom(),
            Collected::absent("x"),
        );
        assert_eq!(
            run("licenses-declared", &f, &Config::default()).outcome,
            Outcome::Unknown
        );
    }

    fn generated(coverage: Coverage, errors: Vec<String>) -> Collected<SbomFacts> {
        Collected::present(SbomFacts {
            generated: Collected::present(GeneratedSbom {
                spec_version: "1.5".into(),
                serial_number: "urn:uuid:x".into(),
                sha256: "s".into(),
                components: 2,
                validation_errors: errors,
                coverage,
            }),
            documents: vec![],
        })
    }

    #[test]
    fn generated_sbom_table() {
        let full = Coverage {
            packages: 2,
            ..Coverage::default()
        };
        let gap = Coverage {
            packages: 2,
            missing: vec!["b 1.0.0".into()],
            ..Coverage::default()
        };
        let c = Collected::present(cargo_facts(vec![]));
        let cases = [
            (generated(full.clone(), vec![]), Outcome::Pass),
            (generated(gap, vec![]), Outcome::Fail),
            (generated(full, vec!["purl: bad".into()]), Outcome::Fail),
            (Collected::failed("boom"), Outcome::Unknown),
        ];
        for (sbom, want) in cases {
            let f = facts(c.clone(), sbom, Collected::absent("x"));
            let r = run("sbom-generated", &f, &Config::default());
            assert_eq!(r.outcome, want, "{}", r.message);
        }
    }

    #[test]
    fn repository_sbom_table() {
        let doc = |validation: SbomValidation, coverage: Option<Coverage>| SbomDocument {
            file: FileRef {
                path: "bom.json".into(),
                sha256: "s".into(),
            },
            format: "json".into(),
            spec_version: Some("1.5".into()),
            validation,
            components: 1,
            coverage,
        };
        let full = Coverage {
            packages: 1,
            ..Coverage::default()
        };
        let stale = Coverage {
            packages: 1,
            other_versions: vec!["a: sbom 0.9.0 → lockfile 1.0.0".into()],
            ..Coverage::default()
        };
        let cases = [
            (vec![], Outcome::NotApplicable),
            (
                vec![doc(SbomValidation::Valid, Some(full.clone()))],
                Outcome::Pass,
            ),
            (vec![doc(SbomValidation::Valid, Some(stale))], Outcome::Fail),
            (
                vec![doc(
                    SbomValidation::Unreadable {
                        error: "bom.json: not valid JSON".into(),
                    },
                    None,
                )],
                Outcome::Fail,
            ),
            (vec![doc(SbomValidation::Valid, None)], Outcome::Unknown),
            (
                vec![doc(
                    SbomValidation::NotSchemaValidated {
                        reason: "1.6".into(),
                    },
                    Some(full),
                )],
                Outcome::Pass,
            ),
        ];
        for (documents, want) in cases {
            let sbom = Collected::present(SbomFacts {
                generated: Collected::absent("x"),
                documents,
            });
            let f = facts(
                Collected::present(cargo_facts(vec![])),
                sbom,
                Collected::absent("x"),
            );
            let r = run("sbom-repository-current", &f, &Config::default());
            assert_eq!(r.outcome, want, "{}", r.message);
        }
    }

    #[test]
    fn timeliness_from_history() {
        let fix = |days| AdvisoryFix {
            id: "RUSTSEC-2020-0071".into(),
            package: "time".into(),
            version: "0.1.45".into(),
            advisory_date: "2020-11-18".into(),
            introduced: "a".into(),
            introduced_at: "2020-01-01T00:00:00Z".into(),
            fixed: "b".into(),
            fixed_at: "2021-01-01T00:00:00Z".into(),
            days_after_advisory: days,
            days_exposed: days,
        };
        let open = OpenAdvisory {
            id: "RUSTSEC-2026-0001".into(),
            package: "x".into(),
            version: "1.0.0".into(),
            advisory_date: "2026-11-01".into(),
            introduced: "c".into(),
            introduced_at: "2025-01-01T00:00:00Z".into(),
        };
        let history = |fixes: Vec<AdvisoryFix>, open: Vec<OpenAdvisory>| {
            Collected::present(LockHistory {
                path: "Cargo.lock".into(),
                versions: 4,
                fixes,
                open,
                ..LockHistory::default()
            })
        };
        let mut old_open = open.clone();
        old_open.advisory_date = "2026-09-01".into();
        let cases = [
            (history(vec![], vec![]), Outcome::Pass),
            (history(vec![fix(30)], vec![open.clone()]), Outcome::Pass),
            (history(vec![fix(31)], vec![]), Outcome::Fail),
            (history(vec![], vec![old_open.clone()]), Outcome::Fail),
            (Collected::absent("not a git repository"), Outcome::Unknown),
        ];
        for (h, want) in cases {
            let f = facts(
                Collected::absent("x"),
                no_sbom(),
                Collected::present(advisory_facts(vec![], h)),
            );
            let r = run("security-fixes-timely", &f, &Config::default());
            assert_eq!(r.outcome, want, "{}", r.message);
        }
        let config = Config {
            waivers: vec![waiver(
                "RUSTSEC-2026-0001",
                time::macros::date!(2027 - 01 - 01),
            )],
            ..Config::default()
        };
        let f = facts(
            Collected::absent("x"),
            no_sbom(),
            Collected::present(advisory_facts(vec![], history(vec![], vec![old_open]))),
        );
        let r = run("security-fixes-timely", &f, &config);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert_eq!(r.waivers_used, vec!["RUSTSEC-2026-0001".to_string()]);
    }
}
