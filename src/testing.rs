//! Entry points of the parsers of untrusted text, for the property tests
//! (`tests/properties.rs`). Not an API: hidden from the docs, and free to change with the
//! parsers, most of which stay private.

pub use crate::collect::cargo::{from_lockfile, parse_lockfile};
pub use crate::collect::files::testing::*;
pub use crate::collect::human::parse_attestation;
pub use crate::collect::sbom::{
    coverage as sbom_coverage, read_json as sbom_json, read_xml as sbom_xml,
};
pub use crate::config::{parse as parse_config, validate as validate_config};
pub use crate::tomlerr::describe as describe_toml_error;

use crate::collect::git::message::{self, Independence};

/// What a commit message says, in public types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Names of the known trailers present.
    pub trailers: Vec<&'static str>,
    /// Review marker bits.
    pub markers: u8,
    /// Reviewers named by Reviewed-by/Acked-by: (name, email), lower-cased.
    pub trailer_reviewers: Vec<(String, String)>,
    pub bors_author: Option<String>,
    pub bors_reviewers: Vec<String>,
    /// Advisory ids, normalised and sorted.
    pub advisories: Vec<String>,
}

/// The known trailer tokens, in the order of [`Message::trailers`] bits.
pub const KNOWN_TRAILERS: &[&str] = message::KNOWN_TRAILERS;

/// Analyse a commit message as the history walk does.
pub fn analyse_message(text: &[u8]) -> Message {
    let f = message::analyse(text);
    Message {
        trailers: KNOWN_TRAILERS
            .iter()
            .enumerate()
            .filter(|(i, _)| f.trailers & (1 << i) != 0)
            .map(|(_, t)| *t)
            .collect(),
        markers: f.markers,
        trailer_reviewers: f.trailer_reviewers,
        bors_author: f.bors_author,
        bors_reviewers: f.bors_reviewers,
        advisories: f.advisories,
    }
}

/// The known trailers of the message's trailer block: (token, value).
pub fn message_trailers(text: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    message::trailers(text)
        .into_iter()
        .map(|(i, v)| (KNOWN_TRAILERS[i], v.to_vec()))
        .collect()
}

/// Reviewer ≠ author for a commit by (name, email): `unknown`, `independent` or
/// `self-reviewed`.
pub fn message_independence(text: &[u8], author_name: &[u8], author_email: &[u8]) -> &'static str {
    match message::analyse(text).independence(author_name, author_email) {
        Independence::Unknown => "unknown",
        Independence::Independent => "independent",
        Independence::SelfReviewed => "self-reviewed",
    }
}

/// A synthetic release of a synthetic product, made from a real `report.json` (`base`): for
/// the portfolio's tests and benchmark (`examples/portfolio-inputs.rs`). Product `product`
/// (named `product-NNNN`, with its own remote) at release `release` (version `1.R.0`, assessed
/// on the first of month R+1 of 2026, its own commit), with requirement statuses, maturity
/// levels and the digests of its roles file and first document drawn from a digest of
/// (product, release, id): the same arguments always give the same report. A later release
/// of a product never has a worse status than an earlier one for most requirements, so trends
/// show both improvements and some regressions.
pub fn synthetic_report(
    base: &serde_json::Value,
    product: usize,
    release: usize,
) -> serde_json::Value {
    use serde_json::Value;
    let draw = |what: &str| -> u8 {
        let hex = crate::digest::sha256_hex(format!("{product}:{what}").as_bytes());
        u8::from_str_radix(&hex[..2], 16).unwrap_or(0)
    };
    let mut r = base.clone();
    let name = format!("product-{product:04}");
    r["product"]["name"] = Value::from(name.clone());
    r["product"]["version"] = Value::from(format!("1.{release}.0"));
    let month = (release % 12) + 1;
    let at = format!("2026-{month:02}-01T00:00:00Z");
    r["generated_at"] = Value::from(at.clone());
    let commit = crate::digest::sha256_hex(format!("{product}:{release}:commit").as_bytes());
    r["assessed"] = serde_json::json!({
        "commit": commit[..40],
        "detached": false,
        "tags": [format!("v1.{release}.0")],
        "remote": format!("https://git.example.com/team/{name}"),
        "workspace": ".",
        "time": at,
        "time_source": "--current-time",
    });
    const STATUSES: [&str; 5] = [
        "satisfied",
        "partial",
        "unknown",
        "not-satisfied",
        "not-applicable",
    ];
    if let Some(reqs) = r["requirements"].as_array_mut() {
        for req in reqs {
            let id = req["id"].as_str().unwrap_or_default().to_string();
            let d = draw(&id);
            // Each release moves a requirement one step better with some chance.
            let step = (0..release).filter(|n| draw(&format!("{id}:{n}")).is_multiple_of(3));
            let index = usize::from(d % 5).saturating_sub(step.count());
            req["status"] = Value::from(STATUSES[index.min(4)]);
        }
    }
    if let Some(practices) = r["practices"].as_array_mut() {
        for p in practices {
            let id = p["id"].as_str().unwrap_or_default().to_string();
            let level = (draw(&format!("ml:{id}:{release}")) % 5) as u64;
            p["maturity"]["level"] = if level == 0 {
                Value::Null
            } else {
                Value::from(level)
            };
        }
    }
    // Products in the same group of three share a roles file; every other product shares the
    // process document.
    let group = crate::digest::sha256_hex(format!("roles group {}", product % 3).as_bytes());
    r["evidence"]["human"]["roles"] = serde_json::json!({
        "file": {"path": "sdl/roles.toml", "sha256": group},
        "roles": {"security-lead": {"description": "leads", "holders": ["a"]}},
        "teams": [],
    });
    if product.is_multiple_of(2)
        && let Some(doc) = r["evidence"]["files"]["value"]["documents"]
            .as_array_mut()
            .and_then(|d| d.first_mut())
    {
        doc["file"]["sha256"] = Value::from(crate::digest::sha256_hex(b"shared process"));
    }
    r
}
