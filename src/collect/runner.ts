import { createReadStream } from 'node:fs';
import { execa } from 'execa';
import type { CommandRecord } from '../model.js';
import type { ProfileStep } from './profiles.js';
import { openArtifact, type ArtifactSink } from './sink.js';
import { collectProcessFacts, formatProcessFacts } from './procfacts.js';
import { DEFAULT_MAX_BINARY_BYTES, readExecutables } from './binaries.js';
import type { PreservePolicy } from '../model.js';

export interface StepContext {
  dir: string;
  order: number;
  timeoutMs: number;
  signal: AbortSignal;
  /** Called when the step really starts / ends (custody events). */
  onStart(record: CommandRecord): void;
  /**
   * A transport that runs a group's steps one after another (SSH) calls this with each finished
   * record before the next step's onStart, so custody logs each end when it happened; steps it is
   * not called for are logged when the whole group is done (local: they run concurrently).
   */
  onEnd?(record: CommandRecord): void;
  /** Executables of socket owners (steps with `executables`): which to copy, and the size cap. */
  binaries?: { policy: PreservePolicy; maxBytes: number };
}

// The locale is pinned so column titles and states are the ones the parsers know; numeric output
// is requested by the argv of each profile step, never by resolving names afterwards.
const ENV = { LC_ALL: 'C', LANG: 'C' };
/** Each command leads its own process group (POSIX); Windows has none to signal. */
const GROUPS = process.platform !== 'win32';

