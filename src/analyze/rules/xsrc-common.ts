// Cross-source comparison of socket views (RULES.md A22): the same capture read through netstat and
// ss (tools) and /proc/net/* (kernel files). Keys are normalised so dialects compare equal.
import type { Connection, SocketView } from '../../model.js';
import { makeAddressCache } from '../address.js';
import type { AnalysisContext, SocketInfo } from '../types.js';

export interface ViewIndex {
  view: SocketView;
  keys: Set<string>;
  inodes: Set<string>;
  /** protocol|ipVersion pairs the view printed at all (netstat -t prints no UDP). */
  coverage: Set<string>;
  /** False when the view printed host or service names (netstat without -n): absence proves nothing. */
  comparable: boolean;
}

export type Stable = 'listen' | 'established';

const addr = makeAddressCache();

export function crossKey(c: Connection): string {
  const local = addr(c.localAddress, c.ipVersion);
  const remote = addr(c.remoteAddress, c.ipVersion);
  const rport = remote.cls === 'unspecified' ? 0 : (c.remotePort ?? 0);
  return `${c.protocol}|${local.text}|${c.localPort ?? 0}|${remote.text}|${rport}`;
}

/** Sockets that live long enough for all reads of one capture to see them; others are skipped. */
export function stableKind(c: Connection): Stable | null {
  if (c.protocol === 'tcp') return c.state === 'LISTEN' ? 'listen' : c.state === 'ESTABLISHED' ? 'established' : null;
  if (c.protocol === 'udp') return addr(c.remoteAddress, c.ipVersion).cls === 'unspecified' ? 'listen' : null;
  return null;
}

export function indexView(connections: Connection[], view: SocketView): ViewIndex | null {
  const records = connections.filter((c) => c.view === view);
  if (records.length === 0) return null;
  const index: ViewIndex = { view, keys: new Set(), inodes: new Set(), coverage: new Set(), comparable: true };
  for (const c of records) {
    index.keys.add(crossKey(c));
    if (c.inode) index.inodes.add(`${c.protocol}|${c.inode}`);
    index.coverage.add(`${c.protocol}|${c.ipVersion}`);
    const l = addr(c.localAddress, c.ipVersion);
    const r = addr(c.remoteAddress, c.ipVersion);
    if (!l.ip || !r.ip || (c.localPort === null && c.protocol !== 'raw')) index.comparable = false;
  }
  return index;
}

export function seenIn(index: ViewIndex, c: Connection): boolean {
  return index.keys.has(crossKey(c)) || (!!c.inode && index.inodes.has(`${c.protocol}|${c.inode}`));
}

/** The merged socket a record belongs to (for PID and annotations). */
export function socketOfRecord(ctx: AnalysisContext): Map<Connection, SocketInfo> {
  const out = new Map<Connection, SocketInfo>();
  for (const s of ctx.sockets) for (const r of s.records) out.set(r, s);
  return out;
}
