//! The one STS operation the fake answers, `GetCallerIdentity` (so `status` can be tested with
//! `AWS_ENDPOINT_URL_STS` pointed here). STS speaks awsquery: a form-encoded `POST /`
//! (`Action=GetCallerIdentity&Version=2011-06-15`, what aws-sdk-sts 1.124.0 serialises) answered
//! with XML, and errors as `<ErrorResponse><Error>…` (what its `rest_xml_wrapped_errors` parses).

use super::http::{Body, Response};
use super::state::State;
use super::util;

/// The API version every awsquery STS request names.
pub const VERSION: &str = "2011-06-15";

/// The user the fake's credentials belong to (`arn:aws:iam::<account>:user/alice`).
pub const CALLER_USER: &str = "alice";

/// The caller's unique id (the shape of an IAM user id: `AIDA` + 17 characters).
pub const CALLER_USER_ID: &str = "AIDAFAKEUSERALICE0001";

/// The form parameters of an awsquery request body.
pub fn form(body: &[u8]) -> Vec<(String, String)> {
    util::parse_query(&String::from_utf8_lossy(body))
}

/// Whether a `POST /` body asks for `GetCallerIdentity` (any version: a wrong one is answered
/// with an error by [`handle`], not classified as some other operation).
pub fn is_get_caller_identity(body: &[u8]) -> bool {
    form(body)
        .iter()
        .any(|(k, v)| k == "Action" && v == "GetCallerIdentity")
}

/// The caller ARN for `account`.
pub fn caller_arn(account: &str) -> String {
    format!("arn:aws:iam::{account}:user/{CALLER_USER}")
}

/// Answers `GetCallerIdentity` (the caller already classified the request).
pub fn handle(state: &State, body: &[u8]) -> Response {
    let version = form(body)
        .into_iter()
        .find(|(k, _)| k == "Version")
        .map(|(_, v)| v);
    if version.as_deref() != Some(VERSION) {
        return error(
            400,
            "InvalidAction",
            &format!(
                "Could not find operation GetCallerIdentity for version {}",
                version.as_deref().unwrap_or("NO_VERSION_SPECIFIED")
            ),
        );
    }
    let account = state.caller_account.as_deref().unwrap_or(&state.account);
    let request_id = util::uuid_v4();
    let xml = format!(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/{VERSION}/\">\n\
         \x20 <GetCallerIdentityResult>\n\
         \x20   <Arn>{}</Arn>\n\
         \x20   <UserId>{CALLER_USER_ID}</UserId>\n\
         \x20   <Account>{account}</Account>\n\
         \x20 </GetCallerIdentityResult>\n\
         \x20 <ResponseMetadata>\n\
         \x20   <RequestId>{}</RequestId>\n\
         \x20 </ResponseMetadata>\n\
         </GetCallerIdentityResponse>\n",
        caller_arn(account),
        request_id
    );
    xml_response(200, xml, request_id)
}

/// An awsquery error: `Sender` faults for 4xx, `Receiver` for 5xx, as STS words them.
pub fn error(status: u16, code: &str, message: &str) -> Response {
    let kind = if status >= 500 { "Receiver" } else { "Sender" };
    let request_id = util::uuid_v4();
    let xml = format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/{VERSION}/\">\n\
         \x20 <Error>\n\
         \x20   <Type>{kind}</Type>\n\
         \x20   <Code>{}</Code>\n\
         \x20   <Message>{}</Message>\n\
         \x20 </Error>\n\
         \x20 <RequestId>{}</RequestId>\n\
         </ErrorResponse>\n",
        escape(code),
        escape(message),
        request_id
    );
    xml_response(status, xml, request_id)
}

/// STS repeats the body's request id in `x-amzn-RequestId`.
fn xml_response(status: u16, xml: String, request_id: String) -> Response {
    Response {
        status,
        headers: vec![
            ("Content-Type".into(), "text/xml".into()),
            ("x-amzn-RequestId".into(), request_id),
        ],
        body: Body::Full(xml.into_bytes()),
    }
}

/// Escapes text for an XML element.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
