//! Self-test of the loopback fake Bedrock (`tests/support/fake_bedrock.rs`): its wire formats, its
//! state machine, each fault, and that the real AWS Rust SDK client works against it.

#[path = "support/fake_bedrock.rs"]
mod fake_bedrock;

use std::io::ErrorKind;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use aws_sdk_bedrock::config::retry::RetryConfig;
use aws_sdk_bedrock::config::{Credentials, Region};
use aws_sdk_bedrock::types::{InferenceProfileModelSource, InferenceProfileType, Tag};
use fake_bedrock::client::{self, Conn, RawResponse};
use fake_bedrock::eventstream;
use fake_bedrock::{FakeBedrock, FakeUsage, Fault, Op};
use serde_json::{Value, json};

const SONNET_45: &str = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";
const HAIKU_45: &str = "global.anthropic.claude-haiku-4-5-20251001-v1:0";

fn sonnet_source(f: &FakeBedrock) -> String {
    f.system_profile_arn(SONNET_45)
}

fn create_body(name: &str, copy_from: &str) -> Value {
    json!({ "inferenceProfileName": name, "modelSource": { "copyFrom": copy_from } })
}

fn create(f: &FakeBedrock, body: &Value) -> RawResponse {
    client::post_json(&f.url(), "/inference-profiles", body).expect("create request")
}

fn list(f: &FakeBedrock, query: &str) -> RawResponse {
    client::request(
        &f.url(),
        "GET",
        &format!("/inference-profiles?{query}"),
        b"",
    )
    .expect("list")
}

fn names(resp: &RawResponse) -> Vec<String> {
    resp.json()["inferenceProfileSummaries"]
        .as_array()
        .expect("summaries")
        .iter()
        .map(|s| s["inferenceProfileName"].as_str().unwrap_or("").to_string())
        .collect()
}

/// The runtime path Claude Code uses: ARN colons literal, `/` as `%2F`.
fn stream_path(model_id: &str) -> String {
    format!(
        "/model/{}/invoke-with-response-stream",
        model_id.replace('/', "%2F")
    )
}

fn invoke_stream(f: &FakeBedrock, model_id: &str, body: &Value) -> RawResponse {
    client::post_json(&f.url(), &stream_path(model_id), body).expect("invoke stream")
}

fn hello() -> Value {
    json!({ "anthropic_version": "bedrock-2023-05-31", "max_tokens": 100,
            "messages": [{ "role": "user", "content": "hello" }] })
}

