"""JSON for reference fixtures: objects one key per line, lists of numbers or strings on one line,
so the files stay short and diffs stay readable."""

import json


def dumps(value, indent=0):
    pad, inner = " " * indent, " " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(k)}: {dumps(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        return "[\n" + ",\n".join(inner + dumps(v, indent + 1) for v in value) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=True)


def write(path, value):
    with open(path, "w", encoding="utf-8") as f:
        f.write(dumps(value) + "\n")
