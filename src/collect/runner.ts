import { createReadStream } from 'node:fs';
import { execa } from 'execa';
import type { CommandRecord } from '../model.js';
import type { ProfileStep } from './profiles.js';
import { openArtifact, type ArtifactSink } from './sink.js';
import { collectProcessFacts } from './procfacts.js';

export interface StepContext {
  dir: string;
  order: number;
  timeoutMs: number;
  signal: AbortSignal;
  /** Called when the step really starts / ends (custody events). */
  onStart(record: CommandRecord): void;
}

// The locale is pinned so column titles and states are the ones the parsers know; numeric output
// is requested by the argv of each profile step, never by resolving names afterwards.
const ENV = { LC_ALL: 'C', LANG: 'C' };

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
    else writeProcessFacts(ctx, base, record);
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
    const sub = execa(step.argv[0], step.argv.slice(1), {
      stdin: 'ignore',
      buffer: false,
      reject: false,
      stripFinalNewline: false,
      timeout: ctx.timeoutMs,
      cancelSignal: ctx.signal,
      forceKillAfterDelay: 2000,
      env: ENV,
    });
    sub.stdout?.on('data', (chunk: Buffer) => out.write(chunk));
    sub.stderr?.on('data', (chunk: Buffer) => err.write(chunk));
    const result = await sub;
    record.exitCode = typeof result.exitCode === 'number' ? result.exitCode : null;
    record.signal = result.signal ?? null;
    record.timedOut = Boolean(result.timedOut);
    if (result.failed && isNotFound(result)) {
      record.unavailable = true;
      record.error = `${step.argv[0]}: command not found`;
    } else if (result.timedOut) {
      record.error = `timed out after ${ctx.timeoutMs} ms; output captured until then is kept`;
    } else if (result.isCanceled) {
      record.error = 'interrupted; output captured until then is kept';
    } else if (result.failed && record.exitCode === null && !record.signal) {
      record.error = result.shortMessage ?? 'failed to start';
    }
  } finally {
    record.stdout = out.close();
    record.stderr = err.close();
  }
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

function writeProcessFacts(ctx: StepContext, base: string, record: CommandRecord): void {
  const sink = openArtifact(ctx.dir, `${base}.json`);
  try {
    const facts = collectProcessFacts();
    sink.write(Buffer.from(`${JSON.stringify(facts, null, 1)}\n`, 'utf8'));
    record.exitCode = 0;
  } finally {
    record.stdout = sink.close();
  }
}
