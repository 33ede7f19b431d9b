// Address parsing and classification. Addresses come from many dialects (brackets, %zone, '*',
// IPv4-mapped IPv6, uncompressed /proc hex output) and from a possibly hostile host: never throw.
import { safeText } from './names.js';
import { formatIpv6Groups } from '../parse/ip-text.js';

export type AddressClass =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'public'
  | 'unknown';

export interface AddressInfo {
  /** Canonical text: dotted IPv4, RFC 5952 IPv6 (IPv4-mapped kept as ::ffff:a.b.c.d), or the cleaned input. */
  text: string;
  version: 4 | 6 | null;
  cls: AddressClass;
  /** IPv4-mapped IPv6 (::ffff:a.b.c.d): classified by the embedded IPv4 address. */
  mapped: boolean;
  /** A literal IP address (not a host name). Numeric value: addressValue(). */
  ip: boolean;
}

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);

/** Parse dotted IPv4 into a number, or null (a char loop: this runs for every socket address). */
export function parseIPv4(text: string): number | null {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return null;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return null;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else return null;
  }
  if (dots !== 3 || digits === 0) return null;
  return value * 256 + part;
}

/** Parse IPv6 (with '::' and an optional trailing dotted IPv4) into eight 16-bit groups, or null. */
export function parseIPv6(text: string): number[] | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return null;
  let head = text;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIPv4(last);
    if (v4 === null) return null;
    tail.push(Math.floor(v4 / 65536), v4 % 65536);
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const toGroups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = toGroups(halves[0] ?? '');
  const right = halves.length === 2 ? toGroups(halves[1] ?? '') : [];
  if (!left || !right) return null;
  const known = left.length + right.length + tail.length;
  if (halves.length === 2) {
    if (known > 7) return null;
    return [...left, ...new Array<number>(8 - known).fill(0), ...right, ...tail];
  }
  return known === 8 ? [...left, ...tail] : null;
}

function groupsToBigint(groups: number[]): bigint {
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

/** RFC 5952 text (one formatter for parsers and analyzer). */
export const formatIPv6 = formatIpv6Groups;

/** Strip brackets, %zone and whitespace; '*' means "any" (unspecified). */
export function cleanAddress(raw: string): string {
  let s = raw.trim();
  if (s.startsWith('[') && s.includes(']')) s = s.slice(1, s.indexOf(']'));
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  return s.toLowerCase();
}

function classifyV4(v: number): AddressClass {
  const a = Math.floor(v / 16777216);
  const b = Math.floor(v / 65536) % 256;
  if (v === 0) return 'unspecified';
  if (v === 0xffffffff) return 'broadcast';
  if (a === 0) return 'reserved';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  // 100.64/10 shared address space (CGNAT, Tailscale): not reachable from the internet.
  if (a === 100 && b >= 64 && b <= 127) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  if (a >= 224 && a <= 239) return 'multicast';
  if (a >= 240) return 'reserved';
  return 'public';
}

function classifyV6(groups: number[]): { cls: AddressClass; mapped: boolean } {
  const g0 = groups[0] ?? 0;
  const allZero = groups.every((g) => g === 0);
  if (allZero) return { cls: 'unspecified', mapped: false };
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return { cls: 'loopback', mapped: false };
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const v4 = (groups[6] ?? 0) * 65536 + (groups[7] ?? 0);
    return { cls: classifyV4(v4), mapped: true };
  }
  if ((g0 & 0xffc0) === 0xfe80) return { cls: 'link-local', mapped: false };
  if ((g0 & 0xfe00) === 0xfc00) return { cls: 'private', mapped: false };
  if ((g0 & 0xff00) === 0xff00) return { cls: 'multicast', mapped: false };
  if ((g0 & 0xe000) === 0x2000) return { cls: 'public', mapped: false };
  return { cls: 'reserved', mapped: false };
}

/** Classify one address; ipVersion resolves '*' (netstat/BSD "any"). Names are 'unknown' except localhost. */
export function addressInfo(raw: string | null | undefined, ipVersion: 4 | 6 | null = null): AddressInfo {
  // Fast path: a plain dotted quad needs no cleaning.
  const quick = raw ? parseIPv4(raw) : null;
  if (quick !== null && raw) {
    const text = /(^|\.)0\d/.test(raw) ? raw.split('.').map(Number).join('.') : raw;
    return quick === 0 ? { text: '0.0.0.0', version: 4, cls: 'unspecified', mapped: false, ip: true } : { text, version: 4, cls: classifyV4(quick), mapped: false, ip: true };
  }
  const s = cleanAddress(raw ?? '');
  if (s === '' || s === '*' || s === '0') {
    const text = ipVersion === 6 ? '::' : '0.0.0.0';
    return { text, version: ipVersion ?? 4, cls: 'unspecified', mapped: false, ip: true };
  }
  const v4 = parseIPv4(s);
  if (v4 !== null) return { text: /(^|\.)0\d/.test(s) ? s.split('.').map(Number).join('.') : s, version: 4, cls: classifyV4(v4), mapped: false, ip: true };
  const v6 = parseIPv6(s);
  if (v6 !== null) {
    const { cls, mapped } = classifyV6(v6);
    return { text: formatIPv6(v6), version: 6, cls, mapped, ip: true };
  }
  if (LOOPBACK_NAMES.has(s)) return { text: s, version: ipVersion, cls: 'loopback', mapped: false, ip: false };
  // Host names come from the examined host: keep them printable (escaped controls, bounded length).
  return { text: safeText(s, 200), version: ipVersion, cls: 'unknown', mapped: false, ip: false };
}

