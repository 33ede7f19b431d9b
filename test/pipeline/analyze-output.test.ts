// Issue 16: analyze writes compact files (one record per line, per-artifact record defaults in
// parse-report.json, no connections.csv, no per-socket copy in analysis.json). On the 100k-socket
// captures, nothing is lost: the loaders return exactly the records the parser made, and findings and
// leads are exactly those of the analysis as it was written before (annotate: 'all'). Values thousands
// of findings or leads share are written once in finding-defaults.json: the loaders and the README's
// jq lines give back the full records.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { readCustody } from '../../src/evidence/custody.js';
import { sha256FileSync } from '../../src/evidence/files.js';
import { PATHS, publishFiles, readConnections, readJsonArray, readUnixSockets } from '../../src/evidence/folder.js';
import { inputOf } from '../../src/pipeline/analyze.js';
import { parseEvidence } from '../../src/parse/evidence.js';
import { generateLinuxNetstat } from '../../src/parse/linux-netstat-gen.js';
import { generateWindowsNetstat } from '../../src/parse/windows-netstat-gen.js';
import { importCapture, runCli, tempDir } from '../helpers/cli.js';

/** The README's jq program that gives back full socket records (kind: connections or unixSockets). */
const README_RESTORE = readmeJq('def zone:');

function readmeJq(start: string): string {
  const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
  const at = readme.indexOf(start);
  if (at < 0) throw new Error(`README.md has no jq program starting ${start}`);
  return readme.slice(at, readme.indexOf("'", at));
}

function folderBytes(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.set(join(e.parentPath, e.name), statSync(join(e.parentPath, e.name)).size);
  return out;
}

const CAPTURES = [
  { os: 'linux', command: 'netstat -anp', text: () => generateLinuxNetstat(100_000), maxRatio: 3 },
  // Windows -anob: 6,000 findings and leads are part of what analyze must write.
  { os: 'windows', command: 'netstat -anob', text: () => generateWindowsNetstat(100_000), maxRatio: 3 },
] as const;

