//! The scanner's view of one transcript line: only the fields a report needs, borrowed from the
//! read buffer where possible (no allocation per line), with the same rules as
//! [`crate::usage::transcript`]: only `assistant` lines count, `<synthetic>` / API-error lines are
//! skipped, token counts are non-negative integers, cache writes split into 5-minute and 1-hour.
//!
//! The caller has already checked that the line contains `"usage"`; nothing else is parsed.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny};

use super::super::period;
use crate::usage::Tokens;

/// A usage-bearing assistant line.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageRec<'a> {
    pub message_id: Option<Cow<'a, str>>,
    pub request_id: Option<Cow<'a, str>>,
    pub ts_ms: i64,
    /// `requestedModel` (the profile ARN), what prices the request.
    pub requested: Option<Cow<'a, str>>,
    /// `message.model` (what the server reported).
    pub model: Option<Cow<'a, str>>,
    pub session: Option<Cow<'a, str>>,
    pub cwd: Option<Cow<'a, str>>,
    pub branch: Option<Cow<'a, str>>,
    pub tokens: Tokens,
}

/// What a line is, for the scanner.
// Returned by value once per parsed line and never stored: boxing the big variant would cost an
// allocation per usage line for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed<'a> {
    Usage(UsageRec<'a>),
    /// An API-error line: zero usage, skipped and counted.
    Synthetic,
    /// Not an assistant line with usage.
    Other,
    /// Not JSON, a wrong type, or no valid timestamp.
    Malformed,
}

/// Parses one complete line held in memory.
pub fn parse(line: &[u8]) -> Parsed<'_> {
    let mut de = serde_json::Deserializer::from_slice(line);
    match Top::deserialize(&mut de).and_then(|t| de.end().map(|()| t)) {
        Ok(top) => top.into_parsed(),
        Err(_) => Parsed::Malformed,
    }
}

/// Parses one line from a reader (a line too long to hold in memory): ignored values are skipped
/// without being buffered, so memory stays bounded whatever the line's size.
pub fn parse_reader<R: std::io::Read>(r: R) -> Parsed<'static> {
    let mut de = serde_json::Deserializer::from_reader(r);
    match Top::deserialize(&mut de).and_then(|t| de.end().map(|()| t)) {
        Ok(top) => match top.into_parsed() {
            Parsed::Usage(u) => Parsed::Usage(u.into_owned()),
            Parsed::Synthetic => Parsed::Synthetic,
            Parsed::Other => Parsed::Other,
            Parsed::Malformed => Parsed::Malformed,
        },
        Err(_) => Parsed::Malformed,
    }
}

impl UsageRec<'_> {
    fn into_owned(self) -> UsageRec<'static> {
        let own = |c: Option<Cow<'_, str>>| c.map(|c| Cow::Owned(c.into_owned()));
        UsageRec {
            message_id: own(self.message_id),
            request_id: own(self.request_id),
            ts_ms: self.ts_ms,
            requested: own(self.requested),
            model: own(self.model),
            session: own(self.session),
            cwd: own(self.cwd),
            branch: own(self.branch),
            tokens: self.tokens,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Top<'a> {
    #[serde(rename = "type", default, borrow, deserialize_with = "opt_cow")]
    kind: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    session_id: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    request_id: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    requested_model: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    timestamp: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    cwd: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    git_branch: Option<Cow<'a, str>>,
    #[serde(default)]
    is_api_error_message: Option<bool>,
    #[serde(default, borrow)]
    message: MaybeMessage<'a>,
}

impl<'a> Top<'a> {
    fn into_parsed(self) -> Parsed<'a> {
        if self.kind.as_deref() != Some("assistant") {
            return Parsed::Other;
        }
        let MaybeMessage(Some(msg)) = self.message else {
            return Parsed::Other;
        };
        if self.is_api_error_message == Some(true) || msg.model.as_deref() == Some("<synthetic>") {
            return Parsed::Synthetic;
        }
        let Some(usage) = msg.usage else {
            return Parsed::Other;
        };
        let Some(ts_ms) = self.timestamp.as_deref().and_then(parse_ts_ms) else {
            return Parsed::Malformed;
        };
        Parsed::Usage(UsageRec {
            message_id: msg.id,
            request_id: self.request_id,
            ts_ms,
            requested: self.requested_model,
            model: msg.model,
            session: self.session_id,
            cwd: self.cwd,
            branch: self.git_branch,
            tokens: usage.tokens(),
        })
    }
}

/// An optional string, borrowed from the input when it has no escapes. (serde does not borrow
/// through `Option<Cow<str>>` by itself; the newtype makes it.)
fn opt_cow<'de: 'a, 'a, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'a, str>>, D::Error> {
    #[derive(Deserialize)]
    struct W<'a>(#[serde(borrow)] Cow<'a, str>);
    Ok(Option::<W<'a>>::deserialize(d)?.map(|w| w.0))
}

