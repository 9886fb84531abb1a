//! AWS event-stream framing (`application/vnd.amazon.eventstream`), as Bedrock's
//! `InvokeModelWithResponseStream` sends it: encoder for the fake, decoder for tests.
//!
//! Frame: total length (u32 BE), headers length (u32 BE), CRC32 of those 8 bytes, headers, payload,
//! CRC32 of everything before it. A header is: name length (u8), name, value type (u8, 7 = string),
//! value length (u16 BE), value. Only string headers are produced or accepted here.

use base64::Engine as _;

/// Header value type 7: a UTF-8 string with a u16 length.
const TYPE_STRING: u8 = 7;
/// Prelude (two lengths + CRC) and the trailing message CRC.
const PRELUDE_LEN: usize = 12;
const TRAILER_LEN: usize = 4;

/// One decoded event-stream message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub headers: Vec<(String, String)>,
    pub payload: Vec<u8>,
}

impl Frame {
    /// The value of header `name`, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Encodes one frame. Header names longer than 255 bytes or values longer than 65535 bytes are a
/// programming error of the fake itself, so they are truncated rather than reported.
pub fn encode_frame(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
    let mut hbuf = Vec::new();
    for (name, value) in headers {
        let name = &name.as_bytes()[..name.len().min(255)];
        let value = &value.as_bytes()[..value.len().min(u16::MAX as usize)];
        hbuf.push(name.len() as u8);
        hbuf.extend_from_slice(name);
        hbuf.push(TYPE_STRING);
        hbuf.extend_from_slice(&(value.len() as u16).to_be_bytes());
        hbuf.extend_from_slice(value);
    }
    let total = PRELUDE_LEN + hbuf.len() + payload.len() + TRAILER_LEN;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&(total as u32).to_be_bytes());
    out.extend_from_slice(&(hbuf.len() as u32).to_be_bytes());
    let prelude_crc = crc32fast::hash(&out[..8]);
    out.extend_from_slice(&prelude_crc.to_be_bytes());
    out.extend_from_slice(&hbuf);
    out.extend_from_slice(payload);
    let message_crc = crc32fast::hash(&out);
    out.extend_from_slice(&message_crc.to_be_bytes());
    out
}

/// Encodes one Bedrock `chunk` event carrying an Anthropic streaming event (JSON text):
/// payload `{"bytes":"<base64 of the event JSON>"}`.
pub fn encode_chunk_event(event_json: &str) -> Vec<u8> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(event_json.as_bytes());
    let payload = serde_json::json!({ "bytes": b64 }).to_string();
    encode_frame(
        &[
            (":event-type", "chunk"),
            (":content-type", "application/json"),
            (":message-type", "event"),
        ],
        payload.as_bytes(),
    )
}

/// Decodes a buffer holding whole frames, checking both CRCs. Trailing bytes that do not form a
/// whole frame are an error (a broken stream shows up that way).
pub fn decode_frames(mut buf: &[u8]) -> Result<Vec<Frame>, String> {
    let mut frames = Vec::new();
    while !buf.is_empty() {
        let (frame, used) = decode_one(buf)?;
        frames.push(frame);
        buf = &buf[used..];
    }
    Ok(frames)
}

fn be_u32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// Decodes the frame at the start of `buf`; returns it and the bytes it used.
pub fn decode_one(buf: &[u8]) -> Result<(Frame, usize), String> {
    if buf.len() < PRELUDE_LEN + TRAILER_LEN {
        return Err(format!("truncated frame: {} bytes left", buf.len()));
    }
    let total = be_u32(&buf[0..4]) as usize;
    let hlen = be_u32(&buf[4..8]) as usize;
    let prelude_crc = be_u32(&buf[8..12]);
    if crc32fast::hash(&buf[..8]) != prelude_crc {
        return Err("prelude CRC mismatch".into());
    }
    if total < PRELUDE_LEN + TRAILER_LEN + hlen {
        return Err(format!(
            "frame length {total} smaller than its headers ({hlen})"
        ));
    }
    if buf.len() < total {
        return Err(format!(
            "truncated frame: need {total} bytes, have {}",
            buf.len()
        ));
    }
    let message_crc = be_u32(&buf[total - 4..total]);
    if crc32fast::hash(&buf[..total - 4]) != message_crc {
        return Err("message CRC mismatch".into());
    }
    let headers = decode_headers(&buf[PRELUDE_LEN..PRELUDE_LEN + hlen])?;
    let payload = buf[PRELUDE_LEN + hlen..total - 4].to_vec();
    Ok((Frame { headers, payload }, total))
}

fn decode_headers(mut h: &[u8]) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    while !h.is_empty() {
        let nlen = h[0] as usize;
        if h.len() < 1 + nlen + 3 {
            return Err("truncated header".into());
        }
        let name = String::from_utf8(h[1..1 + nlen].to_vec()).map_err(|e| e.to_string())?;
        let ty = h[1 + nlen];
        if ty != TYPE_STRING {
            return Err(format!("header {name}: unsupported value type {ty}"));
        }
        let vlen = u16::from_be_bytes([h[2 + nlen], h[3 + nlen]]) as usize;
        let start = 4 + nlen;
        if h.len() < start + vlen {
            return Err(format!("header {name}: truncated value"));
        }
        let value =
            String::from_utf8(h[start..start + vlen].to_vec()).map_err(|e| e.to_string())?;
        out.push((name, value));
        h = &h[start + vlen..];
    }
    Ok(out)
}

/// Decodes the Anthropic events carried by `chunk` frames (`{"bytes": base64(json)}`).
pub fn decode_chunk_events(frames: &[Frame]) -> Result<Vec<serde_json::Value>, String> {
    frames
        .iter()
        .map(|f| {
            let outer: serde_json::Value =
                serde_json::from_slice(&f.payload).map_err(|e| format!("payload: {e}"))?;
            let b64 = outer
                .get("bytes")
                .and_then(|v| v.as_str())
                .ok_or("payload has no \"bytes\"")?;
            let raw = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| format!("base64: {e}"))?;
            serde_json::from_slice(&raw).map_err(|e| format!("event JSON: {e}"))
        })
        .collect()
}
