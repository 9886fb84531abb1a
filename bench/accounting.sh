#!/usr/bin/env bash
# Post-exit accounting cost: `RunWatch::begin` + `finish` on a 50 MB session, alone and with
# 1 GB of other Claude Code history present (target: <= 50 ms, no growth with history).
#   bench/accounting.sh [--session-mb 50] [--history-mb 1024] [--runs 9]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --example bench_accounting
exec "$PWD/target/release/examples/bench_accounting" "$@"
