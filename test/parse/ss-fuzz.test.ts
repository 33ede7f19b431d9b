// Property tests: whatever bytes a compromised host writes, the ss parser neither throws nor loses
// a line, and mutated real rows still account for every line.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParseResult } from '../../src/model.js';
import { accountedLines } from '../../src/parse/result.js';
import { splitLines } from '../../src/parse/text.js';
import { ssParser } from '../../src/parse/ss.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const realLines = splitLines(readFileSync(path.join(repoRoot, 'fixtures/linux/ss-a.txt'), 'utf8'))
  .concat(splitLines(readFileSync(path.join(repoRoot, 'fixtures/linux/ss-tunap.txt'), 'utf8')));

function check(text: string): ParseResult {
  const r = ssParser.parse({ text, artifact: 'raw/ss.stdout', encoding: 'utf-8' });
  expect(accountedLines(r)).toBe(r.lines.total);
  expect(r.lines.total).toBe(splitLines(text).length);
  for (const u of r.unparsed) expect(u.line).toBeGreaterThan(0);
  for (const c of r.connections) {
    expect([4, 6]).toContain(c.ipVersion);
    expect(c.localPort === null || (Number.isInteger(c.localPort) && c.localPort >= 0 && c.localPort <= 65535)).toBe(true);
  }
  return r;
}

const token = fc.constantFrom('tcp', 'udp', 'u_str', 'nl', 'ESTAB', 'UNCONN', 'LISTEN', '0', '128', '*:*', '[::1]:22', '0.0.0.0:*',
  'users:((', '"a b"', ',pid=1', ',fd=3', '))', '(', ')', '"', '%lo', 'ino:5', '<->', '\t', ' ', '\u0000', '\u202e', '\u001b[2J', ':', '[', ']');

describe('ss parser under arbitrary input', () => {
  it('arbitrary strings never throw and every line is accounted', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => { check(s); }), { numRuns: 400 });
  });

  it('lines assembled from ss vocabulary', () => {
    const line = fc.array(token, { maxLength: 14 }).map((t) => t.join(' '));
    fc.assert(fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r'), (lines, eol) => {
      check(['Netid State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess', ...lines].join(eol));
    }), { numRuns: 400 });
  });

  it('real rows with one character replaced or cut short', () => {
    const mutated = fc.tuple(fc.constantFrom(...realLines), fc.nat(), fc.string({ unit: 'binary', maxLength: 3 }), fc.boolean()).map(([l, at, ins, cut]) => {
      const i = at % (l.length + 1);
      return cut ? l.slice(0, i) : l.slice(0, i) + ins + l.slice(i + 1);
    });
    fc.assert(fc.property(fc.array(mutated, { minLength: 1, maxLength: 20 }), (lines) => { check(lines.join('\n')); }), { numRuns: 300 });
  });

  it('a 1 MB single line, NUL bytes and a truncated last row', () => {
    const big = check('tcp ESTAB 0 0 1.2.3.4:5 6.7.8.9:10 users:((' + '"x",pid=1,fd=2),('.repeat(60_000));
    expect(big.lines.total).toBe(1);
    const nul = check('Netid State\u0000 Recv-Q\ntcp\u0000ESTAB 0 0 a:1 b:2\n\u0000\u0000\n');
    expect(nul.lines.total).toBe(3);
    const cut = check(realLines.slice(0, 5).join('\n') + '\nudp   UNCONN    0      0            0.0.0.0:313');
    expect(cut.unparsed).toHaveLength(1);
  });
});
