// Helpers shared by the macOS/FreeBSD parsers and lsof: whitespace tokens with their offsets (so a
// column holding spaces can be cut from the line), TCP state names and well-known service ports.
import { isDigits } from './text.js';

const BLANKS = /[ \t]+/;

/** Split on runs of spaces/tabs (only those: tokenStart must agree). V8's native split is the fastest. */
export function tokenize(line: string): string[] {
  let s = 0;
  let e = line.length;
  while (s < e && isBlankCode(line.charCodeAt(s))) s++;
  while (e > s && isBlankCode(line.charCodeAt(e - 1))) e--;
  if (s === e) return [];
  return (s === 0 && e === line.length ? line : line.slice(s, e)).split(BLANKS);
}

function isBlankCode(c: number): boolean {
  return c === 32 || c === 9;
}

/** Offset in the line where token `index` (as counted by tokenize) starts; -1 past the end. */
export function tokenStart(line: string, index: number): number {
  const n = line.length;
  let i = 0;
  for (let k = 0; ; k++) {
    while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
    if (i >= n) return -1;
    if (k === index) return i;
    while (i < n && line.charCodeAt(i) !== 32 && line.charCodeAt(i) !== 9) i++;
  }
}

/** The line from token `index` to its end, trailing blanks removed: a last column that may hold spaces. */
export function restOfLine(line: string, index: number): string {
  const at = tokenStart(line, index);
  return at < 0 ? '' : line.slice(at).trimEnd();
}

/** The text from token `first` through token `last`, inner spacing kept. */
export function tokenSpan(line: string, tokens: string[], first: number, last: number): string {
  const at = tokenStart(line, first);
  const lastAt = tokenStart(line, last);
  return at < 0 || lastAt < 0 ? '' : line.slice(at, lastAt + tokens[last].length);
}

const INTERNED = new Map<string, string>();
const MAX_INTERNED = 50_000;

/**
 * One shared copy of a short, often repeated value (protocol, state, user, process, interface):
 * a 10 MB capture holds 100,000 records, and keeping one string per record costs memory and GC time.
 */
export function intern(text: string): string {
  const known = INTERNED.get(text);
  if (known !== undefined) return known;
  if (text.length > 64) return text;
  if (INTERNED.size >= MAX_INTERNED) INTERNED.clear();
  INTERNED.set(text, text);
  return text;
}

export function isBlankLine(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}


