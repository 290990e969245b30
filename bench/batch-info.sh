#!/usr/bin/env bash
# Throughput and peak RSS of `tikdl batch --info-only` over N distinct posts served by the local
# imitation (release builds, CONNECT proxy + TLS, pacing off).
# Usage: bench/batch-info.sh [N] [JOBS]   (defaults 1000 and 8). Needs GNU time at /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
jobs=${2:-8}
unset CARGO_TARGET_DIR
cargo build --release -q -p tikdl -p tiktok-imitation
work=$(mktemp -d)
trap 'kill $imit 2>/dev/null || true; rm -rf "$work"' EXIT
./target/release/tiktok-imitation --ca-out "$work/ca.pem" > "$work/imitation.log" 2>&1 &
imit=$!
for _ in $(seq 50); do grep -q listening "$work/imitation.log" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/imitation.log" | head -1)
# Posts of the imitation's batch family: 7300000000000100001 ...
for i in $(seq 1 "$n"); do echo "https://www.tiktok.com/@bench/video/$((7300000000000100000 + i))"; done > "$work/urls.txt"
run() {
  /usr/bin/time -f "%e %M" -o "$work/time" ./target/release/tikdl --proxy "http://127.0.0.1:$port" \
    --ca-cert "$work/ca.pem" --rate-limit 0 batch --info-only --jobs "$jobs" "$work/urls.txt" > "$work/out.ndjson" 2> "$work/err"
}
run # warm-up: the imitation builds the posts on first request
for r in 1 2 3; do
  run
  read -r secs rss_kb < "$work/time"
  lines=$(wc -l < "$work/out.ndjson")
  awk -v n="$lines" -v s="$secs" -v kb="$rss_kb" -v r="$r" -v j="$jobs" \
    'BEGIN { printf "run %d: %d posts in %.2fs = %.0f posts/s (jobs %d), peak RSS %.1f MiB\n", r, n, s, n / s, j, kb / 1024 }'
done
