#!/usr/bin/env bash
# Tries the documented Slurm array job on a real scheduler: installs Debian's slurm-wlm and munge, starts a
# one-node cluster on this machine, submits scripts/slurm/neuroconv-array.sbatch as a 2-task array over a
# 4-session specification, waits for it, and checks that the two shards together wrote exactly the files (and
# the data) that one local run writes. Needs root (slurmd runs jobs as their submitting user) and ../shared.
# Usage: bash scripts/slurm/try-on-local-cluster.sh
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
TESTDATA="$REPO/../shared/testdata"
[[ "$(id -u)" == 0 ]] || { echo "run as root: slurmd must start jobs" >&2; exit 2; }
[[ -f "$TESTDATA/intan/sampledata.rhd" ]] || { echo "missing $TESTDATA/intan/sampledata.rhd" >&2; exit 2; }

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

WORK="$(mktemp -d /tmp/neuroconv-slurm.XXXXXX)"
chmod 755 "$WORK"
cleanup() {
  scancel --user=root >/dev/null 2>&1 || true
  [[ -f "$WORK/slurmd.pid" ]] && kill "$(cat "$WORK/slurmd.pid")" 2>/dev/null || true
  [[ -f "$WORK/slurmctld.pid" ]] && kill "$(cat "$WORK/slurmctld.pid")" 2>/dev/null || true
  [[ -f /run/munge/neuroconv-test.pid ]] && kill "$(cat /run/munge/neuroconv-test.pid)" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# the command the job script calls is the built package's CLI, as an installed `neuroconv` would be
(cd "$REPO" && npm run -s build)
mkdir -p "$WORK/bin"
printf '#!/bin/sh\nexec node "%s/dist/cli/main.js" "$@"\n' "$REPO" >"$WORK/bin/neuroconv"
chmod +x "$WORK/bin/neuroconv"
export PATH="$WORK/bin:$PATH"

# munge authenticates slurmctld <-> slurmd; the key comes with the package
[[ -f /etc/munge/munge.key ]] || runuser -u munge -- mungekey --create
mkdir -p /run/munge && chown munge:munge /run/munge
# a munged already running (a machine with Slurm) is used as it is
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- munged --pid-file=/run/munge/neuroconv-test.pid
fi

NODE="$(hostname -s)"
CPUS="$(nproc)"
MEMORY_MB=$(($(awk '/MemAvailable/ {print $2}' /proc/meminfo) / 1024 / 2))
mkdir -p "$WORK/state" "$WORK/spool"
# linuxproc/none plugins: no cgroups needed, so this also runs inside a container
cat >"$WORK/slurm.conf" <<EOF
ClusterName=neuroconv
SlurmctldHost=$NODE
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=$NODE CPUs=$CPUS RealMemory=$MEMORY_MB State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$WORK/slurm.conf"
slurmctld
slurmd
for _ in $(seq 60); do
  sinfo --noheader --states=idle 2>/dev/null | grep -q idle && break
  sleep 1
done
sinfo --noheader --states=idle | grep -q idle || { cat "$WORK/slurmctld.log" "$WORK/slurmd.log" >&2; exit 1; }

# four sessions of one small recording, each with its own subject
cat >"$WORK/study.yml" <<'EOF'
data_interfaces:
  intan: IntanRecordingInterface
experiments:
  study:
    metadata:
      NWBFile: { session_start_time: "2024-01-01T10:00:00+00:00", session_description: slurm array test }
      Subject: { sex: F, age: P35D, species: Mus musculus }
    sessions:
      - { nwbfile_name: sub-1, source_data: { intan: { file_path: intan/sampledata.rhd } }, metadata: { Subject: { subject_id: "1" } } }
      - { nwbfile_name: sub-2, source_data: { intan: { file_path: intan/sampledata.rhd } }, metadata: { Subject: { subject_id: "2" } } }
      - { nwbfile_name: sub-3, source_data: { intan: { file_path: intan/sampledata.rhd } }, metadata: { Subject: { subject_id: "3" } } }
      - { nwbfile_name: sub-4, source_data: { intan: { file_path: intan/sampledata.rhd } }, metadata: { Subject: { subject_id: "4" } } }
EOF

mkdir -p "$WORK/cluster" "$WORK/local"
cd "$WORK"
# the documented job script, unchanged; the node is small, so fewer cores and less memory per task
JOB="$(sbatch --parsable --array=0-1 --cpus-per-task=1 --mem=1G \
  "$REPO/scripts/slurm/neuroconv-array.sbatch" "$WORK/study.yml" "$TESTDATA" "$WORK/cluster")"
# sbatch --wait polls slowly (up to half a minute); the queue answers at once
for _ in $(seq 600); do
  [[ -z "$(squeue --noheader --jobs="$JOB" 2>/dev/null)" ]] && break
  sleep 1
done
states="$(scontrol --oneliner show job "$JOB" | grep -o 'JobState=[A-Z]*' | sort -u)"
[[ "$states" == "JobState=COMPLETED" ]] || { echo "array job $JOB: $states" >&2; cat neuroconv-*.log >&2; exit 1; }
cat neuroconv-*.log
neuroconv run "$WORK/study.yml" --data-folder-path "$TESTDATA" --output-folder-path "$WORK/local"

# each array task must have converted its own, non-empty share
for task in 0 1; do
  grep -q "sub-" neuroconv-*_"$task".log || { echo "array task $task converted nothing" >&2; exit 1; }
done
expected="$(cd local && ls)"
actual="$(cd cluster && ls)"
if [[ "$expected" != "$actual" ]]; then
  printf 'the shards wrote\n%s\nbut a local run writes\n%s\n' "$actual" "$expected" >&2
  exit 1
fi
# the data must be equal; object ids and creation dates differ from run to run, so attributes are not compared
for file in $expected; do
  for dataset in /acquisition/ElectricalSeries/data /acquisition/ElectricalSeries/starting_time \
    /general/subject/subject_id /session_start_time; do
    h5diff "local/$file" "cluster/$file" "$dataset" "$dataset"
  done
done
echo "slurm: a 2-task array over $(echo "$expected" | wc -l) sessions wrote the same files and data as a local run"
