//! Tags: annotated or lightweight, signed or not, tagger, date and the commit they point to;
//! release tags recognised by a pattern and put in version order.

use std::cmp::Ordering;

use gix::ObjectId;
use gix::objs::FindExt;
use regex::Regex;

use super::Error;
use super::sshsig::{AllowedSigners, NAMESPACE, Verdict};
use super::walk::sig;

/// One tag as read from the repository.
#[derive(Debug, Clone)]
pub(crate) struct Tag {
    pub(crate) name: String,
    pub(crate) annotated: bool,
    /// The commit after peeling; `None` when the tag names a tree or blob, or its target is
    /// missing from a shallow clone.
    pub(crate) target: Option<ObjectId>,
    pub(crate) tagger: Option<String>,
    /// Tagger time (annotated) or the target's committer time (lightweight).
    pub(crate) time: Option<i64>,
    pub(crate) signature: u8,
    pub(crate) verdict: Option<Verdict>,
    /// Set for release tags: (prefix, major, minor, patch, pre-release).
    pub(crate) version: Option<Version>,
}

/// A release tag's version, for ordering releases of the same prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Version {
    pub(crate) prefix: String,
    numbers: [u64; 3],
    pre: Option<String>,
}

impl Version {
    /// Semver precedence; a pre-release sorts before its release.
    pub(crate) fn cmp_precedence(&self, other: &Version) -> Ordering {
        self.numbers
            .cmp(&other.numbers)
            .then_with(|| match (&self.pre, &other.pre) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => cmp_pre(a, b),
            })
    }
}

