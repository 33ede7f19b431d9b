// `netcustody import --kit RESULTS_DIR|RESULTS.tar`: the field kit's results become a normal evidence
// folder. Everything is checked before a folder is made (every output against the kit's manifest);
// the kit's times stay the acquisition times, marked as recorded on the host's clock; steps the kit
// never finished are recorded as failed commands; the intake is logged in custody.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Acquisition, ArtifactFile, CommandRecord, HostInfo, KitProvenance, OsName } from '../model.js';
import { appendCustody } from '../evidence/custody.js';
import { createEvidenceFolder, EvidenceError, newAcquisition, PATHS, writeAcquisition } from '../evidence/folder.js';
import { DIR_MODE, sha256Hex } from '../evidence/files.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { commandText } from './index.js';
import { PROFILES } from './profiles.js';
import { openArtifact } from './sink.js';
import { checkKitResults, type CheckedResults, type CheckedStep } from './kit/check-results.js';
import { kitTime, pad } from './kit/manifest.js';
import { readKitResults } from './kit/results-source.js';
import { importKitBinaries } from './kit/import-binaries.js';

export const KIT_TIME_SOURCE = "recorded by the kit on the host's clock";
export const KIT_MANIFEST_COPY = 'kit/manifest.txt';

export interface KitImportOptions {
  out: string;
  caseId: string;
  examiner: string;
  organisation?: string | null;
  role?: string | null;
}

export interface KitImportResult {
  dir: string;
  evidenceId: string;
  acquisition: Acquisition;
  kit: KitProvenance;
}

export async function importKit(source: string, options: KitImportOptions): Promise<KitImportResult> {
  const res = readKitResults(source);
  const checked = checkKitResults(res);
  const v = checked.manifest.values;
  const runStart = kitTime(v.get('run.start') ?? null);
  const host = hostFacts(checked);
  const { dir, evidenceId } = createEvidenceFolder(options.out, options.caseId, host.hostname, runStart ? new Date(runStart.iso) : new Date());
  const actor = options.examiner;
  const kit: KitProvenance = {
    version: checked.script.version,
    os: checked.os,
    script: checked.script.name,
    scriptSha256: checked.script.sha256,
    expectedScriptSha256: checked.script.expectedSha256,
    scriptMatches: checked.script.matches,
    hashTool: checked.hashTool,
    timePrecision: v.get('time.precision') ?? 'unknown',
    shell: v.get('kit.shell') || null,
    results: { kind: res.kind, path: res.path, name: res.name, sha256: res.sha256, manifest: KIT_MANIFEST_COPY, manifestSha256: sha256Hex(checked.manifestBytes) },
    runStart: runStart?.iso ?? null,
    runEnd: kitTime(v.get('run.end') ?? null)?.iso ?? null,
    runComplete: checked.runComplete,
    missingSteps: [...checked.steps.filter((s) => !s.complete).map((s) => `${pad(s.record.order)}-${s.record.id ?? '?'}`), ...checked.missing.map((m) => `${pad(m.order)}-${m.id}`)],
    unrecordedFiles: checked.unrecordedFiles,
    timeSource: KIT_TIME_SOURCE,
  };
  const uid = v.get('user.uid');
  const privileged = checked.os === 'windows' ? v.get('user.admin') === '1' : uid === '0';
  const acquisition: Acquisition = {
    ...newAcquisition({
      caseId: options.caseId,
      evidenceId,
      examiner: options.examiner,
      organisation: options.organisation ?? null,
      mode: 'collect',
      profile: checked.os,
      clock: { systemUtc: runStart?.iso ?? 'unknown', ntpSynchronized: v.get('clock.ntp') === 'yes' ? true : v.get('clock.ntp') === 'no' ? false : null, source: `the host's clock, read by the kit with date -u (${kit.timePrecision} resolution); not compared with a reference` },
    }),
    examinerRole: options.role ?? null,
    host,
    privileges: {
      user: v.get('user.name') || 'unknown',
      uid: uid && /^\d+$/.test(uid) ? Number(uid) : null,
      euid: uid && /^\d+$/.test(uid) ? Number(uid) : null,
      privileged,
      limitations: privileged ? [] : PROFILES[checked.os].unprivilegedLimitations,
    },
    transport: { kind: 'kit', kit },
    warnings: warnings(checked, kit, privileged, v.get('user.id') ?? v.get('user.name') ?? 'unknown'),
  };
  appendCustody(dir, {
    actor,
    action: 'case opened',
    object: evidenceId,
    details: { caseId: options.caseId, mode: 'kit import', examiner: options.examiner, organisation: options.organisation ?? null, role: options.role ?? null, host: host.hostname, tool: `${TOOL_NAME} ${TOOL_VERSION}`, profile: checked.os },
  });
  appendCustody(dir, { actor, action: 'kit results received', object: res.path, sha256: res.sha256, details: { kind: res.kind, name: res.name, files: res.files.size, kitVersion: kit.version, runStart: kit.runStart, runEnd: kit.runEnd, runComplete: kit.runComplete } });
  appendCustody(dir, {
    actor,
    action: kit.scriptMatches ? 'kit script matches' : 'kit script differs',
    object: kit.script,
    sha256: kit.scriptSha256,
    details: { kitVersion: kit.version, expectedSha256: kit.expectedScriptSha256, generatedBy: `${TOOL_NAME} ${TOOL_VERSION} for ${kit.os}` },
  });
  mkdirSync(join(dir, 'kit'), { mode: DIR_MODE });
  const manifestCopy = writeArtifact(dir, KIT_MANIFEST_COPY, checked.manifestBytes);
  appendCustody(dir, { actor, action: 'kit manifest kept', object: KIT_MANIFEST_COPY, sha256: manifestCopy.sha256, details: { bytes: manifestCopy.bytes, from: `${res.name}/manifest.txt` } });
  writeAcquisition(dir, acquisition);

  for (const step of checked.steps) acquisition.commands.push(importStep(dir, actor, step, res.files));
  for (const m of checked.missing) acquisition.commands.push(notRecorded(dir, actor, m.order, m.id, checked.os));
  // Copies of executables (issue 18) hang on the process-facts step, as in a local collect.
  // The PowerShell kit has no process-facts step: its copies hang on the processes group's step.
  const processes = PROFILES[checked.os].groups.find((g) => g.name === 'processes')?.steps[0]?.id;
  const facts = acquisition.commands.find((c) => c.kind === 'procfacts' && c.stdout) ?? (checked.os === 'windows' && checked.manifest.values.has('binaries.start') ? acquisition.commands.find((c) => c.id === processes && c.stdout) : undefined);
  if (facts && !checked.manifest.values.has('binaries.policy')) {
    acquisition.warnings.push(`this kit (version ${kit.version}) records no --preserve-binaries choice: it takes no copies of executables (a kit from before copies existed)`);
  } else if (facts) {
    const imported = importKitBinaries(dir, actor, checked, facts, res.files, writeArtifact);
    facts.binaries = imported.record;
    acquisition.warnings.push(...imported.warnings);
  } else if (checked.os === 'macos' && checked.options.preserveBinaries !== 'none') {
    acquisition.warnings.push(`the ${checked.os} kit takes no copies of executables (it has no process-facts reader, so no executable path to read): --preserve-binaries ${checked.options.preserveBinaries} had no effect`);
  }
  acquisition.commands.sort((a, b) => a.order - b.order);
  acquisition.captureWindow = captureWindow(acquisition.commands);
  acquisition.status = kit.runComplete && kit.missingSteps.length === 0 ? 'complete' : 'interrupted';
  writeAcquisition(dir, acquisition);
  appendCustody(dir, {
    actor,
    action: 'kit import finished',
    object: PATHS.acquisition,
    sha256: sha256Hex(readFileSync(join(dir, PATHS.acquisition))),
    details: { commands: acquisition.commands.length, missingSteps: kit.missingSteps, unrecordedFiles: kit.unrecordedFiles, captureWindowMs: acquisition.captureWindow?.durationMs ?? null, times: KIT_TIME_SOURCE },
  });
  return { dir, evidenceId, acquisition, kit };
}

