import type { Rule, RuleHit } from '../types.js';
import { cidrLabel, isExternal } from '../address.js';
import { isForwardingRoute, tunnelDefault, vpnEndpointRoutes } from '../route-info.js';
import { safeText } from '../names.js';
import { attackUrl, REF } from './refs.js';
import { describeRoute, routeHit } from './route-hit.js';

export const routeVpnBypass: Rule = {
  meta: {
    id: 'ROUTE-VPN-BYPASS',
    title: 'Traffic to public networks bypasses the VPN',
    plain: 'traffic that should go through the VPN goes around it',
    severity: 'high',
    description:
      'A tunnel interface (tun, wg, utun, ppp, tap ...) holds the default route, yet a more specific route sends a public destination through another interface (the VPN server\'s own host route excepted).',
    rationale: 'More specific routes win over the VPN default: TunnelVision (CVE-2024-3661, DHCP option 121) and manual routes leak traffic around the tunnel in clear.',
    falsePositives: 'A deliberate split-tunnel policy (local breakout for SaaS or video conferencing).',
    attack: ['T1557', 'T1599'],
    references: [REF.tunnelVision, attackUrl('T1557')],
    referencesByOs: { linux: ['https://docs.redhat.com/en/documentation/red_hat_enterprise_linux/8/html/configuring_and_managing_networking/'] },
    subject: 'route',
  },
  check(ctx) {
    const vpnEndpoints = vpnEndpointRoutes(ctx.routes, ctx);
    const hits: RuleHit[] = [];
    for (const version of [4, 6] as const) {
      const tunnel = tunnelDefault(ctx.routes, version);
      if (!tunnel) continue;
      for (const r of ctx.routes) {
        if (r.dest?.version !== version || r.dest.prefix <= 1 || r.ifaceIsTunnel || r.ifaceIsLoopback || !isForwardingRoute(r)) continue;
        if (!isExternal(r.destClass) || vpnEndpoints.has(r.index)) continue;
        hits.push(routeHit([r, tunnel], `Route ${describeRoute(r)} sends ${cidrLabel(r.dest)} ${r.dest.text} outside the tunnel, while the default goes through ${safeText(tunnel.iface ?? '?')}.`));
      }
    }
    return hits;
  },
};
