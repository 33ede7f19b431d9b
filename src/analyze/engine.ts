// The rule engine: knows no rule by name. Runs every applicable rule over the context, turns hits
// into findings, lowers listeners the knowledge base expects, applies the allow-list, sorts and
// numbers. A finding keeps its own rule's severity: several rules hitting one process make one lead
// (leads.ts), not higher findings.
import type { Finding, SourceRef } from '../model.js';
import { findEntry } from './allow-list.js';
import { safeText } from './names.js';
import { expectedListener, osLabel } from './knowledge/index.js';
import { severityRank } from './severity.js';
import { lookupHash } from './hashsets.js';
import { socketsWithIds } from './sockets.js';
import type { AllowList, AnalysisContext, Rule, RuleHit, SocketInfo } from './types.js';

export interface EngineResult {
  findings: Finding[];
  /** The hit behind each finding id (annotations link sockets and routes to findings). */
  hits: Map<string, RuleHit>;
  rulesRun: number;
  warnings: string[];
}

interface Draft {
  finding: Finding;
  hit: RuleHit;
  lowered: boolean;
}

export function ruleApplies(rule: Rule, ctx: AnalysisContext): boolean {
  if (rule.meta.needsBaseline && !ctx.baseline) return false;
  if (!rule.meta.os || ctx.os === 'unknown') return true;
  return rule.meta.os.includes(ctx.os);
}

function sortedRefs(refs: SourceRef[]): SourceRef[] {
  const seen = new Map<string, SourceRef>();
  for (const r of refs) seen.set(`${r.artifact}\u0000${r.line}`, { artifact: r.artifact, line: r.line });
  return [...seen.values()].sort((a, b) => (a.artifact < b.artifact ? -1 : a.artifact > b.artifact ? 1 : a.line - b.line));
}

function toFinding(rule: Rule, hit: RuleHit, ctx: AnalysisContext): Finding {
  const m = rule.meta;
  const osRefs = ctx.os === 'unknown' ? Object.values(m.referencesByOs ?? {}).flat() : m.referencesByOs?.[ctx.os] ?? [];
  return {
    id: '',
    rule: m.id,
    severity: hit.severity ?? m.severity,
    title: m.title,
    detail: hit.detail,
    rationale: hit.note ? `${m.rationale} ${hit.note}` : m.rationale,
    falsePositives: m.falsePositives,
    subject: hit.subject ?? m.subject,
    refs: sortedRefs(hit.refs),
    attack: [...new Set([...m.attack, ...(hit.attack ?? [])])],
    references: [...new Set([...m.references, ...osRefs])],
    pid: hit.pid ?? null,
    process: hit.process === null || hit.process === undefined ? null : safeText(hit.process),
    suppressed: null,
    expected: null,
  };
}

/** The sockets these drafts cite, by id (thousands of findings on a 100k-socket host; no map of every socket). */
function citedSockets(drafts: Draft[], ctx: AnalysisContext): Map<string, SocketInfo> {
  const cited = new Set<string>();
  for (const d of drafts) for (const id of d.hit.socketIds ?? []) cited.add(id);
  return socketsWithIds(ctx.sockets, cited);
}

/** A finding the knowledge base may lower: of a rule with expected listeners, above info, citing sockets. */
function mayBeExpected(d: Draft, rules: Map<string, Rule>): boolean {
  return Boolean(rules.get(d.finding.rule)?.meta.expectedListeners) && d.finding.severity !== 'info' && (d.hit.socketIds?.length ?? 0) > 0;
}

/**
 * Findings of listener rules about sockets the knowledge base expects on a normal host of this OS
 * (CDPSvc on 5040, the RPC endpoints at 49664–49669 …) are lowered to info with the reason. Every
 * socket of the finding must be expected; a program under the right name but from another
 * executable path is not.
 */
function applyKnowledge(drafts: Draft[], ctx: AnalysisContext, rules: Map<string, Rule>): void {
  // Only the sockets of the findings that may be lowered are looked up (not those of every rule's hits).
  const candidates = drafts.filter((d) => mayBeExpected(d, rules));
  if (candidates.length === 0) return;
  const byId = citedSockets(candidates, ctx);
  for (const d of candidates) {
    const ids = d.hit.socketIds ?? [];
    const entries = ids.map((id) => {
      const s = byId.get(id);
      return s ? expectedListener(s, ctx.os) : null;
    });
    if (entries.some((e) => e === null)) continue;
    const whats = [...new Set(entries.map((e) => e!.what))];
    const reason = `Expected ${osLabel(ctx.os)} listener: ${whats.join('; ')} (built-in knowledge base, source ${entries[0]!.source}).`;
    d.finding.originalSeverity = d.finding.severity;
    d.finding.severity = 'info';
    d.finding.expected = reason;
    d.finding.rationale = `${d.finding.rationale} Lowered to info: ${reason}`;
    d.lowered = true;
  }
}

