#!/usr/bin/env bash
# NetRaven against Netmiko, scrapli and Oxidized, on one lab of simulated IOS devices
# (netraven-sim on loopback), in one run so the ratios compare.
#
#   host/netraven/benches/peers/run.sh [DEVICES] [CONCURRENCY]
#
# Each tool backs up every device (log in, show running-config, log out)
# with CONCURRENCY sessions at a time: Netmiko and scrapli in a Python
# thread pool, Oxidized with that many threads, netraven with --concurrency. Installs the two peers with pip
# when they are missing. Figures go in BENCHMARKS.md ("Peers on netraven-sim").
set -euo pipefail
cd "$(dirname "$0")/../../../.."
devices=${1:-100}
concurrency=${2:-20}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

python3 -c "import netmiko, scrapli.cli" 2>/dev/null || pip install -q netmiko scrapli
cargo build --release -q -p netraven --bins
target/release/netraven driver build drivers/ios --drivers "$work/drivers" >/dev/null 2>&1

# The simulator stops when its stdin closes: keep a pipe open until the end.
mkfifo "$work/stdin"
target/release/netraven-sim --corpus tests/corpus/oxidized --case 'ios#C9200L*' \
    --copies "$devices" --inventory-out "$work/lab.toml" --exit-on-stdin-eof \
    < "$work/stdin" > "$work/sim.out" 2>&1 &
exec 3> "$work/stdin"
for _ in $(seq 100); do grep -q '^ready' "$work/sim.out" 2>/dev/null && break; sleep 0.1; done
grep '^ready' "$work/sim.out"

for tool in netmiko scrapli; do
    python3 host/netraven/benches/peers/peers.py "$tool" "$work/lab.toml" "$concurrency" 2>"$work/$tool.err"
done
# Oxidized, when the machine has the runnable copy beside the project
# (../shared/oxidized/peer, which installs Ruby on first use).
oxidized=../shared/oxidized/peer
if [ -x "$oxidized" ]; then
    python3 - "$work/lab.toml" > "$work/router.db" <<'PY'
import sys, tomllib
lab = tomllib.load(open(sys.argv[1], "rb"))
user, password = lab["defaults"]["user"], lab["defaults"]["password"]
for d in lab["devices"]:
    print(f"{d['name']}:{d['address']}:{d['port']}:{d['model']}:{user}:{password}")
PY
    "$oxidized" "$work/router.db" "$concurrency" "$work/oxidized" 2>"$work/oxidized.err" | tail -1
fi
started=$(date +%s%N)
target/release/netraven backup --inventory "$work/lab.toml" --concurrency "$concurrency" \
    --drivers "$work/drivers" --out "$work/out" > "$work/netraven.out" 2>&1 || true
ended=$(date +%s%N)
ok=$(find "$work/out" -type f | wc -l)
printf 'netraven threads=%-4s devices=%s ok=%s failed=%s seconds=%d.%02d\n' \
    "$concurrency" "$devices" "$ok" "$((devices - ok))" \
    "$(((ended - started) / 1000000000))" "$(((ended - started) / 10000000 % 100))"
