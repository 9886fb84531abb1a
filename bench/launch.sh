#!/usr/bin/env bash
# Warm-launch overhead: `cc-bedrock -p x` with cached profiles vs the same fake `claude` run
# directly. Prints the median of each and the median added milliseconds.
#   bench/launch.sh [RUNS]     (default 300 runs of each, interleaved)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-300}"

cargo build --release --quiet --bin cc-bedrock --example fake_bedrock
bin="$PWD/target/release/cc-bedrock"
fake="$PWD/target/release/examples/fake_bedrock"

sandbox="$(mktemp -d)"
trap 'kill "${fake_pid:-0}" 2>/dev/null || true; rm -rf "$sandbox"' EXIT
mkdir -p "$sandbox/home/repo" "$sandbox/bin"
# The fake claude: a binary that does nothing, so the difference is all cc-bedrock.
cp /bin/true "$sandbox/bin/claude"

"$fake" >"$sandbox/fake.url" 2>/dev/null &
fake_pid=$!
for _ in $(seq 50); do [ -s "$sandbox/fake.url" ] && break; sleep 0.1; done
url="$(head -n1 "$sandbox/fake.url")"

export HOME="$sandbox/home" USER=bench PATH="$sandbox/bin:/usr/bin:/bin"
export AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=y AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE="$sandbox/aws-config" AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_ENDPOINT_URL_BEDROCK="$url" CC_BEDROCK_QUIET=1
: >"$AWS_CONFIG_FILE"
cd "$sandbox/home/repo"
"$bin" -p first-launch-creates-the-profiles >/dev/null

if command -v strace >/dev/null 2>&1; then
  if strace -f -e trace=openat,connect "$bin" -p warm 2>&1 >/dev/null | grep -E "aws-config|connect\(" >/dev/null; then
    echo "warm path: read the AWS config or opened a connection (unexpected)"
  else
    echo "warm path: no AWS config read and no network connection (strace)"
  fi
fi

python3 - "$runs" "$bin" "$sandbox/bin/claude" <<'PY'
import statistics, subprocess, sys, time
runs, wrapped, direct = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def once(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - t) * 1000
for _ in range(20):
    once([wrapped, "-p", "x"]); once([direct, "-p", "x"])
a, b = [], []
for _ in range(runs):
    a.append(once([wrapped, "-p", "x"]))
    b.append(once([direct, "-p", "x"]))
ma, mb = statistics.median(a), statistics.median(b)
print(f"runs: {runs} each, interleaved")
print(f"claude directly:         median {mb:.3f} ms")
print(f"through cc-bedrock:      median {ma:.3f} ms")
print(f"added by cc-bedrock:     median {ma - mb:.3f} ms")
PY
