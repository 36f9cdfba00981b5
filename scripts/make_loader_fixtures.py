#!/usr/bin/env python3
"""Writes the small ONNX files that Tests/InferenceStageTests use into Tests/Fixtures/onnx/.

Needs the `onnx` and `numpy` packages (a venv is fine):
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install onnx numpy
    /tmp/venv/bin/python scripts/make_loader_fixtures.py

Most files are deliberately broken in exactly one way, so each loader check has a file that
trips it. Models are built with onnx.helper but never passed through onnx.checker, which would
refuse the broken ones. node/ holds real cases from onnx's own backend tests: test_relu and
test_if are generated from the package's node test cases, test_single_relu_model is copied
from the test data the wheel ships.
"""
from __future__ import annotations

import os
import random
import shutil
import warnings

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "onnx")
DEFAULT_OPSET = 17


def save(model: onnx.ModelProto, *path: str) -> bytes:
    data = model.SerializeToString()
    full = os.path.join(ROOT, *path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data)
    return data


def model(graph: onnx.GraphProto, opset: int = DEFAULT_OPSET) -> onnx.ModelProto:
    m = helper.make_model(graph, producer_name="sluice-fixtures", opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def vi(name: str, elem: int, shape: list) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, elem, shape)


def add_model(initializer: TensorProto, shape: list, opset: int = DEFAULT_OPSET) -> onnx.ModelProto:
    """Y = X + initializer: the smallest model that uses one initializer."""
    node = helper.make_node("Add", ["X", initializer.name], ["Y"], name="add")
    graph = helper.make_graph([node], "main", [vi("X", TensorProto.FLOAT, shape)], [vi("Y", TensorProto.FLOAT, shape)],
                              [initializer])
    return model(graph, opset)


def raw_tensor(name: str, elem: int, dims: list, raw: bytes) -> TensorProto:
    t = TensorProto()
    t.name = name
    t.data_type = elem
    t.dims.extend(dims)
    t.raw_data = raw
    return t


def initializers() -> None:
    """Every supported type, stored both as raw_data and in its typed field."""
    values = np.array([[1.5, -2.0, 3.25], [0.0, 4.0, -0.5]], dtype=np.float32)
    f16 = np.array([1.0, -2.5, 65504.0, 0.0], dtype=np.float16)
    tensors = [
        numpy_helper.from_array(values, "f32_raw"),
        helper.make_tensor("f32_typed", TensorProto.FLOAT, [2, 3], values.flatten().tolist()),
        numpy_helper.from_array(np.array([1, -2, 2**40, -(2**62)], dtype=np.int64), "i64_raw"),
        helper.make_tensor("i64_typed", TensorProto.INT64, [4], [1, -2, 2**40, -(2**62)]),
        numpy_helper.from_array(f16, "f16_raw"),
        # Typed float16: int32_data holds each value's bit pattern.
        helper.make_tensor("f16_typed", TensorProto.FLOAT16, [4], f16.view(np.uint16).astype(np.int32).tolist(),
                           raw=False),
        helper.make_tensor("i32_typed", TensorProto.INT32, [3], [7, -8, 2**31 - 1]),
        helper.make_tensor("u8_typed", TensorProto.UINT8, [3], [0, 200, 255]),
        helper.make_tensor("i8_typed", TensorProto.INT8, [3], [-128, 0, 127]),
        helper.make_tensor("bool_typed", TensorProto.BOOL, [3], [1, 0, 1]),
        helper.make_tensor("scalar_f32", TensorProto.FLOAT, [], [42.0]),
        helper.make_tensor("empty_f32", TensorProto.FLOAT, [0, 3], []),
    ]
    # f16_typed must stay in int32_data; make_tensor would otherwise cast the values.
    for t in tensors:
        if t.name == "f16_typed":
            del t.int32_data[:]
            t.int32_data.extend(f16.view(np.uint16).astype(np.int32).tolist())
    nodes = [
        helper.make_node("Add", ["X", "f32_raw"], ["A"], name="add_raw"),
        helper.make_node("Add", ["A", "f32_typed"], ["Y"], name="add_typed"),
    ]
    graph = helper.make_graph(nodes, "main", [vi("X", TensorProto.FLOAT, [2, 3])], [vi("Y", TensorProto.FLOAT, [2, 3])],
                              tensors)
    save(model(graph), "initializers.onnx")


