#!/usr/bin/env bash
# Runs the README's "One list over many machines" recipes for real against the local imitation
# GNU parallel with 3 proxies on one host, the Kubernetes Indexed Job's container
# command with JOB_COMPLETION_INDEX=0..2 set by hand, and the Slurm array script with
# SLURM_ARRAY_TASK_ID=1..3 set by hand. Each recipe runs over one 100-post list; the script
# checks that the 3 archives are disjoint, concatenate into 100 unique lines, and that 100
# videos were saved.
#
#   BIN_DIR=/path/to/target/debug benches/shard-recipes.sh     (default: ./target/release)
#
# `tikdl` in the recipes is a wrapper on PATH that stands for the installed binary: it adds what
# only the test needs (trust the imitation's CA, no config file, a private cache, no pacing so the
# run takes seconds, and, for the recipes that give no --proxy, the imitation as the proxy).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bin=${BIN_DIR:-$bin}
[ -n "${BIN_DIR:-}" ] || build_release
command -v parallel >/dev/null || { echo "GNU parallel is not installed" >&2; exit 1; }
start_imitation

mkdir -p "$work/bin"
cat >"$work/bin/tikdl" <<EOF
#!/bin/sh
exec "$(realpath "$bin")/tikdl" --no-config --cache-dir "$work/cache" --ca-cert "$ca" \
  --rate-limit 0 \${TEST_PROXY:+--proxy "\$TEST_PROXY"} "\$@"
EOF
chmod +x "$work/bin/tikdl"
export PATH="$work/bin:$PATH"

# One 100-post list from the imitation's batch family.
for n in $(seq 3001 3100); do
  echo "https://www.tiktok.com/@imitation/video/$((7300000000000100000 + n))"
done >"$work/list.txt"

check() { # DIR NAME: the 3 archives in DIR are disjoint and cover the list
  local dir=$1 name=$2
  local lines unique videos
  lines=$(cat "$dir"/arch-*.txt | wc -l)
  unique=$(cat "$dir"/arch-*.txt | sort -u | wc -l)
  videos=$(find "$dir" -name '*.mp4' | wc -l)
  for k in 1 2 3; do printf '  shard %s: %s posts\n' "$k" "$(wc -l <"$dir/arch-$k.txt")"; done
  if [ "$lines" -eq 100 ] && [ "$unique" -eq 100 ] && [ "$videos" -eq 100 ]; then
    echo "$name: OK (100 archive lines, 100 unique, 100 videos)"
  else
    echo "$name: FAILED ($lines archive lines, $unique unique, $videos videos)" >&2
    exit 1
  fi
}

echo "== GNU parallel, one host, 3 proxies"
mkdir -p "$work/parallel" && cp "$work/list.txt" "$work/parallel/" && cd "$work/parallel"
# The README's command, with the imitation's proxy URL given three times.
parallel -j3 tikdl batch --shard {#}/3 --proxy {} --download-archive arch-{#}.txt list.txt \
  ::: "$proxy" "$proxy" "$proxy"
cat arch-*.txt > arch.txt
check "$work/parallel" parallel

echo "== Kubernetes Indexed Job: the container command, JOB_COMPLETION_INDEX=0..2"
export TEST_PROXY=$proxy
data=$work/k8s && mkdir -p "$data" && cp "$work/list.txt" "$data/"
# The README's `args` with /data (the pod's volume) replaced by $data.
k8s_args='i=$((JOB_COMPLETION_INDEX+1)); tikdl batch --shard "$i/3" --download-archive "/data/arch-$i.txt" --failed-file "/data/failed-$i.txt" -P /data/videos /data/list.txt'
for index in 0 1 2; do
  JOB_COMPLETION_INDEX=$index sh -c "${k8s_args//\/data/$data}"
done
check "$data" kubernetes

echo "== Slurm job array: the sbatch script, SLURM_ARRAY_TASK_ID=1..3"
mkdir -p "$work/slurm" && cp "$work/list.txt" "$work/slurm/" && cd "$work/slurm"
cat >tikdl.sbatch <<'EOF'
#!/bin/bash
#SBATCH --job-name=tikdl
#SBATCH --array=1-3
#SBATCH --cpus-per-task=1
tikdl batch --shard "${SLURM_ARRAY_TASK_ID}/3" --download-archive "arch-${SLURM_ARRAY_TASK_ID}.txt" \
  --failed-file "failed-${SLURM_ARRAY_TASK_ID}.txt" -P videos list.txt
EOF
for task in 1 2 3; do SLURM_ARRAY_TASK_ID=$task bash tikdl.sbatch; done
check "$work/slurm" slurm