fn cmp_pre(a: &str, b: &str) -> Ordering {
    let mut ai = a.split('.');
    let mut bi = b.split('.');
    loop {
        match (ai.next(), bi.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let o = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(p), Ok(q)) => p.cmp(&q),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    _ => x.cmp(y),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

/// The version a release pattern finds in a tag name. Patterns without the named groups
/// `major`/`minor`/`patch` still mark releases; those are ordered by date.
pub(crate) fn release_version(pattern: &Regex, name: &str) -> Option<Version> {
    let c = pattern.captures(name)?;
    let num = |g: &str| {
        c.name(g)
            .and_then(|m| m.as_str().parse::<u64>().ok())
            .unwrap_or(0)
    };
    Some(Version {
        prefix: c
            .name("name")
            .map(|m| m.as_str().to_string())
            .unwrap_or_default(),
        numbers: [num("major"), num("minor"), num("patch")],
        pre: c
            .name("pre")
            .map(|m| m.as_str().trim_start_matches('-').to_string()),
    })
}

/// Read every tag under `refs/tags/`.
pub(crate) fn read(
    repo: &gix::Repository,
    pattern: &Regex,
    signers: Option<&AllowedSigners>,
    shallow: bool,
) -> Result<Vec<Tag>, Error> {
    let platform = repo.references().map_err(|e| Error::Refs(e.to_string()))?;
    let iter = platform.tags().map_err(|e| Error::Refs(e.to_string()))?;
    let hash_kind = repo.object_hash();
    let mut buf = Vec::new();
    let mut tags = Vec::new();
    for r in iter {
        let r = r.map_err(|e| Error::Refs(e.to_string()))?;
        let name = r.name().shorten().to_string();
        let Some(mut id) = r.try_id().map(|id| id.detach()) else {
            continue; // a symbolic ref under refs/tags/ names no object of its own
        };
        let mut tag = Tag {
            name,
            annotated: false,
            target: None,
            tagger: None,
            time: None,
            signature: sig::NONE,
            verdict: None,
            version: None,
        };
        // Peel nested tags; only the outermost tag object describes this tag.
        for depth in 0..16 {
            let data = match repo.objects.find(&id, &mut buf) {
                Ok(d) => d,
                Err(_) if shallow => break,
                Err(e) => {
                    return Err(Error::object(
                        &format!("object of tag {}", tag.name),
                        &id,
                        e,
                    ));
                }
            };
            match data.kind {
                gix::objs::Kind::Tag => {
                    let bytes = data.data;
                    let decoded = gix::objs::TagRef::from_bytes(bytes, hash_kind).map_err(|e| {
                        Error::Corrupt {
                            id: id.to_string(),
                            message: format!("tag {}: {e}", tag.name),
                        }
                    })?;
                    let next = decoded.target();
                    if depth == 0 {
                        tag.annotated = true;
                        if let Ok(Some(t)) = decoded.tagger() {
                            tag.tagger = Some(format!("{} <{}>", t.name, t.email));
                            tag.time = Some(t.seconds());
                        }
                        if let Some((armored, payload)) = gix::objs::TagRefIter::signature(bytes) {
                            tag.signature = sig::of_format(armored.format);
                            tag.verdict = signers.map(|s| {
                                if tag.signature == sig::SSH {
                                    s.verify(
                                        NAMESPACE,
                                        armored.data.as_ref(),
                                        payload.to_bstring().as_ref(),
                                        tag.time.unwrap_or(0),
                                    )
                                } else {
                                    Verdict::Unverified
                                }
                            });
                        }
                    }
                    id = next;
                }
                gix::objs::Kind::Commit => {
                    tag.target = Some(id);
                    if tag.time.is_none() {
                        let commit = repo
                            .objects
                            .find_commit(&id, &mut buf)
                            .map_err(|e| Error::object("commit", &id, e))?;
                        tag.time = commit.committer().ok().map(|c| c.seconds());
                    }
                    break;
                }
                _ => break,
            }
        }
        tag.version = release_version(pattern, &tag.name);
        tags.push(tag);
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::git::default_release_tag_pattern;

    type Want<'a> = Option<(&'a str, [u64; 3], Option<&'a str>)>;

    fn check(re: &Regex, cases: &[(&str, Want<'_>)]) {
        for (name, want) in cases {
            let got = release_version(re, name);
            let got = got
                .as_ref()
                .map(|v| (v.prefix.as_str(), v.numbers, v.pre.as_deref()));
            assert_eq!(got, *want, "{name}");
        }
    }

    #[test]
    fn the_default_pattern_takes_the_products_tags_only() {
        let re = Regex::new(&default_release_tag_pattern(&["cargo-sdl".into()])).unwrap();
        check(
            &re,
            &[
                ("v1.2.3", Some(("", [1, 2, 3], None))),
                ("1.2.3", Some(("", [1, 2, 3], None))),
                ("cargo-sdl-v1.2.3", Some(("cargo-sdl", [1, 2, 3], None))),
                ("cargo-sdl-0.10.0", Some(("cargo-sdl", [0, 10, 0], None))),
                ("Cargo-SDL@0.10.0", Some(("Cargo-SDL", [0, 10, 0], None))),
                (
                    "cargo-sdl/v2.0.0-rc.1",
                    Some(("cargo-sdl", [2, 0, 0], Some("rc.1"))),
                ),
                ("v2.0.0-rc.1", Some(("", [2, 0, 0], Some("rc.1")))),
                // Another crate of the workspace, and names the product's merely contains.
                ("home-0.5.12", None),
                ("cargo-0.5.12", None),
                ("xcargo-sdl-1.0.0", None),
                ("cargo-sdl-extra-1.0.0", None),
                ("v1.2", None),
                ("nightly", None),
                ("v1.2.3.4", None),
            ],
        );
        // A name with regex syntax is a literal.
        let re = Regex::new(&default_release_tag_pattern(&["a.b+c".into()])).unwrap();
        check(
            &re,
            &[
                ("a.b+c-1.0.0", Some(("a.b+c", [1, 0, 0], None))),
                ("axbbc-1.0.0", None),
            ],
        );
        // Two names (configured, root package): both prefixes are the product's.
        let re = Regex::new(&default_release_tag_pattern(&[
            "Acme Controller".into(),
            "acme".into(),
        ]))
        .unwrap();
        check(
            &re,
            &[
                ("acme-v3.0.0", Some(("acme", [3, 0, 0], None))),
                (
                    "Acme Controller-3.0.0",
                    Some(("Acme Controller", [3, 0, 0], None)),
                ),
                ("acme-cli-v3.0.0", None),
            ],
        );
    }

    #[test]
    fn without_a_product_name_only_unprefixed_tags_are_releases() {
        let re = Regex::new(&default_release_tag_pattern(&[])).unwrap();
        check(
            &re,
            &[
                ("v1.2.3", Some(("", [1, 2, 3], None))),
                ("1.2.3", Some(("", [1, 2, 3], None))),
                ("name-v1.2.3", None),
            ],
        );
    }

    #[test]
    fn precedence() {
        let re = Regex::new(&default_release_tag_pattern(&[])).unwrap();
        let v = |s| release_version(&re, s).unwrap();
        assert_eq!(v("v1.10.0").cmp_precedence(&v("v1.9.9")), Ordering::Greater);
        assert_eq!(
            v("v1.0.0-rc.1").cmp_precedence(&v("v1.0.0")),
            Ordering::Less
        );
        assert_eq!(
            v("v1.0.0-rc.2").cmp_precedence(&v("v1.0.0-rc.10")),
            Ordering::Less
        );
    }
}
