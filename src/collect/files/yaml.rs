//! A YAML tree that remembers the line of every node, so that workflow facts can point at the
//! line they came from. Scalars stay strings: `on:` is an event name, not a boolean.

use std::collections::BTreeMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// Aliases may nest; this bounds the "billion laughs" expansion.
const MAX_NODES: usize = 200_000;
/// Collections nested deeper than this are refused: the tree is dropped, cloned and compared
/// recursively, and `- - - …` nests a block sequence per two bytes (yaml-rust2 bounds only
/// flow nesting). Below yaml-rust2's flow limit (255), so any tree can be written back as flow.
pub(super) const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Scalar(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Node {
    pub(super) value: Value,
    /// 1-based line where the node starts; for a `|` or `>` block scalar, the line of its
    /// first text line.
    pub(super) line: u32,
}

impl Node {
    pub(super) fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub(super) fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub(super) fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub(super) fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    pub(super) fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }
}

enum Frame {
    Seq(u32, Vec<Node>, usize),
    Map(u32, Vec<(Node, Node)>, Option<Node>, usize),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    docs: Vec<Node>,
    anchors: BTreeMap<usize, Node>,
    nodes: usize,
    error: Option<String>,
}

impl Builder {
    fn push(&mut self, node: Node, anchor: usize) {
        self.nodes += 1;
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            Some(Frame::Seq(_, items, _)) => items.push(node),
            Some(Frame::Map(_, entries, key, _)) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => *key = Some(node),
            },
            None => self.docs.push(node),
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        if self.nodes > MAX_NODES {
            self.error = Some(format!("more than {MAX_NODES} YAML nodes"));
            return;
        }
        let line = u32::try_from(mark.line()).unwrap_or(u32::MAX);
        match ev {
            Event::Scalar(s, _, anchor, _) => {
                self.push(
                    Node {
                        value: Value::Scalar(s),
                        line,
                    },
                    anchor,
                );
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some(node) => {
                    // Count what the alias expands to, so nested aliases cannot blow up memory
                    // nor, each adding its own depth, nest the tree deeper than MAX_DEPTH.
                    let (size, height) = measure(node);
                    if self.nodes.saturating_add(size) > MAX_NODES {
                        self.error = Some(format!(
                            "line {line}: aliases expand beyond {MAX_NODES} nodes"
                        ));
                        return;
                    }
                    if self.stack.len() + height > MAX_DEPTH {
                        self.error = Some(format!(
                            "line {line}: aliases nest collections deeper than {MAX_DEPTH} levels"
                        ));
                        return;
                    }
                    self.nodes += size - 1;
                    let node = node.clone();
                    self.push(node, 0);
                }
                None => self.error = Some(format!("line {line}: unknown alias")),
            },
            Event::SequenceStart(..) | Event::MappingStart(..) if self.stack.len() >= MAX_DEPTH => {
                self.error = Some(format!(
                    "line {line}: collections nested deeper than {MAX_DEPTH} levels"
                ));
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq(line, vec![], anchor)),
            Event::MappingStart(anchor, _) => {
                self.stack.push(Frame::Map(line, vec![], None, anchor))
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq(line, items, anchor)) => (
                        Node {
                            value: Value::Seq(items),
                            line,
                        },
                        anchor,
                    ),
                    Some(Frame::Map(line, entries, _, anchor)) => (
                        Node {
                            value: Value::Map(entries),
                            line,
                        },
                        anchor,
                    ),
                    None => return,
                };
                self.push(node, anchor);
            }
            _ => {}
        }
    }
}

/// The number of nodes in a tree and how many collections deep it nests, without recursion.
fn measure(node: &Node) -> (usize, usize) {
    let (mut count, mut height) = (0, 0);
    let mut stack = vec![(node, 0)];
    while let Some((n, level)) = stack.pop() {
        count += 1;
        match &n.value {
            Value::Scalar(_) => {}
            Value::Seq(items) => {
                height = height.max(level + 1);
                stack.extend(items.iter().map(|i| (i, level + 1)));
            }
            Value::Map(entries) => {
                height = height.max(level + 1);
                stack.extend(
                    entries
                        .iter()
                        .flat_map(|(k, v)| [(k, level + 1), (v, level + 1)]),
                );
            }
        }
        if count > MAX_NODES {
            break;
        }
    }
    (count, height)
}

