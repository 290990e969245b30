#!/usr/bin/env bash
# Every benchmark, one after another, on a fresh machine: benches/all.sh > results.txt
# (needs curl, GNU time and hyperfine: apt-get install -y curl time hyperfine).
# Takes about 5 minutes plus builds.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "# tikdl benchmarks, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -sr)"
echo "## extraction per capture (criterion)"
cargo bench --bench extract 2>&1 | grep -E "^extract/|time:"
echo "## tikdl info latency"
benches/info-latency.sh 30 | tail -1
echo "## cached tikdl info"
benches/cached-info.sh 50 | tail -1
echo "## batch --info-only, 1000 posts"
benches/batch-info.sh 1000 8 | tail -3
echo "## batch --info-only over one long profile (peak RSS, first line)"
benches/list-memory.sh 100000 2>/dev/null | tail -1
echo "## download throughput vs curl, 1 GiB"
benches/download-throughput.sh 1024 | tail -8