/// `message`: an object, or anything else (skipped without buffering).
#[derive(Default)]
struct MaybeMessage<'a>(Option<Message<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for MaybeMessage<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> de::Visitor<'de> for V<'a> {
            type Value = MaybeMessage<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a message")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                Message::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|m| MaybeMessage(Some(m)))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(MaybeMessage(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(MaybeMessage(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(MaybeMessage(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(MaybeMessage(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(MaybeMessage(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(MaybeMessage(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(MaybeMessage(None))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
struct Message<'a> {
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    id: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    model: Option<Cow<'a, str>>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Usage {
    #[serde(default)]
    input_tokens: Count,
    #[serde(default)]
    output_tokens: Count,
    #[serde(default)]
    cache_creation_input_tokens: Count,
    #[serde(default)]
    cache_read_input_tokens: Count,
    #[serde(default)]
    cache_creation: Option<CacheCreation>,
    #[serde(default)]
    server_tool_use: Option<ServerToolUse>,
}

#[derive(Deserialize)]
struct CacheCreation {
    #[serde(default)]
    ephemeral_5m_input_tokens: Count,
    #[serde(default)]
    ephemeral_1h_input_tokens: Count,
}

#[derive(Deserialize)]
struct ServerToolUse {
    #[serde(default)]
    web_search_requests: Count,
}

impl Usage {
    fn tokens(&self) -> Tokens {
        let total = self.cache_creation_input_tokens.0;
        // As in `usage::transcript`: no breakdown means 5-minute writes (the default TTL); a
        // breakdown that falls short of the total puts the excess in the 5-minute bucket.
        let (w5, w1) = match &self.cache_creation {
            None => (total, 0),
            Some(c) => {
                let (a, b) = (c.ephemeral_5m_input_tokens.0, c.ephemeral_1h_input_tokens.0);
                let sum = a.saturating_add(b);
                if total > sum {
                    (a.saturating_add(total - sum), b)
                } else {
                    (a, b)
                }
            }
        };
        Tokens {
            input: self.input_tokens.0,
            output: self.output_tokens.0,
            cache_write_5m: w5,
            cache_write_1h: w1,
            cache_read: self.cache_read_input_tokens.0,
            web_search_requests: self
                .server_tool_use
                .as_ref()
                .map_or(0, |s| s.web_search_requests.0),
        }
    }
}

