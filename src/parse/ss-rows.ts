// Turning one `ss` row (columns after Send-Q) into a Connection, UnixSocket or OtherSocket.
import type { Connection, OtherSocket, SourceRef, UnixSocket } from '../model.js';
import { intAt } from './line-spans.js';
import { isDigits, netlinkOwner, parseEndpoint, parseExtras, type SsEndpoint, type SsExtras } from './ss-fields.js';

export const LINUX_SS_FORMAT = 'linux-ss';

/** ss state names (iproute2 sstate_name) → Linux netstat names; UNCONN has none for UDP/raw. */
const STATE_MAP = new Map<string, string | null>([
  ['ESTAB', 'ESTABLISHED'], ['SYN-SENT', 'SYN_SENT'], ['SYN-RECV', 'SYN_RECV'], ['FIN-WAIT-1', 'FIN_WAIT1'],
  ['FIN-WAIT-2', 'FIN_WAIT2'], ['TIME-WAIT', 'TIME_WAIT'], ['UNCONN', null], ['CLOSE-WAIT', 'CLOSE_WAIT'],
  ['LAST-ACK', 'LAST_ACK'], ['LISTEN', 'LISTEN'], ['CLOSING', 'CLOSING'], ['CLOSED', 'CLOSE'], ['UNKNOWN', null],
  ['NEW-SYN-RECV', 'NEW_SYN_RECV'], ['BOUND', null],
  // SCTP association states (sctp_sstate_name); only ever on sctp rows, kept as printed.
  ['COOKIE_WAIT', null], ['COOKIE_ECHOED', null], ['SHUTDOWN_PENDING', null], ['SHUTDOWN_SENT', null],
  ['SHUTDOWN_RECEIVED', null], ['SHUTDOWN_ACK_SENT', null],
]);
export const SS_STATES = new Set(STATE_MAP.keys());

const CONNECTION_PROTOCOLS = new Map<string, Connection['protocol']>([
  ['tcp', 'tcp'], ['udp', 'udp'], ['raw', 'raw'], ['icmp', 'raw'], ['icmp6', 'raw'],
]);
const UNIX_TYPES = new Map<string, string | null>([
  ['u_str', 'STREAM'], ['u_dgr', 'DGRAM'], ['u_seq', 'SEQPACKET'], ['unix', null],
]);
/** Every Netid iproute2 prints; rows with another first word are still read when a state follows. */
export const SS_NETIDS = new Set([
  ...CONNECTION_PROTOCOLS.keys(), ...UNIX_TYPES.keys(),
  'mptcp', 'sctp', 'dccp', 'nl', 'p_raw', 'p_dgr', 'v_str', 'v_dgr', 'tipc', 'xdp',
]);

export interface SsRow {
  netid: string;
  /** Netid column as printed; '' when ss printed none and the protocol was inferred. */
  protoRaw: string;
  state: string;
  recvQ: number | null;
  sendQ: number | null;
  /** The row is text[from, to): the columns after Send-Q (the whole text is passed, not a slice). */
  text: string;
  from: number;
  to: number;
  source: SourceRef;
}

export type RowRecord =
  | { kind: 'connection'; connection: Connection; local: SsEndpoint; peer: SsEndpoint; extras: SsExtras }
  | { kind: 'unix'; socket: UnixSocket; extras: SsExtras }
  | { kind: 'other'; socket: OtherSocket; extras: SsExtras };

interface TwoColumns {
  first: string;
  second: string;
  /** Where the process/extended column starts. */
  after: number;
}

/** The first two whitespace-separated columns of text[from, to) and where the rest starts. */
function twoColumns(text: string, from: number, to: number): TwoColumns | null {
  let i = from;
  let first = '';
  for (let k = 0; k < 2; k++) {
    while (i < to && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    if (i >= to) return null;
    const start = i;
    while (i < to && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 9) i++;
    if (k === 0) first = text.slice(start, i);
    else return { first, second: text.slice(start, i), after: i };
  }
  return null;
}

export function readRow(row: SsRow): RowRecord | string {
  const protocol = CONNECTION_PROTOCOLS.get(row.netid);
  if (protocol) return connectionRow(row, protocol);
  if (UNIX_TYPES.has(row.netid)) return unixRow(row);
  return otherRow(row);
}

function connectionRow(row: SsRow, protocol: Connection['protocol']): RowRecord | string {
  const cols = twoColumns(row.text, row.from, row.to);
  if (!cols) return 'missing address columns';
  const local = parseEndpoint(cols.first, protocol === 'raw');
  const peer = parseEndpoint(cols.second, protocol === 'raw');
  if (!local) return `local address not understood: ${cols.first}`;
  if (!peer) return `peer address not understood: ${cols.second}`;
  const extras = parseExtras(row.text, cols.after, row.to);
  const first = extras.owners[0];
  let state = STATE_MAP.get(row.state) ?? null;
  // ss prints TCP_CLOSE as UNCONN; netstat and /proc/net/tcp (07) call it CLOSE.
  if (protocol === 'tcp' && row.state === 'UNCONN') state = 'CLOSE';
  const connection: Connection = {
    protocol,
    ipVersion: local.family ?? peer.family ?? 4,
    // The zone / bound device stays in the address as ss printed it (fe80::1%eth0): evidence, and
    // what the other parsers keep; the analyzer strips it when it compares addresses.
    localAddress: local.zone ? `${local.address}%${local.zone}` : local.address,
    localPort: local.port,
    remoteAddress: peer.zone ? `${peer.address}%${peer.zone}` : peer.address,
    remotePort: peer.port,
    state,
    stateRaw: row.state,
    pid: first ? first.pid : null,
    process: first ? first.process : null,
    source: row.source,
    protoRaw: row.protoRaw,
    view: 'ss',
    format: LINUX_SS_FORMAT,
    uid: extras.uid,
    inode: extras.inode,
    interfaceScope: local.zone,
    recvQ: row.recvQ,
    sendQ: row.sendQ,
    // Always present (undefined when not printed) so every record has the same shape.
    owners: first ? extras.owners : undefined,
    processTruncated: first ? atCommLimit(first.process) : undefined,
    localPortRaw: local.portRaw ?? undefined,
    remotePortRaw: peer.portRaw ?? undefined,
  };
  return { kind: 'connection', connection, local, peer, extras };
}

/** ss prints the kernel comm, cut at 15 bytes: a name that long may have been longer. */
function atCommLimit(name: string): boolean {
  if (name.length >= 15) return true;
  if (name.length < 5) return false;
  let bytes = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? 2 : 3; // a surrogate pair is 2 + 2
  }
  return bytes >= 15;
}

