#!/usr/bin/env bash
# K1 firmware CI: the ESP32-C6 and ESP32-C3 firmware built, linked and turned into images (with
# flash and RAM use), k1-core compiled to Xtensa (the ESP32-S3's ISA) with its code checked, the
# Cortex-M4F QEMU harness against the host (checksums must be equal) with instructions per hop
# and per frame, and the firmware's host-side unit tests; before them rustfmt and clippy; between
# them the S3's second-core code type-checked on the C6, and the partition table parsed by
# espflash with merged images written from it.
#
# Recipes: ../shared/embedded/README.md. Bare-metal builds use Debian's rustc-web with
# -Zbuild-std; the host tests use rustup's toolchain. Installs what is missing with apt and pip.
#
# Usage: bash .ci/firmware.sh
# Env:   K1_FW_TARGET_DIR  target dir for everything built here (default: <repo>/target/firmware)
#        K1_PARTITION_TABLE  another partition table CSV to check instead of app/partitions.csv
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fw="$root/firmware"
target_dir="${K1_FW_TARGET_DIR:-$root/target/firmware}"
export K1_FW_TARGET_DIR="$target_dir"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export CARGO_INCREMENTAL=0
start=$(date +%s)
section() { printf '\n== %s (%ss)\n' "$*" "$(($(date +%s) - start))"; }

APT=(rustc-web cargo-web rust-web-src rust-web-llvm rust-web-clippy lld-22 llvm-22 qemu-system-arm libudev-dev
    pkg-config gcc)
section "install: ${APT[*]} and esptool"
missing=()
for p in "${APT[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 install -y \
        --no-install-recommends "${missing[@]}"
fi
python3 -m esptool version >/dev/null 2>&1 || python3 -m pip install -q esptool
python3 -m esptool version | tail -1

# Host builds (tests, k1-ota-sign) use rustup's toolchain. firmware/rust-toolchain.toml names the
# esp-rs toolchain for S3 builds, which CI does not have, so the host toolchain is named here.
host_cargo() {
    (cd "$fw" && RUSTUP_TOOLCHAIN="${K1_HOST_TOOLCHAIN:-stable}" cargo "$@")
}

deb_cargo() {
    (cd "$fw" && env -u RUSTUP_TOOLCHAIN -u CARGO_TARGET_DIR RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
        /usr/bin/cargo "$@")
}

# Formatting and lints fail CI. rustfmt formats every member (the app too) and xtensa-check (its
# own workspace, whose manifest stable cargo cannot read, so rustfmt is run on its file). Clippy:
# the host-buildable crates (logic, mcu-bench, k1-ota-sign, with their tests) with rustup's
# toolchain; the app (and logic again, for the chip) for the C6 with Debian's clippy
# (rust-web-clippy), found first on PATH so /usr/bin/cargo runs its cargo-clippy, not rustup's.
section "lint: rustfmt --check and clippy -D warnings"
host_cargo fmt --check
RUSTUP_TOOLCHAIN="${K1_HOST_TOOLCHAIN:-stable}" rustfmt --edition 2024 --check "$fw/xtensa-check/src/lib.rs"
host_cargo clippy --all-targets --target-dir "$target_dir/host" -- -D warnings
(cd "$fw" && env -u RUSTUP_TOOLCHAIN -u CARGO_TARGET_DIR PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc \
    RUSTC_BOOTSTRAP=1 /usr/bin/cargo clippy --release -p k1-firmware --features esp32c6 \
    --target riscv32imac-unknown-none-elf -Zbuild-std=core,alloc --target-dir "$target_dir" -- -D warnings)

