//! The HealthBook service: one axum application over sea-orm, a cache and a mail outbox.
#![deny(clippy::print_stdout)]

pub mod admin;
pub mod app;
pub mod auth;
pub mod authz;
pub mod book;
pub mod booking;
pub mod cache;
pub mod certificates;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod db;
pub mod db_circuit;
pub mod demo;
pub mod error;
pub mod housekeeping;
pub mod http;
pub mod ingest;
pub mod jobs;
pub mod mail;
pub mod openapi;
pub mod ops;
pub mod processes;
pub mod run;
pub mod state;
pub mod telemetry;
pub mod vaccination;
#[cfg(test)]
mod wording_snapshots;
