import { readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Acquisition, ClockInfo, CommandRecord, PreservePolicy } from '../model.js';
import { DEFAULT_MAX_BINARY_BYTES } from './binaries.js';
import { appendCustody, appendCustodyEvents, custodyDurable, type CustodyInput } from '../evidence/custody.js';
import { createEvidenceFolder, EvidenceError, newAcquisition, PATHS, writeAcquisition } from '../evidence/folder.js';
import { sha256Hex } from '../evidence/files.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { PROFILES, profileForPlatform, type Profile } from './profiles.js';
import { holdReserve, isNoSpace, RESERVE_BYTES, type Reserve } from './reserve.js';
import { localTransport, type Transport } from './transport.js';

export interface CollectOptions {
  out: string;
  caseId: string;
  examiner: string;
  organisation?: string | null;
  /** The examiner's role or qualification, as stated. */
  role?: string | null;
  timeoutMs: number;
  profile: 'auto' | Profile['name'];
  /** Which socket owners' executables are copied into raw/binaries/ (default 'auto': suspicious ones). */
  preserveBinaries?: PreservePolicy;
  /** Executables larger than this are neither hashed nor copied (default 64 MiB). */
  maxBinaryBytes?: number;
  /** Aborted on Ctrl-C / SIGTERM: running commands are stopped, what was captured stays. */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** This host's clock facts, read beforehand without blocking (clockInfoAsync); read here when absent. */
  clock?: Promise<ClockInfo>;
}

export interface CollectResult {
  dir: string;
  evidenceId: string;
  acquisition: Acquisition;
  interrupted: boolean;
  /** Why the collection failed (a full disk), recorded in acquisition.json and custody; null when it did not. */
  failure: string | null;
}

export function resolveProfile(name: CollectOptions['profile']): Profile {
  if (name !== 'auto') return PROFILES[name];
  const profile = profileForPlatform(process.platform);
  if (!profile) throw new EvidenceError(`no collection profile for platform ${process.platform}`, 'use --profile linux|macos|windows', 2);
  return profile;
}

/** Collect this host. */
export async function collect(options: CollectOptions): Promise<CollectResult> {
  const profile = resolveProfile(options.profile);
  return collectWith(localTransport(profile, options.clock ? await options.clock : undefined), options);
}

/** Collect through a transport (local, or a connected SSH target): the same folder, records and custody. */
export async function collectWith(transport: Transport, options: CollectOptions): Promise<CollectResult> {
  const started = new Date();
  let folder;
  try {
    folder = createEvidenceFolder(options.out, options.caseId, transport.folderName, started);
  } catch (err) {
    throw new EvidenceError(`cannot create the evidence folder under ${options.out}: ${(err as Error).message}`, 'choose a writable folder with --out DIR');
  }
  const { dir } = folder;
  let reserve: Reserve;
  try {
    reserve = holdReserve(dir);
  } catch (err) {
    if (!isNoSpace(err)) throw err;
    removeEmptyFolder(dir);
    throw new EvidenceError(`no space left under ${options.out} (${(err as NodeJS.ErrnoException).code}): not even ${RESERVE_BYTES / 1024} KiB free for a new evidence folder; nothing was collected`, 'free some space or choose another --out DIR');
  }
  const state: RunState = { dir, evidenceId: folder.evidenceId, actor: options.examiner, acquisition: null };
  try {
    return await collectInto(state, transport, options, reserve);
  } catch (err) {
    if (!isNoSpace(err)) throw err;
    // The disk filled up outside a command's output (custody, acquisition.json): record it if possible.
    reserve.release();
    const reason = `the disk holding ${dir} is full (${(err as Error).message})`;
    const unrecorded = state.acquisition ? finish(state, state.acquisition, 'collection failed', reason) : 'nothing was recorded';
    throw new EvidenceError(unrecorded ? `${reason}; the failure could NOT be recorded in acquisition.json or custody.jsonl (${unrecorded})` : `${reason}; recorded in acquisition.json and custody.jsonl`, 'free some space and collect again into a new folder');
  } finally {
    reserve.release();
  }
}

