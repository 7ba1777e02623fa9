//! The history walk: every commit reachable from the tips is read exactly once and reduced to a
//! small fixed-size record, so that release windows, scopes and first-parent lines are computed
//! in memory afterwards instead of walking the object database again for each of them.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use gix::ObjectId;
use gix::objs::FindExt;

use super::message::{self, Independence};
use super::sshsig::{AllowedSigners, NAMESPACE, Verdict};
use super::{Error, Progress};

/// Signature formats, as stored in [`Node::signature`].
pub(crate) mod sig {
    pub(crate) const NONE: u8 = 0;
    pub(crate) const OPENPGP: u8 = 1;
    pub(crate) const SSH: u8 = 2;
    pub(crate) const X509: u8 = 3;
    pub(crate) const OTHER: u8 = 4;

    /// The format of a parsed signature.
    pub(crate) fn of_format(format: gix::objs::signature::Format) -> u8 {
        match format {
            gix::objs::signature::Format::OpenPgp => OPENPGP,
            gix::objs::signature::Format::Ssh => SSH,
            gix::objs::signature::Format::X509 => X509,
        }
    }

    /// The format of an armored signature as it stands in a `gpgsig` header.
    pub(crate) fn of_armor(armored: &[u8]) -> u8 {
        gix::objs::signature::Format::from_signature(armored.trim_ascii_start())
            .map_or(OTHER, of_format)
    }

    pub(crate) fn name(format: u8) -> Option<&'static str> {
        match format {
            OPENPGP => Some("openpgp"),
            SSH => Some("ssh"),
            X509 => Some("x509"),
            OTHER => Some("other"),
            _ => None,
        }
    }
}

/// One commit, reduced.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) committer_time: i64,
    pub(crate) author_time: i64,
    pub(crate) tree: ObjectId,
    /// Interned mailmap-resolved `name <email>`.
    pub(crate) author: u32,
    parents_start: u32,
    parents_len: u32,
    /// Longest path to a root, plus one: a commit's ancestors all have a smaller one.
    pub(crate) generation: u32,
    pub(crate) signature: u8,
    pub(crate) verdict: Option<Verdict>,
    pub(crate) markers: u8,
    pub(crate) independence: Independence,
    pub(crate) trailers: u16,
    /// Index into [`Graph::advisories`] when the message names an advisory.
    pub(crate) advisories: Option<u32>,
    /// A shallow boundary: its parents are not in the repository.
    pub(crate) shallow: bool,
    visited: bool,
}

/// The reachable commit graph.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    pub(crate) ids: Vec<ObjectId>,
    pub(crate) nodes: Vec<Node>,
    parents: Vec<u32>,
    index: gix::hashtable::HashMap<ObjectId, u32>,
    pub(crate) authors: usize,
    /// The mailmap-resolved `name <email>` of each interned author.
    author_keys: Vec<Vec<u8>>,
    /// Advisory ids per commit that names any.
    pub(crate) advisories: Vec<Vec<String>>,
}

const PLACEHOLDER: Node = Node {
    committer_time: 0,
    author_time: 0,
    tree: ObjectId::null(gix::hash::Kind::Sha1),
    author: 0,
    parents_start: 0,
    parents_len: 0,
    generation: 0,
    signature: sig::NONE,
    verdict: None,
    markers: 0,
    independence: Independence::Unknown,
    trailers: 0,
    advisories: None,
    shallow: false,
    visited: false,
};

impl Graph {
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    pub(crate) fn get(&self, id: &ObjectId) -> Option<u32> {
        self.index.get(id).copied()
    }

    pub(crate) fn parents(&self, n: u32) -> &[u32] {
        let node = &self.nodes[n as usize];
        &self.parents[node.parents_start as usize..(node.parents_start + node.parents_len) as usize]
    }

    pub(crate) fn id(&self, n: u32) -> String {
        self.ids[n as usize].to_string()
    }

