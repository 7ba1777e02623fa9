//! The RustSec advisory collector: an offline database (never fetched), the workspace's
//! Cargo.lock, and the first-parent history of Cargo.lock for SUM-5 response times.

use std::collections::{BTreeMap, BTreeSet};
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

/// Past Cargo.lock versions read when the configuration does not say.
pub const DEFAULT_HISTORY_DEPTH: usize = 200;
/// Commits walked at most, whatever the depth: keeps huge histories bounded.
const MAX_COMMITS: usize = 50_000;

/// How to get a database, for messages when none is found.
pub const HOW_TO_GET_A_DATABASE: &str = "get one with `cargo audit fetch` (kept in \
     $CARGO_HOME/advisory-db) or `git clone https://github.com/rustsec/advisory-db`, then pass \
     --advisory-db PATH or set `[advisories] db` in sdl.toml";

/// Where the database comes from: `--advisory-db`, then `[advisories] db`, then CARGO_HOME.
pub fn locate_database(
    root: &Path,
    config: &Config,
    cli: Option<&Path>,
) -> Result<Option<(PathBuf, &'static str)>, String> {
    if let Some(p) = cli {
        if !p.join("crates").is_dir() {
            return Err(format!(
                "--advisory-db {}: not an advisory database (no crates/ directory)",
                p.display()
            ));
        }
        return Ok(Some((p.to_path_buf(), "--advisory-db")));
    }
    if let Some(db) = &config.advisories.db {
        let p = root.join(db);
        if !p.join("crates").is_dir() {
            return Err(format!(
                "[advisories] db = \"{db}\": not an advisory database (no crates/ directory \
                 under {})",
                p.display()
            ));
        }
        return Ok(Some((p, "sdl.toml [advisories] db")));
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let Some(home) = cargo_home else {
        return Ok(None);
    };
    let audit = home.join("advisory-db");
    if audit.join("crates").is_dir() {
        return Ok(Some((audit, "CARGO_HOME (cargo-audit)")));
    }
    if let Ok(entries) = std::fs::read_dir(home.join("advisory-dbs")) {
        let mut dirs: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("crates").is_dir())
            .collect();
        dirs.sort();
        if let Some(d) = dirs.into_iter().next() {
            return Ok(Some((d, "CARGO_HOME (cargo-deny)")));
        }
    }
    Ok(None)
}

