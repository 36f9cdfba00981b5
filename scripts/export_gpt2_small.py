#!/usr/bin/env python3
"""Export a GPT-2 small-sized model (124M parameters) with RANDOM weights to ONNX.

For benchmarks and shape/performance tests at real GPT-2 size; the output is about 500 MB and
is not committed. Weights are random (transformers.GPT2Config() defaults: 12 layers, width 768,
12 heads, vocabulary 50257, context 1024; torch.manual_seed(0)), so the text it produces is
noise; the interface is exactly that of pipelines/text/tiny-gpt.onnx (see
scripts/gpt2_onnx_export.py for the names and shapes).

    python3 -m venv /work/wt/.venv-models
    /work/wt/.venv-models/bin/pip install torch transformers onnx onnxruntime numpy
    /work/wt/.venv-models/bin/python scripts/export_gpt2_small.py /tmp/gpt2-small-random.onnx

It needs about 3 GB of memory and a few minutes of CPU. After exporting it checks, with
onnxruntime on the CPU, that a prefill plus decode steps with the presents fed back as pasts
gives the same greedy tokens as transformers' model (--check-steps, default 8; 0 skips it).
"""

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from gpt2_onnx_export import export, ort_greedy, torch_greedy, wrapper_matches_model  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("output", help="where to write the .onnx file (about 500 MB)")
    p.add_argument("--check-steps", type=int, default=8)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()

    from transformers import GPT2Config, GPT2LMHeadModel
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config()).eval()
    print(f"parameters: {sum(p.numel() for p in model.parameters()):,}")
    diff = wrapper_matches_model(model)
    shared = export(model, args.output)
    print(f"wrote {args.output}: {os.path.getsize(args.output):,} bytes; lm_head shares wte: {shared}; "
          f"wrapper vs transformers max |diff| {diff:.2e}")

    if args.check_steps > 0:
        import onnxruntime as ort
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = args.threads
        session = ort.InferenceSession(args.output, opts, providers=["CPUExecutionProvider"])
        prompt = [464, 2068, 7586, 21831]  # arbitrary ids; weights are random
        ort_ids, _ = ort_greedy(session, model.config, prompt, args.check_steps)
        torch_ids = torch_greedy(model, prompt, args.check_steps)
        print(f"onnxruntime greedy {ort_ids}\ntransformers greedy {torch_ids}")
        if ort_ids != torch_ids:
            sys.exit("onnxruntime's cached decoding disagrees with transformers")


if __name__ == "__main__":
    main()
