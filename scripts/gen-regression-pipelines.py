#!/usr/bin/env python3
"""Writes Tests/Fixtures/regressions/pipeline-long-chain.json.

A source and 2000 `test.square` stages in one chain, listed last-to-first so that the
validator's topological sort has to reorder every stage. Before the fix in
PipelineValidator (fileOrder/firstStage dictionaries) validating this took minutes: every
comparison in the sort searched the stage list, and a 4 MB file (the parser's cap) with
~80,000 stages would have run for hours. The fuzzer's pipeline harness found it as a collapse
in executions per second on large inputs.
"""
import json
import pathlib

STAGES = 2000
root = pathlib.Path(__file__).resolve().parent.parent
stages = [{"name": "src", "type": "test.numbers", "options": {"count": 3}}]
previous = "src"
for index in range(1, STAGES + 1):
    name = f"s{index}"
    stages.append({"name": name, "type": "test.square", "inputs": {"in": previous}})
    previous = name
stages.reverse()
out = root / "Tests/Fixtures/regressions/pipeline-long-chain.json"
out.write_text(json.dumps({"stages": stages}, separators=(",", ":")) + "\n")
print(f"wrote {out} ({out.stat().st_size} bytes)")
