import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { truth, type TruthSocket } from './linux-truth.js';
import type { Connection, ParseResult } from '../../src/model.js';
import { linuxNetstatParser, parseLinuxNetstat } from '../../src/parse/linux-netstat.js';
import { accountedLines } from '../../src/parse/result.js';
import { detectFormat } from '../../src/parse/registry.js';
import { headLines } from '../../src/parse/text.js';

const ROOT = resolve(__dirname, '../..');
const FIXTURES = join(ROOT, 'fixtures/linux');
const SAMPLES = resolve(ROOT, '../shared/samples');

function parseFile(path: string): ParseResult {
  return parseLinuxNetstat({ text: readFileSync(path, 'utf8'), artifact: `raw/${path.split('/').pop()}`, encoding: 'utf-8' });
}
const fixture = (name: string): ParseResult => parseFile(join(FIXTURES, `${name}.txt`));

/** What net-tools prints for a process: the `pid/name` cell is cut to 19 characters. */
function printedName(pid: number, name: string): { name: string; cut: boolean } {
  const cell = `${pid}/${name}`.slice(0, 19).trimEnd();
  return { name: cell.slice(String(pid).length + 1), cut: `${pid}/${name}`.length >= 19 };
}

function expectClean(r: ParseResult): void {
  expect(r.unparsed).toEqual([]);
  expect(accountedLines(r)).toBe(r.lines.total);
  expect(r.warnings).toEqual([]);
}

function findSocket(conns: Connection[], s: TruthSocket): Connection | undefined {
  // A cut address (netstat without -W) must be the start of the real one.
  const same = (printed: string, real: string, cut: boolean | undefined) => printed === real || (cut === true && real.startsWith(printed));
  return conns.find(
    (c) => c.protocol === s.proto && c.ipVersion === s.ipVersion && c.localPort === s.localPort &&
      c.remotePort === s.remotePort && same(c.localAddress, s.localAddress, c.addressTruncated) &&
      same(c.remoteAddress, s.remoteAddress, c.addressTruncated),
  );
}

