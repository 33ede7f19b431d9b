// The addresses of each examined host, from its own evidence: the local addresses of its sockets and
// its kernel's local routes (`ip route show table all`: "local 10.0.0.5 …"). Loopback, unspecified,
// multicast and link-local addresses are left out: they name no host across a network (fe80:: repeats
// on every link). An address held by two examined hosts is ambiguous and joins nothing.
import { addressInfo, type AddressInfo } from '../analyze/address.js';
import type { SourceRef } from '../model.js';
import type { Ambiguity, CaseHostInput, HostAddress } from './types.js';

const NOT_A_HOST = new Set(['loopback', 'unspecified', 'multicast', 'broadcast', 'link-local', 'unknown']);

/** Canonical text of an address for matching (IPv4-mapped IPv6 as its IPv4 address), or null. */
export function addressKey(raw: string | null | undefined, version: 4 | 6): string | null {
  const info: AddressInfo = addressInfo(raw, version);
  if (!info.ip || NOT_A_HOST.has(info.cls)) return null;
  if (info.mapped) return info.text.replace(/^::ffff:/, '');
  return info.text;
}

export function hostAddresses(host: CaseHostInput): HostAddress[] {
  const seen = new Map<string, SourceRef[]>();
  const add = (key: string | null, ref: SourceRef): void => {
    if (key === null) return;
    const refs = seen.get(key) ?? [];
    if (refs.length < 3) refs.push(ref);
    seen.set(key, refs);
  };
  for (const c of host.connections) add(addressKey(c.localAddress, c.ipVersion), c.source);
  for (const r of host.routes) {
    if (r.type !== 'local') continue;
    const dest = r.destination.replace(/\/(32|128)$/, '');
    if (!dest.includes('/')) add(addressKey(dest, r.ipVersion), r.source);
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([address, refs]) => ({ address, refs }));
}

export interface AddressBook {
  /** Address → the one examined host holding it. */
  owner: Map<string, string>;
  /** Address → every host holding it, when more than one does. */
  shared: Map<string, string[]>;
}

export function addressBook(addresses: Map<string, HostAddress[]>, names: Map<string, string>): { book: AddressBook; ambiguities: Ambiguity[] } {
  const holders = new Map<string, string[]>();
  for (const [host, list] of addresses) for (const a of list) holders.set(a.address, [...(holders.get(a.address) ?? []), host]);
  const book: AddressBook = { owner: new Map(), shared: new Map() };
  const byHosts = new Map<string, string[]>();
  for (const [address, hosts] of holders) {
    if (hosts.length === 1) book.owner.set(address, hosts[0]);
    else {
      book.shared.set(address, hosts);
      const key = hosts.join(',');
      byHosts.set(key, [...(byHosts.get(key) ?? []), address]);
    }
  }
  const ambiguities: Ambiguity[] = [...byHosts.entries()].map(([key, list]) => {
    const hosts = key.split(',');
    const who = hosts.map((h) => `${names.get(h)} (${h})`).join(' and ');
    return {
      kind: 'shared-address',
      hosts,
      detail: `${list.join(', ')} ${list.length === 1 ? 'is an address' : 'are addresses'} of both ${who}: connections to ${list.length === 1 ? 'it' : 'them'} are not joined to either host (two sites may use the same private addresses, or the same host was captured twice).`,
    };
  });
  return { book, ambiguities };
}
