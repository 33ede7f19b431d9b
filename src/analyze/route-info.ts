// Route enrichment: parsed prefix, default/host/reject, gateway class, interface kind, and the
// networks each interface reaches on-link (used to judge whether a gateway is reachable).
import type { Route } from '../model.js';
import { addressInfo, cidrClass, cidrContains, isExternal, parseCidr, type AddressInfo, type Cidr } from './address.js';

import type { RouteInfo } from './types.js';

const REJECT_TYPES = new Set(['blackhole', 'unreachable', 'prohibit', 'reject']);
const TUNNEL_IFACE = /^(tun|tap|wg|utun|ppp|ipsec|vti|gre|gretap|ipip|sit|tailscale|zt|nordlynx|proton|cscotun|gpd|vpn)/i;
const LOOPBACK_IFACE = /^(lo\d*|loopback.*|127\.\d+\.\d+\.\d+|::1)$/i;

// IPv6 reject routes Linux installs itself (route -6 / ip -6 route show table all): not evidence.
const KERNEL_REJECTS = new Set([
  '::/96',
  '0.0.0.0/96',
  '::ffff:0.0.0.0/96',
  '2002:a00::/24',
  '2002:7f00::/24',
  '2002:a9fe::/32',
  '2002:ac10::/28',
  '2002:c0a8::/32',
  '2002:e000::/19',
  '3ffe:ffff::/32',
]);

function cleanDestination(text: string): string {
  return text.trim().toLowerCase().replace(/^\[([^\]]*)\]/, '$1');
}

function isRejectRoute(r: Route): boolean {
  if (r.type && REJECT_TYPES.has(r.type)) return true;
  const flags = r.flags ?? '';
  if (flags.includes('!')) return true; // net-tools: '!' = reject route
  // BSD/macOS netstat -r: B = blackhole, R = reject (on Linux 'R' means "reinstate": ignore there).
  return r.format.startsWith('bsd') && /[BR]/.test(flags);
}

