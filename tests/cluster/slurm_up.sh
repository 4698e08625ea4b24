#!/usr/bin/env bash
# Start a single-node Slurm cluster on this machine for the cluster test (Debian/Ubuntu, as root).
#
#   tests/cluster/slurm_up.sh STATE_DIR
#
# Installs slurmctld, slurmd, slurm-client and munge with apt when they are missing, writes a
# single-node /etc/slurm/slurm.conf (no cgroups, no accounting, MinJobAge=600; the jobs Snakemake
# submits strip SLURM_CONF, so the file must be at Slurm's default location), starts munged,
# slurmctld and slurmd, and waits until the node is idle.
#
# STATE_DIR/pids lists "name pid" for every daemon this script started (and only those: a daemon
# that was already running is left alone and not listed); stop them with `kill <pid>`, then remove
# the slurm.conf this script wrote (its first line is the marker below), as tests/cluster/test_slurm.py does.
# Exit status 0: the cluster answers. 3: it cannot be started here; the reason is on stderr.
set -euo pipefail

STATE_DIR=${1:?usage: slurm_up.sh STATE_DIR}
CONF=/etc/slurm/slurm.conf
MARKER="# written by physbench tests/cluster/slurm_up.sh"
mkdir -p "$STATE_DIR"
: > "$STATE_DIR/pids"

cannot() { echo "slurm_up: $*" >&2; exit 3; }

[ "$(id -u)" -eq 0 ] || cannot "needs root (apt-get, /etc/slurm, daemons); running as uid $(id -u)"

missing=()
for pair in slurmctld:slurmctld slurmd:slurmd sbatch:slurm-client munged:munge; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || cannot "missing ${missing[*]} and no apt-get to install them"
    echo "slurm_up: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y --no-install-recommends "${missing[@]}" ||
      { apt-get update && apt-get install -y --no-install-recommends "${missing[@]}"; }; } \
        >"$STATE_DIR/apt.log" 2>&1 || cannot "apt-get install ${missing[*]} failed (see $STATE_DIR/apt.log)"
fi

if sinfo --noheader --states=idle,mixed,allocated 2>/dev/null | grep -q .; then
    echo "slurm_up: a Slurm cluster already answers; using it and starting nothing" >&2
    exit 0
fi

if [ -f "$CONF" ] && ! grep -qF "$MARKER" "$CONF"; then
    cannot "$CONF exists, was not written by this script and its cluster does not answer; not overwriting it"
fi

HOST=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(awk '/MemTotal/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)
mkdir -p /etc/slurm "$STATE_DIR/ctld" "$STATE_DIR/d" "$STATE_DIR/log"
cat > "$CONF" <<CONF
$MARKER
ClusterName=physbench
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$STATE_DIR/ctld
SlurmdSpoolDir=$STATE_DIR/d
SlurmctldPidFile=$STATE_DIR/slurmctld.pid
SlurmdPidFile=$STATE_DIR/slurmd.pid
SlurmctldLogFile=$STATE_DIR/log/slurmctld.log
SlurmdLogFile=$STATE_DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
MinJobAge=600
DefMemPerCPU=1000
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF

# munged: reuse a running one, else start it (as root it needs --force).
if ! munge -n </dev/null >/dev/null 2>&1; then
    [ -f /etc/munge/munge.key ] || { mungekey --create 2>/dev/null ||
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null; }
    chmod 400 /etc/munge/munge.key
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    munged --force --pid-file="$STATE_DIR/munged.pid" || cannot "munged did not start"
    for _ in $(seq 50); do [ -s "$STATE_DIR/munged.pid" ] && break; sleep 0.1; done
    echo "munged $(cat "$STATE_DIR/munged.pid")" >> "$STATE_DIR/pids"
    munge -n </dev/null >/dev/null 2>&1 || cannot "munged runs but munge credentials fail"
fi

start() {  # name, pidfile, command...
    local name=$1 pidfile=$2; shift 2
    "$@" || cannot "$name did not start (see $STATE_DIR/log/$name.log)"
    for _ in $(seq 100); do [ -s "$pidfile" ] && break; sleep 0.1; done
    [ -s "$pidfile" ] || cannot "$name wrote no pid file (see $STATE_DIR/log/$name.log)"
    echo "$name $(cat "$pidfile")" >> "$STATE_DIR/pids"
}
start slurmctld "$STATE_DIR/slurmctld.pid" slurmctld
start slurmd "$STATE_DIR/slurmd.pid" slurmd

for _ in $(seq 60); do
    if sinfo --noheader --states=idle 2>/dev/null | grep -q .; then
        echo "slurm_up: node $HOST idle ($CPUS CPUs, ${MEM_MB} MB)" >&2
        exit 0
    fi
    sleep 0.5
done
cannot "the node did not become idle within 30 s: $(sinfo 2>&1 | tail -n 2 | tr '\n' ' ')"
