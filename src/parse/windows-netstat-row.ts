// One Windows netstat socket row ("  TCP    0.0.0.0:135   0.0.0.0:0   LISTENING   1712") into a
// Connection. Large -anob captures hold ~100k rows, so the row is read by index straight from the
// decoded text: no line string, no field array, only the values the record keeps are sliced out.
import type { Connection } from '../model.js';
import { normaliseWindowsState } from './windows-locale.js';

export const WINDOWS_NETSTAT_FORMAT = 'windows-netstat';
const MAX_WARNED_WORDS = 20;

export interface RowContext {
  artifact: string;
  /** Printed state → its one shared copy and Linux name (a few distinct words in 100k rows). */
  stateCache: Map<string, { raw: string; state: string | null }>;
  /** Printed state words without a Linux name, for one warning. */
  unknownStates: Set<string>;
  /** Rows whose port is a service name (netstat without -n). */
  namedPorts: number;
  /** One copy of each repeated owner value (image, component, note): 100k rows share a few hundred. */
  strings: Map<string, string>;
  /** Owner-block lines with blanks → whether each is a header or a known owner note (windows-netstat.ts). */
  lineKinds: Map<string, number>;
  /** The state entry of the previous row that had one. */
  lastState: { raw: string; state: string | null } | null;
}

export function newRowContext(artifact: string): RowContext {
  return { artifact, stateCache: new Map(), unknownStates: new Set(), namedPorts: 0, strings: new Map(), lineKinds: new Map(), lastState: null };
}

const MAX_INTERNED = 1 << 16;

/** The shared copy of a value; bounded so hostile input with unique values cannot grow it forever. */
export function intern(ctx: RowContext, value: string): string {
  const known = ctx.strings.get(value);
  if (known !== undefined) return known;
  if (ctx.strings.size < MAX_INTERNED) ctx.strings.set(value, value);
  return value;
}

// Field boundaries of the current row; rows have 3 to 5 fields, more only for odd input.
const MAX_FIELDS = 32;
const fieldStart = new Int32Array(MAX_FIELDS);
const fieldEnd = new Int32Array(MAX_FIELDS);

/** Fill fieldStart/fieldEnd for src[from, to); returns the number of fields (at most MAX_FIELDS). */
function locateFields(src: string, from: number, to: number): number {
  let count = 0;
  let i = from;
  while (i < to) {
    let c = src.charCodeAt(i);
    while (i < to && (c === 32 || c === 9)) c = src.charCodeAt(++i);
    if (i >= to) break;
    const start = i;
    while (i < to && c !== 32 && c !== 9) c = src.charCodeAt(++i);
    if (count === MAX_FIELDS) {
      fieldEnd[MAX_FIELDS - 1] = i; // extra words are folded into the last kept field
      continue;
    }
    fieldStart[count] = start;
    fieldEnd[count] = i;
    count++;
  }
  return count;
}

/** First index of a character code in src[from, to), or -1 (never scans past the row). */
function indexIn(src: string, code: number, from: number, to: number): number {
  for (let i = from; i < to; i++) if (src.charCodeAt(i) === code) return i;
  return -1;
}

/** Last index of a character code in src[from, to), or -1. */
function lastIndexIn(src: string, code: number, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (src.charCodeAt(i) === code) return i;
  return -1;
}

/** Value of the decimal digits between start and end, or -1 when it is not a run of digits. */
function digitsValue(src: string, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = src.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
  }
  return value;
}

interface Endpoint {
  address: string;
  port: number | null;
  scope: string | null;
  bracketed: boolean;
  namedPort: boolean;
}

/** The two endpoints of the current row: written by endpointAt, read before the next row (no garbage per row). */
const localEndpoint: Endpoint = { address: '', port: null, scope: null, bracketed: false, namedPort: false };
const remoteEndpoint: Endpoint = { address: '', port: null, scope: null, bracketed: false, namedPort: false };

