// Copies of socket owners' executables over SSH (issue 18, the contract atop ../binaries.ts): after
// the process-facts reader ran on the target, the parsed facts decide which copies are due
// (preservationReasons, as for a local collect); each copy is one more session over the same
// ControlMaster connection running the ordinary step wrapper around `cat /proc/PID/exe` — so it has
// the target's own SHA-256 of what it sent and the target's timeout. The PID is a number parsed
// from the reader's output; no path the host printed is ever sent back to it. The bytes stream
// into raw/binaries/ (0600, hashed while written) and must hash to what the reader took: a copy
// that does not (the PID was reused, the file changed, bytes altered in transit) is kept, marked
// incomplete with both hashes.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BinariesRecord, CommandRecord, FootprintEntry, PreservedBinary, PreservePolicy, ProcessFacts } from '../../model.js';
import { DIR_MODE } from '../../evidence/files.js';
import { decodeBytes } from '../../parse/text.js';
import { processFactsShParser } from '../../parse/process-facts-sh.js';
import { BINARIES_DIR, copyName, freeBytes, HEADROOM } from '../binaries.js';
import { preservationReasons } from '../binaries-policy.js';
import type { ProfileStep } from '../profiles.js';
import { openArtifact, type ArtifactSink } from '../sink.js';
import { runChannel } from './channel.js';
import { splitTrailer, wrapperScript } from './wrapper.js';

/** Test-only: NETCUSTODY_TEST_CORRUPT_TRANSIT=executable-copy flips a byte of every copy on arrival. */
export const COPY_HOOK_ID = 'executable-copy';

const READER_MAX_BYTES = 256 * 1024 * 1024;

export interface RemoteCopyContext {
  ctlPath: string;
  destination: string;
  marker: string;
  dir: string;
  signal: AbortSignal;
  /** The step's timeout: all copies together get this long. */
  timeoutMs: number;
  guardExtraMs: number;
  policy: PreservePolicy;
  maxBytes: number;
  corrupt: boolean;
  /** Set when the connection is gone: no further session is tried. */
  lost(): string | null;
  /** Each session that ran on the target, for the footprint. */
  ran(entry: FootprintEntry): void;
}

/** The socket owners the reader listed in the step's stdout (parsed as the parse stage will). */
export function readerFacts(dir: string, record: CommandRecord): ProcessFacts[] {
  if (!record.stdout) return [];
  // A target may send anything: an absurd output is not read back into memory here (analyze will say more).
  if (record.stdout.bytes > READER_MAX_BYTES) throw new Error(`${record.stdout.path} holds ${record.stdout.bytes} bytes, more than the ${READER_MAX_BYTES} read back to decide copies`);
  const { text, encoding } = decodeBytes(readFileSync(join(dir, record.stdout.path)));
  return processFactsShParser.parse({ text, artifact: record.stdout.path, encoding }).processes;
}

export async function copyRemoteExecutables(facts: ProcessFacts[], c: RemoteCopyContext): Promise<BinariesRecord> {
  const record: BinariesRecord = { policy: c.policy, maxBytes: c.maxBytes, preserved: [], skipped: [] };
  const deadline = Date.now() + c.timeoutMs;
  // One copy per identical file: a verified copy serves every later PID with the same reader hash.
  const copied = new Map<string, PreservedBinary>();
  for (const f of facts) {
    const reasons = preservationReasons(f, c.policy, null);
    if (reasons.length === 0) continue;
    const same = f.exeSha256 ? copied.get(f.exeSha256) : undefined;
    if (same) {
      record.preserved.push({ ...same, pid: f.pid, exe: f.exe, reasons, sharedWith: same.pid });
      continue;
    }
    const why = notCopied(f, c, deadline);
    if (why) {
      record.skipped.push({ pid: f.pid, exe: f.exe, reasons, size: f.exeSize ?? null, why });
      continue;
    }
    const result = await copyOne(f, reasons, c, deadline);
    if ('why' in result) record.skipped.push({ pid: f.pid, exe: f.exe, reasons, size: f.exeSize ?? null, why: result.why });
    else {
      record.preserved.push(result);
      if (!result.incomplete && !result.writeError && f.exeSha256) copied.set(f.exeSha256, result);
    }
  }
  return record;
}

