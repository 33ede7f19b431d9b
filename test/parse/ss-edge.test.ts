// ss lines no command on this machine prints: other iproute2 versions, hostile process names,
// listings without the Netid column. Each is written the way ss lays it out.
import { describe, expect, it } from 'vitest';
import type { ParseResult } from '../../src/model.js';
import { accountedLines } from '../../src/parse/result.js';
import { ssParser } from '../../src/parse/ss.js';
import { parseUsers, parseEndpoint } from '../../src/parse/ss-fields.js';

const HEADER = 'Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess';
const HEADER_NO_NETID = 'State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process';

function parse(lines: string[], artifact = 'raw/07-ss-tunap.stdout'): ParseResult {
  const r = ssParser.parse({ text: lines.join('\n') + '\n', artifact, encoding: 'utf-8' });
  expect(accountedLines(r)).toBe(r.lines.total);
  return r;
}

describe('users:(...) process column', () => {
  it('reads names with spaces, quotes and parentheses inside the quotes', () => {
    const owners: { process: string; pid: number; fd?: number | null }[] = [];
    const text = 'users:(("a (b) \\"c\\"",pid=10,fd=3),("x",y"",pid=11,fd=4),("))(,",pid=12,fd=5))';
    const end = parseUsers(text, 7, text.length, owners);
    expect(end).toBe(text.length);
    expect(owners).toEqual([
      { process: 'a (b) \\"c\\"', pid: 10, fd: 3 },
      { process: 'x",y"', pid: 11, fd: 4 },
      { process: '))(,', pid: 12, fd: 5 },
    ]);
  });

  it('several owners: all kept, the first is pid/process', () => {
    const r = parse([HEADER, 'tcp   LISTEN 0 511 0.0.0.0:80 0.0.0.0:* users:(("nginx: worker",pid=20,fd=6),("nginx: master",pid=19,fd=6)) ino:99 sk:1 cgroup:/system.slice/nginx.service <->']);
    expect(r.connections[0]).toMatchObject({ pid: 20, process: 'nginx: worker', inode: 99, uid: null });
    expect(r.connections[0].owners).toEqual([{ process: 'nginx: worker', pid: 20, fd: 6 }, { process: 'nginx: master', pid: 19, fd: 6 }]);
  });

  it('the iproute2 < 3.15 form ("name",pid,fd) and SELinux contexts', () => {
    const r = parse([
      'State      Recv-Q Send-Q        Local Address:Port          Peer Address:Port',
      'LISTEN     0      128                      :::22                      :::*      users:(("sshd",1523,4))',
      'LISTEN     0      128                       *:22                       *:*      users:(("sshd",pid=1523,proc_ctx=system_u:system_r:sshd_t:s0-s0:c0.c1023,fd=3))',
    ], 'raw/ss-tlp.out');
    expect(r.connections.map((c) => [c.ipVersion, c.localAddress, c.localPort, c.remoteAddress, c.remotePort, c.pid, c.owners?.[0].fd])).toEqual([
      [6, '::', 22, '::', null, 1523, 4],
      [4, '0.0.0.0', 22, '0.0.0.0', null, 1523, 3],
    ]);
  });

  it('a broken users column keeps the socket and warns with the line number', () => {
    const r = parse([HEADER, 'tcp ESTAB 0 0 10.0.0.1:22 10.0.0.9:50000 users:(("evil', 'udp UNCONN 0 0 0.0.0.0:68 0.0.0.0:*']);
    expect(r.connections).toHaveLength(2);
    expect(r.connections[0]).toMatchObject({ localPort: 22, pid: null, process: null });
    expect(r.warnings.some((w) => w.includes('raw/07-ss-tunap.stdout:2:') && w.includes('users'))).toBe(true);
    expect(r.unparsed).toEqual([]);
  });

  it('a name split by an embedded newline: first part a record with a warning, the rest unparsed', () => {
    const r = parse([HEADER, 'tcp ESTAB 0 0 10.0.0.1:22 10.0.0.9:50000 users:(("line', 'two",pid=5,fd=3))']);
    expect(r.connections).toHaveLength(1);
    expect(r.unparsed.map((u) => u.line)).toEqual([3]);
  });

  it('ANSI escapes, HTML and RTL overrides in names are kept verbatim (escaping is the renderer’s job)', () => {
    const name = '\u001b[31m<b>x</b>\u202e';
    const r = parse([HEADER, `tcp LISTEN 0 5 0.0.0.0:1337 0.0.0.0:* users:(("${name}",pid=7,fd=3))`]);
    expect(r.connections[0].process).toBe(name);
  });
});

