// macOS / FreeBSD `netstat -rn` and `netstat -rnl`: "Routing tables", then one table per family
// ("Internet:", "Internet6:") whose columns are read from its header (Refs/Use/Mtu come and go
// between releases and flags). BSD abbreviates network destinations ("192.168.1" is a /24).
import type { Route, RouteType } from '../model.js';
import type { ParseResult } from '../model.js';
import type { Parser, ParserInput } from './types.js';
import { intern, isBlankLine, tokenize, warnUnparsed } from './bsd-common.js';
import { addUnparsed, emptyResult } from './result.js';
import { splitLines } from './text.js';

const FORMAT = 'bsd-route';

interface Table {
  family: 'inet' | 'inet6' | 'other' | null;
  columns: string[];
  /** Where Destination, Gateway, Flags and Netif sit in the current header (-1 when absent). */
  at: { destination: number; gateway: number; flags: number; netif: number };
  /** Rows may omit a blank Expire when it is the last column. */
  minimum: number;
  fib: string | null;
}

function setColumns(table: Table, columns: string[]): void {
  table.columns = columns;
  table.at = { destination: columns.indexOf('Destination'), gateway: columns.indexOf('Gateway'), flags: columns.indexOf('Flags'), netif: columns.indexOf('Netif') };
  table.minimum = columns.length > 0 && columns[columns.length - 1] === 'Expire' ? columns.length - 1 : columns.length;
}

export function parseBsdRoute(input: ParserInput): ParseResult {
  const result = emptyResult(FORMAT, input.artifact, input.encoding);
  const lines = splitLines(input.text);
  result.lines.total = lines.length;
  const table: Table = { family: null, columns: [], at: { destination: -1, gateway: -1, flags: -1, netif: -1 }, minimum: 0, fib: null };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (isBlankLine(line)) {
      result.lines.blank++;
      continue;
    }
    const reason = readLine(result, table, line, i + 1);
    if (reason !== null) addUnparsed(result, i + 1, line, reason);
  }
  warnUnparsed(result);
  return result;
}

function readLine(result: ParseResult, table: Table, line: string, lineNo: number): string | null {
  if (line.startsWith('Routing tables')) {
    // FreeBSD with several FIBs: "Routing tables (fib: 1)".
    const fib = /\(fib: *(\d+)\)/.exec(line);
    table.fib = fib ? fib[1] : null;
    result.lines.headers++;
    return null;
  }
  const trimmed = line.trim();
  if (trimmed.endsWith(':') && !trimmed.includes(' ')) {
    table.family = trimmed === 'Internet:' ? 'inet' : trimmed === 'Internet6:' ? 'inet6' : 'other';
    setColumns(table, []);
    result.lines.headers++;
    return null;
  }
  const tokens = tokenize(line);
  if (tokens[0] === 'Destination') {
    setColumns(table, tokens);
    result.lines.headers++;
    return null;
  }
  if (table.family === 'other') return 'routes of this address family are not supported';
  if (table.columns.length === 0) return 'route row before a column header';
  const route = readRoute(table, tokens, { artifact: result.artifact, line: lineNo });
  if (typeof route === 'string') return route;
  result.routes.push(route);
  result.lines.records++;
  return null;
}

function readRoute(table: Table, tokens: string[], source: Route['source']): Route | string {
  // Expire is often blank; every other column is always printed.
  if (tokens.length < table.minimum || tokens.length > table.columns.length) return 'columns do not match the table header';
  const get = (at: number): string | null => (at >= 0 && at < tokens.length ? tokens[at] : null);
  const destText = get(table.at.destination) ?? '';
  const gatewayText = get(table.at.gateway) ?? '';
  const flagsText = get(table.at.flags);
  const netifText = get(table.at.netif);
  const flags = flagsText === null ? null : intern(flagsText);
  const netif = netifText === null ? null : intern(netifText);
  const isHost = flags !== null && flags.includes('H');
  const ipVersion: 4 | 6 = table.family === 'inet6' || (table.family === null && (destText.includes(':') || gatewayText.includes(':'))) ? 6 : 4;
  const dest = destinationCidr(destText, ipVersion, isHost);
  if (dest === null) return 'destination is not an address or network';
  const route: Route = {
    destination: dest.cidr,
    gateway: intern(gatewayText),
    interface: netif,
    metric: null,
    flags,
    ipVersion,
    source,
    format: FORMAT,
    type: routeType(flags),
    table: table.fib,
    gatewayKind: gatewayKind(gatewayText),
  };
  if (dest.zone !== null) route.zone = dest.zone;
  return route;
}

