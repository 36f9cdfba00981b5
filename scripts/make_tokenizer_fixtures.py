#!/usr/bin/env python3
"""Generate the GPT-2-style byte-level BPE fixtures used by IOStagesTests.

Training text: the King James Version of the Bible (public domain), from Debian's
`bible-kjv-text` package, read with the `bible` program of the `bible-kjv` package:

    apt-get install bible-kjv bible-kjv-text
    python3 -m venv /work/wt/.venv-tokenizer
    /work/wt/.venv-tokenizer/bin/pip install tokenizers
    /work/wt/.venv-tokenizer/bin/python scripts/make_tokenizer_fixtures.py

It trains a small byte-level BPE (vocabulary 2000) with HuggingFace `tokenizers`, configured
exactly like GPT-2 (byte-level pre-tokeniser with GPT-2's regex, no prefix space), writes
`vocab.json` and `merges.txt` into Tests/Fixtures/tokenizer/, and records in `cases.json` the
ids that `tokenizers` itself produces for a set of strings chosen to exercise the
pre-tokeniser's corner cases, and for random strings over a pool of tricky scalars. The Swift tokenizer must reproduce these ids exactly.
"""

import json
import os
import random
import subprocess
import sys

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

VOCAB_SIZE = 2000
# "<|endoftext|>" is trained into the vocabulary (as GPT-2 has it); "<|sep|>" is added after
# training, so it is absent from vocab.json and takes the next free id, as HF's
# add_special_tokens does. The Swift tests pass both names to the tokenizer.
TRAINED_SPECIAL = "<|endoftext|>"
ADDED_SPECIAL = "<|sep|>"

CASES = [
    # Plain ASCII.
    "Hello world",
    "In the beginning God created the heaven and the earth.",
    "The quick brown fox jumps over the lazy dog.",
    "a",
    "",
    "UPPER lower MiXeD",
    "supercalifragilisticexpialidocious",
    "antidisestablishmentarianism and floccinaucinihilipilification",
    # Contractions (GPT-2's pattern is case-sensitive and has no 'S).
    "don't",
    "I'm here, you're there, we've gone, they'll stay, he'd go, it's done.",
    "DON'T SHOUT IT'S LOUD",
    "'s 't 're 've 'm 'll 'd",
    "''s quoted 'tis 'twas",
    "rock 'n' roll",
    "the dog's bone's marrow",
    "' ' '' '''",
    # Numbers and punctuation.
    "12345",
    "3.14159 and 2,718",
    "In 1611, 40 translators worked; chapter 3:16.",
    "a1b2c3 123abc abc123",
    "$100.00 (or €85) — 50% off!!!",
    "e-mail: someone@example.com, https://example.org/path?q=1&r=2",
    "#!/bin/sh\necho \"$HOME\"",
    "x = [1, 2, 3]; y = {'a': 1}",
    "...---...",
    "?!?! ;;; ::",
    # Whitespace runs and newlines.
    "  leading spaces",
    "trailing spaces   ",
    "multiple   spaces   between",
    "tab\tseparated\tvalues",
    "line one\nline two\n\nline four",
    "windows\r\nline\r\nendings",
    "\n\n\n",
    "   ",
    " ",
    "\t \t x",
    "ends with newline\n",
    "space before newline \nnext",
    "  \n  indented block\n    deeper\n",
    "word \n\n word",
    "no-break\u00a0space and ideographic\u3000space",
    "em\u2003space, line\u2028separator, next\u0085line",
    "form\x0cfeed and vertical\x0btab",
    # Emoji (several tokens each: the streaming test splits their bytes).
    "I love pizza \U0001F355!",
    "\U0001F600\U0001F601\U0001F602",
    "family: \U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466",
    "flags \U0001F1EB\U0001F1F7 \U0001F1EF\U0001F1F5",
    "thumbs \U0001F44D\U0001F3FD up",
    "\u2764\ufe0f heart",
    # CJK and other scripts.
    "\u4f60\u597d\uff0c\u4e16\u754c",
    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8",
    "\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8",
    "Mixed \u4e2d\u6587 and English",
    "\u0417\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439, \u043c\u0438\u0440!",
    "\u03ba\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1 \u03ba\u03cc\u03c3\u03bc\u03b5",
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645",
    "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e",
    "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35",
    # Accented letters, precomposed and combining (marks are not letters to \p{L}).
    "caf\u00e9 na\u00efve r\u00e9sum\u00e9 fa\u00e7ade",
    "cafe\u0301 nai\u0308ve",
    "Stra\u00dfe \u00fcber \u00c4rger",
    "\u00bfQu\u00e9 tal? \u00a1Muy bien!",
    "\u0141\u00f3d\u017a \u017b\u00f3\u0142w",
    # Digits outside ASCII and number-like letters.
    "\u0661\u0662\u0663 \u0967\u0968\u0969 \u2167 \u00bd \u00b2",
    "\uff11\uff12\uff13 full-width",
    # Special tokens in the middle, at the ends, repeated, and next to text.
    "Hello<|endoftext|>world",
    "first document.<|endoftext|>Second document.",
    "<|endoftext|>",
    "<|endoftext|><|endoftext|>",
    " <|endoftext|> spaced ",
    "end<|endoftext|>",
    "<|endoftext|>start",
    "<|endoftext almost <|endoftext| > <endoftext|> not tokens",
    "query<|sep|>answer<|endoftext|>",
    "<|sep|>",
    # Longer passages.
    "And God said, Let there be light: and there was light.\n"
    "And God saw the light, that it was good: and God divided the light from the darkness.",
    "  21 The grace of our Lord Jesus Christ be with you all. Amen.\n",
    "Blessed are the meek: for they shall inherit the earth.",
    "It's 9:30am; let's meet at caf\u00e9 \u201cLe Petit\u201d \u2014 don't be late!\n\tThanks \U0001F642",
    "Control\x01chars\x7fand\x00nul",
    "\U0001F355" * 3 + " " + "\u4e16" * 4,
]


