#!/usr/bin/python3
"""PNG corpus for test/decode-png.test.ts, written into the folder given (Debian's numpy, zlib, Pillow).

Hand-built files use one row filter type throughout (0-4), or a cycle of all five, so that every
unfilter path is exercised; the rest are saved by Pillow. Layouts the fast route must decline (palette,
tRNS, 16-bit, interlaced, gaps between IDATs) and broken files (truncated, bad zlib data) are included.
Prints the list of file names written."""
import struct
import sys
import zlib

import numpy as np
from PIL import Image

out = sys.argv[1]
rng = np.random.default_rng(20261202)
written = []


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def filtered(px, ftype, bpp):
    """Rows of px (H x stride uint8) filtered with ftype (0-4) or, for ftype None, a cycle of all five."""
    h, stride = px.shape
    prev = np.zeros(stride, dtype=np.int32)
    rows = []
    for y in range(h):
        t = (y % 5) if ftype is None else ftype
        cur = px[y].astype(np.int32)
        left = np.concatenate([np.zeros(bpp, np.int32), cur[:-bpp]])
        upleft = np.concatenate([np.zeros(bpp, np.int32), prev[:-bpp]])
        if t == 0:
            f = cur
        elif t == 1:
            f = cur - left
        elif t == 2:
            f = cur - prev
        elif t == 3:
            f = cur - (left + prev) // 2
        else:
            p = left + prev - upleft
            pa, pb, pc = abs(p - left), abs(p - prev), abs(p - upleft)
            pred = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, prev, upleft))
            f = cur - pred
        rows.append(bytes([t]) + (f & 0xFF).astype(np.uint8).tobytes())
        prev = cur
    return b"".join(rows)


def write(name, data):
    with open("%s/%s" % (out, name), "wb") as fh:
        fh.write(data)
    written.append(name)


def hand_png(name, px, colour, ftype=None, idat_parts=1, extra=b"", gap=False, level=6):
    h, w = px.shape[:2]
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    raw = filtered(px.reshape(h, w * bpp), ftype, bpp)
    z = zlib.compress(raw, level)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0)
    parts = [z[i * len(z) // idat_parts:(i + 1) * len(z) // idat_parts] for i in range(idat_parts)]
    body = chunk(b"IHDR", ihdr) + extra
    for i, p in enumerate(parts):
        body += chunk(b"IDAT", p)
        if gap and i == 0:
            body += chunk(b"tEXt", b"Comment\x00between IDATs")
    write(name, b"\x89PNG\r\n\x1a\n" + body + chunk(b"IEND", b""))


def noise(h, w, c):
    y, x = np.mgrid[0:h, 0:w]
    base = 128 + 60 * np.sin(x / 9.0) * np.cos(y / 13.0)
    a = np.clip(base[..., None] + rng.normal(0, 25, (h, w, c)), 0, 255).astype(np.uint8)
    return a if c > 1 else a[..., 0]


for colour, c, tag in [(0, 1, "gray"), (2, 3, "rgb"), (4, 2, "la"), (6, 4, "rgba")]:
    for ftype in [0, 1, 2, 3, 4, None]:
        fname = "mixed" if ftype is None else "f%d" % ftype
        hand_png("%s-%s-37x23.png" % (tag, fname), noise(23, 37, c), colour, ftype)
hand_png("gray-1x1.png", noise(1, 1, 1), 0, None)
hand_png("rgb-1x9.png", noise(9, 1, 3), 2, None)
hand_png("gray-200x3-paeth.png", noise(3, 200, 1), 0, 4)
hand_png("gray-3idat-64x64.png", noise(64, 64, 1), 0, None, idat_parts=3)
hand_png("gray-level0-50x40.png", noise(40, 50, 1), 0, None, level=0)
hand_png("gray-text-before-idat.png", noise(20, 20, 1), 0, None, extra=chunk(b"tEXt", b"Software\x00corpus") + chunk(b"gAMA", struct.pack(">I", 45455)))
# Declined layouts: fine files that must go to sharp.
hand_png("decline-idat-gap.png", noise(30, 30, 1), 0, None, idat_parts=2, gap=True)
hand_png("decline-trns-gray.png", noise(16, 16, 1), 0, None, extra=chunk(b"tRNS", b"\x00\x07"))
Image.fromarray(noise(40, 30, 1)).convert("P").save("%s/decline-palette.png" % out)
written.append("decline-palette.png")
Image.fromarray((noise(20, 24, 1).astype(np.uint16) * 257)).save("%s/decline-gray16.png" % out)
written.append("decline-gray16.png")
Image.fromarray(noise(33, 31, 3)).save("%s/decline-interlaced.png" % out, interlace=1)  # Pillow ignores it; patched below
with open("%s/decline-interlaced.png" % out, "rb") as fh:
    data = bytearray(fh.read())
# Pillow cannot write Adam7; a genuine interlaced file is not needed to check the decline, only the flag:
# mark IHDR interlaced (and fix its CRC) so the fast route must leave the file to sharp / Pillow.
data[28] = 1
data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF)
with open("%s/decline-interlaced.png" % out, "wb") as fh:
    fh.write(data)
# Saved by Pillow (its own filter choice and chunking).
for tag, arr in [("gray", noise(256, 192, 1)), ("rgb", noise(120, 160, 3)), ("rgba", noise(64, 80, 4)), ("la", noise(50, 70, 2))]:
    mode = {"gray": "L", "rgb": "RGB", "rgba": "RGBA", "la": "LA"}[tag]
    Image.fromarray(arr, mode).save("%s/pillow-%s.png" % (out, tag), optimize=(tag == "rgb"))
    written.append("pillow-%s.png" % tag)
Image.fromarray(noise(1024, 1024, 1)).save("%s/pillow-gray-1024.png" % out)
written.append("pillow-gray-1024.png")
# Broken: Pillow refuses these.
with open("%s/pillow-gray.png" % out, "rb") as fh:
    good = fh.read()
write("broken-truncated-idat.png", good[: len(good) // 2])
bad = bytearray(good)
idat = bad.index(b"IDAT") + 4
for i in range(idat + 40, idat + 200):
    bad[i] ^= 0x5A
write("broken-zlib-data.png", bytes(bad))
print("\n".join(written))
