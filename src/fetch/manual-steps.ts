// The steps a person takes for downloads `fetch` must not make itself (a login, a licence to accept, a
// page that must not be scraped): where to go, which files to get, and exactly where to put them under
// the download folder so that the converter's scan finds them.
import { join } from 'node:path';
import { isArchive, type ManifestRow } from './manifest.js';

export interface SourceDescription {
  id: string;
  name: string;
  homepage: string;
  /** The converter's own instructions (how the raw files are laid out). */
  instructions: string;
}

/** One manual file, as `--json` reports it. */
export interface ManualStep {
  file: string;
  kind: ManifestRow['kind'];
  /** The page where a person gets it. */
  page: string;
  /** Where to save it for `fetch` to verify (and extract) on the next run; absent for folders. */
  saveAs?: string;
  /** What must exist under the download folder once it is in place (the layout the converter scans). */
  layout: string;
  md5?: string;
  sha256?: string;
  bytes?: number;
}

export function manualStep(dir: string, row: ManifestRow): ManualStep {
  return {
    file: row.file,
    kind: row.kind,
    page: row.url,
    ...(row.kind !== 'folder' ? { saveAs: join(dir, row.file) } : {}),
    layout: join(dir, row.layout),
    ...(row.md5 ? { md5: row.md5 } : {}),
    ...(row.sha256 ? { sha256: row.sha256 } : {}),
    ...(row.bytes ? { bytes: row.bytes } : {}),
  };
}

/** The text printed for the manual files of a source (`rows` may be empty: a source fetch knows no files of). */
export function manualStepsText(source: SourceDescription, dir: string, rows: readonly ManifestRow[], exitCode: number): string {
  const out: string[] = [];
  if (rows.length === 0) {
    out.push(
      `${source.name} (${source.id}): fetch knows no download it may make for this source; get it by hand from ${source.homepage}.`,
      `  ${source.instructions}`,
      `  Use ${dir} as the folder (create it), then: medmnist-build convert --source ${source.id} --input ${dir} --out OUT`,
      `Nothing was downloaded (exit code ${exitCode}: manual download needed).`,
    );
    return out.join('\n') + '\n';
  }
  out.push(
    `${source.name} (${source.id}): ${rows.length} download${rows.length === 1 ? '' : 's'} must be made by hand: ` +
      `${rows.length === 1 ? 'its page needs' : 'their pages need'} a person (a login, a licence to accept, or a page fetch does not scrape).`,
  );
  const pages = [...new Set(rows.map((r) => r.url))];
  let n = 0;
  for (const page of pages) {
    out.push(``, `From ${page} get:`);
    for (const r of rows.filter((x) => x.url === page)) {
      n++;
      const sums = [r.bytes ? `${r.bytes} bytes` : '', r.md5 ? `md5 ${r.md5}` : '', r.sha256 ? `sha256 ${r.sha256}` : ''].filter(Boolean).join(', ');
      out.push(`  ${n}. ${r.file}${r.kind === 'folder' ? '/ (a folder of files)' : ''}${sums ? `  (${sums})` : ''}`);
      if (r.kind === 'folder') {
        out.push(`     put its files in ${join(dir, r.file)}/ so that ${join(dir, r.layout)} exists`);
      } else if (isArchive(r.kind)) {
        out.push(
          `     save it as ${join(dir, r.file)} and run this command again (fetch verifies it and extracts it${r.into === '.' ? '' : ` into ${join(dir, r.into!)}/`}),`,
          `     or extract it yourself so that ${join(dir, r.layout)} exists`,
        );
      } else {
        out.push(`     save it as ${join(dir, r.file)} (run this command again to verify it)`);
      }
    }
  }
  out.push(
    ``,
    `About this source: ${source.instructions}`,
    `When everything is in place: medmnist-build convert --source ${source.id} --input ${dir} --out OUT`,
    `Exit code ${exitCode}: manual download needed.`,
  );
  return out.join('\n') + '\n';
}
