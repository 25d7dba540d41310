//! Downpour's integration tests, in one binary (as ripgrep's are): the engine, the CLI and
//! the reliability catalogue against a real HTTP server on 127.0.0.1, with shared helpers in
//! `util`.

mod util;

mod cli;
mod conn;
mod control;
mod engine;
mod lists;
mod memory;
mod properties;
mod reliability;
mod split;
mod trust;
