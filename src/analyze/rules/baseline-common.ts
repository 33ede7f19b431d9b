// Keys for comparing a capture with its baseline: PIDs and ephemeral ports change between captures,
// so listeners compare by protocol, port and program name, routes by destination.
import { procKey } from '../names.js';
import { serviceName } from '../services.js';
import type { AnalysisContext, RouteInfo, SocketInfo } from '../types.js';

/** TCP listeners, and UDP bound on well-known ports (other UDP ports are client sockets). */
export function comparableListeners(ctx: AnalysisContext): SocketInfo[] {
  return ctx.listeners.filter((s) => s.localPort !== null && (s.protocol === 'tcp' || (s.protocol === 'udp' && serviceName(s.localPort) !== null)));
}

export function programKey(s: SocketInfo): string {
  return procKey(s.processName ?? s.proc?.name) ?? '?';
}

export function listenerKey(s: SocketInfo): string {
  return `${s.protocol}|${s.localPort}|${programKey(s)}`;
}

export function groupListeners(ctx: AnalysisContext): Map<string, SocketInfo[]> {
  const out = new Map<string, SocketInfo[]>();
  for (const s of comparableListeners(ctx)) {
    const k = listenerKey(s);
    out.set(k, [...(out.get(k) ?? []), s]);
  }
  return out;
}

/** Routes that matter for a diff: not the kernel's own IPv6 reject routes. */
export function routeGroups(ctx: AnalysisContext): Map<string, RouteInfo[]> {
  const out = new Map<string, RouteInfo[]>();
  for (const r of ctx.routes) {
    if (r.isKernelReject) continue;
    const k = `${r.dest?.text ?? r.route.destination}|${r.route.type ?? 'unicast'}|${r.route.persistent ? 'persistent' : 'active'}`;
    out.set(k, [...(out.get(k) ?? []), r]);
  }
  return out;
}

export function nextHops(routes: RouteInfo[]): string {
  return [...new Set(routes.map((r) => `${r.gateway?.text ?? 'on-link'}${r.iface ? ` dev ${r.iface}` : ''}`))].sort().join(', ');
}
