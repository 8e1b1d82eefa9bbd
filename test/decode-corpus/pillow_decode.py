#!/usr/bin/python3
"""Live reference for test/decode-corpus.test.ts: for each file given, Pillow's
Image.open(f).convert(mode) with mode L for a gray image, else RGB (as the engine reads them).
Prints a JSON list of {"mode", "width", "height", "sha256"} of the pixel bytes, or {"error"} when
Pillow refuses the file."""
import hashlib
import json
import sys

from PIL import Image

out = []
for f in sys.argv[1:]:
    try:
        with Image.open(f) as im:
            mode = "L" if im.mode in ("L", "LA", "I", "I;16") else "RGB"
            px = im.convert(mode)
            out.append({"mode": mode, "width": px.width, "height": px.height,
                        "sha256": hashlib.sha256(px.tobytes()).hexdigest()})
    except Exception as e:  # noqa: BLE001 - any refusal counts
        out.append({"error": "%s: %s" % (type(e).__name__, e)})
print(json.dumps(out))
