//! Who the credentials are: STS `GetCallerIdentity`, for `status` only. The launch path never
//! calls it (a launch needs Bedrock, not STS, and must stay one round-trip on a cache miss).
//!
//! The STS client is built on demand from the same `SdkConfig` as the Bedrock client, so Region,
//! credentials, timeouts and endpoint overrides (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`) match.

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_credential_types::provider::ProvideCredentials;

use super::client::Aws;
use super::errors::{AwsError, Explained, explain};
use crate::env_vars;

/// The IAM action behind [`caller_identity`] (named in error messages).
pub const GET_CALLER_IDENTITY: &str = "sts:GetCallerIdentity";

/// Upper bound of the whole identity call, retries included.
const IDENTITY_TIMEOUT: Duration = Duration::from_secs(10);

/// What STS says about the credentials in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerIdentity {
    /// The 12-digit account id.
    pub account: String,
    /// The caller's ARN (`arn:aws:iam::…:user/…`, `arn:aws:sts::…:assumed-role/…/session`).
    pub arn: String,
    /// The unique id of the caller (`AIDA…`, or `AROA…:session` for a role).
    pub user_id: String,
}

/// Whether STS can be asked at all. STS only takes SigV4: with nothing but a Bedrock API key
/// (`AWS_BEARER_TOKEN_BEDROCK`) there is nothing to sign with. Without a key,
/// [`Aws::connect`] already checked that SigV4 credentials resolve.
pub fn sigv4_credentials(aws: &Aws) -> bool {
    if env_vars::get(env_vars::AWS_BEARER_TOKEN_BEDROCK).is_none() {
        return true;
    }
    match aws.sdk_config.credentials_provider() {
        Some(provider) => aws.block_on(provider.provide_credentials()).is_ok(),
        None => false,
    }
}

/// Asks STS `GetCallerIdentity` who the credentials are.
pub fn caller_identity(aws: &Aws) -> Result<CallerIdentity, Explained> {
    let client = aws_sdk_sts::Client::from_conf(sts_config(aws));
    let out = aws
        .block_on(client.get_caller_identity().send())
        .map_err(|e| sts_error(explain(GET_CALLER_IDENTITY, &aws.target.region, &e)))?;
    let (Some(account), Some(arn)) = (out.account(), out.arn()) else {
        return Err(Explained {
            error: AwsError::Service {
                code: "IncompleteResponse".into(),
                message: "GetCallerIdentity answered without Account or Arn".into(),
            },
            region: aws.target.region.clone(),
        });
    };
    Ok(CallerIdentity {
        account: account.to_string(),
        arn: arn.to_string(),
        user_id: out.user_id().unwrap_or_default().to_string(),
    })
}

/// The shared config, with a tighter budget: the identity is informational, so an STS endpoint
/// that a firewall drops must not stall `status` for the Bedrock client's minute-plus budget.
fn sts_config(aws: &Aws) -> aws_sdk_sts::Config {
    let retry = aws
        .sdk_config
        .retry_config()
        .cloned()
        .unwrap_or_else(aws_config::retry::RetryConfig::standard)
        .with_max_attempts(2);
    let attempt = aws
        .sdk_config
        .timeout_config()
        .and_then(TimeoutConfig::operation_attempt_timeout)
        .unwrap_or(IDENTITY_TIMEOUT)
        .min(IDENTITY_TIMEOUT);
    // Unset fields keep the shared config's values (the builder merges them).
    let timeouts = TimeoutConfig::builder()
        .operation_attempt_timeout(attempt)
        .operation_timeout(IDENTITY_TIMEOUT)
        .build();
    aws_sdk_sts::config::Builder::from(&aws.sdk_config)
        .retry_config(retry)
        .timeout_config(timeouts)
        .build()
}

/// STS (awsquery) names its errors without the `Exception` suffix the shared classifier expects
/// of Bedrock (rest-json); map the ones that mean "denied" so they read as such.
fn sts_error(mut e: Explained) -> Explained {
    if let AwsError::Service { code, message } = &e.error
        && matches!(
            code.as_str(),
            "AccessDenied" | "InvalidClientTokenId" | "SignatureDoesNotMatch"
        )
    {
        e.error = AwsError::AccessDenied {
            action: GET_CALLER_IDENTITY.to_string(),
            message: format!("{code}: {message}"),
        };
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(code: &str) -> Explained {
        Explained {
            error: AwsError::Service {
                code: code.into(),
                message: "m".into(),
            },
            region: "us-east-1".into(),
        }
    }

    #[test]
    fn sts_denials_are_access_denied_and_others_stay() {
        for code in [
            "AccessDenied",
            "InvalidClientTokenId",
            "SignatureDoesNotMatch",
        ] {
            assert_eq!(
                sts_error(service(code)).error,
                AwsError::AccessDenied {
                    action: GET_CALLER_IDENTITY.into(),
                    message: format!("{code}: m"),
                }
            );
        }
        assert_eq!(
            sts_error(service("RegionDisabledException")).error,
            service("RegionDisabledException").error
        );
    }
}
