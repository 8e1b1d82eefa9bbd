// F.croissant.json: one dataset flag as its output folder holds it, in Croissant 1.0 (JSON-LD,
// http://mlcommons.org/croissant/1.0). The @context is written out in full (the one the Croissant 1.0
// examples use), so the file expands offline. `distribution` lists every output file of the flag
// (FileObject: contentUrl relative to the output folder, encodingFormat, contentSize, sha256) and each
// PNG folder (FileSet). `recordSet`: the class names (inline data); per size with Parquet files, one
// record set per split file with image, label and the provenance columns, each field's `source` naming
// its file and the column it is extracted from; and the samples.csv rows (labels and provenance, every
// size). Pure: the same input gives the same bytes.
import { MEDMNIST_HOMEPAGE } from './citations.js';
import { cardName, outputFiles, sizeConfigs, type DatasetDocsInput, type DocFile } from './dataset-docs.js';

export const CROISSANT_CONFORMS_TO = 'http://mlcommons.org/croissant/1.0';

/** The Croissant 1.0 context, inline. */
export const CROISSANT_CONTEXT = {
  '@language': 'en',
  '@vocab': 'https://schema.org/',
  citeAs: 'cr:citeAs',
  column: 'cr:column',
  conformsTo: 'dct:conformsTo',
  cr: 'http://mlcommons.org/croissant/',
  rai: 'http://mlcommons.org/croissant/RAI/',
  data: { '@id': 'cr:data', '@type': '@json' },
  dataType: { '@id': 'cr:dataType', '@type': '@vocab' },
  dct: 'http://purl.org/dc/terms/',
  examples: { '@id': 'cr:examples', '@type': '@json' },
  extract: 'cr:extract',
  field: 'cr:field',
  fileProperty: 'cr:fileProperty',
  fileObject: 'cr:fileObject',
  fileSet: 'cr:fileSet',
  format: 'cr:format',
  includes: 'cr:includes',
  isLiveDataset: 'cr:isLiveDataset',
  jsonPath: 'cr:jsonPath',
  key: 'cr:key',
  md5: 'cr:md5',
  parentField: 'cr:parentField',
  path: 'cr:path',
  recordSet: 'cr:recordSet',
  references: 'cr:references',
  regex: 'cr:regex',
  repeated: 'cr:repeated',
  replace: 'cr:replace',
  sc: 'https://schema.org/',
  separator: 'cr:separator',
  source: 'cr:source',
  subField: 'cr:subField',
  transform: 'cr:transform',
} as const;

type Json = string | number | boolean | Json[] | { [k: string]: Json };

/** MIME type of an output file, by its name. */
export function encodingFormat(name: string): string {
  if (name.endsWith('.parquet')) return 'application/x-parquet';
  if (name.endsWith('.arrow')) return 'application/vnd.apache.arrow.file';
  if (name.endsWith('.npz')) return 'application/zip';
  if (name.endsWith('.csv')) return 'text/csv';
  if (name.endsWith('.json')) return 'application/json';
  if (name.endsWith('.md')) return 'text/markdown';
  if (name.endsWith('.png')) return 'image/png';
  return 'application/octet-stream';
}

function describeFile(name: string, size?: number, format?: string): string {
  if (name.endsWith('.samples.csv')) return 'Per-sample provenance of every size: split, index, image_id, label, group_id, fine_label, source metadata.';
  if (name.endsWith('.card.md')) return 'Dataset card (Hugging Face format).';
  if (format === undefined) return `Metadata of size ${size}: labels, counts, licence, sources, citations, recipe, split rule, file hashes.`;
  const what: Record<string, string> = {
    npz: 'NumPy NPZ (a ZIP of .npy arrays) in the MedMNIST layout',
    arrow: 'Arrow IPC file of one split',
    parquet: 'Parquet file of one split (Hugging Face Image feature)',
    png: 'PNG-folder index (split, file name, label), as `python -m medmnist save` writes it',
  };
  return `Size ${size}: ${what[format] ?? format}.`;
}

