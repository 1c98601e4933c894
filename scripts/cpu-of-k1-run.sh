#!/usr/bin/env bash
# CPU share of `k1 run --demo --no-preview --no-playback` (200 FPS, 320 LEDs) for any k1 binary,
# read from outside the process: utime + stime from /proc/PID/stat over a fixed wall window after
# a warm-up. `k1 bench cpu` measures the same from inside; this script also works on a k1 built
# from an older commit (which has no `bench cpu`), so a before/after pair is measured one way.
#
# Usage: scripts/cpu-of-k1-run.sh [K1_BINARY] [SECONDS]
#   K1_BINARY  default: target/release/k1 (or $CARGO_TARGET_DIR/release/k1)
#   SECONDS    measured wall time after a 3 s warm-up (default 20)
# Linux only (/proc). Resolution: one clock tick (usually 10 ms) over SECONDS.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-${CARGO_TARGET_DIR:-$root/target}/release/k1}"
secs="${2:-20}"
case "$secs" in '' | *[!0-9]* | 0) echo "SECONDS must be a positive whole number, not '$secs'" >&2; exit 2 ;; esac
[ -x "$bin" ] || { echo "no k1 binary at $bin (cargo build --release -p k1)" >&2; exit 1; }

"$bin" run --demo --no-preview --no-playback --duration "$((secs + 5))s" >/dev/null 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
sleep 3
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
t0=$(date +%s.%N); c0=$(ticks)
sleep "$secs"
t1=$(date +%s.%N); c1=$(ticks)
wait "$pid"
trap - EXIT
hz=$(getconf CLK_TCK)
python3 -c "print(f'$bin: {100 * ($c1 - $c0) / $hz / ($t1 - $t0):.2f} % of one core over {$t1 - $t0:.1f} s')"