/** "0.0.0.0:135", "[::]:135", "[fe80::1%9]:1900", "*:*" in src[start, end) into `out`; false if none. */
function endpointAt(src: string, start: number, end: number, out: Endpoint): boolean {
  let addrStart = start;
  let addrEnd: number;
  let portStart: number;
  const bracketed = src.charCodeAt(start) === 91; // '['
  if (bracketed) {
    const close = indexIn(src, 93, start, end); // ']'
    if (close < 0 || src.charCodeAt(close + 1) !== 58) return false;
    addrStart = start + 1;
    addrEnd = close;
    portStart = close + 2;
  } else {
    addrEnd = lastIndexIn(src, 58, start, end); // ':'
    if (addrEnd < 0) return false;
    portStart = addrEnd + 1;
  }
  if (addrEnd <= addrStart || portStart >= end) return false;
  let scope: string | null = null;
  const percent = indexIn(src, 37, addrStart, addrEnd); // '%' before an IPv6 zone
  // The zone stays in the address as printed (fe80::1%7), and is also given on its own.
  if (percent >= 0) scope = src.slice(percent + 1, addrEnd);
  let port: number | null = digitsValue(src, portStart, end);
  let namedPort = false;
  if (port > 65535) return false;
  if (port < 0) {
    port = null;
    if (!(end - portStart === 1 && src.charCodeAt(portStart) === 42)) {
      namedPort = true; // "*" is no port; anything else is a service name
    }
  }
  // Rows in netstat's order come in runs of one local address (and listeners share "0.0.0.0"):
  // the endpoint's previous address string is kept while it repeats.
  const prev = out.address;
  if (addrEnd - addrStart !== prev.length || !src.startsWith(prev, addrStart)) out.address = src.slice(addrStart, addrEnd);
  out.port = port;
  out.scope = scope;
  out.bracketed = bracketed;
  out.namedPort = namedPort;
  return true;
}

/** The state printed in src[from, to): the last row's entry when it is the same word (the usual case). */
function stateAt(src: string, from: number, to: number, ctx: RowContext): { raw: string; state: string | null } {
  const last = ctx.lastState;
  if (last !== null && to - from === last.raw.length && src.startsWith(last.raw, from)) return last;
  const entry = stateFor(src.slice(from, to), ctx);
  ctx.lastState = entry;
  return entry;
}

function stateFor(printed: string, ctx: RowContext): { raw: string; state: string | null } {
  let entry = ctx.stateCache.get(printed);
  if (entry === undefined) {
    entry = { raw: printed, state: normaliseWindowsState(printed) };
    // Hostile input could print a new word on every row: only the first few are remembered.
    if (ctx.stateCache.size < MAX_INTERNED) ctx.stateCache.set(printed, entry);
    if (entry.state === null && ctx.unknownStates.size < MAX_WARNED_WORDS) ctx.unknownStates.add(printed);
  }
  return entry;
}

/**
 * Parse the row src[from, to) that starts with TCP or UDP: proto, local, foreign, [state words...],
 * [pid]. UDP rows have no state; `-an` rows have no PID. Returns the reason when it is unreadable.
 */
export function parseSocketRow(src: string, from: number, to: number, lineNo: number, ctx: RowContext): Connection | string {
  const n = locateFields(src, from, to);
  if (n < 3) return 'socket row with fewer than three columns';
  const local = localEndpoint;
  if (!endpointAt(src, fieldStart[1], fieldEnd[1], local)) return 'local address not understood';
  const remote = remoteEndpoint;
  if (!endpointAt(src, fieldStart[2], fieldEnd[2], remote)) return 'foreign address not understood';
  let stateFields = n - 3;
  let pid: number | null = n > 3 ? digitsValue(src, fieldStart[n - 1], fieldEnd[n - 1]) : -1;
  if (pid >= 0) stateFields--;
  else pid = null;
  // Multi-word states keep their printed spacing.
  const state = stateFields > 0 ? stateAt(src, fieldStart[3], fieldEnd[2 + stateFields], ctx) : null;
  if (local.namedPort || remote.namedPort) ctx.namedPorts++;
  const tcp = src.charCodeAt(fieldStart[0]) === 84;
  return {
    protocol: tcp ? 'tcp' : 'udp',
    ipVersion: local.bracketed || local.address.includes(':') ? 6 : 4,
    localAddress: local.address,
    localPort: local.port,
    remoteAddress: remote.address,
    remotePort: remote.port,
    state: state === null ? null : state.state,
    stateRaw: state === null ? null : state.raw,
    pid,
    process: null,
    source: { artifact: ctx.artifact, line: lineNo },
    protoRaw: tcp ? 'TCP' : 'UDP',
    view: 'netstat',
    format: WINDOWS_NETSTAT_FORMAT,
    component: null,
    ownerNote: null,
    interfaceScope: local.scope ?? remote.scope,
  };
}
