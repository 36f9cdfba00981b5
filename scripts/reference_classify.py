#!/usr/bin/env python3
"""Reference classifications of the bundled photos with onnxruntime (CPU).

Runs pipelines/models/efficientnet-lite0.onnx (made by scripts/export_efficientnet_lite0.py) on
every JPEG in pipelines/images/ and writes Tests/Fixtures/models/efficientnet_reference.json,
plus the coffee photo's preprocessed input and output logits as ONNX TensorProto files
(coffee_input.pb, coffee_logits.pb; read them with onnx.numpy_helper.to_array or any protobuf
reader) for exact numeric comparisons that do not depend on JPEG decoding or resizing.

    /work/wt/.venv-models/bin/pip install onnx onnxruntime numpy pillow
    /work/wt/.venv-models/bin/python scripts/reference_classify.py

Preprocessing, exactly as implemented below:
  1. Decode with Pillow, convert to RGB (greyscale is replicated into three channels).
  2. Resize so the shorter side is 256: the longer side becomes int(long * 256 / short)
     (truncated, as torchvision's Resize does), Pillow's Image.BILINEAR filter (which widens
     its support when shrinking, i.e. it is antialiased).
  3. Centre crop 224 x 224 with left = int(round((width - 224) / 2)), top likewise.
  4. float32 (v - 127) / 128 per channel value v in 0..255; HWC -> NCHW, batch 1.
The input hash is sha256 over that tensor's float32 little-endian bytes in NCHW order.
"""

import hashlib
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_json  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "pipelines", "models", "efficientnet-lite0.onnx")
LABELS = os.path.join(ROOT, "pipelines", "models", "imagenet-labels.txt")
IMAGES = os.path.join(ROOT, "pipelines", "images")
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "models")
RESIZE, CROP, MEAN, SCALE = 256, 224, 127.0, 128.0
TENSOR_IMAGE = "coffee.jpg"


def preprocess(path):
    image = Image.open(path)
    image.load()
    decoded = image.convert("RGB")
    w, h = decoded.size
    if w <= h:
        size = (RESIZE, int(h * RESIZE / w))
    else:
        size = (int(w * RESIZE / h), RESIZE)
    resized = decoded.resize(size, Image.BILINEAR)
    left = int(round((size[0] - CROP) / 2.0))
    top = int(round((size[1] - CROP) / 2.0))
    cropped = resized.crop((left, top, left + CROP, top + CROP))
    hwc = np.asarray(cropped, dtype=np.uint8).astype(np.float32)
    tensor = ((hwc - MEAN) / SCALE).transpose(2, 0, 1)[None].copy()
    info = {"decoded_size": [w, h], "decoded_mode": image.mode,
            "decoded_rgb_sha256": hashlib.sha256(np.asarray(decoded, dtype=np.uint8).tobytes()).hexdigest(),
            "resized_size": list(size), "crop_origin": [left, top]}
    return tensor, info


def softmax(x):
    e = np.exp(x.astype(np.float64) - x.max())
    return e / e.sum()


def main():
    with open(LABELS, encoding="utf-8") as f:
        labels = f.read().splitlines()
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(MODEL, options, providers=["CPUExecutionProvider"])
    os.makedirs(FIXTURES, exist_ok=True)
    results = []
    for name in sorted(f for f in os.listdir(IMAGES) if f.lower().endswith((".jpg", ".jpeg", ".png"))):
        tensor, info = preprocess(os.path.join(IMAGES, name))
        logits = session.run(["logits"], {"images": tensor})[0][0]
        probs = softmax(logits)
        top = np.argsort(-logits, kind="stable")[:5]
        results.append({
            "file": name, **info,
            "input_shape": list(tensor.shape),
            "input_sha256": hashlib.sha256(tensor.astype("<f4").tobytes()).hexdigest(),
            "input_first8": [float(v) for v in tensor.reshape(-1)[:8]],
            "top5_indices": [int(i) for i in top],
            "top5_probabilities": [float(probs[i]) for i in top],
            "top5_labels": [labels[i] for i in top],
            "logits_first10": [float(v) for v in logits[:10]],
        })
        print(f"{name}: " + ", ".join(f"{labels[i]} {probs[i]:.3f}" for i in top[:3]))
        if name == TENSOR_IMAGE:
            onnx.save_tensor(numpy_helper.from_array(tensor, "images"),
                             os.path.join(FIXTURES, "coffee_input.pb"))
            onnx.save_tensor(numpy_helper.from_array(logits[None].astype(np.float32), "logits"),
                             os.path.join(FIXTURES, "coffee_logits.pb"))
    reference = {
        "generator": "scripts/reference_classify.py",
        "model": "pipelines/models/efficientnet-lite0.onnx",
        "labels": "pipelines/models/imagenet-labels.txt",
        "onnxruntime_version": ort.__version__,
        "pillow_version": Image.__version__,
        "preprocessing": "Pillow decode, RGB; resize shorter side to 256 (longer = int(long*256/short)) "
                         "with Image.BILINEAR; centre crop 224 (left = round((w-224)/2)); "
                         "(v - 127) / 128 as float32; NCHW batch 1",
        "probabilities": "softmax over the 1000 logits, computed in float64",
        "tensor_files": {"input": "coffee_input.pb", "logits": "coffee_logits.pb", "image": TENSOR_IMAGE},
        "images": results,
    }
    fixture_json.write(os.path.join(FIXTURES, "efficientnet_reference.json"), reference)


if __name__ == "__main__":
    main()
