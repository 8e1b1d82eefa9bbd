#!/usr/bin/python3
"""Pillow's one-process reference for DermaMNIST from a HAM10000 download (run by bench/image.ts):
Image.open -> convert('RGB') -> resize((s, s), BICUBIC) for every size from one decode -> np.stack ->
np.savez. Prints {"images": n, "seconds": s, "cpuSeconds": c} (from the listing to the last savez).
With sizes "decode" it only decodes (Image.open -> convert('RGB')) and writes nothing; with a 4th
argument "raw" it also writes each stack's bytes to pillow_<s>.u8 (images in sorted path order), for
bench/image.ts to compare with the engine's output image by image."""
import glob
import json
import os
import resource
import sys
import time

import numpy as np
from PIL import Image

def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


t0 = time.perf_counter()
c0 = cpu()
src, out_dir = sys.argv[1], sys.argv[2]
decode_only = sys.argv[3] == "decode"
sizes = [] if decode_only else [int(s) for s in sys.argv[3].split(",")]
files = sorted(glob.glob(os.path.join(src, "HAM10000_images_part_*", "*.jpg")))  # code-point order
stacks = {s: [] for s in sizes}
for f in files:
    with Image.open(f) as im:
        im = im.convert("RGB")
        for s in sizes:
            stacks[s].append(np.asarray(im.resize((s, s), Image.Resampling.BICUBIC)))
if not decode_only:
    os.makedirs(out_dir, exist_ok=True)
    for s in sizes:
        stack = np.stack(stacks[s])
        np.savez(os.path.join(out_dir, f"pillow_{s}.npz"), images=stack)
        if sys.argv[4:] == ["raw"]:
            stack.tofile(os.path.join(out_dir, f"pillow_{s}.u8"))
print(json.dumps({"images": len(files), "seconds": time.perf_counter() - t0, "cpuSeconds": cpu() - c0}))
