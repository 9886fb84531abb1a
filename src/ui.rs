//! Terminal niceties on stderr: a spinner while AWS is contacted (only on a terminal, never with
//! `--quiet`), and the `NO_COLOR` rule shared by every coloured output.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

const FRAMES: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Whether stderr may be decorated.
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// Whether colour is allowed at all (`NO_COLOR` unset or empty); callers also check that their
/// stream is a terminal.
pub fn colour_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A spinner with a message; inert when not on a terminal or quiet.
pub struct Progress {
    state: Option<Arc<Mutex<Option<String>>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        let enabled = !quiet && stderr_is_terminal();
        Self {
            state: enabled.then(|| Arc::new(Mutex::new(None))),
            thread: Mutex::new(None),
        }
    }

    /// Shows `message` (starting the spinner on first use).
    pub fn set(&self, message: &str) {
        let Some(state) = &self.state else { return };
        *state.lock().unwrap_or_else(|e| e.into_inner()) = Some(message.to_string());
        let mut thread = self.thread.lock().unwrap_or_else(|e| e.into_inner());
        if thread.is_none() {
            let state = Arc::clone(state);
            *thread = Some(std::thread::spawn(move || {
                let mut i = 0;
                loop {
                    let msg = state.lock().unwrap_or_else(|e| e.into_inner()).clone();
                    let Some(msg) = msg else { break };
                    let mut err = std::io::stderr().lock();
                    let _ = write!(err, "\r\x1b[2K{} {msg}", FRAMES[i % FRAMES.len()]);
                    let _ = err.flush();
                    drop(err);
                    i += 1;
                    std::thread::sleep(Duration::from_millis(80));
                }
                let _ = write!(std::io::stderr(), "\r\x1b[2K");
            }));
        }
    }

    /// Stops and clears the spinner.
    pub fn finish(&self) {
        if let Some(state) = &self.state {
            *state.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
        if let Some(t) = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = t.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
