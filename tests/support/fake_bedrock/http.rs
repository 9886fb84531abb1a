//! The fake's HTTP/1.1 wire layer: reading one request off a kept-alive connection and writing a
//! response (whole, or as chunked transfer encoding for event streams). Deliberately small: no
//! chunked request bodies (answered 400), no pipelining tricks beyond reading requests in order.

use std::io::{self, BufRead, Read, Write};

/// Request line + headers above this are refused (Claude Code's headers are a few KB).
const MAX_HEAD_BYTES: u64 = 64 * 1024;
/// Bodies above this are refused (Claude Code requests carry the whole conversation).
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// One parsed request.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// The path as received (still percent-encoded), without the query.
    pub path: String,
    /// The raw query string (after `?`), empty when absent.
    pub query: String,
    pub version: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the client wants the connection closed after this exchange.
    pub fn wants_close(&self) -> bool {
        let tokens = self.header("connection").unwrap_or("").to_ascii_lowercase();
        let has = |t: &str| tokens.split(',').any(|x| x.trim() == t);
        if self.version == "HTTP/1.0" {
            !has("keep-alive")
        } else {
            has("close")
        }
    }
}

/// Why a request could not be read.
pub enum ReadError {
    /// The peer closed or the socket failed: just drop the connection.
    Io,
    /// A malformed or unsupported request: answer 400 with this message, then close.
    Bad(String),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Io
    }
}

/// Reads one line (up to LF) within the head budget; strips CR LF.
fn read_line(r: &mut impl BufRead, budget: &mut u64) -> Result<Option<String>, ReadError> {
    let mut buf = Vec::new();
    let n = r.by_ref().take(*budget).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    *budget = budget.saturating_sub(n as u64);
    if buf.last() != Some(&b'\n') {
        return Err(if *budget == 0 {
            ReadError::Bad("request head too large".into())
        } else {
            ReadError::Io // EOF in the middle of a line
        });
    }
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| ReadError::Bad("request head is not UTF-8".into()))
}

/// Reads the next request; `Ok(None)` on a clean EOF between requests. `w` is used only to send
/// `100 Continue` when the client asked for it.
pub fn read_request(
    r: &mut impl BufRead,
    w: &mut impl Write,
) -> Result<Option<Request>, ReadError> {
    let mut budget = MAX_HEAD_BYTES;
    // Tolerate stray CRLFs between requests (RFC 9112 §2.2).
    let line = loop {
        match read_line(r, &mut budget)? {
            None => return Ok(None),
            Some(l) if l.is_empty() => continue,
            Some(l) => break l,
        }
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Bad(format!("malformed request line: {line:?}")));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(ReadError::Bad(format!("unsupported version {version}")));
    }
    let mut headers = Vec::new();
    loop {
        let Some(l) = read_line(r, &mut budget)? else {
            return Err(ReadError::Io);
        };
        if l.is_empty() {
            break;
        }
        let Some((k, v)) = l.split_once(':') else {
            return Err(ReadError::Bad(format!("malformed header line: {l:?}")));
        };
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target.to_string(), String::new()),
    };
    let mut req = Request {
        method: method.to_string(),
        path,
        query,
        version: version.to_string(),
        headers,
        body: Vec::new(),
    };
    if let Some(te) = req.header("transfer-encoding")
        && !te.eq_ignore_ascii_case("identity")
    {
        return Err(ReadError::Bad(
            "chunked request bodies are not supported by the fake; send Content-Length".into(),
        ));
    }
    let len = match req.header("content-length") {
        None => 0,
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| ReadError::Bad(format!("bad Content-Length {v:?}")))?,
    };
    if len > MAX_BODY_BYTES {
        return Err(ReadError::Bad(format!("body of {len} bytes is too large")));
    }
    if len > 0
        && req
            .header("expect")
            .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        w.flush()?;
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body)?;
    req.body = body;
    Ok(Some(req))
}

/// A response body: whole, or a sequence of event-stream frames sent as chunks.
#[derive(Clone, Debug)]
pub enum Body {
    Full(Vec<u8>),
    Stream(Vec<Vec<u8>>),
}

/// A response to write.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Response {
    /// A JSON response.
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Response {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Body::Full(value.to_string().into_bytes()),
        }
    }

    /// An AWS rest-json error: status, `x-amzn-errortype`, body `{"message": ...}`.
    pub fn error(status: u16, error_type: &str, message: &str) -> Self {
        let mut r = Self::json(status, &serde_json::json!({ "message": message }));
        r.headers
            .push(("x-amzn-errortype".into(), error_type.into()));
        r
    }
}

pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

/// How much of a response to write.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Completeness {
    Whole,
    /// Headers and the first part of the body only (a broken stream / cut connection).
    Truncated,
}

/// Writes `resp`. Streams use chunked encoding for HTTP/1.1 (what real Bedrock does) and
/// Content-Length for HTTP/1.0 clients. With `Truncated`, a full body is cut in half behind a
/// Content-Length that promises all of it, and a stream stops after its first frame with no final
/// chunk; the caller then closes the socket.
pub fn write_response(
    w: &mut impl Write,
    resp: &Response,
    request_version: &str,
    close: bool,
    completeness: Completeness,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    for (k, v) in &resp.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    let truncated = completeness == Completeness::Truncated;
    match &resp.body {
        Body::Full(b) => {
            head.push_str(&format!("Content-Length: {}\r\n\r\n", b.len()));
            let mut out = head.into_bytes();
            out.extend_from_slice(if truncated { &b[..b.len() / 2] } else { b });
            w.write_all(&out)?;
        }
        Body::Stream(frames) if request_version == "HTTP/1.0" => {
            let all: Vec<u8> = frames.concat();
            head.push_str(&format!("Content-Length: {}\r\n\r\n", all.len()));
            w.write_all(head.as_bytes())?;
            let first = frames.first().map_or(0, Vec::len);
            w.write_all(if truncated { &all[..first] } else { &all })?;
        }
        Body::Stream(frames) => {
            head.push_str("Transfer-Encoding: chunked\r\n\r\n");
            w.write_all(head.as_bytes())?;
            let n = if truncated { 1 } else { frames.len() };
            for f in frames.iter().take(n) {
                let mut chunk = format!("{:X}\r\n", f.len()).into_bytes();
                chunk.extend_from_slice(f);
                chunk.extend_from_slice(b"\r\n");
                // One write per frame, flushed: the client sees events as they "happen".
                w.write_all(&chunk)?;
                w.flush()?;
            }
            if !truncated {
                w.write_all(b"0\r\n\r\n")?;
            }
        }
    }
    w.flush()
}