/**
 * A known-good hash of the process's executable (analyze --hashset FILE:known-good) lowers the
 * findings of name-based rules to info: the file is the vetted one whatever it is called.
 */
function applyKnownGood(drafts: Draft[], ctx: AnalysisContext, rules: Map<string, Rule>): void {
  if (!ctx.hashSets?.some((s) => s.kind === 'known-good')) return;
  for (const d of drafts) {
    if (!rules.get(d.finding.rule)?.meta.nameBased || d.finding.severity === 'info' || typeof d.hit.pid !== 'number') continue;
    const sha = ctx.processes.get(d.hit.pid)?.facts?.exeSha256;
    const match = lookupHash(ctx.hashSets, sha, 'known-good');
    if (!match) continue;
    const entry = match.entry.name ? ` as "${safeText(match.entry.name, 80)}"` : '';
    const reason = `the executable's SHA-256 ${sha} is in the known-good hash set ${safeText(match.set.file, 80)} (line ${match.entry.line}${entry}); this rule judges the name, and the hash, not the name, decides`;
    d.finding.originalSeverity = d.finding.severity;
    d.finding.severity = 'info';
    d.finding.knownGood = reason;
    d.finding.rationale = `${d.finding.rationale} Lowered to info: ${reason}.`;
    d.lowered = true;
  }
}

function applyAllowList(drafts: Draft[], allow: AllowList | null | undefined): void {
  if (!allow) return;
  for (const d of drafts) {
    const entry = findEntry(allow, d.finding.rule, d.hit.facts ?? {});
    if (!entry) continue;
    const by = `allow-list entry ${entry.index}`;
    if (entry.action === 'suppress') {
      d.finding.suppressed = { by, reason: entry.reason };
    } else if (entry.severity && severityRank(entry.severity) < severityRank(d.finding.severity)) {
      d.finding.originalSeverity = d.finding.severity;
      d.finding.severity = entry.severity;
      d.finding.suppressed = null;
      d.finding.rationale = `${d.finding.rationale} Severity lowered by ${by}: ${entry.reason}`;
      d.lowered = true;
    }
  }
}

function compareFindings(a: Finding, b: Finding): number {
  const sa = a.suppressed ? 1 : 0;
  const sb = b.suppressed ? 1 : 0;
  if (sa !== sb) return sa - sb;
  const sev = severityRank(b.severity) - severityRank(a.severity);
  if (sev !== 0) return sev;
  if (a.rule !== b.rule) return a.rule < b.rule ? -1 : 1;
  const ra = a.refs[0];
  const rb = b.refs[0];
  if (ra && rb) {
    if (ra.artifact !== rb.artifact) return ra.artifact < rb.artifact ? -1 : 1;
    if (ra.line !== rb.line) return ra.line - rb.line;
  } else if (ra || rb) return ra ? -1 : 1;
  return a.detail < b.detail ? -1 : a.detail > b.detail ? 1 : 0;
}

export function runRules(ctx: AnalysisContext, rules: Rule[], allow: AllowList | null | undefined): EngineResult {
  const drafts: Draft[] = [];
  const warnings: string[] = [];
  let rulesRun = 0;
  for (const rule of rules) {
    if (!ruleApplies(rule, ctx)) continue;
    rulesRun++;
    let hits: RuleHit[];
    try {
      hits = rule.check(ctx);
    } catch (err) {
      // A rule tripping over hostile input must not cost the examiner the other rules' findings.
      warnings.push(`rule ${rule.meta.id} failed: ${(err as Error).message}`);
      continue;
    }
    for (const hit of hits) drafts.push({ finding: toFinding(rule, hit, ctx), hit, lowered: false });
  }
  const byId = new Map(rules.map((r) => [r.meta.id, r]));
  applyKnowledge(drafts, ctx, byId);
  applyKnownGood(drafts, ctx, byId);
  applyAllowList(drafts, allow);
  drafts.sort((a, b) => compareFindings(a.finding, b.finding));
  const hits = new Map<string, RuleHit>();
  drafts.forEach((d, i) => {
    d.finding.id = `F-${String(i + 1).padStart(4, '0')}`;
    hits.set(d.finding.id, d.hit);
  });
  return { findings: drafts.map((d) => d.finding), hits, rulesRun, warnings };
}
