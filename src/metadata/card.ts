// F.card.md: a dataset card in the Hugging Face format (Markdown with YAML front matter) for one dataset
// flag, describing every size and format its output folder holds. The front matter's `configs` has one
// configuration per image size with Parquet files, whose data_files are exactly that size's three split
// files (paths relative to the output folder), so `load_dataset` never mixes sizes. A folder without
// Parquet gets no `configs`, and the card says how to read what is there. Pure: the same input gives
// the same bytes (no dates, no host names).
import type { DatasetMetadata } from './dataset-metadata.js';
import {
  croissantName,
  groupBySame,
  hfLicense,
  sizeCategory,
  sizeConfigs,
  total,
  type DatasetDocsInput,
  type DocsSize,
} from './dataset-docs.js';

// ---------------------------------------------------------------------------------------------------
// YAML: the front matter is a small fixed structure, written by hand so that its bytes never depend
// on a library's style choices. Every scalar that is not a plain word is written as a JSON string,
// which is a valid YAML double-quoted scalar.

type Yaml = string | number | boolean | Yaml[] | { [k: string]: Yaml };

const PLAIN = /^[A-Za-z_][A-Za-z0-9_.\/<>+-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n)$/i;

function scalar(v: string | number | boolean): string {
  if (typeof v !== 'string') return String(v);
  return PLAIN.test(v) && !RESERVED.test(v) ? v : JSON.stringify(v);
}

function yamlLines(v: Yaml, indent: string): string[] {
  if (Array.isArray(v)) {
    return v.flatMap((item) => {
      if (typeof item === 'object') {
        const [first, ...rest] = yamlLines(item, `${indent}  `);
        return [`${indent}- ${first!.slice(indent.length + 2)}`, ...rest];
      }
      return [`${indent}- ${scalar(item)}`];
    });
  }
  if (typeof v === 'object') {
    return Object.entries(v).flatMap(([k, x]) =>
      typeof x === 'object' ? [`${indent}${k}:`, ...yamlLines(x, Array.isArray(x) ? indent : `${indent}  `)] : [`${indent}${k}: ${scalar(x)}`],
    );
  }
  return [`${indent}${scalar(v)}`];
}

// ---------------------------------------------------------------------------------------------------
// Markdown helpers

/** A table cell: no line breaks; pipes escaped, angle brackets as entities (never read as HTML). */
const cell = (s: string | number): string =>
  String(s).replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const table = (head: string[], rows: (string | number)[][]): string[] => [
  `| ${head.map(cell).join(' | ')} |`,
  `|${head.map(() => '---').join('|')}|`,
  ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
];
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;
const sizesText = (sizes: number[]): string => sizes.map((s) => `${s}x${s}`).join(', ');
const FORMAT_ORDER = ['npz', 'arrow', 'parquet', 'png'];
const byFormat = (a: string, b: string): number => (FORMAT_ORDER.indexOf(a) + 1 || 99) - (FORMAT_ORDER.indexOf(b) + 1 || 99) || (a < b ? -1 : a > b ? 1 : 0);

function frontMatter(d: DatasetDocsInput, first: DatasetMetadata): Yaml {
  const lic = hfLicense(first.license.spdx, first.license.url);
  const configs = sizeConfigs(d);
  const fm: Record<string, Yaml> = {
    license: lic.license,
    ...(lic.license_name ? { license_name: lic.license_name } : {}),
    ...(lic.license_link ? { license_link: lic.license_link } : {}),
    pretty_name: `${first.title} (${d.flag}, medmnist-build)`,
    task_categories: ['image-classification'],
    task_ids: [first.task === 'multi-label, binary-class' ? 'multi-label-image-classification' : 'multi-class-image-classification'],
    size_categories: [sizeCategory(Math.max(...d.sizes.map((s) => total(s.metadata.n_samples))))],
    // 3D volumes are [S, S, S] with one channel; [S, S, 3] is a 2D RGB image.
    tags: ['medical', 'medmnist', d.flag, first.shape.length === 3 && first.n_channels === 1 ? '3d' : '2d', first.task.replace(/[^a-z]+/g, '-')],
  };
  if (configs.length > 0) {
    fm['configs'] = configs.map((c, i) => ({
      config_name: c.name,
      data_files: c.dataFiles.map((f) => ({ split: f.split, path: f.path })),
      ...(i === 0 ? { default: true } : {}),
    }));
  }
  return fm;
}

