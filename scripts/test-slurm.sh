#!/usr/bin/env bash
# The sharded build on a real Slurm cluster (issue 18): installs Debian's slurm-wlm and munge if absent,
# starts a private single-node cluster on this machine (munged, slurmctld and slurmd with 2 CPUs, its own
# ports, sockets and state under a temporary folder), then
#   1. for every source's demo fake download (60 images): `plan --json` and the two Slurm lines it prints
#      (the examples/slurm/process.sbatch array over 4 shards, then examples/slurm/pack.sbatch with
#      --dependency=afterok), run as printed; waits; the outputs must equal a `convert` byte for byte;
#   2. on a larger fake HAM10000 download: the same, but shard 2 is cancelled (scancel) while it runs;
#      then the shard is gone (no partial folder), the pack job never starts, `pack` refuses naming
#      shard 2 and the command that redoes it; the same two lines are submitted again, and the re-run
#      must redo only shard 2 (the others' logs say skipped and their folders are untouched) and give
#      the bytes of `convert`.
# The cluster is stopped and the temporary folder removed at the end, whatever happened (EXIT trap;
# the whole run is bounded by SLURM_TEST_TIMEOUT seconds).
#
#   npm run test:slurm                 (builds first; .ci/run runs it after npm test)
#   SLURM_TEST_TIMING=1 npm run test:slurm    also times 1 shard vs 4 shards on the larger download
# Exit: 0 all checks passed, 1 a check failed, 77 Slurm could not be installed or started here (the
# log says why; nothing about medmnist-build was tested).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIMIT=${SLURM_TEST_TIMEOUT:-1500}
BIG=${SLURM_TEST_BIG:-800}
if [ -z "${SLURM_TEST_INNER:-}" ]; then
  # Bound the whole run; the inner script's EXIT trap stops the cluster when timeout sends SIGTERM.
  SLURM_TEST_INNER=1 timeout --kill-after=60 "$LIMIT" bash "$0" "$@"
  rc=$?
  [ $rc -eq 124 ] && echo "test-slurm: timed out after ${LIMIT}s (SLURM_TEST_TIMEOUT)" >&2
  exit $rc
fi

