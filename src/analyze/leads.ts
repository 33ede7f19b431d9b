// One actor, one lead: findings grouped by what they are about — a process (host + PID), a route
// (findings that share a route join), or, where no process is known, the remote peer or the
// listening port. A lead's severity is set once from its findings (the highest), with how; several
// rules hitting one process never raise each other.
import type { Finding, Severity, SourceRef } from '../model.js';
import { leadStatements } from './lead-text.js';
import { leadExecutable, type LeadExecutable } from './lead-exe.js';
import { severityRank } from './severity.js';
import { socketsWithIds } from './sockets.js';
import type { AnalysisContext, Rule, RuleHit, SocketInfo } from './types.js';

export type LeadKind = 'process' | 'route' | 'peer' | 'listener' | 'host';

export interface Lead {
  /** L-001 … in report order (most severe first). */
  id: string;
  kind: LeadKind;
  /** The actor in a few words: 'process "srss.exe" (PID 1256) on WS-ACCT-07'. */
  subject: string;
  severity: Severity;
  /** How the severity was set: "highest of its findings: critical (NET-BACKDOOR-PORT)". */
  severityReason: string;
  /** Ids of its findings in findings.json. */
  findings: string[];
  rules: string[];
  /** One plain-language sentence built from the evidence's fields. */
  summary: string;
  /** Short plain sentences for a reader without technical background: who, what, where, since when, how sure. */
  statements: string[];
  /** Every evidence line its findings cite. */
  refs: SourceRef[];
  pid: number | null;
  process: string | null;
  /** Every finding of the lead was suppressed by the examiner's allow-list. */
  suppressed: boolean;
  /** Process leads: the program file behind the process (issue 18); null when none is known. */
  executable?: LeadExecutable | null;
}

/** What the sentences are built from: the records behind the lead (never the findings' text). */
export interface LeadActors {
  kind: LeadKind;
  pid: number | null;
  sockets: SocketInfo[];
  routeIndexes: number[];
}

class UnionFind {
  private parent = new Map<string, string>();
  find(k: string): string {
    let p = this.parent.get(k) ?? k;
    if (p !== k) {
      p = this.find(p);
      this.parent.set(k, p);
    }
    return p;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb < ra ? ra : rb, rb < ra ? rb : ra);
  }
}

function keysOf(f: Finding, hit: RuleHit | undefined, sockets: Map<string, SocketInfo>): string[] {
  if (typeof f.pid === 'number') return [`pid:${f.pid}`];
  if (hit?.routeIndexes?.length) return hit.routeIndexes.map((i) => `route:${i}`);
  const owned = (hit?.socketIds ?? []).map((id) => sockets.get(id)).filter((s): s is SocketInfo => s !== undefined);
  if (owned.length) {
    return owned.map((s) => {
      if (s.pid !== null) return `pid:${s.pid}`;
      if (s.processName) return `name:${s.processName}`;
      if (s.remote.cls !== 'unspecified' && s.remotePort !== null) return `peer:${s.remote.text}`;
      return `listen:${s.protocol}:${s.localPort ?? '*'}`;
    });
  }
  return [`finding:${f.id}`];
}

function kindOf(key: string, pid: number | null): LeadKind {
  if (pid !== null || key.startsWith('name:')) return 'process';
  if (key.startsWith('route:')) return 'route';
  if (key.startsWith('peer:')) return 'peer';
  if (key.startsWith('listen:')) return 'listener';
  return 'host';
}

