// Memory figures of the benchmarks, read from /proc (Linux, where `npm run bench` runs).
import { readdirSync, readFileSync } from 'node:fs';

/** A `VmHWM:`/`VmRSS:` line of /proc/<pid>/status in bytes (this process by default). */
export function statusBytes(field: 'VmHWM' | 'VmRSS', path = '/proc/self/status'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(path, 'utf8'));
  if (m) return Number(m[1]) * 1024;
  return path === '/proc/self/status' ? process.memoryUsage().rss : 0;
}

/** Children of every process, from the ppid field of /proc/PID/stat (processes that end meanwhile are skipped). */
export function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid)!.push(Number(entry));
    } catch {
      // process ended while we looked
    }
  }
  return children;
}

/**
 * Memory of a process and all its descendants (Node + Chromium's processes), from /proc: the sum of
 * their PSS (shared pages split between the processes that share them; a plain RSS sum counts
 * Chromium's shared libraries and memory once per process), RSS where PSS cannot be read.
 */
export function treeMemory(root: number): number {
  const children = childrenByParent();
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    total += processMemory(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

function processMemory(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // no smaps_rollup (old kernel) or the process ended
  }
  try {
    return statusBytes('VmRSS', `/proc/${pid}/status`);
  } catch {
    return 0;
  }
}

