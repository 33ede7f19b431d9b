// The rule engine: knows no rule by name. Runs every applicable rule over the context, turns hits
// into findings, applies the allow-list, escalates PIDs hit by several rules, sorts and numbers.
import type { Finding, Severity, SourceRef } from '../model.js';
import { findEntry } from './allow-list.js';
import { safeText } from './names.js';
import { raiseSeverity, severityRank } from './severity.js';
import type { AllowList, AnalysisContext, Rule, RuleHit } from './types.js';

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

function toFinding(rule: Rule, hit: RuleHit): Finding {
  const m = rule.meta;
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
    attack: [...m.attack],
    references: [...m.references],
    pid: hit.pid ?? null,
    process: hit.process === null || hit.process === undefined ? null : safeText(hit.process),
    suppressed: null,
    escalated: null,
  };
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

/**
 * Raise one level when two rules hit the same PID. Info findings are observations, not heuristic
 * hits: they neither count nor get raised; nor do findings the examiner suppressed or lowered.
 */
function escalate(drafts: Draft[]): void {
  const rulesByPid = new Map<number, Set<string>>();
  const counts = (d: Draft): boolean => !d.finding.suppressed && !d.lowered && d.finding.severity !== 'info' && typeof d.finding.pid === 'number';
  for (const d of drafts) {
    if (!counts(d)) continue;
    const pid = d.finding.pid as number;
    const set = rulesByPid.get(pid) ?? new Set<string>();
    set.add(d.finding.rule);
    rulesByPid.set(pid, set);
  }
  for (const d of drafts) {
    if (!counts(d)) continue;
    const rules = rulesByPid.get(d.finding.pid as number);
    if (!rules || rules.size < 2) continue;
    const before: Severity = d.finding.severity;
    const after = raiseSeverity(before);
    if (after === before) continue; // already critical
    d.finding.originalSeverity = before;
    d.finding.severity = after;
    d.finding.escalated = `raised one level: ${rules.size} rules hit pid ${d.finding.pid} (${[...rules].sort().join(', ')})`;
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
    for (const hit of hits) drafts.push({ finding: toFinding(rule, hit), hit, lowered: false });
  }
  applyAllowList(drafts, allow);
  escalate(drafts);
  drafts.sort((a, b) => compareFindings(a.finding, b.finding));
  const hits = new Map<string, RuleHit>();
  drafts.forEach((d, i) => {
    d.finding.id = `F-${String(i + 1).padStart(4, '0')}`;
    hits.set(d.finding.id, d.hit);
  });
  return { findings: drafts.map((d) => d.finding), hits, rulesRun, warnings };
}