interface UnixColumns {
  path: string;
  inode: number | null;
  peer: string;
  /** Where the process column starts. */
  after: number;
}

/**
 * `path inode peer peer-inode [users...]` in text[from, to): the path may hold spaces, so find the
 * inode columns instead: a number followed by `*` and a number, else a number, a path, a number.
 */
function unixColumns(text: string, from: number, to: number): UnixColumns | null {
  const starts: number[] = [];
  const ends: number[] = [];
  let i = from;
  while (i < to) {
    while (i < to && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    if (i >= to) break;
    starts.push(i);
    while (i < to && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 9) i++;
    ends.push(i);
  }
  const digitsAt = (k: number) => isDigits(text, starts[k], ends[k]);
  const columns = (k: number, peerEnd: number, j: number): UnixColumns => ({
    path: text.slice(starts[0], ends[k - 1]),
    inode: intAt(text, starts[k], ends[k]),
    peer: text.slice(starts[k + 1], peerEnd),
    after: ends[j],
  });
  for (let k = 1; k + 2 < starts.length; k++) {
    const star = ends[k + 1] - starts[k + 1] === 1 && text.charCodeAt(starts[k + 1]) === 42;
    if (star && digitsAt(k) && digitsAt(k + 2)) return columns(k, ends[k + 1], k + 2);
  }
  for (let k = 1; k + 2 < starts.length; k++) {
    const c = text.charCodeAt(starts[k + 1]);
    if (!digitsAt(k) || (c !== 47 && c !== 64)) continue;
    for (let j = k + 2; j < starts.length; j++) if (digitsAt(j)) return columns(k, ends[j - 1], j);
  }
  return null;
}

/** ss state → the words netstat prints for UNIX sockets (LISTENING, CONNECTED); others as printed. */
function unixState(state: string): string | null {
  if (state === 'LISTEN') return 'LISTENING';
  if (state === 'ESTAB') return 'CONNECTED';
  if (state === 'SYN-SENT') return 'CONNECTING';
  if (state === 'UNCONN') return null;
  return state;
}

function unixRow(row: SsRow): RowRecord | string {
  const cols = unixColumns(row.text, row.from, row.to);
  if (!cols) return 'UNIX address columns not understood';
  const extras = parseExtras(row.text, cols.after, row.to);
  const first = extras.owners[0];
  const socket: UnixSocket = {
    protoRaw: row.protoRaw,
    refCnt: null,
    flags: null,
    type: UNIX_TYPES.get(row.netid) ?? null,
    state: unixState(row.state),
    inode: cols.inode,
    pid: first ? first.pid : null,
    process: first ? first.process : null,
    path: cols.path === '*' ? null : cols.path,
    source: row.source,
    format: LINUX_SS_FORMAT,
  };
  return { kind: 'unix', socket, extras };
}

/** Netlink, packet, vsock, MPTCP, SCTP ...: kept with their columns as printed. */
function otherRow(row: SsRow): RowRecord | string {
  const cols = twoColumns(row.text, row.from, row.to);
  if (!cols) return 'missing address columns';
  const extras = parseExtras(row.text, cols.after, row.to);
  const owner = extras.owners[0] ?? (row.netid === 'nl' ? netlinkOwner(cols.first) : null);
  const socket: OtherSocket = {
    family: row.protoRaw || row.netid,
    state: row.state,
    local: cols.first,
    peer: cols.second,
    pid: owner ? owner.pid : null,
    process: owner ? owner.process : null,
    source: row.source,
    format: LINUX_SS_FORMAT,
  };
  return { kind: 'other', socket, extras };
}
