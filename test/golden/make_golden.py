#!/usr/bin/python3
"""Golden corpus for the pixel core, made by Debian's python3-pil (run with /usr/bin/python3).

Inputs are generated, not stored: gen() below is mirrored by test/golden/generate.ts, and each case
records the SHA-256 of its input so the TypeScript generator is checked against this one. Expected
outputs are SHA-256 digests of Pillow's own output bytes (Image.tobytes()).

  resize.json   every filter x mode (L, LA, RGB, RGBA) x odd geometries
  files/        small image files written by Pillow (JPEG, CMYK JPEG, PNG in every mode, 16-bit PNG,
                palette PNG, an RGB JPEG carrying an ICC profile)
  convert.json  Image.open(file).convert(mode) digests for each file
"""
import hashlib
import json
import os
import struct
import sys
import zlib

import PIL
from PIL import Image, ImageCms

HERE = os.path.dirname(os.path.abspath(__file__))
FILTERS = ["nearest", "box", "bilinear", "hamming", "bicubic", "lanczos"]
MODES = {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4}


def xorshift32(state):
    state ^= (state << 13) & 0xFFFFFFFF
    state ^= state >> 17
    state ^= (state << 5) & 0xFFFFFFFF
    return state


def gen(w, h, ch, pattern, seed):
    """Interleaved bytes: 'noise' (xorshift32 bytes), 'edges' (0/255 diagonal stripes) or 'mixed'
    (noise on the left half, stripes on the right). Alpha of 2/4-channel images is pushed to 0 and 255
    often, to reach the special cases of (un)premultiplication."""
    out = bytearray(w * h * ch)
    s = seed
    i = 0
    for y in range(h):
        for x in range(w):
            for c in range(ch):
                s = xorshift32(s)
                noise = s >> 24
                stripe = 255 if (x * 3 + y * 5 + c * 7) % 17 < 8 else 0
                if pattern == "noise":
                    v = noise
                elif pattern == "edges":
                    v = stripe
                else:
                    v = noise if x * 2 < w else stripe
                if ch in (2, 4) and c == ch - 1:
                    v = 0 if noise < 40 else 255 if noise > 200 else noise
                out[i] = v
                i += 1
    return bytes(out)


GEOMETRIES = [
    # (inW, inH, outW, outH, pattern)
    (600, 450, 28, 28, "mixed"),
    (600, 450, 224, 224, "noise"),
    (1024, 1024, 28, 28, "mixed"),
    (1, 40, 1, 13, "edges"),
    (40, 1, 13, 1, "edges"),
    (1, 1, 5, 5, "noise"),
    (7, 5, 31, 23, "edges"),
    (13, 17, 64, 64, "mixed"),
    (100, 30, 33, 70, "mixed"),
    (97, 101, 97, 50, "edges"),
    (97, 101, 50, 101, "edges"),
    (37, 29, 28, 28, "noise"),
    (300, 200, 64, 128, "noise"),
    (64, 64, 64, 64, "noise"),
]


def write_png16(path, w, h, color_type, samples):
    """A 16-bit PNG (Pillow cannot write 16-bit colour PNGs): samples are big-endian uint16 values."""
    ch = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
    raw = bytearray()
    for y in range(h):
        raw.append(0)
        for v in samples[y * w * ch:(y + 1) * w * ch]:
            raw += struct.pack(">H", v)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, color_type, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(bytes(raw))))
        f.write(chunk(b"IEND", b""))


def samples16(n, seed):
    out = []
    s = seed
    for _ in range(n):
        s = xorshift32(s)
        out.append(s >> 16)
    return out


def srgb_profile():
    """lcms's sRGB profile with a fixed creation date and no profile ID, so the files are reproducible."""
    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    icc[24:36] = struct.pack(">6H", 2020, 1, 1, 0, 0, 0)
    icc[84:100] = bytes(16)  # profile ID: zero means "not computed"
    return icc


def swapped_primaries_profile():
    """lcms's sRGB profile with its red and green colorants swapped: a valid RGB profile far from sRGB,
    so a decoder that applied it would change the pixels visibly."""
    icc = srgb_profile()
    count = struct.unpack(">I", icc[128:132])[0]
    entries = {}
    for i in range(count):
        at = 132 + 12 * i
        entries[bytes(icc[at:at + 4])] = at
    r, g = entries[b"rXYZ"], entries[b"gXYZ"]
    icc[r + 4:r + 12], icc[g + 4:g + 12] = icc[g + 4:g + 12], icc[r + 4:r + 12]
    return bytes(icc)


