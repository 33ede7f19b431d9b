import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { windowsNetstatParser } from '../../src/parse/windows-netstat.js';
import { windowsRouteParser } from '../../src/parse/windows-route.js';
import { windowsTasklistParser } from '../../src/parse/windows-tasklist.js';
import { generateWindowsNetstat } from '../../src/parse/windows-netstat-gen.js';
import { detectFormat } from '../../src/parse/registry.js';
import { decodeBytes, headLines, splitLines } from '../../src/parse/text.js';
import { countBy, expectFullyAccounted, fixtureBytes, parseBytes, sampleBytes, samplesDir, toCp850 } from './windows-helpers.js';

const SAMPLE = 'windows/windows-10/netstat-aonb.out';

describe('windows-netstat on the real Windows 10 `netstat -aonb` sample', () => {
  const bytes = sampleBytes(SAMPLE);
  const text = decodeBytes(bytes).text;
  const r = parseBytes(windowsNetstatParser, bytes, 'raw/03-netstat-aonb.stdout');
  const rawLines = splitLines(text);
  const at = (line: number) => r.connections.find((c) => c.source.line === line);

  it('accounts for every line, owner lines as record lines, with nothing unparsed', () => {
    expect(r.format).toBe('windows-netstat');
    expect(r.encoding).toBe('utf-8');
    expect(r.lines).toEqual({ total: 720, records: 716, headers: 2, blank: 2, unparsed: 0 });
    expect(r.unparsed).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(expectFullyAccounted(r, text)).toBe(true);
  });

  it('has the exact socket counts per protocol and IP version', () => {
    expect(countBy(r.connections, (c) => `${c.protocol}${c.ipVersion}`)).toEqual({ tcp4: 99, tcp6: 15, udp4: 141, udp6: 63 });
    expect(countBy(r.connections, (c) => String(c.state))).toEqual({ LISTEN: 51, ESTABLISHED: 54, CLOSE_WAIT: 6, TIME_WAIT: 3, null: 204 });
    expect(r.connections.filter((c) => c.ownerNote !== null)).toHaveLength(35);
  });

  it('points every record at its socket row, never at an owner line', () => {
    for (const c of r.connections) expect(rawLines[c.source.line - 1]).toMatch(/^ {2}(TCP|UDP) {4}/);
    expect(new Set(r.connections.map((c) => c.source.artifact))).toEqual(new Set(['raw/03-netstat-aonb.stdout']));
  });

  it('reads a two-line owner block: component then [image]', () => {
    expect(at(5)).toMatchObject({
      protocol: 'tcp', protoRaw: 'TCP', ipVersion: 4, localAddress: '0.0.0.0', localPort: 135, remoteAddress: '0.0.0.0',
      remotePort: 0, state: 'LISTEN', stateRaw: 'LISTENING', pid: 1712, process: 'svchost.exe', component: 'RpcSs',
      ownerNote: null, view: 'netstat', format: 'windows-netstat', interfaceScope: null,
    });
    expect(at(8)).toMatchObject({ pid: 9396, process: 'vmware-hostd.exe', component: null });
  });

  it('keeps "Can not obtain ownership information" as an owner note for PID 4', () => {
    expect(at(10)).toMatchObject({ localPort: 445, pid: 4, process: null, component: null, ownerNote: 'Can not obtain ownership information' });
  });

  it('reads TIME_WAIT rows of PID 0 that have no owner line', () => {
    expect(at(188)).toMatchObject({ state: 'TIME_WAIT', pid: 0, process: null, ownerNote: null, component: null, remotePort: 5222 });
    expect(at(189)).toBeDefined();
  });

  it('reads UDP rows without a state and IPv6 link-local addresses with their zone', () => {
    expect(at(649)).toMatchObject({
      protocol: 'udp', ipVersion: 6, localAddress: 'fe80::244e:2f1e:2096:62b2%9', localPort: 1900, interfaceScope: '9',
      remoteAddress: '*', remotePort: null, state: null, stateRaw: null, pid: 8844, process: 'svchost.exe', component: 'SSDPSRV',
    });
    const v6Listen = r.connections.find((c) => c.protocol === 'tcp' && c.ipVersion === 6);
    expect(v6Listen).toMatchObject({ localAddress: '::', localPort: 135, remoteAddress: '::', remotePort: 0, pid: 1712 });
  });

  it('keeps image names with blanks whole', () => {
    expect(r.connections.filter((c) => c.process === 'NVIDIA Web Helper.exe')).toHaveLength(2);
  });

  it('reads the same lines, sockets and owners when every line ends \\r\\r\\n (CRLF converted twice)', () => {
    const doubled = Buffer.from(text.replace(/\r?\n/g, '\r\r\n'), 'utf8');
    const d = parseBytes(windowsNetstatParser, doubled, 'raw/03-netstat-aonb.stdout');
    // \r\r\n is one line end, as `grep -n` and `sed -n` count lines: same numbers, same records.
    expect(d.lines).toEqual(r.lines);
    expect(d.connections).toEqual(r.connections);
    const file = join(tempDir('nc-crcrlf-'), 'netstat.txt');
    writeFileSync(file, doubled);
    const row = d.connections[d.connections.length - 1];
    const printed = execFileSync('sed', ['-n', `${row.source.line}p`, file], { encoding: 'latin1' });
    expect(printed).toContain(`:${row.localPort} `);
    expect(printed.replace(/\r+\n$/, '')).toBe(splitLines(decodeBytes(doubled).text)[row.source.line - 1]);
  });

  it('keeps every owner when the output is double-spaced (a blank line after each line)', () => {
    const spaced = Buffer.from(text.replace(/\r?\n/g, '\r\n\r\n'), 'utf8');
    const d = parseBytes(windowsNetstatParser, spaced, 'raw/03-netstat-aonb.stdout');
    expect(d.lines).toEqual({ total: 1440, records: 716, headers: 2, blank: 722, unparsed: 0 });
    const owner = (c: (typeof r.connections)[number]) => [c.protocol, c.localAddress, c.localPort, c.pid, c.process, c.component, c.ownerNote];
    expect(d.connections.map(owner)).toEqual(r.connections.map(owner));
    expect(d.connections.map((c) => c.source.line)).toEqual(r.connections.map((c) => c.source.line * 2 - 1));
  });

  it('is the format the registry picks for this content', () => {
    expect(detectFormat(text)?.parser.info.id).toBe('windows-netstat');
    expect(windowsNetstatParser.detect(headLines(text))).toBeGreaterThanOrEqual(0.9);
  });
});

