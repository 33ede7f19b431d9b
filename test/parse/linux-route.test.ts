import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParseResult, Route } from '../../src/model.js';
import { linuxRouteParser, maskToPrefix, parseLinuxRoute } from '../../src/parse/linux-route.js';
import { accountedLines } from '../../src/parse/result.js';
import { detectFormat } from '../../src/parse/registry.js';
import { headLines } from '../../src/parse/text.js';

const ROOT = resolve(__dirname, '../..');
const FIXTURES = join(ROOT, 'fixtures/linux');
const SAMPLES = resolve(ROOT, '../shared/samples');
const read = (path: string): string => readFileSync(path, 'utf8');
const parse = (text: string, artifact = 'raw/x'): ParseResult => parseLinuxRoute({ text, artifact, encoding: 'utf-8' });
const fixture = (name: string): ParseResult => parse(read(join(FIXTURES, `${name}.txt`)), `raw/${name}.txt`);

function expectClean(r: ParseResult): void {
  expect(r.unparsed).toEqual([]);
  expect(r.warnings).toEqual([]);
  expect(accountedLines(r)).toBe(r.lines.total);
}
const byDest = (r: ParseResult, d: string): Route[] => r.routes.filter((x) => x.destination === d);

describe('linux-route: IPv4 tables in every header variant', () => {
  const variants = ['netstat-rn', 'netstat-rne', 'netstat-rnee', 'route-n', 'route-ne', 'route-nee'];
  it.each(variants)('%s: 14 routes, 2 header lines, nothing unparsed', (name) => {
    const r = fixture(name);
    expectClean(r);
    expect(r.routes).toHaveLength(14);
    expect(r.lines).toEqual({ total: 16, records: 14, headers: 2, blank: 0, unparsed: 0 });
    expect(r.routes.every((x) => x.ipVersion === 4 && x.format === 'linux-route')).toBe(true);
  });

  it('every variant agrees on destination, gateway, interface, flags and type', () => {
    const key = (x: Route) => [x.destination, x.gateway, x.flags, x.type].join(' ');
    const first = fixture('route-n').routes;
    for (const name of variants) {
      const routes = fixture(name).routes;
      expect(routes.map(key), name).toEqual(first.map(key));
      // -ee cuts Iface to its column (`mgmt-u` for mgmt-uplink0123): a prefix of the name.
      routes.forEach((x, i) => expect(first[i].interface?.startsWith(x.interface ?? '') ?? x.interface === null, name).toBe(true));
    }
  });

  it('reads the facts of the routes the lab created', () => {
    const r = fixture('route-n');
    expect(byDest(r, '0.0.0.0/0')).toMatchObject([{ gateway: '10.66.77.1', interface: 'eth0', metric: 100, flags: 'UG', type: 'unicast' }]);
    expect(byDest(r, '10.66.77.0/24')).toMatchObject([{ gateway: null, interface: 'eth0', flags: 'U' }]);
    expect(byDest(r, '203.0.113.7/32')).toMatchObject([{ gateway: '10.66.77.1', metric: 5, flags: 'UGH' }]);
    expect(byDest(r, '100.64.0.0/10')).toMatchObject([{ gateway: null, interface: null, metric: 50, flags: '!', type: 'reject' }]);
    expect(byDest(r, '198.18.0.0/15')).toMatchObject([{ type: 'reject' }]);
    expect(byDest(r, '192.0.2.0/24')).toMatchObject([{ interface: null, type: 'blackhole' }]);
    expect(byDest(r, '172.21.0.0/16')).toMatchObject([{ gateway: '172.20.0.254', interface: 'mgmt-uplink0123', metric: 300 }]);
    // MSS Window irtt tables have no Metric column: metric is unknown, not 0.
    expect(fixture('netstat-rn').routes.every((x) => x.metric === null)).toBe(true);
    // -ee cuts the interface name to its column: kept as printed.
    expect(byDest(fixture('route-nee'), '172.21.0.0/16')[0].interface).toBe('mgmt-u');
  });

  it('netmasks become prefix lengths; non-contiguous masks are refused', () => {
    expect(maskToPrefix('255.255.255.255')).toBe(32);
    expect(maskToPrefix('255.254.0.0')).toBe(15);
    expect(maskToPrefix('0.0.0.0')).toBe(0);
    expect(maskToPrefix('255.0.255.0')).toBeNull();
    const r = parse('Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n10.0.0.0        0.0.0.0         255.0.255.0     U     0      0        0 eth0\n');
    expect(r.unparsed[0]).toMatchObject({ line: 3, reason: 'Genmask not a netmask: 255.0.255.0' });
  });

  it('route without -n: default and * are read', () => {
    const r = parse('Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\ndefault         _gateway        0.0.0.0         UG    100    0        0 ens33\n192.168.1.0     *               255.255.255.0   U     0      0        0 ens33\n');
    expectClean(r);
    expect(r.routes.map((x) => [x.destination, x.gateway])).toEqual([['0.0.0.0/0', '_gateway'], ['192.168.1.0/24', null]]);
  });
});

