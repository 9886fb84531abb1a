//! A minimal blocking HTTP/1.1 client for tests that talk to the fake directly (raw control-plane
//! calls, runtime streams, fault checks) without an AWS SDK. It reports an incomplete body instead
//! of failing, so broken streams can be asserted on.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::eventstream::{self, Frame};

/// A response as read off the wire.
#[derive(Clone, Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body after removing chunked framing.
    pub body: Vec<u8>,
    /// False when the connection ended before the body did (short Content-Length body, or a
    /// chunked body without its final zero-length chunk).
    pub complete: bool,
}

impl RawResponse {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The `x-amzn-errortype` header, if any.
    pub fn error_type(&self) -> Option<&str> {
        self.header("x-amzn-errortype")
    }

    /// The body decoded as event-stream frames (CRCs checked).
    pub fn frames(&self) -> Result<Vec<Frame>, String> {
        eventstream::decode_frames(&self.body)
    }

    /// The Anthropic events carried by the body's `chunk` frames.
    pub fn events(&self) -> Result<Vec<serde_json::Value>, String> {
        eventstream::decode_chunk_events(&self.frames()?)
    }
}

/// `http://127.0.0.1:1234` (with or without a trailing path) -> `127.0.0.1:1234`.
fn host_port(url: &str) -> &str {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    rest.split('/').next().unwrap_or(rest)
}

/// One kept-alive connection to the fake.
pub struct Conn {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
    host: String,
}

impl Conn {
    pub fn open(url: &str) -> io::Result<Conn> {
        let host = host_port(url).to_string();
        let writer = TcpStream::connect(&host)?;
        let reader = BufReader::new(writer.try_clone()?);
        Ok(Conn {
            writer,
            reader,
            host,
        })
    }

    pub fn set_read_timeout(&self, d: Option<Duration>) -> io::Result<()> {
        self.writer.set_read_timeout(d)
    }

    /// Writes bytes as they are (for malformed-request tests).
    pub fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.writer.write_all(bytes)?;
        self.writer.flush()
    }

    /// Sends a request with `Content-Length` and reads the response.
    pub fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> io::Result<RawResponse> {
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.host);
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let mut out = head.into_bytes();
        out.extend_from_slice(body);
        self.write_raw(&out)?;
        self.read_response()
    }

    /// Reads one response.
    pub fn read_response(&mut self) -> io::Result<RawResponse> {
        let status_line = read_line(&mut self.reader)?
            .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "no response"))?;
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| io::Error::other(format!("bad status line {status_line:?}")))?;
        let mut headers = Vec::new();
        while let Some(l) = read_line(&mut self.reader)? {
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        let mut resp = RawResponse {
            status,
            headers,
            body: Vec::new(),
            complete: true,
        };
        let chunked = resp
            .header("transfer-encoding")
            .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
        if chunked {
            resp.complete = read_chunked(&mut self.reader, &mut resp.body)?;
        } else if let Some(len) = resp
            .header("content-length")
            .and_then(|v| v.parse::<usize>().ok())
        {
            (&mut self.reader)
                .take(len as u64)
                .read_to_end(&mut resp.body)?;
            resp.complete = resp.body.len() == len;
        } else {
            self.reader.read_to_end(&mut resp.body)?;
        }
        Ok(resp)
    }
}

fn read_line(r: &mut impl BufRead) -> io::Result<Option<String>> {
    let mut buf = Vec::new();
    if r.read_until(b'\n', &mut buf)? == 0 {
        return Ok(None);
    }
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// Reads a chunked body into `out`; returns whether it ended with the final chunk.
fn read_chunked(r: &mut impl BufRead, out: &mut Vec<u8>) -> io::Result<bool> {
    loop {
        let Some(size_line) = read_line(r)? else {
            return Ok(false);
        };
        let size_hex = size_line.split(';').next().unwrap_or("").trim();
        let Ok(size) = usize::from_str_radix(size_hex, 16) else {
            return Ok(false);
        };
        if size == 0 {
            // Trailers, then the blank line.
            while let Some(l) = read_line(r)? {
                if l.is_empty() {
                    return Ok(true);
                }
            }
            return Ok(false);
        }
        let before = out.len();
        r.take(size as u64).read_to_end(out)?;
        if out.len() - before < size {
            return Ok(false);
        }
        if read_line(r)?.is_none() {
            return Ok(false);
        }
    }
}

/// One request on a fresh connection (closed afterwards).
pub fn request(url: &str, method: &str, path: &str, body: &[u8]) -> io::Result<RawResponse> {
    let mut c = Conn::open(url)?;
    c.send(method, path, &[("Connection", "close")], body)
}

/// `POST` with a JSON body on a fresh connection.
pub fn post_json(url: &str, path: &str, body: &serde_json::Value) -> io::Result<RawResponse> {
    let mut c = Conn::open(url)?;
    c.send(
        "POST",
        path,
        &[
            ("Connection", "close"),
            ("Content-Type", "application/json"),
        ],
        body.to_string().as_bytes(),
    )
}
