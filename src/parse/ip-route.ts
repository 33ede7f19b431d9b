// iproute2 `ip route` / `ip -4|-6 route show table all`: one route per line, `[type] prefix` then
// keyword/value pairs and bare flags. A multipath route prints its prefix on one line and one indented
// `nexthop via … dev … weight N` line per path: each nexthop becomes its own Route (same destination,
// attributes of the head line), sourced at the nexthop line; the head line is counted as a record line.
import type { ParseResult, Route, RouteType } from '../model.js';
import type { Parser, ParserInput } from './types.js';
import { addUnparsed, emptyResult, warnUnparsed } from './result.js';
import { splitLines } from './text.js';

export const IP_ROUTE_FORMAT = 'ip-route';
const FORMAT = IP_ROUTE_FORMAT;

const TYPES: ReadonlySet<string> = new Set(['unicast', 'local', 'broadcast', 'multicast', 'anycast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat']);
/** Keywords followed by one value (`mtu lock 1400`: `lock` is skipped before the value). */
const WITH_VALUE: ReadonlySet<string> = new Set([
  'via', 'dev', 'table', 'proto', 'scope', 'src', 'metric', 'tos', 'dsfield', 'mtu', 'advmss', 'rtt', 'rttvar', 'reordering',
  'window', 'cwnd', 'ssthresh', 'realms', 'rto_min', 'initcwnd', 'initrwnd', 'quickack', 'congctl', 'features', 'hoplimit',
  'pref', 'expires', 'nhid', 'weight', 'from', 'error', 'fastopen_no_cookie', 'ttl-propagate', 'realm', 'preference', 'used', 'age', 'users',
]);

interface Attrs {
  gateway: string | null;
  dev: string | null;
  table: string | null;
  proto: string | null;
  scope: string | null;
  src: string | null;
  metric: number | null;
  flags: string[];
}

/** Reads `key value` pairs and bare flags from words[i..]; `via inet6 X` names the family first. */
function readAttrs(words: string[], start: number): Attrs {
  const a: Attrs = { gateway: null, dev: null, table: null, proto: null, scope: null, src: null, metric: null, flags: [] };
  for (let i = start; i < words.length; i++) {
    const w = words[i];
    if (!WITH_VALUE.has(w)) {
      a.flags.push(w);
      continue;
    }
    let v = words[i + 1];
    if ((w === 'via' && (v === 'inet' || v === 'inet6')) || (w !== 'via' && v === 'lock')) v = words[++i + 1];
    i++;
    if (v === undefined) {
      a.flags.push(w);
      break;
    }
    if (w === 'via') a.gateway = v;
    else if (w === 'dev') a.dev = v;
    else if (w === 'table') a.table = v;
    else if (w === 'proto') a.proto = v;
    else if (w === 'scope') a.scope = v;
    else if (w === 'src') a.src = v;
    else if (w === 'metric') a.metric = /^\d+$/.test(v) ? Number(v) : null;
  }
  return a;
}

const V4 = /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/;
const V6 = /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(\/\d{1,3})?$/;

/** What the head of a route line says, before the family of `default` is known. */
interface Pending {
  route: Route;
  /** 4 or 6 when the line itself shows it (addresses), else null (a bare `default`). */
  family: 4 | 6 | null;
}

function familyOf(address: string | null): 4 | 6 | null {
  if (address === null) return null;
  if (V4.test(address)) return 4;
  if (address.includes(':')) return 6;
  return null;
}

function parseHead(words: string[], artifact: string, line: number): { route: Route; family: 4 | 6 | null; multipathHead: boolean } | string {
  let i = 0;
  let type: RouteType = 'unicast';
  if (TYPES.has(words[0])) {
    type = words[0] as RouteType;
    i = 1;
  }
  const dest = words[i];
  if (dest === undefined) return 'route type without a destination';
  let family: 4 | 6 | null;
  let destination: string;
  if (dest === 'default') {
    family = null;
    destination = 'default';
  } else if (V4.test(dest)) {
    family = 4;
    destination = dest.includes('/') ? dest : `${dest}/32`;
  } else if (V6.test(dest)) {
    family = 6;
    destination = dest.includes('/') ? dest : `${dest}/128`;
  } else return `not a route destination: ${dest}`;
  const a = readAttrs(words, i + 1);
  family = family ?? familyOf(a.gateway) ?? familyOf(a.src) ?? (words.includes('pref') ? 6 : null); // `pref` is IPv6 only
  const route: Route = {
    destination, gateway: a.gateway, interface: a.dev,
    // ip omits `metric 0` for IPv4, but a record holds what the line prints: no metric is null
    // (a FACTS box must not state a value the tool did not show).
    metric: a.metric,
    flags: a.flags.length > 0 ? a.flags.join(' ') : null,
    ipVersion: family ?? 4, source: { artifact, line }, format: FORMAT, type,
    // ip omits `table main`; other tables are always named when listing `table all`.
    table: a.table ?? 'main', proto: a.proto, scope: a.scope, src: a.src,
  };
  if (a.gateway !== null) route.gatewayKind = 'ip';
  // A multipath head has no via/dev of its own: its nexthop lines follow.
  const multipathHead = a.gateway === null && a.dev === null && type === 'unicast';
  return { route, family, multipathHead };
}

