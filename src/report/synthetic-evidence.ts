// Writes complete evidence folders from typed records (acquisition, custody chain, raw files, parsed
// JSON, findings) for report tests and the benchmark, without running collectors or parsers.
import { join } from 'node:path';
import type { Acquisition, CommandRecord, Connection, Finding, ProcessFacts, Route, UnparsedLine } from '../model.js';
import { appendCustody } from '../evidence/custody.js';
import { mkdirPrivate, sha256Hex, writeNewFileSync, writeTextDurableSync } from '../evidence/files.js';
import { writeRecordLines } from '../evidence/record-defaults.js';
import { PATHS, compactUtc, safeName, writeAcquisition, writeJson } from '../evidence/folder.js';
import type { ParseReport } from '../parse/report-types.js';

export interface SyntheticArtifact {
  id: string;
  description: string;
  argv: string[];
  stdout: string | Buffer;
  stderr?: string;
  exitCode?: number;
  /** Parser id recorded in the parse report. */
  format: string;
  unparsed?: UnparsedLine[];
}

export interface SyntheticHost {
  hostname: string;
  os: 'linux' | 'windows';
  platform: string;
  release: string;
  kernel: string;
  profile: string;
  user: string;
  privileged: boolean;
  limitations: string[];
  artifacts: SyntheticArtifact[];
  connections: Connection[];
  routes: Route[];
  processes: ProcessFacts[];
  findings: Finding[];
}

export interface SyntheticOptions {
  caseId?: string;
  examiner?: string;
  organisation?: string | null;
  start?: Date;
}

/** Path of artifact n (1-based) as the collector names it. */
export function artifactPath(order: number, id: string, stream: 'stdout' | 'stderr' = 'stdout'): string {
  return `raw/${String(order).padStart(2, '0')}-${id}.${stream}`;
}