def broken_tensors() -> None:
    save(add_model(raw_tensor("w", TensorProto.FLOAT, [2, 3], b"\0" * 20), [2, 3]), "raw_length_mismatch.onnx")
    save(add_model(raw_tensor("w", TensorProto.FLOAT, [2, -3], b""), [2, 3]), "negative_dim.onnx")
    save(add_model(raw_tensor("w", TensorProto.FLOAT, [2**40, 2**40], b""), [2, 3]), "overflow_dims.onnx")
    save(add_model(helper.make_tensor("w", TensorProto.DOUBLE, [2], [1.0, 2.0]), [2]), "double_initializer.onnx")
    short = helper.make_tensor("w", TensorProto.FLOAT, [2], [1.0, 2.0])
    short.dims[0] = 3  # declares 3 elements, holds 2
    save(add_model(short, [3]), "typed_count_mismatch.onnx")


def external_data() -> None:
    """external/ holds the model directory; outside.bin sits one level up, outside it."""
    directory = os.path.join(ROOT, "external")
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    weights = np.arange(6, dtype=np.float32) * 0.5
    padding = b"\xAA" * 16  # the tensor starts at a non-zero offset
    with open(os.path.join(directory, "weights.bin"), "wb") as f:
        f.write(padding + weights.tobytes())
    with open(os.path.join(ROOT, "outside.bin"), "wb") as f:
        f.write(weights.tobytes())
    os.symlink("../outside.bin", os.path.join(directory, "link_outside.bin"))

    def external_model(file_name: str, location: str, offset: int, length: int | None) -> None:
        t = TensorProto()
        t.name = "w"
        t.data_type = TensorProto.FLOAT
        t.dims.extend([2, 3])
        t.data_location = TensorProto.EXTERNAL
        entries = {"location": location, "offset": str(offset)}
        if length is not None:
            entries["length"] = str(length)
        for key, value in entries.items():
            entry = t.external_data.add()
            entry.key, entry.value = key, value
        save(add_model(t, [2, 3]), "external", file_name)

    external_model("good.onnx", "weights.bin", 16, 24)
    external_model("escape_dotdot.onnx", "../outside.bin", 0, 24)
    external_model("escape_absolute.onnx", "/etc/passwd", 0, 24)
    external_model("escape_symlink.onnx", "link_outside.bin", 0, 24)
    external_model("offset_past_end.onnx", "weights.bin", 32, 24)
    external_model("length_mismatch.onnx", "weights.bin", 16, 20)
    external_model("missing_file.onnx", "no_such_file.bin", 0, 24)


