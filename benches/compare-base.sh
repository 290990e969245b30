#!/usr/bin/env bash
# Interleaved `info` latency and `batch --info-only` throughput of an older release build and
# this one, against the same imitation, so machine noise hits both alike:
#   BASE=path/to/old/tikdl benches/compare-base.sh [RUNS]   (default 40)
# Build the old one in a worktree with its own target dir, for example
#   git worktree add ../tikdl-base REV && (cd ../tikdl-base && cargo build --release -p tikdl)
# and pass BASE=../tikdl-base/target/release/tikdl.
source "$(dirname "$0")/common.sh"
runs=${1:-40}
base=${BASE:?set BASE to the older tikdl binary}
build_release
start_imitation
export XDG_CONFIG_HOME=$work/xdg-config XDG_CACHE_HOME=$work/xdg-cache HOME=$work
url=https://www.tiktok.com/@emthenutritionist/video/7608826249200356630

# Runs the binary $1 against the imitation with the rest of the arguments.
run() { "$1" --no-config --no-cache --proxy "$proxy" --ca-cert "$ca" "${@:2}"; }
binary() { if [ "$1" = base ]; then echo "$base"; else echo "$bin/tikdl"; fi; }

for b in base new; do run "$(binary $b)" info --json "$url" >/dev/null; done # warm-up
for _ in $(seq "$runs"); do
  for b in base new; do
    s=$(date +%s%N); run "$(binary $b)" info --json "$url" >/dev/null; e=$(date +%s%N)
    echo "$b $(((e - s) / 1000))"
  done
done >"$work/latency.txt"
for b in base new; do
  grep "^$b " "$work/latency.txt" | cut -d' ' -f2 | percentiles_ms "info latency ($b)"
done

# The imitation's batch family, as benches/batch-info.sh uses it (real posts, not removed ones).
for i in $(seq 1 1000); do echo "https://www.tiktok.com/@bench/video/$((7300000000000100000 + i))"; done >"$work/list.txt"
for r in 1 2 3; do
  for b in base new; do
    s=$(date +%s%N)
    run "$(binary $b)" --rate-limit 0 batch --info-only --jobs 8 "$work/list.txt" >/dev/null 2>&1
    e=$(date +%s%N)
    echo "batch --info-only ($b) run $r: $((1000000000000 / (e - s))) posts/s"
  done
done

# Download throughput and peak RSS of one 256 MiB post (benches/download-throughput.sh's post).
mib=${DOWNLOAD_MIB:-256}
post=https://www.tiktok.com/@bench/video/$((7900000000000000000 + mib))
for r in 1 2 3; do
  for b in base new; do
    rm -rf "$work/dl"
    s=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$work/rss" \
      "$(binary $b)" --no-config --no-cache --proxy "$proxy" --ca-cert "$ca" --rate-limit 0 \
      download -P "$work/dl" --no-progress --quiet "$post"
    e=$(date +%s%N)
    echo "download ${mib} MiB ($b) run $r: $((mib * 1000000000 / (e - s))) MiB/s, peak RSS $(($(cat "$work/rss") / 1024)) MiB"
  done
done