export function writeEvidenceFolder(parent: string, host: SyntheticHost, opts: SyntheticOptions = {}): string {
  const start = opts.start ?? new Date('2025-03-14T09:26:53.589Z');
  const caseId = opts.caseId ?? 'CASE-2025-0042';
  const examiner = opts.examiner ?? 'Dana Scully';
  const evidenceId = `${safeName(host.hostname)}_${compactUtc(start)}`;
  const dir = join(parent, evidenceId);
  mkdirPrivate(join(dir, PATHS.raw));
  const actor = `${examiner} (netcustody 0.1.0)`;
  const at = (ms: number): string => new Date(start.getTime() + ms).toISOString();
  appendCustody(dir, { actor, action: 'acquisition started', details: { host: host.hostname, profile: host.profile }, time: at(0) });

  const commands: CommandRecord[] = host.artifacts.map((a, i) => {
    const order = i + 1;
    const t0 = 40 + i * 180;
    const stdoutBytes = typeof a.stdout === 'string' ? Buffer.from(a.stdout, 'utf8') : a.stdout;
    const stdoutPath = artifactPath(order, a.id);
    writeNewFileSync(join(dir, stdoutPath), stdoutBytes);
    const stderrBytes = Buffer.from(a.stderr ?? '', 'utf8');
    const stderrPath = artifactPath(order, a.id, 'stderr');
    writeNewFileSync(join(dir, stderrPath), stderrBytes);
    const record: CommandRecord = {
      id: a.id,
      order,
      kind: 'command',
      description: a.description,
      argv: a.argv,
      start: at(t0),
      end: at(t0 + 120),
      startNs: String(BigInt(t0) * 1_000_000n),
      endNs: String(BigInt(t0 + 120) * 1_000_000n),
      durationMs: 120,
      exitCode: a.exitCode ?? 0,
      signal: null,
      timedOut: false,
      timeoutMs: 30_000,
      unavailable: false,
      error: null,
      stdout: { path: stdoutPath, bytes: stdoutBytes.length, sha256: sha256Hex(stdoutBytes) },
      stderr: { path: stderrPath, bytes: stderrBytes.length, sha256: sha256Hex(stderrBytes) },
    };
    appendCustody(dir, { actor, action: 'artifact captured', object: stdoutPath, sha256: record.stdout!.sha256, details: { bytes: stdoutBytes.length, argv: a.argv }, time: record.end });
    // Every raw file is custody-logged with its hash (bundle refuses an unrecorded one), stderr too.
    appendCustody(dir, { actor, action: 'artifact captured', object: stderrPath, sha256: record.stderr!.sha256, details: { bytes: stderrBytes.length }, time: record.end });
    return record;
  });
  const endMs = 40 + host.artifacts.length * 180;
  const acquisition: Acquisition = {
    tool: { name: 'netcustody', version: '0.1.0' },
    caseId,
    evidenceId,
    examiner,
    organisation: opts.organisation === undefined ? 'Northbridge Digital Forensics Lab' : opts.organisation,
    mode: 'collect',
    profile: host.profile,
    host: { hostname: host.hostname, os: host.os, platform: host.platform, release: host.release, kernel: host.kernel, arch: 'x64', uptimeSeconds: 93_412, timeZone: host.os === 'windows' ? 'W. Europe Standard Time' : 'Europe/Berlin', utcOffsetMinutes: 60 },
    clock: { systemUtc: at(0), ntpSynchronized: true, source: host.os === 'windows' ? 'w32tm /query /status: time.windows.com' : 'timedatectl: NTP service active, synchronized' },
    privileges: { user: host.user, uid: host.os === 'windows' ? null : host.privileged ? 0 : 1000, euid: host.os === 'windows' ? null : host.privileged ? 0 : 1000, privileged: host.privileged, limitations: host.limitations },
    captureWindow: { start: at(0), end: at(endMs), durationMs: endMs },
    commands,
    imports: [],
    warnings: [],
    status: 'complete',
  };
  writeAcquisition(dir, acquisition);
  appendCustody(dir, { actor, action: 'acquisition completed', object: PATHS.acquisition, sha256: sha256Hex(`${JSON.stringify(acquisition, null, 2)}\n`), time: at(endMs) });

  // The layout analyze writes: one record per line (evidence/record-defaults.ts).
  const records = (rel: string, list: unknown[]) => writeTextDurableSync(join(dir, rel), (write) => writeRecordLines(list, write));
  mkdirPrivate(join(dir, PATHS.parsed));
  records(PATHS.connections, host.connections);
  records(PATHS.routes, host.routes);
  records(PATHS.processes, host.processes);
  writeJson(dir, PATHS.parseReport, parseReportOf(host, commands));
  records(PATHS.findings, host.findings);
  for (const rel of [PATHS.connections, PATHS.routes, PATHS.processes, PATHS.parseReport]) {
    appendCustody(dir, { actor, action: 'parsed output written', object: rel, time: at(endMs + 900) });
  }
  appendCustody(dir, { actor, action: 'findings written', object: PATHS.findings, details: { findings: host.findings.length }, time: at(endMs + 1200) });
  return dir;
}

function parseReportOf(host: SyntheticHost, commands: CommandRecord[]): ParseReport {
  const artifacts = host.artifacts.map((a, i) => {
    const path = commands[i].stdout!.path;
    const text = typeof a.stdout === 'string' ? a.stdout : a.stdout.toString('latin1');
    const lines = text.split(/\r\n|\n/);
    if (lines[lines.length - 1] === '') lines.pop();
    const blank = lines.filter((l) => l.trim() === '').length;
    const connections = host.connections.filter((c) => c.source.artifact === path).length;
    const routes = host.routes.filter((r) => r.source.artifact === path).length;
    const unparsed = a.unparsed ?? [];
    const records = connections + routes;
    return {
      artifact: path,
      format: a.format,
      encoding: 'utf-8',
      lines: { total: lines.length, records, headers: Math.max(0, lines.length - blank - records - unparsed.length), blank, unparsed: unparsed.length },
      unparsed,
      warnings: [],
      records: { connections, routes, unixSockets: 0, otherSockets: 0, processes: 0 },
    };
  });
  return {
    artifacts,
    totals: {
      connections: host.connections.length,
      routes: host.routes.length,
      unixSockets: 0,
      unparsedLines: artifacts.reduce((n, a) => n + a.lines.unparsed, 0),
    },
  };
}
