#!/usr/bin/python3
"""Pillow's Image.resize alone, for the cases bench/image.ts times (argv[1]: JSON list of
[mode, inW, inH, outW, outH, filter]). Prints a JSON list of images/s (best of 3 timed batches)."""
import json
import sys
import time

import numpy as np
from PIL import Image

rng = np.random.default_rng(1)
res = []
for mode, w, h, ow, oh, f in json.loads(sys.argv[1]):
    ch = {"L": 1, "RGB": 3}[mode]
    im = Image.frombytes(mode, (w, h), rng.integers(0, 256, w * h * ch, dtype=np.uint8).tobytes())
    flt = getattr(Image.Resampling, f.upper())
    n = 1
    while True:
        t = time.perf_counter()
        for _ in range(n):
            im.resize((ow, oh), flt)
        if time.perf_counter() - t > 0.1:
            break
        n *= 2
    best = 0.0
    for _ in range(3):
        t = time.perf_counter()
        for _ in range(n):
            im.resize((ow, oh), flt)
        best = max(best, n / (time.perf_counter() - t))
    res.append(best)
print(json.dumps(res))
