// Linux net-tools `netstat` socket listings: -a/-l, -n or resolved names, -p, -e/-ee (User, Inode),
// -o (Timer), -W, -A inet6, and the UNIX domain section. Columns are whitespace separated except the
// `PID/Program name` cell, whose name may hold spaces: it is read to the end of the line (or, when a
// Timer or Path column follows, by its fixed width of 20 characters).
import type { Connection, ParseResult } from '../model.js';
import type { ChunkReader, Parser, ParserInput } from './types.js';
import { addUnparsed, emptyResult, warnUnparsed } from './result.js';
import { cellEndAt, cellIsOneOf, digitsAt, LINUX_STATES, wordIndexAt, forEachLineStart, lineEndAt, skipBlanks, splitHostPort, stateFromNumber } from './linux-netstat-fields.js';
import { LINUX_NETSTAT_FORMAT as FORMAT, newState, readOwnerColumns, type State } from './linux-netstat-state.js';
import { parseUnixRow } from './linux-netstat-unix.js';

type Family = ['tcp' | 'udp' | 'raw', 4 | 6];
const INET_PROTOS: readonly string[] = ['tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6', 'udpl', 'udpl6'];
const FAMILIES: readonly Family[] = [['tcp', 4], ['tcp', 6], ['udp', 4], ['udp', 6], ['raw', 4], ['raw', 6], ['udp', 4], ['udp', 6]];
const FIRST_WORDS: readonly string[] = ['unix', 'Proto', 'Active'];

// Printed by net-tools when not root; often captured with 2>&1.
const NOTES = ['(Not all processes could be identified', ' will not be shown, you would have to be root', '(No info could be read for'];

export function parseLinuxNetstat(input: ParserInput): ParseResult {
  const reader = linuxNetstatReader(input.artifact, input.encoding);
  reader.read(input.text, input.bytes, 0);
  return reader.finish();
}

/**
 * The parser over consecutive pieces of one listing, each ending after a line terminator \n (the
 * last may end anywhere): parse/evidence.ts reads a large ASCII capture piece by piece, so neither
 * the whole file's bytes nor its decoded text stay in memory. `lineBase`: lines before the piece.
 * The same records and line numbers as one read of the whole text (test/parse/linux-netstat-pieces).
 */
export function linuxNetstatReader(artifact: string, encoding: string): ChunkReader {
  const result = emptyResult(FORMAT, artifact, encoding);
  let st: State | null = null;
  return {
    read(text, bytes, lineBase) {
      st ??= newState(artifact);
      st.bytes = bytes;
      st.cur.text = text;
      const lines = readLines(st, result, text, lineBase);
      result.lines.total += lines;
      return lines;
    },
    finish() {
      // A 23-character address cell may have been cut (the original is unknowable); longer cells in
      // the same file mean -W, where nothing is cut.
      if (st !== null && !st.wide) for (const conn of st.maybeCut) conn.addressTruncated = true;
      warnUnparsed(result);
      return result;
    },
  };
}

