#!/usr/bin/env bash
# Incremental build times after a one-line change in the archive and in the
# SSH transport (BENCHMARKS.md, "Builds: one crate per concern").
#
#   host/netraven/benches/build-times.sh [TREE] [--clean]
#
# TREE is a NetRaven checkout (default: this one), in the crate layout or the
# older single-crate `host/` layout; it builds in TREE/target. With --clean,
# the target directory is removed first and the clean build is timed too.
# Each change is made, built, undone and built again, twice, for
# `cargo build` and for `cargo test --workspace --no-run`. Run it on an idle
# machine: the figures are wall-clock seconds.
set -u
tree=$(cd "${1:-$(dirname "$0")/../../..}" && pwd)
clean=${2:-}
cd "$tree"
if [ -f host/archive/src/lib.rs ]; then
    archive=host/archive/src/lib.rs transport=host/transport/src/ssh/session.rs
else
    archive=host/src/archive.rs transport=host/src/ssh/session.rs
fi
export CARGO_TARGET_DIR=$tree/target
log=$(mktemp)

timed() {
    local name=$1; shift
    local start end
    start=$(date +%s.%N)
    if ! "$@" >/dev/null 2>>"$log"; then
        echo "failed: $*; see $log" >&2
        exit 1
    fi
    end=$(date +%s.%N)
    printf '%-44s %7.1f s\n' "$name" "$(echo "$end - $start" | bc)"
}
# The changes: the archive's lock-file name, and the characters of device
# output the SSH session quotes in an error.
change() {
    case $1 in
        archive) sed -i 's/^const LOCK_FILE: &str = "netraven.lock";/const LOCK_FILE: \&str = "netraven.lock2";/' $archive
                 grep -q '"netraven.lock2"' $archive ;;
        transport) sed -i 's/    const SHOWN: usize = 200;/    const SHOWN: usize = 201;/' $transport
                   grep -q 'SHOWN: usize = 201;' $transport ;;
    esac || { echo "$1: the line to change is not there" >&2; exit 1; }
}
undo() {
    sed -i 's/"netraven.lock2"/"netraven.lock"/' $archive
    sed -i 's/SHOWN: usize = 201;/SHOWN: usize = 200;/' $transport
}
# A failed or interrupted build leaves no change behind.
trap undo EXIT

echo "$tree at $(git -C "$tree" rev-parse --short HEAD)"
if [ "$clean" = --clean ]; then
    rm -rf target
    timed "clean cargo build" cargo build
else
    timed "cargo build (warm)" cargo build
fi
for build in "cargo build" "cargo test --workspace --no-run"; do
    [ "$build" = "cargo build" ] || timed "$build (warm)" $build
    for _ in 1 2; do
        for part in archive transport; do
            change $part
            timed "$part line changed: $build" $build
            undo
            timed "  changed back: $build" $build
        done
    done
done
