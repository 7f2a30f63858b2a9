//! Resolving a name to an entity: folded for accents, case and punctuation, through aliases.
//! Two rules: a lookup (`actor(name:)`) takes an exact folded name or alias first, else the
//! entities one of whose names holds every word; a list filter (`actors(filter: {name:})`)
//! keeps every entity one of whose names holds every word, exact matches included.

use super::KnowledgeGraph;
use crate::model::*;
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

/// What a name resolved to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameMatch {
    None,
    One(NodeId),
    /// Several entities fit; in the kind's order.
    Many(Vec<NodeId>),
}

/// The folded names and aliases of actors and places.
#[derive(Default)]
pub(super) struct NameIndex {
    /// Exact folded name or alias -> nodes (each once).
    exact: HashMap<(EntityKind, String), Vec<NodeId>>,
    /// Folded word -> nodes one of whose names holds it (each once).
    words: HashMap<(EntityKind, String), Vec<NodeId>>,
    /// Each node's folded names (name first, then aliases).
    folded: HashMap<NodeId, Vec<FoldedName>>,
}

/// The names an entity answers to: actors and places have names and aliases.
pub(super) fn names_of(e: &Entity) -> Option<(&str, &[String])> {
    match e {
        Entity::Actor(a) => Some((&a.name, &a.aliases)),
        Entity::Place(p) => Some((&p.name, &p.aliases)),
        _ => None,
    }
}

impl NameIndex {
    pub(super) fn build(g: &KnowledgeGraph) -> Self {
        let mut ix = NameIndex::default();
        for kind in [EntityKind::Actor, EntityKind::Place] {
            for &n in g.all(kind) {
                let Some((name, aliases)) = names_of(g.entity(n)) else { continue };
                let folded: Vec<FoldedName> =
                    std::iter::once(name).chain(aliases.iter().map(String::as_str)).map(FoldedName::new).collect();
                for f in &folded {
                    push_once(ix.exact.entry((kind, f.folded.clone())).or_default(), n);
                    for w in &f.words {
                        push_once(ix.words.entry((kind, w.clone())).or_default(), n);
                    }
                }
                ix.folded.insert(n, folded);
            }
        }
        ix
    }

    pub(super) fn lookup(&self, kind: EntityKind, name: &str) -> NameMatch {
        let folded = fold(name);
        if folded.is_empty() {
            return NameMatch::None;
        }
        if let Some(nodes) = self.exact.get(&(kind, folded.clone())) {
            return one_or_many(nodes.clone());
        }
        let words: Vec<String> = folded.split(' ').map(str::to_owned).collect();
        // The rarest word's postings bound the candidates.
        let Some(postings) = words.iter().map(|w| self.words.get(&(kind, w.clone()))).collect::<Option<Vec<_>>>()
        else {
            return NameMatch::None;
        };
        let Some(shortest) = postings.iter().min_by_key(|p| p.len()) else { return NameMatch::None };
        let hits: Vec<NodeId> = shortest
            .iter()
            .copied()
            .filter(|n| self.folded.get(n).is_some_and(|names| names.iter().any(|f| f.has_all_words(&words))))
            .collect();
        one_or_many(hits)
    }
}

impl NameIndex {
    /// The entities of `kind` one of whose names (name or alias) holds every folded word of
    /// `name`, in the kind's order; `None` when `name` has no word (it narrows nothing). One
    /// word: its posting list, borrowed. Several: the rarest word's postings, checked.
    pub(super) fn containing(&self, kind: EntityKind, name: &str) -> Option<Cow<'_, [NodeId]>> {
        let words = FoldedName::new(name).words;
        let postings: Option<Vec<&Vec<NodeId>>> = words.iter().map(|w| self.words.get(&(kind, w.clone()))).collect();
        let Some(postings) = postings else { return Some(Cow::Borrowed(&[])) };
        let shortest = postings.iter().min_by_key(|p| p.len())?;
        if words.len() == 1 {
            return Some(Cow::Borrowed(shortest.as_slice()));
        }
        Some(Cow::Owned(
            shortest
                .iter()
                .copied()
                .filter(|n| self.folded.get(n).is_some_and(|names| names.iter().any(|f| f.has_all_words(&words))))
                .collect(),
        ))
    }
}

fn push_once(list: &mut Vec<NodeId>, n: NodeId) {
    if list.last() != Some(&n) {
        list.push(n);
    }
}

fn one_or_many(nodes: Vec<NodeId>) -> NameMatch {
    match nodes.len() {
        0 => NameMatch::None,
        1 => NameMatch::One(nodes[0]),
        _ => NameMatch::Many(nodes),
    }
}
