// Linux net-tools `netstat` socket listings: -a/-l, -n or resolved names, -p, -e/-ee (User, Inode),
// -o (Timer), -W, -A inet6, and the UNIX domain section. Columns are whitespace separated except the
// `PID/Program name` cell, whose name may hold spaces: it is read to the end of the line (or, when a
// Timer or Path column follows, by its fixed width of 20 characters).
import type { Connection, ParseResult, UnixSocket } from '../model.js';
import type { ChunkReader, Parser, ParserInput } from './types.js';
import { addUnparsed, emptyResult, warnUnparsed } from './result.js';
import {
  cellDigits, cellEndAt, cellIsOneOf, type Cursor, digitsAt, LINUX_STATES, wordIndexAt, forEachLineStart, lineEndAt, makeInterner, makeOwnerReader, makeRecentSpans,
  newHostPort, nextCell, type HostPort, type Owner, PROGRAM_CELL_WIDTH, skipBlanks, splitHostPort, stateFromNumber,
} from './linux-netstat-fields.js';
import { copySpan, type Copier } from './line-spans.js';

export const LINUX_NETSTAT_FORMAT = 'linux-netstat';
const FORMAT = LINUX_NETSTAT_FORMAT;

type Family = ['tcp' | 'udp' | 'raw', 4 | 6];
const INET_PROTOS: readonly string[] = ['tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6', 'udpl', 'udpl6'];
const FAMILIES: readonly Family[] = [['tcp', 4], ['tcp', 6], ['udp', 4], ['udp', 6], ['raw', 4], ['raw', 6], ['udp', 4], ['udp', 6]];
const FIRST_WORDS: readonly string[] = ['unix', 'Proto', 'Active'];

/** Which optional columns the last `Proto ...` header announced (null: no header seen, guess). */
interface InetColumns { user: boolean; pid: boolean; timer: boolean }
interface UnixColumns { pid: boolean }

/** Everything one parse shares: the cursor, caches, the columns in force. */
interface State {
  cur: Cursor;
  artifact: string;
  inet: InetColumns | null;
  unix: UnixColumns | null;
  intern: (s: string) => string;
  /** Values kept in records: copied from the raw bytes when it can be (not a view into the whole text). */
  copy: Copier;
  /** Addresses and port names repeated row after row (see makeRecentSpans). */
  recent: (text: string, start: number, end: number) => string;
  owner: (text: string, start: number, end: number) => Owner | null;
  /** Rows with a 23-character address cell, and whether any cell was longer (-W). */
  maybeCut: Connection[];
  wide: boolean;
  /** Local and foreign host:port of the current row (reused). */
  l: HostPort;
  f: HostPort;
  /** Owner columns of the current row (reused). */
  o: OwnerColumns;
  /** Where parseInetRow stopped reading: the line end after a record, an earlier offset after an error. */
  lineEnd: number;
  /** The section title last seen (Active Internet / UNIX / other). */
  section: 'inet' | 'unix' | 'other' | null;
  /** The bytes of the text being read when each character is the byte at the same offset (see copy). */
  bytes: Buffer | undefined;
}

interface OwnerColumns { pid: number | null; process: string | null; truncated: boolean; user: string | null; uid: number; inode: number }

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

function newState(artifact: string): State {
  const st: State = {
    cur: { text: '', end: 0, cellStart: 0, cellEnd: 0 }, artifact, inet: null, unix: null, copy: (t, s, e) => t.slice(s, e),
    intern: makeInterner(), recent: (t) => t, owner: () => null, maybeCut: [], wide: false, l: newHostPort(), f: newHostPort(),
    o: { pid: null, process: null, truncated: false, user: null, uid: -1, inode: -1 }, lineEnd: 0, section: null, bytes: undefined,
  };
  // Values kept are copied from the current piece's bytes when there are some (copySpan), so that no
  // record holds a view into a piece's text.
  let bytes: Buffer | undefined | null = null;
  let fromBytes: Copier = st.copy;
  st.copy = (text, start, end) => {
    if (st.bytes !== bytes) {
      bytes = st.bytes;
      fromBytes = copySpan(bytes);
    }
    return fromBytes(text, start, end);
  };
  st.recent = makeRecentSpans(8, st.copy);
  st.owner = makeOwnerReader(st.copy);
  return st;
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

/** `-` or digits then `/` at start (scanning no further than the line end). */
function looksLikePid(text: string, start: number, end: number): boolean {
  if (text.charCodeAt(start) === 45) return true;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 47) return i > start;
    if (c < 48 || c > 57) return false;
    i++;
  }
  return false;
}

