//! Parsing of one Claude Code transcript line: the `assistant` lines that carry per-request usage,
//! the cumulative `cost-state` line, and the deduplication key of a request.
//!
//! Transcripts are mostly large lines that cannot carry usage (attachments, request shapes of tens
//! of kilobytes), so [`parse_line`] first looks for the two byte strings a usage-bearing line must
//! contain and returns [`Line::Other`] without any JSON parsing when they are absent. Only the
//! fields accounting needs are deserialised; the rest is skipped by serde.

use std::collections::BTreeMap;

use memchr::memmem;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny};

use crate::usage::Tokens;

/// One `assistant` line that reports usage (one per content block; see [`dedup_key`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UsageLine {
    pub session_id: Option<String>,
    /// `message.id`.
    pub message_id: Option<String>,
    /// `requestId` (the Bedrock `x-amzn-RequestId`).
    pub request_id: Option<String>,
    /// The id Claude Code asked for (the profile ARN): what prices the request.
    pub requested_model: Option<String>,
    /// `message.model`: whatever the server reported.
    pub model: Option<String>,
    /// Raw RFC 3339 timestamp of the line.
    pub timestamp: Option<String>,
    pub is_sidechain: bool,
    pub agent_id: Option<String>,
    pub tokens: Tokens,
    pub cwd: Option<String>,
    pub git_branch: Option<String>,
    /// Claude Code's version.
    pub version: Option<String>,
}

impl UsageLine {
    /// The id that prices this request: `requestedModel`, else `message.model`.
    pub fn priced_id(&self) -> Option<&str> {
        self.requested_model.as_deref().or(self.model.as_deref())
    }
}

/// A `cost-state` line: Claude Code's cumulative totals for the whole session so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CostState {
    pub session_id: Option<String>,
    pub total_cost_usd: Option<f64>,
    pub has_unknown_model_cost: bool,
    /// Keyed by the requested id (the profile ARN).
    pub model_usage: BTreeMap<String, Tokens>,
    /// Claude Code's own `costUSD` per requested id.
    pub cost_usd_by_model: BTreeMap<String, f64>,
}

/// What one transcript line means for accounting.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    Usage(UsageLine),
    CostState(CostState),
    /// An API-error line (`message.model == "<synthetic>"` or `isApiErrorMessage`): zero usage,
    /// skipped and counted.
    Synthetic,
    /// A line that cannot carry usage.
    Other,
}

/// Why a line could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    #[error("malformed JSON: {0}")]
    Malformed(String),
    #[error("unexpected value: {0}")]
    WrongType(String),
}

/// Identity of one request, shared by all the content-block lines of one reply.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DedupKey {
    pub message_id: String,
    /// `None` when the line has no `requestId` (then `message.id` alone identifies it).
    pub request_id: Option<String>,
}

/// The dedup key of a usage line: (`message.id`, `requestId`), or `message.id` alone; `None`
/// when the line has no `message.id` (it is then counted on its own).
pub fn dedup_key(u: &UsageLine) -> Option<DedupKey> {
    Some(DedupKey {
        message_id: u.message_id.clone()?,
        request_id: u.request_id.clone(),
    })
}

/// Parses one line (without its trailing newline; a trailing `\r` or spaces are fine).
pub fn parse_line(line: &[u8]) -> Result<Line, LineError> {
    // Fast path: usage lines contain `"usage"`, cost-state lines `cost-state`. Everything else
    // (the bulk of a transcript by bytes) is skipped without parsing.
    let maybe_usage = memmem::find(line, b"\"usage\"").is_some();
    let maybe_cost = memmem::find(line, b"cost-state").is_some();
    if !maybe_usage && !maybe_cost {
        return Ok(Line::Other);
    }
    let raw: RawLine = serde_json::from_slice(line).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => LineError::WrongType(e.to_string()),
        _ => LineError::Malformed(e.to_string()),
    })?;
    Ok(raw.into_line())
}

