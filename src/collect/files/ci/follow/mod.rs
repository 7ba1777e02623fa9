//! Following a CI step's commands into the repository: `make` targets (recipes and
//! prerequisites, `$(MAKE) target` too), `just` recipes, `cargo xtask …` and
//! `cargo run -p xtask -- …`, repository scripts (`./ci/test.sh`, `bash scripts/x.sh`) and
//! cargo aliases of `.cargo/config.toml`. Each activity found keeps the chain of files and
//! lines that led to it; each reference that cannot be followed is recorded with the reason.
//!
//! Everything is bounded: the depth of a chain ([`MAX_DEPTH`]), the commands looked at per
//! pipeline ([`MAX_COMMANDS`]), the distinct files followed ([`MAX_FILES`], each read through
//! the collector's checked reader with its size cap). A make target, a script or a recipe
//! already on the chain is not entered again, so cycles end. Only listed repository files are
//! read; a path that is absolute or climbs out of the repository is refused, never opened.

mod cargo;
use cargo::Aliases;
mod just;
mod make;
mod shell;
mod xtask;
pub(super) use shell::Shell;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::commands::{self, Command};
use super::{Acc, link};
use crate::collect::files::{Repo, Text};
use crate::facts::FileRef;
#[cfg(test)]
use crate::facts::files::ActivityKind;
use crate::facts::files::{Activity, Link, UnresolvedKind};

/// How many files deep a chain may go (a CI step → make → script → … ).
pub(super) const MAX_DEPTH: usize = 12;
/// Commands looked at per pipeline; a hostile Makefile cannot keep the collector busy.
pub(super) const MAX_COMMANDS: usize = 20_000;
/// Distinct files followed into, over the whole collection.
pub(super) const MAX_FILES: usize = 200;

/// How a script's lines are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lang {
    /// Shell, PowerShell, batch: commands are followed.
    Shell,
    /// Another language (Python, …): its lines are only searched for commands.
    Other,
}

impl Lang {
    /// The language of a script, by its extension or its `#!` line.
    fn of(path: &str, text: &str) -> Lang {
        let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        let shebang = text.lines().next().filter(|l| l.starts_with("#!"));
        let other = |s: &str| {
            ["python", "ruby", "perl", "node", "deno"]
                .iter()
                .any(|i| s.contains(i))
        };
        match ext.as_deref() {
            Some("py" | "rb" | "pl" | "js" | "ts") => Lang::Other,
            _ if shebang.is_some_and(other) => Lang::Other,
            _ => Lang::Shell,
        }
    }
}

/// Where following is: the links so far, the working directory, and what is being followed.
#[derive(Debug, Clone)]
pub(super) struct Ctx {
    pub chain: Vec<Link>,
    /// Repository-relative working directory; "" is the root.
    pub cwd: String,
    depth: usize,
    /// Keys of the make targets, scripts, recipes, aliases on this chain.
    active: Vec<String>,
    /// The arguments the script being read was called with, when they are known.
    args: Option<Vec<String>>,
    /// How the shell that runs the text being read treats failures.
    pub shell: Shell,
}

impl Ctx {
    pub(super) fn root(cwd: &str) -> Ctx {
        Ctx {
            chain: Vec::new(),
            cwd: cwd.to_string(),
            depth: 0,
            active: Vec::new(),
            args: None,
            shell: Shell::ERREXIT,
        }
    }

    /// The same place, read as `shell` runs it.
    pub(super) fn run_by(&self, shell: Shell) -> Ctx {
        let mut next = self.clone();
        next.shell = shell;
        next
    }

    /// A step further: `key` enters the chain (None when it is on it already: a cycle).
    fn enter(&self, key: String) -> Option<Ctx> {
        if self.active.contains(&key) {
            return None;
        }
        let mut next = self.clone();
        next.active.push(key);
        next.depth += 1;
        Some(next)
    }

    fn with(&self, l: Link) -> Ctx {
        let mut next = self.clone();
        next.chain.push(l);
        next
    }

    /// Called with `args` (a script's `$@`).
    fn called(&self, args: &[String]) -> Ctx {
        let mut next = self.clone();
        next.args = Some(args.to_vec());
        next
    }

