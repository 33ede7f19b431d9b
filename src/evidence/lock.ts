// One command at a time per evidence folder. `bundle`, `report`, `analyze` and `import --into` take
// <folder>/.netcustody.lock, created with O_EXCL and holding the PID, host and start times of the
// holder. Another command waits a few seconds, then fails naming the holder. A lock whose process is
// gone (same host; no such PID, a zombie, or the PID now belongs to a process started later) is
// taken over, and the takeover is logged in the custody log.
import { closeSync, constants, fsyncSync, linkSync, lstatSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { appendCustody } from './custody.js';
import { EvidenceError } from './errors.js';
import { openNoFollow } from './files.js';
import { PATHS } from './folder.js';

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  /** When the lock was taken (UTC). */
  since: string;
  /** Linux: the holder's start time in clock ticks after boot (/proc/PID/stat field 22), to tell a reused PID. */
  processStart: string | null;
}

export interface FolderLock {
  holder: LockHolder;
  release(): void;
}

export interface LockOptions {
  /** How long to wait for another holder (default 5 s, or $NETCUSTODY_LOCK_WAIT_MS). */
  waitMs?: number;
  /** Who is named in the custody log when a stale lock is taken over. */
  actor: string;
}

const POLL_MS = 100;
/** A lock file whose content cannot be read is taken for stale once it is this old (its writer died between open and write). */
const UNREADABLE_STALE_MS = 10_000;

export async function acquireFolderLock(dir: string, command: string, options: LockOptions): Promise<FolderLock> {
  const path = join(dir, PATHS.lock);
  const mine: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString(), processStart: processStart(process.pid) };
  const waitMs = options.waitMs ?? (Number(process.env.NETCUSTODY_LOCK_WAIT_MS) || 5000);
  const deadline = Date.now() + waitMs;
  // A stale lock removed by this run, logged once the lock is ours (the custody log is only written under it).
  let removedStale: Seen | null = null;
  for (;;) {
    if (tryCreate(path, mine)) {
      try {
        if (removedStale) logTakeover(dir, removedStale, options.actor, command);
      } catch (err) {
        release(path, mine);
        throw err;
      }
      return { holder: mine, release: () => release(path, mine) };
    }
    const seen = readLock(path);
    if (seen === 'gone') continue;
    if (isStale(seen, path)) {
      if (takeOver(path, seen)) removedStale = seen;
      continue;
    }
    if (Date.now() >= deadline) throw lockedError(dir, seen, waitMs);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Run `work` holding the folder's lock; released afterwards whatever happens. */
export async function withFolderLock<T>(dir: string, command: string, options: LockOptions, work: () => Promise<T>): Promise<T> {
  const lock = await acquireFolderLock(dir, command, options);
  try {
    return await work();
  } finally {
    lock.release();
  }
}

/** The lock's content in one write to a new file: a reader sees it empty at most between open and write. */
function tryCreate(path: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openNoFollow(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

type Seen = { holder: LockHolder | null; bytes: Buffer; mtimeMs: number };

function readLock(path: string): Seen | 'gone' {
  try {
    const stat = lstatSync(path);
    const bytes = stat.isFile() ? readFileSync(path) : Buffer.alloc(0);
    return { holder: parseHolder(bytes), bytes, mtimeMs: stat.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
}

function parseHolder(bytes: Buffer): LockHolder | null {
  try {
    const v = JSON.parse(bytes.toString('utf8')) as LockHolder;
    return Number.isSafeInteger(v.pid) && v.pid > 0 && typeof v.host === 'string' ? v : null;
  } catch {
    return null;
  }
}

function isStale(seen: Seen, path: string): boolean {
  const h = seen.holder;
  if (!h) return lstatSync(path, { throwIfNoEntry: false })?.isFile() === true && Date.now() - seen.mtimeMs > UNREADABLE_STALE_MS;
  // Another host's process cannot be checked from here (a shared folder): never taken over.
  if (h.host !== hostname()) return false;
  return !processAlive(h.pid, h.processStart);
}

/** Alive unless: no such process, a zombie, or the PID was reused by a process started at another time. */
export function processAlive(pid: number, start: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const stat = procStat(pid);
  if (!stat) return true;
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return start === null || stat.start === start;
}

function processStart(pid: number): string | null {
  return procStat(pid)?.start ?? null;
}

/** State and start time from /proc/PID/stat (Linux); the name field may hold spaces and parentheses. */
function procStat(pid: number): { state: string; start: string } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], start: fields[19] };
  } catch {
    return null;
  }
}

/**
 * Move the stale lock aside atomically (only one taker can move it), then check that what was moved
 * is the stale lock that was judged: if a live holder's lock was moved instead (it took over between
 * our read and our rename), it is linked back; link() never replaces a lock created meanwhile.
 */
function takeOver(path: string, seen: Seen): boolean {
  const aside = `${path}.tmp-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const moved = readFileSync(aside);
  try {
    if (moved.equals(seen.bytes)) return true;
    linkSync(aside, path);
    return false;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(aside);
  }
}

function logTakeover(dir: string, seen: Seen, actor: string, command: string): void {
  const h = seen.holder;
  appendCustody(dir, {
    actor,
    action: 'stale lock taken over',
    object: PATHS.lock,
    details: {
      command,
      holder: h ? { pid: h.pid, host: h.host, command: h.command, since: h.since } : null,
      reason: h ? `process ${h.pid} is no longer running` : 'the lock file was unreadable and older than 10 s',
    },
  });
}

/** Remove our lock only if it is still ours. */
function release(path: string, mine: LockHolder): void {
  try {
    const h = parseHolder(readFileSync(path));
    if (h && h.pid === mine.pid && h.since === mine.since) unlinkSync(path);
  } catch {
    // already gone
  }
}

function lockedError(dir: string, seen: Seen, waitMs: number): EvidenceError {
  const h = seen.holder;
  const who = h ? `PID ${h.pid} on ${h.host} (${h.command}, since ${h.since})` : `an unreadable lock file ${PATHS.lock}`;
  return new EvidenceError(
    `${dir} is in use by another netcustody run: ${who}; waited ${Math.round(waitMs / 1000)} s`,
    h && h.host !== hostname()
      ? `the holder runs on another host; when it is certainly finished, remove ${join(dir, PATHS.lock)}`
      : 'run the command again when the other one has finished',
  );
}
