import { describe, expect, it } from 'vitest';
import { windowsTasklistParser } from '../../src/parse/windows-tasklist.js';
import { detectFormat } from '../../src/parse/registry.js';
import { decodeBytes } from '../../src/parse/text.js';
import { expectFullyAccounted, fixtureBytes, parseBytes } from './windows-helpers.js';

describe('windows-tasklist on `tasklist /v /fo csv` (synthetic)', () => {
  const bytes = fixtureBytes('tasklist-v-csv-synthetic.csv');
  const r = parseBytes(windowsTasklistParser, bytes);

  it('reads one process per row, the header as header', () => {
    expect(r.format).toBe('windows-tasklist');
    expect(r.lines).toEqual({ total: 6, records: 5, headers: 1, blank: 0, unparsed: 0 });
    expect(r.processes.map((p) => [p.pid, p.comm, p.user])).toEqual([
      [0, 'System Idle Process', 'NT AUTHORITY\\SYSTEM'],
      [4, 'System', null],
      [1016, 'svchost.exe', 'NT AUTHORITY\\NETWORK SERVICE'],
      [5124, 'explorer.exe', 'DESKTOP-7Q2K\\alice'],
      [7432, 'notepad.exe', 'DESKTOP-7Q2K\\alice'],
    ]);
    expect(r.connections).toEqual([]);
    expect(detectFormat(decodeBytes(bytes).text)?.parser.info.id).toBe('windows-tasklist');
  });

  it('fills ProcessFacts with what tasklist does not know as null', () => {
    expect(r.processes[3]).toEqual({
      pid: 5124, comm: 'explorer.exe', exe: null, exeDeleted: false, cmdline: null, ppid: null, uid: null,
      user: 'DESKTOP-7Q2K\\alice', startTime: null, socketInodes: [], errors: [],
      source: { artifact: r.artifact, line: r.processes[3]!.source!.line },
    });
    expect(r.processes.map((p) => p.source!.line)).toEqual([...new Set(r.processes.map((p) => p.source!.line))]);
  });
});

describe('windows-tasklist on `tasklist /fo csv` without /v and in German (synthetic)', () => {
  it('without /v: five columns, no user', () => {
    const bytes = fixtureBytes('tasklist-csv-synthetic.csv');
    const r = parseBytes(windowsTasklistParser, bytes);
    expect(r.lines).toEqual({ total: 5, records: 4, headers: 1, blank: 0, unparsed: 0 });
    expect(r.processes.map((p) => [p.pid, p.comm, p.user])).toEqual([
      [0, 'System Idle Process', null],
      [4, 'System', null],
      [1016, 'svchost.exe', null],
      [6120, '<script>x.exe', null],
    ]);
    expect(detectFormat(decodeBytes(bytes).text)?.parser.info.id).toBe('windows-tasklist');
  });

  it('German headers, "Nicht zutreffend" as no user, umlauts kept (UTF-8 and ANSI bytes)', () => {
    const utf8 = fixtureBytes('tasklist-v-csv-de-synthetic.csv');
    for (const bytes of [utf8, Buffer.from(utf8.toString('utf8'), 'latin1')]) {
      const r = parseBytes(windowsTasklistParser, bytes);
      expect(r.lines).toEqual({ total: 4, records: 3, headers: 1, blank: 0, unparsed: 0 });
      expect(r.processes.map((p) => [p.pid, p.user])).toEqual([
        [4, null],
        [1016, 'NT-AUTORITÄT\\Netzwerkdienst'],
        [5124, 'PC-01\\jürgen'],
      ]);
    }
  });

  it('without a header line (/nh) the rows still parse', () => {
    const text = '"System","4","Services","0","144 K"\r\n"lsass.exe","812","Services","0","18,220 K"\r\n';
    const r = windowsTasklistParser.parse({ text, artifact: 'raw/x', encoding: 'utf-8' });
    expect(r.processes.map((p) => p.pid)).toEqual([4, 812]);
    expect(windowsTasklistParser.detect(text.split('\r\n'))).toBeGreaterThanOrEqual(0.3);
  });

  it('reports lines that are not rows, with their numbers', () => {
    const text = '"Image Name","PID","Session Name","Session#","Mem Usage"\n"a.exe","x1","Console","1","8 K"\nINFO: No tasks are running which match the specified criteria.\n"b.exe","9"\n\n';
    const r = windowsTasklistParser.parse({ text, artifact: 'raw/x', encoding: 'utf-8' });
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [2, 'PID column is not a number'],
      [3, 'not a 5-column tasklist CSV row'],
      [4, 'not a 5-column tasklist CSV row'],
    ]);
    expect(expectFullyAccounted(r, text)).toBe(true);
  });
});
