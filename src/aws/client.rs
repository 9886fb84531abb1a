//! Building the Bedrock control-plane client: a current-thread tokio runtime, the AWS config for
//! the target's Region and profile, bounded timeouts and retries, and an up-front credentials
//! check so a missing login is reported as such (not as a confusing request failure).

use std::future::Future;
use std::time::Duration;

use anyhow::{Context, Result};
use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_credential_types::provider::ProvideCredentials;

use crate::env_vars;
use crate::target::Target;

/// Per-attempt timeout unless `CC_BEDROCK_AWS_TIMEOUT` (seconds) says otherwise.
const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);

/// A ready Bedrock control-plane client.
pub struct Aws {
    rt: tokio::runtime::Runtime,
    pub client: aws_sdk_bedrock::Client,
    /// The loaded AWS config (Region, credentials, timeouts, retries, endpoint overrides), kept so
    /// other services' clients (STS for `status`) are built from exactly the same settings.
    pub sdk_config: aws_config::SdkConfig,
    pub target: Target,
}

impl Aws {
    /// Loads the AWS config for `target` and checks that credentials resolve.
    pub fn connect(target: &Target) -> Result<Self> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        let attempt = env_vars::get(env_vars::AWS_TIMEOUT)
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| *s > 0.0)
            .map(Duration::from_secs_f64)
            .unwrap_or(DEFAULT_ATTEMPT_TIMEOUT);
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(attempt.min(Duration::from_secs(5)))
            .operation_attempt_timeout(attempt)
            .operation_timeout(attempt * 4)
            .build();
        let retry = RetryConfig::standard()
            .with_max_attempts(4)
            .with_initial_backoff(Duration::from_millis(200))
            .with_max_backoff(Duration::from_secs(5));
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(aws_config::Region::new(target.region.clone()))
            .timeout_config(timeouts)
            .retry_config(retry);
        if let Some(p) = &target.aws_profile {
            loader = loader.profile_name(p);
        }
        let sdk_config = rt.block_on(loader.load());

        // With a Bedrock API key the SDK authenticates with it (as Claude Code does); otherwise
        // make sure SigV4 credentials exist before the first request.
        if env_vars::get(env_vars::AWS_BEARER_TOKEN_BEDROCK).is_none() {
            let provider = sdk_config.credentials_provider().ok_or_else(|| {
                anyhow::anyhow!(no_credentials_message(
                    target,
                    "no credentials provider is configured"
                ))
            })?;
            rt.block_on(provider.provide_credentials()).map_err(|e| {
                anyhow::anyhow!(no_credentials_message(target, &credentials_error_text(&e)))
            })?;
        }
        let client = aws_sdk_bedrock::Client::new(&sdk_config);
        Ok(Self {
            rt,
            client,
            sdk_config,
            target: target.clone(),
        })
    }

    /// Runs a future on this client's runtime.
    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }
}

fn credentials_error_text(e: &aws_credential_types::provider::error::CredentialsError) -> String {
    use std::error::Error;
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn no_credentials_message(target: &Target, detail: &str) -> String {
    let profile = match &target.aws_profile {
        Some(p) => format!("the AWS profile `{p}`"),
        None => "the default AWS credential chain".to_string(),
    };
    format!(
        "no usable AWS credentials from {profile} ({detail}).\n\
         cc-bedrock needs them once, to create the tagged inference profiles. Log in with \
         `aws sso login{}`, or set AWS_PROFILE (or `aws-profile` in the config) to a profile that has credentials.",
        target
            .aws_profile
            .as_ref()
            .map(|p| format!(" --profile {p}"))
            .unwrap_or_default()
    )
}
