//! Accounting: what Claude Code's transcripts say a run used, what that cost, and the ledger.

pub mod tokens;

pub use tokens::Tokens;
pub mod ledger;
pub mod pricing;
pub mod transcript;