interface RunState {
  dir: string;
  evidenceId: string;
  actor: string;
  acquisition: Acquisition | null;
}

async function collectInto(state: RunState, transport: Transport, options: CollectOptions, reserve: Reserve): Promise<CollectResult> {
  const log = options.log ?? (() => {});
  const { dir, evidenceId, actor } = state;
  const { profile, host, privileges: priv } = transport;
  const acquisition: Acquisition = {
    ...newAcquisition({ caseId: options.caseId, evidenceId, examiner: options.examiner, organisation: options.organisation ?? null, mode: 'collect', profile: profile.name, clock: transport.clock }),
    examinerRole: options.role ?? null,
    host,
    privileges: priv,
    warnings: [...(priv.privileged ? [] : [`collection is not privileged (user ${priv.user}): ${priv.limitations.join('; ')}`]), ...(transport.warnings?.() ?? [])],
  };
  if (transport.kind !== 'local') acquisition.transport = transport.info();
  for (const w of acquisition.warnings) log(`warning: ${w}`);
  const via = transport.kind === 'local' ? {} : { transport: transport.kind, target: acquisition.transport?.target ?? null, hostKey: acquisition.transport?.hostKey?.fingerprint ?? null };
  appendCustody(dir, {
    actor,
    action: 'case opened',
    object: evidenceId,
    details: { caseId: options.caseId, examiner: options.examiner, organisation: options.organisation ?? null, role: options.role ?? null, host: host.hostname, tool: `${TOOL_NAME} ${TOOL_VERSION}`, profile: profile.name, privileged: priv.privileged, ...via },
  });
  for (const e of transport.openingEvents?.() ?? []) appendCustody(dir, { actor, ...e });
  writeAcquisition(dir, acquisition);
  state.acquisition = acquisition;

  const signal = options.signal ?? new AbortController().signal;
  let order = 0;
  let failure: string | null = null;
  // A fleet's one thread reads every host's stream: over SSH, custody fsyncs run on the thread pool
  // (custody.ts), each awaited before the step's result or the next group. Local: flushed at once.
  const flush = transport.kind === 'local' ? 'now' : 'later';
  for (const [g, group] of profile.groups.entries()) {
    if (signal.aborted) break;
    const lost = transport.lost?.() ?? null;
    if (lost) {
      failure = connectionLostText(lost, profile.groups.slice(g).flatMap((later) => later.steps.map((s) => s.id)), acquisition.commands);
      break;
    }
    await transport.beforeGroup?.(group);
    const logged = new Set<CommandRecord>();
    // After an output of the group could not be written (a full disk), its further lines wait for
    // the group's end, when the reserve is freed for them; in the order they came, which is time order.
    let held: CustodyInput[] | null = null;
    const toCustody = (events: CustodyInput[]): void => {
      if (held) held.push(...events);
      else appendCustodyEvents(dir, events, flush);
    };
    const records = await Promise.all(
      group.steps.map((step) =>
        transport.runStep(step, {
          dir,
          order: ++order,
          timeoutMs: options.timeoutMs,
          signal,
          binaries: { policy: options.preserveBinaries ?? 'auto', maxBytes: options.maxBinaryBytes ?? DEFAULT_MAX_BINARY_BYTES },
          onStart: (r) => toCustody([{ actor, action: 'command started', object: commandText(r), time: r.start }]),
          // SSH runs a group's steps one after another: each end is logged as it happens.
          onEnd: (r) => {
            if (writeFailed(r)) held ??= [];
            toCustody(finishedEvents(actor, r));
            logged.add(r);
          },
        }),
      ),
    );
    const short = records.filter(writeFailed);
    // The reserve is freed only once the whole group has stopped writing, so no output can eat it.
    if (short.length) reserve.release();
    if (held) appendCustodyEvents(dir, held, flush);
    // When every end is logged already, the target's clock is read while the lines reach the disk.
    const stepwise = records.every((r) => logged.has(r));
    const clock = stepwise && !signal.aborted ? transport.afterGroup?.(group) : undefined;
    // Over SSH the custody lines were flushed in the background: on disk before any result.
    await Promise.all([custodyDurable(dir), clock]);
    for (const r of records) {
      acquisition.commands.push(r);
      log(describe(r));
      if (r.binaries) log(`               executables: ${r.binaries.preserved.length} copied into raw/binaries/ (${r.binaries.preserved.reduce((n, b) => n + (b.sharedWith === undefined ? b.bytes : 0), 0)} bytes), ${r.binaries.skipped.length} due but not copied`);
    }
    // The steps of a group ran concurrently: log their ends in the order they happened, so that the
    // custody log stays in time order.
    // One append (one flush) for the whole group: the same lines and chain as one call per event.
    const unlogged = records.filter((r) => !logged.has(r));
    appendCustodyEvents(dir, unlogged.sort((a, b) => a.end.localeCompare(b.end)).flatMap((r) => finishedEvents(actor, r)), flush);
    const durable = custodyDurable(dir);
    if (!stepwise && !signal.aborted) await transport.afterGroup?.(group);
    await durable;
    if (transport.kind !== 'local') acquisition.transport = transport.info();
    if (short.length) {
      // A full disk cannot take more output: the later, less volatile steps are not run.
      const notRun = profile.groups.slice(g + 1).flatMap((later) => later.steps.map((s) => s.id));
      failure = diskFullText(dir, short, notRun);
      break;
    }
  }

  if (!failure && !signal.aborted && transport.lost?.()) failure = connectionLostText(transport.lost()!, [], acquisition.commands);
  const interrupted = signal.aborted && !failure;
  if (transport.kind !== 'local') acquisition.transport = transport.info();
  acquisition.captureWindow = captureWindow(acquisition.commands);
  reserve.release();
  if (failure) {
    const unrecorded = finish(state, acquisition, 'collection failed', failure);
    if (unrecorded) throw new EvidenceError(`${failure}; the failure could NOT be recorded in acquisition.json or custody.jsonl (${unrecorded})`, 'free some space and collect again into a new folder');
  } else {
    finish(state, acquisition, interrupted ? 'collection interrupted' : 'collection finished', null, true);
  }
  return { dir, evidenceId, acquisition, interrupted, failure };
}

