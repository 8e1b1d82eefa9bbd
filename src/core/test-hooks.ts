// Fault injection for the crash-consistency tests (test/crash-consistency.test.ts), off unless
// MEDMNIST_BUILD_TEST_POINT is set. Code that commits outputs calls testPoint('name') at each step;
// when the variable names that point (`name`, or `name#k` for its k-th occurrence in this process),
// MEDMNIST_BUILD_TEST_ACTION says what happens there:
//   kill (default)     SIGKILL this process: a crash or power cut at that instant
//   SIGINT | SIGTERM   send that signal to this process (handled when the current step yields)
//   fill               fill the file system of MEDMNIST_BUILD_TEST_FILL_DIR (default: the cwd) until
//                      ENOSPC, so the next write finds a full disk
// MEDMNIST_BUILD_TEST_TRACE=FILE appends every point reached to FILE (the test lists the points).
import { appendFileSync, closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const counts = new Map<string, number>();

function fillDisk(dir: string): void {
  const fd = openSync(join(dir, '.medmnist-build-test-filler'), 'a');
  const block = Buffer.alloc(64 << 10, 0x55);
  try {
    for (;;) writeSync(fd, block);
  } catch {
    // ENOSPC: now top up with small writes until even one byte does not fit
    try {
      for (;;) writeSync(fd, block.subarray(0, 512));
    } catch {
      /* full */
    }
  } finally {
    closeSync(fd);
  }
}

export function testPoint(name: string): void {
  const want = process.env['MEDMNIST_BUILD_TEST_POINT'];
  const trace = process.env['MEDMNIST_BUILD_TEST_TRACE'];
  if (!want && !trace) return;
  const n = (counts.get(name) ?? 0) + 1;
  counts.set(name, n);
  if (trace) appendFileSync(trace, `${name}#${n}\n`);
  if (want !== name && want !== `${name}#${n}`) return;
  const action = process.env['MEDMNIST_BUILD_TEST_ACTION'] ?? 'kill';
  if (action === 'fill') fillDisk(process.env['MEDMNIST_BUILD_TEST_FILL_DIR'] ?? process.cwd());
  else if (action === 'SIGINT' || action === 'SIGTERM') process.kill(process.pid, action);
  else process.kill(process.pid, 'SIGKILL');
}
