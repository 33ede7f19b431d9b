// ss on real output: the CentOS/Ubuntu samples from other machines and the namespace-lab fixtures
// (checked against fixtures/linux/ground-truth.json).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { truth, type TruthSocket } from './linux-truth.js';
import type { Connection, ParseResult } from '../../src/model.js';
import { accountedLines } from '../../src/parse/result.js';
import { detectFormat, parseText } from '../../src/parse/registry.js';
import { ssParser } from '../../src/parse/ss.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const samples = path.resolve(repoRoot, '../shared/samples');
const fixtures = path.join(repoRoot, 'fixtures/linux');


function parseFile(file: string, artifact = `raw/${path.basename(file)}`): ParseResult {
  return ssParser.parse({ text: readFileSync(file, 'utf8'), artifact, encoding: 'utf-8' });
}

/** Rows per Netid counted by plain splitting, independent of the parser. */
function netidCounts(file: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
    const netid = line.split(/\s+/)[0];
    if (netid) counts[netid] = (counts[netid] ?? 0) + 1;
  }
  return counts;
}

function parsedCounts(r: ParseResult): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const x of [...r.connections, ...r.unixSockets]) counts[x.protoRaw] = (counts[x.protoRaw] ?? 0) + 1;
  for (const o of r.otherSockets) counts[o.family] = (counts[o.family] ?? 0) + 1;
  return counts;
}

function expectLossless(r: ParseResult): void {
  expect(r.unparsed).toEqual([]);
  expect(accountedLines(r)).toBe(r.lines.total);
}

function sameSocket(c: Connection, t: TruthSocket): boolean {
  return c.protocol === t.proto && c.ipVersion === t.ipVersion && c.localAddress === t.localAddress &&
    c.localPort === t.localPort && c.remoteAddress === t.remoteAddress && c.remotePort === t.remotePort && c.state === t.state;
}

describe('ss samples from other machines', () => {
  it('CentOS 7.7 `sudo ss -a`: old layout, every netid, service names', () => {
    const file = path.join(samples, 'centos-7.7/ss-sudo-a.out');
    const r = parseFile(file);
    expectLossless(r);
    expect(r.lines).toEqual({ total: 204, records: 203, headers: 1, blank: 0, unparsed: 0 });
    expect(parsedCounts(r)).toEqual({ nl: 42, p_raw: 1, raw: 1, udp: 3, tcp: 6, u_str: 122, u_dgr: 27, u_seq: 1 });
    expect(parsedCounts(r)).toEqual(netidCounts(file));
    // Old ss prints IPv4 "any" as `*` and IPv6 always in brackets.
    const ssh4 = r.connections.find((c) => c.localPortRaw === 'ssh' && c.ipVersion === 4)!;
    expect(ssh4).toMatchObject({ protocol: 'tcp', localAddress: '0.0.0.0', localPort: 22, remoteAddress: '0.0.0.0', remotePort: null, state: 'LISTEN', stateRaw: 'LISTEN' });
    const ssh6 = r.connections.filter((c) => c.localPortRaw === 'ssh' && c.ipVersion === 6);
    expect(ssh6.map((c) => [c.localAddress, c.remoteAddress, c.remotePort, c.state])).toEqual([
      ['::', '::', null, 'LISTEN'], ['::1', '::1', 38134, 'ESTABLISHED'],
    ]);
    expect(r.connections.find((c) => c.protocol === 'raw')).toMatchObject({ ipVersion: 6, localAddress: '::', localPort: 58, localPortRaw: 'ipv6-icmp', state: null, stateRaw: 'UNCONN' });
    expect(r.connections.find((c) => c.localPortRaw === 'bootpc')).toMatchObject({ protocol: 'udp', ipVersion: 4, localAddress: '0.0.0.0', localPort: 68 });
    expect(r.otherSockets.find((o) => o.local === 'rtnl:dockerd-current/1220')).toMatchObject({ family: 'nl', process: 'dockerd-current', pid: 1220, peer: '*' });
    expect(r.otherSockets.find((o) => o.family === 'p_raw')).toMatchObject({ local: '*:ens33', peer: '*', state: 'UNCONN' });
    expect(r.unixSockets.find((u) => u.path === '/run/systemd/journal/stdout')).toMatchObject({ type: 'STREAM', state: 'LISTENING', inode: 8981 });
    expect(r.unixSockets.find((u) => u.source.line === 85)).toMatchObject({ type: 'DGRAM', path: null, inode: 19150, state: null });
    expect(r.warnings.some((w) => w.includes('netbase'))).toBe(true);
  });

  it('Ubuntu 18.04 `sudo ss -tulpen`: users, uid, ino, %zone, several owners', () => {
    const r = parseFile(path.join(samples, 'ubuntu-18.04/ss-sudo-tulpen.out'));
    expectLossless(r);
    expect(r.lines).toEqual({ total: 74, records: 73, headers: 1, blank: 0, unparsed: 0 });
    expect(parsedCounts(r)).toEqual({ udp: 15, tcp: 58 });
    expect(r.connections.every((c) => c.ipVersion === 4 && c.inode !== null)).toBe(true);
    const resolved = r.connections.find((c) => c.source.line === 8)!;
    expect(resolved).toMatchObject({ localAddress: '127.0.0.53%lo', interfaceScope: 'lo', localPort: 53, process: 'systemd-resolve', pid: 1117, uid: 101, inode: 29400, processTruncated: true });
    expect(r.connections.find((c) => c.source.line === 9)).toMatchObject({ localAddress: '0.0.0.0%virbr0', interfaceScope: 'virbr0', localPort: 67 });
    const apache = r.connections.find((c) => c.localPort === 80)!;
    expect(apache.owners!.map((o) => o.pid)).toEqual([24795, 2157, 2156, 2155, 2154, 2153, 2079]);
    expect(apache.owners!.every((o) => o.process === '/usr/sbin/apach' && o.fd === 3)).toBe(true);
    expect(apache).toMatchObject({ pid: 24795, process: '/usr/sbin/apach', inode: 40480, uid: null });
    // A socket nobody in the sample owned (kernel VXLAN): no users column, still a record.
    expect(r.connections[0]).toMatchObject({ localPort: 4789, pid: null, process: null, inode: 58296 });
    expect(r.connections[0].owners).toBeUndefined();
  });

  it('both samples are detected as ss from their content', () => {
    for (const f of ['centos-7.7/ss-sudo-a.out', 'ubuntu-18.04/ss-sudo-tulpen.out']) {
      const text = readFileSync(path.join(samples, f), 'utf8');
      expect(detectFormat(text)?.parser.info.id).toBe('linux-ss');
      expect(parseText(text, 'raw/x', 'utf-8').format).toBe('linux-ss');
    }
  });
});

