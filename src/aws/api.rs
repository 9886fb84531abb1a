//! Thin wrappers over the inference-profile operations, returning plain data and explained errors.

use aws_sdk_bedrock::types::{InferenceProfileModelSource, InferenceProfileType, Tag};

use super::client::Aws;
use super::errors::{Explained, explain};

/// An inference profile as Bedrock describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteProfile {
    pub name: String,
    pub arn: String,
    pub id: String,
    /// Foundation-model ARNs it routes to.
    pub model_arns: Vec<String>,
    pub status: String,
    pub description: Option<String>,
    pub created_at: Option<String>,
}

macro_rules! remote {
    ($p:expr) => {
        RemoteProfile {
            name: $p.inference_profile_name().to_string(),
            arn: $p.inference_profile_arn().to_string(),
            id: $p.inference_profile_id().to_string(),
            model_arns: $p
                .models()
                .iter()
                .filter_map(|m| m.model_arn().map(str::to_string))
                .collect(),
            status: $p.status().as_str().to_string(),
            description: $p.description().map(str::to_string),
            created_at: $p.created_at().map(|t| t.to_string()),
        }
    };
}

/// Every APPLICATION profile in the account and Region (all pages).
pub fn list_profiles(aws: &Aws) -> Result<Vec<RemoteProfile>, Explained> {
    list(aws, InferenceProfileType::Application)
}

/// Every SYSTEM_DEFINED profile (all pages).
pub fn system_profiles(aws: &Aws) -> Result<Vec<RemoteProfile>, Explained> {
    list(aws, InferenceProfileType::SystemDefined)
}

fn list(aws: &Aws, kind: InferenceProfileType) -> Result<Vec<RemoteProfile>, Explained> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let resp = aws
            .block_on(
                aws.client
                    .list_inference_profiles()
                    .type_equals(kind.clone())
                    .max_results(1000)
                    .set_next_token(token.take())
                    .send(),
            )
            .map_err(|e| explain("bedrock:ListInferenceProfiles", &aws.target.region, &e))?;
        out.extend(
            resp.inference_profile_summaries()
                .iter()
                .map(|p| remote!(p)),
        );
        match resp.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

/// One profile by id or ARN; `Ok(None)` when it does not exist.
pub fn get_profile(aws: &Aws, id: &str) -> Result<Option<RemoteProfile>, Explained> {
    match aws.block_on(
        aws.client
            .get_inference_profile()
            .inference_profile_identifier(id)
            .send(),
    ) {
        Ok(p) => Ok(Some(remote!(p))),
        Err(e) => {
            let err = explain("bedrock:GetInferenceProfile", &aws.target.region, &e);
            match err.error {
                super::AwsError::NotFound { .. } => Ok(None),
                _ => Err(err),
            }
        }
    }
}

/// Creates an application profile; returns its ARN.
pub fn create_profile(
    aws: &Aws,
    name: &str,
    description: &str,
    copy_from: &str,
    tags: &[(String, String)],
    token: &str,
) -> Result<String, Explained> {
    let mut req = aws
        .client
        .create_inference_profile()
        .inference_profile_name(name)
        .description(description)
        .model_source(InferenceProfileModelSource::CopyFrom(copy_from.to_string()))
        .client_request_token(token);
    for (k, v) in tags {
        let tag = Tag::builder()
            .key(k)
            .value(v)
            .build()
            .expect("key and value are set");
        req = req.tags(tag);
    }
    let resp = aws
        .block_on(req.send())
        .map_err(|e| explain("bedrock:CreateInferenceProfile", &aws.target.region, &e))?;
    Ok(resp.inference_profile_arn().to_string())
}

/// Deletes a profile by id or ARN.
pub fn delete_profile(aws: &Aws, id: &str) -> Result<(), Explained> {
    aws.block_on(
        aws.client
            .delete_inference_profile()
            .inference_profile_identifier(id)
            .send(),
    )
    .map_err(|e| explain("bedrock:DeleteInferenceProfile", &aws.target.region, &e))?;
    Ok(())
}

/// The tags of a resource.
pub fn list_tags(aws: &Aws, arn: &str) -> Result<Vec<(String, String)>, Explained> {
    let resp = aws
        .block_on(aws.client.list_tags_for_resource().resource_arn(arn).send())
        .map_err(|e| explain("bedrock:ListTagsForResource", &aws.target.region, &e))?;
    Ok(resp
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}
