import type { Rule, RuleHit } from '../types.js';
import { cidrLabel } from '../address.js';
import { attackUrl, REF } from './refs.js';
import { describeRoute, routeHit } from './route-hit.js';

// macOS keeps fe80::/64 on lo0 (fe80::1%lo0): link-local prefixes on loopback are normal.
const LOCALISH = new Set(['loopback', 'multicast', 'broadcast', 'unspecified', 'link-local']);

export const routeBlackhole: Rule = {
  meta: {
    id: 'ROUTE-BLACKHOLE',
    title: 'Traffic to a destination is dropped (blackhole / reject route)',
    plain: 'traffic to these addresses is silently thrown away',
    severity: 'medium',
    description:
      'A blackhole, unreachable, prohibit or reject route (Linux type, net-tools "!" flag, BSD B/R flags), or a non-loopback destination sent to the loopback interface or a loopback gateway (Windows has no blackhole keyword). The reject routes every Linux kernel installs for IPv6 are ignored.',
    rationale: 'Null routes silently cut a host off from security telemetry, updates or EDR cloud services (impair defenses).',
    falsePositives: 'Anti-DDoS null routes, Calico/BGP blackholes on Kubernetes nodes, deliberate blocking of advertising or telemetry hosts.',
    attack: ['T1562', 'T1562.001'],
    references: [attackUrl('T1562')],
    referencesByOs: { linux: [REF.ipRoute8], windows: [REF.routeWin], bsd: [REF.netstatBsd] },
    subject: 'route',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const r of ctx.routes) {
      if (r.isKernelReject || r.route.persistent) continue;
      if (r.isReject) {
        hits.push(routeHit([r], `Reject route ${describeRoute(r)}${r.route.flags ? ` (flags ${r.route.flags})` : ''}.`, undefined, `Traffic to ${r.dest?.text ?? r.route.destination} is dropped.`));
        continue;
      }
      if (r.destClass === null || LOCALISH.has(r.destClass)) continue;
      const t = r.route.type;
      if (t !== undefined && t !== 'unicast') continue;
      const viaLoopback = r.gateway?.cls === 'loopback' || (r.ifaceIsLoopback && r.gateway !== null);
      if (!viaLoopback) continue;
      hits.push(routeHit([r], `Route ${describeRoute(r)}.`, undefined, `The route sends ${cidrLabel(r.dest)} destination ${r.dest?.text} to the loopback interface: the traffic never leaves the host.`));
    }
    return hits;
  },
};
