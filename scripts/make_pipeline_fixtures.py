"""Fixtures for the pipeline end-to-end tests (Tests/Fixtures/pipeline/).

colour-classifier.onnx: images [N,3,16,16] -> ReduceMean over H,W -> logits [N,3]: the class is
the dominant colour channel, so a red photo is class 0 ("red"). Small, exact, and it exercises
the same stages as the real classifier (decode, GPU preprocess, onnx on GPU tensors, top-k).
images/: solid-colour PNG and JPEG files plus a truncated JPEG (an error record).

Needs: onnx, Pillow.  python3 scripts/make_pipeline_fixtures.py
"""
import io
import os

import onnx
from onnx import TensorProto, helper
from PIL import Image

out = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "pipeline")
os.makedirs(os.path.join(out, "images"), exist_ok=True)

graph = helper.make_graph(
    [helper.make_node("ReduceMean", ["images", "axes"], ["logits"], keepdims=0)],
    "colour_classifier",
    [helper.make_tensor_value_info("images", TensorProto.FLOAT, ["batch", 3, 16, 16])],
    [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3])],
    [helper.make_tensor("axes", TensorProto.INT64, [2], [2, 3])],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], producer_name="sluice-fixtures")
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, os.path.join(out, "colour-classifier.onnx"))

with open(os.path.join(out, "labels.txt"), "w") as f:
    f.write("red\ngreen\nblue\n")

colours = {"a_red.png": (220, 30, 20), "b_green.jpg": (20, 200, 40), "c_blue.png": (10, 40, 230),
           "d_red_wide.jpg": (240, 10, 60), "e_blue_tall.png": (0, 0, 255)}
sizes = {"d_red_wide.jpg": (64, 20), "e_blue_tall.png": (12, 50)}
for name, rgb in colours.items():
    image = Image.new("RGB", sizes.get(name, (40, 30)), rgb)
    image.save(os.path.join(out, "images", name), quality=95)

buffer = io.BytesIO()
Image.new("RGB", (40, 30), (200, 0, 0)).save(buffer, format="JPEG")
with open(os.path.join(out, "images", "f_truncated.jpg"), "wb") as f:
    f.write(buffer.getvalue()[: len(buffer.getvalue()) // 2])
print("wrote", out)
