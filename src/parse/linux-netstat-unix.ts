// The UNIX domain section of a Linux net-tools `netstat` listing: RefCnt, Flags in brackets, Type,
// State (empty for unconnected sockets), I-Node, the optional PID/Program cell and the path.
import type { UnixSocket } from '../model.js';
import { cellDigits, nextCell, PROGRAM_CELL_WIDTH, skipBlanks } from './linux-netstat-fields.js';
import { LINUX_NETSTAT_FORMAT as FORMAT, looksLikePid, type State } from './linux-netstat-state.js';

export function parseUnixRow(st: State, lineNo: number): UnixSocket | string {
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
