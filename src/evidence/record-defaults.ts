// Large record files (parsed/connections.json, parsed/unix-sockets.json) are written compact, one
// record per line, and a field whose value most records of one artifact share (format "linux-netstat",
// view "netstat", primary true, recvQ 0 …) is written once, in parse-report.json's
// `artifacts[].recordDefaults`, and left out of the records that have that value. The loader
// (folder.ts readJsonArray, i.e. readConnections/readUnixSockets) puts it back: what it returns is
// exactly the records the parser produced. The documented contract fields are never left out.
// A field the loader can recompute exactly from the record's other fields (DERIVED below: the zone
// of an IPv6 address, the -b owner lines right under a Windows row) is named once in
// `artifacts[].recordDerived` and left out of every record where recomputing gives its value.

/** Per artifact: record kind → field → the value written once. */
export type RecordDefaults = Record<string, Record<string, unknown>>;

/** Fields of parsed/connections.json that every record always carries (ARCHITECTURE.md contract). */
export const CONNECTION_CONTRACT = ['protocol', 'ipVersion', 'localAddress', 'localPort', 'remoteAddress', 'remotePort', 'state', 'stateRaw', 'pid', 'process', 'source'];
/** The same for parsed/unix-sockets.json: what an examiner greps for stays on every line. */
export const UNIX_SOCKET_CONTRACT = ['type', 'state', 'inode', 'pid', 'process', 'path', 'source'];

type Rec = Record<string, unknown> & { source?: { artifact?: unknown } };

/** A field recomputed from the record's other fields; `same` checks the record's value without building one. */
interface Derivation {
  derive(r: Rec): unknown;
  same(r: Rec, value: unknown): boolean;
}

/** Text after the first '%' of an address (its zone), or null. */
function zone(a: unknown): string | null {
  if (typeof a !== 'string') return null;
  const i = a.indexOf('%');
  return i < 0 ? null : a.slice(i + 1);
}

function sameZone(a: unknown, value: string): boolean {
  if (typeof a !== 'string') return false;
  const i = a.indexOf('%');
  return i >= 0 && a.length - i - 1 === value.length && a.endsWith(value);
}

/** Lines of the owner block right under the row: a service name, an owner note, the [image] line. */
function ownerBlockSize(r: Rec): number {
  return (r.component != null ? 1 : 0) + (r.ownerNote != null ? 1 : 0) + (r.process != null ? 1 : 0);
}

function rowLine(r: Rec): number | null {
  const line = (r.source as { line?: unknown } | undefined)?.line;
  return typeof line === 'number' ? line : null;
}

/** The fields a loader can recompute, by name (the names are what parse-report.json lists). */
const DERIVED: Record<string, Derivation> = {
  // Windows prints "TCP"/"UDP": the protocol in upper case.
  protoRaw: {
    derive: (r) => (typeof r.protocol === 'string' ? r.protocol.toUpperCase() : undefined),
    same: (r, v) => typeof r.protocol === 'string' && typeof v === 'string' && v.length === r.protocol.length && v === r.protocol.toUpperCase(),
  },
  // The zone printed in the local address, else in the remote one (fe80::1%7 → "7").
  interfaceScope: {
    derive: (r) => zone(r.localAddress) ?? zone(r.remoteAddress),
    same: (r, v) => {
      const local = zone(r.localAddress);
      if (local !== null) return typeof v === 'string' && sameZone(r.localAddress, v);
      const remote = zone(r.remoteAddress);
      return remote === null ? v === null : typeof v === 'string' && sameZone(r.remoteAddress, v);
    },
  },
  // netstat -b: the owner block's lines follow the row without a gap.
  ownerLines: {
    derive: (r) => {
      const n = ownerBlockSize(r);
      const line = rowLine(r);
      if (n === 0 || line === null) return undefined;
      return Array.from({ length: n }, (_, i) => line + 1 + i);
    },
    same: (r, v) => {
      const n = ownerBlockSize(r);
      const line = rowLine(r);
      if (v === undefined) return n === 0 || line === null;
      if (!Array.isArray(v) || v.length !== n || line === null || n === 0) return false;
      for (let i = 0; i < n; i++) if (v[i] !== line + 1 + i) return false;
      return true;
    },
  },
};

/** What is written once per artifact: values most records share, and the names of recomputed fields. */
export interface ArtifactDefaults {
  values: Record<string, unknown>;
  derived: string[];
  /** The fields every record has and that are written (record-rows.ts): not in the file header, only used while writing. */
  columns?: string[];
}

