//! The id registry: every id of the seed, its `NodeId`, its kind and where it was defined,
//! filled by the first pass and only read by the second.

use super::load::Problem;
use super::records::Text;
use crate::model::{EntityKind, NodeId};
use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

/// Where an id was defined.
#[derive(Clone)]
pub(super) struct Origin {
    pub file: usize,
    pub span: Range<usize>,
    pub kind: EntityKind,
}

/// Every id registered so far, in `NodeId` order.
///
/// A change's registry lies over the graph's ids ([`Registry::over`]): the ids of the
/// `base` first nodes are the graph's, their origin is the base file at their `NodeId`
/// (unless the change redefines them), and nothing of them is copied.
pub(super) struct Registry {
    pub ids: HashMap<String, NodeId>,
    /// The origin of each node from `base.kinds.len()` on.
    origins: Vec<Origin>,
    base: Base,
    /// Later definitions of an id already taken: (origin, first NodeId).
    duplicates: Vec<(Origin, NodeId)>,
    /// The ids that files which cannot be read seem to define, with the file: references
    /// to them are not checked (they fail only because their file could not be read).
    unread: HashMap<String, usize>,
}

/// The nodes a registry lies over: their file, their kinds, and the origins a change gave them.
#[derive(Default)]
struct Base {
    file: usize,
    kinds: Vec<EntityKind>,
    redefined: HashMap<u32, Origin>,
}

impl Registry {
    /// An empty registry with room for `capacity` ids.
    pub fn with_capacity(capacity: usize) -> Self {
        Registry {
            ids: HashMap::with_capacity_and_hasher(capacity, Default::default()),
            origins: Vec::with_capacity(capacity),
            base: Base::default(),
            duplicates: Vec::new(),
            unread: HashMap::default(),
        }
    }

    /// A registry over the nodes of a graph: `ids` maps each of their ids to its node,
    /// `kinds` gives each node's kind, and their origin is `file` at offset `NodeId`.
    pub fn over(file: usize, ids: HashMap<String, NodeId>, kinds: Vec<EntityKind>) -> Self {
        // Fewer ids than nodes once records were retracted (see `change::Draft`).
        debug_assert!(ids.len() <= kinds.len());
        let base = Base { file, kinds, redefined: HashMap::default() };
        Registry { ids, origins: Vec::new(), base, duplicates: Vec::new(), unread: HashMap::default() }
    }

    /// The ids and kinds given to [`Registry::over`], back (with whatever was registered
    /// since: the caller removes what it does not keep).
    pub fn into_base(self) -> (HashMap<String, NodeId>, Vec<EntityKind>) {
        (self.ids, self.base.kinds)
    }

    /// How many nodes: those it lies over and those registered.
    pub fn len(&self) -> usize {
        self.base.kinds.len() + self.origins.len()
    }

    /// Where node `n` was defined.
    pub fn origin(&self, n: NodeId) -> Origin {
        let base = self.base.kinds.len();
        match n.index().checked_sub(base) {
            Some(i) => self.origins[i].clone(),
            None => self.base.redefined.get(&n.0).cloned().unwrap_or_else(|| Origin {
                file: self.base.file,
                span: n.index()..n.index() + 1,
                kind: self.base.kinds[n.index()],
            }),
        }
    }

    /// Node `n` (one of the base's) is defined again, at `origin`.
    pub fn redefine(&mut self, n: NodeId, origin: Origin) {
        match n.index().checked_sub(self.base.kinds.len()) {
            Some(i) => self.origins[i] = origin,
            None => {
                self.base.redefined.insert(n.0, origin);
            }
        }
    }

    /// Gives `id` the next `NodeId`; a duplicate keeps its place but not the id.
    pub fn register(&mut self, file: usize, kind: EntityKind, id: Text) {
        let node = NodeId(self.len() as u32);
        let origin = Origin { file, span: id.span(), kind };
        self.origins.push(origin.clone());
        if let Some(&first) = self.ids.get(id.get_ref()) {
            self.duplicates.push((origin, first));
        } else {
            self.ids.insert(id.into_inner(), node);
        }
    }

    /// Notes the ids `file`, which cannot be read, seems to define.
    pub fn unread(&mut self, file: usize, ids: Vec<String>) {
        self.unread.extend(ids.into_iter().map(|id| (id, file)));
    }

    /// The file that cannot be read and seems to define `id`, if any.
    pub fn unread_file(&self, id: &str) -> Option<usize> {
        self.unread.get(id).copied()
    }

    /// A problem for each id defined twice, pointing at its first definition.
    pub fn report_duplicates(&self, problems: &mut Vec<Problem>) {
        for (origin, first) in &self.duplicates {
            let f = self.origin(*first);
            problems.push(Problem {
                file: origin.file,
                offset: origin.span.start,
                message: "duplicate id: it is already defined at ".into(),
                see: Some((f.file, f.span.start)),
            });
        }
    }

    /// The known id of `kind` closest to `wanted`, if one is close enough to be a typo.
    pub fn suggest(&self, wanted: &str, kind: EntityKind) -> Option<&str> {
        self.ids
            .iter()
            .filter(|(_, n)| self.origin(**n).kind == kind)
            .map(|(id, _)| (strsim::levenshtein(wanted, id), id.as_str()))
            .filter(|(d, id)| *d <= 3.max(id.len() / 4))
            .min()
            .map(|(_, id)| id)
    }
}
