// The piecewise JSON array reader must agree with JSON.parse, element for element, for any array
// and wherever the 1 MiB pieces happen to cut it, and refuse what JSON.parse refuses.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readJsonArrayFile } from '../../src/evidence/json-array.js';
import { tempDir } from '../helpers/cli.js';

const dir = tempDir('nc-jsonarray-');
let n = 0;
function viaFile(text: string | Buffer): unknown[] {
  const path = join(dir, `a${n++}.json`);
  writeFileSync(path, text);
  return readJsonArrayFile(path);
}

describe('readJsonArrayFile', () => {
  it('equals JSON.parse for arbitrary arrays, pretty-printed or compact', () => {
    const strings = fc.oneof(fc.string(), fc.constantFrom('[', ']', '{', '}', ',', '"', '\\', '\\"]', 'Ä€😀'));
    const value = fc.jsonValue({ maxDepth: 3 });
    fc.assert(fc.property(fc.array(fc.oneof(value, strings, fc.dictionary(strings, value)), { maxLength: 12 }), fc.constantFrom('pretty', 'compact', 'lines'), (arr, layout) => {
      // 'lines': one element per line, as analyze writes parsed/*.json (read by the fast path).
      const text = layout === 'pretty' ? JSON.stringify(arr, null, 2) : layout === 'compact' ? JSON.stringify(arr) : arr.length ? `[\n${arr.map((x) => JSON.stringify(x)).join(',\n')}\n]\n` : '[]\n';
      expect(viaFile(text)).toEqual(JSON.parse(text));
    }), { numRuns: 300 });
  });

  it('reads one-element-per-line files, and refuses broken ones as JSON.parse does', () => {
    expect(viaFile('[\n{"a":1},\n"x,",\n[1,2]\n]\n')).toEqual([{ a: 1 }, 'x,', [1, 2]]);
    for (const bad of ['[\n1,\n]\n', '[\n1\n2\n]\n', '[\n1,\n2\n', '[\n1\n]\nx', '[\n1,2 3\n]']) {
      expect(() => viaFile(bad), bad).toThrow();
      expect(() => JSON.parse(bad), bad).toThrow();
    }
    // Layouts the fast path does not take still read right.
    expect(viaFile('[\r\n1,\r\n2\r\n]\r\n')).toEqual([1, 2]);
    expect(viaFile('[\n1,2,\n3\n]')).toEqual([1, 2, 3]);
    expect(viaFile('[\n\n1\n]')).toEqual([1]);
  });

  it('reads an array larger than one piece, with elements and characters cut across pieces', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ i, name: `proc ${'é😀'.repeat(i % 7)} ]}{[",`, list: [i, { deep: `x${i}` }] }));
    const text = JSON.stringify(rows, null, 2);
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 << 20);
    expect(viaFile(text)).toEqual(rows);
  });

  it('refuses what is not one JSON array', () => {
    for (const bad of ['', '   ', '[1,2', '[1,,2]', '[,1]', '[1,]', '[1] x', '[{]}]', '[1 2]', '["a]']) {
      expect(() => viaFile(bad), bad).toThrow();
      expect(() => JSON.parse(bad), bad).toThrow();
    }
    // Valid JSON, but not an array.
    for (const other of ['{"a":[1]}', '"[1]"', '1']) expect(() => viaFile(other), other).toThrow(/not a JSON array/);
    expect(viaFile('[]')).toEqual([]);
    expect(viaFile(' [ ] \n')).toEqual([]);
    expect(() => viaFile(Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d]))).toThrow();
  });
});
