#!/usr/bin/env python3
"""Jane Austen's six novels as plain text, read from Debian's `r-cran-janeaustenr` package.

Why this source: the novels themselves are in the public domain, the packaging (R package
janeaustenr by Julia Silge, Debian packaging by Andreas Tille) is MIT-licensed, and Debian ships
it, so the training text can be fetched with an ordinary package client and needs no web site.

We do not install R. `apt-get download` fetches the .deb (1.6 MB), `dpkg-deb -x` unpacks it, and
this module reads R's lazy-load database (`data/Rdata.rdx` + `Rdata.rdb`) directly: the index is
a gzip'd R serialisation of a named list mapping each object to (offset, length) in the .rdb,
and each .rdb chunk is a 4-byte big-endian uncompressed length followed by a zlib stream holding
another R serialisation (XDR format, version 3). Each novel is a character vector, one line of
the Project Gutenberg text per element (empty strings for blank lines).

    python3 scripts/austen_text.py OUT.txt      # writes the six novels, one after another
"""

import gzip
import os
import struct
import subprocess
import sys
import tempfile
import zlib

PACKAGE = "r-cran-janeaustenr"
DATA_DIR = "usr/lib/R/site-library/janeaustenr/data"
# Order is fixed so that the training text (and so the tokenizer) is reproducible.
NOVELS = ["sensesensibility", "prideprejudice", "mansfieldpark", "emma", "northangerabbey", "persuasion"]

# R SEXP type codes used by the objects in this package.
NILSXP, SYMSXP, LISTSXP, CHARSXP, LGLSXP, INTSXP, REALSXP, STRSXP, VECSXP = 0, 1, 2, 9, 10, 13, 14, 16, 19
REFSXP, NILVALUE_SXP, GLOBALENV_SXP, EMPTYENV_SXP, BASEENV_SXP = 255, 254, 253, 242, 241


class RReader:
    """Just enough of R's XDR unserialize for vectors, pairlists, symbols and references."""

    def __init__(self, data: bytes):
        self.data, self.pos, self.refs = data, 0, []

    def int(self) -> int:
        (v,) = struct.unpack_from(">i", self.data, self.pos)
        self.pos += 4
        return v

    def header(self):
        if self.data[:2] != b"X\n":
            raise ValueError("not an XDR R serialisation (expected 'X\\n')")
        self.pos = 2
        version = self.int()
        self.int(), self.int()  # writer R version, minimal reader version
        if version == 3:
            n = self.int()
            self.pos += n  # native encoding name
        return self.item()

    def item(self):
        flags = self.int()
        kind, has_attr, has_tag = flags & 0xFF, bool(flags & (1 << 9)), bool(flags & (1 << 10))
        if kind in (NILVALUE_SXP, NILSXP, GLOBALENV_SXP, EMPTYENV_SXP, BASEENV_SXP):
            return None
        if kind == REFSXP:
            index = flags >> 8
            return self.refs[(index if index else self.int()) - 1]
        if kind == SYMSXP:
            name = self.item()
            self.refs.append(name)
            return name
        if kind == CHARSXP:
            n = self.int()
            if n == -1:
                return None  # NA_character_
            s = self.data[self.pos:self.pos + n].decode("utf-8", errors="replace")
            self.pos += n
            return s
        if kind == LISTSXP:
            attr = self.item() if has_attr else None
            tag = self.item() if has_tag else None
            car = self.item()
            cdr = self.item()
            return [(tag, car)] + (cdr or [])
        if kind in (LGLSXP, INTSXP, REALSXP, STRSXP, VECSXP):
            n = self.int()
            if kind in (LGLSXP, INTSXP):
                value = list(struct.unpack_from(f">{n}i", self.data, self.pos))
                self.pos += 4 * n
            elif kind == REALSXP:
                value = list(struct.unpack_from(f">{n}d", self.data, self.pos))
                self.pos += 8 * n
            else:
                value = [self.item() for _ in range(n)]
            if has_attr:
                attrs = dict(self.item() or [])
                if "names" in attrs:
                    return dict(zip(attrs["names"], value))
            return value
        raise ValueError(f"unsupported R SEXP type {kind} at byte {self.pos - 4}")


def read_lazyload(data_dir: str) -> dict:
    with open(os.path.join(data_dir, "Rdata.rdx"), "rb") as f:
        index = RReader(gzip.decompress(f.read())).header()
    with open(os.path.join(data_dir, "Rdata.rdb"), "rb") as f:
        db = f.read()
    out = {}
    for name, (offset, length) in index["variables"].items():
        chunk = db[offset:offset + length]
        (expected,) = struct.unpack(">I", chunk[:4])
        raw = zlib.decompress(chunk[4:])
        if len(raw) != expected:
            raise ValueError(f"{name}: chunk inflated to {len(raw)} bytes, header says {expected}")
        out[name] = RReader(raw).header()
    return out


def fetch_package(workdir: str) -> str:
    """apt-get download + dpkg-deb -x into workdir; returns the unpacked data directory."""
    subprocess.run(["apt-get", "download", PACKAGE], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    debs = [f for f in os.listdir(workdir) if f.startswith(PACKAGE) and f.endswith(".deb")]
    if not debs:
        raise RuntimeError(f"apt-get download {PACKAGE} produced no .deb (run apt-get update?)")
    root = os.path.join(workdir, "x")
    subprocess.run(["dpkg-deb", "-x", os.path.join(workdir, debs[0]), root], check=True)
    return os.path.join(root, DATA_DIR)


def austen_text() -> str:
    """The six novels joined by blank lines, each line of the book on its own line."""
    with tempfile.TemporaryDirectory() as tmp:
        objects = read_lazyload(fetch_package(tmp))
    books = []
    for name in NOVELS:
        lines = objects.get(name)
        if not isinstance(lines, list) or not all(isinstance(s, (str, type(None))) for s in lines):
            raise ValueError(f"{PACKAGE}: object {name!r} is not a character vector")
        books.append("\n".join(s or "" for s in lines).strip())
    return "\n\n\n".join(books) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: austen_text.py OUT.txt")
    text = austen_text()
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {len(text)} characters, {text.count(chr(10))} lines to {sys.argv[1]}")
