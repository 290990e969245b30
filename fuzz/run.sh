#!/usr/bin/env bash
# Builds the fuzz targets and runs each for SECONDS (default 600) from the committed seeds,
# at most JOBS (default 2) at a time, then prints per target: runs executed, coverage and
# features, and crashes found. See fuzz/README.md.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# Environment:
#   JOBS=2              fuzzers at once (the machine has 2 cores and is shared: keep it <= 2)
#   SANITIZER=address   or none (when AddressSanitizer does not work on this machine)
#   CARGO_TARGET_DIR    where to build (default fuzz/target)
#   RSS_LIMIT_MB=2048   per-fuzzer memory cap (an input using more is reported as a crash)
#
# The seeds (fuzz/seeds/<target>/) are copied into fuzz/corpus/<target>/, where libFuzzer adds
# what it finds; corpus/, artifacts/ and logs/ are not committed. A crashing input is saved as
# fuzz/artifacts/<target>/crash-* (or oom-*, timeout-*, leak-*); reproduce it with
# `cargo fuzz run <target> fuzz/artifacts/<target>/crash-...` (with the flags used here).
set -euo pipefail

cd "$(dirname "$0")"
FUZZ_DIR=$(pwd)
SECONDS_PER_TARGET=${1:-600}
shift || true
ALL_TARGETS=(extract_page url_parse template cookies config)
if (($# > 0)); then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi
JOBS=${JOBS:-2}
SANITIZER=${SANITIZER:-address}
RSS_LIMIT_MB=${RSS_LIMIT_MB:-2048}
TARGET_DIR=${CARGO_TARGET_DIR:-$FUZZ_DIR/target}
# cargo-fuzz passes -Z flags to rustc; this lets a stable toolchain accept them.
export RUSTC_BOOTSTRAP=1

max_len() {
    case $1 in
        extract_page) echo 65536 ;; # cut-down captures are up to ~54 KB
        *) echo 8192 ;;
    esac
}

echo "== building all targets, sanitizer=$SANITIZER, debug assertions on"
# -O: optimized; -a: debug assertions (integer overflow, debug_assert!). One cargo build for
# all targets; afterwards the binaries run directly, so edits to src/ during a run change nothing.
cargo fuzz build -O -a --sanitizer "$SANITIZER" --target-dir "$TARGET_DIR" 2>&1 | tail -n 3
BIN_DIR="$TARGET_DIR/$(rustc -vV | sed -n 's/^host: //p')/release"

run_one() {
    local t=$1
    local corpus="$FUZZ_DIR/corpus/$t" artifacts="$FUZZ_DIR/artifacts/$t" log="$FUZZ_DIR/logs/$t.log"
    mkdir -p "$corpus" "$artifacts" "$FUZZ_DIR/logs"
    cp -n "$FUZZ_DIR/seeds/$t/"* "$corpus/" 2>/dev/null || true
    local start=$SECONDS rc=0
    # The same run as: cargo fuzz run -O -a --sanitizer $SANITIZER $t fuzz/corpus/$t -- <flags>
    "$BIN_DIR/$t" "$corpus" \
        -max_total_time="$SECONDS_PER_TARGET" \
        -max_len="$(max_len "$t")" \
        -timeout=10 \
        -rss_limit_mb="$RSS_LIMIT_MB" \
        -print_final_stats=1 \
        -artifact_prefix="$artifacts/" \
        >"$log" 2>&1 || rc=$?
    echo "elapsed_seconds: $((SECONDS - start)) exit_code: $rc" >>"$log"
}

summary() {
    local t=$1 log="$FUZZ_DIR/logs/$1.log"
    local runs cov ft crashes elapsed rc
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
    ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
    crashes=$(find "$FUZZ_DIR/artifacts/$t" -type f \
        \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) | wc -l)
    elapsed=$(sed -n 's/^elapsed_seconds: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
    rc=$(sed -n 's/.*exit_code: \([0-9]*\)$/\1/p' "$log" | tail -n 1)
    printf '%-14s %8ss %12s runs  cov %-6s ft %-7s crashes(all runs) %-3s exit %s\n' \
        "$t" "${elapsed:-?}" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$crashes" "${rc:-?}"
}

echo "== running ${#TARGETS[@]} target(s), ${SECONDS_PER_TARGET}s each, $JOBS at a time"
running=0
for t in "${TARGETS[@]}"; do
    if ((running >= JOBS)); then
        wait -n || true
        running=$((running - 1))
    fi
    echo "-- $t started $(date +%T)"
    run_one "$t" &
    running=$((running + 1))
done
wait || true

echo "== results (logs in fuzz/logs/, crashing inputs in fuzz/artifacts/)"
status=0
for t in "${TARGETS[@]}"; do
    summary "$t"
    if grep -qE '^==[0-9]+== ?ERROR|panicked at|deadly signal' "$FUZZ_DIR/logs/$t.log"; then
        status=1
        grep -m 3 -E 'panicked at|ERROR: libFuzzer|ERROR: AddressSanitizer|Test unit written' \
            "$FUZZ_DIR/logs/$t.log" | sed 's/^/    /'
    fi
done
exit $status
