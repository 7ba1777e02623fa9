//! One clock: evidence dated after the assessment time, found the same way for every kind of
//! record. Such evidence is read, never an error: an attestation or a training record dated
//! later counts for nothing (it did not exist yet, as far as the assessment can know), a newer
//! advisory database is said to be newer rather than "0 days old", and later commits are
//! named, because their dates are the committers' word. The report lists all of them under one
//! warning, so an assessor sees when a report was made "as of" a time its evidence postdates.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::facts::Facts;

/// At most this many records are listed; `count` says how many there are.
pub const MAX_LISTED: usize = 20;

/// One record dated after the assessment time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaterEvidence {
    /// `attestation`, `training`, `commit`, `advisory-database` or `metrics`.
    pub kind: String,
    /// What it is: a repository path, a commit scope, the database's origin.
    pub source: String,
    /// Its date as recorded (`YYYY-MM-DD` or RFC 3339).
    pub date: String,
}

/// The evidence dated after the assessment time, at most [`MAX_LISTED`], and how many there
/// are in all. Dates are compared at the precision they are recorded in: a day for
/// attestations, training and the advisory database (UTC calendar day), the instant for
/// commits and metric files.
pub fn dated_after(facts: &Facts, now: OffsetDateTime) -> (Vec<LaterEvidence>, usize) {
    let now = now.to_offset(time::UtcOffset::UTC);
    let today = now.date().to_string();
    let later_day = |d: &str| d.get(..10).is_some_and(|d| d > today.as_str());
    let later_instant = |d: &str| crate::timefmt::parse(d).is_ok_and(|t| t > now);
    let mut all = Vec::new();
    let mut push = |kind: &str, source: String, date: &str| {
        all.push(LaterEvidence {
            kind: kind.to_string(),
            source,
            date: date.to_string(),
        });
    };
    for a in &facts.human.attestations {
        if later_day(&a.date) {
            push("attestation", a.file.path.clone(), &a.date);
        }
    }
    let register = facts
        .human
        .training_file
        .as_ref()
        .map_or_else(|| "training register".to_string(), |f| f.path.clone());
    for t in &facts.human.training {
        if later_day(&t.date) {
            push(
                "training",
                format!("{register}: {} ({})", t.person, t.topic),
                &t.date,
            );
        }
    }
    if let Ok(g) = facts.git.get()
        && let Some(last) = &g.last_commit_at
        && later_instant(last)
    {
        push(
            "commit",
            "the newest commit of the history walked".to_string(),
            last,
        );
    }
    if let Ok(a) = facts.advisories.get()
        && later_day(&a.database.date)
    {
        push(
            "advisory-database",
            format!(
                "the advisory database ({}, date from {})",
                a.database.origin, a.database.date_source
            ),
            &a.database.date,
        );
    }
    if let Ok(i) = facts.improvement.get() {
        for m in &i.metric_files {
            if let Some(c) = &m.committed
                && later_instant(c)
            {
                push("metrics", m.file.path.clone(), c);
            }
        }
    }
    let count = all.len();
    all.truncate(MAX_LISTED);
    (all, count)
}
