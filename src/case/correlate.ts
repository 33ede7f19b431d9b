// TCP flows between examined hosts. A connection both hosts printed (A a:p → b:q and B b:q → a:p) is
// one flow with both processes. A connection to an address of another examined host whose other end
// that host did not print is still a flow, seen from one end, labelled with the capture windows: it may
// have closed before (or opened after) the other host was captured. Addresses several hosts hold join
// nothing (ambiguous). Connections to addresses of no examined host are kept as outside peers.
import { SEVERITIES, type Connection, type Severity } from '../model.js';
import { addressInfo, addressLabel } from '../analyze/address.js';
import { addressKey, type AddressBook } from './addresses.js';
import type { CaseFlow, CaseHostInput, FlowEnd } from './types.js';

export interface OutsidePeer {
  host: string;
  address: string;
  port: number | null;
  /** "public", "documentation (TEST-NET-3, RFC 5737)", "private" … */
  network: string;
  external: boolean;
  /** The outside address connected to a listener of the host (else the host connected out). */
  inbound: boolean;
  end: FlowEnd;
}

export interface Correlation {
  flows: CaseFlow[];
  outside: OutsidePeer[];
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

interface Indexed {
  host: CaseHostInput;
  name: string;
  byTuple: Map<string, Connection>;
  listeners: Map<string, Connection>;
  leadByPid: Map<number, { id: string; severity: Severity }>;
}

function index(host: CaseHostInput, name: string): Indexed {
  const byTuple = new Map<string, Connection>();
  const listeners = new Map<string, Connection>();
  for (const c of host.connections) {
    if (c.protocol !== 'tcp' || c.localPort === null) continue;
    const local = addressKey(c.localAddress, c.ipVersion) ?? (addressInfo(c.localAddress, c.ipVersion).cls === 'unspecified' ? '*' : null);
    if (c.state === 'LISTEN') {
      if (local !== null && !listeners.has(`${local}|${c.localPort}`)) listeners.set(`${local}|${c.localPort}`, c);
      continue;
    }
    const remote = addressKey(c.remoteAddress, c.ipVersion);
    if (local === null || remote === null || c.remotePort === null) continue;
    const key = `${local}|${c.localPort}|${remote}|${c.remotePort}`;
    if (!byTuple.has(key)) byTuple.set(key, c);
  }
  const leadByPid = new Map<number, { id: string; severity: Severity }>();
  for (const l of host.leads) {
    if (typeof l.pid !== 'number' || l.suppressed || rank(l.severity) < rank('medium')) continue;
    const had = leadByPid.get(l.pid);
    if (!had || rank(l.severity) > rank(had.severity)) leadByPid.set(l.pid, { id: l.id, severity: l.severity });
  }
  return { host, name, byTuple, listeners, leadByPid };
}

function listenerOn(h: Indexed, address: string, port: number): Connection | null {
  return h.listeners.get(`${address}|${port}`) ?? h.listeners.get(`*|${port}`) ?? null;
}

function end(h: Indexed, c: Connection, address: string, port: number | null): FlowEnd {
  return {
    host: h.host.key,
    address,
    port,
    pid: c.pid,
    process: c.process,
    state: c.state,
    ref: c.source,
    lead: c.pid !== null ? (h.leadByPid.get(c.pid) ?? null) : null,
  };
}

function unseen(host: string | null, address: string, port: number | null): FlowEnd {
  return { host, address, port, pid: null, process: null, state: null, ref: null, lead: null };
}

/** "db was captured 3 min 5 s after web" — from the recorded capture windows, with the clocks' state. */
export function timing(seenBy: Indexed, other: Indexed): string {
  const a = seenBy.host.acquisition.captureWindow;
  const b = other.host.acquisition.captureWindow;
  if (!a || !b) return `the capture window of ${!a ? seenBy.name : other.name} is not recorded`;
  const gap = Date.parse(b.start) - Date.parse(a.end);
  const back = Date.parse(a.start) - Date.parse(b.end);
  const clock = (h: Indexed): string => {
    const c = h.host.acquisition.clock;
    const sync = c.ntpSynchronized === true ? 'synchronised' : c.ntpSynchronized === false ? 'NOT synchronised' : 'synchronisation not shown';
    return `${h.name} clock ${sync}${c.offset ? `, offset ${c.offset}` : ''}`;
  };
  const when = gap >= 0 ? `${other.name} was captured ${duration(gap)} after ${seenBy.name}` : back >= 0 ? `${other.name} was captured ${duration(back)} before ${seenBy.name}` : 'the two captures overlap in time';
  return `${when} (${clock(seenBy)}; ${clock(other)})`;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

export function correlate(hosts: CaseHostInput[], names: Map<string, string>, book: AddressBook): Correlation {
  const indexed = new Map(hosts.map((h) => [h.key, index(h, names.get(h.key) ?? h.key)]));
  const flows: CaseFlow[] = [];
  const outside: OutsidePeer[] = [];
  const done = new Set<string>();
  for (const a of indexed.values()) {
    for (const [tuple, s] of a.byTuple) {
      const [local, lp, remote, rp] = tuple.split('|');
      const localPort = Number(lp);
      const remotePort = Number(rp);
      let owner = book.owner.get(remote);
      if (owner === a.host.key) continue;
      let shared = book.shared.get(remote);
      let alsoHeld = '';
      if (shared) {
        // Several hosts hold the address: only the one host that printed this very connection's other
        // end (the mirrored addresses and ports) is joined; otherwise nothing is.
        const mirrors = shared.filter((h) => h !== a.host.key && indexed.get(h)!.byTuple.has(`${remote}|${remotePort}|${local}|${localPort}`));
        if (mirrors.length === 1) {
          owner = mirrors[0];
          alsoHeld = `; ${remote} is also an address of ${shared.filter((h) => h !== owner).map((h) => names.get(h)).join(', ')}, joined to ${names.get(owner)} because only it printed the other end`;
          shared = undefined;
        }
      }
      if (owner === undefined && shared === undefined) {
        const info = addressInfo(remote);
        outside.push({ host: a.host.key, address: remote, port: remotePort, network: addressLabel(info), external: ['public', 'documentation', 'benchmarking'].includes(info.cls), inbound: listenerOn(a, local, localPort) !== null, end: end(a, s, local, localPort) });
        continue;
      }
      const key = [`${a.host.key}|${local}|${localPort}`, `${owner ?? remote}|${remote}|${remotePort}`].sort().join('~');
      if (done.has(key)) continue;
      done.add(key);
      const mine = end(a, s, local, localPort);
      const aListens = listenerOn(a, local, localPort) !== null;
      if (shared) {
        const who = shared.map((h) => names.get(h)).join(', ');
        const other = unseen(null, remote, remotePort);
        flows.push(flow(aListens ? other : mine, aListens ? mine : other, aListens ? 'server-only' : 'client-only', aListens ? 'a listener on the local port' : 'no listener on the local port', `seen only from ${a.name}`, `${remote} is an address of ${who}: not joined to any of them`));
        continue;
      }
      const b = indexed.get(owner!)!;
      const mirror = b.byTuple.get(`${remote}|${remotePort}|${local}|${localPort}`);
      const bListener = listenerOn(b, remote, remotePort);
      const bListens = bListener !== null;
      let aIsServer: boolean;
      let direction: string;
      if (aListens !== bListens) {
        aIsServer = aListens;
        direction = `${aIsServer ? a.name : b.name} listens on TCP ${aIsServer ? localPort : remotePort}`;
      } else {
        aIsServer = localPort < remotePort;
        direction = `inferred from the port numbers (${aListens ? 'both' : 'neither'} side${aListens ? 's listen' : ' listens'} on its port)`;
      }
      if (mirror) {
        const theirs = end(b, mirror, remote, remotePort);
        flows.push(flow(aIsServer ? theirs : mine, aIsServer ? mine : theirs, 'both', direction, `seen from both ends${alsoHeld}`, null));
        continue;
      }
      const note = `seen only from ${a.name} (may have closed before ${b.name} was captured; ${timing(a, b)})`;
      if (!aIsServer) {
        const server = bListener ? { ...end(b, bListener, remote, remotePort), state: 'LISTEN' } : unseen(b.host.key, remote, remotePort);
        flows.push(flow(mine, server, 'client-only', direction, note, null));
      } else {
        flows.push(flow(unseen(b.host.key, remote, remotePort), mine, 'server-only', direction, note, null));
      }
    }
  }
  flows.sort((x, y) => order(x).localeCompare(order(y)));
  flows.forEach((f, i) => (f.id = `F-${String(i + 1).padStart(3, '0')}`));
  return { flows, outside };
}

function order(f: CaseFlow): string {
  return `${f.client.host ?? '~'}|${f.server.host ?? '~'}|${String(f.server.port).padStart(5, '0')}|${f.client.address}|${String(f.client.port).padStart(5, '0')}`;
}

function flow(client: FlowEnd, server: FlowEnd, seen: CaseFlow['seen'], direction: string, note: string, ambiguous: string | null): CaseFlow {
  return { id: '', seen, client, server, direction, note, ambiguous, severity: null };
}
