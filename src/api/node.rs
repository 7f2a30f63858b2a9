//! The `Node` interface, the `SearchHit` union, and the shapes of `path` and `neighborhood`.

use super::actor::ActorObj;
use super::agreement::AgreementObj;
use super::event::EventObj;
use super::place::PlaceObj;
use super::source::SourceObj;
use super::statement::StatementObj;
use super::writes::ChangeObj;
use crate::graph::{KnowledgeGraph, PathStep};
use crate::model::{Entity, NodeId};
use async_graphql::{Interface, Object, Union, ID};

/// An object with a stable global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Stable global id, readable: \"actor:kamala-harris\"."))]
pub enum Node<'a> {
    Actor(ActorObj<'a>),
    Event(EventObj<'a>),
    Place(PlaceObj<'a>),
    Agreement(AgreementObj<'a>),
    Statement(StatementObj<'a>),
    Source(SourceObj<'a>),
    Change(ChangeObj),
}

impl<'a> Node<'a> {
    /// The node object of `n`.
    pub fn of(g: &'a KnowledgeGraph, n: NodeId) -> Option<Self> {
        Some(match g.entity(n) {
            Entity::Actor(_) => Node::Actor(ActorObj::of(g, n)?),
            Entity::Event(_) => Node::Event(EventObj::of(g, n)?),
            Entity::Place(_) => Node::Place(PlaceObj::of(g, n)?),
            Entity::Agreement(_) => Node::Agreement(AgreementObj::of(g, n)?),
            Entity::Statement(_) => Node::Statement(StatementObj::of(g, n)?),
            Entity::Source(_) => Node::Source(SourceObj::of(g, n)?),
        })
    }

    /// The node with global id `id`: an entity of `g`, or a change of the log (`change:3`).
    pub fn by_id(ctx: &async_graphql::Context<'_>, g: &'a KnowledgeGraph, id: &str) -> Option<Self> {
        match id.strip_prefix("change:") {
            Some(seq) => super::writes::change(ctx, seq.parse().ok()?).map(Node::Change),
            None => g.get(id).and_then(|n| Node::of(g, n)),
        }
    }
}

/// A search result: any kind of entity.
#[derive(Union)]
pub enum SearchHit<'a> {
    Actor(ActorObj<'a>),
    Event(EventObj<'a>),
    Place(PlaceObj<'a>),
    Agreement(AgreementObj<'a>),
    Statement(StatementObj<'a>),
    Source(SourceObj<'a>),
}

impl<'a> SearchHit<'a> {
    /// The hit of an entity node (a change is not an entity).
    pub fn of(n: Node<'a>) -> Option<Self> {
        Some(match n {
            Node::Actor(x) => SearchHit::Actor(x),
            Node::Event(x) => SearchHit::Event(x),
            Node::Place(x) => SearchHit::Place(x),
            Node::Agreement(x) => SearchHit::Agreement(x),
            Node::Statement(x) => SearchHit::Statement(x),
            Node::Source(x) => SearchHit::Source(x),
            Node::Change(_) => return None,
        })
    }
}

/// A chain of facts linking two entities.
pub struct PathObj<'a> {
    pub g: &'a KnowledgeGraph,
    pub steps: Vec<PathStep>,
}

/// A chain of facts linking two entities.
#[Object(name = "Path")]
impl<'a> PathObj<'a> {
    /// How many links the chain has.
    async fn hops(&self) -> usize {
        path_fields::hops(self)
    }
    /// The entities along the chain, from the first to the last, each with its link to the next.
    async fn steps(&self) -> Vec<PathStepObj<'a>> {
        path_fields::steps(self)
    }
}

/// The logic of each `PathObj` field, as plain functions: its resolver above and compiled plans (`api::plan`) both call them.
pub(crate) mod path_fields {
    use super::*;

    pub(crate) fn hops<'a>(o: &PathObj<'a>) -> usize {
        o.steps.len().saturating_sub(1)
    }

    pub(crate) fn steps<'a>(o: &PathObj<'a>) -> Vec<PathStepObj<'a>> {
        o.steps.iter().filter_map(|s| Node::of(o.g, s.node).map(|node| PathStepObj { node, step: s.clone() })).collect()
    }
}

/// One entity along a path.
pub struct PathStepObj<'a> {
    node: Node<'a>,
    step: PathStep,
}

/// One entity along a path.
#[Object(name = "PathStep")]
impl<'a> PathStepObj<'a> {
    /// The entity.
    async fn node(&self) -> &Node<'a> {
        path_step_fields::node(self)
    }
    /// The kind of the link between this node and the next, as stored (PARTICIPATED_IN, HELD_AT, PART_OF, CONTAINED_IN, REACHED_AT, PARTY_TO, SIGNED, SAID, ABOUT, RESPONDS_TO, HOLDS_POSITION, BELONGS_TO, SCHEDULES); null on the last step.
    async fn link(&self) -> Option<&'static str> {
        path_step_fields::link(self)
    }
    /// True when the link runs from this node to the next as stored, false when the path walks it backwards; null on the last step.
    async fn forward(&self) -> Option<bool> {
        path_step_fields::forward(self)
    }
}

/// The logic of each `PathStepObj` field, as plain functions: its resolver above and compiled plans (`api::plan`) both call them.
pub(crate) mod path_step_fields {
    use super::*;

    pub(crate) fn node<'s, 'a>(o: &'s PathStepObj<'a>) -> &'s Node<'a> {
        &o.node
    }

    pub(crate) fn link(o: &PathStepObj<'_>) -> Option<&'static str> {
        o.step.link.map(|(k, _)| k.as_str())
    }

    pub(crate) fn forward<'a>(o: &PathStepObj<'a>) -> Option<bool> {
        o.step.link.map(|(_, f)| f)
    }
}

/// The entities and links near one entity, for drawing.
pub struct SubgraphObj<'a> {
    pub g: &'a KnowledgeGraph,
    pub sub: crate::graph::Subgraph,
}

/// The entities and links near one entity, for drawing.
#[Object(name = "Subgraph")]
impl<'a> SubgraphObj<'a> {
    /// The entities, nearest first (the centre first of all).
    async fn nodes(&self) -> Vec<Node<'a>> {
        subgraph_fields::nodes(self)
    }
    /// The links between them, each once, as stored.
    async fn links(&self) -> Vec<Link> {
        subgraph_fields::links(self)
    }
    /// True when the limit cut the neighbourhood short.
    async fn truncated(&self) -> bool {
        subgraph_fields::truncated(self)
    }
}

