//! `cargo sdl discover`: the candidates for `sdl.toml` designations — sections elsewhere in the
//! documentation whose heading names a document kind or a guideline topic that has no evidence
//! — printed as commented-out `sdl.toml` lines for a person to read and confirm. It designates
//! nothing by itself: a heading is a lead, never evidence.

use serde::Serialize;

use crate::cli::{Format, GlobalOptions};
use crate::collect;
use crate::facts::Collected;
use crate::facts::files::{Basis, Candidate, FileFacts};
use crate::sanitize::terminal;

use super::RunOutcome;

pub fn run(global: &GlobalOptions) -> anyhow::Result<RunOutcome> {
    let (ws, config) = super::load_workspace(global)?;
    let facts = match collect::files::collect(&ws.root, &config) {
        Collected::Present { value } => value,
        Collected::Absent { reason } => anyhow::bail!("the repository's files: {reason}"),
        Collected::Failed { error } => anyhow::bail!("the repository's files: {error}"),
    };
    let stdout = match global.format {
        Format::Json => json(&facts)?,
        Format::Human | Format::Markdown => proposals(&facts),
    };
    Ok(RunOutcome::output(stdout))
}

/// One candidate as `discover --format json` prints it.
#[derive(Serialize)]
struct Proposal<'a> {
    /// `documents.threat-model`, `guidelines.disposal`.
    key: &'a str,
    path: &'a str,
    line: u32,
    /// The matched line, as written.
    text: &'a str,
    words: usize,
    /// The value that designates it: `path#anchor` (relative to the workspace's folder);
    /// absent when the file lies outside that folder, which `sdl.toml` cannot designate.
    #[serde(skip_serializing_if = "Option::is_none")]
    designation: Option<String>,
    /// The `sdl.toml` line that would designate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    toml: Option<String>,
}

fn json(facts: &FileFacts) -> anyhow::Result<String> {
    let proposals: Vec<Proposal<'_>> = facts
        .candidates
        .iter()
        .map(|c| Proposal {
            key: &c.key,
            path: &c.file.path,
            line: c.line,
            text: &c.text,
            words: c.words,
            designation: c.designation(),
            toml: c.toml_line(),
        })
        .collect();
    // Through the one JSON writer: no raw control or bidi character from a heading.
    crate::render::json::pretty(&serde_json::json!({ "candidates": proposals }))
}

/// The candidates as commented-out `sdl.toml` lines, grouped by table, after what already
/// counts as evidence. Every line is a comment, so that pasting the whole text designates
/// nothing: a person uncomments what they have read and found right.
pub fn proposals(facts: &FileFacts) -> String {
    let mut out = String::from(
        "# cargo sdl discover: sections whose heading names a document kind or a guideline topic\n\
         # that has no evidence. None counts until a person designates it in sdl.toml: read each\n\
         # section, then uncomment the table line and the lines that are right (several for one\n\
         # key go into a list: key = [\"a.md#x\", \"b.md#y\"]).\n",
    );
    let evidence = evidence(facts);
    if !evidence.is_empty() {
        out.push_str("#\n# Already evidence:\n");
        for line in evidence {
            out.push_str(&format!("#   {line}\n"));
        }
    }
    if facts.candidates.is_empty() {
        out.push_str(
            "#\n# No candidates: no heading outside the conventional security documents names a\n\
             # document kind or a guideline topic that lacks evidence.\n",
        );
        return out;
    }
    out.push_str(&candidate_lines(facts, |table| format!("# [{table}]")));
    out
}

/// The block `init` appends to the sdl.toml it writes when the documentation has candidates:
/// comments only, to be moved under their table and uncommented by a person.
pub fn init_block(facts: &FileFacts) -> Option<String> {
    if facts.candidates.is_empty() {
        return None;
    }
    let mut out = String::from(
        "\n# Candidates found by `cargo sdl init` (`cargo sdl discover` lists them again): sections\n\
         # whose heading names a document kind or a guideline topic that has no evidence. None\n\
         # counts until a person designates it: read each section, then move the lines that are\n\
         # right under their table above ([guidelines] is a table of its own) and uncomment them.\n",
    );
    out.push_str(&candidate_lines(facts, |table| format!("# for [{table}]:")));
    Some(out)
}

/// Per table, each candidate: where it is, then the commented line that would designate it.
fn candidate_lines(facts: &FileFacts, header: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    for table in ["documents", "guidelines"] {
        let of_table: Vec<&Candidate> = facts
            .candidates
            .iter()
            .filter(|c| c.key.split_once('.').map(|(t, _)| t) == Some(table))
            .collect();
        if of_table.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{}\n", header(table)));
        for c in of_table {
            let key = c.key.split_once('.').map_or(c.key.as_str(), |(_, k)| k);
            out.push_str(&format!(
                "# {}:{} \"{}\" ({} words)\n",
                terminal(&c.file.path),
                c.line,
                terminal(&c.text),
                c.words,
            ));
            out.push_str(&match c.designation() {
                Some(d) => format!("# {key} = {}\n", crate::facts::files::toml_string(&d)),
                None => "#   (outside the workspace's folder: sdl.toml cannot designate it)\n"
                    .to_string(),
            });
        }
    }
    out
}

/// What counts already: the documents and guideline sections, each with why.
fn evidence(facts: &FileFacts) -> Vec<String> {
    let basis = |b: Basis| match b {
        Basis::Designated => "designated in sdl.toml",
        Basis::Conventional => "at a conventional place",
    };
    let mut out: Vec<String> = facts
        .documents
        .iter()
        .map(|d| match &d.section {
            Some(s) => format!(
                "{}: {}:{} \"{}\" ({})",
                d.kind,
                terminal(&d.file.path),
                s.line,
                terminal(&s.heading),
                basis(d.basis)
            ),
            None => format!(
                "{}: {} ({})",
                d.kind,
                terminal(&d.file.path),
                basis(d.basis)
            ),
        })
        .collect();
    out.extend(facts.guidelines.topics.iter().filter_map(|t| {
        let m = t.found.as_ref()?;
        Some(format!(
            "guidelines.{} ({}): {}:{} \"{}\" ({})",
            t.topic,
            t.requirement,
            terminal(&m.file.path),
            m.line,
            terminal(&m.text),
            basis(m.basis)
        ))
    }));
    out
}