/**
 * Final acquisition.json and the closing custody event. With `rethrow` unset, a write error is
 * returned as text (the caller says on stderr that the record is missing) instead of thrown.
 */
function finish(state: RunState, acquisition: Acquisition, action: string, failure: string | null, rethrow = false): string | null {
  const { dir, actor } = state;
  acquisition.status = failure ? 'failed' : action === 'collection interrupted' ? 'interrupted' : 'complete';
  if (failure) acquisition.warnings.push(failure);
  try {
    writeAcquisition(dir, acquisition);
    const acqHash = sha256Hex(readFileSync(join(dir, PATHS.acquisition)));
    appendCustody(dir, {
      actor,
      action,
      object: PATHS.acquisition,
      sha256: acqHash,
      details: { commands: acquisition.commands.length, captureWindowMs: acquisition.captureWindow?.durationMs ?? null, ...(failure ? { reason: failure } : {}) },
    });
    return null;
  } catch (err) {
    if (rethrow) throw err;
    return (err as Error).message;
  }
}

function writeFailed(r: CommandRecord): boolean {
  return Boolean(r.stdout?.writeError || r.stderr?.writeError || r.outputNotCreated || r.binaries?.preserved.some((b) => b.writeError));
}

function diskFullText(dir: string, short: CommandRecord[], notRun: string[]): string {
  const files = short.flatMap((r) => [r.stdout, r.stderr, ...(r.binaries?.preserved ?? [])]).filter((f) => f?.writeError);
  const what = files.map((f) => `${f!.path} holds only its first ${f!.bytes} bytes (${f!.writeError!.bytesNotWritten} not written: ${f!.writeError!.error})`);
  const uncreated = short.filter((r) => r.outputNotCreated).map((r) => `${commandText(r)}: could not create ${r.outputNotCreated}`);
  const skipped = notRun.length ? `; not run: ${notRun.join(', ')}` : '';
  return `the disk holding ${dir} filled up during collection: ${[...what, ...uncreated].join('; ')}${skipped}`;
}

