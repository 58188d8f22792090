//! Domain core of Tổ Bầu Cử (the polling-team app).
//!
//! Everything here is pure: no file or network IO, no clock, no database,
//! no randomness. Time and identifiers are passed in by the caller
//! (`tobaucu-app`). Broken input is ordinary data: validators return every
//! problem they find as [`Diagnostic`]s rather than stopping at the first.

pub mod audit;
pub mod canonical;
pub mod checks;
pub mod count;
pub mod crosscheck;
pub mod desk;
pub mod diag;
pub mod election;
pub mod legacy;
pub mod list_note;
pub mod minutes;
pub mod percent;
pub mod results;
pub mod search;
pub mod text;
pub mod turnout;
pub mod voter;

pub use diag::Diagnostic;
