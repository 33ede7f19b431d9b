// Rows of the "Active Internet connections" table of macOS/FreeBSD netstat: `addr.port` endpoints
// (the LAST dot separates the port), tcp4/tcp6/tcp46/udp46, and the -v columns, whose layout is read
// from the header because it moved between macOS releases (newest: `process:pid`, names with spaces).
import type { Connection, OtherSocket, SourceRef } from '../model.js';
import { isDottedQuad } from './ip-text.js';
import { digitsOrNull, intern, isDigits, isTcpStateName, normaliseTcpState, restOfLine, servicePort, tokenSpan, zoneOf } from './bsd-common.js';

export interface InetLayout {
  /** Columns printed before Proto (-A: Socket/Flowhash on macOS, Tcpcb on FreeBSD). */
  lead: number;
  /** Width an address column is cut to (22, or 18 with -A); null for wide output (-W / -l). */
  width: number | null;
  /** Length a host name is cut to before the port is appended (16, or 12 with -A). */
  hostCut: number;
  /** -v columns after (state), as the header names them. */
  vNames: string[];
  /** Index in vNames of `pid` (older macOS) and of `process:pid` (macOS 15+), -1 when absent. */
  pidAt: number;
  procAt: number;
}

export const DEFAULT_INET_LAYOUT: InetLayout = { lead: 0, width: 22, hostCut: 16, vNames: [], pidAt: -1, procAt: -1 };

/** Layout from a `Proto Recv-Q Send-Q  Local Address  Foreign Address  (state) ...` header. */
export function inetLayoutFromHeader(line: string, tokens: string[]): InetLayout {
  let lead = tokens.indexOf('Proto');
  if (lead < 0) lead = 0;
  const local = line.indexOf('Local Address');
  const foreign = line.indexOf('Foreign Address');
  const gap = local >= 0 && foreign > local ? foreign - local : 23;
  // The header pads each address column to the width the rows are cut to.
  const width = gap > 23 ? null : gap <= 19 ? 18 : 22;
  const hostCut = width === 18 ? 12 : 16;
  const stateAt = tokens.indexOf('(state)');
  const vNames = stateAt >= 0 ? tokens.slice(stateAt + 1) : [];
  return { lead, width, hostCut, vNames, pidAt: vNames.indexOf('pid'), procAt: vNames.indexOf('process:pid') };
}

export type InetRow =
  | { kind: 'connection'; connection: Connection; columnsMismatch: boolean }
  | { kind: 'other'; other: OtherSocket }
  | { kind: 'bad'; reason: string };

interface Endpoint {
  address: string;
  port: number | null;
  portRaw: string | null;
  truncated: boolean;
}

const RAW_FAMILIES = new Set(['icm', 'icmp', 'ip', 'raw', 'igm', 'igmp', 'rip', 'div', 'divert']);

export function parseInetRow(line: string, tokens: string[], layout: InetLayout, source: SourceRef, format: string): InetRow {
  let b = layout.lead;
  if (tokens.length < b + 5) return { kind: 'bad', reason: 'too few columns for a socket row' };
  let protoRaw = tokens[b];
  // "%-3.3s%-2.2s": the 2-letter raw protocol "ip" is printed apart from its "4 " suffix.
  if (protoRaw === 'ip' && /^(4|6|46)$/.test(tokens[b + 1]) && tokens.length >= b + 6) {
    protoRaw = `ip${tokens[b + 1]}`;
    b++;
  }
  const recvQ = tokens[b + 1];
  const sendQ = tokens[b + 2];
  if (!isDigits(recvQ) || !isDigits(sendQ)) return { kind: 'bad', reason: 'queue columns are not numbers' };
  const suffix = protoRaw.endsWith('46') ? '46' : protoRaw.endsWith('4') ? '4' : protoRaw.endsWith('6') ? '6' : '';
  const family = protoRaw.slice(0, protoRaw.length - suffix.length).toLowerCase();
  const localText = tokens[b + 3];
  const foreignText = tokens[b + 4];

  if (family === 'sctp') {
    // FreeBSD SCTP rows (Type column, multi-homed continuation lines) are kept apart, not as TCP/UDP.
    const state = tokens[b + 5] ?? null;
    return { kind: 'other', other: { family: protoRaw, state, local: localText, peer: foreignText, pid: null, process: null, source, format } };
  }
  const protocol = family === 'tcp' ? 'tcp' : family === 'udp' ? 'udp' : RAW_FAMILIES.has(family) ? 'raw' : null;
  if (protocol === null) return { kind: 'bad', reason: `unknown protocol "${protoRaw.slice(0, 20)}"` };

  const local = parseDotEndpoint(localText, protocol, layout);
  const remote = parseDotEndpoint(foreignText, protocol, layout);
  if (!local || !remote) return { kind: 'bad', reason: 'address is not in addr.port form' };

  let next = b + 5;
  let stateRaw: string | null = null;
  if (protocol === 'tcp' && tokens.length > next) {
    const text = tokens[next];
    if (!isTcpStateName(text) && !isDigits(text)) return { kind: 'bad', reason: 'unknown TCP state' };
    stateRaw = intern(text);
    next++;
  }

  let pid: number | null = null;
  let process: string | null = null;
  let columnsMismatch = false;
  if (tokens.length > next) {
    if (layout.vNames.length === 0) return { kind: 'bad', reason: 'more columns than the header names' };
    const owner = ownerFromVerbose(line, tokens, next, layout);
    if (owner === null) columnsMismatch = true;
    else {
      pid = owner.pid;
      process = owner.process;
    }
  }

  const ipVersion: 4 | 6 = suffix === '4' ? 4 : suffix !== '' ? 6 : local.address.includes(':') || remote.address.includes(':') ? 6 : 4;
  const connection: Connection = {
    protocol,
    ipVersion,
    localAddress: local.address,
    localPort: local.port,
    remoteAddress: remote.address,
    remotePort: remote.port,
    state: stateRaw === null ? null : normaliseTcpState(stateRaw),
    stateRaw,
    pid,
    process,
    source,
    protoRaw: intern(protoRaw),
    view: 'netstat',
    format,
    recvQ: Number(recvQ),
    sendQ: Number(sendQ),
    interfaceScope: zoneOf(local.address) ?? zoneOf(remote.address),
  };
  if (local.portRaw !== null) connection.localPortRaw = local.portRaw;
  if (remote.portRaw !== null) connection.remotePortRaw = remote.portRaw;
  if (local.truncated || remote.truncated) connection.addressTruncated = true;
  if (process !== null && process.length >= 15) connection.processTruncated = true;
  return { kind: 'connection', connection, columnsMismatch };
}