function severityOf(findings: Finding[]): { severity: Severity; reason: string; suppressed: boolean } {
  const active = findings.filter((f) => !f.suppressed);
  const pool = active.length ? active : findings;
  const top = pool.reduce((a, f) => (severityRank(f.severity) > severityRank(a.severity) ? f : a));
  const rules = [...new Set(pool.filter((f) => f.severity === top.severity).map((f) => f.rule))].sort();
  const base = pool.length === 1 ? `from its one ${active.length && active.length < findings.length ? 'active ' : ''}finding: ${top.severity} (${rules.join(', ')})` : `highest of its findings: ${top.severity} (${rules.join(', ')})`;
  const notes: string[] = [];
  const expected = pool.filter((f) => f.expected).length;
  if (expected) notes.push(`${expected} finding${expected > 1 ? 's' : ''} lowered to info as an expected listener of this OS (knowledge base)`);
  const good = pool.filter((f) => f.knownGood).length;
  if (good) notes.push(`${good} finding${good > 1 ? 's' : ''} lowered to info: the executable's SHA-256 is in a known-good hash set`);
  const lowered = pool.filter((f) => !f.expected && !f.knownGood && f.originalSeverity && f.originalSeverity !== f.severity).length;
  if (lowered) notes.push(`${lowered} finding${lowered > 1 ? 's' : ''} lowered by the examiner's allow-list`);
  if (!active.length) notes.push('every finding suppressed by the allow-list');
  else if (active.length < findings.length) notes.push(`${findings.length - active.length} finding${findings.length - active.length > 1 ? 's' : ''} suppressed by the allow-list`);
  return { severity: top.severity, reason: [base, ...notes].join('; '), suppressed: active.length === 0 };
}

function sortedRefs(findings: Finding[]): SourceRef[] {
  const seen = new Map<string, SourceRef>();
  for (const f of findings) for (const r of f.refs) seen.set(`${r.artifact}\u0000${r.line}`, { artifact: r.artifact, line: r.line });
  return [...seen.values()].sort((a, b) => (a.artifact < b.artifact ? -1 : a.artifact > b.artifact ? 1 : a.line - b.line));
}

/** Finding ids (F-0001 …) are ASCII: code-unit order is localeCompare's order, without ICU per comparison. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Group findings into leads. Deterministic: the same findings give the same leads and ids. */
export function buildLeads(findings: Finding[], hits: Map<string, RuleHit>, ctx: AnalysisContext, rules: Rule[]): Lead[] {
  // Only the sockets findings cite (a few thousand of 100k): no map of every socket.
  const cited = new Set<string>();
  for (const h of hits.values()) for (const id of h.socketIds ?? []) cited.add(id);
  const sockets = socketsWithIds(ctx.sockets, cited);
  const uf = new UnionFind();
  const firstKey = new Map<string, string>();
  for (const f of findings) {
    const keys = keysOf(f, hits.get(f.id), sockets);
    firstKey.set(f.id, keys[0] as string);
    for (const k of keys.slice(1)) uf.union(keys[0] as string, k);
  }
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const root = uf.find(firstKey.get(f.id) as string);
    const list = groups.get(root) ?? [];
    list.push(f);
    groups.set(root, list);
  }
  const metaById = new Map(rules.map((r) => [r.meta.id, r.meta]));
  const drafts: Omit<Lead, 'id'>[] = [];
  for (const [key, list] of groups) {
    const pid = list.find((f) => typeof f.pid === 'number')?.pid ?? (key.startsWith('pid:') ? Number(key.slice(4)) : null);
    const actors: LeadActors = { kind: kindOf(key, pid ?? null), pid: pid ?? null, sockets: [], routeIndexes: [] };
    const seenSockets = new Set<string>();
    for (const f of list) {
      const hit = hits.get(f.id);
      for (const id of hit?.socketIds ?? []) {
        const s = sockets.get(id);
        if (s && !seenSockets.has(id)) {
          seenSockets.add(id);
          actors.sockets.push(s);
        }
      }
      for (const i of hit?.routeIndexes ?? []) if (!actors.routeIndexes.includes(i)) actors.routeIndexes.push(i);
    }
    const sev = severityOf(list);
    const text = leadStatements(actors, list, ctx, metaById);
    drafts.push({
      kind: actors.kind,
      subject: text.subject,
      severity: sev.severity,
      severityReason: sev.reason,
      findings: list.map((f) => f.id),
      rules: [...new Set(list.map((f) => f.rule))].sort(),
      summary: text.summary,
      statements: text.statements,
      refs: sortedRefs(list),
      pid: actors.pid,
      process: list.find((f) => f.process)?.process ?? null,
      suppressed: sev.suppressed,
      executable: actors.kind === 'process' ? leadExecutable(actors.pid, ctx) : null,
    });
  }
  drafts.sort((a, b) => Number(a.suppressed) - Number(b.suppressed) || severityRank(b.severity) - severityRank(a.severity) || byCodeUnits(a.findings[0] as string, b.findings[0] as string));
  return drafts.map((d, i) => ({ id: `L-${String(i + 1).padStart(3, '0')}`, ...d }));
}
