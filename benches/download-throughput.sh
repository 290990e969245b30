#!/usr/bin/env bash
# Throughput and peak RSS of `tikdl download` against curl, on the same file served by the local
# imitation (release builds, through its CONNECT proxy, over TLS).
#
# Usage: [RUNS=N] [TIKDL=BIN] benches/download-throughput.sh [SIZE_MIB]   (default 1024 = 1 GiB;
# 1..1048576)
#
# * Builds `tikdl` and `tiktok-imitation` in release mode into the normal ./target
#   (CARGO_TARGET_DIR is ignored on purpose, so the binaries are always target/release/*).
# * curl fetches https://v16-webapp-prime.tiktok.com/bench/{bytes}.mp4?tk=tt_chain_token
#   directly; tikdl downloads the post https://www.tiktok.com/@bench/video/{7900000000000000000 +
#   SIZE_MIB}, whose only format is that same URL (so both get identical bytes).
# * RUNS runs each (env, default 3); best and median are shown. "curl+fsync" adds an fsync of
#   the file (`sync FILE`) to curl's time, because tikdl fsyncs every finished download before
#   renaming it into place; the ratio is computed against plain curl (the stricter comparison).
# * tikdl also downloads a 64 MiB post, to show that its peak RSS does not depend on file size.
# * Files go to a temporary folder under ${BENCH_TMP:-${TMPDIR:-/tmp}} (needs 2 x SIZE_MIB free);
#   it is removed, and the imitation killed, on exit.
# * Needs curl and GNU time at /usr/bin/time (for the peak RSS): `sudo apt-get install time`.
# Targets (issue): tikdl >= 0.9x curl's throughput, peak RSS < 40 MiB whatever the size.
source "$(dirname "$0")/common.sh"

size_mib=${1:-1024}
runs=${RUNS:-3}
small_mib=64
if ! [[ $size_mib =~ ^[0-9]+$ ]] || ((size_mib < 1 || size_mib > 1048576)); then
  echo "usage: $0 [SIZE_MIB]   (1..1048576, default 1024)" >&2
  exit 2
fi
if ! [ -x /usr/bin/time ] || ! /usr/bin/time -v true >/dev/null 2>&1; then
  echo "GNU time is needed at /usr/bin/time for peak RSS: sudo apt-get install time" >&2
  exit 2
fi
command -v curl >/dev/null || { echo "curl is needed: sudo apt-get install curl" >&2; exit 2; }

build_release
# TIKDL=path/to/other/tikdl measures another build (an older one, say) against the same curl.
tikdl_bin=${TIKDL:-$bin/tikdl}

start_imitation

