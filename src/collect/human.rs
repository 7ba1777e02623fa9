//! Attestations, roles and the training register: files people write, so every mistake in
//! them is an error that names the file, the line or key, and the fix. Nothing is skipped.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::catalog::Catalog;
use crate::config::{Config, PathKind, inside_repository, parse_date};
use crate::facts::FileRef;
use crate::facts::human::{
    Attestation, AttestationScope, DEFAULT_REVIEW_DAYS, HumanFacts, Reference, Role, Roles,
    TrainingRecord, same_person, statement_problem,
};
use crate::repo_fs::{self, Limit};
use crate::tomlerr::describe as describe_toml_error;

/// Where the records live unless `[records]` in sdl.toml says otherwise.
pub(crate) const DEFAULT_ATTESTATIONS: &str = "sdl/attestations";
pub(crate) const DEFAULT_ROLES: &str = "sdl/roles.toml";
pub(crate) const DEFAULT_TRAINING: &str = "sdl/training.toml";

/// Records are small TOML files; anything larger is not one.

#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct Error {
    pub path: String,
    pub message: String,
}

fn err(path: &str, message: impl Into<String>) -> Error {
    Error {
        path: path.to_string(),
        message: message.into(),
    }
}

/// An attestation file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawAttestation {
    pub requirements: Vec<String>,
    pub statement: String,
    pub owner: String,
    pub owner_role: String,
    pub approver: String,
    pub approver_role: String,
    pub date: toml::Value,
    pub valid_until: toml::Value,
    #[serde(default)]
    pub scope: Option<AttestationScope>,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub releases: Vec<String>,
    #[serde(default)]
    pub metrics: Vec<String>,
    #[serde(default)]
    pub improvements: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoles {
    roles: BTreeMap<String, Role>,
    /// Holders that are teams, not individuals: they may never approve an attestation.
    #[serde(default)]
    teams: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTraining {
    #[serde(default)]
    record: Vec<RawTrainingRecord>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrainingRecord {
    person: String,
    topic: String,
    date: toml::Value,
    expires: toml::Value,
}

/// Load and validate every attestation, the roles and the training register.
pub fn collect(root: &Path, config: &Config, catalog: &Catalog) -> Result<HumanFacts, Error> {
    let dir = config
        .records
        .attestations
        .clone()
        .unwrap_or_else(|| DEFAULT_ATTESTATIONS.to_string());
    let mut attestations = Vec::new();
    let names = repo_fs::list(root, &dir, "toml").map_err(|e| err(&dir, e.to_string()))?;
    for name in names {
        let rel = format!("{}/{name}", dir.trim_end_matches('/'));
        let bytes =
            repo_fs::read(root, &rel, Limit::Record).map_err(|e| err(&rel, e.to_string()))?;
        let text = String::from_utf8(bytes.clone()).map_err(|_| err(&rel, "is not UTF-8 text"))?;
        let file = FileRef {
            path: repo_fs::repository_path(root, &rel),
            sha256: crate::digest::sha256_hex(&bytes),
        };
        attestations.push(parse_attestation(root, &rel, &text, file, catalog)?);
    }
    let roles_path = config
        .records
        .roles
        .clone()
        .unwrap_or_else(|| DEFAULT_ROLES.to_string());
    let roles = match read_optional(root, &roles_path)? {
        None => None,
        Some((text, file)) => {
            let raw: RawRoles = toml::from_str(&text)
                .map_err(|e| err(&roles_path, describe_toml_error(&text, &e)))?;
            for (id, role) in &raw.roles {
                if role.holders.iter().any(|h| h.trim().is_empty()) || role.holders.is_empty() {
                    return Err(err(
                        &roles_path,
                        format!(
                            "`roles.{id}.holders`: name at least one person; SM-2 needs every role filled"
                        ),
                    ));
                }
            }
            if let Some(t) = raw.teams.iter().find(|t| t.trim().is_empty()) {
                return Err(err(
                    &roles_path,
                    format!("`teams`: `{t}` is empty; name each team as its holders do"),
                ));
            }
            Some(Roles {
                file: Some(file),
                roles: raw.roles,
                teams: raw.teams,
            })
        }
    };
    let training_path = config
        .records
        .training
        .clone()
        .unwrap_or_else(|| DEFAULT_TRAINING.to_string());
    let (training_file, training) = match read_optional(root, &training_path)? {
        None => (None, Vec::new()),
        Some((text, file)) => {
            let raw: RawTraining = toml::from_str(&text)
                .map_err(|e| err(&training_path, describe_toml_error(&text, &e)))?;
            let mut records = Vec::new();
            for (i, r) in raw.record.into_iter().enumerate() {
                let key = format!("record[{i}]");
                let date = parse_date(&r.date)
                    .map_err(|m| err(&training_path, format!("`{key}.date`: {m}")))?;
                let expires = parse_date(&r.expires)
                    .map_err(|m| err(&training_path, format!("`{key}.expires`: {m}")))?;
                if expires < date {
                    return Err(err(
                        &training_path,
                        format!("`{key}.expires` is before `{key}.date`"),
                    ));
                }
                records.push(TrainingRecord {
                    person: r.person,
                    topic: r.topic,
                    date: date.to_string(),
                    expires: expires.to_string(),
                });
            }
            (Some(file), records)
        }
    };
    // `[attest] allowed-signers` is a record the organisation keeps: a malformed one stops the
    // run here rather than making every attestation quietly unacceptable.
    let signers_file = match &config.attest.allowed_signers {
        None => None,
        Some(rel) => {
            let bytes = repo_fs::read(root, rel, Limit::Config)
                .map_err(|e| err(rel, format!("(`[attest] allowed-signers`) {e}")))?;
            crate::sshsig::AllowedSigners::parse_file(Path::new(rel), &bytes)
                .map_err(|e| err(rel, format!("(`[attest] allowed-signers`) {e}")))?;
            Some(FileRef {
                path: repo_fs::repository_path(root, rel),
                sha256: crate::digest::sha256_hex(&bytes),
            })
        }
    };
    Ok(HumanFacts {
        directory: dir,
        attestations,
        roles,
        training_file,
        training,
        signers_file,
    })
}

fn read_optional(root: &Path, rel: &str) -> Result<Option<(String, FileRef)>, Error> {
    let Some(bytes) =
        repo_fs::read_optional(root, rel, Limit::Record).map_err(|e| err(rel, e.to_string()))?
    else {
        return Ok(None);
    };
    let text = String::from_utf8(bytes.clone()).map_err(|_| err(rel, "is not UTF-8 text"))?;
    Ok(Some((
        text,
        FileRef {
            path: repo_fs::repository_path(root, rel),
            sha256: crate::digest::sha256_hex(&bytes),
        },
    )))
}

/// The most requirements one attestation may cover.
pub const MAX_REQUIREMENTS: usize = 7;

/// Parse and validate one attestation. Public so that `cargo sdl attest` validates what it
/// writes with the same code.
pub fn parse_attestation(
    root: &Path,
    rel: &str,
    text: &str,
    file: FileRef,
    catalog: &Catalog,
) -> Result<Attestation, Error> {
    let raw: RawAttestation =
        toml::from_str(text).map_err(|e| err(rel, describe_toml_error(text, &e)))?;
    if raw.requirements.is_empty() {
        return Err(err(
            rel,
            "`requirements` is empty; name the requirement ids it covers, e.g. [\"SR-2\"]",
        ));
    }
    let mut requirements = Vec::new();
    for id in &raw.requirements {
        match catalog.requirement(id) {
            Some(r) => requirements.push(r.id.clone()),
            None => {
                return Err(err(
                    rel,
                    format!(
                        "`requirements`: `{id}` is not a requirement id; `cargo sdl rules` lists them"
                    ),
                ));
            }
        }
    }
    // One statement cannot say what each of many requirements asks of it: an attestation covers
    // at most the requirements of one practice's worth (the largest practice a vendor usually
    // attests at once, SG, has seven).
    if requirements.len() > MAX_REQUIREMENTS {
        return Err(err(
            rel,
            format!(
                "`requirements` names {} requirements; an attestation covers at most \
                 {MAX_REQUIREMENTS}, each needing its own statement (`cargo sdl explain ID` says \
                 what): split it",
                requirements.len()
            ),
        ));
    }
    for (key, value) in [
        ("statement", &raw.statement),
        ("owner", &raw.owner),
        ("owner-role", &raw.owner_role),
        ("approver", &raw.approver),
        ("approver-role", &raw.approver_role),
    ] {
        if value.trim().is_empty() {
            return Err(err(
                rel,
                format!("`{key}` is empty; an attestation must say it"),
            ));
        }
    }
    if let Some(why) = statement_problem(&raw.statement) {
        return Err(err(rel, format!("`statement` {why}")));
    }
    if same_person(&raw.owner, &raw.approver) {
        return Err(err(
            rel,
            format!(
                "`owner` and `approver` are both `{}`; an attestation is approved by someone \
                 other than its owner",
                raw.owner.trim()
            ),
        ));
    }
    let date = parse_date(&raw.date).map_err(|m| err(rel, format!("`date`: {m}")))?;
    let valid_until =
        parse_date(&raw.valid_until).map_err(|m| err(rel, format!("`valid-until`: {m}")))?;
    if valid_until < date {
        return Err(err(
            rel,
            "`valid-until` is before `date`; give the next review date",
        ));
    }
    // Valid no longer than the shortest review period of what it covers.
    let (days, by) = requirements
        .iter()
        .filter_map(|id| catalog.requirement(id))
        .map(|r| {
            (
                r.review_period_days.unwrap_or(DEFAULT_REVIEW_DAYS),
                r.id.as_str(),
            )
        })
        .min()
        .unwrap_or((DEFAULT_REVIEW_DAYS, ""));
    let latest = date
        .checked_add(time::Duration::days(i64::from(days)))
        .unwrap_or(time::Date::MAX);
    if valid_until > latest {
        return Err(err(
            rel,
            format!(
                "`valid-until` {valid_until} is more than {days} days after `date` {date}: {by} \
                 is reviewed every {days} days, so the attestation is valid until {latest} at \
                 the latest"
            ),
        ));
    }
    if raw.references.is_empty() {
        return Err(err(
            rel,
            "`references` is empty; name the evidence behind the statement: a repository file, \
             commit:ID, ticket:ID or an https URL",
        ));
    }
    let mut references = Vec::new();
    for r in &raw.references {
        references.push(parse_reference(root, rel, r)?);
    }
    Ok(Attestation {
        file,
        requirements,
        statement: raw.statement.trim().to_string(),
        owner: raw.owner,
        owner_role: raw.owner_role,
        approver: raw.approver,
        approver_role: raw.approver_role,
        date: date.to_string(),
        valid_until: valid_until.to_string(),
        scope: raw.scope,
        references,
        releases: raw.releases,
        metrics: raw.metrics,
        improvements: raw.improvements,
        commit: None,
        uncommitted: None,
        added: None,
        added_unknown: None,
    })
}

/// `commit:ID`, `ticket:ID`, an http(s) URL, or a repository path.
fn parse_reference(root: &Path, rel: &str, text: &str) -> Result<Reference, Error> {
    let t = text.trim();
    if let Some(id) = t.strip_prefix("commit:") {
        let id = id.trim();
        if !(7..=64).contains(&id.len()) || !id.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(err(
                rel,
                format!("reference `{t}`: a commit id is 7 to 64 hex digits"),
            ));
        }
        return Ok(Reference::Commit {
            id: id.to_ascii_lowercase(),
            resolved: None,
            unresolved: None,
        });
    }
    if let Some(id) = t.strip_prefix("ticket:") {
        if id.trim().is_empty() {
            return Err(err(
                rel,
                format!("reference `{t}`: name the ticket, e.g. ticket:SEC-42"),
            ));
        }
        return Ok(Reference::Ticket {
            id: id.trim().to_string(),
        });
    }
    if let Some(rest) = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
    {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        if host.is_empty() || t.chars().any(char::is_whitespace) {
            return Err(err(
                rel,
                format!("reference `{t}`: a URL names a host and contains no spaces"),
            ));
        }
        return Ok(Reference::Url { url: t.to_string() });
    }
    let path = inside_repository(root, t, PathKind::File)
        .map_err(|m| err(rel, format!("reference: {m}")))?;
    let (sha256, _) =
        repo_fs::sha256(root, &path).map_err(|e| err(rel, format!("reference `{t}` {e}")))?;
    Ok(Reference::File {
        path: repo_fs::repository_path(root, &path),
        sha256,
    })
}