function gatewayInfo(r: Route): { gateway: AddressInfo | null; onLink: boolean } {
  const kind = r.gatewayKind;
  if (r.gateway === null || kind === 'onlink' || kind === 'link' || kind === 'mac') return { gateway: null, onLink: true };
  const text = r.gateway.trim();
  if (/^(on-link|link#\d+|\*|-)$/i.test(text)) return { gateway: null, onLink: true };
  const gw = addressInfo(text, r.ipVersion);
  if (gw.cls === 'unspecified') return { gateway: null, onLink: true };
  return { gateway: gw, onLink: false };
}

/** No output device: net-tools prints '*' (blackhole) or '-' (unreachable/prohibit). */
function noDevice(iface: string | null): boolean {
  return iface === null || iface === '*' || iface === '-';
}

/**
 * Linux `netstat -rn` shows an IPv4 blackhole route as an on-link route without device ('*', flags U):
 * the kernel's /proc/net/route has no reject flag for it (fib_flag_trans).
 */
function netToolsBlackhole(r: Route, onLink: boolean): boolean {
  return !r.format.startsWith('windows') && !r.format.startsWith('bsd') && onLink && r.interface?.trim() === '*' && r.type === undefined;
}

/** Same route printed by two commands (netstat -rn and ip route): one RouteInfo, all refs kept. */
function dedupeKey(r: Route, dest: string, gateway: AddressInfo | null): string {
  const iface = r.interface?.trim() ?? null;
  const table = r.table && r.table !== 'main' && r.table !== '254' ? r.table : 'main';
  return `${r.ipVersion}|${table}|${dest}|${gateway?.text ?? ''}|${noDevice(iface) ? '' : iface}|${r.persistent ? 'p' : ''}`;
}

export function enrichRoutes(routes: Route[]): RouteInfo[] {
  const out: RouteInfo[] = [];
  const byKey = new Map<string, RouteInfo>();
  for (const route of routes) {
    const cleaned = cleanDestination(route.destination);
    const dest = parseCidr(cleaned, route.ipVersion);
    const { gateway, onLink } = gatewayInfo(route);
    const key = dedupeKey(route, dest?.text ?? cleaned, gateway);
    const seen = byKey.get(key);
    if (seen) {
      seen.refs.push(route.source);
      // Prefer the richer record: ip route names the type (blackhole, unreachable ...) and prints the
      // metric that netstat -rn leaves out.
      if ((seen.route.type === undefined && route.type !== undefined) || (seen.route.metric === null && route.metric !== null)) upgrade(seen, route);
      continue;
    }
    const blackhole = netToolsBlackhole(route, onLink);
    const isReject = isRejectRoute(route) || blackhole;
    const iface = noDevice(route.interface?.trim() ?? null) ? null : (route.interface?.trim() ?? null);
    const metric = route.metric ?? 0;
    const kernelDefaultReject = dest !== null && dest.prefix === 0 && dest.version === 6 && (metric === -1 || metric >= 4294967295);
    const info: RouteInfo = {
      index: out.length,
      route,
      refs: [route.source],
      dest,
      destClass: dest ? cidrClass(dest) : null,
      gateway,
      onLink,
      isDefault: dest !== null && dest.prefix === 0,
      isHost: dest !== null && dest.prefix === (dest.version === 4 ? 32 : 128),
      isReject,
      isKernelReject: isReject && (KERNEL_REJECTS.has(cleaned) || kernelDefaultReject),
      iface,
      ifaceIsTunnel: iface !== null && TUNNEL_IFACE.test(iface),
      ifaceIsLoopback: iface !== null && LOOPBACK_IFACE.test(iface),
      mainTable: !route.table || route.table === 'main' || route.table === '254',
    };
    byKey.set(key, info);
    out.push(info);
  }
  return out;
}

function upgrade(info: RouteInfo, route: Route): void {
  info.route = route;
  info.isReject = info.isReject || isRejectRoute(route);
}

/** Routing-relevant routes: not reject, not Windows' copy of the persistent store, not local/broadcast. */
export function isForwardingRoute(r: RouteInfo): boolean {
  const t = r.route.type;
  if (r.isReject || r.route.persistent) return false;
  return t === undefined || t === 'unicast' || t === 'other';
}

/** BSD/macOS 'I' flag (RTF_IFSCOPE): the route serves only sockets bound to that interface. */
function interfaceScoped(r: RouteInfo): boolean {
  return r.route.format.startsWith('bsd') && (r.route.flags ?? '').includes('I');
}

/** Default routes that actually carry traffic (no reject, persistent-store copies or scoped routes). */
export function activeDefaults(routes: RouteInfo[], version: 4 | 6): RouteInfo[] {
  return routes.filter((r) => r.isDefault && r.mainTable && r.dest?.version === version && isForwardingRoute(r) && !interfaceScoped(r));
}

/** On-link routes of each interface: the networks it reaches without a gateway (each has a dest). */
export function onLinkNetworks(routes: RouteInfo[]): Map<string, RouteInfo[]> {
  const out = new Map<string, RouteInfo[]>();
  for (const r of routes) {
    if (!r.onLink || r.isReject || r.iface === null || r.dest === null || r.isDefault) continue;
    const list = out.get(r.iface) ?? [];
    list.push(r);
    out.set(r.iface, list);
  }
  return out;
}

export function insideAny(networks: Cidr[], addr: AddressInfo): boolean {
  return networks.some((n) => cidrContains(n, addr));
}

/** The tunnel interface that holds the default route (or OpenVPN's def1 pair 0/1 + 128/1), if any. */
export function tunnelDefault(routes: RouteInfo[], version: 4 | 6): RouteInfo | null {
  const defaults = activeDefaults(routes, version).sort((a, b) => (a.route.metric ?? 0) - (b.route.metric ?? 0));
  const best = defaults[0];
  if (best?.ifaceIsTunnel) return best;
  const halves = routes.filter((r) => r.dest?.version === version && r.dest.prefix === 1 && r.ifaceIsTunnel && isForwardingRoute(r));
  return halves.length >= 2 ? (halves[0] ?? null) : null;
}

/**
 * Host routes that carry the VPN itself: while a tunnel holds the default, the route to the VPN
 * server must leave through the physical interface. Recognised when the host talks to that address,
 * or when it is the only public host route outside the tunnel.
 */
export function vpnEndpointRoutes(routes: RouteInfo[], peers: { readonly remoteAddresses: Set<string> }): Set<number> {
  const out = new Set<number>();
  for (const version of [4, 6] as const) {
    if (!tunnelDefault(routes, version)) continue;
    const candidates = routes.filter(
      (r) => r.isHost && r.dest?.version === version && isExternal(r.destClass) && !r.ifaceIsTunnel && isForwardingRoute(r),
    );
    for (const r of candidates) {
      const addr = r.dest ? addressInfo(r.dest.text.split('/')[0], version).text : '';
      // The peer set (one entry per remote address of 100k sockets) is only built when a candidate needs it.
      if (candidates.length === 1 || peers.remoteAddresses.has(addr)) out.add(r.index);
    }
  }
  return out;
}
