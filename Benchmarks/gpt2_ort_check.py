#!/usr/bin/env python3
"""Checks `sluice generate --greedy --json` records against onnxruntime (CPU) on the same ONNX file.

For each JSONL record it runs scripts/gpt2_onnx_export.ort_greedy on the record's
prompt_token_ids for as many steps as Sluice generated (at most --steps) and compares the token ids
one by one. Prints one line per prompt and a summary; exits non-zero on any mismatch.

    python3 Benchmarks/gpt2_ort_check.py MODEL.onnx sluice.jsonl --steps 64
"""
import argparse
import json
import os
import sys
from types import SimpleNamespace

import onnx
import onnxruntime as ort

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from gpt2_onnx_export import ort_greedy  # noqa: E402


def config_of(path):
    """n_layer / n_head / n_embd read from the graph's past inputs ([batch, heads, past, head_dim])."""
    graph = onnx.load(path, load_external_data=False).graph
    pasts = [i for i in graph.input if i.name.startswith("past_key_values.") and i.name.endswith(".key")]
    dims = pasts[0].type.tensor_type.shape.dim
    heads, head_dim = dims[1].dim_value, dims[3].dim_value
    return SimpleNamespace(n_layer=len(pasts), n_head=heads, n_embd=heads * head_dim)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model")
    p.add_argument("records")
    p.add_argument("--steps", type=int, default=64)
    args = p.parse_args()
    cfg = config_of(args.model)
    session = ort.InferenceSession(args.model, providers=["CPUExecutionProvider"])
    with open(args.records) as f:
        records = [json.loads(line) for line in f if line.strip().startswith("{")]
    if not records:
        sys.exit(f"{args.records}: no JSON records")
    failures = 0
    for r in records:
        ours = r["token_ids"][: args.steps]
        theirs, _ = ort_greedy(session, cfg, r["prompt_token_ids"], len(ours))
        first = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), None)
        if first is None:
            print(f"identical {len(ours)} tokens: {r['prompt']!r}")
        else:
            failures += 1
            print(f"MISMATCH at token {first} of {len(ours)}: {r['prompt']!r}\n  sluice {ours}\n  ort    {theirs}")
    print(f"{len(records) - failures}/{len(records)} prompts token-for-token identical to onnxruntime")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
