//! The hostile corpus: each case builds an input an attacker controls (a repository, a
//! package, an archive, a signature) and asserts the safe outcome — nothing outside the package
//! deleted, nothing outside the repository read into any output, no repository program run,
//! no hang (each run is bounded), exit code 0, 1 or 2 as documented and never 101, and no raw
//! control character on the terminal. `docs/security/threat-model.md` maps threats to cases.

#[path = "../common/mod.rs"]
mod common;

mod package;
mod repository;
mod supply;
mod text;
mod verify;
