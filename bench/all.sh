#!/usr/bin/env bash
# Every benchmark, one after another, on a fresh machine: bench/all.sh > results.txt
# (needs curl and GNU time: apt-get install -y curl time). Takes about 5 minutes plus builds.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "# tikdl benchmarks, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -sr)"
echo "## extraction per capture (criterion)"
cargo bench --bench extract 2>&1 | grep -E "^extract/|time:"
echo "## tikdl info latency"
bench/info-latency.sh 30 | tail -1
echo "## cached tikdl info"
bench/cached-info.sh 50 | tail -1
echo "## batch --info-only, 1000 posts"
bench/batch-info.sh 1000 8 | tail -3
echo "## batch --info-only over one long profile (peak RSS, first line)"
bench/list-memory.sh 100000 2>/dev/null | tail -1
echo "## download throughput vs curl, 1 GiB"
bench/download-throughput.sh 1024 | tail -8
