// The IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890), every entry with its name,
// RFC, dates and the registry's five booleans. The analyzer names an address by the most specific
// entry that holds it ("documentation (TEST-NET-3, RFC 5737)"), never "public" for these.
//
// Source: https://www.iana.org/assignments/iana-ipv4-special-registry/iana-ipv4-special-registry-1.csv
// and .../iana-ipv6-special-registry/iana-ipv6-special-registry-1.csv, rows as published on
// REGISTRY_AS_OF (one tuple per address block; a cell holding two blocks is two tuples; the
// footnote marks "[1]".."[4]" are dropped, "N/A" and empty cells are null). To update: compare with
// the CSVs, change the rows and REGISTRY_AS_OF together; test/analyze/address.test.ts checks every row.

export const REGISTRY_AS_OF = '2026-07-18';

export interface SpecialBlock {
  /** Address block as IANA writes it, e.g. "192.0.2.0/24". */
  block: string;
  name: string;
  rfc: string;
  allocated: string;
  terminated: string | null;
  source: boolean | null;
  destination: boolean | null;
  forwardable: boolean | null;
  globallyReachable: boolean | null;
  reservedByProtocol: boolean | null;
}

type Row = [string, string, string, string, string | null, boolean | null, boolean | null, boolean | null, boolean | null, boolean | null];