# build_chip FEATURE TARGET ESPTOOL_CHIP RAM_RANGES...: builds, links and images the firmware,
# and prints flash (image size, against the 1.5 MB OTA slot) and static RAM use.
build_chip() {
    local feature=$1 target=$2 chip=$3
    shift 3
    section "firmware: $chip ($target)"
    deb_cargo build --release -p k1-firmware --features "$feature" --target "$target" \
        -Zbuild-std=core,alloc --target-dir "$target_dir"
    local elf="$target_dir/$target/release/k1-firmware"
    local bin="$target_dir/k1-firmware-$chip.bin"
    python3 -m esptool --chip "$chip" elf2image --output "$bin" "$elf" | tail -2
    python3 -m esptool image-info "$bin" | grep -iE 'validation|checksum|segments' | head -4
    local image ram a dec=()
    image=$(stat -c %s "$bin")
    for a in "$@"; do dec+=("$((a))"); done
    # Static RAM: sections placed in the chip's SRAM address ranges (data, bss with the heap,
    # RAM-resident code); `.stack` is the rest of SRAM, left to the stack, and not counted.
    ram=$(llvm-size-22 -A "$elf" | awk -v ranges="${dec[*]}" '
        BEGIN { n = split(ranges, r, " ") }
        NF == 3 && $3 ~ /^[0-9]+$/ && $1 != ".stack" {
            for (i = 1; i <= n; i += 2) if ($3 + 0 >= r[i] + 0 && $3 + 0 < r[i + 1] + 0) { s += $2; break }
        }
        END { print s + 0 }')
    printf '%s: image %d bytes (%.1f %% of the 1.5 MB OTA slot), static RAM %d bytes (%.1f KB)\n' \
        "$chip" "$image" "$(awk -v a="$image" 'BEGIN { print 100 * a / 1572864 }')" "$ram" \
        "$(awk -v a="$ram" 'BEGIN { print a / 1024 }')"
}

section "k1-ota-sign: the update key the images are built with"
host_cargo build -q -p k1-ota-sign --target-dir "$target_dir/host"
sign_tool="$target_dir/host/debug/k1-ota-sign"
ota_dir="$target_dir/ota"
mkdir -p "$ota_dir"
# A throwaway key for CI, kept across runs in the target dir so warm builds stay warm.
[ -f "$ota_dir/ci.key" ] || "$sign_tool" keygen --out "$ota_dir/ci.key" >/dev/null
K1_OTA_PUBLIC_KEY=$("$sign_tool" pubkey --key "$ota_dir/ci.key")
export K1_OTA_PUBLIC_KEY
echo "K1_OTA_PUBLIC_KEY=$K1_OTA_PUBLIC_KEY"

# SRAM ranges: C6 HP SRAM 0x40800000-0x40880000; C3 DRAM 0x3FC80000-0x3FCE0000 and IRAM
# 0x4037C000-0x403E0000 (the same memory seen on two buses).
build_chip esp32c6 riscv32imac-unknown-none-elf esp32c6 0x40800000 0x40880000
build_chip esp32c3 riscv32imc-unknown-none-elf esp32c3 0x3FC80000 0x3FCE0000 0x4037C000 0x403E0000

# The partition table as the tool people flash with reads it: espflash (README, "Build and flash")
# parses app/partitions.csv and writes each chip's merged image (bootloader, table, app) from it,
# so a table it cannot parse (a custom data subtype used to panic it) or an invalid one (overlaps,
# misaligned app slots) fails CI. The table in the merged image is then checked as the firmware
# reads it: esp-bootloader-esp-idf 0.6 unwraps every entry's subtype (OtaUpdater::new walks them
# all at boot), so a subtype it does not know would panic the device. Built once into the target
# dir (a few minutes; needs libudev-dev and pkg-config).
ESPFLASH_VERSION=4.7.0
section "partition table: espflash $ESPFLASH_VERSION parses app/partitions.csv and writes merged images"
espflash="$target_dir/tools/bin/espflash"
if ! "$espflash" --version 2>/dev/null | grep -qx "espflash $ESPFLASH_VERSION"; then
    (cd "$root" && RUSTUP_TOOLCHAIN="${K1_HOST_TOOLCHAIN:-stable}" cargo install espflash \
        --version "=$ESPFLASH_VERSION" --locked --root "$target_dir/tools" --quiet)
fi
table="${K1_PARTITION_TABLE:-$fw/app/partitions.csv}"
"$espflash" partition-table -S "$table"
"$espflash" partition-table -S --to-binary -o "$target_dir/partitions.bin" "$table"
for chip_target in esp32c6:riscv32imac-unknown-none-elf esp32c3:riscv32imc-unknown-none-elf; do
    chip=${chip_target%%:*}
    "$espflash" save-image -S --chip "$chip" --merge --partition-table "$table" --flash-size 4mb \
        "$target_dir/${chip_target#*:}/release/k1-firmware" "$target_dir/k1-firmware-$chip-merged.bin"
done
python3 - "$target_dir/partitions.bin" "$target_dir"/k1-firmware-esp32c6-merged.bin \
    "$target_dir"/k1-firmware-esp32c3-merged.bin <<'PY'
import sys
table = open(sys.argv[1], "rb").read()
# esp-bootloader-esp-idf 0.6.0 (src/partitions.rs): the subtypes its enums have.
DATA = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x81, 0x82, 0x83}
APP = {0x00, 0x20} | set(range(0x10, 0x20))
entries, first_app = [], None
for at in range(0, len(table), 32):
    e = table[at:at + 32]
    if e[:2] != b"\xaa\x50":
        break
    kind, sub = e[2], e[3]
    offset, size = int.from_bytes(e[4:8], "little"), int.from_bytes(e[8:12], "little")
    label = e[12:28].rstrip(b"\0").decode()
    known = (kind == 0 and sub in APP) or (kind == 1 and sub in DATA)
    if not known:
        sys.exit(f"FAIL: partition '{label}' has type {kind:#x} subtype {sub:#x}, which "
                 "esp-bootloader-esp-idf 0.6 does not know: the firmware would panic at boot")
    if kind == 0 and first_app is None:
        first_app = offset
    entries.append(label)
