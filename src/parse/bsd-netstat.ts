// macOS and FreeBSD `netstat -an` / `netstat` / `netstat -anv [-p tcp|udp]`: the Internet table
// (see bsd-inet.ts), UNIX domain sockets, and macOS's multipath, kernel control and kernel event
// sections. Section titles switch what the following rows mean; every line is accounted for.
import type { OtherSocket, ParseResult, SourceRef } from '../model.js';
import type { Parser, ParserInput } from './types.js';
import { digitsOrNull, intern, isBlankLine, isDigits, isHex, restOfLine, tokenize, warnUnparsed } from './bsd-common.js';
import { DEFAULT_INET_LAYOUT, inetLayoutFromHeader, mapColumns, ownerFromColumns, parseInetRow } from './bsd-inet.js';
import type { InetLayout } from './bsd-inet.js';
import { addUnparsed, emptyResult } from './result.js';
import { splitLines } from './text.js';

const FORMAT = 'bsd-netstat';

type Section = 'inet' | 'mptcp' | 'unix' | 'kctl-registered' | 'kevt' | 'kctl' | 'unknown';

interface State {
  section: Section;
  inet: InetLayout;
  /** Column names of the current kevt/kctl/registered-modules header. */
  columns: string[];
  mismatchWarned: boolean;
}

/** Section switched to by a title line, or null when the line is no title. */
function sectionOfTitle(line: string): Section | null {
  if (line.startsWith('Active ')) {
    if (line.startsWith('Active Multipath Internet')) return 'mptcp';
    if (line.startsWith('Active Internet')) return 'inet';
    if (line.includes('UNIX) domain sockets') || line.startsWith('Active UNIX domain sockets')) return 'unix';
    if (line.startsWith('Active kernel event sockets')) return 'kevt';
    if (line.startsWith('Active kernel control sockets')) return 'kctl';
    return 'unknown';
  }
  if (line.startsWith('Registered kernel control modules')) return 'kctl-registered';
  if (line.startsWith('Current listen queue sizes')) return 'unknown';
  return null;
}

export function parseBsdNetstat(input: ParserInput): ParseResult {
  const result = emptyResult(FORMAT, input.artifact, input.encoding);
  const lines = splitLines(input.text);
  result.lines.total = lines.length;
  const state: State = { section: 'inet', inet: DEFAULT_INET_LAYOUT, columns: [], mismatchWarned: false };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (isBlankLine(line)) {
      result.lines.blank++;
      continue;
    }
    const title = sectionOfTitle(line);
    if (title !== null) {
      state.section = title;
      state.columns = [];
      result.lines.headers++;
      continue;
    }
    if (line.startsWith('Some ') && line.includes(' sockets may have been')) {
      // netstat's own notice that the socket list changed while it was read.
      result.warnings.push(`${input.artifact}: line ${i + 1}: ${line.trim().slice(0, 120)}`);
      result.lines.headers++;
      continue;
    }
    const tokens = tokenize(line);
    const source: SourceRef = { artifact: input.artifact, line: i + 1 };
    const reason = readLine(result, state, line, tokens, source);
    if (reason === null) continue;
    addUnparsed(result, i + 1, line, reason);
  }
  warnUnparsed(result);
  return result;
}

/** Account one non-blank, non-title line; returns the reason when it is not understood. */
function readLine(result: ParseResult, state: State, line: string, tokens: string[], source: SourceRef): string | null {
  const first = tokens[0];
  if (first === 'Proto' || first === 'Proto/ID' || tokens[1] === 'Proto' || tokens[2] === 'Proto') {
    if (state.section === 'inet') state.inet = inetLayoutFromHeader(line, tokens);
    else state.columns = tokens;
    result.lines.headers++;
    return null;
  }
  switch (state.section) {
    case 'inet':
      return readInet(result, state, line, tokens, source);
    case 'mptcp':
      return readMptcp(result, tokens, source);
    case 'unix':
      return readUnix(result, line, tokens, source);
    case 'kctl-registered':
    case 'kevt':
    case 'kctl':
      return readSystem(result, state, line, tokens, source);
    default:
      return 'rows of this netstat section are not supported';
  }
}

function readInet(result: ParseResult, state: State, line: string, tokens: string[], source: SourceRef): string | null {
  const row = parseInetRow(line, tokens, state.inet, source, FORMAT);
  if (row.kind === 'bad') return row.reason;
  if (row.kind === 'other') result.otherSockets.push(row.other);
  else {
    result.connections.push(row.connection);
    if (row.columnsMismatch && !state.mismatchWarned) {
      state.mismatchWarned = true;
      result.warnings.push(`${source.artifact}: line ${source.line}: -v columns do not match the header; pid not read`);
    }
  }
  result.lines.records++;
  return null;
}

/** `mptcp/00  flags/flags  STATE`, indented subflows ` tcp4/00  flags  local  foreign  STATE`, `[...]` details. */
function readMptcp(result: ParseResult, tokens: string[], source: SourceRef): string | null {
  const first = tokens[0];
  if (first.startsWith('[') && tokens[tokens.length - 1].endsWith(']')) {
    result.lines.headers++;
    return null;
  }
  if (first.startsWith('mptcp/') && tokens.length >= 2) {
    const state = tokens.length >= 3 ? tokens[tokens.length - 1] : null;
    result.otherSockets.push(otherSocket('mptcp', first, '', state, NO_OWNER, source));
  } else if (/^tcp(4|6)\/\d+$/.test(first) && tokens.length >= 4) {
    result.otherSockets.push(otherSocket('mptcp-subflow', tokens[2], tokens[3], tokens[4] ?? null, NO_OWNER, source));
  } else return 'not a multipath connection row';
  result.lines.records++;
  return null;
}