describe('addresses', () => {
  it.each([
    ['[fe80::1]%eth0:123', { address: 'fe80::1', zone: 'eth0', port: 123, family: 6 }],
    ['*%lo:53', { address: '*', zone: 'lo', port: 53, family: null, wildcard: true }],
    ['127.0.0.53%lo:53', { address: '127.0.0.53', zone: 'lo', port: 53, family: 4 }],
    ['[::ffff:1.2.3.4]:80', { address: '::ffff:1.2.3.4', port: 80, family: 6 }],
    ['::ffff:1.2.3.4:80', { address: '::ffff:1.2.3.4', port: 80, family: 6 }],
    [':::*', { address: '::', port: null, family: 6 }],
    ['0.0.0.0:*', { address: '0.0.0.0', port: null, family: 4 }],
    ['*:*', { address: '*', port: null, family: null, wildcard: true }],
    ['localhost:ssh', { address: 'localhost', port: 22, portRaw: 'ssh', family: null }],
    ['10.0.0.1:rpc.mountd', { port: null, portRaw: 'rpc.mountd', unknownName: true }],
  ])('%s', (text, expected) => {
    expect(parseEndpoint(text, false)).toMatchObject(expected);
  });

  it('raw sockets print the IP protocol: names from /etc/protocols and ipproto-N', () => {
    expect(parseEndpoint('0.0.0.0:icmp', true)).toMatchObject({ port: 1, portRaw: 'icmp' });
    expect(parseEndpoint('*:ipproto-253', true)).toMatchObject({ port: 253 });
    expect(parseEndpoint('0.0.0.0:255', true)).toMatchObject({ port: 255, portRaw: null });
  });

  it('rejects what is not an endpoint', () => {
    for (const bad of ['', 'nocolon', '[::1', '[::1]x80', ':80', '1.2.3.4:', '1.2.3.4:99999']) expect(parseEndpoint(bad, false), bad).toBeNull();
  });

  it('zones stay in the address as printed and go to interfaceScope; v4-mapped stays an IPv6 socket', () => {
    const r = parse([
      HEADER,
      'udp   UNCONN 0      0            [fe80::1]%lo:123                 [::]:*',
      'tcp   ESTAB  0      0      [::ffff:127.0.0.1]:8080  [::ffff:127.0.0.1]:41906',
      'tcp   LISTEN 0      128             *%eth0:22                   *:*',
    ]);
    expect(r.connections.map((c) => [c.ipVersion, c.localAddress, c.interfaceScope, c.remoteAddress])).toEqual([
      [6, 'fe80::1%lo', 'lo', '::'],
      [6, '::ffff:127.0.0.1', null, '::ffff:127.0.0.1'],
      [6, '::%eth0', 'eth0', '::'],
    ]);
  });

  it('`*` is IPv4 any in old layouts (no 0.0.0.0 anywhere) and dual-stack IPv6 in new ones', () => {
    const old = parse(['Netid  State      Recv-Q Send-Q Local Address:Port Peer Address:Port', 'tcp    LISTEN     0      128     *:22   *:*']);
    expect(old.connections[0]).toMatchObject({ ipVersion: 4, localAddress: '0.0.0.0' });
    const glued = parse([HEADER, 'tcp   LISTEN 0      128     *:22   *:*']);
    expect(glued.connections[0]).toMatchObject({ ipVersion: 6, localAddress: '::' });
    const v4seen = parse(['Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port', 'tcp LISTEN 0 128 *:22 *:*', 'tcp LISTEN 0 128 0.0.0.0:25 0.0.0.0:*']);
    expect(v4seen.connections[0].ipVersion).toBe(6);
  });
});

