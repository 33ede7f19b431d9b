import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { lsofParser } from '../../src/parse/lsof.js';
import { parseText } from '../../src/parse/registry.js';
import { countBy, expectAccounted, fixture } from './bsd-helpers.js';

describe('lsof -nPi, macOS layout (synthetic)', () => {
  const r = fixture('macos/lsof-nPi-synthetic.txt');
  const row = (line: number) => r.connections.find((c) => c.source.line === line)!;

  it('is detected and accounts for every line', () => {
    expect(r.format).toBe('lsof');
    expect(r.lines).toEqual({ total: 16, records: 15, headers: 1, blank: 0, unparsed: 0 });
    expect(expectAccounted(r)).toBe(true);
    expect(countBy(r.connections, (c) => c.protocol)).toEqual({ tcp: 9, udp: 4, raw: 1 });
    expect(r.otherSockets).toHaveLength(1);
  });

  it('reads owner, endpoints and states', () => {
    expect(row(2)).toMatchObject({ protocol: 'tcp', ipVersion: 6, localAddress: '*', localPort: 22, remoteAddress: '*', remotePort: null, state: 'LISTEN', pid: 1, process: 'launchd', user: 'root', view: 'lsof', format: 'lsof', protoRaw: 'TCP', inode: null });
    expect(row(6)).toMatchObject({ ipVersion: 6, localAddress: '::1', localPort: 631, state: 'LISTEN' });
    expect(row(10)).toMatchObject({ localAddress: 'fe80::1%lo0', localPort: 5000, remoteAddress: 'fe80::2%lo0', remotePort: 61000, interfaceScope: 'lo0' });
    expect(row(11)).toMatchObject({ remoteAddress: '203.0.113.77', remotePort: 4444, state: 'SYN_SENT', pid: 4242, owners: [{ process: 'curl', pid: 4242, fd: 5 }] });
    expect(row(13)).toMatchObject({ state: 'FIN_WAIT2', stateRaw: 'FIN_WAIT_2' });
    expect(row(9)).toMatchObject({ protocol: 'udp', localAddress: '*', localPort: null, remotePort: null, state: null, stateRaw: null });
    expect(row(14)).toMatchObject({ protocol: 'raw', protoRaw: 'ICMP' });
    expect(row(16)).toMatchObject({ protocol: 'udp', remoteAddress: '192.168.1.1', remotePort: 53, user: 'root' });
    expect(r.otherSockets[0]).toMatchObject({ family: 'tcp', local: 'no PCB, CANTSENDMORE, CANTRCVMORE', pid: 610 });
  });

  it('decodes \\x20 in COMMAND and marks names at the 9-character limit as truncated', () => {
    expect(row(8)).toMatchObject({ process: 'Google Ch', processTruncated: true, pid: 3052 });
    expect(row(4)).toMatchObject({ process: 'mDNSRespo', processTruncated: true });
    expect(row(7).processTruncated).toBeUndefined();
  });

  it('keeps a row it does not understand as unparsed', () => {
    const text = 'COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\nbash 12 root cwd DIR 8,1 4096 2 /\nsshd 812 root 3u IPv4 21840 0t0 TCP 10.0.0.1:22->10.0.0.9:51234 (ESTABLISHED)\n';
    const r2 = lsofParser.parse({ text, artifact: 'raw/l', encoding: 'utf-8' });
    expect(r2.lines).toEqual({ total: 3, records: 1, headers: 1, blank: 0, unparsed: 1 });
    expect(r2.connections[0]).toMatchObject({ inode: 21840, pid: 812, remotePort: 51234, state: 'ESTABLISHED' });
  });
});

describe('lsof -nPi run live on this machine', () => {
  it('parses the real output with zero unparsed lines and finds this process\'s own sockets', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const client = createConnection(port, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('connect', resolve));
    const peer = await accepted;
    const udp = createSocket('udp6');
    await new Promise<void>((resolve) => udp.bind(0, '::1', resolve));
    const udpPort = udp.address().port;
    try {
      const stdout = execFileSync('lsof', ['-nPi'], { encoding: 'utf8', maxBuffer: 64 << 20 });
      const r = parseText(stdout, 'raw/lsof-nPi.stdout', 'utf-8');
      expect(r.format).toBe('lsof');
      expect(r.unparsed).toEqual([]);
      expect(expectAccounted(r, stdout)).toBe(true);

      const mine = r.connections.filter((c) => c.pid === process.pid);
      const listen = mine.find((c) => c.localPort === port && c.state === 'LISTEN');
      expect(listen).toMatchObject({ protocol: 'tcp', ipVersion: 4, localAddress: '127.0.0.1' });
      const outbound = mine.find((c) => c.remotePort === port && c.state === 'ESTABLISHED');
      expect(outbound).toMatchObject({ localPort: client.localPort, remoteAddress: '127.0.0.1' });
      expect(mine.find((c) => c.localPort === port && c.remotePort === peer.remotePort)).toBeDefined();
      expect(mine.find((c) => c.protocol === 'udp' && c.localPort === udpPort)).toMatchObject({ ipVersion: 6, localAddress: '::1' });

      // Same process name as the kernel's comm, cut at lsof's 9 characters.
      const comm = readFileSync('/proc/self/comm', 'utf8').trim();
      expect(listen?.process).toBe(comm.slice(0, 9));
      // On Linux DEVICE is the socket inode: it must be one of this process's socket fds.
      const inodes = new Set(
        readdirSync('/proc/self/fd').map((fd) => {
          try {
            return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
          } catch {
            return undefined;
          }
        }),
      );
      for (const c of mine) expect(inodes.has(String(c.inode))).toBe(true);
    } finally {
      client.destroy();
      peer.destroy();
      udp.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('lsof +c 0 (full command names)', () => {
  it('does not mark 9-character names as cut when longer names show the width was lifted', () => {
    const text = [
      'COMMAND          PID USER FD TYPE DEVICE SIZE/OFF NODE NAME',
      'mDNSResponder    388 root 8u IPv4 0x1    0t0      UDP  *:5353',
      'python3.1        907 root 3u IPv4 0x2    0t0      TCP  127.0.0.1:8000 (LISTEN)',
    ].join('\n');
    const r = lsofParser.parse({ text, artifact: 'raw/l', encoding: 'utf-8' });
    expect(r.connections.map((c) => [c.process, c.processTruncated])).toEqual([['mDNSResponder', undefined], ['python3.1', undefined]]);
  });
});
