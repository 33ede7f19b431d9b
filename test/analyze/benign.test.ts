// Ordinary servers and workstations must not look compromised; enrichment facts the report shows.
import { describe, expect, it } from 'vitest';
import { addressInfo, parseCidr } from '../../src/analyze/address.js';
import { conn, established, listen, proc, route, run, win } from './helpers.js';

const high = (severity: string) => severity === 'high' || severity === 'critical';

describe('benign Linux server', () => {
  const clients = Array.from({ length: 200 }, (_, i) => [
    established(`127.0.0.1:${40000 + i}`, '127.0.0.1:5432', 3000 + (i % 20), 'gunicorn'),
    established('127.0.0.1:5432', `127.0.0.1:${40000 + i}`, 500, 'postgres'),
  ]).flat();
  const host = {
    connections: [
      listen('0.0.0.0:22', 812, 'sshd'),
      listen('[::]:22', 812, 'sshd'),
      established('10.0.0.5:22', '10.0.0.9:51234', 9001, 'sshd: admin [priv]'),
      listen('0.0.0.0:80', 900, 'nginx'),
      listen('0.0.0.0:443', 900, 'nginx'),
      established('10.0.0.5:443', '198.51.100.20:60000', 901, 'nginx'),
      listen('127.0.0.1:5432', 500, 'postgres'),
      ...clients,
      listen('127.0.0.53:53', 700, 'systemd-resolve', { protocol: 'udp' }),
      listen('127.0.0.53:53', 700, 'systemd-resolve'),
      established('10.0.0.5:41000', '1.1.1.1:53', 700, 'systemd-resolve', { protocol: 'udp', state: null }),
      listen('127.0.0.1:323', 650, 'chronyd', { protocol: 'udp' }),
      established('10.0.0.5:43000', '162.159.200.1:123', 650, 'chronyd', { protocol: 'udp', state: null }),
      listen('192.168.122.1:53', 2783, 'dnsmasq', { protocol: 'udp' }),
      conn({ protocol: 'raw', local: '[::]:58', state: '7', pid: 878, process: 'NetworkManager' }),
    ],
    processes: [proc(812, 'sshd', { exe: '/usr/sbin/sshd' }), proc(900, 'nginx', { exe: '/usr/sbin/nginx' }), proc(500, 'postgres', { exe: '/usr/lib/postgresql/14/bin/postgres', user: 'postgres', uid: 114 })],
    routes: [route('0.0.0.0/0', '10.0.0.1', 'eth0', { metric: 100 }), route('10.0.0.0/24', null, 'eth0'), route('192.168.122.0/24', null, 'virbr0'), route('::/0', 'fe80::1', 'eth0')],
  };
  it('raises nothing high or critical, and at most informational notes', () => {
    const out = run(host);
    expect(out.findings.filter((f) => high(f.severity)).map((f) => `${f.rule} ${f.process}`)).toEqual([]);
    expect(out.findings.map((f) => `${f.severity} ${f.rule}`)).toEqual(['info NET-REMOTE-ADMIN-EXPOSED']);
  });
  it('joins facts to sockets and summarises the postgres process', () => {
    const out = run(host);
    const pg = out.processes.find((p) => p.pid === 500)!;
    expect(pg.exe).toBe('/usr/lib/postgresql/14/bin/postgres');
    expect(pg.socketCount).toBe(201);
    expect(pg.listeningPorts).toEqual([5432]);
    expect(pg.remotePeers).toEqual(['127.0.0.1']);
    expect(pg.maxSeverity).toBeNull();
  });
  it('annotates sockets with address classes, services and direction', () => {
    const out = run(host);
    const web = out.connectionAnnotations.find((a) => a.local === '10.0.0.5:443')!;
    expect(web).toMatchObject({ localClass: 'private', remoteClass: 'documentation' /* the peer is in TEST-NET-3 (RFC 5737), not public */, localService: 'https', direction: 'inbound', process: 'nginx' });
    const dns = out.connectionAnnotations.find((a) => a.remote === '1.1.1.1:53')!;
    expect(dns).toMatchObject({ direction: 'outbound', remoteService: 'domain' });
    expect(out.routeAnnotations.find((r) => r.destination === '0.0.0.0/0')).toMatchObject({ kind: 'default', gatewayClass: 'private', findingIds: [] });
  });
});

