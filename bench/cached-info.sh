#!/usr/bin/env bash
# Wall time of a cached `tikdl info`: the second ask for a post within the cache TTL, answered
# from the metadata cache with no request at all (the imitation is stopped before measuring, so
# a run that tried the network would fail): bench/cached-info.sh [RUNS]   (default 50)
source "$(dirname "$0")/common.sh"
runs=${1:-50}
build_release
start_imitation
# A benchmark post: its media URLs carry no expiry, so the entry stays servable.
url=https://www.tiktok.com/@bench/video/7900000000000000001
cached() { "$bin/tikdl" --no-config --cache-dir "$work/cache" --proxy "$proxy" --ca-cert "$ca" info --json "$url" >/dev/null; }
cached # fills the cache
stop_imitation
for _ in $(seq "$runs"); do
  s=$(date +%s%N); cached; e=$(date +%s%N); echo $(((e - s) / 1000))
done | percentiles_ms "tikdl info (cached)"
