// A volatility group's steps in the host's one shell session, one after the other. Each step is
// finished as its end frame arrives: its end time (the workstation's clock when the frame was read),
// its artifacts flushed (on libuv's thread pool, while the next step runs), its outcome and its
// custody lines (ctx.onEnd) — and the next step's "command started" line only after those, so
// custody stays in time order with every step's true end.
import type { CommandRecord } from '../../model.js';
import type { ProfileStep } from '../profiles.js';
import { artifactBase, type StepContext } from '../runner.js';
import { openArtifact } from '../sink.js';
import { endTimes, type Settled } from './record.js';
import type { HostSession } from './session.js';

export interface BatchItem {
  step: ProfileStep;
  ctx: StepContext;
  resolve: (r: CommandRecord) => void;
  reject: (e: Error) => void;
}

export interface GroupDeps {
  /** The host's shell session (a new one if the last ended while the connection stays). */
  session(): HostSession;
  /** The step's block for the session and its new record. */
  prepare(step: ProfileStep, ctx: StepContext): { block: string; record: CommandRecord; corruptStdout: boolean };
  guardExtraMs: number;
  /** The trailer's outcome, the transit check, executable copies (which move the end after them). */
  settle(step: ProfileStep, ctx: StepContext, record: CommandRecord, r: Settled, t0: bigint): Promise<void>;
}

/** Never rejects: a step whose custody lines cannot be written rejects its own promise and the later ones. */
export async function runSessionSteps(items: BatchItem[], deps: GroupDeps): Promise<void> {
  // A step that copies executables ends after its copies (as a local collect's does): the steps
  // after it are sent once it has ended, so each step still ends before the next starts.
  for (let i = 0; i < items.length; ) {
    const cut = items.findIndex((it, k) => k >= i && it.step.executables !== undefined);
    const next = cut < 0 ? items.length : cut + 1;
    const failed = await runSteps(items.slice(i, next), deps);
    if (failed) {
      for (const it of items.slice(next)) it.reject(failed);
      return;
    }
    i = next;
  }
}

async function runSteps(items: BatchItem[], deps: GroupDeps): Promise<Error | null> {
  const s = deps.session();
  // ended[i]: step i's custody lines are written; step i+1's "command started" waits for it.
  const ended = items.map(() => {
    let release = (): void => {};
    const done = new Promise<void>((r) => (release = r));
    return { done, release };
  });
  const prepared = items.map(({ step, ctx }, i) => {
    const { block, record, corruptStdout } = deps.prepare(step, ctx);
    const base = artifactBase(ctx.order, step.id);
    const out = openArtifact(ctx.dir, `${base}.stdout`);
    const err = openArtifact(ctx.dir, `${base}.stderr`);
    const t = { t0: process.hrtime.bigint(), logged: null as Promise<void> | null };
    const onStart = (): void => {
      t.t0 = process.hrtime.bigint();
      record.start = new Date().toISOString();
      record.startNs = t.t0.toString();
      t.logged = (i === 0 ? Promise.resolve() : ended[i - 1].done).then(() => ctx.onStart(record));
      t.logged.catch(() => {}); // awaited below, where a failure stops the group
    };
    return { record, out, err, t, sessionStep: { index: ctx.order, block, out, err, guardMs: ctx.timeoutMs + deps.guardExtraMs, corruptStdout, onStart } };
  });
  const results = s.runGroup(prepared.map((p) => p.sessionStep));
  const flushed = results.map((res, i) => res.then(async (r) => ({ r, files: await Promise.all([prepared[i].out.closeDurable(), prepared[i].err.closeDurable()]) })));
  let failed: Error | null = null;
  for (const [i, { step, ctx, resolve, reject }] of items.entries()) {
    const { record, t } = prepared[i];
    try {
      if (failed) throw failed;
      const { r, files } = await flushed[i];
      [record.stdout, record.stderr] = files;
      // A step that never started has no start frame: it starts and ends when the session's end was seen.
      if (!r.started) [t.t0, record.start, record.startNs] = [r.endNs, r.endIso, r.endNs.toString()];
      endTimes(record, t.t0, r.endNs, r.endIso);
      const why = r.interrupted ? 'interrupted' : r.guardFired ? `the session was stopped ${ctx.timeoutMs + deps.guardExtraMs} ms after the step started (the target did not end it)` : r.error ?? `the host session ended ${r.started ? 'before the wrapper\'s closing line' : 'before this step started'} (ssh exit ${r.sshExit ?? r.signal})`;
      await deps.settle(step, ctx, record, { trailer: r.trailer, sshExit: r.trailer ? 0 : r.sshExit, signal: r.signal, guardFired: r.guardFired, why }, t.t0);
      if (t.logged) await t.logged;
      ctx.onEnd?.(record);
      ended[i].release();
      resolve(record);
    } catch (e) {
      failed ??= e as Error;
      reject(failed);
    }
  }
  return failed;
}
