//! Everything that talks to AWS. Only a cache miss (or an explicit command) gets here: the warm
//! launch path never builds a tokio runtime or loads the AWS config.

mod api;
mod client;
mod ensure;
mod errors;
mod identity;

pub use api::{
    RemoteProfile, create_profile, delete_profile, get_profile, list_profiles, list_tags,
    system_profiles,
};
pub use client::Aws;
pub use ensure::{EnsureOptions, ensure_profiles};
pub use errors::{AwsError, Explained, LAUNCHER_ACTIONS, explain};
pub use identity::{CallerIdentity, GET_CALLER_IDENTITY, caller_identity, sigv4_credentials};
