// The realistic Windows capture of the analyze benchmark (issue 16): it must look like one real
// `netstat -anob` snapshot (each PID under one owner block, the real sample's line shapes), unlike the
// stress capture whose PIDs are printed under random names.
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/model.js';
import { generateWindowsHostNetstat } from '../../src/parse/windows-netstat-host.js';
import { generateWindowsNetstat } from '../../src/parse/windows-netstat-gen.js';
import { windowsNetstatParser } from '../../src/parse/windows-netstat.js';
import { detectFormat } from '../../src/parse/registry.js';
import { decodeBytes } from '../../src/parse/text.js';
import { countBy, expectFullyAccounted, sampleBytes } from './windows-helpers.js';

const parse = (text: string) => windowsNetstatParser.parse({ text, artifact: 'raw/gen', encoding: 'utf-8' });
const owner = (c: Connection): string => JSON.stringify([c.process, c.component, c.ownerNote]);

/** The owner blocks printed for each PID (TIME_WAIT's PID 0 has none). */
function blocksByPid(conns: Connection[]): Map<number, Set<string>> {
  const by = new Map<number, Set<string>>();
  for (const c of conns) if (c.pid !== null && c.pid !== 0) by.set(c.pid, (by.get(c.pid) ?? new Set()).add(owner(c)));
  return by;
}

/**
 * A line's shape: a socket row as its protocol and the columns where its fields start (endpoints
 * longer than their column push the rest right, as in the sample), an owner line as its form.
 */
function shape(line: string): string {
  if (/^ {2}(TCP|UDP) /.test(line)) return `${line.slice(0, 5)} ${[...line.matchAll(/\S+/g)].map((m) => m.index).join(',')}`;
  return line.replace(/^ \[[^\]]+\]$/, ' [IMAGE]').replace(/^ {2}\S+$/, '  COMPONENT');
}

describe('generateWindowsHostNetstat (realistic benchmark input)', () => {
  const text = generateWindowsHostNetstat(20_000);
  const r = parse(text);

  it('parses completely, with CRLF and the exact number of socket rows', () => {
    expect(text.includes('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '').includes('\n')).toBe(false);
    expect(r.connections).toHaveLength(20_000);
    expect(r.lines.unparsed).toBe(0);
    expect(r.warnings).toEqual([]);
    expect(expectFullyAccounted(r, text)).toBe(true);
    expect(detectFormat(text)?.parser.info.id).toBe('windows-netstat');
  });

  it('prints each PID under one owner block, for about a hundred processes; the stress capture does not', () => {
    const by = blocksByPid(r.connections);
    expect([...by.values()].filter((s) => s.size > 1)).toEqual([]);
    expect(by.size).toBeGreaterThan(100);
    expect(by.size).toBeLessThan(200);
    const stress = blocksByPid(parse(generateWindowsNetstat(20_000)).connections);
    expect([...stress.values()].filter((s) => s.size > 1).length).toBeGreaterThan(1000);
  });

  it('has System PID 4 without owner, svchost service lines, TIME_WAIT without owner, IPv6 zones', () => {
    const sys = r.connections.filter((c) => c.pid === 4);
    expect(sys.length).toBeGreaterThan(1000);
    expect(new Set(sys.map(owner))).toEqual(new Set([JSON.stringify([null, null, 'Can not obtain ownership information'])]));
    const svchost = r.connections.filter((c) => c.process === 'svchost.exe');
    expect(svchost.every((c) => c.component !== null)).toBe(true);
    expect(new Set(svchost.map((c) => c.component)).size).toBeGreaterThan(30);
    const timeWait = r.connections.filter((c) => c.state === 'TIME_WAIT');
    expect(timeWait.length).toBeGreaterThan(1000);
    expect(timeWait.every((c) => c.pid === 0 && c.process === null && c.ownerNote === null)).toBe(true);
    expect(r.connections.filter((c) => c.interfaceScope !== null).map((c) => c.interfaceScope).sort()).toContain('9');
    const kinds = countBy(r.connections, (c) => `${c.protocol}${c.ipVersion}`);
    for (const k of ['tcp4', 'tcp6', 'udp4', 'udp6']) expect(kinds[k]).toBeGreaterThan(0);
  });

  it('puts listeners on the ports their images really use, and clients on ephemeral ports', () => {
    const listen = (port: number) => new Set(r.connections.filter((c) => c.state === 'LISTEN' && c.localPort === port).map((c) => c.component ?? c.process ?? c.ownerNote));
    expect(listen(135)).toEqual(new Set(['RpcSs']));
    expect(listen(445)).toEqual(new Set(['Can not obtain ownership information']));
    expect(listen(1433)).toEqual(new Set(['sqlservr.exe']));
    expect(listen(3389)).toEqual(new Set(['TermService']));
    const outbound = r.connections.filter((c) => c.process === 'w3wp.exe' && c.localAddress === '10.20.0.15');
    expect(outbound.length).toBeGreaterThan(1000);
    expect(outbound.every((c) => c.localPort! >= 49152)).toBe(true);
  });

  it('uses only line shapes that the real Windows 10 sample prints, in netstat order', () => {
    const sample = new Set(decodeBytes(sampleBytes('windows/windows-10/netstat-aonb.out')).text.split('\r\n').map(shape));
    // The sample has no TCP row with a remote endpoint wider than its column (IPv6 internet clients
    // here): those rows are held to the sample's rule for a wide endpoint, two spaces after it.
    const wideRemote = /^ {2}TCP {4}\S+ +(\S{23,})( +)/;
    const lines = text.split('\r\n');
    for (const l of lines) if (wideRemote.test(l)) expect(wideRemote.exec(l)![2]).toBe('  ');
    const own = new Set(lines.filter((l) => !wideRemote.test(l)).map(shape));
    expect([...own].filter((s) => !sample.has(s))).toEqual([]);
    // TCP rows before UDP rows, IPv4 before IPv6 within each.
    const order = r.connections.map((c) => `${c.protocol}${c.ipVersion}`).filter((k, i, a) => k !== a[i - 1]);
    expect(order).toEqual(['tcp4', 'tcp6', 'udp4', 'udp6']);
  });

  it('is deterministic', () => {
    expect(generateWindowsHostNetstat(20_000)).toBe(text);
  });
});