WORK=$(mktemp -d /tmp/medmnist-slurm-test.XXXXXX)
export SLURM_CONF=$WORK/etc/slurm.conf
MUNGE_SOCK=$WORK/munge/munge.sock
passed=0
failed=0
log() { printf '[test-slurm %s] %s\n' "$(date +%T)" "$*" >&2; }
ok() { passed=$((passed + 1)); log "PASS: $*"; }
bad() { failed=$((failed + 1)); log "FAIL: $*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

show_logs() {
  for f in "$WORK"/log/*.log "$WORK"/munge/munged.log; do
    [ -f "$f" ] && { echo "----- $f (last 40 lines)" >&2; tail -n 40 "$f" >&2; }
  done
}

pid_of() { [ -f "$1" ] && cat "$1" 2>/dev/null; }
stop_pid() { # pid-file: TERM, then KILL after 10 s; only the process this script started
  local pid
  pid=$(pid_of "$1") || return 0
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -f "$SLURM_CONF" ]; then
    log "stopping the cluster"
    scancel --full --quiet --user="$(id -un)" 2>/dev/null || true
    for _ in $(seq 1 30); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.5; done
    timeout 20 scontrol shutdown >/dev/null 2>&1 || true
    stop_pid "$WORK/run/slurmd.pid"
    stop_pid "$WORK/run/slurmctld.pid"
  fi
  if [ -S "$MUNGE_SOCK" ]; then timeout 10 munged --stop --socket="$MUNGE_SOCK" >/dev/null 2>&1 || stop_pid "$WORK/munge/munged.pid"; fi
  if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then show_logs; fi
  if [ -n "${SLURM_TEST_KEEP:-}" ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 143' INT TERM

skip() { log "SKIP: $*"; show_logs; exit 77; }

# ---- install -------------------------------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  log "installing slurm-wlm and munge (Debian)"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y --no-install-recommends slurm-wlm munge >"$WORK/apt.log" 2>&1 ||
    { as_root apt-get update >>"$WORK/apt.log" 2>&1 && as_root apt-get install -y --no-install-recommends slurm-wlm munge >>"$WORK/apt.log" 2>&1; } ||
    { tail -n 20 "$WORK/apt.log" >&2; skip "apt-get install slurm-wlm munge failed"; }
fi
log "$(slurmctld -V), $(munged -V 2>&1 | head -n 1)"

# ---- a private single-node cluster ---------------------------------------------------------------
mkdir -p "$WORK"/{etc,munge,state,spool,run,log,bin}
chmod 700 "$WORK/munge"
chmod 755 "$WORK"
head -c 1024 /dev/urandom >"$WORK/munge/munge.key"
chmod 400 "$WORK/munge/munge.key"
munged --force --socket="$MUNGE_SOCK" --key-file="$WORK/munge/munge.key" --pid-file="$WORK/munge/munged.pid" \
  --log-file="$WORK/munge/munged.log" --seed-file="$WORK/munge/munged.seed" || skip "munged did not start"
munge -S "$MUNGE_SOCK" -n | unmunge -S "$MUNGE_SOCK" >/dev/null || skip "munge credentials do not round-trip"

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
CTLD_PORT=$(free_port)
SLURMD_PORT=$(free_port)
while [ "$SLURMD_PORT" = "$CTLD_PORT" ]; do SLURMD_PORT=$(free_port); done
cat >"$SLURM_CONF" <<EOF
ClusterName=medmnisttest
SlurmctldHost=localhost
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=$(id -un)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCK
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool/%n
SlurmctldPidFile=$WORK/run/slurmctld.pid
SlurmdPidFile=$WORK/run/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=3600
# Schedule (and evaluate dependencies) every second, not every minute: the test waits on it.
SchedulerParameters=sched_interval=1,bf_interval=1
KillWait=10
MpiDefault=none
SwitchType=switch/none
PlugStackConfig=/dev/null
NodeName=localhost NodeHostname=localhost CPUs=2 RealMemory=1000 State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -f "$SLURM_CONF" -i || skip "slurmctld did not start"
slurmd -f "$SLURM_CONF" -N localhost || skip "slurmd did not start"
for _ in $(seq 1 60); do
  state=$(sinfo -h -n localhost -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || skip "the node did not come up idle (state: '${state}')"
log "cluster up: $(sinfo -h -o '%P %a %D %c %T')"

# medmnist-build on the nodes' PATH: sbatch --export=ALL carries PATH to the jobs.
printf '#!/bin/sh\nexec node %q "$@"\n' "$ROOT/bin/medmnist-build.js" >"$WORK/bin/medmnist-build"
chmod +x "$WORK/bin/medmnist-build"
export PATH=$WORK/bin:$PATH

# ---- helpers -------------------------------------------------------------------------------------
job_state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
task_state() { job_state "${1}_$2"; }
wait_done() { # job id(s): until none is pending or running; bounded
  local deadline=$((SECONDS + ${2:-600}))
  while [ $SECONDS -lt $deadline ]; do
    [ -z "$(squeue -h -j "$1" -t PENDING,RUNNING,CONFIGURING,COMPLETING 2>/dev/null)" ] && return 0
    sleep 0.5
  done
  log "jobs $1 still queued after ${2:-600}s: $(squeue -h -j "$1" 2>/dev/null | tr '\n' ';')"
  return 1
}
same_tree() { # a b: same file names, same bytes (the input stat cache of `convert` is not an output)
  if diff -r -q -x .medmnist-build-inputs.json "$1" "$2" >"$WORK/diff.txt" 2>&1; then return 0; fi
  head -n 20 "$WORK/diff.txt" >&2
  return 1
}
OPTS=(--size 28,64 --format npz,arrow,parquet,png --seed 0)

# Plan SOURCE INPUT DIR COUNT CPUS: writes DIR/plan.json and DIR/plan.out.json; prints nothing.
plan() {
  mkdir -p "$3"
  medmnist-build plan --source "$1" --input "$2" --plan "$3/plan.json" --shards "$3/shards" --out "$3/out" \
    --count "$4" --cpus-per-shard "$5" "${OPTS[@]}" --json >"$3/plan.out.json" 2>"$3/plan.err"
}
# The Slurm lines `plan` printed, run as printed (in DIR, where the job logs go); sets JID and PACK.
submit() {
  local lines
  mapfile -t lines < <(node -e 'for (const c of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).commands.slurm) console.log(c)' "$1/plan.out.json")
  [ ${#lines[@]} -eq 2 ] || { bad "plan printed ${#lines[@]} Slurm lines, not 2"; return 1; }
  pushd "$1" >/dev/null || return 1
  eval "${lines[0]}" || { popd >/dev/null; return 1; }
  JID=${jid%%;*}
  PACK=$(eval "${lines[1]}") || { popd >/dev/null; return 1; }
  PACK=${PACK%%;*}
  popd >/dev/null || return 1
}

# ---- 1. every demo source: array of 4 + dependent pack == convert --------------------------------
npm_build_ok=$(test -f "$ROOT/dist/src/cli/main.js" && echo yes)
[ "$npm_build_ok" = yes ] || { bad "dist/ is missing: run npm run build first (npm run test:slurm does)"; exit 1; }
log "writing the demo's fake downloads"
node "$ROOT/scripts/fake-downloads.mjs" "$WORK/raw" >"$WORK/sources.txt" || { bad "fake downloads"; exit 1; }
declare -A JOBS PACKS
while read -r src input; do
  plan "$src" "$input" "$WORK/build/$src" 4 1 || { bad "$src: plan failed: $(cat "$WORK/build/$src/plan.err")"; continue; }
  submit "$WORK/build/$src" || { bad "$src: sbatch failed"; continue; }
  JOBS[$src]=$JID
  PACKS[$src]=$PACK
  log "$src: array job $JID (4 shards), pack job $PACK (afterok)"
done <"$WORK/sources.txt"
all_ids=$(printf '%s,' "${JOBS[@]}" "${PACKS[@]}")
wait_done "${all_ids%,}" 900 || bad "demo jobs did not finish in time"
while read -r src input; do
  [ -n "${PACKS[$src]:-}" ] || continue
  d=$WORK/build/$src
  states=$(for i in 0 1 2 3; do task_state "${JOBS[$src]}" $i; done | sort | uniq -c | tr -s ' \n' ' ')
  pstate=$(job_state "${PACKS[$src]}")
  if [ "$pstate" != COMPLETED ]; then
    bad "$src: pack job ${PACKS[$src]} is $pstate (tasks: $states)"
    tail -n 5 "$d"/medmnist-*.out >&2
    continue
  fi
  medmnist-build convert --source "$src" --input "$input" --out "$d/convert" "${OPTS[@]}" 2>"$d/convert.err" ||
    { bad "$src: convert failed"; continue; }
  n=$(find "$d/out" -type f | wc -l)
  if same_tree "$d/out" "$d/convert"; then ok "$src: 4 Slurm shards + pack == convert, byte for byte ($n files; tasks:$states)"
  else bad "$src: Slurm outputs differ from convert"; fi
done <"$WORK/sources.txt"

# ---- 2. cancel one shard mid-run, re-submit, only it is redone ------------------------------------
log "writing a fake HAM10000 download of $BIG images"
node "$ROOT/scripts/fake-downloads.mjs" "$WORK/raw-big" --source ham10000 --count "$BIG" >/dev/null || { bad "big fake download"; exit 1; }
B=$WORK/build/big
BIN=$WORK/raw-big/ham10000
OPTS=(--size 28,64,128,224 --format npz --seed 0)
plan ham10000 "$BIN" "$B" 4 2 || { bad "big: plan failed: $(cat "$B/plan.err")"; exit 1; }
submit "$B" || { bad "big: sbatch failed"; exit 1; }
log "big: array job $JID, pack job $PACK; waiting for shard 2 to be mid-write"
# Mid-run means: its process has created its temporary shard folder and is writing records into it.
deadline=$((SECONDS + 600))
until compgen -G "$B/shards/shard-2-of-4.tmp-*/dermamnist-224.bin" >/dev/null || [ $SECONDS -ge $deadline ]; do sleep 0.05; done
sleep 0.5
tmpdir=$(compgen -G "$B/shards/shard-2-of-4.tmp-*" | head -n 1)
log "big: shard 2 is $(task_state "$JID" 2), writing $(du -sk "$tmpdir" 2>/dev/null | cut -f1) KiB into $(basename "$tmpdir"); scancel ${JID}_2"
scancel "${JID}_2"
wait_done "$JID" 600 || bad "big: array did not finish"
s2=$(task_state "$JID" 2)
if [ -n "$tmpdir" ] && [ "$s2" = CANCELLED ] && [ ! -e "$B/shards/shard-2-of-4" ]; then ok "shard 2 cancelled mid-write (JobState=$s2; log: $(grep -o 'interrupted.*' "$B/medmnist-process-${JID}_2.out" 2>/dev/null)), no shard-2-of-4 folder"
else bad "shard 2: JobState=$s2, folder: $(ls "$B/shards" | tr '\n' ' ')"; fi
leftover=$(find "$B/shards" -maxdepth 1 -name 'shard-2-of-4.tmp-*' | wc -l)
[ "$leftover" -eq 0 ] && ok "the cancelled shard left no temporary folder (SIGTERM handler)" || bad "$leftover temporary folders of shard 2 left"
for i in 0 1 3; do
  [ "$(task_state "$JID" $i)" = COMPLETED ] || bad "task $i: $(task_state "$JID" $i)"
done
sleep 1
pstate=$(job_state "$PACK")
preason=$(scontrol show job "$PACK" | sed -n 's/.*Reason=\([^ ]*\).*/\1/p' | head -n 1)
if [ "$pstate" = PENDING ] || [ "$pstate" = CANCELLED ]; then ok "pack job did not run after a failed shard ($pstate, $preason)"
else bad "pack job is $pstate after a cancelled shard"; fi
scancel "$PACK" 2>/dev/null || true
medmnist-build pack --plan "$B/plan.json" --shards "$B/shards" --count 4 --out "$B/out" 2>"$B/pack-refused.err"
prc=$?
if [ $prc -eq 1 ] && grep -q 'shard-2-of-4: missing' "$B/pack-refused.err" && grep -q -- '--shard 2/4' "$B/pack-refused.err" &&
  grep -q -- '--array=2 ' "$B/pack-refused.err" && [ ! -e "$B/out" ]; then
  ok "pack refuses, naming shard-2-of-4, its process command and sbatch --array=2"
else
  bad "pack with a missing shard: exit $prc"
  cat "$B/pack-refused.err" >&2
fi
before=$(for i in 0 1 3; do stat -c "%i %Y" "$B/shards/shard-$i-of-4/shard.json"; done)
first=$JID
submit "$B" || { bad "big: re-submission failed"; exit 1; }
log "big: re-submitted: array job $JID, pack job $PACK"
wait_done "$JID,$PACK" 600 || bad "big: re-run did not finish"
after=$(for i in 0 1 3; do stat -c "%i %Y" "$B/shards/shard-$i-of-4/shard.json"; done)
skipped=0
for i in 0 1 3; do grep -q 'already done and verified, skipped' "$B/medmnist-process-${JID}_$i.out" && skipped=$((skipped + 1)); done
redone=$(grep -c 'items in' "$B/medmnist-process-${JID}_2.out")
if [ $skipped -eq 3 ] && [ "$redone" -eq 1 ] && [ "$before" = "$after" ]; then
  ok "the re-submitted array redid only shard 2 (0, 1, 3: skipped, folders untouched; 2: $(grep 'items in' "$B/medmnist-process-${JID}_2.out"))"
else
  bad "re-run: $skipped of 3 skipped, shard 2 redone: $redone, others untouched: $([ "$before" = "$after" ] && echo yes || echo no)"
  tail -n 3 "$B"/medmnist-process-"${JID}"_*.out >&2
fi
if [ "$(job_state "$PACK")" = COMPLETED ]; then
  medmnist-build convert --source ham10000 --input "$BIN" --out "$B/convert" "${OPTS[@]}" 2>"$B/convert.err" || bad "big: convert failed"
  same_tree "$B/out" "$B/convert" && ok "after the re-run: pack == convert, byte for byte ($(find "$B/out" -type f | wc -l) files)" ||
    bad "big: outputs differ from convert"
else
  bad "big: pack job $PACK is $(job_state "$PACK")"
  tail -n 5 "$B"/medmnist-pack-*.out >&2
fi
log "first array $first, re-run array $JID"

# ---- optional: 1 shard vs 4 shards on this machine ------------------------------------------------
if [ -n "${SLURM_TEST_TIMING:-}" ]; then
  for spec in "1 2" "4 1" "4 2"; do
    read -r n cpus <<<"$spec"
    T=$WORK/build/timing-$n-$cpus
    t0=$(date +%s.%N)
    plan ham10000 "$BIN" "$T" "$n" "$cpus" || { bad "timing plan"; continue; }
    t1=$(date +%s.%N)
    submit "$T" || { bad "timing submit"; continue; }
    wait_done "$JID,$PACK" 900
    t2=$(date +%s.%N)
    shard_s=$(grep -h -o '[0-9]* items in [0-9.]* s' "$T"/medmnist-process-*.out | tr '\n' ';')
    pack_s=$(grep -h -o 'packed in [0-9.]* s' "$T"/medmnist-pack-*.out)
    log "TIMING: $BIG images, sizes 28,64,128,224, $n shard(s) x $cpus CPU(s): plan $(awk "BEGIN{printf \"%.1f\", $t1 - $t0}") s, array+pack $(awk "BEGIN{printf \"%.1f\", $t2 - $t1}") s wall; shards: $shard_s pack: $pack_s"
  done
fi

echo "test-slurm: $passed passed, $failed failed"
[ $failed -eq 0 ]
