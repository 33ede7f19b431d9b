import { describe, expect, it } from 'vitest';
import { windowsRouteParser } from '../../src/parse/windows-route.js';
import { detectFormat } from '../../src/parse/registry.js';
import { decodeBytes, headLines, splitLines } from '../../src/parse/text.js';
import { countBy, expectFullyAccounted, fixtureBytes, parseBytes, sampleBytes, toCp850 } from './windows-helpers.js';

const kind = (r: { ipVersion: number; persistent?: boolean }) => `v${r.ipVersion}${r.persistent ? '-persistent' : '-active'}`;

describe('windows-route on the real Windows 10 `route print` sample', () => {
  const bytes = sampleBytes('windows/windows-10/route.out');
  const text = decodeBytes(bytes).text;
  const r = parseBytes(windowsRouteParser, bytes, 'raw/04-route-print.stdout');
  const rawLines = splitLines(text);
  const at = (line: number) => r.routes.find((x) => x.source.line === line);

  it('accounts for every line with nothing unparsed', () => {
    expect(r.format).toBe('windows-route');
    expect(r.lines).toEqual({ total: 111, records: 91, headers: 18, blank: 2, unparsed: 0 });
    expect(r.unparsed).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(expectFullyAccounted(r, text)).toBe(true);
  });

  it('has the exact counts of IPv4 active, persistent and IPv6 routes and interfaces', () => {
    expect(countBy(r.routes, kind)).toEqual({ 'v4-active': 47, 'v4-persistent': 1, 'v6-active': 26 });
    expect(r.interfaces).toHaveLength(9);
  });

  it('reads the Interface List: index, MAC, name; loopback without MAC', () => {
    expect(r.interfaces[0]).toEqual({ index: '8', mac: '00:ff:58:60:5f:61', name: 'TAP-Windows Adapter V9', source: { artifact: 'raw/04-route-print.stdout', line: 3 } });
    expect(r.interfaces[7]).toMatchObject({ index: '1', mac: null, name: 'Software Loopback Interface 1' });
    expect(r.interfaces[2]).toMatchObject({ index: '64', name: 'Hyper-V Virtual Ethernet Adapter #3' });
  });

  it('turns destination and netmask into CIDR; On-link into a null gateway', () => {
    expect(at(18)).toEqual({
      destination: '0.0.0.0/0', gateway: '192.168.31.1', interface: '192.168.31.221', metric: 30, flags: null, ipVersion: 4,
      source: { artifact: 'raw/04-route-print.stdout', line: 18 }, format: 'windows-route', persistent: false, gatewayKind: 'ip',
    });
    expect(at(19)).toMatchObject({ destination: '127.0.0.0/8', gateway: null, gatewayKind: 'onlink', interface: '127.0.0.1', metric: 331 });
    expect(at(23)).toMatchObject({ destination: '172.17.96.0/20', gateway: null, metric: 5256 });
    expect(r.routes.filter((x) => x.destination === '255.255.255.255/32')).toHaveLength(9);
  });

  it('marks the Persistent Routes table', () => {
    expect(r.routes.filter((x) => x.persistent)).toEqual([
      expect.objectContaining({ destination: '157.0.0.0/8', gateway: '157.55.80.1', interface: null, metric: 3, ipVersion: 4, persistent: true }),
    ]);
  });

  it('reads IPv6 rows, interface index as interface, and rows wrapped onto a second line', () => {
    expect(at(75)).toMatchObject({ destination: '::1/128', interface: '1', metric: 331, gateway: null, ipVersion: 6 });
    const wrapped = at(84);
    expect(wrapped).toMatchObject({ destination: 'fe80::244e:2f1e:2096:62b2/128', interface: '9', metric: 286, gateway: null, gatewayKind: 'onlink' });
    expect(rawLines[84].trim()).toBe('On-link');
    expect(r.routes.filter((x) => x.ipVersion === 6 && x.destination.endsWith('/128'))).toHaveLength(9);
  });

  it('is the format the registry picks for this content', () => {
    expect(detectFormat(text)?.parser.info.id).toBe('windows-route');
    expect(windowsRouteParser.detect(headLines(text))).toBeGreaterThanOrEqual(0.9);
  });
});

describe('windows-route on the Windows XP layout (synthetic)', () => {
  const bytes = fixtureBytes('route-print-xp-synthetic.txt');
  const r = parseBytes(windowsRouteParser, bytes);

  it('reads 0x interface indexes, the Active Routes table and the Default Gateway line', () => {
    expect(r.lines).toEqual({ total: 19, records: 9, headers: 10, blank: 0, unparsed: 0 });
    expect(r.interfaces.map((i) => [i.index, i.mac, i.name])).toEqual([
      ['0x1', null, 'MS TCP Loopback interface'],
      ['0x2', '00:0c:29:5b:8a:1e', 'AMD PCNET Family PCI Ethernet Adapter - Packet Scheduler Miniport'],
    ]);
    expect(r.routes).toHaveLength(7);
    expect(r.routes.every((x) => x.ipVersion === 4 && x.persistent === false)).toBe(true);
    expect(detectFormat(decodeBytes(bytes).text)?.parser.info.id).toBe('windows-route');
  });

  it('treats a gateway equal to the interface address (XP on-link) as directly connected', () => {
    expect(r.routes[0]).toMatchObject({ destination: '0.0.0.0/0', gateway: '192.168.1.1', gatewayKind: 'ip', interface: '192.168.1.10', metric: 20 });
    expect(r.routes[2]).toMatchObject({ destination: '192.168.1.0/24', gateway: null, gatewayKind: 'onlink', interface: '192.168.1.10' });
    expect(r.routes[3]).toMatchObject({ destination: '192.168.1.10/32', gateway: null, interface: '127.0.0.1' });
  });
});

