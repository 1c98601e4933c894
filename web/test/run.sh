#!/usr/bin/env bash
# The web UI's tests: unit tests (node --test), the browser test in headless Chromium
# (playwright-core), the smaller one in headless Firefox (WebDriver BiDi), and the LED outputs
# card's in both (outputs.test.mjs), each against a real k1. Builds nothing: K1_BIN is the k1 binary (default: the newer of target/release/k1 and
# target/debug/k1), CHROMIUM (default /usr/bin/chromium) and FIREFOX (default
# /usr/bin/firefox-esr) the browsers. Needs `npm ci --prefix web` first. Artifacts (screenshots,
# k1 logs) go to target/web-test/. Exits 1 if any test fails.
set -uo pipefail
web="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -d "$web/node_modules/playwright-core" ]; then
  echo "web/test/run.sh: playwright-core is missing: run 'npm ci --prefix web' first" >&2
  exit 2
fi
# Node 20 has the WebSocket client (used to speak BiDi to Firefox) behind a flag; later ones do not need it.
ws_flag=()
node -e 'process.exit(typeof WebSocket === "undefined" ? 0 : 1)' && ws_flag=(--experimental-websocket)

passed=0
failed=0
status=0
run() {
  local log
  log="$(mktemp)"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || status=1
  # Each runner ends with its own count: node --test prints '# pass N' / '# fail N', ours 'N passed, N failed'.
  local p f
  p=$(grep -E '^# pass [0-9]+$' "$log" | tail -1 | awk '{print $3}')
  f=$(grep -E '^# fail [0-9]+$' "$log" | tail -1 | awk '{print $3}')
  if [ -z "$p" ]; then
    p=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1 | awk '{print $1}')
    f=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1 | awk '{print $3}')
  fi
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then failed=$((failed + 1)); fi
  rm -f "$log"
}
run node --test "$web/test/unit/"
run node "$web/test/ui.test.mjs"
run node "${ws_flag[@]}" "$web/test/firefox.test.mjs"
run node "${ws_flag[@]}" "$web/test/outputs.test.mjs"
echo "web: $passed passed, $failed failed"
exit "$status"
