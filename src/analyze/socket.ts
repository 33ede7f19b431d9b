// One merged socket (sockets.ts merges the views into these). A 100k-socket host keeps 90k of them
// through the whole analysis, so a socket stores only what its first record does not already say.
import type { Connection, SocketView, SourceRef } from '../model.js';
import type { AddressInfo } from './address.js';
import type { SocketInfo } from './types.js';

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

/** Positive PIDs only: Windows prints 0 for TIME_WAIT (System Idle), tools print '-' (null). */
export function ownerPid(pid: number | null | undefined): number | null {
  return typeof pid === 'number' && pid > 0 ? pid : null;
}

/**
 * The socket's tuple as text: protocol|local|lport|remote|rport ('*' for an absent port; '*' and 0
 * of an absent peer are the same thing). Built only when an id is read (see Socket.id).
 */
export function tupleKey(protocol: string, local: string, localPort: number | null, remote: string, remotePort: number | null): string {
  return `${protocol}|${local}|${localPort ?? '*'}|${remote}|${remotePort ?? '*'}`;
}

/** The remote port as the socket keeps it: null for an absent peer's '*' or 0. */
export function peerPort(c: Connection, remote: AddressInfo): number | null {
  return remote.cls === 'unspecified' && !c.remotePort ? null : c.remotePort;
}

/** The record's line plus the lines that name its owner (Windows -b blocks). */
function sourceRefs(c: Connection): SourceRef[] {
  if (!c.ownerLines || c.ownerLines.length === 0) return [c.source];
  return [c.source, ...c.ownerLines.map((line) => ({ artifact: c.source.artifact, line }))];
}

// Direction flags and the owner number (#n of the id) in one small integer: see Socket.bits.
const LISTENING = 1;
const OUTBOUND = 2;
const INBOUND = 4;
const OWNER_SHIFT = 3;

/** What a socket holds once it is more than its one record says (see Socket.more). */
interface More {
  /** Every record, the first one first. */
  list: Connection[];
  pid: number | null;
  state: string | null;
  processName: string | null;
}

/**
 * A merged socket. Nearly every socket is one record, its pid, state and process name that record's:
 * those are read from `primary` until a second record joins or a value is set that differs (then
 * `more` holds them). The tuple fields every record shares (protocol, ipVersion, ports) are read
 * from the first record, views and refs from the records, and the direction flags and the owner
 * number share one integer: 7 fields instead of 20 (~8 MB of a 90k-socket heap that lived through
 * the whole analysis).
 */
export class Socket implements SocketInfo {
  primary: Connection;
  proc: SocketInfo['proc'] = null;
  private more: More | null = null;
  /** LISTENING | OUTBOUND | INBOUND, plus the owner number << OWNER_SHIFT. */
  private bits: number;

  constructor(
    /** How many sockets of the same tuple came before (other owners): the id's #n. */
    owner: number,
    c: Connection,
    public local: AddressInfo,
    public remote: AddressInfo,
    pid: number | null,
  ) {
    this.primary = c;
    this.bits = owner * (1 << OWNER_SHIFT);
    if (pid !== ownerPid(c.pid)) this.extend().pid = pid;
  }

  /** `more`, made from the one record's values when missing. */
  private extend(): More {
    this.more ??= { list: [this.primary], pid: ownerPid(this.primary.pid), state: this.primary.state ?? null, processName: this.primary.process ?? null };
    return this.more;
  }

  /** The record that made the socket: its tuple is every record's tuple (sameTuple). */
  private get first(): Connection {
    return this.more === null ? this.primary : (this.more.list[0] as Connection);
  }

  get pid(): number | null {
    return this.more === null ? ownerPid(this.primary.pid) : this.more.pid;
  }

  set pid(pid: number | null) {
    if (this.more !== null || pid !== ownerPid(this.primary.pid)) this.extend().pid = pid;
  }

  get state(): string | null {
    return this.more === null ? (this.primary.state ?? null) : this.more.state;
  }

  set state(state: string | null) {
    if (this.more !== null || state !== (this.primary.state ?? null)) this.extend().state = state;
  }

  get processName(): string | null {
    return this.more === null ? (this.primary.process ?? null) : this.more.processName;
  }

  set processName(name: string | null) {
    if (this.more !== null || name !== (this.primary.process ?? null)) this.extend().processName = name;
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

  /** Stable id: the tuple key, plus #n for further owners of the same tuple (built when read: few are cited). */
  get id(): string {
    const key = tupleKey(this.protocol, this.local.text, this.localPort, this.remote.text, this.remotePort);
    const owner = this.owner;
    return owner === 0 ? key : `${key}#${owner}`;
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
    if (this.more === null) return ONE_VIEW[this.primary.view] ?? [this.primary.view];
    const out: SocketView[] = [];
    for (const c of this.more.list) if (!out.includes(c.view)) out.push(c.view);
    return out;
  }

  get records(): Connection[] {
    return this.more === null ? [this.primary] : this.more.list;
  }

  /** Every record's lines, in record order (built when read: rules cite a few thousand sockets). */
  get refs(): SourceRef[] {
    if (this.more === null) return sourceRefs(this.primary);
    const out: SourceRef[] = [];
    for (const c of this.more.list) out.push(...sourceRefs(c));
    return out;
  }

  /** A further record (before `primary` may change: the values so far are kept). */
  add(c: Connection): void {
    this.extend().list.push(c);
  }
}
