"""Export a transformers GPT2LMHeadModel to ONNX with an explicit key/value cache.

Shared by scripts/train_tiny_gpt.py and scripts/export_gpt2_small.py.

Why a hand-written forward instead of tracing GPT2LMHeadModel itself: the cache API of
transformers changes between releases (tuple caches were replaced by Cache objects), and the
ONNX interface Sluice reads must not change with it. This module re-states GPT-2's forward pass
over the model's own parameters, with the cache as plain tensors, so the graph has exactly this
interface (the layout of transformers' / optimum's GPT-2 exports with a legacy tuple cache):

  inputs   input_ids                 int64   [batch, sequence]
           attention_mask            int64   [batch, past_sequence + sequence]
           position_ids              int64   [batch, sequence]
           past_key_values.{i}.key   float32 [batch, n_head, past_sequence, head_dim]
           past_key_values.{i}.value float32 [batch, n_head, past_sequence, head_dim]
  outputs  logits                    float32 [batch, sequence, vocab]
           present.{i}.key           float32 [batch, n_head, past_sequence + sequence, head_dim]
           present.{i}.value         float32 [batch, n_head, past_sequence + sequence, head_dim]

A prefill passes past tensors with past_sequence = 0; each decode step passes the previous
step's presents as pasts. attention_mask is 1 for real tokens, 0 for padding (left padding in
a batch); masked and future positions get the dtype's lowest value before softmax, as
transformers does.
"""

import math

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper

OPSET = 17


class GPT2WithPast(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model  # GPT2LMHeadModel; its parameters are used as they are
        cfg = model.config
        self.n_layer, self.n_head = cfg.n_layer, cfg.n_head
        self.head_dim = cfg.n_embd // cfg.n_head
        self.eps = cfg.layer_norm_epsilon

    def attention(self, block, x, past_k, past_v, bias):
        b, s, e = x.shape
        qkv = block.attn.c_attn(x)  # Conv1D: x @ W + b, W is [in, out]
        q, k, v = qkv.split(e, dim=2)
        shape = (b, s, self.n_head, self.head_dim)
        q = q.reshape(shape).transpose(1, 2)
        k = torch.cat([past_k, k.reshape(shape).transpose(1, 2)], dim=2)
        v = torch.cat([past_v, v.reshape(shape).transpose(1, 2)], dim=2)
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim) + bias
        out = torch.matmul(torch.softmax(scores, dim=-1), v)
        out = out.transpose(1, 2).reshape(b, s, e)
        return block.attn.c_proj(out), k, v

    def forward(self, input_ids, attention_mask, position_ids, *past):
        t = self.model.transformer
        s = input_ids.shape[1]
        total = attention_mask.shape[1]
        # Query i sits at absolute index (total - s + i); it may see key j when j <= that index
        # and the key is not padding.
        query_index = torch.arange(s, device=input_ids.device).unsqueeze(1) + (total - s)
        key_index = torch.arange(total, device=input_ids.device).unsqueeze(0)
        causal = (key_index <= query_index).unsqueeze(0).unsqueeze(0)  # [1, 1, s, total]
        keep = causal & (attention_mask[:, None, None, :] > 0)
        bias = torch.where(keep, torch.zeros((), dtype=torch.float32),
                           torch.full((), torch.finfo(torch.float32).min, dtype=torch.float32))

        x = t.wte(input_ids) + t.wpe(position_ids)
        presents = []
        for i, block in enumerate(t.h):
            a, k, v = self.attention(block, block.ln_1(x), past[2 * i], past[2 * i + 1], bias)
            x = x + a
            x = x + block.mlp(block.ln_2(x))
            presents += [k, v]
        x = t.ln_f(x)
        logits = torch.matmul(x, self.model.lm_head.weight.t())
        return (logits, *presents)


def io_names(n_layer):
    past = [f"past_key_values.{i}.{kv}" for i in range(n_layer) for kv in ("key", "value")]
    present = [f"present.{i}.{kv}" for i in range(n_layer) for kv in ("key", "value")]
    return ["input_ids", "attention_mask", "position_ids", *past], ["logits", *present]


def dummy_inputs(cfg, batch=2, past_len=3, seq=4):
    head_dim = cfg.n_embd // cfg.n_head
    ids = torch.randint(0, cfg.vocab_size, (batch, seq), dtype=torch.int64)
    mask = torch.ones(batch, past_len + seq, dtype=torch.int64)
    pos = torch.arange(past_len, past_len + seq, dtype=torch.int64).unsqueeze(0).repeat(batch, 1)
    past = [torch.randn(batch, cfg.n_head, past_len, head_dim) for _ in range(2 * cfg.n_layer)]
    return (ids, mask, pos, *past)


