//! `cargo sdl attest`: write one attestation from flags or prompts, validated by the same code
//! that reads attestations, and never over an existing file.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use time::OffsetDateTime;

use crate::catalog::Catalog;
use crate::cli::{AttestArgs, GlobalOptions};
use crate::collect::human::{DEFAULT_ATTESTATIONS, parse_attestation};
use crate::config::Config;
use crate::facts::FileRef;
use crate::facts::human::DEFAULT_REVIEW_DAYS;

/// `attest`: validate and write one attestation in the located workspace.
pub fn run(
    global: &GlobalOptions,
    catalog: &Catalog,
    args: &AttestArgs,
    console: &super::Console<'_>,
) -> anyhow::Result<super::RunOutcome> {
    let ws = crate::workspace::locate(global.manifest_path.as_deref())?;
    let now = super::resolve_now(global.current_time.as_deref())?;
    let config = Config::load(&ws.root, global.config.as_deref(), catalog, ws.product)
        .context("invalid configuration")?;
    let written = write(&ws.root, &config, catalog, args, now, console.ask)?;
    Ok(super::RunOutcome::output(format!(
        "wrote {}\ncommit it: its git record is part of the evidence\n",
        crate::sanitize::terminal(&written)
    )))
}

/// Write the attestation; return its repository path. Missing fields are asked through `ask`
/// (a terminal), or, without one, named in the error.
pub fn write(
    root: &Path,
    config: &Config,
    catalog: &Catalog,
    args: &AttestArgs,
    now: OffsetDateTime,
    ask: Option<super::Ask<'_>>,
) -> anyhow::Result<String> {
    let mut ids = Vec::new();
    for id in &args.requirements {
        match catalog.requirement(id.trim()) {
            Some(r) => ids.push(r.id.clone()),
            None => bail!("`{id}` is not a requirement id; `cargo sdl rules` lists them"),
        }
    }
    let first = catalog
        .requirement(&ids[0])
        .context("at least one requirement is needed")?;
    let mut missing = Vec::new();
    let mut asked_before = false;
    let mut ask = |flag: &str, prompt: &str, value: &Option<String>| -> anyhow::Result<String> {
        if let Some(v) = value {
            return Ok(v.clone());
        }
        let Some(question) = ask else {
            missing.push(format!("--{flag}"));
            return Ok(String::new());
        };
        // The first question says what the statement must contain.
        let prompt = if asked_before {
            prompt.to_string()
        } else {
            asked_before = true;
            format!(
                "An attestation for {} must state: {}\n{prompt}",
                ids.join(", "),
                first
                    .attestation
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        };
        Ok(question(&prompt)?.trim().to_string())
    };
    let statement = ask("statement", "Statement", &args.statement)?;
    let owner = ask("owner", "Owner (name)", &args.owner)?;
    let owner_role = ask("owner-role", "Owner's SDL role", &args.owner_role)?;
    let approver = ask("approver", "Approver (name)", &args.approver)?;
    let approver_role = ask("approver-role", "Approver's SDL role", &args.approver_role)?;
    // At least one reference: the reader refuses an attestation that names no evidence.
    let mut references = args.references.clone();
    if references.is_empty() {
        let asked = ask(
            "reference",
            "Evidence (a repository file, commit:ID, ticket:ID or an https URL)",
            &None,
        )?;
        if !asked.is_empty() {
            references.push(asked);
        }
    }
    if !missing.is_empty() {
        bail!(
            "missing {} (stdin is not a terminal, so nothing can be asked)",
            missing.join(", ")
        );
    }
    let today = now.to_offset(time::UtcOffset::UTC).date();
    let date = args.date.clone().unwrap_or_else(|| today.to_string());
    let valid_until = match &args.valid_until {
        Some(v) => v.clone(),
        None => {
            // The shortest review period of the requirements it covers: the reader refuses
            // anything longer.
            let days = ids
                .iter()
                .filter_map(|id| catalog.requirement(id))
                .map(|r| r.review_period_days.unwrap_or(DEFAULT_REVIEW_DAYS))
                .min()
                .map_or(i64::from(DEFAULT_REVIEW_DAYS), i64::from);
            let start = crate::config::parse_date(&toml::Value::String(date.clone()))
                .map_err(|e| anyhow::anyhow!("--date: {e}"))?;
            (start + time::Duration::days(days)).to_string()
        }
    };
    // An attestation records what was done: it is not written ahead of its day. (A file that
    // says otherwise is read, and the report names it as dated after the assessment time.)
    if let Ok(d) = crate::config::parse_date(&toml::Value::String(date.clone()))
        && d > today
    {
        bail!(
            "--date {date} is in the future (today is {today}); date an attestation when it is made"
        );
    }

    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    let list = |v: &[String]| {
        format!(
            "[{}]",
            v.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
        )
    };
    let mut text = format!(
        "# Attestation written by cargo sdl attest. Commit it: its git record is evidence too.\n\
         requirements = {}\nstatement = {}\nowner = {}\nowner-role = {}\napprover = {}\n\
         approver-role = {}\ndate = {}\nvalid-until = {}\nreferences = {}\n",
        list(&ids),
        q(&statement),
        q(&owner),
        q(&owner_role),
        q(&approver),
        q(&approver_role),
        date,
        valid_until,
        list(&references),
    );
    if !args.releases.is_empty() {
        text.push_str(&format!("releases = {}\n", list(&args.releases)));
    }
    if args.product.is_some() || args.versions.is_some() {
        text.push_str("\n[scope]\n");
        if let Some(p) = &args.product {
            text.push_str(&format!("product = {}\n", q(p)));
        }
        if let Some(v) = &args.versions {
            text.push_str(&format!("versions = {}\n", q(v)));
        }
    }

    let dir = config
        .records
        .attestations
        .clone()
        .unwrap_or_else(|| DEFAULT_ATTESTATIONS.to_string());
    let rel = match &args.out {
        Some(p) => crate::repo_fs::relative(root, &std::path::absolute(p)?),
        None => {
            let base = format!("{dir}/{}-{date}", ids[0].to_ascii_lowercase());
            let mut candidate = format!("{base}.toml");
            let mut n = 2;
            while root.join(&candidate).symlink_metadata().is_ok() {
                candidate = format!("{base}-{n}.toml");
                n += 1;
            }
            candidate
        }
    };
    if rel.starts_with("..") || Path::new(&rel).is_absolute() {
        bail!("--out {rel}: the attestation must be written inside the repository");
    }
    // Validate exactly what will be written, with the reader's rules.
    let file = FileRef {
        path: rel.clone(),
        sha256: crate::digest::sha256_hex(text.as_bytes()),
    };
    parse_attestation(root, &rel, &text, file, catalog)?;

    // Never write through a symlinked folder to a place outside the repository.
    let path = crate::repo_fs::prepare_new_file(root, &rel)
        .map_err(|e| anyhow::anyhow!("--out {}: {e}", e.path()))?;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("{rel}: already exists or cannot be created"))?;
    f.write_all(text.as_bytes())
        .with_context(|| format!("writing {rel}"))?;
    Ok(rel)
}
