//! Accounting: what Claude Code's transcripts say a run used, what that cost, and the ledger.

pub mod tokens;

pub use tokens::Tokens;

pub mod attribute;
pub mod ledger;
pub mod locate;
pub mod pid_watch;
pub mod pricing;
pub mod record;
pub mod run;
pub mod scan;
pub mod session_plan;
pub mod summary;
pub mod transcript;
