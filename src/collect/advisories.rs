//! The RustSec advisory collector: an offline database (never fetched here; `cargo sdl fetch`
//! gets one, see [`super::fetch`]), the workspace's Cargo.lock, and the first-parent history of
//! Cargo.lock for SUM-5 response times.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use rustsec::advisory::Informational;
use rustsec::database::Query;
use rustsec::{Collection, Database, Lockfile};
use time::OffsetDateTime;

use crate::config::Config;
use crate::facts::cargo::{
    AdvisoryDatabase, AdvisoryFix, AdvisoryKind, AdvisoryMatch, LockHistory, OpenAdvisory,
};
use crate::facts::{AdvisoryFacts, Collected};

use super::cache::{Cache, Key};

/// Commits walked at most, whatever `[advisories] history-depth` says: keeps a pathological
/// history bounded (the report says when it was cut short). Every version of Cargo.lock on
/// the first-parent line is read otherwise.
const MAX_COMMITS: usize = 2_000_000;

/// How to get a database, for messages when none is found.
pub(crate) const HOW_TO_GET_A_DATABASE: &str = "run `cargo sdl fetch` to clone the RustSec database \
     into $CARGO_HOME/advisory-db (where cargo-audit keeps it), or pass --advisory-db PATH";

/// The database chosen for a run, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    pub path: PathBuf,
    /// How the report names it: the flag value as given, `$CARGO_HOME/advisory-db`, or a
    /// repository-relative path; never a host path the operator did not type.
    pub shown: String,
    /// `--advisory-db`, `CARGO_HOME (cargo-audit)`, `CARGO_HOME (cargo-deny)` or
    /// `repository configuration`.
    pub origin: String,
    /// Why this one was chosen.
    pub why: String,
    /// A database the repository's configuration names that the operator's replaced.
    pub overridden: Option<String>,
}

/// Where the operator keeps databases: `$CARGO_HOME`, else `~/.cargo` (cargo's default).
fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

/// The place `cargo sdl fetch` (like cargo-audit) keeps the database.
pub(crate) fn default_fetch_destination() -> Option<PathBuf> {
    cargo_home().map(|h| h.join("advisory-db"))
}

/// Choose the database. The operator's come first: `--advisory-db`, then the copies under
/// CARGO_HOME that cargo-audit (`advisory-db`) and cargo-deny (`advisory-dbs/*`) keep. The
/// repository's `[advisories] db` is used only when the operator has none, must lie inside the
/// repository, and is reported as the repository's choice.
pub(crate) fn locate_database(
    root: &Path,
    config: &Config,
    cli: Option<&Path>,
) -> Result<Option<Located>, String> {
    let configured = config.advisories.db.as_deref();
    let overridden = configured.map(|db| {
        format!(
            "the repository's configuration names `[advisories] db = \"{db}\"`; not used, \
             the operator's database wins"
        )
    });
    if let Some(p) = cli {
        if !p.is_dir() {
            return Err(format!(
                "--advisory-db {}: no such directory; run `cargo sdl fetch --advisory-db {}` to \
                 clone the RustSec database there",
                p.display(),
                p.display()
            ));
        }
        return Ok(Some(Located {
            path: p.to_path_buf(),
            shown: p.display().to_string(),
            origin: "--advisory-db".into(),
            why: "named by the operator with --advisory-db".into(),
            overridden,
        }));
    }
    if let Some(home) = cargo_home() {
        let audit = home.join("advisory-db");
        if audit.is_dir() {
            return Ok(Some(Located {
                path: audit,
                shown: "$CARGO_HOME/advisory-db".into(),
                origin: "CARGO_HOME (cargo-audit)".into(),
                why: "the operator's copy under CARGO_HOME, where cargo-audit and `cargo sdl \
                      fetch` keep it"
                    .into(),
                overridden,
            }));
        }
        if let Ok(entries) = std::fs::read_dir(home.join("advisory-dbs")) {
            let mut dirs: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect();
            // A copy that has advisories before one that does not, then by name.
            dirs.sort_by_key(|d| (!d.join("crates").is_dir(), d.clone()));
            if let Some(d) = dirs.into_iter().next() {
                let name = d
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                return Ok(Some(Located {
                    path: d,
                    shown: format!(
                        "$CARGO_HOME/advisory-dbs/{}",
                        crate::sanitize::terminal(&name)
                    ),
                    origin: "CARGO_HOME (cargo-deny)".into(),
                    why: "the operator's copy under CARGO_HOME, where cargo-deny keeps it".into(),
                    overridden,
                }));
            }
        }
    }
    let Some(db) = configured else {
        return Ok(None);
    };
    let rel = crate::config::inside_repository(root, db, crate::config::PathKind::Directory)
        .map_err(|why| {
            format!(
                "the repository's configuration names the advisory database \
                 `[advisories] db`: {why}; the operator names one outside the repository with \
                 --advisory-db PATH, or keeps one in $CARGO_HOME/advisory-db (`cargo sdl fetch`)"
            )
        })?;
    Ok(Some(Located {
        path: root.join(&rel),
        shown: if rel.is_empty() { ".".into() } else { rel },
        origin: REPOSITORY_ORIGIN.into(),
        why: "supplied by the repository's `[advisories] db`, as the operator named none: no \
              --advisory-db, no copy under $CARGO_HOME"
            .into(),
        overridden: None,
    }))
}

