// iproute2 `ss` listings: -tunap, -tulpen, -a, -a -A all, with or without the Netid column, old
// (CentOS 7) and new (glued `Peer Address:PortProcess`) layouts. Internet sockets become
// connections (view 'ss'), UNIX sockets unixSockets, netlink/packet/vsock/MPTCP/SCTP otherSockets.
import type { Connection, ParseResult } from '../model.js';
import type { Parser, ParserInput } from './types.js';
import { addUnparsed, emptyResult } from './result.js';
import { splitLines } from './text.js';
import { isDigits, toInt, type SsEndpoint } from './ss-fields.js';
import { inferNetid, type InferredNetid } from './ss-context.js';
import { LINUX_SS_FORMAT as FORMAT, readRow, SS_NETIDS, SS_STATES, type SsRow } from './ss-rows.js';

const MAX_LINE_WARNINGS = 20;

interface Pending {
  connection: Connection;
  local: SsEndpoint;
  peer: SsEndpoint;
}

interface ParseState {
  result: ParseResult;
  lines: string[];
  artifact: string;
  inferred: InferredNetid | null;
  /** Rows print IPv4 "any" as 0.0.0.0 (iproute2 >= 4.x), so a bare `*` is a dual-stack IPv6 socket. */
  starIsV6: boolean;
  pending: Pending[];
  namedPorts: number;
  unknownNames: Set<string>;
  hostNames: number;
  lineWarnings: number;
}

function isBlankFrom(line: string): number {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9) return i;
  }
  return -1;
}

function isHeader(line: string, first: number): boolean {
  return (line.startsWith('Netid', first) || line.startsWith('State', first)) && line.includes('Recv-Q') && line.includes('Address:Port');
}

/** Up to four whitespace-separated words from `from`, with the index where the fourth starts and ends. */
function firstWords(line: string, from: number): { words: string[]; starts: number[]; end: number } {
  const words: string[] = [];
  const starts: number[] = [];
  let i = from;
  const n = line.length;
  while (words.length < 4 && i < n) {
    while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && line.charCodeAt(i) !== 32 && line.charCodeAt(i) !== 9) i++;
    words.push(line.slice(start, i));
    starts.push(start);
  }
  return { words, starts, end: i };
}

function noNetidRows(lines: string[]): string[] {
  const rows: string[] = [];
  for (const line of lines) {
    const w = firstWords(line, 0).words;
    if (w.length >= 3 && SS_STATES.has(w[0]) && isDigits(w[1]) && isDigits(w[2])) rows.push(line);
  }
  return rows;
}

/** Columns of a socket row, or why the line is not one. */
function splitRow(line: string, first: number, lineNo: number, st: ParseState): SsRow | string {
  const { words: w, starts, end } = firstWords(line, first);
  if (w.length < 4) return 'too few columns for an ss row';
  const source = { artifact: st.artifact, line: lineNo };
  if (isDigits(w[2]) && isDigits(w[3]) && (SS_NETIDS.has(w[0]) || SS_STATES.has(w[1]))) {
    return { netid: w[0], protoRaw: w[0], state: w[1], recvQ: toInt(w[2]), sendQ: toInt(w[3]), rest: line.slice(end), source };
  }
  if (SS_STATES.has(w[0]) && isDigits(w[1]) && isDigits(w[2])) {
    if (!st.inferred) {
      st.inferred = inferNetid(noNetidRows(st.lines), st.artifact, SS_STATES);
      st.result.warnings.push(`${st.artifact}: ss printed no Netid column; protocol ${st.inferred.netid} inferred from ${st.inferred.reason}`);
    }
    return { netid: st.inferred.netid, protoRaw: '', state: w[0], recvQ: toInt(w[1]), sendQ: toInt(w[2]), rest: line.slice(starts[3]), source };
  }
  return 'not an ss socket row';
}

function lineWarning(st: ParseState, lineNo: number, text: string): void {
  st.lineWarnings++;
  if (st.lineWarnings <= MAX_LINE_WARNINGS) st.result.warnings.push(`${st.artifact}:${lineNo}: ${text}`);
}

function noteEndpoint(st: ParseState, e: SsEndpoint): void {
  if (e.portRaw === null) return;
  if (e.unknownName) st.unknownNames.add(e.portRaw);
  else st.namedPorts++;
}

