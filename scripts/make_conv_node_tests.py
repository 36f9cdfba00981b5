#!/usr/bin/env python3
"""Writes onnx's own node test cases for Conv, ConvTranspose and BatchNormalization into
Tests/Fixtures/onnx/node/<test_name>/ (model.onnx + test_data_set_0/{input,output}_N.pb).

Needs the `onnx` and `numpy` packages (a venv is fine):
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install onnx numpy
    /tmp/venv/bin/python scripts/make_conv_node_tests.py

The onnx package declares most of these models at opset 22, which only widened the element types
(bfloat16); the loader accepts opsets up to 21, so the default-domain import is lowered to 21.
The *_training_mode BatchNormalization cases are kept: Sluice must refuse them clearly.
"""
from __future__ import annotations

import os
import shutil
import warnings

import numpy as np
from onnx import TensorProto, numpy_helper
from onnx.backend.test.case.node import collect_testcases

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "onnx", "node")
PREFIXES = ("test_basic_conv", "test_conv_with", "test_convtranspose", "test_batchnorm")
MAX_OPSET = 21


def main() -> None:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        cases = {c.name: c for c in collect_testcases() if c.name.startswith(PREFIXES)}
    for test_name, case in sorted(cases.items()):
        model = case.model
        for opset in model.opset_import:
            if opset.domain in ("", "ai.onnx"):
                opset.version = min(opset.version, MAX_OPSET)
        out = os.path.join(ROOT, test_name)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(os.path.join(out, "test_data_set_0"))
        with open(os.path.join(out, "model.onnx"), "wb") as f:
            f.write(model.SerializeToString())
        inputs, outputs = case.data_sets[0]
        for kind, values, infos in (("input", inputs, model.graph.input), ("output", outputs, model.graph.output)):
            for index, value in enumerate(values):
                tensor = value if isinstance(value, TensorProto) else numpy_helper.from_array(value, infos[index].name)
                with open(os.path.join(out, "test_data_set_0", f"{kind}_{index}.pb"), "wb") as f:
                    f.write(tensor.SerializeToString())
        print(test_name)


if __name__ == "__main__":
    main()
