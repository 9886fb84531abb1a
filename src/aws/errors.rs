//! Turning AWS SDK errors into one-paragraph messages that say what to fix: the missing IAM
//! action, the setting to change, the quota to raise.

use std::fmt;

use aws_sdk_bedrock::error::{ProvideErrorMetadata, SdkError};

/// IAM actions the launcher needs (shown on access denied).
pub const LAUNCHER_ACTIONS: &[&str] = &[
    "bedrock:ListInferenceProfiles",
    "bedrock:GetInferenceProfile",
    "bedrock:CreateInferenceProfile",
    "bedrock:TagResource",
    "bedrock:ListTagsForResource",
];

/// A classified AWS failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwsError {
    AccessDenied { action: String, message: String },
    Validation { message: String },
    Throttled { message: String },
    QuotaExceeded { message: String },
    Conflict { message: String },
    NotFound { message: String },
    Unreachable { detail: String },
    TimedOut,
    Service { code: String, message: String },
}

/// Classifies `err` from the operation `action` (e.g. `bedrock:CreateInferenceProfile`).
pub fn classify<E>(action: &str, err: &SdkError<E>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match err {
        SdkError::TimeoutError(_) => AwsError::TimedOut,
        SdkError::DispatchFailure(d) => {
            if d.is_timeout() {
                AwsError::TimedOut
            } else {
                AwsError::Unreachable {
                    detail: error_chain(err),
                }
            }
        }
        SdkError::ResponseError(_) | SdkError::ConstructionFailure(_) => AwsError::Unreachable {
            detail: error_chain(err),
        },
        _ => {
            let code = err.code().unwrap_or("Unknown").to_string();
            let message = err.message().unwrap_or("").to_string();
            match code.as_str() {
                "AccessDeniedException"
                | "UnauthorizedException"
                | "UnrecognizedClientException" => AwsError::AccessDenied {
                    action: action.to_string(),
                    message,
                },
                "ValidationException" => AwsError::Validation { message },
                "ThrottlingException" | "TooManyRequestsException" => {
                    AwsError::Throttled { message }
                }
                "ServiceQuotaExceededException" | "TooManyTagsException" => {
                    AwsError::QuotaExceeded { message }
                }
                "ConflictException" => AwsError::Conflict { message },
                "ResourceNotFoundException" => AwsError::NotFound { message },
                "ExpiredTokenException" | "ExpiredToken" => AwsError::AccessDenied {
                    action: action.to_string(),
                    message,
                },
                _ => AwsError::Service { code, message },
            }
        }
    }
}

/// Classifies and explains in one step.
pub fn explain<E>(action: &str, region: &str, err: &SdkError<E>) -> Explained
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    Explained {
        error: classify(action, err),
        region: region.to_string(),
    }
}

/// An [`AwsError`] with the context needed to explain it.
#[derive(Debug)]
pub struct Explained {
    pub error: AwsError,
    pub region: String,
}

impl std::error::Error for Explained {}

impl fmt::Display for Explained {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let region = &self.region;
        match &self.error {
            AwsError::AccessDenied { action, message } => write!(
                f,
                "AWS denied {action} in {region}: {message}\n\
                 Ask your AWS administrator to allow these actions for your role: {}. \
                 (If your credentials expired, log in again, e.g. `aws sso login`.)",
                LAUNCHER_ACTIONS.join(", ")
            ),
            AwsError::Validation { message } => {
                write!(f, "Bedrock rejected the request in {region}: {message}")
            }
            AwsError::Throttled { message } => write!(
                f,
                "Bedrock kept throttling the request in {region} after several retries ({message}). \
                 Wait a minute and launch again."
            ),
            AwsError::QuotaExceeded { message } => write!(
                f,
                "the Bedrock quota for application inference profiles in {region} is used up ({message}). \
                 Delete unused ones (`cc-bedrock profiles prune`) or ask for more through Service Quotas \
                 (quota code L-40EC9882)."
            ),
            AwsError::Conflict { message } => {
                write!(f, "Bedrock reported a conflict in {region}: {message}")
            }
            AwsError::NotFound { message } => write!(f, "not found in {region}: {message}"),
            AwsError::Unreachable { detail } => write!(
                f,
                "cannot reach the Bedrock endpoint for {region} ({detail}).\n\
                 Check the network, the Region, and AWS_ENDPOINT_URL_BEDROCK / AWS_ENDPOINT_URL if you set them."
            ),
            AwsError::TimedOut => write!(
                f,
                "the Bedrock endpoint for {region} did not answer in time.\n\
                 Check the network and the Region (CC_BEDROCK_AWS_TIMEOUT sets the timeout in seconds)."
            ),
            AwsError::Service { code, message } => {
                write!(f, "Bedrock answered {code} in {region}: {message}")
            }
        }
    }
}

/// The error and its sources on one line.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}