function writeArtifact(dir: string, rel: string, bytes: Buffer): ArtifactFile {
  const sink = openArtifact(dir, rel);
  sink.write(bytes);
  const file = sink.close();
  if (!file || file.writeError || file.sha256 !== sha256Hex(bytes)) throw new EvidenceError(`${join(dir, rel)}: could not be written completely (${file?.writeError?.error ?? sink.failure() ?? 'hash differs'})`, 'free some space and import again into a new folder');
  return file;
}

function importStep(dir: string, actor: string, step: CheckedStep, files: Map<string, Buffer>): CommandRecord {
  const r = step.record;
  const start = kitTime(r.start);
  const end = kitTime(r.end);
  const base = `raw/${pad(r.order)}-${r.id}`;
  const record: CommandRecord = {
    id: r.id ?? `step-${pad(r.order)}`,
    order: r.order,
    kind: r.kind === 'file' || r.kind === 'procfacts' ? r.kind : 'command',
    description: describeStep(r.id),
    argv: r.argv ?? [],
    start: start?.iso ?? '',
    end: end?.iso ?? '',
    startNs: start ? start.ns.toString() : '0',
    endNs: end ? end.ns.toString() : start ? start.ns.toString() : '0',
    durationMs: start && end ? Number(end.ns - start.ns) / 1e6 : 0,
    exitCode: r.exit,
    signal: null,
    timedOut: false,
    timeoutMs: 0,
    unavailable: r.unavailable,
    error: r.unavailable ? `${r.argv?.[0] ?? r.id}: not available on the host (the kit checked)` : null,
    stdout: null,
    stderr: null,
    timeSource: KIT_TIME_SOURCE,
  };
  if (!step.complete) {
    record.error = `interrupted on the host: the kit recorded no end${r.start ? ` (started ${r.start})` : ''}; its partial output was not imported`;
    record.exitCode = null;
  } else {
    for (const stream of ['stdout', 'stderr'] as const) {
      const out = r.outputs[stream]!;
      const file = writeArtifact(dir, `${base}.${stream}`, files.get(out.name!)!);
      record[stream] = file;
      appendCustody(dir, { actor, action: 'artifact imported', object: file.path, sha256: file.sha256, details: { bytes: file.bytes, kitFile: out.name, kitSha256: out.sha256, matchesKit: out.sha256 === null ? 'no host-side hash (no SHA-256 tool on the host); size matches' : true } });
    }
  }
  appendCustody(dir, { actor, action: step.complete ? 'kit command recorded' : 'kit command incomplete', object: commandText(record), details: { start: r.start, end: r.end, exitCode: r.exit, unavailable: r.unavailable, times: KIT_TIME_SOURCE, from: r.from } });
  return record;
}