describe('windows-route with persistent tables and wrapped IPv6 rows (synthetic)', () => {
  const r = parseBytes(windowsRouteParser, fixtureBytes('route-print-persistent-synthetic.txt'));

  it('accounts for every line', () => {
    expect(r.lines.unparsed).toBe(0);
    expect(countBy(r.routes, kind)).toEqual({ 'v4-active': 4, 'v4-persistent': 2, 'v6-active': 3, 'v6-persistent': 1 });
  });

  it('reads the persistent IPv4 table, "Default" metric as null', () => {
    const persistent = r.routes.filter((x) => x.persistent && x.ipVersion === 4);
    expect(persistent.map((x) => [x.destination, x.gateway, x.metric, x.interface])).toEqual([
      ['10.8.0.0/16', '10.0.0.1', 5, null],
      ['172.16.99.0/24', '10.0.0.1', null, null],
    ]);
  });

  it('reads IPv6 gateways, the persistent IPv6 table and an 8-byte ISATAP address', () => {
    const v6 = r.routes.filter((x) => x.ipVersion === 6);
    expect(v6.map((x) => [x.destination, x.gateway, x.interface, x.metric, x.persistent])).toEqual([
      ['::/0', 'fe80::1', '12', 281, false],
      ['::1/128', null, '1', 331, false],
      ['2001:db8:42:0:a1b2:c3d4:e5f6:a7b8/128', null, '12', 281, false],
      ['2001:db8:99::/48', 'fe80::1', '0', 4294967295, true],
    ]);
    expect(r.interfaces[1]).toMatchObject({ index: '13', mac: '00:00:00:00:00:00:00:e0', name: 'Microsoft ISATAP Adapter' });
  });
});

describe('windows-route in German (synthetic)', () => {
  const utf8 = fixtureBytes('route-print-de-synthetic.txt');
  const text = utf8.toString('utf8');

  it.each([
    ['UTF-8', utf8],
    ['ANSI latin1', Buffer.from(text, 'latin1')],
    ['OEM cp850', toCp850(text)],
  ])('%s: section titles, "Auf Verbindung" as on-link, "Keine" persistent routes', (_label, bytes) => {
    const r = parseBytes(windowsRouteParser, bytes);
    expect(r.lines.unparsed).toBe(0);
    expect(expectFullyAccounted(r, decodeBytes(bytes).text)).toBe(true);
    expect(r.interfaces).toHaveLength(2);
    expect(r.routes.map((x) => [x.destination, x.gateway, x.interface])).toEqual([
      ['0.0.0.0/0', '10.211.55.1', '10.211.55.3'],
      ['10.211.55.0/24', null, '10.211.55.3'],
      ['127.0.0.0/8', null, '127.0.0.1'],
      ['::1/128', null, '1'],
      ['fe80::/64', null, '12'],
      ['fe80::8d4f:2b1:4ca1:9e3e/128', null, '12'],
    ]);
    expect(r.routes.some((x) => x.persistent)).toBe(false);
    expect(detectFormat(decodeBytes(bytes).text)?.parser.info.id).toBe('windows-route');
  });
});

describe('windows-route on damaged lines', () => {
  const text = [
    'IPv6 Route Table',
    'Active Routes:',
    ' If Metric Network Destination      Gateway',
    ' 12    281 2001:db8::1/128',
    '',
    ' 12    281 2001:db8::2/128',
    ' 12    281 ::/0                     fe80::1',
    'IPv4 Route Table',
    'Active Routes:',
    '          0.0.0.0          0.0.0.0     192.168.31.1   192.168.31.221',
    '        10.0.0.0        255.0.255.0     On-link        10.0.0.5     20',
    'Interface List',
    '  garbage line',
  ].join('\n');
  const r = windowsRouteParser.parse({ text, artifact: 'raw/x', encoding: 'utf-8' });

  it('reports a wrapped row whose gateway line never comes, and rows missing a column', () => {
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [4, 'IPv6 route without its gateway line'],
      [6, 'IPv6 route without its gateway line'],
      [10, 'not a route row'],
      [13, 'not an Interface List entry'],
    ]);
    expect(r.routes.map((x) => x.destination)).toEqual(['::/0', '10.0.0.0/255.0.255.0']);
    expect(expectFullyAccounted(r, text)).toBe(true);
  });
});
