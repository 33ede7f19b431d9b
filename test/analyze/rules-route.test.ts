// Routing-table rules: a case that fires and one that must not, for each.
import { describe, expect, it } from 'vitest';
import { established, findingsOf, route, winRoute, type Host } from './helpers.js';

const lan = [route('0.0.0.0/0', '192.168.1.1', 'eth0', { metric: 100 }), route('192.168.1.0/24', null, 'eth0', { metric: 100 })];

interface Case {
  rule: string;
  fires: Host;
  quiet: Host;
  severity: string;
}

const cases: Case[] = [
  {
    rule: 'ROUTE-MULTI-DEFAULT',
    fires: { routes: [...lan, route('0.0.0.0/0', '192.168.1.66', 'eth0', { metric: 10 })] },
    // Same gateway printed by netstat -rn and ip route is one route; an IPv6 default is another family.
    quiet: { routes: [...lan, route('0.0.0.0/0', '192.168.1.1', 'eth0', { metric: 100, format: 'linux-netstat' }), route('::/0', 'fe80::1', 'eth0')] },
    severity: 'medium',
  },
  {
    rule: 'ROUTE-HOST-ODD-GW',
    fires: { routes: [...lan, route('198.51.100.7/32', '192.168.1.254', 'eth0')] },
    quiet: { routes: [...lan, route('192.168.1.254/32', null, 'eth0'), route('169.254.169.254/32', '192.168.1.254', 'eth0')] },
    severity: 'medium',
  },
  {
    rule: 'ROUTE-BLACKHOLE',
    fires: { routes: [...lan, route('192.0.2.0/24', null, null, { type: 'blackhole' })] },
    // The IPv6 reject routes the kernel itself installs (route -6) are not evidence.
    quiet: { routes: [...lan, route('[::]/96', '[::]', 'lo', { flags: '!n', metric: 1024 }), route('2002:a00::/24', '[::]', 'lo', { flags: '!n' }), route('[::]/0', '[::]', 'lo', { flags: '!n', metric: -1 })] },
    severity: 'medium',
  },
  {
    rule: 'ROUTE-GW-OFFLINK',
    fires: { routes: [...lan, route('172.16.50.0/24', '192.168.99.1', 'eth0', { flags: 'UG onlink' })] },
    // Cloud style: the gateway has its own on-link host route.
    quiet: { routes: [route('0.0.0.0/0', '10.128.0.1', 'ens4'), route('10.128.0.1/32', null, 'ens4'), route('10.0.0.0/8', '10.128.0.1', 'ens4')] },
    severity: 'medium',
  },
  {
    rule: 'ROUTE-VPN-BYPASS',
    fires: {
      routes: [...lan, route('0.0.0.0/1', null, 'tun0'), route('128.0.0.0/1', null, 'tun0'), route('203.0.113.10/32', '192.168.1.1', 'eth0'), route('198.51.100.0/24', '192.168.1.1', 'eth0')],
      connections: [established('192.168.1.5:50000', '203.0.113.10:1194', 900, 'openvpn', { protocol: 'udp', state: null })],
    },
    quiet: {
      routes: [...lan, route('0.0.0.0/1', null, 'tun0'), route('128.0.0.0/1', null, 'tun0'), route('203.0.113.10/32', '192.168.1.1', 'eth0'), route('10.20.0.0/16', '192.168.1.1', 'eth0')],
      connections: [established('192.168.1.5:50000', '203.0.113.10:1194', 900, 'openvpn', { protocol: 'udp', state: null })],
    },
    severity: 'high',
  },
  {
    rule: 'ROUTE-PERSISTENT-WIN',
    fires: { os: 'windows', routes: [winRoute('0.0.0.0/0', '192.168.31.1', '192.168.31.221'), winRoute('157.0.0.0/8', '157.55.80.1', null, { persistent: true, metric: 3 })] },
    quiet: { os: 'windows', routes: [winRoute('0.0.0.0/0', '192.168.31.1', '192.168.31.221'), winRoute('192.168.31.0/24', null, '192.168.31.221')] },
    severity: 'low',
  },
];

describe.each(cases)('$rule', ({ rule, fires, quiet, severity }) => {
  it('fires, pointing at the route lines', () => {
    const found = findingsOf(fires, rule);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.severity).toBe(severity);
    expect(found[0]!.subject).toBe('route');
    expect(found[0]!.refs.length).toBeGreaterThan(0);
  });
  it('stays quiet on an ordinary table', () => {
    expect(findingsOf(quiet, rule)).toEqual([]);
  });
});

