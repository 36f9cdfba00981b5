#!/usr/bin/env python3
"""Generates the tiny image fixtures for IOStagesTests and the JSON of expected pixel values.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install Pillow numpy
    /tmp/venv/bin/python scripts/make_image_fixtures.py [Tests/Fixtures/images]

Expected PNG values are computed from the arrays written (exact); expected JPEG values are the
colours painted before lossy encoding, checked here against Pillow's decode within the tolerance
the Swift tests use. Interlaced and 16-bit RGBA PNGs are written by a small encoder below because
Pillow cannot write them. Everything is deterministic (fixed seeds), so rerunning gives the same files.
"""
import io
import json
import random
import re
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

JPEG_TOLERANCE = 10
OUT = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "Tests/Fixtures/images")

expected = {"files": {}, "errors": {}, "scaling": []}

# Six saturated colours laid out as 3 x 2 blocks: no rotation or mirror of the layout maps it onto itself.
BLOCK_COLOURS = [(220, 30, 30), (30, 200, 40), (40, 50, 210), (230, 220, 40), (200, 40, 200), (40, 210, 210)]


def block_pattern(block=16, columns=3, rows=2):
    pixels = np.zeros((rows * block, columns * block, 3), dtype=np.uint8)
    for index, colour in enumerate(BLOCK_COLOURS[: columns * rows]):
        row, column = divmod(index, columns)
        pixels[row * block:(row + 1) * block, column * block:(column + 1) * block] = colour
    return pixels


