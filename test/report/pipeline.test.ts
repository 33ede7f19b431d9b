import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/collect/import.js';
import { verifyCustodyFile } from '../../src/evidence/custody.js';
import { analyze } from '../../src/analyze/index.js';
import { analyzeStage, inputOf } from '../../src/pipeline/analyze.js';
import { parseEvidence } from '../../src/parse/evidence.js';
import { buildReport, type ReportResult } from '../../src/report/index.js';
import { loadReportInput } from '../../src/report/input.js';
import { buildMarks } from '../../src/report/view-tables.js';
import type { Finding } from '../../src/model.js';
import { readConnections } from '../../src/evidence/folder.js';

// The real pipeline on real Windows 10 outputs (../shared/samples): import → parse/analyze → report.
const samples = resolve(__dirname, '../../../shared/samples/windows/windows-10');
let work: string;
let dir: string;
let result: ReportResult;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'nc-pipeline-'));
  const imported = await importFiles([join(samples, 'netstat-aonb.out'), join(samples, 'route.out')], { out: work, caseId: 'CASE-REAL-1', examiner: 'Dana Scully', command: 'netstat -aonb; route print', os: 'windows', host: 'WIN10-SAMPLE' });
  dir = imported.dir;
  await analyzeStage(dir, { actor: 'Dana Scully' });
  result = await buildReport(dir, { configDir: join(work, 'cfg') });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('report of real imported Windows output', () => {
  it('is signed, and every finding quotes its evidence line', () => {
    expect(execFileSync('pdfsig', [result.pdf], { encoding: 'utf8' })).toContain('Signature is Valid.');
    const findings = JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')) as Finding[];
    const html = readFileSync(result.html, 'utf8');
    expect(html).not.toContain('Evidence line not available');
    expect(html.match(/class="quote"/g)?.length ?? 0).toBe(findings.reduce((n, f) => n + f.refs.length, 0));
    expect(verifyCustodyFile(dir).ok).toBe(true);
  });

  it('lists the parsed sockets and routes and the import limitation', () => {
    const text = execFileSync('pdftotext', ['-layout', result.pdf, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const connections = readConnections(dir);
    expect(connections.length).toBeGreaterThan(10);
    expect(text).toContain('imported from files captured elsewhere');
    expect(text).toMatch(/Can not obtain ownership information/);
    expect(text).toMatch(/0\.0\.0\.0\/0/);
  });
});

describe('finding marks', () => {
  it('finding-marks.json marks the rows findings point at, as the full analysis annotates them', () => {
    type Annotated = { source: { artifact: string; line: number }; findingIds: string[] };
    // What analyze wrote before issue 16: an annotation for every socket (analyze() with annotate 'all').
    const full = analyze(inputOf(parseEvidence(dir)), { annotate: 'all' });
    const marks = JSON.parse(readFileSync(join(dir, 'parsed/finding-marks.json'), 'utf8')) as { connections: Annotated[]; routes: Annotated[] };
    const withFindings = (list: Annotated[]) => list.filter((a) => a.findingIds.length > 0).map((a) => ({ source: a.source, findingIds: a.findingIds }));
    expect(marks.connections).toEqual(withFindings(full.connectionAnnotations));
    expect(marks.routes).toEqual(withFindings(full.routeAnnotations));
    expect(marks.connections.length + marks.routes.length).toBeGreaterThan(0);
    // analysis.json no longer repeats every socket.
    const analysis = JSON.parse(readFileSync(join(dir, 'parsed/analysis.json'), 'utf8')) as Record<string, unknown>;
    expect(analysis.connectionAnnotations).toBeUndefined();

    // A folder analysed before finding-marks.json existed: the report reads its analysis.json instead.
    const older = join(work, 'older');
    cpSync(dir, older, { recursive: true });
    rmSync(join(older, 'parsed/finding-marks.json'));
    writeFileSync(join(older, 'parsed/analysis.json'), JSON.stringify({ connectionAnnotations: full.connectionAnnotations, routeAnnotations: full.routeAnnotations }, null, 2));
    const fromMarks = buildMarks(loadReportInput(dir));
    const fromAnalysis = buildMarks(loadReportInput(older));
    for (const a of [...marks.connections, ...marks.routes]) {
      expect(fromAnalysis.get(a.source.artifact, a.source.line)).toEqual(fromMarks.get(a.source.artifact, a.source.line));
      expect(fromMarks.get(a.source.artifact, a.source.line)?.ids.length).toBeGreaterThan(0);
    }
  });
});
