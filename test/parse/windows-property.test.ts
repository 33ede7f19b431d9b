// Property tests: whatever a compromised host writes, the Windows parsers never throw and account
// for every line; records point at real lines.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Parser } from '../../src/parse/types.js';
import { windowsNetstatParser } from '../../src/parse/windows-netstat.js';
import { windowsRouteParser } from '../../src/parse/windows-route.js';
import { windowsTasklistParser } from '../../src/parse/windows-tasklist.js';
import { decodeBytes, headLines, splitLines } from '../../src/parse/text.js';
import { expectFullyAccounted, fixtureBytes, sampleBytes } from './windows-helpers.js';

const PARSERS: Parser[] = [windowsNetstatParser, windowsRouteParser, windowsTasklistParser];

/** Real lines of every Windows shape, to be shuffled, cut and mixed with noise. */
const REAL_LINES = [
  sampleBytes('windows/windows-10/netstat-aonb.out'),
  sampleBytes('windows/windows-10/route.out'),
  fixtureBytes('netstat-anob-de-synthetic.txt'),
  fixtureBytes('route-print-xp-synthetic.txt'),
  fixtureBytes('route-print-persistent-synthetic.txt'),
  fixtureBytes('tasklist-v-csv-synthetic.csv'),
].flatMap((b) => splitLines(decodeBytes(b).text).slice(0, 60));

const hostileLine = fc.oneof(
  fc.constantFrom(...REAL_LINES),
  fc.constantFrom(...REAL_LINES).chain((line) => fc.nat(line.length).map((n) => line.slice(0, n))),
  fc.constantFrom('  TCP    ', '  UDP    [', ' [', ']', '"', '","', '%', '0x', '...', '====', '\u0000', '\u001b[31m', '\u202e', '<b>{{x}}</b>'),
  fc.string({ unit: 'binary', maxLength: 80 }),
);
const hostileText = fc.tuple(fc.array(hostileLine, { maxLength: 40 }), fc.constantFrom('\r\n', '\n', '\r')).map(([lines, eol]) => lines.join(eol));

function check(parser: Parser, text: string): void {
  const result = parser.parse({ text, artifact: 'raw/p', encoding: 'utf-8' });
  expect(expectFullyAccounted(result, text)).toBe(true);
  expect(result.unparsed.length).toBe(result.lines.unparsed);
  const total = result.lines.total;
  for (const rec of [...result.connections, ...result.routes, ...result.interfaces]) {
    expect(rec.source.line).toBeGreaterThanOrEqual(1);
    expect(rec.source.line).toBeLessThanOrEqual(total);
  }
  const score = parser.detect(headLines(text));
  expect(score).toBeGreaterThanOrEqual(0);
  expect(score).toBeLessThanOrEqual(1);
}

describe.each(PARSERS.map((p) => [p.info.id, p] as const))('%s with hostile input', (_id, parser) => {
  it('never throws on arbitrary strings; every line accounted for', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => check(parser, text)), { numRuns: 300 });
  });

  it('never throws on arbitrary bytes decoded like the pipeline does', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => check(parser, decodeBytes(bytes).text)), { numRuns: 300 });
  });

  it('never throws on real lines cut, shuffled and mixed with noise', () => {
    fc.assert(fc.property(hostileText, (text) => check(parser, text)), { numRuns: 400 });
  });
});

describe('windows-netstat: owner lines and states read again give what they gave the first time', () => {
  // The parser reuses the last [image], owner line and state while they repeat, and remembers which
  // sentences are owner notes or headers: a second copy of the same text, read with all of that
  // warm, must give exactly the records and unparsed lines the first (cold) read gave.
  const linesOf = fc.tuple(fc.array(hostileLine.map((l) => l.replace(/[\r\n]/g, '')), { maxLength: 40 }), fc.constantFrom('\r\n', '\n'));
  it('on real lines cut, shuffled and mixed with noise', () => {
    fc.assert(
      fc.property(linesOf, ([lines, eol]) => {
        const cold = windowsNetstatParser.parse({ text: lines.join(eol), artifact: 'raw/p', encoding: 'utf-8' });
        const both = windowsNetstatParser.parse({ text: [...lines, 'Active Connections', ...lines].join(eol), artifact: 'raw/p', encoding: 'utf-8' });
        const off = lines.length + 1;
        const second = both.connections.filter((c) => c.source.line > off).map((c) => ({
          ...c, source: { ...c.source, line: c.source.line - off }, ...(c.ownerLines ? { ownerLines: c.ownerLines.map((n) => n - off) } : {}),
        }));
        expect(second).toEqual(cold.connections);
        expect(both.unparsed.filter((u) => u.line > off).map((u) => ({ ...u, line: u.line - off }))).toEqual(cold.unparsed);
      }),
      { numRuns: 400 },
    );
  });
});
