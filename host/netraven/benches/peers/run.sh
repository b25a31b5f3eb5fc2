#!/usr/bin/env bash
# NetRaven against Netmiko, scrapli and Oxidized on one lab of simulated IOS
# devices (netraven-sim on loopback), in one run so the ratios compare.
#
#   host/netraven/benches/peers/run.sh [--latency MS] [--login-delay MS] [--lab N]
#       [--netmiko N] [--scrapli N] [--oxidized30 N] [--oxidized200 N]
#       [--netraven-concurrency C]
#
# The simulator serves --lab copies (default 10000) of the corpus's IOS
# C9200L recording, each waiting --latency ms before every reply and
# --login-delay ms before its first prompt (default 0 and 0: the fast lab;
# `--latency 200 --login-delay 500` is the slow one). Then, one after the
# other, each tool backs up the first N devices of that lab, every one
# sending the show commands of NetRaven's IOS driver:
#   - Netmiko, ThreadPoolExecutor of 50 threads (--netmiko N, default 500);
#   - scrapli on asyncio, 200 sessions at a time (--scrapli N, default 2000);
#   - Oxidized itself (../shared/oxidized/peer, when it is there) with 30
#     threads (--oxidized30 N, default 300) and 200 (--oxidized200 N, default
#     1000), its IOS model's commands (the same list);
#   - `netraven backup` over the whole lab at each concurrency of
#     --netraven-concurrency (comma-separated, default 2000), wall time
#     including the process start, warm driver cache ([worker] threads from
#     the config, or NETRAVEN_WORKER_THREADS).
# Each tool prints devices/s; the last lines are NetRaven's ratio to each.
# Slow tools get fewer devices so the run ends in minutes: devices/s is the
# figure compared. Netmiko and scrapli are installed from PyPI into a
# virtualenv under target/peers-venv on first use.
set -euo pipefail
cd "$(dirname "$0")/../../../.."

latency=0 login=0 lab=10000
netmiko=500 scrapli=2000 oxidized30=300 oxidized200=1000 concurrency=2000
while [ $# -gt 0 ]; do
    case "$1" in
        --latency) latency=$2 ;;
        --login-delay) login=$2 ;;
        --lab) lab=$2 ;;
        --netmiko) netmiko=$2 ;;
        --scrapli) scrapli=$2 ;;
        --oxidized30) oxidized30=$2 ;;
        --oxidized200) oxidized200=$2 ;;
        --netraven-concurrency) concurrency=$2 ;;
        -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift 2
done

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
say() { printf '%s\n' "$*" >&2; }

venv=target/peers-venv
if ! "$venv/bin/python" -c "import netmiko, scrapli.cli" 2>/dev/null; then
    say "installing Netmiko and scrapli into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check 'netmiko==4.8.0' 'scrapli==2026.10.14'
fi
cargo build --release -q -p netraven --bins
bin=${CARGO_TARGET_DIR:-target}/release
# Precompiles into the cache jobs read (data/cache/drivers): netraven starts warm.
"$bin"/netraven driver build drivers/ios --drivers "$work/drivers" >/dev/null

# The simulator stops when its stdin closes: keep a pipe open until the end.
. host/netraven/benches/sim-lab.sh
serve_ios_lab "$work" "$bin" "$lab" "$latency" "$login"
say "lab: $lab simulated IOS devices, ${latency} ms per reply, ${login} ms login"

rate() { sed -n 's/.*devices\/s=\([0-9.]*\).*/\1/p' "$1"; }
for tool in netmiko scrapli; do
    n=$netmiko c=50
    if [ "$tool" = scrapli ]; then n=$scrapli c=200; fi
    "$venv/bin/python" host/netraven/benches/peers/peers.py "$tool" "$work/lab.toml" "$c" "$n" \
        2>"$work/$tool.err" | tee "$work/$tool.out"
done

oxidized=../shared/oxidized/peer
if [ -x "$oxidized" ]; then
    for threads in 30 200; do
        n=$oxidized30
        if [ "$threads" = 200 ]; then n=$oxidized200; fi
        python3 - "$work/lab.toml" "$n" > "$work/router.db" <<'PY'
import sys, tomllib
lab = tomllib.load(open(sys.argv[1], "rb"))
user, password = lab["defaults"]["user"], lab["defaults"]["password"]
for d in lab["devices"][: int(sys.argv[2])]:
    print(f"{d['name']}:{d['address']}:{d['port']}:{d['model']}:{user}:{password}")
PY
        "$oxidized" "$work/router.db" "$threads" "$work/oxidized$threads" \
            2>"$work/oxidized.err" | tail -1 \
            | sed "s/^oxidized:/oxidized threads=$threads devices=$n:/; s/\([0-9.]*\) devices\/s/devices\/s=\1/" \
            | tee "$work/oxidized$threads.out"
    done
fi

for c in ${concurrency//,/ }; do
    rm -rf "$work/out"
    started=$(date +%s%N)
    "$bin"/netraven backup --inventory "$work/lab.toml" --concurrency "$c" \
        --drivers "$work/drivers" --out "$work/out" > "$work/netraven.out" 2>&1 || true
    ended=$(date +%s%N)
    ok=$(find "$work/out" -type f | wc -l)
    seconds=$(echo "scale=3; ($ended - $started) / 1000000000" | bc)
    ours=$(echo "scale=1; $lab / $seconds" | bc)
    echo "netraven concurrency=$c devices=$lab ok=$ok failed=$((lab - ok)) seconds=$seconds devices/s=$ours"
    for peer in netmiko scrapli oxidized30 oxidized200; do
        [ -s "$work/$peer.out" ] || continue
        theirs=$(rate "$work/$peer.out")
        [ -n "$theirs" ] || continue
        echo "  netraven at $c / $peer: $(echo "scale=1; $ours / $theirs" | bc)x"
    done
done
