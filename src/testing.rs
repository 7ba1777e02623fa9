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
