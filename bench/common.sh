# Sourced by the bench/*.sh scripts: release builds, a temporary folder, and the local imitation.
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
