import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { bsdNetstatParser } from '../../src/parse/bsd-netstat.js';
import { detectFormat } from '../../src/parse/registry.js';
import { headLines } from '../../src/parse/text.js';
import { atLine, countBy, expectAccounted, fixture, sample, samplesDir } from './bsd-helpers.js';
import { readFileSync } from 'node:fs';

describe('bsd-netstat on the real macOS 10.14.6 `netstat` sample', () => {
  const r = sample('osx-10.14.6/netstat.out');

  it('is detected from its content and accounts for every line with nothing unparsed', () => {
    expect(r.format).toBe('bsd-netstat');
    expect(r.lines).toEqual({ total: 737, records: 725, headers: 12, blank: 0, unparsed: 0 });
    expect(r.unparsed).toEqual([]);
    expect(expectAccounted(r)).toBe(true);
  });

  it('has the exact record counts per protocol and section', () => {
    expect(countBy(r.connections, (c) => c.protoRaw)).toEqual({ tcp4: 27, tcp6: 26, udp4: 83, udp6: 15, udp46: 6, icm4: 1 });
    expect(countBy(r.connections, (c) => c.protocol)).toEqual({ tcp: 53, udp: 104, raw: 1 });
    expect(countBy(r.connections, (c) => String(c.state))).toEqual({ ESTABLISHED: 47, CLOSE_WAIT: 5, TIME_WAIT: 1, null: 105 });
    expect(r.unixSockets).toHaveLength(425);
    expect(countBy(r.unixSockets, (u) => String(u.type))).toEqual({ stream: 324, dgram: 101 });
    expect(countBy(r.otherSockets, (o) => o.family)).toEqual({ 'kctl-registered': 17, kevt: 27, kctl: 98 });
  });

  it('keeps resolved host text, maps unambiguous service names and flags cut addresses', () => {
    const first = atLine(r.connections, 3)!;
    expect(first).toMatchObject({
      protocol: 'tcp', ipVersion: 4, localAddress: 'kbrazil-mac.attl', localPort: 62979, remoteAddress: '40.77.18.167',
      remotePort: 443, remotePortRaw: 'https', state: 'ESTABLISHED', stateRaw: 'ESTABLISHED', addressTruncated: true,
      source: { artifact: 'raw/netstat.out', line: 3 }, format: 'bsd-netstat', view: 'netstat',
    });
    // Host cut to 16 characters and the field to 22: "sunrpc" arrives as "sunpr" and stays unmapped.
    expect(atLine(r.connections, 16)).toMatchObject({ remoteAddress: '93.87.236.35.bc.', remotePort: null, remotePortRaw: 'sunpr', recvQ: 31, state: 'CLOSE_WAIT', addressTruncated: true });
    expect(atLine(r.connections, 47)).toMatchObject({ localAddress: 'localhost', localPort: null, localPortRaw: 'ldgateway', remotePort: 58704 });
    expect(atLine(r.connections, 47)!.addressTruncated).toBeUndefined();
    expect(atLine(r.connections, 20)).toMatchObject({ ipVersion: 6, localAddress: 'fe80::aede:48ff:', addressTruncated: true });
  });

  it('reads dual-stack udp46, wildcards and the ICMP socket', () => {
    expect(atLine(r.connections, 106)).toMatchObject({ protocol: 'udp', ipVersion: 6, protoRaw: 'udp46', localAddress: '*', localPort: 5353, localPortRaw: 'mdns', remoteAddress: '*', remotePort: null, state: null, stateRaw: null });
    expect(atLine(r.connections, 160)).toMatchObject({ protocol: 'raw', protoRaw: 'icm4', recvQ: 8136, localAddress: '*', localPort: null });
  });

  it('keeps UNIX socket paths with spaces and the kernel sections', () => {
    expect(r.unixSockets.map((u) => u.path)).toContain('/Library/Application Support/LANDesk/tmp/socket/sys');
    expect(r.unixSockets.find((u) => u.source.line === 589)).toMatchObject({ type: 'dgram', path: '/private//var/run/syslog', inode: null });
    expect(r.otherSockets.filter((o) => o.family === 'kctl' && o.local === 'com.apple.netsrc')).toHaveLength(75);
    expect(r.otherSockets.find((o) => o.family === 'kctl-registered' && o.local === 'com.fortinet.kext.avkern2')).toMatchObject({ peer: 'id=18' });
    expect(r.otherSockets.find((o) => o.source.line === 632)).toMatchObject({ family: 'kevt', local: 'vendor=1000 class=5 subclass=11' });
  });
});

