// The real `ss` of this machine, run inside a network namespace holding sockets with awkward
// owners: two processes sharing every socket, comm names with quotes, spaces and parentheses,
// a %zone link-local bind, SO_BINDTODEVICE, IPv4-mapped connections, raw, packet, UNIX, MPTCP.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection, ParseResult } from '../../src/model.js';
import { accountedLines } from '../../src/parse/result.js';
import { ssParser } from '../../src/parse/ss.js';
import { procNetParser } from '../../src/parse/proc-net.js';
import { createLab, netnsAvailable } from '../lab/netns.mjs';

const PARENT = 'srv "q" (x) y';
const CHILD = 'web server';

const HOLDER = `
import socket, os, sys, time, json
d = sys.argv[1]
keep = []
def comm(n): open('/proc/self/comm', 'w').write(n)
comm(${JSON.stringify(PARENT)})
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM); s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(('::', 8080)); s.listen(); keep.append(s)
c = socket.socket(socket.AF_INET6); c.connect(('::ffff:127.0.0.1', 8080)); a, _ = s.accept(); keep += [c, a]
ll = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); ll.bind(('fe80::1', 123, 0, socket.if_nametoindex('lo'))); keep.append(ll)
b = socket.socket(); b.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b'lo'); b.bind(('0.0.0.0', 7777)); b.listen(); keep.append(b)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 53)); u.connect(('127.0.0.1', 9999)); keep.append(u)
keep.append(socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP))
keep.append(socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6))
x = socket.socket(socket.AF_UNIX); x.bind(os.path.join(d, 'ctl sock (1)')); x.listen(); keep.append(x)
ab = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); ab.bind('\\0ncss/abstract'); keep.append(ab)
keep.append(socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3)))
mptcp = False
try:
    m = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262); m.bind(('127.0.0.1', 4444)); m.listen(); keep.append(m); mptcp = True
except OSError:
    pass
parent = os.getpid()
child = os.fork()
if child == 0:
    comm(${JSON.stringify(CHILD)})
    time.sleep(100000)
print(json.dumps({'parent': parent, 'child': child, 'mptcp': mptcp}), flush=True)
time.sleep(100000)
`;