/** "192.168.1.5.443", "*.*", "*.22", "fe80::1%lo0.123", "kbrazil-mac.attl.https"; null if no dot. */
function parseDotEndpoint(text: string, protocol: string, layout: InetLayout): Endpoint | null {
  const dot = text.lastIndexOf('.');
  if (dot <= 0 || dot === text.length - 1) return null;
  const address = text.slice(0, dot);
  // Longer than any host name (253) or address: not an endpoint, whatever the line claims.
  if (address.length > 255) return null;
  const portText = text.slice(dot + 1);
  const numeric = isDigits(portText);
  // Without -W/-l, the host is cut to 16 (12) characters and the whole field to 22 (18): a field
  // that reaches the width may have lost the end of its port text.
  const fieldCut = layout.width !== null && text.length >= layout.width && (!numeric || layout.width < 22);
  const hostCut = layout.width !== null && address.length >= layout.hostCut && !isDottedQuad(address);
  let port: number | null = null;
  let portRaw: string | null = null;
  if (portText === '*') port = null;
  else if (numeric && !fieldCut) {
    const n = Number(portText);
    port = n <= 65535 ? n : null;
    if (port === null) portRaw = portText;
  } else {
    portRaw = portText;
    port = numeric ? null : servicePort(portText, protocol, fieldCut);
  }
  return { address, port, portRaw, truncated: fieldCut || hostCut };
}

/**
 * Map row tokens (from index `from`) to header names. A `process:pid` column is right-aligned and
 * its name may hold spaces: it takes every token between the fixed columns before and after it.
 * A last column called `name` takes the rest of the line. Null when the counts do not fit.
 */
export function mapColumns(line: string, tokens: string[], from: number, names: string[]): Record<string, string> | null {
  const count = tokens.length - from;
  if (count < names.length) return null;
  // No prototype: header names come from the file ("__proto__", "constructor" are just names here).
  const cols: Record<string, string> = Object.create(null) as Record<string, string>;
  const procAt = names.indexOf('process:pid');
  if (procAt >= 0) {
    const after = names.length - procAt - 1;
    for (let i = 0; i < procAt; i++) cols[names[i]] = tokens[from + i];
    cols['process:pid'] = tokenSpan(line, tokens, from + procAt, tokens.length - after - 1);
    for (let i = 0; i < after; i++) cols[names[procAt + 1 + i]] = tokens[tokens.length - after + i];
    return cols;
  }
  const last = names.length - 1;
  if (names[last] === 'name') {
    for (let i = 0; i < last; i++) cols[names[i]] = tokens[from + i];
    cols.name = restOfLine(line, from + last);
    return cols;
  }
  if (count !== names.length) return null;
  for (let i = 0; i < names.length; i++) cols[names[i]] = tokens[from + i];
  return cols;
}

/** pid/process of an Internet row's -v columns (from index `from`); null when they do not fit the header. */
function ownerFromVerbose(line: string, tokens: string[], from: number, layout: InetLayout): { pid: number | null; process: string | null } | null {
  const count = tokens.length - from;
  const names = layout.vNames.length;
  if (layout.procAt >= 0) {
    if (count < names) return null;
    const after = names - layout.procAt - 1;
    return splitProcessPid(tokenSpan(line, tokens, from + layout.procAt, tokens.length - after - 1));
  }
  if (count !== names) return null;
  return { pid: layout.pidAt >= 0 ? digitsOrNull(tokens[from + layout.pidAt]) : null, process: null };
}

/** "Google Chrome H:3052" → name and pid (the name may hold spaces and colons: the last colon counts). */
function splitProcessPid(both: string): { pid: number | null; process: string | null } {
  const colon = both.lastIndexOf(':');
  const pid = colon >= 0 ? digitsOrNull(both.slice(colon + 1)) : null;
  if (pid === null) return { pid: null, process: null };
  const name = both.slice(0, colon);
  return { pid, process: name.length > 0 ? intern(name) : null };
}

/** pid/process from -v columns: `process:pid` (macOS 15+) or a numeric `pid` column (older). */
export function ownerFromColumns(cols: Record<string, string>): { pid: number | null; process: string | null } {
  const both = cols['process:pid'];
  if (both !== undefined) return splitProcessPid(both);
  return { pid: digitsOrNull(cols.pid), process: null };
}
