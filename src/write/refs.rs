//! Every reference an entity holds, for retracting: who still points at a record, and the
//! `NodeId`s renumbered once records are removed.

use crate::model::{Entity, NodeId, Note};

/// Calls `f` on every `NodeId` that `e` holds (its links and its citations).
pub fn each_ref(e: &mut Entity, f: &mut impl FnMut(&mut NodeId)) {
    fn notes(ns: &mut [Note], f: &mut impl FnMut(&mut NodeId)) {
        ns.iter_mut().flat_map(|n| n.sources.iter_mut()).for_each(&mut *f);
    }
    match e {
        Entity::Source(_) => {}
        Entity::Actor(a) => {
            a.country.iter_mut().for_each(&mut *f);
            for p in &mut a.positions {
                p.organization.iter_mut().for_each(&mut *f);
                p.sources.iter_mut().for_each(&mut *f);
            }
            notes(&mut a.notes, f);
            a.sources.iter_mut().for_each(f);
        }
        Entity::Place(p) => {
            p.within.iter_mut().for_each(&mut *f);
            notes(&mut p.notes, f);
            p.sources.iter_mut().for_each(f);
        }
        Entity::Event(e) => {
            e.place.iter_mut().chain(e.part_of.iter_mut()).for_each(&mut *f);
            for p in &mut e.participants {
                f(&mut p.actor);
                p.sources.iter_mut().for_each(&mut *f);
            }
            notes(&mut e.notes, f);
            e.sources.iter_mut().for_each(f);
        }
        Entity::Agreement(a) => {
            a.parties.iter_mut().chain(a.signatories.iter_mut()).chain(a.schedules.iter_mut()).for_each(&mut *f);
            a.event.iter_mut().for_each(&mut *f);
            notes(&mut a.notes, f);
            a.sources.iter_mut().for_each(f);
        }
        Entity::Statement(s) => {
            f(&mut s.speaker);
            s.about.iter_mut().chain(s.responds_to.iter_mut()).for_each(&mut *f);
            s.sources.iter_mut().for_each(f);
        }
    }
}