#[test]
fn eventstream_round_trips_and_detects_corruption() {
    let frame = eventstream::encode_frame(&[("a", "1"), (":event-type", "chunk")], b"payload");
    // total = 12 prelude + headers (1+1+1+2+1 + 1+11+1+2+5) + 7 payload + 4 crc
    assert_eq!(frame.len(), 12 + 6 + 20 + 7 + 4);
    assert_eq!(
        u32::from_be_bytes(frame[0..4].try_into().unwrap()) as usize,
        frame.len()
    );
    let decoded = eventstream::decode_frames(&frame).unwrap();
    assert_eq!(decoded.len(), 1);
    assert_eq!(decoded[0].header("a"), Some("1"));
    assert_eq!(decoded[0].header(":event-type"), Some("chunk"));
    assert_eq!(decoded[0].payload, b"payload");

    let mut bad_prelude = frame.clone();
    bad_prelude[5] ^= 1;
    assert!(
        eventstream::decode_frames(&bad_prelude)
            .unwrap_err()
            .contains("prelude CRC")
    );
    let mut bad_body = frame.clone();
    bad_body[20] ^= 1;
    assert!(
        eventstream::decode_frames(&bad_body)
            .unwrap_err()
            .contains("message CRC")
    );
    assert!(eventstream::decode_frames(&frame[..frame.len() - 1]).is_err());

    let two = [
        eventstream::encode_chunk_event(r#"{"type":"message_stop"}"#),
        eventstream::encode_chunk_event(r#"{"type":"ping"}"#),
    ]
    .concat();
    let frames = eventstream::decode_frames(&two).unwrap();
    assert_eq!(frames[0].header(":message-type"), Some("event"));
    assert_eq!(frames[0].header(":content-type"), Some("application/json"));
    let events = eventstream::decode_chunk_events(&frames).unwrap();
    assert_eq!(
        events,
        vec![json!({"type":"message_stop"}), json!({"type":"ping"})]
    );
}

#[test]
fn seeds_system_profiles_for_every_claude_4_model() {
    let f = FakeBedrock::start();
    assert_eq!(
        (f.region(), f.account()),
        ("us-east-1".into(), "123456789012".into())
    );
    let resp = list(&f, "type=SYSTEM_DEFINED");
    assert_eq!(resp.status, 200);
    let summaries = resp.json()["inferenceProfileSummaries"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(summaries.len(), fake_bedrock::CLAUDE_4_MODELS.len() * 3 + 1);
    let ids: Vec<&str> = summaries
        .iter()
        .map(|s| s["inferenceProfileId"].as_str().unwrap())
        .collect();
    for (model, _) in fake_bedrock::CLAUDE_4_MODELS {
        for prefix in ["global", "us", "eu"] {
            assert!(
                ids.contains(&format!("{prefix}.{model}").as_str()),
                "{prefix}.{model}"
            );
        }
    }
    assert!(ids.contains(&"apac.anthropic.claude-sonnet-4-5-20250929-v1:0"));
    let global = summaries
        .iter()
        .find(|s| s["inferenceProfileId"] == SONNET_45)
        .unwrap();
    assert_eq!(
        global["inferenceProfileArn"],
        format!("arn:aws:bedrock:us-east-1:123456789012:inference-profile/{SONNET_45}")
    );
    assert_eq!(
        global["models"],
        json!([{ "modelArn": "arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0" }])
    );
    assert_eq!(global["type"], "SYSTEM_DEFINED");
    assert_eq!(global["status"], "ACTIVE");
    let us = summaries
        .iter()
        .find(|s| s["inferenceProfileId"] == "us.anthropic.claude-haiku-4-5-20251001-v1:0")
        .unwrap();
    let regions: Vec<&str> = us["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["modelArn"].as_str().unwrap().split(':').nth(3).unwrap())
        .collect();
    assert_eq!(regions, ["us-east-1", "us-east-2", "us-west-2"]);
    // No `type`: system-defined profiles, like the AWS CLI shows.
    assert_eq!(names(&list(&f, "")).len(), summaries.len());
    assert!(names(&list(&f, "type=APPLICATION")).is_empty());

    f.add_system_profile("jp.anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert_eq!(
        names(&list(&f, "type=SYSTEM_DEFINED")).len(),
        summaries.len() + 1
    );
}

#[test]
fn list_paginates_with_opaque_tokens() {
    let f = FakeBedrock::start();
    let src = sonnet_source(&f);
    for i in 0..5 {
        f.add_application_profile(&format!("p{i}"), &src, &[]);
    }
    f.set_page_size(2);
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let q = match &token {
            Some(t) => format!("type=APPLICATION&maxResults=100&nextToken={t}"),
            None => "type=APPLICATION&maxResults=100".into(),
        };
        let resp = list(&f, &q);
        assert_eq!(resp.status, 200);
        let page = names(&resp);
        assert!(page.len() <= 2);
        seen.extend(page);
        pages += 1;
        match resp.json()["nextToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ["p0", "p1", "p2", "p3", "p4"]);

    // maxResults below the server cap wins.
    let one = list(&f, "type=APPLICATION&maxResults=1");
    assert_eq!(names(&one), ["p0"]);
    // A page stays stable when an earlier item is deleted between calls.
    let t = one.json()["nextToken"].as_str().unwrap().to_string();
    let p0 = f.application_profiles()[0].arn.clone();
    let del = client::request(
        &f.url(),
        "DELETE",
        &format!(
            "/inference-profiles/{}",
            p0.replace(':', "%3A").replace('/', "%2F")
        ),
        b"",
    )
    .unwrap();
    assert_eq!(del.status, 200);
    assert_eq!(
        names(&list(
            &f,
            &format!("type=APPLICATION&maxResults=1&nextToken={t}")
        )),
        ["p1"]
    );

    for bad in [
        "type=APPLICATION&nextToken=garbage",
        "maxResults=0",
        "maxResults=1001",
        "type=BOTH",
    ] {
        let r = list(&f, bad);
        assert_eq!(
            (r.status, r.error_type()),
            (400, Some("ValidationException")),
            "{bad}"
        );
    }
    // A token of the other type is refused too.
    let sys = list(&f, "type=SYSTEM_DEFINED&maxResults=1");
    let sys_token = sys.json()["nextToken"].as_str().unwrap().to_string();
    assert_eq!(
        list(&f, &format!("type=APPLICATION&nextToken={sys_token}")).status,
        400
    );
}

#[test]
fn create_get_delete_and_tags_over_raw_http() {
    let f = FakeBedrock::start();
    let src = sonnet_source(&f);
    let mut body = create_body("team-a sonnet", &src);
    body["description"] = json!("Managed by cc-bedrock. source: global.anthropic");
    body["tags"] = json!([{ "key": "team", "value": "a" }, { "key": "source", "value": src }]);
    let resp = create(&f, &body);
    assert_eq!(resp.status, 201);
    assert_eq!(resp.json()["status"], "ACTIVE");
    let arn = resp.json()["inferenceProfileArn"]
        .as_str()
        .unwrap()
        .to_string();
    let id = arn.rsplit('/').next().unwrap().to_string();
    assert!(
        arn.starts_with("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/")
    );
    assert_eq!(id.len(), 12);
    assert!(
        id.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    );
    assert!(resp.header("x-amzn-RequestId").is_some());

    let profiles = f.application_profiles();
    assert_eq!(profiles.len(), 1);
    let p = &profiles[0];
    assert_eq!(
        (p.name.as_str(), p.arn.as_str(), p.id.as_str()),
        ("team-a sonnet", arn.as_str(), id.as_str())
    );
    assert_eq!(p.copy_from, src);
    assert_eq!(
        p.model_arns,
        ["arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0"]
    );
    assert_eq!(p.tags[0], ("team".to_string(), "a".to_string()));
    assert_eq!(
        p.description.as_deref(),
        Some("Managed by cc-bedrock. source: global.anthropic")
    );

    // Get by ARN (fully encoded, as the SDKs send it) and by id; not by name.
    let encoded = arn.replace(':', "%3A").replace('/', "%2F");
    let by_arn = client::request(
        &f.url(),
        "GET",
        &format!("/inference-profiles/{encoded}"),
        b"",
    )
    .unwrap();
    assert_eq!(by_arn.status, 200);
    assert_eq!(by_arn.json()["inferenceProfileName"], "team-a sonnet");
    assert_eq!(by_arn.json()["type"], "APPLICATION");
    let by_id =
        client::request(&f.url(), "GET", &format!("/inference-profiles/{id}"), b"").unwrap();
    assert_eq!(by_id.json()["inferenceProfileArn"], arn.as_str());
    let by_name =
        client::request(&f.url(), "GET", "/inference-profiles/team-a%20sonnet", b"").unwrap();
    assert_eq!(
        (by_name.status, by_name.error_type()),
        (404, Some("ResourceNotFoundException"))
    );

    // Tags.
    let tags = client::post_json(
        &f.url(),
        "/listTagsForResource",
        &json!({ "resourceARN": arn }),
    )
    .unwrap();
    assert_eq!(
        tags.json()["tags"][0],
        json!({ "key": "team", "value": "a" })
    );
    let r = client::post_json(&f.url(), "/tagResource", &json!({ "resourceARN": arn, "tags": [{ "key": "team", "value": "b" }, { "key": "x", "value": "" }] })).unwrap();
    assert_eq!(r.status, 200);
    let r = client::post_json(
        &f.url(),
        "/untagResource",
        &json!({ "resourceARN": arn, "tagKeys": ["source"] }),
    )
    .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(
        f.application_profiles()[0].tags,
        [
            ("team".to_string(), "b".to_string()),
            ("x".to_string(), String::new())
        ]
    );
    let unknown = client::post_json(&f.url(), "/listTagsForResource", &json!({ "resourceARN": "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/nope" })).unwrap();
    assert_eq!(unknown.status, 404);

    // Delete by id; then it is gone. System profiles cannot be deleted.
    let del = client::request(
        &f.url(),
        "DELETE",
        &format!("/inference-profiles/{id}"),
        b"",
    )
    .unwrap();
    assert_eq!(del.status, 200);
    assert!(f.application_profiles().is_empty());
    let again = client::request(
        &f.url(),
        "DELETE",
        &format!("/inference-profiles/{id}"),
        b"",
    )
    .unwrap();
    assert_eq!(again.status, 404);
    let sys = client::request(
        &f.url(),
        "DELETE",
        &format!("/inference-profiles/{SONNET_45}"),
        b"",
    )
    .unwrap();
    assert_eq!(
        (sys.status, sys.error_type()),
        (400, Some("ValidationException"))
    );
}

#[test]
fn create_validates_like_aws() {
    let f = FakeBedrock::start();
    let src = sonnet_source(&f);
    let app = f.add_application_profile("existing", &src, &[]);
    let fifty_one: Vec<Value> = (0..51)
        .map(|i| json!({ "key": format!("k{i}"), "value": "v" }))
        .collect();
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            create_body("a..b", &src),
            "ValidationException",
            "regular expression pattern: ([0-9a-zA-Z][ _-]?)+",
        ),
        (
            create_body("a/b", &src),
            "ValidationException",
            "inferenceProfileName",
        ),
        (
            create_body("-ab", &src),
            "ValidationException",
            "inferenceProfileName",
        ),
        (
            create_body("a__b", &src),
            "ValidationException",
            "inferenceProfileName",
        ),
        (
            create_body("", &src),
            "ValidationException",
            "length greater than or equal to 1",
        ),
        (
            create_body(&"a".repeat(65), &src),
            "ValidationException",
            "length less than or equal to 64",
        ),
        (
            json!({ "modelSource": { "copyFrom": src } }),
            "ValidationException",
            "must not be null",
        ),
        (
            json!({ "inferenceProfileName": "x" }),
            "ValidationException",
            "modelSource",
        ),
        (
            {
                let mut b = create_body("x", &src);
                b["description"] = json!("uses (parens)");
                b
            },
            "ValidationException",
            "description",
        ),
        (
            {
                let mut b = create_body("x", &src);
                b["description"] = json!("a".repeat(201));
                b
            },
            "ValidationException",
            "description",
        ),
        (
            {
                let mut b = create_body("x", &src);
                b["tags"] = json!([{ "key": "k", "value": "a,b" }]);
                b
            },
            "ValidationException",
            "tags.1.member.value",
        ),
        (
            {
                let mut b = create_body("x", &src);
                b["tags"] = json!([{ "key": "", "value": "v" }]);
                b
            },
            "ValidationException",
            "tags.1.member.key",
        ),
        (
            {
                let mut b = create_body("x", &src);
                b["tags"] = json!(fifty_one);
                b
            },
            "TooManyTagsException",
            "50",
        ),
        (
            {
                let mut b = create_body("x", &src);
                b["clientRequestToken"] = json!("-bad-");
                b
            },
            "ValidationException",
            "clientRequestToken",
        ),
        (
            create_body("x", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
            "ValidationException",
            "The provided model identifier is invalid.",
        ),
        (
            create_body(
                "x",
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.amazon.nova-pro-v1:0",
            ),
            "ValidationException",
            "The provided model identifier is invalid.",
        ),
        (
            create_body(
                "x",
                "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0",
            ),
            "ValidationException",
            "The provided model identifier is invalid.",
        ),
        (
            create_body("x", &app),
            "ValidationException",
            "application inference profile",
        ),
    ];
    for (body, error_type, needle) in cases {
        let r = create(&f, &body);
        let message = r.json()["message"].as_str().unwrap_or("").to_string();
        assert_eq!(
            (r.status, r.error_type()),
            (400, Some(error_type)),
            "{body} -> {message}"
        );
        assert!(
            message.contains(needle),
            "{body}: {message:?} lacks {needle:?}"
        );
    }
    let not_json = client::request(&f.url(), "POST", "/inference-profiles", b"{nope").unwrap();
    assert_eq!(not_json.status, 400);
    assert_eq!(
        f.application_profiles().len(),
        1,
        "nothing invalid was created"
    );

    // Valid edge cases: separators, a foundation-model source, a tag value holding an ARN.
    let fm = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0";
    let mut ok = create_body("cc-bedrock_alice payments-haiku", fm);
    ok["description"] = json!("cc-bedrock: haiku for payments v1.2");
    ok["tags"] = json!([{ "key": "cc-bedrock:source", "value": src }, { "key": "user", "value": "alice@example.com" }]);
    assert_eq!(create(&f, &ok).status, 201);
    assert_eq!(f.application_profiles()[1].model_arns, [fm]);
    let quota = {
        f.set_profile_quota(2);
        create(&f, &create_body("third", &src))
    };
    assert_eq!(
        (quota.status, quota.error_type()),
        (400, Some("ServiceQuotaExceededException"))
    );
}

#[test]
fn duplicate_names_conflict_and_tokens_are_idempotent() {
    let f = FakeBedrock::start();
    let src = sonnet_source(&f);
    let mut body = create_body("dup", &src);
    body["clientRequestToken"] = json!("tok-1");
    let first = create(&f, &body);
    assert_eq!(first.status, 201);
    let arn = first.json()["inferenceProfileArn"].clone();

    // Same token, same request: same ARN, nothing new.
    let again = create(&f, &body);
    assert_eq!(again.status, 201);
    assert_eq!(again.json()["inferenceProfileArn"], arn);
    assert_eq!(f.application_profiles().len(), 1);

    // Same name, other token (or none): ConflictException, HTTP 400.
    let mut other = body.clone();
    other["clientRequestToken"] = json!("tok-2");
    let c = create(&f, &other);
    assert_eq!((c.status, c.error_type()), (400, Some("ConflictException")));
    let c = create(&f, &create_body("dup", &src));
    assert_eq!(c.error_type(), Some("ConflictException"));

    // Same token, different request: refused.
    let mut changed = body.clone();
    changed["inferenceProfileName"] = json!("other-name");
    assert_eq!(create(&f, &changed).error_type(), Some("ConflictException"));
    assert_eq!(f.application_profiles().len(), 1);

    // A fresh account forgets tokens.
    f.delete_all_application_profiles();
    let fresh = create(&f, &body);
    assert_eq!(fresh.status, 201);
    assert_ne!(fresh.json()["inferenceProfileArn"], arn);
}

#[test]
fn concurrent_creates_of_one_name_make_exactly_one_profile() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<FakeBedrock>();
    let f = FakeBedrock::start();
    let src = sonnet_source(&f);
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let (f, src) = (f.clone(), src.clone());
            std::thread::spawn(move || {
                let mut body = create_body("shared", &src);
                body["clientRequestToken"] = json!(format!("t{i}"));
                create(&f, &body)
            })
        })
        .collect();
    let results: Vec<RawResponse> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let created = results.iter().filter(|r| r.status == 201).count();
    let conflicts = results
        .iter()
        .filter(|r| r.error_type() == Some("ConflictException"))
        .count();
    assert_eq!((created, conflicts), (1, 7));
    assert_eq!(f.application_profiles().len(), 1);
    assert_eq!(f.count(Op::Create), 8);
}

#[test]
fn conflict_on_next_create_inserts_the_racing_profile() {
    let f = FakeBedrock::start();
    let src = sonnet_source(&f);
    f.conflict_on_next_create();
    let mut body = create_body("raced", &src);
    body["tags"] = json!([{ "key": "team", "value": "a" }]);
    body["clientRequestToken"] = json!("mine");
    let r = create(&f, &body);
    assert_eq!((r.status, r.error_type()), (400, Some("ConflictException")));
    let profiles = f.application_profiles();
    assert_eq!(profiles.len(), 1);
    assert_eq!(profiles[0].name, "raced");
    assert_eq!(profiles[0].copy_from, src);
    assert_eq!(profiles[0].tags, [("team".to_string(), "a".to_string())]);
    // Listing finds the winner; the flag is spent.
    assert_eq!(names(&list(&f, "type=APPLICATION")), ["raced"]);
    assert_eq!(create(&f, &create_body("next", &src)).status, 201);
}

#[test]
fn status_faults_apply_n_times_per_operation() {
    let f = FakeBedrock::start();
    f.fail_next(Op::List, 2, Fault::throttling());
    f.fail_next(Op::Create, 1, Fault::access_denied());
    f.fail_next(Op::List, 1, Fault::internal());
    let expect = [
        (429, "ThrottlingException"),
        (429, "ThrottlingException"),
        (500, "InternalServerException"),
    ];
    for (status, ty) in expect {
        let r = list(&f, "type=APPLICATION");
        assert_eq!((r.status, r.error_type()), (status, Some(ty)));
        assert!(r.json()["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert_eq!(list(&f, "type=APPLICATION").status, 200);
    let denied = create(&f, &create_body("x", &sonnet_source(&f)));
    assert_eq!(
        (denied.status, denied.error_type()),
        (403, Some("AccessDeniedException"))
    );
    assert_eq!(
        create(&f, &create_body("x", &sonnet_source(&f))).status,
        201
    );
    assert_eq!(f.count(Op::List), 4, "faulted requests are recorded too");

    for (fault, status, ty) in [
        (Fault::validation("bad"), 400, "ValidationException"),
        (Fault::quota(), 400, "ServiceQuotaExceededException"),
        (Fault::conflict(), 400, "ConflictException"),
        (
            Fault::access_denied_iam("bedrock:GetInferenceProfile"),
            403,
            "AccessDeniedException",
        ),
    ] {
        f.fail_next(Op::Get, 1, fault);
        let r = client::request(
            &f.url(),
            "GET",
            &format!("/inference-profiles/{SONNET_45}"),
            b"",
        )
        .unwrap();
        assert_eq!((r.status, r.error_type()), (status, Some(ty)));
    }
    f.fail_next(Op::Get, 5, Fault::internal());
    f.clear_faults();
    assert_eq!(
        client::request(
            &f.url(),
            "GET",
            &format!("/inference-profiles/{SONNET_45}"),
            b""
        )
        .unwrap()
        .status,
        200
    );
}

#[test]
fn hang_holds_the_socket_until_the_fake_is_dropped() {
    let f = FakeBedrock::start();
    f.fail_next(Op::List, 1, Fault::Hang);
    let mut c = Conn::open(&f.url()).unwrap();
    c.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let err = c.send("GET", "/inference-profiles", &[], b"").unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err:?}"
    );
    assert_eq!(f.count(Op::List), 1);
    // Other connections are still served meanwhile.
    assert_eq!(list(&f, "").status, 200);
    drop(f);
    c.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let err = c.read_response().unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::UnexpectedEof,
        "closed by the drop, not timed out"
    );
}

#[test]
fn delay_answers_normally_but_late() {
    let f = FakeBedrock::start();
    f.fail_next(Op::Get, 1, Fault::Delay(Duration::from_millis(300)));
    let start = Instant::now();
    let r = client::request(
        &f.url(),
        "GET",
        &format!("/inference-profiles/{SONNET_45}"),
        b"",
    )
    .unwrap();
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.status, 200);
    let start = Instant::now();
    client::request(
        &f.url(),
        "GET",
        &format!("/inference-profiles/{SONNET_45}"),
        b"",
    )
    .unwrap();
    assert!(start.elapsed() < Duration::from_millis(300));
}

