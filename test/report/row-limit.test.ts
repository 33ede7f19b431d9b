// A busy server's 100,000 sockets cannot all be printed (Chromium fails long before): the PDF lists
// every row a finding points at, then listening, established and other sockets up to the limit, and
// says what it left out and where the complete list is.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/model.js';
import { buildReport, type ReportResult } from '../../src/report/index.js';
import { writeEvidenceFolder } from '../../src/report/synthetic-evidence.js';
import { largeHost } from '../../src/report/synthetic-hosts.js';
import { connectionGroups, type Marks } from '../../src/report/view-tables.js';
import { loadIdentity } from '../../src/signing/index.js';
import { tempDir } from '../helpers/cli.js';

function sockets(count: number): Connection[] {
  return Array.from({ length: count }, (_, i) => ({
    protocol: 'tcp', ipVersion: 4, localAddress: '10.0.0.5', localPort: i % 10 === 0 ? 8000 + i : 443,
    remoteAddress: i % 10 === 0 ? '0.0.0.0' : `198.51.100.${i % 250}`, remotePort: i % 10 === 0 ? null : 40000 + (i % 20000),
    state: i % 10 === 0 ? 'LISTEN' : i % 3 === 0 ? 'TIME_WAIT' : 'ESTABLISHED', stateRaw: null, pid: 100, process: 'nginx',
    source: { artifact: 'raw/01-netstat.stdout', line: i + 3 }, protoRaw: 'tcp', view: 'netstat', format: 'linux-netstat',
  }));
}

const marksOn = (lines: number[]): Marks => ({
  get: (_artifact, line) => (lines.includes(line) ? { ids: [`F-${line}`], severity: 'high' } : undefined),
});

describe('connection rows beyond the limit', () => {
  it('keep every marked row, then listening, established and other sockets in listing order', () => {
    const all = sockets(25_000);
    const marked = [24_990, 20_001, 5];
    const groups = connectionGroups(all, marksOn(marked), 3_000);
    const rows = groups.flatMap((g) => g.rows);
    expect(rows).toHaveLength(3_000);
    for (const line of marked) expect(rows.some((r) => r.line === line && r.marked)).toBe(true);
    const [listening, established, other] = groups;
    expect(listening.rows).toHaveLength(2_500);
    expect(listening.omitted).toBe(0);
    expect(established.total + other.total + listening.total).toBe(25_000);
    expect(groups.reduce((n, g) => n + g.omitted, 0)).toBe(22_000);
    // Listing order inside a group.
    const lines = established.rows.map((r) => r.line);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  });

  it('leave small hosts untouched', () => {
    const groups = connectionGroups(sockets(500), marksOn([]), 3_000);
    expect(groups.flatMap((g) => g.rows)).toHaveLength(500);
    expect(groups.every((g) => g.omitted === 0)).toBe(true);
  });
});

describe('a report over the row limit', () => {
  let result: ReportResult;
  let text: string;
  const host = largeHost(3_000);
  const markedLines = host.findings.flatMap((f) => (f.refs ?? []).map((r) => r.line));

  beforeAll(async () => {
    const work = tempDir('nc-rowlimit-');
    const configDir = join(work, 'cfg');
    await loadIdentity({ examiner: 'Dana Scully', configDir });
    const dir = writeEvidenceFolder(work, host);
    result = await buildReport(dir, { configDir, maxConnectionRows: 100 });
    text = execFileSync('pdftotext', ['-layout', result.pdf, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  }, 120_000);

  it('prints the limit, every marked row among them, and says where the rest is', () => {
    const row = /^\s*(?:[◔◑◕●○] [A-Z]+\s+)?tcp6?\s+\S+:\d+\s+\S+:(?:\d+|\*)\s+[A-Z_0-9]+\s+\d+\s+\S+\s+(\d+)\s*$/gm;
    const printed = [...text.matchAll(row)].map((m) => Number(m[1]));
    expect(new Set(printed).size).toBe(100);
    expect(markedLines.length).toBeGreaterThan(0);
    for (const line of markedLines) expect(printed).toContain(line);
    expect(text).toMatch(/rows are printed: every row a finding points at, then the first in listing order\./);
    expect(text).toMatch(/parsed\/connections\.csv and parsed\/connections\.json/);
    expect(text).toMatch(/2,900 of 3,000 connection rows are not printed|2900 of 3000 connection rows are not printed/);
    expect(execFileSync('pdfsig', [result.pdf], { encoding: 'utf8' })).toContain('Signature is Valid.');
  });
});
