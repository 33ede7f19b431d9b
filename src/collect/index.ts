import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Acquisition, CommandRecord } from '../model.js';
import { appendCustody } from '../evidence/custody.js';
import { createEvidenceFolder, EvidenceError, newAcquisition, PATHS, writeAcquisition } from '../evidence/folder.js';
import { sha256Hex } from '../evidence/files.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { clockInfo, hostInfo, privileges } from './host.js';
import { PROFILES, profileForPlatform, type Profile } from './profiles.js';
import { runStep } from './runner.js';

export interface CollectOptions {
  out: string;
  caseId: string;
  examiner: string;
  organisation?: string | null;
  timeoutMs: number;
  profile: 'auto' | Profile['name'];
  /** Aborted on Ctrl-C / SIGTERM: running commands are stopped, what was captured stays. */
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface CollectResult {
  dir: string;
  evidenceId: string;
  acquisition: Acquisition;
  interrupted: boolean;
}

export function resolveProfile(name: CollectOptions['profile']): Profile {
  if (name !== 'auto') return PROFILES[name];
  const profile = profileForPlatform(process.platform);
  if (!profile) throw new EvidenceError(`no collection profile for platform ${process.platform}`, 'use --profile linux|macos|windows', 2);
  return profile;
}

export async function collect(options: CollectOptions): Promise<CollectResult> {
  const log = options.log ?? (() => {});
  const profile = resolveProfile(options.profile);
  const host = hostInfo();
  const started = new Date();
  let folder;
  try {
    folder = createEvidenceFolder(options.out, options.caseId, host.hostname, started);
  } catch (err) {
    throw new EvidenceError(`cannot create the evidence folder under ${options.out}: ${(err as Error).message}`, 'choose a writable folder with --out DIR');
  }
  const { dir, evidenceId } = folder;
  const actor = options.examiner;
  const priv = privileges(profile.unprivilegedLimitations);
  const acquisition: Acquisition = {
    ...newAcquisition({ caseId: options.caseId, evidenceId, examiner: options.examiner, organisation: options.organisation ?? null, mode: 'collect', profile: profile.name, clock: clockInfo() }),
    host,
    privileges: priv,
    warnings: priv.privileged ? [] : [`collection is not privileged (user ${priv.user}): ${priv.limitations.join('; ')}`],
  };
  for (const w of acquisition.warnings) log(`warning: ${w}`);
  appendCustody(dir, {
    actor,
    action: 'case opened',
    object: evidenceId,
    details: { caseId: options.caseId, host: host.hostname, tool: `${TOOL_NAME} ${TOOL_VERSION}`, profile: profile.name, privileged: priv.privileged },
  });
  writeAcquisition(dir, acquisition);

  const signal = options.signal ?? new AbortController().signal;
  let order = 0;
  for (const group of profile.groups) {
    if (signal.aborted) break;
    const records = await Promise.all(
      group.steps.map((step) =>
        runStep(step, {
          dir,
          order: ++order,
          timeoutMs: options.timeoutMs,
          signal,
          onStart: (r) => appendCustody(dir, { actor, action: 'command started', object: commandText(r), time: r.start }),
        }),
      ),
    );
    for (const r of records) {
      acquisition.commands.push(r);
      recordFinished(dir, actor, r);
      log(describe(r));
    }
  }

  const interrupted = signal.aborted;
  acquisition.captureWindow = captureWindow(acquisition.commands);
  acquisition.status = interrupted ? 'interrupted' : 'complete';
  writeAcquisition(dir, acquisition);
  const acqHash = sha256Hex(readFileSync(join(dir, PATHS.acquisition)));
  appendCustody(dir, {
    actor,
    action: interrupted ? 'collection interrupted' : 'collection finished',
    object: PATHS.acquisition,
    sha256: acqHash,
    details: { commands: acquisition.commands.length, captureWindowMs: acquisition.captureWindow?.durationMs ?? null },
  });
  return { dir, evidenceId, acquisition, interrupted };
}

function recordFinished(dir: string, actor: string, r: CommandRecord): void {
  appendCustody(dir, {
    actor,
    action: r.unavailable ? 'command unavailable' : 'command finished',
    object: commandText(r),
    time: r.end,
    details: { exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut, durationMs: round(r.durationMs), error: r.error },
  });
  for (const file of [r.stdout, r.stderr]) {
    if (file) appendCustody(dir, { actor, action: 'artifact hashed', object: file.path, sha256: file.sha256, details: { bytes: file.bytes } });
  }
}

export function commandText(r: Pick<CommandRecord, 'kind' | 'argv'>): string {
  if (r.kind === 'file') return `read ${r.argv[0]}`;
  if (r.kind === 'procfacts') return 'read /proc/PID facts of socket owners';
  return r.argv.join(' ');
}

function captureWindow(commands: CommandRecord[]): Acquisition['captureWindow'] {
  if (commands.length === 0) return null;
  let first = commands[0];
  let last = commands[0];
  for (const c of commands) {
    if (BigInt(c.startNs) < BigInt(first.startNs)) first = c;
    if (BigInt(c.endNs) > BigInt(last.endNs)) last = c;
  }
  return { start: first.start, end: last.end, durationMs: round(Number(BigInt(last.endNs) - BigInt(first.startNs)) / 1e6) };
}

function describe(r: CommandRecord): string {
  const what = commandText(r);
  if (r.unavailable) return `  unavailable  ${what}`;
  const status = r.timedOut ? 'timeout' : r.error ? 'error' : r.exitCode === 0 ? 'ok' : `exit ${r.exitCode ?? r.signal}`;
  return `  ${status.padEnd(11)}  ${what}  (${r.stdout?.bytes ?? 0} bytes, ${round(r.durationMs)} ms)`;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
