#!/usr/bin/env bash
# Interleaved `info` latency and `batch --info-only` throughput of two release builds against the
# same imitation, so machine noise hits both alike:
#   BASE=/path/to/old/tikdl bench/compare-base.sh
# (build the old one with `git worktree add /tmp/base REV && cd /tmp/base &&
#  CARGO_TARGET_DIR=/tmp/base-target cargo build --release -p tikdl`). Run from the repo root
# after `cargo build --release -p tikdl -p tiktok-imitation`.
set -u
W=$(mktemp -d /tmp/cmp.XXXX)
./target/release/tiktok-imitation --ca-out $W/ca.pem > $W/imi.log 2>&1 &
IMI=$!
sleep 0.5
PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' $W/imi.log | head -1)
export XDG_CONFIG_HOME=$W/x XDG_CACHE_HOME=$W/c HOME=$W
URL=https://www.tiktok.com/@emthenutritionist/video/7608826249200356630
BIN_base=${BASE:?set BASE to the old tikdl binary}
BIN_new=./target/release/tikdl
run() { $1 --no-config --no-cache --proxy http://127.0.0.1:$PORT --ca-cert $W/ca.pem "${@:2}"; }
for b in base new; do run $(eval echo \$BIN_$b) info --json $URL > /dev/null; done
for i in $(seq 40); do
  for b in base new; do
    bin=$(eval echo \$BIN_$b)
    s=$(date +%s%N); run $bin info --json $URL > /dev/null; e=$(date +%s%N)
    echo "$b $(((e - s) / 1000))" >> $W/lat.txt
  done
done
python3 - $W/lat.txt <<'PY'
import sys, statistics
d={}
for l in open(sys.argv[1]):
    b,v=l.split(); d.setdefault(b,[]).append(int(v)/1000)
for b,v in d.items():
    v.sort(); print(f"info latency {b}: median {statistics.median(v):.2f} ms, p90 {v[int(len(v)*0.9)]:.2f} ms ({len(v)} runs)")
PY
seq 7300000000000200001 7300000000000201000 | sed 's#^#https://www.tiktok.com/@b/video/#' > $W/list.txt
for r in 1 2 3; do
  for b in base new; do
    bin=$(eval echo \$BIN_$b)
    s=$(date +%s%N); run $bin --rate-limit 0 batch --info-only --jobs 8 $W/list.txt > /dev/null 2>&1; e=$(date +%s%N)
    echo "batch-info $b run $r: $(( 1000000000000 / (e - s) )) posts/s"
  done
done
kill $IMI
rm -rf $W