/// The top level of a transcript line, only the fields accounting reads.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLine {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    session_id: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    requested_model: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default, deserialize_with = "lenient_bool")]
    is_sidechain: bool,
    #[serde(default)]
    agent_id: Option<String>,
    #[serde(default)]
    cwd: Option<String>,
    #[serde(default)]
    git_branch: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default, deserialize_with = "lenient_bool")]
    is_api_error_message: bool,
    /// Present on `assistant` lines. Kept loose (`MaybeMessage`) so that a `user` line whose
    /// `message` has another shape is not an error.
    #[serde(default)]
    message: MaybeMessage,
    // cost-state fields
    #[serde(rename = "totalCostUSD", default, deserialize_with = "opt_f64")]
    total_cost_usd: Option<f64>,
    #[serde(default, deserialize_with = "lenient_bool")]
    has_unknown_model_cost: bool,
    #[serde(default)]
    model_usage: Option<BTreeMap<String, RawModelUsage>>,
}

impl RawLine {
    fn into_line(self) -> Line {
        match self.kind.as_deref() {
            Some("cost-state") => {
                let mut model_usage = BTreeMap::new();
                let mut cost_usd_by_model = BTreeMap::new();
                for (id, m) in self.model_usage.unwrap_or_default() {
                    if let Some(c) = m.cost_usd {
                        cost_usd_by_model.insert(id.clone(), c);
                    }
                    model_usage.insert(id, m.tokens());
                }
                Line::CostState(CostState {
                    session_id: self.session_id,
                    total_cost_usd: self.total_cost_usd,
                    has_unknown_model_cost: self.has_unknown_model_cost,
                    model_usage,
                    cost_usd_by_model,
                })
            }
            Some("assistant") => {
                let MaybeMessage(Some(msg)) = self.message else {
                    return Line::Other;
                };
                if self.is_api_error_message || msg.model.as_deref() == Some("<synthetic>") {
                    return Line::Synthetic;
                }
                let Some(usage) = msg.usage else {
                    return Line::Other;
                };
                Line::Usage(UsageLine {
                    session_id: self.session_id,
                    message_id: msg.id,
                    request_id: self.request_id,
                    requested_model: self.requested_model,
                    model: msg.model,
                    timestamp: self.timestamp,
                    is_sidechain: self.is_sidechain,
                    agent_id: self.agent_id,
                    tokens: usage.tokens(),
                    cwd: self.cwd,
                    git_branch: self.git_branch,
                    version: self.version,
                })
            }
            _ => Line::Other,
        }
    }
}

/// `message` of an assistant line, or nothing for any other shape.
#[derive(Default)]
struct MaybeMessage(Option<RawMessage>);

