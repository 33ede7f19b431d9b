// Facts only from evidence (issue 12 item 2): every number, address, port, process, path and user a
// FACTS sentence states must come from the lines the finding cites. The scenarios and the real
// samples go through the real pipeline (import → analyze); then each cited line is re-parsed on its
// own from raw/ and the sentence's tokens are looked up among that line's fields.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../src/collect/import.js';
import type { Connection, Finding, ProcessFacts, Route } from '../../src/model.js';
import { analyzeStage } from '../../src/pipeline/analyze.js';
import { listScenarios, SCENARIO_ROOT } from '../../src/pipeline/demo.js';
import { parseText } from '../../src/parse/registry.js';
import { decodeBytes } from '../../src/parse/text.js';
import { addressInfo } from '../../src/analyze/address.js';
import { SAMPLES, tempDir } from '../helpers/cli.js';
import { factTokens, type FactToken } from './fact-tokens.js';

interface Case {
  name: string;
  files: { path: string; command: string | null }[];
  os: string | null;
}

const scenarioCases: Case[] = listScenarios().map((s) => ({
  name: `scenario ${s.name}`,
  files: s.files.map((f) => ({ path: join(SCENARIO_ROOT, s.name, f.file), command: f.command })),
  os: s.os,
}));

const sampleCases: Case[] = [
  ['windows-10', 'windows/windows-10/netstat-aonb.out', 'windows/windows-10/route.out'],
  ['centos-7.7', 'centos-7.7/netstat-sudo-aeep.out', 'centos-7.7/route-6.out', 'centos-7.7/ss-sudo-a.out'],
  ['ubuntu-18.04', 'ubuntu-18.04/ss-sudo-tulpen.out'],
  ['osx-10.14.6', 'osx-10.14.6/netstat.out', 'osx-10.14.6/netstat-rnl.out'],
  ['freebsd12', 'freebsd12/netstat-an.out'],
].map(([name, ...files]) => ({ name: `sample ${name}`, files: files.map((f) => ({ path: resolve(SAMPLES, f), command: null })), os: null }));

async function analyseCase(c: Case): Promise<{ dir: string; findings: Finding[] }> {
  const out = tempDir('nc-facts-');
  let into: string | null = null;
  for (const f of c.files) {
    const r = await importFiles([f.path], { out, caseId: 'FACTS', examiner: 'facts test', organisation: null, command: f.command, os: c.os, host: 'h', into });
    into = r.dir;
  }
  await analyzeStage(into!, { actor: 'facts test' });
  return { dir: into!, findings: JSON.parse(readFileSync(join(into!, 'findings.json'), 'utf8')) as Finding[] };
}

/** Every value the records of one cited line carry, in the forms a sentence may print them. */
interface LineValues {
  numbers: Set<string>;
  texts: Set<string>;
}

function addAddress(v: LineValues, raw: string | null | undefined, port: number | null | undefined, version: 4 | 6 | null = null): void {
  if (!raw) return;
  const forms = new Set([raw, addressInfo(raw, version).text]);
  const zone = raw.includes('%') ? raw.slice(raw.indexOf('%')) : '';
  for (const a of [...forms]) if (zone && !a.includes('%')) forms.add(`${a}${zone}`);
  for (const a of forms) {
    v.texts.add(a);
    if (port !== null && port !== undefined) {
      v.texts.add(`${a}:${port}`);
      v.texts.add(`[${a}]:${port}`);
    }
  }
}

function connectionValues(v: LineValues, c: Connection): void {
  addAddress(v, c.localAddress, c.localPort, c.ipVersion);
  addAddress(v, c.remoteAddress, c.remotePort, c.ipVersion);
  for (const n of [c.localPort, c.remotePort, c.pid, c.uid, c.inode]) if (typeof n === 'number') v.numbers.add(String(n));
  for (const t of [c.process, c.user, c.state, c.stateRaw, c.component, c.interfaceScope]) if (t) v.texts.add(t);
  for (const o of c.owners ?? []) {
    v.texts.add(o.process);
    v.numbers.add(String(o.pid));
  }
}

function routeValues(v: LineValues, r: Route): void {
  v.texts.add(r.destination);
  const [addr, len] = r.destination.split('/');
  addAddress(v, addr, null, r.ipVersion);
  if (len) v.numbers.add(len);
  addAddress(v, r.gateway, null, r.ipVersion);
  if (r.zone && r.gateway) v.texts.add(`${r.gateway}%${r.zone}`);
  for (const t of [r.interface, r.flags, r.type, r.table, r.proto, r.scope, r.src, r.zone]) if (t) v.texts.add(t);
  if (typeof r.metric === 'number') v.numbers.add(String(r.metric));
}

function processValues(v: LineValues, p: ProcessFacts, fields: Set<string> | null): void {
  const has = (f: string) => fields === null || fields.has(f);
  v.numbers.add(String(p.pid));
  if (has('comm') && p.comm) v.texts.add(p.comm);
  if (has('exe') && p.exe) {
    v.texts.add(p.exe);
    v.texts.add(p.exe.replace(/ \(deleted\)$/, ''));
    v.texts.add(p.exe.split('/').pop()!.replace(/ \(deleted\)$/, ''));
  }
  if (has('user') && p.user) v.texts.add(p.user);
  if (has('uid') && p.uid !== null) v.numbers.add(String(p.uid));
  if (has('ppid') && p.ppid !== null) v.numbers.add(String(p.ppid));
  if (has('cmdline')) for (const a of p.cmdline ?? []) v.texts.add(a);
  if (has('startTime') && p.startTime) v.texts.add(p.startTime);
}

