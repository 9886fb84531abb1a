//! A standalone fake Bedrock (control plane + runtime) for trying Claude Code or cc-bedrock by hand.
//! Prints its URL on the first stdout line, then `NAME=ARN` for each `--seed-profile`, logs every
//! request to stderr and serves until killed.
//!
//! ```text
//! cargo run --example fake_bedrock -- [--port N] [--region R] [--seed-profile NAME=SOURCE]...
//! ```
//! With `--dump DIR`, every request is also written to `DIR/NNNN-<op>.json` (method, path, headers,
//! body) for inspection.
//!
//! `--fail-next OP:TIMES:KIND` injects a fault (OP as in `fake_bedrock::Op`, e.g. `InvokeStream`;
//! KIND one of `hang`, `broken`, `delay-MS`, `access-denied`, `throttling`, `internal`, `quota`,
//! `conflict`, `validation`).
//!
//! SOURCE is a system profile id (`global.anthropic.claude-sonnet-4-5-20250929-v1:0`), a foundation
//! model id, or an ARN; it becomes the profile's `copyFrom`.

#[path = "../tests/support/fake_bedrock.rs"]
mod fake_bedrock;

use std::io::Write as _;
use std::process::ExitCode;

use fake_bedrock::{FakeBedrock, Fault, Op};

const USAGE: &str = "usage: fake_bedrock [--port N] [--region R] [--seed-profile NAME=SOURCE]... [--dump DIR] [--fail-next OP:TIMES:KIND]...";

struct Args {
    port: u16,
    region: String,
    seeds: Vec<(String, String)>,
    dump: Option<std::path::PathBuf>,
    faults: Vec<(Op, usize, Fault)>,
}

fn parse_op(s: &str) -> Result<Op, String> {
    let all = [
        Op::List,
        Op::Get,
        Op::Create,
        Op::Delete,
        Op::ListTags,
        Op::TagResource,
        Op::UntagResource,
        Op::Invoke,
        Op::InvokeStream,
        Op::GetCallerIdentity,
        Op::Other,
    ];
    all.into_iter()
        .find(|op| format!("{op:?}").eq_ignore_ascii_case(s))
        .ok_or(format!("unknown operation {s:?}"))
}

fn parse_fault(s: &str) -> Result<Fault, String> {
    Ok(match s {
        "hang" => Fault::Hang,
        "broken" => Fault::BrokenStream,
        "access-denied" => Fault::access_denied(),
        "throttling" => Fault::throttling(),
        "internal" => Fault::internal(),
        "quota" => Fault::quota(),
        "conflict" => Fault::conflict(),
        "validation" => Fault::validation("Injected validation error."),
        other => {
            let ms = other
                .strip_prefix("delay-")
                .and_then(|ms| ms.parse().ok())
                .ok_or(format!("unknown fault {other:?}"))?;
            Fault::Delay(std::time::Duration::from_millis(ms))
        }
    })
}

fn parse_fail_next(v: &str) -> Result<(Op, usize, Fault), String> {
    let mut parts = v.splitn(3, ':');
    let (Some(op), Some(times), Some(kind)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!("--fail-next wants OP:TIMES:KIND, got {v:?}"));
    };
    let times = times.parse().map_err(|_| format!("bad count {times:?}"))?;
    Ok((parse_op(op)?, times, parse_fault(kind)?))
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        port: 0,
        region: fake_bedrock::REGION.to_string(),
        seeds: Vec::new(),
        dump: None,
        faults: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => {
                let v = value("--port")?;
                args.port = v.parse().map_err(|_| format!("bad port {v:?}"))?;
            }
            "--region" => args.region = value("--region")?,
            "--seed-profile" => {
                let v = value("--seed-profile")?;
                let (name, source) = v
                    .split_once('=')
                    .ok_or(format!("--seed-profile wants NAME=SOURCE, got {v:?}"))?;
                args.seeds.push((name.to_string(), source.to_string()));
            }
            "--fail-next" => args.faults.push(parse_fail_next(&value("--fail-next")?)?),
            "--dump" => args.dump = Some(value("--dump")?.into()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(args))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("fake_bedrock: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let fake = match FakeBedrock::try_start(&args.region, args.port) {
        Ok(f) => f,
        Err(e) => {
            eprintln!(
                "fake_bedrock: cannot listen on 127.0.0.1:{}: {e}",
                args.port
            );
            return ExitCode::FAILURE;
        }
    };
    fake.set_log(true);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", fake.url());
    for (name, source) in &args.seeds {
        match fake.try_add_application_profile(name, &fake.copy_from_arn(source), &[]) {
            Ok(arn) => {
                let _ = writeln!(out, "{name}={arn}");
            }
            Err(e) => {
                eprintln!("fake_bedrock: --seed-profile {name}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let _ = out.flush();
    drop(out);
    for (op, times, fault) in args.faults {
        fake.fail_next(op, times, fault);
    }
    // Serve until killed; the server's threads do the work.
    let Some(dir) = args.dump else {
        loop {
            std::thread::park();
        }
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("fake_bedrock: --dump {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let mut written = 0;
    loop {
        std::thread::sleep(std::time::Duration::from_millis(100));
        let requests = fake.requests();
        for (i, r) in requests.iter().enumerate().skip(written) {
            let record = serde_json::json!({
                "method": r.method, "path": r.path, "query": r.query,
                "headers": r.headers, "body": r.body_json(),
                "raw_body": if r.body_json().is_null() { String::from_utf8_lossy(&r.body).into_owned() } else { String::new() },
            });
            let path = dir.join(format!("{:04}-{:?}.json", i + 1, r.op));
            let text = serde_json::to_string_pretty(&record).unwrap_or_default();
            if let Err(e) = std::fs::write(&path, text) {
                eprintln!("fake_bedrock: {}: {e}", path.display());
            }
        }
        written = requests.len();
    }
}
