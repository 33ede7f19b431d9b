import type { Rule, RuleHit, SocketInfo } from '../types.js';
import { describeOwner, describeSocket } from '../rule-helpers.js';
import { groupListeners } from './baseline-common.js';
import { attackUrl, REF } from './refs.js';

export const baseGoneListener: Rule = {
  meta: {
    id: 'BASE-GONE-LISTENER',
    title: 'Baseline listener no longer present',
    plain: 'a port that was open in the earlier capture of this computer is now closed',
    severity: 'low',
    description: 'A listener of the baseline capture (protocol, port, program) that is absent now.',
    rationale: 'A stopped security agent, logging or management service can be defence evasion; a moved service can hide a replacement.',
    falsePositives: 'Services stopped, reconfigured or uninstalled for ordinary reasons.',
    attack: ['T1562.001', 'T1489'],
    references: [attackUrl('T1562.001'), attackUrl('T1489')],
    referencesByOs: { linux: [REF.netstat8, REF.ss8], windows: [REF.netstatWin], bsd: [REF.netstatBsd] },
    subject: 'connection',
    needsBaseline: true,
  },
  check(ctx) {
    if (!ctx.baseline) return [];
    const now = groupListeners(ctx);
    const hits: RuleHit[] = [];
    for (const [key, sockets] of groupListeners(ctx.baseline)) {
      if (now.has(key)) continue;
      const first = sockets[0] as SocketInfo;
      const where = first.refs.map((r) => `${r.artifact} line ${r.line}`).slice(0, 3).join(', ');
      // The refs of a baseline socket point into the baseline's evidence folder: cite them in the detail.
      hits.push({
        detail: `${sockets.map(describeSocket).join(', ')} owned by ${describeOwner(first)} was listening in ${ctx.baselineLabel} (${where}) and is not listening now.`,
        refs: [],
        subject: 'connection',
        process: first.processName,
        facts: { process: first.processName, ports: first.localPort === null ? [] : [first.localPort], addresses: [first.local.text] },
      });
    }
    return hits;
  },
};