const IPV4_ROWS: Row[] = [
  ["0.0.0.0/8", "\"This network\"", "[RFC791], Section 3.2", "1981-09", null, true, false, false, false, true],
  ["0.0.0.0/32", "\"This host on this network\"", "[RFC1122], Section 3.2.1.3", "1981-09", null, true, false, false, false, true],
  ["10.0.0.0/8", "Private-Use", "[RFC1918]", "1996-02", null, true, true, true, false, false],
  ["100.64.0.0/10", "Shared Address Space", "[RFC6598]", "2012-04", null, true, true, true, false, false],
  ["127.0.0.0/8", "Loopback", "[RFC1122], Section 3.2.1.3", "1981-09", null, false, false, false, false, true],
  ["169.254.0.0/16", "Link Local", "[RFC3927]", "2005-05", null, true, true, false, false, true],
  ["172.16.0.0/12", "Private-Use", "[RFC1918]", "1996-02", null, true, true, true, false, false],
  ["192.0.0.0/24", "IETF Protocol Assignments", "[RFC6890], Section 2.1", "2010-01", null, false, false, false, false, false],
  ["192.0.0.0/29", "IPv4 Service Continuity Prefix", "[RFC7335]", "2011-06", null, true, true, true, false, false],
  ["192.0.0.8/32", "IPv4 dummy address", "[RFC7600]", "2015-03", null, true, false, false, false, false],
  ["192.0.0.9/32", "Port Control Protocol Anycast", "[RFC7723]", "2015-10", null, true, true, true, true, false],
  ["192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "[RFC8155]", "2017-02", null, true, true, true, true, false],
  ["192.0.0.170/32", "NAT64/DNS64 Discovery", "[RFC8880][RFC7050], Section 2.2", "2013-02", null, false, false, false, false, true],
  ["192.0.0.171/32", "NAT64/DNS64 Discovery", "[RFC8880][RFC7050], Section 2.2", "2013-02", null, false, false, false, false, true],
  ["192.0.2.0/24", "Documentation (TEST-NET-1)", "[RFC5737]", "2010-01", null, false, false, false, false, false],
  ["192.31.196.0/24", "AS112-v4", "[RFC7535]", "2014-12", null, true, true, true, true, false],
  ["192.52.193.0/24", "AMT", "[RFC7450]", "2014-12", null, true, true, true, true, false],
  ["192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "[RFC7526]", "2001-06", "2015-03", null, null, null, null, null],
  ["192.88.99.2/32", "6a44-relay anycast address", "[RFC6751]", "2012-10", null, true, true, true, false, false],
  ["192.168.0.0/16", "Private-Use", "[RFC1918]", "1996-02", null, true, true, true, false, false],
  ["192.175.48.0/24", "Direct Delegation AS112 Service", "[RFC7534]", "1996-01", null, true, true, true, true, false],
  ["198.18.0.0/15", "Benchmarking", "[RFC2544]", "1999-03", null, true, true, true, false, false],
  ["198.51.100.0/24", "Documentation (TEST-NET-2)", "[RFC5737]", "2010-01", null, false, false, false, false, false],
  ["203.0.113.0/24", "Documentation (TEST-NET-3)", "[RFC5737]", "2010-01", null, false, false, false, false, false],
  ["240.0.0.0/4", "Reserved", "[RFC1112], Section 4", "1989-08", null, false, false, false, false, true],
  ["255.255.255.255/32", "Limited Broadcast", "[RFC8190] [RFC919], Section 7", "1984-10", null, false, true, false, false, true],
];

const IPV6_ROWS: Row[] = [
  ["::1/128", "Loopback Address", "[RFC4291]", "2006-02", null, false, false, false, false, true],
  ["::/128", "Unspecified Address", "[RFC4291]", "2006-02", null, true, false, false, false, true],
  ["::ffff:0:0/96", "IPv4-mapped Address", "[RFC4291]", "2006-02", null, false, false, false, false, true],
  ["64:ff9b::/96", "IPv4-IPv6 Translat.", "[RFC6052]", "2010-10", null, true, true, true, true, false],
  ["64:ff9b:1::/48", "IPv4-IPv6 Translat.", "[RFC8215]", "2017-06", null, true, true, true, false, false],
  ["100::/64", "Discard-Only Address Block", "[RFC6666]", "2012-06", null, true, true, true, false, false],
  ["100:0:0:1::/64", "Dummy IPv6 Prefix", "[RFC9780]", "2025-04", null, true, false, false, false, false],
  ["2001::/23", "IETF Protocol Assignments", "[RFC2928]", "2000-09", null, false, false, false, false, false],
  ["2001::/32", "TEREDO", "[RFC4380] [RFC8190]", "2006-01", null, true, true, true, null, false],
  ["2001:1::1/128", "Port Control Protocol Anycast", "[RFC7723]", "2015-10", null, true, true, true, true, false],
  ["2001:1::2/128", "Traversal Using Relays around NAT Anycast", "[RFC8155]", "2017-02", null, true, true, true, true, false],
  ["2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "[RFC9665]", "2024-04", null, true, true, true, true, false],
  ["2001:2::/48", "Benchmarking", "[RFC5180][RFC Errata 1752]", "2008-04", null, true, true, true, false, false],
  ["2001:3::/32", "AMT", "[RFC7450]", "2014-12", null, true, true, true, true, false],
  ["2001:4:112::/48", "AS112-v6", "[RFC7535]", "2014-12", null, true, true, true, true, false],
  ["2001:10::/28", "Deprecated (previously ORCHID)", "[RFC4843]", "2007-03", "2014-03", null, null, null, null, null],
  ["2001:20::/28", "ORCHIDv2", "[RFC7343]", "2014-07", null, true, true, true, true, false],
  ["2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "[RFC9374]", "2022-12", null, true, true, true, true, false],
  ["2001:db8::/32", "Documentation", "[RFC3849]", "2004-07", null, false, false, false, false, false],
  ["2002::/16", "6to4", "[RFC3056]", "2001-02", null, true, true, true, null, false],
  ["2620:4f:8000::/48", "Direct Delegation AS112 Service", "[RFC7534]", "2011-05", null, true, true, true, true, false],
  ["3fff::/20", "Documentation", "[RFC9637]", "2024-07", null, false, false, false, false, false],
  ["5f00::/16", "Segment Routing (SRv6) SIDs", "[RFC9602]", "2024-04", null, true, true, true, false, false],
  ["fc00::/7", "Unique-Local", "[RFC4193] [RFC8190]", "2005-10", null, true, true, true, false, false],
  ["fe80::/10", "Link-Local Unicast", "[RFC4291]", "2006-02", null, true, true, false, false, true],
];

function toBlock(r: Row): SpecialBlock {
  const [block, name, rfc, allocated, terminated, source, destination, forwardable, globallyReachable, reservedByProtocol] = r;
  return { block, name, rfc, allocated, terminated, source, destination, forwardable, globallyReachable, reservedByProtocol };
}

export const IPV4_SPECIAL: readonly SpecialBlock[] = IPV4_ROWS.map(toBlock);
export const IPV6_SPECIAL: readonly SpecialBlock[] = IPV6_ROWS.map(toBlock);

/** "[RFC8880][RFC7050], Section 2.2" → "RFC 8880, RFC 7050". */
export function rfcList(rfc: string): string {
  return [...rfc.matchAll(/\[RFC ?(\d+)\]/g)].map((m) => `RFC ${m[1]}`).join(', ');
}

/**
 * How reports and findings name the block: the registry's name (plain words in lower case), with the detail in its parentheses and the RFCs: "documentation (TEST-NET-1, RFC 5737)",
 * "benchmarking (RFC 2544)", "IETF Protocol Assignments (RFC 6890)".
 */
export function specialLabel(b: SpecialBlock): string {
  const m = /^(.*?)\s*\((.*)\)$/.exec(b.name);
  let base = (m ? m[1]! : b.name).replace(/^"(.*)"$/, '$1');
  // Plain capitalised words in lower case ("Private-Use" → "private-use"); acronyms (IETF, IPv4, AMT) kept.
  base = base.split(' ').map((w) => (/^[A-Z][a-z]*(-[A-Z]?[a-z]+)*$/.test(w) ? w.toLowerCase() : w)).join(' ');
  const detail = [m?.[2], rfcList(b.rfc)].filter((x) => x).join(', ');
  return detail ? `${base} (${detail})` : base;
}
