// The lock lists raw inputs in UTF-8 byte order; compareUtf8 decides it on the strings themselves.
import { describe, expect, it } from 'vitest';
import { compareUtf8 } from '../src/lock/inputs.js';

describe('compareUtf8', () => {
  it('orders like Buffer.compare on the UTF-8 bytes', () => {
    // ASCII, Latin-1, the private-use and specials block (U+E000-FFFF) against astral characters
    // (surrogate pairs in UTF-16, which code-unit order would put first), prefixes, equal strings.
    const alphabet = ['a', 'B', '/', '.', '_', '0', 'é', 'ÿ', 'Ω', '中', '\ue000', '\uff5e', '\uffff', '😀', '𝄞', '\u{10ffff}'];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const words = Array.from({ length: 400 }, () => Array.from({ length: rand(5) }, () => alphabet[rand(alphabet.length)]!).join(''));
    for (const a of words) {
      for (const b of words.slice(0, 60)) {
        expect(Math.sign(compareUtf8(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(Buffer.compare(Buffer.from(a), Buffer.from(b)));
      }
    }
  });
});
