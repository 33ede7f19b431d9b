// Cell-level helpers for the net-tools netstat parser. They work on offsets into the whole text so a
// 10 MB listing is read without slicing every line and every cell (the benchmark's memory budget is
// 5× the input); only the values kept in records are sliced, and repeated ones are shared.
import { spanEquals, type Copier } from './line-spans.js';

/** One line of a larger text and the cell last found in it (one reusable object per parse). */
export interface Cursor {
  text: string;
  /** End of the current line (exclusive, without its terminator). */
  end: number;
  cellStart: number;
  cellEnd: number;
}

export function skipBlanks(text: string, pos: number, end: number): number {
  let i = pos;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return i;
}

/**
 * End of the cell starting at pos: the first space, tab or line terminator at or after it (or end).
 * Stopping at terminators lets a row be read before its line end is known.
 */
export function cellEndAt(text: string, pos: number, end: number): number {
  let i = pos;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c <= 32 && (c === 32 || c === 9 || c === 10 || c === 13)) break;
    i++;
  }
  return i;
}

/** Find the next whitespace-separated cell at or after pos; false at the end of the line. */
export function nextCell(cur: Cursor, pos: number): boolean {
  const { text, end } = cur;
  const start = skipBlanks(text, pos, end);
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) break;
    i++;
  }
  cur.cellStart = start;
  cur.cellEnd = i;
  return i > start;
}

export function cellText(cur: Cursor): string {
  return cur.text.slice(cur.cellStart, cur.cellEnd);
}

