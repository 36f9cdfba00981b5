#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run the bundled default job.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build -c release --product sluice 2>&1 | grep -E "error|warning: unre|Compiling|Build complete" | tail -3
bin=$(swift build -c release --product sluice --show-bin-path)/sluice
"$bin" devices
"$bin" selftest
# The main job: classify the bundled photos with EfficientNet-Lite0 on the GPU (top-5 as JSON lines).
"$bin" run pipelines/classify.json