/// Open the database at `path` and find its date. A broken advisory file is named.
pub fn open_database(path: &Path, origin: &str) -> Result<(Database, AdvisoryDatabase), String> {
    open_as(path, &path.display().to_string(), origin)
}

/// The origin of a database the repository's own configuration names.
const REPOSITORY_ORIGIN: &str = "repository configuration";

/// What a repository-supplied database may hold: folders and regular files only (no symbolic
/// link, FIFO or device anywhere, its `.git` included), no file over the record cap, and no
/// more than a generous total; the files the rustsec loader reads are then bounded, and none
/// of them lies outside the repository.
fn check_repository_database(db: &Path) -> Result<(), String> {
    const MAX_TOTAL: u64 = 512 * 1024 * 1024;
    let cap = crate::repo_fs::Limit::Record.bytes();
    let mut total = 0u64;
    let mut stack = vec![db.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("cannot be listed: {e}"))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot be listed: {e}"))?;
            let path = entry.path();
            let rel = crate::sanitize::terminal(&crate::repo_fs::relative(db, &path));
            let ty = entry
                .file_type()
                .map_err(|e| format!("cannot be listed: {e}"))?;
            if ty.is_dir() {
                stack.push(path);
            } else if ty.is_file() {
                let len = entry.metadata().map(|m| m.len()).unwrap_or(u64::MAX);
                total = total.saturating_add(len);
                // Git's pack files may be large; advisories are small text files.
                let in_git = rel.starts_with(".git/");
                if !in_git && len > cap {
                    return Err(format!(
                        "holds {rel}, larger than an advisory may be ({len} bytes; the cap is {cap})"
                    ));
                }
                if total > MAX_TOTAL {
                    return Err(format!("is larger than {MAX_TOTAL} bytes in all"));
                }
            } else {
                return Err(format!(
                    "holds {rel}, a {}: a database from the repository may hold only folders and regular files",
                    crate::repo_fs::kind_of(ty)
                ));
            }
        }
    }
    Ok(())
}

/// Open the chosen database; the facts say which it is and why it was chosen.
pub(crate) fn open_located(found: &Located) -> Result<(Database, AdvisoryDatabase), String> {
    // The operator's databases are trusted files; a repository's is untrusted input that the
    // rustsec loader would read by path: check its tree first, as the checked reader would.
    if found.origin == REPOSITORY_ORIGIN {
        check_repository_database(&found.path).map_err(|why| {
            format!(
                "advisory database {} {why}; refused (the database was {})",
                crate::sanitize::terminal(&found.shown),
                found.why
            )
        })?;
    }
    let (db, mut info) = open_as(&found.path, &found.shown, &found.origin)
        .map_err(|e| format!("{e} (the database was {})", found.why))?;
    info.why = found.why.clone();
    info.overridden = found.overridden.clone();
    Ok((db, info))
}

/// Open and validate: a database counts only when it looks like RustSec, i.e. its `crates/`
/// folder holds advisories and its date is known. An empty or unrecognisable one is no
/// database (the repository cannot supply its own truth).
fn open_as(path: &Path, shown: &str, origin: &str) -> Result<(Database, AdvisoryDatabase), String> {
    let shown = crate::sanitize::terminal(shown);
    if !path.join("crates").is_dir() {
        return Err(format!(
            "advisory database {shown}: not a RustSec advisory database (no crates/ folder); \
             {HOW_TO_GET_A_DATABASE}"
        ));
    }
    let db = Database::open(path).map_err(|e| {
        let culprits = broken_advisories(path);
        if culprits.is_empty() {
            format!("advisory database {shown}: {}", chain(&e))
        } else {
            format!(
                "advisory database {shown}: cannot be loaded: {}",
                culprits.join("; ")
            )
        }
    })?;
    let crates = db.query(&Query::new().collection(Collection::Crates)).len();
    if crates == 0 {
        return Err(format!(
            "advisory database {shown}: not a RustSec advisory database: its crates/ folder \
             holds no advisories; {HOW_TO_GET_A_DATABASE}"
        ));
    }
    let mut info = AdvisoryDatabase {
        path: shown.clone(),
        origin: origin.to_string(),
        advisories: db.iter().count(),
        ..AdvisoryDatabase::default()
    };
    if let Some((commit, when)) = git_date(path) {
        info.date = crate::timefmt::date(when);
        info.date_source = "git commit".into();
        info.commit = Some(commit);
    } else if let Some((commit, when)) = snapshot_date(path) {
        info.date = crate::timefmt::date(when);
        info.date_source = "SNAPSHOT record".into();
        info.commit = commit;
    } else if let Some(newest) = db.iter().map(|a| date_of(&a.metadata.date)).max() {
        info.date = format!(
            "{:04}-{:02}-{:02}",
            newest.year(),
            u8::from(newest.month()),
            newest.day()
        );
        info.date_source = "newest advisory".into();
    }
    if info.date.is_empty() {
        return Err(format!(
            "advisory database {shown}: its date is unknown (no git commit, SNAPSHOT record or \
             dated advisory); {HOW_TO_GET_A_DATABASE}"
        ));
    }
    Ok((db, info))
}

