// Process facts are citable (issue 12 item 4): the current artifact holds one JSON object per line,
// so a line number cites one process; the older pretty-printed array is still read, each process
// cited by the line of its "pid" key and each fact by its own key's line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectProcessFacts, formatProcessFacts } from '../../src/collect/procfacts.js';
import { processFactsParser } from '../../src/parse/process-facts.js';
import { parseText } from '../../src/parse/registry.js';
import { splitLines } from '../../src/parse/text.js';
import { analyze } from '../../src/analyze/index.js';
import { acquisition, listen } from '../analyze/helpers.js';
import type { ProcessFacts } from '../../src/model.js';

const ART = 'raw/09-process-facts.jsonl';

function facts(pid: number, extra: Partial<ProcessFacts> = {}): ProcessFacts {
  return { pid, comm: `p${pid}`, exe: `/usr/bin/p${pid}`, exeDeleted: false, cmdline: [`/usr/bin/p${pid}`], ppid: 1, uid: 0, user: 'root', startTime: '2026-01-01T00:00:00.000Z', socketInodes: [pid * 10], errors: [], ...extra };
}

describe('process facts: one line per process', () => {
  it('writes a header line and one readable JSON object per process, and reads each back with its line', () => {
    const text = formatProcessFacts([facts(10), facts(20, { exe: '/dev/shm/x (deleted)', exeDeleted: true })]);
    const lines = splitLines(text);
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'netcustody-process-facts' });
    expect(lines[2]).toContain('"exe":"/dev/shm/x (deleted)"');
    const r = parseText(text, ART, 'utf-8');
    expect(r.format).toBe('netcustody-process-facts');
    expect(r.processes.map((p) => [p.pid, p.source])).toEqual([[10, { artifact: ART, line: 2 }], [20, { artifact: ART, line: 3 }]]);
    expect(r.lines).toMatchObject({ total: 3, headers: 1, records: 2, unparsed: 0 });
  });

  it('an empty capture is still recognised', () => {
    const r = parseText(formatProcessFacts([]), ART, 'utf-8');
    expect(r.format).toBe('netcustody-process-facts');
    expect(r.processes).toEqual([]);
  });

  it('a damaged line is reported with its number; the other processes are kept', () => {
    const text = formatProcessFacts([facts(10), facts(20)]).replace('"pid":20', '"pid":20,,');
    const r = processFactsParser.parse({ text, artifact: ART, encoding: 'utf-8' });
    expect(r.processes.map((p) => p.pid)).toEqual([10]);
    expect(r.unparsed.map((u) => u.line)).toEqual([3]);
    expect(r.warnings[0]).toContain(`${ART}: 1 line(s)`);
  });

  it('reads the older pretty-printed array, citing the pid line and each key line', () => {
    const old = readFileSync(resolve(__dirname, '../../fixtures/scenarios/linux-reverse-shell/process-facts.json'), 'utf8');
    const r = parseText(old, 'raw/09-import-process-facts.json', 'utf-8');
    expect(r.format).toBe('netcustody-process-facts');
    const lines = splitLines(old);
    expect(r.processes.length).toBeGreaterThan(3);
    for (const p of r.processes) {
      expect(lines[p.source!.line - 1]).toMatch(new RegExp(`^\\s*"pid": ${p.pid},`));
      expect(lines[p.fieldLines!.exe! - 1]).toBe(`  "exe": ${JSON.stringify(p.exe)},`);
      expect(lines[p.fieldLines!.user! - 1]).toBe(`  "user": ${JSON.stringify(p.user)},`);
      expect(lines[p.fieldLines!.ppid! - 1]).toBe(`  "ppid": ${p.ppid},`);
    }
  });

  it('collect writes the new format from this host\'s /proc', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-pf-'));
    try {
      const path = join(dir, 'pf.jsonl');
      writeFileSync(path, formatProcessFacts(collectProcessFacts()));
      const r = parseText(readFileSync(path, 'utf8'), ART, 'utf-8');
      expect(r.format).toBe('netcustody-process-facts');
      expect(r.unparsed).toEqual([]);
      r.processes.forEach((p, i) => expect(p.source).toEqual({ artifact: ART, line: i + 2 }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a finding that states the exe and user cites the process-facts line', () => {
    const text = formatProcessFacts([facts(4242, { comm: 'sshdd', exe: '/tmp/sshdd', cmdline: ['/tmp/sshdd'] })]);
    const processes = parseText(text, ART, 'utf-8').processes;
    const out = analyze({ acquisition: acquisition('linux'), connections: [listen('0.0.0.0:2222', 4242, 'sshdd')], routes: [], processes, interfaces: [] });
    const f = out.findings.find((x) => x.rule === 'NET-SUSP-PATH-NIX');
    expect(f?.detail).toContain('exe /tmp/sshdd, user root');
    expect(f?.refs).toContainEqual({ artifact: ART, line: 2 });
  });
});
