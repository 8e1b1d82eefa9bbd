# Independent reference for the lits converter (converters/lits/lits.test.ts): nibabel reads each NIfTI
# volume, numpy windows it, Pillow resizes (BICUBIC). Every sample of the plan is recomputed; constant
# crops are expected dropped; the kept ones must equal the NPZ rows in order (train, val, test).
import json, sys
import numpy as np
import nibabel as nib
from PIL import Image

job = json.load(open(sys.argv[1]))
W, L = job["window"]["width"], job["window"]["level"]

def window(hu):
    v = (hu.astype(np.float64) - (L - W / 2)) / W * 255
    return np.clip(v, 0, 255).astype(np.uint8)

vols = {}
reads = {}
def vol(f, swapped):
    if f not in vols:
        reads[f] = reads.get(f, 0) + 1
        a = np.asanyarray(nib.load(f).dataobj)          # nibabel's img[x, y, z]
        if swapped:
            a = a.swapaxes(1, 2)                          # (x, z, y) -> (x, y, z)
        vols[f] = window(np.ascontiguousarray(a.transpose(2, 1, 0)))   # [z, y, x]
    return vols[f]

def resize2d(plane, s):
    return np.asarray(Image.fromarray(np.ascontiguousarray(plane), "L").resize((s, s), Image.BICUBIC))

out = {"checked": 0, "dropped": {}, "bad": []}
for ds in job["datasets"]:
    crops = []
    dropped = {"train": 0, "val": 0, "test": 0}
    for s in ds["samples"]:
        v = vol(s["file"], s["swapped"])
        (z0, y0, x0), (z1, y1, x1) = s["box"]["start"], s["box"]["end"]
        c = v[z0:z1, y0:y1, x0:x1]
        if ds["dims"] == 2:
            a = s["slice"]["axis"]
            c = np.take(c, s["slice"]["index"] - s["box"]["start"][a], axis=a)
        if c.min() == c.max():
            dropped[s["split"]] += 1
            continue
        crops.append((s["id"], c))
    out["dropped"][ds["flag"]] = dropped
    for size in job["sizes"]:
        name = ds["flag"] if size == 28 else "%s_%d" % (ds["flag"], size)
        npz = np.load("%s/%s.npz" % (job["out"], name))
        got = np.concatenate([npz["train_images"], npz["val_images"], npz["test_images"]])
        if got.shape[0] != len(crops):
            out["bad"].append("%s: %d rows, expected %d" % (name, got.shape[0], len(crops)))
            continue
        for k, (sid, c) in enumerate(crops):
            if ds["dims"] == 2:
                want = resize2d(c, size)
            else:
                axial = np.stack([resize2d(z, size) for z in c])
                want = np.empty((size, size, size), np.uint8)
                for y in range(size):
                    want[:, y, :] = resize2d(axial[:, y, :], size)
            out["checked"] += 1
            if not np.array_equal(got[k], want):
                out["bad"].append("%s %s" % (name, sid))
out["bad"] = out["bad"][:10]
out["volumes"] = len(reads)
print(json.dumps(out))
