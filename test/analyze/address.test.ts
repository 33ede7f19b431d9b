// The address classifier against the IANA IPv4 and IPv6 special-purpose registries: every registry
// entry checked on its first and last address, a case that fires and one that must not for the
// documentation and benchmarking ranges that used to be called "public".
import { describe, expect, it } from 'vitest';
import { addressInfo, addressLabel, isExternal, parseCidr, parseIPv6, parseIPv6Text, registryEntry, registryEntryV6 } from '../../src/analyze/address.js';
import { seededRandom } from '../../src/seeded-random.js';
import { IPV4_SPECIAL, IPV6_SPECIAL, REGISTRY_AS_OF, specialLabel, type SpecialBlock } from '../../src/analyze/iana-special.js';
import { established, listen, proc, run } from './helpers.js';

/** First and last address of a block, as text. */
function ends(block: string): [string, string] {
  const cidr = parseCidr(block)!;
  const bits = cidr.version === 4 ? 32 : 128;
  const last = cidr.network | ((1n << BigInt(bits - cidr.prefix)) - 1n);
  const text = (v: bigint): string => {
    if (cidr.version === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
    return Array.from({ length: 8 }, (_, i) => ((v >> BigInt((7 - i) * 16)) & 0xffffn).toString(16)).join(':');
  };
  return [text(cidr.network), text(last)];
}

/** The most specific registry entry holding an address, found by brute force over the table. */
function mostSpecific(rows: readonly SpecialBlock[], addr: string): SpecialBlock | undefined {
  const info = addressInfo(addr);
  const holding = rows.filter((r) => {
    const c = parseCidr(r.block)!;
    const v = parseCidr(info.text)!;
    const shift = BigInt((c.version === 4 ? 32 : 128) - c.prefix);
    return c.version === v.version && v.network >> shift === c.network >> shift;
  });
  return holding.sort((a, b) => parseCidr(b.block)!.prefix - parseCidr(a.block)!.prefix)[0];
}

describe('IANA special-purpose registries', () => {
  it('hold every entry of both registries as published', () => {
    expect(REGISTRY_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // 25 IPv4 rows (26 blocks: 192.0.0.170 and .171 share one row), 25 IPv6 rows.
    expect(IPV4_SPECIAL).toHaveLength(26);
    expect(IPV6_SPECIAL).toHaveLength(25);
    for (const b of [...IPV4_SPECIAL, ...IPV6_SPECIAL]) {
      expect(parseCidr(b.block), b.block).not.toBeNull();
      if (b.block !== '::ffff:0:0/96') expect(parseCidr(b.block)!.text, b.block).toBe(b.block); // canonical form
      expect(b.rfc, b.block).toMatch(/\[RFC ?\d+\]/);
      expect(b.allocated, b.block).toMatch(/^\d{4}-\d{2}$/);
    }
  });

  const all = [...IPV4_SPECIAL, ...IPV6_SPECIAL].filter((b) => b.block !== '::ffff:0:0/96');
  it.each(all.map((b) => [b.block, b] as const))('%s: both ends carry the most specific entry\'s name', (_block, b) => {
    for (const addr of ends(b.block)) {
      const want = mostSpecific([...IPV4_SPECIAL, ...IPV6_SPECIAL], addr)!;
      const info = addressInfo(addr);
      expect(info.special, addr).toBe(specialLabel(want));
      // Only a registry "Globally Reachable: True" (or N/A: 6to4, Teredo) may be public.
      if (info.cls === 'public') expect(want.globallyReachable, addr).not.toBe(false);
    }
  });

  it('names the documentation and benchmarking ranges, never "public"', () => {
    const cases: [string, string, string][] = [
      ['192.0.2.1', 'documentation', 'documentation (TEST-NET-1, RFC 5737)'],
      ['198.51.100.7', 'documentation', 'documentation (TEST-NET-2, RFC 5737)'],
      ['203.0.113.66', 'documentation', 'documentation (TEST-NET-3, RFC 5737)'],
      ['198.18.0.1', 'benchmarking', 'benchmarking (RFC 2544)'],
      ['198.19.255.254', 'benchmarking', 'benchmarking (RFC 2544)'],
      ['192.0.0.1', 'reserved', 'IPv4 service continuity prefix (RFC 7335)'],
      ['192.0.0.100', 'reserved', 'IETF protocol assignments (RFC 6890)'],
      ['2001:db8::1', 'documentation', 'documentation (RFC 3849)'],
      ['2001:db8:ffff::1', 'documentation', 'documentation (RFC 3849)'],
      ['::ffff:203.0.113.5', 'documentation', 'documentation (TEST-NET-3, RFC 5737)'],
    ];
    for (const [addr, cls, label] of cases) {
      const info = addressInfo(addr);
      expect([addr, info.cls, addressLabel(info)]).toEqual([addr, cls, label]);
    }
  });

  it('ordinary internet addresses next to those ranges stay public, with no label', () => {
    for (const addr of ['192.0.3.1', '198.51.99.255', '203.0.114.0', '198.17.255.255', '198.20.0.0', '192.0.1.255', '8.8.8.8', '2001:db9::1', '2001:4860:4860::8888']) {
      const info = addressInfo(addr);
      expect([addr, info.cls, info.special]).toEqual([addr, 'public', undefined]);
    }
  });

  it('rules still treat documentation peers as outside the host, and say what they are', () => {
    const fires = run({ os: 'linux', connections: [established('10.0.0.5:40000', '203.0.113.66:4444', 77, 'nc')], processes: [proc(77, 'nc', { exe: '/usr/bin/nc' })] });
    const interp = fires.findings.find((f) => f.rule === 'NET-INTERP-SOCKET');
    expect(interp).toBeDefined();
    const c2 = run({ os: 'linux', connections: [established('10.0.0.5:40001', '198.18.0.9:2222', 78, 'beacon')] }).findings.find((f) => f.rule === 'NET-C2-CALLBACK-PORT');
    // The range's name is interpretation: it is in the rationale, the FACTS keep the cited fields only.
    expect(c2?.rationale).toContain('The peer is a benchmarking (RFC 2544) address, on callback port 2222');
    expect(c2?.rationale).not.toContain('public');
    expect(c2?.detail).toContain('198.18.0.9:2222');
    const pub = run({ os: 'linux', connections: [established('10.0.0.5:40002', '93.184.216.34:2222', 79, 'beacon')] }).findings.find((f) => f.rule === 'NET-C2-CALLBACK-PORT');
    expect(pub?.rationale).toContain('The peer is a public address, on callback port 2222');
    // Must not fire: a private peer on the same port is not an internet callback.
    expect(run({ os: 'linux', connections: [established('10.0.0.5:40003', '10.0.0.9:2222', 80, 'beacon')] }).findings.filter((f) => f.rule === 'NET-C2-CALLBACK-PORT')).toEqual([]);
    expect(isExternal('documentation')).toBe(true);
    expect(isExternal('reserved')).toBe(false);
    expect(listen).toBeDefined();
  });
  it('the IPv6 lookup by 16-bit groups (issue 16: no BigInt per address) agrees with the 128-bit one', () => {
    // Each block's first and last address and their neighbours, plus fixed pseudo-random addresses.
    const values: bigint[] = [];
    const mask = (1n << 128n) - 1n;
    for (const b of IPV6_SPECIAL) {
      const cidr = parseCidr(b.block)!;
      const last = cidr.network | ((1n << BigInt(128 - cidr.prefix)) - 1n);
      for (const v of [cidr.network, last, cidr.network - 1n, last + 1n]) values.push(v & mask);
    }
    let x = 0x2545f4914f6cdd1dn;
    for (let i = 0; i < 2000; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) & mask;
      values.push(i % 2 ? x : (0x2001n << 112n) | (x >> 16n));
    }
    for (const v of values) {
      const groups = Array.from({ length: 8 }, (_, i) => Number((v >> BigInt((7 - i) * 16)) & 0xffffn));
      expect(registryEntryV6(groups)?.label ?? null, groups.join(':')).toBe(registryEntry(v, 6)?.label ?? null);
      expect(parseIPv6(groups.map((g) => g.toString(16)).join(':'))).toEqual(groups);
    }
  });
});

describe('IPv6 text (issue 16: one pass for the common form)', () => {
  it('reads every text exactly as the general parser does: valid forms, odd colons, IPv4 tails, junk', () => {
    const rnd = seededRandom(616);
    const pick = (s: string): string => s[Math.floor(rnd() * s.length)] as string;
    const samples = ['::', '::1', '1::', '1::2', ':::1', '1:::2', '1::2::3', ':1::', '1:', ':1', '::ffff:10.0.0.1', '::10.0.0.1', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4::5:6:7:8', '12345::', 'fE80::aBcD', '2001:DB8::1', '1:2:3:4:5:6:1.2.3.4', '', ':', 'g::1', '0:0:0:0:0:0:0:0'];
    for (let i = 0; i < 20_000; i++) {
      // Random group structures, and random strings over the characters an address may hold.
      const groups = Array.from({ length: 1 + Math.floor(rnd() * 9) }, () => Array.from({ length: Math.floor(rnd() * 6) }, () => pick('0123456789abcdefABCDEF')).join(''));
      samples.push(groups.join(rnd() < 0.2 ? '::' : ':').replace(/^/, rnd() < 0.2 ? '::' : ''));
      samples.push(Array.from({ length: Math.floor(rnd() * 40) }, () => pick('0f:::.9aA1')).join(''));
    }
    let parsed = 0;
    for (const s of samples) {
      const want = parseIPv6Text(s);
      expect(parseIPv6(s), JSON.stringify(s)).toEqual(want);
      if (want) parsed++;
    }
    expect(parsed).toBeGreaterThan(2_000);
  });
});
