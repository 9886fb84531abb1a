#!/bin/sh
# Benchmark `cc-bedrock report --all-usage` against ccusage v20 on a synthetic ~1 GB history.
#
#   bench/report.sh [--mb 1000] [--runs 5] [--dir /tmp/cc-bedrock-bench] [--keep]
#
# 1. builds the release binary and the history generator (examples/gen_history.rs);
# 2. generates the history (once per size and seed) under --dir, never in the repository;
# 3. installs ccusage v20 from npm into --dir (its native binary is run directly, so the
#    figures are ccusage's own, not a node wrapper's);
# 4. times, with the page cache warm for both: cc-bedrock cold (no index), cc-bedrock warm (index
#    up to date), cc-bedrock after an append, and ccusage; elapsed time and peak RSS from
#    /usr/bin/time; the median of --runs;
# 5. checks that both report the same tokens per day and model (UTC), and prints the targets:
#    cold >= 2x faster than ccusage at <= 50 % of its peak RSS; warm <= 100 ms.
set -eu

MB=1000
RUNS=5
DIR=/tmp/cc-bedrock-bench
KEEP=0
SEED=1
CCUSAGE_VERSION=20.0.24 # the newest v20 published with its native binaries

main() {
    while [ $# -gt 0 ]; do
        case "$1" in
            --mb) MB=$2; shift 2 ;;
            --runs) RUNS=$2; shift 2 ;;
            --dir) DIR=$2; shift 2 ;;
            --keep) KEEP=1; shift ;;
            -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
            *) echo "unknown argument: $1" >&2; exit 2 ;;
        esac
    done
    repo=$(cd "$(dirname "$0")/.." && pwd)
    mkdir -p "$DIR"
    history="$DIR/history-${MB}mb-seed$SEED"
    home="$DIR/home"
    ccb="$DIR/ccb"
    results="$DIR/results"
    mkdir -p "$home" "$results"

    build "$repo"
    generate "$repo" "$history"
    install_ccusage

    # Nothing of the real machine leaks in: an empty HOME, only the synthetic history.
    export HOME="$home" CLAUDE_CONFIG_DIR="$history" NO_COLOR=1
    export CC_BEDROCK_CACHE_DIR="$ccb/cache" CC_BEDROCK_DATA_DIR="$ccb/data" CC_BEDROCK_CONFIG_DIR="$ccb/config"
    unset XDG_CONFIG_HOME CC_BEDROCK_PRICES 2>/dev/null || true

    echo "== warming the page cache"
    find "$history" -name '*.jsonl' -exec cat {} + > /dev/null
    bytes=$(find "$history" -name '*.jsonl' -exec cat {} + | wc -c)
    files=$(find "$history" -name '*.jsonl' | wc -l)
    echo "   $files transcripts, $bytes bytes"

    ours="$REPORT daily --all-usage --since 2000-01-01 --tz UTC --by model --json"
    echo "== cc-bedrock cold (no index), $RUNS runs"
    : > "$results/cold"
    i=0
    while [ $i -lt "$RUNS" ]; do
        rm -rf "$ccb/cache/report-index"
        # shellcheck disable=SC2086 # $ours is a command line, split on purpose
        measure "$results/cold" $ours > "$results/ours.json"
        i=$((i + 1))
    done
    echo "== cc-bedrock warm (index up to date), $RUNS runs"
    : > "$results/warm"
    i=0
    while [ $i -lt "$RUNS" ]; do
        # shellcheck disable=SC2086
        measure "$results/warm" $ours > "$results/ours-warm.json"
        i=$((i + 1))
    done
    echo "== ccusage $CCUSAGE_VERSION (--offline), $RUNS runs"
    : > "$results/ccusage"
    i=0
    while [ $i -lt "$RUNS" ]; do
        measure "$results/ccusage" "$CCUSAGE" claude daily --offline --json -z UTC --breakdown > "$results/ccusage.json"
        i=$((i + 1))
    done
    echo "== cc-bedrock after an append to the largest transcript"
    largest=$(find "$history" -name '*.jsonl' -printf '%s %p\n' | sort -n | tail -n 1 | cut -d' ' -f2-)
    cp "$largest" "$DIR/largest.bak"
    tail -n 200 "$DIR/largest.bak" | sed 's/"id":"msg_/"id":"msg_appended_/' >> "$largest"
    : > "$results/append"
    # shellcheck disable=SC2086
    measure "$results/append" $ours > "$results/ours-append.json"
    mv "$DIR/largest.bak" "$largest"
    rm -rf "$ccb/cache/report-index"

    echo "== agreement (tokens per day and model, UTC)"
    agreement "$results/ours.json" "$results/ccusage.json"
    cmp_warm=$(python3 -c '
import json,sys
a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
a.pop("scan",None); b.pop("scan",None)
print("same" if a==b else "DIFFERENT")' "$results/ours.json" "$results/ours-warm.json")
    echo "   cold vs warm report: $cmp_warm"

    summary "$bytes" "$files"
    if [ "$KEEP" = 0 ]; then
        echo "(history kept in $history for the next run; remove $DIR to free the space)"
    fi
}

