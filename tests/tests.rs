//! Integration tests: one binary, modules by area (ripgrep layout).

mod bundle;
mod cli;
mod count;
mod forms;
mod schema;
mod util;
