// Issue 16 (ana): mergeSockets finds a record's socket through a hash of its tuple instead of a map
// of 90k key strings, and builds a socket's id only when it is read. The result must be exactly what
// the string-keyed merge gave: the same sockets, records, owners and ids, also for host names that
// hold '|' (two different tuples can spell the same key text) and for several owners of one tuple.
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/model.js';
import { makeAddressCache } from '../../src/analyze/address.js';
import { mergeSockets, socketsWithIds, textHash } from '../../src/analyze/sockets.js';
import { seededRandom } from '../../src/seeded-random.js';
import { conn } from './helpers.js';

/** The string-keyed merge as it was (ids, record lists and PIDs; views and direction left aside). */
function referenceMerge(connections: Connection[]): { id: string; lines: number[]; pid: number | null }[] {
  const addr = makeAddressCache();
  const byKey = new Map<string, { id: string; lines: number[]; pid: number | null; owners: Set<number> }[]>();
  const all: { id: string; lines: number[]; pid: number | null; owners: Set<number> }[] = [];
  for (const c of connections) {
    const local = addr(c.localAddress, c.ipVersion);
    const remote = addr(c.remoteAddress, c.ipVersion);
    const rport = remote.cls === 'unspecified' && !c.remotePort ? '*' : String(c.remotePort ?? '*');
    const key = `${c.protocol}|${local.text}|${c.localPort ?? '*'}|${remote.text}|${rport}`;
    const pid = typeof c.pid === 'number' && c.pid > 0 ? c.pid : null;
    const list = byKey.get(key) ?? [];
    const match = list.find((s) => s.pid === null || pid === null || s.pid === pid || s.owners.has(pid));
    if (match) {
      match.lines.push(c.source.line);
      if (pid !== null) {
        if (match.pid === null) match.pid = pid;
        else if (match.pid !== pid) match.owners.add(pid);
      }
      continue;
    }
    const s = { id: list.length === 0 ? key : `${key}#${list.length}`, lines: [c.source.line], pid, owners: new Set<number>() };
    list.push(s);
    byKey.set(key, list);
    all.push(s);
  }
  return all.map(({ id, lines, pid }) => ({ id, lines, pid }));
}

const merged = (connections: Connection[]) =>
  mergeSockets(connections, new Map()).map((s) => ({ id: s.id, lines: s.records.map((r) => r.source.line), pid: s.pid }));

describe('merging the views of a socket', () => {
  it('gives the same sockets, records and ids as the string-keyed merge on random hosts', () => {
    const rnd = seededRandom(16);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
    const locals = ['0.0.0.0', '10.0.0.5', '127.0.0.1', '::', 'fe80::1%eth0', '2001:db8::5', 'localhost', 'a|1|b', 'host|'];
    const remotes = ['0.0.0.0', '*', '::', '203.0.113.9', '2001:db8::9', 'peer|22|x', '|', '198.51.100.7'];
    const ports: (number | null)[] = [null, 0, 1, 22, 80, 443, 65535];
    for (let host = 0; host < 60; host++) {
      const records: Connection[] = [];
      const count = 1 + Math.floor(rnd() * 400);
      for (let i = 0; i < count; i++) {
        records.push(conn({
          protocol: pick(['tcp', 'udp', 'raw'] as const),
          localAddress: pick(locals),
          localPort: pick(ports),
          remoteAddress: pick(remotes),
          remotePort: pick(ports),
          ipVersion: pick([4, 6] as const),
          pid: pick([null, 0, 1, 7, 7, 900]),
          view: pick(['netstat', 'ss', 'proc'] as const),
        }));
      }
      expect(merged(records), `host ${host}`).toEqual(referenceMerge(records));
      // Every socket is found by its id (the index hash of the fields is the hash of the id's text).
      const sockets = mergeSockets(records, new Map());
      const found = socketsWithIds(sockets, sockets.map((s) => s.id));
      expect([...found.values()]).toEqual(sockets);
    }
  });

  it('merges two tuples whose key texts are equal, as before (host names holding "|")', () => {
    const a = conn({ localAddress: 'h|80|x', localPort: 1, remoteAddress: 'y', remotePort: 2, pid: 5 });
    const b = conn({ localAddress: 'h', localPort: 80, remoteAddress: 'x|1|y', remotePort: 2, pid: 5 });
    expect(referenceMerge([a, b])).toHaveLength(1);
    expect(merged([a, b])).toEqual(referenceMerge([a, b]));
  });

  it('numbers further owners of one tuple #1, #2 and finds each by its id', () => {
    const records = [600, 601, 600, 602].map((pid) => conn({ local: '0.0.0.0:443', pid, process: 'nginx' }));
    const sockets = mergeSockets(records, new Map());
    expect(sockets.map((s) => s.id)).toEqual(['tcp|0.0.0.0|443|0.0.0.0|*', 'tcp|0.0.0.0|443|0.0.0.0|*#1', 'tcp|0.0.0.0|443|0.0.0.0|*#2']);
    expect(sockets[0]!.records).toHaveLength(2);
    const found = socketsWithIds(sockets, ['tcp|0.0.0.0|443|0.0.0.0|*#2', 'tcp|0.0.0.0|443|0.0.0.0|*', 'tcp|0.0.0.0|443|0.0.0.0|*#9', 'nonsense']);
    // In the sockets' order, unknown ids left out.
    expect([...found.keys()]).toEqual(['tcp|0.0.0.0|443|0.0.0.0|*', 'tcp|0.0.0.0|443|0.0.0.0|*#2']);
    expect(found.get('tcp|0.0.0.0|443|0.0.0.0|*#2')).toBe(sockets[2]);
    // A list not made by mergeSockets is scanned.
    expect([...socketsWithIds([...sockets], [sockets[1]!.id]).values()]).toEqual([sockets[1]]);
  });

  it('keeps two different tuples apart when their hashes collide, and finds each by its id', () => {
    // Search peer ports until two keys share a hash (30 bits: a collision within ~100k keys).
    const key = (lport: number, rport: number) => `tcp|10.0.0.5|${lport}|203.0.113.9|${rport}`;
    const seen = new Map<number, [number, number]>();
    let pair: [[number, number], [number, number]] | null = null;
    for (let lport = 1; lport < 65536 && !pair; lport++) {
      for (let rport = 1; rport <= 8 && !pair; rport++) {
        const h = textHash(key(lport, rport));
        const before = seen.get(h);
        if (before) pair = [before, [lport, rport]];
        else seen.set(h, [lport, rport]);
      }
    }
    expect(pair).not.toBeNull();
    const [[l1, r1], [l2, r2]] = pair!;
    const records = [
      conn({ local: `10.0.0.5:${l1}`, remote: `203.0.113.9:${r1}`, state: 'ESTABLISHED', pid: 10 }),
      conn({ local: `10.0.0.5:${l2}`, remote: `203.0.113.9:${r2}`, state: 'ESTABLISHED', pid: 10 }),
      conn({ local: `10.0.0.5:${l2}`, remote: `203.0.113.9:${r2}`, state: 'ESTABLISHED', pid: 10, view: 'ss' }),
    ];
    expect(merged(records)).toEqual(referenceMerge(records));
    const sockets = mergeSockets(records, new Map());
    expect(sockets.map((s) => s.id)).toEqual([key(l1, r1), key(l2, r2)]);
    expect(sockets[1]!.records).toHaveLength(2);
    expect(socketsWithIds(sockets, [key(l2, r2)]).get(key(l2, r2))).toBe(sockets[1]);
  });
});
