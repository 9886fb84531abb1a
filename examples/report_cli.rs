//! `cc-bedrock report` as a standalone binary, for benchmarking the library before (or without)
//! the main CLI: `cargo run --release --example report_cli -- --all-usage --json`.

use std::process::ExitCode;

use clap::Parser;

/// Same arguments as `cc-bedrock report`.
#[derive(Parser, Debug)]
#[command(name = "report")]
struct Cli {
    #[command(flatten)]
    args: cc_bedrock::report::ReportArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let run = || -> anyhow::Result<ExitCode> {
        let dirs = cc_bedrock::dirs::Dirs::from_env()?;
        cc_bedrock::report::execute(&cli.args, &dirs)
    };
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("report: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
