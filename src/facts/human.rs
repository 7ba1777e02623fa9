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
}

/// SM-2: who holds which SDL role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Roles {
    pub file: Option<FileRef>,
    /// Role id → its description and holders.
    pub roles: BTreeMap<String, Role>,
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
}
