#!/bin/bash
# Plan one source and submit its sharded build: the process array, then pack with --dependency=afterok.
# Run it on a login node, from a folder every node sees:
#   examples/slurm/submit.sh ham10000 /shared/raw/ham10000 /shared/build/ham10000 [plan options...]
# Re-running it after a failure re-plans (the same plan, byte for byte, for the same inputs and options),
# re-submits the whole array (finished shards are skipped) and a new pack job.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 SOURCE INPUT WORKDIR [plan options, e.g. --size 28,224 --shard-minutes 30]" >&2
  exit 2
fi
source=$1 input=$2 work=$3
shift 3
mkdir -p "$work"
# plan prints the exact submission lines (stderr, human) and the same as JSON (stdout); run the latter.
medmnist-build plan --source "$source" --input "$input" --plan "$work/plan.json" \
  --shards "$work/shards" --out "$work/out" --json "$@" > "$work/plan-summary.json"
mapfile -t lines < <(node -e 'for (const c of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).commands.slurm) console.log(c)' "$work/plan-summary.json")
cd "$work"
eval "${lines[0]}"
echo "process array: job $jid" >&2
pack=$(eval "${lines[1]}")
echo "pack: job $pack (after the array succeeds)" >&2
echo "$jid $pack"
