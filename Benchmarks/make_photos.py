#!/usr/bin/env python3
"""Writes N photo-like JPEGs for the classification pipeline's throughput benchmark.

Each is a random crop of one of the bundled photos (pipelines/images/*.jpg), flipped at random,
resized to a typical web-photo size (longer side 400-640 px, about 500x375 on average, the size
issue 4 asks for) and re-encoded at quality 80-95, so decoding costs what real photos cost.
Deterministic for a given --seed.

    python3 Benchmarks/make_photos.py 2000 /tmp/photos
"""
import argparse
import glob
import os
import random
from concurrent.futures import ProcessPoolExecutor

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = sorted(glob.glob(os.path.join(HERE, "..", "pipelines", "images", "*.jpg")))


def make(args):
    index, out_dir, seed = args
    rng = random.Random(seed * 1_000_003 + index)
    with Image.open(SOURCES[index % len(SOURCES)]) as img:
        img = img.convert("RGB")
        w, h = img.size
        scale = rng.uniform(0.6, 1.0)
        cw, ch = max(16, int(w * scale)), max(16, int(h * scale))
        x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
        img = img.crop((x, y, x + cw, y + ch))
        if rng.random() < 0.5:
            img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        longer = rng.randint(400, 640)
        aspect = rng.choice([4 / 3, 3 / 2, 1.0, 3 / 4])
        size = (longer, int(longer / aspect)) if aspect >= 1 else (int(longer * aspect), longer)
        img = img.resize(size, Image.Resampling.BILINEAR)
        path = os.path.join(out_dir, f"photo_{index:05d}.jpg")
        img.save(path, "JPEG", quality=rng.randint(80, 95))
    return os.path.getsize(path)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("count", type=int)
    p.add_argument("out_dir")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    if not SOURCES:
        raise SystemExit("no bundled photos found in pipelines/images")
    os.makedirs(args.out_dir, exist_ok=True)
    with ProcessPoolExecutor() as pool:
        sizes = list(pool.map(make, [(i, args.out_dir, args.seed) for i in range(args.count)], chunksize=32))
    print(f"wrote {len(sizes)} JPEGs to {args.out_dir}: {sum(sizes) / len(sizes) / 1024:.0f} KiB on average")


if __name__ == "__main__":
    main()
