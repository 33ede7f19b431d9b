// Issue 16 (mem): a plain ASCII net-tools listing is read from its file 64 KiB at a time, each piece
// cut after a \n (parse/read-artifact.ts), so that neither the whole file's bytes nor its decoded
// text stay in memory. Whatever the piece size, line terminators and content, the result must be
// exactly what the parser gives for the whole decoded text; anything else (UTF-8 beyond ASCII,
// latin1, UTF-16, BOMs, a head too long to sniff) is read whole as before.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { generateLinuxNetstat } from '../../src/parse/linux-netstat-gen.js';
import { parseArtifactFile } from '../../src/parse/read-artifact.js';
import { parseText } from '../../src/parse/registry.js';
import { decodeBytes, splitLines } from '../../src/parse/text.js';

const FIXTURES = resolve(__dirname, '../../fixtures/linux');
const listings = readdirSync(FIXTURES).filter((f) => /^netstat-a|^netstat-l/.test(f));
const SIZES = [1, 2, 5, 64, 4096, 65536];
const ARTIFACT = 'raw/01-netstat-anp.stdout';

const dir = mkdtempSync(join(tmpdir(), 'nc-pieces-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** The parse of the whole file, as parse/evidence.ts read every artifact before. */
function whole(bytes: Buffer): unknown {
  const { text, encoding } = decodeBytes(bytes);
  const sameOffsets = encoding === 'utf-8' && text.length === bytes.length;
  return parseText(text, ARTIFACT, encoding, sameOffsets ? bytes : undefined);
}

function inPieces(bytes: Buffer, size: number): unknown {
  const path = join(dir, `f${files++}`);
  writeFileSync(path, bytes);
  return parseArtifactFile(path, ARTIFACT, size);
}

function expectSame(bytes: Buffer, sizes = SIZES): void {
  const expected = whole(bytes);
  for (const size of sizes) {
    const got = inPieces(bytes, size);
    expect(JSON.stringify(got), `piece size ${size}`).toBe(JSON.stringify(expected));
    expect(got).toEqual(expected);
  }
}

describe('net-tools listing read in pieces', () => {
  it.each(listings)('%s (alone, and three times over: past the 80 lines sniffed first): the same result for every piece size', (file) => {
    const bytes = readFileSync(join(FIXTURES, file));
    expectSame(bytes);
    expectSame(Buffer.concat([bytes, bytes, bytes]));
  });

  it('a generated busy host (IPv6 zones, cut owner names, -W cells, UNIX paths): the same result', () => {
    expectSame(Buffer.from(generateLinuxNetstat(3_000), 'latin1'), [1, 7, 100, 65536]);
  });

  it('real rows, noise and every terminator (\\n, \\r\\n, \\r, \\r\\r\\n, blank lines, no final one): the same result', () => {
    const real = listings.flatMap((f) => splitLines(readFileSync(join(FIXTURES, f), 'utf8')));
    const line = fc.oneof(
      fc.constantFrom(...real),
      fc.constant(''),
      fc.tuple(fc.constantFrom(...real), fc.nat(), fc.string({ unit: fc.constantFrom(' ', ':', '/', '[', ']', '*', 'a', '1', '\t', '\0', '\x1b'), maxLength: 30 }))
        .map(([l, at, noise]) => l.slice(0, at % (l.length + 1)) + noise + l.slice(at % (l.length + 1))),
    );
    const eol = fc.constantFrom('\n', '\r\n', '\r', '\r\r\n');
    fc.assert(
      fc.property(fc.array(fc.tuple(line, eol), { minLength: 1, maxLength: 240 }), fc.boolean(), fc.integer({ min: 1, max: 300 }), (lines, final, size) => {
        const head = `Active Internet connections (servers and established)\n${real.find((l) => l.startsWith('Proto Recv-Q'))}\n`;
        let text = head + lines.map(([l, e]) => l + e).join('');
        if (!final) text = text.replace(/[\r\n]+$/, '');
        expectSame(Buffer.from(text, 'latin1'), [size]);
      }),
      { numRuns: 120 },
    );
  });

  it('a line longer than the piece (a hostile 300 KiB program name) is read whole', () => {
    const base = readFileSync(join(FIXTURES, 'netstat-anp.txt'), 'latin1');
    const long = base.replace(/(\d+\/)sshd/, `$1${'A'.repeat(300 * 1024)}`);
    expect(long).not.toBe(base);
    expectSame(Buffer.from(long, 'latin1'), [64, 65536]);
  });

  it('bytes beyond ASCII anywhere (UTF-8, latin1 owner names), BOMs and UTF-16: read whole, the same result', () => {
    const base = readFileSync(join(FIXTURES, 'netstat-anp.txt'), 'latin1');
    const late = (name: Buffer) => Buffer.concat([Buffer.from(base.repeat(40), 'latin1'), Buffer.from('tcp        0      0 0.0.0.0:4444            0.0.0.0:*               LISTEN      77/'), name, Buffer.from('\n')]);
    expectSame(late(Buffer.from('nc-ü', 'utf8')), [64, 65536]);
    expectSame(late(Buffer.from([0x6e, 0x63, 0xfc])), [64, 65536]);
    expectSame(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(base, 'latin1')]));
    expectSame(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(base, 'utf16le')]));
    expectSame(Buffer.from(base, 'utf16le'));
  });

  it('a head that is not a listing within its first 80 lines is sniffed as the whole text is', () => {
    const base = readFileSync(join(FIXTURES, 'netstat-anp.txt'), 'latin1');
    // 79 long lines of noise: the first 80 lines end beyond 1 MiB (read whole), or within it.
    expectSame(Buffer.from(`${'x'.repeat(14_000)}\n`.repeat(79) + base, 'latin1'), [4096]);
    expectSame(Buffer.from(`${'x'.repeat(1_000)}\n`.repeat(79) + base, 'latin1'), [64, 4096]);
    expectSame(Buffer.from('\n'.repeat(100) + base, 'latin1'), [1, 4096]);
    expectSame(Buffer.from('', 'latin1'), [1, 64]);
  });
});
