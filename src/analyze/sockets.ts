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
 * arrays were ~5 MB of heap. A socket of several records lists their views when read (Socket.views).
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

/**
 * The socket's tuple as text: protocol|local|lport|remote|rport ('*' for an absent port; '*' and 0
 * of an absent peer are the same thing). Built only when an id is read (see Socket.id).
 */
function tupleKey(protocol: string, local: string, localPort: number | null, remote: string, remotePort: number | null): string {
  return `${protocol}|${local}|${localPort ?? '*'}|${remote}|${remotePort ?? '*'}`;
}

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

/** The remote port as the socket keeps it: null for an absent peer's '*' or 0. */
function peerPort(c: Connection, remote: AddressInfo): number | null {
  return remote.cls === 'unspecified' && !c.remotePort ? null : c.remotePort;
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

// Direction flags and the owner number (#n of the id) in one small integer: see Socket.bits.
const LISTENING = 1;
const OUTBOUND = 2;
const INBOUND = 4;
const OWNER_SHIFT = 3;

/**
 * A merged socket. Nearly every socket has one record: its `records` and `refs` lists are built when
 * read until a second record joins (two arrays fewer per socket: ~10 MB of a 100k-socket heap).
 * The tuple fields every record of the socket shares (protocol, ipVersion, ports) are read from its
 * first record, its views from its records, and the three direction flags share one field: 10 fields
 * fewer per socket (~6.5 MB of a 90k-socket heap that lived through the whole analysis).
 */
class Socket implements SocketInfo {
  primary: Connection;
  state: string | null;
  processName: string | null;
  proc: SocketInfo['proc'] = null;
  /** Every record once there is more than one record (the first one first); null while `primary` is the only one. */
  list: Connection[] | null = null;
  /** The id, once read (most sockets are never cited). */
  private idText: string | null = null;
  /** LISTENING | OUTBOUND | INBOUND, plus the owner number << OWNER_SHIFT. */
  private bits: number;

  constructor(
    /** How many sockets of the same tuple came before (other owners): the id's #n. */
    owner: number,
    c: Connection,
    public local: AddressInfo,
    public remote: AddressInfo,
    public pid: number | null,
  ) {
    this.primary = c;
    this.state = c.state ?? null;
    this.processName = c.process ?? null;
    this.bits = owner * (1 << OWNER_SHIFT);
  }

  /** The record that made the socket: its tuple is every record's tuple (sameTuple). */
  private get first(): Connection {
    return this.list === null ? this.primary : (this.list[0] as Connection);
  }

  get protocol(): Connection['protocol'] {
    return this.first.protocol;
  }

  get ipVersion(): 4 | 6 {
    return this.first.ipVersion;
  }

  get localPort(): number | null {
    return this.first.localPort;
  }

  get remotePort(): number | null {
    return peerPort(this.first, this.remote);
  }

  private get owner(): number {
    return Math.floor(this.bits / (1 << OWNER_SHIFT));
  }

  private flag(bit: number, on: boolean): void {
    this.bits = on ? this.bits | bit : this.bits & ~bit;
  }

  get listening(): boolean {
    return (this.bits & LISTENING) !== 0;
  }

  set listening(on: boolean) {
    this.flag(LISTENING, on);
  }

  get outbound(): boolean {
    return (this.bits & OUTBOUND) !== 0;
  }

  set outbound(on: boolean) {
    this.flag(OUTBOUND, on);
  }

  get inbound(): boolean {
    return (this.bits & INBOUND) !== 0;
  }

  set inbound(on: boolean) {
    this.flag(INBOUND, on);
  }

  /** Stable id: the tuple key, plus #n for further owners of the same tuple. */
  get id(): string {
    if (this.idText === null) {
      const key = tupleKey(this.protocol, this.local.text, this.localPort, this.remote.text, this.remotePort);
      const owner = this.owner;
      this.idText = owner === 0 ? key : `${key}#${owner}`;
    }
    return this.idText;
  }

  /** Whether a record's tuple is this socket's (`key`: the record's tuple key, built once by the caller). */
  sameTuple(protocol: string, local: string, localPort: number | null, remote: string, remotePort: number | null, key: () => string): boolean {
    const first = this.first;
    const ownPeerPort = peerPort(first, this.remote);
    if (first.protocol === protocol && this.local.text === local && first.localPort === localPort && this.remote.text === remote && ownPeerPort === remotePort) return true;
    // Equal hashes of different fields: compare the texts (an address holding '|' could spell the same key).
    return tupleKey(first.protocol, this.local.text, first.localPort, this.remote.text, ownPeerPort) === key();
  }

  /** The views that printed the socket, in the order their records joined. */
  get views(): SocketView[] {
    if (this.list === null) return ONE_VIEW[this.primary.view] ?? [this.primary.view];
    const out: SocketView[] = [];
    for (const c of this.list) if (!out.includes(c.view)) out.push(c.view);
    return out;
  }

  get records(): Connection[] {
    return this.list ?? [this.primary];
  }

  /** Every record's lines, in record order (built when read: rules cite a few thousand sockets). */
  get refs(): SourceRef[] {
    if (this.list === null) return sourceRefs(this.primary);
    const out: SourceRef[] = [];
    for (const c of this.list) out.push(...sourceRefs(c));
    return out;
  }

  /** A second record: the list becomes real (before `primary` may change). */
  add(c: Connection): void {
    if (this.list === null) this.list = [this.primary];
    this.list.push(c);
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
