#!/usr/bin/env bash
# One device call that measures Sluice and its PyTorch peer on the same card, in the same run.
# Here:   ../shared/tools/device-bundle sluice --scratch-path .build-release
# Device: run(command: "bash Benchmarks/device-run.sh", carry: [".devbundle"])
# Results land in $OUT (devices, self-test, model benchmarks, pipeline run, torch peer JSON);
# copy the figures into Benchmarks/RESULTS.md with this command line.
set -uo pipefail
bash .devbundle/prelude.sh > /dev/null
[ -f .devbundle/bin/env.sh ] && . .devbundle/bin/env.sh
S=.devbundle/bin/sluice
out=${OUT:-/tmp/sluice-out}; mkdir -p "$out" /tmp/models
$S devices > "$out/devices.txt" 2>&1
$S selftest > "$out/selftest.txt" 2>&1
# Inference alone: EfficientNet-Lite0 fp32, inputs and outputs on the GPU.
for b in 1 32; do
  $S run-model pipelines/models/efficientnet-lite0.onnx --random --free-dim batch=$b --benchmark 50 --gpu-io --json \
    > "$out/effnet-b$b.json" 2>&1
done
$S run pipelines/classify.json --quiet > "$out/classify.jsonl" 2> "$out/classify.log"
PYTHONUNBUFFERED=1 timeout 300 python3 Benchmarks/peers/torch_peer.py --out "$out/torch.json" --export-dir /tmp/models \
  > "$out/torch.log" 2>&1
for b in 1 32 128; do
  [ -f /tmp/models/resnet50.onnx ] && $S run-model /tmp/models/resnet50.onnx --random --free-dim batch=$b --benchmark 30 --gpu-io --json \
    > "$out/resnet50-b$b.json" 2>&1
done
[ -f /tmp/models/gpt2-small.onnx ] && echo "GPT-2 small exported; generation timing: sluice generate --json with a pipeline pointing at it" >> "$out/notes.txt"
ls -la "$out"
