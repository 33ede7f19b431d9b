// Collect one or many SSH targets: one evidence folder per host under the case folder, at most
// --parallel hosts at a time, a failure on one host never stopping the others, and fleet.json in
// the case folder listing every target with its outcome.
import { setMaxListeners } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compactUtc, EvidenceError, safeName } from '../../evidence/folder.js';
import { DIR_MODE, writeNewFileSync } from '../../evidence/files.js';
import { collectWith, type CollectOptions, type CollectResult } from '../index.js';
import type { Profile } from '../profiles.js';
import { SshConnectError } from './master.js';
import type { SshSettings } from './options.js';
import type { SshTarget } from './targets.js';
import { connectSsh } from './transport.js';

export interface FleetOptions extends Omit<CollectOptions, 'profile'> {
  profile: 'auto' | Profile['name'];
  targets: SshTarget[];
  settings: SshSettings;
  parallel: number;
  maxBinaryBytes?: number;
}

export interface HostOutcome {
  target: string;
  status: 'ok' | 'failed' | 'interrupted';
  evidenceDir: string | null;
  error: string | null;
  /** What kind of failure (host key changed, unreachable …), for scripts. */
  errorKind: string | null;
  hint: string | null;
  hostKey: string | null;
  timings: { started: string; connectMs: number | null; captureWindowMs: number | null; wallMs: number };
  result: CollectResult | null;
}

export interface FleetResult {
  caseId: string;
  caseDir: string;
  fleetFile: string;
  hosts: HostOutcome[];
}

export async function collectFleet(o: FleetOptions): Promise<FleetResult> {
  const started = new Date();
  const caseDir = join(resolve(o.out), safeName(o.caseId, 'case'));
  const outcomes: HostOutcome[] = new Array(o.targets.length);
  // Every session of every host listens for Ctrl-C on the one signal.
  if (o.signal) setMaxListeners(0, o.signal);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < o.targets.length) {
      const i = next++;
      outcomes[i] = await collectOne(o.targets[i], o);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.parallel, o.targets.length)) }, worker));
  mkdirSync(caseDir, { recursive: true, mode: DIR_MODE });
  // An earlier fleet.json of the same case is never overwritten: it is part of that run's record.
  let fleetFile = join(caseDir, 'fleet.json');
  if (existsSync(fleetFile)) fleetFile = join(caseDir, `fleet_${compactUtc(started)}.json`);
  for (let n = 2; existsSync(fleetFile); n++) fleetFile = join(caseDir, `fleet_${compactUtc(started)}-${n}.json`);
  const doc = {
    case: o.caseId,
    started: started.toISOString(),
    finished: new Date().toISOString(),
    examiner: o.examiner,
    parallel: o.parallel,
    sshConfig: o.settings.configFile,
    sshOptions: o.settings.options,
    hosts: outcomes.map(({ result: _r, ...h }) => h),
  };
  writeNewFileSync(fleetFile, `${JSON.stringify(doc, null, 2)}\n`);
  return { caseId: o.caseId, caseDir, fleetFile, hosts: outcomes };
}

async function collectOne(target: SshTarget, o: FleetOptions): Promise<HostOutcome> {
  const t0 = Date.now();
  const log = (line: string) => o.log?.(`[${target.given}] ${line}`);
  const outcome: HostOutcome = { target: target.given, status: 'failed', evidenceDir: null, error: null, errorKind: null, hint: null, hostKey: null, timings: { started: new Date(t0).toISOString(), connectMs: null, captureWindowMs: null, wallMs: 0 }, result: null };
  const signal = o.signal ?? new AbortController().signal;
  let transport;
  try {
    log('connecting');
    transport = await connectSsh(target, o.settings, { profile: o.profile, timeoutMs: o.timeoutMs, maxHashBytes: o.maxBinaryBytes, signal });
    outcome.timings.connectMs = Date.now() - t0;
    outcome.hostKey = transport.info().hostKey?.fingerprint ?? null;
    log(`connected: host key ${outcome.hostKey}, profile ${transport.profile.name}`);
    const result = await collectWith(transport, { ...o, log });
    outcome.result = result;
    for (const b of result.acquisition.commands.flatMap((c) => c.binaries?.preserved ?? [])) {
      if (b.incomplete && b.sharedWith === undefined) log(`executable copy INCOMPLETE: ${b.path} (PID ${b.pid}): ${b.incomplete}`);
    }
    outcome.evidenceDir = result.dir;
    outcome.timings.captureWindowMs = result.acquisition.captureWindow?.durationMs ?? null;
    const problems = hostProblems(result);
    if (result.interrupted) {
      outcome.status = 'interrupted';
      outcome.error = 'interrupted; what was captured is kept';
    } else if (result.failure || problems.length) {
      outcome.error = [result.failure, ...problems].filter(Boolean).join('; ');
      outcome.errorKind = result.failure?.includes('connection to the target was lost') ? 'connection lost' : problems[0]?.startsWith('TRANSIT') ? 'transit error' : 'incomplete';
    } else outcome.status = 'ok';
  } catch (err) {
    if (err instanceof SshConnectError) {
      outcome.error = err.message;
      outcome.errorKind = err.kind;
      outcome.hint = err.hint;
    } else if (err instanceof EvidenceError) {
      outcome.error = err.message;
      outcome.errorKind = 'error';
      outcome.hint = err.hint ?? null;
    } else {
      outcome.error = `${target.given}: ${(err as Error).message}`;
      outcome.errorKind = 'error';
    }
    if (signal.aborted) outcome.status = 'interrupted';
  } finally {
    await transport?.close();
  }
  outcome.timings.wallMs = Date.now() - t0;
  log(outcome.status === 'ok' ? 'done' : `${outcome.status.toUpperCase()}: ${outcome.error}`);
  return outcome;
}

/** Steps that timed out or whose bytes changed in transit make the host's result need attention. */
function hostProblems(r: CollectResult): string[] {
  const out: string[] = [];
  const copies = r.acquisition.commands.flatMap((c) => c.binaries?.preserved ?? []).filter((b) => b.remote?.transit === 'mismatch' && b.sharedWith === undefined).map((b) => b.path);
  const transit = [...r.acquisition.commands.filter((c) => c.remote?.transit === 'mismatch').map((c) => c.id), ...copies];
  if (transit.length) out.push(`TRANSIT ERROR (remote and received SHA-256 differ): ${transit.join(', ')}`);
  const timedOut = r.acquisition.commands.filter((c) => c.timedOut).map((c) => c.id);
  if (timedOut.length) out.push(`timed out on the target: ${timedOut.join(', ')} (output until then kept)`);
  return out;
}
