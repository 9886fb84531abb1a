//! Input constraints of CreateInferenceProfile / TagResource, as in the Bedrock service model, and
//! AWS-style "N validation errors detected: ..." messages.

pub const NAME_PATTERN: &str = "([0-9a-zA-Z][ _-]?)+";
pub const DESCRIPTION_PATTERN: &str = "([0-9a-zA-Z:.][ _-]?)+";
pub const TAG_PATTERN: &str = r"^[a-zA-Z0-9\s._:/=+@-]*$";
pub const TOKEN_PATTERN: &str = "[a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?";
pub const MAX_TAGS: usize = 50;

/// Full match of `(<unit>[ _-]?)+`: non-empty, starts with a unit character, never two separators
/// in a row, nothing else. Both name and description patterns have this shape.
fn units_with_separators(s: &str, unit: impl Fn(char) -> bool) -> bool {
    let mut after_sep = true; // at the start a separator is not allowed either
    let mut any = false;
    for c in s.chars() {
        if unit(c) {
            after_sep = false;
            any = true;
        } else if matches!(c, ' ' | '_' | '-') && !after_sep {
            after_sep = true;
        } else {
            return false;
        }
    }
    any
}

pub fn is_valid_name_chars(s: &str) -> bool {
    units_with_separators(s, |c| c.is_ascii_alphanumeric())
}

pub fn is_valid_description_chars(s: &str) -> bool {
    units_with_separators(s, |c| c.is_ascii_alphanumeric() || c == ':' || c == '.')
}

/// `[a-zA-Z0-9\s._:/=+@-]*` (`\s` as in Java: space, tab, LF, VT, FF, CR).
pub fn is_valid_tag_chars(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                ' ' | '\t'
                    | '\n'
                    | '\u{0b}'
                    | '\u{0c}'
                    | '\r'
                    | '.'
                    | '_'
                    | ':'
                    | '/'
                    | '='
                    | '+'
                    | '@'
                    | '-'
            )
    })
}

pub fn is_valid_token(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 256
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// Collects constraint violations the way AWS reports them.
#[derive(Default)]
pub struct Violations(Vec<String>);

impl Violations {
    pub fn add(&mut self, value: &str, field: &str, constraint: &str) {
        self.0.push(format!(
            "Value '{value}' at '{field}' failed to satisfy constraint: {constraint}"
        ));
    }

    /// Checks a string's length (in characters) and, when non-empty, its pattern.
    pub fn check_string(
        &mut self,
        value: &str,
        field: &str,
        min: usize,
        max: usize,
        pattern: &str,
        ok: impl Fn(&str) -> bool,
    ) {
        let n = value.chars().count();
        if n < min {
            self.add(
                value,
                field,
                &format!("Member must have length greater than or equal to {min}"),
            );
        } else if n > max {
            self.add(
                value,
                field,
                &format!("Member must have length less than or equal to {max}"),
            );
        } else if n > 0 && !ok(value) {
            self.add(
                value,
                field,
                &format!("Member must satisfy regular expression pattern: {pattern}"),
            );
        }
    }

    /// Checks a tag list (`tags.N.member.key` / `.value`, 1-based like AWS).
    pub fn check_tags(&mut self, tags: &[(String, String)], field: &str) {
        for (i, (k, v)) in tags.iter().enumerate() {
            let n = i + 1;
            self.check_string(
                k,
                &format!("{field}.{n}.member.key"),
                1,
                128,
                TAG_PATTERN,
                is_valid_tag_chars,
            );
            self.check_string(
                v,
                &format!("{field}.{n}.member.value"),
                0,
                256,
                TAG_PATTERN,
                is_valid_tag_chars,
            );
        }
    }

    /// `None` when nothing was violated, else the message of the ValidationException.
    pub fn message(&self) -> Option<String> {
        match self.0.len() {
            0 => None,
            1 => Some(format!("1 validation error detected: {}", self.0[0])),
            n => Some(format!(
                "{n} validation errors detected: {}",
                self.0.join("; ")
            )),
        }
    }
}
