#!/usr/bin/env bash
# Workers on one PostgreSQL queue: the slow lab with 1, 2 and 3 `netraven
# worker` processes, then a worker killed with kill -9 mid-job.
#
#   host/netraven/benches/workers.sh [DEVICES] [PER_WORKER] [LATENCY_MS] [LOGIN_MS] [LEASE_S]
#                                    (default 10000 1000 200 500 10)
#
# netraven-sim serves DEVICES slow copies of the corpus IOS recording; they
# go into a scratch database on the PostgreSQL at 127.0.0.1:5432. For 1, 2
# and 3 workers (each `--concurrency PER_WORKER`, all on this machine), a
# backup job is created and `run-job` queues it and waits: its wall time,
# devices/s, each worker's share and peak RSS. Every configuration is new
# in the first round; the later rounds find them unchanged.
#
# Then the lost-worker case: two workers, a job, and once a fifth of the
# devices are done one worker is killed with kill -9. Its devices in flight
# wait out the lease (LEASE_S seconds, [queue] lease_secs), then the other
# worker takes them: the time from the kill until the last of them is
# claimed again, and until the job ends. Figures go in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../../.."
devices=${1:-10000}
per_worker=${2:-1000}
latency=${3:-200}
login=${4:-500}
lease=${5:-10}
work=$(mktemp -d)
db="nr_bench_workers_$$"
admin="postgres://root@127.0.0.1:5432/test"
url="postgres://root@127.0.0.1:5432/$db"
cleanup() {
    kill $(jobs -p) 2>/dev/null || true
    wait 2>/dev/null || true
    psql -q "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

cargo build --release -q -p netraven --bins
bin=${CARGO_TARGET_DIR:-$PWD/target}/release
psql -q "$admin" -c "CREATE DATABASE $db" >/dev/null
cat > "$work/netraven.toml" <<EOF
[runtime]
drivers_dir = "$work/drivers"
cache_dir = "$work/cache"
[worker]
concurrency = $per_worker
[database]
url = "$url"
max_connections = 8
[credentials]
key_file = "$work/secret.key"
[git]
repository = "$work/configs.git"
[queue]
lease_secs = $lease
poll_secs = 1
EOF
export NETRAVEN_CONFIG=$work/netraven.toml
"$bin"/netraven driver build drivers/ios >/dev/null 2>&1

. host/netraven/benches/sim-lab.sh
serve_ios_lab "$work" "$bin" "$devices" "$latency" "$login"
"$bin"/netraven devices import "$work/lab.toml" >/dev/null
echo "$devices devices, ${latency} ms per reply, ${login} ms login, $per_worker in flight per worker, lease ${lease} s"

now() { date +%s%N; }
seconds() { python3 -c "import sys; print(f'{(int(sys.argv[2]) - int(sys.argv[1])) / 1e9:.1f}')" "$@"; }
sql() { psql -At "$url" -c "$1"; }
live() { "$bin"/netraven workers --json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
peak_mib() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

start_workers() {
    pids=()
    for i in $(seq "$1"); do
        "$bin"/netraven worker > /dev/null 2> "$work/worker-$i.log" &
        pids+=($!)
    done
    for _ in $(seq 600); do [ "$(live)" = "$1" ] && return; sleep 0.1; done
    echo "workers did not come up" >&2; cat "$work"/worker-*.log >&2; exit 1
}

stop_workers() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}

report() {
    python3 - "$work/summary.json" "$1" "$2" "$3" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
wall = float(sys.argv[3])
print(f"{sys.argv[2]}: {wall:.1f} s, {s['succeeded'] / wall:.0f} devices/s, "
      f"{s['succeeded']} ok, {s['failed']} failed, {s['changed']} changed{sys.argv[4]}")
PY
}

# The baseline: no worker, so run-job runs the job itself, at the same
# concurrency as one worker. It archives every configuration (all new);
# the rounds after it find them unchanged.
id=$("$bin"/netraven jobs create --all --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["job"])')
started=$(now)
"$bin"/netraven run-job "$id" > "$work/summary.json" 2>/dev/null &
alone=$!
peak=0
while kill -0 "$alone" 2>/dev/null; do
    peak=$(peak_mib "$alone" 2>/dev/null || echo "$peak")
    sleep 0.2
done
wait "$alone" || true
report "run-job alone, no worker" "$(seconds "$started" "$(now)")" "; peak RSS $peak MiB"

for n in 1 2 3; do
    start_workers "$n"
    id=$("$bin"/netraven jobs create --all --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["job"])')
    started=$(now)
    "$bin"/netraven run-job "$id" > "$work/summary.json" 2>/dev/null || true
    wall=$(seconds "$started" "$(now)")
    shares=""
    for pid in "${pids[@]}"; do
        did=$(sql "SELECT COUNT(*) FROM job_devices WHERE job_id = $id AND worker LIKE '%:$pid:%'")
        shares="$shares $did devices/$(peak_mib "$pid") MiB;"
    done
    stop_workers
    # Leases that lapsed while every worker was alive: devices claimed
    # again, and heartbeats the database refused.
    again=$(sql "SELECT COUNT(*) FROM job_devices WHERE job_id = $id AND claims > 1")
    refused=$(cat "$work"/worker-*.log | grep -c "worker heartbeat:" || true)
    report "$n worker(s)" "$wall" "; each worker (devices/peak RSS):$shares claimed again: $again; heartbeats refused: $refused"
done

# A worker lost mid-job.
start_workers 2
id=$("$bin"/netraven jobs create --all --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["job"])')
started=$(now)
"$bin"/netraven run-job "$id" > "$work/summary.json" 2>/dev/null &
runner=$!
until [ "$(sql "SELECT COUNT(*) FROM job_results WHERE job_id = $id")" -ge $((devices / 5)) ]; do sleep 0.05; done
victim=${pids[0]}
held=$(sql "SELECT COUNT(*) FROM job_devices WHERE job_id = $id AND done = 0 AND worker LIKE '%:$victim:%'")
kill -KILL "$victim"
killed=$(now)
until [ "$(sql "SELECT COUNT(*) FROM job_devices WHERE job_id = $id AND done = 0 AND worker LIKE '%:$victim:%'")" = 0 ]; do
    sleep 0.05
done
resumed=$(now)
wait "$runner" || true
ended=$(now)
pids=("${pids[1]}")
stop_workers
python3 - "$work/summary.json" <<PY
import json
s = json.load(open("$work/summary.json"))
print(f"lost worker: kill -9 with $held devices in its hands; taken over "
      f"$(seconds "$killed" "$resumed") s after the kill (lease $lease s); the job ended "
      f"$(seconds "$killed" "$ended") s after the kill, $(seconds "$started" "$ended") s in all; "
      f"{s['succeeded']} ok, {s['failed']} failed")
PY
commits=$(git --git-dir "$work/configs.git" log --format= --name-only main | sort | uniq -c | awk '$1 > 1' | wc -l)
git --git-dir "$work/configs.git" fsck --full --strict >/dev/null 2>&1 && fsck=clean || fsck=FAILED
echo "archive: $(git --git-dir "$work/configs.git" ls-tree -r --name-only main | wc -l) files, $commits committed twice, fsck $fsck"
