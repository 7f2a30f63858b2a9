//! Diplograph's integration tests: one binary, one support module.

#[allow(dead_code)]
mod support;

mod analytics;
mod api;
mod cli;
mod codes;
mod compact;
mod contract;
mod export;
mod extend;
mod faults;
mod federation;
mod generate;
mod graph;
mod hostile;
mod http;
mod journal;
mod layers;
mod lists;
mod paths;
mod plans;
mod props;
mod queries;
mod reload;
mod replicas;
mod reports;
mod search;
mod seed_errors;
mod wire;
mod write_groups;
mod writes;
