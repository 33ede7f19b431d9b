// parsed/connections.json and parsed/unix-sockets.json hold 100,000 records of a busy host; their
// field names were most of the bytes. The records are written as rows: a header element
// {"$columns": [field, …], "artifact": path} names the fields once, and each following array element
// is one record's values in that order ("source" holds only the line; the artifact is the header's),
// followed by an object of the fields only some records have ({"processTruncated":true}) when it has
// any. A record that does not fit its artifact's columns (one missing, another order) is written as an
// object, as before. Fields record-defaults.ts leaves out (shared values, recomputed fields) are not
// columns. decodeRows gives back the objects; restoreDefaults then puts back what was left out.
import { isLeftOut, stripDefaults, type ArtifactDefaults } from './record-defaults.js';

/** Marks a header element (no record has a field of that name). */
export const COLUMNS_KEY = '$columns';

type Rec = Record<string, unknown>;

function sourceLine(v: unknown, artifact: string): number | null {
  if (v === null || typeof v !== 'object') return null;
  const s = v as Rec;
  let n = 0;
  for (const k in s) {
    if (!(n === 0 ? k === 'artifact' : n === 1 && k === 'line')) return null;
    n++;
  }
  return n === 2 && s.artifact === artifact && typeof s.line === 'number' ? s.line : null;
}

/**
 * The record's values in the columns' order, then an object of its other written fields when it has
 * any (processTruncated on some rows); null when a column is missing or out of order.
 */
function rowOf(rec: Rec, ad: ArtifactDefaults, columns: string[], artifact: string): unknown[] | null {
  const row: unknown[] = new Array(columns.length);
  let extra: Rec | null = null;
  let j = 0;
  for (const k in rec) {
    const v = rec[k];
    if (j < columns.length && k === columns[j]) {
      if (k === 'source') {
        const line = sourceLine(v, artifact);
        if (line === null) return null;
        row[j++] = line;
      } else row[j++] = v;
      continue;
    }
    if (isLeftOut(rec, k, ad)) continue;
    if (k === '__proto__' || columns.includes(k)) return null;
    (extra ??= {})[k] = v;
  }
  if (j !== columns.length) return null;
  if (extra) row.push(extra);
  return row;
}

function artifactOf(r: Rec): string {
  const s = r.source as { artifact?: unknown } | undefined;
  return typeof s?.artifact === 'string' ? s.artifact : '';
}

/** The array as header and row elements, one element per line (`write` receives the pieces). */
export function writeRecordRows(records: readonly object[], write: (piece: string) => void, defaults: Map<string, ArtifactDefaults>): void {
  if (records.length === 0) {
    write('[]\n');
    return;
  }
  let headerOf: string | null = null; // the artifact whose header was written last
  for (let i = 0; i < records.length; i++) {
    write(i === 0 ? '[\n' : ',\n');
    const rec = records[i] as Rec;
    const artifact = artifactOf(rec);
    const ad = defaults.get(artifact);
    const columns = ad?.columns;
    const row = ad && columns?.length ? rowOf(rec, ad, columns, artifact) : null;
    if (row === null) {
      write(JSON.stringify(stripDefaults(rec, defaults)));
      continue;
    }
    if (headerOf !== artifact) {
      write(JSON.stringify({ [COLUMNS_KEY]: columns, artifact }));
      write(',\n');
      headerOf = artifact;
    }
    write(JSON.stringify(row));
  }
  write('\n]\n');
}

function header(e: Rec, index: number): { columns: string[]; artifact: string } {
  const columns = e[COLUMNS_KEY];
  const artifact = e.artifact;
  const ok = Array.isArray(columns) && columns.every((c) => typeof c === 'string' && c !== '__proto__') && new Set(columns).size === columns.length && typeof artifact === 'string';
  if (!ok) throw new Error(`element ${index + 1} is not a valid header (${COLUMNS_KEY}: distinct field names, artifact: a path)`);
  return { columns: columns as string[], artifact: artifact as string };
}

/** The records of a file written by writeRecordRows (plain record arrays pass through unchanged). */
export function decodeRows(elements: unknown[]): object[] {
  let current: { columns: string[]; artifact: string; source: number } | null = null;
  const out: object[] = [];
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i];
    if (Array.isArray(e)) {
      if (current === null) throw new Error(`element ${i + 1} is a row before any ${COLUMNS_KEY} header`);
      const { columns, artifact, source } = current;
      const extra = e.length === columns.length + 1 ? e[columns.length] : undefined;
      if (e.length !== columns.length && (extra === null || typeof extra !== 'object' || Array.isArray(extra))) {
        throw new Error(`element ${i + 1} has ${e.length} values for ${columns.length} columns`);
      }
      const rec: Rec = {};
      for (let j = 0; j < columns.length; j++) rec[columns[j]] = j === source ? { artifact, line: e[j] } : e[j];
      for (const k of extra ? Object.keys(extra as Rec) : []) {
        // JSON.parse makes "__proto__" an own key; assigned, it would replace the record's prototype.
        if (k === '__proto__') throw new Error(`element ${i + 1} has a field named __proto__`);
        if (!(k in rec)) rec[k] = (extra as Rec)[k];
      }
      out.push(rec);
    } else if (e !== null && typeof e === 'object' && Object.hasOwn(e, COLUMNS_KEY)) {
      const h = header(e as Rec, i);
      current = { ...h, source: h.columns.indexOf('source') };
    } else out.push(e as object);
  }
  return out;
}
