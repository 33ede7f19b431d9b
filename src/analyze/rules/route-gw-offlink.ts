import type { Rule, RuleHit } from '../types.js';
import type { Cidr } from '../address.js';
import { insideAny, isForwardingRoute, onLinkNetworks } from '../route-info.js';
import { attackUrl, REF } from './refs.js';
import { describeRoute, routeHit } from './route-hit.js';

export const routeGwOfflink: Rule = {
  meta: {
    id: 'ROUTE-GW-OFFLINK',
    title: "Gateway outside the interface's networks",
    plain: 'traffic is sent to a gateway that is not on any network the computer is connected to',
    severity: 'medium',
    description:
      "A route's gateway lies in none of the networks its interface reaches on-link (taken from the on-link routes of the same interface). Skipped for point-to-point/tunnel and loopback interfaces, link-local gateways, and interfaces with no on-link route to compare with. Linux only accepts such a gateway with the 'onlink' flag, so that flag does not excuse it.",
    rationale: 'A next hop that cannot be reached directly is either a misconfiguration or a manipulated table (traffic steered to a host reachable only through another path).',
    falsePositives: 'Cloud VMs with /32 addressing and explicit onlink gateways; proxy-ARP setups.',
    attack: ['T1557'],
    references: [attackUrl('T1557')],
    referencesByOs: { linux: [REF.ipRoute8], windows: [REF.routeWin], bsd: [REF.netstatBsd] },
    subject: 'route',
  },
  check(ctx) {
    const networks = onLinkNetworks(ctx.routes);
    const hits: RuleHit[] = [];
    for (const r of ctx.routes) {
      const gw = r.gateway;
      if (!gw || !gw.ip || !r.iface || !isForwardingRoute(r)) continue;
      if (r.ifaceIsTunnel || r.ifaceIsLoopback || gw.cls === 'link-local' || gw.cls === 'loopback') continue;
      const links = (networks.get(r.iface) ?? []).filter((n) => n.dest?.version === gw.version);
      const nets = links.map((n) => n.dest as Cidr);
      if (nets.length === 0 || insideAny(nets, gw)) continue;
      // The on-link routes compared with are facts too: they are cited and listed.
      const shown = links.slice(0, 6);
      const detail = `Route ${describeRoute(r)}; on-link routes of ${r.iface}: ${shown.map(describeRoute).join('; ')}${links.length > shown.length ? ' and others' : ''}.`;
      const note = `The gateway ${gw.text} lies in none of these on-link networks${/onlink/i.test(r.route.flags ?? '') ? '; the route was forced with "onlink"' : ''}.`;
      const hit = routeHit([r, ...shown], detail, undefined, note);
      hit.routeIndexes = [r.index];
      hits.push(hit);
    }
    return hits;
  },
};
