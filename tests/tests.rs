//! Integration tests: one binary, modules by area (ripgrep layout).

mod bad_inputs;
mod board_day;
mod board_minutes;
mod bundle;
mod cli;
mod count;
mod crash;
mod desks;
mod forms;
mod hostile;
mod rehearsal;
mod reliability;
mod rounds;
mod schema;
mod tidy;
mod upgrade;
mod usecases;
mod util;
mod voter_list;
