// The command record of one SSH step: created when it starts, then filled from what the session
// returned (the wrapper's trailer, or why there was none) and the remote-vs-received hash check.
import type { CommandRecord } from '../../model.js';
import type { ProfileStep } from '../profiles.js';
import type { StepContext } from '../runner.js';
import type { Trailer } from './wrapper.js';

export interface Settled {
  trailer: Trailer | null;
  sshExit: number | null;
  signal: string | null;
  guardFired: boolean;
  /** Why there is no trailer (used only then). */
  why: string;
}

export function finishTimes(record: CommandRecord, t0: bigint): CommandRecord {
  const t1 = process.hrtime.bigint();
  record.end = new Date().toISOString();
  record.endNs = t1.toString();
  record.durationMs = Number(t1 - t0) / 1e6;
  return record;
}

/** The step's end as the workstation saw it (its end frame arrived), timed from its start frame. */
export function endTimes(record: CommandRecord, t0: bigint, endNs: bigint, endIso: string): CommandRecord {
  record.end = endIso;
  record.endNs = endNs.toString();
  record.durationMs = Number(endNs - t0) / 1e6;
  return record;
}

export function newRecord(step: ProfileStep, ctx: StepContext): CommandRecord {
  return {
    id: step.id, order: ctx.order, kind: step.kind, description: step.description, argv: step.argv,
    start: new Date().toISOString(), end: '', startNs: process.hrtime.bigint().toString(), endNs: '', durationMs: 0,
    exitCode: null, signal: null, timedOut: false, timeoutMs: ctx.timeoutMs, unavailable: false, error: null, stdout: null, stderr: null,
  };
}

/** Fill the record from the outcome; true when the connection is gone (ssh exit 255 or the master lost). */
export function applyOutcome(step: ProfileStep, timeoutMs: number, record: CommandRecord, r: Settled, masterLost: boolean): boolean {
  let connectionLost = false;
  const remote = record.remote!;
  const trailer = r.trailer;
  remote.sshExit = r.sshExit;
  record.signal = r.signal;
  if (trailer?.missing) {
    record.unavailable = true;
    record.exitCode = 127;
    record.error = step.kind === 'file' ? `${step.argv[0]}: not present on the target` : `${step.argv[0]}: command not found on the target`;
  } else if (trailer) {
    record.exitCode = trailer.rc;
    remote.stdoutSha256 = trailer.out;
    remote.stderrSha256 = trailer.err;
    if (!trailer.out || !trailer.err) remote.note = trailer.note ?? (trailer.hashTool ? 'the target could not tee the output to its hash tool (/dev/fd missing)' : 'the target has no sha256sum, shasum or openssl');
    if (trailer.timeout && trailer.rc === 124) {
      record.timedOut = true;
      record.error = `timed out after ${timeoutMs} ms: the target's timeout stopped it; output captured until then is kept`;
    } else if (!trailer.timeout) remote.note = [remote.note, 'the target has no timeout command: only the workstation\'s guard limits the step'].filter(Boolean).join('; ');
  } else {
    record.exitCode = null;
    record.error = `${r.why}; output received until then is kept`;
    remote.note = 'no trailer: the output may be cut off';
    if (r.guardFired) record.timedOut = true;
    if (r.sshExit === 255 || masterLost) {
      remote.sshExit = 255;
      connectionLost = true;
    }
  }
  if (remote.stdoutSha256 && record.stdout) {
    const ok = remote.stdoutSha256 === record.stdout.sha256 && (!remote.stderrSha256 || !record.stderr || remote.stderrSha256 === record.stderr.sha256);
    remote.transit = ok ? 'match' : 'mismatch';
    if (!ok) {
      const which = remote.stdoutSha256 !== record.stdout.sha256 ? `stdout: target ${remote.stdoutSha256}, received ${record.stdout.sha256}` : `stderr: target ${remote.stderrSha256}, received ${record.stderr?.sha256}`;
      record.error = [record.error, `TRANSIT ERROR: the bytes received differ from what the target sent (${which})`].filter(Boolean).join('; ');
    }
  }
  return connectionLost;
}
