#!/usr/bin/env bash
# Throughput and peak RSS of `tikdl batch --info-only` over N distinct posts served by the local
# imitation (pacing off): benches/batch-info.sh [N] [JOBS]   (defaults 1000 and 8).
# Needs GNU time at /usr/bin/time (apt-get install time).
source "$(dirname "$0")/common.sh"
n=${1:-1000}
jobs=${2:-8}
build_release
start_imitation
# Posts of the imitation's batch family: 7300000000000100001 ...
for i in $(seq 1 "$n"); do echo "https://www.tiktok.com/@bench/video/$((7300000000000100000 + i))"; done >"$work/urls.txt"
run() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$bin/tikdl" --no-config --no-cache --proxy "$proxy" --ca-cert "$ca" \
    --rate-limit 0 batch --info-only --jobs "$jobs" "$work/urls.txt" >"$work/out.ndjson" 2>"$work/err"
}
run # warm-up: the imitation builds the posts on first request
for r in 1 2 3; do
  run
  read -r secs rss_kb <"$work/time"
  lines=$(wc -l <"$work/out.ndjson")
  awk -v n="$lines" -v s="$secs" -v kb="$rss_kb" -v r="$r" -v j="$jobs" \
    'BEGIN { printf "run %d: %d posts in %.2fs = %.0f posts/s (jobs %d), peak RSS %.1f MiB\n", r, n, s, n / s, j, kb / 1024 }'
done
