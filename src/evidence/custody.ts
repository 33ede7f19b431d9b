import { closeSync, constants, existsSync, fsync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { CustodyEvent } from '../model.js';
import { appendFileNoFollow, openNoFollow, readFileNoFollow, sha256Hex } from './files.js';

export const CUSTODY_FILE = 'custody.jsonl';
export const GENESIS_PREV = '0'.repeat(64);

export interface CustodyInput {
  actor: string;
  action: string;
  object?: string | null;
  sha256?: string | null;
  details?: Record<string, unknown>;
  time?: string;
}

/**
 * Append one event to <dir>/custody.jsonl. `prev` is the SHA-256 of the previous line's bytes
 * without its newline (64 zeros for the first), so changing, removing or reordering any line breaks
 * the chain. Each line is flushed to disk before the function returns.
 */
export function appendCustody(dir: string, input: CustodyInput): CustodyEvent {
  return appendCustodyEvents(dir, [input])[0];
}

/**
 * Several events appended at once (analyze logs one per file it wrote): the same lines and chain as
 * appendCustody called for each, written and flushed in one go.
 */
export function appendCustodyEvents(dir: string, inputs: CustodyInput[], flush: 'now' | 'later' = 'now'): CustodyEvent[] {
  if (inputs.length === 0) return [];
  const path = join(dir, CUSTODY_FILE);
  let { lastLine, count } = present(path) ? lastLineOf(readFileNoFollow(path)) : { lastLine: null as Buffer | null, count: 0 };
  const events: CustodyEvent[] = [];
  const lines: string[] = [];
  for (const input of inputs) {
    const event: CustodyEvent = {
      seq: ++count,
      time: input.time ?? new Date().toISOString(),
      actor: input.actor,
      action: input.action,
      object: input.object ?? null,
      sha256: input.sha256 ?? null,
      ...(input.details ? { details: input.details } : {}),
      prev: lastLine === null ? GENESIS_PREV : sha256Hex(lastLine),
    };
    const line = JSON.stringify(event);
    lastLine = Buffer.from(line, 'utf8');
    events.push(event);
    lines.push(`${line}\n`);
  }
  appendFileNoFollow(path, lines.join(''), flush === 'now');
  if (flush === 'later') void flushCustodyLater(dir);
  return events;
}

// Fleets (SSH): a "command started" line is written at once, in order, but its fsync runs on
// libuv's thread pool instead of holding the one thread that reads every host's stream (20 hosts:
// ~5 s of blocked main thread under disk load). `custodyDurable(dir)` resolves once every line
// written so far is on disk; the collector awaits it before a step's result is recorded, so a line
// is still durable before the result it precedes. A crash in between can lose only lines not yet
// flushed — the end of the file, never one from the middle: the chain of what remains still holds.
interface Flusher {
  running: Promise<void> | null;
  /** One more fsync after the running one: it covers every line written while that one ran. */
  next: Promise<void> | null;
  error: Error | null;
}
const flushers = new Map<string, Flusher>();

function flushCustodyLater(dir: string): Promise<void> {
  const path = join(dir, CUSTODY_FILE);
  let f = flushers.get(path);
  if (!f) flushers.set(path, (f = { running: null, next: null, error: null }));
  const fl = f;
  const start = (): Promise<void> => {
    const p = new Promise<void>((resolve) => resolve(fsyncPath(path))).catch((err: Error) => {
      fl.error ??= err;
    });
    fl.running = p.finally(() => {
      if (fl.running === run) fl.running = null;
    });
    const run = fl.running;
    return run;
  };
  if (!fl.running) return start();
  fl.next ??= fl.running.then(() => {
    fl.next = null;
    return start();
  });
  return fl.next;
}

/** Every custody line written so far in `dir` is on disk; throws the error of a failed fsync. */
export async function custodyDurable(dir: string): Promise<void> {
  const f = flushers.get(join(dir, CUSTODY_FILE));
  if (!f) return;
  while (f.running || f.next) await (f.next ?? f.running);
  if (!f.error) flushers.delete(join(dir, CUSTODY_FILE));
  else {
    const err = f.error;
    f.error = null;
    // The code is kept: a full disk (ENOSPC, EDQUOT) is then handled as one by the collector.
    throw Object.assign(new Error(`custody.jsonl could not be flushed to disk: ${err.message}`), { code: (err as NodeJS.ErrnoException).code });
  }
}

function fsyncPath(path: string): Promise<void> {
  // Opened here (a quick call); the fsync itself, which waits for the disk, runs on the thread pool.
  const fd = openNoFollow(path, constants.O_WRONLY | constants.O_APPEND);
  return new Promise((resolve, reject) => fsync(fd, (err) => {
    closeSync(fd);
    if (err) reject(err);
    else resolve();
  }));
}

function lastLineOf(bytes: Buffer): { lastLine: Buffer | null; count: number } {
  const lines = splitRawLines(bytes);
  return { lastLine: lines.length ? lines[lines.length - 1] : null, count: lines.length };
}

/** Lines as raw bytes (hashing must see exactly the bytes on disk, not re-encoded text). */
export function splitRawLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      lines.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

export interface ChainCheck {
  ok: boolean;
  events: number;
  /** 1-based line number of the first line that breaks the chain. */
  firstBrokenLine: number | null;
  reason: string | null;
}

/** Check the hash chain of custody.jsonl bytes; names the first broken line. */
export function verifyCustodyChain(bytes: Buffer): ChainCheck {
  const lines = splitRawLines(bytes);
  let prevHash = GENESIS_PREV;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let event: Partial<CustodyEvent>;
    try {
      event = JSON.parse(lines[i].toString('utf8'));
    } catch {
      return broken(lines.length, lineNo, 'not valid JSON');
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event)) return broken(lines.length, lineNo, 'not a custody event object');
    if (event.prev !== prevHash) {
      return broken(lines.length, lineNo, `prev does not match the SHA-256 of line ${lineNo - 1 || 'none (genesis)'}`);
    }
    if (event.seq !== lineNo) return broken(lines.length, lineNo, `seq is ${event.seq}, expected ${lineNo}`);
    prevHash = sha256Hex(lines[i]);
  }
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) {
    return broken(lines.length, lines.length, 'last line is not terminated (truncated log)');
  }
  return { ok: true, events: lines.length, firstBrokenLine: null, reason: null };
}

function broken(events: number, line: number, reason: string): ChainCheck {
  return { ok: false, events, firstBrokenLine: line, reason };
}

export function verifyCustodyFile(dir: string): ChainCheck {
  const path = join(dir, CUSTODY_FILE);
  if (!present(path)) return { ok: false, events: 0, firstBrokenLine: null, reason: 'custody.jsonl is missing' };
  return verifyCustodyChain(readFileNoFollow(path));
}

export function readCustody(dir: string): CustodyEvent[] {
  const path = join(dir, CUSTODY_FILE);
  if (!present(path)) return [];
  return parseCustodyEvents(readFileNoFollow(path));
}

/** The events of custody.jsonl bytes; lines that are not JSON are left out (the chain check names them). */
export function parseCustodyEvents(bytes: Buffer): CustodyEvent[] {
  return splitRawLines(bytes)
    .map((l) => {
      try {
        return JSON.parse(l.toString('utf8')) as CustodyEvent;
      } catch {
        return null;
      }
    })
    .filter((e): e is CustodyEvent => e !== null);
}

/** The name exists (a dangling link too: reading it is then refused, not taken for "missing"). */
function present(path: string): boolean {
  return existsSync(path) || isLink(path);
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
