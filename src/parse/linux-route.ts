// Linux net-tools route tables: `netstat -rn[e[e]]`, `route -n[e[e]]` (with or without -n) and the
// IPv6 table of `route -6` / `netstat -rn -A inet6`. The header names the columns, so every variant
// (MSS Window irtt / Metric Ref Use / both with -ee) is read by column name.
import type { ParseResult, Route, RouteType } from '../model.js';
import type { Parser, ParserInput } from './types.js';
import { addUnparsed, emptyResult, warnUnparsed } from './result.js';
import { splitLines } from './text.js';

export const LINUX_ROUTE_FORMAT = 'linux-route';
const FORMAT = LINUX_ROUTE_FORMAT;

interface Table {
  ipVersion: 4 | 6;
  /** Column index by header name (Destination, Gateway, Genmask, Flags, Metric, Iface ...). */
  columns: Map<string, number>;
}

const V4_DEFAULT_COLUMNS = ['Destination', 'Gateway', 'Genmask', 'Flags', 'Metric', 'Ref', 'Use', 'Iface'];
const V6_COLUMNS = ['Destination', 'Next Hop', 'Flag', 'Met', 'Ref', 'Use', 'If'];

function fields(line: string): string[] {
  const t = line.trim();
  return t === '' ? [] : t.split(/\s+/);
}

/** "Next Hop" is one column; everything else is one word. */
function headerColumns(line: string): Map<string, number> {
  const names = fields(line.replace('Next Hop', 'Next_Hop')).map((n) => n.replace('Next_Hop', 'Next Hop'));
  return new Map(names.map((n, i) => [n, i]));
}

/** 255.255.255.0 → 24; null when not a contiguous IPv4 mask. */
export function maskToPrefix(mask: string): number | null {
  const parts = mask.split('.');
  if (parts.length !== 4) return null;
  let bits = 0;
  let seenZero = false;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    for (let b = 7; b >= 0; b--) {
      const one = (Number(p) >> b) & 1;
      if (one && seenZero) return null;
      if (one) bits++;
      else seenZero = true;
    }
  }
  return bits;
}

const V6_ZERO = new Set(['::', '[::]', '*']);
const V4_ZERO = new Set(['0.0.0.0', '*', '-']);

function typeFromFlags(flags: string, iface: string | null): RouteType {
  if (flags.includes('!')) return 'reject'; // RTF_REJECT: unreachable and prohibit print alike
  // A blackhole route has no device: net-tools prints `*` as Iface (see fixtures/linux/route-n.txt).
  if (iface === null) return 'blackhole';
  return 'unicast';
}

function nullIfNone(s: string | undefined): string | null {
  return s === undefined || s === '*' || s === '-' ? null : s;
}

function parseV4Row(f: string[], table: Table, artifact: string, line: number): Route | string {
  const col = (name: string): string | undefined => {
    const i = table.columns.get(name);
    return i === undefined ? undefined : f[i];
  };
  if (f.length !== table.columns.size) return `expected ${table.columns.size} columns, found ${f.length}`;
  const dest = col('Destination') ?? '';
  const mask = col('Genmask') ?? '';
  const prefix = maskToPrefix(mask);
  if (prefix === null) return `Genmask not a netmask: ${mask}`;
  const gw = col('Gateway') ?? '';
  const flags = col('Flags') ?? '';
  const metricText = col('Metric');
  const iface = nullIfNone(col('Iface'));
  const metric = metricText !== undefined && /^\d+$/.test(metricText) ? Number(metricText) : null;
  const route: Route = {
    destination: dest === 'default' ? '0.0.0.0/0' : `${dest}/${prefix}`,
    gateway: V4_ZERO.has(gw) ? null : gw,
    interface: iface, metric, flags, ipVersion: 4, source: { artifact, line }, format: FORMAT,
    type: typeFromFlags(flags, iface),
  };
  if (route.gateway !== null) route.gatewayKind = 'ip';
  return route;
}

/**
 * net-tools prints `%-30s %-26s`; a destination longer than its column is normally followed by one
 * space, but older builds glue it to the next hop ("…/128fe80::1"). Split after the longest prefix
 * length (≤ 128) that leaves an address-shaped next hop.
 */
function unglueDestination(token: string): [string, string] | null {
  const slash = token.lastIndexOf('/');
  if (slash < 0) return null;
  const tail = token.slice(slash + 1);
  for (let n = Math.min(3, tail.length - 1); n >= 1; n--) {
    const len = Number(tail.slice(0, n));
    const hop = tail.slice(n);
    if (/^\d+$/.test(tail.slice(0, n)) && len <= 128 && (hop.includes(':') || hop === '*') && /^[\[\]0-9a-fA-F:.*%\w-]+$/.test(hop)) {
      return [token.slice(0, slash + 1 + n), hop];
    }
  }
  return null;
}

