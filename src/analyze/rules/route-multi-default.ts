import type { RouteInfo, Rule, RuleHit } from '../types.js';
import { activeDefaults } from '../route-info.js';
import { attackUrl, REF } from './refs.js';
import { describeRoute, routeHit } from './route-hit.js';

/** Interpretation of the metrics the cited lines show. */
function preference(sorted: RouteInfo[]): string {
  const missing = sorted.filter((r) => r.route.metric === null);
  if (missing.length > 0) return 'The listing shows no metric for every default route, so which one the kernel prefers cannot be told from it.';
  const [first, second] = sorted;
  if (first && second && first.route.metric === second.route.metric) return `The lowest metric (${first.route.metric}) is shared: the kernel may spread traffic over these routes.`;
  return `The kernel prefers the route with the lowest metric (${first?.route.metric}): ${first ? describeRoute(first) : ''}; the others take over when it fails.`;
}

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
      // Only metrics the cited lines print count: a listing without a metric column says nothing
      // about preference (never read a missing metric as 0).
      const known = defaults.filter((r) => r.route.metric !== null);
      const sorted = [...known].sort((a, b) => (a.route.metric as number) - (b.route.metric as number)).concat(defaults.filter((r) => r.route.metric === null));
      const facts = sorted.map((r) => `${describeRoute(r)}${r.route.metric === null ? ' (no metric shown)' : ''}`);
      hits.push(routeHit(sorted, `IPv${version} default routes: ${facts.join('; ')}.`, undefined, preference(sorted)));
    }
    return hits;
  },
};
