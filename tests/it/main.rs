//! Diplograph's integration tests: one binary, one support module.

#[allow(dead_code)]
mod support;

mod contract;
mod graph;
mod seed_errors;
