// Property tests: no input makes the Linux parsers throw or lose a line (arbitrary text, NUL,
// invalid UTF-8 decoded as latin1, mixed line endings, fragments of real rows, a 1 MB line).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParseResult } from '../../src/model.js';
import { parseIpRoute } from '../../src/parse/ip-route.js';
import { parseLinuxNetstat } from '../../src/parse/linux-netstat.js';
import { parseLinuxRoute } from '../../src/parse/linux-route.js';
import { accountedLines } from '../../src/parse/result.js';
import { decodeBytes, splitLines } from '../../src/parse/text.js';
import type { ParserInput } from '../../src/parse/types.js';

const FIXTURES = resolve(__dirname, '../../fixtures/linux');
const PARSERS: Array<[string, (i: ParserInput) => ParseResult, string[]]> = [
  ['linux-netstat', parseLinuxNetstat, ['netstat-anp', 'netstat-aeep', 'netstat-anpo', 'netstat-an']],
  ['linux-route', parseLinuxRoute, ['route-n', 'route-nee', 'netstat-rn', 'route-6-n']],
  ['ip-route', parseIpRoute, ['ip-route-table-all']],
];

/** Every line is counted exactly once and the total matches the shared line splitter. */
function checkAccounting(r: ParseResult, text: string): void {
  expect(r.lines.total).toBe(splitLines(text).length);
  expect(accountedLines(r)).toBe(r.lines.total);
  expect(r.unparsed.length).toBe(r.lines.unparsed);
  const lines = splitLines(text);
  for (const u of r.unparsed) {
    expect(u.line).toBeGreaterThanOrEqual(1);
    // The quoted text is that very line (parsers that find line ends themselves must agree).
    const line = lines[u.line - 1];
    expect(u.text.endsWith(' chars]') ? line.startsWith(u.text.slice(0, u.text.indexOf('…'))) : u.text === line).toBe(true);
  }
}

for (const [id, parse, samples] of PARSERS) {
  const realLines = samples.flatMap((s) => splitLines(readFileSync(join(FIXTURES, `${s}.txt`), 'utf8')));
  // Real lines, cut and spliced with noise, joined by any line ending.
  const lineArb = fc.oneof(
    fc.constantFrom(...realLines),
    fc.tuple(fc.constantFrom(...realLines), fc.nat(), fc.string()).map(([l, n, s]) => l.slice(0, n % (l.length + 1)) + s),
    fc.string({ unit: 'binary' }),
    fc.constantFrom('', '   ', '\0\0', '\u202e\u001b[31m', 'tcp', 'unix', 'Proto', 'Active ', 'Kernel IPv6 routing table', '\tnexthop via', 'default'),
  );
  const textArb = fc.tuple(fc.array(lineArb, { maxLength: 40 }), fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 1 }))
    .map(([lines, ends]) => lines.map((l, i) => l + ends[i % ends.length]).join(''));

  describe(`${id} never throws and accounts for every line`, () => {
    it('arbitrary strings', () => {
      fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => checkAccounting(parse({ text, artifact: 'raw/f', encoding: 'utf-8' }), text)), { numRuns: 300 });
    });
    it('real lines cut, spliced and mixed with noise and mixed line endings', () => {
      fc.assert(fc.property(textArb, (text) => checkAccounting(parse({ text, artifact: 'raw/f', encoding: 'utf-8' }), text)), { numRuns: 300 });
    });
    it('arbitrary bytes decoded the way the pipeline decodes them', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
          const { text, encoding } = decodeBytes(bytes);
          checkAccounting(parse({ text, artifact: 'raw/f', encoding }), text);
        }),
        { numRuns: 200 },
      );
    });
    it('a 1 MB single line and a truncated last line', () => {
      const big = 'x'.repeat(1 << 20);
      const r = parse({ text: big, artifact: 'raw/f', encoding: 'utf-8' });
      checkAccounting(r, big);
      expect(r.unparsed[0].text.length).toBeLessThan(1000);
      const cut = realLines.join('\n').slice(0, -7);
      checkAccounting(parse({ text: cut, artifact: 'raw/f', encoding: 'utf-8' }), cut);
    });
  });
}