describe('Windows sniffers do not claim the other systems\' samples', () => {
  const others = listSamples(samplesDir).filter((f) => !f.includes(`${path.sep}windows${path.sep}`));

  it.each(others)('%s', (file) => {
    const head = headLines(decodeBytes(sampleBytes(path.relative(samplesDir, file))).text);
    for (const parser of [windowsNetstatParser, windowsRouteParser, windowsTasklistParser]) expect(parser.detect(head)).toBeLessThan(0.3);
  });

  it('route print and netstat are not mistaken for each other', () => {
    const route = headLines(decodeBytes(sampleBytes('windows/windows-10/route.out')).text);
    const netstat = headLines(decodeBytes(sampleBytes(SAMPLE)).text);
    expect(windowsNetstatParser.detect(route)).toBe(0);
    expect(windowsRouteParser.detect(netstat)).toBe(0);
    expect(windowsTasklistParser.detect(netstat)).toBe(0);
  });
});

function listSamples(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return listSamples(full);
    return name.endsWith('.out') ? [full] : [];
  });
}

describe('windows-netstat on German `netstat -anob` (synthetic)', () => {
  const utf8 = fixtureBytes('netstat-anob-de-synthetic.txt');
  const unicodeText = utf8.toString('utf8');
  const encodings: Array<[label: string, bytes: Buffer, encoding: string, listening: string]> = [
    ['UTF-8', utf8, 'utf-8', 'ABHÖREN'],
    ['ANSI (latin1 bytes)', Buffer.from(unicodeText, 'latin1'), 'latin1', 'ABHÖREN'],
    ['OEM cp850 bytes', toCp850(unicodeText), 'latin1', 'ABH\u0099REN'],
  ];

  it.each(encodings)('%s: localised states and owner notes', (_label, bytes, encoding, listening) => {
    const r = parseBytes(windowsNetstatParser, bytes);
    expect(r.encoding).toBe(encoding);
    expect(r.lines).toEqual({ total: 27, records: 23, headers: 2, blank: 2, unparsed: 0 });
    expect(r.warnings).toEqual([]);
    expect(r.connections.map((c) => c.state)).toEqual([
      'LISTEN', 'LISTEN', 'ESTABLISHED', 'TIME_WAIT', 'CLOSE_WAIT', 'SYN_SENT', 'LISTEN', null, null, null,
    ]);
    expect(r.connections[0]).toMatchObject({ stateRaw: listening, pid: 1016, process: 'svchost.exe', component: 'RpcSs' });
    expect(r.connections[1]).toMatchObject({ pid: 4, process: null, ownerNote: 'Der Besitzer konnte nicht ermittelt werden' });
    expect(r.connections[4]).toMatchObject({ stateRaw: 'SCHLIESSEN_WARTEN', pid: 5120, process: 'firefox.exe' });
    expect(r.connections[8]).toMatchObject({ ipVersion: 6, localAddress: 'fe80::1c2d:3e4f:5a6b:7c8d%12', interfaceScope: '12', component: 'SSDPSRV' });
    expect(r.connections[9].ownerNote).toMatch(/^Besitzerinformationen k.nnen nicht abgerufen werden$/);
    expect(detectFormat(decodeBytes(bytes).text)?.parser.info.id).toBe('windows-netstat');
  });

  it('keeps a non-ASCII image name exactly as decoded, never rewritten', () => {
    expect(parseBytes(windowsNetstatParser, utf8).connections[5].process).toBe('Übung.exe');
    expect(parseBytes(windowsNetstatParser, toCp850(unicodeText)).connections[5].process).toBe('\u009abung.exe');
  });
});

