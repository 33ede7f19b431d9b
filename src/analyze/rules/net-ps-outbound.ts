import type { Rule, RuleHit } from '../types.js';
import { describeProcess, describeSocket, isPublicOutbound, processHit } from '../rule-helpers.js';
import { attackUrl, REF } from './refs.js';

const POWERSHELL = new Set(['powershell', 'pwsh', 'powershell_ise']);

export const netPsOutbound: Rule = {
  meta: {
    id: 'NET-PS-OUTBOUND',
    title: 'PowerShell connects to the internet',
    plain: 'PowerShell, a scripting tool, talks to the internet',
    severity: 'low',
    description: 'powershell.exe/pwsh has a connection to a public address: low on 80/443, medium on other ports.',
    rationale: 'Download cradles (IEX (New-Object Net.WebClient)...) and PowerShell C2 agents connect out directly from the interpreter.',
    falsePositives: 'Administrative scripts, module updates (PowerShell Gallery), monitoring agents.',
    attack: ['T1059.001', 'T1105'],
    references: [attackUrl('T1059.001'), REF.sigmaNet],
    subject: 'process',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const p of ctx.processList) {
      if (!p.keys.some((k) => POWERSHELL.has(k))) continue;
      const sockets = p.sockets.filter(isPublicOutbound);
      if (sockets.length === 0) continue;
      const odd = sockets.some((s) => s.remotePort !== 80 && s.remotePort !== 443);
      hits.push(processHit(p, sockets, `${describeProcess(p)} has external connection(s) ${sockets.slice(0, 10).map(describeSocket).join('; ')}.`, odd ? 'medium' : 'low'));
    }
    return hits;
  },
};
