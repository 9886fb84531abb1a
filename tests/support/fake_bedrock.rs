//! A loopback fake of Amazon Bedrock for integration tests (dev-only): the control plane
//! (inference profiles: list / get / create / delete, tags), the runtime (`invoke`,
//! `invoke-with-response-stream` as AWS event-stream frames) and STS `GetCallerIdentity` (point
//! `AWS_ENDPOINT_URL_STS` here too), on `127.0.0.1:<random port>`.
//!
//! Wire formats follow what aws-sdk-bedrock 1.166.0 and aws-sdk-sts 1.124.0 send and parse (their
//! `protocol_serde/` and `operation/` sources) and what Claude Code 2.1.332 sends. State is in memory; every request is
//! recorded; faults can be injected per operation. The server stops when the last handle drops.
//!
//! Included by path from several crates (`tests/*.rs` through `tests/support/mod.rs`, the self-test,
//! `examples/fake_bedrock.rs`), so nothing here may assume where it sits in its crate: submodules
//! are named by explicit `#[path]`s and no `crate::` path is used.
//!
//! ```ignore
//! let fake = FakeBedrock::start();
//! let arn = fake.add_application_profile("team-a", &fake.system_profile_arn("global.anthropic.claude-sonnet-4-5-20250929-v1:0"), &[("team", "a")]);
//! fake.fail_next(Op::Create, 1, Fault::throttling());
//! // ... run the code under test against fake.url() ...
//! assert_eq!(fake.count(Op::Create), 1);
//! ```
#![allow(dead_code)]

#[path = "fake_bedrock/client.rs"]
pub mod client;
#[path = "fake_bedrock/control.rs"]
mod control;
#[path = "fake_bedrock/eventstream.rs"]
pub mod eventstream;
#[path = "fake_bedrock/http.rs"]
mod http;
#[path = "fake_bedrock/runtime.rs"]
mod runtime;
#[path = "fake_bedrock/server.rs"]
mod server;
#[path = "fake_bedrock/state.rs"]
mod state;
#[path = "fake_bedrock/sts.rs"]
mod sts;
#[path = "fake_bedrock/util.rs"]
mod util;
#[path = "fake_bedrock/validate.rs"]
mod validate;

use std::sync::Arc;
use std::time::Duration;

// Re-exports for tests; a crate that uses none of them must still build warning-free.
#[allow(unused_imports)]
pub use runtime::{REPLY_TEXT, SUBAGENT_MARKER, model_id_from_path, subagent_input};
#[allow(unused_imports)]
pub use state::CLAUDE_4_MODELS;
#[allow(unused_imports)]
pub use sts::{CALLER_USER_ID, caller_arn};

/// The default account of the fake.
pub const ACCOUNT: &str = "123456789012";
/// The default region of the fake.
pub const REGION: &str = "us-east-1";

/// A Bedrock operation, as the fake classifies requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    List,
    Get,
    Create,
    Delete,
    ListTags,
    TagResource,
    UntagResource,
    Invoke,
    InvokeStream,
    /// STS `GetCallerIdentity` (`POST /` with `Action=GetCallerIdentity`); counts as control plane.
    GetCallerIdentity,
    /// Anything else (answered 404 `UnknownOperationException`).
    Other,
}

impl Op {
    /// `Invoke` and `InvokeStream` (the runtime); everything else counts as control plane.
    pub fn is_runtime(self) -> bool {
        matches!(self, Op::Invoke | Op::InvokeStream)
    }
}

/// What to do to the next request(s) of an operation instead of answering normally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// An AWS error: this status, `x-amzn-errortype: <error_type>`, body `{"message": ...}`
    /// (for [`Op::GetCallerIdentity`]: STS's XML `<ErrorResponse>` with `<Code>error_type</Code>`).
    Status {
        status: u16,
        error_type: String,
        message: String,
    },
    /// Read the request and never answer; the socket is held until the client gives up or the fake
    /// is dropped.
    Hang,
    /// Sleep, then answer normally.
    Delay(Duration),
    /// Start the response and cut the connection: a stream stops after `message_start`, a plain
    /// body after half of its bytes.
    BrokenStream,
}

