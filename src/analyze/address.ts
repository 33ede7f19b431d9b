// Address parsing and classification. Addresses come from many dialects (brackets, %zone, '*',
// IPv4-mapped IPv6, uncompressed /proc hex output) and from a possibly hostile host: never throw.
import { IPV4_SPECIAL, IPV6_SPECIAL, specialLabel, type SpecialBlock } from './iana-special.js';
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
  | 'documentation'
  | 'benchmarking'
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
  /**
   * The most specific IANA special-purpose entry holding the address, as reports name it
   * ("documentation (TEST-NET-3, RFC 5737)"); null for ordinary addresses. See addressLabel().
   */
  special?: string;
}

/** An address outside every internal range: public, and the documentation/benchmarking stand-ins. */
export function isExternal(cls: AddressClass | null | undefined): boolean {
  return cls === 'public' || cls === 'documentation' || cls === 'benchmarking';
}

/** How findings name an address's kind: the IANA entry when there is one, else its class. */
export function addressLabel(info: Pick<AddressInfo, 'cls' | 'special'>): string {
  return info.special ?? info.cls;
}

interface RegistryBlock {
  network: bigint;
  prefix: number;
  cls: AddressClass;
  label: string;
  entry: SpecialBlock;
}

/** The class rules work with, from the registry entry (globally reachable entries stay public). */
export function specialClass(b: SpecialBlock): AddressClass {
  const n = b.name.toLowerCase().replace(/"/g, '');
  if (n.startsWith('loopback')) return 'loopback';
  if (n.startsWith('unspecified') || n === 'this host on this network') return 'unspecified';
  if (n === 'private-use' || n === 'shared address space' || n === 'unique-local') return 'private';
  if (n.startsWith('link')) return 'link-local';
  if (n === 'limited broadcast') return 'broadcast';
  if (n.startsWith('documentation')) return 'documentation';
  if (n === 'benchmarking') return 'benchmarking';
  // 6to4 and Teredo say "N/A": they carry internet traffic, so only an explicit False is internal.
  return b.globallyReachable === false ? 'reserved' : 'public';
}

function registryBlocks(rows: readonly SpecialBlock[], version: 4 | 6): RegistryBlock[] {
  return rows
    .map((entry) => {
      const [addr, bits] = entry.block.split('/');
      const value = version === 4 ? parseIPv4(addr ?? '') : parseIPv6(addr ?? '');
      if (value === null || bits === undefined) throw new Error(`bad registry block ${entry.block}`);
      const prefix = Number(bits);
      const v = typeof value === 'number' ? BigInt(value) : groupsToBigint(value);
      return { network: v, prefix, cls: specialClass(entry), label: specialLabel(entry), entry };
    })
    .sort((a, b) => b.prefix - a.prefix); // most specific first
}

let v4Blocks: RegistryBlock[] | null = null;
let v6Blocks: RegistryBlock[] | null = null;
/** The blocks with their prefix shifts computed once (BigInt arithmetic per block per address was most of the cost). */
interface ShiftedBlock { shift: bigint; net: bigint; block: RegistryBlock }
let v4Shifted: ShiftedBlock[] | null = null;
let v6Shifted: ShiftedBlock[] | null = null;
function shiftedBlocks(blocks: RegistryBlock[], bits: bigint): ShiftedBlock[] {
  return blocks.map((block) => {
    const shift = bits - BigInt(block.prefix);
    return { shift, net: block.network >> shift, block };
  });
}

/** The most specific special-purpose entry holding the address (value as 32- or 128-bit). */
export function registryEntry(value: bigint, version: 4 | 6): RegistryBlock | null {
  const blocks = version === 4 ? (v4Blocks ??= registryBlocks(IPV4_SPECIAL, 4)) : (v6Blocks ??= registryBlocks(IPV6_SPECIAL, 6));
  const shifted = version === 4 ? (v4Shifted ??= shiftedBlocks(blocks, 32n)) : (v6Shifted ??= shiftedBlocks(blocks, 128n));
  for (const s of shifted) if (value >> s.shift === s.net) return s.block;
  return null;
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
  return parseIPv6Plain(text) ?? parseIPv6Text(text);
}

const hexValue = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1);