describe('bsd-netstat on the real FreeBSD 12 `netstat -an` sample', () => {
  const r = sample('freebsd12/netstat-an.out');

  it('parses every line', () => {
    expect(r.format).toBe('bsd-netstat');
    expect(r.lines).toEqual({ total: 24, records: 20, headers: 4, blank: 0, unparsed: 0 });
    expect(countBy(r.connections, (c) => c.protoRaw)).toEqual({ tcp4: 3, tcp6: 1, udp4: 1, udp6: 1 });
    expect(r.unixSockets).toHaveLength(14);
  });

  it('splits addr.port at the last dot and normalises states', () => {
    expect(atLine(r.connections, 3)).toMatchObject({ localAddress: '192.168.71.163', localPort: 22, remoteAddress: '192.168.71.1', remotePort: 56321, state: 'ESTABLISHED' });
    expect(atLine(r.connections, 5)).toMatchObject({ localAddress: '*', localPort: 22, remoteAddress: '*', remotePort: null, state: 'LISTEN', ipVersion: 4 });
    expect(atLine(r.connections, 8)).toMatchObject({ protocol: 'udp', ipVersion: 6, localPort: 514, state: null });
    expect(r.connections.every((c) => c.addressTruncated === undefined)).toBe(true);
    expect(r.unixSockets.find((u) => u.path === '/var/run/devd.seqpacket.pipe')).toMatchObject({ type: 'seqpac', protoRaw: 'unix' });
  });
});

