#!/usr/bin/env bash
# Instructions per rendered frame on the host (renderer + colour pipeline, 320 LEDs), counted by
# callgrind.
#
# Builds crates/k1-core/examples/frames.rs in release, runs it under `valgrind --tool=callgrind`
# for N and 2N frames of one pattern over analysed synthetic music, and prints
#     instructions per frame = (I(2N) - I(N)) / N
# which cancels the setup (rendering and analysing the music, building the renderer). Counts are
# instructions, not cycles or time, and repeat exactly for the same binary and inputs.
#
# Usage: scripts/instructions-per-frame.sh [N] [PATTERN|all]
#   N        frames in the short run (default 2000; the long run does 2N)
#   PATTERN  a pattern id (default beat_tunnel), or "all" for every pattern
# Needs valgrind and python3. Honours CARGO_TARGET_DIR.
set -euo pipefail

n="${1:-2000}"
pattern="${2:-beat_tunnel}"
case "$n" in '' | *[!0-9]* | 0) echo "N must be a positive whole number, not '$n'" >&2; exit 2 ;; esac
command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install valgrind)" >&2; exit 1; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

echo "building the frames example (release)..." >&2
exe="$(cargo build -p k1-core --release --example frames --message-format=json-render-diagnostics |
    python3 -c '
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "frames" and msg.get("executable"):
        print(msg["executable"])
')"
[ -x "$exe" ] || { echo "could not find the built frames example" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# count FRAMES PATTERN: runs the example under callgrind and prints its total instruction count.
count() {
    local frames="$1" pat="$2" out="$work/callgrind.$1.$2"
    valgrind --tool=callgrind --callgrind-out-file="$out" "$exe" "$frames" "$pat" \
        >"$work/stdout" 2>"$work/stderr" ||
        { cat "$work/stderr" >&2; echo "valgrind run of $frames frames failed" >&2; return 1; }
    echo "  $(cat "$work/stdout")" >&2
    local total
    total="$(sed -n 's/^summary: \([0-9]*\).*/\1/p; s/^totals: \([0-9]*\).*/\1/p' "$out" | head -n 1)"
    [ -n "$total" ] || { echo "no instruction total in $out" >&2; return 1; }
    echo "$total"
}

if [ "$pattern" = all ]; then
    patterns="departure lava twilight spectrum octave bloom pulse tempiscope beat_tunnel perlin void_trail analog metronome hype spectronome neutral self_test"
else
    patterns="$pattern"
fi

for p in $patterns; do
    echo "counting instructions with callgrind ($p)..." >&2
    i1="$(count "$n" "$p")"
    i2="$(count "$((2 * n))" "$p")"
    python3 - "$n" "$p" "$i1" "$i2" <<'PY'
import sys
n, p, i1, i2 = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
per = (i2 - i1) / n
print(f"{p:<12} instructions per frame (320 LEDs, render + pipeline) = (I({2*n}) - I({n})) / {n} = {per:.0f}")
PY
done
