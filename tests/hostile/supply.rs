//! Hostile cases: supply.