describe('bsd-netstat -anv layouts (synthetic, built with the printf formats of netstat)', () => {
  it('macOS 14: numeric pid column, tcp and udp rows (udp has no state, the columns shift)', () => {
    const tcp = fixture('macos/netstat-anv-tcp-macos14-synthetic.txt');
    expect(tcp.lines).toMatchObject({ total: 11, records: 9, headers: 2, unparsed: 0 });
    expect(tcp.connections.map((c) => c.pid)).toEqual([405, 612, 388, 1, 0, 4242, 907, 907, 907]);
    expect(tcp.connections.map((c) => c.state)).toEqual(['ESTABLISHED', 'LISTEN', 'ESTABLISHED', 'LISTEN', 'TIME_WAIT', 'SYN_SENT', 'CLOSE_WAIT', 'FIN_WAIT2', 'ESTABLISHED']);
    expect(tcp.connections[1]).toMatchObject({ protoRaw: 'tcp46', ipVersion: 6, localAddress: '*', localPort: 5000, process: null });
    expect(tcp.connections[2]).toMatchObject({ localAddress: 'fe80::1%lo0', localPort: 49152, remoteAddress: 'fe80::1%lo0', remotePort: 62001, interfaceScope: 'lo0' });
    expect(tcp.connections[7].stateRaw).toBe('FIN_WAIT_2');
    // An IPv6 address longer than 16 characters is printed cut: marked, never guessed.
    expect(tcp.connections[8]).toMatchObject({ localAddress: '2600:1700:bab0:d', localPort: 59968, remoteAddress: '2606:4700::6810:', remotePort: 443, addressTruncated: true });
    expect(tcp.connections.slice(0, 8).every((c) => c.addressTruncated === undefined)).toBe(true);

    const udp = fixture('macos/netstat-anv-udp-macos14-synthetic.txt');
    expect(udp.lines).toMatchObject({ records: 4, unparsed: 0 });
    expect(udp.connections.map((c) => [c.protoRaw, c.pid, c.state])).toEqual([['udp4', 388, null], ['udp46', 612, null], ['udp6', 150, null], ['udp4', 388, null]]);
    expect(udp.connections[3]).toMatchObject({ remoteAddress: '192.168.1.1', remotePort: 53 });
  });

  it('macOS 15: process:pid column with spaces and parentheses in names', () => {
    const tcp = fixture('macos/netstat-anv-tcp-macos15-synthetic.txt');
    expect(tcp.lines).toMatchObject({ total: 10, records: 8, headers: 2, unparsed: 0 });
    expect(tcp.connections.map((c) => [c.process, c.pid])).toEqual([
      ['bun', 2415], ['Google Chrome H', 3052], ['Codex (Service)', 56664], ['rapportd', 742],
      ['node', 900], ['mDNSResponder', 388], ['kernel', 0], ['sshd', 1201],
    ]);
    expect(tcp.connections[1].processTruncated).toBe(true);
    expect(tcp.connections[0].processTruncated).toBeUndefined();
    expect(tcp.connections[5]).toMatchObject({ localAddress: '*', localPort: null, remoteAddress: '*', state: 'CLOSE', stateRaw: 'CLOSED' });
    expect(tcp.connections[7]).toMatchObject({ state: 'SYN_RECV', stateRaw: 'SYN_RCVD' });
    expect(tcp.connections[4]).toMatchObject({ localAddress: 'fe80::1%lo0', remoteAddress: 'fe80::2%lo0', remotePort: 61000 });

    const udp = fixture('macos/netstat-anv-udp-macos15-synthetic.txt');
    expect(udp.lines).toMatchObject({ records: 3, unparsed: 0 });
    expect(udp.connections.map((c) => [c.process, c.pid])).toEqual([['mDNSResponder', 388], ['Microsoft Teams', 811], ['timed', 150]]);
    expect(udp.connections[2]).toMatchObject({ localAddress: 'fe80::aede:48ff:', localPort: 123, addressTruncated: true });
  });

  it('reports a row it cannot read instead of dropping it, with a warning naming file and line', () => {
    const text = 'Active Internet connections\nProto Recv-Q Send-Q  Local Address          Foreign Address        (state)\ntcp4 0 0 10.0.0.1.22 10.0.0.2.5000 ESTABLISHED\ntcp4 x y garbage\n';
    const r = bsdNetstatParser.parse({ text, artifact: 'raw/n.txt', encoding: 'utf-8' });
    expect(r.lines).toEqual({ total: 4, records: 1, headers: 2, blank: 0, unparsed: 1 });
    expect(r.unparsed[0]).toMatchObject({ line: 4, text: 'tcp4 x y garbage' });
    expect(r.warnings.join('\n')).toContain('raw/n.txt: 1 line(s) not understood, first at line 4');
  });
});

describe('bsd-netstat detection', () => {
  it('claims the BSD samples and no Linux or Windows sample', () => {
    const files = ['centos-7.7/netstat-sudo-aeep.out', 'centos-7.7/route-6.out', 'centos-7.7/ss-sudo-a.out', 'ubuntu-18.04/ss-sudo-tulpen.out', 'windows/windows-10/netstat-aonb.out', 'windows/windows-10/route.out', 'osx-10.14.6/netstat-rnl.out'];
    for (const f of files) expect(bsdNetstatParser.detect(headLines(readFileSync(path.join(samplesDir, f), 'latin1'), 80)), f).toBeLessThan(0.3);
    expect(detectFormat(readFileSync(path.join(samplesDir, 'freebsd12/netstat-an.out'), 'utf8'))?.parser.info.id).toBe('bsd-netstat');
  });
});

