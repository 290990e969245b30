#!/usr/bin/env bash
# Peak RSS and time to the first line of `tikdl batch --info-only` over one long profile served by
# the local imitation (`@many_N`: N posts in 35-post pages; pacing off):
# benches/list-memory.sh [N]   (default 100000; tikdl pages a list at most 1000 times, so 35,000 posts
# of it are listed). Needs GNU time at /usr/bin/time (apt-get install time).
source "$(dirname "$0")/common.sh"
n=${1:-100000}
build_release
start_imitation
start=$(date +%s.%N)
echo "https://www.tiktok.com/@many_$n" |
  /usr/bin/time -f "%e %M" -o "$work/time" "$bin/tikdl" --no-config --no-cache --proxy "$proxy" \
    --ca-cert "$ca" --rate-limit 0 batch --info-only - 2>"$work/err" |
  { IFS= read -r first; date +%s.%N >"$work/first"; printf '%s\n' "$first"; cat; } >"$work/out.ndjson"
read -r secs rss_kb <"$work/time"
first=$(cat "$work/first")
lines=$(wc -l <"$work/out.ndjson")
awk -v n="$lines" -v s="$secs" -v kb="$rss_kb" -v t0="$start" -v t1="$first" -v want="$n" \
  'BEGIN { printf "@many_%d: %d posts in %.2fs, first line after %.2fs, peak RSS %.1f MiB\n", want, n, s, t1 - t0, kb / 1024 }'
# Lists are paged at most 1000 times: past 35,000 posts the list stops there, with a warning.
grep -h "stopped after" "$work/err" >&2 || true