describe('windows-netstat on `-an` and `-ano` (synthetic)', () => {
  it('-an: no PID column, every Windows state normalised to the Linux name', () => {
    const r = parseBytes(windowsNetstatParser, fixtureBytes('netstat-an-synthetic.txt'));
    expect(r.lines).toEqual({ total: 20, records: 16, headers: 2, blank: 2, unparsed: 0 });
    expect(r.connections.every((c) => c.pid === null && c.process === null)).toBe(true);
    expect(r.connections.map((c) => [c.stateRaw, c.state])).toEqual([
      ['LISTENING', 'LISTEN'], ['ESTABLISHED', 'ESTABLISHED'], ['CLOSE_WAIT', 'CLOSE_WAIT'], ['SYN_RECEIVED', 'SYN_RECV'],
      ['FIN_WAIT_1', 'FIN_WAIT1'], ['FIN_WAIT_2', 'FIN_WAIT2'], ['LAST_ACK', 'LAST_ACK'], ['CLOSING', 'CLOSING'],
      ['CLOSED', 'CLOSE'], ['BOUND', 'BOUND'], ['DELETE_TCB', 'DELETE_TCB'], ['SYN_SENT', 'SYN_SENT'],
      ['LISTENING', 'LISTEN'], ['ESTABLISHED', 'ESTABLISHED'], [null, null], [null, null],
    ]);
    expect(r.connections[13]).toMatchObject({ localAddress: 'fe80::5d2:1ab:99c:10%7', interfaceScope: '7', remoteAddress: 'fe80::1%7', remotePort: 445 });
    expect(r.connections[15]).toMatchObject({ protocol: 'udp', ipVersion: 6, localAddress: '::1', localPort: 1900, remoteAddress: '*', remotePort: null });
  });

  it('-ano: PIDs as numbers, 0 and 4 included; UDP PID in the shifted column', () => {
    const r = parseBytes(windowsNetstatParser, fixtureBytes('netstat-ano-synthetic.txt'));
    expect(r.lines.unparsed).toBe(0);
    expect(r.connections.map((c) => c.pid)).toEqual([940, 4, 7788, 0, 940, 1520, 1520]);
    expect(r.connections.map((c) => c.state)).toEqual(['LISTEN', 'LISTEN', 'ESTABLISHED', 'TIME_WAIT', 'LISTEN', null, null]);
  });

  it('UTF-16LE with BOM (PowerShell `>`) gives the same records and records the encoding', () => {
    const utf8 = fixtureBytes('netstat-ano-synthetic.txt');
    const utf16 = Buffer.from(`\ufeff${utf8.toString('utf8')}`, 'utf16le');
    const a = parseBytes(windowsNetstatParser, utf8);
    const b = parseBytes(windowsNetstatParser, utf16);
    expect(b.encoding).toBe('utf-16le-bom');
    expect(b.connections).toEqual(a.connections);
    expect(b.lines).toEqual(a.lines);
    expect(detectFormat(decodeBytes(utf16).text)?.parser.info.id).toBe('windows-netstat');
  });

  it('French output: title, header and ÉCOUTE', () => {
    const text = '\r\nConnexions actives\r\n\r\n  Proto  Adresse locale         Adresse distante       État           PID\r\n' +
      '  TCP    0.0.0.0:135            0.0.0.0:0              ÉCOUTE         920\r\n' +
      '  TCP    10.1.1.5:50000         192.0.2.1:443          ESTABLISHED    3100\r\n';
    const r = windowsNetstatParser.parse({ text, artifact: 'raw/x', encoding: 'utf-8' });
    expect(r.lines).toEqual({ total: 6, records: 2, headers: 2, blank: 2, unparsed: 0 });
    expect(r.connections.map((c) => c.state)).toEqual(['LISTEN', 'ESTABLISHED']);
  });
});

