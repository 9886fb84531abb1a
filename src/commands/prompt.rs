//! Questions for a person at a terminal: a line of input with a default, a choice checked by a
//! parser, and yes/no confirmations (used by `init` and `profiles prune`).
//!
//! Questions go to stderr, answers come from stdin. They are only asked when stdin is a terminal,
//! or when `CC_BEDROCK_PROMPT_INPUT=stdin`: a test hook that reads the answers line by line from
//! whatever stdin is, so tests drive the interactive paths without a pty.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Result, bail};

/// `stdin`: ask questions even when stdin is not a terminal, reading answers from it line by line.
/// A test hook; not a user setting.
pub use crate::env_vars::PROMPT_INPUT;

/// How many invalid answers to one question before giving up (a script feeding the wrong input
/// must end, not loop).
const MAX_ATTEMPTS: usize = 5;

/// Asks questions on stderr and reads answers from a line source.
pub struct Prompter {
    input: Box<dyn BufRead>,
    /// Echo answers to stderr (when stdin is not a terminal, nothing else shows them).
    echo: bool,
}

impl Prompter {
    /// A prompter over stdin when questions may be asked there, else `None`.
    pub fn from_stdin() -> Option<Self> {
        let hook = std::env::var(PROMPT_INPUT).is_ok_and(|v| v == "stdin");
        let terminal = std::io::stdin().is_terminal();
        (terminal || hook).then(|| Self {
            input: Box::new(std::io::stdin().lock()),
            echo: !terminal,
        })
    }

    /// A prompter over any line source (unit tests).
    pub fn from_reader(input: impl BufRead + 'static) -> Self {
        Self {
            input: Box::new(input),
            echo: false,
        }
    }

    /// Prints a line of explanation before a question.
    pub fn say(&self, text: &str) {
        let _ = writeln!(std::io::stderr(), "{text}");
    }

    /// Asks `question`; an empty answer is `default`. The end of input is an error: a person who
    /// presses Ctrl-D means "stop", and nothing must be written on a half-answered form.
    pub fn ask(&mut self, question: &str, default: &str) -> Result<String> {
        let mut err = std::io::stderr();
        if default.is_empty() {
            let _ = write!(err, "{question}: ");
        } else {
            let _ = write!(err, "{question} [{default}]: ");
        }
        let _ = err.flush();
        let mut line = String::new();
        let n = self.input.read_line(&mut line)?;
        if n == 0 {
            let _ = writeln!(err);
            bail!("input ended before the questions were answered; nothing was changed");
        }
        let answer = line.trim();
        if self.echo {
            let _ = writeln!(err, "{answer}");
        }
        Ok(if answer.is_empty() {
            default.to_string()
        } else {
            answer.to_string()
        })
    }

    /// Asks until `parse` accepts the answer (the empty answer is `default`, parsed too).
    pub fn ask_parsed<T>(
        &mut self,
        question: &str,
        default: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<T> {
        for _ in 0..MAX_ATTEMPTS {
            let answer = self.ask(question, default)?;
            match parse(&answer) {
                Ok(v) => return Ok(v),
                Err(msg) => self.say(&format!("  {msg}")),
            }
        }
        bail!("no valid answer to \"{question}\" after {MAX_ATTEMPTS} tries; nothing was changed")
    }

    /// Asks a yes/no question.
    pub fn confirm(&mut self, question: &str, default: bool) -> Result<bool> {
        let hint = if default { "Y/n" } else { "y/N" };
        self.ask_parsed(&format!("{question} [{hint}]"), "", |a| {
            match a.to_ascii_lowercase().as_str() {
                "" => Ok(default),
                "y" | "yes" => Ok(true),
                "n" | "no" => Ok(false),
                _ => Err("answer y or n".to_string()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_retries_and_end_of_input() {
        let mut p = Prompter::from_reader(std::io::Cursor::new("\n  eu-west-1 \nmaybe\ny\n"));
        assert_eq!(p.ask("Region", "us-east-1").unwrap(), "us-east-1");
        assert_eq!(p.ask("Region", "us-east-1").unwrap(), "eu-west-1");
        assert!(
            p.confirm("Write it?", false).unwrap(),
            "an invalid answer is asked again"
        );
        assert!(
            p.ask("More", "")
                .unwrap_err()
                .to_string()
                .contains("nothing was changed")
        );

        let mut p = Prompter::from_reader(std::io::Cursor::new("x\n".repeat(MAX_ATTEMPTS)));
        let e = p
            .ask_parsed("Number", "", |a| a.parse::<u8>().map_err(|e| e.to_string()))
            .unwrap_err();
        assert!(e.to_string().contains("after 5 tries"), "{e}");
    }
}
