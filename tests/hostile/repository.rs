//! Hostile cases: repository.