media_url() { echo "https://v16-webapp-prime.tiktok.com/bench/$(($1 << 20)).mp4?tk=tt_chain_token"; }
post_url() { echo "https://www.tiktok.com/@bench/video/$((7900000000000000000 + $1))"; }
now_ns() { date +%s%N; }
# Peak RSS in KiB, and user + system CPU seconds, from a `/usr/bin/time -v -o FILE` report.
rss_kib() { sed -n 's/.*Maximum resident set size (kbytes): *\([0-9]*\).*/\1/p' "$1"; }
cpu_s() { awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$1"; }
check_size() { # FILE BYTES WHAT
  local got
  got=$(stat -c %s "$1" 2>/dev/null || echo missing)
  if [ "$got" != "$2" ]; then echo "$3: expected $2 bytes, got $got ($1)" >&2; exit 1; fi
}

# Each run appends "microseconds rss_kib cpu_seconds" to $work/<label>.runs.
run_curl() { # MIB LABEL FSYNC(0|1)
  local mib=$1 out=$work/curl.mp4 t0 t1
  rm -f "$out"; sync
  t0=$(now_ns)
  /usr/bin/time -v -o "$work/time.txt" \
    curl -s -f -o "$out" --proxy "$proxy" --cacert "$work/ca.pem" "$(media_url "$mib")"
  if [ "$3" = 1 ]; then sync "$out"; fi
  t1=$(now_ns)
  check_size "$out" $((mib << 20)) curl
  echo "$(((t1 - t0) / 1000)) $(rss_kib "$work/time.txt") $(cpu_s "$work/time.txt")" >>"$work/$2.runs"
}

run_tikdl() { # MIB LABEL
  local mib=$1 dir=$work/tikdl t0 t1 file
  rm -rf "$dir"; mkdir -p "$dir"; sync
  t0=$(now_ns)
  /usr/bin/time -v -o "$work/time.txt" \
    "$tikdl_bin" --no-config --no-cache --proxy "$proxy" --ca-cert "$ca" \
    download -P "$dir" --force-overwrites --no-progress "$(post_url "$mib")" >"$work/tikdl.out" 2>&1 \
    || { cat "$work/tikdl.out" >&2; exit 1; }
  t1=$(now_ns)
  file=$(find "$dir" -name '*.mp4' | head -1)
  check_size "$file" $((mib << 20)) tikdl
  echo "$(((t1 - t0) / 1000)) $(rss_kib "$work/time.txt") $(cpu_s "$work/time.txt")" >>"$work/$2.runs"
}

echo "imitation on $proxy; $runs runs each of ${size_mib} MiB, files in $work" >&2
# Warm-up (page cache, TLS session set-up paths, imitation threads); not counted.
run_curl 16 warm 0
run_tikdl 16 warm

for i in $(seq "$runs"); do
  echo "run $i/$runs" >&2
  run_curl "$size_mib" curl 0
  run_curl "$size_mib" curl_fsync 1
  run_tikdl "$size_mib" tikdl
  if [ "$i" = 1 ]; then
    cmp "$work/curl.mp4" "$(find "$work/tikdl" -name '*.mp4' | head -1)" \
      || { echo "tikdl's file differs from curl's" >&2; exit 1; }
  fi
done
rm -rf "$work/tikdl" "$work/curl.mp4"
for _ in $(seq "$runs"); do run_tikdl "$small_mib" tikdl_small; done

# label tool mib: prints "tool mib best_s median_s best_MiBs median_MiBs max_rss_MiB median_cpu_s".
summary() {
  local cpu
  cpu=$(awk '{ print $3 }' "$work/$1.runs" | sort -n | awk '{ c[NR] = $1 } END { print c[int((NR + 1) / 2)] }')
  sort -n "$work/$1.runs" | awk -v tool="$2" -v mib="$3" -v cpu="$cpu" '
    { t[NR] = $1 / 1e6; if ($2 > rss) rss = $2 }
    END {
      med = t[int((NR + 1) / 2)]
      printf "%s %d %.3f %.3f %.1f %.1f %.1f %.2f\n", tool, mib, t[1], med, mib / t[1], mib / med, rss / 1024, cpu
    }'
}
{
  summary curl curl "$size_mib"
  summary curl_fsync curl+fsync "$size_mib"
  summary tikdl tikdl "$size_mib"
  summary tikdl_small tikdl "$small_mib"
} >"$work/summary.txt"

awk -v runs="$runs" '
  $1 == "curl" { cb = $5; cm = $6 }
  { row[NR] = $0 }
  END {
    printf "\n%-11s %9s %8s %8s %10s %10s %9s %7s %15s\n", "tool", "size", "best s", "median s", "best MiB/s", "med MiB/s", "peak RSS", "CPU s", "tikdl/curl"
    for (i = 1; i <= NR; i++) {
      split(row[i], f, " ")
      ratio = "-"
      if (f[1] == "tikdl" && cb > 0 && i == 3) ratio = sprintf("%.2fx / %.2fx", f[5] / cb, f[6] / cm)
      printf "%-11s %5d MiB %8.3f %8.3f %10.1f %10.1f %5.1f MiB %7.2f %15s\n", f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], ratio
    }
    printf "(%d runs each; CPU s = median user + system time of the client; ratio = best / median\n", runs
    printf " throughput vs plain curl; targets: >= 0.90x, tikdl peak RSS < 40 MiB)\n"
  }' "$work/summary.txt"
