#!/usr/bin/env python3
"""Writes onnx's own node test cases for MatMul, Gemm, the pools and LRN into
Tests/Fixtures/onnx/node/<test_name>/ (model.onnx + test_data_set_0/{input,output}_N.pb).

Needs the `onnx` and `numpy` packages (a venv is fine):
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install onnx numpy
    /tmp/venv/bin/python scripts/make_matmul_pool_node_tests.py

Cases newer than the loader's highest opset (21) are stamped with opset 21: these operators did
not change meaning after it (opset 22 only added element types). Cases whose data exceeds
MAX_BYTES are skipped to keep the repository small; the test lists the names it expects.
"""
from __future__ import annotations

import os
import shutil
import warnings

import numpy as np
from onnx import TensorProto, numpy_helper
from onnx.backend.test.case.node import collect_testcases

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "onnx", "node")
PREFIXES = ("test_matmul_", "test_gemm_", "test_maxpool_", "test_averagepool_", "test_globalaveragepool",
            "test_globalmaxpool", "test_lrn")
MAX_OPSET = 21
MAX_BYTES = 140_000
# Large 3-D cases that repeat what a kept case already checks.
SKIPPED = {"test_averagepool_3d_dilations_large_count_include_pad_is_0_ceil_mode_is_False",
           "test_averagepool_3d_dilations_large_count_include_pad_is_1_ceil_mode_is_False"}


def tensors(values, infos):
    for index, value in enumerate(values):
        yield index, value if isinstance(value, TensorProto) else numpy_helper.from_array(value, infos[index].name)


def main() -> None:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        cases = {c.name: c for c in collect_testcases() if c.name.startswith(PREFIXES)}
    written = []
    for name, case in sorted(cases.items()):
        inputs, outputs = case.data_sets[0]
        size = sum(np.asarray(v).nbytes for v in list(inputs) + list(outputs))
        if name in SKIPPED or size > MAX_BYTES:
            print(f"skip {name} ({size} bytes)")
            continue
        model = case.model
        for opset in model.opset_import:
            if opset.domain in ("", "ai.onnx") and opset.version > MAX_OPSET:
                opset.version = MAX_OPSET
        out = os.path.join(ROOT, name)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(os.path.join(out, "test_data_set_0"))
        with open(os.path.join(out, "model.onnx"), "wb") as f:
            f.write(model.SerializeToString())
        for kind, values, infos in (("input", inputs, model.graph.input), ("output", outputs, model.graph.output)):
            for index, tensor in tensors(values, infos):
                with open(os.path.join(out, "test_data_set_0", f"{kind}_{index}.pb"), "wb") as f:
                    f.write(tensor.SerializeToString())
        written.append(name)
    print("\n".join(written))


if __name__ == "__main__":
    main()
