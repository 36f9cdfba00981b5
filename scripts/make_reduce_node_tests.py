#!/usr/bin/env python3
"""Writes onnx's own node test cases for the reduction family into Tests/Fixtures/onnx/node/.

Families: Softmax, LogSoftmax, Reduce*, ArgMax, ArgMin, LayerNormalization, InstanceNormalization.
Cases with double (or other types Sluice lacks) are skipped, as are the `_expanded` variants
(function bodies made of other operators). Needs `onnx` and `numpy`:
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install onnx numpy
    /tmp/venv/bin/python scripts/make_reduce_node_tests.py
Each case is model.onnx plus test_data_set_0/{input,output}_N.pb, as onnx's backend tests lay out.
Sluice loads opsets up to 21; a case written for a later opset is kept, with its opset import
lowered to 21, only when the operator's schema there has the same attributes and description
(InstanceNormalization-22 and ReduceLogSum(Exp)-28 only changed the type lists).
"""
from __future__ import annotations

import os
import shutil
import warnings

import numpy as np
from onnx import TensorProto, defs, numpy_helper
from onnx.backend.test.case.node import collect_testcases

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "onnx", "node")
PREFIXES = ("test_softmax_", "test_logsoftmax_", "test_reduce_", "test_argmax_", "test_argmin_",
            "test_layer_normalization_", "test_instancenorm_")
# Element types Sluice's DataType has (ONNX TensorProto numbers).
SUPPORTED = {TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.INT32, TensorProto.INT64, TensorProto.UINT8,
             TensorProto.INT8, TensorProto.BOOL}
MAX_CASE_BYTES = 64 * 1024
MAX_OPSET = 21


def lower_opset(case) -> bool:
    """Lowers the default opset import to MAX_OPSET when the node's semantics are unchanged there."""
    for opset in case.model.opset_import:
        if opset.domain in ("", "ai.onnx") and opset.version > MAX_OPSET:
            op = case.model.graph.node[0].op_type
            new, old = defs.get_schema(op, opset.version), defs.get_schema(op, MAX_OPSET)
            if new.doc != old.doc or set(new.attributes) != set(old.attributes):
                return False
            opset.version = MAX_OPSET
    return True


def value_types(case) -> set[int]:
    graph = case.model.graph
    return {v.type.tensor_type.elem_type for v in list(graph.input) + list(graph.output)}


def main() -> None:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        cases = {c.name: c for c in collect_testcases() if c.name.startswith(PREFIXES)}
    written, skipped = [], []
    for name, case in sorted(cases.items()):
        if name.endswith("_expanded") or "_expanded_" in name or len(case.model.graph.node) != 1:
            skipped.append((name, "expanded"))
            continue
        if not value_types(case) <= SUPPORTED:
            skipped.append((name, "type"))
            continue
        if not lower_opset(case):
            skipped.append((name, "opset"))
            continue
        out = os.path.join(ROOT, name)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(os.path.join(out, "test_data_set_0"))
        size = 0
        with open(os.path.join(out, "model.onnx"), "wb") as f:
            size += f.write(case.model.SerializeToString())
        inputs, outputs = case.data_sets[0]
        for kind, values, infos in (("input", inputs, case.model.graph.input), ("output", outputs, case.model.graph.output)):
            for index, value in enumerate(values):
                tensor = value if isinstance(value, TensorProto) else numpy_helper.from_array(value, infos[index].name)
                with open(os.path.join(out, "test_data_set_0", f"{kind}_{index}.pb"), "wb") as f:
                    size += f.write(tensor.SerializeToString())
        if size > MAX_CASE_BYTES:
            shutil.rmtree(out)
            skipped.append((name, f"{size} bytes"))
            continue
        written.append(name)
    with open(os.path.join(ROOT, "..", "reduce_node_tests.txt"), "w") as f:
        f.write("\n".join(written) + "\n")
    print(f"wrote {len(written)} cases; skipped {len(skipped)}:")
    for name, why in skipped:
        print(f"  {name}: {why}")


if __name__ == "__main__":
    main()
