//! How `cargo metadata` runs on an untrusted repository without running any of its code.
//!
//! Cargo and rustup both take programs from where they start: cargo reads `.cargo/config.toml`
//! in its current directory and every parent, and a rustup proxy (`cargo`, `rustc` on PATH)
//! picks its toolchain from `rust-toolchain(.toml)` found the same way. `cargo metadata` runs
//! rustc (`rustc -vV` and a target-info probe), so a repository could otherwise make it run
//! its own program. Four measures, each enough for some keys and together enough for all:
//!
//! 1. **A neutral current directory.** cargo metadata runs in `/` with `--manifest-path`, so
//!    cargo never loads the repository's cargo configuration (config discovery follows the
//!    current directory, not the manifest) and no proxy sees its toolchain file. This is the
//!    only defence against `[env]` (cargo applies it to the rustc probe, and `force = true`
//!    beats the environment: `LD_PRELOAD = { value = "evil.so", relative = true }` would run
//!    repository code inside the trusted rustc).
//! 2. **A trusted toolchain, by absolute path.** `CARGO`, which cargo sets for subcommands
//!    (unless it points into the repository), else the `cargo` of the sysroot that
//!    `rustc --print sysroot` reports when run from `/`; `RUSTC` names that sysroot's own
//!    `rustc` (asked of the rustc beside `CARGO` when there is one), so no rustup proxy runs
//!    in the repository and a `path = "..."` toolchain in it is never run. A toolchain pin
//!    the run did not follow is recorded in the facts.
//! 3. **Environment overrides**, which win over every configuration file (the operator's
//!    included, and any file a future cargo might read next to the manifest): empty
//!    `RUSTC_WRAPPER` and `RUSTC_WORKSPACE_WRAPPER` (cargo documents that an empty value
//!    disables a configured wrapper), `RUSTC` (wins over `build.rustc`), empty
//!    `CARGO_ENCODED_RUSTFLAGS` (wins over `RUSTFLAGS` and every `rustflags` key, which reach
//!    the rustc probe: `-Zcodegen-backend=lib.so` on a nightly loads a library),
//!    `CARGO_NET_GIT_FETCH_WITH_CLI=false`, and the built-in `cargo:token` for
//!    `registry.credential-provider`, `registry.global-credential-providers` and
//!    `registries.<name>.credential-provider` of every registry the repository's files name.
//! 4. **Values, not programs, passed back.** Resolution needs a few keys of the repository's
//!    configuration: registry index URLs (`registries.<name>.index`) and source replacement
//!    (`[source.<name>]`: `replace-with`, `registry`, `git`, `branch`, `tag`, `rev`, and
//!    `directory` / `local-registry` when inside the repository). They are read through
//!    [`repo_fs`](crate::repo_fs) and given to cargo with `--config`; every other key is
//!    listed in the facts as not applied.
//!
//! The rest of cargo's configuration reference, reviewed for cargo 1.95: `build.rustdoc`,
//! `target.<triple>.runner`, `target.<triple>.linker`, `target.<triple>.<links>` build-script
//! overrides, `doc.browser`, `alias.*` (an alias cannot shadow the built-in `metadata`) and
//! `cargo-new.vcs` name programs that `cargo metadata` never runs: it neither builds, links,
//! runs, documents nor creates packages. `build.target` (a target JSON), `paths`, `[patch]`,
//! `include` and `[unstable]` run nothing either; they are simply not loaded (a workspace that
//! needs them gets the Cargo.lock fallback). Neither is `http.*` or `net.*` passed on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::repo_fs::{self, Limit};

/// The directory cargo and rustc run in: holds no repository file, and only root can create
/// `/.cargo/config.toml` or `/rust-toolchain.toml` there.
pub(crate) const NEUTRAL_DIR: &str = "/";

/// The built-in credential provider that runs no program (tokens from `credentials.toml` or
/// `CARGO_REGISTRIES_<NAME>_TOKEN`).
const BUILT_IN_PROVIDER: &str = "cargo:token";

/// Keys of `[source.<name>]` passed through as strings.
const SOURCE_STRING_KEYS: &[&str] = &["replace-with", "registry", "git", "branch", "tag", "rev"];
/// Keys of `[source.<name>]` that name a directory, relative to the config file's folder's
/// parent; passed only when inside the repository.
const SOURCE_PATH_KEYS: &[&str] = &["directory", "local-registry"];

