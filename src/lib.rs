//! `cargo sdl`: collect IEC 62443-4-1 secure development lifecycle evidence from a Rust
//! repository, evaluate it against the 47 requirements, and report it.
//!
//! Data flows one way: [`collect`] → [`facts`] → [`eval`] → [`report`] → [`render`] and
//! [`package`]. Each command lives in [`command`]; none prints.

pub mod catalog;
pub mod cli;
pub mod collect;
pub mod command;
pub mod config;
pub mod digest;
pub mod eval;
pub mod facts;
pub mod package;
pub mod portfolio;
pub mod render;
pub mod repo_fs;
pub mod report;
pub mod sanitize;
pub mod sbom;
pub(crate) mod sshsig;
#[doc(hidden)]
pub mod testing;
pub mod timefmt;
pub mod tomlerr;
pub mod workspace;

pub use command::{
    Console, Progress, RunOutcome, build_report, build_report_in, load_catalog, resolve_now, run,
};
