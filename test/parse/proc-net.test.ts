// /proc/net/{tcp,tcp6,udp,udp6,raw,raw6}: lab fixtures against ground truth, this machine's live
// files, and crafted rows for every state code and address form.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { truth } from './linux-truth.js';
import type { ParseResult } from '../../src/model.js';
import { accountedLines } from '../../src/parse/result.js';
import { detectFormat } from '../../src/parse/registry.js';
import { procNetParser, tableFromName } from '../../src/parse/proc-net.js';
import { formatIpv6, hexIpv4, hexIpv6 } from '../../src/parse/proc-net-hex.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.join(repoRoot, 'fixtures/linux');

const TCP_HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const UDP_HEADER = '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops';

function parse(text: string, artifact: string): ParseResult {
  const r = procNetParser.parse({ text, artifact, encoding: 'utf-8' });
  expect(accountedLines(r)).toBe(r.lines.total);
  return r;
}

function tcpRow(local: string, remote: string, st: string, inode = 1234): string {
  return `   0: ${local} ${remote} ${st} 00000000:00000000 00:00000000 00000000  1000        0 ${inode} 1 0000000000000000 100 0 0 10 0`;
}

describe('hex addresses', () => {
  it('IPv4 is one little-endian word', () => {
    expect(hexIpv4('0100007F', 0)).toBe('127.0.0.1');
    expect(hexIpv4('024D420A', 0)).toBe('10.66.77.2');
    expect(hexIpv4('FFFFFFFF', 0)).toBe('255.255.255.255');
    expect(hexIpv4('0100007G', 0)).toBeNull();
  });

  it('IPv6 is four little-endian words, printed as RFC 5952', () => {
    expect(hexIpv6('0000000000000000FFFF00000100007F', 0)).toBe('::ffff:127.0.0.1');
    expect(hexIpv6('00000000000000000000000001000000', 0)).toBe('::1');
    expect(hexIpv6('00000000000000000000000000000000', 0)).toBe('::');
    expect(hexIpv6('4D0066FD000000000000000002000000', 0)).toBe('fd66:4d::2');
    expect(hexIpv6('000080FE00000000FF005002FEEEDD01', 0)).toBe('fe80::250:ff:1dd:eefe');
    expect(hexIpv6('B80D0120AAAABBBBCCCCDDDD3412EEEE', 0)).toBe('2001:db8:bbbb:aaaa:dddd:cccc:eeee:1234');
  });

  it('RFC 5952: first longest zero run, no single-group ::, lower case', () => {
    const bytes = (groups: number[]) => groups.flatMap((g) => [g >> 8, g & 255]);
    expect(formatIpv6(bytes([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]))).toBe('2001:db8::1:0:0:1');
    expect(formatIpv6(bytes([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1]))).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatIpv6(bytes([0x2001, 0, 0, 1, 0, 0, 0, 1]))).toBe('2001:0:0:1::1');
    expect(formatIpv6(bytes([0xABCD, 0, 0, 0, 0, 0, 0, 0]))).toBe('abcd::');
    expect(formatIpv6(bytes([0, 0, 0, 0, 0, 0, 0x7f00, 1]))).toBe('::7f00:1');
  });
});

