// Turning one `ss` row (columns after Send-Q) into a Connection, UnixSocket or OtherSocket.
import type { Connection, OtherSocket, SourceRef, UnixSocket } from '../model.js';
import { isDigits, netlinkOwner, toInt, parseEndpoint, parseExtras, type SsEndpoint, type SsExtras } from './ss-fields.js';

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
  /** Text after the Send-Q column. */
  rest: string;
  source: SourceRef;
}

export type RowRecord =
  | { kind: 'connection'; connection: Connection; local: SsEndpoint; peer: SsEndpoint; extras: SsExtras }
  | { kind: 'unix'; socket: UnixSocket; extras: SsExtras }
  | { kind: 'other'; socket: OtherSocket; extras: SsExtras };

/** Split off the first two whitespace-separated columns; the remainder is the process/extended column. */
function twoColumns(text: string): [string, string, string] | null {
  const parts: string[] = [];
  let i = 0;
  const n = text.length;
  while (parts.length < 2) {
    while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    if (i >= n) return null;
    const start = i;
    while (i < n && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 9) i++;
    parts.push(text.slice(start, i));
  }
  return [parts[0], parts[1], text.slice(i)];
}

export function readRow(row: SsRow): RowRecord | string {
  const protocol = CONNECTION_PROTOCOLS.get(row.netid);
  if (protocol) return connectionRow(row, protocol);
  if (UNIX_TYPES.has(row.netid)) return unixRow(row);
  return otherRow(row);
}

function connectionRow(row: SsRow, protocol: Connection['protocol']): RowRecord | string {
  const cols = twoColumns(row.rest);
  if (!cols) return 'missing address columns';
  const local = parseEndpoint(cols[0], protocol === 'raw');
  const peer = parseEndpoint(cols[1], protocol === 'raw');
  if (!local) return `local address not understood: ${cols[0]}`;
  if (!peer) return `peer address not understood: ${cols[1]}`;
  const extras = parseExtras(cols[2]);
  const first = extras.owners[0];
  let state = STATE_MAP.get(row.state) ?? null;
  // ss prints TCP_CLOSE as UNCONN; netstat and /proc/net/tcp (07) call it CLOSE.
  if (protocol === 'tcp' && row.state === 'UNCONN') state = 'CLOSE';
  const connection: Connection = {
    protocol,
    ipVersion: local.family ?? peer.family ?? 4,
    localAddress: local.address,
    localPort: local.port,
    remoteAddress: peer.address,
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
  };
  if (extras.owners.length > 0) {
    connection.owners = extras.owners;
    // ss prints the kernel comm, cut at 15 bytes: a name that long may have been longer.
    connection.processTruncated = Buffer.byteLength(first.process) >= 15;
  }
  if (local.portRaw !== null) connection.localPortRaw = local.portRaw;
  if (peer.portRaw !== null) connection.remotePortRaw = peer.portRaw;
  return { kind: 'connection', connection, local, peer, extras };
}

interface UnixColumns {
  path: string;
  inode: string;
  peer: string;
  after: string;
}

/**
 * `path inode peer peer-inode [users...]`: the path may hold spaces, so find the inode columns
 * instead: a number followed by `*` and a number, else a number followed by a path and a number.
 */
function unixColumns(rest: string): UnixColumns | null {
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  const n = rest.length;
  while (i < n) {
    while (i < n && (rest.charCodeAt(i) === 32 || rest.charCodeAt(i) === 9)) i++;
    if (i >= n) break;
    starts.push(i);
    while (i < n && rest.charCodeAt(i) !== 32 && rest.charCodeAt(i) !== 9) i++;
    ends.push(i);
  }
  const tok = (k: number) => rest.slice(starts[k], ends[k]);
  const digitsAt = (k: number) => isDigits(rest, starts[k], ends[k]);
  for (let k = 1; k + 2 < starts.length; k++) {
    if (digitsAt(k) && tok(k + 1) === '*' && digitsAt(k + 2)) {
      return { path: rest.slice(starts[0], ends[k - 1]), inode: tok(k), peer: '*', after: rest.slice(ends[k + 2]) };
    }
  }
  for (let k = 1; k + 2 < starts.length; k++) {
    const c = rest.charCodeAt(starts[k + 1]);
    if (!digitsAt(k) || (c !== 47 && c !== 64)) continue;
    for (let j = k + 2; j < starts.length; j++) {
      if (digitsAt(j)) return { path: rest.slice(starts[0], ends[k - 1]), inode: tok(k), peer: rest.slice(starts[k + 1], ends[j - 1]), after: rest.slice(ends[j]) };
    }
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
  const cols = unixColumns(row.rest);
  if (!cols) return 'UNIX address columns not understood';
  const extras = parseExtras(cols.after);
  const first = extras.owners[0];
  const socket: UnixSocket = {
    protoRaw: row.protoRaw,
    refCnt: null,
    flags: null,
    type: UNIX_TYPES.get(row.netid) ?? null,
    state: unixState(row.state),
    inode: toInt(cols.inode),
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
  const cols = twoColumns(row.rest);
  if (!cols) return 'missing address columns';
  const extras = parseExtras(cols[2]);
  const owner = extras.owners[0] ?? (row.netid === 'nl' ? netlinkOwner(cols[0]) : null);
  const socket: OtherSocket = {
    family: row.protoRaw || row.netid,
    state: row.state,
    local: cols[0],
    peer: cols[1],
    pid: owner ? owner.pid : null,
    process: owner ? owner.process : null,
    source: row.source,
    format: LINUX_SS_FORMAT,
  };
  return { kind: 'other', socket, extras };
}
