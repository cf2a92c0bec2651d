//! The webhook crate's integration tests: signatures, the journal and its consumers, and the
//! HTTP receiver on loopback.

mod drive;
mod end_to_end;
mod http;
mod journal;
mod verify;

/// A key of the portal's shape (40 characters).
pub const KEY: &str = "k3y-for-tests-0123456789abcdefghijklmnop";