describe('analyze output on a 100,000-socket capture', () => {
  for (const c of CAPTURES) {
    it(`${c.command}: loaders give back every record, findings and leads unchanged, bytes ≤ ${c.maxRatio}× input`, async () => {
      const { file, dir } = await importCapture(c.text(), { os: c.os, command: c.command, caseId: 'OUT' });
      const before = folderBytes(dir);
      const r = await runCli(['analyze', dir, '--examiner', 'T', '--quiet']);
      expect(r.exitCode, r.stderr).toBe(0);
      let written = 0;
      for (const [path, size] of folderBytes(dir)) if (before.get(path) !== size) written += size - (before.get(path) ?? 0);
      expect(written).toBeLessThanOrEqual(c.maxRatio * statSync(file).size);

      // The records as parsed and the analysis as analyze() makes it with every annotation.
      const parsed = parseEvidence(dir);
      const full = analyze(inputOf(parsed), { annotate: 'all' });
      expect(readConnections(dir)).toEqual(JSON.parse(JSON.stringify(parsed.connections)));
      expect(readUnixSockets(dir)).toEqual(JSON.parse(JSON.stringify(parsed.unixSockets)));
      const fullFindings = JSON.parse(JSON.stringify(full.findings)) as unknown[];
      const fullLeads = JSON.parse(JSON.stringify(full.leads)) as unknown[];
      expect(readJsonArray(dir, PATHS.findings)).toEqual(fullFindings);
      expect(readJsonArray(dir, PATHS.leads)).toEqual(fullLeads);
      // As written: one record per line, the contract fields on every record.
      const findingLines = readFileSync(join(dir, PATHS.findings), 'utf8').split('\n');
      expect(findingLines.length).toBe(full.findings.length + 3);
      const asWritten = JSON.parse(findingLines.join('\n')) as Record<string, unknown>[];
      for (const f of asWritten) for (const k of ['id', 'rule', 'severity', 'title', 'detail', 'subject', 'refs', 'attack']) expect(f).toHaveProperty(k);
      for (const l of JSON.parse(readFileSync(join(dir, PATHS.leads), 'utf8')) as Record<string, unknown>[]) for (const k of ['id', 'subject', 'severity', 'findings', 'summary', 'refs', 'rules']) expect(l).toHaveProperty(k);
      // The README's jq lines restore the full records.
      const jqFindings = execFileSync('jq', ['-c', '--slurpfile', 'd', PATHS.findingDefaults, 'map(($d[0].findings[.rule].fields // {}) + .)', PATHS.findings], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
      expect(JSON.parse(jqFindings)).toEqual(fullFindings);
      const jqLeads = execFileSync('jq', ['-c', '--slurpfile', 'd', PATHS.findingDefaults, 'map(($d[0].leads[.rules | join(",")] // {}) as $g | ($g.fields // {}) + . | .statements |= map(if type == "number" then $g.sentences[.] else . end))', PATHS.leads], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
      expect(JSON.parse(jqLeads)).toEqual(fullLeads);
      if (c.os === 'windows') {
        // 6,000 findings of one rule: its references and explanations are written once, not 6,000 times.
        const shared = JSON.parse(readFileSync(join(dir, PATHS.findingDefaults), 'utf8')) as { findings: Record<string, { fields: Record<string, unknown> }>; leads: Record<string, { sentences?: string[] }> };
        expect(Object.keys(shared.findings['NET-LISTEN-ALL-UNEXPECTED']!.fields)).toEqual(expect.arrayContaining(['falsePositives', 'references']));
        expect(shared.leads['NET-LISTEN-ALL-UNEXPECTED']!.sentences!.length).toBeGreaterThan(0);
        expect(asWritten.filter((f) => 'references' in f).length).toBeLessThan(100);
      }
      expect(existsSync(join(dir, 'parsed/connections.csv'))).toBe(false);

      // The socket files are rows under a `$columns` header; the README's jq program gives back
      // exactly the records the loaders return; one element per line.
      for (const [kind, rel, records] of [['connections', PATHS.connections, parsed.connections], ['unixSockets', PATHS.unixSockets, parsed.unixSockets]] as const) {
        const jqRecords = execFileSync('jq', ['-c', '--slurpfile', 'r', PATHS.parseReport, '--arg', 'kind', kind, README_RESTORE, rel], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
        expect(JSON.parse(jqRecords)).toEqual(JSON.parse(JSON.stringify(records)));
      }
      const elements = JSON.parse(readFileSync(join(dir, PATHS.connections), 'utf8')) as unknown[];
      expect(elements[0]).toEqual({ $columns: expect.arrayContaining(['protocol', 'ipVersion', 'localAddress', 'localPort', 'remoteAddress', 'remotePort', 'state', 'stateRaw', 'pid', 'process', 'source']), artifact: parsed.connections[0].source.artifact });
      expect(elements.length).toBe(parsed.connections.length + 1);
      expect(readFileSync(join(dir, PATHS.connections), 'utf8').split('\n').length).toBe(parsed.connections.length + 4);

      // Custody holds each file's hash as it is on disk (hashed while written).
      const events = readCustody(dir).filter((e) => e.action.endsWith('written'));
      expect(events.map((e) => e.object).sort()).toEqual([PATHS.analysis, PATHS.connections, PATHS.findingDefaults, PATHS.findingMarks, PATHS.findings, PATHS.leads, PATHS.otherSockets, PATHS.parseReport, PATHS.processes, PATHS.routes, PATHS.routesCsv, PATHS.unixSockets].sort());
      for (const e of events) expect(e.sha256, e.object ?? '').toBe(sha256FileSync(join(dir, e.object!)));
    }, 240_000);
  }

  it('a file that fails while being written leaves every earlier file as it was and no temporary file', async () => {
    const dir = tempDir('nc-publish-');
    writeFileSync(join(dir, 'a.json'), 'old a');
    await expect(publishFiles(dir, [
      { rel: 'a.json', produce: (w) => w('new a') },
      { rel: 'b.json', produce: () => { throw new Error('disk full'); } },
    ])).rejects.toThrow('disk full');
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('old a');
    expect(readdirSync(dir)).toEqual(['a.json']);
  });
});