function filesSection(d: DatasetDocsInput): string[] {
  const rows = d.sizes.map((s) => [
    `${s.size}`,
    `[${s.metadata.shape.join(', ')}]`,
    Object.keys(s.formats).sort(byFormat).join(', '),
    [s.metadataFile.name, ...Object.keys(s.formats).sort(byFormat).flatMap((f) => s.formats[f]!.map((x) => (x.files !== undefined ? `${x.name}/ (${x.files} files)` : x.name)))].join(', '),
  ]);
  return [
    '## Files',
    '',
    `Sizes in this folder: ${sizesText(d.sizes.map((s) => s.size))}. Every size has the same samples, splits and order; only the pixels differ.`,
    '',
    ...table(['size', 'image shape', 'formats', 'files'], rows),
    '',
    `Every size shares ${code(d.samplesCsv.name)} (per-sample provenance). ${code(croissantName(d.flag))} describes the same files in Croissant 1.0 with their SHA-256. ` +
      `The folder's ${code('datasets.lock.json')} locks every file listed here; ${code('medmnist-build verify <folder>')} re-hashes them.`,
    '',
  ];
}

function loadingSection(d: DatasetDocsInput): string[] {
  const configs = sizeConfigs(d);
  const out = ['## Loading', ''];
  if (configs.length > 0) {
    const c = configs[configs.length - 1]!;
    out.push(
      `The front matter has one configuration per image size with Parquet files (${configs.map((x) => code(x.name)).join(', ')}; ${code(configs[0]!.name)} is the default). ` +
        `Each lists exactly that size's three split files, so one configuration never mixes sizes:`,
      '',
      '```python',
      'from datasets import load_dataset',
      `ds = load_dataset("parquet", data_files={${c.dataFiles.map((f) => `"${f.split}": "${f.path}"`).join(', ')}})`,
      `# or, with this card as README.md of a folder or Hub repository holding these files:`,
      `# ds = load_dataset("<folder or repo>", "${c.name}")`,
      '```',
      '',
    );
    const without = d.sizes.filter((s) => !configs.some((x) => x.size === s.size)).map((s) => s.size);
    if (without.length > 0) out.push(`Size(s) ${sizesText(without)} have no Parquet files here and so no configuration; read them as below.`, '');
  } else {
    out.push(
      'No size in this folder has Parquet files, so the front matter has no `configs`: build with `--format parquet` to load it with Hugging Face `datasets`. ' +
        "Without configurations, `load_dataset` on this folder would fall back to matching file names, which can read files of several sizes, or the metadata JSON, as one dataset.",
      '',
    );
  }
  const present = new Set(d.sizes.flatMap((s) => Object.keys(s.formats)));
  const s = d.sizes[d.sizes.length - 1]!;
  const base = s.metadataFile.name.replace(/\.json$/, '');
  if (present.has('npz')) out.push(`- NPZ (MedMNIST's own layout): ${code(`numpy.load("${base}.npz")`)} gives train_images, train_labels, val_images, val_labels, test_images, test_labels.`);
  if (present.has('arrow')) out.push(`- Arrow IPC: ${code(`pyarrow.ipc.open_file("${base}_train.arrow").read_all()`)}; the image column is an ${code('arrow.fixed_shape_tensor')} of uint8.`);
  if (present.has('png')) {
    const volume = s.metadata.shape.length === 3 && s.metadata.n_channels === 1;
    out.push(`- Image folders (the layout of ${code('python -m medmnist save')}, one ${volume ? 'animated GIF' : 'PNG'} per sample): ${code(`${base}/`)} and ${code(`${base}.csv`)}.`);
  }
  if (present.has('arrow') || present.has('parquet')) {
    const ext = present.has('parquet') ? 'parquet' : 'arrow';
    out.push(
      `- The Arrow and Parquet files carry their size in the schema metadata (${code('medmnist:size')}, with ${code('medmnist:flag')}, ${code('medmnist:split')}, ${code('medmnist:tool_version')} and the ${code('medmnist')} JSON), ` +
        `so files globbed across sizes can be told apart${ext === 'parquet' ? `, e.g. DuckDB ${code(`select file_name, decode(value) from parquet_kv_metadata('${d.flag}_*.parquet') where decode(key) = 'medmnist:size'`)}` : ''}.`,
    );
  }
  out.push('');
  return out;
}

