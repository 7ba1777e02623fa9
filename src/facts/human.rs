//! Human evidence: attestations, the SDL roles (SM-2) and the training register (SM-4).
//! Loaded and validated by `collect::human`; malformed files abort the run (exit code 2)
//! rather than being skipped.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::FileRef;

/// A signed human statement about one or more requirements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attestation {
    /// The attestation file, with its sha256.
    pub file: FileRef,
    pub requirements: Vec<String>,
    pub statement: String,
    pub owner: String,
    pub owner_role: String,
    pub approver: String,
    pub approver_role: String,
    /// `YYYY-MM-DD`: when it was made.
    pub date: String,
    /// `YYYY-MM-DD`: the last day it counts (its next review).
    pub valid_until: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<AttestationScope>,
    pub references: Vec<Reference>,
    /// Releases for which this attestation records that the practice was carried out (ML3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub releases: Vec<String>,
    /// Metrics tracked for the requirement (ML4), e.g. "median days from report to fix: 12".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<String>,
    /// Improvement actions decided from those metrics (ML4).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub improvements: Vec<String>,
    /// The git record of the commit that last changed the file, when it is committed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<CommitRecord>,
    /// Why the git record is missing or does not match the file (not committed, modified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncommitted: Option<String>,
    /// The git record of the commit that added the file: the oldest commit, going back from
    /// the walked head through the commits that contain it, none of whose parents has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added: Option<CommitRecord>,
    /// Why the commit that added the file is not known (not committed, shallow history).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_unknown: Option<String>,
}

/// Product and version range an attestation covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AttestationScope {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<String>,
}

/// What an attestation points at as its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Reference {
    /// A file in the repository (checked to exist inside it).
    File {
        path: String,
        sha256: String,
    },
    Commit {
        id: String,
        /// The full id of the commit object `id` names in the repository.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resolved: Option<String>,
        /// Why `id` names no commit of the repository (unknown, ambiguous, not a commit, no
        /// git history): the attestation is then not acceptable.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unresolved: Option<String>,
    },
    Url {
        url: String,
    },
    Ticket {
        id: String,
    },
}

/// Who committed an attestation, when, and whether the commit is signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitRecord {
    pub id: String,
    pub author: String,
    /// RFC 3339.
    pub date: String,
    /// Signature format (openpgp, ssh, x509) when the commit carries one; not verified here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// The committer's time in the committer's own time zone (RFC 3339 with its offset): the
    /// calendar day the commit says it was made on is its first ten characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub committed: Option<String>,
    /// The check of its SSH signature against `[attest] allowed-signers`, when configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<SignerCheck>,
}

/// What checking a commit's signature against `[attest] allowed-signers` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignerCheck {
    /// `valid`, `invalid`, `unknown-signer`, `unverified` (not SSH, or a key type this build
    /// cannot verify) or `unsigned`.
    pub verdict: String,
    /// The principals of the allowed-signers line whose key made a valid signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principals: Option<String>,
    /// The SHA-256 fingerprint of the signing key, when the signature could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// Why the signature is not valid, in a few words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// SM-2: who holds which SDL role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Roles {
    pub file: Option<FileRef>,
    /// Role id → its description and holders.
    pub roles: BTreeMap<String, Role>,
    /// Holders that are teams, not individuals (`teams = [...]` in the roles file). A team may
    /// hold a role and own an attestation, but never approve one; see [`is_team_alias`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Role {
    pub description: String,
    pub holders: Vec<String>,
    /// A security role (security officer, advisor, architect, PSIRT lead): its holders may
    /// approve scoping decisions. Roles whose id names security or PSIRT are security roles
    /// without the flag.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub security: bool,
}

impl Role {
    /// True for a security role: marked so, or named so (`security-officer`, `psirt-lead`).
    pub(crate) fn is_security(&self, id: &str) -> bool {
        let id = id.to_ascii_lowercase();
        self.security || id.contains("security") || id.contains("psirt")
    }
}

impl Roles {
    /// True when `person` holds `role`.
    pub fn holds(&self, person: &str, role: &str) -> bool {
        self.roles
            .get(role)
            .is_some_and(|r| r.holders.iter().any(|h| h == person))
    }

    /// True when `person` holds a security role.
    pub(crate) fn holds_security_role(&self, person: &str) -> bool {
        self.roles
            .iter()
            .any(|(id, r)| r.is_security(id) && r.holders.iter().any(|h| h == person))
    }

    /// True when `person` holds any role.
    pub fn knows(&self, person: &str) -> bool {
        self.roles
            .values()
            .any(|r| r.holders.iter().any(|h| h == person))
    }

