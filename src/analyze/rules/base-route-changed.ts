import type { Severity } from '../../model.js';
import type { RouteInfo, Rule, RuleHit } from '../types.js';
import { nextHops, routeGroups } from './baseline-common.js';
import { attackUrl, REF } from './refs.js';
import { describeRoute, routeHit } from './route-hit.js';

function severityFor(routes: RouteInfo[]): Severity {
  if (routes.some((r) => r.isDefault)) return 'high';
  return routes.some((r) => r.gateway !== null || r.isReject) ? 'medium' : 'low';
}

export const baseRouteChanged: Rule = {
  meta: {
    id: 'BASE-ROUTE-CHANGED',
    title: 'Route added, removed or changed since the baseline',
    plain: 'the list of where the computer sends network traffic changed since the earlier capture',
    severity: 'medium',
    description: 'Routes compared by destination with the baseline capture: added, removed, or with other next hops. High for default routes, medium for routes through a gateway or reject routes, low for on-link routes.',
    rationale: 'Route manipulation diverts or blocks traffic; comparing with a known-good table separates it from the normal configuration.',
    falsePositives: 'DHCP address changes, VPN connections, docker/virtualisation networks created since the baseline.',
    attack: ['T1557', 'T1562'],
    references: [attackUrl('T1557'), attackUrl('T1562')],
    referencesByOs: { linux: [REF.ipRoute8], windows: [REF.routeWin], bsd: [REF.netstatBsd] },
    subject: 'route',
    needsBaseline: true,
  },
  check(ctx) {
    if (!ctx.baseline) return [];
    const before = routeGroups(ctx.baseline);
    const now = routeGroups(ctx);
    const label = ctx.baselineLabel;
    const hits: RuleHit[] = [];
    for (const [key, routes] of now) {
      const old = before.get(key);
      if (!old) {
        hits.push(routeHit(routes, `Route added since ${label}: ${routes.map(describeRoute).join('; ')}.`, severityFor(routes)));
      } else if (nextHops(old) !== nextHops(routes)) {
        hits.push(routeHit(routes, `Route changed since ${label}: ${routes.map(describeRoute).join('; ')} (was via ${nextHops(old)}).`, severityFor([...routes, ...old])));
      }
    }
    for (const [key, routes] of before) {
      if (now.has(key)) continue;
      const hit = routeHit([], `Route removed since ${label}: ${routes.map(describeRoute).join('; ')} (baseline ${routes.map((r) => `${r.route.source.artifact} line ${r.route.source.line}`).slice(0, 3).join(', ')}).`, severityFor(routes));
      hit.facts = { destination: routes[0]?.dest?.text ?? routes[0]?.route.destination ?? null, gateway: routes[0]?.route.gateway ?? null, interface: routes[0]?.route.interface ?? null };
      hits.push(hit);
    }
    return hits;
  },
};