#[test]
fn broken_stream_cuts_after_message_start() {
    let f = FakeBedrock::start();
    f.fail_next(Op::InvokeStream, 1, Fault::BrokenStream);
    let r = invoke_stream(&f, "us.anthropic.claude-sonnet-4-5-20250929-v1:0", &hello());
    assert_eq!(r.status, 200);
    assert!(!r.complete, "no final chunk");
    let events = r.events().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["type"], "message_start");
    // The next stream is whole again.
    let r = invoke_stream(&f, "us.anthropic.claude-sonnet-4-5-20250929-v1:0", &hello());
    assert!(r.complete);
    assert_eq!(r.events().unwrap().len(), 6);
    // On a plain JSON response it cuts the body short of its Content-Length.
    f.fail_next(Op::List, 1, Fault::BrokenStream);
    let r = list(&f, "");
    assert!(!r.complete);
    assert!(r.json().is_null());
}

#[test]
fn stream_reply_carries_usage_of_the_backing_model() {
    let f = FakeBedrock::start();
    let sonnet = f.add_application_profile("s", &sonnet_source(&f), &[]);
    let haiku = f.add_application_profile("h", &f.system_profile_arn(HAIKU_45), &[]);
    let r = invoke_stream(&f, &sonnet, &hello());
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("application/vnd.amazon.eventstream")
    );
    assert_eq!(r.header("transfer-encoding"), Some("chunked"));
    let request_id = r.header("x-amzn-RequestId").unwrap();
    assert_eq!(request_id.len(), 36);
    for frame in r.frames().unwrap() {
        assert_eq!(frame.header(":event-type"), Some("chunk"));
        assert_eq!(frame.header(":message-type"), Some("event"));
    }
    let events = r.events().unwrap();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "message_start",
            "content_block_start",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ]
    );
    let msg = &events[0]["message"];
    assert!(msg["id"].as_str().unwrap().starts_with("msg_bdrk_"));
    assert_eq!(msg["model"], "claude-sonnet-4-5-20250929");
    assert_eq!(
        msg["usage"],
        json!({ "input_tokens": 1234, "cache_creation_input_tokens": 2000, "cache_read_input_tokens": 3000,
                "cache_creation": { "ephemeral_5m_input_tokens": 1500, "ephemeral_1h_input_tokens": 500 },
                "output_tokens": 1 })
    );
    assert_eq!(events[2]["delta"]["text"], fake_bedrock::REPLY_TEXT);
    assert_eq!(events[4]["delta"]["stop_reason"], "end_turn");
    assert_eq!(events[4]["usage"]["output_tokens"], 42);

    let h = invoke_stream(&f, &haiku, &hello()).events().unwrap();
    assert_eq!(h[0]["message"]["model"], "claude-haiku-4-5-20251001");
    assert_eq!(h[0]["message"]["usage"]["input_tokens"], 100);
    assert_eq!(h[0]["message"]["usage"]["cache_read_input_tokens"], 0);
    assert_eq!(h[4]["usage"]["output_tokens"], 7);

    // Override by substring of the backing model; the latest match wins.
    f.set_usage(
        "claude-haiku-4-5",
        FakeUsage {
            input: 5,
            output: 6,
            cache_read: 7,
            model_name: "m".into(),
            ..FakeUsage::default()
        },
    );
    let h = invoke_stream(&f, &haiku, &hello()).events().unwrap();
    assert_eq!(
        (
            h[0]["message"]["usage"]["input_tokens"].clone(),
            h[0]["message"]["model"].clone()
        ),
        (json!(5), json!("m"))
    );
    assert_eq!(f.usage_for(&haiku).unwrap().output, 6);
    assert_eq!(
        f.usage_for("eu.anthropic.claude-opus-4-5-20251101-v1:0"),
        Some(FakeUsage::opus())
    );

    // Bare and system ids are served (and visible), unknown application profiles are refused.
    let bare = invoke_stream(&f, "us.anthropic.claude-haiku-4-5-20251001-v1:0", &hello());
    assert_eq!(bare.status, 200);
    let unknown =
        "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/unknown12345";
    let r = invoke_stream(&f, unknown, &hello());
    assert_eq!(
        (r.status, r.error_type()),
        (400, Some("ValidationException"))
    );
    assert_eq!(f.usage_for(unknown), None);
    assert_eq!(
        f.invoked_model_ids(),
        [
            sonnet.clone(),
            haiku.clone(),
            haiku,
            "us.anthropic.claude-haiku-4-5-20251001-v1:0".into(),
            unknown.into()
        ]
    );
    // The raw path keeps Claude Code's encoding.
    assert_eq!(
        f.requests_for(Op::InvokeStream)[0].path,
        stream_path(&sonnet)
    );
}