function notRecorded(dir: string, actor: string, order: number, id: string, os: CheckedResults['os']): CommandRecord {
  const step = PROFILES[os].groups.flatMap((g) => g.steps).find((s) => s.id === id)!;
  const record: CommandRecord = {
    id, order, kind: step.kind, description: step.description, argv: step.argv,
    start: '', end: '', startNs: '0', endNs: '0', durationMs: 0, exitCode: null, signal: null, timedOut: false, timeoutMs: 0, unavailable: false,
    error: 'not recorded by the kit: the kit stopped before this step ran or finished (interrupted); nothing was imported for it',
    stdout: null, stderr: null, timeSource: KIT_TIME_SOURCE,
  };
  appendCustody(dir, { actor, action: 'kit command missing', object: commandText(record), details: { order, reason: record.error } });
  return record;
}

function describeStep(id: string | null): string {
  for (const p of Object.values(PROFILES)) for (const g of p.groups) for (const s of g.steps) if (s.id === id) return s.description;
  return 'step recorded by the kit';
}

function hostFacts(c: CheckedResults): HostInfo {
  const v = c.manifest.values;
  const offset = /^([+-])(\d{2})(\d{2})$/.exec(v.get('host.utcoffset') ?? '');
  const up = Number(v.get('host.uptime.seconds'));
  const os: OsName = c.os;
  return {
    hostname: v.get('host.hostname') || 'unknown',
    os,
    platform: (v.get('host.os') ?? '').toLowerCase() || c.os,
    release: v.get('host.release') ?? '',
    kernel: v.get('host.version') ?? '',
    arch: v.get('host.machine') ?? '',
    uptimeSeconds: Number.isFinite(up) && v.get('host.uptime.seconds') ? Math.round(up) : 0,
    timeZone: v.get('host.timezone') || 'unknown',
    utcOffsetMinutes: offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0,
  };
}

function warnings(c: CheckedResults, kit: KitProvenance, privileged: boolean, user: string): string[] {
  const out = [`collected by the netcustody field kit ${kit.version} (${kit.script}) on the host and imported: every time is ${KIT_TIME_SOURCE}`];
  if (!kit.scriptMatches) out.push(`the kit script that ran is not the one ${TOOL_NAME} ${TOOL_VERSION} generates for ${kit.os}: kit version ${kit.version}, script SHA-256 ${kit.scriptSha256 ?? 'not taken'} (this version's: ${kit.expectedScriptSha256})`);
  if (!kit.runComplete) out.push('the kit did not finish its run (interrupted on the host): its manifest has no run.complete line');
  if (kit.missingSteps.length) out.push(`steps the kit did not record, imported as failed commands: ${kit.missingSteps.join(', ')}`);
  if (kit.unrecordedFiles.length) out.push(`output files without a complete record by the kit, not imported: ${kit.unrecordedFiles.join(', ')}`);
  if (c.hashTool === 'none') out.push('the host had no SHA-256 tool: outputs were checked by size only and hashed at intake');
  if (!privileged) out.push(`the kit did not run privileged (${user}): ${PROFILES[kit.os].unprivilegedLimitations.join('; ')}`);
  return out;
}

function captureWindow(commands: CommandRecord[]): Acquisition['captureWindow'] {
  const timed = commands.filter((c) => c.start && c.end);
  if (timed.length === 0) return null;
  const first = timed.reduce((a, b) => (BigInt(b.startNs) < BigInt(a.startNs) ? b : a));
  const last = timed.reduce((a, b) => (BigInt(b.endNs) > BigInt(a.endNs) ? b : a));
  return { start: first.start, end: last.end, durationMs: Math.round(Number(BigInt(last.endNs) - BigInt(first.startNs)) / 1000) / 1000 };
}
