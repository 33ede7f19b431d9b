// Process views list a process's first 200 peers in sort() order; a busy process has thousands, and
// views.ts picks them without sorting all (issue 16). The pick must equal the full sort, cut.
import { describe, expect, it } from 'vitest';
import { smallest } from '../../src/analyze/views.js';

describe('the peers a process view lists', () => {
  it('are the first n of the full sort, whatever the set (addresses, names, non-ASCII, surrogates)', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let t = 0; t < 150; t++) {
      const set = new Set<string>();
      const n = next() % 3000;
      for (let i = 0; i < n; i++) {
        const len = 1 + (next() % 8);
        set.add(String.fromCharCode(...Array.from({ length: len }, () => (next() % 4 ? 46 + (next() % 13) : 0xd800 + (next() % 0x800)))));
      }
      expect(smallest(set, 200), `set ${t} of ${set.size}`).toEqual([...set].sort().slice(0, 200));
    }
    expect(smallest(new Set(), 200)).toEqual([]);
    expect(smallest(new Set(['b', 'a']), 1)).toEqual(['a']);
  });
});