describe('states, netids and layouts', () => {
  it('maps every ss state name; UNCONN is no state for UDP/raw and CLOSE for TCP', () => {
    const states = ['ESTAB', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'UNCONN', 'CLOSE-WAIT', 'LAST-ACK', 'LISTEN', 'CLOSING'];
    const r = parse([HEADER, ...states.map((s) => `tcp ${s} 0 0 10.0.0.1:1000 10.0.0.2:2000`), 'udp UNCONN 0 0 0.0.0.0:68 0.0.0.0:*', 'udp ESTAB 0 0 10.0.0.1:5000 10.0.0.2:53']);
    expect(r.connections.map((c) => c.state)).toEqual([
      'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', null, 'ESTABLISHED',
    ]);
    expect(r.connections.map((c) => c.stateRaw)).toEqual([...states, 'UNCONN', 'ESTAB']);
  });

  it('netlink, packet, MPTCP, SCTP, vsock and unknown netids go to otherSockets; icmp6 is raw', () => {
    const r = parse([
      HEADER,
      'nl    UNCONN 0      0      uevent:-4118                  *',
      'nl    UNCONN 0      0      audit:kworker/0:1/123         *',
      'p_dgr UNCONN 0      0      LLDP:eth0                     *     users:(("lldpd",pid=900,fd=7))',
      'mptcp LISTEN 0      128    127.0.0.1:4444                0.0.0.0:*',
      'sctp  LISTEN 0      128    127.0.0.1:3868                *:*',
      'v_str LISTEN 0      0      *:1024                        *:*',
      'zzz   UNCONN 0      0      a:b                           *',
      'icmp6 UNCONN 0      0      *:ipv6-icmp                   *:*',
    ]);
    expect(r.otherSockets.map((o) => [o.family, o.local, o.process, o.pid])).toEqual([
      ['nl', 'uevent:-4118', null, null],
      ['nl', 'audit:kworker/0:1/123', 'kworker/0:1', 123],
      ['p_dgr', 'LLDP:eth0', 'lldpd', 900],
      ['mptcp', '127.0.0.1:4444', null, null],
      ['sctp', '127.0.0.1:3868', null, null],
      ['v_str', '*:1024', null, null],
      ['zzz', 'a:b', null, null],
    ]);
    expect(r.connections).toHaveLength(1);
    expect(r.connections[0]).toMatchObject({ protocol: 'raw', protoRaw: 'icmp6', localPort: 58 });
  });

  it('indented -i / -o detail lines and sctp association lines belong to the row above', () => {
    const r = parse([
      HEADER,
      'tcp   ESTAB 0 0 10.0.0.1:22 10.0.0.9:50000 users:(("sshd",pid=1,fd=3)) timer:(keepalive,119min,0)',
      '\t cubic wscale:7,7 rto:204 rtt:0.5/0.25 mss:1448 cwnd:10 bytes_acked:1 send 231.7Mbps',
      'sctp  LISTEN 0 128 127.0.0.1:3868 *:*',
      '   `- ESTAB 0 0 127.0.0.1%lo:3868 127.0.0.1:43210',
      '',
      '\t orphan detail line',
    ]);
    expect(r.connections).toHaveLength(1);
    expect(r.lines).toEqual({ total: 7, records: 4, headers: 1, blank: 1, unparsed: 1 });
    expect(r.unparsed[0].line).toBe(7);
  });

  it('UNIX rows: paths with spaces, abstract names, peer paths, owners', () => {
    const r = parse([
      HEADER,
      'u_str LISTEN 0 4 /tmp/a b/c d.sock 32777 * 0 users:(("dbus-daemon",pid=5,fd=3))',
      'u_str ESTAB  0 0 @nc-abstract/bus 32782 * 32783',
      'u_str ESTAB  0 0 /run/x.sock 21573 /run/peer sock 20926',
      'u_dgr UNCONN 0 0 * 19150 * 8986',
      'u_seq LISTEN 0 128 /run/udev/control 13820 * 0',
    ]);
    expect(r.unixSockets.map((u) => [u.type, u.state, u.path, u.inode, u.pid, u.process])).toEqual([
      ['STREAM', 'LISTENING', '/tmp/a b/c d.sock', 32777, 5, 'dbus-daemon'],
      ['STREAM', 'CONNECTED', '@nc-abstract/bus', 32782, null, null],
      ['STREAM', 'CONNECTED', '/run/x.sock', 21573, null, null],
      ['DGRAM', null, null, 19150, null, null],
      ['SEQPACKET', 'LISTENING', '/run/udev/control', 13820, null, null],
    ]);
  });

  it('without a Netid column the protocol comes from the rows, then the file name, with a warning', () => {
    const tcp = parse([HEADER_NO_NETID, 'LISTEN 0 128 0.0.0.0:22 0.0.0.0:*', 'ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000'], 'raw/x.out');
    expect(tcp.connections.map((c) => [c.protocol, c.protoRaw])).toEqual([['tcp', ''], ['tcp', '']]);
    expect(tcp.warnings[0]).toContain('TCP-only');
    const udpByName = parse([HEADER_NO_NETID, 'ESTAB 0 0 10.0.0.1:5000 10.0.0.2:53'], 'raw/04-ss-unp.stdout');
    expect(udpByName.connections[0].protocol).toBe('udp');
    const udp = parse([HEADER_NO_NETID, 'UNCONN 0 0 0.0.0.0:68 0.0.0.0:*'], 'raw/x.out');
    expect(udp.connections[0].protocol).toBe('udp');
    const raw = parse([HEADER_NO_NETID, 'UNCONN 0 0 0.0.0.0:icmp 0.0.0.0:*', 'UNCONN 0 0 *:ipv6-icmp *:*'], 'raw/x.out');
    expect(raw.connections.map((c) => [c.protocol, c.ipVersion, c.localPort])).toEqual([['raw', 4, 1], ['raw', 6, 58]]);
    const unix = parse(['State Recv-Q Send-Q Local Address:Port Peer Address:Port', 'LISTEN 0 128 /run/a.sock 1234 * 0'], 'raw/x.out');
    expect(unix.unixSockets[0]).toMatchObject({ type: null, path: '/run/a.sock', inode: 1234, protoRaw: '' });
    const estab = parse([HEADER_NO_NETID, 'ESTAB 0 0 10.0.0.1:5000 10.0.0.2:443'], 'raw/x.out');
    expect(estab.connections[0].protocol).toBe('tcp');
  });

  it('headerless output (ss -H) and concatenated listings with repeated headers', () => {
    const r = parse(['tcp ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000', HEADER, 'udp UNCONN 0 0 0.0.0.0:68 0.0.0.0:*', '', HEADER, 'tcp LISTEN 0 5 [::]:22 [::]:*']);
    expect(r.connections.map((c) => c.protocol)).toEqual(['tcp', 'udp', 'tcp']);
    expect(r.lines).toEqual({ total: 6, records: 3, headers: 2, blank: 1, unparsed: 0 });
  });

  it('lines that are not ss rows are unparsed with a reason, never dropped', () => {
    const r = parse([HEADER, 'Cannot open netlink socket: Protocol not supported', 'tcp ESTAB x y 1:2 3:4', 'tcp ESTAB 0 0 nothing-here', 'tcp ESTAB 0 0 1.2.3.4:5 [::1']);
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [2, 'not an ss socket row'],
      [3, 'not an ss socket row'],
      [4, 'missing address columns'],
      [5, 'peer address not understood: [::1'],
    ]);
    expect(r.warnings.some((w) => w.includes('4 line(s) not understood'))).toBe(true);
  });

  it('detection: headers and bare rows score, netstat and random text do not', () => {
    expect(ssParser.detect([HEADER])).toBeGreaterThan(0.9);
    expect(ssParser.detect(['tcp ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000', 'udp UNCONN 0 0 0.0.0.0:68 0.0.0.0:*'])).toBeGreaterThanOrEqual(0.7);
    expect(ssParser.detect(['Active Internet connections (servers and established)', 'Proto Recv-Q Send-Q Local Address           Foreign Address         State'])).toBe(0);
    expect(ssParser.detect(['hello world', 'foo bar baz qux'])).toBe(0);
    expect(ssParser.detect([])).toBe(0);
  });
});
