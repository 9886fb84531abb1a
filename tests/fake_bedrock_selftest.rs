//! Self-test of the loopback fake Bedrock (tests/support/fake_bedrock.rs).
#[path = "support/fake_bedrock.rs"]
mod fake_bedrock;

#[test]
fn starts() {
    let f = fake_bedrock::FakeBedrock::start();
    assert!(f.url().starts_with("http://127.0.0.1:"));
}