function parseV6Row(f: string[], artifact: string, line: number, result: ParseResult): Route | string {
  let cells = f;
  if (cells.length === 6) {
    const split = unglueDestination(cells[0]);
    if (split !== null && !/^[0-9]+$/.test(cells[1])) {
      cells = [split[0], split[1], ...cells.slice(1)];
      result.warnings.push(`${artifact}:${line}: destination and next hop printed without a gap; split as ${split[0]} ${split[1]}`);
    } else {
      // Ref (%-1d) and Use (%6d) touch when Use is wide: neither is kept, so the row is still whole.
      cells = [...cells.slice(0, 4), '?', ...cells.slice(4)];
    }
  }
  if (cells.length !== 7) return `expected 7 columns, found ${f.length}`;
  const [dest, hop, flags, met, , , iface] = cells;
  const slash = dest.lastIndexOf('/');
  if (slash < 0) return 'destination without /prefix';
  const bare = dest.slice(0, slash).replace(/^\[(.*)\]$/, '$1');
  // Metric -1 is how net-tools prints the kernel's 0xffffffff (the catch-all reject route): kept as printed.
  const metric = /^-?\d+$/.test(met) ? Number(met) : null;
  const route: Route = {
    destination: `${bare}${dest.slice(slash)}`,
    gateway: V6_ZERO.has(hop) ? null : hop.replace(/^\[(.*)\]$/, '$1'),
    interface: nullIfNone(iface), metric, flags, ipVersion: 6, source: { artifact, line }, format: FORMAT,
    type: flags.includes('!') ? 'reject' : 'unicast',
  };
  if (route.gateway !== null) route.gatewayKind = 'ip';
  return route;
}

export function parseLinuxRoute(input: ParserInput): ParseResult {
  const result = emptyResult(FORMAT, input.artifact, input.encoding);
  const lines = splitLines(input.text);
  result.lines.total = lines.length;
  let table: Table | null = null;
  lines.forEach((text, i) => {
    const lineNo = i + 1;
    const f = fields(text);
    if (f.length === 0) {
      result.lines.blank++;
      return;
    }
    if (text.startsWith('Kernel IP routing table') || text.startsWith('Kernel IPv6 routing table')) {
      const v6 = text.startsWith('Kernel IPv6');
      table = { ipVersion: v6 ? 6 : 4, columns: headerColumns((v6 ? V6_COLUMNS : V4_DEFAULT_COLUMNS).join(' ')) };
      result.lines.headers++;
      return;
    }
    if (f[0] === 'Destination') {
      const columns = headerColumns(text);
      table = { ipVersion: columns.has('Next Hop') ? 6 : 4, columns };
      result.lines.headers++;
      return;
    }
    const current: Table = table ?? { ipVersion: f[0].includes(':') ? 6 : 4, columns: headerColumns((f[0].includes(':') ? V6_COLUMNS : V4_DEFAULT_COLUMNS).join(' ')) };
    const row = current.ipVersion === 6 ? parseV6Row(f, input.artifact, lineNo, result) : parseV4Row(f, current, input.artifact, lineNo);
    if (typeof row === 'string') addUnparsed(result, lineNo, text, row);
    else {
      result.routes.push(row);
      result.lines.records++;
    }
  });
  warnUnparsed(result);
  return result;
}

function detectLinuxRoute(head: string[]): number {
  let score = 0;
  for (const line of head) {
    if (line.startsWith('Kernel IP routing table') || line.startsWith('Kernel IPv6 routing table')) score = Math.max(score, 0.95);
    if (/^Destination +Gateway +Genmask +Flags/.test(line)) score = Math.max(score, 0.9);
    if (/^Destination +Next Hop +Flag +Met +Ref +Use +If/.test(line)) score = Math.max(score, 0.9);
  }
  return score;
}

export const linuxRouteParser: Parser = {
  info: {
    id: FORMAT,
    description: 'Linux net-tools routing tables (netstat -rn, route -n, route -6)',
    commands: ['netstat -rn', 'netstat -rne', 'netstat -rnee', 'route -n', 'route -ne', 'route -nee', 'route -6 -n', 'netstat -rn -A inet6'],
    os: ['linux'],
  },
  detect: detectLinuxRoute,
  parse: parseLinuxRoute,
};
