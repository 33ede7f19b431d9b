// Build the context every rule reads: merged sockets, processes joined by PID (and inode for /proc
// records), enriched routes, the OS family and whether collection was privileged.
import type { Acquisition, Connection, OsName, ProcessFacts, Route } from '../model.js';
import { basename, looksLikePath, procKey } from './names.js';
import { enrichRoutes } from './route-info.js';
import { listeningPorts, mergeSockets } from './sockets.js';
import type { AnalysisContext, OsFamily, ProcessInfo, SocketInfo } from './types.js';
import type { AnalysisInput } from './index.js';

function familyOf(os: OsName | string | null | undefined): OsFamily {
  const s = (os ?? '').toLowerCase();
  if (s.startsWith('linux')) return 'linux';
  if (s.startsWith('windows') || s === 'win') return 'windows';
  if (s.startsWith('macos') || s.startsWith('darwin') || s.startsWith('freebsd') || s.startsWith('bsd') || s === 'osx') return 'bsd';
  return 'unknown';
}

/** The host's OS: acquisition host facts, else the parsers' formats, else imports' stated OS. */
export function inferOs(acq: Acquisition, connections: Connection[], routes: Route[], processes: ProcessFacts[]): OsFamily {
  const fromHost = familyOf(acq.host?.os);
  if (fromHost !== 'unknown') return fromHost;
  const votes: Record<OsFamily, number> = { linux: 0, windows: 0, bsd: 0, unknown: 0 };
  const formats = new Set<string>();
  for (const c of connections) formats.add(c.format);
  for (const r of routes) formats.add(r.format);
  for (const f of formats) votes[familyOf(f.replace(/^(macos|osx)/, 'bsd'))]++;
  for (const imp of acq.imports ?? []) votes[familyOf(imp.statedOs)]++;
  if (processes.some((p) => p.socketInodes.length > 0)) votes.linux++;
  const ranked = (['linux', 'windows', 'bsd'] as const).filter((f) => votes[f] > 0).sort((a, b) => votes[b] - votes[a]);
  return ranked[0] ?? 'unknown';
}

/**
 * Whether collection could see every process's sockets. Imports carry no privilege record: a stated
 * "sudo" command, or root-owned sockets printed with their PID, show the capture was privileged.
 */
export function inferPrivileged(acq: Acquisition, connections: Connection[]): boolean | null {
  if (acq.privileges) return acq.privileges.privileged;
  if ((acq.imports ?? []).some((i) => /\bsudo\b|\brunas\b/i.test(i.statedCommand ?? ''))) return true;
  if (connections.some((c) => (c.uid === 0 || c.user === 'root') && c.pid !== null && c.pid > 0)) return true;
  return null;
}

function cleanExe(exe: string | null): string | null {
  if (!exe) return null;
  return exe.replace(/ \(deleted\)$/, '');
}

// Names repeat across thousands of sockets: normalise each distinct name once.
const keyCache = new Map<string, string | null>();

function cachedKey(raw: string): string | null {
  let key = keyCache.get(raw);
  if (key === undefined) {
    key = procKey(raw);
    if (keyCache.size > 50_000) keyCache.clear();
    keyCache.set(raw, key);
  }
  return key;
}

function addName(p: ProcessInfo, raw: string | null | undefined): void {
  if (!raw) return;
  if (p.rawNames.includes(raw)) return;
  p.rawNames.push(raw);
  const key = cachedKey(raw);
  if (key && !p.keys.includes(key)) p.keys.push(key);
}

/** One ProcessInfo per PID: socket owners plus every PID the /proc facts describe. */
function joinProcesses(sockets: SocketInfo[], facts: ProcessFacts[], os: OsFamily): Map<number, ProcessInfo> {
  const byPid = new Map<number, ProcessInfo>();
  const factsByPid = new Map<number, ProcessFacts>();
  for (const f of facts) factsByPid.set(f.pid, f);
  const get = (pid: number): ProcessInfo => {
    let p = byPid.get(pid);
    if (!p) {
      const f = factsByPid.get(pid) ?? null;
      p = { pid, name: null, keys: [], rawNames: [], listedNames: 0, facts: f, exe: cleanExe(f?.exe ?? null), sockets: [] };
      byPid.set(pid, p);
    }
    return p;
  };
  for (const s of sockets) {
    if (s.pid === null) continue;
    const p = get(s.pid);
    p.sockets.push(s);
    s.proc = p;
    for (const r of s.records) {
      if (r.pid === s.pid || (r.pid === null && r.process === null)) addName(p, r.process);
      for (const o of r.owners ?? []) if (o.pid === s.pid) addName(p, o.process);
    }
    if (p.name === null && s.processName) p.name = s.processName;
  }
  for (const f of facts) get(f.pid);
  for (const p of byPid.values()) {
    p.listedNames = p.rawNames.length;
    const f = p.facts;
    addName(p, f?.comm);
    if (p.exe) addName(p, basename(p.exe));
    const argv0 = f?.cmdline?.[0];
    // "[kworker/0:2]" is a title, not a path: only paths are cut to their basename.
    if (argv0) addName(p, looksLikePath(argv0) ? basename(argv0) : argv0);
    if (os === 'windows' && p.pid === 4 && p.rawNames.length === 0) addName(p, 'System');
    p.name ??= f?.comm ?? (p.exe ? basename(p.exe) : null) ?? p.rawNames[0] ?? null;
  }
  for (const s of sockets) if (s.processName === null && s.proc) s.processName = s.proc.name;
  return byPid;
}

export function buildContext(input: AnalysisInput, baseline: AnalysisContext | null, baselineLabel: string): AnalysisContext {
  const { acquisition, connections, routes, processes, interfaces } = input;
  const os = inferOs(acquisition, connections, routes, processes);
  const pidByInode = new Map<number, number>();
  for (const f of processes) for (const inode of f.socketInodes) pidByInode.set(inode, f.pid);
  const sockets = mergeSockets(connections, pidByInode);
  const procMap = joinProcesses(sockets, processes, os);
  // Only route rules read the remote addresses (VPN endpoints): collected on first use.
  let remoteAddresses: Set<string> | null = null;
  return {
    acquisition,
    os,
    privileged: inferPrivileged(acquisition, connections),
    connections,
    sockets,
    listeners: sockets.filter((s) => s.listening),
    listenPorts: listeningPorts(sockets),
    processes: procMap,
    processList: [...procMap.values()].sort((a, b) => a.pid - b.pid),
    routes: enrichRoutes(routes),
    routeRecords: routes,
    interfaces,
    views: new Set(connections.map((c) => c.view)),
    get remoteAddresses(): Set<string> {
      if (remoteAddresses === null) {
        remoteAddresses = new Set();
        for (const s of sockets) if (s.remote.cls !== 'unspecified') remoteAddresses.add(s.remote.text);
      }
      return remoteAddresses;
    },
    baseline,
    baselineLabel,
  };
}