    fn intern(&mut self, id: ObjectId, stack: &mut Vec<u32>) -> u32 {
        if let Some(&n) = self.index.get(&id) {
            return n;
        }
        let n = self.nodes.len() as u32;
        self.ids.push(id);
        self.nodes.push(PLACEHOLDER.clone());
        self.index.insert(id, n);
        stack.push(n);
        n
    }

    /// Read every commit reachable from `tips`. A commit that `previous` (an earlier walk
    /// under the same mailmap and allowed signers: see [`Memo`]) holds is taken from there
    /// instead of the object database; the graph is the same either way, node for node. Returns
    /// the graph and how many commits were read from the object database.
    pub(crate) fn walk(
        repo: &gix::Repository,
        tips: &[ObjectId],
        shallow: &[ObjectId],
        signers: Option<&AllowedSigners>,
        previous: Option<&Graph>,
        progress: &Progress<'_>,
    ) -> Result<(Graph, u64), Error> {
        let mut graph = Graph::default();
        let mailmap = repo.open_mailmap();
        let hash_kind = repo.object_hash();
        let shallow: gix::hashtable::HashSet<ObjectId> = shallow.iter().copied().collect();
        let mut authors: HashMap<Vec<u8>, u32> = HashMap::new();
        let mut author_key = Vec::with_capacity(64);
        let mut stack: Vec<u32> = Vec::new();
        let mut buf = Vec::new();
        let mut parent_ids: Vec<ObjectId> = Vec::new();
        for tip in tips {
            graph.intern(*tip, &mut stack);
        }
        let mut read = 0u64;
        let mut walked = 0u64;
        // A previous author's index here, once known: spares hashing the name per commit.
        let mut remap: Vec<u32> = vec![u32::MAX; previous.map_or(0, |p| p.author_keys.len())];
        while let Some(n) = stack.pop() {
            let id = graph.ids[n as usize];
            let is_shallow = shallow.contains(&id);
            // A record made at a shallow boundary lacks its parents: read such a commit again.
            let known = previous
                .and_then(|p| p.get(&id).map(|m| (p, m)))
                .filter(|(p, m)| !p.nodes[*m as usize].shallow);
            let mut previous_author = None;
            let mut node = if let Some((p, m)) = known {
                let pn = &p.nodes[m as usize];
                previous_author = Some(pn.author as usize);
                if remap[pn.author as usize] == u32::MAX {
                    author_key.clear();
                    author_key.extend_from_slice(&p.author_keys[pn.author as usize]);
                }
                parent_ids.clear();
                if !is_shallow {
                    parent_ids.extend(p.parents(m).iter().map(|&q| p.ids[q as usize]));
                }
                let advisories = pn.advisories.map(|a| {
                    graph.advisories.push(p.advisories[a as usize].clone());
                    (graph.advisories.len() - 1) as u32
                });
                Node {
                    advisories,
                    shallow: is_shallow,
                    ..pn.clone()
                }
            } else {
                read += 1;
                let commit = repo
                    .objects
                    .find_commit(&id, &mut buf)
                    .map_err(|e| Error::object("commit", &id, e))?;
                let corrupt = |what: &str, e: &dyn std::fmt::Display| Error::Corrupt {
                    id: id.to_string(),
                    message: format!("{what}: {e}"),
                };
                let author = commit.author().map_err(|e| corrupt("author", &e))?;
                let committer = commit.committer().map_err(|e| corrupt("committer", &e))?;
                let resolved = mailmap.resolve_cow(author.trim());
                author_key.clear();
                author_key.extend_from_slice(&resolved.name);
                author_key.extend_from_slice(b" <");
                author_key.extend_from_slice(&resolved.email);
                author_key.push(b'>');
                let facts = message::analyse(commit.message);
                let independence = facts.independence(&resolved.name, &resolved.email);
                let (signature, verify) = match commit.extra_headers().pgp_signature() {
                    None => (sig::NONE, false),
                    Some(armored) => {
                        let format = sig::of_armor(armored);
                        (format, signers.is_some())
                    }
                };
                let advisories = (!facts.advisories.is_empty()).then(|| {
                    graph.advisories.push(facts.advisories.clone());
                    (graph.advisories.len() - 1) as u32
                });
                let tree = commit.tree();
                parent_ids.clear();
                if !is_shallow {
                    parent_ids.extend(commit.parents());
                }
                let (committer_time, author_time) = (committer.seconds(), author.seconds());
                drop(commit);
                let verdict = match signers {
                    Some(s) if verify && signature == sig::SSH => {
                        // The signed payload is the object without its gpgsig header.
                        Some(match gix::objs::CommitRefIter::signature(&buf, hash_kind) {
                            Ok(Some((armored, payload))) => s.verify(
                                NAMESPACE,
                                armored.as_ref(),
                                payload.to_bstring().as_ref(),
                                committer_time,
                            ),
                            _ => Verdict::Invalid,
                        })
                    }
                    Some(_) if verify => Some(Verdict::Unverified),
                    _ => None,
                };
                Node {
                    committer_time,
                    author_time,
                    tree,
                    author: 0,
                    parents_start: 0,
                    parents_len: 0,
                    generation: 0,
                    signature,
                    verdict,
                    markers: facts.markers,
                    independence,
                    trailers: facts.trailers,
                    advisories,
                    shallow: is_shallow,
                    visited: true,
                }
            };
            node.author = match previous_author.map(|pa| remap[pa]) {
                Some(a) if a != u32::MAX => a,
                _ => {
                    let a = match authors.get(author_key.as_slice()) {
                        Some(&a) => a,
                        None => {
                            let a = authors.len() as u32;
                            authors.insert(author_key.clone(), a);
                            graph.author_keys.push(author_key.clone());
                            a
                        }
                    };
                    if let Some(pa) = previous_author {
                        remap[pa] = a;
                    }
                    a
                }
            };
            node.parents_start = graph.parents.len() as u32;
            node.parents_len = parent_ids.len() as u32;
            node.generation = 0;
            node.visited = true;
            for p in &parent_ids {
                let pn = graph.intern(*p, &mut stack);
                graph.parents.push(pn);
            }
            graph.nodes[n as usize] = node;
            walked += 1;
            if walked.is_multiple_of(4096) {
                progress.tick(walked);
            }
        }
        debug_assert!(graph.nodes.iter().all(|n| n.visited));
        graph.authors = authors.len();
        graph.compute_generations();
        Ok((graph, read))
    }

