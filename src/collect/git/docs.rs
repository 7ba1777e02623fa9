//! The last change of a few document paths, without diffing trees: walking newest first, a
//! commit changed a path when the blob id at that path differs from its parent's (from every
//! parent's, for a merge, as `git log -- path` simplifies history). Lookups are memoised per
//! (tree, depth), so commits that did not touch a directory cost one root-tree read, and the
//! walk stops once every document is found.

use std::collections::HashMap;

use gix::ObjectId;
use gix::objs::FindExt;

use super::walk::Graph;
use super::{Error, rfc3339};
use crate::facts::git::DocumentHistory;

/// The last change of each of `paths`, and for those also in `added_for` the commit that added
/// it ([`DocumentHistory::added_commit`]).
pub(crate) fn history(
    repo: &gix::Repository,
    graph: &Graph,
    head: u32,
    paths: &[String],
    added_for: &[String],
) -> Result<Vec<DocumentHistory>, Error> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let mut lookup = Lookup {
        repo,
        memo: HashMap::new(),
        buf: Vec::new(),
    };
    let mut out: Vec<DocumentHistory> = paths
        .iter()
        .map(|p| DocumentHistory {
            path: p.clone(),
            ..Default::default()
        })
        .collect();
    let components: Vec<Vec<&[u8]>> = paths
        .iter()
        .map(|p| {
            p.split('/')
                .filter(|c| !c.is_empty())
                .map(str::as_bytes)
                .collect()
        })
        .collect();
    let head_tree = graph.nodes[head as usize].tree;
    for (i, comps) in components.iter().enumerate() {
        if added_for.contains(&paths[i]) {
            match adding_commit(&mut lookup, graph, head, i, comps)? {
                Ok(n) => out[i].added_commit = Some(graph.id(n)),
                Err(why) => out[i].added_note = Some(why),
            }
        }
    }
    let mut pending: Vec<usize> = Vec::new();
    for (i, comps) in components.iter().enumerate() {
        if lookup.blob(head_tree, i, comps)?.is_some() {
            pending.push(i);
        } else {
            out[i].note = Some("not in the tree of the walked head: not committed yet".into());
        }
    }
    if pending.is_empty() {
        return Ok(out);
    }
    let mut order = graph.reachable(&[head], &[]);
    order.sort_by(|&a, &b| {
        let (na, nb) = (&graph.nodes[a as usize], &graph.nodes[b as usize]);
        nb.committer_time
            .cmp(&na.committer_time)
            .then(nb.generation.cmp(&na.generation))
    });
    for n in order {
        if pending.is_empty() {
            break;
        }
        let node = &graph.nodes[n as usize];
        let mut found = Vec::new();
        for &i in &pending {
            let comps = &components[i];
            let Some(blob) = lookup.blob(node.tree, i, comps)? else {
                continue;
            };
            let parents = graph.parents(n);
            let changed = if parents.is_empty() {
                true
            } else {
                let mut changed = true;
                for &p in parents {
                    if lookup.blob(graph.nodes[p as usize].tree, i, comps)? == Some(blob) {
                        changed = false;
                        break;
                    }
                }
                changed
            };
            if changed {
                out[i].last_commit = Some(graph.id(n));
                out[i].last_changed = Some(rfc3339(node.committer_time));
                if node.shallow {
                    out[i].note = Some(
                        "at the shallow boundary: the real last change may be older or newer \
                         than shown"
                            .into(),
                    );
                }
                found.push(i);
            }
        }
        pending.retain(|i| !found.contains(i));
    }
    Ok(out)
}

/// The commit that added document `doc`: going back from `head` only through commits whose
/// tree has the path, the commits none of whose parents has it; the oldest of them (by
/// committer time) when merges brought in more than one. A file deleted and added again was
/// added by its latest addition: the search stops where it was absent. `Err` says why it is
/// not known: not in the head's tree, or the search reached a shallow boundary (the clone does
/// not hold the parents that would tell).
fn adding_commit(
    lookup: &mut Lookup<'_>,
    graph: &Graph,
    head: u32,
    doc: usize,
    comps: &[&[u8]],
) -> Result<Result<u32, String>, Error> {
    if lookup
        .blob(graph.nodes[head as usize].tree, doc, comps)?
        .is_none()
    {
        return Ok(Err(
            "not in the tree of the walked head: not committed yet".into()
        ));
    }
    let mut seen = vec![false; graph.len()];
    seen[head as usize] = true;
    let mut stack = vec![head];
    let mut added: Option<u32> = None;
    while let Some(n) = stack.pop() {
        let node = &graph.nodes[n as usize];
        if node.shallow {
            return Ok(Err(format!(
                "the history is shallow: the commit that added it lies beyond the clone's \
                 boundary ({}); fetch the full history (fetch-depth: 0)",
                graph.id(n)
            )));
        }
        let mut any_parent_has_it = false;
        for &p in graph.parents(n) {
            if lookup
                .blob(graph.nodes[p as usize].tree, doc, comps)?
                .is_some()
            {
                any_parent_has_it = true;
                if !seen[p as usize] {
                    seen[p as usize] = true;
                    stack.push(p);
                }
            }
        }
        if !any_parent_has_it {
            let older = |a: u32, b: u32| {
                let (x, y) = (&graph.nodes[a as usize], &graph.nodes[b as usize]);
                (x.committer_time, x.generation) < (y.committer_time, y.generation)
            };
            added = Some(match added {
                Some(a) if older(a, n) => a,
                _ => n,
            });
        }
    }
    Ok(added.ok_or_else(|| "no commit of the walked history added it".to_string()))
}

struct Lookup<'r> {
    repo: &'r gix::Repository,
    /// (tree, document, depth) → the object at the document's remaining path components.
    memo: HashMap<(ObjectId, usize, usize), Option<ObjectId>>,
    buf: Vec<u8>,
}

impl Lookup<'_> {
    /// The object at `comps` below `root`, one tree per component without recursion: git sets
    /// no limit on a path's depth, and a recursive descent overflowed the stack.
    fn blob(
        &mut self,
        root: ObjectId,
        doc: usize,
        comps: &[&[u8]],
    ) -> Result<Option<ObjectId>, Error> {
        let mut visited: Vec<(ObjectId, usize)> = Vec::new();
        let (mut tree, mut depth) = (root, 0);
        let result = loop {
            if let Some(hit) = self.memo.get(&(tree, doc, depth)) {
                break *hit;
            }
            let Some(name) = comps.get(depth) else {
                break None;
            };
            visited.push((tree, depth));
            let last = depth + 1 == comps.len();
            let entry = {
                let iter = self
                    .repo
                    .objects
                    .find_tree_iter(&tree, &mut self.buf)
                    .map_err(|e| Error::object("tree", &tree, e))?;
                let mut found = None;
                for e in iter {
                    let e = e.map_err(|err| Error::Corrupt {
                        id: tree.to_string(),
                        message: err.to_string(),
                    })?;
                    if e.filename == *name {
                        found = Some((e.oid.to_owned(), e.mode.is_tree()));
                        break;
                    }
                }
                found
            };
            match entry {
                Some((oid, is_tree)) if last => break (!is_tree).then_some(oid),
                Some((oid, true)) => {
                    tree = oid;
                    depth += 1;
                }
                _ => break None,
            }
        };
        // Every tree on the way leads to the same answer.
        for (tree, depth) in visited {
            self.memo.insert((tree, doc, depth), result);
        }
        Ok(result)
    }
}