/** Why no session is even tried for this copy (null: try it). */
function notCopied(f: ProcessFacts, c: RemoteCopyContext, deadline: number): string | null {
  const size = f.exeSize ?? null;
  if (size !== null && size > c.maxBytes) return `larger than the size cap (${size} bytes > --max-binary-size ${c.maxBytes}): not copied`;
  if (!f.exeSha256 && !/hash tool/.test(f.exeHashError ?? '')) return `the process-facts reader could not read it on the target (${f.exeHashError ?? 'no hash'}): not copied`;
  if (c.signal.aborted) return 'the collection was interrupted before it was copied';
  const lost = c.lost();
  if (lost) return `the connection to the target was lost before it was copied (${lost})`;
  if (Date.now() > deadline) return 'the step timed out before it was copied';
  const room = freeBytes(c.dir);
  const need = size ?? c.maxBytes;
  if (room !== null && room < need + HEADROOM) return `not enough free space for a copy on the evidence disk (${room} bytes free, ${need} needed plus ${HEADROOM} kept for the records)`;
  return null;
}

async function copyOne(f: ProcessFacts, reasons: string[], c: RemoteCopyContext, deadline: number): Promise<PreservedBinary | { why: string }> {
  const step: ProfileStep = { id: COPY_HOOK_ID, kind: 'file', description: `executable of PID ${f.pid}`, argv: [`/proc/${f.pid}/exe`] };
  const leftMs = Math.max(1000, deadline - Date.now());
  const script = wrapperScript(step, { marker: c.marker, timeoutS: leftMs / 1000 });
  const scriptSha256 = createHash('sha256').update(script).digest('hex');
  c.ran({ purpose: `copy of the executable of PID ${f.pid}`, command: 'sh -s', script: script.split(c.marker).join('<marker>'), scriptSha256 });
  const sink = cappedSink(c.dir, copyName(f.pid, f.exe), c.maxBytes);
  const t0 = performance.now();
  const onAbort = (): void => sink.stop();
  if (c.signal.aborted) onAbort();
  else c.signal.addEventListener('abort', onAbort, { once: true });
  const r = await runChannel({ ctlPath: c.ctlPath, destination: c.destination, command: 'sh -s', stdin: script, guardMs: leftMs + c.guardExtraMs, signal: sink.signal, corruptStdout: c.corrupt }, sink, null);
  c.signal.removeEventListener('abort', onAbort);
  const durationMs = Math.round((performance.now() - t0) * 1000) / 1000;
  const { body, trailer } = splitTrailer(r.stderrTail, c.marker);
  const said = body.toString('utf8').trim().split('\n').pop()?.replace(/[^\x20-\x7e]/g, '?').slice(0, 200) ?? '';
  const file = sink.close();
  if (!file) {
    if (sink.failure()) return { why: `the copy could not be created: ${sink.failure()}` };
    if (trailer?.missing) return { why: `the target could not open /proc/${f.pid}/exe (the process ended, or no permission): not copied` };
    if (trailer) return { why: `cat /proc/${f.pid}/exe on the target failed (exit ${trailer.rc ?? '?'}${said ? `: ${said}` : ''}): not copied` };
    return { why: `no bytes arrived: ${sessionEnd(r, leftMs + c.guardExtraMs)}` };
  }
  const targetSha256 = trailer?.out ?? null;
  const transit = targetSha256 === null ? 'not taken' : targetSha256 === file.sha256 ? 'match' : 'mismatch';
  const copy: PreservedBinary = { ...file, pid: f.pid, exe: f.exe, reasons, remote: { readerSha256: f.exeSha256 ?? null, targetSha256, transit, scriptSha256, durationMs } };
  const problems: string[] = [];
  if (sink.overCap()) problems.push(`more than --max-binary-size ${c.maxBytes} bytes arrived: the session was stopped there`);
  if (file.writeError) problems.push(`only ${file.bytes} bytes were written (${file.writeError.error})`);
  if (!trailer) {
    if (!sink.overCap() && !file.writeError) problems.push(`the session ended without the wrapper's closing line: ${sessionEnd(r, leftMs + c.guardExtraMs)}`);
  } else if (trailer.timeout && trailer.rc === 124) problems.push('the target\'s timeout stopped the copy');
  else if (trailer.rc !== 0) problems.push(`cat exited ${trailer.rc ?? '?'} on the target${said ? ` (${said})` : ''}`);
  if (transit === 'mismatch') problems.push(`TRANSIT ERROR: the target's SHA-256 of what it sent is ${targetSha256}, the bytes received hash to ${file.sha256}`);
  const whole = trailer !== null && trailer.rc === 0 && !sink.overCap() && !file.writeError;
  if (f.exeSha256 && file.sha256 !== f.exeSha256 && !whole) {
    problems.push(`it holds ${file.bytes} bytes of the ${f.exeSize ?? 'unknown number of'} the reader hashed (SHA-256 ${file.sha256}; the reader's: ${f.exeSha256})`);
  } else if (f.exeSha256 && file.sha256 !== f.exeSha256) {
    const cause = transit === 'match' ? 'the target sent these bytes: the PID was reused or the executable changed after the reader hashed it' : 'the PID was reused, the executable changed, or bytes were altered in transit';
    problems.push(`the copy's SHA-256 ${file.sha256} differs from the ${f.exeSha256} the process-facts reader took (${cause})`);
  }
  if (problems.length) copy.incomplete = problems.join('; ');
  return copy;
}

