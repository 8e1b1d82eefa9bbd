#!/usr/bin/python3
"""Pillow's decode cost for bench/decode.ts. argv[1]: JSON list of files. For each file, the bytes are
read once, then Image.open(BytesIO(bytes)).load() is timed (process CPU time, best of 3 batches of at
least ~0.2 s each). Prints a JSON list: [{"cpuMs": per decode, "mode", "sha256" of the pixels as the
engine takes them: convert('L') for a gray image, RGBA kept, else convert('RGB')}]."""
import hashlib
import io
import json
import resource
import sys

from PIL import Image


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def decode(b):
    im = Image.open(io.BytesIO(b))
    im.load()
    return im


out = []
for f in json.loads(sys.argv[1]):
    with open(f, "rb") as fh:
        b = fh.read()
    n = 1
    while True:
        c = cpu()
        for _ in range(n):
            decode(b)
        if cpu() - c > 0.2:
            break
        n *= 2
    best = float("inf")
    for _ in range(3):
        c = cpu()
        for _ in range(n):
            decode(b)
        best = min(best, (cpu() - c) / n)
    im = decode(b)
    mode = "L" if im.mode in ("L", "LA", "I", "I;16") else "RGBA" if im.mode == "RGBA" else "RGB"
    px = im.convert(mode)
    out.append({"cpuMs": best * 1000, "mode": mode, "sha256": hashlib.sha256(px.tobytes()).hexdigest()})
print(json.dumps(out))
