#!/usr/bin/env python3
"""Writes onnx's own node test cases for the data-movement and shape operators into
Tests/Fixtures/onnx/node/<test_name>/ (model.onnx + test_data_set_0/{input,output}_N.pb).

Needs the `onnx` and `numpy` packages (a venv is fine):
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install onnx numpy
    /tmp/venv/bin/python scripts/make_data_node_tests.py

Cases whose tensors use a type Sluice does not have (double, string, bfloat16, float8, int4...)
or that use sequences/optionals are skipped. Newer onnx releases stamp their cases with opsets
past the 21 that the loader accepts; such models are re-stamped as opset 21 when the operator's
definition at 21 has the inputs and the attributes the node uses (later versions only added
element types or attributes the case leaves at their defaults),
and skipped otherwise. The list of written cases goes to node/data_ops.txt, which the Swift test reads.
"""
from __future__ import annotations

import os
import shutil
import warnings

import numpy as np
import onnx
from onnx import TensorProto, defs, numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "onnx", "node")
MIN_OPSET = 7
MAX_OPSET = 21
PREFIXES = (
    "test_reshape_", "test_transpose_", "test_concat_", "test_slice", "test_gather_", "test_squeeze", "test_unsqueeze_",
    "test_expand_", "test_cast_", "test_castlike_", "test_constant_pad", "test_edge_pad", "test_reflect_pad", "test_wrap_pad",
    "test_where_", "test_tril", "test_triu", "test_range_", "test_cumsum_", "test_shape", "test_size", "test_constant",
    "test_constantofshape_", "test_split_", "test_tile", "test_flatten_", "test_identity", "test_dropout_", "test_not_",
)
OPS = {"Reshape", "Transpose", "Concat", "Slice", "Gather", "Squeeze", "Unsqueeze", "Expand", "Cast", "CastLike", "Pad",
       "Where", "Trilu", "Range", "CumSum", "Shape", "Size", "Constant", "ConstantOfShape", "Split", "Tile", "Flatten",
       "Identity", "Dropout", "Not"}
SUPPORTED = {TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.INT32, TensorProto.INT64, TensorProto.UINT8,
             TensorProto.INT8, TensorProto.BOOL}
MAX_BYTES = 64 * 1024


def tensor_types_ok(model: onnx.ModelProto) -> bool:
    graph = model.graph
    for info in list(graph.input) + list(graph.output):
        if not info.type.HasField("tensor_type") or info.type.tensor_type.elem_type not in SUPPORTED:
            return False
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.TENSOR and attribute.t.data_type not in SUPPORTED:
                return False
            if attribute.name == "to" and attribute.i not in SUPPORTED:
                return False
    return True


def restamp(model: onnx.ModelProto) -> bool:
    """Moves the default-domain opset into the loader's 7...21 when the node's operator reads the
    same there (Not's cases are stamped opset 1, whose definition is still current at 7)."""
    opset = next(o for o in model.opset_import if o.domain in ("", "ai.onnx"))
    node = model.graph.node[0]
    if opset.version < MIN_OPSET:
        if defs.get_schema(node.op_type, MIN_OPSET).since_version != defs.get_schema(node.op_type, opset.version).since_version:
            return False
        opset.version = MIN_OPSET
        return True
    if opset.version <= MAX_OPSET:
        return True
    new = defs.get_schema(node.op_type, opset.version)
    old = defs.get_schema(node.op_type, MAX_OPSET)
    used = {a.name for a in node.attribute}
    same = (used <= set(old.attributes)
            and [i.name for i in new.inputs] == [i.name for i in old.inputs]
            and [o.name for o in new.outputs] == [o.name for o in old.outputs])
    if not same:
        return False
    opset.version = MAX_OPSET
    model.ir_version = min(model.ir_version, 10)
    return True


def main() -> None:
    from onnx.backend.test.case.node import collect_testcases

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        cases = [c for c in collect_testcases() if c.name.startswith(PREFIXES)]
    written = []
    for case in sorted(cases, key=lambda c: c.name):
        model = case.model
        if len(model.graph.node) != 1 or model.graph.node[0].op_type not in OPS:
            continue
        if not tensor_types_ok(model) or not restamp(model):
            continue
        inputs, outputs = case.data_sets[0]
        tensors = []
        for kind, values, infos in (("input", inputs, model.graph.input), ("output", outputs, model.graph.output)):
            for index, value in enumerate(values):
                tensor = value if isinstance(value, TensorProto) else numpy_helper.from_array(np.asarray(value), infos[index].name)
                tensors.append((f"{kind}_{index}.pb", tensor))
        if sum(len(t.SerializeToString()) for _, t in tensors) > MAX_BYTES:
            continue
        out = os.path.join(ROOT, case.name)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(os.path.join(out, "test_data_set_0"))
        with open(os.path.join(out, "model.onnx"), "wb") as f:
            f.write(model.SerializeToString())
        for name, tensor in tensors:
            with open(os.path.join(out, "test_data_set_0", name), "wb") as f:
                f.write(tensor.SerializeToString())
        written.append(case.name)
    with open(os.path.join(ROOT, "data_ops.txt"), "w") as f:
        f.write("\n".join(written) + "\n")
    print(f"wrote {len(written)} cases")


if __name__ == "__main__":
    main()
