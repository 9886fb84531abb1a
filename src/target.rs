//! Where the profiles live: Region, AWS profile, credential identity and endpoint, worked out from
//! config and environment *without* the AWS SDK (the warm launch path must not load it).

use std::path::PathBuf;

use anyhow::{Result, bail};
use sha2::{Digest, Sha256};

use crate::cache::hex;
use crate::config::Settings;
use crate::env_vars;

/// The AWS side of a launch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub region: String,
    /// Where the region came from (for `status` and error messages).
    pub region_origin: String,
    /// The named AWS profile (config `aws-profile`, else `AWS_PROFILE`).
    pub aws_profile: Option<String>,
    /// Whether `aws_profile` came from cc-bedrock config (then it is exported to claude).
    pub aws_profile_from_config: bool,
    /// A label for the credentials in use; part of the cache key. Never a secret.
    pub identity: String,
    /// Endpoint override of the control plane (`AWS_ENDPOINT_URL_BEDROCK` / `AWS_ENDPOINT_URL`).
    pub endpoint: Option<String>,
}

impl Target {
    /// Resolves the target from settings and the environment.
    pub fn resolve(settings: &Settings) -> Result<Self> {
        let (aws_profile, from_config) = match &settings.aws_profile {
            Some(v) => (Some(v.value.clone()), true),
            None => (env_vars::get(env_vars::AWS_PROFILE), false),
        };
        let (region, region_origin) = if let Some(v) = &settings.region {
            (v.value.clone(), format!("region in {}", v.origin))
        } else if let Some(r) = env_vars::get(env_vars::AWS_REGION) {
            (r, "AWS_REGION".to_string())
        } else if let Some(r) = env_vars::get(env_vars::AWS_DEFAULT_REGION) {
            (r, "AWS_DEFAULT_REGION".to_string())
        } else if let Some((r, file)) = region_from_aws_config(aws_profile.as_deref()) {
            (r, format!("{}", file.display()))
        } else {
            bail!(
                "no AWS Region is set.\n\
                 Set `region = \"us-east-1\"` (or your Region) in .cc-bedrock.toml or the user config, \
                 or export AWS_REGION."
            );
        };
        let identity = if let Some(p) = &aws_profile {
            format!("profile:{p}")
        } else if let Some(key) = env_vars::get(env_vars::AWS_ACCESS_KEY_ID) {
            // The access key id names the credentials (it is not the secret); hashed anyway.
            format!("key:{}", hex(&Sha256::digest(key.as_bytes())[..8]))
        } else if let Some(tok) = env_vars::get(env_vars::AWS_BEARER_TOKEN_BEDROCK) {
            format!("bearer:{}", hex(&Sha256::digest(tok.as_bytes())[..8]))
        } else {
            "default".to_string()
        };
        let endpoint = env_vars::get(env_vars::AWS_ENDPOINT_URL_BEDROCK)
            .or_else(|| env_vars::get(env_vars::AWS_ENDPOINT_URL));
        Ok(Self {
            region,
            region_origin,
            aws_profile,
            aws_profile_from_config: from_config,
            identity,
            endpoint,
        })
    }
}

/// The `region` of a profile in the AWS config file (`AWS_CONFIG_FILE` or `~/.aws/config`).
fn region_from_aws_config(profile: Option<&str>) -> Option<(String, PathBuf)> {
    let path = match env_vars::get(env_vars::AWS_CONFIG_FILE) {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".aws/config"),
    };
    let text = std::fs::read_to_string(&path).ok()?;
    let wanted = match profile {
        None | Some("default") => "default".to_string(),
        Some(p) => format!("profile {p}"),
    };
    let mut in_section = false;
    for line in text.lines() {
        let line = line.trim();
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            in_section = section.trim() == wanted;
        } else if let Some((_, v)) = line
            .split_once('=')
            .filter(|(k, v)| in_section && k.trim() == "region" && !v.trim().is_empty())
        {
            return Some((v.trim().to_string(), path));
        }
    }
    None
}