def sha(b):
    return hashlib.sha256(b).hexdigest()


def resize_cases():
    cases = []
    for gi, (w, h, ow, oh, pattern) in enumerate(GEOMETRIES):
        for mode, ch in MODES.items():
            seed = 0x9E3779B9 ^ (gi * 131 + ch)
            data = gen(w, h, ch, pattern, seed)
            im = Image.frombytes(mode, (w, h), data)
            for f in FILTERS:
                out = im.resize((ow, oh), getattr(Image.Resampling, f.upper()))
                cases.append({
                    "mode": mode, "width": w, "height": h, "pattern": pattern, "seed": seed,
                    "inputSha256": sha(data), "filter": f, "outWidth": ow, "outHeight": oh,
                    "outputSha256": sha(out.tobytes()),
                })
    return cases


def file_cases():
    d = os.path.join(HERE, "files")
    os.makedirs(d, exist_ok=True)
    w, h = 61, 47
    rgb = Image.frombytes("RGB", (w, h), gen(w, h, 3, "mixed", 11))
    rgba = Image.frombytes("RGBA", (w, h), gen(w, h, 4, "mixed", 12))
    gray = Image.frombytes("L", (w, h), gen(w, h, 1, "mixed", 13))
    la = Image.frombytes("LA", (w, h), gen(w, h, 2, "mixed", 14))
    rgb.save(os.path.join(d, "rgb.jpg"), quality=90)
    gray.save(os.path.join(d, "gray.jpg"), quality=90)
    rgb.convert("CMYK").save(os.path.join(d, "cmyk.jpg"), quality=90)
    srgb = bytes(srgb_profile())
    rgb.save(os.path.join(d, "icc-srgb.jpg"), quality=90, icc_profile=srgb)
    rgb.save(os.path.join(d, "rgb.png"))
    rgba.save(os.path.join(d, "rgba.png"))
    gray.save(os.path.join(d, "gray.png"))
    la.save(os.path.join(d, "la.png"))
    rgb.save(os.path.join(d, "icc-srgb.png"), icc_profile=srgb)
    rgb.save(os.path.join(d, "icc-swapped.jpg"), quality=90, icc_profile=swapped_primaries_profile())
    rgb.save(os.path.join(d, "icc-swapped.png"), icc_profile=swapped_primaries_profile())
    write_png16(os.path.join(d, "rgb16.png"), w, h, 2, samples16(w * h * 3, 78))
    write_png16(os.path.join(d, "rgba16.png"), w, h, 6, samples16(w * h * 4, 79))
    write_png16(os.path.join(d, "la16.png"), w, h, 4, samples16(w * h * 2, 80))
    rgb.quantize(colors=37, method=Image.Quantize.MEDIANCUT).save(os.path.join(d, "palette.png"))
    pt = rgb.quantize(colors=16, method=Image.Quantize.MEDIANCUT)
    pt.info["transparency"] = 3
    pt.save(os.path.join(d, "palette-transparent.png"), transparency=3)
    # 16-bit gray with values above 255: Pillow opens it as I;16 and convert("L") clips.
    g16 = bytearray()
    s = 77
    for i in range(w * h):
        s = xorshift32(s)
        v = (s >> 16) if i % 3 else (s >> 24)
        g16 += v.to_bytes(2, "little")
    Image.frombytes("I;16", (w, h), bytes(g16)).save(os.path.join(d, "gray16.png"))
    cases = []
    for name in sorted(os.listdir(d)):
        im = Image.open(os.path.join(d, name))
        for mode in ("L", "RGB"):
            try:
                out = im.convert(mode)
            except ValueError as e:
                cases.append({"file": name, "opensAs": im.mode, "mode": mode, "error": str(e)})
                continue
            cases.append({"file": name, "opensAs": im.mode, "mode": mode, "width": out.width,
                          "height": out.height, "outputSha256": sha(out.tobytes())})
    return cases


def main():
    meta = {"pillow": PIL.__version__, "python": sys.version.split()[0]}
    with open(os.path.join(HERE, "resize.json"), "w") as f:
        json.dump({**meta, "cases": resize_cases()}, f, indent=0)
        f.write("\n")
    with open(os.path.join(HERE, "convert.json"), "w") as f:
        json.dump({**meta, "cases": file_cases()}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