/// The toolchain cargo metadata runs with.
#[derive(Debug, Clone)]
pub struct Toolchain {
    pub cargo: PathBuf,
    pub rustc: PathBuf,
    /// `rustc -vV`.
    pub version: RustcVersion,
    /// Why `CARGO` was not used, when it was set but not trusted.
    pub note: Option<String>,
}

/// What `rustc -vV` says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RustcVersion {
    /// The first line, `rustc 1.95.0 (59807616e 2026-04-14)`.
    pub line: String,
    /// `1.95.0`, `1.96.0-nightly`, `1.96.0-beta.3`.
    pub release: String,
    /// `YYYY-MM-DD`, when known.
    pub commit_date: Option<String>,
    pub host: Option<String>,
}

impl RustcVersion {
    pub fn parse(text: &str) -> Option<RustcVersion> {
        let mut v = RustcVersion {
            line: text.lines().next()?.trim().to_string(),
            ..RustcVersion::default()
        };
        for line in text.lines() {
            if let Some((key, value)) = line.split_once(':') {
                let value = value.trim().to_string();
                match key.trim() {
                    "release" => v.release = value,
                    "commit-date" if value != "unknown" => v.commit_date = Some(value),
                    "host" => v.host = Some(value),
                    _ => {}
                }
            }
        }
        (!v.release.is_empty()).then_some(v)
    }
}

fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

/// True when `path` (resolved) lies inside `repo_root` (resolved).
fn inside(path: &Path, repo_root: &Path) -> bool {
    let real_root = repo_root
        .canonicalize()
        .unwrap_or_else(|_| repo_root.to_path_buf());
    let real = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    real.starts_with(&real_root)
}

/// Find a toolchain without consulting the repository at `repo_root`: `CARGO` when it is an
/// absolute path outside the repository, else the sysroot `rustc --print sysroot` reports
/// from [`NEUTRAL_DIR`].
pub(crate) fn trusted_toolchain(repo_root: &Path) -> Result<Toolchain, String> {
    let mut note = None;
    let from_env = std::env::var_os("CARGO").map(PathBuf::from).filter(|p| {
        let trusted = p.is_absolute() && p.is_file() && !inside(p, repo_root);
        if !trusted {
            note = Some(if inside(p, repo_root) {
                "CARGO names a program inside the repository (a toolchain the repository \
                 supplies); it was not run"
                    .to_string()
            } else {
                "CARGO is not an absolute path to a file; it was not used".to_string()
            });
        }
        trusted
    });
    // RUSTC is always the sysroot's own rustc, never a rustup proxy (cargo may start the
    // rustc probe in the workspace, where a proxy would read the repository's toolchain file).
    let probe = from_env
        .as_ref()
        .map(|cargo| cargo.with_file_name(exe("rustc")))
        .filter(|beside| beside.is_file())
        .unwrap_or_else(|| PathBuf::from("rustc"));
    let bin = sysroot(&probe, repo_root)?.join("bin");
    let rustc = bin.join(exe("rustc"));
    let cargo = from_env.unwrap_or_else(|| bin.join(exe("cargo")));
    for (what, p) in [("cargo", &cargo), ("rustc", &rustc)] {
        if !p.is_file() {
            return Err(format!(
                "no trusted toolchain: the {what} of the active toolchain was not found"
            ));
        }
    }
    let version = rustc_version(&rustc, repo_root)?;
    Ok(Toolchain {
        cargo,
        rustc,
        version,
        note,
    })
}

/// A `rustc` (or rustup proxy) run from the neutral directory, told nothing by the repository.
fn neutral_rustc(program: &Path, repo_root: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(NEUTRAL_DIR)
        .stdin(Stdio::null())
        .env_remove("RUSTC_WRAPPER")
        .env_remove("RUSTC_WORKSPACE_WRAPPER");
    // A toolchain named by path inside the repository (what a rustup proxy started there
    // passes on) is not followed.
    if let Some(tc) = std::env::var_os("RUSTUP_TOOLCHAIN") {
        let p = PathBuf::from(&tc);
        if p.components().count() > 1 && inside(&p, repo_root) {
            cmd.env_remove("RUSTUP_TOOLCHAIN");
        }
    }
    cmd
}

