//! One input of `cargo sdl portfolio`: a `report.json`, a package folder or a package archive,
//! read, verified and parsed into the part of the report the portfolio shows. An input that
//! cannot be read at all is an error (exit 2, naming it); one that reads but cannot be trusted
//! or understood is [`Loaded::Excluded`] with the reason, and the portfolio lists it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::config::{OrganisationRef, Product};
use crate::eval::Status;
use crate::facts::FileRef;
use crate::package::{self, Source};
use crate::sshsig::AllowedSigners;

/// The part of `report.json` (schema version 1) the portfolio reads; the rest is ignored here
/// and kept, byte for byte, in the copy under `products/`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ReportView {
    pub generated_at: String,
    pub product: Product,
    #[serde(default)]
    pub assessed: Option<AssessedView>,
    pub practices: Vec<PracticeView>,
    pub requirements: Vec<RequirementView>,
    #[serde(default)]
    pub organisation: Option<OrganisationRef>,
    pub evidence: EvidenceView,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct AssessedView {
    #[serde(default)]
    pub commit: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub remote: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PracticeView {
    pub id: String,
    pub name: String,
    pub maturity: MaturityView,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct MaturityView {
    pub level: Option<u8>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct RequirementView {
    pub id: String,
    pub practice: String,
    pub title: String,
    pub status: Status,
    #[serde(default)]
    pub attestations: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct EvidenceView {
    pub files: CollectedView<FilesView>,
    pub human: HumanView,
}

/// A `Collected<T>` as the report writes it; only a present value is read.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CollectedView<T> {
    #[serde(default)]
    pub value: Option<T>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct FilesView {
    #[serde(default)]
    pub documents: Vec<DocumentView>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct DocumentView {
    pub kind: String,
    pub file: FileRef,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct HumanView {
    #[serde(default)]
    pub attestations: Vec<AttestationView>,
    #[serde(default)]
    pub roles: Option<RolesView>,
    #[serde(default)]
    pub training_file: Option<FileRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct AttestationView {
    pub file: FileRef,
    pub requirements: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct RolesView {
    #[serde(default)]
    pub file: Option<FileRef>,
    #[serde(default)]
    pub roles: BTreeMap<String, serde::de::IgnoredAny>,
}

/// An input that was read, verified and parsed.
#[derive(Debug)]
pub(crate) struct Input {
    /// The path as the operator gave it.
    pub given: String,
    pub source: Source,
    /// SHA-256 of its `report.json`.
    pub sha256: String,
    /// SHA-256 of its `MANIFEST.sha256`, for a package.
    pub manifest_sha256: Option<String>,
    /// What was verified, in a line.
    pub verification: String,
    /// The files to copy into the portfolio: the whole package, or the bare `report.json`.
    pub files: BTreeMap<String, Vec<u8>>,
    pub report: ReportView,
}

/// What became of an input.
#[derive(Debug)]
pub(crate) enum Loaded {
    Used(Box<Input>),
    /// Listed with the reason, never merged.
    Excluded {
        given: String,
        reason: String,
    },
}

/// The schema version this build reads.
const READS: u64 = crate::report::SCHEMA_VERSION as u64;

/// Read, verify and parse one input. `signers` (with `--allowed-signers`) makes a valid
/// signature a condition; `now` is when signer validity is judged.
pub(crate) fn load(
    path: &Path,
    signers: Option<(&Path, &AllowedSigners)>,
    now: i64,
) -> anyhow::Result<Loaded> {
    let given = path.display().to_string();
    let opened = package::open_report(path)?;
    let excluded = |reason: String| {
        Ok(Loaded::Excluded {
            given: given.clone(),
            reason,
        })
    };
    if let Some(why) = opened.refusal() {
        return excluded(why);
    }
    let verification = match opened.source {
        Source::ReportFile if signers.is_some() => {
            return excluded(
                "a bare report.json has no manifest and no signature; with --allowed-signers \
                 only signed packages are merged"
                    .into(),
            );
        }
        Source::ReportFile => "not verified: a bare report.json has no manifest".to_string(),
        Source::Directory | Source::Archive => {
            // The signers file is named by what it is, not by this machine's path: the line
            // goes into the portfolio.
            let named = signers.map(|(_, s)| (Path::new("the allowed signers"), s));
            match package::sign::check(&opened.files, named, now) {
                Ok(line) => format!(
                    "manifest: {} files match; {line}",
                    opened.files.len().saturating_sub(
                        1 + usize::from(opened.files.contains_key(package::manifest::SIGNATURE))
                    )
                ),
                Err(why) => return excluded(why),
            }
        }
    };
    let Some(bytes) = &opened.report else {
        return excluded("the package has no report.json (is it a report package?)".into());
    };
    #[derive(Deserialize)]
    struct Version {
        schema_version: Option<serde_json::Value>,
    }
    let version: Version = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return excluded(format!("report.json is not valid JSON ({e})")),
    };
    match version.schema_version.as_ref().map(|v| v.as_u64()) {
        None => return excluded("not a cargo-sdl report (no schema_version)".into()),
        Some(Some(READS)) => {}
        Some(_) => {
            return excluded(format!(
                "schema_version {} is not one this version of cargo-sdl reads ({READS})",
                version.schema_version.unwrap_or_default()
            ));
        }
    }
    let report: ReportView = match serde_json::from_slice(bytes) {
        Ok(r) => r,
        Err(e) => {
            return excluded(format!(
                "report.json does not have the form of schema_version {READS} ({e})"
            ));
        }
    };
    let sha256 = crate::digest::sha256_hex(bytes);
    let manifest_sha256 = opened
        .files
        .get(package::manifest::MANIFEST)
        .map(|m| crate::digest::sha256_hex(m));
    let mut files = opened.files;
    if opened.source == Source::ReportFile {
        files.insert("report.json".into(), bytes.clone());
    }
    if let Some(bad) = files.keys().find(|p| !package::manifest::is_safe_path(p)) {
        return excluded(format!(
            "the package holds `{}`, not a plain relative path",
            crate::sanitize::terminal(bad)
        ));
    }
    Ok(Loaded::Used(Box::new(Input {
        given,
        source: opened.source,
        sha256,
        manifest_sha256,
        verification,
        files,
        report,
    })))
}