/// Every advisory file under `path` that does not load, as `file: problem`.
fn broken_advisories(path: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for collection in ["crates", "rust"] {
        let Ok(dirs) = std::fs::read_dir(path.join(collection)) else {
            continue;
        };
        let mut dirs: Vec<PathBuf> = dirs.flatten().map(|d| d.path()).collect();
        dirs.sort();
        for dir in dirs.iter().filter(|d| d.is_dir()) {
            let Ok(files) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut files: Vec<PathBuf> = files.flatten().map(|f| f.path()).collect();
            files.sort();
            for f in files {
                let hidden = f
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'));
                if hidden {
                    continue;
                }
                if let Err(e) = rustsec::Advisory::load_file(&f) {
                    out.push(format!(
                        "{}: {}",
                        crate::repo_fs::relative(path, &f),
                        chain(&e)
                    ));
                }
            }
        }
    }
    out
}

/// An error with its causes, which is where rustsec says what is wrong.
fn chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(c) = cur {
        let text = c.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = c.source();
    }
    parts.join(": ")
}

fn git_date(path: &Path) -> Option<(String, OffsetDateTime)> {
    // `open`, not `discover`: a database copied into a repository must not take the date of
    // that repository's HEAD.
    let repo = super::open_repository(path).ok()?;
    let commit = repo.head_commit().ok()?;
    let secs = commit.time().ok()?.seconds;
    Some((
        commit.id.to_string(),
        OffsetDateTime::from_unix_timestamp(secs).ok()?,
    ))
}

/// The `SNAPSHOT` file beside an exported copy, read checked (a regular file within the cap).
fn snapshot(path: &Path) -> Option<Vec<u8>> {
    crate::repo_fs::read_operator_file(&path.join("SNAPSHOT"), crate::repo_fs::Limit::Config).ok()
}

/// A `SNAPSHOT` file beside an exported copy: `commit <id>` and `date <RFC 3339>` lines.
fn snapshot_date(path: &Path) -> Option<(Option<String>, OffsetDateTime)> {
    let bytes = snapshot(path)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut commit = None;
    let mut date = None;
    for line in text.lines() {
        if let Some(c) = line.strip_prefix("commit ") {
            commit = Some(c.trim().to_string());
        } else if let Some(d) = line.strip_prefix("date ") {
            date = crate::timefmt::parse(d.trim()).ok();
        }
    }
    Some((commit, date?))
}

fn date_of(d: &rustsec::advisory::Date) -> time::Date {
    let month = time::Month::try_from(d.month() as u8).unwrap_or(time::Month::January);
    time::Date::from_calendar_date(d.year() as i32, month, d.day() as u8).unwrap_or(time::Date::MIN)
}

/// The advisories of the crates.io collection, not withdrawn, that affect this package
/// version (a package of the default registry): the one query the current lockfile and its
/// history both ask.
fn advisories_for<'d>(
    db: &'d Database,
    p: &rustsec::package::Package,
) -> impl Iterator<Item = &'d rustsec::Advisory> {
    let query = Query::new()
        .collection(Collection::Crates)
        .withdrawn(false)
        .package_name(p.name.clone())
        .package_version(p.version.clone());
    db.query(&query).into_iter().filter(|a| {
        a.metadata
            .source
            .as_ref()
            .is_none_or(|s| s.is_default_registry())
    })
}

/// Packages checked, packages RustSec cannot speak for, and the matching advisories.
pub(crate) fn scan(db: &Database, lock: &Lockfile) -> (usize, Vec<String>, Vec<AdvisoryMatch>) {
    let mut scanned = 0;
    let mut not_covered = Vec::new();
    let mut matches = Vec::new();
    for p in &lock.packages {
        match &p.source {
            Some(s) if s.is_default_registry() => {}
            // Local path packages are the product itself.
            None => continue,
            Some(_) => {
                not_covered.push(format!("{} {}", p.name, p.version));
                continue;
            }
        }
        scanned += 1;
        for a in advisories_for(db, p) {
            let m = &a.metadata;
            let kind = match &m.informational {
                None => AdvisoryKind::Vulnerability,
                Some(Informational::Unmaintained) => AdvisoryKind::Unmaintained,
                Some(Informational::Unsound) => AdvisoryKind::Unsound,
                Some(Informational::Notice) => AdvisoryKind::Notice,
                Some(_) => AdvisoryKind::Informational,
            };
            matches.push(AdvisoryMatch {
                kind,
                id: m.id.to_string(),
                package: p.name.to_string(),
                version: p.version.to_string(),
                title: m.title.clone(),
                date: m.date.as_str().to_string(),
                cvss: m.cvss.as_ref().map(|c| c.to_string()),
                cvss_score: m.cvss.as_ref().map(|c| c.score()),
                patched: a.versions.patched().iter().map(|r| r.to_string()).collect(),
                aliases: m.aliases.iter().map(|x| x.to_string()).collect(),
            });
        }
    }
    matches.sort_by(|a, b| {
        (a.kind, &a.id, &a.package, &a.version).cmp(&(b.kind, &b.id, &b.package, &b.version))
    });
    not_covered.sort();
    not_covered.dedup();
    (scanned, not_covered, matches)
}