def block_samples(pixels, block):
    height, width = pixels.shape[:2]
    samples = []
    for y in range(block // 2, height, block):
        for x in range(block // 2, width, block):
            samples.append([x, y, *[int(v) for v in pixels[y, x]]])
    return samples


def all_samples(rgb):
    height, width = rgb.shape[:2]
    return [[x, y, *[int(v) for v in rgb[y, x]]] for y in range(height) for x in range(width)]


def record(name, data, fmt, rgb_expected, samples, tolerance):
    (OUT / name).write_bytes(data)
    height, width = rgb_expected.shape[:2]
    expected["files"][name] = {"format": fmt, "width": width, "height": height, "tolerance": tolerance,
                               "samples": samples}


def check_jpeg_with_pillow(data, samples, tolerance, transpose=False):
    image = Image.open(io.BytesIO(data))
    if transpose:
        image = ImageOps.exif_transpose(image)
    decoded = np.asarray(image.convert("RGB")).astype(int)
    for x, y, *rgb in samples:
        difference = np.abs(decoded[y, x] - np.array(rgb)).max()
        assert difference <= tolerance, (x, y, decoded[y, x], rgb)


def save(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


# --- A minimal PNG writer for what Pillow cannot write (Adam7, 16-bit RGBA) ---------------------

def png_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png_encode(samples, color_type, bit_depth, interlace=False):
    """samples: (height, width, channels) array of uint8 (bit_depth 8) or uint16 (bit_depth 16)."""
    height, width = samples.shape[:2]
    big_endian = samples.astype(">u2") if bit_depth == 16 else samples.astype(np.uint8)

    def scanlines(sub):
        return b"".join(b"\x00" + sub[row].tobytes() for row in range(sub.shape[0]))

    if interlace:
        raw = b"".join(scanlines(big_endian[y0::dy, x0::dx]) for x0, y0, dx, dy in ADAM7
                       if big_endian[y0::dy, x0::dx].size)
    else:
        raw = scanlines(big_endian)
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlace else 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(raw, 9))
            + png_chunk(b"IEND", b""))


def make_pngs():
    ys, xs = np.mgrid[0:6, 0:8]
    grey = ((xs * 31 + ys * 17) % 256).astype(np.uint8)
    record("grey.png", save(Image.fromarray(grey, "L"), "PNG"), "png", np.dstack([grey] * 3),
           all_samples(np.dstack([grey] * 3)), 0)

    ys, xs = np.mgrid[0:3, 0:11]
    bits = (((xs + ys) % 3) == 0)
    bilevel = np.where(bits, 255, 0).astype(np.uint8)
    record("grey1.png", save(Image.fromarray(bits).convert("1"), "PNG"), "png", np.dstack([bilevel] * 3),
           all_samples(np.dstack([bilevel] * 3)), 0)

    ys, xs = np.mgrid[0:4, 0:8]
    grey16 = (xs * 8191 + ys * 1237 + 129).astype(np.uint16)
    image16 = Image.fromarray(grey16)  # mode I;16, written as 16-bit greyscale
    data = save(image16, "PNG")
    assert data[24] == 16 and data[25] == 0, "expected a 16-bit greyscale PNG"
    scaled = np.rint(grey16.astype(np.float64) * 255 / 65535).astype(np.uint8)
    record("grey16.png", data, "png", np.dstack([scaled] * 3), all_samples(np.dstack([scaled] * 3)), 0)

    rng = np.random.default_rng(7)
    grey_alpha = rng.integers(0, 256, size=(4, 6, 2), dtype=np.uint8)
    rgb = np.dstack([grey_alpha[..., 0]] * 3)
    record("grey_alpha.png", save(Image.fromarray(grey_alpha, "LA"), "PNG"), "png", rgb, all_samples(rgb), 0)

    rgb = rng.integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    record("rgb.png", save(Image.fromarray(rgb, "RGB"), "PNG"), "png", rgb, all_samples(rgb), 0)

    rgba = rng.integers(0, 256, size=(4, 8, 4), dtype=np.uint8)
    rgba[0, :, 3] = 0  # fully transparent pixels keep their stored colour
    record("rgba.png", save(Image.fromarray(rgba, "RGBA"), "PNG"), "png", rgba[..., :3],
           all_samples(rgba[..., :3]), 0)

    rgba16 = rng.integers(0, 65536, size=(3, 5, 4), dtype=np.uint16)
    rgb8 = np.rint(rgba16[..., :3].astype(np.float64) * 255 / 65535).astype(np.uint8)
    record("rgba16.png", png_encode(rgba16, color_type=6, bit_depth=16), "png", rgb8, all_samples(rgb8), 0)

    palette_colours = [(10, 20, 30), (200, 100, 50), (0, 255, 128), (255, 255, 255)]
    indices = (np.arange(5 * 9).reshape(5, 9) % 4).astype(np.uint8)
    palette_image = Image.fromarray(indices, "P")
    palette_image.putpalette([v for colour in palette_colours for v in colour])
    data = save(palette_image, "PNG", transparency=bytes([0, 128, 255, 64]))
    assert b"tRNS" in data and b"PLTE" in data
    rgb = np.array(palette_colours, dtype=np.uint8)[indices]
    record("palette_trns.png", data, "png", rgb, all_samples(rgb), 0)

    rgb = rng.integers(0, 256, size=(11, 13, 3), dtype=np.uint8)
    data = png_encode(rgb, color_type=2, bit_depth=8, interlace=True)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")), rgb)
    record("interlaced.png", data, "png", rgb, all_samples(rgb), 0)

    # Errors.
    noise = rng.integers(0, 256, size=(32, 32, 3), dtype=np.uint8)
    whole = save(Image.fromarray(noise, "RGB"), "PNG")
    (OUT / "truncated.png").write_bytes(whole[: len(whole) * 6 // 10])
    expected["errors"]["truncated.png"] = "truncated"

    bad_crc = bytearray((OUT / "rgb.png").read_bytes())
    idat = bad_crc.index(b"IDAT")
    length = struct.unpack(">I", bad_crc[idat - 4:idat])[0]
    bad_crc[idat + 4 + length] ^= 0xFF  # first CRC byte of IDAT
    (OUT / "bad_crc.png").write_bytes(bytes(bad_crc))
    expected["errors"]["bad_crc.png"] = "corrupt"

    # A bad CRC in an ancillary chunk is only a libpng warning; the decoder still refuses the file.
    rgb_png = (OUT / "rgb.png").read_bytes()
    text = bytearray(png_chunk(b"tEXt", b"Comment\x00hello"))
    text[-1] ^= 0xFF
    (OUT / "bad_ancillary_crc.png").write_bytes(rgb_png[:33] + bytes(text) + rgb_png[33:])
    expected["errors"]["bad_ancillary_crc.png"] = "corrupt"

    header = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    huge = (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + png_chunk(b"IEND", b""))
    (OUT / "huge_header.png").write_bytes(huge)
    expected["errors"]["huge_header.png"] = "tooLarge"


def jpeg_options(**extra):
    return {"quality": 95, "subsampling": 0, **extra}


def make_jpegs():
    pattern = block_pattern()
    samples = block_samples(pattern, 16)
    for name, extra in [("baseline.jpg", {}), ("progressive.jpg", {"progressive": True})]:
        data = save(Image.fromarray(pattern, "RGB"), "JPEG", **jpeg_options(**extra))
        check_jpeg_with_pillow(data, samples, JPEG_TOLERANCE)
        record(name, data, "jpeg", pattern, samples, JPEG_TOLERANCE)

    grey = np.zeros((16, 32), dtype=np.uint8)
    grey[:, :16], grey[:, 16:] = 40, 190
    rgb = np.dstack([grey] * 3)
    data = save(Image.fromarray(grey, "L"), "JPEG", quality=95)
    check_jpeg_with_pillow(data, block_samples(rgb, 16), JPEG_TOLERANCE)
    record("grey.jpg", data, "jpeg", rgb, block_samples(rgb, 16), JPEG_TOLERANCE)

    cmyk_colours = [(0, 255, 255, 0), (200, 0, 50, 30), (10, 20, 30, 200), (0, 0, 0, 0)]
    cmyk = np.zeros((16, 64, 4), dtype=np.uint8)
    rgb = np.zeros((16, 64, 3), dtype=np.uint8)
    for index, (c, m, y, k) in enumerate(cmyk_colours):
        cmyk[:, index * 16:(index + 1) * 16] = (c, m, y, k)
        rgb[:, index * 16:(index + 1) * 16] = [round((255 - v) * (255 - k) / 255) for v in (c, m, y)]
    data = save(Image.fromarray(cmyk, "CMYK"), "JPEG", **jpeg_options())
    assert b"Adobe" in data, "Pillow writes CMYK JPEGs with an Adobe marker (inverted samples)"
    check_jpeg_with_pillow(data, block_samples(rgb, 16), JPEG_TOLERANCE)
    record("cmyk.jpg", data, "jpeg", rgb, block_samples(rgb, 16), JPEG_TOLERANCE)

    # YCCK (Adobe, inverted) and plain CMYK (no Adobe marker) need libjpeg's own encoder.
    with tempfile.TemporaryDirectory() as scratch:
        tool = Path(scratch) / "make_cmyk_jpegs"
        subprocess.run(["cc", "-O1", "-o", str(tool), str(Path(__file__).with_name("make_cmyk_jpegs.c")), "-ljpeg"],
                       check=True)
        subprocess.run([str(tool), str(Path(scratch) / "ycck.jpg"), str(Path(scratch) / "cmyk_plain.jpg")], check=True)
        for name in ["ycck.jpg", "cmyk_plain.jpg"]:
            data = (Path(scratch) / name).read_bytes()
            assert (b"Adobe" in data) == (name == "ycck.jpg")
            # Pillow (like Chromium) assumes every CMYK JPEG is inverted; without an Adobe marker
            # the decoder takes the samples as they are, so only the YCCK file can be checked here.
            if name == "ycck.jpg":
                check_jpeg_with_pillow(data, block_samples(rgb, 16), JPEG_TOLERANCE)
            record(name, data, "jpeg", rgb, block_samples(rgb, 16), JPEG_TOLERANCE)

    # Orientations: stored pixels are the upright pattern under the inverse transform, so the
    # displayed image is always `pattern`.
    inverse = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
               4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_90,
               7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_270}
    for orientation, transform in inverse.items():
        stored = Image.fromarray(pattern, "RGB").transpose(transform)
        exif = Image.Exif()
        exif[0x0112] = orientation
        data = save(stored, "JPEG", exif=exif.tobytes(), **jpeg_options())
        check_jpeg_with_pillow(data, samples, JPEG_TOLERANCE, transpose=True)
        name = f"orientation_{orientation}.jpg"
        record(name, data, "jpeg", pattern, samples, JPEG_TOLERANCE)
        expected["files"][name]["orientation"] = orientation

    # DCT scaling: odd sizes so that libjpeg's rounding up shows.
    scaling = np.zeros((190, 250, 3), dtype=np.uint8)
    scaling[:, :125] = (200, 60, 30)
    scaling[:, 125:] = (30, 80, 200)
    data = save(Image.fromarray(scaling, "RGB"), "JPEG", **jpeg_options())
    (OUT / "scaling.jpg").write_bytes(data)
    for target, denominator in [(None, 1), (24, 8), (25, 4), (48, 4), (49, 2), (95, 2), (96, 1), (1000, 1)]:
        expected["scaling"].append({"file": "scaling.jpg", "targetSize": target, "denominator": denominator,
                                    "width": -(-250 // denominator), "height": -(-190 // denominator)})
    # Scaling and orientation together: stored 32 x 48 at 1/2 is 16 x 24, displayed 24 x 16.
    expected["scaling"].append({"file": "orientation_6.jpg", "targetSize": 16, "denominator": 2,
                                "width": 24, "height": 16})

    # Errors.
    rng = np.random.default_rng(11)
    noise = rng.integers(0, 256, size=(32, 32, 3), dtype=np.uint8)
    whole = save(Image.fromarray(noise, "RGB"), "JPEG", quality=90)
    (OUT / "truncated.jpg").write_bytes(whole[: len(whole) * 6 // 10])
    expected["errors"]["truncated.jpg"] = "truncated"

    baseline = bytearray((OUT / "baseline.jpg").read_bytes())
    sof = baseline.index(b"\xff\xc0")
    baseline[sof + 5:sof + 9] = struct.pack(">HH", 60000, 60000)  # height, width
    (OUT / "huge_header.jpg").write_bytes(bytes(baseline))
    expected["errors"]["huge_header.jpg"] = "tooLarge"

    # Stray bytes between two header segments: libjpeg warns ("extraneous bytes before marker").
    baseline = (OUT / "baseline.jpg").read_bytes()
    app0_end = 4 + struct.unpack(">H", baseline[4:6])[0]
    (OUT / "extraneous.jpg").write_bytes(baseline[:app0_end] + b"\x00\x11\x22\x33" + baseline[app0_end:])
    expected["errors"]["extraneous.jpg"] = "corrupt"


def make_other():
    random.seed(3)
    garbage = bytes(random.randrange(256) for _ in range(256))
    assert not garbage.startswith(b"\x89PNG") and not garbage.startswith(b"\xff\xd8")
    (OUT / "garbage.bin").write_bytes(garbage)
    expected["errors"]["garbage.bin"] = "unsupportedFormat"
    (OUT / "tiny.gif").write_bytes(save(Image.new("P", (4, 4)), "GIF"))
    expected["errors"]["tiny.gif"] = "unsupportedFormat"
    (OUT / "empty.png").write_bytes(b"")
    expected["errors"]["empty.png"] = "empty"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    make_pngs()
    make_jpegs()
    make_other()
    text = json.dumps(expected, indent=1, sort_keys=True)
    # One sample ([x, y, r, g, b]) per line keeps the file short and its diffs readable.
    text = re.sub(r"\[\s*(-?\d+(?:,\s*-?\d+)*)\s*\]", lambda m: "[" + re.sub(r"\s+", " ", m.group(1)) + "]", text)
    (OUT / "expected.json").write_text(text + "\n")
    total = sum(path.stat().st_size for path in OUT.iterdir())
    print(f"wrote {len(list(OUT.iterdir()))} files, {total} bytes, to {OUT}")


if __name__ == "__main__":
    main()