impl Fault {
    pub fn status(status: u16, error_type: &str, message: &str) -> Fault {
        Fault::Status {
            status,
            error_type: error_type.to_string(),
            message: message.to_string(),
        }
    }
    /// 403 with real Bedrock's model-access message. Claude Code 2.1.332 gives up on this one at
    /// once (exit 1), while it retries a 403 worded like [`Fault::access_denied_iam`].
    pub fn access_denied() -> Fault {
        Fault::status(
            403,
            "AccessDeniedException",
            "You don't have access to the model with the specified model ID.",
        )
    }
    /// 403 worded like an IAM denial of `action` (e.g. `bedrock:CreateInferenceProfile`), as the
    /// control plane words it.
    pub fn access_denied_iam(action: &str) -> Fault {
        Fault::status(
            403,
            "AccessDeniedException",
            &format!(
                "User: arn:aws:iam::123456789012:user/fake is not authorized to perform: {action} because no identity-based policy allows the {action} action"
            ),
        )
    }
    /// 403 `AccessDenied` as STS (awsquery) names it, for [`Op::GetCallerIdentity`].
    pub fn access_denied_sts() -> Fault {
        Fault::status(
            403,
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:GetCallerIdentity",
        )
    }
    pub fn throttling() -> Fault {
        Fault::status(
            429,
            "ThrottlingException",
            "Too many requests, please wait before trying again.",
        )
    }
    pub fn validation(msg: &str) -> Fault {
        Fault::status(400, "ValidationException", msg)
    }
    pub fn quota() -> Fault {
        Fault::status(
            400,
            "ServiceQuotaExceededException",
            "You have reached the maximum number of inference profiles for this account and Region.",
        )
    }
    pub fn internal() -> Fault {
        Fault::status(
            500,
            "InternalServerException",
            "An internal server error occurred. Retry your request.",
        )
    }
    /// Bedrock's ConflictException is HTTP 400 in its service model.
    pub fn conflict() -> Fault {
        Fault::status(400, "ConflictException", "The resource is being modified.")
    }
    pub fn not_found() -> Fault {
        Fault::status(
            404,
            "ResourceNotFoundException",
            "The specified resource could not be found.",
        )
    }
}

/// Token counts (and the `model` name) the runtime reports for a model.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FakeUsage {
    pub input: u64,
    pub output: u64,
    pub cache_write_5m: u64,
    pub cache_write_1h: u64,
    pub cache_read: u64,
    /// `message.model` in `message_start` (Anthropic name, e.g. `claude-sonnet-4-5-20250929`).
    pub model_name: String,
}

impl FakeUsage {
    /// Default for Sonnet models (also the numbers of the fixtures in shared/fixtures).
    pub fn sonnet() -> FakeUsage {
        FakeUsage {
            input: 1234,
            output: 42,
            cache_write_5m: 1500,
            cache_write_1h: 500,
            cache_read: 3000,
            model_name: "claude-sonnet-4-5-20250929".into(),
        }
    }
    /// Default for Haiku models (no cache).
    pub fn haiku() -> FakeUsage {
        FakeUsage {
            input: 100,
            output: 7,
            model_name: "claude-haiku-4-5-20251001".into(),
            ..FakeUsage::default()
        }
    }
    /// Default for Opus models (no cache).
    pub fn opus() -> FakeUsage {
        FakeUsage {
            input: 300,
            output: 20,
            model_name: "claude-opus-4-5-20251101".into(),
            ..FakeUsage::default()
        }
    }
    /// Cache writes of both TTLs (`cache_creation_input_tokens`).
    pub fn cache_write(&self) -> u64 {
        self.cache_write_5m + self.cache_write_1h
    }
}

/// An application inference profile held by the fake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppProfile {
    pub name: String,
    pub arn: String,
    pub id: String,
    pub copy_from: String,
    pub model_arns: Vec<String>,
    pub tags: Vec<(String, String)>,
    pub description: Option<String>,
}

