#!/usr/bin/env python3
"""Train the tiny GPT-2 that Sluice's default text-generation pipeline bundles.

Text: Jane Austen's six novels (public domain), from Debian's `r-cran-janeaustenr` package
(MIT-licensed packaging), read by scripts/austen_text.py without installing R.
Tokenizer: byte-level BPE configured exactly as GPT-2's (HuggingFace `tokenizers`), vocabulary
4096 with `<|endoftext|>`, written as GPT-2 `vocab.json` + `merges.txt`.
Model: transformers.GPT2LMHeadModel, n_layer=4, n_embd=192, n_head=4, n_positions=256. (n_embd
256 would make the fp32 ONNX file about 17 MB; 192 keeps it near 10.5 MB, under the 12 MB
budget for bundled files.) Training runs on the CPU for a bounded wall-clock time, with
checkpoints so an interrupted run resumes.

    python3 -m venv /work/wt/.venv-models
    /work/wt/.venv-models/bin/pip install torch transformers tokenizers onnx onnxruntime numpy
    apt-get update   # the script runs `apt-get download r-cran-janeaustenr`
    /work/wt/.venv-models/bin/python scripts/train_tiny_gpt.py all --minutes 33 --threads 2

Stages (`all` runs them in order): `tokenizer` -> pipelines/text/vocab.json, merges.txt;
`train` -> WORK/checkpoint.pt (resumes from it); `export` -> pipelines/text/tiny-gpt.onnx plus
Tests/Fixtures/models/tiny_gpt_reference.json (onnxruntime's greedy loop, checked against torch).
"""

