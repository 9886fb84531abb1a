//! Bedrock's naming rules: profile names, descriptions, tags, client request tokens.
//!
//! Rendered names are sanitised to `([0-9a-zA-Z][ _-]?)+`, at most 64 characters; longer ones are
//! shortened deterministically with a hash suffix, so the same inputs always give the same name
//! (which is how an existing profile is found again).

use sha2::{Digest, Sha256};

use crate::cache::hex;

/// Longest profile name Bedrock accepts.
pub const MAX_NAME: usize = 64;
/// Longest description Bedrock accepts.
pub const MAX_DESCRIPTION: usize = 200;
/// Tags cc-bedrock adds itself start with this.
pub const MANAGED_TAG_PREFIX: &str = "cc-bedrock:";
/// Marks profiles cc-bedrock manages (value `true`).
pub const TAG_MANAGED: &str = "cc-bedrock:managed";
/// Records the `copyFrom` source ARN (the profile itself does not say which system profile).
pub const TAG_SOURCE: &str = "cc-bedrock:source";
/// User tags allowed (50 minus ours).
pub const MAX_USER_TAGS: usize = 45;

/// Sanitises `raw` into a valid profile name.
pub fn profile_name(raw: &str) -> String {
    let name = squeeze(raw, |c| c.is_ascii_alphanumeric());
    let name = if name.is_empty() {
        "cc".to_string()
    } else {
        name
    };
    shorten(&name, MAX_NAME)
}

/// Sanitises `raw` into a valid description (`([0-9a-zA-Z:.][ _-]?)+`, 1-200 characters).
pub fn description(raw: &str) -> String {
    let d = squeeze(raw, |c| c.is_ascii_alphanumeric() || c == ':' || c == '.');
    let d = if d.is_empty() {
        "cc-bedrock".to_string()
    } else {
        d
    };
    shorten(&d, MAX_DESCRIPTION)
}

/// Maps every character outside `word` to a separator, keeps at most one separator after each
/// word character, and drops leading and trailing separators.
fn squeeze(raw: &str, word: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut last_sep = true; // no separator at the start
    for c in raw.chars() {
        if word(c) {
            out.push(c);
            last_sep = false;
        } else if !last_sep {
            out.push(if c == ' ' || c == '_' { c } else { '-' });
            last_sep = true;
        }
    }
    while out.ends_with([' ', '_', '-']) {
        out.pop();
    }
    out
}

/// Shortens to `max` characters keeping a prefix and an 8-hex-digit hash of the whole.
fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let hash = hex(&Sha256::digest(s.as_bytes())[..4]);
    let mut prefix = s[..max - hash.len() - 1].to_string();
    while prefix.ends_with([' ', '_', '-']) {
        prefix.pop();
    }
    format!("{prefix}-{hash}")
}

/// Sanitises a tag value to Bedrock's charset `[a-zA-Z0-9\s._:/=+@-]`, at most 256 characters.
pub fn tag_value(raw: &str) -> String {
    let v: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " ._:/=+@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    v.chars().take(256).collect()
}

/// Checks a tag key (1-128 of `[a-zA-Z0-9\s._:/=+@-]`).
pub fn check_tag_key(key: &str) -> Result<(), String> {
    if key.is_empty() || key.len() > 128 {
        return Err("a tag key must be 1-128 characters".into());
    }
    if let Some(c) = key
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || " ._:/=+@-".contains(*c)))
    {
        return Err(format!(
            "tag key `{key}` has `{c}`; tag keys may use letters, digits, spaces and . _ : / = + @ -"
        ));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Err("tag keys starting with `aws:` are reserved by AWS".into());
    }
    Ok(())
}

/// A deterministic `clientRequestToken` for creating `name` from `source_arn` in `region`: a
/// retried create (same process or a concurrent one) is then idempotent on AWS's side.
pub fn client_request_token(name: &str, source_arn: &str, region: &str) -> String {
    let mut h = Sha256::new();
    for part in [name, source_arn, region] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    format!("ccb-{}", hex(&h.finalize()[..16]))
}

/// A value for `{user}`/`{repo}` inside names: lower-case, sanitised.
pub fn slug(raw: &str) -> String {
    squeeze(&raw.to_lowercase(), |c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid_name(s: &str) -> bool {
        // ([0-9a-zA-Z][ _-]?)+
        let b = s.as_bytes();
        !b.is_empty()
            && b[0].is_ascii_alphanumeric()
            && b.windows(2)
                .all(|w| w[0].is_ascii_alphanumeric() || w[1].is_ascii_alphanumeric())
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || b" _-".contains(c))
    }

    #[test]
    fn names_are_valid_and_deterministic() {
        for raw in [
            "cc-alice-payments-sonnet",
            "--a..b//c__",
            "ünï_cödé.dir",
            "",
            "x".repeat(300).as_str(),
            "a--b",
            "my_proj.v2",
        ] {
            let n = profile_name(raw);
            assert!(valid_name(&n), "{raw:?} -> {n:?}");
            assert!(n.len() <= MAX_NAME, "{n}");
            assert_eq!(n, profile_name(raw));
        }
        assert_eq!(
            profile_name("cc-alice-payments-sonnet"),
            "cc-alice-payments-sonnet"
        );
        assert_eq!(
            profile_name("cc-bob-my_proj.v2-opus"),
            "cc-bob-my_proj-v2-opus"
        );
        let long_a = profile_name(&format!("cc-{}-a", "x".repeat(80)));
        let long_b = profile_name(&format!("cc-{}-b", "x".repeat(80)));
        assert_ne!(long_a, long_b, "hash suffix tells long names apart");
        assert_eq!(long_a.len(), MAX_NAME);
    }

    #[test]
    fn descriptions_tags_tokens() {
        assert_eq!(
            description("Claude Code sonnet for alice in pay (cc-bedrock)"),
            "Claude Code sonnet for alice in pay cc-bedrock"
        );
        assert_eq!(tag_value("a,b(c)@d"), "a-b-c-@d");
        assert!(check_tag_key("cost center").is_ok());
        assert!(check_tag_key("a,b").is_err());
        assert!(check_tag_key("aws:x").is_err());
        let t = client_request_token("n", "arn", "r");
        assert_eq!(t, client_request_token("n", "arn", "r"));
        assert!(t.len() <= 256 && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        assert_eq!(slug("Alice.Smith"), "alice-smith");
    }
}