/** `default`, `127`, `169.254`, `224.0.0/4`, `192.168.1.221/32`, `fe80::%lo0/64`, `::1` → CIDR + zone. */
export function destinationCidr(text: string, ipVersion: 4 | 6, isHost: boolean): { cidr: string; zone: string | null } | null {
  if (text === 'default') return { cidr: ipVersion === 6 ? '::/0' : '0.0.0.0/0', zone: null };
  const slash = text.indexOf('/');
  let address = slash >= 0 ? text.slice(0, slash) : text;
  const lengthText = slash >= 0 ? text.slice(slash + 1) : null;
  if (lengthText !== null && !/^\d{1,3}$/.test(lengthText)) return null;
  let zone: string | null = null;
  const pct = address.indexOf('%');
  if (pct >= 0) {
    zone = address.slice(pct + 1) || null;
    address = address.slice(0, pct);
  }
  if (ipVersion === 6) {
    if (!/^[0-9a-fA-F:.]+$/.test(address) || !address.includes(':')) return null;
    const length = lengthText === null ? 128 : Number(lengthText);
    return length <= 128 ? { cidr: `${address}/${length}`, zone } : null;
  }
  const octets = address.split('.');
  if (octets.length > 4 || octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255)) return null;
  // BSD drops trailing zero octets of a network; the printed octets give the implied mask.
  const implied = isHost ? 32 : octets.length * 8;
  const length = lengthText === null ? implied : Number(lengthText);
  if (length > 32) return null;
  while (octets.length < 4) octets.push('0');
  return { cidr: `${octets.join('.')}/${length}`, zone };
}

function routeType(flags: string | null): RouteType {
  if (flags === null) return 'unicast';
  // Case matters: B blackhole, R reject, b broadcast, m multicast (macOS/FreeBSD route flag letters).
  if (flags.includes('B')) return 'blackhole';
  if (flags.includes('R')) return 'reject';
  if (flags.includes('b')) return 'broadcast';
  if (flags.includes('m')) return 'multicast';
  return 'unicast';
}

function gatewayKind(text: string): Route['gatewayKind'] {
  if (text.startsWith('link#')) return 'link';
  if (/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/.test(text)) return 'mac';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text) || (text.includes(':') && /^[0-9a-fA-F:.]+(%[\w.-]+)?$/.test(text))) return 'ip';
  return 'other';
}

/** Content sniffing: "Routing tables", "Internet:"/"Internet6:" and a Destination…Netif header. */
export function detectBsdRoute(head: string[]): number {
  let score = 0;
  for (const line of head) {
    if (/^Destination\s+Gateway\s+Flags\b.*\bNetif\b/.test(line)) return 0.95;
    if (line.startsWith('Routing tables')) score = Math.max(score, 0.6);
    else if (line === 'Internet:' || line === 'Internet6:') score = Math.max(score, 0.5);
  }
  return score;
}

export const bsdRouteParser: Parser = {
  info: {
    id: FORMAT,
    description: 'macOS / FreeBSD routing tables (Internet: and Internet6: sections, link#N and MAC gateways)',
    commands: ['netstat -rn', 'netstat -rnl', 'netstat -rnW'],
    os: ['macos', 'freebsd'],
  },
  detect: detectBsdRoute,
  parse: parseBsdRoute,
};