    /// Generation numbers by an iterative post-order walk (histories are too deep to recurse).
    fn compute_generations(&mut self) {
        let mut stack: Vec<(u32, bool)> = Vec::new();
        for start in 0..self.nodes.len() as u32 {
            if self.nodes[start as usize].generation != 0 {
                continue;
            }
            stack.push((start, false));
            while let Some((n, expanded)) = stack.pop() {
                if self.nodes[n as usize].generation != 0 {
                    continue;
                }
                if expanded {
                    let g = self
                        .parents(n)
                        .iter()
                        .map(|&p| self.nodes[p as usize].generation)
                        .max()
                        .unwrap_or(0);
                    self.nodes[n as usize].generation = g + 1;
                } else {
                    stack.push((n, true));
                    for &p in self.parents(n) {
                        if self.nodes[p as usize].generation == 0 {
                            stack.push((p, false));
                        }
                    }
                }
            }
        }
    }

    /// Commits reachable from `include` and from none of `exclude` (`git rev-list I ^E`).
    ///
    /// Commits are taken highest generation first, so when one is taken every descendant that
    /// could carry the "excluded" mark has already passed it on; the walk stops as soon as
    /// everything still queued is excluded.
    pub(crate) fn reachable(&self, include: &[u32], exclude: &[u32]) -> Vec<u32> {
        let mut q = Queue {
            flags: vec![0u8; self.nodes.len()],
            heap: BinaryHeap::new(),
            live: 0,
        };
        for &n in exclude {
            q.mark(self, n, Queue::OUT);
        }
        for &n in include {
            q.mark(self, n, Queue::IN);
        }
        let mut out = Vec::new();
        while q.live > 0 {
            let Some((_, Reverse(n))) = q.heap.pop() else {
                break;
            };
            let f = &mut q.flags[n as usize];
            *f &= !Queue::QUEUED;
            let propagate = if *f & Queue::OUT != 0 {
                Queue::OUT
            } else {
                q.live -= 1;
                out.push(n);
                Queue::IN
            };
            for &p in self.parents(n) {
                q.mark(self, p, propagate);
            }
        }
        out
    }