function isNexthopLine(text: string): boolean {
  return (text.startsWith('\t') || text.startsWith(' ')) && text.trimStart().startsWith('nexthop');
}

export function parseIpRoute(input: ParserInput): ParseResult {
  const result = emptyResult(FORMAT, input.artifact, input.encoding);
  const lines = splitLines(input.text);
  result.lines.total = lines.length;
  const pending: Pending[] = [];
  let head: { route: Route; family: 4 | 6 | null; line: number; text: string; hops: number } | null = null;
  const closeHead = (): void => {
    if (head && head.hops === 0) addUnparsed(result, head.line, head.text, 'multipath route without nexthop lines');
    head = null;
  };
  lines.forEach((text, i) => {
    const lineNo = i + 1;
    const words = text.trim().split(/\s+/);
    if (words[0] === '') {
      result.lines.blank++;
      return;
    }
    if (isNexthopLine(text)) {
      if (!head) return addUnparsed(result, lineNo, text, 'nexthop line without a route above it');
      const a = readAttrs(words, 1);
      const route: Route = { ...head.route, gateway: a.gateway, interface: a.dev, source: { artifact: input.artifact, line: lineNo } };
      if (a.gateway !== null) route.gatewayKind = 'ip';
      if (a.flags.length > 0) route.flags = [head.route.flags, ...a.flags].filter(Boolean).join(' ');
      pending.push({ route, family: head.family ?? familyOf(a.gateway) });
      head.hops++;
      result.lines.records++;
      return;
    }
    closeHead();
    if (text.startsWith(' ') || text.startsWith('\t')) return addUnparsed(result, lineNo, text, 'continuation line not understood');
    const parsed = parseHead(words, input.artifact, lineNo);
    if (typeof parsed === 'string') return addUnparsed(result, lineNo, text, parsed);
    if (parsed.multipathHead && isNexthopLine(lines[i + 1] ?? '')) {
      head = { route: parsed.route, family: parsed.family, line: lineNo, text, hops: 0 };
    } else pending.push({ route: parsed.route, family: parsed.family });
    result.lines.records++;
  });
  closeHead();
  resolveDefaults(pending, result);
  warnUnparsed(result);
  return result;
}

/**
 * `default` carries no family of its own in `ip -6 route` output: take it from the listing — all
 * other routes IPv6 → ::/0; all IPv4 → 0.0.0.0/0; mixed (`ip route show table all` prints IPv4
 * first, then IPv6) → the family of the nearest route printed before it, else after it.
 */
function resolveDefaults(pending: Pending[], result: ParseResult): void {
  // Nearest known family after each route (one backward pass, so a file of bare defaults stays linear).
  const after: Array<4 | 6 | null> = new Array(pending.length).fill(null);
  for (let k = pending.length - 2; k >= 0; k--) after[k] = pending[k + 1].family ?? after[k + 1];
  let before: 4 | 6 | null = null;
  for (let k = 0; k < pending.length; k++) {
    const p = pending[k];
    const v: 4 | 6 = p.family ?? before ?? after[k] ?? 4;
    if (p.family !== null) before = p.family;
    p.route.ipVersion = v;
    if (p.route.destination === 'default') p.route.destination = v === 4 ? '0.0.0.0/0' : '::/0';
    result.routes.push(p.route);
  }
}

const ROUTE_LINE = /^(?:(?:unicast|local|broadcast|multicast|anycast|blackhole|unreachable|prohibit|throw|nat) )?(?:default|[0-9a-fA-F:.]+(?:\/\d{1,3})?)(?: |$)/;

function detectIpRoute(head: string[]): number {
  let routes = 0;
  let other = 0;
  for (const line of head) {
    if (line.trim() === '') continue;
    if (isNexthopLine(line)) routes++;
    else if (ROUTE_LINE.test(line) && /\b(dev|via|proto|scope|metric|table)\b|^(blackhole|unreachable|prohibit|throw)/.test(line)) routes++;
    else other++;
  }
  if (routes === 0) return 0;
  const share = routes / (routes + other);
  return share >= 0.9 ? 0.85 : share >= 0.6 ? 0.6 : 0.2;
}

export const ipRouteParser: Parser = {
  info: {
    id: FORMAT,
    description: 'iproute2 ip route listings (IPv4, IPv6, all tables, multipath)',
    commands: ['ip route', 'ip route show table all', 'ip -4 route show table all', 'ip -6 route show table all'],
    os: ['linux'],
  },
  detect: detectIpRoute,
  parse: parseIpRoute,
};
