//! Diplograph's integration tests: one binary, one support module.

#[allow(dead_code)]
mod support;

mod api;
mod codes;
mod contract;
mod export;
mod graph;
mod hostile;
mod http;
mod props;
mod queries;
mod reload;
mod seed_errors;