/** The decimal value of text[start, end), or -1 when it is not 1..15 ASCII digits. */
export function digitsAt(text: string, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

export function cellDigits(cur: Cursor): number {
  return digitsAt(cur.text, cur.cellStart, cur.cellEnd);
}

/** Shares equal strings (addresses, names repeat across thousands of rows); bounded. */
export function makeInterner(limit = 4096): (s: string) => string {
  const seen = new Map<string, string>();
  return (s: string): string => {
    const known = seen.get(s);
    if (known !== undefined) return known;
    if (seen.size < limit) seen.set(s, s);
    return s;
  };
}

/** State words net-tools prints for tcp (and ESTABLISHED/UNKNOWN for connected UDP), commonest first. */
export const LINUX_STATES: readonly string[] = ['ESTABLISHED', 'TIME_WAIT', 'LISTEN', 'CLOSE_WAIT', 'SYN_SENT', 'SYN_RECV',
  'FIN_WAIT1', 'FIN_WAIT2', 'LAST_ACK', 'CLOSING', 'CLOSE', 'NEW_SYN_RECV', 'UNKNOWN'];

/**
 * Index in `words` of the word text[start, end) exactly, or -1 (no slice). A character loop: these
 * words are short, and most candidates differ in length or first letter.
 */
export function wordIndexAt(text: string, start: number, end: number, words: readonly string[]): number {
  const len = end - start;
  for (let k = 0; k < words.length; k++) {
    const w = words[k];
    if (w.length !== len) continue;
    let i = 0;
    while (i < len && w.charCodeAt(i) === text.charCodeAt(start + i)) i++;
    if (i === len) return k;
  }
  return -1;
}

/** The cell is one of `words` exactly: that shared string, else null (no slice, no garbage). */
export function cellIsOneOf(cur: Cursor, words: readonly string[]): string | null {
  const k = wordIndexAt(cur.text, cur.cellStart, cur.cellEnd, words);
  return k < 0 ? null : words[k];
}


// include/net/tcp_states.h: raw rows print the kernel's number (7 = TCP_CLOSE).
const KERNEL_STATES = ['', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE',
  'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV'];

export function stateFromNumber(n: number): string | null {
  return n >= 1 && n < KERNEL_STATES.length ? KERNEL_STATES[n] : null;
}

// Names netstat prints without -n (Debian /etc/services, /etc/protocols for raw): those with a
// single well-known number. Unknown names keep port null and the name in *PortRaw.
const SERVICES: Record<string, number> = {
  ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, bootps: 67, bootpc: 68, tftp: 69, http: 80,
  kerberos: 88, pop3: 110, sunrpc: 111, ntp: 123, 'netbios-ns': 137, 'netbios-dgm': 138,
  'netbios-ssn': 139, imap2: 143, snmp: 161, 'snmp-trap': 162, bgp: 179, svrloc: 427, ldap: 389,
  https: 443, 'microsoft-ds': 445, isakmp: 500, syslog: 514, printer: 515, submission: 587, ipp: 631,
  ldaps: 636, 'kerberos-adm': 749, rsync: 873, imaps: 993, pop3s: 995, socks: 1080, openvpn: 1194,
  'ms-sql-s': 1433, l2tp: 1701, pptp: 1723, ssdp: 1900, nfs: 2049, mysql: 3306, 'ms-wbt-server': 3389,
  'ipsec-nat-t': 4500, sip: 5060, 'xmpp-client': 5222, mdns: 5353, llmnr: 5355, postgresql: 5432,
  x11: 6000, bbs: 7000, 'http-alt': 8080, webmin: 10000,
};
const RAW_PROTOCOLS: Record<string, number> = { icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, 'ipv6-icmp': 58 };

export interface HostPort {
  address: string;
  port: number | null;
  /** The port as printed when it was a name (or out of range). */
  portRaw: string | null;
  zone: string | null;
}

export function newHostPort(): HostPort {
  return { address: '', port: null, portRaw: null, zone: null };
}

/**
 * "fe80::1%eth0:123", "[::]:ssh", ":::*" in text[start, end): split at the LAST colon into `out`
 * (reused between rows: no garbage per cell). False when there is no colon. `shared` returns one copy
 * of a repeated address; `shareAll` false leaves addresses with a numeric port (mostly unique peers)
 * to a plain slice.
 */
export function splitHostPort(
  text: string, start: number, end: number, protocol: string, shared: (text: string, start: number, end: number) => string,
  out: HostPort, shareAll: boolean, copy: Copier = (t, s, e) => t.slice(s, e),
): boolean {
  // A character loop: String.prototype.lastIndexOf with a position is a runtime call per cell.
  let colon = end - 1;
  while (colon >= start && text.charCodeAt(colon) !== 58) colon--;
  if (colon < start) return false;
  let a = start;
  let b = colon;
  if (b - a >= 2 && text.charCodeAt(a) === 91 && text.charCodeAt(b - 1) === 93) {
    a++;
    b--;
  }
  // Each field of `out` is written once with its final value (stable field representations).
  const digits = digitsAt(text, colon + 1, end);
  const star = digits < 0 && end === colon + 2 && text.charCodeAt(colon + 1) === 42;
  let port: number | null = null;
  let portRaw: string | null = null;
  if (digits >= 0 && digits <= 65535) port = digits;
  else if (!star) {
    portRaw = shared(text, colon + 1, end);
    const table = protocol === 'raw' ? RAW_PROTOCOLS : SERVICES;
    port = Object.prototype.hasOwnProperty.call(table, portRaw) ? table[portRaw] : null;
  }
  let pct = -1;
  for (let i = a; i < b; i++) {
    if (text.charCodeAt(i) === 37) {
      pct = i;
      break;
    }
  }
  out.address = shareAll || star ? shared(text, a, b) : copy(text, a, b);
  out.port = port;
  out.portRaw = portRaw;
  out.zone = pct >= 0 && pct < b - 1 ? copy(text, pct + 1, b) : null;
  return true;
}

/** The `PID/Program name` cell is printed into a 20-byte buffer: at most 19 characters, then padding. */
export const PROGRAM_CELL_WIDTH = 20;
const PROGRAM_CELL_MAX = PROGRAM_CELL_WIDTH - 1;

export interface Owner {
  pid: number | null;
  process: string | null;
  truncated: boolean;
}

const NO_OWNER: Owner = { pid: null, process: null, truncated: false };

/** "600/sshd: /usr/sbin" → pid 600, 'sshd: /usr/sbin' (cut: the cell is full); "-" → unknown owner. */
export function parsePidProgram(cell: string): Owner | null {
  const text = cell.trimEnd();
  if (text === '-') return NO_OWNER;
  const slash = text.indexOf('/');
  const pid = slash > 0 ? digitsAt(text, 0, slash) : -1;
  if (pid < 0) return null;
  const name = text.slice(slash + 1);
  return { pid, process: name === '' ? null : name, truncated: text.length >= PROGRAM_CELL_MAX };
}

const OWNER_SLOTS = 512;

/**
 * parsePidProgram over text[start, end) with a cache keyed by pid: a busy server has thousands of
 * rows per process, and a hit costs a comparison instead of a slice. Direct-mapped by the low bits
 * of the pid (no hashing); a slot only answers when the whole cell is the same text.
 */
export function makeOwnerReader(copy: Copier = (t, s, e) => t.slice(s, e)): (text: string, start: number, end: number) => Owner | null {
  const pids = new Int32Array(OWNER_SLOTS).fill(-1);
  const cells: string[] = new Array<string>(OWNER_SLOTS).fill('');
  const owners: (Owner | null)[] = new Array<Owner | null>(OWNER_SLOTS).fill(null);
  return (text: string, start: number, end: number): Owner | null => {
    let e = end;
    while (e > start && (text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === 9)) e--;
    if (e - start === 1 && text.charCodeAt(start) === 45) return NO_OWNER;
    let pid = 0;
    let slash = start;
    for (; slash < e; slash++) {
      const c = text.charCodeAt(slash) - 48;
      if (c < 0 || c > 9) break;
      pid = pid * 10 + c;
    }
    if (slash === start || slash === e || slash - start > 9 || text.charCodeAt(slash) !== 47) return parsePidProgram(copy(text, start, e));
    const slot = pid & (OWNER_SLOTS - 1);
    if (pids[slot] === pid && spanEquals(text, start, e, cells[slot])) return owners[slot];
    const cell = copy(text, start, e);
    const owner = parsePidProgram(cell);
    pids[slot] = pid;
    cells[slot] = cell;
    owners[slot] = owner;
    return owner;
  };
}

/** The shared line iterators (one implementation for every parser). */
export { forEachLineStart, lineEndAt, makeRecentSpans, spanEquals } from './line-spans.js';
