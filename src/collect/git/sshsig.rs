//! Git's use of the shared SSH signature verifier: commits and tags are signed in the namespace
//! `git` (as `git verify-commit` checks them with `gpg.format=ssh`), over the object without its
//! signature.

pub(super) use crate::sshsig::{AllowedSigners, Verdict};

/// The namespace git signs commits and tags in.
pub(super) const NAMESPACE: &str = "git";
