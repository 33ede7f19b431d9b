// Which socket owners' executables are copied into the evidence (issue 18). An executable is about
// to vanish or is worth an independent look when it was deleted, lives where implants are dropped
// (temporary, hidden or world-writable directories) or its process takes the name of a system
// process. The analyzer's own knowledge decides (masquerade scoring, suspicious paths): one source.
import { lstatSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PreservePolicy, ProcessFacts } from '../model.js';
import { CORE_NAMES, masqueradeMatch, nameCandidate } from '../analyze/masquerade.js';
import { safeText } from '../analyze/names.js';
import { suspiciousUnixPath } from '../analyze/rules/susp-path.js';

export const ALL_REASON = '--preserve-binaries all';

/** The exe link without the kernel's " (deleted)" suffix. */
export function exePath(exe: string | null): string | null {
  if (exe === null) return null;
  return exe.endsWith(' (deleted)') ? exe.slice(0, -' (deleted)'.length) : exe;
}

/**
 * Why this process's executable should be preserved under `policy` (empty: not preserved).
 * procRoot null: the process is on another host (SSH, kit) — its directory cannot be stat'ed here,
 * so the world-writable check is left to the transport; every other reason comes from the facts.
 */
export function preservationReasons(f: ProcessFacts, policy: PreservePolicy, procRoot: string | null = '/proc'): string[] {
  if (policy === 'none' || f.exe === null) return [];
  const reasons = policy === 'all' ? [ALL_REASON] : [];
  const path = exePath(f.exe) as string;
  if (path.startsWith('/memfd:')) reasons.push('runs from a memory-only file (memfd), no copy exists on disk');
  else if (f.exeDeleted) reasons.push('deleted from the disk while running');
  const where = suspiciousUnixPath(path);
  if (where) reasons.push(where);
  else if (procRoot !== null && worldWritableDir(f.pid, path, procRoot)) reasons.push(`in a world-writable directory (${safeText(dirname(path))})`);
  const name = imitation(f, path);
  if (name) reasons.push(name);
  return reasons;
}

/**
 * The directory as the process sees it (its own root, for containers); metadata only, the link
 * itself is never followed into the file: the copy is always read through /proc/PID/exe.
 */
function worldWritableDir(pid: number, path: string, procRoot: string): boolean {
  if (!path.startsWith('/') || path.startsWith('/memfd:')) return false;
  try {
    const st = lstatSync(`${procRoot}/${pid}/root${dirname(path)}`);
    return st.isDirectory() && (st.mode & 0o002) !== 0;
  } catch {
    return false;
  }
}

const LINUX_CORE = new Set(CORE_NAMES.linux);

/** A look-alike of a core process name, or a core name (comm) running another program. */
function imitation(f: ProcessFacts, path: string): string | null {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const names = [f.comm, f.cmdline?.[0] ?? null, base].filter((n): n is string => typeof n === 'string' && n !== '');
  for (const raw of names) {
    const m = masqueradeMatch(nameCandidate(raw), 'linux');
    if (m) return `its name "${safeText(raw, 60)}" imitates ${m.core ? `the system process "${m.core}"` : 'a system process'} (${m.reason})`;
  }
  // comm is cut at 15 bytes: the executable's name only has to start with it.
  const comm = f.comm ?? '';
  if (LINUX_CORE.has(comm) && !base.startsWith(comm)) return `named "${comm}" like a system process but runs ${safeText(path, 120)}`;
  return null;
}
