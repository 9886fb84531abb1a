//! `{placeholder}` templates for profile names, descriptions and tag values.

use std::collections::BTreeMap;

/// Placeholders a template may use.
pub const PLACEHOLDERS: &[&str] = &["user", "repo", "tier", "model", "region"];

/// A checked template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
}

/// Values for the placeholders.
pub type TemplateVars = BTreeMap<&'static str, String>;

impl Template {
    /// Checks that every `{…}` names a known placeholder and braces balance.
    pub fn parse(source: &str) -> Result<Self, String> {
        let mut rest = source;
        while let Some(open) = rest.find(['{', '}']) {
            if rest.as_bytes()[open] == b'}' {
                return Err(format!("unmatched `}}` in `{source}`"));
            }
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| format!("unclosed `{{` in `{source}`"))?;
            let name = &after[..close];
            if !PLACEHOLDERS.contains(&name) {
                return Err(format!(
                    "unknown placeholder `{{{name}}}` in `{source}`; use {}",
                    PLACEHOLDERS
                        .iter()
                        .map(|p| format!("{{{p}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            rest = &after[close + 1..];
        }
        Ok(Self {
            source: source.to_string(),
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn uses(&self, placeholder: &str) -> bool {
        self.source.contains(&format!("{{{placeholder}}}"))
    }

    /// Substitutes the placeholders (a missing value renders empty).
    pub fn render(&self, vars: &TemplateVars) -> String {
        let mut out = String::with_capacity(self.source.len() + 32);
        let mut rest = self.source.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after.find('}').unwrap_or(after.len());
            if let Some(v) = vars.get(&after[..close]) {
                out.push_str(v);
            }
            rest = after.get(close + 1..).unwrap_or("");
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_renders() {
        let t = Template::parse("cc-{user}-{repo}-{tier}").unwrap();
        let vars: TemplateVars = [
            ("user", "alice".to_string()),
            ("repo", "pay".to_string()),
            ("tier", "sonnet".to_string()),
        ]
        .into();
        assert_eq!(t.render(&vars), "cc-alice-pay-sonnet");
        assert!(Template::parse("{nope}").is_err());
        assert!(Template::parse("{user").is_err());
        assert!(Template::parse("user}").is_err());
        assert_eq!(Template::parse("plain").unwrap().render(&vars), "plain");
    }
}