describe('lab fixtures', () => {
  const files = ['tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6'];

  it.each(files)('proc-net-%s.txt: zero unparsed, one record per row, detected from content', (name) => {
    const file = path.join(fixtures, `proc-net-${name}.txt`);
    const text = readFileSync(file, 'utf8');
    const r = parse(text, `raw/30-proc-net-${name}.stdout`);
    expect(r.unparsed).toEqual([]);
    expect(r.lines.headers).toBe(1);
    expect(r.connections).toHaveLength(text.trimEnd().split('\n').length - 1);
    expect(r.connections.every((c) => c.protoRaw === name && c.view === 'proc' && c.pid === null && c.process === null)).toBe(true);
    expect(r.connections.every((c) => c.ipVersion === (name.endsWith('6') ? 6 : 4))).toBe(true);
    expect(detectFormat(text)?.parser.info.id).toBe('linux-proc-net');
  });

  it('every ground-truth socket is in the kernel tables with the same addresses and state', () => {
    const all = files.flatMap((name) => parse(readFileSync(path.join(fixtures, `proc-net-${name}.txt`), 'utf8'), `raw/proc-net-${name}.stdout`).connections);
    expect(all).toHaveLength(truth.sockets.length);
    for (const t of truth.sockets) {
      const found = all.filter((c) => c.protocol === t.proto && c.ipVersion === t.ipVersion && c.localAddress === t.localAddress &&
        c.localPort === t.localPort && c.remoteAddress === t.remoteAddress && c.remotePort === t.remotePort && c.state === t.state);
      expect(found, JSON.stringify(t)).toHaveLength(1);
    }
    const timeWait = all.find((c) => c.state === 'TIME_WAIT')!;
    expect(timeWait).toMatchObject({ stateRaw: '06', inode: null, uid: 0 });
    expect(all.filter((c) => c.state !== 'TIME_WAIT').every((c) => typeof c.inode === 'number' && c.inode > 0)).toBe(true);
  });

  it('without a telling file name, raw rows read as udp and a warning says why', () => {
    const r = parse(readFileSync(path.join(fixtures, 'proc-net-raw.txt'), 'utf8'), 'raw/unknown.txt');
    expect(r.connections[0]).toMatchObject({ protocol: 'udp', localPort: 1 });
    expect(r.warnings.join(' ')).toContain('UDP and raw tables look alike');
  });
});

describe('live /proc/net on this machine', () => {
  it.each(['tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6', 'udplite', 'udplite6', 'icmp', 'icmp6'])('/proc/net/%s', (name) => {
    let text: string;
    try {
      text = readFileSync(`/proc/net/${name}`, 'utf8');
    } catch {
      return; // table absent from this kernel (e.g. no IPv6): nothing to compare
    }
    const r = parse(text, `raw/proc-net-${name}.stdout`);
    expect(r.unparsed).toEqual([]);
    expect(r.lines.headers).toBe(1);
    expect(r.connections).toHaveLength(r.lines.total - 1);
    const table = tableFromName(name)!;
    for (const c of r.connections) expect(c.protoRaw).toBe(name.endsWith('6') ? `${table}6` : table);
  });
});