function labelsSection(d: DatasetDocsInput, first: DatasetMetadata): string[] {
  const multi = first.task === 'multi-label, binary-class';
  const rows = Object.entries(first.labels).map(([k, v]) => [k, v]);
  const parquet = d.sizes.some((s) => s.formats['parquet'] !== undefined);
  return [
    '## Labels',
    '',
    `Task: ${first.task}. ${multi ? `Each sample has ${rows.length} binary labels, one per column below.` : 'The label is the index of the class name.'}`,
    // Only where it applies, so other cards keep their bytes.
    ...(multi && parquet
      ? [
          '',
          `In the Parquet files, ${code('label')} lists the columns whose value is 1, ascending (${code('[]')} for none): the Hugging Face feature ${code('Sequence(ClassLabel(names=...))')}, ` +
            `so ${code('datasets')} shows the names. ${code('label_vector')} holds the ${rows.length} values of 0 or 1, the row of the NPZ labels; the NPZ, Arrow, image folders and samples.csv hold those values.`,
        ]
      : []),
    '',
    ...table([multi ? 'column' : 'label', 'name'], rows),
    '',
  ];
}

function countsSection(d: DatasetDocsInput, first: DatasetMetadata): string[] {
  const rows = d.sizes.map((s) => {
    const n = s.metadata.n_samples;
    return [`${s.size}`, n.train, n.val, n.test, total(n)];
  });
  const o = first.official_n_samples;
  const out = ['## Samples', '', ...table(['size', 'train', 'validation', 'test', 'total'], rows), ''];
  out.push(`The official MedMNIST release has ${o.train} / ${o.val} / ${o.test} (train / validation / test); a build from the complete download reproduces these counts.`);
  const dropped = groupBySame(d.sizes, (m) => m.n_dropped_blank ?? null).filter((g) => g.value !== null);
  for (const g of dropped) {
    const n = g.value!;
    out.push(`The recipe dropped ${n.train} / ${n.val} / ${n.test} blank samples (train / validation / test) at size(s) ${sizesText(g.sizes)}; the counts above are what is kept.`);
  }
  out.push('');
  return out;
}

function recipeSection(d: DatasetDocsInput): string[] {
  const out = ['## Preprocessing', ''];
  const groups = groupBySame(d.sizes, (m) => m.preprocessing);
  for (const g of groups) {
    if (groups.length > 1) out.push(`Size(s) ${sizesText(g.sizes)}:`, '');
    out.push(`${g.value.order}. Recipe operations, in order (the size is each output size):`, '', '```json', JSON.stringify(g.value.ops), '```', '');
  }
  return out;
}

function splitSection(d: DatasetDocsInput): string[] {
  const out = ['## Splits', ''];
  const groups = groupBySame(d.sizes, (m) => m.split);
  for (const g of groups) {
    const prefix = groups.length > 1 ? `Size(s) ${sizesText(g.sizes)}: ` : '';
    out.push(`${prefix}strategy ${code(g.value.strategy)}, seed ${g.value.seed}. Rule: ${g.value.rule}.`, '');
  }
  out.push('Split names: train, val and test in the files; train, validation and test in the configurations above.', '');
  return out;
}

