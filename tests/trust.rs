//! Repository configs act only once the user allowed them; user config is always trusted.

mod support;

use support::*;

#[test]
fn an_untrusted_repo_config_is_refused_without_a_terminal() {
    let env = TestEnv::new();
    env.untrusted_project_config("region = \"eu-west-1\"\n");
    let o = env.run(&["-p", "x"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("has not been allowed") && e.contains("cc-bedrock trust"),
        "{e}"
    );
    assert!(env.invocations().is_empty());
    assert_eq!(
        env.fake.requests().len(),
        0,
        "no AWS call for an untrusted file"
    );

    let o = env.run(&["trust"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = env.run(&["-p", "x"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(env.invocation().env["AWS_REGION"], "eu-west-1");
}

#[test]
fn an_edited_repo_config_is_untrusted_again() {
    let env = TestEnv::new();
    env.project_config("region = \"eu-west-1\"\n");
    assert!(env.run(&["-p", "x"]).status.success());
    env.untrusted_project_config("region = \"eu-west-1\"\n[tags]\nowner = \"mallory\"\n");
    let o = env.run(&["-p", "x"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("has changed since you allowed it"),
        "{}",
        text(&o)
    );
    let o = env.run(&["trust", "--show"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("changed since trusted"));
}

#[test]
fn a_repo_config_may_not_choose_the_claude_binary() {
    let env = TestEnv::new();
    env.untrusted_project_config("claude = \"/tmp/not-claude\"\n");
    let o = env.run(&["trust"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("key `claude`"), "{}", text(&o));
}

#[test]
fn user_config_is_trusted_and_may_name_claude() {
    let env = TestEnv::new();
    let real = env.bin_dir.join("claude");
    let other = env.base().join("other-bin");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::copy(&real, other.join("real-claude")).unwrap();
    env.write(
        "home/.config/cc-bedrock/config.toml",
        &format!("claude = \"{}\"\n", other.join("real-claude").display()),
    );
    let o = env
        .cmd()
        .env("PATH", "/usr/bin:/bin")
        .args(["-p", "x"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(env.invocations().len(), 1);
}

#[test]
fn an_identity_tag_for_someone_else_warns() {
    let env = TestEnv::new();
    env.project_config("[tags]\nowner = \"bob\"\n");
    let o = env.run(&["-p", "x"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        stderr(&o).contains("warning") && stderr(&o).contains("owner = \"bob\""),
        "{}",
        text(&o)
    );
}