describe('crafted rows', () => {
  it('every TCP state code 01..0C, stateRaw kept', () => {
    const codes = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '0A', '0B', '0C', '0D'];
    const text = [TCP_HEADER, ...codes.map((st) => tcpRow('0100007F:0016', '0200007F:D431', st))].join('\n');
    const r = parse(text, 'raw/proc-net-tcp.stdout');
    expect(r.connections.map((c) => c.state)).toEqual([
      'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV', null,
    ]);
    expect(r.connections.map((c) => c.stateRaw)).toEqual(codes);
    expect(r.connections[0]).toMatchObject({ localAddress: '127.0.0.1', localPort: 22, remoteAddress: '127.0.0.2', remotePort: 54321, uid: 1000, inode: 1234 });
  });

  it('UDP: 07 is no state, 01 is ESTABLISHED; queues are hex', () => {
    const text = [
      UDP_HEADER,
      '  100: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 555 2 0000000000000000 0',
      '  101: 0100007F:9CBB 0100007F:0035 01 000000FF:00000010 00:00000000 00000000   101        0 556 2 0000000000000000 7',
    ].join('\n');
    const r = parse(text, 'raw/proc-net-udp.stdout');
    expect(r.connections.map((c) => [c.protocol, c.state, c.stateRaw, c.localPort, c.remotePort, c.sendQ, c.recvQ])).toEqual([
      ['udp', null, '07', 68, null, 0, 0],
      ['udp', 'ESTABLISHED', '01', 40123, 53, 255, 16],
    ]);
  });

  it('v4-mapped IPv6 rows and the layout known from rows alone (no header)', () => {
    const text = [
      tcpRow('0000000000000000FFFF00000100007F:1F90', '0000000000000000FFFF00000100007F:A3B2', '01'),
      '  1: 00000000000000000000000001000000:0143 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 77 2 0000000000000000 0',
    ].join('\n');
    const r = parse(text, 'raw/kernel-table.txt');
    expect(r.connections.map((c) => [c.protocol, c.ipVersion, c.localAddress, c.localPort, c.state])).toEqual([
      ['tcp', 6, '::ffff:127.0.0.1', 8080, 'ESTABLISHED'],
      ['udp', 6, '::1', 323, null],
    ]);
    expect(detectFormat(text)?.parser.info.id).toBe('linux-proc-net');
  });

  it('concatenated tables: each header sets the layout of the rows below it', () => {
    const text = [TCP_HEADER, tcpRow('0100007F:0016', '00000000:0000', '01'), '', UDP_HEADER,
      '  9: 0100007F:0016 00000000:0000 01 00000000:00000000 00:00000000 00000000 0 0 9 2 0000000000000000 0'].join('\n');
    const r = parse(text, 'raw/all.txt');
    expect(r.connections.map((c) => [c.protocol, c.state])).toEqual([['tcp', 'ESTABLISHED'], ['udp', 'ESTABLISHED']]);
    expect(r.lines).toEqual({ total: 5, records: 2, headers: 2, blank: 1, unparsed: 0 });
  });

  it('file names are hints only: content wins when they disagree', () => {
    expect(tableFromName('raw/31-proc-net-raw6.stdout')).toBe('raw');
    expect(tableFromName('raw/proc-net-udplite.stdout')).toBe('udplite');
    expect(tableFromName('raw/01-netstat-anp.stdout')).toBeNull();
    const r = parse([TCP_HEADER, tcpRow('0100007F:0016', '00000000:0000', '0A')].join('\n'), 'raw/proc-net-udp.stdout');
    expect(r.connections[0].protocol).toBe('tcp');
    expect(r.warnings.join(' ')).toContain('read as tcp');
  });

  it('broken rows are unparsed with a reason; good rows around them are kept', () => {
    const text = [
      TCP_HEADER,
      tcpRow('0100007F:0016', '00000000:0000', '0A'),
      '   1: 0100007F:0016 00000000:0000 0A',
      '   2: 0100007F:0016 000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1 0 100 0 0 10 0',
      '   3: ZZ00007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1 0 100 0 0 10 0',
      '   4: 0100007F:0016 00000000:0000 A 00000000:00000000 00:00000000 00000000 0 0 1 1 0 100 0 0 10 0',
      '   5: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 x 0 1 1 0 100 0 0 10 0',
      'garbage here',
      tcpRow('0100007F:0017', '00000000:0000', '0A'),
    ].join('\n');
    const r = parse(text, 'raw/proc-net-tcp.stdout');
    expect(r.connections.map((c) => c.localPort)).toEqual([22, 23]);
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [3, 'too few fields for a /proc/net socket row'],
      [4, 'addresses are not kernel hex address:port'],
      [5, 'address is not hex'],
      [6, 'state is not a two-digit hex code'],
      [7, 'uid or inode is not a number'],
      [8, 'too few fields for a /proc/net socket row'],
    ]);
  });

  it('detection: headers and rows score, ss and netstat do not', () => {
    expect(procNetParser.detect([TCP_HEADER])).toBeGreaterThan(0.9);
    expect(procNetParser.detect([tcpRow('0100007F:0016', '00000000:0000', '0A')])).toBe(0.8);
    expect(procNetParser.detect(['Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port'])).toBe(0);
    expect(procNetParser.detect(['Proto Recv-Q Send-Q Local Address           Foreign Address         State'])).toBe(0);
  });
});
