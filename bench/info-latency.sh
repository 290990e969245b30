#!/usr/bin/env bash
# Wall time of one `tikdl info` against the local imitation, and of the extractor alone.
# Usage: bench/info-latency.sh [RUNS]   (release builds; prints median / p90 in milliseconds)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
cargo build --release -q --bin tikdl -p tikdl
cargo build --release -q -p tiktok-imitation
work=$(mktemp -d)
trap 'kill $imit 2>/dev/null; rm -rf "$work"' EXIT
./target/release/tiktok-imitation --ca-out "$work/ca.pem" > "$work/imitation.log" 2>&1 &
imit=$!
for _ in $(seq 50); do grep -q listening "$work/imitation.log" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/imitation.log" | head -1)
url=https://www.tiktok.com/@emthenutritionist/video/7608826249200356630
run() { ./target/release/tikdl --proxy "http://127.0.0.1:$port" --ca-cert "$work/ca.pem" info --json "$url" > /dev/null; }
run # warm-up
for _ in $(seq "$runs"); do
  s=$(date +%s%N); run; e=$(date +%s%N); echo $(( (e - s) / 1000 ))
done | sort -n | awk '{a[NR]=$1} END {printf "tikdl info (proxy + TLS + page + extract): median %.1f ms, p90 %.1f ms over %d runs\n", a[int((NR+1)/2)]/1000, a[int(NR*0.9)]/1000, NR}'
