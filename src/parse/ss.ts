// iproute2 `ss` listings: -tunap, -tulpen, -a, -a -A all, with or without the Netid column, old
// (CentOS 7) and new (glued `Peer Address:PortProcess`) layouts. Internet sockets become
// connections (view 'ss'), UNIX sockets unixSockets, netlink/packet/vsock/MPTCP/SCTP otherSockets.
import type { Connection, ParseResult } from '../model.js';
import type { Parser, ParserInput } from './types.js';
import { addUnparsed, emptyResult, warnUnparsed } from './result.js';
import { splitLines } from './text.js';
import { isDigits, type SsEndpoint } from './ss-fields.js';
import { firstNonBlankAt, forEachLineSpan, intAt } from './line-spans.js';
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
  text: string;
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

function isHeader(line: string): boolean {
  return line.includes('Recv-Q') && line.includes('Address:Port');
}

/** Offsets of the first words of the current line (reused; ss rows need four). */
const wordStarts = new Int32Array(4);
const wordEnds = new Int32Array(4);

function scanWords(text: string, from: number, to: number): number {
  let count = 0;
  let i = from;
  while (count < 4 && i < to) {
    while (i < to && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    if (i >= to) break;
    wordStarts[count] = i;
    while (i < to && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 9) i++;
    wordEnds[count++] = i;
  }
  return count;
}

const word = (text: string, k: number) => text.slice(wordStarts[k], wordEnds[k]);
const digitsWord = (text: string, k: number) => isDigits(text, wordStarts[k], wordEnds[k]);
const intWord = (text: string, k: number) => intAt(text, wordStarts[k], wordEnds[k]);

function noNetidRows(text: string): string[] {
  const rows: string[] = [];
  for (const line of splitLines(text)) {
    if (scanWords(line, 0, line.length) >= 3 && SS_STATES.has(word(line, 0)) && digitsWord(line, 1) && digitsWord(line, 2)) rows.push(line);
  }
  return rows;
}

/** Columns of the socket row in text[first, end), or why the line is not one. */
function splitRow(text: string, first: number, end: number, lineNo: number, st: ParseState): SsRow | string {
  if (scanWords(text, first, end) < 4) return 'too few columns for an ss row';
  const source = { artifact: st.artifact, line: lineNo };
  const w0 = word(text, 0);
  const w1 = word(text, 1);
  if (digitsWord(text, 2) && digitsWord(text, 3) && (SS_NETIDS.has(w0) || SS_STATES.has(w1))) {
    const netid = intern(w0);
    return { netid, protoRaw: netid, state: intern(w1), recvQ: intWord(text, 2), sendQ: intWord(text, 3), text, from: wordEnds[3], to: end, source };
  }
  if (SS_STATES.has(w0) && digitsWord(text, 1) && digitsWord(text, 2)) {
    // Read the columns first: the inference below scans other lines with the same word buffers.
    const from = wordStarts[3];
    const recvQ = intWord(text, 1);
    const sendQ = intWord(text, 2);
    if (!st.inferred) {
      st.inferred = inferNetid(noNetidRows(st.text), st.artifact, SS_STATES);
      st.result.warnings.push(`${st.artifact}: ss printed no Netid column; protocol ${st.inferred.netid} inferred from ${st.inferred.reason}`);
    }
    return { netid: st.inferred.netid, protoRaw: '', state: intern(w0), recvQ, sendQ, text, from, to: end, source };
  }
  return 'not an ss socket row';
}

/** Netid and state words repeat on every row: keep one string of each, not one per record. */
const INTERNED = new Map<string, string>();
function intern(value: string): string {
  const known = INTERNED.get(value);
  if (known !== undefined) return known;
  if (INTERNED.size < 1000) INTERNED.set(value, value);
  return value;
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
function parseLine(text: string, first: number, end: number, lineNo: number, st: ParseState): string | null {
  const row = splitRow(text, first, end, lineNo, st);
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
    if (local.wildcard) c.localAddress = local.zone ? `${any}%${local.zone}` : any;
    if (peer.wildcard) c.remoteAddress = peer.zone ? `${any}%${peer.zone}` : any;
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
  const text = input.text;
  const st: ParseState = {
    result, text, artifact: input.artifact, inferred: null, starIsV6: false, pending: [],
    namedPorts: 0, unknownNames: new Set(), hostNames: 0, lineWarnings: 0,
  };
  let afterRecord = false;
  result.lines.total = forEachLineSpan(text, (start, end, lineNo) => {
    const first = firstNonBlankAt(text, start, end);
    if (first < 0) {
      result.lines.blank++;
      afterRecord = false;
      return;
    }
    // -i/-o/sctp detail lines are indented under their socket row: part of that record.
    if (first > start && afterRecord) {
      result.lines.records++;
      return;
    }
    if ((text.startsWith('Netid', first) || text.startsWith('State', first)) && isHeader(text.slice(first, end))) {
      result.lines.headers++;
      if (text.slice(first, end).includes('Process')) st.starIsV6 = true;
      afterRecord = false;
      return;
    }
    let outcome: string | null;
    try {
      outcome = parseLine(text, first, end, lineNo, st);
    } catch (err) {
      outcome = `internal error: ${(err as Error).message}`;
    }
    if (outcome === null) {
      result.lines.records++;
      afterRecord = true;
    } else {
      addUnparsed(result, lineNo, text.slice(start, end), outcome);
      afterRecord = false;
    }
  });
  finish(st);
  warnUnparsed(result);
  return result;
}

/** Header `Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port[Process]`, or bare rows. */
function detect(head: string[]): number {
  let rows = 0;
  let seen = 0;
  for (const line of head) {
    const first = firstNonBlankAt(line, 0, line.length);
    if (first < 0) continue;
    if ((line.startsWith('Netid', first) || line.startsWith('State', first)) && isHeader(line) && line.includes('Peer Address:Port')) return 0.95;
    seen++;
    if (scanWords(line, first, line.length) < 4) continue;
    const w0 = word(line, 0);
    const w1 = word(line, 1);
    if ((SS_NETIDS.has(w0) && SS_STATES.has(w1) && digitsWord(line, 2) && digitsWord(line, 3)) ||
        (SS_STATES.has(w0) && digitsWord(line, 1) && digitsWord(line, 2) && word(line, 3).includes(':'))) rows++;
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