/// Collect advisory facts for the workspace at `root`. With a cache, the facts of the same
/// database (commit, date and files), the same Cargo.lock and the same Cargo.lock history are
/// taken from it without loading the database.
pub(crate) fn collect(
    root: &Path,
    config: &Config,
    cli_db: Option<&Path>,
    cache: Option<&Cache>,
) -> Collected<AdvisoryFacts> {
    let found = match locate_database(root, config, cli_db) {
        Ok(Some(found)) => found,
        Ok(None) => {
            return Collected::absent(format!(
                "no RustSec advisory database: none named with --advisory-db, none under \
                 $CARGO_HOME (advisory-db, advisory-dbs/) and none configured; \
                 {HOW_TO_GET_A_DATABASE}"
            ));
        }
        Err(e) => return Collected::failed(e),
    };
    let lock = match super::cargo::read_lockfile(root) {
        Ok(Some(l)) => l,
        Ok(None) => return Collected::absent("there is no Cargo.lock to check"),
        Err(e) => return Collected::failed(e),
    };
    // No cap unless the configuration sets one: time-to-fix covers the whole history.
    let depth = config
        .advisories
        .history_depth
        .map_or(usize::MAX, |d| d as usize);
    let timeline = lock_timeline(root, depth, cache);
    // A database the repository supplies is checked and loaded every time, never cached.
    let cache = cache.filter(|_| found.origin != REPOSITORY_ORIGIN);
    let key = cache.map(|_| {
        let mut k = Key::new(FACTS_SLOT)
            .bytes(&database_fingerprint(&found.path))
            .str(&found.shown)
            .str(&found.origin)
            .str(&found.why)
            .str(found.overridden.as_deref().unwrap_or(""))
            .str(&lock.0.path)
            .str(&lock.0.sha256)
            .str(&depth.to_string());
        match &timeline {
            Ok(t) => k = k.bytes(&t.digest()),
            Err(c) => k = k.str(&serde_json::to_string(c).unwrap_or_default()),
        }
        k.finish()
    });
    if let (Some(cache), Some(key)) = (cache, &key)
        && let Some(facts) = cache.get_json::<AdvisoryFacts>(FACTS_SLOT, key)
    {
        return Collected::present(facts);
    }
    let (db, info) = match open_located(&found) {
        Ok(x) => x,
        Err(e) => return Collected::failed(e),
    };
    let (scanned, not_covered, matches) = scan(&db, &lock.1);
    let history = match timeline {
        Ok(t) => history_of(root, &db, &t, &found.path, cache),
        Err(c) => c,
    };
    let facts = AdvisoryFacts {
        database: info,
        lockfile: lock.0,
        scanned,
        not_covered,
        matches,
        history,
    };
    if let (Some(cache), Some(key)) = (cache, &key) {
        cache.put_json(FACTS_SLOT, key, &facts);
    }
    Collected::present(facts)
}

/// Cache slots: the advisory facts, the Cargo.lock versions, each version's vulnerabilities.
const FACTS_SLOT: &str = "advisories";
const TIMELINE_SLOT: &str = "lock-versions";
const MATCHES_SLOT: &str = "lock-matches";

/// What identifies a database's content: its git commit or SNAPSHOT record, and the name,
/// size and modification time of every file of its two collections (an edited or updated
/// copy differs in at least one). The database is the operator's, not the repository's, or
/// has passed [`check_repository_database`].
fn database_fingerprint(path: &Path) -> [u8; 32] {
    let mut k = Key::new("advisory-database");
    if let Some((commit, when)) = git_date(path) {
        k = k.str(&commit).str(&crate::timefmt::rfc3339(when));
    }
    if let Some(snapshot) = snapshot(path) {
        k = k.bytes(&snapshot);
    }
    let mut stack = vec![path.join("crates"), path.join("rust")];
    let mut entries = Vec::new();
    while let Some(dir) = stack.pop() {
        let Ok(list) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in list.flatten() {
            let Ok(meta) = e.metadata() else { continue };
            if meta.is_dir() {
                stack.push(e.path());
                continue;
            }
            let modified = meta
                .modified()
                .ok()
                .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            entries.push((
                crate::repo_fs::relative(path, &e.path()),
                meta.len(),
                modified,
            ));
        }
    }
    entries.sort();
    for (name, len, modified) in entries {
        k = k
            .str(&name)
            .str(&len.to_string())
            .str(&modified.to_string());
    }
    k.finish()
}

/// Check one lockfile only (the hidden `advisories` subcommand; no history).
pub fn check_lockfile(
    db: &Database,
    info: AdvisoryDatabase,
    lockfile: &Path,
) -> Result<AdvisoryFacts, String> {
    let (file, lock) = super::cargo::read_lockfile_at(lockfile)?;
    let (scanned, not_covered, matches) = scan(db, &lock);
    Ok(AdvisoryFacts {
        database: info,
        lockfile: file,
        scanned,
        not_covered,
        matches,
        history: Collected::absent("not examined by `cargo sdl advisories`"),
    })
}