#[test]
fn invoke_returns_a_plain_message() {
    let f = FakeBedrock::start();
    let arn = f.add_application_profile("s", &sonnet_source(&f), &[]);
    let r = client::post_json(
        &f.url(),
        &format!("/model/{}/invoke", arn.replace('/', "%2F")),
        &hello(),
    )
    .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let m = r.json();
    assert_eq!(m["type"], "message");
    assert_eq!(
        m["content"],
        json!([{ "type": "text", "text": fake_bedrock::REPLY_TEXT }])
    );
    assert_eq!(m["stop_reason"], "end_turn");
    assert_eq!(m["usage"]["output_tokens"], 42);
    assert_eq!(
        m["usage"]["cache_creation"]["ephemeral_1h_input_tokens"],
        500
    );
    assert_eq!(f.invoked_model_ids(), [arn]);
    assert_eq!(f.count(Op::Invoke), 1);
}

#[test]
fn marker_scripts_a_subagent_call() {
    let f = FakeBedrock::start();
    let sonnet = f.add_application_profile("s", &sonnet_source(&f), &[]);
    let haiku = f.add_application_profile("h", &f.system_profile_arn(HAIKU_45), &[]);
    let ask = |tool: &str| {
        json!({ "messages": [{ "role": "user", "content": [
                    { "type": "text", "text": "<system-reminder>x</system-reminder>" },
                    { "type": "text", "text": format!("please {} now", fake_bedrock::SUBAGENT_MARKER) }] }],
                "tools": [{ "name": "Bash" }, { "name": tool }] })
    };
    for tool in ["Agent", "Task"] {
        let e = invoke_stream(&f, &sonnet, &ask(tool)).events().unwrap();
        let block = &e[1]["content_block"];
        assert_eq!(
            (block["type"].as_str(), block["name"].as_str()),
            (Some("tool_use"), Some(tool))
        );
        assert!(block["id"].as_str().unwrap().starts_with("toolu_bdrk_"));
        let input: Value =
            serde_json::from_str(e[2]["delta"]["partial_json"].as_str().unwrap()).unwrap();
        assert_eq!(input, fake_bedrock::subagent_input());
        assert_eq!(input["model"], "haiku");
        assert_eq!(e[4]["delta"]["stop_reason"], "tool_use");
    }
    // Non-streaming too.
    let m = client::post_json(
        &f.url(),
        &format!("/model/{}/invoke", sonnet.replace('/', "%2F")),
        &ask("Agent"),
    )
    .unwrap()
    .json();
    assert_eq!(m["content"][0]["input"]["subagent_type"], "general-purpose");
    // Text when: haiku; no subagent tool offered; a tool already answered; no marker.
    let text = |model: &str, body: &Value| {
        invoke_stream(&f, model, body).events().unwrap()[1]["content_block"]["type"].clone()
    };
    assert_eq!(text(&haiku, &ask("Agent")), "text");
    assert_eq!(text(&sonnet, &ask("Read")), "text");
    let mut answered = ask("Agent");
    answered["messages"].as_array_mut().unwrap().push(json!({ "role": "assistant", "content": [{ "type": "tool_use", "id": "t", "name": "Agent", "input": {} }] }));
    answered["messages"].as_array_mut().unwrap().push(json!({ "role": "user", "content": [{ "type": "tool_result", "tool_use_id": "t", "content": "done" }, { "type": "text", "text": fake_bedrock::SUBAGENT_MARKER }] }));
    assert_eq!(text(&sonnet, &answered), "text");
    assert_eq!(text(&sonnet, &hello()), "text");
}

