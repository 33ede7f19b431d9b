// Building hits about routes (shared by the ROUTE-* and BASE-ROUTE-* rules).
import type { Severity } from '../../model.js';
import { safeText } from '../names.js';
import type { RouteInfo, RuleHit } from '../types.js';

/** "10.9.9.9/32 via 192.168.1.254 dev eth0 metric 100". */
export function describeRoute(r: RouteInfo): string {
  const route = r.route;
  const dest = r.dest?.text ?? safeText(route.destination);
  const via = r.gateway ? ` via ${r.gateway.text}` : route.gateway && !r.onLink ? ` via ${safeText(route.gateway)}` : r.isReject ? '' : ' on-link';
  const dev = route.interface ? ` dev ${safeText(route.interface)}` : '';
  const metric = route.metric !== null ? ` metric ${route.metric}` : '';
  const type = route.type && route.type !== 'unicast' ? `${route.type} ` : '';
  return `${type}${dest}${via}${dev}${metric}`;
}

export function routeHit(routes: RouteInfo[], detail: string, severity?: Severity, note?: string): RuleHit {
  const first = routes[0];
  return {
    detail,
    refs: routes.flatMap((r) => r.refs),
    severity,
    subject: 'route',
    note,
    facts: {
      destination: first?.dest?.text ?? first?.route.destination ?? null,
      gateway: first?.route.gateway ?? null,
      interface: first?.route.interface ?? null,
    },
    routeIndexes: routes.map((r) => r.index),
  };
}
