// Process views list a process's first 200 peers in sort() order; a busy process has thousands, and
// views.ts keeps only those while reading the sockets (issue 16). The result must equal the full
// set, sorted and cut.
import { describe, expect, it } from 'vitest';
import { smallestDistinct } from '../../src/analyze/views.js';

describe('the peers a process view lists', () => {
  it('are the first n distinct values of the full sort, whatever the input (repeats, non-ASCII, surrogates)', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let t = 0; t < 150; t++) {
      const values: string[] = [];
      const count = next() % 3000;
      for (let i = 0; i < count; i++) {
        const len = 1 + (next() % 6);
        values.push(String.fromCharCode(...Array.from({ length: len }, () => (next() % 4 ? 46 + (next() % 13) : 0xd800 + (next() % 0x800)))));
      }
      const kept = smallestDistinct(200);
      for (const v of values) kept.add(v);
      expect(kept.values(), `input ${t} of ${values.length}`).toEqual([...new Set(values)].sort().slice(0, 200));
    }
    expect(smallestDistinct(200).values()).toEqual([]);
    const two = smallestDistinct(1);
    for (const v of ['b', 'a', 'a']) two.add(v);
    expect(two.values()).toEqual(['a']);
  });
});
