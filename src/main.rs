//! The `cc-bedrock` binary: everything lives in the library (`cc_bedrock::main`).

fn main() -> std::process::ExitCode {
    cc_bedrock::main(std::env::args_os())
}
