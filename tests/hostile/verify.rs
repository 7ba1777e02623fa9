//! Hostile cases: verify.
