#!/usr/bin/python3
"""Pillow's one-process reference for TissueMNIST from a BBBC051 download (run by bench/tissue.ts):
for every *.tif below the input (sorted paths): Image.open -> each frame seek(i) + convert('L') ->
numpy max over the frames -> Image.fromarray -> resize((s, s), BICUBIC) for every size -> np.stack ->
np.savez. Prints {"images", "seconds", "cpuSeconds", "maxRssKb"}; with a 4th argument "raw" it also
writes the first size's stack to pillow_<s>.u8 (sorted path order) for an image-by-image comparison."""
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
sizes = [int(s) for s in sys.argv[3].split(",")]
files = sorted(glob.glob(os.path.join(src, "**", "*.tif"), recursive=True))
stacks = {s: [] for s in sizes}
for f in files:
    with Image.open(f) as im:
        frames = []
        for i in range(im.n_frames):
            im.seek(i)
            frames.append(np.asarray(im.convert("L")))
        proj = Image.fromarray(np.stack(frames).max(axis=0))
        for s in sizes:
            stacks[s].append(np.asarray(proj.resize((s, s), Image.Resampling.BICUBIC)))
os.makedirs(out_dir, exist_ok=True)
for s in sizes:
    stack = np.stack(stacks[s])
    np.savez(os.path.join(out_dir, f"pillow_{s}.npz"), images=stack)
    if sys.argv[4:] == ["raw"] and s == sizes[0]:
        stack.tofile(os.path.join(out_dir, f"pillow_{s}.u8"))
print(json.dumps({"images": len(files), "seconds": time.perf_counter() - t0, "cpuSeconds": cpu() - c0,
                  "maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