function isPrimitive(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function artifactOf(r: Rec): string {
  return typeof r.source?.artifact === 'string' ? r.source.artifact : '';
}

/**
 * For each artifact: every non-contract field that all its records carry with a primitive value, and
 * the value most of them have. A field some record lacks is never defaulted (absent stays absent).
 */
export function computeDefaults(records: readonly object[], contract: readonly string[]): Map<string, ArtifactDefaults> {
  const keep = new Set(contract);
  // artifact → field → (value → count), null once a non-primitive value is seen (then only its
  // presence counts); fields some record lacks are dropped and noted in `missing`.
  // Derived fields: how many records each derivation reproduces; dropped where it would invent a value.
  // Columns: the first record's fields that no record lacks (contract fields are on every record).
  const stats = new Map<string, { n: number; first: string[]; fields: Map<string, Map<unknown, number> | null>; derived: Map<string, number>; missing: Set<string> }>();
  for (const rec of records as Rec[]) {
    const a = artifactOf(rec);
    let st = stats.get(a);
    if (!st) {
      st = { n: 0, first: Object.keys(rec), fields: new Map(), derived: new Map(), missing: new Set() };
      for (const k of st.first) if (!keep.has(k)) st.fields.set(k, new Map());
      for (const k in DERIVED) if (!keep.has(k)) st.derived.set(k, 0);
      stats.set(a, st);
    }
    st.n++;
    for (const [k, n] of st.derived) {
      const v = rec[k];
      const same = DERIVED[k].same(rec, v);
      // An absent field stays absent only where the derivation gives nothing either; a record whose
      // value differs keeps it (a gap in its owner block).
      if (v === undefined && !same) st.derived.delete(k);
      else if (v !== undefined && same) st.derived.set(k, n + 1);
    }
    for (const [k, counts] of st.fields) {
      const v = rec[k];
      if (v === undefined) {
        st.fields.delete(k);
        st.missing.add(k);
      } else if (counts !== null) {
        if (isPrimitive(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
        else st.fields.set(k, null);
      }
    }
  }
  const out = new Map<string, ArtifactDefaults>();
  for (const [a, st] of stats) {
    const d: Record<string, unknown> = {};
    const derived: string[] = [];
    const constant = new Set<string>();
    const mostShared = (counts: Map<unknown, number>): [unknown, number] => {
      let best: unknown;
      let bestN = 0;
      for (const [v, n] of counts) if (n > bestN) [best, bestN] = [v, n];
      return [best, bestN];
    };
    // Recomputing wins where it leaves the field out of more records than one shared value would.
    for (const [k, n] of st.derived) if (n > 0 && n >= mostShared(st.fields.get(k) ?? new Map())[1]) derived.push(k);
    for (const [k, counts] of st.fields) {
      if (derived.includes(k) || counts === null) continue;
      const [best, bestN] = mostShared(counts);
      // Only worth a default when it saves something on most records.
      if (bestN * 2 > st.n) d[k] = best;
      if (bestN === st.n) constant.add(k);
    }
    // A record that lacks a column anyway is written as an object (record-rows.ts checks each).
    const columns = st.first.filter((k) => !st.missing.has(k) && !constant.has(k) && !derived.includes(k));
    out.set(a, { values: d, derived, columns });
  }
  return out;
}

/** True when the record's field k is left out of what is written (its artifact's default, or recomputed exactly). */
export function isLeftOut(rec: Record<string, unknown>, k: string, ad: ArtifactDefaults): boolean {
  if (k in ad.values) return ad.values[k] === rec[k];
  return ad.derived.includes(k) && DERIVED[k].same(rec, rec[k]);
}

/** The record as written: fields equal to its artifact's default, or recomputed exactly, left out (a new object; the input is kept). */
export function stripDefaults(rec: object, defaults: Map<string, ArtifactDefaults>): object {
  const ad = defaults.get(artifactOf(rec as Rec));
  if (!ad) return rec;
  const d = ad.values;
  const derived = ad.derived;
  // for…in over the record's own fields: Object.entries built 15 [key, value] pairs per record.
  const r = rec as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k in r) {
    const v = r[k];
    if (k in d ? d[k] === v : derived.includes(k) && DERIVED[k].same(r, v)) continue;
    out[k] = v;
  }
  return out;
}

/** Put the defaults back into records read from the file (in place): shared values first, then the recomputed fields. */
export function restoreDefaults<T extends object>(records: T[], defaults: Map<string, ArtifactDefaults>): T[] {
  if (defaults.size === 0) return records;
  for (const rec of records as Rec[]) {
    const ad = defaults.get(artifactOf(rec));
    if (!ad) continue;
    const d = ad.values;
    for (const k in d) if (!(k in rec)) rec[k] = d[k];
    for (const k of ad.derived) {
      if (k in rec) continue;
      const v = DERIVED[k].derive(rec);
      if (v !== undefined) rec[k] = v;
    }
  }
  return records;
}

/** Names parse-report.json may list in `recordDerived` (a loader refuses any other). */
export function isDerivedField(name: unknown): name is string {
  return typeof name === 'string' && Object.hasOwn(DERIVED, name);
}

/** A compact JSON array, one record per line: `jq` reads it as any array, `grep` finds one record per line. */
export function writeRecordLines(records: readonly unknown[], write: (piece: string) => void, map: (r: unknown) => unknown = (r) => r): void {
  if (records.length === 0) {
    write('[]\n');
    return;
  }
  // The separator and the record are written apart: joined, each 100-byte record became a second
  // string to flatten before encoding (27 MB of garbage for a 100k-socket capture).
  for (let i = 0; i < records.length; i++) {
    write(i === 0 ? '[\n' : ',\n');
    write(JSON.stringify(map(records[i])) ?? 'null');
  }
  write('\n]\n');
}
