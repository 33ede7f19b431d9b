// The executable behind a process lead (issue 18): path, SHA-256, size, deleted or not, and where
// the preserved copy is in the bundle — from the process-facts line and acquisition.json's record
// of the copies, never from a finding's text.
import type { Acquisition, SourceRef } from '../model.js';
import { safeText } from './names.js';
import type { AnalysisContext } from './types.js';

export interface LeadExecutable {
  /** The exe link as recorded (escaped for display; " (deleted)" removed, see `deleted`). */
  path: string | null;
  deleted: boolean;
  sha256: string | null;
  size: number | null;
  /** Why there is no hash (permission, over the size cap, no hash tool), as recorded. */
  hashError: string | null;
  /** The copy in the evidence folder / bundle, with why it was taken; null when none. */
  copy: { path: string; sha256: string; bytes: number; reasons: string[]; incomplete: string | null } | null;
  /** Why a copy that was due was not taken (over the cap, unreadable). */
  copySkipped: string | null;
  /** The process-facts line these come from. */
  source: SourceRef | null;
  /** What the examiner can do next with the hash (interpretation, not fact). */
  next: string;
}

export function leadExecutable(pid: number | null, ctx: AnalysisContext): LeadExecutable | null {
  if (pid === null) return null;
  const facts = ctx.processes.get(pid)?.facts;
  if (!facts) return null;
  const raw = facts.exe;
  const deleted = facts.exeDeleted === true;
  const path = raw === null ? null : safeText(raw.endsWith(' (deleted)') ? raw.slice(0, -10) : raw, 300);
  const { copy, skipped } = copyOf(ctx.acquisition, pid);
  const sha = typeof facts.exeSha256 === 'string' ? facts.exeSha256 : null;
  return {
    path,
    deleted,
    sha256: sha,
    size: typeof facts.exeSize === 'number' ? facts.exeSize : null,
    hashError: sha ? null : facts.exeHashError ? safeText(facts.exeHashError, 300) : 'not recorded by this capture',
    copy,
    copySkipped: skipped,
    source: facts.source ?? null,
    next: nextSteps(sha, path, deleted, copy !== null),
  };
}

function copyOf(acq: Acquisition, pid: number): { copy: LeadExecutable['copy']; skipped: string | null } {
  for (const c of acq.commands ?? []) {
    const b = c.binaries;
    if (!b) continue;
    const got = b.preserved?.find((p) => p.pid === pid);
    if (got) return { copy: { path: got.path, sha256: got.sha256, bytes: got.bytes, reasons: got.reasons.map((r) => safeText(r, 200)), incomplete: got.incomplete ?? null }, skipped: null };
    const skip = b.skipped?.find((s) => s.pid === pid);
    if (skip) return { copy: null, skipped: safeText(skip.why, 300) };
  }
  return { copy: null, skipped: null };
}

function nextSteps(sha: string | null, path: string | null, deleted: boolean, copied: boolean): string {
  if (!sha) return 'No hash was taken: identify the program from its path and, if the host is still running, hash it there.';
  const vendor = path && !deleted ? ` and compare it with the hashes the vendor or the distribution's package database publish for ${path} (on Debian, dpkg -S then the package's md5sums or a downloaded .deb; on RPM systems, rpm -Vf)` : '';
  const copy = copied ? '; the preserved copy in the bundle has this same SHA-256 and can be examined in an isolated environment' : '';
  return `Look this SHA-256 up in your organisation's threat-intelligence tools${vendor}${copy}. A match in a known-bad set identifies the file byte for byte; a known-good match does not clear what the process did on the network.`;
}