describe('linux-netstat on the namespace fixtures', () => {
  const cases: Array<[string, number, number, number]> = [
    // file, internet sockets, UNIX sockets, header lines
    ['netstat-anp', 22, 8, 4],
    ['netstat-an', 22, 8, 4],
    ['netstat-aeep', 22, 8, 4],
    ['netstat-anep', 22, 8, 4],
    ['netstat-anpo', 22, 8, 4],
    ['netstat-anpW', 22, 8, 4],
    ['netstat-lnp', 15, 3, 4],
    ['netstat-anp-inet6', 10, 0, 2],
  ];
  it.each(cases)('%s: exact counts, every line accounted, nothing unparsed', (name, conns, unix, headers) => {
    const r = fixture(name);
    expectClean(r);
    expect(r.format).toBe('linux-netstat');
    expect(r.connections).toHaveLength(conns);
    expect(r.unixSockets).toHaveLength(unix);
    expect(r.lines.headers).toBe(headers);
    expect(r.lines.records).toBe(conns + unix);
    for (const c of r.connections) {
      expect(c.view).toBe('netstat');
      expect(c.format).toBe('linux-netstat');
      expect(c.source.artifact).toBe(`raw/${name}.txt`);
    }
  });

  it('recovers every ground-truth socket from netstat -anp with the right pid and (cut) name', () => {
    const r = fixture('netstat-anp');
    const lines = readFileSync(join(FIXTURES, 'netstat-anp.txt'), 'utf8').split('\n');
    expect(truth.sockets.length).toBe(22);
    for (const s of truth.sockets) {
      const c = findSocket(r.connections, s);
      expect(c, `${s.proto} ${s.localAddress}:${s.localPort}`).toBeDefined();
      if (!c) continue;
      expect(c.state).toBe(s.proto === 'raw' ? 'CLOSE' : s.state);
      expect(c.pid).toBe(s.pid);
      if (s.pid === null || s.process === null) {
        expect(c.process).toBeNull();
        continue;
      }
      const expected = printedName(s.pid, s.process);
      expect(c.process).toBe(expected.name);
      expect(c.processTruncated === true).toBe(expected.cut);
      expect(lines[c.source.line - 1]).toContain(`${s.pid}/${expected.name}`);
    }
  });

  it('keeps states as printed: UDP with an empty State, connected UDP as ESTABLISHED, raw as a number', () => {
    const r = fixture('netstat-anp');
    const udp = r.connections.filter((c) => c.protocol === 'udp');
    expect(udp.filter((c) => c.state === 'ESTABLISHED').map((c) => c.localPort).sort()).toEqual([40123, 40124]);
    expect(udp.filter((c) => c.state === null && c.stateRaw === null)).toHaveLength(5);
    const raw = r.connections.filter((c) => c.protocol === 'raw');
    expect(raw.map((c) => [c.protoRaw, c.localPort, c.stateRaw, c.state])).toEqual([['raw', 1, '7', 'CLOSE'], ['raw6', 58, '7', 'CLOSE']]);
    const tw = r.connections.find((c) => c.state === 'TIME_WAIT');
    expect(tw).toMatchObject({ pid: null, process: null, localAddress: '127.0.0.1', localPort: 46000, remotePort: 7000 });
  });

  it('splits IPv6 host:port at the last colon; `*` ports are null', () => {
    const r = fixture('netstat-anp');
    const dual = r.connections.find((c) => c.protoRaw === 'tcp6' && c.localPort === 443 && c.state === 'LISTEN');
    expect(dual).toMatchObject({ localAddress: '::', remoteAddress: '::', remotePort: null, ipVersion: 6 });
    const lo6 = r.connections.find((c) => c.protoRaw === 'tcp6' && c.localPort === 5432);
    expect(lo6?.localAddress).toBe('::1');
  });

  it('marks the 23-character address netstat cut, and reads it whole with -W', () => {
    const cut = fixture('netstat-anp').connections.find((c) => c.localPort === 8631);
    expect(cut).toMatchObject({ localAddress: '2001:db8:aaaa:bbbb', addressTruncated: true, process: 'cupsd' });
    const wide = fixture('netstat-anpW');
    const whole = wide.connections.find((c) => c.localPort === 8631);
    expect(whole?.localAddress).toBe('2001:db8:aaaa:bbbb:cccc:dddd:eeee:1234');
    expect(wide.connections.some((c) => c.addressTruncated)).toBe(false);
  });

  it('-aeep / -anep: User and Inode columns come before PID/Program; names resolved without -n', () => {
    const named = fixture('netstat-aeep');
    const ssh = named.connections.find((c) => c.localPortRaw === 'ssh' && c.state === 'ESTABLISHED');
    expect(ssh).toMatchObject({ localAddress: 'victim.lab', localPort: 22, remoteAddress: 'attacker.lab', user: 'root' });
    expect(ssh?.inode).toBeGreaterThan(0);
    const numeric = fixture('netstat-anep');
    for (const c of numeric.connections) {
      expect(c.uid).toBe(0);
      expect(Number.isInteger(c.inode)).toBe(true);
    }
    const anp = fixture('netstat-anp');
    expect(numeric.connections.map((c) => [c.pid, c.process])).toEqual(anp.connections.map((c) => [c.pid, c.process]));
  });

  it('-anpo: the Timer column is not taken for part of the program name', () => {
    const timer = fixture('netstat-anpo');
    const anp = fixture('netstat-anp');
    const key = (c: Connection): string => `${c.protoRaw} ${c.localAddress}:${c.localPort} ${c.remotePort}`;
    const byKey = new Map(anp.connections.map((c) => [key(c), c.process]));
    for (const c of timer.connections) expect(c.process).toBe(byKey.get(key(c)));
  });

  it('UNIX section: flags, empty state, unnamed, abstract and cut paths, owners', () => {
    const r = fixture('netstat-anp');
    const ux = truth.unixSockets[0];
    for (const s of r.unixSockets) {
      expect(s.pid).toBe(ux.pid);
      expect(s.process).toBe(printedName(ux.pid, ux.process).name);
    }
    const byPath = (p: string | null) => r.unixSockets.filter((s) => s.path === p);
    expect(byPath('@nc-abstract/bus')).toMatchObject([{ flags: 'ACC', type: 'STREAM', state: 'LISTENING' }]);
    expect(byPath('/tmp/nclab-unix/log')).toMatchObject([{ flags: null, type: 'DGRAM', state: null }]);
    expect(byPath('/tmp/nclab-unix/seq.sock')).toMatchObject([{ type: 'SEQPACKET', state: 'LISTENING' }]);
    // net-tools prints paths only up to a space: `control socket.sock` shows as `control`.
    expect(byPath('/tmp/nclab-unix/control')).toHaveLength(2);
    expect(byPath(null)).toHaveLength(truth.unixSockets.find((u) => u.path === null)?.count ?? -1);
    const noPid = fixture('netstat-an').unixSockets;
    expect(noPid.map((s) => s.path)).toEqual(r.unixSockets.map((s) => s.path));
    expect(noPid.every((s) => s.pid === null && s.process === null)).toBe(true);
  });

  it('is detected from content for every netstat fixture, and not for route/ss/proc output', () => {
    for (const name of ['netstat-anp', 'netstat-an', 'netstat-aeep', 'netstat-lnp', 'netstat-anp-inet6', 'netstat-anpo']) {
      const text = readFileSync(join(FIXTURES, `${name}.txt`), 'utf8');
      expect(linuxNetstatParser.detect(headLines(text)), name).toBeGreaterThanOrEqual(0.8);
      expect(detectFormat(text)?.parser.info.id, name).toBe('linux-netstat');
    }
    for (const name of ['netstat-rn', 'route-n', 'ip-route-table-all', 'ss-tunap', 'ss-a', 'proc-net-tcp']) {
      const text = readFileSync(join(FIXTURES, `${name}.txt`), 'utf8');
      expect(linuxNetstatParser.detect(headLines(text)), name).toBeLessThan(0.3);
    }
    for (const other of ['osx-10.14.6/netstat.out', 'freebsd12/netstat-an.out']) {
      const text = readFileSync(join(SAMPLES, other), 'utf8');
      expect(linuxNetstatParser.detect(headLines(text)), other).toBeLessThan(0.5);
    }
  });
});

