// Small helpers shared by rules: describing sockets and processes in finding details, and building
// hits with their references and allow-list facts.
import { endpoint, isExternal, withZone } from './address.js';
import { safeText } from './names.js';
import type { AnalysisContext, OsFamily, ProcessInfo, RuleHit, SocketInfo } from './types.js';
import type { ProcessFactField, Severity, SourceRef } from '../model.js';

/** "tcp 0.0.0.0:1337 LISTEN" or "tcp 10.0.0.5:50000 -> 203.0.113.7:4444 ESTABLISHED". */
export function describeSocket(s: SocketInfo): string {
  const local = endpoint(withZone(s.local.text, s.primary.localAddress), s.localPort);
  const proto = `${s.protocol}${s.ipVersion === 6 ? '6' : ''}`;
  const state = s.state ? ` ${s.state}` : '';
  if (s.listening) return `${proto} ${local}${state || ' (bound)'}`;
  return `${proto} ${local} -> ${endpoint(withZone(s.remote.text, s.primary.remoteAddress), s.remotePort)}${state}`;
}

/** 'process "sshd" (pid 812)', 'pid 812', or 'no owning process shown'. */
export function describeOwner(s: SocketInfo): string {
  const name = s.processName ?? s.proc?.name ?? null;
  if (s.pid === null) return name ? `process "${safeText(name)}" (pid unknown)` : 'no owning process shown';
  return name ? `process "${safeText(name)}" (pid ${s.pid})` : `pid ${s.pid}`;
}

export function describeProcess(p: ProcessInfo): string {
  const name = p.name ? `"${safeText(p.name)}" ` : '';
  const exe = p.exe ? `, exe ${safeText(p.exe)}` : '';
  const user = p.facts?.user ? `, user ${safeText(p.facts.user)}` : '';
  return `process ${name}(pid ${p.pid}${exe}${user})`;
}

/** "tcp 0.0.0.0:1337 LISTEN; tcp 10.0.2.15:1337 -> 203.0.113.66:49812 ESTABLISHED" (the first `max`, then "and others"). */
export function describeSockets(sockets: SocketInfo[], max = 5): string {
  const head = sockets.slice(0, max).map(describeSocket).join('; ');
  return sockets.length > max ? `${head} and others` : head;
}

/**
 * The lines of the process-facts artifact behind what `detail` states about the process (name from
 * comm, exe, user, parent, command line, start time): one JSON line per process, or in the older
 * array format the line of "pid" plus the line of each stated key.
 */
export function processFactRefs(p: ProcessInfo | null | undefined, detail: string): SourceRef[] {
  const f = p?.facts;
  if (!f?.source) return [];
  const stated: ProcessFactField[] = [];
  if (f.comm && detail.includes(`"${safeText(f.comm)}"`)) stated.push('comm');
  if (p?.exe && detail.includes(safeText(p.exe))) stated.push('exe');
  if (f.exeDeleted && /deleted|memfd/.test(detail)) stated.push('exeDeleted');
  if (f.user && detail.includes(`user ${safeText(f.user)}`)) stated.push('user');
  if (f.ppid !== null && detail.includes(`parent is pid ${f.ppid}`)) stated.push('ppid');
  if (f.cmdline && detail.includes('command line')) stated.push('cmdline');
  if (f.startTime && detail.includes(f.startTime)) stated.push('startTime');
  if (stated.length === 0) return [];
  const refs: SourceRef[] = [f.source];
  for (const field of stated) {
    const line = f.fieldLines?.[field];
    if (line !== undefined) refs.push({ artifact: f.source.artifact, line });
  }
  return refs;
}

/** A hit about one socket, with its references from every view. */
export function socketHit(s: SocketInfo, detail: string, severity?: Severity, note?: string): RuleHit {
  const ports = [s.localPort, s.remotePort].filter((p): p is number => p !== null);
  return {
    detail,
    refs: [...s.refs, ...processFactRefs(s.proc, detail)],
    severity,
    subject: 'connection',
    pid: s.pid,
    process: s.processName,
    note,
    facts: {
      process: s.processName,
      pid: s.pid,
      ports,
      addresses: [s.local.text, s.remote.text],
    },
    socketIds: [s.id],
  };
}

/** A hit about a process and some of its sockets (refs of those sockets, at most 50). */
export function processHit(p: ProcessInfo, sockets: SocketInfo[], detail: string, severity?: Severity, note?: string): RuleHit {
  const refs: SourceRef[] = processFactRefs(p, detail);
  for (const s of sockets.slice(0, 50)) refs.push(...s.refs);
  const ports = new Set<number>();
  const addresses = new Set<string>();
  for (const s of sockets) {
    if (s.localPort !== null) ports.add(s.localPort);
    if (s.remotePort !== null) ports.add(s.remotePort);
    addresses.add(s.local.text);
    addresses.add(s.remote.text);
  }
  return {
    detail,
    refs,
    severity,
    subject: 'process',
    pid: p.pid,
    process: p.name,
    note,
    facts: { process: p.name, pid: p.pid, ports: [...ports], addresses: [...addresses] },
    socketIds: sockets.map((s) => s.id),
  };
}

/** Process keys (normalised names) of a socket's owner, from every source. */
export function ownerKeys(s: SocketInfo): string[] {
  if (s.proc) return s.proc.keys;
  const key = s.processName?.toLowerCase().replace(/\.exe$/, '');
  return key ? [key] : [];
}

/** Whether the OS family is one of the given ones (unknown hosts match everything). */
export function osIs(ctx: AnalysisContext, ...families: OsFamily[]): boolean {
  return ctx.os === 'unknown' || families.includes(ctx.os);
}

/** Sockets this host initiated to a peer outside its internal ranges (public, documentation, benchmarking). */
export function isPublicOutbound(s: SocketInfo): boolean {
  return s.outbound && isExternal(s.remote.cls);
}

/** Bound to every address (0.0.0.0, ::) or to a specific non-loopback address. */
export function reachableFromNetwork(s: SocketInfo): boolean {
  return s.local.cls !== 'loopback';
}

export function isAllInterfaces(s: SocketInfo): boolean {
  return s.local.cls === 'unspecified';
}

/** Listing of ports for details: "22, 80, 443" (first 20, then "and others": the cited lines show them). */
export function listPorts(ports: number[]): string {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  const head = sorted.slice(0, 20).join(', ');
  return sorted.length > 20 ? `${head} and others` : head;
}

/** Group sockets by owning PID (null PIDs under -1), keeping first-seen order. */
export function groupByPid(sockets: SocketInfo[]): Map<number, SocketInfo[]> {
  const out = new Map<number, SocketInfo[]>();
  for (const s of sockets) {
    const k = s.pid ?? -1;
    const list = out.get(k) ?? [];
    list.push(s);
    out.set(k, list);
  }
  return out;
}
