import type { RouteInfo, Rule, RuleHit } from '../types.js';
import { cidrLabel } from '../address.js';
import { activeDefaults, isForwardingRoute, vpnEndpointRoutes } from '../route-info.js';
import { attackUrl, REF } from './refs.js';
import { describeRoute, routeHit } from './route-hit.js';

const IGNORED_DEST = new Set(['loopback', 'link-local', 'multicast', 'broadcast', 'unspecified']);

export const routeHostOddGw: Rule = {
  meta: {
    id: 'ROUTE-HOST-ODD-GW',
    title: 'Host route through a gateway other than the default',
    plain: 'traffic to one particular computer is sent through a different gateway than everything else',
    severity: 'medium',
    description:
      'A /32 or /128 route sends one destination through a gateway that is not the default gateway, or pins it to one of several competing default gateways (the route to a VPN server is recognised and skipped).',
    rationale: 'A single host diverted through another next hop is how traffic to one server (a bank, a mail relay, an EDR/SIEM collector) is intercepted or cut off.',
    falsePositives: 'SD-WAN and split-tunnel exceptions, routes to a monitoring or backup link.',
    attack: ['T1557'],
    references: [attackUrl('T1557')],
    referencesByOs: { linux: [REF.ipRoute8], windows: [REF.routeWin], bsd: [REF.netstatBsd] },
    subject: 'route',
  },
  check(ctx) {
    const vpn = vpnEndpointRoutes(ctx.routes, ctx);
    // "The" default gateway exists only when the defaults agree; with competing defaults a host route
    // pinned to one of them is itself a choice someone made.
    const defaultGw = new Set<string>();
    const competing: RouteInfo[] = [];
    for (const v of [4, 6] as const) {
      const defaults = activeDefaults(ctx.routes, v);
      const gws = new Set(defaults.map((r) => r.gateway?.text ?? `dev ${r.iface ?? '?'}`));
      if (gws.size === 1) for (const g of gws) defaultGw.add(g);
      else if (gws.size > 1) competing.push(...defaults);
    }
    const hits: RuleHit[] = [];
    for (const r of ctx.routes) {
      if (!r.isHost || !r.gateway || !isForwardingRoute(r) || r.ifaceIsLoopback || vpn.has(r.index)) continue;
      if (r.destClass === null || IGNORED_DEST.has(r.destClass) || defaultGw.has(r.gateway.text)) continue;
      if (r.gateway.cls === 'loopback') continue; // ROUTE-BLACKHOLE's case
      // The default routes compared with are cited and listed; the judgement goes to the note.
      const defaults = competing.length > 0 ? competing : activeDefaults(ctx.routes, r.dest?.version === 6 ? 6 : 4);
      const listed = defaults.length > 0 ? `; default routes: ${defaults.map(describeRoute).join('; ')}` : '; no default route is listed';
      const why = competing.length > 0 ? `The host route pins ${r.dest?.text} (${cidrLabel(r.dest)}) to one of several competing default gateways.` : `The host route sends ${r.dest?.text} (${cidrLabel(r.dest)}) through a gateway other than the default one.`;
      const hit = routeHit([r, ...defaults], `Host route ${describeRoute(r)}${listed}.`, undefined, why);
      hit.routeIndexes = [r.index];
      hits.push(hit);
    }
    return hits;
  },
};
