// Output folder transactions (design §8.3): everything is written into a temporary folder inside the
// output folder and renamed into place only when complete. On error or SIGINT the temporary folder is
// removed, and an output folder this run created is removed again if it is left empty.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { UsageError } from '../core/errors.js';
import { join } from 'node:path';

const TMP_PREFIX = '.medmnist-build-tmp-';
const live = new Set<OutputTransaction>();
let signalsHooked = false;

function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      for (const t of live) t.abortSync();
      process.stderr.write(`\nmedmnist-build: interrupted (${sig}); no outputs were changed\n`);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

export class OutputTransaction {
  private closed = false;
  private constructor(
    readonly outDir: string,
    readonly tmpDir: string,
    private readonly createdOut: boolean,
  ) {}

  static async begin(outDir: string): Promise<OutputTransaction> {
    // Synchronous from the signal hook to the registration: a SIGINT is handled on the event loop, so
    // it can never see a temporary folder (or a created output folder) that is not registered yet.
    hookSignals();
    let created = false;
    const st = statSync(outDir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) throw new UsageError(`--out ${outDir} exists and is not a folder`);
    if (!st) {
      mkdirSync(outDir, { recursive: true });
      created = true;
    }
    const t = new OutputTransaction(outDir, mkdtempSync(join(outDir, TMP_PREFIX)), created);
    live.add(t);
    return t;
  }

  /** Path of a file inside the temporary folder. */
  path(name: string): string {
    return join(this.tmpDir, name);
  }

  /** Rename every file written (names relative to tmpDir, may include sub-folders) into outDir. */
  async commit(names: readonly string[]): Promise<void> {
    for (const name of names) {
      const dest = join(this.outDir, name);
      const st = await stat(dest).catch(() => null);
      if (st?.isDirectory()) await rm(dest, { recursive: true, force: true });
      await rename(join(this.tmpDir, name), dest);
    }
    await rm(this.tmpDir, { recursive: true, force: true });
    this.closed = true;
    live.delete(this);
  }

  async abort(): Promise<void> {
    if (this.closed) return;
    this.abortSync();
  }

  abortSync(): void {
    if (this.closed) return;
    this.closed = true;
    live.delete(this);
    rmSync(this.tmpDir, { recursive: true, force: true });
    if (this.createdOut) {
      try {
        if (readdirSync(this.outDir).length === 0) rmdirSync(this.outDir);
      } catch {
        /* already gone */
      }
    }
  }
}