/**
 * The common case in one pass (a 100k-socket host has tens of thousands of distinct IPv6 peers):
 * hex groups of 1–4 digits and at most one '::', eight groups in all. Anything else (a dotted IPv4
 * tail, odd colons, a wrong count) returns undefined and goes the long way, which decides.
 */
function parseIPv6Plain(text: string): number[] | undefined {
  const n = text.length;
  if (n < 2 || n > 39) return undefined;
  const groups: number[] = [];
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return undefined;
    gap = 0;
    i = 2;
  }
  let value = 0;
  let digits = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c !== 58) {
      const d = hexValue(c);
      if (d < 0 || ++digits > 4) return undefined;
      value = value * 16 + d;
      continue;
    }
    if (digits === 0) return undefined;
    groups.push(value);
    value = 0;
    digits = 0;
    if (i + 1 < n && text.charCodeAt(i + 1) === 58) {
      if (gap >= 0) return undefined;
      gap = groups.length;
      i++;
    } else if (i + 1 === n) return undefined;
  }
  if (digits > 0) groups.push(value);
  if (gap < 0) return groups.length === 8 ? groups : undefined;
  if (groups.length > 7) return undefined;
  const zeros = 8 - groups.length;
  groups.splice(gap, 0, ...new Array<number>(zeros).fill(0));
  return groups;
}

/** The general parser (every form parseIPv6 accepts; the tests hold the one-pass path against it). */
export function parseIPv6Text(text: string): number[] | null {
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

/** IPv4 registry blocks as plain number ranges, most specific first, each with its shared result. */
let v4Ranges: { lo: number; hi: number; result: { cls: AddressClass; special?: string } }[] | null = null;
const PUBLIC_V4: { cls: AddressClass } = Object.freeze({ cls: 'public' });
const MULTICAST_V4: { cls: AddressClass; special: string } = Object.freeze({ cls: 'multicast', special: 'multicast (RFC 5771)' });

/** IPv4: the IANA special-purpose entry, multicast (224/4, RFC 5771), else public. */
function classifyV4(v: number): { cls: AddressClass; special?: string } {
  if (v >= 0xe0000000 && v <= 0xefffffff) return MULTICAST_V4;
  // Plain number ranges (no BigInt): this runs once per distinct IPv4 address of a capture.
  v4Ranges ??= (v4Blocks ??= registryBlocks(IPV4_SPECIAL, 4)).map((b) => {
    const lo = Number(b.network);
    return { lo, hi: lo + 2 ** (32 - b.prefix) - 1, result: Object.freeze({ cls: b.cls, special: b.label }) };
  });
  for (const r of v4Ranges) if (v >= r.lo && v <= r.hi) return r.result;
  return PUBLIC_V4;
}

/** IPv6 registry blocks as 16-bit group masks, most specific first (the same test as registryEntry, without BigInt). */
interface GroupBlock { groups: number[]; masks: number[]; block: RegistryBlock }
let v6Groups: GroupBlock[] | null = null;

export function registryEntryV6(groups: number[]): RegistryBlock | null {
  v6Groups ??= (v6Blocks ??= registryBlocks(IPV6_SPECIAL, 6)).map((block) => {
    const net: number[] = [];
    const masks: number[] = [];
    for (let i = 0; i < 8; i++) {
      const bits = Math.max(0, Math.min(16, block.prefix - i * 16));
      if (bits === 0) break;
      masks.push((0xffff << (16 - bits)) & 0xffff);
      net.push(Number((block.network >> BigInt(112 - i * 16)) & 0xffffn) & masks[i]!);
    }
    return { groups: net, masks, block };
  });
  outer: for (const b of v6Groups) {
    for (let i = 0; i < b.masks.length; i++) if (((groups[i] ?? 0) & b.masks[i]!) !== b.groups[i]) continue outer;
    return b.block;
  }
  return null;
}

function classifyV6(groups: number[]): { cls: AddressClass; mapped: boolean; special?: string } {
  const g0 = groups[0] ?? 0;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const v4 = (groups[6] ?? 0) * 65536 + (groups[7] ?? 0);
    return { ...classifyV4(v4), mapped: true };
  }
  if ((g0 & 0xff00) === 0xff00) return { cls: 'multicast', mapped: false, special: 'multicast (RFC 4291)' };
  const entry = registryEntryV6(groups);
  if (entry) return { cls: entry.cls, mapped: false, special: entry.label };
  // Global unicast is 2000::/3; the rest of the space is unassigned or reserved (fec0::/10 ...).
  if ((g0 & 0xe000) === 0x2000) return { cls: 'public', mapped: false };
  return { cls: 'reserved', mapped: false, special: 'reserved by the IETF (RFC 4291)' };
}