/** 128-bit / 32-bit numeric value of a literal address (computed on demand: sockets rarely need it). */
export function addressValue(info: AddressInfo): bigint | null {
  if (!info.ip) return null;
  if (info.version === 4) {
    const v = parseIPv4(info.text);
    return v === null ? null : BigInt(v);
  }
  const g = parseIPv6(info.text);
  return g ? groupsToBigint(g) : null;
}

/** Memoised addressInfo: sockets share addresses ('0.0.0.0', '127.0.0.1', the host's own). */
export function makeAddressCache(): (raw: string | null | undefined, ipVersion: 4 | 6) => AddressInfo {
  const caches: Record<4 | 6, Map<string, AddressInfo>> = { 4: new Map(), 6: new Map() };
  return (raw, ipVersion) => {
    const cache = caches[ipVersion] ?? caches[4];
    const key = raw ?? '';
    let info = cache.get(key);
    if (!info) {
      info = addressInfo(raw, ipVersion);
      cache.set(key, info);
    }
    return info;
  };
}

export interface Cidr {
  version: 4 | 6;
  /** Network address (host bits cleared). */
  network: bigint;
  prefix: number;
  /** Canonical text, e.g. 10.0.0.0/8. */
  text: string;
}

/** Parse "a.b.c.d/n", "x::/n", "[::]/0", "default" or a bare address (host route). Null for names. */
export function parseCidr(raw: string | null | undefined, ipVersion: 4 | 6 | null = null): Cidr | null {
  if (!raw) return null;
  let s = raw.trim().toLowerCase();
  if (s === 'default') s = ipVersion === 6 ? '::/0' : '0.0.0.0/0';
  const slash = s.lastIndexOf('/');
  const addrPart = slash >= 0 ? s.slice(0, slash) : s;
  const info = addressInfo(addrPart, ipVersion);
  const value = addressValue(info);
  if (value === null || info.version === null) return null;
  const bits = info.version === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return null;
    prefix = Number(p);
    if (prefix > bits) return null;
  }
  const network = maskValue(value, prefix, bits);
  const netText = info.version === 4 ? v4Text(network) : formatIPv6(bigintToGroups(network));
  return { version: info.version, network, prefix, text: `${netText}/${prefix}` };
}

function maskValue(value: bigint, prefix: number, bits: number): bigint {
  const hostBits = BigInt(bits - prefix);
  return (value >> hostBits) << hostBits;
}

function v4Text(v: bigint): string {
  const n = Number(v);
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function bigintToGroups(v: bigint): number[] {
  const out: number[] = [];
  for (let i = 7; i >= 0; i--) out.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  return out;
}

/** Whether an address lies inside a prefix (same IP version). */
export function cidrContains(cidr: Cidr, addr: AddressInfo): boolean {
  const value = addr.version === cidr.version ? addressValue(addr) : null;
  if (value === null) return false;
  const bits = cidr.version === 4 ? 32 : 128;
  return maskValue(value, cidr.prefix, bits) === cidr.network;
}

/** Classification of a network prefix by its network address (0.0.0.0/0 is 'unspecified'). */
export function cidrClass(cidr: Cidr): AddressClass {
  const text = cidr.version === 4 ? v4Text(cidr.network) : formatIPv6(bigintToGroups(cidr.network));
  return addressInfo(text, cidr.version).cls;
}

/** "1.2.3.4:80" or "[::1]:80"; the port is omitted when unknown. */
/** The canonical address with the zone the host printed after it ("fe80::1" + "fe80::1%7" → "fe80::1%7"). */
export function withZone(canonical: string, printed: string | null | undefined): string {
  const pct = printed ? printed.indexOf('%') : -1;
  if (!printed || pct < 0) return canonical;
  const close = printed.indexOf(']', pct);
  return `${canonical}%${printed.slice(pct + 1, close < 0 ? undefined : close)}`;
}

export function endpoint(address: string, port: number | null): string {
  const host = address.includes(':') ? `[${address}]` : address;
  return port === null ? host : `${host}:${port}`;
}
