// The kernel's own socket tables: /proc/net/tcp, tcp6, udp, udp6, raw, raw6 (also udplite[6] and
// icmp[6], which share the UDP layout). No process owners here: the analyzer joins them to
// ProcessFacts by inode. view 'proc'.
//
// Which table a file is: IPv4 vs IPv6 from the hex address length; TCP vs the datagram tables from
// the header (`... inode` vs `... inode ref pointer drops`) or, without one, from each row's trailing
// fields and state. UDP and raw rows look identical, so only the artifact's file name (the collector
// writes NN-proc-net-raw.stdout) can tell them apart; it is used for that alone, as a hint, and a
// warning says so when it decided.
import type { Connection, ParseResult } from '../model.js';
import type { Parser, ParserInput } from './types.js';
import { addUnparsed, emptyResult, warnUnparsed } from './result.js';
import { firstNonBlankAt, forEachLineSpan, intAt } from './line-spans.js';
import { hexIpv4, hexIpv6, hexValue, procState } from './proc-net-hex.js';

export const LINUX_PROC_NET_FORMAT = 'linux-proc-net';
const FORMAT = LINUX_PROC_NET_FORMAT;

type Layout = 'tcp' | 'datagram';
type Table = 'tcp' | 'udp' | 'udplite' | 'raw' | 'icmp';

const MAX_FIELDS = 14;

/** Start/end offsets of the whitespace-separated fields of the current line (reused). */
const starts = new Int32Array(MAX_FIELDS);
const ends = new Int32Array(MAX_FIELDS);

