// Reading single lines of Windows `route print`: Interface List entries, IPv4 and IPv6 route rows.
// The section logic (which table a row belongs to, wrapped lines) lives in windows-route.ts.
import type { NetInterface, Route } from '../model.js';
import { isOnLinkWord } from './windows-locale.js';
import { foldKeyword, isDigits, splitFields } from './windows-text.js';

export const WINDOWS_ROUTE_FORMAT = 'windows-route';

function isHexPair(line: string, at: number): boolean {
  return at + 1 < line.length && isHexDigit(line.charCodeAt(at)) && isHexDigit(line.charCodeAt(at + 1));
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * " 8...00 ff 58 60 5f 61 ......TAP-Windows Adapter V9", "  1.......Software Loopback Interface 1",
 * XP "0x2 ...00 0c 29 5b 8a 1e ...... AMD PCNET", Win7 "12...00 00 00 00 00 00 00 e0 Microsoft ISATAP Adapter".
 */
export function parseInterfaceLine(line: string, lineNo: number, artifact: string): NetInterface | null {
  const text = line.trim();
  const hex = text.startsWith('0x') || text.startsWith('0X');
  let i = hex ? 2 : 0;
  const digitsStart = i;
  while (i < text.length && (hex ? isHexDigit(text.charCodeAt(i)) : isDigits(text[i]))) i++;
  if (i === digitsStart) return null;
  const index = text.slice(0, i);
  if (text[i] !== '.' && text[i] !== ' ') return null;
  while (text[i] === '.' || text[i] === ' ') i++;
  const mac: string[] = [];
  // MAC bytes "00 ff 58 ..." each followed by a blank, a dot or the end.
  while (isHexPair(text, i) && (i + 2 >= text.length || text[i + 2] === ' ' || text[i + 2] === '.')) {
    mac.push(text.slice(i, i + 2).toLowerCase());
    i += 2;
    if (text[i] === ' ') i++;
  }
  while (text[i] === '.' || text[i] === ' ') i++;
  return { index, name: text.slice(i), mac: mac.length > 0 ? mac.join(':') : null, source: { artifact, line: lineNo } };
}

function ipv4Octets(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const octets: number[] = [];
  for (const p of parts) {
    if (!isDigits(p) || p.length > 3) return null;
    const v = Number(p);
    if (v > 255) return null;
    octets.push(v);
  }
  return octets;
}

export function isIpv4(text: string): boolean {
  return ipv4Octets(text) !== null;
}

/** Prefix length of a contiguous netmask, or null ("255.0.255.0" is legal on old Windows, rare). */
export function maskToPrefix(mask: string): number | null {
  const octets = ipv4Octets(mask);
  if (!octets) return null;
  const bits = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const inverted = ~bits >>> 0;
  if ((inverted & (inverted + 1)) !== 0) return null;
  let prefix = 0;
  for (let b = bits; b !== 0; b = (b << 1) >>> 0) prefix++;
  return prefix;
}

interface Gateway {
  gateway: string | null;
  kind: 'ip' | 'onlink' | 'other';
}

/** "192.168.1.1", "fe80::1", "On-link", "Auf Verbindung", "Sur la liaison" ... */
function readGateway(words: string[], ipVersion: 4 | 6): Gateway | null {
  if (words.length === 0) return null;
  const text = words.join(' ');
  if (words.length === 1 && (ipVersion === 4 ? isIpv4(text) : text.includes(':'))) return { gateway: text, kind: 'ip' };
  if (isOnLinkWord(text)) return { gateway: null, kind: 'onlink' };
  // An unknown word without digits is another language's "On-link": recorded as on-link with a warning.
  if (!/[0-9:]/.test(text)) return { gateway: null, kind: 'other' };
  return null;
}

function readMetric(text: string, persistent: boolean): number | null | undefined {
  if (isDigits(text)) return Number(text);
  // Persistent routes print "Default" (or a localised word) when no metric was given.
  return persistent && /^[A-Z]+$/.test(foldKeyword(text)) ? null : undefined;
}

export interface RowOptions {
  persistent: boolean;
  artifact: string;
}

/**
 * IPv4 row: destination, netmask, gateway (one or more words), interface, metric. Persistent rows
 * have no interface column. Returns null when the line is not such a row.
 */
export function parseIpv4RouteRow(line: string, lineNo: number, opts: RowOptions): { route: Route; gatewayWord: string | null } | null {
  const f = splitFields(line);
  const minFields = opts.persistent ? 4 : 5;
  if (f.length < minFields) return null;
  if (!isIpv4(f[0])) return null;
  const prefix = maskToPrefix(f[1]);
  if (prefix === null && !isIpv4(f[1])) return null;
  const metric = readMetric(f[f.length - 1], opts.persistent);
  if (metric === undefined) return null;
  let iface: string | null = null;
  let gatewayEnd = f.length - 1;
  if (!opts.persistent) {
    iface = f[f.length - 2];
    if (!isIpv4(iface)) return null;
    gatewayEnd = f.length - 2;
  }
  const gw = readGateway(f.slice(2, gatewayEnd), 4);
  if (!gw) return null;
  // XP names the interface's own address as gateway for directly connected networks.
  const onlink = gw.kind !== 'ip' || (iface !== null && gw.gateway === iface);
  const route: Route = {
    destination: `${f[0]}/${prefix ?? f[1]}`,
    gateway: onlink ? null : gw.gateway,
    interface: iface,
    metric,
    flags: null,
    ipVersion: 4,
    source: { artifact: opts.artifact, line: lineNo },
    format: WINDOWS_ROUTE_FORMAT,
    persistent: opts.persistent,
    gatewayKind: onlink ? 'onlink' : 'ip',
  };
  return { route, gatewayWord: gw.kind === 'other' ? f.slice(2, gatewayEnd).join(' ') : null };
}

export interface Ipv6RowStart {
  route: Route;
  /** True when the gateway sits alone on the next line (long destinations wrap). */
  needsGateway: boolean;
  gatewayWord: string | null;
}

/** IPv6 row: interface index, metric, destination/prefix, [gateway]. */
export function parseIpv6RouteRow(line: string, lineNo: number, opts: RowOptions): Ipv6RowStart | null {
  const f = splitFields(line);
  if (f.length < 3 || !isDigits(f[0]) || !isDigits(f[1])) return null;
  const slash = f[2].indexOf('/');
  if (!f[2].includes(':') || slash < 0 || !isDigits(f[2].slice(slash + 1))) return null;
  const route: Route = {
    destination: f[2],
    gateway: null,
    interface: f[0],
    metric: Number(f[1]),
    flags: null,
    ipVersion: 6,
    source: { artifact: opts.artifact, line: lineNo },
    format: WINDOWS_ROUTE_FORMAT,
    persistent: opts.persistent,
    gatewayKind: 'onlink',
  };
  if (f.length === 3) return { route, needsGateway: true, gatewayWord: null };
  const word = applyGateway(route, f.slice(3));
  return word === undefined ? null : { route, needsGateway: false, gatewayWord: word };
}

/** Set the gateway of an IPv6 route from its words; undefined when they are no gateway. */
export function applyGateway(route: Route, words: string[]): string | null | undefined {
  const gw = readGateway(words, 6);
  if (!gw) return undefined;
  route.gateway = gw.kind === 'ip' ? gw.gateway : null;
  route.gatewayKind = gw.kind === 'ip' ? 'ip' : 'onlink';
  return gw.kind === 'other' ? words.join(' ') : null;
}
