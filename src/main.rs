fn main() -> std::process::ExitCode {
    cc_bedrock::main(std::env::args_os())
}
