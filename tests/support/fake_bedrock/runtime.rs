//! Runtime operations of the fake (service `bedrock-runtime`): `InvokeModel` (`/invoke`, a plain
//! Anthropic Message) and `InvokeModelWithResponseStream` (`/invoke-with-response-stream`, Anthropic
//! streaming events inside AWS event-stream `chunk` frames), as Claude Code 2.1.332 uses them.
//!
//! The reply is a fixed text, or (see [`SUBAGENT_MARKER`]) a scripted `tool_use` that makes Claude
//! Code start a haiku subagent. Usage comes from the fake's per-model table.

use serde_json::{Value, json};

use super::FakeUsage;
use super::eventstream;
use super::http::{Body, Response};
use super::state::State;
use super::util;
use super::{Op, http::Request};

/// The text every plain reply carries.
pub const REPLY_TEXT: &str = "Hello from the fake Bedrock runtime.";
/// When the last user message contains this (and the model is not haiku, and no tool has answered
/// yet), the reply is a call of the subagent tool with [`subagent_input`].
pub const SUBAGENT_MARKER: &str = "CCFAKE_SUBAGENT";
/// Names Claude Code has used for its subagent tool.
const SUBAGENT_TOOLS: &[&str] = &["Agent", "Task"];

/// The input of the scripted subagent call.
pub fn subagent_input() -> Value {
    json!({
        "description": "fake sub",
        "prompt": "say hi",
        "subagent_type": "general-purpose",
        "model": "haiku"
    })
}

/// The decoded model id of `/model/<id>/invoke[-with-response-stream]` (ARN colons arrive literal,
/// `/` as `%2F`; both decode to the ARN).
pub fn model_id_from_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/model/")?;
    let raw = rest
        .strip_suffix("/invoke-with-response-stream")
        .or_else(|| rest.strip_suffix("/invoke"))?;
    Some(util::percent_decode(raw))
}

/// What the fake answers.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Reply {
    Text,
    /// A `tool_use` of the subagent tool with this name.
    Subagent(String),
}

