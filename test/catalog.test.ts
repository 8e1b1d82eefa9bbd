// src/catalog: MedMNIST's table of 18 flags. Spot values are copied from MedMNIST's info.py v3.0.2 and
// the v1 paper as published; the converter check keeps every registered spec in step with the catalog
// (their labels end up in output bytes, so a difference is reported, never silently "fixed").
import { describe, expect, it } from 'vitest';
import { CONVERTERS } from '../converters/index.js';
import { UsageError } from '../src/core/errors.js';
import {
  BASELINE_METHODS,
  BASELINES_ABOUT,
  CATALOG,
  catalogEntry,
  datasetInfo,
  FLAGS,
  INFO_NOTE,
  isCatalogFlag,
  OFFICIAL_RELEASE,
} from '../src/catalog/index.js';

const ALL_FLAGS = [
  'pathmnist', 'chestmnist', 'dermamnist', 'octmnist', 'pneumoniamnist', 'retinamnist', 'breastmnist', 'bloodmnist',
  'tissuemnist', 'organamnist', 'organcmnist', 'organsmnist',
  'organmnist3d', 'nodulemnist3d', 'adrenalmnist3d', 'fracturemnist3d', 'vesselmnist3d', 'synapsemnist3d',
];

describe('catalog', () => {
  it('holds the 18 MedMNIST flags; the *3d ones are volumes', () => {
    expect([...FLAGS]).toEqual(ALL_FLAGS);
    expect(CATALOG.map((e) => e.flag)).toEqual(ALL_FLAGS);
    for (const e of CATALOG) {
      expect(e.dims, e.flag).toBe(e.flag.endsWith('3d') ? 3 : 2);
      expect(e.title, e.flag).toBe(e.pythonClass);
      expect(e.labels.length, e.flag).toBeGreaterThan(1);
      expect(e.description, e.flag).toMatch(/^\S.{80,}\S$/);
      expect(e.description, e.flag).not.toMatch(/\n/);
      if (e.dims === 3) expect(e.nChannels, e.flag).toBe(1);
    }
    expect(isCatalogFlag('organsmnist')).toBe(true);
    expect(isCatalogFlag('OrganSMNIST')).toBe(false);
  });

  it('has info.py v3.0.2 counts, tasks, labels and licences', () => {
    const path = catalogEntry('pathmnist');
    expect(path).toMatchObject({ pythonClass: 'PathMNIST', task: 'multi-class', nChannels: 3, dims: 2, license: 'CC-BY-4.0' });
    expect(path.officialCounts).toEqual({ train: 89996, val: 10004, test: 7180 });
    expect(path.labels[8]).toBe('colorectal adenocarcinoma epithelium');
    const chest = catalogEntry('chestmnist');
    expect(chest.task).toBe('multi-label, binary-class');
    expect(chest.labels).toHaveLength(14);
    expect(chest.officialCounts).toEqual({ train: 78468, val: 11219, test: 22433 });
    expect(catalogEntry('retinamnist').task).toBe('ordinal-regression');
    expect(catalogEntry('organmnist3d').officialCounts).toEqual({ train: 971, val: 161, test: 610 });
    expect(catalogEntry('organmnist3d').labels[0]).toBe('liver');
    expect(catalogEntry('organamnist').labels[0]).toBe('bladder');
    // Every subset is CC BY 4.0 except DermaMNIST (CC BY-NC 4.0 since v2.2.3).
    expect(CATALOG.filter((e) => e.license !== 'CC-BY-4.0').map((e) => [e.flag, e.license, e.licenseUrl])).toEqual([
      ['dermamnist', 'CC-BY-NC-4.0', 'https://creativecommons.org/licenses/by-nc/4.0/'],
    ]);
    expect(INFO_NOTE).toMatch(/info\.py at version 3\.0\.2/);
    expect(OFFICIAL_RELEASE).toMatch(/v3\.0\.2/);
  });

  it('lists the official NPZ files with their MD5s: 2D at 28/64/128/224, 3D at 28/64', () => {
    for (const e of CATALOG) {
      expect(e.officialFiles.map((f) => f.size), e.flag).toEqual(e.dims === 3 ? [28, 64] : [28, 64, 128, 224]);
      for (const f of e.officialFiles) {
        expect(f.name).toBe(f.size === 28 ? `${e.flag}.npz` : `${e.flag}_${f.size}.npz`);
        expect(f.url).toBe(`https://zenodo.org/records/10519652/files/${f.name}?download=1`);
        expect(f.md5).toMatch(/^[0-9a-f]{32}$/);
      }
    }
    expect(CATALOG.flatMap((e) => e.officialFiles)).toHaveLength(60);
    const md5 = (flag: string, size: number) => catalogEntry(flag).officialFiles.find((f) => f.size === size)!.md5;
    expect(md5('pathmnist', 28)).toBe('a8b06965200029087d5bd730944a56c1');
    expect(md5('pathmnist', 224)).toBe('2c51a510bcdc9cf8ddb2af93af1eadec');
    expect(md5('dermamnist', 28)).toBe('0744692d530f8e62ec473284d019b0c7');
    expect(md5('chestmnist', 128)).toBe('db107e5590b27930b62dbaf558aebee3');
    expect(md5('octmnist', 64)).toBe('e229e9440236b774d9f0dfef9d07bdaf');
  });

  it('carries the MedMNIST v1 baselines: 7 methods x 10 datasets', () => {
    expect([...BASELINE_METHODS]).toEqual(['ResNet-18 (28)', 'ResNet-18 (224)', 'ResNet-50 (28)', 'ResNet-50 (224)', 'auto-sklearn', 'AutoKeras', 'Google AutoML Vision']);
    expect(BASELINES_ABOUT).toMatch(/ISBI 2021/);
    const covered = CATALOG.filter((e) => Object.keys(e.baselines).length > 0).map((e) => e.flag);
    expect(covered).toEqual(['pathmnist', 'chestmnist', 'dermamnist', 'octmnist', 'pneumoniamnist', 'retinamnist', 'breastmnist', 'organamnist', 'organcmnist', 'organsmnist']);
    for (const flag of covered) expect(Object.keys(catalogEntry(flag).baselines)).toEqual([...BASELINE_METHODS]);
    expect(catalogEntry('dermamnist').baselines['ResNet-18 (28)']).toEqual({ AUC: 0.899, ACC: 0.721 });
    expect(catalogEntry('pathmnist').baselines['Google AutoML Vision']).toEqual({ AUC: 0.982, ACC: 0.811 });
    expect(catalogEntry('bloodmnist').baselines).toEqual({});
  });

  it('refuses an unknown flag with a usage error naming the known ones', () => {
    expect(() => catalogEntry('dermamnist_64')).toThrow(UsageError);
    expect(() => datasetInfo('nope')).toThrow(/unknown MedMNIST dataset flag "nope"; choose from pathmnist, chestmnist, .*synapsemnist3d$/);
  });

  it('datasetInfo gives only the DatasetInfo fields, as a copy', () => {
    const info = datasetInfo('bloodmnist');
    expect(Object.keys(info).sort()).toEqual(['dims', 'flag', 'labels', 'nChannels', 'officialCounts', 'task', 'title']);
    expect(info).toEqual({
      flag: 'bloodmnist',
      title: 'BloodMNIST',
      task: 'multi-class',
      labels: [...catalogEntry('bloodmnist').labels],
      nChannels: 3,
      dims: 2,
      officialCounts: { train: 11959, val: 1712, test: 3421 },
    });
    info.officialCounts.train = 0;
    expect(catalogEntry('bloodmnist').officialCounts.train).toBe(11959);
    expect(Object.isFrozen(catalogEntry('bloodmnist').labels)).toBe(true);
  });

  // Every registered converter's dataset must say what the catalog says; converters will take these fields
  // from the catalog (issue 10), so a difference here would change output bytes and is the lead's call.
  it('agrees with every registered converter spec', () => {
    const specs = CONVERTERS.flatMap((c) => c.datasets);
    expect(specs.map((d) => d.flag).sort()).toEqual(['bloodmnist', 'breastmnist', 'chestmnist', 'dermamnist', 'octmnist', 'organamnist', 'organcmnist', 'organmnist3d', 'organsmnist', 'pathmnist', 'pneumoniamnist', 'retinamnist', 'tissuemnist']);
    for (const d of specs) {
      const e = catalogEntry(d.flag);
      expect({ title: e.title, task: e.task, labels: [...e.labels], nChannels: e.nChannels, officialCounts: e.officialCounts }, d.flag).toEqual({
        title: d.title,
        task: d.task,
        labels: d.labels,
        nChannels: d.nChannels,
        officialCounts: d.officialCounts,
      });
    }
  });
});