function sessionEnd(r: { interrupted: boolean; guardFired: boolean; error: string | null; sshExit: number | null; signal: string | null }, guardMs: number): string {
  if (r.interrupted) return 'interrupted';
  if (r.guardFired) return `the session was stopped ${guardMs} ms after it started`;
  return r.error ?? `ssh exit ${r.sshExit ?? r.signal}`;
}

interface CappedSink extends ArtifactSink {
  overCap(): boolean;
  /** Aborted when writing cannot go on (cap, full disk) or stop() is called: ends the session. */
  readonly signal: AbortSignal;
  stop(): void;
}

/**
 * The copy's artifact, created when the first byte arrives (a session that sends nothing leaves no
 * file) and never growing past the cap: a host cannot fill the evidence disk by sending more.
 */
function cappedSink(dir: string, path: string, cap: number): CappedSink {
  const stop = new AbortController();
  let sink: ArtifactSink | null = null;
  let createError: string | null = null;
  let received = 0;
  let over = false;
  return {
    path,
    write(chunk) {
      if (over || createError) return;
      if (!sink) {
        try {
          mkdirSync(join(dir, BINARIES_DIR), { recursive: true, mode: DIR_MODE });
        } catch (err) {
          createError = `the folder for copies could not be made: ${(err as Error).message}`;
          stop.abort();
          return;
        }
        sink = openArtifact(dir, path);
      }
      const room = cap - received;
      if (chunk.length > room) {
        chunk = chunk.subarray(0, room);
        over = true;
      }
      received += chunk.length;
      sink.write(chunk);
      if (over || sink.failure()) stop.abort();
    },
    close: () => sink?.close() ?? null,
    closeDurable: async () => sink?.closeDurable() ?? null,
    failure: () => createError ?? sink?.failure() ?? null,
    overCap: () => over,
    signal: stop.signal,
    stop: () => stop.abort(),
  };
}
