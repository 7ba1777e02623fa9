//! CODEOWNERS coverage with GitHub's pattern semantics: gitignore-style patterns where the
//! last matching line wins, `*` does not cross `/`, `**` does, a leading `/` or an inner `/`
//! anchors at the root, a trailing `/` matches a directory's contents, and `dir/*` matches
//! only the directory's direct children. A line without owners un-assigns what it matches.

use regex::RegexSet;

use crate::facts::files::Mention;

/// GitHub looks in these places, in this order, and uses the first file it finds.
pub(super) const LOCATIONS: &[&str] = &[".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// How much of the listing the parsed CODEOWNERS covers.
#[derive(Debug, PartialEq)]
pub(super) struct Coverage {
    pub(super) rules: usize,
    pub(super) covered: usize,
    pub(super) uncovered_examples: Vec<String>,
    pub(super) unsupported: Vec<Mention>,
}

/// Translate one CODEOWNERS pattern into an anchored regular expression over
/// repository-relative paths.
pub(super) fn pattern_regex(pattern: &str) -> Result<String, &'static str> {
    if pattern.starts_with('!') {
        return Err("negated patterns are not supported in CODEOWNERS");
    }
    if pattern.contains('[') {
        return Err("character ranges are not supported in CODEOWNERS");
    }
    let mut p = pattern;
    let leading_slash = p.starts_with('/');
    p = p.trim_start_matches('/');
    let dir_only = p.ends_with('/');
    p = p.trim_end_matches('/');
    if p.is_empty() {
        return Ok("^.*$".to_string());
    }
    let anchored = leading_slash || p.contains('/');
    let segments: Vec<&str> = p.split('/').collect();
    let last = segments.len() - 1;
    let mut body = String::new();
    for (i, seg) in segments.iter().enumerate() {
        if i > 0 && segments[i - 1] != "**" {
            body.push('/');
        }
        if *seg == "**" {
            body.push_str(if i == last { ".*" } else { "(?:.*/)?" });
            continue;
        }
        let mut chars = seg.chars();
        while let Some(c) = chars.next() {
            match c {
                '*' => body.push_str("[^/]*"),
                '?' => body.push_str("[^/]"),
                '\\' => {
                    if let Some(next) = chars.next() {
                        body.push_str(&regex::escape(&next.to_string()));
                    }
                }
                other => body.push_str(&regex::escape(&other.to_string())),
            }
        }
    }
    let prefix = if anchored { "^" } else { "^(?:.*/)?" };
    let suffix = if segments[last] == "**" {
        "$"
    } else if dir_only {
        "/.*$"
    } else if segments[last] == "*" && segments.len() > 1 {
        "$"
    } else {
        // A name matches the file itself or, when it is a directory, everything below it.
        "(?:/.*)?$"
    };
    Ok(format!("{prefix}{body}{suffix}"))
}

/// Parse `text` and compute the coverage of `files`.
pub(super) fn coverage(text: &str, files: &[String]) -> Result<Coverage, String> {
    let mut patterns = Vec::new();
    let mut owned = Vec::new();
    let mut unsupported = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let content = match trimmed.find(" #") {
            Some(at) => &trimmed[..at],
            None => trimmed,
        };
        let mut tokens = content.split_whitespace();
        let Some(pattern) = tokens.next() else {
            continue;
        };
        match pattern_regex(pattern) {
            Ok(re) => {
                patterns.push(re);
                owned.push(tokens.next().is_some());
            }
            Err(why) => unsupported.push(Mention {
                text: format!("{pattern}: {why}"),
                line,
            }),
        }
    }
    let set =
        RegexSet::new(&patterns).map_err(|e| format!("pattern could not be compiled: {e}"))?;
    let mut covered = 0;
    let mut uncovered_examples = Vec::new();
    for file in files {
        let last = set.matches(file).iter().max();
        if last.is_some_and(|i| owned[i]) {
            covered += 1;
        } else if uncovered_examples.len() < 10 {
            uncovered_examples.push(file.clone());
        }
    }
    Ok(Coverage {
        rules: patterns.len(),
        covered,
        uncovered_examples,
        unsupported,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, path: &str) -> bool {
        regex::Regex::new(&pattern_regex(pattern).unwrap())
            .unwrap()
            .is_match(path)
    }

    #[test]
    fn pattern_semantics() {
        let cases: &[(&str, &str, bool)] = &[
            ("*", "a/b/c.rs", true),
            ("*.rs", "src/lib.rs", true),
            ("*.rs", "src/lib.rsx", false),
            ("/build/logs/", "build/logs/x.log", true),
            ("/build/logs/", "x/build/logs/x.log", false),
            ("apps/", "apps/a.js", true),
            ("apps/", "sub/apps/deep/a.js", true),
            ("apps/", "apps", false),
            ("docs/*", "docs/a.md", true),
            ("docs/*", "docs/sub/a.md", false),
            ("/docs/", "docs/sub/a.md", true),
            ("docs", "x/docs/a.md", true),
            ("docs", "docs", true),
            ("src/*.rs", "src/lib.rs", true),
            ("src/*.rs", "src/a/lib.rs", false),
            ("src/*.rs", "x/src/lib.rs", false),
            ("**/logs", "a/b/logs/x", true),
            ("**/logs", "logs/x", true),
            ("docs/**/*.md", "docs/a.md", true),
            ("docs/**/*.md", "docs/a/b/c.md", true),
            ("docs/**", "docs/a/b", true),
            ("docs/**", "doc/a", false),
            ("/Cargo.toml", "Cargo.toml", true),
            ("/Cargo.toml", "crates/x/Cargo.toml", false),
            ("Cargo.toml", "crates/x/Cargo.toml", true),
            ("a?c", "abc", true),
            ("a?c", "a/c", false),
            ("file.txt", "filextxt", false),
        ];
        for (pattern, path, want) in cases {
            assert_eq!(matches(pattern, path), *want, "{pattern} vs {path}");
        }
    }

    #[test]
    fn last_match_wins_and_ownerless_lines_unassign() {
        let files: Vec<String> = ["README.md", "src/lib.rs", "src/gen/x.rs", "docs/a.md"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let text = "# owners\n* @team\n/src/gen/\ndocs/* @docs # inline\n!x @a\n";
        let got = coverage(text, &files).unwrap();
        assert_eq!(got.rules, 3);
        assert_eq!(got.covered, 3);
        assert_eq!(got.uncovered_examples, vec!["src/gen/x.rs".to_string()]);
        assert_eq!(got.unsupported.len(), 1);
        assert_eq!(got.unsupported[0].line, 5);
    }
}
