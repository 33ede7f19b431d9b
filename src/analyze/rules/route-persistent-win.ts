import type { Rule, RuleHit } from '../types.js';
import { attackUrl, REF } from './refs.js';
import { describeRoute, routeHit } from './route-hit.js';

function routeKey(dest: string | undefined, gw: string | null): string {
  return `${dest ?? ''}|${gw ?? ''}`;
}

export const routePersistentWin: Rule = {
  meta: {
    id: 'ROUTE-PERSISTENT-WIN',
    title: 'Windows persistent route',
    plain: 'a route was stored so that Windows restores it at every start',
    severity: 'low',
    description:
      '`route print` lists a persistent route (stored under HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters\\PersistentRoutes, survives reboots): low; medium for a default or host route, or one absent from the baseline.',
    rationale: 'Persistent routes are a reboot-proof way to divert or block traffic; they are rare on workstations.',
    falsePositives: 'Static routes set by administrators or VPN/virtualisation software.',
    attack: ['T1557', 'T1562'],
    references: [REF.persistentRoutes, REF.routeWin, attackUrl('T1557')],
    subject: 'route',
    os: ['windows'],
  },
  check(ctx) {
    const baseline = ctx.baseline ? new Set(ctx.baseline.routes.filter((r) => r.route.persistent).map((r) => routeKey(r.dest?.text, r.gateway?.text ?? null))) : null;
    const hits: RuleHit[] = [];
    for (const r of ctx.routes) {
      if (!r.route.persistent) continue;
      const notBaselined = baseline !== null && !baseline.has(routeKey(r.dest?.text, r.gateway?.text ?? null));
      const notable = r.isDefault || r.isHost || notBaselined;
      const why = r.isDefault ? ' (a default route)' : r.isHost ? ' (a host route)' : notBaselined ? ` (not in baseline ${ctx.baselineLabel})` : '';
      hits.push(routeHit([r], `Persistent route ${describeRoute(r)}${why}.`, notable ? 'medium' : 'low'));
    }
    return hits;
  },
};