describe('linux-route: the IPv6 table', () => {
  it.each(['route-6-n', 'netstat-rn-inet6'])('%s: 23 routes including reject and a long destination', (name) => {
    const r = fixture(name);
    expectClean(r);
    expect(r.routes).toHaveLength(23);
    expect(r.lines).toEqual({ total: 25, records: 23, headers: 2, blank: 0, unparsed: 0 });
    expect(r.routes.every((x) => x.ipVersion === 6)).toBe(true);
    expect(byDest(r, '2001:db8:dead:beef:cafe:babe:f00d:1/128')).toMatchObject([{ gateway: 'fd66:4d::1', metric: 1024, flags: 'UG', interface: 'eth0' }]);
    const rejects = r.routes.filter((x) => x.type === 'reject');
    expect(rejects.map((x) => x.destination).sort()).toEqual(['2001:db8:666::/48', '2001:db8:bad::/48', '2001:db8:dead::/48', '::/0', '::/0']);
    // The kernel's catch-all reject route has metric 0xffffffff, printed -1: kept as printed.
    expect(rejects.filter((x) => x.metric === -1)).toHaveLength(2);
    expect(byDest(r, '2001:db8:3::/64').map((x) => x.gateway)).toEqual(['fd66:4d::1', 'fd66:4d::3']);
    expect(byDest(r, '2001:db8:2::/64')[0].flags).toBe('UGe');
  });

  it('the real CentOS route -6 sample (names resolved, [::] brackets)', () => {
    const r = parse(read(join(SAMPLES, 'centos-7.7/route-6.out')), 'raw/route-6.out');
    expectClean(r);
    expect(r.routes).toHaveLength(21);
    expect(r.lines).toEqual({ total: 24, records: 21, headers: 2, blank: 1, unparsed: 0 });
    expect(r.routes[0]).toMatchObject({ destination: '::/96', gateway: null, flags: '!n', metric: 1024, interface: 'lo', type: 'reject' });
    expect(r.routes[8]).toMatchObject({ destination: 'unknown000c293b580e.attlocal.net/128', interface: 'ens33', metric: 100 });
    expect(r.routes[10]).toMatchObject({ destination: '2600:1700:bab0:d40::/60', gateway: 'gateway', flags: 'UG' });
    expect(r.routes[14]).toMatchObject({ destination: '::/0', metric: -1, type: 'reject' });
  });

  it('over-long destinations glued to the next hop, and Ref glued to Use', () => {
    const r = parse(
      'Kernel IPv6 routing table\nDestination                    Next Hop                   Flag Met Ref Use If\n' +
        '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1234/128fe80::1     UG   1024 1      0 eth0\n' +
        '2001:db8::/64                  ::                         U    256 12123456 eth0\n',
    );
    expect(r.unparsed).toEqual([]);
    expect(r.routes[0]).toMatchObject({ destination: '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1234/128', gateway: 'fe80::1', metric: 1024, interface: 'eth0' });
    expect(r.warnings[0]).toMatch(/raw\/x:3: destination and next hop printed without a gap/);
    expect(r.routes[1]).toMatchObject({ destination: '2001:db8::/64', metric: 256, interface: 'eth0' });
  });
});

describe('linux-route detection', () => {
  it('claims route tables and nothing else', () => {
    for (const name of ['netstat-rn', 'netstat-rne', 'netstat-rnee', 'route-n', 'route-nee', 'route-6-n', 'netstat-rn-inet6']) {
      const text = read(join(FIXTURES, `${name}.txt`));
      expect(linuxRouteParser.detect(headLines(text)), name).toBeGreaterThanOrEqual(0.9);
      expect(detectFormat(text)?.parser.info.id, name).toBe('linux-route');
    }
    expect(detectFormat(read(join(SAMPLES, 'centos-7.7/route-6.out')))?.parser.info.id).toBe('linux-route');
    for (const name of ['netstat-anp', 'ip-route-table-all', 'ss-tunap', 'proc-net-tcp']) {
      expect(linuxRouteParser.detect(headLines(read(join(FIXTURES, `${name}.txt`)))), name).toBe(0);
    }
    expect(linuxRouteParser.detect(headLines(read(join(SAMPLES, 'osx-10.14.6/netstat-rnl.out'))))).toBe(0);
  });
});