/** `Address Type Recv-Q Send-Q Inode Conn Refs Nextref [Addr]`: the path may hold spaces. */
function readUnix(result: ParseResult, line: string, tokens: string[], source: SourceRef): string | null {
  if (tokens[0] === 'Address') {
    result.lines.headers++;
    return null;
  }
  if (tokens.length < 8 || !isHex(tokens[0]) || !isDigits(tokens[2]) || !isDigits(tokens[3])) {
    return 'not a UNIX domain socket row';
  }
  for (let k = 4; k < 8; k++) if (!isHex(tokens[k])) return 'not a UNIX domain socket row';
  const path = tokens.length > 8 ? restOfLine(line, 8) : null;
  result.unixSockets.push({
    protoRaw: 'unix',
    refCnt: null,
    flags: null,
    type: intern(tokens[1]),
    state: null,
    // The Inode column is a kernel vnode address, not an inode number.
    inode: null,
    pid: null,
    process: null,
    path,
    source,
    format: FORMAT,
  });
  result.lines.records++;
  return null;
}

/** macOS `Registered kernel control modules`, `Active kernel event sockets`, `Active kernel control sockets`. */
function readSystem(result: ParseResult, state: State, line: string, tokens: string[], source: SourceRef): string | null {
  if (state.section === 'kctl-registered' && (tokens[0] === 'id' || tokens[0] === 'kctlref')) {
    state.columns = tokens;
    result.lines.headers++;
    return null;
  }
  const names = state.columns.length > 0 ? state.columns : defaultColumns(state.section);
  const cols = mapColumns(line, tokens, 0, names);
  if (cols === null) return 'columns do not match the section header';
  const owner = ownerFromColumns(cols);
  let other: OtherSocket;
  if (state.section === 'kctl-registered') {
    if (!isHex(cols.id ?? '') || !cols.name) return 'not a kernel control module row';
    other = otherSocket('kctl-registered', cols.name, `id=${cols.id}`, null, NO_OWNER, source);
  } else if (state.section === 'kctl') {
    if (cols.Proto !== 'kctl' || digitsOrNull(cols.unit) === null || !cols.name) return 'not a kernel control socket row';
    other = otherSocket('kctl', cols.name, `id=${cols.id} unit=${cols.unit}`, null, owner, source);
  } else {
    const subclass = cols.subcl ?? cols.subcla ?? cols.subclass;
    if (cols.Proto !== 'kevt' || digitsOrNull(cols.vendor) === null) return 'not a kernel event socket row';
    other = otherSocket('kevt', `vendor=${cols.vendor} class=${cols.class} subclass=${subclass}`, '', null, owner, source);
  }
  result.otherSockets.push(other);
  result.lines.records++;
  return null;
}

interface Owner {
  pid: number | null;
  process: string | null;
}

const NO_OWNER: Owner = { pid: null, process: null };

function otherSocket(family: string, local: string, peer: string, state: string | null, owner: Owner, source: SourceRef): OtherSocket {
  return { family, state, local, peer, pid: owner.pid, process: owner.process, source, format: FORMAT };
}

function defaultColumns(section: Section): string[] {
  if (section === 'kctl-registered') return ['id', 'flags', 'pcbcount', 'rcvbuf', 'sndbuf', 'name'];
  if (section === 'kctl') return ['Proto', 'Recv-Q', 'Send-Q', 'unit', 'id', 'name'];
  return ['Proto', 'Recv-Q', 'Send-Q', 'vendor', 'class', 'subcl'];
}

const TITLE_HINTS = ['Active LOCAL (UNIX) domain sockets', 'Registered kernel control modules', 'Active kernel control sockets', 'Active kernel event sockets', 'Active Multipath Internet connections'];

/** Content sniffing: the `(state)` header, BSD protocol names (tcp4, udp46) with addr.port, macOS-only titles. */
export function detectBsdNetstat(head: string[]): number {
  let score = 0;
  for (const line of head) {
    if (line.includes('Recv-Q') && line.includes('(state)')) score = Math.max(score, 0.9);
    else if (TITLE_HINTS.some((t) => line.startsWith(t))) score = Math.max(score, 0.8);
    else if (/^(tcp|udp)(4|46|6)?\s+\d+\s+\d+\s+\S+\.(\d+|\*|[a-z][\w-]*)\s+\S+\.(\d+|\*|[a-z][\w-]*)(\s|$)/.test(line)) {
      // tcp6 rows exist on Linux too, but Linux separates the port with a colon.
      score = Math.max(score, /^(tcp|udp)(4|46)\s/.test(line) ? 0.8 : 0.6);
    }
  }
  return score;
}

export const bsdNetstatParser: Parser = {
  info: {
    id: FORMAT,
    description: 'macOS / FreeBSD netstat socket tables (addr.port notation), with UNIX and kernel sections',
    commands: ['netstat -an', 'netstat -a', 'netstat', 'netstat -anv -p tcp', 'netstat -anv -p udp', 'netstat -anW'],
    os: ['macos', 'freebsd'],
  },
  detect: detectBsdNetstat,
  parse: parseBsdNetstat,
};
