// Issue 16 (win): parsed/connections.json and unix-sockets.json are rows under a `$columns` header,
// with fields netcustody recomputes (zone, Windows -b owner lines, protoRaw) named once in
// parse-report.json. Records that do not fit (a gap in the owner block, a zone only in the foreign
// address, an extra field, a second artifact with other fields) must come back exactly; hostile text
// stays a value; a damaged file is a one-line error naming it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PATHS, readConnections, readUnixSockets } from '../../src/evidence/folder.js';
import { parseEvidence } from '../../src/parse/evidence.js';
import { generateLinuxNetstat } from '../../src/parse/linux-netstat-gen.js';
import { importAnalysed, runCli, tempDir } from '../helpers/cli.js';

const HOSTILE = '{"$columns":["pid"],"artifact":"x"}';
const WINDOWS = [
  '',
  'Active Connections',
  '',
  '  Proto  Local Address          Foreign Address        State           PID',
  '  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1712',
  '  RpcSs',
  ' [svchost.exe]',
  '  TCP    10.0.0.5:49710         20.42.65.92:443        ESTABLISHED     4242',
  ` [${HOSTILE}]`,
  '  TCP    10.0.0.5:49711         20.42.65.92:443        TIME_WAIT       0',
  '  UDP    [fe80::1%7]:1900       *:*                                    3104',
  '  SSDPSRV',
  ' [svchost.exe]',
  // The owner block with a blank line in it: its lines are not right under the row.
  '  TCP    [::1]:5555             [fe80::9%12]:443       ESTABLISHED     5000',
  '',
  ' [chrome.exe]',
  '  TCP    [fe80::2%]:80          [::]:0                 LISTENING       6000',
  ' Can not obtain ownership information',
  '  UDP    0.0.0.0:5353           *:*                                    7000',
  '  Dnscache',
  '  nsi',
  ' [svchost.exe]',
  '',
].join('\r\n');

async function imported(): Promise<string> {
  const work = tempDir('nc-record-rows-');
  const win = join(work, 'windows.txt');
  const linux = join(work, 'linux.txt');
  writeFileSync(win, WINDOWS);
  writeFileSync(linux, generateLinuxNetstat(300));
  return importAnalysed([win, linux], ['--command', 'netstat'], 'ROWS', work);
}

const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

describe('socket records as rows', () => {
  it('odd records of two artifacts come back exactly; hostile text is only a value', async () => {
    const dir = await imported();
    const parsed = parseEvidence(dir);
    expect(readConnections(dir)).toEqual(plain(parsed.connections));
    expect(readUnixSockets(dir)).toEqual(plain(parsed.unixSockets));

    const text = readFileSync(join(dir, PATHS.connections), 'utf8');
    const elements = JSON.parse(text) as unknown[];
    const headers = elements.filter((e) => e !== null && typeof e === 'object' && !Array.isArray(e) && '$columns' in e) as { artifact: string }[];
    expect(headers.map((h) => h.artifact)).toEqual(['raw/01-import-windows.txt', 'raw/02-import-linux.txt']);
    // The process name that looks like a header is a string inside a row.
    const hostile = parsed.connections.find((c) => c.process === HOSTILE)!;
    expect(hostile).toBeDefined();
    expect(readConnections(dir).find((c) => c.source.line === hostile.source.line)!.process).toBe(HOSTILE);
    // The owner block with a gap keeps its own ownerLines; the others are recomputed.
    const gap = readConnections(dir).find((c) => c.pid === 5000)!;
    expect(gap.ownerLines).toEqual([gap.source.line + 2]);
    expect(gap.interfaceScope).toBe('12');
    const report = JSON.parse(readFileSync(join(dir, PATHS.parseReport), 'utf8')) as { artifacts: { recordDerived?: { connections?: string[] } }[] };
    expect(report.artifacts[0].recordDerived?.connections).toEqual(expect.arrayContaining(['ownerLines', 'interfaceScope', 'protoRaw']));
    expect(text).toContain('"ownerLines":[');
  }, 120_000);

  it('a damaged file or an unknown recomputed field is a one-line error naming the file', async () => {
    const dir = await imported();
    const path = join(dir, PATHS.connections);
    const good = readFileSync(path, 'utf8');
    const lines = good.split('\n');
    const cases: Array<[string, string]> = [
      [[lines[0], ...lines.slice(2)].join('\n'), 'is a row before any $columns header'],
      [good.replace(/\n\["tcp",/, '\n["tcp","extra",'), 'values for'],
      [good.replace('"$columns":["protocol"', '"$columns":["__proto__"'), 'is not a valid header'],
      [good.replace(/\n(\["tcp",.*)\],\n/, '\n$1,{"__proto__":{"polluted":true}}],\n'), 'has a field named __proto__'],
    ];
    for (const [content, message] of cases) {
      writeFileSync(path, content);
      const r = await runCli(['report', dir, '--quiet']);
      expect(r.exitCode, content.slice(0, 300)).toBe(1);
      expect(r.stderr).toContain(`${PATHS.connections}: element`);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    writeFileSync(path, good);
    const reportPath = join(dir, PATHS.parseReport);
    writeFileSync(reportPath, readFileSync(reportPath, 'utf8').replace('"ownerLines"', '"pid"'));
    const r = await runCli(['report', dir, '--quiet']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`${PATHS.parseReport}: recordDerived of raw/01-import-windows.txt names fields this version cannot recompute`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 180_000);
});