/// Parse the first document of `text`; an empty file is an empty map.
pub(super) fn parse(text: &str) -> Result<Node, String> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    // Events are pulled one by one rather than with `Parser::load`, which recurses once per
    // nesting level (a stack overflow on `- - - …`) and cannot be stopped by the receiver.
    while builder.error.is_none() {
        let (event, mark) = parser.next_token().map_err(|e| e.to_string())?;
        match event {
            Event::StreamEnd | Event::DocumentEnd => break,
            event => builder.on_event(event, mark),
        }
    }
    if let Some(e) = builder.error {
        return Err(e);
    }
    Ok(builder.docs.into_iter().next().unwrap_or(Node {
        value: Value::Map(vec![]),
        line: 1,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_lines_and_strings() {
        let doc = parse("name: CI\non:\n  push:\njobs:\n  test:\n    steps:\n      - run: |\n          cargo test\n").unwrap();
        assert_eq!(doc.get("name").unwrap().as_str(), Some("CI"));
        assert_eq!(doc.get("on").unwrap().line, 3);
        let step = &doc
            .get("jobs")
            .unwrap()
            .get("test")
            .unwrap()
            .get("steps")
            .unwrap()
            .items()[0];
        let run = step.get("run").unwrap();
        assert_eq!(run.as_str(), Some("cargo test\n"));
        assert_eq!(run.line, 8);
    }

    #[test]
    fn resolves_aliases_and_rejects_garbage() {
        let doc = parse("a: &x\n  k: v\nb: *x\n").unwrap();
        assert_eq!(doc.get("b").unwrap().get("k").unwrap().as_str(), Some("v"));
        assert!(parse("jobs: [\n").is_err());
        // "Billion laughs": nine levels of tenfold aliases.
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse(&bomb).unwrap_err();
        assert!(err.contains("aliases expand beyond"), "{err}");
    }

    /// `- - - … x` nests a block sequence every two bytes; a deep enough tree overflowed the
    /// stack when it was dropped (an abort, not even a panic).
    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep = format!("{}x\n", "- ".repeat(200_000));
        let err = parse(&deep).unwrap_err();
        assert!(err.contains("nested deeper than"), "{err}");
        let mut map = String::new();
        for i in 0..=MAX_DEPTH {
            map.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
        }
        assert!(parse(&map).is_err());
        // At the limit itself the tree is read.
        let ok = format!("{}x\n", "- ".repeat(MAX_DEPTH));
        let mut node = &parse(&ok).unwrap();
        for _ in 0..MAX_DEPTH {
            node = &node.items()[0];
        }
        assert_eq!(node.as_str(), Some("x"));
    }

    /// Each alias may carry a tree as deep as the limit; chained, they nested the tree far
    /// deeper than any text does.
    #[test]
    fn aliases_cannot_nest_deeper_than_the_limit() {
        let half = MAX_DEPTH / 2;
        let mut text = format!("a0: &a0 {}x{}\n", "[".repeat(half), "]".repeat(half));
        for i in 1..8 {
            text.push_str(&format!(
                "a{i}: &a{i} {}*a{}{}\n",
                "[".repeat(half),
                i - 1,
                "]".repeat(half)
            ));
        }
        let err = parse(&text).unwrap_err();
        assert!(err.contains("aliases nest"), "{err}");
        // Up to the limit, aliases expand as before.
        let ok = format!(
            "a: &a {}x{}\nb: {}*a{}\n",
            "[".repeat(half),
            "]".repeat(half),
            "[".repeat(MAX_DEPTH - half - 1),
            "]".repeat(MAX_DEPTH - half - 1)
        );
        parse(&ok).unwrap();
    }
}