    /// The first-parent line from `tip`, while it stays inside `window` (a membership test).
    pub(crate) fn first_parent_line(&self, tip: u32, window: impl Fn(u32) -> bool) -> Vec<u32> {
        let mut line = Vec::new();
        let mut n = tip;
        loop {
            if !window(n) {
                break;
            }
            line.push(n);
            match self.parents(n).first() {
                Some(&p) => n = p,
                None => break,
            }
        }
        line
    }
}

/// The priority queue of [`Graph::reachable`].
struct Queue {
    flags: Vec<u8>,
    heap: BinaryHeap<(u32, Reverse<u32>)>,
    /// Queued entries not marked OUT: once there are none, nothing new can be found.
    live: usize,
}

impl Queue {
    const IN: u8 = 1;
    const OUT: u8 = 2;
    const QUEUED: u8 = 4;

    fn mark(&mut self, graph: &Graph, n: u32, flag: u8) {
        let f = &mut self.flags[n as usize];
        if *f & flag != 0 {
            return;
        }
        let before = *f;
        *f |= flag;
        if before & Self::QUEUED != 0 {
            if flag == Self::OUT {
                self.live -= 1;
            }
        } else {
            *f |= Self::QUEUED;
            if *f & Self::OUT == 0 {
                self.live += 1;
            }
            self.heap
                .push((graph.nodes[n as usize].generation, Reverse(n)));
        }
    }
}

/// The commit records of earlier walks, for the walks that follow: the release re-assessments
/// of the same run (in memory) and the next run (the cache, [`crate::collect::cache`]). A
/// commit's record depends on the commit (its id names its content), the mailmap and the
/// allowed signers, so those make the key; `--no-cache` keeps only the in-memory part.
#[derive(Debug, Default)]
pub struct Memo {
    pub(crate) cache: Option<std::sync::Arc<crate::collect::cache::Cache>>,
    graph: std::sync::Mutex<Option<([u8; 32], std::sync::Arc<Graph>)>>,
}

/// The cache slot of the commit records.
const SLOT: &str = "git-commits";

impl Memo {
    pub(crate) fn new(cache: Option<std::sync::Arc<crate::collect::cache::Cache>>) -> Memo {
        Memo {
            cache,
            graph: Default::default(),
        }
    }

    /// The key of the records read from `repo` with these allowed signers (their file's
    /// SHA-256, or none).
    pub(crate) fn key(repo: &gix::Repository, signers: Option<&str>) -> [u8; 32] {
        crate::collect::cache::Key::new(SLOT)
            .str(&format!("{:?}", repo.open_mailmap()))
            .str(signers.unwrap_or(""))
            .str(&format!("{:?}", repo.object_hash()))
            .finish()
    }

    /// The records of an earlier walk under `key`: this run's, else the cache's.
    pub(crate) fn previous(&self, key: &[u8; 32]) -> Option<std::sync::Arc<Graph>> {
        let mut slot = self.graph.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((k, g)) = slot.as_ref()
            && k == key
        {
            return Some(g.clone());
        }
        let bytes = self.cache.as_ref()?.get(SLOT, key)?;
        let g = std::sync::Arc::new(Graph::decode(&bytes)?);
        *slot = Some((*key, g.clone()));
        Some(g)
    }

