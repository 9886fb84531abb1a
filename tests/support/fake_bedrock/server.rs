//! The fake's TCP side: a listener on 127.0.0.1, one thread per connection, keep-alive, request
//! classification, recording, fault injection and dispatch; and shutdown when the handle drops.

use std::collections::HashMap;
use std::io::{self, BufReader};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::http::{self, Completeness, ReadError, Request, Response};
use super::state::State;
use super::util::{self, lock};
use super::{Fault, Op, Recorded, control, runtime, sts};

/// State shared by the accept loop, the connection threads and the handle.
pub struct Shared {
    pub state: Mutex<State>,
    shutdown: AtomicBool,
    /// A clone of every open connection, so shutdown can unblock threads stuck in `read`.
    conns: Mutex<HashMap<u64, TcpStream>>,
    next_conn: AtomicU64,
}

impl Shared {
    fn register(&self, stream: &TcpStream) -> Option<u64> {
        let id = self.next_conn.fetch_add(1, Ordering::Relaxed);
        lock(&self.conns).insert(id, stream.try_clone().ok()?);
        // Checked after inserting: either this thread sees the flag, or `Drop` sees the connection.
        if self.shutdown.load(Ordering::SeqCst) {
            self.unregister(id);
            return None;
        }
        Some(id)
    }

    fn unregister(&self, id: u64) {
        lock(&self.conns).remove(&id);
    }
}

/// The running server. Dropping it stops accepting and closes every open connection (hung ones
/// included), so no thread of the fake outlives it for long.
pub struct Server {
    shared: Arc<Shared>,
    addr: SocketAddr,
    accept: Mutex<Option<JoinHandle<()>>>,
}

impl Server {
    pub fn start(port: u16, state: State) -> io::Result<Server> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            shutdown: AtomicBool::new(false),
            conns: Mutex::new(HashMap::new()),
            next_conn: AtomicU64::new(0),
        });
        let for_loop = Arc::clone(&shared);
        let accept = thread::Builder::new()
            .name("fake-bedrock-accept".into())
            .spawn(move || accept_loop(&listener, &for_loop))?;
        Ok(Server {
            shared,
            addr,
            accept: Mutex::new(Some(accept)),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn shared(&self) -> &Shared {
        &self.shared
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        // Wake the accept loop with a connection of our own; join only if that worked, so a drop
        // can never block forever.
        let woke = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)).is_ok();
        if let Some(handle) = lock(&self.accept).take()
            && woke
        {
            let _ = handle.join();
        }
        for (_, conn) in lock(&self.shared.conns).drain() {
            let _ = conn.shutdown(Shutdown::Both);
        }
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.shutdown.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let shared = Arc::clone(shared);
        // Threads are detached: they end when their client or the server closes the socket.
        let _ = thread::Builder::new()
            .name("fake-bedrock-conn".into())
            .spawn(move || serve_connection(stream, &shared));
    }
}

/// Classifies a request into the operation it would be at real Bedrock (or STS: awsquery names
/// its operation in the form body, and Bedrock has no `POST /`).
pub fn classify(method: &str, path: &str, body: &[u8]) -> Op {
    match (method, path) {
        ("POST", "/") if sts::is_get_caller_identity(body) => Op::GetCallerIdentity,
        ("GET", "/inference-profiles") => Op::List,
        ("POST", "/inference-profiles") => Op::Create,
        ("GET", p) if is_profile_path(p) => Op::Get,
        ("DELETE", p) if is_profile_path(p) => Op::Delete,
        ("POST", "/listTagsForResource") => Op::ListTags,
        ("POST", "/tagResource") => Op::TagResource,
        ("POST", "/untagResource") => Op::UntagResource,
        ("POST", p) if p.starts_with("/model/") && p.ends_with("/invoke-with-response-stream") => {
            Op::InvokeStream
        }
        ("POST", p) if p.starts_with("/model/") && p.ends_with("/invoke") => Op::Invoke,
        _ => Op::Other,
    }
}

