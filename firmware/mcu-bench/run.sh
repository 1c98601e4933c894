#!/usr/bin/env bash
# K1's core on a Cortex-M4F under QEMU, against the host, with instruction counts.
#
# Builds k1-mcu-bench twice (thumbv7em-none-eabihf and the host), runs the bare-metal ELF on
# QEMU's mps2-an386 board with the k1-marks plugin and the host binary natively, fails unless
# both print the same checksums, and prints instructions per hop and per frame (320 LEDs) with
# their share of one 240 MHz ESP32-S3 core at 200 hops and 200 frames a second.
#
# QEMU counts instructions, not cycles: it has no timing model of the M4's pipeline or memory,
# and the S3 is an Xtensa LX7, not an M4. The share is instructions / (240e6 cycles/s), that is,
# it assumes one instruction per cycle.
#
# Needs (../../../shared/embedded/README.md, recipe 3): Debian's rustc-web, cargo-web and
# rust-web-src (-Zbuild-std), qemu-system-arm, llvm-22 (llvm-nm-22) and gcc.
#
# Usage: bash firmware/mcu-bench/run.sh
# Env:   K1_FW_TARGET_DIR  target dir (default: <repo>/target/firmware)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fw="$(dirname "$here")"
root="$(dirname "$fw")"
target_dir="${K1_FW_TARGET_DIR:-$root/target/firmware}"
mcu_target=thumbv7em-none-eabihf
mkdir -p "$target_dir"

# Debian's toolchain for both builds: one compiler, two targets.
deb_cargo() {
    (cd "$fw" && env -u RUSTUP_TOOLCHAIN -u CARGO_TARGET_DIR RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
        /usr/bin/cargo "$@" --target-dir "$target_dir")
}

echo "== build: k1-mcu-bench for $mcu_target and for the host"
deb_cargo build --release -p k1-mcu-bench --target "$mcu_target" -Zbuild-std=core
deb_cargo build --release -p k1-mcu-bench
elf="$target_dir/$mcu_target/release/k1-mcu-bench"
host_bin="$target_dir/release/k1-mcu-bench"
plugin="$target_dir/libk1marks.so"
gcc -O2 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden -o "$plugin" "$here/qemu/k1-marks.c"
llvm-size-22 "$elf"

addr() {
    local a
    a="$(llvm-nm-22 "$elf" | awk -v s="$1" '$3 == s { print "0x" $1 }')"
    [ -n "$a" ] || { echo "error: symbol $1 not in $elf" >&2; exit 1; }
    printf '0x%x\n' "$((a))"
}
hop=$(addr k1_mark_hop)
render=$(addr k1_mark_render)
frame=$(addr k1_mark_frame)
encode=$(addr k1_mark_encode)
other=$(addr k1_mark_other)

echo "== run: QEMU mps2-an386 (Cortex-M4F)"
qemu_out="$target_dir/mcu-bench.qemu.out"
qemu_err="$target_dir/mcu-bench.qemu.err"
timeout 300 qemu-system-arm -M mps2-an386 -cpu cortex-m4 -nographic -monitor none -serial none \
    -semihosting-config enable=on,target=native \
    -plugin "$plugin,mark=$hop,mark=$render,mark=$frame,mark=$encode,mark=$other" \
    -kernel "$elf" >"$qemu_out" 2>"$qemu_err"
cat "$qemu_out"

echo "== run: host ($(uname -m))"
host_out="$target_dir/mcu-bench.host.out"
"$host_bin" >"$host_out"
cat "$host_out"

qemu_sums="$(grep '^checksum ' "$qemu_out")"
host_sums="$(grep '^checksum ' "$host_out")"
if [ "$(wc -l <<<"$qemu_sums")" -ne 3 ] || [ "$qemu_sums" != "$host_sums" ]; then
    echo "FAIL: the Cortex-M4F and host checksums differ" >&2
    diff <(echo "$qemu_sums") <(echo "$host_sums") >&2 || true
    exit 1
fi
echo "== bit-exact: QEMU Cortex-M4F and host checksums are equal"

# One line per mark: count, sum, min, max of the intervals that end there.
stat() { awk -v a="$1" '$1 == "k1-marks" && $2 == "mark=" a { sub("count=", "", $3); sub("sum=", "", $4); sub("min=", "", $5); sub("max=", "", $6); print $3, $4, $5, $6 }' "$qemu_err"; }
read -r n_hop sum_hop min_hop max_hop <<<"$(stat "$hop")"
read -r n_render sum_render min_render max_render <<<"$(stat "$render")"
read -r n_pipe sum_pipe min_pipe max_pipe <<<"$(stat "$frame")"
read -r n_enc sum_enc min_enc max_enc <<<"$(stat "$encode")"
[ "${n_hop:-0}" -gt 0 ] && [ "$n_hop" = "$n_render" ] && [ "$n_hop" = "$n_pipe" ] && [ "$n_hop" = "$n_enc" ] ||
    { echo "error: the plugin reported no or unequal mark counts:" >&2; cat "$qemu_err" >&2; exit 1; }

echo "== instructions executed under QEMU (Cortex-M4F, Thumb-2; instructions, not cycles)"
awk -v n="$n_hop" \
    -v sh="$sum_hop" -v lh="$min_hop" -v hh="$max_hop" \
    -v sr="$sum_render" -v lr="$min_render" -v hr="$max_render" \
    -v sp="$sum_pipe" -v lp="$min_pipe" -v hp="$max_pipe" \
    -v se="$sum_enc" -v le="$min_enc" -v he="$max_enc" 'BEGIN {
    hop = sh / n; ren = sr / n; pip = sp / n; enc = se / n; frm = ren + pip + enc
    printf "%-34s %12s %12s %12s\n", "per call (" n " calls)", "mean", "min", "max"
    printf "%-34s %12.0f %12d %12d\n", "hop: analysis of 64 samples", hop, lh, hh
    printf "%-34s %12.0f %12d %12d\n", "frame: renderer, 320 LEDs", ren, lr, hr
    printf "%-34s %12.0f %12d %12d\n", "frame: colour pipeline, 320 LEDs", pip, lp, hp
    printf "%-34s %12.0f %12d %12d\n", "frame: WS2812 encoding, 2 x 160", enc, le, he
    printf "%-34s %12.0f\n", "frame: total", frm
    printf "%-34s %12.0f us (at one instruction per cycle, 240 MHz)\n", "frame: time", frm / 240
    budget = 240e6
    printf "\nshare of one 240 MHz ESP32-S3 core at one instruction per cycle:\n"
    printf "  200 hops/s    %6.2f M instr/s  %5.1f %%\n", hop * 200 / 1e6, 100 * hop * 200 / budget
    printf "  200 frames/s  %6.2f M instr/s  %5.1f %%\n", frm * 200 / 1e6, 100 * frm * 200 / budget
    total = 100 * (hop + frm) * 200 / budget
    printf "  together      %6.2f M instr/s  %5.1f %%  (design target: under 25 %%: %s)\n", (hop + frm) * 200 / 1e6, total, total < 25 ? "met" : "NOT met"
}'
grep '^k1-marks total=' "$qemu_err"
