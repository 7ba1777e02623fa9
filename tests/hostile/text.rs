//! Hostile cases: text.