#[test]
fn http_keep_alive_close_and_bad_requests() {
    let f = FakeBedrock::start();
    let mut c = Conn::open(&f.url()).unwrap();
    for _ in 0..3 {
        let r = c
            .send("GET", "/inference-profiles?type=APPLICATION", &[], b"")
            .unwrap();
        assert_eq!(r.status, 200);
        assert!(r.header("connection").is_none());
    }
    let r = c
        .send(
            "GET",
            "/inference-profiles",
            &[("Connection", "close")],
            b"",
        )
        .unwrap();
    assert_eq!(r.header("connection"), Some("close"));
    assert!(
        c.send("GET", "/inference-profiles", &[], b"").is_err(),
        "server closed it"
    );

    // Two requests in one write are answered in order.
    let mut c = Conn::open(&f.url()).unwrap();
    c.write_raw(b"GET /inference-profiles/nope HTTP/1.1\r\nHost: x\r\n\r\nGET /inference-profiles?type=APPLICATION HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert_eq!(c.read_response().unwrap().status, 404);
    assert_eq!(c.read_response().unwrap().status, 200);

    let mut c = Conn::open(&f.url()).unwrap();
    c.write_raw(b"POST /inference-profiles HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n").unwrap();
    let r = c.read_response().unwrap();
    assert_eq!(r.status, 400);
    assert!(String::from_utf8_lossy(&r.body).contains("chunked"));

    let mut c = Conn::open(&f.url()).unwrap();
    c.write_raw(b"garbage\r\n\r\n").unwrap();
    assert_eq!(c.read_response().unwrap().status, 400);

    let r = client::request(&f.url(), "GET", "/foundation-models", b"").unwrap();
    assert_eq!(
        (r.status, r.error_type()),
        (404, Some("UnknownOperationException"))
    );
    assert_eq!(f.count(Op::Other), 1);
}

#[test]
fn records_every_request() {
    let f = FakeBedrock::start();
    let arn = f.add_application_profile("s", &sonnet_source(&f), &[("team", "a")]);
    assert!(f.requests().is_empty(), "direct setup is not a request");
    let mut c = Conn::open(&f.url()).unwrap();
    c.send(
        "GET",
        "/inference-profiles?type=SYSTEM_DEFINED&maxResults=5",
        &[("X-Test", "1")],
        b"",
    )
    .unwrap();
    c.send(
        "POST",
        "/listTagsForResource",
        &[],
        json!({ "resourceARN": arn }).to_string().as_bytes(),
    )
    .unwrap();
    c.send(
        "POST",
        &stream_path(&arn),
        &[],
        hello().to_string().as_bytes(),
    )
    .unwrap();
    c.send(
        "POST",
        &format!("/model/{}/invoke", arn.replace('/', "%2F")),
        &[],
        b"{}",
    )
    .unwrap();
    let reqs = f.requests();
    let ops: Vec<Op> = reqs.iter().map(|r| r.op).collect();
    assert_eq!(ops, [Op::List, Op::ListTags, Op::InvokeStream, Op::Invoke]);
    assert_eq!(
        (reqs[0].method.as_str(), reqs[0].path.as_str()),
        ("GET", "/inference-profiles")
    );
    assert_eq!(reqs[0].query, "type=SYSTEM_DEFINED&maxResults=5");
    assert_eq!(reqs[0].query_param("maxResults").as_deref(), Some("5"));
    assert_eq!(reqs[0].header("x-test"), Some("1"));
    assert_eq!(reqs[1].body_json()["resourceARN"], arn.as_str());
    assert_eq!(reqs[2].model_id().as_deref(), Some(arn.as_str()));
    assert_eq!(reqs[0].model_id(), None);
    assert_eq!(f.count(Op::List), 1);
    assert_eq!(f.control_plane_count(), 2);
    f.clear_requests();
    assert!(f.requests().is_empty());
    assert_eq!(f.control_plane_count(), 0);
    assert!(f.invoked_model_ids().is_empty());
}

#[test]
fn dropping_the_last_handle_stops_the_server() {
    let f = FakeBedrock::start();
    let clone = f.clone();
    let addr = f.url().trim_start_matches("http://").to_string();
    let idle = Conn::open(&f.url()).unwrap(); // an idle kept-alive connection must not block the drop
    drop(f);
    assert_eq!(list(&clone, "").status, 200, "a clone keeps it alive");
    drop(clone);
    assert!(TcpStream::connect(&addr).is_err(), "listener closed");
    drop(idle);
}

// ---- the AWS Rust SDK against the fake ----

fn sdk(f: &FakeBedrock) -> aws_sdk_bedrock::Client {
    let conf = aws_sdk_bedrock::Config::builder()
        .behavior_version_latest()
        .region(Region::new("us-east-1"))
        .endpoint_url(f.url())
        .credentials_provider(Credentials::new("x", "y", None, None, "test"))
        // Keep the throttling retry below fast.
        .retry_config(RetryConfig::standard().with_initial_backoff(Duration::from_millis(5)))
        .build();
    aws_sdk_bedrock::Client::from_conf(conf)
}

fn block_on<F: std::future::Future>(fut: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(fut)
}

#[test]
fn sdk_creates_lists_gets_and_deletes() {
    let f = FakeBedrock::start();
    let client = sdk(&f);
    let src = sonnet_source(&f);
    block_on(async {
        let out = client
            .create_inference_profile()
            .inference_profile_name("sdk-made")
            .description("made by the SDK")
            .model_source(InferenceProfileModelSource::CopyFrom(src.clone()))
            .tags(Tag::builder().key("team").value("a").build().unwrap())
            .send()
            .await
            .expect("create");
        let arn = out.inference_profile_arn().to_string();
        assert!(arn.contains(":application-inference-profile/"));
        assert_eq!(out.status().map(|s| s.as_str()), Some("ACTIVE"));
        let created = f.requests_for(Op::Create);
        let body = created[0].body_json();
        assert_eq!(body["modelSource"]["copyFrom"], src.as_str());
        assert_eq!(body["tags"], json!([{ "key": "team", "value": "a" }]));
        assert!(
            body["clientRequestToken"].as_str().is_some(),
            "the SDK fills a token"
        );

        for i in 0..4 {
            f.add_application_profile(&format!("more-{i}"), &src, &[]);
        }
        f.set_page_size(2);
        let items: Vec<_> = client
            .list_inference_profiles()
            .type_equals(InferenceProfileType::Application)
            .max_results(1000)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .expect("list");
        let listed: Vec<&str> = items.iter().map(|s| s.inference_profile_name()).collect();
        assert_eq!(listed, ["sdk-made", "more-0", "more-1", "more-2", "more-3"]);
        assert_eq!(f.count(Op::List), 3);
        assert!(items[0].created_at().is_some());
        assert_eq!(items[0].r#type(), &InferenceProfileType::Application);
        let lists = f.requests_for(Op::List);
        assert_eq!(lists[0].query_param("type").as_deref(), Some("APPLICATION"));
        assert_eq!(lists[0].query_param("maxResults").as_deref(), Some("1000"));
        assert!(lists[1].query_param("nextToken").is_some());

        let got = client
            .get_inference_profile()
            .inference_profile_identifier(&arn)
            .send()
            .await
            .expect("get by ARN");
        assert_eq!(got.inference_profile_name(), "sdk-made");
        assert_eq!(got.description(), Some("made by the SDK"));
        assert_eq!(
            got.models()[0].model_arn(),
            Some("arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0")
        );
        // The SDK percent-encodes the whole ARN into the label.
        let get_path = &f.requests_for(Op::Get)[0].path;
        assert!(
            get_path.contains("%3A") && get_path.contains("%2F"),
            "{get_path}"
        );
        let sys = client
            .get_inference_profile()
            .inference_profile_identifier(SONNET_45)
            .send()
            .await
            .expect("get system profile by id");
        assert_eq!(sys.inference_profile_arn(), src);

        let tags = client
            .list_tags_for_resource()
            .resource_arn(&arn)
            .send()
            .await
            .expect("tags");
        assert_eq!(tags.tags()[0].key(), "team");

        client
            .delete_inference_profile()
            .inference_profile_identifier(&arn)
            .send()
            .await
            .expect("delete");
        let gone = client
            .get_inference_profile()
            .inference_profile_identifier(&arn)
            .send()
            .await
            .unwrap_err();
        assert!(
            gone.as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception()),
            "{gone:?}"
        );
    });
}

#[test]
fn sdk_builds_typed_errors() {
    let f = FakeBedrock::start();
    let client = sdk(&f);
    let src = sonnet_source(&f);
    f.add_application_profile("taken", &src, &[]);
    block_on(async {
        let create = |name: &'static str| {
            client
                .create_inference_profile()
                .inference_profile_name(name)
                .model_source(InferenceProfileModelSource::CopyFrom(src.clone()))
                .send()
        };
        let err = create("taken").await.unwrap_err();
        let service = err.as_service_error().expect("a service error");
        assert!(service.is_conflict_exception(), "{service:?}");
        assert_eq!(
            service.meta().message(),
            Some("An inference profile named taken already exists.")
        );

        f.fail_next(Op::Create, 1, Fault::access_denied());
        let err = create("new").await.unwrap_err();
        assert!(
            err.as_service_error()
                .is_some_and(|e| e.is_access_denied_exception()),
            "{err:?}"
        );

        let err = create("bad/name").await.unwrap_err();
        assert!(
            err.as_service_error()
                .is_some_and(|e| e.is_validation_exception()),
            "{err:?}"
        );

        f.fail_next(Op::Create, 1, Fault::quota());
        let err = create("new").await.unwrap_err();
        assert!(
            err.as_service_error()
                .is_some_and(|e| e.is_service_quota_exceeded_exception()),
            "{err:?}"
        );

        // Throttling is retryable for the SDK: one 429, then success on its retry.
        f.fail_next(Op::List, 1, Fault::throttling());
        client
            .list_inference_profiles()
            .send()
            .await
            .expect("retried");
        assert_eq!(f.count(Op::List), 2);
    });
}

