// HU windowing and max projection checked against numpy on random data.
import { describe, expect, it } from 'vitest';
import { ndarray } from '../src/core/ndarray.js';
import { projectOp } from '../src/image/ops/project.js';
import { ABDOMINAL_WINDOW, windowHu } from '../src/image/window.js';
import { pythonBytes } from './support/run-cli.js';

function numpy(script: string, input: Uint8Array): Buffer {
  return pythonBytes(`import sys, numpy as np\n${script}`, [], input);
}

function randomInt16(n: number, seed: number): Int16Array {
  const a = new Int16Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    // Mostly the CT range (-1024..3071), with int16 extremes mixed in.
    a[i] = i % 97 === 0 ? (i % 2 ? 32767 : -32768) : (s >>> 16) % 4096 - 1024;
  }
  return a;
}

describe('windowHu', () => {
  it.each([
    [ABDOMINAL_WINDOW.width, ABDOMINAL_WINDOW.level],
    [1500, 400],
    [351, -27],
  ])('equals numpy for width %d level %d', (width, level) => {
    const hu = randomInt16(50_000, width);
    // Every HU value of the window and its edges, too.
    for (let v = -600; v < 1200; v++) hu[v + 600] = v;
    const want = numpy(
      `hu = np.frombuffer(sys.stdin.buffer.read(), dtype=np.int16).astype(np.float64)
lo = ${level} - ${width} / 2
v = np.clip((hu - lo) / ${width} * 255, 0, 255).astype(np.uint8)
sys.stdout.buffer.write(v.tobytes())`,
      new Uint8Array(hu.buffer),
    );
    expect(Buffer.from(windowHu(hu, { width, level })).equals(want)).toBe(true);
  });

  it('maps the window edges to 0 and 255 and rejects a bad window', () => {
    expect([...windowHu(Int16Array.from([-150, -151, 250, 251, 50]))]).toEqual([0, 0, 255, 255, 127]);
    expect(() => windowHu([0], { width: 0, level: 0 })).toThrow(/width > 0/);
  });
});

describe('project(max) operation', () => {
  it('equals numpy max(axis=0) for a 7 x 32 x 32 uint16 stack', () => {
    const stack = new Uint16Array(7 * 32 * 32);
    let s = 7;
    for (let i = 0; i < stack.length; i++) stack[i] = (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 16;
    const want = numpy(
      `a = np.frombuffer(sys.stdin.buffer.read(), dtype=np.uint16).reshape(7, 32, 32)
sys.stdout.buffer.write(a.max(axis=0).tobytes())`,
      new Uint8Array(stack.buffer),
    );
    const got = projectOp.apply(ndarray('uint16', [7, 32, 32], stack), { op: 'project', reduce: 'max', axis: 0 }, { sizes: [] });
    expect(got.shape).toEqual([32, 32]);
    expect(got.data).toBeInstanceOf(Uint16Array);
    expect(Buffer.from(got.data.buffer).equals(want)).toBe(true);
  });

  it('projects over an inner axis and refuses an axis the array does not have', () => {
    const a = ndarray('uint8', [2, 2, 2], Uint8Array.from([1, 9, 3, 4, 5, 2, 3, 8]));
    const got = projectOp.apply(a, { op: 'project', reduce: 'max', axis: 1 }, { sizes: [] });
    expect(got.shape).toEqual([2, 2]);
    expect([...got.data]).toEqual([3, 9, 5, 8]);
    expect(() => projectOp.apply(a, { op: 'project', reduce: 'max', axis: 3 }, { sizes: [] })).toThrow(/axis 3/);
  });
});