/** Re-parse a raw artifact alone and collect, per line, the values of the records on it. */
function valuesByLine(dir: string, artifact: string): Map<number, LineValues> {
  const { text, encoding } = decodeBytes(readFileSync(join(dir, artifact)));
  const r = parseText(text, artifact, encoding);
  const out = new Map<number, LineValues>();
  const at = (line: number): LineValues => {
    let v = out.get(line);
    if (!v) out.set(line, (v = { numbers: new Set(), texts: new Set() }));
    return v;
  };
  for (const c of r.connections) {
    connectionValues(at(c.source.line), c);
    // Windows -b: the owner lines name the process; the PID is on the row they belong to.
    for (const l of c.ownerLines ?? []) {
      const v = at(l);
      if (c.process) v.texts.add(c.process);
      if (c.component) v.texts.add(c.component);
    }
  }
  for (const rt of r.routes) routeValues(at(rt.source.line), rt);
  for (const i of r.interfaces) {
    const v = at(i.source.line);
    v.texts.add(i.name);
    v.texts.add(i.index);
    v.numbers.add(i.index);
  }
  for (const p of r.processes) {
    if (!p.source) continue;
    processValues(at(p.source.line), p, p.fieldLines ? new Set(['pid']) : null);
    for (const [field, line] of Object.entries(p.fieldLines ?? {})) {
      const v = at(line);
      v.numbers.add(String(p.pid)); // the pid line is cited with it
      processValues(v, p, new Set([field]));
    }
  }
  return out;
}

function supported(token: FactToken, values: LineValues): boolean {
  if (token.kind === 'number') return values.numbers.has(token.text) || [...values.texts].some((t) => t === token.text);
  return values.texts.has(token.text);
}

/** Tokens of the finding's FACTS sentence that no cited line supports. */
function unsupported(dir: string, f: Finding, cache: Map<string, Map<number, LineValues>>): string[] {
  const merged: LineValues = { numbers: new Set(), texts: new Set() };
  for (const ref of f.refs) {
    let byLine = cache.get(ref.artifact);
    if (!byLine) cache.set(ref.artifact, (byLine = valuesByLine(dir, ref.artifact)));
    const v = byLine.get(ref.line);
    if (!v) continue;
    for (const n of v.numbers) merged.numbers.add(n);
    for (const t of v.texts) merged.texts.add(t);
  }
  return factTokens(f.detail).filter((t) => !supported(t, merged)).map((t) => `${t.kind} ${JSON.stringify(t.text)}`);
}

const cases = [...scenarioCases, ...(existsSync(SAMPLES) ? sampleCases : [])];

describe('FACTS sentences come only from the cited lines', () => {
  it('covers every shipped scenario and the real samples', () => {
    expect(scenarioCases.length).toBeGreaterThanOrEqual(4);
  });
  it.each(cases)('$name', async (c) => {
    const { dir, findings } = await analyseCase(c);
    const cache = new Map<string, Map<number, LineValues>>();
    const problems: string[] = [];
    let tokens = 0;
    for (const f of findings) {
      tokens += factTokens(f.detail).length;
      const bad = unsupported(dir, f, cache);
      if (bad.length) problems.push(`${f.id} ${f.rule}: ${f.detail}\n    not in cited lines: ${bad.join(', ')}`);
      // Every cited line exists and is quoted from a real record line.
      for (const ref of f.refs) expect(cache.get(ref.artifact)?.has(ref.line), `${f.id} cites ${ref.artifact}:${ref.line}, which holds no record`).toBe(true);
    }
    expect(problems.join('\n')).toBe('');
    if (findings.length > 0) expect(tokens).toBeGreaterThan(0);
  }, 60_000);
});

describe('every evidence line behind a finding is cited (issue 12 item 4)', () => {
  it('Windows -anob: the [image.exe] owner line (and the component line) are cited with the socket row', async () => {
    const c = scenarioCases.find((x) => x.name.includes('windows-srss-backdoor'))!;
    const { dir, findings } = await analyseCase(c);
    const raw = readFileSync(join(dir, 'raw/01-import-netstat-anob.txt'), 'utf8').split(/\r?\n/);
    const backdoor = findings.find((f) => f.rule === 'NET-BACKDOOR-PORT')!;
    const lines = backdoor.refs.map((r) => raw[r.line - 1]!.trim());
    expect(lines).toEqual(['TCP    0.0.0.0:1337           0.0.0.0:0              LISTENING       1256', '[srss.exe]']);
    // RDP on svchost: component line "TermService" and image line "[svchost.exe]" under each row.
    const rdp = findings.find((f) => f.rule === 'NET-REMOTE-ADMIN-EXPOSED')!;
    const rdpLines = rdp.refs.map((r) => raw[r.line - 1]!.trim());
    expect(rdpLines.filter((l) => l === '[svchost.exe]')).toHaveLength(2);
    expect(rdpLines.filter((l) => /^[A-Za-z]+$/.test(l))).toHaveLength(2);
  });

  it('Linux: a finding that states exe and user cites the process-facts lines that show them', async () => {
    const c = scenarioCases.find((x) => x.name.includes('linux-bind-shell'))!;
    const { dir, findings } = await analyseCase(c);
    const f = findings.find((x) => x.rule === 'NET-SUSP-PATH-NIX')!;
    const facts = f.refs.filter((r) => r.artifact.includes('process-facts'));
    const quoted = facts.map((r) => readFileSync(join(dir, r.artifact), 'utf8').split('\n')[r.line - 1]!.trim());
    expect(quoted.some((l) => l.startsWith('"exe": "/tmp/'))).toBe(true);
    expect(quoted).toContain('"user": "root",');
    expect(quoted.some((l) => /^"pid": \d+,$/.test(l))).toBe(true);
  });
});
