// Merge the views of one socket (netstat, ss, lsof, /proc) into a SocketInfo, so port and process
// rules report each socket once while keeping every source line as a reference.
import type { Connection, SocketView, SourceRef } from '../model.js';
import { makeAddressCache, type AddressInfo } from './address.js';
import type { SocketInfo } from './types.js';

const VIEW_RANK: Record<SocketView, number> = { netstat: 0, ss: 1, lsof: 2, proc: 3 };

/** TCP states in which the socket has a peer. */
const CONNECTED_TCP = new Set(['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK', 'TIME_WAIT']);

/**
 * One shared, frozen list per view: nearly every socket is seen by one view, and 100k one-element
 * arrays were ~5 MB of heap. addRecord replaces (never mutates) the list when a second view joins.
 */
const ONE_VIEW: Record<SocketView, SocketView[]> = {
  netstat: Object.freeze(['netstat']) as SocketView[],
  ss: Object.freeze(['ss']) as SocketView[],
  lsof: Object.freeze(['lsof']) as SocketView[],
  proc: Object.freeze(['proc']) as SocketView[],
};

/** Every PID seen owning a socket (ss lists all holders); kept aside, only rules read SocketInfo. */
type Owners = Map<SocketInfo, Set<number>>;

/** Positive PIDs only: Windows prints 0 for TIME_WAIT (System Idle), tools print '-' (null). */
function ownerPid(pid: number | null | undefined): number | null {
  return typeof pid === 'number' && pid > 0 ? pid : null;
}

/** The address/port tuple of a record; '*' and 0 of an absent peer are the same thing. */
function tupleKey(c: Connection, local: AddressInfo, remote: AddressInfo): string {
  const rport = remote.cls === 'unspecified' && !c.remotePort ? '*' : String(c.remotePort ?? '*');
  return `${c.protocol}|${local.text}|${c.localPort ?? '*'}|${remote.text}|${rport}`;
}

/**
 * Deduplicate across views: records with the same tuple and compatible owners (same PID, or one side
 * unknown) are one socket. /proc records get their PID through the inode → PID map.
 */
export function mergeSockets(connections: Connection[], pidByInode: Map<number, number>): SocketInfo[] {
  const addr = makeAddressCache();
  // One socket per tuple is the rule; a list only when several owners share a tuple.
  const first = new Map<string, Socket>();
  const more = new Map<string, Socket[]>();
  const all: Socket[] = [];
  const owners: Owners = new Map();
  const compatible = (s: SocketInfo, pid: number | null): boolean =>
    s.pid === null || pid === null || s.pid === pid || owners.get(s)?.has(pid) === true;
  for (const c of connections) {
    const local = addr(c.localAddress, c.ipVersion);
    const remote = addr(c.remoteAddress, c.ipVersion);
    const key = tupleKey(c, local, remote);
    const pid = ownerPid(c.pid) ?? (c.inode ? (pidByInode.get(c.inode) ?? null) : null);
    const head = first.get(key);
    let match: Socket | undefined;
    if (head) match = compatible(head, pid) ? head : more.get(key)?.find((s) => compatible(s, pid));
    if (match) {
      addRecord(match, c, pid, owners);
      continue;
    }
    const n = head ? (more.get(key)?.length ?? 0) + 1 : 0;
    const socket = new Socket(n === 0 ? key : `${key}#${n}`, c, local, remote, pid);
    if (c.owners && c.owners.length > 1) for (const o of c.owners) if (ownerPid(o.pid) !== null) addOwner(owners, socket, o.pid);
    if (!head) first.set(key, socket);
    else more.set(key, [...(more.get(key) ?? []), socket]);
    all.push(socket);
  }
  classifyDirection(all);
  return all;
}

/**
 * A merged socket. Nearly every socket has one record: its `records` and `refs` lists are built when
 * read until a second record joins (two arrays fewer per socket: ~10 MB of a 100k-socket heap).
 */
class Socket implements SocketInfo {
  primary: Connection;
  views: SocketView[];
  protocol: Connection['protocol'];
  ipVersion: 4 | 6;
  localPort: number | null;
  remotePort: number | null;
  state: string | null;
  processName: string | null;
  proc: SocketInfo['proc'] = null;
  listening = false;
  outbound = false;
  inbound = false;
  /** Every record and reference once there is more than one record; null while `primary` is the only one. */
  list: Connection[] | null = null;
  refList: SourceRef[] | null = null;