function readLines(st: State, result: ParseResult, text: string, lineBase: number): number {
  const unparsed = (start: number, end: number, lineNo: number, reason: string): void =>
    addUnparsed(result, lineNo, st.copy(text, start, end), reason);
  // Internet rows (nearly every line) are read from their start, and their end found on the way;
  // other lines are measured first.
  const n = text.length;
  return forEachLineStart(text, (start, pieceLineNo) => {
    const lineNo = lineBase + pieceLineNo;
    const cur = st.cur;
    const s0 = skipBlanks(text, start, n);
    const e0 = cellEndAt(text, s0, n);
    if (e0 === s0) {
      result.lines.blank++;
      return lineEndAt(text, s0);
    }
    const protoIndex = st.section === 'other' ? -1 : wordIndexAt(text, s0, e0, INET_PROTOS);
    if (protoIndex >= 0) {
      const row = parseInetRow(st, e0, INET_PROTOS[protoIndex], FAMILIES[protoIndex], lineNo);
      // st.lineEnd is known when the row was read to its end; errors may stop earlier.
      const end = typeof row === 'string' ? lineEndAt(text, st.lineEnd) : st.lineEnd;
      if (typeof row === 'string') unparsed(start, end, lineNo, row);
      else {
        result.connections.push(row);
        result.lines.records++;
      }
      return end;
    }
    const end = lineEndAt(text, e0);
    cur.end = end;
    cur.cellStart = s0;
    cur.cellEnd = e0;
    const first = cellIsOneOf(cur, FIRST_WORDS);
    if (first === 'unix' && st.section !== 'other') {
      const row = parseUnixRow(st, lineNo);
      if (typeof row === 'string') unparsed(start, end, lineNo, row);
      else {
        result.unixSockets.push(row);
        result.lines.records++;
      }
    } else if (first === 'Proto') {
      readHeader(st, text.slice(cur.cellStart, end));
      result.lines.headers++;
    } else if (first === 'Active') {
      const title = text.slice(cur.cellStart, end);
      st.section = title.startsWith('Active Internet connections') ? 'inet' : title.startsWith('Active UNIX domain sockets') ? 'unix' : 'other';
      result.lines.headers++;
    } else if (NOTES.some((n) => text.startsWith(n, start))) {
      if (!result.warnings.some((w) => w.includes('not run as root'))) {
        result.warnings.push(`${st.artifact}:${lineNo}: netstat was not run as root: other users' processes are shown as '-'`);
      }
      result.lines.headers++;
    } else {
      unparsed(start, end, lineNo, st.section === 'other' ? 'socket family not supported (section title at an earlier line)' : 'not a netstat socket row');
    }
    return end;
  });
}

function readHeader(st: State, header: string): void {
  if (header.includes('RefCnt')) st.unix = { pid: header.includes('PID/Program') };
  else if (header.includes('Local Address')) {
    st.inet = { user: header.includes(' User '), pid: header.includes('PID/Program'), timer: header.includes('Timer') };
  }
}

/** net-tools without -W cuts `address:port` to 23 characters (the address part is cut). */
const ADDRESS_CELL = 23;