const fileObject = (f: DocFile, description: string): Json => ({
  '@type': 'cr:FileObject',
  '@id': f.name,
  name: f.name,
  description,
  contentUrl: f.name,
  encodingFormat: encodingFormat(f.name),
  contentSize: `${f.bytes} B`,
  sha256: f.sha256,
});

const ref = (id: string): Json => ({ '@id': id });

/** The Croissant document (a JSON-LD object); `card` is the card written beside it, listed too. */
export function croissantDocument(d: DatasetDocsInput, card: DocFile): Record<string, Json> {
  if (d.sizes.length === 0) throw new Error(`Croissant file of ${d.flag}: no size to describe`);
  const sizes = [...d.sizes].sort((a, b) => a.size - b.size);
  const doc: DatasetDocsInput = { ...d, sizes };
  const first = sizes[0]!.metadata;
  const multi = first.task === 'multi-label, binary-class';
  const volume = first.shape.length === 3 && first.n_channels === 1;

  const distribution: Json[] = [];
  for (const { file, size, format } of outputFiles(doc)) {
    if (file.files !== undefined) {
      distribution.push({
        '@type': 'cr:FileSet',
        '@id': `${file.name}/`,
        name: `${file.name}/`,
        description: `Size ${size}: folder of ${file.files} ${volume ? 'GIF' : 'PNG'} files, one per sample (<split><index>_<label>); medmnist-build folder manifest sha256 ${file.sha256}.`,
        encodingFormat: volume ? 'image/gif' : 'image/png',
        includes: `${file.name}/*.${volume ? 'gif' : 'png'}`,
      });
    } else {
      distribution.push(fileObject(file, describeFile(file.name, size, format)));
    }
  }
  if (card.name !== cardName(d.flag)) throw new Error(`Croissant file of ${d.flag}: the card is ${cardName(d.flag)}, got ${card.name}`);
  distribution.push(fileObject(card, describeFile(card.name)));

  const labelsId = `${d.flag}_labels`;
  const recordSet: Json[] = [
    {
      '@type': 'cr:RecordSet',
      '@id': labelsId,
      name: labelsId,
      description: multi ? 'The label columns: position in the label list and name.' : 'The classes: label value and name.',
      dataType: 'sc:Enumeration',
      key: ref(`${labelsId}/index`),
      field: [
        { '@type': 'cr:Field', '@id': `${labelsId}/index`, name: 'index', description: multi ? 'Position in the label list.' : 'Label value.', dataType: 'sc:Integer' },
        { '@type': 'cr:Field', '@id': `${labelsId}/name`, name: 'name', description: 'Name.', dataType: 'sc:Text' },
      ],
      data: Object.entries(first.labels).map(([k, v]) => ({ [`${labelsId}/index`]: Number(k), [`${labelsId}/name`]: v })),
    },
  ];

  const provenance = new Map(first.provenance.columns.map((c) => [c.name, c]));
  const meaning = (name: string, fallback: string): string => provenance.get(name)?.description ?? fallback;
  for (const config of sizeConfigs(doc)) {
    const shape = sizes.find((s) => s.size === config.size)!.metadata.shape;
    for (const { split, path } of config.dataFiles) {
      const id = path.replace(/\.parquet$/, '');
      const field = (name: string, dataType: string, description: string, extra: Record<string, Json> = {}): Json => ({
        '@type': 'cr:Field',
        '@id': `${id}/${name}`,
        name,
        description,
        dataType,
        ...extra,
        source: { fileObject: ref(path), extract: { column: name }, ...(name === 'image' && !volume ? { transform: { jsonPath: 'bytes' } } : {}) },
      });
      recordSet.push({
        '@type': 'cr:RecordSet',
        '@id': id,
        name: id,
        description: `Size ${config.size} (images [${shape.join(', ')}]), split ${split}: the rows of ${path}.`,
        key: ref(`${id}/index`),
        field: [
          volume
            ? field('image', 'sc:Integer', `Volume [${shape.join(', ')}] of uint8 as nested lists (Hugging Face Array3D).`, { repeated: true })
            : field('image', 'sc:ImageObject', `PNG image [${shape.join(', ')}] (uint8), the bytes of the Hugging Face Image struct.`),
          // Multi-label Parquet: label = the positive label indices (Hugging Face Sequence(ClassLabel)),
          // label_vector = the 0/1 value per label (MedMNIST's row).
          ...(multi
            ? [
                field('label', 'sc:Integer', `Indices of the positive labels, ascending (empty: none); values of ${labelsId}/index (Hugging Face Sequence(ClassLabel)).`, {
                  repeated: true,
                  references: { field: ref(`${labelsId}/index`) },
                }),
                field('label_vector', 'sc:Integer', `${Object.keys(first.labels).length} binary values (0/1), one per label in the order of ${labelsId}: the NPZ label row.`, { repeated: true }),
              ]
            : [field('label', 'sc:Integer', 'Label value (see the class names).', { references: { field: ref(`${labelsId}/index`) } })]),
          field('split', 'sc:Text', meaning('split', 'split')),
          field('index', 'sc:Integer', meaning('index', 'index')),
          field('image_id', 'sc:Text', meaning('image_id', 'image_id')),
          field('group_id', 'sc:Text', meaning('group_id', 'Not recorded by this source: always null.')),
          field('fine_label', 'sc:Text', meaning('fine_label', 'Not recorded by this source: always null.')),
        ],
      });
    }
  }

  const samplesId = `${d.flag}_samples`;
  recordSet.push({
    '@type': 'cr:RecordSet',
    '@id': samplesId,
    name: samplesId,
    description: `The rows of ${d.samplesCsv.name}: label and provenance of every sample, the same for every size.`,
    key: [ref(`${samplesId}/split`), ref(`${samplesId}/index`)],
    field: first.provenance.columns.map((c) => ({
      '@type': 'cr:Field',
      '@id': `${samplesId}/${c.name}`,
      name: c.name,
      description: c.description,
      dataType: c.name === 'index' || (c.name === 'label' && !multi) ? 'sc:Integer' : 'sc:Text',
      ...(c.name === 'label' && !multi ? { references: { field: ref(`${labelsId}/index`) } } : {}),
      source: { fileObject: ref(d.samplesCsv.name), extract: { column: c.name } },
    })),
  });

  const formats = [...new Set(sizes.flatMap((s) => Object.keys(s.formats)))].sort();
  const source = first.sources[0]!;
  return {
    '@context': CROISSANT_CONTEXT as unknown as Json,
    '@type': 'sc:Dataset',
    conformsTo: CROISSANT_CONFORMS_TO,
    name: d.flag,
    description:
      `${first.title} (MedMNIST ${d.flag}), rebuilt by medmnist-build from the raw source (${source.name}): sizes ${sizes.map((s) => s.size).join(', ')}; formats ${formats.join(', ')}. ${d.description} ` +
      'Record sets cover the Parquet files (images) and samples.csv (labels, provenance); NPZ, Arrow and PNG files are listed in the distribution with their hashes.',
    license: first.license.url,
    url: MEDMNIST_HOMEPAGE,
    isBasedOn: source.doi ? `https://doi.org/${source.doi}` : source.homepage,
    citeAs: first.citations.join('\n'),
    // The tool version of the smallest size (the card lists each size's when they differ).
    version: first.tool.version,
    keywords: ['medical imaging', 'MedMNIST', d.flag, first.task],
    distribution,
    recordSet,
  };
}

/** The file's text: 2-space JSON with a final newline. */
export function renderCroissant(d: DatasetDocsInput, card: DocFile): string {
  return JSON.stringify(croissantDocument(d, card), null, 2) + '\n';
}