/// (advisory id, package) → affected versions in one lockfile.
type Vulnerable = BTreeMap<(String, String), BTreeSet<String>>;

/// The default-registry packages of one past Cargo.lock, as (name, version): read with a line
/// scanner of the format Cargo writes (`[[package]]` tables of `key = "value"` lines), not a
/// full TOML parse, because a long history holds thousands of versions. A version that is not
/// in that format is unreadable (the history is then partial, and the rule says so); the
/// current lockfile is always read with the full parser. Capped like the file on disk, before
/// it is loaded.
fn registry_packages(
    repo: &gix::Repository,
    blob: gix::ObjectId,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<BTreeSet<(String, String)>, String> {
    let cap = crate::repo_fs::Limit::Lockfile.bytes();
    let header = repo.find_header(blob).map_err(|e| e.to_string())?;
    if header.size() > cap {
        return Err(format!(
            "larger than cargo-sdl reads for a Cargo.lock ({} bytes; the cap is {cap})",
            header.size()
        ));
    }
    let object = repo.find_object(blob).map_err(|e| e.to_string())?;
    let text = std::str::from_utf8(&object.data).map_err(|_| "not UTF-8".to_string())?;
    scan_lock(text, wanted)
}

/// The line scanner of [`registry_packages`]: every registry package of `text`.
#[cfg(test)]
pub(crate) fn scan_lock_packages(text: &str) -> Result<BTreeSet<(String, String)>, String> {
    scan_lock(text, &|_| true)
}

/// The registry packages of `text` whose names are `wanted` (the whole text is checked all the
/// same: a version in another format is unreadable whatever it holds).
fn scan_lock(
    text: &str,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<BTreeSet<(String, String)>, String> {
    #[derive(Default)]
    struct Entry<'t> {
        name: Option<&'t str>,
        version: Option<&'t str>,
        source: Option<&'t str>,
        line: usize,
    }
    let mut out = BTreeSet::new();
    let mut current: Option<Entry<'_>> = None;
    let mut finish = |e: Entry<'_>| -> Result<(), String> {
        let (Some(name), Some(version)) = (e.name, e.version) else {
            return Err(format!(
                "line {}: a [[package]] without a name or a version",
                e.line
            ));
        };
        if e.source.is_some_and(|s| CRATES_IO_SOURCES.contains(&s)) && wanted(name) {
            out.insert((name.to_string(), version.to_string()));
        }
        Ok(())
    };
    let mut tables = 0;
    let mut in_array = false;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if in_array {
            // Cargo writes an array (`dependencies = [`) one quoted string a line, and such a
            // string may hold `=` (a git source's `?branch=main`); anything else inside is not
            // its format.
            if line == "]" {
                in_array = false;
            } else if !(line.starts_with('"') && (line.ends_with("\",") || line.ends_with('"'))) {
                return Err(format!(
                    "line {}: an array item Cargo does not write",
                    n + 1
                ));
            }
            continue;
        }
        if line.starts_with('[') {
            if let Some(e) = current.take() {
                finish(e)?;
            }
            match line {
                "[[package]]" => {
                    tables += 1;
                    current = Some(Entry {
                        line: n + 1,
                        ..Entry::default()
                    });
                }
                // The other tables Cargo writes; anything else (`[[ package ]]`, a comment
                // after the header) is TOML Cargo accepts but does not write, and could hide
                // packages from this scanner.
                "[metadata]" | "[[patch.unused]]" => {}
                _ => return Err(format!("line {}: a table Cargo does not write", n + 1)),
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key_text = key.trim();
        if key_text.starts_with(['"', '\'']) {
            return Err(format!("line {}: a quoted key Cargo does not write", n + 1));
        }
        let Some(e) = current.as_mut() else {
            if key_text == "package" {
                return Err(format!(
                    "line {}: packages outside [[package]] tables",
                    n + 1
                ));
            }
            continue;
        };
        let slot = match key_text {
            "name" => &mut e.name,
            "version" => &mut e.version,
            "source" => &mut e.source,
            _ => {
                in_array = value.trim() == "[";
                continue;
            }
        };
        let value = value.trim();
        let Some(inner) = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .filter(|v| !v.contains(['"', '\\']))
        else {
            return Err(format!(
                "line {}: `{}` is not a plain string as Cargo writes it",
                n + 1,
                key.trim()
            ));
        };
        if slot.replace(inner).is_some() {
            return Err(format!("line {}: `{}` given twice", n + 1, key.trim()));
        }
    }
    if let Some(e) = current.take() {
        finish(e)?;
    }
    // Every Cargo.lock holds at least the workspace's own package.
    if tables == 0 {
        return Err("no [[package]] table".to_string());
    }
    Ok(out)
}

/// How Cargo.lock names the crates.io registry: its git index, or the sparse protocol's.
const CRATES_IO_SOURCES: [&str; 2] = [
    "registry+https://github.com/rust-lang/crates.io-index",
    "sparse+https://index.crates.io/",
];

/// The vulnerabilities (not informational advisories) that affect one registry package
/// version; none when the name or version is not one RustSec can query.
fn vulnerabilities_of(db: &Database, name: &str, version: &str) -> Vec<String> {
    let (Ok(name), Ok(version)) = (
        name.parse::<rustsec::package::Name>(),
        rustsec::Version::parse(version),
    ) else {
        return Vec::new();
    };
    let query = Query::new()
        .collection(Collection::Crates)
        .withdrawn(false)
        .package_name(name)
        .package_version(version);
    db.query(&query)
        .into_iter()
        .filter(|a| {
            a.metadata
                .source
                .as_ref()
                .is_none_or(|s| s.is_default_registry())
                && a.metadata.informational.is_none()
        })
        .map(|a| a.metadata.id.to_string())
        .collect()
}

/// One version of Cargo.lock on the first-parent line: the oldest commit that had it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct LockVersion {
    commit: String,
    #[serde(with = "time::serde::timestamp")]
    time: OffsetDateTime,
    blob: String,
}