function parseInetRow(st: State, protoEnd: number, protoRaw: string, [protocol, ipVersion]: Family, lineNo: number): Connection | string {
  // Cells are found with local offsets, up to a line terminator: this runs for every one of 100k
  // rows, and the line end is only known once the owner columns are reached.
  const cur = st.cur;
  const text = cur.text;
  const end = text.length;
  st.lineEnd = protoEnd;
  let s = skipBlanks(text, protoEnd, end);
  let e = cellEndAt(text, s, end);
  const recvQ = digitsAt(text, s, e);
  s = skipBlanks(text, e, end);
  e = cellEndAt(text, s, end);
  const sendQ = digitsAt(text, s, e);
  if (recvQ < 0 || sendQ < 0) return 'Recv-Q/Send-Q not numeric';
  const ls = skipBlanks(text, e, end);
  const le = cellEndAt(text, ls, end);
  const fs = skipBlanks(text, le, end);
  const fe = cellEndAt(text, fs, end);
  if (fe === fs) return 'missing address columns';
  const { l, f } = st;
  if (!splitHostPort(text, ls, le, protocol, st.recent, l, true, st.copy) || !splitHostPort(text, fs, fe, protocol, st.recent, f, false, st.copy)) {
    return 'address without :port';
  }
  let state: string | null = null;
  let stateRaw: string | null = null;
  let pos = fe;
  s = skipBlanks(text, fe, end);
  e = cellEndAt(text, s, end);
  if (e > s) {
    if (protocol === 'raw') {
      const n = digitsAt(text, s, e);
      if (n >= 0) {
        stateRaw = st.intern(st.copy(text, s, e));
        state = stateFromNumber(n);
        pos = e;
      }
    } else {
      const k = wordIndexAt(text, s, e, LINUX_STATES);
      if (k >= 0) {
        stateRaw = LINUX_STATES[k];
        state = stateRaw === 'UNKNOWN' ? null : stateRaw;
        pos = e;
      }
    }
  }
  st.lineEnd = pos;
  if (protocol === 'tcp' && stateRaw === null) return 'TCP row without a state';
  cur.end = lineEndAt(text, pos);
  // The owner columns first, so that the record is built once with its final fields: adding
  // fields afterwards costs a property store per row and a map transition.
  const error = readOwnerColumns(st, pos);
  st.lineEnd = cur.end;
  if (error !== null) return error;
  const o = st.o;
  const source = { artifact: st.artifact, line: lineNo };
  // `primary` (set by parse/evidence.ts, undefined until then) has its slot in the object: added
  // later, it took a property array of its own in each of 100k records (~3.5 MB).
  const conn: Connection = o.truncated
    ? {
      protocol, ipVersion, localAddress: l.address, localPort: l.port, remoteAddress: f.address, remotePort: f.port,
      state, stateRaw, pid: o.pid, process: o.process, source, protoRaw, view: 'netstat', format: FORMAT, recvQ, sendQ,
      processTruncated: true, primary: undefined,
    }
    : {
      protocol, ipVersion, localAddress: l.address, localPort: l.port, remoteAddress: f.address, remotePort: f.port,
      state, stateRaw, pid: o.pid, process: o.process, source, protoRaw, view: 'netstat', format: FORMAT, recvQ, sendQ,
      primary: undefined,
    };
  if (o.user !== null) {
    conn.user = o.user;
    if (o.uid >= 0) conn.uid = o.uid;
    conn.inode = o.inode;
  }
  if (l.portRaw !== null) conn.localPortRaw = l.portRaw;
  if (f.portRaw !== null) conn.remotePortRaw = f.portRaw;
  if (l.zone !== null || f.zone !== null) conn.interfaceScope = l.zone ?? f.zone;
  if (le - ls > ADDRESS_CELL || fe - fs > ADDRESS_CELL) st.wide = true;
  else if (le - ls === ADDRESS_CELL || fe - fs === ADDRESS_CELL) st.maybeCut.push(conn);
  return conn;
}

// host:port with a colon (BSD prints host.port): the port a number, a service name or `*`.
const ROW_SHAPE = /^(tcp|udp|udpl|raw)6? +\d+ +\d+ +\S*:(\d+|\*|[a-z][\w-]*) +\S*:(\d+|\*|[a-z][\w-]*)( |$)/;
const LINUX_TITLES = ['(servers and established)', '(only servers)', '(w/o servers)'];

function detectLinuxNetstat(head: string[]): number {
  let score = 0;
  let rows = 0;
  for (const line of head) {
    if (line.startsWith('Active Internet connections ') && LINUX_TITLES.some((t) => line.includes(t))) score = Math.max(score, 0.9);
    if (line.startsWith('Active UNIX domain sockets (')) score = Math.max(score, 0.8);
    if (line.startsWith('Proto Recv-Q Send-Q Local Address') && line.includes('Foreign Address') && / State\b/.test(line) && !line.includes('(state)')) score = Math.max(score, 0.85);
    if (line.startsWith('Proto RefCnt Flags')) score = Math.max(score, 0.8);
    if (ROW_SHAPE.test(line)) rows++;
  }
  if (rows > 0) score = Math.max(score, Math.min(0.7, 0.3 + rows * 0.05));
  return score;
}

export const linuxNetstatParser: Parser = {
  info: {
    id: FORMAT,
    description: 'Linux net-tools netstat socket listing (internet and UNIX sections)',
    commands: ['netstat -anp', 'netstat -an', 'netstat -lnp', 'netstat -aeep', 'netstat -anpo', 'netstat -anp -A inet6'],
    os: ['linux'],
  },
  detect: detectLinuxNetstat,
  parse: parseLinuxNetstat,
  reader: linuxNetstatReader,
};