/** Fields of text[from, to), at most `max` (the TCP tail after the inode is rarely needed). */
function scanFields(text: string, from: number, to: number, max: number): number {
  let count = 0;
  let i = from;
  while (i < to && count < max) {
    while (i < to && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    if (i >= to) break;
    starts[count] = i;
    while (i < to && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 9) i++;
    ends[count++] = i;
  }
  return count;
}

/** `sl  local_address rem_address   st tx_queue ...` (from `sl` on): the layout, or null. */
function headerLayout(line: string): Layout | null {
  if (!line.includes('local_address')) return null;
  return line.includes(' drops') ? 'datagram' : 'tcp';
}

/** Table named by the artifact's file name (…proc-net-raw6.stdout, tcp6, udp.txt), if any. */
export function tableFromName(artifact: string): Table | null {
  const base = artifact.slice(artifact.lastIndexOf('/') + 1).toLowerCase();
  const match = /(?:^|[^a-z])(tcp|udplite|udp|raw|icmp)6?(?:[^a-z]|$)/.exec(base);
  return match ? (match[1] as Table) : null;
}

function isHexAddress(text: string, k: number): 0 | 4 | 6 {
  const len = ends[k] - starts[k];
  if (len !== 13 && len !== 37) return 0;
  if (text.charCodeAt(ends[k] - 5) !== 58) return 0;
  return len === 13 ? 4 : 6;
}

interface Context {
  result: ParseResult;
  artifact: string;
  hint: Table | null;
  layout: Layout | null;
  /** Which warnings were already given (one per kind per file). */
  warned: Set<string>;
}

function warnOnce(ctx: Context, key: string, text: string): void {
  if (ctx.warned.has(key)) return;
  ctx.warned.add(key);
  ctx.result.warnings.push(`${ctx.artifact}: ${text}`);
}

/** TCP or one of the datagram tables, from the layout and the file-name hint. */
function tableOf(ctx: Context, layout: Layout): Table {
  const hint = ctx.hint;
  if (layout === 'tcp') {
    if (hint && hint !== 'tcp') warnOnce(ctx, 'tcp-hint', `file name suggests ${hint} but the content is the TCP layout; read as tcp`);
    return 'tcp';
  }
  if (hint === 'tcp') {
    warnOnce(ctx, 'udp-hint', 'file name suggests tcp but the content is the UDP/raw layout; read as udp');
    return 'udp';
  }
  if (hint === null) {
    warnOnce(ctx, 'udp-guess', 'UDP and raw tables look alike and the file name does not say which; read as udp');
    return 'udp';
  }
  if (hint === 'raw' || hint === 'icmp') warnOnce(ctx, 'name-hint', `datagram layout read as ${hint} because of the file name`);
  return hint;
}

const PROTOCOL: Record<Table, Connection['protocol']> = { tcp: 'tcp', udp: 'udp', udplite: 'udp', raw: 'raw', icmp: 'raw' };

/** Interned state codes: most rows share a handful, and stateRaw is kept per record. */
const STATE_TEXT = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/** One socket row in text[from, to), or the reason it is not one. */
function parseRow(text: string, from: number, to: number, lineNo: number, ctx: Context): Connection | string {
  // Ten fields up to the inode; without a header, up to 14 to tell UDP's 3 trailing fields from TCP's.
  const count = scanFields(text, from, to, ctx.layout ? 10 : 14);
  if (count < 10) return 'too few fields for a /proc/net socket row';
  if (text.charCodeAt(ends[0] - 1) !== 58 || hexValue(text, starts[0], ends[0] - 1) < 0) return 'no "N:" slot number';
  const version = isHexAddress(text, 1);
  if (version === 0 || isHexAddress(text, 2) !== version) return 'addresses are not kernel hex address:port';
  const code = hexValue(text, starts[3], ends[3]);
  if (code < 0 || ends[3] - starts[3] !== 2) return 'state is not a two-digit hex code';
  const txEnd = text.indexOf(':', starts[4]);
  if (txEnd < 0 || txEnd >= ends[4]) return 'tx_queue:rx_queue not understood';
  const txQueue = hexValue(text, starts[4], txEnd);
  const rxQueue = hexValue(text, txEnd + 1, ends[4]);
  const uid = intAt(text, starts[7], ends[7]);
  const inode = intAt(text, starts[9], ends[9]);
  if (uid === null || inode === null) return 'uid or inode is not a number';
  const layout = ctx.layout ?? (count === 13 && (code === 1 || code === 7) ? 'datagram' : 'tcp');
  const table = tableOf(ctx, layout);
  const localAddress = version === 4 ? hexIpv4(text, starts[1]) : hexIpv6(text, starts[1]);
  const remoteAddress = version === 4 ? hexIpv4(text, starts[2]) : hexIpv6(text, starts[2]);
  if (localAddress === null || remoteAddress === null) return 'address is not hex';
  const localPort = hexValue(text, ends[1] - 4, ends[1]);
  const remotePort = hexValue(text, ends[2] - 4, ends[2]);
  if (localPort < 0 || remotePort < 0) return 'port is not hex';
  return {
    protocol: PROTOCOL[table],
    ipVersion: version,
    localAddress,
    // Raw (and ICMP) sockets: the kernel prints the IP protocol number (1 icmp, 58 ipv6-icmp) in
    // the port field; it is kept in localPort as netstat and ss also show it there.
    localPort: portOrNull(localPort),
    remoteAddress,
    remotePort: portOrNull(remotePort),
    state: procState(code, layout === 'datagram'),
    stateRaw: STATE_TEXT[code],
    pid: null,
    process: null,
    source: { artifact: ctx.artifact, line: lineNo },
    protoRaw: version === 6 ? `${table}6` : table,
    view: 'proc',
    format: FORMAT,
    uid,
    // Inode 0: TIME_WAIT and request sockets have no file, so nothing can own them.
    inode: inode === 0 ? null : inode,
    recvQ: rxQueue < 0 ? null : rxQueue,
    sendQ: txQueue < 0 ? null : txQueue,
  };
}

/** Port 0 is "none" (unbound local, unconnected peer): null, as ss prints `*`. */
function portOrNull(value: number): number | null {
  return value === 0 ? null : value;
}

/** The header line, when text[from, to) is one: `sl` first, then `local_address`. */
function headerAt(text: string, first: number, to: number): Layout | null {
  if (text.charCodeAt(first) !== 115 || text.charCodeAt(first + 1) !== 108) return null; // "sl"
  return headerLayout(text.slice(first, to));
}

function parse(input: ParserInput): ParseResult {
  const result = emptyResult(FORMAT, input.artifact, input.encoding);
  const text = input.text;
  const ctx: Context = { result, artifact: input.artifact, hint: tableFromName(input.artifact), layout: null, warned: new Set() };
  result.lines.total = forEachLineSpan(text, (start, end, lineNo) => {
    const first = firstNonBlankAt(text, start, end);
    if (first < 0) {
      result.lines.blank++;
      return;
    }
    const layout = headerAt(text, first, end);
    if (layout) {
      // A new header starts a new table (several files concatenated): its layout rules the rows below.
      ctx.layout = layout;
      result.lines.headers++;
      return;
    }
    let row: Connection | string;
    try {
      row = parseRow(text, first, end, lineNo, ctx);
    } catch (err) {
      row = `internal error: ${(err as Error).message}`;
    }
    if (typeof row === 'string') addUnparsed(result, lineNo, text.slice(start, end), row);
    else {
      result.connections.push(row);
      result.lines.records++;
    }
  });
  warnUnparsed(result);
  return result;
}

function detect(head: string[]): number {
  let rows = 0;
  let seen = 0;
  for (const line of head) {
    const first = firstNonBlankAt(line, 0, line.length);
    if (first < 0) continue;
    if (headerAt(line, first, line.length) && line.includes('st') && line.includes('inode')) return 0.95;
    seen++;
    const count = scanFields(line, 0, line.length, 10);
    if (count >= 10 && line.charCodeAt(ends[0] - 1) === 58 && isHexAddress(line, 1) !== 0) rows++;
  }
  return seen > 0 && rows / seen >= 0.8 ? 0.8 : 0;
}

export const procNetParser: Parser = {
  info: {
    id: FORMAT,
    description: 'Linux kernel socket tables /proc/net/tcp, tcp6, udp, udp6, raw, raw6 (udplite, icmp)',
    commands: ['cat /proc/net/tcp', 'cat /proc/net/tcp6', 'cat /proc/net/udp', 'cat /proc/net/udp6', 'cat /proc/net/raw', 'cat /proc/net/raw6'],
    os: ['linux'],
  },
  detect,
  parse,
};
