//! Hostile cases: package.
