//! Signed result bundles (gói kết quả có chữ ký) of Tổ Bầu Cử.
//!
//! * [`keys`]: one Ed25519 key pair per unit; the private key sealed with
//!   the Tổ trưởng's passphrase (Argon2id → ChaCha20-Poly1305), the public
//!   key's fingerprint in short groups for people to compare.
//! * [`container`]: the file format `tobaucu-bundle/1` (see
//!   `docs/bundle-format.md`): magic, canonical JSON manifest, Ed25519
//!   signature, members; size limits so a hostile file cannot exhaust memory.
//! * [`verify`]: named checks, each pass or fail, recursive through bundles
//!   carried inside a board's bundle.
//! * [`auditlog`]: the hash-chained audit log as carried in a bundle.
//!
//! No database and no clock here: the caller passes time, keys and the
//! receiving board's context in.

pub mod auditlog;
pub mod container;
#[cfg(feature = "forge")]
pub mod forge;
pub mod keys;
pub mod verify;

pub use container::{Bundle, FileSource, LevelEntry, Limits, Manifest, Mem, Member, Prechecked, Source, Sub};
pub use keys::{fingerprint, SealedKey};
pub use verify::{Check, Context, Registration, Report};

/// Errors of reading or writing a bundle or key. Messages are Vietnamese.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    #[error("{0}")]
    Format(String),
    #[error("cụm mật khẩu không đúng")]
    WrongPassphrase,
    #[error("{0}")]
    Key(String),
    #[error("lỗi đọc tệp: {0}")]
    Io(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub use tobaucu_core::audit::{hex, sha256_hex, unhex};

#[cfg(test)]
mod tests;
