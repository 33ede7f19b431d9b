// Leads in the report: the executive summary's plain sentences and the findings section organised
// by lead. Read from leads.json; folders analysed before leads existed get one lead per process or
// per finding, built from findings.json alone.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SEVERITIES, type Finding, type Severity, type SourceRef } from '../model.js';
import { PATHS, readJsonArray } from '../evidence/folder.js';
import type { FindingView, LeadView, SeverityCount } from './view-types.js';
import { visible } from './visible.js';
import type { LeadExecutable } from '../analyze/lead-exe.js';
import { leadExecutableView } from './view-binaries.js';

/** leads.json as analyze writes it (src/analyze/leads.ts). */
export interface LeadRecord {
  id: string;
  kind?: string;
  subject: string;
  severity: Severity;
  severityReason: string;
  findings: string[];
  rules?: string[];
  summary: string;
  statements?: string[];
  refs: SourceRef[];
  pid?: number | null;
  process?: string | null;
  suppressed?: boolean;
  executable?: LeadExecutable | null;
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

/** Folders without leads.json: one lead per PID, else one per finding (no sentences to add). */
function fallbackLeads(findings: Finding[]): LeadRecord[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = typeof f.pid === 'number' ? `pid:${f.pid}` : `f:${f.id}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const leads = [...groups.values()].map((list) => {
    const active = list.filter((f) => !f.suppressed);
    const pool = active.length ? active : list;
    const top = pool.reduce((a, f) => (rank(f.severity) > rank(a.severity) ? f : a));
    const first = list[0] as Finding;
    return {
      id: '',
      subject: typeof first.pid === 'number' ? `process ${first.process ? `"${first.process}" ` : ''}(PID ${first.pid})` : String(first.title),
      severity: top.severity,
      severityReason: `highest of its findings: ${top.severity} (${top.rule}); grouped by the report because the folder has no ${PATHS.leads}`,
      findings: list.map((f) => f.id),
      summary: String(top.title),
      refs: list.flatMap((f) => f.refs ?? []),
      suppressed: active.length === 0,
    };
  });
  leads.sort((a, b) => Number(a.suppressed) - Number(b.suppressed) || rank(b.severity) - rank(a.severity) || a.findings[0]!.localeCompare(b.findings[0]!));
  return leads.map((l, i) => ({ ...l, id: `L-${String(i + 1).padStart(3, '0')}` }));
}

export function loadLeads(dir: string, findings: Finding[]): { leads: LeadRecord[]; fromFile: boolean } {
  if (existsSync(join(dir, PATHS.leads))) return { leads: readJsonArray<LeadRecord>(dir, PATHS.leads), fromFile: true };
  return { leads: fallbackLeads(findings), fromFile: false };
}

const anchorOf = (id: string): string => `lead-${String(id).replace(/[^A-Za-z0-9_-]/g, '_')}`;

/**
 * Leads between two places where a large report may be cut into print parts: a host with thousands of
 * leads (100k Windows sockets: ~5,000 leads, 1,000 pages) prints them on both cores.
 */
export const LEADS_PER_PART = 1_000;

/** Lead views with the findings printed in full nested under their lead, in lead order. */
export function leadViews(leads: LeadRecord[], detailed: FindingView[]): LeadView[] {
  const byId = new Map(detailed.map((f) => [f.id, f]));
  return leads.map((l, i) => {
    const findings = l.findings.map((id) => byId.get(visible(String(id)))).filter((f): f is FindingView => f !== undefined);
    return {
      id: visible(String(l.id)),
      anchor: anchorOf(l.id),
      severity: SEVERITIES.includes(l.severity) ? l.severity : 'info',
      subject: visible(String(l.subject ?? '')),
      severityReason: visible(String(l.severityReason ?? '')),
      summary: visible(String(l.summary ?? '')),
      statements: (l.statements ?? []).map((s) => visible(String(s))),
      findings,
      findingCount: l.findings.length,
      notShown: l.findings.length - findings.length,
      suppressed: l.suppressed === true,
      executable: leadExecutableView(l.executable),
      cutBefore: i > 0 && i % LEADS_PER_PART === 0,
    };
  });
}

export function leadCounts(leads: LeadRecord[]): SeverityCount[] {
  return SEVERITIES.slice().reverse().map((s) => ({ severity: s, count: leads.filter((l) => !l.suppressed && l.severity === s).length }));
}

/** The leads the first page tells in sentences: every one rated low or above, most severe first. */
export const MAX_SUMMARY_LEADS = 6;
/** Active leads rated low or above, most severe first (the views are in report order). */
export function attentionLeads(views: LeadView[]): LeadView[] {
  return views.filter((l) => !l.suppressed && rank(l.severity) >= rank('low'));
}

export function summaryLeads(views: LeadView[]): LeadView[] {
  return attentionLeads(views).slice(0, MAX_SUMMARY_LEADS);
}