// A detached group is not killed with netcustody (execa's cleanup skips detached children): if the
// process exits while a command still runs (an unexpected error), its group goes with it.
const liveGroups = new Set<number>();
process.on('exit', () => {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export function artifactBase(order: number, id: string): string {
  return `raw/${String(order).padStart(2, '0')}-${id}`;
}

/** Run one profile step; never throws: failures are recorded in the returned CommandRecord. */
export async function runStep(step: ProfileStep, ctx: StepContext): Promise<CommandRecord> {
  const base = artifactBase(ctx.order, step.id);
  const record = newRecord(step, ctx);
  ctx.onStart(record);
  const t0 = process.hrtime.bigint();
  try {
    if (step.kind === 'command') await runCommand(step, ctx, base, record);
    else if (step.kind === 'file') await copyFile(step.argv[0], ctx, base, record);
    else await writeProcessFacts(step, ctx, base, record);
  } catch (err) {
    record.error = (err as Error).message;
  }
  const t1 = process.hrtime.bigint();
  record.end = new Date().toISOString();
  record.endNs = t1.toString();
  record.durationMs = Number(t1 - t0) / 1e6;
  return record;
}

function newRecord(step: ProfileStep, ctx: StepContext): CommandRecord {
  return {
    id: step.id,
    order: ctx.order,
    kind: step.kind,
    description: step.description,
    argv: step.argv,
    start: new Date().toISOString(),
    end: '',
    startNs: process.hrtime.bigint().toString(),
    endNs: '',
    durationMs: 0,
    exitCode: null,
    signal: null,
    timedOut: false,
    timeoutMs: ctx.timeoutMs,
    unavailable: false,
    error: null,
    stdout: null,
    stderr: null,
  };
}

async function runCommand(step: ProfileStep, ctx: StepContext, base: string, record: CommandRecord): Promise<void> {
  const out = openArtifact(ctx.dir, `${base}.stdout`);
  const err = openArtifact(ctx.dir, `${base}.stderr`);
  try {
    // Its own process group: a child that forks (a shell, a pager) and leaves a grandchild holding
    // the pipe is stopped as a whole at the timeout or on Ctrl-C, not just its first process.
    const sub = execa(step.argv[0], step.argv.slice(1), {
      stdin: 'ignore',
      buffer: false,
      reject: false,
      stripFinalNewline: false,
      detached: GROUPS,
      env: ENV,
    });
    const pid = sub.pid;
    // Windows has no process groups to signal: there the command itself is stopped.
    const stop = stopGroupOn((signal) => (GROUPS && pid !== undefined ? process.kill(-pid, signal) : sub.kill(signal)), ctx);
    if (GROUPS && pid !== undefined) liveGroups.add(pid);
    sub.stdout?.on('data', (chunk: Buffer) => out.write(chunk));
    sub.stderr?.on('data', (chunk: Buffer) => err.write(chunk));
    let result;
    try {
      result = await sub;
    } finally {
      stop.done();
      if (pid !== undefined) liveGroups.delete(pid);
    }
    record.exitCode = typeof result.exitCode === 'number' ? result.exitCode : null;
    record.signal = result.signal ?? null;
    record.timedOut = stop.reason === 'timeout';
    if (stop.signals.length) record.groupSignals = stop.signals;
    const sent = `${GROUPS ? 'process group' : 'command'} sent ${stop.signals.join(', then ')}`;
    if (result.failed && isNotFound(result)) {
      record.unavailable = true;
      record.error = `${step.argv[0]}: command not found`;
    } else if (stop.reason === 'timeout') {
      record.error = `timed out after ${ctx.timeoutMs} ms (${sent}); output captured until then is kept`;
    } else if (stop.reason === 'interrupt') {
      record.error = `interrupted (${sent}); output captured until then is kept`;
    } else if (result.failed && record.exitCode === null && !record.signal) {
      record.error = result.shortMessage ?? 'failed to start';
    }
  } finally {
    record.stdout = out.close();
    record.stderr = err.close();
    noteWriteFailure(record, [out, err]);
  }
}

/** Grace between SIGTERM and SIGKILL for a process group that outlives its timeout. */
const KILL_GRACE_MS = 2000;

interface GroupStop {
  reason: 'timeout' | 'interrupt' | null;
  signals: string[];
  done(): void;
}

/** At the timeout or on abort: SIGTERM to the whole group, SIGKILL after the grace if the pipes stay open. */
function stopGroupOn(kill: (signal: NodeJS.Signals) => void, ctx: StepContext): GroupStop {
  const state: GroupStop = { reason: null, signals: [], done };
  let killTimer: NodeJS.Timeout | undefined;
  const send = (signal: NodeJS.Signals): void => {
    try {
      kill(signal);
      state.signals.push(signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  const stop = (reason: 'timeout' | 'interrupt'): void => {
    if (state.reason) return;
    state.reason = reason;
    send('SIGTERM');
    killTimer = setTimeout(() => send('SIGKILL'), KILL_GRACE_MS);
  };
  const timer = setTimeout(() => stop('timeout'), ctx.timeoutMs);
  const onAbort = (): void => stop('interrupt');
  if (ctx.signal.aborted) onAbort();
  else ctx.signal.addEventListener('abort', onAbort, { once: true });
  function done(): void {
    clearTimeout(timer);
    clearTimeout(killTimer);
    ctx.signal.removeEventListener('abort', onAbort);
  }
  return state;
}

/** A full disk is recorded on the step: which artifact is short, by how many bytes, and why. */
function noteWriteFailure(record: CommandRecord, sinks: ArtifactSink[]): void {
  const failed = sinks.map((s, i) => ({ s, file: i === 0 ? record.stdout : record.stderr })).filter(({ s }) => s.failure() !== null);
  if (failed.length === 0) return;
  const uncreated = failed.filter(({ file }) => !file).map(({ s }) => `${s.path} (${s.failure()})`);
  if (uncreated.length) record.outputNotCreated = uncreated.join(', ');
  const text = failed
    .map(({ s, file }) => (file ? `${file.path} incomplete: ${file.bytes} bytes written, ${file.writeError?.bytesNotWritten ?? 0} not (${s.failure()})` : `${s.path} could not be created (${s.failure()})`))
    .join('; ');
  record.error = record.error ? `${record.error}; ${text}` : text;
}

function isNotFound(result: { code?: string; cause?: unknown }): boolean {
  const cause = result.cause as NodeJS.ErrnoException | undefined;
  return result.code === 'ENOENT' || cause?.code === 'ENOENT';
}

async function copyFile(path: string, ctx: StepContext, base: string, record: CommandRecord): Promise<void> {
  const sink = openArtifact(ctx.dir, `${base}.stdout`);
  try {
    await pump(path, sink, ctx.signal);
    record.exitCode = 0;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    record.unavailable = code === 'ENOENT';
    record.error = code === 'ENOENT' ? `${path}: not present on this host` : `${path}: ${(err as Error).message}`;
  } finally {
    record.stdout = sink.close();
    noteWriteFailure(record, [sink]);
  }
}

/** procfs files report size 0: read them as a stream, not by size. */
function pump(path: string, sink: ArtifactSink, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = createReadStream(path, { signal });
    stream.on('data', (chunk) => sink.write(chunk as Buffer));
    stream.on('error', reject);
    stream.on('end', () => resolve());
  });
}

async function writeProcessFacts(step: ProfileStep, ctx: StepContext, base: string, record: CommandRecord): Promise<void> {
  const sink = openArtifact(ctx.dir, `${base}.jsonl`);
  try {
    // The cheap facts of every process first, then the executables (slower): what vanishes first is read first.
    const facts = collectProcessFacts();
    if (step.executables) {
      const policy = ctx.binaries ?? { policy: 'auto', maxBytes: DEFAULT_MAX_BINARY_BYTES };
      record.binaries = await readExecutables(ctx.dir, facts, { ...policy, signal: ctx.signal, deadline: Date.now() + ctx.timeoutMs });
    }
    sink.write(Buffer.from(formatProcessFacts(facts), 'utf8'));
    record.exitCode = 0;
  } finally {
    record.stdout = sink.close();
    noteWriteFailure(record, [sink]);
  }
}