    /// Keep `graph` for the walks that follow, and write it to the cache when it read commits
    /// the cache did not have.
    pub(crate) fn store(&self, key: &[u8; 32], graph: &std::sync::Arc<Graph>, read: u64) {
        let mut slot = self.graph.lock().unwrap_or_else(|e| e.into_inner());
        let replace = read > 0 || slot.as_ref().is_none_or(|(k, _)| k != key);
        if !replace {
            return;
        }
        *slot = Some((*key, graph.clone()));
        drop(slot);
        if let Some(cache) = &self.cache {
            // Encoded and written beside the rest of the run (a hundred thousand records are
            // megabytes); the report waits for it before it is returned.
            let (graph, key) = (graph.clone(), *key);
            cache.put_later(SLOT, key, move || graph.encode());
        }
    }
}

impl Graph {
    /// The records as cache bytes ([`Graph::decode`] reads them back).
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut e = crate::collect::cache::Enc::default();
        e.0.reserve(self.nodes.len() * 96);
        e.u32(self.nodes.len() as u32);
        for (i, node) in self.nodes.iter().enumerate() {
            e.id(&self.ids[i]);
            e.i64(node.committer_time);
            e.i64(node.author_time);
            e.id(&node.tree);
            e.u32(node.author);
            let parents = self.parents(i as u32);
            e.u32(parents.len() as u32);
            for &p in parents {
                e.u32(p);
            }
            e.u8(node.signature);
            e.u8(match node.verdict {
                None => 0,
                Some(Verdict::Valid) => 1,
                Some(Verdict::Invalid) => 2,
                Some(Verdict::UnknownSigner) => 3,
                Some(Verdict::Unverified) => 4,
            });
            e.u8(node.markers);
            e.u8(match node.independence {
                Independence::Unknown => 0,
                Independence::Independent => 1,
                Independence::SelfReviewed => 2,
            });
            e.u16(node.trailers);
            e.u32(node.advisories.map_or(0, |a| a + 1));
            e.u8(u8::from(node.shallow));
        }
        e.u32(self.author_keys.len() as u32);
        for a in &self.author_keys {
            e.bytes(a);
        }
        e.u32(self.advisories.len() as u32);
        for ids in &self.advisories {
            e.u32(ids.len() as u32);
            for id in ids {
                e.bytes(id.as_bytes());
            }
        }
        e.0
    }

    /// Read [`Graph::encode`]'s bytes; `None` when anything is inconsistent (an index out of
    /// range, a duplicate commit, bytes left over).
    pub(crate) fn decode(bytes: &[u8]) -> Option<Graph> {
        let mut d = crate::collect::cache::Dec(bytes);
        let n = d.u32()? as usize;
        // Each record takes more than 64 bytes: a count the bytes cannot hold is refused
        // before anything is allocated for it.
        if n > bytes.len() / 64 {
            return None;
        }
        let mut g = Graph {
            ids: Vec::with_capacity(n),
            nodes: Vec::with_capacity(n),
            ..Graph::default()
        };
        let mut max_author = 0u32;
        let mut max_advisory = 0u32;
        for i in 0..n {
            let id = d.id()?;
            if g.index.insert(id, i as u32).is_some() {
                return None;
            }
            g.ids.push(id);
            let committer_time = d.i64()?;
            let author_time = d.i64()?;
            let tree = d.id()?;
            let author = d.u32()?;
            let parents_len = d.u32()?;
            let parents_start = g.parents.len() as u32;
            for _ in 0..parents_len {
                let p = d.u32()?;
                if p as usize >= n {
                    return None;
                }
                g.parents.push(p);
            }
            let signature = d.u8()?;
            let verdict = match d.u8()? {
                0 => None,
                1 => Some(Verdict::Valid),
                2 => Some(Verdict::Invalid),
                3 => Some(Verdict::UnknownSigner),
                4 => Some(Verdict::Unverified),
                _ => return None,
            };
            let markers = d.u8()?;
            let independence = match d.u8()? {
                0 => Independence::Unknown,
                1 => Independence::Independent,
                2 => Independence::SelfReviewed,
                _ => return None,
            };
            let trailers = d.u16()?;
            let advisories = d.u32()?.checked_sub(1);
            let shallow = match d.u8()? {
                0 => false,
                1 => true,
                _ => return None,
            };
            max_author = max_author.max(author.checked_add(1)?);
            max_advisory = max_advisory.max(advisories.map_or(0, |a| a + 1));
            g.nodes.push(Node {
                committer_time,
                author_time,
                tree,
                author,
                parents_start,
                parents_len,
                generation: 0,
                signature,
                verdict,
                markers,
                independence,
                trailers,
                advisories,
                shallow,
                visited: true,
            });
        }
        let authors = d.u32()? as usize;
        if authors > d.0.len() / 4 {
            return None;
        }
        for _ in 0..authors {
            g.author_keys.push(d.bytes()?.to_vec());
        }
        let advisories = d.u32()? as usize;
        if advisories > d.0.len() / 4 {
            return None;
        }
        for _ in 0..advisories {
            let k = d.u32()? as usize;
            if k > d.0.len() / 4 {
                return None;
            }
            let mut ids = Vec::with_capacity(k);
            for _ in 0..k {
                ids.push(String::from_utf8(d.bytes()?.to_vec()).ok()?);
            }
            g.advisories.push(ids);
        }
        if !d.done()
            || max_author as usize > g.author_keys.len()
            || max_advisory as usize > g.advisories.len()
        {
            return None;
        }
        g.authors = g.author_keys.len();
        Some(g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> ObjectId {
        ObjectId::from_bytes_or_panic(&[n; 20])
    }

    /// Two commits, the second a child of the first, with every field set.
    fn graph() -> Graph {
        let mut g = Graph::default();
        let mut stack = Vec::new();
        let a = g.intern(id(1), &mut stack);
        let b = g.intern(id(2), &mut stack);
        g.author_keys = vec![b"A <a@example.org>".to_vec(), b"B <b@example.org>".to_vec()];
        g.authors = 2;
        g.advisories = vec![vec!["RUSTSEC-2026-0001".into()]];
        g.parents.push(a);
        g.nodes[a as usize] = Node {
            committer_time: 10,
            author_time: 9,
            tree: id(3),
            visited: true,
            shallow: true,
            ..PLACEHOLDER
        };
        g.nodes[b as usize] = Node {
            committer_time: 20,
            author_time: -5,
            tree: id(4),
            author: 1,
            parents_start: 0,
            parents_len: 1,
            signature: sig::SSH,
            verdict: Some(Verdict::UnknownSigner),
            markers: 3,
            independence: Independence::SelfReviewed,
            trailers: 0x101,
            advisories: Some(0),
            visited: true,
            ..PLACEHOLDER
        };
        g
    }

    #[test]
    fn records_read_back_as_written() {
        let g = graph();
        let bytes = g.encode();
        let back = Graph::decode(&bytes).expect("decodes");
        assert_eq!(back.encode(), bytes);
        assert_eq!(back.get(&id(2)), Some(1));
        assert_eq!(back.parents(1), &[0]);
        assert_eq!(back.nodes[1].verdict, Some(Verdict::UnknownSigner));
        assert_eq!(back.author_keys[1], b"B <b@example.org>");
        assert_eq!(back.advisories[0], vec!["RUSTSEC-2026-0001".to_string()]);
    }

    #[test]
    fn inconsistent_records_are_refused_without_panicking() {
        let bytes = graph().encode();
        for cut in 0..bytes.len() {
            assert!(Graph::decode(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        for i in 0..bytes.len() {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut b = bytes.clone();
                b[i] ^= flip;
                // Anything but a panic: a changed time or name still decodes.
                let _ = Graph::decode(&b);
            }
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(Graph::decode(&extra).is_none());
    }
}
