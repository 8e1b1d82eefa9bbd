#!/usr/bin/env bash
# Runs `evaluate` on the CPU, on WebGPU and on CUDA (when its provider library is installed) over the same
# build and model, and prints images/s and metrics side by side. On a machine without a GPU the GPU rows
# say why they are unavailable; the script still succeeds.
#
#   bench/gpu-evaluate.sh                       # demo DermaMNIST (fake download) + the reference model
#   SIZE=224 COUNT=600 bench/gpu-evaluate.sh    # bigger images, more of them
#   ROOT=dir FLAG=dermamnist MODEL=m.onnx bench/gpu-evaluate.sh   # your build and your model
#
# Env: ROOT (built outputs; default: build a demo), FLAG (dermamnist), SIZE (28), COUNT (images in the demo
# download, 600), MODEL (.onnx; default: fit the reference model), BATCH (256), SPLIT (test), RUNS (3: best of).
set -euo pipefail
cd "$(dirname "$0")/.."
CLI=(node bin/medmnist-build.js)
[ -f dist/src/cli/main.js ] || npx tsc -p tsconfig.json

FLAG=${FLAG:-dermamnist}
SIZE=${SIZE:-28}
COUNT=${COUNT:-600}
BATCH=${BATCH:-256}
SPLIT=${SPLIT:-test}
RUNS=${RUNS:-3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gpu-evaluate.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

if [ -z "${ROOT:-}" ]; then
  ROOT="$WORK/demo"
  echo "building a demo $FLAG (fake download, $COUNT images, size $SIZE) in $ROOT" >&2
  "${CLI[@]}" demo --out "$ROOT" --source ham10000 --count "$COUNT" --size "$SIZE" >/dev/null
fi
if [ -z "${MODEL:-}" ]; then
  MODEL="$WORK/reference.onnx"
  "${CLI[@]}" evaluate --flag "$FLAG" --root "$ROOT" --size "$SIZE" --split "$SPLIT" --fit-reference "$MODEL" --device cpu --json >/dev/null
fi

for device in cpu webgpu cuda; do
  for run in $(seq 1 "$RUNS"); do
    if "${CLI[@]}" evaluate --flag "$FLAG" --root "$ROOT" --size "$SIZE" --split "$SPLIT" --model "$MODEL" \
      --device "$device" --batch "$BATCH" --json >"$WORK/$device.$run.json" 2>"$WORK/$device.err"; then
      :
    else
      rm -f "$WORK/$device.$run.json"
      break
    fi
  done
done

node --input-type=module - "$WORK" "$RUNS" <<'EOF'
import { existsSync, readFileSync } from 'node:fs';
const [work, runs] = process.argv.slice(2);
const rows = [['device', 'status', 'images/s (best)', 'images', 'AUC', 'ACC']];
const notes = [];
for (const device of ['cpu', 'webgpu', 'cuda']) {
  const results = [];
  for (let r = 1; r <= Number(runs); r++) {
    const f = `${work}/${device}.${r}.json`;
    if (existsSync(f)) results.push(JSON.parse(readFileSync(f, 'utf8')));
  }
  if (results.length === 0) {
    const err = existsSync(`${work}/${device}.err`) ? readFileSync(`${work}/${device}.err`, 'utf8') : '';
    const reason = err.split('\n').filter((l) => l.startsWith('medmnist-build:')).pop() ?? err.trim().split('\n').pop() ?? '';
    rows.push([device, 'unavailable', '-', '-', '-', '-']);
    notes.push(`${device}: ${reason.replace(/^medmnist-build: /, '')}`);
    continue;
  }
  const best = Math.max(...results.map((r) => r.imagesPerSecond));
  const r = results[0];
  rows.push([device, 'ran', best.toFixed(1), String(r.images), r.metrics.auc.toFixed(6), r.metrics.acc.toFixed(6)]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
for (const n of notes) console.log(n);
EOF
