#!/usr/bin/env bash
# The web UI's tests: unit tests (node --test), then the real-browser test against a real k1.
# Builds nothing: set K1_BIN to the k1 binary (default: the newer of target/release/k1 and
# target/debug/k1), CHROMIUM to the browser (default /usr/bin/chromium). Needs `npm ci --prefix web`.
set -euo pipefail
web="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -d "$web/node_modules/playwright-core" ]; then
  echo "web/test/run.sh: playwright-core is missing: run 'npm ci --prefix web' first" >&2
  exit 2
fi
node --test "$web/test/unit/"
node "$web/test/ui.test.mjs"
