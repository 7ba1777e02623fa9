//! Designations in `sdl.toml`: a document kind or a guideline topic → the files, or the
//! `file#anchor` sections, that a person says are its evidence.

use std::path::Path;

use super::{OneOrMany, PathKind, inside_repository};

/// The SG-1 … SG-6 topics as `[guidelines]` names them: (requirement, key).
pub const GUIDELINE_TOPICS: &[(&str, &str)] = &[
    ("SG-1", "defense-in-depth"),
    ("SG-2", "environment"),
    ("SG-3", "hardening"),
    ("SG-4", "disposal"),
    ("SG-5", "secure-operation"),
    ("SG-6", "accounts"),
];

/// A designation as written: `docs/ops.md#secure-disposal` is the section of `docs/ops.md`
/// whose heading has that anchor (as GitHub derives it); `docs/ops.md` is the whole file.
pub fn split_designation(designation: &str) -> (&str, Option<&str>) {
    match designation.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (designation, None),
    }
}

/// Check each designation: its path a regular file inside the repository, its anchor, if any,
/// a plausible one (whether the file has that heading is the collector's to
/// tell: a release re-assessed at its tag may not). Returns them repository-relative.
pub(super) fn designations(root: &Path, given: OneOrMany) -> Result<Vec<String>, String> {
    let mut checked = Vec::new();
    for d in given.into_vec() {
        let (path, anchor) = split_designation(&d);
        let rel = inside_repository(root, path, PathKind::File)?;
        match anchor {
            None => checked.push(rel),
            Some(a) => {
                let a = a.trim();
                if a.is_empty()
                    || a.chars().count() > 200
                    || a.contains('#')
                    || a.chars()
                        .any(|c| c.is_whitespace() || crate::sanitize::is_dangerous(c))
                {
                    return Err(format!(
                        "`{}` is not a section anchor; write the heading's anchor as GitHub \
                         shows it, e.g. `{rel}#secure-disposal` for \"## Secure disposal\" \
                         (`cargo sdl discover` proposes them)",
                        crate::sanitize::terminal(&d)
                    ));
                }
                checked.push(format!("{rel}#{}", a.to_lowercase()));
            }
        }
    }
    Ok(checked)
}
