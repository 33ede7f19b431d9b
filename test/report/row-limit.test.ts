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
import { connectionGroups, findingGroups, processRows, splitFindings, type Marks } from '../../src/report/view-tables.js';
import type { Finding } from '../../src/model.js';
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

  it('keep the most severe marked rows when marked rows alone exceed the limit', () => {
    const all = sockets(2_000);
    const marks: Marks = { get: (_a, line) => (line % 2 === 0 ? { ids: [`F-${line}`], severity: line % 10 === 0 ? 'critical' : 'low' } : undefined) };
    const rows = connectionGroups(all, marks, 150).flatMap((g) => g.rows);
    expect(rows).toHaveLength(150);
    // 200 critical rows exist (every 10th line): only critical rows fit.
    expect(rows.every((r) => r.severity === 'critical')).toBe(true);
  });

  it('leave small hosts untouched', () => {
    const groups = connectionGroups(sockets(500), marksOn([]), 3_000);
    expect(groups.flatMap((g) => g.rows)).toHaveLength(500);
    expect(groups.every((g) => g.omitted === 0)).toBe(true);
  });
});

describe('processes beyond the table limit', () => {
  it('keep the processes with findings, then those with the most sockets, in the usual order', () => {
    // 3,000 processes; PID 7 owns 40 sockets, PID 2999 has a finding.
    const conns = sockets(3_000).map((c, i) => ({ ...c, pid: i < 40 ? 7 : i }));
    const finding: Finding = { id: 'F-1', rule: 'NET-BACKDOOR-PORT', severity: 'high', title: 't', detail: '', rationale: '', falsePositives: '', subject: 'connection', references: [], attack: [], pid: 2999 };
    const rows = processRows(conns, [], [finding], 50);
    expect(rows).toHaveLength(50);
    expect(rows[0].pid).toBe('2999');
    expect(rows.find((r) => r.pid === '7')?.sockets).toBe(40);
    const rest = rows.slice(1).map((r) => Number(r.pid));
    expect([...rest].sort((a, b) => a - b)).toEqual(rest);
  });
});

describe('findings beyond the detail limit', () => {
  const finding = (i: number, severity: Finding['severity'], rule: string): Finding => ({
    id: `F-${String(i).padStart(4, '0')}`, rule, severity, title: `${rule} ${i}`, detail: '', rationale: '', falsePositives: '', subject: 'connection', references: [], attack: [],
  });

  it('prints every critical and high finding in full, then the most severe up to the limit, and counts the rest by rule', () => {
    const all = [
      ...Array.from({ length: 40 }, (_, i) => finding(i, 'high', 'NET-BACKDOOR-PORT')),
      ...Array.from({ length: 5 }, (_, i) => finding(100 + i, 'medium', 'NET-TOR')),
      ...Array.from({ length: 6000 }, (_, i) => finding(1000 + i, 'low', 'NET-LISTEN-ALL-UNEXPECTED')),
    ];
    const { detailed, rest } = splitFindings(all, 30);
    expect(detailed).toHaveLength(40);
    expect(detailed.every((f) => f.severity === 'high')).toBe(true);
    const groups = findingGroups(rest);
    expect(groups.map((g) => [g.severity, g.rule, g.count])).toEqual([['medium', 'NET-TOR', 5], ['low', 'NET-LISTEN-ALL-UNEXPECTED', 6000]]);
    expect(groups[1].ids).toBe('F-1000 … F-6999');
    const few = splitFindings(all.slice(0, 45), 300);
    expect(few.rest).toEqual([]);
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
    result = await buildReport(dir, { configDir, maxConnectionRows: 100, maxFindingDetails: 1 });
    text = execFileSync('pdftotext', ['-layout', result.pdf, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  }, 120_000);

  it('prints the limit, every marked row among them, and says where the rest is', () => {
    const row = /^\s*(?:[◔◑◕●○] [A-Z]+\s+)?tcp6?\s+\S+:\d+\s+\S+:(?:\d+|\*)\s+[A-Z_0-9]+\s+\d+\s+\S+\s+(\d+)\s*$/gm;
    const printed = [...text.matchAll(row)].map((m) => Number(m[1]));
    expect(new Set(printed).size).toBe(100);
    expect(markedLines.length).toBeGreaterThan(0);
    for (const line of markedLines) expect(printed).toContain(line);
    expect(text).toMatch(/rows are printed: rows a finding points at first, then the first in listing order\./);
    expect(text).toMatch(/are in parsed\/connections\.json, whose hash is in the bundle/);
    expect(text).toMatch(/2,900 of 3,000 connection rows are not printed|2900 of 3000 connection rows are not printed/);
    expect(execFileSync('pdfsig', [result.pdf], { encoding: 'utf8' })).toContain('Signature is Valid.');
  });

  it('prints the high finding in full and the others compact by rule, each with its lines, and the summary still counts all', () => {
    const severities = host.findings.map((f) => f.severity);
    expect(severities).toContain('high');
    // One card per finding printed in full (its Facts / Interpretation labels); the rest are compact
    // rows under their rule's interpretation, printed once per group.
    const compactAt = text.search(/Further leads in compact form, by rule\n/);
    expect(compactAt).toBeGreaterThan(0);
    expect(text.slice(0, compactAt).match(/^\s*possible innocent explanations\s*$/gim)).toHaveLength(severities.filter((s) => s === 'high' || s === 'critical').length);
    const compactPart = text.slice(compactAt, text.search(/^\s*5\s+Connections and routes/m));
    const rest = host.findings.filter((f) => f.severity !== 'high' && f.severity !== 'critical');
    const groups = new Set(rest.map((f) => JSON.stringify([f.severity, f.rule, f.title, f.falsePositives, f.attack, f.references])));
    expect(compactPart.match(/^\s*possible innocent explanations\s*$/gim)).toHaveLength(groups.size);
    for (const f of rest) {
      expect(compactPart).toMatch(new RegExp(`\\b${f.id}\\b`));
      for (const r of f.refs ?? []) expect(compactPart).toContain(`${r.line}│`);
    }
    expect(text).toMatch(new RegExp(`${host.findings.length} findings`));
  });
});