describe('bsd-netstat: other layouts netstat prints (synthetic, from the printf formats of network_cmds)', () => {
  const parse = (text: string) => bsdNetstatParser.parse({ text, artifact: 'raw/s.txt', encoding: 'utf-8' });

  it('wide output (-l / -W): long IPv6 addresses are complete, not marked truncated', () => {
    const pad = (s: string, n: number) => s.padEnd(n, ' ');
    const header = `Proto Recv-Q Send-Q  ${pad('Local Address', 45)} ${pad('Foreign Address', 45)} (state)    `;
    const row = `tcp6       0      0  ${pad('2600:1700:bab0:d40:1874:4566:6499:f3d1.59968', 45)} ${pad('2606:4700::6810:84e5.443', 45)} ESTABLISHED`;
    const r = parse(`Active Internet connections\n${header}\n${row}\n`);
    expect(r.lines.unparsed).toBe(0);
    expect(r.connections[0]).toMatchObject({ localAddress: '2600:1700:bab0:d40:1874:4566:6499:f3d1', localPort: 59968, remoteAddress: '2606:4700::6810:84e5', remotePort: 443 });
    expect(r.connections[0].addressTruncated).toBeUndefined();
  });

  it('-A: leading Socket/Flowhash columns; an 18-wide field at its limit keeps its port raw', () => {
    const text = [
      'Active Internet connections (including servers)',
      'Socket           Flowhash Proto Recv-Q Send-Q  Local Address      Foreign Address    (state)    ',
      'ffffff8012345678 1a2b3c4d tcp4       0      0  10.0.0.5.22        10.0.0.9.51234     ESTABLISHED',
      'ffffff8012345679 1a2b3c4e tcp4       0      0  192.168.100.100.44 *.*                LISTEN     ',
    ].join('\n');
    const r = parse(text);
    expect(r.lines).toMatchObject({ records: 2, headers: 2, unparsed: 0 });
    expect(r.connections[0]).toMatchObject({ localAddress: '10.0.0.5', localPort: 22, remotePort: 51234, state: 'ESTABLISHED' });
    expect(r.connections[1]).toMatchObject({ localAddress: '192.168.100.100', localPort: null, localPortRaw: '44', addressTruncated: true, state: 'LISTEN' });
  });

  it('multipath section: connections, subflows and their detail lines', () => {
    const text = [
      'Active Multipath Internet connections',
      'Proto/ID  Flags      Local Address          Foreign Address        (state)    ',
      'mptcp/00  00000001/00000002                                        ESTABLISHED ',
      '      [tok(0x1a2b) snd(0x10) rcv(0x20) aid(1)]',
      ' tcp4/01  00000004   192.168.1.23.50000     17.1.2.3.443           ESTABLISHED ',
      '      [relseq(0001), err(0)]',
      'Some tcp sockets may have been deleted.',
    ].join('\n');
    const r = parse(text);
    expect(r.lines).toEqual({ total: 7, records: 2, headers: 5, blank: 0, unparsed: 0 });
    expect(r.otherSockets.map((o) => [o.family, o.local, o.peer, o.state])).toEqual([
      ['mptcp', 'mptcp/00', '', 'ESTABLISHED'],
      ['mptcp-subflow', '192.168.1.23.50000', '17.1.2.3.443', 'ESTABLISHED'],
    ]);
    expect(r.warnings[0]).toContain('line 7: Some tcp sockets may have been deleted.');
  });

  it('rows of a section it does not know are reported, not guessed', () => {
    const r = parse('Active VSock sockets\nProto Type Local Address Foreign Address\nvsock stream 3:1024 2:5000\n');
    expect(r.lines).toMatchObject({ headers: 2, unparsed: 1 });
    expect(r.unparsed[0]).toMatchObject({ line: 3, reason: 'rows of this netstat section are not supported' });
  });
});
