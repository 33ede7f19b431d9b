// Issue 18 in the report: the executable behind each process lead, the copies of executables in the
// evidence inventory, and the hash sets the analysis used (named by file, SHA-256 and entry count).
import type { CommandRecord, CustodyEvent, PreservedBinary } from '../model.js';
import type { LeadExecutable } from '../analyze/lead-exe.js';
import { visible, visibleHost } from './visible.js';

export interface LeadExecutableView {
  path: string;
  deleted: boolean;
  sha256: string | null;
  size: number | null;
  hashError: string | null;
  copy: { path: string; sha256: string; bytes: number; reasons: string; incomplete: string | null } | null;
  copySkipped: string | null;
  source: string | null;
  next: string;
}

/** leads.json's `executable` (made by analyze, already marked) for the template; null when absent. */
export function leadExecutableView(e: LeadExecutable | null | undefined): LeadExecutableView | null {
  if (!e || typeof e !== 'object') return null;
  const str = (v: unknown): string | null => (typeof v === 'string' ? visible(v) : null);
  const hex = (v: unknown): string | null => (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? v : null);
  const c = e.copy;
  return {
    path: str(e.path) ?? 'not shown',
    deleted: e.deleted === true,
    sha256: hex(e.sha256),
    size: typeof e.size === 'number' ? e.size : null,
    hashError: str(e.hashError),
    copy: c && typeof c.path === 'string' ? { path: visible(c.path), sha256: hex(c.sha256) ?? '', bytes: Number(c.bytes), reasons: (c.reasons ?? []).map((r) => visible(String(r))).join('; '), incomplete: str(c.incomplete) } : null,
    copySkipped: str(e.copySkipped),
    source: e.source ? visible(`${e.source.artifact} line ${e.source.line}`) : null,
    next: str(e.next) ?? '',
  };
}

export interface BinaryInventoryView {
  pid: number;
  exe: string;
  reasons: string;
  path: string;
  bytes: number;
  sha256: string;
  incomplete: string | null;
  /** The same file as this PID's copy (written once). */
  sharedWith: number | null;
  /** Over SSH: how the copy compares with the target's own hashes. */
  check: string | null;
}

export interface SkippedBinaryView {
  pid: number;
  exe: string;
  reasons: string;
  why: string;
}

/** Every preserved executable and every one that was due but not copied, across the steps. */
export function binariesInventory(commands: CommandRecord[]): { copies: BinaryInventoryView[]; skipped: SkippedBinaryView[]; totalBytes: number; policy: string | null; overSsh: boolean } {
  const copies: BinaryInventoryView[] = [];
  const skipped: SkippedBinaryView[] = [];
  let policy: string | null = null;
  let overSsh = false;
  for (const c of commands) {
    const b = c.binaries;
    if (!b) continue;
    // The process-facts step ran on an SSH target: its copies came in sessions of their own.
    if (c.remote) overSsh = true;
    policy = visible(`--preserve-binaries ${b.policy}, --max-binary-size ${b.maxBytes % 1048576 === 0 ? `${b.maxBytes / 1048576} MiB` : `${b.maxBytes} bytes`}`);
    for (const p of b.preserved ?? []) {
      copies.push({ pid: p.pid, exe: visibleHost(p.exe ?? 'not shown'), reasons: visibleHost(p.reasons.join('; ')), path: visibleHost(p.path), bytes: p.bytes, sha256: p.sha256, incomplete: p.incomplete ? visibleHost(p.incomplete) : null, sharedWith: typeof p.sharedWith === 'number' ? p.sharedWith : null, check: remoteCheck(p) });
    }
    for (const s of b.skipped ?? []) skipped.push({ pid: s.pid, exe: visibleHost(s.exe ?? 'not shown'), reasons: visibleHost(s.reasons.join('; ')), why: visibleHost(s.why) });
  }
  return { copies, skipped, totalBytes: copies.reduce((n, c) => n + (c.sharedWith === null ? c.bytes : 0), 0), policy, overSsh };
}

/** The copy against the reader's hash and the target's hash of what it sent (SSH only). */
function remoteCheck(p: PreservedBinary): string | null {
  const r = p.remote;
  if (!r || typeof r !== 'object') return null;
  const same = (v: unknown, what: string): string => (typeof v !== 'string' ? `${what}: not taken` : v === p.sha256 ? `${what}: equal` : `${what}: DIFFERENT (${v})`);
  const took = typeof r.durationMs === 'number' ? `; copied in ${(r.durationMs / 1000).toFixed(2)} s` : '';
  return visible(`${same(r.readerSha256, "the process-facts reader's SHA-256 on the target")}; ${same(r.targetSha256, "the target's SHA-256 of the bytes it sent")}${took}`);
}

export interface HashSetView {
  file: string;
  kind: string;
  sha256: string;
  entries: number;
}

/** The hash sets of the last analysis, as its custody event ("findings written") records them. */
export function hashSetsUsed(custody: CustodyEvent[]): HashSetView[] {
  const last = [...custody].reverse().find((e) => e.action === 'findings written');
  const sets = last?.details?.hashSets;
  if (!Array.isArray(sets)) return [];
  return sets
    .filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null)
    .map((s) => ({ file: visibleHost(String(s.file ?? '')), kind: visible(String(s.kind ?? '')), sha256: /^[0-9a-f]{64}$/.test(String(s.sha256)) ? String(s.sha256) : '', entries: Number(s.entries) || 0 }));
}