/// The sysroot `rustc` (the program `probe`, a proxy or not) reports from the neutral folder.
fn sysroot(probe: &Path, repo_root: &Path) -> Result<PathBuf, String> {
    let out = neutral_rustc(probe, repo_root)
        .args(["--print", "sysroot"])
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("no trusted toolchain: `rustc --print sysroot` could not run: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "no trusted toolchain: `rustc --print sysroot` failed: {}",
            first_line(&out.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let path = PathBuf::from(&text);
    if !path.is_absolute() || inside(&path, repo_root) {
        return Err(
            "no trusted toolchain: the active toolchain's sysroot lies inside the repository"
                .into(),
        );
    }
    Ok(path)
}

fn rustc_version(rustc: &Path, repo_root: &Path) -> Result<RustcVersion, String> {
    let out = neutral_rustc(rustc, repo_root)
        .arg("-vV")
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("no trusted toolchain: `rustc -vV` could not run: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "no trusted toolchain: `rustc -vV` failed: {}",
            first_line(&out.stderr)
        ));
    }
    RustcVersion::parse(&String::from_utf8_lossy(&out.stdout))
        .ok_or_else(|| "no trusted toolchain: `rustc -vV` printed no release".to_string())
}

fn first_line(bytes: &[u8]) -> String {
    crate::sanitize::terminal(
        String::from_utf8_lossy(bytes)
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("no message"),
    )
}

/// The environment that neutralises every program the cargo configuration could name (see the
/// module documentation), for a run that uses `toolchain` and knows of `registries`.
pub fn environment(
    toolchain: &Toolchain,
    registries: &[String],
) -> Vec<(String, Option<std::ffi::OsString>)> {
    let set = |k: &str, v: &str| (k.to_string(), Some(std::ffi::OsString::from(v)));
    let mut env = vec![
        (
            "RUSTC".to_string(),
            Some(toolchain.rustc.clone().into_os_string()),
        ),
        set("RUSTC_WRAPPER", ""),
        set("RUSTC_WORKSPACE_WRAPPER", ""),
        set("CARGO_ENCODED_RUSTFLAGS", ""),
        set("CARGO_NET_GIT_FETCH_WITH_CLI", "false"),
        set("CARGO_REGISTRY_CREDENTIAL_PROVIDER", BUILT_IN_PROVIDER),
        set(
            "CARGO_REGISTRY_GLOBAL_CREDENTIAL_PROVIDERS",
            BUILT_IN_PROVIDER,
        ),
        // The binaries are called by path; a proxy's choice must not leak into them.
        ("RUSTUP_TOOLCHAIN".to_string(), None),
    ];
    for name in registries {
        env.push(set(
            &format!(
                "CARGO_REGISTRIES_{}_CREDENTIAL_PROVIDER",
                name.to_ascii_uppercase().replace('-', "_")
            ),
            BUILT_IN_PROVIDER,
        ));
    }
    env
}

/// What of the repository's cargo configuration reaches cargo metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RepoCargoConfig {
    /// `--config KEY=VALUE` arguments: registry indexes and source replacement.
    pub config_args: Vec<String>,
    /// Registry names the files mention (their credential providers are overridden).
    pub registries: Vec<String>,
    /// `file: key` for every key that was not applied, and files that could not be read.
    pub not_applied: Vec<String>,
}

fn is_bare_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The folders from the repository's top down to the workspace root: where cargo, started in
/// the workspace, would have looked for configuration (outermost first, as later ones win).
fn folders(root: &Path, repo_root: &Path) -> Vec<String> {
    let real_top = repo_root
        .canonicalize()
        .unwrap_or_else(|_| repo_root.to_path_buf());
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if !real_root.starts_with(&real_top) {
        return vec![String::new()];
    }
    let mut out: Vec<String> = real_root
        .ancestors()
        .take_while(|d| d.starts_with(&real_top))
        .map(|d| repo_fs::relative(&real_top, d))
        .collect();
    out.reverse();
    out
}

fn join_rel(dir: &str, file: &str) -> String {
    if dir.is_empty() {
        file.to_string()
    } else {
        format!("{dir}/{file}")
    }
}

