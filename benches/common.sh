# Sourced by the benches/*.sh scripts: release builds, a temporary folder, and the local imitation.
# After `start_imitation`: $work (temp folder, removed on exit), $port, $proxy, $ca, and `tikdl`,
# a function running the release binary against the imitation with no config file and no cache
# (benchmarks must neither read nor fill the user's own).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
unset CARGO_TARGET_DIR
bin=./target/release

build_release() {
  echo "building release binaries (./target/release) ..." >&2
  cargo build --release -q -p tikdl -p tiktok-imitation
}

work=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/tikdl-bench.XXXXXX")
imit=
cleanup() {
  if [ -n "$imit" ]; then kill "$imit" 2>/dev/null || true; wait "$imit" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_imitation() {
  "$bin/tiktok-imitation" --ca-out "$work/ca.pem" >"$work/imitation.log" 2>&1 &
  imit=$!
  for _ in $(seq 100); do grep -q listening "$work/imitation.log" 2>/dev/null && break; sleep 0.1; done
  port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/imitation.log" | head -1)
  [ -n "$port" ] || { echo "the imitation did not start:" >&2; cat "$work/imitation.log" >&2; exit 1; }
  proxy=http://127.0.0.1:$port
  ca=$work/ca.pem
}

stop_imitation() {
  kill "$imit" 2>/dev/null || true
  wait "$imit" 2>/dev/null || true
  imit=
}

tikdl() {
  "$bin/tikdl" --no-config --no-cache --proxy "$proxy" --ca-cert "$ca" "$@"
}

# Median and 90th percentile of microsecond figures on stdin, in milliseconds.
percentiles_ms() {
  sort -n | awk -v what="$1" '{a[NR]=$1} END {printf "%s: median %.2f ms, p90 %.2f ms over %d runs\n", what, a[int((NR+1)/2)]/1000, a[int(NR*0.9)]/1000, NR}'
}

# WHAT RUNS COMMAND...: COMMAND timed by hyperfine (one warm-up run, then RUNS runs, no shell in
# between), printed as percentiles_ms prints it; hyperfine's own report goes to stderr and its
# JSON (every run's time) to $work/hyperfine.json.
hyperfine_ms() {
  local what=$1 runs=$2
  shift 2
  command -v hyperfine >/dev/null || { echo "hyperfine is needed: sudo apt-get install hyperfine" >&2; exit 2; }
  command -v python3 >/dev/null || { echo "python3 is needed to read hyperfine's JSON" >&2; exit 2; }
  hyperfine --shell=none --style basic --warmup 1 --runs "$runs" \
    --export-json "$work/hyperfine.json" --command-name "$what" -- "$(printf '%q ' "$@")" >&2
  python3 -c 'import json, sys
for t in json.load(open(sys.argv[1]))["results"][0]["times"]: print(round(t * 1e6))' \
    "$work/hyperfine.json" | percentiles_ms "$what"
}
