#!/usr/bin/env python3
"""Copies a few public-domain / CC0 photographs from scikit-image's bundled data into
pipelines/images/ as JPEG (quality 90, shorter side <= 400 px), for the example classification
pipeline. Licences are recorded in pipelines/images/LICENSE.md (from the docstrings of
skimage.data's loader functions).

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install scikit-image Pillow
    /tmp/venv/bin/python scripts/make_pipeline_images.py
"""
import json
import re
from pathlib import Path

import numpy as np

import skimage
from PIL import Image
from skimage import data

MAX_SHORTER_SIDE = 400
MAX_TOTAL_BYTES = 600 * 1024
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "pipelines/images"
# Pillow's decode of each bundled photo at a few points, so IOStagesTests can check real photographs.
EXPECTED = ROOT / "Tests/Fixtures/images/pipeline_photos.json"

# Output name -> skimage.data loader. stereo_motorcycle is left out: skimage states no licence for
# the Middlebury images.
PHOTOS = {
    "coffee.jpg": data.coffee,
    "chelsea_cat.jpg": data.chelsea,
    "astronaut.jpg": data.astronaut,
    "rocket.jpg": data.rocket,
    "camera.jpg": data.camera,  # greyscale: exercises the grey JPEG path
}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    total = 0
    expected = {}
    for name, loader in PHOTOS.items():
        image = Image.fromarray(loader())
        scale = MAX_SHORTER_SIDE / min(image.size)
        if scale < 1:
            image = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
        path = OUT / name
        image.save(path, "JPEG", quality=90, optimize=True)
        total += path.stat().st_size
        print(f"{name}: {image.width} x {image.height} {image.mode}, {path.stat().st_size} bytes")
        decoded = np.asarray(Image.open(path).convert("RGB"))
        height, width = decoded.shape[:2]
        points = [(0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1), (width // 2, height // 2),
                  (width // 3, height // 4)]
        expected[name] = {"width": width, "height": height,
                          "samples": [[x, y, *[int(v) for v in decoded[y, x]]] for x, y in points]}
    print(f"total {total} bytes (scikit-image {skimage.__version__})")
    assert total < MAX_TOTAL_BYTES, "bundled photos are over budget"
    text = json.dumps(expected, indent=1, sort_keys=True)
    text = re.sub(r"\[\s*(-?\d+(?:,\s*-?\d+)*)\s*\]", lambda m: "[" + re.sub(r"\s+", " ", m.group(1)) + "]", text)
    EXPECTED.write_text(text + "\n")


if __name__ == "__main__":
    main()
