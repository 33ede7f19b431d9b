// One remote shell session per host (`sh -s` over the master connection), fed by the workstation
// one volatility group at a time: the group's steps run one after the other in that shell without
// a new session, ssh client, login shell or hash-tool lookup per step, and the target's clock is
// read in the same shell between groups (one `date`, timed by a single round trip). The output of
// the steps is split at framed lines (frames.ts) into each step's exact stdout and stderr.
import { spawn, type ChildProcess } from 'node:child_process';
import type { ArtifactSink } from '../sink.js';
import { muxArgs } from './channel.js';
import { FrameSplitter } from './frames.js';
import { parseTrailer, type Trailer } from './wrapper.js';
import { TailHold } from './step-block.js';

export interface SessionStep {
  index: number;
  block: string;
  out: ArtifactSink;
  err: ArtifactSink;
  guardMs: number;
  corruptStdout: boolean;
  /** The start frame arrived: the step runs on the target now. */
  onStart(): void;
}

export interface SessionStepResult {
  started: boolean;
  trailer: Trailer | null;
  /** Set when the session ended before the step's frames: ssh's exit code or signal. */
  sshExit: number | null;
  signal: string | null;
  guardFired: boolean;
  interrupted: boolean;
  error: string | null;
  /** The workstation's clock when the step's end frame was read (or the session's end was seen). */
  endNs: bigint;
  endIso: string;
}

interface Running {
  step: SessionStep;
  started: boolean;
  stdoutDone: boolean;
  end: { ns: bigint; iso: string } | null;
  trailer: Trailer | null;
  /** Each stream's last bytes, held until the step's end says whether they are its hash line. */
  out: TailHold;
  err: TailHold;
  /** From the step's r and o frames and its `t` trailer (step-block.ts). */
  rc: number | null;
  outToolStatus: number | null;
  errToolStatus: number | null;
  guard: NodeJS.Timeout | null;
  guardFired: boolean;
  done: (r: SessionStepResult) => void;
}

export interface HostSession {
  /** Run the steps in order; one promise per step, settled when it has its end frames or the session has ended. */
  runGroup(steps: SessionStep[]): Promise<SessionStepResult>[];
  /** The probe script's stdout; when the session ends first (a Windows shell has no sh): its stderr. */
  probe(script: string, timeoutMs: number): Promise<{ stdout: string; stderr: string; exit: number | null }>;
  /** The target's `date -u +%s.%N` and the local times around it (null text: the session is gone). */
  readClock(): Promise<{ send: number; receive: number; text: string | null }>;
  alive(): boolean;
  /** ssh's exit code once the session ended (255: the connection failed). */
  exitCode(): number | null;
  close(): Promise<void>;
}

