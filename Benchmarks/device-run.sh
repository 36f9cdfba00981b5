#!/usr/bin/env bash
# One device call that measures Sluice and its PyTorch peer on the same card, in the same run.
# Here:   ../shared/tools/device-bundle sluice --scratch-path .build-release
# Device: run(command: "bash Benchmarks/device-run.sh", carry: [".devbundle"])
# Everything lands in $OUT/results.tgz (re-packed after each step, so a timeout keeps what
# finished) plus $OUT/summary.txt; copy the figures into Benchmarks/RESULTS.md with this command.
# STEPS (default all): devices effnet classify resnet gpt2 — a space-separated subset.
set -uo pipefail
steps=${STEPS:-"devices effnet classify resnet gpt2"}
# SLUICE_BIN, PYTHON, PHOTOS: a local dry run (e.g. on lavapipe) with another binary, Python, photo count.
if [ -z "${SLUICE_BIN:-}" ]; then
  bash .devbundle/prelude.sh > /dev/null
  [ -f .devbundle/bin/env.sh ] && . .devbundle/bin/env.sh
fi
S=${SLUICE_BIN:-$PWD/.devbundle/bin/sluice}; py=${PYTHON:-python3}; photos=${PHOTOS:-2000}
export SLUICE_CACHE_DIR=/tmp/sluice-cache
out=${OUT:-/tmp/sluice-out}; res=/tmp/res; rm -rf "$res"; mkdir -p "$out" "$res" /tmp/models
pack() { tar -czf "$out/results.tgz" -C "$res" . ; }
say() { echo "== $*" | tee -a "$res/summary.txt"; }
has() { [[ " $steps " == *" $1 "* ]]; }
timed() {  # name, timeout, command... : wall time into summary, output into $res/name.txt
  local name=$1 limit=$2; shift 2
  local t0=$(date +%s.%N)
  timeout "$limit" "$@" > "$res/$name.txt" 2>&1; local rc=$?
  say "$name rc=$rc wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')s"
  pack
}
say "start $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null)"
if has devices; then
  timed devices 60 $S devices
  timed selftest 120 $S selftest
  cat "$res/devices.txt" "$res/selftest.txt" | head -60
fi
if has effnet; then  # inference alone, fp32, inputs and outputs on the GPU
  for b in 1 32 128; do
    timed effnet-b$b 120 $S run-model pipelines/models/efficientnet-lite0.onnx --random --free-dim batch=$b --benchmark 30 --gpu-io --json
    grep -E '"(itemsPerSecond|meanMilliseconds)"' "$res/effnet-b$b.txt" | tee -a "$res/summary.txt"
  done
  timed effnet-b32-profile 120 $S run-model pipelines/models/efficientnet-lite0.onnx --random --free-dim batch=32 --benchmark 5 --gpu-io --profile "$res/effnet-b32-trace.json"
fi
if has classify; then  # 2,000 JPEGs: decode alone, end to end (inference alone is effnet-b32)
  timed make-photos 120 $py Benchmarks/make_photos.py $photos /tmp/photos
  bash Benchmarks/write_pipelines.sh /tmp/bench /tmp/photos
  timed classify-cold 200 $S run /tmp/bench/classify.json
  timed decode-only 200 $S run /tmp/bench/decode.json
  timed classify-e2e 200 $S run /tmp/bench/classify.json
  tail -n 2 "$res"/decode-only.txt "$res"/classify-e2e.txt | tee -a "$res/summary.txt"
  timed first-result 60 $S run pipelines/classify.json
  head -c 600 /tmp/bench/classify.jsonl > "$res/classify-head.jsonl"
fi
if has resnet || has gpt2; then
  only=""; has resnet && only="$only --only resnet50 --only efficientnet"; has gpt2 && only="$only --only gpt2"
  export PYTHONUNBUFFERED=1
  timed torch-peer 300 $py Benchmarks/peers/torch_peer.py --out "$res/torch.json" --export-dir /tmp/models $only
  tail -n 25 "$res/torch-peer.txt" | grep -v Warning
fi
if has resnet && [ -f /tmp/models/resnet50.onnx ]; then
  for b in 1 32 128; do
    timed resnet50-b$b 150 $S run-model /tmp/models/resnet50.onnx --random --free-dim batch=$b --benchmark 10 --gpu-io --json
    grep -E '"(itemsPerSecond|meanMilliseconds)"' "$res/resnet50-b$b.txt" | tee -a "$res/summary.txt"
  done
  timed resnet50-b32-profile 120 $S run-model /tmp/models/resnet50.onnx --random --free-dim batch=32 --benchmark 3 --gpu-io --profile "$res/resnet50-b32-trace.json"
fi
if has gpt2 && [ -f /tmp/models/gpt2-small.onnx ]; then
  $py Benchmarks/gpt2_bench_tokenizer.py /tmp/models/gpt2-small.onnx /tmp/gpt2 > /dev/null
  words=(The river ran past the old mill where a quiet town kept its long memory of summer rain and
         evening bells across fields of barley under a pale sky while children played by the water)
  for b in 1 8 32; do
    : > /tmp/gpt2/prompts-b$b.txt
    for i in $(seq 0 $((b - 1))); do echo "${words[@]:$((i % 8)):16}" >> /tmp/gpt2/prompts-b$b.txt; done
    timed gpt2-b$b 200 $S generate --pipeline /tmp/gpt2/generate.json --prompts /tmp/gpt2/prompts-b$b.txt \
      --greedy --repetition-penalty 1 --max-new-tokens 128 --json
    grep -o '"decode_tokens_per_second":[0-9.]*\|"prefill_ms":[0-9.]*\|"generated_tokens":[0-9]*' "$res/gpt2-b$b.txt" | head -3 | tee -a "$res/summary.txt"
  done
  timed gpt2-b1-capture 200 $S generate --pipeline /tmp/gpt2/generate.json --prompts /tmp/gpt2/prompts-b1.txt \
    --greedy --repetition-penalty 1 --max-new-tokens 128 --json --capture-decode
  grep -o '"decode_tokens_per_second":[0-9.]*' "$res/gpt2-b1-capture.txt" | tee -a "$res/summary.txt"
  head -n 3 /tmp/gpt2/prompts-b8.txt > /tmp/gpt2/prompts-check.txt
  timed gpt2-check-sluice 200 $S generate --pipeline /tmp/gpt2/generate.json --prompts /tmp/gpt2/prompts-check.txt \
    --greedy --repetition-penalty 1 --max-new-tokens 64 --json
  grep '^{' "$res/gpt2-check-sluice.txt" > /tmp/gpt2/check.jsonl
  timed gpt2-ort-check 200 $py Benchmarks/gpt2_ort_check.py /tmp/models/gpt2-small.onnx /tmp/gpt2/check.jsonl --steps 64
  tail -n 4 "$res/gpt2-ort-check.txt" | tee -a "$res/summary.txt"
fi
say "end $(date -u +%FT%TZ)"
cp "$res/summary.txt" "$out/summary.txt"; pack