impl<'de> Deserialize<'de> for MaybeMessage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Only an object can be an assistant message; anything else (a string, null) is skipped
        // without buffering it.
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = MaybeMessage;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a message")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<MaybeMessage, A::Error> {
                RawMessage::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|m| MaybeMessage(Some(m)))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<MaybeMessage, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(MaybeMessage(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<MaybeMessage, E> {
                Ok(MaybeMessage(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<MaybeMessage, E> {
                Ok(MaybeMessage(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<MaybeMessage, E> {
                Ok(MaybeMessage(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<MaybeMessage, E> {
                Ok(MaybeMessage(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<MaybeMessage, E> {
                Ok(MaybeMessage(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<MaybeMessage, E> {
                Ok(MaybeMessage(None))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
struct RawMessage {
    #[serde(default, deserialize_with = "opt_string")]
    id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    model: Option<String>,
    #[serde(default)]
    usage: Option<RawUsage>,
}

/// `message.usage` in the Anthropic API's snake_case.
#[derive(Deserialize)]
struct RawUsage {
    #[serde(default, deserialize_with = "count")]
    input_tokens: u64,
    #[serde(default, deserialize_with = "count")]
    output_tokens: u64,
    #[serde(default, deserialize_with = "count")]
    cache_creation_input_tokens: u64,
    #[serde(default, deserialize_with = "count")]
    cache_read_input_tokens: u64,
    #[serde(default)]
    cache_creation: Option<RawCacheCreation>,
    #[serde(default)]
    server_tool_use: Option<RawServerToolUse>,
}

#[derive(Deserialize)]
struct RawCacheCreation {
    #[serde(default, deserialize_with = "count")]
    ephemeral_5m_input_tokens: u64,
    #[serde(default, deserialize_with = "count")]
    ephemeral_1h_input_tokens: u64,
}

#[derive(Deserialize)]
struct RawServerToolUse {
    #[serde(default, deserialize_with = "count")]
    web_search_requests: u64,
}

impl RawUsage {
    fn tokens(&self) -> Tokens {
        let (w5, w1) = split_cache_write(
            self.cache_creation_input_tokens,
            self.cache_creation
                .as_ref()
                .map(|c| (c.ephemeral_5m_input_tokens, c.ephemeral_1h_input_tokens)),
        );
        Tokens {
            input: self.input_tokens,
            output: self.output_tokens,
            cache_write_5m: w5,
            cache_write_1h: w1,
            cache_read: self.cache_read_input_tokens,
            web_search_requests: self
                .server_tool_use
                .as_ref()
                .map_or(0, |s| s.web_search_requests),
        }
    }
}

/// Splits a cache-write total into 5-minute and 1-hour parts. Without a breakdown (older
/// versions) everything is a 5-minute write, Claude Code's default TTL; a breakdown that does not
/// add up keeps the larger of the total and the parts, the excess counted as 5-minute.
fn split_cache_write(total: u64, parts: Option<(u64, u64)>) -> (u64, u64) {
    match parts {
        None => (total, 0),
        Some((w5, w1)) => {
            let sum = w5.saturating_add(w1);
            if total > sum {
                (w5.saturating_add(total - sum), w1)
            } else {
                (w5, w1)
            }
        }
    }
}

/// One entry of `cost-state.modelUsage` (camelCase).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawModelUsage {
    #[serde(default, deserialize_with = "count")]
    input_tokens: u64,
    #[serde(default, deserialize_with = "count")]
    output_tokens: u64,
    #[serde(default, deserialize_with = "count")]
    cache_read_input_tokens: u64,
    #[serde(default, deserialize_with = "count")]
    cache_creation_input_tokens: u64,
    #[serde(default, deserialize_with = "opt_count")]
    cache_creation_ephemeral5m_input_tokens: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    cache_creation_ephemeral1h_input_tokens: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    web_search_requests: u64,
    #[serde(rename = "costUSD", default, deserialize_with = "opt_f64")]
    cost_usd: Option<f64>,
}

impl RawModelUsage {
    fn tokens(&self) -> Tokens {
        let parts = match (
            self.cache_creation_ephemeral5m_input_tokens,
            self.cache_creation_ephemeral1h_input_tokens,
        ) {
            (None, None) => None,
            (a, b) => Some((a.unwrap_or(0), b.unwrap_or(0))),
        };
        let (w5, w1) = split_cache_write(self.cache_creation_input_tokens, parts);
        Tokens {
            input: self.input_tokens,
            output: self.output_tokens,
            cache_write_5m: w5,
            cache_write_1h: w1,
            cache_read: self.cache_read_input_tokens,
            web_search_requests: self.web_search_requests,
        }
    }
}

/// A token count: a non-negative integer (an integral float such as `12.0` is accepted; `null`
/// is 0). Negative, fractional, non-finite or larger than `u64` is an error, never a panic.
fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(opt_count(d)?.unwrap_or(0))
}

fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    struct V;
    impl<'de> de::Visitor<'de> for V {
        type Value = Option<u64>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a non-negative token count")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<u64>, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<u64>, E> {
            u64::try_from(v)
                .map(Some)
                .map_err(|_| E::custom(format!("negative token count {v}")))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<u64>, E> {
            // 2^64 as f64; anything at or above it (or non-integral, negative, NaN) is refused.
            if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 18_446_744_073_709_551_616.0 {
                Ok(Some(v as u64))
            } else {
                Err(E::custom(format!("invalid token count {v}")))
            }
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<u64>, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<u64>, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

/// A dollar figure: any finite number; `null` is absent.
fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let v = Option::<f64>::deserialize(d)?;
    Ok(v.filter(|x| x.is_finite()))
}

/// A string, or absent for `null`.
fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(d)
}

/// `true`/`false`; `null` is false.
fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(d)?.unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str =
        "arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/abc123xyz";

    fn assistant(extra_usage: &str) -> String {
        format!(
            r#"{{"type":"assistant","sessionId":"s1","timestamp":"2026-11-28T13:25:07.793Z","requestId":"r1","requestedModel":"{ARN}","isSidechain":false,"version":"2.1.332","gitBranch":"main","cwd":"/x","message":{{"id":"m1","model":"claude-sonnet-4-5-20250929","content":[{{"type":"text","text":"hi"}}],"usage":{{{extra_usage}}}}}}}"#
        )
    }

    #[test]
    fn parses_an_assistant_line() {
        let l = assistant(
            r#""input_tokens":1234,"output_tokens":42,"cache_creation_input_tokens":2000,"cache_read_input_tokens":3000,"cache_creation":{"ephemeral_5m_input_tokens":1500,"ephemeral_1h_input_tokens":500},"server_tool_use":{"web_search_requests":2}"#,
        );
        let Line::Usage(u) = parse_line(l.as_bytes()).unwrap() else {
            panic!("not usage")
        };
        assert_eq!(u.session_id.as_deref(), Some("s1"));
        assert_eq!(u.message_id.as_deref(), Some("m1"));
        assert_eq!(u.request_id.as_deref(), Some("r1"));
        assert_eq!(u.requested_model.as_deref(), Some(ARN));
        assert_eq!(u.priced_id(), Some(ARN));
        assert_eq!(u.model.as_deref(), Some("claude-sonnet-4-5-20250929"));
        assert_eq!(u.git_branch.as_deref(), Some("main"));
        assert_eq!(
            u.tokens,
            Tokens {
                input: 1234,
                output: 42,
                cache_write_5m: 1500,
                cache_write_1h: 500,
                cache_read: 3000,
                web_search_requests: 2
            }
        );
        assert_eq!(
            dedup_key(&u),
            Some(DedupKey {
                message_id: "m1".into(),
                request_id: Some("r1".into())
            })
        );
    }

    #[test]
    fn cache_write_without_breakdown_is_five_minute() {
        let l = assistant(r#""input_tokens":1,"output_tokens":2,"cache_creation_input_tokens":30"#);
        let Line::Usage(u) = parse_line(l.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!((u.tokens.cache_write_5m, u.tokens.cache_write_1h), (30, 0));
    }

    #[test]
    fn parses_cost_state() {
        let l = format!(
            r#"{{"type":"cost-state","sessionId":"s","totalCostUSD":0.013857,"modelUsage":{{"{ARN}":{{"inputTokens":1234,"outputTokens":42,"cacheReadInputTokens":3000,"cacheCreationInputTokens":2000,"cacheCreationEphemeral5mInputTokens":1500,"cacheCreationEphemeral1hInputTokens":500,"webSearchRequests":0,"costUSD":0.013857}}}},"hasUnknownModelCost":true}}"#
        );
        let Line::CostState(c) = parse_line(l.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(c.total_cost_usd, Some(0.013857));
        assert!(c.has_unknown_model_cost);
        let t = c.model_usage[ARN];
        assert_eq!(
            (
                t.input,
                t.output,
                t.cache_write_5m,
                t.cache_write_1h,
                t.cache_read
            ),
            (1234, 42, 1500, 500, 3000)
        );
        assert_eq!(c.cost_usd_by_model[ARN], 0.013857);
    }

    #[test]
    fn synthetic_and_other_lines() {
        let syn = r#"{"type":"assistant","message":{"id":"x","model":"<synthetic>","usage":{"input_tokens":0,"output_tokens":0}},"isApiErrorMessage":true}"#;
        assert_eq!(parse_line(syn.as_bytes()).unwrap(), Line::Synthetic);
        let user = r#"{"type":"user","message":{"role":"user","content":"what is \"usage\"?"}}"#;
        assert_eq!(parse_line(user.as_bytes()).unwrap(), Line::Other);
        let user_str = r#"{"type":"user","message":"\"usage\""}"#;
        assert_eq!(parse_line(user_str.as_bytes()).unwrap(), Line::Other);
        // No marker: not parsed at all, even though it is not JSON.
        assert_eq!(parse_line(b"{not json at all").unwrap(), Line::Other);
        let no_usage =
            r#"{"type":"assistant","message":{"id":"x","model":"m"},"note":"cost-state"}"#;
        assert_eq!(parse_line(no_usage.as_bytes()).unwrap(), Line::Other);
    }

    #[test]
    fn bad_lines_are_errors_not_panics() {
        let whole = assistant(r#""input_tokens":1"#);
        let torn = &whole[..whole.len() - 10];
        assert!(matches!(
            parse_line(torn.as_bytes()),
            Err(LineError::Malformed(_))
        ));
        // Torn before the `"usage"` key: nothing usage-bearing is lost, so it is just Other.
        assert_eq!(parse_line(&whole.as_bytes()[..60]).unwrap(), Line::Other);
        for bad in [
            r#""input_tokens":-5"#,
            r#""input_tokens":1.5"#,
            r#""input_tokens":"12""#,
            r#""input_tokens":1e30"#,
            r#""input_tokens":123456789012345678901234567890"#,
        ] {
            let l = assistant(bad);
            assert!(
                matches!(parse_line(l.as_bytes()), Err(LineError::WrongType(_))),
                "{bad}"
            );
        }
        let ok = assistant(r#""input_tokens":18446744073709551615,"output_tokens":null"#);
        let Line::Usage(u) = parse_line(ok.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!((u.tokens.input, u.tokens.output), (u64::MAX, 0));
    }

    #[test]
    fn dedup_key_falls_back_to_message_id() {
        let u = UsageLine {
            message_id: Some("m".into()),
            ..Default::default()
        };
        assert_eq!(
            dedup_key(&u),
            Some(DedupKey {
                message_id: "m".into(),
                request_id: None
            })
        );
        assert_eq!(dedup_key(&UsageLine::default()), None);
    }

    proptest::proptest! {
        /// Arbitrary bytes, and real lines cut or corrupted anywhere, never panic.
        #[test]
        fn never_panics(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
            cut in 0usize..2000,
            flip in 0usize..2000,
            byte in proptest::prelude::any::<u8>(),
        ) {
            let _ = parse_line(&bytes);
            let mut with_marker = b"{\"usage\":".to_vec();
            with_marker.extend_from_slice(&bytes);
            let _ = parse_line(&with_marker);
            let real = assistant(
                r#""input_tokens":1234,"output_tokens":42,"cache_creation_input_tokens":2000,"cache_read_input_tokens":3000,"cache_creation":{"ephemeral_5m_input_tokens":1500,"ephemeral_1h_input_tokens":500}"#,
            )
            .into_bytes();
            let _ = parse_line(&real[..cut.min(real.len())]);
            let mut corrupt = real.clone();
            let i = flip % corrupt.len();
            corrupt[i] = byte;
            let _ = parse_line(&corrupt);
        }
    }
}
