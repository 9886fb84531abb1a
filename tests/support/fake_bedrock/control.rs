//! Control-plane operations of the fake (service `bedrock`, rest-json): List / Get / Create /
//! Delete inference profiles and the three tag operations, with the paths, query names, field names
//! and error shapes aws-sdk-bedrock 1.166.0 sends and parses.

use base64::Engine as _;
use serde_json::{Value, json};

use super::Op;
use super::http::{Request, Response};
use super::state::{CopyFromError, Kind, State};
use super::util;
use super::validate::{self, Violations};

const INVALID_MODEL: &str = "The provided model identifier is invalid.";

fn validation(msg: &str) -> Response {
    Response::error(400, "ValidationException", msg)
}

fn not_found(what: &str) -> Response {
    Response::error(
        404,
        "ResourceNotFoundException",
        &format!("The specified resource {what} could not be found."),
    )
}

/// Answers a control-plane request (the caller already classified it as `op`).
pub fn handle(state: &mut State, op: Op, req: &Request) -> Response {
    match op {
        Op::List => list(state, req),
        Op::Get => get(state, req),
        Op::Create => create(state, req),
        Op::Delete => delete(state, req),
        Op::ListTags => list_tags(state, req),
        Op::TagResource => tag_resource(state, req),
        Op::UntagResource => untag_resource(state, req),
        Op::Invoke | Op::InvokeStream | Op::GetCallerIdentity | Op::Other => Response::error(
            404,
            "UnknownOperationException",
            &format!("No operation matches {} {}", req.method, req.path),
        ),
    }
}

/// The percent-decoded `{inferenceProfileIdentifier}` label of `/inference-profiles/{id}`.
fn path_identifier(req: &Request) -> String {
    util::percent_decode(req.path.strip_prefix("/inference-profiles/").unwrap_or(""))
}

fn json_body(req: &Request) -> Result<serde_json::Map<String, Value>, Response> {
    if req.body.is_empty() {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(Response::error(
            400,
            "SerializationException",
            "The request body is not a JSON object.",
        )),
    }
}

/// Pagination tokens are opaque to clients: URL-safe base64 of `<type>:<seq of last item>`.
fn encode_token(kind: Kind, seq: u64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("fake:{}:{seq}", kind.wire()))
}

fn decode_token(token: &str, kind: Kind) -> Option<u64> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let rest = text.strip_prefix("fake:")?;
    let (ty, seq) = rest.split_once(':')?;
    if ty != kind.wire() {
        return None;
    }
    seq.parse().ok()
}