  constructor(
    public id: string,
    c: Connection,
    public local: AddressInfo,
    public remote: AddressInfo,
    public pid: number | null,
  ) {
    this.primary = c;
    this.views = ONE_VIEW[c.view] ?? [c.view];
    this.protocol = c.protocol;
    this.ipVersion = c.ipVersion;
    this.localPort = c.localPort;
    this.remotePort = remote.cls === 'unspecified' && !c.remotePort ? null : c.remotePort;
    this.state = c.state ?? null;
    this.processName = c.process ?? null;
  }

  get records(): Connection[] {
    return this.list ?? [this.primary];
  }

  get refs(): SourceRef[] {
    return this.refList ?? sourceRefs(this.primary);
  }

  /** A second record: the lists become real (before `primary` may change). */
  add(c: Connection): void {
    if (this.list === null || this.refList === null) {
      this.list = [this.primary];
      this.refList = sourceRefs(this.primary);
    }
    this.list.push(c);
    this.refList.push(...sourceRefs(c));
  }
}

/** The record's line plus the lines that name its owner (Windows -b blocks). */
function sourceRefs(c: Connection): SourceRef[] {
  if (!c.ownerLines || c.ownerLines.length === 0) return [c.source];
  return [c.source, ...c.ownerLines.map((line) => ({ artifact: c.source.artifact, line }))];
}

function addOwner(owners: Owners, s: SocketInfo, pid: number): void {
  let set = owners.get(s);
  if (!set) {
    set = new Set();
    owners.set(s, set);
  }
  set.add(pid);
}

function addRecord(s: Socket, c: Connection, pid: number | null, owners: Owners): void {
  s.add(c);
  if (!s.views.includes(c.view)) s.views = [...s.views, c.view];
  if (VIEW_RANK[c.view] < VIEW_RANK[s.primary.view]) s.primary = c;
  if (pid !== null) {
    if (s.pid === null) s.pid = pid;
    else if (s.pid !== pid) addOwner(owners, s, pid);
  }
  if (c.owners && c.owners.length > 1) for (const o of c.owners) if (ownerPid(o.pid) !== null) addOwner(owners, s, o.pid);
  if (c.process && (s.processName === null || VIEW_RANK[c.view] < VIEW_RANK[viewOfName(s)])) {
    s.processName = c.process;
  }
  if (s.state === null || c === s.primary) s.state = c.state ?? s.state;
}

function viewOfName(s: SocketInfo): SocketView {
  const owner = s.records.find((r) => r.process === s.processName);
  return owner ? owner.view : 'proc';
}

function hasPeer(s: SocketInfo): boolean {
  return s.remote.cls !== 'unspecified' || (s.remotePort !== null && s.remotePort !== 0);
}

/** LISTEN / bound UDP, then inbound (accepted on a local listening port) vs outbound. */
function classifyDirection(sockets: SocketInfo[]): void {
  // protocol|port as one number (no string per socket) for the integer ports every parser gives.
  const portKey = (s: SocketInfo): number | string => {
    const p = s.localPort as number;
    return Number.isSafeInteger(p) && p >= 0 ? p * 4 + (s.protocol === 'tcp' ? 0 : s.protocol === 'udp' ? 1 : 2) : `${s.protocol}|${p}`;
  };
  const listenPorts = new Set<number | string>();
  for (const s of sockets) {
    s.listening = s.protocol === 'tcp' ? s.state === 'LISTEN' : !hasPeer(s);
    if (s.listening && s.localPort !== null) listenPorts.add(portKey(s));
  }
  for (const s of sockets) {
    if (s.listening) continue;
    const connected = s.protocol === 'tcp' ? CONNECTED_TCP.has(s.state ?? '') : hasPeer(s);
    if (!connected) continue;
    s.inbound = s.localPort !== null && listenPorts.has(portKey(s));
    s.outbound = !s.inbound;
  }
}

/** protocol|port of every listening socket. */
export function listeningPorts(sockets: SocketInfo[]): Set<string> {
  const out = new Set<string>();
  for (const s of sockets) if (s.listening && s.localPort !== null) out.add(`${s.protocol}|${s.localPort}`);
  return out;
}
