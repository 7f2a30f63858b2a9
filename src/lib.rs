//! Diplograph: a GraphQL knowledge graph of facts curated from news reports.
//!
//! Read in this order: [`model`] (the domain), [`graph`] (the in-memory graph and its
//! indexes), [`seed`] (loading and validating seed files), [`api`] (the GraphQL schema over
//! the graph), [`http`] (the web server).

pub mod allocator;
pub mod api;
pub mod compact;
pub mod export;
pub mod generate;
pub mod graph;
pub mod http;
pub mod journal;
pub mod model;
pub mod reload;
pub mod replica;
pub mod seed;
mod timing;
pub mod write;

/// The seed still names it `crate::timed`; the graph names `crate::timing::timed`.
pub(crate) use timing::timed;
