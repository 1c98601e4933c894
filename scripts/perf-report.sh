#!/usr/bin/env bash
# Writes docs/performance.md: every performance figure K1 quotes, from the benchmark commands
# themselves, with the machine and the commit they were measured on.
#
# Each section runs one command (`k1 bench ...`, `k1 latency`, `k1 run --check`, `k1 soak`, the
# callgrind scripts, the Cortex-M4F QEMU run) and records its command line, exit status and
# output as printed. Nothing is typed in by hand: a part that cannot run here (a missing tool, a
# failed build) is recorded as not run, with the reason, and no figure is written for it. The
# README quotes one headline figure from this file, between the `perf-headline` markers, which
# the script rewrites.
#
# Timings depend on the machine and its load (the load average is recorded); instruction counts
# (callgrind, QEMU) do not.
#
# Usage: scripts/perf-report.sh [--quick] [--binary K1] [--no-mcu] [--no-firmware] [--out FILE]
#   --quick      shorter runs (10 s instead of 30 s; 200 instead of 1000 callgrind hops)
#   --binary K1  measure this k1 binary instead of building one (the file says which; figures
#                from a debug build are not the release build's)
#   --no-mcu     leave out the Cortex-M4F QEMU run (its firmware build takes many minutes)
#   --no-firmware  leave out the firmware images' sizes (scripts/firmware-images.sh runs the
#                whole firmware CI, tens of minutes on a fresh machine)
#   --out FILE   write FILE instead of docs/performance.md (the README is then left alone)
# Honours CARGO_TARGET_DIR and K1_FW_TARGET_DIR (firmware/mcu-bench/run.sh, scripts/firmware-images.sh).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
quick=0
mcu=1
firmware=1
binary=""
out="docs/performance.md"
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) quick=1 ;;
    --binary) binary="${2:?--binary needs a k1 binary}"; shift ;;
    --no-mcu) mcu=0 ;;
    --no-firmware) firmware=0 ;;
    --out) out="${2:?--out needs a file}"; shift ;;
    -h | --help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
if [ "$quick" = 1 ]; then
    secs=10 hops=200 frames=100 clicks=40
else
    secs=30 hops=1000 frames=500 clicks=100
fi
corpus="${K1_CORPUS:-$root/../shared/corpus}"
clip="$corpus/real/etr_race1.flac"
target="${CARGO_TARGET_DIR:-$root/target}"
k1="$target/release/k1"
body="$(mktemp)"
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
# The commit measured, and when: read now, not after the (long) run, in which the tree may move.
started="$(date -u '+%Y-%m-%d %H:%M')"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- crates firmware 2>/dev/null || echo ' (with uncommitted changes)')"
trap 'rm -f "$body" "$body.out"' EXIT

say() { echo "perf-report: $*" >&2; }

# One section: a title, a sentence on what it measures, and the command's output (or why it did
# not run). Usage: section TITLE WHAT -- COMMAND...
section() {
    local title="$1" what="$2"
    shift 3
    say "$title: $*"
    {
        echo "## $title"
        echo
        echo "$what"
        echo
        echo '```console'
        echo "\$ $*"
    } >>"$body"
    local status=0
    "$@" >"$body.out" 2>&1 || status=$?
    # Progress lines that redraw themselves (\r) keep only their last state.
    sed 's/.*\r//' "$body.out" >>"$body"
    {
        echo '```'
        echo
        if [ "$status" = 0 ]; then
            echo "Exit status 0."
        else
            echo "Exit status $status: the command failed or a target was missed (see its output)."
        fi
        echo
    } >>"$body"
    return 0
}

# A section that cannot run here: says why, and writes no figure.
not_run() {
    say "$1: not run: $2"
    printf '## %s\n\n**Not run on this machine:** %s\n\n' "$1" "$2" >>"$body"
}

build_ok=1
if [ -n "$binary" ]; then
    k1="$binary"
    [ -x "$k1" ] || { echo "no k1 binary at $k1" >&2; exit 1; }
    built="the given binary $k1 (not built by this script)"
else
    say "building k1 (release)"
    cargo build --release -p k1 >&2 || build_ok=0
    built="release profile, built by this script"
fi

if [ "$build_ok" = 1 ]; then
    if [ -f "$clip" ]; then
        section "Analysis speed: decode, resample, analyse" \
            "A 45 s FLAC at 44.1 kHz through symphonia, rubato and the core (the fastest of 5 passes), and the core alone per hop." \
            -- "$k1" bench analyze "$clip" --repeat 5
        if command -v taskset >/dev/null; then
            section "Analysis speed on one core" \
                "The same pinned to one CPU (taskset -c 0), so the reading and the analysing threads share it: the figure the 1,000x-real-time budget judges (the pipeline line)." \
                -- taskset -c 0 "$k1" bench analyze "$clip" --repeat 5
        else
            not_run "Analysis speed on one core" "taskset (util-linux) is missing."
        fi
    else
        not_run "Analysis speed: decode, resample, analyse" "the corpus clip $clip is missing (K1_CORPUS)."
    fi
    section "Analysis speed at 16 kHz" \
        "The same at the 16 kHz engine rate (hop 128), on the default clip." \
        -- "$k1" bench analyze --rate 16000 --repeat 5
    section "The live engine: k1 run --check" \
        "The demo for ${secs} s with no preview and no playback, judged against the success criteria (k1_core::criteria: FPS >= 100, latency p99 < 20 ms, no deadline miss, no torn read)." \
        -- "$k1" run --demo --check "${secs}s" --no-preview --no-playback
    section "Click to light: k1 latency" \
        "${clicks} clicks through the real threads; the target is p99 within one hop and one frame." \
        -- "$k1" latency --clicks "$clicks"
    section "CPU of the live engine: k1 bench cpu" \
        "k1 run --demo at 200 FPS, 320 LEDs, no preview, for ${secs} s after a 3 s warm-up (target under 5 % of one core)." \
        -- "$k1" bench cpu --seconds "$secs"
    section "LED outputs: k1 bench outputs" \
        "320 LEDs at 120 FPS as DDP to 50 receivers on loopback for ${secs} s (target: no drops, under 10 % of one core)." \
        -- "$k1" bench outputs --seconds "$secs"
    section "Soak on the virtual clock: k1 soak" \
        "The real threads unpaced on a virtual clock: memory growth, torn reads, deadline misses, panics (a short run; the long one is k1 soak with its defaults)." \
        -- "$k1" soak --frames 2000000 --hops 400000
    if command -v pulseaudio >/dev/null && command -v paplay >/dev/null && [ -f "$clip" ]; then
        section "Microphone capture: k1 bench mic" \
            "k1 run --input mic on a private PulseAudio server's null sink against the same file played directly (target: capture adds under 1 % of one core)." \
            -- "$k1" bench mic "$clip"
    else
        not_run "Microphone capture: k1 bench mic" "it needs pulseaudio and paplay (apt-get install pulseaudio pulseaudio-utils) and the corpus clip."
    fi