/// `/inference-profiles/{label}` with a non-empty label and no further segment (the SDK encodes
/// `/` inside the label as `%2F`).
fn is_profile_path(p: &str) -> bool {
    p.strip_prefix("/inference-profiles/")
        .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
}

fn serve_connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    let Some(id) = shared.register(&stream) else {
        return;
    };
    let _ = serve(&stream, shared);
    shared.unregister(id);
}

/// What to do with the connection after a response.
enum Next {
    KeepAlive,
    Close,
    /// Answer nothing and hold the socket until the client or the server closes it.
    Hang,
}

fn serve(stream: &TcpStream, shared: &Shared) -> io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream.try_clone()?;
    loop {
        let req = match http::read_request(&mut reader, &mut writer) {
            Ok(Some(r)) => r,
            Ok(None) | Err(ReadError::Io) => return Ok(()),
            Err(ReadError::Bad(msg)) => {
                let resp = Response::error(400, "BadRequestException", &msg);
                http::write_response(&mut writer, &resp, "HTTP/1.1", true, Completeness::Whole)?;
                return writer.shutdown(Shutdown::Both);
            }
        };
        if shared.shutdown.load(Ordering::SeqCst) {
            return Ok(());
        }
        match respond(shared, &req, &mut writer)? {
            Next::KeepAlive => {}
            Next::Close => return writer.shutdown(Shutdown::Both),
            Next::Hang => {
                io::copy(&mut reader, &mut io::sink())?;
                return Ok(());
            }
        }
    }
}

fn respond(shared: &Shared, req: &Request, w: &mut TcpStream) -> io::Result<Next> {
    let op = classify(&req.method, &req.path, &req.body);
    let (fault, log) = {
        let mut st = lock(&shared.state);
        st.requests.push(Recorded {
            op,
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.query.clone(),
            headers: req.headers.clone(),
            body: req.body.clone(),
        });
        (st.take_fault(op), st.log)
    };
    let target = if req.query.is_empty() {
        req.path.clone()
    } else {
        format!("{}?{}", req.path, req.query)
    };
    let mut completeness = Completeness::Whole;
    let injected = match fault {
        Some(Fault::Hang) => {
            if log {
                eprintln!("fake-bedrock: {} {target} [{op:?}] -> (hang)", req.method);
            }
            return Ok(Next::Hang);
        }
        Some(Fault::Delay(d)) => {
            thread::sleep(d);
            None
        }
        Some(Fault::Status {
            status,
            error_type,
            message,
        }) if op == Op::GetCallerIdentity => Some(sts::error(status, &error_type, &message)),
        Some(Fault::Status {
            status,
            error_type,
            message,
        }) => Some(Response::error(status, &error_type, &message)),
        Some(Fault::BrokenStream) => {
            completeness = Completeness::Truncated;
            None
        }
        None => None,
    };
    let mut resp = injected.unwrap_or_else(|| dispatch(shared, op, req));
    if !resp
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("x-amzn-requestid"))
    {
        resp.headers
            .push(("x-amzn-RequestId".into(), util::uuid_v4()));
    }
    let close = req.wants_close() || completeness == Completeness::Truncated;
    if log {
        let broken = if completeness == Completeness::Truncated {
            " (broken)"
        } else {
            ""
        };
        eprintln!(
            "fake-bedrock: {} {target} [{op:?}] -> {}{broken}",
            req.method, resp.status
        );
    }
    http::write_response(w, &resp, &req.version, close, completeness)?;
    Ok(if close { Next::Close } else { Next::KeepAlive })
}

fn dispatch(shared: &Shared, op: Op, req: &Request) -> Response {
    let mut st = lock(&shared.state);
    match op {
        Op::Invoke | Op::InvokeStream => runtime::handle(&st, op, req),
        Op::GetCallerIdentity => sts::handle(&st, &req.body),
        _ => control::handle(&mut st, op, req),
    }
}
