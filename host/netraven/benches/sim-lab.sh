# Sourced by the bench scripts (from the workspace root): serve a lab of
# slow IOS devices with netraven-sim until the script exits.
#
#   serve_ios_lab WORK BIN COPIES LATENCY_MS LOGIN_MS
#
# The simulator's inventory is WORK/lab.toml and its output WORK/sim.out;
# it stops when the script's file descriptor 3 (its stdin) closes, which is
# when the script ends.
serve_ios_lab() {
    local work=$1 bin=$2 copies=$3 latency=$4 login=$5
    mkfifo "$work/stdin"
    "$bin"/netraven-sim --corpus tests/corpus/oxidized --case 'ios#C9200L*' \
        --copies "$copies" --latency "$latency" --login-delay "$login" \
        --inventory-out "$work/lab.toml" --exit-on-stdin-eof \
        < "$work/stdin" > "$work/sim.out" 2>&1 &
    exec 3> "$work/stdin"
    for _ in $(seq 600); do grep -q '^ready' "$work/sim.out" 2>/dev/null && break; sleep 0.1; done
    grep -q '^ready' "$work/sim.out" || { cat "$work/sim.out" >&2; exit 1; }
}
