#!/usr/bin/env bash
# Prints the firmware images' sizes: flash (against the 1.5 MB OTA slot) and static RAM, per chip,
# as `.ci/firmware.sh` measures them on the images it builds (release profile, signed-update key
# built in). The whole firmware CI runs (it installs its own toolchain and takes many minutes);
# its full log is kept in the firmware target dir, and only the size lines are printed here.
# Exits with the firmware CI's status.
#
# Usage: scripts/firmware-images.sh
# Honours K1_FW_TARGET_DIR (as .ci/firmware.sh does).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target_dir="${K1_FW_TARGET_DIR:-$root/target/firmware}"
mkdir -p "$target_dir"
log="$target_dir/firmware-ci.log"
bash "$root/.ci/firmware.sh" >"$log" 2>&1
status=$?
grep -E '^[a-z0-9]+: image [0-9]+ bytes' "$log" || echo "no image sizes in $log"
if [ "$status" -ne 0 ]; then
    echo "firmware CI failed (exit $status); the end of its log:"
    tail -20 "$log"
fi
echo "full log: $log"
exit "$status"
