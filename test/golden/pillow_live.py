#!/usr/bin/python3
"""Live reference for test/image-live.test.ts: reads manifest.json from the folder given as argv[1]
(cases with a raw input file, mode, sizes, filter and optional convert/crop), applies Pillow
(Image.frombytes -> convert -> crop -> resize to each size) and writes each output's bytes to
<id>.<n>.out for the n-th size."""
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
    for n, (w, h) in enumerate(c["outSizes"]):
        out = im.resize((w, h), getattr(Image.Resampling, c["filter"].upper()))
        with open(os.path.join(d, "%s.%d.out" % (c["id"], n)), "wb") as f:
            f.write(out.tobytes())
