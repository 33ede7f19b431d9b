// Outputs for the report: one view per process (its sockets, ports, peers, findings) and an
// annotation per socket and per route linking them to the findings about them.
import type { Finding, Severity } from '../model.js';
import { endpoint, withZone } from './address.js';
import { safeText } from './names.js';
import { serviceName } from './services.js';
import { maxSeverity } from './severity.js';
import { socketsWithIds } from './sockets.js';
import type { AnalysisContext, ConnectionAnnotation, ProcessView, RouteAnnotation, RuleHit, SocketInfo } from './types.js';

const MAX_SOCKETS_PER_VIEW = 500;
const MAX_PEERS = 200;
// Most sockets have no finding: share one empty list instead of 100k (JSON output is the same).
const NONE: string[] = Object.freeze([]) as unknown as string[];

interface Links {
  bySocket: Map<string, Finding[]>;
  byRoute: Map<number, Finding[]>;
  byPid: Map<number, Finding[]>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Which findings talk about which socket, route and PID (suppressed findings do not colour them). */
export function linkFindings(findings: Finding[], hits: Map<string, RuleHit>): Links {
  const links: Links = { bySocket: new Map(), byRoute: new Map(), byPid: new Map() };
  for (const f of findings) {
    if (f.suppressed) continue;
    const hit = hits.get(f.id);
    for (const id of hit?.socketIds ?? []) push(links.bySocket, id, f);
    for (const i of hit?.routeIndexes ?? []) push(links.byRoute, i, f);
    if (typeof f.pid === 'number') push(links.byPid, f.pid, f);
  }
  return links;
}

/**
 * The first `n` distinct strings in sort() order ([...new Set(values)].sort().slice(0, n)), kept
 * while they are added: a busy process has thousands of peers and only 200 are listed, so neither a
 * set of all of them nor a sort of all of them is needed.
 */
export function smallestDistinct(n: number): { add(value: string): void; values(): string[] } {
  const out: string[] = [];
  return {
    add(v: string): void {
      if (out.length === n && v >= (out[n - 1] as string)) return;
      let lo = 0;
      let hi = out.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((out[mid] as string) < v) lo = mid + 1;
        else hi = mid;
      }
      if (out[lo] === v) return;
      out.splice(lo, 0, v);
      if (out.length > n) out.pop();
    },
    values: () => out.slice(),
  };
}

function worst(findings: Finding[] | undefined): Severity | null {
  let out: Severity | null = null;
  for (const f of findings ?? []) out = maxSeverity(out, f.severity);
  return out;
}

function remoteText(s: SocketInfo): string | null {
  return s.listening ? null : endpoint(withZone(s.remote.text, s.primary.remoteAddress), s.remotePort);
}

/**
 * `annotations` null: the views leave out their socket lists (socketCount still tells how many), and
 * only the processes findings name get one (a busy Windows host has 35,000 PIDs, a few thousand named).
 */
export function buildProcessViews(ctx: AnalysisContext, links: Links, annotations: ConnectionAnnotation[] | null): ProcessView[] {
  const bySocket = new Map<SocketInfo, ConnectionAnnotation>();
  if (annotations) ctx.sockets.forEach((s, i) => bySocket.set(s, annotations[i] as ConnectionAnnotation));
  const processes = annotations ? ctx.processList : ctx.processList.filter((p) => links.byPid.has(p.pid));
  const views: ProcessView[] = processes.map((p) => {
    const findings = links.byPid.get(p.pid) ?? [];
    const listening = new Set<number>();
    const peers = smallestDistinct(MAX_PEERS);
    for (const s of p.sockets) {
      if (s.listening && s.localPort !== null) listening.add(s.localPort);
      if (!s.listening && s.remote.cls !== 'unspecified') peers.add(s.remote.text);
    }
    const f = p.facts;
    return {
      pid: p.pid,
      process: p.name === null ? null : safeText(p.name),
      names: p.rawNames.map((n) => safeText(n)),
      exe: p.exe === null ? null : safeText(p.exe, 400),
      exeDeleted: f?.exeDeleted ?? false,
      user: f?.user ? safeText(f.user) : (p.sockets.find((s) => s.primary.user)?.primary.user ?? null),
      uid: f?.uid ?? null,
      ppid: f?.ppid ?? null,
      cmdline: f?.cmdline ? f.cmdline.map((a) => safeText(a, 400)) : null,
      startTime: f?.startTime ?? null,
      socketCount: p.sockets.length,
      ...(annotations ? { sockets: p.sockets.slice(0, MAX_SOCKETS_PER_VIEW).map((s) => bySocket.get(s) as ConnectionAnnotation) } : {}),
      listeningPorts: [...listening].sort((a, b) => a - b),
      remotePeers: peers.values(),
      findingIds: findings.map((x) => x.id),
      rules: [...new Set(findings.map((x) => x.rule))].sort(),
      maxSeverity: worst(findings),
    };
  });
  // Most severe first (two hits on one process already raised it), then by PID.
  const rank = (s: Severity | null): number => (s === null ? -1 : ['info', 'low', 'medium', 'high', 'critical'].indexOf(s));
  return views.sort((a, b) => rank(b.maxSeverity) - rank(a.maxSeverity) || a.pid - b.pid);
}

/** One annotation per socket; `markedOnly`: only the sockets findings point at. */
export function buildConnectionAnnotations(ctx: AnalysisContext, links: Links, markedOnly = false): ConnectionAnnotation[] {
  const names = new Map<string, string>();
  const safeName = (raw: string): string => {
    let v = names.get(raw);
    if (v === undefined) {
      v = safeText(raw);
      names.set(raw, v);
    }
    return v;
  };
  const sockets = markedOnly ? [...socketsWithIds(ctx.sockets, links.bySocket.keys()).values()] : ctx.sockets;
  return sockets.map((s) => {
    const findings = links.bySocket.get(s.id);
    return {
      id: s.id,
      source: s.primary.source,
      refs: s.refs,
      views: s.views,
      protocol: s.protocol,
      local: endpoint(withZone(s.local.text, s.primary.localAddress), s.localPort),
      remote: remoteText(s),
      state: s.state,
      pid: s.pid,
      process: s.processName === null ? null : safeName(s.processName),
      localClass: s.local.cls,
      remoteClass: s.remote.cls,
      mapped: s.local.mapped || s.remote.mapped,
      localService: serviceName(s.localPort),
      remoteService: s.listening ? null : serviceName(s.remotePort),
      direction: s.listening ? 'listen' : s.inbound ? 'inbound' : s.outbound ? 'outbound' : 'other',
      findingIds: findings ? findings.map((f) => f.id) : NONE,
      maxSeverity: worst(findings),
    };
  });
}

export function buildRouteAnnotations(ctx: AnalysisContext, links: Links): RouteAnnotation[] {
  return ctx.routes.map((r) => {
    const findings = links.byRoute.get(r.index);
    return {
      source: r.route.source,
      refs: r.refs,
      destination: safeText(r.route.destination),
      gateway: r.route.gateway === null ? null : safeText(r.route.gateway),
      interface: r.route.interface === null ? null : safeText(r.route.interface),
      kind: r.dest === null ? 'unknown' : r.isDefault ? 'default' : r.isHost ? 'host' : 'network',
      destinationClass: r.destClass,
      gatewayClass: r.gateway?.cls ?? null,
      reject: r.isReject,
      findingIds: (findings ?? []).map((f) => f.id),
      maxSeverity: worst(findings),
    };
  });
}