describe('linux-netstat on the real CentOS 7.7 sample (sudo netstat -aeep)', () => {
  const r = parseFile(join(SAMPLES, 'centos-7.7/netstat-sudo-aeep.out'));
  it('parses every line', () => {
    expectClean(r);
    expect(r.connections).toHaveLength(10);
    expect(r.unixSockets).toHaveLength(150);
    expect(r.lines).toEqual({ total: 164, records: 160, headers: 4, blank: 0, unparsed: 0 });
  });
  it('reads names with spaces, cut names, users, inodes and service names', () => {
    const sshd = r.connections.find((c) => c.pid === 6492);
    expect(sshd).toMatchObject({ process: 'sshd: kbrazil', user: 'root', inode: 63129, localAddress: 'localhost', localPort: 22, localPortRaw: 'ssh', remotePort: 38134, protoRaw: 'tcp6' });
    expect(sshd?.processTruncated).toBeUndefined();
    const dhclient = r.connections.find((c) => c.process === 'dhclient');
    expect(dhclient).toMatchObject({ protocol: 'udp', state: null, localPort: 68, localPortRaw: 'bootpc' });
    expect(r.connections[9]).toMatchObject({ protoRaw: 'raw6', stateRaw: '7', localPortRaw: 'ipv6-icmp', localPort: 58, process: 'NetworkManager' });
    const docker = r.unixSockets.find((s) => s.path === '/var/run/docker.sock');
    expect(docker).toMatchObject({ pid: 1220, process: 'dockerd-curren', flags: 'ACC', state: 'LISTENING', inode: 22040 });
    expect(r.unixSockets.filter((s) => s.state === null).length).toBeGreaterThan(0);
  });
});

