#!/usr/bin/python3
"""Pillow's one-process reference for ChestMNIST (run by bench/chest.ts). argv: a JSON file with
{"files": [...], "mode": "decode" | "pipeline", "out": path}. decode: Image.open -> convert('L') (forces
the load). pipeline: Image.open -> convert('L') -> resize((28, 28), BICUBIC) -> np.stack -> np.savez, and
the stack's raw bytes in the given file order to out + '.u8'. Prints {"images", "seconds", "cpuSeconds"}."""
import json
import resource
import sys
import time

import numpy as np
from PIL import Image


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


job = json.load(open(sys.argv[1]))
t0 = time.perf_counter()
c0 = cpu()
stack = []
for f in job["files"]:
    with Image.open(f) as im:
        im = im.convert("L")
        if job["mode"] == "pipeline":
            stack.append(np.asarray(im.resize((28, 28), Image.Resampling.BICUBIC)))
if job["mode"] == "pipeline":
    arr = np.stack(stack)
    np.savez(job["out"] + ".npz", images=arr)
    arr.tofile(job["out"] + ".u8")
print(json.dumps({"images": len(job["files"]), "seconds": time.perf_counter() - t0, "cpuSeconds": cpu() - c0}))