/** User/Inode (-e) then PID/Program (-p) into st.o; without a header, guessed from the cells. Error text or null. */
function readOwnerColumns(st: State, pos: number): string | null {
  const { cur, inet: cols, o } = st;
  const text = cur.text;
  o.pid = null;
  o.process = null;
  o.truncated = false;
  o.user = null;
  let has = nextCell(cur, pos);
  let hasUser = cols?.user ?? false;
  if (cols === null && has && !looksLikePid(text, cur.cellStart, cur.end)) {
    const saveStart = cur.cellStart;
    const saveEnd = cur.cellEnd;
    hasUser = nextCell(cur, cur.cellEnd) && cellDigits(cur) >= 0;
    cur.cellStart = saveStart;
    cur.cellEnd = saveEnd;
  }
  if (hasUser) {
    if (!has) return 'User/Inode columns expected';
    const user = st.intern(st.copy(text, cur.cellStart, cur.cellEnd));
    nextCell(cur, cur.cellEnd);
    const inode = cellDigits(cur);
    if (inode < 0) return 'User/Inode columns expected';
    o.user = user;
    o.uid = digitsAt(user, 0, user.length);
    o.inode = inode;
    has = nextCell(cur, cur.cellEnd);
  }
  const hasPid = cols ? cols.pid : has && looksLikePid(text, cur.cellStart, cur.end);
  if (!hasPid) return has ? 'unexpected text after the last column' : null;
  if (!has) return 'PID/Program column expected';
  const cellEnd = cols?.timer ? Math.min(cur.end, cur.cellStart + PROGRAM_CELL_WIDTH) : cur.end;
  const owner = st.owner(text, cur.cellStart, cellEnd);
  if (owner === null) return 'PID/Program column not understood';
  o.pid = owner.pid;
  o.process = owner.process;
  o.truncated = owner.truncated;
  return null;
}

function parseUnixRow(st: State, lineNo: number): UnixSocket | string {
  const { cur } = st;
  const text = cur.text;
  nextCell(cur, cur.cellEnd);
  const refCnt = cellDigits(cur);
  if (refCnt < 0) return 'RefCnt not numeric';
  const open = skipBlanks(text, cur.cellEnd, cur.end);
  if (text.charCodeAt(open) !== 91) return 'Flags column ([ ... ]) expected';
  const close = text.indexOf(']', open);
  if (close < 0 || close >= cur.end) return 'Flags column not closed';
  const flags = st.copy(text, open + 1, close).trim();
  nextCell(cur, close + 1);
  const type = st.copy(text, cur.cellStart, cur.cellEnd);
  nextCell(cur, cur.cellEnd);
  let state: string | null = null;
  if (cellDigits(cur) < 0) {
    state = st.intern(st.copy(text, cur.cellStart, cur.cellEnd));
    nextCell(cur, cur.cellEnd);
  }
  const inode = cellDigits(cur);
  if (inode < 0) return 'I-Node not numeric';
  const sock: UnixSocket = {
    protoRaw: 'unix', refCnt, flags: flags === '' ? null : st.intern(flags), type: type === '' ? null : st.intern(type), state,
    inode, pid: null, process: null, path: null, source: { artifact: st.artifact, line: lineNo }, format: FORMAT,
  };
  let pathStart = skipBlanks(text, cur.cellEnd, cur.end);
  // Without a header: a pid cell is `-` or `N/` followed by the 20-character cell and the path.
  const hasPid = st.unix ? st.unix.pid : pathStart < cur.end && looksLikePid(text, pathStart, cur.end) && pathStart + PROGRAM_CELL_WIDTH < cur.end;
  if (hasPid && pathStart < cur.end) {
    const owner = st.owner(text, pathStart, Math.min(cur.end, pathStart + PROGRAM_CELL_WIDTH));
    if (owner === null) return 'PID/Program column not understood';
    sock.pid = owner.pid;
    sock.process = owner.process;
    pathStart = skipBlanks(text, pathStart + PROGRAM_CELL_WIDTH, cur.end);
  }
  const path = st.copy(text, Math.min(pathStart, cur.end), cur.end).trimEnd();
  sock.path = path === '' ? null : path;
  return sock;
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