/// Read the repository's `.cargo/config.toml` and `.cargo/config` files (from the workspace
/// root up to the repository's top, through the checked reader) and keep what resolution needs.
pub(crate) fn repo_cargo_config(root: &Path, repo_root: &Path) -> RepoCargoConfig {
    let top = if inside(root, repo_root) {
        repo_root.to_path_buf()
    } else {
        root.to_path_buf()
    };
    let real_top = top.canonicalize().unwrap_or_else(|_| top.clone());
    let mut out = RepoCargoConfig::default();
    let mut registries: BTreeMap<String, String> = BTreeMap::new();
    let mut sources: BTreeMap<(String, String), String> = BTreeMap::new();
    for dir in folders(root, &top) {
        for name in [".cargo/config", ".cargo/config.toml"] {
            let rel = join_rel(&dir, name);
            let bytes = match repo_fs::read_optional(&top, &rel, Limit::Config) {
                Ok(Some(b)) => b,
                Ok(None) => continue,
                Err(e) => {
                    out.not_applied.push(format!("{rel}: {e}"));
                    continue;
                }
            };
            let table = match std::str::from_utf8(&bytes)
                .map_err(|_| "not UTF-8 text".to_string())
                .and_then(|t| {
                    t.parse::<toml::Table>()
                        .map_err(|e| e.message().to_string())
                }) {
                Ok(t) => t,
                Err(e) => {
                    out.not_applied.push(format!("{rel}: not read ({e})"));
                    continue;
                }
            };
            let base = real_top.join(&dir);
            for (key, value) in &table {
                match (key.as_str(), value.as_table()) {
                    ("registries", Some(regs)) => {
                        for (reg, settings) in regs {
                            if !is_bare_key(reg) {
                                out.not_applied.push(format!("{rel}: registries.{reg}"));
                                continue;
                            }
                            if !out.registries.contains(reg) {
                                out.registries.push(reg.clone());
                            }
                            for (k, v) in settings.as_table().into_iter().flatten() {
                                match (k.as_str(), v.as_str()) {
                                    ("index", Some(url)) => {
                                        registries.insert(reg.clone(), url.to_string());
                                    }
                                    _ => {
                                        out.not_applied.push(format!("{rel}: registries.{reg}.{k}"))
                                    }
                                }
                            }
                        }
                    }
                    ("source", Some(srcs)) => {
                        for (src, settings) in srcs {
                            for (k, v) in settings.as_table().into_iter().flatten() {
                                let shown = format!("{rel}: source.{src}.{k}");
                                let value = v.as_str().filter(|_| is_bare_key(src));
                                match value {
                                    Some(s) if SOURCE_STRING_KEYS.contains(&k.as_str()) => {
                                        sources.insert((src.clone(), k.clone()), s.to_string());
                                    }
                                    Some(s) if SOURCE_PATH_KEYS.contains(&k.as_str()) => {
                                        match base.join(s).canonicalize() {
                                            Ok(p) if p.starts_with(&real_top) && p.is_dir() => {
                                                sources.insert(
                                                    (src.clone(), k.clone()),
                                                    p.to_string_lossy().into_owned(),
                                                );
                                            }
                                            _ => out.not_applied.push(format!(
                                                "{shown} (not a folder inside the repository)"
                                            )),
                                        }
                                    }
                                    _ => out.not_applied.push(shown),
                                }
                            }
                        }
                    }
                    (_, Some(t)) if !t.is_empty() => {
                        out.not_applied
                            .extend(t.keys().map(|k| format!("{rel}: {key}.{k}")));
                    }
                    _ => out.not_applied.push(format!("{rel}: {key}")),
                }
            }
        }
    }
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    for (reg, url) in &registries {
        out.config_args
            .push(format!("registries.{reg}.index={}", quote(url)));
    }
    for ((src, key), value) in &sources {
        out.config_args
            .push(format!("source.{src}.{key}={}", quote(value)));
    }
    out
}

/// The repository's toolchain pin: the nearest `rust-toolchain` or `rust-toolchain.toml` from
/// the workspace root up to the repository's top, as rustup would find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pin {
    Channel { file: String, channel: String },
    Path { file: String, path: String },
    Unreadable { file: String, why: String },
}

pub fn toolchain_pin(root: &Path, repo_root: &Path) -> Option<Pin> {
    let top = if inside(root, repo_root) {
        repo_root
    } else {
        root
    };
    for dir in folders(root, top).into_iter().rev() {
        // rustup prefers the legacy name when both exist.
        for name in ["rust-toolchain", "rust-toolchain.toml"] {
            let file = join_rel(&dir, name);
            let bytes = match repo_fs::read_optional(top, &file, Limit::Config) {
                Ok(Some(b)) => b,
                Ok(None) => continue,
                Err(e) => {
                    return Some(Pin::Unreadable {
                        file,
                        why: e.to_string(),
                    });
                }
            };
            let text = String::from_utf8_lossy(&bytes).into_owned();
            return Some(match text.parse::<toml::Table>() {
                Ok(t) => {
                    let tc = t.get("toolchain");
                    let field = |k: &str| tc.and_then(|tc| tc.get(k)).and_then(|v| v.as_str());
                    match (field("path"), field("channel")) {
                        (Some(path), _) => Pin::Path {
                            file,
                            path: path.to_string(),
                        },
                        (None, Some(channel)) => Pin::Channel {
                            file,
                            channel: channel.to_string(),
                        },
                        (None, None) => Pin::Unreadable {
                            file,
                            why: "names neither a channel nor a path".into(),
                        },
                    }
                }
                Err(_) if name == "rust-toolchain" => {
                    match text.lines().map(str::trim).find(|l| !l.is_empty()) {
                        Some(channel) => Pin::Channel {
                            file,
                            channel: channel.to_string(),
                        },
                        None => Pin::Unreadable {
                            file,
                            why: "is empty".into(),
                        },
                    }
                }
                Err(e) => Pin::Unreadable {
                    file,
                    why: format!("is not valid TOML: {}", e.message().trim()),
                },
            });
        }
    }
    None
}

