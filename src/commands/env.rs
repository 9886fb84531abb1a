//! `cc-bedrock env`: the variables a launch would set, for `eval` in a shell or for an IDE
//! extension, without running claude.

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::prepare::{PrepareOptions, prepare};
use crate::launch::{EnvChange, child_env};

/// Output format of `env`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// POSIX sh / bash / zsh: `export NAME='value'`.
    Sh,
    /// fish: `set -gx NAME 'value'`.
    Fish,
    /// A JSON object of the variables to set (and `null` for the ones to remove).
    Json,
}

/// Print the environment a launch would give claude.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Examples:\n  eval \"$(cc-bedrock env)\"\n  cc-bedrock env --shell fish | source\n  cc-bedrock env --shell json"
)]
pub struct EnvArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "sh")]
    pub shell: Shell,
}

pub fn run(args: &EnvArgs, opts: &PrepareOptions) -> Result<i32> {
    let p = prepare(opts)?;
    let env = child_env(&p.settings, &p.target, &p.plan, &p.profiles, false);
    print!("{}", render(&env.changes, args.shell));
    Ok(0)
}

/// Renders the changes for `shell`.
pub fn render(changes: &[EnvChange], shell: Shell) -> String {
    let mut out = String::new();
    match shell {
        Shell::Json => {
            let map: serde_json::Map<String, serde_json::Value> = changes
                .iter()
                .map(|c| match c {
                    EnvChange::Set(k, v) => (k.clone(), serde_json::Value::String(v.clone())),
                    EnvChange::Remove(k) => (k.clone(), serde_json::Value::Null),
                })
                .collect();
            out = serde_json::to_string_pretty(&map).unwrap_or_default();
            out.push('\n');
        }
        Shell::Sh => {
            for c in changes {
                match c {
                    EnvChange::Set(k, v) => out.push_str(&format!("export {k}={}\n", sh_quote(v))),
                    EnvChange::Remove(k) => out.push_str(&format!("unset {k}\n")),
                }
            }
        }
        Shell::Fish => {
            for c in changes {
                match c {
                    EnvChange::Set(k, v) => {
                        out.push_str(&format!("set -gx {k} {}\n", fish_quote(v)))
                    }
                    EnvChange::Remove(k) => out.push_str(&format!("set -e {k}\n")),
                }
            }
        }
    }
    out
}

fn sh_quote(v: &str) -> String {
    format!("'{}'", v.replace('\'', r"'\''"))
}

fn fish_quote(v: &str) -> String {
    format!("'{}'", v.replace('\\', r"\\").replace('\'', r"\'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes() {
        let c = vec![
            EnvChange::Set("A".into(), "it's".into()),
            EnvChange::Remove("B".into()),
        ];
        assert_eq!(render(&c, Shell::Sh), "export A='it'\\''s'\nunset B\n");
        assert_eq!(render(&c, Shell::Fish), "set -gx A 'it\\'s'\nset -e B\n");
        assert_eq!(
            render(&c, Shell::Json),
            "{\n  \"A\": \"it's\",\n  \"B\": null\n}\n"
        );
    }
}
