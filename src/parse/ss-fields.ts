// Field readers for `ss` rows: address:port endpoints (brackets, %zone, `*`, service names) and
// the process/extended column (`users:((...))`, `uid:`, `ino:`, `sk:`, `cgroup:`, `<->`).
// Everything here reads untrusted text: no regex over whole lines, nothing that can throw.
import type { SocketOwner } from '../model.js';
import { isDottedQuad } from './ip-text.js';
import { intAt } from './line-spans.js';
import { protocolNumber, servicePort } from './ss-services.js';

export interface SsEndpoint {
  /** Address without brackets or zone; `*` kept as `*` until the caller knows the family. */
  address: string;
  port: number | null;
  /** The port as printed when it was a name (service or protocol), else null. */
  portRaw: string | null;
  zone: string | null;
  /** 4 or 6 from the address itself; null for `*` and host names (ss -r). */
  family: 4 | 6 | null;
  wildcard: boolean;
  /** A non-numeric port name that no table knew. */
  unknownName: boolean;
}

export function isDigits(text: string, from = 0, to = text.length): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Decimal integer or null (only plain digits, at most 15 of them, so it stays exact). */
export function toInt(text: string): number | null {
  if (text.length === 0 || text.length > 15 || !isDigits(text)) return null;
  return parseInt(text, 10);
}

/**
 * Split `addr:port` as ss prints it: `[v6]:p`, `[fe80::1]%eth0:p`, `10.0.0.1%lo:p`, `*:p`, `*%lo:p`,
 * old unbracketed `:::22` / `::ffff:1.2.3.4:80`. Raw sockets print the IP protocol as the port.
 */
export function parseEndpoint(text: string, raw: boolean): SsEndpoint | null {
  let host: string;
  let rest: string;
  let zone: string | null = null;
  if (text.charCodeAt(0) === 91) {
    const close = text.indexOf(']');
    if (close < 0) return null;
    host = text.slice(1, close);
    rest = text.slice(close + 1);
    if (rest.charCodeAt(0) === 37) {
      const colon = rest.lastIndexOf(':');
      if (colon < 0) return null;
      zone = rest.slice(1, colon);
      rest = rest.slice(colon);
    }
    if (rest.charCodeAt(0) !== 58) return null;
    rest = rest.slice(1);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) return null;
    host = text.slice(0, colon);
    rest = text.slice(colon + 1);
    const pct = host.indexOf('%');
    if (pct >= 0) {
      zone = host.slice(pct + 1);
      host = host.slice(0, pct);
    }
  }
  if (host.length === 0 || rest.length === 0) return null;
  const wildcard = host === '*';
  const family: 4 | 6 | null = wildcard ? null : host.includes(':') ? 6 : isDottedQuad(host) ? 4 : null;
  const endpoint: SsEndpoint = { address: host, port: null, portRaw: null, zone, family, wildcard, unknownName: false };
  if (rest === '*') return endpoint;
  const numeric = toInt(rest);
  if (numeric !== null) {
    if (numeric > 65535) return null;
    endpoint.port = numeric;
    return endpoint;
  }
  endpoint.portRaw = rest;
  endpoint.port = raw ? protocolNumber(rest) : servicePort(rest);
  endpoint.unknownName = endpoint.port === null;
  return endpoint;
}

export interface SsExtras {
  owners: SocketOwner[];
  uid: number | null;
  inode: number | null;
  /** Why part of the column was not understood (the socket itself is still recorded). */
  problem: string | null;
}

/** Read `users:(...)`, `uid:N`, `ino:N` from text[from, to) (after the peer column); other tokens are ignored. */
export function parseExtras(text: string, from: number, to: number): SsExtras {
  const extras: SsExtras = { owners: [], uid: null, inode: null, problem: null };
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    if (text.startsWith('users:(', i)) {
      const end = parseUsers(text, i + 7, to, extras.owners);
      if (end < 0) {
        extras.problem = 'users:(...) not understood';
        return extras;
      }
      i = end;
      continue;
    }
    let end = i;
    while (end < to && text.charCodeAt(end) !== 32 && text.charCodeAt(end) !== 9) end++;
    if (text.startsWith('uid:', i)) extras.uid = intAt(text, i + 4, end);
    else if (text.startsWith('ino:', i)) extras.inode = intAt(text, i + 4, end);
    i = end;
  }
  return extras;
}

/**
 * Parse `("name",pid=1,fd=3),("other",pid=2,fd=4))` from `start` (just after `users:(`) up to `to`;
 * returns the index after the closing paren, or -1. The name is quoted but not escaped, so it ends
 * at the first `"` followed by `,pid=` or `,<digit>` (iproute2 < 3.15); spaces, quotes and parens
 * inside the name stay part of it.
 */
export function parseUsers(text: string, start: number, to: number, owners: SocketOwner[]): number {
  let i = start;
  for (;;) {
    if (i + 1 >= to || text.charCodeAt(i) !== 40 || text.charCodeAt(i + 1) !== 34) return -1; // ("
    const nameStart = i + 2;
    const nameEnd = closingQuote(text, nameStart, to);
    if (nameEnd < 0) return -1;
    const owner: SocketOwner = { process: text.slice(nameStart, nameEnd), pid: -1, fd: null };
    i = nameEnd + 1;
    let positional = 0;
    while (i < to && text.charCodeAt(i) === 44) {
      let end = i + 1;
      while (end < to && text.charCodeAt(end) !== 44 && text.charCodeAt(end) !== 41) end++;
      if (text.startsWith('pid=', i + 1)) owner.pid = intAt(text, i + 5, end) ?? -1;
      else if (text.startsWith('fd=', i + 1)) owner.fd = intAt(text, i + 4, end);
      else if (positional === 0 && isDigits(text, i + 1, end)) owner.pid = intAt(text, i + 1, end) ?? -1;
      else if (positional === 1 && isDigits(text, i + 1, end)) owner.fd = intAt(text, i + 1, end);
      positional++;
      i = end;
    }
    if (i >= to || text.charCodeAt(i) !== 41 || owner.pid < 0) return -1;
    owners.push(owner);
    i++;
    const next = i < to ? text.charCodeAt(i) : -1;
    if (next === 41) return i + 1;
    if (next !== 44) return -1;
    i++;
  }
}

function closingQuote(text: string, from: number, to: number): number {
  let q = text.indexOf('"', from);
  while (q >= 0 && q + 2 < to) {
    if (text.charCodeAt(q + 1) === 44) {
      if (text.startsWith('pid=', q + 2)) return q;
      const d = text.charCodeAt(q + 2);
      if (d >= 48 && d <= 57) return q;
    }
    q = text.indexOf('"', q + 1);
  }
  return -1;
}

/** Netlink local column `rtnl:NetworkManager/878`: the owner ss resolved, if any. */
export function netlinkOwner(local: string): { process: string; pid: number } | null {
  const colon = local.indexOf(':');
  const slash = local.lastIndexOf('/');
  if (colon < 0 || slash <= colon + 1) return null;
  const pid = toInt(local.slice(slash + 1));
  return pid === null ? null : { process: local.slice(colon + 1, slash), pid };
}
