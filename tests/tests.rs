//! Integration tests: one binary, modules by area (ripgrep layout).

mod cli;
mod schema;
mod util;