    /// Why `holder` is a team rather than one accountable person, or `None`: it is listed under
    /// `teams` in the roles file, or its name says so ([`is_team_alias`]).
    pub(crate) fn team(&self, holder: &str) -> Option<String> {
        if self.teams.iter().any(|t| t.trim() == holder.trim()) {
            return Some("the roles file lists it under `teams`".into());
        }
        is_team_alias(holder)
    }
}

/// Words that make a holder's name a team alias (whole words, any case).
pub(crate) const TEAM_WORDS: &[&str] = &[
    "team",
    "teams",
    "maintainers",
    "group",
    "groups",
    "committee",
    "board",
    "department",
    "owners",
    "staff",
];

/// Why a holder's name is a team alias, or `None`. Conservative: the form `@org/team` (a
/// GitHub or GitLab team), or a name containing one of [`TEAM_WORDS`] as a word, e.g.
/// "cargo-sdl maintainers (security)", "Security Team", "psirt-group@example.org".
pub(crate) fn is_team_alias(holder: &str) -> Option<String> {
    let h = holder.trim();
    if h.starts_with('@') && h.contains('/') {
        return Some("it has the form @org/team".into());
    }
    let lower = h.to_lowercase();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| TEAM_WORDS.contains(w))
        .map(|w| format!("its name contains the word \"{w}\""))
}

/// The e-mail address of a person written `Name <address>`, if any.
pub(crate) fn email_of(person: &str) -> Option<&str> {
    let (_, rest) = person.rsplit_once('<')?;
    let address = rest
        .strip_suffix('>')
        .or_else(|| rest.trim_end().strip_suffix('>'))?;
    let address = address.trim();
    (!address.is_empty() && address.contains('@')).then_some(address)
}

/// True when the principals field of an allowed-signers line (comma-separated) names `person`:
/// one principal, taken literally, equals the person's name as written in the attestation
/// (after trimming), or the e-mail address it gives as `Name <address>` (ASCII case ignored).
/// Patterns (`*`, `?`) and negations (`!`) name nobody in particular and never match.
pub(crate) fn principals_name(principals: &str, person: &str) -> bool {
    let person = person.trim();
    let email = email_of(person);
    principals
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty() && !p.contains(['*', '?', '!']))
        .any(|p| p == person || email.is_some_and(|e| p.eq_ignore_ascii_case(e)))
}

/// SM-4: one training record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingRecord {
    pub person: String,
    pub topic: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `YYYY-MM-DD`: the last day the training counts.
    pub expires: String,
}

/// Everything human the repository records.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HumanFacts {
    /// The attestation directory, repository-relative.
    pub directory: String,
    pub attestations: Vec<Attestation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Roles>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_file: Option<FileRef>,
    pub training: Vec<TrainingRecord>,
    /// The `[attest] allowed-signers` file the attestations' commits were checked against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signers_file: Option<FileRef>,
}

/// The review period of a requirement that names none.
pub(crate) const DEFAULT_REVIEW_DAYS: u32 = 365;

/// A statement says something: at least this many characters …
pub(crate) const MIN_STATEMENT_CHARS: usize = 40;
/// … and this many words (runs of letters or digits).
pub(crate) const MIN_STATEMENT_WORDS: usize = 6;

/// Words that say nothing on their own: a statement made only of them is a placeholder.
const FILLER_WORDS: &[&str] = &[
    "done",
    "ok",
    "okay",
    "yes",
    "y",
    "n",
    "a",
    "na",
    "none",
    "nothing",
    "complete",
    "completed",
    "fine",
    "same",
    "as",
    "above",
    "below",
    "see",
    "tbd",
    "tba",
    "todo",
    "fixme",
    "xxx",
    "wip",
    "pending",
    "later",
    "dummy",
    "test",
    "placeholder",
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "fulfilled",
    "satisfied",
    "compliant",
    "yep",
    "agreed",
    "approved",
    "checked",
    "true",
    // Connectives, so that "it is all done and approved" is as empty as "done".
    "and",
    "or",
    "it",
    "is",
    "was",
    "has",
    "have",
    "been",
    "be",
    "the",
    "this",
    "that",
    "all",
    "of",
    "to",
    "we",
    "i",
    "by",
    "in",
    "on",
];

/// Markers that make any statement a draft, wherever they stand.
const DRAFT_MARKERS: &[&str] = &["todo", "tbd", "tba", "fixme", "xxx", "lorem"];