/// The logic of each `SubgraphObj` field, as plain functions: its resolver above and compiled plans (`api::plan`) both call them.
pub(crate) mod subgraph_fields {
    use super::*;

    pub(crate) fn nodes<'a>(o: &SubgraphObj<'a>) -> Vec<Node<'a>> {
        o.sub.nodes.iter().filter_map(|&n| Node::of(o.g, n)).collect()
    }

    pub(crate) fn links<'a>(o: &SubgraphObj<'a>) -> Vec<Link> {
        o.sub
            .links
            .iter()
            .map(|&(a, b, k)| Link {
                from: ID(o.g.entity(a).id().to_owned()),
                to: ID(o.g.entity(b).id().to_owned()),
                kind: k.as_str(),
            })
            .collect()
    }

    pub(crate) fn truncated<'a>(o: &SubgraphObj<'a>) -> bool {
        o.sub.truncated
    }
}

/// A stored link between two entities.
#[derive(async_graphql::SimpleObject)]
pub struct Link {
    /// The id of the entity the link starts from.
    pub from: ID,
    /// The id of the entity it points to.
    pub to: ID,
    /// PARTICIPATED_IN, HELD_AT, PART_OF, CONTAINED_IN, REACHED_AT, PARTY_TO, SIGNED, SAID, ABOUT, RESPONDS_TO, HOLDS_POSITION, BELONGS_TO, SCHEDULES or CITES.
    pub kind: &'static str,
}
