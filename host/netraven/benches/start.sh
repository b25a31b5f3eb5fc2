#!/usr/bin/env bash
# Start-up of `netraven run-job` on a large job: the time from the process
# start to its first connection to a device, with the precompiled drivers
# cache cold (emptied: every driver is compiled, as on a first run whose
# drivers were copied in without `netraven driver build`) and warm.
#
#   host/netraven/benches/start.sh [DEVICES] [ROUNDS]     (default 10000 3)
#
# Every bundled driver is built and installed into a scratch drivers
# directory; DEVICES IOS devices are imported into a scratch SQLite
# database, all pointing at one loopback port where a listener notes the
# moment of the first connection and then goes away (the job's devices then
# fail at once; the job is stopped). Figures go in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../../.."
devices=${1:-10000}
rounds=${2:-3}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

cargo build --release -q -p netraven --bins
netraven=${CARGO_TARGET_DIR:-$PWD/target}/release/netraven
cat > "$work/netraven.toml" <<EOF
[runtime]
drivers_dir = "$work/drivers"
cache_dir = "$work/cache"
[worker]
concurrency = 2000
retry_attempts = 1
[database]
url = "sqlite://$work/netraven.db"
[credentials]
key_file = "$work/secret.key"
[git]
repository = "$work/configs.git"
EOF
export NETRAVEN_CONFIG=$work/netraven.toml
"$netraven" driver build >/dev/null 2>&1
drivers=$(ls "$work/drivers"/*.wasm | wc -l)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$devices" "$port" > "$work/lab.toml" <<'PY'
import sys
n, port = int(sys.argv[1]), sys.argv[2]
print('[defaults]\nmodel = "ios"\nuser = "admin"\npassword = "start-bench"\n')
for i in range(n):
    print(f'[[devices]]\nname = "sw{i:05}"\naddress = "127.0.0.1"\nport = {port}\n')
PY
"$netraven" devices import "$work/lab.toml" >/dev/null

# Seconds from this call to the first connection to the listener.
first_connect() {
    rm -f "$work/accepted"
    python3 - "$port" "$work/accepted" <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
open(sys.argv[2] + ".ready", "w").close()
s.accept()
open(sys.argv[2], "w").write(repr(time.time()))
PY
    local listener=$!
    while [ ! -e "$work/accepted.ready" ]; do sleep 0.01; done
    rm -f "$work/accepted.ready"
    local id
    id=$("$netraven" jobs create --all --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["job"])')
    local started
    started=$(python3 -c 'import time; print(repr(time.time()))')
    "$netraven" run-job "$id" > /dev/null 2>&1 &
    local job=$!
    wait "$listener"
    kill "$job" 2>/dev/null || true
    wait "$job" 2>/dev/null || true
    python3 -c "print(f'{$(cat "$work/accepted") - $started:.2f}')"
}

echo "run-job start-up, $devices devices, $drivers drivers installed"
for round in $(seq "$rounds"); do
    rm -rf "$work/cache"
    cold=$(first_connect)
    warm=$(first_connect)
    echo "round $round: cold cache ${cold} s, warm cache ${warm} s to the first connection"
done
