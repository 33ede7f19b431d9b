import type { Rule, RuleHit } from '../types.js';
import { activeDefaults } from '../route-info.js';
import { attackUrl, REF } from './refs.js';
import { describeRoute, routeHit } from './route-hit.js';

export const routeMultiDefault: Rule = {
  meta: {
    id: 'ROUTE-MULTI-DEFAULT',
    title: 'More than one default route',
    plain: 'the computer has more than one way out to other networks, so traffic may go through an unexpected gateway',
    severity: 'medium',
    description:
      'Several active default routes (0.0.0.0/0 or ::/0) in the main table with different gateways or interfaces for the same IP version. Reject routes and policy-routing tables are ignored.',
    rationale: 'An added default route can divert traffic through an attacker-controlled gateway for interception (adversary-in-the-middle).',
    falsePositives: 'Multihomed hosts, Wi-Fi plus Ethernet laptops, metric-based failover; OpenVPN def1 uses 0/1 + 128/1 instead.',
    attack: ['T1557'],
    references: [attackUrl('T1557')],
    referencesByOs: { linux: [REF.ipRoute8], windows: [REF.routeWin], bsd: [REF.netstatBsd] },
    subject: 'route',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const version of [4, 6] as const) {
      const defaults = activeDefaults(ctx.routes, version);
      const distinct = new Map<string, typeof defaults>();
      for (const r of defaults) {
        const key = `${r.gateway?.text ?? '-'}|${r.gateway ? '' : (r.iface ?? '')}`;
        distinct.set(key, [...(distinct.get(key) ?? []), r]);
      }
      if (distinct.size < 2) continue;
      const sorted = [...defaults].sort((a, b) => (a.route.metric ?? 0) - (b.route.metric ?? 0));
      const preferred = sorted[0];
      const metrics = new Set(defaults.map((r) => r.route.metric ?? 0));
      const order = metrics.size < defaults.length ? 'equal metrics: traffic is split' : `preferred: ${preferred ? describeRoute(preferred) : '?'}`;
      hits.push(routeHit(sorted, `${distinct.size} IPv${version} default routes: ${sorted.map(describeRoute).join('; ')} (${order}).`));
    }
    return hits;
  },
};