/// The versions of Cargo.lock on the first-parent line from HEAD, newest first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Timeline {
    path: String,
    head: String,
    shallow: bool,
    truncated: bool,
    versions: Vec<LockVersion>,
}

impl Timeline {
    /// What the history's facts depend on: not the head, which a commit that leaves Cargo.lock
    /// as it was moves without changing any version.
    fn digest(&self) -> Vec<u8> {
        serde_json::to_vec(&(&self.path, self.shallow, self.truncated, &self.versions))
            .unwrap_or_default()
    }
}

/// Read up to `depth` past versions of Cargo.lock, newest first. With a cache, the walk stops
/// at the head of the cached timeline (same path, same depth) and continues with its versions:
/// a rerun after new commits reads only those. `Err` is the history's fact when there is none.
fn lock_timeline(
    root: &Path,
    depth: usize,
    cache: Option<&Cache>,
) -> Result<Timeline, Collected<LockHistory>> {
    let Ok(repo) = super::discover_repository(root) else {
        return Err(Collected::absent(
            "the workspace is not in a git repository",
        ));
    };
    let Some(path) = super::cargo::repo_path(&repo, root, "Cargo.lock") else {
        return Err(Collected::absent("the workspace has no git work tree"));
    };
    let shallow = repo.is_shallow().unwrap_or(false);
    let head = match repo.head_id() {
        Ok(id) => id.detach(),
        Err(_) => return Err(Collected::absent("the repository has no commits")),
    };
    let key = Key::new(TIMELINE_SLOT)
        .str(&path)
        .str(&depth.to_string())
        .str(&MAX_COMMITS.to_string())
        .finish();
    // Only a complete, unshallow timeline is continued.
    let cached = cache
        .and_then(|c| c.get_json::<Timeline>(TIMELINE_SLOT, &key))
        .filter(|t| t.path == path && !t.shallow && !shallow && !t.truncated);
    let cached_head = cached
        .as_ref()
        .and_then(|t| gix::ObjectId::from_hex(t.head.as_bytes()).ok());
    let walk = match repo.rev_walk([head]).first_parent_only().all() {
        Ok(w) => w,
        Err(e) => {
            return Err(Collected::failed(format!(
                "walking the history of {path}: {e}"
            )));
        }
    };
    let mut versions: Vec<LockVersion> = Vec::new();
    let mut current: Option<LockVersion> = None;
    let mut truncated = false;
    let mut spliced = false;
    for (n, info) in walk.enumerate() {
        if n >= MAX_COMMITS {
            truncated = true;
            break;
        }
        let Ok(info) = info else {
            return Err(Collected::failed(format!(
                "walking the history of {path}: a commit cannot be read"
            )));
        };
        if Some(info.id) == cached_head
            && let Some(t) = cached.as_ref()
            && depth == usize::MAX
        {
            // The rest of the line is the cached timeline's: the run reaching it continues
            // with its oldest commit when the blob is the same.
            let mut rest = t.versions.iter().cloned();
            if let Some(first) = rest.next() {
                match current.take() {
                    Some(c) if c.blob == first.blob => versions.push(first),
                    Some(c) => {
                        versions.push(c);
                        versions.push(first);
                    }
                    None => versions.push(first),
                }
            } else if let Some(c) = current.take() {
                versions.push(c);
            }
            versions.extend(rest);
            spliced = true;
            break;
        }
        let Ok(commit) = info.object() else {
            return Err(Collected::failed(format!(
                "commit {} cannot be read",
                info.id
            )));
        };
        let blob = commit
            .tree()
            .ok()
            .and_then(|t| t.lookup_entry_by_path(&path).ok().flatten())
            .map(|e| e.object_id().to_string());
        let time = commit
            .time()
            .ok()
            .and_then(|t| OffsetDateTime::from_unix_timestamp(t.seconds).ok())
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        match (blob, current.as_mut()) {
            (Some(b), Some(c)) if c.blob == b => {
                c.commit = info.id.to_string();
                c.time = time;
            }
            (blob, _) => {
                if let Some(done) = current.take() {
                    versions.push(done);
                    if versions.len() >= depth {
                        truncated = blob.is_some();
                        break;
                    }
                }
                match blob {
                    Some(b) => {
                        current = Some(LockVersion {
                            commit: info.id.to_string(),
                            time,
                            blob: b,
                        })
                    }
                    // Before the lockfile was added: nothing older to read.
                    None => break,
                }
            }
        }
    }
    if !spliced && let Some(done) = current.take() {
        versions.push(done);
    }
    let timeline = Timeline {
        path,
        head: head.to_string(),
        shallow,
        truncated,
        versions,
    };
    if let Some(c) = cache
        && cached.as_ref() != Some(&timeline)
    {
        c.put_json(TIMELINE_SLOT, &key, &timeline);
    }
    Ok(timeline)
}

