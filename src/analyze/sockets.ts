// Merge the views of one socket (netstat, ss, lsof, /proc) into a SocketInfo, so port and process
// rules report each socket once while keeping every source line as a reference.
import type { Connection, SocketView } from '../model.js';
import { makeAddressCache } from './address.js';
import { ownerPid, peerPort, Socket, tupleKey } from './socket.js';
import type { SocketInfo } from './types.js';

const VIEW_RANK: Record<SocketView, number> = { netstat: 0, ss: 1, lsof: 2, proc: 3 };

/** TCP states in which the socket has a peer. */
const CONNECTED_TCP = new Set(['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK', 'TIME_WAIT']);

/** Every PID seen owning a socket (ss lists all holders); kept aside, only rules read SocketInfo. */
type Owners = Map<SocketInfo, Set<number>>;

// FNV-1a over the characters tupleKey would build, without building it: 90k key strings and a Map
// of them were ~10% of a 100k-socket analysis and kept ~8 MB alive to the end.
const FNV_OFFSET = 0x811c9dc5;
const BAR = 124; // '|'
const STAR = 42; // '*'

function hashText(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}

function hashChar(h: number, c: number): number {
  return Math.imul(h ^ c, 16777619);
}

/** The decimal digits String(n) prints (any other value through String), or '*' for null. */
function hashPort(h: number, n: number | null): number {
  if (n === null || n === undefined) return hashChar(h, STAR);
  if (!(Number.isSafeInteger(n) && n >= 0)) return hashText(h, String(n));
  let div = 1;
  while (div * 10 <= n) div *= 10;
  for (; div >= 1; div = Math.floor(div / 10)) h = hashChar(h, 48 + (Math.floor(n / div) % 10));
  return h;
}

function tupleHash(protocol: string, local: string, localPort: number | null, remote: string, remotePort: number | null): number {
  let h = hashChar(hashText(FNV_OFFSET, protocol), BAR);
  h = hashChar(hashText(h, local), BAR);
  h = hashChar(hashPort(h, localPort), BAR);
  h = hashChar(hashText(h, remote), BAR);
  return hashPort(h, remotePort) & 0x3fffffff;
}

/** The same hash from the key text (an id without its #n suffix); exported for the collision test. */
export function textHash(key: string): number {
  return hashText(FNV_OFFSET, key) & 0x3fffffff;
}

/**
 * Sockets by tuple hash: open addressing over socket numbers (seq + 1, 0 empty) in a table at most
 * half full, and each socket's hash. Typed arrays instead of a Map of 90k entries (less to allocate
 * and to collect). The owners of one tuple follow each other along the probe in creation order.
 */
interface TupleIndex { slots: Int32Array; mask: number; hashes: Int32Array; sockets: Socket[] }

function newIndex(records: number, sockets: Socket[]): TupleIndex {
  let size = 1024;
  while (size < records * 2) size *= 2;
  return { slots: new Int32Array(size), mask: size - 1, hashes: new Int32Array(Math.max(1, records)), sockets };
}

/** The index of each merged list, for socketsWithIds (rules cite a few thousand sockets of 100k). */
const indexes = new WeakMap<SocketInfo[], TupleIndex>();

/**
 * Deduplicate across views: records with the same tuple and compatible owners (same PID, or one side
 * unknown) are one socket. /proc records get their PID through the inode → PID map.
 */
export function mergeSockets(connections: Connection[], pidByInode: Map<number, number>): SocketInfo[] {
  const addr = makeAddressCache();
  const all: Socket[] = [];
  const index = newIndex(connections.length, all);
  const { slots, mask, hashes } = index;
  const owners: Owners = new Map();
  const compatible = (s: SocketInfo, pid: number | null): boolean =>
    s.pid === null || pid === null || s.pid === pid || owners.get(s)?.has(pid) === true;
  for (const c of connections) {
    const local = addr(c.localAddress, c.ipVersion);
    const remote = addr(c.remoteAddress, c.ipVersion);
    const remotePort = peerPort(c, remote);
    const h = tupleHash(c.protocol, local.text, c.localPort, remote.text, remotePort);
    const pid = ownerPid(c.pid) ?? (c.inode ? (pidByInode.get(c.inode) ?? null) : null);
    // The sockets of this tuple in creation order (the first is #0): the first compatible one takes the record.
    let same = 0;
    let match: Socket | undefined;
    let key: string | null = null;
    let slot = h & mask;
    for (let n = slots[slot] as number; n !== 0; slot = (slot + 1) & mask, n = slots[slot] as number) {
      if (hashes[n - 1] !== h) continue;
      const s = all[n - 1] as Socket;
      if (!s.sameTuple(c.protocol, local.text, c.localPort, remote.text, remotePort, () => (key ??= tupleKey(c.protocol, local.text, c.localPort, remote.text, remotePort)))) continue;
      same++;
      if (compatible(s, pid)) {
        match = s;
        break;
      }
    }
    if (match) {
      addRecord(match, c, pid, owners);
      continue;
    }
    const socket = new Socket(same, c, local, remote, pid);
    if (c.owners && c.owners.length > 1) for (const o of c.owners) if (ownerPid(o.pid) !== null) addOwner(owners, socket, o.pid);
    // The probe stopped at the first empty slot: the new socket goes there.
    slots[slot] = all.length + 1;
    hashes[all.length] = h;
    all.push(socket);
  }
  classifyDirection(all);
  indexes.set(all, index);
  return all;
}

/**
 * The sockets with these ids, in the order of `sockets`. Through the tuple index of a merged list
 * (no id string per socket); a list built otherwise (tests) is scanned.
 */
export function socketsWithIds(sockets: SocketInfo[], ids: Iterable<string>): Map<string, SocketInfo> {
  const wanted = new Set(ids);
  const out = new Map<string, SocketInfo>();
  if (wanted.size === 0) return out;
  const index = indexes.get(sockets);
  if (!index) {
    for (const s of sockets) if (wanted.has(s.id)) out.set(s.id, s);
    return out;
  }
  // Socket numbers (the position in the merged list) of the sockets found.
  const found: number[] = [];
  const { slots, mask, hashes } = index;
  for (const id of wanted) {
    // A tuple key ends in a port or '*', never in #digits: the suffix is the owner number.
    const h = textHash(id.replace(/#\d+$/, ''));
    for (let slot = h & mask, n = slots[slot] as number; n !== 0; slot = (slot + 1) & mask, n = slots[slot] as number) {
      const s = index.sockets[n - 1] as Socket;
      if (hashes[n - 1] === h && s.id === id) found.push(n - 1);
    }
  }
  found.sort((a, b) => a - b);
  for (const seq of found) {
    const s = index.sockets[seq] as Socket;
    out.set(s.id, s);
  }
  return out;
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