/// Why a statement is not a statement, or `None`. It has at least [`MIN_STATEMENT_CHARS`]
/// characters and [`MIN_STATEMENT_WORDS`] words, carries no draft marker (TODO, TBD, TBA,
/// FIXME, XXX, lorem ipsum), and is not made only of filler words ("done", "ok", "n/a", "see
/// above" …).
pub(crate) fn statement_problem(statement: &str) -> Option<String> {
    let text = statement.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if let Some(marker) = words.iter().find(|w| DRAFT_MARKERS.contains(w)) {
        return Some(format!(
            "carries the draft marker `{marker}`; state what was done, and commit it once it is \
             true"
        ));
    }
    if words.iter().all(|w| FILLER_WORDS.contains(w)) {
        return Some(format!(
            "`{}` is a placeholder; state what was done, by whom, and where the evidence is",
            crate::sanitize::terminal(&text)
        ));
    }
    let chars = text.chars().count();
    if chars < MIN_STATEMENT_CHARS || words.len() < MIN_STATEMENT_WORDS {
        return Some(format!(
            "is too short ({chars} characters, {} words); a statement has at least \
             {MIN_STATEMENT_CHARS} characters and {MIN_STATEMENT_WORDS} words saying what was \
             done and where the evidence is",
            words.len()
        ));
    }
    None
}

/// Owner and approver written as the same person: the same name (case and spacing ignored) or
/// the same e-mail address in `Name <address>`.
pub(crate) fn same_person(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    if norm(a) == norm(b) {
        return true;
    }
    matches!((email_of(a), email_of(b)), (Some(x), Some(y)) if x.eq_ignore_ascii_case(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_that_say_nothing() {
        // (statement, the reason, or "" when it is a statement)
        let cases = [
            ("done", "`done` is a placeholder"),
            ("TODO", "draft marker `todo`"),
            ("n/a", "`n/a` is a placeholder"),
            ("OK", "`OK` is a placeholder"),
            ("see above", "`see above` is a placeholder"),
            (
                "done done done done done done done done done done",
                "is a placeholder",
            ),
            (
                "Yes, completed and approved, see below: done, ok, fine.",
                "is a placeholder",
            ),
            (
                "The threat model was reviewed; TBD who signs the minutes.",
                "draft marker `tbd`",
            ),
            (
                "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
                "draft marker `lorem`",
            ),
            ("All findings of the pen test are closed.", ""),
            (
                "Pen test done; findings closed.",
                "is too short (31 characters, 5 words)",
            ),
            (
                "Reviewedthethreatmodelonthetwentyfifthofnovember",
                "1 words",
            ),
            ("The threat model was reviewed on 2026-11-25.", ""),
            (
                "An independent firm tested release 0.3.0; all findings are closed.",
                "",
            ),
        ];
        for (statement, want) in cases {
            let got = statement_problem(statement);
            if want.is_empty() {
                assert_eq!(got, None, "{statement}");
            } else {
                let got = got.unwrap_or_else(|| panic!("{statement} was accepted"));
                assert!(got.contains(want), "{statement}: {got}");
            }
        }
    }

    #[test]
    fn team_aliases() {
        for team in [
            "cargo-sdl maintainers (security)",
            "Security Team",
            "@acme/psirt",
            "psirt-group@example.org",
            "Release Board",
        ] {
            assert!(is_team_alias(team).is_some(), "{team}");
        }
        for person in [
            "Grace Hopper",
            "Grace Hopper <grace@example.org>",
            "@grace",
            "Steam Boat Willie",
            "Teamster Jo",
        ] {
            assert_eq!(is_team_alias(person), None, "{person}");
        }
        let roles = Roles {
            teams: vec!["Ops".into()],
            ..Roles::default()
        };
        assert!(roles.team(" Ops ").unwrap().contains("`teams`"));
        assert!(roles.team("Security Team").is_some());
        assert_eq!(roles.team("Grace Hopper"), None);
    }

    #[test]
    fn principals_name_people_literally() {
        let grace = "Grace Hopper <Grace@Example.org>";
        assert!(principals_name("grace@example.org", grace));
        assert!(principals_name("ci@example.org, GRACE@example.org", grace));
        assert!(principals_name("Grace Hopper <Grace@Example.org>", grace));
        assert!(principals_name("Grace Hopper", "Grace Hopper"));
        assert!(
            !principals_name("Grace Hopper", grace),
            "the name alone is not the person written with an address"
        );
        assert!(
            !principals_name("*@example.org", grace),
            "patterns name nobody"
        );
        assert!(!principals_name("gr?ce@example.org", grace));
        assert!(!principals_name("!grace@example.org", grace));
        assert!(!principals_name("grace@example.org", "Grace Hopper"));
        assert!(!principals_name("", "Grace Hopper"));
    }

    #[test]
    fn the_same_person_twice() {
        assert!(same_person("Ada Lovelace", " ada  lovelace "));
        assert!(same_person(
            "Ada <ada@example.org>",
            "A. Lovelace <ADA@example.org>"
        ));
        assert!(!same_person("Ada Lovelace", "Grace Hopper"));
        assert!(!same_person(
            "Ada <ada@example.org>",
            "Grace <grace@example.org>"
        ));
        assert_eq!(email_of("Ada <ada@example.org>"), Some("ada@example.org"));
        assert_eq!(email_of("Ada"), None);
        assert_eq!(email_of("Ada <not an address>"), None);
    }
}
