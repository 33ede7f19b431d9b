import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import type { ProcessFacts } from '../model.js';

// Facts that vanish with a process, gathered for every PID that owns a socket (Linux /proc).
// Read straight from /proc rather than via ps: no extra process, no name resolution.

const SOCKET_LINK = /^socket:\[(\d+)\]$/;

/** First line of the artifact: names the format, so an empty list is still recognised. */
export const PROCESS_FACTS_HEADER = { format: 'netcustody-process-facts', version: 3 };

/**
 * The artifact: a header line, then one JSON object per process, so that "raw/NN-process-facts.jsonl
 * line 7" cites exactly one process and its quoted line shows every fact about it.
 */
export function formatProcessFacts(facts: ProcessFacts[]): string {
  return [PROCESS_FACTS_HEADER, ...facts].map((f) => `${JSON.stringify(f)}\n`).join('');
}

export function collectProcessFacts(procRoot = '/proc'): ProcessFacts[] {
  const visible = namespaceInodes(procRoot);
  const users = readPasswd();
  const bootTime = readBootTime(procRoot);
  const ticks = 100; // USER_HZ is 100 on every Linux architecture that exposes it to userland
  const facts: ProcessFacts[] = [];
  for (const entry of safeReaddir(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const inodes = socketInodes(`${procRoot}/${entry}/fd`).filter((i) => visible.has(i));
    if (inodes.length === 0) continue;
    facts.push(factsFor(procRoot, pid, inodes, users, bootTime, ticks));
  }
  return facts.sort((a, b) => a.pid - b.pid);
}

function factsFor(root: string, pid: number, socketInodes: number[], users: Map<number, string>, bootTime: number | null, ticks: number): ProcessFacts {
  const dir = `${root}/${pid}`;
  const errors: string[] = [];
  const attempt = <T>(what: string, fn: () => T): T | null => {
    try {
      return fn();
    } catch (err) {
      errors.push(`${what}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return null;
    }
  };
  const exe = attempt('exe', () => readlinkSync(`${dir}/exe`));
  const cmdlineRaw = attempt('cmdline', () => readFileSync(`${dir}/cmdline`));
  const cmdline = cmdlineRaw ? splitNul(cmdlineRaw) : null;
  const comm = attempt('comm', () => readFileSync(`${dir}/comm`, 'utf8').replace(/\n$/, ''));
  const stat = attempt('stat', () => parseStat(readFileSync(`${dir}/stat`, 'utf8')));
  const uid = attempt('status', () => parseUid(readFileSync(`${dir}/status`, 'utf8')));
  const startTime = stat && bootTime !== null ? new Date((bootTime + stat.startTicks / ticks) * 1000).toISOString() : null;
  return {
    pid,
    comm,
    exe,
    exeDeleted: exe !== null && (exe.endsWith(' (deleted)') || exe.startsWith('/memfd:')),
    cmdline,
    ppid: stat?.ppid ?? null,
    uid,
    user: uid === null ? null : (users.get(uid) ?? null),
    startTime,
    socketInodes,
    // Filled by the executables read (binaries.ts) right after all facts are taken.
    exeSha256: null,
    exeSize: null,
    exeHashError: 'not read',
    errors,
  };
}

// Only sockets of the network namespace being collected: /proc shows every process of the PID
// namespace, but processes whose sockets live in other network namespaces (containers) are not
// part of what netstat/ss printed.
const NET_TABLES = ['tcp', 'tcp6', 'udp', 'udp6', 'udplite', 'udplite6', 'raw', 'raw6', 'unix', 'packet'];

function namespaceInodes(procRoot: string): Set<number> {
  const inodes = new Set<number>();
  for (const table of NET_TABLES) {
    let text: string;
    try {
      text = readFileSync(`${procRoot}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    const lines = text.split('\n');
    const header = lines[0].trim().split(/\s+/);
    // tcp/udp/raw: column "inode"; unix: "Inode"; packet: "Inode".
    const col = header.findIndex((h) => h.toLowerCase() === 'inode');
    if (col < 0) continue;
    // tcp/udp/raw rows print "tx_queue:rx_queue" and "tr:tm->when" as one field each: two fewer than the header.
    const shift = table.startsWith('tcp') || table.startsWith('udp') || table.startsWith('raw') ? -2 : 0;
    for (let i = 1; i < lines.length; i++) {
      const f = lines[i].trim().split(/\s+/);
      const v = Number(f[col + shift]);
      if (Number.isInteger(v) && v > 0) inodes.add(v);
    }
  }
  return inodes;
}

function socketInodes(fdDir: string): number[] {
  const inodes: number[] = [];
  for (const fd of safeReaddir(fdDir)) {
    let target: string;
    try {
      target = readlinkSync(`${fdDir}/${fd}`);
    } catch {
      continue;
    }
    const m = SOCKET_LINK.exec(target);
    if (m) inodes.push(Number(m[1]));
  }
  return [...new Set(inodes)].sort((a, b) => a - b);
}

function splitNul(buf: Buffer): string[] {
  const parts = buf.toString('utf8').split('\0');
  if (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** /proc/PID/stat: the comm field may contain spaces and parentheses; fields resume after the last ')'. */
function parseStat(text: string): { ppid: number; startTicks: number } {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] = state (field 3), so field N is rest[N - 3].
  return { ppid: Number(rest[4 - 3]), startTicks: Number(rest[22 - 3]) };
}

function parseUid(status: string): number | null {
  const m = /^Uid:\s+(\d+)/m.exec(status);
  return m ? Number(m[1]) : null;
}

function readBootTime(root: string): number | null {
  try {
    const m = /^btime\s+(\d+)/m.exec(readFileSync(`${root}/stat`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function readPasswd(): Map<number, string> {
  const users = new Map<number, string>();
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length >= 3 && /^\d+$/.test(f[2])) users.set(Number(f[2]), f[0]);
    }
  } catch {
    // No passwd file (containers): users stay numeric.
  }
  return users;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