/** Parse one non-blank, non-header line; null when it became a record. */
function parseLine(line: string, first: number, lineNo: number, st: ParseState): string | null {
  const row = splitRow(line, first, lineNo, st);
  if (typeof row === 'string') return row;
  const record = readRow(row);
  if (typeof record === 'string') return record;
  if (record.extras.problem) lineWarning(st, lineNo, record.extras.problem);
  if (record.kind === 'connection') {
    const { connection: c, local, peer } = record;
    noteEndpoint(st, local);
    noteEndpoint(st, peer);
    if (local.address === '0.0.0.0' || peer.address === '0.0.0.0') st.starIsV6 = true;
    if (local.family === null || peer.family === null) st.pending.push({ connection: c, local, peer });
    st.result.connections.push(c);
  } else if (record.kind === 'unix') st.result.unixSockets.push(record.socket);
  else st.result.otherSockets.push(record.socket);
  return null;
}

/** `*` and host names: the family comes from the other endpoint, else from the file's layout. */
function settleFamilies(st: ParseState): void {
  for (const { connection: c, local, peer } of st.pending) {
    let family = local.family ?? peer.family;
    if (family === null) {
      if (local.wildcard || peer.wildcard) family = st.starIsV6 ? 6 : 4;
      else {
        family = 4;
        st.hostNames++;
      }
    }
    c.ipVersion = family;
    const any = family === 6 ? '::' : '0.0.0.0';
    if (local.wildcard) c.localAddress = any;
    if (peer.wildcard) c.remoteAddress = any;
  }
}

function finish(st: ParseState): void {
  settleFamilies(st);
  const w = st.result.warnings;
  const a = st.artifact;
  if (st.lineWarnings > MAX_LINE_WARNINGS) w.push(`${a}: ${st.lineWarnings - MAX_LINE_WARNINGS} more lines with a process column not understood`);
  if (st.namedPorts > 0) w.push(`${a}: ${st.namedPorts} ports printed as service/protocol names were numbered with the netbase table (the host's /etc/services may differ; the printed name is kept)`);
  if (st.unknownNames.size > 0) w.push(`${a}: port names not in the netbase table, kept without a number: ${[...st.unknownNames].slice(0, 20).join(', ')}`);
  if (st.hostNames > 0) w.push(`${a}: ${st.hostNames} sockets with host names on both ends (ss -r); IP version assumed 4`);
}

function parse(input: ParserInput): ParseResult {
  const result = emptyResult(FORMAT, input.artifact, input.encoding);
  const lines = splitLines(input.text);
  result.lines.total = lines.length;
  const st: ParseState = {
    result, lines, artifact: input.artifact, inferred: null, starIsV6: false, pending: [],
    namedPorts: 0, unknownNames: new Set(), hostNames: 0, lineWarnings: 0,
  };
  let afterRecord = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const first = isBlankFrom(line);
    if (first < 0) {
      result.lines.blank++;
      afterRecord = false;
      continue;
    }
    // -i/-o/sctp detail lines are indented under their socket row: part of that record.
    if (first > 0 && afterRecord) {
      result.lines.records++;
      continue;
    }
    if (isHeader(line, first)) {
      result.lines.headers++;
      if (line.includes('Process')) st.starIsV6 = true;
      afterRecord = false;
      continue;
    }
    let outcome: string | null;
    try {
      outcome = parseLine(line, first, i + 1, st);
    } catch (err) {
      outcome = `internal error: ${(err as Error).message}`;
    }
    if (outcome === null) {
      result.lines.records++;
      afterRecord = true;
    } else {
      addUnparsed(result, i + 1, line, outcome);
      afterRecord = false;
    }
  }
  finish(st);
  if (result.unparsed.length > 0) result.warnings.push(`${input.artifact}: ${result.unparsed.length} lines not understood (first at line ${result.unparsed[0].line})`);
  return result;
}

/** Header `Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port[Process]`, or bare rows. */
function detect(head: string[]): number {
  let rows = 0;
  let seen = 0;
  for (const line of head) {
    const first = isBlankFrom(line);
    if (first < 0) continue;
    if (isHeader(line, first) && line.includes('Peer Address:Port')) return 0.95;
    seen++;
    const w = firstWords(line, first).words;
    if (w.length < 4) continue;
    if ((SS_NETIDS.has(w[0]) && SS_STATES.has(w[1]) && isDigits(w[2]) && isDigits(w[3])) ||
        (SS_STATES.has(w[0]) && isDigits(w[1]) && isDigits(w[2]) && w[3].includes(':'))) rows++;
  }
  if (seen === 0) return 0;
  const share = rows / seen;
  return share >= 0.8 ? 0.7 : share >= 0.5 ? 0.4 : 0;
}

export const ssParser: Parser = {
  info: {
    id: FORMAT,
    description: 'iproute2 ss socket listings (Netid/State/Recv-Q/Send-Q/Local/Peer/Process), all layouts',
    commands: ['ss -tunap', 'ss -tulpen', 'ss -a', 'ss -a -A all', 'ss -t', 'ss -ul'],
    os: ['linux'],
  },
  detect,
  parse,
};