/// One (advisory id, package) of a lockfile version, with the affected versions.
type VulnerableEntry = ((String, String), BTreeSet<String>);

/// Each version's vulnerabilities under one database, by blob (the [`MATCHES_SLOT`] entry).
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct BlobMatches {
    blobs: BTreeMap<String, Result<Vec<VulnerableEntry>, String>>,
}

/// Read up to `depth` past versions of Cargo.lock and follow each vulnerability from the
/// lockfile that first had it to the one that no longer does (no cache).
pub fn lock_history(root: &Path, db: &Database, depth: usize) -> Collected<LockHistory> {
    match lock_timeline(root, depth, None) {
        Ok(t) => history_of(root, db, &t, Path::new(""), None),
        Err(c) => c,
    }
}

/// Follow each vulnerability through `timeline`, from the lockfile that first had it to the
/// one that no longer does.
fn history_of(
    root: &Path,
    db: &Database,
    timeline: &Timeline,
    db_path: &Path,
    cache: Option<&Cache>,
) -> Collected<LockHistory> {
    let Ok(repo) = super::discover_repository(root) else {
        return Collected::absent("the workspace is not in a git repository");
    };
    let versions = &timeline.versions;
    let (timeline_path, timeline_truncated, timeline_shallow) =
        (timeline.path.clone(), timeline.truncated, timeline.shallow);
    let key = cache.map(|_| {
        Key::new(MATCHES_SLOT)
            .bytes(&database_fingerprint(db_path))
            .finish()
    });
    let mut memo: BlobMatches = cache
        .zip(key.as_ref())
        .and_then(|(c, k)| c.get_json(MATCHES_SLOT, k))
        .unwrap_or_default();
    let before = memo.blobs.len();
    let mut unreadable = Vec::new();
    // Oldest first, each with its vulnerable (advisory, package) → versions. A lockfile often
    // returns to an earlier content (a revert), so each distinct blob is parsed once (and,
    // with a cache, once for all runs under the same database); and most packages stay from
    // one version to the next, so each (package, version) is looked up in the database once:
    // a version costs only the packages it introduced.
    // A package no advisory names has no vulnerability in any version: only the others are
    // kept from each lockfile and looked up.
    let named: HashSet<&str> = db.iter().map(|a| a.metadata.package.as_str()).collect();
    let wanted = |name: &str| named.contains(name);
    let mut looked_up: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut timeline: Vec<(&LockVersion, Vulnerable)> = Vec::new();
    for v in versions.iter().rev() {
        let vulnerable = memo.blobs.entry(v.blob.clone()).or_insert_with(|| {
            let blob = gix::ObjectId::from_hex(v.blob.as_bytes()).map_err(|e| e.to_string())?;
            let packages = registry_packages(&repo, blob, &wanted)?;
            let mut set = Vulnerable::new();
            for key in packages {
                let ids = looked_up
                    .entry(key.clone())
                    .or_insert_with(|| vulnerabilities_of(db, &key.0, &key.1));
                for id in ids.iter() {
                    set.entry((id.clone(), key.0.clone()))
                        .or_default()
                        .insert(key.1.clone());
                }
            }
            Ok(set.into_iter().collect())
        });
        match vulnerable {
            Ok(set) => timeline.push((v, set.iter().cloned().collect())),
            Err(e) => unreadable.push(format!("{}: {e}", short(&v.commit))),
        }
    }
    if let (Some(c), Some(k)) = (cache, &key)
        && memo.blobs.len() != before
    {
        c.put_json(MATCHES_SLOT, k, &memo);
    }
    let advisory_dates: BTreeMap<String, time::Date> = db
        .iter()
        .map(|a| (a.metadata.id.to_string(), date_of(&a.metadata.date)))
        .collect();
    let mut active: BTreeMap<(String, String), (&LockVersion, BTreeSet<String>)> = BTreeMap::new();
    let mut fixes = Vec::new();
    for (v, set) in &timeline {
        let gone: Vec<(String, String)> = active
            .keys()
            .filter(|k| !set.contains_key(*k))
            .cloned()
            .collect();
        for key in gone {
            let Some((introduced, old_versions)) = active.remove(&key) else {
                continue;
            };
            let adv_date = advisory_dates
                .get(&key.0)
                .copied()
                .unwrap_or(time::Date::MIN);
            let published = adv_date.midnight().assume_utc();
            let exposed_from = published.max(introduced.time);
            fixes.push(AdvisoryFix {
                id: key.0.clone(),
                package: key.1.clone(),
                version: old_versions.into_iter().collect::<Vec<_>>().join(", "),
                advisory_date: crate::timefmt::date(published),
                introduced: introduced.commit.clone(),
                introduced_at: crate::timefmt::rfc3339(introduced.time),
                fixed: v.commit.clone(),
                fixed_at: crate::timefmt::rfc3339(v.time),
                days_after_advisory: (v.time - published).whole_days(),
                days_exposed: (v.time - exposed_from).whole_days().max(0),
            });
        }
        for (key, vers) in set {
            active
                .entry(key.clone())
                .and_modify(|(_, old)| *old = vers.clone())
                .or_insert((v, vers.clone()));
        }
    }
    let open = active
        .into_iter()
        .map(|((id, package), (introduced, vers))| OpenAdvisory {
            advisory_date: advisory_dates
                .get(&id)
                .map(|d| crate::timefmt::date(d.midnight().assume_utc()))
                .unwrap_or_default(),
            id,
            package,
            version: vers.into_iter().collect::<Vec<_>>().join(", "),
            introduced: introduced.commit.clone(),
            introduced_at: crate::timefmt::rfc3339(introduced.time),
        })
        .collect();
    Collected::present(LockHistory {
        path: timeline_path,
        versions: versions.len(),
        truncated: timeline_truncated,
        shallow: timeline_shallow,
        unreadable,
        fixes,
        open,
    })
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The history's line scanner finds exactly the registry packages the full parser finds,
    /// on this repository's own lockfile and on a hand-made one with every shape Cargo writes.
    #[test]
    fn the_line_scanner_agrees_with_the_full_parser() {
        let own = include_str!("../../Cargo.lock");
        let made = "version = 4\n\n[[package]]\nname = \"local\"\nversion = \"0.1.0\"\n\
                    dependencies = [\n \"a\",\n]\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0+x\"\n\
                    source = \"registry+https://github.com/rust-lang/crates.io-index\"\n\
                    checksum = \"0000000000000000000000000000000000000000000000000000000000000001\"\n\n[[package]]\nname = \"b\"\nversion = \"2.0.0\"\n\
                    source = \"sparse+https://index.crates.io/\"\n\n[[package]]\nname = \"c\"\n\
                    version = \"3.0.0\"\nsource = \"git+https://example.org/c#abc\"\n\n[metadata]\n";
        // A dependency named with its git source, whose URL holds `=`: an array item, no key.
        let git = "version = 4\n\n[[package]]\nname = \"local\"\nversion = \"0.1.0\"\n\
                   dependencies = [\n \"d 0.1.0 (git+https://example.org/d?branch=main#abc)\",\n \"e\",\n]\n\n\
                   [[package]]\nname = \"d\"\nversion = \"0.1.0\"\n\
                   source = \"git+https://example.org/d?branch=main#abc\"\n\n\
                   [[package]]\nname = \"d\"\nversion = \"0.2.0\"\n\
                   source = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n\
                   [[package]]\nname = \"e\"\nversion = \"1.0.0\"\n\
                   source = \"registry+https://github.com/rust-lang/crates.io-index\"\n\
                   dependencies = [\n \"d 0.2.0\",\n]\n";
        for text in [own, made, git] {
            let full: BTreeSet<(String, String)> =
                crate::collect::cargo::parse_lockfile(text.as_bytes())
                    .unwrap()
                    .packages
                    .into_iter()
                    .filter(|p| p.source.as_ref().is_some_and(|s| s.is_default_registry()))
                    .map(|p| (p.name.to_string(), p.version.to_string()))
                    .collect();
            assert!(!full.is_empty());
            assert_eq!(scan_lock_packages(text).unwrap(), full);
        }
        // Not Cargo's own format: unreadable, never a silently shorter list.
        for bad in [
            "[[package]]\nname = \"a\"\n",
            // Valid TOML Cargo accepts but never writes: each once hid a vulnerable version
            // from the history (a review found them), so each is unreadable now.
            "[[ package ]]\nname = \"a\"\nversion = \"1\"\nsource = \"sparse+https://index.crates.io/\"\n",
            "[[package]] # c\nname = \"a\"\nversion = \"1\"\n",
            "[[package]]\nname = \"a\"\nversion = \"1\"\n\"source\" = \"sparse+https://index.crates.io/\"\n",
            "version = 4\npackage = [{ name = \"a\", version = \"1\" }]\n",
            "version = 4\n",
            "[[package]]\nname = 'a'\nversion = \"1\"\n",
            "[[package]]\nname = \"a\"\nname = \"b\"\nversion = \"1\"\n",
            // Keys where Cargo writes only the strings of an array.
            "[[package]]\nname = \"a\"\nversion = \"1\"\ndependencies = [\n\
             name = \"b\"\nversion = \"2\"\n]\n",
        ] {
            assert!(scan_lock_packages(bad).is_err(), "{bad}");
        }
    }
}