else
    for t in "Analysis speed" "The live engine: k1 run --check" "Click to light: k1 latency" \
        "CPU of the live engine: k1 bench cpu" "LED outputs: k1 bench outputs" "Soak on the virtual clock: k1 soak"; do
        not_run "$t" "cargo build --release -p k1 failed."
    done
fi

if command -v valgrind >/dev/null; then
    section "Instructions per hop (callgrind)" \
        "The analyser on synthetic music at 12.8 kHz: exact instruction counts, which repeat whatever the machine's load." \
        -- bash scripts/instructions-per-hop.sh "$hops"
    section "Instructions per hop at 16 kHz (callgrind)" \
        "The same at 16 kHz, hop 128." \
        -- bash scripts/instructions-per-hop.sh "$hops" 16000
    section "Instructions per frame, every pattern (callgrind)" \
        "Renderer and colour pipeline, 320 LEDs, each pattern over analysed synthetic music." \
        -- bash scripts/instructions-per-frame.sh "$frames" all
else
    not_run "Instructions per hop and per frame (callgrind)" "valgrind is not installed (apt-get install valgrind)."
fi

missing=""
for tool in /usr/bin/rustc /usr/bin/cargo qemu-system-arm llvm-nm-22 llvm-size-22 gcc; do
    command -v "$tool" >/dev/null || missing="$missing $tool"
done
if [ "$mcu" = 0 ]; then
    not_run "The core on a Cortex-M4F (QEMU)" "left out (--no-mcu); run bash firmware/mcu-bench/run.sh."
elif [ -z "$missing" ]; then
    section "The core on a Cortex-M4F (QEMU)" \
        "k1-core's analysis, the Spectrum pattern and the colour pipeline (with the device's 2 A power limit) on QEMU's mps2-an386, checked bit for bit against the host; instructions per call and their share of a 240 MHz core at 200 calls a second (one instruction per cycle assumed)." \
        -- bash firmware/mcu-bench/run.sh
else
    not_run "The core on a Cortex-M4F (QEMU)" "missing:$missing (the recipe is ../shared/embedded/README.md)."
fi

if [ "$firmware" = 1 ]; then
    section "Firmware images: flash and static RAM" \
        "The ESP32-C6 and ESP32-C3 images as \`.ci/firmware.sh\` builds them (release profile, fat LTO, an update key built in): image size against the 1.5 MB OTA slot, and static RAM (data and bss with the heaps; the rest of SRAM is the stack's)." \
        -- bash scripts/firmware-images.sh
else
    not_run "Firmware images: flash and static RAM" "left out (--no-firmware); run scripts/firmware-images.sh."
fi

# The headline: the core's speed on one hop, from `k1 bench analyze`'s "core:" line (only for a
# release build made here).
headline=""
if [ -z "$binary" ] && [ "$build_ok" = 1 ]; then
    headline="$(grep -m1 -E '^ *core: ' "$body" | sed 's/^ *core: *//' || true)"
fi

{
    echo "# Performance"
    echo
    echo "Generated by \`scripts/perf-report.sh$([ "$quick" = 1 ] && echo " --quick")\`; do not edit by hand. Every figure below is a"
    echo "command's own output, with the command beside it; rerun the script to refresh them all."
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| started (UTC) | $started |"
    echo "| finished (UTC) | $(date -u '+%Y-%m-%d %H:%M') |"
    echo "| commit at the start | $commit |"
    echo "| CPU | $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores |"
    echo "| load average before the run | $load_before |"
    echo "| load average after the run | $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) |"
    echo "| compiler | $(rustc --version 2>/dev/null || echo unknown) |"
    echo "| k1 | $built |"
    echo
    echo "Timings vary with the machine and its load; instruction counts do not."
    echo
    cat "$body"
} >"$out"
say "wrote $out"

# The README's headline, from this file (only when writing the real file).
if [ "$out" = "docs/performance.md" ] && [ -n "$headline" ]; then
    python3 - "$headline" <<'EOF'
import re, sys
path = "README.md"
text = open(path).read()
line = ("<!-- perf-headline -->The core, one hop at 12.8 kHz on the machine of the last report: `"
        + sys.argv[1] + "` (`k1 bench analyze`; every figure: "
        "[docs/performance.md](docs/performance.md))<!-- /perf-headline -->")
new, n = re.subn(r"<!-- perf-headline -->.*?<!-- /perf-headline -->", line, text, flags=re.S)
if n:
    open(path, "w").write(new)
EOF
    say "updated the README's headline"
fi