# Scalars at the edges of the pre-tokeniser's classes: every White_Space scalar kind, format
# characters that are not spaces (ZWSP, BOM, soft hyphen), combining marks, letters and numbers of
# several categories (Lm, Lt, Lo, Nl, No, astral Nd), emoji parts, and contraction fragments.
RANDOM_POOL = list(
    " \t\n\r\x0b\x0c\u00a0\u1680\u2000\u2007\u200a\u2028\u2029\u202f\u205f\u3000\u0085"
    "\u200b\ufeff\u180e\u00ad\u0600\ue000"
    "aZ\u00e9'sStrvmld0123456789!?.,-_\"()[]"
    "\u0301\u0308\u4e16\u3042\u0661\u2167\u00bd\u00b2\u02b0\u01c5\u2160\u3007\u16ee"
    "\u0e2a\u0e31\u0915\u094d\u200d\ufe0f"
) + ["\U0001F600", "\U0001F3FD", "\U00010400", "\U0001D7CE", "\U0001F1EB",
     "'s", "'re", "'ve", "'ll", "'d", "'m", "'t", " '", TRAINED_SPECIAL, ADDED_SPECIAL]
RANDOM_CASES = 400


def random_cases():
    generator = random.Random(20261203)
    return ["".join(generator.choice(RANDOM_POOL) for _ in range(generator.randint(1, 16)))
            for _ in range(RANDOM_CASES)]


def compact_json(fixture):
    """JSON with one case per line: small, and a changed id shows as a one-line diff."""
    lines = ["{"]
    for index, (key, value) in enumerate(fixture.items()):
        comma = "," if index < len(fixture) - 1 else ""
        if isinstance(value, list) and value and isinstance(value[0], dict):
            items = [json.dumps(item, ensure_ascii=True, separators=(",", ":")) for item in value]
            lines.append(f" {json.dumps(key)}: [\n  " + ",\n  ".join(items) + f"\n ]{comma}")
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=True)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def training_text():
    try:
        out = subprocess.run(["bible", "gen1:1-rev22:21"], check=True, capture_output=True, text=True)
    except FileNotFoundError:
        sys.exit("`bible` not found: apt-get install bible-kjv bible-kjv-text")
    return out.stdout


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out_dir = os.path.join(root, "Tests", "Fixtures", "tokenizer")
    os.makedirs(out_dir, exist_ok=True)

    text = training_text()
    lines = text.splitlines(keepends=True)

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        min_frequency=2,
        special_tokens=[TRAINED_SPECIAL],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(lines, trainer=trainer)
    tokenizer.model.save(out_dir)  # vocab.json, merges.txt (with a "#version" first line)
    tokenizer.add_special_tokens([ADDED_SPECIAL])

    # Reload from the written files so the ids come from exactly what the Swift side reads.
    reloaded = Tokenizer(models.BPE.from_file(
        os.path.join(out_dir, "vocab.json"), os.path.join(out_dir, "merges.txt")))
    reloaded.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    reloaded.decoder = decoders.ByteLevel()
    reloaded.add_special_tokens([TRAINED_SPECIAL, ADDED_SPECIAL])

    cases = []
    for case in CASES:
        ids = reloaded.encode(case).ids
        assert ids == tokenizer.encode(case).ids, case
        assert reloaded.decode(ids, skip_special_tokens=False) == case, case
        cases.append({"text": case, "ids": ids})

    randomised = [{"text": case, "ids": reloaded.encode(case).ids} for case in random_cases()]

    fixture = {
        "generator": "scripts/make_tokenizer_fixtures.py",
        "tokenizers_version": __import__("tokenizers").__version__,
        "training_text": "King James Bible (public domain), Debian package bible-kjv-text",
        "special_tokens": [TRAINED_SPECIAL, ADDED_SPECIAL],
        "special_token_ids": [reloaded.token_to_id(TRAINED_SPECIAL), reloaded.token_to_id(ADDED_SPECIAL)],
        "cases": cases,
        "random_cases": randomised,
    }
    with open(os.path.join(out_dir, "cases.json"), "w", encoding="utf-8") as f:
        f.write(compact_json(fixture))
    print(f"{len(cases)} cases, {len(randomised)} random cases, vocabulary {reloaded.get_vocab_size()} -> {out_dir}")


if __name__ == "__main__":
    main()