# Builds the release binary and the generator; picks how to run the report.
build() {
    echo "== cargo build --release (takes minutes on 2 cores)"
    (cd "$1" && cargo build --release --quiet --bin cc-bedrock --example gen_history --example report_cli)
    GEN="$1/target/release/examples/gen_history"
    if "$1/target/release/cc-bedrock" report --help 2>/dev/null | grep -q -- '--all-usage'; then
        REPORT="$1/target/release/cc-bedrock report"
    else
        # Before `report` is wired into the CLI: the same library code as a standalone binary.
        REPORT="$1/target/release/examples/report_cli"
    fi
    echo "   report command: $REPORT"
}

generate() {
    if [ -f "$2/.done" ]; then
        echo "== history: reusing $2"
        return
    fi
    echo "== generating a ${MB} MB history in $2"
    rm -rf "$2"
    "$GEN" "$2" --mb "$MB" --seed "$SEED" > "$2.summary.json"
    cat "$2.summary.json"
    touch "$2/.done"
}

install_ccusage() {
    dir="$DIR/ccusage"
    CCUSAGE="$dir/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage"
    if [ ! -f "$CCUSAGE" ]; then
        echo "== npm install ccusage@$CCUSAGE_VERSION into $dir"
        mkdir -p "$dir"
        (cd "$dir" && npm init -y > /dev/null && npm install --no-audit --no-fund "ccusage@$CCUSAGE_VERSION" > /dev/null)
    fi
    chmod +x "$CCUSAGE"
    echo "   $("$CCUSAGE" --version)"
}

# measure FILE CMD...: runs CMD (stdout passes through), appends "seconds max_rss_kb" to FILE.
measure() {
    out=$1
    shift
    /usr/bin/time -f '%e %M' -o "$out.last" "$@"
    cat "$out.last" >> "$out"
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

agreement() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
ours = json.load(open(sys.argv[1])); cc = json.load(open(sys.argv[2]))
names = {"Claude Sonnet 4.5": "claude-sonnet-4-5-20250929", "Claude Haiku 4.5": "claude-haiku-4-5-20251001",
         "Claude Opus 4.1": "claude-opus-4-1-20250805", "Claude Opus 4": "claude-opus-4-20250514",
         "Claude Sonnet 4": "claude-sonnet-4-20250514"}
a = {}
for r in ours["rows"]:
    t = r["tokens"]
    key = (r["period"], names.get(r["groups"]["model"], r["groups"]["model"]))
    a[key] = (t["input"], t["output"], t["cache_write_5m"] + t["cache_write_1h"], t["cache_read"])
b = {}
for d in cc["daily"]:
    for m in d["modelBreakdowns"]:
        b[(d["date"], m["modelName"])] = (m["inputTokens"], m["outputTokens"], m["cacheCreationTokens"], m["cacheReadTokens"])
diff = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
tot = lambda m: tuple(map(sum, zip(*m.values()))) if m else ()
print("   %d (day, model) rows each; token totals (input, output, cache write, cache read):" % len(a))
print("   cc-bedrock %s" % (tot(a),))
print("   ccusage    %s" % (tot(b),))
print("   per day and model: %s" % ("IDENTICAL" if not diff else "%d rows DIFFER, e.g. %s" % (len(diff), diff[:3])))
print("   cc-bedrock estimate $%.2f, ccusage $%.2f" % (ours["total"]["cost_usd"], cc["totals"]["totalCost"]))
sys.exit(1 if diff else 0)
EOF
}

summary() {
    cold_s=$(cut -d' ' -f1 "$results/cold" | median)
    cold_kb=$(cut -d' ' -f2 "$results/cold" | median)
    warm_s=$(cut -d' ' -f1 "$results/warm" | median)
    warm_kb=$(cut -d' ' -f2 "$results/warm" | median)
    cc_s=$(cut -d' ' -f1 "$results/ccusage" | median)
    cc_kb=$(cut -d' ' -f2 "$results/ccusage" | median)
    app_s=$(cut -d' ' -f1 "$results/append")
    echo
    echo "== results: $2 transcripts, $(($1 / 1000000)) MB, $(nproc) cores, median of $RUNS (page cache warm)"
    printf '   %-34s %8s s %8s MB\n' "cc-bedrock cold (no index)" "$cold_s" "$((cold_kb / 1024))"
    printf '   %-34s %8s s %8s MB\n' "cc-bedrock warm (index)" "$warm_s" "$((warm_kb / 1024))"
    printf '   %-34s %8s s\n' "cc-bedrock after an append" "$app_s"
    printf '   %-34s %8s s %8s MB\n' "ccusage $CCUSAGE_VERSION --offline" "$cc_s" "$((cc_kb / 1024))"
    awk -v c="$cold_s" -v cc="$cc_s" -v ck="$cold_kb" -v cck="$cc_kb" -v w="$warm_s" 'BEGIN {
        sp = cc / c; rss = 100 * ck / cck
        printf "   cold speed-up %.1fx (target >= 2x): %s\n", sp, (sp >= 2 ? "met" : "MISSED")
        printf "   cold peak RSS %.0f%% of ccusage (target <= 50%%): %s\n", rss, (rss <= 50 ? "met" : "MISSED")
        printf "   warm %.0f ms (target <= 100 ms; /usr/bin/time has 10 ms resolution): %s\n", w * 1000, (w <= 0.1 ? "met" : "MISSED")
    }'
}

main "$@"
