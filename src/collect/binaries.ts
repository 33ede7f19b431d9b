// The executable behind each socket owner (issue 18): one streamed read through /proc/PID/exe — the
// image the kernel runs, also when its file was deleted or replaced — that both hashes it and, when
// the preservation policy asks, copies it into raw/binaries/. The copy's SHA-256 is the hash
// recorded in the process facts because both come from the same bytes. No path the host controls
// is ever opened: only /proc/PID/exe, checked afterwards to still be the process we listed.
//
// Transports (SSH: ssh/binaries.ts; field kit) inherit this through the profile step's `executables` spec and must:
// 1. take exeSha256/exeSize/exeHashError from the sh reader (procFactsReaderScript({ maxHashBytes:
//    the --max-binary-size })), which hashes /proc/PID/exe on the host;
// 2. decide copies with preservationReasons(facts, policy, null) on the parsed facts;
// 3. for each, stream `cat /proc/PID/exe` (never a path the host printed) into openArtifact(dir,
//    copyName(pid, exe)) — hashing while writing — with the size cap checked before (exeSize); a copy
//    whose SHA-256 differs from the reader's hash is kept and marked `incomplete` with both hashes;
// 4. put { policy, maxBytes, preserved, skipped } (BinariesRecord) on the process-facts step's
//    CommandRecord.binaries: recordFinished() in index.ts then logs the custody events, and
//    recordedArtifacts() makes bundle/verify accept raw/binaries/ like any artifact.
import { createHash } from 'node:crypto';
import { mkdirSync, readlinkSync, statfsSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { BinariesRecord, PreservePolicy, PreservedBinary, ProcessFacts } from '../model.js';
import { DIR_MODE } from '../evidence/files.js';
import { exePath, preservationReasons } from './binaries-policy.js';
import { openArtifact, type ArtifactSink } from './sink.js';

export const DEFAULT_MAX_BINARY_BYTES = 64 * 1024 * 1024;
export const BINARIES_DIR = 'raw/binaries';
const CHUNK = 1024 * 1024;
/** Free space a copy must leave for the facts, acquisition.json and custody written after it. */
export const HEADROOM = 1024 * 1024;

export interface BinaryOptions {
  policy: PreservePolicy;
  /** Larger executables are neither hashed nor copied (a sparse 100 GB file must not stall collection). */
  maxBytes: number;
  signal: AbortSignal;
  /** Date.now() after which no further executable is read (the step's timeout). */
  deadline: number;
  procRoot?: string;
}

/** File name of a copy: PID and the executable's name reduced to safe characters (host text). */
export function copyName(pid: number, exe: string | null): string {
  const path = exePath(exe) ?? '';
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[.]+/, '').slice(0, 48);
  return `${BINARIES_DIR}/${pid}-${base || 'exe'}.bin`;
}

/** Fills exeSha256/exeSize/exeHashError of every fact and writes the copies the policy asks for. */
export async function readExecutables(dir: string, facts: ProcessFacts[], options: BinaryOptions): Promise<BinariesRecord> {
  const record: BinariesRecord = { policy: options.policy, maxBytes: options.maxBytes, preserved: [], skipped: [] };
  const procRoot = options.procRoot ?? '/proc';
  // Many processes often run one file (workers, sessions): read each file once.
  const seen = new Map<string, Seen>();
  for (const f of facts) {
    const reasons = preservationReasons(f, options.policy, procRoot);
    const stopped = options.signal.aborted ? 'the collection was interrupted before it was read' : Date.now() > options.deadline ? 'the step timed out before it was read' : null;
    const result = stopped ? { error: stopped, size: null } : await readOne(dir, f, reasons, options, procRoot, seen);
    f.exeSha256 = result.sha256 ?? null;
    f.exeSize = result.size;
    f.exeHashError = result.error ?? null;
    if (result.copy) record.preserved.push(result.copy);
    else if (reasons.length) record.skipped.push({ pid: f.pid, exe: f.exe, reasons, size: result.size, why: result.copyError ?? result.error ?? 'not copied' });
  }
  return record;
}

/** A file already read in this step, by device, inode, size and mtime (a running executable cannot be written). */
interface Seen {
  sha256: string;
  size: number;
  copy: PreservedBinary | null;
}

interface ReadResult {
  sha256?: string;
  size: number | null;
  error?: string;
  copy?: PreservedBinary;
  copyError?: string;
}

