#!/usr/bin/env bash
# A whole job on the slow lab: does the database writer or the git archive
# hold the devices back when thousands finish at once?
#
#   host/netraven/benches/slow-job.sh [DEVICES] [CONCURRENCY] [LATENCY_MS] [LOGIN_MS]
#                                     (default 10000 2000 200 500)
#
# netraven-sim serves DEVICES slow copies of the corpus IOS recording; they
# are imported into a scratch SQLite database, then backed up three ways at
# CONCURRENCY: `netraven backup --inventory` (files only: no database, no
# git), a first `run-job` (every configuration new: a result row, logs and
# a transcript per device, every configuration committed) and a second
# `run-job` (nothing changed). Prints the wall time of each and the job's
# own db/git seconds from its JSON summary. Figures go in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../../.."
devices=${1:-10000}
concurrency=${2:-2000}
latency=${3:-200}
login=${4:-500}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

cargo build --release -q -p netraven --bins
bin=${CARGO_TARGET_DIR:-$PWD/target}/release
cat > "$work/netraven.toml" <<EOF
[runtime]
drivers_dir = "$work/drivers"
cache_dir = "$work/cache"
[worker]
concurrency = $concurrency
[database]
url = "sqlite://$work/netraven.db"
[credentials]
key_file = "$work/secret.key"
[git]
repository = "$work/configs.git"
EOF
export NETRAVEN_CONFIG=$work/netraven.toml
"$bin"/netraven driver build drivers/ios >/dev/null 2>&1

. host/netraven/benches/sim-lab.sh
serve_ios_lab "$work" "$bin" "$devices" "$latency" "$login"
"$bin"/netraven devices import "$work/lab.toml" >/dev/null
echo "$devices devices, ${latency} ms per reply, ${login} ms login, concurrency $concurrency"

seconds() { python3 -c "import sys; print(f'{(int(sys.argv[2]) - int(sys.argv[1])) / 1e9:.1f}')" "$@"; }
started=$(date +%s%N)
"$bin"/netraven backup --inventory "$work/lab.toml" --concurrency "$concurrency" \
    --out "$work/out" > /dev/null 2>&1 || true
echo "backup --inventory: $(seconds "$started" "$(date +%s%N)") s, $(find "$work/out" -type f | wc -l) files"
for run in first second; do
    id=$("$bin"/netraven jobs create --all --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["job"])')
    started=$(date +%s%N)
    "$bin"/netraven run-job "$id" > "$work/summary.json" 2>/dev/null || true
    wall=$(seconds "$started" "$(date +%s%N)")
    python3 - "$work/summary.json" "$run" "$wall" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"run-job ({sys.argv[2]}): {sys.argv[3]} s, {s['succeeded']} ok, {s['failed']} failed, "
      f"{s['changed']} changed, db {s['db_seconds']:.1f} s, git {s['git_seconds']:.1f} s")
PY
done
