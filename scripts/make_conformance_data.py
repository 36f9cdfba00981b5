#!/usr/bin/env python3
"""Copies onnx's "light" model tests (the wheel's onnx/backend/test/data/light/) into
Tests/Fixtures/conformance/<model>/ for Tests/InferenceStageTests/ConformanceTests.swift.

Needs the `onnx` and `numpy` packages (a venv is fine):
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install onnx numpy
    /tmp/venv/bin/python scripts/make_conformance_data.py

Each model gets model.onnx and test_data_set_0/output_0.pb (the expected output the wheel
ships), exactly as onnx's backend test runner lays them out. The input is the runner's dummy
input, generate_dummy_data(x, seed=0, random=False) = arange(n).reshape(shape) / n as float32;
at 1x3x224x224 it is 588 KiB per model, too big to commit for nine models, so it is written only
when SLUICE_CONFORMANCE_INPUTS names a directory (to <dir>/<model>/test_data_set_0/input_0.pb).
The Swift test rebuilds the same values itself and, when that variable is set, checks that
its values equal the file's byte for byte.

manifest.json (committed) names each model's data input, its shape and the output, so the
Swift test does not have to guess which graph inputs are initializers (these are opset-9
models that list their initializers as graph inputs too).
"""
from __future__ import annotations

import json
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import numpy_helper
from onnx.backend.test.runner import Runner

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "conformance")
LIGHT = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "light")
COMMIT_LIMIT = 2 * 1024 * 1024


def data_inputs(model: onnx.ModelProto) -> list[onnx.ValueInfoProto]:
    initializers = {i.name for i in model.graph.initializer}
    return [x for x in model.graph.input if x.name not in initializers]


def main() -> int:
    if not os.path.isdir(LIGHT):
        print(f"no light models in {LIGHT}: install a onnx wheel that ships them", file=sys.stderr)
        return 1
    names = sorted(f[len("light_"):-len(".onnx")] for f in os.listdir(LIGHT)
                   if f.startswith("light_") and f.endswith(".onnx"))
    inputs_dir = os.environ.get("SLUICE_CONFORMANCE_INPUTS")
    manifest = {}
    committed = 0
    for name in names:
        source = os.path.join(LIGHT, f"light_{name}.onnx")
        expected = os.path.join(LIGHT, f"light_{name}_output_0.pb")
        model = onnx.load(source)
        inputs = data_inputs(model)
        if len(inputs) != 1 or len(model.graph.output) != 1 or not os.path.exists(expected):
            print(f"skipping {name}: {len(inputs)} data inputs, {len(model.graph.output)} outputs", file=sys.stderr)
            continue
        target = os.path.join(ROOT, name, "test_data_set_0")
        os.makedirs(target, exist_ok=True)
        shutil.copyfile(source, os.path.join(ROOT, name, "model.onnx"))
        shutil.copyfile(expected, os.path.join(target, "output_0.pb"))
        committed += os.path.getsize(source) + os.path.getsize(expected)

        # The runner's own function, so the input is exactly what onnx's test would feed.
        value = Runner.generate_dummy_data(inputs[0], seed=0, name=name, random=False)
        # Guard the formula the Swift test reimplements.
        n = value.size
        assert np.array_equal(value, (np.arange(n).reshape(value.shape) / n).astype(np.float32))
        if inputs_dir:
            directory = os.path.join(inputs_dir, name, "test_data_set_0")
            os.makedirs(directory, exist_ok=True)
            with open(os.path.join(directory, "input_0.pb"), "wb") as f:
                f.write(numpy_helper.from_array(value).SerializeToString())
        output = numpy_helper.to_array(onnx.load_tensor(expected))
        manifest[name] = {
            "input": inputs[0].name,
            "inputShape": list(value.shape),
            "output": model.graph.output[0].name,
            "outputShape": list(output.shape),
        }
    with open(os.path.join(ROOT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"{len(manifest)} models, {committed} bytes of models and outputs in {os.path.normpath(ROOT)}")
    if committed > COMMIT_LIMIT:
        print(f"warning: {committed} bytes is over the {COMMIT_LIMIT}-byte commit budget", file=sys.stderr)
    if not inputs_dir:
        print("inputs not written (set SLUICE_CONFORMANCE_INPUTS=<dir> to write them)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
