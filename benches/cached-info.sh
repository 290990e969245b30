#!/usr/bin/env bash
# Wall time of a cached `tikdl info`: the second ask for a post within the cache TTL, answered
# from the metadata cache with no request at all (the imitation is stopped before measuring, so
# a run that tried the network would fail): benches/cached-info.sh [RUNS]   (default 50)
source "$(dirname "$0")/common.sh"
runs=${1:-50}
build_release
start_imitation
# A benchmark post: its media URLs carry no expiry, so the entry stays servable.
url=https://www.tiktok.com/@bench/video/7900000000000000001
cached=("$bin/tikdl" --no-config --cache-dir "$work/cache" --proxy "$proxy" --ca-cert "$ca" info --json "$url")
"${cached[@]}" >/dev/null # fills the cache
stop_imitation
hyperfine_ms "tikdl info (cached)" "$runs" "${cached[@]}"