def damaged_files() -> None:
    good = save(add_model(numpy_helper.from_array(np.ones((4, 4), np.float32), "w"), [4, 4]), "small_add.onnx")
    with open(os.path.join(ROOT, "truncated.onnx"), "wb") as f:
        f.write(good[: len(good) * 2 // 3])
    rng = random.Random(1234)
    with open(os.path.join(ROOT, "garbage.onnx"), "wb") as f:
        f.write(bytes(rng.randrange(256) for _ in range(2048)))


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number: int, payload: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def deep_nesting() -> None:
    """Graph -> node -> attribute -> graph ... 1,200 levels deep, written straight in wire format:
    far deeper than any real model, deep enough to exhaust a recursive parser's stack."""
    inner = b""
    for _ in range(400):
        attribute = field(1, b"g") + field(6, inner)  # AttributeProto.name, AttributeProto.g
        node = field(4, b"If") + field(5, attribute)  # NodeProto.op_type, NodeProto.attribute
        inner = field(1, node)  # GraphProto.node
    opset = field(8, varint(2 << 3 | 0)[0:1] + varint(17))  # ModelProto.opset_import {version: 17}
    with open(os.path.join(ROOT, "deep_nesting.onnx"), "wb") as f:
        f.write(varint(1 << 3 | 0) + varint(8) + opset + field(7, inner))  # ir_version, graph

    # A valid model whose If nodes nest 25 deep: nesting depth 78, over the default limit of 64.
    def leaf(output: str) -> onnx.GraphProto:
        return helper.make_graph([helper.make_node("Identity", ["X"], [output], name=f"leaf_{output}")],
                                 f"leaf_{output}", [], [vi(output, TensorProto.FLOAT, [1])])

    graph = leaf("Y0")
    for level in range(1, 26):
        # Only then_branch nests; a shared else_branch would double the file at every level.
        node = helper.make_node("If", ["C"], [f"Y{level}"], name=f"if{level}", then_branch=graph,
                                else_branch=leaf(f"E{level}"))
        graph = helper.make_graph([node], f"level{level}", [], [vi(f"Y{level}", TensorProto.FLOAT, [1])])
    graph.input.extend([vi("X", TensorProto.FLOAT, [1]), vi("C", TensorProto.BOOL, [])])
    save(model(graph), "nested_if_25.onnx")


def graph_structure() -> None:
    x, y = vi("X", TensorProto.FLOAT, [2]), vi("Y", TensorProto.FLOAT, [2])
    cycle = [
        helper.make_node("Add", ["X", "c"], ["a"], name="first"),
        helper.make_node("Relu", ["a"], ["b"], name="second"),
        helper.make_node("Neg", ["b"], ["c"], name="third"),
        helper.make_node("Identity", ["a"], ["Y"], name="out"),
    ]
    save(model(helper.make_graph(cycle, "main", [x], [y])), "cycle.onnx")

    missing = [helper.make_node("Add", ["X", "bias"], ["Y"], name="add_bias")]
    save(model(helper.make_graph(missing, "main", [x], [y])), "missing_input.onnx")

    # Listed consumers first: the loader must sort them.
    reversed_nodes = [
        helper.make_node("Neg", ["b"], ["Y"], name="n3"),
        helper.make_node("Relu", ["a"], ["b"], name="n2"),
        helper.make_node("Abs", ["X"], ["a"], name="n1"),
    ]
    save(model(helper.make_graph(reversed_nodes, "main", [x], [y])), "out_of_order.onnx")

    optional = [helper.make_node("Clip", ["X", "", "hi"], ["Y"], name="clip")]
    hi = helper.make_tensor("hi", TensorProto.FLOAT, [], [6.0])
    save(model(helper.make_graph(optional, "main", [x], [y], [hi])), "optional_input.onnx")

    for opset in (6, 22):
        relu = [helper.make_node("Relu", ["X"], ["Y"], name="relu")]
        save(model(helper.make_graph(relu, "main", [x], [y]), opset), f"opset{opset}.onnx")

    attributes = helper.make_node(
        "Custom", ["X"], ["Y"], name="attrs", domain="ai.onnx",
        f=0.25, i=-3, s="hello", fs=[1.0, 2.5], is_=[1, 2, 3], ss=["a", "bc"],
        t=helper.make_tensor("t", TensorProto.INT64, [2], [5, 6]))
    for a in attributes.attribute:
        if a.name == "is_":
            a.name = "is"
    save(model(helper.make_graph([attributes], "main", [x], [y])), "attributes.onnx")


def subgraph() -> None:
    """If whose branches read 'shift', produced by a node listed after the If in the file."""
    then_graph = helper.make_graph([helper.make_node("Add", ["X", "shift"], ["then_out"], name="then_add")], "then",
                                   [], [vi("then_out", TensorProto.FLOAT, [2])])
    else_graph = helper.make_graph([helper.make_node("Sub", ["X", "shift"], ["else_out"], name="else_sub")], "else",
                                   [], [vi("else_out", TensorProto.FLOAT, [2])])
    nodes = [
        helper.make_node("If", ["C"], ["Y"], name="branch", then_branch=then_graph, else_branch=else_graph),
        helper.make_node("Abs", ["X"], ["shift"], name="make_shift"),
    ]
    graph = helper.make_graph(nodes, "main", [vi("X", TensorProto.FLOAT, [2]), vi("C", TensorProto.BOOL, [])],
                              [vi("Y", TensorProto.FLOAT, [2])])
    save(model(graph), "subgraph_if.onnx")

    missing = helper.make_graph([helper.make_node("Add", ["X", "nowhere"], ["then_out"], name="bad_add")], "then",
                                [], [vi("then_out", TensorProto.FLOAT, [2])])
    node = helper.make_node("If", ["C"], ["Y"], name="branch", then_branch=missing, else_branch=else_graph)
    graph = helper.make_graph([node, nodes[1]], "main", [vi("X", TensorProto.FLOAT, [2]), vi("C", TensorProto.BOOL, [])],
                              [vi("Y", TensorProto.FLOAT, [2])])
    save(model(graph), "subgraph_missing_input.onnx")

    # Subgraph outputs may leave their type to inference; the main graph's may not.
    untyped = helper.make_graph([helper.make_node("Neg", ["X"], ["then_out"], name="then_neg")], "then", [],
                                [onnx.ValueInfoProto(name="then_out")])
    node = helper.make_node("If", ["C"], ["Y"], name="branch", then_branch=untyped, else_branch=else_graph)
    graph = helper.make_graph([node, nodes[1]], "main", [vi("X", TensorProto.FLOAT, [2]), vi("C", TensorProto.BOOL, [])],
                              [vi("Y", TensorProto.FLOAT, [2])])
    save(model(graph), "subgraph_untyped_output.onnx")
    relu = helper.make_node("Relu", ["X"], ["Y"], name="relu")
    graph = helper.make_graph([relu], "main", [vi("X", TensorProto.FLOAT, [2])], [onnx.ValueInfoProto(name="Y")])
    save(model(graph), "untyped_graph_output.onnx")
    relu = helper.make_node("Relu", ["X"], ["Y"], name="relu")
    shape = ["batch", 3, None]
    graph = helper.make_graph([relu], "main", [vi("X", TensorProto.FLOAT, shape)], [vi("Y", TensorProto.FLOAT, shape)])
    save(model(graph), "symbolic_dims.onnx")


def tensor_files() -> None:
    directory = os.path.join(ROOT, "tensors")
    os.makedirs(directory, exist_ok=True)
    samples = {
        "int64_2x2.pb": numpy_helper.from_array(np.array([[1, -2], [3, 2**40]], np.int64), "ids"),
        "float16_3.pb": numpy_helper.from_array(np.array([0.5, -1.0, 2.0], np.float16), "half"),
        "float32_typed.pb": helper.make_tensor("typed", TensorProto.FLOAT, [2], [1.25, -3.5]),
    }
    for name, tensor in samples.items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(tensor.SerializeToString())


def backend_cases() -> None:
    """Real cases from the onnx package: two generated node tests and one shipped model test."""
    from onnx.backend.test.case.node import collect_testcases

    node_dir = os.path.join(ROOT, "node")
    # Other scripts write their operators' cases beside these: remove only this script's own.
    for own in ("test_relu", "test_if", "test_single_relu_model"):
        shutil.rmtree(os.path.join(node_dir, own), ignore_errors=True)
    # The collector imports every case module once, so filter by name rather than by op_type.
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        cases = {c.name: c for c in collect_testcases() if c.name in ("test_relu", "test_if")}
    for test_name, case in sorted(cases.items()):
        out = os.path.join(node_dir, test_name)
        os.makedirs(os.path.join(out, "test_data_set_0"))
        with open(os.path.join(out, "model.onnx"), "wb") as f:
            f.write(case.model.SerializeToString())
        inputs, outputs = case.data_sets[0]
        for kind, values, infos in (("input", inputs, case.model.graph.input), ("output", outputs, case.model.graph.output)):
            for index, value in enumerate(values):
                tensor = value if isinstance(value, TensorProto) else numpy_helper.from_array(value, infos[index].name)
                with open(os.path.join(out, "test_data_set_0", f"{kind}_{index}.pb"), "wb") as f:
                    f.write(tensor.SerializeToString())

    shipped = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "simple", "test_single_relu_model")
    shutil.copytree(shipped, os.path.join(node_dir, "test_single_relu_model"))


def main() -> None:
    os.makedirs(ROOT, exist_ok=True)
    initializers()
    broken_tensors()
    external_data()
    damaged_files()
    deep_nesting()
    graph_structure()
    subgraph()
    tensor_files()
    backend_cases()
    light = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "light")
    print(f"onnx {onnx.__version__}; light models (not copied):")
    for name in sorted(os.listdir(light)):
        if name.endswith(".onnx"):
            print(f"  {name}: {os.path.getsize(os.path.join(light, name))} bytes")


if __name__ == "__main__":
    main()