if "settings" not in entries or first_app is None:
    sys.exit(f"FAIL: the table needs a 'settings' data partition and an app slot: {entries}")
for image in sys.argv[2:]:
    body = open(image, "rb").read()
    if body[0x8000:0x8000 + len(table)] != table:
        sys.exit(f"FAIL: {image} does not carry the table at 0x8000")
    if body[0] != 0xE9 or body[first_app] != 0xE9:
        sys.exit(f"FAIL: {image}: no bootloader at 0x0 or no app at {first_app:#x}")
    open(image + ".app", "wb").write(body[first_app:])
    print(f"{image}: {len(body)} bytes; bootloader, table ({', '.join(entries)}), app at {first_app:#x}")
PY
for chip in esp32c6 esp32c3; do
    info=$(python3 -m esptool image-info "$target_dir/k1-firmware-$chip-merged.bin.app")
    grep -iE '^(checksum|validation hash)' <<<"$info"
    [ "$(grep -ciE '^(checksum|validation hash):.*\(valid\)' <<<"$info")" -eq 2 ] ||
        { echo "FAIL: the app in the $chip merged image does not validate" >&2; exit 1; }
done

# The S3 cannot be built here (no Xtensa esp-hal), so its second-core code (app/src/second_core.rs)
# is type-checked on the C6 against stand-ins with esp-rtos's exact bounds: whatever the closure
# given to start_second_core captures must be Send + 'static (an async driver is not: E0277).
# Only the app gets the cfg; its dependencies are the C6 release build's above. -Zno-codegen:
# type-check only (an image with the stand-in could not link, by design).
section "ESP32-S3 second core: type-checked on the C6 with start_second_core's bounds"
deb_cargo rustc --release -p k1-firmware --features esp32c6 --target riscv32imac-unknown-none-elf \
    -Zbuild-std=core,alloc --target-dir "$target_dir" -- --cfg k1_dual_core_check -Zno-codegen -D warnings

section "OTA: both images carry the key; sign the C6 image, verify it as the device would, and refuse a tampered copy"
python3 - "$K1_OTA_PUBLIC_KEY" "$target_dir"/k1-firmware-esp32c6.bin "$target_dir"/k1-firmware-esp32c3.bin <<'PY'
import sys
key = bytes.fromhex(sys.argv[1])
for image in sys.argv[2:]:
    at = open(image, "rb").read().find(key)
    if at < 0:
        sys.exit(f"FAIL: {image} does not contain the update key it was built with")
    print(f"{image}: update key at offset {at}")