import argparse
import math
import os
import re
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEXT_DIR = os.path.join(ROOT, "pipelines", "text")
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "models")
EOT = "<|endoftext|>"
VOCAB_SIZE = 4096
CONFIG = dict(vocab_size=VOCAB_SIZE, n_positions=256, n_embd=192, n_layer=4, n_head=4,
              resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
PROMPTS = ["It is a truth universally acknowledged", "Elizabeth", "The weather was",
           "\"My dear Mr. Bennet,\" said his lady to him one day,"]
SEED = 1811  # Sense and Sensibility


def corpus_text(work):
    """The novels with the Gutenberg hard wraps undone: one paragraph per line, paragraphs
    separated by a blank line, and novels separated by <|endoftext|>."""
    cached = os.path.join(work, "austen.txt")
    if not os.path.exists(cached):
        from austen_text import austen_text
        with open(cached, "w", encoding="utf-8") as f:
            f.write(austen_text())
    with open(cached, encoding="utf-8") as f:
        raw = f.read()
    books = []
    for book in raw.split("\n\n\n\n"):
        paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", book)]
        books.append("\n\n".join(p for p in paragraphs if p))
    return books


def load_tokenizer():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    tok = Tokenizer(models.BPE.from_file(os.path.join(TEXT_DIR, "vocab.json"),
                                         os.path.join(TEXT_DIR, "merges.txt")))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([EOT])
    return tok


def stage_tokenizer(args):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    books = corpus_text(args.work)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, min_frequency=2, special_tokens=[EOT],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tok.train_from_iterator([line for b in books for line in b.splitlines(keepends=True)], trainer)
    os.makedirs(TEXT_DIR, exist_ok=True)
    tok.model.save(TEXT_DIR)
    reloaded = load_tokenizer()
    if reloaded.get_vocab_size() != VOCAB_SIZE or reloaded.token_to_id(EOT) != 0:
        raise SystemExit(f"unexpected vocabulary: size {reloaded.get_vocab_size()}, "
                         f"{EOT} id {reloaded.token_to_id(EOT)}")
    eot = reloaded.token_to_id(EOT)
    ids = []
    for book in books:
        ids += reloaded.encode(book).ids + [eot]
    np.save(os.path.join(args.work, "tokens.npy"), np.array(ids, dtype=np.uint16))
    print(f"tokenizer: vocab {reloaded.get_vocab_size()}, corpus {sum(map(len, books))} chars "
          f"-> {len(ids)} tokens ({sum(map(len, books)) / len(ids):.2f} chars/token)")


def new_model():
    from transformers import GPT2Config, GPT2LMHeadModel
    torch.manual_seed(SEED)
    return GPT2LMHeadModel(GPT2Config(**CONFIG, bos_token_id=0, eos_token_id=0))


def batches(tokens, batch, seq, generator):
    starts = torch.randint(0, len(tokens) - seq - 1, (batch,), generator=generator)
    x = torch.stack([tokens[s:s + seq] for s in starts.tolist()])
    y = torch.stack([tokens[s + 1:s + seq + 1] for s in starts.tolist()])
    return x, y


def evaluate(model, tokens, seq, windows=24):
    """Mean loss over fixed, evenly spaced windows of the held-out tail."""
    model.eval()
    step = max(1, (len(tokens) - seq - 1) // windows)
    starts = list(range(0, len(tokens) - seq - 1, step))[:windows]
    with torch.no_grad():
        x = torch.stack([tokens[s:s + seq] for s in starts])
        y = torch.stack([tokens[s + 1:s + seq + 1] for s in starts])
        loss = model(input_ids=x, labels=None).logits
        loss = torch.nn.functional.cross_entropy(loss.reshape(-1, VOCAB_SIZE), y.reshape(-1))
    model.train()
    return loss.item()


def stage_train(args):
    torch.set_num_threads(args.threads)
    tokens = torch.from_numpy(np.load(os.path.join(args.work, "tokens.npy")).astype(np.int64))
    split = int(len(tokens) * 0.97)
    train, val = tokens[:split], tokens[split:]
    model = new_model()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.1)
    ckpt_path = os.path.join(args.work, "checkpoint.pt")
    state = {"step": 0, "elapsed": 0.0, "log": []}
    if os.path.exists(ckpt_path):
        saved = torch.load(ckpt_path, weights_only=False)
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["opt"])
        state = saved["state"]
        print(f"resuming at step {state['step']}, {state['elapsed'] / 60:.1f} min done")
    budget = args.minutes * 60
    generator = torch.Generator().manual_seed(SEED + state["step"])
    model.train()
    started, last_save, smooth = time.time() - state["elapsed"], time.time(), None

    def save():
        state["elapsed"] = time.time() - started
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "state": state}, ckpt_path + ".tmp")
        os.replace(ckpt_path + ".tmp", ckpt_path)

    while True:
        elapsed = time.time() - started
        # The schedule follows the time budget: the step count a CPU reaches is unknown upfront.
        progress = min(1.0, elapsed / budget)
        if progress >= 1.0:
            break
        warm = min(1.0, state["step"] / 100)
        lr = args.lr * warm * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))
        for group in opt.param_groups:
            group["lr"] = lr
        x, y = batches(train, args.batch, args.seq, generator)
        logits = model(input_ids=x).logits
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, VOCAB_SIZE), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        state["step"] += 1
        smooth = loss.item() if smooth is None else 0.98 * smooth + 0.02 * loss.item()
        if state["step"] % 50 == 0:
            tps = state["step"] * args.batch * args.seq / max(1e-9, time.time() - started)
            print(f"step {state['step']:5d}  {elapsed / 60:5.1f} min  lr {lr:.2e}  "
                  f"train loss {smooth:.3f}  ({tps:.0f} tokens/s)", flush=True)
        if state["step"] % 250 == 0:
            v = evaluate(model, val, args.seq)
            state["log"].append({"step": state["step"], "minutes": round(elapsed / 60, 2),
                                 "train_loss": round(smooth, 4), "val_loss": round(v, 4)})
            print(f"  val loss {v:.3f}", flush=True)
        if time.time() - last_save > 120:
            save()
            last_save = time.time()
    v = evaluate(model, val, args.seq)
    state["final"] = {"step": state["step"], "train_loss": round(smooth or float("nan"), 4),
                      "val_loss": round(v, 4), "tokens_seen": state["step"] * args.batch * args.seq}
    save()
    print(f"done: {state['final']}")


def left_padding_diff(session, cfg, prompts):
    """Prefill a left-padded batch and compare each row's last logits with its own batch-1 run."""
    width = max(map(len, prompts))
    head_dim = cfg.n_embd // cfg.n_head
    ids = np.zeros((len(prompts), width), np.int64)
    mask = np.zeros_like(ids)
    pos = np.zeros_like(ids)
    for row, p in enumerate(prompts):
        ids[row, width - len(p):] = p
        mask[row, width - len(p):] = 1
        pos[row, width - len(p):] = np.arange(len(p))

    def run(i, m, q):
        feed = {"input_ids": i, "attention_mask": m, "position_ids": q}
        for layer in range(cfg.n_layer):
            for kv in ("key", "value"):
                feed[f"past_key_values.{layer}.{kv}"] = np.zeros((i.shape[0], cfg.n_head, 0, head_dim), np.float32)
        return session.run(["logits"], feed)[0][:, -1]

    batched = run(ids, mask, pos)
    worst = 0.0
    for row, p in enumerate(prompts):
        single = run(np.array([p], np.int64), np.ones((1, len(p)), np.int64), np.arange(len(p))[None])
        worst = max(worst, float(np.abs(batched[row] - single[0]).max()))
    return worst