/// A token count: a non-negative integer (an integral float is accepted, `null` is 0); anything
/// else makes the line malformed.
#[derive(Default, Clone, Copy)]
struct Count(u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Count;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a non-negative token count")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
                Ok(Count(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
                u64::try_from(v)
                    .map(Count)
                    .map_err(|_| E::custom("negative token count"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Count, E> {
                if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 18_446_744_073_709_551_616.0
                {
                    Ok(Count(v as u64))
                } else {
                    Err(E::custom("invalid token count"))
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<Count, E> {
                Ok(Count(0))
            }
        }
        d.deserialize_any(V)
    }
}

/// Unix milliseconds of an RFC 3339 timestamp. The shape Claude Code writes
/// (`2026-11-28T13:25:07.793Z`) is decoded directly; anything else goes through jiff.
pub fn parse_ts_ms(s: &str) -> Option<i64> {
    fast_ts(s.as_bytes()).or_else(|| {
        s.parse::<jiff::Timestamp>()
            .ok()
            .map(|t| t.as_millisecond())
    })
}

fn fast_ts(b: &[u8]) -> Option<i64> {
    // YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z
    if b.len() < 20 || *b.last()? != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let frac = &b[19..b.len() - 1];
    let ms = match frac {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            let mut v = 0u32;
            for i in 0..3 {
                let c = digits.get(i).copied().unwrap_or(b'0');
                if !c.is_ascii_digit() {
                    return None;
                }
                v = v * 10 + u32::from(c - b'0');
            }
            if !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            v
        }
        _ => return None,
    };
    // A day that does not exist in its month (Feb 30) is left to jiff, which refuses it.
    let day = period::day_of(y as i32, mo as u8, d as u8);
    if period::civil(day) != (y as i32, mo as u8, d as u8) {
        return None;
    }
    Some(i64::from(day) * 86_400_000 + i64::from(h * 3600 + mi * 60 + s) * 1000 + i64::from(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"parentUuid":"p","isSidechain":false,"message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"say \"usage\""}],"usage":{"input_tokens":1234,"cache_creation_input_tokens":2000,"cache_read_input_tokens":3000,"output_tokens":42,"server_tool_use":{"web_search_requests":1,"web_fetch_requests":0},"cache_creation":{"ephemeral_1h_input_tokens":500,"ephemeral_5m_input_tokens":1500}}},"requestId":"req_1","requestedModel":"arn:aws:bedrock:us-west-2:1:application-inference-profile/abc","type":"assistant","timestamp":"2026-11-28T13:26:23.174Z","cwd":"/home/dev/x","sessionId":"s1","gitBranch":"main"}"#;

    #[test]
    fn reads_an_assistant_line_without_copying() {
        let Parsed::Usage(u) = parse(LINE.as_bytes()) else {
            panic!("not usage")
        };
        assert!(matches!(u.message_id, Some(Cow::Borrowed("msg_1"))));
        assert_eq!(u.request_id.as_deref(), Some("req_1"));
        assert_eq!(u.model.as_deref(), Some("claude-sonnet-4-5-20250929"));
        assert!(u.requested.as_deref().unwrap().ends_with("/abc"));
        assert_eq!(
            (u.session.as_deref(), u.cwd.as_deref(), u.branch.as_deref()),
            (Some("s1"), Some("/home/dev/x"), Some("main"))
        );
        assert_eq!(
            u.tokens,
            Tokens {
                input: 1234,
                output: 42,
                cache_write_5m: 1500,
                cache_write_1h: 500,
                cache_read: 3000,
                web_search_requests: 1
            }
        );
        assert_eq!(
            u.ts_ms,
            "2026-11-28T13:26:23.174Z"
                .parse::<jiff::Timestamp>()
                .unwrap()
                .as_millisecond()
        );
        // The streaming parser agrees.
        assert_eq!(parse_reader(LINE.as_bytes()), Parsed::Usage(u.clone()));
    }

    #[test]
    fn agrees_with_the_transcript_parser() {
        use crate::usage::transcript::{self, Line};
        let variants = [
            LINE.to_string(),
            LINE.replace(r#","cache_creation":{"ephemeral_1h_input_tokens":500,"ephemeral_5m_input_tokens":1500}"#, ""),
            LINE.replace(r#""ephemeral_1h_input_tokens":500"#, r#""ephemeral_1h_input_tokens":100"#),
            LINE.replace(r#""output_tokens":42"#, r#""output_tokens":42.0"#),
            LINE.replace(r#""output_tokens":42"#, r#""output_tokens":null"#),
        ];
        for v in &variants {
            let Ok(Line::Usage(theirs)) = transcript::parse_line(v.as_bytes()) else {
                panic!("transcript refused {v}")
            };
            let Parsed::Usage(ours) = parse(v.as_bytes()) else {
                panic!("we refused {v}")
            };
            assert_eq!(ours.tokens, theirs.tokens, "{v}");
        }
    }

    #[test]
    fn skips_what_does_not_count() {
        let user = r#"{"type":"user","message":{"role":"user","content":"what is \"usage\"?"}}"#;
        assert_eq!(parse(user.as_bytes()), Parsed::Other);
        let syn = r#"{"type":"assistant","timestamp":"2026-11-28T13:26:23Z","message":{"id":"x","model":"<synthetic>","usage":{"input_tokens":0,"output_tokens":0}},"isApiErrorMessage":true}"#;
        assert_eq!(parse(syn.as_bytes()), Parsed::Synthetic);
        let str_msg = r#"{"type":"assistant","message":"\"usage\""}"#;
        assert_eq!(parse(str_msg.as_bytes()), Parsed::Other);
        for bad in [
            LINE.replace(r#""input_tokens":1234"#, r#""input_tokens":-1"#),
            LINE.replace(r#""input_tokens":1234"#, r#""input_tokens":"1234""#),
            LINE.replace("2026-11-28T13:26:23.174Z", "yesterday"),
            LINE[..LINE.len() - 5].to_string(),
            format!("{LINE} trailing"),
        ] {
            assert_eq!(parse(bad.as_bytes()), Parsed::Malformed, "{bad}");
        }
    }

    #[test]
    fn escaped_strings_are_decoded() {
        let l = LINE.replace(r#""cwd":"/home/dev/x""#, r#""cwd":"/home/d\u00e9v/x""#);
        let Parsed::Usage(u) = parse(l.as_bytes()) else {
            panic!()
        };
        assert_eq!(u.cwd.as_deref(), Some("/home/dév/x"));
    }

    #[test]
    fn timestamps() {
        for s in [
            "2026-11-28T13:25:07.793Z",
            "2026-11-28T13:25:07Z",
            "2026-11-28T13:25:07.7Z",
            "2026-11-28T13:25:07.123456789Z",
            "2024-02-29T00:00:00.000Z",
            "1969-12-31T23:59:59.999Z",
        ] {
            let want = s.parse::<jiff::Timestamp>().unwrap().as_millisecond();
            assert_eq!(fast_ts(s.as_bytes()), Some(want), "{s}");
        }
        assert_eq!(
            parse_ts_ms("2026-11-28T14:25:07.793+01:00"),
            parse_ts_ms("2026-11-28T13:25:07.793Z")
        );
        assert_eq!(parse_ts_ms("2026-02-30T00:00:00Z"), None);
        assert_eq!(parse_ts_ms("2026-11-28"), None);
        assert_eq!(parse_ts_ms(""), None);
    }
}
