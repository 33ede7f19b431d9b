// What one parse of a Linux net-tools `netstat` listing shares (the cursor, caches, the columns in
// force) and the owner columns both of its sections read (User/Inode, PID/Program name).
import type { Connection } from '../model.js';
import {
  cellDigits, type Cursor, digitsAt, makeInterner, makeOwnerReader, makeRecentSpans, newHostPort, nextCell, type HostPort, type Owner, PROGRAM_CELL_WIDTH,
} from './linux-netstat-fields.js';
import { copySpan, type Copier } from './line-spans.js';

export const LINUX_NETSTAT_FORMAT = 'linux-netstat';

/** Which optional columns the last `Proto ...` header announced (null: no header seen, guess). */
export interface InetColumns { user: boolean; pid: boolean; timer: boolean }
export interface UnixColumns { pid: boolean }

/** Everything one parse shares: the cursor, caches, the columns in force. */
export interface State {
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

export interface OwnerColumns { pid: number | null; process: string | null; truncated: boolean; user: string | null; uid: number; inode: number }

export function newState(artifact: string): State {
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

/** `-` or digits then `/` at start (scanning no further than the line end). */
export function looksLikePid(text: string, start: number, end: number): boolean {
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
export function readOwnerColumns(st: State, pos: number): string | null {
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