/// Whether the toolchain that ran is the one a channel pin names: `Some(true)` when it
/// matches, `Some(false)` when it does not, `None` when it cannot be told.
pub(crate) fn matches_channel(channel: &str, v: &RustcVersion) -> Option<bool> {
    let re = regex::Regex::new(
        r"^(stable|beta|nightly|\d+\.\d+(?:\.\d+)?)(?:-(\d{4}-\d{2}-\d{2}))?(?:-([A-Za-z0-9_.]+(?:-[A-Za-z0-9_.]+)+))?$",
    )
    .ok()?;
    let caps = re.captures(channel.trim())?;
    let name = caps.get(1)?.as_str();
    if let (Some(triple), Some(host)) = (caps.get(3), &v.host)
        && triple.as_str() != host
    {
        return Some(false);
    }
    let (version, pre) = match v.release.split_once('-') {
        Some((version, pre)) => (version, Some(pre)),
        None => (v.release.as_str(), None),
    };
    let channel_ok = match name {
        "stable" => pre.is_none(),
        "beta" => pre.is_some_and(|p| p.starts_with("beta")),
        "nightly" => pre.is_some_and(|p| p.starts_with("nightly")),
        number => {
            pre.is_none()
                && (version == number
                    || (number.matches('.').count() == 1
                        && version.starts_with(&format!("{number}."))))
        }
    };
    if !channel_ok {
        return Some(false);
    }
    match (caps.get(2), name) {
        (None, _) => Some(true),
        // A nightly is built the day before its date.
        (Some(date), "nightly") => {
            let fmt = time::macros::format_description!("[year]-[month]-[day]");
            let want = time::Date::parse(date.as_str(), &fmt).ok()?;
            let built = time::Date::parse(v.commit_date.as_deref()?, &fmt).ok()?;
            Some(built == want || built.next_day() == Some(want))
        }
        // A dated stable or beta names a release day, which rustc does not report.
        (Some(_), _) => None,
    }
}