    /// `cmd` with the script's positional parameters (`"$@"`, `$*`, `$1`) replaced by the
    /// arguments it was called with, when they are known and plain.
    fn substitute(&self, cmd: &Command) -> Option<Command> {
        let args = self.args.as_ref()?;
        if !cmd.words.iter().any(|w| positional(w).is_some()) {
            return None;
        }
        let mut words = Vec::new();
        for w in &cmd.words {
            match positional(w) {
                Some(None) => words.extend(args.iter().cloned()),
                Some(Some(n)) => words.extend(args.get(n - 1).cloned()),
                None => words.push(w.clone()),
            }
        }
        Some(Command {
            words,
            ..cmd.clone()
        })
    }

    fn at(&self, cwd: &str) -> Ctx {
        let mut next = self.clone();
        next.cwd = cwd.to_string();
        next
    }
}

/// A file loaded for following, with the files it is made of (a Makefile and its includes).
struct Loaded<T> {
    value: T,
    files: Vec<FileRef>,
    /// References met while loading that could not be read: (where, why).
    unread: Vec<(Link, String)>,
}

type Cache<T> = RefCell<BTreeMap<String, Rc<Loaded<T>>>>;

/// Follows commands into the repository's files; caches what it parsed.
pub(in crate::collect::files) struct Follower<'r, 'a> {
    repo: &'r Repo<'a>,
    /// Pipeline files read as pipelines of their own (a Buildkite upload of one is static).
    pipelines: BTreeSet<String>,
    makefiles: Cache<make::Makefile>,
    justfiles: Cache<just::Justfile>,
    xtasks: Cache<xtask::Sources>,
    aliases: RefCell<Option<Rc<Loaded<Aliases>>>>,
    followed: RefCell<BTreeSet<String>>,
}

/// Path prefixes that name the repository root in CI systems' variables.
const ROOT_VARIABLES: &[&str] = &[
    "${{ github.workspace }}/",
    "${{github.workspace}}/",
    "$GITHUB_WORKSPACE/",
    "${GITHUB_WORKSPACE}/",
    "$CI_PROJECT_DIR/",
    "${CI_PROJECT_DIR}/",
    "$(Build.SourcesDirectory)/",
    "$(System.DefaultWorkingDirectory)/",
    "$BUILD_SOURCESDIRECTORY/",
    "$WORKSPACE/",
    "${WORKSPACE}/",
    "$BUILDKITE_BUILD_CHECKOUT_PATH/",
    "$CIRCLE_WORKING_DIRECTORY/",
    "~/project/",
];

/// Prefixes that name the working directory.
const CWD_VARIABLES: &[&str] = &["$(CURDIR)/", "${CURDIR}/", "$PWD/", "${PWD}/", "$(pwd)/"];

/// What a path in a command names.
enum Place {
    /// A repository-relative path (not necessarily listed).
    Repo(String),
    /// Build output (`target/…`): produced from the repository's code, not a script.
    BuildOutput,
    /// Not followed, and why.
    Refused(String),
}

