import type { Rule, RuleHit } from '../types.js';
import { describeProcess, processHit, describeSockets } from '../rule-helpers.js';
import { attackUrl, REF } from './refs.js';

export const baseNewProcess: Rule = {
  meta: {
    id: 'BASE-NEW-PROCESS',
    title: 'Program with sockets not seen in the baseline',
    plain: 'a program uses the network that did not in the earlier capture of this computer',
    severity: 'low',
    description: 'A program (by name) that owns sockets now and owned none in the baseline capture.',
    rationale: 'New network-active programs are the first place to look for implants that arrived after the baseline.',
    falsePositives: 'Short-lived clients (browsers, updaters) and software installed since the baseline.',
    attack: ['T1543'],
    references: [attackUrl('T1543')],
    referencesByOs: { linux: [REF.netstat8, REF.proc5], windows: [REF.netstatWin], bsd: [REF.netstatBsd] },
    subject: 'process',
    needsBaseline: true,
  },
  check(ctx) {
    if (!ctx.baseline) return [];
    const known = new Set<string>();
    for (const p of ctx.baseline.processList) if (p.sockets.length > 0) for (const k of p.keys) known.add(k);
    const hits: RuleHit[] = [];
    for (const p of ctx.processList) {
      if (p.sockets.length === 0 || p.keys.length === 0 || p.keys.some((k) => known.has(k))) continue;
      hits.push(processHit(p, p.sockets, `${describeProcess(p)} owns ${describeSockets(p.sockets)}.`, undefined, `No program of that name had sockets in ${ctx.baselineLabel}.`));
    }
    return hits;
  },
};
