import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { truth } from './linux-truth.js';
import type { ParseResult } from '../../src/model.js';
import { ipRouteParser, parseIpRoute } from '../../src/parse/ip-route.js';
import { accountedLines } from '../../src/parse/result.js';
import { detectFormat } from '../../src/parse/registry.js';
import { headLines } from '../../src/parse/text.js';

const ROOT = resolve(__dirname, '../..');
const FIXTURES = join(ROOT, 'fixtures/linux');
const read = (name: string): string => readFileSync(join(FIXTURES, `${name}.txt`), 'utf8');
const parse = (text: string): ParseResult => parseIpRoute({ text, artifact: 'raw/x', encoding: 'utf-8' });


function expectClean(r: ParseResult): void {
  expect(r.unparsed).toEqual([]);
  expect(r.warnings).toEqual([]);
  expect(accountedLines(r)).toBe(r.lines.total);
}

describe('ip-route on the namespace fixtures', () => {
  const cases: Array<[string, number, number, number]> = [
    // file, lines, routes (one per nexthop: a multipath head line yields none), IPv6 routes
    ['ip-route', 16, 15, 0],
    ['ip-4-route-table-all', 29, 28, 0],
    ['ip-route-table-all', 51, 49, 21],
    ['ip-6-route-table-all', 22, 21, 21],
  ];
  it.each(cases)('%s: every line a record, exact route counts', (name, lines, routes, v6) => {
    const r = parseIpRoute({ text: read(name), artifact: `raw/${name}.txt`, encoding: 'utf-8' });
    expectClean(r);
    expect(r.lines).toEqual({ total: lines, records: lines, headers: 0, blank: 0, unparsed: 0 });
    expect(r.routes).toHaveLength(routes);
    expect(r.routes.filter((x) => x.ipVersion === 6)).toHaveLength(v6);
    for (const x of r.routes) expect(x.destination.includes(':') ? 6 : 4, x.destination).toBe(x.ipVersion);
  });

  it('recovers every route the lab added, with type, gateway(s), device, metric, table and proto', () => {
    const r = parse(read('ip-route-table-all'));
    expect(truth.routes).toHaveLength(24);
    for (const t of truth.routes) {
      const found = r.routes.filter((x) => x.destination === t.destination && x.ipVersion === t.ipVersion && x.table === t.table && x.type === t.type);
      expect(found.length, `${t.type} ${t.destination} table ${t.table}`).toBe(Math.max(1, t.gateways.length));
      expect(found.map((x) => x.gateway)).toEqual(t.gateways.length > 0 ? t.gateways : [null]);
      for (const x of found) {
        if (t.dev !== null) expect(x.interface).toBe(t.dev);
        if (t.metric !== null) expect(x.metric).toBe(t.metric);
        if (t.proto !== null) expect(x.proto).toBe(t.proto);
      }
    }
  });

  it('reads the attributes and flags', () => {
    const r = parse(read('ip-route-table-all'));
    const find = (d: string, table = 'main') => r.routes.filter((x) => x.destination === d && x.table === table);
    expect(find('0.0.0.0/0')[0]).toMatchObject({ gateway: '10.66.77.1', interface: 'eth0', proto: 'dhcp', src: '10.66.77.2', metric: 100, type: 'unicast', flags: null });
    expect(find('10.66.77.0/24')[0]).toMatchObject({ gateway: null, proto: 'kernel', scope: 'link', metric: null });
    expect(find('192.168.251.0/24')[0].flags).toBe('linkdown');
    expect(find('192.168.252.0/24')[0].flags).toBe('onlink');
    expect(find('198.51.100.0/24')[0]).toMatchObject({ metric: 20, flags: null });
    expect(find('172.16.0.0/12', '100')[0]).toMatchObject({ type: 'throw', gateway: null, interface: null });
    expect(find('10.66.77.2/32', 'local')[0]).toMatchObject({ type: 'local', scope: 'host', src: '10.66.77.2' });
    expect(find('172.31.0.0/16').map((x) => [x.gateway, x.source.line])).toEqual([['10.66.77.1', 12], ['10.66.77.3', 13]]);
    expect(find('::/0')[0]).toMatchObject({ gateway: 'fd66:4d::1', metric: 1024, ipVersion: 6 });
    expect(find('2001:db8:dead:beef:cafe:babe:f00d:1/128')[0]).toMatchObject({ proto: 'static', gateway: 'fd66:4d::1' });
    expect(find('ff00::/8', 'local').map((x) => x.type)).toEqual(['multicast', 'multicast', 'multicast']);
  });

  it('a bare default in an ip -6 listing is ::/0', () => {
    const r = parse('unreachable default dev lo metric 1024 pref medium\nfe80::/64 dev eth0 proto kernel metric 256 pref medium\n');
    expectClean(r);
    expect(r.routes.map((x) => [x.destination, x.ipVersion, x.type])).toEqual([['::/0', 6, 'unreachable'], ['fe80::/64', 6, 'unicast']]);
    const v4 = parse('blackhole default\n10.0.0.0/8 dev eth0 scope link\n');
    expect(v4.routes.map((x) => [x.destination, x.type])).toEqual([['0.0.0.0/0', 'blackhole'], ['10.0.0.0/8', 'unicast']]);
  });

  it('IPv4 via an IPv6 gateway, mtu lock, expires, nexthop flags; bad lines kept with reasons', () => {
    const r = parse(
      '192.0.2.0/24 via inet6 fe80::1 dev eth0 proto bgp metric 20 mtu lock 1400\n' +
        '10.9.0.0/16 proto static\n' +
        '\tnexthop via 10.0.0.1 dev eth0 weight 1 dead linkdown\n' +
        '\tnexthop via 10.0.0.2 dev eth1 weight 1\n' +
        '\n' +
        'this is not a route\n' +
        '\tnexthop via 10.0.0.3 dev eth0 weight 1\n' +
        '    cache expires 10sec\n',
    );
    expect(r.routes[0]).toMatchObject({ destination: '192.0.2.0/24', gateway: 'fe80::1', ipVersion: 4, proto: 'bgp', metric: 20 });
    expect(r.routes.slice(1).map((x) => [x.gateway, x.interface, x.flags, x.proto])).toEqual([
      ['10.0.0.1', 'eth0', 'dead linkdown', 'static'],
      ['10.0.0.2', 'eth1', null, 'static'],
    ]);
    expect(r.lines).toEqual({ total: 8, records: 4, headers: 0, blank: 1, unparsed: 3 });
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [6, 'not a route destination: this'],
      [7, 'nexthop line without a route above it'],
      [8, 'continuation line not understood'],
    ]);
    expect(r.warnings[0]).toMatch(/raw\/x: 3 line\(s\) not understood, first at line 6/);
  });

  it('is detected from content, and does not claim netstat/route/ss output', () => {
    for (const name of ['ip-route', 'ip-4-route-table-all', 'ip-route-table-all', 'ip-6-route-table-all']) {
      expect(ipRouteParser.detect(headLines(read(name))), name).toBeGreaterThanOrEqual(0.85);
      expect(detectFormat(read(name))?.parser.info.id, name).toBe('ip-route');
    }
    for (const name of ['netstat-anp', 'route-n', 'route-6-n', 'ss-tunap', 'ss-a', 'proc-net-tcp', 'netstat-rn-inet6']) {
      expect(ipRouteParser.detect(headLines(read(name))), name).toBeLessThan(0.3);
    }
  });
});

describe('ip-route on large input', () => {
  // A quadratic family lookup would not finish within the test timeout.
  it('100,000 bare defaults take their family from the one IPv6 route at the end', () => {
    const text = 'blackhole default\n'.repeat(100_000) + 'fe80::/64 dev eth0\n';
    const r = parse(text);
    expect(r.routes).toHaveLength(100_001);
    expect(r.routes[0].destination).toBe('::/0');
  });
});