describe('ss fixtures from the namespace lab', () => {
  const files = ['ss-tunap.txt', 'ss-a.txt', 'ss-a-A-all.txt', 'ss-tulpen.txt'];

  it.each(files)('%s: zero unparsed, exact counts per netid, detected from content', (name) => {
    const file = path.join(fixtures, name);
    const r = parseFile(file);
    expectLossless(r);
    expect(r.lines.headers).toBe(1);
    expect(parsedCounts(r)).toEqual(netidCounts(file));
    expect(detectFormat(readFileSync(file, 'utf8'))?.parser.info.id).toBe('linux-ss');
  });

  it('ss -tunap finds every ground-truth TCP/UDP socket with its pid and 15-byte comm', () => {
    const r = parseFile(path.join(fixtures, 'ss-tunap.txt'));
    const expected = truth.sockets.filter((t) => t.proto !== 'raw');
    expect(r.connections).toHaveLength(expected.length);
    for (const t of expected) {
      const found = r.connections.filter((c) => sameSocket(c, t));
      expect(found, JSON.stringify(t)).toHaveLength(1);
      const c = found[0];
      expect(c.pid).toBe(t.pid);
      expect(c.process).toBe(t.process === null ? null : Buffer.from(t.process).subarray(0, 15).toString());
      expect(c.processTruncated ?? false).toBe(t.process !== null && Buffer.byteLength(t.process) >= 15);
      expect(c.view).toBe('ss');
      expect(c.format).toBe('linux-ss');
    }
  });

  it('ss -a / -a -A all: every ground-truth socket including raw, service names numbered', () => {
    for (const name of ['ss-a.txt', 'ss-a-A-all.txt']) {
      const r = parseFile(path.join(fixtures, name));
      expect(r.connections).toHaveLength(truth.sockets.length);
      for (const t of truth.sockets) expect(r.connections.filter((c) => sameSocket(c, t)), `${name} ${JSON.stringify(t)}`).toHaveLength(1);
      const https = r.connections.filter((c) => c.localPortRaw === 'https');
      expect(https.map((c) => c.localPort)).toEqual([443, 443]);
      expect(r.connections.find((c) => c.remotePortRaw === 'bbs')?.remotePort).toBe(7000);
      expect(r.connections.find((c) => c.protocol === 'raw' && c.ipVersion === 4)).toMatchObject({ localPort: 1, localPortRaw: 'icmp', sendQ: 0 });
      expect(r.unixSockets.filter((u) => u.path === '/tmp/nclab-unix/control socket.sock').map((u) => u.state)).toEqual(['LISTENING', 'CONNECTED']);
      expect(r.unixSockets.find((u) => u.path === '@nc-abstract/bus')).toMatchObject({ type: 'STREAM', state: 'LISTENING' });
      expect(r.unixSockets.filter((u) => u.path === null)).toHaveLength(3);
      expect(r.otherSockets.find((o) => o.local.startsWith('tcpdiag:ss/'))?.process).toBe('ss');
    }
  });

  it('ss -tulpen: inode, dual-stack `*` as ::, and inodes that /proc/net/tcp also lists', () => {
    const r = parseFile(path.join(fixtures, 'ss-tulpen.txt'));
    const listeners = truth.sockets.filter((t) => t.state === 'LISTEN' || (t.proto === 'udp' && t.state === null));
    expect(r.connections).toHaveLength(listeners.length);
    expect(r.connections.every((c) => typeof c.inode === 'number' && c.inode > 0)).toBe(true);
    const dual = r.connections.find((c) => c.protocol === 'tcp' && c.localPort === 443)!;
    expect(dual).toMatchObject({ ipVersion: 6, localAddress: '::', remoteAddress: '::', process: 'nginx: worker p' });
    const procTcp = readFileSync(path.join(fixtures, 'proc-net-tcp.txt'), 'utf8');
    const v4Listeners = r.connections.filter((c) => c.protocol === 'tcp' && c.ipVersion === 4);
    for (const c of v4Listeners) expect(procTcp).toMatch(new RegExp(` ${c.inode} `));
  });
});