fn list(state: &mut State, req: &Request) -> Response {
    let mut max_results: Option<usize> = None;
    let mut next_token = None;
    // Without `type`, ListInferenceProfiles lists system-defined profiles (as the AWS CLI shows).
    let mut kind = Kind::System;
    for (k, v) in util::parse_query(&req.query) {
        match k.as_str() {
            "maxResults" => match v.parse::<usize>() {
                Ok(n) if (1..=1000).contains(&n) => max_results = Some(n),
                _ => {
                    return validation(&format!(
                        "1 validation error detected: Value '{v}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 1000"
                    ));
                }
            },
            "nextToken" => next_token = Some(v),
            "type" => {
                kind = match v.as_str() {
                    "SYSTEM_DEFINED" => Kind::System,
                    "APPLICATION" => Kind::Application,
                    _ => {
                        return validation(&format!(
                            "1 validation error detected: Value '{v}' at 'typeEquals' failed to satisfy constraint: Member must satisfy enum value set: [SYSTEM_DEFINED, APPLICATION]"
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    let after = match &next_token {
        None => 0,
        Some(t) => match decode_token(t, kind) {
            Some(seq) => seq,
            None => return validation("The pagination token is invalid."),
        },
    };
    let page = max_results.unwrap_or(1000).min(state.page_size).max(1);
    let matching: Vec<_> = state
        .profiles
        .iter()
        .filter(|p| p.kind == kind && p.seq > after)
        .collect();
    let items: Vec<Value> = matching.iter().take(page).map(|p| p.to_json()).collect();
    let mut out = json!({ "inferenceProfileSummaries": items });
    if matching.len() > page {
        out["nextToken"] = Value::String(encode_token(kind, matching[page - 1].seq));
    }
    Response::json(200, &out)
}

fn get(state: &mut State, req: &Request) -> Response {
    let ident = path_identifier(req);
    match state.find(&ident) {
        Some(p) => Response::json(200, &p.to_json()),
        None => not_found(&ident),
    }
}

fn delete(state: &mut State, req: &Request) -> Response {
    let ident = path_identifier(req);
    let Some(i) = state
        .profiles
        .iter()
        .position(|p| p.id == ident || p.arn == ident)
    else {
        return not_found(&ident);
    };
    if state.profiles[i].kind == Kind::System {
        return validation("System-defined inference profiles cannot be deleted.");
    }
    state.profiles.remove(i);
    Response::json(200, &json!({}))
}

/// Reads `[{key, value}]`; `None` when the shape is wrong.
fn parse_tags(v: Option<&Value>) -> Option<Vec<(String, String)>> {
    match v {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|t| {
                Some((
                    t.get("key")?.as_str()?.to_string(),
                    t.get("value")?.as_str()?.to_string(),
                ))
            })
            .collect(),
        Some(_) => None,
    }
}

fn str_field<'a>(
    body: &'a serde_json::Map<String, Value>,
    key: &str,
) -> Result<Option<&'a str>, Response> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Response::error(
            400,
            "SerializationException",
            &format!("Field {key} must be a string."),
        )),
    }
}

fn create(state: &mut State, req: &Request) -> Response {
    match create_inner(state, req) {
        Ok(r) | Err(r) => r,
    }
}

fn create_inner(state: &mut State, req: &Request) -> Result<Response, Response> {
    let body = json_body(req)?;
    let name = str_field(&body, "inferenceProfileName")?;
    let description = str_field(&body, "description")?;
    let token = str_field(&body, "clientRequestToken")?;
    let copy_from = match body.get("modelSource") {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) => str_field(m, "copyFrom")?,
        Some(_) => return Err(validation("modelSource must be a structure.")),
    };
    let Some(tags) = parse_tags(body.get("tags")) else {
        return Err(Response::error(
            400,
            "SerializationException",
            "tags must be a list of {key, value}.",
        ));
    };

    let mut v = Violations::default();
    match name {
        None => v.add("null", "inferenceProfileName", "Member must not be null"),
        Some(n) => v.check_string(
            n,
            "inferenceProfileName",
            1,
            64,
            validate::NAME_PATTERN,
            validate::is_valid_name_chars,
        ),
    }
    if let Some(d) = description {
        v.check_string(
            d,
            "description",
            1,
            200,
            validate::DESCRIPTION_PATTERN,
            validate::is_valid_description_chars,
        );
    }
    if let Some(t) = token {
        v.check_string(
            t,
            "clientRequestToken",
            1,
            256,
            validate::TOKEN_PATTERN,
            validate::is_valid_token,
        );
    }
    match copy_from {
        None => v.add("null", "modelSource", "Member must not be null"),
        Some(c) => v.check_string(c, "modelSource.copyFrom", 1, 2048, "arn pattern", |_| true),
    }
    v.check_tags(&tags, "tags");
    if let Some(msg) = v.message() {
        return Err(validation(&msg));
    }
    let (Some(name), Some(copy_from)) = (name, copy_from) else {
        return Err(validation("missing field")); // unreachable: reported above
    };
    if tags.len() > validate::MAX_TAGS {
        return Err(Response::error(
            400,
            "TooManyTagsException",
            &format!("A resource can have at most {} tags.", validate::MAX_TAGS),
        ));
    }

    // A repeated token: the same request returns what the first one created, and creates nothing.
    let fingerprint = fingerprint(name, description, copy_from, &tags);
    if let Some(t) = token
        && let Some((fp, arn)) = state.tokens.get(t)
    {
        if *fp == fingerprint {
            return Ok(created(arn));
        }
        return Err(Response::error(
            400,
            "ConflictException",
            "The client request token was already used with different request parameters.",
        ));
    }

    let models = match state.resolve_copy_from(copy_from) {
        Ok(m) => m,
        Err(CopyFromError::ApplicationProfile) => {
            return Err(validation(
                "The provided model identifier is invalid: an application inference profile cannot be copied.",
            ));
        }
        Err(CopyFromError::Invalid) => return Err(validation(INVALID_MODEL)),
    };

    if std::mem::take(&mut state.conflict_next_create) && state.app_by_name(name).is_none() {
        // Another process "won the race": its profile exists now, ours is refused.
        state.insert_app(name, description, copy_from, models, tags);
        return Err(conflict(name));
    }
    if state.app_by_name(name).is_some() {
        return Err(conflict(name));
    }
    if state.app_count() >= state.quota {
        return Err(Response::error(
            400,
            "ServiceQuotaExceededException",
            "You have reached the maximum number of inference profiles for this account and Region.",
        ));
    }
    let arn = state.insert_app(name, description, copy_from, models, tags);
    if let Some(t) = token {
        state
            .tokens
            .insert(t.to_string(), (fingerprint, arn.clone()));
    }
    Ok(created(&arn))
}