// ---- STS GetCallerIdentity (awsquery) ----

fn sts_sdk(f: &FakeBedrock) -> aws_sdk_sts::Client {
    let conf = aws_sdk_sts::Config::builder()
        .behavior_version_latest()
        .region(Region::new("us-east-1"))
        .endpoint_url(f.url())
        .credentials_provider(Credentials::new("x", "y", None, None, "test"))
        .retry_config(RetryConfig::standard().with_initial_backoff(Duration::from_millis(5)))
        .build();
    aws_sdk_sts::Client::from_conf(conf)
}

#[test]
fn sdk_sts_reads_the_caller_and_typed_errors() {
    use aws_sdk_sts::error::ProvideErrorMetadata;
    use aws_sdk_sts::operation::RequestId;

    let f = FakeBedrock::start();
    let client = sts_sdk(&f);
    block_on(async {
        let out = client.get_caller_identity().send().await.expect("identity");
        assert_eq!(out.account(), Some(fake_bedrock::ACCOUNT));
        assert_eq!(out.arn(), Some("arn:aws:iam::123456789012:user/alice"));
        assert_eq!(out.user_id(), Some(fake_bedrock::CALLER_USER_ID));
        assert!(out.request_id().is_some_and(|id| id.len() == 36));

        // What the SDK sent: the awsquery form, SigV4-signed for service `sts`.
        let reqs = f.requests_for(Op::GetCallerIdentity);
        assert_eq!(reqs.len(), 1);
        let r = &reqs[0];
        assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/"));
        assert_eq!(
            String::from_utf8_lossy(&r.body),
            "Action=GetCallerIdentity&Version=2011-06-15"
        );
        assert_eq!(
            r.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert!(
            r.header("authorization")
                .is_some_and(|a| a.contains("/us-east-1/sts/aws4_request")),
            "{:?}",
            r.header("authorization")
        );
        assert_eq!(f.control_plane_count(), 1, "STS counts as control plane");

        f.set_caller_account("210987654321");
        let out = client.get_caller_identity().send().await.expect("other");
        assert_eq!(out.account(), Some("210987654321"));
        assert_eq!(out.arn(), Some("arn:aws:iam::210987654321:user/alice"));

        // A fault is answered in STS's XML error format, and the SDK reads its code.
        f.fail_next(Op::GetCallerIdentity, 1, Fault::access_denied_sts());
        let err = client.get_caller_identity().send().await.unwrap_err();
        let service = err.as_service_error().expect("a service error");
        assert_eq!(service.code(), Some("AccessDenied"), "{err:?}");
        assert!(
            service
                .message()
                .is_some_and(|m| m.contains("sts:GetCallerIdentity")),
            "{err:?}"
        );
        assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(403));

        // A 500 is retried by the SDK: one InternalFailure, then the answer.
        let before = f.count(Op::GetCallerIdentity);
        f.fail_next(
            Op::GetCallerIdentity,
            1,
            Fault::status(500, "InternalFailure", "try again"),
        );
        client.get_caller_identity().send().await.expect("retried");
        assert_eq!(f.count(Op::GetCallerIdentity), before + 2);
    });
}