def share_lm_head(path, model):
    """Drop the transposed copy of the embedding that constant folding made for the LM head.

    GPT-2 ties lm_head to wte; tracing matmul(x, W.t()) folds W.t() into a second initializer,
    doubling the embedding's share of the file. Replace it with a Transpose of the original.
    """
    m = onnx.load(path)
    g = m.graph
    wte = model.transformer.wte.weight.detach().cpu().numpy()
    by_name = {init.name: init for init in g.initializer}
    wte_name = next((n for n, i in by_name.items()
                     if tuple(i.dims) == wte.shape and np.array_equal(numpy_helper.to_array(i), wte)), None)
    copy_name = next((n for n, i in by_name.items()
                      if tuple(i.dims) == wte.shape[::-1] and np.array_equal(numpy_helper.to_array(i), wte.T)), None)
    if wte_name is None or copy_name is None:
        return False
    g.initializer.remove(by_name[copy_name])
    g.node.insert(0, helper.make_node("Transpose", [wte_name], [copy_name], perm=[1, 0],
                                      name="lm_head_tied_transpose"))
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return True


def export(model, path, batch=2, past_len=3, seq=4):
    model = model.eval()
    wrapper = GPT2WithPast(model).eval()
    cfg = model.config
    inputs, outputs = io_names(cfg.n_layer)
    axes = {"input_ids": {0: "batch", 1: "sequence"},
            "attention_mask": {0: "batch", 1: "total_sequence"},
            "position_ids": {0: "batch", 1: "sequence"},
            "logits": {0: "batch", 1: "sequence"}}
    for name in inputs[3:]:
        axes[name] = {0: "batch", 2: "past_sequence"}
    for name in outputs[1:]:
        axes[name] = {0: "batch", 2: "total_sequence"}
    with torch.no_grad():
        torch.onnx.export(wrapper, dummy_inputs(cfg, batch, past_len, seq), path,
                          input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=OPSET, do_constant_folding=True, dynamo=False)
    shared = share_lm_head(path, model)
    onnx.checker.check_model(onnx.load(path))
    return shared


def wrapper_matches_model(model, tol=1e-4):
    """The hand-written forward must agree with transformers' own (no cache) on a full pass."""
    cfg = model.config
    wrapper = GPT2WithPast(model).eval()
    ids = torch.randint(0, cfg.vocab_size, (2, 9))
    mask = torch.ones_like(ids)
    pos = torch.arange(9).unsqueeze(0).repeat(2, 1)
    empty = [torch.zeros(2, cfg.n_head, 0, cfg.n_embd // cfg.n_head) for _ in range(2 * cfg.n_layer)]
    with torch.no_grad():
        ours = wrapper(ids, mask, pos, *empty)[0]
        theirs = model(input_ids=ids, use_cache=False).logits
    diff = (ours - theirs).abs().max().item()
    if diff > tol:
        raise AssertionError(f"wrapper differs from GPT2LMHeadModel by {diff}")
    return diff


def ort_greedy(session, cfg, prompt_ids, steps):
    """Prefill + `steps - 1` single-token decodes with presents fed back as pasts.

    Returns (generated ids, first-step logits of the last prompt position)."""
    head_dim = cfg.n_embd // cfg.n_head
    ids = np.array([prompt_ids], dtype=np.int64)
    feed = {"input_ids": ids,
            "attention_mask": np.ones_like(ids),
            "position_ids": np.arange(ids.shape[1], dtype=np.int64)[None, :]}
    for i in range(cfg.n_layer):
        for kv in ("key", "value"):
            feed[f"past_key_values.{i}.{kv}"] = np.zeros((1, cfg.n_head, 0, head_dim), np.float32)
    names = [o.name for o in session.get_outputs()]
    generated, first_logits, total = [], None, ids.shape[1]
    for step in range(steps):
        out = dict(zip(names, session.run(None, feed)))
        last = out["logits"][0, -1]
        if first_logits is None:
            first_logits = last.copy()
        token = int(np.argmax(last))
        generated.append(token)
        feed = {"input_ids": np.array([[token]], np.int64),
                "attention_mask": np.ones((1, total + 1), np.int64),
                "position_ids": np.array([[total]], np.int64)}
        for i in range(cfg.n_layer):
            for kv in ("key", "value"):
                feed[f"past_key_values.{i}.{kv}"] = out[f"present.{i}.{kv}"]
        total += 1
    return generated, first_logits


def torch_greedy(model, prompt_ids, steps):
    """Greedy tokens from transformers' model itself, recomputing the whole sequence each step."""
    ids = torch.tensor([prompt_ids])
    out = []
    with torch.no_grad():
        for _ in range(steps):
            token = int(model(input_ids=ids, use_cache=False).logits[0, -1].argmax())
            out.append(token)
            ids = torch.cat([ids, torch.tensor([[token]])], dim=1)
    return out