/// `rel` taken from `cwd`, normalised; None when it climbs out of the repository.
pub(super) fn join(cwd: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = cwd.split('/').filter(|p| !p.is_empty()).collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The directory of a repository path ("" for the root).
pub(super) fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// What a path word of a command names, from `cwd`.
fn place(cwd: &str, word: &str) -> Place {
    let mut base = cwd;
    let mut rest = word;
    if let Some(r) = ROOT_VARIABLES.iter().find_map(|v| word.strip_prefix(v)) {
        base = "";
        rest = r;
    } else if let Some(r) = CWD_VARIABLES.iter().find_map(|v| word.strip_prefix(v)) {
        rest = r;
    }
    if rest.contains('$') || rest.starts_with('~') || rest.contains("{{") {
        return Place::Refused(
            "names a variable or the home folder, which is not known before run time".into(),
        );
    }
    if rest.starts_with('/') || rest.starts_with('\\') || rest.get(1..2) == Some(":") {
        return Place::Refused(
            "is an absolute path; only files of the repository are followed".into(),
        );
    }
    match join(base, &rest.replace('\\', "/")) {
        None => Place::Refused("leads outside the repository; not followed".into()),
        Some(p) if p == "target" || p.starts_with("target/") => Place::BuildOutput,
        Some(p) => Place::Repo(p),
    }
}

fn looks_like_path(word: &str) -> bool {
    (word.contains('/') || word.contains('\\'))
        && !word.starts_with('-')
        && !word.contains("://")
        && !word.starts_with("$(")
}

/// A word that is a positional parameter: all of them (`$@`, `$*`) or the n-th (`$1`).
fn positional(word: &str) -> Option<Option<usize>> {
    let name = word
        .strip_prefix("${")
        .and_then(|w| w.strip_suffix('}'))
        .or_else(|| word.strip_prefix('$'))?;
    match name {
        "@" | "*" => Some(None),
        n if n.len() == 1 && n != "0" => n.parse().ok().map(Some),
        _ => None,
    }
}

/// The shell functions defined so far: name → (file, its first line, body lines).
type Functions = BTreeMap<String, (FileRef, u32, Vec<commands::Line>)>;

/// Keep the first activity of each kind.
fn merge(out: &mut Vec<Activity>, more: Vec<Activity>) {
    for a in more {
        if !out.iter().any(|o| o.kind == a.kind) {
            out.push(a);
        }
    }
}

/// What a recipe line (or recipe) found: kept, or undecided for `ignored`, the reason its
/// failure does not count (a `-` prefix).
fn keep(acc: &mut Acc, out: &mut Vec<Activity>, found: Vec<Activity>, ignored: Option<&str>) {
    match ignored {
        Some(why) => acc.demote(found, why),
        None => merge(out, found),
    }
}

impl<'r, 'a> Follower<'r, 'a> {
    pub(in crate::collect::files) fn new(repo: &'r Repo<'a>) -> Self {
        Follower {
            repo,
            pipelines: BTreeSet::new(),
            makefiles: RefCell::new(BTreeMap::new()),
            justfiles: RefCell::new(BTreeMap::new()),
            xtasks: RefCell::new(BTreeMap::new()),
            aliases: RefCell::new(None),
            followed: RefCell::new(BTreeSet::new()),
        }
    }

    /// Files read as pipelines of their own.
    pub(super) fn set_pipelines(&mut self, paths: impl IntoIterator<Item = String>) {
        self.pipelines = paths.into_iter().collect();
    }

    pub(super) fn repo(&self) -> &'r Repo<'a> {
        self.repo
    }

    /// The activities of the script `text` that starts on `line` of `file`, run in `cwd`
    /// (repository-relative, "" for the root): one per kind, the first that shows it.
    pub(super) fn script(
        &self,
        acc: &mut Acc,
        file: &FileRef,
        line: u32,
        text: &str,
        cwd: &str,
        shell: Shell,
    ) -> Vec<Activity> {
        let ctx = Ctx::root(cwd).run_by(shell);
        self.block(acc, &ctx, file, line, text, Lang::Shell)
    }

    /// [`Follower::script`] after the links of `chain` (a composite action's step, an
    /// included template's line).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn script_after(
        &self,
        acc: &mut Acc,
        chain: &[Link],
        file: &FileRef,
        line: u32,
        text: &str,
        cwd: &str,
        shell: Shell,
    ) -> Vec<Activity> {
        let mut ctx = Ctx::root(cwd).run_by(shell);
        ctx.chain = chain.to_vec();
        self.block(acc, &ctx, file, line, text, Lang::Shell)
    }

    /// A repository script named by a CI file (Azure `filePath`, Jenkins `load`), from the
    /// step at the end of `chain`.
    pub(super) fn script_file(
        &self,
        acc: &mut Acc,
        chain: &[Link],
        word: &str,
        cwd: &str,
    ) -> Vec<Activity> {
        let mut ctx = Ctx::root(cwd);
        ctx.chain = chain.to_vec();
        self.run_script(acc, &ctx, word)
    }

    /// Read a listed file to follow it; failures are recorded against `chain`.
    fn read(&self, acc: &mut Acc, chain: &[Link], rel: &str) -> Option<Text> {
        {
            let followed = self.followed.borrow();
            if followed.len() >= MAX_FILES && !followed.contains(rel) {
                drop(followed);
                acc.unresolved(
                    UnresolvedKind::NotFollowed,
                    chain,
                    format!("{rel}: more than {MAX_FILES} files were followed; no more are read"),
                );
                return None;
            }
        }
        match self.repo.read(rel) {
            Ok(t) => {
                self.followed.borrow_mut().insert(rel.to_string());
                acc.read(&t.file);
                Some(t)
            }
            Err(e) => {
                if let Some(f) = &e.file {
                    acc.read(f);
                }
                acc.unresolved(
                    UnresolvedKind::NotFollowed,
                    chain,
                    format!("{rel} {}", e.reason),
                );
                None
            }
        }
    }

    /// The commands of a block of lines, classified and followed.
    fn block(
        &self,
        acc: &mut Acc,
        ctx: &Ctx,
        file: &FileRef,
        start: u32,
        text: &str,
        lang: Lang,
    ) -> Vec<Activity> {
        let mut functions = BTreeMap::new();
        self.lines_by(
            acc,
            ctx,
            file,
            start,
            commands::lines(text),
            lang,
            &mut functions,
        )
        .0
    }

    /// [`Follower::block`] over lines, with the shell functions defined so far, run by
    /// `ctx.shell`; the shell's options at the end (`set` may have changed them); and whether
    /// the lines end the shell (an unconditional `exit`), so that a function or sourced file
    /// that does ends its caller too.
    #[allow(clippy::too_many_arguments)]
    fn lines_by(
        &self,
        acc: &mut Acc,
        ctx: &Ctx,
        file: &FileRef,
        start: u32,
        lines: Vec<commands::Line>,
        lang: Lang,
        functions: &mut Functions,
    ) -> (Vec<Activity>, Shell, bool) {
        let mut out = Vec::new();
        if lang == Lang::Other {
            // A script in another language: its commands cannot be told from its text (a
            // string may be run, printed or only kept), so what it mentions is undecided.
            for l in lines {
                if is_prose(&l.text) {
                    continue;
                }
                let at = super::line_in(start, l.offset);
                for kind in commands::mentions(&l.text) {
                    let here = ctx.with(link(file, at, &l.text));
                    acc.undecided(
                        kind,
                        &here.chain,
                        "mentioned in a script that is not a shell script; whether it runs \
                         it is not read"
                            .to_string(),
                    );
                }
            }
            return (out, ctx.shell, false);
        }
        let mut cwd = ctx.cwd.clone();
        // Compound commands open at this line (`if`, `case`, loops, braces): an `exit` outside
        // all of them ends the script, and the lines after it never run.
        let mut depth: i64 = 0;
        let mut flow = shell::Flow::new(ctx.shell);
        let mut items: Vec<(commands::Line, Vec<Command>, Vec<String>)> = Vec::new();
        for item in commands::items(lines) {
            match item {
                commands::Item::Line(l) => {
                    let (cmds, trailing) = commands::parse(&l.text);
                    items.push((l, cmds, trailing));
                }
                commands::Item::Function { name, body } => {
                    functions.insert(name, (file.clone(), start, body));
                }
            }
        }
        // The block's status is its last command's: the one that decides when nothing else
        // stops it.
        let last = items.iter().rposition(|(_, cmds, _)| !cmds.is_empty());
        // What each command found, kept until the block is read: an operator after a compound
        // command (`{ cargo test; } || true`) decides about the commands before it.
        let mut seen: Vec<Judged> = Vec::new();
        let mut exited = false;
        'lines: for (n, (l, cmds, trailing)) in items.into_iter().enumerate() {
            if depth <= 0 && commands::exits(&l.text) {
                exited = true;
                break;
            }
            depth += commands::nesting(&l.text);
            let at = super::line_in(start, l.offset);
            let mut previous: Option<Command> = None;
            let uploads: Vec<bool> = cmds.iter().map(|c| c.piped && is_upload(c)).collect();
            let count = cmds.len();
            for i in 0..count {
                let cmd = &cmds[i];
                if !acc.tick(&ctx.chain) {
                    settle(acc, &mut out, seen, &flow);
                    return (out, flow.shell(), false);
                }
                let ends_block = |j: usize| Some(n) == last && j + 1 == count;
                let unreached = flow.judge(&cmds, i, &ends_block);
                // `trap cleanup EXIT`: the function's body is the trap's action.
                if cmd.program() == Some("trap")
                    && let Some((_, _, body)) = cmd.argv().get(1).and_then(|f| functions.get(f))
                {
                    let action: Vec<&str> = body.iter().map(|l| l.text.as_str()).collect();
                    flow.trap_action(&action.join("; "), &cmd.text);
                }
                let here = ctx.at(&cwd).with(link(file, at, &cmd.text));
                // What a command prints into `buildkite-agent pipeline upload` is a pipeline
                // generated at run time (the upload records it): its text is not run here.
                if uploads.get(i + 1) == Some(&true) {
                    previous = Some(cmd.clone());
                    seen.push(Judged::default());
                    continue;
                }
                let mut found = Vec::new();
                // A cargo alias of the repository runs in place of a subcommand of that name
                // that is not cargo's own (`clippy = "check"`): the alias is followed instead.
                let judged = ctx.substitute(cmd);
                if !self.shadowed(acc, &here.chain, cmd) && !self.elsewhere(&cwd, cmd) {
                    for (kind, unsure) in commands::judge(judged.as_ref().unwrap_or(cmd)) {
                        match unsure {
                            Some(why) => acc.undecided(kind, &here.chain, why),
                            None => found.push(Activity {
                                kind,
                                chain: here.chain.clone(),
                            }),
                        }
                    }
                }
                if let Some(next) = cd(cmd, &cwd) {
                    cwd = next;
                } else if let Some((f, first, body)) =
                    cmd.program().and_then(|p| functions.get(p)).cloned()
                {
                    // A shell function is run where it is called, by the shell as it is now.
                    let name = cmd.program().unwrap_or_default().to_string();
                    if let Some(inner) = here.enter(format!("fn:{}:{name}", f.path)) {
                        let mut scope = functions.clone();
                        let inner = inner.run_by(flow.shell());
                        let (activities, left, gone) =
                            self.lines_by(acc, &inner, &f, first, body, lang, &mut scope);
                        found.extend(activities);
                        flow.set_shell(left);
                        // `finish() { exit 0; }; finish; cargo test`: nothing after the call
                        // runs (wherever the call stands: if it may not run, what follows is
                        // unknown rather than a pass).
                        exited |= gone;
                    }
                } else if let Some(sourced) = sourced(cmd) {
                    // `. lib.sh`: its functions are defined here, and the options it sets stay.
                    if here.depth < MAX_DEPTH {
                        let args = &cmd.argv()[2..];
                        let (activities, left) = self.source_script(
                            acc,
                            &here.called(args).run_by(flow.shell()),
                            &sourced,
                            functions,
                        );
                        found.extend(activities);
                        if let Some((left, gone)) = left {
                            flow.set_shell(left);
                            exited |= gone;
                        }
                    }
                } else {
                    found.extend(self.command(acc, &here, cmd, previous.as_ref()));
                }
                seen.push(Judged {
                    found,
                    unreached,
                    line: ctx.at(&cwd).with(link(file, at, &l.text)).chain,
                    skip: here.chain.len(),
                    text: l.text.clone(),
                });
                previous = Some(cmd.clone());
                if exited {
                    break 'lines;
                }
            }
            flow.events(&trailing);
        }
        settle(acc, &mut out, seen, &flow);
        (out, flow.shell(), exited)
    }

    /// Whether `cmd`, run in `cwd`, is aimed at a folder that is neither the assessed
    /// workspace's nor one of its ancestors (`working-directory: other`,
    /// `--manifest-path other/Cargo.toml`): another project of the repository.
    fn elsewhere(&self, cwd: &str, cmd: &Command) -> bool {
        let workspace = self.repo.prefix.trim_end_matches('/');
        if workspace.is_empty() {
            return false;
        }
        let argv = cmd.argv();
        let manifest = argv.iter().enumerate().find_map(|(i, a)| {
            if a == "--manifest-path" {
                argv.get(i + 1).map(String::as_str)
            } else {
                a.strip_prefix("--manifest-path=")
            }
        });
        let folder = match manifest {
            Some(m) => match place(cwd, m) {
                Place::Repo(p) => dir_of(&p).to_string(),
                _ => return false,
            },
            None => cwd.to_string(),
        };
        let inside = |a: &str, b: &str| a.is_empty() || b == a || b.starts_with(&format!("{a}/"));
        !(inside(workspace, &folder) || inside(&folder, workspace))
    }

    /// Whether `cmd` is `cargo NAME …` where NAME is an alias of the repository's cargo
    /// configuration and not one of cargo's own commands (which aliases cannot replace).
    fn shadowed(&self, acc: &mut Acc, chain: &[Link], cmd: &Command) -> bool {
        let argv = cmd.argv();
        let Some(program) = argv.first() else {
            return false;
        };
        if !matches!(
            basename(program),
            "cargo" | "cargo.exe" | "cross" | "$CARGO" | "${CARGO}" | "$(CARGO)"
        ) {
            return false;
        }
        let args = &argv[1..];
        let Some(at) = commands::cargo_subcommand(args) else {
            return false;
        };
        let sub = args[at].as_str();
        !cargo::is_builtin(sub) && self.aliases(acc, chain).value.contains_key(sub)
    }

    /// Follow one simple command, if it leads into the repository.
    fn command(
        &self,
        acc: &mut Acc,
        ctx: &Ctx,
        cmd: &Command,
        previous: Option<&Command>,
    ) -> Vec<Activity> {
        let argv = cmd.argv();
        let Some(program) = argv.first() else {
            return Vec::new();
        };
        let name = basename(program);
        if is_upload(cmd) {
            self.upload(acc, ctx, cmd, &argv[3..], previous);
            return Vec::new();
        }
        if program.starts_with("${{") {
            acc.unresolved(
                UnresolvedKind::Dynamic,
                &ctx.chain,
                format!("the command `{program}` is known only at run time"),
            );
            return Vec::new();
        }
        let follows = matches!(
            name,
            "make"
                | "gmake"
                | "$(MAKE)"
                | "${MAKE}"
                | "$MAKE"
                | "just"
                | "cargo"
                | "cargo.exe"
                | "cross"
                | "$CARGO"
                | "${CARGO}"
                | "$(CARGO)"
                | "bash"
                | "sh"
                | "zsh"
                | "dash"
                | "ksh"
                | "source"
                | "."
                | "pwsh"
                | "powershell"
                | "python"
                | "python3"
        ) || looks_like_path(program);
        if !follows {
            return Vec::new();
        }
        if ctx.depth >= MAX_DEPTH {
            acc.unresolved(
                UnresolvedKind::NotFollowed,
                &ctx.chain,
                format!("followed {MAX_DEPTH} files deep; not further"),
            );
            return Vec::new();
        }
        let args = &argv[1..];
        match name {
            "make" | "gmake" | "$(MAKE)" | "${MAKE}" | "$MAKE" => self.make(acc, ctx, args),
            "just" => self.just(acc, ctx, args),
            "cargo" | "cargo.exe" | "cross" | "$CARGO" | "${CARGO}" | "$(CARGO)" => {
                self.cargo(acc, ctx, args)
            }
            "bash" | "sh" | "zsh" | "dash" | "ksh" => self.shell(acc, ctx, args),
            "source" | "." => match args.first() {
                Some(p) => self.run_script(acc, &ctx.called(&args[1..]), p),
                None => Vec::new(),
            },
            "pwsh" | "powershell" => self.powershell(acc, ctx, args),
            "python" | "python3" => match args.first() {
                Some(p) if !p.starts_with('-') && p.ends_with(".py") => {
                    self.run_script(acc, ctx, p)
                }
                _ => Vec::new(),
            },
            _ if program.starts_with('/') => {
                acc.unresolved(
                    UnresolvedKind::NotFollowed,
                    &ctx.chain,
                    format!(
                        "`{program}` is an absolute path; only files of the repository are followed"
                    ),
                );
                Vec::new()
            }
            _ => self.run_script(acc, &ctx.called(args), program),
        }
    }

    /// `bash [options] script` or `bash -c 'commands'`.
    fn shell(&self, acc: &mut Acc, ctx: &Ctx, args: &[String]) -> Vec<Activity> {
        let mut i = 0;
        while let Some(a) = args.get(i) {
            match a.as_str() {
                "-c" => {
                    return match args.get(i + 1) {
                        Some(s) => self.inline(acc, ctx, s),
                        None => Vec::new(),
                    };
                }
                "-o" | "+o" | "-O" | "+O" | "--rcfile" | "--init-file" => i += 2,
                a if a.starts_with('-') || a.starts_with('+') => i += 1,
                a => return self.run_script(acc, &ctx.called(&args[i + 1..]), a),
            }
        }
        Vec::new()
    }

    /// `pwsh -File script`, `pwsh -Command '…'`, `pwsh script.ps1`.
    fn powershell(&self, acc: &mut Acc, ctx: &Ctx, args: &[String]) -> Vec<Activity> {
        let mut i = 0;
        while let Some(a) = args.get(i) {
            let lower = a.to_ascii_lowercase();
            match lower.as_str() {
                "-file" | "-f" => {
                    return match args.get(i + 1) {
                        Some(p) => self.run_script(acc, ctx, p),
                        None => Vec::new(),
                    };
                }
                "-command" | "-c" => {
                    return match args.get(i + 1) {
                        Some(s) => self.inline(acc, ctx, s),
                        None => Vec::new(),
                    };
                }
                "-executionpolicy" | "-ep" | "-workingdirectory" | "-wd" => i += 2,
                a if a.starts_with('-') => i += 1,
                _ => return self.run_script(acc, ctx, a),
            }
        }
        Vec::new()
    }

    /// Commands given as a string (`bash -c '…'`), on the line of the command that holds them.
    fn inline(&self, acc: &mut Acc, ctx: &Ctx, text: &str) -> Vec<Activity> {
        let Some(last) = ctx.chain.last().cloned() else {
            return Vec::new();
        };
        let Some(inner) = ctx.enter(format!("inline:{}:{}:{text}", last.file.path, last.line))
        else {
            return Vec::new();
        };
        // Every command of the string keeps the line of the one that holds it. `sh -c` stops
        // at nothing: the string's status is its last command's.
        let one_line = text.replace('\n', "; ");
        let inner = inner.run_by(Shell::PLAIN);
        self.block(acc, &inner, &last.file, last.line, &one_line, Lang::Shell)
    }

    /// A repository script run as a program or by an interpreter.
    fn run_script(&self, acc: &mut Acc, ctx: &Ctx, word: &str) -> Vec<Activity> {
        self.script_in(acc, ctx, word, &mut BTreeMap::new(), false)
            .0
    }

    /// `. lib.sh`: a repository script read into the running shell, which keeps its
    /// functions and the options it sets (None when it was not read).
    fn source_script(
        &self,
        acc: &mut Acc,
        ctx: &Ctx,
        word: &str,
        functions: &mut Functions,
    ) -> (Vec<Activity>, Option<(Shell, bool)>) {
        self.script_in(acc, ctx, word, functions, true)
    }

    /// A repository script, run as a program (its own shell, by its `#!` line) or sourced
    /// (`sourced`: the running shell, `ctx.shell`).
    fn script_in(
        &self,
        acc: &mut Acc,
        ctx: &Ctx,
        word: &str,
        functions: &mut Functions,
        sourced: bool,
    ) -> (Vec<Activity>, Option<(Shell, bool)>) {
        let path = match place(&ctx.cwd, word) {
            Place::Repo(p) => p,
            Place::BuildOutput => return (Vec::new(), None),
            Place::Refused(why) => {
                acc.unresolved(
                    UnresolvedKind::NotFollowed,
                    &ctx.chain,
                    format!("`{word}` {why}"),
                );
                return (Vec::new(), None);
            }
        };
        if !self.repo.has(&path) {
            acc.unresolved(
                UnresolvedKind::NotFollowed,
                &ctx.chain,
                format!("`{word}` is not a file of the repository ({path})"),
            );
            return (Vec::new(), None);
        }
        let Some(inner) = ctx.enter(format!("script:{path}")) else {
            return (Vec::new(), None);
        };
        let Some(t) = self.read(acc, &ctx.chain, &path) else {
            return (Vec::new(), None);
        };
        let lang = Lang::of(&path, &t.text);
        let inner = if sourced {
            inner
        } else {
            inner.run_by(Shell::of_script(&t.text))
        };
        let (found, left, gone) = self.lines_by(
            acc,
            &inner,
            &t.file,
            1,
            commands::lines(&t.text),
            lang,
            functions,
        );
        (found, Some((left, gone && sourced)))
    }

    /// `buildkite-agent pipeline upload [file]`: a file of the repository is static (read as a
    /// pipeline of its own); the output of a command, or a file that is not in the
    /// repository, is a pipeline generated at run time.
    fn upload(
        &self,
        acc: &mut Acc,
        ctx: &Ctx,
        cmd: &Command,
        args: &[String],
        previous: Option<&Command>,
    ) {
        let mut file = None;
        let mut i = 0;
        while let Some(a) = args.get(i) {
            match a.as_str() {
                "--format"
                | "--job"
                | "--agent-access-token"
                | "--redacted-vars"
                | "--jwks-file"
                | "--jwks-key-id"
                | "--signing-key-path" => i += 2,
                a if a.starts_with('-') => i += 1,
                a => {
                    file = Some(a.to_string());
                    break;
                }
            }
        }
        match file {
            Some(f) => match place(&ctx.cwd, &f) {
                Place::Repo(p) if self.repo.has(&p) => {
                    if !self.pipelines.contains(&p) {
                        acc.unresolved(
                            UnresolvedKind::NotFollowed,
                            &ctx.chain,
                            format!(
                                "uploads {p}, which is not where cargo-sdl reads Buildkite \
                                 pipelines (.buildkite/)"
                            ),
                        );
                    }
                }
                _ => acc.unresolved(
                    UnresolvedKind::Dynamic,
                    &ctx.chain,
                    format!(
                        "uploads `{f}`, which is not a file of the repository: the pipeline is \
                         generated at run time"
                    ),
                ),
            },
            None if cmd.piped => acc.unresolved(
                UnresolvedKind::Dynamic,
                &ctx.chain,
                match previous {
                    Some(p) => format!(
                        "uploads the pipeline that `{}` prints at run time",
                        super::clip(&p.text)
                    ),
                    None => "uploads a pipeline generated at run time".to_string(),
                },
            ),
            // Without a file, the agent uploads .buildkite/pipeline.yml and the like, which are
            // read as pipelines of their own.
            None => {}
        }
    }
}

