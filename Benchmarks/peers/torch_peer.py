#!/usr/bin/env python3
"""PyTorch peer for Sluice's benchmarks, run in the same invocation on the GPU machine.

Measures the same workloads Sluice runs, on the same card, and exports the ONNX files Sluice
then loads (so both sides run identical graphs):

  resnet50      torchvision-style ResNet-50 (random weights, seed 0), fp32 and fp16,
                eager and CUDA graph, batch 1 / 32 / 128; exported to ONNX (opset 17)
  efficientnet  timm's efficientnet_lite0 (random weights), the architecture of Sluice's bundled
                pipelines/models/efficientnet-lite0.onnx; fp32/fp16, eager and CUDA graph, batch 1/32/128
  gpt2          GPT-2 small (random weights) greedy decode, 16-token prompt + 128 new tokens,
                batch 1 / 8 / 32, HF generate (eager, fp16); exported with scripts/gpt2_onnx_export.py

  python3 Benchmarks/peers/torch_peer.py --out $OUT/torch.json --export-dir /tmp/models

Prints one JSON object (also written to --out). Needs torch with CUDA; torchvision and
transformers are used when present. Timings use CUDA events after warm-up.
"""
import argparse
import json
import os
import sys
import time

import torch


def timed(fn, warmup=5, repeats=20):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(repeats):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / repeats  # ms per call


def resnet50():
    try:
        import torchvision
        return torchvision.models.resnet50(weights=None)
    except Exception:  # torchvision missing: the same architecture, written out
        import torch.nn as nn

        class Bottleneck(nn.Module):
            def __init__(self, cin, mid, stride):
                super().__init__()
                cout = mid * 4
                self.c1 = nn.Conv2d(cin, mid, 1, bias=False); self.b1 = nn.BatchNorm2d(mid)
                self.c2 = nn.Conv2d(mid, mid, 3, stride, 1, bias=False); self.b2 = nn.BatchNorm2d(mid)
                self.c3 = nn.Conv2d(mid, cout, 1, bias=False); self.b3 = nn.BatchNorm2d(cout)
                self.down = None
                if stride != 1 or cin != cout:
                    self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

            def forward(self, x):
                y = torch.relu(self.b1(self.c1(x)))
                y = torch.relu(self.b2(self.c2(y)))
                y = self.b3(self.c3(y))
                return torch.relu(y + (self.down(x) if self.down is not None else x))

        layers, cin = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)], 64
        for mid, blocks, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
            for i in range(blocks):
                layers.append(Bottleneck(cin, mid, stride if i == 0 else 1)); cin = mid * 4
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2048, 1000)]
        return nn.Sequential(*layers)


def bench_resnet(results, export_dir):
    torch.manual_seed(0)
    model = resnet50().eval().cuda()
    if export_dir:
        path = os.path.join(export_dir, "resnet50.onnx")
        torch.onnx.export(model.cpu(), torch.zeros(1, 3, 224, 224), path, input_names=["images"], output_names=["logits"],
                          dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}}, opset_version=17, dynamo=False)
        model.cuda()
        results["resnet50_onnx"] = path
    for dtype in (torch.float32, torch.float16):
        m = model.to(dtype).to(memory_format=torch.channels_last)
        for batch in (1, 32, 128):
            x = torch.randn(batch, 3, 224, 224, device="cuda", dtype=dtype).to(memory_format=torch.channels_last)
            with torch.inference_mode():
                eager = timed(lambda: m(x))
                graph = torch.cuda.CUDAGraph()
                static = x.clone()
                for _ in range(3):
                    m(static)
                torch.cuda.synchronize()
                with torch.cuda.graph(graph):
                    out = m(static)
                cuda_graph = timed(lambda: graph.replay())
            key = f"resnet50_{'fp16' if dtype == torch.float16 else 'fp32'}_b{batch}"
            results[key] = {"eager_ms": eager, "eager_img_s": batch / eager * 1000,
                            "cuda_graph_ms": cuda_graph, "cuda_graph_img_s": batch / cuda_graph * 1000}
            print(key, results[key], flush=True)


def bench_efficientnet(results):
    """EfficientNet-Lite0 from timm (random weights): the architecture of Sluice's bundled model."""
    try:
        import timm
        model = timm.create_model("efficientnet_lite0", pretrained=False).eval().cuda()
    except Exception as error:
        results["efficientnet_lite0"] = f"skipped: {error}"
        return
    for dtype in (torch.float32, torch.float16):
        m = model.to(dtype).to(memory_format=torch.channels_last)
        for batch in (1, 32, 128):
            x = torch.randn(batch, 3, 224, 224, device="cuda", dtype=dtype).to(memory_format=torch.channels_last)
            with torch.inference_mode():
                eager = timed(lambda: m(x))
                graph = torch.cuda.CUDAGraph()
                static = x.clone()
                for _ in range(3):
                    m(static)
                torch.cuda.synchronize()
                with torch.cuda.graph(graph):
                    m(static)
                cuda_graph = timed(lambda: graph.replay())
            key = f"efficientnet_lite0_{'fp16' if dtype == torch.float16 else 'fp32'}_b{batch}"
            results[key] = {"eager_ms": eager, "eager_img_s": batch / eager * 1000,
                            "cuda_graph_ms": cuda_graph, "cuda_graph_img_s": batch / cuda_graph * 1000}
            print(key, results[key], flush=True)


def bench_gpt2(results, export_dir):
    try:
        from transformers import GPT2Config, GPT2LMHeadModel
    except Exception as error:
        results["gpt2"] = f"skipped: {error}"
        return
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config()).eval()
    if export_dir:
        sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
        from gpt2_onnx_export import export
        path = os.path.join(export_dir, "gpt2-small.onnx")
        export(model, path)
        results["gpt2_onnx"] = path
    model = model.half().cuda()
    for batch in (1, 8, 32):
        prompt = torch.randint(0, 50257, (batch, 16), device="cuda")
        with torch.inference_mode():
            model.generate(prompt, max_new_tokens=8, do_sample=False, pad_token_id=0)
            torch.cuda.synchronize()
            start = time.perf_counter()
            model.generate(prompt, max_new_tokens=128, min_new_tokens=128, do_sample=False, pad_token_id=0)
            torch.cuda.synchronize()
            elapsed = time.perf_counter() - start
        results[f"gpt2_fp16_b{batch}"] = {"hf_generate_tok_s": batch * 128 / elapsed, "seconds": elapsed}
        print(f"gpt2_fp16_b{batch}", results[f"gpt2_fp16_b{batch}"], flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--export-dir")
    parser.add_argument("--only", choices=["resnet50", "efficientnet", "gpt2"], action="append")
    args = parser.parse_args()
    if args.export_dir:
        os.makedirs(args.export_dir, exist_ok=True)
    results = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__, "date": time.strftime("%Y-%m-%d")}
    def save():
        with open(args.out, "w") as f:
            json.dump(results, f, indent=2)
    if not args.only or "resnet50" in args.only:
        bench_resnet(results, args.export_dir)
        save()
    if not args.only or "efficientnet" in args.only:
        bench_efficientnet(results)
        save()
    if not args.only or "gpt2" in args.only:
        bench_gpt2(results, args.export_dir)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=2)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
