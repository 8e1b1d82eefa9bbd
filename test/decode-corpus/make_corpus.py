#!/usr/bin/python3
"""Writes the JPEG decode corpus of test/decode-corpus.test.ts into test/decode-corpus/files/.

Run with Debian's python3-pil (Pillow 9.4 on libjpeg62-turbo 2.1.5):

    /usr/bin/python3 test/decode-corpus/make_corpus.py

Pillow cannot write 4:4:0 / 4:1:1 sampling, restart markers, arithmetic coding or an RGB (non-YCbCr)
JPEG, so those few files come from Debian's cjpeg (apt-get install libjpeg-turbo-progs); without it
they are skipped with a note. The outputs are committed, so the tests need neither this script nor
cjpeg. Content is deterministic (seeded noise over gradients and hard edges, which exercises the IDCT
and the chroma upsampling); names say what each file tests."""
import io
import os
import shutil
import subprocess
import sys

import numpy as np
from PIL import Image, ImageCms

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "files")


def picture(w, h, seed, gray=False):
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 128 + 100 * np.sin(x / max(w, 1) * 6.0 + seed) * np.cos(y / max(h, 1) * 4.0)
    g = 255.0 * x / max(w - 1, 1)
    b = np.where(((x // 7) + (y // 5)) % 2 == 0, 230.0, 20.0)
    rgb = np.stack([r, g, b], axis=-1) + rng.normal(0, 18, (h, w, 3))
    arr = np.clip(rgb, 0, 255).astype(np.uint8)
    im = Image.fromarray(arr, "RGB")
    return im.convert("L") if gray else im


def save(name, im, **kw):
    im.save(os.path.join(OUT, name), "JPEG", **kw)


def cut(name, src, keep):
    with open(os.path.join(OUT, src), "rb") as f:
        data = f.read()
    n = keep if keep > 0 else len(data) + keep
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data[:n])


def patch(name, src, fn):
    with open(os.path.join(OUT, src), "rb") as f:
        data = bytearray(f.read())
    fn(data)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bytes(data))


def sof_at(data):
    """Offset of the first SOFn marker (0xFF at that offset)."""
    p = 2
    while p < len(data):
        m = data[p + 1]
        if 0xC0 <= m <= 0xCF and m not in (0xC4, 0xC8, 0xCC):
            return p
        p += 2 + (data[p + 2] << 8 | data[p + 3])
    raise ValueError("no SOF")


def cjpeg(name, im, *args):
    tool = shutil.which("cjpeg")
    if not tool:
        print("cjpeg not found (apt-get install libjpeg-turbo-progs): skipped", name, file=sys.stderr)
        return
    ppm = io.BytesIO()
    im.save(ppm, "PPM")
    data = subprocess.run([tool, *args], input=ppm.getvalue(), stdout=subprocess.PIPE, check=True).stdout
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    rgb = picture(96, 72, 1)
    gray = picture(96, 72, 2, gray=True)

    # Subsampling x quality (Pillow: 0 = 4:4:4, 1 = 4:2:2, 2 = 4:2:0).
    for q in (75, 90, 95, 100):
        save(f"rgb-420-q{q}.jpg", rgb, quality=q, subsampling=2)
    for q in (90, 100):
        save(f"rgb-444-q{q}.jpg", rgb, quality=q, subsampling=0)
    save("rgb-422-q90.jpg", rgb, quality=90, subsampling=1)
    save("rgb-420-q90-optimized.jpg", rgb, quality=90, subsampling=2, optimize=True)
    save("rgb-444-q85-optimized.jpg", rgb, quality=85, subsampling=0, optimize=True)
    save("rgb-420-q90-progressive.jpg", rgb, quality=90, subsampling=2, progressive=True)
    save("rgb-444-q80-progressive-optimized.jpg", rgb, quality=80, subsampling=0, progressive=True, optimize=True)
    save("rgb-422-q95-progressive.jpg", rgb, quality=95, subsampling=1, progressive=True)
    save("rgb-600x450-420-q90.jpg", picture(600, 450, 3), quality=90)
    for q in (75, 95):
        save(f"gray-q{q}.jpg", gray, quality=q)
    save("gray-q90-progressive.jpg", gray, quality=90, progressive=True)
    save("gray-q90-optimized.jpg", gray, quality=90, optimize=True)

    # Odd geometry: partial MCUs in both directions, down to one pixel.
    for w, h, sub in ((1, 1, 2), (2, 2, 2), (3, 5, 2), (17, 9, 2), (33, 31, 1), (15, 16, 0), (7, 1, 2), (1, 7, 2)):
        save(f"rgb-{w}x{h}-sub{sub}.jpg", picture(w, h, w * 31 + h), quality=90, subsampling=sub)
    save("gray-1x1.jpg", picture(1, 1, 4, gray=True), quality=90)
    save("gray-37x23.jpg", picture(37, 23, 5, gray=True), quality=85)

    # Metadata Pillow's Image.open ignores for pixels: EXIF orientation, ICC profile, comment.
    exif = Image.Exif()
    exif[0x0112] = 6
    save("rgb-exif-rotate90.jpg", rgb, quality=90, exif=exif.tobytes())
    save("gray-exif-rotate90.jpg", gray, quality=90, exif=exif.tobytes())
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    save("rgb-icc-srgb.jpg", rgb, quality=90, icc_profile=srgb)
    save("rgb-comment.jpg", rgb, quality=90, comment=b"medmnist-build decode corpus")

    # CMYK (Pillow writes Adobe APP14, inverted): 4 components, not for the wasm route.
    save("cmyk-adobe.jpg", rgb.convert("CMYK"), quality=90)

    # cjpeg: what Pillow cannot write.
    cjpeg("rgb-440-q90.jpg", rgb, "-quality", "90", "-sample", "1x2")
    cjpeg("rgb-411-q90.jpg", rgb, "-quality", "90", "-sample", "4x1")
    cjpeg("rgb-420-restart1.jpg", rgb, "-quality", "90", "-restart", "1")
    cjpeg("rgb-444-restart5b-progressive.jpg", rgb, "-quality", "85", "-sample", "1x1", "-restart", "5B", "-progressive")
    cjpeg("rgb-adobe-rgb.jpg", rgb, "-quality", "90", "-rgb")
    cjpeg("rgb-arithmetic.jpg", rgb, "-quality", "90", "-arithmetic")
    cjpeg("rgb-arithmetic-progressive.jpg", rgb, "-quality", "90", "-arithmetic", "-progressive")
    cjpeg("gray-arithmetic.jpg", gray, "-quality", "90", "-arithmetic", "-grayscale")

    # Damaged: Pillow refuses each, and so must we.
    cut("cut-half-rgb.jpg", "rgb-420-q90.jpg", -(os.path.getsize(os.path.join(OUT, "rgb-420-q90.jpg")) // 2))
    cut("cut-half-gray-progressive.jpg", "gray-q90-progressive.jpg", -(os.path.getsize(os.path.join(OUT, "gray-q90-progressive.jpg")) // 3))
    cut("cut-header.jpg", "rgb-420-q90.jpg", 200)
    cut("cut-eoi.jpg", "rgb-444-q90.jpg", -2)
    # 12-bit and lossless frame headers over 8-bit Huffman data: libjpeg (8-bit) refuses both.
    patch("fake-12bit.jpg", "rgb-420-q90.jpg", lambda d: d.__setitem__(sof_at(d) + 4, 12))
    patch("fake-lossless-sof3.jpg", "rgb-420-q90.jpg", lambda d: d.__setitem__(sof_at(d) + 1, 0xC3))
    # Bytes after EOI are ignored by libjpeg and Pillow.
    patch("trailing-garbage.jpg", "rgb-420-q90.jpg", lambda d: d.extend(b"\x00garbage after EOI\xff\xd9\x00"))


if __name__ == "__main__":
    main()
