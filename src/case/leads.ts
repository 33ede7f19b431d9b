// The case rule engine: every rule over the correlated flows, each hit a case lead citing the socket
// lines of both hosts (host, evidence id, artifact, line). Flows take the severity of their leads.
import { SEVERITIES, type Severity } from '../model.js';
import { CASE_RULES } from './rules/index.js';
import type { CaseContext, CaseRule } from './rules/types.js';
import type { CaseFlow, CaseHost, CaseLead } from './types.js';

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

export function caseLeads(ctx: CaseContext, hosts: CaseHost[], rules: CaseRule[] = CASE_RULES): CaseLead[] {
  const evidenceOf = new Map(hosts.map((h) => [h.key, h.evidenceId]));
  const leads: Omit<CaseLead, 'id'>[] = [];
  for (const rule of rules) {
    for (const hit of rule.check(ctx)) {
      const refs = hit.ends.map((e) => ({ host: e.host!, evidenceId: evidenceOf.get(e.host!) ?? '', artifact: e.ref!.artifact, line: e.ref!.line }));
      const unique = [...new Map(refs.map((r) => [`${r.host}|${r.artifact}|${r.line}`, r])).values()];
      leads.push({ rule: rule.meta.id, severity: hit.severity ?? rule.meta.severity, title: rule.meta.title, summary: hit.summary, hosts: [...new Set(hit.hosts)], flows: hit.flows, refs: unique });
    }
  }
  leads.sort((a, b) => rank(b.severity) - rank(a.severity) || a.rule.localeCompare(b.rule) || a.summary.localeCompare(b.summary));
  return leads.map((l, i) => ({ id: `C-${String(i + 1).padStart(3, '0')}`, ...l }));
}

/** A flow is as severe as the most severe case lead citing it. */
export function markFlows(flows: CaseFlow[], leads: CaseLead[]): void {
  for (const f of flows) {
    const mine = leads.filter((l) => l.flows.includes(f.id));
    f.severity = mine.length ? mine.reduce((a, l) => (rank(l.severity) > rank(a) ? l.severity : a), mine[0].severity) : null;
  }
}