/// The text of a message's content (a string, or the `text` blocks of a block list).
fn message_text(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(blocks) => blocks
            .iter()
            .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
            .filter_map(|b| b.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

fn choose_reply(request: &Value, backing_model: &str) -> Reply {
    if backing_model.contains("haiku") {
        return Reply::Text;
    }
    let messages = request
        .get("messages")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let has_tool_result = messages.iter().any(|m| {
        m.get("content")
            .and_then(Value::as_array)
            .is_some_and(|blocks| {
                blocks
                    .iter()
                    .any(|b| b.get("type").and_then(Value::as_str) == Some("tool_result"))
            })
    });
    let last_user_text = messages
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
        .and_then(|m| m.get("content"))
        .map(message_text)
        .unwrap_or_default();
    if has_tool_result || !last_user_text.contains(SUBAGENT_MARKER) {
        return Reply::Text;
    }
    let tool = request
        .get("tools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("name").and_then(Value::as_str))
        .find(|n| SUBAGENT_TOOLS.contains(n));
    match tool {
        Some(name) => Reply::Subagent(name.to_string()),
        None => Reply::Text,
    }
}

fn usage_json(u: &FakeUsage, output_tokens: u64) -> Value {
    json!({
        "input_tokens": u.input,
        "cache_creation_input_tokens": u.cache_write_5m + u.cache_write_1h,
        "cache_read_input_tokens": u.cache_read,
        "cache_creation": {
            "ephemeral_5m_input_tokens": u.cache_write_5m,
            "ephemeral_1h_input_tokens": u.cache_write_1h
        },
        "output_tokens": output_tokens
    })
}

fn stop_reason(reply: &Reply) -> &'static str {
    match reply {
        Reply::Text => "end_turn",
        Reply::Subagent(_) => "tool_use",
    }
}

/// The content block of `reply`, complete (for `/invoke`).
fn content_block(reply: &Reply, tool_use_id: &str) -> Value {
    match reply {
        Reply::Text => json!({ "type": "text", "text": REPLY_TEXT }),
        Reply::Subagent(name) => json!({
            "type": "tool_use", "id": tool_use_id, "name": name, "input": subagent_input()
        }),
    }
}

/// The Anthropic streaming events of one reply, in order.
fn stream_events(message_id: &str, u: &FakeUsage, reply: &Reply) -> Vec<Value> {
    let tool_use_id = format!("toolu_bdrk_{}", util::random_mixed_alnum(24));
    let (start_block, delta) = match reply {
        Reply::Text => (
            json!({ "type": "text", "text": "" }),
            json!({ "type": "text_delta", "text": REPLY_TEXT }),
        ),
        Reply::Subagent(name) => (
            json!({ "type": "tool_use", "id": tool_use_id, "name": name, "input": {} }),
            json!({ "type": "input_json_delta", "partial_json": subagent_input().to_string() }),
        ),
    };
    vec![
        json!({
            "type": "message_start",
            "message": {
                "id": message_id, "type": "message", "role": "assistant", "model": u.model_name,
                "content": [], "stop_reason": null, "stop_sequence": null,
                "usage": usage_json(u, 1)
            }
        }),
        json!({ "type": "content_block_start", "index": 0, "content_block": start_block }),
        json!({ "type": "content_block_delta", "index": 0, "delta": delta }),
        json!({ "type": "content_block_stop", "index": 0 }),
        json!({
            "type": "message_delta",
            "delta": { "stop_reason": stop_reason(reply), "stop_sequence": null },
            "usage": { "output_tokens": u.output }
        }),
        json!({
            "type": "message_stop",
            "amazon-bedrock-invocationMetrics": {
                "inputTokenCount": u.input,
                "outputTokenCount": u.output,
                "invocationLatency": 120,
                "firstByteLatency": 60,
                "cacheReadInputTokenCount": u.cache_read,
                "cacheWriteInputTokenCount": u.cache_write_5m + u.cache_write_1h
            }
        }),
    ]
}

/// Answers a runtime request (`op` is `Invoke` or `InvokeStream`).
pub fn handle(state: &State, op: Op, req: &Request) -> Response {
    let Some(model_id) = model_id_from_path(&req.path) else {
        return Response::error(
            404,
            "UnknownOperationException",
            "No such runtime operation.",
        );
    };
    // An application profile the fake does not know is refused like real Bedrock refuses it; any
    // other id is served, so tests can see untagged traffic in `invoked_model_ids()`.
    let Some(backing) = state.backing_model(&model_id) else {
        return Response::error(
            400,
            "ValidationException",
            "The provided model identifier is invalid.",
        );
    };
    let usage = state.usage_for_backing(&backing);
    // Lenient on purpose: the fake checks routing and accounting, not request schemas.
    let request: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    let reply = choose_reply(&request, &backing);
    let message_id = format!("msg_bdrk_{}", util::random_mixed_alnum(24));
    if op == Op::InvokeStream {
        let frames = stream_events(&message_id, &usage, &reply)
            .iter()
            .map(|e| eventstream::encode_chunk_event(&e.to_string()))
            .collect();
        return Response {
            status: 200,
            headers: vec![
                (
                    "Content-Type".into(),
                    "application/vnd.amazon.eventstream".into(),
                ),
                (
                    "X-Amzn-Bedrock-Content-Type".into(),
                    "application/json".into(),
                ),
            ],
            body: Body::Stream(frames),
        };
    }
    let tool_use_id = format!("toolu_bdrk_{}", util::random_mixed_alnum(24));
    let message = json!({
        "id": message_id, "type": "message", "role": "assistant", "model": usage.model_name,
        "content": [content_block(&reply, &tool_use_id)],
        "stop_reason": stop_reason(&reply), "stop_sequence": null,
        "usage": usage_json(&usage, usage.output)
    });
    let mut resp = Response::json(200, &message);
    for (k, v) in [
        ("X-Amzn-Bedrock-Input-Token-Count", usage.input),
        ("X-Amzn-Bedrock-Output-Token-Count", usage.output),
        (
            "X-Amzn-Bedrock-Cache-Read-Input-Token-Count",
            usage.cache_read,
        ),
        (
            "X-Amzn-Bedrock-Cache-Write-Input-Token-Count",
            usage.cache_write_5m + usage.cache_write_1h,
        ),
        ("X-Amzn-Bedrock-Invocation-Latency", 120),
    ] {
        resp.headers.push((k.into(), v.to_string()));
    }
    resp
}
