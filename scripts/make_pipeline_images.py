#!/usr/bin/env python3
"""Copies a few public-domain / CC0 photographs from scikit-image's bundled data into
pipelines/images/ as JPEG (quality 90, shorter side <= 400 px), for the example classification
pipeline. Licences are recorded in pipelines/images/LICENSE.md (from the docstrings of
skimage.data's loader functions).

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install scikit-image Pillow
    /tmp/venv/bin/python scripts/make_pipeline_images.py
"""
from pathlib import Path

import skimage
from PIL import Image
from skimage import data

MAX_SHORTER_SIDE = 400
MAX_TOTAL_BYTES = 600 * 1024
OUT = Path(__file__).resolve().parent.parent / "pipelines/images"

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
    for name, loader in PHOTOS.items():
        image = Image.fromarray(loader())
        scale = MAX_SHORTER_SIDE / min(image.size)
        if scale < 1:
            image = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
        path = OUT / name
        image.save(path, "JPEG", quality=90, optimize=True)
        total += path.stat().st_size
        print(f"{name}: {image.width} x {image.height} {image.mode}, {path.stat().st_size} bytes")
    print(f"total {total} bytes (scikit-image {skimage.__version__})")
    assert total < MAX_TOTAL_BYTES, "bundled photos are over budget"


if __name__ == "__main__":
    main()
