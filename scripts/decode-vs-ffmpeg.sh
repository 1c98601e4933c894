#!/usr/bin/env bash
# Compares the seconds K1 decodes from damaged files with ffmpeg's, on the same files.
#
# Usage: scripts/decode-vs-ffmpeg.sh [K1 binary] (default: target/release/k1, else target/debug/k1)
# Makes damaged copies of real/etr_race1.flac (corpus: $K1_CORPUS or ../shared/corpus) and of an
# OGG Vorbis encode of it (ffmpeg), deterministically (python3), and prints a Markdown table:
# the table in docs/inputs.md comes from here. Not part of `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then
    echo "decode-vs-ffmpeg: ffmpeg is not installed (Debian: apt-get install ffmpeg)" >&2
    exit 2
fi
K1=${1:-}
if [ -z "$K1" ]; then
    for k in "${CARGO_TARGET_DIR:-target}/release/k1" "${CARGO_TARGET_DIR:-target}/debug/k1"; do
        [ -x "$k" ] && K1=$k && break
    done
fi
[ -x "${K1:-}" ] || { echo "decode-vs-ffmpeg: no k1 binary; build it or pass its path" >&2; exit 2; }
CORPUS=${K1_CORPUS:-../shared/corpus}
SRC=$CORPUS/real/etr_race1.flac
[ -f "$SRC" ] || { echo "decode-vs-ffmpeg: $SRC not found (set K1_CORPUS)" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp "$SRC" "$WORK/clean.flac"
ffmpeg -v error -i "$SRC" -c:a libvorbis -q:a 3 "$WORK/clean.ogg"

python3 - "$WORK" <<'PY'
import random, sys
work = sys.argv[1]
for ext in ("flac", "ogg"):
    clean = open(f"{work}/clean.{ext}", "rb").read()
    n = len(clean)
    def save(name, data):
        open(f"{work}/{name}.{ext}", "wb").write(data)
    save("truncated-50pct", clean[: n // 2])
    for pct in (1, 50, 99):
        b = bytearray(clean)
        at = min(n * pct // 100, n - 64)
        for i in range(at, at + 64):
            b[i] ^= 0xFF
        save(f"corrupt-64B-at-{pct}pct", b)
    r = random.Random(1)
    for count in (200, 400):
        b = bytearray(clean)
        for _ in range(count):
            b[r.randrange(n // 100, n)] = r.randrange(256)
        save(f"scattered-{count}B", b)
    # A bad CRC: FLAC, the CRC-16 byte before a frame header past the middle; OGG, a page's CRC.
    b = bytearray(clean)
    if ext == "flac":
        pos = 4
        while True:
            h = clean[pos:pos + 4]
            pos += 4 + (h[1] << 16 | h[2] << 8 | h[3])
            if h[0] & 0x80:
                break
        at = clean.index(clean[pos:pos + 4], n // 2)
        b[at - 1] ^= 0xFF
    else:
        at = clean.index(b"OggS", n // 2)
        b[at + 22] ^= 0xFF
    save("bad-crc", b)
PY

echo "| file | ffmpeg decodes (s) | K1 decodes (s) | K1 timeline (s) | K1 reports |"
echo "|---|---:|---:|---:|---|"
for f in "$WORK"/*.flac "$WORK"/*.ogg; do
    name=$(basename "$f")
    ff=$( (ffmpeg -v quiet -i "$f" -f s16le -ac 1 -ar 44100 - 2>/dev/null || true) | wc -c)
    ff_s=$(python3 -c "print(f'{$ff / 88200:.1f}')")
    if json=$("$K1" analyze "$f" --json 2>"$WORK/err"); then
        read -r dec dur <<<"$(python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.1f %.1f" % (d["decoded_seconds"], d["duration"]))' <<<"$json")"
        note=$(grep -o 'damaged audio.*' "$WORK/err" | head -1 || true)
        echo "| $name | $ff_s | $dec | $dur | ${note:-clean} |"
    else
        echo "| $name | $ff_s | 0 | 0 | $(tr '\n' ' ' <"$WORK/err" | sed 's/|/\\|/g') |"
    fi
done