/** The connection to the target ended early: what arrived is kept, what is missing is named. */
function connectionLostText(why: string, notRun: string[], done: CommandRecord[]): string {
  const cut = done.filter((r) => r.remote && r.remote.sshExit === 255).map((r) => r.id);
  const parts = [`the connection to the target was lost (${why}); everything that arrived is kept`];
  if (cut.length) parts.push(`cut off or not started: ${cut.join(', ')}`);
  if (notRun.length) parts.push(`not run: ${notRun.join(', ')}`);
  return parts.join('; ');
}

function removeEmptyFolder(dir: string): void {
  // Only empty directories are removed (rmdir fails on anything else): nothing collected is lost.
  for (const d of [join(dir, PATHS.raw), dir]) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
  }
}

function finishedEvents(actor: string, r: CommandRecord): CustodyInput[] {
  const events: CustodyInput[] = [];
  events.push({
    actor,
    action: r.unavailable ? 'command unavailable' : 'command finished',
    object: commandText(r),
    time: r.end,
    details: { exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut, durationMs: round(r.durationMs), error: r.error },
  });
  for (const file of [r.stdout, r.stderr]) {
    if (!file) continue;
    const incomplete = file.writeError ? { incomplete: true, bytesNotWritten: file.writeError.bytesNotWritten, writeError: file.writeError.error } : {};
    // Hashed while it was written, so at the command's end (not when this line is logged).
    events.push({ actor, action: file.writeError ? 'artifact incomplete' : 'artifact hashed', object: file.path, sha256: file.sha256, time: r.end, details: { bytes: file.bytes, ...incomplete } });
  }
  // Copies of executables: each is an artifact like any other (issue 18).
  for (const b of r.binaries?.preserved ?? []) {
    events.push({ actor, action: b.incomplete ? 'executable copy incomplete' : 'executable preserved', object: b.path, sha256: b.sha256, time: r.end, details: { bytes: b.bytes, pid: b.pid, exe: b.exe, reasons: b.reasons, ...(b.sharedWith !== undefined ? { sameFileAsPid: b.sharedWith } : {}), ...(b.incomplete ? { incomplete: b.incomplete } : {}), ...(b.remote ? { remote: b.remote } : {}) } });
  }
  for (const s of r.binaries?.skipped ?? []) {
    events.push({ actor, action: 'executable not preserved', object: `/proc/${s.pid}/exe`, time: r.end, details: { pid: s.pid, exe: s.exe, size: s.size, reasons: s.reasons, why: s.why } });
  }
  return events;
}

export function commandText(r: Pick<CommandRecord, 'kind' | 'argv' | 'remote'>): string {
  const on = r.remote ? 'on the target: ' : '';
  if (r.kind === 'file') return `${on}read ${r.argv[0]}`;
  if (r.kind === 'procfacts') return `${on}read /proc/PID facts of socket owners${r.remote ? ' (sh reader)' : ''}`;
  return `${on}${r.argv.join(' ')}`;
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
  const status = writeFailed(r) ? 'incomplete' : r.timedOut ? 'timeout' : r.error ? 'error' : r.exitCode === 0 ? 'ok' : `exit ${r.exitCode ?? r.signal}`;
  return `  ${status.padEnd(11)}  ${what}  (${r.stdout?.bytes ?? 0} bytes, ${round(r.durationMs)} ms)`;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