function info(text: string, version: 4 | 6, c: { cls: AddressClass; special?: string }, mapped = false): AddressInfo {
  // Built whole: `special` added afterwards took a property array of its own (every documentation peer).
  return c.special === undefined ? { text, version, cls: c.cls, mapped, ip: true } : { text, version, cls: c.cls, mapped, ip: true, special: c.special };
}

/** Classify one address; ipVersion resolves '*' (netstat/BSD "any"). Names are 'unknown' except localhost. */
export function addressInfo(raw: string | null | undefined, ipVersion: 4 | 6 | null = null): AddressInfo {
  // Fast path: a plain dotted quad needs no cleaning.
  const quick = raw ? parseIPv4(raw) : null;
  if (quick !== null && raw) {
    const text = /(^|\.)0\d/.test(raw) ? raw.split('.').map(Number).join('.') : raw;
    return info(quick === 0 ? '0.0.0.0' : text, 4, classifyV4(quick));
  }
  const s = cleanAddress(raw ?? '');
  if (s === '' || s === '*' || s === '0') {
    const text = ipVersion === 6 ? '::' : '0.0.0.0';
    return { text, version: ipVersion ?? 4, cls: 'unspecified', mapped: false, ip: true };
  }
  const v4 = parseIPv4(s);
  if (v4 !== null) return info(v4 === 0 ? '0.0.0.0' : /(^|\.)0\d/.test(s) ? s.split('.').map(Number).join('.') : s, 4, classifyV4(v4));
  const v6 = parseIPv6(s);
  if (v6 !== null) {
    const c = classifyV6(v6);
    // The text as printed when it is already canonical (no second copy of every IPv6 peer).
    const text = formatIPv6(v6);
    return info(text === raw ? raw : text, 6, c, c.mapped);
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

export interface Cidr {
  version: 4 | 6;
  /** Network address (host bits cleared). */
  network: bigint;
  prefix: number;
  /** Canonical text, e.g. 10.0.0.0/8. */
  text: string;
}

/** Slots of the address cache per IP version (a power of two). */
const ADDRESS_SLOTS = 4096;

/**
 * Memoised addressInfo: sockets share addresses ('0.0.0.0', '127.0.0.1', the host's own). A
 * direct-mapped cache indexed by the text's length and last characters, not a Map: most peers of a
 * busy host are seen once, and hashing 100k unique strings into a growing Map cost more than
 * classifying them again. Equal texts always give equal AddressInfo values (never mutated).
 */
export function makeAddressCache(): (raw: string | null | undefined, ipVersion: 4 | 6) => AddressInfo {
  const keys: Record<4 | 6, (string | null)[]> = { 4: new Array(ADDRESS_SLOTS).fill(null), 6: new Array(ADDRESS_SLOTS).fill(null) };
  const infos: Record<4 | 6, (AddressInfo | null)[]> = { 4: new Array(ADDRESS_SLOTS).fill(null), 6: new Array(ADDRESS_SLOTS).fill(null) };
  return (raw, ipVersion) => {
    const v = ipVersion === 6 ? 6 : 4;
    const key = raw ?? '';
    let h = key.length;
    for (let i = Math.max(0, key.length - 6); i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
    const slot = h & (ADDRESS_SLOTS - 1);
    if (keys[v][slot] === key) return infos[v][slot] as AddressInfo;
    const info = addressInfo(raw, ipVersion);
    keys[v][slot] = key;
    infos[v][slot] = info;
    return info;
  };
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
  return cidrInfo(cidr).cls;
}

/** How findings name a prefix's kind: "documentation (TEST-NET-1, RFC 5737)", "public" ... */
export function cidrLabel(cidr: Cidr | null): string {
  return cidr ? addressLabel(cidrInfo(cidr)) : 'unknown';
}

/** The network address's AddressInfo (class and IANA label) of a prefix. */
export function cidrInfo(cidr: Cidr): AddressInfo {
  const text = cidr.version === 4 ? v4Text(cidr.network) : formatIPv6(bigintToGroups(cidr.network));
  return addressInfo(text, cidr.version);
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
