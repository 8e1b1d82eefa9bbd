#!/usr/bin/python3
"""Live reference for test/image-live.test.ts: reads manifest.json from the folder given as argv[1]
(cases with a raw input file, mode, size, filter and optional convert/crop), applies Pillow
(Image.frombytes -> convert -> crop -> resize) and writes each output's bytes to <id>.out."""
import json
import os
import sys

from PIL import Image

d = sys.argv[1]
with open(os.path.join(d, "manifest.json")) as f:
    cases = json.load(f)
for c in cases:
    with open(os.path.join(d, c["id"] + ".in"), "rb") as f:
        im = Image.frombytes(c["mode"], (c["width"], c["height"]), f.read())
    if c.get("convert"):
        im = im.convert(c["convert"])
    if c.get("crop"):
        im = im.crop(tuple(c["crop"]))
    out = im.resize((c["outWidth"], c["outHeight"]), getattr(Image.Resampling, c["filter"].upper()))
    with open(os.path.join(d, c["id"] + ".out"), "wb") as f:
        f.write(out.tobytes())
