#!/usr/bin/env bash
# Wall time of one `tikdl info` against the local imitation (new process, proxy CONNECT, TLS,
# page, extraction, JSON): bench/info-latency.sh [RUNS]   (default 30)
source "$(dirname "$0")/common.sh"
runs=${1:-30}
build_release
start_imitation
url=https://www.tiktok.com/@emthenutritionist/video/7608826249200356630
tikdl info --json "$url" >/dev/null # warm-up
for _ in $(seq "$runs"); do
  s=$(date +%s%N); tikdl info --json "$url" >/dev/null; e=$(date +%s%N); echo $(((e - s) / 1000))
done | percentiles_ms "tikdl info (uncached)"