describe('windows-netstat on damaged or foreign lines', () => {
  const text = [
    ' [orphan.exe]',
    '  TCP    0.0.0.0',
    '  TCP    0.0.0.0:99999          0.0.0.0:0              LISTENING       1',
    '  TCP    10.0.0.1:80            10.0.0.2:5000          WEIRD_STATE     77',
    ' [web.exe]',
    '  TCP    host-a:http            host-b:51000           ESTABLISHED     78',
    'The requested operation requires elevation.',
    '  UDP    0.0.0.0:53             *:*                                    90',
    '  Dnscache',
    '  Second',
    '  Third',
    '',
  ].join('\r\n');
  const r = windowsNetstatParser.parse({ text, artifact: 'raw/x', encoding: 'utf-8' });

  it('reports bad lines with their numbers and reasons, keeps readable rows, drops nothing', () => {
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [1, 'owner line without a socket row'],
      [2, 'socket row with fewer than three columns'],
      [3, 'local address not understood'],
      [7, 'owner line not followed by an [image] line'],
      [9, 'owner line not followed by an [image] line'],
      [10, 'owner line not followed by an [image] line'],
      [11, 'owner line not followed by an [image] line'],
    ]);
    expect(expectFullyAccounted(r, text)).toBe(true);
  });

  it('keeps an unknown state word in stateRaw with state null and says so', () => {
    expect(r.connections[0]).toMatchObject({ stateRaw: 'WEIRD_STATE', state: null, pid: 77, process: 'web.exe' });
    expect(r.warnings.join('\n')).toContain('WEIRD_STATE');
  });

  it('keeps host names and service-name ports of netstat without -n, ports null, with a warning', () => {
    expect(r.connections[1]).toMatchObject({ localAddress: 'host-a', localPort: null, remoteAddress: 'host-b', remotePort: 51000 });
    expect(r.warnings.join('\n')).toContain('service names');
  });

  it('attributes no unknown line to the row above it when no [image] line follows', () => {
    expect(r.connections[1]).toMatchObject({ ownerNote: null, component: null, process: null });
    expect(r.connections[2]).toMatchObject({ protocol: 'udp', pid: 90, component: null, process: null });
  });
});

describe('generateWindowsNetstat (benchmark input)', () => {
  const text = generateWindowsNetstat(3000);
  const r = windowsNetstatParser.parse({ text, artifact: 'raw/gen', encoding: 'utf-8' });

  it('produces real netstat -anob line shapes that parse completely', () => {
    expect(text.includes('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '').includes('\n')).toBe(false);
    expect(r.connections).toHaveLength(3000);
    expect(r.lines.unparsed).toBe(0);
    expect(expectFullyAccounted(r, text)).toBe(true);
    expect(detectFormat(text)?.parser.info.id).toBe('windows-netstat');
  });

  it('mixes states, protocols, IP versions and one-, two- and three-line entries', () => {
    const states = countBy(r.connections, (c) => String(c.state));
    for (const s of ['LISTEN', 'ESTABLISHED', 'TIME_WAIT', 'null']) expect(states[s]).toBeGreaterThan(0);
    const kinds = countBy(r.connections, (c) => `${c.protocol}${c.ipVersion}`);
    for (const k of ['tcp4', 'tcp6', 'udp4', 'udp6']) expect(kinds[k]).toBeGreaterThan(0);
    const blockLines = countBy(r.connections, (c) => (c.component ? '3' : c.process || c.ownerNote ? '2' : '1'));
    expect(Object.keys(blockLines).sort()).toEqual(['1', '2', '3']);
    expect(r.connections.some((c) => c.ownerNote !== null)).toBe(true);
    expect(r.connections.some((c) => c.interfaceScope !== null)).toBe(true);
  });

  it('is deterministic and about 85 bytes per socket, so 10 MB is ~120k sockets', () => {
    expect(generateWindowsNetstat(3000)).toBe(text);
    const perSocket = Buffer.byteLength(text) / 3000;
    expect(perSocket).toBeGreaterThan(70);
    expect(perSocket).toBeLessThan(110);
  });
});
