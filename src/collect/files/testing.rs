//! The parsers of this collector over text instead of a repository, for the property tests
//! (`tests/properties.rs`); re-exported as `cargo_sdl::testing`. Not an API: the parsers stay
//! private and these wrappers change with them.

use super::{ci, codeowners, policy, sections, text, threats, yaml};
use crate::facts::FileRef;
use crate::facts::files::{
    Channel, CiFacts, CompositeAction, Mention, SecurityTxt, Statement, Substance, ThreatCounts,
    Workflow,
};

fn file(path: &str) -> FileRef {
    FileRef {
        path: path.to_string(),
        sha256: String::new(),
    }
}

/// What a security policy says: (channels, disclosure statements, time-frames).
pub fn security_policy(text: &str) -> (Vec<Channel>, Vec<Statement>, Vec<Statement>) {
    let c = policy::security_policy(text, "md", 1);
    (c.channels, c.statements.disclosure, c.statements.timeframes)
}

/// An RFC 9116 security.txt, as the collector reports it.
pub fn security_txt(text: &str) -> SecurityTxt {
    let c = policy::security_txt(text);
    SecurityTxt {
        file: file(".well-known/security.txt"),
        contacts: c.contacts,
        expires_raw: c.expires_raw,
        expires: c.expires,
        expires_line: c.expires_line,
        signed: c.signed,
        not_analysed: None,
    }
}

/// The first heading of a prose document.
pub fn document_title(text: &str) -> Option<String> {
    text::title(text)
}

/// Where a topic is named: (line, is a heading, the line's text, its section's anchor).
pub type TopicHit = (u32, bool, String, Option<String>);

/// Per SG topic: its first heading, else its first mention.
pub fn guideline_topics(text: &str) -> Vec<Option<TopicHit>> {
    let doc = text::Outline::new(text, "md");
    let heads = sections::headings(&doc);
    sections::topic_hits(&doc, &heads)
        .into_iter()
        .map(|hits| {
            hits.headings
                .into_iter()
                .chain(hits.mentions)
                .next()
                .map(|h| (h.line, h.heading, h.text, h.section.map(|s| s.anchor)))
        })
        .collect()
}

/// The substance of a prose document with extension `ext`, requirement ids collected.
pub fn document_substance(text: &str, ext: &str) -> Substance {
    text::substance(text, ext, true)
}

/// The threats a prose threat model enumerates.
pub fn prose_threats(text: &str) -> ThreatCounts {
    threats::prose(&text::Outline::new(text, "md"))
}

/// A stated capability security level: (level, line, matched text).
pub fn security_level(text: &str) -> Option<(u8, u32, String)> {
    policy::security_level(text)
}

/// One CODEOWNERS pattern as the anchored regular expression it is matched with.
pub fn codeowners_pattern(pattern: &str) -> Result<String, &'static str> {
    codeowners::pattern_regex(pattern)
}

/// CODEOWNERS coverage of `files`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeownersCoverage {
    pub rules: usize,
    pub covered: usize,
    pub uncovered_examples: Vec<String>,
    pub unsupported: Vec<Mention>,
}

pub fn codeowners_coverage(text: &str, files: &[String]) -> Result<CodeownersCoverage, String> {
    codeowners::coverage(text, files).map(|c| CodeownersCoverage {
        rules: c.rules,
        covered: c.covered,
        uncovered_examples: c.uncovered_examples,
        unsupported: c.unsupported,
    })
}

/// A GitHub workflow at `.github/workflows/ci.yml`, in a repository that also holds `files`
/// (path, text): the scripts, Makefiles and actions its steps may lead to.
pub fn workflow(text: &str, files: &[(&str, &str)]) -> Result<Workflow, String> {
    let mut all = vec![(".github/workflows/ci.yml", text)];
    all.extend_from_slice(files);
    let mut found = ci::testing::run(&all);
    match found.workflows.pop() {
        Some(w) => Ok(w),
        None => Err(found
            .facts
            .pipelines
            .pop()
            .and_then(|p| p.not_analysed)
            .unwrap_or_else(|| "not read".into())),
    }
}

/// Every CI reader over a repository of `files` (path, text).
pub fn ci(files: &[(&str, &str)]) -> CiFacts {
    ci::testing::run(files).facts
}

/// The `uses:` of a composite action.
pub fn composite_action(text: &str) -> Result<CompositeAction, String> {
    ci::composite_action(file(".github/actions/a/action.yml"), text)
}

/// A YAML node as the collector's tree holds it: scalars stay strings, aliases are expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlNode {
    /// 1-based line where the node starts.
    pub line: u32,
    pub value: YamlValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlValue {
    Scalar(String),
    Seq(Vec<YamlNode>),
    Map(Vec<(YamlNode, YamlNode)>),
}

/// The deepest nesting [`yaml_tree`] accepts.
pub const YAML_MAX_DEPTH: usize = yaml::MAX_DEPTH;

/// Parse the first YAML document of `text` (the tree workflows and Threagile models are read
/// from).
pub fn yaml_tree(text: &str) -> Result<YamlNode, String> {
    fn convert(node: &yaml::Node) -> YamlNode {
        YamlNode {
            line: node.line,
            value: match &node.value {
                yaml::Value::Scalar(s) => YamlValue::Scalar(s.clone()),
                yaml::Value::Seq(items) => YamlValue::Seq(items.iter().map(convert).collect()),
                yaml::Value::Map(entries) => YamlValue::Map(
                    entries
                        .iter()
                        .map(|(k, v)| (convert(k), convert(v)))
                        .collect(),
                ),
            },
        }
    }
    yaml::parse(text).map(|n| convert(&n))
}

/// The threats of an OWASP Threat Dragon model; `Ok(None)` for JSON that is not one.
pub fn threat_dragon(text: &str) -> Result<Option<ThreatCounts>, String> {
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    Ok(threats::is_threat_dragon(&json).then(|| threats::threat_dragon(&json)))
}

/// The risks of a Threagile model; `Ok(None)` for YAML that is not one.
pub fn threagile(text: &str) -> Result<Option<ThreatCounts>, String> {
    let doc = yaml::parse(text)?;
    Ok(threats::is_threagile(&doc).then(|| threats::threagile(&doc)))
}