function provenanceSection(d: DatasetDocsInput): string[] {
  const out = ['## Provenance columns', ''];
  const groups = groupBySame(d.sizes, (m) => m.provenance);
  for (const g of groups) {
    if (groups.length > 1) out.push(`Size(s) ${sizesText(g.sizes)}:`, '');
    const names = new Set(g.value.columns.map((c) => c.name));
    const rows = g.value.columns.map((c) => [
      code(c.name),
      ['split', 'index', 'image_id', 'group_id', 'fine_label'].includes(c.name) ? 'samples.csv, Arrow, Parquet' : c.name === 'label' ? 'every format' : 'samples.csv',
      c.source_column && c.source_column !== c.name ? code(c.source_column) : '',
      c.description,
    ]);
    for (const c of ['group_id', 'fine_label']) {
      if (!names.has(c)) rows.push([code(c), 'Arrow, Parquet', '', 'not recorded by this source: always null']);
    }
    out.push(
      `${code(g.value.samples_csv)} has one row per sample (header ${code(g.value.columns.map((c) => c.name).join(','))}); the Arrow and Parquet files carry the same columns under the same names.`,
      '',
      ...table(['column', 'in', 'source name', 'meaning'], rows),
      '',
    );
  }
  return out;
}

function sourceSection(first: DatasetMetadata): string[] {
  const out = ['## Source and licence', ''];
  for (const s of first.sources) {
    out.push(`- ${s.name} (${code(s.id)}): ${s.homepage}${s.doi ? `, DOI ${s.doi}` : ''}`);
    out.push(`  - Licence: ${s.license.spdx} (${s.license.url})${s.license.note ? `. ${s.license.note}` : ''}`);
  }
  out.push('', `This dataset is distributed under the source's licence: ${first.license.spdx} (${first.license.url}).`, '');
  return out;
}

function citationSection(first: DatasetMetadata): string[] {
  return ['## Citation', '', 'Cite the source and MedMNIST:', '', ...first.citations.map((c) => `- ${c}`), ''];
}

function toolSection(d: DatasetDocsInput): string[] {
  const versions = groupBySame(d.sizes, (m) => m.tool.version);
  const source = d.sizes[0]!.metadata.sources[0]!.id;
  const sizes = d.sizes.map((s) => s.size).join(',');
  const formats = [...new Set(d.sizes.flatMap((s) => Object.keys(s.formats)))].sort(byFormat).join(',');
  const split = d.sizes[0]!.metadata.split;
  return [
    '## How it was made',
    '',
    `Built by medmnist-build ${versions.map((v) => `${v.value}${versions.length > 1 ? ` (sizes ${sizesText(v.sizes)})` : ''}`).join(', ')} from the raw ${source} download; ` +
      'every pixel operation is Pillow-exact. To rebuild and check it:',
    '',
    '```sh',
    `medmnist-build convert --source ${source} --input <download> --out <folder> --size ${sizes} --format ${formats}${split.strategy === 'official' ? '' : ` --split ${split.strategy}`}${split.seed === 0 ? '' : ` --seed ${split.seed}`}`,
    'medmnist-build verify <folder>',
    '```',
    '',
  ];
}

/** The card's text (front matter, then the body). */
export function renderCard(d: DatasetDocsInput): string {
  if (d.sizes.length === 0) throw new Error(`card of ${d.flag}: no size to describe`);
  const sizes: DocsSize[] = [...d.sizes].sort((a, b) => a.size - b.size);
  const doc: DatasetDocsInput = { ...d, sizes };
  const first = sizes[0]!.metadata;
  const body = [
    `# ${first.title} (${d.flag}), rebuilt from its source`,
    '',
    d.description,
    '',
    ...filesSection(doc),
    ...loadingSection(doc),
    ...labelsSection(d, first),
    ...countsSection(doc, first),
    ...recipeSection(doc),
    ...splitSection(doc),
    ...provenanceSection(doc),
    ...sourceSection(first),
    ...citationSection(first),
    ...toolSection(doc),
  ];
  return ['---', ...yamlLines(frontMatter(doc, first), ''), '---', '', ...body].join('\n').replace(/\n+$/, '\n');
}