def stage_export(args):
    import onnxruntime as ort
    import fixture_json
    from gpt2_onnx_export import export, ort_greedy, torch_greedy, wrapper_matches_model
    torch.set_num_threads(args.threads)
    saved = torch.load(os.path.join(args.work, "checkpoint.pt"), weights_only=False)
    model = new_model()
    model.load_state_dict(saved["model"])
    model.eval()
    diff = wrapper_matches_model(model)
    path = os.path.join(TEXT_DIR, "tiny-gpt.onnx")
    shared = export(model, path)
    print(f"exported {path}: {os.path.getsize(path)} bytes, lm_head shares wte: {shared}, "
          f"wrapper vs transformers max |diff| {diff:.2e}")

    tok = load_tokenizer()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = args.threads
    session = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    cases = []
    for prompt in PROMPTS:
        ids = tok.encode(prompt).ids
        ort_tokens, first = ort_greedy(session, model.config, ids, 64)
        torch_tokens = torch_greedy(model, ids, 64)
        with torch.no_grad():
            torch_first = model(input_ids=torch.tensor([ids])).logits[0, -1].numpy()
        agree = next((i for i, (a, b) in enumerate(zip(ort_tokens, torch_tokens)) if a != b), 64)
        if agree < 20:
            raise SystemExit(f"{prompt!r}: onnxruntime and torch diverge at greedy step {agree}")
        top = np.argsort(-first, kind="stable")[:5]
        cases.append({"prompt": prompt, "prompt_ids": ids,
                      "first_step_top5_ids": [int(i) for i in top],
                      "first_step_top5_logits": [float(first[i]) for i in top],
                      "greedy_ids": ort_tokens,
                      "greedy_text": tok.decode(ort_tokens, skip_special_tokens=False),
                      "torch_agrees_steps": agree,
                      "first_step_max_abs_diff_vs_torch": float(np.abs(first - torch_first).max())})
        print(f"{prompt!r} -> {cases[-1]['greedy_text']!r}\n  torch agrees for {agree}/64 steps, "
              f"first-step max |diff| {cases[-1]['first_step_max_abs_diff_vs_torch']:.2e}")
    padding_diff = left_padding_diff(session, model.config, [tok.encode(p).ids for p in PROMPTS[:2]])
    print(f"batch of 2 with left padding vs single prompts: max |diff| {padding_diff:.2e}")
    if padding_diff > 1e-4:
        raise SystemExit("attention_mask does not isolate left padding")
    log = saved["state"]
    reference = {
        "generator": "scripts/train_tiny_gpt.py export",
        "model": "pipelines/text/tiny-gpt.onnx",
        "onnxruntime_version": ort.__version__,
        "config": {k: v for k, v in CONFIG.items() if not k.endswith("pdrop")},
        "eos_token_id": tok.token_to_id(EOT),
        "training": log.get("final"),
        "decoding": "greedy; prefill with past_sequence 0, then one token per step with the "
                    "previous presents fed back as pasts, attention_mask all ones, position_ids "
                    "counting from 0",
        "left_padding_check": {"prompts": PROMPTS[:2], "max_abs_diff_last_logits": padding_diff,
                               "note": "batch of both prompts, left-padded with id 0 and attention_mask 0, "
                                       "position_ids 0 on padding and counting from 0 at each prompt's "
                                       "first token; last-position logits equal the single-prompt run"},
        "cases": cases,
    }
    os.makedirs(FIXTURES, exist_ok=True)
    fixture_json.write(os.path.join(FIXTURES, "tiny_gpt_reference.json"), reference)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("stage", choices=["tokenizer", "train", "export", "all"])
    p.add_argument("--work", default="/tmp/tiny-gpt-work", help="cache and checkpoint folder")
    p.add_argument("--minutes", type=float, default=33.0, help="wall-clock training budget")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--seq", type=int, default=128)
    p.add_argument("--lr", type=float, default=2e-3)
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    for stage in (["tokenizer", "train", "export"] if args.stage == "all" else [args.stage]):
        {"tokenizer": stage_tokenizer, "train": stage_train, "export": stage_export}[stage](args)


if __name__ == "__main__":
    main()
