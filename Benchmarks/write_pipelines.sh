#!/usr/bin/env bash
# Writes the classification benchmark's pipelines into DIR for the photos in PHOTOS:
#   decode.json    source.files -> image.decode -> sink.jsonl          (decoding alone)
#   classify.json  the bundled classify pipeline at batch 32            (end to end)
# The model is the bundled EfficientNet-Lite0; WORKERS decode threads (default: all cores).
#   bash Benchmarks/write_pipelines.sh DIR PHOTOS [WORKERS]
set -euo pipefail
dir=$1; photos=$(cd "$2" && pwd); workers=${3:-$(nproc)}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir"
cat > "$dir/decode.json" <<JSON
{"name": "decode-only", "defaults": {"batchSize": 32, "onError": "skip", "ordered": false},
 "stages": [
  {"name": "photos", "type": "source.files", "options": {"path": "$photos", "extensions": ["jpg"]}},
  {"name": "decode", "type": "image.decode", "inputs": {"files": "photos"}, "workers": $workers, "batchSize": 1,
   "options": {"minShorterSide": 256}},
  {"name": "out", "type": "sink.jsonl", "inputs": {"records": "decode"}, "options": {"path": "decode.jsonl"}}]}
JSON
cat > "$dir/classify.json" <<JSON
{"name": "classify-bench", "defaults": {"batchSize": 32, "batchTimeoutMs": 20, "onError": "skip", "ordered": false},
 "stages": [
  {"name": "photos", "type": "source.files", "options": {"path": "$photos", "extensions": ["jpg"]}},
  {"name": "decode", "type": "image.decode", "inputs": {"files": "photos"}, "workers": $workers, "batchSize": 1,
   "options": {"minShorterSide": 256}},
  {"name": "pre", "type": "gpu.preprocess", "inputs": {"images": "decode"},
   "options": {"width": 224, "height": 224, "fit": "center-crop", "resizeShorterSide": 256,
               "mean": [127, 127, 127], "std": [128, 128, 128]}},
  {"name": "model", "type": "onnx", "inputs": {"tensor": "pre"}, "options": {"model": "$root/pipelines/models/efficientnet-lite0.onnx"}},
  {"name": "top5", "type": "postprocess.topk", "inputs": {"tensor": "model"},
   "options": {"k": 5, "labels": "$root/pipelines/models/imagenet-labels.txt"}},
  {"name": "out", "type": "sink.jsonl", "inputs": {"records": "top5"}, "options": {"path": "classify.jsonl"}}]}
JSON
