#!/usr/bin/env bash
# Instructions per analyser hop on the host, counted by callgrind.
#
# Builds crates/k1-core/examples/hops.rs in release, runs it under `valgrind --tool=callgrind` for
# N and 2N hops of synthetic music, and prints
#     instructions per hop = (I(2N) - I(N)) / N
# which cancels the setup (rendering the music, building the analyser), plus both totals. Counts
# are instructions, not cycles or time, and repeat exactly for the same binary and inputs, whatever
# else the machine is doing.
#
# Usage: scripts/instructions-per-hop.sh [N] [RATE]
#   N     hops in the short run (default 2000; the long run does 2N)
#   RATE  12800 (default, hop 64) or 16000 (hop 128)
# Needs valgrind and python3. Honours CARGO_TARGET_DIR.
set -euo pipefail

n="${1:-2000}"
rate="${2:-12800}"
case "$n" in '' | *[!0-9]* | 0) echo "N must be a positive whole number, not '$n'" >&2; exit 2 ;; esac
case "$rate" in 12800 | 16000) ;; *) echo "RATE must be 12800 or 16000, not '$rate'" >&2; exit 2 ;; esac
command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install valgrind)" >&2; exit 1; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

echo "building the hops example (release)..." >&2
exe="$(cargo build -p k1-core --release --example hops --message-format=json-render-diagnostics |
    python3 -c '
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "hops" and msg.get("executable"):
        print(msg["executable"])
')"
[ -x "$exe" ] || { echo "could not find the built hops example" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# count HOPS: runs the example under callgrind and prints its total instruction count.
count() {
    local hops="$1" out="$work/callgrind.$1"
    valgrind --tool=callgrind --callgrind-out-file="$out" "$exe" "$hops" "$rate" \
        >"$work/stdout.$hops" 2>"$work/stderr.$hops" ||
        { cat "$work/stderr.$hops" >&2; echo "valgrind run of $hops hops failed" >&2; return 1; }
    echo "  $(cat "$work/stdout.$hops")" >&2
    # callgrind writes "summary: <Ir>" (older versions: "totals: <Ir>") for the whole run.
    local total
    total="$(sed -n 's/^summary: \([0-9]*\).*/\1/p; s/^totals: \([0-9]*\).*/\1/p' "$out" | head -n 1)"
    [ -n "$total" ] || { echo "no instruction total in $out" >&2; return 1; }
    echo "$total"
}

echo "counting instructions with callgrind (rate $rate)..." >&2
i1="$(count "$n")"
i2="$(count "$((2 * n))")"

python3 - "$n" "$rate" "$i1" "$i2" <<'EOF'
import sys
n, rate, i1, i2 = (int(a) for a in sys.argv[1:])
hop = {12800: 64, 16000: 128}[rate]
per_hop = (i2 - i1) / n
print(f"I({n}) = {i1} instructions")
print(f"I({2 * n}) = {i2} instructions")
print(f"setup (I(N) - N x per hop) = {i1 - per_hop * n:.0f} instructions")
print(f"instructions per hop ({rate} Hz, hop {hop}) = (I({2 * n}) - I({n})) / {n} = {per_hop:.1f}")
print(f"instructions per second of audio = {per_hop * rate / hop:.0f}")
EOF