/// A line of a script in another language that mentions a command without running it: a
/// comment, or text printed or logged.
fn is_prose(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#')
        || t.starts_with("//")
        || t.starts_with("--")
        || [
            "print", "puts", "say ", "console.", "log", "logger", "logging", "warn", "echo",
        ]
        .iter()
        .any(|p| t.starts_with(p))
}

/// The script `. path` or `source path` reads into the running shell.
fn sourced(cmd: &Command) -> Option<String> {
    let argv = cmd.argv();
    match argv.first().map(String::as_str) {
        Some("." | "source") => argv.get(1).cloned(),
        _ => None,
    }
}

/// `buildkite-agent pipeline upload …`.
fn is_upload(cmd: &Command) -> bool {
    let argv = cmd.argv();
    argv.first()
        .is_some_and(|p| basename(p) == "buildkite-agent")
        && argv.get(1).map(String::as_str) == Some("pipeline")
        && argv.get(2).map(String::as_str) == Some("upload")
}

/// `cd DIR` (or `pushd DIR`): the new working directory; the root when it cannot be known.
fn cd(cmd: &Command, cwd: &str) -> Option<String> {
    let argv = cmd.argv();
    match argv.first().map(String::as_str) {
        Some("cd" | "pushd" | "Set-Location" | "chdir") => {}
        Some("popd") => return Some(String::new()),
        _ => return None,
    }
    let target = argv[1..].iter().find(|a| !a.starts_with('-'));
    Some(match target {
        None => String::new(),
        Some(t) => match place(cwd, t) {
            Place::Repo(p) => p,
            _ => String::new(),
        },
    })
}

#[cfg(test)]
mod tests;

/// What a command of a block found, and why its failure may not reach the block's status.
#[derive(Default)]
struct Judged {
    found: Vec<Activity>,
    unreached: Option<String>,
    /// The chain to the command's line, and how many links of `found`'s chains lead to the
    /// command itself.
    line: Vec<Link>,
    skip: usize,
    text: String,
}

/// Count what the commands of a block found, in order, unless their failure does not reach
/// the block's status (`cargo test || true`): then the whole line is cited as undecided.
fn settle(acc: &mut Acc, out: &mut Vec<Activity>, judged: Vec<Judged>, flow: &shell::Flow) {
    for (id, j) in judged.into_iter().enumerate() {
        match j.unreached.as_ref().or(flow.late(id)) {
            Some(why) => {
                for a in j.found {
                    let mut chain = j.line.clone();
                    chain.extend(a.chain.into_iter().skip(j.skip));
                    acc.undecided(
                        a.kind,
                        &chain,
                        format!("`{}`: {why}", super::clip(j.text.trim())),
                    );
                }
            }
            None => merge(out, j.found),
        }
    }
}
