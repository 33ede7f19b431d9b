import type { OutsidePeer } from '../correlate.js';
import type { CaseRule, CaseRuleHit } from './types.js';

export const caseSharedExternal: CaseRule = {
  meta: {
    id: 'CASE-SHARED-EXTERNAL',
    title: 'The same outside address is seen from several examined hosts',
    severity: 'medium',
    description: 'Two or more examined hosts hold TCP connections with one address outside every internal range (public, documentation or benchmarking addresses), which no examined host holds.',
    rationale: 'Hosts infected by one intruder often call back to the same command-and-control server; one outside address shared by several hosts joins their stories.',
    falsePositives: 'Common services every host uses: update servers, a cloud API, a proxy or a content delivery network address.',
    attack: ['T1071', 'T1102'],
  },
  check(ctx) {
    const byAddress = new Map<string, OutsidePeer[]>();
    for (const p of ctx.outside) if (p.external) byAddress.set(p.address, [...(byAddress.get(p.address) ?? []), p]);
    const hits: CaseRuleHit[] = [];
    for (const [address, peers] of byAddress) {
      const hosts = [...new Set(peers.map((p) => p.host))];
      if (hosts.length < 2) continue;
      const how = hosts.map((h) => {
        const mine = peers.filter((p) => p.host === h);
        const procs = [...new Set(mine.map((p) => (p.end.process ? `"${p.end.process}"` : 'an unnamed process')))];
        return `${ctx.names.get(h)} (${procs.join(', ')}, port${mine.length > 1 ? 's' : ''} ${[...new Set(mine.map((p) => p.port))].join(', ')})`;
      });
      hits.push({
        summary: `${hosts.length} examined hosts talk to the same outside address ${address} (${peers[0].network}): ${how.join('; ')}.`,
        hosts,
        flows: [],
        ends: peers.map((p) => p.end),
      });
    }
    return hits;
  },
};
