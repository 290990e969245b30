#!/usr/bin/env bash
# Wall time of a cached `tikdl info`: the second ask for a post within the cache TTL, answered
# from the metadata cache with no request at all (the imitation is stopped before measuring, so
# a run that tried the network would fail).
# Usage: bench/cached-info.sh [RUNS]   (release build; prints median / p90 in milliseconds)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
bin=${CARGO_TARGET_DIR:-target}/release
cargo build --release -q --bin tikdl -p tikdl
cargo build --release -q -p tiktok-imitation
work=$(mktemp -d)
imit=
trap '[ -n "$imit" ] && kill $imit 2>/dev/null; rm -rf "$work"' EXIT
"$bin/tiktok-imitation" --ca-out "$work/ca.pem" > "$work/imitation.log" 2>&1 &
imit=$!
for _ in $(seq 50); do grep -q listening "$work/imitation.log" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/imitation.log" | head -1)
# A benchmark post: its media URLs carry no expiry, so the entry stays servable.
url=https://www.tiktok.com/@bench/video/7900000000000000001
run() {
  "$bin/tikdl" --no-config --cache-dir "$work/cache" --proxy "http://127.0.0.1:$port" \
    --ca-cert "$work/ca.pem" info --json "$url" > /dev/null
}
run # fills the cache
kill $imit; wait $imit 2>/dev/null || true; imit=
for _ in $(seq "$runs"); do
  s=$(date +%s%N); run; e=$(date +%s%N); echo $(( (e - s) / 1000 ))
done | sort -n | awk '{a[NR]=$1} END {printf "cached tikdl info (process start + config + cache hit + JSON): median %.2f ms, p90 %.2f ms over %d runs\n", a[int((NR+1)/2)]/1000, a[int(NR*0.9)]/1000, NR}'