#[test]
fn sts_wire_format_over_raw_http() {
    let f = FakeBedrock::start();
    let form = |body: &str| {
        let mut c = Conn::open(&f.url()).unwrap();
        c.send(
            "POST",
            "/",
            &[
                ("Connection", "close"),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            body.as_bytes(),
        )
        .unwrap()
    };
    let ok = form("Action=GetCallerIdentity&Version=2011-06-15");
    assert_eq!(ok.status, 200);
    assert_eq!(ok.header("content-type"), Some("text/xml"));
    let xml = String::from_utf8_lossy(&ok.body).into_owned();
    assert!(
        xml.starts_with("<GetCallerIdentityResponse")
            && xml.contains("<GetCallerIdentityResult>")
            && xml.contains("<Account>123456789012</Account>"),
        "{xml}"
    );
    let id = ok.header("x-amzn-requestid").unwrap().to_string();
    assert!(
        xml.contains(&format!("<RequestId>{id}</RequestId>")),
        "{xml}"
    );

    let bad = form("Action=GetCallerIdentity&Version=2010-01-01");
    assert_eq!(bad.status, 400);
    let xml = String::from_utf8_lossy(&bad.body).into_owned();
    assert!(
        xml.contains("<Type>Sender</Type>") && xml.contains("<Code>InvalidAction</Code>"),
        "{xml}"
    );

    f.fail_next(
        Op::GetCallerIdentity,
        1,
        Fault::status(503, "ServiceUnavailable", "a < b & c"),
    );
    let down = form("Action=GetCallerIdentity&Version=2011-06-15");
    assert_eq!(down.status, 503);
    let xml = String::from_utf8_lossy(&down.body).into_owned();
    assert!(
        xml.contains("<Type>Receiver</Type>") && xml.contains("a &lt; b &amp; c"),
        "{xml}"
    );

    // Another STS action is not GetCallerIdentity.
    assert_eq!(form("Action=AssumeRole&Version=2011-06-15").status, 404);
    assert_eq!(f.count(Op::GetCallerIdentity), 3);
    assert_eq!(f.count(Op::Other), 1);
}
