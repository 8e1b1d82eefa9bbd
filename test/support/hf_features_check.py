# Hugging Face `datasets` on our Parquet (test/parquet-hf-features.test.ts, MEDMNIST_HF_PYTHON):
#   python hf_features_check.py OUT_DIR CATALOG_JSON FLAG...
# For each flag (28 px files OUT_DIR/F_<split>.parquet beside OUT_DIR/F.npz), load_dataset('parquet')
# must keep the features we declare: they are built here by hand from the catalog (MedMNIST's INFO
# labels), not read from our files. Every row must decode to the NPZ's pixels and labels (numpy). Also
# pyarrow's schema of each file: every field nullable and of the feature's own Arrow type, which is
# what Features.from_arrow_schema requires. Prints one JSON line: rows checked per flag and split.
import json
import sys

import numpy as np
import pyarrow.parquet as pq
import PIL.Image
import datasets
from datasets import Array3D, ClassLabel, Features, Image, Sequence, Value

out, catalog_path, flags = sys.argv[1], sys.argv[2], sys.argv[3:]
catalog = json.load(open(catalog_path))['datasets']
SPLITS = {'train': 'train', 'validation': 'val', 'test': 'test'}

report = {'datasets_version': datasets.__version__}
for flag in flags:
    info = catalog[flag]
    names = [info['label'][str(i)] for i in range(len(info['label']))]
    npz = np.load(f'{out}/{flag}.npz')
    volume = npz['train_images'].ndim == 4 and npz['train_images'].shape[-1] != 3
    multi = info['task'].startswith('multi-label')
    string = Value('string')
    expected = Features({
        'image': Array3D(shape=npz['train_images'].shape[1:], dtype='uint8') if volume else Image(),
        **({'label': Sequence(ClassLabel(names=names)), 'label_vector': Sequence(Value('uint8'))} if multi else {'label': ClassLabel(names=names)}),
        'split': string,
        'index': Value('int32'),
        'image_id': string,
        'group_id': string,
        'fine_label': string,
    })
    files = {hf: f'{out}/{flag}_{ours}.parquet' for hf, ours in SPLITS.items()}
    ds = datasets.load_dataset('parquet', data_files=files)
    for hf in SPLITS:
        assert ds[hf].features == expected, (flag, hf, ds[hf].features, expected)
    for path in files.values():
        schema = pq.read_schema(path)
        assert schema.names == list(expected), (path, schema.names)
        for field in schema:
            assert field.nullable, (path, field.name, 'not nullable')
            assert field.type == expected.arrow_schema.field(field.name).type, (path, field.name, field.type, expected.arrow_schema.field(field.name).type)
    counts = {}
    for hf, ours in SPLITS.items():
        d = ds[hf]
        images, labels = npz[f'{ours}_images'], npz[f'{ours}_labels']
        assert len(d) == len(images), (flag, hf, len(d), len(images))
        for i, row in enumerate(d):
            assert row['split'] == ours and row['index'] == i, (flag, hf, i, row['split'], row['index'])
            if volume:
                # Array3D decodes to nested lists (numpy with with_format('numpy'), checked below).
                assert np.array_equal(np.asarray(row['image'], dtype=np.uint8), images[i]), (flag, hf, i)
            else:
                assert isinstance(row['image'], PIL.Image.Image), (flag, hf, i, type(row['image']))
                assert np.array_equal(np.asarray(row['image']), images[i]), (flag, hf, i)
            if multi:
                assert row['label'] == np.flatnonzero(labels[i]).tolist(), (flag, hf, i, row['label'])
                assert row['label_vector'] == labels[i].tolist(), (flag, hf, i)
            else:
                assert row['label'] == int(labels[i][0]), (flag, hf, i, row['label'])
                assert d.features['label'].int2str(row['label']) == names[labels[i][0]]
        if volume and len(d):
            # The numpy formatter widens integers to int64 (files datasets itself writes too): the values
            # and the column's Arrow type (Array3D's extension over uint8) are what must match.
            x = d.with_format('numpy')[0:len(d)]['image']
            assert x.shape == images.shape and np.array_equal(x, images), (flag, hf, x.shape)
            col = d.with_format('arrow')[0:len(d)]['image']
            assert col.type == expected['image'](), (flag, hf, col.type)
            assert col.type.value_type == 'uint8' and col.type.shape == images.shape[1:], (flag, hf, col.type.value_type, col.type.shape)
        counts[hf] = len(d)
    report[flag] = counts
print(json.dumps(report))