/// One sentence for the facts: the pin, and whether the run honoured it.
pub(crate) fn describe_pin(pin: &Pin, ran: &RustcVersion) -> String {
    match pin {
        Pin::Path { file, path } => format!(
            "{file} names a toolchain by path (\"{path}\"), a program the repository can \
             supply; it was not run: cargo metadata ran with the trusted toolchain, {}",
            ran.line
        ),
        Pin::Channel { file, channel } => match matches_channel(channel, ran) {
            Some(true) => format!(
                "{file} pins \"{channel}\"; cargo metadata ran with {}, which matches it",
                ran.line
            ),
            Some(false) => format!(
                "{file} pins \"{channel}\", which was not honoured: cargo metadata ran with \
                 the trusted toolchain, {} (the repository does not choose the toolchain)",
                ran.line
            ),
            None => format!(
                "{file} pins \"{channel}\"; cargo metadata ran with the trusted toolchain, {}, \
                 whether that is the pinned one cannot be told",
                ran.line
            ),
        },
        Pin::Unreadable { file, why } => format!(
            "{file} {why}; cargo metadata ran with the trusted toolchain, {}",
            ran.line
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(release: &str, date: &str) -> RustcVersion {
        RustcVersion {
            line: format!("rustc {release}"),
            release: release.into(),
            commit_date: Some(date.into()),
            host: Some("x86_64-unknown-linux-gnu".into()),
        }
    }

    #[test]
    fn channel_pins_are_matched_against_the_toolchain_that_ran() {
        let stable = v("1.95.0", "2026-04-14");
        let nightly = v("1.97.0-nightly", "2026-06-01");
        assert_eq!(matches_channel("stable", &stable), Some(true));
        assert_eq!(matches_channel("1.95.0", &stable), Some(true));
        assert_eq!(matches_channel("1.95", &stable), Some(true));
        assert_eq!(matches_channel("1.9", &stable), Some(false));
        assert_eq!(matches_channel("1.80.0", &stable), Some(false));
        assert_eq!(matches_channel("nightly", &stable), Some(false));
        assert_eq!(matches_channel("nightly", &nightly), Some(true));
        assert_eq!(matches_channel("nightly-2026-06-02", &nightly), Some(true));
        assert_eq!(matches_channel("nightly-2020-01-01", &nightly), Some(false));
        assert_eq!(
            matches_channel("stable-x86_64-unknown-linux-gnu", &stable),
            Some(true)
        );
        assert_eq!(
            matches_channel("1.95.0-aarch64-apple-darwin", &stable),
            Some(false)
        );
        assert_eq!(matches_channel("stable-2026-04-14", &stable), None);
        assert_eq!(matches_channel("my-custom", &stable), None);
    }

    #[test]
    fn rustc_version_is_parsed() {
        let text = "rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\ncommit-hash: 59807616e\n\
                    commit-date: 2026-04-14\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\n";
        let v = RustcVersion::parse(text).unwrap();
        assert_eq!(v.line, "rustc 1.95.0 (59807616e 2026-04-14)");
        assert_eq!(v.release, "1.95.0");
        assert_eq!(v.commit_date.as_deref(), Some("2026-04-14"));
    }

    #[test]
    fn repository_cargo_config_passes_values_and_lists_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".cargo")).unwrap();
        std::fs::create_dir_all(dir.path().join("vendor")).unwrap();
        std::fs::write(
            dir.path().join(".cargo/config.toml"),
            r#"
[build]
rustc-wrapper = "./wrap.sh"
[env]
LD_PRELOAD = { value = "evil.so", relative = true, force = true }
[registries.my-reg]
index = "sparse+https://registry.example.org/index/"
credential-provider = ["./steal.sh"]
[source.crates-io]
replace-with = "vendored"
[source.vendored]
directory = "vendor"
[source.outside]
directory = "/etc"
"#,
        )
        .unwrap();
        let cfg = repo_cargo_config(dir.path(), dir.path());
        let real = dir.path().canonicalize().unwrap();
        assert_eq!(
            cfg.config_args,
            [
                "registries.my-reg.index=\"sparse+https://registry.example.org/index/\""
                    .to_string(),
                "source.crates-io.replace-with=\"vendored\"".to_string(),
                format!(
                    "source.vendored.directory={}",
                    toml::Value::String(real.join("vendor").to_string_lossy().into_owned())
                ),
            ]
        );
        assert_eq!(cfg.registries, ["my-reg"]);
        for key in [
            ".cargo/config.toml: build.rustc-wrapper",
            ".cargo/config.toml: env.LD_PRELOAD",
            ".cargo/config.toml: registries.my-reg.credential-provider",
            ".cargo/config.toml: source.outside.directory (not a folder inside the repository)",
        ] {
            assert!(cfg.not_applied.iter().any(|k| k == key), "{key}: {cfg:?}");
        }
        let env = environment(
            &Toolchain {
                cargo: "/x/cargo".into(),
                rustc: "/x/rustc".into(),
                version: RustcVersion::default(),
                note: None,
            },
            &cfg.registries,
        );
        assert!(
            env.iter()
                .any(|(k, v)| k == "CARGO_REGISTRIES_MY_REG_CREDENTIAL_PROVIDER"
                    && v.as_deref() == Some(std::ffi::OsStr::new("cargo:token")))
        );
    }

    #[test]
    fn toolchain_pins_are_found_like_rustup_finds_them() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(toolchain_pin(dir.path(), dir.path()), None);
        std::fs::write(
            dir.path().join("rust-toolchain.toml"),
            "[toolchain]\npath = \"tc\"\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("ws")).unwrap();
        assert_eq!(
            toolchain_pin(&dir.path().join("ws"), dir.path()),
            Some(Pin::Path {
                file: "rust-toolchain.toml".into(),
                path: "tc".into()
            })
        );
        std::fs::write(dir.path().join("ws/rust-toolchain"), "nightly-2020-01-01\n").unwrap();
        assert_eq!(
            toolchain_pin(&dir.path().join("ws"), dir.path()),
            Some(Pin::Channel {
                file: "ws/rust-toolchain".into(),
                channel: "nightly-2020-01-01".into()
            })
        );
    }
}
