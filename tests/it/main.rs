//! Diplograph's integration tests: one binary, one support module.

#[allow(dead_code)]
mod support;

mod api;
mod contract;
mod graph;
mod http;
mod queries;
mod seed_errors;