describe.runIf(netnsAvailable())('real ss in a network namespace', () => {
  let lab: ReturnType<typeof createLab>;
  let holder: ChildProcess;
  let unixDir: string;
  let info: { parent: number; child: number; mptcp: boolean };
  const run = (args: string[]): ParseResult => {
    const text = lab.exec(lab.victim, ['ss', ...args], { stdio: ['ignore', 'pipe', 'ignore'] }).toString('utf8');
    const r = ssParser.parse({ text, artifact: `raw/ss ${args.join(' ')}.stdout`, encoding: 'utf-8' });
    expect(r.unparsed, text).toEqual([]);
    expect(accountedLines(r)).toBe(r.lines.total);
    return r;
  };
  const ownerPids = (c: { owners?: { pid: number }[] }) => (c.owners ?? []).map((o) => o.pid).sort();
  const find = (r: ParseResult, pred: (c: Connection) => boolean) => {
    const found = r.connections.filter(pred);
    expect(found).toHaveLength(1);
    return found[0];
  };

  beforeAll(async () => {
    lab = createLab();
    lab.exec(lab.victim, ['ip', 'addr', 'add', 'fe80::1/64', 'dev', 'lo']);
    unixDir = mkdtempSync(path.join(tmpdir(), 'ncss-'));
    holder = spawn('ip', ['netns', 'exec', lab.victim, 'python3', '-c', HOLDER, unixDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    info = await new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      holder.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(JSON.parse(out));
      });
      holder.stderr!.on('data', (d) => (err += d));
      holder.on('exit', (code) => reject(new Error(`holder exited ${code}: ${err}`)));
    });
  });
  afterAll(() => {
    holder?.kill('SIGKILL');
    lab?.cleanup();
    if (unixDir) rmSync(unixDir, { recursive: true, force: true });
  });

  it('ss -tunap: both owners of every socket, names as ss prints them, zones and v4-mapped', () => {
    const r = run(['-tunap']);
    const pids = [info.parent, info.child].sort();
    expect(r.connections.length).toBe(info.mptcp ? 7 : 6);
    for (const c of r.connections) {
      expect(ownerPids(c)).toEqual(pids);
      // ss reads comm from /proc/PID/stat with %[^)]: a name is cut at its first ')'.
      expect(new Set(c.owners!.map((o) => o.process))).toEqual(new Set(['srv "q" (x', CHILD]));
      expect(c.pid === info.parent || c.pid === info.child).toBe(true);
    }
    expect(find(r, (c) => c.state === 'LISTEN' && c.localPort === 8080)).toMatchObject({ protocol: 'tcp', ipVersion: 6, localAddress: '::', remoteAddress: '::', remotePort: null });
    const mapped = r.connections.filter((c) => c.localAddress === '::ffff:127.0.0.1');
    expect(mapped.map((c) => [c.ipVersion, c.state, c.remoteAddress])).toEqual([[6, 'ESTABLISHED', '::ffff:127.0.0.1'], [6, 'ESTABLISHED', '::ffff:127.0.0.1']]);
    expect(find(r, (c) => c.localPort === 123)).toMatchObject({ protocol: 'udp', ipVersion: 6, localAddress: 'fe80::1%lo', interfaceScope: 'lo', state: null, stateRaw: 'UNCONN' });
    expect(find(r, (c) => c.localPort === 7777)).toMatchObject({ ipVersion: 4, localAddress: '0.0.0.0%lo', interfaceScope: 'lo', state: 'LISTEN' });
    expect(find(r, (c) => c.localPort === 53)).toMatchObject({ protocol: 'udp', state: 'ESTABLISHED', remoteAddress: '127.0.0.1', remotePort: 9999 });
  });

  it('ss -a -A all -p -e: raw, UNIX, packet, netlink and MPTCP sockets with owners', () => {
    const r = run(['-a', '-A', 'all', '-p', '-e']);
    const raw = r.connections.filter((c) => c.protocol === 'raw');
    expect(raw.map((c) => [c.ipVersion, c.localPort, c.localPortRaw])).toEqual([[4, 1, 'icmp'], [6, 58, 'ipv6-icmp']]);
    expect(raw.every((c) => ownerPids(c).length === 2)).toBe(true);
    const unixPath = path.join(unixDir, 'ctl sock (1)');
    expect(r.unixSockets.find((u) => u.path === unixPath)).toMatchObject({ type: 'STREAM', state: 'LISTENING' });
    expect(r.unixSockets.find((u) => u.path === '@ncss/abstract')).toMatchObject({ type: 'DGRAM', state: null });
    const packet = r.otherSockets.find((o) => o.family === 'p_raw')!;
    expect([info.parent, info.child]).toContain(packet.pid);
    expect(r.otherSockets.some((o) => o.family === 'nl')).toBe(true);
    if (info.mptcp) expect(r.otherSockets.find((o) => o.family === 'mptcp')).toMatchObject({ local: '127.0.0.1:4444', state: 'LISTEN' });
    const tcpInodes = r.connections.filter((c) => c.protocol === 'tcp').map((c) => c.inode);
    expect(tcpInodes.every((i) => typeof i === 'number' && i > 0)).toBe(true);
  });

  it('ss -ta and ss -ua print no Netid column: the protocol is inferred and said so', () => {
    const tcp = run(['-ta']);
    expect(tcp.connections.length).toBe(info.mptcp ? 5 : 4);
    expect(tcp.connections.every((c) => c.protocol === 'tcp' && c.protoRaw === '')).toBe(true);
    expect(tcp.connections.find((c) => c.localPortRaw === 'http-alt')).toMatchObject({ localPort: 8080, ipVersion: 6 });
    const udp = run(['-ua']);
    expect(udp.connections.map((c) => c.protocol)).toEqual(['udp', 'udp']);
    expect(udp.warnings.some((w) => w.includes('no Netid column'))).toBe(true);
  });

  it('ss -tanpioem: indented detail lines are counted with their socket', () => {
    const r = run(['-tanpioem']);
    expect(r.connections.length).toBe(info.mptcp ? 5 : 4);
    expect(r.lines.records).toBeGreaterThan(r.connections.length);
  });

  it('ss -tuanep and the kernel tables agree socket by socket (joined on inode)', () => {
    const ss = run(['-tuanep']);
    const proc = ['tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6'].flatMap((name) => {
      const text = lab.exec(lab.victim, ['cat', `/proc/net/${name}`]).toString();
      const r = procNetParser.parse({ text, artifact: `raw/proc-net-${name}.stdout`, encoding: 'utf-8' });
      expect(r.unparsed).toEqual([]);
      return r.connections;
    });
    expect(proc.filter((c) => c.protocol !== 'raw')).toHaveLength(ss.connections.length);
    for (const c of ss.connections) {
      const k = proc.find((p) => p.inode === c.inode)!;
      expect(k, `inode ${c.inode}`).toBeDefined();
      for (const field of ['protocol', 'ipVersion', 'localAddress', 'localPort', 'remoteAddress', 'remotePort', 'state'] as const) {
        // /proc/net prints no zone or bound device; ss keeps them in the address.
        const v = c[field];
        expect(k[field], `${field} of inode ${c.inode}`).toBe(typeof v === 'string' ? v.replace(/%.*$/, '') : v);
      }
    }
    expect(proc.filter((c) => c.protocol === 'raw').map((c) => [c.ipVersion, c.localPort])).toEqual([[4, 1], [6, 58]]);
  });

  it('ss -tulpen inodes are the ones /proc/net/tcp6 and udp list (what the analyzer joins on)', () => {
    const r = run(['-tulpen']);
    const proc6 = procNetParser.parse({ text: lab.exec(lab.victim, ['cat', '/proc/net/tcp6']).toString(), artifact: 'raw/proc-net-tcp6.stdout', encoding: 'utf-8' });
    const listener = find(r, (c) => c.localPort === 8080);
    const fromProc = proc6.connections.find((c) => c.inode === listener.inode)!;
    expect(fromProc).toMatchObject({ localAddress: '::', localPort: 8080, state: 'LISTEN', protocol: 'tcp', ipVersion: 6 });
  });
});