describe('benign Windows workstation', () => {
  it('svchost/lsass/services on their ports, System on 445, Chrome and Edge on 443: nothing high', () => {
    const out = run({
      os: 'windows',
      connections: [
        win({ local: '0.0.0.0:135', state: 'LISTEN', pid: 1712, process: 'svchost.exe', component: 'RpcSs' }),
        win({ local: '0.0.0.0:445', state: 'LISTEN', pid: 4, process: null, ownerNote: 'Can not obtain ownership information' }),
        win({ local: '192.168.31.221:139', state: 'LISTEN', pid: 4, process: null }),
        ...[49664, 49665, 49666, 49667, 49668, 49670].map((port, i) => win({ local: `0.0.0.0:${port}`, state: 'LISTEN', pid: 1000 + i, process: ['lsass.exe', 'wininit.exe', 'svchost.exe', 'svchost.exe', 'spoolsv.exe', 'services.exe'][i] })),
        win({ local: '192.168.31.221:50000', remote: '142.250.74.78:443', state: 'ESTABLISHED', pid: 19692, process: 'chrome.exe' }),
        win({ local: '192.168.31.221:50001', remote: '13.107.42.14:443', state: 'ESTABLISHED', pid: 8800, process: 'msedge.exe' }),
        win({ local: '192.168.31.221:4713', remote: '157.240.252.61:5222', state: 'TIME_WAIT', pid: 0, process: null }),
      ],
    });
    expect(out.findings.filter((f) => high(f.severity)).map((f) => `${f.rule} ${f.process}`)).toEqual([]);
    expect(out.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });
});

describe('addresses and merging', () => {
  it('classifies addresses, including IPv4-mapped IPv6 and zones', () => {
    const cases: [string, string, boolean][] = [
      ['127.0.0.1', 'loopback', false],
      ['10.1.2.3', 'private', false],
      ['100.64.0.1', 'private', false],
      ['169.254.169.254', 'link-local', false],
      ['224.0.0.251', 'multicast', false],
      ['8.8.8.8', 'public', false],
      ['0.0.0.0', 'unspecified', false],
      ['*', 'unspecified', false],
      ['::ffff:1.2.3.4', 'public', true],
      ['[::ffff:192.168.1.1]', 'private', true],
      ['::1', 'loopback', false],
      ['fe80::1%eth0', 'link-local', false],
      ['fd00::1', 'private', false],
      ['2001:4860:4860::8888', 'public', false],
      ['ff02::1', 'multicast', false],
      ['localhost', 'loopback', false],
      ['lga15s43-in-f14.1e100.net', 'unknown', false],
    ];
    for (const [raw, cls, mapped] of cases) expect([raw, addressInfo(raw).cls, addressInfo(raw).mapped]).toEqual([raw, cls, mapped]);
    expect(addressInfo('0000:0000:0000:0000:0000:ffff:7f00:0001').text).toBe('::ffff:127.0.0.1');
    expect(addressInfo('2001:0db8:0000:0000:0000:0000:0000:0001').text).toBe('2001:db8::1');
    expect(parseCidr('default', 6)?.text).toBe('::/0');
    expect(parseCidr('10.1.2.3/8')?.text).toBe('10.0.0.0/8');
  });
  it('one socket seen by netstat, ss and /proc is reported once with all three references', () => {
    const out = run({
      connections: [
        listen('0.0.0.0:31337', 900, 'x'),
        listen('0.0.0.0:31337', 900, 'x', { view: 'ss', inode: 77 }),
        conn({ local: '0.0.0.0:31337', view: 'proc', state: 'LISTEN', inode: 77 }),
      ],
    });
    const f = out.findings.filter((x) => x.rule === 'NET-BACKDOOR-PORT');
    expect(f).toHaveLength(1);
    expect(new Set(f[0]!.refs.map((r) => r.artifact))).toEqual(new Set(['raw/01-netstat.stdout', 'raw/01-ss.stdout', 'raw/01-proc.stdout']));
    expect(out.connectionAnnotations).toHaveLength(1);
    expect(out.connectionAnnotations[0]!.views).toEqual(['netstat', 'ss', 'proc']);
  });
});