export function isHex(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

export function digitsOrNull(s: string | undefined): number | null {
  return s !== undefined && isDigits(s) ? Number(s) : null;
}

// BSD kernels print tcpstates[] (SYN_RCVD, FIN_WAIT_1, CLOSED); Linux lsof prints the Linux names.
const TCP_STATES: Record<string, string> = {
  LISTEN: 'LISTEN',
  ESTABLISHED: 'ESTABLISHED',
  SYN_SENT: 'SYN_SENT',
  SYN_RCVD: 'SYN_RECV',
  SYN_RECV: 'SYN_RECV',
  SYN_RECEIVED: 'SYN_RECV',
  FIN_WAIT_1: 'FIN_WAIT1',
  FIN_WAIT1: 'FIN_WAIT1',
  FIN_WAIT_2: 'FIN_WAIT2',
  FIN_WAIT2: 'FIN_WAIT2',
  CLOSE_WAIT: 'CLOSE_WAIT',
  CLOSING: 'CLOSING',
  LAST_ACK: 'LAST_ACK',
  TIME_WAIT: 'TIME_WAIT',
  CLOSED: 'CLOSE',
  CLOSE: 'CLOSE',
};

/** Linux netstat name of a printed TCP state, or null (numeric or unknown states). */
export function normaliseTcpState(raw: string): string | null {
  return Object.prototype.hasOwnProperty.call(TCP_STATES, raw) ? TCP_STATES[raw] : null;
}

export function isTcpStateName(raw: string): boolean {
  return Object.prototype.hasOwnProperty.call(TCP_STATES, raw);
}

// Names netstat/lsof print without -n/-P (getservbyport). Only names with one IANA number that
// macOS and FreeBSD /etc/services agree on; 'b' both, 't' tcp only, 'u' udp only.
const SERVICES: ReadonlyArray<[string, number, 'b' | 't' | 'u']> = [
  ['echo', 7, 'b'], ['discard', 9, 'b'], ['daytime', 13, 'b'], ['ftp-data', 20, 'b'], ['ftp', 21, 'b'],
  ['ssh', 22, 'b'], ['telnet', 23, 'b'], ['smtp', 25, 'b'], ['time', 37, 'b'], ['domain', 53, 'b'],
  ['bootps', 67, 'b'], ['bootpc', 68, 'b'], ['tftp', 69, 'b'], ['finger', 79, 'b'], ['http', 80, 'b'],
  ['kerberos', 88, 'b'], ['pop3', 110, 'b'], ['sunrpc', 111, 'b'], ['nntp', 119, 'b'], ['ntp', 123, 'b'],
  ['epmap', 135, 'b'], ['netbios-ns', 137, 'b'], ['netbios-dgm', 138, 'b'], ['netbios-ssn', 139, 'b'],
  ['imap', 143, 'b'], ['snmp', 161, 'b'], ['snmp-trap', 162, 'b'], ['bgp', 179, 'b'], ['ldap', 389, 'b'],
  ['svrloc', 427, 'b'], ['https', 443, 'b'], ['microsoft-ds', 445, 'b'], ['kpasswd', 464, 'b'],
  ['isakmp', 500, 'b'], ['login', 513, 't'], ['who', 513, 'u'], ['shell', 514, 't'], ['syslog', 514, 'u'],
  ['printer', 515, 'b'], ['afpovertcp', 548, 'b'], ['dsf', 555, 'b'], ['submission', 587, 'b'],
  ['ipp', 631, 'b'], ['ldaps', 636, 'b'], ['rsync', 873, 'b'], ['imaps', 993, 'b'], ['pop3s', 995, 'b'],
  ['socks', 1080, 'b'], ['openvpn', 1194, 'b'], ['ms-sql-s', 1433, 'b'], ['ms-sql-m', 1434, 'b'],
  ['l2tp', 1701, 'b'], ['pptp', 1723, 'b'], ['radius', 1812, 'b'], ['ssdp', 1900, 'b'], ['nfsd', 2049, 'b'],
  ['mysql', 3306, 'b'], ['ms-wbt-server', 3389, 'b'], ['xserveraid', 3722, 'b'], ['ipsec-nat-t', 4500, 'b'],
  ['sip', 5060, 'b'], ['xmpp-client', 5222, 'b'], ['nat-pmp-status', 5350, 'b'], ['nat-pmp', 5351, 'b'],
  ['mdns', 5353, 'b'], ['llmnr', 5355, 'b'], ['postgresql', 5432, 'b'], ['rfb', 5900, 'b'], ['x11', 6000, 'b'],
  ['http-alt', 8080, 'b'],
];

const TCP_SERVICES = new Map<string, number>();
const UDP_SERVICES = new Map<string, number>();
for (const [name, port, proto] of SERVICES) {
  if (proto !== 'u') TCP_SERVICES.set(name, port);
  if (proto !== 't') UDP_SERVICES.set(name, port);
}

/**
 * Port number of a printed service name, or null when unknown for that protocol. A name that may
 * have been cut by the column width is only trusted when no longer known name starts with it.
 */
export function servicePort(name: string, protocol: string, maybeCut: boolean): number | null {
  const table = protocol === 'udp' ? UDP_SERVICES : TCP_SERVICES;
  const port = table.get(name);
  if (port === undefined) return null;
  if (maybeCut) {
    for (const other of table.keys()) if (other.length > name.length && other.startsWith(name)) return null;
  }
  return port;
}

/** "fe80::1%lo0" → "lo0"; null without a zone. */
export function zoneOf(address: string): string | null {
  const pct = address.indexOf('%');
  return pct >= 0 && pct < address.length - 1 ? address.slice(pct + 1) : null;
}

export { warnUnparsed } from './result.js';

export { isDigits };