/// One request as the fake received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub op: Op,
    pub method: String,
    /// The path as received (still percent-encoded), without the query.
    pub path: String,
    /// The raw query string, empty when absent.
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`Null` when empty or not JSON).
    pub fn body_json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The decoded model id of a runtime request.
    pub fn model_id(&self) -> Option<String> {
        if self.op.is_runtime() {
            model_id_from_path(&self.path)
        } else {
            None
        }
    }

    /// A query parameter, percent-decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        util::parse_query(&self.query)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

/// Handle to a running fake. Clones share the server; it stops when the last clone drops.
#[derive(Clone)]
pub struct FakeBedrock {
    server: Arc<server::Server>,
}

impl FakeBedrock {
    /// Starts a fake in `us-east-1`, account `123456789012`, on a random loopback port.
    pub fn start() -> Self {
        Self::start_with(REGION)
    }

    /// Starts a fake in `region` on a random loopback port.
    pub fn start_with(region: &str) -> Self {
        match Self::try_start(region, 0) {
            Ok(f) => f,
            Err(e) => panic!("fake Bedrock: cannot listen on 127.0.0.1: {e}"),
        }
    }

    /// Starts a fake in `region` on `port` (0 = any free port).
    pub fn try_start(region: &str, port: u16) -> std::io::Result<Self> {
        let state = state::State::new(region, ACCOUNT);
        Ok(FakeBedrock {
            server: Arc::new(server::Server::start(port, state)?),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, state::State> {
        util::lock(&self.server.shared().state)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    pub fn port(&self) -> u16 {
        self.server.addr().port()
    }

    pub fn account(&self) -> String {
        self.state().account.clone()
    }

    pub fn region(&self) -> String {
        self.state().region.clone()
    }

    /// Prints one line per request to stderr (`fake-bedrock: METHOD path [Op] -> status`).
    pub fn set_log(&self, on: bool) {
        self.state().log = on;
    }

    // ---- state ----

    /// Adds a system-defined profile, e.g. `global.anthropic.claude-sonnet-4-5-20250929-v1:0`.
    pub fn add_system_profile(&self, id: &str) {
        self.state().add_system(id);
    }

    /// The ARN of system profile `id` in this fake's region and account.
    pub fn system_profile_arn(&self, id: &str) -> String {
        self.state().system_arn(id)
    }

    /// The `copyFrom` ARN for a model source: an ARN stays as is, a system profile id
    /// (`global.…`, `us.…`) becomes its system profile ARN, a foundation model id its
    /// foundation-model ARN in this region.
    pub fn copy_from_arn(&self, source: &str) -> String {
        let st = self.state();
        if source.starts_with("arn:") {
            source.to_string()
        } else if state::split_routing_prefix(source).0.is_some() {
            st.system_arn(source)
        } else {
            st.foundation_arn(&st.region, source)
        }
    }

    /// Creates an application profile directly (no request, no validation of the name). Panics
    /// when `copy_from` is not a known system profile ARN or a Claude foundation-model ARN of this
    /// region, or when the name is taken: both are mistakes in the test's setup.
    pub fn add_application_profile(
        &self,
        name: &str,
        copy_from: &str,
        tags: &[(&str, &str)],
    ) -> String {
        self.try_add_application_profile(name, copy_from, tags)
            .unwrap_or_else(|e| panic!("FakeBedrock::add_application_profile: {e}"))
    }

    /// [`Self::add_application_profile`] that reports instead of panicking.
    pub fn try_add_application_profile(
        &self,
        name: &str,
        copy_from: &str,
        tags: &[(&str, &str)],
    ) -> Result<String, String> {
        let mut st = self.state();
        if st.app_by_name(name).is_some() {
            return Err(format!(
                "an application profile named {name:?} already exists"
            ));
        }
        let models = st
            .resolve_copy_from(copy_from)
            .map_err(|e| format!("copy_from {copy_from:?} is refused ({e:?})"))?;
        let tags = tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Ok(st.insert_app(name, None, copy_from, models, tags))
    }

    /// Application profiles, in creation order.
    pub fn application_profiles(&self) -> Vec<AppProfile> {
        self.state()
            .profiles
            .iter()
            .filter(|p| p.kind == state::Kind::Application)
            .map(state::Profile::to_app_profile)
            .collect()
    }

    /// Deletes every application profile and forgets the client request tokens (a fresh account;
    /// the DeleteInferenceProfile operation keeps tokens, as AWS idempotency does).
    pub fn delete_all_application_profiles(&self) {
        let mut st = self.state();
        st.profiles.retain(|p| p.kind == state::Kind::System);
        st.tokens.clear();
    }

    /// Server-side cap on a list page (effective page = min(maxResults, n)). Default 1000.
    pub fn set_page_size(&self, n: usize) {
        self.state().page_size = n.max(1);
    }

    /// Makes `GetCallerIdentity` answer for a user of `account` (default: the fake's own account,
    /// which its ARNs use), as if the credentials had been switched to another account.
    pub fn set_caller_account(&self, account: &str) {
        self.state().caller_account = Some(account.to_string());
    }

    /// Most application profiles CreateInferenceProfile allows before ServiceQuotaExceeded.
    pub fn set_profile_quota(&self, n: usize) {
        self.state().quota = n;
    }

    // ---- faults ----

    /// The next `times` requests of `op` get `fault` (queued after earlier faults of that op).
    pub fn fail_next(&self, op: Op, times: usize, fault: Fault) {
        if times > 0 {
            self.state().faults.push_back(state::PendingFault {
                op,
                remaining: times,
                fault,
            });
        }
    }

    /// Drops every pending fault.
    pub fn clear_faults(&self) {
        self.state().faults.clear();
    }

    /// Simulates a lost race: the next valid create first inserts the requested profile (as if
    /// another process had created it, tags included), then answers ConflictException.
    pub fn conflict_on_next_create(&self) {
        self.state().conflict_next_create = true;
    }

    // ---- recording ----

    pub fn requests(&self) -> Vec<Recorded> {
        self.state().requests.clone()
    }

    pub fn requests_for(&self, op: Op) -> Vec<Recorded> {
        self.state()
            .requests
            .iter()
            .filter(|r| r.op == op)
            .cloned()
            .collect()
    }

    pub fn count(&self, op: Op) -> usize {
        self.state().requests.iter().filter(|r| r.op == op).count()
    }

    /// Every request that is not `Invoke`/`InvokeStream` (STS and unknown paths included).
    pub fn control_plane_count(&self) -> usize {
        self.state()
            .requests
            .iter()
            .filter(|r| !r.op.is_runtime())
            .count()
    }

    pub fn clear_requests(&self) {
        self.state().requests.clear();
    }

    // ---- runtime ----

    /// Usage served when the backing foundation model id of the requested model contains
    /// `model_id_substring` (the most recently set match wins; defaults exist for `sonnet`,
    /// `haiku`, `opus`).
    pub fn set_usage(&self, model_id_substring: &str, usage: FakeUsage) {
        let mut st = self.state();
        st.usages.retain(|(s, _)| s != model_id_substring);
        st.usages.push((model_id_substring.to_string(), usage));
    }

    /// The usage the runtime would serve for `model_id` (`None`: an unknown application profile).
    pub fn usage_for(&self, model_id: &str) -> Option<FakeUsage> {
        let st = self.state();
        st.backing_model(model_id).map(|b| st.usage_for_backing(&b))
    }

    /// Decoded model ids of every runtime request, in order.
    pub fn invoked_model_ids(&self) -> Vec<String> {
        self.state()
            .requests
            .iter()
            .filter_map(Recorded::model_id)
            .collect()
    }
}

impl std::fmt::Debug for FakeBedrock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeBedrock")
            .field("url", &self.url())
            .finish()
    }
}