fn created(arn: &str) -> Response {
    Response::json(
        201,
        &json!({ "inferenceProfileArn": arn, "status": "ACTIVE" }),
    )
}

fn conflict(name: &str) -> Response {
    Response::error(
        400,
        "ConflictException",
        &format!("An inference profile named {name} already exists."),
    )
}

fn fingerprint(
    name: &str,
    description: Option<&str>,
    copy_from: &str,
    tags: &[(String, String)],
) -> String {
    let mut tags = tags.to_vec();
    tags.sort();
    json!([name, description, copy_from, tags]).to_string()
}

fn resource_arn(body: &serde_json::Map<String, Value>) -> Result<String, Response> {
    match str_field(body, "resourceARN")? {
        Some(a) if !a.is_empty() => Ok(a.to_string()),
        _ => Err(validation(
            "1 validation error detected: Value null at 'resourceARN' failed to satisfy constraint: Member must not be null",
        )),
    }
}

fn list_tags(state: &mut State, req: &Request) -> Response {
    let result = (|| {
        let body = json_body(req)?;
        let arn = resource_arn(&body)?;
        let Some(p) = state.find_by_arn(&arn) else {
            return Err(not_found(&arn));
        };
        let tags: Vec<Value> = p
            .tags
            .iter()
            .map(|(k, v)| json!({ "key": k, "value": v }))
            .collect();
        Ok(Response::json(200, &json!({ "tags": tags })))
    })();
    result.unwrap_or_else(|e| e)
}

/// Finds the application profile a tag operation targets.
fn taggable<'a>(
    state: &'a mut State,
    arn: &str,
) -> Result<&'a mut super::state::Profile, Response> {
    match state.profiles.iter_mut().find(|p| p.arn == arn) {
        None => Err(not_found(arn)),
        Some(p) if p.kind == Kind::System => Err(validation(
            "System-defined inference profiles cannot be tagged.",
        )),
        Some(p) => Ok(p),
    }
}

fn tag_resource(state: &mut State, req: &Request) -> Response {
    let result = (|| {
        let body = json_body(req)?;
        let arn = resource_arn(&body)?;
        let Some(tags) = parse_tags(body.get("tags")) else {
            return Err(Response::error(
                400,
                "SerializationException",
                "tags must be a list of {key, value}.",
            ));
        };
        let mut v = Violations::default();
        v.check_tags(&tags, "tags");
        if let Some(msg) = v.message() {
            return Err(validation(&msg));
        }
        let p = taggable(state, &arn)?;
        let mut merged = p.tags.clone();
        for (k, val) in tags {
            match merged.iter_mut().find(|(mk, _)| *mk == k) {
                Some(slot) => slot.1 = val,
                None => merged.push((k, val)),
            }
        }
        if merged.len() > validate::MAX_TAGS {
            return Err(Response::error(
                400,
                "TooManyTagsException",
                &format!("A resource can have at most {} tags.", validate::MAX_TAGS),
            ));
        }
        p.tags = merged;
        Ok(Response::json(200, &json!({})))
    })();
    result.unwrap_or_else(|e| e)
}

fn untag_resource(state: &mut State, req: &Request) -> Response {
    let result = (|| {
        let body = json_body(req)?;
        let arn = resource_arn(&body)?;
        let keys: Vec<String> = match body.get("tagKeys") {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect(),
            _ => return Err(validation("tagKeys must be a list of strings.")),
        };
        let p = taggable(state, &arn)?;
        p.tags.retain(|(k, _)| !keys.contains(k));
        Ok(Response::json(200, &json!({})))
    })();
    result.unwrap_or_else(|e| e)
}
