// Property tests for /proc/net parsing: arbitrary text never throws and every line is accounted;
// any valid row round-trips its address, port and state from the hex the kernel would print.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountedLines } from '../../src/parse/result.js';
import { splitLines } from '../../src/parse/text.js';
import { procNetParser } from '../../src/parse/proc-net.js';
import { forEachLineSpan, forEachLineStart, lineEndAt } from '../../src/parse/line-spans.js';

function parse(text: string, artifact = 'raw/proc-net-tcp.stdout') {
  const r = procNetParser.parse({ text, artifact, encoding: 'utf-8' });
  expect(accountedLines(r)).toBe(r.lines.total);
  expect(r.lines.total).toBe(splitLines(text).length);
  return r;
}

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');
/** The kernel's %08X of a uint32 read from network-order bytes on a little-endian host. */
const leWord = (b: number[]) => hex(((b[3] << 24) >>> 0) + (b[2] << 16) + (b[1] << 8) + b[0], 8);

describe('proc-net parser under arbitrary input', () => {
  it('line spans are exactly splitLines (\\n, \\r\\n, lone \\r, no extra last line)', () => {
    const text = fc.array(fc.oneof(fc.constantFrom('\n', '\r', '\r\n', '\n\r', ' ', 'a'), fc.string({ maxLength: 5 })), { maxLength: 30 }).map((p) => p.join(''));
    fc.assert(fc.property(text, (t) => {
      const spans: string[] = [];
      const count = forEachLineSpan(t, (start, end) => { spans.push(t.slice(start, end)); });
      expect(spans).toEqual(splitLines(t));
      expect(count).toBe(spans.length);
    }), { numRuns: 500 });
  });

  it('forEachLineStart with line ends found by the caller gives the same lines', () => {
    const text = fc.array(fc.oneof(fc.constantFrom('\n', '\r', '\r\n', '\n\r', ' ', 'a'), fc.string({ maxLength: 5 })), { maxLength: 30 }).map((p) => p.join(''));
    fc.assert(fc.property(text, fc.nat(4), (t, skip) => {
      const spans: string[] = [];
      const count = forEachLineStart(t, (start) => {
        // A caller reads some characters first, then asks for the end from where it stopped.
        let i = start;
        for (let k = 0; k < skip && i < t.length && t[i] !== '\n' && t[i] !== '\r'; k++) i++;
        const end = lineEndAt(t, i);
        spans.push(t.slice(start, end));
        return end;
      });
      expect(spans).toEqual(splitLines(t));
      expect(count).toBe(spans.length);
    }), { numRuns: 500 });
  });

  it('arbitrary strings never throw and every line is accounted', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => { parse(s); }), { numRuns: 400 });
  });

  it('hex-looking garbage rows never throw', () => {
    const field = fc.oneof(fc.stringMatching(/^[0-9A-Fa-f:]{0,40}$/), fc.constantFrom('0:', '12:', '0A', '07', '0', '-1', ''));
    const row = fc.array(field, { maxLength: 20 }).map((f) => f.join(' '));
    fc.assert(fc.property(fc.array(row, { maxLength: 10 }), (rows) => { parse(rows.join('\n')); }), { numRuns: 300 });
  });

  it('IPv4 rows: any address, port and state code round-trip', () => {
    const byte = fc.integer({ min: 0, max: 255 });
    fc.assert(fc.property(fc.tuple(byte, byte, byte, byte), fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 12 }), fc.nat({ max: 4_000_000 }), (b, port, st, inode) => {
      const line = `   0: ${leWord(b)}:${hex(port, 4)} 00000000:0000 ${hex(st, 2)} 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 100 0 0 10 0`;
      const r = parse(line);
      expect(r.connections).toHaveLength(1);
      expect(r.connections[0]).toMatchObject({ localAddress: b.join('.'), localPort: port, stateRaw: hex(st, 2), ipVersion: 4, inode: inode === 0 ? null : inode });
    }), { numRuns: 300 });
  });

  it('IPv6 rows: the text is canonical (it parses back to the same 16 bytes)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }), (bytes) => {
      const words = [0, 4, 8, 12].map((i) => leWord(bytes.slice(i, i + 4))).join('');
      const r = parse(`   0: ${words}:0016 ${'0'.repeat(32)}:0000 0A 00000000:00000000 00:00000000 00000000 0 0 5 1 0000000000000000 100 0 0 10 0`, 'raw/proc-net-tcp6.stdout');
      const text = r.connections[0].localAddress;
      const url = new URL(`http://[${text}]/`);
      const expected = new URL(`http://[${bytes.reduce((acc, b, i) => acc + (i % 2 === 0 && i > 0 ? ':' : '') + hex(b, 2), '')}]/`);
      expect(url.hostname).toBe(expected.hostname);
      expect(text).toBe(text.toLowerCase());
      expect(text.includes(':::')).toBe(false);
    }), { numRuns: 300 });
  });
});
