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
pub(super) struct Registry {
    pub ids: HashMap<String, NodeId>,
    pub origins: Vec<Origin>,
    /// Later definitions of an id already taken: (origin, first NodeId).
    duplicates: Vec<(Origin, NodeId)>,
    /// The ids that files which cannot be read seem to define, with the file: references
    /// to them are not checked (they fail only because their file could not be read).
    unread: HashMap<String, usize>,
}

impl Registry {
    /// An empty registry with room for `capacity` ids.
    pub fn with_capacity(capacity: usize) -> Self {
        Registry {
            ids: HashMap::with_capacity_and_hasher(capacity, Default::default()),
            origins: Vec::with_capacity(capacity),
            duplicates: Vec::new(),
            unread: HashMap::default(),
        }
    }

    /// Gives `id` the next `NodeId`; a duplicate keeps its place but not the id.
    pub fn register(&mut self, file: usize, kind: EntityKind, id: Text) {
        let node = NodeId(self.origins.len() as u32);
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
            let f = &self.origins[first.index()];
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
            .filter(|(_, n)| self.origins[n.index()].kind == kind)
            .map(|(id, _)| (strsim::levenshtein(wanted, id), id.as_str()))
            .filter(|(d, id)| *d <= 3.max(id.len() / 4))
            .min()
            .map(|(_, id)| id)
    }
}