describe('route details', () => {
  it('net-tools prints an IPv4 blackhole as an on-link route without device', () => {
    const found = findingsOf({ routes: [...lan, route('192.0.2.0/24', '0.0.0.0', '*', { format: 'linux-netstat', flags: 'U' })] }, 'ROUTE-BLACKHOLE');
    expect(found).toHaveLength(1);
  });
  it('the same blackhole from netstat -rn and ip route is one finding with both lines', () => {
    const found = findingsOf({ routes: [...lan, route('192.0.2.0/24', '0.0.0.0', '*', { format: 'linux-netstat', flags: 'U' }), route('192.0.2.0/24', null, null, { type: 'blackhole' })] }, 'ROUTE-BLACKHOLE');
    expect(found).toHaveLength(1);
    expect(found[0]!.refs).toHaveLength(2);
  });
  it('Windows: a non-loopback destination on the loopback interface is a blackhole', () => {
    const found = findingsOf({ os: 'windows', routes: [winRoute('127.0.0.0/8', null, '127.0.0.1'), winRoute('157.0.0.0/8', '157.55.80.1', '127.0.0.1')] }, 'ROUTE-BLACKHOLE');
    expect(found).toHaveLength(1);
    expect(found[0]!.rationale).toMatch(/loopback/);
  });
  it('a persistent default route is medium', () => {
    expect(findingsOf({ os: 'windows', routes: [winRoute('0.0.0.0/0', '10.0.0.66', null, { persistent: true })] }, 'ROUTE-PERSISTENT-WIN')[0]?.severity).toBe('medium');
  });
  it('a host route pinned to one of two competing default gateways is reported', () => {
    const routes = [...lan, route('0.0.0.0/0', '192.168.1.66', 'eth0', { metric: 10 }), route('198.51.100.7/32', '192.168.1.66', 'eth0')];
    const found = findingsOf({ routes }, 'ROUTE-HOST-ODD-GW')[0];
    // The judgement is interpretation; the facts list the default routes it was compared with.
    expect(found?.rationale).toMatch(/competing/);
    expect(found?.detail).toContain('0.0.0.0/0 via 192.168.1.66 dev eth0 metric 10');
    expect(found?.detail).toContain('0.0.0.0/0 via 192.168.1.1 dev eth0 metric 100');
    expect(found?.refs).toHaveLength(3);
  });
  // Issue 12 item 2: "equal metrics: traffic is split" was printed for metrics 10 and 100, because
  // the netstat -rn record (no metric column) stood for both routes and its missing metric read as 0.
  it('multiple defaults: the metrics are those the cited lines print, never a default', () => {
    const netstat = (gw: string) => route('0.0.0.0/0', gw, 'eth0', { metric: null, format: 'linux-route', flags: 'UG' });
    const ip = (gw: string, metric: number) => route('0.0.0.0/0', gw, 'eth0', { metric, format: 'ip-route', type: undefined });
    const both = findingsOf({ routes: [netstat('10.0.0.66'), netstat('10.0.0.1'), ip('10.0.0.66', 10), ip('10.0.0.1', 100)] }, 'ROUTE-MULTI-DEFAULT')[0];
    expect(both?.detail).toBe('IPv4 default routes: 0.0.0.0/0 via 10.0.0.66 dev eth0 metric 10; 0.0.0.0/0 via 10.0.0.1 dev eth0 metric 100.');
    expect(both?.detail).not.toMatch(/equal|split/);
    expect(both?.rationale).toMatch(/lowest metric \(10\)/);
    expect(both?.refs).toHaveLength(4);
    const onlyNetstat = findingsOf({ routes: [netstat('10.0.0.66'), netstat('10.0.0.1')] }, 'ROUTE-MULTI-DEFAULT')[0];
    expect(onlyNetstat?.detail).toBe('IPv4 default routes: 0.0.0.0/0 via 10.0.0.66 dev eth0 (no metric shown); 0.0.0.0/0 via 10.0.0.1 dev eth0 (no metric shown).');
    expect(onlyNetstat?.detail).not.toMatch(/metric 0|equal/);
    expect(onlyNetstat?.rationale).toMatch(/cannot be told/);
    const equal = findingsOf({ routes: [ip('10.0.0.66', 5), ip('10.0.0.1', 5)] }, 'ROUTE-MULTI-DEFAULT')[0];
    expect(equal?.rationale).toMatch(/shared/);
  });
  it('defaults of a policy-routing table (wg-quick) do not compete with the main table', () => {
    expect(findingsOf({ routes: [...lan, route('0.0.0.0/0', null, 'wg0', { table: '51820' })] }, 'ROUTE-MULTI-DEFAULT')).toEqual([]);
  });
  it('names instead of addresses (route without -n) never throw', () => {
    const routes = [route('unknown000c293b580e.attlocal.net/128', '[::]', 'ens33'), route('[::]/0', 'gateway', 'ens33', { flags: 'UG' }), route('localhost/128', '[::]', 'lo')];
    for (const rule of ['ROUTE-GW-OFFLINK', 'ROUTE-HOST-ODD-GW', 'ROUTE-BLACKHOLE']) expect(findingsOf({ routes }, rule)).toEqual([]);
  });
});