export function openSession(ctlPath: string, destination: string, marker: string, signal: AbortSignal): HostSession {
  const sub: ChildProcess = spawn('ssh', [...muxArgs(ctlPath, destination), 'sh -s'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  const steps = new Map<number, Running>();
  let outStep: Running | null = null;
  let errStep: Running | null = null;
  let clock: ((text: string | null) => void) | null = null;
  let exited = false;
  let exit: { code: number | null; signal: string | null; error: string | null } = { code: null, signal: null, error: null };
  let interrupted = false;
  let corrupt = false;
  let probing: { out: Buffer[]; on: boolean; done: () => void } | null = null;
  /** stderr outside any step (a shell's complaint), kept for the probe's answer. */
  let stray = '';

  const finish = (r: Running): void => {
    if (r.guard) clearTimeout(r.guard);
    // Both ends are here: each stream's hash line (if its tool exited 0) comes off its end.
    const tool = r.trailer?.hashTool ?? null;
    const out = r.out.end(tool, r.outToolStatus);
    const err = r.err.end(tool, r.errToolStatus);
    if (r.trailer && r.outToolStatus !== null) r.trailer = { ...r.trailer, out, err, note: toolNote(tool, [['stdout', r.outToolStatus, out], ['stderr', r.errToolStatus, err]]) };
    steps.delete(r.step.index);
    if (outStep === r) outStep = null;
    if (errStep === r) errStep = null;
    r.done({ started: r.started, trailer: r.trailer, sshExit: null, signal: null, guardFired: r.guardFired, interrupted: false, error: null, ...endOf(r) });
  };
  const settleIfDone = (r: Running): void => {
    if (r.stdoutDone && r.trailer) finish(r);
  };
  const stop = (): void => {
    sub.kill('SIGTERM');
    setTimeout(() => sub.kill('SIGKILL'), 2000).unref();
  };

  const onOut = new FrameSplitter(marker, (b) => {
    if (probing?.on) probing.out.push(Buffer.from(b));
    if (!outStep) return; // nothing but frames is printed between steps
    if (corrupt && b.length > 0) {
      b = Buffer.from(b);
      b[0] ^= 0x01;
      corrupt = false;
    }
    outStep.out.write(b);
  }, (f) => {
    const r = steps.get(Number(f[1]));
    if (f[0] === 'S' && r) {
      r.started = true;
      outStep = r;
      corrupt = r.step.corruptStdout;
      r.guard = setTimeout(() => {
        r.guardFired = true;
        stop();
      }, r.step.guardMs);
      r.step.onStart();
    } else if (f[0] === 'E' && r) {
      // The step's end: its end frame follows its trailer in the shell, and the next step's start
      // frame follows it on the same stream, so end ≤ next start whatever stderr's timing.
      r.end = now();
      r.stdoutDone = true;
      outStep = null;
      settleIfDone(r);
    } else if (f[0] === 'P' && probing) {
      probing.on = true;
    } else if (f[0] === 'Q' && probing) {
      probing.done();
    } else if (f[0] === 'C' && clock) {
      const c = clock;
      clock = null;
      c(f[1] ?? '');
    }
  });
  const onErr = new FrameSplitter(marker, (b) => (errStep ? errStep.err.write(b) : stray.length < 65536 && (stray += b.toString('utf8'))), (f) => {
    const num = (v: string | undefined): number | null => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);
    if (f[0] === 's') {
      errStep = steps.get(Number(f[1])) ?? null;
    } else if (errStep && f[0] === 'r') {
      errStep.rc = num(f[1]);
    } else if (errStep && f[0] === 'o') {
      errStep.outToolStatus = num(f[1]);
    } else if (errStep && f[0] === 't') {
      // The step's end on stderr: its r and o frames came before it on this stream.
      const t = parseTrailer(f.slice(1));
      errStep.errToolStatus = num(f.find((x) => x.startsWith('he='))?.slice(3));
      errStep.outToolStatus ??= -1;
      errStep.trailer = { ...t, rc: errStep.rc };
      const r = errStep;
      errStep = null;
      settleIfDone(r);
    } else if (errStep && f[0].includes('=')) {
      errStep.trailer = parseTrailer(f);
      const r = errStep;
      errStep = null;
      settleIfDone(r);
    }
  });
  sub.stdout!.on('data', (d: Buffer) => onOut.push(d));
  sub.stderr!.on('data', (d: Buffer) => onErr.push(d));
  // A session that ends early leaves stdin unread: EPIPE is that end, not a failure of its own.
  sub.stdin!.on('error', () => {});
  const onAbort = (): void => {
    interrupted = true;
    stop();
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });

  const ended = new Promise<void>((resolve) => {
    let streams = 0;
    const closed = (): void => {
      if (++streams < 3) return;
      exited = true;
      signal.removeEventListener('abort', onAbort);
      onOut.end();
      onErr.end();
      for (const r of [...steps.values()]) {
        if (r.guard) clearTimeout(r.guard);
        // Cut short: what was held back is the step's data (no hash line is stripped).
        r.out.end(null, null);
        r.err.end(null, null);
        steps.delete(r.step.index);
        r.done({ started: r.started, trailer: r.trailer, sshExit: exit.code, signal: exit.signal, guardFired: r.guardFired, interrupted, error: exit.error, ...endOf(r) });
      }
      probing?.done();
      if (clock) clock(null);
      clock = null;
      resolve();
    };
    sub.stdout!.on('close', closed);
    sub.stderr!.on('close', closed);
    sub.on('error', (e) => {
      exit = { ...exit, error: `ssh did not start: ${e.message}` };
    });
    sub.on('close', (code, sig) => {
      exit = { ...exit, code, signal: sig };
      closed();
    });
  });

  const send = (text: string): void => {
    if (!exited && sub.stdin!.writable) sub.stdin!.write(text);
  };
  send(`LC_ALL=C; LANG=C; export LC_ALL LANG\nnc_m=${marker}\n`);

  return {
    runGroup(list) {
      const results = list.map((step) => new Promise<SessionStepResult>((done) => {
        const r: Running = { step, started: false, stdoutDone: false, end: null, trailer: null, out: new TailHold(step.out), err: new TailHold(step.err), rc: null, outToolStatus: null, errToolStatus: null, guard: null, guardFired: false, done };
        if (exited) done({ started: false, trailer: null, sshExit: exit.code, signal: exit.signal, guardFired: false, interrupted, error: exit.error, ...endOf(r) });
        else steps.set(step.index, r);
      }));
      send(list.map((s) => s.block).join(''));
      return results;
    },
    probe(script, timeoutMs) {
      return new Promise((resolve) => {
        const timer = setTimeout(stop, timeoutMs);
        const p = {
          out: [] as Buffer[],
          on: false,
          done: () => {
            clearTimeout(timer);
            probing = null;
            resolve({ stdout: Buffer.concat(p.out).toString('utf8'), stderr: stray, exit: exited ? exit.code : null });
          },
        };
        probing = p;
        if (exited) return p.done();
        send(`printf '%s P %s\\n' "$nc_m" "$nc_m"\n${script}printf '%s Q %s\\n' "$nc_m" "$nc_m"\n`);
      });
    },
    readClock() {
      return new Promise((resolve) => {
        if (exited) return resolve({ send: Date.now(), receive: Date.now(), text: null });
        const t = Date.now();
        clock = (text) => resolve({ send: t, receive: Date.now(), text });
        send(`printf '%s C %s %s\\n' "$nc_m" "$(date -u +%s.%N)" "$nc_m"\n`);
      });
    },
    alive: () => !exited,
    exitCode: () => exit.code,
    async close() {
      if (!exited) sub.stdin!.end();
      const t = setTimeout(stop, 10_000);
      await ended;
      clearTimeout(t);
    },
  };
}

function now(): { ns: bigint; iso: string } {
  return { ns: process.hrtime.bigint(), iso: new Date().toISOString() };
}

/** The end frame's time; without one (the session ended first), now. */
function endOf(r: Running): { endNs: bigint; endIso: string } {
  const e = r.end ?? now();
  return { endNs: e.ns, endIso: e.iso };
}

/** Why a stream has no remote hash although the target has a hash tool (null: both have one). */
function toolNote(tool: string | null, streams: [string, number | null, string | null][]): string | undefined {
  const why = streams.filter(([, , sha]) => sha === null).map(([name, status]) => (status === 0
    ? `the target's ${tool} printed a line of a form netcustody does not know for ${name}: it is left at the end of that output`
    : `the target's ${tool} failed for ${name} (exit ${status ?? '?'}): no remote hash`));
  return why.length ? why.join('; ') : undefined;
}