async function readOne(dir: string, f: ProcessFacts, reasons: string[], options: BinaryOptions, procRoot: string, seen: Map<string, Seen>): Promise<ReadResult> {
  const link = `${procRoot}/${f.pid}/exe`;
  let handle: FileHandle;
  try {
    handle = await open(link, 'r');
  } catch (err) {
    return { size: null, error: openError(err, link) };
  }
  let sink: ArtifactSink | null = null;
  try {
    // The PID may have exited and been reused between listing and opening: the link must still
    // name the executable the facts recorded.
    let now: string | null = null;
    try {
      now = readlinkSync(link);
    } catch {
      // read below fails the same way
    }
    if (now !== f.exe) return { size: null, error: `the process changed before its executable was read (exe link now ${JSON.stringify(now)})` };
    const st = await handle.stat();
    if (!st.isFile()) return { size: null, error: 'not a regular file' };
    const key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
    const known = seen.get(key);
    if (known && (reasons.length === 0 || known.copy)) {
      const copy = known.copy && reasons.length ? { ...known.copy, pid: f.pid, exe: f.exe, reasons, sharedWith: known.copy.pid } : undefined;
      return { sha256: known.sha256, size: known.size, copy };
    }
    let copyError: string | undefined;
    if (st.size > options.maxBytes) {
      return { size: st.size, error: `larger than the size cap (${st.size} bytes > --max-binary-size ${options.maxBytes}): not read` };
    }
    const room = reasons.length ? freeBytes(dir) : null;
    if (room !== null && room < st.size + HEADROOM) {
      copyError = `not enough free space for a copy on the evidence disk (${room} bytes free, ${st.size} needed plus ${HEADROOM} kept for the records)`;
    } else if (reasons.length) {
      const rel = copyName(f.pid, f.exe);
      try {
        mkdirSync(join(dir, BINARIES_DIR), { recursive: true, mode: DIR_MODE });
      } catch (err) {
        copyError = `the folder for copies could not be made: ${(err as Error).message}`;
      }
      if (!copyError) {
        sink = openArtifact(dir, rel);
        if (sink.failure()) copyError = `the copy could not be created: ${sink.failure()}`;
      }
    }
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(CHUNK);
    let total = 0;
    for (;;) {
      if (options.signal.aborted) return finishCopy(sink, f, reasons, { size: total, error: `interrupted after ${total} of ${st.size} bytes`, copyError: 'interrupted while copying' });
      const { bytesRead } = await handle.read(buf, 0, CHUNK, total);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      hash.update(chunk);
      if (sink && !sink.failure()) sink.write(chunk);
      total += bytesRead;
      if (total > options.maxBytes) return finishCopy(sink, f, reasons, { size: total, error: `grew past the size cap while read (${total} bytes): not hashed` });
    }
    const sha256 = hash.digest('hex');
    const changed = total !== st.size ? `; the file held ${st.size} bytes when opened, ${total} were read` : '';
    const result = finishCopy(sink, f, reasons, { sha256, size: total, error: changed ? changed.slice(2) : undefined, copyError });
    if (!changed) seen.set(key, { sha256, size: total, copy: result.copy && !result.copy.incomplete ? result.copy : null });
    return result;
  } catch (err) {
    return finishCopy(sink, f, reasons, { size: null, error: `read failed: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
  } finally {
    await handle.close();
  }
}

function finishCopy(sink: ArtifactSink | null, f: ProcessFacts, reasons: string[], result: ReadResult): ReadResult {
  if (!sink) return result;
  const file = sink.close();
  if (!file) return { ...result, copyError: result.copyError ?? `the copy could not be created: ${sink.failure()}` };
  // Kept even when short (a full disk, an interruption): what is on disk is recorded with its own hash.
  const copy: PreservedBinary = { ...file, pid: f.pid, exe: f.exe, reasons };
  if (result.sha256 && !file.writeError && file.sha256 !== result.sha256) copy.incomplete = 'the copy differs from the bytes hashed';
  else if (!result.sha256 || file.writeError) copy.incomplete = result.copyError ?? file.writeError?.error ?? result.error ?? 'incomplete';
  return { ...result, copy };
}

/** Bytes an unprivileged writer may still use on the evidence disk; null when it cannot be told. */
export function freeBytes(dir: string): number | null {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

function openError(err: unknown, link: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${code}) reading ${link}`;
  if (code === 'ENOENT' || code === 'ESRCH') return 'the process ended before its executable was read';
  return `${link}: ${code ?? (err as Error).message}`;
}
