#!/usr/bin/env bash
# Renders the README's picture, docs/render-lincity_pronobozo.png: Spectrum (the default
# pattern and palette) over the corpus clip real/lincity_pronobozo.flac, 320 LEDs, 100 FPS,
# 1000 columns. Run it after any change to the analyser, the patterns or the colour pipeline;
# `cargo test -p k1 --test render_cli` runs it too and fails while the committed picture differs.
#
# Usage: scripts/render-docs-picture.sh [OUT.png]   (default: docs/render-lincity_pronobozo.png)
# Environment:
#   K1_BIN     the k1 binary to use (default: cargo run --release -p k1)
#   K1_CORPUS  the music corpus (default: ../shared/corpus beside the repository)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/docs/render-lincity_pronobozo.png}"
song="${K1_CORPUS:-$root/../shared/corpus}/real/lincity_pronobozo.flac"
[ -f "$song" ] || { echo "error: no $song (set K1_CORPUS to the corpus folder)" >&2; exit 1; }
if [ -n "${K1_BIN:-}" ]; then
    k1=("$K1_BIN")
else
    k1=(cargo run --release --quiet --manifest-path "$root/Cargo.toml" -p k1 --)
fi
"${k1[@]}" render "$song" -o "$out" --width 1000
