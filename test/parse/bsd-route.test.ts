import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bsdRouteParser } from '../../src/parse/bsd-route.js';
import { headLines } from '../../src/parse/text.js';
import { countBy, expectAccounted, fixture, sample, samplesDir } from './bsd-helpers.js';

describe('bsd-route on the real macOS 10.14.6 `netstat -rnl` sample', () => {
  const r = sample('osx-10.14.6/netstat-rnl.out');
  const at = (line: number) => r.routes.find((x) => x.source.line === line)!;

  it('is detected and parses every line', () => {
    expect(r.format).toBe('bsd-route');
    expect(r.lines).toEqual({ total: 96, records: 89, headers: 5, blank: 2, unparsed: 0 });
    expect(expectAccounted(r)).toBe(true);
    expect(countBy(r.routes, (x) => String(x.ipVersion))).toEqual({ '4': 30, '6': 59 });
    expect(countBy(r.routes, (x) => String(x.gatewayKind))).toEqual({ ip: 24, link: 24, mac: 41 });
    expect(countBy(r.routes, (x) => String(x.type))).toEqual({ unicast: 67, broadcast: 3, multicast: 19 });
  });

  it('expands default and abbreviated destinations to CIDR', () => {
    expect(at(5)).toMatchObject({ destination: '0.0.0.0/0', gateway: '192.168.1.254', gatewayKind: 'ip', flags: 'UGSc', interface: 'en0', metric: null, ipVersion: 4 });
    expect(at(6).destination).toBe('127.0.0.0/8');
    expect(at(7)).toMatchObject({ destination: '127.0.0.1/32', flags: 'UH' });
    expect(at(8)).toMatchObject({ destination: '169.254.0.0/16', gateway: 'link#10', gatewayKind: 'link' });
    expect(at(9).destination).toBe('192.168.1.0/24');
    expect(at(10)).toMatchObject({ destination: '192.168.1.64/32', gateway: 'e0:33:8e:68:38:d6', gatewayKind: 'mac' });
    expect(at(18)).toMatchObject({ destination: '192.168.1.221/32', gateway: 'link#10' });
    expect(at(25)).toMatchObject({ destination: '192.168.1.255/32', type: 'broadcast' });
    expect(at(31)).toMatchObject({ destination: '224.0.0.0/4', type: 'multicast' });
  });

  it('reads the Internet6 table: default, host routes and %zone scopes', () => {
    expect(r.routes.filter((x) => x.destination === '::/0').map((x) => x.gateway)).toEqual(['fe80::feae:34ff:fea1:3a80%en0', 'fe80::%utun0', 'fe80::%utun1', 'fe80::%utun2', 'fe80::%utun3']);
    expect(at(43)).toMatchObject({ destination: '::1/128', gateway: '::1', ipVersion: 6 });
    expect(at(44)).toMatchObject({ destination: '2600:1700:bab0:d40::/64', gatewayKind: 'link' });
    expect(at(52)).toMatchObject({ destination: 'fe80::/64', zone: 'lo0', gateway: 'fe80::1%lo0', gatewayKind: 'ip' });
    expect(at(53)).toMatchObject({ destination: 'fe80::1/128', zone: 'lo0', gateway: 'link#1' });
    expect(r.routes.find((x) => x.destination === 'ff01::/32' && x.zone === 'utun0')).toMatchObject({ flags: 'UmCI', type: 'multicast' });
  });
});

describe('bsd-route on a FreeBSD `netstat -rn` (synthetic: Netif without Refs/Use)', () => {
  const r = fixture('freebsd/netstat-rn-synthetic.txt');
  const dest = (d: string) => r.routes.filter((x) => x.destination === d);

  it('parses both families with zero unparsed lines', () => {
    expect(r.format).toBe('bsd-route');
    expect(r.lines).toMatchObject({ records: 16, unparsed: 0 });
    expect(countBy(r.routes, (x) => String(x.ipVersion))).toEqual({ '4': 7, '6': 9 });
  });

  it('marks blackhole (B) and reject (R) routes for the analyzer', () => {
    expect(dest('10.66.0.0/16')[0]).toMatchObject({ type: 'blackhole', flags: 'UGSB', gateway: '127.0.0.1' });
    expect(dest('10.67.0.0/16')[0]).toMatchObject({ type: 'reject', flags: 'UGSR' });
    expect(r.routes.filter((x) => x.type === 'reject').map((x) => x.destination)).toEqual(['10.67.0.0/16', '::/96', '::ffff:0.0.0.0/96', 'fe80::/10', 'ff02::/16']);
  });

  it('reads destinations, host routes and scopes', () => {
    expect(dest('0.0.0.0/0')[0]).toMatchObject({ gateway: '192.168.71.2', interface: 'em0' });
    expect(dest('192.168.71.163/32')[0]).toMatchObject({ flags: 'UHS', interface: 'lo0', gatewayKind: 'link' });
    expect(dest('192.168.72.0/24')[0]).toMatchObject({ gateway: '192.168.71.5' });
    expect(dest('fe80::/64').map((x) => x.zone)).toEqual(['em0', 'lo0']);
    expect(dest('fe80::20c:29ff:fe3a:1b2c/128')[0]).toMatchObject({ zone: 'em0', interface: 'lo0' });
  });
});

describe('bsd-route robustness and detection', () => {
  it('keeps a row that fits no header as unparsed, and routes of other families are not invented', () => {
    const text = 'Routing tables\n\nInternet:\nDestination Gateway Flags Netif Expire\ndefault 10.0.0.1 UGS em0\nnot a route at all here ok\n300.1 10.0.0.1 U em0\n';
    const r = bsdRouteParser.parse({ text, artifact: 'raw/r.txt', encoding: 'utf-8' });
    expect(r.routes).toHaveLength(1);
    expect(r.unparsed.map((u) => u.line)).toEqual([6, 7]);
    expect(r.lines).toEqual({ total: 7, records: 1, headers: 3, blank: 1, unparsed: 2 });
  });

  it('does not claim Linux or Windows route tables', () => {
    for (const f of ['centos-7.7/route-6.out', 'windows/windows-10/route.out', 'osx-10.14.6/netstat.out', 'freebsd12/netstat-an.out']) {
      expect(bsdRouteParser.detect(headLines(readFileSync(path.join(samplesDir, f), 'latin1'), 80)), f).toBeLessThan(0.3);
    }
  });
});
