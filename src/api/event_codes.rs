//! The event codes analysts use (`Event.plover`, `Event.cameo`, `Event.dyads`): GraphQL faces
//! of `model::codes`, where the table and the rules are.

use super::actor::ActorObj;
use crate::graph::KnowledgeGraph;
use crate::model::{self, CameoCode, Dyad, Plover};
use async_graphql::{Enum, Object};

/// A PLOVER event type (the PLOVER manual's 16 categories).
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "PloverEventType", remote = "model::PloverType")]
pub enum GPloverType {
    /// Agree to, offer or promise cooperation (planned meetings and visits are coded here).
    Agree,
    /// Consultations and meetings, visits, calls.
    Consult,
    /// Diplomatic, non-material support, including signing an agreement.
    Support,
    /// Yield or concede.
    Concede,
    /// Mutual material cooperation.
    Cooperate,
    /// Material aid.
    Aid,
    /// Retreat, release, ease.
    Retreat,
    /// Request or demand.
    Request,
    /// Accuse, disapprove, investigate.
    Accuse,
    /// Reject.
    Reject,
    /// Threaten.
    Threaten,
    /// Protest.
    Protest,
    /// Sanction.
    Sanction,
    /// Mobilize forces.
    Mobilize,
    /// Coerce.
    Coerce,
    /// Assault.
    Assault,
}

/// An event's PLOVER coding: its event type and, where PLOVER has one, its mode.
pub struct PloverObj(pub Plover);

/// An event's PLOVER coding: its event type and, where PLOVER has one, its mode.
#[Object(name = "PloverCode")]
impl PloverObj {
    /// The PLOVER event type, e.g. CONSULT.
    async fn r#type(&self) -> GPloverType {
        self.0.event.into()
    }
    /// The PLOVER mode, e.g. "visit", "phone"; null when the type has none or none applies.
    async fn mode(&self) -> Option<&'static str> {
        self.0.mode
    }
}

/// One CAMEO dyad of an event: who did what to whom.
pub struct DyadObj<'a> {
    source: ActorObj<'a>,
    target: Option<ActorObj<'a>>,
    cameo: CameoCode,
}

impl<'a> DyadObj<'a> {
    /// The dyad `d` of graph `g` (`None` if its source is not an actor of `g`).
    pub fn of(g: &'a KnowledgeGraph, d: Dyad) -> Option<Self> {
        let source = ActorObj::of(g, d.source)?;
        Some(DyadObj { source, target: d.target.and_then(|t| ActorObj::of(g, t)), cameo: d.cameo })
    }
}

/// One CAMEO dyad of an event: who did what to whom (CAMEO's source and target actors).
#[Object(name = "Dyad")]
impl<'a> DyadObj<'a> {
    /// The actor who acted (CAMEO's source; PLOVER's actor).
    async fn source(&self) -> &ActorObj<'a> {
        &self.source
    }
    /// The actor acted upon (CAMEO's target; PLOVER's recipient); null when there is none.
    async fn target(&self) -> Option<&ActorObj<'a>> {
        self.target.as_ref()
    }
    /// The CAMEO event code of this dyad, e.g. "042" (visitor) or "043" (host).
    async fn cameo(&self) -> String {
        self.cameo.to_string()
    }
}

/// The CAMEO description of `code`, when it is one of the codes Diplograph knows.
pub fn cameo_description(code: CameoCode) -> Option<&'static str> {
    code.known().map(|(d, _)| d)
}