/// Open the database at `path` and find its date. A broken advisory file is named.
pub fn open_database(path: &Path, origin: &str) -> Result<(Database, AdvisoryDatabase), String> {
    let db = Database::open(path).map_err(|e| {
        let culprits = broken_advisories(path);
        if culprits.is_empty() {
            format!("advisory database {}: {e}", path.display())
        } else {
            format!(
                "advisory database {}: cannot be loaded: {}",
                path.display(),
                culprits.join("; ")
            )
        }
    })?;
    let mut info = AdvisoryDatabase {
        path: path.display().to_string(),
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

/// A `SNAPSHOT` file beside an exported copy: `commit <id>` and `date <RFC 3339>` lines.
fn snapshot_date(path: &Path) -> Option<(Option<String>, OffsetDateTime)> {
    let text = std::fs::read_to_string(path.join("SNAPSHOT")).ok()?;
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

/// Packages checked, packages RustSec cannot speak for, and the matching advisories.
pub fn scan(db: &Database, lock: &Lockfile) -> (usize, Vec<String>, Vec<AdvisoryMatch>) {
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
        let query = Query::new()
            .collection(Collection::Crates)
            .withdrawn(false)
            .package_name(p.name.clone())
            .package_version(p.version.clone());
        for a in db.query(&query) {
            if a.metadata
                .source
                .as_ref()
                .is_some_and(|s| !s.is_default_registry())
            {
                continue;
            }
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

/// Collect advisory facts for the workspace at `root`.
pub fn collect(root: &Path, config: &Config, cli_db: Option<&Path>) -> Collected<AdvisoryFacts> {
    let (db_path, origin) = match locate_database(root, config, cli_db) {
        Ok(Some(found)) => found,
        Ok(None) => {
            return Collected::absent(format!(
                "no RustSec advisory database found; {HOW_TO_GET_A_DATABASE}"
            ));
        }
        Err(e) => return Collected::failed(e),
    };
    let lock = match super::cargo::read_lockfile(root) {
        Ok(Some(l)) => l,
        Ok(None) => return Collected::absent("there is no Cargo.lock to check"),
        Err(e) => return Collected::failed(e),
    };
    let (db, info) = match open_database(&db_path, origin) {
        Ok(x) => x,
        Err(e) => return Collected::failed(e),
    };
    let (scanned, not_covered, matches) = scan(&db, &lock.1);
    let depth = config
        .advisories
        .history_depth
        .map_or(DEFAULT_HISTORY_DEPTH, |d| d as usize);
    let history = lock_history(root, &db, depth);
    Collected::present(AdvisoryFacts {
        database: info,
        lockfile: lock.0,
        scanned,
        not_covered,
        matches,
        history,
    })
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

/// One version of Cargo.lock on the first-parent line: the oldest commit that had it.
struct LockVersion {
    commit: String,
    time: OffsetDateTime,
    blob: gix::ObjectId,
}

/// Read up to `depth` past versions of Cargo.lock and follow each vulnerability from the
/// lockfile that first had it to the one that no longer does.
pub fn lock_history(root: &Path, db: &Database, depth: usize) -> Collected<LockHistory> {
    let Ok(repo) = super::discover_repository(root) else {
        return Collected::absent("the workspace is not in a git repository");
    };
    let Some(path) = super::cargo::repo_path(&repo, root, "Cargo.lock") else {
        return Collected::absent("the workspace has no git work tree");
    };
    let shallow = repo.is_shallow().unwrap_or(false);
    let head = match repo.head_id() {
        Ok(id) => id,
        Err(_) => return Collected::absent("the repository has no commits"),
    };
    let walk = match repo.rev_walk([head.detach()]).first_parent_only().all() {
        Ok(w) => w,
        Err(e) => return Collected::failed(format!("walking the history of {path}: {e}")),
    };
    let mut versions: Vec<LockVersion> = Vec::new();
    let mut current: Option<LockVersion> = None;
    let mut truncated = false;
    for (n, info) in walk.enumerate() {
        if n >= MAX_COMMITS {
            truncated = true;
            break;
        }
        let Ok(info) = info else {
            return Collected::failed(format!(
                "walking the history of {path}: a commit cannot be read"
            ));
        };
        let Ok(commit) = info.object() else {
            return Collected::failed(format!("commit {} cannot be read", info.id));
        };
        let blob = commit
            .tree()
            .ok()
            .and_then(|t| t.lookup_entry_by_path(&path).ok().flatten())
            .map(|e| e.object_id());
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
    if let Some(done) = current.take() {
        versions.push(done);
    }
    let mut unreadable = Vec::new();
    // Oldest first, each with its vulnerable (advisory, package) → versions.
    let mut timeline: Vec<(&LockVersion, Vulnerable)> = Vec::new();
    for v in versions.iter().rev() {
        let parsed = repo
            .find_object(v.blob)
            .map_err(|e| e.to_string())
            .and_then(|o| super::cargo::parse_lockfile(&o.data));
        match parsed {
            Ok(lock) => {
                let (_, _, matches) = scan(db, &lock);
                let mut set = Vulnerable::new();
                for m in matches
                    .into_iter()
                    .filter(|m| m.kind == AdvisoryKind::Vulnerability)
                {
                    set.entry((m.id, m.package)).or_default().insert(m.version);
                }
                timeline.push((v, set));
            }
            Err(e) => unreadable.push(format!("{}: {e}", short(&v.commit))),
        }
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
        path,
        versions: versions.len(),
        truncated,
        shallow,
        unreadable,
        fixes,
        open,
    })
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}