describe('linux-netstat edge cases (lines shaped like net-tools output)', () => {
  const parse = (text: string) => parseLinuxNetstat({ text, artifact: 'raw/x', encoding: 'utf-8' });
  const HEAD = 'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    \n';

  it('program names with spaces, colons, slashes and digits; 19-character cells are cut', () => {
    const r = parse(
      HEAD +
        'tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      600/sshd: /usr/sbin \n' +
        'tcp        0      0 10.0.0.5:22             10.0.0.9:51234          ESTABLISHED 1/init              \n' +
        'udp        0      0 fe80::1%eth0:123        :::*                                -                   \n',
    );
    expectClean(r);
    expect(r.connections[0]).toMatchObject({ pid: 600, process: 'sshd: /usr/sbin', processTruncated: true });
    expect(r.connections[1]).toMatchObject({ pid: 1, process: 'init' });
    expect(r.connections[1].processTruncated).toBeUndefined();
    expect(r.connections[2]).toMatchObject({ localAddress: 'fe80::1%eth0', localPort: 123, interfaceScope: 'eth0', pid: null, state: null });
  });

  it('works without a header line, guessing the optional columns from the cells', () => {
    const r = parse(
      'tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1234       77/sshd\n' +
        'udp        0      0 0.0.0.0:68              0.0.0.0:*                           88/dhclient\n' +
        'tcp6       0      0 :::80                   :::*                    LISTEN     \n',
    );
    expectClean(r);
    expect(r.connections.map((c) => [c.uid, c.inode, c.pid, c.process])).toEqual([
      [0, 1234, 77, 'sshd'],
      [undefined, undefined, 88, 'dhclient'],
      [undefined, undefined, null, null],
    ]);
  });

  it('reports unreadable rows with line number and reason, and the non-root note as a header', () => {
    const r = parse(
      '(Not all processes could be identified, non-owned process info\n' +
        ' will not be shown, you would have to be root to see it all.)\n' +
        HEAD +
        'tcp        0      0 0.0.0.0:22              0.0.0.0:*                           -\n' +
        'tcp        x      0 0.0.0.0:22              0.0.0.0:*               LISTEN      -\n' +
        '\n' +
        'garbage <script>alert(1)</script>\n',
    );
    expect(r.lines).toEqual({ total: 7, records: 0, headers: 3, blank: 1, unparsed: 3 });
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [4, 'TCP row without a state'],
      [5, 'Recv-Q/Send-Q not numeric'],
      [7, 'not a netstat socket row'],
    ]);
    expect(r.warnings.join(' ')).toMatch(/not run as root/);
    expect(r.warnings.join(' ')).toMatch(/raw\/x: 3 line\(s\) not understood, first at line 4/);
  });

  it('keeps hostile process names byte for byte (they are escaped on output, not here)', () => {
    const r = parse(HEAD + 'tcp        0      0 0.0.0.0:4444            0.0.0.0:*               LISTEN      31337/\u001b[31m<b>x\u202e\0\n');
    expectClean(r);
    expect(r.connections[0].process).toBe('\u001b[31m<b>x\u202e\0');
  });

  it('lines in sections it does not know (Bluetooth, IPX) stay unparsed with the reason', () => {
    const r = parse('Active Bluetooth connections (servers and established)\nProto  Destination       Source            State         PSM DCID   SCID      IMTU    OMTU Security\nl2cap  00:00:00:00:00:00 11:22:33:44:55:66 LISTEN        1   0x0000 0x0000    672     0    low\n');
    expect(r.lines).toMatchObject({ headers: 2, unparsed: 1 });
    expect(r.unparsed[0].reason).toMatch(/not supported/);
  });
});
