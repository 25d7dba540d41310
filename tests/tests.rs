//! Downpour's integration tests, in one binary (as ripgrep's are): the engine, the CLI and
//! the reliability catalogue against a real HTTP server on 127.0.0.1, with shared helpers in
//! `util`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    reason = "tests: a failed step fails the test, and the test server is one long match"
)]

mod util;

mod asked;
mod check;
mod cli;
mod conn;
mod control;
mod digest;
mod engine;
mod h2;
mod handoff;
mod lists;
mod memory;
mod new_address;
mod page;
mod polite;
mod processes;
mod properties;
mod reach;
mod reliability;
mod rerun;
mod split;
mod trust;
