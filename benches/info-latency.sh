#!/usr/bin/env bash
# Wall time of one `tikdl info` against the local imitation (new process, proxy CONNECT, TLS,
# page, extraction, JSON), timed by hyperfine after one warm-up run:
# benches/info-latency.sh [RUNS]   (default 30)
source "$(dirname "$0")/common.sh"
runs=${1:-30}
build_release
start_imitation
url=https://www.tiktok.com/@emthenutritionist/video/7608826249200356630
hyperfine_ms "tikdl info (uncached)" "$runs" \
  "$bin/tikdl" --no-config --no-cache --proxy "$proxy" --ca-cert "$ca" info --json "$url"
