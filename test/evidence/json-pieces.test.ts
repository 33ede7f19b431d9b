// The piecewise JSON writer must give exactly JSON.stringify(value, null, 2): the parsed/*.json files
// are a contract, and bundles must stay byte-identical whichever writer made them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeJson } from '../../src/evidence/folder.js';
import { writeJsonPieces } from '../../src/evidence/json-pieces.js';
import { tempDir } from '../helpers/cli.js';

function pieces(value: unknown): string {
  const out: string[] = [];
  writeJsonPieces(value, (p) => out.push(p));
  return out.join('');
}

// JSON values plus what JSON.stringify drops or converts: undefined, functions, dates, holes, -0, NaN.
const odd = fc.constantFrom(undefined, () => 1, new Date(Date.UTC(2026, 10, 28, 12)), -0, Number.NaN, Number.POSITIVE_INFINITY, 'line\nbreak', '"quoted"', '\u2028', {}, []);
const value = fc.letrec((tie) => ({
  any: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 2 }), odd, tie('array'), tie('object')),
  array: fc.array(tie('any'), { maxLength: 6 }),
  object: fc.dictionary(fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('__proto__', 'toString', '1', '0')), tie('any'), { maxKeys: 6 }),
})).any;

describe('writeJsonPieces', () => {
  it('is JSON.stringify(value, null, 2) for arbitrary values', () => {
    fc.assert(fc.property(value, (v) => {
      expect(pieces(v)).toBe(String(JSON.stringify(v, null, 2)));
    }), { numRuns: 2000 });
  });

  it('handles sparse arrays, null-prototype objects and toJSON like JSON.stringify', () => {
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [1, , 3];
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: [1, { b: 2 }], c: undefined });
    const custom = { toJSON: () => ({ replaced: [1, 2] }) };
    const customArray = Object.assign([1, 2], { toJSON: () => 'array replaced' });
    for (const v of [sparse, bare, custom, customArray, { customArray }, { list: [custom, sparse, bare] }, [[[[1]]]], { a: { b: { c: [{ d: [] }] } } }]) {
      expect(pieces(v)).toBe(JSON.stringify(v, null, 2));
    }
  });

  it('writeJson writes JSON.stringify\'s bytes for a large connection list and an analysis document', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => ({ protocol: 'tcp', localAddress: '10.0.0.5', localPort: i, remoteAddress: null, source: { artifact: 'raw/x', line: i + 1 }, owners: [{ pid: i, process: `p ${i}` }] }));
    const dir = tempDir('nc-json-');
    writeJson(dir, 'parsed/connections.json', rows);
    writeJson(dir, 'parsed/analysis.json', { processes: [{ pid: 1, sockets: rows.slice(0, 50) }], summary: { total: 5000 } });
    expect(readFileSync(join(dir, 'parsed/connections.json'), 'utf8')).toBe(`${JSON.stringify(rows, null, 2)}\n`);
    expect(readFileSync(join(dir, 'parsed/analysis.json'), 'utf8')).toBe(`${JSON.stringify({ processes: [{ pid: 1, sockets: rows.slice(0, 50) }], summary: { total: 5000 } }, null, 2)}\n`);
  });
});
