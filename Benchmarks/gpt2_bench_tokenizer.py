#!/usr/bin/env python3
"""Writes a generation pipeline for GPT-2 small with random weights (scripts/export_gpt2_small.py).

Random weights need no real tokenizer, but `sluice generate` reads text: this pads the bundled
tiny tokenizer's vocabulary (pipelines/text/vocab.json, 4,096 entries) with plain-ASCII filler
entries up to GPT-2's 50,257 ids, so prompts encode with the tiny merges and every id the model
can emit decodes. Id 50256 becomes the end-of-text token, as in GPT-2.

    python3 Benchmarks/gpt2_bench_tokenizer.py /tmp/models/gpt2-small.onnx /tmp/gpt2-bench
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEXT = os.path.join(HERE, "..", "pipelines", "text")
VOCAB_SIZE = 50257
EOS = "<|gpt2-endoftext|>"


def main():
    model, out_dir = os.path.abspath(sys.argv[1]), sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(TEXT, "vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    taken = set(vocab)
    next_id = max(vocab.values()) + 1
    while next_id < VOCAB_SIZE - 1:
        token = f"zq{next_id}"
        assert token not in taken
        vocab[token] = next_id
        next_id += 1
    vocab[EOS] = VOCAB_SIZE - 1
    with open(os.path.join(out_dir, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(TEXT, "merges.txt"), encoding="utf-8") as src, \
            open(os.path.join(out_dir, "merges.txt"), "w", encoding="utf-8") as dst:
        dst.write(src.read())
    pipeline = {"model": model, "vocabulary": "vocab.json", "merges": "merges.txt", "eosToken": EOS,
                "maxNewTokens": 128, "greedy": True, "seed": 0}
    with open(os.path.join(out_dir, "generate.json"), "w") as f:
        json.dump(pipeline, f, indent=1)
    print(f"wrote {out_dir}/generate.json ({len(vocab)} vocabulary entries)")


if __name__ == "__main__":
    main()
