// Large record files (parsed/connections.json, parsed/unix-sockets.json) are written compact, one
// record per line, and a field whose value most records of one artifact share (format "linux-netstat",
// view "netstat", primary true, recvQ 0 …) is written once, in parse-report.json's
// `artifacts[].recordDefaults`, and left out of the records that have that value. The loader
// (folder.ts readJsonArray, i.e. readConnections/readUnixSockets) puts it back: what it returns is
// exactly the records the parser produced. The documented contract fields are never left out.

/** Per artifact: record kind → field → the value written once. */
export type RecordDefaults = Record<string, Record<string, unknown>>;

/** Fields of parsed/connections.json that every record always carries (ARCHITECTURE.md contract). */
export const CONNECTION_CONTRACT = ['protocol', 'ipVersion', 'localAddress', 'localPort', 'remoteAddress', 'remotePort', 'state', 'stateRaw', 'pid', 'process', 'source'];
/** The same for parsed/unix-sockets.json: what an examiner greps for stays on every line. */
export const UNIX_SOCKET_CONTRACT = ['type', 'state', 'inode', 'pid', 'process', 'path', 'source'];

type Rec = Record<string, unknown> & { source?: { artifact?: unknown } };

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
export function computeDefaults(records: readonly object[], contract: readonly string[]): Map<string, Record<string, unknown>> {
  const keep = new Set(contract);
  // artifact → field → (value → count); fields seen missing or non-primitive are dropped.
  const stats = new Map<string, { n: number; fields: Map<string, Map<unknown, number>>; out: Set<string> }>();
  for (const rec of records as Rec[]) {
    const a = artifactOf(rec);
    let st = stats.get(a);
    if (!st) {
      st = { n: 0, fields: new Map(), out: new Set() };
      for (const k of Object.keys(rec)) if (!keep.has(k)) st.fields.set(k, new Map());
      stats.set(a, st);
    }
    st.n++;
    for (const [k, counts] of st.fields) {
      const v = rec[k];
      if (v === undefined || !isPrimitive(v)) {
        st.fields.delete(k);
        continue;
      }
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
  }
  const out = new Map<string, Record<string, unknown>>();
  for (const [a, st] of stats) {
    const d: Record<string, unknown> = {};
    for (const [k, counts] of st.fields) {
      let best: unknown;
      let bestN = 0;
      for (const [v, n] of counts) if (n > bestN) [best, bestN] = [v, n];
      // Only worth a default when it saves something on most records.
      if (bestN * 2 > st.n) d[k] = best;
    }
    if (Object.keys(d).length) out.set(a, d);
  }
  return out;
}

/** The record as written: fields equal to its artifact's default left out (a new object; the input is kept). */
export function stripDefaults(rec: object, defaults: Map<string, Record<string, unknown>>): object {
  const d = defaults.get(artifactOf(rec as Rec));
  if (!d) return rec;
  // for…in over the record's own fields: Object.entries built 15 [key, value] pairs per record.
  const r = rec as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k in r) {
    const v = r[k];
    if (!(k in d) || d[k] !== v) out[k] = v;
  }
  return out;
}

/** Put the defaults back into records read from the file (in place). */
export function restoreDefaults<T extends object>(records: T[], defaults: Map<string, Record<string, unknown>>): T[] {
  if (defaults.size === 0) return records;
  for (const rec of records as Rec[]) {
    const d = defaults.get(artifactOf(rec));
    if (!d) continue;
    for (const k in d) if (!(k in rec)) rec[k] = d[k];
  }
  return records;
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
