//! Every reference an entity holds, for retracting: who still points at a record.

use crate::model::{Entity, NodeId, Note};

/// Calls `f` on every `NodeId` that `e` holds (its links and its citations).
pub fn each_ref(e: &Entity, f: &mut impl FnMut(&NodeId)) {
    fn notes(ns: &[Note], f: &mut impl FnMut(&NodeId)) {
        ns.iter().flat_map(|n| n.sources.iter()).for_each(&mut *f);
    }
    match e {
        Entity::Source(_) => {}
        Entity::Actor(a) => {
            a.country.iter().for_each(&mut *f);
            for p in &a.positions {
                p.organization.iter().for_each(&mut *f);
                p.sources.iter().for_each(&mut *f);
            }
            notes(&a.notes, f);
            a.sources.iter().for_each(f);
        }
        Entity::Place(p) => {
            p.within.iter().for_each(&mut *f);
            notes(&p.notes, f);
            p.sources.iter().for_each(f);
        }
        Entity::Event(e) => {
            e.place.iter().chain(e.part_of.iter()).for_each(&mut *f);
            for p in &e.participants {
                f(&p.actor);
                p.sources.iter().for_each(&mut *f);
            }
            notes(&e.notes, f);
            e.sources.iter().for_each(f);
        }
        Entity::Agreement(a) => {
            a.parties.iter().chain(a.signatories.iter()).chain(a.schedules.iter()).for_each(&mut *f);
            a.event.iter().for_each(&mut *f);
            notes(&a.notes, f);
            a.sources.iter().for_each(f);
        }
        Entity::Statement(s) => {
            f(&s.speaker);
            s.about.iter().chain(s.responds_to.iter()).for_each(&mut *f);
            s.sources.iter().for_each(f);
        }
    }
}
