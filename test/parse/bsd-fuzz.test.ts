// Property tests: no input makes the BSD/macOS parsers or lsof throw, and every line is accounted for.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bsdNetstatParser } from '../../src/parse/bsd-netstat.js';
import { bsdRouteParser } from '../../src/parse/bsd-route.js';
import { lsofParser } from '../../src/parse/lsof.js';
import type { Parser } from '../../src/parse/types.js';
import { expectAccounted } from './bsd-helpers.js';

const PARSERS: Parser[] = [bsdNetstatParser, bsdRouteParser, lsofParser];

// Fragments of real line shapes, so the generator reaches deep into the row readers.
const FRAGMENTS = [
  'Active Internet connections (including servers)', 'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)',
  'process:pid', 'rhiwat shiwat pid epid', 'tcp4', 'tcp46', 'udp6', 'icm4', 'ip', '4', '0', '31', '*.*', '*.22', 'fe80::1%lo0.123',
  'kbrazil-mac.attl.https', 'ESTABLISHED', 'SYN_RCVD', 'Google Chrome H:3052', ':', 'Active LOCAL (UNIX) domain sockets',
  'Address Type Recv-Q', 'fffff80003ab6100', 'stream', 'Registered kernel control modules', 'id flags pcbcount rcvbuf sndbuf name',
  'Active kernel control sockets', 'kctl', 'kevt', 'Active Multipath Internet connections', 'mptcp/00', ' tcp4/00', '[tok(0x1)]',
  'Routing tables', 'Internet:', 'Internet6:', 'Destination Gateway Flags Refs Use Mtu Netif Expire', 'default', '127', '224.0.0/4',
  'fe80::%lo0/64', 'link#10', 'ff:ff:ff:ff:ff:ff', 'UGSB', 'UHLWbI', 'COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME',
  'IPv4', 'IPv6', 'unix', 'TCP', 'UDP', '[::1]:631', '*:*', '1.2.3.4:5->6.7.8.9:10', '(LISTEN)', 'Google\\x20Ch', 'no PCB',
  '__proto__', 'constructor', 'Active kernel event sockets', '\u0000', '\u202e', '\u001b[31m', '<script>', '{{x}}', '\t', '  ', '\r', '\n', '\r\n', '\ufffd',
];

const lineish = fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 8 })), { maxLength: 14 })
  .map((parts) => parts.join(' '));
const document = fc.array(lineish, { maxLength: 30 }).chain((lines) =>
  fc.constantFrom('\n', '\r\n', '\r').map((eol) => lines.join(eol)),
);

function check(parser: Parser, text: string): void {
  const result = parser.parse({ text, artifact: 'raw/fuzz', encoding: 'utf-8' });
  expect(expectAccounted(result, text)).toBe(true);
  const records = result.connections.length + result.routes.length + result.unixSockets.length + result.otherSockets.length;
  expect(records).toBe(result.lines.records);
  expect(() => JSON.stringify(result)).not.toThrow();
  parser.detect(text.split('\n').slice(0, 80));
}

describe('BSD and lsof parsers under arbitrary input', () => {
  it('column names taken from a hostile header stay plain names', () => {
    const text = 'Active kernel control sockets\nProto Recv-Q Send-Q __proto__ constructor unit id name\nkctl 0 0 {"a":1} x 1 2 com.evil\n';
    const r = bsdNetstatParser.parse({ text, artifact: 'raw/h', encoding: 'utf-8' });
    expect(r.otherSockets[0]).toMatchObject({ family: 'kctl', local: 'com.evil', peer: 'id=2 unit=1' });
    expect(Object.prototype).not.toHaveProperty('a');
  });

  for (const parser of PARSERS) {
    it(`${parser.info.id}: never throws and accounts for every line (shaped input)`, () => {
      fc.assert(fc.property(document, (text) => check(parser, text)), { numRuns: 400 });
    });

    it(`${parser.info.id}: never throws on arbitrary unicode and binary strings`, () => {
      fc.assert(fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 })), (text) => check(parser, text)), { numRuns: 300 });
    });

    it(`${parser.info.id}: a 1 MB single line and a truncated last line are reported, not fatal`, () => {
      const long = `tcp4 0 0 ${'1'.repeat(1 << 20)}.22 *.* LISTEN`;
      const result = parser.parse({ text: `${long}\ntcp4 0 0 10.0.0.1.2`, artifact: 'raw/big', encoding: 'utf-8' });
      expect(result.lines.total).toBe(2);
      expect(expectAccounted(result)).toBe(true);
      expect(result.unparsed.every((u) => u.text.length < 500)).toBe(true);
      expect(result.unparsed[0]?.line).toBe(1);
    });
  }
});