PY
"$sign_tool" sign --key "$ota_dir/ci.key" "$target_dir/k1-firmware-esp32c6.bin" -o "$ota_dir/k1-firmware-esp32c6.signed"
"$sign_tool" verify --public-key "$K1_OTA_PUBLIC_KEY" "$ota_dir/k1-firmware-esp32c6.signed"
python3 - "$ota_dir/k1-firmware-esp32c6.signed" "$ota_dir/tampered.signed" <<'PY'
import sys
body = bytearray(open(sys.argv[1], "rb").read())
body[len(body) // 2] ^= 0x01
open(sys.argv[2], "wb").write(body)
PY
if "$sign_tool" verify --public-key "$K1_OTA_PUBLIC_KEY" "$ota_dir/tampered.signed"; then
    echo "FAIL: a tampered update verified" >&2
    exit 1
fi
echo "tampered update refused, as it must be"

section "xtensa: k1-core's analysis, renderer and colour pipeline at the release opt-level (recipe 2)"
spec="$root/../shared/embedded/xtensa-esp32-codegen.json"
# A failed build fails CI. The "'-fp' is not a recognized feature" lines are the recipe's known
# noise and are left out of the log shown; grep's status 1 only means that nothing else was
# printed. The profile (xtensa-check/Cargo.toml) is the firmware's: k1-core at opt-level 3,
# the rest at "s", fat LTO.
xtensa_log="$target_dir/xtensa-build.log"
mkdir -p "$target_dir"
xtensa_rc=0
(cd "$fw/xtensa-check" && env -u RUSTUP_TOOLCHAIN -u CARGO_TARGET_DIR RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
    /usr/bin/cargo build --release -Zbuild-std=core,alloc -Zjson-target-spec --target "$spec" \
    --target-dir "$target_dir/xtensa") >"$xtensa_log" 2>&1 || xtensa_rc=$?
grep -v "is not a recognized feature" "$xtensa_log" || [ $? -eq 1 ]
[ "$xtensa_rc" -eq 0 ] || { echo "FAIL: the Xtensa build failed (exit $xtensa_rc)" >&2; exit 1; }
lib="$target_dir/xtensa/xtensa-esp32-codegen/release/libk1_xtensa_check.a"
test -f "$lib" || { echo "FAIL: no Xtensa staticlib" >&2; exit 1; }
# Per function: the three entry points (analysis, renderer over every pattern, colour pipeline
# with the power limit) and the patterns' dispatch (AnyPattern's Pattern::render) must each have
# the windowed ABI (entry, retw) and FPU arithmetic (lsi, mul.s, add.s).
xtensa_counts="$target_dir/xtensa-counts.txt"
llvm-objdump-22 --mcpu=esp32 -d "$lib" | awk '
    /^[0-9a-f]+ <.*>:$/ {
        fn = $2; gsub(/[<>:]/, "", fn)
        if (fn ~ /^k1_xtensa_(check|render|pipeline)$/) key = fn
        else if (fn ~ /AnyPattern.*Pattern6render/) key = "AnyPattern::render"
        else key = ""
        if (key != "") seen[key] = 1
        next
    }
    key != "" { for (i = 1; i <= NF; i++) if ($i ~ /^(entry|retw|retw\.n|lsi|mul\.s|add\.s)$/) c[key " " ($i == "retw.n" ? "retw" : $i)]++ }
    END { for (k in seen) { printf "%s:", k; n = split("entry retw lsi mul.s add.s", ms, " "); for (j = 1; j <= n; j++) printf " %s=%d", ms[j], c[k " " ms[j]] + 0; printf "\n" } }' | sort >"$xtensa_counts"
cat "$xtensa_counts"
for f in k1_xtensa_check k1_xtensa_render k1_xtensa_pipeline AnyPattern::render; do
    line=$(grep "^$f:" "$xtensa_counts") || { echo "FAIL: no $f in the Xtensa code" >&2; exit 1; }
    for m in entry retw lsi mul.s add.s; do
        grep -q " $m=[1-9]" <<<"$line" || { echo "FAIL: no $m in $f" >&2; exit 1; }
    done
done

section "mcu-bench: Cortex-M4F under QEMU vs host (recipe 3)"
bash "$fw/mcu-bench/run.sh"

section "host tests: firmware logic and harness"
host_cargo test --target-dir "$target_dir/host"

section "firmware CI passed in $(($(date +%s) - start)) s"
