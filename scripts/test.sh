#!/usr/bin/env bash
# The README's second command (and CI's): install what is missing, then run every test on Mesa's
# lavapipe with the Khronos validation layer on (its messages fail the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
export SLUICE_VALIDATION=1
# Tests must not depend on a warm shader cache from an earlier run.
export SLUICE_CACHE_DIR="$(mktemp -d)"
trap 'rm -rf "$SLUICE_CACHE_DIR"' EXIT
swift build --build-tests
# Serial: GPU tests block threads while the device works, which starves the engine's timing
# tests of the 2-core machine's cooperative threads when suites run side by side.
swift test --skip-build --no-parallel "$@"
