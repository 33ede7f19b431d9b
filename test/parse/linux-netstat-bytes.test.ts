// Issue 16 (ana): with the raw bytes beside an ASCII text, the net-tools parser copies the values it
// keeps (addresses, zones, owners, users, UNIX paths, unparsed lines) from the bytes instead of
// slicing the text, so that no record keeps the whole decoded listing alive. The records must be
// exactly those read from the text alone.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLinuxNetstat } from '../../src/parse/linux-netstat.js';
import { generateLinuxNetstat } from '../../src/parse/linux-netstat-gen.js';
import { splitLines } from '../../src/parse/text.js';

const FIXTURES = resolve(__dirname, '../../fixtures/linux');
const listings = readdirSync(FIXTURES).filter((f) => /^netstat-a|^netstat-l/.test(f));

function both(text: string): [unknown, unknown] {
  const input = { text, artifact: 'raw/01-netstat-anp.stdout', encoding: 'utf-8' };
  return [parseLinuxNetstat(input), parseLinuxNetstat({ ...input, bytes: Buffer.from(text, 'latin1') })];
}

describe('net-tools values copied from the raw bytes', () => {
  it.each(listings)('%s: the same records as from the text alone', (file) => {
    const [fromText, fromBytes] = both(readFileSync(join(FIXTURES, file), 'utf8'));
    expect(fromBytes).toEqual(fromText);
  });

  it('a generated busy host (long IPv6 peers, zones, cut owner names, UNIX paths): the same records', () => {
    const [fromText, fromBytes] = both(generateLinuxNetstat(3_000));
    expect(fromBytes).toEqual(fromText);
  });

  it('real rows cut and spliced with ASCII noise (unparsed lines, odd cells): the same records', () => {
    const real = listings.flatMap((f) => splitLines(readFileSync(join(FIXTURES, f), 'utf8')));
    const line = fc.oneof(
      fc.constantFrom(...real),
      fc.tuple(fc.constantFrom(...real), fc.nat(), fc.string({ unit: fc.constantFrom(' ', ':', '/', '[', ']', '%', '*', 'a', '1', '\t'), maxLength: 30 }))
        .map(([l, at, noise]) => l.slice(0, at % (l.length + 1)) + noise + l.slice(at % (l.length + 1))),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        const [fromText, fromBytes] = both(lines.join(eol));
        expect(fromBytes).toEqual(fromText);
      }),
      { numRuns: 300 },
    );
  });
});
